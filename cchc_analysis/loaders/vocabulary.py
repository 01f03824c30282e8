"""The value vocabulary: which words mean yes/no, which channel, online level, status or satisfaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from cchc_analysis import schema
from cchc_analysis.loaders.cleaning import _clean_text, _distinct_values, _text_categorical, fold
from cchc_analysis.loaders.dates import (
    _DATE_BAD,
    _DATE_BLANK,
    _DATE_RANGE,
    DateOrderProblem,
    _parse_date_column,
    date_order_problem,
)
from cchc_analysis.privacy import mask_personal_array

BOOL_TRUE = frozenset({"co", "da", "x", "1", "true", "yes", "y", "t", "dung", "ok"})


BOOL_FALSE = frozenset({"khong", "chua", "0", "false", "no", "n", "f", "sai", "mien", "mien phi"})


#: A phrase starting with one of these words reads as true / false ("Đã số hóa", "Chưa số hóa", "Không có").
BOOL_TRUE_FIRST_WORDS = frozenset({"co", "da"})


BOOL_FALSE_FIRST_WORDS = frozenset({"khong", "chua", "mien"})


#: Hedges ("có lẽ" = maybe, "không rõ" = unknown) are unreadable, not yes or no.
BOOL_HEDGES: tuple[str, ...] = (
    "co le",
    "co the",
    "khong ro",
    "chua ro",
    "khong biet",
    "chua biet",
    "khong xac dinh",
)


#: Tick marks; a column whose non-blank values are all tick marks reads blank as false.
X_MARKS = frozenset({"x", "✓", "✔", "☑", "☒", "✗", "✘"})


CHANNEL_VALUES: dict[str, str] = {
    "truc tuyen toan trinh": "full_online",
    "toan trinh": "full_online",
    "dvc toan trinh": "full_online",
    "dvctt toan trinh": "full_online",
    "truc tuyen mot phan": "partial_online",
    "mot phan": "partial_online",
    "dvc mot phan": "partial_online",
    "truc tuyen": "online",
    "online": "online",
    "nop truc tuyen": "online",
    "qua mang": "online",
    "truc tiep": "in_person",
    "tai quay": "in_person",
    "nop truc tiep": "in_person",
    "buu chinh": "postal",
    "buu chinh cong ich": "postal",
    "bcci": "postal",
    "qua buu dien": "postal",
    "qua buu chinh": "postal",
    "qua dich vu buu chinh cong ich": "postal",
    "buu dien": "postal",
    # DVCQG KenhThucHien codes
    "1": "in_person",
    "2": "online",
    "3": "postal",
}


#: Fallback for channel phrases not listed above: the first keyword found (whole words) decides.
CHANNEL_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("toan trinh", "full_online"),
    ("muc do 4", "full_online"),
    ("mot phan", "partial_online"),
    ("muc do 3", "partial_online"),
    ("buu chinh", "postal"),
    ("buu dien", "postal"),
    ("bcci", "postal"),
    ("truc tuyen", "online"),
    ("online", "online"),
    ("truc tiep", "in_person"),
    ("tai quay", "in_person"),
    ("mot cua", "in_person"),
)


ONLINE_LEVEL_VALUES: dict[str, str | None] = {
    "toan trinh": "full_online",
    "truc tuyen toan trinh": "full_online",
    "dvc toan trinh": "full_online",
    "dvc truc tuyen toan trinh": "full_online",
    "dvctt toan trinh": "full_online",
    "muc do 4": "full_online",
    "4": "full_online",
    "mot phan": "partial_online",
    "truc tuyen mot phan": "partial_online",
    "dvc mot phan": "partial_online",
    "dvc truc tuyen mot phan": "partial_online",
    "dvctt mot phan": "partial_online",
    "muc do 3": "partial_online",
    "3": "partial_online",
    # Levels 1–2 (information only) are no online service level.
    "muc do 1": None,
    "muc do 2": None,
    "1": None,
    "2": None,
    "cung cap thong tin": None,
}


#: Status names besides schema.STATUS_NAMES seen in one-stop exports [inferred].
STATUS_SYNONYMS: dict[str, int] = {
    "moi": 1,
    "cho tiep nhan": 1,
    "da tiep nhan": 2,
    "tiep nhan": 2,
    "tu choi tiep nhan": 3,
    "khong tiep nhan": 3,
    "dang giai quyet": 4,
    "yeu cau bo sung": 5,
    "cho bo sung": 5,
    "yeu cau bo sung ho so": 5,
    "rut ho so": 7,
    "da rut ho so": 7,
    "dung giai quyet": 8,
    "da giai quyet": 9,
    "da hoan thanh": 9,
    "hoan thanh": 9,
    "da tra": 10,
    "da tra ket qua cho cong dan": 10,
}


SATISFACTION_VALUES: dict[str, str | None] = {
    "rat hai long": "very_satisfied",
    "hai long": "satisfied",
    "khong hai long": "dissatisfied",
    "chua hai long": "dissatisfied",
    "chua danh gia": None,
    "khong danh gia": None,
    "chua co danh gia": None,
}


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


def _bool_value(text: str, column: str) -> object:
    s = text.casefold().strip()
    if s in X_MARKS:
        return True
    if column == "fee_required":
        amount = _amount(s)
        if amount is not None:
            return amount > 0
    number = _number(s)
    if number is not None:
        if column == "paid_online" and number in (1, 2):
            return True
        if number in (0, 1):
            return bool(number)
        return _BAD
    folded = fold(s)
    if folded in BOOL_TRUE:
        return True
    if folded in BOOL_FALSE:
        return False
    if any(f"{folded} ".startswith(f"{hedge} ") for hedge in BOOL_HEDGES):
        return _BAD
    words = folded.split()
    if words and words[0] in BOOL_FALSE_FIRST_WORDS:
        return False
    if words and words[0] in BOOL_TRUE_FIRST_WORDS:
        return True
    return _BAD


def _channel_value(text: str) -> object:
    number = _number(text.strip())
    if number is not None:
        return CHANNEL_VALUES.get(str(int(number)), _BAD) if float(number).is_integer() else _BAD
    folded = fold(text)
    if folded in _CANONICAL_CHANNELS:
        return _CANONICAL_CHANNELS[folded]
    if folded in CHANNEL_VALUES:
        return CHANNEL_VALUES[folded]
    padded = f" {folded} "
    if " khong " in padded:
        return _BAD
    for keyword, channel in CHANNEL_KEYWORDS:
        if f" {keyword} " in padded:
            return channel
    return _BAD


_CANONICAL_CHANNELS = {fold(c): c for c in schema.CHANNELS}


def _online_level_value(text: str) -> object:
    number = _number(text.strip())
    folded = str(int(number)) if number is not None and float(number).is_integer() else fold(text)
    for level in schema.ONLINE_LEVELS:
        if folded == fold(level):
            return level
    if folded in ONLINE_LEVEL_VALUES:
        return ONLINE_LEVEL_VALUES[folded]
    padded = f" {folded} "
    if " khong " not in padded:
        for keyword, channel in CHANNEL_KEYWORDS:
            if f" {keyword} " in padded and channel in schema.ONLINE_LEVELS:
                return channel
    return _BAD


_STATUS_BY_NAME = {fold(name): code for code, name in schema.STATUS_NAMES.items()} | STATUS_SYNONYMS


_STATUS_CODE_PREFIX = re.compile(r"^(\d{1,2})\s*[-.:)–—]\s*\D")


def _status_value(text: str) -> object:
    s = text.strip()
    number = _number(s)
    if number is not None:
        return int(number) if float(number).is_integer() and int(number) in schema.STATUS_NAMES else _BAD
    m = _STATUS_CODE_PREFIX.match(s)
    if m:
        code = int(m.group(1))
        return code if code in schema.STATUS_NAMES else _BAD
    return _STATUS_BY_NAME.get(fold(s), _BAD)


_SATISFACTION_BY_NAME = {fold(c): c for c in schema.SATISFACTION_LEVELS} | SATISFACTION_VALUES


def _satisfaction_value(text: str) -> object:
    return _SATISFACTION_BY_NAME.get(fold(text), _BAD)


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


def _convert(name: str, raw: pd.Series, excel: bool, month_first: bool = False) -> _Converted:
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
        blank = pc.is_null(text).to_numpy(zero_copy_only=False) if len(text) else np.zeros(0, bool)
        return _Converted(text, [("blank_id", blank)] if name == "dossier_id" else [])
    if name in schema.BOOL_COLUMNS and isinstance(raw.dtype, pd.BooleanDtype):  # typed yes/no: as it is
        return _Converted(raw.array, [])
    if name == "status" and pd.api.types.is_integer_dtype(raw.dtype):  # typed DVCQG codes
        numbers = raw.to_numpy(dtype=np.int64, na_value=0)
        low, high = min(schema.STATUS_NAMES), max(schema.STATUS_NAMES)  # codes 1–10, every one named
        known = (numbers >= low) & (numbers <= high)
        bad = ~known & raw.notna().to_numpy()
        codes = np.where(known, numbers, 0).astype(np.int8)
        return _Converted(pd.arrays.IntegerArray(codes, ~known), [("unknown_status", bad)])
    codes, distinct = _distinct_values(raw)
    if name in ("channel", "online_level", "satisfaction"):
        func, categories, blank, code = {
            "channel": (_channel_value, schema.CHANNELS, "in_person", "unknown_channel"),
            "online_level": (_online_level_value, schema.ONLINE_LEVELS, None, "unknown_online_level"),
            "satisfaction": (_satisfaction_value, schema.SATISFACTION_LEVELS, None, "unknown_satisfaction"),
        }[name]
        values, bad = _categorical([func(v) for v in distinct], codes, categories, blank)
        return _Converted(values, [(code, bad)])
    if name == "status":
        mapped = [_status_value(v) for v in distinct]
        numbers = np.array([v if isinstance(v, int) else 0 for v in mapped] + [0], dtype=np.int8)[codes]
        bad = np.array([v is _BAD for v in mapped] + [False], dtype=bool)[codes]
        return _Converted(pd.arrays.IntegerArray(numbers, numbers == 0), [("unknown_status", bad)])
    if name in schema.BOOL_COLUMNS:
        mapped = [_bool_value(v, name) for v in distinct]
        ticks = bool(distinct) and all(v.casefold() in X_MARKS for v in distinct)
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
