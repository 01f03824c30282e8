"""Ranking trends of many units: the real province file, unchanged snapshots, ties, league table, what it takes."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from cchc_analysis.errors import InputError
from cchc_analysis.ranking import (
    NO_UPDATE_VI,
    PROVINCE_RANKING,
    league_table,
    rank_trend,
    read_province_ranking,
    read_ranking_snapshots,
    snapshot_updates,
    what_it_takes,
)

HAI_PHONG = "UBND Thành phố Hải Phòng"


def _scores(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """(date, unit, total score); ranks come from the scores."""
    return pd.DataFrame(
        {
            "date": [r[0] for r in rows],
            "unit": [r[1] for r in rows],
            "rank": [None] * len(rows),
            "n_units": [None] * len(rows),
            "total_score": [r[2] for r in rows],
        }
    )


def test_real_province_file_reads_with_the_snapshot_reader():
    snaps = read_province_ranking()
    assert len(snaps) == 204 and snaps["unit"].nunique() == 34
    assert set(snaps["n_units"]) == {34}
    hp = snaps[(snaps["unit"] == HAI_PHONG) & (snaps["date"] == "2026-10-05")].iloc[0]
    assert (hp["unit_code"], hp["rank"], hp["total_score"]) == ("H24", 3, 66.7)
    # the six group scores add up to the total (README: in all 204 rows)
    groups = snaps[[f"score_{i}" for i in range(1, 7)]].sum(axis=1)
    assert (groups - snaps["total_score"]).abs().max() < 0.005
    # the crawler's ranks are competition ranks on the total: recomputing them gives the same
    trend = rank_trend(snaps)
    assert (trend["rank"] == trend["rank_from_scores"]).all()
    assert "score_delta" not in trend.columns  # not a group score
    assert snaps.equals(read_ranking_snapshots(PROVINCE_RANKING))


def test_the_real_unchanged_day_is_no_update_not_a_change():
    trend = rank_trend(read_province_ranking())
    updates = snapshot_updates(read_province_ranking())
    assert updates[pd.Timestamp("2026-10-07")] == False  # noqa: E712  07/10 repeats 06/10
    assert updates.drop(pd.Timestamp("2026-10-07")).all()
    day7 = trend[trend["date"] == "2026-10-07"]
    assert (day7["direction"] == NO_UPDATE_VI).all()
    assert day7["description"].str.contains("không cập nhật").all()


def test_unchanged_snapshot_hand_made():
    rows = [("01/10/2026", "A", 70.0), ("01/10/2026", "B", 60.0)]
    rows += [("02/10/2026", "A", 70.0), ("02/10/2026", "B", 60.0)]  # identical: no update
    rows += [("03/10/2026", "A", 70.0), ("03/10/2026", "B", 60.5)]  # B's score moved, ranks did not
    trend = rank_trend(_scores(rows))
    by_day = trend[trend["unit"] == "B"].set_index(trend[trend["unit"] == "B"]["date"].dt.day)
    assert by_day.loc[2, "updated"] == False  # noqa: E712
    assert by_day.loc[2, "direction"] == NO_UPDATE_VI
    assert by_day.loc[3, "updated"] == True  # noqa: E712
    assert by_day.loc[3, "direction"] == "giữ nguyên"


def test_ties_share_the_best_rank_and_the_next_is_skipped():
    rows = [("01/10/2026", u, s) for u, s in (("A", 80), ("B", 75), ("C", 75), ("D", 70))]
    league = league_table(rank_trend(_scores(rows)))
    assert league[["unit", "rank"]].values.tolist() == [["A", 1], ["B", 2], ["C", 2], ["D", 4]]


def test_league_table_changes_best_and_worst():
    rows = [("01/10/2026", "A", 80), ("01/10/2026", "B", 70), ("01/10/2026", "C", 60)]
    rows += [("02/10/2026", "A", 65), ("02/10/2026", "B", 70), ("02/10/2026", "C", 66)]
    rows += [("03/10/2026", "A", 90), ("03/10/2026", "B", 70), ("03/10/2026", "C", 66)]
    trend = rank_trend(_scores(rows))
    day2 = league_table(trend, "02/10/2026").set_index("unit")
    assert day2.loc["A", ["rank", "change_prev", "best_rank", "worst_rank"]].tolist() == [3, -2, 1, 3]
    assert day2.loc["C", ["rank", "change_prev", "change_first"]].tolist() == [2, 1, 1]
    day3 = league_table(trend, "03/10/2026").set_index("unit")
    assert day3.loc["A", ["rank", "change_prev", "change_first", "best_rank", "worst_rank"]].tolist() == [
        1,
        2,
        0,
        1,
        3,
    ]
    assert len(league_table(trend)) == 9  # every snapshot, any number of units and dates


def test_what_it_takes_next_rank_top_and_cheapest_group():
    # 12 units; X at 60 is 12th; 11th has 61,5; the 10th best of the others has 62
    scores = [70, 69, 68, 67, 66, 65, 64, 63, 62.5, 62, 61.5]
    frame = _scores([("01/10/2026", f"U{i}", s) for i, s in enumerate(scores)] + [("01/10/2026", "X", 60.0)])
    # X's group scores: transparency 18/18 (no room), payment 4/10, the others mid
    for col, values in {
        "score_1": 18.0,
        "score_2": 15.0,
        "score_3": 6.0,
        "score_4": 4.0,
        "score_5": 9.0,
        "score_6": 8.0,
    }.items():
        frame[col] = [float("nan")] * len(scores) + [values]
    trend = rank_trend(frame)
    r = what_it_takes(trend, "X", top=10)
    assert (r["rank"], r["points_to_next"], r["next_rank"]) == (12, 1.5, 11)  # a tie at 61,5 shares rank 11
    assert r["points_to_top"] == 2.0  # 62 − 60: tying the 10th best of the others gives rank 10
    groups = r["groups"].set_index("group_code")
    assert pd.isna(groups.loc["1", "rate_rise_next"])  # no room in a full group
    # payment: Σ max/threshold = 2/0,8 + 2/0,8 + 6/1 = 11 → 1,5 points need a rise of 1,5/11
    assert groups.loc["4", "rate_rise_next"] == pytest.approx(1.5 / 11)
    # digitized: 6 + 4 + 2 + 2/0,8 + 4 + 2 + 2 = 22,5 → the cheapest confirmed group
    assert groups.loc["6", "rate_rise_next"] == pytest.approx(1.5 / 22.5)
    # online service (12/0,5 = 24) would be cheaper, but its threshold is inferred: the confirmed cheapest wins
    assert (
        groups.loc["3", "rate_rise_next"] == pytest.approx(1.5 / 24) and groups.loc["3", "threshold_inferred"]
    )
    assert r["cheapest_next"] == "6"
    assert "1,50 điểm để lên hạng 11" in r["message"]
    top = what_it_takes(trend, "U0")
    assert top["points_to_next"] is None and "đứng đầu" in top["message"]


def _tick_boxes(fig, axis) -> list:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    return [t.get_window_extent(renderer) for t in axis.get_yticklabels() if t.get_text()]


def test_bump_chart_of_34_provinces_labels_never_overlap():
    from cchc_analysis.charts import bump_chart

    trend = rank_trend(read_province_ranking())
    fig = bump_chart(trend, HAI_PHONG)
    right = fig.axes[1]  # the unit labels
    boxes = sorted(_tick_boxes(fig, right), key=lambda b: b.y0)
    assert len(boxes) == 34
    assert all(a.y1 <= b.y0 for a, b in itertools.pairwise(boxes))  # no two labels overlap
    labels = {t.get_text(): t for t in right.get_yticklabels()}
    assert labels["3. Hải Phòng"].get_fontweight() == "bold"
    # tied units (Quảng Ninh and Tây Ninh, 5th on 05/10) still get one line each on the last day
    assert "5. Tây Ninh" in labels and "6. Quảng Ninh" in labels
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[2] == "07/10/2026\n(không cập nhật)" and "cập nhật" not in ticks[1]


def test_bump_chart_with_ties_on_the_last_day_and_group_multiples():
    from cchc_analysis.charts import bump_chart, group_scores_chart

    rows = [("01/10/2026", u, s) for u, s in (("A", 80), ("B", 75), ("C", 75), ("D", 70))]
    rows += [("02/10/2026", u, s) for u, s in (("A", 70), ("B", 75), ("C", 75), ("D", 80))]
    fig = bump_chart(rank_trend(_scores(rows)), "C")
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == ["1. D", "2. B", "2. C", "4. A"]
    snaps = read_province_ranking()
    multiples = group_scores_chart(rank_trend(snaps), HAI_PHONG)
    titles = [ax.get_title(loc="left") for ax in multiples.axes if ax.get_title(loc="left")]
    assert titles[0] == "Công khai, minh bạch\n(tối đa 18 điểm)" and len(titles) == 6


def test_ranking_briefing_figures_and_the_inspection_paragraph():
    from cchc_analysis import ranking_briefing
    from cchc_analysis.briefing_data import RANKING_SNAPSHOTS, unit_trend

    r = ranking_briefing.ranking_data()  # default: the real file, Hải Phòng
    assert r.unit == HAI_PHONG and r.n_units == 34 and r.no_update == [pd.Timestamp("2026-10-07")]
    assert ranking_briefing.ranking_data(unit="đắk lắk").unit == "UBND tỉnh Đắk Lắk"
    profile = r.profile.set_index("group")
    assert profile.loc["Số hóa hồ sơ", ["unit", "max_points"]].tolist() == [10.69, 22.0]
    assert profile["max_points"].sum() == 100
    text = ranking_briefing.rank_summary(r).text
    assert "hạng 3/34" in text and "0,30 điểm để lên hạng 2" in text  # 67,48 − 67,18
    assert "Số liệu thật" in ranking_briefing.source_note(r).text
    commune = unit_trend(RANKING_SNAPSHOTS, None)
    paragraph = ranking_briefing.province_context(commune, "Xã Đại Sơn").text
    assert "40/114" in paragraph and "58/114" in paragraph and "hạng 3/34" in paragraph
    assert (
        ranking_briefing.province_context(commune, "Xã Tân Lập") is None
    )  # another unit's province is unknown
    with pytest.raises(InputError):
        ranking_briefing.ranking_data(unit="UBND")  # many units match: say so, do not guess


def test_ranking_briefing_is_real_data_only(tmp_path):
    from cchc_analysis import briefing

    result = briefing.build_briefing(
        notebook=briefing.RANKING_NOTEBOOK, out_dir=tmp_path, progress=lambda _: None, browser=None
    )
    import json

    stamp = json.loads(result.stamp.read_text(encoding="utf-8"))
    assert stamp["synthetic"] is False
    assert [i["role"] for i in stamp["inputs"]] == ["ranking"]  # no dossier file read
    html = result.html.read_text(encoding="utf-8")
    assert "Số liệu thật" in html and "Hải Phòng" in html and "Dữ liệu mô phỏng ·" not in html
