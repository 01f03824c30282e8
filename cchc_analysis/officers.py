"""Monthly evaluation of officers from the dossiers they resolved (``cchc officers``), and staff turnover.

The inspection notice asks the centre to use «phiếu ý kiến đánh giá sự hài lòng … làm cơ sở đánh giá, xếp loại
công chức hàng tháng». This module counts, per officer and **month of resolution** (the month of ``resolved_at``),
the dossiers resolved in the period and how they went:

- ``resolved``, ``early``, ``on_time``, ``late``: the Biểu 06 definitions of :mod:`cchc_analysis.rates`
  (:func:`~cchc_analysis.rates.classify_dossiers` over the period, then split by the month of resolution);
- ``rated``, ``satisfied``: resolved dossiers with a rating / with «hài lòng» or «rất hài lòng»;
  ``satisfaction_rate = satisfied / rated``;
- ``complaints``: resolved dossiers flagged with a complaint (phản ánh, kiến nghị);
- ``grade``: the first level of :data:`GRADES_FILE` (``reference/officer_grades.csv``, editable) whose every
  condition holds. Each condition carries its basis: an article of Nghị định 90/2020/NĐ-CP, or «giả định của gói».

A count whose column the export lacks is NA (JSON ``null``), never 0, and a grade that needs it is not given.

Officers are the pseudonyms the loaders make (:mod:`cchc_analysis.privacy`) unless names are asked for. A *names
key* (CSV ``pseudonym,name``, kept by the person who grades) turns pseudonyms back into names on the screen only:
:func:`read_names_key` reads it, :func:`format_officers_table` shows it, and no export is ever written with it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_date, fmt_int, fmt_pct
from cchc_analysis.outputs import atomic_path, atomic_write_text, neutralise_formula, xlsx_cell_text
from cchc_analysis.periods import Period
from cchc_analysis.privacy import officer_pseudonym
from cchc_analysis.rates import classify_dossiers

#: Grade thresholds: one condition a row, levels in order (see the file's comment lines).
GRADES_FILE = Path(__file__).with_name("reference") / "officer_grades.csv"

#: Columns of the officer table, in the order of the JSON contract.
OFFICER_COLUMNS: tuple[str, ...] = (
    "officer",
    "month",
    "resolved",
    "early",
    "on_time",
    "late",
    "rated",
    "satisfied",
    "satisfaction_rate",
    "complaints",
    "grade",
)
#: Measures a grade condition may use.
MEASURES: tuple[str, ...] = (
    "resolved",
    "rated",
    "early_rate",
    "on_time_rate",
    "satisfaction_rate",
    "complaints",
)
#: Vietnamese headings of the officer table.
HEADINGS_VI: dict[str, str] = {
    "officer": "Cán bộ",
    "month": "Tháng",
    "resolved": "Đã giải quyết",
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
    "rated": "Được đánh giá",
    "satisfied": "Hài lòng",
    "satisfaction_rate": "Tỷ lệ hài lòng",
    "complaints": "Phản ánh, kiến nghị",
    "grade": "Xếp loại (đề xuất)",
}
#: What a blank officer cell is shown as.
NO_OFFICER = "(không ghi cán bộ)"
#: Grade of a row that misses the ``minimum`` conditions.
TOO_FEW = "Chưa đủ hồ sơ để xếp loại"


@dataclass(frozen=True)
class GradeRules:
    """The grade thresholds read from a CSV.

    Attributes
    ----------
    minimum : list of (measure, op, value)
        Conditions for grading at all.
    levels : list of (label, list of (measure, op, value))
        Levels in order; the last one usually has no condition (the remainder).
    table : DataFrame
        The file's rows (``level, label, measure, op, value, kind, basis``), for the xlsx's notes.
    source : Path
    """

    minimum: list[tuple[str, str, float]]
    levels: list[tuple[str, list[tuple[str, str, float]]]]
    table: pd.DataFrame
    source: Path


def read_grade_rules(path: str | Path | None = None) -> GradeRules:
    """Read grade thresholds (default: the package's ``reference/officer_grades.csv``).

    Raises
    ------
    InputError
        A measure, operator or value that is not understood, naming the file and line.
    """
    from cchc_analysis.loaders.tables import read_table

    source = Path(path) if path is not None else GRADES_FILE
    table = read_table(
        source,
        required=("level", "label", "measure", "op", "value"),
        what="tệp ngưỡng xếp loại",
        what_en="grade thresholds file",
    )
    minimum: list[tuple[str, str, float]] = []
    levels: dict[str, tuple[str, list[tuple[str, str, float]]]] = {}
    for line, row in table.iterrows():
        condition = None
        if row["measure"]:
            if row["measure"] not in MEASURES or row["op"] not in (">=", "<="):
                raise InputError(
                    f"Điều kiện xếp loại không hợp lệ «{row['measure']} {row['op']}»: chỉ tiêu là một trong "
                    f"{', '.join(MEASURES)}, phép so sánh là >= hoặc <=",
                    f"Bad grade condition {row['measure']!r} {row['op']!r}",
                    file=source,
                    row=line,
                )
            try:
                value = float(row["value"].replace(",", "."))
            except ValueError:
                raise InputError(
                    f"Ngưỡng xếp loại không phải là số: «{row['value']}»",
                    f"Grade threshold is not a number: {row['value']!r}",
                    file=source,
                    row=line,
                    column="value",
                ) from None
            condition = (row["measure"], row["op"], value)
        if row["level"] == "minimum":
            if condition:
                minimum.append(condition)
            continue
        label = row["label"] or row["level"]
        entry = levels.setdefault(row["level"], (label, []))
        if condition:
            entry[1].append(condition)
    if not levels:
        raise InputError(
            "Tệp ngưỡng xếp loại không có mức xếp loại nào",
            "The grade thresholds file has no level",
            file=source,
        )
    return GradeRules(minimum, list(levels.values()), table, source)


def _month_labels(timestamps: pd.Series) -> np.ndarray:
    months = timestamps.to_numpy().astype("datetime64[M]")
    return np.datetime_as_string(months, unit="M")


def officer_months(
    dossiers: pd.DataFrame, period: Period, *, granularity: str = "date", rules: GradeRules | None = None
) -> pd.DataFrame:
    """One row per officer and month of resolution of the dossiers resolved in ``period``.

    Parameters
    ----------
    dossiers : DataFrame
        Canonical dossier frame with an ``officer`` column.
    period : Period
    granularity : {"date", "datetime"}
    rules : GradeRules, optional
        Grade thresholds (default: :func:`read_grade_rules`).

    Returns
    -------
    DataFrame
        :data:`OFFICER_COLUMNS`, sorted by month then officer; counts as Int64 (NA when the export lacks the
        column they need), ``satisfaction_rate`` float (NaN when nothing was rated), ``grade`` text or NA.
        ``attrs["missing"]`` lists the canonical columns that were absent.

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-01-05", "2026-01-06"]),
    ...                   "due_at": pd.to_datetime(["2026-01-09", "2026-01-07"]),
    ...                   "resolved_at": pd.to_datetime(["2026-01-08", "2026-02-02"]),
    ...                   "officer": ["CB01", "CB01"]})
    >>> from cchc_analysis.periods import parse_period
    >>> officer_months(d, parse_period("2026-Q1"))[["month", "resolved", "early", "late", "rated"]].to_numpy().tolist()
    [['2026-01', 1, 1, 0, <NA>], ['2026-02', 1, 0, 1, <NA>]]
    """
    if "officer" not in dossiers.columns:
        raise InputError(
            "Tệp hồ sơ không có cột cán bộ xử lý (Cán bộ xử lý / Người xử lý): không đánh giá được theo cán bộ",
            "The export has no officer column: officers cannot be evaluated",
        )
    rules = rules or read_grade_rules()
    flags = classify_dossiers(dossiers, period.start, period.end, granularity=granularity)
    resolved = flags["resolved"].to_numpy(dtype=bool)
    rows = dossiers.loc[resolved]
    frame = pd.DataFrame(
        {
            "officer": rows["officer"].astype("string").to_numpy(),
            "month": _month_labels(rows["resolved_at"]),
            "resolved": 1,
            "early": flags["early"].to_numpy()[resolved],
            "on_time": flags["on_time"].to_numpy()[resolved],
            "late": flags["late"].to_numpy()[resolved],
        }
    )
    missing = [c for c in ("satisfaction", "complaint") if c not in dossiers.columns]
    if "rated" in flags:
        frame["rated"] = flags["rated"].to_numpy()[resolved]
        frame["satisfied"] = flags["satisfied"].to_numpy()[resolved]
    if "complaint" in dossiers.columns:
        frame["complaints"] = rows["complaint"].to_numpy(dtype=bool, na_value=False)
    counts = ["resolved", "early", "on_time", "late", "rated", "satisfied", "complaints"]
    present = [c for c in counts if c in frame.columns]
    grouped = frame.groupby(["month", "officer"], dropna=False, sort=True)[present].sum().reset_index()
    for column in counts:
        if column in grouped:
            grouped[column] = grouped[column].astype("Int64")
        else:
            grouped[column] = pd.array([pd.NA] * len(grouped), dtype="Int64")
    rated = grouped["rated"].astype("Float64")
    grouped["satisfaction_rate"] = (grouped["satisfied"].astype("Float64") / rated.where(rated > 0)).to_numpy(
        dtype="float64", na_value=np.nan
    )
    grouped["grade"] = pd.array([grade_of(r, rules) for r in grouped.to_dict("records")], dtype="string")
    grouped["officer"] = grouped["officer"].astype("string")
    result = grouped[list(OFFICER_COLUMNS)].reset_index(drop=True)
    result.attrs["missing"] = missing
    return result


def _measure(row: dict, name: str) -> float | None:
    def number(value: object) -> float | None:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return None
        return float(value)

    resolved = number(row.get("resolved"))
    if name in ("early_rate", "on_time_rate"):
        if not resolved:
            return None
        done = number(row["early"]) + (number(row["on_time"]) if name == "on_time_rate" else 0.0)
        return done / resolved
    if name == "satisfaction_rate":
        rated, satisfied = number(row.get("rated")), number(row.get("satisfied"))
        return None if not rated or satisfied is None else satisfied / rated
    return number(row.get(name))


def _holds(row: dict, condition: tuple[str, str, float]) -> bool | None:
    measure, op, value = condition
    actual = _measure(row, measure)
    if actual is None:
        return None
    # Rates compared in exact fractions' terms: 1e-12 absorbs float error (9/10 >= 0.9).
    return actual >= value - 1e-12 if op == ">=" else actual <= value + 1e-12


def grade_of(row: dict, rules: GradeRules) -> str | None:
    """The grade of one officer-month row: the first level whose conditions all hold.

    ``None`` when a condition needs a count the export lacks (e.g. no satisfaction column); :data:`TOO_FEW` when
    a ``minimum`` condition fails.

    Examples
    --------
    >>> rules = read_grade_rules()
    >>> row = {"resolved": 10, "early": 6, "on_time": 4, "late": 0, "rated": 10, "satisfied": 10, "complaints": 0}
    >>> grade_of(row, rules)
    'Hoàn thành xuất sắc nhiệm vụ'
    >>> grade_of(row | {"early": 2, "on_time": 7, "late": 1, "satisfied": 8}, rules)
    'Hoàn thành nhiệm vụ'
    >>> grade_of(row | {"rated": None, "satisfied": None}, rules) is None
    True
    """
    minimum = [_holds(row, c) for c in rules.minimum]
    if any(holds is None for holds in minimum):
        return None
    if not all(minimum):
        return TOO_FEW
    for label, conditions in rules.levels:
        results = [_holds(row, c) for c in conditions]
        if any(r is None for r in results):
            return None
        if all(results):
            return label
    return None


# --- names key --------------------------------------------------------------------------------------------------


def read_names_key(path: str | Path) -> dict[str, str]:
    """Read a names key: CSV ``pseudonym,name`` (or ``name`` alone: the pseudonym is computed with the key of
    ``CCHC_PSEUDONYM_KEY``). Returns ``{pseudonym: name}``. For the screen only, never for an export."""
    from cchc_analysis.loaders.tables import read_table

    table = read_table(path, required=("name",), what="tệp khóa tên cán bộ", what_en="officer names key")
    key: dict[str, str] = {}
    for _, row in table.iterrows():
        name = row["name"]
        if not name:
            continue
        pseudonym = row.get("pseudonym") or officer_pseudonym(name)
        key[pseudonym] = name
    return key


def names_key_text(names: list[str]) -> str:
    """The CSV text of a names key for ``names`` (``pseudonym,name``), to keep locally."""
    frame = pd.DataFrame({"pseudonym": [officer_pseudonym(n) for n in names], "name": names})
    frame = frame.drop_duplicates().sort_values("pseudonym", kind="stable")
    frame["name"] = frame["name"].map(neutralise_formula)
    return frame.to_csv(index=False, lineterminator="\n")


def write_names_key(names: list[str], path: str | Path) -> Path:
    """Write the names key of ``names`` atomically (UTF-8 with BOM, for Excel)."""
    return atomic_write_text(path, names_key_text(names), encoding="utf-8-sig")


# --- outputs ----------------------------------------------------------------------------------------------------


def _value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def officers_json(table: pd.DataFrame, period_json: dict, *, synthetic: bool = False) -> str:
    """``{"period": {...}, "officers": [rows]}`` (nulls for unknown counts and grades)."""
    rows = [{c: _value(r[c]) for c in OFFICER_COLUMNS} for r in table.to_dict("records")]
    payload: dict[str, object] = {"period": period_json, "officers": rows}
    if synthetic:
        payload["note"] = "Dữ liệu mô phỏng"
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _cells(record: dict) -> list[str]:
    officer = _value(record["officer"])
    cells = [NO_OFFICER if officer is None else str(officer), str(record["month"])]
    for column in ("resolved", "early", "on_time", "late", "rated", "satisfied"):
        cells.append(fmt_int(record[column]))
    cells.append(fmt_pct(record["satisfaction_rate"], 1))
    cells.append(fmt_int(record["complaints"]))
    grade = _value(record["grade"])
    cells.append("–" if grade is None else str(grade))
    return cells


def missing_note(table: pd.DataFrame) -> str | None:
    """The line saying which columns the export lacks (their counts shown as «–»), or None."""
    missing = table.attrs.get("missing") or []
    if not missing:
        return None
    names = {"satisfaction": "Mức độ hài lòng", "complaint": "Phản ánh kiến nghị"}
    return (
        "Tệp không có cột "
        + ", ".join(f"«{names[c]}»" for c in missing)
        + ": các ô tương ứng để trống («–»), "
        "không phải 0"
        + ("; chưa xếp loại được vì thiếu phiếu đánh giá." if "satisfaction" in missing else ".")
    )


def format_officers_table(
    table: pd.DataFrame, period: Period, *, names: dict[str, str] | None = None, synthetic: bool = False
) -> str:
    """A plain-text table for the terminal; with ``names`` (a names key) a column of names is added."""
    from cchc_analysis.kpis import _render

    head = [
        f"Đánh giá cán bộ theo tháng giải quyết: từ ngày {fmt_date(period.start)} đến ngày {fmt_date(period.end)}"
    ]
    if synthetic:
        head.append("*** Dữ liệu mô phỏng — không phải số liệu thật ***")
    header = [HEADINGS_VI[c] for c in OFFICER_COLUMNS]
    if names is not None:
        header.insert(1, "Họ tên (khóa tên cục bộ)")
    rows = [header]
    for record in table.to_dict("records"):
        cells = _cells(record)
        if names is not None:
            cells.insert(1, names.get(str(_value(record["officer"])), "(không có trong khóa)"))
        rows.append(cells)
    tail = []
    note = missing_note(table)
    if note:
        tail.append(note)
    if not len(table):
        tail.append("Không có hồ sơ nào được giải quyết trong kỳ.")
    right_from = 3 if names is not None else 2
    return "\n".join([*head, "", _render(rows, right_from=right_from), *tail]) + "\n"


def write_officers_xlsx(
    table: pd.DataFrame,
    path: str | Path,
    *,
    period: Period,
    unit: str | None,
    rules: GradeRules,
    synthetic: bool = False,
    source_note: str | None = None,
) -> Path:
    """Write the monthly evaluation as an xlsx ready to sign, atomically.

    One sheet per month of resolution (title, unit, month, the table, the basis of the grades, and the
    signature block «Người lập biểu / Thủ trưởng đơn vị»), then a sheet «Ngưỡng xếp loại» with every condition
    and its legal basis or the mark «giả định của gói».
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    n = len(OFFICER_COLUMNS) + 1  # STT first
    last = get_column_letter(n)
    months = list(dict.fromkeys(table["month"].tolist())) or [None]
    for month in months:
        rows = table[table["month"] == month] if month is not None else table
        ws = wb.create_sheet(title=f"Tháng {month}" if month else "Không có hồ sơ")
        label_month = f"Tháng {month[5:]}/{month[:4]}" if month else "Không có hồ sơ giải quyết trong kỳ"
        lines = [
            (f"ĐƠN VỊ: {unit.upper()}" if unit else "", Font(bold=True)),
            (
                "BẢNG TỔNG HỢP KẾT QUẢ GIẢI QUYẾT HỒ SƠ VÀ ĐÁNH GIÁ HÀI LÒNG THEO CÔNG CHỨC",
                Font(bold=True, size=13),
            ),
            ("(làm cơ sở đánh giá, xếp loại công chức hằng tháng)", Font(italic=True)),
            (
                f"{label_month} (kỳ số liệu: từ ngày {fmt_date(period.start)} đến ngày {fmt_date(period.end)})",
                Font(italic=True),
            ),
        ]
        if synthetic:
            lines.append(("DỮ LIỆU MÔ PHỎNG — không phải số liệu thật", Font(bold=True, color="C00000")))
        r = 1
        for text, font in lines:
            if not text:
                continue
            cell = ws.cell(row=r, column=1, value=xlsx_cell_text(text))
            cell.font, cell.alignment = font, Alignment(horizontal="center")
            ws.merge_cells(f"A{r}:{last}{r}")
            r += 1
        r += 1
        header = ["STT", *(HEADINGS_VI[c] for c in OFFICER_COLUMNS)]
        for j, text in enumerate(header, start=1):
            cell = ws.cell(row=r, column=j, value=text)
            cell.font, cell.alignment, cell.border = Font(bold=True), center, border
            cell.fill = PatternFill("solid", fgColor="EDEDED")
        ws.row_dimensions[r].height = 32
        first_data = r + 1
        for i, record in enumerate(rows.to_dict("records"), start=1):
            r += 1
            values: list[object] = [i]
            officer = _value(record["officer"])
            values.append(NO_OFFICER if officer is None else str(officer))
            values.append(str(record["month"]))
            for column in OFFICER_COLUMNS[2:]:
                values.append(_value(record[column]))
            for j, value in enumerate(values, start=1):
                column = header[j - 1]
                cell = ws.cell(
                    row=r, column=j, value=xlsx_cell_text(value) if isinstance(value, str) else value
                )
                cell.border = border
                if j in (2, n):
                    cell.alignment = Alignment(vertical="center", wrap_text=True)
                else:
                    cell.alignment = Alignment(horizontal="center", vertical="center")
                if column == HEADINGS_VI["satisfaction_rate"] and value is not None:
                    cell.number_format = "0.0%"
                elif value is None and j != 2:
                    cell.value = "–"
        r += 2
        notes = [
            "Đã giải quyết, trước hạn, đúng hạn, quá hạn: hồ sơ có ngày kết thúc xử lý trong tháng, theo cách tính "
            "của Biểu số 06/VPCP/KSTT. Tỷ lệ hài lòng = hài lòng / được đánh giá.",
            "Xếp loại là đề xuất theo ngưỡng ở trang «Ngưỡng xếp loại» (căn cứ Nghị định 90/2020/NĐ-CP, sửa đổi "
            "bởi Nghị định 48/2023/NĐ-CP; ngưỡng ghi «giả định» là của công cụ, đơn vị cần xem xét); thủ trưởng "
            "đơn vị quyết định.",
        ]
        note = missing_note(rows)
        if note:
            notes.append(note)
        if source_note:
            notes.append(source_note)
        for text in notes:
            cell = ws.cell(row=r, column=1, value=xlsx_cell_text(text))
            cell.font, cell.alignment = Font(italic=True, size=9), Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(f"A{r}:{last}{r}")
            ws.row_dimensions[r].height = 26
            r += 1
        r += 1
        for col, title in ((2, "NGƯỜI LẬP BIỂU"), (9, "THỦ TRƯỞNG ĐƠN VỊ")):
            ws.cell(row=r, column=col, value=title).font = Font(bold=True)
            ws.cell(row=r + 1, column=col, value="(Ký, ghi rõ họ tên)").font = Font(italic=True)
            ws.cell(row=r, column=col).alignment = ws.cell(row=r + 1, column=col).alignment = Alignment(
                horizontal="center"
            )
            ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=col + 3)
            ws.merge_cells(start_row=r + 1, start_column=col, end_row=r + 1, end_column=col + 3)
        widths = [5, 22, 9, 10, 9, 9, 8, 10, 9, 10, 11, 31]
        for j, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = width
        ws.freeze_panes = ws.cell(row=first_data, column=3)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    ws = wb.create_sheet(title="Ngưỡng xếp loại")
    ws.cell(row=1, column=1, value="NGƯỠNG XẾP LOẠI VÀ CĂN CỨ").font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value=xlsx_cell_text(f"Tệp ngưỡng: {rules.source.name}")).font = Font(
        italic=True
    )
    heads = ["Mức", "Chỉ tiêu", "So sánh", "Ngưỡng", "Loại", "Căn cứ"]
    for j, text in enumerate(heads, start=1):
        cell = ws.cell(row=4, column=j, value=text)
        cell.font, cell.border, cell.alignment = Font(bold=True), border, center
    kinds = {"law": "Văn bản", "assumption": "Giả định của gói"}
    for i, (_, row) in enumerate(rules.table.iterrows(), start=5):
        values = [
            row["label"],
            row["measure"],
            row["op"],
            row["value"],
            kinds.get(row.get("kind", ""), row.get("kind", "")),
            row.get("basis", ""),
        ]
        for j, value in enumerate(values, start=1):
            cell = ws.cell(row=i, column=j, value=xlsx_cell_text(value) or None)
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = max(math.ceil(len(str(values[5])) / 80), math.ceil(len(str(values[0])) / 26), 1)
        ws.row_dimensions[i].height = 13 * lines
    for j, width in enumerate([26, 18, 8, 8, 16, 70], start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0

    final = Path(path)
    with atomic_path(final) as tmp:
        wb.save(tmp)
    return final


# --- staff turnover ---------------------------------------------------------------------------------------------

#: Groups of :func:`newcomer_quality`.
NEWCOMERS = "Cán bộ trong tháng đầu xử lý hồ sơ"
OTHERS = "Cán bộ khác"


def _receipt_months(dossiers: pd.DataFrame) -> pd.DataFrame:
    rows = dossiers[dossiers["officer"].notna() & dossiers["received_at"].notna()]
    return pd.DataFrame(
        {"officer": rows["officer"].astype("string"), "month": _month_labels(rows["received_at"])},
        index=rows.index,
    )


def _officer_spans(dossiers: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.Series] | None:
    """The receipt months of each officer's dossiers, and each officer's first and last month (None without an
    officer column or dossiers)."""
    if "officer" not in dossiers.columns:
        return None
    seen = _receipt_months(dossiers)
    if not len(seen):
        return None
    months = seen.groupby("officer")["month"]
    return seen, months.min(), months.max()


def officer_turnover(dossiers: pd.DataFrame, period: Period) -> pd.DataFrame | None:
    """Officers active per month of receipt, who started and who stopped handling dossiers, and the share of
    dossiers handled by officers in their first month.

    An officer is *active* in a month when a dossier received that month is theirs; *starts* in the first month
    they are active and *stops* in the month after the last one. The file's first month cannot tell who started
    (everyone is new to the file) and its last month who stopped: those cells are NA, not 0. Months are those of
    ``period`` that the file covers.

    Returns
    -------
    DataFrame or None
        ``month, active, started, stopped, dossiers, by_newcomers, newcomer_share``, ``attrs["started"]`` /
        ``attrs["stopped"]``: ``{month: [officers]}``. None when the export has no officer column.

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-01-05", "2026-02-03", "2026-02-04", "2026-03-02"]),
    ...                   "officer": ["A", "A", "B", "B"]})
    >>> from cchc_analysis.periods import parse_period
    >>> t = officer_turnover(d, parse_period("2026-Q1"))
    >>> t[["month", "active", "started", "stopped", "by_newcomers"]].to_numpy().tolist()
    [['2026-01', 1, <NA>, <NA>, <NA>], ['2026-02', 2, 1, 0, 1], ['2026-03', 1, 0, <NA>, 0]]
    """
    spans = _officer_spans(dossiers)
    if spans is None:
        return None
    seen, first, last = spans
    data_first, data_last = seen["month"].min(), seen["month"].max()
    months = [
        str(m)
        for m in np.arange(
            np.datetime64(period.start, "M"), np.datetime64(period.end, "M") + 1, dtype="datetime64[M]"
        )
        if data_first <= str(m) <= data_last
    ]
    rows = []
    started_names: dict[str, list[str]] = {}
    stopped_names: dict[str, list[str]] = {}
    for month in months:
        in_month = seen[seen["month"] == month]
        active = in_month["officer"].nunique()
        known_start = month != data_first
        known_stop = month != data_last
        starters = sorted(first[first == month].index) if known_start else []
        previous = str(np.datetime64(month, "M") - 1)
        leavers = sorted(last[last == previous].index) if known_stop and month != data_first else []
        newcomer = in_month["officer"].map(first).eq(month)
        started_names[month], stopped_names[month] = starters, leavers
        rows.append(
            {
                "month": month,
                "active": active,
                "started": len(starters) if known_start else pd.NA,
                "stopped": len(leavers) if known_stop and month != data_first else pd.NA,
                "dossiers": len(in_month),
                "by_newcomers": int(newcomer.sum()) if known_start else pd.NA,
            }
        )
    table = pd.DataFrame(rows, columns=["month", "active", "started", "stopped", "dossiers", "by_newcomers"])
    for column in table.columns[1:]:
        table[column] = table[column].astype("Int64")
    table["newcomer_share"] = (table["by_newcomers"].astype("Float64") / table["dossiers"]).to_numpy(
        dtype="float64", na_value=np.nan
    )
    table.attrs["started"], table.attrs["stopped"] = started_names, stopped_names
    return table


def newcomer_quality(
    dossiers: pd.DataFrame, period: Period, *, granularity: str = "date"
) -> pd.DataFrame | None:
    """Whether late or unsatisfied dossiers concentrate on officers in their first month.

    Dossiers resolved in ``period`` whose officer received their first dossier of the file in the month of receipt
    of this dossier (not the file's first month, which cannot tell), against the others.

    Returns
    -------
    DataFrame or None
        ``group`` (:data:`NEWCOMERS`, :data:`OTHERS`), ``resolved, late, late_rate, rated, dissatisfied,
        dissatisfied_rate`` (rating counts NA without a satisfaction column). None without an officer column or
        when no officer started within the file.
    """
    spans = _officer_spans(dossiers)
    if spans is None:
        return None
    seen, first, _ = spans
    data_first = seen["month"].min()
    flags = classify_dossiers(dossiers, period.start, period.end, granularity=granularity)
    resolved = flags["resolved"].to_numpy(dtype=bool) & dossiers["officer"].notna().to_numpy()
    rows = dossiers.loc[resolved]
    month = pd.Series(_month_labels(rows["received_at"]), index=rows.index)
    newcomer = (rows["officer"].map(first) == month) & (month != data_first)
    if not newcomer.any():
        return None
    late = flags["late"].to_numpy()[resolved]
    out = []
    for label, mask in ((NEWCOMERS, newcomer.to_numpy()), (OTHERS, ~newcomer.to_numpy())):
        record: dict[str, object] = {
            "group": label,
            "resolved": int(mask.sum()),
            "late": int(late[mask].sum()),
        }
        if "satisfaction" in rows:
            rating = rows["satisfaction"].astype("string")
            record["rated"] = int(rating[mask].notna().sum())
            record["dissatisfied"] = int((rating[mask] == "dissatisfied").sum())
        else:
            record["rated"] = record["dissatisfied"] = pd.NA
        out.append(record)
    table = pd.DataFrame(out)
    for column in ("resolved", "late", "rated", "dissatisfied"):
        table[column] = table[column].astype("Int64")
    table["late_rate"] = (
        table["late"].astype("Float64") / table["resolved"].where(table["resolved"] > 0)
    ).to_numpy(dtype="float64", na_value=np.nan)
    rated = table["rated"].astype("Float64")
    table["dissatisfied_rate"] = (table["dissatisfied"].astype("Float64") / rated.where(rated > 0)).to_numpy(
        dtype="float64", na_value=np.nan
    )
    return table[["group", "resolved", "late", "late_rate", "rated", "dissatisfied", "dissatisfied_rate"]]
