"""Turning a raw table into the canonical dossier frame: conversion, checks, row accounting; the entry points
:func:`load_dossiers` and :func:`load_dossiers_by_part`.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cchc_analysis import schema
from cchc_analysis.dossier_ids import KnownIds, id_hashes, id_keys, repeated_positions
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import csv_stream
from cchc_analysis.loaders.accounting import LoadResult, RowAccounting, _display_value, _reason, _record_frame
from cchc_analysis.loaders.cleaning import _blank_mask, _clean_text, fold
from cchc_analysis.loaders.csv_reader import _read_csv
from cchc_analysis.loaders.dates import DATE_DTYPE, date_order_error
from cchc_analysis.loaders.excel import _read_excel
from cchc_analysis.loaders.footer import Footer, find_footer, stated_total_notes
from cchc_analysis.loaders.headers import _plan_headers, using_headers
from cchc_analysis.loaders.id_checks import rounded_ids_note
from cchc_analysis.loaders.parquet import (
    PARQUET_PART_ROWS,
    PARQUET_WORKERS,
    _needed_columns,
    _parquet_parts,
    _read_parquet,
)
from cchc_analysis.loaders.sniffing import CSV_EXTENSIONS, EXCEL_EXTENSIONS, PARQUET_EXTENSIONS, _RawTable
from cchc_analysis.loaders.title import stated_as_of
from cchc_analysis.loaders.unit_name import unit_name, unit_name_of_texts, unit_texts
from cchc_analysis.loaders.vocabulary import (
    Vocabulary,
    _convert,
    _refine_channel,
    load_vocabulary,
    unknown_values_note,
)
from cchc_analysis.privacy import mask_personal_array, mask_personal_text, pseudonymise_officers


def _mentions_synthetic(texts: Iterable[str]) -> bool:
    for text in texts:
        padded = f" {fold(text)} "
        if " mo phong " in padded or " mophong " in padded or "synthetic" in padded:
            return True
    return False


def _without_blank_rows(raw: _RawTable) -> tuple[list[pd.Series | None], np.ndarray, dict[int, int]]:
    """Drop fully blank rows; they are not data rows."""
    n = len(raw.row_numbers)
    if n == 0:
        return raw.columns, raw.row_numbers, raw.too_many_cells
    key = raw.plan.canonical.get("dossier_id")
    order = ([key] if key is not None else []) + [i for i in range(len(raw.columns)) if i != key]
    candidates = np.arange(n)
    for i in order:  # narrow the candidates column by column: usually the id column settles it
        column = raw.columns[i]
        if column is None:  # not read: blank as far as this table goes
            continue
        subset = column if len(candidates) == n else column.iloc[candidates]
        candidates = candidates[_blank_mask(subset)]
        if len(candidates) == 0:
            break
    candidates = np.array([c for c in candidates if c not in raw.too_many_cells], dtype=np.int64)
    if len(candidates) == 0:
        return raw.columns, raw.row_numbers, raw.too_many_cells
    keep = np.ones(n, dtype=bool)
    keep[candidates] = False
    new_position = np.cumsum(keep) - 1
    columns = [None if c is None else c[keep].reset_index(drop=True) for c in raw.columns]
    too_many = {int(new_position[p]): k for p, k in raw.too_many_cells.items()}
    return columns, raw.row_numbers[keep], too_many


def _build(
    raw: _RawTable,
    *,
    path: Path,
    wanted: set[str] | None,
    keep_unknown: bool,
    strict: bool,
    known_ids: KnownIds | Iterable[str] | None = None,
    officer_names: bool = False,
    vocabulary: Vocabulary | None = None,
    month_first_cells: bool = False,
) -> tuple[
    pd.DataFrame, pd.DataFrame, pd.DataFrame, RowAccounting, dict[str, str], list[str], np.ndarray, int | None
]:
    """Check and convert a raw table; the last item is the total a footer row states (None when none)."""
    plan = raw.plan
    columns, row_numbers, too_many = _without_blank_rows(raw)
    n = len(row_numbers)
    file_label = str(path)

    positions = dict(plan.canonical)
    header_map = {plan.headers[i]: name for name, i in positions.items()}
    if "resolved_at" not in positions and "returned_at" in positions:
        positions["resolved_at"] = positions.pop("returned_at")
        header_map[plan.headers[positions["resolved_at"]]] = "resolved_at"
    needed = _needed_columns(set(positions), wanted)
    converted = {
        name: _convert(name, columns[positions[name]], raw.excel, vocabulary, month_first_cells)
        for name in schema.CANONICAL_COLUMNS
        if name in needed
    }
    for name, column in converted.items():  # dates that look month first: refused, never read swapped
        if column.order_problem is not None:
            raise date_order_error(
                column.order_problem,
                file=file_label,
                column=plan.headers[positions[name]],
                row_numbers=row_numbers,
            )

    # Problems, in SPEC column order; each row keeps its first one.
    problems: list[tuple[str, str | None]] = []
    first = np.full(n, -1, dtype=np.int64)

    def add(code: str, column: str | None, mask: np.ndarray) -> None:
        problems.append((code, column))
        if not mask.any():  # the usual case: no row has this problem
            return
        hit = mask & (first < 0)
        first[hit] = len(problems) - 1

    if too_many:
        mask = np.zeros(n, dtype=bool)
        mask[list(too_many)] = True
        add("bad_field_count", None, mask)
    for name in schema.CANONICAL_COLUMNS:
        if name not in converted:
            continue
        for code, mask in converted[name].problems:
            add(code, name, mask)
        if name == "received_at":  # the start of the day of receipt: "earlier than received" compares dates
            received_day = _start_of_day(converted[name].values)
        if name in ("due_at", "resolved_at"):
            add(f"{name.split('_')[0]}_before_received", name, converted[name].values < received_day)

    footer = Footer(np.zeros(n, dtype=bool))
    if raw.may_have_footer and n:  # a total row, a signature block below the data: excluded, text not kept
        footer = find_footer(
            columns,
            ~np.isnat(converted["received_at"].values),
            ~np.asarray(pd.isna(converted["status"].values), dtype=bool) if "status" in converted else None,
            id_at=positions["dossier_id"],
            received_at=positions["received_at"],
            due_at=positions["due_at"],
        )
    status = converted["status"].values if "status" in converted else None
    if status is not None:
        by_status = np.isin(status.to_numpy(dtype="int64", na_value=0), list(schema.EXCLUDED_STATUSES))
        by_status &= ~footer.rows
    else:
        by_status = np.zeros(n, dtype=bool)
    excluded = by_status | footer.rows
    rejected = (first >= 0) & ~excluded

    # Duplicate ids among rows that are neither excluded nor rejected: the first occurrence wins.
    # first_row_of_duplicate is the row of the kept occurrence, 0 when it is in an earlier file.
    # Ids are compared by 64-bit hash first (cchc_analysis.dossier_ids): only rows whose hash repeats are compared
    # as text, so a file of unique ids costs one sort of its hashes.
    first_row_of_duplicate = np.zeros(n, dtype=np.int64)
    duplicate = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(~rejected & ~excluded)
    all_ids = converted["dossier_id"].values
    shown_ids = all_ids if len(candidates) == n else all_ids.take(pa.array(candidates, type=pa.int64()))
    ids = id_keys(shown_ids)  # compared as NFKC, look-alike letters made Latin, case folded; shown as written
    hashes = id_hashes(ids)
    repeated = repeated_positions(hashes)
    if len(repeated):
        codes, _ = pd.factorize(pd.Series(pd.arrays.ArrowStringArray(ids.take(pa.array(repeated)))))
        duplicated = pd.Series(codes).duplicated().to_numpy()
        if duplicated.any():
            _, first_index = np.unique(codes, return_index=True)
            later = candidates[repeated[duplicated]]
            duplicate[later] = True
            first_row_of_duplicate[later] = row_numbers[candidates[repeated[first_index[codes[duplicated]]]]]
    known = known_ids if known_ids is None or isinstance(known_ids, KnownIds) else KnownIds(known_ids)
    if known is not None and len(candidates):
        seen, first_rows = known.find(ids, hashes, file_label)
        duplicate[candidates[seen]] = True
        first_row_of_duplicate[candidates[seen]] = first_rows[seen]
    if duplicate.any():
        problems.append(("duplicate_id", "dossier_id"))
        first[duplicate] = len(problems) - 1
        rejected |= duplicate

    def header_of(name: str | None) -> str | None:
        return None if name is None else plan.headers[positions[name]]

    reject_groups: list[dict[str, object]] = []
    for k in np.unique(first[rejected]):
        code, name = problems[k]
        rows = np.flatnonzero(rejected & (first == k))
        if code == "bad_field_count":
            values = [f"{too_many[p]} ô / {len(plan.headers)} cột" for p in rows]
        else:
            values = [_display_value(v) for v in columns[positions[name]].iloc[rows].tolist()]
            if name != "dossier_id":  # the cell may hold anything, e.g. a phone number in a shifted row
                values = [v if v is None else mask_personal_text(v) for v in values]
        if code == "duplicate_id":
            reasons = [_reason(code, name, first_row=int(r))[0] for r in first_row_of_duplicate[rows]]
        else:
            reasons = _reason(code, name)[0]
        reject_groups.append(
            {
                "row": row_numbers[rows],
                "column": header_of(name),
                "value": values,
                "reason_code": code,
                "reason": reasons,
            }
        )
    rejects = _record_frame(reject_groups, file_label)
    if strict and len(rejects):
        head = rejects.iloc[0]
        position = int(np.flatnonzero(row_numbers == head["row"])[0])
        code, name = problems[first[position]]
        extra = {"first_row": int(first_row_of_duplicate[position])} if code == "duplicate_id" else {}
        vi, en = _reason(code, name, **extra)
        raise InputError(
            f"Dòng bị loại (chế độ nghiêm ngặt): {vi}",
            f"Rejected row (strict mode): {en}",
            file=file_label,
            row=int(head["row"]),
            column=None if pd.isna(head["column"]) else head["column"],
            value=None if pd.isna(head["value"]) else head["value"],
            id_value=name == "dossier_id",  # a dossier id is shown as it is (no personal data)
        )

    excluded_groups: list[dict[str, object]] = []
    if by_status.any():
        status_raw = columns[positions["status"]]
        status_codes = status.to_numpy(dtype="int64", na_value=0)
        for code in sorted(schema.EXCLUDED_STATUSES):
            rows = np.flatnonzero(by_status & (status_codes == code))
            vi, _ = _reason("excluded_status", "status", status=code, status_name=schema.STATUS_NAMES[code])
            excluded_groups.append(
                {
                    "row": row_numbers[rows],
                    "column": header_of("status"),
                    "value": [_display_value(v) for v in status_raw.iloc[rows].tolist()],
                    "reason_code": "excluded_status",
                    "reason": vi,
                }
            )
    if footer.rows.any():  # no column, no value: a signature block holds a person's name
        rows = np.flatnonzero(footer.rows)
        excluded_groups.append(
            {"row": row_numbers[rows], "column": None, "value": None, "reason_code": "footer"}
            | {"reason": _reason("footer", None)[0]}
        )
    excluded_frame = _record_frame(excluded_groups, file_label)

    loaded = np.flatnonzero(~rejected & ~excluded)
    everything = len(loaded) == n
    kept = ~duplicate[candidates]  # the candidates that are loaded
    loaded_hashes = hashes if kept.all() else hashes[kept]
    if known is not None:
        loaded_ids = ids if kept.all() else ids.filter(pa.array(kept))
        known.add(loaded_ids, loaded_hashes, row_numbers[loaded], file_label)
    if "officer" in converted and not officer_names:
        converted["officer"].values = _pseudonymised(converted["officer"].values)
    if "channel" in converted and "online_level" in converted:
        converted["channel"].values = _refine_channel(
            converted["channel"].values, converted["online_level"].values
        )
    output = (
        set(converted) if wanted is None else (set(wanted) | set(schema.REQUIRED_COLUMNS)) & set(converted)
    )
    data: dict[str, object] = {}
    for name in schema.CANONICAL_COLUMNS:
        if name not in output:
            continue
        values = converted[name].values
        if isinstance(values, pa.Array):
            taken = values if everything else values.take(pa.array(loaded, type=pa.int64()))
            data[name] = pd.arrays.ArrowStringArray(taken)
        else:
            data[name] = values if everything else values[loaded]
    dropped = [plan.headers[i] for i in plan.personal]
    for i in plan.unknown:
        header = plan.headers[i]
        column = columns[i]
        if column is None:  # not read (Parquet)
            dropped.append(header or f"Cột {i + 1}")
            continue
        if not header:
            if _blank_mask(column).all():
                continue  # an empty column without a header carries nothing
            header = f"Cột {i + 1}"
        if keep_unknown:
            name = header
            while name in data:
                name += "_"
            data[name] = pd.arrays.ArrowStringArray(
                mask_personal_array(_clean_text(column)).take(pa.array(loaded, type=pa.int64()))
            )
        else:
            dropped.append(header)
    dossiers = pd.DataFrame(data, index=pd.RangeIndex(len(loaded)), copy=False)
    accounting = RowAccounting(n, len(loaded), int(excluded.sum()), int(rejected.sum()))
    assert accounting.read == accounting.loaded + accounting.excluded + accounting.rejected
    return (
        dossiers,
        rejects,
        excluded_frame,
        accounting,
        header_map,
        dropped,
        loaded_hashes,
        footer.stated_total,
    )


_DAY_US = 86_400_000_000


def _start_of_day(values: np.ndarray) -> np.ndarray:
    """The start of each day (``datetime64[us]``), on the int64 ticks: a tenth of the time of converting to
    ``datetime64[D]`` and back. NaT becomes a day before 1678, before every date the loader keeps (NaT itself
    outside 1990–2060): compared with a date or NaT it gives what NaT gives, False."""
    ticks = np.asarray(values, dtype=DATE_DTYPE).view(np.int64)
    return ((ticks // _DAY_US) * _DAY_US).view(DATE_DTYPE)


def _pseudonymised(values: pa.Array | pd.Categorical) -> pa.Array | pd.Categorical:
    """Officers' names as pseudonyms; a categorical column is pseudonymised through its categories."""
    if not isinstance(values, pd.Categorical):
        return pseudonymise_officers(values)
    names = pseudonymise_officers(pa.array(list(values.categories), type=pa.string())).to_pylist()
    codes, uniques = pd.factorize(pd.Series(names, dtype=object))
    return pd.Categorical.from_codes(np.append(codes, -1)[values.codes], categories=list(uniques))


def _check_columns(columns: Iterable[str] | None) -> set[str] | None:
    if columns is None:
        return None
    if isinstance(columns, str):
        columns = [c.strip() for c in columns.split(",")]
    wanted = set(columns)
    unknown = sorted(wanted - set(schema.CANONICAL_COLUMNS))
    if unknown:
        raise InputError(
            f"Không có cột chuẩn {', '.join(unknown)}. Các cột chuẩn: {', '.join(schema.CANONICAL_COLUMNS)}",
            f"Unknown canonical column(s) {', '.join(unknown)}. Canonical columns: "
            f"{', '.join(schema.CANONICAL_COLUMNS)}",
        )
    return wanted


def _title_as_of(title_lines: list[str]) -> pd.Timestamp | None:
    """The cut-off date the title lines state («… đến ngày 30/06/2026»), see :mod:`.title`."""
    day = stated_as_of(title_lines)
    return None if day is None else pd.Timestamp(day)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_dossiers(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    keep_unknown: bool = False,
    columns: Iterable[str] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    known_ids: KnownIds | Iterable[str] | None = None,
    officer_names: bool = False,
    vocabulary: str | Path | Iterable[str | Path] | Vocabulary | None = None,
    month_first_cells: bool = False,
    unit: str | None = None,
) -> LoadResult:
    """Load a dossier export (CSV, Excel or Parquet) into the canonical dossier frame.

    Parameters
    ----------
    path : str or Path
        ``.csv`` / ``.tsv`` / ``.txt`` (UTF-8 with or without BOM, UTF-16, Windows-1258; comma, semicolon,
        tab or pipe delimited), ``.xlsx`` / ``.xlsm`` / ``.xls`` / ``.xlsb`` / ``.ods``, ``.parquet`` / ``.pq``.
    sheet : str or int, optional
        Excel sheet name (or 0-based index); default the first visible sheet.
    delimiter, encoding : str, optional
        Override the detected CSV delimiter / encoding.
    strict : bool
        Raise :class:`InputError` for the first rejected row instead of listing it in ``rejects``.
    keep_unknown : bool
        Keep unknown, non-personal columns under their original header, after the canonical ones.
        Personal-data columns are never kept.
    columns : iterable of str, optional
        Canonical columns wanted (the required ones are always kept). Other optional columns are neither
        converted nor validated, and are not read at all from Parquet. ``status`` is always used to exclude
        never-received dossiers.
    progress : callable, optional
        ``progress(done_rows, total_rows)`` is called while reading large files; ``total_rows`` may be None.
    known_ids : KnownIds or iterable of str, optional
        Dossier ids already loaded from earlier files of the same folder: rows with one of them are
        rejected as ``duplicate_id``, so that loading a folder file by file equals loading its concatenation.
        A :class:`~cchc_analysis.dossier_ids.KnownIds` is updated with the ids this file loads.
    officer_names : bool
        Keep officers' names in ``officer``. By default each name is replaced by a stable pseudonym
        (``"Cán bộ K7Q2MZ4D"``, see :mod:`cchc_analysis.privacy`), so that no person's name reaches an output.
        ID-card numbers, phone numbers and e-mail addresses typed into kept text columns are always masked.
    vocabulary : path or list of paths, optional
        User vocabulary files (``kind, word, value, source``; see :mod:`cchc_analysis.loaders.vocabulary`) that
        extend the package's header aliases and value words. A ``cchc_vocabulary.csv`` beside the data file is
        merged first, automatically.
    month_first_cells : bool
        Undo a day/month swap (``--month-first``): a workbook's date cells are read with day and month exchanged
        (its text cells as they are); a text file's ``nn/nn/yyyy`` dates are read month first. Without it, a
        date column that looks month first is refused (:func:`~cchc_analysis.loaders.dates.date_order_problem`).
    unit : str, optional
        The unit the file is about (``--unit``); by default the single value of the unit column, else the unit
        the title rows name («UBND XÃ TÂN LẬP»), see :mod:`cchc_analysis.loaders.unit_name`.

    Returns
    -------
    LoadResult
        Every data row is counted once: ``read == loaded + excluded + rejected``. Fully blank rows are not
        data rows and are not counted in ``read``.

    Raises
    ------
    InputError
        For a file that cannot be loaded (missing, empty, unknown extension, wrong content for its
        extension, damaged or password-protected workbook, undecodable text, no header row in the first
        20 rows, a missing required column, two columns for one canonical field, a date column that looks
        month first), and in strict mode for the first rejected row; for a vocabulary file with a bad row
        (naming the row, column and value).

    Examples
    --------
    >>> result = load_dossiers("data/dossiers.csv")  # doctest: +SKIP
    >>> result.accounting.as_dict()  # doctest: +SKIP
    {'read': 3099, 'loaded': 3099, 'excluded': 0, 'rejected': 0}
    """
    path = Path(path)
    wanted = _check_columns(columns)
    words = load_vocabulary(path, vocabulary)
    with using_headers(words.headers):
        return _load_file(
            path,
            wanted,
            words,
            sheet,
            delimiter,
            encoding,
            strict,
            keep_unknown,
            progress,
            known_ids,
            officer_names,
            month_first_cells,
            unit,
        )


def _load_file(
    path: Path,
    wanted: set[str] | None,
    words: Vocabulary,
    sheet: str | int | None,
    delimiter: str | None,
    encoding: str | None,
    strict: bool,
    keep_unknown: bool,
    progress: Callable[[int, int | None], None] | None,
    known_ids: KnownIds | Iterable[str] | None,
    officer_names: bool,
    month_first_cells: bool = False,
    unit: str | None = None,
) -> LoadResult:
    suffix = path.suffix.lower()
    supported = CSV_EXTENSIONS | EXCEL_EXTENSIONS | PARQUET_EXTENSIONS
    if suffix not in supported:
        listed = ", ".join(sorted(supported))
        raise InputError(
            f"Không đọc được tệp đuôi «{path.suffix}»: dùng {listed}",
            f"Unsupported file type {path.suffix!r}: use {listed}",
            file=path,
        )
    try:
        if not path.exists():
            raise InputError("Không tìm thấy tệp", "File not found", file=path)
        if path.is_dir():
            raise InputError("Đây là thư mục, không phải tệp", "This is a folder, not a file", file=path)
        if path.stat().st_size == 0:
            raise InputError("Tệp rỗng", "The file is empty", file=path)
        if suffix in CSV_EXTENSIONS and _streamed(path):
            try:
                return _load_csv_streamed(
                    path,
                    known_ids,
                    {"delimiter": delimiter, "encoding": encoding, "unit": unit},
                    strict=strict,
                    keep_unknown=keep_unknown,
                    columns=wanted,
                    progress=progress,
                    officer_names=officer_names,
                    vocabulary=words,
                    month_first_cells=month_first_cells,
                )
            except csv_stream._NeedExact:
                pass  # a header zone longer than the head read: the whole file at once, below
        if suffix in CSV_EXTENSIONS:
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            raw = _read_csv(path, data, delimiter=delimiter, encoding=encoding, progress=progress)
            del data
        else:
            sha = _sha256(path)
            with path.open("rb") as f:
                head = f.read(512)
            if suffix in EXCEL_EXTENSIONS:
                raw = _read_excel(path, head, sheet, progress)
            else:
                raw = _read_parquet(path, head, wanted, keep_unknown)
    except OSError as e:
        raise InputError(
            f"Không đọc được tệp: {e.strerror or e}", f"Cannot read the file: {e.strerror or e}", file=path
        ) from None
    dossiers, rejects, excluded, accounting, header_map, dropped, hashes, stated_total = _build(
        raw,
        path=path,
        wanted=wanted,
        keep_unknown=keep_unknown,
        strict=strict,
        known_ids=known_ids,
        officer_names=officer_names,
        vocabulary=words,
        month_first_cells=month_first_cells,
    )
    if progress is not None:
        progress(accounting.read, accounting.read)
    synthetic = raw.synthetic_meta or _mentions_synthetic([*raw.title_lines, path.name])
    return LoadResult(
        dossiers=dossiers,
        rejects=rejects,
        excluded=excluded,
        accounting=accounting,
        source=path,
        sha256=sha,
        synthetic=synthetic,
        header_map=header_map,
        dropped_columns=dropped,
        title_lines=raw.title_lines,
        id_hashes=hashes,
        notes=[
            *stated_total_notes(stated_total, accounting, excluded),
            *unknown_values_note(rejects, header_map),
            *rounded_ids_note(_column(dossiers, "dossier_id"), _duplicate_values(rejects)),
            *raw.notes,
        ],
        stated_total=stated_total,
        as_of=_title_as_of(raw.title_lines),
        unit_name=unit_name(dossiers, raw.title_lines, unit),
    )


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series([], dtype="string")


def _duplicate_values(rejects: pd.DataFrame) -> pd.Series:
    """The ids of the rows rejected as duplicates."""
    if not len(rejects) or "reason_code" not in rejects.columns:
        return pd.Series([], dtype="string")
    return rejects.loc[rejects["reason_code"] == "duplicate_id", "value"]


def load_dossiers_by_part(
    path: str | Path,
    consume: Callable[[LoadResult], None],
    *,
    part_rows: int | None = None,
    strict: bool = False,
    keep_unknown: bool = False,
    columns: Iterable[str] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    known_ids: KnownIds | Iterable[str] | None = None,
    officer_names: bool = False,
    vocabulary: str | Path | Iterable[str | Path] | Vocabulary | None = None,
    month_first_cells: bool = False,
    **options: object,
) -> LoadResult:
    """Load a dossier file part by part, so that memory is bounded by a part rather than by the file.

    A Parquet file is read ``part_rows`` rows at a time, only the columns needed (see ``columns``), a CSV file of
    at least :data:`~.csv_stream.STREAM_MIN_BYTES` block by block (:mod:`.csv_stream`), while two worker threads
    check, convert and consume the parts already read; a smaller CSV file or an Excel file is one part. Counts are
    additive, so a caller that counts each part and adds the counts up gets the counts of the whole file.

    Parameters
    ----------
    path : str or Path
        A dossier file, as for :func:`load_dossiers`.
    consume : callable
        Called with each part, a :class:`LoadResult` of the part's rows (row numbers are the file's; its
        ``sha256`` is empty: the file's is in the returned result). Parts of a Parquet file are built by two
        worker threads and may come in any order; ``consume`` is called from those threads, one call at a time.
        With ``known_ids`` or ``strict`` they come one at a time, in file order.
    part_rows : int, optional
        Rows per part of a Parquet file (default :data:`PARQUET_PART_ROWS`).
    known_ids : KnownIds or iterable of str, optional
        As for :func:`load_dossiers`; a :class:`~cchc_analysis.dossier_ids.KnownIds` is updated part after part,
        so ids repeated across parts are rejected too. Without it, each part is checked for repeated ids on its
        own, and the caller checks across parts with the parts' ``id_hashes`` (as :mod:`cchc_analysis.kpis`
        does: one sort of all the hashes shows there is no repeat, the usual case).
    strict, keep_unknown, columns, progress, officer_names, vocabulary, month_first_cells, **options
        As for :func:`load_dossiers` (``sheet``, ``delimiter``, ``encoding`` for CSV and Excel files).

    Returns
    -------
    LoadResult
        The whole file: accounting, rejected and excluded rows, ``id_hashes`` of all loaded rows, SHA-256; its
        ``dossiers`` frame is empty (the rows went to ``consume``).
    """
    from dataclasses import replace

    path = Path(path)
    words = load_vocabulary(path, vocabulary)
    common = {
        "vocabulary": words,
        "strict": strict,
        "keep_unknown": keep_unknown,
        "columns": columns,
        "progress": progress,
        "officer_names": officer_names,
        "month_first_cells": month_first_cells,
    }
    suffix = path.suffix.lower()
    streamed = suffix in CSV_EXTENSIONS and _streamed(path)
    if streamed:
        try:
            with using_headers(words.headers):
                return _load_parts(path, consume, part_rows, known_ids, csv_options=options, **common)  # type: ignore[arg-type]
        except csv_stream._NeedExact:
            pass  # a header zone longer than the head read: the whole file at once, below
    if suffix not in PARQUET_EXTENSIONS or not path.is_file() or path.stat().st_size == 0:
        whole = load_dossiers(path, known_ids=known_ids, **common, **options)  # type: ignore[arg-type]
        consume(whole)
        return replace(whole, dossiers=whole.dossiers.iloc[0:0].copy())  # a copy: a slice would keep the rows
    with using_headers(words.headers):
        return _load_parts(path, consume, part_rows, known_ids, **common)  # type: ignore[arg-type]


def _streamed(path: Path) -> bool:
    """A CSV file large enough to be read block by block (:mod:`.csv_stream`)."""
    try:
        return path.is_file() and path.stat().st_size >= csv_stream.STREAM_MIN_BYTES
    except OSError:
        return False


def _load_csv_streamed(
    path: Path, known_ids: KnownIds | Iterable[str] | None, csv_options: dict, **common: object
) -> LoadResult:
    """:func:`load_dossiers` for a large CSV file: its parts built one after the other and concatenated, so that
    memory holds the frame, not the file's text.

    Without ``known_ids``, ids repeated across parts are found from the parts' id hashes (one sort); when some
    repeat (rare), the file is read again with those ids tracked exactly, as :mod:`cchc_analysis.kpis` does.
    """
    from dataclasses import replace

    def read(known: KnownIds | Iterable[str] | None) -> tuple[LoadResult, list[pd.DataFrame]]:
        frames: list[pd.DataFrame] = []
        result = _load_parts(
            path,
            lambda part: frames.append(part.dossiers),
            None,
            known,
            csv_options=csv_options,
            in_order=True,
            **common,  # type: ignore[arg-type]
        )
        return result, frames

    result, frames = read(known_ids)
    if known_ids is None and len(frames) > 1:
        hashes = np.sort(result.id_hashes)
        repeated = np.unique(hashes[1:][hashes[1:] == hashes[:-1]])
        if len(repeated):
            frames.clear()
            result, frames = read(KnownIds(candidates=repeated))
    dossiers = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frames.clear()
    progress = common.get("progress")
    if progress is not None:
        progress(result.accounting.read, result.accounting.read)
    return replace(result, dossiers=dossiers)  # its unit named by _load_parts, from the same rows


def _load_parts(
    path: Path,
    consume: Callable[[LoadResult], None],
    part_rows: int | None,
    known_ids: KnownIds | Iterable[str] | None,
    *,
    strict: bool,
    keep_unknown: bool,
    columns: Iterable[str] | None,
    progress: Callable[[int, int | None], None] | None,
    officer_names: bool,
    vocabulary: Vocabulary,
    month_first_cells: bool = False,
    csv_options: dict | None = None,
    in_order: bool = False,
) -> LoadResult:
    """:func:`load_dossiers_by_part` for a Parquet file, or a CSV file read block by block when ``csv_options``
    (``delimiter``, ``encoding``, ``unit``) is given (headers are classified by the caller's vocabulary).
    ``in_order``: ``consume`` is called in file order (from this thread), whatever order the parts are built in."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    wanted = _check_columns(columns)
    known = known_ids if known_ids is None or isinstance(known_ids, KnownIds) else KnownIds(known_ids)
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as e:
        raise InputError(
            f"Không đọc được tệp: {e.strerror or e}", f"Cannot read the file: {e.strerror or e}", file=path
        ) from None
    # Parts are read here, one after the other, and built (checked, converted) and consumed by workers: two at a
    # time, so that both cores of a laptop work, in any order — or one at a time, in file order, when the order
    # matters (ids tracked across parts, or strict mode stopping at the first rejected row).
    workers = 1 if known is not None or strict else PARQUET_WORKERS
    lock = threading.Lock()
    units: set[str] = (
        set()
    )  # the unit column's texts over all parts (unit_texts: enough to tell one from several)
    stream = None
    if csv_options is not None:
        stream, csv_parts = csv_stream.stream_raw_parts(
            path, delimiter=csv_options.get("delimiter"), encoding=csv_options.get("encoding")
        )
        stream.skip_unused(wanted, keep_unknown)

    def build(make_raw: Callable[[], _RawTable]) -> LoadResult:
        raw = make_raw()
        dossiers, part_rejects, part_excluded, part_accounting, header_map, dropped, part_hashes, stated = (
            _build(
                raw,
                path=path,
                wanted=wanted,
                keep_unknown=keep_unknown,
                strict=strict,
                known_ids=known,
                officer_names=officer_names,
                vocabulary=vocabulary,
                month_first_cells=month_first_cells,
            )
        )
        part = LoadResult(
            dossiers=dossiers,
            rejects=part_rejects,
            excluded=part_excluded,
            accounting=part_accounting,
            source=path,
            sha256="",
            synthetic=raw.synthetic_meta or _mentions_synthetic([*raw.title_lines, path.name]),
            header_map=header_map,
            dropped_columns=dropped,
            title_lines=list(raw.title_lines),
            id_hashes=part_hashes,
            stated_total=stated,
        )
        if "unit" in dossiers.columns:
            seen = unit_texts(dossiers["unit"])
            with lock:
                units.update(seen)
        if in_order:
            return part  # consumed by the reading loop, in file order
        with lock:
            consume(part)
        result = replace(part, dossiers=dossiers.iloc[0:0].copy())  # rows went to consume; a slice keeps them
        del raw, part, dossiers
        pa.default_memory_pool().release_unused()  # give the part's Arrow memory back, not only to the pool
        return result

    def take(part: LoadResult) -> LoadResult:
        if not in_order:
            return part
        consume(part)
        return replace(part, dossiers=part.dossiers.iloc[0:0].copy())

    parts: list[LoadResult] = []
    done = 0
    with ThreadPoolExecutor(max_workers=1) as hasher, ThreadPoolExecutor(max_workers=workers) as pool:
        sha = hasher.submit(_sha256, path)  # hashing the bytes overlaps the reading
        pending: deque = deque()
        try:
            rows_per_part = part_rows or PARQUET_PART_ROWS
            if stream is not None:
                source = csv_parts
            else:
                source = _parquet_parts(path, head, wanted, keep_unknown, rows_per_part)
            for make_raw, rows, total in source:
                while len(pending) >= workers:  # at most ``workers`` parts in memory besides this one
                    parts.append(take(pending.popleft().result()))
                pending.append(pool.submit(build, make_raw))
                done += rows
                if progress is not None:
                    progress(done, total)
            while pending:
                parts.append(take(pending.popleft().result()))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        digest = sha.result()
    rejects = _concat_records([r.rejects for r in parts])
    excluded = _concat_records([r.excluded for r in parts])
    accounting = sum((r.accounting for r in parts), RowAccounting(0, 0, 0, 0))
    result = replace(
        parts[0],
        rejects=rejects,
        notes=[
            *unknown_values_note(rejects, parts[0].header_map),
            # the parts' rows went to consume: only the ids rejected as duplicates are left to look at
            *rounded_ids_note(pd.Series([], dtype="string"), _duplicate_values(rejects)),
        ],
        excluded=excluded,
        accounting=accounting,
        sha256=digest,
        id_hashes=np.concatenate([r.id_hashes for r in parts]) if len(parts) > 1 else parts[0].id_hashes,
    )
    if stream is None:
        return result
    stated_total = next((r.stated_total for r in reversed(parts) if r.stated_total is not None), None)
    title_lines = list(stream.head.title_lines)
    name = unit_name_of_texts(units, title_lines, csv_options.get("unit") if csv_options else None)
    return replace(
        result,
        notes=[
            *stated_total_notes(stated_total, accounting, excluded),
            *result.notes,
            *stream.notes,
        ],
        stated_total=stated_total,
        as_of=_title_as_of(title_lines),
        unit_name=name,
        synthetic=any(r.synthetic for r in parts),
    )


def _concat_records(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Reject or exclusion records of the parts of a file, in row order."""
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True).sort_values("row", kind="stable", ignore_index=True)


def received_span_hint(
    path: str | Path, column: str = "received_at"
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """Earliest and latest ``received_at`` (or another date ``column``) of a Parquet file, cheaply: from its
    statistics, or that one column.

    A hint, not a result: it includes rows that loading may reject or exclude. None for other formats, for a
    ``received_at`` not stored as naive timestamps or dates, or when the file cannot be read (loading it will
    say why).
    """
    import pyarrow.parquet as pq

    path = Path(path)
    if path.suffix.lower() not in PARQUET_EXTENSIONS:
        return None
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        headers = [unicodedata.normalize("NFC", str(n)).strip() for n in names]
        index = _plan_headers(headers, path, check_duplicates=False).canonical.get(column)
        if index is None:
            return None
        kind = parquet.schema_arrow.field(index).type
        if not (pa.types.is_date(kind) or (pa.types.is_timestamp(kind) and kind.tz is None)):
            return None
        meta = parquet.metadata
        leaf = next((j for j in range(meta.num_columns) if meta.schema.column(j).path == names[index]), None)
        lows, highs = [], []
        for r in range(meta.num_row_groups):
            column = meta.row_group(r).column(leaf) if leaf is not None else None
            stats = column.statistics if column is not None else None
            if stats is None or not stats.has_min_max or not isinstance(stats.min, (date, datetime)):
                lows = highs = None  # no usable statistics: read the column
                break
            lows.append(stats.min)
            highs.append(stats.max)
        if lows is None:
            bounds = pc.min_max(parquet.read(columns=[names[index]]).column(0)).as_py()
            lows, highs = [bounds["min"]], [bounds["max"]]
        lows = [v for v in lows if v is not None]
        highs = [v for v in highs if v is not None]
        if not lows or not highs:
            return None
        return pd.Timestamp(min(lows)), pd.Timestamp(max(highs))
    except Exception:
        return None
