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


@dataclass
class _Plan:
    headers: list[str]
    canonical: dict[str, int]  # canonical name -> column position
    personal: list[int]
    unknown: list[int]
    span: int = 1  # rows the header takes: 2 or 3 when group cells stand above sub-headers

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


#: At most this many accepted headers are listed for a missing column (the alias table has them all).
_ALIASES_SHOWN = 8


def _required_found(plan: _Plan) -> set[str]:
    """The required columns a plan holds (``returned_at`` stands in for ``resolved_at``)."""
    found = {c for c in schema.REQUIRED_COLUMNS if c in plan.canonical}
    if "returned_at" in plan.canonical:
        found.add("resolved_at")
    return found


def _labels(names: list[str], *, vi: bool) -> str:
    return ", ".join(schema.COLUMN_LABELS_VI[c] if vi else c for c in names)


def _accepted(missing: list[str]) -> tuple[str, str]:
    """``Label [name]: header, header …`` of each missing column, for the error messages."""
    vi, en = [], []
    for name in missing:
        headers = accepted_headers(name) + (accepted_headers("returned_at") if name == "resolved_at" else [])
        shown = ", ".join(headers[:_ALIASES_SHOWN]) + (", …" if len(headers) > _ALIASES_SHOWN else "")
        vi.append(f"{schema.COLUMN_LABELS_VI[name]} [{name}]: {shown}")
        en.append(f"{name}: {shown}")
    return "; ".join(vi), "; ".join(en)


def _missing_required_error(plan: _Plan, file: object, row: int | None) -> InputError:
    """A header (row ``row`` as the file numbers it; None for Parquet) that lacks required columns."""
    present = _required_found(plan)
    missing = [c for c in schema.REQUIRED_COLUMNS if c not in present]
    found = [c for c in schema.REQUIRED_COLUMNS if c in present]
    where_vi, where_en = (
        ("tệp", "the file") if row is None else (f"dòng tiêu đề {row}", f"the header row {row}")
    )
    accepted_vi, accepted_en = _accepted(missing)
    return NotADossierExport(
        f"Thiếu cột bắt buộc {_labels(missing, vi=True)}: {where_vi} chỉ có "
        f"{_labels(found, vi=True) or 'không cột bắt buộc nào'}. Tiêu đề chấp nhận — {accepted_vi}",
        f"Missing required column {', '.join(missing)}: {where_en} has only {', '.join(found) or 'none'}. "
        f"Accepted headers — {accepted_en}",
        file=file,
        column=", ".join(missing),
    )


def _header_not_found(plans: list[_Plan], numbers: list[int], file: object) -> InputError:
    """No header: say on which rows each required header was seen, and which were seen nowhere.

    When one row holds two required headers or more, it is taken for a header row lacking columns («Thiếu cột
    bắt buộc …», with the headers accepted for them); otherwise no header row was found at all.
    """
    best = max(range(len(plans)), key=lambda i: len(_required_found(plans[i])), default=None)
    seen: dict[str, int] = {}
    if (
        best is not None
    ):  # the best row first, then the rows nearest to it (a group row above, a sub-row below)
        for i in sorted(range(len(plans)), key=lambda i: abs(i - best)):
            for name in _required_found(plans[i]):
                seen.setdefault(name, numbers[i])
    missing = [c for c in schema.REQUIRED_COLUMNS if c not in seen]
    where_vi, where_en = [], []
    for number in sorted(set(seen.values())):
        names = [c for c in schema.REQUIRED_COLUMNS if seen.get(c) == number]
        where_vi.append(f"{_labels(names, vi=True)} ở dòng {number}")
        where_en.append(f"{', '.join(names)} on row {number}")
    found_vi, found_en = "; ".join(where_vi), "; ".join(where_en)
    zone_vi, zone_en = f"trong {HEADER_SEARCH_ROWS} dòng đầu", f"in the first {HEADER_SEARCH_ROWS} rows"
    if best is not None and len(_required_found(plans[best])) >= 2 and missing:
        accepted_vi, accepted_en = _accepted(missing)
        return NotADossierExport(
            f"Thiếu cột bắt buộc {_labels(missing, vi=True)}: tìm thấy {found_vi} (đã tìm {zone_vi}). "
            f"Tiêu đề chấp nhận — {accepted_vi}",
            f"Missing required column {', '.join(missing)}: found {found_en} ({zone_en}). "
            f"Accepted headers — {accepted_en}",
            file=file,
            column=", ".join(missing),
        )
    if not seen:
        detail_vi = f"không dòng nào có {_labels(missing, vi=True)}"
        detail_en = f"no row holds {', '.join(missing)}"
    elif missing:
        detail_vi = f"tìm thấy {found_vi} nhưng thiếu {_labels(missing, vi=True)}"
        detail_en = f"found {found_en} but not {', '.join(missing)}"
    else:
        detail_vi = f"tìm thấy {found_vi} nhưng không trên cùng một dòng tiêu đề (hay hai, ba dòng liền nhau)"
        detail_en = f"found {found_en}, but not on one header row (or two or three adjacent ones)"
    return NotADossierExport(
        f"Không tìm thấy dòng tiêu đề {zone_vi}: {detail_vi} (tiêu đề chấp nhận: reference/header_aliases.csv)",
        f"No header row found {zone_en}: {detail_en} (accepted headers: reference/header_aliases.csv)",
        file=file,
    )


def _stack_headers(block: list[list[str]]) -> list[str]:
    """One header per column from a header of two or three rows (group cells above sub-headers).

    A merged group cell holds its text in its first cell only: it is carried right over the blank cells that
    have a sub-header below. Each column then takes its lowest cell that names a known column (the sub-header
    «Ngày tiếp nhận» under «Thời gian giải quyết»), else the group and sub-header read together if they name
    one («Ngày» above «tiếp nhận»), else its own group cell when that names one, else its cells joined by « / ».
    A carried group cell never names a column by itself: one column's header is not copied to its neighbours.
    """
    width = max(len(r) for r in block)
    grid = [list(r) + [""] * (width - len(r)) for r in block]
    carried_cells: set[tuple[int, int]] = set()
    for k in range(len(grid) - 1):
        carried = ""
        for c in range(width):
            if grid[k][c]:
                carried = grid[k][c]
            elif carried and any(grid[j][c] for j in range(k + 1, len(grid))):
                grid[k][c] = carried
                carried_cells.add((k, c))
            else:
                carried = ""
    headers = []
    for c in range(width):
        rows = [k for k in range(len(grid)) if grid[k][c]]
        cells = [grid[k][c] for k in rows]
        own = [grid[k][c] for k in rows if (k, c) not in carried_cells]
        known = [t for t in own if classify_header(t) is not None]
        if known and known[-1] == own[-1]:
            headers.append(own[-1])
        elif len(cells) > 1 and classify_header(" ".join(cells)) is not None:
            headers.append(" ".join(cells))
        elif known:
            headers.append(known[-1])
        else:
            headers.append(" / ".join(cells))
    return headers


def _scan_header(
    rows: list[list[object]], file: object, row_numbers: list[int] | None = None
) -> tuple[int, _Plan] | InputError:
    """Index of the (last) header row among the first rows and its plan, or the error that explains its absence.

    The header is the first row, among the first :data:`HEADER_SEARCH_ROWS`, that holds the required headers;
    else the first two or three rows that hold them together, each needed (a group row above sub-headers). Its
    plan's ``span`` says how many rows it takes. ``row_numbers`` are the rows' numbers in the file (default
    1, 2, 3 …). The error is returned (not raised) with its ``score`` (most canonical headers on one row) so
    that the CSV reader can report the most telling error over all candidate delimiters.
    """
    numbers = row_numbers if row_numbers is not None else list(range(1, len(rows) + 1))
    cells = [[_cell_header(v) for v in row] for row in rows[: HEADER_SEARCH_ROWS + 2]]
    plans = [_plan_headers(c, file, check_duplicates=False) for c in cells]
    for i in range(min(len(cells), HEADER_SEARCH_ROWS)):
        if plans[i].is_complete():
            return i, _plan_headers(cells[i], file)
        for span in (2, 3):
            if i + span > len(cells):
                break
            lower = _plan_headers(_stack_headers(cells[i + 1 : i + span]), file, check_duplicates=False)
            if lower.is_complete():
                break  # the rows below make a header without this one: this one is a title
            headers = _stack_headers(cells[i : i + span])
            if _plan_headers(headers, file, check_duplicates=False).is_complete():
                plan = _plan_headers(headers, file)
                plan.span = span
                return i + span - 1, plan
    searched = plans[:HEADER_SEARCH_ROWS]
    error = _header_not_found(searched, numbers, file)
    error.score = max((len(p.canonical) for p in searched), default=0)  # type: ignore[attr-defined]
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
