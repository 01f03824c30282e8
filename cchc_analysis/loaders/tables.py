"""Reading the small CSV tables the package takes besides dossier exports: reported figures, targets, rankings,
the 766 indicator table, the notice's findings and legal basis.

One reading layer for all of them, on the dossier loaders' decoding (:func:`.sniffing._decode`: UTF-8 with or
without BOM, UTF-16/32, Windows-1258) and with the delimiter (``,`` ``;`` tab) found from the header line, so a
table saved by Excel in a Vietnamese locale (``;``, Windows-1258) reads like one written by hand.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.loaders.limits import check_first_line, check_header_width
from cchc_analysis.loaders.sniffing import _decode, _sniff, _wrong_kind

#: Delimiters a small table may use, in order of preference when the header line does not decide.
TABLE_DELIMITERS: tuple[str, ...] = (",", ";", "\t")


def _clean(text: object) -> str:
    return unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").strip()


def _text_cell(text: object) -> str:
    """A cell, cleaned; free text (a cell with a letter: a unit, a note, a contact) through the one masking path
    (:func:`cchc_analysis.privacy.mask_personal_text`). A cell that is only a number is a figure, kept to be read."""
    cell = _clean(text)
    if not any(c.isalpha() for c in cell):
        return cell
    from cchc_analysis.privacy import mask_personal_text

    return mask_personal_text(cell)


def _header_key(text: str) -> str:
    return _clean(text).lower()


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """``(line number, cells)`` of every record that is not blank and not a comment (first cell ``#…``)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out = []
    for cells in reader:
        if not any(_clean(c) for c in cells) or _clean(cells[0]).startswith("#"):
            continue
        out.append((reader.line_num, cells))
    return out


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip() and not line.strip().startswith("#"):
            return line
    return ""


def _delimiter(header_line: str, required: Sequence[str]) -> str:
    """The delimiter that splits the header into the most required columns, then into the most columns."""

    def score(delim: str) -> tuple[int, int]:
        cells = [_header_key(c) for c in next(csv.reader([header_line], delimiter=delim), [])]
        return sum(c in cells for c in required), len(cells)

    return max(TABLE_DELIMITERS, key=score)  # max keeps the first of equal scores: ``,`` before ``;``


def read_table(
    path: str | Path,
    *,
    required: Sequence[str] = (),
    what: str = "bảng",
    what_en: str = "table",
) -> pd.DataFrame:
    """Read a small CSV table as text cells, with its header and its file row numbers.

    Parameters
    ----------
    path : str or Path
        The CSV file: any encoding the dossier loaders read, delimited by ``,``, ``;`` or tab. Blank lines and
        comment lines (first cell starting with ``#``) are skipped.
    required : sequence of str
        Columns the table must have (lower case); a missing one is an :class:`InputError` naming the file, the
        columns missing and the columns the file has.
    what, what_en : str
        What the table is, in messages (``"tệp mục tiêu"``, ``"targets file"``).

    Returns
    -------
    DataFrame
        One text column (``dtype=str``) per header (trimmed, NFC, lower case), cells trimmed and NFC, ``""`` for a blank cell;
        the index is the 1-based line number of each row in the file, as a text editor shows it.

    Raises
    ------
    InputError
        The file is missing, not text, undecodable, empty, malformed, lacks a required column, or a row has
        more cells than the header (e.g. an unquoted decimal comma under a comma delimiter).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "t.csv")
    ...     _ = open(p, "w", encoding="utf-8-sig").write("Key;Giá trị\\n# ghi chú\\nA;99,6\\n")
    ...     read_table(p, required=["key"]).to_dict("index")
    {3: {'key': 'A', 'giá trị': '99,6'}}
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"Không tìm thấy {what}", f"{what_en.capitalize()} not found", file=p)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"Không đọc được {what}", f"Cannot read the {what_en} ({exc})", file=p) from None
    kind = _sniff(data[:512])
    if kind != "text":
        raise _wrong_kind(p, kind)
    check_first_line(data, p)
    text = _decode(data, None, p)
    header_line = _first_line(text)
    if not header_line:
        raise InputError(f"{what.capitalize()} trống", f"The {what_en} is empty", file=p)
    delimiter = _delimiter(header_line, required)
    try:
        records = _records(text, delimiter)
    except csv.Error as exc:
        raise InputError(
            f"{what.capitalize()} không đúng định dạng CSV", f"Malformed CSV ({exc})", file=p
        ) from None
    (header_row, header_cells), body = records[0], records[1:]
    check_header_width(len(header_cells), p, row=header_row)
    header = [_header_key(c) for c in header_cells]
    missing = [c for c in required if c not in header]
    if missing:
        shown = ", ".join(h for h in header if h) or "(không có)"
        raise InputError(
            f"Thiếu cột {', '.join(missing)} trong {what}; cần các cột {', '.join(required)}, "
            f"tệp có các cột: {shown}",
            f"Missing column(s) {', '.join(missing)} in the {what_en}; the file has: {shown}",
            file=p,
            row=header_row,
        )
    rows, cells_by_row = [], []
    for line, cells in body:
        if len(cells) > len(header) and any(_clean(c) for c in cells[len(header) :]):
            raise InputError(
                f"Dòng có {len(cells)} ô trong khi tiêu đề có {len(header)} cột; số có dấu phẩy thập phân "
                'phải đặt trong ngoặc kép, ví dụ "99,6"',
                f"The row has {len(cells)} fields but the header has {len(header)}; quote numbers with a "
                'decimal comma, e.g. "99,6"',
                file=p,
                row=line,
                value=delimiter.join(cells),
            )
        rows.append(line)
        cells_by_row.append([_text_cell(cells[i]) if i < len(cells) else "" for i in range(len(header))])
    # ``dtype=str`` as ``pd.read_csv(dtype=str)`` gives it, so callers see the same cells as before
    return pd.DataFrame(cells_by_row, columns=header, index=pd.Index(rows, dtype="int64"), dtype=str)
