"""Briefing tables: Vietnamese headers and number style, synthetic caption, the notice's figures beside the data."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from cchc_analysis import briefing_data, report_tables
from cchc_analysis.rates import add_rates


def _counts(**columns) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    for c in frame.columns:
        if c != "field":
            frame[c] = frame[c].astype("Int64")
    return frame


def test_table_html_escapes_aligns_and_captions():
    frame = pd.DataFrame(
        {"field": ["<b>Hộ tịch</b>"], "in_scope": pd.array([3099], dtype="Int64"), "on_time_rate": [0.996]}
    )
    t = report_tables.table(frame, caption="Bảng 1", synthetic=True)
    html = t._repr_html_()
    assert "&lt;b&gt;Hộ tịch&lt;/b&gt;" in html  # text is escaped
    assert '<th class="cchc-text">Lĩnh vực</th>' in html
    assert "<td>3.099</td>" in html and "<td>99,6 %</td>" in html
    assert 'Bảng 1 — <span class="cchc-synthetic-caption">Dữ liệu mô phỏng</span>' in html
    assert "Dữ liệu mô phỏng" in repr(t)
    assert t.data is frame  # the raw numbers stay available


def test_timeliness_table_largest_first_with_total():
    counts = add_rates(
        _counts(
            field=["Đất đai", "Hộ tịch"],
            in_scope=[20, 100],
            resolved=[18, 90],
            early=[18, 80],
            on_time=[0, 6],
            late=[0, 4],
            pending=[2, 10],
            pending_within=[2, 7],
            pending_overdue=[0, 3],
        )
    )
    t = report_tables.timeliness_table(counts, "field")
    assert t.shown["Lĩnh vực"].tolist() == ["Hộ tịch", "Đất đai", "Tổng cộng"]
    assert t.shown["Tổng số"].tolist() == ["100", "20", "120"]
    assert t.shown["Quá hạn"].tolist() == ["4", "0", "4"]
    # (80 + 6) / 90 = 95,6 %; (98 + 6) / 108 = 96,3 %
    assert t.shown["Đúng và trước hạn"].tolist() == ["95,6 %", "100,0 %", "96,3 %"]
    assert t.row_classes[-1] == "cchc-total"


def test_period_comparison_counts_in_percent_rates_in_points():
    current = add_rates(_counts(new=[110], in_scope=[110], resolved=[100], early=[90], on_time=[5], late=[5]))
    previous = add_rates(
        _counts(new=[100], in_scope=[100], resolved=[100], early=[95], on_time=[5], late=[0])
    )
    t = report_tables.period_comparison_table(
        current,
        previous,
        current_label="Quý II/2026",
        previous_label="Quý I/2026",
        counts=("new",),
        rates=("on_time_rate",),
    )
    assert t.shown.values.tolist() == [
        ["Tiếp nhận mới trong kỳ", "110", "100", "+10,0 %"],
        ["Tỷ lệ giải quyết đúng và trước hạn", "95,0 %", "100,0 %", "-5,0 điểm %"],
    ]
    partial = report_tables.period_comparison_table(
        current,
        previous,
        current_label="a",
        previous_label="b",
        counts=("new",),
        rates=(),
        compare_counts=False,
    )
    assert partial.shown["Thay đổi"].tolist() == ["–"] and "chưa trọn" in partial.note


def test_period_comparison_without_previous():
    current = add_rates(_counts(new=[110], resolved=[10], early=[10], on_time=[0], late=[0]))
    t = report_tables.period_comparison_table(
        current, None, current_label="a", previous_label="b", counts=("new",), rates=("on_time_rate",)
    )
    assert t.shown["b"].tolist() == ["–", "–"]


@pytest.fixture(scope="module")
def notice():
    return briefing_data.inspection_data(today=date(2026, 4, 21))


def test_every_notice_figure_beside_the_data(notice):
    comparison = report_tables.figures_against_data(notice.figures, notice.rates, notice.trend)
    by_key = comparison.set_index("key")
    assert by_key.loc["received", ["printed", "computed_text"]].tolist() == ["3.099", "3.099"]
    assert by_key.loc["early_rate", ["printed", "computed_text"]].tolist() == ["99,6 %", "99,6 %"]
    assert by_key.loc["full_online_rate", ["printed", "computed_text"]].tolist() == ["29,78 %", "29,78 %"]
    assert by_key.loc["rank_2026_04_15", ["printed", "computed_text"]].tolist() == ["58/114", "58/114"]
    # What the data cannot confirm: 99,78 % is not attainable over 3.099, and 29,78 + 71,22 exceeds 100.
    assert by_key.loc["reuse_rate", "computed_text"] == "99,77 %"
    assert not by_key.loc["reuse_rate", "matches"]
    assert by_key.loc["partial_online_rate", "computed_text"] == "70,22 %"
    # Every figure the dossiers can give is recomputed; the ranks are read back from the notice, never a match.
    ranks = comparison["key"].str.startswith("rank_") | comparison["key"].eq("units_ranked")
    assert comparison.loc[~ranks, "matches"].notna().all()
    assert comparison.loc[ranks, "matches"].isna().all() and comparison.loc[ranks, "taken"].all()
    table = report_tables.figures_table(comparison, synthetic=True)
    assert set(table.shown["Kết quả"]) == {"Khớp", "Khác", report_tables.TAKEN_FROM_NOTICE}
    verdicts = dict(zip(comparison["key"], table.shown["Kết quả"], strict=True))
    recomputed = dict(zip(comparison["key"], table.shown["Tính lại"], strict=True))
    for key in ("rank_2026_03_12", "rank_2026_04_15", "units_ranked"):
        assert verdicts[key] == "Lấy từ thông báo, không tính lại được từ hồ sơ"
        assert recomputed[key] == report_tables.MISSING  # nothing shown as if recomputed
    assert recomputed["received"] == "3.099"
    classes = dict(zip(comparison["key"], table.row_classes, strict=True))
    assert classes["received"] == "cchc-status-ok" and classes["reuse_rate"] == "cchc-status-warning"


def test_identity_explanations_fill_the_gaps_from_the_data(notice):
    explained = report_tables.identity_explanations(notice.checks, notice.rates)
    gaps = {tuple(row["missing"]): row["counts"] for _, row in explained.iterrows()}
    assert gaps[("pending",)] == {"pending": 19}  # 3.099 − 3.080
    assert gaps[("on_time",)] == {"on_time": 11}  # 3.080 − 3.067 − 2
    assert any("19 hồ sơ đang giải quyết (trong hạn 19, quá hạn 0)" in t for t in explained["text"])


def test_reported_rates_for_charts(notice):
    rates = report_tables.reported_rates(notice.figures)
    assert rates["full_online_rate"] == pytest.approx(0.2978)
    assert rates["early_rate"] == pytest.approx(0.996)
    assert rates["online_rate"] == pytest.approx(1.0)


def test_checks_and_findings_tables(notice):
    checks = report_tables.checks_table(notice.checks)
    assert set(checks.shown["Kết quả"]) == {"Khớp", "Cần làm rõ", "Sai lệch"}
    recs = report_tables.findings_table(
        notice.findings,
        kind="recommendation",
        columns={"text": "Yêu cầu", "last_day": "Hạn cuối", "days_left_today": "Còn lại"},
    )
    row = recs.shown[recs.shown["Yêu cầu"].str.contains("trước ngày 30/6/2026")].iloc[0]
    assert row["Hạn cuối"] == "29/06/2026"  # "trước ngày 30/6" → last allowed day 29/6
    assert row["Còn lại"] == "còn 69 ngày"  # from 21/04/2026


def test_targets_and_index766_tables(notice):
    targets = report_tables.targets_table(notice.progress).shown.iloc[0]
    assert targets["Mục tiêu"] == "Tỷ lệ hồ sơ trực tuyến toàn trình ≥ 50 %"
    assert targets["Kỳ"] == "Quý II/2026"
    assert targets["Hạn"] == "30/06/2026"
    scores = report_tables.index766_table(notice.score_summary, synthetic=True).shown
    assert scores["Nhóm chỉ số"].iloc[-1] == "Tổng"
