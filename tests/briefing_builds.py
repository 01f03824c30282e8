"""Briefings built once per test session and shared by test_briefing.py and test_notebooks.py (building is slow).

Each build goes to its own temporary folder, removed when the session ends.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cchc_analysis.briefing import BriefingResult, build_briefing, find_browser

_ROOT = Path(tempfile.mkdtemp(prefix="cchc-test-briefings-"))
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)

#: The fake personal-data columns that ``synthetic.to_raw_export(..., with_personal_data=True)`` adds.
PERSONAL_HEADERS = ("Họ tên người nộp", "Số CCCD", "Số điện thoại", "Địa chỉ")


@dataclass(frozen=True)
class Build:
    result: BriefingResult
    seconds: float
    dossiers: Path | None = None


def browser() -> str | None:
    return find_browser()


@functools.cache
def inspection() -> Build:
    """``build_briefing()`` with no arguments: the 2026 inspection from the bundled data."""
    import time

    started = time.monotonic()
    result = build_briefing(out_dir=_ROOT / "default", progress=lambda _: None)
    return Build(result, time.monotonic() - started)


@functools.cache
def other_quarter() -> Build:
    """A 2026-Q2 briefing from a raw export (Vietnamese headers, title lines, fake personal data)."""
    import time

    from cchc_analysis import synthetic

    raw = _ROOT / "input" / "ho_so_quy2_2026_mo_phong.csv"
    raw.parent.mkdir(parents=True, exist_ok=True)
    frame = synthetic.generate_dossiers(1800, seed=11, start="2026-04-01", end="2026-06-30")
    synthetic.to_raw_export(frame, raw, with_personal_data=True)
    started = time.monotonic()
    result = build_briefing("2026-Q2", dossiers=raw, out_dir=_ROOT / "q2", progress=lambda _: None)
    return Build(result, time.monotonic() - started, raw)
