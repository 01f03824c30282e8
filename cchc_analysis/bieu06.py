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
#: The one font family of the printed form, as administrative documents use (Nghị định 30/2020/NĐ-CP).
FONT_NAME = "Times New Roman"
FONT_SIZE = 12
#: Heights (points) of the three header rows: group, sub-group, leaf (the leaf wraps over three lines).
HEADER_ROW_HEIGHTS: tuple[float, float, float] = (32.0, 34.0, 56.0)
#: Shown after «Đơn vị:» when neither ``--unit`` nor the data name the unit, for the reporter to fill in by hand.
UNIT_PLACEHOLDER = "………………………………"
#: Width of the lĩnh vực column (characters), characters of Times New Roman 12 that fit in it, and the
#: height (points) of one body line.
FIELD_WIDTH = 44
FIELD_CHARS_PER_LINE = 46
BODY_LINE_HEIGHT = 18.0
#: Rough characters per printed line of a note merged across the table (for its row height).
NOTE_CHARS_PER_LINE = 150
BLANK_FIELD_LABEL = "(Chưa xác định lĩnh vực)"


def bieu06_table(
    dossiers: pd.DataFrame, start: object, end: object | None = None, *, granularity: str = "date"
) -> pd.DataFrame:
    """The Biểu 06 table: one row per lĩnh vực (sorted), then a total row, identities checked.

    Parameters
    ----------
    dossiers : DataFrame
        Canonical dossier frame; ``field`` is optional (without it there is only the total row).
    start, end : Period, str or date
        The period, in any form :func:`~cchc_analysis.periods.as_period` accepts (the command line's): a
        :class:`~cchc_analysis.periods.Period` or a period name alone (``"2026-Q2"``, ``"Quý II/2026"``,
        ``"tháng 4/2026"``, ``"năm 2026"``, ``"01/04/2026..30/04/2026"``), or the first and last day
        (``"01/04/2026"``, ``"2026-04-01"``, a date), both included.
    granularity : {"date", "datetime"}
        Compare calendar dates (default) or full timestamps.

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

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-04-02", "2026-04-03"]),
    ...                   "due_at": pd.to_datetime(["2026-04-05", "2026-04-05"]),
    ...                   "resolved_at": pd.to_datetime(["2026-04-04", None]),
    ...                   "field": ["Hộ tịch", "Đất đai"]})
    >>> bieu06_table(d, "Quý II/2026")[["field", "received_total", "resolved_total"]].to_numpy().tolist()
    [['Hộ tịch', 1, 1], ['Đất đai', 1, 0], ['Tổng cộng', 2, 1]]
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

    Printed, it is one A4 landscape page (``fitToPage`` with one page wide and tall), every cell in
    :data:`FONT_NAME` (the workbook's default font too), header rows :data:`HEADER_ROW_HEIGHTS` tall because
    neither Excel nor LibreOffice grows a merged row for wrapped text.

    Parameters
    ----------
    table : DataFrame
        From :func:`bieu06_table`.
    path : str or Path
        The ``.xlsx`` file to write (replaced atomically).
    start, end : date
        The reporting period, printed as «Kỳ báo cáo: Từ ngày … đến ngày …».
    unit : str, optional
        Printed as «Đơn vị: …»; without it the line carries :data:`UNIT_PLACEHOLDER` to be filled in by hand.
    synthetic : bool
        Adds the visible «DỮ LIỆU MÔ PHỎNG» line.
    source_note : str, optional
        A line under the table naming the source file.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> write_bieu06_xlsx(table, "bieu06.xlsx", start=date(2026, 4, 1), end=date(2026, 6, 30),
    ...                   unit="UBND xã A")  # doctest: +SKIP
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    # One font family throughout, as administrative documents use: the workbook's default style too, so that
    # empty cells and anything Excel adds later do not fall back to Calibri.
    from openpyxl.utils.indexed_list import IndexedList

    wb._fonts = IndexedList([Font(name=FONT_NAME, size=FONT_SIZE)])  # font 0 is the Normal style's font
    ws = wb.active
    ws.title = "Biểu 06"
    n = len(BIEU06_COLUMNS)
    last = get_column_letter(n)

    def font(**kwargs: object) -> Font:
        return Font(name=FONT_NAME, size=kwargs.pop("size", FONT_SIZE), **kwargs)

    bold = font(bold=True)
    plain = font()
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    lines = [
        ("Biểu số 06/VPCP/KSTT", font(bold=True, italic=True), "left"),
        ("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", font(bold=True, size=FONT_SIZE + 2), "center"),
        (f"Đơn vị: {unit}" if unit else f"Đơn vị: {UNIT_PLACEHOLDER}", plain, "center"),
        (f"Kỳ báo cáo: Từ ngày {fmt_date(start)} đến ngày {fmt_date(end)}", font(italic=True), "center"),
    ]
    if synthetic:
        lines.append(
            ("DỮ LIỆU MÔ PHỎNG — không phải số liệu thật", font(bold=True, color="C00000"), "center"),
        )
    row = 1
    for text, line_font, horizontal in lines:
        cell = ws.cell(row=row, column=1, value=xlsx_cell_text(text))
        cell.font = line_font
        cell.alignment = Alignment(horizontal=horizontal, vertical="center")
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.row_dimensions[row].height = 20
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
    # Neither Excel nor LibreOffice grows a row for wrapped text in merged cells: the heights are set here, tall
    # enough for the longest wrapped header of each row («Trực tiếp, dịch vụ bưu chính» takes three lines).
    for i, height in enumerate(HEADER_ROW_HEIGHTS):
        ws.row_dimensions[header_top + i].height = height
    numbers = header_top + 3
    for j in range(1, n + 1):
        cell = ws.cell(row=numbers, column=j, value=f"({j})")
        cell.alignment, cell.border = center, border
        cell.font = font(italic=True)

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
            cell.font = plain
            if column == "field":
                cell.alignment = Alignment(vertical="center", wrap_text=True)
            else:
                cell.alignment = Alignment(horizontal="center", vertical="center")
                cell.number_format = "#,##0"
            if is_total:
                cell.font, cell.fill = bold, total_fill
        # A long lĩnh vực wraps inside column B; its row grows by one line height per line.
        lines = -(-len(str(record.field or "")) // FIELD_CHARS_PER_LINE)
        ws.row_dimensions[i].height = BODY_LINE_HEIGHT * max(lines, 1)
    foot = numbers + len(table) + 2
    notes = [
        (no_deadline_note(table), font(italic=True)),
        (source_note, font(italic=True, size=FONT_SIZE - 2)),
    ]
    for text, note_font in notes:
        if not text:
            continue
        # A note is merged across the table's width and wrapped, so it prints inside the page, not beyond it.
        cell = ws.cell(row=foot, column=1, value=xlsx_cell_text(text))
        cell.font = note_font
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(f"A{foot}:{last}{foot}")
        ws.row_dimensions[foot].height = 16 * (1 + len(text) // NOTE_CHARS_PER_LINE)
        foot += 1

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = FIELD_WIDTH
    for j in range(3, n + 1):
        ws.column_dimensions[get_column_letter(j)].width = 13
    ws.freeze_panes = ws.cell(row=numbers + 1, column=3)
    # One A4 landscape page in Excel and LibreOffice: fitToWidth alone is ignored unless fitToPage is on.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_area = f"A1:{last}{max(foot - 1, numbers + len(table))}"
    ws.print_title_rows = f"{header_top}:{numbers}"

    final = Path(path)
    with atomic_path(final) as tmp:
        wb.save(tmp)
    return final
