"""Working days (ngày làm việc) as Vietnamese law counts them for statutory deadlines.

A working day is Monday to Friday, except Vietnam's public holidays — solar and lunar (Tết Dương lịch, Tết
Nguyên đán, Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh 2/9, Ngày Văn hóa Việt Nam 24/11 from 2026) with their
compensating days off — taken from the ``holidays`` library, plus the government's one-off swaps (ngày làm bù):
a weekday given off (``nghi``) and the Saturday worked in its place (``lam_viec``). The swaps are data, in
``cchc_analysis/reference/ngay_lam_bu.csv`` with the document each comes from; a user can add rows (a frame of
the same columns) for a swap decided after the library's release.

Counting rule: the working days from ``a`` to ``b`` are the working days ``d`` with ``a < d ≤ b`` (dates only,
hours ignored): the day of receipt does not count, the day of return does. A dossier received on Friday and
returned the next Monday took 1 working day; returned the same day, 0. When ``b`` is before ``a`` the count is
negative (−1 for a dossier returned the working day before its deadline).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import holidays
import numpy as np
import pandas as pd

#: Kinds of rows of the swap file: a weekday off, a weekend day worked.
SWAP_KINDS: tuple[str, ...] = ("nghi", "lam_viec")


def read_swaps(path: object | None = None) -> pd.DataFrame:
    """The one-off working-day swaps (columns ``date``, ``kind``, ``note``, ``source``).

    Parameters
    ----------
    path : path-like, optional
        A CSV of the same columns; the package's ``reference/ngay_lam_bu.csv`` when omitted.
    """
    if path is None:
        path = resources.files("cchc_analysis") / "reference" / "ngay_lam_bu.csv"
    with open(path, encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").dt.date
    bad = sorted(set(frame["kind"]) - set(SWAP_KINDS))
    if bad:
        raise ValueError(f"unknown kind(s) in the working-day swaps: {bad}; expected one of {SWAP_KINDS}")
    return frame


@dataclass(frozen=True)
class WorkingCalendar:
    """Vietnam's working days over some years.

    Attributes
    ----------
    days_off : tuple of date
        Holidays and swapped days off (weekdays and weekend days alike).
    weekend_workdays : tuple of date
        Saturdays or Sundays worked in exchange for a day off (ngày làm bù).
    """

    days_off: tuple[dt.date, ...]
    weekend_workdays: tuple[dt.date, ...]

    def is_working_day(self, day: object) -> bool:
        """Whether ``day`` is a working day."""
        day = pd.Timestamp(day).date()
        if day in self.weekend_workdays:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def between(self, start: object, end: object) -> pd.Series:
        """Working days from ``start`` to ``end`` (see the module's counting rule), element-wise.

        Parameters
        ----------
        start, end : array-like of datetimes (or scalars)
            Hours are ignored; a missing date gives ``<NA>``.

        Returns
        -------
        Series of Int64
        """
        a = pd.Series(pd.to_datetime(start)) if np.ndim(start) else pd.Series([pd.Timestamp(start)])
        b = pd.Series(pd.to_datetime(end)) if np.ndim(end) else pd.Series([pd.Timestamp(end)])
        a, b = a.reset_index(drop=True), b.reset_index(drop=True)
        known = (a.notna() & b.notna()).to_numpy()
        out = np.zeros(len(a), dtype="int64")
        if known.any():
            day_a = a[known].dt.normalize().to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
            day_b = b[known].dt.normalize().to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
            off = np.array(sorted(self.days_off), dtype="datetime64[D]")
            # numpy counts a reversed span over other bounds: count the ordered span, then give it its sign
            sign = np.where(day_b < day_a, -1, 1)
            counted = sign * np.busday_count(np.minimum(day_a, day_b), np.maximum(day_a, day_b), holidays=off)
            extra = np.array(sorted(self.weekend_workdays), dtype="datetime64[D]")
            # weekend workdays w with a < w ≤ b, i.e. day_a ≤ w < day_b (negative when b < a)
            counted += np.searchsorted(extra, day_b) - np.searchsorted(extra, day_a)
            out[known] = counted
        return pd.Series(pd.array(np.where(known, out, 0), dtype="Int64")).mask(~known)


@lru_cache(maxsize=32)
def _calendar(first_year: int, last_year: int) -> WorkingCalendar:
    years = range(first_year, last_year + 1)
    public = holidays.Vietnam(years=years)
    off = set(public)
    extra = {d for d in getattr(public, "weekend_workdays", ()) if first_year <= d.year <= last_year}
    swaps = read_swaps()
    for day, kind in zip(swaps["date"], swaps["kind"], strict=True):
        if first_year <= day.year <= last_year:
            (off if kind == "nghi" else extra).add(day)
    return WorkingCalendar(days_off=tuple(sorted(off - extra)), weekend_workdays=tuple(sorted(extra)))


def working_calendar(first_year: int, last_year: int | None = None, swaps: pd.DataFrame | None = None):
    """Vietnam's working calendar for the years ``first_year`` to ``last_year`` (inclusive).

    Parameters
    ----------
    first_year, last_year : int
    swaps : DataFrame, optional
        More one-off swaps (:func:`read_swaps` columns) on top of the package's file.

    Examples
    --------
    >>> cal = working_calendar(2026)
    >>> cal.is_working_day("2026-02-17"), cal.is_working_day("2026-08-22")
    (False, True)
    """
    last_year = first_year if last_year is None else last_year
    base = _calendar(int(first_year), int(last_year))
    if swaps is None or swaps.empty:
        return base
    off, extra = set(base.days_off), set(base.weekend_workdays)
    for day, kind in zip(pd.to_datetime(swaps["date"]).dt.date, swaps["kind"], strict=True):
        (off if kind == "nghi" else extra).add(day)
    return WorkingCalendar(days_off=tuple(sorted(off - extra)), weekend_workdays=tuple(sorted(extra)))


def working_days_between(start: object, end: object, swaps: pd.DataFrame | None = None) -> pd.Series:
    """Working days from ``start`` to ``end`` element-wise (``<NA>`` where a date is missing).

    Examples
    --------
    >>> working_days_between("2026-02-13", "2026-02-23").tolist()  # Friday before Tết → Monday after
    [1]
    """
    years = [
        pd.Timestamp(v).year
        for s in (start, end)
        for v in (pd.Series(pd.to_datetime(s)).agg(["min", "max"]) if np.ndim(s) else [s])
        if not pd.isna(v)
    ]
    if not years:
        n = len(start) if np.ndim(start) else 1
        return pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    calendar = working_calendar(min(years), max(years), swaps)
    return calendar.between(start, end)
