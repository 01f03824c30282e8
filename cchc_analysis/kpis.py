"""A KPI report: dossier file(s) → row accounting, counts and rates for a period, and its JSON / table / CSV forms.

This is what ``cchc kpis`` prints. A folder of files (one per month or per unit, say) is counted one file at a
time and the counts are added up, so memory is bounded by the largest file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_date, fmt_int, fmt_pct
from cchc_analysis.loaders import LoadResult, RowAccounting, load_dossiers
from cchc_analysis.periods import Period, period_between
from cchc_analysis.rates import (
    COUNT_COLUMNS,
    RATE_COLUMNS,
    add_rates,
    count_dossiers,
    normalise_by,
    sum_counts,
)
from cchc_analysis.schema import COLUMN_LABELS_VI, COUNT_LABELS_VI, RATE_LABELS_VI, SYNTHETIC_NOTE_VI

#: File suffixes read from a folder.
DOSSIER_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq")


@dataclass
class KpiReport:
    """Counts and rates of one period, with where they came from."""

    period: Period
    by: list[str]
    table: pd.DataFrame  # grouping columns, COUNT_COLUMNS, RATE_COLUMNS
    accounting: RowAccounting
    sources: list[LoadResult] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        return any(s.synthetic for s in self.sources)


def dossier_files(path: str | Path) -> list[Path]:
    """The dossier files that ``path`` names: the file itself, or a folder's files in name order.

    Hidden files and files with other suffixes in a folder are skipped.
    """
    p = Path(path)
    if p.is_dir():
        files = sorted(
            f
            for f in p.iterdir()
            if f.is_file() and f.suffix.lower() in DOSSIER_SUFFIXES and not f.name.startswith(".")
        )
        if not files:
            raise InputError(
                f"Thư mục không có tệp hồ sơ nào ({', '.join(DOSSIER_SUFFIXES)})",
                f"The folder holds no dossier file ({', '.join(DOSSIER_SUFFIXES)})",
                file=p,
            )
        return files
    if not p.exists():
        raise InputError("Không tìm thấy tệp", "File not found", file=p)
    return [p]


def _received_span(dossiers: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    received = dossiers["received_at"].dropna()
    if received.empty:
        return None
    return received.min(), received.max()


def build_kpi_report(
    path: str | Path,
    period: Period | None = None,
    *,
    by: str | Sequence[str] | None = None,
    granularity: str = "date",
    load_options: dict | None = None,
    progress: Callable[[str], None] | None = None,
) -> KpiReport:
    """Load a dossier file (or each file of a folder), count and rate it for ``period``.

    Parameters
    ----------
    path : path
        A dossier file, or a folder of them.
    period : Period, optional
        Without it the period runs from the earliest to the latest ``received_at`` in the data.
    by : str or list of str, optional
        Grouping columns (see :func:`cchc_analysis.rates.count_dossiers`).
    load_options : dict, optional
        Passed to :func:`cchc_analysis.loaders.load_dossiers` (``sheet``, ``delimiter``, ``encoding``, ``strict``).
    progress : callable, optional
        Called with a short Vietnamese message before each file of a folder.

    Raises
    ------
    InputError
        For unreadable input, or when no dossier was loaded and no period was given.
    """
    files = dossier_files(path)
    options = dict(load_options or {})
    columns = normalise_by(by)
    results: list[LoadResult] = []
    parts: list[pd.DataFrame] = []
    span: tuple[pd.Timestamp, pd.Timestamp] | None = None

    if period is None:
        # The period depends on all files: a first pass finds it (only one file is held at a time).
        for f in files:
            loaded = load_dossiers(f, **options)
            s = _received_span(loaded.dossiers)
            if s is not None:
                span = s if span is None else (min(span[0], s[0]), max(span[1], s[1]))
            if len(files) == 1:
                results.append(loaded)
        if span is None:
            raise InputError(
                "Không có hồ sơ hợp lệ nào để tính kỳ báo cáo; hãy chỉ rõ --from/--to hoặc --period",
                "No valid dossier to infer the period from; give --from/--to or --period",
                file=path,
            )
        period = period_between(span[0].date(), span[1].date())

    if not results:
        # Ids of earlier files travel along, so a dossier repeated in a later file is rejected as a duplicate,
        # exactly as if the files were one.
        seen: list[pd.Series] = []
        for i, f in enumerate(files, start=1):
            if progress is not None and len(files) > 1:
                progress(f"Đang đọc tệp {i}/{len(files)}: {f.name}")
            known = pd.concat(seen, ignore_index=True) if seen else None
            loaded = load_dossiers(f, known_ids=known, **options)
            results.append(loaded)
            parts.append(count_dossiers(loaded.dossiers, period, by=columns, granularity=granularity))
            if len(files) > 1:
                seen.append(loaded.dossiers["dossier_id"])
                loaded.dossiers = loaded.dossiers.iloc[0:0]  # release the rows; keep the accounting
    else:
        parts.append(count_dossiers(results[0].dossiers, period, by=columns, granularity=granularity))

    counts = parts[0] if len(parts) == 1 else sum_counts(parts, by=columns)
    accounting = results[0].accounting
    for r in results[1:]:
        accounting = accounting + r.accounting
    return KpiReport(
        period=period, by=columns, table=add_rates(counts), accounting=accounting, sources=results
    )


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def report_to_json(report: KpiReport) -> dict:
    """The JSON document of ``cchc kpis --format json`` (SPEC §5).

    Rates are unrounded fractions; counts and rates whose input column is absent, and rates with a zero
    denominator, are ``null``. Synthetic input adds ``"synthetic": true`` and the note "Dữ liệu mô phỏng".
    """
    groups = []
    for record in report.table.to_dict(orient="records"):
        groups.append(
            {
                "key": {c: _json_value(record[c]) for c in report.by},
                "counts": {c: _json_value(record[c]) for c in COUNT_COLUMNS},
                "rates": {r: _json_value(record.get(r)) for r in RATE_COLUMNS},
            }
        )
    document: dict = {
        "period": {"from": report.period.start.isoformat(), "to": report.period.end.isoformat()},
        "rows": report.accounting.as_dict(),
        "groups": groups,
    }
    if report.synthetic:
        document["synthetic"] = True
        document["note"] = SYNTHETIC_NOTE_VI
    return document


#: Columns of the terminal table: counts then rates, a compact selection.
TABLE_COUNTS: tuple[str, ...] = (
    "in_scope",
    "new",
    "carried_over",
    "resolved",
    "early",
    "on_time",
    "late",
    "pending",
    "pending_overdue",
)
TABLE_RATES: tuple[str, ...] = (
    "on_time_rate",
    "early_rate",
    "online_rate",
    "full_online_rate",
    "progress_766_rate",
)


def _render(rows: list[list[str]], right_from: int) -> str:
    widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        cells = [
            c.rjust(w) if j >= right_from else c.ljust(w)
            for j, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_report_table(report: KpiReport) -> str:
    """A plain-text table in Vietnamese number style (3.099; 99,6 %) for the terminal."""
    p = report.period
    head = [f"Kỳ báo cáo: từ ngày {fmt_date(p.start)} đến ngày {fmt_date(p.end)}"]
    a = report.accounting
    head.append(
        f"Số dòng: đọc {fmt_int(a.read)}, nạp {fmt_int(a.loaded)}, loại trừ {fmt_int(a.excluded)}, "
        f"bị từ chối {fmt_int(a.rejected)}"
    )
    if report.synthetic:
        head.append(f"*** {SYNTHETIC_NOTE_VI} — không phải số liệu thật ***")
    table = report.table
    if not report.by:
        record = table.iloc[0]
        rows = [["Chỉ tiêu", "Giá trị"]]
        rows += [[COUNT_LABELS_VI[c], fmt_int(record[c])] for c in COUNT_COLUMNS]
        rows += [[RATE_LABELS_VI[r], fmt_pct(record[r], 2)] for r in RATE_COLUMNS]
        return "\n".join([*head, "", _render(rows, right_from=1)])
    header = [COLUMN_LABELS_VI.get(c, c) for c in report.by]
    header += [COUNT_LABELS_VI[c] for c in TABLE_COUNTS] + [RATE_LABELS_VI[r] for r in TABLE_RATES]
    rows = [header]
    for record in table.to_dict(orient="records"):
        key = ["(trống)" if _json_value(record[c]) is None else str(record[c]) for c in report.by]
        rows.append(
            key + [fmt_int(record[c]) for c in TABLE_COUNTS] + [fmt_pct(record[r], 2) for r in TABLE_RATES]
        )
    return "\n".join([*head, "", _render(rows, right_from=len(report.by))])
