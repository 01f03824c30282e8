"""Charts: one look, Vietnamese labels and numbers, the synthetic-data caption, no missing glyph.

The frames are small and hand-made so that every number on a chart can be checked by eye.
"""

from __future__ import annotations

import io
import warnings
from datetime import date

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cchc_analysis import charts
from cchc_analysis.rates import add_rates

# A missing glyph (a font without Vietnamese) is a UserWarning issued from the caller's frame, so the
# project-wide "matplotlib.*" filter does not see it: turn it into an error here.
pytestmark = pytest.mark.filterwarnings("error:Glyph:UserWarning")


def _counts(**columns) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    for c in frame.columns:
        if c not in ("field", "source_system", "channel", "month", "officer"):
            frame[c] = frame[c].astype("Int64")
    return frame


@pytest.fixture
def by_field() -> pd.DataFrame:
    # Hộ tịch: 100 in scope = 90 resolved (80 early, 6 on time, 4 late) + 10 pending (7 within, 3 overdue).
    # Đất đai: 20 in scope = 18 resolved (18 early) + 2 pending within.
    return add_rates(
        _counts(
            field=["Đất đai", "Hộ tịch"],
            in_scope=[20, 100],
            new=[20, 100],
            resolved=[18, 90],
            early=[18, 80],
            on_time=[0, 6],
            late=[0, 4],
            pending=[2, 10],
            pending_within=[2, 7],
            pending_overdue=[0, 3],
            full_online=[12, 25],
            partial_online=[8, 75],
            new_online=[20, 100],
            new_in_person_postal=[0, 0],
            carried_over=[0, 0],
        )
    )


@pytest.fixture
def by_month() -> pd.DataFrame:
    return add_rates(
        _counts(
            month=["2026-01", "2026-02", "2026-03", "2026-04"],
            in_scope=[100, 100, 100, 40],
            new=[100, 100, 100, 40],
            resolved=[100, 100, 100, 40],
            early=[95, 96, 97, 40],
            on_time=[5, 4, 3, 0],
            late=[0, 0, 0, 0],
            pending_within=[0, 0, 0, 0],
            pending_overdue=[0, 0, 0, 0],
            new_online=[100, 100, 100, 40],
            new_in_person_postal=[0, 0, 0, 0],
            full_online=[30, 30, 32, 12],
            partial_online=[70, 70, 68, 28],
        )
    )


def _texts(fig: Figure) -> list[str]:
    """Every string drawn on the figure: texts, titles, tick labels, legend entries."""
    with mpl.rc_context(charts.STYLE):
        fig.draw_without_rendering()  # tick labels exist only once drawn
    found = [t.get_text() for t in fig.findobj(mpl.text.Text)]
    return [t for t in found if t]


def _render(fig: Figure) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning while drawing (glyphs, layout) fails the test
        return fig.to_png(dpi=60)


def test_chart_is_a_figure_shown_as_png_of_a4_width(by_field):
    fig = charts.timeliness_chart(by_field, "field")
    assert isinstance(fig, Figure)
    data, meta = fig._repr_png_()
    assert data.startswith(b"\x89PNG")
    assert meta["width"] == round(charts.WIDTH * 96)  # fits the text width of an A4 page
    assert meta["height"] > 100


def test_synthetic_caption_only_when_synthetic(by_field):
    assert "Dữ liệu mô phỏng" in _texts(charts.timeliness_chart(by_field, "field", synthetic=True))
    assert "Dữ liệu mô phỏng" not in _texts(charts.timeliness_chart(by_field, "field", synthetic=False))


def test_timeliness_chart_labels_in_vietnamese_style(by_field):
    fig = charts.timeliness_chart(by_field, "field", synthetic=True)
    texts = _texts(fig)
    assert "Tiến độ giải quyết hồ sơ theo lĩnh vực" in texts
    assert {"Hộ tịch", "Đất đai"} <= set(texts)
    assert "80" in texts  # early dossiers of Hộ tịch, inside its bar
    assert "100  (quá hạn: 7)" in texts  # total, and 4 late + 3 pending overdue
    assert {"Giải quyết trước hạn", "Giải quyết đúng hạn", "Giải quyết quá hạn"} <= set(texts)
    assert {"Đang giải quyết, trong hạn", "Đang giải quyết, quá hạn"} <= set(texts)
    _render(fig)


def test_timeliness_chart_groups_the_small_groups():
    many = _counts(
        source_system=[f"Hệ thống {i}" for i in range(5)],
        in_scope=[50, 40, 30, 20, 10],
        early=[50, 40, 30, 20, 10],
        on_time=[0] * 5,
        late=[0] * 5,
        pending_within=[0] * 5,
        pending_overdue=[0] * 5,
    )
    texts = _texts(charts.timeliness_chart(many, "source_system", max_groups=3))
    assert "Các nhóm khác" in texts
    assert "60" in texts  # 30 + 20 + 10 added up in the last bar
    assert "Hệ thống 2" not in texts


def test_channel_chart_counts_and_shares():
    counts = _counts(
        channel=["full_online", "partial_online", "in_person", "postal"], new=[923, 2000, 150, 26]
    )
    texts = _texts(charts.channel_chart(counts, synthetic=True))
    assert {"Trực tuyến toàn trình", "Trực tuyến một phần", "Trực tiếp", "Bưu chính công ích"} <= set(texts)
    assert "923 hồ sơ · 29,78 %" in texts  # 923 / 3.099
    assert "2.000 hồ sơ · 64,54 %" in texts


def test_channel_chart_without_any_online_level_shows_no_zero_full_online():
    # 2 online dossiers whose level the file never gives, 3 in person: «0 hồ sơ toàn trình» would be a guess.
    counts = _counts(channel=["online", "in_person"], new=[2, 3])
    chart = charts.channel_chart(counts)
    texts = _texts(chart)
    assert "Trực tuyến toàn trình" not in texts and "Trực tuyến một phần" not in texts
    assert "2 hồ sơ · 40,00 %" in texts and "3 hồ sơ · 60,00 %" in texts
    assert charts.LEVEL_UNKNOWN_VI in " ".join(texts)


def test_rate_by_group_chart_of_an_unknown_rate_is_one_line(by_field):
    unknown = by_field.assign(full_online_rate=float("nan"))
    line = charts.rate_by_group_chart(unknown, "full_online_rate", "field")
    assert (
        str(line)
        == "Không có dữ liệu để tính tỷ lệ trực tuyến toàn trình theo nhóm nên biểu đồ này được bỏ qua."
    )


def test_rates_chart_against_100_percent_target_and_report(by_field):
    overall = add_rates(by_field.drop(columns="field").sum().to_frame().T.astype("Int64"))
    fig = charts.rates_chart(
        overall,
        ["on_time_rate", "full_online_rate"],
        targets={"full_online_rate": 0.5},
        reported={"full_online_rate": 0.2978},
    )
    texts = _texts(fig)
    # (80 + 18 + 6) / 108 = 96,30 %; 37 / 120 = 30,83 %
    assert "96,30 %" in texts
    assert "30,83 % · báo cáo 29,78 %" in texts
    assert "Mục tiêu 50 %" in texts
    assert "100 %" in texts  # the axis goes to 100 %
    _render(fig)


def test_rate_by_group_chart_with_target(by_field):
    texts = _texts(charts.rate_by_group_chart(by_field, "full_online_rate", "field", target=0.5))
    assert "Tỷ lệ trực tuyến toàn trình theo lĩnh vực" in texts
    assert {"60,0 %", "25,0 %", "Mục tiêu 50 %"} <= set(texts)


def test_counts_by_group_chart_where_overdue_dossiers_are(by_field):
    texts = _texts(charts.counts_by_group_chart(by_field, by="field"))
    assert "Hồ sơ quá hạn theo lĩnh vực" in texts
    assert "Hộ tịch" in texts and "Đất đai" not in texts  # Đất đai has none
    assert "7" in texts


def test_counts_by_group_chart_says_when_there_is_nothing():
    none = _counts(field=["Hộ tịch"], late=[0], pending_overdue=[0])
    assert "Không có hồ sơ nào" in _texts(charts.counts_by_group_chart(none, by="field"))


def test_monthly_trend_chart(by_month):
    fig = charts.monthly_trend_chart(by_month, targets={"full_online_rate": 0.5}, as_of=date(2026, 4, 13))
    texts = _texts(fig)
    assert {"T1/2026", "T3/2026", "T4/2026\n(đến 13/04)"} <= set(texts)
    assert "32,0 %" in texts  # 32 / 100 full-process online in March
    assert "Mục tiêu tỷ lệ trực tuyến toàn trình: 50 %" in texts
    _render(fig)


def test_rank_chart_inverted_axis_and_units():
    trend = pd.DataFrame(
        {
            "unit": ["Đại Sơn", "Đại Sơn"],
            "date": pd.to_datetime(["2026-03-12", "2026-04-15"]),
            "rank": pd.array([40, 58], dtype="Int64"),
            "n_units": pd.array([114, 114], dtype="Int64"),
            "direction_first": ["mốc đầu tiên", "giảm 18 bậc (xấu đi)"],
        }
    )
    fig = charts.rank_chart(trend)
    ax = fig.axes[0]
    assert ax.yaxis_inverted()  # rank 1 on top
    low, high = sorted(ax.get_ylim())
    assert low <= 1 and high >= 114  # the whole field of units is shown
    texts = _texts(fig)
    assert {"40/114", "58/114", "12/03/2026", "15/04/2026", "114"} <= set(texts)
    assert any("giảm 18 bậc" in t for t in texts)
    assert any("114 đơn vị" in t for t in texts)
    _render(fig)


def test_rank_chart_without_snapshots():
    assert "Chưa có số liệu xếp hạng" in _texts(charts.rank_chart(None))


def test_target_path_chart_months_left(by_month):
    progress = pd.DataFrame(
        [
            {
                "metric": "full_online_rate",
                "target": 0.5,
                "period": "2026-Q2",
                "months_remaining": 3,
                "needed_per_month": 50,
                "monthly_volume": 100.0,
                "last_day": date(2026, 6, 30),
                "days_left": 78,
            }
        ]
    )
    fig = charts.target_path_chart(by_month, progress, as_of="13/04/2026", synthetic=True)
    texts = _texts(fig)
    assert "Lộ trình đến mục tiêu tỷ lệ trực tuyến toàn trình 50 %" in texts
    assert "cần 50 %" in texts
    assert {"T5/2026", "T6/2026", "T4/2026\n(đến 13/04)"} <= set(texts)
    assert any("Còn 3 tháng" in t and "còn 78 ngày (hạn cuối 30/06/2026)" in t for t in texts)
    assert "Dữ liệu mô phỏng" in texts
    _render(fig)


def test_target_path_chart_without_targets(by_month):
    assert "Chưa có mục tiêu nào" in _texts(charts.target_path_chart(by_month, pd.DataFrame()))


def test_index766_chart_with_what_if():
    summary = pd.DataFrame(
        {
            "group_code": ["2", "3", "total"],
            "group_name": ["Tiến độ giải quyết", "Dịch vụ công trực tuyến", "Tổng"],
            "max_points": [20.0, 12.0, 32.0],
            "known_max_points": [20.0, 12.0, 32.0],
            "points": [20.0, 7.15, 27.15],
        }
    )
    what_if = {"code": "3", "points_gained": 4.85, "rate_after": 0.5}
    texts = _texts(charts.index766_chart(summary, what_if))
    assert "7,15/12  (+4,85 nếu đạt 50 %)" in texts
    assert any("27,15/32" in t for t in texts)


def test_processing_time_chart():
    times = pd.DataFrame(
        {"field": ["Hộ tịch"] * 4 + ["Đất đai"] * 2, "processing_days": [1, 2, 3, 4, 10, 12]}
    )
    texts = _texts(charts.processing_time_chart(times, "field"))
    assert "trung vị 2,5 ngày · 4 hồ sơ" in texts
    assert "trung vị 11,0 ngày · 2 hồ sơ" in texts


def test_style_uses_a_font_with_vietnamese_and_a_colour_blind_safe_palette():
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=charts.STYLE["font.sans-serif"]))
    assert "DejaVuSans" in path
    assert set(charts.COLOURS[k] for k in ("early", "late", "full_online")) <= set(charts.OKABE_ITO.values())


def test_a_missing_glyph_fails_the_test_run():
    """The guard itself: a font without the Vietnamese block makes drawing raise under the filter above."""
    fig = Figure()
    with mpl.rc_context({"font.family": "cmr10", "axes.formatter.use_mathtext": True}):
        fig.subplots().set_title("Hộ tịch")
        with pytest.raises(UserWarning, match="Glyph"):
            fig.savefig(io.BytesIO(), format="png")
