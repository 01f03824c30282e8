"""Cleaning raw cell text: NFC, blanks, invisible characters, runs of spaces; distinct values of a column."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cchc_analysis.dossier_ids import string_buffers
from cchc_analysis.privacy import mask_personal_array
from cchc_analysis.text import fold, header_key  # noqa: F401  (re-exported)


def _cell_text(value: object) -> str | None:
    """Text of one raw cell (None for an empty cell); integral floats lose their ``.0``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if value != value:
            return None
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, (datetime, date)):  # from the fields: a Timestamp past year 9999 has no strftime
        day = f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
        if isinstance(value, datetime) and (value.hour or value.minute or value.second):
            return f"{day} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"
        return day
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else _cell_text(pd.Timestamp(value).to_pydatetime())
    return str(value)


#: Removed from text: zero-width characters, and control characters (NUL, ^Z …), which no spreadsheet can hold.
_ZERO_WIDTH = "[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0e-\x1f\x7f]"


_SPACE_RUNS = "[\\s\u00a0\u2007\u202f\u3000]+"


_SPACE_RUNS_NEEDING_WORK = "[\\t\\n\\r\\f\\v\u00a0\u2007\u202f\u3000]|  "


def _is_text(raw: pd.Series) -> bool:
    """The values are strings (or missing) only."""
    if isinstance(raw.dtype, pd.StringDtype):
        return True
    return raw.dtype == np.dtype(object) and pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty")


def _to_arrow_text(raw: pd.Series) -> pa.Array:
    """Raw values as an Arrow string array (not cleaned yet); typed columns are cast without a Python loop."""
    dtype = raw.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        arr = pa.array(raw.array)  # the Arrow strings themselves, not copied
    elif _is_text(raw):
        arr = pa.array(raw, type=pa.string(), from_pandas=True)
    elif isinstance(dtype, pd.CategoricalDtype):
        categories = _to_arrow_text(pd.Series(dtype.categories))
        codes = pa.array(raw.cat.codes.to_numpy(), mask=raw.cat.codes.to_numpy() < 0)
        arr = pc.take(categories, codes)
    elif pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
        arr = pc.cast(pa.array(raw, from_pandas=True), pa.string())
    elif pd.api.types.is_float_dtype(dtype):
        arr = pc.cast(pa.array(raw, type=pa.float64(), from_pandas=True), pa.string())
    else:
        arr = pa.array([_cell_text(v) for v in raw.tolist()], type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


def _is_plain_ascii(arr: pa.Array) -> bool:
    """Printable ASCII only, no space at either end or twice in a row: cleaning would leave every value as is.

    Checked on the bytes with numpy (dossier codes usually pass), which spares the Unicode work on millions of ids.
    """
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return False
    offsets, data = string_buffers(arr)
    body = data[int(offsets[0]) : int(offsets[-1])]
    if body.size == 0:
        return True
    if body.min() < 0x20 or body.max() > 0x7E:
        return False
    space = body == 0x20
    if not space.any():
        return True
    starts, ends = offsets[:-1] - offsets[0], offsets[1:] - offsets[0]
    filled = ends > starts
    return not (
        space[starts[filled]].any() or space[ends[filled] - 1].any() or (space[1:] & space[:-1]).any()
    )


def _blank_as_null(arr: pa.Array) -> pa.Array:
    offsets, _ = string_buffers(arr)
    empty = offsets[1:] == offsets[:-1]
    if not empty.any():
        return arr
    return pc.if_else(pa.array(empty), pa.scalar(None, arr.type), arr)


def _clean_strings(arr: pa.Array) -> pa.Array:
    if _is_plain_ascii(arr):
        return _blank_as_null(arr)
    arr = pc.utf8_normalize(arr, "NFC")
    if pc.any(pc.match_substring_regex(arr, _ZERO_WIDTH)).as_py():
        arr = pc.replace_substring_regex(arr, _ZERO_WIDTH, "")
    if pc.any(pc.match_substring_regex(arr, _SPACE_RUNS_NEEDING_WORK)).as_py():
        arr = pc.replace_substring_regex(arr, _SPACE_RUNS, " ")
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def _clean_text(raw: pd.Series) -> pa.Array:
    """NFC, zero-width characters removed, runs of spaces → one space, trimmed; blank → null.

    Columns with few distinct values are cleaned through their dictionary of distinct values.
    """
    arr = _to_arrow_text(raw)
    if len(arr) == 0:
        return arr
    if _is_plain_ascii(arr):
        return _blank_as_null(arr)
    probe = arr.slice(0, 20_000)
    if len(arr) > 1000 and pc.count_distinct(probe).as_py() < len(probe) // 4:
        encoded = arr.dictionary_encode()
        return pc.take(_clean_strings(encoded.dictionary), encoded.indices)
    return _clean_strings(arr)


def _blank_mask(raw: pd.Series) -> np.ndarray:
    if _is_text(raw):
        arr = _to_arrow_text(raw)
        if len(arr) == 0:
            return np.zeros(0, dtype=bool)
        if _is_plain_ascii(arr):
            offsets, _ = string_buffers(arr)
            return (offsets[1:] == offsets[:-1]) | arr.is_null().to_numpy(zero_copy_only=False)
        trimmed = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, _ZERO_WIDTH, ""))
        return pc.fill_null(pc.equal(pc.utf8_length(trimmed), 0), True).to_numpy(zero_copy_only=False)
    if raw.dtype == np.dtype(object):
        return np.fromiter(
            (_cell_text(v) is None or not _cell_text(v).strip() for v in raw.tolist()),
            dtype=bool,
            count=len(raw),
        )
    return raw.isna().to_numpy(dtype=bool)


def _dictionary(text: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 for null) into the list of distinct values of a string array."""
    encoded = text.dictionary_encode()
    indices = encoded.indices  # unsigned in some Parquet files: widened before -1 can stand for null
    codes = pc.fill_null(indices.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
    return codes, encoded.dictionary.to_pylist()


def _distinct_values(raw: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 for blank) into the cleaned distinct texts of a raw column.

    Categorical (Parquet dictionary), integer and boolean columns go through their few distinct values: no text
    is made per row. The texts are what the cells would read as (``4``, ``True``), so values map as from CSV.
    """
    dtype = raw.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes, values = _dictionary(_clean_text(pd.Series(dtype.categories)))
        if values == list(dtype.categories):  # clean already: the codes are the categorical's own
            return raw.cat.codes.to_numpy(), values
        return np.append(codes, -1)[raw.cat.codes.to_numpy()], values
    if pd.api.types.is_bool_dtype(dtype):
        codes = raw.to_numpy(dtype=np.int64, na_value=-1)
        return codes, ["False", "True"]
    if pd.api.types.is_integer_dtype(dtype):
        numbers = raw.to_numpy(dtype=np.int64, na_value=np.iinfo(np.int64).min)
        blank = numbers == np.iinfo(np.int64).min
        filled = numbers[~blank]
        if len(filled) and int(filled.max()) - int(filled.min()) < 65_536:  # e.g. status codes: look up
            low = int(filled.min())
            present = np.flatnonzero(np.bincount(filled - low))
            table = np.full(int(present[-1]) + 1, -1, dtype=np.int64)
            table[present] = np.arange(len(present))
            codes = np.where(blank, -1, table[np.where(blank, low, numbers) - low])
            return codes, [str(int(v) + low) for v in present]
        codes, uniques = pd.factorize(raw)  # NA → -1
        return codes.astype(np.int64, copy=False), [_cell_text(v) for v in uniques]
    return _dictionary(_clean_text(raw))


def _text_categorical(raw: pd.Series) -> pd.Categorical:
    """A text column stored as categories (a Parquet dictionary), cleaned and masked once per category."""
    codes, values = _dictionary(mask_personal_array(_clean_text(pd.Series(raw.cat.categories))))
    if values == list(raw.cat.categories):  # clean already: the column as it is
        return raw.array
    return pd.Categorical.from_codes(np.append(codes, -1)[raw.cat.codes.to_numpy()], categories=values)
