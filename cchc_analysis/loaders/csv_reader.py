"""Reading CSV / TSV exports: encoding, delimiter, title lines above the header, quoted cells over many lines."""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.loaders.headers import HEADER_SEARCH_ROWS, _is_column_number_row, _row_text, _scan_header
from cchc_analysis.loaders.sniffing import _check_mojibake, _decode, _RawTable, _sniff, _wrong_kind

_CSV_DELIMITERS = (",", ";", "\t", "|")


_CSV_HEAD_CHARS = 4_000_000


_CSV_CHUNK_ROWS = 200_000


_CSV_MAX_RECORD_LINES = 200


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
