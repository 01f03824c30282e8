"""Legacy Vietnamese encodings: a file written in TCVN3 (ABC) or VNI Windows is named and refused.

Before Unicode, Vietnamese offices typed with TCVN3 («ABC», fonts ``.VnTime``, ``.VnArial``) or VNI Windows
(fonts ``VNI-Times``) and many old templates still do. Such a file is not garbled UTF-8: its bytes are letters
of another table. Read as Windows-1258 its header shows as «M· hå s¬» (TCVN3) or «Maõ hoà sô» (VNI), and no
header is found. Rather than list the headers we expected, the reader says which table the file uses and how to
convert it (Unikey: Công cụ chuyển mã).

Detection is cheap and only runs when no header was found: the first 64 KB (or the first rows of a sheet) are
decoded with each legacy table (``reference/legacy_vietnamese.csv``, with its sources) and a table is named only
when the text it gives holds the accepted headers of two required columns or more that the text as read did not
hold. Nothing is converted: the figures of a report must come from the file the user checked, not from our
conversion of it.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from cchc_analysis import schema
from cchc_analysis.errors import InputError
from cchc_analysis.text import fold

#: Human names of the tables, as Unikey's converter lists them.
NAMES_VI = {"TCVN3": "TCVN3 (ABC)", "VNI": "VNI Windows"}
_HEAD_BYTES = 65536


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[bytes, str]]:
    """``{encoding: {byte sequence: letter}}`` from ``reference/legacy_vietnamese.csv``."""
    tables: dict[str, dict[bytes, str]] = {}
    path = Path(__file__).parent.parent / "reference" / "legacy_vietnamese.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            tables.setdefault(row["encoding"], {})[bytes.fromhex(row["bytes"])] = row["char"]
    return tables


def decode_legacy(data: bytes, encoding: str) -> str:
    """``data`` read with the legacy table ``encoding`` (``"TCVN3"`` or ``"VNI"``); other bytes as Windows-1252."""
    table = _tables()[encoding]
    longest = max((len(k) for k in table), default=1)
    out: list[str] = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80 and (longest == 1 or i + 1 >= n or data[i + 1] < 0x80):
            out.append(chr(b))
            i += 1
            continue
        for size in range(longest, 0, -1):
            letter = table.get(data[i : i + size])
            if letter is not None:
                out.append(letter)
                i += size
                break
        else:
            out.append(data[i : i + 1].decode("cp1252", errors="replace"))
            i += 1
    return "".join(out)


@lru_cache(maxsize=1)
def _required_patterns() -> dict[str, re.Pattern[str]]:
    from cchc_analysis.loaders.headers import accepted_headers

    patterns = {}
    for name in schema.REQUIRED_COLUMNS:
        folded = sorted({fold(h) for h in accepted_headers(name) if fold(h)}, key=len, reverse=True)
        patterns[name] = re.compile(r"(?:^| )(?:" + "|".join(re.escape(f) for f in folded) + r")(?: |$)")
    return patterns


def _header_line(text: str) -> tuple[int, str]:
    """The number of required columns whose headers one line of ``text`` holds, at most, and that line."""
    best = (0, "")
    for line in text.splitlines()[:40]:
        folded = fold(line)
        hits = sum(1 for p in _required_patterns().values() if p.search(folded))
        if hits > best[0]:
            best = (hits, line)
    return best


def legacy_encoding(data: bytes) -> tuple[str, str] | None:
    """``(encoding, header line as read)`` when ``data`` reads as a dossier header only in a legacy table."""
    head = data[:_HEAD_BYTES]
    if not any(b >= 0x80 for b in head):
        return None
    plain, _ = _header_line(head.decode("cp1258", errors="replace"))
    for encoding in ("TCVN3", "VNI"):
        hits, line = _header_line(decode_legacy(head, encoding))
        if hits >= 2 and hits > plain:
            index = decode_legacy(head, encoding).splitlines().index(line)
            shown = head.decode("cp1252", errors="replace").splitlines()[index]  # as Notepad shows it
            return encoding, shown
    return None


def _cell_bytes(value: object) -> bytes | None:
    """The bytes a legacy font's text was typed as (Windows-1252 characters); None for other text."""
    text = "" if value is None else str(value)
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        try:
            return text.encode("latin-1")
        except UnicodeEncodeError:
            return None


def legacy_encoding_of_rows(rows: list[list[object]]) -> tuple[str, str] | None:
    """Like :func:`legacy_encoding` for the first rows of a sheet (cells typed with ``.VnTime`` or VNI fonts)."""
    lines = []
    for row in rows[:40]:
        cells = [_cell_bytes(v) for v in row]
        lines.append(b",".join(c for c in cells if c))
    return legacy_encoding(b"\n".join(lines))


def legacy_error(encoding: str, shown: str, path: object) -> InputError:
    """The refusal of a file in a legacy table: which one, what it looks like, how to convert it."""
    name = NAMES_VI[encoding]
    sample = " ".join(shown.split())[:50]
    return InputError(
        f"Tệp dùng bảng mã {name} cũ, không phải Unicode (dòng tiêu đề hiện thành «{sample}»): hãy chuyển tệp "
        f"sang Unicode (ví dụ bằng Unikey: Công cụ chuyển mã, nguồn {name}, đích Unicode) rồi lưu lại dạng CSV "
        "UTF-8 hoặc Excel, hoặc xuất lại từ hệ thống",
        f"The file uses the legacy Vietnamese encoding {encoding}, not Unicode (its header reads «{sample}»): "
        "convert it to Unicode (e.g. Unikey's converter) and save it as CSV UTF-8 or Excel",
        file=path,
    )


def check_legacy_bytes(data: bytes, path: object) -> None:
    """Raise :func:`legacy_error` when ``data`` (a text file with no header found) is TCVN3 or VNI."""
    found = legacy_encoding(data)
    if found is not None:
        raise legacy_error(*found, path)


def check_legacy_rows(rows: list[list[object]], path: object) -> None:
    """Raise :func:`legacy_error` when a sheet's first rows (no header found) are TCVN3 or VNI text."""
    found = legacy_encoding_of_rows(rows)
    if found is not None:
        raise legacy_error(*found, path)
