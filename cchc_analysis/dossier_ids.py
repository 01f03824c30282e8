"""Dossier ids across files and parts: 64-bit hashes, repeats, and the ids already loaded.

A dossier id may appear once only (SPEC §2): later occurrences are rejected as duplicates, across the files of a
folder and the parts of a large file too. Comparing millions of id strings is what costs time and memory, so:

- :func:`id_hashes` turns an Arrow string array into 64-bit hashes with a few numpy passes over its bytes (no
  Python string is made); :func:`repeated_positions` finds the hashes that occur more than once with one sort.
  Equal ids have equal hashes, so "no repeated hash" proves "no duplicate". A repeated hash is only a
  *candidate*: the loaders then compare the id strings themselves, so two different ids never count as one.
- :func:`id_keys` gives the form ids are compared in (NFKC, look-alike letters made Latin, case folded:
  ``ＨＳ－００１`` and ``hs-001`` are the same dossier); the loaders hash and compare keys, and show the ids.
- :class:`KnownIds` holds ids already loaded, exactly (the string, and the file and row of its first
  occurrence). Given ``candidates`` (the hashes found repeated by a first pass) it keeps and looks up only those
  ids, so it stays small however many dossiers there are.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_SEED = np.uint64(0x9E3779B97F4A7C15)
_MULTIPLIER = np.uint64(0xFF51AFD7ED558CCD)
_FINAL = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT = np.uint64(33)
#: Values hashed at a time: their words fit the CPU cache.
_BLOCK_ROWS = 1 << 16


def _mix(h: np.ndarray, scratch: np.ndarray) -> None:
    """The murmur3 64-bit finaliser, in place: every input bit flips each output bit with probability about ½."""
    for multiplier in (_MULTIPLIER, _FINAL):
        np.right_shift(h, _SHIFT, out=scratch)
        h ^= scratch
        h *= multiplier
    np.right_shift(h, _SHIFT, out=scratch)
    h ^= scratch


#: Look-alike letters of ids (Cyrillic and Greek letters that look Latin, dashes that look like ``-``), from
#: Unicode's confusables.txt; see the file's ``source`` column.
CONFUSABLES_CSV = Path(__file__).resolve().parent / "reference" / "id_confusables.csv"


@lru_cache(maxsize=1)
def _confusables() -> dict[int, str]:
    with open(CONFUSABLES_CSV, encoding="utf-8", newline="") as fh:
        return {ord(row["char"]): row["latin"] for row in csv.DictReader(fh)}


def id_key(value: str) -> str:
    """The form ids are compared in: NFKC, look-alike letters made Latin, case folded.

    ``ＨＳ－００１`` (full width), ``НЅ-001`` (Cyrillic Н and Ѕ) and ``hs-001`` all compare as ``hs-001``; the id
    shown stays the one in the file.

    Examples
    --------
    >>> id_key("ＨＳ－００１"), id_key("НЅ-001"), id_key("HS-001")
    ('hs-001', 'hs-001', 'hs-001')
    """
    if value.isascii():
        return value.lower()
    text = unicodedata.normalize("NFKC", value).translate(_confusables())
    return unicodedata.normalize("NFKC", text.casefold())


def id_keys(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """:func:`id_key` of each id (nulls stay null): vectorised lower case for ASCII ids, the rest one by one.

    Exports hold ASCII ids, so this costs two byte-wise passes of Arrow (``string_is_ascii``, ``ascii_lower``:
    about 45 ms per million ids); only non-ASCII ids (rare) are normalised in Python.
    """
    ascii_ = pc.fill_null(pc.string_is_ascii(values), True)
    lowered = pc.ascii_lower(values)  # byte-wise: a tenth of the cost of utf8_lower
    if pc.all(ascii_).as_py() is not False:
        return lowered
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
        lowered = lowered.combine_chunks()
        ascii_ = ascii_.combine_chunks()
    positions = np.flatnonzero(~ascii_.to_numpy(zero_copy_only=False))
    keys = [id_key(v) for v in values.take(pa.array(positions)).to_pylist()]
    out = lowered.to_pylist()
    for position, key in zip(positions, keys, strict=True):
        out[position] = key
    return pa.array(out, type=values.type)


def string_buffers(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (int64, one more than the values) and UTF-8 bytes of a string or large-string array, not copied.

    ``bytes[offsets[i]:offsets[i + 1]]`` is value ``i`` (empty for a null).
    """
    if len(values) == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    _, offsets_buffer, data_buffer = values.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=width)[values.offset : values.offset + len(values) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    return offsets.astype(np.int64, copy=False), data


def _hash_block(block: np.ndarray, count: int, length: int) -> np.ndarray:
    """Hashes of ``count`` values of ``length`` bytes each, stored back to back in the uint8 array ``block``."""
    h = np.full(count, (int(_SEED) * (length + 1)) & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    if length == 0:
        return h
    if length < 8:  # a short value: zero-padded to one word
        padded = np.zeros((count, 8), dtype=np.uint8)
        padded[:, :length] = block.reshape(count, length)
        words = [padded.view(np.uint64)[:, 0]]
    else:  # 8-byte words; the last one ends at the value's end (it may overlap the one before)
        starts = list(range(0, length - 7, 8)) + ([length - 8] if length % 8 else [])
        layout = np.dtype(
            {
                "names": [f"w{i}" for i in range(len(starts))],
                "formats": ["<u8"] * len(starts),
                "offsets": starts,
                "itemsize": length,
            }
        )
        records = np.ascontiguousarray(block).view(layout)
        words = [records[name] for name in layout.names]
    scratch = np.empty(count, dtype=np.uint64)
    for i, word in enumerate(words):
        if i:  # mix fully before the next word: a difference in any earlier byte reaches every bit
            _mix(h, scratch)
        h ^= word.astype(np.uint64)  # a contiguous copy of the word: fast to work on
    return h


def id_hashes(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """64-bit hashes of the UTF-8 bytes of each string (nulls hash like the empty string).

    Vectorised: the bytes are read eight at a time for all values of one length at once (exports hold ids of a
    handful of lengths, often one). Equal strings have equal hashes; the converse is checked by the callers, so
    the hash decides speed only (few false repeats), never a result.

    Examples
    --------
    >>> h = id_hashes(pa.array(["HS-001", "HS-002", "HS-001"]))
    >>> bool(h[0] == h[2]), bool(h[0] == h[1])
    (True, False)
    """
    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks == 0:
            return np.zeros(0, dtype=np.uint64)
        return np.concatenate([id_hashes(chunk) for chunk in values.chunks])
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    offsets, data = string_buffers(values)
    lengths = np.diff(offsets)
    by_length = np.bincount(lengths)
    if by_length[-1] == n:  # one length (the usual case): the values are back to back
        length, first = len(by_length) - 1, int(offsets[0])
        hashes = np.empty(n, dtype=np.uint64)
        for lo in range(0, n, _BLOCK_ROWS):  # blocks small enough for the CPU cache: twice as fast
            count = min(_BLOCK_ROWS, n - lo)
            start = first + lo * length
            hashes[lo : lo + count] = _hash_block(data[start : start + count * length], count, length)
        return hashes
    hashes = np.empty(n, dtype=np.uint64)
    for length in (int(x) for x in np.flatnonzero(by_length)):
        rows = np.flatnonzero(lengths == length)
        block = data[(offsets[rows][:, None] + np.arange(length)).ravel()] if length else data[:0]
        hashes[rows] = _hash_block(block, len(rows), length)
    return hashes


def repeated_positions(hashes: np.ndarray) -> np.ndarray:
    """Positions of the hashes that occur more than once (every occurrence), in order; usually empty.

    Examples
    --------
    >>> repeated_positions(np.array([5, 7, 5, 9], dtype=np.uint64)).tolist()
    [0, 2]
    """
    if len(hashes) < 2:
        return np.zeros(0, dtype=np.int64)
    ordered = np.sort(hashes)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(_isin_sorted(hashes, np.unique(ordered[1:][same])))


def _isin_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``values`` in ``sorted_set`` (sorted, unique), by binary search: fast when the set is small."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    where = np.searchsorted(sorted_set, values)
    where[where == len(sorted_set)] = 0
    return sorted_set[where] == values


class KnownIds:
    """Dossier ids already loaded from earlier files of a folder, or earlier parts of a large file.

    ``load_dossiers(..., known_ids=known)`` rejects a row whose id is in ``known`` as a duplicate, then adds
    the ids it loads to ``known``: loading files (or parts) one after the other with the same object equals
    loading their concatenation. Ids are compared by :func:`id_key` (``hashes`` given to ``find`` and ``add``
    are those of the keys, as the loaders make them); the file and row of the first occurrence are kept
    for the reject's reason.

    Parameters
    ----------
    ids : iterable of str, optional
        Ids known from elsewhere (no file or row).
    candidates : array of uint64, optional
        :func:`id_hashes` of the only ids that can repeat (found by a pass over the hashes of all files). Other
        ids are neither kept nor looked up, so memory stays small for millions of dossiers. Without it every id
        is kept.

    Examples
    --------
    >>> known = KnownIds(["HS-001"])
    >>> "HS-001" in known, len(known)
    (True, 1)
    """

    def __init__(self, ids: Iterable[object] = (), *, candidates: np.ndarray | None = None) -> None:
        self._first: dict[str, tuple[str, int]] = {}
        self._candidates = None if candidates is None else np.unique(np.asarray(candidates, dtype=np.uint64))
        self._value_set: pa.Array | None = None
        for value in ids:
            if value is not None and not pd.isna(value):
                self._first.setdefault(id_key(str(value)), ("", 0))

    def __len__(self) -> int:
        return len(self._first)

    def __contains__(self, value: object) -> bool:
        return id_key(str(value)) in self._first

    def _selected(self, hashes: np.ndarray) -> np.ndarray | None:
        """Positions worth looking at (None: all of them)."""
        if self._candidates is None:
            return None
        return np.flatnonzero(_isin_sorted(hashes, self._candidates))

    def find(self, ids: pa.Array, hashes: np.ndarray, file: str) -> tuple[np.ndarray, np.ndarray]:
        """Which ``ids`` are known, and the row of their first occurrence when it is in ``file`` (else 0)."""
        seen = np.zeros(len(ids), dtype=bool)
        first_row = np.zeros(len(ids), dtype=np.int64)
        if not self._first or len(ids) == 0:
            return seen, first_row
        ids = id_keys(ids)  # keys stay keys: a no-op pass for the loaders, which give keys
        positions = self._selected(hashes)
        if positions is None:  # look up all: a vectorised membership test first, then the hits one by one
            if self._value_set is None:
                self._value_set = pa.array(list(self._first), type=pa.large_string())
            positions = np.flatnonzero(
                pc.fill_null(pc.is_in(ids, value_set=self._value_set), False).to_numpy(zero_copy_only=False)
            )
        if len(positions) == 0:
            return seen, first_row
        for position, value in zip(positions, ids.take(pa.array(positions)).to_pylist(), strict=True):
            hit = self._first.get(value) if value is not None else None
            if hit is not None:
                seen[position] = True
                first_row[position] = hit[1] if hit[0] == file else 0
        return seen, first_row

    def add(self, ids: pa.Array, hashes: np.ndarray, rows: np.ndarray, file: str) -> None:
        """Remember ``ids`` (loaded from rows ``rows`` of ``file``); an id already known keeps its first place."""
        positions = self._selected(hashes)
        if positions is None:
            positions = np.arange(len(ids))
        if len(positions) == 0:
            return
        ids = id_keys(ids)
        values = ids.take(pa.array(positions)).to_pylist() if len(positions) < len(ids) else ids.to_pylist()
        for position, value in zip(positions, values, strict=True):
            if value is not None:
                self._first.setdefault(value, (file, int(rows[position])))
        self._value_set = None
