"""Processing-rate definitions of Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP): the one place they live.

For a reporting period ``[F, T]`` (calendar dates, both inclusive), comparing calendar dates by default:

- *new in period*: ``F <= received <= T``;
- *carried over* (từ kỳ trước): ``received < F`` and (``resolved`` blank or ``resolved >= F``);
- *in scope* = new + carried over;
- *resolved in period*: in scope and ``resolved <= T``; of which *early* (trước hạn) ``resolved < due``,
  *on time* (đúng hạn) ``resolved == due``, *late* (quá hạn) ``resolved > due``;
- *pending at T*: in scope and (``resolved`` blank or ``resolved > T``); of which *within deadline* (trong hạn)
  ``due >= T`` and *overdue* (quá hạn) ``due < T``.

With ``granularity="datetime"`` full timestamps are compared instead: ``F`` is the start of day ``F``, "on or
before ``T``" means before the end of day ``T``, and a pending dossier is within its deadline when ``due`` is at
or after the start of day ``T`` (so both granularities agree on dossiers due on ``T``).

All counts are additive over disjoint sets of dossiers, which is what lets a folder of files be counted one file
at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.periods import Period, parse_day
from cchc_analysis.schema import CALENDAR_KEYS, COLUMN_LABELS_VI, ONLINE_CHANNELS, SATISFIED_LEVELS

#: Count columns, in the order of the JSON contract (optional-column counts last).
COUNT_COLUMNS: tuple[str, ...] = (
    "in_scope",
    "new",
    "new_online",
    "new_in_person_postal",
    "carried_over",
    "resolved",
    "early",
    "on_time",
    "late",
    "pending",
    "pending_within",
    "pending_overdue",
    "full_online",
    "partial_online",
    "digitized",
    "data_reused",
    "fee_required",
    "paid_online",
    "rated",
    "satisfied",
    "complaint",
    "home_delivery",
)

#: The input column each count needs beyond the three dates; absent column → the count is null.
_COUNT_NEEDS: dict[str, str] = {
    "new_online": "channel",
    "new_in_person_postal": "channel",
    "full_online": "channel",
    "partial_online": "channel",
    "digitized": "digitized",
    "data_reused": "data_reused",
    "fee_required": "fee_required",
    "paid_online": "paid_online",
    "rated": "satisfaction",
    "satisfied": "satisfaction",
    "complaint": "complaint",
    "home_delivery": "home_delivery",
}

#: rate → (numerator counts summed, denominator count). ``satisfaction_766_rate`` is derived after these.
RATE_DEFINITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "early_rate": (("early",), "resolved"),
    "on_time_rate": (("early", "on_time"), "resolved"),
    "late_rate": (("late",), "resolved"),
    "progress_766_rate": (("early", "on_time", "pending_within"), "in_scope"),
    "online_rate": (("new_online",), "new"),
    "full_online_rate": (("full_online",), "new"),
    "partial_online_rate": (("partial_online",), "new"),
    "digitization_rate": (("digitized",), "new"),
    "reuse_rate": (("data_reused",), "new"),
    "online_payment_rate": (("paid_online",), "fee_required"),
    "satisfaction_rate": (("satisfied",), "rated"),
    "complaint_rate": (("complaint",), "in_scope"),
}

RATE_COLUMNS: tuple[str, ...] = (*RATE_DEFINITIONS, "satisfaction_766_rate")

#: The rates of the JSON contract of ``cchc kpis`` (SPEC §5), in order.
JSON_RATE_COLUMNS: tuple[str, ...] = RATE_COLUMNS

#: Identities of Biểu 06 that hold for every group: (left side, right-side counts summed).
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("in_scope", ("resolved", "pending")),
    ("in_scope", ("new", "carried_over")),
    ("resolved", ("early", "on_time", "late")),
    ("pending", ("pending_within", "pending_overdue")),
    ("new", ("new_online", "new_in_person_postal")),
    ("in_scope", ("new_online", "new_in_person_postal", "carried_over")),
)

_NAT = np.iinfo(np.int64).min


def _bounds(start: object, end: object) -> tuple[date, date]:
    if isinstance(start, Period):
        return start.start, start.end
    f = parse_day(start, what="ngày bắt đầu")
    t = parse_day(end, what="ngày kết thúc")
    if t < f:
        raise InputError(
            f"Kỳ báo cáo có ngày kết thúc {t:%d/%m/%Y} trước ngày bắt đầu {f:%d/%m/%Y}",
            f"The period ends ({t:%d/%m/%Y}) before it starts ({f:%d/%m/%Y})",
        )
    return f, t


def _ticks(column: pd.Series, unit: str) -> np.ndarray:
    """Dates as int64 ticks of ``unit`` ('D' floors to calendar days); NaT becomes the int64 minimum."""
    values = pd.to_datetime(column).to_numpy()
    return values.astype(f"datetime64[{unit}]").astype(np.int64)


def _flags(
    dossiers: pd.DataFrame, start: object, end: object, granularity: str = "date"
) -> dict[str, np.ndarray | None]:
    """Boolean arrays, one per count column (None where the input column a count needs is absent)."""
    if granularity not in ("date", "datetime"):
        raise InputError(
            f"Độ chi tiết thời gian không hợp lệ «{granularity}»: dùng date hoặc datetime",
            f"Unknown granularity {granularity!r}: use date or datetime",
        )
    missing = [c for c in ("received_at", "due_at", "resolved_at") if c not in dossiers.columns]
    if missing:
        raise InputError(
            "Thiếu cột bắt buộc: " + ", ".join(COLUMN_LABELS_VI[c] for c in missing),
            "Missing required column(s): " + ", ".join(missing),
        )
    f, t = _bounds(start, end)
    unit = "D" if granularity == "date" else "us"
    day = np.timedelta64(1, "D").astype(f"timedelta64[{unit}]").astype(np.int64)
    first = np.datetime64(f, unit).astype(np.int64)
    last_day = np.datetime64(t, unit).astype(np.int64)
    # "on or before T": before the start of the next day (for dates: <= T).
    after_last = last_day + day

    received = _ticks(dossiers["received_at"], unit)
    due = _ticks(dossiers["due_at"], unit)
    resolved_at = _ticks(dossiers["resolved_at"], unit)
    has_resolved = resolved_at != _NAT

    new = (received >= first) & (received < after_last)
    carried_over = (received < first) & (received != _NAT) & (~has_resolved | (resolved_at >= first))
    in_scope = new | carried_over
    resolved = in_scope & has_resolved & (resolved_at < after_last)
    pending = in_scope & ~resolved
    flags: dict[str, np.ndarray | None] = {
        "in_scope": in_scope,
        "new": new,
        "carried_over": carried_over,
        "resolved": resolved,
        "early": resolved & (resolved_at < due),
        "on_time": resolved & (resolved_at == due),
        "late": resolved & (resolved_at > due),
        "pending": pending,
        "pending_within": pending & (due >= last_day),
        "pending_overdue": pending & (due < last_day),
    }

    def present(column: str) -> bool:
        return column in dossiers.columns

    def true(column: str) -> np.ndarray:
        return dossiers[column].fillna(False).to_numpy(dtype=bool)

    if present("channel"):
        channel = dossiers["channel"].astype("string")
        online = channel.isin(sorted(ONLINE_CHANNELS)).to_numpy(dtype=bool)
        # A blank channel is in-person (DVCQG KenhThucHien blank = 1).
        flags["new_online"] = new & online
        flags["new_in_person_postal"] = new & ~online
        flags["full_online"] = new & (channel == "full_online").fillna(False).to_numpy(dtype=bool)
        flags["partial_online"] = new & (channel == "partial_online").fillna(False).to_numpy(dtype=bool)
    for column in ("digitized", "data_reused", "fee_required", "paid_online"):
        if present(column):
            flags[column] = new & true(column)
    if present("satisfaction"):
        rating = dossiers["satisfaction"].astype("string")
        flags["rated"] = resolved & rating.notna().to_numpy(dtype=bool)
        flags["satisfied"] = resolved & rating.isin(sorted(SATISFIED_LEVELS)).to_numpy(dtype=bool)
    for column in ("complaint", "home_delivery"):
        if present(column):
            flags[column] = in_scope & true(column)
    return {name: flags.get(name) for name in COUNT_COLUMNS}


def classify_dossiers(
    dossiers: pd.DataFrame, start: object, end: object, *, granularity: str = "date"
) -> pd.DataFrame:
    """Flag each dossier with the Biểu 06 categories it falls in for the period ``[start, end]``.

    Parameters
    ----------
    dossiers : DataFrame
        Canonical dossier frame (as ``load_dossiers`` returns it).
    start, end : date, str or Period
        First and last day of the period (``"01/01/2026"``); pass a :class:`Period` as ``start`` alone too.
    granularity : {"date", "datetime"}
        Compare calendar dates (default) or full timestamps.

    Returns
    -------
    DataFrame
        One boolean column per count in ``COUNT_COLUMNS`` (absent where the needed input column is absent),
        aligned on the index of ``dossiers``.

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-01-05"]), "due_at": pd.to_datetime(["2026-01-07"]),
    ...                   "resolved_at": pd.to_datetime(["2026-01-07"])})
    >>> classify_dossiers(d, "01/01/2026", "31/01/2026").loc[0, ["new", "resolved", "on_time"]].tolist()
    [True, True, True]
    """
    flags = _flags(dossiers, start, end, granularity)
    return pd.DataFrame({k: v for k, v in flags.items() if v is not None}, index=dossiers.index)


def _key_series(dossiers: pd.DataFrame, column: str) -> pd.Series:
    if column in CALENDAR_KEYS:
        received = pd.to_datetime(dossiers["received_at"])
        freq = "M" if column == "month" else "Q"
        periods = received.dt.to_period(freq)
        if column == "month":
            return periods.dt.strftime("%Y-%m").astype("string")
        return (periods.dt.year.astype("string") + "-Q" + periods.dt.quarter.astype("string")).astype(
            "string"
        )
    if column not in dossiers.columns:
        raise InputError(
            f"Không thể nhóm theo «{column}»: dữ liệu không có cột này",
            f"Cannot group by {column!r}: the data has no such column",
        )
    return dossiers[column]


def normalise_by(by: str | Iterable[str] | None) -> list[str]:
    """Grouping columns from ``None``, ``"field"``, ``"unit,quarter"`` or a list of such strings."""
    if by is None:
        return []
    items = [by] if isinstance(by, str) else list(by)
    columns: list[str] = []
    for item in items:
        for part in str(item).split(","):
            name = part.strip()
            if name and name not in columns:
                columns.append(name)
    return columns


def count_dossiers(
    dossiers: pd.DataFrame,
    start: object,
    end: object | None = None,
    *,
    by: str | Sequence[str] | None = None,
    granularity: str = "date",
) -> pd.DataFrame:
    """Biểu 06 counts for the period ``[start, end]``, overall or per group.

    Parameters
    ----------
    dossiers : DataFrame
        Canonical dossier frame.
    start, end : date, str or Period
        Period bounds (day first), or a :class:`Period` as ``start`` and no ``end``.
    by : str or list of str, optional
        Grouping columns: any dossier column, plus ``month`` / ``quarter`` of receipt. A group exists when at least
        one of its dossiers is in scope; a blank key is its own group (NA, sorted last).
    granularity : {"date", "datetime"}
        Compare calendar dates (default) or full timestamps.

    Returns
    -------
    DataFrame
        The grouping columns, then ``COUNT_COLUMNS`` as nullable Int64 (NA where the input column a count needs
        is absent), one row per group sorted by key.

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-01-05", "2025-12-30"]),
    ...                   "due_at": pd.to_datetime(["2026-01-07", "2026-01-02"]),
    ...                   "resolved_at": pd.to_datetime(["2026-01-06", None])})
    >>> count_dossiers(d, "01/01/2026", "31/01/2026").loc[0, ["in_scope", "early", "pending_overdue"]].tolist()
    [2, 1, 1]
    """
    flags = _flags(dossiers, start, end, granularity)
    columns = normalise_by(by)
    in_scope = flags["in_scope"]
    rows = np.flatnonzero(in_scope)

    if columns:
        scoped = dossiers.iloc[rows] if len(rows) < len(dossiers) else dossiers
        combined = np.zeros(len(rows), dtype=np.int64)
        uniques_per_column = []
        for column in columns:
            codes, uniques = pd.factorize(_key_series(scoped, column), use_na_sentinel=False)
            uniques_per_column.append(uniques)
            combined = combined * max(len(uniques), 1) + codes
        group, group_values = pd.factorize(combined, sort=False)
        n_groups = len(group_values)
        # Decode each group's combined code back to the per-column key values.
        keys = {}
        remainder = np.asarray(group_values, dtype=np.int64)
        for column, uniques in reversed(list(zip(columns, uniques_per_column, strict=True))):
            size = max(len(uniques), 1)
            keys[column] = pd.Index(uniques).take(remainder % size)
            remainder = remainder // size
        result = pd.DataFrame({c: keys[c] for c in columns})
    else:
        group = np.zeros(len(rows), dtype=np.int64)
        n_groups = 1
        result = pd.DataFrame(index=range(1))

    for name in COUNT_COLUMNS:
        flag = flags[name]
        if flag is None:
            result[name] = pd.array([pd.NA] * n_groups, dtype="Int64")
        else:
            result[name] = pd.array(np.bincount(group, weights=flag[rows], minlength=n_groups), dtype="Int64")
    if columns:
        result = _sort_by_key(result, columns)
    return result


def _sort_by_key(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype) and not values.cat.ordered:
            frame[column] = values.astype(values.dtype.categories.dtype)
    return frame.sort_values(columns, na_position="last", kind="stable", ignore_index=True)


def sum_counts(parts: Iterable[pd.DataFrame], by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Add up count frames of disjoint dossier sets (e.g. one per file), group by group.

    A count that is NA in some part (its column absent from that file) stays NA in the sum.
    """
    columns = normalise_by(by)
    frames = [p for p in parts if len(p)]
    if not frames:
        raise ValueError("no counts to add up")
    stacked = pd.concat(frames, ignore_index=True)
    if not columns:
        total = stacked[list(COUNT_COLUMNS)].sum(min_count=len(stacked), skipna=False).to_frame().T
        return total.astype("Int64").reset_index(drop=True)
    summed = stacked.groupby(columns, dropna=False, sort=False, observed=True)[list(COUNT_COLUMNS)].sum(
        min_count=1
    )
    has_na = (
        stacked[list(COUNT_COLUMNS)]
        .isna()
        .groupby([stacked[c] for c in columns], dropna=False, sort=False, observed=True)
        .any()
    )
    summed = summed.mask(has_na.to_numpy()).astype("Int64")
    return _sort_by_key(summed.reset_index(), columns)


def add_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Append ``RATE_COLUMNS`` to a counts frame: unrounded fractions, NaN where the denominator is 0 or NA.

    ``satisfaction_766_rate`` (proxy of 766 indicator 5.4) is ``1 − (late + pending_overdue) / in_scope −
    complaint_rate``; NaN when the complaint column is absent.

    Examples
    --------
    >>> c = pd.DataFrame({"resolved": [4, 0], "early": [3, 0], "on_time": [1, 0], "late": [0, 0]})
    >>> add_rates(c)[["early_rate", "on_time_rate"]].to_numpy().tolist()
    [[0.75, 1.0], [nan, nan]]
    """
    result = counts.copy()
    for rate, (numerators, denominator) in RATE_DEFINITIONS.items():
        if denominator not in counts or not all(n in counts for n in numerators):
            continue
        numerator = sum(counts[n].astype("Float64") for n in numerators)
        den = counts[denominator].astype("Float64")
        ratio = numerator / den.where(den > 0)
        result[rate] = ratio.to_numpy(dtype="float64", na_value=np.nan)
    if {"late", "pending_overdue", "in_scope", "complaint_rate"} <= set(result.columns):
        scope = counts["in_scope"].astype("Float64")
        not_timely = (counts["late"] + counts["pending_overdue"]).astype("Float64") / scope.where(scope > 0)
        value = (
            1 - not_timely.to_numpy(dtype="float64", na_value=np.nan) - result["complaint_rate"].to_numpy()
        )
        result["satisfaction_766_rate"] = value
    return result


def processing_rates(
    dossiers: pd.DataFrame,
    start: object,
    end: object | None = None,
    *,
    by: str | Sequence[str] | None = None,
    granularity: str = "date",
) -> pd.DataFrame:
    """Counts and rates for the period, overall or per group: ``add_rates(count_dossiers(...))``.

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-01-05"]), "due_at": pd.to_datetime(["2026-01-07"]),
    ...                   "resolved_at": pd.to_datetime(["2026-01-08"])})
    >>> processing_rates(d, "01/01/2026", "31/01/2026").loc[0, "late_rate"]
    np.float64(1.0)
    """
    return add_rates(count_dossiers(dossiers, start, end, by=by, granularity=granularity))


def identity_violations(counts: pd.DataFrame) -> pd.DataFrame:
    """Rows where a Biểu 06 identity fails; empty when all hold. Identities with an NA side are skipped.

    Returns
    -------
    DataFrame
        Columns ``row, identity, left, right`` (``right`` is the sum of the right-hand side).
    """
    problems = []
    for left, parts in IDENTITIES:
        if left not in counts or not all(p in counts for p in parts):
            continue
        lhs = counts[left].astype("Float64")
        rhs = sum(counts[p].astype("Float64") for p in parts)
        bad = (lhs != rhs).fillna(False)
        for row in np.flatnonzero(bad.to_numpy(dtype=bool)):
            problems.append(
                {
                    "row": int(row),
                    "identity": f"{left} = {' + '.join(parts)}",
                    "left": int(lhs.iloc[row]),
                    "right": int(rhs.iloc[row]),
                }
            )
    return pd.DataFrame(problems, columns=["row", "identity", "left", "right"])


def check_identities(counts: pd.DataFrame) -> None:
    """Raise ``AssertionError`` naming the first failed Biểu 06 identity; return None when all hold."""
    problems = identity_violations(counts)
    if len(problems):
        first = problems.iloc[0]
        raise AssertionError(
            f"Biểu 06 identity {first['identity']} fails on row {first['row']}: "
            f"{first['left']} != {first['right']} ({len(problems)} failure(s))"
        )
