"""Measures for analysts exploring dossier data: processing times and the list of late and overdue dossiers.

The Biểu 06 categories (early, late, pending overdue…) come from :func:`cchc_analysis.rates.classify_dossiers`;
this module adds how long dossiers took and where the overdue ones are, dossier by dossier.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

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


# --------------------------------------------------------------------------------------------------------------
# statistical views: each returns a View — a tidy frame and a chart (or the one line saying why there is none)


@dataclass
class View:
    """What an exploration function gives: ``frame`` (tidy, one row per observation or cell) and ``chart``.

    A notebook shows the chart, or, when the file lacks the columns the view needs, the one line ``note`` that
    says so (``chart`` is then None and ``frame`` empty). ``frame, chart = view`` unpacks.
    """

    frame: pd.DataFrame
    chart: object | None
    note: object | None = None

    def __iter__(self) -> Iterator[object]:
        yield self.frame
        yield self.chart

    def _repr_png_(self):
        return self.chart._repr_png_() if self.chart is not None else None

    def _repr_markdown_(self):
        return self.note._repr_markdown_() if self.chart is None and self.note is not None else None


def _absent(columns: str | Sequence[str]) -> View:
    from cchc_analysis.narrative import absent_section

    return View(pd.DataFrame(), None, absent_section(columns))


def _nothing(text: str) -> View:
    from cchc_analysis.narrative import Markdown

    return View(pd.DataFrame(), None, Markdown(text))


def working_time_distribution(
    dossiers: pd.DataFrame, period: object, by: str = "field", *, synthetic: bool = False, max_groups: int = 8
) -> View:
    """Processing time in working days by ``by``: actual (received → resolved) next to statutory (→ due).

    Returns
    -------
    View
        ``frame``: one row per resolved dossier and measure — ``by``, ``dossier_id`` (if present), ``measure``
        («Thời gian thực tế» / «Thời gian theo quy định»), ``working_days``; the ``max_groups`` groups with most
        dossiers, largest first. ``chart``: :func:`cchc_analysis.charts.working_time_chart`.
    """
    from cchc_analysis import charts

    if by not in dossiers.columns:
        return _absent(by)
    times = processing_times(dossiers, period)
    keep = times[by].astype("string").fillna(charts.UNKNOWN_GROUP)
    order = list(keep.value_counts().head(max_groups).index)
    if not order:
        return _nothing(
            "Không có hồ sơ nào giải quyết xong trong kỳ nên không có thời gian giải quyết để vẽ."
        )
    times = times.assign(**{by: keep})
    times = times[times[by].isin(order)]
    ids = ["dossier_id"] if "dossier_id" in times else []
    parts = []
    for measure, column in (
        (charts.ACTUAL_TIME_VI, "working_days"),
        (charts.STATUTORY_TIME_VI, "statutory_working_days"),
    ):
        part = times[[by, *ids, column]].rename(columns={column: "working_days"})
        parts.append(part.assign(measure=measure))
    frame = pd.concat(parts, ignore_index=True)[[by, *ids, "measure", "working_days"]]
    frame = frame.dropna(subset=["working_days"])
    frame[by] = pd.Categorical(frame[by], categories=order)
    frame = frame.sort_values(by, kind="stable", ignore_index=True)  # actual before statutory within a group
    frame[by] = frame[by].astype("string")
    return View(frame, charts.working_time_chart(frame, by, synthetic=synthetic))


def _period_months(table: pd.DataFrame, period: object) -> pd.DataFrame:
    """Rows of the months of the period only (dossiers carried over from earlier months are counted in the
    totals, not drawn as months of their own)."""
    from cchc_analysis.periods import Period, parse_day

    first = period.start if isinstance(period, Period) else parse_day(period)
    return table[table["month"].astype(str) >= f"{first.year}-{first.month:02d}"]


def _rate_cells(dossiers: pd.DataFrame, period: object, row: str, rates: Sequence[str], max_rows: int):
    from cchc_analysis.rates import processing_rates

    table = _period_months(processing_rates(dossiers, period, by=[row, "month"]), period)
    size = table.groupby(row, dropna=False, observed=True)["in_scope"].sum().sort_values(ascending=False)
    rows = list(size.index[:max_rows])
    table = table[table[row].isin(rows)]
    frame = table.melt(id_vars=[row, "month"], value_vars=list(rates), var_name="rate", value_name="value")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame[row] = pd.Categorical(frame[row], categories=rows)
    frame = frame.sort_values([row, "rate", "month"], kind="stable", ignore_index=True)
    frame[row] = frame[row].astype("string")
    return frame


def rate_heatmap(
    dossiers: pd.DataFrame,
    period: object,
    by: str = "field",
    rates: Sequence[str] = ("on_time_rate", "full_online_rate"),
    *,
    synthetic: bool = False,
    max_rows: int = 15,
    title: str | None = None,
    note: str | None = None,
) -> View:
    """Biểu 06 rates by ``by`` × month as heatmaps (on-time and full-online rates by default).

    Returns
    -------
    View
        ``frame``: ``by``, ``month``, ``rate``, ``value`` (0–1; NaN where the month has no dossier to rate, or
        the file lacks what the rate needs); the ``max_rows`` groups with most dossiers. A rate unknown in every
        cell gets no panel (the note says so); a file without ``by`` gets one line.
    """
    from cchc_analysis import charts

    if by not in dossiers.columns:
        return _absent(by)
    frame = _rate_cells(dossiers, period, by, rates, max_rows)
    if frame.empty:
        return _nothing("Không có hồ sơ nào trong kỳ.")
    unknown = [r for r in rates if not frame.loc[frame["rate"] == r, "value"].notna().any()]
    if len(unknown) == len(rates):
        return View(frame, None, _nothing("Tệp không đủ cột để tính các tỷ lệ này.").note)
    parts = [note] if note else []
    if unknown:
        parts.append(
            "Không tính được " + ", ".join(charts.label(r).lower() for r in unknown) + " (tệp thiếu cột)."
        )
    else:
        parts.append("Ô trống: không có hồ sơ.")
    chart = charts.rate_heatmap_chart(
        frame, by, rates, title=title, synthetic=synthetic, note=" ".join(parts)
    )
    return View(frame, chart)


def officer_heatmap(
    dossiers: pd.DataFrame,
    period: object,
    rates: Sequence[str] = ("on_time_rate", "satisfaction_rate"),
    *,
    synthetic: bool = False,
    max_rows: int = 20,
) -> View:
    """On-time and satisfaction rates per officer (pseudonyms, as the loaders give them) × month."""
    return rate_heatmap(
        dossiers,
        period,
        "officer",
        rates,
        synthetic=synthetic,
        max_rows=max_rows,
        title="Từng cán bộ theo tháng",
        note="Cán bộ mang mã ẩn danh.",
    )


#: Channel groups of :func:`receipt_pattern`.
ONLINE_GROUP_VI = "Nộp trực tuyến"
COUNTER_GROUP_VI = "Nộp trực tiếp hoặc qua bưu chính"
ALL_GROUP_VI = "Mọi hồ sơ"


def receipt_pattern(dossiers: pd.DataFrame, period: object, *, synthetic: bool = False) -> View:
    """When dossiers arrive: counts by weekday × hour of receipt, online apart from counter and post.

    Returns
    -------
    View
        ``frame``: ``channel_group``, ``weekday`` (0 = Monday), ``weekday_name``, ``hour``, ``dossiers`` — the
        dossiers received in the period, one row per non-empty cell. When every receipt time is midnight the
        file holds dates without hours, and the view is one line.
    """
    from cchc_analysis import charts
    from cchc_analysis.periods import Period, parse_day
    from cchc_analysis.schema import ONLINE_CHANNELS

    first, last = (period.start, period.end) if isinstance(period, Period) else (parse_day(period), None)
    received = pd.to_datetime(dossiers["received_at"])
    inside = received.dt.date >= first
    if last is not None:
        inside &= received.dt.date <= last
    received = received[inside & received.notna()]
    if received.empty:
        return _nothing("Không có hồ sơ nào tiếp nhận trong kỳ.")
    if (received == received.dt.normalize()).all():
        return _nothing("Tệp chỉ ghi ngày tiếp nhận, không ghi giờ, nên không vẽ được hồ sơ đến vào giờ nào.")
    if "channel" in dossiers.columns:
        channel = dossiers.loc[received.index, "channel"].astype("string")
        group = np.where(
            channel.isin(ONLINE_CHANNELS).fillna(False),
            ONLINE_GROUP_VI,
            np.where(channel.notna(), COUNTER_GROUP_VI, "Không rõ kênh nộp"),
        )
    else:
        group = np.full(len(received), ALL_GROUP_VI)
    cells = pd.DataFrame(
        {"channel_group": group, "weekday": received.dt.day_of_week, "hour": received.dt.hour}
    )
    frame = cells.value_counts().rename("dossiers").reset_index()
    order = {ONLINE_GROUP_VI: 0, COUNTER_GROUP_VI: 1, ALL_GROUP_VI: 2}
    frame = frame.sort_values(
        ["channel_group", "weekday", "hour"],
        key=lambda s: s.map(order).fillna(3) if s.name == "channel_group" else s,
    ).reset_index(drop=True)
    frame.insert(2, "weekday_name", frame["weekday"].map(dict(enumerate(charts.WEEKDAYS_VI))))
    frame["dossiers"] = frame["dossiers"].astype("int64")
    note = (
        None
        if "channel" in dossiers.columns
        else "Tệp không có cột kênh thực hiện nên không tách trực tuyến."
    )
    return View(frame, charts.receipt_pattern_chart(frame, synthetic=synthetic, note=note))


def monthly_by_group(
    dossiers: pd.DataFrame,
    period: object,
    by: str = "unit",
    metric: str = "on_time_rate",
    *,
    highlight: object = None,
    synthetic: bool = False,
) -> View:
    """Monthly ``metric`` of each ``by`` value as small multiples (one panel each, the others grey behind).

    Returns
    -------
    View
        ``frame``: ``by``, ``month``, ``metric``, and the rate's denominator count; groups largest first.
    """
    from cchc_analysis import charts
    from cchc_analysis.rates import RATE_DEFINITIONS, processing_rates

    if by not in dossiers.columns:
        return _absent(by)
    table = _period_months(processing_rates(dossiers, period, by=[by, "month"]), period)
    base = RATE_DEFINITIONS[metric][1] if metric in RATE_DEFINITIONS else "resolved"
    size = table.groupby(by, dropna=False, observed=True)["in_scope"].sum().sort_values(ascending=False)
    frame = table[[by, "month", metric, base]].copy()
    frame[by] = pd.Categorical(frame[by], categories=list(size.index))
    frame = frame.sort_values([by, "month"], kind="stable", ignore_index=True)
    frame[by] = frame[by].astype("string")
    if not pd.to_numeric(frame[metric], errors="coerce").notna().any():
        return View(
            frame, None, _nothing(f"Không tính được {charts.label(metric).lower()} (tệp thiếu cột).").note
        )
    chosen = find_unit(list(frame[by].dropna().unique()), highlight) if by == "unit" else highlight
    chart = charts.small_multiples_chart(frame, by, metric, highlight=chosen, synthetic=synthetic)
    return View(frame, chart)


# --------------------------------------------------------------------------------------------------------------
# many units side by side

#: The Biểu 06 rates of :func:`unit_league`, in its columns' order.
LEAGUE_RATES: tuple[str, ...] = (
    "on_time_rate",
    "early_rate",
    "full_online_rate",
    "online_rate",
    "progress_766_rate",
)


def find_unit(names: Sequence[object], wanted: object) -> str | None:
    """The name among ``names`` that means the unit ``wanted`` («Bình Minh» finds «Xã Bình Minh»); None if none."""
    from cchc_analysis.loaders.unit_name import same_unit

    if wanted is None or not str(wanted).strip():
        return None
    for name in names:
        if str(name) == str(wanted).strip():
            return str(name)
    matches = [str(n) for n in names if same_unit(n, wanted)]
    return matches[0] if len(matches) == 1 else None


def unit_league(
    dossiers: pd.DataFrame,
    period: object,
    metric: str = "on_time_rate",
    *,
    highlight: object = None,
    synthetic: bool = False,
) -> View:
    """A league table of units: Biểu 06 counts and rates per unit, ranked by ``metric``, and where each sits.

    Returns
    -------
    View
        ``frame``: ``rank`` (1 = best; ties share the best rank), ``unit``, ``in_scope``, ``resolved``, the
        :data:`LEAGUE_RATES`, ``quartile`` («nhóm cao nhất» … «nhóm thấp nhất»: where the unit's ``metric`` falls
        among the units' quartiles); a unit whose ``metric`` is unknown has no rank. ``chart``:
        :func:`cchc_analysis.charts.league_chart`, ``highlight`` (``--unit``) in vermilion.
    """
    from cchc_analysis import charts
    from cchc_analysis.rates import processing_rates

    if "unit" not in dossiers.columns:
        return _absent("unit")
    table = processing_rates(dossiers, period, by="unit")
    table = table[pd.to_numeric(table["in_scope"], errors="coerce").fillna(0) > 0]
    if table.empty:
        return _nothing("Không đơn vị nào có hồ sơ trong kỳ.")
    value = pd.to_numeric(table[metric], errors="coerce").astype("float64")
    table = table.assign(rank=value.rank(ascending=False, method="min").astype("Int64"))
    q1, q3 = value.quantile(0.25), value.quantile(0.75)
    median = value.median()
    table["quartile"] = np.select(
        [value.isna(), value >= q3, value >= median, value >= q1],
        [None, "nhóm cao nhất", "trên trung vị", "dưới trung vị"],
        default="nhóm thấp nhất",
    )
    columns = ["rank", "unit", "in_scope", "resolved", *[r for r in LEAGUE_RATES if r in table], "quartile"]
    frame = table.assign(_v=value).sort_values(["_v", "unit"], ascending=[False, True], na_position="last")
    frame = frame[columns].reset_index(drop=True)
    frame["unit"] = frame["unit"].astype("string")
    chosen = find_unit(list(frame["unit"]), highlight)
    chart = charts.league_chart(frame, metric, highlight=chosen, synthetic=synthetic)
    return View(frame, chart)
