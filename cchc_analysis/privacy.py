"""Personal data that slips past the dropped columns: officers' names and identifiers typed into free text.

The loaders drop every personal-data column (SPEC §2). Two ways personal data can still come in, and what this
module does about them (the loaders call it, so every command, table, chart and export gets the result):

- **Officers' names** (``officer``, *Cán bộ xử lý*) are names of real people. They are replaced at load by a
  stable pseudonym, ``"Cán bộ K7Q2MZ4D"``: a keyed hash (HMAC-SHA-256) of the name, so the same officer gets the
  same code in every file, quarter and run, and per-officer rates still work. The key comes from the environment
  variable ``CCHC_PSEUDONYM_KEY``; without it a fixed key of the package is used, and anyone holding a list of
  candidate names and this package could recompute the codes — set a key (kept secret, the same every quarter)
  where that matters. Values that already are codes (``"Công chức 01"``, ``"CB-07"``, a pseudonym) are kept.
  ``load_dossiers(..., officer_names=True)`` (``--officer-names``) keeps the names, for a unit's own use.
- **Identifiers in free text**: a CMND/CCCD number or a phone number as people write them (groups, ``+84``,
  ``0084``, ``(+84)``, landlines with area codes, full-width digits) or an e-mail address is replaced by
  ``[đã ẩn]`` (:func:`mask_personal_text`; its rules and limits are in ``docs/assumptions.md``, «One masking path
  for personal numbers»). It is the one masking path of every text that leaves the program: text columns at load
  (:func:`mask_personal_array`), tables and JSON documents at the writers (:func:`mask_frame`, :func:`mask_json`),
  xlsx cells, logs, run stamps and error messages. The dossier code is kept where ids are shown (a dossier code
  is no personal data, and it is what finds the row in the source system).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import os
import re
import unicodedata
from functools import lru_cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cchc_analysis.text import fold

#: What replaces an identifier found in free text.
MASK = "[đã ẩn]"
#: Environment variable holding the key of officer pseudonyms.
PSEUDONYM_KEY_ENV = "CCHC_PSEUDONYM_KEY"
_DEFAULT_KEY = b"cchc_analysis officer pseudonym v1"
#: Prefix of an officer pseudonym.
PSEUDONYM_PREFIX = "Cán bộ "

# --- the recogniser of personal numbers ----------------------------------------------------------------------------
# It works on a normalised copy of the text (each character NFKC, every decimal digit of any script as ASCII), so
# that full-width digits, brackets and spaces read as their ASCII forms; what it finds is masked in the original.

_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
#: A number as written: digit groups joined by up to three separators (spaces, dots, dashes, underscores,
#: brackets), maybe opened by a bracket and a plus sign: ``(+84) 999 246 136``, ``(024) 3825 1234``.
_SEPARATORS = "\\s.\\-\u2010-\u2015\u2212_()\\[\\]"
_CHAIN = re.compile(rf"[(\[]?\+?[0-9]+(?:[{_SEPARATORS}]{{1,3}}[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
#: Dates and date-times (``25/12/2026``, ``01.02.2026 10.30``, ``2026-12-25 14:30``): never a number of a person.
_DATE = re.compile(
    r"(?<![0-9.\-/])(?:(?:0?[1-9]|[12][0-9]|3[01])([./\-])(?:0?[1-9]|1[0-2])\1(?:19|20)[0-9]{2}"
    r"|(?:19|20)[0-9]{2}([./\-])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12][0-9]|3[01]))"
    r"(?:[ T,]{1,3}(?:[01]?[0-9]|2[0-3])[:h.][0-5][0-9](?:[:.][0-5][0-9])?)?(?![0-9]|[./\-][0-9])"
)
#: What may follow an amount of money written with thousands separators (``1.250.000 đồng``).
_MONEY_AFTER = re.compile(r"\s?(?:đồng|đ|vnđ|vnd|₫|nghìn|ngàn|triệu|tỷ)(?!\w)", re.IGNORECASE)
_PERCENT_AFTER = re.compile(r"\s?%")
#: A dossier code around a number: ``H23-260101-0001`` (letters glued before a short first group) or
#: ``000.00.12.H23`` (a joiner, letters and digits glued after).
_CODE_AFTER = re.compile(r"[.\-_/]?[A-Za-z]+[0-9]")
_CODE_BEFORE = re.compile(r"(?<![^\W\d_])[A-Z]{1,2}\Z")
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:(?P<sep>[., ])[0-9]{3})(?:(?P=sep)[0-9]{3})*")
_COUNT = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
#: A hash written in hex (a file's SHA-256 in a log or run stamp): letters and digits, never a person's number.
_HEX = re.compile(
    r"(?<=SHA-256 )[0-9a-fA-F]{6,64}|(?<![0-9A-Za-z])(?=[0-9]*[a-fA-F])[0-9a-fA-F]{32,}(?![0-9A-Za-z])"
)
#: Least digits of anything masked (a 9-digit CMND): a text with fewer cannot hold a personal number.
MIN_DIGITS = 9


_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of another script (full-width, Arabic-Indic …)


def _normalised(text: str) -> tuple[str, list[int] | None]:
    """``text`` with each character NFKC-normalised and decimal digits of any script made ASCII; and for each
    character of the result the index of the character of ``text`` it comes from (``None``: the same index)."""
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and not _OTHER_DIGIT.search(text)):
        return text, None  # e.g. Vietnamese text in NFC: nothing to change
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        if char.isascii():
            out.append(char)
            where.append(i)
            continue
        digit = unicodedata.decimal(char, None)
        for c in str(digit) if digit is not None else unicodedata.normalize("NFKC", char):
            d = unicodedata.decimal(c, None)
            out.append(c if d is None else str(d))
            where.append(i)
    return "".join(out), where


def is_personal_number(digits: str, unbroken: bool = False) -> bool:
    """Whether a run of digits (separators removed) is a personal number as Vietnamese people write them.

    A 9-digit CMND or 12-digit CCCD number (any digits); a mobile or landline number written nationally
    (``0`` then 9 or 10 digits: ``0912345678``, ``02253123456``); the same with the country code (``84`` then 9
    digits, ``0084`` then 9 or 10); and any ``unbroken`` run of 9 or more digits.

    Examples
    --------
    >>> [is_personal_number(d) for d in ("099888777", "000190012346", "02438251234", "84999246136", "2026122514")]
    [True, True, True, True, False]
    """
    n = len(digits)
    if n < MIN_DIGITS:
        return False
    return (
        unbroken
        or n in (9, 12)
        or (digits[0] == "0" and n in (10, 11))
        or (n == 11 and digits.startswith("84"))
        or (n in (13, 14) and digits.startswith("0084"))
    )


def _kept_chain(norm: str, start: int, end: int, groups: list[re.Match[str]]) -> bool:
    """Whether the number ``norm[start:end]`` is money, a percentage or part of a dossier code (kept as it is)."""
    if any(len(g.group()) >= MIN_DIGITS for g in groups):
        return False  # a long unbroken run is never kept
    after = norm[end : end + 12]
    body = norm[groups[0].start() : end]
    if _PERCENT_AFTER.match(after):
        return True
    if _THOUSANDS.fullmatch(body) and _MONEY_AFTER.match(after):
        return True
    if len(groups) > 1:
        first_sep = norm[groups[0].end() : groups[1].start()]
        glued_left = bool(_CODE_BEFORE.search(norm, max(0, start - 2), start))
        if glued_left and len(groups[0].group()) <= 3 and not first_sep.isspace() and " " not in first_sep:
            return True
        seps = [norm[a.end() : b.start()] for a, b in itertools.pairwise(groups)]
        if _CODE_AFTER.match(after) and not any(c.isspace() for s in seps for c in s):
            return True
    return False


def _personal_spans(norm: str) -> list[tuple[int, int]]:
    """Spans of ``norm`` (a :func:`_normalised` text) that hold personal data."""
    spans = [m.span() for m in _EMAIL.finditer(norm)] if "@" in norm else []
    work = _DATE.sub(_blank, norm) if "/" in norm or "." in norm or "-" in norm else norm
    if len(norm) >= 32 or "SHA-256 " in norm:
        work = _HEX.sub(_blank, work)
    for chain in _CHAIN.finditer(work):
        groups = list(_GROUP.finditer(work, chain.start(), chain.end()))
        if sum(len(g.group()) for g in groups) < MIN_DIGITS:
            continue
        offset = chain.start()
        if _kept_chain(norm, groups[0].start(), chain.end(), groups):
            continue
        # The chain may hold several numbers ("0912 345 678 0987 654 321"): groups split where a separator holds
        # a space or a bracket. First every group that is a number on its own, then, between them, the personal
        # runs of groups that together cover the most groups.
        spaced = [False] + [
            bool(re.search(r"[\s()\[\]]", norm[a.end() : b.start()])) for a, b in itertools.pairwise(groups)
        ]
        segments: list[list[int]] = []
        for k in range(len(groups)):
            if spaced[k] or not segments:
                segments.append([k])
            else:
                segments[-1].append(k)
        digits = ["".join(groups[k].group() for k in seg) for seg in segments]
        masked = [
            is_personal_number(d, unbroken=len(seg) == 1) for d, seg in zip(digits, segments, strict=True)
        ]
        # Counts written with thousands dots ("12.345"; "84.912…" may be a country code): see _cover_runs.
        alone = [
            bool(_COUNT.fullmatch(norm[groups[seg[0]].start() : groups[seg[-1]].end()]))
            and not d.startswith("84")
            for seg, d in zip(segments, digits, strict=True)
        ]
        _cover_runs(digits, masked, alone)
        k = 0
        while k < len(segments):  # each run of masked segments is one span, with a "+(" just before it
            if not masked[k]:
                k += 1
                continue
            first = k
            while k + 1 < len(segments) and masked[k + 1]:
                k += 1
            if first and digits[first - 1] in ("84", "0084"):  # the country code before a masked number
                first -= 1
            a = groups[segments[first][0]].start()
            b = groups[segments[k][-1]].end()
            while a > offset and norm[a - 1] in "+([":
                a -= 1
            spans.append((a, b))
            k += 1
    return _merged(spans)


def _cover_runs(digits: list[str], masked: list[bool], alone: list[bool]) -> None:
    """Mark in ``masked`` the runs of segments (each its ``digits``) that together form personal numbers.

    Between the segments already masked, the set of non-overlapping personal runs covering the most segments
    (dynamic programming; a run holds at most 14 digits, so at most 14 segments). A run holding two
    ``alone`` segments (counts with thousands dots, ``12.345``) must start with ``0`` or ``84``, so that counts
    side by side (``12.345 1.250.000``) are no ID number, while ``0912 345.678`` is a phone number.
    """
    n = len(digits)
    best = [0] * (n + 1)  # most segments covered from i on
    choice: list[int | None] = [None] * (n + 1)  # the end of the run chosen at i (None: segment i is left)
    for i in range(n - 1, -1, -1):
        best[i], choice[i] = best[i + 1], None
        if masked[i]:
            continue
        run, counts = "", 0
        for j in range(i, min(n, i + 14)):
            if masked[j]:
                break
            run += digits[j]
            counts += alone[j]
            if len(run) > 14 or (counts > 1 and not run.startswith(("0", "84"))):
                break
            if j > i and is_personal_number(run) and (j + 1 - i) + best[j + 1] > best[i]:
                best[i], choice[i] = (j + 1 - i) + best[j + 1], j
    i = 0
    while i < n:
        j = choice[i]
        if j is None:
            i += 1
            continue
        masked[i : j + 1] = [True] * (j + 1 - i)
        i = j + 1


def _blank(match: re.Match[str]) -> str:
    return "#" * len(match.group())


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


_ASCII_HINT = r"@|(?:[0-9][^0-9]*){9}"
_UNICODE_HINT = r"@|(?:\p{N}\P{N}*){9}"

_PSEUDONYM = re.compile(r"^Cán bộ [A-Z2-7]{8}$")
#: An officer value that is already a code: a role word and one token holding a digit (``Công chức 01``, ``CB07``).
_OFFICER_CODE = re.compile(
    r"^(?:can bo|cong chuc|vien chuc|nhan vien|cbcc|cb|cc|nv|officer|staff|user)\s*[0-9a-z]*[0-9][0-9a-z]*$"
)


def mask_personal_text(text: str) -> str:
    """``text`` with ID-card numbers, phone numbers and e-mail addresses replaced by ``[đã ẩn]``.

    The one recogniser of personal data in text (rules and limits: ``docs/assumptions.md``). Numbers are
    recognised as people write them — grouped by spaces, dots, dashes or brackets, with ``+84``, ``0084`` or
    ``(+84)``, in full-width digits — and dates, money, percentages, counts and dossier codes are left alone.

    Examples
    --------
    >>> mask_personal_text("Đăng ký khai sinh (ĐT 0912 345 678, CCCD 001203004005)")
    'Đăng ký khai sinh (ĐT [đã ẩn], CCCD [đã ẩn])'
    >>> mask_personal_text("CCCD 000 190 012 346, CMND 099.888.777, ĐT (+84) 999 246 136 hoặc (024) 3825 1234")
    'CCCD [đã ẩn], CMND [đã ẩn], ĐT [đã ẩn] hoặc [đã ẩn]'
    >>> mask_personal_text("Nghị định 123/2015/NĐ-CP, lệ phí 1.250.000 đồng, ngày 01.02.2026 10.30")
    'Nghị định 123/2015/NĐ-CP, lệ phí 1.250.000 đồng, ngày 01.02.2026 10.30'
    >>> mask_personal_text("Hồ sơ 000.00.12.H23-260101-0001 nhận 2026-12-25 14:30")
    'Hồ sơ 000.00.12.H23-260101-0001 nhận 2026-12-25 14:30'
    """
    if not isinstance(text, str) or len(text) < 3:
        return text
    norm, where = _normalised(text)
    spans = _personal_spans(norm)
    if not spans:
        return text
    if where is not None:
        spans = [(where[a], where[b - 1] + 1) for a, b in spans]
    pieces, at = [], 0
    for a, b in spans:
        pieces += [text[at:a], MASK]
        at = b
    return "".join(pieces) + text[at:]


def may_hold_personal_data(values: pa.Array) -> pa.Array:
    """Per value, whether :func:`mask_personal_text` could change it (vectorised; never false when it would).

    Every masked number has :data:`MIN_DIGITS` digits or more and every e-mail an ``@``, after NFKC: an ASCII
    value is tested exactly for those, any other value after Arrow's NFKC with every numeric character counted.
    """
    ascii_ = pc.string_is_ascii(values)
    ascii_hint = pc.match_substring_regex(values, _ASCII_HINT)
    unicode_hint = pc.match_substring_regex(pc.utf8_normalize(values, form="NFKC"), _UNICODE_HINT)
    return pc.if_else(ascii_, ascii_hint, unicode_hint)


def mask_personal_array(values: pa.Array) -> pa.Array:
    """:func:`mask_personal_text` over an Arrow string array; untouched (no copy) when nothing may be personal.

    Each distinct value is tested (:func:`may_hold_personal_data`) and, when it may hold personal data, masked once.
    """
    if len(values) == 0:
        return values
    encoded = values.dictionary_encode()
    dictionary = encoded.dictionary
    hinted = may_hold_personal_data(dictionary)
    if not pc.any(hinted).as_py():
        return values
    texts = dictionary.to_pylist()
    masked = [mask_personal_text(v) if h else v for v, h in zip(texts, hinted.to_pylist(), strict=True)]
    return pc.take(pa.array(masked, type=pa.string()), encoded.indices)


#: Reasons of rejected rows whose quoted value is the dossier id (no personal data: it finds the row).
ID_REASON_CODES = frozenset({"blank_id", "duplicate_id", "duplicate_id_known"})
#: Keys (columns, JSON keys) whose values are kept as they are: the dossier id, and hashes of files and code.
KEPT_KEYS = frozenset({"dossier_id", "sha256", "git_commit"})


def mask_value(value: object) -> object:
    """:func:`mask_personal_text` of a string; anything else (a number, a date, None) as it is."""
    return mask_personal_text(value) if isinstance(value, str) else value


def _masked_series(values: pd.Series) -> pd.Series:
    texts = values.dropna()
    if texts.empty or not all(isinstance(v, str) for v in texts):
        return values.map(mask_value)
    masked = mask_personal_array(
        pa.array(values.astype(object).where(values.notna(), None), type=pa.string())
    )
    return pd.Series(masked.to_pylist(), index=values.index, dtype=object).where(values.notna(), values)


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name masked: what each table writer passes on.

    Kept as they are: the columns of :data:`KEPT_KEYS`, and in a table of rejected rows (``reason_code``,
    ``value``) the value of a row rejected for its dossier id.
    """
    out = frame.copy()
    id_rows = (
        frame["reason_code"].isin(ID_REASON_CODES).to_numpy(dtype=bool, na_value=False)
        if {"reason_code", "value"} <= set(frame.columns)
        else None
    )
    for i, name in enumerate(frame.columns):
        if name in KEPT_KEYS:
            continue
        column = frame.iloc[:, i]
        if not (
            pd.api.types.is_object_dtype(column.dtype)
            or pd.api.types.is_string_dtype(column.dtype)
            or isinstance(column.dtype, pd.CategoricalDtype)
        ):
            continue
        masked = _masked_series(column.astype(object))
        if name == "value" and id_rows is not None and id_rows.any():
            masked = masked.where(~id_rows, column.astype(object))
        if masked.equals(column.astype(object)):
            continue
        out.isetitem(i, masked)
    out.columns = [mask_value(c) for c in frame.columns]
    return out


def mask_json(value: object, key: object = None) -> object:
    """A JSON-like document (dicts, lists, strings, numbers) with every string masked; kept: the values under
    :data:`KEPT_KEYS`, and the ``value`` of a record rejected for its dossier id."""
    if isinstance(value, str):
        return value if key in KEPT_KEYS else mask_personal_text(value)
    if isinstance(value, dict):
        id_record = value.get("reason_code") in ID_REASON_CODES
        return {
            mask_value(k): v if (id_record and k == "value") or k in KEPT_KEYS else mask_json(v, k)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [mask_json(v, key) for v in value]
    return value


def _key() -> bytes:
    key = os.environ.get(PSEUDONYM_KEY_ENV, "")
    return key.encode("utf-8") if key else _DEFAULT_KEY


def pseudonym_key_is_set() -> bool:
    """Whether officer pseudonyms use a key of the user's (``CCHC_PSEUDONYM_KEY``) rather than the package's."""
    return bool(os.environ.get(PSEUDONYM_KEY_ENV, ""))


@lru_cache(maxsize=4096)
def _pseudonym(name: str, key: bytes) -> str:
    text = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()
    return PSEUDONYM_PREFIX + base64.b32encode(digest[:5]).decode("ascii")


def is_officer_code(value: str) -> bool:
    """Whether an officer value is a code rather than a name (kept as it is by :func:`pseudonymise_officers`)."""
    return bool(_PSEUDONYM.match(value) or _OFFICER_CODE.match(fold(value)))


def officer_pseudonym(name: str) -> str:
    """The stable pseudonym of an officer's name (case and spacing do not matter); a code is returned as is.

    Examples
    --------
    >>> officer_pseudonym("Nguyễn Văn An") == officer_pseudonym("  NGUYỄN  văn an ")
    True
    >>> officer_pseudonym("Nguyễn Văn An").startswith("Cán bộ "), officer_pseudonym("Công chức 07")
    (True, 'Công chức 07')
    """
    if is_officer_code(name):
        return name
    return _pseudonym(name, _key())


def pseudonymise_officers(values: pa.Array) -> pa.Array:
    """:func:`officer_pseudonym` over an Arrow string array (each distinct name hashed once)."""
    if len(values) == 0:
        return values
    encoded = values.dictionary_encode()
    dictionary = [None if v is None else officer_pseudonym(v) for v in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(dictionary, type=pa.string()), encoded.indices)
