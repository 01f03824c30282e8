"""Reconciliation of reported figures: recompute what a document prints and say, in Vietnamese, what does not add up.

Three generic rules (SPEC §5), applied to every row of a reported-figures frame
(:func:`cchc_analysis.reported.read_reported_figures`); each application is one check, OK / WARNING / ERROR:

``ratio``
    A row with a numerator and a denominator. ``value`` must equal numerator/denominator (× 100 for a
    percentage) rounded to the decimals printed in ``value``: OK when ``|exact − value| ≤`` half a unit of the
    last printed decimal (so either neighbour passes at an exact tie), ERROR otherwise, saying the exact ratio.
``attainable``
    A percentage with a denominator but no numerator. OK when some whole count ``k`` (``0 ≤ k ≤ denominator``,
    no upper bound for a percentage above 100) gives ``value`` at the printed precision, naming ``k``; WARNING
    otherwise, naming the nearest ``k`` and what it gives. The denominator must be a positive whole number and
    not a percentage row (else WARNING: cannot be checked).
``parts``
    Rows sharing a ``whole`` must add up to it.

    - count parts of a count whole: exactly (a non-percentage printed with decimals, an amount, may be off by
      half a unit of its last decimal);
    - percentage parts of a percentage whole: the sum of the parts against the whole's percentage;
    - percentage parts of a count whole: shares of it, so the sum against 100 %;
    - percentages are allowed to differ by the sum of the parts' half-units of their last printed decimal
      (29,78 % and 71,22 % → ± 0,01 điểm %); the whole's own rounding is not added;
    - ERROR when the parts exceed the whole beyond that tolerance, WARNING with the gap when they fall short
      (a listing may omit a category), OK otherwise;
    - parts mixing counts and percentages, or count parts of a percentage whole, cannot be added: WARNING saying so.

All arithmetic is exact (fractions of the printed decimals), so ``29,78 + 71,22`` is exactly ``101,00``.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd

from cchc_analysis.formatting import fmt_int, fmt_number, parse_vn_number, printed_decimals, round_half_up
from cchc_analysis.reported import (
    PARSED_COLUMNS,
    parse_reported_figures,
    read_reported_figures,
)

CHECK_COLUMNS: tuple[str, ...] = ("check", "keys", "status", "message")
STATUSES: tuple[str, ...] = ("OK", "WARNING", "ERROR")

#: What the terminal table calls each check and status.
CHECK_LABELS_VI: dict[str, str] = {
    "ratio": "Tỷ lệ",
    "attainable": "Khả năng đạt được",
    "parts": "Cộng các phần",
}


# --- exact numbers ----------------------------------------------------------------------------------------------
def _exact(text: object) -> Fraction:
    """The exact value of a number printed in Vietnamese style (``'99,78'`` → 9978/100)."""
    return Fraction(Decimal(repr(parse_vn_number(text))))


def _half_unit(decimals: int) -> Fraction:
    return Fraction(1, 2 * 10**decimals)


def _round(x: Fraction, decimals: int) -> Decimal:
    """Round half up (away from zero), exactly: :func:`cchc_analysis.formatting.round_half_up`, the one rule."""
    return round_half_up(Fraction(x), decimals)


def _num(x: Fraction | Decimal, decimals: int) -> str:
    """A number in Vietnamese style at ``decimals`` places (``3.099``; ``99,58``)."""
    if decimals <= 0:
        return fmt_int(_round(Fraction(x), 0))
    return fmt_number(_round(Fraction(x), decimals), decimals)


def _printed(text: object) -> str:
    """A printed number re-styled: ``'02'`` → ``'2'``, ``'3.099'`` → ``'3.099'``, ``'99,6'`` → ``'99,6'``."""
    return _num(_exact(text), printed_decimals(text))


def _exact_display(x: Fraction, decimals: int) -> str:
    """The exact value shown with one more decimal than printed, more if that would hide the rounding."""
    target = _round(x, decimals)
    for extra in range(1, 5):
        shown = _round(x, decimals + extra)
        if _round(Fraction(shown), decimals) == target:
            return _num(x, decimals + extra)
    return _num(x, decimals + 4)


def _num_exact(x: Fraction) -> str:
    """A number with as few decimals as show it exactly (at most 6): 1/100 → ``0,01``, 3/20 → ``0,15``."""
    for decimals in range(7):
        if (x * 10**decimals).denominator == 1:
            return _num(x, decimals)
    return _num(x, 6)


def _unit_suffix(unit: object) -> str:
    if unit is None or unit is pd.NA or (isinstance(unit, float) and unit != unit) or not str(unit):
        return ""
    return " %" if str(unit) == "%" else " " + str(unit)


def _check(kind: str, keys: list[str], status: str, message: str) -> dict[str, object]:
    return {"check": kind, "keys": keys, "status": status, "message": message}


# --- the three rules --------------------------------------------------------------------------------------------
def _ratio(row: pd.Series) -> dict[str, object]:
    keys = [row["key"], *(k for k in (row["numerator_key"], row["denominator_key"]) if not pd.isna(k))]
    num, den = _exact(row["numerator_text"]), _exact(row["denominator_text"])
    n_text, d_text = _printed(row["numerator_text"]), _printed(row["denominator_text"])
    suffix = _unit_suffix(row["unit"])
    value = _exact(row["value_text"])
    d = int(row["decimals"])
    shown = _num(value, d) + suffix
    if den == 0:
        return _check(
            "ratio",
            keys,
            "ERROR",
            f"{row['label']}: mẫu số bằng 0 ({n_text}/{d_text}), không tính được tỷ lệ; số liệu công bố {shown}",
        )
    exact = num / den * (100 if row["is_percent"] else 1)
    rounded = _num(Fraction(_round(exact, d)), d) + suffix
    head = f"{row['label']}: {n_text}/{d_text} = {_exact_display(exact, d)}{suffix} → làm tròn {rounded}"
    if abs(exact - value) <= _half_unit(d):
        return _check("ratio", keys, "OK", f"{head}: khớp với số liệu công bố {shown}")
    diff = value - exact
    unit_word = " điểm %" if row["is_percent"] else suffix
    return _check(
        "ratio",
        keys,
        "ERROR",
        f"{head}: không khớp với số liệu công bố {shown} "
        f"(số công bố {'cao' if diff > 0 else 'thấp'} hơn tỷ lệ đúng {_exact_display(abs(diff), d)}{unit_word})",
    )


def _attainable(row: pd.Series, percent_keys: set[str]) -> dict[str, object]:
    keys = [row["key"], *(k for k in (row["denominator_key"],) if not pd.isna(k))]
    den = _exact(row["denominator_text"])
    d_text = _printed(row["denominator_text"])
    value = _exact(row["value_text"])
    d = int(row["decimals"])
    shown = _num(value, d) + " %"
    if row["denominator_key"] in percent_keys:
        return _check(
            "attainable",
            keys,
            "WARNING",
            f"{row['label']} {shown}: mẫu số {d_text} % là một tỷ lệ, không phải số đếm, nên không kiểm tra được "
            "tỷ lệ có đạt được hay không",
        )
    if den <= 0 or den.denominator != 1:
        return _check(
            "attainable",
            keys,
            "WARNING",
            f"{row['label']} {shown}: mẫu số {d_text} không phải số nguyên dương, không kiểm tra được "
            "tỷ lệ có đạt được hay không",
        )
    n = den.numerator
    half = _half_unit(d)
    cap = n if value <= 100 else None
    lo = max(0, math.ceil((value - half) * n / 100))
    hi = math.floor((value + half) * n / 100)
    if cap is not None:
        hi = min(hi, cap)
    target = value * n / 100
    if lo <= hi:
        best = min(max(math.floor(target + Fraction(1, 2)), lo), hi)
        pct = Fraction(best * 100, n)
        ks = f"k = {fmt_int(best)}" if lo == hi else f"k từ {fmt_int(lo)} đến {fmt_int(hi)}"
        return _check(
            "attainable",
            keys,
            "OK",
            f"{row['label']} {shown} trên mẫu số {d_text}: đạt được với {ks} "
            f"({fmt_int(best)}/{d_text} = {_exact_display(pct, d)} % → làm tròn {_num(pct, d)} %)",
        )
    candidates = [k for k in (math.floor(target), math.ceil(target)) if k >= 0 and (cap is None or k <= cap)]
    candidates = sorted(set(candidates), key=lambda k: (abs(Fraction(k) - target), k))
    nearest = candidates[0]
    text = f"{fmt_int(nearest)}/{d_text} = {_num(Fraction(nearest * 100, n), d)} %"
    others = [f"{fmt_int(k)}/{d_text} = {_num(Fraction(k * 100, n), d)} %" for k in candidates[1:]]
    return _check(
        "attainable",
        keys,
        "WARNING",
        f"{row['label']} {shown} trên mẫu số {d_text}: không có số nguyên k nào để k/{d_text} làm tròn thành "
        f"{shown}; gần nhất là {text}"
        + (f" (kế tiếp {others[0]})" if others else "")
        + "; tỷ lệ có thể được "
        "tính trên một mẫu số khác hoặc làm tròn sai",
    )


def _tolerance(row: pd.Series) -> Fraction:
    """Half a unit of the last printed decimal; none for a count printed without decimals (it is exact)."""
    if not row["is_percent"] and int(row["decimals"]) == 0:
        return Fraction(0)
    return _half_unit(int(row["decimals"]))


def _parts(whole: pd.Series, parts: pd.DataFrame) -> dict[str, object]:
    keys = [*parts["key"], whole["key"]]
    whole_pct = bool(whole["is_percent"])
    kinds = set(parts["is_percent"].astype(bool))
    whole_label = whole["label"]
    if len(kinds) > 1 or (whole_pct and kinds == {False}):
        reason = (
            "các phần trộn lẫn số lượng và tỷ lệ"
            if len(kinds) > 1
            else "các phần là số lượng còn tổng thể là tỷ lệ"
        )
        return _check(
            "parts",
            keys,
            "WARNING",
            f"Không cộng được các phần của {whole_label}: {reason}; hãy ghi các phần cùng đơn vị với tổng thể",
        )
    parts_pct = kinds == {True}
    if parts_pct:
        d = max(int(x) for x in parts["decimals"])
        gap_d = max(d, int(whole["decimals"])) if whole_pct else d
        whole_value = _exact(whole["value_text"]) if whole_pct else Fraction(100)
        whole_text = (
            f"{_printed(whole['value_text'])} % ({whole_label})" if whole_pct else f"100 % của {whole_label}"
        )
        suffix, gap_unit = " %", " điểm %"
    else:
        d = max(int(x) for x in parts["decimals"])
        gap_d = max(d, int(whole["decimals"]))
        whole_value = _exact(whole["value_text"])
        suffix = _unit_suffix(whole["unit"]) or _unit_suffix(parts["unit"].iloc[0])
        whole_text = f"{_printed(whole['value_text'])}{suffix} ({whole_label})"
        gap_unit = suffix
    total = sum((_exact(t) for t in parts["value_text"]), Fraction(0))
    tolerance = sum((_tolerance(r) for _, r in parts.iterrows()), Fraction(0))
    tol_text = f"±{_num_exact(tolerance)}{gap_unit}"
    if len(parts) == 1:
        lhs = f"{_printed(parts['value_text'].iloc[0])}{suffix} ({parts['label'].iloc[0]})"
    else:
        terms = [
            f"{_printed(t)}{' %' if parts_pct else ''} ({label})"
            for t, label in zip(parts["value_text"], parts["label"], strict=True)
        ]
        lhs = " + ".join(terms) + f" = {_num(total, d)}{suffix}"
    diff = total - whole_value
    if diff > tolerance:
        return _check(
            "parts",
            keys,
            "ERROR",
            f"{lhs}, lớn hơn {whole_text} {_num(diff, gap_d)}{gap_unit}"
            + (f", vượt sai số làm tròn cho phép {tol_text}" if tolerance else "")
            + ": tổng các phần không thể lớn hơn tổng thể",
        )
    if -diff > tolerance:
        gap = f"{_num(-diff, gap_d)}{gap_unit}"
        return _check(
            "parts",
            keys,
            "WARNING",
            f"{lhs}, ít hơn {whole_text} {gap}"
            + (f" (ngoài sai số làm tròn {tol_text})" if tolerance else "")
            + f": chênh lệch {gap} chưa được giải thích (danh sách có thể bỏ sót một loại)",
        )
    return _check(
        "parts",
        keys,
        "OK",
        f"{lhs}: khớp với {whole_text}" + (f" trong phạm vi làm tròn {tol_text}" if tolerance else ""),
    )


# --- public API -------------------------------------------------------------------------------------------------
def reconcile(figures: pd.DataFrame) -> pd.DataFrame:
    """Apply the ratio, attainable and parts checks to reported figures.

    Parameters
    ----------
    figures : DataFrame
        From :func:`cchc_analysis.reported.read_reported_figures`; a frame of the 8 text columns of SPEC §5 is
        parsed first.

    Returns
    -------
    DataFrame
        Columns ``check, keys, status, message``: one row per rule applied, ratio checks first, then attainable,
        then parts, each in file order (parts in the order of their whole). ``keys`` is a list of the rows
        involved (for parts: the parts, then the whole).

    Examples
    --------
    >>> figs = pd.DataFrame({"key": ["a", "b", "r"], "value": ["3.067", "3.080", "99,6"],
    ...                      "unit": ["hồ sơ", "hồ sơ", "%"], "numerator": ["", "", "a"],
    ...                      "denominator": ["", "", "b"], "whole": ["b", "", ""]})
    >>> reconcile(figs)[["check", "status"]].values.tolist()
    [['ratio', 'OK'], ['parts', 'WARNING']]
    """
    if not set(PARSED_COLUMNS) <= set(figures.columns):
        figures = parse_reported_figures(figures.astype("object"))
    checks: list[dict[str, object]] = []
    percent_keys = set(figures.loc[figures["is_percent"].astype(bool), "key"])
    for _, row in figures.iterrows():
        if not pd.isna(row["numerator_text"]) and not pd.isna(row["denominator_text"]):
            checks.append(_ratio(row))
    for _, row in figures.iterrows():
        if row["is_percent"] and pd.isna(row["numerator_text"]) and not pd.isna(row["denominator_text"]):
            checks.append(_attainable(row, percent_keys))
    has_whole = figures[figures["whole"].notna()]
    for _, whole in figures.iterrows():
        parts = has_whole[has_whole["whole"] == whole["key"]]
        if len(parts):
            checks.append(_parts(whole, parts))
    return pd.DataFrame(checks, columns=list(CHECK_COLUMNS))


def reconcile_file(path: str | Path) -> pd.DataFrame:
    """Read a reported-figures CSV and reconcile it (see :func:`reconcile`)."""
    return reconcile(read_reported_figures(path))


def checks_to_json(checks: pd.DataFrame) -> dict[str, list[dict[str, object]]]:
    """The JSON form of ``cchc reconcile --format json``.

    Returns
    -------
    dict
        ``{"checks": [{"check": …, "keys": [...], "status": …, "message": …}, …]}``.
    """
    return {
        "checks": [
            {
                "check": str(r["check"]),
                "keys": [str(k) for k in r["keys"]],
                "status": str(r["status"]),
                "message": str(r["message"]),
            }
            for _, r in checks.iterrows()
        ]
    }


def summarise_checks(checks: pd.DataFrame) -> str:
    """One Vietnamese line: how many checks, and how many of each status."""
    counts = checks["status"].value_counts()
    parts = ", ".join(f"{fmt_int(counts.get(s, 0))} {s}" for s in STATUSES)
    return f"Đối chiếu số liệu công bố: {fmt_int(len(checks))} kiểm tra ({parts})"


def format_checks_table(checks: pd.DataFrame) -> str:
    """The checks as a plain-text table for the terminal (Vietnamese headers, one check a line)."""
    if checks.empty:
        return summarise_checks(checks) + "\nKhông có kiểm tra nào áp dụng cho tệp này."
    header = ("#", "Kiểm tra", "Kết quả", "Số liệu", "Giải thích")
    rows = [
        (
            str(i),
            f"{CHECK_LABELS_VI.get(str(r['check']), str(r['check']))} ({r['check']})",
            str(r["status"]),
            ", ".join(str(k) for k in r["keys"]),
            str(r["message"]),
        )
        for i, (_, r) in enumerate(checks.iterrows(), start=1)
    ]
    widths = [max(len(x[c]) for x in [header, *rows]) for c in range(len(header) - 1)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            [*(cell.ljust(w) for cell, w in zip(cells[:-1], widths, strict=True)), cells[-1]]
        ).rstrip()

    rule = "  ".join("-" * w for w in [*widths, len(header[-1])])
    return "\n".join([summarise_checks(checks), line(header), rule, *(line(r) for r in rows)])
