"""Tests of the synthetic dossier generator, its writers and the bundled sample.

The notice's figures are counted here with plain pandas on the generated frame, not with the package's rate
code, so that the calibration is checked independently of the definitions it feeds.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from cchc_analysis import schema
from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_pct
from cchc_analysis.synthetic import (
    BUNDLED_NOTICE_FILE,
    PERSONAL_HEADERS_VI,
    PUBLIC_HOLIDAYS,
    RAW_HEADERS_VI,
    SYNTHETIC_MARK,
    generate_dossiers,
    generate_notice_sample,
    main,
    to_parquet,
    to_raw_export,
    working_days,
)

REPO = Path(__file__).resolve().parents[1]
CUTOFF = pd.Timestamp("2026-04-13")
VI_HEADER = ["STT", *RAW_HEADERS_VI.values()]


@pytest.fixture(scope="module")
def notice() -> pd.DataFrame:
    return generate_notice_sample()


def _days(s: pd.Series) -> pd.Series:
    return s.dt.normalize()


# --- the notice-calibrated sample ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [2026, 1, 99])
def test_notice_sample_reproduces_the_notice_for_any_seed(seed: int) -> None:
    df = generate_notice_sample(seed)
    received, due, resolved = _days(df["received_at"]), _days(df["due_at"]), _days(df["resolved_at"])
    done = resolved.notna()

    assert len(df) == 3099
    assert done.sum() == 3080
    assert (resolved[done] < due[done]).sum() == 3067  # trước hạn
    assert (resolved[done] == due[done]).sum() == 11  # đúng hạn
    assert (resolved[done] > due[done]).sum() == 2  # quá hạn
    assert (resolved[done] <= CUTOFF).all()
    assert (~done).sum() == 19
    assert (due[~done] >= CUTOFF).all()  # all open dossiers still within their deadline
    assert received.between(pd.Timestamp("2026-01-01"), CUTOFF).all()  # none carried over


def test_notice_sample_channels_and_flags(notice: pd.DataFrame) -> None:
    channels = notice["channel"].value_counts()
    assert channels["full_online"] == 923
    assert channels["partial_online"] == 2176
    assert channels[["online", "in_person", "postal"]].sum() == 0
    # the notice prints 29,78 % for full-process online: the sample must print the same
    assert fmt_pct(channels["full_online"] / len(notice), 2) == "29,78 %"

    assert notice["digitized"].all()
    fee = notice["fee_required"].to_numpy(dtype=bool)
    assert 0 < fee.sum() < len(notice)
    assert notice.loc[fee, "paid_online"].all()  # 100 % of fee-bearing dossiers paid online
    assert not notice.loc[~fee, "paid_online"].any()
    assert notice["data_reused"].sum() == 3092
    assert notice["complaint"].sum() == 2
    assert notice["home_delivery"].sum() == 0
    for col in schema.BOOL_COLUMNS:
        assert notice[col].notna().all(), col


def test_notice_sample_satisfaction_is_consistent_with_complaints(notice: pd.DataFrame) -> None:
    resolved = notice["resolved_at"].notna()
    rated = notice["satisfaction"].notna()
    assert not (rated & ~resolved).any()
    assert 0.1 < rated.sum() / resolved.sum() < 0.4
    dissatisfied = notice["satisfaction"] == "dissatisfied"
    assert (dissatisfied.to_numpy() == notice["complaint"].to_numpy(dtype=bool)).all()
    counts = notice["satisfaction"].value_counts()
    assert counts["very_satisfied"] > counts["satisfied"] > counts["dissatisfied"]


def test_notice_sample_receipt_days_are_working_days(notice: pd.DataFrame) -> None:
    received = _days(notice["received_at"])
    allowed = set(pd.to_datetime(working_days("2026-01-01", "2026-04-13")))
    assert set(received.unique()) <= allowed
    assert len(allowed) == 67
    assert not received.isin(pd.to_datetime(list(PUBLIC_HOLIDAYS))).any()
    weekend = received.dt.day_of_week >= 5
    assert set(received[weekend].unique()) <= {pd.Timestamp("2026-01-10")}  # the make-up Saturday
    assert received.value_counts().min() >= 19
    # receipt times within office hours
    minutes = notice["received_at"].dt.hour * 60 + notice["received_at"].dt.minute
    assert minutes.between(7 * 60 + 30, 17 * 60).all()


def test_working_day_calendar_2026() -> None:
    days = {str(d) for d in working_days("2026-01-01", "2026-02-28")}
    assert "2026-01-01" not in days and "2026-01-02" not in days  # Tết Dương lịch, with the swapped Friday
    assert "2026-01-10" in days  # làm bù
    assert not {f"2026-02-{d}" for d in range(14, 23)} & days  # Tết Bính Ngọ, 14–22/02
    assert {"2026-02-13", "2026-02-23"} <= days


def test_notice_sample_columns_and_dtypes(notice: pd.DataFrame) -> None:
    assert list(notice.columns) == [c for c in schema.CANONICAL_COLUMNS if c in notice.columns]
    assert set(schema.REQUIRED_COLUMNS) <= set(notice.columns)
    for col in ("dossier_id", "procedure", "field", "unit", "source_system", "officer"):
        assert isinstance(notice[col].dtype, pd.StringDtype), col
        assert notice[col].notna().all(), col
    for col in ("received_at", "due_at", "resolved_at"):
        assert pd.api.types.is_datetime64_dtype(notice[col]), col
    assert list(notice["channel"].cat.categories) == list(schema.CHANNELS)
    assert list(notice["satisfaction"].cat.categories) == list(schema.SATISFACTION_LEVELS)
    assert notice["status"].dtype == "Int8"
    assert set(notice["status"].unique()) == {4, 10}
    assert (notice["status"] == 4).sum() == 19
    for col in schema.BOOL_COLUMNS:
        assert notice[col].dtype == "boolean", col
    assert notice.attrs["cchc_synthetic"] is True and notice.attrs["seed"] == 2026


def test_notice_sample_content_is_realistic(notice: pd.DataFrame) -> None:
    assert notice["dossier_id"].is_unique
    assert notice["dossier_id"].str.fullmatch(r"H33\.105-26\d{4}-\d{4}").all()
    assert (notice["unit"] == "Trung tâm PVHCC xã Đại Sơn").all()
    assert notice["officer"].str.fullmatch(r"Công chức \d{2}").all()
    assert set(notice["source_system"].unique()) == {
        "Bộ Tư pháp",
        "Bộ Y tế",
        "Bộ Tài chính",
        "Bộ Xây dựng",
        "Bộ Nội vụ",
        "HTTT giải quyết TTHC Hải Phòng",
    }
    assert {"Hộ tịch", "Chứng thực", "Đất đai"} <= set(notice["field"].unique())
    assert {"Đăng ký khai sinh", "Đăng ký kết hôn", "Cấp bản sao trích lục hộ tịch"} <= set(
        notice["procedure"]
    )
    assert (notice.loc[notice["field"] == "Chứng thực", "source_system"] == "Bộ Tư pháp").all()
    for col in ("dossier_id", "procedure", "field", "unit", "source_system", "officer"):
        assert notice[col].map(lambda v: unicodedata.is_normalized("NFC", v)).all(), col
    # dates are consistent as timestamps too
    assert (notice["due_at"] > notice["received_at"]).all()
    done = notice["resolved_at"].notna()
    assert (notice.loc[done, "resolved_at"] >= notice.loc[done, "received_at"]).all()


def test_notice_sample_is_deterministic() -> None:
    a, b = generate_notice_sample(), generate_notice_sample()
    pd.testing.assert_frame_equal(a, b)
    c = generate_notice_sample(7)
    assert not a["procedure"].equals(c["procedure"]) or not a["received_at"].equals(c["received_at"])


# --- the bundled file -------------------------------------------------------------------------------------------


def test_bundled_csv_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    bundled = REPO / BUNDLED_NOTICE_FILE
    assert bundled.stat().st_size < 1_150_000  # four columns of issue 12 (return, sync, Kế hoạch 126) added
    out = tmp_path / Path(BUNDLED_NOTICE_FILE).name
    assert main(["--notice", str(out)]) == 0
    assert out.read_bytes() == bundled.read_bytes(), (
        "the bundled sample differs from the generator's output: "
        "rerun python -m cchc_analysis.synthetic --notice " + BUNDLED_NOTICE_FILE
    )


def test_bundled_csv_reads_back_as_a_vietnamese_export() -> None:
    raw = (REPO / BUNDLED_NOTICE_FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    lines = raw.decode("utf-8-sig").splitlines()
    assert SYNTHETIC_MARK in lines[0] and "seed=2026" in lines[0]
    assert lines[1].startswith("Từ ngày 01/01/2026 đến ngày 13/04/2026")
    df = pd.read_csv(
        REPO / BUNDLED_NOTICE_FILE, skiprows=3, encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    assert list(df.columns) == VI_HEADER
    assert len(df) == 3099
    assert (df["Kênh thực hiện"] == "Trực tuyến toàn trình").sum() == 923
    assert (df["Ngày kết thúc xử lý"] == "").sum() == 19
    assert (df["Trạng thái"] == "Đang xử lý").sum() == 19
    assert (df["Phản ánh kiến nghị"] == "Có").sum() == 2
    assert df["Ngày tiếp nhận"].str.fullmatch(r"\d{2}/\d{2}/2026 \d{2}:\d{2}").all()
    assert not set(PERSONAL_HEADERS_VI) & set(df.columns)


# --- N dossiers -------------------------------------------------------------------------------------------------


def test_generate_dossiers_invariants() -> None:
    df = generate_dossiers(20_000, seed=3, units=7)
    assert len(df) == 20_000
    assert df["dossier_id"].is_unique and df["dossier_id"].notna().all()
    assert (df["due_at"] >= df["received_at"]).all()
    done = df["resolved_at"].notna()
    assert (df.loc[done, "resolved_at"] >= df.loc[done, "received_at"]).all()
    assert df["unit"].nunique() == 7 and df["unit"].str.fullmatch(r"Xã \d{4}").all()

    start = pd.Timestamp("2025-01-01")
    received, due, resolved = _days(df["received_at"]), _days(df["due_at"]), _days(df["resolved_at"])
    carried = received < start
    assert 0 < carried.sum() < 0.1 * len(df)
    assert (resolved[carried & done] >= start).all()  # carried-over dossiers were still open at the start
    assert received.max() <= pd.Timestamp("2025-12-31")
    assert (resolved[done] < due[done]).mean() > 0.7
    assert (resolved[done] == due[done]).sum() > 0 and (resolved[done] > due[done]).sum() > 0
    assert 0 < (~done).sum() < 0.05 * len(df)
    assert set(df["channel"].dropna().unique()) == set(schema.CHANNELS)
    assert isinstance(df["procedure"].dtype, pd.CategoricalDtype)
    assert df.attrs["cchc_synthetic"] is True


def test_generate_dossiers_is_deterministic_and_respects_cutoff() -> None:
    a = generate_dossiers(2_000, seed=5, units=2, start="01/03/2026", end="30/06/2026", cutoff="15/05/2026")
    b = generate_dossiers(2_000, seed=5, units=2, start="01/03/2026", end="30/06/2026", cutoff="15/05/2026")
    pd.testing.assert_frame_equal(a, b)
    assert not a["received_at"].equals(generate_dossiers(2_000, seed=6, units=2)["received_at"])
    cutoff = pd.Timestamp("2026-05-15")
    assert (_days(a["received_at"]) <= cutoff).all()
    assert (_days(a["resolved_at"].dropna()) <= cutoff).all()
    assert len(generate_dossiers(0)) == 0


# --- writers ----------------------------------------------------------------------------------------------------


def test_csv_writer_options_round_trip(notice: pd.DataFrame, tmp_path: Path) -> None:
    small = notice.head(50)
    small.attrs = dict(notice.attrs)
    path = to_raw_export(
        small, tmp_path / "ho_so_mo_phong.csv", with_personal_data=True, encoding="cp1258", delimiter=";"
    )
    text = unicodedata.normalize("NFC", path.read_bytes().decode("cp1258"))
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert SYNTHETIC_MARK in rows[0][0]
    assert not any(rows[2])  # blank row between the title lines and the header
    header = rows[3]
    assert header[:2] == ["STT", "Mã hồ sơ"]
    assert header[2:6] == list(PERSONAL_HEADERS_VI)
    assert header[6:] == list(RAW_HEADERS_VI.values())[1:]
    assert len(rows) == 4 + 50
    assert rows[4][header.index("Lĩnh vực")] == small["field"].iloc[0]
    assert rows[4][header.index("Số CCCD")].startswith("000")

    plain = to_raw_export(small, tmp_path / "a_synthetic.csv", style="canonical", title_lines=False)
    back = pd.read_csv(plain, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(RAW_HEADERS_VI)
    assert back["channel"].isin(schema.CHANNELS).all()
    assert (pd.to_datetime(back["received_at"]) == small["received_at"].to_numpy()).all()

    utf16 = to_raw_export(small, tmp_path / "b_mo_phong.csv", encoding="utf-16", delimiter="\t")
    lines = utf16.read_text(encoding="utf-16").splitlines()
    assert lines[3].split("\t") == VI_HEADER


def test_xlsx_writer_round_trip_and_determinism(notice: pd.DataFrame, tmp_path: Path) -> None:
    small = notice.head(40)
    small.attrs = dict(notice.attrs)
    first = to_raw_export(small, tmp_path / "a_mo_phong.xlsx")
    second = to_raw_export(small, tmp_path / "b_mo_phong.xlsx")
    assert first.read_bytes() == second.read_bytes()
    assert zipfile.is_zipfile(first)
    ws = load_workbook(first, read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert SYNTHETIC_MARK in rows[0][0]
    assert list(rows[3]) == VI_HEADER
    received = rows[4][VI_HEADER.index("Ngày tiếp nhận")]
    assert received == small["received_at"].iloc[0].to_pydatetime()  # a real Excel date
    assert len(rows) == 4 + 40


def test_parquet_writer_marks_synthetic(notice: pd.DataFrame, tmp_path: Path) -> None:
    path = to_parquet(notice, tmp_path / "dossiers_synthetic.parquet")
    meta = pq.read_schema(path).metadata
    assert meta[b"cchc_synthetic"] == b"true" and meta[b"cchc_seed"] == b"2026"
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, notice, check_dtype=False)
    assert list(back["channel"].cat.categories) == list(schema.CHANNELS)


def test_writers_refuse_unmarked_file_names(notice: pd.DataFrame, tmp_path: Path) -> None:
    for writer, name in ((to_raw_export, "dossiers.csv"), (to_parquet, "dossiers.parquet")):
        with pytest.raises(InputError, match="mo_phong"):
            writer(notice, tmp_path / name)
    assert not list(tmp_path.iterdir())


def test_entry_point_writes_n_dossiers(tmp_path: Path) -> None:
    out = tmp_path / "bench_synthetic.parquet"
    assert main(["--n", "300", "--out", str(out), "--units", "3", "--seed", "4"]) == 0
    df = pd.read_parquet(out)
    assert len(df) == 300 and df["unit"].nunique() == 3
    assert main(["--n", "10"]) == 2  # --out missing
    assert main(["--notice", str(tmp_path / "not_marked.csv")]) == 2
    assert np.array_equal(
        df["received_at"].to_numpy(), generate_dossiers(300, seed=4, units=3)["received_at"]
    )
