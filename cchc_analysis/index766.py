"""The 766 index set (Quyết định 766/QĐ-TTg) as data: score a unit from its indicator rates, and what-ifs.

The indicator table is ``reference/indicators_766.csv`` (one row per indicator: ``group_code, group_name, code,
name, max_points, threshold, confidence, rate_column, note``), so an analyst updates it when the portal changes,
without touching code. Each indicator scores ``max_points × min(1, rate / threshold)`` [inferred from portal
numbers]; ``confidence`` says whether the row's points and threshold were read in a public source (``confirmed``)
or deduced (``inferred``).

``rate_column`` names the processing rate (:mod:`cchc_analysis.rates`) that fills the indicator from dossier data:
2.1 ← ``progress_766_rate``; 4.3 ← ``online_payment_rate``; 5.3 ← ``satisfaction_766_rate`` (a proxy; SPEC §3 calls it 5.4);
6.2 ← ``digitization_rate``; 6.4 ← ``reuse_rate``. The 12-point online-service group is one indicator, code ``3``,
filled by ``full_online_rate`` with the 50 % threshold of 3.3 (the split among 3.1/3.2/3.3 is not published, and
the inspection notice names full-process online as the weak point); edit ``rate_column`` to ``online_rate`` to
score it by online receipt instead. Indicators without a rate are *unknown*: they score nothing and are listed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_int, fmt_number, fmt_pct, round_half_up
from cchc_analysis.loaders.tables import read_table

INDICATORS_PATH = Path(__file__).parent / "reference" / "indicators_766.csv"
INDICATOR_COLUMNS: tuple[str, ...] = (
    "group_code",
    "group_name",
    "code",
    "name",
    "max_points",
    "threshold",
    "confidence",
    "rate_column",
    "note",
    "portal_group",
    "metric_code",
    "no_denominator",
)
#: Columns an indicator table may omit (blank when absent).
OPTIONAL_COLUMNS: tuple[str, ...] = ("note", "rate_column", "portal_group", "metric_code", "no_denominator")
#: ``no_denominator`` values: ``full`` = full marks when the denominator is 0 (the portal's petition rule);
#: blank = the indicator is unknown when its denominator is 0.
NO_DENOMINATOR_VALUES: frozenset[str] = frozenset({"", "full"})
#: Decimals the portal rounds each indicator's score to before summing.
SCORE_DECIMALS = 2
CONFIDENCE_VALUES: frozenset[str] = frozenset({"confirmed", "inferred"})

SCORE_COLUMNS: tuple[str, ...] = (
    "group_code",
    "group_name",
    "code",
    "name",
    "rate_column",
    "rate",
    "rate_source",
    "threshold",
    "max_points",
    "points",
    "known",
    "confidence",
    "portal_group",
    "metric_code",
)
SUMMARY_COLUMNS: tuple[str, ...] = (
    "group_code",
    "group_name",
    "max_points",
    "known_max_points",
    "points",
    "upper_bound",
    "n_indicators",
    "n_known",
    "unknown_codes",
    "unknown_names",
)
#: ``group_code`` of the total row of :func:`summarise_766`.
TOTAL_CODE = "total"


def load_indicators(path: str | Path | None = None) -> pd.DataFrame:
    """Read the 766 indicator table (default: the one bundled with the package).

    Returns
    -------
    DataFrame
        Columns :data:`INDICATOR_COLUMNS`; ``max_points`` and ``threshold`` (a fraction, 0–1) as floats,
        ``rate_column`` NA where no processing rate fills the indicator.

    Raises
    ------
    InputError
        A missing column, a duplicate code, a non-positive maximum, a threshold outside (0, 1], or an unknown
        confidence value.
    """
    p = Path(path) if path is not None else INDICATORS_PATH
    required = [c for c in INDICATOR_COLUMNS if c not in OPTIONAL_COLUMNS]
    frame = read_table(p, required=required, what="bảng chỉ số 766", what_en="766 indicator table")
    for c in OPTIONAL_COLUMNS:
        if c not in frame.columns:
            frame[c] = ""
    frame = frame[list(INDICATOR_COLUMNS)]
    lines = frame.index.tolist()  # the file's line number of each row, for messages
    frame = frame.reset_index(drop=True)
    for name in ("max_points", "threshold"):
        values = []
        for i, text in enumerate(frame[name]):
            try:
                values.append(float(text.replace(",", ".").rstrip("%")) / (100 if text.endswith("%") else 1))
            except ValueError:
                raise InputError(
                    "Giá trị không phải là số", "Not a number", file=p, row=lines[i], column=name, value=text
                ) from None
        frame[name] = values
    checks = (
        (frame["code"] == "", "code", "Thiếu mã chỉ số", "Blank indicator code"),
        (frame["code"].duplicated(), "code", "Mã chỉ số bị trùng", "Duplicate indicator code"),
        (
            frame["max_points"] < 0,
            "max_points",
            "Điểm tối đa không được âm",
            "max_points must not be negative",
        ),
        (
            (frame["threshold"] <= 0) | (frame["threshold"] > 1),
            "threshold",
            "Ngưỡng phải lớn hơn 0 và không quá 1 (100 %)",
            "threshold must be in (0, 1]",
        ),
        (
            ~frame["confidence"].isin(CONFIDENCE_VALUES),
            "confidence",
            "Độ tin cậy phải là confirmed hoặc inferred",
            "confidence must be confirmed or inferred",
        ),
        (
            ~frame["no_denominator"].isin(NO_DENOMINATOR_VALUES),
            "no_denominator",
            "no_denominator phải để trống hoặc là full",
            "no_denominator must be blank or full",
        ),
        (
            (frame["metric_code"] != "") & frame.duplicated(["portal_group", "metric_code"]),
            "metric_code",
            "Mã chỉ tiêu của Cổng bị trùng trong cùng nhóm",
            "Duplicate portal metric code within a group",
        ),
    )
    for bad, column, vi, en in checks:
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise InputError(vi, en, file=p, row=lines[i], column=column, value=frame[column].iloc[i])
    frame["rate_column"] = frame["rate_column"].replace("", pd.NA)
    frame["note"] = frame["note"].replace("", pd.NA)
    for c in ("portal_group", "metric_code"):
        frame[c] = frame[c].replace("", pd.NA)
    return frame


def round_score(points: float) -> float:
    """An indicator's points as the portal counts them: rounded half up to :data:`SCORE_DECIMALS` decimals.

    >>> round_score(0.48536), round_score(2.285), round_score(float("nan")) != round_score(float("nan"))
    (0.49, 2.29, True)
    """
    if points != points:
        return float("nan")
    return float(round_half_up(points, SCORE_DECIMALS))


def indicator_points(max_points: float, threshold: float, rate: float) -> float:
    """``max_points × min(1, rate / threshold)``, rounded to 2 decimals as the portal rounds (NaN rate → NaN)."""
    if rate != rate:
        return float("nan")
    return round_score(float(max_points) * min(1.0, float(rate) / float(threshold)))


@functools.cache
def _bundled_table() -> pd.DataFrame:
    return load_indicators()


def bundled_indicators() -> pd.DataFrame:
    """The indicator table bundled with the package, read from disk once per process.

    :func:`score_766`, :func:`what_if` and :func:`group_maxima` use it when no table is passed, so scoring does no
    file I/O after the first call. Each call returns a copy: a caller cannot change the table for the others.
    """
    return _bundled_table().copy()


def group_maxima(indicators: pd.DataFrame | None = None) -> pd.Series:
    """Maximum points of each group (index ``group_code``), in table order."""
    table = bundled_indicators() if indicators is None else indicators
    return table.groupby("group_code", sort=False)["max_points"].sum()


def _as_mapping(rates: Mapping[str, float] | pd.Series | pd.DataFrame | None) -> dict[str, object]:
    if rates is None:
        return {}
    if isinstance(rates, pd.DataFrame):
        if len(rates) != 1:
            raise InputError(
                "Cần đúng một dòng tỷ lệ để chấm điểm 766 (hãy chọn một nhóm)",
                f"Scoring needs exactly one row of rates, got {len(rates)}",
            )
        rates = rates.iloc[0]
    return dict(rates.items()) if isinstance(rates, pd.Series) else dict(rates)


def _rate(value: object, name: str) -> float:
    if value is None or value is pd.NA:
        return float("nan")
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise InputError(
            "Tỷ lệ không phải là số", "A rate is not a number", column=name, value=value
        ) from None
    if rate == rate and not -1e-12 <= rate <= 1 + 1e-12:
        raise InputError(
            "Tỷ lệ phải là phân số từ 0 đến 1 (ví dụ 0,5 cho 50 %)",
            "A rate must be a fraction between 0 and 1 (e.g. 0.5 for 50 %)",
            column=name,
            value=value,
        )
    return rate


def score_766(
    rates: Mapping[str, float] | pd.Series | pd.DataFrame | None,
    indicators: pd.DataFrame | None = None,
    overrides: Mapping[str, float] | None = None,
    *,
    no_denominator: Iterable[str] = (),
) -> pd.DataFrame:
    """Score a unit on the 766 indicators from its rates, as the portal scores them.

    Each indicator scores ``max_points × min(1, rate / threshold)`` rounded half up to 2 decimals (the portal
    rounds each indicator before summing); an indicator named in ``no_denominator`` (its denominator is 0: e.g. the
    unit had no petition) scores full marks where the table's ``no_denominator`` is ``full`` (5.1, 5.2, 6.3) and
    is unknown otherwise; a 0-point row (the petition classifications 5.a, 5.b) scores 0.

    Parameters
    ----------
    rates : mapping, Series or one-row DataFrame
        Rates as fractions (0–1), keyed by processing-rate name (``full_online_rate``…, e.g. one row of
        ``rates.processing_rates``) and/or by indicator code (``"1.1"``) for indicators the dossier data cannot
        give. NaN / missing → the indicator is unknown.
    indicators : DataFrame, optional
        From :func:`load_indicators` (default: :func:`bundled_indicators`, read once per process).
    overrides : mapping, optional
        Rates that replace the others, keyed by indicator code or rate name (a what-if).
    no_denominator : iterable of str
        Indicator codes or portal metric codes whose denominator is 0 (``"5.1"``, ``"PETITION_PROCESSING_ON_TIME"``);
        they win over any rate given.

    Returns
    -------
    DataFrame
        One row per indicator, columns :data:`SCORE_COLUMNS`: ``points = max_points × min(1, rate / threshold)``
        (NaN when unknown), ``known``, ``rate_source`` (``"override"``, ``"code"``, ``"rate_column"``,
        ``"no_denominator"``, ``"zero_weight"`` or NA), ``portal_group``, ``metric_code``.

    Examples
    --------
    >>> s = score_766({"full_online_rate": 0.2978, "progress_766_rate": 1.0})
    >>> s.set_index("code").loc[["2.1", "3"], "points"].round(4).tolist()
    [20.0, 7.15]
    >>> s = score_766({}, no_denominator=["PETITION_PROCESSING_ON_TIME", "5.2"])
    >>> s.set_index("code").loc[["5.1", "5.2", "5.3"], "points"].tolist()
    [6.0, 6.0, nan]
    """
    table = bundled_indicators() if indicators is None else indicators
    given = _as_mapping(rates)
    forced = dict(overrides or {})
    empty = {str(x) for x in no_denominator}
    for c in OPTIONAL_COLUMNS:
        if c not in table.columns:
            table = table.assign(**{c: pd.NA})
    metric_codes = set(table["metric_code"].dropna()) - {"GROUP"}
    known_names = set(table["code"]) | set(table["rate_column"].dropna())
    for name in empty:
        if name not in set(table["code"]) | metric_codes:
            raise InputError(
                f"Không có chỉ số 766 nào có mã «{name}»",
                f"No 766 indicator has the code {name!r}",
                value=name,
            )
    for name in forced:
        if name not in known_names:
            raise InputError(
                f"Không có chỉ số 766 nào có mã hoặc tỷ lệ «{name}»",
                f"No 766 indicator has the code or rate {name!r}",
                value=name,
            )
    records = []
    for _, ind in table.iterrows():
        code, column = str(ind["code"]), ind["rate_column"]
        has_column = not pd.isna(column)
        rate, source = float("nan"), pd.NA
        for name, where, pool in (
            (code, "override", forced),
            (column, "override", forced),
            (code, "code", given),
            (column, "rate_column", given),
        ):
            if name is pd.NA or (name == column and not has_column) or name not in pool:
                continue
            candidate = _rate(pool[name], str(name))
            if candidate == candidate:
                rate, source = candidate, where
                break
        metric = ind["metric_code"]
        if float(ind["max_points"]) == 0:
            rate, source = (rate, source) if rate == rate else (float("nan"), "zero_weight")
            points = 0.0
        elif code in empty or (not pd.isna(metric) and metric in empty):
            full = ind["no_denominator"] == "full"
            rate, source = (1.0, "no_denominator") if full else (float("nan"), pd.NA)
            points = float(ind["max_points"]) if full else float("nan")
        else:
            points = indicator_points(float(ind["max_points"]), float(ind["threshold"]), rate)
        known = points == points
        records.append(
            {
                "group_code": ind["group_code"],
                "group_name": ind["group_name"],
                "code": code,
                "name": ind["name"],
                "rate_column": column,
                "rate": rate,
                "rate_source": source,
                "threshold": float(ind["threshold"]),
                "max_points": float(ind["max_points"]),
                "points": points,
                "known": known,
                "confidence": ind["confidence"],
                "portal_group": ind["portal_group"],
                "metric_code": metric,
            }
        )
    return pd.DataFrame.from_records(records, columns=list(SCORE_COLUMNS))


def summarise_766(scored: pd.DataFrame) -> pd.DataFrame:
    """Group and total scores of a scored unit.

    Parameters
    ----------
    scored : DataFrame
        From :func:`score_766`.

    Returns
    -------
    DataFrame
        One row per group in table order, then a total row (``group_code == "total"``, ``group_name ==
        "Tổng"``); columns :data:`SUMMARY_COLUMNS`: ``points`` is the sum over known indicators (NaN when none is
        known), ``known_max_points`` their maximum, ``upper_bound`` the points if every unknown indicator scored
        its maximum, ``unknown_codes`` / ``unknown_names`` the unknown indicators (``", "`` / ``"; "``-joined);
        0-point rows (5.a, 5.b) are not counted.
    """

    def block(code: object, name: object, rows: pd.DataFrame) -> dict[str, object]:
        rows = rows[rows["max_points"] > 0]  # the 0-point classification rows count for nothing
        known = rows[rows["known"].astype(bool)]
        unknown = rows[~rows["known"].astype(bool)]
        points = float(known["points"].sum()) if len(known) else float("nan")
        return {
            "group_code": code,
            "group_name": name,
            "max_points": float(rows["max_points"].sum()),
            "known_max_points": float(known["max_points"].sum()),
            "points": points,
            "upper_bound": (0.0 if points != points else points) + float(unknown["max_points"].sum()),
            "n_indicators": len(rows),
            "n_known": len(known),
            "unknown_codes": ", ".join(unknown["code"].astype(str)),
            "unknown_names": "; ".join(unknown["name"].astype(str)),
        }

    out = [
        block(code, rows["group_name"].iloc[0], rows)
        for code, rows in scored.groupby("group_code", sort=False)
    ]
    out.append(block(TOTAL_CODE, "Tổng", scored))
    result = pd.DataFrame(out, columns=list(SUMMARY_COLUMNS))
    result["n_indicators"] = result["n_indicators"].astype("int64")
    result["n_known"] = result["n_known"].astype("int64")
    return result


def _find_indicator(table: pd.DataFrame, indicator: str) -> pd.Series:
    by_code = table[table["code"] == str(indicator)]
    if len(by_code) == 1:
        return by_code.iloc[0]
    by_rate = table[table["rate_column"] == str(indicator)]
    if len(by_rate) == 1:
        return by_rate.iloc[0]
    raise InputError(
        f"Không có đúng một chỉ số 766 có mã hoặc tỷ lệ «{indicator}» (các mã: {', '.join(table['code'])})",
        f"No single 766 indicator has the code or rate {indicator!r}",
        value=indicator,
    )


def _peer_scores(peers: pd.DataFrame | pd.Series, unit: str | None) -> pd.Series:
    if isinstance(peers, pd.Series):
        scores = peers if unit is None else peers[peers.index.astype(str) != unit]
    else:
        if "total_score" not in peers.columns:
            raise InputError(
                "Bảng đơn vị so sánh cần cột total_score",
                "The peers table needs a total_score column",
                column="total_score",
            )
        frame = (
            peers if unit is None or "unit" not in peers.columns else peers[peers["unit"].astype(str) != unit]
        )
        scores = frame["total_score"]
    return pd.to_numeric(scores, errors="coerce").dropna().reset_index(drop=True)


def _rank_among(score: float, peers: pd.Series) -> int:
    """Standard competition rank of ``score`` among ``peers`` and itself: 1 + peers strictly higher."""
    return 1 + int((peers > score).sum())


def what_if(
    rates: Mapping[str, float] | pd.Series | pd.DataFrame | None,
    indicator: str,
    new_rate: float,
    peers: pd.DataFrame | pd.Series | None = None,
    *,
    current_total: float | None = None,
    unit: str | None = None,
    indicators: pd.DataFrame | None = None,
) -> dict[str, object]:
    """Points gained if one indicator reached ``new_rate``, and the rank that would give among peers.

    Parameters
    ----------
    rates : mapping, Series or one-row DataFrame
        The unit's current rates (as for :func:`score_766`).
    indicator : str
        An indicator code (``"3"``, ``"6.4"``) or the rate that fills it (``"full_online_rate"``).
    new_rate : float
        The rate reached, a fraction (0.5 for 50 %).
    peers : DataFrame or Series, optional
        Other units' known total scores: a frame with ``total_score`` (and ``unit``, to drop the unit itself), or
        a Series of scores. Units without a score are ignored.
    current_total : float, optional
        The unit's actual total score (from the portal). Without it the total is the computed one, which exists
        only when every indicator is known; ranks need a total.
    unit : str, optional
        The unit's name, dropped from ``peers``.
    indicators : DataFrame, optional
        From :func:`load_indicators` (default: :func:`bundled_indicators`, read once per process).

    Returns
    -------
    dict
        ``code, name, rate_column, rate_before, rate_after, max_points, points_before, points_after,
        points_gained, known_points_before, known_points_after, total_before, total_after, rank_before,
        rank_after, n_ranked, message`` (ranks by standard competition ranking among the peers and the unit;
        NA when they cannot be computed; ``message`` says it all in Vietnamese).

    Examples
    --------
    >>> r = what_if({"full_online_rate": 0.2978}, "full_online_rate", 0.5)
    >>> round(r["points_before"], 4), r["points_after"], round(r["points_gained"], 4)
    (7.15, 12.0, 4.85)
    """
    table = bundled_indicators() if indicators is None else indicators
    ind = _find_indicator(table, indicator)
    new_rate = _rate(new_rate, "new_rate")
    if new_rate != new_rate:
        raise InputError("Cần một tỷ lệ mới để tính giả định", "new_rate is missing")
    before = score_766(rates, table)
    after = score_766(rates, table, overrides={str(ind["code"]): new_rate})
    row_b = before.set_index("code").loc[str(ind["code"])]
    row_a = after.set_index("code").loc[str(ind["code"])]
    gained = row_a["points"] - row_b["points"]
    known_b = float(before["points"].sum(min_count=1))
    known_a = float(after["points"].sum(min_count=1))
    if current_total is not None and not pd.isna(current_total):
        total_b = float(current_total)
        total_a = float(total_b + gained) if gained == gained else float("nan")
    elif bool(before["known"].all()):
        total_b, total_a = known_b, known_a
    else:
        total_b = total_a = float("nan")
    rank_b = rank_a = n_ranked = pd.NA
    if peers is not None and total_b == total_b and total_a == total_a:
        scores = _peer_scores(peers, unit)
        rank_b, rank_a = _rank_among(total_b, scores), _rank_among(total_a, scores)
        n_ranked = len(scores) + 1
    result = {
        "code": str(ind["code"]),
        "name": ind["name"],
        "rate_column": ind["rate_column"],
        "rate_before": float(row_b["rate"]),
        "rate_after": new_rate,
        "max_points": float(ind["max_points"]),
        "points_before": float(row_b["points"]),
        "points_after": float(row_a["points"]),
        "points_gained": float(gained),
        "known_points_before": known_b,
        "known_points_after": known_a,
        "total_before": total_b,
        "total_after": total_a,
        "rank_before": rank_b,
        "rank_after": rank_a,
        "n_ranked": n_ranked,
    }
    result["message"] = _what_if_message(result, peers is not None)
    return result


def _what_if_message(r: dict[str, object], has_peers: bool) -> str:
    from cchc_analysis.ranking import describe_change

    head = f"Nếu chỉ số {r['code']} «{r['name']}» đạt {fmt_pct(r['rate_after'], 2)}"
    if r["rate_before"] != r["rate_before"]:
        text = (
            f"{head}, chỉ số được {fmt_number(r['points_after'], 2)}/{fmt_number(r['max_points'], 0)} điểm; "
            "chưa biết tỷ lệ hiện nay nên chưa tính được số điểm tăng thêm."
        )
    else:
        gained = float(r["points_gained"])
        change = (
            f"tăng {fmt_number(gained, 2)} điểm"
            if gained > 0
            else f"giảm {fmt_number(-gained, 2)} điểm"
            if gained < 0
            else "không thay đổi điểm"
        )
        text = (
            f"{head} (hiện nay {fmt_pct(r['rate_before'], 2)}), chỉ số được "
            f"{fmt_number(r['points_after'], 2)}/{fmt_number(r['max_points'], 0)} điểm thay vì "
            f"{fmt_number(r['points_before'], 2)} điểm: {change}."
        )
    if r["total_before"] == r["total_before"]:
        text += (
            f" Tổng điểm: từ {fmt_number(r['total_before'], 2)} lên {fmt_number(r['total_after'], 2)}."
            if r["total_after"] >= r["total_before"]
            else f" Tổng điểm: từ {fmt_number(r['total_before'], 2)} xuống {fmt_number(r['total_after'], 2)}."
        )
    if has_peers:
        if r["rank_before"] is pd.NA:
            text += " Chưa xếp hạng được trong nhóm so sánh vì chưa biết tổng điểm hiện nay của đơn vị."
        else:
            n = fmt_int(r["n_ranked"])
            moved = describe_change(int(r["rank_before"]) - int(r["rank_after"]))
            text += (
                f" Thứ hạng trong {n} đơn vị có điểm: từ {fmt_int(r['rank_before'])}/{n} "
                f"thành {fmt_int(r['rank_after'])}/{n}, {moved}."
            )
    return text
