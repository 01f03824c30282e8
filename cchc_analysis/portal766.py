"""The portal's published 766 figures against the package's rule: ``cchc index766 FILE``.

The National Public Service Portal publishes, per unit and date, each indicator's numerator, denominator, rate and
score, and each group's score (layout of ``data/portal_766/portal_766_indicators_2026-09-17.csv``: ``date,
unit_code, unit_name, group, metric_code, numerator, denominator, ratio_pct, score, max_score``; ``metric_code``
``GROUP`` is the group's own published score). This module recomputes every indicator from its numerator and
denominator with the indicator table (:mod:`cchc_analysis.index766`: threshold, maximum, the petition rule, 2-decimal
rounding) and compares with what the portal published: per indicator, per group and per unit total.

A group is *recomputed* when every indicator of the table's group is in the file and computable; otherwise its
published GROUP score stands in (a group given only as a GROUP row counts as published), and the unit total is the
sum of the six groups (unknown when a group has neither).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from cchc_analysis import index766
from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_date, fmt_int, fmt_number, fmt_pct, parse_vn_number, round_half_up
from cchc_analysis.loaders.tables import read_table
from cchc_analysis.periods import parse_day

REQUIRED_COLUMNS: tuple[str, ...] = (
    "date",
    "unit_code",
    "group",
    "metric_code",
    "numerator",
    "denominator",
    "score",
)
NUMBER_COLUMNS: tuple[str, ...] = ("numerator", "denominator", "ratio_pct", "score", "max_score")
#: Two scores agree when they differ by less than half a unit of the portal's 2nd decimal.
TOLERANCE = 0.005
#: Indicator statuses: recomputed = published; differ; the portal gives no score to compare; the portal gives only
#: the score (no numerator / denominator); not computable (denominator 0 without a rule, blank figures); a metric
#: code the indicator table does not know.
STATUSES: tuple[str, ...] = (
    "match",
    "mismatch",
    "not_published",
    "published_only",
    "unknown",
    "not_in_table",
)
STATUS_VI: dict[str, str] = {
    "match": "khớp",
    "mismatch": "LỆCH",
    "not_published": "Cổng không công bố điểm",
    "published_only": "chỉ có điểm công bố",
    "unknown": "không tính được",
    "not_in_table": "mã không có trong bảng chỉ số",
    "recomputed": "tính lại",
    "published": "dùng điểm công bố",
}


def _number(text: str, *, file: Path, row: int, column: str) -> float:
    if text == "":
        return float("nan")
    try:
        value = float(text)
    except ValueError:
        try:
            value = parse_vn_number(text)
        except ValueError:
            raise InputError(
                "Giá trị không phải là số", "Not a number", file=file, row=row, column=column, value=text
            ) from None
    if not math.isfinite(value) or value < 0:
        raise InputError(
            "Số liệu phải là số không âm",
            "Figures must be non-negative numbers",
            file=file,
            row=row,
            column=column,
            value=text,
        )
    return value


def read_portal_indicators(path: str | Path) -> pd.DataFrame:
    """Read the portal's per-indicator figures (any number of units and dates).

    Returns
    -------
    DataFrame
        Columns ``date`` (ISO text), ``unit_code``, ``unit_name``, ``group``, ``metric_code`` and the numbers
        :data:`NUMBER_COLUMNS` as floats (NaN where blank); index = the file's line numbers.

    Raises
    ------
    InputError
        A missing column, a blank unit / group / metric code, an unreadable date, a number that is not a
        non-negative number, or two rows for one (date, unit, group, metric).
    """
    p = Path(path)
    frame = read_table(
        p, required=REQUIRED_COLUMNS, what="tệp chỉ số 766 của Cổng", what_en="portal 766 indicator file"
    )
    if frame.empty:
        raise InputError("Tệp chỉ số 766 không có dòng số liệu nào", "The file has no data row", file=p)
    out = pd.DataFrame(index=frame.index)
    dates = []
    for row, text in frame["date"].items():
        try:
            dates.append(parse_day(text).isoformat())
        except InputError:
            raise InputError(
                "Không đọc được ngày", "Unreadable date", file=p, row=row, column="date", value=text
            ) from None
    out["date"] = dates
    for column in ("unit_code", "group", "metric_code"):
        blank = frame[column] == ""
        if blank.any():
            raise InputError(
                f"Thiếu {column}", f"Blank {column}", file=p, row=int(blank.idxmax()), column=column
            )
        out[column] = frame[column]
    out["unit_name"] = frame.get("unit_name", "")
    for column in NUMBER_COLUMNS:
        cells = frame[column] if column in frame else pd.Series("", index=frame.index)
        out[column] = [_number(t, file=p, row=r, column=column) for r, t in cells.items()]
    dup = out.duplicated(["date", "unit_code", "group", "metric_code"])
    if dup.any():
        row = int(dup.idxmax())
        raise InputError(
            "Một chỉ tiêu có hai dòng cho cùng đơn vị và ngày",
            "Two rows for one metric of one unit on one date",
            file=p,
            row=row,
            column="metric_code",
            value=out.loc[row, "metric_code"],
        )
    return out


def read_published_totals(path: str | Path) -> dict[tuple[str, str], float]:
    """Published unit totals, ``(ISO date, unit_code) → total_score``, from a CSV with ``date,unit_code,
    total_score`` (other columns ignored: the province ranking file reads as it is)."""
    p = Path(path)
    frame = read_table(
        p, required=("date", "unit_code", "total_score"), what="tệp tổng điểm", what_en="totals file"
    )
    totals: dict[tuple[str, str], float] = {}
    for row, r in frame.iterrows():
        try:
            day = parse_day(r["date"]).isoformat()
        except InputError:
            raise InputError(
                "Không đọc được ngày", "Unreadable date", file=p, row=row, column="date", value=r["date"]
            ) from None
        totals[(day, r["unit_code"])] = _number(r["total_score"], file=p, row=row, column="total_score")
    return totals


def _agree(a: float, b: float) -> bool:
    return abs(a - b) < TOLERANCE


def _sum2(values: list[float]) -> float:
    """A sum of 2-decimal scores, without the binary noise (``0.49 + 0.81 + 3.72`` → ``5.02``)."""
    return float(round_half_up(sum(values), 2))


def _indicator(fig: pd.Series, ind: pd.Series | None) -> dict[str, object]:
    published = fig["score"]
    num, den = fig["numerator"], fig["denominator"]
    rate = score = float("nan")
    if ind is None:
        status = "not_in_table"
    else:
        max_points = float(ind["max_points"])
        if den == den and den == 0:
            if max_points == 0:
                score = 0.0
            elif ind["no_denominator"] == "full":
                rate, score = 1.0, max_points
        elif den == den and num == num:
            rate = num / den
            score = (
                0.0
                if max_points == 0
                else index766.indicator_points(max_points, float(ind["threshold"]), rate)
            )
        elif max_points == 0:
            score = 0.0
        if score != score:
            status = "published_only" if (num != num and den != den and published == published) else "unknown"
        elif published != published:
            status = "not_published"
        else:
            status = "match" if _agree(score, published) else "mismatch"
    return {
        "group": fig["group"],
        "metric_code": fig["metric_code"],
        "indicator": None if ind is None else str(ind["code"]),
        "name": None if ind is None else str(ind["name"]),
        "numerator": _json_number(num),
        "denominator": _json_number(den),
        "rate": _json_number(rate),
        "score": _json_number(score),
        "published": _json_number(published),
        "status": status,
    }


def _json_number(value: float) -> float | None:
    return None if value != value else float(value)


def compare_unit(
    figures: pd.DataFrame, indicators: pd.DataFrame | None = None, total_published: float | None = None
) -> dict[str, object]:
    """Recompute and compare one unit on one date (the rows of :func:`read_portal_indicators` for it).

    Returns
    -------
    dict
        ``date, unit_code, unit_name, total, total_published, total_status, groups, indicators`` as in the JSON of
        ``cchc index766`` (:func:`compare_portal`).
    """
    table = index766.bundled_indicators() if indicators is None else indicators
    by_metric = {
        (str(r["portal_group"]), str(r["metric_code"])): r
        for _, r in table.iterrows()
        if not pd.isna(r["metric_code"])
    }
    first = figures.iloc[0]
    rows = []
    group_published: dict[str, float] = {}
    for _, fig in figures.iterrows():
        key = (fig["group"], fig["metric_code"])
        is_table_group = key in by_metric and fig["metric_code"] == "GROUP"
        if fig["metric_code"] == "GROUP":
            if fig["score"] == fig["score"]:
                group_published[fig["group"]] = float(fig["score"])
            if not is_table_group:
                continue  # the group's own score of a group scored by its indicators
        rows.append(_indicator(fig, by_metric.get(key)))
    groups = []
    total_parts: list[float] = []
    for portal_group, members in table.dropna(subset=["portal_group"]).groupby("portal_group", sort=False):
        wanted = members[members["max_points"] > 0]
        got = {r["metric_code"]: r for r in rows if r["group"] == portal_group}
        scores = [got[m]["score"] if m in got else None for m in wanted["metric_code"]]
        published = group_published.get(portal_group)
        if all(s is not None for s in scores):
            score, source = _sum2([float(s) for s in scores]), "recomputed"
        elif published is not None:
            score, source = published, "published"
        else:
            score, source = None, None
        if source == "recomputed" and published is not None:
            status = "match" if _agree(score, published) else "mismatch"
        elif source == "published":
            status = "published_only"
        elif source == "recomputed":
            status = "not_published"
        else:
            status = "unknown"
        groups.append(
            {
                "group": portal_group,
                "group_name": str(members["group_name"].iloc[0]),
                "max_points": float(members["max_points"].sum()),
                "score": score,
                "published": published,
                "source": source,
                "status": status,
            }
        )
        total_parts.append(float("nan") if score is None else score)
    total = _sum2(total_parts) if all(x == x for x in total_parts) else None
    if total is None:
        total_status = "unknown"
    elif total_published is None or total_published != total_published:
        total_status = "not_published"
    else:
        total_status = "match" if _agree(total, total_published) else "mismatch"
    return {
        "date": first["date"],
        "unit_code": first["unit_code"],
        "unit_name": first["unit_name"],
        "total": total,
        "total_published": _json_number(float("nan") if total_published is None else total_published),
        "total_status": total_status,
        "groups": groups,
        "indicators": rows,
    }


def compare_portal(
    figures: pd.DataFrame,
    totals: dict[tuple[str, str], float] | None = None,
    indicators: pd.DataFrame | None = None,
) -> dict[str, list[dict[str, object]]]:
    """Every unit and date of ``figures`` recomputed and compared: the JSON of ``cchc index766 --format json``.

    Parameters
    ----------
    figures : DataFrame
        From :func:`read_portal_indicators`.
    totals : dict, optional
        Published totals from :func:`read_published_totals`.
    indicators : DataFrame, optional
        The indicator table (default: the bundled one).

    Returns
    -------
    dict
        ``{"units": [{"date", "unit_code", "unit_name", "total", "total_published", "total_status", "groups":
        [{"group", "group_name", "max_points", "score", "published", "source", "status"}], "indicators":
        [{"group", "metric_code", "indicator", "name", "numerator", "denominator", "rate", "score", "published",
        "status"}]}]}``: ``rate`` a fraction (0–1), unrounded; ``score`` rounded to 2 decimals per indicator as the
        portal rounds; a group's ``score`` is the sum of its recomputed indicators when they are all there
        (``source`` ``recomputed``), else its published GROUP score (``published``); ``total`` the sum of the
        groups (null when a group has no score); statuses in :data:`STATUSES`.
    """
    totals = totals or {}
    units = []
    for (day, unit), rows in figures.groupby(["date", "unit_code"], sort=False):
        units.append(compare_unit(rows, indicators, totals.get((day, unit))))
    units.sort(key=lambda u: u["date"])  # stable: units of a date stay in file order
    return {"units": units}


def _n(value: object, decimals: int = 2) -> str:
    return "–" if value is None else fmt_number(value, decimals)


def format_comparison_table(result: dict[str, list[dict[str, object]]]) -> str:
    """The comparison as plain text for the terminal, one block per unit and date (Vietnamese)."""
    lines = []
    units = result["units"]
    counts = pd.Series([u["total_status"] for u in units]).value_counts()
    lines.append(
        f"Đối chiếu chỉ số 766 với số liệu Cổng DVCQG: {fmt_int(len(units))} đơn vị-ngày; tổng điểm khớp "
        f"{fmt_int(counts.get('match', 0))}, lệch {fmt_int(counts.get('mismatch', 0))}, không có tổng công bố "
        f"{fmt_int(counts.get('not_published', 0))}, không tính được {fmt_int(counts.get('unknown', 0))}."
    )
    for u in units:
        lines.append("")
        lines.append(f"== {u['unit_code']} {u['unit_name']} — ngày {fmt_date(pd.Timestamp(u['date']))} ==")
        head = (
            "Nhóm",
            "Mã chỉ tiêu",
            "Chỉ số",
            "Tử số/Mẫu số",
            "Tỷ lệ",
            "Điểm tính lại",
            "Điểm công bố",
            "Kết quả",
        )
        body = [
            (
                r["group"],
                r["metric_code"],
                r["indicator"] or "–",
                f"{_n(r['numerator'], 0)}/{_n(r['denominator'], 0)}",
                "–" if r["rate"] is None else fmt_pct(r["rate"], 2),
                _n(r["score"]),
                _n(r["published"]),
                STATUS_VI[r["status"]],
            )
            for r in u["indicators"]
        ]
        widths = [max(len(x[c]) for x in [head, *body]) for c in range(len(head))]
        for cells in [head, tuple("-" * w for w in widths), *body]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        lines.append("Nhóm:")
        for g in u["groups"]:
            lines.append(
                f"  {g['group_name']} ({g['group']}): {_n(g['score'])}/{fmt_number(g['max_points'], 0)}"
                f" ({STATUS_VI[g['source']] if g['source'] else 'không có số liệu'}); công bố {_n(g['published'])}"
                f" — {STATUS_VI[g['status']]}"
            )
        lines.append(
            f"Tổng điểm: {_n(u['total'])}/100; công bố {_n(u['total_published'])} — {STATUS_VI[u['total_status']]}"
        )
    return "\n".join(lines)
