"""The period counted and the cut-off date («ngày chốt số liệu»): one policy for every command and the briefing.

The rule (see ``docs/assumptions.md``, "Period and cut-off"):

- **Cut-off** T: ``as_of`` when given (``--as-of``); else the latest «… đến ngày D» of the files' title lines
  (``LoadResult.as_of``); else the last date found in the data (latest receipt, resolution or return).
- **Period** without a request: the period the title lines state («Từ ngày A đến ngày B»); else the earliest to
  the latest receipt day. A requested period is taken as it is.
- A period that ends after T is counted to T (so "pending at T" and "overdue" use T, never a day the data cannot
  know) and a note says so; a period that starts after T is refused (:class:`InputError`), naming the data's span.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_date
from cchc_analysis.loaders.title import stated_as_of, stated_period
from cchc_analysis.periods import Period, parse_day, period_between

#: Where the cut-off comes from, as messages say it.
_WHERE = {"as_of": "theo --as-of", "title": "theo dòng tiêu đề của tệp", "data": "ngày cuối có trong dữ liệu"}

#: Date columns whose latest value is the last day the data know about.
_LAST_DATE_COLUMNS: tuple[str, ...] = ("received_at", "resolved_at", "returned_at")


@dataclass(frozen=True)
class DataSpan:
    """Dates of the loaded dossiers: first and last receipt, and the last date of any kind (receipt, resolution,
    return). Spans of files or parts are merged with ``|``."""

    first_received: pd.Timestamp | None = None
    last_received: pd.Timestamp | None = None
    last_date: pd.Timestamp | None = None

    def __or__(self, other: DataSpan) -> DataSpan:
        def pick(a, b, f):
            return a if b is None else b if a is None else f(a, b)

        return DataSpan(
            pick(self.first_received, other.first_received, min),
            pick(self.last_received, other.last_received, max),
            pick(self.last_date, other.last_date, max),
        )

    @property
    def empty(self) -> bool:
        return self.first_received is None

    def text(self) -> str:
        """«hồ sơ tiếp nhận từ 05/01/2026 đến 13/04/2026», for messages."""
        if self.empty:
            return "không có hồ sơ nào được nạp"
        return f"hồ sơ tiếp nhận từ {fmt_date(self.first_received)} đến {fmt_date(self.last_received)}"


def _extreme(column: pd.Series, which: str) -> pd.Timestamp | None:
    values = column.to_numpy()
    if values.dtype.kind != "M":
        values = pd.to_datetime(column, errors="coerce").to_numpy()
    if not len(values):
        return None
    # On the int64 ticks, without a copy of the dates: NaT is the int64 minimum, below every date (a maximum
    # ignores it) and left out of a minimum by ``where``.
    ticks = values.view(np.int64)
    nat = np.iinfo(np.int64).min
    if which == "min":
        found = int(ticks.min(initial=np.iinfo(np.int64).max, where=ticks != nat))
        if found == np.iinfo(np.int64).max and not (ticks == found).any():
            return None
    else:
        found = int(ticks.max())
        if found == nat:
            return None
    return pd.Timestamp(np.array(found, dtype=np.int64).view(values.dtype)[()])


def dossier_span(dossiers: pd.DataFrame) -> DataSpan:
    """The :class:`DataSpan` of a canonical dossier frame."""
    if "received_at" not in dossiers or not len(dossiers):
        return DataSpan()
    lasts = [_extreme(dossiers[c], "max") for c in _LAST_DATE_COLUMNS if c in dossiers]
    lasts = [d for d in lasts if d is not None]
    return DataSpan(
        _extreme(dossiers["received_at"], "min"),
        _extreme(dossiers["received_at"], "max"),
        max(lasts) if lasts else None,
    )


@dataclass(frozen=True)
class DataPeriod:
    """What :func:`data_period` decided.

    Attributes
    ----------
    period : Period
        The period to count: the requested (or default) one, ended at the cut-off when it ran past it.
    requested : Period
        The period asked for, or the default one when none was asked for.
    covered : Period or None
        What the data cover: the period the title lines state, else first to last receipt day.
    cutoff : date or None
        The cut-off date («ngày chốt số liệu»); None only when there is no data and no date at all.
    cutoff_source : str
        ``"as_of"`` (given), ``"title"`` (title lines) or ``"data"`` (last date in the data).
    span : DataSpan
    notes : list of str
        One-line Vietnamese notes (the period cut at the cut-off).
    """

    period: Period
    requested: Period
    covered: Period | None
    cutoff: date | None
    cutoff_source: str
    span: DataSpan
    notes: list[str] = field(default_factory=list)

    @property
    def cut(self) -> bool:
        """The requested period ran past the cut-off and was counted to it."""
        return self.period.end < self.requested.end

    def as_json(self) -> dict[str, str]:
        """The ``period`` object of the kpis JSON: ``from``, ``to`` (SPEC §5), plus ``cutoff`` and
        ``requested_to`` when the period was cut."""
        out = {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        if self.cut and self.cutoff is not None:
            out |= {"cutoff": self.cutoff.isoformat(), "requested_to": self.requested.end.isoformat()}
        return out

    def span_text(self) -> str:
        """The data's span for messages: receipts, and the cut-off with where it comes from."""
        text = self.span.text()
        if self.cutoff is not None:
            text += f"; ngày chốt số liệu {fmt_date(self.cutoff)} ({_WHERE[self.cutoff_source]})"
        return text


def _results(result_or_results: object) -> list:
    if result_or_results is None:
        return []
    if isinstance(result_or_results, (list, tuple)):
        return list(result_or_results)
    return [result_or_results]


def _day(value: object) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def data_period(
    result_or_results: object,
    requested: Period | None = None,
    as_of: object = None,
    *,
    span: DataSpan | None = None,
) -> DataPeriod:
    """The period to count and the cut-off, by the one rule of this module (see its docstring).

    Parameters
    ----------
    result_or_results : LoadResult or list of LoadResult
        The loaded file(s): their ``title_lines`` and ``as_of``; their ``dossiers`` give the span unless ``span``
        is given.
    requested : Period, optional
        The period asked for (``--period``, ``--from/--to``).
    as_of : date or str, optional
        The cut-off given by the user (``--as-of``); wins over the title lines and the data.
    span : DataSpan, optional
        The dates of the loaded dossiers, when the results no longer hold them (files counted part by part).

    Raises
    ------
    InputError
        No dossier and no period to count; or a period that starts after the cut-off (the data cannot know it).

    Examples
    --------
    >>> result = load_path("ho_so_quy_2.xlsx")  # doctest: +SKIP
    >>> choice = data_period(result, parse_period("Quý II/2026"))  # doctest: +SKIP
    >>> choice.period.label, choice.as_of  # doctest: +SKIP
    ('2026-Q2', datetime.date(2026, 6, 30))
    """
    results = _results(result_or_results)
    if span is None:
        span = DataSpan()
        for r in results:
            span = span | dossier_span(r.dossiers)
    titles = [line for r in results for line in (getattr(r, "title_lines", None) or [])]
    stated = stated_period(titles)
    covered = stated
    if covered is None and not span.empty:
        covered = period_between(span.first_received.date(), span.last_received.date())

    given = parse_day(as_of, what="ngày chốt số liệu") if isinstance(as_of, str) else _day(as_of)
    stated_cutoffs = [d for r in results if (d := _day(getattr(r, "as_of", None))) is not None]
    if not stated_cutoffs:
        stated_cutoffs = [d for d in [stated_as_of(titles)] if d is not None]
    if given is not None:
        cutoff, source = given, "as_of"
    elif stated_cutoffs:
        cutoff, source = max(stated_cutoffs), "title"
    else:
        cutoff, source = _day(span.last_date), "data"

    wanted = requested if requested is not None else covered
    if wanted is None:
        raise InputError(
            "Không có hồ sơ hợp lệ nào để tính kỳ báo cáo; hãy chỉ rõ --from/--to hoặc --period",
            "No valid dossier to infer the period from; give --from/--to or --period",
            file=_source(results),
        )
    choice = DataPeriod(wanted, wanted, covered, cutoff, source, span)
    if cutoff is None or cutoff >= wanted.end:
        return choice
    if cutoff < wanted.start:
        raise InputError(
            f"Tệp hồ sơ không có số liệu của kỳ {_name(wanted)}: kỳ bắt đầu sau ngày chốt số liệu; tệp có "
            f"{choice.span_text()}",
            f"The period {wanted.start.isoformat()}..{wanted.end.isoformat()} starts after the data's cut-off "
            f"{cutoff.isoformat()}: the file holds no data for it",
            file=_source(results),
        )
    counted = Period(wanted.start, cutoff, wanted.label)
    note = (
        f"Kỳ báo cáo {fmt_date(wanted.start)}–{fmt_date(wanted.end)} vượt quá ngày chốt số liệu "
        f"{fmt_date(cutoff)} ({_WHERE[source]}): số liệu tính đến ngày "
        f"{fmt_date(cutoff)}; hồ sơ đang giải quyết được xét quá hạn tại ngày này."
    )
    return DataPeriod(counted, wanted, covered, cutoff, source, span, [note])


def _name(period: Period) -> str:
    """«Quý II/2026 (01/04/2026–30/06/2026)», or the range alone when the period has no name."""
    days = f"{fmt_date(period.start)}–{fmt_date(period.end)}"
    name = period.label_vi
    return name[0].lower() + name[1:] if name.startswith("Từ ngày") else f"{name} ({days})"


def _source(results: Iterable) -> object:
    sources = [getattr(r, "source", None) for r in results]
    return sources[0] if len(sources) == 1 else None


def empty_period_error(choice: DataPeriod, source: object = None) -> InputError:
    """The error for a period that holds none of the file's dossiers (in scope = 0), naming the data's span."""
    p = choice.period
    return InputError(
        f"Tệp hồ sơ không có hồ sơ nào thuộc kỳ {_name(p)} (0 hồ sơ trong kỳ); tệp có {choice.span_text()}",
        f"The period {p.start.isoformat()}..{p.end.isoformat()} holds none of the file's dossiers",
        file=source,
    )
