"""Seeded synthetic dossier data, and writers that make it look like a one-stop system's export.

Dossier-level data of the 2026 inspection does not exist publicly (SPEC §6). This module makes:

- :func:`generate_notice_sample` — the dossiers of the Đại Sơn commune service center for 01/01–13/04/2026,
  built so that their aggregates equal the figures of the inspection notice *exactly* (counts are fixed first,
  then assigned to dossiers; nothing depends on luck);
- :func:`generate_dossiers` — N dossiers of many communes for tests and benchmarks (vectorised, tens of
  millions of rows);
- :func:`to_raw_export` / :func:`to_parquet` — files as analysts get them (Vietnamese headers and values, title
  lines above the header, optional fake personal data) or as the package stores them.

Every synthetic file is marked as such: the title line says "DỮ LIỆU MÔ PHỎNG", the parquet schema metadata has
``cchc_synthetic=true``, and the writers refuse a file name without "mo_phong" or "synthetic".
Same seed, same bytes: ``python -m cchc_analysis.synthetic --notice data/synthetic/dossiers_dai_son_2026_mo_phong.csv``
regenerates the bundled file.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import functools
import io
import sys
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.outputs import atomic_path, atomic_write_bytes
from cchc_analysis.periods import parse_day
from cchc_analysis.resources import bundled_dir_or_expected
from cchc_analysis.schema import (
    CANONICAL_COLUMNS,
    CHANNEL_LABELS_VI,
    CHANNELS,
    SATISFACTION_LABELS_VI,
    SATISFACTION_LEVELS,
    STATUS_NAMES,
    VULNERABLE_GROUP_LABELS_VI,
)

# ---------------------------------------------------------------------------------------------------------------
# Working-day calendar
# ---------------------------------------------------------------------------------------------------------------

#: Weekdays (Mon–Fri) on which public servants did not work, 2025–2026 [confirmed in the published holiday
#: schedules; other years fall back to :data:`FIXED_HOLIDAYS`].
PUBLIC_HOLIDAYS: tuple[str, ...] = (
    # 2025
    "2025-01-01",  # Tết Dương lịch
    "2025-01-27",  # Tết Ất Tỵ: nghỉ từ thứ Bảy 25/01 đến hết Chủ nhật 02/02/2025
    "2025-01-28",
    "2025-01-29",
    "2025-01-30",
    "2025-01-31",
    "2025-04-07",  # Giỗ Tổ Hùng Vương (10/3 âm lịch)
    "2025-04-30",
    "2025-05-01",
    "2025-05-02",  # hoán đổi, làm bù thứ Bảy 26/04/2025
    "2025-09-01",  # Quốc khánh: nghỉ từ 30/08 đến hết 02/09/2025
    "2025-09-02",
    # 2026
    "2026-01-01",  # Tết Dương lịch: nghỉ từ thứ Năm 01/01 đến hết Chủ nhật 04/01/2026 (văn bản 12729/VPCP-KGVX)
    "2026-01-02",  # hoán đổi, làm bù thứ Bảy 10/01/2026
    "2026-02-16",  # Tết Bính Ngọ: nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026 (9 ngày liên tục)
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-04-27",  # Giỗ Tổ Hùng Vương 26/04/2026 là Chủ nhật: nghỉ bù thứ Hai 27/04
    "2026-04-30",
    "2026-05-01",
    "2026-09-02",  # Quốc khánh; ngày nghỉ liền kề thứ hai chưa đưa vào
)

#: Saturdays worked in exchange for a weekday off (ngày làm bù).
MAKEUP_WORKING_DAYS: tuple[str, ...] = ("2025-04-26", "2026-01-10")

#: Fixed solar-calendar holidays (month-day), used for years not covered by :data:`PUBLIC_HOLIDAYS`.
FIXED_HOLIDAYS: tuple[str, ...] = ("01-01", "04-30", "05-01", "09-02")
_KNOWN_YEARS = frozenset(int(d[:4]) for d in PUBLIC_HOLIDAYS)


def working_days(start: object, end: object) -> np.ndarray:
    """Working days from ``start`` to ``end`` (both inclusive), as a sorted ``datetime64[D]`` array.

    Monday–Friday, less the public holidays, plus the make-up Saturdays.

    Examples
    --------
    >>> days = working_days("2026-02-13", "2026-02-23")
    >>> [str(d) for d in days]
    ['2026-02-13', '2026-02-23']
    """
    first = np.datetime64(parse_day(start), "D")
    last = np.datetime64(parse_day(end), "D")
    days = np.arange(first, last + 1, dtype="datetime64[D]")
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    off = set(PUBLIC_HOLIDAYS)
    years = range(int(str(first)[:4]), int(str(last)[:4]) + 1)
    off.update(f"{y}-{md}" for y in years if y not in _KNOWN_YEARS for md in FIXED_HOLIDAYS)
    holiday = np.isin(days, np.array(sorted(off), dtype="datetime64[D]"))
    makeup = np.isin(days, np.array(MAKEUP_WORKING_DAYS, dtype="datetime64[D]"))
    return days[((weekday < 5) & ~holiday) | makeup]


# ---------------------------------------------------------------------------------------------------------------
# Procedures
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticProcedure:
    """One administrative procedure as the generator uses it.

    ``days`` is the processing time configured in the system, in working days (the due date is the ``days``-th
    working day after receipt); ``share`` the relative volume at a commune service center; ``full_online`` the
    relative propensity to be filed fully online (0: the citizen must appear in person, e.g. to sign).
    """

    field: str
    procedure: str
    source_system: str
    days: int
    fee: bool
    share: float
    full_online: float


_TU_PHAP = "Bộ Tư pháp"
_HP = "HTTT giải quyết TTHC Hải Phòng"

#: Procedures handled by a commune service center, with the systems that record them (as in the notice: Bộ Tư
#: pháp for civil status and authentication, Bộ Y tế for social protection, Bộ Nội vụ for people with
#: meritorious services, Bộ Tài chính for household businesses, Bộ Xây dựng for building permits, Hải Phòng's
#: TTHC system for land). Processing times are plausible configured values, not a legal reference: hộ tịch and
#: chứng thực are "trong ngày" in law but the systems give the next working day as the due date.
PROCEDURES: tuple[SyntheticProcedure, ...] = (
    SyntheticProcedure("Hộ tịch", "Đăng ký khai sinh", _TU_PHAP, 1, False, 8.0, 3.0),
    SyntheticProcedure("Hộ tịch", "Đăng ký khai tử", _TU_PHAP, 1, False, 3.0, 3.0),
    SyntheticProcedure("Hộ tịch", "Đăng ký kết hôn", _TU_PHAP, 3, False, 2.5, 0.0),
    SyntheticProcedure("Hộ tịch", "Cấp bản sao trích lục hộ tịch", _TU_PHAP, 1, True, 12.0, 4.0),
    SyntheticProcedure("Hộ tịch", "Cấp Giấy xác nhận tình trạng hôn nhân", _TU_PHAP, 3, True, 8.0, 3.0),
    SyntheticProcedure(
        "Hộ tịch", "Thay đổi, cải chính, bổ sung thông tin hộ tịch", _TU_PHAP, 3, True, 2.0, 1.0
    ),
    SyntheticProcedure("Hộ tịch", "Đăng ký lại khai sinh", _TU_PHAP, 5, True, 1.0, 0.5),
    SyntheticProcedure("Hộ tịch", "Đăng ký nhận cha, mẹ, con", _TU_PHAP, 3, True, 0.5, 0.0),
    SyntheticProcedure(
        "Chứng thực", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", _TU_PHAP, 1, True, 28.0, 0.0
    ),
    SyntheticProcedure(
        "Chứng thực", "Chứng thực chữ ký trong các giấy tờ, văn bản", _TU_PHAP, 1, True, 7.0, 0.0
    ),
    SyntheticProcedure(
        "Chứng thực", "Cấp bản sao điện tử được chứng thực từ bản chính", _TU_PHAP, 1, True, 3.0, 0.0
    ),
    SyntheticProcedure(
        "Chứng thực",
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở",
        _TU_PHAP,
        2,
        True,
        2.5,
        0.0,
    ),
    SyntheticProcedure(
        "Chứng thực",
        "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng đất, nhà ở",
        _TU_PHAP,
        2,
        True,
        0.8,
        0.0,
    ),
    SyntheticProcedure("Chứng thực", "Chứng thực di chúc", _TU_PHAP, 2, True, 0.4, 0.0),
    SyntheticProcedure(
        "Đất đai",
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        _HP,
        10,
        True,
        3.5,
        0.3,
    ),
    SyntheticProcedure(
        "Đất đai",
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, "
        "quyền sở hữu tài sản gắn liền với đất lần đầu",
        _HP,
        20,
        True,
        1.2,
        0.0,
    ),
    SyntheticProcedure(
        "Đất đai", "Chuyển mục đích sử dụng đất đối với hộ gia đình, cá nhân", _HP, 15, True, 1.0, 0.0
    ),
    SyntheticProcedure("Đất đai", "Hòa giải tranh chấp đất đai", _HP, 30, False, 0.5, 0.0),
    SyntheticProcedure(
        "Hoạt động xây dựng",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "Bộ Xây dựng",
        15,
        True,
        1.5,
        0.5,
    ),
    SyntheticProcedure(
        "Hoạt động xây dựng",
        "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ",
        "Bộ Xây dựng",
        15,
        True,
        0.4,
        0.3,
    ),
    SyntheticProcedure(
        "Bảo trợ xã hội",
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, "
        "hỗ trợ kinh phí chăm sóc, nuôi dưỡng hàng tháng",
        "Bộ Y tế",
        10,
        False,
        2.0,
        1.0,
    ),
    SyntheticProcedure(
        "Bảo trợ xã hội",
        "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        "Bộ Y tế",
        3,
        False,
        0.6,
        1.0,
    ),
    SyntheticProcedure(
        "Bảo trợ xã hội",
        "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        "Bộ Y tế",
        20,
        False,
        0.6,
        0.3,
    ),
    SyntheticProcedure(
        "Người có công", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Bộ Nội vụ", 12, False, 0.4, 1.0
    ),
    SyntheticProcedure(
        "Người có công",
        "Giải quyết chế độ mai táng phí, trợ cấp một lần khi người có công với cách mạng từ trần",
        "Bộ Nội vụ",
        12,
        False,
        0.8,
        1.0,
    ),
    SyntheticProcedure(
        "Thành lập và hoạt động của hộ kinh doanh",
        "Đăng ký thành lập hộ kinh doanh",
        "Bộ Tài chính",
        3,
        True,
        2.4,
        4.0,
    ),
    SyntheticProcedure(
        "Thành lập và hoạt động của hộ kinh doanh",
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "Bộ Tài chính",
        3,
        True,
        1.3,
        4.0,
    ),
    SyntheticProcedure(
        "Thành lập và hoạt động của hộ kinh doanh",
        "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
        "Bộ Tài chính",
        3,
        False,
        0.6,
        4.0,
    ),
    SyntheticProcedure(
        "Thành lập và hoạt động của hộ kinh doanh",
        "Chấm dứt hoạt động hộ kinh doanh",
        "Bộ Tài chính",
        3,
        False,
        0.5,
        4.0,
    ),
)


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


_FIELDS = _unique([p.field for p in PROCEDURES])
_SYSTEMS = _unique([p.source_system for p in PROCEDURES])
_PROC_NAMES = [p.procedure for p in PROCEDURES]
_PROC_FIELD = np.array([_FIELDS.index(p.field) for p in PROCEDURES], dtype=np.int8)
_PROC_SYSTEM = np.array([_SYSTEMS.index(p.source_system) for p in PROCEDURES], dtype=np.int8)
_PROC_DAYS = np.array([p.days for p in PROCEDURES], dtype=np.int32)
_PROC_FEE = np.array([p.fee for p in PROCEDURES], dtype=bool)
_PROC_SHARE = np.array([p.share for p in PROCEDURES], dtype=np.float64)
_PROC_FULL_ONLINE = np.array([p.full_online for p in PROCEDURES], dtype=np.float64)

# ---------------------------------------------------------------------------------------------------------------
# The notice-calibrated sample
# ---------------------------------------------------------------------------------------------------------------

NOTICE_UNIT = "Trung tâm PVHCC xã Đại Sơn"
NOTICE_SEED = 2026
NOTICE_ID_PREFIX = "H33.105"  # a made-up agency code in the style of the one-stop systems' dossier codes
#: The bundled sample, relative to the repository root (written by ``python -m cchc_analysis.synthetic --notice``).
BUNDLED_NOTICE_FILE = "data/synthetic/dossiers_dai_son_2026_mo_phong.csv"
NOTICE_START = date(2026, 1, 1)
NOTICE_END = date(2026, 4, 13)

#: The notice's printed figures (``data/notice_2026/reported_figures.csv``), the one source of the sample's totals.
NOTICE_FIGURES = bundled_dir_or_expected("data") / "notice_2026" / "reported_figures.csv"


def notice_targets(path: str | Path = NOTICE_FIGURES) -> dict[str, int]:
    """The aggregates the notice sample reproduces exactly (SPEC §6): the notice's printed counts, read from
    ``path``, and the counts derived from them, here and only here.

    Printed: received, resolved, early, late, petitions. Derived: on time = resolved − early − late; pending =
    received − resolved; full-process online = the printed rate × received, rounded; partial online = the rest
    of the (all online) receipts; data reused = the count nearest the printed reuse rate (99,78 % is not
    attainable over 3.099: 3.092 gives 99,77 %).

    Examples
    --------
    >>> t = notice_targets()
    >>> t["on_time"], t["pending_within"], t["full_online"], t["partial_online"], t["data_reused"]
    (11, 19, 923, 2176, 3092)
    """
    from cchc_analysis.reported import read_reported_figures

    figures = read_reported_figures(path).set_index("key")["value"].astype(float)
    received, resolved = int(figures["received"]), int(figures["resolved"])
    early, late = int(figures["early"]), int(figures["late"])
    full_online = round(float(figures["full_online_rate"]) / 100 * received)
    return {
        "dossiers": received,
        "resolved": resolved,
        "early": early,
        "on_time": resolved - early - late,
        "late": late,
        "pending_within": received - resolved,
        "full_online": full_online,
        "partial_online": received - full_online,
        "data_reused": round(float(figures["reuse_rate"]) / 100 * received),
        "complaint": int(figures["petitions"]),
    }


#: Officers as pseudonymous codes (never names), by the field they are assigned to (the notice: "phân công nhiệm
#: vụ cụ thể cho ... công chức phụ trách từng lĩnh vực").
_NOTICE_OFFICERS: dict[str, tuple[int, ...]] = {
    "Hộ tịch": (4, 5, 6),
    "Chứng thực": (1, 2, 3),
    "Đất đai": (7, 8),
    "Hoạt động xây dựng": (8,),
    "Bảo trợ xã hội": (9,),
    "Người có công": (9,),
    "Thành lập và hoạt động của hộ kinh doanh": (10,),
}
#: Staff turnover ("nhân sự thường xuyên biến động"): (officer who leaves, replacement, first day of the replacement).
_NOTICE_TURNOVER: tuple[tuple[int, int, str], ...] = ((5, 11, "2026-03-02"), (3, 12, "2026-03-16"))

_MIN_PER_DAY = 20  # more than the 19 open dossiers, so that the last day alone can hold them all
_OPEN_HOUR_MINUTES = ((450, 690), (810, 1020))  # 07:30–11:30 and 13:30–17:00
_DUE_MINUTE = 17 * 60


def _day_weights(days: np.ndarray) -> np.ndarray:
    """Relative daily volume: busier on Mondays and before Tết, quiet just after it and on a make-up Saturday."""
    weekday = (days.astype(np.int64) + 3) % 7
    w = np.array([12.0, 11.0, 10.0, 10.0, 9.0, 5.0, 5.0])[weekday]
    pre_tet = (days >= np.datetime64("2026-01-26")) & (days <= np.datetime64("2026-02-13"))
    post_tet = (days >= np.datetime64("2026-02-23")) & (days <= np.datetime64("2026-02-27"))
    return w * np.where(pre_tet, 1.3, 1.0) * np.where(post_tet, 0.8, 1.0)


def _office_minutes(rng: np.random.Generator, size: int, *, morning_percent: int = 58) -> np.ndarray:
    """Minutes after midnight within office hours (integer draws only, so the result is the same everywhere)."""
    (m0, m1), (a0, a1) = _OPEN_HOUR_MINUTES
    morning = rng.integers(0, 100, size) < morning_percent
    return np.where(morning, rng.integers(m0, m1, size), rng.integers(a0, a1, size)).astype(np.int64)


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` into whole numbers that add up to ``total``."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _pick(rng: np.random.Generator, pool: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct row positions out of the boolean ``pool``, drawn with ``weights``; sorted."""
    candidates = np.flatnonzero(pool)
    if len(candidates) < k:  # cannot happen with the sample's construction; guard against future edits
        raise RuntimeError(f"only {len(candidates)} candidates for {k} dossiers")
    w = weights[candidates].astype(np.float64)
    return np.sort(rng.choice(candidates, size=k, replace=False, p=w / w.sum()))


def _at(days: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """``datetime64[us]`` timestamps from calendar days and minutes after midnight."""
    return days.astype("datetime64[us]") + minutes.astype("timedelta64[m]")


def generate_notice_sample(seed: int = NOTICE_SEED) -> pd.DataFrame:
    """Synthetic dossiers of the Đại Sơn commune service center, 01/01–13/04/2026, calibrated to the notice.

    The counts are exact for every seed (the seed only changes which dossier is which): 3.099 dossiers received
    on working days of the period, none carried over; 3.080 resolved by 13/04/2026 — 3.067 early, 11 on time,
    2 late — and 19 open, all within their deadline; 923 full-process online and 2.176 partly online; all
    digitised; every fee paid online; 3.092 reusing digitised data; 2 petitions (on the 2 late dossiers, whose
    owners also rated the service "Không hài lòng"); no home delivery yet (Plan 126/KH-UBND is dated 13/04/2026).

    Parameters
    ----------
    seed : int
        Seed of the random generator; the same seed gives the same frame.

    Returns
    -------
    pandas.DataFrame
        One row per dossier, canonical columns and dtypes (see ``docs/architecture.md``), sorted by receipt.
        ``attrs["cchc_synthetic"]`` is True; ``attrs`` also records the seed and the period.

    Examples
    --------
    >>> df = generate_notice_sample()
    >>> len(df), int((df["channel"] == "full_online").sum())
    (3099, 923)
    """
    rng = np.random.default_rng(seed)
    t = notice_targets()
    n = t["dossiers"]
    cal = working_days(NOTICE_START, date(NOTICE_END.year, 12, 31))
    cutoff_idx = int(np.searchsorted(cal, np.datetime64(NOTICE_END, "D")))
    n_days = cutoff_idx + 1  # receipt days: 01/01 .. 13/04/2026

    # Receipt: a floor per working day, the rest spread by the day weights; sorted by time within the day.
    extra = rng.choice(n_days, size=n - _MIN_PER_DAY * n_days, p=_normalised(_day_weights(cal[:n_days])))
    per_day = _MIN_PER_DAY + np.bincount(extra, minlength=n_days)
    recv_idx = np.repeat(np.arange(n_days), per_day)
    recv_min = _office_minutes(rng, n)
    order = np.lexsort((recv_min, recv_idx))
    recv_idx, recv_min = recv_idx[order], recv_min[order]

    # Procedure mix: exact counts by share, shuffled over the dossiers.
    proc = rng.permutation(np.repeat(np.arange(len(PROCEDURES)), _largest_remainder(n, _PROC_SHARE)))
    field = _PROC_FIELD[proc]
    k = _PROC_DAYS[proc].astype(np.int64)
    due_idx = recv_idx + k

    # Outcomes: choose the open, late and on-time dossiers first; every other one is resolved early.
    paper_heavy = np.isin(field, [_FIELDS.index("Hộ tịch"), _FIELDS.index("Chứng thực")])
    open_w = (1.0 + 2.0 * (k >= 3)) * np.where(recv_idx == cutoff_idx, 3.0, 1.0)
    is_open = np.zeros(n, dtype=bool)
    is_open[_pick(rng, due_idx >= cutoff_idx, open_w, t["pending_within"])] = True
    is_late = np.zeros(n, dtype=bool)
    # The notice blames the shared civil-status software and the e-authentication system for late returns.
    is_late[_pick(rng, ~is_open & (due_idx < cutoff_idx) & paper_heavy, np.ones(n), t["late"])] = True
    is_on_time = np.zeros(n, dtype=bool)
    on_time_w = np.where(paper_heavy, 1.0, 3.0)
    is_on_time[_pick(rng, ~is_open & ~is_late & (due_idx <= cutoff_idx), on_time_w, t["on_time"])] = True
    is_early = ~(is_open | is_late | is_on_time)

    # Resolution day: early ones between receipt and the day before the due date (skewed towards quick work),
    # on-time ones on the due date, late ones 1–3 working days after it; never after 13/04/2026.
    span = np.minimum(due_idx - 1, cutoff_idx) - recv_idx
    quick = np.minimum(rng.integers(0, span + 1), rng.integers(0, span + 1))
    late_by = 1 + rng.integers(0, np.minimum(3, np.maximum(cutoff_idx - due_idx, 1)))
    res_idx = np.where(is_early, recv_idx + quick, np.where(is_on_time, due_idx, due_idx + late_by))
    res_idx = np.where(is_open, 0, res_idx)
    same_day = res_idx == recv_idx
    res_min = np.where(
        same_day,
        np.minimum(recv_min + rng.integers(5, 121, n), 17 * 60 + 30),
        np.where(is_on_time, rng.integers(14 * 60, _DUE_MINUTE, n), _office_minutes(rng, n)),
    )

    # Channel: exactly 923 full-process online, drawn where the procedure allows it.
    full_online = np.zeros(n, dtype=bool)
    full_online[_pick(rng, _PROC_FULL_ONLINE[proc] > 0, _PROC_FULL_ONLINE[proc], t["full_online"])] = True
    channel_code = np.where(full_online, CHANNELS.index("full_online"), CHANNELS.index("partial_online"))

    # Data reuse: 7 dossiers whose documents were all new (land and building files more often).
    not_reused_w = np.where(
        np.isin(field, [_FIELDS.index("Đất đai"), _FIELDS.index("Hoạt động xây dựng")]), 5.0, 1.0
    )
    reused = np.ones(n, dtype=bool)
    reused[_pick(rng, np.ones(n, dtype=bool), not_reused_w, n - t["data_reused"])] = False

    # Satisfaction: about one resolved dossier in five is rated; the two late ones drew a petition and a
    # "Không hài lòng", which keeps complaint == dissatisfied (SPEC §2: a petition or a dissatisfied flag).
    complaint = is_late.copy()
    rated = (~is_open & (rng.integers(0, 100, n) < 20)) | complaint
    very = rng.integers(0, 100, n) < 78
    sat_code = np.where(
        complaint,
        SATISFACTION_LEVELS.index("dissatisfied"),
        np.where(very, SATISFACTION_LEVELS.index("very_satisfied"), SATISFACTION_LEVELS.index("satisfied")),
    )
    sat_code = np.where(rated, sat_code, -1)

    # Officers by field, with the two staff changes of the period.
    officer = np.zeros(n, dtype=np.int64)
    slot = rng.integers(0, 6, n)
    for f, codes in _NOTICE_OFFICERS.items():
        mine = field == _FIELDS.index(f)
        officer[mine] = np.array(codes)[slot[mine] % len(codes)]
    for leaver, newcomer, first_day in _NOTICE_TURNOVER:
        officer[(officer == leaver) & (cal[recv_idx] >= np.datetime64(first_day))] = newcomer

    fee = _PROC_FEE[proc]
    received_day = cal[recv_idx]
    seq = np.arange(n) - np.repeat(np.cumsum(per_day) - per_day, per_day) + 1
    ids = [
        f"{NOTICE_ID_PREFIX}-{d:%y%m%d}-{s:04d}"
        for d, s in zip(received_day.astype("datetime64[D]").tolist(), seq.tolist(), strict=True)
    ]
    resolved = _at(cal[res_idx], res_min)
    resolved[is_open] = np.datetime64("NaT")

    df = pd.DataFrame(
        {
            "dossier_id": pd.array(ids, dtype="string"),
            "received_at": _at(received_day, recv_min),
            "due_at": _at(cal[due_idx], np.full(n, _DUE_MINUTE)),
            "resolved_at": resolved,
            "procedure": pd.array(np.array(_PROC_NAMES, dtype=object)[proc], dtype="string"),
            "field": pd.array(np.array(_FIELDS, dtype=object)[field], dtype="string"),
            "unit": pd.array([NOTICE_UNIT] * n, dtype="string"),
            "source_system": pd.array(np.array(_SYSTEMS, dtype=object)[_PROC_SYSTEM[proc]], dtype="string"),
            "channel": pd.Categorical.from_codes(channel_code, categories=list(CHANNELS)),
            "status": pd.array(np.where(is_open, 4, 10), dtype="Int8"),
            "digitized": pd.array(np.ones(n, dtype=bool), dtype="boolean"),
            "data_reused": pd.array(reused, dtype="boolean"),
            "fee_required": pd.array(fee, dtype="boolean"),
            "paid_online": pd.array(fee, dtype="boolean"),
            "officer": pd.array([f"Công chức {o:02d}" for o in officer.tolist()], dtype="string"),
            "satisfaction": pd.Categorical.from_codes(sat_code, categories=list(SATISFACTION_LEVELS)),
            "complaint": pd.array(complaint, dtype="boolean"),
            "home_delivery": pd.array(np.zeros(n, dtype=bool), dtype="boolean"),
        }
    )
    # Columns of issue 12 (return, sync, Kế hoạch 126), from a generator of their own so that every column
    # above keeps its values: no home pick-up or return yet (the plan is dated 13/04/2026).
    extra = _return_columns(np.random.default_rng([seed, 126]), cal, res_idx, is_open, field, cutoff_idx)
    df["home_pickup"] = pd.array(np.zeros(n, dtype=bool), dtype="boolean")
    df["returned_at"] = _at(cal[extra["return_idx"]], res_min)
    df.loc[extra["not_returned"], "returned_at"] = pd.NaT
    df["synced_at"] = _at(cal[extra["sync_idx"]], res_min)
    df.loc[extra["not_synced"], "synced_at"] = pd.NaT
    df["vulnerable_group"] = pd.array(extra["group"], dtype="string")
    df = df[[c for c in CANONICAL_COLUMNS if c in df.columns]]
    df.attrs.update(_attrs("generate_notice_sample", seed, NOTICE_START, NOTICE_END))
    return df


#: Working days from result to return: (share of dossiers, days), in the civil-status and authentication fields
#: (the notice's software errors) and elsewhere.
_RETURN_DELAYS_SLOW: tuple[tuple[float, int], ...] = (
    (0.62, 0),
    (0.18, 1),
    (0.08, 2),
    (0.06, 3),
    (0.04, 4),
    (0.02, 6),
)
_RETURN_DELAYS_FAST: tuple[tuple[float, int], ...] = ((0.86, 0), (0.11, 1), (0.03, 2))
#: Vulnerable groups (codes of schema.VULNERABLE_GROUPS) and their weights, for about 6 % of dossiers.
_GROUP_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("elderly", 0.45),
    ("disabled", 0.2),
    ("poor_household", 0.15),
    ("social_protection", 0.12),
    ("meritorious", 0.08),
)


def _return_columns(
    rng: np.random.Generator,
    cal: np.ndarray,
    res_idx: np.ndarray,
    is_open: np.ndarray,
    field: np.ndarray,
    cutoff_idx: int,
) -> dict[str, np.ndarray]:
    """Return and sync days (calendar positions) and vulnerable groups of the notice sample.

    Civil status (hộ tịch) and authentication (chứng thực) results are returned later and synchronised late by
    their shared software, as the notice finds; a return or sync after the cut-off is blank (not yet).
    """
    n = len(res_idx)
    slow = np.isin(field, [_FIELDS.index("Hộ tịch"), _FIELDS.index("Chứng thực")])

    def delays(table: tuple[tuple[float, int], ...]) -> np.ndarray:
        weights = np.array([w for w, _ in table])
        return np.array([d for _, d in table])[rng.choice(len(table), size=n, p=weights / weights.sum())]

    return_delay = np.where(slow, delays(_RETURN_DELAYS_SLOW), delays(_RETURN_DELAYS_FAST))
    sync_delay = delays(_RETURN_DELAYS_SLOW)
    return_idx = np.minimum(res_idx + return_delay, len(cal) - 1)
    sync_idx = np.minimum(res_idx + sync_delay, len(cal) - 1)
    codes = [g for g, _ in _GROUP_WEIGHTS]
    weights = np.array([w for _, w in _GROUP_WEIGHTS])
    drawn = np.array(codes, dtype=object)[rng.choice(len(codes), size=n, p=weights / weights.sum())]
    vulnerable = rng.random(n) < 0.06
    return {
        "return_idx": return_idx,
        "not_returned": is_open | (return_idx > cutoff_idx),
        "sync_idx": sync_idx,
        "not_synced": is_open | ~slow | (sync_idx > cutoff_idx),
        "group": np.where(vulnerable, drawn, None),
    }


def _normalised(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()


def _attrs(generator: str, seed: int, start: date, end: date) -> dict[str, object]:
    return {
        "cchc_synthetic": True,
        "generator": f"cchc_analysis.synthetic.{generator}",
        "seed": int(seed),
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
    }


# ---------------------------------------------------------------------------------------------------------------
# N dossiers for tests and benchmarks
# ---------------------------------------------------------------------------------------------------------------

_CARRY_OVER_SHARE = 0.03
_CARRY_OVER_DAYS = 21
_ABANDONED_SHARE = 0.002
_N_OFFICERS = 12
_CHUNK = 2_000_000
_BINS = 4096  # categorical draws go through lookup tables of this many bins (fast, and shares to 1/4096)
_LATE_BY_WEIGHTS = (35, 23, 15, 10, 7, 5, 3, 2)  # working days late: 1, 2, … 8
_SATISFACTION_WEIGHTS = (73, 23.5, 3.5)  # very satisfied, satisfied, dissatisfied (of rated dossiers)


def _table(weights: Sequence[float]) -> np.ndarray:
    """A lookup table of ``_BINS`` category codes; ``table[uniform bin]`` draws with ``weights``."""
    counts = _largest_remainder(_BINS, np.asarray(weights, dtype=np.float64))
    return np.repeat(np.arange(len(counts), dtype=np.int8), counts)


def _channel_tables() -> np.ndarray:
    """One channel lookup table per procedure, flattened: full online where the procedure allows it."""
    fo = _PROC_FULL_ONLINE / _PROC_FULL_ONLINE.max() * 0.6
    weights = {
        "full_online": fo,
        "partial_online": (1 - fo) * 0.62,
        "online": np.full(len(fo), 0.02),
        "postal": np.full(len(fo), 0.01),
    }
    weights["in_person"] = 1 - sum(weights.values())
    return np.concatenate([_table([weights[c][i] for c in CHANNELS]) for i in range(len(fo))])


def _fast_office_minutes(rng: np.random.Generator, size: int) -> np.ndarray:
    """Minutes after midnight, uniform over office hours 07:30–11:30 and 13:30–17:00 (int32)."""
    m = rng.integers(0, 450, size, dtype=np.int32)
    return m + np.int32(450) + np.int32(120) * (m >= 240)


def generate_dossiers(
    n: int,
    *,
    seed: int = 0,
    start: object = "2025-01-01",
    end: object = "2025-12-31",
    units: int = 1,
    cutoff: object = None,
) -> pd.DataFrame:
    """``n`` synthetic dossiers of ``units`` communes, for tests and benchmarks.

    Fully vectorised (tens of millions of rows); text columns are categoricals (``dossier_id`` is a pyarrow
    string). About 3 % of the dossiers were received in the 21 days before ``start`` (mostly long procedures)
    and are resolved on or after it, or never (carried over). Outcomes are a realistic mix of early, on-time, late and pending;
    ``resolved_at`` is blank for dossiers not resolved by ``cutoff``, and no dossier is received after it.
    Rows are grouped by receipt day, then unit.

    Parameters
    ----------
    n : int
        Number of dossiers.
    seed : int
        Seed of the random generator; the same arguments give the same frame.
    start, end : date or str
        Receipt period of the (not carried-over) dossiers, day-first or ISO strings accepted.
    units : int
        Number of communes, named ``"Xã 0001"`` …; their sizes vary.
    cutoff : date or str, optional
        Date of the export (default ``end``): later resolutions are blank.

    Returns
    -------
    pandas.DataFrame
        Canonical columns; ``attrs["cchc_synthetic"]`` is True.

    Examples
    --------
    >>> df = generate_dossiers(1000, seed=1, units=3)
    >>> len(df), df["dossier_id"].is_unique, bool((df["due_at"] >= df["received_at"]).all())
    (1000, True, True)
    """
    if n < 0 or units < 1:
        raise ValueError("n must be >= 0 and units >= 1")
    rng = np.random.default_rng(seed)
    first, receipt_end, cal, (start_idx, end_idx, cutoff_idx) = _generator_calendar(start, end, cutoff)
    # Every step draws from ``rng`` in a fixed order: the same arguments give the same frame.
    n_carry, cell, seq, recv_idx, unit, recv_min = _receipt_cells(rng, n, units, cal, start_idx, end_idx)
    proc, k = _procedures(rng, n, n_carry)
    due_idx, res_idx, res_min, pending = _outcomes(rng, n, k, recv_idx, recv_min, start_idx, cutoff_idx)
    flags = _dossier_flags(rng, n, proc, pending)

    day_ticks = cal.astype("datetime64[us]").astype(np.int64)
    minute = np.int64(60_000_000)
    received = day_ticks[recv_idx] + recv_min * minute
    due = day_ticks[due_idx] + _DUE_MINUTE * minute
    resolved = day_ticks[res_idx] + res_min * minute
    resolved[pending] = np.iinfo(np.int64).min  # NaT
    del recv_min, res_min, due_idx, res_idx, recv_idx

    ids = _dossier_ids(cal, units, cell, seq)
    del cell, seq
    df = _generated_frame(ids, received, due, resolved, proc, unit, units, flags)
    _add_return_columns(df, np.random.default_rng([seed, 126]), resolved, pending, cutoff_idx, cal)
    df.attrs.update(_attrs("generate_dossiers", seed, first, receipt_end))
    return df


def _add_return_columns(
    df: pd.DataFrame,
    rng: np.random.Generator,
    resolved: np.ndarray,
    pending: np.ndarray,
    cutoff_idx: int,
    cal: np.ndarray,
) -> None:
    """Issue 12's columns for :func:`generate_dossiers` (a generator of their own: the other columns keep their
    values): home pick-up (0,3 %), vulnerable group (6 %), return 0–3 calendar days after the result and a sync
    date for the Ministry of Justice system, blank after the cut-off."""
    n = len(df)
    day = np.int64(86_400_000_000)
    cutoff_end = cal[cutoff_idx].astype("datetime64[us]").astype(np.int64) + day
    returned = resolved + rng.choice(4, size=n, p=[0.8, 0.12, 0.05, 0.03]).astype(np.int64) * day
    returned[pending | (returned >= cutoff_end)] = np.iinfo(np.int64).min
    synced = resolved + rng.choice(6, size=n, p=[0.6, 0.2, 0.1, 0.05, 0.03, 0.02]).astype(np.int64) * day
    justice = np.asarray(df["source_system"].cat.codes) == (
        _SYSTEMS.index(_TU_PHAP) if _TU_PHAP in _SYSTEMS else -2
    )
    synced[pending | ~justice | (synced >= cutoff_end)] = np.iinfo(np.int64).min
    no_mask = np.zeros(n, dtype=bool)
    df["home_pickup"] = pd.arrays.BooleanArray(rng.random(n, dtype=np.float32) < 0.003, no_mask)
    group = np.where(
        rng.random(n, dtype=np.float32) < 0.06, rng.integers(0, len(_GROUP_WEIGHTS), n, dtype=np.int8), -1
    ).astype(np.int8)
    df["vulnerable_group"] = pd.Categorical.from_codes(group, categories=[g for g, _ in _GROUP_WEIGHTS])
    df["returned_at"] = returned.view("datetime64[us]")
    df["synced_at"] = synced.view("datetime64[us]")


def _generator_calendar(
    start: object, end: object, cutoff: object
) -> tuple[date, date, np.ndarray, tuple[int, int, int]]:
    """The first receipt day, the last one, the working-day calendar (from the carry-over days before the start
    to the end of the cut-off's next year) and the calendar positions of the start, the last receipt day and
    the cut-off."""
    first, last = parse_day(start, what="ngày bắt đầu"), parse_day(end, what="ngày kết thúc")
    cut = last if cutoff is None else parse_day(cutoff, what="ngày chốt số liệu")
    if last < first or cut < first:
        raise ValueError("end and cutoff must not be before start")
    receipt_end = min(last, cut)
    carry_from = np.datetime64(first, "D") - np.timedelta64(_CARRY_OVER_DAYS, "D")
    cal = working_days(carry_from.astype(date), date(cut.year + 1, 12, 31))
    start_idx = int(np.searchsorted(cal, np.datetime64(first, "D")))
    end_idx = int(np.searchsorted(cal, np.datetime64(receipt_end, "D"), side="right")) - 1
    cutoff_idx = int(np.searchsorted(cal, np.datetime64(cut, "D"), side="right")) - 1
    if end_idx < start_idx:
        raise ValueError("the receipt period holds no working day")
    return first, receipt_end, cal, (start_idx, end_idx, cutoff_idx)


def _receipt_cells(
    rng: np.random.Generator, n: int, units: int, cal: np.ndarray, start_idx: int, end_idx: int
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """When and where each dossier was received: ``(n_carry, cell, seq, receipt day index, unit, minute)``.

    Counts per (receipt day, unit) cell; rows come out grouped by cell, so sequence numbers are cheap. The
    carried-over rows (received before ``start``) come first.
    """
    n_carry = round(n * _CARRY_OVER_SHARE) if start_idx > 0 else 0
    unit_w = rng.lognormal(0.0, 0.6, units) if units > 1 else np.ones(1)
    unit_w /= unit_w.sum()
    day_w = _day_weights(cal[: end_idx + 1])
    counts = np.concatenate(
        [
            rng.multinomial(n_carry, np.outer(_normalised(day_w[:start_idx]), unit_w).ravel())
            if n_carry
            else np.zeros(start_idx * units, dtype=np.int64),
            rng.multinomial(n - n_carry, np.outer(_normalised(day_w[start_idx:]), unit_w).ravel()),
        ]
    )
    cell = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    seq = np.arange(1, n + 1, dtype=np.int32) - np.repeat(
        (np.cumsum(counts) - counts).astype(np.int32), counts
    )
    recv_idx = (cell // units).astype(np.int32)
    unit = (cell % units).astype(np.int32)
    recv_min = _fast_office_minutes(rng, n)
    return n_carry, cell, seq, recv_idx, unit, recv_min


def _procedures(rng: np.random.Generator, n: int, n_carry: int) -> tuple[np.ndarray, np.ndarray]:
    """Each dossier's procedure and its deadline in working days; long procedures are the ones that span two
    periods, so the carried-over rows draw from a table weighted towards them."""
    proc = _table(_PROC_SHARE)[rng.integers(0, _BINS, n, dtype=np.int32)]
    proc[:n_carry] = _table(_PROC_SHARE * _PROC_DAYS**2)[rng.integers(0, _BINS, n_carry, dtype=np.int32)]
    return proc, _PROC_DAYS[proc]


def _outcomes(
    rng: np.random.Generator,
    n: int,
    k: np.ndarray,
    recv_idx: np.ndarray,
    recv_min: np.ndarray,
    start_idx: int,
    cutoff_idx: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Due day, resolution day and minute, and ``pending`` (not resolved by the cut-off) of each dossier.

    Early (work done before the due day), on time, or late by a few working days.
    """
    due_idx = recv_idx + k
    u = rng.random(n, dtype=np.float32)
    on_time = u < 0.06
    late = ~on_time & (u < np.where(k >= 10, np.float32(0.14), np.float32(0.085)))
    quick = (rng.random(n, dtype=np.float32) * k.astype(np.float32)).astype(np.int32)  # 0 .. k-1
    late_by = _table(_LATE_BY_WEIGHTS)[rng.integers(0, _BINS, n, dtype=np.int32)].astype(np.int32) + 1
    res_idx = np.where(on_time, due_idx, np.where(late, due_idx + late_by, recv_idx + quick))
    del quick, late_by
    # A carried-over dossier was still open at ``start``: it is resolved by its due date when that falls in
    # the period, otherwise (already late) in the first days of the period.
    carried = (recv_idx < start_idx) & (res_idx < start_idx)
    room = np.maximum(due_idx - start_idx, 0) + 1
    res_idx = np.where(
        carried, start_idx + (rng.random(n, dtype=np.float32) * room).astype(np.int32), res_idx
    )
    pending = (rng.random(n, dtype=np.float32) < _ABANDONED_SHARE) | (res_idx > cutoff_idx)
    res_idx[pending] = 0
    res_min = np.where(
        res_idx == recv_idx,
        np.minimum(recv_min + rng.integers(5, 121, n, dtype=np.int32), np.int32(17 * 60 + 30)),
        np.where(
            on_time, rng.integers(14 * 60, _DUE_MINUTE, n, dtype=np.int32), _fast_office_minutes(rng, n)
        ),
    )
    return due_idx, res_idx, res_min, pending


def _dossier_flags(
    rng: np.random.Generator, n: int, proc: np.ndarray, pending: np.ndarray
) -> dict[str, np.ndarray]:
    """Channel, yes/no flags, rating, status and officer code of each dossier.

    Channel: full online where the procedure allows it, otherwise mostly partly online, some at the counter.
    """
    channel_code = _channel_tables()[
        proc.astype(np.int32) * _BINS + rng.integers(0, _BINS, n, dtype=np.int32)
    ]
    online = channel_code <= CHANNELS.index("online")
    digitized = rng.random(n, dtype=np.float32) < 0.94
    reused = digitized & (rng.random(n, dtype=np.float32) < 0.9)
    fee = _PROC_FEE[proc]
    paid = fee & (rng.random(n, dtype=np.float32) < np.where(online, np.float32(0.9), np.float32(0.35)))
    del online

    rated = ~pending & (rng.random(n, dtype=np.float32) < 0.3)
    sat_code = np.where(rated, _table(_SATISFACTION_WEIGHTS)[rng.integers(0, _BINS, n, dtype=np.int32)], -1)
    sat_code = sat_code.astype(np.int8)
    complaint = (sat_code == SATISFACTION_LEVELS.index("dissatisfied")) | (
        rng.random(n, dtype=np.float32) < 0.001
    )
    home = rng.random(n, dtype=np.float32) < 0.004
    status = np.where(pending, np.where(rng.random(n, dtype=np.float32) < 0.1, 5, 4), 10).astype(np.int8)
    officer = rng.integers(0, _N_OFFICERS, n, dtype=np.int32).astype(np.int8)
    return {
        "channel": channel_code,
        "digitized": digitized,
        "data_reused": reused,
        "fee_required": fee,
        "paid_online": paid,
        "satisfaction": sat_code,
        "complaint": complaint,
        "home_delivery": home,
        "status": status,
        "officer": officer,
    }


def _generated_frame(
    ids: object,
    received: np.ndarray,
    due: np.ndarray,
    resolved: np.ndarray,
    proc: np.ndarray,
    unit: np.ndarray,
    units: int,
    flags: dict[str, np.ndarray],
) -> pd.DataFrame:
    """The canonical frame of :func:`generate_dossiers` from its arrays (categoricals from codes, no copies)."""
    n = len(received)
    unit_names = [f"Xã {i + 1:04d}" for i in range(units)]
    no_mask = np.zeros(n, dtype=bool)

    def yes_no(name: str) -> pd.arrays.BooleanArray:
        return pd.arrays.BooleanArray(flags[name], no_mask)

    return pd.DataFrame(
        {
            "dossier_id": ids,
            "received_at": received.view("datetime64[us]"),
            "due_at": due.view("datetime64[us]"),
            "resolved_at": resolved.view("datetime64[us]"),
            "procedure": pd.Categorical.from_codes(proc, categories=_PROC_NAMES),
            "field": pd.Categorical.from_codes(_PROC_FIELD[proc], categories=_FIELDS),
            "unit": pd.Categorical.from_codes(unit, categories=unit_names),
            "source_system": pd.Categorical.from_codes(_PROC_SYSTEM[proc], categories=_SYSTEMS),
            "channel": pd.Categorical.from_codes(flags["channel"], categories=list(CHANNELS)),
            "status": pd.arrays.IntegerArray(flags["status"], no_mask),
            "digitized": yes_no("digitized"),
            "data_reused": yes_no("data_reused"),
            "fee_required": yes_no("fee_required"),
            "paid_online": yes_no("paid_online"),
            "officer": pd.Categorical.from_codes(
                flags["officer"], categories=[f"Công chức {i + 1:02d}" for i in range(_N_OFFICERS)]
            ),
            "satisfaction": pd.Categorical.from_codes(
                flags["satisfaction"], categories=list(SATISFACTION_LEVELS)
            ),
            "complaint": yes_no("complaint"),
            "home_delivery": yes_no("home_delivery"),
        },
        copy=False,
    )


def _dossier_ids(
    cal: np.ndarray, units: int, cell: np.ndarray, seq: np.ndarray
) -> pd.arrays.ArrowStringArray:
    """``MP.0001-250105-0001``: unit code, receipt date (yymmdd), sequence within the unit's day (pyarrow)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    unit_width = max(4, len(str(units)))
    top = int(seq.max()) if len(seq) else 1
    seq_width = max(4, len(str(top)))
    used_cells = np.arange(int(cell.max()) + 1 if len(cell) else 0, dtype=np.int32)
    unit_codes = pa.array([f"MP.{i + 1:0{unit_width}d}" for i in range(units)], type=pa.large_string())
    day_codes = pa.array([f"{d:%y%m%d}" for d in cal.astype(date).tolist()], type=pa.large_string())
    dash = pa.scalar("-", pa.large_string())
    prefixes = pc.binary_join_element_wise(
        unit_codes.take(pa.array(used_cells % units)), day_codes.take(pa.array(used_cells // units)), dash
    )
    numbers = pa.array([f"{i:0{seq_width}d}" for i in range(top + 1)], type=pa.large_string())
    chunks = [
        pc.binary_join_element_wise(
            prefixes.take(pa.array(cell[lo : lo + _CHUNK])),
            numbers.take(pa.array(seq[lo : lo + _CHUNK])),
            dash,
        )
        for lo in range(0, len(seq), _CHUNK)
    ]
    return pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string()))


# ---------------------------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------------------------

#: Headers of a Vietnamese one-stop export, in the order such exports list them (after "STT").
RAW_HEADERS_VI: dict[str, str] = {
    "dossier_id": "Mã hồ sơ",
    "received_at": "Ngày tiếp nhận",
    "due_at": "Ngày hẹn trả",
    "resolved_at": "Ngày kết thúc xử lý",
    "procedure": "Tên thủ tục hành chính",
    "field": "Lĩnh vực",
    "unit": "Đơn vị xử lý",
    "source_system": "Hệ thống",
    "channel": "Kênh thực hiện",
    "status": "Trạng thái",
    "digitized": "Số hóa",
    "data_reused": "Tái sử dụng dữ liệu",
    "fee_required": "Có phí lệ phí",
    "paid_online": "Thanh toán trực tuyến",
    "officer": "Cán bộ xử lý",
    "satisfaction": "Mức độ hài lòng",
    "complaint": "Phản ánh kiến nghị",
    "home_delivery": "Trả kết quả tại nhà",
    "returned_at": "Ngày trả kết quả",
    "synced_at": "Ngày đồng bộ",
    "home_pickup": "Tiếp nhận tại nhà",
    "vulnerable_group": "Đối tượng yếu thế",
}
#: Fake personal-data columns (``with_personal_data=True``); the loaders must drop them.
PERSONAL_HEADERS_VI: tuple[str, ...] = ("Họ tên người nộp", "Số CCCD", "Số điện thoại", "Địa chỉ")
SYNTHETIC_MARK = "DỮ LIỆU MÔ PHỎNG"
FILE_NAME_MARKS: tuple[str, ...] = ("mo_phong", "synthetic")
_STYLES = ("vi", "canonical")
_XLSX_EPOCH = (2026, 1, 1, 0, 0, 0)  # fixed zip timestamps make .xlsx output byte-for-byte reproducible

_SURNAMES: tuple[str, ...] = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Ngô",
    "Đinh",
    "Phan",
    "Lương",
)
_MIDDLE: tuple[str, ...] = (
    "Văn",
    "Thị",
    "Đức",
    "Minh",
    "Thu",
    "Ngọc",
    "Quang",
    "Thanh",
    "Hữu",
    "Hồng",
    "Xuân",
    "Bảo",
)
_GIVEN: tuple[str, ...] = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Yến",
)


def _check_marked_name(path: Path) -> None:
    if not any(mark in path.name.lower() for mark in FILE_NAME_MARKS):
        raise InputError(
            f"Tên tệp dữ liệu mô phỏng phải chứa «mo_phong» hoặc «synthetic»: {path.name}",
            f"A synthetic data file name must contain 'mo_phong' or 'synthetic': {path.name}",
            file=path,
        )


def _period_of(df: pd.DataFrame) -> tuple[date | None, date | None]:
    a = df.attrs
    if a.get("period_start") and a.get("period_end"):
        return date.fromisoformat(str(a["period_start"])), date.fromisoformat(str(a["period_end"]))
    if "received_at" not in df.columns or df["received_at"].notna().sum() == 0:
        return None, None
    return df["received_at"].min().date(), df["received_at"].max().date()


def synthetic_title_lines(df: pd.DataFrame, seed: int | None = None) -> list[str]:
    """The two lines a synthetic export carries above its header: the synthetic mark and the period."""
    s = df.attrs.get("seed", "?") if seed is None else seed
    lines = [f"BÁO CÁO DANH SÁCH HỒ SƠ — {SYNTHETIC_MARK} (sinh bởi cchc_analysis.synthetic, seed={s})"]
    if df.attrs.get("unit_title"):  # a commune's own export names it on top, as real ones do
        lines.insert(0, f"UBND {str(df.attrs['unit_title']).upper()}")
    first, last = _period_of(df)
    if first is not None and last is not None:
        lines.append(f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}")
    return lines


def _fake_people(n: int, seed: int) -> dict[str, list[str]]:
    """Clearly fake personal data: CCCD with province code 000 (none exists), 0999 phone numbers, made-up hamlets."""
    rng = np.random.default_rng([seed, 99])
    s = rng.integers(0, len(_SURNAMES), n).tolist()
    m = rng.integers(0, len(_MIDDLE), n).tolist()
    g = rng.integers(0, len(_GIVEN), n).tolist()
    ids = rng.integers(0, 10**9, n).tolist()
    phones = rng.integers(0, 10**6, n).tolist()
    house = rng.integers(1, 200, n).tolist()
    hamlet = rng.integers(1, 10, n).tolist()
    return {
        PERSONAL_HEADERS_VI[0]: [
            f"{_SURNAMES[a]} {_MIDDLE[b]} {_GIVEN[c]}" for a, b, c in zip(s, m, g, strict=True)
        ],
        PERSONAL_HEADERS_VI[1]: [f"000{i:09d}" for i in ids],
        PERSONAL_HEADERS_VI[2]: [f"0999{p:06d}" for p in phones],
        PERSONAL_HEADERS_VI[3]: [
            f"Số {h}, thôn Giả Định {t}, TP Hải Phòng" for h, t in zip(house, hamlet, strict=True)
        ],
    }


def _text_cells(df: pd.DataFrame, style: str) -> dict[str, tuple[str, list[str]]]:
    """Every present canonical column as (header, cell texts), in the export's column order."""
    vi = style == "vi"
    date_format = "%d/%m/%Y %H:%M" if vi else "%Y-%m-%d %H:%M:%S"
    yes, no = ("Có", "Không") if vi else ("True", "False")
    out: dict[str, tuple[str, list[str]]] = {}
    for col, header in RAW_HEADERS_VI.items():
        if col not in df.columns:
            continue
        s = df[col]
        if col.endswith("_at"):
            text = pd.to_datetime(s).dt.strftime(date_format).fillna("")
        elif col == "channel" and vi:
            text = s.astype("object").map(CHANNEL_LABELS_VI).fillna("")
        elif col == "satisfaction" and vi:
            text = s.astype("object").map(SATISFACTION_LABELS_VI).fillna("")
        elif col == "vulnerable_group" and vi:
            text = s.astype("object").map(
                lambda v: VULNERABLE_GROUP_LABELS_VI.get(v, v) if isinstance(v, str) else ""
            )
        elif col == "status":
            codes = s.astype("Int64")
            text = codes.map(STATUS_NAMES).fillna("") if vi else codes.astype("string").fillna("")
        elif str(s.dtype) == "boolean":
            text = s.astype("object").map({True: yes, False: no}).fillna("")
        else:
            text = s.astype("object").where(s.notna(), "")
        out[col] = (header if vi else col, [str(v) for v in text.tolist()])
    return out


def _export_table(
    df: pd.DataFrame, style: str, with_personal_data: bool
) -> tuple[list[str], list[str | None], list[list[str]]]:
    """Header, the canonical column behind each header (None for STT and personal data), and the rows."""
    if style not in _STYLES:
        raise InputError(
            f"Kiểu tệp xuất không hợp lệ «{style}»: dùng vi hoặc canonical",
            f"Unknown export style {style!r}: use vi or canonical",
        )
    cells = _text_cells(df, style)
    columns: list[tuple[str, str | None, list[str]]] = []
    if style == "vi":  # real exports number their rows; the loaders ignore the column
        columns.append(("STT", None, [str(i + 1) for i in range(len(df))]))
    items = list(cells.items())
    for col, (header, values) in items[:1]:  # the dossier code comes first, as in real exports
        columns.append((header, col, values))
    if with_personal_data:
        people = _fake_people(len(df), int(df.attrs.get("seed", 0)))
        columns.extend((header, None, values) for header, values in people.items())
    columns.extend((header, col, values) for col, (header, values) in items[1:])
    rows = [list(r) for r in zip(*(values for _, _, values in columns), strict=True)]
    return [h for h, _, _ in columns], [c for _, c, _ in columns], rows


def to_raw_export(
    df: pd.DataFrame,
    path: str | Path,
    *,
    style: str = "vi",
    title_lines: bool = True,
    with_personal_data: bool = False,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
    seed: int | None = None,
) -> Path:
    """Write dossiers as a one-stop system's export: ``.csv`` or ``.xlsx`` by the file's suffix.

    With ``style="vi"``: an "STT" column, Vietnamese headers (Mã hồ sơ, Ngày tiếp nhận …) and values
    (Trực tuyến toàn trình; Có/Không; dates ``dd/mm/yyyy HH:MM``; status names); ``style="canonical"`` keeps the
    canonical names and values. Title lines ("BÁO CÁO DANH SÁCH HỒ SƠ — DỮ LIỆU MÔ PHỎNG …", "Từ ngày … đến
    ngày …") and a blank row come above the header unless ``title_lines=False``. ``with_personal_data=True``
    adds fake Họ tên người nộp / Số CCCD / Số điện thoại / Địa chỉ columns after the dossier code. Output is
    deterministic: the same frame gives the same bytes.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical dossier frame (from this module).
    path : str or Path
        Target; its name must contain "mo_phong" or "synthetic".
    encoding, delimiter : str
        For CSV only (e.g. ``"utf-16"``, ``"cp1258"``, ``";"``, ``"\\t"``).
    seed : int, optional
        Seed shown in the title line; default ``df.attrs["seed"]``.

    Returns
    -------
    Path
        The path written.
    """
    target = Path(path)
    _check_marked_name(target)
    header, sources, rows = _export_table(df, style, with_personal_data)
    titles = synthetic_title_lines(df, seed) if title_lines else []
    suffix = target.suffix.lower()
    if suffix == ".csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
        width = len(header)
        for line in titles:
            writer.writerow([line] + [""] * (width - 1))
        if titles:
            writer.writerow([""] * width)
        writer.writerow(header)
        writer.writerows(rows)
        return atomic_write_bytes(target, _encode(buf.getvalue(), encoding))
    if suffix == ".xlsx":
        return atomic_write_bytes(target, _xlsx_bytes(df, header, sources, rows, titles, style))
    raise InputError(
        f"Không ghi được tệp «{target.name}»: dùng đuôi .csv hoặc .xlsx (hoặc to_parquet cho .parquet)",
        f"Cannot write {target.name!r}: use .csv or .xlsx (or to_parquet for .parquet)",
        file=target,
    )


def _encode(text: str, encoding: str) -> bytes:
    """Encode ``text``; for Windows-1258, Vietnamese letters it lacks are written decomposed, as Windows does."""
    if codecs.lookup(encoding).name != "cp1258":
        return text.encode(encoding)
    return "".join(_cp1258_char(ch) for ch in text).encode(encoding)


#: The five Vietnamese tone marks, which Windows-1258 holds only as combining characters.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


@functools.cache
def _cp1258_char(ch: str) -> str:
    """``ch`` as Windows-1258 holds it: as is, or base letter (with breve, circumflex, horn) + a tone mark."""
    try:
        ch.encode("cp1258")
        return ch
    except UnicodeEncodeError:
        pass
    decomposed = unicodedata.normalize("NFD", ch)
    tones = "".join(c for c in decomposed if c in _TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    candidate = base + tones
    try:
        candidate.encode("cp1258")
    except UnicodeEncodeError:
        return "?"
    return candidate


def _xlsx_bytes(
    df: pd.DataFrame,
    header: list[str],
    sources: list[str | None],
    rows: list[list[str]],
    titles: list[str],
    style: str,
) -> bytes:
    """An .xlsx with real Excel dates in the date columns, fixed metadata and fixed zip timestamps."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách hồ sơ")
    fixed = datetime(*_XLSX_EPOCH)
    wb.properties.creator = "cchc_analysis.synthetic"
    wb.properties.title = "Danh sách hồ sơ — dữ liệu mô phỏng"
    wb.properties.created = wb.properties.modified = fixed
    number_format = "dd/mm/yyyy hh:mm" if style == "vi" else "yyyy-mm-dd hh:mm:ss"
    dates = {
        i: [None if pd.isna(v) else v.to_pydatetime() for v in pd.to_datetime(df[col])]
        for i, col in enumerate(sources)
        if col is not None and col.endswith("_at")
    }
    for line in titles:
        ws.append([line])
    if titles:
        ws.append([])
    ws.append(header)
    for r, row in enumerate(rows):
        out: list[object] = list(row)
        for i, values in dates.items():
            out[i] = None
            if values[r] is not None:
                cell = WriteOnlyCell(ws, value=values[r])  # a real Excel date, shown day first
                cell.number_format = number_format
                out[i] = cell
        ws.append(out)
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(wb, archive).save()  # unlike openpyxl's save(), keeps our fixed "modified" time
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with every entry's timestamp set to a constant."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_XLSX_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            zout.writestr(entry, zin.read(info.filename))
    return out.getvalue()


def to_parquet(df: pd.DataFrame, path: str | Path) -> Path:
    """Write dossiers as Parquet with canonical names and values, marked ``cchc_synthetic=true`` in the schema.

    The schema metadata also records the generator, seed and period (``cchc_seed``, ``cchc_generator``,
    ``cchc_period``). The file name must contain "mo_phong" or "synthetic".
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(path)
    _check_marked_name(target)
    table = pa.Table.from_pandas(df, preserve_index=False)
    first, last = _period_of(df)
    meta = dict(table.schema.metadata or {})
    meta.update(
        {
            b"cchc_synthetic": b"true",
            b"cchc_generator": str(df.attrs.get("generator", "cchc_analysis.synthetic")).encode(),
            b"cchc_seed": str(df.attrs.get("seed", "")).encode(),
            b"cchc_period": f"{first or ''}/{last or ''}".encode(),
        }
    )
    table = table.replace_schema_metadata(meta)
    with atomic_path(target) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return target


def write_dossiers(df: pd.DataFrame, path: str | Path, **export_options: object) -> Path:
    """Write by suffix: ``.parquet`` with :func:`to_parquet`, ``.csv`` / ``.xlsx`` with :func:`to_raw_export`."""
    target = Path(path)
    if target.suffix.lower() == ".parquet":
        return to_parquet(df, target)
    return to_raw_export(df, target, **export_options)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------------
# A synthetic province: several communes with different profiles

#: Communes of :func:`generate_province`, with their profile (made-up names for made-up data).
PROVINCE_COMMUNES: tuple[tuple[str, str], ...] = (
    ("Xã An Hòa", "ổn định"),
    ("Xã Bình Minh", "chậm"),
    ("Phường Đông Thành", "trực tuyến cao"),
    ("Xã Hòa Phú", "ổn định"),
    ("Xã Tân Lộc", "chậm"),
    ("Phường Nam Sơn", "trực tuyến cao"),
    ("Xã Phú Xuân", "ổn định"),
    ("Xã Thạnh Mỹ", "chậm"),
)


def generate_province(
    communes: int = 6,
    n: int = 3000,
    *,
    seed: int = 7,
    start: object = "2026-01-01",
    end: object = "2026-03-31",
) -> pd.DataFrame:
    """Synthetic dossiers of ``communes`` communes of one province, each with a profile.

    Profiles (:data:`PROVINCE_COMMUNES`): «ổn định» as :func:`generate_dossiers` makes them; «chậm» (slow) with
    one resolved dossier in five returned two days after its deadline (or still open at ``end``); «trực tuyến
    cao» with half of the partly online dossiers made fully online. ``attrs["cchc_synthetic"]`` is True and
    ``attrs["profiles"]`` maps each commune to its profile.
    """
    if not 1 <= communes <= len(PROVINCE_COMMUNES):
        raise ValueError(f"communes must be 1–{len(PROVINCE_COMMUNES)}")
    df = generate_dossiers(n, seed=seed, units=communes, start=start, end=end)
    rng = np.random.default_rng(seed + 1)
    chosen = PROVINCE_COMMUNES[:communes]
    names = dict(zip(df["unit"].cat.categories, (c for c, _ in chosen), strict=True))
    df["unit"] = df["unit"].cat.rename_categories(names)
    cutoff = pd.Timestamp(parse_day(end)) + pd.Timedelta(hours=23, minutes=59)
    for name, profile in chosen:
        rows = (df["unit"] == name).to_numpy()
        if profile == "chậm":
            slow = rows & df["resolved_at"].notna().to_numpy() & (rng.random(len(df)) < 0.2)
            late = df.loc[slow, "due_at"] + pd.Timedelta(days=2)
            df.loc[slow, "resolved_at"] = late.where(late <= cutoff)
        elif profile == "trực tuyến cao" and "channel" in df:
            flip = rows & (df["channel"] == "partial_online").to_numpy() & (rng.random(len(df)) < 0.5)
            df.loc[flip, "channel"] = "full_online"
    if "status" in df:  # a dossier made late and still open at the cut-off is being processed
        df.loc[df["resolved_at"].isna() & df["status"].isin([10]), "status"] = 4
    df.attrs["profiles"] = {c: p for c, p in chosen}
    return df


def write_province(
    folder: str | Path, communes: int = 6, n: int = 3000, *, seed: int = 7, **options
) -> list[Path]:
    """One export per commune of :func:`generate_province` in ``folder`` (created), like a province's folder of
    communes' exports: no unit column, the commune named in the title rows («UBND XÃ AN HÒA»); files
    ``<n>_<commune>_mo_phong.csv``."""
    from cchc_analysis.text import fold

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    df = generate_province(communes, n, seed=seed, **options)
    paths = []
    for i, name in enumerate(df.attrs["profiles"], start=1):
        part = df[df["unit"] == name].drop(columns="unit").reset_index(drop=True)
        part.attrs = {**df.attrs, "unit_title": name}
        part.attrs.pop("profiles", None)
        stem = "_".join(fold(name).split())
        paths.append(to_raw_export(part, target / f"{i:02d}_{stem}_mo_phong.csv", seed=seed))
    return paths


# ---------------------------------------------------------------------------------------------------------------
# Command line: python -m cchc_analysis.synthetic
# ---------------------------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m cchc_analysis.synthetic",
        description=(
            "Sinh dữ liệu hồ sơ MÔ PHỎNG (hạt giống cố định: cùng hạt giống cho ra tệp giống hệt từng byte). "
            "Tên tệp phải chứa «mo_phong» hoặc «synthetic»; đuôi .csv, .xlsx hoặc .parquet."
        ),
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--notice",
        metavar="OUT",
        help="mẫu hồ sơ của Trung tâm PVHCC xã Đại Sơn 01/01–13/04/2026, khớp số liệu Thông báo kết luận",
    )
    what.add_argument(
        "--n", type=int, metavar="N", help="sinh N hồ sơ cho kiểm thử, đo hiệu năng (cần --out)"
    )
    p.add_argument("--out", metavar="OUT", help="tệp đích khi dùng --n")
    p.add_argument("--seed", type=int, default=None, help="hạt giống (mặc định 2026 với --notice, 0 với --n)")
    p.add_argument(
        "--start", default="2025-01-01", help="ngày đầu kỳ tiếp nhận với --n (mặc định 2025-01-01)"
    )
    p.add_argument("--end", default="2025-12-31", help="ngày cuối kỳ tiếp nhận với --n (mặc định 2025-12-31)")
    p.add_argument("--cutoff", default=None, help="ngày chốt số liệu với --n (mặc định = --end)")
    p.add_argument("--units", type=int, default=1, help="số đơn vị cấp xã với --n (mặc định 1)")
    p.add_argument(
        "--personal-data", action="store_true", help="thêm cột dữ liệu cá nhân GIẢ (kiểm thử bộ nạp)"
    )
    p.add_argument(
        "--no-title", action="store_true", help="không ghi các dòng tiêu đề phía trên dòng tên cột"
    )
    p.add_argument(
        "--style", choices=_STYLES, default="vi", help="vi: tên cột, giá trị tiếng Việt (mặc định)"
    )
    p.add_argument("--encoding", default="utf-8-sig", help="bảng mã của tệp CSV (mặc định utf-8-sig)")
    p.add_argument("--delimiter", default=",", help="dấu phân cách của tệp CSV (mặc định dấu phẩy)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m cchc_analysis.synthetic``; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.notice:
            df = generate_notice_sample(NOTICE_SEED if args.seed is None else args.seed)
            out = Path(args.notice)
        else:
            if not args.out:
                raise InputError("Thiếu --out cho --n", "--n needs --out")
            df = generate_dossiers(
                args.n,
                seed=0 if args.seed is None else args.seed,
                start=args.start,
                end=args.end,
                units=args.units,
                cutoff=args.cutoff,
            )
            out = Path(args.out)
        options = {
            "style": args.style,
            "title_lines": not args.no_title,
            "with_personal_data": args.personal_data,
            "encoding": args.encoding,
            "delimiter": args.delimiter.replace("\\t", "\t"),
        }
        if out.suffix.lower() == ".parquet":
            options = {}
        write_dossiers(df, out, **options)
    except (InputError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"Đã ghi {len(df):,} hồ sơ mô phỏng vào {out}".replace(",", "."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
