"""The bad-input corpus (tests/data/bad/): every broken or hostile file ends in counted rejects or one clear message.

For each ``<name>.<ext>`` and its ``<name>.expected.json``, ``cchc validate`` and ``cchc kpis`` either

- exit 0 with every row accounted for (``read = loaded + excluded + rejected``, rejects counted by reason), or
- exit 2 with one line on stderr, Vietnamese then English (`` | ``), naming the file — never a traceback.

A few files go through ``python -m cchc_analysis`` in a subprocess too, to see stderr as a user does. A very large
file (300.000 rows with known bad rows) is generated here rather than committed.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from cchc_analysis.cli import main

CORPUS = Path(__file__).parent / "data" / "bad"
REPO = Path(__file__).resolve().parent.parent


def _cases() -> list[tuple[Path, dict]]:
    cases = []
    for expected in sorted(CORPUS.glob("*.expected.json")):
        stem = expected.name.removesuffix(".expected.json")
        (data,) = [
            p
            for p in CORPUS.iterdir()
            if p.name.startswith(stem + ".") and not p.name.endswith(".expected.json")
        ]
        cases.append((data, json.loads(expected.read_text(encoding="utf-8"))))
    return cases


CASES = _cases()
IDS = [path.name for path, _ in CASES]


def run(args: list[object], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_error_message(err: str, path: Path, expected: dict) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err  # one line, no traceback
    message = lines[0]
    assert "Traceback" not in message
    assert " | " in message  # Vietnamese | English
    vietnamese, english = message.split(" | ", 1)
    assert path.name in vietnamese and path.name in english  # names the file, in both languages
    for text in expected["message_contains"]:
        assert text.lower() in message.lower(), f"«{text}» not in {message}"


def test_the_corpus_is_complete_and_small() -> None:
    assert len(CASES) >= 30
    names = {p.name for p in CORPUS.iterdir()}
    assert "README.md" in names and "make_corpus.py" in names
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for path, _ in CASES:
        assert path.name in readme, f"{path.name} is not listed in tests/data/bad/README.md"
    assert sum(p.stat().st_size for p in CORPUS.iterdir()) < 2_000_000
    outcomes = {e["exit"] for _, e in CASES}
    assert outcomes == {0, 2}


@pytest.mark.parametrize(("path", "expected"), CASES, ids=IDS)
def test_validate(path: Path, expected: dict, tmp_path: Path, capsys) -> None:
    rejects = tmp_path / "rejects.csv"
    code, out, err = run(["validate", path, "--format", "json", "--rejects", rejects], capsys)
    assert code == expected["exit"], err
    if code == 2:
        assert out == ""
        check_error_message(err, path, expected)
        assert not rejects.exists()
        return
    assert "Traceback" not in err
    document = json.loads(out)
    rows = document["rows"]
    assert rows == expected["rows"]
    assert rows["read"] == rows["loaded"] + rows["excluded"] + rows["rejected"]
    assert document["rejects_by_reason"] == expected.get("reject_reasons", {})
    with open(rejects, encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh, delimiter=";"))  # the rejects file is for Excel: «;»
    assert len(records) == rows["rejected"]  # every rejected row is listed, with its row number and reason
    assert all(r["row"].isdigit() and r["reason"] and r["reason_code"] for r in records)
    assert all(len(r["value"]) <= 200 for r in records)
    for text in expected.get("absent_from_output", []):
        assert text not in out and text not in rejects.read_text(encoding="utf-8-sig")
    notes = " ".join(document.get("notes", []))
    for text in expected.get("notes_contain", []):  # e.g. ids that Excel rounded: said, with examples
        assert text in notes, notes


@pytest.mark.parametrize(("path", "expected"), CASES, ids=IDS)
def test_kpis_json(path: Path, expected: dict, capsys) -> None:
    code, out, err = run(["kpis", path, "--period", "2026", "--format", "json"], capsys)
    assert code == expected["exit"], err
    if code == 2:
        assert out == ""
        check_error_message(err, path, expected)
        return
    document = json.loads(out)
    assert document["rows"] == expected["rows"]
    rows = expected["rows"]
    if rows["rejected"] or rows["excluded"]:
        assert "Lưu ý" in err and str(rows["rejected"]) in err  # never silently fewer rows
    else:
        assert "Lưu ý" not in err  # (stderr may show progress on big files)
    assert "Traceback" not in err
    (group,) = document["groups"]
    c = group["counts"]
    # The Biểu 06 identities hold whatever the input.
    assert c["in_scope"] == c["resolved"] + c["pending"]
    assert c["resolved"] == c["early"] + c["on_time"] + c["late"]
    assert c["pending"] == c["pending_within"] + c["pending_overdue"]
    assert c["in_scope"] <= rows["loaded"]
    for text in expected.get("absent_from_output", []):
        assert text not in out and text not in err


def test_bieu06_of_every_readable_file(tmp_path: Path, capsys) -> None:
    for path, expected in CASES:
        if expected["exit"] != 0:
            continue
        out = tmp_path / f"{path.stem}.xlsx"
        code, _, err = run(["bieu06", path, "--period", "2026", "-o", out], capsys)
        assert code == 0, (path.name, err)
        sheet = load_workbook(out).active
        total = [row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng cộng"]
        assert len(total) == 1 and total[0][2] <= expected["rows"]["loaded"], path.name


def test_validate_table_output_of_every_readable_file(capsys) -> None:
    for path, expected in CASES:
        code, out, err = run(["validate", path, "--show", "100"], capsys)
        assert code == expected["exit"], (path.name, err)
        if code == 0:
            r = expected["rows"]
            assert f"= nạp {r['loaded']:,}".replace(",", ".") in out, path.name
            assert "<NA>" not in out and "nan" not in out.split("Tệp:")[1].split("\n", 1)[1]


# --- formulas are neutralised in every spreadsheet-bound output ------------------------------------------------------
@pytest.mark.parametrize("name", ["formula_cells.csv", "formula_cells_xlsx.xlsx"])
def test_formula_cells_are_neutralised_in_csv_and_xlsx_outputs(name: str, tmp_path: Path, capsys) -> None:
    path = CORPUS / name
    formulas = json.loads((CORPUS / name.replace(Path(name).suffix, ".expected.json")).read_text())[
        "formulas"
    ]
    code, out, _ = run(
        ["kpis", path, "--period", "2026", "--by", "procedure,field,unit", "--format", "csv"], capsys
    )
    assert code == 0
    cells = [cell for row in csv.reader(out.splitlines()) for cell in row]
    assert cells and not [
        c for c in cells if c.startswith(("=", "+", "@")) or (c.startswith("-") and not _is_number(c))
    ]
    assert any(c.startswith("'=HYPERLINK") for c in cells)

    rejects = tmp_path / "rejects.csv"
    code, _, _ = run(["validate", path, "--rejects", rejects], capsys)
    assert code == 0
    for row in csv.reader(rejects.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"):
        assert not [c for c in row if c.startswith(("=", "+", "@", "-"))]

    xlsx = tmp_path / "bieu06.xlsx"
    code, _, err = run(["bieu06", path, "--period", "2026", "-o", xlsx], capsys)
    assert code == 0, err
    texts = [
        c.value for row in load_workbook(xlsx).active.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert any(t.startswith("'") for t in texts)  # the formula-looking fields, neutralised
    assert not [t for t in texts if t.startswith(("=", "+", "@", "-"))]
    assert not {f for f in formulas if f in texts}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- as a user sees it: a subprocess, stderr without a traceback -----------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "password_protected.xlsx",
        "truncated_xlsx.xlsx",
        "enc_binary_garbage.csv",
        "enc_mojibake.csv",
        "stray_cell_far_away.xlsx",
        "unreadable_dates.csv",
    ],
)
def test_subprocess_never_shows_a_traceback(name: str) -> None:
    path = CORPUS / name
    expected = json.loads((CORPUS / f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    for command in (["validate", str(path)], ["kpis", str(path), "--period", "2026", "--format", "json"]):
        done = subprocess.run(
            [sys.executable, "-m", "cchc_analysis", *command],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            cwd=REPO,
        )
        assert done.returncode == expected["exit"], done.stderr
        assert "Traceback" not in done.stderr and "panicked" not in done.stderr
        if done.returncode == 2:
            assert len(done.stderr.strip().splitlines()) == 1 and " | " in done.stderr


# --- a very large file -----------------------------------------------------------------------------------------------
def test_a_very_large_file_is_read_in_full_with_its_bad_rows_counted(tmp_path: Path, capsys) -> None:
    n = 300_000
    rng = np.random.default_rng(7)
    received = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 90 * 24, n), unit="h")
    due = received.normalize() + pd.to_timedelta(rng.integers(0, 15, n), unit="D")
    done = rng.random(n) < 0.9
    resolved = (received + pd.to_timedelta(rng.integers(1, 20 * 24, n), unit="h")).where(done)
    frame = pd.DataFrame(
        {
            "Mã hồ sơ": [f"HS-{i:07d}" for i in range(n)],
            "Ngày tiếp nhận": received.strftime("%d/%m/%Y %H:%M"),
            "Ngày hẹn trả": due.strftime("%d/%m/%Y"),
            "Ngày kết thúc xử lý": pd.Series(resolved).dt.strftime("%d/%m/%Y %H:%M").fillna("").to_numpy(),
            "Lĩnh vực": rng.choice(["Hộ tịch", "Chứng thực", "Đất đai"], n),
            "Trạng thái": "10",
        }
    )
    bad = rng.choice(np.arange(1, n), 60, replace=False)  # row 0 stays good: the first HS-0000000
    frame.loc[bad[:20], "Ngày tiếp nhận"] = "31/02/2026"
    frame.loc[bad[20:40], "Mã hồ sơ"] = "HS-0000000"  # duplicates of the first row
    frame.loc[bad[40:50], "Trạng thái"] = "3"
    frame.loc[bad[50:], "Trạng thái"] = "99"
    path = tmp_path / "rat_lon.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")

    code, out, err = run(["validate", path, "--format", "json"], capsys)
    assert code == 0, err
    document = json.loads(out)
    rows = document["rows"]
    assert rows["read"] == n
    assert rows["read"] == rows["loaded"] + rows["excluded"] + rows["rejected"]
    assert rows["excluded"] == 10
    assert rows["rejected"] == 50
    assert document["rejects_by_reason"] == {"bad_date": 20, "duplicate_id": 20, "unknown_status": 10}


# --- bad options are bad input too -----------------------------------------------------------------------------------
GOOD_FILE = CORPUS / "enc_utf8_bom.csv"


@pytest.mark.parametrize(
    ("args", "contains"),
    [
        (["kpis", GOOD_FILE, "--period", "2026-Q5"], "2026-Q5"),
        (["kpis", GOOD_FILE, "--from", "31/02/2026", "--to", "01/03/2026"], "31/02/2026"),
        (["kpis", GOOD_FILE, "--from", "01/04/2026", "--to", "01/01/2026"], "trước ngày bắt đầu"),
        (["kpis", GOOD_FILE, "--from", "01/01/0001", "--to", "31/12/9999"], "ngoài khoảng hợp lệ"),
        (["kpis", GOOD_FILE, "--period", "9999-Q4"], "ngoài khoảng hợp lệ"),
        (["kpis", GOOD_FILE, "--by", "nonsense"], "nonsense"),
        (["validate", GOOD_FILE, "--delimiter", "ab"], "một ký tự"),
        (["validate", GOOD_FILE, "--encoding", "khong-co"], "bảng mã"),
        (["validate", GOOD_FILE, "--format", "xml"], "xml"),
        (["bieu06", GOOD_FILE, "--period", "2026", "-o", "{tmp}/bieu06.docx"], ".xlsx"),
        (["bieu06", GOOD_FILE, "--period", "2026", "-o", "{tmp}"], "{tmp}"),
        (["validate", GOOD_FILE, "--rejects", "{tmp}"], "{tmp}"),
        (["kpis", GOOD_FILE, "--stamp", "{tmp}"], "{tmp}"),
        (["kpis", "{tmp}"], "không có tệp hồ sơ"),
        (["kpis", "{tmp}/khong_co.csv"], "Không tìm thấy tệp"),
        (
            ["reconcile", CORPUS / "enc_binary_garbage.csv"],
            "không phải văn bản CSV",
        ),  # the dossier loaders' decoding, shared by every table
        (["reconcile", CORPUS / "empty.csv"], "trống"),
        (["briefing", "--period", "2026-Q9"], "2026-Q9"),
    ],
)
def test_bad_options_are_one_clear_line_and_exit_2(args, contains: str, tmp_path: Path, capsys) -> None:
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = run(args, capsys)
    assert code == 2, err
    assert out == ""
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("Đọc dữ liệu")]
    assert len(lines) == 1 and " | " in lines[0], err
    assert contains.replace("{tmp}", str(tmp_path)) in lines[0]


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_a_console_without_vietnamese_letters_is_no_crash(encoding: str) -> None:
    import os

    for command in (["validate", str(GOOD_FILE)], ["kpis", str(CORPUS / "empty.csv")]):
        done = subprocess.run(
            [sys.executable, "-m", "cchc_analysis", *command],
            capture_output=True,
            timeout=120,
            cwd=REPO,
            env={**os.environ, "PYTHONIOENCODING": encoding},
        )
        assert done.returncode in (0, 2), done.stderr
        assert b"Traceback" not in done.stderr and b"UnicodeEncodeError" not in done.stderr


# --- a mixed folder of hostile files (issue 16) -------------------------------------------------------------------
HOSTILE_FOLDER = [
    "hostile_markup_cells.csv",
    "hostile_name_``[x](javascript;alert(1))``_$x$_{{y}}_#h.csv",
    "ids_fullwidth_lookalike.csv",
    "ids_excel_rounded.csv",
    "enc_tcvn3_abc.csv",
    "enc_vni_windows.csv",
    "enc_tcvn3_cells.xlsx",
    "cover_sheet_first.xlsx",
]


@pytest.mark.parametrize("with_legacy", [True, False], ids=["with-legacy-files", "readable-only"])
def test_a_mixed_folder_of_hostile_files_is_exit_0_or_2_quickly(with_legacy: bool, tmp_path: Path) -> None:
    """Every command on a folder of hostile files: exit 0 or 2, never a traceback, within a minute each."""
    import shutil
    import time

    folder = tmp_path / "ho_so"
    folder.mkdir()
    for name in HOSTILE_FOLDER:
        expected = json.loads(
            (CORPUS / f"{name.rsplit('.', 1)[0]}.expected.json").read_text(encoding="utf-8")
        )
        if with_legacy or expected["exit"] == 0:
            shutil.copy(CORPUS / name, folder / name)
    (folder / "``<img src=x onerror=alert(1)>``.csv").write_bytes(
        (CORPUS / "hostile_markup_cells.csv").read_bytes()
    )
    out = tmp_path / "out"
    commands = [
        ["validate", folder],
        ["kpis", folder, "--period", "2026", "--format", "json"],
        ["bieu06", folder, "--period", "2026-Q2", "-o", out / "bieu06.xlsx"],
        ["briefing", "--dossiers", folder, "--period", "2026-Q2", "--out", out],
    ]
    codes = []
    for command in commands:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "cchc_analysis", *map(str, command)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
            cwd=REPO,
            env={**os.environ, "CCHC_BROWSER": "none"},
        )
        assert time.monotonic() - started < 60, command
        assert done.returncode in (0, 2), (command, done.stderr)
        assert "Traceback" not in done.stderr and "panicked" not in done.stderr, done.stderr
        if done.returncode == 2:
            assert len([line for line in done.stderr.splitlines() if " | " in line]) == 1, done.stderr
        codes.append(done.returncode)
    if with_legacy:  # a file the folder cannot read stops it with its own message
        assert codes == [2, 2, 2, 2]
    else:
        assert codes == [0, 0, 0, 0]
        page = (out / "2026-Q2" / "briefing.html").read_text(encoding="utf-8")
        assert "<img src=x" not in page and "<script>alert" not in page and "onerror=alert(1)>" not in page
