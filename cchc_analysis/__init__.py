"""cchc_analysis: processing rates, 766-index trends, target tracking and briefings from dossier data.

The definitions of trước hạn / đúng hạn / quá hạn live in :mod:`cchc_analysis.rates`; the loaders that turn a
one-stop system's export into the canonical frame in :mod:`cchc_analysis.loaders`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cchc_analysis")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_date, fmt_int, fmt_pct
from cchc_analysis.periods import Period, parse_period, period_between, previous_period
from cchc_analysis.rates import (
    COUNT_COLUMNS,
    RATE_COLUMNS,
    add_rates,
    check_identities,
    classify_dossiers,
    count_dossiers,
    identity_violations,
    processing_rates,
    sum_counts,
)

__all__ = [
    "COUNT_COLUMNS",
    "RATE_COLUMNS",
    "InputError",
    "Period",
    "__version__",
    "add_rates",
    "check_identities",
    "classify_dossiers",
    "count_dossiers",
    "fmt_date",
    "fmt_int",
    "fmt_pct",
    "identity_violations",
    "parse_period",
    "period_between",
    "previous_period",
    "processing_rates",
    "sum_counts",
]
