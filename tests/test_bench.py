"""The benchmark script runs on a tiny N and both engines agree (``bench/run_bench.py``; not timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runs_and_engines_agree(tmp_path):
    pytest.importorskip("duckdb")
    results = tmp_path / "results.json"
    command = [sys.executable, str(ROOT / "bench" / "run_bench.py"), "--sizes", "5000", "--runs", "1"]
    command += ["--csv-sizes", "4000"]  # a CSV export of the same data, read with DuckDB's read_csv too
    command += ["--units", "25", "--out", str(tmp_path), "--xlsx-rows", "300", "--no-briefing"]
    command += ["--json", str(results), "--markdown", str(tmp_path / "report.md")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "counts agree" in done.stdout
    document = json.loads(results.read_text(encoding="utf-8"))
    (row,) = document["kpis"]
    assert row["n"] == 5000 and row["agree"] and not row["differences"]
    assert row["ours"]["wall_s"] > 0 and row["duckdb"]["rss_mb"] > 0
    (csv_row,) = document["csv"]
    assert csv_row["n"] == 4000 and csv_row["agree"] and not csv_row["differences"]
    assert document["xlsx"]["rows"] == 300
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| 5,000 |" in report and "Machine:" in report
    ours = json.loads((tmp_path / "ours_5000.json").read_text(encoding="utf-8"))
    assert ours["rows"]["read"] == 5000 and len(ours["groups"]) > 25
