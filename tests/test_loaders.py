"""Tests of cchc_analysis.loaders: every input form of SPEC §2 and the row accounting.

Files are written in ``tmp_path`` by the tests themselves, so that each expected value can be read off the
test. Row numbers are 1-based as an editor or a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cchc_analysis import schema
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import (
    PERSONAL,
    UNUSED,
    LoadResult,
    RowAccounting,
    classify_header,
    header_aliases,
    header_key,
    load_dossiers,
    parse_dates,
)
from cchc_analysis.privacy import officer_pseudonym

HEADER = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý"]
GOOD = ["H001", "01/04/2026", "10/04/2026", "05/04/2026"]
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


# --------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: tone marks as combining characters after a base letter."""
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


def csv_text(
    rows: list[list[object]], header: list[str] | None = None, *, delimiter: str = ",", titles=()
) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")  # as Excel writes: CR and LF quoted
    for line in titles:
        writer.writerow([line])
    writer.writerow(HEADER if header is None else header)
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(
    tmp_path: Path,
    rows: list[list[object]],
    header: list[str] | None = None,
    *,
    name: str = "ho_so.csv",
    encoding: str = "utf-8",
    delimiter: str = ",",
    titles=(),
) -> Path:
    text = csv_text(rows, header, delimiter=delimiter, titles=titles)
    path = tmp_path / name
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def write_xlsx(tmp_path: Path, sheets: dict[str, list[list[object]]], name: str = "ho_so.xlsx") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def check(result: LoadResult) -> LoadResult:
    """The invariants every load must keep."""
    a = result.accounting
    assert a.read == a.loaded + a.excluded + a.rejected
    assert len(result.dossiers) == a.loaded
    assert len(result.rejects) == a.rejected
    assert len(result.excluded) == a.excluded
    assert list(result.rejects.columns) == ["file", "row", "column", "value", "reason_code", "reason"]
    assert list(result.excluded.columns) == list(result.rejects.columns)
    rows = pd.concat([result.rejects["row"], result.excluded["row"]])
    assert rows.is_unique
    canonical = [c for c in result.dossiers.columns if c in schema.CANONICAL_COLUMNS]
    assert canonical == [c for c in schema.CANONICAL_COLUMNS if c in canonical]
    return result


def load(path: Path, **kwargs) -> LoadResult:
    return check(load_dossiers(path, **kwargs))


def one_reject(result: LoadResult) -> dict[str, object]:
    assert len(result.rejects) == 1, result.rejects
    return result.rejects.iloc[0].to_dict()


# --------------------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------------------


def test_row_accounting_adds_and_sums() -> None:
    a, b = RowAccounting(3, 2, 0, 1), RowAccounting(4, 1, 2, 1)
    assert (a + b).as_dict() == {"read": 7, "loaded": 3, "excluded": 2, "rejected": 2}
    assert sum([a, b]) == a + b


def test_loaded_frame_has_the_documented_dtypes(tmp_path: Path) -> None:
    header = [*HEADER, "Ngày trả kết quả", "Tên thủ tục", "Lĩnh vực", "Đơn vị", "Hệ thống", "Kênh thực hiện"]
    header += ["Mức độ DVC", "Trạng thái", "Số hóa", "Tái sử dụng", "Lệ phí", "Thanh toán trực tuyến"]
    header += ["Cán bộ xử lý", "Mức độ hài lòng", "Có PAKN", "Trả kết quả tại nhà"]
    header += ["Tiếp nhận tại nhà", "Đối tượng yếu thế", "Ngày đồng bộ"]
    row = [*GOOD, "06/04/2026", "Đăng ký khai sinh", "Hộ tịch", "UBND xã", "Bộ Tư pháp", "Trực tuyến"]
    row += ["Toàn trình", "10", "Có", "Không", "0", "0", "Trần Thị B", "Hài lòng", "Không", "Không"]
    row += ["Có", "Người cao tuổi", "07/04/2026"]
    result = load(write_csv(tmp_path, [row], header))
    df = result.dossiers
    assert list(df.columns) == list(schema.CANONICAL_COLUMNS)
    for col in ("dossier_id", *schema.TEXT_COLUMNS):
        assert df[col].dtype == pd.StringDtype(na_value=pd.NA), col
    for col in schema.DATE_COLUMNS:
        assert pd.api.types.is_datetime64_dtype(df[col].dtype) and df[col].dt.tz is None, col
    assert list(df["channel"].cat.categories) == list(schema.CHANNELS)
    assert list(df["online_level"].cat.categories) == list(schema.ONLINE_LEVELS)
    assert list(df["satisfaction"].cat.categories) == list(schema.SATISFACTION_LEVELS)
    assert df["status"].dtype == "Int8"
    for col in schema.BOOL_COLUMNS:
        assert df[col].dtype == "boolean", col
    assert df.iloc[0].to_dict() == {
        "dossier_id": "H001",
        "received_at": pd.Timestamp("2026-04-01"),
        "due_at": pd.Timestamp("2026-04-10"),
        "resolved_at": pd.Timestamp("2026-04-05"),
        "returned_at": pd.Timestamp("2026-04-06"),
        "procedure": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "unit": "UBND xã",
        "source_system": "Bộ Tư pháp",
        "channel": "full_online",
        "online_level": "full_online",
        "status": 10,
        "digitized": True,
        "data_reused": False,
        "fee_required": False,
        "paid_online": False,
        "officer": officer_pseudonym("Trần Thị B"),  # names never reach the frame (cchc_analysis.privacy)
        "satisfaction": "satisfied",
        "complaint": False,
        "home_delivery": False,
        "home_pickup": True,
        "vulnerable_group": "elderly",  # the vocabulary's code (kind vulnerable_group)
        "synced_at": pd.Timestamp("2026-04-07"),
    }
    assert result.header_map["Mã hồ sơ"] == "dossier_id"
    assert len(result.sha256) == 64


def test_header_only_file_loads_zero_rows_with_dtypes(tmp_path: Path) -> None:
    result = load(write_csv(tmp_path, [], [*HEADER, "Kênh thực hiện", "Số hóa"]))
    assert result.accounting.as_dict() == {"read": 0, "loaded": 0, "excluded": 0, "rejected": 0}
    assert list(result.dossiers.columns) == [*schema.REQUIRED_COLUMNS, "channel", "digitized"]
    assert result.dossiers["digitized"].dtype == "boolean"
    assert pd.api.types.is_datetime64_dtype(result.dossiers["received_at"].dtype)


# --------------------------------------------------------------------------------------------------------
# CSV encodings, delimiters, title lines
# --------------------------------------------------------------------------------------------------------

VI_ROW = [*GOOD, "Hộ tịch", "Trực tuyến toàn trình", "Người thật Việc thật"]
VI_HEADER = [*HEADER, "Lĩnh vực", "Kênh thực hiện", "Họ tên người nộp"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258"])
def test_every_encoding_is_detected(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path, [VI_ROW], VI_HEADER, encoding=encoding)
    if encoding == "cp1258":
        assert b"\xf2" in path.read_bytes()  # the dot below of "ộ" is a combining mark in Windows-1258
    result = load(path)
    assert result.accounting.loaded == 1
    assert result.dossiers["field"].iloc[0] == "Hộ tịch"
    assert unicodedata.is_normalized("NFC", result.dossiers["field"].iloc[0])
    assert result.dossiers["channel"].iloc[0] == "full_online"
    assert result.header_map["Lĩnh vực"] == "field"


def test_decomposed_utf8_text_is_normalised(tmp_path: Path) -> None:
    text = unicodedata.normalize("NFD", csv_text([VI_ROW], VI_HEADER))
    path = tmp_path / "nfd.csv"
    path.write_text(text, encoding="utf-8")
    df = load(path).dossiers
    assert df["field"].iloc[0] == unicodedata.normalize("NFC", "Hộ tịch")


def test_explicit_encoding_and_delimiter_override(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [VI_ROW], VI_HEADER, encoding="cp1258", delimiter=";")
    result = load(path, encoding="cp1258", delimiter=";")
    assert result.dossiers["field"].iloc[0] == "Hộ tịch"
    with pytest.raises(InputError, match="tiêu đề"):
        load_dossiers(path, encoding="cp1258", delimiter="\t")
    with pytest.raises(InputError, match="bảng mã"):
        load_dossiers(path, encoding="no-such-codec")
    with pytest.raises(InputError, match="utf-8"):
        load_dossiers(path, encoding="utf-8")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    rows = [
        [*GOOD, "Đăng ký khai sinh, kết hôn; nhận con"],
        ["H002", "02/04/2026", "12/04/2026", "", "Chứng thực"],
    ]
    path = write_csv(tmp_path, rows, [*HEADER, "Tên thủ tục"], delimiter=delimiter)
    df = load(path).dossiers
    assert df["procedure"].tolist() == ["Đăng ký khai sinh, kết hôn; nhận con", "Chứng thực"]
    assert df["resolved_at"].isna().tolist() == [False, True]


def test_title_lines_above_the_header_and_row_numbers(tmp_path: Path) -> None:
    titles = ["BÁO CÁO DANH SÁCH HỒ SƠ", "Từ ngày 01/01/2026 đến ngày 13/04/2026"]
    rows = [GOOD, ["", "02/04/2026", "12/04/2026", ""]]
    result = load(write_csv(tmp_path, rows, titles=titles))
    assert result.title_lines == titles
    assert one_reject(result)["row"] == 5  # 2 title lines, the header on line 3, data on lines 4 and 5
    assert not result.synthetic


def test_title_lines_in_an_export_padded_with_delimiters(tmp_path: Path) -> None:
    text = "BÁO CÁO DANH SÁCH HỒ SƠ;;;\n;;;\n" + csv_text([GOOD], delimiter=";")
    path = tmp_path / "bc.csv"
    path.write_text(text, encoding="utf-8")
    result = load(path)
    assert result.title_lines == ["BÁO CÁO DANH SÁCH HỒ SƠ"]
    assert result.accounting.loaded == 1


def test_header_must_be_within_the_first_20_rows(tmp_path: Path) -> None:
    titles = [f"Dòng tiêu đề {i}" for i in range(19)]
    assert load(write_csv(tmp_path, [GOOD], titles=titles)).accounting.loaded == 1
    with pytest.raises(InputError, match="20 dòng đầu") as excinfo:
        load_dossiers(write_csv(tmp_path, [GOOD], titles=[*titles, "thêm"]))
    assert "Mã hồ sơ" in str(excinfo.value) and "Ngày hẹn trả" in str(excinfo.value)


def test_blank_rows_are_ignored_and_not_counted(tmp_path: Path) -> None:
    text = csv_text([GOOD]) + "\n,,,\n  ,\t,,\n" + "H002,,02/04/2026,\n"  # blank receipt date: rejected
    path = tmp_path / "blank.csv"
    path.write_text(text, encoding="utf-8")
    result = load(path)
    assert result.accounting.as_dict() == {"read": 2, "loaded": 1, "excluded": 0, "rejected": 1}
    assert one_reject(result)["row"] == 6


def test_column_number_row_below_the_header_is_not_data(tmp_path: Path) -> None:
    result = load(write_csv(tmp_path, [["(1)", "(2)", "(3)", "(4)"], GOOD]))
    assert result.accounting.as_dict() == {"read": 1, "loaded": 1, "excluded": 0, "rejected": 0}


def test_multiline_quoted_cells_keep_row_numbers(tmp_path: Path) -> None:
    rows = [[*GOOD, "dòng một\ndòng hai\ndòng ba"], ["H002", "bad", "12/04/2026", "", ""]]
    result = load(write_csv(tmp_path, rows, [*HEADER, "Ghi chú"]))
    assert one_reject(result)["row"] == 5  # header 1, first record on lines 2–4


@pytest.mark.parametrize("tail", [1, 300])
def test_a_quote_never_closed_is_an_error(tmp_path: Path, tail: int) -> None:
    text = csv_text([GOOD]) + 'H002,"02/04/2026,12/04/2026,\n' + "H003,02/04/2026,12/04/2026,\n" * tail
    path = tmp_path / "quote.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="ngoặc kép") as excinfo:
        load_dossiers(path)
    assert excinfo.value.row == 3


def test_ragged_rows(tmp_path: Path) -> None:
    text = csv_text([GOOD]) + "H002,02/04/2026,12/04/2026\n" + "H003,02/04/2026,12/04/2026,,oops\n"
    text += "H004,02/04/2026,12/04/2026,,,\n"
    path = tmp_path / "ragged.csv"
    path.write_text(text, encoding="utf-8")
    result = load(path)
    assert result.dossiers["dossier_id"].tolist() == ["H001", "H002", "H004"]
    reject = one_reject(result)
    assert (reject["row"], reject["reason_code"]) == (4, "bad_field_count")


# --------------------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------------------

ALIASES = header_aliases()
SAMPLE = {
    "dossier_id": "X9",
    "received_at": "02/04/2026",
    "due_at": "09/04/2026",
    "resolved_at": "08/04/2026",
    "returned_at": "08/04/2026",
    "procedure": "Đăng ký khai sinh",
    "field": "Hộ tịch",
    "unit": "UBND xã Đại Sơn",
    "source_system": "Bộ Tư pháp",
    "channel": "Trực tiếp",
    "online_level": "Một phần",
    "status": "4",
    "digitized": "Có",
    "data_reused": "Có",
    "fee_required": "Có",
    "paid_online": "Có",
    "officer": "Lê Văn C",
    "satisfaction": "Hài lòng",
    "complaint": "Không",
    "home_delivery": "Có",
    "home_pickup": "Có",
    "vulnerable_group": "Người khuyết tật",
    "synced_at": "09/04/2026",
}
EXPECTED = {
    "dossier_id": "X9",
    "received_at": pd.Timestamp("2026-04-02"),
    "due_at": pd.Timestamp("2026-04-09"),
    "resolved_at": pd.Timestamp("2026-04-08"),
    "returned_at": pd.Timestamp("2026-04-08"),
    "channel": "in_person",
    "online_level": "partial_online",
    "status": 4,
    "digitized": True,
    "data_reused": True,
    "fee_required": True,
    "paid_online": True,
    "satisfaction": "satisfied",
    "complaint": False,
    "home_delivery": True,
    "home_pickup": True,
    "vulnerable_group": "disabled",
    "synced_at": pd.Timestamp("2026-04-09"),
    "officer": officer_pseudonym("Lê Văn C"),
}


def test_alias_table_covers_every_canonical_column() -> None:
    assert set(ALIASES["canonical"]) == set(schema.CANONICAL_COLUMNS) | {PERSONAL, UNUSED}
    for name in schema.CANONICAL_COLUMNS:
        assert classify_header(name) == name


@pytest.mark.parametrize(
    ("canonical", "header"),
    [
        tuple(r)
        for r in ALIASES.loc[
            ~ALIASES["canonical"].isin([PERSONAL, UNUSED]), ["canonical", "header"]
        ].to_numpy()
    ],
)
def test_every_alias_of_every_column(tmp_path: Path, canonical: str, header: str) -> None:
    columns = dict(zip(schema.REQUIRED_COLUMNS, HEADER, strict=True))
    columns[canonical] = header  # replaces a required header, or adds an optional column
    row = [SAMPLE[n] for n in columns]
    result = load(write_csv(tmp_path, [row], list(columns.values())))
    assert result.header_map[header] == canonical
    assert result.accounting.loaded == 1
    assert result.dossiers[canonical].iloc[0] == EXPECTED.get(canonical, SAMPLE[canonical])


@pytest.mark.parametrize("header", ALIASES.loc[ALIASES["canonical"] == PERSONAL, "header"].tolist())
def test_every_personal_alias_is_dropped(tmp_path: Path, header: str) -> None:
    secret = "Bí mật 0999123456"
    result = load(write_csv(tmp_path, [[*GOOD, secret]], [*HEADER, header]), keep_unknown=True)
    assert result.dropped_columns == [header]
    assert header not in result.dossiers.columns
    assert secret not in result.dossiers.to_string()


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("MÃ HỒ SƠ", "dossier_id"),
        ("ma ho so", "dossier_id"),
        ("Ma_Ho_So", "dossier_id"),
        ("  Mã   hồ  sơ: ", "dossier_id"),
        (unicodedata.normalize("NFD", "Mã hồ sơ"), "dossier_id"),
        ("NGAY_TIEP_NHAN", "received_at"),
        ("Ngày tiếp nhận (dd/mm/yyyy)", "received_at"),
        ("ngay-hen-tra", "due_at"),
        ("Ngày hẹn trả\nkết quả", "due_at"),
        ("Số hoá", "digitized"),
        ("Kênh_thực_hiện", "channel"),
        ("STT", None),
        ("Ghi chú", None),
    ],
)
def test_header_matching_ignores_case_diacritics_spaces_and_punctuation(header: str, canonical: str) -> None:
    assert classify_header(header) == canonical


@pytest.mark.parametrize(
    "header",
    [
        "Số CCCD của người nộp",
        "Địa chỉ liên lạc",
        "Email người nộp",
        "Họ tên chủ hồ sơ",
        "SĐT người nộp",
        "Số CMND",
    ],
)
def test_unseen_personal_headers_are_caught_by_their_markers(tmp_path: Path, header: str) -> None:
    assert classify_header(header) == PERSONAL
    result = load(write_csv(tmp_path, [[*GOOD, "Nguyễn Văn An"]], [*HEADER, header]), keep_unknown=True)
    assert result.dropped_columns == [header]
    assert "Nguyễn Văn An" not in repr(result)


def test_no_alias_contains_a_personal_marker() -> None:
    for canonical, header in ALIASES[["canonical", "header"]].to_numpy():
        if canonical != PERSONAL:
            assert classify_header(header) == canonical, header


def test_personal_data_never_reaches_the_result(tmp_path: Path) -> None:
    header = [
        "STT",
        "Mã hồ sơ",
        "Họ và tên",
        "Số CCCD",
        "Ngày tiếp nhận",
        "Ngày hẹn trả",
        "Ngày kết thúc xử lý",
    ]
    header += ["Địa chỉ", "Điện thoại", "Ghi chú"]
    secrets = ["Nguyễn Văn An", "001203004005", "Số 5 thôn Giả Định", "0912345678"]
    rows = [
        ["1", "H001", secrets[0], secrets[1], "01/04/2026", "bad", "", secrets[2], secrets[3], "ghi chú"],
        ["2", "H002", secrets[0], secrets[1], "01/04/2026", "10/04/2026", "", secrets[2], secrets[3], ""],
    ]
    result = load(write_csv(tmp_path, rows, header), keep_unknown=True)
    assert result.dropped_columns == ["Họ và tên", "Số CCCD", "Địa chỉ", "Điện thoại"]
    assert list(result.dossiers.columns) == [*schema.REQUIRED_COLUMNS, "STT", "Ghi chú"]
    everything = repr(result) + result.rejects.to_string() + result.dossiers.to_string()
    for secret in secrets:
        assert secret not in everything
    without = load(write_csv(tmp_path, rows, header))
    assert list(without.dossiers.columns) == list(schema.REQUIRED_COLUMNS)
    assert set(without.dropped_columns) == {"Họ và tên", "Số CCCD", "Địa chỉ", "Điện thoại", "STT", "Ghi chú"}


def test_missing_required_column_names_it_and_its_headers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, [["H1", "01/04/2026", ""]], ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày kết thúc xử lý"]
    )
    with pytest.raises(InputError) as excinfo:
        load_dossiers(path)
    message = str(excinfo.value)
    assert "Thiếu cột bắt buộc" in message and "due_at" in message
    assert "Ngày hẹn trả" in message and "Hạn giải quyết" in message and "NgayHenTra" in message
    assert excinfo.value.column == "due_at"


def test_missing_resolved_column_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="resolved_at"):
        load_dossiers(write_csv(tmp_path, [GOOD[:3]], HEADER[:3]))


def test_two_columns_for_one_field_is_an_error(tmp_path: Path) -> None:
    header = [*HEADER, "Cán bộ tiếp nhận", "Cán bộ xử lý"]
    with pytest.raises(InputError) as excinfo:
        load_dossiers(write_csv(tmp_path, [[*GOOD, "A", "B"]], header))
    assert "«Cán bộ tiếp nhận»" in str(excinfo.value) and "«Cán bộ xử lý»" in str(excinfo.value)


def test_returned_at_stands_in_for_a_missing_resolved_at(tmp_path: Path) -> None:
    header = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả"]
    result = load(write_csv(tmp_path, [GOOD, ["H2", "01/04/2026", "10/04/2026", "31/03/2026"]], header))
    assert list(result.dossiers.columns) == list(schema.REQUIRED_COLUMNS)
    assert result.dossiers["resolved_at"].iloc[0] == pd.Timestamp("2026-04-05")
    assert result.header_map["Ngày trả kết quả"] == "resolved_at"
    assert one_reject(result)["reason_code"] == "resolved_before_received"


def test_resolved_and_returned_are_both_kept(tmp_path: Path) -> None:
    result = load(write_csv(tmp_path, [[*GOOD, "06/04/2026"]], [*HEADER, "Ngày trả"]))
    assert result.dossiers[["resolved_at", "returned_at"]].iloc[0].tolist() == [
        pd.Timestamp("2026-04-05"),
        pd.Timestamp("2026-04-06"),
    ]


# --------------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------------

DATE_FORMS = [
    ("13/04/2026", "2026-04-13 00:00"),
    ("03/04/2026", "2026-04-03 00:00"),
    ("3/4/2026", "2026-04-03 00:00"),
    ("12/01/2026", "2026-01-12 00:00"),
    ("13/04/2026 14:30", "2026-04-13 14:30"),
    ("13/04/2026 14:30:05", "2026-04-13 14:30:05"),
    ("3/4/2026 8:05", "2026-04-03 08:05"),
    ("13-04-2026", "2026-04-13 00:00"),
    ("13.04.2026", "2026-04-13 00:00"),
    ("2026-04-13", "2026-04-13 00:00"),
    ("2026-04-13 14:30:00", "2026-04-13 14:30"),
    ("2026-04-13T14:30:00", "2026-04-13 14:30"),
    ("2026-04-13T14:30:00.250", "2026-04-13 14:30"),
    ("2026-04-13T07:30:00Z", "2026-04-13 14:30"),
    ("2026-04-13T14:30:00+07:00", "2026-04-13 14:30"),
    ("20260413143005", "2026-04-13 14:30:05"),
    ("20260413", "2026-04-13 00:00"),
    ("14:30 13/04/2026", "2026-04-13 14:30"),
    ("13/04/2026 02:30 PM", "2026-04-13 14:30"),
    ("13/04/2026 12:10 SA", "2026-04-13 00:10"),
    ("  13/04/2026  ", "2026-04-13 00:00"),
]


@pytest.mark.parametrize(("text", "expected"), DATE_FORMS)
def test_date_forms_are_read_day_first(text: str, expected: str) -> None:
    assert parse_dates([text]).iloc[0] == pd.Timestamp(expected)


def test_mixed_date_forms_in_one_column(tmp_path: Path) -> None:
    rows = [[f"H{i}", text, "31/12/2026", ""] for i, (text, _) in enumerate(DATE_FORMS)]
    df = load(write_csv(tmp_path, rows)).dossiers
    assert df["received_at"].tolist() == [pd.Timestamp(e) for _, e in DATE_FORMS]
    assert df["received_at"].dtype == "datetime64[us]"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31/02/2026", "bad_date"),
        ("13/13/2026", "bad_date"),
        ("13/04/26", "bad_date"),
        ("13/04/2026 25:00", "bad_date"),
        ("hôm qua", "bad_date"),
        ("01/01/1900", "date_out_of_range"),
        ("01/01/2099", "date_out_of_range"),
        ("", "blank_date"),
    ],
)
def test_unreadable_and_implausible_dates_are_rejected(tmp_path: Path, text: str, code: str) -> None:
    result = load(write_csv(tmp_path, [["H1", text, "31/12/2026", ""]], titles=["Tiêu đề"]))
    reject = one_reject(result)
    assert reject["reason_code"] == code
    assert (reject["row"], reject["column"]) == (3, "Ngày tiếp nhận")
    assert (None if pd.isna(reject["value"]) else reject["value"]) == (text.strip() or None)
    assert "ngày tiếp nhận" in reject["reason"].lower()


def test_native_excel_dates_and_serial_numbers(tmp_path: Path) -> None:
    rows = [
        ["BÁO CÁO DANH SÁCH HỒ SƠ"],
        [],
        HEADER,
        # A date cell with a day above 12 (14/04): the column mixes date cells and text without the day/month
        # swap signature (all date cells with a day of at most 12, see tests/test_dates_deadlines.py)
        ["A", datetime(2026, 4, 3, 14, 30), date(2026, 4, 14), None],
        ["B", 46125.5, "20/04/2026", 46126],
        ["C", "03/04/2026", datetime(2026, 4, 10), "04/04/2026 08:00"],
        ["D", time(10, 0), date(2026, 4, 10), None],
        ["E", 20260403, date(2026, 4, 10), None],
        [12345, datetime(1985, 1, 1), date(2026, 4, 10), None],
    ]
    result = load(write_xlsx(tmp_path, {"Hồ sơ": rows}))
    df = result.dossiers
    assert df["dossier_id"].tolist() == ["A", "B", "C", "E"]
    assert df["received_at"].tolist() == [
        pd.Timestamp("2026-04-03 14:30"),
        pd.Timestamp("2026-04-13 12:00"),
        pd.Timestamp("2026-04-03"),
        pd.Timestamp("2026-04-03"),
    ]
    assert df["resolved_at"].iloc[1] == pd.Timestamp("2026-04-14")
    assert result.rejects[["row", "reason_code", "value"]].to_dict("records") == [
        {"row": 7, "reason_code": "bad_date", "value": "10:00:00"},
        {"row": 9, "reason_code": "date_out_of_range", "value": "01/01/1985"},
    ]
    assert result.title_lines == ["BÁO CÁO DANH SÁCH HỒ SƠ"]


def test_due_and_resolved_compare_with_received_as_calendar_dates(tmp_path: Path) -> None:
    rows = [
        ["A", "10/04/2026 15:00", "10/04/2026", "10/04/2026 09:00"],  # same day: fine
        ["B", "10/04/2026", "09/04/2026", ""],
        ["C", "10/04/2026", "12/04/2026", "09/04/2026 23:59"],
    ]
    result = load(write_csv(tmp_path, rows))
    assert result.dossiers["dossier_id"].tolist() == ["A"]
    assert result.rejects[["row", "reason_code", "column"]].to_dict("records") == [
        {"row": 3, "reason_code": "due_before_received", "column": "Ngày hẹn trả"},
        {"row": 4, "reason_code": "resolved_before_received", "column": "Ngày kết thúc xử lý"},
    ]


# --------------------------------------------------------------------------------------------------------
# Values: booleans, channel, online level, status, satisfaction
# --------------------------------------------------------------------------------------------------------

BOOLEANS = [
    ("Có", True),
    ("Không", False),
    ("co", True),
    ("KHONG", False),
    ("Đã", True),
    ("Chưa", False),
    ("da", True),
    ("chua", False),
    ("Đã số hóa", True),
    ("Chưa số hóa", False),
    ("1", True),
    ("0", False),
    ("1.0", True),
    ("True", True),
    ("FALSE", False),
    ("Yes", True),
    ("no", False),
    ("X", True),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), BOOLEANS)
def test_booleans(tmp_path: Path, text: str, expected: bool | None) -> None:
    rows = [[*GOOD, text], ["H2", "01/04/2026", "10/04/2026", "", "Có"]]
    df = load(write_csv(tmp_path, rows, [*HEADER, "Số hóa"])).dossiers
    value = df["digitized"].iloc[0]
    assert (value is pd.NA) if expected is None else (value == expected)


def test_unreadable_boolean_rejects_the_row(tmp_path: Path) -> None:
    reject = one_reject(load(write_csv(tmp_path, [[*GOOD, "có lẽ"]], [*HEADER, "Tái sử dụng"])))
    assert (reject["reason_code"], reject["column"], reject["value"]) == (
        "unknown_value",
        "Tái sử dụng",
        "có lẽ",
    )


def test_tick_mark_column_reads_blank_as_false(tmp_path: Path) -> None:
    rows = [[*GOOD, "x", "Có"], ["H2", *GOOD[1:], "", ""], ["H3", *GOOD[1:], "X", "Không"]]
    df = load(write_csv(tmp_path, rows, [*HEADER, "Số hóa", "Có PAKN"])).dossiers
    assert df["digitized"].tolist() == [True, False, True]
    assert df["complaint"].tolist() == [True, pd.NA, False]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50.000", True),
        ("50000", True),
        ("50.000 đ", True),
        ("1.500.000 VNĐ", True),
        ("0", False),
        ("0 đ", False),
        ("Miễn phí", False),
        ("Có", True),
        ("Không", False),
    ],
)
def test_fee_amounts(tmp_path: Path, text: str, expected: bool) -> None:
    df = load(write_csv(tmp_path, [[*GOOD, text]], [*HEADER, "Lệ phí"])).dossiers
    assert df["fee_required"].iloc[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("2", True), ("1", True), ("0", False), ("3", False), ("Có", True), ("4", None)]
)
def test_paid_online_dvcqg_codes(tmp_path: Path, text: str, expected: bool | None) -> None:
    result = load(write_csv(tmp_path, [[*GOOD, text]], [*HEADER, "DuocThanhToanTrucTuyen"]))
    if expected is None:
        assert one_reject(result)["reason_code"] == "unknown_value"
    else:
        assert result.dossiers["paid_online"].iloc[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trực tuyến toàn trình", "full_online"),
        ("TRUC TUYEN TOAN TRINH", "full_online"),
        ("Toàn trình", "full_online"),
        ("DVC toàn trình", "full_online"),
        ("Trực tuyến một phần", "partial_online"),
        ("Một phần", "partial_online"),
        ("Trực tuyến", "online"),
        ("Online", "online"),
        ("Trực tiếp", "in_person"),
        ("Tại quầy", "in_person"),
        ("", "in_person"),
        ("Bưu chính", "postal"),
        ("Bưu chính công ích", "postal"),
        ("BCCI", "postal"),
        ("Qua bưu điện", "postal"),
        ("1", "in_person"),
        ("2", "online"),
        ("3", "postal"),
        ("2.0", "online"),
        ("full_online", "full_online"),
        ("partial_online", "partial_online"),
        ("in_person", "in_person"),
        ("postal", "postal"),
        ("online", "online"),
    ],
)
def test_channel_values(tmp_path: Path, text: str, expected: str) -> None:
    df = load(write_csv(tmp_path, [[*GOOD, text]], [*HEADER, "Kênh thực hiện"])).dossiers
    assert df["channel"].iloc[0] == expected


@pytest.mark.parametrize(
    ("channel", "level", "expected"),
    [
        ("Trực tuyến", "Toàn trình", "full_online"),
        ("Trực tuyến", "Một phần", "partial_online"),
        ("2", "Mức độ 4", "full_online"),
        ("2", "Mức độ 3", "partial_online"),
        ("Trực tuyến", "", "online"),
        ("Trực tiếp", "Toàn trình", "in_person"),
        ("Bưu chính công ích", "Toàn trình", "postal"),
        ("", "Một phần", "in_person"),
        ("Trực tuyến toàn trình", "Một phần", "full_online"),
        ("online", "full_online", "full_online"),
    ],
)
def test_online_level_refines_only_the_online_channel(
    tmp_path: Path, channel: str, level: str, expected: str
) -> None:
    header = [*HEADER, "Kênh thực hiện", "Mức độ DVC"]
    df = load(write_csv(tmp_path, [[*GOOD, channel, level]], header)).dossiers
    assert df["channel"].iloc[0] == expected


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("Kênh thực hiện", "Fax", "unknown_channel"),
        ("Kênh thực hiện", "Không trực tuyến", "unknown_channel"),
        ("Kênh thực hiện", "4", "unknown_channel"),
        ("Mức độ DVC", "Mức độ 5", "unknown_online_level"),
        ("Trạng thái", "11", "unknown_status"),
        ("Trạng thái", "Đang chờ", "unknown_status"),
        ("Mức độ hài lòng", "Tàm tạm", "unknown_satisfaction"),
    ],
)
def test_unknown_values_reject_the_row(tmp_path: Path, column: str, value: str, code: str) -> None:
    reject = one_reject(load(write_csv(tmp_path, [[*GOOD, value]], [*HEADER, column])))
    assert (reject["row"], reject["column"], reject["value"], reject["reason_code"]) == (
        2,
        column,
        value,
        code,
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [(str(code), code) for code in range(1, 11)]
    + [(name, code) for code, name in schema.STATUS_NAMES.items()]
    + [("da tra ket qua", 10), ("ĐANG XỬ LÝ", 4), ("10.0", 10), ("10 - Đã trả kết quả", 10), ("", None)],
)
def test_status_codes_and_names(tmp_path: Path, text: str, code: int | None) -> None:
    result = load(write_csv(tmp_path, [[*GOOD, text]], [*HEADER, "TrangThaiHoSo"]))
    if code in schema.EXCLUDED_STATUSES:
        assert result.accounting.excluded == 1
        assert result.excluded["reason_code"].iloc[0] == "excluded_status"
    elif code is None:
        assert result.dossiers["status"].iloc[0] is pd.NA
    else:
        assert result.dossiers["status"].iloc[0] == code


def test_status_1_and_3_are_excluded_before_anything_else(tmp_path: Path) -> None:
    rows = [
        ["A", "", "", "", "Mới đăng ký"],  # never received: no dates, yet excluded, not rejected
        ["A", "01/04/2026", "10/04/2026", "", "2"],  # an excluded row does not take the id
        ["B", "01/04/2026", "10/04/2026", "", "3"],
        ["", "bad", "", "", "Không được tiếp nhận"],
    ]
    result = load(write_csv(tmp_path, rows, [*HEADER, "Trạng thái"]))
    assert result.accounting.as_dict() == {"read": 4, "loaded": 1, "excluded": 3, "rejected": 0}
    assert result.excluded["row"].tolist() == [2, 4, 5]
    assert result.excluded["value"].tolist() == ["Mới đăng ký", "3", "Không được tiếp nhận"]
    assert "chưa được tiếp nhận" in result.excluded["reason"].iloc[0]
    assert result.dossiers["status"].tolist() == [2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rất hài lòng", "very_satisfied"),
        ("Hài lòng", "satisfied"),
        ("Không hài lòng", "dissatisfied"),
        ("RAT HAI LONG", "very_satisfied"),
        ("very_satisfied", "very_satisfied"),
        ("dissatisfied", "dissatisfied"),
        ("", None),
        ("Chưa đánh giá", None),
    ],
)
def test_satisfaction(tmp_path: Path, text: str, expected: str | None) -> None:
    value = (
        load(write_csv(tmp_path, [[*GOOD, text]], [*HEADER, "Mức độ hài lòng"]))
        .dossiers["satisfaction"]
        .iloc[0]
    )
    assert pd.isna(value) if expected is None else value == expected


def test_text_is_nfc_trimmed_and_blank_is_na(tmp_path: Path) -> None:
    rows = [
        ["  H1 ", *GOOD[1:], "  Hộ \u00a0 tịch ", '=HYPERLINK("http://x")'],
        ["H2", *GOOD[1:], "   ", "+cmd|' /C calc'!A0"],
    ]
    df = load(write_csv(tmp_path, rows, [*HEADER, "Lĩnh vực", "Tên thủ tục"])).dossiers
    assert df["dossier_id"].tolist() == ["H1", "H2"]
    assert df["field"].tolist() == ["Hộ tịch", pd.NA]
    assert df["procedure"].tolist() == ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0"]


def test_extremely_long_cells(tmp_path: Path) -> None:
    long = "Đ" * 300_000  # more than the csv module's default field limit
    rows = [[*GOOD, long, long], ["H2", long, "10/04/2026", "", "", "dòng\nhai"]]
    result = load(write_csv(tmp_path, rows, [*HEADER, "Tên thủ tục", "Ghi chú"]), keep_unknown=True)
    assert result.dossiers["procedure"].str.len().tolist() == [300_000]
    reject = one_reject(result)
    assert reject["reason_code"] == "bad_date" and len(reject["value"]) == 200


# --------------------------------------------------------------------------------------------------------
# Rejected rows and strict mode
# --------------------------------------------------------------------------------------------------------


def test_every_reject_reason_with_its_file_row(tmp_path: Path) -> None:
    header = [*HEADER, "Kênh thực hiện", "Trạng thái", "Số hóa", "Mức độ hài lòng", "Mức độ DVC"]
    ok = ["01/04/2026", "10/04/2026", "", "Trực tiếp", "4", "Có", "", ""]
    rows = [
        ["A1", *ok],
        ["", *ok],
        ["A1", *ok],
        ["A3", "", *ok[1:]],
        ["A4", "01/04/2026", "", *ok[2:]],
        ["A5", "1/4/26", *ok[1:]],
        ["A6", "01/04/1989", *ok[1:]],
        ["A7", "10/04/2026", "09/04/2026", *ok[2:]],
        ["A8", "01/04/2026", "10/04/2026", "31/03/2026", *ok[3:]],
        ["A9", "01/04/2026", "10/04/2026", "hôm nay", *ok[3:]],
        ["A10", *ok[:3], "Fax", *ok[4:]],
        ["A11", *ok[:4], "Đang chờ", *ok[5:]],
        ["A12", *ok[:5], "có lẽ", *ok[6:]],
        ["A13", *ok[:6], "Tàm tạm", ""],
        ["A14", *ok[:7], "Mức độ 9"],
        ["", "bad", *ok[1:]],  # two problems: the first in column order is reported
    ]
    result = load(write_csv(tmp_path, rows, header, titles=["BÁO CÁO", "Từ ngày … đến ngày …"]))
    got = (
        result.rejects[["row", "column", "value", "reason_code"]]
        .astype(object)
        .where(result.rejects.notna(), None)
    )
    assert got.to_dict("records") == [
        {"row": 5, "column": "Mã hồ sơ", "value": None, "reason_code": "blank_id"},
        {"row": 6, "column": "Mã hồ sơ", "value": "A1", "reason_code": "duplicate_id"},
        {"row": 7, "column": "Ngày tiếp nhận", "value": None, "reason_code": "blank_date"},
        {"row": 9, "column": "Ngày tiếp nhận", "value": "1/4/26", "reason_code": "bad_date"},
        {"row": 10, "column": "Ngày tiếp nhận", "value": "01/04/1989", "reason_code": "date_out_of_range"},
        {"row": 11, "column": "Ngày hẹn trả", "value": "09/04/2026", "reason_code": "due_before_received"},
        {
            "row": 12,
            "column": "Ngày kết thúc xử lý",
            "value": "31/03/2026",
            "reason_code": "resolved_before_received",
        },
        {"row": 13, "column": "Ngày kết thúc xử lý", "value": "hôm nay", "reason_code": "bad_date"},
        {"row": 14, "column": "Kênh thực hiện", "value": "Fax", "reason_code": "unknown_channel"},
        {"row": 15, "column": "Trạng thái", "value": "Đang chờ", "reason_code": "unknown_status"},
        {"row": 16, "column": "Số hóa", "value": "có lẽ", "reason_code": "unknown_value"},
        {"row": 17, "column": "Mức độ hài lòng", "value": "Tàm tạm", "reason_code": "unknown_satisfaction"},
        {"row": 18, "column": "Mức độ DVC", "value": "Mức độ 9", "reason_code": "unknown_online_level"},
        {"row": 19, "column": "Mã hồ sơ", "value": None, "reason_code": "blank_id"},
    ]
    assert result.rejects["reason"].iloc[1] == "Mã hồ sơ trùng với dòng 4"
    assert (result.rejects["file"] == str(tmp_path / "ho_so.csv")).all()
    # A4 has a blank due date (a procedure without a deadline): loaded, not rejected
    assert result.dossiers["dossier_id"].tolist() == ["A1", "A4"]
    assert result.accounting.as_dict() == {"read": 16, "loaded": 2, "excluded": 0, "rejected": 14}
    assert all(result.rejects["reason"].str.len() > 5)


def test_duplicate_ids_keep_the_first_valid_occurrence(tmp_path: Path) -> None:
    rows = [
        ["A", "bad", "10/04/2026", ""],  # rejected for its date: does not claim the id
        ["A", "01/04/2026", "10/04/2026", ""],
        ["A", "02/04/2026", "10/04/2026", ""],
        ["a", "02/04/2026", "10/04/2026", ""],  # ids are compared case folded (issue 16): «a» is «A»
        [" A ", "02/04/2026", "10/04/2026", ""],
    ]
    result = load(write_csv(tmp_path, rows))
    assert result.dossiers["dossier_id"].tolist() == ["A"]
    assert result.dossiers["received_at"].iloc[0] == pd.Timestamp("2026-04-01")
    assert result.rejects[["row", "reason_code"]].values.tolist() == [
        [2, "bad_date"],
        [4, "duplicate_id"],
        [5, "duplicate_id"],
        [6, "duplicate_id"],
    ]
    assert result.rejects["value"].tolist()[2] == "a"  # the id shown is the one in the file
    assert result.rejects["reason"].iloc[1] == "Mã hồ sơ trùng với dòng 3"


def test_known_ids_from_earlier_files_are_duplicates(tmp_path: Path) -> None:
    first = load(write_csv(tmp_path, [GOOD, ["H2", *GOOD[1:]]], name="a.csv"))
    rows = [["H2", *GOOD[1:]], ["H3", *GOOD[1:]], ["H3", *GOOD[1:]]]
    second = load(write_csv(tmp_path, rows, name="b.csv"), known_ids=first.dossiers["dossier_id"])
    assert second.dossiers["dossier_id"].tolist() == ["H3"]
    assert second.rejects[["row", "reason_code", "reason"]].values.tolist() == [
        [2, "duplicate_id", "Mã hồ sơ trùng với một hồ sơ đã nạp từ tệp trước"],
        [4, "duplicate_id", "Mã hồ sơ trùng với dòng 3"],
    ]


def test_strict_mode_raises_for_the_first_rejected_row(tmp_path: Path) -> None:
    rows = [GOOD, ["H2", "01/04/2026", "31/03/2026", ""], ["H3", "x", "y", ""]]
    path = write_csv(tmp_path, rows)
    with pytest.raises(InputError) as excinfo:
        load_dossiers(path, strict=True)
    error = excinfo.value
    assert (error.row, error.column, error.value) == (3, "Ngày hẹn trả", "31/03/2026")
    assert error.file == str(path)
    assert "Ngày hẹn trả trước ngày tiếp nhận" in str(error) and "Due date before" in str(error)
    assert load(write_csv(tmp_path, [GOOD], name="ok.csv"), strict=True).accounting.loaded == 1


# --------------------------------------------------------------------------------------------------------
# Excel and Parquet
# --------------------------------------------------------------------------------------------------------


def test_xlsx_first_sheet_named_sheet_and_missing_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, {"Tổng hợp": [["Không có dữ liệu"]], "Hồ sơ": [HEADER, GOOD]})
    with pytest.raises(InputError, match="tiêu đề"):
        load_dossiers(path)
    assert load(path, sheet="Hồ sơ").accounting.loaded == 1
    assert load(path, sheet="ho so").accounting.loaded == 1
    assert load(path, sheet=1).accounting.loaded == 1
    with pytest.raises(InputError) as excinfo:
        load_dossiers(path, sheet="Danh sách")
    assert "«Tổng hợp»" in str(excinfo.value) and "«Hồ sơ»" in str(excinfo.value)


def test_xlsx_numbers_from_excel_read_as_codes_and_text(tmp_path: Path) -> None:
    header = [*HEADER, "Trạng thái", "KenhThucHien", "Số hóa", "Lệ phí"]
    rows = [
        header,
        [1001, *GOOD[1:], 10, 2, 1, 50000],
        [1002.0, *GOOD[1:], 1.0, 1, 0, 0],
        [1003, *GOOD[1:], 4, 3, True, 0],
    ]
    result = load(write_xlsx(tmp_path, {"S": rows}))
    df = result.dossiers
    assert df["dossier_id"].tolist() == ["1001", "1003"]
    assert df["status"].tolist() == [10, 4]
    assert df["channel"].tolist() == ["online", "postal"]
    assert df["digitized"].tolist() == [True, True]
    assert df["fee_required"].tolist() == [True, False]
    assert result.excluded["value"].tolist() == ["1"]


def test_parquet_round_trip_with_canonical_values(tmp_path: Path) -> None:
    header = [*HEADER, "Kênh thực hiện", "Mức độ DVC", "Trạng thái", "Số hóa", "Mức độ hài lòng", "Lĩnh vực"]
    rows = [
        [*GOOD, "Trực tuyến", "Toàn trình", "10", "Có", "Hài lòng", "Hộ tịch"],
        ["H2", "02/04/2026 08:30", "12/04/2026", "", "Trực tiếp", "", "4", "Không", "", ""],
    ]
    loaded = load(write_csv(tmp_path, rows, header)).dossiers
    table = pa.Table.from_pandas(loaded, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"cchc_synthetic": b"true"})
    path = tmp_path / "ho_so.parquet"
    pq.write_table(table, path)
    again = load(path)
    assert_frame_equal(again.dossiers, loaded)
    assert again.synthetic
    assert again.header_map == {c: c for c in loaded.columns}
    subset = load(path, columns=["channel"])
    assert list(subset.dossiers.columns) == [*schema.REQUIRED_COLUMNS, "channel"]
    assert subset.dossiers["channel"].tolist() == ["full_online", "in_person"]


def test_parquet_written_by_pandas_with_other_units_and_personal_data(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "dossier_id": ["P1", "P2", "P3"],
            "received_at": pd.to_datetime(
                ["2026-04-01 08:00", "2026-04-02", "2026-04-03"], format="mixed"
            ).as_unit("ms"),
            "due_at": pd.to_datetime(["2026-04-10", "2026-04-01", "2026-04-10"]).as_unit("ns"),
            "resolved_at": pd.Series([pd.NaT] * 3, dtype="datetime64[s]"),
            "status": [2, 4, 1],
            "Họ tên": ["Nguyễn Văn An"] * 3,
        }
    )
    path = tmp_path / "p.pq"
    frame.to_parquet(path)
    result = load(path)
    assert result.dossiers["received_at"].tolist() == [pd.Timestamp("2026-04-01 08:00")]
    assert result.dossiers["received_at"].dtype == "datetime64[us]"
    assert result.rejects[["row", "reason_code"]].values.tolist() == [[2, "due_before_received"]]
    assert result.excluded["row"].tolist() == [3]
    assert result.dropped_columns == ["Họ tên"]
    assert not result.synthetic


# --------------------------------------------------------------------------------------------------------
# Bad files
# --------------------------------------------------------------------------------------------------------


def _zip_bytes() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("x.txt", "x")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("a.csv", b"", "rỗng"),
        ("a.xlsx", b"", "rỗng"),
        ("a.csv", b"  \n\n", "rỗng"),
        ("a.doc", b"Ma ho so", "đuôi"),
        ("a", b"Ma ho so", "đuôi"),
        ("a.xlsx", "Mã hồ sơ,Ngày tiếp nhận\n".encode(), "văn bản"),
        ("a.csv", _zip_bytes(), "Excel"),
        ("a.csv", b"PAR1\x00\x00", "Parquet"),
        ("a.csv", b"abc\x00\x01\x02def" * 10, "NUL"),
        ("a.xls", b"<html><table><tr><td>Ma ho so</td></tr></table></html>", "HTML"),
        ("a.parquet", "Mã hồ sơ\n".encode(), "văn bản"),
        ("a.parquet", b"PAR1" + b"\x00" * 50, "Parquet"),
        ("a.xlsx", _zip_bytes()[:30], "Excel"),
        ("a.xlsx", _zip_bytes(), "Excel"),
        (
            "a.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le"),
            "mật khẩu",
        ),
        ("a.csv", "Mã hồ sơ;Tên\n1;2\n".encode(), "tiêu đề"),
    ],
)
def test_bad_files_raise_input_error(tmp_path: Path, name: str, content: bytes, match: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=match):
        load_dossiers(path)


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path, {"S": [HEADER, GOOD]})
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(InputError, match="hỏng"):
        load_dossiers(broken)


def test_missing_file_folder_and_bad_columns(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Không tìm thấy"):
        load_dossiers(tmp_path / "none.csv")
    folder = tmp_path / "d.csv"
    folder.mkdir()
    with pytest.raises(InputError, match="thư mục"):
        load_dossiers(folder)
    with pytest.raises(InputError, match="bogus"):
        load_dossiers(write_csv(tmp_path, [GOOD]), columns=["bogus"])


def test_undecodable_bytes_name_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(csv_text([GOOD]).encode() + b"\x81\x8a\x8d\x8e\x8f\x90\x9d\x9e,,,\n")
    with pytest.raises(InputError, match="bảng mã"):
        load_dossiers(path)


# --------------------------------------------------------------------------------------------------------
# Options and metadata
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "titles", "expected"),
    [
        ("ho_so.csv", ["BÁO CÁO DANH SÁCH HỒ SƠ — DỮ LIỆU MÔ PHỎNG"], True),
        ("ho_so.csv", [unicodedata.normalize("NFD", "Dữ liệu mô phỏng")], True),
        ("ho_so_mo_phong.csv", [], True),
        ("synthetic_2026.csv", [], True),
        ("ho_so.csv", ["Dữ liệu synthetic"], True),
        ("ho_so.csv", ["BÁO CÁO DANH SÁCH HỒ SƠ", "Văn phòng UBND"], False),
    ],
)
def test_synthetic_marking(tmp_path: Path, name: str, titles: list[str], expected: bool) -> None:
    assert load(write_csv(tmp_path, [GOOD], name=name, titles=titles)).synthetic is expected


def test_columns_option_limits_the_frame_and_the_checks(tmp_path: Path) -> None:
    header = [*HEADER, "Lĩnh vực", "Kênh thực hiện", "Mức độ DVC", "Trạng thái", "Số hóa"]
    rows = [
        [*GOOD, "Hộ tịch", "Trực tuyến", "Một phần", "2", "???"],  # Số hóa is not asked for: not checked
        ["H2", *GOOD[1:], "Đất đai", "2", "", "3", "Có"],  # status is always used to exclude
    ]
    path = write_csv(tmp_path, rows, header)
    result = load(path, columns=["channel", "field"])
    assert list(result.dossiers.columns) == [*schema.REQUIRED_COLUMNS, "field", "channel"]
    assert result.dossiers["channel"].tolist() == ["partial_online"]  # refined by the online level
    assert result.accounting.as_dict() == {"read": 2, "loaded": 1, "excluded": 1, "rejected": 0}
    assert one_reject(load(path))["reason_code"] == "unknown_value"


def test_progress_is_reported(tmp_path: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    rows = [[f"H{i}", "01/04/2026", "10/04/2026", ""] for i in range(50)]
    load(write_csv(tmp_path, rows), progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (50, 50)
    calls.clear()
    load(
        write_xlsx(tmp_path, {"S": [HEADER, *rows]}), progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (50, 50)


def test_a_synthetic_export_loads_back_exactly(tmp_path: Path) -> None:
    synthetic = pytest.importorskip("cchc_analysis.synthetic")
    frame = synthetic.generate_notice_sample().head(300)
    for name, options in [
        ("a_mo_phong.csv", {"encoding": "cp1258", "delimiter": ";", "with_personal_data": True}),
        ("b_mo_phong.xlsx", {"with_personal_data": True}),
        ("c_mo_phong.csv", {"style": "canonical", "encoding": "utf-16", "delimiter": "\t"}),
    ]:
        result = load(synthetic.write_dossiers(frame, tmp_path / name, **options))
        assert result.synthetic and result.accounting.loaded == 300
        expected = frame[list(result.dossiers.columns)].reset_index(drop=True)
        for col in ("received_at", "due_at", "resolved_at"):
            expected[col] = expected[col].astype("datetime64[us]")
        assert_frame_equal(result.dossiers, expected, check_dtype=False, check_categorical=False)
        assert not set(synthetic.PERSONAL_HEADERS_VI) & set(result.dossiers.columns)


# --------------------------------------------------------------------------------------------------------
# Property: the row accounting always holds
# --------------------------------------------------------------------------------------------------------

_DATES = ["01/04/2026", "2026-04-02 10:00", "3/4/2026", "31/02/2026", "", "01/01/1900", "abc", "10/04/2026"]
_CELL = st.one_of(
    st.sampled_from(_DATES),
    st.sampled_from(["A", "B", "C", "", " ", "A "]),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=12,
    ),
)
_HEADER = [*HEADER, "Kênh thực hiện", "Trạng thái", "Số hóa", "Mức độ hài lòng", "Ghi chú"]
_ROW = st.tuples(
    st.sampled_from(["A", "B", "C", "", "D"]),
    *(st.one_of(st.sampled_from(_DATES), _CELL) for _ in range(3)),
    st.one_of(st.sampled_from(["Trực tiếp", "2", "", "Fax"]), _CELL),
    st.one_of(st.sampled_from(["1", "2", "3", "10", "Đang xử lý", "", "12"]), _CELL),
    st.one_of(st.sampled_from(["Có", "x", "", "0"]), _CELL),
    st.one_of(st.sampled_from(["Hài lòng", "", "Tàm tạm"]), _CELL),
    _CELL,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(_ROW, max_size=25),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_accounting_identity_holds_for_any_rows(tmp_path: Path, rows, delimiter: str, encoding: str) -> None:
    path = write_csv(tmp_path, [list(r) for r in rows], _HEADER, delimiter=delimiter, encoding=encoding)
    try:
        result = check(load_dossiers(path))
    except InputError:
        return
    # Where each record starts in the file: line breaks inside quoted cells push the later rows down.
    starts, line = [], 2
    for row in rows:
        starts.append(line)
        line += 1 + sum(c.replace("\r\n", "\n").replace("\r", "\n").count("\n") for c in row)
    non_blank = [s for s, r in zip(starts, rows, strict=True) if any(_visible(c) for c in r)]
    assert result.accounting.read == len(non_blank)
    assert set(result.rejects["row"]) | set(result.excluded["row"]) <= set(non_blank)
    assert result.dossiers["dossier_id"].is_unique
    assert result.dossiers["dossier_id"].notna().all()
    assert result.dossiers["received_at"].notna().all()  # a blank due date (no deadline) is loaded


def _visible(cell: str) -> bool:
    return bool(cell.replace("\u200b", "").replace("\ufeff", "").strip())


def test_header_key_examples() -> None:
    assert header_key("Ngày hẹn trả kết quả") == "ngayhentraketqua"
    assert header_key("ĐƠN VỊ") == "donvi"
    assert header_key("Số CCCD/CMND (*)") == "socccdcmnd"
    assert np.isnat(parse_dates(["29/02/2026"]).to_numpy()[0])


def test_a_dictionary_column_with_unsigned_indices_and_nulls_is_coded_not_overflowed():
    import pyarrow as pa

    from cchc_analysis.loaders.cleaning import _dictionary

    # a Parquet writer may store dictionary indices unsigned (found by test_fuzz on a damaged file)
    column = pa.DictionaryArray.from_arrays(
        pa.array([1, None, 0, 1], pa.uint8()), pa.array(["Hộ tịch", "Đất đai"])
    )
    codes, values = _dictionary(column)
    assert codes.tolist() == [1, -1, 0, 1] and values == ["Hộ tịch", "Đất đai"]
