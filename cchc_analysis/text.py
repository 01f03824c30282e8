"""Folding text for matching words: the one rule every lookup (headers, values, markers) uses.

It sits below the loaders and :mod:`cchc_analysis.privacy` so that both can use it without importing each other.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Fold text for matching: NFC, lower case, no diacritics (đ → d), punctuation and spaces → one space.

    Examples
    --------
    >>> fold("  Đã SỐ HÓA!  ")
    'da so hoa'
    """
    s = unicodedata.normalize("NFD", unicodedata.normalize("NFC", str(text)).casefold().replace("đ", "d"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", s).strip()


def header_key(text: object) -> str:
    """The key a header is matched by: :func:`fold` without spaces (``"Mã hồ sơ"`` → ``"mahoso"``)."""
    return fold(str(text)).replace(" ", "")
