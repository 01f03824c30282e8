"""Targets and deadlines as data: progress toward each target, what is still needed, days left to each deadline.

A targets file is a CSV (UTF-8) with the columns
``key,kind,label,metric,operator,value,period,deadline,due_before,source``:

- ``kind`` ``target`` — ``metric`` (a processing rate such as ``full_online_rate``) ``operator`` (``>=``, ``>``,
  ``<=``, ``<``) ``value`` (a fraction ``0.50``, or ``50 %``) over ``period`` (``2026-Q2``); ``deadline``
  defaults to the period's last day;
- ``kind`` ``deadline`` — something due by ``deadline`` (``2026-06-30`` or ``30/06/2026``);
- ``due_before`` — ``true`` when the document says *trước ngày* D ("before D"): the last allowed day is then the
  day before D; blank or ``false`` when D itself is allowed (*đến ngày*, *trong Quý II*).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_date, fmt_int, fmt_number, fmt_pct
from cchc_analysis.loaders.tables import read_table
from cchc_analysis.periods import Period, month_end, parse_day, parse_period
from cchc_analysis.schema import COUNT_LABELS_VI

TARGET_FILE_COLUMNS: tuple[str, ...] = (
    "key",
    "kind",
    "label",
    "metric",
    "operator",
    "value",
    "period",
    "deadline",
    "due_before",
    "source",
)
KINDS: frozenset[str] = frozenset({"target", "deadline"})
OPERATORS: tuple[str, ...] = (">=", ">", "<=", "<")
_OPERATOR_VI = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
_TRUE = {"true", "1", "có", "co", "yes", "x", "đúng"}
_FALSE = {"", "false", "0", "không", "khong", "no"}

PROGRESS_COLUMNS: tuple[str, ...] = (
    "key",
    "label",
    "metric",
    "operator",
    "target",
    "period",
    "period_status",
    "current_value",
    "current_basis",
    "gap_pp",
    "met",
    "achieved_numerator",
    "achieved_denominator",
    "monthly_volume",
    "monthly_numerator",
    "months_remaining",
    "projected_denominator",
    "needed_total",
    "needed_per_month",
    "extra_per_month",
    "last_day",
    "days_left",
    "status",
)
_INT_COLUMNS = (
    "achieved_numerator",
    "achieved_denominator",
    "months_remaining",
    "needed_total",
    "needed_per_month",
    "days_left",
)
_FLOAT_COLUMNS = (
    "target",
    "current_value",
    "gap_pp",
    "monthly_volume",
    "monthly_numerator",
    "projected_denominator",
    "extra_per_month",
)
DEADLINE_COLUMNS: tuple[str, ...] = ("key", "kind", "label", "deadline", "last_day", "days_left", "status")


# --- reading ----------------------------------------------------------------------------------------------------
def _bool(text: str, *, file: object, row: int) -> bool:
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise InputError(
        "Giá trị đúng/sai không hợp lệ (dùng true/false)",
        "Not a boolean (use true/false)",
        file=file,
        row=row,
        column="due_before",
        value=text,
    )


def _target_value(text: str, *, file: object, row: int) -> float:
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    try:
        if t.endswith("%"):
            return float(t[:-1].replace(",", ".")) / 100
        value = float(t.replace(",", "."))
    except ValueError:
        raise InputError(
            "Giá trị mục tiêu không phải là số (ví dụ 0.50 hoặc 50 %)",
            "The target value is not a number (e.g. 0.50 or 50 %)",
            file=file,
            row=row,
            column="value",
            value=text,
        ) from None
    if not 0 <= value <= 1:
        raise InputError(
            "Mục tiêu tỷ lệ phải ghi dạng phân số từ 0 đến 1 (0.50) hoặc phần trăm (50 %)",
            "A rate target must be a fraction 0–1 (0.50) or a percentage (50 %)",
            file=file,
            row=row,
            column="value",
            value=text,
        )
    return value


def load_targets(path: str | Path) -> pd.DataFrame:
    """Read a targets-and-deadlines CSV.

    Returns
    -------
    DataFrame
        Columns ``key, kind, label, metric, operator, value, period, period_start, period_end, deadline,
        due_before, last_day, source``; dates as ``datetime.date``, ``value`` a fraction, ``last_day`` the last
        allowed day (``deadline`` − 1 day when ``due_before``).

    Raises
    ------
    InputError
        A missing column or file, an unknown kind or operator, or an unreadable number, period or date.
    """
    p = Path(path)
    raw = read_table(
        p, required=("key", "kind", "label", "deadline"), what="tệp mục tiêu", what_en="targets file"
    )
    for c in TARGET_FILE_COLUMNS:
        if c not in raw.columns:
            raw[c] = ""
    records = []
    for line, r in raw.iterrows():
        cells = {c: str(r[c]).strip() for c in TARGET_FILE_COLUMNS}
        if any(cells.values()):
            records.append(_target_record(cells, file=p, row=int(line)))
    return _targets_frame(records, file=p)


def _target_record(cells: dict[str, str], *, file: object, row: int) -> dict[str, object]:
    """One row of a targets file, checked and typed: kind and key, the target's rule, its period and deadline."""
    kind = cells["kind"].lower()
    if kind not in KINDS:
        raise InputError(
            "Loại phải là target hoặc deadline",
            "kind must be target or deadline",
            file=file,
            row=row,
            column="kind",
            value=cells["kind"],
        )
    if not cells["key"]:
        raise InputError("Thiếu mã (key)", "Blank key", file=file, row=row, column="key")
    value = _target_rule(cells, file=file, row=row) if kind == "target" else float("nan")
    period = _row_period(cells["period"], file=file, row=row)
    deadline = _row_deadline(cells["deadline"], period, file=file, row=row)
    due_before = _bool(cells["due_before"], file=file, row=row)
    return {
        "key": cells["key"],
        "kind": kind,
        "label": cells["label"] or cells["key"],
        "metric": cells["metric"] or pd.NA,
        "operator": cells["operator"] or pd.NA,
        "value": value,
        "period": period.label if period else pd.NA,
        "period_start": period.start if period else pd.NA,
        "period_end": period.end if period else pd.NA,
        "deadline": deadline,
        "due_before": due_before,
        "last_day": deadline - timedelta(days=1) if due_before else deadline,
        "source": cells["source"] or pd.NA,
    }


def _target_rule(cells: dict[str, str], *, file: object, row: int) -> float:
    """A target row's metric, operator, value and period are all given; the operator is known. Returns the value."""
    for c in ("metric", "operator", "value", "period"):
        if not cells[c]:
            raise InputError(f"Mục tiêu thiếu cột {c}", f"A target needs {c}", file=file, row=row, column=c)
    if cells["operator"] not in OPERATORS:
        raise InputError(
            "Phép so sánh phải là >=, >, <= hoặc <",
            "operator must be >=, >, <= or <",
            file=file,
            row=row,
            column="operator",
            value=cells["operator"],
        )
    return _target_value(cells["value"], file=file, row=row)


def _row_period(text: str, *, file: object, row: int) -> Period | None:
    if not text:
        return None
    try:
        return parse_period(text)
    except InputError as exc:
        raise InputError(
            exc.message_vi, exc.message_en, file=file, row=row, column="period", value=text
        ) from None


def _row_deadline(text: str, period: Period | None, *, file: object, row: int) -> date:
    """The deadline as written, else the end of the period; a row with neither is an error."""
    if text:
        try:
            return parse_day(text, what="hạn")
        except InputError as exc:
            raise InputError(
                exc.message_vi, exc.message_en, file=file, row=row, column="deadline", value=text
            ) from None
    if period is not None:
        return period.end
    raise InputError("Thiếu hạn (deadline)", "Missing deadline", file=file, row=row, column="deadline")


def _targets_frame(records: list[dict[str, object]], *, file: object) -> pd.DataFrame:
    """The typed rows as a frame (the full set of columns even when empty); keys must be unique."""
    frame = pd.DataFrame.from_records(records)
    if frame.empty:
        return pd.DataFrame(
            columns=[
                *TARGET_FILE_COLUMNS[:7],
                "period_start",
                "period_end",
                "deadline",
                "due_before",
                "last_day",
                "source",
            ]
        )
    dup = frame["key"].duplicated()
    if dup.any():
        raise InputError(
            "Mã mục tiêu bị trùng",
            "Duplicate key",
            file=file,
            column="key",
            value=frame.loc[dup, "key"].iloc[0],
        )
    return frame


# --- deadlines --------------------------------------------------------------------------------------------------
def days_left(deadline: object, as_of: object, *, due_before: bool = False) -> int:
    """Days from ``as_of`` to the last allowed day; 0 on that day, negative once it has passed.

    ``due_before=True`` reads ``deadline`` as "trước ngày D": the last allowed day is D − 1.

    Examples
    --------
    >>> days_left("30/06/2026", "21/04/2026"), days_left("30/06/2026", "21/04/2026", due_before=True)
    (70, 69)
    >>> days_left("2026-06-30", "2026-07-02")
    -2
    """
    last = parse_day(deadline, what="hạn") - (timedelta(days=1) if due_before else timedelta(0))
    return (last - parse_day(as_of, what="ngày tính")).days


def describe_days_left(days: object) -> str:
    """``12`` → ``'còn 12 ngày'``, ``0`` → ``'hôm nay là hạn cuối'``, ``-3`` → ``'quá hạn 3 ngày'``."""
    if days is None or pd.isna(days):
        return "–"
    days = int(days)
    if days > 0:
        return f"còn {fmt_int(days)} ngày"
    if days == 0:
        return "hôm nay là hạn cuối"
    return f"quá hạn {fmt_int(-days)} ngày"


def deadline_status(targets: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """Days left to every row's last allowed day (targets and deadlines), relative to ``as_of``.

    Returns
    -------
    DataFrame
        Columns :data:`DEADLINE_COLUMNS`; ``status`` in Vietnamese (``"còn 69 ngày (hạn cuối 29/06/2026)"``,
        ``"quá hạn 3 ngày"``).
    """
    day = parse_day(as_of, what="ngày tính")
    rows = []
    for _, t in targets.iterrows():
        n = (t["last_day"] - day).days
        rows.append(
            {
                "key": t["key"],
                "kind": t["kind"],
                "label": t["label"],
                "deadline": t["deadline"],
                "last_day": t["last_day"],
                "days_left": n,
                "status": f"{describe_days_left(n)} (hạn cuối {fmt_date(t['last_day'])})",
            }
        )
    return pd.DataFrame(rows, columns=list(DEADLINE_COLUMNS))


# --- targets ----------------------------------------------------------------------------------------------------
def _rate_parts(metric: str) -> tuple[tuple[str, ...], str] | None:
    from cchc_analysis.rates import RATE_DEFINITIONS

    return RATE_DEFINITIONS.get(metric)


def _compare(value: float, operator: str, target: float) -> bool:
    eps = 1e-12
    return {
        ">=": value >= target - eps,
        ">": value > target + eps,
        "<=": value <= target + eps,
        "<": value < target - eps,
    }[operator]


def _months_label(keys: list[str]) -> str:
    def vi(k: str) -> str:
        y, m = k.split("-")
        return f"{m}/{y}"

    return vi(keys[0]) if len(keys) == 1 else f"{vi(keys[0])}–{vi(keys[-1])}"


def target_progress(
    targets: pd.DataFrame, rates_by_period: pd.DataFrame, as_of: object, *, window: int = 3
) -> pd.DataFrame:
    """Progress toward each target, and the dossiers still needed per remaining month.

    Definitions, for a target ``metric operator value`` over period P, with ``num`` / ``den`` the counts that make
    the metric (``rates.RATE_DEFINITIONS``: ``full_online_rate`` = ``full_online`` / ``new``):

    - a month is *done* when its last day ≤ ``as_of`` (data are complete to ``as_of``); months after ``as_of``'s
      month are ignored;
    - *achieved*: ``num`` and ``den`` summed over the done months of P (the current, unfinished month is not
      counted: it is a remaining month in full);
    - *current value*: achieved ``num / den`` when P has a done month; otherwise the rate over the last
      ``window`` done months (``current_basis`` says which);
    - *monthly volume* V and *monthly numerator* F: mean ``den`` and ``num`` per month over the last ``window``
      done months;
    - *months remaining* r: months of P whose last day is after ``as_of``;
    - *projected denominator*: ``achieved den + V × r``;
    - for ``>=``: ``needed_total = max(0, ceil(value × projected − achieved num))`` (for ``>``: the smallest
      count strictly above), ``needed_per_month = ceil(needed_total / r)``, ``extra_per_month =
      needed_per_month − F``; for ``<=`` / ``<`` the same columns hold the most allowed (floor);
    - ``gap_pp``: the shortfall in percentage points, ``(value − current) × 100`` for ``>=`` / ``>`` and
      ``(current − value) × 100`` for ``<=`` / ``<`` (≤ 0 when met); ``met`` compares current with target.

    Parameters
    ----------
    targets : DataFrame
        From :func:`load_targets`; rows of kind ``deadline`` are skipped.
    rates_by_period : DataFrame
        Counts by calendar month (``rates.processing_rates(..., by="month")``): a ``month`` column
        (``"2026-04"``) and the count columns; several rows of one month (other groupings) are added up.
    as_of : date or str
        The day the data are complete to.
    window : int
        Months that make the "current" volume.

    Returns
    -------
    DataFrame
        One row per target, columns :data:`PROGRESS_COLUMNS`, with a Vietnamese ``status`` sentence.

    Examples
    --------
    >>> tg = pd.DataFrame([{"key": "t", "kind": "target", "label": "Toàn trình", "metric": "full_online_rate",
    ...     "operator": ">=", "value": 0.5, "period": "2026-Q2", "last_day": date(2026, 6, 30)}])
    >>> by_month = pd.DataFrame({"month": ["2026-01", "2026-02", "2026-03"], "new": [900, 930, 960],
    ...                          "full_online": [270, 279, 288]})
    >>> r = target_progress(tg, by_month, "31/03/2026").iloc[0]
    >>> int(r["needed_total"]), int(r["needed_per_month"]), float(r["extra_per_month"])
    (1395, 465, 186.0)
    """
    day = parse_day(as_of, what="ngày tính")
    if "month" not in rates_by_period.columns:
        raise InputError(
            "Cần số liệu theo tháng (cột month) để tính tiến độ mục tiêu",
            "Target progress needs counts by month (a month column)",
            column="month",
        )
    as_of_month = f"{day.year}-{day.month:02d}"
    data = rates_by_period[rates_by_period["month"].notna()].copy()
    data["month"] = data["month"].astype(str)
    data = data[data["month"] <= as_of_month]
    rows = []
    for _, t in targets[targets["kind"] == "target"].iterrows():
        rows.append(_one_target(t, data, day, window))
    frame = pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS))
    for c in _INT_COLUMNS:
        frame[c] = pd.array(frame[c].tolist(), dtype="Int64")
    for c in _FLOAT_COLUMNS:
        frame[c] = pd.to_numeric(
            frame[c].astype(object).where(frame[c].notna(), None), errors="coerce"
        ).astype(float)
    frame["met"] = pd.array(frame["met"].tolist(), dtype="boolean")
    return frame


def _one_target(t: pd.Series, data: pd.DataFrame, day: date, window: int) -> dict[str, object]:
    period = parse_period(str(t["period"]))
    last_day = t.get("last_day", period.end)
    if last_day is None or pd.isna(last_day):
        last_day = period.end
    target = float(t["value"])
    operator = str(t["operator"])
    out: dict[str, object] = {c: pd.NA for c in PROGRESS_COLUMNS}
    out.update(
        key=t["key"],
        label=t["label"],
        metric=t["metric"],
        operator=operator,
        target=target,
        period=period.label,
        period_status=(
            "chưa bắt đầu" if day < period.start else "đã kết thúc" if day >= period.end else "đang diễn ra"
        ),
        last_day=last_day,
        days_left=(last_day - day).days,
    )
    parts = _rate_parts(str(t["metric"]))
    head = f"{t['label']} {_OPERATOR_VI[operator]} {fmt_pct(target, 0)} ({period.label_vi})"
    deadline_text = f"{describe_days_left(out['days_left'])} (hạn cuối {fmt_date(last_day)})"
    if parts is None or not set([*parts[0], parts[1]]) <= set(data.columns):
        out["status"] = f"{head}: không tính được từ số liệu theo tháng; {deadline_text}."
        return out
    num_cols, den_col = parts
    monthly = data.groupby("month", sort=True)[[*num_cols, den_col]].sum(min_count=1)
    monthly = monthly.dropna(how="any")
    num = monthly[list(num_cols)].sum(axis=1).astype("int64")
    den = monthly[den_col].astype("int64")
    done = [m for m in monthly.index if month_end(m) <= day]
    in_period = [m for m in done if m in period.months()]
    recent = done[-window:]
    achieved_num = int(num[in_period].sum())
    achieved_den = int(den[in_period].sum())
    current, basis = _current_value(num, den, in_period, recent, period)
    remaining = [m for m in period.months() if month_end(m) > day]
    r = len(remaining)
    out.update(
        current_value=float(current) if current is not None else float("nan"),
        current_basis=basis,
        achieved_numerator=achieved_num,
        achieved_denominator=achieved_den,
        months_remaining=r,
    )
    if current is not None:
        shortfall = (Fraction(target) - current) if operator in (">=", ">") else (current - Fraction(target))
        out["gap_pp"] = float(shortfall * 100)
        out["met"] = _compare(float(current), operator, target)
    if recent:
        volume = Fraction(int(den[recent].sum()), len(recent))
        per_month_num = Fraction(int(num[recent].sum()), len(recent))
        out["monthly_volume"] = float(volume)
        out["monthly_numerator"] = float(per_month_num)
        if r > 0:
            projected = achieved_den + volume * r
            total, per_month = _needed(operator, Fraction(target), projected, achieved_num, r)
            out.update(
                projected_denominator=float(projected),
                needed_total=total,
                needed_per_month=per_month,
                extra_per_month=float(per_month - per_month_num),
            )
    out["status"] = _target_sentence(out, head, num_cols, r, deadline_text)
    return out


def _current_value(
    num: pd.Series, den: pd.Series, in_period: list[str], recent: list[str], period: Period
) -> tuple[Fraction | None, str]:
    """The current value of a rate target and what it rests on: the period's complete months, else the most
    recent complete months, else nothing yet."""
    achieved_den = int(den[in_period].sum())
    if achieved_den > 0:
        basis = f"{period.label_vi}, các tháng đã qua ({_months_label(in_period)})"
        return Fraction(int(num[in_period].sum()), achieved_den), basis
    if recent and int(den[recent].sum()) > 0:
        basis = f"{fmt_int(len(recent))} tháng gần nhất ({_months_label(recent)})"
        return Fraction(int(num[recent].sum()), int(den[recent].sum())), basis
    return None, "chưa có tháng nào trọn vẹn"


def _needed(
    operator: str, target: Fraction, projected: Fraction, achieved_num: int, months: int
) -> tuple[int, int]:
    """Numerator dossiers still needed over the remaining ``months`` (total, per month) for the period's rate over
    a ``projected`` denominator to meet ``operator target``; at most (for ``<=``/``<``) when the rate must stay low.
    """
    bound = target * projected - achieved_num
    if operator == ">=":
        total = max(0, math.ceil(bound))
    elif operator == ">":
        total = max(0, math.floor(bound) + 1)
    elif operator == "<=":
        total = max(0, math.floor(bound))
    else:
        total = max(0, math.ceil(bound) - 1)
    per_month = (
        math.ceil(Fraction(total, months)) if operator in (">=", ">") else math.floor(Fraction(total, months))
    )
    return total, per_month


def _target_sentence(
    out: dict[str, object], head: str, num_cols: tuple[str, ...], r: int, deadline: str
) -> str:
    what = " + ".join(COUNT_LABELS_VI.get(c, c).lower() for c in num_cols)
    if out["current_value"] is pd.NA or out["current_value"] != out["current_value"]:
        return f"{head}: chưa có số liệu; {deadline}."
    current = fmt_pct(out["current_value"], 2)
    gap = float(out["gap_pp"])
    verdict = (
        f"đạt ({current})" if out["met"] else f"chưa đạt ({current}, còn thiếu {fmt_number(gap, 2)} điểm %)"
    )
    text = f"{head}: {verdict} theo {out['current_basis']}"
    if r == 0:
        return text + "; kỳ mục tiêu đã kết thúc."
    if out["needed_per_month"] is not pd.NA:
        if out["operator"] in (">=", ">"):
            need = int(out["needed_per_month"])
            extra = float(out["extra_per_month"])
            more = f", thêm {fmt_number(extra, 0)} so với" if extra > 0 else ", không cao hơn"
            text += (
                f"; cần ít nhất {fmt_int(need)} hồ sơ {what} mỗi tháng trong {fmt_int(r)} tháng còn lại "
                f"(tổng {fmt_int(out['needed_total'])}{more} mức hiện nay khoảng "
                f"{fmt_number(out['monthly_numerator'], 0)}/tháng trên {fmt_number(out['monthly_volume'], 0)} hồ sơ "
                "mới mỗi tháng)"
            )
        else:
            text += (
                f"; được phép nhiều nhất {fmt_int(int(out['needed_per_month']))} hồ sơ {what} mỗi tháng trong "
                f"{fmt_int(r)} tháng còn lại"
            )
    return text + f"; {deadline}."
