"""What the province ranking notebook (``notebooks/04_xep_hang_766.ipynb``) computes and says.

Real data only: the portal's province ranking (``data/portal_766/``, or a file in the same layout). The unit of
interest is by default the city of the inspection notice's commune (Đại Sơn is a commune of Hải Phòng).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cchc_analysis.charts import short_unit
from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_date, fmt_int, fmt_number, fmt_pct
from cchc_analysis.markup import md_text
from cchc_analysis.narrative import Markdown
from cchc_analysis.privacy import mask_personal_text
from cchc_analysis.ranking import (
    GROUP_SCORE_PREFIX,
    PROVINCE_RANKING,
    league_table,
    rank_trend,
    read_ranking_snapshots,
    what_it_takes,
)

#: The province of the inspection notice's commune (xã Đại Sơn, thành phố Hải Phòng), as the portal names it.
NOTICE_PROVINCE = "UBND Thành phố Hải Phòng"
SOURCE_VI = (
    "Cổng Dịch vụ công quốc gia, trang đánh giá theo Bộ chỉ số 766 (Quyết định 766/QĐ-TTg), do công cụ thu thập "
    "mã nguồn mở hauphanquoc/766-Analyze (GitHub) ghi lại; thứ hạng do công cụ đó tính từ tổng điểm"
)


@dataclass
class RankingBriefing:
    """The figures of the province ranking notebook."""

    source: Path
    trend: pd.DataFrame
    unit: str
    first: pd.Timestamp
    last: pd.Timestamp
    n_units: int
    league: pd.DataFrame
    profile: pd.DataFrame
    takes: dict[str, object]
    no_update: list[pd.Timestamp]


def _match_unit(units: pd.Series, wanted: str) -> str:
    names = list(dict.fromkeys(units.astype(str)))
    key = wanted.strip().casefold()
    for test in (
        lambda n: n.casefold() == key,
        lambda n: short_unit(n).casefold() == key,
        lambda n: key in n.casefold(),
    ):
        found = [n for n in names if test(n)]
        if len(found) == 1:
            return found[0]
    raise InputError(
        f"Không có đúng một đơn vị «{wanted}» trong tệp xếp hạng",
        f"No single unit {wanted!r} in the ranking file",
        value=wanted,
    )


def ranking_data(ranking: str | Path = "", unit: str = "") -> RankingBriefing:
    """Read the ranking file (default: the REAL province file) and compute the notebook's figures.

    Parameters
    ----------
    ranking : str or Path
        A ranking file in the portal's layout or the snapshot layout, with total and group scores.
    unit : str
        The unit of interest (full name, short name «Hải Phòng», or a unique part of it); default Hải Phòng.
    """
    path = Path(ranking) if ranking else PROVINCE_RANKING
    trend = rank_trend(read_ranking_snapshots(path))
    name = _match_unit(trend["unit"], unit or NOTICE_PROVINCE)
    dates = sorted(trend["date"].unique())
    last = trend[trend["date"] == dates[-1]]
    columns = [c for c in trend.columns if c.startswith(GROUP_SCORE_PREFIX)]
    mine = last[last["unit"] == name].iloc[0]
    from cchc_analysis.index766 import bundled_indicators

    table = bundled_indicators()
    names = table.drop_duplicates("group_code").set_index("group_code")["group_name"]
    maxima = table.groupby("group_code", sort=False)["max_points"].sum()
    profile = pd.DataFrame(
        {
            "group": [names.get(c[len(GROUP_SCORE_PREFIX) :], c) for c in columns],
            "max_points": [float(maxima.get(c[len(GROUP_SCORE_PREFIX) :], float("nan"))) for c in columns],
            "unit": [float(mine[c]) for c in columns],
            "median": [float(last[c].median()) for c in columns],
            "best": [float(last[c].max()) for c in columns],
        }
    )
    profile["gap_to_median"] = profile["unit"] - profile["median"]
    updated = trend.groupby("date")["updated"].all()
    return RankingBriefing(
        source=path,
        trend=trend,
        unit=name,
        first=pd.Timestamp(dates[0]),
        last=pd.Timestamp(dates[-1]),
        n_units=int(last["unit"].nunique()),
        league=league_table(trend, dates[-1]),
        profile=profile,
        takes=what_it_takes(trend, name, dates[-1]),
        no_update=[pd.Timestamp(d) for d, u in updated.items() if not u],
    )


def source_note(r: RankingBriefing) -> Markdown:
    """Where the figures come from, labelled real, with the dates."""
    skipped = (
        " Ngày "
        + ", ".join(fmt_date(d) for d in r.no_update)
        + " Cổng không cập nhật (số liệu giống hệt ngày "
        "trước): biểu đồ ghi «không cập nhật», không coi là thay đổi."
        if r.no_update
        else ""
    )
    return Markdown(
        f"**Số liệu thật.** Nguồn: {SOURCE_VI}. Tệp «{md_text(mask_personal_text(r.source.name))}»: {fmt_int(r.n_units)} đơn vị, "
        f"{fmt_int(r.trend['date'].nunique())} lần chốt số liệu từ {fmt_date(r.first)} đến {fmt_date(r.last)}. "
        f"Điểm do Cổng công bố, làm tròn 2 chữ số thập phân.{skipped} Báo cáo này không dùng dữ liệu mô phỏng."
    )


def rank_summary(r: RankingBriefing) -> Markdown:
    """The unit's rank, its trend and its distance to the others, in Vietnamese."""
    rows = r.trend[r.trend["unit"] == r.unit].sort_values("date")
    first, last = rows.iloc[0], rows.iloc[-1]
    ranks = rows["rank"].astype(int)
    move = (
        f"giữ hạng {fmt_int(last['rank'])} suốt {fmt_int(len(rows))} lần chốt"
        if ranks.nunique() == 1
        else f"từ hạng {fmt_int(first['rank'])} ({fmt_date(first['date'])}) đến hạng {fmt_int(last['rank'])}, "
        f"{last['direction_first']}; cao nhất hạng {fmt_int(ranks.min())}, thấp nhất hạng {fmt_int(ranks.max())}"
    )
    score_move = float(last["total_score"]) - float(first["total_score"])
    return Markdown(
        f"**{md_text(short_unit(r.unit))}** đứng **hạng {fmt_int(last['rank'])}/{fmt_int(last['n_units'])}** ngày "
        f"{fmt_date(last['date'])} với {fmt_number(last['total_score'], 2)} điểm. Trong kỳ, đơn vị {move}; tổng "
        f"điểm {'tăng' if score_move >= 0 else 'giảm'} {fmt_number(abs(score_move), 2)} điểm "
        f"(từ {fmt_number(first['total_score'], 2)}). {md_text(r.takes['advice'], limit=None)}"
    )


def profile_summary(r: RankingBriefing) -> Markdown:
    """The unit's group profile against the median unit, strongest and weakest group named."""
    p = r.profile.assign(share=r.profile["unit"] / r.profile["max_points"])
    lines = [
        f"- {md_text(g.group)}: {fmt_number(g.unit, 2)}/{fmt_number(g.max_points, 0)} điểm ({fmt_pct(g.share, 0)}), "
        f"trung vị {fmt_number(g.median, 2)}, cao nhất {fmt_number(g.best, 2)}; "
        + (
            f"hơn trung vị {fmt_number(g.gap_to_median, 2)}"
            if g.gap_to_median > 0.005
            else f"kém trung vị {fmt_number(-g.gap_to_median, 2)}"
            if g.gap_to_median < -0.005
            else "bằng trung vị"
        )
        for g in p.itertuples()
    ]
    weakest = p.sort_values("share").iloc[0]
    room = p.assign(room=p["max_points"] - p["unit"]).sort_values("room", ascending=False).iloc[0]
    return Markdown(
        f"Điểm theo nhóm của {md_text(short_unit(r.unit))} ngày {fmt_date(r.last)}, so với trung vị "
        f"{fmt_int(r.n_units)} đơn vị:\n\n"
        + "\n".join(lines)
        + f"\n\nNhóm đạt tỷ lệ điểm thấp nhất là «{md_text(weakest['group'])}» ({fmt_pct(weakest['share'], 0)} số điểm tối "
        f"đa); nhóm còn nhiều điểm chưa đạt nhất là «{md_text(room['group'])}» ({fmt_number(room['room'], 2)} điểm)."
    )


def league_view(r: RankingBriefing, top: int | None = None) -> pd.DataFrame:
    """The last snapshot's league table with Vietnamese headers and numbers, the unit marked ▶."""
    t = r.league if top is None else r.league.head(top)

    def change(v: object) -> str:
        return "–" if pd.isna(v) else f"+{fmt_int(v)}" if v > 0 else fmt_int(v) if v < 0 else "0"

    return (
        pd.DataFrame(
            {
                "Hạng": [fmt_int(v) for v in t["rank"]],
                "Đơn vị": [("▶ " if u == r.unit else "") + short_unit(u) for u in t["unit"]],
                "Tổng điểm": [fmt_number(v, 2) for v in t["total_score"]],
                "So với lần trước": [change(v) for v in t["change_prev"]],
                f"So với {fmt_date(r.first)}": [change(v) for v in t["change_first"]],
                "Hạng cao nhất": [fmt_int(v) for v in t["best_rank"]],
                "Hạng thấp nhất": [fmt_int(v) for v in t["worst_rank"]],
            }
        )
        .style.hide(axis="index")
        .format(escape="html")
    )  # unit names come from a file


def province_context(
    commune_trend: pd.DataFrame | None, unit_name: str | None, ranking: str | Path = ""
) -> Markdown | None:
    """One paragraph for the inspection notebook: the province's rank next to the notice commune's own trend.

    Only for the notice's commune (Đại Sơn, Hải Phòng): another unit's province is not known. The province and
    the commune are ranked in different fields (34 provinces; the communes of one city), so the two ranks are set
    side by side, not compared. None when there is nothing to set side by side.
    """
    from cchc_analysis.briefing_data import is_notice_unit

    if commune_trend is None or len(commune_trend) == 0 or not is_notice_unit(unit_name):
        return None
    r = ranking_data(ranking)
    rows = r.trend[r.trend["unit"] == r.unit].sort_values("date")
    first, last = rows.iloc[0], rows.iloc[-1]
    c = commune_trend.sort_values("date")
    c0, c1 = c.iloc[0], c.iloc[-1]
    commune = f"hạng {fmt_int(c0['rank'])}/{fmt_int(c0['n_units'])} ({fmt_date(c0['date'])})"
    if len(c) > 1:
        verb = "lên" if c1["rank"] < c0["rank"] else "xuống" if c1["rank"] > c0["rank"] else "rồi"
        commune += f" {verb} hạng {fmt_int(c1['rank'])}/{fmt_int(c1['n_units'])} ({fmt_date(c1['date'])})"
    province = (
        f"hạng {fmt_int(last['rank'])}/{fmt_int(last['n_units'])}"
        if first["rank"] == last["rank"]
        else f"từ hạng {fmt_int(first['rank'])} đến hạng {fmt_int(last['rank'])}/{fmt_int(last['n_units'])}"
    )
    return Markdown(
        f"**Đặt cạnh thứ hạng của thành phố.** Trong các xã, phường, đặc khu của thành phố, xã đi từ {commune}. "
        f"Trong {fmt_int(r.n_units)} tỉnh, thành phố cả nước, **{md_text(short_unit(r.unit))}** đứng {province} "
        f"({fmt_date(r.first)}–{fmt_date(r.last)}; số liệu thật của Cổng Dịch vụ công quốc gia, xem sổ tay "
        "04_xep_hang_766). Hai thứ hạng thuộc hai bảng xếp hạng khác nhau, ở hai thời điểm khác nhau, nên chỉ đặt "
        "cạnh nhau để tham khảo, không so sánh trực tiếp."
    )


def chart_note(r: RankingBriefing) -> str:
    """The note under a chart of real ranking data: source and dates."""
    return f"Số liệu thật: Cổng Dịch vụ công quốc gia, {fmt_date(r.first)}–{fmt_date(r.last)}."


def takes_table(r: RankingBriefing) -> pd.DataFrame:
    """Per group: score, points not yet earned, and the average rise of its rates that would reach the next rank
    and the top 10 («–» when the group has not room enough)."""
    g = r.takes["groups"]

    def rise(v: float) -> str:
        return "–" if pd.isna(v) else fmt_number(v * 100, 1) + " điểm %"

    head = r.takes
    next_label = (
        f"Tăng tỷ lệ để lên hạng {fmt_int(head['next_rank'])} (+{fmt_number(head['points_to_next'], 2)} điểm)"
        if head["points_to_next"]
        else "Lên hạng trên"
    )
    top_label = (
        f"Tăng tỷ lệ để vào nhóm {fmt_int(head['top'])} (+{fmt_number(head['points_to_top'], 2)} điểm)"
        if head["points_to_top"]
        else f"Nhóm {fmt_int(head['top'])} đứng đầu"
    )
    return (
        pd.DataFrame(
            {
                "Nhóm": [
                    n + (" (ngưỡng suy luận)" if inf else "")
                    for n, inf in zip(g["group_name"], g["threshold_inferred"], strict=True)
                ],
                "Điểm": [
                    f"{fmt_number(s, 2)}/{fmt_number(m, 0)}"
                    for s, m in zip(g["score"], g["max_points"], strict=True)
                ],
                "Còn chưa đạt": [fmt_number(v, 2) for v in g["headroom"]],
                next_label: [
                    rise(v) if head["points_to_next"] else "đang đứng đầu" for v in g["rate_rise_next"]
                ],
                top_label: [
                    rise(v) if head["points_to_top"] else "đã ở trong nhóm" for v in g["rate_rise_top"]
                ],
            }
        )
        .style.hide(axis="index")
        .format(escape="html")
    )
