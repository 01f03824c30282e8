"""No personal data in any output, data text escaped in HTML, and the audit trail of every command.

One raw export, as a one-stop system gives it, carries everything that must never leak: the applicants' names,
ID-card numbers, phone numbers and addresses (fake, from ``synthetic.to_raw_export(..., with_personal_data=True)``),
officers' names, and an ID number and a phone number typed into the procedure name. Every command runs on it —
validate (table, JSON, rejects CSV), kpis (JSON, CSV, table), bieu06 (xlsx), reconcile, briefing (HTML, PDF,
executed notebook, run stamp, log) — with ``--log`` and ``--stamp`` where they exist, and every output file is
searched for every personal value. The briefing is built once for the module (it takes a while).

The same export has a field named ``<script>alert(1)</script>`` and one named ``$\\frac$`` (matplotlib math):
the briefing must show both as text.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from cchc_analysis import synthetic
from cchc_analysis.briefing import find_browser
from cchc_analysis.cli import main
from cchc_analysis.privacy import officer_pseudonym

OFFICERS = [
    "Phạm Minh Khôi",
    "Đỗ Thu Hằng",
    "Vương Quốc Bình",
    "Lý Thị Mai Phương",
    "Hồ Sĩ Tuấn",
    "Kiều Oanh",
]
TYPED_IN = ["0913 579 246", "036204001357", "lienhe.hoso@example.vn"]
SCRIPT_FIELD = "<script>alert(1)</script>"
MATH_FIELD = "Phí $\\frac$ lệ phí"
PERSONAL_HEADERS = ("Họ tên người nộp", "Số CCCD", "Số điện thoại", "Địa chỉ")
REFERENCE = Path(__file__).resolve().parent.parent / "data" / "notice_2026" / "reported_figures.csv"


def _frame() -> pd.DataFrame:
    frame = synthetic.generate_dossiers(900, seed=23, start="2026-04-01", end="2026-06-30")
    rng = np.random.default_rng(23)
    n = len(frame)
    frame["officer"] = pd.array(rng.choice(OFFICERS, n), dtype="string")
    procedure = frame["procedure"].astype("string")
    procedure.iloc[:5] = procedure.iloc[:5] + f" (liên hệ {TYPED_IN[0]})"
    procedure.iloc[5:10] = procedure.iloc[5:10] + f" - CCCD {TYPED_IN[1]}"
    procedure.iloc[10:12] = procedure.iloc[10:12] + f" {TYPED_IN[2]}"
    frame["procedure"] = procedure
    field = frame["field"].astype("string")
    field.iloc[rng.choice(n, 150, replace=False)] = SCRIPT_FIELD
    field.iloc[rng.choice(n, 90, replace=False)] = MATH_FIELD
    frame["field"] = field
    return frame


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pii")
    frame = _frame()
    csv_path = synthetic.to_raw_export(frame, folder / "ho_so_quy2_mo_phong.csv", with_personal_data=True)
    xlsx_path = synthetic.to_raw_export(frame, folder / "ho_so_quy2_mo_phong.xlsx", with_personal_data=True)
    return {"csv": csv_path, "xlsx": xlsx_path, "folder": folder}


@pytest.fixture(scope="module")
def personal_values(exports) -> list[str]:
    with open(exports["csv"], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header_at = next(i for i, row in enumerate(rows) if PERSONAL_HEADERS[0] in row)
    columns = [rows[header_at].index(h) for h in PERSONAL_HEADERS]
    values = {
        row[c].strip() for row in rows[header_at + 1 :] for c in columns if len(row) > c and row[c].strip()
    }
    assert len(values) > 1000
    return sorted(values | set(OFFICERS) | set(TYPED_IN))


def _text_of(path: Path) -> str:
    """Every text a reader of the file could see, NFC."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        workbook = load_workbook(path)
        text = "\n".join(
            str(cell.value)
            for ws in workbook
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None
        )
    elif suffix == ".pdf":
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    elif suffix in (".ipynb", ".json"):
        text = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
    else:
        text = path.read_text(encoding="utf-8-sig")
    return unicodedata.normalize("NFC", text)


def _leaks(text: str, values: list[str]) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    return [v for v in values if v in text]


@pytest.fixture(scope="module")
def command_outputs(exports, tmp_path_factory) -> dict[str, str]:
    """Run every data command on both exports; the text of everything they printed and wrote."""
    out_dir = tmp_path_factory.mktemp("outputs")
    texts: dict[str, str] = {}
    for kind in ("csv", "xlsx"):
        raw = exports[kind]
        commands = {
            "validate_table": [
                "validate",
                raw,
                "--show",
                "1000",
                "--rejects",
                out_dir / f"rejects_{kind}.csv",
            ],
            "validate_json": ["validate", raw, "--format", "json"],
            "kpis_json": [
                "kpis",
                raw,
                "--period",
                "2026-Q2",
                "--format",
                "json",
                "--by",
                "officer,procedure",
            ],
            "kpis_csv": [
                "kpis",
                raw,
                "--period",
                "2026-Q2",
                "--format",
                "csv",
                "--by",
                "officer,field,procedure",
            ],
            "kpis_table": ["kpis", raw, "--period", "2026-Q2", "--by", "officer", "--by", "unit"],
            "bieu06": ["bieu06", raw, "--period", "2026-Q2", "-o", out_dir / f"bieu06_{kind}.xlsx"],
            "officers_table": ["officers", raw, "--period", "2026-Q2"],
            "officers_json": ["officers", raw, "--period", "2026-Q2", "--format", "json"],
            "officers_xlsx": [
                "officers",
                raw,
                "--period",
                "2026-Q2",
                "--format",
                "xlsx",
                "-o",
                out_dir / f"officers_{kind}.xlsx",
            ],
        }
        for name, args in commands.items():
            args = [
                *args,
                "--log",
                out_dir / f"{name}_{kind}.log",
                "--stamp",
                out_dir / f"{name}_{kind}.json",
            ]
            stdout, stderr = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = main([str(a) for a in args])
            assert code == 0, stderr.getvalue()
            texts[f"{name}_{kind} stdout"] = stdout.getvalue()
            texts[f"{name}_{kind} stderr"] = stderr.getvalue()
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["reconcile", str(REFERENCE), "--format", "json"])
    assert code == 0
    texts["reconcile stdout"] = stdout.getvalue()
    for path in sorted(out_dir.iterdir()):
        texts[path.name] = _text_of(path)
    return texts


def test_every_command_output_is_free_of_personal_data(command_outputs, personal_values) -> None:
    assert {"rejects_csv.csv", "bieu06_xlsx.xlsx", "kpis_json_csv.log", "bieu06_csv.json"} <= set(
        command_outputs
    )
    assert {"officers_xlsx.xlsx", "officers_csv.xlsx", "officers_json_csv stdout"} <= set(command_outputs)
    for name, text in command_outputs.items():
        leaked = _leaks(text, personal_values)
        assert not leaked, f"{name}: {leaked[:5]}"


def test_officers_appear_only_as_pseudonyms(command_outputs) -> None:
    document = json.loads(command_outputs["kpis_json_csv stdout"])
    officers = {g["key"]["officer"] for g in document["groups"]}
    assert officers == {officer_pseudonym(name) for name in OFFICERS}
    assert all(re.fullmatch(r"Cán bộ [A-Z2-7]{8}", o) for o in officers)
    # the same officer gets the same code from the xlsx export
    assert officers == {
        g["key"]["officer"] for g in json.loads(command_outputs["kpis_json_xlsx stdout"])["groups"]
    }


def test_typed_in_identifiers_are_masked_in_kept_text(command_outputs) -> None:
    text = command_outputs["kpis_csv_csv stdout"]
    assert "(liên hệ [đã ẩn])" in text and "CCCD [đã ẩn]" in text


def test_officer_names_are_kept_only_on_request(exports, capsys) -> None:
    code = main(["kpis", str(exports["csv"]), "--by", "officer", "--format", "json", "--officer-names"])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert {g["key"]["officer"] for g in document["groups"]} == set(OFFICERS)


def test_stamps_and_logs_of_kpis_and_bieu06(command_outputs, exports) -> None:
    stamp = json.loads(command_outputs["kpis_json_csv.json"])
    assert stamp["command"] == "kpis"
    (source,) = stamp["inputs"]
    assert source["file"] == str(exports["csv"]) and len(source["sha256"]) == 64
    rows = source["rows"]
    assert rows["read"] == rows["loaded"] + rows["excluded"] + rows["rejected"] == 900
    assert stamp["parameters"]["period"] == {"from": "2026-04-01", "to": "2026-06-30"}
    assert stamp["parameters"]["by"] == ["officer", "procedure"]
    assert stamp["outputs"][0]["role"] == "stdout" and len(stamp["outputs"][0]["sha256"]) == 64
    assert stamp["package_version"] and stamp["created_at"] and "git_commit" in stamp
    assert stamp["synthetic"] is True
    assert stamp["privacy"]["officers"].startswith("pseudonyms")
    bieu06 = json.loads(command_outputs["bieu06_xlsx.json"])
    assert bieu06["command"] == "bieu06" and bieu06["outputs"][0]["file"].endswith("bieu06_xlsx.xlsx")
    log = command_outputs["kpis_json_csv.log"]
    assert "Lệnh: cchc kpis" in log and "đọc 900 dòng" in log and "Xong (mã thoát 0)" in log


def test_a_failed_run_writes_its_log_but_no_stamp(tmp_path, capsys) -> None:
    log, stamp = tmp_path / "run.log", tmp_path / "run.json"
    bad = Path(__file__).parent / "data" / "bad" / "enc_mojibake.csv"
    code = main(["kpis", str(bad), "--log", str(log), "--stamp", str(stamp)])
    assert code == 2
    assert "Dừng (mã thoát 2)" in log.read_text(encoding="utf-8") and "mojibake" in log.read_text(
        encoding="utf-8"
    )
    assert not stamp.exists()
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


# --- the briefing --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def briefing_folder(exports, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("briefing")
    code = main(["briefing", "--period", "2026-Q2", "--dossiers", str(exports["csv"]), "--out", str(out)])
    assert code == 0
    return out / "2026-Q2"


def test_briefing_outputs_are_free_of_personal_data(briefing_folder, personal_values) -> None:
    names = {p.name for p in briefing_folder.iterdir()}
    assert {"briefing.html", "briefing.ipynb", "run_stamp.json", "briefing.log"} <= names
    if find_browser():
        assert "briefing.pdf" in names
    assert not [n for n in names if ".tmp" in n]  # no half-written file left behind
    for path in sorted(briefing_folder.iterdir()):
        leaked = _leaks(_text_of(path), personal_values)
        assert not leaked, f"{path.name}: {leaked[:5]}"


def test_briefing_escapes_data_text_in_html(briefing_folder) -> None:
    page = (briefing_folder / "briefing.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page and "<script" not in page.lower()
    assert "$\\frac$" in page  # shown as text in the table; the chart drew it as text too (no math error)


def test_briefing_stamp_and_log(briefing_folder, exports) -> None:
    stamp = json.loads((briefing_folder / "run_stamp.json").read_text(encoding="utf-8"))
    assert stamp["command"] == "briefing" and stamp["period"] == "2026-Q2"
    assert stamp["inputs"][0]["file"] == str(exports["csv"].resolve())
    assert stamp["inputs"][0]["rows"]["read"] == 900
    roles = {o["role"]: o for o in stamp["outputs"]}
    assert {"html", "notebook"} <= set(roles) and all(len(o["sha256"]) == 64 for o in roles.values())
    log = (briefing_folder / "briefing.log").read_text(encoding="utf-8")
    assert "Đọc dữ liệu đầu vào" in log and "đọc 900 dòng" in log and "Đã tạo báo cáo kỳ 2026-Q2" in log


@pytest.fixture(scope="module")
def exploration_folder(exports, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exploration")
    args = ["briefing", "--period", "2026-Q2", "--dossiers", str(exports["csv"]), "--out", str(out)]
    code = main([*args, "--notebook", "03_kham_pha"])
    assert code == 0
    return out / "2026-Q2"


def test_exploration_notebook_shows_officers_only_as_pseudonyms(exploration_folder, personal_values) -> None:
    notebook = _text_of(exploration_folder / "briefing.ipynb")
    assert officer_pseudonym(OFFICERS[0]) in notebook  # the per-officer tables are there, under codes
    for path in sorted(exploration_folder.iterdir()):
        leaked = _leaks(_text_of(path), personal_values)
        assert not leaked, f"{path.name}: {leaked[:5]}"
