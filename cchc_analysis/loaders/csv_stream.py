"""Reading a large CSV export block by block, in bounded memory, with Arrow's multi-threaded CSV parser.

The file is read in raw blocks of :data:`BLOCK_BYTES`, each turned into UTF-8 with ``\\n`` line breaks (a
Windows-1258 or UTF-16 file is transcoded block by block by an incremental decoder, so a character cut by a block
edge is completed by the next block), then cut at a record boundary. The usual piece is cut at its last line
break and kept when Arrow reads one record a line from it (no empty line, no cell over two lines, no row with
another number of cells): then every line break ends a record and the line numbers follow one another. Otherwise
it is cut at the last line break outside quotes, found by the parity of the double quotes before it (``""`` inside
a quoted cell keeps the parity), and each record's first line is computed from the line breaks. Each piece is
parsed by :func:`pyarrow.csv.read_csv` (all columns as text) into a raw table of the part; the header, the title
lines and the delimiter are found on the head of the file by the exact reader's own logic
(:func:`.csv_reader._find_header`). Text is not normalised here: the build step cleans (NFC) the distinct values
of each column it uses (:func:`.cleaning._clean_text`), and every cell shown to a person is normalised as it is
shown.

What the reader and the exact tokenizer (:func:`.csv_reader._records`) would read differently is read by the exact
tokenizer, locally, and said in a note («Đọc chậm từng dòng …»):

- a record whose number of cells differs from the header's (a footer line of one cell, a row with too many
  cells): that record alone;
- a double quote in the middle of an unquoted cell (``12" màn hình``), which the quote parity cannot see: the
  piece it is in.

Every data row keeps its physical line number: the piece's first line plus the line breaks before it, quoted ones
included. Footer rows (a total row, a signature block) are looked for in the last part only, which is made to
hold at least :data:`~.footer.FOOTER_MAX_ROWS` + 2 non-blank rows (earlier parts are merged into it when needed), so
a footer straddling two blocks is found as in the whole file.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from cchc_analysis.errors import InputError
from cchc_analysis.loaders.csv_reader import _find_header, _records, _unclosed_quote, _UnclosedQuote
from cchc_analysis.loaders.footer import FOOTER_MAX_ROWS
from cchc_analysis.loaders.headers import _Plan
from cchc_analysis.loaders.limits import check_first_line
from cchc_analysis.loaders.sniffing import (
    _check_mixed_encodings,
    _not_in_encoding,
    _RawTable,
    _sniff,
    _wrong_kind,
)

#: Raw bytes read at a time, and about the size of each part parsed (tests set it to a few bytes).
BLOCK_BYTES = 32 << 20


#: A CSV file at least this large is read block by block (smaller ones at once, by the exact reader).
STREAM_MIN_BYTES = 64 << 20


#: Bytes of the head of the file decoded as text to find the header row and the title lines above it.
HEAD_BYTES = 4 << 20


#: Non-blank rows the last part holds at least, so that a footer is found as in the whole file.
TAIL_ROWS = FOOTER_MAX_ROWS + 2


#: Last rows of each piece whose unparsed cells are read (twice a footer's reach, blank-looking rows included).
_FILLED_TAIL = 2 * TAIL_ROWS + 8


_QUOTE, _NEWLINE = 0x22, 0x0A


_UTF8 = "utf-8"


_AUTO = "utf-8 or cp1258"


def _codec_name(encoding: str, path: Path) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"Không biết bảng mã «{encoding}»", f"Unknown encoding {encoding!r}", file=path
        ) from None


def _choose_encoding(first: bytes, encoding: str | None, path: Path) -> tuple[str, int]:
    """The codec of the file (``_AUTO``: UTF-8, else Windows-1258) and the BOM bytes to skip; as :func:`._decode`."""
    if encoding:
        return _codec_name(encoding, path), 0
    if first.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32", 0
    if first.startswith(codecs.BOM_UTF8):
        return _UTF8, 3
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    sample = first[:8192]
    half = max(1, len(sample) // 2)
    even_nul, odd_nul = sample[0::2].count(0), sample[1::2].count(0)
    if odd_nul > 0.2 * half and even_nul < 0.02 * half:
        return "utf-16-le", 0
    if even_nul > 0.2 * half and odd_nul < 0.02 * half:
        return "utf-16-be", 0
    if b"\x00" in sample:
        raise InputError(
            "Tệp không phải văn bản CSV (có byte NUL)",
            "The file is not CSV text (it contains NUL bytes)",
            file=path,
        )
    return _AUTO, 0


def _not_decodable(path: Path, tried: str) -> InputError:
    return InputError(
        f"Không nhận ra bảng mã của tệp (đã thử {tried}): hãy lưu tệp dạng CSV UTF-8 hoặc chỉ định bảng mã",
        f"Cannot tell the file's encoding (tried {tried}): save it as CSV UTF-8 or pass encoding=",
        file=path,
    )


class _Text:
    """The file as UTF-8 pieces with ``\\n`` line breaks (a BOM and ``\\r`` removed), read block by block."""

    def __init__(self, path: Path, encoding: str | None, block: int) -> None:
        self.path = path
        self.block = max(1, block)
        self.file = path.open("rb")
        self.first = self.file.read(max(self.block, 8192))
        if not self.first:
            raise InputError("Tệp rỗng", "The file is empty", file=path)
        kind = _sniff(self.first[:512])
        if kind != "text":
            raise _wrong_kind(path, kind)
        self.explicit = encoding
        self.codec, skip = _choose_encoding(self.first, encoding, path)
        if self.codec == _AUTO:  # UTF-8 unless its first block is not (as the exact reader decides)
            try:
                head = self.first[:HEAD_BYTES]
                codecs.getincrementaldecoder(_UTF8)().decode(
                    head, final=len(head) == len(self.first) < self.block
                )
                self.codec = _UTF8
            except UnicodeDecodeError as e:
                _check_mixed_encodings(self.first, e, path)
                self.codec = "cp1258"
            self.auto = True
        else:
            self.auto = False
            if (
                self.codec == _UTF8
            ):  # said to be UTF-8: its first block must be (later ones are checked by Arrow)
                head = self.first[:HEAD_BYTES]
                try:
                    codecs.getincrementaldecoder(_UTF8)().decode(
                        head, final=len(head) == len(self.first) < self.block
                    )
                except UnicodeDecodeError as e:
                    raise _not_in_encoding(encoding, e, path) from None
        self.decoder = None if self.codec == _UTF8 else codecs.getincrementaldecoder(self.codec)()
        self.pending = self.first[skip:]
        del self.first  # (the pending bytes are all that is needed of it)
        self.raw_done = 0  # raw bytes decoded so far (for the byte a decoding error names)
        self.cr = False  # the last piece ended with \r: a \n starting the next one belongs to it
        self.started = False
        self.eof = False

    def close(self) -> None:
        self.file.close()

    def switch_to_cp1258(self) -> None:
        """UTF-8 so far was ASCII, and a later block is not UTF-8: the whole file is Windows-1258, as the exact
        reader would decode it (ASCII reads the same in both)."""
        self.codec = "cp1258"
        self.decoder = codecs.getincrementaldecoder("cp1258")()

    def to_utf8(self, raw: bytes, final: bool) -> bytes:
        if self.decoder is None:
            return raw
        try:
            text = self.decoder.decode(raw, final=final)
        except UnicodeDecodeError as e:
            if self.explicit:
                raise InputError(
                    f"Tệp không đúng bảng mã {self.explicit} (byte thứ {self.raw_done + e.start})",
                    f"The file is not valid {self.explicit} (byte {self.raw_done + e.start})",
                    file=self.path,
                ) from None
            raise _not_decodable(self.path, "utf-8, cp1258" if self.auto else self.codec) from None
        return text.encode(_UTF8)

    def pieces(self) -> Iterator[bytes]:
        """UTF-8 pieces of the text (each about one block), line breaks as ``\\n``."""
        while not self.eof:
            if self.pending:  # the first bytes, read at once to tell the encoding, go one block at a time too
                raw, self.pending = self.pending[: self.block], self.pending[self.block :]
            else:
                raw = self.file.read(self.block)
            final = len(raw) == 0 or (not self.pending and self.file.peek(1) == b"")
            if not raw:
                self.eof = True
                piece = self.to_utf8(b"", True)
            else:
                piece = self.to_utf8(raw, final)
                self.raw_done += len(raw)
            if not self.started and piece:
                self.started = True
                while piece.startswith(codecs.BOM_UTF8):  # like str.lstrip("\ufeff")
                    piece = piece[3:]
            if self.cr:
                piece = b"\r" + piece
            self.cr = piece.endswith(b"\r") and not final
            if self.cr:
                piece = piece[:-1]
            if b"\r" in piece:
                piece = piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            if final and not self.eof:
                self.eof = True
            if piece:
                yield piece


@dataclass
class _Head:
    delimiter: str
    plan: _Plan
    title_lines: list[str]
    header_end: int  # physical line the header ends on


@dataclass
class CsvStream:
    """A CSV file opened for reading in parts: its header, and its parts (:meth:`parts`)."""

    path: Path
    head: _Head
    text: _Text
    body: bytes  # UTF-8 text after the header, read so far
    notes: list[str] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # columns the build step does not use (see skip_unused)

    def skip_unused(self, wanted: set[str] | None, keep_unknown: bool) -> None:
        """Leave unparsed the columns the build step does not use: personal data, unknown and unused columns
        with a header (unless kept), canonical columns not ``wanted``. Their cells are still read where they
        matter — rows blank in every other column, and the last rows of each piece (a footer's text) — so that
        blank rows and footers are found as in a whole read."""
        from cchc_analysis.loaders.parquet import _needed_columns

        plan = self.head.plan
        names = set(plan.canonical)
        if "resolved_at" not in names and "returned_at" in names:
            names = (names - {"returned_at"}) | {"resolved_at"}
        needed = _needed_columns(names, wanted)
        keep = {i for name, i in plan.canonical.items() if name in needed}
        if (
            "resolved_at" in needed
            and "resolved_at" not in plan.canonical
            and "returned_at" in plan.canonical
        ):
            keep.add(plan.canonical["returned_at"])
        if keep_unknown:
            keep |= set(plan.unknown)
        self.skipped = [i for i, h in enumerate(plan.headers) if i not in keep and h]

    def parts(self) -> Iterator[_RawTable]:
        """Raw tables of the data rows, part after part; the last one may hold the footer."""
        try:
            yield from _with_tail(self._pieces_parsed())
        finally:
            self.text.close()

    def _pieces_parsed(self) -> Iterator[_RawTable]:
        reader = _PieceReader(self)
        yield from reader.run()


def open_csv_stream(path: Path, *, delimiter: str | None = None, encoding: str | None = None) -> CsvStream:
    """Open a CSV export: decode its head, find its delimiter, header and title lines (as the exact reader does).

    Raises
    ------
    InputError
        As :func:`.csv_reader._read_csv` for the same file (wrong content, encoding, no header …).
    """
    import unicodedata

    if delimiter is not None and len(delimiter) != 1:
        raise InputError(
            f"Dấu phân cách phải là một ký tự, không phải «{delimiter}»",
            f"The delimiter must be one character, not {delimiter!r}",
        )
    text = _Text(path, encoding, BLOCK_BYTES)
    try:
        buffer = bytearray()
        pieces = text.pieces()
        for piece in pieces:
            buffer += piece
            if len(buffer) >= HEAD_BYTES:
                break
        data = bytes(buffer)
        check_first_line(data, path)  # before a line of a gigabyte is decoded
        # The header is looked for in the first HEAD_BYTES (cut at a line break), not in the whole first block.
        end = len(data) if text.eof and len(data) <= HEAD_BYTES else data.rfind(b"\n", 0, HEAD_BYTES) + 1
        head_text = unicodedata.normalize("NFC", data[:end].decode(_UTF8, errors="replace"))
        if text.eof and end == len(data) and not head_text.strip():
            raise InputError("Tệp rỗng", "The file is empty", file=path)
        try:
            delim, plan, title_lines, header_end = _find_header(head_text, path, delimiter, data)
        except InputError:
            if text.eof:
                raise
            raise _NeedExact("header") from None  # the exact reader says why, on the whole text
        offset = _line_offset(data, header_end, text.eof)
        if offset is None:  # the header zone is longer than the head read: read the whole file exactly
            raise _NeedExact("header")
    except BaseException:
        text.close()
        raise
    return CsvStream(path, _Head(delim, plan, title_lines, header_end), text, data[offset:])


def title_lines_hint(path: str | Path) -> list[str] | None:
    """The title lines of a large CSV export (one read block by block), from its head only; None for another
    file, or one that cannot be read (loading it says why). A hint for the period to count before reading."""
    path = Path(path)
    try:
        if path.suffix.lower() not in (".csv", ".tsv", ".txt") or path.stat().st_size < STREAM_MIN_BYTES:
            return None
        stream = open_csv_stream(path)
    except Exception:
        return None
    stream.text.close()
    return list(stream.head.title_lines)


class _NeedExact(Exception):
    """The file cannot be streamed (its header zone is too long): the caller reads it at once, exactly."""


def _record_ends(buffer: bytes, pos: int, cut: int, records: int, first: int) -> dict[int, int] | list[int]:
    """Where the line break ending each record of a piece read one record a line lies, from record ``first - 1``
    on. When only the last rows are asked for (the usual case: a footer's reach), they are found from the end of
    the piece, without scanning all of it."""
    if first < records - _FILLED_TAIL:
        view = np.frombuffer(buffer, dtype=np.uint8, count=cut, offset=pos)
        return (pos + np.flatnonzero(view == _NEWLINE)).tolist()
    ends: dict[int, int] = {}
    at = pos + cut  # the piece ends with a line break: that of its last record
    for k in range(records - 1, max(first - 1, 0) - 1, -1):
        at = buffer.rfind(b"\n", pos, at)
        ends[k] = at
    return ends


def _line_offset(data: bytes, lines: int, eof: bool) -> int | None:
    pos = 0
    for _ in range(lines):
        nxt = data.find(b"\n", pos)
        if nxt < 0:
            return len(data) if eof else None
        pos = nxt + 1
    return pos


def _quotes(data: bytes, start: int = 0, size: int | None = None) -> np.ndarray:
    """Positions (from ``start``) of the double quotes in ``data[start:start + size]``, not copied."""
    size = len(data) - start if size is None else min(size, len(data) - start)
    if data.find(b'"', start, start + size) < 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.frombuffer(data, dtype=np.uint8, count=size, offset=start) == _QUOTE)


def _cut(data: bytes, start: int, size: int, quotes: np.ndarray, limit: int) -> int:
    """Length of the records that end in ``data[start:start + size]``: up to the last line break outside quotes
    before ``limit`` (else the first one after it); 0: none. ``quotes`` are those of that window."""
    stop = start + min(size, len(data) - start)
    end = start + min(limit, stop - start)
    while True:
        pos = data.rfind(b"\n", start, end)
        if pos < 0:
            break
        if not len(quotes) or np.searchsorted(quotes, pos - start) % 2 == 0:
            return pos + 1 - start
        end = pos
    pos = start + min(limit, stop - start) - 1
    while True:
        pos = data.find(b"\n", pos + 1, stop)
        if pos < 0:
            return 0
        if not len(quotes) or np.searchsorted(quotes, pos - start) % 2 == 0:
            return pos + 1 - start


def _stray_quote(arr: np.ndarray, quotes: np.ndarray, delimiter: int) -> int | None:
    """Position of the first double quote that opens a quoted cell by parity but is not at a cell's start
    (a quote inside an unquoted cell: the exact tokenizer reads it as a character), else None."""
    if not len(quotes):
        return None
    openers = quotes[0::2]
    previous = arr[np.maximum(openers - 1, 0)]
    fine = (openers == 0) | (previous == delimiter) | (previous == _NEWLINE) | (previous == _QUOTE)
    if fine.all():
        return None
    return int(openers[np.argmin(fine)])


def _slow_note(line: int, why: str) -> str:
    return f"Đọc chậm từng dòng từ dòng {line} vì {why}"


class _PieceReader:
    """Cuts the body into pieces at record boundaries and parses each into a raw table."""

    def __init__(self, stream: CsvStream) -> None:
        self.stream = stream
        self.head = stream.head
        self.ncols = len(self.head.plan.headers)
        self.delim = self.head.delimiter
        self.delim_byte = ord(self.delim) if len(self.delim.encode()) == 1 else -1
        self.names = [str(i) for i in range(self.ncols)]
        self.line = self.head.header_end + 1  # physical line of the next piece's first line
        self.ascii_so_far = True
        self.notes = stream.notes
        self.skipped = list(stream.skipped)

    def run(self) -> Iterator[_RawTable]:
        text = self.stream.text
        buffer = self.stream.body
        pos = 0  # where the next piece starts in ``buffer`` (not sliced off each time: no quadratic copying)
        pieces = text.pieces()
        exhausted = text.eof
        limit = BLOCK_BYTES

        def more() -> bool:
            nonlocal buffer, pos, exhausted
            piece = next(pieces, None)
            if piece is None:
                exhausted = True
                return False
            buffer = buffer[pos:] + piece if pos < len(buffer) else piece
            pos = 0
            return True

        while True:
            while not exhausted and len(buffer) - pos < limit and more():
                pass
            left = len(buffer) - pos
            if not left:
                return
            fast = self._fast_piece(buffer, pos, left, limit, exhausted) if limit == BLOCK_BYTES else None
            if fast is not None:
                raw, taken, lines = fast
                self.line += lines
                pos += taken
                if raw is not None:
                    yield raw
                continue
            if exhausted and left <= limit:  # the rest of the file is one piece
                cut = left
            else:
                size = limit
                while True:  # the last record end before ``limit``, else the first after it, in a window
                    quotes = _quotes(buffer, pos, size)
                    cut = _cut(buffer, pos, size, quotes, limit)
                    if cut or size >= left:
                        break
                    size *= 4
                if cut == 0 and exhausted:  # no record ends before the end of the file: one piece
                    cut = left
            if cut == 0:  # no record ends in the buffer yet: read more
                limit = left + BLOCK_BYTES
                more()
                continue
            if cut == left and (exhausted and left <= limit):
                quotes = _quotes(buffer, pos, cut)
            chunk = memoryview(buffer)[pos : pos + cut]  # (not copied)
            arr = np.frombuffer(chunk, dtype=np.uint8)
            switched = self._cp1258_rest
            raw, taken, lines = self._parse(chunk, arr, quotes[quotes < cut], exhausted and cut == left)
            self.line += lines
            pos += taken
            if self._cp1258_rest and not switched:  # the bytes read ahead are Windows-1258 too
                buffer, pos = buffer[pos:].decode("cp1258").encode(_UTF8), 0
            if taken == 0:  # a record is still open at the end of the piece (exact tokenizer): read more
                limit = len(buffer) - pos + BLOCK_BYTES
                if not exhausted:
                    more()
                continue
            limit = BLOCK_BYTES
            if raw is not None:
                yield raw

    def _parse(
        self, chunk: memoryview, arr: np.ndarray, quotes: np.ndarray, last: bool
    ) -> tuple[_RawTable | None, int, int]:
        """The raw table of a piece, how many of its bytes it took (less when a record is unfinished), and the
        line breaks in them."""
        stray = _stray_quote(arr, quotes, self.delim_byte) if self.delim_byte >= 0 else None
        if stray is not None or len(quotes) % 2 or self.delim_byte < 0:
            raw, taken = self._parse_exact(bytes(chunk), last, stray)
            return raw, taken, bytes(chunk[:taken]).count(b"\n")
        try:
            raw, lines = self._parse_arrow(chunk, arr, quotes)
        except pa.ArrowInvalid as e:
            if "utf8" not in str(e).lower():
                raise
            size = len(chunk)
            data = self._not_utf8(bytes(chunk))  # raises, or gives the piece transcoded from Windows-1258
            raw, lines = self._parse_arrow(data, np.frombuffer(data, dtype=np.uint8), _quotes(data))
            self.ascii_so_far = False
            return raw, size, lines
        if self.ascii_so_far:
            self.ascii_so_far = bool(len(arr) == 0 or arr.max() < 0x80)
        return raw, len(chunk), lines

    def _not_utf8(self, chunk: bytes) -> bytes:
        """A piece that is not UTF-8: the file is Windows-1258 when all before it was ASCII, else mixed."""
        text = self.stream.text
        try:
            chunk.decode(_UTF8)
        except UnicodeDecodeError as e:
            line = self.line + chunk.count(b"\n", 0, e.start)
            if text.explicit:
                raise InputError(
                    f"Tệp không đúng bảng mã {text.explicit} (dòng {line})",
                    f"The file is not valid {text.explicit} (row {line})",
                    file=self.stream.path,
                    row=line,
                ) from None
            if not (text.auto and self.ascii_so_far and chunk[: e.start].isascii()):
                byte = f"0x{chunk[e.start]:02X}"
                raise InputError(
                    f"Tệp trộn hai bảng mã: phần đầu là UTF-8 nhưng dòng {line} có byte {byte} không phải UTF-8 "
                    "(có lẽ tệp được ghép từ các phần lưu bằng chương trình khác nhau). Hãy lưu lại toàn bộ tệp "
                    "dạng CSV UTF-8",
                    f"The file mixes encodings: UTF-8 up to row {line}, which holds the non-UTF-8 byte {byte}. "
                    "Save the whole file again as CSV UTF-8",
                    file=self.stream.path,
                    row=line,
                ) from None
            text.switch_to_cp1258()
            self._cp1258_rest = True
            try:
                return chunk.decode("cp1258").encode(_UTF8)
            except UnicodeDecodeError:
                raise _not_decodable(self.stream.path, "utf-8, cp1258") from None
        return chunk  # pragma: no cover - Arrow said it is not UTF-8

    def _arrow_table(
        self, chunk: memoryview | bytes, quoted_newlines: bool, skipped: list[int] = ()
    ) -> tuple[pa.Table, bool]:
        """The piece parsed by Arrow (every column but ``skipped`` as text), and whether a row had another number
        of cells (such rows are left out)."""
        irregular: list[int] = []

        def skip(row: object) -> str:
            irregular.append(1)
            return "skip"

        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(chunk)),
            read_options=pacsv.ReadOptions(column_names=self.names, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=self.delim,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=quoted_newlines,
                ignore_empty_lines=True,
                invalid_row_handler=skip,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(self.names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                check_utf8=True,
                include_columns=[n for i, n in enumerate(self.names) if i not in set(skipped)]
                if skipped
                else None,
            ),
        )
        return table, bool(irregular)

    def _fast_piece(
        self, buffer: bytes, pos: int, left: int, limit: int, exhausted: bool
    ) -> tuple[_RawTable | None, int, int] | None:
        """The usual piece, read without looking at its quotes: cut at the last line break before ``limit``, and
        accepted when Arrow reads one record a line (no empty line, no cell over two lines, every row with the
        header's number of cells) — then every line break ends a record, the cut included, and the line
        numbers follow one another. None: the piece is read the careful way (:meth:`_parse`)."""
        if self.delim_byte < 0:
            return None
        if exhausted and left <= limit:
            cut = left
        else:
            end = buffer.rfind(b"\n", pos, pos + min(limit, left))
            if end < 0:
                return None
            cut = end + 1 - pos
        if buffer[pos + cut - 1] != _NEWLINE:
            return None  # the end of the file without a line break: a quote may be open there
        if buffer.startswith(b"\n", pos) or buffer.find(b"\n\n", pos, pos + cut) >= 0:
            return None  # an empty line (or a cell holding one): its line number is needed
        records = lines = buffer.count(b"\n", pos, pos + cut)
        chunk = memoryview(buffer)[pos : pos + cut]
        try:
            table, irregular = self._arrow_table(chunk, True, self.skipped)
        except pa.ArrowInvalid:
            return None
        if irregular or table.num_rows != records:
            return None
        last = table.slice(records - 1).to_pylist()[0].values()
        if any("\n" in v for v in last):  # a quote still open at the end: its cell goes on in the next piece
            return None
        if self.ascii_so_far:
            arr = np.frombuffer(chunk, dtype=np.uint8)
            self.ascii_so_far = bool(len(arr) == 0 or arr.max() < 0x80)
        kept = [i for i in range(self.ncols) if i not in set(self.skipped)]
        columns: list[pd.Series | None] = [None] * self.ncols
        for i, column in zip(kept, table.columns, strict=True):
            columns[i] = pd.Series(pd.arrays.ArrowStringArray(column))
        if self.skipped:
            self._fill_skipped(buffer, pos, cut, records, columns)
        raw = _RawTable(
            self.head.plan,
            columns,
            np.arange(self.line, self.line + records, dtype=np.int64),
            list(self.head.title_lines),
        )
        return raw, cut, lines

    def _fill_skipped(self, buffer: bytes, pos: int, cut: int, records: int, columns: list) -> None:
        """Cells of the unparsed columns where they matter: rows blank in every parsed column, and the last
        :data:`_FILLED_TAIL` rows (a footer's text); blank elsewhere. Each such line is read by the exact
        tokenizer (one record a line: the piece was accepted so)."""
        from cchc_analysis.loaders.cleaning import _blank_mask

        kept = [c for c in columns if c is not None]
        rows = np.arange(records)
        for column in kept:  # rows blank in every parsed column (usually none after the id column)
            rows = rows[_blank_mask(column.iloc[rows] if len(rows) < records else column)]
            if len(rows) == 0:
                break
        tail = np.arange(max(0, records - _FILLED_TAIL), records)
        rows = np.union1d(rows, tail)
        ends = _record_ends(buffer, pos, cut, records, int(rows[0]) if len(rows) else records)
        values: dict[int, list[str]] = {i: [] for i in self.skipped}
        for k in rows:
            start = pos if k == 0 else ends[k - 1] + 1
            cells = next(iter(_records(buffer[start : ends[k]].decode(_UTF8), self.delim)))[0]
            for i in self.skipped:
                values[i].append(cells[i] if i < len(cells) else "")
        where = np.zeros(records, dtype=np.int64)
        where[rows] = np.arange(1, len(rows) + 1)
        picks = pa.array(where)
        for i in self.skipped:
            dense = pa.array(["", *values[i]], type=pa.string()).take(picks)
            columns[i] = pd.Series(pd.arrays.ArrowStringArray(dense))

    def _parse_arrow(
        self, chunk: memoryview | bytes, arr: np.ndarray, quotes: np.ndarray
    ) -> tuple[_RawTable | None, int]:
        newlines = np.flatnonzero(arr == _NEWLINE)
        if len(quotes):
            outside = np.searchsorted(quotes, newlines) % 2 == 0
            ends = newlines[outside]
            ends_at = np.flatnonzero(outside)  # index of each record end among the line breaks
        else:
            ends, ends_at = newlines, np.arange(len(newlines))
        starts = np.concatenate(([0], ends + 1))
        stops = np.concatenate((ends, [len(chunk)]))
        start_lines = self.line + np.concatenate(([0], ends_at + 1))
        if starts[-1] == len(chunk):  # the piece ends with a line break: no record after it
            starts, stops, start_lines = starts[:-1], stops[:-1], start_lines[:-1]
        filled = stops > starts  # empty lines are no records (and no data rows)
        starts, stops, start_lines = starts[filled], stops[filled], start_lines[filled]
        if not len(starts):
            return None, len(newlines)
        table, irregular = self._arrow_table(chunk, len(ends) < len(newlines))
        columns = [table.column(i) for i in range(self.ncols)]  # (chunked: combined where used)
        too_many: dict[int, int] = {}
        if irregular:
            columns, too_many = self._with_irregular(chunk, arr, quotes, starts, stops, columns)
        if len(columns[0]) != len(
            starts
        ):  # pragma: no cover - Arrow and the exact tokenizer disagree: use it
            return self._parse_exact(bytes(chunk), True, None)[0], len(newlines)
        raw = _RawTable(
            self.head.plan,
            [pd.Series(pd.arrays.ArrowStringArray(c)) for c in columns],
            start_lines.astype(np.int64),
            list(self.head.title_lines),
            too_many_cells=too_many,
        )
        return raw, len(newlines)

    def _with_irregular(
        self,
        chunk: bytes,
        arr: np.ndarray,
        quotes: np.ndarray,
        starts: np.ndarray,
        stops: np.ndarray,
        columns: list[pa.Array],
    ) -> tuple[list[pa.Array], dict[int, int]]:
        """The rows Arrow skipped (another number of cells than the header), read by the exact tokenizer."""
        delims = np.flatnonzero(arr == self.delim_byte)
        if len(quotes):
            delims = delims[np.searchsorted(quotes, delims) % 2 == 0]
        record = np.searchsorted(stops, delims)  # the record each delimiter is in (stops are record ends)
        cells = np.bincount(record, minlength=len(starts))[: len(starts)] + 1
        odd = np.flatnonzero(cells != self.ncols)
        rows: list[list[str]] = []
        too_many: dict[int, int] = {}
        for k in odd:
            text = bytes(chunk[starts[k] : stops[k]]).decode(_UTF8)
            cells_k = next(iter(_records(text, self.delim)))[0]
            if len(cells_k) > self.ncols:
                if any(c.strip() for c in cells_k[self.ncols :]):
                    too_many[int(k)] = len(cells_k)
                cells_k = cells_k[: self.ncols]
            else:
                cells_k = cells_k + [""] * (self.ncols - len(cells_k))
            rows.append(cells_k)
        regular = np.setdiff1d(np.arange(len(starts)), odd)
        order = np.argsort(np.concatenate((regular, odd)), kind="stable")
        merged = []
        for i, column in enumerate(columns):
            extra = pa.array([r[i] for r in rows], type=pa.string())
            merged.append(pa.concat_arrays([column.combine_chunks(), extra]).take(pa.array(order)))
        line = int(self.line + bytes(chunk[: int(starts[odd[0]])]).count(b"\n")) if len(odd) else self.line
        if len(odd) and not self._noted_cells:
            self._noted_cells = True
            self.notes.append(_slow_note(line, "có dòng số ô khác số cột của dòng tiêu đề (chỉ các dòng đó)"))
        return merged, too_many

    _noted_cells = False
    _noted_quotes = False
    _cp1258_rest = False

    def _parse_exact(self, chunk: bytes, last: bool, stray: int | None) -> tuple[_RawTable | None, int]:
        """A piece read by the exact tokenizer; a record still open at its end is left for the next piece."""
        original = chunk
        try:
            text = chunk.decode(_UTF8)
        except UnicodeDecodeError:
            chunk = self._not_utf8(chunk)  # (Windows-1258: one byte a character, the same line breaks)
            text = chunk.decode(_UTF8)
        self.ascii_so_far = self.ascii_so_far and chunk.isascii()
        if not self._noted_quotes:
            self._noted_quotes = True
            line = self.line + (chunk.count(b"\n", 0, stray) if stray is not None else 0)
            self.notes.append(_slow_note(line, "có dấu ngoặc kép giữa ô hoặc không đóng"))
        rows: list[list[str]] = []
        lines: list[int] = []
        too_many: dict[int, int] = {}
        taken_lines = None
        try:
            for record, start, _ in _records(text, self.delim, self.line):
                if len(record) == 1 and record[0] == "":
                    continue  # an empty line: no record (the exact reader drops it as a blank row)
                if len(record) > self.ncols:
                    if any(cell.strip() for cell in record[self.ncols :]):
                        too_many[len(rows)] = len(record)
                    record = record[: self.ncols]
                elif len(record) < self.ncols:
                    record = record + [""] * (self.ncols - len(record))
                rows.append(record)
                lines.append(start)
        except _UnclosedQuote as e:
            if last:
                raise _unclosed_quote(e.args[0], self.stream.path) from None
            taken_lines = e.args[0] - self.line
        taken = len(original)  # (bytes of the piece as read: the same line breaks when transcoded)
        if taken_lines is not None:
            taken = 0
            for _ in range(taken_lines):
                taken = original.index(b"\n", taken) + 1
        if not rows:
            return None, taken
        matrix = np.array(rows, dtype=object)
        columns = [
            pd.Series(pd.arrays.ArrowStringArray(pa.array(matrix[:, i], type=pa.string())))
            for i in range(self.ncols)
        ]
        return (
            _RawTable(
                self.head.plan,
                columns,
                np.array(lines, dtype=np.int64),
                list(self.head.title_lines),
                too_many_cells=too_many,
            ),
            taken,
        )


def _nonblank_rows(raw: _RawTable) -> int:
    from cchc_analysis.loaders.build import _without_blank_rows

    return len(_without_blank_rows(raw)[1])


def _concat_raw(parts: list[_RawTable]) -> _RawTable:
    if len(parts) == 1:
        return parts[0]
    columns = []
    for i in range(len(parts[0].columns)):
        arrays = [pa.array(p.columns[i].array) for p in parts]
        arrays = [a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays]
        columns.append(pd.Series(pd.arrays.ArrowStringArray(pa.concat_arrays(arrays))))
    too_many: dict[int, int] = {}
    offset = 0
    for p in parts:
        too_many.update({offset + k: v for k, v in p.too_many_cells.items()})
        offset += len(p.row_numbers)
    return replace(
        parts[0],
        columns=columns,
        row_numbers=np.concatenate([p.row_numbers for p in parts]),
        too_many_cells=too_many,
    )


def _with_tail(parts: Iterator[_RawTable]) -> Iterator[_RawTable]:
    """The parts, the last one holding at least :data:`TAIL_ROWS` non-blank rows and marked as footer-bearing."""
    pending: list[tuple[_RawTable, int]] = []
    for part in parts:
        pending.append((part, _nonblank_rows(part)))
        while len(pending) > 1 and sum(n for _, n in pending[1:]) >= TAIL_ROWS:
            yield pending.pop(0)[0]
    if pending:
        last = _concat_raw([p for p, _ in pending])
        yield replace(last, may_have_footer=True)


def stream_raw_parts(
    path: Path,
    *,
    delimiter: str | None,
    encoding: str | None,
    progress: Callable[[int, int | None], None] | None = None,
) -> tuple[CsvStream, Iterator[tuple[Callable[[], _RawTable], int, int | None]]]:
    """The stream and its parts as ``(make_raw, rows, total)`` like :func:`.parquet._parquet_parts`."""
    stream = open_csv_stream(path, delimiter=delimiter, encoding=encoding)

    def parts() -> Iterator[tuple[Callable[[], _RawTable], int, int | None]]:
        done = 0
        empty = True
        for raw in stream.parts():
            empty = False
            done += len(raw.row_numbers)
            yield (lambda raw=raw: raw), len(raw.row_numbers), None
        if empty:  # no data row: one empty part (the build step says what is missing)
            columns = [
                pd.Series(pd.arrays.ArrowStringArray(pa.array([], pa.string())))
                for _ in stream.head.plan.headers
            ]
            raw = _RawTable(
                stream.head.plan,
                columns,
                np.zeros(0, dtype=np.int64),
                list(stream.head.title_lines),
                may_have_footer=True,
            )
            yield (lambda raw=raw: raw), 0, None

    return stream, parts()
