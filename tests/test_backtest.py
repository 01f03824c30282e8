"""Back-test: the bundled synthetic export, read like any raw export, reproduces the notice's figures end to end.

The expected numbers are the notice's (source/000_41fd4556a725f6fe.txt, part I.1.b): 3.099 dossiers,
3.067/3.080 early = 99,6 %, 02 late, 29,78 % full-process online, 100 % online receipt, digitisation and online
payment; 19 still open at 13/04/2026 (3.099 − 3.080) and 11 on time (3.080 − 3.067 − 2); reuse 3.092/3.099, the
nearest attainable to the printed 99,78 %; 02 petitions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc_analysis.cli import main
from cchc_analysis.formatting import fmt_int, fmt_pct
from cchc_analysis.loaders import load_dossiers
from cchc_analysis.rates import check_identities, processing_rates
from cchc_analysis.reported import read_reported_figures
from cchc_analysis.synthetic import NOTICE_FIGURES, notice_targets

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "synthetic" / "dossiers_dai_son_2026_mo_phong.csv"


def _notice() -> dict[str, int]:
    """The notice's counts: printed ones from data/notice_2026/reported_figures.csv, the others derived from them
    in one place (:func:`cchc_analysis.synthetic.notice_targets`)."""
    t = notice_targets()
    return {
        "in_scope": t["dossiers"],
        "new": t["dossiers"],
        "carried_over": 0,
        "new_online": t["dossiers"],  # the notice prints 100 % online receipt
        "new_in_person_postal": 0,
        "resolved": t["resolved"],
        "early": t["early"],
        "on_time": t["on_time"],
        "late": t["late"],
        "pending": t["pending_within"],
        "pending_within": t["pending_within"],
        "pending_overdue": 0,
        "full_online": t["full_online"],
        "partial_online": t["partial_online"],
        "digitized": t["dossiers"],  # 100 % digitised
        "data_reused": t["data_reused"],
        "complaint": t["complaint"],
    }


NOTICE = _notice()


@pytest.fixture(scope="module")
def loaded():
    return load_dossiers(SAMPLE)


def test_sample_is_marked_synthetic_and_fully_loaded(loaded):
    assert loaded.synthetic
    a = loaded.accounting
    assert (a.read, a.loaded, a.excluded, a.rejected) == (NOTICE["new"], NOTICE["new"], 0, 0)


def test_counts_equal_the_notice(loaded):
    table = processing_rates(loaded.dossiers, "01/01/2026", "13/04/2026")
    check_identities(table)
    row = {c: table[c].iloc[0] for c in table}
    assert {k: int(row[k]) for k in NOTICE} == NOTICE
    assert int(row["paid_online"]) == int(row["fee_required"]) > 0


def test_rates_print_as_in_the_notice(loaded):
    """Each printed rate of reported_figures.csv, recomputed and printed at its own precision, reads the same —
    except the reuse rate, whose printed 99,78 % no whole number of dossiers over 3.099 gives."""
    table = processing_rates(loaded.dossiers, "01/01/2026", "13/04/2026")
    row = {c: table[c].iloc[0] for c in table}
    printed = read_reported_figures(NOTICE_FIGURES).set_index("key")
    assert fmt_int(row["in_scope"]) == fmt_int(printed.loc["received", "value"])
    rates = {
        "early_rate": "early_rate",
        "full_online_rate": "full_online_rate",
        "online_receipt_rate": "online_rate",
        "digitization_rate": "digitization_rate",
        "online_payment_rate": "online_payment_rate",
    }
    for key, rate in rates.items():
        figure = printed.loc[key]
        assert fmt_pct(row[rate], int(figure["decimals"])) == figure["value_text"] + " %", key
    reuse = printed.loc["reuse_rate"]
    assert fmt_pct(row["reuse_rate"], int(reuse["decimals"])) != reuse["value_text"] + " %"
    assert row["data_reused"] == NOTICE["data_reused"]  # the nearest attainable count


def test_cli_json_gives_the_notice_figures(capsys):
    code = main(["kpis", str(SAMPLE), "--from", "01/01/2026", "--to", "13/04/2026", "--format", "json"])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert document["period"] == {"from": "2026-01-01", "to": "2026-04-13"}
    assert document["rows"] == {"read": NOTICE["new"], "loaded": NOTICE["new"], "excluded": 0, "rejected": 0}
    assert len(document["groups"]) == 1 and document["groups"][0]["key"] == {}
    counts, rates = document["groups"][0]["counts"], document["groups"][0]["rates"]
    assert {k: counts[k] for k in NOTICE} == NOTICE
    assert rates["early_rate"] == NOTICE["early"] / NOTICE["resolved"]
    assert rates["full_online_rate"] == NOTICE["full_online"] / NOTICE["new"]
    assert rates["online_rate"] == rates["digitization_rate"] == rates["online_payment_rate"] == 1.0
    assert document["synthetic"] is True and document["note"] == "Dữ liệu mô phỏng"
