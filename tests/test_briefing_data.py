"""What a briefing computes from its parameters: periods cut at the data, previous periods, the notice's data."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from cchc_analysis import briefing_data, narrative
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import data_period
from cchc_analysis.periods import parse_period


class _Load:
    def __init__(self, title_lines, dossiers=None):
        self.title_lines = title_lines
        self.dossiers = (
            dossiers if dossiers is not None else pd.DataFrame({"received_at": pd.to_datetime([])})
        )


def test_declared_period_from_title_lines():
    load = _Load(["BÁO CÁO DANH SÁCH HỒ SƠ", "Từ ngày 01/04/2026 đến ngày 30/06/2026"])
    assert data_period(load).period == parse_period("2026-Q2")
    with pytest.raises(InputError):  # no title, no dossier: no period
        data_period(_Load(["BÁO CÁO"]))


def test_effective_period_stops_where_the_data_stop():
    frame = pd.DataFrame(
        {
            "received_at": pd.to_datetime(["2026-04-01", "2026-04-10"]),
            "resolved_at": pd.to_datetime(["2026-04-13", None]),
        }
    )
    cut = data_period(_Load([], frame), parse_period("2026-Q2")).period
    assert (cut.start, cut.end, cut.label) == (date(2026, 4, 1), date(2026, 4, 13), "2026-Q2")
    assert data_period(_Load([], frame), parse_period("2026-Q1")).period == parse_period("2026-Q1")


def test_blank_parameter_means_the_bundled_sample():
    assert briefing_data.resolve_path("", briefing_data.BUNDLED_DOSSIERS) == briefing_data.BUNDLED_DOSSIERS
    with pytest.raises(InputError):
        briefing_data.resolve_path("/khong/co.csv", briefing_data.BUNDLED_DOSSIERS)


def test_rate_targets_by_period():
    targets = pd.DataFrame(
        [
            {
                "kind": "target",
                "metric": "full_online_rate",
                "value": 0.5,
                "period_start": date(2026, 4, 1),
                "period_end": date(2026, 6, 30),
            },
            {
                "kind": "deadline",
                "metric": pd.NA,
                "value": float("nan"),
                "period_start": pd.NA,
                "period_end": pd.NA,
            },
        ]
    )
    assert briefing_data.rate_targets(targets) == {"full_online_rate": 0.5}
    assert briefing_data.rate_targets(targets, parse_period("2026-Q2")) == {"full_online_rate": 0.5}
    assert briefing_data.rate_targets(targets, parse_period("2026-Q1")) == {}


def test_quarter_of_the_bundled_sample_compares_with_the_previous_quarter():
    q = briefing_data.quarter_data("2026-Q2")
    assert q.counted.end == date(2026, 4, 13) and not q.complete  # the sample stops on 13/04/2026
    assert q.previous == parse_period("2026-Q1")
    assert q.previous_rates is not None and "cùng tệp" in q.previous_source
    assert int(q.previous_rates["new"].iloc[0]) + int(q.rates["new"].iloc[0]) == 3099
    title = str(narrative.quarter_title(q))
    assert title.startswith("# Báo cáo tình hình giải quyết thủ tục hành chính — Xã Đại Sơn — Quý II/2026")
    assert "13/04/2026" in title and "Quý I/2026" in title
    assert "so với Quý I/2026" in str(narrative.quarter_highlights(q))


def test_first_quarter_has_no_previous_quarter_in_the_sample():
    q = briefing_data.quarter_data("2026-Q1")
    assert q.complete and q.previous_rates is None
    assert "Không có số liệu Quý IV/2025" in str(narrative.quarter_title(q))


def test_a_quarter_without_data_is_an_input_error():
    with pytest.raises(InputError, match="Quý III/2026"):
        briefing_data.quarter_data("2026-Q3")


def test_inspection_data_is_the_notice():
    d = briefing_data.inspection_data(today=date(2026, 4, 21))
    assert (d.period.start, d.period.end) == (date(2026, 1, 1), date(2026, 4, 13))  # as the export declares
    row = d.rates.iloc[0]
    assert (int(row["in_scope"]), int(row["early"]), int(row["resolved"])) == (3099, 3067, 3080)
    assert d.synthetic
    # indicator 3: 12 points at the 50 % threshold; today 923/3099 full-process online → 7,148… → 7,15 (each
    # indicator rounded to 2 decimals, as the portal does); after: the threshold met, 12
    assert d.what_if["points_gained"] == pytest.approx(12 - 7.15, abs=1e-9)
    r11 = d.findings.set_index("id").loc["R11"]
    assert (
        r11["last_day"] == date(2026, 6, 29)
        and r11["days_left_at_cutoff"] == 77
        and r11["days_left_today"] == 69
    )
    text = str(narrative.inspection_highlights(d))
    assert "**3.099**" in text and "3.067/3.080" in text and "**99,6 %**" in text and "**29,78 %**" in text
    assert "40/114" in str(narrative.rank_fall(d.trend)) and "58/114" in str(narrative.rank_fall(d.trend))
    assert "giảm 18 bậc" in str(narrative.rank_fall(d.trend))
    assert "Chưa ước tính được thứ hạng mới" in str(narrative.what_if_summary(d.what_if))
    source = str(narrative.data_source(d.load))
    assert "Dữ liệu mô phỏng" in source and "hiệu chỉnh cho khớp" in source  # the calibrated sample


def test_legal_basis_is_data():
    text = str(narrative.legal_basis(briefing_data.read_legal_basis()))
    assert "Kế hoạch số 63/KH-UBND ngày 25/02/2026" in text
    assert "Quyết định số 766/QĐ-TTg ngày 23/06/2022" in text
