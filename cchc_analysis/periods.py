"""Reporting periods: calendar date ranges, both ends inclusive, named by a string such as ``"2026-Q2"``."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from cchc_analysis.errors import InputError

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

    Raises
    ------
    InputError
        When ``text`` is not such a date.
    """
    if isinstance(text, datetime):
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


def parse_period(text: str) -> Period:
    """Read a period name: ``"2026-Q2"``, ``"2026-04"``, ``"2026"``, or ``"01/01/2026..13/04/2026"``.

    Raises
    ------
    InputError
        When the text names no period.
    """
    s = str(text).strip()
    q = _QUARTER.match(s)
    if q:
        y, n = int(q.group(1)), int(q.group(2))
        end_month = 3 * n
        return Period(
            date(y, end_month - 2, 1),
            date(y, end_month, calendar.monthrange(y, end_month)[1]),
            f"{y}-Q{n}",
        )
    m = _MONTH.match(s)
    if m and 1 <= int(m.group(2)) <= 12:
        y, mo = int(m.group(1)), int(m.group(2))
        return Period(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), f"{y}-{mo:02d}")
    if _YEAR.match(s):
        y = int(s)
        return Period(date(y, 1, 1), date(y, 12, 31), str(y))
    r = _RANGE.match(s)
    if r:
        return period_between(r.group(1), r.group(2))
    raise InputError(
        f"Không hiểu kỳ báo cáo «{s}»: dùng dạng 2026-Q2, 2026-04, 2026 hoặc DD/MM/YYYY..DD/MM/YYYY",
        f"Unknown period {s!r}: use 2026-Q2, 2026-04, 2026 or DD/MM/YYYY..DD/MM/YYYY",
    )


def period_between(start: object, end: object) -> Period:
    """The period from ``start`` to ``end`` (dates or day-first strings); its label is ``YYYY-MM-DD_YYYY-MM-DD``.

    A period that names a whole quarter, month or year gets that name instead.
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
    """The period of the same kind just before ``period`` (previous quarter, month, year or same-length range)."""
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
