"""Reported-figures files: the figures a document prints, one per row, ready to be reconciled.

A reported-figures file is a CSV (read by ``loaders.tables.read_table``) with the columns ``key,label,value,unit,numerator,denominator,whole,source``
(SPEC §5). ``value`` is written as the document prints it, in Vietnamese style (``3.099``, ``99,6``, ``02``);
``unit`` is ``%`` for a percentage (any unit containing ``%``, or a value ending in ``%``), anything else
(``hồ sơ``) for a count; ``numerator`` and ``denominator`` are a
number as printed or the ``key`` of another row; ``whole`` is the key of the row this row is a part of; ``source``
says where the figure stands in the document. Only ``key`` and ``value`` must be present as columns; blank
lines and lines whose first cell starts with ``#`` are skipped.

The checks themselves live in :mod:`cchc_analysis.reconcile`.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.formatting import parse_vn_number, printed_decimals
from cchc_analysis.loaders.tables import read_table

#: The columns of a reported-figures file, in order.
FIGURE_COLUMNS: tuple[str, ...] = (
    "key",
    "label",
    "value",
    "unit",
    "numerator",
    "denominator",
    "whole",
    "source",
)
REQUIRED_FIGURE_COLUMNS: tuple[str, ...] = ("key", "value")

#: Units read as "percentage"; every other unit (or a blank one) is a count or an amount.
PERCENT_UNITS: frozenset[str] = frozenset({"%", "phần trăm", "percent", "pct"})

#: Columns of the frame :func:`parse_reported_figures` returns.
PARSED_COLUMNS: tuple[str, ...] = (
    "row",
    "key",
    "label",
    "value",
    "value_text",
    "decimals",
    "unit",
    "is_percent",
    "numerator",
    "numerator_key",
    "numerator_text",
    "denominator",
    "denominator_key",
    "denominator_text",
    "whole",
    "source",
)


def _clean(text: object) -> str:
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").strip()


def _is_number(text: str) -> bool:
    try:
        parse_vn_number(text)
    except ValueError:
        return False
    return True


def read_reported_figures(path: str | Path) -> pd.DataFrame:
    """Read and check a reported-figures CSV.

    Parameters
    ----------
    path : str or Path
        The CSV file, read by :func:`cchc_analysis.loaders.tables.read_table` (UTF-8 with or without BOM,
        UTF-16, Windows-1258; comma, semicolon or tab delimited).

    Returns
    -------
    DataFrame
        One row per figure, columns :data:`PARSED_COLUMNS` (see :func:`parse_reported_figures`).

    Raises
    ------
    InputError
        When the file cannot be read or a row is wrong (with the file, row, column and value).
    """
    p = Path(path)
    frame = read_table(
        p, required=REQUIRED_FIGURE_COLUMNS, what="tệp số liệu công bố", what_en="reported-figures file"
    )
    return parse_reported_figures(frame.reset_index(drop=True), file=p, rows=frame.index.tolist())


def parse_reported_figures(
    frame: pd.DataFrame, *, file: object = None, rows: list[int] | None = None
) -> pd.DataFrame:
    """Check and type a frame of figures whose cells are text as printed (the 8 columns of SPEC §5).

    Parameters
    ----------
    frame : DataFrame
        Text cells; ``key`` and ``value`` are required, the other columns of :data:`FIGURE_COLUMNS` optional.
    file : optional
        The file name, for error messages.
    rows : list of int, optional
        The file's row number of each frame row (default: header on row 1, data from row 2).

    Returns
    -------
    DataFrame
        Columns :data:`PARSED_COLUMNS`: ``value`` as float, ``value_text`` as printed, ``decimals`` printed,
        ``is_percent``; for numerator and denominator the cell as written, the referenced ``*_key`` (or NA) and
        the number's printed ``*_text`` (the referenced row's value when the cell is a key).

    Raises
    ------
    InputError
        A blank or duplicate key, a value that is not a number, a numerator / denominator that is neither a number
        nor another row's key, a ``whole`` that names no other row, or parts that contain their own whole.
    """
    columns = {_clean(c).lower(): c for c in frame.columns}
    missing = [c for c in REQUIRED_FIGURE_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            "Thiếu cột bắt buộc trong tệp số liệu công bố: " + ", ".join(missing),
            "Missing required column(s): " + ", ".join(missing),
            file=file,
        )
    if rows is None:
        rows = list(range(2, len(frame) + 2))

    def cell(i: int, name: str) -> str:
        return _clean(frame.iloc[i][columns[name]]) if name in columns else ""

    out: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for i in range(len(frame)):
        key = cell(i, "key")
        if key in seen:
            raise InputError(
                f"Mã số liệu trùng với dòng {seen[key]}",
                f"Duplicate key (first on row {seen[key]})",
                file=file,
                row=rows[i],
                column="key",
                value=key,
            )
        out.append(_figure_row({name: cell(i, name) for name in FIGURE_COLUMNS}, file=file, row=rows[i]))
        seen[key] = rows[i]

    by_key = {r["key"]: r for r in out}
    for r in out:
        for part in ("numerator", "denominator"):
            _resolve_term(r, part, by_key, file=file)
        _check_whole(r, by_key, file=file)
    for r in out:
        _check_no_cycle(r, by_key, file=file)
    return _figures_frame(out)


def _figure_row(cells: dict[str, str], *, file: object, row: int) -> dict[str, object]:
    """One figure's cells, checked (a key, a number) and typed: the printed value, its decimals, percent or not."""
    key = cells["key"]
    if not key:
        raise InputError("Thiếu mã số liệu (key)", "Blank key", file=file, row=row, column="key")
    value_text = cells["value"]
    try:
        value = parse_vn_number(value_text)
    except ValueError:
        raise InputError(
            "Giá trị không phải là số (viết kiểu Việt Nam, ví dụ 3.099 hoặc 99,6)",
            "The value is not a number (Vietnamese style, e.g. 3.099 or 99,6)",
            file=file,
            row=row,
            column="value",
            value=value_text,
        ) from None
    unit = cells["unit"]
    is_percent = unit.lower() in PERCENT_UNITS or "%" in unit or value_text.endswith("%")
    return {
        "row": row,
        "key": key,
        "label": cells["label"] or key,
        "value": value,
        "value_text": value_text.rstrip("%").strip(),
        "decimals": printed_decimals(value_text),
        "unit": "%" if is_percent else unit,
        "is_percent": is_percent,
        "numerator": cells["numerator"],
        "denominator": cells["denominator"],
        "whole": cells["whole"],
        "source": cells["source"],
    }


def _resolve_term(
    r: dict[str, object], part: str, by_key: dict[str, dict[str, object]], *, file: object
) -> None:
    """Fill ``<part>_key`` / ``<part>_text`` of a numerator or denominator: another row's key, or a number."""
    text = str(r[part])
    r[f"{part}_key"] = pd.NA
    r[f"{part}_text"] = pd.NA
    if not text:
        return
    if text in by_key:
        if text == r["key"]:
            raise InputError(
                "Số liệu không thể là tử số hoặc mẫu số của chính nó",
                "A figure cannot be its own numerator or denominator",
                file=file,
                row=r["row"],
                column=part,
                value=text,
            )
        r[f"{part}_key"] = text
        r[f"{part}_text"] = by_key[text]["value_text"]
    elif _is_number(text):
        r[f"{part}_text"] = text.rstrip("%").strip()
    else:
        raise InputError(
            f"{'Tử số' if part == 'numerator' else 'Mẫu số'} không phải là số cũng không phải mã của dòng nào",
            f"The {part} is neither a number nor the key of another row",
            file=file,
            row=r["row"],
            column=part,
            value=text,
        )


def _check_whole(r: dict[str, object], by_key: dict[str, dict[str, object]], *, file: object) -> None:
    whole = str(r["whole"])
    if whole and (whole not in by_key or whole == r["key"]):
        raise InputError(
            "Cột whole phải là mã (key) của một dòng khác trong tệp",
            "whole must be the key of another row of the file",
            file=file,
            row=r["row"],
            column="whole",
            value=whole,
        )


def _check_no_cycle(r: dict[str, object], by_key: dict[str, dict[str, object]], *, file: object) -> None:
    """A part cannot contain its own whole: follow the chain of wholes from ``r`` and stop at a repeat."""
    chain = [r["key"]]
    current = r["whole"]
    while current:
        if current in chain:
            raise InputError(
                "Quan hệ phần – tổng thể lặp vòng: " + " ⊂ ".join([*chain, str(current)]),
                "Circular part-of relation: " + " < ".join([*chain, str(current)]),
                file=file,
                row=r["row"],
                column="whole",
                value=r["whole"],
            )
        chain.append(str(current))
        current = by_key[str(current)]["whole"]


def _figures_frame(out: list[dict[str, object]]) -> pd.DataFrame:
    result = pd.DataFrame(out, columns=list(PARSED_COLUMNS))
    for name in ("numerator", "denominator", "whole", "source", "unit", "label"):
        result[name] = result[name].replace("", pd.NA)
    result["value"] = result["value"].astype(float)
    result["decimals"] = result["decimals"].astype(int)
    result["is_percent"] = result["is_percent"].astype(bool)
    result["row"] = result["row"].astype(int)
    return result
