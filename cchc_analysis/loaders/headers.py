"""Finding the header row and mapping headers to canonical names (``reference/header_aliases.csv``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from cchc_analysis import schema
from cchc_analysis.errors import InputError, NotADossierExport
from cchc_analysis.loaders.cleaning import _cell_text, header_key

#: Canonical name given to personal-data headers in ``header_aliases.csv``.
PERSONAL = "__personal__"


#: Canonical name of headers that are known but not used (``MaTTHC``, ``NgayNopHoSo`` …): recognised, so that they
#: are neither taken for personal data nor reported as unknown, and dropped like any column the package does not use.
UNUSED = "__unused__"


#: The header lookup of the load under way (header key → canonical name): the package's aliases merged with the
#: user's vocabulary files, set by :func:`using_headers` around a load; None means the package's aliases only.
_ACTIVE_HEADERS: ContextVar[dict[str, str] | None] = ContextVar("cchc_active_headers", default=None)


@contextmanager
def using_headers(lookup: dict[str, str] | None) -> Iterator[None]:
    """Classify headers with ``lookup`` (a merged vocabulary's headers) inside the block."""
    token = _ACTIVE_HEADERS.set(lookup)
    try:
        yield
    finally:
        _ACTIVE_HEADERS.reset(token)


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


def header_aliases() -> pd.DataFrame:
    """The alias table ``reference/header_aliases.csv`` (``canonical, header, source``) with a ``key`` column."""
    return _alias_table().copy()


@lru_cache(maxsize=1)
def _alias_table() -> pd.DataFrame:
    path = Path(__file__).parent.parent / "reference" / "header_aliases.csv"
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
    """Canonical name of a header, :data:`PERSONAL` for personal data, :data:`UNUSED` for a known header the
    package does not use, or None when unknown.

    Examples
    --------
    >>> classify_header("NGAY_TIEP_NHAN"), classify_header("Họ tên người nộp"), classify_header("STT")
    ('received_at', '__personal__', None)
    """
    key = header_key(header)
    if not key:
        return None
    active = _ACTIVE_HEADERS.get()
    lookup = _alias_lookup() if active is None else active
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
        elif kind is None or kind == UNUSED:  # unused: recognised, and dropped like an unknown column
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
        return NotADossierExport(
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
    return NotADossierExport(
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
