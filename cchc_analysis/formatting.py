"""Vietnamese number and date style for everything a reader sees: ``3.099``; ``99,6 %``; ``13/04/2026``.

The one place that decides how numbers look. Babel supplies the vi_VN separators; :func:`round_half_up` is the
one rounding rule (half away from zero on the exact decimal, as Excel and Vietnamese reports round), used by every
printed number: tables, charts, narrative and the reconciliation verdicts.
"""

from __future__ import annotations

import math
import numbers
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from babel.numbers import format_decimal

_LOCALE = "vi_VN"
MISSING = "–"


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))  # NaN / NA
    except (TypeError, ValueError):
        return True


def exact_decimal(value: object) -> Decimal | Fraction:
    """The value a number stands for, exactly: a float is read as the decimal it prints as (``0.1445`` is
    ``Decimal("0.1445")``, not the binary fraction nearest to it); a ``Fraction`` stays exact.

    >>> exact_decimal(6.25), exact_decimal(3), exact_decimal(Fraction(1, 3))
    (Decimal('6.25'), Decimal('3'), Fraction(1, 3))
    """
    if isinstance(value, Fraction | Decimal):
        return value
    if isinstance(value, numbers.Integral):  # int, bool, numpy integers
        return Decimal(int(value))
    return Decimal(
        repr(float(value))
    )  # float, numpy floats; the shortest text that reads back as the same float


def round_half_up(value: object, decimals: int = 0) -> Decimal:
    """Round to ``decimals`` places, a half away from zero, on the exact decimal value — the package's one rule.

    Python's ``round`` and Babel round half to even on binary floats (``round(6.25, 1) == 6.2``); documents and
    Excel print 6,3.

    >>> round_half_up(6.25, 1), round_half_up(-0.125, 2), round_half_up(Fraction(1, 16) * 100, 1)
    (Decimal('6.3'), Decimal('-0.13'), Decimal('6.3'))
    >>> round_half_up(2.5), round_half_up(0.145 * 100, 1)
    (Decimal('3'), Decimal('14.5'))
    """
    exact = exact_decimal(value)
    if isinstance(exact, Decimal) and not exact.is_finite():
        return exact
    if isinstance(exact, Fraction):
        scaled = exact * 10**decimals
        sign = -1 if scaled < 0 else 1
        return Decimal(sign * math.floor(abs(scaled) + Fraction(1, 2))).scaleb(-decimals)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_int(value: object) -> str:
    """A count with a dot between thousands.

    Parameters
    ----------
    value : int, float, Decimal or None
        The count (rounded half up); None, NA or NaN gives «–».

    Examples
    --------
    >>> fmt_int(3099)
    '3.099'
    """
    if _is_missing(value):
        return MISSING
    return format_decimal(round_half_up(value, 0), format="#,##0", locale=_LOCALE)


def fmt_number(value: object, decimals: int = 1) -> str:
    """A number with a decimal comma, rounded by :func:`round_half_up`.

    >>> fmt_number(12.5), fmt_number(6.25, 1), fmt_number(1234.5, 0)
    ('12,5', '6,3', '1.235')
    """
    if _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(round_half_up(value, decimals), format=pattern, locale=_LOCALE)


def fmt_pct(fraction: object, decimals: int = 1) -> str:
    """A fraction (0–1) as a Vietnamese percentage with a space before the sign.

    Parameters
    ----------
    fraction : float, Decimal or None
        The share, 0–1 (rounded half up); None, NA or NaN gives «–».
    decimals : int
        Digits after the decimal comma (default 1).

    Examples
    --------
    >>> fmt_pct(3067 / 3080)
    '99,6 %'
    >>> fmt_pct(923 / 3099, 2)
    '29,78 %'
    >>> fmt_pct(1 / 16)
    '6,3 %'
    >>> fmt_pct(None)
    '–'
    """
    if _is_missing(fraction):
        return MISSING
    return fmt_number(exact_decimal(fraction) * 100, decimals) + " %"


def fmt_pp(points: object, decimals: int = 1) -> str:
    """A difference in percentage points with its sign: ``fmt_pp(-20.2) == '-20,2 điểm %'``."""
    if _is_missing(points):
        return MISSING
    sign = "+" if float(points) > 0 else ""
    return f"{sign}{fmt_number(points, decimals)} điểm %"


def fmt_date(value: object) -> str:
    """A date as ``dd/mm/yyyy``.

    Parameters
    ----------
    value : date, datetime, Timestamp or None
        None, NA or NaT gives «–»; any other value is shown as it is.

    Examples
    --------
    >>> from datetime import date
    >>> fmt_date(date(2026, 4, 13))
    '13/04/2026'
    """
    if _is_missing(value):
        return MISSING
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def parse_vn_number(text: object) -> float:
    """Read a number printed in Vietnamese style: ``'3.099' -> 3099.0``, ``'99,6' -> 99.6``, ``'1.234,5'``.

    A dot followed by exactly three digits is a thousands separator; a comma is the decimal sign.

    Raises
    ------
    ValueError
        When the text is not a number.
    """
    s = str(text).strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not s:
        raise ValueError("empty number")
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif s.count(".") >= 1 and all(len(part) == 3 for part in s.split(".")[1:]):
        s = s.replace(".", "")
    return float(s)


def printed_decimals(text: object) -> int:
    """How many decimals a Vietnamese-style number was printed with, read as :func:`parse_vn_number` reads it.

    >>> printed_decimals("99,78"), printed_decimals("3.099"), printed_decimals("99.6")
    (2, 0, 1)
    """
    s = str(text).strip().rstrip("%").strip()
    if "," in s:
        return len(s.split(",", 1)[1])
    parts = s.split(".")
    # A dot followed by groups of three digits separates thousands; a lone other dot is a decimal point.
    if len(parts) > 1 and not all(len(p) == 3 for p in parts[1:]):
        return len(parts[-1])
    return 0
