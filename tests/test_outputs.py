"""Atomic writes and formula neutralisation (cchc_analysis.outputs)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from cchc_analysis.outputs import (
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    neutralise_formula,
    neutralise_frame,
    write_csv,
)


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


# --- atomic writes ----------------------------------------------------------------------------------------------
def test_atomic_write_bytes_creates_folders_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "a" / "b" / "x.bin"
    assert atomic_write_bytes(target, b"\x00\x01") == target
    assert target.read_bytes() == b"\x00\x01"
    assert _leftovers(target.parent) == []


def test_atomic_write_replaces_an_existing_file(tmp_path):
    target = tmp_path / "x.txt"
    target.write_text("cũ", encoding="utf-8")
    atomic_write_text(target, "mới\r\ndòng 2\n")
    assert target.read_bytes() == "mới\r\ndòng 2\n".encode()


def test_atomic_write_gives_ordinary_permissions(tmp_path):
    target = atomic_write_text(tmp_path / "x.txt", "a")
    assert target.stat().st_mode & 0o044  # readable by group/others under the usual umask


def test_atomic_path_renames_on_success(tmp_path):
    target = tmp_path / "bao_cao.xlsx"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.suffix == ".xlsx"  # writers such as openpyxl look at the suffix
        assert not tmp.exists()
        tmp.write_bytes(b"data")
    assert target.read_bytes() == b"data"
    assert _leftovers(tmp_path) == []


def test_atomic_path_keeps_the_old_file_and_removes_the_temp_file_on_failure(tmp_path):
    target = tmp_path / "briefing.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half written")
        raise RuntimeError("writer failed")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_atomic_path_fails_when_the_writer_wrote_nothing(tmp_path):
    target = tmp_path / "x.pdf"
    with pytest.raises(FileNotFoundError), atomic_path(target):
        pass
    assert not target.exists()


# --- formula neutralisation -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","bấm")', '\'=HYPERLINK("http://x","bấm")'),
        ("+84 912 345 678", "'+84 912 345 678"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-5", "-5"),
        ("+1,5", "+1,5"),
        ("-1.234,5", "-1.234,5"),
        ("Hộ tịch", "Hộ tịch"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise_formula_text(value, expected):
    assert neutralise_formula(value) == expected


@pytest.mark.parametrize("value", [5, -5, 2.5, None, True])
def test_neutralise_formula_leaves_non_text_alone(value):
    assert neutralise_formula(value) is value


def test_neutralise_frame_covers_text_categorical_and_headers():
    frame = pd.DataFrame(
        {
            "=x": ["=cmd", "ok"],
            "n": [-1, 2],
            "s": pd.array(["@a", None], dtype="string"),
            "c": pd.Categorical(["+b", "Hộ tịch"]),
        }
    )
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=x", "n", "s", "c"]
    assert out["'=x"].tolist() == ["'=cmd", "ok"]
    assert out["n"].tolist() == [-1, 2]
    assert out["s"].iloc[0] == "'@a" and pd.isna(out["s"].iloc[1])
    assert out["c"].tolist() == ["'+b", "Hộ tịch"]
    assert frame["=x"].tolist() == ["=cmd", "ok"]  # the input is not modified


def test_write_csv_is_excel_friendly_and_safe(tmp_path):
    frame = pd.DataFrame({"Mã hồ sơ": ["=1+2", "H-01"], "Số ngày": [-3, 4], "Ghi chú": ["-abc", "Đất đai"]})
    path = write_csv(frame, tmp_path / "out" / "x.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows the diacritics
    back = pd.read_csv(io.StringIO(raw.decode("utf-8-sig")))
    assert back["Mã hồ sơ"].tolist() == ["'=1+2", "H-01"]
    assert back["Số ngày"].tolist() == [-3, 4]
    assert back["Ghi chú"].tolist() == ["'-abc", "Đất đai"]
    assert _leftovers(path.parent) == []
