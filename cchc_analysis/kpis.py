"""A KPI report: dossier file(s) → row accounting, counts and rates for a period, and its JSON / table / CSV forms.

This is what ``cchc kpis`` prints. A folder of files (one per month or per unit, say) is counted one file at a
time — a large Parquet file one part at a time — and the counts are added up, so memory is bounded by a part,
not by the data (see :func:`build_kpi_report`).
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cchc_analysis.dossier_ids import KnownIds, string_buffers
from cchc_analysis.errors import NotADossierExport
from cchc_analysis.formatting import fmt_date, fmt_int, fmt_pct
from cchc_analysis.loaders import (
    DataPeriod,
    DataSpan,
    FolderListing,
    LoadResult,
    RowAccounting,
    data_period,
    dossier_span,
    list_dossier_files,
    load_dossiers_by_part,
    load_vocabulary,
    received_span_hint,
)
from cchc_analysis.loaders.folders import no_readable_export, skipped_note
from cchc_analysis.loaders.parquet import unrejecting_columns
from cchc_analysis.loaders.unit_name import (
    fill_unit,
    unit_from_titles,
    unit_name_of_texts,
    unit_texts,
    with_unit_column,
)
from cchc_analysis.periods import Period, parse_day, period_between
from cchc_analysis.rates import (
    COUNT_COLUMNS,
    COUNT_NEEDS,
    RATE_COLUMNS,
    add_rates,
    count_dossiers,
    normalise_by,
    sum_counts,
)
from cchc_analysis.schema import (
    CANONICAL_COLUMNS,
    COLUMN_LABELS_VI,
    COUNT_LABELS_VI,
    RATE_LABELS_VI,
    REQUIRED_COLUMNS,
    SYNTHETIC_NOTE_VI,
    TEXT_COLUMNS,
)


@dataclass
class KpiReport:
    """Counts and rates of one period, with where they came from."""

    period: Period
    by: list[str]
    table: pd.DataFrame  # grouping columns, COUNT_COLUMNS, RATE_COLUMNS
    accounting: RowAccounting
    sources: list[LoadResult] = field(default_factory=list)
    choice: DataPeriod | None = None  # how the period and the cut-off were decided
    notes: list[str] = field(default_factory=list)  # folder, files and period notes, for stderr

    @property
    def synthetic(self) -> bool:
        return any(s.synthetic for s in self.sources)

    @property
    def rejects(self) -> pd.DataFrame:
        """The rejected rows of every file read."""
        frames = [s.rejects for s in self.sources]
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


#: Columns the counts, the period and the row checks use (besides the grouping columns): never left unread.
_COUNTED = {c for needs in COUNT_NEEDS.values() for c in needs} | {
    *REQUIRED_COLUMNS,
    "dossier_id",
    "status",
    "returned_at",  # the last date of the data (cut-off), and resolved_at when a file has none
    "online_level",  # refines channel
}


def _load_columns(by: Sequence[str], files: Sequence[Path] = ()) -> list[str]:
    """Canonical columns to load for the counts grouped ``by`` from ``files``.

    Every column that can get a row rejected is loaded, so the row accounting is that of a full load; the free-text
    columns (procedure, field, unit, source system, officer) never reject a row and are loaded only to group by.
    A column the counts do not use (``home_pickup``, ``synced_at``) is also left unread when every file is Parquet
    and its type and statistics show that it cannot reject a row
    (:func:`~cchc_analysis.loaders.parquet.unrejecting_columns`).
    """
    checked = [c for c in CANONICAL_COLUMNS if c not in TEXT_COLUMNS]
    unused = [c for c in checked if c not in _COUNTED and c not in by]
    if unused and files:
        safe = set(unused)
        for f in files:
            safe &= unrejecting_columns(f, safe)
            if not safe:
                break
        checked = [c for c in checked if c not in safe]
    return checked + [c for c in TEXT_COLUMNS if c in by]


def _stated_span(path: Path) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The period the title lines of a large CSV export state (read block by block: a second reading costs)."""
    from cchc_analysis.loaders.csv_stream import title_lines_hint
    from cchc_analysis.loaders.title import stated_period

    stated = stated_period(title_lines_hint(path) or [])
    return None if stated is None else (pd.Timestamp(stated.start), pd.Timestamp(stated.end))


def _stated_last_date(path: Path) -> date | None:
    from cchc_analysis.loaders.csv_stream import title_lines_hint
    from cchc_analysis.loaders.title import stated_as_of

    return stated_as_of(title_lines_hint(path) or [])


def _hinted_period(files: Sequence[Path]) -> Period | None:
    """The receipt span of Parquet files from their statistics, or the period the title lines of large CSV
    exports state: a guess of the period, checked after counting."""
    spans = [received_span_hint(f) or _stated_span(f) for f in files]
    if not spans or any(s is None for s in spans):
        return None
    first = min(s[0] for s in spans)
    last = max(s[1] for s in spans)
    if last < first:
        return None
    return period_between(first.date(), last.date())


def _hinted_last_date(files: Sequence[Path]) -> date | None:
    """The last date (receipt, resolution, return) of Parquet files from their statistics: a guess of the cut-off
    of files that have no title line, checked after counting."""
    lasts = []
    for f in files:
        stated = _stated_last_date(f)
        if stated is not None:
            lasts.append(stated)
            continue
        spans = [received_span_hint(f, c) for c in ("received_at", "resolved_at", "returned_at")]
        spans = [s for s in spans if s is not None]
        if not spans:
            return None
        lasts.append(max(s[1] for s in spans).date())
    return max(lasts) if lasts else None


def _first_target(files: Sequence[Path], period: Period | None, as_of: object) -> Period | None:
    """The period of the first reading: the one asked for (else the Parquet receipt span), already ended at the
    cut-off when ``as_of`` or Parquet statistics give it — so that a period running past the data is not read twice."""
    target = period if period is not None else _hinted_period(files)
    if target is None:
        return None
    last = parse_day(as_of, what="ngày chốt số liệu") if as_of is not None else _hinted_last_date(files)
    if last is not None and target.start <= last < target.end:
        return Period(target.start, last, target.label)
    return target


#: A file at least this large (bytes) is announced before it is read: Excel workbooks, and other files.
_ANNOUNCE_EXCEL_BYTES = 2_000_000
_ANNOUNCE_BYTES = 50_000_000


def load_progress(progress: Callable[[str], None], path: str | Path) -> Callable[[int, int | None], None]:
    """A loader ``progress(done, total)`` callback that tells ``progress`` how a long load goes, in Vietnamese.

    A large file is announced before reading starts (reading an Excel sheet takes seconds and gives no news
    meanwhile); then at most one message a second, so short loads stay quiet.
    """
    p = Path(path)
    with contextlib.suppress(OSError):
        size = p.stat().st_size
        excel = p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
        if size >= (_ANNOUNCE_EXCEL_BYTES if excel else _ANNOUNCE_BYTES):
            megabytes = fmt_int(size / 1_000_000) if size >= 1_000_000 else "< 1"
            progress(f"Đang đọc tệp {p.name} ({megabytes} MB)…")
    last = [time.monotonic()]

    def report(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] < 1.0 or (total is not None and done >= total):
            return
        last[0] = now
        if done == 0:
            progress(f"Đã mở {p.name}: đang kiểm tra {fmt_int(total or 0)} dòng…")
        else:
            of = f"/{fmt_int(total)}" if total else ""
            progress(f"Đã đọc {fmt_int(done)}{of} dòng của {p.name}…")

    return report


#: Count tables of parts kept before they are added up into one (a part of a large file has thousands of groups).
_FOLD_PARTS = 16


@dataclass
class _Pass:
    """One reading of all the files."""

    period: Period | None  # the period counted (None: nothing counted)
    results: list[LoadResult]
    counts: list[pd.DataFrame]
    span: DataSpan  # dates of the loaded dossiers
    single: pd.DataFrame | None  # the loaded rows, when all came in one part
    parts: int
    notes: list[str]  # files of a folder skipped as not dossier exports

    def repeated_ids(self) -> np.ndarray:
        """Hashes of the ids loaded in more than one file or part (each part's own ids are unique)."""
        if self.parts < 2:
            return np.zeros(0, dtype=np.uint64)
        hashes = np.concatenate([r.id_hashes for r in self.results])
        hashes.sort()  # in place: no second copy of millions of hashes
        return np.unique(hashes[1:][hashes[1:] == hashes[:-1]])


def _read_all(
    listing: FolderListing,
    period: Period | None,
    known: KnownIds | None,
    *,
    by: list[str],
    granularity: str,
    options: dict,
    progress: Callable[[str], None] | None,
) -> _Pass:
    counts: list[pd.DataFrame] = []
    results: list[LoadResult] = []
    span = [DataSpan()]
    kept: list[pd.DataFrame] = []  # the rows, while they came in one part
    notes: list[str] = []
    n_parts = 0

    texts: set[str] = set()  # distinct values of the unit column of the file being read (up to two)

    def consume(part: LoadResult) -> None:  # called one part at a time (see load_dossiers_by_part)
        nonlocal n_parts
        n_parts += 1
        if "unit" in by and "unit" in part.dossiers.columns:  # each row's commune, its blanks named later
            if len(texts) < 2:
                texts.update(unit_texts(part.dossiers["unit"]))
            part = replace(part, dossiers=with_unit_column(part.dossiers, None, categorical=True))
        elif "unit" in by:  # no unit column: the unit the title rows name (none: count_dossiers says so)
            title_unit = unit_from_titles(part.title_lines)
            part = replace(part, dossiers=with_unit_column(part.dossiers, title_unit, categorical=True))
        span[0] = span[0] | dossier_span(part.dossiers)
        if period is not None:
            counts.append(count_dossiers(part.dossiers, period, by=by, granularity=granularity, sort=False))
            if (
                len(counts) >= _FOLD_PARTS
            ):  # added up as they come: memory holds a few count tables, not one a part
                filled = [c for c in counts if len(c)]
                counts[:] = [sum_counts(filled, by=by)] if filled else counts[:1]
        if n_parts == 1:
            kept.append(part.dossiers)
        else:
            kept.clear()

    files = listing.files
    for i, f in enumerate(files, start=1):
        file_options = dict(options)
        if progress is not None:
            if len(files) > 1:
                progress(f"Đang đọc tệp {i}/{len(files)}: {listing.name(f)}")
            file_options.setdefault("progress", load_progress(progress, f))
        texts.clear()
        first_count = len(counts)
        try:
            results.append(load_dossiers_by_part(f, consume, known_ids=known, **file_options))
        except NotADossierExport as error:
            if listing.folder is None or options.get("strict"):
                raise
            notes.append(skipped_note(listing, f, error))
            continue
        if "unit" in by:
            # Blank unit cells get the file's unit: its unit column's one value, else the unit its title rows name.
            own = unit_name_of_texts(texts, results[-1].title_lines)
            for k in range(first_count, len(counts)):
                counts[k] = counts[k].assign(unit=fill_unit(counts[k]["unit"], own))
            if kept and len(results) == 1:
                kept[0] = kept[0].assign(unit=fill_unit(kept[0]["unit"], own))
    if not results:
        raise no_readable_export(listing, notes)
    single = kept[0] if kept else None
    return _Pass(period, results, counts, span[0], single, n_parts, notes)


def build_kpi_report(
    path: str | Path,
    period: Period | None = None,
    *,
    by: str | Sequence[str] | None = None,
    granularity: str = "date",
    load_options: dict | None = None,
    progress: Callable[[str], None] | None = None,
    as_of: object = None,
) -> KpiReport:
    """Load a dossier file (or each file of a folder), count and rate it for ``period``.

    Files are read part by part (see :func:`cchc_analysis.loaders.load_dossiers_by_part`): each part is counted
    and dropped, and the counts are added up, so memory is bounded by a part, not by the data. Only the columns
    the counts need are loaded. The result equals that of the files concatenated into one:

    - a dossier id repeated in another file or part is a duplicate there: the 64-bit hashes of all loaded ids
      are sorted once; if any repeats (rare), the files are read again with the repeated ids tracked exactly
      (:class:`~cchc_analysis.dossier_ids.KnownIds`);
    - the period and the cut-off follow :func:`cchc_analysis.loaders.data_period` (without ``period``: the
      period the title lines state, else the receipt span; a period running past the cut-off is counted to it).
      When the counted period is known only after reading (no ``period``, or a cut-off before its end), a file
      read in one part is counted again in memory, otherwise the files are read again; Parquet statistics give
      the receipt span up front.

    Parameters
    ----------
    path : path
        A dossier file, or a folder of them (see :func:`cchc_analysis.loaders.list_dossier_files`).
    period : Period, optional
        The period asked for; see above for the default.
    by : str or list of str, optional
        Grouping columns (see :func:`cchc_analysis.rates.count_dossiers`).
    load_options : dict, optional
        Passed to :func:`cchc_analysis.loaders.load_dossiers` (``sheet``, ``delimiter``, ``encoding``, ``strict``).
    progress : callable, optional
        Called with a short Vietnamese message before each file of a folder, and during long loads.
    as_of : date or str, optional
        The cut-off date («ngày chốt số liệu», ``--as-of``); default from the title lines, else the data.

    Raises
    ------
    InputError
        For unreadable input, when no dossier was loaded and no period was given, or for a period that starts
        after the cut-off.
    """
    listing = list_dossier_files(path)
    columns = normalise_by(by)
    options = {"columns": _load_columns(columns, listing.files), **(load_options or {})}
    if Path(path).is_dir():  # the folder's cchc_vocabulary.csv applies to every file in it
        options["vocabulary"] = load_vocabulary(path, options.get("vocabulary"))
    target = _first_target(listing.files, period, as_of)
    repeated: np.ndarray | None = None  # hashes of the ids loaded more than once, once known
    reading: dict = {"by": columns, "granularity": granularity, "options": options, "progress": progress}
    for _ in range(4):  # at most: a first reading, repeated ids found, a period corrected
        known = None if repeated is None else KnownIds(candidates=repeated)  # a new one each reading
        run = _read_all(listing, target, known, **reading)
        if repeated is None:
            repeated = run.repeated_ids()
            if len(repeated):
                continue
        choice = data_period(run.results, period, as_of, span=run.span)
        wanted = choice.period
        if run.period is None or (run.period.start, run.period.end) != (wanted.start, wanted.end):
            if run.single is not None:  # one part, already in memory: count it
                run.counts = [count_dossiers(run.single, wanted, by=columns, granularity=granularity)]
                run.period = wanted
            else:
                target = wanted
                continue
        run.period = wanted  # the same days, and the name data_period gives them
        break
    else:  # pragma: no cover - each reading settles one question
        raise RuntimeError("the KPI counts did not settle")
    filled = [c for c in run.counts if len(c)]  # (no group has a dossier in scope: an empty table)
    counts = sum_counts(filled, by=columns) if filled else run.counts[0]  # sum_counts sorts by key
    accounting = sum((r.accounting for r in run.results), RowAccounting(0, 0, 0, 0))
    notes = [*listing.notes, *run.notes, *(n for r in run.results for n in r.notes), *choice.notes]
    return KpiReport(
        period=run.period,
        by=columns,
        table=add_rates(counts),
        accounting=accounting,
        sources=run.results,
        choice=choice,
        notes=notes,
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


def _json_column(column: pd.Series | None, n: int) -> list:
    """A column as JSON-ready Python values (None for NA or NaN), converted at once rather than cell by cell."""
    if column is None:
        return [None] * n
    if pd.api.types.is_integer_dtype(column.dtype):
        values = column.to_numpy(dtype=np.int64, na_value=0).tolist()
    elif pd.api.types.is_float_dtype(column.dtype):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan).tolist()
    else:
        return [_json_value(v) for v in column.tolist()]
    missing = column.isna().to_numpy()
    if missing.any():
        values = [None if m else v for v, m in zip(values, missing.tolist(), strict=True)]
    return values


def report_to_json(report: KpiReport) -> dict:
    """The JSON document of ``cchc kpis --format json`` (SPEC §5).

    Rates are unrounded fractions; counts and rates whose input column is absent, and rates with a zero
    denominator, are ``null``. Synthetic input adds ``"synthetic": true`` and the note "Dữ liệu mô phỏng".
    """
    table = report.table
    n = len(table)
    keys = [_json_column(table[c], n) for c in report.by]
    counts = [_json_column(table[c], n) for c in COUNT_COLUMNS]
    rates = [_json_column(table.get(r), n) for r in RATE_COLUMNS]
    key_rows = list(zip(*keys, strict=True)) if keys else [()] * n
    groups = [
        {
            "key": dict(zip(report.by, key, strict=True)),
            "counts": dict(zip(COUNT_COLUMNS, count, strict=True)),
            "rates": dict(zip(RATE_COLUMNS, rate, strict=True)),
        }
        for key, count, rate in zip(
            key_rows, zip(*counts, strict=True), zip(*rates, strict=True), strict=True
        )
    ]
    period = {"from": report.period.start.isoformat(), "to": report.period.end.isoformat()}
    document: dict = {
        "period": report.choice.as_json() if report.choice is not None else period,
        "rows": report.accounting.as_dict(),
        "groups": groups,
    }
    if report.synthetic:
        document["synthetic"] = True
        document["note"] = SYNTHETIC_NOTE_VI
    return document


def _json_texts(column: pd.Series | None, n: int) -> pa.Array:
    """JSON text of each value of a column, as Arrow strings (``null`` for NA or NaN; numbers as ``json.dumps``
    writes them). Each distinct value is written once by Python — counts, rates and keys repeat — then taken."""
    if column is None:
        return pa.array(["null"], type=pa.string()).take(pa.array(np.zeros(n, dtype=np.int64)))
    if pd.api.types.is_integer_dtype(column.dtype) or pd.api.types.is_float_dtype(column.dtype):
        integer = pd.api.types.is_integer_dtype(column.dtype)
        values = column.to_numpy(dtype=np.int64 if integer else np.float64, na_value=0 if integer else np.nan)
        distinct, index = np.unique(values, return_inverse=True)
        written = list(map(str if integer else repr, distinct.tolist()))
    else:
        index, uniques = pd.factorize(column)  # NA: -1
        written = [json.dumps(_json_value(v), ensure_ascii=False) for v in list(uniques)]
    missing = column.isna().to_numpy(dtype=bool)
    index = np.where(missing | (index < 0), len(written), index).astype(np.int64)
    return pa.array([*written, "null"], type=pa.string()).take(pa.array(index))


def format_report_json(report: KpiReport) -> str:
    """:func:`report_to_json` as text, one group a line.

    Equal to ``json.dumps(report_to_json(report))`` once parsed, and fast for tens of thousands of groups: each
    column is written as text once (each distinct value once), then the lines are joined column by column by
    Arrow (``binary_join_element_wise``), with no Python work per group.
    """
    table = report.table
    n = len(table)
    document = report_to_json(replace(report, table=table.iloc[:0]))  # everything but the groups
    names = [*(("key", c) for c in report.by), *(("counts", c) for c in COUNT_COLUMNS)]
    names += [("rates", r) for r in RATE_COLUMNS]
    groups = ""
    if n:
        pieces: list[object] = []  # the text before each value, the value's column, …, the closing text
        before = "{"
        for part in ("key", "counts", "rates"):
            fields = [c for p, c in names if p == part]
            before += f'"{part}": {{'
            for k, c in enumerate(fields):
                pieces.append(pa.scalar(before + ("" if k == 0 else ", ") + f"{json.dumps(c)}: "))
                pieces.append(_json_texts(table.get(c), n))
                before = ""
            before += "}, " if part != "rates" else "}}"  # (no grouping column: "key": {})
        separator = ",\n    "
        pieces.append(pa.scalar(before + separator))
        lines = pc.binary_join_element_wise(*pieces, "")  # every line and its separator, back to back
        offsets, data = string_buffers(lines)
        groups = data[offsets[0] : offsets[-1]].tobytes().decode("utf-8")[: -len(separator)]
    lines_out = []
    for name, value in document.items():
        if name == "groups":
            lines_out.append(f'  "groups": [\n    {groups}\n  ]' if n else '  "groups": []')
        else:
            lines_out.append(f"  {json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines_out) + "\n}\n"


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
    "no_deadline",
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
    if report.choice is not None and report.choice.cut:
        head[0] += (
            f" (kỳ yêu cầu đến ngày {fmt_date(report.choice.requested.end)}; số liệu chốt ngày "
            f"{fmt_date(report.choice.cutoff)})"
        )
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
