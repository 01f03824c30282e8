"""Reading dates day-first (SPEC §2): text in every form the one-stop systems write, Excel serial dates, ISO."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cchc_analysis.errors import InputError
from cchc_analysis.loaders.cleaning import _clean_text, _is_text

DATE_MIN = np.datetime64("1990-01-01T00:00:00", "us")


DATE_MAX = np.datetime64("2060-12-31T23:59:59", "us")


DATE_DTYPE = "datetime64[us]"
_TICK_MIN = int(DATE_MIN.astype(np.int64))  # DATE_MIN and DATE_MAX as microseconds since 1970
_TICK_MAX = int(DATE_MAX.astype(np.int64))


VIETNAM_UTC_OFFSET = timedelta(hours=7)


_TIME = (
    r"(?:(?:\s+|\s*T\s*|\s*,\s*|\s+luc\s+)(?P<H{n}>\d{{1,2}})\s*[:hH]\s*(?P<M{n}>\d{{1,2}})"
    r"(?:\s*[:mM']\s*(?P<S{n}>\d{{1,2}})(?:[.,]\d+)?)?\s*(?P<ap{n}>[AaPp][Mm]|SA|CH|sa|ch)?"
    r"\s*(?P<tz{n}>Z|[+-]\d{{2}}:?\d{{2}})?)?"
)


_DATE_REGEX = (
    "^(?:"
    r"(?P<d1>\d{1,2})\s*[/.\-]\s*(?P<m1>\d{1,2})\s*[/.\-]\s*(?P<y1>\d{4})" + _TIME.format(n=1) + "|"
    r"(?P<y2>\d{4})[\-/.](?P<m2>\d{1,2})[\-/.](?P<d2>\d{1,2})" + _TIME.format(n=2) + "|"
    r"(?P<y3>(?:19|20)\d{2})(?P<m3>\d{2})(?P<d3>\d{2})(?:(?P<H3>\d{2})(?P<M3>\d{2})(?P<S3>\d{2})?)?|"
    r"(?P<H4>\d{1,2}):(?P<M4>\d{2})(?::(?P<S4>\d{2}))?\s+(?P<d4>\d{1,2})[/.\-](?P<m4>\d{1,2})[/.\-](?P<y4>\d{4})"
    ")$"
)


_DATE_OK, _DATE_BLANK, _DATE_BAD, _DATE_RANGE = 0, 1, 2, 3


_US_PER_DAY = 86_400_000_000


_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "us")


#: Fixed-width layouts parsed by slicing (fast); anything else goes through ``_DATE_REGEX``.
#: Each layout: (pattern without captures, slices of day, month, year, hour, minute, second).
_FIXED_LAYOUTS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    (
        r"^\d{2}[/.\-]\d{2}[/.\-]\d{4}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$",
        ((0, 2), (3, 5), (6, 10), (11, 13), (14, 16), (17, 19)),
    ),
    (
        r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$",
        ((8, 10), (5, 7), (0, 4), (11, 13), (14, 16), (17, 19)),
    ),
)


def _int_field(parts: pa.StructArray, names: list[str]) -> np.ndarray:
    """One integer field taken from the first alternative that filled it (0 when none)."""
    result = None
    for name in names:
        child = pc.struct_field(parts, name)
        child = pc.if_else(pc.equal(child, ""), pa.scalar(None, pa.string()), child)
        result = child if result is None else pc.coalesce(result, child)
    return pc.fill_null(pc.cast(result, pa.int64()), 0).to_numpy(zero_copy_only=False)


def _text_field(parts: pa.StructArray, names: list[str]) -> np.ndarray:
    result = None
    for name in names:
        child = pc.struct_field(parts, name)
        result = child if result is None else pc.if_else(pc.equal(result, ""), child, result)
    return pc.fill_null(result, "").to_numpy(zero_copy_only=False).astype(str)


def _compose(
    y: np.ndarray, m: np.ndarray, d: np.ndarray, hh: np.ndarray, mm: np.ndarray, ss: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps from their parts, and whether the parts name a real calendar moment."""
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (hh >= 0) & (hh <= 23) & (mm <= 59) & (ss <= 59)
    ok &= (y >= 1000) & (y <= 9999)
    month_start = ((np.where(ok, y, 1970) - 1970) * 12 + np.where(ok, m, 1) - 1).astype("datetime64[M]")
    days = month_start.astype("datetime64[D]") + (np.where(ok, d, 1) - 1)
    ok &= days.astype("datetime64[M]") == month_start  # 31/02 is no date
    seconds = np.where(ok, hh * 3600 + mm * 60 + ss, 0)
    stamp = days.astype(DATE_DTYPE) + (seconds * 1_000_000).astype("timedelta64[us]")
    return stamp, ok


def _slice_int(text: pa.Array, start: int, stop: int) -> np.ndarray:
    part = pc.utf8_slice_codeunits(text, start, stop)
    part = pc.if_else(pc.equal(part, ""), pa.scalar("0"), part)
    return pc.cast(part, pa.int64()).to_numpy(zero_copy_only=False)


def _parse_date_general(text: pa.Array, month_first: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Regex parse of the less common layouts (single digits, AM/PM, UTC offsets, compact, time first).

    ``month_first`` reads the ``nn/nn/yyyy`` layouts month first (ISO and compact layouts are unaffected).
    """
    n = len(text)
    parts = pc.extract_regex(text, _DATE_REGEX)
    matched = pc.fill_null(pc.is_valid(parts), False).to_numpy(zero_copy_only=False)
    if not matched.any():
        return np.full(n, np.datetime64("NaT"), dtype=DATE_DTYPE), matched
    y = _int_field(parts, ["y1", "y2", "y3", "y4"])
    if month_first:
        m = _int_field(parts, ["d1", "m2", "m3", "d4"])
        d = _int_field(parts, ["m1", "d2", "d3", "m4"])
    else:
        m = _int_field(parts, ["m1", "m2", "m3", "m4"])
        d = _int_field(parts, ["d1", "d2", "d3", "d4"])
    hh = _int_field(parts, ["H1", "H2", "H3", "H4"])
    mm = _int_field(parts, ["M1", "M2", "M3", "M4"])
    ss = _int_field(parts, ["S1", "S2", "S3", "S4"])
    ampm = np.char.upper(_text_field(parts, ["ap1", "ap2"]))
    pm = np.isin(ampm, ["PM", "CH"])
    am = np.isin(ampm, ["AM", "SA"])
    twelve_hour_ok = ~(am | pm) | ((hh >= 1) & (hh <= 12))
    hh = np.where(pm & (hh < 12), hh + 12, np.where(am & (hh == 12), 0, hh))
    stamp, ok = _compose(y, m, d, hh, mm, ss)
    ok &= matched & twelve_hour_ok
    tz = _text_field(parts, ["tz1", "tz2"])
    has_tz = (tz != "") & ok
    if has_tz.any():
        offset_minutes = np.zeros(n, dtype=np.int64)
        for i in np.flatnonzero(has_tz):
            zone = tz[i]
            if zone != "Z":
                digits = zone[1:].replace(":", "")
                hours, minutes = int(digits[:2]), int(digits[2:4])
                if hours > 14 or minutes > 59:  # no such UTC offset: the value is unreadable
                    ok[i] = False
                    continue
                offset_minutes[i] = (-1 if zone[0] == "-" else 1) * (hours * 60 + minutes)
        shift = (VIETNAM_UTC_OFFSET // timedelta(minutes=1) - offset_minutes) * 60_000_000
        stamp = np.where(has_tz, stamp + shift.astype("timedelta64[us]"), stamp)
    return stamp, ok


def _digits(block: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The number written by the ASCII digits ``block[:, start:stop]`` (checked to be digits by the caller)."""
    number = np.zeros(len(block), dtype=np.int64)
    for i in range(start, stop):
        number = number * 10 + (block[:, i].astype(np.int64) - 48)
    return number


def _fixed_width_bytes(
    text: pa.Array, remaining: np.ndarray, values: np.ndarray, ok: np.ndarray, month_first: bool
) -> None:
    """The two fixed-width layouts of :data:`_FIXED_LAYOUTS` read from the UTF-8 bytes with numpy (no text
    kernel per field): the rows of 10, 16 or 19 bytes that match them are parsed and taken off ``remaining``.
    The same rows, the same values as the layouts' regular expressions and slices."""
    from cchc_analysis.dossier_ids import string_buffers

    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return
    offsets, data = string_buffers(text)
    lengths = np.diff(offsets)
    for width in (10, 16, 19):
        rows = np.flatnonzero(remaining & (lengths == width))
        if len(rows) == 0:
            continue
        if len(rows) == len(lengths):  # every value this wide: the bytes are one (rows × width) matrix
            block = data[int(offsets[0]) : int(offsets[0]) + len(rows) * width].reshape(len(rows), width)
        else:
            block = data[offsets[rows][:, None] + np.arange(width)]
        digit = (block >= 48) & (block <= 57)
        timed = np.ones(len(rows), dtype=bool)
        if width >= 16:
            timed = (
                ((block[:, 10] == 32) | (block[:, 10] == 84))
                & (block[:, 13] == 58)
                & digit[:, [11, 12, 14, 15]].all(axis=1)
            )
            if width == 19:
                timed &= (block[:, 16] == 58) & digit[:, [17, 18]].all(axis=1)

        separators = np.isin(block[:, [2, 5]], (47, 46, 45)).all(axis=1)  # «/», «.», «-»
        day_first = timed & separators & digit[:, [0, 1, 3, 4, 6, 7, 8, 9]].all(axis=1)
        iso = (
            timed & (block[:, 4] == 45) & (block[:, 7] == 45) & digit[:, [0, 1, 2, 3, 5, 6, 8, 9]].all(axis=1)
        )
        hh = _digits(block, 11, 13) if width >= 16 else np.zeros(len(rows), dtype=np.int64)
        mm = _digits(block, 14, 16) if width >= 16 else np.zeros(len(rows), dtype=np.int64)
        ss = _digits(block, 17, 19) if width == 19 else np.zeros(len(rows), dtype=np.int64)
        first, second = _digits(block, 0, 2), _digits(block, 3, 5)
        d = np.where(day_first, second if month_first else first, _digits(block, 8, 10))
        m = np.where(day_first, first if month_first else second, _digits(block, 5, 7))
        y = np.where(day_first, _digits(block, 6, 10), _digits(block, 0, 4))
        hit = day_first | iso
        stamp, sub_ok = _compose(y[hit], m[hit], d[hit], hh[hit], mm[hit], ss[hit])
        taken = rows[hit]
        values[taken] = stamp
        ok[taken] = sub_ok
        remaining[taken] = False


def _parse_date_text(text: pa.Array, month_first: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised day-first parse of cleaned text: (datetime64[us] values, ok mask).

    ``month_first`` reads ``nn/nn/yyyy`` text month first (``--month-first`` on a text file).
    """
    n = len(text)
    values = np.full(n, np.datetime64("NaT"), dtype=DATE_DTYPE)
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return values, ok
    remaining = pc.is_valid(text).to_numpy(zero_copy_only=False)
    _fixed_width_bytes(text, remaining, values, ok, month_first)
    for layout, (pattern, slices) in enumerate(_FIXED_LAYOUTS):
        if month_first and layout == 0:
            slices = (slices[1], slices[0], *slices[2:])
        if not remaining.any():
            break
        hits = remaining & pc.fill_null(pc.match_substring_regex(text, pattern), False).to_numpy(
            zero_copy_only=False
        )
        rows = np.flatnonzero(hits)
        if len(rows) == 0:
            continue
        sub = text.take(pa.array(rows))
        d, m, y, hh, mm, ss = (_slice_int(sub, a, b) for a, b in slices)
        stamp, sub_ok = _compose(y, m, d, hh, mm, ss)
        values[rows] = stamp
        ok[rows] = sub_ok
        remaining[rows] = False
    rows = np.flatnonzero(remaining)
    if len(rows):
        stamp, sub_ok = _parse_date_general(text.take(pa.array(rows)), month_first)
        values[rows] = stamp
        ok[rows] = sub_ok
    values[~ok] = np.datetime64("NaT")
    return values, ok


def _compact_numbers(numbers: np.ndarray) -> np.ndarray:
    """Whole numbers that are compact dates: ``yyyyMMdd``, ``yyyyMMddHHmm``, ``yyyyMMddHHmmss`` (portal sync)."""
    whole = numbers == np.floor(numbers)
    day = (numbers >= 19_000_101) & (numbers <= 20_991_231)
    minute = (numbers >= 190_001_010_000) & (numbers <= 209_912_312_359)
    second = (numbers >= 19_000_101_000_000) & (numbers <= 20_991_231_235_959)
    return whole & (day | minute | second)


def _excel_serial(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    numbers = numbers.astype(float)
    ok = np.isfinite(numbers) & (numbers > 0) & (numbers < 2_958_466)
    offsets = np.round(np.where(ok, numbers, 0) * _US_PER_DAY).astype(np.int64).astype("timedelta64[us]")
    return _EXCEL_EPOCH + offsets, ok


def _naive(value: object) -> object:
    """A date-time with a time zone as Vietnam wall-clock time, without the zone."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone(VIETNAM_UTC_OFFSET)).replace(tzinfo=None)
    return value


def _exchange_day_month(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dates with day and month exchanged, the time of day kept; ok is False where the day is above 12."""
    days = values.astype("datetime64[D]")
    months = values.astype("datetime64[M]")
    number = months.astype(np.int64)
    y, m = number // 12 + 1970, number % 12 + 1
    d = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    zero = np.zeros(len(values), dtype=np.int64)
    stamp, ok = _compose(y, d, m, zero, zero, zero)
    ok &= ~np.isnat(values)
    stamp = stamp + (values - days.astype(DATE_DTYPE))
    return np.where(ok, stamp, np.datetime64("NaT")), ok


def _parse_date_column(
    raw: pd.Series, *, excel: bool, month_first: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[us] values, status code per row: ok / blank / unreadable / out of range).

    ``month_first`` (``--month-first``) undoes a day/month swap: in a workbook (``excel``) the date cells
    (native dates and serial numbers) are read with day and month exchanged, text cells as they are; in a text
    file, ``nn/nn/yyyy`` text is read month first. A typed datetime column is changed only when it comes from a
    workbook (a column of date cells): a Parquet file's never is.
    """
    n = len(raw)
    dtype = raw.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        raw = raw.dt.tz_convert(timezone(VIETNAM_UTC_OFFSET)).dt.tz_localize(None)
        dtype = raw.dtype
    if pd.api.types.is_datetime64_dtype(dtype):  # typed (Parquet, a frame): check blanks and the range only
        values = raw.to_numpy()  # copied below only when it changes (or is not in microseconds)
        if values.dtype != np.dtype(DATE_DTYPE):
            values = values.astype(DATE_DTYPE)
        status = np.zeros(n, dtype=np.int8)  # _DATE_OK
        if excel and month_first:  # a workbook's column of date cells (see the object branch below)
            stamp = ~np.isnat(values)
            values, exchanged = _exchange_day_month(values)
            status[stamp & ~exchanged] = _DATE_BAD
            status[~stamp] = _DATE_BLANK
            in_range = (values >= DATE_MIN) & (values <= DATE_MAX)
            status[(status == _DATE_OK) & ~in_range] = _DATE_RANGE
            values[status != _DATE_OK] = np.datetime64("NaT")
            return values, status
        # The usual case first, on the int64 ticks (NaT is the int64 minimum): every date present and in range.
        ticks = values.view(np.int64)
        if len(ticks) and ticks.min() >= _TICK_MIN and ticks.max() <= _TICK_MAX:
            return values, status
        in_range = (values >= DATE_MIN) & (values <= DATE_MAX)
        if not in_range.all():
            outside = ~in_range
            status[outside] = np.where(np.isnat(values[outside]), _DATE_BLANK, _DATE_RANGE)
            values = values.copy()  # the raw column keeps its cells (a rejected row shows its value)
            values[outside] = np.datetime64("NaT")
        return values, status
    values = np.full(n, np.datetime64("NaT"), dtype=DATE_DTYPE)
    status = np.full(n, _DATE_BAD, dtype=np.int8)
    if _is_text(raw):
        text = _clean_text(raw)
        blank = pc.is_null(text).to_numpy(zero_copy_only=False) if n else np.zeros(0, bool)
        parsed, ok = _parse_date_text(text, month_first and not excel)
        values[ok] = parsed[ok]
        status[ok] = _DATE_OK
        status[blank] = _DATE_BLANK
    else:
        objects = raw.to_numpy(dtype=object)
        is_time = np.fromiter((isinstance(v, (time, timedelta)) for v in objects), dtype=bool, count=n)
        is_stamp = np.fromiter(
            (isinstance(v, (datetime, date, np.datetime64)) and not pd.isna(v) for v in objects),
            bool,
            count=n,
        )
        is_number = np.fromiter(
            (
                isinstance(v, (int, float, np.integer, np.floating))
                and not isinstance(v, (bool, np.bool_))
                and v == v
                for v in objects
            ),
            dtype=bool,
            count=n,
        )
        if is_stamp.any():
            stamps = pd.to_datetime(
                pd.Series([_naive(v) for v in objects[is_stamp]], dtype=object), errors="coerce"
            )
            converted = stamps.to_numpy().astype(DATE_DTYPE)
            if month_first:
                converted, _ = _exchange_day_month(converted)
            values[is_stamp] = converted
            status[is_stamp] = np.where(np.isnat(converted), _DATE_BAD, _DATE_OK)
        if is_number.any():
            numbers = objects[is_number].astype(float)
            compact = _compact_numbers(numbers)
            if excel:
                converted, ok = _excel_serial(np.where(compact, 0, numbers))
                if month_first:
                    converted, exchanged = _exchange_day_month(np.where(ok, converted, np.datetime64("NaT")))
                    ok &= exchanged
            else:
                converted, ok = (
                    np.full(len(numbers), np.datetime64("NaT"), DATE_DTYPE),
                    np.zeros(len(numbers), bool),
                )
            if compact.any():
                text = pa.array([str(int(v)) for v in numbers[compact]], type=pa.string())
                conv2, ok2 = _parse_date_text(text)
                converted[compact] = conv2
                ok[compact] = ok2
            sub_values = np.where(ok, converted, np.datetime64("NaT"))
            values[is_number] = sub_values
            status[is_number] = np.where(ok, _DATE_OK, _DATE_BAD)
        rest = ~(is_time | is_stamp | is_number)
        if rest.any():
            text = _clean_text(pd.Series(objects[rest]))
            blank = pc.is_null(text).to_numpy(zero_copy_only=False)
            parsed, ok = _parse_date_text(text, month_first and not excel)
            sub_status = np.where(blank, _DATE_BLANK, np.where(ok, _DATE_OK, _DATE_BAD)).astype(np.int8)
            values[rest] = np.where(ok, parsed, np.datetime64("NaT"))
            status[rest] = sub_status
    in_range = (values >= DATE_MIN) & (values <= DATE_MAX)
    out = (status == _DATE_OK) & ~in_range
    status[out] = _DATE_RANGE
    values[status != _DATE_OK] = np.datetime64("NaT")
    return values, status


def parse_dates(values: Iterable[object], *, excel: bool = False) -> pd.Series:
    """Parse day-first dates the way the loader does; blank, unreadable or implausible values give NaT.

    Parameters
    ----------
    values : iterable
        Text (``13/04/2026``, ``13/04/2026 14:30``, ``2026-04-13`` …), datetimes or, with ``excel=True``,
        Excel serial numbers.

    Examples
    --------
    >>> parse_dates(["03/04/2026", "2026-04-13 08:00", "31/02/2026"]).dt.strftime("%d %b %Y %H:%M").tolist()
    ['03 Apr 2026 00:00', '13 Apr 2026 08:00', nan]
    """
    raw = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    parsed, _ = _parse_date_column(raw.reset_index(drop=True), excel=excel)
    return pd.Series(parsed, index=raw.index, dtype=DATE_DTYPE)


# --- day/month swaps ----------------------------------------------------------------------------------------------

#: ``nn/nn/yyyy`` text (also with ``.`` or ``-``, a time may follow): its first and second numbers.
_DMY_PARTS = r"^(?P<a>\d{1,2})\s*[/.\-]\s*(?P<b>\d{1,2})\s*[/.\-]\s*\d{4}(?:\D|$)"


@dataclass(frozen=True)
class DateOrderProblem:
    """Evidence that the dates of a column were written month first (see :func:`date_order_problem`).

    ``kind`` is ``"swapped_cells"`` (a workbook whose date cells were made month first by a spreadsheet with US
    region settings) or ``"month_first_text"`` (text written ``MM/DD/YYYY``). Positions are 0-based data rows.
    """

    kind: str
    example: int  # the cell shown: a date cell (swapped_cells) or a text cell whose second number is above 12
    example_value: str
    other: int | None = None  # swapped_cells: a text cell whose day is above 12
    other_value: str | None = None
    cells: int = 0  # date cells (swapped_cells) or text values with the second number above 12


def _dmy_parts(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """First and second numbers of ``nn/nn/yyyy`` text (0 where the text has another form)."""
    parts = pc.extract_regex(text, _DMY_PARTS)
    first = pc.fill_null(pc.cast(pc.struct_field(parts, "a"), pa.int64()), 0)
    second = pc.fill_null(pc.cast(pc.struct_field(parts, "b"), pa.int64()), 0)
    return first.to_numpy(zero_copy_only=False), second.to_numpy(zero_copy_only=False)


def date_order_problem(raw: pd.Series, status: np.ndarray, *, excel: bool) -> DateOrderProblem | None:
    """Whether a date column looks month first; None when it is read day first without doubt.

    Parameters
    ----------
    raw : Series
        The column's raw cells, as the reader gave them.
    status : ndarray
        The status of each cell after :func:`_parse_date_column` (day first).
    excel : bool
        The column comes from a workbook (its cells may be native dates).

    Returns
    -------
    DateOrderProblem or None
        *swapped_cells* when the column holds both date cells and ``dd/mm/yyyy`` text, every date cell has a day
        of at most 12, some text has a day above 12, and no text has both numbers at most 12. That is what a
        spreadsheet with US region settings leaves behind: it turns the text it can read month first (both
        numbers ≤ 12) into dates with day and month exchanged, and leaves the rest as text. A day above 12 in
        any date cell, or text that it would have converted, means the column was not made so.
        *month_first_text* when no date cell is involved, some ``nn/nn/yyyy`` text has its second number in
        13–31 and none has its first number above 12: the text is ``MM/DD/YYYY`` (day-first reading would
        reject the first ones and exchange day and month in all the others without a word).
    """
    n = len(raw)
    if n == 0 or pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return None
    if _is_text(raw):
        if not (status == _DATE_BAD).any():  # MM/DD text with a day above 12 cannot be read day first
            return None
        return _month_first_text(_clean_text(raw), np.arange(n))
    objects = raw.to_numpy(dtype=object)
    is_text = np.fromiter((isinstance(v, str) for v in objects), dtype=bool, count=n)
    text_rows = np.flatnonzero(is_text)
    if not len(text_rows):  # a column of date cells only (a normal workbook): nothing shows a swap
        return None
    native = np.fromiter(
        (
            isinstance(v, (datetime, date, np.datetime64))
            or (
                excel
                and isinstance(v, (int, float, np.integer, np.floating))
                and not isinstance(v, (bool, np.bool_))
                and v == v
            )
            for v in objects
        ),
        dtype=bool,
        count=n,
    )
    text = _clean_text(pd.Series(objects[text_rows], dtype=object))
    native_rows = np.flatnonzero(native & (status == _DATE_OK))
    if not len(native_rows):
        if not (status[text_rows] == _DATE_BAD).any():
            return None
        return _month_first_text(text, text_rows)
    first, second = _dmy_parts(text)
    text_ok = status[text_rows] == _DATE_OK
    day_above_12 = text_ok & (first > 12)
    ambiguous = text_ok & (first >= 1) & (first <= 12) & (second >= 1) & (second <= 12)
    if not day_above_12.any() or ambiguous.any():
        return None
    values, _ = _parse_date_column(raw.iloc[native_rows].reset_index(drop=True), excel=excel)
    days = (values.astype("datetime64[D]") - values.astype("datetime64[M]").astype("datetime64[D]")).astype(
        np.int64
    ) + 1
    if days.max() > 12:
        return None
    other = int(text_rows[np.flatnonzero(day_above_12)[0]])
    return DateOrderProblem(
        "swapped_cells",
        int(native_rows[0]),
        pd.Timestamp(values[0]).strftime("%d/%m/%Y"),
        other,
        str(objects[other]).strip(),
        cells=len(native_rows),
    )


def _month_first_text(text: pa.Array, rows: np.ndarray) -> DateOrderProblem | None:
    """*month_first_text* evidence in cleaned text cells (``rows``: their positions in the column)."""
    first, second = _dmy_parts(text)
    if (first > 12).any():
        return None
    month_first = (first >= 1) & (second >= 13) & (second <= 31)
    if not month_first.any():
        return None
    k = int(np.flatnonzero(month_first)[0])
    return DateOrderProblem(
        "month_first_text", int(rows[k]), str(text[k].as_py()), cells=int(month_first.sum())
    )


def date_order_error(
    problem: DateOrderProblem, *, file: object, column: str | None, row_numbers: np.ndarray
) -> InputError:
    """The :class:`InputError` (exit 2) that explains a :class:`DateOrderProblem` and the two ways out."""
    row = int(row_numbers[problem.example])
    if problem.kind == "swapped_cells":
        other_row = int(row_numbers[problem.other])
        return InputError(
            f"Ngày và tháng bị đảo: cột này trộn {problem.cells} ô kiểu ngày, không ô nào có ngày lớn hơn 12 "
            f"(ô dòng {row} đọc là {problem.example_value}), với các ô chữ dd/mm/yyyy có ngày lớn hơn 12 "
            f"(dòng {other_row}: «{problem.other_value}»). Đây là dấu hiệu bảng tính đã được mở và lưu trên máy "
            "đặt vùng Hoa Kỳ (tháng/ngày): các ngày có ngày ≤ 12 bị đổi thành ô ngày với ngày và tháng hoán "
            "đổi, các ngày khác để nguyên dạng chữ. Cách xử lý: xuất lại tệp từ hệ thống (dạng chữ hoặc CSV, "
            "không mở lưu bằng Excel đặt vùng Hoa Kỳ), hoặc chạy lại với --month-first để đọc các ô kiểu ngày "
            "theo thứ tự tháng/ngày",
            f"Day and month swapped: this column mixes {problem.cells} date cells, none with a day above 12 "
            f"(the cell of row {row} reads {problem.example_value}), with dd/mm/yyyy text cells whose day is "
            f"above 12 (row {other_row}: «{problem.other_value}»). The workbook was opened and saved by a "
            "spreadsheet with US region settings (month/day), which turns dates with a day of at most 12 into "
            "date cells with day and month exchanged and leaves the others as text. Either export the file "
            "again (as text or CSV, without saving it in a US-region Excel), or run again with --month-first to "
            "read the date cells month first",
            file=file,
            row=row,
            column=column,
            value=problem.example_value,
        )
    return InputError(
        f"Ngày viết theo thứ tự tháng/ngày (MM/DD/YYYY): {problem.cells} giá trị có số thứ hai lớn hơn 12 và "
        "không giá trị nào có số thứ nhất lớn hơn 12, nên đọc ngày/tháng sẽ đảo ngày và tháng của mọi ngày "
        "khác. Thường do tệp được xuất trên máy đặt vùng Hoa Kỳ. Cách xử lý: xuất lại tệp với ngày dạng "
        "dd/mm/yyyy, hoặc (tệp CSV) chạy lại với --month-first để đọc các ngày này theo thứ tự tháng/ngày",
        f"Dates written month first (MM/DD/YYYY): {problem.cells} values have a second number above 12 and none "
        "has a first number above 12, so reading them day first would exchange day and month in every other "
        "date. Usually the file was exported with US region settings. Either export the file again with "
        "dd/mm/yyyy dates, or (a CSV file) run again with --month-first to read these dates month first",
        file=file,
        row=row,
        column=column,
        value=problem.example_value,
    )
