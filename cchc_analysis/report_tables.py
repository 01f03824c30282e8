"""Tables for briefings: the library's frames shown in Vietnamese, numbers in Vietnamese style.

Each function returns a :class:`Table` — the raw frame (``.data``, numbers untouched, for an analyst to reuse)
plus how a reader sees it (``.shown``: Vietnamese headers, ``3.099``, ``99,6 %``, ``13/04/2026``). A notebook
displays it as an HTML table with a caption, and with «Dữ liệu mô phỏng» when the data are synthetic.
Nothing here computes a rate: the numbers come from :mod:`cchc_analysis.rates`, :mod:`~cchc_analysis.reconcile`,
:mod:`~cchc_analysis.targets`, :mod:`~cchc_analysis.ranking` and :mod:`~cchc_analysis.index766`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from cchc_analysis.formatting import MISSING, fmt_date, fmt_int, fmt_number, fmt_pct, fmt_pp
from cchc_analysis.markup import html_text
from cchc_analysis.rates import IDENTITIES, RATE_DEFINITIONS
from cchc_analysis.schema import COLUMN_LABELS_VI, SYNTHETIC_NOTE_VI, label

if TYPE_CHECKING:
    from cchc_analysis.narrative import Markdown

#: How the keys of the notice's reported-figures file map to what the dossier data measure.
#: Keys that are already a count or rate name (``early``, ``reuse_rate``…) need no entry.
FIGURE_MEASURES: dict[str, str] = {
    "received": "in_scope",
    "online_receipt_rate": "online_rate",
    "petitions": "complaint",
}

#: Vietnamese words for the reconciliation statuses.
STATUS_LABELS_VI: dict[str, str] = {"OK": "Khớp", "WARNING": "Cần làm rõ", "ERROR": "Sai lệch"}

Formatter = Callable[[object], str]


@dataclass
class Table:
    """A table as a briefing shows it.

    Attributes
    ----------
    data : DataFrame
        The values, unformatted (counts as integers, rates as fractions).
    shown : DataFrame
        The same rows as text, with Vietnamese headers.
    caption : str, optional
        Shown above the table.
    synthetic : bool
        Adds «Dữ liệu mô phỏng» to the caption.
    note : str, optional
        A line under the table (source, definitions).
    text_columns : list of str
        Columns of ``shown`` aligned left (the others are numbers, aligned right).
    row_classes : list of str, optional
        A CSS class per row (e.g. ``cchc-status-error``).
    """

    data: pd.DataFrame
    shown: pd.DataFrame
    caption: str | None = None
    synthetic: bool = False
    note: str | None = None
    text_columns: list[str] = field(default_factory=list)
    row_classes: list[str] | None = None

    def _repr_html_(self) -> str:
        esc = html_text  # the one escape of data in HTML (cchc_analysis.markup)
        parts = ['<table class="cchc-table">']
        if self.caption or self.synthetic:
            caption = esc(self.caption or "")
            if self.synthetic:
                caption += (" — " if caption else "") + (
                    f'<span class="cchc-synthetic-caption">{esc(SYNTHETIC_NOTE_VI)}</span>'
                )
            parts.append(f"<caption>{caption}</caption>")
        parts.append("<thead><tr>")
        for column in self.shown.columns:
            cls = ' class="cchc-text"' if column in self.text_columns else ""
            parts.append(f"<th{cls}>{esc(str(column))}</th>")
        parts.append("</tr></thead><tbody>")
        for i, (_, row) in enumerate(self.shown.iterrows()):
            row_cls = (
                f' class="{esc(self.row_classes[i])}"' if self.row_classes and self.row_classes[i] else ""
            )
            parts.append(f"<tr{row_cls}>")
            for column in self.shown.columns:
                cls = ' class="cchc-text"' if column in self.text_columns else ""
                parts.append(f"<td{cls}>{esc(str(row[column]))}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
        if self.note:
            parts.append(f'<p class="cchc-table-note">{esc(self.note)}</p>')
        return "".join(parts)

    def __repr__(self) -> str:
        head = (self.caption or "") + (f" [{SYNTHETIC_NOTE_VI}]" if self.synthetic else "")
        body = self.shown.to_string(index=False)
        return f"{head}\n{body}" + (f"\n{self.note}" if self.note else "") if head else body


def _group_value(value: object, column: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "(Chưa xác định)"
    text = str(value)
    if column == "channel":
        from cchc_analysis.schema import CHANNEL_LABELS_VI

        return CHANNEL_LABELS_VI.get(text, text)
    if column == "month" and len(text) == 7:
        return f"{int(text[5:])}/{text[:4]}"
    return text


def _is_rate(name: str) -> bool:
    return name.endswith("_rate")


def _fraction_text(row: Mapping[str, object], rate: str) -> str:
    """``923/3.099`` for a rate of SPEC §3 (numerator/denominator counts), or ``–``."""
    if rate not in RATE_DEFINITIONS:
        return MISSING
    numerators, denominator = RATE_DEFINITIONS[rate]
    try:
        num = sum(int(row[n]) for n in numerators)
        den = int(row[denominator])
    except (KeyError, TypeError, ValueError):
        return MISSING
    return f"{fmt_int(num)}/{fmt_int(den)}"


# --------------------------------------------------------------------------------------------------------------
# generic


def table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
    formats: Mapping[str, Formatter] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Table:
    """Any frame as a :class:`Table`: counts and rates formatted by their names, headers in Vietnamese.

    Columns named like a rate (``*_rate``) are percentages with 1 decimal, count columns (``rates.COUNT_COLUMNS``)
    and other integers get a thousands dot, dates ``dd/mm/yyyy``; ``formats`` overrides per column and
    ``headers`` renames.
    """
    formats = dict(formats or {})
    headers = dict(headers or {})
    shown = pd.DataFrame(index=frame.index)
    text_columns = []
    for column in frame.columns:
        values = frame[column]
        if column in formats:
            fmt = formats[column]
        elif _is_rate(str(column)):
            fmt = fmt_pct
        elif pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
            fmt = fmt_int
        elif pd.api.types.is_float_dtype(values.dtype):
            fmt = fmt_number
        elif pd.api.types.is_datetime64_any_dtype(values.dtype):
            fmt = fmt_date
        else:
            fmt = None
        name = headers.get(column, label(str(column)))
        if fmt is None:
            shown[name] = [_group_value(v, str(column)) for v in values]
            text_columns.append(name)
        else:
            shown[name] = [fmt(v) for v in values]
    return Table(frame, shown.reset_index(drop=True), caption, synthetic, note, text_columns)


# --------------------------------------------------------------------------------------------------------------
# inputs


def accounting_table(load, *, caption: str = "Số dòng dữ liệu đã đọc") -> Table:
    """Row accounting of a loaded file: read = loaded + excluded + rejected, and the file's fingerprint."""
    a = load.accounting
    excluded = getattr(load, "excluded", None)
    footer = 0 if excluded is None else int((excluded["reason_code"] == "footer").sum())
    rows = [
        ("Số dòng hồ sơ trong tệp", a.read),
        ("Đưa vào tính toán", a.loaded),
        ("Loại trừ (trạng thái Mới đăng ký / Không được tiếp nhận)", a.excluded - footer),
        ("Bị từ chối do lỗi dữ liệu", a.rejected),
    ]
    if footer:  # total, signature and note rows below the data: read, but not dossiers
        rows.insert(3, ("Dòng cuối bảng (tổng cộng, chữ ký, ghi chú), không phải hồ sơ", footer))
    data = pd.DataFrame(rows, columns=["item", "rows"])
    shown = pd.DataFrame({"Nội dung": data["item"], "Số dòng": [fmt_int(v) for v in data["rows"]]})
    name = getattr(load.source, "name", str(load.source))
    note = f"Tệp {name}; mã SHA-256 {str(load.sha256)[:16]}…"
    return Table(data, shown, caption, bool(load.synthetic), note, ["Nội dung"])


# --------------------------------------------------------------------------------------------------------------
# counts and rates


#: Columns of :func:`timeliness_table`, in the order of Biểu 06.
TIMELINESS_COLUMNS: tuple[str, ...] = (
    "in_scope",
    "resolved",
    "early",
    "on_time",
    "late",
    "pending",
    "pending_within",
    "pending_overdue",
)
_SHORT_HEADERS: dict[str, str] = {
    "in_scope": "Tổng số",
    "new": "Mới tiếp nhận",
    "carried_over": "Kỳ trước chuyển sang",
    "resolved": "Đã giải quyết",
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
    "pending": "Đang giải quyết",
    "pending_within": "Đang GQ trong hạn",
    "pending_overdue": "Đang GQ quá hạn",
    "on_time_rate": "Đúng và trước hạn",
    "full_online_rate": "Toàn trình",
    "online_rate": "Trực tuyến",
}


def timeliness_table(
    counts: pd.DataFrame | None,
    by: str | Sequence[str] | None = None,
    *,
    caption: str | None = None,
    synthetic: bool = False,
    extra: Sequence[str] = ("on_time_rate",),
    max_rows: int | None = None,
    note: str | None = None,
) -> Table | Markdown:
    """Biểu 06 counts per group (largest first), with a total row when there are several groups.

    ``extra`` adds rate columns (from ``processing_rates``). With ``max_rows`` only the largest groups are listed
    and a note says how many were left out (the total row still counts them all).

    ``counts`` None (the file has no column to group by): the line «Tệp không có cột … nên phần theo …
    được bỏ qua.» (:func:`cchc_analysis.narrative.absent_section`) instead.
    """
    if counts is None:  # the file has no column to group by: one line instead of the table
        from cchc_analysis.narrative import absent_section

        return absent_section(by or "field")
    from cchc_analysis.rates import add_rates

    columns = (
        [by] if isinstance(by, str) else list(by or [c for c in counts.columns if c in COLUMN_LABELS_VI])
    )
    numbers = [c for c in TIMELINESS_COLUMNS if c in counts.columns]
    frame = counts.copy()
    if columns:
        frame = frame.sort_values("in_scope", ascending=False, kind="stable")
    left_out = 0
    if max_rows is not None and len(frame) > max_rows:
        left_out = len(frame) - max_rows
        frame = frame.head(max_rows)
    rows = frame[[*columns, *numbers]].copy()
    if columns and len(counts) > 1:
        total = counts[numbers].sum().to_frame().T
        for c in columns:
            total[c] = "Tổng cộng"
        rows = pd.concat([rows, total[[*columns, *numbers]]], ignore_index=True)
    with_rates = add_rates(rows[numbers].astype("Int64"))
    shown = pd.DataFrame()
    for c in columns:
        shown[label(c)] = [
            "Tổng cộng"
            if isinstance(v, str) and v == "Tổng cộng"
            else _group_value(v, c)  # NA: a group without a name
            for v in rows[c].tolist()
        ]
    for c in numbers:
        shown[_SHORT_HEADERS.get(c, label(c))] = [fmt_int(v) for v in rows[c]]
    for c in extra:
        if c in with_rates:
            shown[_SHORT_HEADERS.get(c, label(c))] = [fmt_pct(v) for v in with_rates[c]]
    if left_out:
        extra_note = f"Chỉ liệt kê {fmt_int(max_rows)} nhóm lớn nhất; {fmt_int(left_out)} nhóm khác được tính trong dòng tổng."
        note = f"{note} {extra_note}" if note else extra_note
    classes = [""] * (len(shown) - 1) + ["cchc-total"] if columns and len(counts) > 1 else None
    return Table(rows, shown, caption, synthetic, note, [label(c) for c in columns], classes)


def period_comparison_table(
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    *,
    current_label: str,
    previous_label: str,
    counts: Sequence[str] = ("new", "in_scope", "resolved", "late", "pending_overdue"),
    rates: Sequence[str] = (
        "on_time_rate",
        "progress_766_rate",
        "online_rate",
        "full_online_rate",
        "digitization_rate",
        "reuse_rate",
        "online_payment_rate",
    ),
    caption: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
    compare_counts: bool = True,
) -> Table:
    """This period against the previous: counts (with the change in %) and rates (change in điểm %).

    ``compare_counts=False`` leaves the change of counts blank (a period cut short by the data cannot be compared
    by volume, only by rates) and says so in the note.
    """
    cur = current.iloc[0]
    prev = previous.iloc[0] if previous is not None and len(previous) else None
    records, shown_rows = [], []
    for name in counts:
        if name not in current.columns:
            continue
        a = cur[name]
        b = prev[name] if prev is not None and name in prev.index else pd.NA
        change = MISSING
        if compare_counts and pd.notna(a) and pd.notna(b) and int(b) > 0:
            pct = (int(a) - int(b)) / int(b)
            change = ("+" if pct > 0 else "") + fmt_pct(pct)
        records.append({"measure": name, "current": a, "previous": b})
        shown_rows.append([label(name), fmt_int(a), fmt_int(b), change])
    for name in rates:
        if name not in current.columns:
            continue
        a = cur[name]
        b = prev[name] if prev is not None and name in prev.index else float("nan")
        change = fmt_pp((a - b) * 100) if pd.notna(a) and pd.notna(b) else MISSING
        records.append({"measure": name, "current": a, "previous": b})
        shown_rows.append([label(name), fmt_pct(a), fmt_pct(b), change])
    shown = pd.DataFrame(shown_rows, columns=["Chỉ tiêu", current_label, previous_label, "Thay đổi"])
    if not compare_counts and prev is not None:
        extra = "Kỳ này chưa trọn nên không so sánh số lượng hồ sơ, chỉ so sánh các tỷ lệ."
        note = f"{note} {extra}" if note else extra
    return Table(pd.DataFrame(records), shown, caption, synthetic, note, ["Chỉ tiêu"])


# --------------------------------------------------------------------------------------------------------------
# the notice: printed figures against the data, reconciliation


def figure_measure(key: str) -> str | None:
    """The count or rate of the dossier data that a reported figure's key stands for (None if none)."""
    from cchc_analysis.rates import COUNT_COLUMNS, RATE_COLUMNS

    name = FIGURE_MEASURES.get(key, key)
    return name if name in COUNT_COLUMNS or name in RATE_COLUMNS else None


def figures_against_data(
    figures: pd.DataFrame, rates: pd.DataFrame, trend: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every reported figure beside the same figure recomputed (dossier data, or the ranking snapshots).

    Parameters
    ----------
    figures : DataFrame
        ``reported.read_reported_figures`` output.
    rates : DataFrame
        ``processing_rates`` over the document's period (first row used).
    trend : DataFrame, optional
        ``ranking.rank_trend`` output, for rank figures (keys ``rank_YYYY_MM_DD``) and ``units_ranked``.

    Returns
    -------
    DataFrame
        ``key, label, printed, computed, computed_text, source, matches, taken``: ``printed`` as the document
        prints it (``99,6 %``), ``computed_text`` the data's value at the same number of decimals, ``matches``
        whether the two texts are equal (NA when the dossiers cannot give the figure), ``taken`` True for a
        figure read back from the ranking file typed from the same document (ranks): shown, never a match.
    """
    row = rates.iloc[0]
    records = []
    for _, f in figures.iterrows():
        key = str(f["key"])
        decimals = int(f["decimals"])
        printed = f["value_text"] + (" %" if f["is_percent"] else "")
        measure = figure_measure(key)
        computed, text, source = float("nan"), MISSING, "không tính được từ dữ liệu hồ sơ"
        taken = False  # read back from a file typed from the same document: shown, never a match
        if measure is not None and measure in row.index and pd.notna(row[measure]):
            computed = float(row[measure])
            source = (
                f"dữ liệu hồ sơ ({_fraction_text(row, measure)})" if _is_rate(measure) else "dữ liệu hồ sơ"
            )
            text = fmt_pct(computed, decimals) if _is_rate(measure) else fmt_int(computed)
        elif trend is not None and key.startswith("rank_"):
            day = pd.Timestamp(key.removeprefix("rank_").replace("_", "-"))
            match = trend[pd.to_datetime(trend["date"]) == day]
            if len(match):
                computed = float(match["rank"].iloc[0])
                text = f"{fmt_int(computed)}/{fmt_int(match['n_units'].iloc[0])}"
                printed = f"{printed}/{fmt_int(match['n_units'].iloc[0])}"
                source = f"tệp xếp hạng, ngày {fmt_date(day)}"
                taken = True
        elif trend is not None and key == "units_ranked" and trend["n_units"].notna().any():
            computed = float(trend["n_units"].dropna().iloc[-1])
            text = fmt_int(computed)
            source = "tệp xếp hạng"
            taken = True
        if f["is_percent"] is False and text != MISSING and not key.startswith("rank_"):
            printed = fmt_int(f["value"])
        matches = pd.NA if text == MISSING or taken else text == printed
        records.append(
            {
                "key": key,
                "label": f["label"],
                "printed": printed,
                "computed": computed,
                "computed_text": text,
                "source": source,
                "matches": matches,
                "taken": taken,
            }
        )
    frame = pd.DataFrame(records)
    frame["matches"] = pd.array(frame["matches"].tolist(), dtype="boolean")
    return frame


def reported_rates(figures: pd.DataFrame) -> dict[str, float]:
    """``{rate: fraction}`` of the percentages a document prints that the data also measure (for charts)."""
    out: dict[str, float] = {}
    for _, f in figures[figures["is_percent"]].iterrows():
        measure = figure_measure(str(f["key"]))
        if measure is not None and _is_rate(measure):
            out[measure] = float(f["value"]) / 100
    return out


#: The verdict of a figure read back from a file typed from the same document (ranks): not a match.
TAKEN_FROM_NOTICE = "Lấy từ thông báo, không tính lại được từ hồ sơ"


def figures_table(comparison: pd.DataFrame, *, synthetic: bool = False, caption: str | None = None) -> Table:
    """:func:`figures_against_data` for the reader: printed value, recomputed value, and whether they agree."""
    verdict = {True: "Khớp", False: "Khác", pd.NA: "Không tính được"}
    taken = comparison["taken"] if "taken" in comparison else pd.Series(False, index=comparison.index)
    shown = pd.DataFrame(
        {
            "Số liệu": comparison["label"],
            "Thông báo ghi": comparison["printed"],
            # a figure read back from a file typed from the notice is not a recomputation: no value beside it
            "Tính lại": [
                MISSING if t else c for c, t in zip(comparison["computed_text"], taken, strict=True)
            ],
            "Kết quả": [
                TAKEN_FROM_NOTICE if t else verdict[pd.NA] if pd.isna(m) else verdict[bool(m)]
                for m, t in zip(comparison["matches"], taken, strict=True)
            ],
            "Nguồn tính lại": comparison["source"],
        }
    )
    classes = [
        "" if pd.isna(m) else "cchc-status-ok" if bool(m) else "cchc-status-warning"
        for m in comparison["matches"]
    ]
    return Table(
        comparison,
        shown,
        caption or "Số liệu của Thông báo và số liệu tính lại",
        synthetic,
        None,
        ["Số liệu", "Kết quả", "Nguồn tính lại"],
        classes,
    )


def checks_table(checks: pd.DataFrame, *, caption: str | None = "Kết quả đối chiếu số liệu công bố") -> Table:
    """``reconcile.reconcile`` output: check, figures involved, status in Vietnamese, explanation."""
    from cchc_analysis.reconcile import CHECK_LABELS_VI

    shown = pd.DataFrame(
        {
            "Kiểm tra": [CHECK_LABELS_VI.get(str(c), str(c)) for c in checks["check"]],
            "Kết quả": [STATUS_LABELS_VI.get(str(s), str(s)) for s in checks["status"]],
            "Giải thích": checks["message"].astype(str),
        }
    )
    classes = [f"cchc-status-{str(s).lower()}" for s in checks["status"]]
    return Table(checks, shown, caption, False, None, list(shown.columns), classes)


def identity_explanations(checks: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """For each count "parts" check that falls short, what the dossier data put in the gap.

    The Biểu 06 identities (``rates.IDENTITIES``) say which categories make up a whole; those the document did
    not print are the gap (e.g. resolved = early + on time + late: the document printed early and late, so the
    gap is on-time dossiers).

    Returns
    -------
    DataFrame
        ``keys, whole, missing, counts, text`` — ``text`` one Vietnamese sentence per check.
    """
    row = rates.iloc[0]
    records = []
    for _, check in checks[checks["check"] == "parts"].iterrows():
        keys = [str(k) for k in check["keys"]]
        measures = [figure_measure(k) for k in keys]
        if None in measures:
            continue
        *parts, whole = measures
        for left, right in IDENTITIES:
            if left != whole or not set(parts) < set(right):
                continue
            missing = [c for c in right if c not in parts]
            counts = {c: row.get(c) for c in missing}
            if any(pd.isna(v) for v in counts.values()):
                continue
            said = " và ".join(f"{fmt_int(v)} hồ sơ {label(c).lower()}" for c, v in counts.items())
            detail = ""
            if missing == ["pending"] and "pending_within" in row.index:
                detail = f" (trong hạn {fmt_int(row['pending_within'])}, quá hạn {fmt_int(row['pending_overdue'])})"
            text = (
                f"{label(whole)} = {' + '.join(label(c).lower() for c in right)}. Thông báo không nêu "
                f"{' và '.join(label(c).lower() for c in missing)}; dữ liệu hồ sơ có {said}{detail}."
            )
            records.append({"keys": keys, "whole": whole, "missing": missing, "counts": counts, "text": text})
            break
    return pd.DataFrame(records, columns=["keys", "whole", "missing", "counts", "text"])


# --------------------------------------------------------------------------------------------------------------
# ranking, 766, targets, deadlines, findings


def index766_table(summary: pd.DataFrame, *, synthetic: bool = False, caption: str | None = None) -> Table:
    """``index766.summarise_766`` output: points per group, known maximum, indicators still unknown."""
    shown = pd.DataFrame(
        {
            "Nhóm chỉ số": summary["group_name"].astype(str),
            "Điểm tối đa": [fmt_number(v, 0) for v in summary["max_points"]],
            "Điểm tính được": [fmt_number(v, 2) for v in summary["points"]],
            "Tối đa của chỉ số có dữ liệu": [fmt_number(v, 0) for v in summary["known_max_points"]],
            "Chỉ số chưa có dữ liệu": [s if s else "–" for s in summary["unknown_codes"].astype(str)],
        }
    )
    classes = ["cchc-total" if str(c) == "total" else "" for c in summary["group_code"]]
    return Table(
        summary,
        shown,
        caption or "Điểm Bộ chỉ số 766 tính từ dữ liệu hồ sơ",
        synthetic,
        "Chỉ số chưa có dữ liệu không được tính điểm; tổng điểm thật trên Cổng DVCQG gồm cả các chỉ số này.",
        ["Nhóm chỉ số", "Chỉ số chưa có dữ liệu"],
        classes,
    )


def targets_table(
    progress: pd.DataFrame, *, synthetic: bool = False, caption: str | None = "Tiến độ thực hiện mục tiêu"
) -> Table:
    """``targets.target_progress`` output: target, current value, gap, what each remaining month needs."""
    from cchc_analysis.periods import parse_period

    shown = pd.DataFrame(
        {
            "Mục tiêu": [
                f"{r['label']} ≥ {fmt_pct(r['target'], 0)}"
                if r["operator"] in (">=", ">")
                else f"{r['label']} ≤ {fmt_pct(r['target'], 0)}"
                for _, r in progress.iterrows()
            ],
            "Kỳ": [parse_period(str(p)).label_vi for p in progress["period"]],
            "Hiện nay": [fmt_pct(v, 2) for v in progress["current_value"]],
            "Còn thiếu": [fmt_pp(v, 2) if pd.notna(v) and v > 0 else "Đã đạt" for v in progress["gap_pp"]],
            "Cần mỗi tháng": [
                f"{fmt_int(n)} hồ sơ" if pd.notna(n) else MISSING for n in progress["needed_per_month"]
            ],
            "Tháng còn lại": [fmt_int(v) for v in progress["months_remaining"]],
            "Hạn": [fmt_date(v) for v in progress["last_day"]],
            "Số ngày còn lại": [_days_text(v) for v in progress["days_left"]],
        }
    )
    return Table(progress, shown, caption, synthetic, None, ["Mục tiêu", "Kỳ"])


def _days_text(days: object) -> str:
    from cchc_analysis.targets import describe_days_left

    return describe_days_left(days)


def deadlines_table(
    status: pd.DataFrame, *, caption: str | None = "Thời hạn phải thực hiện", as_of: object | None = None
) -> Table:
    """``targets.deadline_status`` output: what is due, last allowed day, days left (counted from ``as_of``)."""
    days_header = "Số ngày còn lại" + (f" (tính từ {fmt_date(as_of)})" if as_of is not None else "")
    shown = pd.DataFrame(
        {
            "Nội dung": status["label"].astype(str),
            "Hạn cuối": [fmt_date(v) for v in status["last_day"]],
            days_header: [_days_text(v) for v in status["days_left"]],
        }
    )
    return Table(status, shown, caption, False, None, ["Nội dung", days_header])


def findings_table(
    findings: pd.DataFrame,
    *,
    kind: str | None = None,
    columns: Mapping[str, str] | None = None,
    caption: str | None = None,
) -> Table:
    """A findings / recommendations frame with its own Vietnamese headers (``columns``: name → header).

    ``kind`` keeps only the rows of that ``kind`` (``"finding"`` or ``"recommendation"``).
    """
    if kind is not None:
        findings = findings[findings["kind"] == kind].reset_index(drop=True)
    columns = dict(columns or {c: label(c) for c in findings.columns})
    shown = pd.DataFrame()
    for name, header in columns.items():
        values = findings[name]
        if pd.api.types.is_datetime64_any_dtype(values.dtype) or name in ("deadline", "last_day", "due"):
            shown[header] = [fmt_date(v) for v in values]
        elif name.startswith("days_left"):
            shown[header] = [_days_text(v) for v in values]
        else:
            shown[header] = ["" if pd.isna(v) else str(v) for v in values]
    return Table(findings, shown, caption, False, None, list(shown.columns))
