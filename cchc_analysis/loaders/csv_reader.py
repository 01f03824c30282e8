"""Reading CSV / TSV exports: encoding, delimiter, title lines above the header, quoted cells over many lines."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.loaders.headers import HEADER_SEARCH_ROWS, _is_column_number_row, _row_text, _scan_header
from cchc_analysis.loaders.legacy import check_legacy_bytes
from cchc_analysis.loaders.limits import MAX_COLUMNS, check_csv_record, check_first_line
from cchc_analysis.loaders.sniffing import _check_mojibake, _decode, _RawTable, _sniff, _wrong_kind

_CSV_DELIMITERS = (",", ";", "\t", "|")


_CSV_HEAD_CHARS = 4_000_000


_CSV_CHUNK_ROWS = 200_000


def _head_records(text: str, delimiter: str, path: object = None) -> list[tuple[list[str], int, int]]:
    """The first records of ``text``: cells, first and last physical line of each.

    A record with more cells than any export has columns is refused here (:func:`.limits.check_csv_record`),
    before the header search looks at each of its cells.
    """
    out: list[tuple[list[str], int, int]] = []
    head = text[:_CSV_HEAD_CHARS]
    try:
        for record in _records(head, delimiter):
            if len(record[0]) > MAX_COLUMNS:  # (its last line may be cut at the end of the head: "at least")
                cut = len(text) > len(head) and record[2] > head.count("\n")
                check_csv_record(record[0], path, record[1], at_least=cut)
            out.append(record)
            if len(out) > HEADER_SEARCH_ROWS + 2:  # a header may take two or three rows
                break
    except _UnclosedQuote:
        pass  # a broken record after the header zone is reported by the full parse
    return out


class _UnclosedQuote(Exception):
    """A quoted cell runs to the end of the text: its record starts on line ``args[0]``."""


_QUOTED = re.compile(r'"([^"]*+(?:""[^"]*+)*+)"')  # a quoted cell; "" inside is one quote


@lru_cache(maxsize=8)
def _unquoted(delimiter: str) -> re.Pattern[str]:
    return re.compile(f"[^{re.escape(delimiter)}\n]*")


@lru_cache(maxsize=8)
def _one_line(delimiter: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A line whose cells are each quoted whole or free of quotes, and the pattern of one cell of it.

    Most quoted exports quote every cell and keep each record on one line: such a line is read by two regular
    expressions rather than cell by cell. Each cell match takes the delimiter before it, so the matches follow
    one another with no empty match at the end; a quoted cell is group 1 (non-empty), an unquoted one group 2.
    """
    d = re.escape(delimiter)
    quoted = '[^"\n]*+(?:""[^"\n]*+)*+'
    cell = f'(?:"{quoted}"|[^{d}"\n]*+)'
    line = re.compile(f"{cell}(?:{d}{cell})*+")
    return line, re.compile(f'(?:^|{d})(?:"({quoted})"|([^{d}"\n]*+))', re.MULTILINE)


def _records(text: str, delimiter: str, first_line: int = 1) -> Iterator[tuple[list[str], int, int]]:
    """Records of CSV text (line breaks already ``\\n``), each with its first and last physical line.

    The csv module's dialect, without its limits: a double quote opens a quoted cell only at the start of a cell,
    two double quotes inside one stand for one, text after the closing quote is kept, a quote elsewhere is a
    character. A quoted cell may hold any number of line breaks and characters (the csv module stops at 128 KiB
    unless its process-wide ``field_size_limit`` is changed). Lines without a quote, the usual case, are split
    as they are.

    Raises
    ------
    _UnclosedQuote
        A quoted cell is still open at the end of the text.
    """
    unquoted = _unquoted(delimiter)
    clean_line, clean_cell = _one_line(delimiter)
    pos, line, n = 0, first_line, len(text)
    while pos < n:
        newline = text.find("\n", pos)
        end = n if newline < 0 else newline
        if text.find('"', pos, end) < 0:
            yield text[pos:end].split(delimiter), line, line
            pos, line = end + 1, line + 1
            continue
        if clean_line.fullmatch(text, pos, end):
            cells = [q.replace('""', '"') if q else u for q, u in clean_cell.findall(text, pos, end)]
            yield cells, line, line
            pos, line = end + 1, line + 1
            continue
        start, cells = line, []
        while True:
            if text.startswith('"', pos):
                quoted = _QUOTED.match(text, pos)
                if quoted is None:
                    raise _UnclosedQuote(start)
                cell = quoted.group(1)
                line += cell.count("\n")
                cell = cell.replace('""', '"')
                pos = quoted.end()
                rest = unquoted.match(text, pos).end()
                cell, pos = cell + text[pos:rest], rest
            else:
                rest = unquoted.match(text, pos).end()
                cell, pos = text[pos:rest], rest
            cells.append(cell)
            if pos < n and text[pos] == delimiter:
                pos += 1
                continue
            pos += 1  # the line break ending the record (or the end of the text)
            break
        yield cells, start, line
        line += 1


def _line_offset(text: str, lines: int) -> int:
    pos = 0
    for _ in range(lines):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return len(text)
        pos = nxt + 1
    return pos


def _find_header(
    text: str, path: Path, delimiter: str | None, data: bytes | None = None
) -> tuple[str, object, list[str], int]:
    """The delimiter, header plan, title lines and last header line of CSV text (NFC, ``\\n`` line breaks).

    Only the first :data:`_CSV_HEAD_CHARS` characters are read, so the streaming reader
    (:mod:`.csv_stream`) gives it the head of the file only. The last item is the physical line the header
    (and a row of column numbers under it) ends on: the data start on the line after it. ``data``, the bytes the
    text was decoded from (or their head), names a legacy Vietnamese encoding when no header is found.
    """
    found = None
    best_error: InputError | None = None
    for delim in [delimiter] if delimiter else _CSV_DELIMITERS:
        head = _head_records(text, delim, path)
        result = _scan_header([r for r, _, _ in head], path, row_numbers=[start for _, start, _ in head])
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
        if data is not None:
            check_legacy_bytes(data, path)  # TCVN3 / VNI: name the table rather than the headers we expected
        raise best_error
    delim, head, plan, index = found

    title_lines = [t for t in (_row_text(r) for r, _, _ in head[: index - plan.span + 1]) if t]
    header_end = head[index][2]  # physical lines up to the end of the header row
    if index + 1 < len(head) and _is_column_number_row(head[index + 1][0]):
        header_end = head[index + 1][2]
    return delim, plan, title_lines, header_end


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
    check_first_line(data, path)  # before a line of a gigabyte is decoded
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

    delim, plan, title_lines, header_end = _find_header(text, path, delimiter, data)
    body = text[_line_offset(text, header_end) :]
    ncols = len(plan.headers)
    lines = body.count("\n") + (0 if not body or body.endswith("\n") else 1)

    columns: list[pd.Series] | None = None
    row_numbers: np.ndarray | None = None
    too_many: dict[int, int] = {}
    if lines:
        columns = _csv_fast(body, delim, ncols, progress)
    if columns is not None:
        row_numbers = _record_starts(columns, lines, header_end)
        if row_numbers is None:
            columns = None
    notes = []
    if columns is None and lines:
        columns, row_numbers, too_many = _csv_slow(body, delim, ncols, header_end, path)
        if len(body) >= _SLOW_NOTE_CHARS:  # a person waits for it: say why
            notes.append(
                "Đọc chậm từng dòng vì trình đọc nhanh không đọc được tệp (có dòng nhiều ô hơn dòng tiêu đề "
                "hoặc dấu ngoặc kép giữa ô)"
            )
    elif columns is None:
        columns = [pd.Series([], dtype=object) for _ in range(ncols)]
        row_numbers = np.zeros(0, dtype=np.int64)
    return _RawTable(
        plan, columns, row_numbers, title_lines, too_many_cells=too_many, may_have_footer=True, notes=notes
    )


#: Text of the data rows from which reading them the slow way is said in a note (a small file reads at once).
_SLOW_NOTE_CHARS = 1_000_000


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


def _record_starts(columns: list[pd.Series], lines: int, header_end: int) -> np.ndarray | None:
    """The physical line on which each record starts, from the line breaks its quoted cells hold.

    A record takes one line plus one per line break inside its cells. None when the records do not add up to
    the lines of the text (the reader read something else than the text says): the caller parses again.
    """
    records = len(columns[0])
    if records == lines:  # no cell spans lines: the usual case
        return np.arange(header_end + 1, header_end + 1 + lines, dtype=np.int64)
    extra = np.zeros(records, dtype=np.int64)
    for column in columns:
        spans = column.str.contains("\n", regex=False).to_numpy(dtype=bool, na_value=False)
        if spans.any():
            extra[spans] += column[spans].str.count("\n").to_numpy(dtype=np.int64)
    taken = 1 + extra
    if int(taken.sum()) != lines:
        return None
    return header_end + 1 + np.concatenate(([0], np.cumsum(taken)[:-1]))


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
        for record, start, _ in _records(body, delim, header_end + 1):
            starts.append(start)
            if len(record) > ncols:
                if any(cell.strip() for cell in record[ncols:]):
                    too_many[len(rows)] = len(record)
                record = record[:ncols]
            elif len(record) < ncols:
                record = record + [""] * (ncols - len(record))
            rows.append(record)
    except _UnclosedQuote as e:
        raise _unclosed_quote(e.args[0], path) from None
    if rows:
        matrix = np.array(rows, dtype=object)
        columns = [pd.Series(matrix[:, i]) for i in range(ncols)]
    else:
        columns = [pd.Series([], dtype=object) for _ in range(ncols)]
    return columns, np.array(starts, dtype=np.int64), too_many
