"""Getting results to people: home pick-up and return (Kế hoạch 126/KH-UBND) and return / sync delays by system.

The inspection notice praises Kế hoạch số 126/KH-UBND «nhận và trả kết quả tại nhà cho các đối tượng yếu thế»
and finds that «Phần mềm hộ tịch dùng chung và hệ thống chứng thực điện tử còn xảy ra lỗi … đồng bộ dữ liệu
không kịp thời, gây khó khăn … trong quá trình trả kết quả». Both are measured here, from columns an export may
or may not have (absent is unknown: a function returns ``None`` and :func:`missing_columns` says what is lacking):

- :func:`home_delivery_table` — per month of receipt and vulnerable group: dossiers, home pick-ups, home returns
  and their shares; :func:`home_delivery_times` — working days from the result (``resolved_at``) to the home
  return (``returned_at``) of the dossiers returned at home.
- :func:`return_delays` — per system and month of resolution, working days from the result to its return
  (``returned_at``) and, when the export has one, to its synchronisation (``synced_at``); dossiers resolved but
  not returned (or synced) more than N working days later, as of the end of the period. Systems of the notice
  (hộ tịch, chứng thực) first, then the others by their share of delays.

Working days are Monday–Friday less the public holidays of :mod:`cchc_analysis.synthetic`
(``PUBLIC_HOLIDAYS``; a make-up Saturday is not counted — docs/assumptions.md). A delay of 0 means the same day.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from cchc_analysis.periods import Period
from cchc_analysis.rates import classify_dossiers
from cchc_analysis.schema import COLUMN_LABELS_VI, VULNERABLE_GROUP_LABELS_VI
from cchc_analysis.text import fold

#: Working days after which a resolved dossier not yet returned is counted as delayed (docs/assumptions.md).
DEFAULT_RETURN_DAYS = 2
#: Group shown for a dossier without a vulnerable group.
NOT_VULNERABLE = "Không thuộc nhóm yếu thế"
#: Words (folded) naming the systems of the notice, listed first.
NOTICE_SYSTEM_WORDS: tuple[str, ...] = ("ho tich", "chung thuc", "tu phap")


def missing_columns(dossiers: pd.DataFrame, kind: str) -> list[str]:
    """The canonical columns a section (``"home"`` or ``"delays"``) needs that ``dossiers`` lacks.

    Home delivery needs ``home_delivery`` or ``home_pickup``; return delays need ``returned_at`` or ``synced_at``
    (and ``resolved_at``, always there).
    """
    if kind == "home":
        return (
            []
            if {"home_delivery", "home_pickup"} & set(dossiers.columns)
            else ["home_delivery", "home_pickup"]
        )
    if kind == "delays":
        return [] if {"returned_at", "synced_at"} & set(dossiers.columns) else ["returned_at", "synced_at"]
    raise ValueError(kind)


def _holidays() -> np.ndarray:
    from cchc_analysis.synthetic import PUBLIC_HOLIDAYS

    return np.array(sorted(PUBLIC_HOLIDAYS), dtype="datetime64[D]")


def working_days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days from the day of ``start`` to the day of ``end`` (0 the same day; NA where either is blank).

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2026-01-09 10:00", "2026-01-09 17:00", None]))
    >>> e = pd.Series(pd.to_datetime(["2026-01-12 08:00", "2026-01-09 17:30", "2026-01-12 08:00"]))
    >>> working_days_between(s, e).tolist()  # Friday to Monday: 1 working day
    [1, 0, <NA>]
    """
    a = start.to_numpy().astype("datetime64[D]")
    b = end.to_numpy().astype("datetime64[D]")
    known = ~(np.isnat(a) | np.isnat(b))
    out = np.zeros(len(a), dtype=np.int64)
    if known.any():
        lo, hi = np.minimum(a[known], b[known]), np.maximum(a[known], b[known])
        count = np.busday_count(lo, hi, holidays=_holidays())
        out[known] = np.where(b[known] >= a[known], count, -count)
    return pd.Series(pd.arrays.IntegerArray(out, ~known), index=start.index)


def _month(values: pd.Series) -> pd.Series:
    months = values.to_numpy().astype("datetime64[M]")
    text = np.datetime_as_string(months, unit="M")
    return pd.Series(np.where(np.isnat(months), None, text), index=values.index, dtype="string")


def group_label(value: object) -> str:
    """The Vietnamese name of a vulnerable group code; a word the vocabulary lacks as written."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return NOT_VULNERABLE
    return VULNERABLE_GROUP_LABELS_VI.get(str(value), str(value))


def home_delivery_table(dossiers: pd.DataFrame, period: Period) -> pd.DataFrame | None:
    """Home pick-up and return per month of receipt and vulnerable group, for the dossiers received in ``period``.

    Returns
    -------
    DataFrame or None
        ``month, group, dossiers, home_pickup, home_return, home_pickup_rate, home_return_rate``; ``group`` is the
        Vietnamese name (``NOT_VULNERABLE`` for a blank), or absent when the export has no vulnerable-group column;
        a count whose column is absent is NA. None when neither home column exists.

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-02-01"]),
    ...                   "due_at": pd.to_datetime(["2026-01-09"] * 3), "resolved_at": pd.to_datetime([None] * 3),
    ...                   "home_delivery": [True, False, True], "vulnerable_group": ["elderly", None, "elderly"]})
    >>> from cchc_analysis.periods import parse_period
    >>> home_delivery_table(d, parse_period("2026-Q1"))[["month", "group", "dossiers", "home_return"]].to_numpy().tolist()
    [['2026-01', 'Người cao tuổi', 1, 1], ['2026-01', 'Không thuộc nhóm yếu thế', 1, 0], ['2026-02', 'Người cao tuổi', 1, 1]]
    """
    if missing_columns(dossiers, "home"):
        return None
    new = classify_dossiers(dossiers, period.start, period.end)["new"].to_numpy(dtype=bool)
    rows = dossiers.loc[new]
    frame = pd.DataFrame({"month": _month(rows["received_at"]), "dossiers": 1}, index=rows.index)
    keys = ["month"]
    if "vulnerable_group" in rows:
        frame["group"] = rows["vulnerable_group"].map(group_label, na_action=None).astype("string")
        keys.append("group")
    for column, name in (("home_pickup", "home_pickup"), ("home_delivery", "home_return")):
        if column in rows:
            frame[name] = rows[column].to_numpy(dtype=bool, na_value=False)
    counts = [c for c in ("dossiers", "home_pickup", "home_return") if c in frame]
    table = frame.groupby(keys, sort=False)[counts].sum().reset_index()
    for name in ("home_pickup", "home_return"):
        if name not in table:
            table[name] = pd.NA
        table[name] = table[name].astype("Int64")
        table[f"{name}_rate"] = (table[name].astype("Float64") / table["dossiers"]).to_numpy(
            dtype="float64", na_value=np.nan
        )
    table["dossiers"] = table["dossiers"].astype("Int64")
    if "group" in table:  # the vulnerable groups in the order of the schema, then others, then the rest
        order = {label: i for i, label in enumerate(VULNERABLE_GROUP_LABELS_VI.values())}
        table["_rank"] = table["group"].map(
            lambda g: len(order) + 1 if g == NOT_VULNERABLE else order.get(g, len(order))
        )
        table = table.sort_values(["month", "_rank", "group"], kind="stable").drop(columns="_rank")
    else:
        table = table.sort_values("month", kind="stable")
    return table.reset_index(drop=True)


def home_delivery_times(dossiers: pd.DataFrame, period: Period) -> pd.DataFrame | None:
    """Working days from the result to its return at home, per month of resolution (dossiers resolved in the
    period, returned at home, with both dates): ``month, returned_home, median_days, max_days``.

    None when the export lacks ``home_delivery`` or ``returned_at``.
    """
    if not {"home_delivery", "returned_at"} <= set(dossiers.columns):
        return None
    resolved = classify_dossiers(dossiers, period.start, period.end)["resolved"].to_numpy(dtype=bool)
    home = dossiers["home_delivery"].to_numpy(dtype=bool, na_value=False)
    rows = dossiers.loc[resolved & home & dossiers["returned_at"].notna().to_numpy()]
    days = working_days_between(rows["resolved_at"], rows["returned_at"]).astype("float64")
    frame = pd.DataFrame({"month": _month(rows["resolved_at"]), "days": days})
    table = frame.groupby("month", sort=True)["days"].agg(["size", "median", "max"]).reset_index()
    table.columns = ["month", "returned_home", "median_days", "max_days"]
    table["returned_home"] = table["returned_home"].astype("Int64")
    return table


def _system_column(dossiers: pd.DataFrame) -> str | None:
    for column in ("source_system", "field"):
        if column in dossiers.columns and dossiers[column].notna().any():
            return column
    return None


def _notice_rank(name: object) -> int:
    text = fold(str(name))
    return 0 if any(word in text for word in NOTICE_SYSTEM_WORDS) else 1


def return_delays(
    dossiers: pd.DataFrame, period: Period, *, max_days: int = DEFAULT_RETURN_DAYS, as_of: date | None = None
) -> pd.DataFrame | None:
    """Delays from result to return (and to sync, when the export has a sync date), per system and month.

    Parameters
    ----------
    dossiers : DataFrame
    period : Period
        Dossiers resolved in the period are measured, by month of resolution.
    max_days : int
        A dossier returned (synced) more than ``max_days`` working days after its result, or still not returned
        (synced) that long after it at ``as_of``, is *delayed*.
    as_of : date, optional
        The day the waiting is measured at (default: the end of the period).

    Returns
    -------
    DataFrame or None
        ``step`` («Trả kết quả» / «Đồng bộ»), ``system`` (the ``source_system`` — the Ministry of Justice's
        split by field, «Bộ Tư pháp — Hộ tịch» — else the ``field``, else «Toàn đơn vị»), ``month``, ``resolved``, ``done`` (returned / synced), ``waiting`` (not yet),
        ``median_days``, ``p90_days``, ``max_days`` (of the done ones), ``delayed``, ``delayed_rate``. The
        notice's systems first, then by delayed share. ``attrs["by"]`` names the grouping column. None when the
        export has neither ``returned_at`` nor ``synced_at``.
    """
    if missing_columns(dossiers, "delays"):
        return None
    as_of = as_of or period.end
    resolved = classify_dossiers(dossiers, period.start, period.end)["resolved"].to_numpy(dtype=bool)
    rows = dossiers.loc[resolved]
    by = _system_column(rows)
    system = (
        rows[by].astype("string").fillna("(không ghi)") if by else pd.Series("Toàn đơn vị", index=rows.index)
    )
    if by == "source_system" and "field" in rows:
        # The Ministry of Justice system carries both software the notice names (hộ tịch dùng chung, chứng thực
        # điện tử): split it by field so that each shows on its own.
        justice = system.map(lambda name: "tu phap" in fold(str(name))).to_numpy(dtype=bool)
        field = rows["field"].astype("string")
        split = justice & field.notna().to_numpy()
        system = system.where(~split, system + " — " + field)
    limit = pd.Series(pd.Timestamp(as_of + timedelta(days=1)), index=rows.index)
    waited = working_days_between(rows["resolved_at"], limit - pd.Timedelta(days=1)).astype("float64")
    parts = []
    for column, step in (("returned_at", "Trả kết quả"), ("synced_at", "Đồng bộ")):
        if column not in rows:
            continue
        scope = rows.index
        if column == "synced_at":  # a system none of whose dossiers has a sync date does not sync: left out
            syncing = rows[column].notna().groupby(system).transform("any").to_numpy(dtype=bool)
            scope = rows.index[syncing]
            if not len(scope):
                continue
        when = rows.loc[scope, column].where(
            rows.loc[scope, column] < limit.loc[scope]
        )  # after cut-off: not yet
        days = working_days_between(rows.loc[scope, "resolved_at"], when).astype("float64")
        done = when.notna()
        wait = waited.loc[scope]
        frame = pd.DataFrame(
            {
                "step": step,
                "system": system.loc[scope].to_numpy(),
                "month": _month(rows.loc[scope, "resolved_at"]).to_numpy(),
                "resolved": 1,
                "done": done.to_numpy(),
                "waiting": (~done).to_numpy(),
                "days": days.where(done).to_numpy(),
                "delayed": ((done & (days > max_days)) | (~done & (wait > max_days))).to_numpy(),
            }
        )
        parts.append(frame)
    frame = pd.concat(parts, ignore_index=True)
    grouped = frame.groupby(["step", "system", "month"], sort=False)
    table = grouped[["resolved", "done", "waiting", "delayed"]].sum()
    stats = grouped["days"].agg(
        median_days="median",
        p90_days=lambda s: s.quantile(0.9) if s.notna().any() else np.nan,
        max_days="max",
    )
    table = table.join(stats).reset_index()
    for column in ("resolved", "done", "waiting", "delayed"):
        table[column] = table[column].astype("Int64")
    table["delayed_rate"] = table["delayed"].astype("float64") / table["resolved"].astype("float64")
    share = table.groupby(["step", "system"])["delayed"].transform("sum") / table.groupby(["step", "system"])[
        "resolved"
    ].transform("sum")
    table["_notice"] = table["system"].map(_notice_rank)
    table["_share"] = -share.astype("float64")
    table["_step"] = table["step"].map({"Trả kết quả": 0, "Đồng bộ": 1})
    table = table.sort_values(["_step", "_notice", "_share", "system", "month"], kind="stable")
    table = table.drop(columns=["_notice", "_share", "_step"]).reset_index(drop=True)
    table.attrs["by"] = by
    table.attrs["max_days"] = max_days
    return table


def delays_by_system(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`return_delays` summed over months: ``step, system, resolved, done, waiting, delayed, delayed_rate``,
    in the same order (the notice's systems first)."""
    keys = ["step", "system"]
    summed = table.groupby(keys, sort=False)[["resolved", "done", "waiting", "delayed"]].sum().reset_index()
    summed["delayed_rate"] = summed["delayed"].astype("float64") / summed["resolved"].astype("float64")
    return summed


def absent_line(columns: list[str]) -> str:
    """Vietnamese names of the columns that would fill a section, for :func:`narrative.absent_section`."""
    return ", ".join(COLUMN_LABELS_VI.get(c, c) for c in columns)
