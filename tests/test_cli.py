"""The ``cchc`` command line: exit codes, messages, JSON contract, grouping, folders, Biểu 06 output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc_analysis.cli import main

# A raw export as a one-stop system gives it: title lines, Vietnamese headers, a personal-data column,
# day-first dates in two styles, an excluded row (status 3), a duplicate id and an unreadable date.
RAW = """BÁO CÁO DANH SÁCH HỒ SƠ
Từ ngày 01/01/2026 đến ngày 31/03/2026
STT;Mã hồ sơ;Họ tên người nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày kết thúc xử lý;Lĩnh vực;Kênh thực hiện;Trạng thái
1;HS-001;Nguyễn Văn An;02/01/2026 08:00;06/01/2026;05/01/2026 10:00;Hộ tịch;Trực tuyến toàn trình;10
2;HS-002;Trần Thị Bình;03/02/2026;05/02/2026;2026-02-05;Hộ tịch;Trực tiếp;10
3;HS-003;Lê Văn Cường;04/03/2026;06/03/2026;09/03/2026;Chứng thực;Trực tuyến một phần;10
4;HS-004;Phạm Thị Dung;20/12/2025;05/01/2026;;Đất đai;Bưu chính công ích;4
5;HS-005;Hoàng Văn Em;30/03/2026;02/04/2026;;Chứng thực;Trực tiếp;4
6;HS-006;Vũ Thị Giang;10/03/2026;12/03/2026;;Hộ tịch;Trực tiếp;3
7;HS-001;Đỗ Văn Hùng;11/03/2026;13/03/2026;12/03/2026;Hộ tịch;Trực tiếp;10
8;HS-008;Ngô Thị Lan;31/02/2026;13/03/2026;;Hộ tịch;Trực tiếp;4
"""
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Đỗ Văn Hùng"]


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    path = tmp_path / "ho_so_q1.csv"
    path.write_text(RAW, encoding="utf-8")
    return path


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_help_of_every_subcommand(capsys):
    for command in (
        [],
        ["validate"],
        ["kpis"],
        ["bieu06"],
        ["officers"],
        ["reconcile"],
        ["briefing"],
        ["vocabulary"],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main([*command, "--help"])
        assert exit_info.value.code == 0
        assert "usage" in capsys.readouterr().out


def test_validate_accounts_for_every_row(raw, tmp_path, capsys):
    rejects = tmp_path / "rejects.csv"
    code, out, _ = run(["validate", raw, "--rejects", rejects], capsys)
    assert code == 0
    assert "Số dòng đọc: 8 = nạp 5 + loại trừ (trạng thái 1, 3) 1 + bị từ chối 2" in out
    text = rejects.read_text(encoding="utf-8-sig")
    assert "HS-001" in text and "31/02/2026" in text
    assert "dòng 10" in out or ",10," in text  # the duplicate is on file row 10 (2 title lines + header + 7)
    for name in NAMES:
        assert name not in out and name not in text


def test_kpis_json_contract(raw, capsys):
    code, out, _ = run(["kpis", raw, "--period", "2026-Q1", "--format", "json"], capsys)
    assert code == 0
    document = json.loads(out)
    assert document["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    assert document["rows"] == {"read": 8, "loaded": 5, "excluded": 1, "rejected": 2}
    (group,) = document["groups"]
    c = group["counts"]
    assert (c["in_scope"], c["new"], c["carried_over"], c["new_online"], c["new_in_person_postal"]) == (
        5,
        4,
        1,
        2,
        2,
    )
    assert (c["resolved"], c["early"], c["on_time"], c["late"]) == (3, 1, 1, 1)
    assert (c["pending"], c["pending_within"], c["pending_overdue"]) == (2, 1, 1)
    assert c["digitized"] is None and c["rated"] is None
    r = group["rates"]
    assert r["on_time_rate"] == 2 / 3 and r["online_payment_rate"] is None
    assert "synthetic" not in document


def test_kpis_without_period_follows_the_title_else_spans_the_receipt_dates(raw, tmp_path, capsys):
    code, out, _ = run(["kpis", raw, "--format", "json"], capsys)
    assert code == 0  # the title line says «Từ ngày 01/01/2026 đến ngày 31/03/2026»
    assert json.loads(out)["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    untitled = tmp_path / "untitled.csv"
    untitled.write_text("\n".join(RAW.splitlines()[2:]) + "\n", encoding="utf-8")
    code, out, _ = run(["kpis", untitled, "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["period"] == {"from": "2025-12-20", "to": "2026-03-30"}


def test_kpis_grouped_sorted_with_null_keys(raw, capsys):
    code, out, _ = run(
        ["kpis", raw, "--period", "2026-Q1", "--by", "field", "--by", "month", "--format", "json"], capsys
    )
    assert code == 0
    keys = [g["key"] for g in json.loads(out)["groups"]]
    assert keys == [
        {"field": "Chứng thực", "month": "2026-03"},
        {"field": "Hộ tịch", "month": "2026-01"},
        {"field": "Hộ tịch", "month": "2026-02"},
        {"field": "Đất đai", "month": "2025-12"},
    ]
    code, out, _ = run(
        ["kpis", raw, "--period", "2026-Q1", "--by", "field,quarter", "--format", "json"], capsys
    )
    assert [g["key"]["quarter"] for g in json.loads(out)["groups"]] == ["2026-Q1", "2026-Q1", "2025-Q4"]


def test_kpis_table_is_in_vietnamese_number_style(raw, capsys):
    code, out, _ = run(["kpis", raw, "--period", "2026-Q1"], capsys)
    assert code == 0
    assert "Tỷ lệ giải quyết đúng và trước hạn" in out and "66,67 %" in out
    assert "từ ngày 01/01/2026 đến ngày 31/03/2026" in out


def test_kpis_csv(raw, capsys):
    code, out, _ = run(["kpis", raw, "--period", "2026-Q1", "--by", "field", "--format", "csv"], capsys)
    assert code == 0
    assert out.splitlines()[0].startswith("field,in_scope,new,")


def test_folder_equals_concatenated_file(raw, tmp_path, capsys):
    lines = RAW.splitlines()
    header, body = lines[:3], lines[3:]
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "a.csv").write_text("\n".join(header + body[:4]) + "\n", encoding="utf-8")
    (folder / "b.csv").write_text("\n".join(header + body[4:]) + "\n", encoding="utf-8")
    code, whole, _ = run(["kpis", raw, "--period", "2026-Q1", "--by", "field", "--format", "json"], capsys)
    code2, parts, _ = run(
        ["kpis", folder, "--period", "2026-Q1", "--by", "field", "--format", "json"], capsys
    )
    assert code == code2 == 0
    assert json.loads(parts)["groups"] == json.loads(whole)["groups"]


def test_bieu06_writes_the_workbook(raw, tmp_path, capsys):
    out = tmp_path / "b06.xlsx"
    code, text, _ = run(["bieu06", raw, "--from", "01/01/2026", "--to", "31/03/2026", "-o", out], capsys)
    assert code == 0 and out.exists()
    assert "5 hồ sơ" in text
    cells = [c for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if c is not None]
    assert "Tổng cộng" in cells
    for name in NAMES:
        assert name not in cells


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["kpis", "{missing}"], "Không tìm thấy tệp"),
        (["kpis", "{raw}", "--period", "2026-Q5"], "Không hiểu kỳ báo cáo"),
        (["kpis", "{raw}", "--from", "01/01/2026"], "Cần cả --from và --to"),
        (["kpis", "{raw}", "--by", "nonexistent"], "Không thể nhóm theo"),
        (["bieu06", "{raw}", "-o", "{tmp}/x.xlsx"], "Cần kỳ báo cáo"),
        (["kpis", "{raw}", "--format", "xml"], "Tham số dòng lệnh không hợp lệ"),
        (["validate", "{raw}", "--strict"], "HS-001"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, fragment, raw, tmp_path, capsys):
    values = {"raw": raw, "missing": tmp_path / "nope.csv", "tmp": tmp_path}
    code, _, err = run([a.format(**values) for a in args], capsys)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert " | " in err  # Vietnamese, then English


def test_missing_required_column_names_it(tmp_path, capsys):
    path = tmp_path / "thieu_cot.csv"
    path.write_text("Mã hồ sơ,Ngày tiếp nhận,Ngày kết thúc xử lý\nA,01/01/2026,\n", encoding="utf-8")
    code, _, err = run(["kpis", path], capsys)
    assert code == 2 and "Ngày hẹn trả" in err and "Traceback" not in err


def test_module_entry_point_runs_without_traceback(raw):
    ok = subprocess.run(
        [sys.executable, "-m", "cchc_analysis", "kpis", str(raw)], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "cchc_analysis", "kpis", str(raw) + ".nope"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_running_out_of_memory_is_exit_2_with_one_line_not_a_bug(monkeypatch, capsys):
    import argparse

    from cchc_analysis import cli

    def handler(args):
        raise MemoryError

    parser = argparse.ArgumentParser()
    parser.set_defaults(handler=handler)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    monkeypatch.setattr(cli, "_start_audit", lambda *a: None)
    monkeypatch.setattr(cli, "_fail_audit", lambda *a: None)
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "không đủ bộ nhớ" in err and "Out of memory" in err
    assert "Traceback" not in err and "xin báo lại" not in err
