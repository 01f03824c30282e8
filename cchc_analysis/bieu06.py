"""Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP): results of handling dossiers, by lĩnh vực, rebuilt from dossiers.

Thirteen columns: STT; Lĩnh vực; dossiers received (total, new online, new in person or by post, carried over);
resolved (total, early, on time, late); pending (total, within deadline, overdue). The counts come from
:mod:`cchc_analysis.rates`, where the definitions live.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from cchc_analysis.formatting import fmt_date, fmt_int
from cchc_analysis.outputs import atomic_path, xlsx_cell_text
from cchc_analysis.rates import check_identities, classify_dossiers, count_dossiers

#: (canonical column of the table, count column it comes from).
BIEU06_COUNTS: tuple[tuple[str, str], ...] = (
    ("received_total", "in_scope"),
    ("received_online", "new_online"),
    ("received_in_person_postal", "new_in_person_postal"),
    ("carried_over", "carried_over"),
    ("resolved_total", "resolved"),
    ("resolved_early", "early"),
    ("resolved_on_time", "on_time"),
    ("resolved_late", "late"),
    ("pending_total", "pending"),
    ("pending_within", "pending_within"),
    ("pending_overdue", "pending_overdue"),
)

BIEU06_COLUMNS: tuple[str, ...] = ("stt", "field", *(c for c, _ in BIEU06_COUNTS))

#: Vietnamese header of each column: (top group, middle group, leaf).
BIEU06_HEADERS: dict[str, tuple[str, str, str]] = {
    "stt": ("STT", "", ""),
    "field": ("Lĩnh vực", "", ""),
    "received_total": ("Số hồ sơ nhận giải quyết", "Tổng số", ""),
    "received_online": ("Số hồ sơ nhận giải quyết", "Trong kỳ", "Trực tuyến"),
    "received_in_person_postal": ("Số hồ sơ nhận giải quyết", "Trong kỳ", "Trực tiếp, dịch vụ bưu chính"),
    "carried_over": ("Số hồ sơ nhận giải quyết", "Từ kỳ trước", ""),
    "resolved_total": ("Số hồ sơ đã giải quyết", "Tổng số", ""),
    "resolved_early": ("Số hồ sơ đã giải quyết", "Trước hạn", ""),
    "resolved_on_time": ("Số hồ sơ đã giải quyết", "Đúng hạn", ""),
    "resolved_late": ("Số hồ sơ đã giải quyết", "Quá hạn", ""),
    "pending_total": ("Số hồ sơ đang giải quyết", "Tổng số", ""),
    "pending_within": ("Số hồ sơ đang giải quyết", "Trong hạn", ""),
    "pending_overdue": ("Số hồ sơ đang giải quyết", "Quá hạn", ""),
}

TOTAL_LABEL = "Tổng cộng"
BLANK_FIELD_LABEL = "(Chưa xác định lĩnh vực)"


def bieu06_table(
    dossiers: pd.DataFrame, start: object, end: object | None = None, *, granularity: str = "date"
) -> pd.DataFrame:
    """The Biểu 06 table: one row per lĩnh vực (sorted), then a total row, identities checked.

    Parameters
    ----------
    dossiers : DataFrame
        Canonical dossier frame; ``field`` is optional (without it there is only the total row).
    start, end : date, str or Period
        The reporting period.

    Returns
    -------
    DataFrame
        Columns ``BIEU06_COLUMNS``; ``stt`` is 1, 2, … for the fields and NA for the total row, whose ``field``
        is ``"Tổng cộng"``. A blank field is shown as ``"(Chưa xác định lĩnh vực)"``. ``attrs["no_deadline"]``
        holds ``(in scope, resolved, pending)`` of the dossiers without a deadline, which the form has no column
        for: they are counted on time (resolved) or within deadline (pending) — see :mod:`cchc_analysis.rates`.

    Raises
    ------
    AssertionError
        If a Biểu 06 identity fails (that would be a bug in the definitions, not bad input).
    """
    total = count_dossiers(dossiers, start, end, granularity=granularity)
    if "field" in dossiers.columns:
        by_field = count_dossiers(dossiers, start, end, by="field", granularity=granularity)
        fields = by_field["field"].astype("string").fillna(BLANK_FIELD_LABEL)
    else:
        by_field = total.iloc[0:0]
        fields = pd.Series([], dtype="string")
    check_identities(pd.concat([by_field.drop(columns="field", errors="ignore"), total], ignore_index=True))

    table = pd.DataFrame(
        {
            "stt": pd.array([*range(1, len(by_field) + 1), pd.NA], dtype="Int64"),
            "field": pd.array([*fields.tolist(), TOTAL_LABEL], dtype="string"),
        }
    )
    for column, source in BIEU06_COUNTS:
        values = [*by_field[source].tolist(), total[source].iloc[0]]
        table[column] = pd.array(values, dtype="Int64")
    no_deadline = int(total["no_deadline"].iloc[0])
    resolved = 0
    if no_deadline:
        flags = classify_dossiers(dossiers, start, end, granularity=granularity)
        resolved = int((flags["no_deadline"] & flags["resolved"]).sum())
    table.attrs["no_deadline"] = (no_deadline, resolved, no_deadline - resolved)
    return table


def no_deadline_note(table: pd.DataFrame) -> str | None:
    """The line under the form about dossiers without a deadline (None when there are none).

    Examples
    --------
    >>> t = pd.DataFrame()
    >>> t.attrs["no_deadline"] = (3, 2, 1)
    >>> no_deadline_note(t)  # doctest: +NORMALIZE_WHITESPACE
    'Trong đó 3 hồ sơ không có thời hạn giải quyết (thủ tục không quy định thời hạn): 2 đã giải quyết được tính
    là đúng hạn (cột 9), 1 đang giải quyết được tính là trong hạn (cột 12).'
    """
    counts = table.attrs.get("no_deadline")
    if not counts or not counts[0]:
        return None
    total, resolved, pending = counts
    return (
        f"Trong đó {fmt_int(total)} hồ sơ không có thời hạn giải quyết (thủ tục không quy định thời hạn): "
        f"{fmt_int(resolved)} đã giải quyết được tính là đúng hạn (cột 9), {fmt_int(pending)} đang giải quyết "
        "được tính là trong hạn (cột 12)."
    )


def write_bieu06_xlsx(
    table: pd.DataFrame,
    path: str | Path,
    *,
    start: date,
    end: date,
    unit: str | None = None,
    synthetic: bool = False,
    source_note: str | None = None,
) -> Path:
    """Write a Biểu 06 table to an xlsx file in the official layout, atomically.

    The sheet has the form's name, a title, "Kỳ báo cáo: Từ ngày … đến ngày …", three header rows with merged
    cells, a row numbering the columns (1)…(13), the data rows and the total row in bold; and, for synthetic data,
    a visible "Dữ liệu mô phỏng" line. Under the table: how many dossiers have no deadline and where they are
    counted (:func:`no_deadline_note`), then ``source_note``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 06"
    n = len(BIEU06_COLUMNS)
    last = get_column_letter(n)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    lines = [
        ("Biểu số 06/VPCP/KSTT", Font(bold=True, italic=True)),
        ("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", Font(bold=True, size=13)),
        (f"Đơn vị: {unit}" if unit else "", Font(bold=False)),
        (f"Kỳ báo cáo: Từ ngày {fmt_date(start)} đến ngày {fmt_date(end)}", Font(italic=True)),
    ]
    if synthetic:
        lines.append(
            ("DỮ LIỆU MÔ PHỎNG — không phải số liệu thật", Font(bold=True, color="C00000")),
        )
    row = 1
    for text, font in lines:
        if not text:
            continue
        ws.cell(row=row, column=1, value=xlsx_cell_text(text)).font = font
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")
        row += 1
    row += 1

    header_top = row
    for j, column in enumerate(BIEU06_COLUMNS, start=1):
        top, middle, leaf = BIEU06_HEADERS[column]
        for i, text in enumerate((top, middle, leaf)):
            cell = ws.cell(row=header_top + i, column=j, value=text or None)
            cell.font, cell.alignment, cell.border = bold, center, border
    # Merge header cells that repeat across columns (groups) or are empty below (single-level headers).
    for i in range(3):
        j = 1
        while j <= n:
            top_key = BIEU06_HEADERS[BIEU06_COLUMNS[j - 1]][: i + 1]
            k = j
            while k < n and BIEU06_HEADERS[BIEU06_COLUMNS[k]][: i + 1] == top_key and top_key[i]:
                k += 1
            if k > j:
                ws.merge_cells(start_row=header_top + i, start_column=j, end_row=header_top + i, end_column=k)
            j = k + 1
    for j, column in enumerate(BIEU06_COLUMNS, start=1):
        levels = BIEU06_HEADERS[column]
        depth = max(i for i, text in enumerate(levels) if text)
        if depth < 2:
            ws.merge_cells(start_row=header_top + depth, start_column=j, end_row=header_top + 2, end_column=j)
    numbers = header_top + 3
    for j in range(1, n + 1):
        cell = ws.cell(row=numbers, column=j, value=f"({j})")
        cell.alignment, cell.border = center, border
        cell.font = Font(italic=True)

    total_fill = PatternFill("solid", fgColor="EDEDED")
    for i, record in enumerate(table.itertuples(index=False), start=numbers + 1):
        is_total = pd.isna(record.stt)
        for j, column in enumerate(BIEU06_COLUMNS, start=1):
            value = getattr(record, column)
            value = None if pd.isna(value) else value
            if column == "field":
                value = xlsx_cell_text(value)
            elif value is not None:
                value = int(value)
            cell = ws.cell(row=i, column=j, value=value)
            cell.border = border
            if column != "field":
                cell.alignment = Alignment(horizontal="center")
                cell.number_format = "#,##0"
            if is_total:
                cell.font, cell.fill = bold, total_fill
    foot = numbers + len(table) + 2
    deadline_note = no_deadline_note(table)
    if deadline_note:
        ws.cell(row=foot, column=1, value=xlsx_cell_text(deadline_note)).font = Font(italic=True)
        foot += 1
    if source_note:
        ws.cell(row=foot, column=1, value=xlsx_cell_text(source_note)).font = Font(italic=True, size=9)

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 34
    for j in range(3, n + 1):
        ws.column_dimensions[get_column_letter(j)].width = 12
    ws.freeze_panes = ws.cell(row=numbers + 1, column=3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1

    final = Path(path)
    with atomic_path(final) as tmp:
        wb.save(tmp)
    return final
