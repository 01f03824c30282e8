"""Reading Parquet files by column and in parts (row batches), typed values kept as they are."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cchc_analysis import schema
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import limits
from cchc_analysis.loaders.headers import _missing_required_error, _Plan, _plan_headers
from cchc_analysis.loaders.sniffing import PARQUET_EXTENSIONS, _RawTable, _sniff, _wrong_kind

#: Rows per part when a Parquet file is loaded part by part (:func:`load_dossiers_by_part`): memory is bounded by
#: a few parts, not by the file.
PARQUET_PART_ROWS = 1 << 19


#: Parts built at the same time (threads: numpy and Arrow work without holding the GIL).
PARQUET_WORKERS = 2


@dataclass
class _ParquetSource:
    file: object  # pyarrow.parquet.ParquetFile
    plan: _Plan
    names: list[str]  # the columns read, in file order
    positions: list[int]  # their positions in ``plan.headers``
    synthetic: bool


def _open_parquet(
    path: Path,
    data_head: bytes,
    wanted: set[str] | None,
    keep_unknown: bool,
    rows_per_read: int | None = None,
) -> _ParquetSource:
    """The Parquet file, its header plan and the columns to read (only those needed: the others are skipped).

    ``rows_per_read``: the rows decoded at a time (None: the whole file), for the memory limits (:mod:`.limits`).
    """
    import pyarrow.parquet as pq

    kind = _sniff(data_head)
    if kind != "parquet":
        raise _wrong_kind(path, kind)
    limits.check_parquet_footer(path)
    try:
        parquet = pq.ParquetFile(path, pre_buffer=False)  # read a part's pages as needed, not all at once
        schema_arrow = parquet.schema_arrow
    except Exception as e:
        raise InputError(
            "Không đọc được tệp Parquet (tệp hỏng hoặc không đầy đủ)",
            f"Cannot read the Parquet file: damaged or truncated ({type(e).__name__}: {e})",
            file=path,
        ) from None
    headers = [unicodedata.normalize("NFC", str(n)).strip() for n in schema_arrow.names]
    plan = _plan_headers(headers, path)
    if not plan.is_complete():
        raise _missing_required_error(plan, path, None)
    metadata = schema_arrow.metadata or {}
    synthetic = metadata.get(b"cchc_synthetic", b"").strip().lower() in (b"true", b"1", b"yes")
    needed = _needed_columns(set(plan.canonical), wanted)
    positions = sorted(
        [i for c, i in plan.canonical.items() if c in needed] + (plan.unknown if keep_unknown else [])
    )
    names = [schema_arrow.names[i] for i in positions]
    try:
        limits.check_parquet_columns(path, parquet, names, rows_per_read)
    except InputError:
        raise
    except Exception as e:  # Arrow's own errors while measuring: a damaged file
        raise _parquet_data_error(path, e) from None
    return _ParquetSource(parquet, plan, names, positions, synthetic)


def _parquet_data_error(path: Path, e: Exception) -> InputError:
    return InputError(
        "Không đọc được dữ liệu trong tệp Parquet",
        f"Cannot read the Parquet data ({type(e).__name__}: {e})",
        file=path,
    )


def _parquet_raw(
    source: _ParquetSource, columns: list[pa.Array | pa.ChunkedArray], first_row: int
) -> _RawTable:
    n = len(columns[0]) if columns else 0
    raw: list[pd.Series | None] = [None] * len(source.plan.headers)  # columns not read stay None
    for i, column in zip(source.positions, columns, strict=True):
        raw[i] = _arrow_to_series(column)
    return _RawTable(
        source.plan,
        raw,
        np.arange(first_row, first_row + n, dtype=np.int64),
        [],
        synthetic_meta=source.synthetic,
    )


def _read_parquet(path: Path, data_head: bytes, wanted: set[str] | None, keep_unknown: bool) -> _RawTable:
    source = _open_parquet(path, data_head, wanted, keep_unknown)
    try:
        table = source.file.read(columns=source.names, use_threads=True)
    except Exception as e:
        raise _parquet_data_error(path, e) from None
    return _parquet_raw(source, table.columns, 1)


def _parquet_parts(
    path: Path, data_head: bytes, wanted: set[str] | None, keep_unknown: bool, part_rows: int
) -> Iterator[tuple[Callable[[], _RawTable], int, int]]:
    """The file in parts of at most ``part_rows`` rows: (the part's table, to make; its rows; the file's rows).

    Only Arrow's decoding happens here; the part's table is made by whoever calls the first item (a worker), so
    that this loop rarely needs the GIL.
    """
    from functools import partial

    source = _open_parquet(path, data_head, wanted, keep_unknown, part_rows)
    total = source.file.metadata.num_rows
    first_row = 1
    try:
        batches = source.file.iter_batches(batch_size=part_rows, columns=source.names, use_threads=True)
        for batch in batches:
            yield partial(_parquet_raw, source, batch.columns, first_row), batch.num_rows, total
            first_row += batch.num_rows
    except InputError:
        raise
    except Exception as e:  # Arrow's own errors: a damaged file
        raise _parquet_data_error(path, e) from None
    if first_row == 1:  # no row at all: one empty part
        empty = source.file.schema_arrow.empty_table().select(source.names)
        yield partial(_parquet_raw, source, empty.columns, 1), 0, total


#: Arrow types read as pandas nullable arrays (not object or float columns) so they convert without a text step.
_NULLABLE_PANDAS: dict[pa.DataType, object] = {
    pa.bool_(): pd.BooleanDtype(),
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
}


def _arrow_to_pandas_array(column: pa.Array) -> object | None:
    """Booleans, integers and dictionaries of distinct strings as pandas arrays, from their Arrow buffers."""
    kind = column.type
    missing = np.zeros(len(column), dtype=bool)
    if column.null_count:
        missing = column.is_null().to_numpy(zero_copy_only=False)

    def filled(values: pa.Array, blank: object) -> np.ndarray:
        return (pc.fill_null(values, blank) if values.null_count else values).to_numpy(zero_copy_only=False)

    if pa.types.is_boolean(kind):
        return pd.arrays.BooleanArray(filled(column, False), missing)
    if pa.types.is_integer(kind) and kind in _NULLABLE_PANDAS:
        return pd.arrays.IntegerArray(filled(column, 0), missing)
    if pa.types.is_dictionary(kind) and (
        pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
    ):
        categories = column.dictionary.to_pylist()
        if None in categories or len(set(categories)) != len(categories):
            return None
        codes = filled(column.indices, -1)
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))
    return None


def _arrow_to_series(column: pa.Array | pa.ChunkedArray) -> pd.Series:
    """An Arrow column as a Series without a text step: strings stay Arrow strings (not copied), dictionaries
    become categoricals, booleans and integers nullable arrays, timestamps datetime64."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pd.Series(pd.arrays.ArrowStringArray(column))
    if isinstance(column, pa.ChunkedArray) and not pa.types.is_dictionary(column.type):
        column = column.combine_chunks()  # (dictionaries may differ from chunk to chunk: pandas unifies them)
    elif isinstance(column, pa.ChunkedArray) and column.num_chunks == 1:
        column = column.chunk(0)
    if isinstance(column, pa.Array):  # convert the common types directly (no generic conversion)
        fast = _arrow_to_pandas_array(column)
        if fast is not None:
            return pd.Series(fast, copy=False)
    if pa.types.is_dictionary(column.type) and not (
        pa.types.is_string(column.type.value_type) or pa.types.is_large_string(column.type.value_type)
    ):
        column = column.cast(column.type.value_type)
    return column.to_pandas(types_mapper=_NULLABLE_PANDAS.get)


def _needed_columns(present: set[str], wanted: set[str] | None) -> set[str]:
    if wanted is None:
        return set(present)
    needed = set(wanted) | set(schema.REQUIRED_COLUMNS) | {"status"}
    if "resolved_at" in needed and "resolved_at" not in present:
        needed.add("returned_at")
    if "channel" in needed:
        needed.add("online_level")
    return needed & present


def unrejecting_columns(path: str | Path, candidates: Iterable[str]) -> set[str]:
    """The canonical columns among ``candidates`` that cannot get a row of the Parquet file ``path`` rejected.

    A column typed boolean can hold nothing wrong (a blank is unknown, not an error); a date column typed as naive
    timestamps holds no unreadable date, and no date outside 01/01/1990–31/12/2060 when the statistics of
    every row group say so. A caller that needs such a column only for its checks may leave it unread: the row
    accounting is the same.

    Parameters
    ----------
    path : str or Path
        A dossier file; only Parquet files are looked at.
    candidates : iterable of str
        Canonical column names to consider.

    Returns
    -------
    set of str
        The candidates present in the file that cannot reject a row. Empty for other formats, other types,
        missing statistics or a file that cannot be opened (reading it will say why).
    """
    import pyarrow.parquet as pq

    from cchc_analysis.loaders.dates import DATE_DTYPE, DATE_MAX, DATE_MIN

    path = Path(path)
    if path.suffix.lower() not in PARQUET_EXTENSIONS:
        return set()
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        headers = [unicodedata.normalize("NFC", str(n)).strip() for n in names]
        canonical = _plan_headers(headers, path, check_duplicates=False).canonical
        meta = parquet.metadata
        leaves = {meta.schema.column(j).path: j for j in range(meta.num_columns)}
        found = set()
        for name in candidates:
            index = canonical.get(name)
            if index is None:
                continue
            kind = parquet.schema_arrow.field(index).type
            if pa.types.is_boolean(kind):
                found.add(name)
                continue
            if name not in schema.DATE_COLUMNS or not (pa.types.is_timestamp(kind) and kind.tz is None):
                continue
            leaf = leaves.get(names[index])
            if leaf is None:
                continue
            within = True
            for r in range(meta.num_row_groups):
                chunk = meta.row_group(r).column(leaf)
                stats = chunk.statistics
                if stats is not None and stats.has_null_count and stats.null_count == chunk.num_values:
                    continue  # blanks only
                if stats is None or not stats.has_min_max:
                    within = False
                    break
                low, high = (
                    np.datetime64(pd.Timestamp(v).to_datetime64()).astype(DATE_DTYPE)
                    for v in (stats.min, stats.max)
                )
                if not (low >= DATE_MIN and high <= DATE_MAX):
                    within = False
                    break
            if within:
                found.add(name)
        return found
    except Exception:
        return set()
