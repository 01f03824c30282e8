"""Property and fuzz tests of the loaders, the rate functions and the command line.

Whatever the input — generated CSV with hostile cells and headers, random bytes under any extension, damaged
workbooks and Parquet files — loading either fails with the package's own :class:`InputError`, or yields
``read = loaded + excluded + rejected``, a clean canonical frame and counts that satisfy the Biểu 06 identities.
The command line answers 0 or 2, never 1 (a bug) and never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_analysis import schema, synthetic
from cchc_analysis.bieu06 import bieu06_table
from cchc_analysis.cli import main
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import LoadResult, load_dossiers
from cchc_analysis.privacy import mask_personal_text, officer_pseudonym
from cchc_analysis.rates import COUNT_COLUMNS, add_rates, count_dossiers, identity_violations

WORK = Path(tempfile.mkdtemp(prefix="cchc-fuzz-"))
#: Examples per property; ``CCHC_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py`` fuzzes harder.
EXAMPLES = int(os.environ.get("CCHC_FUZZ_EXAMPLES", "80"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

REQUIRED_HEADERS = {
    "dossier_id": ["Mã hồ sơ", "MaHoSo", "SỐ HỒ SƠ", "dossier_id"],
    "received_at": ["Ngày tiếp nhận", "NgayTiepNhan", "ngày nhận"],
    "due_at": ["Ngày hẹn trả", "Hạn xử lý", "NgayHenTra"],
    "resolved_at": ["Ngày kết thúc xử lý", "Ngày có kết quả", "Ngày trả kết quả"],
}
OPTIONAL_HEADERS = [
    "Tên thủ tục",
    "Lĩnh vực",
    "Đơn vị",
    "Hệ thống",
    "Kênh thực hiện",
    "Mức độ DVC",
    "Trạng thái",
    "Số hóa",
    "Tái sử dụng",
    "Lệ phí",
    "Thanh toán trực tuyến",
    "Cán bộ xử lý",
    "Mức độ hài lòng",
    "Có PAKN",
    "Trả kết quả tại nhà",
    "Họ tên người nộp",
    "Số CCCD",
    "Số điện thoại",
    "STT",
    "Ghi chú",
    "",
]
VALUES = [
    "02/04/2026",
    "13/04/2026 14:30",
    "2026-04-13",
    "2026-04-13T08:00:00+07:00",
    "31/02/2026",
    "01/01/1900",
    "31/12/2099",
    "13/04/26",
    "45000",
    "Trực tuyến toàn trình",
    "Trực tiếp",
    "Bưu chính công ích",
    "Qua Zalo",
    "1",
    "3",
    "10",
    "11",
    "Đã trả kết quả",
    "Có",
    "Không",
    "x",
    "có lẽ",
    "1.000.000",
    "1.000,50",
    "Hài lòng",
    "Tạm được",
    "Hộ tịch",
    "Nguyễn Văn An",
    "001203004005",
    "0912 345 678",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "<script>alert(1)</script>",
    "$\\frac$",
    "",
    " ",
    "\u200b",
    "NULL",
    "#N/A",
]
CELL = st.one_of(
    st.sampled_from(VALUES), st.text(max_size=30), st.text(alphabet="0123456789/-: ", max_size=20)
)

_DIGIT_RUN = re.compile(r"\d{9,}")


def _load(path: Path) -> LoadResult | None:
    try:
        return load_dossiers(path)
    except InputError as exc:
        text = str(exc)
        assert " | " in text and "\n" not in text.strip()
        return None


def check_result(result: LoadResult, period_start: date = date(2026, 1, 1), days: int = 120) -> None:
    """Everything that must hold for any loaded file."""
    a = result.accounting
    assert a.read == a.loaded + a.excluded + a.rejected
    assert min(a.read, a.loaded, a.excluded, a.rejected) >= 0
    assert len(result.dossiers) == a.loaded
    assert len(result.rejects) == a.rejected and len(result.excluded) == a.excluded
    rows = list(result.rejects["row"]) + list(result.excluded["row"])
    assert len(rows) == len(set(rows))  # one record per row
    assert result.rejects["reason_code"].notna().all() and result.rejects["reason"].notna().all()
    d = result.dossiers
    assert d["dossier_id"].notna().all() and d["dossier_id"].is_unique
    assert d["received_at"].notna().all()  # a blank due date is a procedure without a deadline: loaded
    due = d["due_at"].notna()
    assert (d.loc[due, "due_at"].dt.normalize() >= d.loc[due, "received_at"].dt.normalize()).all()
    done = d["resolved_at"].notna()
    assert (d.loc[done, "resolved_at"].dt.normalize() >= d.loc[done, "received_at"].dt.normalize()).all()
    for column in schema.TEXT_COLUMNS:
        if column in d:
            assert not d[column].dropna().str.contains(_DIGIT_RUN).any(), column  # ID-like numbers masked
    if "officer" in d:
        assert (d["officer"].dropna().map(officer_pseudonym) == d["officer"].dropna()).all()  # all codes
    assert not result.rejects["value"].dropna().str.contains(r"^0\d{9,10}$|^\d{12}$").any()

    end = period_start + timedelta(days=days)
    by = [c for c in ("field", "channel") if c in d][:1]
    counts = count_dossiers(d, period_start, end, by=by or None)
    assert identity_violations(counts).empty
    total = count_dossiers(d, period_start, end)
    assert identity_violations(total).empty
    if by:
        assert counts["in_scope"].sum() == total.loc[0, "in_scope"]
    assert int(total.loc[0, "in_scope"]) <= a.loaded
    rated = add_rates(total)
    for rate in ("early_rate", "on_time_rate", "late_rate", "progress_766_rate"):
        value = rated.loc[0, rate]
        assert pd.isna(value) or 0 <= value <= 1
    table = bieu06_table(d, period_start, end)  # checks the identities itself
    assert int(table.iloc[-1]["received_total"]) == int(total.loc[0, "in_scope"])


def _csv_bytes(
    header: list[str], rows: list[list[str]], delimiter: str, encoding: str, titles: list[str] = ()
) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    for title in titles:
        writer.writerow([title])
    writer.writerow(header)
    writer.writerows(rows)
    try:  # Windows-1258 as Windows writes it: tone marks as combining characters
        return synthetic._encode(buf.getvalue(), encoding)
    except UnicodeEncodeError:  # a generated character the code page lacks
        return buf.getvalue().encode("utf-8")


@st.composite
def raw_exports(draw) -> tuple[list[str], list[list[str]]]:
    header = [draw(st.sampled_from(options)) for options in REQUIRED_HEADERS.values()]
    drop = draw(st.sets(st.integers(0, 3), max_size=1))  # now and then a required column is missing
    header = [h for i, h in enumerate(header) if i not in drop]
    header += draw(st.lists(st.sampled_from(OPTIONAL_HEADERS), max_size=6))
    header = draw(st.permutations(header))
    width = len(header)
    rows = draw(st.lists(st.lists(CELL, min_size=max(0, width - 1), max_size=width + 1), max_size=20))
    return list(header), rows


@SETTINGS
@given(
    export=raw_exports(),
    titles=st.lists(
        st.sampled_from(["BÁO CÁO DANH SÁCH HỒ SƠ", "Từ ngày 01/01/2026 đến ngày 31/03/2026", ""])
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258"]),
)
def test_any_csv_export_fails_cleanly_or_accounts_for_every_row(export, titles, delimiter, encoding) -> None:
    header, rows = export
    path = WORK / "any_export.csv"
    path.write_bytes(_csv_bytes(header, rows, delimiter, encoding, titles))
    result = _load(path)
    if result is not None:
        check_result(result)


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".tsv", ".xlsx", ".xls", ".parquet"]))
def test_any_bytes_fail_cleanly_or_account_for_every_row(data: bytes, suffix: str) -> None:
    path = WORK / f"bytes{suffix}"
    path.write_bytes(data)
    result = _load(path)
    if result is not None:
        check_result(result)


def _seed_files() -> dict[str, bytes]:
    frame = synthetic.generate_dossiers(40, seed=5, start="2026-01-01", end="2026-03-31")
    seeds = {}
    for name in ("seed_mo_phong.xlsx", "seed_mo_phong.csv", "seed_mo_phong.parquet"):
        path = WORK / name
        if name.endswith(".parquet"):
            synthetic.to_parquet(frame, path)
        else:
            synthetic.to_raw_export(frame, path, with_personal_data=True)
        seeds[name] = path.read_bytes()
    return seeds


SEEDS = _seed_files()


@SETTINGS
@given(
    name=st.sampled_from(sorted(SEEDS)),
    cut=st.one_of(st.none(), st.floats(0, 1)),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=12),
)
def test_damaged_files_fail_cleanly_or_account_for_every_row(name: str, cut, flips) -> None:
    data = bytearray(SEEDS[name])
    for where, byte in flips:
        data[int(where * len(data))] = byte
    if cut is not None:
        data = data[: int(cut * len(data))]
    path = WORK / f"damaged_{name}"
    path.write_bytes(bytes(data))
    result = _load(path)
    if result is not None:
        check_result(result)


@settings(max_examples=40, deadline=None)
@given(export=raw_exports(), command=st.sampled_from(["validate", "kpis", "bieu06"]))
def test_the_command_line_answers_0_or_2_never_a_bug(export, command: str) -> None:
    header, rows = export
    path = WORK / "cli_export.csv"
    path.write_bytes(_csv_bytes(header, rows, ",", "utf-8"))
    args = {
        "validate": ["validate", str(path), "--format", "json"],
        "kpis": ["kpis", str(path), "--by", "field", "--format", "csv"],
        "bieu06": ["bieu06", str(path), "--period", "2026", "-o", str(WORK / "bieu06.xlsx")],
    }[command]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    assert code in (0, 2), err.getvalue()
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert len(err.getvalue().strip().splitlines()) == 1 and " | " in err.getvalue()


# --- the privacy helpers -------------------------------------------------------------------------------------------
@given(st.text(max_size=80))
def test_masking_leaves_no_long_digit_run_and_is_idempotent(text: str) -> None:
    masked = mask_personal_text(text)
    assert not _DIGIT_RUN.search(masked)
    assert mask_personal_text(masked) == masked


@given(
    st.sampled_from(["", "Ông ", "Bà "]),
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạ ", min_size=3, max_size=25),
)
def test_pseudonyms_are_stable_codes(prefix: str, name: str) -> None:
    code = officer_pseudonym(prefix + name)
    assert officer_pseudonym(code) == code  # a pseudonym is kept as it is
    assert officer_pseudonym(f"  {(prefix + name).upper()} ") == code or not (prefix + name).strip()


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Gọi 0912345678 hoặc 0912.345.678", "Gọi [đã ẩn] hoặc [đã ẩn]"),
        ("CCCD 001203004005, CMND 123456789", "CCCD [đã ẩn], CMND [đã ẩn]"),
        ("an.nguyen@example.vn", "[đã ẩn]"),
        ("+84 912 345 678", "[đã ẩn]"),
        ("Hộ tịch", "Hộ tịch"),
        ("Nghị định 63/2010/NĐ-CP", "Nghị định 63/2010/NĐ-CP"),
        ("H33.105-260413-0001", "H33.105-260413-0001"),
        ("Lệ phí 1.000.000 đồng", "Lệ phí 1.000.000 đồng"),
    ],
)
def test_mask_examples(text: str, masked: str) -> None:
    assert mask_personal_text(text) == masked


def test_count_columns_are_never_negative_for_a_messy_file() -> None:
    result = load_dossiers(Path(__file__).parent / "data" / "bad" / "unreadable_dates.csv")
    counts = count_dossiers(result.dossiers, "01/01/2026", "31/12/2026")
    assert (counts[list(COUNT_COLUMNS)].fillna(0) >= 0).all().all()
