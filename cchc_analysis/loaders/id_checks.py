"""Dossier ids that Excel has rounded: said in the notes, so that false duplicates never pass without a word.

Excel keeps 15 significant digits of a number. An 18-digit id typed or opened as a number becomes
``123456789012345000`` (15 digits then zeros) or shows as ``1.23457E+17``; two different dossiers can then share
one id and the second is rejected as a duplicate. The loaders cannot restore the digits, but they say so.

Rules (``docs/assumptions.md``):

- an id in scientific notation (``1.23457E+17``, ``1,23457E+17``) always counts;
- an all-digit id of 16 digits or more whose digits after the 15th are all ``0`` counts when at least two such
  ids make up half or more of the file's all-digit ids of 16 digits or more, or when one of them was rejected as
  a duplicate. (A genuine 16-digit id ends in 0 one time in ten: one such id alone is no sign.)
"""

from __future__ import annotations

import pandas as pd

from cchc_analysis.formatting import fmt_int

_SCIENTIFIC = r"^\d(?:[.,]\d+)?[eE]\+?\d{1,3}$"
_ROUNDED = r"^[1-9]\d{14}0+$"
_LONG = r"^\d{16,}$"
EXAMPLES = 3


def rounded_ids(loaded: pd.Series, duplicates: pd.Series) -> tuple[int, int, list[str]]:
    """``(ids that look rounded, of them rejected as duplicates, examples)`` over loaded and duplicate ids."""
    ids = pd.concat([loaded, duplicates], ignore_index=True).dropna().astype("string").str.strip()
    if ids.empty:
        return 0, 0, []
    is_dup = pd.Series([False] * len(loaded.dropna()) + [True] * len(duplicates.dropna()), dtype=bool)
    scientific = ids.str.match(_SCIENTIFIC).fillna(False).to_numpy(dtype=bool)
    long_ = ids.str.match(_LONG).fillna(False).to_numpy(dtype=bool)
    zeros = ids.str.match(_ROUNDED).fillna(False).to_numpy(dtype=bool)
    dup = is_dup.to_numpy()
    if not (zeros.sum() >= 2 and zeros.sum() * 2 >= long_.sum()) and not (zeros & dup).any():
        zeros[:] = False
    flagged = scientific | zeros
    if not flagged.any():
        return 0, 0, []
    examples = list(dict.fromkeys(ids[flagged].tolist()))[:EXAMPLES]
    return int(flagged.sum()), int((flagged & dup).sum()), examples


def rounded_ids_note(loaded: pd.Series, duplicates: pd.Series) -> list[str]:
    """The note on ids Excel seems to have rounded (none when there is none)."""
    n, dup, examples = rounded_ids(loaded, duplicates)
    if not n:
        return []
    shown = ", ".join(f"«{e}»" for e in examples)
    text = (
        f"{fmt_int(n)} mã hồ sơ có vẻ đã bị Excel làm tròn (số dài quá 15 chữ số, tận cùng bằng 0, hoặc dạng "
        f"1,23457E+17), ví dụ {shown}"
    )
    if dup:
        text += (
            f"; {fmt_int(dup)} dòng trong số đó bị từ chối vì trùng mã hồ sơ — có thể là những hồ sơ khác nhau "
            "bị làm tròn thành cùng một số"
        )
    return [
        text
        + ". Mở tệp gốc với cột Mã hồ sơ định dạng Text (Văn bản), hoặc xuất lại dạng CSV từ hệ thống, rồi "
        "chạy lại."
    ]
