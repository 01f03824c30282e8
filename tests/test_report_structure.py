"""Exports laid out as printed reports (issue 9, findings 4, 5 and 11): headers over two rows under merged group
cells, footer rows below the data (total, signature block, notes), a stated total, and long quoted cells.

Every file is written here, small enough that each expected number can be read off the test. Row numbers are as a
spreadsheet or a text editor shows them.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from cchc_analysis.cli import main
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import LoadResult, load_dossiers

GROUP_ROW = ["STT", "Mã hồ sơ", "Thời gian giải quyết", "", "", "Lĩnh vực"]
SUB_ROW = ["", "", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", ""]
DOSSIERS = [
    ["1", "TL-001", "01/04/2026", "10/04/2026", "05/04/2026", "Hộ tịch"],
    ["2", "TL-002", "02/04/2026", "12/04/2026", "", "Chứng thực"],
    ["3", "TL-003", "31/02/2026", "12/04/2026", "", "Đất đai"],  # rejected: no 31 February
]
SIGNER_1, SIGNER_2 = "Nguyễn Thị Hoa", "Trần Văn Bình"
FOOTER = [
    ["Tổng cộng: 3 hồ sơ", "", "", "", "", ""],
    ["", "", "", "", "", ""],
    ["", "NGƯỜI LẬP BIỂU", "", "", "THỦ TRƯỞNG ĐƠN VỊ", ""],
    ["", "(Ký, ghi rõ họ tên)", "", "", "(Ký, ghi rõ họ tên)", ""],
    ["", SIGNER_1, "", "", SIGNER_2, ""],
    ["", "", "", "", "Tân Lập, ngày 05 tháng 7 năm 2026", ""],
    ["Ghi chú: số liệu tạm tính đến ngày 30/06/2026", "", "", "", "", ""],
]


def check(result: LoadResult) -> LoadResult:
    a = result.accounting
    assert a.read == a.loaded + a.excluded + a.rejected
    assert a.read == len(result.dossiers) + len(result.excluded) + len(result.rejects)
    return result


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def run(args: list[object], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# --- headers over two rows -----------------------------------------------------------------------------------------


def merged_header_workbook(path: Path, footer: list[list[str]] = ()) -> Path:
    """Row 1 a title, rows 2–3 the header (A, B, F merged down; «Thời gian giải quyết» merged over C:E), row 4 the
    column numbers, data from row 5."""
    wb = Workbook()
    ws = wb.active
    ws.append(["UBND XÃ TÂN LẬP"])
    ws.append(GROUP_ROW)
    ws.append(SUB_ROW)
    ws.append([f"({i})" for i in range(1, 7)])
    for row in [*DOSSIERS, *footer]:
        ws.append(row)
    for cells in ("A2:A3", "B2:B3", "C2:E2", "F2:F3"):
        ws.merge_cells(cells)
    wb.save(path)
    return path


def test_a_merged_group_header_in_xlsx_is_read(tmp_path: Path) -> None:
    result = check(load_dossiers(merged_header_workbook(tmp_path / "tan_lap.xlsx")))
    assert result.header_map == {
        "Mã hồ sơ": "dossier_id",
        "Ngày tiếp nhận": "received_at",
        "Ngày hẹn trả": "due_at",
        "Ngày có kết quả": "resolved_at",
        "Lĩnh vực": "field",
    }
    assert result.title_lines == ["UBND XÃ TÂN LẬP"]  # the group row is header, not title
    assert result.dossiers["dossier_id"].tolist() == ["TL-001", "TL-002"]
    assert result.dossiers["field"].tolist() == ["Hộ tịch", "Chứng thực"]
    assert result.rejects["row"].tolist() == [7]  # title 1, header 2–3, column numbers 4, data 5–7
    assert result.accounting.as_dict() == {"read": 3, "loaded": 2, "excluded": 0, "rejected": 1}


def test_a_two_row_header_in_csv_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tan_lap.csv", [["BÁO CÁO DANH SÁCH HỒ SƠ"], GROUP_ROW, SUB_ROW, *DOSSIERS])
    result = check(load_dossiers(path))
    assert set(result.header_map.values()) == {"dossier_id", "received_at", "due_at", "resolved_at", "field"}
    assert result.title_lines == ["BÁO CÁO DANH SÁCH HỒ SƠ"]
    assert result.dossiers["dossier_id"].tolist() == ["TL-001", "TL-002"]
    assert result.rejects["row"].tolist() == [6]


def test_a_group_word_read_with_its_sub_headers(tmp_path: Path) -> None:
    # «Ngày» over «tiếp nhận | hẹn trả | có kết quả»: each sub-header names a column only with its group.
    rows = [["Mã hồ sơ", "Ngày", "", ""], ["", "tiếp nhận", "hẹn trả", "có kết quả"], DOSSIERS[0][1:5]]
    result = check(load_dossiers(write_csv(tmp_path / "ngay.csv", rows)))
    assert list(result.header_map.values()) == ["dossier_id", "received_at", "due_at", "resolved_at"]
    assert result.accounting.loaded == 1


def test_a_group_cell_is_not_copied_as_a_column_name(tmp_path: Path) -> None:
    # «Mã hồ sơ» stands alone above a blank cell whose sub-header «Ghi chú» names nothing: carrying it right would
    # make two id columns. A group cell is carried only to name unknown columns.
    rows = [
        ["Mã hồ sơ", "", "Thời gian giải quyết", "", ""],
        ["", "Ghi chú", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"],
        ["TL-001", "gấp", "01/04/2026", "10/04/2026", ""],
    ]
    result = check(load_dossiers(write_csv(tmp_path / "ghi_chu.csv", rows), keep_unknown=True))
    assert list(result.header_map.values()) == ["dossier_id", "received_at", "due_at", "resolved_at"]
    assert result.dossiers["Mã hồ sơ / Ghi chú"].tolist() == ["gấp"]


def test_the_no_header_message_is_short_and_says_where_it_looked(tmp_path: Path) -> None:
    rows = [
        ["UBND XÃ TÂN LẬP"],
        [""],
        ["STT", "Mã hồ sơ", "Lĩnh vực", "Ghi chú"],
        ["1", "TL-001", "Hộ tịch", ""],
    ]
    with pytest.raises(InputError) as excinfo:
        load_dossiers(write_csv(tmp_path / "no_dates.csv", rows))
    message = str(excinfo.value)
    assert "Không tìm thấy dòng tiêu đề trong 20 dòng đầu" in message
    assert (
        "tìm thấy Mã hồ sơ ở dòng 3 nhưng thiếu Ngày tiếp nhận, Ngày hẹn trả, Ngày kết thúc xử lý" in message
    )
    assert "found dossier_id on row 3 but not received_at, due_at, resolved_at" in message
    assert len(excinfo.value.message_vi) < 300 and len(excinfo.value.message_en) < 300


def test_a_header_missing_across_two_rows_names_both_rows(tmp_path: Path) -> None:
    sub = ["", "", "Ngày tiếp nhận", "Ngày hẹn trả", "", ""]  # no resolution column under the group
    with pytest.raises(InputError) as excinfo:
        load_dossiers(write_csv(tmp_path / "partial.csv", [GROUP_ROW, sub, DOSSIERS[0]]))
    message = str(excinfo.value)
    assert (
        "Thiếu cột bắt buộc Ngày kết thúc xử lý: tìm thấy Mã hồ sơ ở dòng 1; Ngày tiếp nhận, Ngày hẹn trả ở dòng 2"
        in message
    )
    assert len(excinfo.value.message_vi) < 400


# --- footer rows ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_footer_rows_are_excluded_and_their_text_is_dropped(tmp_path: Path, kind: str, capsys) -> None:
    if kind == "csv":
        path = write_csv(tmp_path / "tan_lap.csv", [GROUP_ROW, SUB_ROW, *DOSSIERS, *FOOTER])
        first_footer = 6
    else:
        path = merged_header_workbook(tmp_path / "tan_lap.xlsx", FOOTER)
        first_footer = 8
    result = check(load_dossiers(path))
    # 3 dossier rows + 6 footer rows (the blank row is no row); the bad date stays a rejected dossier
    assert result.accounting.as_dict() == {"read": 9, "loaded": 2, "excluded": 6, "rejected": 1}
    assert set(result.excluded["reason_code"]) == {"footer"}
    assert result.excluded["row"].tolist() == [first_footer, *range(first_footer + 2, first_footer + 7)]
    assert result.excluded["value"].isna().all() and result.excluded["column"].isna().all()
    assert result.rejects["reason_code"].tolist() == ["bad_date"]
    assert result.stated_total == 3 and result.notes == []
    shown = result.dossiers.to_string() + result.rejects.to_string() + result.excluded.to_string()
    for secret in (SIGNER_1, SIGNER_2, "THỦ TRƯỞNG", "tạm tính"):
        assert secret not in shown

    code, out, err = run(["validate", path, "--format", "json"], capsys)
    assert code == 0
    assert SIGNER_1 not in out + err and SIGNER_2 not in out + err
    assert json.loads(out)["rows"] == {"read": 9, "loaded": 2, "excluded": 6, "rejected": 1}
    assert json.loads(out)["excluded_by_reason"] == {"footer": 6}
    code, out, err = run(["validate", path], capsys)
    assert "dòng cuối bảng (tổng cộng, chữ ký, ghi chú) 6" in out
    assert SIGNER_1 not in out + err


def test_the_briefing_accounting_table_counts_footer_rows_apart(tmp_path: Path) -> None:
    from cchc_analysis.report_tables import accounting_table

    result = load_dossiers(write_csv(tmp_path / "tan_lap.csv", [GROUP_ROW, SUB_ROW, *DOSSIERS, *FOOTER]))
    table = accounting_table(result)
    assert dict(zip(table.data["item"], table.data["rows"], strict=True)) == {
        "Số dòng hồ sơ trong tệp": 9,
        "Đưa vào tính toán": 2,
        "Loại trừ (trạng thái Mới đăng ký / Không được tiếp nhận)": 0,
        "Dòng cuối bảng (tổng cộng, chữ ký, ghi chú), không phải hồ sơ": 6,
        "Bị từ chối do lỗi dữ liệu": 1,
    }


def test_signature_names_under_the_id_and_date_columns_are_footer(tmp_path: Path) -> None:
    footer = [
        ["", "NGƯỜI LẬP BIỂU", "", "KT. CHỦ TỊCH", "", ""],
        ["", "", "", "PHÓ CHỦ TỊCH", "", ""],
        ["", SIGNER_1, "", SIGNER_2, "", ""],  # names in the id and due-date columns
    ]
    rows = [GROUP_ROW, SUB_ROW, *DOSSIERS[:2], *footer]
    result = check(load_dossiers(write_csv(tmp_path / "ky.csv", rows)))
    assert result.accounting.as_dict() == {"read": 5, "loaded": 2, "excluded": 3, "rejected": 0}
    shown = result.excluded.to_string() + result.rejects.to_string() + result.dossiers.to_string()
    assert SIGNER_1 not in shown and SIGNER_2 not in shown


def test_a_dossier_row_is_never_footer(tmp_path: Path) -> None:
    # «Cộng tác viên» is a procedure, not a total; a dossier after a total row keeps that row out of any footer.
    header = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Tên thủ tục"]
    rows = [
        header,
        ["TL-001", "01/04/2026", "10/04/2026", "", "Công nhận cộng tác viên"],
        ["", "", "", "", "Cộng"],
        ["TL-002", "02/04/2026", "10/04/2026", "", "Cộng tác viên dân số"],
        ["Cộng: 3", "", "", "", ""],
    ]
    result = check(load_dossiers(write_csv(tmp_path / "ctv.csv", rows)))
    assert result.dossiers["dossier_id"].tolist() == ["TL-001", "TL-002"]
    assert result.excluded["row"].tolist() == [5]  # only the last row is footer
    assert result.rejects["row"].tolist() == [3]  # the «Cộng» row amid the data: a rejected row, as before
    assert result.stated_total == 3 and result.notes == []  # 3 dossier rows, the rejected one included


def test_a_total_row_with_a_count_under_the_status_column_is_footer(tmp_path: Path) -> None:
    # «10» reads as a status (Đã trả kết quả), but a row with a total marker is no dossier for that.
    rows = [
        ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái"],
        ["TL-001", "01/04/2026", "10/04/2026", "05/04/2026", "10"],
        ["TL-002", "02/04/2026", "12/04/2026", "", "4"],
        ["Tổng cộng", "", "", "", "2"],
    ]
    result = check(load_dossiers(write_csv(tmp_path / "trang_thai.csv", rows)))
    assert result.accounting.as_dict() == {"read": 3, "loaded": 2, "excluded": 1, "rejected": 0}
    assert result.excluded["reason_code"].tolist() == ["footer"]
    assert result.stated_total == 2 and result.notes == []


def test_a_broken_dossier_after_the_data_is_rejected_not_hidden(tmp_path: Path) -> None:
    rows = [
        GROUP_ROW,
        SUB_ROW,
        *DOSSIERS[:2],
        ["3", "TL-003", "không rõ", "", "", ""],
        ["Cộng", "", "", "", "", ""],
    ]
    result = check(load_dossiers(write_csv(tmp_path / "broken.csv", rows)))
    assert result.rejects["row"].tolist() == [5] and result.excluded["row"].tolist() == [6]


# --- the stated total ----------------------------------------------------------------------------------------------


def test_a_stated_total_that_differs_is_said_by_every_command(tmp_path: Path, capsys) -> None:
    footer = [["Tổng cộng: 1.500 hồ sơ", "", "", "", "", ""], ["", "NGƯỜI LẬP BIỂU", "", "", "", ""]]
    path = write_csv(tmp_path / "tong.csv", [GROUP_ROW, SUB_ROW, *DOSSIERS, *footer])
    result = check(load_dossiers(path))
    assert result.stated_total == 1500
    note = "Dòng tổng cộng ghi 1.500 hồ sơ nhưng tệp có 3 dòng hồ sơ"
    assert result.notes == [note]

    code, out, err = run(["validate", path, "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["notes"] == [note] and note in err
    code, out, err = run(["kpis", path, "--period", "2026-Q2"], capsys)
    assert code == 0 and note in err
    code, out, err = run(["bieu06", path, "--period", "2026-Q2", "-o", tmp_path / "b06.xlsx"], capsys)
    assert code == 0 and note in err


@pytest.mark.parametrize(
    ("total_row", "stated"),
    [
        (["Tổng cộng", "3", "", "", "", ""], 3),  # the count in the id column
        (["", "Tổng: 3 hồ sơ", "", "", "", ""], 3),
        (["Tổng số hồ sơ (đến 30/06/2026): 3 hồ sơ", "", "", "", "", ""], 3),
        (["Cộng", "", "", "", "", ""], None),  # no count stated
    ],
)
def test_a_stated_total_that_matches_adds_no_note(tmp_path: Path, total_row: list[str], stated) -> None:
    result = check(
        load_dossiers(write_csv(tmp_path / "tong.csv", [GROUP_ROW, SUB_ROW, *DOSSIERS, total_row]))
    )
    assert result.stated_total == stated
    assert result.notes == []
    assert result.accounting.as_dict() == {"read": 4, "loaded": 2, "excluded": 1, "rejected": 1}


def test_a_total_in_an_xlsx_number_cell(tmp_path: Path) -> None:
    path = merged_header_workbook(tmp_path / "so.xlsx", [["Tổng cộng", 1498, None, None, None, None]])
    result = check(load_dossiers(path))
    assert result.stated_total == 1498
    assert result.notes == ["Dòng tổng cộng ghi 1.498 hồ sơ nhưng tệp có 3 dòng hồ sơ"]


# --- long quoted cells ---------------------------------------------------------------------------------------------

HEADER = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Ghi chú"]


@pytest.mark.parametrize("lines", [250, 5_000])
def test_a_quoted_note_over_many_lines_is_read(tmp_path: Path, lines: int, monkeypatch) -> None:
    def no_global_change(*args):
        raise AssertionError("csv.field_size_limit is process-wide: the loader must not change it")

    monkeypatch.setattr(csv, "field_size_limit", no_global_change)
    note = "\n".join(f"dòng ghi chú số {i} của hồ sơ có nội dung dài" for i in range(1, lines + 1))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [
            HEADER,
            ["H001", "01/04/2026", "10/04/2026", "", note],
            ["H002", "31/02/2026", "10/04/2026", "", ""],
            [
                "H003",
                "02/04/2026",
                "10/04/2026",
                "",
                "a, b",
                "thừa",
            ],  # one cell too many: the record-by-record path
        ]
    )
    path = tmp_path / "ghi_chu.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    result = check(load_dossiers(path, keep_unknown=True))
    kept = result.dossiers["Ghi chú"].iloc[0]  # line breaks become spaces in kept text
    assert kept.startswith("dòng ghi chú số 1 ") and kept.endswith(f"số {lines} của hồ sơ có nội dung dài")
    assert len(kept) > (131_072 if lines == 5_000 else 10_000)  # past the csv module's default limit
    # header line 1, H001 on lines 2 … lines + 1: the rejects keep the editor's line numbers
    assert dict(zip(result.rejects["reason_code"], result.rejects["row"], strict=True)) == {
        "bad_date": lines + 2,
        "bad_field_count": lines + 3,
    }


def test_a_long_note_without_a_bad_row_keeps_line_numbers(tmp_path: Path) -> None:
    note = "\n".join(["x"] * 250)
    rows = [
        HEADER,
        ["H001", "01/04/2026", "10/04/2026", "", note],
        ["H002", "31/02/2026", "10/04/2026", "", ""],
    ]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path = tmp_path / "ghi_chu.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    result = check(load_dossiers(path))
    assert result.rejects["row"].tolist() == [252]


# --- a cell found broken on the way (hypothesis, tests/test_fuzz.py) ------------------------------------------------


def test_a_date_cell_past_year_9999_is_shown_not_a_crash() -> None:
    import numpy as np
    import pandas as pd

    from cchc_analysis.loaders.cleaning import _cell_text

    assert _cell_text(pd.Timestamp(np.datetime64("11159-01-02T03:04:05", "s"))) == "02/01/11159 03:04:05"
    assert _cell_text(pd.Timestamp("2026-04-13")) == "13/04/2026"
