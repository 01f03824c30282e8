"""Biểu 06 table from dossiers: rows by lĩnh vực, total row, identities, and the xlsx layout."""

from __future__ import annotations

from datetime import date

import pandas as pd
from openpyxl import load_workbook

from cchc_analysis.bieu06 import BIEU06_COLUMNS, TOTAL_LABEL, bieu06_table, write_bieu06_xlsx
from cchc_analysis.schema import CHANNELS


def small_month() -> pd.DataFrame:
    rows = [
        # received, due, resolved, field, channel
        ("2026-01-02", "2026-01-06", "2026-01-05", "Hộ tịch", "full_online"),  # early
        ("2026-01-05", "2026-01-06", "2026-01-06", "Hộ tịch", "in_person"),  # on time
        ("2026-01-05", "2026-01-08", "2026-01-09", "Chứng thực", "postal"),  # late
        ("2025-12-29", "2026-01-05", None, "Chứng thực", "partial_online"),  # carried over, overdue
        ("2026-01-30", "2026-02-03", None, "Đất đai", "partial_online"),  # pending within
        ("2026-01-30", "2026-02-03", "2026-01-30", '=HYPERLINK("x")', "in_person"),  # formula-looking field
    ]
    return pd.DataFrame(
        {
            "received_at": pd.to_datetime([r[0] for r in rows]),
            "due_at": pd.to_datetime([r[1] for r in rows]),
            "resolved_at": pd.to_datetime([r[2] for r in rows]),
            "field": pd.array([r[3] for r in rows], dtype="string"),
            "channel": pd.Categorical([r[4] for r in rows], categories=CHANNELS),
        }
    )


def test_rows_by_field_and_total():
    table = bieu06_table(small_month(), "01/01/2026", "31/01/2026")
    assert list(table.columns) == list(BIEU06_COLUMNS)
    assert table["field"].tolist() == ['=HYPERLINK("x")', "Chứng thực", "Hộ tịch", "Đất đai", TOTAL_LABEL]
    total = table.iloc[-1]
    # 6 in scope: 5 new (2 online, 3 in person/post) + 1 carried over; 4 resolved (2 early, 1 on time, 1 late)
    assert [int(total[c]) for c in BIEU06_COLUMNS[2:]] == [6, 2, 3, 1, 4, 2, 1, 1, 2, 1, 1]
    ho_tich = table.set_index("field").loc["Hộ tịch"]
    assert [int(ho_tich[c]) for c in BIEU06_COLUMNS[2:]] == [2, 1, 1, 0, 2, 1, 1, 0, 0, 0, 0]
    assert table["stt"].tolist()[:4] == [1, 2, 3, 4] and pd.isna(table["stt"].iloc[-1])


def test_blank_field_gets_a_label_and_no_field_column_gives_total_only():
    d = small_month()
    d.loc[0, "field"] = pd.NA
    assert "(Chưa xác định lĩnh vực)" in bieu06_table(d, "01/01/2026", "31/01/2026")["field"].tolist()
    only_total = bieu06_table(d.drop(columns="field"), "01/01/2026", "31/01/2026")
    assert only_total["field"].tolist() == [TOTAL_LABEL]


def test_xlsx_layout(tmp_path):
    table = bieu06_table(small_month(), "01/01/2026", "31/01/2026")
    out = write_bieu06_xlsx(
        table,
        tmp_path / "b06.xlsx",
        start=date(2026, 1, 1),
        end=date(2026, 1, 31),
        unit="Xã A",
        synthetic=True,
    )
    ws = load_workbook(out).active
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Biểu số 06/VPCP/KSTT" in texts
    assert "Kỳ báo cáo: Từ ngày 01/01/2026 đến ngày 31/01/2026" in texts
    assert any("DỮ LIỆU MÔ PHỎNG" in t for t in texts)
    assert [f"({j})" for j in range(1, 14)] == [t for t in texts if t.startswith("(") and t.endswith(")")][
        :13
    ]
    # The formula-looking field name is stored as text, not as a formula.
    assert '\'=HYPERLINK("x")' in texts
    rows = list(ws.iter_rows(values_only=True))
    total = next(r for r in rows if r[1] == TOTAL_LABEL)
    assert list(total[2:]) == [6, 2, 3, 1, 4, 2, 1, 1, 2, 1, 1]
    assert not list(tmp_path.glob(".*tmp*")), "no temporary file left behind"
