"""Helpful refusals (issue 16): legacy Vietnamese encodings named, the sheet with the table named, ids compared
after NFKC, look-alike letters and case folding, ids that Excel rounded said in the notes.

The files of each class are in ``tests/data/bad/`` (run by ``tests/test_bad_inputs.py``); these tests check the
rules themselves on small hand-made inputs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from cchc_analysis.dossier_ids import KnownIds, id_hashes, id_key, id_keys
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import load_dossiers
from cchc_analysis.loaders.id_checks import rounded_ids
from cchc_analysis.loaders.legacy import decode_legacy, legacy_encoding
from cchc_analysis.synthetic import _encode as _synthetic_encode

REFERENCE = Path(__file__).resolve().parent.parent / "cchc_analysis" / "reference"
HEADER = "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Lĩnh vực\n"
ROW = "HS-001,02/04/2026,10/04/2026,,Hộ tịch\n"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it (tone marks combining)."""
    return _synthetic_encode(text, "cp1258")


def _encode(text: str, encoding: str) -> bytes:
    table: dict[str, bytes] = {}
    with open(REFERENCE / "legacy_vietnamese.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["encoding"] == encoding:
                table.setdefault(row["char"], bytes.fromhex(row["bytes"]))
    return b"".join(table.get(ch) or ch.encode("ascii") for ch in text)


# --- legacy encodings --------------------------------------------------------------------------------------------
def test_tcvn3_bytes_of_the_public_table() -> None:
    # TCVN 5712:1993 (glibc TCVN5712-1): ã B7, ồ E5, ơ AC, à B5, ế D5, Đ A7 — «Mã hồ sơ» is «M· hå s¬» in cp1252
    assert _encode("Mã hồ sơ", "TCVN3") == b"M\xb7 h\xe5 s\xac"
    assert _encode("Mã hồ sơ", "TCVN3").decode("cp1252") == "M· hå s¬"
    assert decode_legacy(b"\xa7\xac n v\xde", "TCVN3") == "Đơ n vị"


def test_vni_bytes_are_a_letter_then_its_accents() -> None:
    # VNI Windows: ồ = o + E0 (circumflex and grave), ơ = F4, ã = a + F5 — «Hồ sơ» shows as «Hoà sô»
    assert _encode("Hồ sơ", "VNI").decode("cp1252") == "Hoà sô"
    assert decode_legacy(_encode("Ngày tiếp nhận", "VNI"), "VNI") == "Ngày tiếp nhận"


@pytest.mark.parametrize("encoding", ["TCVN3", "VNI"])
def test_a_legacy_file_is_named(encoding: str, tmp_path: Path) -> None:
    path = tmp_path / "ho_so.csv"
    path.write_bytes(_encode(HEADER + ROW, encoding))
    with pytest.raises(InputError) as info:
        load_dossiers(path)
    message = str(info.value)
    assert {"TCVN3": "TCVN3 (ABC)", "VNI": "VNI Windows"}[encoding] in message
    assert "Unikey: Công cụ chuyển mã" in message and "ho_so.csv" in message


@pytest.mark.parametrize(
    "data",
    [
        cp1258(HEADER + ROW),  # Windows-1258, read fine
        cp1258("Báo cáo tổng hợp\nSố liệu: 12 hồ sơ\n"),  # no header in any table
        _encode("Báo cáo tổng hợp\nGhi chú: đã kiểm tra\n", "TCVN3"),  # TCVN3 but no dossier header
        b"M\xe3 h\xf4 s\xf5,ng\xe0y\n",  # Latin-1 letters: not two required headers in any table
    ],
)
def test_no_legacy_table_is_named_without_a_dossier_header_in_it(data: bytes) -> None:
    assert legacy_encoding(data) is None


def test_a_readable_cp1258_file_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "ho_so.csv"
    path.write_bytes(cp1258(HEADER + ROW))
    assert load_dossiers(path).accounting.loaded == 1


def test_a_workbook_with_two_table_sheets_names_both(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Bìa"
    wb.active.append(["BÁO CÁO"])
    for name in ("Quý I", "Quý II"):
        ws = wb.create_sheet(name)
        for line in (HEADER + ROW).splitlines():
            ws.append(line.split(","))
    path = tmp_path / "so.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as info:
        load_dossiers(path)
    message = str(info.value)
    assert "«Quý I» (dòng tiêu đề 1), «Quý II» (dòng tiêu đề 1)" in message and '--sheet "Quý I"' in message
    assert load_dossiers(path, sheet="Quý II").accounting.loaded == 1  # the option the message names


def test_a_workbook_without_any_table_keeps_the_header_message(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["BÁO CÁO"])
    wb.create_sheet("Ghi chú").append(["không có bảng"])
    path = tmp_path / "so.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match="Không tìm thấy dòng tiêu đề"):
        load_dossiers(path)


# --- ids ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("HS-001", "hs-001"),
        ("ＨＳ－００１", "hs-001"),  # full width: NFKC
        ("НЅ-001", "hs-001"),  # Cyrillic EN and DZE
        ("ΗS‐001", "hs-001"),  # Greek ETA, a Unicode hyphen
        ("hs–001", "hs-001"),  # an en dash
        ("Іd-1", "id-1"),  # Cyrillic І: taken for Latin I, not l
        ("Hồ-sơ-1", "hồ-sơ-1"),  # Vietnamese letters stay themselves
    ],
)
def test_id_keys(written: str, key: str) -> None:
    assert id_key(written) == key
    assert id_keys(pa.array([written, None])).to_pylist() == [key, None]


def test_lookalike_ids_are_duplicates_but_are_shown_as_written(tmp_path: Path) -> None:
    path = tmp_path / "ho_so.csv"
    path.write_text(
        HEADER + ROW + ROW.replace("HS-001", "ＨＳ－００１") + ROW.replace("HS", "НЅ"), encoding="utf-8"
    )
    result = load_dossiers(path)
    assert result.dossiers["dossier_id"].tolist() == ["HS-001"]
    assert result.rejects["value"].tolist() == ["ＨＳ－００１", "НЅ-001"]
    assert set(result.rejects["reason_code"]) == {"duplicate_id"}


def test_known_ids_compare_keys() -> None:
    known = KnownIds(["HS-001"])
    assert "ｈｓ－００１" in known
    later = id_keys(pa.array(["НЅ-001", "HS-002"]))
    seen, _ = known.find(later, id_hashes(later), "b.csv")
    assert seen.tolist() == [True, False]


def test_a_folder_compares_keys_across_files(tmp_path: Path) -> None:
    from cchc_analysis.loaders import load_path

    (tmp_path / "a.csv").write_text(HEADER + ROW, encoding="utf-8")
    (tmp_path / "b.csv").write_text(HEADER + ROW.replace("HS-001", "hs-００１"), encoding="utf-8")
    result = load_path(tmp_path)
    assert result.accounting.loaded == 1 and result.rejects["reason_code"].tolist() == ["duplicate_id"]


# --- ids that Excel rounded --------------------------------------------------------------------------------------
def _series(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="string")


def test_rounded_ids_rules() -> None:
    # two 18-digit ids with 15 significant digits then zeros, and nothing else long: rounded
    assert rounded_ids(_series("123456789012345000", "223456789012345000"), _series()) == (
        2,
        0,
        ["123456789012345000", "223456789012345000"],
    )
    # scientific notation always counts, with a comma too
    assert rounded_ids(_series("1.23457E+17", "1,23457E+17", "HS-1"), _series())[0] == 2
    # one 16-digit id ending in 0 among genuine ones: no sign (one in ten ends in 0)
    genuine = [f"{1234567890123451 + 7 * i}" for i in range(10)]
    assert rounded_ids(_series(*genuine), _series())[0] == 0
    # one such id that collided as a duplicate: said
    assert rounded_ids(_series("123456789012345000"), _series("123456789012345000")) == (
        2,
        1,
        ["123456789012345000"],
    )
    # 15 digits or fewer: Excel keeps them
    assert rounded_ids(_series("123456789012000", "223456789012000"), _series())[0] == 0


def test_rounded_ids_note_in_a_load(tmp_path: Path) -> None:
    path = tmp_path / "ho_so.csv"
    body = "".join(
        ROW.replace("HS-001", i) for i in ("123456789012345000", "123456789012345000", "9.87654E+17")
    )
    path.write_text(HEADER + body, encoding="utf-8")
    result = load_dossiers(path)
    (note,) = [n for n in result.notes if "Excel làm tròn" in n]
    assert note.startswith("3 mã hồ sơ có vẻ đã bị Excel làm tròn") and "«9.87654E+17»" in note
    assert "1 dòng trong số đó bị từ chối vì trùng mã hồ sơ" in note


def test_no_rounded_ids_note_for_ordinary_ids(tmp_path: Path) -> None:
    path = tmp_path / "ho_so.csv"
    path.write_text(HEADER + ROW + ROW.replace("HS-001", "000.00.22.H26-260401-0010"), encoding="utf-8")
    assert not [n for n in load_dossiers(path).notes if "Excel" in n]


def test_validate_prints_the_rounded_ids_line(tmp_path: Path, capsys) -> None:
    from cchc_analysis.cli import main

    path = tmp_path / "ho_so.csv"
    body = "".join(ROW.replace("HS-001", i) for i in ("123456789012345000", "123456789012345000"))
    path.write_text(HEADER + body, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Lưu ý: 2 mã hồ sơ có vẻ đã bị Excel làm tròn" in out and "«123456789012345000»" in out


def test_reference_tables_name_their_sources() -> None:
    for name in ("legacy_vietnamese.csv", "id_confusables.csv"):
        rows = list(csv.DictReader(io.StringIO((REFERENCE / name).read_text(encoding="utf-8"))))
        assert rows and all(r["source"].strip() for r in rows), name


def test_an_empty_first_sheet_names_the_sheet_with_the_table(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Ảnh bìa"  # a picture-only cover: no cell
    ws = wb.create_sheet("Hồ sơ")
    for line in (HEADER + ROW).splitlines():
        ws.append(line.split(","))
    path = tmp_path / "so.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match="«Hồ sơ» \\(dòng tiêu đề 1\\)"):
        load_dossiers(path)
