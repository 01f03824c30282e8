"""Issue 9 findings 6 and 7, issue 17 point 8: dossiers without a deadline, day/month swaps, compact portal dates.

Every expected number is checked by eye on frames and files of a few rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from cchc_analysis.bieu06 import bieu06_table, no_deadline_note, write_bieu06_xlsx
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import load_dossiers
from cchc_analysis.loaders.dates import parse_dates
from cchc_analysis.rates import (
    COUNT_COLUMNS,
    COUNT_NEEDS,
    classify_dossiers,
    count_dossiers,
    identity_violations,
    known_counts,
    missing_inputs,
)

F, T = "01/04/2026", "30/04/2026"
ROOT = Path(__file__).resolve().parent.parent


def frame(rows: list[tuple], **extra: list) -> pd.DataFrame:
    """Rows of (received, due, resolved) as ISO strings; None is blank."""
    d = pd.DataFrame(
        {
            "received_at": pd.to_datetime([r[0] for r in rows]),
            "due_at": pd.to_datetime([r[1] for r in rows]),
            "resolved_at": pd.to_datetime([r[2] for r in rows]),
        }
    )
    for name, values in extra.items():
        d[name] = pd.array(values, dtype="string")
    return d


# Six dossiers, April 2026. Four have no deadline; one of them was resolved before April (out of scope).
NO_DEADLINE_ROWS = [
    ("2026-04-02", None, "2026-04-05"),  # A new, resolved, no deadline → on time
    ("2026-04-03", None, None),  # B new, pending, no deadline → within deadline
    ("2026-03-25", None, None),  # C carried over, pending, no deadline → within deadline
    ("2026-04-02", "2026-04-10", "2026-04-12"),  # D new, resolved late
    ("2026-03-20", None, "2026-03-20"),  # E resolved before April: out of scope
    ("2026-04-02", "2026-04-05", None),  # F new, pending, overdue
]
FIELDS = ["Hộ tịch", "Hộ tịch", "Đất đai", "Đất đai", "Hộ tịch", "Đất đai"]


# --- counting: rates.py ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("granularity", ["date", "datetime"])
def test_no_deadline_counted_on_time_when_resolved_and_within_when_pending(granularity):
    c = count_dossiers(frame(NO_DEADLINE_ROWS), F, T, granularity=granularity).iloc[0]
    expected = {
        "in_scope": 5, "new": 4, "carried_over": 1,
        "resolved": 2, "early": 0, "on_time": 1, "late": 1,
        "pending": 3, "pending_within": 2, "pending_overdue": 1,
        "no_deadline": 3,
    }  # fmt: skip
    assert {k: int(c[k]) for k in expected} == expected


def test_no_deadline_per_row_and_per_group():
    d = frame(NO_DEADLINE_ROWS, field=FIELDS)
    flags = classify_dossiers(d, F, T)
    assert flags["no_deadline"].tolist() == [True, True, True, False, False, False]
    assert flags["on_time"].tolist() == [True, False, False, False, False, False]
    assert flags["pending_within"].tolist() == [False, True, True, False, False, False]
    assert not (flags["late"] | flags["pending_overdue"])[[0, 1, 2]].any()
    by_field = count_dossiers(d, F, T, by="field").set_index("field")
    assert by_field.loc["Hộ tịch", "no_deadline"] == 2  # A, B (E is out of scope)
    assert by_field.loc["Đất đai", "no_deadline"] == 1  # C
    assert identity_violations(by_field.reset_index(drop=True)).empty


def test_classify_sums_to_the_counts_with_blank_dues():
    d = frame(NO_DEADLINE_ROWS, field=FIELDS)
    flags = classify_dossiers(d, F, T)
    counts = count_dossiers(d, F, T).iloc[0]
    for name in flags.columns:
        assert int(flags[name].sum()) == int(counts[name]), name


@pytest.mark.parametrize("seed", range(8))
def test_identities_hold_on_random_frames_with_blank_dues(seed):
    rng = np.random.default_rng(seed)
    n = 400
    received = np.datetime64("2026-03-01") + rng.integers(0, 90, n).astype("timedelta64[D]")
    due = received + rng.integers(0, 20, n).astype("timedelta64[D]")
    due[rng.random(n) < 0.3] = np.datetime64("NaT")
    resolved = received + rng.integers(0, 30, n).astype("timedelta64[D]")
    resolved[rng.random(n) < 0.3] = np.datetime64("NaT")
    d = pd.DataFrame(
        {
            "received_at": received.astype("datetime64[us]"),
            "due_at": due.astype("datetime64[us]"),
            "resolved_at": resolved.astype("datetime64[us]"),
            "field": pd.array(rng.choice(["Hộ tịch", "Đất đai", "Chứng thực"], n), dtype="string"),
        }
    )
    for by in (None, "field", "month"):
        counts = count_dossiers(d, F, T, by=by)
        assert identity_violations(counts).empty
        assert (counts["resolved"] == counts["early"] + counts["on_time"] + counts["late"]).all()
        assert (counts["pending"] == counts["pending_within"] + counts["pending_overdue"]).all()
        assert (counts["no_deadline"] <= counts["in_scope"]).all()
    # A plain row-by-row oracle of the new count and of where those dossiers go.
    first, last = pd.Timestamp("2026-04-01"), pd.Timestamp("2026-04-30")
    expected = {"no_deadline": 0, "on_time": 0, "pending_within": 0}
    for r, du, s in zip(d["received_at"], d["due_at"], d["resolved_at"], strict=True):
        in_scope = first <= r <= last or (r < first and (pd.isna(s) or s >= first))
        if not in_scope or not pd.isna(du):
            continue
        expected["no_deadline"] += 1
        expected["on_time" if not pd.isna(s) and s <= last else "pending_within"] += 1
    flags = classify_dossiers(d, F, T)
    blank = d["due_at"].isna()
    got = {
        "no_deadline": int(count_dossiers(d, F, T).loc[0, "no_deadline"]),
        "on_time": int((flags["on_time"] & blank).sum()),
        "pending_within": int((flags["pending_within"] & blank).sum()),
    }
    assert got == expected
    assert expected["no_deadline"] > 0


def test_one_table_of_needed_columns_decides_every_null():
    assert tuple(COUNT_NEEDS) == COUNT_COLUMNS
    assert missing_inputs("no_deadline", ["received_at", "due_at", "resolved_at"]) == ()
    assert missing_inputs("satisfied", ["received_at", "due_at", "resolved_at"]) == ("satisfaction",)
    d = frame(NO_DEADLINE_ROWS)
    optional = {
        "channel": pd.Categorical(["in_person"] * 6, categories=["full_online", "online", "in_person"]),
        "digitized": pd.array([True] * 6, dtype="boolean"),
        "complaint": pd.array([False] * 6, dtype="boolean"),
    }
    for name, values in optional.items():
        with_one = d.assign(**{name: values})
        counts = count_dossiers(with_one, F, T).iloc[0]
        null = {c for c in COUNT_COLUMNS if pd.isna(counts[c])}
        assert null == set(COUNT_COLUMNS) - set(known_counts(with_one.columns))
        assert null == {c for c, needs in COUNT_NEEDS.items() if set(needs) - set(with_one.columns)}
        assert not pd.isna(counts["no_deadline"])


# --- loading ----------------------------------------------------------------------------------------------------


HEADER = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_blank_due_is_loaded_not_rejected(tmp_path):
    path = write_csv(
        tmp_path / "ho_so.csv",
        [["H1", "02/04/2026", "", "05/04/2026"], ["H2", "03/04/2026", "10/04/2026", ""], ["H3", "", "", ""]],
    )
    result = load_dossiers(path)
    assert result.accounting.as_dict() == {"read": 3, "loaded": 2, "excluded": 0, "rejected": 1}
    assert result.dossiers["dossier_id"].tolist() == ["H1", "H2"]
    assert pd.isna(result.dossiers["due_at"].iloc[0])
    assert result.rejects["reason_code"].tolist() == ["blank_date"]  # H3: the receipt date is still required
    assert result.rejects["column"].tolist() == ["Ngày tiếp nhận"]


def run_cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cchc_analysis", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )


def test_kpis_json_table_and_csv_show_no_deadline(tmp_path):
    path = write_csv(
        tmp_path / "ho_so.csv",
        [
            ["H1", "02/04/2026", "", "05/04/2026"],
            ["H2", "03/04/2026", "", ""],
            ["H3", "02/04/2026", "10/04/2026", "12/04/2026"],
        ],
    )
    done = run_cli("kpis", path, "--from", F, "--to", T, "--format", "json")
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)["groups"][0]["counts"]
    assert (counts["no_deadline"], counts["on_time"], counts["late"], counts["pending_within"]) == (
        2,
        1,
        1,
        1,
    )
    assert counts["new_online"] is None  # no channel column: unknown, not 0
    table = run_cli("kpis", path, "--from", F, "--to", T)
    assert "Không có thời hạn giải quyết" in table.stdout
    csv = run_cli("kpis", path, "--from", F, "--to", T, "--format", "csv")
    head, values = csv.stdout.splitlines()[:2]
    assert dict(zip(head.split(","), values.split(","), strict=True))["no_deadline"] == "2"


def test_bieu06_keeps_13_columns_and_says_how_no_deadline_is_counted(tmp_path):
    d = frame(NO_DEADLINE_ROWS, field=FIELDS)
    table = bieu06_table(d, F, T)
    assert table.attrs["no_deadline"] == (3, 1, 2)
    note = no_deadline_note(table)
    assert note.startswith("Trong đó 3 hồ sơ không có thời hạn giải quyết")
    assert (
        "1 đã giải quyết được tính là đúng hạn" in note and "2 đang giải quyết được tính là trong hạn" in note
    )
    out = write_bieu06_xlsx(table, tmp_path / "b06.xlsx", start=date(2026, 4, 1), end=date(2026, 4, 30))
    ws = load_workbook(out).active
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert note in cells
    numbers = next(r for r in ws.iter_rows(values_only=True) if r[0] == "(1)")
    assert list(numbers) == [f"({j})" for j in range(1, 14)]  # the official 13 columns
    total = table.iloc[-1]
    assert (total["resolved_on_time"], total["pending_within"]) == (1, 2)


def test_bieu06_without_no_deadline_dossiers_has_no_note():
    d = frame([r for r in NO_DEADLINE_ROWS if r[1] is not None])
    assert no_deadline_note(bieu06_table(d, F, T)) is None


# --- day/month swaps --------------------------------------------------------------------------------------------

# Dossiers as the one-stop system wrote them (day first), and what they mean.
ORIGINAL = [
    ("S1", "04/03/2026", "10/03/2026", "09/03/2026"),
    ("S2", "13/03/2026", "20/03/2026", "19/03/2026"),
    ("S3", "05/03/2026", "16/03/2026", ""),
    ("S4", "02/03/2026", "11/03/2026", "27/03/2026"),
]


def day_first(text: str) -> datetime | None:
    if not text:
        return None
    d, m, y = map(int, text.split("/"))
    return datetime(y, m, d)


def us_cell(text: str) -> object:
    """What Excel with US region settings makes of day-first text: month/day when it can, else text."""
    if not text:
        return None
    d, m, y = map(int, text.split("/"))
    return datetime(y, d, m) if d <= 12 else text


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def swapped(tmp_path) -> Path:
    return write_xlsx(tmp_path / "ho_so_us.xlsx", [[r[0], *map(us_cell, r[1:])] for r in ORIGINAL])


def test_swapped_workbook_exits_2_with_the_cause_and_the_ways_out(swapped):
    done = run_cli("validate", swapped)
    assert done.returncode == 2
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    for part in (
        "Ngày và tháng bị đảo",
        "vùng Hoa Kỳ",
        "--month-first",
        "xuất lại tệp",
        "ho_so_us.xlsx",
        "cột «Ngày tiếp nhận»",
        "dòng 2",  # S1: 04/03 became the date cell 3 April
        "giá trị «03/04/2026»",
        "dòng 3: «13/03/2026»",  # S2 stayed text
        "US region settings",
    ):
        assert part in message, part


def test_month_first_reads_the_swapped_workbook_right(swapped):
    result = load_dossiers(swapped, month_first_cells=True)
    assert result.accounting.rejected == 0
    for column, k in (("received_at", 1), ("due_at", 2), ("resolved_at", 3)):
        got = [None if pd.isna(v) else v.to_pydatetime() for v in result.dossiers[column]]
        assert got == [day_first(r[k]) for r in ORIGINAL], column
    done = run_cli(
        "kpis", swapped, "--month-first", "--from", "01/03/2026", "--to", "31/03/2026", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)["groups"][0]["counts"]
    # S1 early, S2 early, S4 late (27/03 > 11/03); S3 pending since 05/03, due 16/03: overdue on 31/03.
    assert (counts["early"], counts["late"], counts["pending_overdue"]) == (2, 1, 1)


def test_a_normal_workbook_of_date_cells_loads(tmp_path):
    rows = [[r[0], *map(day_first, r[1:])] for r in ORIGINAL]
    result = load_dossiers(write_xlsx(tmp_path / "ho_so.xlsx", rows))
    assert result.accounting.rejected == 0
    assert result.dossiers["received_at"].tolist() == [pd.Timestamp(day_first(r[1])) for r in ORIGINAL]
    # Only date cells, every day at most 12: nothing shows a swap, nothing is refused.
    early = [[f"E{i}", datetime(2026, 3, i), datetime(2026, 3, i + 1), None] for i in range(1, 9)]
    assert load_dossiers(write_xlsx(tmp_path / "dau_thang.xlsx", early)).accounting.loaded == 8


def test_date_cells_with_a_day_above_12_beside_text_are_no_swap(tmp_path):
    rows = [
        ["M1", datetime(2026, 3, 4), "20/03/2026", None],
        [
            "M2",
            datetime(2026, 3, 18),
            "25/03/2026",
            None,
        ],  # a date cell on the 18th: not what US settings make
        ["M3", "13/03/2026", "26/03/2026", None],
    ]
    result = load_dossiers(write_xlsx(tmp_path / "tron.xlsx", rows))
    assert result.dossiers["received_at"].dt.day.tolist() == [4, 18, 13]


def test_month_first_csv_is_refused_and_read_with_month_first(tmp_path):
    path = write_csv(
        tmp_path / "us.csv",
        [["U1", "03/04/2026", "03/20/2026", ""], ["U2", "03/05/2026", "03/16/2026", "03/14/2026"]],
    )
    done = run_cli("validate", path)
    assert done.returncode == 2
    assert (
        "MM/DD/YYYY" in done.stderr and "--month-first" in done.stderr and "cột «Ngày hẹn trả»" in done.stderr
    )
    result = load_dossiers(path, month_first_cells=True)
    assert result.dossiers["received_at"].tolist() == [pd.Timestamp("2026-03-04"), pd.Timestamp("2026-03-05")]
    assert result.dossiers["due_at"].tolist() == [pd.Timestamp("2026-03-20"), pd.Timestamp("2026-03-16")]


def test_one_impossible_date_among_day_first_dates_is_a_rejected_row(tmp_path):
    path = write_csv(
        tmp_path / "vn.csv",
        [["V1", "13/04/2026", "20/04/2026", ""], ["V2", "04/13/2026", "20/04/2026", ""]],
    )
    result = load_dossiers(path)
    assert result.rejects[["row", "reason_code"]].to_dict("records") == [
        {"row": 3, "reason_code": "bad_date"}
    ]


def test_swap_error_is_an_input_error_in_the_api(swapped):
    with pytest.raises(InputError, match="Hoa Kỳ") as info:
        load_dossiers(swapped)
    assert (info.value.row, info.value.column) == (2, "Ngày tiếp nhận")


# --- portal compact dates ---------------------------------------------------------------------------------------


def test_compact_portal_dates_as_text_and_as_numbers(tmp_path):
    expected = [pd.Timestamp("2026-04-13 14:30:00"), pd.Timestamp("2026-04-13")]
    assert parse_dates(["20260413143000", "20260413"]).tolist() == expected
    assert parse_dates([20260413143000, 20260413]).tolist() == expected
    assert parse_dates([20260413143000, 20260413], excel=True).tolist() == expected
    rows = [["P1", 20260413143000, 20260420, None], ["P2", "20260414080000", "20260421", "20260415163000"]]
    result = load_dossiers(write_xlsx(tmp_path / "portal.xlsx", rows))
    assert result.accounting.rejected == 0
    assert result.dossiers["received_at"].tolist() == [
        pd.Timestamp("2026-04-13 14:30"),
        pd.Timestamp("2026-04-14 08:00"),
    ]
    assert result.dossiers["resolved_at"].iloc[1] == pd.Timestamp("2026-04-15 16:30")


def test_briefing_highlights_say_how_many_have_no_deadline():
    from types import SimpleNamespace

    from cchc_analysis import narrative
    from cchc_analysis.periods import parse_period
    from cchc_analysis.rates import add_rates

    period = parse_period("2026-04")
    rates = add_rates(count_dossiers(frame(NO_DEADLINE_ROWS), period))
    q = SimpleNamespace(
        rates=rates,
        previous_rates=None,
        previous=parse_period("2026-03"),
        complete=True,
        counted=period,
        progress=pd.DataFrame(),
    )
    text = str(narrative.quarter_highlights(q))
    assert "Trong đó 3 hồ sơ không có thời hạn giải quyết" in text
    assert "đúng hạn 1, quá hạn 1" in text  # A on time, D late
    without = add_rates(count_dossiers(frame([r for r in NO_DEADLINE_ROWS if r[1]]), period))
    assert "không có thời hạn" not in str(
        narrative.quarter_highlights(SimpleNamespace(**{**vars(q), "rates": without}))
    )
