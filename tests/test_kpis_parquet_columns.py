"""``cchc kpis`` on Parquet reads only what it needs, and the figures stay those of a full load.

- a column the counts do not use (``home_pickup``, ``synced_at``) is left unread only when its type and the file's
  statistics show it cannot reject a row; a ``synced_at`` in 1900 is read, and its row rejected as before;
- the unit column of a part is rewritten through its categories (``with_unit_column(categorical=True)``): the
  same names as the ``string`` path, blanks take the file's unit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cchc_analysis.kpis import _load_columns, build_kpi_report, format_report_json
from cchc_analysis.loaders import load_dossiers
from cchc_analysis.loaders.parquet import unrejecting_columns
from cchc_analysis.loaders.unit_name import with_unit_column
from cchc_analysis.periods import parse_period


def _table(synced: list[object]) -> pa.Table:
    """Three dossiers of one commune received in January 2026; ``synced`` is their sync time."""
    return pa.table(
        {
            "dossier_id": ["HS-1", "HS-2", "HS-3"],
            "received_at": pa.array(
                pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-07"]), pa.timestamp("us")
            ),
            "due_at": pa.array(
                pd.to_datetime(["2026-01-09", "2026-01-09", "2026-01-09"]), pa.timestamp("us")
            ),
            "resolved_at": pa.array(pd.to_datetime(["2026-01-08", None, "2026-01-10"]), pa.timestamp("us")),
            "unit": pa.array(["Xã An", "Xã An", None]).dictionary_encode(),
            "home_pickup": pa.array([True, None, False]),
            "synced_at": pa.array(pd.to_datetime(synced), pa.timestamp("us")),
        }
    )


def _write(table: pa.Table, path: Path) -> Path:
    pq.write_table(table, path)
    return path


def test_typed_columns_in_range_are_not_read(tmp_path):
    path = _write(_table(["2026-01-08", None, "2026-01-11"]), tmp_path / "a.parquet")
    assert unrejecting_columns(path, ["home_pickup", "synced_at", "received_at"]) == {
        "home_pickup",
        "synced_at",
        "received_at",
    }
    columns = _load_columns(["unit"], [path])
    assert "home_pickup" not in columns and "synced_at" not in columns
    assert "received_at" in columns  # the counts use it: always read


def test_a_date_out_of_range_keeps_its_column_read_and_its_row_rejected(tmp_path):
    path = _write(_table(["2026-01-08", "1900-01-01", "2026-01-11"]), tmp_path / "b.parquet")
    assert unrejecting_columns(path, ["home_pickup", "synced_at"]) == {"home_pickup"}
    assert "synced_at" in _load_columns(["unit"], [path])
    report = build_kpi_report(path, by=["unit"])
    full = load_dossiers(path)  # every column: the accounting the KPI report must give
    assert report.accounting == full.accounting
    assert report.accounting.as_dict() == {"read": 3, "loaded": 2, "excluded": 0, "rejected": 1}
    assert report.rejects["row"].tolist() == [2]


def test_other_formats_and_missing_statistics_read_everything(tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text("x\n1\n", encoding="utf-8")
    assert unrejecting_columns(csv, ["home_pickup"]) == set()
    path = tmp_path / "d.parquet"
    pq.write_table(_table(["2026-01-08", None, "2026-01-11"]), path, write_statistics=False)
    assert unrejecting_columns(path, ["home_pickup", "synced_at"]) == {"home_pickup"}


def test_kpis_equal_with_and_without_the_unread_columns(tmp_path):
    path = _write(_table(["2026-01-08", None, "2026-01-11"]), tmp_path / "e.parquet")
    # January, counted to the last date of the data (10/01): HS-1 resolved early, HS-3 late, HS-2 overdue.
    report = build_kpi_report(path, parse_period("tháng 1/2026"), by=["unit"])
    document = json.loads(format_report_json(report))
    [group] = document["groups"]  # the blank unit cell takes the file's unit: one group
    assert group["key"] == {"unit": "Xã An"}
    counts = group["counts"]
    assert [counts[c] for c in ("in_scope", "early", "late", "pending_overdue")] == [3, 1, 1, 1]
    assert document["rows"] == {"read": 3, "loaded": 3, "excluded": 0, "rejected": 0}


def test_unit_column_through_categories_equals_the_text_path():
    values = ["Trung tâm PVHCC xã Đại Sơn", None, "UBND XÃ ĐẠI SƠN", "Phường 12", "Xã Đại Sơn"]
    text = with_unit_column(pd.DataFrame({"unit": pd.array(values, dtype="string")}), "Xã Khác")
    coded = with_unit_column(pd.DataFrame({"unit": pd.Categorical(values)}), "Xã Khác", categorical=True)
    expected = ["Xã Đại Sơn", "Xã Khác", "Xã Đại Sơn", "Phường 12", "Xã Đại Sơn"]
    assert text["unit"].tolist() == expected
    assert str(text["unit"].dtype) == "string"
    assert coded["unit"].tolist() == expected
    assert list(coded["unit"].cat.categories) == ["Xã Đại Sơn", "Xã Khác", "Phường 12"] or set(
        coded["unit"].cat.categories
    ) == {"Xã Đại Sơn", "Xã Khác", "Phường 12"}  # each name once, however the categories were numbered
    no_unit = with_unit_column(
        pd.DataFrame({"unit": pd.Categorical([None, "Xã An"])}), None, categorical=True
    )
    assert no_unit["unit"].isna().tolist() == [True, False]


def test_blank_units_get_the_files_unit_whatever_the_parts(tmp_path, monkeypatch):
    """A blank unit cell takes the file's unit only when the file's unit column holds one value — judged on the
    whole file, not on each part: a part with only «Xã An» and blanks must not give its blanks to «Xã An»."""
    n = 6
    dates = {
        "dossier_id": [f"H{i}" for i in range(n)],
        "received_at": pa.array(pd.to_datetime(["2026-01-05"] * n), pa.timestamp("us")),
        "due_at": pa.array(pd.to_datetime(["2026-01-09"] * n), pa.timestamp("us")),
        "resolved_at": pa.array(pd.to_datetime([None] * n), pa.timestamp("us")),
    }
    two = _write(
        pa.table({**dates, "unit": ["Xã An", None, "Xã An", "Xã Bình", None, "Xã Bình"]}),
        tmp_path / "2.parquet",
    )
    one = _write(
        pa.table({**dates, "unit": ["Xã An", None, "Xã An", None, None, "Xã An"]}), tmp_path / "1.parquet"
    )

    def groups(path):
        document = json.loads(format_report_json(build_kpi_report(path, by=["unit"])))
        return [(g["key"]["unit"], g["counts"]["in_scope"]) for g in document["groups"]]

    whole = {path: groups(path) for path in (two, one)}
    assert whole[two] == [("Xã An", 2), ("Xã Bình", 2), (None, 2)]  # two units: blanks stay blank
    assert whole[one] == [("Xã An", 6)]  # one unit: blanks are its dossiers
    monkeypatch.setattr("cchc_analysis.loaders.build.PARQUET_PART_ROWS", 2)  # parts of two rows
    assert {path: groups(path) for path in (two, one)} == whole
