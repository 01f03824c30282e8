"""Processing-rate definitions of Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP): the one place they live.

For a reporting period ``[F, T]`` (calendar dates, both inclusive), comparing calendar dates by default:

- *new in period*: ``F <= received <= T``;
- *carried over* (từ kỳ trước): ``received < F`` and (``resolved`` blank or ``resolved >= F``);
- *in scope* = new + carried over;
- *resolved in period*: in scope and ``resolved <= T``; of which *early* (trước hạn) ``resolved < due``,
  *on time* (đúng hạn) ``resolved == due``, *late* (quá hạn) ``resolved > due``;
- *pending at T*: in scope and (``resolved`` blank or ``resolved > T``); of which *within deadline* (trong hạn)
  ``due >= T`` and *overdue* (quá hạn) ``due < T``;
- *no deadline* (không có thời hạn): in scope with a blank ``due`` (a procedure without a fixed time limit). Such a
  dossier cannot be early or late: resolved, it is *on time*; pending, it is *within deadline* (see
  docs/assumptions.md §2c). So every identity of the form holds with them in it.

With ``granularity="datetime"`` full timestamps are compared instead: ``F`` is the start of day ``F``, "on or
before ``T``" means before the end of day ``T``, and a pending dossier is within its deadline when ``due`` is at
or after the start of day ``T`` (so both granularities agree on dossiers due on ``T``).

All counts are additive over disjoint sets of dossiers, which is what lets a folder of files be counted one file
at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, timedelta
from types import MappingProxyType

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.periods import as_period
from cchc_analysis.schema import CALENDAR_KEYS, COLUMN_LABELS_VI, ONLINE_CHANNELS, SATISFIED_LEVELS

#: Count columns, in the order of the JSON contract (optional-column counts last).
COUNT_COLUMNS: tuple[str, ...] = (
    "in_scope",
    "new",
    "new_online",
    "new_in_person_postal",
    "carried_over",
    "resolved",
    "early",
    "on_time",
    "late",
    "pending",
    "pending_within",
    "pending_overdue",
    "no_deadline",
    "full_online",
    "partial_online",
    "digitized",
    "data_reused",
    "fee_required",
    "paid_online",
    "rated",
    "satisfied",
    "complaint",
    "home_delivery",
)

_SCOPE = ("received_at", "resolved_at")
_TIMELINESS = ("received_at", "due_at", "resolved_at")

#: The one table of the input columns each count needs. A count whose column is absent is not computed: it is
#: NA in every table and ``null`` in JSON (absent is unknown, never zero). The three dates are required
#: columns (their absence is an input error); the others are optional.
COUNT_NEEDS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "in_scope": _SCOPE,
        "new": ("received_at",),
        "new_online": ("received_at", "channel"),
        "new_in_person_postal": ("received_at", "channel"),
        "carried_over": _SCOPE,
        "resolved": _SCOPE,
        "early": _TIMELINESS,
        "on_time": _TIMELINESS,
        "late": _TIMELINESS,
        "pending": _SCOPE,
        "pending_within": _TIMELINESS,
        "pending_overdue": _TIMELINESS,
        "no_deadline": _TIMELINESS,
        "full_online": ("received_at", "channel"),
        "partial_online": ("received_at", "channel"),
        "digitized": ("received_at", "digitized"),
        "data_reused": ("received_at", "data_reused"),
        "fee_required": ("received_at", "fee_required"),
        "paid_online": ("received_at", "paid_online"),
        "rated": (*_SCOPE, "satisfaction"),
        "satisfied": (*_SCOPE, "satisfaction"),
        "complaint": (*_SCOPE, "complaint"),
        "home_delivery": (*_SCOPE, "home_delivery"),
    }
)
assert tuple(COUNT_NEEDS) == COUNT_COLUMNS


def missing_inputs(count: str, columns: Collection[str]) -> tuple[str, ...]:
    """The input columns ``count`` needs that are not among ``columns`` (empty: the count can be made).

    Examples
    --------
    >>> missing_inputs("rated", ["received_at", "due_at", "resolved_at"])
    ('satisfaction',)
    """
    return tuple(c for c in COUNT_NEEDS[count] if c not in columns)


def known_counts(columns: Collection[str]) -> tuple[str, ...]:
    """The counts of ``COUNT_COLUMNS`` that a frame with ``columns`` gives (the others are null)."""
    return tuple(name for name in COUNT_COLUMNS if not missing_inputs(name, columns))


#: rate → (numerator counts summed, denominator count). ``satisfaction_766_rate`` is derived after these.
RATE_DEFINITIONS: Mapping[str, tuple[tuple[str, ...], str]] = MappingProxyType(
    {
        "early_rate": (("early",), "resolved"),
        "on_time_rate": (("early", "on_time"), "resolved"),
        "late_rate": (("late",), "resolved"),
        "progress_766_rate": (("early", "on_time", "pending_within"), "in_scope"),
        "online_rate": (("new_online",), "new"),
        "full_online_rate": (("full_online",), "new"),
        "partial_online_rate": (("partial_online",), "new"),
        "digitization_rate": (("digitized",), "new"),
        "reuse_rate": (("data_reused",), "new"),
        "online_payment_rate": (("paid_online",), "fee_required"),
        "satisfaction_rate": (("satisfied",), "rated"),
        "complaint_rate": (("complaint",), "in_scope"),
    }
)

RATE_COLUMNS: tuple[str, ...] = (*RATE_DEFINITIONS, "satisfaction_766_rate")

#: Identities of Biểu 06 that hold for every group: (left side, right-side counts summed).
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("in_scope", ("resolved", "pending")),
    ("in_scope", ("new", "carried_over")),
    ("resolved", ("early", "on_time", "late")),
    ("pending", ("pending_within", "pending_overdue")),
    ("new", ("new_online", "new_in_person_postal")),
    ("in_scope", ("new_online", "new_in_person_postal", "carried_over")),
)

_NAT = np.iinfo(np.int64).min


def _bounds(start: object, end: object) -> tuple[date, date]:
    period = as_period(start, end)
    return period.start, period.end


def _ticks(column: pd.Series | np.ndarray, unit: str) -> np.ndarray:
    """Dates as int64 ticks of ``unit`` ('D' floors to calendar days); NaT becomes the int64 minimum."""
    if isinstance(column, np.ndarray):
        values = column
    elif pd.api.types.is_datetime64_dtype(column.dtype):
        values = column.to_numpy()
    else:
        values = pd.to_datetime(column).to_numpy()
    return values.astype(f"datetime64[{unit}]", copy=False).view(np.int64)


_DAY_US = 86_400_000_000


def _days(ticks_us: np.ndarray) -> np.ndarray:
    """Calendar day numbers of microsecond ticks (floored); NaT (the int64 minimum) stays below every real day."""
    return ticks_us // _DAY_US


def _flags(
    dossiers: pd.DataFrame, start: object, end: object, granularity: str = "date"
) -> dict[str, np.ndarray | None]:
    """Boolean arrays, one per count column (None where the input column a count needs is absent)."""
    if granularity not in ("date", "datetime"):
        raise InputError(
            f"Độ chi tiết thời gian không hợp lệ «{granularity}»: dùng date hoặc datetime",
            f"Unknown granularity {granularity!r}: use date or datetime",
        )
    missing = [c for c in _TIMELINESS if c not in dossiers.columns]
    if missing:
        raise InputError(
            "Thiếu cột bắt buộc: " + ", ".join(COLUMN_LABELS_VI[c] for c in missing),
            "Missing required column(s): " + ", ".join(missing),
        )
    f, t = _bounds(start, end)
    # Times in microseconds against the start of a day: ``received >= start of F`` is ``received date >= F``,
    # ``before the start of T + 1`` is ``on or before T``; so only early / on time / late need calendar days.
    first = np.datetime64(f, "us").astype(np.int64)
    last_day = np.datetime64(t, "us").astype(np.int64)
    after_last = np.datetime64(t + timedelta(days=1), "us").astype(np.int64)

    received = _ticks(dossiers["received_at"], "us")
    due = _ticks(dossiers["due_at"], "us")
    resolved_at = _ticks(dossiers["resolved_at"], "us")
    has_resolved = resolved_at != _NAT
    if granularity == "date":  # compared as calendar dates
        resolved_day, due_day = _days(resolved_at), _days(due)
    else:
        resolved_day, due_day = resolved_at, due

    new = (received >= first) & (received < after_last)
    carried_over = (received < first) & (received != _NAT) & (~has_resolved | (resolved_at >= first))
    in_scope = new | carried_over
    resolved = in_scope & has_resolved & (resolved_at < after_last)
    pending = in_scope & ~resolved
    # A blank due date (NaT, the int64 minimum) is no deadline: never early, late or overdue; resolved it is on
    # time, pending it is within deadline (docs/assumptions.md).
    has_due = due != _NAT
    no_deadline = in_scope & ~has_due
    flags: dict[str, np.ndarray] = {
        "in_scope": in_scope,
        "new": new,
        "carried_over": carried_over,
        "resolved": resolved,
        "early": resolved & has_due & (resolved_day < due_day),
        "on_time": resolved & (~has_due | (resolved_day == due_day)),
        "late": resolved & has_due & (resolved_day > due_day),
        "pending": pending,
        "pending_within": pending & (~has_due | (due >= last_day)),
        "pending_overdue": pending & has_due & (due < last_day),
        "no_deadline": no_deadline,
    }

    present = set(dossiers.columns)

    def known(count: str) -> bool:
        return not missing_inputs(count, present)

    def true(column: str) -> np.ndarray:
        return dossiers[column].to_numpy(dtype=bool, na_value=False)

    if known("new_online"):
        # 1 full online, 2 partial online, 3 online (level unknown), 0 otherwise: a blank channel is in-person
        # (DVCQG KenhThucHien blank = 1).
        classes = dict.fromkeys(ONLINE_CHANNELS, 3) | {"full_online": 1, "partial_online": 2}
        kind = _value_classes(dossiers["channel"], classes)
        online = kind > 0
        flags["new_online"] = new & online
        flags["new_in_person_postal"] = new & ~online
        flags["full_online"] = new & (kind == 1)
        flags["partial_online"] = new & (kind == 2)
    for column in ("digitized", "data_reused", "fee_required", "paid_online"):
        if known(column):
            flags[column] = new & true(column)
    if known("rated"):
        rating = dossiers["satisfaction"]
        flags["rated"] = resolved & rating.notna().to_numpy(dtype=bool)
        flags["satisfied"] = resolved & (_value_classes(rating, dict.fromkeys(SATISFIED_LEVELS, 1)) == 1)
    for column in ("complaint", "home_delivery"):
        if known(column):
            flags[column] = in_scope & true(column)
    # COUNT_NEEDS decides which counts exist: a count whose input is absent is None (NA, JSON null).
    return {name: flags[name] if known(name) else None for name in COUNT_COLUMNS}


def _value_classes(column: pd.Series, classes: dict[str, int]) -> np.ndarray:
    """The class of each value (``classes[value]``; 0 for other values and blanks), per row.

    A categorical column is classified through its categories (one lookup per row, no text compared).
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        table = [classes.get(str(c), 0) for c in column.cat.categories]
        if len(table) > 8:
            return np.array([*table, 0], dtype=np.int8)[codes]  # code -1 (blank): the last, 0
        result = np.zeros(len(column), dtype=np.int8)  # few categories: compare the codes, no lookup
        for code, number in enumerate(table):
            if number:
                result += (codes == code).view(np.int8) * np.int8(number)
        return result
    text = column.astype("string")
    result = np.zeros(len(column), dtype=np.int8)
    for value, number in classes.items():
        result[(text == value).to_numpy(dtype=bool, na_value=False)] = number
    return result


def classify_dossiers(
    dossiers: pd.DataFrame, start: object, end: object, *, granularity: str = "date"
) -> pd.DataFrame:
    """Flag each dossier with the Biểu 06 categories it falls in for the period ``[start, end]``.

    Parameters
    ----------
    dossiers : DataFrame
        Canonical dossier frame (as ``load_dossiers`` returns it).
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
        One boolean column per count in ``COUNT_COLUMNS`` (absent where the needed input column is absent),
        aligned on the index of ``dossiers``.

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-01-05"]), "due_at": pd.to_datetime(["2026-01-07"]),
    ...                   "resolved_at": pd.to_datetime(["2026-01-07"])})
    >>> classify_dossiers(d, "01/01/2026", "31/01/2026").loc[0, ["new", "resolved", "on_time"]].tolist()
    [True, True, True]
    """
    flags = _flags(dossiers, start, end, granularity)
    return pd.DataFrame({k: v for k, v in flags.items() if v is not None}, index=dossiers.index)


#: Largest number of key combinations given a slot each (beyond it, only the combinations that occur are numbered).
_DENSE_GROUPS = 200_000
#: Largest number of (group, code) slots tallied at once; beyond it each count is made on its own.
_MAX_CELLS = 20_000_000


def _calendar_label(value: int, column: str) -> str:
    if column == "month":
        return f"{1970 + value // 12:04d}-{value % 12 + 1:02d}"
    return f"{1970 + value // 4}-Q{value % 4 + 1}"


def _key_codes(dossiers: pd.DataFrame, column: str) -> tuple[np.ndarray, pd.Index]:
    """Group codes ``0 … k-1`` of one grouping column (a blank key is a group of its own) and the key of each code.

    ``month`` / ``quarter`` of receipt are numbered as integers and written as ``"2026-04"`` / ``"2026-Q2"``
    once per key, not per row; a categorical column is numbered by its categories. Codes may name keys that no
    row has (a category, a month without dossiers): such groups count nothing and are dropped.
    """
    if column in CALENDAR_KEYS:
        received = _ticks(dossiers["received_at"], "us")
        blank = received == _NAT
        days = _days(received)
        if len(days) and not blank.any() and days.max() - days.min() < _DENSE_GROUPS:
            # The month (or quarter) of each day of the span, looked up per row: no calendar work per row.
            low = int(days.min())
            span = np.arange(low, int(days.max()) + 1).astype("datetime64[D]")
            numbers = span.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
            if column == "quarter":
                numbers //= 3
            first = int(numbers[0])
            labels = [_calendar_label(v, column) for v in range(first, int(numbers[-1]) + 1)]
            return (numbers - first)[days - low], pd.Index(pd.array(labels, dtype="string"))
        months = _ticks(dossiers["received_at"], "M")
        number = months if column == "month" else months // 3
        codes, uniques = pd.factorize(np.where(months == _NAT, _NAT, number))
        labels = [pd.NA if v == _NAT else _calendar_label(v, column) for v in uniques.tolist()]
        return codes, pd.Index(pd.array(labels, dtype="string"))
    if column not in dossiers.columns:
        raise InputError(
            f"Không thể nhóm theo «{column}»: dữ liệu không có cột này",
            f"Cannot group by {column!r}: the data has no such column",
        )
    values = dossiers[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        k = len(values.cat.categories)
        codes = values.cat.codes.to_numpy().astype(np.int64)
        codes[codes < 0] = k  # blank: the last code
        keys = pd.Categorical.from_codes(np.append(np.arange(k), -1), dtype=values.dtype)
        return codes, pd.Index(keys)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, pd.Index(uniques)


#: Outcomes of an in-scope dossier, one each: early, on time, late (resolved), within, overdue (pending).
_OUTCOMES = ("early", "on_time", "late", "pending_within", "pending_overdue")
#: Yes/no counts tallied a few bits at a time (at most 4: ``2**4 == _STATES`` slots): in scope without a deadline,
#: new with digitized … paid_online, in scope with a complaint, ….
_BIT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("no_deadline", "digitized", "data_reused", "fee_required"),
    ("paid_online", "complaint", "home_delivery"),
)
#: Codes tallied per group take fewer than this many values (one ``bincount`` slot each).
_STATES = 16


def _counts_by_group(
    flags: dict[str, np.ndarray | None], rows: slice | np.ndarray, group: np.ndarray, n_groups: int
) -> dict[str, np.ndarray | None]:
    """Each count of ``COUNT_COLUMNS`` per group, from the flags of the in-scope ``rows``.

    Four ``bincount`` passes rather than one per count: each in-scope dossier gets a small code for each of
    (outcome, new or carried over), (channel class, rating) and the yes/no flags of ``_BIT_GROUPS``; a count is then a
    sum of code values, group by group, equal to counting its flag.
    """

    def flag(name: str) -> np.ndarray:
        value = flags[name]
        return np.zeros(0, dtype=bool) if value is None else value[rows]

    if n_groups * _STATES > _MAX_CELLS:  # very many groups: one bincount per count
        return {
            name: None if flags[name] is None else np.bincount(group[flag(name)], minlength=n_groups)
            for name in COUNT_COLUMNS
        }

    def bit(name: str) -> np.ndarray:  # a flag as 0/1 bytes (a view, not a copy)
        return flag(name).view(np.uint8)

    base = group * _STATES

    def tally(code: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        counts = np.bincount(base + code, minlength=n_groups * _STATES).reshape(n_groups, _STATES)
        return counts[:, : int(np.prod(shape))].reshape(n_groups, *shape)

    outcome = np.zeros(len(group), dtype=np.uint8)
    for k, name in enumerate(_OUTCOMES[1:], start=1):
        outcome += bit(name) * np.uint8(k)
    by_outcome = tally(outcome * np.uint8(2) + bit("new"), (len(_OUTCOMES), 2))  # [group, outcome, new]
    counts: dict[str, np.ndarray | None] = {
        "in_scope": by_outcome.sum(axis=(1, 2)),
        "new": by_outcome[:, :, 1].sum(axis=1),
        "carried_over": by_outcome[:, :, 0].sum(axis=1),
        "resolved": by_outcome[:, :3].sum(axis=(1, 2)),
        "pending": by_outcome[:, 3:].sum(axis=(1, 2)),
        **{name: by_outcome[:, k].sum(axis=1) for k, name in enumerate(_OUTCOMES)},
    }

    # Channel class of a new dossier (0 not online or carried over, 1 full, 2 partial, 3 other online) and
    # rating of a resolved one (0 none, 1 rated, 2 satisfied).
    kind = np.zeros(len(group), dtype=np.uint8)
    if flags["full_online"] is not None:  # full and partial online are online
        kind += bit("new_online") * np.uint8(3) - bit("full_online") * np.uint8(2) - bit("partial_online")
    kind *= np.uint8(3)
    if flags["rated"] is not None:
        kind += bit("rated")
        kind += bit("satisfied")
    by_kind = tally(kind, (4, 3))  # [group, channel class, rating]
    if flags["full_online"] is not None:
        channel = by_kind.sum(axis=2)
        counts["full_online"] = channel[:, 1]
        counts["partial_online"] = channel[:, 2]
        counts["new_online"] = channel[:, 1:].sum(axis=1)
        counts["new_in_person_postal"] = counts["new"] - counts["new_online"]
    if flags["rated"] is not None:
        rating = by_kind.sum(axis=1)
        counts["rated"] = rating[:, 1:].sum(axis=1)
        counts["satisfied"] = rating[:, 2]

    for names in _BIT_GROUPS:
        bits = np.zeros(len(group), dtype=np.uint8)
        for k, name in enumerate(names):
            if flags[name] is not None:
                bits |= bit(name) << np.uint8(k)
        slots = 1 << len(names)
        by_bits = tally(bits, (slots,))
        for k, name in enumerate(names):
            if flags[name] is not None:
                counts[name] = by_bits[:, [v for v in range(slots) if v >> k & 1]].sum(axis=1)
    return {name: counts.get(name) for name in COUNT_COLUMNS}


#: Words a user may type for the calendar grouping keys, after :func:`~cchc_analysis.text.header_key`.
_CALENDAR_WORDS: dict[str, str] = {
    "thang": "month",
    "theothang": "month",
    "thangtiepnhan": "month",
    "quy": "quarter",
    "theoquy": "quarter",
    "quytiepnhan": "quarter",
}


def by_column(name: str) -> str:
    """The canonical grouping column a user means by ``name``: a canonical name, its Vietnamese label or a header.

    Parameters
    ----------
    name : str
        ``"field"``, ``"Lĩnh vực"``, ``"linh vuc"``, ``"LinhVuc"``, ``"Tháng"``, ``"Quý"``, ``"Hệ thống"``,
        ``"Đơn vị"``, ``"Kênh thực hiện"``, ``"Cán bộ xử lý"`` … — any label in
        :data:`~cchc_analysis.schema.COLUMN_LABELS_VI` or header alias in ``reference/header_aliases.csv``;
        case, diacritics and spacing do not matter. A name it does not know is returned unchanged (a column of
        the caller's own frame).

    Examples
    --------
    >>> by_column("Lĩnh vực"), by_column("quý"), by_column("Hệ thống"), by_column("my_column")
    ('field', 'quarter', 'source_system', 'my_column')
    """
    from cchc_analysis.loaders.headers import PERSONAL, UNUSED, classify_header
    from cchc_analysis.text import header_key

    key = header_key(name)
    if not key:
        return name
    for canonical, label_vi in COLUMN_LABELS_VI.items():
        if key in (header_key(canonical), header_key(label_vi)):
            return canonical
    if key in _CALENDAR_WORDS:
        return _CALENDAR_WORDS[key]
    found = classify_header(name)
    if found and found not in (PERSONAL, UNUSED):
        return found
    return name


def normalise_by(by: str | Iterable[str] | None) -> list[str]:
    """Grouping columns from ``None``, ``"field"``, ``"unit,quarter"``, ``"Lĩnh vực, Quý"`` or a list of such.

    Each name goes through :func:`by_column`, so Vietnamese labels and export headers mean their column.

    Examples
    --------
    >>> normalise_by("Lĩnh vực, Quý")
    ['field', 'quarter']
    """
    if by is None:
        return []
    items = [by] if isinstance(by, str) else list(by)
    columns: list[str] = []
    for item in items:
        for part in str(item).split(","):
            name = by_column(part.strip()) if part.strip() else ""
            if name and name not in columns:
                columns.append(name)
    return columns


def count_dossiers(
    dossiers: pd.DataFrame,
    start: object,
    end: object | None = None,
    *,
    by: str | Sequence[str] | None = None,
    granularity: str = "date",
    sort: bool = True,
) -> pd.DataFrame:
    """Biểu 06 counts for the period ``[start, end]``, overall or per group.

    Parameters
    ----------
    dossiers : DataFrame
        Canonical dossier frame.
    start, end : Period, str or date
        The period, in any form :func:`~cchc_analysis.periods.as_period` accepts (the command line's): a
        :class:`~cchc_analysis.periods.Period` or a period name alone (``"2026-Q2"``, ``"Quý II/2026"``,
        ``"tháng 4/2026"``, ``"năm 2026"``, ``"01/04/2026..30/04/2026"``), or the first and last day
        (``"01/04/2026"``, ``"2026-04-01"``, a date), both included.
    by : str or list of str, optional
        Grouping columns: ``field``, ``procedure``, ``unit``, ``source_system``, ``channel``, ``officer`` or any
        other dossier column, plus ``month`` / ``quarter`` of receipt; by canonical name, Vietnamese label
        («Lĩnh vực», «Đơn vị», «Hệ thống», «Tháng», «Quý» …) or export header (see :func:`by_column`); a list
        or a comma-separated string (``"Lĩnh vực, Quý"``). A group exists when at least one of its dossiers is
        in scope; a blank key is its own group (NA, sorted last).
    granularity : {"date", "datetime"}
        Compare calendar dates (default) or full timestamps.
    sort : bool
        Sort the groups by key (default). ``False`` leaves them in no particular order, for counts that are
        added up with :func:`sum_counts` (which sorts).

    Returns
    -------
    DataFrame
        The grouping columns, then ``COUNT_COLUMNS`` as nullable Int64 (NA where the input column a count needs
        is absent), one row per group sorted by key.

    Raises
    ------
    AssertionError
        When a Biểu 06 identity (:data:`IDENTITIES`) fails on a row: a bug, checked on every table built here.

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-01-05", "2025-12-30"]),
    ...                   "due_at": pd.to_datetime(["2026-01-07", "2026-01-02"]),
    ...                   "resolved_at": pd.to_datetime(["2026-01-06", None])})
    >>> count_dossiers(d, "01/01/2026", "31/01/2026").loc[0, ["in_scope", "early", "pending_overdue"]].tolist()
    [2, 1, 1]
    """
    flags = _flags(dossiers, start, end, granularity)
    columns = normalise_by(by)
    in_scope = flags["in_scope"]
    everything = bool(in_scope.all())  # e.g. a period spanning all the receipt dates: no row to leave out
    rows = slice(None) if everything else np.flatnonzero(in_scope)

    if columns:
        scoped = dossiers if everything else dossiers.iloc[rows]
        group = np.zeros(len(scoped), dtype=np.int64)
        uniques_per_column = []
        for column in columns:
            codes, uniques = _key_codes(scoped, column)
            uniques_per_column.append(uniques)
            group = group * max(len(uniques), 1) + codes
        sizes = [max(len(u), 1) for u in uniques_per_column]
        if np.prod(sizes, dtype=float) <= _DENSE_GROUPS:  # every key combination has a slot
            group_values = np.arange(int(np.prod(sizes)), dtype=np.int64)
        else:  # too many combinations: number the ones that occur
            group, group_values = pd.factorize(group, sort=False)
        n_groups = len(group_values)
    else:
        group = np.zeros(int(in_scope.sum()), dtype=np.int64)
        n_groups = 1
    counts = _counts_by_group(flags, rows, group, n_groups)

    if columns:
        # Keep the groups with a dossier in scope, and decode their code back to the per-column key values.
        kept = np.flatnonzero(counts["in_scope"] > 0)
        keys = {}
        remainder = np.asarray(group_values, dtype=np.int64)[kept]
        for column, uniques, size in reversed(list(zip(columns, uniques_per_column, sizes, strict=True))):
            keys[column] = uniques.take(remainder % size)
            remainder = remainder // size
    else:
        kept = np.arange(1)
        keys = {}
    missing = np.ones(len(kept), dtype=bool)
    unknown = dict.fromkeys(COUNT_COLUMNS, ~missing)
    if counts["full_online"] is not None and not _online_level_known(dossiers["channel"]):
        # Online dossiers, none of them with a level (a file without its level column, e.g. the portal's MucDo):
        # like an absent column, the full / partial online counts are unknown, not 0.
        unknown = unknown | {"full_online": missing, "partial_online": missing}
    columns_out = {
        name: pd.arrays.IntegerArray(np.zeros(len(kept), np.int64), missing)
        if counts[name] is None
        else pd.arrays.IntegerArray(counts[name][kept].astype(np.int64), unknown[name])
        for name in COUNT_COLUMNS
    }
    result = pd.DataFrame({**{c: keys[c] for c in columns}, **columns_out}, index=pd.RangeIndex(len(kept)))
    if columns and sort:
        result = _sort_by_key(result, columns)
    check_identities(result)  # every count table passes here: a failure is a bug, never a printed figure
    return result


def _online_level_known(channel: pd.Series) -> bool:
    """Whether a file tells the online level: some dossier is full-process or partial online, or none is online."""
    if isinstance(channel.dtype, pd.CategoricalDtype):  # the categories that occur, from a count of the codes
        categories = channel.cat.categories
        codes = channel.cat.codes.to_numpy()
        occurs = np.bincount(codes[codes >= 0].astype(np.intp), minlength=len(categories)) > 0
        present = {str(c) for c, found in zip(categories, occurs, strict=True) if found}
    else:
        present = {str(v) for v in channel.unique() if not pd.isna(v)}
    return bool(present & {"full_online", "partial_online"} or not present & set(ONLINE_CHANNELS))


def _sort_by_key(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype) and not values.cat.ordered:
            frame[column] = values.astype(values.dtype.categories.dtype)
    return frame.sort_values(columns, na_position="last", kind="stable", ignore_index=True)


def sum_counts(parts: Iterable[pd.DataFrame], by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Add up count frames of disjoint dossier sets (e.g. one per file), group by group.

    A count that is NA in some part (its column absent from that file) stays NA in the sum.

    Parameters
    ----------
    parts : iterable of DataFrame
        Frames from :func:`count_dossiers` with the same ``by``.
    by : str or list of str, optional
        Their grouping columns, as for :func:`count_dossiers`.

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-04-02", "2026-04-03"]),
    ...                   "due_at": pd.to_datetime(["2026-04-05", "2026-04-05"]),
    ...                   "resolved_at": pd.to_datetime(["2026-04-04", "2026-04-04"]), "field": ["Hộ tịch"] * 2})
    >>> parts = [count_dossiers(d.iloc[[i]], "2026-Q2", by="field") for i in (0, 1)]
    >>> int(sum_counts(parts, by="Lĩnh vực").loc[0, "resolved"])
    2
    """
    columns = normalise_by(by)
    frames = [p for p in parts if len(p)]
    if not frames:
        raise ValueError("no counts to add up")
    stacked = pd.concat(frames, ignore_index=True)
    if not columns:
        total = stacked[list(COUNT_COLUMNS)].sum(min_count=len(stacked), skipna=False).to_frame().T
        total = total.astype("Int64").reset_index(drop=True)
        check_identities(total)
        return total
    summed = stacked.groupby(columns, dropna=False, sort=False, observed=True)[list(COUNT_COLUMNS)].sum(
        min_count=1
    )
    missing = stacked[list(COUNT_COLUMNS)].isna()
    if missing.to_numpy().any():  # a count absent from one part is absent from the sum
        has_na = missing.groupby([stacked[c] for c in columns], dropna=False, sort=False, observed=True).any()
        summed = summed.mask(has_na.to_numpy())
    summed = _sort_by_key(summed.astype("Int64").reset_index(), columns)
    check_identities(summed)
    return summed


def add_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Append ``RATE_COLUMNS`` to a counts frame: unrounded fractions, NaN where the denominator is 0 or NA.

    Parameters
    ----------
    counts : DataFrame
        Count columns as :func:`count_dossiers` returns them; a rate whose counts are absent is NaN.

    ``satisfaction_766_rate`` is ``1 − (late + pending_overdue) / in_scope − complaint_rate`` (SPEC §3), the
    proxy of the 766 indicator «hài lòng trong tiếp nhận, giải quyết TTHC» — code ``5.3`` of
    ``reference/indicators_766.csv`` (SPEC §3 calls it 5.4). A «không hài lòng» rating counts only through the
    ``complaint`` column (which carries the portal's dissatisfied flag); the ``satisfaction`` column is not used.
    NaN when the complaint column is absent.

    Examples
    --------
    >>> c = pd.DataFrame({"resolved": [4, 0], "early": [3, 0], "on_time": [1, 0], "late": [0, 0]})
    >>> add_rates(c)[["early_rate", "on_time_rate"]].to_numpy().tolist()
    [[0.75, 1.0], [nan, nan]]
    """
    result = counts.copy()
    for rate, (numerators, denominator) in RATE_DEFINITIONS.items():
        if denominator not in counts or not all(n in counts for n in numerators):
            continue
        numerator = sum(counts[n].astype("Float64") for n in numerators)
        den = counts[denominator].astype("Float64")
        ratio = numerator / den.where(den > 0)
        result[rate] = ratio.to_numpy(dtype="float64", na_value=np.nan)
    if {"late", "pending_overdue", "in_scope", "complaint_rate"} <= set(result.columns):
        scope = counts["in_scope"].astype("Float64")
        not_timely = (counts["late"] + counts["pending_overdue"]).astype("Float64") / scope.where(scope > 0)
        value = (
            1 - not_timely.to_numpy(dtype="float64", na_value=np.nan) - result["complaint_rate"].to_numpy()
        )
        result["satisfaction_766_rate"] = value
    return result


def processing_rates(
    dossiers: pd.DataFrame,
    start: object,
    end: object | None = None,
    *,
    by: str | Sequence[str] | None = None,
    granularity: str = "date",
) -> pd.DataFrame:
    """Counts and rates for the period, overall or per group: ``add_rates(count_dossiers(...))``.

    Parameters
    ----------
    dossiers : DataFrame
        Canonical dossier frame (``load_dossiers(path).dossiers``).
    start, end : Period, str or date
        The period, in any form :func:`~cchc_analysis.periods.as_period` accepts (the command line's): a
        :class:`~cchc_analysis.periods.Period` or a period name alone (``"2026-Q2"``, ``"Quý II/2026"``,
        ``"tháng 4/2026"``, ``"năm 2026"``, ``"01/04/2026..30/04/2026"``), or the first and last day
        (``"01/04/2026"``, ``"2026-04-01"``, a date), both included.
    by : str or list of str, optional
        Grouping columns, as for :func:`count_dossiers`: ``"field"`` or ``"Lĩnh vực"``, ``"quarter"`` or
        ``"Quý"``, ``"month"`` or ``"Tháng"``, ``"unit"``, ``"source_system"`` or ``"Hệ thống"``, ``"channel"``,
        ``"procedure"``, ``"officer"``; several as a list or ``"Lĩnh vực, Quý"``.
    granularity : {"date", "datetime"}
        Compare calendar dates (default) or full timestamps.

    Returns
    -------
    DataFrame
        The grouping columns, ``COUNT_COLUMNS`` and ``RATE_COLUMNS`` (fractions 0–1, unrounded; NaN where the
        denominator is 0 or unknown).

    Examples
    --------
    >>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-01-05"]), "due_at": pd.to_datetime(["2026-01-07"]),
    ...                   "resolved_at": pd.to_datetime(["2026-01-08"])})
    >>> processing_rates(d, "01/01/2026", "31/01/2026").loc[0, "late_rate"]
    np.float64(1.0)
    >>> processing_rates(d, "tháng 1/2026").loc[0, "late_rate"]
    np.float64(1.0)
    """
    return add_rates(count_dossiers(dossiers, start, end, by=by, granularity=granularity))


def identity_violations(counts: pd.DataFrame) -> pd.DataFrame:
    """Rows where a Biểu 06 identity fails; empty when all hold. Identities with an NA side are skipped.

    Parameters
    ----------
    counts : DataFrame
        Count columns as :func:`count_dossiers` returns them.

    Examples
    --------
    >>> identity_violations(pd.DataFrame({"resolved": [3], "early": [1], "on_time": [1], "late": [0]}))[
    ...     ["identity", "left", "right"]].to_numpy().tolist()
    [['resolved = early + on_time + late', 3, 2]]

    Returns
    -------
    DataFrame
        Columns ``row, identity, left, right`` (``right`` is the sum of the right-hand side).
    """
    problems = []
    for left, parts in IDENTITIES:
        if left not in counts or not all(p in counts for p in parts):
            continue
        lhs = counts[left].astype("Float64")
        rhs = sum(counts[p].astype("Float64") for p in parts)
        bad = (lhs != rhs).fillna(False)
        for row in np.flatnonzero(bad.to_numpy(dtype=bool)):
            problems.append(
                {
                    "row": int(row),
                    "identity": f"{left} = {' + '.join(parts)}",
                    "left": int(lhs.iloc[row]),
                    "right": int(rhs.iloc[row]),
                }
            )
    return pd.DataFrame(problems, columns=["row", "identity", "left", "right"])


def _identities_hold(counts: pd.DataFrame) -> bool:
    """Whether every identity holds on every row (an identity with an NA side skipped, as in
    :func:`identity_violations`), without building the table of failures."""
    arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def column(name: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in arrays:
            values = counts[name]
            missing = values.isna().to_numpy(dtype=bool)
            arrays[name] = (values.to_numpy(dtype=np.float64, na_value=0.0), missing)
        return arrays[name]

    for left, parts in IDENTITIES:
        if left not in counts or not all(p in counts for p in parts):
            continue
        lhs, skip = column(left)
        rhs = np.zeros(len(counts), dtype=np.float64)
        skip = skip.copy()
        for p in parts:
            values, missing = column(p)
            rhs += values
            skip |= missing
        if (lhs != rhs)[~skip].any():
            return False
    return True


def check_identities(counts: pd.DataFrame) -> None:
    """Raise ``AssertionError`` naming the first failed Biểu 06 identity; return None when all hold.

    Parameters
    ----------
    counts : DataFrame
        Count columns as :func:`count_dossiers` returns them (any subset; an identity with an absent or NA
        side is skipped).

    Examples
    --------
    >>> check_identities(pd.DataFrame({"resolved": [3], "early": [1], "on_time": [1], "late": [1]}))
    """
    if _identities_hold(counts):  # the usual case, checked on numpy arrays (a table per part of a large file)
        return
    problems = identity_violations(counts)
    if len(problems):
        first = problems.iloc[0]
        raise AssertionError(
            f"Biểu 06 identity {first['identity']} fails on row {first['row']}: "
            f"{first['left']} != {first['right']} ({len(problems)} failure(s))"
        )
