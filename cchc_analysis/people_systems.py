"""The briefing sections on what the inspection notice found about people and systems.

Four sections, each a sentence (:class:`~cchc_analysis.narrative.Markdown`) that says what a reader must act on,
then a table (:class:`~cchc_analysis.report_tables.Table`): officers who need support this period
(:mod:`cchc_analysis.officers`), staff turnover, home pick-up and return for vulnerable groups (Kế hoạch
126/KH-UBND) and result return / sync delays by system (:mod:`cchc_analysis.returns`). A section whose columns the
export lacks is one line naming the column that would fill it (:func:`~cchc_analysis.narrative.absent_section`);
its table is ``None`` (a notebook shows nothing).
"""

from __future__ import annotations

import pandas as pd

from cchc_analysis import officers as off
from cchc_analysis import returns as ret
from cchc_analysis.formatting import fmt_int, fmt_number, fmt_pct
from cchc_analysis.markup import md_text
from cchc_analysis.narrative import Markdown, absent_section
from cchc_analysis.periods import Period
from cchc_analysis.report_tables import Table, table

#: Grades that call for support.
SUPPORT_GRADES: tuple[str, ...] = ("Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ")


def _month_vi(month: str) -> str:
    return f"{int(month[5:])}/{month[:4]}"


def needs_support(table: pd.DataFrame) -> pd.DataFrame:
    """Officer-month rows that call for support: a grade below «Hoàn thành tốt nhiệm vụ», a late dossier, a
    complaint or a satisfaction rate under 80 %."""
    grade = table["grade"].astype("string")
    late = table["late"].fillna(0) > 0
    complaints = table["complaints"].fillna(0) > 0
    unhappy = pd.Series(table["satisfaction_rate"], dtype="float64").lt(0.8).fillna(False)
    mask = grade.isin(SUPPORT_GRADES).fillna(False) | late | complaints | unhappy
    return table[mask.to_numpy(dtype=bool)]


def officers_summary(dossiers: pd.DataFrame, period: Period) -> Markdown:
    """Who needs support, in one paragraph; the absent-column line without an officer column."""
    if "officer" not in dossiers.columns:
        return absent_section("officer")
    months = off.officer_months(dossiers, period)
    if not len(months):
        return Markdown("Không có hồ sơ nào được giải quyết trong kỳ: chưa có số liệu để đánh giá cán bộ.")
    support = needs_support(months)
    officers = months["officer"].dropna().nunique()
    lines = [
        f"{fmt_int(officers)} cán bộ giải quyết hồ sơ trong kỳ ({fmt_int(len(months))} lượt cán bộ × tháng). "
        "Xếp loại là đề xuất theo ngưỡng của tệp `officer_grades.csv` (Nghị định 90/2020/NĐ-CP và giả định của "
        "công cụ); bảng ký: `cchc officers … --format xlsx`."
    ]
    if len(support):
        names = sorted({str(o) for o in support["officer"].dropna()})
        lines.append(
            f"Cần hỗ trợ, kèm cặp: {fmt_int(len(names))} cán bộ ({', '.join(md_text(n) for n in names)}) — có hồ sơ quá hạn, phản ánh, "
            "tỷ lệ hài lòng dưới 80 % hoặc xếp loại dưới «Hoàn thành tốt nhiệm vụ» trong ít nhất một tháng."
        )
    else:
        lines.append("Không cán bộ nào có hồ sơ quá hạn, phản ánh hay tỷ lệ hài lòng dưới 80 % trong kỳ.")
    note = off.missing_note(months)
    if note:
        lines.append(md_text(note, limit=None))
    return Markdown("\n\n".join(lines))


def officers_table(dossiers: pd.DataFrame, period: Period, *, synthetic: bool = False) -> Table | None:
    """The officer-month rows that need support (all rows when none does); None without an officer column."""
    if "officer" not in dossiers.columns:
        return None
    months = off.officer_months(dossiers, period)
    if not len(months):
        return None
    support = needs_support(months)
    shown = support if len(support) else months
    caption = "Cán bộ cần hỗ trợ, theo tháng giải quyết" if len(support) else "Kết quả theo cán bộ và tháng"
    return table(
        shown.reset_index(drop=True),
        caption=caption,
        synthetic=synthetic,
        headers=off.HEADINGS_VI,
        formats={"month": _month_vi, "grade": lambda v: "–" if pd.isna(v) else str(v)},
    )


def turnover_summary(dossiers: pd.DataFrame, period: Period) -> Markdown:
    """Who started and stopped handling dossiers, and whether late or unsatisfied dossiers concentrate there."""
    turnover = off.officer_turnover(dossiers, period)
    if turnover is None:
        return absent_section("officer")
    lines = []
    for month, names in turnover.attrs["started"].items():
        if names:
            lines.append(
                f"Tháng {_month_vi(month)}: bắt đầu xử lý hồ sơ — {', '.join(md_text(n) for n in names)}."
            )
    for month, names in turnover.attrs["stopped"].items():
        if names:
            lines.append(
                f"Tháng {_month_vi(month)}: không còn xử lý hồ sơ — {', '.join(md_text(n) for n in names)}."
            )
    if not lines:
        lines.append("Không có thay đổi cán bộ xử lý hồ sơ trong kỳ (theo tháng tiếp nhận).")
    quality = off.newcomer_quality(dossiers, period)
    if quality is not None:
        new, other = quality.iloc[0], quality.iloc[1]
        text = (
            f"Hồ sơ của cán bộ trong tháng đầu: quá hạn {fmt_pct(new['late_rate'])} "
            f"({fmt_int(new['late'])}/{fmt_int(new['resolved'])}), cán bộ khác {fmt_pct(other['late_rate'])}"
        )
        if not pd.isna(new["dissatisfied_rate"]):
            text += f"; không hài lòng {fmt_pct(new['dissatisfied_rate'])} so với {fmt_pct(other['dissatisfied_rate'])}"
        lines.append(text + ".")
    first = turnover.iloc[0]["month"] if len(turnover) else None
    if first is not None and pd.isna(turnover.iloc[0]["started"]):
        lines.append(
            f"Tháng {_month_vi(first)} là tháng đầu của tệp: chưa biết ai mới bắt đầu (ô để trống, không phải 0)."
        )
    return Markdown("\n".join(f"- {line}" for line in lines))


def turnover_table(dossiers: pd.DataFrame, period: Period, *, synthetic: bool = False) -> Table | None:
    """Officers active, started and stopped per month, and the share of dossiers of officers in their first month."""
    turnover = off.officer_turnover(dossiers, period)
    if turnover is None:
        return None
    return table(
        turnover,
        caption="Cán bộ xử lý hồ sơ theo tháng tiếp nhận",
        synthetic=synthetic,
        headers={
            "month": "Tháng",
            "active": "Cán bộ có hồ sơ",
            "started": "Bắt đầu",
            "stopped": "Thôi xử lý",
            "dossiers": "Hồ sơ tiếp nhận",
            "by_newcomers": "Của cán bộ tháng đầu",
            "newcomer_share": "Tỷ lệ của cán bộ tháng đầu",
        },
        formats={"month": _month_vi, "newcomer_share": fmt_pct},
    )


def home_delivery_summary(dossiers: pd.DataFrame, period: Period) -> Markdown:
    """Where home pick-up and return stand for vulnerable groups."""
    missing = ret.missing_columns(dossiers, "home")
    if missing:
        return absent_section(missing)
    by_month = ret.home_delivery_table(dossiers, period)
    lines = []
    total = by_month["dossiers"].sum()
    if "group" in by_month:
        vulnerable = by_month[by_month["group"] != ret.NOT_VULNERABLE]
        n = int(vulnerable["dossiers"].sum())
        text = f"{fmt_int(n)} hồ sơ của đối tượng yếu thế trong {fmt_int(total)} hồ sơ tiếp nhận trong kỳ"
        parts = []
        for column, what in (("home_pickup", "tiếp nhận tại nhà"), ("home_return", "trả kết quả tại nhà")):
            if vulnerable[column].notna().all() and n:
                parts.append(
                    f"{what} {fmt_int(vulnerable[column].sum())} ({fmt_pct(vulnerable[column].sum() / n)})"
                )
        lines.append(text + (": " + "; ".join(parts) if parts else "") + ".")
    else:
        lines.append(
            "Tệp không có cột Đối tượng yếu thế nên chưa tách được nhóm yếu thế; số dưới đây là trên mọi hồ sơ."
        )
    for column, what in (("home_pickup", "Tiếp nhận tại nhà"), ("home_return", "Trả kết quả tại nhà")):
        if by_month[column].notna().all():
            lines.append(f"{what} (mọi hồ sơ): {fmt_int(by_month[column].sum())} hồ sơ.")
        else:
            lines.append(str(absent_section("home_pickup" if column == "home_pickup" else "home_delivery")))
    times = ret.home_delivery_times(dossiers, period)
    if times is not None and len(times):
        lines.append(
            "Từ khi có kết quả đến khi trả tại nhà: trung vị "
            f"{fmt_number(times['median_days'].median(), 1)} ngày làm việc, lâu nhất "
            f"{fmt_int(times['max_days'].max())} ngày làm việc."
        )
    if not by_month[["home_pickup", "home_return"]].fillna(0).to_numpy().any():
        lines.append(
            "Chưa có hồ sơ nào được tiếp nhận hoặc trả kết quả tại nhà trong kỳ: Kế hoạch 126/KH-UBND "
            "(13/4/2026) cần được triển khai và ghi nhận trên hệ thống."
        )
    return Markdown("\n".join(f"- {line}" for line in lines))


def home_delivery_by_group(
    dossiers: pd.DataFrame, period: Period, *, synthetic: bool = False
) -> Table | None:
    """Home pick-up and return per vulnerable group over the period (per month when the export has no group)."""
    if ret.missing_columns(dossiers, "home"):
        return None
    by_month = ret.home_delivery_table(dossiers, period)
    key = "group" if "group" in by_month else "month"
    summed = by_month.groupby(key, sort=False)[["dossiers", "home_pickup", "home_return"]].sum(min_count=1)
    summed = summed.reset_index()
    for name in ("home_pickup", "home_return"):
        if by_month[name].isna().all():
            summed[name] = pd.NA
        summed[name] = summed[name].astype("Int64")
        summed[f"{name}_rate"] = summed[name].astype("Float64") / summed["dossiers"]
    return table(
        summed,
        caption="Tiếp nhận, trả kết quả tại nhà theo nhóm đối tượng (Kế hoạch 126/KH-UBND)",
        synthetic=synthetic,
        headers={
            "group": "Nhóm đối tượng",
            "month": "Tháng",
            "dossiers": "Hồ sơ tiếp nhận",
            "home_pickup": "Tiếp nhận tại nhà",
            "home_return": "Trả tại nhà",
            "home_pickup_rate": "Tỷ lệ tiếp nhận tại nhà",
            "home_return_rate": "Tỷ lệ trả tại nhà",
        },
        formats={"month": _month_vi} if key == "month" else None,
    )


def delays_summary(
    dossiers: pd.DataFrame, period: Period, *, max_days: int = ret.DEFAULT_RETURN_DAYS
) -> Markdown:
    """Which systems delay returning (and syncing) results."""
    missing = ret.missing_columns(dossiers, "delays")
    if missing:
        return absent_section(missing)
    delays = ret.return_delays(dossiers, period, max_days=max_days)
    if delays is None or not len(delays):
        return Markdown("Không có hồ sơ nào được giải quyết trong kỳ.")
    by_system = ret.delays_by_system(delays)
    lines = [
        f"Chậm: trả (hoặc đồng bộ) sau hơn {max_days} ngày làm việc kể từ khi có kết quả, hoặc đến cuối kỳ vẫn chưa "
        f"trả (đồng bộ) dù đã quá {max_days} ngày làm việc."
    ]
    for step in by_system["step"].unique():
        rows = by_system[(by_system["step"] == step) & (by_system["delayed"] > 0)]
        rows = rows.sort_values("delayed_rate", ascending=False, kind="stable")
        if not len(rows):
            lines.append(f"{md_text(step)}: không có hồ sơ chậm.")
            continue
        worst = "; ".join(
            f"{md_text(r.system)} {fmt_int(r.delayed)}/{fmt_int(r.resolved)} ({fmt_pct(r.delayed_rate)})"
            for r in rows.head(3).itertuples()
        )
        lines.append(f"{md_text(step)} — hồ sơ chậm tập trung ở: {worst}.")
    if "synced_at" not in dossiers.columns:
        lines.append(str(absent_section("synced_at")))
    by = delays.attrs.get("by")
    if by == "field":
        lines.append("Tệp không có cột Hệ thống: các hồ sơ được nhóm theo lĩnh vực.")
    return Markdown("\n".join(f"- {line}" for line in lines))


def delays_table(dossiers: pd.DataFrame, period: Period, *, synthetic: bool = False) -> Table | None:
    """Return / sync delays per system over the period (the notice's systems first)."""
    if ret.missing_columns(dossiers, "delays"):
        return None
    delays = ret.return_delays(dossiers, period)
    if delays is None or not len(delays):
        return None
    summary = ret.delays_by_system(delays)
    longest = delays.groupby(["step", "system"], sort=False)["max_days"].max().reset_index()
    summary = summary.merge(longest, on=["step", "system"], how="left")
    return table(
        summary,
        caption="Thời gian từ khi có kết quả đến khi trả, đồng bộ — theo hệ thống",
        synthetic=synthetic,
        formats={"max_days": lambda v: "–" if pd.isna(v) else fmt_int(v)},
        headers={
            "step": "Bước",
            "system": "Hệ thống" if delays.attrs.get("by") != "field" else "Lĩnh vực",
            "resolved": "Đã giải quyết",
            "done": "Đã trả / đồng bộ",
            "waiting": "Chưa trả / đồng bộ",
            "delayed": "Chậm",
            "delayed_rate": "Tỷ lệ chậm",
            "max_days": "Lâu nhất (ngày làm việc)",
        },
    )
