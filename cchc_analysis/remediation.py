"""The remediation report («báo cáo kết quả khắc phục tồn tại, hạn chế») as data: one entry per finding and request.

The inspection notice asks the service centre to report, before 30/6/2026, what it did about each finding
(F01–F05) and request (R01–R11). This module decides what the data say about each one; :mod:`remediation_docx`
writes the Word document.

- **What the data say**: figures named in the rules file (``full_online/new``: numerator counts joined by ``+``,
  a ``/``, the denominator count), counted with :func:`cchc_analysis.rates.processing_rates` over the reporting
  period, each with its numerator and denominator; an absent count is unknown and said so, never 0.
- **What the centre did**: ``ACTIONS.csv`` (one row per request id: ``id,actions,documents,trainings,done_on,
  notes``), filled in by the centre; :func:`actions_template` writes the empty form.
- **The status** (:data:`STATUSES`) follows the rule of each id in a rules file
  (``cchc_analysis/reference/remediation_rules.csv``: ``id,rule,argument,baseline,figures,source``):

  ``target``
      the target ``argument`` of the targets file: its rate over the reporting period meets the target →
      *đã khắc phục*; above ``baseline`` (the rate of the finding) → *đang khắc phục*; otherwise *chưa khắc phục*.
  ``rank``
      ranking snapshots dated after ``argument`` (the finding's date): the newest back at the rank held before
      the finding or better → *đã*; better than at the finding → *đang*; else *chưa*; none newer → *chưa xác định*.
  ``count``
      the count ``argument`` (e.g. ``home_delivery``) above 0 and the action done → *đã*; either → *đang*;
      neither → *chưa*; count unknown and no action → *chưa xác định*.
  ``actions``
      ``done_on`` filled → *đã*; actions written but not done → *đang*; no row → *chưa xác định*.
  ``deadline``
      as ``actions`` (``done_on`` is the day the report was sent), with the days left to the deadline
      ``argument`` of the targets file.
  ``follow``
      the status of the id ``argument`` (a finding follows the request that answers it).

  An id without a rule follows ``actions``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_date, fmt_int, fmt_number, fmt_pct
from cchc_analysis.loaders.tables import read_table
from cchc_analysis.periods import Period, parse_day, parse_period, period_between
from cchc_analysis.rates import COUNT_COLUMNS, processing_rates
from cchc_analysis.schema import COLUMN_LABELS_VI, COUNT_LABELS_VI

PACKAGE_DIR = Path(__file__).resolve().parent
#: The status rules of the bundled notice (one row per finding and request id).
RULES = PACKAGE_DIR / "reference" / "remediation_rules.csv"
#: The empty ACTIONS.csv form for the bundled notice's requests.
ACTIONS_TEMPLATE = PACKAGE_DIR / "templates" / "remediation" / "ACTIONS.csv"

DONE, ONGOING, NOT_DONE, UNKNOWN = "đã khắc phục", "đang khắc phục", "chưa khắc phục", "chưa xác định"
#: The statuses, best first.
STATUSES: tuple[str, ...] = (DONE, ONGOING, NOT_DONE, UNKNOWN)
RULE_KINDS: frozenset[str] = frozenset(
    {"target", "rank", "count", "officers", "actions", "deadline", "follow"}
)
ACTION_COLUMNS: tuple[str, ...] = ("id", "request", "actions", "documents", "trainings", "done_on", "notes")
#: What the document shows where the centre must write (a number, a date, a signer, an action not recorded).
PLACEHOLDER = "«…»"


@dataclass(frozen=True)
class Figure:
    """One figure of the document: ``numerator / denominator`` of named counts over a period (NA when unknown)."""

    label: str
    numerator: object
    denominator: object
    num_counts: tuple[str, ...]
    den_count: str

    @property
    def known(self) -> bool:
        return not (pd.isna(self.numerator) or pd.isna(self.denominator))

    @property
    def value(self) -> float | None:
        if not self.known or int(self.denominator) == 0:
            return None
        return int(self.numerator) / int(self.denominator)

    def text(self) -> str:
        """«Trực tuyến toàn trình / Tiếp nhận mới trong kỳ: 35,12 % (412/1.173 hồ sơ)»."""
        if not self.known:
            missing = "tệp hồ sơ không có cột cần cho số liệu này"
            return f"{self.label}: chưa có số liệu ({missing})"
        if self.value is None:
            return f"{self.label}: không tính được (mẫu số 0 hồ sơ)"
        return (
            f"{self.label}: {fmt_pct(self.value, 2)} "
            f"({fmt_int(self.numerator)}/{fmt_int(self.denominator)} hồ sơ)"
        )


@dataclass
class Entry:
    """What the report says about one finding or request."""

    id: str
    kind: str
    addressee: str
    text: str
    rule: str
    rule_source: str
    status: str
    reason: str
    figures: list[Figure] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    actions: dict[str, str] | None = None
    monthly: pd.DataFrame | None = None
    follows: str | None = None


# --- reading ----------------------------------------------------------------------------------------------------
def read_rules(path: str | Path = RULES) -> pd.DataFrame:
    """The status rules (``id,rule,argument,baseline,figures,source``), checked; indexed by ``id``."""
    p = Path(path)
    frame = read_table(p, required=("id", "rule"), what="tệp quy tắc mức độ khắc phục", what_en="rules file")
    for c in ("argument", "baseline", "figures", "source"):
        if c not in frame:
            frame[c] = ""
    for line, r in frame.iterrows():
        if r["rule"] not in RULE_KINDS:
            raise InputError(
                f"Quy tắc không hợp lệ (dùng {', '.join(sorted(RULE_KINDS))})",
                "Unknown rule",
                file=p,
                row=int(line),
                column="rule",
                value=r["rule"],
            )
        for part in filter(None, r["figures"].split(";")):
            _parse_figure(part.strip(), file=p, row=int(line))
    if frame["id"].duplicated().any():
        raise InputError("Mã bị trùng", "Duplicate id", file=p, column="id")
    return frame.set_index("id", drop=False)


def _parse_figure(spec: str, *, file: object = None, row: int | None = None) -> tuple[tuple[str, ...], str]:
    """``"early+on_time/resolved"`` → ``(("early", "on_time"), "resolved")``; every name a Biểu 06 count."""
    num, sep, den = spec.partition("/")
    names = tuple(n.strip() for n in num.split("+"))
    bad = [n for n in (*names, den.strip()) if n not in COUNT_COLUMNS]
    if not sep or bad:
        raise InputError(
            "Số liệu phải ghi dạng tử_số+…/mẫu_số bằng tên các cột đếm (ví dụ full_online/new)",
            "A figure is num+…/den over count names (e.g. full_online/new)",
            file=file,
            row=row,
            column="figures",
            value=spec,
        )
    return names, den.strip()


def read_actions(path: str | Path, ids: list[str]) -> dict[str, dict[str, str]]:
    """The centre's ACTIONS.csv: ``{id: {actions, documents, trainings, done_on, notes}}`` for rows with content.

    Raises
    ------
    InputError
        An id that is no request of the findings file, a repeated id, or an unreadable ``done_on`` date.
    """
    p = Path(path)
    frame = read_table(p, required=("id",), what="tệp ACTIONS (việc đã làm)", what_en="actions file")
    out: dict[str, dict[str, str]] = {}
    for line, r in frame.iterrows():
        cells = {c: str(r.get(c, "") or "").strip() for c in ACTION_COLUMNS}
        rid = cells["id"].upper()
        if not rid:
            continue
        if rid not in ids:
            raise InputError(
                f"Mã {rid} không phải là yêu cầu, kiến nghị nào của Thông báo ({', '.join(ids)})",
                "Unknown request id",
                file=p,
                row=int(line),
                column="id",
                value=cells["id"],
            )
        if rid in out:
            raise InputError("Mã bị trùng", "Duplicate id", file=p, row=int(line), column="id", value=rid)
        if cells["done_on"]:
            try:
                cells["done_on"] = fmt_date(parse_day(cells["done_on"], what="ngày hoàn thành"))
            except InputError as exc:
                raise InputError(
                    exc.message_vi,
                    exc.message_en,
                    file=p,
                    row=int(line),
                    column="done_on",
                    value=cells["done_on"],
                ) from None
        if any(cells[c] for c in ("actions", "documents", "trainings", "done_on", "notes")):
            out[rid] = cells
    return out


def actions_template(findings: pd.DataFrame) -> str:
    """The empty ACTIONS.csv form: one row per request (``kind=recommendation``), its text in ``request``."""
    rows = findings[findings["kind"] == "recommendation"]
    body = pd.DataFrame({"id": rows["id"], "request": rows["text"]})
    for c in ACTION_COLUMNS[2:]:
        body[c] = ""
    return body.to_csv(index=False, lineterminator="\n")


# --- evaluating -------------------------------------------------------------------------------------------------
def count_label(names: tuple[str, ...], den: str) -> str:
    num = " + ".join(COUNT_LABELS_VI.get(n, n).lower() for n in names)
    return f"{num[:1].upper()}{num[1:]} / {COUNT_LABELS_VI.get(den, den).lower()}"


def figure(rates: pd.DataFrame, spec: str) -> Figure:
    """The figure ``spec`` (``"full_online/new"``) from one row of ``processing_rates``."""
    names, den = _parse_figure(spec)
    row = rates.iloc[0] if len(rates) else pd.Series(dtype=object)
    parts = [row.get(n, pd.NA) for n in names]
    numerator = pd.NA if any(pd.isna(v) for v in parts) else sum(int(v) for v in parts)
    denominator = row.get(den, pd.NA)
    denominator = pd.NA if pd.isna(denominator) else int(denominator)
    return Figure(count_label(names, den), numerator, denominator, names, den)


def _action_status(actions: dict[str, str] | None) -> tuple[str, str]:
    if actions is None:
        return UNKNOWN, "Trung tâm chưa ghi việc đã làm vào ACTIONS.csv"
    if actions.get("done_on"):
        return DONE, f"hoàn thành ngày {actions['done_on']} theo ACTIONS.csv"
    return ONGOING, "đã ghi việc đang làm, chưa ghi ngày hoàn thành trong ACTIONS.csv"


def monthly_path(dossiers: pd.DataFrame, period: Period, spec: str, first: date | None) -> pd.DataFrame:
    """The figure ``spec`` month by month from ``first`` (the data's first day) to the end of ``period``:
    columns ``month, numerator, denominator, value, partial`` (``partial``: how the month is cut, «đến 13/04», or
    blank)."""
    start = min(first, period.start) if first is not None else period.start
    history = period_between(start, period.end)
    by_month = processing_rates(dossiers, history, by="month")
    _parse_figure(spec)  # a bad spec is an InputError before anything is counted
    rows = []
    for _, r in by_month.iterrows():
        f = figure(pd.DataFrame([r]), spec)
        y, m = (int(x) for x in str(r["month"]).split("-"))
        month_start, month_last = date(y, m, 1), (pd.Timestamp(y, m, 1) + pd.offsets.MonthEnd(0)).date()
        cut = []
        if month_start < history.start:
            cut.append(f"từ {history.start:%d/%m}")
        if month_last > history.end:
            cut.append(f"đến {history.end:%d/%m}")
        rows.append(
            {
                "month": f"{m:02d}/{y}",
                "numerator": f.numerator,
                "denominator": f.denominator,
                "value": f.value,
                "partial": ", ".join(cut),
            }
        )
    return pd.DataFrame(rows, columns=["month", "numerator", "denominator", "value", "partial"])


def _target_entry(entry: Entry, rule: pd.Series, ctx: _Context) -> None:
    targets = ctx.targets
    key = rule["argument"]
    if targets is None or key not in set(targets["key"]):
        entry.status, entry.reason = UNKNOWN, f"không có mục tiêu {key} trong tệp mục tiêu"
        return
    t = targets.set_index("key").loc[key]
    spec = rule["figures"].split(";")[0].strip() if rule["figures"] else None
    if not spec:
        from cchc_analysis.rates import RATE_DEFINITIONS

        nums, den = RATE_DEFINITIONS[str(t["metric"])]
        spec = "+".join(nums) + "/" + den
    f = figure(ctx.rates, spec)
    entry.figures = [f]
    goal = float(t["value"])
    op = str(t["operator"])
    sign = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}[op]
    entry.lines.append(
        f"Mục tiêu: {t['label']} {sign} {fmt_pct(goal, 0)} trong {parse_period(str(t['period'])).label_vi} "
        f"(hạn cuối {fmt_date(t['last_day'])})."
    )
    entry.monthly = monthly_path(ctx.dossiers, ctx.period, spec, ctx.first_day)
    value = f.value
    if value is None:
        entry.status, entry.reason = UNKNOWN, "chưa có số liệu để so với mục tiêu"
        return
    met = {">=": value >= goal, ">": value > goal, "<=": value <= goal, "<": value < goal}[op]
    gap = (goal - value) * 100 if op in (">=", ">") else (value - goal) * 100
    upto = f"tính đến ngày {fmt_date(ctx.period.end)}"
    if met:
        entry.status = DONE
        entry.reason = f"đạt mục tiêu ({fmt_pct(value, 2)} {sign} {fmt_pct(goal, 0)}, {upto})"
        if ctx.period.end < t["last_day"]:
            entry.reason += f"; cần duy trì đến hết {fmt_date(t['last_day'])}"
        return
    entry.reason = f"chưa đạt mục tiêu, còn thiếu {fmt_number(gap, 2)} điểm % ({upto})"
    baseline = rule["baseline"].strip()
    if baseline:
        base = float(baseline.replace(",", "."))
        better = value > base if op in (">=", ">") else value < base
        entry.status = ONGOING if better else NOT_DONE
        entry.reason += (
            f"; mức khi kiểm tra {fmt_pct(base, 2)}: {'đã cải thiện' if better else 'chưa cải thiện'}"
        )
    else:
        entry.status = NOT_DONE
    needed = _needed_sentence(t, ctx)
    if needed:
        entry.lines.append(needed)


def _needed_sentence(t: pd.Series, ctx: _Context) -> str | None:
    """What the target still needs, from :func:`cchc_analysis.targets.target_progress` (complete months only)."""
    from cchc_analysis.targets import target_progress

    history = period_between(min(ctx.first_day or ctx.period.start, ctx.period.start), ctx.period.end)
    by_month = processing_rates(ctx.dossiers, history, by="month")
    progress = target_progress(pd.DataFrame([t.to_dict() | {"key": t.name}]), by_month, ctx.period.end)
    if progress.empty:
        return None
    return "Tiến độ: " + str(progress.iloc[0]["status"])


def _rank_entry(entry: Entry, rule: pd.Series, ctx: _Context) -> None:
    trend = ctx.trend
    if trend is None or trend.empty:
        entry.status, entry.reason = UNKNOWN, "chưa có tệp xếp hạng của đơn vị"
        return
    trend = trend.sort_values("date")
    day = pd.Timestamp(parse_day(rule["argument"], what="ngày của tồn tại")) if rule["argument"] else None
    at = trend[trend["date"] <= day] if day is not None else trend.iloc[:0]
    if at.empty:
        entry.status, entry.reason = UNKNOWN, f"tệp xếp hạng không có mốc ngày {rule['argument']}"
        return
    base = at.iloc[-1]
    before = at.iloc[0]
    entry.lines.append(
        f"Thứ hạng khi kiểm tra: {fmt_int(base['rank'])}/{fmt_int(base['n_units'])} "
        f"(ngày {fmt_date(base['date'])}); trước đó {fmt_int(before['rank'])}/{fmt_int(before['n_units'])} "
        f"(ngày {fmt_date(before['date'])})."
    )
    newer = trend[trend["date"] > day]
    if newer.empty:
        entry.status = UNKNOWN
        entry.reason = f"chưa có kết quả xếp hạng mới sau ngày {fmt_date(base['date'])}, cần tệp xếp hạng mới"
        return
    for _, r in newer.iterrows():
        entry.lines.append(
            f"Thứ hạng ngày {fmt_date(r['date'])}: {fmt_int(r['rank'])}/{fmt_int(r['n_units'])}."
        )
    last = newer.iloc[-1]
    rank = int(last["rank"])
    if rank <= int(before["rank"]):
        entry.status = DONE
    elif rank < int(base["rank"]):
        entry.status = ONGOING
    else:
        entry.status = NOT_DONE
    change = int(base["rank"]) - rank
    moved = f"tăng {change} bậc" if change > 0 else f"giảm {-change} bậc" if change < 0 else "không đổi"
    entry.reason = (
        f"thứ hạng mới nhất {rank}/{fmt_int(last['n_units'])} ngày {fmt_date(last['date'])}, "
        f"{moved} so với {fmt_int(base['rank'])}/{fmt_int(base['n_units'])}"
    )


def _count_entry(entry: Entry, rule: pd.Series, ctx: _Context) -> None:
    count = rule["argument"]
    value = ctx.rates.iloc[0].get(count, pd.NA) if len(ctx.rates) else pd.NA
    done = bool(entry.actions and entry.actions.get("done_on"))
    acted = entry.actions is not None
    label = COUNT_LABELS_VI.get(count, count).lower()
    if pd.isna(value):
        status, why = _action_status(entry.actions)
        entry.status = status
        entry.reason = f"tệp hồ sơ không có cột về {label}; {why}"
        return
    n = int(value)
    entry.status = DONE if n > 0 and done else ONGOING if n > 0 or acted else NOT_DONE
    entry.reason = f"{fmt_int(n)} hồ sơ {label} trong kỳ; " + _action_status(entry.actions)[1]


def _officers_entry(entry: Entry, rule: pd.Series, ctx: _Context) -> None:
    """The monthly officer evaluation on satisfaction forms (:func:`cchc_analysis.officers.officer_months`).

    Done: every month of the period that has resolved dossiers has rated ones, and ACTIONS.csv dates the
    evaluation; ongoing: some months have ratings, or the centre recorded work; not done: no rating at all.
    Officers appear as counts only (never names or pseudonyms) in the report.
    """
    from cchc_analysis.officers import officer_months

    missing = [c for c in ("officer", "satisfaction") if c not in ctx.dossiers.columns]
    if missing:
        labels = " và ".join(COLUMN_LABELS_VI.get(c, c).lower() for c in missing)
        status, why = _action_status(entry.actions)
        entry.status, entry.reason = status, f"tệp hồ sơ không có cột {labels}; {why}"
        return
    months = officer_months(ctx.dossiers, ctx.period)
    if months.empty:
        entry.status, entry.reason = _action_status(entry.actions)
        entry.reason = f"không có hồ sơ giải quyết trong kỳ; {entry.reason}"
        return
    by_month = months.groupby("month", sort=True).agg(
        officers=("officer", "nunique"),
        resolved=("resolved", "sum"),
        rated=("rated", "sum"),
        graded=("grade", lambda g: int(g.notna().sum())),
    )
    for month, m in by_month.iterrows():
        year, number = str(month).split("-")
        entry.lines.append(
            f"Tháng {number}/{year}: {fmt_int(m['officers'])} công chức giải quyết {fmt_int(m['resolved'])} hồ sơ, "
            f"{fmt_int(m['rated'])} hồ sơ có phiếu đánh giá ({fmt_pct(m['rated'] / m['resolved'])}); "
            f"{fmt_int(m['graded'])} công chức đủ số liệu để đề xuất xếp loại (cchc officers)."
        )
    rated_months = int((by_month["rated"] > 0).sum())
    done = bool(entry.actions and entry.actions.get("done_on"))
    if rated_months == len(by_month) and done:
        entry.status = DONE
    elif rated_months > 0 or entry.actions is not None:
        entry.status = ONGOING
    else:
        entry.status = NOT_DONE
    entry.reason = (
        f"{fmt_int(rated_months)}/{fmt_int(len(by_month))} tháng có phiếu đánh giá gắn với công chức giải quyết; "
        + _action_status(entry.actions)[1]
    )


def _deadline_entry(entry: Entry, rule: pd.Series, ctx: _Context) -> None:
    entry.status, entry.reason = _action_status(entry.actions)
    if entry.status == UNKNOWN:
        entry.status, entry.reason = ONGOING, "báo cáo này; chưa ghi ngày gửi trong ACTIONS.csv"
    targets = ctx.targets
    key = rule["argument"]
    if targets is not None and key in set(targets["key"]):
        from cchc_analysis.targets import describe_days_left

        t = targets.set_index("key").loc[key]
        left = (t["last_day"] - ctx.today).days
        entry.lines.append(
            f"Hạn: {t['label']} trước ngày {fmt_date(t['deadline'])} (hạn cuối {fmt_date(t['last_day'])}); "
            f"ngày lập dự thảo {fmt_date(ctx.today)}: {describe_days_left(left)}."
        )


@dataclass
class _Context:
    dossiers: pd.DataFrame
    period: Period
    first_day: date | None
    rates: pd.DataFrame
    targets: pd.DataFrame | None
    trend: pd.DataFrame | None
    today: date


def evaluate(
    findings: pd.DataFrame,
    rules: pd.DataFrame,
    actions: dict[str, dict[str, str]] | None,
    *,
    dossiers: pd.DataFrame,
    period: Period,
    first_day: date | None = None,
    targets: pd.DataFrame | None = None,
    trend: pd.DataFrame | None = None,
    today: date | None = None,
) -> list[Entry]:
    """One :class:`Entry` per row of ``findings`` (findings first, then requests, in file order).

    Parameters
    ----------
    findings : DataFrame
        ``briefing_data.read_findings`` output.
    rules : DataFrame
        :func:`read_rules` output; an id without a rule follows ``actions``.
    actions : dict or None
        :func:`read_actions` output; None when no ACTIONS.csv was given.
    dossiers, period
        The canonical dossiers and the reporting period the figures are counted over.
    first_day : date, optional
        The data's first day (the monthly path starts there).
    targets, trend
        ``targets.load_targets`` output and ``ranking.rank_trend`` rows of the unit (None: not given).
    today : date, optional
        The day the draft is made (days left to the report's deadline).
    """
    ctx = _Context(
        dossiers, period, first_day, processing_rates(dossiers, period), targets, trend, today or date.today()
    )
    entries: dict[str, Entry] = {}
    pending_follow: list[tuple[Entry, str]] = []
    for _, f in findings.iterrows():
        fid = str(f["id"])
        rule = (
            rules.loc[fid]
            if fid in rules.index
            else pd.Series(
                {
                    "rule": "actions",
                    "argument": "",
                    "baseline": "",
                    "figures": "",
                    "source": "cchc_analysis: không có quy tắc riêng, theo ACTIONS.csv",
                }
            )
        )
        entry = Entry(
            id=fid,
            kind=str(f["kind"]),
            addressee=str(f.get("addressee", "") or ""),
            text=str(f["text"]),
            rule=str(rule["rule"]),
            rule_source=str(rule["source"]),
            status=UNKNOWN,
            reason="",
            actions=(actions or {}).get(fid),
        )
        if entry.rule != "target":
            entry.figures = [
                figure(ctx.rates, s.strip()) for s in filter(None, str(rule["figures"]).split(";"))
            ]
        if entry.rule == "target":
            _target_entry(entry, rule, ctx)
        elif entry.rule == "rank":
            _rank_entry(entry, rule, ctx)
        elif entry.rule == "count":
            _count_entry(entry, rule, ctx)
        elif entry.rule == "officers":
            _officers_entry(entry, rule, ctx)
        elif entry.rule == "deadline":
            _deadline_entry(entry, rule, ctx)
        elif entry.rule == "follow":
            pending_follow.append((entry, str(rule["argument"])))
        else:
            entry.status, entry.reason = _action_status(entry.actions)
        entries[fid] = entry
    for entry, other in pending_follow:
        target = entries.get(other)
        entry.follows = other
        if target is None or target.rule == "follow":
            entry.status, entry.reason = UNKNOWN, f"không có {other} để đối chiếu"
            continue
        entry.status, entry.reason = target.status, f"theo kết quả {other}: {target.reason}"
        entry.figures = list(target.figures)
        entry.lines = [line for line in target.lines if not line.startswith("Tiến độ")]
    return list(entries.values())


# --- the whole report -------------------------------------------------------------------------------------------
@dataclass
class RemediationReport:
    """Everything the Word document shows (see :func:`remediation_report`)."""

    entries: list[Entry]
    synthetic: bool
    unit: str | None
    period: Period
    cutoff: date | None
    source_name: str
    parent_body: str
    body_name_lines: list[str]
    body_code: str
    body_in_sentence: str
    centre_full: str
    place: str
    year: int
    summary: str
    addressee: str
    opening: list[str]
    period_text: str
    rules_name: str
    actions_name: str
    provenance: str
    notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "finding"]

    @property
    def requests(self) -> list[Entry]:
        return [e for e in self.entries if e.kind != "finding"]

    def status_of(self, rid: str) -> str:
        return next(e.status for e in self.entries if e.id == rid)


_KIND_WORDS = ("Đặc khu ", "Thị trấn ", "Phường ", "Xã ")


def _place(unit: str | None) -> str:
    """«Xã Đại Sơn» → «Đại Sơn»; no unit → the placeholder."""
    if not unit:
        return PLACEHOLDER
    for kind in _KIND_WORDS:
        if unit.startswith(kind):
            return unit[len(kind) :]
    return unit


def remediation_report(
    dossiers: object = "",
    *,
    period: object = "",
    actions: object = "",
    unit: object = "",
    findings: object = "",
    targets: object = "",
    ranking: object = "",
    rules: object = "",
    as_of: object = None,
    today: date | None = None,
) -> RemediationReport:
    """The remediation report of the unit of ``dossiers`` (blank → the bundled synthetic sample).

    The notice's files (``data/notice_2026/``: findings, targets, ranking) and the bundled rules serve only the
    notice's unit (:func:`cchc_analysis.briefing_data.is_notice_unit`); another unit gives its own ``findings``
    (and ``targets``, ``ranking``, ``rules``), else :class:`InputError`: the report has nothing to answer.

    Parameters
    ----------
    period : str
        The reporting period (``"2026-Q2"``); blank → the quarter of the data's cut-off. Counted up to the
        cut-off (:func:`cchc_analysis.loaders.data_period`).
    actions : str or Path
        The centre's ACTIONS.csv; blank → none (the document says what is missing).
    """
    from cchc_analysis import __version__
    from cchc_analysis.briefing_data import (
        FINDINGS,
        LEGAL_BASIS,
        TARGETS,
        _given,
        is_notice_unit,
        load,
        notice_unit,
        omitted_line,
        read_findings,
        read_legal_basis,
        unit_file,
        unit_label,
    )
    from cchc_analysis.loaders import data_period
    from cchc_analysis.loaders.unit_name import in_sentence
    from cchc_analysis.targets import load_targets

    current = load(dossiers, unit)
    the_unit = current.unit_name
    notice = is_notice_unit(the_unit)
    findings_path = unit_file("findings", findings, the_unit, FINDINGS)
    if findings_path is None:
        message = omitted_line("findings", the_unit).replace(
            "nên phần tồn tại, hạn chế và kiến nghị được bỏ qua", "nên không lập được báo cáo khắc phục"
        )
        if the_unit is None and notice_unit():
            message += (
                " Tệp hồ sơ không ghi tên đơn vị: nếu là hồ sơ của đơn vị trong Thông báo kèm theo, dùng "
                f"--unit «{notice_unit()}»."
            )
        raise InputError(
            message,
            "No findings file for this unit (--findings FILE; or --unit when the file names no unit): the "
            "remediation report has nothing to answer",
        )
    table = read_findings(findings_path)
    rules_path = _given(rules) or (RULES if findings_path == FINDINGS else None)
    rule_table = read_rules(rules_path) if rules_path is not None else read_rules_empty()
    ids = table.loc[table["kind"] != "finding", "id"].astype(str).tolist()
    actions_path = _given(actions)
    action_rows = read_actions(actions_path, ids) if actions_path is not None else None

    requested = parse_period(str(period)) if str(period or "").strip() else None
    if requested is None:
        cutoff = data_period(current, None, as_of).cutoff
        if cutoff is None:
            raise InputError("Không xác định được kỳ báo cáo; hãy chỉ rõ --period", "Give --period")
        requested = parse_period(f"{cutoff.year}-Q{(cutoff.month - 1) // 3 + 1}")
    choice = data_period(current, requested, as_of)
    counted = choice.period
    first = choice.covered.start if choice.covered is not None else None

    targets_path = unit_file("targets", targets, the_unit, TARGETS)
    target_table = load_targets(targets_path) if targets_path is not None else None
    trend, trend_line = _unit_trend(ranking, the_unit, notice)
    notes = list(choice.notes)
    if target_table is None:
        notes.append(omitted_line("targets", the_unit))
    if trend is None and trend_line:
        notes.append(trend_line)

    today = today or date.today()
    entries = evaluate(
        table,
        rule_table,
        action_rows,
        dossiers=current.dossiers,
        period=counted,
        first_day=first,
        targets=target_table,
        trend=trend,
        today=today,
    )

    place = _place(the_unit)
    in_text = in_sentence(the_unit) if the_unit else PLACEHOLDER
    centre_full = f"Trung tâm Phục vụ hành chính công {in_text}"
    addressee = "Đoàn kiểm tra " + PLACEHOLDER
    summary = f"Kết quả khắc phục tồn tại, hạn chế theo Thông báo kết luận kiểm tra số {PLACEHOLDER}"
    opening_ref = f"Thông báo kết luận kiểm tra số {PLACEHOLDER} ngày {PLACEHOLDER}"
    if notice and LEGAL_BASIS.is_file():
        basis = read_legal_basis().set_index("key")
        if "quyet_dinh_320" in basis.index:
            team = basis.loc["quyet_dinh_320", "subject"]
            addressee = team[len("Thành lập ") :] if team.startswith("Thành lập ") else team
            addressee = addressee[:1].upper() + addressee[1:]
            summary = (
                "Kết quả khắc phục tồn tại, hạn chế theo Thông báo kết luận kiểm tra "
                + addressee.removeprefix("Đoàn kiểm tra ")
            )
        if "kiem_tra_truc_tiep" in basis.index:
            day = pd.Timestamp(basis.loc["kiem_tra_truc_tiep", "issued"]).date()
            opening_ref = (
                f"Thông báo số {PLACEHOLDER}/TB-ĐKT ngày {PLACEHOLDER} của {addressee} về kết luận kiểm tra "
                f"tại {centre_full} (kiểm tra trực tiếp ngày {fmt_date(day)})"
            )
    period_text = requested.label_vi
    if counted != requested:
        period_text += f" (tính đến {fmt_date(counted.end)})"
    a = current.accounting
    opening = [
        f"Thực hiện {opening_ref}, {centre_full} báo cáo kết quả khắc phục tồn tại, hạn chế như sau:",
        f"Số liệu trong báo cáo được tính từ tệp {current.source.name} ({fmt_int(a.loaded)} hồ sơ được nạp, "
        f"{fmt_int(a.rejected)} dòng bị từ chối), kỳ báo cáo {period_text}"
        + (f", ngày chốt số liệu {fmt_date(choice.cutoff)}" if choice.cutoff else "")
        + ", theo cách tính của Biểu số 06/VPCP/KSTT (Thông tư số 01/2020/TT-VPCP); mỗi tỷ lệ ghi kèm tử số "
        "và mẫu số (số hồ sơ).",
        *notes,
    ]
    if action_rows is None:
        opening.append(
            "Chưa có tệp ACTIONS.csv (việc Trung tâm đã làm cho từng yêu cầu, kiến nghị): các ô «…» ở mục II "
            "cần được Trung tâm điền; mức độ của các yêu cầu không đo được từ hồ sơ là «chưa xác định»."
        )
    provenance = (
        f"Dự thảo do cchc_analysis {__version__} lập ngày {fmt_date(today)} từ tệp {current.source.name} "
        f"(SHA-256 {current.sha256[:12]}…); quy tắc mức độ: {rules_path.name if rules_path else 'không có'}; "
        f"việc đã làm: {actions_path.name if actions_path else 'chưa có ACTIONS.csv'}. Các ô «…» do Trung tâm "
        "điền trước khi ký; xoá dòng này khi ban hành."
    )
    return RemediationReport(
        entries=entries,
        synthetic=bool(current.synthetic),
        unit=the_unit,
        period=counted,
        cutoff=choice.cutoff,
        source_name=current.source.name,
        parent_body=f"UBND {in_text}" if the_unit else f"UBND {PLACEHOLDER}",
        body_name_lines=["Trung tâm Phục vụ", "hành chính công"],
        body_code="TTPVHCC",
        body_in_sentence=centre_full if the_unit else f"Trung tâm {unit_label(the_unit)}",
        centre_full=centre_full,
        place=place,
        year=requested.end.year,
        summary=summary,
        addressee=addressee,
        opening=opening,
        period_text=period_text,
        rules_name=rules_path.name if rules_path else "(không có: theo ACTIONS.csv)",
        actions_name=actions_path.name if actions_path else "ACTIONS.csv",
        provenance=provenance,
        notes=notes,
    )


def _unit_trend(given: object, unit: str | None, notice: bool) -> tuple[pd.DataFrame | None, str | None]:
    """The unit's rank trend: for the notice's unit, the notice's snapshots (40/114, 58/114) joined with the newer
    ones of a ranking file given (a snapshot of the same date in the file wins); otherwise as the briefings read
    it (:func:`cchc_analysis.briefing_data.unit_ranking`)."""
    from cchc_analysis.briefing_data import RANKING_SNAPSHOTS, _given, unit_ranking
    from cchc_analysis.loaders.unit_name import same_unit
    from cchc_analysis.ranking import rank_trend, read_ranking_snapshots

    path = _given(given)
    if not (notice and path is not None and RANKING_SNAPSHOTS.is_file()):
        return unit_ranking(given, unit)
    frames = [read_ranking_snapshots(RANKING_SNAPSHOTS), read_ranking_snapshots(path)]
    snaps = pd.concat(frames, ignore_index=True)
    snaps = snaps[[same_unit(u, unit) for u in snaps["unit"]]]
    snaps = snaps.assign(unit=str(unit)).drop_duplicates("date", keep="last")
    return rank_trend(snaps.reset_index(drop=True)), None


def read_rules_empty() -> pd.DataFrame:
    """No rules file: every id follows ``actions``."""
    return pd.DataFrame(columns=["id", "rule", "argument", "baseline", "figures", "source"]).set_index(
        "id", drop=False
    )
