"""Working days across Tết 2026, 30/4–1/5 and the one-off swaps, on hand-made dates checked on a calendar.

2026 calendar used below: Tết Bính Ngọ — holidays Mon 16/02 (giao thừa) to Fri 20/02 (mùng 4); Giỗ Tổ Hùng Vương
Sun 26/04, made up Mon 27/04; 30/04 Thu and 01/05 Fri; Quốc khánh Tue 01/09 and Wed 02/09, with Mon 31/08 off
and Sat 22/08 worked instead (ngày làm bù).
"""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_analysis.exploration import processing_time_summary, processing_times
from cchc_analysis.working_days import read_swaps, working_calendar, working_days_between


def _count(a: str, b: str) -> object:
    return working_days_between(a, b).iloc[0]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-02-13", "2026-02-23", 1),  # Fri before Tết → Mon after: 10 calendar days, 1 working day
        ("2026-02-12", "2026-02-24", 3),  # Thu → Tue: Fri 13, Mon 23, Tue 24
        ("2026-02-17", "2026-02-23", 1),  # received on mùng 1 (a holiday) → Mon 23
        ("2026-02-13", "2026-02-27", 5),  # a 5-working-day procedure received Fri 13/02 falls due Fri 27/02
        ("2026-02-09", "2026-02-13", 4),  # an ordinary week: Tue, Wed, Thu, Fri
        ("2026-04-29", "2026-05-04", 1),  # Wed → Mon across 30/4–1/5 and the weekend
        ("2026-04-24", "2026-04-28", 1),  # Fri → Tue: Giỗ Tổ (Sun 26/04) made up on Mon 27/04
        ("2026-04-28", "2026-05-06", 4),  # Tue → Wed: Wed 29/04, Mon 04/05, Tue 05/05, Wed 06/05
        ("2026-08-21", "2026-08-24", 2),  # Fri → Mon: Saturday 22/08 is a working day (làm bù)
        ("2026-08-28", "2026-09-03", 1),  # Fri → Thu: Mon 31/08 swapped off, 01–02/09 Quốc khánh
        ("2026-03-10", "2026-03-10", 0),  # same day
        ("2026-05-04", "2026-04-29", -1),  # reversed: the count is negative, same size
    ],
)
def test_working_days_between_hand_made_dates(start, end, expected):
    assert _count(start, end) == expected


def test_hours_are_ignored_and_missing_dates_give_na():
    got = working_days_between(
        pd.to_datetime(["2026-02-13 16:55", "2026-02-13 08:00", None]),
        pd.to_datetime(["2026-02-23 07:30", "2026-02-13 17:00", "2026-02-23 08:00"]),
    )
    assert got.iloc[:2].tolist() == [1, 0]
    assert got.isna().tolist() == [False, False, True]


def test_calendar_knows_tet_and_the_swapped_saturday():
    cal = working_calendar(2026)
    assert not cal.is_working_day("2026-02-16")  # giao thừa
    assert not cal.is_working_day("2026-02-20")  # mùng 4
    assert cal.is_working_day("2026-02-23")
    assert not cal.is_working_day("2026-04-30") and not cal.is_working_day("2026-05-01")
    assert cal.is_working_day("2026-08-22")  # Saturday worked (làm bù)
    assert not cal.is_working_day("2026-08-29")  # an ordinary Saturday
    assert not cal.is_working_day("2026-08-31")  # Monday given off


def test_swap_file_has_a_source_for_every_row_and_pairs_days_off_with_workdays():
    swaps = read_swaps()
    assert swaps["source"].str.strip().ne("").all()
    assert set(swaps["kind"]) == {"nghi", "lam_viec"}
    assert (swaps["kind"] == "nghi").sum() == (swaps["kind"] == "lam_viec").sum()
    assert all(d.weekday() >= 5 for d in swaps.loc[swaps["kind"] == "lam_viec", "date"])
    # every bundled swap names the document that decided it by its number («6150/TB-BLĐTBXH», «9441/TB-BNV»)
    numbered = swaps["source"].str.contains(r"\d+/[A-ZĐ]+-[A-ZĐ]+", regex=True)
    assert numbered.all(), swaps.loc[~numbered, ["date", "source"]]


def test_national_day_2026_and_culture_day_are_days_off():
    cal = working_calendar(2026)
    # Thông báo 9441/TB-BNV: Sat 29/08 – Wed 02/09/2026 off (Mon 31/08 swapped for Sat 22/08)
    assert [cal.is_working_day(f"2026-09-0{d}") for d in (1, 2, 3)] == [False, False, True]
    # Ngày Văn hóa Việt Nam, 24/11, a paid day off from 2026 (Nghị quyết 28/2026/QH16), a Tuesday
    assert not cal.is_working_day("2026-11-24") and cal.is_working_day("2026-11-23")
    assert working_days_between("2026-11-20", "2026-11-25").iloc[0] == 2  # Mon 23, Wed 25


def test_a_users_own_swap_changes_the_count():
    extra = pd.DataFrame({"date": ["2026-03-13", "2026-03-21"], "kind": ["nghi", "lam_viec"]})
    # Thu 12/03 → Mon 23/03: normally 7 working days (13, 16–20, 23); Fri 13 off, Sat 21 worked: still 7
    assert working_days_between("2026-03-12", "2026-03-23").iloc[0] == 7
    assert working_days_between("2026-03-12", "2026-03-20", extra).iloc[0] == 5  # 16–20
    assert working_days_between("2026-03-12", "2026-03-21", extra).iloc[0] == 6  # + Sat 21


def test_processing_times_in_working_days_next_to_calendar_days():
    # A: received Fri 13/02, due Fri 27/02 (5 working days), resolved Mon 23/02 — 10 calendar days, 1 working day.
    # B: received Wed 29/04, due Mon 04/05, resolved Tue 05/05 — one working day late.
    dossiers = pd.DataFrame(
        {
            "dossier_id": ["A", "B"],
            "field": ["Hộ tịch", "Hộ tịch"],
            "received_at": pd.to_datetime(["2026-02-13 09:00", "2026-04-29 10:00"]),
            "due_at": pd.to_datetime(["2026-02-27 17:00", "2026-05-04 17:00"]),
            "resolved_at": pd.to_datetime(["2026-02-23 09:00", "2026-05-05 10:00"]),
        }
    )
    times = processing_times(dossiers, "01/01/2026", "31/12/2026")
    assert times["processing_days"].tolist() == [10.0, 6.0]
    assert times["working_days"].tolist() == [1, 2]
    assert times["statutory_working_days"].tolist() == [5, 1]
    assert times["working_days_vs_due"].tolist() == [-4, 1]
    summary = processing_time_summary(times, "field")
    assert summary.loc[0, "median_working_days"] == 1.5
    assert summary.loc[0, "median_statutory_working_days"] == 3.0
