"""Ranking trends under the 766 index set: ranks over snapshots, change, percentile and direction in words.

A ranking snapshot is a year-to-date rank of a unit among ``n_units`` units on a date (the portal's rankings change
daily). Rank 1 is best, so a *higher* rank number is a *worse* position: going from 40/114 to 58/114 is a fall of
18 places. Changes here are counted in places gained: ``change = previous rank − current rank`` (positive =
moved up = better, negative = fell = worse), and each change is also said in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_date, fmt_int, parse_vn_number
from cchc_analysis.loaders.tables import read_table
from cchc_analysis.periods import parse_day
from cchc_analysis.resources import bundled_dir_or_expected

#: Optional group-score columns of a snapshot file are named ``score_<group_code>`` (``score_1`` … ``score_6``).
GROUP_SCORE_PREFIX = "score_"

#: The portal's province ranking file (REAL, 34 provinces × 6 daily snapshots, October 2026).
PROVINCE_RANKING = bundled_dir_or_expected("data") / "portal_766" / "ranking_766_provinces_2026-10.csv"
#: Column names of the portal's ranking layout (``date, unit_code, unit_name, total_score, <six groups>,
#: score_delta, rank_total``) and what they are in a snapshot file.
PORTAL_ALIASES: dict[str, str] = {
    "unit_name": "unit",
    "rank_total": "rank",
    "cong_khai_minh_bach": "score_1",
    "tien_do_giai_quyet": "score_2",
    "dich_vu_cong_truc_tuyen": "score_3",
    "thanh_toan_truc_tuyen": "score_4",
    "muc_do_hai_long": "score_5",
    "so_hoa_ho_so": "score_6",
}
#: Said of a snapshot identical to the previous one (the portal had not updated that day).
NO_UPDATE_VI = "không cập nhật (giống hệt ngày trước)"

TREND_COLUMNS: tuple[str, ...] = (
    "unit",
    "date",
    "rank",
    "n_units",
    "total_score",
    "rank_from_scores",
    "change_prev",
    "change_first",
    "percentile",
    "direction",
    "direction_first",
    "description",
    "updated",
)


def competition_rank(scores: pd.Series, *, higher_is_better: bool = True) -> pd.Series:
    """Standard competition ranking ("1224"): tied scores share the best rank, the next rank skips.

    Parameters
    ----------
    scores : Series
        Scores; NaN scores get no rank.
    higher_is_better : bool
        True for 766 scores (the highest total ranks first).

    Returns
    -------
    Series
        Nullable ``Int64`` ranks, same index.

    Examples
    --------
    >>> competition_rank(pd.Series([90.0, 85.0, 85.0, 80.0])).tolist()
    [1, 2, 2, 4]
    """
    ranks = pd.to_numeric(scores, errors="coerce").rank(method="min", ascending=not higher_is_better)
    return ranks.round().astype("Int64")


def percentile(rank: float, n_units: float) -> float:
    """Share of the other units ranked below: ``(n − rank) / (n − 1)``; 1 at rank 1, 0 at rank n, NaN if n ≤ 1."""
    if pd.isna(rank) or pd.isna(n_units) or n_units <= 1:
        return float("nan")
    return (float(n_units) - float(rank)) / (float(n_units) - 1)


def describe_change(change: object) -> str:
    """A change in places said in words: ``-18`` → ``'giảm 18 bậc (xấu đi)'``, ``3`` → ``'tăng 3 bậc (cải thiện)'``.

    ``change`` counts places gained (previous rank − current rank); NA → ``'mốc đầu tiên'``.
    """
    if change is None or pd.isna(change):
        return "mốc đầu tiên"
    change = int(change)
    if change > 0:
        return f"tăng {fmt_int(change)} bậc (cải thiện)"
    if change < 0:
        return f"giảm {fmt_int(-change)} bậc (xấu đi)"
    return "giữ nguyên"


def _column_map(frame: pd.DataFrame) -> dict[str, str]:
    return {str(c).strip().lower(): c for c in frame.columns}


def validate_snapshots(
    snapshots: pd.DataFrame, *, file: object = None, rows: Sequence[int] | None = None
) -> pd.DataFrame:
    """Type and check a snapshot frame (columns ``date, unit, rank, n_units``; optional ``total_score``,
    ``score_<group>``, ``source``).

    Dates are read day first or ISO; ``rank`` and ``n_units`` may be blank on a row that has a ``total_score``
    (they are then derived from the scores of the snapshot, see :func:`rank_trend`). ``rows`` are the file's
    line numbers of the rows, for messages (default: header on line 1, data from line 2).

    Raises
    ------
    InputError
        A missing column, an unreadable date or number, a rank outside ``1..n_units``, a duplicate
        (date, unit), or a row with neither a rank nor a score.
    """
    snapshots = _portal_layout(snapshots)
    cols = _column_map(snapshots)
    missing = [c for c in ("date", "unit", "rank", "n_units") if c not in cols]
    if missing:
        raise InputError(
            "Thiếu cột trong tệp xếp hạng: " + ", ".join(missing) + " (cần date, unit, rank, n_units)",
            "Missing column(s) in the ranking file: " + ", ".join(missing),
            file=file,
        )
    out = pd.DataFrame(index=snapshots.index)
    rows = list(rows) if rows is not None else list(range(2, len(snapshots) + 2))
    out["date"] = _snapshot_dates(snapshots[cols["date"]], rows, file=file)
    out["unit"] = _snapshot_units(snapshots[cols["unit"]], rows, file=file)
    numeric = ["rank", "n_units", "total_score"] + [
        c for c in cols if c.startswith(GROUP_SCORE_PREFIX) and c != "total_score"
    ]
    for name in numeric:
        out[name] = (
            _snapshot_numbers(snapshots[cols[name]], name, rows, file=file) if name in cols else float("nan")
        )
    _check_snapshot_rows(out, snapshots, cols, rows, file=file)
    out["rank"] = out["rank"].astype("Int64")
    out["n_units"] = out["n_units"].astype("Int64")
    for name in ("source", "unit_code"):
        if name in cols:
            out[name] = snapshots[cols[name]].astype("string")
    return out.reset_index(drop=True)


def _portal_layout(frame: pd.DataFrame) -> pd.DataFrame:
    """The portal's ranking layout (``unit_name``, ``rank_total``, six Vietnamese group columns, no ``n_units``)
    renamed to the snapshot columns; ``n_units`` is then the number of units of each date."""
    cols = _column_map(frame)
    if "rank_total" not in cols and not ("unit_code" in cols and "unit_name" in cols):
        return frame
    renames = {cols[k]: v for k, v in PORTAL_ALIASES.items() if k in cols and v not in cols}
    # ``score_delta``: as the portal returns it, meaning undocumented; not a group score, left out
    out = frame.rename(columns=renames).drop(columns=[cols["score_delta"]] if "score_delta" in cols else [])
    if "n_units" not in _column_map(out):
        dates = out[_column_map(out)["date"]] if "date" in _column_map(out) else None
        if dates is not None:
            out["n_units"] = dates.map(dates.value_counts()).astype(str)
    return out


def _snapshot_dates(values: pd.Series, rows: list[int], *, file: object) -> pd.Series:
    dates = []
    for row, value in zip(rows, values, strict=True):
        try:
            dates.append(pd.Timestamp(parse_day(value)))
        except InputError:
            raise InputError(
                "Không đọc được ngày xếp hạng",
                "Unreadable snapshot date",
                file=file,
                row=row,
                column="date",
                value=value,
            ) from None
    return pd.Series(dates, index=values.index, dtype="datetime64[ns]")


def _snapshot_units(values: pd.Series, rows: list[int], *, file: object) -> pd.Series:
    units = []
    for row, value in zip(rows, values, strict=True):
        text = "" if pd.isna(value) else str(value).strip()
        if not text:
            raise InputError("Thiếu tên đơn vị", "Blank unit", file=file, row=row, column="unit")
        units.append(text)
    return pd.Series(units, index=values.index, dtype="string")


def _snapshot_numbers(values: pd.Series, name: str, rows: list[int], *, file: object) -> list[float]:
    """Numbers in Vietnamese style (``3.099``, ``64,08``); a blank cell is NaN."""
    numbers = []
    for row, value in zip(rows, values, strict=True):
        text = "" if pd.isna(value) else str(value).strip()
        if not text:
            numbers.append(float("nan"))
            continue
        try:
            numbers.append(parse_vn_number(text))
        except ValueError:
            raise InputError(
                "Giá trị không phải là số", "Not a number", file=file, row=row, column=name, value=value
            ) from None
    return numbers


def _check_snapshot_rows(
    out: pd.DataFrame, snapshots: pd.DataFrame, cols: dict[str, str], rows: list[int], *, file: object
) -> None:
    """Ranks and unit counts are positive whole numbers, a rank is within its count, a row has a rank or a
    score, and a unit has one row per date."""
    for name in ("rank", "n_units"):
        bad = out[name].notna() & ((out[name] % 1 != 0) | (out[name] < 1))
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise InputError(
                "Thứ hạng và số đơn vị phải là số nguyên dương",
                "rank and n_units must be positive whole numbers",
                file=file,
                row=rows[i],
                column=name,
                value=snapshots[cols[name]].iloc[i],
            )
    over = out["rank"].notna() & out["n_units"].notna() & (out["rank"] > out["n_units"])
    if over.any():
        i = int(over.to_numpy().argmax())
        raise InputError(
            "Thứ hạng lớn hơn số đơn vị được xếp hạng",
            "rank is larger than the number of units ranked",
            file=file,
            row=rows[i],
            column="rank",
            value=f"{out['rank'].iloc[i]:.0f}/{out['n_units'].iloc[i]:.0f}",
        )
    neither = out["rank"].isna() & out["total_score"].isna()
    if neither.any():
        i = int(neither.to_numpy().argmax())
        raise InputError(
            "Dòng không có thứ hạng cũng không có tổng điểm",
            "The row has neither a rank nor a total score",
            file=file,
            row=rows[i],
            column="rank",
        )
    dup = out.duplicated(["date", "unit"])
    if dup.any():
        i = int(dup.to_numpy().argmax())
        raise InputError(
            "Một đơn vị có hai dòng xếp hạng cùng ngày",
            "Two snapshots of one unit on one date",
            file=file,
            row=rows[i],
            column="unit",
            value=out["unit"].iloc[i],
        )


def read_ranking_snapshots(path: str | Path) -> pd.DataFrame:
    """Read a ranking-snapshot CSV: ``date,unit,rank,n_units[,total_score][,score_<group>…][,source]``.

    Any encoding and delimiter :func:`cchc_analysis.loaders.tables.read_table` reads (``;`` from Excel too).

    Returns
    -------
    DataFrame
        The typed snapshots (see :func:`validate_snapshots`).

    Raises
    ------
    InputError
        When the file cannot be read or a row is wrong.
    """
    p = Path(path)
    try:
        frame = read_table(
            p, required=("date", "unit", "rank", "n_units"), what="tệp xếp hạng", what_en="ranking file"
        )
    except InputError as first:
        try:
            frame = read_table(
                p, required=("date", "rank_total"), what="tệp xếp hạng", what_en="ranking file"
            )
        except InputError:  # not the portal's layout either: the first message says what is missing
            raise first from None
    return validate_snapshots(frame.reset_index(drop=True), file=p, rows=frame.index.tolist())


def read_province_ranking(path: str | Path | None = None) -> pd.DataFrame:
    """The portal's province ranking (default: the REAL October 2026 file in ``data/portal_766/``), read by
    :func:`read_ranking_snapshots`: ``unit`` is the unit's name, ``unit_code`` its code, ``score_1`` …
    ``score_6`` the six group scores, ``n_units`` the number of units of each date."""
    return read_ranking_snapshots(PROVINCE_RANKING if path is None else path)


def snapshot_updates(snapshots: pd.DataFrame) -> pd.Series:
    """Whether each snapshot date brought new figures: False when every unit's rank and scores equal those of the
    previous date (the portal had not updated). Index = the dates in order; the first date is True, and so is a
    date without scores (an unchanged rank alone is not a missing update)."""
    values = [c for c in ("rank", "total_score") if c in snapshots] + sorted(
        c for c in snapshots.columns if str(c).startswith(GROUP_SCORE_PREFIX)
    )
    previous = None
    out = {}
    for day, rows in snapshots.sort_values("date").groupby("date", sort=True):
        state = rows.set_index("unit")[values].sort_index().astype("Float64").round(6)
        scored = "total_score" in rows and rows["total_score"].notna().any()  # ranks alone cannot tell
        out[day] = (
            previous is None
            or not scored
            or not (state.index.equals(previous.index) and state.fillna(-1.0).equals(previous.fillna(-1.0)))
        )
        previous = state
    return pd.Series(out, dtype=bool, name="updated")


def rank_trend(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Rank, change and direction of each unit over its snapshots.

    Where a snapshot date holds a ``total_score`` for several units, ``rank_from_scores`` is their standard
    competition rank (1, 2, 2, 4) among the units of that date with a score; it fills ``rank`` where the file
    gives none (and ``n_units`` then becomes the number of scored units). A rank given in the file is kept:
    the portal ranks among all units of the province, the file may hold only a few.

    Parameters
    ----------
    snapshots : DataFrame
        From :func:`read_ranking_snapshots` (or a frame with the same columns; it is validated).

    Returns
    -------
    DataFrame
        One row per unit and date, sorted by unit then date, columns :data:`TREND_COLUMNS` (plus any
        ``score_<group>`` columns): ``change_prev`` / ``change_first`` are places gained since the previous /
        first snapshot of the unit (positive = better; NA on the first), ``percentile`` is
        ``(n_units − rank) / (n_units − 1)``, ``direction`` / ``direction_first`` say the change in words
        (``'giảm 18 bậc (xấu đi)'``), ``description`` one Vietnamese sentence.

    Examples
    --------
    >>> snaps = pd.DataFrame({"date": ["2026-03-12", "2026-04-15"], "unit": ["Đại Sơn"] * 2,
    ...                       "rank": [40, 58], "n_units": [114, 114]})
    >>> rank_trend(snaps)[["rank", "change_prev", "direction"]].values.tolist()
    [[40, <NA>, 'mốc đầu tiên'], [58, -18, 'giảm 18 bậc (xấu đi)']]
    """
    if not pd.api.types.is_datetime64_any_dtype(snapshots.get("date")) or snapshots["rank"].dtype != "Int64":
        snapshots = validate_snapshots(snapshots)
    frame = snapshots.copy()
    if "total_score" not in frame:
        frame["total_score"] = float("nan")
    frame["rank_from_scores"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    for _, idx in frame.groupby("date").groups.items():
        scores = frame.loc[idx, "total_score"]
        if scores.notna().sum() >= 2:
            frame.loc[idx, "rank_from_scores"] = competition_rank(scores)
    fill = frame["rank"].isna() & frame["rank_from_scores"].notna()
    scored_count = frame.groupby("date")["total_score"].transform(lambda s: s.notna().sum())
    frame.loc[fill, "rank"] = frame.loc[fill, "rank_from_scores"]
    frame.loc[fill & frame["n_units"].isna(), "n_units"] = scored_count[fill & frame["n_units"].isna()]
    frame = frame.sort_values(["unit", "date"], kind="stable").reset_index(drop=True)
    rank = frame["rank"].astype("Float64")
    grouped = rank.groupby(frame["unit"])
    frame["change_prev"] = (grouped.shift(1) - rank).astype("Int64")
    frame["change_first"] = (grouped.transform("first") - rank).astype("Int64")
    first = frame.groupby("unit").cumcount() == 0
    frame.loc[first, "change_first"] = pd.NA
    frame["percentile"] = [percentile(r, n) for r, n in zip(frame["rank"], frame["n_units"], strict=True)]
    updated = snapshot_updates(frame)
    frame["updated"] = frame["date"].map(updated).astype(bool)
    frame["direction"] = [
        describe_change(c) if u else NO_UPDATE_VI
        for c, u in zip(frame["change_prev"], frame["updated"], strict=True)
    ]
    frame["direction_first"] = [describe_change(c) for c in frame["change_first"]]
    prev = frame.groupby("unit")[["rank", "n_units", "date"]].shift(1)
    descriptions = []
    for i, r in frame.iterrows():
        here = f"hạng {_rank_text(r['rank'], r['n_units'])} ngày {fmt_date(r['date'])}"
        if pd.isna(r["change_prev"]):
            descriptions.append(f"{r['unit']}: {here}")
            continue
        before = f"hạng {_rank_text(prev.loc[i, 'rank'], prev.loc[i, 'n_units'])} ngày {fmt_date(prev.loc[i, 'date'])}"
        if not r["updated"]:
            rank = _rank_text(r["rank"], r["n_units"])
            descriptions.append(f"{r['unit']}: ngày {fmt_date(r['date'])} {NO_UPDATE_VI}, vẫn hạng {rank}")
            continue
        verb = "lên" if r["change_prev"] > 0 else "xuống" if r["change_prev"] < 0 else "đến"
        descriptions.append(f"{r['unit']}: từ {before} {verb} {here}, {r['direction']}")
    frame["description"] = descriptions
    extra = [c for c in frame.columns if c.startswith(GROUP_SCORE_PREFIX)]
    tail = [c for c in ("source", "unit_code") if c in frame.columns]
    return frame[[*TREND_COLUMNS, *extra, *tail]]


def _rank_text(rank: object, n_units: object) -> str:
    if pd.isna(rank):
        return "–"
    return fmt_int(rank) if pd.isna(n_units) else f"{fmt_int(rank)}/{fmt_int(n_units)}"


def ranks_side_by_side(trend: pd.DataFrame, value: str = "rank") -> pd.DataFrame:
    """Several units side by side: one row per date, one column per unit, holding ``value`` (default the rank).

    Parameters
    ----------
    trend : DataFrame
        From :func:`rank_trend`.
    value : str
        Any column of ``trend`` (``rank``, ``percentile``, ``total_score``, ``direction``…).
    """
    wide = trend.pivot(index="date", columns="unit", values=value).sort_index()
    wide.columns.name = None
    return wide


LEAGUE_COLUMNS: tuple[str, ...] = (
    "date",
    "rank",
    "unit",
    "total_score",
    "change_prev",
    "change_first",
    "best_rank",
    "worst_rank",
    "updated",
)


def league_table(trend: pd.DataFrame, date: object = None) -> pd.DataFrame:
    """A league table per snapshot: rank, score, places gained since the previous and the first snapshot, and the
    best and worst rank of each unit up to that snapshot.

    Parameters
    ----------
    trend : DataFrame
        From :func:`rank_trend` (any units, any dates).
    date : date-like, optional
        One snapshot (default: every snapshot, one block per date).

    Returns
    -------
    DataFrame
        Columns :data:`LEAGUE_COLUMNS` (plus ``unit_code`` and ``score_<group>`` columns when present), sorted by
        date then rank then unit; ``updated`` is False on a snapshot identical to the previous one.
    """
    frame = trend.sort_values(["unit", "date"], kind="stable").copy()
    ranks = frame["rank"].astype("Float64")
    frame["best_rank"] = ranks.groupby(frame["unit"]).cummin().astype("Int64")
    frame["worst_rank"] = ranks.groupby(frame["unit"]).cummax().astype("Int64")
    if date is not None:
        frame = frame[frame["date"] == pd.Timestamp(parse_day(date))]
    extra = [c for c in ("unit_code",) if c in frame] + [
        c for c in frame if str(c).startswith(GROUP_SCORE_PREFIX)
    ]
    out = frame[[*LEAGUE_COLUMNS, *extra]].sort_values(["date", "rank", "unit"], kind="stable")
    return out.reset_index(drop=True)


def _group_weights(indicators: pd.DataFrame | None) -> pd.Series:
    """Points a group gains per unit of rate (a fraction) raised on every indicator: Σ max / threshold."""
    from cchc_analysis import index766

    table = index766.bundled_indicators() if indicators is None else indicators
    table = table[table["max_points"] > 0]
    return (
        (table["max_points"] / table["threshold"]).groupby(table["group_code"].astype(str), sort=False).sum()
    )


def what_it_takes(
    trend: pd.DataFrame,
    unit: str,
    date: object = None,
    *,
    top: int = 10,
    indicators: pd.DataFrame | None = None,
) -> dict[str, object]:
    """Points a unit needs to reach the next rank and the top ``top``, and which group closes the gap cheapest.

    Ranks are competition ranks on the total score, so *tying* the unit above is enough to share its rank: the
    points needed are the score difference (0 when already there). For each group, the cost of ``g`` points is
    the rise of its indicators' rates it needs, ``g / Σ(max / threshold)`` (the real thresholds of the indicator
    table: 80 % for 4.1, 4.2, 6.4, 90 % for 5.3, 100 % elsewhere), and a group can give at most its headroom
    (maximum − score). The cheapest group is the one needing the smallest rise among those with room enough and
    confirmed thresholds (online service, whose 50 % threshold is inferred, only when no other group will do).

    Parameters
    ----------
    trend : DataFrame
        From :func:`rank_trend`, with ``total_score`` (and ``score_1`` … ``score_6`` for the group advice).
    unit : str
        The unit (as in ``trend["unit"]``).
    date : date-like, optional
        The snapshot (default: the last one).
    top : int
        The size of the leading group (10).

    Returns
    -------
    dict
        ``unit, date, rank, n_units, total_score, points_to_next, next_rank, points_to_top, top, groups`` (a
        DataFrame: ``group_code, group_name, score, max_points, headroom, rate_rise_next, rate_rise_top,
        threshold_inferred``; a rise is a fraction, NaN when the group has not room enough),
        ``cheapest_next``, ``cheapest_top`` (group codes or None; a group whose threshold is inferred only when
        no group with confirmed thresholds has room enough), ``message`` (Vietnamese) and ``advice`` (the message
        without its first sentence).
    """
    from cchc_analysis import index766
    from cchc_analysis.formatting import fmt_number, fmt_pp

    day = trend["date"].max() if date is None else pd.Timestamp(parse_day(date))
    field = trend[(trend["date"] == day) & trend["total_score"].notna()]
    mine = field[field["unit"] == unit]
    if mine.empty:
        raise InputError(
            f"Không có điểm của «{unit}» ngày {fmt_date(day)}",
            f"No score of {unit!r} on {day:%Y-%m-%d}",
            value=unit,
        )
    me = mine.iloc[0]
    own = float(me["total_score"])
    others = field[field["unit"] != unit]["total_score"].astype(float).sort_values(ascending=False)
    above = others[others > own]
    points_next = float(round(above.min() - own, 2)) if len(above) else None
    next_rank = int(1 + (others > above.min()).sum()) if len(above) else None
    points_top = float(round(max(0.0, others.iloc[top - 1] - own), 2)) if len(others) >= top else 0.0
    weights = _group_weights(indicators)
    table = index766.bundled_indicators() if indicators is None else indicators
    names = table.drop_duplicates("group_code").set_index("group_code")["group_name"]
    inferred = set(table.loc[(table["confidence"] == "inferred") & (table["max_points"] > 0), "group_code"])
    maxima = index766.group_maxima(indicators)
    rows = []
    for code in weights.index:
        column = f"{GROUP_SCORE_PREFIX}{code}"
        score = float(me[column]) if column in me and pd.notna(me[column]) else float("nan")
        headroom = float(maxima[code]) - score
        rows.append(
            {
                "group_code": code,
                "group_name": names.get(code, code),
                "score": score,
                "max_points": float(maxima[code]),
                "headroom": headroom,
                "rate_rise_next": _rise(points_next, headroom, float(weights[code])),
                "rate_rise_top": _rise(points_top, headroom, float(weights[code])),
                "threshold_inferred": code in inferred,
            }
        )
    groups = pd.DataFrame(rows)

    def cheapest(column: str) -> str | None:
        ok = groups.dropna(subset=[column])
        confirmed = ok[
            ~ok["threshold_inferred"]
        ]  # real thresholds first; an inferred one only if none will do
        ok = confirmed if len(confirmed) else ok
        return None if ok.empty else str(ok.sort_values(column, kind="stable").iloc[0]["group_code"])

    result = {
        "unit": unit,
        "date": day,
        "rank": me["rank"],
        "n_units": me["n_units"],
        "total_score": own,
        "points_to_next": points_next,
        "next_rank": next_rank,
        "points_to_top": points_top,
        "top": top,
        "groups": groups,
        "cheapest_next": cheapest("rate_rise_next") if points_next else None,
        "cheapest_top": cheapest("rate_rise_top") if points_top else None,
    }
    parts = [
        f"{unit} ngày {fmt_date(day)}: hạng {_rank_text(me['rank'], me['n_units'])}, {fmt_number(own, 2)} điểm."
    ]
    for key, need, target in (
        ("cheapest_next", points_next, f"lên hạng {fmt_int(next_rank)}" if next_rank else ""),
        ("cheapest_top", points_top, f"vào nhóm {fmt_int(top)} đứng đầu"),
    ):
        if need is None:
            parts.append("Đơn vị đang đứng đầu.")
            continue
        if need == 0:
            parts.append(f"Đơn vị đã ở trong nhóm {fmt_int(top)} đứng đầu.")
            continue
        text = f"Cần thêm {fmt_number(need, 2)} điểm để {target}"
        code = result[key]
        if code is None:
            text += "; không nhóm chỉ số nào một mình đủ chỗ tăng."
        else:
            g = groups.set_index("group_code").loc[code]
            column = "rate_rise_next" if key == "cheapest_next" else "rate_rise_top"
            text += (
                f"; rẻ nhất là nhóm «{g['group_name']}» (còn {fmt_number(g['headroom'], 2)} điểm chưa đạt): "
                f"tỷ lệ các chỉ tiêu của nhóm tăng bình quân {fmt_pp(g[column] * 100, 1)}"
                + (" (ngưỡng của nhóm là suy luận, chưa được xác nhận)." if g["threshold_inferred"] else ".")
            )
        parts.append(text)
    result["message"] = " ".join(parts)
    result["advice"] = " ".join(parts[1:])
    return result


def _rise(points: float | None, headroom: float, weight: float) -> float:
    """Rate rise (a fraction) that yields ``points`` in a group, NaN when the group has not that much room."""
    if points is None or points != points or headroom != headroom or points > headroom + 1e-9:
        return float("nan")
    return points / weight
