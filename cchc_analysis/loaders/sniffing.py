"""What a file is (by its first bytes, not its name), and decoding text files."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.loaders.headers import _Plan

CSV_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})


EXCEL_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})


PARQUET_EXTENSIONS = frozenset({".parquet", ".pq"})


@dataclass
class _RawTable:
    plan: _Plan
    columns: list[pd.Series | None]  # raw values of each column of ``plan.headers`` (None: not read)
    row_numbers: np.ndarray  # 1-based row number in the file of each data row
    title_lines: list[str]
    excel: bool = False  # numbers in date columns are Excel serial dates
    too_many_cells: dict[int, int] = field(default_factory=dict)  # data position -> number of cells
    synthetic_meta: bool = False
    may_have_footer: bool = (
        False  # a report layout (CSV, Excel): total and signature rows may follow the data
    )
    notes: list[str] = field(default_factory=list)  # how it was read, when a person should know (slow path)


_MAGIC = {
    b"PK\x03\x04": "zip",  # xlsx, xlsm, ods
    b"\xd0\xcf\x11\xe0": "ole",  # xls, or a password-protected xlsx
    b"PAR1": "parquet",
}


def _sniff(head: bytes) -> str:
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
        return "html"
    return "text"


_KIND_VI = {
    "zip": "một sổ tính Excel (.xlsx)",
    "ole": "một sổ tính Excel cũ (.xls) hoặc tệp Excel có mật khẩu",
    "parquet": "một tệp Parquet",
    "html": "một trang HTML",
    "text": "một tệp văn bản (CSV)",
}


def _wrong_kind(path: Path, kind: str) -> InputError:
    return InputError(
        f"Tệp có đuôi «{path.suffix}» nhưng nội dung là {_KIND_VI[kind]}: hãy lưu lại đúng định dạng "
        "(.csv, .xlsx hoặc .parquet)",
        f"The file is named {path.suffix} but holds {kind} content: save it again in the right format",
        file=path,
    )


def _not_in_encoding(encoding: str, error: UnicodeDecodeError, path: Path) -> InputError:
    """The error for a file that is not in the encoding the user named (``--encoding``)."""
    return InputError(
        f"Tệp không đúng bảng mã {encoding} (byte thứ {error.start})",
        f"The file is not valid {encoding} (byte {error.start})",
        file=path,
    )


def _decode(data: bytes, encoding: str | None, path: Path) -> str:
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise InputError(
                f"Không biết bảng mã «{encoding}»", f"Unknown encoding {encoding!r}", file=path
            ) from None
        except UnicodeDecodeError as e:
            raise _not_in_encoding(encoding, e, path) from None
        return text.lstrip("\ufeff")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        candidates = ["utf-32"]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        sample = data[:8192]
        half = max(1, len(sample) // 2)
        even_nul, odd_nul = sample[0::2].count(0), sample[1::2].count(0)
        if odd_nul > 0.2 * half and even_nul < 0.02 * half:
            candidates = ["utf-16-le"]
        elif even_nul > 0.2 * half and odd_nul < 0.02 * half:
            candidates = ["utf-16-be"]
        elif b"\x00" in sample:
            raise InputError(
                "Tệp không phải văn bản CSV (có byte NUL)",
                "The file is not CSV text (it contains NUL bytes)",
                file=path,
            )
        else:
            candidates = ["utf-8", "cp1258"]
    for name in candidates:
        try:
            return data.decode(name).lstrip("\ufeff")
        except UnicodeDecodeError as e:
            if name == "utf-8":
                _check_mixed_encodings(data, e, path)
            continue
    raise InputError(
        f"Không nhận ra bảng mã của tệp (đã thử {', '.join(candidates)}): hãy lưu tệp dạng CSV UTF-8 "
        "hoặc chỉ định bảng mã",
        f"Cannot tell the file's encoding (tried {', '.join(candidates)}): save it as CSV UTF-8 or pass encoding=",
        file=path,
    )


_VIETNAMESE_LETTER = re.compile("[\u00c0-\u024f\u1ea0-\u1ef9]")


#: Vietnamese UTF-8 read as Windows-1252 or Latin-1 and saved again: "Mã hồ sơ" → "MÃ£ há»“ sÆ¡".
_MOJIBAKE = re.compile("Ã[\u00a0-\u00bf]|á[»º]|Ä[‘\u0091]|Æ[°¡]")


def _check_mixed_encodings(data: bytes, error: UnicodeDecodeError, path: Path) -> None:
    """Vietnamese UTF-8 up to a byte that is not UTF-8: pieces saved by different programs, not Windows-1258.

    Reading it all as Windows-1258 would garble every Vietnamese letter before that byte, so stop instead.
    """
    prefix = data[: error.start].decode("utf-8", errors="ignore")
    if not _VIETNAMESE_LETTER.search(prefix):
        return
    line = data.count(b"\n", 0, error.start) + 1
    byte = f"0x{data[error.start]:02X}"
    raise InputError(
        f"Tệp trộn hai bảng mã: phần đầu là UTF-8 nhưng dòng {line} có byte {byte} không phải UTF-8 (có lẽ tệp "
        "được ghép từ các phần lưu bằng chương trình khác nhau). Hãy lưu lại toàn bộ tệp dạng CSV UTF-8",
        f"The file mixes encodings: UTF-8 up to row {line}, which holds the non-UTF-8 byte {byte}. "
        "Save the whole file again as CSV UTF-8",
        file=path,
        row=line,
    )


def _check_mojibake(text: str, path: Path) -> None:
    """No header found and the text is mojibake: say so, rather than list the headers we expected."""
    head = text[:20_000]
    found = _MOJIBAKE.search(head)
    if found is None:
        return
    start = head.rfind("\n", 0, found.start()) + 1
    sample = head[start : start + 40].split("\n")[0]
    raise InputError(
        f"Chữ tiếng Việt trong tệp bị lỗi bảng mã (ví dụ «{sample}»): tệp UTF-8 đã bị mở rồi lưu lại bằng bảng mã "
        "khác. Hãy xuất lại tệp từ hệ thống dạng CSV UTF-8 hoặc Excel",
        f"The Vietnamese text of the file is garbled (mojibake, e.g. «{sample}»): UTF-8 text was opened and saved "
        "in another encoding. Export the file again as CSV UTF-8 or Excel",
        file=path,
    )
