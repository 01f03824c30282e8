"""Processing times and the list of late and overdue dossiers."""

from __future__ import annotations

import pandas as pd

from cchc_analysis.exploration import overdue_dossiers, processing_time_summary, processing_times


def _dossiers() -> pd.DataFrame:
    # A: resolved a day early after 2 days; B: resolved 3 days late; C: open, due 10/01, period ends 31/01.
    return pd.DataFrame(
        {
            "dossier_id": ["A", "B", "C"],
            "field": ["Hộ tịch", "Hộ tịch", "Đất đai"],
            "received_at": pd.to_datetime(["2026-01-05", "2026-01-05", "2026-01-06"]),
            "due_at": pd.to_datetime(["2026-01-08", "2026-01-08", "2026-01-10"]),
            "resolved_at": pd.to_datetime(["2026-01-07", "2026-01-11", None]),
        }
    )


def test_processing_times_of_resolved_dossiers():
    times = processing_times(_dossiers(), "01/01/2026", "31/01/2026")
    assert times["dossier_id"].tolist() == ["A", "B"]
    assert times["processing_days"].tolist() == [2.0, 6.0]
    assert times["days_vs_due"].tolist() == [-1.0, 3.0]


def test_processing_time_summary_by_field():
    summary = processing_time_summary(processing_times(_dossiers(), "01/01/2026", "31/01/2026"), "field")
    row = summary.iloc[0]
    assert (row["field"], row["resolved"], row["median_days"], row["max_days"]) == ("Hộ tịch", 2, 4.0, 6.0)


def test_overdue_dossiers_late_and_still_open():
    overdue = overdue_dossiers(_dossiers(), "01/01/2026", "31/01/2026")
    assert overdue[["dossier_id", "state", "days_over"]].values.tolist() == [
        ["C", "Đang giải quyết, quá hạn", 21],  # due 10/01, still open at 31/01
        ["B", "Giải quyết quá hạn", 3],
    ]
