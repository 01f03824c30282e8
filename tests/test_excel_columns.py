"""A sheet's columns are built without work per cell (``loaders.excel._sheet_column``), and read as before.

- text cells → a ``str`` column, date cells → ``datetime64[us]``, as pandas infers them; empty cells among date
  cells → NaT (blank), the dates kept typed; anything else (numbers, text mixed with dates) as pandas infers it;
- loading a workbook gives the same dossiers, rejects and accounting whichever way its columns came;
- ``--month-first`` exchanges day and month in a column of date cells only (with or without empty cells), as it
  does in a column that mixes date cells and text.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from cchc_analysis.loaders import load_dossiers
from cchc_analysis.loaders.excel import _sheet_column

HEADER = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"]


def _cells(values: list[object]) -> np.ndarray:
    cells = np.empty(len(values), dtype=object)
    cells[:] = values
    return cells


@pytest.mark.parametrize(
    "values",
    [
        ["HS-1", "HS-2", ""],
        [datetime(2026, 3, 4, 8, 30), datetime(2026, 3, 5)],
        ["HS-1", 2.0, ""],
        [1.0, 2.0],
        [datetime(2026, 3, 4), "13/03/2026"],
        ["", ""],
        [],
    ],
)
def test_columns_as_pandas_infers_them(values):
    pd.testing.assert_series_equal(_sheet_column(_cells(values)), pd.Series(_cells(values)))


def test_empty_cells_among_date_cells_are_nat():
    column = _sheet_column(_cells([datetime(2026, 3, 4), "", datetime(2026, 3, 6, 9, 15)]))
    assert str(column.dtype) == "datetime64[us]"
    assert column.isna().tolist() == [False, True, False]
    assert column.iloc[2] == pd.Timestamp("2026-03-06 09:15")


def _workbook(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


ROWS = [  # times of day: the reader gives datetimes (a cell of a date alone comes as a date, read cell by cell)
    ["A1", datetime(2026, 3, 2, 8), datetime(2026, 3, 10, 17), None],  # open: an empty resolution cell
    ["A2", datetime(2026, 3, 3, 9), datetime(2026, 3, 9, 17), datetime(2026, 3, 8, 10)],
    [
        "A3",
        datetime(2026, 3, 4, 9),
        datetime(2026, 3, 2, 17),
        datetime(2026, 3, 5, 10),
    ],  # due before received
    ["A3", datetime(2026, 3, 5, 9), datetime(2026, 3, 11, 17), None],
    ["A3", datetime(2026, 3, 6, 9), datetime(2026, 3, 11, 17), None],  # a repeat of A3: rejected
]


def test_a_workbook_loads_as_with_the_columns_pandas_infers(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "ho_so.xlsx", ROWS)
    fast = load_dossiers(path)
    monkeypatch.setattr("cchc_analysis.loaders.excel._sheet_column", lambda cells: pd.Series(cells))
    slow = load_dossiers(path)
    assert fast.accounting == slow.accounting
    assert fast.accounting.as_dict() == {"read": 5, "loaded": 3, "excluded": 0, "rejected": 2}
    pd.testing.assert_frame_equal(fast.dossiers, slow.dossiers)
    pd.testing.assert_frame_equal(fast.rejects, slow.rejects)
    assert fast.dossiers["resolved_at"].isna().tolist() == [True, False, True]


def test_month_first_exchanges_a_column_of_date_cells(tmp_path):
    # What US region settings made of 02/03 … 10/03: read month/day, 3 February … 10 March became 2 March ….
    swapped = [
        [r[0], *(None if d is None else d.replace(month=d.day, day=d.month) for d in r[1:])] for r in ROWS[:2]
    ]
    path = _workbook(tmp_path / "us.xlsx", swapped)
    assert str(load_dossiers(path).dossiers["received_at"].dtype) == "datetime64[us]"
    result = load_dossiers(path, month_first_cells=True)
    assert result.dossiers["received_at"].tolist() == [
        pd.Timestamp("2026-03-02 08:00"),
        pd.Timestamp("2026-03-03 09:00"),
    ]
    assert result.dossiers["due_at"].tolist() == [
        pd.Timestamp("2026-03-10 17:00"),
        pd.Timestamp("2026-03-09 17:00"),
    ]
    assert result.dossiers["resolved_at"].isna().tolist() == [True, False]
    assert result.dossiers["resolved_at"].iloc[1] == pd.Timestamp("2026-03-08 10:00")
