"""Writing files safely: atomic writes, no personal numbers, and CSV cells a spreadsheet will not run as formulas.

Every file the package writes goes through here. Every table (:func:`write_table`, :func:`write_csv`) and every
xlsx cell (:func:`xlsx_cell_text`) passes through the one masking path of :mod:`cchc_analysis.privacy`. A write either lands complete under its final name or leaves
nothing behind: the data goes to a temporary file in the same folder, which is renamed into place
(``os.replace``, atomic on one file system) only once it is fully written.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from cchc_analysis.privacy import mask_frame, mask_value

#: First characters that make Excel, LibreOffice or Google Sheets read a text cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?$")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temp_sibling(path: Path) -> Path:
    """A fresh name in ``path``'s folder, hidden, keeping the suffix (writers such as openpyxl look at it)."""
    return path.with_name(f".{path.stem}.{secrets.token_hex(6)}.tmp{path.suffix}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is renamed to ``path``, on failure deleted.

    For writers that want a file name rather than bytes (openpyxl, a browser printing a PDF). The parent folder
    is created if needed. The temporary file does not exist when yielded; the writer must create it.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "bang.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("xin chào", encoding="utf-8")
    >>> target.read_text(encoding="utf-8")
    'xin chào'
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_sibling(final)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to the temporary file for {final}")
        os.replace(tmp, final)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and exc.filename in (None, str(tmp)):
            exc.filename = str(final)  # name the file the user asked for, not our temporary one
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, flushed, then renamed).

    Returns the final path. The file gets the usual permissions (``0666`` less the umask).
    """
    final = Path(path)
    with atomic_path(final) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):  # Windows ignores most mode bits
            os.chmod(tmp, 0o666 & ~_umask())
    return final


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; newlines are written as given (no platform translation)."""
    return atomic_write_bytes(path, text.encode(encoding))


def neutralise_formula(value: object) -> object:
    """Make a text cell safe to open in a spreadsheet: prefix ``'`` when it would start a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, unless
    the text is just a number (``"-5"``, ``"+1,5"``). Anything that is not a string is returned unchanged.

    Examples
    --------
    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_formula("-5"), neutralise_formula(-5), neutralise_formula("Hộ tịch")
    ('-5', -5, 'Hộ tịch')
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    if _NUMBER.match(value):
        return value
    return "'" + value


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_cell_text(value: object) -> object:
    """A text cell safe for an xlsx sheet: personal numbers masked (:func:`cchc_analysis.privacy.mask_value`),
    formula-like text neutralised, control characters (which the xlsx format cannot hold, and openpyxl refuses)
    removed. Anything that is not a string is returned unchanged.

    Examples
    --------
    >>> xlsx_cell_text("=1+1"), xlsx_cell_text("Hộ" + chr(0) + " tịch" + chr(26)), xlsx_cell_text(7)
    ("'=1+1", 'Hộ tịch', 7)
    >>> xlsx_cell_text("Đơn vị: Xã Tân Lập, ĐT (0225) 3123456")
    'Đơn vị: Xã Tân Lập, ĐT [đã ẩn]'
    """
    return _xlsx_text(mask_value(value))


def _xlsx_text(value: object) -> object:
    """:func:`xlsx_cell_text` of a value already masked (a cell of a table masked by :func:`mask_frame`)."""
    if not isinstance(value, str):
        return value
    return neutralise_formula(_XLSX_ILLEGAL.sub("", value))


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names are passed through :func:`neutralise_formula`."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(neutralise_formula, na_action="ignore")
        elif isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(
            s.cat.categories.dtype
        ):
            out[col] = s.cat.rename_categories(lambda c: neutralise_formula(c))
    out.columns = [neutralise_formula(c) for c in out.columns]
    return out


def write_csv(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    index: bool = False,
    encoding: str = "utf-8-sig",
    mask: bool = True,
    **to_csv_kwargs: object,
) -> Path:
    """Write ``df`` as CSV atomically, with personal numbers masked (:func:`cchc_analysis.privacy.mask_frame`;
    ``mask=False`` only for a frame masked already) and formula-like text cells neutralised.

    The default encoding is UTF-8 with a byte-order mark so that Excel shows Vietnamese diacritics; the
    package's loaders read it back unchanged. Extra keyword arguments go to :meth:`pandas.DataFrame.to_csv`.
    """
    text = neutralise_frame(mask_frame(df) if mask else df).to_csv(
        index=index, lineterminator="\n", **to_csv_kwargs
    )
    return atomic_write_text(path, text, encoding=encoding)


#: Table files the commands write with ``-o PATH``, by suffix.
TABLE_SUFFIXES: tuple[str, ...] = (".xlsx", ".csv", ".json", ".parquet")
#: Decimal places of a rate (a fraction 0–1) in a CSV file: 0,9385 is 93,85 %.
CSV_RATE_DECIMALS = 4


def table_format(path: str | os.PathLike[str]) -> str:
    """The format of an output file from its suffix: ``"xlsx"``, ``"csv"``, ``"json"`` or ``"parquet"``.

    Raises
    ------
    InputError
        For any other suffix (the user named the file).
    """
    from cchc_analysis.errors import InputError

    suffix = Path(path).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(
            f"Không ghi được tệp «{Path(path).name}»: đuôi tệp phải là .xlsx, .csv, .json hoặc .parquet",
            f"Cannot write {Path(path).name!r}: the suffix must be .xlsx, .csv, .json or .parquet",
            file=path,
        )
    return suffix[1:]


def _missing(value: object) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _json_cell(value: object) -> object:
    if _missing(value):
        return None
    if hasattr(value, "isoformat"):  # date, datetime, Timestamp
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _csv_number(value: object, decimals: int, decimal: str) -> str:
    from cchc_analysis.formatting import round_half_up

    if _missing(value):
        return ""
    return str(round_half_up(value, decimals)).replace(".", decimal)


def write_table(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    labels: dict[str, str] | None = None,
    rate_columns: tuple[str, ...] | list[str] = (),
    delimiter: str = ";",
    title_lines: tuple[str, ...] | list[str] = (),
) -> Path:
    """Write a table for people and programs, the format chosen by the suffix of ``path``, atomically.

    Parameters
    ----------
    df : DataFrame
        The table; rate columns hold fractions 0–1, counts nullable integers (NA is written as an empty cell
        or ``null``: unknown, never 0).
    path : str or Path
        ``.xlsx`` — one formatted sheet: the ``title_lines``, a bold header row, rates as numbers with a ``0.00%``
        format, counts with a thousands format, Times New Roman; ``.csv`` — UTF-8 with a byte-order mark (Excel
        on Windows shows the diacritics), ``delimiter`` between cells, rates rounded half up to
        :data:`CSV_RATE_DECIMALS` places with a decimal comma when the delimiter is ``;`` (Excel in Vietnamese);
        ``.json`` — a list of records, UTF-8; ``.parquet`` — the typed frame.
    labels : dict, optional
        Column headers to write instead of the column names (Vietnamese labels); columns not in it keep their
        name. JSON and Parquet keep the names whatever ``labels`` say, so that programs read stable keys.
    rate_columns : sequence of str
        Columns holding fractions 0–1.
    delimiter : {";", ","}
        CSV cell separator.
    title_lines : sequence of str
        Lines above an xlsx table (period, source, «Dữ liệu mô phỏng»); other formats do not carry them.

    Returns
    -------
    Path
        ``path``. Text cells that a spreadsheet would run as formulas are neutralised in xlsx and CSV.

    Raises
    ------
    InputError
        For a suffix that is not one of :data:`TABLE_SUFFIXES`.

    Examples
    --------
    >>> import tempfile
    >>> t = pd.DataFrame({"field": ["Hộ tịch"], "resolved": pd.array([3], dtype="Int64"), "on_time_rate": [2 / 3]})
    >>> out = write_table(t, Path(tempfile.mkdtemp()) / "kpis.csv", labels={"field": "Lĩnh vực"},
    ...                   rate_columns=["on_time_rate"])
    >>> out.read_bytes().decode("utf-8-sig")
    'Lĩnh vực;resolved;on_time_rate\\nHộ tịch;3;0,6667\\n'
    """
    fmt = table_format(path)
    final = Path(path)
    df = mask_frame(df)  # every table leaves through the one masking path (ids of rejected rows kept)
    if fmt == "parquet":
        with atomic_path(final) as tmp:
            df.to_parquet(tmp, index=False)
        return final
    if fmt == "json":
        import json

        records = [{str(k): _json_cell(v) for k, v in r.items()} for r in df.to_dict(orient="records")]
        return atomic_write_text(final, json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    named = df.rename(columns=labels or {})
    rates = {(labels or {}).get(c, c) for c in rate_columns}
    if fmt == "csv":
        if delimiter not in (";", ","):
            raise ValueError(f"delimiter must be ';' or ',', not {delimiter!r}")
        decimal = "," if delimiter == ";" else "."
        out = named.copy()
        for column in out.columns:
            if column in rates:
                out[column] = [_csv_number(v, CSV_RATE_DECIMALS, decimal) for v in out[column]]
            elif pd.api.types.is_float_dtype(out[column].dtype):
                out[column] = [_csv_number(v, 2, decimal) for v in out[column]]
        return write_csv(out, final, sep=delimiter, mask=False)
    return _write_xlsx_table(named, final, rates, title_lines)


def _write_xlsx_table(df: pd.DataFrame, path: Path, rates: set[str], title_lines) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.indexed_list import IndexedList

    font_name = "Times New Roman"
    wb = Workbook()
    wb._fonts = IndexedList([Font(name=font_name, size=11)])  # the Normal style's font
    ws = wb.active
    ws.title = "Bảng"
    row = 1
    for line in title_lines:
        ws.cell(row=row, column=1, value=xlsx_cell_text(line)).font = Font(
            name=font_name, size=11, italic=True
        )
        row += 1
    if title_lines:
        row += 1
    header = row
    for j, name in enumerate(df.columns, start=1):
        cell = ws.cell(row=header, column=j, value=_xlsx_text(str(name)))
        cell.font = Font(name=font_name, size=11, bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for i, record in enumerate(df.itertuples(index=False), start=header + 1):
        for j, (name, value) in enumerate(zip(df.columns, record, strict=True), start=1):
            if _missing(value):
                continue  # unknown: an empty cell, never 0
            if hasattr(value, "item"):  # numpy scalar
                value = value.item()
            cell = ws.cell(row=i, column=j, value=_xlsx_text(value))
            if name in rates:
                cell.number_format = "0.00%"
            elif isinstance(value, int) and not isinstance(value, bool):
                cell.number_format = "#,##0"
            elif isinstance(value, float):
                cell.number_format = "#,##0.00"
    for j, name in enumerate(df.columns, start=1):
        # Headers wrap over up to four lines; a column is as wide as its longest value (first rows), 12 at least.
        values = [len(str(v)) for v in df.iloc[:, j - 1].head(200).tolist()]
        width = max([12, -(-len(str(name)) // 4), *values]) + 2
        ws.column_dimensions[get_column_letter(j)].width = min(width, 45)
    ws.row_dimensions[header].height = 62
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    # A wide table prints over several A4 landscape pages, its header row repeated on each.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = f"{header}:{header}"
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
