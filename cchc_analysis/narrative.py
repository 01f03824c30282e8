"""Vietnamese sentences for briefings, written from the data: titles, headlines, comparisons, what-ifs.

Every date and number in a briefing's prose comes from here, computed from the period and the data, so a
briefing never carries a figure typed by hand. Functions return :class:`Markdown`, which a notebook shows as
formatted text (and ``str()`` gives the Markdown source).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from cchc_analysis.formatting import fmt_date, fmt_int, fmt_pct, fmt_pp
from cchc_analysis.markup import html_text, md_text, no_raw_tags
from cchc_analysis.schema import COLUMN_LABELS_VI, SYNTHETIC_NOTE_VI


class Markdown:
    """Markdown text that a notebook renders (``_repr_markdown_``).

    The sentences quote data (file names, unit names, fields, officers, labels of reported figures): every such
    text enters through :func:`cchc_analysis.markup.md_text` where the sentence is assembled, so it shows as its
    characters and never as markup. As a last guard a raw ``<`` is rendered as ``&lt;`` (no sentence here uses
    HTML on purpose; ``>`` stays: it starts a quote block).
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return no_raw_tags(self.text)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def __contains__(self, item: str) -> bool:
        return item in self.text


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {line}" for line in lines if line)


def _change_pct(a: object, b: object) -> str:
    if pd.isna(a) or pd.isna(b) or int(b) == 0:
        return ""
    pct = (int(a) - int(b)) / int(b)
    if abs(pct) < 0.0005:
        return "không đổi"
    return ("tăng " if pct > 0 else "giảm ") + fmt_pct(abs(pct))


def _change_pp(a: object, b: object, decimals: int = 1) -> str:
    if pd.isna(a) or pd.isna(b):
        return ""
    pp = (float(a) - float(b)) * 100
    if abs(pp) < 0.05:
        return "không đổi"
    return fmt_pp(pp, decimals)


def absent_section(columns: str | Iterable[str]) -> Markdown:
    """The one line that replaces a section whose columns the file does not have.

    Examples
    --------
    >>> str(absent_section("source_system"))
    'Tệp không có cột Hệ thống nên phần theo hệ thống được bỏ qua.'
    """
    names = [columns] if isinstance(columns, str) else list(columns)
    labels = [COLUMN_LABELS_VI.get(c, c) for c in names]
    listed = " và ".join(labels)
    return Markdown(
        f"Tệp không có cột {listed} nên phần theo {listed[:1].lower() + listed[1:]} được bỏ qua."
        if len(labels) == 1
        else f"Tệp không có cột {listed} nên phần này được bỏ qua."
    )


class WarningBox:
    """Lines a reader must see before any figure, shown as a boxed warning (HTML) or a quote block (Markdown).

    The lines quote data (file names, reasons with values): they are escaped in the HTML.
    """

    def __init__(self, title: str, lines: Iterable[str]) -> None:
        self.title = title
        self.lines = [str(line) for line in lines]

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html_text(line)}</li>" for line in self.lines)
        return (
            f'<div class="cchc-warning" role="alert"><p><strong>{html_text(self.title)}</strong></p>'
            f"<ul>{items}</ul></div>"
        )

    def _repr_markdown_(self) -> str:
        lines = "\n".join(f"> - {md_text(line, limit=None)}" for line in self.lines)
        return no_raw_tags(f"> **{md_text(self.title)}**\n>\n" + lines)

    def __str__(self) -> str:
        return f"> **{self.title}**\n>\n" + "\n".join(f"> - {line}" for line in self.lines)

    def __contains__(self, item: str) -> bool:
        return item in str(self)


def reading_warnings(source) -> WarningBox | None:
    """The warning box of the briefing's first page; None when there is nothing to say.

    ``source`` is a notebook's data (its ``reading_warnings``: the reading notes, the reject alert and the period's
    notes, :func:`cchc_analysis.briefing_data.reading_warnings`) or a ``LoadResult`` (its notes and reject alert).
    """
    from cchc_analysis.briefing_data import reading_warnings as warning_lines

    lines = getattr(source, "reading_warnings", None)
    if lines is None:
        lines = warning_lines(source)
    return WarningBox("Lưu ý khi đọc dữ liệu", [str(line) for line in lines]) if lines else None


def data_source(load, *, what: str = "Dữ liệu hồ sơ") -> Markdown:
    """Where the numbers come from: file, rows used, and «Dữ liệu mô phỏng» when synthetic."""
    a = load.accounting
    text = (
        f"**{what}:** tệp «{md_text(load.source.name)}» — {fmt_int(a.read)} dòng hồ sơ, đưa vào tính toán "
        f"{fmt_int(a.loaded)}, loại trừ {fmt_int(a.excluded)}, bị từ chối do lỗi dữ liệu {fmt_int(a.rejected)}."
    )
    if load.synthetic:
        from cchc_analysis.briefing_data import BUNDLED_DOSSIERS

        calibrated = Path(load.source).resolve() == BUNDLED_DOSSIERS.resolve()
        text += (
            f"\n\n> **{SYNTHETIC_NOTE_VI}.** Số liệu hồ sơ trong báo cáo này được sinh ra để minh họa"
            + (
                ", hiệu chỉnh cho khớp các con số tổng hợp của Thông báo kết luận kiểm tra"
                if calibrated
                else ""
            )
            + "; đây không phải số liệu thật."
        )
    return Markdown(text)


# --------------------------------------------------------------------------------------------------------------
# quarterly briefing


def omitted(d, kind: str) -> Markdown | None:
    """The line saying why section ``kind`` (``ranking``, ``targets``, ``findings``, ``notice``) is left out, or
    None when the section is shown (``d``: QuarterData or InspectionData)."""
    text = getattr(d, "omitted", {}).get(kind)
    return Markdown(md_text(text, limit=None)) if text else None


def unit_heading(unit: str | None) -> str:
    """« — Xã Tân Lập» after a title, or nothing when the file names no unit."""
    return f" — {md_text(unit)}" if unit else ""


def quarter_title(q) -> Markdown:
    """Title and period line of the quarterly briefing (``q``: :class:`~cchc_analysis.briefing_data.QuarterData`)."""
    p = q.period
    lines = [
        f"# Báo cáo tình hình giải quyết thủ tục hành chính{unit_heading(getattr(q, 'unit', None))} — {p.label_vi}",
        "",
        f"Kỳ báo cáo: từ ngày {fmt_date(p.start)} đến ngày {fmt_date(p.end)}.",
    ]
    if not q.complete:
        lines[-1] += (
            f" Số liệu hồ sơ đến ngày **{fmt_date(q.counted.end)}**: các số dưới đây tính từ "
            f"{fmt_date(q.counted.start)} đến {fmt_date(q.counted.end)}."
        )
    compare = (
        f"So sánh với {q.previous.label_vi} ({q.previous_source})."
        if q.previous_rates is not None
        else f"Không có số liệu {q.previous.label_vi} để so sánh."
    )
    lines += ["", compare]
    return Markdown("\n".join(lines))


def quarter_highlights(q) -> Markdown:
    """The quarter in five bullets: volume, timeliness, overdue, online, target."""
    r = q.rates.iloc[0]
    prev = q.previous_rates.iloc[0] if q.previous_rates is not None else None
    prev_label = q.previous.label_vi

    def vs_count(name: str) -> str:
        if prev is None or not q.complete:  # a period cut short is not comparable by volume
            return ""
        change = _change_pct(r[name], prev[name])
        return f" ({change} so với {prev_label})" if change else ""

    def vs_rate(name: str) -> str:
        if prev is None:
            return ""
        change = _change_pp(r[name], prev[name])
        return f" ({change} so với {prev_label})" if change else ""

    lines = [
        f"Tiếp nhận mới **{fmt_int(r['new'])}** hồ sơ{vs_count('new')}; tổng số hồ sơ phải giải quyết "
        f"{fmt_int(r['in_scope'])} (kỳ trước chuyển sang {fmt_int(r['carried_over'])}).",
        f"Đã giải quyết {fmt_int(r['resolved'])} hồ sơ: trước hạn {fmt_int(r['early'])}, đúng hạn "
        f"{fmt_int(r['on_time'])}, quá hạn {fmt_int(r['late'])}; tỷ lệ đúng và trước hạn "
        f"**{fmt_pct(r['on_time_rate'])}**{vs_rate('on_time_rate')}.",
        f"Đang giải quyết {fmt_int(r['pending'])} hồ sơ, trong đó **{fmt_int(r['pending_overdue'])}** đã quá hạn "
        f"tại ngày {fmt_date(q.counted.end)}.",
    ]
    if pd.notna(r.get("no_deadline")) and r["no_deadline"] > 0:  # see rates.py: on time, or within deadline
        lines.append(
            f"Trong đó {fmt_int(r['no_deadline'])} hồ sơ không có thời hạn giải quyết (thủ tục không quy định thời "
            "hạn): đã giải quyết được tính là đúng hạn, đang giải quyết được tính là trong hạn."
        )
    if pd.notna(r.get("online_rate")):
        full = (
            f"**{fmt_pct(r['full_online_rate'], 2)}**{vs_rate('full_online_rate')}"
            if pd.notna(r.get("full_online_rate"))
            else "không có dữ liệu"
        )
        lines.append(f"Tiếp nhận trực tuyến {fmt_pct(r['online_rate'])}; trực tuyến toàn trình {full}.")
    for _, t in (q.progress if q.progress is not None else pd.DataFrame(columns=["status"])).iterrows():
        lines.append(md_text(t["status"], limit=None))
    return Markdown(_bullets(lines))


def comparison_note(q) -> Markdown:
    if q.previous_rates is None:
        return Markdown(
            f"Không có số liệu {q.previous.label_vi}: tệp hồ sơ bắt đầu sau ngày {fmt_date(q.previous.start)} và "
            "không có tệp kỳ trước (tham số `previous_dossiers`)."
        )
    return Markdown(
        f"Số liệu {q.previous.label_vi} lấy từ {md_text(q.previous_source)}, tính theo cùng định nghĩa "
        "(Biểu số 06/VPCP/KSTT)."
    )


def rank_summary(trend: pd.DataFrame | None, omitted_text: str | None = None) -> Markdown:
    """The latest rank and its change, or why there is none (``omitted_text``: no ranking file of the unit)."""
    if omitted_text:
        return Markdown(md_text(omitted_text, limit=None))
    if trend is None or trend.empty:
        return Markdown("Chưa có số liệu xếp hạng theo Bộ chỉ số 766 cho kỳ này.")
    lines = [md_text(d, limit=None) for d in trend["description"]]
    return Markdown(_bullets(lines))


def targets_summary(progress: pd.DataFrame | None, omitted_text: str | None = None) -> Markdown:
    """One bullet per target, or why there is none (``omitted_text``: no targets file of the unit)."""
    if progress is None:
        return Markdown(md_text(omitted_text, limit=None) if omitted_text else "Không có tệp mục tiêu.")
    if progress.empty:
        return Markdown("Không có mục tiêu nào trong tệp mục tiêu.")
    return Markdown(_bullets(md_text(s, limit=None) for s in progress["status"]))


def exploration_title(e) -> Markdown:
    """Title of the analysts' notebook: the unit and the period explored (``e``: ExplorationData)."""
    p = e.period
    return Markdown(
        f"# Khám phá dữ liệu hồ sơ{unit_heading(e.unit)}\n\n"
        f"Hồ sơ từ ngày {fmt_date(p.start)} đến ngày {fmt_date(p.end)}."
    )


def comparison_title(e) -> Markdown:
    """Title of the units' comparison notebook: how many units, and the period (``e``: ExplorationData)."""
    p = e.period
    n = int(e.dossiers["unit"].nunique()) if "unit" in e.dossiers.columns else 0
    count = f"{fmt_int(n)} đơn vị" if n else "các đơn vị"
    return Markdown(
        f"# So sánh {count}\n\nHồ sơ từ ngày {fmt_date(p.start)} đến ngày {fmt_date(p.end)}; mỗi đơn vị lấy từ cột "
        "đơn vị của tệp, nếu không có thì từ dòng tiêu đề («UBND XÃ …»)."
    )


def unit_standing(league: pd.DataFrame, unit: object = None, metric: str = "on_time_rate") -> Markdown:
    """Sentences on a league table (:func:`cchc_analysis.exploration.unit_league`): the units named, the median
    and quartiles of ``metric``, and where ``unit`` (``--unit``) stands."""
    from cchc_analysis.exploration import find_unit
    from cchc_analysis.schema import label

    if league is None or league.empty or "unit" not in league:
        return Markdown("Không có đơn vị nào để so sánh.")
    values = pd.to_numeric(league[metric], errors="coerce").dropna()
    names = ", ".join(md_text(u) for u in league["unit"])
    lines = [f"Có {fmt_int(len(league))} đơn vị: {names}."]
    if len(values):
        q1, median, q3 = (values.quantile(q) for q in (0.25, 0.5, 0.75))
        lines.append(
            f"{label(metric)}: trung vị {fmt_pct(median, 2)}; nửa giữa các đơn vị từ {fmt_pct(q1, 2)} đến "
            f"{fmt_pct(q3, 2)}."
        )
    if unit is not None and str(unit).strip():
        chosen = find_unit(list(league["unit"]), unit)
        if chosen is None:
            lines.append(f"Không tìm thấy đơn vị «{md_text(unit)}» trong dữ liệu.")
        else:
            row = league[league["unit"] == chosen].iloc[0]
            if pd.isna(row["rank"]):
                lines.append(f"{md_text(chosen)}: không tính được {label(metric).lower()}.")
            else:
                lines.append(
                    f"**{md_text(chosen)}** đứng thứ {int(row['rank'])}/{fmt_int(values.size)} với "
                    f"{fmt_pct(row[metric], 2)} ({md_text(row['quartile'])})."
                )
    return Markdown(" ".join(lines))


# --------------------------------------------------------------------------------------------------------------
# the 2026 inspection


def inspection_title(d) -> Markdown:
    """Title of the inspection briefing with the notice's period (``d``: InspectionData)."""
    from cchc_analysis.briefing_data import unit_label

    p = d.period
    who = f"**Trung tâm Phục vụ hành chính công {md_text(unit_label(d.unit))}** — s" if d.unit else "S"
    return Markdown(
        f"# Kết luận kiểm tra công vụ, cải cách hành chính năm {p.end.year}{unit_heading(d.unit)}\n\n"
        f"{who}ố liệu giải quyết thủ tục hành chính từ ngày {fmt_date(p.start)} đến ngày {fmt_date(p.end)}."
    )


def inspection_context(d) -> Markdown:
    """Who inspected whom and what this briefing does; without the unit's notice, the line saying so."""
    from cchc_analysis.briefing_data import unit_label

    if d.figures is None:
        return Markdown(
            md_text(getattr(d, "omitted", {}).get("notice") or "", limit=None)
            + " Báo cáo tính các tỷ lệ giải quyết thủ tục hành chính từ dữ liệu hồ sơ theo Biểu số 06/VPCP/KSTT."
        )
    return Markdown(
        f"Đoàn kiểm tra công vụ, cải cách hành chính của UBND {md_text(unit_label(d.unit))} đã kiểm tra trực tiếp Trung "
        "tâm Phục vụ hành chính công (PVHCC) và ban hành Thông báo kết luận. Thông báo ghi nhận kết quả giải "
        "quyết thủ tục hành chính (TTHC), chỉ ra các tồn tại, hạn chế và giao yêu cầu khắc phục có thời hạn.\n\n"
        "Báo cáo này làm ba việc: **tính lại mọi con số của Thông báo từ dữ liệu hồ sơ** và đặt cạnh con số in "
        "trong văn bản; **đối chiếu** để chỉ ra chỗ các con số chưa khớp nhau; và **theo dõi** thứ hạng, mục "
        "tiêu, thời hạn mà Thông báo đặt ra. Các văn bản làm căn cứ:"
    )


def rates_chart_title(d) -> str:
    """The title of the rates chart: against the notice when there is one."""
    return (
        "Tỷ lệ tính lại từ dữ liệu so với Thông báo"
        if d.figures is not None
        else "Tỷ lệ giải quyết hồ sơ tính từ dữ liệu"
    )


def inspection_highlights(d) -> Markdown:
    """What the notice says, recomputed: the headline figures with their numerators and denominators."""
    r = d.rates.iloc[0]

    def known(*names: str) -> bool:
        return all(pd.notna(r.get(n)) for n in names)

    def share(rate: str, decimals: int, count: str | None = None, *, bold: bool = False) -> str:
        if not known(rate):
            return "không có dữ liệu"
        value = f"**{fmt_pct(r[rate], decimals)}**" if bold else fmt_pct(r[rate], decimals)
        return f"{fmt_int(r[count])}/{fmt_int(r['new'])} = {value}" if count and known(count) else value

    lines = [
        f"Tổng số hồ sơ tiếp nhận, giải quyết: **{fmt_int(r['in_scope'])}** hồ sơ.",
        f"Giải quyết trước hạn {fmt_int(r['early'])}/{fmt_int(r['resolved'])} hồ sơ, đạt "
        f"**{fmt_pct(r['early_rate'])}**; quá hạn {fmt_int(r['late'])} hồ sơ; đúng hạn {fmt_int(r['on_time'])}; "
        f"đang giải quyết {fmt_int(r['pending'])} (quá hạn {fmt_int(r['pending_overdue'])}).",
        f"Tiếp nhận trực tuyến {share('online_rate', 0)}, số hóa {share('digitization_rate', 0)}, "
        f"thanh toán trực tuyến {share('online_payment_rate', 0)}; tái sử dụng dữ liệu số hóa "
        f"{share('reuse_rate', 2, 'data_reused')}.",
        f"Trực tuyến toàn trình {share('full_online_rate', 2, 'full_online', bold=True)}; trực tuyến một phần "
        f"{share('partial_online_rate', 2, 'partial_online')}.",
    ]
    if pd.notna(r.get("complaint")):
        lines.append(f"Hồ sơ có phản ánh, kiến nghị: {fmt_int(r['complaint'])}.")
    return Markdown(_bullets(lines))


def legal_basis(frame: pd.DataFrame | None) -> Markdown | None:
    """The documents the inspection rests on, from ``data/notice_2026/legal_basis.csv`` (None: nothing shown)."""
    if frame is None:
        return None
    lines = []
    for _, row in frame.iterrows():
        issued = str(row.get("issued") or "").strip()
        when = f" ngày {fmt_date(pd.Timestamp(issued).date())}" if issued else ""
        lines.append(
            f"*{md_text(row['role'])}:* {md_text(row['document'])}{when} của {md_text(row['issuer'])} — "
            f"{md_text(row['subject'], limit=None)}."
        )
    return Markdown(_bullets(lines))


def reconciliation_summary(
    checks: pd.DataFrame, explanations: pd.DataFrame, *, synthetic: bool = False
) -> Markdown:
    """How many reported figures hold, and what the data put in each gap (labelled «Dữ liệu mô phỏng» when the
    dossiers are synthetic: the gaps' numbers then come from the generator, not from the real notice)."""
    counts = checks["status"].value_counts()
    head = (
        f"Đối chiếu {fmt_int(len(checks))} phép kiểm tra: {fmt_int(counts.get('OK', 0))} khớp, "
        f"{fmt_int(counts.get('WARNING', 0))} cần làm rõ, {fmt_int(counts.get('ERROR', 0))} sai lệch."
    )
    lines = [md_text(t, limit=None) for t in explanations["text"]] if len(explanations) else []
    if lines and synthetic:
        lines = [f"*{SYNTHETIC_NOTE_VI}:* {line}" for line in lines]
    return Markdown(head + ("\n\n" + _bullets(lines) if lines else ""))


def rank_fall(trend: pd.DataFrame | None, omitted_text: str | None = None) -> Markdown:
    """The rank change between the first and the last snapshot, in places and in percentiles."""
    if trend is None or len(trend) < 2:
        return rank_summary(trend, omitted_text)
    first, last = trend.iloc[0], trend.iloc[-1]
    days = (pd.Timestamp(last["date"]) - pd.Timestamp(first["date"])).days
    text = (
        f"Từ ngày {fmt_date(first['date'])} đến ngày {fmt_date(last['date'])} ({fmt_int(days)} ngày), "
        f"{md_text(last['unit'])} chuyển từ hạng **{fmt_int(first['rank'])}/{fmt_int(first['n_units'])}** xuống "
        f"hạng **{fmt_int(last['rank'])}/{fmt_int(last['n_units'])}**: {md_text(last['direction_first'])}. "
        f"Đơn vị đứng trên {fmt_pct(first['percentile'], 0)} số đơn vị lúc đầu và "
        f"{fmt_pct(last['percentile'], 0)} lúc sau. Thứ hạng là số lũy kế từ đầu năm và thay đổi hằng ngày."
    )
    return Markdown(text)


def what_if_summary(result: dict | None, trend: pd.DataFrame | None = None) -> Markdown | None:
    """The 766 what-if in words, with what it cannot say (ranks need the other units' scores); None without a
    target to ask about."""
    if result is None:
        return None
    text = md_text(result["message"], limit=None)
    if pd.isna(result.get("rank_after")):
        text += (
            " Chưa ước tính được thứ hạng mới vì chưa có tổng điểm của các đơn vị khác trong tỉnh; "
            "khi có, thêm cột total_score vào tệp xếp hạng."
        )
    return Markdown(text)


def days_left_note(d) -> Markdown:
    """How the days left are counted; without the unit's findings file, the line saying so."""
    if getattr(d, "findings", None) is None:
        return omitted(d, "findings") or Markdown("")
    return Markdown(
        f"Số ngày còn lại tính từ ngày chốt số liệu ({fmt_date(d.as_of)}) và tính đến ngày lập báo cáo "
        f"({fmt_date(d.today)}); hạn «trước ngày D» được tính đến hết ngày liền trước D."
    )
