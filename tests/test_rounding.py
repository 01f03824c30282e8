"""One rounding rule (half up on the exact decimal) wherever a number is printed: formatting, the reconciliation
verdicts, the figures table and the charts say the same thing for the same value.

Every expected text is worked out by hand: 1 early dossier of 16 resolved is 1/16 = 6,25 %, which documents and
Excel print 6,3 % at one decimal (Python's ``round(6.25, 1)`` and Babel's half-to-even give 6,2).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from cchc_analysis import charts, report_tables
from cchc_analysis.formatting import fmt_int, fmt_number, fmt_pct, fmt_pp, round_half_up
from cchc_analysis.rates import processing_rates
from cchc_analysis.reconcile import reconcile
from cchc_analysis.reported import parse_reported_figures

FIGURE_COLUMNS = ["key", "label", "value", "unit", "numerator", "denominator", "whole", "source"]


def sixteen_resolved_one_early() -> pd.DataFrame:
    """16 dossiers received and resolved in January 2026: one a day before its due date, 15 on it."""
    received = pd.Timestamp("2026-01-05")
    due = pd.Timestamp("2026-01-20")
    return pd.DataFrame(
        {
            "received_at": [received] * 16,
            "due_at": [due] * 16,
            "resolved_at": [due - pd.Timedelta(days=1)] + [due] * 15,
        }
    )


def early_rate_figures(printed: str) -> pd.DataFrame:
    rows = [
        ("resolved", "Đã giải quyết", "16", "hồ sơ"),
        ("early", "Trước hạn", "1", "hồ sơ"),
        ("early_rate", "Tỷ lệ trước hạn", printed, "%", "early", "resolved"),
    ]
    return pd.DataFrame(
        [list(r) + [""] * (len(FIGURE_COLUMNS) - len(r)) for r in rows], columns=FIGURE_COLUMNS
    )


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (6.25, 1, "6,3"),  # half-to-even would give 6,2
        (0.125, 2, "0,13"),  # the float 0.125 is exact: a true tie
        (2.5, 0, "3"),
        (-6.25, 1, "-6,3"),  # away from zero
        (14.45, 1, "14,5"),  # the float 14.45 is a little below 14,45; the decimal it prints as is not
        (1234.5, 0, "1.235"),
        (29.7838, 2, "29,78"),
    ],
)
def test_fmt_number_rounds_half_up_on_the_printed_decimal(value, decimals, text):
    assert fmt_number(value, decimals) == text


def test_every_number_formatter_uses_the_same_rule():
    assert fmt_pct(1 / 16) == "6,3 %"
    assert fmt_pct(Fraction(1, 16)) == "6,3 %"
    assert fmt_pp(6.25) == "+6,3 điểm %"
    assert fmt_int(2.5) == "3"
    assert round_half_up(Fraction(1, 16) * 100, 1) == round_half_up(6.25, 1) == Decimal("6.3")


def test_reconcile_and_figures_table_agree_on_one_early_of_sixteen():
    rates = processing_rates(sixteen_resolved_one_early(), "01/01/2026", "31/01/2026")
    assert (int(rates["early"].iloc[0]), int(rates["resolved"].iloc[0])) == (1, 16)

    # the reconciliation: 1/16 = 6,25 % → rounded 6,3 %, which matches a document printing 6,3
    check = reconcile(early_rate_figures("6,3"))
    verdict = check[check["check"] == "ratio"].iloc[0]
    assert verdict["status"] == "OK"
    assert "làm tròn 6,3 %" in verdict["message"]

    # the briefing's figures table: recomputed 6,3 % from the dossiers, «Khớp»
    figures = parse_reported_figures(early_rate_figures("6,3"))
    comparison = report_tables.figures_against_data(figures, rates)
    row = comparison.set_index("key").loc["early_rate"]
    assert row["computed_text"] == "6,3 %"
    assert bool(row["matches"])
    shown = report_tables.figures_table(comparison).shown.set_index("Số liệu").loc["Tỷ lệ trước hạn"]
    assert (shown["Tính lại"], shown["Kết quả"]) == ("6,3 %", "Khớp")

    # a document printing 6,1 % is off in both (6,2 % is a tie: the reconciliation tolerates half-to-even there)
    assert reconcile(early_rate_figures("6,1")).query("check == 'ratio'")["status"].tolist() == ["ERROR"]
    off = report_tables.figures_against_data(parse_reported_figures(early_rate_figures("6,1")), rates)
    assert not bool(off.set_index("key").loc["early_rate", "matches"])


def test_charts_print_rates_as_the_tables_do():
    # the chart's percentage labels go through the same rule
    assert charts._short_pct(1 / 16) == "6,25 %"
    assert charts._short_pct(0.996) == "99,6 %"
    assert charts._short_pct(0.5) == "50 %"
