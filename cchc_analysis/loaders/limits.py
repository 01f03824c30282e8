"""Memory limits: every reader refuses, before it allocates, a file that would need more memory than any real export.

A hostile or damaged file can be small on disk and huge once read: an xlsx is a zip archive whose sheet may inflate
a thousandfold, one cell may hold a billion characters, a stray cell far below the table makes a dense reader
allocate every row above it, a Parquet dictionary of one long string expands once per row, a CSV header may have a
million cells. Each check here looks at what the file says about itself (a zip's central directory, a Parquet
footer, a stream of the XML read in bounded blocks, the first records of a text file) and raises
:class:`~cchc_analysis.errors.InputError` (exit code 2) naming the file, the part, its size and the limit.

The limits, and why no real export reaches them (measured on the synthetic generator's export,
``synthetic.to_raw_export``: 50 000 dossiers × 22 columns is an xlsx of 5,6 MB whose sheet is 73,6 MB of XML,
about 1 470 bytes a row, compressed 13 : 1; ``validate`` reads it in 3 s with a peak of 325 MB, about 2,8 bytes of
memory per byte of sheet XML; saved again by LibreOffice, its sheet is 50,6 MB compressed 11,7 : 1):

* :data:`ZIP_PART_BYTES` 512 MiB for one part of a workbook (a sheet, the shared strings): about 365 000 rows of
  22 columns. A real export of one unit for one year has a few thousand to a few tens of thousands of rows;
  reading a 512 MiB sheet takes about 1,5 GB of memory, the most a 2 GB budget allows.
* :data:`ZIP_TOTAL_BYTES` 1 GiB for all parts together (a workbook has one or two sheets and small parts).
* :data:`ZIP_RATIO` 100 : 1 for a part of at least :data:`ZIP_RATIO_FROM` (32 MiB): sheets compress 8–15 : 1,
  a zip bomb of repeated rows about 1 000 : 1.
* :data:`CELL_TEXT_BYTES` 1 MiB for the text of one cell or shared string: Excel holds at most 32 767 characters in
  a cell, under 200 KB in its XML even when every character is escaped.
* :data:`MAX_COLUMNS` 1 000 cells in a header row (or any of the first rows of a CSV file): exports have 20 to 60
  columns, a Biểu form about 100.
* :data:`FIRST_LINE_BYTES` 16 MiB for the first line of a CSV file (a title or a header: a header of 1 000 columns
  of 100 bytes is 100 KB); a file with no line break in that much is not an export.
* :data:`PARQUET_COLUMN_BYTES` 512 MiB for one text column of a Parquet file once decoded, in one read (the whole
  file, or one part of :data:`~cchc_analysis.loaders.parquet.PARQUET_PART_ROWS` rows): a column of 1 000 000
  procedure names of 150 bytes is 150 MB.
* :data:`PARQUET_FOOTER_BYTES` 64 MiB for a Parquet file's metadata (a few kilobytes in a real file).
* :data:`OLE_FILE_BYTES` 512 MiB for an old .xls workbook (the format holds at most 65 536 rows × 256 columns);
  its records may claim more, and are read (:func:`xls_area`).

A sheet whose area (rows × columns up to its last cell, as its ``<dimension>`` tag says or as its cells show) is
larger than :data:`~cchc_analysis.loaders.excel.EXCEL_MAX_AREA` is not refused: it is read as a stream, row by
row, only the rows that hold cells and only as wide as the header (:func:`scan_part` finds its true area). An
OpenDocument or .xls sheet cannot be streamed: above that area, its repeated rows and cells counted
(:func:`ods_area`) or as its records say (:func:`xls_area`), it is refused.

All limits are multiplied by a scale: the option ``--limits-scale N`` of every command that reads dossiers, or the
environment variable ``CCHC_LIMITS_SCALE`` (also seen by a briefing's notebook, which runs in another process).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cchc_analysis.errors import InputError

MIB = 1 << 20

#: Environment variable holding the scale of every limit (a number above 0; default 1).
ENV_VAR = "CCHC_LIMITS_SCALE"

ZIP_PART_BYTES = 512 * MIB
ZIP_TOTAL_BYTES = 1024 * MIB
ZIP_RATIO = 100
ZIP_RATIO_FROM = 32 * MIB
CELL_TEXT_BYTES = 1 * MIB
MAX_COLUMNS = 1000
FIRST_LINE_BYTES = 16 * MIB
PARQUET_COLUMN_BYTES = 512 * MIB
PARQUET_FOOTER_BYTES = 64 * MIB
OLE_FILE_BYTES = 512 * MIB

_BLOCK = 1 << 20  # bytes inflated at a time when a part is scanned


def scale() -> float:
    """The factor every limit is multiplied by: ``CCHC_LIMITS_SCALE`` (default 1).

    Raises
    ------
    InputError
        When the variable is not a number above 0.
    """
    text = os.environ.get(ENV_VAR, "").strip()
    if not text:
        return 1.0
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise InputError(
            f"{ENV_VAR} phải là một số lớn hơn 0, ví dụ 2 (không phải «{text}»)",
            f"{ENV_VAR} must be a number above 0, e.g. 2 (not {text!r})",
        )
    return value


@contextmanager
def scaled(value: float | None) -> Iterator[None]:
    """Scale every limit by ``value`` inside the block (``--limits-scale``), in this process and the processes it
    starts (a briefing's notebook); None leaves the scale as it is."""
    if value is None:
        yield
        return
    before = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = repr(float(value))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = before


def limit(base: int | float) -> int:
    """``base`` times :func:`scale`."""
    return int(base * scale())


def _mb(n: int, vi: bool) -> str:
    """A size in megabytes of 2^20 bytes, as a file manager shows it: ``1.049 MB`` (Vietnamese), ``1,049 MB``."""
    value = n / MIB
    text = f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"
    return (text.translate(str.maketrans(",.", ".,")) if vi else text) + " MB"


def _number(n: int | float, vi: bool) -> str:
    text = f"{n:,.0f}"
    return text.replace(",", ".") if vi else text


def _refuse(path: object, what_vi: str, what_en: str, *, hint_vi: str = "", hint_en: str = "") -> InputError:
    how_vi = (
        "Nếu đây đúng là một bản xuất thật, chạy lại với --limits-scale 2 (hoặc đặt biến môi trường "
        f"{ENV_VAR}=2) để nới mọi giới hạn gấp đôi"
    )
    how_en = f"If this is a real export, run again with --limits-scale 2 (or set {ENV_VAR}=2) to double every limit"
    return InputError(
        f"Tệp quá lớn để đọc an toàn: {what_vi}{hint_vi}. {how_vi}",
        f"The file is too large to read safely: {what_en}{hint_en}. {how_en}",
        file=path,
    )


_AS_CSV_VI = "; tệp rất lớn nên xuất dạng CSV hoặc Parquet"
_AS_CSV_EN = "; export a very large file as CSV or Parquet"


def check_zip_parts(path: Path) -> None:
    """Refuse a workbook (xlsx, xlsm, xlsb, ods) whose parts inflate beyond the limits, from its central directory.

    Nothing is inflated: the sizes are those the archive states (a part that lies about its size is stopped by
    :func:`scan_part`, which counts what it inflates).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # a broken archive is reported by the reader itself
    part_limit, total_limit = limit(ZIP_PART_BYTES), limit(ZIP_TOTAL_BYTES)
    ratio_limit, ratio_from = ZIP_RATIO * scale(), ZIP_RATIO_FROM
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > part_limit:
            raise _refuse(
                path,
                f"phần «{info.filename}» giải nén ra {_mb(size, True)}, vượt giới hạn {_mb(part_limit, True)}",
                f"part {info.filename!r} inflates to {_mb(size, False)}, over the limit of {_mb(part_limit, False)}",
                hint_vi=_AS_CSV_VI,
                hint_en=_AS_CSV_EN,
            )
        if size >= ratio_from and size > ratio_limit * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            raise _refuse(
                path,
                f"phần «{info.filename}» nén {_number(ratio, True)} lần ({_mb(info.compress_size, True)} giải "
                f"nén ra {_mb(size, True)}), vượt giới hạn {_number(ratio_limit, True)} lần (bảng tính thật nén "
                "khoảng 8–15 lần): có thể là «bom zip»",
                f"part {info.filename!r} is compressed {_number(ratio, False)} to 1 ({_mb(info.compress_size, False)}"
                f" inflate to {_mb(size, False)}), over the limit of {_number(ratio_limit, False)} to 1 (real sheets "
                "compress 8 to 15 to 1): possibly a zip bomb",
            )
    if total > total_limit:
        raise _refuse(
            path,
            f"các phần của sổ tính giải nén ra tổng cộng {_mb(total, True)}, vượt giới hạn {_mb(total_limit, True)}",
            f"the workbook's parts inflate to {_mb(total, False)} in all, over the limit of {_mb(total_limit, False)}",
            hint_vi=_AS_CSV_VI,
            hint_en=_AS_CSV_EN,
        )


@dataclass
class SheetScan:
    """What a scan of one XML part found: its last row and column holding a cell (0 when none was seen)."""

    max_row: int = 0
    max_column: int = 0

    @property
    def area(self) -> int:
        return self.max_row * self.max_column


_ATTRIBUTES = rb"""(?:[^>"']|"[^"]*"|'[^']*')*?"""  # a start tag's attributes, a quoted ">" included
_CELL_REF = re.compile(
    rb"<(?:[\w.-]+:)?c\s" + _ATTRIBUTES + rb"""(?<=\s)r\s*=\s*["']([A-Z]{0,3})(\d{1,12})["']"""
)
_ROW_REF = re.compile(rb"<(?:[\w.-]+:)?row\s" + _ATTRIBUTES + rb"""(?<=\s)r\s*=\s*["'](\d{1,12})["']""")


def _column_number(letters: bytes) -> int:
    n = 0
    for letter in letters:
        n = n * 26 + letter - 64
    return n


def scan_part(path: Path, part: str, *, area: bool = False) -> SheetScan:
    """Inflate one part of a workbook in blocks of 1 MiB and refuse it if one text in it is longer than the limit.

    A cell's text (or a shared string) holds no ``<``: its longest run without one is measured, in bounded
    memory. The inflated bytes are counted too, so a part that states a false size is still stopped at the part
    limit. With ``area``, the sheet's last row and column holding a cell are found as well (``<row r=…>`` tags,
    and the rare cell references beyond column Z or below row 999 999).

    Returns
    -------
    SheetScan
        Its area (zeros when ``area`` is False or the part holds no cell reference).
    """
    text_limit, part_limit = limit(CELL_TEXT_BYTES), limit(ZIP_PART_BYTES)
    found = SheetScan()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return found
    with archive:
        try:
            stream = archive.open(part)
        except KeyError:
            return found
        with stream:
            run = 0  # bytes since the last "<"
            done = 0
            rest = b""  # the unfinished row at the end of the previous block
            # A text shorter than a block lies inside it or runs across blocks; a longer one is seen in the carry.
            size = max(4096, min(_BLOCK, text_limit))
            while True:
                try:
                    block = stream.read(size)
                except Exception:
                    return found  # a damaged part is reported by the reader itself
                if not block:
                    break
                done += len(block)
                if done > part_limit:
                    raise _refuse(
                        path,
                        f"phần «{part}» giải nén ra hơn {_mb(part_limit, True)} (giới hạn)",
                        f"part {part!r} inflates to more than the limit of {_mb(part_limit, False)}",
                        hint_vi=_AS_CSV_VI,
                        hint_en=_AS_CSV_EN,
                    )
                first = block.find(b"<")
                if first < 0:
                    run += len(block)
                elif run + first > text_limit:
                    run += first
                else:
                    run = len(block) - block.rfind(b"<") - 1
                if run > text_limit:
                    _refuse_text(path, part, run, text_limit)
                if area:
                    rest = _scan_refs(rest + block, found)
            if area and rest:
                _scan_refs(rest + b"row>", found)
    return found


def _refuse_text(path: Path, part: str, size: int, text_limit: int) -> None:
    what = "chuỗi dùng chung" if "sharedStrings" in part else "ô"
    raise _refuse(
        path,
        f"một {what} trong phần «{part}» dài hơn {_mb(size, True)}, vượt giới hạn {_mb(text_limit, True)} cho một "
        "ô (Excel giữ tối đa 32.767 ký tự trong một ô)",
        f"one {'shared string' if what != 'ô' else 'cell'} in part {part!r} is longer than {_mb(size, False)}, "
        f"over the limit of {_mb(text_limit, False)} for one cell (Excel holds at most 32,767 characters in a cell)",
    )


def _last_cell(data: bytes, start: int, end: int) -> int:
    """Where the last ``<c …>`` (or ``<x:c …>``) start tag between ``start`` and ``end`` begins, or -1."""
    i = data.rfind(b"<c", start, end)
    while i >= 0 and data[i + 2 : i + 3] not in _SPACE:  # "<color …>" of a rich text run
        i = data.rfind(b"<c", start, i)
    if data.rfind(b":c", max(i, start), end) < 0:
        return i
    for m in reversed(list(_PREFIXED_CELL.finditer(data, max(i, start), end))):  # a namespace prefix: rare
        return m.start()
    return i


_SPACE = (b" ", b"\t", b"\n", b"\r")
_PREFIXED_CELL = re.compile(rb"<[\w.-]+:c\s")


def _scan_refs(data: bytes, found: SheetScan) -> bytes:
    """Update ``found`` from each row of ``data``: its own number and its last cell's reference; return the
    unfinished last row.

    Cells come in column order within a row, so a row's last reference holds its widest column. Attributes are
    matched as XML allows them (any white space, either quote), so that a reference cannot hide from the scan.
    """
    rows, columns = found.max_row, found.max_column
    widths: dict[bytes, int] = {}
    start, end = 0, data.find(b"row>")  # "</row>", "</x:row>" (a namespace prefix) and "<row>" all end a row
    while end >= 0:
        i = _last_cell(data, start, end)
        m = _CELL_REF.match(data, i) if i >= 0 else None
        if m is not None:  # the row's last cell
            letters, number = m.groups()
            n = int(number)
            if n > rows:
                rows = n
            if letters:
                width = widths.get(letters)
                if width is None:
                    width = widths[letters] = _column_number(letters)
                if width > columns:
                    columns = width
        else:  # no cell reference: the cells are placed in the row the row tag numbers
            head = _ROW_REF.search(data, start, min(end, start + 1024))
            if head is not None and int(head.group(1)) > rows:
                rows = int(head.group(1))
        start, end = end + 4, data.find(b"row>", end + 4)
    found.max_row, found.max_column = rows, columns
    rest = data[start:]
    if len(rest) > 4 * _BLOCK:  # one enormous row: measure what it holds so far, keep only its end
        _scan_refs(rest + b"row>", found)
        rest = rest[-64:]
    return rest


_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/?)>")
_ODS_REPEAT_COLUMNS = re.compile(rb'number-columns-repeated="(\d{1,12})"')
_ODS_REPEAT_ROWS = re.compile(rb'number-rows-repeated="(\d{1,12})"')
_ODS_MAX_ROWS = 1_048_576  # calamine reads no row of an OpenDocument sheet beyond Excel's last


def ods_area(path: Path) -> int:
    """Cells a dense reader allocates for the largest sheet of an .ods file, counting repeated rows and cells.

    OpenDocument writes a run of identical rows or cells once, with ``number-rows-repeated`` /
    ``number-columns-repeated``: a file of one kilobyte may stand for a billion cells. Empty cells repeated to
    the sheet's edge (LibreOffice writes them in every row) are not counted; rows up to the last one holding a
    value are, each as wide as the widest row.
    """
    largest = 0
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return 0
    rows = last_row = width = 0
    with archive:
        try:
            stream = archive.open("content.xml")
        except KeyError:
            return 0
        with stream:
            rest = b""
            while True:
                try:
                    block = stream.read(_BLOCK)
                except Exception:
                    return largest  # a damaged part is reported by the reader itself
                if not block:
                    break
                data = rest + block
                end = data.rfind(b"</table:table-row>")
                if end < 0:
                    rest = data[-(4 * _BLOCK) :] if len(data) > 4 * _BLOCK else data
                    continue
                end += len(b"</table:table-row>")
                for table, part in enumerate(data[:end].split(b"<table:table ")):
                    if table:  # a new sheet
                        largest = max(largest, last_row * width)
                        rows = last_row = width = 0
                    for row in part.split(b"<table:table-row")[1:]:
                        close = row.find(b">")
                        repeat = _ODS_REPEAT_ROWS.search(row, 0, close)
                        times = int(repeat.group(1)) if repeat else 1
                        position = filled = 0
                        for attrs, empty in _ODS_CELL.findall(row, close):
                            columns = _ODS_REPEAT_COLUMNS.search(attrs)
                            position += int(columns.group(1)) if columns else 1
                            if not empty or b"value-type" in attrs:
                                filled = position
                        rows = min(rows + times, _ODS_MAX_ROWS)
                        if filled:
                            last_row, width = rows, max(width, filled)
                rest = data[end:]
    return max(largest, last_row * width)


_END_OF_CHAIN = 0xFFFFFFFE
#: BIFF records that hold a cell: row at byte 0, column at byte 2 (MULRK, MULBLANK: last column at the end).
_BIFF_CELLS = frozenset({0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E})
_BIFF_MULTI = frozenset({0x00BD, 0x00BE})


def _ole_stream(data: bytes, wanted: tuple[str, ...]) -> bytes | None:
    """The first stream named one of ``wanted`` in an OLE compound file (an old .xls), or None.

    A minimal reader of the compound file format ([MS-CFB]): the header's sector size and FAT, the directory,
    the mini stream for streams under the cut-off. Any inconsistency gives None (the reader reports the file).
    """
    import struct

    if len(data) < 512 or not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return None
    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    dir_start, cutoff, minifat_start = struct.unpack_from("<I4xII", data, 0x30)
    difat_start, difat_count = struct.unpack_from("<II", data, 0x44)
    if size not in (512, 4096) or mini_size != 64:
        return None
    sectors = (len(data) - size) // size

    def sector(n: int) -> bytes:
        return data[(n + 1) * size : (n + 2) * size]

    difat = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < sectors]
    n, seen = difat_start, 0
    while n < sectors and seen < difat_count and seen <= sectors:
        entries = struct.unpack(f"<{size // 4}I", sector(n))
        difat += [e for e in entries[:-1] if e < sectors]
        n, seen = entries[-1], seen + 1
    fat: list[int] = []
    for n in difat:
        fat += struct.unpack(f"<{size // 4}I", sector(n))

    def chain(start: int, table: list[int]) -> list[int]:
        out = []
        while start < len(table) and len(out) <= len(table):
            out.append(start)
            start = table[start]
        return out if start == _END_OF_CHAIN else []

    directory = b"".join(sector(n) for n in chain(dir_start, fat) if n < sectors)
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        return None
    root_start = struct.unpack_from("<I", entries[0], 116)[0]
    for entry in entries:
        length = min(struct.unpack_from("<H", entry, 64)[0], 64)
        name = entry[: max(length - 2, 0)].decode("utf-16-le", errors="replace")
        if entry[66] != 2 or name not in wanted:
            continue
        start, stream_size = struct.unpack_from("<II", entry, 116)
        if stream_size >= cutoff:
            return b"".join(sector(n) for n in chain(start, fat) if n < sectors)[:stream_size]
        minifat: list[int] = []
        for n in chain(minifat_start, fat):
            minifat += struct.unpack(f"<{size // 4}I", sector(n))
        mini = b"".join(sector(n) for n in chain(root_start, fat) if n < sectors)
        pieces = [mini[n * mini_size : (n + 1) * mini_size] for n in chain(start, minifat)]
        return b"".join(pieces)[:stream_size]
    return None


def xls_area(path: Path) -> int:
    """Rows × columns a dense reader allocates for the largest sheet of an old .xls workbook (0 when unknown).

    Each sheet's ``DIMENSIONS`` record and the row and column of every cell record are read from the workbook
    stream, without building a cell: a record may claim 4 billion rows or a cell sit in column 65 535, and
    calamine would allocate rows × columns for it (the format itself stops at 65 536 rows × 256 columns).
    """
    import struct

    try:
        with path.open("rb") as f:
            stream = _ole_stream(f.read(), ("Workbook", "Book"))
    except (OSError, struct.error, ValueError, IndexError):
        return 0
    if not stream:
        return 0
    largest = rows = columns = claimed = 0
    pos, end = 0, len(stream) - 4
    unpack = struct.unpack_from
    while pos <= end:
        kind, length = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + length
        if kind in _BIFF_CELLS and length >= 4:
            row, column = unpack("<HH", stream, body)
            if row >= rows:
                rows = row + 1
            if column >= columns:
                columns = column + 1
        elif kind in _BIFF_MULTI and length >= 6:
            row = unpack("<H", stream, body)[0]
            last = unpack("<H", stream, body + length - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        elif (
            kind == 0x0200 and length >= 14
        ):  # DIMENSIONS (BIFF8): first and last row + 1, first and last column
            _, last_row, _, last_column = unpack("<IIHH", stream, body)
            claimed = max(claimed, last_row * last_column)
        elif kind == 0x0809:  # BOF: a new sheet
            largest = max(largest, rows * columns, claimed)
            rows = columns = claimed = 0
    return max(largest, rows * columns, claimed)


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its part in an xlsx / xlsm archive (empty when the archive does not say)."""
    import xml.etree.ElementTree as ET

    names: dict[str, str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [archive.getinfo(n) for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")]
            if any(p.file_size > 4 * MIB for p in parts):  # a few kilobytes in a real file: not parsed whole
                return names
            workbook = ET.fromstring(archive.read(parts[0]))
            rels = ET.fromstring(archive.read(parts[1]))
    except Exception:
        return names
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    for element in workbook.iter():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            if rid in targets and element.get("name") is not None:
                names[element.get("name")] = targets[rid]
    return names


def check_header_width(
    width: int, path: object, *, row: int | None = None, sheet: str | None = None, at_least: bool = False
) -> None:
    """Refuse a header (or one of the first records of a CSV file) with more than :data:`MAX_COLUMNS` cells.

    ``at_least``: the row was cut (only the start of a CSV file is split into records), it has more cells.
    """
    most = limit(MAX_COLUMNS)
    if width <= most:
        return
    where_vi = f"dòng {row}" if row is not None else "dòng tiêu đề"
    where_en = f"row {row}" if row is not None else "the header row"
    if sheet:
        where_vi, where_en = f"{where_vi} của trang tính «{sheet}»", f"{where_en} of sheet {sheet!r}"
    more_vi, more_en = ("hơn ", "more than ") if at_least else ("", "")
    raise _refuse(
        path,
        f"{where_vi} có {more_vi}{_number(width, True)} ô, vượt giới hạn {_number(most, True)} cột",
        f"{where_en} has {more_en}{_number(width, False)} cells, over the limit of {_number(most, False)} columns",
        hint_vi=" (bản xuất hồ sơ có 20–60 cột)",
        hint_en=" (dossier exports have 20 to 60 columns)",
    )


def check_csv_record(cells: list[str], path: object, line: int, *, at_least: bool = False) -> None:
    """Refuse one of the first records of a CSV file (where the header is sought) with too many cells."""
    if len(cells) > MAX_COLUMNS:  # (cheap test first: the scale is only read for a wide record)
        check_header_width(len(cells), path, row=line, at_least=at_least)


def refuse_area(path: Path, area: int, most: int, *, how: tuple[str, str] = ("", "")) -> None:
    """Refuse a sheet read whole (.ods, .xls) whose rows × columns exceed ``most`` × scale; ``how`` says, in
    Vietnamese and English, how the area was counted."""
    most = limit(most)
    if area <= most:
        return
    how_vi, how_en = (f" ({how[0]})", f" ({how[1]})") if how[0] else ("", "")
    raise _refuse(
        path,
        f"trang tính trải ra {_number(area, True)} ô{how_vi}, vượt giới hạn {_number(most, True)} ô",
        f"the sheet spans {_number(area, False)} cells{how_en}, over the limit of {_number(most, False)} cells",
        hint_vi="; hãy xóa các dòng, cột thừa hoặc lưu lại dạng .xlsx",
        hint_en="; delete the stray rows and columns or save it as .xlsx",
    )


def check_first_line(data: bytes, path: object) -> None:
    """Refuse a text file whose first line is longer than :data:`FIRST_LINE_BYTES`, before it is decoded."""
    most = limit(FIRST_LINE_BYTES)
    if len(data) > most and data.find(b"\n", 0, most) < 0 and data.find(b"\r", 0, most) < 0:
        raise _refuse(
            path,
            f"dòng đầu tiên dài hơn {_mb(most, True)} (giới hạn; dòng tiêu đề của bản xuất chỉ vài trăm byte)",
            f"the first line is longer than the limit of {_mb(most, False)} (an export's header line is a few "
            "hundred bytes)",
        )


def check_file_size(path: Path, base: int | None = None) -> None:
    """Refuse a file read whole (an old .xls workbook) larger than ``base`` (default :data:`OLE_FILE_BYTES`)."""
    most = limit(OLE_FILE_BYTES if base is None else base)
    size = path.stat().st_size
    if size > most:
        raise _refuse(
            path,
            f"tệp dài {_mb(size, True)}, vượt giới hạn {_mb(most, True)}",
            f"the file is {_mb(size, False)}, over the limit of {_mb(most, False)}",
            hint_vi=_AS_CSV_VI,
            hint_en=_AS_CSV_EN,
        )


def check_parquet_footer(path: Path) -> None:
    """Refuse a Parquet file whose metadata (footer) is larger than :data:`PARQUET_FOOTER_BYTES`, before parsing it."""
    most = limit(PARQUET_FOOTER_BYTES)
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            if size < 12:
                return
            f.seek(size - 8)
            tail = f.read(8)
    except OSError:
        return
    if tail[4:] != b"PAR1":
        return  # not a Parquet footer: the reader says so
    footer = int.from_bytes(tail[:4], "little")
    if footer > most:
        raise _refuse(
            path,
            f"phần mô tả (metadata) của tệp Parquet dài {_mb(footer, True)}, vượt giới hạn {_mb(most, True)}",
            f"the Parquet file's metadata is {_mb(footer, False)}, over the limit of {_mb(most, False)}",
        )


def check_parquet_columns(path: Path, parquet: object, names: list[str], rows_per_read: int | None) -> None:
    """Refuse a Parquet file one of whose text columns ``names`` decodes, in one read, to more than the limit.

    ``rows_per_read`` is the rows read at a time (a part), None when the whole file is read at once. A column
    the file stores as an Arrow dictionary stays one when read (its dictionary is counted); a text column stored
    with a Parquet dictionary is decoded into one string per row: its size is bounded from the metadata (rows ×
    the dictionary's longest value), and only when that bound is over the limit is it measured exactly (the
    dictionary's indices are read, not the strings).
    """
    import pyarrow as pa

    most = limit(PARQUET_COLUMN_BYTES)
    if len(names) > limit(MAX_COLUMNS):
        check_header_width(len(names), path)
    metadata = parquet.metadata
    schema = parquet.schema_arrow
    total_rows = metadata.num_rows
    if total_rows == 0:
        return
    leaf = {metadata.schema.column(i).path: i for i in range(metadata.num_columns)}
    for name in names:
        field = schema.field(name)
        text = pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
        text = text or pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type)
        index = leaf.get(name)
        if index is None:
            continue
        sizes = []  # (rows, bound of decoded bytes) of each row group
        for g in range(metadata.num_row_groups):
            chunk = metadata.row_group(g).column(index)
            sizes.append(
                (metadata.row_group(g).num_rows, chunk.total_uncompressed_size, chunk.has_dictionary_page)
            )
        if text and any(d for _, _, d in sizes):  # decoded: rows × the longest dictionary value, at most
            decoded = _decoded_sizes(path, name, sizes, exact=False)
            if _per_read(decoded, sizes, rows_per_read, total_rows) > most:
                decoded = _decoded_sizes(path, name, sizes, exact=True)
        else:
            decoded = [plain for _, plain, _ in sizes]
        worst = _per_read(decoded, sizes, rows_per_read, total_rows)
        if worst > most:
            _refuse_column(path, name, worst, most)


def _per_read(
    decoded: list[int], sizes: list[tuple[int, int, bool]], rows_per_read: int | None, total: int
) -> int:
    if rows_per_read is None:
        return sum(decoded)
    density = max((d / max(r, 1) for d, (r, _, _) in zip(decoded, sizes, strict=True)), default=0.0)
    return int(density * min(rows_per_read, total))


def _decoded_sizes(path: Path, name: str, sizes: list[tuple[int, int, bool]], *, exact: bool) -> list[int]:
    """Bytes each row group's column decodes to: a bound (rows × longest dictionary value + plain bytes) or exact."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    reader = pq.ParquetFile(path, read_dictionary=[name], pre_buffer=False)
    out = []
    for g, (rows, plain, has_dictionary) in enumerate(sizes):
        if not has_dictionary or rows == 0:
            out.append(plain)
            continue
        if not exact:  # one row read as a dictionary array carries the row group's whole dictionary
            batch = next(reader.iter_batches(batch_size=1, row_groups=[g], columns=[name]), None)
            column = None if batch is None else batch.column(0)
            if column is None or not pa.types.is_dictionary(column.type):
                out.append(plain)
                continue
            longest = pc.max(pc.binary_length(column.dictionary)).as_py() or 0
            out.append(plain + rows * longest)
            continue
        table = reader.read_row_group(g, columns=[name])
        total = 0
        for piece in table.column(0).chunks:
            if pa.types.is_dictionary(piece.type):
                lengths = pc.binary_length(piece.dictionary)
                total += int(pc.sum(pc.take(lengths, piece.indices)).as_py() or 0)
            else:
                total += int(pc.sum(pc.binary_length(piece)).as_py() or 0)
        out.append(total)
        del table
    return out


def _refuse_column(path: Path, name: str, size: int, most: int) -> None:
    raise _refuse(
        path,
        f"cột «{name}» của tệp Parquet giải mã ra {_mb(size, True)} trong một lần đọc, vượt giới hạn "
        f"{_mb(most, True)} cho một cột (thường là một từ điển chỉ có vài chuỗi rất dài lặp lại ở mọi dòng)",
        f"column {name!r} of the Parquet file decodes to {_mb(size, False)} in one read, over the limit of "
        f"{_mb(most, False)} for one column (usually a dictionary of a few very long strings repeated on every row)",
    )
