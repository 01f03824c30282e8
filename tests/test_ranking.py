"""Ranking trends: competition ranking, percentiles, changes said in words. Expected values worked by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cchc_analysis.errors import InputError
from cchc_analysis.ranking import (
    competition_rank,
    describe_change,
    percentile,
    rank_trend,
    ranks_side_by_side,
    read_ranking_snapshots,
)

NOTICE = Path(__file__).resolve().parents[1] / "data" / "notice_2026" / "ranking_snapshots.csv"


def snaps(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["date", "unit", "rank", "n_units"])


def test_competition_rank_shares_ties_and_skips():
    ranks = competition_rank(pd.Series([90.0, 85.0, 85.0, 80.0], index=list("abcd")))
    assert ranks.tolist() == [1, 2, 2, 4]
    assert ranks.index.tolist() == list("abcd")


def test_competition_rank_three_way_tie_missing_and_lower_is_better():
    ranks = competition_rank(pd.Series([70.0, 70.0, None, 70.0, 95.0]))
    assert ranks.tolist()[:2] == [2, 2]
    assert ranks.isna().tolist() == [False, False, True, False, False]
    assert ranks.tolist()[3:] == [2, 1]
    assert competition_rank(pd.Series([3.0, 1.0, 1.0]), higher_is_better=False).tolist() == [3, 1, 1]


def test_percentile_ends_and_single_unit():
    assert percentile(1, 114) == 1.0
    assert percentile(114, 114) == 0.0
    assert percentile(40, 114) == pytest.approx(74 / 113)
    assert pd.isna(percentile(1, 1))


def test_notice_fall_from_40_to_58_is_a_worsening():
    trend = rank_trend(read_ranking_snapshots(NOTICE))
    assert trend["rank"].tolist() == [40, 58]
    last = trend.iloc[-1]
    assert last["change_prev"] == -18  # 40 − 58: 18 places lost
    assert last["change_first"] == -18
    assert last["direction"] == "giảm 18 bậc (xấu đi)"
    assert last["percentile"] == pytest.approx(56 / 113)  # (114 − 58) / 113
    assert "xuống hạng 58/114 ngày 15/04/2026" in last["description"]
    assert "trước" not in last["direction"]


def test_single_snapshot():
    trend = rank_trend(snaps([("12/03/2026", "Đại Sơn", 40, 114)]))
    assert len(trend) == 1
    row = trend.iloc[0]
    assert pd.isna(row["change_prev"]) and pd.isna(row["change_first"])
    assert row["direction"] == "mốc đầu tiên"
    assert row["percentile"] == pytest.approx(74 / 113)


def test_changes_since_previous_and_first():
    trend = rank_trend(
        snaps(
            [
                ("2026-05-01", "X", 55, 114),
                ("2026-03-12", "X", 40, 114),
                ("2026-04-15", "X", 58, 114),
                ("2026-06-01", "X", 55, 114),
            ]
        )
    )
    assert trend["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-03-12",
        "2026-04-15",
        "2026-05-01",
        "2026-06-01",
    ]
    assert trend["change_prev"].tolist()[1:] == [-18, 3, 0]
    assert trend["change_first"].tolist()[1:] == [-18, -15, -15]
    assert trend["direction"].tolist()[1:] == ["giảm 18 bậc (xấu đi)", "tăng 3 bậc (cải thiện)", "giữ nguyên"]
    assert trend["direction_first"].iloc[-1] == "giảm 15 bậc (xấu đi)"


def test_ranks_from_scores_and_several_units_side_by_side():
    frame = pd.DataFrame(
        {
            "date": ["01/03/2026"] * 4 + ["01/04/2026"] * 4,
            "unit": ["A", "B", "C", "D"] * 2,
            "rank": [""] * 8,
            "n_units": [""] * 8,
            "total_score": ["90", "85", "85", "80", "88", "88", "91", "70"],
        }
    )
    trend = rank_trend(frame)
    wide = ranks_side_by_side(trend)
    # 1 March: 90 > 85 = 85 > 80 → 1, 2, 2, 4. 1 April: 91 > 88 = 88 > 70 → C 1, A 2, B 2, D 4
    assert wide.columns.tolist() == ["A", "B", "C", "D"]
    assert wide.iloc[0].tolist() == [1, 2, 2, 4]
    assert wide.iloc[1].tolist() == [2, 2, 1, 4]
    assert set(trend["n_units"]) == {4}
    c = trend[trend["unit"] == "C"].iloc[-1]
    assert c["change_prev"] == 1 and c["direction"] == "tăng 1 bậc (cải thiện)"


def test_given_rank_is_kept_beside_score_rank():
    frame = pd.DataFrame(
        {
            "date": ["2026-04-15"] * 2,
            "unit": ["A", "B"],
            "rank": [58, 12],
            "n_units": [114, 114],
            "total_score": [80.5, 88.0],
        }
    )
    trend = rank_trend(frame).set_index("unit")
    assert trend.loc["A", "rank"] == 58
    assert trend.loc["A", "rank_from_scores"] == 2


def test_describe_change():
    assert describe_change(-1) == "giảm 1 bậc (xấu đi)"
    assert describe_change(0) == "giữ nguyên"
    assert describe_change(pd.NA) == "mốc đầu tiên"


@pytest.mark.parametrize(
    ("rows", "column"),
    [
        ([("2026-04-15", "A", 120, 114)], "rank"),
        ([("2026-04-15", "A", 0, 114)], "rank"),
        ([("31/02/2026", "A", 1, 114)], "date"),
        ([("2026-04-15", "A", 1, 114), ("15/04/2026", "A", 2, 114)], "unit"),
        ([("2026-04-15", "", 1, 114)], "unit"),
    ],
)
def test_bad_snapshots_are_input_errors(rows, column):
    with pytest.raises(InputError) as info:
        rank_trend(snaps(rows))
    assert info.value.column == column


def test_missing_file(tmp_path):
    with pytest.raises(InputError):
        read_ranking_snapshots(tmp_path / "none.csv")
