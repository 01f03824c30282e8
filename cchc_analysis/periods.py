"""Reporting periods: calendar date ranges, both ends inclusive, named by a string such as ``"2026-Q2"``."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.text import fold

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_RANGE = re.compile(r"^\s*(.+?)\s*(?:\.\.|–|—|/to/)\s*(.+?)\s*$")
#: Reporting periods must lie within these days.
PERIOD_MIN, PERIOD_MAX = date(1900, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True)
class Period:
    """A reporting period ``[start, end]`` of calendar dates, both inclusive.

    Examples
    --------
    >>> p = parse_period("2026-Q2")
    >>> p.start, p.end, p.label
    (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), '2026-Q2')
    """

    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        if not (self.start >= PERIOD_MIN and self.end <= PERIOD_MAX):  # year 1 or 9999: a typo, and overflows
            first, last = (f"{d.day:02d}/{d.month:02d}/{d.year:04d}" for d in (self.start, self.end))
            raise InputError(
                f"Kỳ báo cáo {first}–{last} nằm ngoài khoảng hợp lệ {PERIOD_MIN:%d/%m/%Y}–{PERIOD_MAX:%d/%m/%Y}",
                f"The period {self.start.isoformat()}..{self.end.isoformat()} is outside "
                f"{PERIOD_MIN.isoformat()}..{PERIOD_MAX.isoformat()}",
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[str]:
        """Calendar months the period touches, as ``"YYYY-MM"`` keys."""
        return [str(p) for p in pd.period_range(self.start, self.end, freq="M")]

    @property
    def label_vi(self) -> str:
        """The period as a reader of a briefing says it: ``Quý II/2026``, ``Tháng 4/2026`` or a date range."""
        q = _QUARTER.match(self.label)
        if q:
            return f"Quý {('I', 'II', 'III', 'IV')[int(q.group(2)) - 1]}/{q.group(1)}"
        m = _MONTH.match(self.label)
        if m:
            return f"Tháng {int(m.group(2))}/{m.group(1)}"
        if _YEAR.match(self.label):
            return f"Năm {self.label.strip()}"
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"


def parse_day(text: object, *, what: str = "ngày") -> date:
    """Read one calendar date, day first: ``13/04/2026``, ``13-04-2026``, ``13.04.2026`` or ISO ``2026-04-13``.

    Parameters
    ----------
    text : str, date or datetime
        The date; a date or datetime (pandas Timestamp too) is returned as its calendar date.
    what : str
        What the date is, in Vietnamese, for the error message (``"ngày bắt đầu"``).

    Examples
    --------
    >>> parse_day("13/04/2026"), parse_day("2026-04-13")
    (datetime.date(2026, 4, 13), datetime.date(2026, 4, 13))

    Raises
    ------
    InputError
        When ``text`` is not such a date.
    """
    if isinstance(text, datetime):  # pandas Timestamp too
        return text.date()
    if isinstance(text, date):
        return text
    s = str(text).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", s)
        if not m:
            raise InputError(
                f"Không đọc được {what} «{s}»: cần dạng DD/MM/YYYY",
                f"Cannot read the date {s!r}: expected DD/MM/YYYY",
            )
        d, mo, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise InputError(f"Ngày không tồn tại «{s}»", f"No such calendar date {s!r}") from None


def month_end(key: str) -> date:
    """The last day of a month key: ``month_end("2026-02") == date(2026, 2, 28)``."""
    return pd.Period(key, freq="M").end_time.date()


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
#: Period names after :func:`~cchc_analysis.text.fold` (lower case, no diacritics, punctuation → one space).
_FOLDED_QUARTER = (
    re.compile(
        r"^(?:quy|q)\s*(iv|i{1,3}|[1-4])\s*(?:nam\s*)?(\d{4})$"
    ),  # Q2/2026, Quý II/2026, Quý 2 năm 2026
    re.compile(r"^(\d{4})\s*(?:quy|q)\s*(iv|i{1,3}|[1-4])$"),  # 2026-Q2, 2026 Quý 2
)
_FOLDED_MONTH = (
    re.compile(r"^(?:thang|t)\s*(\d{1,2})\s*(?:nam\s*)?(\d{4})$"),  # tháng 4/2026, T4/2026, tháng 4 năm 2026
    re.compile(r"^(\d{1,2})\s(\d{4})$"),  # 04/2026, 4-2026
)
_FOLDED_MONTH_YEAR_FIRST = re.compile(r"^(\d{4})\s(\d{1,2})$")  # 2026-04
_FOLDED_YEAR = re.compile(r"^(?:nam\s*)?(\d{4})$")  # 2026, năm 2026
_DAY_TOKEN = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}")
#: Words allowed around the two days of a range: «từ ngày … đến ngày …», «… to …», «…..…», «… – …».
_RANGE_WORDS = frozenset({"tu", "ngay", "den", "toi", "from", "to", "until"})
#: The forms a period may be written in, for messages.
PERIOD_FORMS_VI = (
    "2026-Q2, Q2/2026, Quý II/2026, Quý 2 năm 2026, 2026-04, 04/2026, tháng 4/2026, 2026, năm 2026, "
    "01/04/2026..30/04/2026 hoặc «từ ngày 01/04/2026 đến ngày 30/04/2026»"
)
PERIOD_FORMS_EN = (
    "2026-Q2, Q2/2026, Quý II/2026, 2026-04, 04/2026, tháng 4/2026, 2026, năm 2026 or 01/04/2026..30/04/2026"
)


def _quarter(y: int, n: int) -> Period:
    end_month = 3 * n
    return Period(
        date(y, end_month - 2, 1), date(y, end_month, calendar.monthrange(y, end_month)[1]), f"{y}-Q{n}"
    )


def _month(y: int, mo: int, text: str) -> Period:
    if not 1 <= mo <= 12:
        raise InputError(f"Không có tháng {mo} trong «{text}»", f"No month {mo} in {text!r}")
    return Period(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), f"{y}-{mo:02d}")


def parse_period(text: str) -> Period:
    """Read a period written as a user writes it, in Vietnamese or as a code.

    This is the one reader of period names: the command line (``--period``) and every library function that
    takes a period (through :func:`as_period`) use it.

    Parameters
    ----------
    text : str
        A quarter (``"2026-Q2"``, ``"Q2/2026"``, ``"Quý II/2026"``, ``"Quý 2 năm 2026"``), a month
        (``"2026-04"``, ``"04/2026"``, ``"tháng 4/2026"``, ``"T4/2026"``), a year (``"2026"``, ``"năm 2026"``),
        a day range (``"01/04/2026..30/04/2026"``, ``"01/04/2026 – 30/04/2026"``, ``"từ ngày 01/04/2026 đến
        ngày 30/04/2026"``) or one day (``"13/04/2026"``). Case, diacritics and spacing do not matter.

    Returns
    -------
    Period
        Labelled ``"2026-Q2"``, ``"2026-04"``, ``"2026"`` or, for a range that is not a whole quarter, month
        or year, ``"2026-04-01_2026-04-13"``.

    Raises
    ------
    InputError
        When the text names no period, or a month that does not exist.

    Examples
    --------
    >>> parse_period("Quý II/2026") == parse_period("2026-Q2") == parse_period("01/04/2026..30/06/2026")
    True
    >>> parse_period("tháng 4/2026").label, parse_period("năm 2026").label
    ('2026-04', '2026')
    """
    s = unicodedata.normalize("NFC", str(text)).strip()
    days = _DAY_TOKEN.findall(s)
    if days:
        rest = set(fold(_DAY_TOKEN.sub(" ", s)).split())
        if len(days) == 2 and rest <= _RANGE_WORDS:
            return period_between(days[0], days[1])
        if len(days) == 1 and rest <= {"ngay"}:
            return period_between(days[0], days[0])
    r = _RANGE.match(s)
    if r:
        return period_between(r.group(1), r.group(2))
    f = fold(s)
    for pattern in _FOLDED_QUARTER:
        q = pattern.match(f)
        if q:
            year, number = (q.group(2), q.group(1)) if pattern is _FOLDED_QUARTER[0] else q.groups()
            return _quarter(int(year), _ROMAN.get(number) or int(number))
    for pattern in _FOLDED_MONTH:
        m = pattern.match(f)
        if m:
            return _month(int(m.group(2)), int(m.group(1)), s)
    m = _FOLDED_MONTH_YEAR_FIRST.match(f)
    if m:
        return _month(int(m.group(1)), int(m.group(2)), s)
    y = _FOLDED_YEAR.match(f)
    if y:
        year = int(y.group(1))
        return Period(date(year, 1, 1), date(year, 12, 31), str(year))
    raise InputError(
        f"Không hiểu kỳ báo cáo «{s}»: dùng dạng {PERIOD_FORMS_VI}",
        f"Unknown period {s!r}: use {PERIOD_FORMS_EN}",
    )


def as_period(start: object, end: object | None = None) -> Period:
    """The period a library function was given, in any form the command line accepts.

    Parameters
    ----------
    start : Period, str, date or Timestamp
        A :class:`Period`; a period name for :func:`parse_period` (``"2026-Q2"``, ``"Quý II/2026"``,
        ``"tháng 4/2026"``, ``"01/04/2026..30/04/2026"`` …) when ``end`` is None; else the first day
        (``"01/04/2026"``, ``"2026-04-01"``, a date).
    end : str, date or Timestamp, optional
        The last day, both ends included.

    Returns
    -------
    Period

    Raises
    ------
    InputError
        When the text names no period or day, or the period ends before it starts.

    Examples
    --------
    >>> as_period("Q2/2026") == as_period("01/04/2026", "30/06/2026") == as_period(parse_period("2026-Q2"))
    True
    """
    if isinstance(start, Period):
        if end is not None:
            raise InputError(
                "Đã cho kỳ báo cáo (Period) thì không cho thêm ngày kết thúc",
                "A Period is given: do not give an end day as well",
            )
        return start
    if end is None:
        if isinstance(start, date | pd.Timestamp):
            return period_between(start, start)
        return parse_period(str(start))
    return period_between(start, end)


def period_between(start: object, end: object) -> Period:
    """The period from ``start`` to ``end`` (dates or day-first strings); its label is ``YYYY-MM-DD_YYYY-MM-DD``.

    A period that names a whole quarter, month or year gets that name instead.

    Parameters
    ----------
    start, end : str, date or datetime
        First and last day, both included, as :func:`parse_day` reads them.

    Examples
    --------
    >>> period_between("01/04/2026", "13/04/2026").label, period_between("01/04/2026", "30/06/2026").label
    ('2026-04-01_2026-04-13', '2026-Q2')
    """
    f = parse_day(start, what="ngày bắt đầu")
    t = parse_day(end, what="ngày kết thúc")
    if t < f:
        raise InputError(
            f"Kỳ báo cáo có ngày kết thúc {t:%d/%m/%Y} trước ngày bắt đầu {f:%d/%m/%Y}",
            f"The period ends ({t:%d/%m/%Y}) before it starts ({f:%d/%m/%Y})",
        )
    Period(f, t, "")  # checks the range before any name is tried
    for candidate in (
        f"{f.year:04d}",
        f"{f.year:04d}-Q{(f.month - 1) // 3 + 1}",
        f"{f.year:04d}-{f.month:02d}",
    ):
        p = parse_period(candidate)
        if (p.start, p.end) == (f, t):
            return p
    return Period(f, t, f"{f.isoformat()}_{t.isoformat()}")


def previous_period(period: Period) -> Period:
    """The period of the same kind just before ``period`` (previous quarter, month, year or same-length range).

    Parameters
    ----------
    period : Period
        From :func:`parse_period` or :func:`as_period`.

    Examples
    --------
    >>> previous_period(parse_period("Quý I/2026")).label
    '2025-Q4'
    """
    q = _QUARTER.match(period.label)
    if q:
        y, n = int(q.group(1)), int(q.group(2))
        return parse_period(f"{y - 1}-Q4" if n == 1 else f"{y}-Q{n - 1}")
    m = _MONTH.match(period.label)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        return parse_period(f"{y - 1}-12" if mo == 1 else f"{y}-{mo - 1:02d}")
    if _YEAR.match(period.label):
        return parse_period(str(int(period.label) - 1))
    length = period.end - period.start
    end = period.start - pd.Timedelta(days=1).to_pytimedelta()
    return period_between(end - length, end)
