"""Vocabulary as data (issue 9, findings 2 and 8): the words live in reference tables with a source, a user's
vocabulary file extends them, the portal's sync fields and code lists are understood, and unknown values are
listed with their counts and how to add them."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from cchc_analysis import schema
from cchc_analysis.cli import main
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import (
    PERSONAL,
    UNUSED,
    VOCABULARY_FILE_NAME,
    classify_header,
    load_dossiers,
    load_vocabulary,
)
from cchc_analysis.loaders.vocabulary import KINDS
from cchc_analysis.periods import parse_period
from cchc_analysis.rates import count_dossiers
from cchc_analysis.text import fold

REFERENCE = Path(__file__).resolve().parent.parent / "cchc_analysis" / "reference"
HEADER = ["MaHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy"]


def write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def dossier(i: int, *extra: object) -> list[object]:
    return [f"HS{i:03d}", "01/04/2026", "10/04/2026", "05/04/2026", *extra]


def vocabulary_file(path: Path, *rows: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("kind,word,value,source\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def run(args: list[object], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------------------------------------
# The tables
# --------------------------------------------------------------------------------------------------------


def read_reference(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_value_table_rows_are_valid_and_each_has_a_source() -> None:
    rows = read_reference("value_vocabulary.csv")
    assert list(rows[0]) == ["kind", "word", "value", "source"]
    assert {r["kind"] for r in rows} == set(KINDS) - {"header"}
    for r in rows:
        assert r["source"].strip(), r
        assert r["word"].strip(), r
        assert r["value"] in KINDS[r["kind"]][1], r


def test_header_table_rows_each_have_a_source() -> None:
    rows = read_reference("header_aliases.csv")
    assert list(rows[0]) == ["canonical", "header", "source"]
    for r in rows:
        assert r["source"].strip(), r
        assert r["canonical"] in {*schema.CANONICAL_COLUMNS, PERSONAL, UNUSED}, r


def test_no_value_word_is_left_in_code() -> None:
    """The old dicts of words are gone from the module; the tables hold them."""
    from cchc_analysis.loaders import vocabulary

    for name in (
        "BOOL_TRUE",
        "BOOL_FALSE",
        "CHANNEL_VALUES",
        "STATUS_SYNONYMS",
        "SATISFACTION_VALUES",
        "X_MARKS",
    ):
        assert not hasattr(vocabulary, name), name


def test_every_dvcqg_status_code_and_name_is_in_the_table() -> None:
    words = load_vocabulary()
    for code, name in schema.STATUS_NAMES.items():
        assert words.status[str(code)] == code
        assert words.status[fold(name)] == code


# --------------------------------------------------------------------------------------------------------
# Portal sync fields and code lists (finding 8)
# --------------------------------------------------------------------------------------------------------


def test_mucdo_levels_map_and_the_full_online_count_is_not_zero(tmp_path: Path) -> None:
    rows = [dossier(1, "2", "4"), dossier(2, "2", "3"), dossier(3, "2", "2"), dossier(4, "1", "4")]
    result = load_dossiers(write(tmp_path / "a.csv", [*HEADER, "KenhThucHien", "MucDo"], rows))
    assert result.accounting.rejected == 0
    assert result.header_map["MucDo"] == "online_level"
    levels = (
        result.dossiers["online_level"].astype(object).where(result.dossiers["online_level"].notna(), None)
    )
    assert levels.tolist() == ["full_online", "partial_online", None, "full_online"]
    # KenhThucHien 2 (online) takes its level from MucDo; MucDo 2 is no online service: the channel stays online
    assert result.dossiers["channel"].tolist() == ["full_online", "partial_online", "online", "in_person"]
    counts = count_dossiers(result.dossiers, parse_period("2026-Q2")).iloc[0]
    assert (counts["full_online"], counts["partial_online"], counts["new_online"]) == (1, 1, 3)


@pytest.mark.parametrize("header", ["Mức độ", "MỨC ĐỘ", "MucDo"])
def test_level_headers_are_online_level(header: str) -> None:
    assert classify_header(header) == "online_level"


@pytest.mark.parametrize(("code", "paid"), [("0", False), ("1", True), ("2", True), ("3", False)])
def test_duoc_thanh_toan_truc_tuyen_codes(tmp_path: Path, code: str, paid: bool) -> None:
    result = load_dossiers(write(tmp_path / "a.csv", [*HEADER, "DuocThanhToanTrucTuyen"], [dossier(1, code)]))
    assert result.accounting.rejected == 0
    assert bool(result.dossiers["paid_online"].iloc[0]) is paid


@pytest.mark.parametrize(
    "header",
    [
        "MaTTHC",
        "MaLinhVuc",
        "NgayNopHoSo",
        "NgayTuChoi",
        "NgayYeuCauBoSung",
        "HinhThuc",
        "HinhThucTra",
        "Ngày nộp",
    ],
)
def test_known_unused_headers_are_recognised_and_dropped(tmp_path: Path, header: str) -> None:
    assert classify_header(header) == UNUSED  # recognised: neither personal data nor unknown
    result = load_dossiers(
        write(tmp_path / "a.csv", [*HEADER, header], [dossier(1, "X1")]), keep_unknown=True
    )
    assert result.accounting.loaded == 1
    assert header in result.dropped_columns or header in result.dossiers.columns


def test_a_file_with_the_portal_sync_fields_loads_every_row(tmp_path: Path) -> None:
    header = [
        "MaHoSo",
        "MaTTHC",
        "TenTTHC",
        "MaLinhVuc",
        "TenLinhVuc",
        "KenhThucHien",
        "MucDo",
        "TrangThaiHoSo",
        "NgayNopHoSo",
        "NgayTiepNhan",
        "NgayHenTra",
        "NgayKetThucXuLy",
        "NgayTra",
        "NgayTuChoi",
        "NgayYeuCauBoSung",
        "DuocThanhToanTrucTuyen",
        "HoSoCoThanhPhanSoHoa",
        "HinhThuc",
        "HinhThucTra",
    ]
    base = ["1.000123", "Đăng ký khai sinh", "HT", "Hộ tịch"]
    dates = ["31/03/2026", "01/04/2026", "10/04/2026"]
    rows = [
        ["A1", *base, "2", "4", "10", *dates, "05/04/2026", "05/04/2026", "", "", "1", "1", "1", "1"],
        ["A2", *base, "1", "3", "4", *dates, "", "", "", "02/04/2026", "3", "0", "1", "2"],
        ["A3", *base, "3", "2", "9", *dates, "08/04/2026", "", "", "", "0", "0", "1", "3"],
        ["A4", *base, "2", "4", "3", *dates, "", "", "01/04/2026", "", "0", "0", "1", "1"],
    ]
    result = load_dossiers(write(tmp_path / "portal.csv", header, rows))
    assert result.accounting.as_dict() == {"read": 4, "loaded": 3, "excluded": 1, "rejected": 0}
    assert result.dossiers["status"].tolist() == [10, 4, 9]
    assert result.dossiers["paid_online"].tolist() == [True, False, False]
    assert result.dossiers["channel"].tolist() == ["full_online", "in_person", "postal"]
    assert not any(c == PERSONAL for c in map(classify_header, header))


# --------------------------------------------------------------------------------------------------------
# Status words of one-stop systems
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Đã có kết quả", 9),
        ("ĐÃ CÓ KẾT QUẢ", 9),
        ("Đã trả kết quả", 10),
        ("Đang xử lý", 4),
        ("Đang giải quyết", 4),
        ("Chờ bổ sung", 5),
        ("Tạm dừng", 8),
        ("Đã tiếp nhận", 2),
        ("9 - Đã xử lý xong", 9),
    ],
)
def test_one_stop_status_words_load(tmp_path: Path, word: str, code: int) -> None:
    result = load_dossiers(write(tmp_path / "a.csv", [*HEADER, "Trạng thái"], [dossier(1, word)]))
    assert result.accounting.loaded == 1
    assert result.dossiers["status"].iloc[0] == code


@pytest.mark.parametrize("word", ["Từ chối", "Trả lại", "Đã hủy", "Chờ tiếp nhận"])
def test_never_received_status_words_are_excluded(tmp_path: Path, word: str) -> None:
    result = load_dossiers(write(tmp_path / "a.csv", [*HEADER, "Trạng thái"], [dossier(1, word)]))
    assert result.accounting.as_dict() == {"read": 1, "loaded": 0, "excluded": 1, "rejected": 0}


# --------------------------------------------------------------------------------------------------------
# User vocabulary files (finding 2)
# --------------------------------------------------------------------------------------------------------

UNKNOWN_ROWS = [dossier(1, "Đã có KQ"), dossier(2, "Đã có KQ"), dossier(3, "Đã có KQ"), dossier(4, "Xong")]


def test_unknown_values_are_listed_with_counts_and_how_to_add_them(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "a.csv", [*HEADER, "Trạng thái"], UNKNOWN_ROWS)
    result = load_dossiers(path)
    assert result.accounting.rejected == 4
    (note,) = result.notes
    assert 'Trạng thái: "Đã có KQ" × 3, "Xong" × 1' in note
    assert VOCABULARY_FILE_NAME in note and "--vocabulary" in note and "status,Đã có KQ," in note
    code, out, err = run(["validate", path], capsys)
    assert code == 0
    assert "Trạng thái | «Đã có KQ» | 3" in out and "Trạng thái | «Xong» | 1" in out
    assert VOCABULARY_FILE_NAME in out
    code, out, err = run(["kpis", path, "--format", "json", "--period", "2026-Q2"], capsys)
    assert '"Đã có KQ" × 3' in err  # every command prints the note, on stderr


def test_a_user_file_adds_a_status_word(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", [*HEADER, "Trạng thái"], UNKNOWN_ROWS)
    words = vocabulary_file(tmp_path / "words" / "mine.csv", "status,Đã có KQ,9,hệ thống một cửa của xã")
    result = load_dossiers(path, vocabulary=words)
    assert result.accounting.as_dict() == {"read": 4, "loaded": 3, "excluded": 0, "rejected": 1}
    assert result.dossiers["status"].tolist() == [9, 9, 9]
    assert '"Xong" × 1' in result.notes[0]


def test_a_vocabulary_file_beside_the_data_is_merged(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "a.csv", [*HEADER, "Trạng thái"], UNKNOWN_ROWS)
    vocabulary_file(tmp_path / VOCABULARY_FILE_NAME, "status,Đã có KQ,9,một cửa", "status,Xong,9,một cửa")
    assert load_dossiers(path).accounting.loaded == 4
    code, out, _ = run(["validate", path], capsys)
    assert code == 0 and "nạp 4" in out


def test_cli_vocabulary_option_and_a_folder_vocabulary(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "q2"
    write(folder / "a.csv", [*HEADER, "Trạng thái"], UNKNOWN_ROWS[:2])
    write(folder / "b.csv", [*HEADER, "Trạng thái"], UNKNOWN_ROWS[2:])
    words = vocabulary_file(tmp_path / "mine.csv", "status,Xong,9,một cửa")
    vocabulary_file(folder / VOCABULARY_FILE_NAME, "status,Đã có KQ,9,một cửa")
    code, out, _ = run(["kpis", folder, "--format", "json", "--vocabulary", words], capsys)
    assert code == 0
    assert (
        '"rows": {"read": 4, "loaded": 4, "excluded": 0, "rejected": 0}' in out
    )  # the vocabulary is not a dossier file


def test_user_words_win_over_the_package_decision(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", [*HEADER, "Trạng thái"], [dossier(1, "Đã hủy")])
    assert load_dossiers(path).accounting.excluded == 1
    words = vocabulary_file(
        tmp_path / "w" / "mine.csv", "status,Đã hủy,8,quy trình của xã: hủy sau tiếp nhận"
    )
    result = load_dossiers(path, vocabulary=words)
    assert (result.accounting.loaded, result.dossiers["status"].iloc[0]) == (1, 8)


def test_a_user_header_alias(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", [*HEADER, "Tình trạng xử lý HS"], [dossier(1, "10")])
    assert "status" not in load_dossiers(path).dossiers.columns
    words = vocabulary_file(tmp_path / "w" / "mine.csv", "header,Tình trạng xử lý HS,status,một cửa")
    result = load_dossiers(path, vocabulary=words)
    assert result.header_map["Tình trạng xử lý HS"] == "status"
    assert result.dossiers["status"].tolist() == [10]


def test_other_kinds_from_a_user_file(tmp_path: Path) -> None:
    header = [*HEADER, "Kênh nộp", "Số hóa", "Đánh giá", "Mức độ DVC"]
    path = write(tmp_path / "a.csv", header, [dossier(1, "Zalo OA", "Xong số hóa", "Tuyệt vời", "DVC4")])
    assert load_dossiers(path).accounting.rejected == 1
    words = vocabulary_file(
        tmp_path / "w" / "mine.csv",
        "channel,Zalo OA,online,xã",
        "bool_prefix,Xong,true,xã",
        "satisfaction,Tuyệt vời,very_satisfied,xã",
        "online_level,DVC4,full_online,xã",
    )
    result = load_dossiers(path, vocabulary=words)
    assert result.accounting.rejected == 0
    row = result.dossiers.iloc[0]
    assert (row["channel"], row["digitized"], row["satisfaction"]) == ("full_online", True, "very_satisfied")


def test_vocabularies_do_not_leak_between_loads(tmp_path: Path) -> None:
    first = write(tmp_path / "one" / "a.csv", [*HEADER, "Trạng thái"], UNKNOWN_ROWS)
    second = write(tmp_path / "two" / "a.csv", [*HEADER, "Trạng thái"], UNKNOWN_ROWS)
    vocabulary_file(tmp_path / "one" / VOCABULARY_FILE_NAME, "status,Đã có KQ,9,một cửa")
    assert load_dossiers(first).accounting.loaded == 3
    assert load_dossiers(second).accounting.loaded == 0  # the other folder's words do not apply here
    assert load_dossiers(first).accounting.loaded == 3
    # a vocabulary file edited between two loads is read again
    words = vocabulary_file(
        tmp_path / "one" / VOCABULARY_FILE_NAME, "status,Đã có KQ,9,một cửa", "status,Xong,9,x"
    )
    stat = words.stat()
    os.utime(words, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert load_dossiers(first).accounting.loaded == 4


@pytest.mark.parametrize(
    ("rows", "row", "column"),
    [
        (["status,Đã có KQ,99,x"], 2, "value"),
        (["status,Đã có KQ,9,x", "colour,Đỏ,red,x"], 3, "kind"),
        (["status,Đã có KQ,9,x", "status,,9,x"], 3, "word"),
        (["status,Đã có KQ,9,x", "status,đã có kq,10,x"], 3, "value"),
        (["header,Tình trạng,status_code,x"], 2, "value"),
    ],
)
def test_a_bad_vocabulary_file_names_the_row(tmp_path: Path, capsys, rows, row, column) -> None:
    path = write(tmp_path / "a.csv", [*HEADER, "Trạng thái"], UNKNOWN_ROWS)
    words = vocabulary_file(tmp_path / "w" / "bad.csv", *rows)
    with pytest.raises(InputError) as info:
        load_dossiers(path, vocabulary=words)
    assert (info.value.row, info.value.column) == (row, column)
    code, _, err = run(["validate", path, "--vocabulary", words], capsys)
    assert code == 2
    assert f"dòng {row}" in err and f"«{column}»" in err and "bad.csv" in err


def test_a_vocabulary_file_without_its_columns(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "a.csv", [*HEADER], [dossier(1)])
    words = tmp_path / "w.csv"
    words.write_text("tu,nghia\nĐã có KQ,9\n", encoding="utf-8")
    code, _, err = run(["validate", path, "--vocabulary", words], capsys)
    assert code == 2 and "kind,word,value,source" in err


def test_cchc_vocabulary_prints_the_merged_table(tmp_path: Path, capsys) -> None:
    words = vocabulary_file(tmp_path / "mine.csv", "status,Đã có KQ,9,hệ thống một cửa của xã")
    code, out, _ = run(["vocabulary", "--vocabulary", words], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["kind", "word", "value", "source"]
    assert any(line.startswith("status") and "Đã có kết quả" in line and "issue 9" in line for line in lines)
    assert any(
        "Đã có KQ" in line and "hệ thống một cửa của xã" in line and "mine.csv" in line for line in lines
    )
    assert any(line.startswith("header") and "MucDo" in line for line in lines)
    code, out, _ = run(["vocabulary", "--format", "csv", "--vocabulary", words], capsys)
    table = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    assert list(table.columns) == ["kind", "word", "value", "source", "origin"]
    assert (table["source"] != "").all()
    assert ((table["word"] == "Đã có KQ") & (table["value"] == "9")).sum() == 1


def test_the_run_stamp_names_the_vocabulary_files(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "a.csv", [*HEADER, "Trạng thái"], UNKNOWN_ROWS)
    beside = vocabulary_file(tmp_path / VOCABULARY_FILE_NAME, "status,Đã có KQ,9,một cửa")
    words = vocabulary_file(tmp_path / "w" / "mine.csv", "status,Xong,9,một cửa")
    stamp = tmp_path / "stamp.json"
    code, _, _ = run(["validate", path, "--vocabulary", words, "--stamp", stamp], capsys)
    assert code == 0
    inputs = json.loads(stamp.read_text(encoding="utf-8"))["inputs"]
    assert inputs[0]["rows"]["loaded"] == 4
    assert [Path(i["file"]).name for i in inputs if i["role"] == "vocabulary"] == [beside.name, words.name]


def test_briefing_passes_its_vocabulary_to_the_notebook_loader(tmp_path: Path, monkeypatch) -> None:
    """``cchc briefing --vocabulary`` reaches the notebook's kernel through CCHC_VOCABULARY, and only during the run."""
    from cchc_analysis import briefing, briefing_data

    path = write(tmp_path / "a.csv", [*HEADER, "Trạng thái"], UNKNOWN_ROWS)
    words = vocabulary_file(tmp_path / "w" / "mine.csv", "status,Đã có KQ,9,một cửa", "status,Xong,9,một cửa")
    monkeypatch.delenv(briefing.VOCABULARY_ENV, raising=False)
    assert briefing_data.load(str(path)).accounting.loaded == 0
    with briefing._vocabulary_env([words]):
        assert briefing_data.load(str(path)).accounting.loaded == 4
    assert briefing.VOCABULARY_ENV not in os.environ
    assert briefing._load(path, "dossiers", [words]).accounting.loaded == 4
