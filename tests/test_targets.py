"""Targets and deadlines: progress, what is still needed per month, days left. Numbers worked by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cchc_analysis.errors import InputError
from cchc_analysis.targets import (
    days_left,
    deadline_status,
    describe_days_left,
    load_targets,
    target_progress,
)

NOTICE = Path(__file__).resolve().parents[1] / "data" / "notice_2026" / "targets.csv"


def target(operator: str = ">=", value: float = 0.5, period: str = "2026-Q2") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "key": "full_online",
                "kind": "target",
                "label": "Tỷ lệ hồ sơ trực tuyến toàn trình",
                "metric": "full_online_rate",
                "operator": operator,
                "value": value,
                "period": period,
                "last_day": date(2026, 6, 30),
            }
        ]
    )


def months(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["month", "new", "full_online"])


Q1 = [("2026-01", 900, 270), ("2026-02", 930, 279), ("2026-03", 960, 288)]


def test_notice_targets_file():
    targets = load_targets(NOTICE).set_index("key")
    full = targets.loc["full_online_q2_2026"]
    assert (full["metric"], full["operator"], full["value"], full["period"]) == (
        "full_online_rate",
        ">=",
        0.5,
        "2026-Q2",
    )
    assert full["last_day"] == date(2026, 6, 30)
    report = targets.loc["remediation_report"]
    # "trước ngày 30/6/2026": the last allowed day is 29/6/2026
    assert report["deadline"] == date(2026, 6, 30)
    assert report["last_day"] == date(2026, 6, 29)
    assert targets["source"].notna().all()


def test_days_left_and_passed_deadline():
    # 21/4 → 30/6: 9 days left in April + 31 in May + 30 in June = 70
    assert days_left("30/06/2026", "21/04/2026") == 70
    assert days_left(date(2026, 6, 30), date(2026, 4, 21), due_before=True) == 69
    assert days_left("30/06/2026", "30/06/2026") == 0
    assert days_left("30/06/2026", "03/07/2026") == -3
    assert describe_days_left(-3) == "quá hạn 3 ngày"
    assert describe_days_left(0) == "hôm nay là hạn cuối"
    assert describe_days_left(5) == "còn 5 ngày"


def test_deadline_status_of_the_notice():
    status = deadline_status(load_targets(NOTICE), "01/07/2026").set_index("key")
    # last day 29/6 → on 1/7 two days overdue; the Q2 target's last day 30/6 → one day
    assert status.loc["remediation_report", "days_left"] == -2
    assert status.loc["remediation_report", "status"].startswith("quá hạn 2 ngày")
    assert status.loc["full_online_q2_2026", "days_left"] == -1


def test_progress_before_the_quarter_starts():
    row = target_progress(target(), months(Q1), "31/03/2026").iloc[0]
    # current: (270 + 279 + 288) / (900 + 930 + 960) = 837 / 2.790 = 0,30; gap 20 points
    assert row["current_value"] == pytest.approx(0.30)
    assert row["gap_pp"] == pytest.approx(20.0)
    assert not row["met"]
    # V = 2.790 / 3 = 930 a month, F = 837 / 3 = 279; 3 months remain; projected 2.790
    assert row["monthly_volume"] == 930 and row["monthly_numerator"] == 279
    assert row["months_remaining"] == 3
    # needed = ceil(0,5 × 2.790 − 0) = 1.395 → 465 a month, 186 more than now
    assert (row["needed_total"], row["needed_per_month"], row["extra_per_month"]) == (1395, 465, 186)
    assert "465 hồ sơ trực tuyến toàn trình" in row["status"]


def test_progress_mid_quarter_with_the_current_month_unfinished():
    data = months([*Q1, ("2026-04", 1000, 400), ("2026-05", 1000, 450), ("2026-06", 200, 100)])
    row = target_progress(target(), data, "31/05/2026").iloc[0]
    # achieved: April + May = 850 / 2.000 = 42,5 %; June's partial data lie after 31/5 and are ignored
    assert (row["achieved_numerator"], row["achieved_denominator"]) == (850, 2000)
    assert row["current_value"] == pytest.approx(0.425)
    assert row["gap_pp"] == pytest.approx(7.5)
    # V over March–May = (960 + 1.000 + 1.000) / 3 = 986,67; projected 2.000 + 986,67 = 2.986,67
    # needed = ceil(0,5 × 2.986,67 − 850) = ceil(643,33) = 644, in the 1 remaining month
    assert row["months_remaining"] == 1
    assert row["projected_denominator"] == pytest.approx(2000 + 2960 / 3)
    assert (row["needed_total"], row["needed_per_month"]) == (644, 644)
    # F = (288 + 400 + 450) / 3 = 379,33 → 264,67 more
    assert row["extra_per_month"] == pytest.approx(644 - 1138 / 3)


def test_partial_month_data_are_not_counted_as_achieved():
    data = months([*Q1, ("2026-04", 300, 100)])
    row = target_progress(target(), data, "13/04/2026").iloc[0]
    assert row["achieved_denominator"] == 0
    assert row["months_remaining"] == 3  # April, May and June
    assert row["needed_total"] == 1395


def test_target_exactly_met():
    data = months([("2026-04", 1000, 500), ("2026-05", 800, 400), ("2026-06", 600, 300)])
    row = target_progress(target(), data, "30/06/2026").iloc[0]
    # 1.200 / 2.400 = 50 % exactly
    assert row["current_value"] == 0.5
    assert row["met"]
    assert row["gap_pp"] == 0
    assert row["months_remaining"] == 0
    assert pd.isna(row["needed_per_month"])
    assert row["period_status"] == "đã kết thúc"
    strict = target_progress(target(">"), data, "30/06/2026").iloc[0]
    assert not strict["met"]


def test_strict_and_upper_bound_targets():
    # '>' 0,5 over a projected 2.790: more than 1.395 → 1.396 in total, ceil(1.396 / 3) = 466 a month
    row = target_progress(target(">"), months(Q1), "31/03/2026").iloc[0]
    assert (row["needed_total"], row["needed_per_month"]) == (1396, 466)
    # '<=' 0,2: at most floor(0,2 × 2.790) = 558 in total, floor(558 / 3) = 186 a month; now 30 % → 10 points over
    row = target_progress(target("<=", 0.2), months(Q1), "31/03/2026").iloc[0]
    assert (row["needed_total"], row["needed_per_month"]) == (558, 186)
    assert row["gap_pp"] == pytest.approx(10.0)
    assert not row["met"]


def test_several_groups_per_month_are_added():
    data = pd.DataFrame(
        {
            "unit": ["A", "B"] * 3,
            "month": ["2026-01", "2026-01", "2026-02", "2026-02", "2026-03", "2026-03"],
            "new": [500, 400, 500, 430, 500, 460],
            "full_online": [150, 120, 150, 129, 150, 138],
        }
    )
    row = target_progress(target(), data, "31/03/2026").iloc[0]
    assert row["monthly_volume"] == 930  # same totals as Q1
    assert row["needed_total"] == 1395


def test_deadline_rows_are_skipped_and_month_is_required():
    targets = load_targets(NOTICE)
    assert target_progress(targets, months(Q1), "31/03/2026")["key"].tolist() == ["full_online_q2_2026"]
    with pytest.raises(InputError):
        target_progress(
            targets, pd.DataFrame({"quarter": ["2026-Q1"], "new": [1], "full_online": [1]}), "31/03/2026"
        )


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("t,target,X,full_online_rate,=>,0.5,2026-Q2,,,", "operator"),
        ("t,target,X,full_online_rate,>=,50,2026-Q2,,,", "value"),
        ("t,target,X,full_online_rate,>=,0.5,2026-Q5,,,", "period"),
        ("t,deadline,X,,,,,31/06/2026,,", "deadline"),
        ("t,deadline,X,,,,,30/06/2026,maybe,", "due_before"),
        ("t,goal,X,,,,,30/06/2026,,", "kind"),
    ],
)
def test_bad_targets_are_input_errors(tmp_path, line, column):
    path = tmp_path / "targets.csv"
    path.write_text("key,kind,label,metric,operator,value,period,deadline,due_before,source\n" + line + "\n")
    with pytest.raises(InputError) as info:
        load_targets(path)
    assert info.value.column == column
    assert info.value.row == 2


def test_percent_value_and_default_deadline(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text(
        "key,kind,label,metric,operator,value,period,deadline,due_before,source\nt,target,X,full_online_rate,>=,50 %,2026-Q3,,,\n"
    )
    row = load_targets(path).iloc[0]
    assert row["value"] == 0.5
    assert row["last_day"] == date(2026, 9, 30)
