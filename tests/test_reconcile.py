"""Reported figures and their reconciliation: the notice's findings, and cases from other documents.

Every expected number is worked out by hand in the comments (not copied from the code's output).
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis.errors import InputError
from cchc_analysis.reconcile import checks_to_json, format_checks_table, reconcile, reconcile_file
from cchc_analysis.reported import read_reported_figures

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "data" / "notice_2026" / "reported_figures.csv"
DATA = Path(__file__).parent / "data" / "reconcile"

COLUMNS = ["key", "label", "value", "unit", "numerator", "denominator", "whole", "source"]


def figures(*rows: tuple[str, ...]) -> pd.DataFrame:
    """A figures frame of text cells, as a CSV would hold them (missing trailing cells are blank)."""
    return pd.DataFrame([list(r) + [""] * (len(COLUMNS) - len(r)) for r in rows], columns=COLUMNS)


def by_keys(checks: pd.DataFrame) -> dict[tuple[str, ...], pd.Series]:
    return {tuple(r["keys"]): r for _, r in checks.iterrows()}


# --- the notice ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def notice_checks() -> pd.DataFrame:
    return reconcile_file(NOTICE)


def test_notice_findings_are_exactly_those_of_the_issue(notice_checks):
    got = sorted((r["check"], r["status"]) for _, r in notice_checks.iterrows())
    assert got == sorted(
        [
            ("parts", "ERROR"),  # 29,78 % + 71,22 % > 100 %
            ("parts", "WARNING"),  # 3.067 + 2 short of 3.080
            ("parts", "WARNING"),  # 3.080 short of 3.099
            ("attainable", "WARNING"),  # 99,78 % of 3.099
            ("ratio", "OK"),  # 3.067/3.080 → 99,6 %
            ("attainable", "OK"),  # 923/3.099 → 29,78 %
        ]
    )


def test_notice_online_shares_exceed_online_receipt(notice_checks):
    (row,) = [r for _, r in notice_checks.iterrows() if r["status"] == "ERROR"]
    assert set(row["keys"]) == {"full_online_rate", "partial_online_rate", "online_receipt_rate"}
    # 29,78 + 71,22 = 101,00; 101,00 − 100 = 1,00 point; tolerance 0,005 + 0,005 = 0,01
    assert "101,00 %" in row["message"]
    assert "1,00 điểm %" in row["message"]
    assert "0,01 điểm %" in row["message"]


def test_notice_early_and_late_fall_11_short_of_resolved(notice_checks):
    row = by_keys(notice_checks)[("early", "late", "resolved")]
    assert (row["check"], row["status"]) == ("parts", "WARNING")
    # 3.067 + 2 = 3.069; 3.080 − 3.069 = 11
    assert "3.069" in row["message"]
    assert "11 hồ sơ" in row["message"]


def test_notice_resolved_falls_19_short_of_received(notice_checks):
    row = by_keys(notice_checks)[("resolved", "received")]
    assert (row["check"], row["status"]) == ("parts", "WARNING")
    assert "19 hồ sơ" in row["message"]  # 3.099 − 3.080


def test_notice_reuse_rate_is_not_attainable_over_3099(notice_checks):
    row = by_keys(notice_checks)[("reuse_rate", "received")]
    assert (row["check"], row["status"]) == ("attainable", "WARNING")
    # 0,9978 × 3.099 = 3.092,18; 3.092/3.099 = 99,774 % → 99,77 %; 3.093/3.099 = 99,806 % → 99,81 %
    assert "3.092/3.099 = 99,77 %" in row["message"]
    assert "3.093/3.099 = 99,81 %" in row["message"]


def test_notice_early_rate_and_full_online_are_ok(notice_checks):
    checks = by_keys(notice_checks)
    ratio = checks[("early_rate", "early", "resolved")]
    assert (ratio["check"], ratio["status"]) == ("ratio", "OK")
    # 3.067/3.080 = 0,995779… → 99,58 % → 99,6 %
    assert "3.067/3.080 = 99,58 %" in ratio["message"]
    assert "99,6 %" in ratio["message"]
    full = checks[("full_online_rate", "received")]
    assert (full["check"], full["status"]) == ("attainable", "OK")
    # 0,2978 × 3.099 = 922,88 → k = 923; 923/3.099 = 29,784 % → 29,78 %; 922/3.099 = 29,75 %, 924 → 29,82 %
    assert "k = 923" in full["message"]


def test_notice_figures_carry_their_source():
    figs = read_reported_figures(NOTICE)
    assert figs["source"].notna().all()
    assert figs.set_index("key").loc["late", "value"] == 2  # printed "02"
    assert figs.set_index("key").loc["received", "value"] == 3099


def test_json_shape(notice_checks):
    out = checks_to_json(notice_checks)
    assert list(out) == ["checks"]
    assert len(out["checks"]) == 6
    for item in out["checks"]:
        assert list(item) == ["check", "keys", "status", "message"]
        assert item["check"] in {"ratio", "attainable", "parts"}
        assert item["status"] in {"OK", "WARNING", "ERROR"}
        assert isinstance(item["keys"], list) and all(isinstance(k, str) for k in item["keys"])
    json.dumps(out, ensure_ascii=False)


def test_table_names_every_check(notice_checks):
    table = format_checks_table(notice_checks)
    assert "6 kiểm tra" in table
    assert table.count("WARNING") >= 3 and "ERROR" in table
    assert "3.092/3.099 = 99,77 %" in table


# --- ratio ----------------------------------------------------------------------------------------------------------
def test_ratio_off_by_one_in_last_digit_is_an_error():
    checks = by_keys(reconcile_file(DATA / "ratio_off_by_one.csv"))
    # 3.067/3.080 = 99,5779… %: 1 decimal → 99,6 (file says 99,5); 2 decimals → 99,58 (file says 99,59)
    one = checks[("early_rate_1", "early", "resolved")]
    two = checks[("early_rate_2", "early", "resolved")]
    assert one["status"] == two["status"] == "ERROR"
    assert "99,58 %" in one["message"] and "99,6 %" in one["message"]
    assert "99,578 %" in two["message"]
    # numbers as printed (not keys) work the same way
    assert checks[("early_rate_ok",)]["status"] == "OK"


def test_ratio_at_an_exact_tie_accepts_either_rounding():
    # 1/8 = 12,5 %: at 0 decimals both 12 % and 13 % are within half a unit
    checks = reconcile(figures(("a", "A", "13", "%", "1", "8"), ("b", "B", "12", "%", "1", "8")))
    assert checks["status"].tolist() == ["OK", "OK"]
    # 1/8 = 12,5 % printed as 11 % is 1,5 points off
    assert reconcile(figures(("c", "C", "11", "%", "1", "8")))["status"].tolist() == ["ERROR"]


def test_ratio_of_counts_and_zero_denominator():
    # 45 hồ sơ over 30 ngày = 1,5 hồ sơ/ngày (not a percentage)
    ok = reconcile(figures(("avg", "Bình quân", "1,5", "hồ sơ/ngày", "45", "30")))
    assert ok["status"].tolist() == ["OK"]
    zero = reconcile(figures(("z", "Z", "10", "%", "1", "0")))
    assert zero["status"].tolist() == ["ERROR"]
    assert "mẫu số bằng 0" in zero["message"].iloc[0]


# --- attainable -----------------------------------------------------------------------------------------------------
def test_attainable_names_nearest_counts_when_none_fits():
    # 50 % of 3 at 0 decimals needs k/3 in [49,5 %; 50,5 %], k in [1,485; 1,515]: none.
    # 1/3 = 33 %, 2/3 = 67 %, equally near 1,5: the lower is named first.
    checks = reconcile(figures(("n", "N", "3", "hồ sơ"), ("r", "R", "50", "%", "", "n")))
    (row,) = checks.itertuples()
    assert (row.check, row.status) == ("attainable", "WARNING")
    assert "1/3 = 33 %" in row.message and "2/3 = 67 %" in row.message


def test_attainable_range_of_counts():
    # 10 % of 1.000 at 0 decimals: k in [95; 105]
    checks = reconcile(figures(("r", "R", "10", "%", "", "1.000")))
    assert checks["status"].tolist() == ["OK"]
    assert "k từ 95 đến 105" in checks["message"].iloc[0]


# --- parts ----------------------------------------------------------------------------------------------------------
def test_parts_within_rounding_pass():
    checks = by_keys(reconcile_file(DATA / "parts_within_rounding.csv"))
    # 33,3 × 3 = 99,9; 100 − 99,9 = 0,1 ≤ 3 × 0,05 = 0,15
    assert checks[("share_a", "share_b", "share_c", "total_rate")]["status"] == "OK"
    # percentages of a count whole add to 100 %: 29,78 + 70,23 = 100,01; 0,01 ≤ 0,005 + 0,005
    assert checks[("full", "partial", "dossiers")]["status"] == "OK"


def test_parts_at_the_tolerance_boundary_pass():
    # 50,1 + 50,0 = 100,1; excess 0,1 = 0,05 + 0,05 exactly: within rounding
    checks = reconcile(
        figures(
            ("w", "W", "100", "%"), ("a", "A", "50,1", "%", "", "", "w"), ("b", "B", "50,0", "%", "", "", "w")
        )
    )
    assert checks["status"].tolist() == ["OK"]


def test_parts_that_exceed_are_errors():
    checks = by_keys(reconcile_file(DATA / "parts_exceed.csv"))
    counts = checks[("online", "in_person", "received")]
    # 60 + 41 = 101 > 100, counts exactly
    assert counts["status"] == "ERROR"
    assert "101 hồ sơ" in counts["message"]
    pct = checks[("rate_a", "rate_b", "rate_whole")]
    # 50,2 + 50,0 = 100,2; excess 0,2 > 0,1
    assert pct["status"] == "ERROR"
    assert "100,2 %" in pct["message"]


def test_count_parts_short_of_whole_warn_with_gap():
    checks = reconcile(
        figures(
            ("w", "W", "1.250", "hồ sơ"),
            ("a", "A", "1.000", "hồ sơ", "", "", "w"),
            ("b", "B", "200", "hồ sơ", "", "", "w"),
        )
    )
    (row,) = checks.itertuples()
    assert row.status == "WARNING"
    assert "50 hồ sơ" in row.message  # 1.250 − 1.200


def test_parts_that_cannot_be_added_are_flagged():
    mixed = reconcile(
        figures(
            ("w", "W", "100", "hồ sơ"),
            ("a", "A", "40", "hồ sơ", "", "", "w"),
            ("b", "B", "60", "%", "", "", "w"),
        )
    )
    assert mixed["status"].tolist() == ["WARNING"]
    counts_of_pct = reconcile(figures(("w", "W", "100", "%"), ("a", "A", "40", "hồ sơ", "", "", "w")))
    assert counts_of_pct["status"].tolist() == ["WARNING"]


def test_a_file_with_nothing_to_check_gives_no_checks():
    checks = reconcile(figures(("a", "A", "3.099", "hồ sơ"), ("b", "B", "100", "%")))
    assert checks.empty
    assert list(checks.columns) == ["check", "keys", "status", "message"]
    assert checks_to_json(checks) == {"checks": []}


# --- reading --------------------------------------------------------------------------------------------------------
def test_semicolon_file_is_read():
    # 125/1.000 = 12,5 %
    checks = reconcile_file(DATA / "semicolon.csv")
    assert checks["status"].tolist() == ["OK"]


@pytest.mark.parametrize(
    ("name", "row", "column"),
    [("bad_value.csv", 2, "value"), ("unquoted_decimal_comma.csv", 3, None)],
)
def test_bad_files_raise_input_error_with_row(name, row, column):
    with pytest.raises(InputError) as info:
        read_reported_figures(DATA / name)
    assert info.value.row == row
    assert info.value.column == column


def test_unknown_references_and_duplicates_are_input_errors():
    with pytest.raises(InputError) as info:
        reconcile(figures(("a", "A", "1", "hồ sơ", "", "", "nowhere")))
    assert info.value.column == "whole"
    with pytest.raises(InputError) as info:
        reconcile(figures(("a", "A", "1", "%", "x", "y")))
    assert info.value.column == "numerator"
    with pytest.raises(InputError) as info:
        reconcile(figures(("a", "A", "1"), ("a", "B", "2")))
    assert (info.value.row, info.value.column) == (3, "key")
    with pytest.raises(InputError):
        reconcile(figures(("a", "A", "1", "", "", "", "b"), ("b", "B", "2", "", "", "", "a")))


def test_unreadable_files_raise_input_error(tmp_path):
    with pytest.raises(InputError):
        read_reported_figures(tmp_path / "missing.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"key,label,value\na,\x00\x01\x00\x02,1\n" * 20)  # NUL bytes: not text
    with pytest.raises(InputError):
        read_reported_figures(binary)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError):
        read_reported_figures(empty)
    no_key = tmp_path / "no_key.csv"
    no_key.write_text("label,value\nA,1\n")
    with pytest.raises(InputError):
        read_reported_figures(no_key)


def test_comment_lines_and_percent_denominators(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(
        "key,label,value,unit,numerator,denominator,whole,source\n"
        "# tỷ lệ trên một tỷ lệ: không phải số đếm\n"
        "w,Tiếp nhận trực tuyến,100,%,,,,\n"
        'a,Toàn trình,"29,78",%,,w,,\n',
        encoding="utf-8",
    )
    checks = reconcile_file(path)
    assert checks["status"].tolist() == ["WARNING"]
    assert "không phải số đếm" in checks["message"].iloc[0]


def vn(x: Decimal) -> str:
    """A non-negative decimal written Vietnamese style, without thousands separators (as parse_vn_number reads)."""
    return str(x).replace(".", ",")


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 20000), st.data(), st.integers(0, 3))
def test_any_correctly_rounded_share_passes_and_one_unit_more_fails(n, data, decimals):
    k = data.draw(st.integers(0, n))
    unit = Decimal(1).scaleb(-decimals)
    printed = (Decimal(k * 100) / Decimal(n)).quantize(unit, rounding=ROUND_HALF_UP)
    checks = reconcile(
        figures(
            ("n", "N", str(n), "hồ sơ"),
            ("k", "K", str(k), "hồ sơ"),
            ("ratio", "R", vn(printed), "%", "k", "n"),
            ("share", "S", vn(printed), "%", "", "n"),
            ("off", "O", vn(printed + unit), "%", "k", "n"),
        )
    )
    assert checks["status"].tolist() == ["OK", "ERROR", "OK"]
