"""The value vocabulary: which words mean yes/no, which channel, online level, status or satisfaction.

The words are data: ``reference/value_vocabulary.csv`` (``kind, word, value, source``) and
``reference/header_aliases.csv`` (headers), extended by user vocabulary files (same columns; kind may also be
``header``) passed as ``vocabulary=`` / ``--vocabulary`` or found beside the data as ``cchc_vocabulary.csv``.
What stays in code is rule, not word: numbers are looked up as whole numbers, «9 - Đã xử lý xong» by its code,
the first words of a yes/no phrase (longest first), channel keywords as whole words and never in a negation,
fee amounts (> 0 is yes), and a column of tick marks reads blank as no.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cchc_analysis import schema
from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_int
from cchc_analysis.loaders.cleaning import _clean_text, _distinct_values, _text_categorical, fold, header_key
from cchc_analysis.loaders.dates import (
    _DATE_BAD,
    _DATE_BLANK,
    _DATE_RANGE,
    DateOrderProblem,
    _parse_date_column,
    date_order_problem,
)
from cchc_analysis.loaders.headers import PERSONAL, UNUSED, _alias_table
from cchc_analysis.privacy import mask_personal_array

#: The package's value words: ``reference/value_vocabulary.csv`` (``kind, word, value, source``).
VALUE_VOCABULARY = Path(__file__).parent.parent / "reference" / "value_vocabulary.csv"


#: A vocabulary file with this name beside a data file (or in the folder loaded) is merged automatically.
VOCABULARY_FILE_NAME = "cchc_vocabulary.csv"


VOCABULARY_COLUMNS: tuple[str, ...] = ("kind", "word", "value", "source")


#: What each kind of row means and the values it accepts. ``header`` rows come from user files only (the package's
#: headers are in ``reference/header_aliases.csv``).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "status": ("trạng thái hồ sơ → mã DVCQG", tuple(str(c) for c in schema.STATUS_NAMES)),
    "channel": ("kênh thực hiện (cả cụm từ)", schema.CHANNELS),
    "channel_keyword": ("từ khóa kênh trong một cụm từ dài hơn", schema.CHANNELS),
    "online_level": ("mức độ DVC trực tuyến", (*schema.ONLINE_LEVELS, "not_online")),
    "bool": ("có/không (cả từ)", ("true", "false", "tick")),
    "bool_prefix": ("có/không theo từ đầu", ("true", "false", "unknown")),
    "paid_online": ("thanh toán trực tuyến (trước bảng có/không)", ("true", "false")),
    "satisfaction": ("mức độ hài lòng", (*schema.SATISFACTION_LEVELS, "unrated")),
    "vulnerable_group": ("nhóm đối tượng yếu thế (Kế hoạch 126)", (*schema.VULNERABLE_GROUPS, "none")),
    "header": ("tiêu đề cột → tên cột chuẩn", (*schema.CANONICAL_COLUMNS, PERSONAL, UNUSED)),
}


_BUILTIN_ORIGIN = "cchc_analysis"


def _word_key(kind: str, word: str, value: str) -> str:
    """The key a word is looked up by: folded text; a header's key; a tick mark as it is (it folds to nothing)."""
    if kind == "header":
        return header_key(word)
    if kind == "bool" and value == "tick":
        return word.casefold().strip()
    return fold(word)


def _vocabulary_error(vi: str, en: str, path: Path, row: int, column: str, value: object) -> InputError:
    return InputError(
        f"Tệp từ vựng không hợp lệ: {vi}",
        f"Invalid vocabulary file: {en}",
        file=path,
        row=row,
        column=column,
        value=value,
    )


def _read_vocabulary_file(path: Path) -> pd.DataFrame:
    """A user vocabulary file as a table ``kind, word, value, source, origin, row, key``; checked row by row."""
    from cchc_analysis.loaders.sniffing import _decode

    if not path.is_file():
        raise InputError("Không tìm thấy tệp từ vựng", "Vocabulary file not found", file=path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(
            f"Không đọc được tệp từ vựng: {e.strerror or e}",
            f"Cannot read the vocabulary file: {e}",
            file=path,
        ) from None
    text = _decode(data, None, path) if data else ""
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=first.count)
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [unicodedata.normalize("NFC", h).strip().casefold() for h in (records[0] if records else [])]
    missing = [c for c in VOCABULARY_COLUMNS[:3] if c not in header]
    if missing:
        raise InputError(
            f"Tệp từ vựng thiếu cột {', '.join(missing)}: dòng đầu phải là «kind,word,value,source»",
            f"The vocabulary file lacks column(s) {', '.join(missing)}: its first line must be kind,word,value,source",
            file=path,
            row=1,
        )
    rows = []
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    for number, record in enumerate(records[1:], start=2):
        cells = {h: unicodedata.normalize("NFC", v).strip() for h, v in zip(header, record, strict=False)}
        if not any(cells.values()):
            continue
        kind, word, value = cells.get("kind", ""), cells.get("word", ""), cells.get("value", "")
        source = cells.get("source", "") or f"tệp {path.name}"
        if fold(kind).replace(" ", "_") in KINDS:
            kind = fold(kind).replace(" ", "_")
        else:
            raise _vocabulary_error(
                f"loại «{kind}» không có; dùng một trong: {', '.join(KINDS)}",
                f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}",
                path,
                number,
                "kind",
                kind,
            )
        accepted = KINDS[kind][1]
        if kind != "header":
            value = value.casefold()
        if value not in accepted:
            raise _vocabulary_error(
                f"giá trị «{value}» không dùng được cho loại {kind}; dùng một trong: {', '.join(accepted)}",
                f"value {value!r} cannot be used for kind {kind}; use one of: {', '.join(accepted)}",
                path,
                number,
                "value",
                value,
            )
        key = _word_key(kind, word, value)
        if not key:
            raise _vocabulary_error(
                "thiếu từ (cột word trống hoặc chỉ có dấu câu)",
                "missing word (blank or punctuation only)",
                path,
                number,
                "word",
                word,
            )
        earlier = seen.get((kind, key))
        if earlier is not None and earlier[1] != value:
            raise _vocabulary_error(
                f"từ «{word}» ({kind}) đã được gán giá trị «{earlier[1]}» ở dòng {earlier[0]}",
                f"word {word!r} ({kind}) was already given the value {earlier[1]!r} on row {earlier[0]}",
                path,
                number,
                "value",
                value,
            )
        seen[(kind, key)] = (number, value)
        rows.append((kind, word, value, source, str(path), number, key))
    return pd.DataFrame(rows, columns=[*VOCABULARY_COLUMNS, "origin", "row", "key"])


@lru_cache(maxsize=1)
def _builtin_table() -> pd.DataFrame:
    table = pd.read_csv(VALUE_VOCABULARY, dtype=str, keep_default_na=False, encoding="utf-8")
    table = table.map(lambda s: unicodedata.normalize("NFC", s.strip()))
    bad = table[
        ~table.apply(
            lambda r: r["kind"] in KINDS and r["value"] in KINDS[r["kind"]][1] and bool(r["source"]), axis=1
        )
    ]
    if len(bad):  # a broken reference file is a bug of the package, not bad input
        raise ValueError(f"value_vocabulary.csv: bad rows {bad.index.tolist()}")
    table["origin"] = _BUILTIN_ORIGIN
    table["row"] = np.arange(2, len(table) + 2)
    table["key"] = [_word_key(k, w, v) for k, w, v in table[["kind", "word", "value"]].to_numpy()]
    clashes = table.groupby(["kind", "key"])["value"].nunique()
    if (clashes > 1).any():
        raise ValueError(
            f"value_vocabulary.csv gives one word two values: {list(clashes[clashes > 1].index)}"
        )
    aliases = _alias_table()
    headers = pd.DataFrame(
        {
            "kind": "header",
            "word": aliases["header"],
            "value": aliases["canonical"],
            "source": aliases["source"],
            "origin": "cchc_analysis/reference/header_aliases.csv",
            "row": np.arange(2, len(aliases) + 2),
            "key": aliases["key"],
        }
    )
    return pd.concat([table, headers], ignore_index=True)


class Vocabulary:
    """The words the loader understands: the package's tables merged with user vocabulary files.

    A user row replaces the package's row for the same kind and word (a unit may correct a decision); among user
    files, a later file wins. Lookups fold words (no case, diacritics or punctuation), except tick marks.

    Parameters
    ----------
    files : tuple of Path
        User vocabulary files, in the order they are merged.
    """

    def __init__(self, files: tuple[Path, ...] = ()) -> None:
        self.files = files
        parts = [_builtin_table()] + [_read_vocabulary_file(f) for f in files]
        merged = pd.concat(parts, ignore_index=True)
        user = merged["origin"] != _BUILTIN_ORIGIN
        user &= ~merged["origin"].str.endswith("header_aliases.csv")
        # user rows first (their channel keywords are tried first), later files before earlier ones
        order = np.where(user, -merged.index.to_numpy(), np.arange(len(merged)) + len(merged))
        merged = merged.assign(_order=order, _user=user).sort_values("_order", kind="stable")
        merged = merged.drop_duplicates(["kind", "key"], keep="first")
        user_rows = merged[merged["_user"]].sort_index()
        builtin_rows = merged[~merged["_user"]].sort_index()
        #: The merged table (``kind, word, value, source, origin``): the package's rows, then the users'.
        self.table = pd.concat([builtin_rows, user_rows])[[*VOCABULARY_COLUMNS, "origin"]].reset_index(
            drop=True
        )
        merged = pd.concat([user_rows, builtin_rows])  # lookups: user rows first, in file order
        by_kind = {kind: group for kind, group in merged.groupby("kind", sort=False)}

        def pairs(kind: str) -> list[tuple[str, str]]:
            group = by_kind.get(kind)
            return [] if group is None else list(zip(group["key"], group["value"], strict=True))

        self.status: dict[str, int] = {k: int(v) for k, v in pairs("status")}
        self.channel: dict[str, str] = dict(pairs("channel")) | {fold(c): c for c in schema.CHANNELS}
        self.channel_keywords: tuple[tuple[str, str], ...] = tuple(
            pairs("channel_keyword")
        )  # user ones first
        self.online_level: dict[str, str | None] = {
            k: (None if v == "not_online" else v) for k, v in pairs("online_level")
        } | {fold(level): level for level in schema.ONLINE_LEVELS}
        bools = pairs("bool")
        self.ticks = frozenset(k for k, v in bools if v == "tick")
        self.bool_words: dict[str, bool] = {k: v == "true" for k, v in bools if v != "tick"}
        prefixes = sorted(
            pairs("bool_prefix"), key=lambda kv: -len(kv[0])
        )  # the longest first: «có lẽ» before «có»
        self.bool_prefixes: tuple[tuple[str, object], ...] = tuple(
            (k, _BAD if v == "unknown" else v == "true") for k, v in prefixes
        )
        self.paid_online: dict[str, bool] = {k: v == "true" for k, v in pairs("paid_online")}
        self.satisfaction: dict[str, str | None] = {
            k: (None if v == "unrated" else v) for k, v in pairs("satisfaction")
        } | {fold(level): level for level in schema.SATISFACTION_LEVELS}
        self.vulnerable_group: dict[str, str | None] = {
            k: (None if v == "none" else v) for k, v in pairs("vulnerable_group")
        } | {fold(g): g for g in schema.VULNERABLE_GROUPS}
        self.headers: dict[str, str] = dict(pairs("header"))
        numeric = {int(k): code for k, code in self.status.items() if k.isdigit()}
        self.status_numbers = np.array(sorted(numeric), dtype=np.int64)
        self.status_number_codes = np.array([numeric[k] for k in sorted(numeric)], dtype=np.int8)

    def __repr__(self) -> str:
        return f"Vocabulary(files={[str(f) for f in self.files]})"


def vocabulary_files(path: str | Path | None, vocabulary: object = None) -> tuple[Path, ...]:
    """The user vocabulary files for a data file: ``cchc_vocabulary.csv`` beside it (or in the folder), then
    ``vocabulary`` (a path or a list of paths), without repeats."""
    files: list[Path] = []
    if path is not None:
        p = Path(path)
        beside = (p if p.is_dir() else p.parent) / VOCABULARY_FILE_NAME
        if beside.is_file():
            files.append(beside)
    if vocabulary is not None:
        given = [vocabulary] if isinstance(vocabulary, (str, Path)) else list(vocabulary)
        files.extend(Path(v).expanduser() for v in given)
    unique: dict[str, Path] = {}
    for f in files:
        unique.setdefault(str(f.resolve()) if f.exists() else str(f), f)
    return tuple(unique.values())


def load_vocabulary(path: str | Path | None = None, vocabulary: object = None) -> Vocabulary:
    """The vocabulary for loading ``path``: the package's tables merged with the user files that apply.

    Parameters
    ----------
    path : path, optional
        The data file (or folder) loaded: a ``cchc_vocabulary.csv`` beside it is merged.
    vocabulary : path or list of paths or Vocabulary, optional
        User vocabulary files (columns ``kind, word, value, source``), merged after the one found beside the data.

    Raises
    ------
    InputError
        For a vocabulary file that cannot be read, or a row with an unknown kind, a blank word or a value its kind
        does not accept (the message names the file, the row, the column and the value).
    """
    if isinstance(vocabulary, Vocabulary):
        return vocabulary
    files = vocabulary_files(path, vocabulary)
    key = tuple((str(f), *_stamp(f)) for f in files)
    return _cached_vocabulary(key)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)  # missing: reading it will say so
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=16)
def _cached_vocabulary(key: tuple[tuple[str, int, int], ...]) -> Vocabulary:
    """One :class:`Vocabulary` per set of files and their versions: different files never share lookups."""
    return Vocabulary(tuple(Path(k[0]) for k in key))


_BAD = object()  # marker of an unreadable value in the value maps


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


_AMOUNT = re.compile(r"^(\d{1,3}(?:[., ]\d{3})+|\d+)(?:[.,]\d{1,2})?$")


_CURRENCY = re.compile(r"\s*(?:vnđ|vnd|đồng|dong|đ|d)\.?$")


def _number(text: str) -> float | None:
    if _NUMBER.match(text):
        return float(text.replace(",", "."))
    return None


def _amount(text: str) -> float | None:
    s = _CURRENCY.sub("", text.casefold()).strip()
    m = _AMOUNT.match(s)
    if not m:
        return None
    return float(re.sub(r"[., ]", "", m.group(1)))


def _integer_word(text: str) -> str | None:
    """``"4"``, ``"4.0"``, ``"4,0"`` → ``"4"``; None for text that is no number; ``""`` for a fraction."""
    number = _number(text.strip())
    if number is None:
        return None
    return str(int(number)) if float(number).is_integer() else ""


def _bool_value(text: str, column: str, vocabulary: Vocabulary) -> object:
    s = text.casefold().strip()
    if s in vocabulary.ticks:
        return True
    if column == "fee_required":
        amount = _amount(s)
        if amount is not None:
            return amount > 0
    integer = _integer_word(s)
    key = fold(s) if integer is None else integer
    if column == "paid_online" and key in vocabulary.paid_online:
        return vocabulary.paid_online[key]
    if key in vocabulary.bool_words:
        return vocabulary.bool_words[key]
    if integer is not None:  # another number: neither yes nor no
        return _BAD
    padded = f"{key} "
    for prefix, value in vocabulary.bool_prefixes:  # the longest first: a hedge «có lẽ» before «có»
        if padded.startswith(f"{prefix} "):
            return value
    return _BAD


def _keyword_value(folded: str, vocabulary: Vocabulary, allowed: tuple[str, ...]) -> object:
    """The first channel keyword (whole words) found in a phrase that is not a negation."""
    padded = f" {folded} "
    if " khong " in padded:  # «không trực tuyến»: a negation is never read by keyword
        return _BAD
    for keyword, channel in vocabulary.channel_keywords:
        if f" {keyword} " in padded and channel in allowed:
            return channel
    return _BAD


def _channel_value(text: str, vocabulary: Vocabulary) -> object:
    integer = _integer_word(text)
    if integer is not None:
        return vocabulary.channel.get(integer, _BAD)
    folded = fold(text)
    if folded in vocabulary.channel:
        return vocabulary.channel[folded]
    return _keyword_value(folded, vocabulary, schema.CHANNELS)


def _online_level_value(text: str, vocabulary: Vocabulary) -> object:
    integer = _integer_word(text)
    folded = fold(text) if integer is None else integer
    if folded in vocabulary.online_level:
        return vocabulary.online_level[folded]
    if integer is not None:
        return _BAD
    return _keyword_value(folded, vocabulary, schema.ONLINE_LEVELS)


_STATUS_CODE_PREFIX = re.compile(r"^(\d{1,2})\s*[-.:)–—]\s*\D")


def _status_value(text: str, vocabulary: Vocabulary) -> object:
    s = text.strip()
    integer = _integer_word(s)
    if integer is None:
        m = _STATUS_CODE_PREFIX.match(s)  # «9 - Đã xử lý xong»: the code decides
        integer = m.group(1) if m else None
    if integer is not None:
        code = vocabulary.status.get(integer)
        return code if code is not None else _BAD
    return vocabulary.status.get(fold(s), _BAD)


def _satisfaction_value(text: str, vocabulary: Vocabulary) -> object:
    return vocabulary.satisfaction.get(fold(text), _BAD)


def _vulnerable_groups(text: pa.Array, vocabulary: Vocabulary) -> pa.Array:
    """Known words of a vulnerable group become their code («Người cao tuổi» → ``elderly``; «Không» → blank);
    a word the vocabulary lacks is kept as written, never rejected (the dossier still counts in Biểu 06)."""
    if len(text) == 0:
        return text
    encoded = text.dictionary_encode()
    words = encoded.dictionary.to_pylist()
    mapped = [vocabulary.vulnerable_group.get(fold(w), w) if w is not None else None for w in words]
    return pc.take(pa.array(mapped, type=pa.string()), encoded.indices)


@dataclass
class _Converted:
    """One canonical column converted over the non-blank data rows, with its per-row problems."""

    values: object  # pa.Array (text), numpy datetime64 array, or a pandas extension array
    problems: list[tuple[str, np.ndarray]] = field(default_factory=list)  # (reason_code, row mask), in order
    order_problem: DateOrderProblem | None = None  # a date column that looks month first (loaders.dates)


def _categorical(
    mapped: list[object], codes: np.ndarray, categories: tuple[str, ...], blank: str | None
) -> tuple[pd.Categorical, np.ndarray]:
    lookup = {c: i for i, c in enumerate(categories)}
    blank_code = -1 if blank is None else lookup[blank]
    # codes == -1 (blank cell) picks the last entry of each table
    table = np.array([lookup[v] if isinstance(v, str) else -1 for v in mapped] + [blank_code], dtype=np.int64)
    bad = np.array([v is _BAD for v in mapped] + [False], dtype=bool)
    if (
        np.array_equal(table[:-1], np.arange(len(mapped)))
        and not bad.any()
        and (blank_code == -1 or len(codes) == 0 or codes.min() >= 0)
    ):  # canonical values in canonical order (a Parquet file the package wrote): the codes as they are
        return pd.Categorical.from_codes(codes, categories=list(categories)), np.zeros(len(codes), dtype=bool)
    return pd.Categorical.from_codes(table[codes], categories=list(categories)), bad[codes]


def _convert(
    name: str, raw: pd.Series, excel: bool, vocabulary: Vocabulary | None = None, month_first: bool = False
) -> _Converted:
    vocabulary = vocabulary if vocabulary is not None else load_vocabulary()
    if name in schema.DATE_COLUMNS:
        values, status = _parse_date_column(raw, excel=excel, month_first=month_first)
        problems = [("bad_date", status == _DATE_BAD), ("date_out_of_range", status == _DATE_RANGE)]
        if name == "received_at":  # a blank due date is a procedure without a deadline: loaded (rates.py)
            problems.insert(0, ("blank_date", status == _DATE_BLANK))
        order = None if month_first else date_order_problem(raw, status, excel=excel)
        return _Converted(values, problems, order)
    if name == "dossier_id" or name in schema.TEXT_COLUMNS:
        if name != "dossier_id" and isinstance(raw.dtype, pd.CategoricalDtype):
            return _Converted(_text_categorical(raw), [])  # a Parquet dictionary column stays categorical
        text = _clean_text(raw)
        if name != "dossier_id":  # an ID-card or phone number typed into free text (cchc_analysis.privacy)
            text = mask_personal_array(text)
        if name == "vulnerable_group":
            text = _vulnerable_groups(text, vocabulary)
        blank = pc.is_null(text).to_numpy(zero_copy_only=False) if len(text) else np.zeros(0, bool)
        return _Converted(text, [("blank_id", blank)] if name == "dossier_id" else [])
    if name in schema.BOOL_COLUMNS and isinstance(raw.dtype, pd.BooleanDtype):  # typed yes/no: as it is
        return _Converted(raw.array, [])
    if name == "status" and pd.api.types.is_integer_dtype(raw.dtype):  # typed DVCQG codes
        if isinstance(raw.dtype, pd.Int8Dtype) and len(vocabulary.status_numbers):
            # One byte a code: each of the 256 values looked up once, then a table per row.
            numbers = raw.to_numpy(dtype=np.int8, na_value=0)
            present = raw.notna().to_numpy()
            every = np.arange(-128, 128, dtype=np.int64)
            at = np.searchsorted(vocabulary.status_numbers, every).clip(
                max=len(vocabulary.status_numbers) - 1
            )
            hit = vocabulary.status_numbers[at] == every
            table = np.where(hit, vocabulary.status_number_codes[at], 0).astype(np.int8)
            index = numbers.view(np.uint8) ^ np.uint8(128)  # -128 … 127 → 0 … 255
            known = hit[index] & present
            codes = np.where(known, table[index], np.int8(0))
            return _Converted(pd.arrays.IntegerArray(codes, ~known), [("unknown_status", ~known & present)])
        numbers = raw.to_numpy(dtype=np.int64, na_value=-1)
        table, table_codes = (
            vocabulary.status_numbers,
            vocabulary.status_number_codes,
        )  # the code list as data
        where = np.searchsorted(table, numbers).clip(max=max(len(table) - 1, 0))
        known = (table[where] == numbers) if len(table) else np.zeros(len(numbers), dtype=bool)
        bad = ~known & raw.notna().to_numpy()
        codes = np.where(known, table_codes[where] if len(table) else 0, 0).astype(np.int8)
        return _Converted(pd.arrays.IntegerArray(codes, ~known), [("unknown_status", bad)])
    codes, distinct = _distinct_values(raw)
    if name in ("channel", "online_level", "satisfaction"):
        func, categories, blank, code = {
            "channel": (_channel_value, schema.CHANNELS, "in_person", "unknown_channel"),
            "online_level": (_online_level_value, schema.ONLINE_LEVELS, None, "unknown_online_level"),
            "satisfaction": (_satisfaction_value, schema.SATISFACTION_LEVELS, None, "unknown_satisfaction"),
        }[name]
        values, bad = _categorical([func(v, vocabulary) for v in distinct], codes, categories, blank)
        return _Converted(values, [(code, bad)])
    if name == "status":
        mapped = [_status_value(v, vocabulary) for v in distinct]
        numbers = np.array([v if isinstance(v, int) else 0 for v in mapped] + [0], dtype=np.int8)[codes]
        bad = np.array([v is _BAD for v in mapped] + [False], dtype=bool)[codes]
        return _Converted(pd.arrays.IntegerArray(numbers, numbers == 0), [("unknown_status", bad)])
    if name in schema.BOOL_COLUMNS:
        mapped = [_bool_value(v, name, vocabulary) for v in distinct]
        ticks = bool(distinct) and all(v.casefold().strip() in vocabulary.ticks for v in distinct)
        truth = np.array([v is True for v in mapped] + [False], dtype=bool)[codes]
        unknown = np.array([not isinstance(v, bool) for v in mapped] + [not ticks], dtype=bool)[codes]
        bad = np.array([v is _BAD for v in mapped] + [False], dtype=bool)[codes]
        return _Converted(pd.arrays.BooleanArray(truth, unknown), [("unknown_value", bad)])
    raise AssertionError(f"no converter for {name}")  # pragma: no cover


def _refine_channel(channel: pd.Categorical, level: pd.Categorical) -> pd.Categorical:
    """``online`` becomes ``full_online`` / ``partial_online`` where the online level is known."""
    codes = channel.codes.copy()
    online = codes == schema.CHANNELS.index("online")
    for i, name in enumerate(schema.ONLINE_LEVELS):
        codes[online & (level.codes == i)] = schema.CHANNELS.index(name)
    return pd.Categorical.from_codes(codes, categories=list(schema.CHANNELS))


#: Reject reasons that mean "a word the vocabulary does not hold", and the vocabulary kind that would hold it.
UNKNOWN_VALUE_KINDS: dict[str, str] = {
    "unknown_status": "status",
    "unknown_channel": "channel",
    "unknown_online_level": "online_level",
    "unknown_value": "bool",
    "unknown_satisfaction": "satisfaction",
}


_EXAMPLE_VALUE: dict[str, str] = {
    "status": "<mã 1–10>",
    "channel": "<in_person|online|full_online|partial_online|postal>",
    "online_level": "<full_online|partial_online|not_online>",
    "bool": "<true|false>",
    "paid_online": "<true|false>",
    "satisfaction": "<very_satisfied|satisfied|dissatisfied|unrated>",
}


_SHOWN_VALUES = 8


#: How the note on unknown values begins (``cchc validate`` lists those values itself).
UNKNOWN_VALUES_NOTE = "Giá trị không nhận ra"


def unknown_values(rejects: pd.DataFrame, header_map: dict[str, str]) -> pd.DataFrame:
    """Distinct unknown values of the rejected rows: ``column, canonical, kind, value, rows``, most rows first.

    Parameters
    ----------
    rejects : DataFrame
        Reject records (``column`` is the header as written, ``value`` the cell, already masked).
    header_map : dict
        Header as written → canonical name (:attr:`LoadResult.header_map`).
    """
    hit = rejects[rejects["reason_code"].isin(list(UNKNOWN_VALUE_KINDS))]
    if hit.empty:
        return pd.DataFrame(columns=["column", "canonical", "kind", "value", "rows"])
    counts = (
        hit.groupby(["column", "reason_code", "value"], dropna=False, sort=False)
        .size()
        .reset_index(name="rows")
    )
    counts["canonical"] = counts["column"].map(lambda h: header_map.get(h, h))
    counts["kind"] = [
        "paid_online" if code == "unknown_value" and name == "paid_online" else UNKNOWN_VALUE_KINDS[code]
        for code, name in counts[["reason_code", "canonical"]].to_numpy()
    ]
    counts = counts.sort_values(["rows", "column", "value"], ascending=[False, True, True], kind="stable")
    return counts[["column", "canonical", "kind", "value", "rows"]].reset_index(drop=True)


def _csv_cell(text: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([text])
    return buffer.getvalue()


def unknown_values_note(rejects: pd.DataFrame, header_map: dict[str, str]) -> list[str]:
    """The one-line note on unknown values (empty list when there are none): values with their counts per column,
    and how to add them.

    Examples
    --------
    >>> rejects = pd.DataFrame({"column": ["Trạng thái"] * 2, "value": ["Đã có KQ"] * 2,
    ...                         "reason_code": ["unknown_status"] * 2})
    >>> print(unknown_values_note(rejects, {"Trạng thái": "status"})[0])  # doctest: +ELLIPSIS
    Giá trị không nhận ra, 2 dòng bị từ chối — Trạng thái: "Đã có KQ" × 2. Để nhận các giá trị này, thêm ...
    """
    table = unknown_values(rejects, header_map)
    if table.empty:
        return []
    parts = []
    for column, group in table.groupby("column", sort=False):
        shown = [f'"{v}" × {fmt_int(n)}' for v, n in group[["value", "rows"]].head(_SHOWN_VALUES).to_numpy()]
        if len(group) > _SHOWN_VALUES:
            shown.append(f"… và {len(group) - _SHOWN_VALUES} giá trị khác")
        parts.append(f"{column}: {', '.join(shown)}")
    first = table.iloc[0]
    example = f"{first['kind']},{_csv_cell(str(first['value']))},{_EXAMPLE_VALUE[first['kind']]},<nguồn>"
    total = int(table["rows"].sum())
    return [
        f"{UNKNOWN_VALUES_NOTE}, {fmt_int(total)} dòng bị từ chối — "
        + "; ".join(parts)
        + f". Để nhận các giá trị này, thêm vào tệp {VOCABULARY_FILE_NAME} (đặt cạnh tệp dữ liệu) hoặc một tệp "
        f"dùng với --vocabulary TỆP các dòng «kind,word,value,source», ví dụ «{example}»; xem: cchc vocabulary"
    ]
