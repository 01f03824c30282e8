"""What users type: periods in Vietnamese and as codes, grouping columns by their Vietnamese names (issue 14).

One reader (:func:`cchc_analysis.periods.parse_period`) serves the command line and the library.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from cchc_analysis.cli import main
from cchc_analysis.errors import InputError
from cchc_analysis.periods import Period, as_period, parse_period
from cchc_analysis.rates import by_column, count_dossiers, normalise_by, processing_rates

Q2 = (date(2026, 4, 1), date(2026, 6, 30), "2026-Q2")
APRIL = (date(2026, 4, 1), date(2026, 4, 30), "2026-04")
YEAR = (date(2026, 1, 1), date(2026, 12, 31), "2026")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-Q2", Q2),
        ("2026Q2", Q2),
        ("Q2/2026", Q2),
        ("q2-2026", Q2),
        ("Quý II/2026", Q2),
        ("QUÝ II/2026", Q2),
        ("Quý 2 năm 2026", Q2),
        ("quy 2/2026", Q2),  # typed without diacritics
        ("Quý IV/2025", (date(2025, 10, 1), date(2025, 12, 31), "2025-Q4")),
        ("2026-04", APRIL),
        ("04/2026", APRIL),
        ("4/2026", APRIL),
        ("tháng 4/2026", APRIL),
        ("Tháng 04 năm 2026", APRIL),
        ("T4/2026", APRIL),
        ("2026", YEAR),
        ("năm 2026", YEAR),
        ("Năm 2026", YEAR),
        ("01/04/2026..30/06/2026", Q2),  # a range that is a whole quarter is named so
        ("01/04/2026..13/04/2026", (date(2026, 4, 1), date(2026, 4, 13), "2026-04-01_2026-04-13")),
        ("01/04/2026 – 13/04/2026", (date(2026, 4, 1), date(2026, 4, 13), "2026-04-01_2026-04-13")),
        (
            "từ ngày 01/04/2026 đến ngày 13/04/2026",
            (date(2026, 4, 1), date(2026, 4, 13), "2026-04-01_2026-04-13"),
        ),
        ("2026-04-01_2026-04-13", (date(2026, 4, 1), date(2026, 4, 13), "2026-04-01_2026-04-13")),  # a label
        ("13/04/2026", (date(2026, 4, 13), date(2026, 4, 13), "2026-04-13_2026-04-13")),
    ],
)
def test_every_written_form_of_a_period(text, expected):
    p = parse_period(text)
    assert (p.start, p.end, p.label) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Quý 5/2026", "Không hiểu kỳ báo cáo"),
        ("2026-13", "Không có tháng 13"),
        ("tháng 13/2026", "Không có tháng 13"),
        ("30/06/2026..01/04/2026", "trước ngày bắt đầu"),
        ("01/04/2026 và 02/04/2026 và 03/04/2026", "Không hiểu kỳ báo cáo"),
        ("tuần 15", "Không hiểu kỳ báo cáo"),
    ],
)
def test_what_is_not_a_period_is_refused_in_vietnamese(text, fragment):
    with pytest.raises(InputError, match=fragment):
        parse_period(text)


def test_the_label_in_vietnamese_round_trips():
    assert parse_period(parse_period("Q2/2026").label_vi) == parse_period("2026-Q2")
    assert parse_period(parse_period("04/2026").label_vi) == parse_period("2026-04")


def test_as_period_takes_what_the_command_line_takes():
    q2 = Period(date(2026, 4, 1), date(2026, 6, 30), "2026-Q2")
    assert as_period("Quý II/2026") == as_period("01/04/2026", "30/06/2026") == as_period(q2) == q2
    assert as_period(date(2026, 4, 1), pd.Timestamp("2026-06-30")) == q2
    assert as_period(pd.Timestamp("2026-04-13")).days == 1
    with pytest.raises(InputError):
        as_period(q2, "30/06/2026")


def dossiers() -> pd.DataFrame:
    # Two in April (one on time, one late), one in May still pending, one in July (outside Q2).
    return pd.DataFrame(
        {
            "received_at": pd.to_datetime(["2026-04-02", "2026-04-10", "2026-05-05", "2026-07-01"]),
            "due_at": pd.to_datetime(["2026-04-05", "2026-04-12", "2026-05-30", "2026-07-03"]),
            "resolved_at": pd.to_datetime(["2026-04-05", "2026-04-15", None, "2026-07-02"]),
            "field": pd.array(["Hộ tịch", "Đất đai", "Hộ tịch", "Hộ tịch"], dtype="string"),
        }
    )


def test_library_takes_period_strings_as_the_command_line_does():
    d = dossiers()
    expected = processing_rates(d, "01/04/2026", "30/06/2026")
    assert int(expected.loc[0, "in_scope"]) == 3 and int(expected.loc[0, "late"]) == 1
    for written in ("2026-Q2", "Quý II/2026", "Q2/2026", parse_period("2026-Q2")):
        pd.testing.assert_frame_equal(processing_rates(d, written), expected)
    april = count_dossiers(d, "tháng 4/2026")
    assert int(april.loc[0, "in_scope"]) == 2


@pytest.mark.parametrize(
    ("typed", "column"),
    [
        ("field", "field"),
        ("Lĩnh vực", "field"),
        ("lĩnh vực", "field"),
        ("linh vuc", "field"),
        ("LinhVuc", "field"),
        ("Tháng", "month"),
        ("Quý", "quarter"),
        ("quy", "quarter"),
        ("Hệ thống", "source_system"),
        ("Đơn vị", "unit"),
        ("Kênh thực hiện", "channel"),
        ("Thủ tục hành chính", "procedure"),
        ("Cán bộ xử lý", "officer"),
        ("a_column_of_mine", "a_column_of_mine"),
    ],
)
def test_grouping_columns_by_their_vietnamese_names(typed, column):
    assert by_column(typed) == column


def test_grouping_with_vietnamese_names_equals_canonical():
    d = dossiers()
    assert normalise_by(["Lĩnh vực, Tháng", "field"]) == ["field", "month"]
    pd.testing.assert_frame_equal(
        count_dossiers(d, "Quý II/2026", by="Lĩnh vực, Tháng"), count_dossiers(d, "2026-Q2", by="field,month")
    )


def test_cli_takes_vietnamese_by_and_period(tmp_path, capsys):
    path = tmp_path / "ho_so.csv"
    dossiers().assign(dossier_id=["A", "B", "C", "D"]).to_csv(path, index=False)
    outputs = []
    for by, period in (
        ("field", "2026-Q2"),
        ("Lĩnh vực", "Quý II/2026"),
        ("linh vuc", "từ ngày 01/04/2026 đến ngày 30/06/2026"),
    ):
        assert main(["kpis", str(path), "--by", by, "--period", period, "--format", "json"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1] == outputs[2]
    groups = {g["key"]["field"]: g["counts"]["in_scope"] for g in outputs[0]["groups"]}
    assert groups == {"Hộ tịch": 2, "Đất đai": 1}
