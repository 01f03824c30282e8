"""Measures for analysts exploring dossier data: processing times and the list of late and overdue dossiers.

The Biểu 06 categories (early, late, pending overdue…) come from :func:`cchc_analysis.rates.classify_dossiers`;
this module adds how long dossiers took and where the overdue ones are, dossier by dossier.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cchc_analysis.rates import classify_dossiers, normalise_by
from cchc_analysis.working_days import working_days_between

#: Columns of :func:`overdue_dossiers` (only those present in the input are returned).
OVERDUE_COLUMNS: tuple[str, ...] = (
    "dossier_id",
    "field",
    "procedure",
    "source_system",
    "officer",
    "received_at",
    "due_at",
    "resolved_at",
    "state",
    "days_over",
)


def processing_times(dossiers: pd.DataFrame, start: object, end: object | None = None) -> pd.DataFrame:
    """Dossiers resolved in the period with how long they took.

    Parameters
    ----------
    dossiers : DataFrame
        Canonical dossier frame.
    start, end : date, str or Period
        The period (a :class:`~cchc_analysis.periods.Period` as ``start`` alone too).

    Returns
    -------
    DataFrame
        The resolved dossiers' rows with more columns. Calendar days: ``processing_days`` (received → resolved,
        fractional) and ``days_vs_due`` (resolved − due; negative = ahead of the deadline). Working days
        (:mod:`cchc_analysis.working_days`: weekends, Vietnam's holidays and the swapped days excluded; the day of
        receipt not counted): ``working_days`` (received → resolved, the actual time), ``statutory_working_days``
        (received → due, the time the procedure allows) and ``working_days_vs_due`` (due → resolved; positive =
        that many working days late). Working-day columns are ``<NA>`` where a date is missing.

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-01-05 08:00"]),
    ...                   "due_at": pd.to_datetime(["2026-01-07 17:00"]),
    ...                   "resolved_at": pd.to_datetime(["2026-01-06 08:00"])})
    >>> processing_times(d, "01/01/2026", "31/01/2026")[["processing_days", "days_vs_due"]].round(3).values.tolist()
    [[1.0, -1.375]]
    """
    flags = classify_dossiers(dossiers, start, end)
    resolved = dossiers[flags["resolved"].to_numpy(dtype=bool)].copy()
    day = np.timedelta64(1, "D")
    received = pd.to_datetime(resolved["received_at"])
    done = pd.to_datetime(resolved["resolved_at"])
    due = pd.to_datetime(resolved["due_at"])
    resolved["processing_days"] = ((done - received).to_numpy() / day).astype("float64")
    resolved["days_vs_due"] = ((done - due).to_numpy() / day).astype("float64")
    resolved = resolved.reset_index(drop=True)
    resolved["working_days"] = working_days_between(received, done).to_numpy()
    resolved["statutory_working_days"] = working_days_between(received, due).to_numpy()
    resolved["working_days_vs_due"] = working_days_between(due, done).to_numpy()
    return resolved


def processing_time_summary(times: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Count, median, 90th percentile and maximum of ``processing_days`` per group (largest groups first).

    With the working-day columns of :func:`processing_times`, also ``median_working_days`` (actual) and
    ``median_statutory_working_days`` (allowed) side by side.
    """
    columns = normalise_by(by)
    stats = {
        "resolved": ("processing_days", "size"),
        "median_days": ("processing_days", "median"),
        "p90_days": ("processing_days", lambda s: s.quantile(0.9)),
        "max_days": ("processing_days", "max"),
        "mean_days_vs_due": ("days_vs_due", "mean"),
    }
    if "working_days" in times and "statutory_working_days" in times:
        times = times.assign(
            working_days=pd.to_numeric(times["working_days"]).astype("float64"),
            statutory_working_days=pd.to_numeric(times["statutory_working_days"]).astype("float64"),
        )
        stats["median_working_days"] = ("working_days", "median")
        stats["median_statutory_working_days"] = ("statutory_working_days", "median")
    if not columns:
        frame = times.assign(_all=0).groupby("_all").agg(**stats).reset_index(drop=True)
    else:
        frame = times.groupby(columns, dropna=False, observed=True).agg(**stats).reset_index()
        frame = frame.sort_values("resolved", ascending=False, kind="stable", ignore_index=True)
    frame["resolved"] = frame["resolved"].astype("int64")
    return frame


def overdue_dossiers(dossiers: pd.DataFrame, start: object, end: object | None = None) -> pd.DataFrame:
    """The dossiers resolved late in the period or still open past their deadline at its end.

    Returns
    -------
    DataFrame
        Columns :data:`OVERDUE_COLUMNS` present in the input: ``state`` is ``"Giải quyết quá hạn"`` or
        ``"Đang giải quyết, quá hạn"``; ``days_over`` the calendar days past the deadline (at resolution, or
        at the end of the period). Most overdue first.
    """
    from cchc_analysis.periods import Period, parse_day

    flags = classify_dossiers(dossiers, start, end)
    last = start.end if isinstance(start, Period) else parse_day(end)
    late = flags["late"].to_numpy(dtype=bool)
    overdue = flags["pending_overdue"].to_numpy(dtype=bool)
    rows = dossiers[late | overdue].copy()
    is_late = late[late | overdue]
    due = pd.to_datetime(rows["due_at"]).dt.normalize()
    until = pd.to_datetime(rows["resolved_at"]).dt.normalize().where(is_late, pd.Timestamp(last))
    rows["state"] = np.where(is_late, "Giải quyết quá hạn", "Đang giải quyết, quá hạn")
    rows["days_over"] = ((until - due).to_numpy() / np.timedelta64(1, "D")).astype("int64")
    keep = [c for c in OVERDUE_COLUMNS if c in rows.columns]
    return rows[keep].sort_values("days_over", ascending=False, kind="stable", ignore_index=True)
