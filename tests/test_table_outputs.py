"""``-o PATH`` outputs for people using Excel and for programs (issue 14): xlsx, csv, json, parquet by suffix."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from cchc_analysis.cli import main
from cchc_analysis.errors import InputError
from cchc_analysis.outputs import write_table


def small() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "field": pd.array(["Hộ tịch", '=HYPERLINK("x")', None], dtype="string"),
            "resolved": pd.array([1200, 3, pd.NA], dtype="Int64"),  # NA: the column was absent, unknown
            "on_time_rate": [0.9384615384615385, 1 / 3, float("nan")],
        }
    )


def test_csv_is_utf8_with_bom_semicolons_decimal_comma_and_formula_safe(tmp_path):
    out = write_table(
        small(), tmp_path / "k.csv", labels={"field": "Lĩnh vực"}, rate_columns=["on_time_rate"]
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel on Windows reads the diacritics only with the BOM
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines == [
        "Lĩnh vực;resolved;on_time_rate",
        "Hộ tịch;1200;0,9385",  # 0.93846… rounded half up to 4 places, decimal comma
        '"\'=HYPERLINK(""x"")";3;0,3333',  # CSV-quoted, and not a formula
        ";;",  # unknown stays empty, never 0
    ]


def test_csv_with_commas_uses_a_decimal_point(tmp_path):
    out = write_table(small().iloc[:1], tmp_path / "k.csv", rate_columns=["on_time_rate"], delimiter=",")
    assert out.read_text(encoding="utf-8-sig").splitlines()[1] == "Hộ tịch,1200,0.9385"


def test_xlsx_has_vietnamese_headers_and_percentages_as_numbers(tmp_path):
    out = write_table(
        small().fillna({"field": "Đất đai"}),
        tmp_path / "k.xlsx",
        labels={"field": "Lĩnh vực", "resolved": "Đã giải quyết", "on_time_rate": "Tỷ lệ đúng hạn"},
        rate_columns=["on_time_rate"],
        title_lines=["Kỳ báo cáo: Quý II/2026"],
    )
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Kỳ báo cáo: Quý II/2026"
    assert rows[2] == ("Lĩnh vực", "Đã giải quyết", "Tỷ lệ đúng hạn")
    assert rows[3][0] == "Hộ tịch" and rows[3][1] == 1200
    assert rows[3][2] == pytest.approx(0.9384615384615385)  # the number, not text
    assert ws.cell(row=4, column=3).number_format == "0.00%"
    assert ws.cell(row=4, column=2).number_format == "#,##0"
    assert rows[4][0] == '\'=HYPERLINK("x")'
    assert rows[5] == ("Đất đai", None, None)  # unknown cells are empty, never 0
    assert {c.font.name for row in ws.iter_rows() for c in row if c.value is not None} == {"Times New Roman"}


def test_json_and_parquet_keep_the_names_and_nulls(tmp_path):
    records = json.loads(write_table(small(), tmp_path / "k.json", labels={"field": "Lĩnh vực"}).read_text())
    assert records[0] == {"field": "Hộ tịch", "resolved": 1200, "on_time_rate": 0.9384615384615385}
    assert records[2]["resolved"] is None
    back = pd.read_parquet(write_table(small(), tmp_path / "k.parquet"))
    pd.testing.assert_frame_equal(back, small())


def test_unknown_suffix_is_bad_input_and_nothing_is_left(tmp_path):
    with pytest.raises(InputError, match=r"\.xlsx, \.csv, \.json hoặc \.parquet"):
        write_table(small(), tmp_path / "k.txt")
    assert list(tmp_path.iterdir()) == []


RAW = """Mã hồ sơ;Ngày tiếp nhận;Ngày hẹn trả;Ngày kết thúc xử lý;Lĩnh vực
HS-1;02/04/2026;05/04/2026;04/04/2026;Hộ tịch
HS-2;03/04/2026;05/04/2026;07/04/2026;Hộ tịch
HS-3;03/04/2026;10/04/2026;;Đất đai
HS-4;31/02/2026;10/04/2026;;Đất đai
"""


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    path = tmp_path / "ho_so.csv"
    path.write_text(RAW, encoding="utf-8")
    return path


def test_kpis_writes_each_format(raw, tmp_path, capsys):
    base = ["kpis", str(raw), "--period", "tháng 4/2026", "--by", "Lĩnh vực"]
    for suffix in (".xlsx", ".csv", ".json", ".parquet"):
        assert main([*base, "-o", str(tmp_path / f"k{suffix}")]) == 0
        assert f"k{suffix}" in capsys.readouterr().out
    text = (tmp_path / "k.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[0].startswith("field;in_scope;")
    header = text[0].split(";")
    ho_tich = dict(zip(header, text[1].split(";"), strict=True))
    # Hộ tịch: 2 resolved, 1 early, 1 late → on-time-or-early rate 1/2; online column absent → empty.
    assert (ho_tich["field"], ho_tich["resolved"], ho_tich["on_time_rate"]) == ("Hộ tịch", "2", "0,5000")
    assert ho_tich["new_online"] == "" and ho_tich["online_rate"] == ""
    vi = load_workbook(tmp_path / "k.xlsx").active
    headers = [c.value for row in vi.iter_rows() for c in row if c.value == "Lĩnh vực"]
    assert headers == ["Lĩnh vực"]
    contract = json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))
    assert contract["groups"][0]["key"] == {"field": "Hộ tịch"}  # the same contract as --format json
    assert pd.read_parquet(tmp_path / "k.parquet")["resolved"].tolist() == [2, 0]


def test_kpis_csv_with_vietnamese_labels_and_commas(raw, tmp_path, capsys):
    out = tmp_path / "k.csv"
    args = ["kpis", str(raw), "--period", "2026-04", "-o", str(out), "--labels", "vi", "--out-delimiter", ","]
    assert main(args) == 0
    capsys.readouterr()
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "Đã giải quyết" in header and "Tỷ lệ giải quyết đúng và trước hạn" in header


def test_validate_rejects_and_bieu06_tables(raw, tmp_path, capsys):
    rejects = tmp_path / "r.xlsx"
    assert main(["validate", str(raw), "--rejects", str(rejects)]) == 0
    rows = list(load_workbook(rejects).active.iter_rows(values_only=True))
    assert rows[0] == ("Tệp", "Dòng", "Cột", "Giá trị", "Mã lý do", "Lý do")
    assert rows[1][3] == "31/02/2026"
    csv_rejects = tmp_path / "r.csv"
    assert main(["validate", str(raw), "--rejects", str(csv_rejects)]) == 0
    assert (
        csv_rejects.read_text(encoding="utf-8-sig").splitlines()[0]
        == "file;row;column;value;reason_code;reason"
    )
    table = tmp_path / "b06.csv"
    assert main(["bieu06", str(raw), "--period", "04/2026", "-o", str(table), "--labels", "vi"]) == 0
    lines = table.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("STT;Lĩnh vực;Số hồ sơ nhận giải quyết – Tổng số;")
    assert lines[-1].startswith(";Tổng cộng;3;")
    capsys.readouterr()


def test_a_wrong_suffix_is_refused_before_reading(raw, tmp_path, capsys):
    assert main(["kpis", str(raw), "-o", str(tmp_path / "k.docx")]) == 2
    assert "k.docx" in capsys.readouterr().err
    assert not (tmp_path / "k.docx").exists()
