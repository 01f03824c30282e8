"""One reading layer for the small CSV tables (``loaders.tables.read_table``): every table the package takes reads
Excel's Vietnamese-locale CSV (``;``, Windows-1258), UTF-16 with tabs, and says which columns a file lacks."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cchc_analysis.briefing_data import read_findings, read_legal_basis
from cchc_analysis.errors import InputError
from cchc_analysis.index766 import INDICATORS_PATH, load_indicators
from cchc_analysis.loaders.tables import read_table
from cchc_analysis.ranking import read_ranking_snapshots
from cchc_analysis.reported import read_reported_figures
from cchc_analysis.targets import load_targets

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "data" / "notice_2026"


def excel_vn(path: Path, lines: list[str]) -> Path:
    """A CSV as Excel saves it in a Vietnamese locale: ``;`` between cells, Windows-1258 bytes, CRLF."""
    path.write_bytes("\r\n".join(lines).encode("cp1258") + b"\r\n")
    return path


def test_a_semicolon_ranking_file_reads(tmp_path):
    # «Hô» and «Sơn» exist as single characters in Windows-1258
    path = excel_vn(
        tmp_path / "xep_hang.csv",
        ["date;unit;rank;n_units", "12/03/2026;Sơn;40;114", "15/04/2026;Sơn;58;114"],
    )
    snaps = read_ranking_snapshots(path)
    assert snaps["rank"].tolist() == [40, 58]
    assert snaps["unit"].tolist() == ["Sơn", "Sơn"]


def test_a_missing_column_names_the_file_and_the_columns_it_has(tmp_path):
    path = tmp_path / "xep_hang.csv"
    path.write_text("ngay;don_vi;hang\n12/03/2026;A;4\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_ranking_snapshots(path)
    message = info.value.message_vi
    assert "date, unit, rank, n_units" in message  # what is missing
    assert "ngay, don_vi, hang" in message  # what the file has: the cells were split on «;»
    assert info.value.file == str(path)


def test_every_input_table_reads_semicolons_and_windows_1258(tmp_path):
    for source, reader in (
        (NOTICE / "targets.csv", load_targets),
        (NOTICE / "ranking_snapshots.csv", read_ranking_snapshots),
        (NOTICE / "reported_figures.csv", read_reported_figures),
        (NOTICE / "findings.csv", read_findings),
        (NOTICE / "legal_basis.csv", read_legal_basis),
        (INDICATORS_PATH, load_indicators),
    ):
        original = reader(source)
        # the same table written with «;» in UTF-16 (as some exports are): same result
        text = source.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
        copy = tmp_path / f"{source.stem}_semicolon.csv"
        copy.write_bytes(out.getvalue().encode("utf-16"))
        again = reader(copy)
        assert again.astype(str).values.tolist() == original.astype(str).values.tolist(), source.name


def test_reported_figures_keep_file_line_numbers_and_tabs(tmp_path):
    path = tmp_path / "so_lieu.tsv"
    path.write_text("key\tvalue\tunit\n# ghi chú\n\na\t1\thồ sơ\nb\tx\thồ sơ\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_reported_figures(path)
    assert (info.value.row, info.value.column) == (5, "value")  # the 5th line of the file


def test_targets_errors_point_at_the_file_line(tmp_path):
    path = tmp_path / "muc_tieu.csv"
    path.write_text(
        "key;kind;label;deadline\n# mục tiêu của xã\nbao_cao;deadline;Báo cáo;30/06/2026\nx;khác;X;30/06/2026\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_targets(path)
    assert (info.value.row, info.value.column) == (4, "kind")


def test_read_table_cells_and_refusals(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('key,value\n a ,"99,6"\n', encoding="utf-8")
    frame = read_table(path, required=["key", "value"])
    assert frame.to_dict("index") == {2: {"key": "a", "value": "99,6"}}
    unquoted = tmp_path / "u.csv"
    unquoted.write_text("key,value\na,99,6\n", encoding="utf-8")
    with pytest.raises(InputError, match="ngoặc kép") as info:
        read_table(unquoted, required=["key"])
    assert info.value.row == 2
    with pytest.raises(InputError):
        read_table(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("# chỉ có ghi chú\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="trống"):
        read_table(empty)
    workbook = tmp_path / "book.csv"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 100)  # an xlsx named .csv
    with pytest.raises(InputError, match="Excel"):
        read_table(workbook)
