"""Reading Excel workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) through python-calamine."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError, NotADossierExport
from cchc_analysis.loaders import limits
from cchc_analysis.loaders.cleaning import fold
from cchc_analysis.loaders.headers import (
    HEADER_SEARCH_ROWS,
    _cell_header,
    _find_header,
    _is_column_number_row,
    _Plan,
    _plan_headers,
    _row_text,
)
from cchc_analysis.loaders.legacy import check_legacy_rows
from cchc_analysis.loaders.sniffing import _RawTable, _sniff, _wrong_kind


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
    _check_limits(path, kind, suffix)  # before anything is inflated or allocated
    numbers: list[int] | None = None  # the rows' numbers when they do not follow one another (a stream)
    found = None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        if not names:
            raise InputError("Tệp Excel không có trang tính nào", "The workbook has no sheet", file=path)
        name = _choose_sheet(workbook, names, sheet, path)
        if suffix in (".xlsx", ".xlsm") and _sheet_area(path, name) > EXCEL_MAX_AREA:
            rows, numbers, found = _excel_rows_streamed(path, name)
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
        if sheet is None and len(names) > 1:
            _check_other_sheets(workbook, names, name, path)  # an empty (or picture-only) cover sheet
        raise InputError(f"Trang tính «{name}» trống", f"The sheet {name!r} is empty", file=path)
    try:
        index, plan = found if found is not None else _find_header(rows, path)
    except NotADossierExport:
        check_legacy_rows(rows[:HEADER_SEARCH_ROWS], path)  # cells typed in TCVN3 (.VnTime) or VNI fonts
        if sheet is None:
            _check_other_sheets(
                workbook, names, name, path
            )  # a cover page first: name the sheet with the table
        raise
    title_lines = [t for t in (_row_text(r) for r in rows[: index - plan.span + 1]) if t]
    first = index + 1
    if first < len(rows) and _is_column_number_row(rows[first]):
        first += 1
    ncols = len(plan.headers)
    body = rows[first:]
    if body:
        if set(map(len, body)) != {ncols}:  # rows of other widths: cut or padded to the header's
            body = [list(r[:ncols]) + [""] * (ncols - len(r)) for r in body]
        # Every row is ncols cells now: the cells one after the other, then viewed as rows × columns (four times
        # faster than numpy copying a list of lists into a 2-D array).
        cells = np.fromiter(itertools.chain.from_iterable(body), dtype=object, count=len(body) * ncols)
        matrix = cells.reshape(len(body), ncols)
        columns = [_sheet_column(matrix[:, i]) for i in range(ncols)]
    else:
        columns = [pd.Series([], dtype=object) for _ in range(ncols)]
    row_numbers = np.arange(first + 1, first + 1 + len(body), dtype=np.int64)
    if numbers is not None:  # a streamed sheet: only the rows that hold cells, with their own numbers
        row_numbers = np.asarray(numbers[first : first + len(body)], dtype=np.int64)
    return _RawTable(plan, columns, row_numbers, title_lines, excel=True, may_have_footer=True)


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


def _check_limits(path: Path, kind: str, suffix: str) -> None:
    """Refuse a workbook that would need more memory than any real export (see :mod:`.limits`)."""
    if kind == "ole":
        limits.check_file_size(path)
        area = limits.xls_area(path)
        if area > EXCEL_MAX_AREA:  # an old .xls is read whole: refuse
            how = ("theo các bản ghi của tệp .xls", "as the .xls records say")
            limits.refuse_area(path, area, EXCEL_MAX_AREA, how=how)
        return
    limits.check_zip_parts(path)
    if suffix in (".xlsx", ".xlsm"):  # the shared strings are all read when the workbook opens
        for part in _parts(path):
            if part.lower().endswith("sharedstrings.xml"):
                limits.scan_part(path, part)
    elif suffix == ".ods":
        limits.scan_part(path, "content.xml")
        area = limits.ods_area(path)
        if area > EXCEL_MAX_AREA:  # OpenDocument sheets are read whole: refuse
            how = ("dòng và ô lặp lại được tính", "repeated rows and cells counted")
            limits.refuse_area(path, area, EXCEL_MAX_AREA, how=how)


def _parts(path: Path) -> list[str]:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except Exception:  # a broken archive is reported by the reader itself
        return []


def _sheet_area(path: Path, name: str) -> int:
    """Rows × columns a dense reader would allocate for sheet ``name``: the largest of what its ``<dimension>``
    tag claims and what its cells show (a stray cell far below the table), the sheet being scanned in bounded
    memory, which also refuses a cell text beyond the limit."""
    part = limits.sheet_parts(path).get(name)
    parts = (
        [part] if part else [p for p in _parts(path) if p.startswith("xl/worksheets/") and p.endswith(".xml")]
    )
    real = max((limits.scan_part(path, p, area=True).area for p in parts), default=0)
    return max(real, _excel_claimed_area(path))


def _excel_rows_streamed(path: Path, name: str) -> tuple[list[list[object]], list[int], tuple[int, _Plan]]:
    """The rows of a sheet with a huge area, read as a stream: its rows, their numbers, its header and plan.

    Only rows that hold a cell are kept (a stray cell at row 1 000 000 000 is one row, numbered as the sheet
    numbers it, not a billion empty ones), and only the columns that have a header (cells to the right of the
    table, or under a blank header, are not read). The first :data:`HEADER_SEARCH_ROWS` rows are kept whole, to
    find the header in.
    """
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = load_workbook(path, read_only=True, data_only=True)
    head_zone = HEADER_SEARCH_ROWS + 2
    head: list[list[object]] = []
    rows: list[list[object]] = []
    numbers: list[int] = []
    found: tuple[int, _Plan] | None = None
    position: dict[int, int] = {}  # a header's column (1-based) -> its place in a kept row
    try:
        ws = workbook[name]
        with ws._get_source() as source:
            parser = WorkSheetParser(
                source,
                ws._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, cells in parser.parse():
                if found is None and number <= head_zone:
                    head.extend([] for _ in range(len(head), number - 1))
                    head.append(_cells_row(cells))
                    continue
                if found is None:
                    found, position, rows, numbers = _streamed_header(head, path, name)
                kept: list[object] = [None] * len(position)
                any_cell = False
                for cell in cells:
                    place = position.get(cell["column"])
                    if place is not None and cell["value"] is not None:
                        kept[place] = cell["value"]
                        any_cell = True
                if any_cell:
                    rows.append(kept)
                    numbers.append(number)
    finally:
        workbook.close()
    if found is None:
        found, position, rows, numbers = _streamed_header(head, path, name)
    return rows, numbers, found


def _cells_row(cells: list[dict]) -> list[object]:
    width = max((c["column"] for c in cells), default=0)
    row: list[object] = [None] * width
    for cell in cells:
        row[cell["column"] - 1] = cell["value"]
    return row


def _streamed_header(
    head: list[list[object]], path: Path, name: str
) -> tuple[tuple[int, _Plan], dict[int, int], list[list[object]], list[int]]:
    """The header of a streamed sheet, kept to its named columns, and the first rows cut the same way."""
    index, plan = _find_header(head, path)
    keep = [i for i, h in enumerate(plan.headers) if h]
    limits.check_header_width(len(keep), path, row=index + 1, sheet=name)
    span = plan.span
    plan = _plan_headers([plan.headers[i] for i in keep], path)
    plan.span = span
    rows = [[r[i] if i < len(r) else None for i in keep] for r in head]
    return (index, plan), {i + 1: j for j, i in enumerate(keep)}, rows, list(range(1, len(head) + 1))


def _head_rows(workbook: object, path: Path, name: str) -> list[list[object]]:
    """The first rows of sheet ``name``, read cheaply: an xlsx sheet is streamed, never loaded whole."""
    limit = HEADER_SEARCH_ROWS + 2
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(r) for r in book[name].iter_rows(max_row=limit, values_only=True)]
        finally:
            book.close()
    return workbook.get_sheet_by_name(name).to_python(nrows=limit)


def _check_other_sheets(workbook: object, names: list[str], chosen: str, path: Path) -> None:
    """The chosen (first) sheet has no header: raise an error naming the other sheets that have one.

    A workbook often opens on a cover page («Bìa», a report's title and signatures) with the table on the next
    sheet. The table is not read from another sheet silently (which sheet holds the figures is the user's call):
    the message names the sheet(s) with a dossier header and the option that reads one. Sheets whose first rows
    cannot be read are passed over.
    """
    found: list[tuple[str, int]] = []
    for other in names:
        if other == chosen:
            continue
        try:
            head = _head_rows(workbook, path, other)
            index, _ = _find_header(head, path)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # no header there, or a sheet calamine / openpyxl cannot read
            continue
        found.append((other, index + 1))
    if not found:
        return
    listed = ", ".join(f"«{n}» (dòng tiêu đề {row})" for n, row in found)
    listed_en = ", ".join(f"{n!r} (header row {row})" for n, row in found)
    first = found[0][0]
    raise InputError(
        f"Trang tính «{chosen}» không có dòng tiêu đề hồ sơ; bảng hồ sơ nằm ở trang {listed}. Chạy lại với "
        f'--sheet "{first}" (trong Python: sheet="{first}")',
        f"The sheet {chosen!r} has no dossier header; the table is on the sheet {listed_en}. Run again with "
        f'--sheet "{first}"',
        file=path,
    )


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


def _sheet_column(cells: np.ndarray) -> pd.Series:
    """One column of a sheet's cells as a Series, without work per cell in Python.

    A column of text cells becomes a ``str`` column, as ``pd.Series(cells)`` infers it, and one of date cells a
    ``datetime64[us]`` column, empty cells (``""``) becoming NaT: one pass of Arrow's type inference in C++
    instead of pandas' inference and its conversion to Arrow strings, and a date column with empty cells (a
    resolution date of dossiers still open) no longer goes cell by cell through the date reader (together they
    took two thirds of the time to load a 100 000-row sheet). The loader reads an empty cell and NaT alike
    (blank), and date cells alike whether the column is typed or not (``--month-first`` included). Any other
    column (numbers, text mixed with dates, …) is ``pd.Series(cells)``.
    """
    import pyarrow as pa

    def typed(values: np.ndarray) -> pa.Array | None:
        try:
            arrow = pa.array(values)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):  # mixed cells: no one Arrow type
            return None
        kind = arrow.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            return arrow
        if pa.types.is_timestamp(kind) and kind.tz is None and kind.unit == "us":
            return arrow
        return None

    arrow = typed(cells)
    if arrow is None and len(cells):
        empty = cells == ""
        if (
            empty.any() and not empty.all()
        ):  # date cells and empty cells (text and empty cells are text above)
            values = cells.copy()
            values[empty] = None
            arrow = typed(values)
            if arrow is not None and not pa.types.is_timestamp(arrow.type):
                arrow = None
    if arrow is None:
        return pd.Series(cells)
    return pd.Series(arrow.to_pandas(), copy=False)
