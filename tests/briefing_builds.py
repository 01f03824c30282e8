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


#: A small Q2/2026 export of another commune: title row «UBND XÃ TÂN LẬP», no system, unit, officer or
#: satisfaction column (what a one-stop system of another province gives).
TAN_LAP_TITLE = ("UBND XÃ TÂN LẬP", "DANH SÁCH HỒ SƠ TIẾP NHẬN QUÝ II NĂM 2026")
TAN_LAP_HEADER = (
    "STT",
    "Mã hồ sơ",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Lĩnh vực",
    "Kênh thực hiện",
    "Trạng thái",
)


def tan_lap_rows(n: int = 48) -> list[list[object]]:
    """``n`` dossiers received in April–June 2026: every 4th still open, every 6th resolved a day late."""
    from datetime import datetime, timedelta

    rows = []
    for i in range(n):
        received = datetime(2026, 4, 1, 8) + timedelta(days=(i * 89) // n)
        due = received + timedelta(days=3)
        if i % 4 == 3:
            resolved, status = None, "Đang giải quyết"
        else:
            resolved = due + timedelta(days=1) if i % 6 == 0 else due - timedelta(days=1)
            status = "Đã trả kết quả"
        channel = "Trực tuyến toàn trình" if i % 3 == 0 else "Trực tiếp"
        field = "Hộ tịch" if i % 2 else "Chứng thực"
        rows.append(
            [
                i + 1,
                f"TL-{i + 1:04d}",
                received.strftime("%d/%m/%Y %H:%M"),
                due.strftime("%d/%m/%Y %H:%M"),
                resolved.strftime("%d/%m/%Y %H:%M") if resolved else None,
                field,
                channel,
                status,
            ]
        )
    return rows


def write_tan_lap(path: Path, n: int = 48) -> Path:
    """The Tân Lập export as an xlsx workbook (title rows, a blank row, the header, the rows)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Hồ sơ"
    for line in TAN_LAP_TITLE:
        ws.append([line])
    ws.append([])
    ws.append(list(TAN_LAP_HEADER))
    for row in tan_lap_rows(n):
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_required_only(path: Path, n: int = 40) -> Path:
    """A CSV with only the required columns (dossier_id, received_at, due_at, resolved_at), Q2/2026."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["dossier_id", "received_at", "due_at", "resolved_at"])
        for row in tan_lap_rows(n):
            writer.writerow([row[1], row[2], row[3], row[4] or ""])
    return path


@functools.cache
def tan_lap() -> Build:
    """``cchc briefing --period 2026-Q2 --dossiers <Tân Lập xlsx>`` (through the command line, exit code kept)."""
    import time

    from cchc_analysis.cli import main

    raw = write_tan_lap(_ROOT / "input" / "tan_lap_q2_2026.xlsx")
    out = _ROOT / "tan_lap"
    started = time.monotonic()
    code = main(["briefing", "--period", "2026-Q2", "--dossiers", str(raw), "--out", str(out)])
    if code != 0:
        raise RuntimeError(f"cchc briefing exited {code}")
    folder = out / "2026-Q2"
    result = BriefingResult(
        period="2026-Q2",
        out_dir=folder,
        html=folder / "briefing.html",
        pdf=(folder / "briefing.pdf") if (folder / "briefing.pdf").is_file() else None,
        notebook=folder / "briefing.ipynb",
        stamp=folder / "run_stamp.json",
        message="",
    )
    return Build(result, time.monotonic() - started, raw)
