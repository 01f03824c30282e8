"""Biểu 06 as printed: one A4 landscape page, one font family, header rows tall enough, the «Đơn vị» line.

The layout checks read the workbook with openpyxl; the print check renders the bundled data's Biểu 06 through
LibreOffice headless to PDF (``.ci/install-system-packages`` installs ``libreoffice-calc``) and counts its pages.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from cchc_analysis.bieu06 import (
    FONT_NAME,
    HEADER_ROW_HEIGHTS,
    UNIT_PLACEHOLDER,
    bieu06_table,
    write_bieu06_xlsx,
)
from cchc_analysis.cli import main

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "synthetic" / "dossiers_dai_son_2026_mo_phong.csv"


def two_fields() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "received_at": pd.to_datetime(["2026-01-02", "2026-01-05"]),
            "due_at": pd.to_datetime(["2026-01-06", "2026-01-08"]),
            "resolved_at": pd.to_datetime(["2026-01-05", None]),
            "field": pd.array(["Hộ tịch", "Thành lập và hoạt động của hộ kinh doanh"], dtype="string"),
        }
    )


def write(tmp_path: Path, **kwargs) -> Path:
    table = bieu06_table(two_fields(), "01/01/2026", "31/01/2026")
    return write_bieu06_xlsx(
        table, tmp_path / "b06.xlsx", start=date(2026, 1, 1), end=date(2026, 1, 31), **kwargs
    )


def test_page_setup_fits_one_a4_landscape_page(tmp_path):
    ws = load_workbook(write(tmp_path, unit="Xã A")).active
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True  # without it fitToWidth is ignored
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert ws.print_area  # the notes under the table are inside the printed area, merged across it


def test_one_font_family_everywhere_including_the_default(tmp_path):
    out = write(tmp_path, unit="Xã A", synthetic=True, source_note="Nguồn: tệp thử")
    wb = load_workbook(out)
    ws = wb.active
    names = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
    assert names == {FONT_NAME}
    assert wb._fonts[0].name == FONT_NAME  # the Normal style: empty cells and new input use it too


def test_header_rows_are_tall_enough_for_the_wrapped_leaf(tmp_path):
    ws = load_workbook(write(tmp_path, unit="Xã A")).active
    leaf = next(c for row in ws.iter_rows() for c in row if c.value == "Trực tiếp, dịch vụ bưu chính")
    top = leaf.row - 2
    heights = [ws.row_dimensions[top + i].height for i in range(3)]
    assert heights == list(HEADER_ROW_HEIGHTS)
    # Three lines of 12-point text need about 3 × 15 points; the leaf row leaves room for them.
    assert heights[2] >= 3 * 15
    assert leaf.alignment.wrap_text
    # A long lĩnh vực wraps in its cell, and its row is two lines tall.
    long_field = next(c for c in ws["B"] if c.value == "Thành lập và hoạt động của hộ kinh doanh")
    assert ws.row_dimensions[long_field.row].height >= 18


@pytest.mark.parametrize(
    ("unit", "line"),
    [("UBND xã A", "Đơn vị: UBND xã A"), (None, f"Đơn vị: {UNIT_PLACEHOLDER}")],
)
def test_unit_line_is_always_there(tmp_path, unit, line):
    ws = load_workbook(write(tmp_path, unit=unit)).active
    assert line in [c.value for c in ws["A"]]


def test_cli_takes_the_unit_from_the_data(tmp_path, capsys):
    out = tmp_path / "b06.xlsx"
    assert main(["bieu06", str(BUNDLED), "--period", "2026-Q1", "-o", str(out)]) == 0
    capsys.readouterr()
    values = [c.value for c in load_workbook(out).active["A"]]
    assert "Đơn vị: Trung tâm PVHCC xã Đại Sơn" in values


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (libreoffice-calc) is not installed")
def test_bundled_bieu06_prints_on_one_page_through_libreoffice(tmp_path, capsys):
    out = tmp_path / "b06.xlsx"
    assert main(["bieu06", str(BUNDLED), "--period", "2026-Q1", "-o", str(out)]) == 0
    capsys.readouterr()
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: concurrent runs do not lock each other
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "b06.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert int(fields["Pages"]) == 1
    width, _, height = fields["Page size"].split()[:3]
    assert float(width) > float(height)  # landscape
    assert "(A4)" in fields["Page size"]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    for header in ("Trực tiếp,", "bưu", "(5)", "Từ kỳ trước", "Đơn vị: Trung tâm PVHCC xã Đại Sơn"):
        assert header in text.stdout
