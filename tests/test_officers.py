"""``cchc officers``: per officer and month of resolution, grades from the thresholds file, names kept private."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from cchc_analysis.cli import main
from cchc_analysis.officers import GRADES_FILE, TOO_FEW, grade_of, read_grade_rules
from cchc_analysis.privacy import officer_pseudonym

# Nine dossiers, period 2026-Q1. HS-6 is carried over from December (resolved in January); HS-7 is pending;
# HS-8 was resolved in December (not in the period); HS-9 has no officer.
EXPORT = """Mã hồ sơ;Ngày tiếp nhận;Ngày hẹn trả;Ngày kết thúc xử lý;Cán bộ xử lý;Mức độ hài lòng;Phản ánh kiến nghị;Trạng thái
HS-1;05/01/2026;09/01/2026;08/01/2026;Nguyễn Văn An;Hài lòng;Không;10
HS-2;06/01/2026;08/01/2026;08/01/2026;Nguyễn Văn An;Không hài lòng;Có;10
HS-3;07/01/2026;09/01/2026;12/01/2026;Nguyễn Văn An;;Không;10
HS-4;20/01/2026;30/01/2026;02/02/2026;Nguyễn Văn An;Rất hài lòng;Không;10
HS-5;10/02/2026;20/02/2026;15/02/2026;Trần Thị Bình;Hài lòng;Không;10
HS-6;25/12/2025;05/01/2026;03/01/2026;Trần Thị Bình;Hài lòng;Không;10
HS-7;10/03/2026;20/03/2026;;Trần Thị Bình;;Không;4
HS-8;28/12/2025;30/12/2025;30/12/2025;Trần Thị Bình;Hài lòng;Không;10
HS-9;10/03/2026;12/03/2026;11/03/2026;;Hài lòng;Không;10
"""
NAMES = ("Nguyễn Văn An", "Trần Thị Bình")
AN, BINH = NAMES


def _without(text: str, *columns: str) -> str:
    lines = [line.split(";") for line in text.strip().splitlines()]
    keep = [j for j, name in enumerate(lines[0]) if name not in columns]
    return "\n".join(";".join(line[j] for j in keep) for line in lines) + "\n"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "ho_so.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


def run(args: list, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rows_of(out: str) -> dict[tuple[str | None, str], dict]:
    payload = json.loads(out)
    return {(r["officer"], r["month"]): r for r in payload["officers"]}


def test_counts_per_officer_and_month_of_resolution(export, capsys):
    code, out, _ = run(
        ["officers", export, "--period", "2026-Q1", "--officer-names", "--format", "json"], capsys
    )
    assert code == 0
    # The period is counted to the data's cut-off (its last date), the one period policy of the package.
    assert json.loads(out)["period"] == {
        "from": "2026-01-01",
        "to": "2026-03-11",
        "cutoff": "2026-03-11",
        "requested_to": "2026-03-31",
    }
    rows = rows_of(out)
    assert set(rows) == {
        (AN, "2026-01"),
        (BINH, "2026-01"),
        (AN, "2026-02"),
        (BINH, "2026-02"),
        (None, "2026-03"),
    }
    an_jan = rows[
        (AN, "2026-01")
    ]  # HS-1 early & satisfied, HS-2 on time & unsatisfied & complaint, HS-3 late
    assert [
        an_jan[k] for k in ("resolved", "early", "on_time", "late", "rated", "satisfied", "complaints")
    ] == [3, 1, 1, 1, 2, 1, 1]
    assert an_jan["satisfaction_rate"] == 0.5
    assert an_jan["grade"] == TOO_FEW  # 3 resolved, fewer than the 5 the thresholds file asks for
    assert rows[(BINH, "2026-01")]["resolved"] == 1  # HS-6, carried over; HS-8 (December) is not counted
    assert rows[(AN, "2026-02")]["resolved"] == 1  # HS-4 received in January, resolved in February
    assert rows[(BINH, "2026-02")]["rated"] == 1
    assert sum(r["resolved"] for r in rows.values()) == 7  # HS-7 pending, HS-8 before the period


def test_officers_are_pseudonyms_by_default_in_every_output(export, tmp_path, capsys):
    xlsx = tmp_path / "can_bo.xlsx"
    texts = []
    for fmt in ("table", "json"):
        code, out, err = run(["officers", export, "--period", "2026-Q1", "--format", fmt], capsys)
        assert code == 0
        texts.append(out + err)
    assert run(["officers", export, "--period", "2026-Q1", "--format", "xlsx", "-o", xlsx], capsys)[0] == 0
    wb = load_workbook(xlsx)
    texts.append(
        " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    )
    for text in texts:
        for name in NAMES:
            assert name not in text
        assert officer_pseudonym(AN) in text


def test_names_key_turns_pseudonyms_into_names_on_the_screen_only(export, tmp_path, capsys):
    key = tmp_path / "khoa_ten.csv"
    code, _, err = run(["officers", export, "--period", "2026-Q1", "--write-names-key", key], capsys)
    assert code == 0 and "khóa tên" in err
    key_rows = pd.read_csv(key, encoding="utf-8-sig")
    assert dict(zip(key_rows["pseudonym"], key_rows["name"], strict=True)) == {
        officer_pseudonym(n): n for n in NAMES
    }
    code, out, _ = run(["officers", export, "--period", "2026-Q1", "--names-key", key], capsys)
    assert code == 0
    assert AN in out and BINH in out and officer_pseudonym(AN) in out

    # Never into an export: json, a file, an xlsx with the key are refused and nothing is written.
    for extra in (
        ["--format", "json"],
        ["-o", tmp_path / "a.txt"],
        ["--format", "xlsx", "-o", tmp_path / "b.xlsx"],
    ):
        code, out, err = run(["officers", export, "--period", "2026-Q1", "--names-key", key, *extra], capsys)
        assert code == 2 and "không ghi tên vào tệp xuất" in err
        assert AN not in out
    assert not (tmp_path / "a.txt").exists() and not (tmp_path / "b.xlsx").exists()


def test_absent_rating_and_complaint_columns_are_unknown_not_zero(tmp_path, capsys):
    path = tmp_path / "khong_danh_gia.csv"
    path.write_text(_without(EXPORT, "Mức độ hài lòng", "Phản ánh kiến nghị"), encoding="utf-8")
    code, out, _ = run(
        ["officers", path, "--period", "2026-Q1", "--officer-names", "--format", "json"], capsys
    )
    assert code == 0
    row = rows_of(out)[(AN, "2026-01")]
    assert row["resolved"] == 3
    assert row["rated"] is None and row["satisfied"] is None and row["complaints"] is None
    assert row["satisfaction_rate"] is None and row["grade"] is None
    code, out, _ = run(["officers", path, "--period", "2026-Q1"], capsys)
    assert "Tệp không có cột «Mức độ hài lòng», «Phản ánh kiến nghị»" in out and "không phải 0" in out


def test_no_officer_column_is_an_input_error(tmp_path, capsys):
    path = tmp_path / "khong_can_bo.csv"
    path.write_text(_without(EXPORT, "Cán bộ xử lý"), encoding="utf-8")
    code, out, err = run(["officers", path, "--period", "2026-Q1"], capsys)
    assert code == 2 and out == ""
    assert "không có cột cán bộ xử lý" in err


def test_grades_follow_the_thresholds_file():
    rules = read_grade_rules()
    base = {
        "resolved": 10,
        "early": 6,
        "on_time": 4,
        "late": 0,
        "rated": 10,
        "satisfied": 10,
        "complaints": 0,
    }
    assert grade_of(base, rules) == "Hoàn thành xuất sắc nhiệm vụ"
    assert grade_of(base | {"early": 4, "on_time": 6}, rules) == "Hoàn thành tốt nhiệm vụ"  # 40 % early
    assert grade_of(base | {"complaints": 1}, rules) == "Hoàn thành tốt nhiệm vụ"
    assert grade_of(base | {"satisfied": 9}, rules) == "Hoàn thành tốt nhiệm vụ"  # 90 %: good, not excellent
    assert grade_of(base | {"satisfied": 8}, rules) == "Hoàn thành nhiệm vụ"
    assert (
        grade_of(base | {"early": 2, "on_time": 6, "late": 2}, rules) == "Hoàn thành nhiệm vụ"
    )  # 80 % on time
    assert grade_of(base | {"early": 2, "on_time": 5, "late": 3}, rules) == "Không hoàn thành nhiệm vụ"
    assert grade_of(base | {"resolved": 4, "early": 4, "on_time": 0}, rules) == TOO_FEW
    assert grade_of(base | {"rated": 2, "satisfied": 2}, rules) == TOO_FEW
    assert grade_of(base | {"complaints": None}, rules) is None  # excellent needs the complaint count


def test_thresholds_file_documents_each_threshold():
    table = read_grade_rules(GRADES_FILE).table
    assert set(table["kind"]) == {"law", "assumption"}
    assert table["basis"].str.len().min() > 10
    for _, row in table.iterrows():
        if row["kind"] == "law":
            assert "Nghị định 90/2020/NĐ-CP" in row["basis"]
        else:
            assert "giả định" in row["basis"].lower()


def test_a_unit_thresholds_file_changes_the_grade(export, tmp_path, capsys):
    grades = tmp_path / "nguong.csv"
    grades.write_text(
        "level,label,measure,op,value,kind,basis\n"
        "minimum,,resolved,>=,1,assumption,x\n"
        "ok,Đạt,satisfaction_rate,>=,0.5,assumption,x\n"
        "no,Chưa đạt,,,,assumption,x\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        ["officers", export, "--period", "2026-Q1", "--grades", grades, "--format", "json"], capsys
    )
    assert code == 0
    grades_by_row = {
        (r["month"], r["resolved"], r["satisfaction_rate"]): r["grade"] for r in json.loads(out)["officers"]
    }
    assert grades_by_row[("2026-01", 3, 0.5)] == "Đạt"
    bad = tmp_path / "sai.csv"
    bad.write_text("level,label,measure,op,value\nok,Đạt,speed,>=,1\n", encoding="utf-8")
    code, _, err = run(["officers", export, "--period", "2026-Q1", "--grades", bad], capsys)
    assert code == 2 and "speed" in err


def test_xlsx_is_ready_to_sign(export, tmp_path, capsys):
    xlsx = tmp_path / "can_bo.xlsx"
    code, out, _ = run(
        ["officers", export, "--period", "2026-Q1", "--format", "xlsx", "-o", xlsx, "--unit", "Xã Thử"],
        capsys,
    )
    assert code == 0 and "5 dòng" in out
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Tháng 2026-01", "Tháng 2026-02", "Tháng 2026-03", "Ngưỡng xếp loại"]
    ws = wb["Tháng 2026-01"]
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "ĐƠN VỊ: XÃ THỬ" in text
    assert any(t.startswith("Tháng 01/2026") for t in text)
    assert "NGƯỜI LẬP BIỂU" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text
    rules = [str(c.value) for row in wb["Ngưỡng xếp loại"].iter_rows() for c in row if c.value is not None]
    assert "Giả định của gói" in rules and any("Nghị định 90/2020/NĐ-CP Điều 9" in t for t in rules)
    assert run(["officers", export, "--format", "xlsx"], capsys)[0] == 2  # xlsx needs -o


def test_synthetic_export_matches_an_independent_count(tmp_path, capsys):
    from cchc_analysis.loaders import load_dossiers

    source = Path(__file__).parents[1] / "data" / "synthetic" / "dossiers_dai_son_2026_mo_phong.csv"
    code, out, _ = run(["officers", source, "--period", "2026-Q1", "--format", "json"], capsys)
    assert code == 0
    d = load_dossiers(source).dossiers
    done = d[(d["resolved_at"] >= "2026-01-01") & (d["resolved_at"] < "2026-04-01")]
    month = done["resolved_at"].dt.strftime("%Y-%m")
    expected = done.assign(
        month=month,
        rated=done["satisfaction"].notna(),
        satisfied=done["satisfaction"].isin(["satisfied", "very_satisfied"]),
    )
    expected = expected.groupby(["officer", "month"], observed=True).agg(
        resolved=("dossier_id", "size"), rated=("rated", "sum"), satisfied=("satisfied", "sum")
    )
    got = {
        (r["officer"], r["month"]): (r["resolved"], r["rated"], r["satisfied"])
        for r in json.loads(out)["officers"]
    }
    assert got == {k: tuple(int(x) for x in v) for k, v in expected.iterrows()}
    assert "Dữ liệu mô phỏng" in out


def test_without_a_period_every_resolution_to_the_cut_off_counts(tmp_path, capsys):
    path = tmp_path / "ngan.csv"
    path.write_text(
        "Mã hồ sơ;Ngày tiếp nhận;Ngày hẹn trả;Ngày kết thúc xử lý;Cán bộ xử lý\n"
        "A;05/01/2026;09/01/2026;08/01/2026;CB01\n"
        "B;07/01/2026;09/01/2026;12/01/2026;CB01\n",
        encoding="utf-8",
    )
    code, out, _ = run(["officers", path, "--format", "json"], capsys)
    assert code == 0
    payload = json.loads(out)
    # Receipts end on 07/01 but the file runs to 12/01: both resolutions count.
    assert payload["period"] == {"from": "2026-01-05", "to": "2026-01-12"}
    assert [(r["resolved"], r["late"], r["rated"]) for r in payload["officers"]] == [(2, 1, None)]
