"""Footer rows below the data of a report-style export: a total row, a signature block, notes.

Exports printed as reports end with rows that are not dossiers: «Tổng cộng: 1.500 hồ sơ», «NGƯỜI LẬP BIỂU»,
«(Ký, ghi rõ họ tên)», a person's name, «Tân Lập, ngày 05 tháng 7 năm 2026», «Ghi chú: …». They are *excluded*
(reason ``footer``), never rejected, and their text is never kept: a signature holds a person's name. The words
that mark them are data: ``reference/footer_markers.csv`` (``kind, marker, match, source``).

The footer is the trailing block that starts at the first row that is clearly not a dossier — a row with a
footer marker, or a row without an id and without dates — after which no dossier row follows. A dossier row is
one whose receipt date or status can be read, or one with an id and a digit in its receipt or due date cell
(even an unreadable date: a broken dossier is rejected, not hidden) that carries no footer marker. So a dossier
whose procedure is «Cộng tác viên …» stays data, and a block of more than :data:`FOOTER_MAX_ROWS` such rows is
not a footer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.loaders.cleaning import _cell_text
from cchc_analysis.text import fold

#: A trailing block of more non-dossier rows than this is not a footer (its rows stay rejected, and loud).
FOOTER_MAX_ROWS = 50


@dataclass(frozen=True)
class Footer:
    """Footer rows of a table (a mask over its data rows) and the total a total row states."""

    rows: np.ndarray
    stated_total: int | None = None


@lru_cache(maxsize=1)
def footer_markers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``(kind, pattern)`` of each marker of ``reference/footer_markers.csv``, matched on :func:`fold` text.

    ``match`` says how: ``start`` — the cell is the marker or begins with it as whole words; ``cell`` — the cell
    is the marker, optionally followed by a number and «hồ sơ» («Cộng: 25», never «Cộng tác viên»); ``regex`` —
    the marker is a regular expression searched in the folded cell.
    """
    path = Path(__file__).parent.parent / "reference" / "footer_markers.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    markers = []
    for kind, marker, match in zip(table["kind"], table["marker"], table["match"], strict=True):
        if match == "regex":
            pattern = marker
        elif match == "start":
            pattern = rf"^{re.escape(fold(marker))}(?: |$)"
        elif match == "cell":
            pattern = rf"^{re.escape(fold(marker))}(?: \d+)*(?: (?:ho so|hs|dong))?$"
        else:  # a broken reference file is a bug of the package, not bad input
            raise ValueError(f"footer_markers.csv: unknown match {match!r} for {marker!r}")
        markers.append((kind, re.compile(pattern)))
    return tuple(markers)


def _marker(texts: list[str]) -> tuple[str, int] | None:
    """Kind of the first footer marker among a row's cells, and the cell's position."""
    for position, text in enumerate(texts):
        if not text:
            continue
        folded = fold(text)
        for kind, pattern in footer_markers():
            if pattern.search(folded):
                return kind, position
    return None


_NUMBER = re.compile(r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?!\d)|\d+")
_COUNT_AFTER = re.compile(r"^\s*(?:hồ\s*sơ|hs)\b", re.IGNORECASE)


def _count(text: str) -> int | None:
    """A cell that is one whole count («1.500», «1500», an Excel number), else None."""
    numbers = _NUMBER.findall(text)
    if len(numbers) == 1 and numbers[0] == text.strip():
        return int(re.sub(r"\D", "", numbers[0]))
    return None


def _stated_total(texts: list[str], marker_at: int, id_at: int) -> int | None:
    """The count a total row states: in its marker cell («Tổng cộng: 1.500 hồ sơ»), else in the id column,
    else the one count the row holds."""
    found = list(_NUMBER.finditer(texts[marker_at]))
    if found:
        if len(found) == 1:
            return int(re.sub(r"\D", "", found[0].group()))
        followed = [m for m in found if _COUNT_AFTER.match(texts[marker_at][m.end() :])]
        return int(re.sub(r"\D", "", followed[0].group())) if len(followed) == 1 else None
    if id_at != marker_at and _count(texts[id_at]) is not None:
        return _count(texts[id_at])
    counts = {c for i, t in enumerate(texts) if i != marker_at and (c := _count(t)) is not None}
    return counts.pop() if len(counts) == 1 else None


def find_footer(
    columns: list[pd.Series | None],
    dated: np.ndarray,
    with_status: np.ndarray | None = None,
    *,
    id_at: int,
    received_at: int,
    due_at: int,
) -> Footer:
    """The footer rows of a table's data rows (fully blank rows already dropped).

    Parameters
    ----------
    columns : list of Series or None
        Raw cells of every column of the table, row for row.
    dated : ndarray of bool
        Rows whose receipt date was read: dossier rows, whatever else they hold.
    with_status : ndarray of bool, optional
        Rows whose status was read: dossier rows unless they carry a footer marker (a count under the status
        column of a total row).
    id_at, received_at, due_at : int
        Positions of the id, receipt and due date columns in ``columns``.

    Returns
    -------
    Footer
        ``rows`` marks the footer rows; ``stated_total`` is the count its first total row states, if any.
    """
    n = len(dated)
    block: list[tuple[list[str], tuple[str, int] | None, bool]] = []  # from the last row up
    for p in range(n - 1, -1, -1):
        if dated[p] or len(block) > FOOTER_MAX_ROWS:
            break
        texts = [" ".join((_cell_text(c.iat[p]) or "").split()) if c is not None else "" for c in columns]
        marker = _marker(texts)
        has_id, dates = bool(texts[id_at]), texts[received_at] + texts[due_at]
        status = with_status is not None and with_status[p]
        if marker is None and (status or (has_id and any(ch.isdigit() for ch in dates))):  # a name is no date
            break  # a dossier row, maybe a broken one: the footer, if any, is below it
        block.append((texts, marker, marker is not None or not (has_id or dates)))
    rows = np.zeros(n, dtype=bool)
    if len(block) > FOOTER_MAX_ROWS:
        return Footer(rows)
    block.reverse()
    first = next((k for k, (_, _, starts) in enumerate(block) if starts), None)
    if first is None:
        return Footer(rows)
    rows[n - len(block) + first :] = True
    stated = None
    for texts, marker, _ in block[first:]:
        if marker is not None and marker[0] == "total":
            stated = _stated_total(texts, marker[1], id_at)
            if stated is not None:
                break
    return Footer(rows, stated)


def stated_total_notes(stated_total: int | None, accounting: object, excluded: pd.DataFrame) -> list[str]:
    """The note that a total row's count differs from the dossier rows read (empty when they agree).

    Dossier rows are the rows read less the footer rows: loaded, rejected and excluded for their status alike,
    since a total row counts the rows of its table.

    Examples
    --------
    >>> from cchc_analysis.loaders.accounting import RowAccounting
    >>> footer = pd.DataFrame({"reason_code": ["footer"]})
    >>> stated_total_notes(1500, RowAccounting(1499, 1490, 1, 8), footer)
    ['Dòng tổng cộng ghi 1.500 hồ sơ nhưng tệp có 1.498 dòng hồ sơ']
    """
    from cchc_analysis.formatting import fmt_int

    if stated_total is None:
        return []
    rows = accounting.read - int((excluded["reason_code"] == "footer").sum())
    if rows == stated_total:
        return []
    return [f"Dòng tổng cộng ghi {fmt_int(stated_total)} hồ sơ nhưng tệp có {fmt_int(rows)} dòng hồ sơ"]
