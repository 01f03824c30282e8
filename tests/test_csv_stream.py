"""Tests of the block-by-block CSV reader (cchc_analysis.loaders.csv_stream).

Each file is read twice from the same bytes: by the exact reader (the whole text at once) and by the streaming
reader with blocks of a few bytes, so that block edges fall inside records, quoted cells, multi-byte characters,
a letter and its combining tone mark, a UTF-16 code unit and a footer. The two results must be the same
``LoadResult``: loaded rows, rejected and excluded rows with their line numbers, accounting, stated total, title
lines. Some expected values are also written out, to be checked by eye against the file in the test.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cchc_analysis.errors import InputError
from cchc_analysis.kpis import build_kpi_report, report_to_json
from cchc_analysis.loaders import LoadResult, csv_stream, load_dossiers, load_dossiers_by_part

HEADER = "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Trạng thái,Thủ tục"
TITLES = "UBND XÃ TÂN LẬP\nDANH SÁCH HỒ SƠ\nTừ ngày 01/04/2026 đến ngày 30/06/2026\n"
BLOCKS = (1, 3, 7, 16, 61, 1 << 20)
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it: a tone mark as a combining character after its base letter."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append((base + "".join(c for c in decomposed if c in TONE_MARKS)).encode("cp1258"))
    return b"".join(out)


def rows(n: int, start: int = 1, day: int = 1) -> str:
    return "".join(
        f"HS{i:04d},{day:02d}/04/2026,10/04/2026,05/04/2026,Đã trả kết quả,Đăng ký khai sinh\n"
        for i in range(start, start + n)
    )


def exact(path: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> LoadResult:
    monkeypatch.setattr(csv_stream, "STREAM_MIN_BYTES", 1 << 62)
    return load_dossiers(path, **options)


def streamed(path: Path, monkeypatch: pytest.MonkeyPatch, block: int, **options: object) -> LoadResult:
    monkeypatch.setattr(csv_stream, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(csv_stream, "BLOCK_BYTES", block)
    pieces = []
    run = csv_stream._PieceReader.run

    def counted(self):  # the pieces parsed: proof that the file was streamed, not read at once
        for raw in run(self):
            pieces.append(len(raw.row_numbers))
            yield raw

    monkeypatch.setattr(csv_stream._PieceReader, "run", counted)
    result = load_dossiers(path, **options)
    monkeypatch.setattr(csv_stream._PieceReader, "run", run)
    if block * 4 < path.stat().st_size:
        assert len(pieces) > 1
    return result


def assert_same(a: LoadResult, b: LoadResult) -> None:
    assert_frame_equal(a.dossiers, b.dossiers)
    assert_frame_equal(a.rejects, b.rejects)
    assert_frame_equal(a.excluded, b.excluded)
    assert a.accounting == b.accounting
    assert np.array_equal(a.id_hashes, b.id_hashes)
    for name in ("stated_total", "title_lines", "as_of", "unit_name", "synthetic", "header_map", "sha256"):
        assert getattr(a, name) == getattr(b, name), name
    slow = "Đọc chậm"
    assert [n for n in a.notes if slow not in n] == [n for n in b.notes if slow not in n]


def both(path: Path, monkeypatch: pytest.MonkeyPatch, blocks=BLOCKS, **options) -> LoadResult:
    """The exact result, after checking that every block size gives it."""
    whole = exact(path, monkeypatch, **options)
    for block in blocks:
        assert_same(whole, streamed(path, monkeypatch, block, **options))
    return whole


def write(tmp_path: Path, text: str | bytes, name: str = "ho_so.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_records_cut_by_block_edges(tmp_path, monkeypatch):
    path = write(tmp_path, TITLES + HEADER + "\n" + rows(30))
    result = both(path, monkeypatch)
    assert result.accounting.as_dict() == {"read": 30, "loaded": 30, "excluded": 0, "rejected": 0}
    assert result.title_lines == [
        "UBND XÃ TÂN LẬP",
        "DANH SÁCH HỒ SƠ",
        "Từ ngày 01/04/2026 đến ngày 30/06/2026",
    ]
    assert result.unit_name == "Xã Tân Lập"
    # a block of 61 bytes holds no whole record of 77 bytes: each part is one record at least
    parts = list(csv_stream.open_csv_stream(path).parts())
    assert sum(len(p.row_numbers) for p in parts) == 30


def test_parts_are_many_and_numbered_like_the_file(tmp_path, monkeypatch):
    path = write(tmp_path, TITLES + HEADER + "\n" + rows(200))
    monkeypatch.setattr(csv_stream, "BLOCK_BYTES", 1000)
    parts = list(csv_stream.open_csv_stream(path).parts())
    assert len(parts) > 5
    numbers = np.concatenate([p.row_numbers for p in parts])
    assert numbers.tolist() == list(range(5, 205))  # three title lines and the header take lines 1–4
    assert [p.may_have_footer for p in parts] == [False] * (len(parts) - 1) + [True]
    assert len(parts[-1].row_numbers) >= csv_stream.TAIL_ROWS


def test_bom_and_crlf(tmp_path, monkeypatch):
    text = (HEADER + "\n" + rows(12)).replace("\n", "\r\n")
    path = write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = both(path, monkeypatch)
    assert result.header_map["Mã hồ sơ"] == "dossier_id"  # the BOM is not part of the first header
    assert result.dossiers["dossier_id"].iloc[0] == "HS0001"


def test_quoted_newlines_at_edges_keep_line_numbers(tmp_path, monkeypatch):
    # line 1 header; HS0001 on line 2 takes lines 2–4 (two quoted line breaks); HS0002 line 5; the bad date of
    # HS0003 is on line 6; HS0004 takes lines 7–8; the bad date of HS0005 is on line 9.
    text = (
        HEADER + "\n"
        'HS0001,01/04/2026,10/04/2026,,Đang xử lý,"Cấp ""giấy""\nxác nhận\nhộ tịch"\n'
        "HS0002,01/04/2026,10/04/2026,,Đang xử lý,Đăng ký\n"
        "HS0003,31/04/2026,10/04/2026,,Đang xử lý,Đăng ký\n"
        'HS0004,01/04/2026,10/04/2026,,Đang xử lý,"a\nb"\n'
        "HS0005,xx,10/04/2026,,Đang xử lý,Đăng ký\n"
    )
    path = write(tmp_path, text)
    result = both(path, monkeypatch)
    assert result.rejects["row"].tolist() == [6, 9]
    assert result.dossiers["procedure"].iloc[0] == 'Cấp "giấy" xác nhận hộ tịch'


def test_cp1258_combining_mark_at_every_edge(tmp_path, monkeypatch):
    text = TITLES + HEADER + "\n" + rows(8) + "HS0099,01/04/2026,10/04/2026,,Đã trả kết quả,Thẩm định hồ sơ\n"
    data = to_cp1258(text)
    assert "\u0309".encode("cp1258") in data  # «ẩ» written as «â» + combining hook: an edge can fall between
    path = write(tmp_path, data)
    result = both(path, monkeypatch)
    assert result.dossiers["procedure"].iloc[-1] == "Thẩm định hồ sơ"  # composed again (NFC)
    assert unicodedata.is_normalized("NFC", result.dossiers["procedure"].iloc[-1])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_code_units_cut_by_edges(tmp_path, monkeypatch, encoding):
    path = write(tmp_path, (TITLES + HEADER + "\n" + rows(10)).encode(encoding))
    result = both(path, monkeypatch)
    assert result.accounting.loaded == 10
    assert result.title_lines[0] == "UBND XÃ TÂN LẬP"


def test_footer_straddling_the_last_edge(tmp_path, monkeypatch):
    footer = "Tổng cộng: 60 hồ sơ\n\nNGƯỜI LẬP BIỂU\n(Ký, ghi rõ họ tên)\nNguyễn Văn A\n"
    path = write(tmp_path, TITLES + HEADER + "\n" + rows(60) + footer)
    # blocks so that the last part holds only part of the footer: merged with the part before it
    result = both(path, monkeypatch, blocks=(61, 200, 400, 4000))
    assert result.excluded["reason_code"].tolist() == ["footer"] * 4
    assert result.excluded["row"].tolist() == [65, 67, 68, 69]  # the blank line 66 is no row
    assert result.stated_total == 60
    assert result.accounting.as_dict() == {"read": 64, "loaded": 60, "excluded": 4, "rejected": 0}


def test_duplicate_id_across_blocks(tmp_path, monkeypatch):
    path = write(tmp_path, HEADER + "\n" + rows(120) + rows(1, start=3) + rows(1, start=120))
    monkeypatch.setattr(csv_stream, "BLOCK_BYTES", 1000)
    assert len(list(csv_stream.open_csv_stream(path).parts())) > 2  # HS0003 and its repeat are in two parts
    result = both(path, monkeypatch, blocks=(7, 100, 1000))
    assert result.rejects["row"].tolist() == [122, 123]
    assert result.rejects["reason"].tolist() == ["Mã hồ sơ trùng với dòng 4", "Mã hồ sơ trùng với dòng 121"]
    assert result.accounting.as_dict() == {"read": 122, "loaded": 120, "excluded": 0, "rejected": 2}


def test_rows_with_other_cell_counts_are_read_exactly(tmp_path, monkeypatch):
    text = (
        HEADER
        + "\n"
        + rows(20)
        + "HS0500,01/04/2026,10/04/2026,,Đang xử lý,Đăng ký,thừa,ô\n"  # line 22: too many cells
        + "HS0501,01/04/2026\n"  # line 23: too few (the rest blank)
        + ",,,,,\n"  # line 24: blank row, not a data row
        + rows(20, start=21)
    )
    path = write(tmp_path, text)
    result = both(path, monkeypatch, blocks=(7, 300, 1 << 20))
    assert result.rejects[["row", "reason_code"]].values.tolist() == [[22, "bad_field_count"]]
    assert result.accounting.as_dict() == {"read": 42, "loaded": 41, "excluded": 0, "rejected": 1}
    note = [n for n in streamed(path, monkeypatch, 1 << 20).notes if "Đọc chậm" in n]
    assert note == [
        "Đọc chậm từng dòng từ dòng 22 vì có dòng số ô khác số cột của dòng tiêu đề (chỉ các dòng đó)"
    ]


def test_quote_inside_an_unquoted_cell(tmp_path, monkeypatch):
    text = (
        HEADER
        + "\n"
        + rows(10)
        + 'HS0100,01/04/2026,10/04/2026,,Đang xử lý,Màn hình 12" ""x\n'
        + rows(10, start=11)
    )
    path = write(tmp_path, text)
    result = both(path, monkeypatch, blocks=(7, 250, 1 << 20))
    assert result.dossiers["procedure"].iloc[10] == 'Màn hình 12" ""x'  # the quotes are characters
    # with a cell over two lines in the same piece, the piece is read by the exact tokenizer, and it says so
    text = text.replace("Đăng ký khai sinh\nHS0012", "Đăng ký khai sinh\nHS0012").replace(
        "HS0013,01/04/2026,10/04/2026,05/04/2026,Đã trả kết quả,Đăng ký khai sinh",
        'HS0013,01/04/2026,10/04/2026,05/04/2026,Đã trả kết quả,"Đăng ký\nkhai sinh"',
    )
    path = write(tmp_path, text)
    result = both(path, monkeypatch, blocks=(7, 250, 1 << 20))
    assert result.rejects.empty and result.accounting.loaded == 21
    notes = [n for n in streamed(path, monkeypatch, 1 << 20).notes if "Đọc chậm" in n]
    assert notes == ["Đọc chậm từng dòng từ dòng 12 vì có dấu ngoặc kép giữa ô hoặc không đóng"]


def test_unclosed_quote_is_the_same_error(tmp_path, monkeypatch):
    path = write(
        tmp_path, HEADER + "\n" + rows(10) + 'HS0100,01/04/2026,10/04/2026,,Đang xử lý,"Đăng ký\n' + rows(5)
    )
    for block in (0, 7, 100):
        if block:
            monkeypatch.setattr(csv_stream, "STREAM_MIN_BYTES", 0)
            monkeypatch.setattr(csv_stream, "BLOCK_BYTES", block)
        else:
            monkeypatch.setattr(csv_stream, "STREAM_MIN_BYTES", 1 << 62)
        with pytest.raises(InputError, match="không đóng từ dòng 12"):
            load_dossiers(path)


def test_windows_1258_after_an_ascii_start(tmp_path, monkeypatch):
    # the first blocks are ASCII (valid UTF-8); a later one holds a Windows-1258 letter: read as Windows-1258
    text = HEADER.encode("utf-8").decode("utf-8")
    data = (
        to_cp1258(text + "\n")
        + rows(30).replace("Đã trả kết quả", "4").replace("Đăng ký khai sinh", "DK").encode()
    )
    data += to_cp1258("HS0999,01/04/2026,10/04/2026,,Đang xử lý,Đăng ký khai sinh\n")
    path = write(tmp_path, data)
    result = both(path, monkeypatch, blocks=(7, 300))
    assert result.dossiers["procedure"].iloc[-1] == "Đăng ký khai sinh"


def test_utf8_then_another_encoding_is_refused(tmp_path, monkeypatch):
    data = (HEADER + "\n" + rows(30)).encode("utf-8") + to_cp1258(rows(1, start=99))
    path = write(tmp_path, data)
    with pytest.raises(InputError, match="trộn hai bảng mã"):
        exact(path, monkeypatch)
    with pytest.raises(InputError, match="trộn hai bảng mã: phần đầu là UTF-8 nhưng dòng 32"):
        streamed(path, monkeypatch, 300)


def test_by_part_adds_up_and_finds_repeats_across_parts(tmp_path, monkeypatch):
    text = TITLES + HEADER + "\n" + rows(120) + rows(1, start=5) + "Tổng cộng: 121 hồ sơ\n"
    path = write(tmp_path, text)
    monkeypatch.setattr(csv_stream, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(csv_stream, "BLOCK_BYTES", 500)
    parts: list[LoadResult] = []
    result = load_dossiers_by_part(path, parts.append)
    assert len(parts) > 2
    assert (
        sum(len(p.dossiers) for p in parts) == result.accounting.loaded == 121
    )  # the repeat is not seen yet
    assert all(p.title_lines == result.title_lines for p in parts)
    assert result.stated_total == 121 and result.excluded["row"].tolist() == [126]
    assert result.as_of == pd.Timestamp("2026-06-30")
    # the KPI report finds the repeat from the parts' id hashes and reads again: as the exact reader
    whole = report_to_json(build_kpi_report(path, by=["quarter"]))
    monkeypatch.setattr(csv_stream, "STREAM_MIN_BYTES", 1 << 62)
    assert report_to_json(build_kpi_report(path, by=["quarter"])) == whole
    assert whole["rows"] == {"read": 122, "loaded": 120, "excluded": 1, "rejected": 1}


def test_personal_data_columns_are_dropped(tmp_path, monkeypatch):
    header = HEADER + ",Họ tên người nộp,Số điện thoại"
    body = "".join(
        f"HS{i:04d},01/04/2026,10/04/2026,,Đang xử lý,Đăng ký,Nguyễn Văn {i},0912345{i:03d}\n"
        for i in range(30)
    )
    path = write(tmp_path, header + "\n" + body)
    result = both(path, monkeypatch, blocks=(7, 400))
    assert "Họ tên người nộp" in result.dropped_columns and "Số điện thoại" in result.dropped_columns
    assert not any("Nguyễn" in str(v) for v in result.dossiers.astype(str).to_numpy().ravel())


def test_cells_of_columns_not_parsed_still_count(tmp_path, monkeypatch):
    # the name and note columns are not parsed on the usual path, but a row holding only a name is a row (line
    # 42: rejected, not dropped as blank), and a footer written in the note column is a footer (lines 83–84)
    header = HEADER + ",Họ tên người nộp,Ghi chú"
    body = "".join(
        f"HS{i:04d},01/04/2026,10/04/2026,05/04/2026,Đã trả kết quả,Đăng ký,Nguyễn Văn {i},\n"
        for i in range(1, 41)
    )
    body += ",,,,,,Trần Thị B,\n"
    body += "".join(
        f"HS{i:04d},01/04/2026,10/04/2026,05/04/2026,Đã trả kết quả,Đăng ký,Nguyễn Văn {i},\n"
        for i in range(41, 81)
    )
    body += ",,,,,,,Tổng cộng: 80 hồ sơ\n,,,,,,,Người lập biểu\n"
    path = write(tmp_path, header + "\n" + body)
    result = both(path, monkeypatch, blocks=(7, 600, 1 << 20))
    assert result.rejects["row"].tolist() == [42]
    assert result.excluded["row"].tolist() == [83, 84] and result.stated_total == 80
    assert result.accounting.as_dict() == {"read": 83, "loaded": 80, "excluded": 2, "rejected": 1}
    monkeypatch.setattr(csv_stream, "BLOCK_BYTES", 600)
    stream = csv_stream.open_csv_stream(path)
    stream.skip_unused(None, False)
    assert [stream.head.plan.headers[i] for i in stream.skipped] == ["Họ tên người nộp", "Ghi chú"]


def test_a_row_blank_in_the_parsed_columns_far_from_the_end_of_a_piece(tmp_path, monkeypatch):
    # more than a footer's reach before the end of its piece: its line is found by scanning the whole piece
    header = (
        "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Trạng thái,Thủ tục,Họ tên người nộp,Ghi chú"
    )
    body = "".join(
        f"HS{i:04d},01/04/2026,10/04/2026,05/04/2026,Đã trả kết quả,Đăng ký,Nguyễn Văn {i},\n"
        for i in range(1, 51)
    )
    body += ",,,,,,Trần Thị B,\n"
    body += "".join(
        f"HS{i:04d},02/04/2026,10/04/2026,05/04/2026,Đã trả kết quả,Đăng ký,Nguyễn Văn {i},\n"
        for i in range(51, 451)
    )
    path = write(tmp_path, header + "\n" + body)
    result = both(path, monkeypatch, blocks=(9000, 1 << 20))
    assert result.rejects["row"].tolist() == [52]
    assert result.accounting.as_dict() == {"read": 451, "loaded": 450, "excluded": 0, "rejected": 1}
