"""Reading Excel workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) through python-calamine."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.loaders.cleaning import fold
from cchc_analysis.loaders.headers import (
    HEADER_SEARCH_ROWS,
    _cell_header,
    _find_header,
    _is_column_number_row,
    _row_text,
)
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
