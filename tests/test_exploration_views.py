"""Statistical views of the exploration notebook: each a tidy frame and a seaborn chart in the package's style.

Frames are hand-made; every expected number can be checked on a 2026 calendar (Tết 16–20/02, 30/04–01/05).
"""

from __future__ import annotations

import warnings
from datetime import date

import matplotlib as mpl
import pandas as pd
import pytest

from cchc_analysis import charts, exploration
from cchc_analysis.narrative import absent_section
from cchc_analysis.periods import Period

pytestmark = pytest.mark.filterwarnings("error:Glyph:UserWarning")

YEAR = (Period(date(2026, 1, 1), date(2026, 12, 31), "2026"),)


def _texts(fig) -> list[str]:
    with mpl.rc_context(charts.STYLE):
        fig.draw_without_rendering()
    return [t.get_text() for t in fig.findobj(mpl.text.Text) if t.get_text()]


def _render(fig) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph or any drawing warning fails
        return fig.to_png(dpi=60)


def _dossiers() -> pd.DataFrame:
    # A: Fri 13/02 → due Fri 27/02 (5 working days), resolved Mon 23/02 (1 working day), online.
    # B: Wed 29/04 → due Mon 04/05 (1), resolved Tue 05/05 (2, late), at the counter.
    # C: Mon 02/02 08:10 → due Wed 04/02 (2), resolved Tue 03/02 (1), online.
    return pd.DataFrame(
        {
            "dossier_id": ["A", "B", "C"],
            "field": ["Hộ tịch", "Đất đai", "Hộ tịch"],
            "officer": ["Công chức 01", "Công chức 02", "Công chức 01"],
            "unit": ["Xã An", "Xã Bình", "Xã An"],
            "channel": ["full_online", "in_person", "partial_online"],
            "received_at": pd.to_datetime(["2026-02-13 09:30", "2026-04-29 14:05", "2026-02-02 08:10"]),
            "due_at": pd.to_datetime(["2026-02-27 17:00", "2026-05-04 17:00", "2026-02-04 17:00"]),
            "resolved_at": pd.to_datetime(["2026-02-23 09:00", "2026-05-05 10:00", "2026-02-03 10:00"]),
        }
    )


def test_working_time_distribution_actual_next_to_statutory():
    view = exploration.working_time_distribution(_dossiers(), *YEAR, synthetic=True)
    frame, chart = view
    got = frame.groupby(["field", "measure"])["working_days"].apply(list).to_dict()
    assert got == {
        ("Hộ tịch", charts.ACTUAL_TIME_VI): [1, 1],
        ("Hộ tịch", charts.STATUTORY_TIME_VI): [5, 2],
        ("Đất đai", charts.ACTUAL_TIME_VI): [2],
        ("Đất đai", charts.STATUTORY_TIME_VI): [1],
    }
    assert frame["field"].iloc[0] == "Hộ tịch"  # the largest group first
    texts = _texts(chart)
    assert "Dữ liệu mô phỏng" in texts
    assert any("ngày làm việc" in t for t in texts)
    _render(chart)


def test_a_view_without_its_column_is_one_line():
    view = exploration.working_time_distribution(_dossiers().drop(columns="field"), *YEAR)
    assert view.chart is None and view.frame.empty
    assert str(view.note) == str(absent_section("field"))
    assert view._repr_markdown_() and view._repr_png_() is None
    assert exploration.officer_heatmap(_dossiers().drop(columns="officer"), *YEAR).chart is None
    assert exploration.monthly_by_group(_dossiers().drop(columns="unit"), *YEAR).chart is None


def test_rate_heatmap_cells_by_field_and_month():
    frame, chart = exploration.rate_heatmap(_dossiers(), *YEAR)
    cells = {
        (f, m, r): v for f, m, r, v in frame[["field", "month", "rate", "value"]].itertuples(index=False)
    }
    assert cells[("Hộ tịch", "2026-02", "on_time_rate")] == 1.0  # A and C, both early
    assert cells[("Hộ tịch", "2026-02", "full_online_rate")] == 0.5  # A of A, C
    assert cells[("Đất đai", "2026-04", "on_time_rate")] == 0.0  # B (month of receipt), a working day late
    assert "Dữ liệu mô phỏng" not in _texts(chart)
    assert {"Hộ tịch", "Đất đai", "T2/2026"} <= set(_texts(chart))
    _render(chart)


def test_rate_heatmap_leaves_out_a_rate_the_file_cannot_give():
    view = exploration.rate_heatmap(_dossiers().drop(columns="channel"), *YEAR)
    texts = _texts(view.chart)
    assert not any("Trực tuyến toàn trình" in t for t in texts)  # no panel of unknown cells, never 0 %
    assert any("Không tính được tỷ lệ trực tuyến toàn trình" in t for t in texts)


def test_officer_heatmap_shows_pseudonyms_only():
    frame, chart = exploration.officer_heatmap(_dossiers(), *YEAR, synthetic=True)
    assert set(frame["officer"]) == {"Công chức 01", "Công chức 02"}
    assert any("ẩn danh" in t for t in _texts(chart))
    _render(chart)


def test_receipt_pattern_by_weekday_and_hour():
    frame, chart = exploration.receipt_pattern(_dossiers(), *YEAR)
    rows = frame[["channel_group", "weekday_name", "hour", "dossiers"]].values.tolist()
    assert rows == [
        [exploration.ONLINE_GROUP_VI, "Thứ Hai", 8, 1],  # C, Mon 02/02 08:10
        [exploration.ONLINE_GROUP_VI, "Thứ Sáu", 9, 1],  # A, Fri 13/02 09:30
        [exploration.COUNTER_GROUP_VI, "Thứ Tư", 14, 1],  # B, Wed 29/04 14:05
    ]
    _render(chart)


def test_receipt_pattern_of_dates_without_hours_is_one_line():
    d = _dossiers()
    d["received_at"] = d["received_at"].dt.normalize()
    view = exploration.receipt_pattern(d, *YEAR)
    assert view.chart is None and "không ghi giờ" in str(view.note)


def test_one_unit_highlighted_among_thirty():
    units = [f"Xã {i:02d}" for i in range(1, 31)]
    rows = []
    for i, unit in enumerate(units):
        for month, day in (("01", "05"), ("02", "02")):
            late = i == 6 and month == "02"  # Xã 07 resolves its February dossier late
            rows.append(
                {
                    "dossier_id": f"{unit}-{month}",
                    "unit": unit,
                    "received_at": pd.Timestamp(f"2026-{month}-{day} 08:00"),
                    "due_at": pd.Timestamp(f"2026-{month}-{day} 17:00") + pd.Timedelta(days=2),
                    "resolved_at": pd.Timestamp(f"2026-{month}-{day} 10:00")
                    + pd.Timedelta(days=5 if late else 1),
                }
            )
    frame, chart = exploration.monthly_by_group(pd.DataFrame(rows), *YEAR, highlight="Xã 07", synthetic=True)
    assert frame["unit"].nunique() == 30
    assert frame.set_index(["unit", "month"]).loc[("Xã 07", "2026-02"), "on_time_rate"] == 0.0
    titles = {ax.get_title(loc="left"): ax for ax in chart.axes if ax.get_title(loc="left")}
    assert set(titles) == set(units)
    assert titles["Xã 07"]._left_title.get_fontweight() == "bold"
    assert titles["Xã 07"]._left_title.get_color() == charts.COLOURS["late"]
    assert titles["Xã 08"]._left_title.get_fontweight() == "normal"
    assert "Dữ liệu mô phỏng" in _texts(chart)
    _render(chart)
