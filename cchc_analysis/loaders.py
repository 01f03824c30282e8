"""Load dossier exports (CSV, Excel, Parquet) into the canonical dossier frame of SPEC §2.

:func:`load_dossiers` is the one entry point. It finds the header row (title lines above it are kept aside),
maps headers to canonical names with ``reference/header_aliases.csv``, drops personal-data columns, parses
day-first dates, booleans, channels, statuses and satisfaction ratings, and accounts for every data row:
each ends as exactly one of *loaded*, *excluded* (DVCQG status 1 or 3: never received) or *rejected* (with
the file's row number, the column, the raw value and a Vietnamese reason).

Decisions where SPEC §2 is silent
---------------------------------
- Fully blank rows (every cell blank or whitespace) are ignored and are not counted in ``read``.
- A row of column numbers right below the header (``1, 2, 3 …`` or ``(1), (2) …``) belongs to the header
  block and is not a data row.
- Exclusion comes first: a status 1/3 row is excluded even when other cells are unreadable or blank.
- A rejected row gets one reject record: its first problem in SPEC column order (a row with too many CSV
  cells, ``dossier_id``, ``received_at``, ``due_at``, due before received, ``resolved_at``, resolved before
  received, ``returned_at``, then channel, online level, status, booleans, satisfaction). Duplicate ids are
  decided last: among rows neither excluded nor rejected for another reason, the first occurrence of an id
  (exact text after NFC and trimming) is kept and later ones are rejected as ``duplicate_id``. Ids of earlier
  files of a folder can be passed as ``known_ids`` so that duplicates across files are rejected too.
- The ``column`` of a reject is the header as written in the file; ``value`` is the cell text (NFC, trimmed,
  cut to 200 characters). Rejects never carry personal data: values other than the dossier code are masked
  like free text (below).
- Officers' names become stable pseudonyms (``Cán bộ K7Q2MZ4D``) unless ``officer_names=True``; ID-card numbers,
  phone numbers and e-mail addresses typed into kept text columns become ``[đã ẩn]`` (:mod:`cchc_analysis.privacy`).
- An xlsx sheet whose used area exceeds ``EXCEL_MAX_AREA`` cells (a stray cell far from the table) is read row by
  row, only as wide as its header.
- All date columns are ``datetime64[us]`` whatever the source; timestamps with a UTC offset are converted
  to Vietnam time (UTC+7) and made naive. Dates outside 01/01/1990–31/12/2060 are rejected.
- ``channel`` wins over ``online_level`` except for the level-less ``online``; a ``channel`` column is never
  invented from ``online_level`` alone (an in-person dossier of a full-online procedure has a level too).
- Row numbers are 1-based as a spreadsheet or text editor shows them; for Parquet, the record number.
- Parquet is read by column (only the columns needed) and typed values are taken as they are: a boolean or
  integer column is not turned into text, a dictionary-encoded text column stays categorical (its categories
  are cleaned and masked), and an id column of plain ASCII needs no Unicode work. Large files can be read part
  by part (:func:`load_dossiers_by_part`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cchc_analysis import schema
from cchc_analysis.dossier_ids import KnownIds, id_hashes, repeated_positions, string_buffers
from cchc_analysis.errors import InputError
from cchc_analysis.privacy import mask_personal_array, mask_personal_text, pseudonymise_officers

# ---------------------------------------------------------------------------------------------------------
# Small value maps (keys are folded: lower case, no diacritics, đ → d, punctuation → single spaces)
# ---------------------------------------------------------------------------------------------------------

#: Canonical name given to personal-data headers in ``header_aliases.csv``.
PERSONAL = "__personal__"

#: A header whose folded form (no spaces) contains one of these is personal data even if it is not listed.
PERSONAL_MARKERS: tuple[str, ...] = (
    "cccd",
    "cmnd",
    "cancuoc",
    "dienthoai",
    "hoten",
    "hovaten",
    "diachi",
    "email",
    "nguoinop",
    "chuhoso",
    "ngaysinh",
    "hochieu",
)

HEADER_SEARCH_ROWS = 20
DATE_MIN = np.datetime64("1990-01-01T00:00:00", "us")
DATE_MAX = np.datetime64("2060-12-31T23:59:59", "us")
DATE_DTYPE = "datetime64[us]"
VIETNAM_UTC_OFFSET = timedelta(hours=7)

CSV_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
EXCEL_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
PARQUET_EXTENSIONS = frozenset({".parquet", ".pq"})

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

#: Vietnamese reasons by ``reason_code`` (``{label}``: the column's Vietnamese name).
REASONS_VI: dict[str, str] = {
    "bad_field_count": "Dòng có nhiều ô hơn số cột của dòng tiêu đề",
    "blank_id": "Thiếu mã hồ sơ",
    "duplicate_id": "Mã hồ sơ trùng với dòng {first_row}",
    "duplicate_id_known": "Mã hồ sơ trùng với một hồ sơ đã nạp từ tệp trước",
    "blank_date": "Thiếu {label}",
    "bad_date": "Không đọc được {label} (cần ngày/tháng/năm, ví dụ 13/04/2026 hoặc 13/04/2026 14:30)",
    "date_out_of_range": "{Label} ngoài khoảng hợp lý (01/01/1990–31/12/2060)",
    "due_before_received": "Ngày hẹn trả trước ngày tiếp nhận",
    "resolved_before_received": "Ngày kết thúc xử lý trước ngày tiếp nhận",
    "unknown_channel": "Không nhận ra kênh thực hiện (cần Trực tiếp, Trực tuyến toàn trình, Trực tuyến một phần, "
    "Trực tuyến hoặc Bưu chính công ích)",
    "unknown_online_level": "Không nhận ra mức độ dịch vụ công trực tuyến (cần Toàn trình hoặc Một phần)",
    "unknown_status": "Không nhận ra trạng thái hồ sơ (cần mã 1–10 hoặc tên trạng thái DVCQG)",
    "unknown_value": "Không đọc được giá trị có/không ở cột «{name}» (cần Có/Không, Đã/Chưa, X hoặc 1/0)",
    "unknown_satisfaction": "Không nhận ra mức độ hài lòng (cần Rất hài lòng, Hài lòng hoặc Không hài lòng)",
    "excluded_status": "Hồ sơ trạng thái {status} «{status_name}»: chưa được tiếp nhận, không tính vào số liệu",
}
REASONS_EN: dict[str, str] = {
    "bad_field_count": "The row has more cells than the header row",
    "blank_id": "Missing dossier id",
    "duplicate_id": "Duplicate dossier id (first seen on row {first_row})",
    "duplicate_id_known": "Duplicate dossier id (already loaded from an earlier file)",
    "blank_date": "Missing {column}",
    "bad_date": "Unreadable {column} (expected day/month/year, e.g. 13/04/2026)",
    "date_out_of_range": "{column} outside the plausible range 1990-01-01..2060-12-31",
    "due_before_received": "Due date before the receipt date",
    "resolved_before_received": "Resolution date before the receipt date",
    "unknown_channel": "Unknown channel",
    "unknown_online_level": "Unknown online service level",
    "unknown_status": "Unknown dossier status",
    "unknown_value": "Unreadable yes/no value in {column}",
    "unknown_satisfaction": "Unknown satisfaction rating",
    "excluded_status": "Status {status}: the dossier was never received",
}

REJECT_COLUMNS: tuple[str, ...] = ("file", "row", "column", "value", "reason_code", "reason")
_VALUE_MAX_CHARS = 200
_CSV_DELIMITERS = (",", ";", "\t", "|")
_CSV_HEAD_CHARS = 4_000_000
_CSV_CHUNK_ROWS = 200_000
_CSV_MAX_RECORD_LINES = 200
_BAD = object()  # marker of an unreadable value in the value maps


# ---------------------------------------------------------------------------------------------------------
# Public result types
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowAccounting:
    """What became of the data rows of one or more files: ``read == loaded + excluded + rejected``.

    Fully blank rows are not data rows and are not counted.

    Examples
    --------
    >>> (RowAccounting(3, 2, 0, 1) + RowAccounting(2, 1, 1, 0)).as_dict()
    {'read': 5, 'loaded': 3, 'excluded': 1, 'rejected': 1}
    """

    read: int
    loaded: int
    excluded: int
    rejected: int

    def as_dict(self) -> dict[str, int]:
        return {
            "read": self.read,
            "loaded": self.loaded,
            "excluded": self.excluded,
            "rejected": self.rejected,
        }

    def __add__(self, other: RowAccounting) -> RowAccounting:
        if not isinstance(other, RowAccounting):
            return NotImplemented
        return RowAccounting(
            self.read + other.read,
            self.loaded + other.loaded,
            self.excluded + other.excluded,
            self.rejected + other.rejected,
        )

    def __radd__(self, other: object) -> RowAccounting:
        if other == 0:  # lets sum() start from 0
            return self
        return NotImplemented


@dataclass
class LoadResult:
    """A loaded dossier file.

    Attributes
    ----------
    dossiers : DataFrame
        Loaded rows; canonical columns only (see ``docs/architecture.md``), plus kept unknown columns.
    rejects, excluded : DataFrame
        One record per rejected / excluded row: ``file, row, column, value, reason_code, reason``.
    accounting : RowAccounting
    source : Path
    sha256 : str
        Hash of the file bytes.
    synthetic : bool
        The file says it holds synthetic data ("mô phỏng" / "synthetic" in a title line or the file name,
        or Parquet metadata ``cchc_synthetic=true``).
    header_map : dict
        Original header → canonical name, for every recognised column.
    dropped_columns : list
        Original headers dropped: personal data and (unless kept) unknown columns.
    title_lines : list
        Text of the non-blank lines above the header row.
    id_hashes : ndarray of uint64
        :func:`cchc_analysis.dossier_ids.id_hashes` of the loaded ids, row for row: enough to tell whether
        files (or parts of a file) loaded separately share a dossier, without keeping the ids.
    """

    dossiers: pd.DataFrame
    rejects: pd.DataFrame
    excluded: pd.DataFrame
    accounting: RowAccounting
    source: Path
    sha256: str
    synthetic: bool
    header_map: dict[str, str] = field(default_factory=dict)
    dropped_columns: list[str] = field(default_factory=list)
    title_lines: list[str] = field(default_factory=list)
    id_hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))


# ---------------------------------------------------------------------------------------------------------
# Text folding and header aliases
# ---------------------------------------------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Fold text for matching: NFC, lower case, no diacritics (đ → d), punctuation and spaces → one space.

    Examples
    --------
    >>> fold("  Đã SỐ HÓA!  ")
    'da so hoa'
    """
    s = unicodedata.normalize("NFD", unicodedata.normalize("NFC", str(text)).casefold().replace("đ", "d"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", s).strip()


def header_key(text: object) -> str:
    """The key a header is matched by: :func:`fold` without spaces (``"Mã hồ sơ"`` → ``"mahoso"``)."""
    return fold(str(text)).replace(" ", "")


def header_aliases() -> pd.DataFrame:
    """The alias table ``reference/header_aliases.csv`` (``canonical, header``) with a ``key`` column."""
    return _alias_table().copy()


@lru_cache(maxsize=1)
def _alias_table() -> pd.DataFrame:
    path = Path(__file__).with_name("reference") / "header_aliases.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    table["header"] = table["header"].map(lambda s: unicodedata.normalize("NFC", s.strip()))
    table["key"] = table["header"].map(header_key)
    clashes = table.groupby("key")["canonical"].nunique()
    if (clashes > 1).any():  # a broken reference file is a bug of the package, not bad input
        raise ValueError(
            f"header_aliases.csv maps one header to two names: {list(clashes[clashes > 1].index)}"
        )
    return table


@lru_cache(maxsize=1)
def _alias_lookup() -> dict[str, str]:
    table = _alias_table()
    return dict(zip(table["key"], table["canonical"], strict=True))


def classify_header(header: object) -> str | None:
    """Canonical name of a header, :data:`PERSONAL` for personal data, or None when unknown.

    Examples
    --------
    >>> classify_header("NGAY_TIEP_NHAN"), classify_header("Họ tên người nộp"), classify_header("STT")
    ('received_at', '__personal__', None)
    """
    key = header_key(header)
    if not key:
        return None
    lookup = _alias_lookup()
    if key in lookup:
        return lookup[key]
    bare = header_key(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(header)))  # "Ngày tiếp nhận (dd/mm/yyyy)"
    if bare and bare in lookup:
        return lookup[bare]
    if any(marker in key for marker in PERSONAL_MARKERS):
        return PERSONAL
    return None


def accepted_headers(canonical: str) -> list[str]:
    """Headers accepted for one canonical column (from the alias table)."""
    return list(_headers_by_canonical().get(canonical, ()))


@lru_cache(maxsize=1)
def _headers_by_canonical() -> dict[str, tuple[str, ...]]:
    table = _alias_table()
    return {name: tuple(group["header"]) for name, group in table.groupby("canonical", sort=False)}


@lru_cache(maxsize=64)
def _accepted_text(canonical: str, *, vi: bool) -> str:
    """``Label [name]: header, header …`` for messages; ``resolved_at`` also names its stand-in."""
    text = ", ".join(accepted_headers(canonical))
    if canonical == "resolved_at":
        alternative = ", ".join(accepted_headers("returned_at"))
        text += f"; hoặc thay bằng: {alternative}" if vi else f"; or instead: {alternative}"
    label = f"{schema.COLUMN_LABELS_VI[canonical]} [{canonical}]" if vi else canonical
    return f"{label} ({'tiêu đề chấp nhận' if vi else 'accepted headers'}: {text})"


@lru_cache(maxsize=1)
def _required_text() -> tuple[str, str]:
    vi = " — ".join(_accepted_text(c, vi=True) for c in schema.REQUIRED_COLUMNS)
    en = " — ".join(_accepted_text(c, vi=False) for c in schema.REQUIRED_COLUMNS)
    return vi, en


# ---------------------------------------------------------------------------------------------------------
# Header planning
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    headers: list[str]
    canonical: dict[str, int]  # canonical name -> column position
    personal: list[int]
    unknown: list[int]

    def is_complete(self) -> bool:
        present = set(self.canonical)
        return all(c in present for c in schema.REQUIRED_COLUMNS[:3]) and (
            "resolved_at" in present or "returned_at" in present
        )


def _cell_header(value: object) -> str:
    text = _cell_text(value)
    return "" if text is None else " ".join(unicodedata.normalize("NFC", text).split())


def _plan_headers(headers: list[str], file: object, *, check_duplicates: bool = True) -> _Plan:
    canonical: dict[str, int] = {}
    personal: list[int] = []
    unknown: list[int] = []
    for i, header in enumerate(headers):
        kind = classify_header(header)
        if kind == PERSONAL:
            personal.append(i)
        elif kind is None:
            unknown.append(i)
        elif kind in canonical:
            if check_duplicates:
                first = headers[canonical[kind]]
                raise InputError(
                    f"Hai cột «{first}» và «{header}» cùng là {schema.COLUMN_LABELS_VI[kind]} [{kind}]: "
                    "hãy xóa hoặc đổi tên một cột",
                    f"Columns «{first}» and «{header}» both map to {kind}: remove or rename one of them",
                    file=file,
                    column=header,
                )
        else:
            canonical[kind] = i
    return _Plan(headers, canonical, personal, unknown)


def _missing_required_error(
    plan: _Plan | None, file: object, row: int | None, *, named: bool = False
) -> InputError:
    """The error for a header row that lacks required columns (or for no header row at all)."""
    accepted_vi, accepted_en = _required_text()
    if not named and (plan is None or len(plan.canonical) < 2):
        return InputError(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu. Cần các cột: {accepted_vi}",
            f"No header row found in the first {HEADER_SEARCH_ROWS} rows. Required columns: {accepted_en}",
            file=file,
        )
    present = set(plan.canonical) if plan is not None else set()
    missing = [c for c in schema.REQUIRED_COLUMNS if c not in present]
    if "resolved_at" in missing and "returned_at" in present:
        missing.remove("resolved_at")
    desc = " — ".join(_accepted_text(c, vi=True) for c in missing)
    desc_en = " — ".join(_accepted_text(c, vi=False) for c in missing)
    return InputError(
        f"Thiếu cột bắt buộc: {desc}",
        f"Missing required column: {desc_en}",
        file=file,
        row=row,
        column=", ".join(missing),
    )


def _scan_header(rows: list[list[object]], file: object) -> tuple[int, _Plan] | InputError:
    """Index and plan of the header row among the first rows, or the error that explains its absence.

    The error is returned (not raised) with its ``score`` (most canonical headers on one row) so that the
    CSV reader can report the most telling error over all candidate delimiters.
    """
    best_index, best_plan = -1, None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [_cell_header(v) for v in row]
        plan = _plan_headers(headers, file, check_duplicates=False)
        if plan.is_complete():
            return i, _plan_headers(headers, file)
        if best_plan is None or len(plan.canonical) > len(best_plan.canonical):
            best_index, best_plan = i, plan
    error = _missing_required_error(best_plan, file, best_index + 1 if best_plan is not None else None)
    error.score = 0 if best_plan is None else len(best_plan.canonical)  # type: ignore[attr-defined]
    return error


def _find_header(rows: list[list[object]], file: object) -> tuple[int, _Plan]:
    found = _scan_header(rows, file)
    if isinstance(found, InputError):
        raise found
    return found


_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,3})\)?$")


def _is_column_number_row(row: list[object]) -> bool:
    numbers = []
    for value in row:
        text = _cell_header(value)
        if not text:
            continue
        m = _COLUMN_NUMBER.match(text)
        if not m:
            return False
        numbers.append(int(m.group(1)))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _row_text(row: list[object]) -> str:
    return " ".join(t for t in (_cell_header(v) for v in row) if t)


# ---------------------------------------------------------------------------------------------------------
# Raw tables from the three formats
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _RawTable:
    plan: _Plan
    columns: list[pd.Series | None]  # raw values of each column of ``plan.headers`` (None: not read)
    row_numbers: np.ndarray  # 1-based row number in the file of each data row
    title_lines: list[str]
    excel: bool = False  # numbers in date columns are Excel serial dates
    too_many_cells: dict[int, int] = field(default_factory=dict)  # data position -> number of cells
    synthetic_meta: bool = False


_MAGIC = {
    b"PK\x03\x04": "zip",  # xlsx, xlsm, ods
    b"\xd0\xcf\x11\xe0": "ole",  # xls, or a password-protected xlsx
    b"PAR1": "parquet",
}


def _sniff(head: bytes) -> str:
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
        return "html"
    return "text"


_KIND_VI = {
    "zip": "một sổ tính Excel (.xlsx)",
    "ole": "một sổ tính Excel cũ (.xls) hoặc tệp Excel có mật khẩu",
    "parquet": "một tệp Parquet",
    "html": "một trang HTML",
    "text": "một tệp văn bản (CSV)",
}


def _wrong_kind(path: Path, kind: str) -> InputError:
    return InputError(
        f"Tệp có đuôi «{path.suffix}» nhưng nội dung là {_KIND_VI[kind]}: hãy lưu lại đúng định dạng "
        "(.csv, .xlsx hoặc .parquet)",
        f"The file is named {path.suffix} but holds {kind} content: save it again in the right format",
        file=path,
    )


# --- CSV -------------------------------------------------------------------------------------------------


def _decode(data: bytes, encoding: str | None, path: Path) -> str:
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise InputError(
                f"Không biết bảng mã «{encoding}»", f"Unknown encoding {encoding!r}", file=path
            ) from None
        except UnicodeDecodeError as e:
            raise InputError(
                f"Tệp không đúng bảng mã {encoding} (byte thứ {e.start})",
                f"The file is not valid {encoding} (byte {e.start})",
                file=path,
            ) from None
        return text.lstrip("\ufeff")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        candidates = ["utf-32"]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        sample = data[:8192]
        half = max(1, len(sample) // 2)
        even_nul, odd_nul = sample[0::2].count(0), sample[1::2].count(0)
        if odd_nul > 0.2 * half and even_nul < 0.02 * half:
            candidates = ["utf-16-le"]
        elif even_nul > 0.2 * half and odd_nul < 0.02 * half:
            candidates = ["utf-16-be"]
        elif b"\x00" in sample:
            raise InputError(
                "Tệp không phải văn bản CSV (có byte NUL)",
                "The file is not CSV text (it contains NUL bytes)",
                file=path,
            )
        else:
            candidates = ["utf-8", "cp1258"]
    for name in candidates:
        try:
            return data.decode(name).lstrip("\ufeff")
        except UnicodeDecodeError as e:
            if name == "utf-8":
                _check_mixed_encodings(data, e, path)
            continue
    raise InputError(
        f"Không nhận ra bảng mã của tệp (đã thử {', '.join(candidates)}): hãy lưu tệp dạng CSV UTF-8 "
        "hoặc chỉ định bảng mã",
        f"Cannot tell the file's encoding (tried {', '.join(candidates)}): save it as CSV UTF-8 or pass encoding=",
        file=path,
    )


_VIETNAMESE_LETTER = re.compile("[\u00c0-\u024f\u1ea0-\u1ef9]")
#: Vietnamese UTF-8 read as Windows-1252 or Latin-1 and saved again: "Mã hồ sơ" → "MÃ£ há»“ sÆ¡".
_MOJIBAKE = re.compile("Ã[\u00a0-\u00bf]|á[»º]|Ä[‘\u0091]|Æ[°¡]")


def _check_mixed_encodings(data: bytes, error: UnicodeDecodeError, path: Path) -> None:
    """Vietnamese UTF-8 up to a byte that is not UTF-8: pieces saved by different programs, not Windows-1258.

    Reading it all as Windows-1258 would garble every Vietnamese letter before that byte, so stop instead.
    """
    prefix = data[: error.start].decode("utf-8", errors="ignore")
    if not _VIETNAMESE_LETTER.search(prefix):
        return
    line = data.count(b"\n", 0, error.start) + 1
    byte = f"0x{data[error.start]:02X}"
    raise InputError(
        f"Tệp trộn hai bảng mã: phần đầu là UTF-8 nhưng dòng {line} có byte {byte} không phải UTF-8 (có lẽ tệp "
        "được ghép từ các phần lưu bằng chương trình khác nhau). Hãy lưu lại toàn bộ tệp dạng CSV UTF-8",
        f"The file mixes encodings: UTF-8 up to row {line}, which holds the non-UTF-8 byte {byte}. "
        "Save the whole file again as CSV UTF-8",
        file=path,
        row=line,
    )


def _check_mojibake(text: str, path: Path) -> None:
    """No header found and the text is mojibake: say so, rather than list the headers we expected."""
    head = text[:20_000]
    found = _MOJIBAKE.search(head)
    if found is None:
        return
    start = head.rfind("\n", 0, found.start()) + 1
    sample = head[start : start + 40].split("\n")[0]
    raise InputError(
        f"Chữ tiếng Việt trong tệp bị lỗi bảng mã (ví dụ «{sample}»): tệp UTF-8 đã bị mở rồi lưu lại bằng bảng mã "
        "khác. Hãy xuất lại tệp từ hệ thống dạng CSV UTF-8 hoặc Excel",
        f"The Vietnamese text of the file is garbled (mojibake, e.g. «{sample}»): UTF-8 text was opened and saved "
        "in another encoding. Export the file again as CSV UTF-8 or Excel",
        file=path,
    )


def _head_records(text: str, delimiter: str) -> list[tuple[list[str], int]]:
    """The first records of ``text`` and, for each, the number of physical lines read up to its end."""
    reader = csv.reader(io.StringIO(text[:_CSV_HEAD_CHARS]), delimiter=delimiter)
    out: list[tuple[list[str], int]] = []
    with _csv_field_limit():
        try:
            for record in reader:
                out.append((record, reader.line_num))
                if len(out) > HEADER_SEARCH_ROWS:
                    break
        except csv.Error:
            pass  # a broken record after the header zone is reported by the full parse
    return out


@contextmanager
def _csv_field_limit() -> Iterator[None]:
    """Let the csv module read cells of any length (its default limit is 128 KiB)."""
    old = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _line_offset(text: str, lines: int) -> int:
    pos = 0
    for _ in range(lines):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return len(text)
        pos = nxt + 1
    return pos


def _read_csv(
    path: Path,
    data: bytes,
    *,
    delimiter: str | None,
    encoding: str | None,
    progress: Callable[[int, int | None], None] | None,
) -> _RawTable:
    kind = _sniff(data[:512])
    if kind != "text":
        raise _wrong_kind(path, kind)
    text = _decode(data, encoding, path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if not text[:65536].strip() and not text.strip():
        raise InputError("Tệp rỗng", "The file is empty", file=path)
    if delimiter is not None and len(delimiter) != 1:
        raise InputError(
            f"Dấu phân cách phải là một ký tự, không phải «{delimiter}»",
            f"The delimiter must be one character, not {delimiter!r}",
        )

    found = None
    best_error: InputError | None = None
    for delim in [delimiter] if delimiter else _CSV_DELIMITERS:
        head = _head_records(text, delim)
        result = _scan_header([r for r, _ in head], path)
        if isinstance(result, InputError):
            if best_error is None or result.score > best_error.score:  # type: ignore[attr-defined]
                best_error = result
            continue
        index, plan = result
        if found is None or len(plan.canonical) > len(found[2].canonical):
            found = (delim, head, plan, index)
    if found is None:
        assert best_error is not None
        _check_mojibake(text, path)
        raise best_error
    delim, head, plan, index = found

    title_lines = [t for t in (_row_text(r) for r, _ in head[:index]) if t]
    header_end = head[index][1]  # physical lines up to the end of the header row
    if index + 1 < len(head) and _is_column_number_row(head[index + 1][0]):
        header_end = head[index + 1][1]
    body = text[_line_offset(text, header_end) :]
    ncols = len(plan.headers)
    lines = body.count("\n") + (0 if not body or body.endswith("\n") else 1)

    columns: list[pd.Series] | None = None
    row_numbers: np.ndarray | None = None
    too_many: dict[int, int] = {}
    if lines:
        columns = _csv_fast(body, delim, ncols, progress)
    if columns is not None and len(columns[0]) == lines:
        row_numbers = np.arange(header_end + 1, header_end + 1 + lines, dtype=np.int64)
    elif columns is not None:  # quoted cells span lines: find where each record starts
        row_numbers = _csv_record_starts(body, delim, header_end, path)
        if len(row_numbers) != len(columns[0]):
            columns = None
    if columns is None and lines:
        columns, row_numbers, too_many = _csv_slow(body, delim, ncols, header_end, path)
    elif columns is None:
        columns = [pd.Series([], dtype=object) for _ in range(ncols)]
        row_numbers = np.zeros(0, dtype=np.int64)
    return _RawTable(plan, columns, row_numbers, title_lines, too_many_cells=too_many)


def _csv_fast(
    body: str, delim: str, ncols: int, progress: Callable[[int, int | None], None] | None
) -> list[pd.Series] | None:
    """Parse with the pandas C reader; None when a row has more cells than the header."""
    lines = body.count("\n") + (0 if body.endswith("\n") else 1)
    chunks = []
    done = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            reader = pd.read_csv(
                io.BytesIO(body.encode("utf-8")),
                sep=delim,
                header=None,
                names=list(range(ncols)),
                index_col=False,
                dtype=object,
                na_filter=False,
                skip_blank_lines=False,
                quotechar='"',
                doublequote=True,
                engine="c",
                encoding="utf-8",
                chunksize=_CSV_CHUNK_ROWS,
            )
            with reader:
                for chunk in reader:
                    chunks.append(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, lines)
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
        return None
    if not chunks:
        return None
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) != 1 else chunks[0]
    return [frame[i].reset_index(drop=True) for i in range(ncols)]


def _csv_record_starts(body: str, delim: str, header_end: int, path: Path) -> np.ndarray:
    """The line on which each record of ``body`` starts (records may span lines inside quotes)."""
    starts = []
    with _csv_field_limit():
        reader = csv.reader(io.StringIO(body), delimiter=delim)
        previous_end = 0
        try:
            for _ in reader:
                starts.append(header_end + previous_end + 1)
                if reader.line_num - previous_end > _CSV_MAX_RECORD_LINES:
                    raise _unclosed_quote(header_end + previous_end + 1, path)
                previous_end = reader.line_num
        except csv.Error:
            return np.zeros(0, dtype=np.int64)
    _check_quotes_closed(body, starts, previous_end, header_end, path)
    return np.array(starts, dtype=np.int64)


def _check_quotes_closed(body: str, starts: list[int], lines_read: int, header_end: int, path: Path) -> None:
    """An odd number of quotes and a last record spanning lines: a quote opened and never closed."""
    if starts and header_end + lines_read > starts[-1] and body.count('"') % 2 == 1:
        raise _unclosed_quote(starts[-1], path)


def _unclosed_quote(row: int, path: Path) -> InputError:
    return InputError(
        f"Dấu ngoặc kép không đóng từ dòng {row}",
        f"Unclosed double quote from row {row}",
        file=path,
        row=row,
    )


def _csv_slow(
    body: str, delim: str, ncols: int, header_end: int, path: Path
) -> tuple[list[pd.Series], np.ndarray, dict[int, int]]:
    """Parse record by record, keeping the physical line where each record starts."""
    rows: list[list[str]] = []
    starts: list[int] = []
    too_many: dict[int, int] = {}
    try:
        with _csv_field_limit():
            reader = csv.reader(io.StringIO(body), delimiter=delim)
            previous_end = 0
            for record in reader:
                end = reader.line_num
                if end - previous_end > _CSV_MAX_RECORD_LINES:
                    raise _unclosed_quote(header_end + previous_end + 1, path)
                starts.append(header_end + previous_end + 1)
                previous_end = end
                if len(record) > ncols:
                    if any(cell.strip() for cell in record[ncols:]):
                        too_many[len(rows)] = len(record)
                    record = record[:ncols]
                elif len(record) < ncols:
                    record = record + [""] * (ncols - len(record))
                rows.append(record)
    except csv.Error as e:
        raise InputError(
            f"Không đọc được tệp CSV: {e}", f"Cannot parse the CSV file: {e}", file=path
        ) from None
    _check_quotes_closed(body, starts, previous_end, header_end, path)
    if rows:
        matrix = np.array(rows, dtype=object)
        columns = [pd.Series(matrix[:, i]) for i in range(ncols)]
    else:
        columns = [pd.Series([], dtype=object) for _ in range(ncols)]
    return columns, np.array(starts, dtype=np.int64), too_many


# --- Excel -----------------------------------------------------------------------------------------------


def _read_excel(
    path: Path, data_head: bytes, sheet: str | int | None, progress: Callable[[int, int | None], None] | None
) -> _RawTable:
    from python_calamine import CalamineWorkbook

    kind = _sniff(data_head)
    suffix = path.suffix.lower()
    expected = "ole" if suffix == ".xls" else "zip"
    if suffix == ".xlsb":
        expected = "zip"
    if kind != expected:
        if kind == "ole" and _is_encrypted_ole(path):
            raise InputError(
                "Tệp Excel được đặt mật khẩu: hãy gỡ mật khẩu rồi lưu lại",
                "The Excel file is password-protected: remove the password and save it again",
                file=path,
            )
        raise _wrong_kind(path, kind)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        if not names:
            raise InputError("Tệp Excel không có trang tính nào", "The workbook has no sheet", file=path)
        name = _choose_sheet(workbook, names, sheet, path)
        if suffix in (".xlsx", ".xlsm") and _excel_claimed_area(path) > EXCEL_MAX_AREA:
            rows = _excel_rows_streamed(path, name)
        else:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except InputError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # calamine's own errors, and its Rust panics (not an Exception subclass)
        raise InputError(
            "Không mở được tệp Excel: tệp hỏng, không đầy đủ hoặc có mật khẩu",
            f"Cannot open the Excel file: damaged, truncated or password-protected ({type(e).__name__}: {e})",
            file=path,
        ) from None
    if progress is not None:
        progress(0, max(0, len(rows) - 1))
    if not any(any(_cell_header(v) for v in row) for row in rows[:HEADER_SEARCH_ROWS]):
        raise InputError(f"Trang tính «{name}» trống", f"The sheet {name!r} is empty", file=path)
    index, plan = _find_header(rows, path)
    title_lines = [t for t in (_row_text(r) for r in rows[:index]) if t]
    first = index + 1
    if first < len(rows) and _is_column_number_row(rows[first]):
        first += 1
    ncols = len(plan.headers)
    body = rows[first:]
    if body:
        width = max(len(r) for r in body)
        if width != ncols or any(len(r) != width for r in body):
            body = [list(r[:ncols]) + [""] * (ncols - len(r)) for r in body]
        matrix = np.empty((len(body), ncols), dtype=object)
        matrix[:] = body
        columns = [pd.Series(matrix[:, i]) for i in range(ncols)]
    else:
        columns = [pd.Series([], dtype=object) for _ in range(ncols)]
    row_numbers = np.arange(first + 1, first + 1 + len(body), dtype=np.int64)
    return _RawTable(plan, columns, row_numbers, title_lines, excel=True)


#: Largest sheet area (rows × columns, up to the last used cell) read into memory in one piece. A larger one —
#: usually one stray cell far below or to the right of the table — is read row by row, only as wide as the header.
EXCEL_MAX_AREA = 20_000_000
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?[A-Z]{1,3}\$?\d+(?::\$?([A-Z]{1,3})\$?(\d+))?\"")


def _excel_claimed_area(path: Path) -> int:
    """Rows × columns of the largest worksheet of an xlsx as its ``<dimension>`` tag says (0 when unknown).

    Only the first few kilobytes of each worksheet are read, so this costs nothing on ordinary files.
    """
    import zipfile

    largest = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                with archive.open(info) as fh:
                    m = _DIMENSION.search(fh.read(8192))
                if m and m.group(1):
                    column = 0
                    for letter in m.group(1).decode():
                        column = column * 26 + ord(letter) - 64
                    largest = max(largest, column * int(m.group(2)))
    except Exception:  # a broken archive is reported by the reader itself
        return 0
    return largest


def _excel_rows_streamed(path: Path, name: str) -> list[list[object]]:
    """The rows of a sheet with a huge used area, read row by row and cut at the header's last column.

    Cells to the right of the last non-blank header cell have no header; they are not read.
    """
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = workbook[name]
        head = [list(r) for r in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
        index, plan = _find_header(head, path)
        named = [i for i, h in enumerate(plan.headers) if h]
        width = named[-1] + 1 if named else 1
        rows = [r[:width] for r in head[: index + 1]]
        rows.extend(list(r) for r in ws.iter_rows(min_row=index + 2, max_col=width, values_only=True))
    finally:
        workbook.close()
    return rows


def _choose_sheet(workbook: object, names: list[str], sheet: str | int | None, path: Path) -> str:
    if sheet is None:
        try:
            visible = [m.name for m in workbook.sheets_metadata if str(m.visible).endswith("Visible")]
        except Exception:
            visible = []
        return visible[0] if visible else names[0]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return names[sheet]
    else:
        wanted = unicodedata.normalize("NFC", str(sheet)).strip()
        if wanted in names:
            return wanted
        folded = {fold(n): n for n in names}
        if fold(wanted) in folded:
            return folded[fold(wanted)]
    listed = ", ".join(f"«{n}»" for n in names)
    raise InputError(
        f"Không có trang tính «{sheet}». Các trang tính: {listed}",
        f"No sheet {sheet!r}. Sheets: {listed}",
        file=path,
    )


def _is_encrypted_ole(path: Path) -> bool:
    with path.open("rb") as f:
        data = f.read(20_000_000)
    return "EncryptedPackage".encode("utf-16-le") in data


# --- Parquet ---------------------------------------------------------------------------------------------


#: Rows per part when a Parquet file is loaded part by part (:func:`load_dossiers_by_part`): memory is bounded by
#: a few parts, not by the file.
PARQUET_PART_ROWS = 1 << 19
#: Parts built at the same time (threads: numpy and Arrow work without holding the GIL).
PARQUET_WORKERS = 2


@dataclass
class _ParquetSource:
    file: object  # pyarrow.parquet.ParquetFile
    plan: _Plan
    names: list[str]  # the columns read, in file order
    positions: list[int]  # their positions in ``plan.headers``
    synthetic: bool


def _open_parquet(
    path: Path, data_head: bytes, wanted: set[str] | None, keep_unknown: bool
) -> _ParquetSource:
    """The Parquet file, its header plan and the columns to read (only those needed: the others are skipped)."""
    import pyarrow.parquet as pq

    kind = _sniff(data_head)
    if kind != "parquet":
        raise _wrong_kind(path, kind)
    try:
        parquet = pq.ParquetFile(path, pre_buffer=False)  # read a part's pages as needed, not all at once
        schema_arrow = parquet.schema_arrow
    except Exception as e:
        raise InputError(
            "Không đọc được tệp Parquet (tệp hỏng hoặc không đầy đủ)",
            f"Cannot read the Parquet file: damaged or truncated ({type(e).__name__}: {e})",
            file=path,
        ) from None
    headers = [unicodedata.normalize("NFC", str(n)).strip() for n in schema_arrow.names]
    plan = _plan_headers(headers, path)
    if not plan.is_complete():
        raise _missing_required_error(plan, path, None, named=True)
    metadata = schema_arrow.metadata or {}
    synthetic = metadata.get(b"cchc_synthetic", b"").strip().lower() in (b"true", b"1", b"yes")
    needed = _needed_columns(set(plan.canonical), wanted)
    positions = sorted(
        [i for c, i in plan.canonical.items() if c in needed] + (plan.unknown if keep_unknown else [])
    )
    return _ParquetSource(parquet, plan, [schema_arrow.names[i] for i in positions], positions, synthetic)


def _parquet_data_error(path: Path, e: Exception) -> InputError:
    return InputError(
        "Không đọc được dữ liệu trong tệp Parquet",
        f"Cannot read the Parquet data ({type(e).__name__}: {e})",
        file=path,
    )


def _parquet_raw(
    source: _ParquetSource, columns: list[pa.Array | pa.ChunkedArray], first_row: int
) -> _RawTable:
    n = len(columns[0]) if columns else 0
    raw: list[pd.Series | None] = [None] * len(source.plan.headers)  # columns not read stay None
    for i, column in zip(source.positions, columns, strict=True):
        raw[i] = _arrow_to_series(column)
    return _RawTable(
        source.plan,
        raw,
        np.arange(first_row, first_row + n, dtype=np.int64),
        [],
        synthetic_meta=source.synthetic,
    )


def _read_parquet(path: Path, data_head: bytes, wanted: set[str] | None, keep_unknown: bool) -> _RawTable:
    source = _open_parquet(path, data_head, wanted, keep_unknown)
    try:
        table = source.file.read(columns=source.names, use_threads=True)
    except Exception as e:
        raise _parquet_data_error(path, e) from None
    return _parquet_raw(source, table.columns, 1)


def _parquet_parts(
    path: Path, data_head: bytes, wanted: set[str] | None, keep_unknown: bool, part_rows: int
) -> Iterator[tuple[Callable[[], _RawTable], int, int]]:
    """The file in parts of at most ``part_rows`` rows: (the part's table, to make; its rows; the file's rows).

    Only Arrow's decoding happens here; the part's table is made by whoever calls the first item (a worker), so
    that this loop rarely needs the GIL.
    """
    from functools import partial

    source = _open_parquet(path, data_head, wanted, keep_unknown)
    total = source.file.metadata.num_rows
    first_row = 1
    try:
        batches = source.file.iter_batches(batch_size=part_rows, columns=source.names, use_threads=True)
        for batch in batches:
            yield partial(_parquet_raw, source, batch.columns, first_row), batch.num_rows, total
            first_row += batch.num_rows
    except InputError:
        raise
    except Exception as e:  # Arrow's own errors: a damaged file
        raise _parquet_data_error(path, e) from None
    if first_row == 1:  # no row at all: one empty part
        empty = source.file.schema_arrow.empty_table().select(source.names)
        yield partial(_parquet_raw, source, empty.columns, 1), 0, total


#: Arrow types read as pandas nullable arrays (not object or float columns) so they convert without a text step.
_NULLABLE_PANDAS: dict[pa.DataType, object] = {
    pa.bool_(): pd.BooleanDtype(),
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
}


def _arrow_to_pandas_array(column: pa.Array) -> object | None:
    """Booleans, integers and dictionaries of distinct strings as pandas arrays, from their Arrow buffers."""
    kind = column.type
    missing = np.zeros(len(column), dtype=bool)
    if column.null_count:
        missing = column.is_null().to_numpy(zero_copy_only=False)

    def filled(values: pa.Array, blank: object) -> np.ndarray:
        return (pc.fill_null(values, blank) if values.null_count else values).to_numpy(zero_copy_only=False)

    if pa.types.is_boolean(kind):
        return pd.arrays.BooleanArray(filled(column, False), missing)
    if pa.types.is_integer(kind) and kind in _NULLABLE_PANDAS:
        return pd.arrays.IntegerArray(filled(column, 0), missing)
    if pa.types.is_dictionary(kind) and (
        pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
    ):
        categories = column.dictionary.to_pylist()
        if None in categories or len(set(categories)) != len(categories):
            return None
        codes = filled(column.indices, -1)
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))
    return None


def _arrow_to_series(column: pa.Array | pa.ChunkedArray) -> pd.Series:
    """An Arrow column as a Series without a text step: strings stay Arrow strings (not copied), dictionaries
    become categoricals, booleans and integers nullable arrays, timestamps datetime64."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pd.Series(pd.arrays.ArrowStringArray(column))
    if isinstance(column, pa.ChunkedArray) and not pa.types.is_dictionary(column.type):
        column = column.combine_chunks()  # (dictionaries may differ from chunk to chunk: pandas unifies them)
    elif isinstance(column, pa.ChunkedArray) and column.num_chunks == 1:
        column = column.chunk(0)
    if isinstance(column, pa.Array):  # convert the common types directly (no generic conversion)
        fast = _arrow_to_pandas_array(column)
        if fast is not None:
            return pd.Series(fast, copy=False)
    if pa.types.is_dictionary(column.type) and not (
        pa.types.is_string(column.type.value_type) or pa.types.is_large_string(column.type.value_type)
    ):
        column = column.cast(column.type.value_type)
    return column.to_pandas(types_mapper=_NULLABLE_PANDAS.get)


def _needed_columns(present: set[str], wanted: set[str] | None) -> set[str]:
    if wanted is None:
        return set(present)
    needed = set(wanted) | set(schema.REQUIRED_COLUMNS) | {"status"}
    if "resolved_at" in needed and "resolved_at" not in present:
        needed.add("returned_at")
    if "channel" in needed:
        needed.add("online_level")
    return needed & present


# ---------------------------------------------------------------------------------------------------------
# Cell conversion
# ---------------------------------------------------------------------------------------------------------


def _cell_text(value: object) -> str | None:
    """Text of one raw cell (None for an empty cell); integral floats lose their ``.0``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if value != value:
            return None
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return value.strftime("%d/%m/%Y %H:%M:%S")
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else _cell_text(pd.Timestamp(value).to_pydatetime())
    return str(value)


#: Removed from text: zero-width characters, and control characters (NUL, ^Z …), which no spreadsheet can hold.
_ZERO_WIDTH = "[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0e-\x1f\x7f]"
_SPACE_RUNS = "[\\s\u00a0\u2007\u202f\u3000]+"
_SPACE_RUNS_NEEDING_WORK = "[\\t\\n\\r\\f\\v\u00a0\u2007\u202f\u3000]|  "


def _is_text(raw: pd.Series) -> bool:
    """The values are strings (or missing) only."""
    if isinstance(raw.dtype, pd.StringDtype):
        return True
    return raw.dtype == np.dtype(object) and pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty")


def _to_arrow_text(raw: pd.Series) -> pa.Array:
    """Raw values as an Arrow string array (not cleaned yet); typed columns are cast without a Python loop."""
    dtype = raw.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        arr = pa.array(raw.array)  # the Arrow strings themselves, not copied
    elif _is_text(raw):
        arr = pa.array(raw, type=pa.string(), from_pandas=True)
    elif isinstance(dtype, pd.CategoricalDtype):
        categories = _to_arrow_text(pd.Series(dtype.categories))
        codes = pa.array(raw.cat.codes.to_numpy(), mask=raw.cat.codes.to_numpy() < 0)
        arr = pc.take(categories, codes)
    elif pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
        arr = pc.cast(pa.array(raw, from_pandas=True), pa.string())
    elif pd.api.types.is_float_dtype(dtype):
        arr = pc.cast(pa.array(raw, type=pa.float64(), from_pandas=True), pa.string())
    else:
        arr = pa.array([_cell_text(v) for v in raw.tolist()], type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


def _is_plain_ascii(arr: pa.Array) -> bool:
    """Printable ASCII only, no space at either end or twice in a row: cleaning would leave every value as is.

    Checked on the bytes with numpy (dossier codes usually pass), which spares the Unicode work on millions of ids.
    """
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return False
    offsets, data = string_buffers(arr)
    body = data[int(offsets[0]) : int(offsets[-1])]
    if body.size == 0:
        return True
    if body.min() < 0x20 or body.max() > 0x7E:
        return False
    space = body == 0x20
    if not space.any():
        return True
    starts, ends = offsets[:-1] - offsets[0], offsets[1:] - offsets[0]
    filled = ends > starts
    return not (
        space[starts[filled]].any() or space[ends[filled] - 1].any() or (space[1:] & space[:-1]).any()
    )


def _blank_as_null(arr: pa.Array) -> pa.Array:
    offsets, _ = string_buffers(arr)
    empty = offsets[1:] == offsets[:-1]
    if not empty.any():
        return arr
    return pc.if_else(pa.array(empty), pa.scalar(None, arr.type), arr)


def _clean_strings(arr: pa.Array) -> pa.Array:
    if _is_plain_ascii(arr):
        return _blank_as_null(arr)
    arr = pc.utf8_normalize(arr, "NFC")
    if pc.any(pc.match_substring_regex(arr, _ZERO_WIDTH)).as_py():
        arr = pc.replace_substring_regex(arr, _ZERO_WIDTH, "")
    if pc.any(pc.match_substring_regex(arr, _SPACE_RUNS_NEEDING_WORK)).as_py():
        arr = pc.replace_substring_regex(arr, _SPACE_RUNS, " ")
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def _clean_text(raw: pd.Series) -> pa.Array:
    """NFC, zero-width characters removed, runs of spaces → one space, trimmed; blank → null.

    Columns with few distinct values are cleaned through their dictionary of distinct values.
    """
    arr = _to_arrow_text(raw)
    if len(arr) == 0:
        return arr
    if _is_plain_ascii(arr):
        return _blank_as_null(arr)
    probe = arr.slice(0, 20_000)
    if len(arr) > 1000 and pc.count_distinct(probe).as_py() < len(probe) // 4:
        encoded = arr.dictionary_encode()
        return pc.take(_clean_strings(encoded.dictionary), encoded.indices)
    return _clean_strings(arr)


def _blank_mask(raw: pd.Series) -> np.ndarray:
    if _is_text(raw):
        arr = _to_arrow_text(raw)
        if len(arr) == 0:
            return np.zeros(0, dtype=bool)
        if _is_plain_ascii(arr):
            offsets, _ = string_buffers(arr)
            return (offsets[1:] == offsets[:-1]) | arr.is_null().to_numpy(zero_copy_only=False)
        trimmed = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, _ZERO_WIDTH, ""))
        return pc.fill_null(pc.equal(pc.utf8_length(trimmed), 0), True).to_numpy(zero_copy_only=False)
    if raw.dtype == np.dtype(object):
        return np.fromiter(
            (_cell_text(v) is None or not _cell_text(v).strip() for v in raw.tolist()),
            dtype=bool,
            count=len(raw),
        )
    return raw.isna().to_numpy(dtype=bool)


def _dictionary(text: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 for null) into the list of distinct values of a string array."""
    encoded = text.dictionary_encode()
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def _distinct_values(raw: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 for blank) into the cleaned distinct texts of a raw column.

    Categorical (Parquet dictionary), integer and boolean columns go through their few distinct values: no text
    is made per row. The texts are what the cells would read as (``4``, ``True``), so values map as from CSV.
    """
    dtype = raw.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes, values = _dictionary(_clean_text(pd.Series(dtype.categories)))
        if values == list(dtype.categories):  # clean already: the codes are the categorical's own
            return raw.cat.codes.to_numpy(), values
        return np.append(codes, -1)[raw.cat.codes.to_numpy()], values
    if pd.api.types.is_bool_dtype(dtype):
        codes = raw.to_numpy(dtype=np.int64, na_value=-1)
        return codes, ["False", "True"]
    if pd.api.types.is_integer_dtype(dtype):
        numbers = raw.to_numpy(dtype=np.int64, na_value=np.iinfo(np.int64).min)
        blank = numbers == np.iinfo(np.int64).min
        filled = numbers[~blank]
        if len(filled) and int(filled.max()) - int(filled.min()) < 65_536:  # e.g. status codes: look up
            low = int(filled.min())
            present = np.flatnonzero(np.bincount(filled - low))
            table = np.full(int(present[-1]) + 1, -1, dtype=np.int64)
            table[present] = np.arange(len(present))
            codes = np.where(blank, -1, table[np.where(blank, low, numbers) - low])
            return codes, [str(int(v) + low) for v in present]
        codes, uniques = pd.factorize(raw)  # NA → -1
        return codes.astype(np.int64, copy=False), [_cell_text(v) for v in uniques]
    return _dictionary(_clean_text(raw))


def _text_categorical(raw: pd.Series) -> pd.Categorical:
    """A text column stored as categories (a Parquet dictionary), cleaned and masked once per category."""
    codes, values = _dictionary(mask_personal_array(_clean_text(pd.Series(raw.cat.categories))))
    if values == list(raw.cat.categories):  # clean already: the column as it is
        return raw.array
    return pd.Categorical.from_codes(np.append(codes, -1)[raw.cat.codes.to_numpy()], categories=values)


# --- Dates -----------------------------------------------------------------------------------------------

_TIME = (
    r"(?:(?:\s+|\s*T\s*|\s*,\s*|\s+luc\s+)(?P<H{n}>\d{{1,2}})\s*[:hH]\s*(?P<M{n}>\d{{1,2}})"
    r"(?:\s*[:mM']\s*(?P<S{n}>\d{{1,2}})(?:[.,]\d+)?)?\s*(?P<ap{n}>[AaPp][Mm]|SA|CH|sa|ch)?"
    r"\s*(?P<tz{n}>Z|[+-]\d{{2}}:?\d{{2}})?)?"
)
_DATE_REGEX = (
    "^(?:"
    r"(?P<d1>\d{1,2})\s*[/.\-]\s*(?P<m1>\d{1,2})\s*[/.\-]\s*(?P<y1>\d{4})" + _TIME.format(n=1) + "|"
    r"(?P<y2>\d{4})[\-/.](?P<m2>\d{1,2})[\-/.](?P<d2>\d{1,2})" + _TIME.format(n=2) + "|"
    r"(?P<y3>(?:19|20)\d{2})(?P<m3>\d{2})(?P<d3>\d{2})(?:(?P<H3>\d{2})(?P<M3>\d{2})(?P<S3>\d{2})?)?|"
    r"(?P<H4>\d{1,2}):(?P<M4>\d{2})(?::(?P<S4>\d{2}))?\s+(?P<d4>\d{1,2})[/.\-](?P<m4>\d{1,2})[/.\-](?P<y4>\d{4})"
    ")$"
)
_DATE_OK, _DATE_BLANK, _DATE_BAD, _DATE_RANGE = 0, 1, 2, 3
_US_PER_DAY = 86_400_000_000
_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "us")
#: Fixed-width layouts parsed by slicing (fast); anything else goes through ``_DATE_REGEX``.
#: Each layout: (pattern without captures, slices of day, month, year, hour, minute, second).
_FIXED_LAYOUTS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    (
        r"^\d{2}[/.\-]\d{2}[/.\-]\d{4}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$",
        ((0, 2), (3, 5), (6, 10), (11, 13), (14, 16), (17, 19)),
    ),
    (
        r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$",
        ((8, 10), (5, 7), (0, 4), (11, 13), (14, 16), (17, 19)),
    ),
)


def _int_field(parts: pa.StructArray, names: list[str]) -> np.ndarray:
    """One integer field taken from the first alternative that filled it (0 when none)."""
    result = None
    for name in names:
        child = pc.struct_field(parts, name)
        child = pc.if_else(pc.equal(child, ""), pa.scalar(None, pa.string()), child)
        result = child if result is None else pc.coalesce(result, child)
    return pc.fill_null(pc.cast(result, pa.int64()), 0).to_numpy(zero_copy_only=False)


def _text_field(parts: pa.StructArray, names: list[str]) -> np.ndarray:
    result = None
    for name in names:
        child = pc.struct_field(parts, name)
        result = child if result is None else pc.if_else(pc.equal(result, ""), child, result)
    return pc.fill_null(result, "").to_numpy(zero_copy_only=False).astype(str)


def _compose(
    y: np.ndarray, m: np.ndarray, d: np.ndarray, hh: np.ndarray, mm: np.ndarray, ss: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps from their parts, and whether the parts name a real calendar moment."""
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (hh >= 0) & (hh <= 23) & (mm <= 59) & (ss <= 59)
    ok &= (y >= 1000) & (y <= 9999)
    month_start = ((np.where(ok, y, 1970) - 1970) * 12 + np.where(ok, m, 1) - 1).astype("datetime64[M]")
    days = month_start.astype("datetime64[D]") + (np.where(ok, d, 1) - 1)
    ok &= days.astype("datetime64[M]") == month_start  # 31/02 is no date
    seconds = np.where(ok, hh * 3600 + mm * 60 + ss, 0)
    stamp = days.astype(DATE_DTYPE) + (seconds * 1_000_000).astype("timedelta64[us]")
    return stamp, ok


def _slice_int(text: pa.Array, start: int, stop: int) -> np.ndarray:
    part = pc.utf8_slice_codeunits(text, start, stop)
    part = pc.if_else(pc.equal(part, ""), pa.scalar("0"), part)
    return pc.cast(part, pa.int64()).to_numpy(zero_copy_only=False)


def _parse_date_general(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Regex parse of the less common layouts (single digits, AM/PM, UTC offsets, compact, time first)."""
    n = len(text)
    parts = pc.extract_regex(text, _DATE_REGEX)
    matched = pc.fill_null(pc.is_valid(parts), False).to_numpy(zero_copy_only=False)
    if not matched.any():
        return np.full(n, np.datetime64("NaT"), dtype=DATE_DTYPE), matched
    y = _int_field(parts, ["y1", "y2", "y3", "y4"])
    m = _int_field(parts, ["m1", "m2", "m3", "m4"])
    d = _int_field(parts, ["d1", "d2", "d3", "d4"])
    hh = _int_field(parts, ["H1", "H2", "H3", "H4"])
    mm = _int_field(parts, ["M1", "M2", "M3", "M4"])
    ss = _int_field(parts, ["S1", "S2", "S3", "S4"])
    ampm = np.char.upper(_text_field(parts, ["ap1", "ap2"]))
    pm = np.isin(ampm, ["PM", "CH"])
    am = np.isin(ampm, ["AM", "SA"])
    twelve_hour_ok = ~(am | pm) | ((hh >= 1) & (hh <= 12))
    hh = np.where(pm & (hh < 12), hh + 12, np.where(am & (hh == 12), 0, hh))
    stamp, ok = _compose(y, m, d, hh, mm, ss)
    ok &= matched & twelve_hour_ok
    tz = _text_field(parts, ["tz1", "tz2"])
    has_tz = (tz != "") & ok
    if has_tz.any():
        offset_minutes = np.zeros(n, dtype=np.int64)
        for i in np.flatnonzero(has_tz):
            zone = tz[i]
            if zone != "Z":
                digits = zone[1:].replace(":", "")
                hours, minutes = int(digits[:2]), int(digits[2:4])
                if hours > 14 or minutes > 59:  # no such UTC offset: the value is unreadable
                    ok[i] = False
                    continue
                offset_minutes[i] = (-1 if zone[0] == "-" else 1) * (hours * 60 + minutes)
        shift = (VIETNAM_UTC_OFFSET // timedelta(minutes=1) - offset_minutes) * 60_000_000
        stamp = np.where(has_tz, stamp + shift.astype("timedelta64[us]"), stamp)
    return stamp, ok


def _parse_date_text(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised day-first parse of cleaned text: (datetime64[us] values, ok mask)."""
    n = len(text)
    values = np.full(n, np.datetime64("NaT"), dtype=DATE_DTYPE)
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return values, ok
    remaining = pc.is_valid(text).to_numpy(zero_copy_only=False)
    for pattern, slices in _FIXED_LAYOUTS:
        if not remaining.any():
            break
        hits = remaining & pc.fill_null(pc.match_substring_regex(text, pattern), False).to_numpy(
            zero_copy_only=False
        )
        rows = np.flatnonzero(hits)
        if len(rows) == 0:
            continue
        sub = text.take(pa.array(rows))
        d, m, y, hh, mm, ss = (_slice_int(sub, a, b) for a, b in slices)
        stamp, sub_ok = _compose(y, m, d, hh, mm, ss)
        values[rows] = stamp
        ok[rows] = sub_ok
        remaining[rows] = False
    rows = np.flatnonzero(remaining)
    if len(rows):
        stamp, sub_ok = _parse_date_general(text.take(pa.array(rows)))
        values[rows] = stamp
        ok[rows] = sub_ok
    values[~ok] = np.datetime64("NaT")
    return values, ok


def _excel_serial(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    numbers = numbers.astype(float)
    ok = np.isfinite(numbers) & (numbers > 0) & (numbers < 2_958_466)
    offsets = np.round(np.where(ok, numbers, 0) * _US_PER_DAY).astype(np.int64).astype("timedelta64[us]")
    return _EXCEL_EPOCH + offsets, ok


def _naive(value: object) -> object:
    """A date-time with a time zone as Vietnam wall-clock time, without the zone."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone(VIETNAM_UTC_OFFSET)).replace(tzinfo=None)
    return value


def _parse_date_column(raw: pd.Series, *, excel: bool) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[us] values, status code per row: ok / blank / unreadable / out of range)."""
    n = len(raw)
    dtype = raw.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        raw = raw.dt.tz_convert(timezone(VIETNAM_UTC_OFFSET)).dt.tz_localize(None)
        dtype = raw.dtype
    if pd.api.types.is_datetime64_dtype(dtype):  # typed (Parquet, a frame): check blanks and the range only
        values = raw.to_numpy().astype(DATE_DTYPE)  # a copy, in microseconds
        in_range = (values >= DATE_MIN) & (values <= DATE_MAX)
        status = np.full(n, _DATE_OK, dtype=np.int8)
        if not in_range.all():
            outside = ~in_range
            status[outside] = np.where(np.isnat(values[outside]), _DATE_BLANK, _DATE_RANGE)
            values[outside] = np.datetime64("NaT")
        return values, status
    values = np.full(n, np.datetime64("NaT"), dtype=DATE_DTYPE)
    status = np.full(n, _DATE_BAD, dtype=np.int8)
    if _is_text(raw):
        text = _clean_text(raw)
        blank = pc.is_null(text).to_numpy(zero_copy_only=False) if n else np.zeros(0, bool)
        parsed, ok = _parse_date_text(text)
        values[ok] = parsed[ok]
        status[ok] = _DATE_OK
        status[blank] = _DATE_BLANK
    else:
        objects = raw.to_numpy(dtype=object)
        is_time = np.fromiter((isinstance(v, (time, timedelta)) for v in objects), dtype=bool, count=n)
        is_stamp = np.fromiter(
            (isinstance(v, (datetime, date, np.datetime64)) and not pd.isna(v) for v in objects),
            bool,
            count=n,
        )
        is_number = np.fromiter(
            (
                isinstance(v, (int, float, np.integer, np.floating))
                and not isinstance(v, (bool, np.bool_))
                and v == v
                for v in objects
            ),
            dtype=bool,
            count=n,
        )
        if is_stamp.any():
            stamps = pd.to_datetime(
                pd.Series([_naive(v) for v in objects[is_stamp]], dtype=object), errors="coerce"
            )
            converted = stamps.to_numpy().astype(DATE_DTYPE)
            values[is_stamp] = converted
            status[is_stamp] = np.where(np.isnat(converted), _DATE_BAD, _DATE_OK)
        if is_number.any():
            numbers = objects[is_number].astype(float)
            compact = (numbers >= 19_000_101) & (numbers <= 20_991_231) & (numbers == np.floor(numbers))
            if excel:
                converted, ok = _excel_serial(np.where(compact, 0, numbers))
            else:
                converted, ok = (
                    np.full(len(numbers), np.datetime64("NaT"), DATE_DTYPE),
                    np.zeros(len(numbers), bool),
                )
            if compact.any():
                text = pa.array([str(int(v)) for v in numbers[compact]], type=pa.string())
                conv2, ok2 = _parse_date_text(text)
                converted[compact] = conv2
                ok[compact] = ok2
            sub_values = np.where(ok, converted, np.datetime64("NaT"))
            values[is_number] = sub_values
            status[is_number] = np.where(ok, _DATE_OK, _DATE_BAD)
        rest = ~(is_time | is_stamp | is_number)
        if rest.any():
            text = _clean_text(pd.Series(objects[rest]))
            blank = pc.is_null(text).to_numpy(zero_copy_only=False)
            parsed, ok = _parse_date_text(text)
            sub_status = np.where(blank, _DATE_BLANK, np.where(ok, _DATE_OK, _DATE_BAD)).astype(np.int8)
            values[rest] = np.where(ok, parsed, np.datetime64("NaT"))
            status[rest] = sub_status
    in_range = (values >= DATE_MIN) & (values <= DATE_MAX)
    out = (status == _DATE_OK) & ~in_range
    status[out] = _DATE_RANGE
    values[status != _DATE_OK] = np.datetime64("NaT")
    return values, status


def parse_dates(values: Iterable[object], *, excel: bool = False) -> pd.Series:
    """Parse day-first dates the way the loader does; blank, unreadable or implausible values give NaT.

    Parameters
    ----------
    values : iterable
        Text (``13/04/2026``, ``13/04/2026 14:30``, ``2026-04-13`` …), datetimes or, with ``excel=True``,
        Excel serial numbers.

    Examples
    --------
    >>> parse_dates(["03/04/2026", "2026-04-13 08:00", "31/02/2026"]).dt.strftime("%d %b %Y %H:%M").tolist()
    ['03 Apr 2026 00:00', '13 Apr 2026 08:00', nan]
    """
    raw = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    parsed, _ = _parse_date_column(raw.reset_index(drop=True), excel=excel)
    return pd.Series(parsed, index=raw.index, dtype=DATE_DTYPE)


# --- Categorical values ----------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------------------
# Building the result
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Converted:
    """One canonical column converted over the non-blank data rows, with its per-row problems."""

    values: object  # pa.Array (text), numpy datetime64 array, or a pandas extension array
    problems: list[tuple[str, np.ndarray]] = field(default_factory=list)  # (reason_code, row mask), in order


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


def _convert(name: str, raw: pd.Series, excel: bool) -> _Converted:
    if name in schema.DATE_COLUMNS:
        values, status = _parse_date_column(raw, excel=excel)
        problems = [("bad_date", status == _DATE_BAD), ("date_out_of_range", status == _DATE_RANGE)]
        if name in ("received_at", "due_at"):
            problems.insert(0, ("blank_date", status == _DATE_BLANK))
        return _Converted(values, problems)
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


def _display_value(value: object) -> str | None:
    text = _cell_text(value)
    if text is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text:
        return None
    return text if len(text) <= _VALUE_MAX_CHARS else text[: _VALUE_MAX_CHARS - 1] + "…"


def _label(name: str | None) -> str:
    if name is None:
        return ""
    label = schema.COLUMN_LABELS_VI.get(name, name)
    return label[:1].lower() + label[1:]


def _reason(code: str, column: str | None, **extra: object) -> tuple[str, str]:
    if code == "duplicate_id" and extra.get("first_row") == 0:  # the first occurrence was in another file
        code = "duplicate_id_known"
    label = _label(column)
    name = schema.COLUMN_LABELS_VI.get(column, column) if column else ""
    vi = REASONS_VI[code].format(label=label, Label=label[:1].upper() + label[1:], name=name, **extra)
    en = REASONS_EN[code].format(column=column or "", **extra)
    return vi, en


def _record_frame(groups: list[dict[str, object]], file_label: str) -> pd.DataFrame:
    """Reject / exclusion records from groups of rows sharing a reason, sorted by row."""
    parts = []
    for group in groups:
        rows = np.asarray(group["row"], dtype=np.int64)
        part = pd.DataFrame({"row": rows})
        for key in ("column", "value", "reason_code", "reason"):
            part[key] = pd.array(
                group[key] if isinstance(group[key], list) else [group[key]] * len(rows), dtype="string"
            )
        parts.append(part)
    if not parts:
        empty = pd.array([], dtype="string")
        return pd.DataFrame(
            {"file": empty, "row": np.zeros(0, dtype=np.int64), "column": empty, "value": empty}
            | {"reason_code": empty, "reason": empty}
        )
    frame = pd.concat(parts, ignore_index=True)
    frame.insert(0, "file", pd.array([file_label] * len(frame), dtype="string"))
    return frame.sort_values("row", kind="stable").reset_index(drop=True)[list(REJECT_COLUMNS)]


def _mentions_synthetic(texts: Iterable[str]) -> bool:
    for text in texts:
        padded = f" {fold(text)} "
        if " mo phong " in padded or " mophong " in padded or "synthetic" in padded:
            return True
    return False


def _without_blank_rows(raw: _RawTable) -> tuple[list[pd.Series | None], np.ndarray, dict[int, int]]:
    """Drop fully blank rows; they are not data rows."""
    n = len(raw.row_numbers)
    if n == 0:
        return raw.columns, raw.row_numbers, raw.too_many_cells
    key = raw.plan.canonical.get("dossier_id")
    order = ([key] if key is not None else []) + [i for i in range(len(raw.columns)) if i != key]
    candidates = np.arange(n)
    for i in order:  # narrow the candidates column by column: usually the id column settles it
        column = raw.columns[i]
        if column is None:  # not read: blank as far as this table goes
            continue
        subset = column if len(candidates) == n else column.iloc[candidates]
        candidates = candidates[_blank_mask(subset)]
        if len(candidates) == 0:
            break
    candidates = np.array([c for c in candidates if c not in raw.too_many_cells], dtype=np.int64)
    if len(candidates) == 0:
        return raw.columns, raw.row_numbers, raw.too_many_cells
    keep = np.ones(n, dtype=bool)
    keep[candidates] = False
    new_position = np.cumsum(keep) - 1
    columns = [None if c is None else c[keep].reset_index(drop=True) for c in raw.columns]
    too_many = {int(new_position[p]): k for p, k in raw.too_many_cells.items()}
    return columns, raw.row_numbers[keep], too_many


def _build(
    raw: _RawTable,
    *,
    path: Path,
    wanted: set[str] | None,
    keep_unknown: bool,
    strict: bool,
    known_ids: KnownIds | Iterable[str] | None = None,
    officer_names: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, RowAccounting, dict[str, str], list[str], np.ndarray]:
    plan = raw.plan
    columns, row_numbers, too_many = _without_blank_rows(raw)
    n = len(row_numbers)
    file_label = str(path)

    positions = dict(plan.canonical)
    header_map = {plan.headers[i]: name for name, i in positions.items()}
    if "resolved_at" not in positions and "returned_at" in positions:
        positions["resolved_at"] = positions.pop("returned_at")
        header_map[plan.headers[positions["resolved_at"]]] = "resolved_at"
    needed = _needed_columns(set(positions), wanted)
    converted = {
        name: _convert(name, columns[positions[name]], raw.excel)
        for name in schema.CANONICAL_COLUMNS
        if name in needed
    }

    # Problems, in SPEC column order; each row keeps its first one.
    problems: list[tuple[str, str | None]] = []
    first = np.full(n, -1, dtype=np.int64)

    def add(code: str, column: str | None, mask: np.ndarray) -> None:
        problems.append((code, column))
        if not mask.any():  # the usual case: no row has this problem
            return
        hit = mask & (first < 0)
        first[hit] = len(problems) - 1

    if too_many:
        mask = np.zeros(n, dtype=bool)
        mask[list(too_many)] = True
        add("bad_field_count", None, mask)
    for name in schema.CANONICAL_COLUMNS:
        if name not in converted:
            continue
        for code, mask in converted[name].problems:
            add(code, name, mask)
        if name == "received_at":  # the start of the day of receipt: "earlier than received" compares dates
            received_day = converted[name].values.astype("datetime64[D]").astype(DATE_DTYPE)
        if name in ("due_at", "resolved_at"):
            add(f"{name.split('_')[0]}_before_received", name, converted[name].values < received_day)

    status = converted["status"].values if "status" in converted else None
    if status is not None:
        excluded = np.isin(status.to_numpy(dtype="int64", na_value=0), list(schema.EXCLUDED_STATUSES))
    else:
        excluded = np.zeros(n, dtype=bool)
    rejected = (first >= 0) & ~excluded

    # Duplicate ids among rows that are neither excluded nor rejected: the first occurrence wins.
    # first_row_of_duplicate is the row of the kept occurrence, 0 when it is in an earlier file.
    # Ids are compared by 64-bit hash first (cchc_analysis.dossier_ids): only rows whose hash repeats are compared
    # as text, so a file of unique ids costs one sort of its hashes.
    first_row_of_duplicate = np.zeros(n, dtype=np.int64)
    duplicate = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(~rejected & ~excluded)
    all_ids = converted["dossier_id"].values
    ids = all_ids if len(candidates) == n else all_ids.take(pa.array(candidates, type=pa.int64()))
    hashes = id_hashes(ids)
    repeated = repeated_positions(hashes)
    if len(repeated):
        codes, _ = pd.factorize(pd.Series(pd.arrays.ArrowStringArray(ids.take(pa.array(repeated)))))
        duplicated = pd.Series(codes).duplicated().to_numpy()
        if duplicated.any():
            _, first_index = np.unique(codes, return_index=True)
            later = candidates[repeated[duplicated]]
            duplicate[later] = True
            first_row_of_duplicate[later] = row_numbers[candidates[repeated[first_index[codes[duplicated]]]]]
    known = known_ids if known_ids is None or isinstance(known_ids, KnownIds) else KnownIds(known_ids)
    if known is not None and len(candidates):
        seen, first_rows = known.find(ids, hashes, file_label)
        duplicate[candidates[seen]] = True
        first_row_of_duplicate[candidates[seen]] = first_rows[seen]
    if duplicate.any():
        problems.append(("duplicate_id", "dossier_id"))
        first[duplicate] = len(problems) - 1
        rejected |= duplicate

    def header_of(name: str | None) -> str | None:
        return None if name is None else plan.headers[positions[name]]

    reject_groups: list[dict[str, object]] = []
    for k in np.unique(first[rejected]):
        code, name = problems[k]
        rows = np.flatnonzero(rejected & (first == k))
        if code == "bad_field_count":
            values = [f"{too_many[p]} ô / {len(plan.headers)} cột" for p in rows]
        else:
            values = [_display_value(v) for v in columns[positions[name]].iloc[rows].tolist()]
            if name != "dossier_id":  # the cell may hold anything, e.g. a phone number in a shifted row
                values = [v if v is None else mask_personal_text(v) for v in values]
        if code == "duplicate_id":
            reasons = [_reason(code, name, first_row=int(r))[0] for r in first_row_of_duplicate[rows]]
        else:
            reasons = _reason(code, name)[0]
        reject_groups.append(
            {
                "row": row_numbers[rows],
                "column": header_of(name),
                "value": values,
                "reason_code": code,
                "reason": reasons,
            }
        )
    rejects = _record_frame(reject_groups, file_label)
    if strict and len(rejects):
        head = rejects.iloc[0]
        position = int(np.flatnonzero(row_numbers == head["row"])[0])
        code, name = problems[first[position]]
        extra = {"first_row": int(first_row_of_duplicate[position])} if code == "duplicate_id" else {}
        vi, en = _reason(code, name, **extra)
        raise InputError(
            f"Dòng bị loại (chế độ nghiêm ngặt): {vi}",
            f"Rejected row (strict mode): {en}",
            file=file_label,
            row=int(head["row"]),
            column=None if pd.isna(head["column"]) else head["column"],
            value=None if pd.isna(head["value"]) else head["value"],
        )

    excluded_groups: list[dict[str, object]] = []
    if excluded.any():
        status_raw = columns[positions["status"]]
        status_codes = status.to_numpy(dtype="int64", na_value=0)
        for code in sorted(schema.EXCLUDED_STATUSES):
            rows = np.flatnonzero(excluded & (status_codes == code))
            vi, _ = _reason("excluded_status", "status", status=code, status_name=schema.STATUS_NAMES[code])
            excluded_groups.append(
                {
                    "row": row_numbers[rows],
                    "column": header_of("status"),
                    "value": [_display_value(v) for v in status_raw.iloc[rows].tolist()],
                    "reason_code": "excluded_status",
                    "reason": vi,
                }
            )
    excluded_frame = _record_frame(excluded_groups, file_label)

    loaded = np.flatnonzero(~rejected & ~excluded)
    everything = len(loaded) == n
    kept = ~duplicate[candidates]  # the candidates that are loaded
    loaded_hashes = hashes if kept.all() else hashes[kept]
    if known is not None:
        loaded_ids = ids if kept.all() else ids.filter(pa.array(kept))
        known.add(loaded_ids, loaded_hashes, row_numbers[loaded], file_label)
    if "officer" in converted and not officer_names:
        converted["officer"].values = _pseudonymised(converted["officer"].values)
    if "channel" in converted and "online_level" in converted:
        converted["channel"].values = _refine_channel(
            converted["channel"].values, converted["online_level"].values
        )
    output = (
        set(converted) if wanted is None else (set(wanted) | set(schema.REQUIRED_COLUMNS)) & set(converted)
    )
    data: dict[str, object] = {}
    for name in schema.CANONICAL_COLUMNS:
        if name not in output:
            continue
        values = converted[name].values
        if isinstance(values, pa.Array):
            taken = values if everything else values.take(pa.array(loaded, type=pa.int64()))
            data[name] = pd.arrays.ArrowStringArray(taken)
        else:
            data[name] = values if everything else values[loaded]
    dropped = [plan.headers[i] for i in plan.personal]
    for i in plan.unknown:
        header = plan.headers[i]
        column = columns[i]
        if column is None:  # not read (Parquet)
            dropped.append(header or f"Cột {i + 1}")
            continue
        if not header:
            if _blank_mask(column).all():
                continue  # an empty column without a header carries nothing
            header = f"Cột {i + 1}"
        if keep_unknown:
            name = header
            while name in data:
                name += "_"
            data[name] = pd.arrays.ArrowStringArray(
                mask_personal_array(_clean_text(column)).take(pa.array(loaded, type=pa.int64()))
            )
        else:
            dropped.append(header)
    dossiers = pd.DataFrame(data, index=pd.RangeIndex(len(loaded)), copy=False)
    accounting = RowAccounting(n, len(loaded), int(excluded.sum()), int(rejected.sum()))
    assert accounting.read == accounting.loaded + accounting.excluded + accounting.rejected
    return dossiers, rejects, excluded_frame, accounting, header_map, dropped, loaded_hashes


def _pseudonymised(values: pa.Array | pd.Categorical) -> pa.Array | pd.Categorical:
    """Officers' names as pseudonyms; a categorical column is pseudonymised through its categories."""
    if not isinstance(values, pd.Categorical):
        return pseudonymise_officers(values)
    names = pseudonymise_officers(pa.array(list(values.categories), type=pa.string())).to_pylist()
    codes, uniques = pd.factorize(pd.Series(names, dtype=object))
    return pd.Categorical.from_codes(np.append(codes, -1)[values.codes], categories=list(uniques))


# ---------------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------------


def _check_columns(columns: Iterable[str] | None) -> set[str] | None:
    if columns is None:
        return None
    if isinstance(columns, str):
        columns = [c.strip() for c in columns.split(",")]
    wanted = set(columns)
    unknown = sorted(wanted - set(schema.CANONICAL_COLUMNS))
    if unknown:
        raise InputError(
            f"Không có cột chuẩn {', '.join(unknown)}. Các cột chuẩn: {', '.join(schema.CANONICAL_COLUMNS)}",
            f"Unknown canonical column(s) {', '.join(unknown)}. Canonical columns: "
            f"{', '.join(schema.CANONICAL_COLUMNS)}",
        )
    return wanted


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_dossiers(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    keep_unknown: bool = False,
    columns: Iterable[str] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    known_ids: KnownIds | Iterable[str] | None = None,
    officer_names: bool = False,
) -> LoadResult:
    """Load a dossier export (CSV, Excel or Parquet) into the canonical dossier frame.

    Parameters
    ----------
    path : str or Path
        ``.csv`` / ``.tsv`` / ``.txt`` (UTF-8 with or without BOM, UTF-16, Windows-1258; comma, semicolon,
        tab or pipe delimited), ``.xlsx`` / ``.xlsm`` / ``.xls`` / ``.xlsb`` / ``.ods``, ``.parquet`` / ``.pq``.
    sheet : str or int, optional
        Excel sheet name (or 0-based index); default the first visible sheet.
    delimiter, encoding : str, optional
        Override the detected CSV delimiter / encoding.
    strict : bool
        Raise :class:`InputError` for the first rejected row instead of listing it in ``rejects``.
    keep_unknown : bool
        Keep unknown, non-personal columns under their original header, after the canonical ones.
        Personal-data columns are never kept.
    columns : iterable of str, optional
        Canonical columns wanted (the required ones are always kept). Other optional columns are neither
        converted nor validated, and are not read at all from Parquet. ``status`` is always used to exclude
        never-received dossiers.
    progress : callable, optional
        ``progress(done_rows, total_rows)`` is called while reading large files; ``total_rows`` may be None.
    known_ids : KnownIds or iterable of str, optional
        Dossier ids already loaded from earlier files of the same folder: rows with one of them are
        rejected as ``duplicate_id``, so that loading a folder file by file equals loading its concatenation.
        A :class:`~cchc_analysis.dossier_ids.KnownIds` is updated with the ids this file loads.
    officer_names : bool
        Keep officers' names in ``officer``. By default each name is replaced by a stable pseudonym
        (``"Cán bộ K7Q2MZ4D"``, see :mod:`cchc_analysis.privacy`), so that no person's name reaches an output.
        ID-card numbers, phone numbers and e-mail addresses typed into kept text columns are always masked.

    Returns
    -------
    LoadResult
        Every data row is counted once: ``read == loaded + excluded + rejected``. Fully blank rows are not
        data rows and are not counted in ``read``.

    Raises
    ------
    InputError
        For a file that cannot be loaded (missing, empty, unknown extension, wrong content for its
        extension, damaged or password-protected workbook, undecodable text, no header row in the first
        20 rows, a missing required column, two columns for one canonical field), and in strict mode for
        the first rejected row.

    Examples
    --------
    >>> result = load_dossiers("data/dossiers.csv")  # doctest: +SKIP
    >>> result.accounting.as_dict()  # doctest: +SKIP
    {'read': 3099, 'loaded': 3099, 'excluded': 0, 'rejected': 0}
    """
    path = Path(path)
    wanted = _check_columns(columns)
    suffix = path.suffix.lower()
    supported = CSV_EXTENSIONS | EXCEL_EXTENSIONS | PARQUET_EXTENSIONS
    if suffix not in supported:
        listed = ", ".join(sorted(supported))
        raise InputError(
            f"Không đọc được tệp đuôi «{path.suffix}»: dùng {listed}",
            f"Unsupported file type {path.suffix!r}: use {listed}",
            file=path,
        )
    try:
        if not path.exists():
            raise InputError("Không tìm thấy tệp", "File not found", file=path)
        if path.is_dir():
            raise InputError("Đây là thư mục, không phải tệp", "This is a folder, not a file", file=path)
        if path.stat().st_size == 0:
            raise InputError("Tệp rỗng", "The file is empty", file=path)
        if suffix in CSV_EXTENSIONS:
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            raw = _read_csv(path, data, delimiter=delimiter, encoding=encoding, progress=progress)
            del data
        else:
            sha = _sha256(path)
            with path.open("rb") as f:
                head = f.read(512)
            if suffix in EXCEL_EXTENSIONS:
                raw = _read_excel(path, head, sheet, progress)
            else:
                raw = _read_parquet(path, head, wanted, keep_unknown)
    except OSError as e:
        raise InputError(
            f"Không đọc được tệp: {e.strerror or e}", f"Cannot read the file: {e.strerror or e}", file=path
        ) from None
    dossiers, rejects, excluded, accounting, header_map, dropped, hashes = _build(
        raw,
        path=path,
        wanted=wanted,
        keep_unknown=keep_unknown,
        strict=strict,
        known_ids=known_ids,
        officer_names=officer_names,
    )
    if progress is not None:
        progress(accounting.read, accounting.read)
    synthetic = raw.synthetic_meta or _mentions_synthetic([*raw.title_lines, path.name])
    return LoadResult(
        dossiers=dossiers,
        rejects=rejects,
        excluded=excluded,
        accounting=accounting,
        source=path,
        sha256=sha,
        synthetic=synthetic,
        header_map=header_map,
        dropped_columns=dropped,
        title_lines=raw.title_lines,
        id_hashes=hashes,
    )


def load_dossiers_by_part(
    path: str | Path,
    consume: Callable[[LoadResult], None],
    *,
    part_rows: int | None = None,
    strict: bool = False,
    keep_unknown: bool = False,
    columns: Iterable[str] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    known_ids: KnownIds | Iterable[str] | None = None,
    officer_names: bool = False,
    **options: object,
) -> LoadResult:
    """Load a dossier file part by part, so that memory is bounded by a part rather than by the file.

    A Parquet file is read ``part_rows`` rows at a time, only the columns needed (see ``columns``), while two
    worker threads check, convert and consume the parts already read; a CSV or Excel file is one part. Counts are
    additive, so a caller that counts each part and adds the counts up gets the counts of the whole file.

    Parameters
    ----------
    path : str or Path
        A dossier file, as for :func:`load_dossiers`.
    consume : callable
        Called with each part, a :class:`LoadResult` of the part's rows (row numbers are the file's; its
        ``sha256`` is empty: the file's is in the returned result). Parts of a Parquet file are built by two
        worker threads and may come in any order; ``consume`` is called from those threads, one call at a time.
        With ``known_ids`` or ``strict`` they come one at a time, in file order.
    part_rows : int, optional
        Rows per part of a Parquet file (default :data:`PARQUET_PART_ROWS`).
    known_ids : KnownIds or iterable of str, optional
        As for :func:`load_dossiers`; a :class:`~cchc_analysis.dossier_ids.KnownIds` is updated part after part,
        so ids repeated across parts are rejected too. Without it, each part is checked for repeated ids on its
        own, and the caller checks across parts with the parts' ``id_hashes`` (as :mod:`cchc_analysis.kpis`
        does: one sort of all the hashes shows there is no repeat, the usual case).
    strict, keep_unknown, columns, progress, officer_names, **options
        As for :func:`load_dossiers` (``sheet``, ``delimiter``, ``encoding`` for CSV and Excel files).

    Returns
    -------
    LoadResult
        The whole file: accounting, rejected and excluded rows, ``id_hashes`` of all loaded rows, SHA-256; its
        ``dossiers`` frame is empty (the rows went to ``consume``).
    """
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    path = Path(path)
    common = {
        "strict": strict,
        "keep_unknown": keep_unknown,
        "columns": columns,
        "progress": progress,
        "officer_names": officer_names,
    }
    if path.suffix.lower() not in PARQUET_EXTENSIONS or not path.is_file() or path.stat().st_size == 0:
        whole = load_dossiers(path, known_ids=known_ids, **common, **options)  # type: ignore[arg-type]
        consume(whole)
        return replace(whole, dossiers=whole.dossiers.iloc[0:0].copy())  # a copy: a slice would keep the rows
    wanted = _check_columns(columns)
    known = known_ids if known_ids is None or isinstance(known_ids, KnownIds) else KnownIds(known_ids)
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as e:
        raise InputError(
            f"Không đọc được tệp: {e.strerror or e}", f"Cannot read the file: {e.strerror or e}", file=path
        ) from None
    # Parts are read here, one after the other, and built (checked, converted) and consumed by workers: two at a
    # time, so that both cores of a laptop work, in any order — or one at a time, in file order, when the order
    # matters (ids tracked across parts, or strict mode stopping at the first rejected row).
    workers = 1 if known is not None or strict else PARQUET_WORKERS
    lock = threading.Lock()

    def build(make_raw: Callable[[], _RawTable]) -> LoadResult:
        raw = make_raw()
        dossiers, part_rejects, part_excluded, part_accounting, header_map, dropped, part_hashes = _build(
            raw,
            path=path,
            wanted=wanted,
            keep_unknown=keep_unknown,
            strict=strict,
            known_ids=known,
            officer_names=officer_names,
        )
        part = LoadResult(
            dossiers=dossiers,
            rejects=part_rejects,
            excluded=part_excluded,
            accounting=part_accounting,
            source=path,
            sha256="",
            synthetic=raw.synthetic_meta or _mentions_synthetic([path.name]),
            header_map=header_map,
            dropped_columns=dropped,
            id_hashes=part_hashes,
        )
        with lock:
            consume(part)
        result = replace(part, dossiers=dossiers.iloc[0:0].copy())  # rows went to consume; a slice keeps them
        del raw, part, dossiers
        pa.default_memory_pool().release_unused()  # give the part's Arrow memory back, not only to the pool
        return result

    parts: list[LoadResult] = []
    done = 0
    with ThreadPoolExecutor(max_workers=1) as hasher, ThreadPoolExecutor(max_workers=workers) as pool:
        sha = hasher.submit(_sha256, path)  # hashing the bytes overlaps the reading
        pending: deque = deque()
        try:
            rows_per_part = part_rows or PARQUET_PART_ROWS
            for make_raw, rows, total in _parquet_parts(path, head, wanted, keep_unknown, rows_per_part):
                while len(pending) >= workers:  # at most ``workers`` parts in memory besides this one
                    parts.append(pending.popleft().result())
                pending.append(pool.submit(build, make_raw))
                done += rows
                if progress is not None:
                    progress(done, total)
            while pending:
                parts.append(pending.popleft().result())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        digest = sha.result()
    return replace(
        parts[0],
        rejects=_concat_records([r.rejects for r in parts]),
        excluded=_concat_records([r.excluded for r in parts]),
        accounting=sum((r.accounting for r in parts), RowAccounting(0, 0, 0, 0)),
        sha256=digest,
        id_hashes=np.concatenate([r.id_hashes for r in parts]) if len(parts) > 1 else parts[0].id_hashes,
    )


def _concat_records(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Reject or exclusion records of the parts of a file, in row order."""
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True).sort_values("row", kind="stable", ignore_index=True)


def received_span_hint(path: str | Path) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """Earliest and latest ``received_at`` of a Parquet file, cheaply: from its statistics, or that one column.

    A hint, not a result: it includes rows that loading may reject or exclude. None for other formats, for a
    ``received_at`` not stored as naive timestamps or dates, or when the file cannot be read (loading it will
    say why).
    """
    import pyarrow.parquet as pq

    path = Path(path)
    if path.suffix.lower() not in PARQUET_EXTENSIONS:
        return None
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        headers = [unicodedata.normalize("NFC", str(n)).strip() for n in names]
        index = _plan_headers(headers, path, check_duplicates=False).canonical.get("received_at")
        if index is None:
            return None
        kind = parquet.schema_arrow.field(index).type
        if not (pa.types.is_date(kind) or (pa.types.is_timestamp(kind) and kind.tz is None)):
            return None
        meta = parquet.metadata
        leaf = next((j for j in range(meta.num_columns) if meta.schema.column(j).path == names[index]), None)
        lows, highs = [], []
        for r in range(meta.num_row_groups):
            column = meta.row_group(r).column(leaf) if leaf is not None else None
            stats = column.statistics if column is not None else None
            if stats is None or not stats.has_min_max or not isinstance(stats.min, (date, datetime)):
                lows = highs = None  # no usable statistics: read the column
                break
            lows.append(stats.min)
            highs.append(stats.max)
        if lows is None:
            bounds = pc.min_max(parquet.read(columns=[names[index]]).column(0)).as_py()
            lows, highs = [bounds["min"]], [bounds["max"]]
        lows = [v for v in lows if v is not None]
        highs = [v for v in highs if v is not None]
        if not lows or not highs:
            return None
        return pd.Timestamp(min(lows)), pd.Timestamp(max(highs))
    except Exception:
        return None
