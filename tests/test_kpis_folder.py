"""``cchc kpis`` on a folder of files, and on a Parquet file read in parts, equals one file with all the rows.

The data: synthetic dossiers of four communes received January–June 2025 (some carried over from 2024 and many
still open at the cut-off), plus

- a dossier repeated in a later month (its first occurrence is kept, the repeat rejected),
- a dossier repeated in the same month,
- a row with the latest receipt date that is rejected (due before received), so that the receipt span of the
  loaded dossiers is not the span of the file.

The folder's files, in name order, hold exactly the rows of the single file in the same order, so "the first
occurrence" is the same row in both.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cchc_analysis.loaders.build  # noqa: F401  (patched below)
from cchc_analysis import loaders
from cchc_analysis.cli import main
from cchc_analysis.dossier_ids import KnownIds
from cchc_analysis.kpis import build_kpi_report, format_report_json, report_to_json
from cchc_analysis.loaders import load_dossiers, load_dossiers_by_part
from cchc_analysis.periods import parse_period
from cchc_analysis.synthetic import generate_dossiers, to_parquet, to_raw_export

BY = ["unit", "quarter"]


def _dossiers() -> pd.DataFrame:
    df = generate_dossiers(2400, seed=11, units=4, start="2025-01-01", end="2025-06-30", cutoff="2025-06-30")
    df = df.sort_values("received_at", kind="stable", ignore_index=True)
    repeat_later = df.iloc[[5]].copy()  # a January dossier again in May, other dates
    repeat_later["received_at"] = pd.Timestamp("2025-05-20 09:00")
    repeat_later["due_at"] = pd.Timestamp("2025-05-30 17:00")
    repeat_later["resolved_at"] = pd.NaT
    may = df.index[df["received_at"].dt.month == 5][10]
    repeat_same = df.loc[[may]].copy()  # a May dossier twice in May
    late_rejected = df.iloc[[-1]].copy()
    late_rejected["dossier_id"] = "MP.LATE-0001"
    late_rejected["received_at"] = pd.Timestamp("2025-07-03 10:00")  # the latest receipt of the file…
    late_rejected["due_at"] = pd.Timestamp("2025-07-01 17:00")  # …rejected: due before received
    late_rejected["resolved_at"] = pd.NaT
    df = pd.concat([df, repeat_later, repeat_same, late_rejected], ignore_index=True)
    df["month"] = df["received_at"].dt.strftime("%Y-%m")
    df = df.sort_values("month", kind="stable", ignore_index=True)  # the order of the monthly files
    df.attrs.update(seed=11)
    return df


@pytest.fixture(scope="module")
def dossiers() -> pd.DataFrame:
    return _dossiers()


def _write(df: pd.DataFrame, path: Path) -> Path:
    frame = df.drop(columns=["month"]).reset_index(drop=True)
    frame.attrs.update(df.attrs)
    if path.suffix == ".parquet":
        return to_parquet(frame, path)
    return to_raw_export(frame, path)


def _split(df: pd.DataFrame, folder: Path, column: str, suffix: str) -> Path:
    folder.mkdir()
    for i, (_, part) in enumerate(df.groupby(column, sort=True, observed=True)):
        _write(part, folder / f"{i:02d}_synthetic{suffix}")
    return folder


def _document(path: Path, period=None, by=BY, as_of=None) -> dict:
    return json.loads(format_report_json(build_kpi_report(path, period, by=by, as_of=as_of)))


@pytest.mark.parametrize("period", [None, "2025-Q2", "2025-02"])
def test_parquet_folder_by_month_equals_one_file(dossiers, tmp_path, period):
    single = _write(dossiers, tmp_path / "all_synthetic.parquet")
    folder = _split(dossiers, tmp_path / "months", "month", ".parquet")
    chosen = parse_period(period) if period else None
    whole, parts = _document(single, chosen), _document(folder, chosen)
    assert parts == whole
    counts = [g["counts"] for g in whole["groups"]]
    assert whole["rows"]["rejected"] == 3  # two repeats and the late row
    assert sum(c["in_scope"] for c in counts) > 0
    if period == "2025-Q2":  # dossiers from earlier months still open on 1 April are counted
        assert sum(c["carried_over"] for c in counts) > 0
    if period is None:  # the rejected row received on 3 July does not stretch the period
        assert whole["period"] == {"from": "2024-12-11", "to": "2025-06-30"}


def test_parquet_folder_by_unit_equals_one_file(dossiers, tmp_path):
    by_unit = dossiers.sort_values("unit", kind="stable", ignore_index=True)  # the order of the unit files
    by_unit.attrs.update(dossiers.attrs)
    single = _write(by_unit, tmp_path / "all_synthetic.parquet")
    folder = _split(by_unit, tmp_path / "units", "unit", ".parquet")
    period = parse_period("2025-Q2")
    for by in (BY, ["month"], None):
        assert _document(folder, period, by) == _document(single, period, by)


def test_csv_folder_equals_one_file(dossiers, tmp_path):
    single = _write(dossiers, tmp_path / "all_synthetic.csv")
    folder = _split(dossiers, tmp_path / "months", "month", ".csv")
    for period in (None, parse_period("2025-Q2")):
        assert _document(folder, period) == _document(single, period)
    # and the same numbers as the same rows from Parquet (which has no title line stating the period and the
    # cut-off: both are given)
    parquet = _write(dossiers, tmp_path / "all_synthetic.parquet")
    half = parse_period("01/01/2025..30/06/2025")
    assert _document(folder, half)["groups"] == _document(parquet, half, as_of="30/06/2025")["groups"]


def test_parquet_in_parts_equals_one_reading(dossiers, tmp_path, monkeypatch):
    path = _write(dossiers, tmp_path / "all_synthetic.parquet")
    whole = load_dossiers(path)
    parts: list[pd.DataFrame] = []
    result = load_dossiers_by_part(path, lambda p: parts.append(p.dossiers), part_rows=300)
    assert len(parts) == 9 and result.sha256 == whole.sha256
    # Without known ids each part is checked on its own: both repeats are in later parts than their first
    # occurrence, so they are loaded — and their hashes show it (what the KPI report checks) …
    assert result.accounting.rejected == whole.accounting.rejected - 2
    hashes = np.sort(result.id_hashes)
    assert (hashes[1:] == hashes[:-1]).sum() == 2
    # … with them, they are rejected exactly as in one reading, naming the row of the first occurrence.
    known = KnownIds()
    result = load_dossiers_by_part(path, lambda p: None, part_rows=300, known_ids=known)
    assert result.accounting == whole.accounting
    pd.testing.assert_frame_equal(result.rejects, whole.rejects)
    assert "Mã hồ sơ trùng với dòng 6" in result.rejects["reason"].tolist()
    # The KPI report reads parts, finds the repeat among the hashes and counts again, exactly.
    reference = _document(path)
    monkeypatch.setattr(loaders.build, "PARQUET_PART_ROWS", 300)
    assert _document(path) == reference
    assert _document(path, parse_period("2025-Q2")) == _document(
        _write(dossiers, tmp_path / "again_synthetic.csv"), parse_period("2025-Q2")
    )


def test_cli_folder_json_equals_one_file(dossiers, tmp_path, capsys):
    single = _write(dossiers, tmp_path / "all_synthetic.parquet")
    folder = _split(dossiers, tmp_path / "months", "month", ".parquet")
    outputs = []
    for path in (single, folder):
        code = main(["kpis", str(path), "--by", "unit,quarter", "--period", "2025-Q2", "--format", "json"])
        assert code == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert outputs[0] == report_to_json(build_kpi_report(single, parse_period("2025-Q2"), by=BY))
