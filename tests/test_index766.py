"""766 scoring from data: the bundled table, capping at the threshold, unknown indicators, what-ifs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cchc_analysis.errors import InputError
from cchc_analysis.index766 import (
    INDICATORS_PATH,
    group_maxima,
    load_indicators,
    score_766,
    summarise_766,
    what_if,
)

REAL_DIR = Path(__file__).resolve().parents[1] / "data" / "portal_766"
REAL_INDICATORS = REAL_DIR / "portal_766_indicators_2026-09-17.csv"


def test_bundled_table_groups_add_to_100():
    table = load_indicators()
    assert group_maxima(table).tolist() == [18.0, 20.0, 12.0, 10.0, 18.0, 22.0]
    assert table["max_points"].sum() == 100
    assert set(table["confidence"]) <= {"confirmed", "inferred"}
    assert table["code"].is_unique


def test_dossier_rates_fill_the_computable_indicators():
    filled = load_indicators().dropna(subset=["rate_column"]).set_index("rate_column")
    assert filled.loc["progress_766_rate", ["code", "max_points"]].tolist() == ["2.1", 20.0]
    assert filled.loc["online_payment_rate", "max_points"] == 6
    assert filled.loc["digitization_rate", "max_points"] == 4
    assert filled.loc["reuse_rate", ["max_points", "threshold"]].tolist() == [2.0, 0.8]
    assert filled.loc["satisfaction_766_rate", ["max_points", "threshold"]].tolist() == [6.0, 0.9]
    assert filled.loc["full_online_rate", ["max_points", "threshold"]].tolist() == [12.0, 0.5]


def test_points_cap_at_max_above_threshold():
    scored = score_766(
        {"reuse_rate": 0.90, "progress_766_rate": 0.75, "satisfaction_766_rate": 0.45}
    ).set_index("code")
    assert scored.loc["6.4", "points"] == 2.0  # 0,90 / 0,80 > 1 → capped at 2, not 2,25
    assert scored.loc["2.1", "points"] == 15.0  # 20 × 0,75
    assert scored.loc["5.3", "points"] == pytest.approx(3.0)  # 6 × 0,45 / 0,90
    at = score_766({"reuse_rate": 0.80}).set_index("code")
    assert at.loc["6.4", "points"] == 2.0  # exactly at the threshold


def test_unknown_indicators_are_listed_and_not_scored():
    scored = score_766({"progress_766_rate": 1.0, "full_online_rate": float("nan")})
    summary = summarise_766(scored).set_index("group_code")
    assert not scored.set_index("code").loc["3", "known"]
    assert pd.isna(scored.set_index("code").loc["3", "points"])
    total = summary.loc["total"]
    assert total["points"] == 20.0
    assert total["known_max_points"] == 20.0
    assert total["upper_bound"] == 100.0  # 20 + the 80 unknown points
    assert total["n_known"] == 1 and total["n_indicators"] == 19
    assert summary.loc["3", "unknown_codes"] == "3"
    assert pd.isna(summary.loc["1", "points"])
    assert summary.loc["1", "unknown_codes"] == "1.1, 1.2, 1.3, 1.4"


def test_notice_like_rates_score():
    # Đại Sơn: progress 3.097/3.099, full online 923/3.099, payment, digitisation 100 %, reuse 3.092/3.099,
    # satisfaction proxy 1 − 2/3.099 − 2/3.099
    rates = pd.Series(
        {
            "progress_766_rate": 3097 / 3099,
            "full_online_rate": 923 / 3099,
            "online_payment_rate": 1.0,
            "digitization_rate": 1.0,
            "reuse_rate": 3092 / 3099,
            "satisfaction_766_rate": 1 - 4 / 3099,
        }
    )
    summary = summarise_766(score_766(rates)).set_index("group_code")
    # each indicator rounded to 2 decimals before summing, as the portal does:
    # 20 × 3.097/3.099 = 19,987… → 19,99; 12 × (923/3.099)/0,5 = 7,148… → 7,15; then 6 + 4 + 2 + 6
    assert summary.loc["total", "points"] == pytest.approx(19.99 + 7.15 + 6 + 4 + 2 + 6)
    assert summary.loc["total", "known_max_points"] == 20 + 12 + 6 + 6 + 4 + 2


def test_overrides_and_codes_fill_non_dossier_indicators():
    scored = score_766({"1.1": 0.5}, overrides={"6.1": 1.0, "reuse_rate": 0.4}).set_index("code")
    assert scored.loc["1.1", "points"] == 3.0  # 6 × 0,5
    assert scored.loc["6.1", "points"] == 6.0
    assert scored.loc["6.4", "points"] == 1.0  # 2 × 0,4 / 0,8
    assert scored.loc["6.4", "rate_source"] == "override"


def test_rates_must_be_fractions():
    with pytest.raises(InputError):
        score_766({"full_online_rate": 29.78})
    with pytest.raises(InputError):
        score_766({}, overrides={"9.9": 0.5})


def test_what_if_full_online_to_50_percent_and_rank_among_peers():
    peers = pd.DataFrame(
        {"unit": ["A", "B", "C", "D", "E", "Đại Sơn"], "total_score": [80, 75, 72, 70, 60, 71]}
    )
    result = what_if(
        {"full_online_rate": 0.2978}, "full_online_rate", 0.5, peers, current_total=71.0, unit="Đại Sơn"
    )
    # before 12 × 0,2978 / 0,5 = 7,1472 → 7,15 (the portal's 2 decimals); after 12; gained 4,85
    assert result["code"] == "3"
    assert result["points_before"] == 7.15
    assert result["points_after"] == 12.0
    assert result["points_gained"] == pytest.approx(4.85)
    # 71 ranks behind 80, 75, 72 → 4 of 6; 75,85 ranks behind 80 only → 2 of 6
    assert (result["rank_before"], result["rank_after"], result["n_ranked"]) == (4, 2, 6)
    assert "tăng 4,85 điểm" in result["message"]
    assert "từ 4/6 thành 2/6" in result["message"]


def test_what_if_rank_with_a_tie():
    # total 70 → 71 with peers 72, 71, 60: before behind 72 and 71 → 3; after tied with 71 → 2 (shares 2nd)
    rates = {"progress_766_rate": 0.95}  # 19 points; +1 point at 1,00
    result = what_if(rates, "2.1", 1.0, pd.Series([72.0, 71.0, 60.0]), current_total=70.0)
    assert result["points_gained"] == pytest.approx(1.0)
    assert (result["rank_before"], result["rank_after"]) == (3, 2)


def test_what_if_without_a_known_total_gives_no_rank():
    result = what_if({"full_online_rate": 0.2978}, "3", 0.5, pd.Series([80.0, 70.0]))
    assert pd.isna(result["total_before"])
    assert result["rank_before"] is pd.NA
    assert "chưa biết tổng điểm" in result["message"]


def test_what_if_on_an_unknown_indicator():
    result = what_if({}, "6.1", 1.0)
    assert result["points_after"] == 6.0
    assert pd.isna(result["points_gained"])
    with pytest.raises(InputError):
        what_if({}, "no_such_rate", 0.5)


def test_the_table_is_data_an_analyst_can_edit(tmp_path):
    edited = tmp_path / "indicators.csv"
    text = INDICATORS_PATH.read_text(encoding="utf-8").replace(",2.1,", ",2.1-new,")
    lines = text.splitlines()
    lines = [line.replace(",20,1.00,", ",25,1.00,") if ",2.1-new," in line else line for line in lines]
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = load_indicators(edited)
    scored = score_766({"progress_766_rate": 0.5}, table).set_index("code")
    assert scored.loc["2.1-new", "points"] == 12.5  # 25 × 0,5


def test_bad_table_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "group_code,group_name,code,name,max_points,threshold,confidence,rate_column,note\n"
        "1,G,1.1,X,6,1.5,confirmed,,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_indicators(bad)
    assert info.value.column == "threshold"


def test_satisfaction_proxy_counts_ratings_only_through_the_complaint_column():
    """Indicator 5.3 (SPEC §3: 5.4): the table's note and the formula say the same thing.

    Four dossiers received 05/01 and resolved on their due date 20/01/2026, none late. Complaint flags F, F, F, T;
    ratings Không hài lòng, Không hài lòng, Hài lòng, none. Proxy = 1 − 0/4 − 1/4 = 0,75: the two «không hài
    lòng» ratings without a complaint flag do not lower it.
    """
    from cchc_analysis.rates import processing_rates

    day = pd.Timestamp("2026-01-20")
    frame = pd.DataFrame(
        {
            "received_at": [pd.Timestamp("2026-01-05")] * 4,
            "due_at": [day] * 4,
            "resolved_at": [day] * 4,
            "complaint": pd.array([False, False, False, True], dtype="boolean"),
            "satisfaction": pd.Categorical(
                ["dissatisfied", "dissatisfied", "satisfied", None],
                categories=["very_satisfied", "satisfied", "dissatisfied"],
            ),
        }
    )
    row = processing_rates(frame, "01/01/2026", "31/01/2026").iloc[0]
    assert row["satisfaction_766_rate"] == pytest.approx(0.75)
    assert row["satisfaction_rate"] == pytest.approx(1 / 3)  # the ratings feed this rate instead

    indicator = load_indicators().set_index("rate_column").loc["satisfaction_766_rate"]
    assert indicator["code"] == "5.3"
    note = indicator["note"]
    assert "cột complaint" in note and "cột satisfaction" in note and "không dùng" in note
    assert "5.4" in note  # the SPEC's number is named where the package's is


def test_scoring_reads_the_bundled_table_once(monkeypatch):
    """architecture.md: compute functions do no file I/O — the bundled table is read once, then reused."""
    from cchc_analysis import index766

    reads = []
    real = index766.load_indicators
    monkeypatch.setattr(index766, "load_indicators", lambda *a, **k: reads.append(1) or real(*a, **k))
    index766._bundled_table.cache_clear()
    try:
        for _ in range(3):
            score_766({"full_online_rate": 0.2})
        what_if({"full_online_rate": 0.2}, "3", 0.5)
        group_maxima()
    finally:
        index766._bundled_table.cache_clear()
    assert len(reads) == 1
    # a caller changing its copy does not change the table others score with
    table = index766.bundled_indicators()
    table.loc[table["code"] == "3", "max_points"] = 99.0
    assert index766.bundled_indicators().set_index("code").loc["3", "max_points"] == 12.0


def test_each_indicator_is_rounded_to_two_decimals_before_summing():
    # 2 × 0,19415/0,8 = 0,485… → 0,49 (not 0,485); 4 × 0,2028 = 0,8112 → 0,81; 6 × 0,6206 = 3,7236 → 3,72
    scored = score_766({"6.4": 0.19415, "6.2": 0.2028, "6.1": 0.6206}).set_index("code")
    assert scored.loc[["6.4", "6.2", "6.1"], "points"].tolist() == [0.49, 0.81, 3.72]
    group = summarise_766(score_766({"6.4": 0.19415, "6.2": 0.2028, "6.1": 0.6206})).set_index("group_code")
    assert group.loc["6", "points"] == pytest.approx(0.49 + 0.81 + 3.72)  # 5,02, not 5,0198…
    # a half at the 3rd decimal goes up: 6 × 0,38125 = 2,2875 → 2,29
    assert score_766({"5.2": 0.38125}).set_index("code").loc["5.2", "points"] == 2.29


def test_a_unit_without_petitions_gets_full_marks_on_petition_indicators():
    scored = score_766({"5.3": 0.45}, no_denominator=["5.1", "PETITION_HANDLING_SATISFACTION"])
    s = scored.set_index("code")
    assert s.loc["5.1", "points"] == 6.0 and s.loc["5.2", "points"] == 6.0
    assert s.loc["5.1", "rate_source"] == "no_denominator"
    # the classification rows carry 0 points and are not «unknown»
    assert s.loc["5.a", "points"] == 0.0 and s.loc["5.b", "points"] == 0.0
    group = summarise_766(scored).set_index("group_code").loc["5"]
    assert group["points"] == 15.0  # 6 + 6 + 6 × 0,45/0,9
    assert group["unknown_codes"] == ""


def test_a_denominator_zero_elsewhere_is_unknown_not_full_marks():
    s = score_766({}, no_denominator=["6.1", "ELECTRONIC_CERTIFIED_COPY"]).set_index("code")
    assert pd.isna(s.loc["6.1", "points"]) and not s.loc["6.1", "known"]  # no rule: unknown, never 0 or 6
    assert s.loc["6.3", "points"] == 2.0  # the portal gives 0/0 full marks here (Đắk Lắk 17/09/2026)
    with pytest.raises(InputError):
        score_766({}, no_denominator=["NOT_A_METRIC"])


def test_bundled_table_has_the_portal_metric_codes():
    table = load_indicators()
    real = pd.read_csv(REAL_INDICATORS, comment="#")
    real = real[real["metric_code"] != "GROUP"]  # a group score; GROUP rows of the table are whole groups
    pairs = set(zip(real["group"], real["metric_code"], strict=True))
    assert pairs <= set(zip(table["portal_group"], table["metric_code"], strict=True))
    assert table["max_points"].sum() == 100
    assert table.set_index("metric_code").loc["SO_HOA_GIAY_TO_GIAI_QUYET", "threshold"] == 1.0
