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

#: Optional group-score columns of a snapshot file are named ``score_<group_code>`` (``score_1`` … ``score_6``).
GROUP_SCORE_PREFIX = "score_"

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
    if "source" in cols:
        out["source"] = snapshots[cols["source"]].astype("string")
    return out.reset_index(drop=True)


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
    frame = read_table(
        p, required=("date", "unit", "rank", "n_units"), what="tệp xếp hạng", what_en="ranking file"
    )
    return validate_snapshots(frame.reset_index(drop=True), file=p, rows=frame.index.tolist())


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
    frame["direction"] = [describe_change(c) for c in frame["change_prev"]]
    frame["direction_first"] = [describe_change(c) for c in frame["change_first"]]
    prev = frame.groupby("unit")[["rank", "n_units", "date"]].shift(1)
    descriptions = []
    for i, r in frame.iterrows():
        here = f"hạng {_rank_text(r['rank'], r['n_units'])} ngày {fmt_date(r['date'])}"
        if pd.isna(r["change_prev"]):
            descriptions.append(f"{r['unit']}: {here}")
            continue
        before = f"hạng {_rank_text(prev.loc[i, 'rank'], prev.loc[i, 'n_units'])} ngày {fmt_date(prev.loc[i, 'date'])}"
        verb = "lên" if r["change_prev"] > 0 else "xuống" if r["change_prev"] < 0 else "đến"
        descriptions.append(f"{r['unit']}: từ {before} {verb} {here}, {r['direction']}")
    frame["description"] = descriptions
    extra = [c for c in frame.columns if c.startswith(GROUP_SCORE_PREFIX)]
    tail = [c for c in ("source",) if c in frame.columns]
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
