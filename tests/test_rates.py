"""The Biểu 06 definitions on small hand-made frames, where each expected number can be checked by eye."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis.errors import InputError
from cchc_analysis.periods import parse_period
from cchc_analysis.rates import (
    COUNT_COLUMNS,
    RATE_COLUMNS,
    add_rates,
    check_identities,
    classify_dossiers,
    count_dossiers,
    identity_violations,
    processing_rates,
    sum_counts,
)
from cchc_analysis.schema import CHANNELS

F, T = "01/01/2026", "31/01/2026"


def dossiers(rows: list[tuple], **extra: list) -> pd.DataFrame:
    """Rows of (received, due, resolved) as ISO strings (resolved may be None)."""
    frame = pd.DataFrame(
        {
            "received_at": pd.to_datetime([r[0] for r in rows]),
            "due_at": pd.to_datetime([r[1] for r in rows]),
            "resolved_at": pd.to_datetime([r[2] for r in rows]),
        }
    )
    for name, values in extra.items():
        if name == "channel":
            frame[name] = pd.Categorical(values, categories=CHANNELS)
        elif name in ("field", "unit", "officer"):
            frame[name] = pd.array(values, dtype="string")
        elif name == "satisfaction":
            frame[name] = pd.Categorical(values, categories=["very_satisfied", "satisfied", "dissatisfied"])
        else:
            frame[name] = pd.array(values, dtype="boolean")
    return frame


def flags_of(row: tuple, start: str = F, end: str = T, **kw) -> dict[str, bool]:
    return classify_dossiers(dossiers([row]), start, end, **kw).iloc[0].to_dict()


def test_received_on_first_and_last_day_are_new():
    assert flags_of(("2026-01-01", "2026-01-05", None))["new"]
    assert flags_of(("2026-01-31 23:59", "2026-02-05", None))["new"]
    assert not flags_of(("2026-02-01", "2026-02-05", None))["in_scope"]
    assert not flags_of(("2025-12-31", "2026-01-05", "2025-12-31"))["in_scope"]


def test_resolved_on_due_date_is_on_time_even_later_in_the_day():
    f = flags_of(("2026-01-05 08:00", "2026-01-09", "2026-01-09 16:30"))
    assert (f["resolved"], f["early"], f["on_time"], f["late"]) == (True, False, True, False)
    # Compared as timestamps, 16:30 is after a due date at midnight: late.
    g = flags_of(("2026-01-05 08:00", "2026-01-09", "2026-01-09 16:30"), granularity="datetime")
    assert (g["early"], g["on_time"], g["late"]) == (False, False, True)


def test_early_and_late_by_one_day():
    assert flags_of(("2026-01-05", "2026-01-09", "2026-01-08"))["early"]
    assert flags_of(("2026-01-05", "2026-01-09", "2026-01-10"))["late"]


def test_resolved_after_the_period_is_pending():
    f = flags_of(("2026-01-20", "2026-02-03", "2026-02-01"))
    assert (f["resolved"], f["pending"], f["pending_within"]) == (False, True, True)


def test_pending_due_on_last_day_is_within_deadline_and_due_before_is_overdue():
    assert flags_of(("2026-01-20", "2026-01-31", None))["pending_within"]
    f = flags_of(("2026-01-20", "2026-01-30", None))
    assert (f["pending_within"], f["pending_overdue"]) == (False, True)
    # The datetime option agrees on dossiers due on T.
    assert flags_of(("2026-01-20", "2026-01-31 09:00", None), granularity="datetime")["pending_within"]


def test_carried_over_and_resolved_on_first_day():
    f = flags_of(("2025-12-20", "2026-01-02", "2026-01-01"))
    assert (f["carried_over"], f["new"], f["resolved"], f["early"]) == (True, False, True, True)


def test_carried_over_still_open_and_resolved_before_period():
    f = flags_of(("2025-11-20", "2025-12-02", None))
    assert (f["carried_over"], f["pending_overdue"]) == (True, True)
    assert not flags_of(("2025-11-20", "2025-12-02", "2025-12-31"))["in_scope"]


def test_counts_and_rates_of_a_small_month():
    d = dossiers(
        [
            ("2026-01-02", "2026-01-06", "2026-01-05"),  # early
            ("2026-01-03", "2026-01-06", "2026-01-06"),  # on time
            ("2026-01-04", "2026-01-06", "2026-01-08"),  # late
            ("2026-01-30", "2026-02-04", None),  # pending, within
            ("2025-12-28", "2026-01-02", None),  # carried over, pending, overdue
            ("2026-02-02", "2026-02-04", None),  # after the period: ignored
        ],
        channel=["full_online", "partial_online", "in_person", "postal", "online", "full_online"],
        digitized=[True, True, False, None, True, True],
        fee_required=[True, False, True, False, False, True],
        paid_online=[True, False, False, False, False, True],
        complaint=[False, False, True, False, False, True],
    )
    c = count_dossiers(d, F, T).iloc[0]
    expected = {
        "in_scope": 5, "new": 4, "carried_over": 1, "new_online": 2, "new_in_person_postal": 2,
        "resolved": 3, "early": 1, "on_time": 1, "late": 1,
        "pending": 2, "pending_within": 1, "pending_overdue": 1, "no_deadline": 0,
        "full_online": 1, "partial_online": 1, "digitized": 2, "fee_required": 2, "paid_online": 1,
        "complaint": 1,
    }  # fmt: skip
    assert {k: int(c[k]) for k in expected} == expected
    assert pd.isna(c["data_reused"]) and pd.isna(c["rated"]) and pd.isna(c["home_delivery"])

    rates = add_rates(count_dossiers(d, F, T))
    r = {c: rates[c].iloc[0] for c in rates}
    assert r["early_rate"] == pytest.approx(1 / 3)
    assert r["on_time_rate"] == pytest.approx(2 / 3)
    assert r["late_rate"] == pytest.approx(1 / 3)
    assert r["progress_766_rate"] == pytest.approx(3 / 5)  # early + on time + within, over in scope
    assert r["online_rate"] == pytest.approx(2 / 4)
    assert r["full_online_rate"] == pytest.approx(1 / 4)
    assert r["digitization_rate"] == pytest.approx(2 / 4)
    assert r["online_payment_rate"] == pytest.approx(1 / 2)
    assert r["complaint_rate"] == pytest.approx(1 / 5)
    assert r["satisfaction_766_rate"] == pytest.approx(1 - 2 / 5 - 1 / 5)
    assert math.isnan(r["reuse_rate"]) and math.isnan(r["satisfaction_rate"])


def test_zero_denominators_give_nan_not_zero():
    d = dossiers([("2025-12-28", "2026-02-02", None)], fee_required=[False])
    rates = processing_rates(d, F, T)
    r = {c: rates[c].iloc[0] for c in rates}
    assert int(r["resolved"]) == 0 and int(r["new"]) == 0
    for rate in ("early_rate", "on_time_rate", "late_rate", "online_payment_rate"):
        assert math.isnan(r[rate]), rate
    assert r["progress_766_rate"] == 1.0


def test_satisfaction_counts_only_resolved_and_rated():
    d = dossiers(
        [
            ("2026-01-02", "2026-01-06", "2026-01-05"),
            ("2026-01-02", "2026-01-06", "2026-01-05"),
            ("2026-01-02", "2026-01-06", "2026-01-05"),
            ("2026-01-02", "2026-01-06", None),  # pending: its rating does not count
        ],
        satisfaction=["very_satisfied", "dissatisfied", None, "satisfied"],
    )
    r = processing_rates(d, F, T).iloc[0]
    assert (int(r["rated"]), int(r["satisfied"])) == (2, 1)
    assert r["satisfaction_rate"] == 0.5


def test_group_by_field_and_month_keeps_blank_key_last():
    d = dossiers(
        [
            ("2026-01-02", "2026-01-06", "2026-01-05"),
            ("2026-01-20", "2026-01-26", "2026-01-27"),
            ("2025-12-29", "2026-01-06", "2026-01-05"),
            ("2026-01-10", "2026-01-16", None),
        ],
        field=["Hộ tịch", "Chứng thực", None, "Hộ tịch"],
    )
    c = count_dossiers(d, F, T, by=["field", "month"])
    keys = list(zip(c["field"].astype(object).where(c["field"].notna(), None), c["month"], strict=True))
    assert keys == [("Chứng thực", "2026-01"), ("Hộ tịch", "2026-01"), (None, "2025-12")]
    assert c["in_scope"].tolist() == [1, 2, 1]
    assert c["late"].tolist() == [1, 0, 0]
    assert c["carried_over"].tolist() == [0, 0, 1]


def test_quarter_keys_and_comma_separated_by():
    d = dossiers(
        [("2026-03-31", "2026-04-02", "2026-04-01"), ("2026-04-01", "2026-04-03", None)], unit=["A", "A"]
    )
    c = count_dossiers(d, "01/01/2026", "30/06/2026", by="unit,quarter")
    assert list(c.columns[:2]) == ["unit", "quarter"]
    assert c["quarter"].tolist() == ["2026-Q1", "2026-Q2"]


def test_period_object_is_accepted():
    d = dossiers([("2026-04-01", "2026-04-03", None)])
    assert int(count_dossiers(d, parse_period("2026-Q2")).loc[0, "new"]) == 1


def test_bad_period_and_missing_column_are_input_errors():
    d = dossiers([("2026-04-01", "2026-04-03", None)])
    with pytest.raises(InputError):
        count_dossiers(d, "31/01/2026", "01/01/2026")
    with pytest.raises(InputError):
        count_dossiers(d.drop(columns="due_at"), F, T)
    with pytest.raises(InputError):
        count_dossiers(d, F, T, by="officer")


def test_date_units_do_not_matter():
    d = dossiers([("2026-01-02 10:00", "2026-01-06", "2026-01-06 11:00")])
    ms = d.astype("datetime64[ms]")
    s = d.astype("datetime64[s]")
    for frame in (ms, s):
        pd.testing.assert_frame_equal(count_dossiers(frame, F, T), count_dossiers(d, F, T))


def test_sum_of_parts_equals_whole():
    d = dossiers(
        [
            ("2026-01-02", "2026-01-06", "2026-01-05"),
            ("2025-12-20", "2026-01-02", "2026-01-03"),
            ("2026-01-10", "2026-01-16", None),
            ("2026-01-11", "2026-01-16", "2026-01-12"),
        ],
        field=["Hộ tịch", "Đất đai", "Hộ tịch", None],
    )
    whole = count_dossiers(d, F, T, by="field")
    parts = [count_dossiers(d.iloc[:2], F, T, by="field"), count_dossiers(d.iloc[2:], F, T, by="field")]
    pd.testing.assert_frame_equal(sum_counts(parts, by="field"), whole, check_dtype=False)
    total = sum_counts([count_dossiers(d.iloc[:1], F, T), count_dossiers(d.iloc[1:], F, T)])
    pd.testing.assert_frame_equal(total, count_dossiers(d, F, T), check_dtype=False)


def test_identity_violations_reports_a_broken_row():
    c = pd.DataFrame({"in_scope": [3], "resolved": [2], "pending": [2]})
    problems = identity_violations(c)
    assert problems.loc[0, "identity"] == "in_scope = resolved + pending"
    with pytest.raises(AssertionError):
        check_identities(c)


# --- properties: the Biểu 06 identities hold for any dossiers and any period -------------------------------

day = st.integers(min_value=0, max_value=120)


@st.composite
def random_dossiers(draw):
    n = draw(st.integers(min_value=0, max_value=40))
    base = np.datetime64("2025-12-01")
    rows = []
    for _ in range(n):
        received = draw(day)
        # None: a blank due date (no deadline)
        due = draw(st.one_of(st.none(), st.integers(0, 30).map(lambda x, r=received: r + x)))
        resolved = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda x, r=received: r + x)))
        hour = draw(st.integers(0, 23))
        rows.append(
            (
                str(base + np.timedelta64(received * 24 + hour, "h")),
                None if due is None else str(base + np.timedelta64(due, "D")),
                None if resolved is None else str(base + np.timedelta64(resolved * 24 + hour, "h")),
            )
        )
    channels = draw(st.lists(st.sampled_from([*CHANNELS, None]), min_size=n, max_size=n))
    fields = draw(st.lists(st.sampled_from(["Hộ tịch", "Đất đai", None]), min_size=n, max_size=n))
    frame = dossiers(rows, channel=channels, field=fields) if n else dossiers([])
    if not n:
        frame["channel"] = pd.Categorical([], categories=CHANNELS)
        frame["field"] = pd.array([], dtype="string")
    return frame


@settings(max_examples=60, deadline=None)
@given(random_dossiers(), st.integers(0, 100), st.integers(0, 40), st.sampled_from(["date", "datetime"]))
def test_identities_hold_for_every_group(d, start, length, granularity):
    f = date(2025, 12, 1) + pd.Timedelta(days=start).to_pytimedelta()
    t = f + pd.Timedelta(days=length).to_pytimedelta()
    for by in (None, "field", ["channel", "month"]):
        counts = count_dossiers(d, f, t, by=by, granularity=granularity)
        assert identity_violations(counts).empty
        assert set(COUNT_COLUMNS) <= set(counts.columns)
        rated = add_rates(counts)
        assert set(RATE_COLUMNS) - {"online_payment_rate", "satisfaction_rate", "complaint_rate"} <= set(
            rated
        )
        for rate in ("early_rate", "on_time_rate", "late_rate", "progress_766_rate", "online_rate"):
            values = rated[rate].dropna()
            assert ((values >= 0) & (values <= 1)).all()
        # Dossiers without a deadline: counted on their own, never early, late or overdue.
        flags = classify_dossiers(d, f, t, granularity=granularity)
        blank_due = d["due_at"].isna().to_numpy()
        if by is None:
            assert counts.loc[0, "no_deadline"] == (flags["in_scope"].to_numpy() & blank_due).sum()
        for outcome in ("early", "late", "pending_overdue"):
            assert not (flags[outcome].to_numpy() & blank_due).any()
        # Groups partition the whole.
        if by is not None:
            total = count_dossiers(d, f, t, granularity=granularity)
            assert counts["in_scope"].sum() == total.loc[0, "in_scope"]
