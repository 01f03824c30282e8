"""Biểu 06 counts against a plain row-by-row oracle written here from SPEC §3, not from the package.

The package counts with vectorised flags and a few ``bincount`` passes; the oracle below reads one dossier at a
time with ``if``s, on calendar dates, as the SPEC words it. Random frames carry every optional column (channel,
yes/no flags, satisfaction) with blanks, times of day on every date, and dossiers before, inside and after the
period. Due dates are never blank here (a blank due date is a separate rule, tested where it is defined).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from cchc_analysis import rates
from cchc_analysis.rates import COUNT_COLUMNS, classify_dossiers, count_dossiers, sum_counts

F, T = date(2026, 1, 1), date(2026, 1, 31)
ONLINE = {"full_online", "partial_online", "online"}  # SPEC §2: the online channels
SATISFIED = {"very_satisfied", "satisfied"}  # Rất hài lòng, Hài lòng
YES_NO = ("digitized", "data_reused", "fee_required", "paid_online", "complaint", "home_delivery")


def random_dossiers(seed: int, n: int) -> pd.DataFrame:
    """``n`` dossiers received 01/12/2025–15/02/2026 with times of day; about a third not yet resolved."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-12-01")

    def minutes() -> pd.TimedeltaIndex:
        return pd.to_timedelta(rng.integers(0, 24 * 60, n), unit="min")

    received = start + pd.to_timedelta(rng.integers(0, 77, n), unit="D") + minutes()
    due = received.normalize() + pd.to_timedelta(rng.integers(0, 20, n), unit="D") + minutes()
    resolved = received.normalize() + pd.to_timedelta(rng.integers(0, 30, n), unit="D") + minutes()
    on_due_day = rng.random(n) < 0.2  # resolved on the due date, at another hour: on time by calendar date
    resolved = resolved.where(~on_due_day, due.normalize() + minutes())
    resolved = resolved.where(rng.random(n) > 0.35)  # NaT: not resolved
    frame = pd.DataFrame({"received_at": received, "due_at": due, "resolved_at": resolved})
    channels = np.array(
        ["full_online", "partial_online", "online", "in_person", "postal", None], dtype=object
    )
    frame["channel"] = pd.Categorical(
        channels[rng.integers(0, 6, n)],
        categories=["full_online", "partial_online", "online", "in_person", "postal"],
    )
    for column in YES_NO:
        values = rng.integers(0, 3, n)  # 0 no, 1 yes, 2 blank
        frame[column] = pd.array([None if v == 2 else bool(v) for v in values], dtype="boolean")
    levels = np.array(["very_satisfied", "satisfied", "dissatisfied", None], dtype=object)
    frame["satisfaction"] = pd.Categorical(
        levels[rng.integers(0, 4, n)], categories=["very_satisfied", "satisfied", "dissatisfied"]
    )
    fields = np.array(["Hộ tịch", "Chứng thực", "Đất đai", None], dtype=object)
    frame["field"] = pd.array(fields[rng.integers(0, 4, n)], dtype="string")
    return frame


def oracle_flags(row: pd.Series) -> dict[str, bool]:
    """The Biểu 06 categories of one dossier for [F, T], compared on calendar dates (SPEC §3)."""
    received = row["received_at"].date()
    due = row["due_at"].date()
    resolved = None if pd.isna(row["resolved_at"]) else row["resolved_at"].date()

    new = F <= received <= T
    carried_over = received < F and (resolved is None or resolved >= F)
    in_scope = new or carried_over
    is_resolved = in_scope and resolved is not None and resolved <= T
    pending = in_scope and not is_resolved

    def yes(column: str) -> bool:
        return not pd.isna(row[column]) and bool(row[column])

    channel = None if pd.isna(row["channel"]) else row["channel"]
    online = channel in ONLINE
    rating = None if pd.isna(row["satisfaction"]) else row["satisfaction"]
    return {
        "in_scope": in_scope,
        "new": new,
        "new_online": new and online,
        "new_in_person_postal": new and not online,  # a blank channel is in person
        "carried_over": carried_over,
        "resolved": is_resolved,
        "early": is_resolved and resolved < due,
        "on_time": is_resolved and resolved == due,
        "late": is_resolved and resolved > due,
        "pending": pending,
        "pending_within": pending and due >= T,
        "pending_overdue": pending and due < T,
        "full_online": new and channel == "full_online",
        "partial_online": new and channel == "partial_online",
        "digitized": new and yes("digitized"),
        "data_reused": new and yes("data_reused"),
        "fee_required": new and yes("fee_required"),
        "paid_online": new and yes("paid_online"),
        "rated": is_resolved and rating is not None,
        "satisfied": is_resolved and rating in SATISFIED,
        "complaint": in_scope and yes("complaint"),
        "home_delivery": in_scope and yes("home_delivery"),
    }


def oracle_counts(frame: pd.DataFrame) -> dict[str, int]:
    totals = dict.fromkeys(COUNT_COLUMNS, 0)
    for _, row in frame.iterrows():
        for name, flag in oracle_flags(row).items():
            totals[name] += int(flag)
    return totals


SEEDS = [(seed, n) for seed, n in enumerate((0, 1, 2, 7, 30, 60, 120, 200))]


@pytest.mark.parametrize(("seed", "n"), SEEDS)
def test_counts_equal_the_row_by_row_oracle(seed, n):
    frame = random_dossiers(seed, n)
    counts = count_dossiers(frame, F, T)
    assert len(counts) == 1
    got = {name: int(counts[name].iloc[0]) for name in COUNT_COLUMNS}
    assert got == oracle_counts(frame)


@pytest.mark.parametrize(("seed", "n"), SEEDS[3:])
def test_grouped_counts_equal_the_oracle_per_group(seed, n):
    frame = random_dossiers(seed, n)
    counts = count_dossiers(frame, F, T, by="field")
    expected = {}
    for key, rows in frame.groupby(frame["field"].astype(object).fillna("∅"), sort=False):
        totals = oracle_counts(rows)
        if totals["in_scope"]:  # a group exists when one of its dossiers is in scope
            expected[key] = totals
    got = {
        ("∅" if pd.isna(row["field"]) else row["field"]): {name: int(row[name]) for name in COUNT_COLUMNS}
        for _, row in counts.iterrows()
    }
    assert got == expected


@pytest.mark.parametrize(("seed", "n"), SEEDS)
def test_flags_add_up_to_the_counts(seed, n):
    frame = random_dossiers(seed, n)
    flags = classify_dossiers(frame, F, T)
    counts = count_dossiers(frame, F, T)
    assert list(flags.columns) == list(COUNT_COLUMNS)
    assert flags.sum().astype(int).to_dict() == {c: int(counts[c].iloc[0]) for c in COUNT_COLUMNS}


def test_counts_of_parts_add_up_to_the_counts_of_the_whole():
    frame = random_dossiers(11, 150)
    parts = [count_dossiers(frame.iloc[i : i + 40], F, T, by="field") for i in range(0, 150, 40)]
    pd.testing.assert_frame_equal(sum_counts(parts, by="field"), count_dossiers(frame, F, T, by="field"))


def test_a_broken_identity_stops_the_count(monkeypatch):
    """assumptions.md: the identities are checked on every count table; a failure is a bug, never a figure."""
    real = rates._counts_by_group

    def off_by_one(*args, **kwargs):
        counts = real(*args, **kwargs)
        counts["early"] = counts["early"] + 1  # one early dossier too many
        return counts

    monkeypatch.setattr(rates, "_counts_by_group", off_by_one)
    with pytest.raises(AssertionError, match="resolved = early \\+ on_time \\+ late"):
        count_dossiers(random_dossiers(3, 30), F, T)
    with pytest.raises(AssertionError, match="identity"):
        sum_counts([pd.DataFrame([dict.fromkeys(COUNT_COLUMNS, 1)]).astype("Int64")])
