"""What an export's title lines say about its period: «Từ ngày 01/01/2026 đến ngày 13/04/2026», «… đến ngày …».

One-stop systems print one or two title lines above the header row (see ``LoadResult.title_lines``). This module
reads the dates from them, nothing else; :mod:`cchc_analysis.loaders.cutoff` decides what they mean for the
period counted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from cchc_analysis.errors import InputError
from cchc_analysis.periods import Period, parse_day, period_between

_DAY = r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{4})"
#: «Từ ngày A đến ngày B» (also without «ngày», and folded: «tu ngay … den ngay …»).
_FROM_TO = re.compile(rf"\btu\s+(?:ngay\s+)?{_DAY}\s*(?:den|-|–)\s*(?:ngay\s+)?{_DAY}")
#: «… đến ngày B», «tính đến ngày B», «ngày chốt số liệu: B».
_UNTIL = re.compile(rf"\b(?:den\s+ngay|chot\s+so\s+lieu\s*(?:ngay)?\s*:?)\s*{_DAY}")


def _plain(text: str) -> str:
    """Lower case without diacritics (đ → d), punctuation kept: dates stay ``13/04/2026``."""
    s = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold().replace("đ", "d"))
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).split())


def _folded(lines: Iterable[object]) -> list[str]:
    return [_plain(str(line)) for line in lines if line is not None and str(line).strip()]


def _day(text: str) -> date | None:
    try:
        return parse_day(text)
    except InputError:  # «31/02/2026» in a title: no date, not a reason to refuse the file
        return None


def stated_period(title_lines: Iterable[object]) -> Period | None:
    """The period the title lines state («Từ ngày 01/01/2026 đến ngày 13/04/2026»), or None.

    Several such lines (title lines of several files, one after the other) give the period from the earliest
    start to the latest end.

    Examples
    --------
    >>> stated_period(["BÁO CÁO DANH SÁCH HỒ SƠ", "Từ ngày 01/04/2026 đến ngày 30/06/2026"]).label
    '2026-Q2'
    >>> stated_period(["BÁO CÁO"]) is None
    True
    """
    spans = []
    for line in _folded(title_lines):
        for first, last in _FROM_TO.findall(line):
            start, end = _day(first), _day(last)
            if start is not None and end is not None and start <= end:
                spans.append((start, end))
    if not spans:
        return None
    return period_between(min(s for s, _ in spans), max(e for _, e in spans))


def stated_as_of(title_lines: Iterable[object]) -> date | None:
    """The cut-off date («ngày chốt số liệu») the title lines state: the latest «… đến ngày D», or None.

    Examples
    --------
    >>> stated_as_of(["Danh sách hồ sơ tính đến ngày 30/06/2026"])
    datetime.date(2026, 6, 30)
    >>> stated_as_of(["Từ ngày 01/01/2026 đến ngày 13/04/2026"])
    datetime.date(2026, 4, 13)
    """
    days = []
    for line in _folded(title_lines):
        days += [d for _, last in _FROM_TO.findall(line) if (d := _day(last)) is not None]
        days += [d for last in _UNTIL.findall(line) if (d := _day(last)) is not None]
    return max(days) if days else None
