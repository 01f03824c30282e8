"""cchc_analysis: processing rates, 766-index trends, target tracking and briefings from dossier data.

The definitions of trước hạn / đúng hạn / quá hạn live in :mod:`cchc_analysis.rates`; the loaders that turn a
one-stop system's export into the canonical frame in :mod:`cchc_analysis.loaders`.

What a notebook needs, importable from here (``from cchc_analysis import load_dossiers, processing_rates``):

Reading data
    load_dossiers(path) -> LoadResult      one export file (csv, xlsx, xls, ods, parquet) to the canonical frame
    load_path(path) -> LoadResult          a file or a folder of files
    data_period(result, period)            the period to report and the cut-off day, from the data and the title
Periods (the command line accepts the same)
    parse_period("Quý II/2026")            also 2026-Q2, Q2/2026, tháng 4/2026, 04/2026, năm 2026, 01/04/2026..30/04/2026
    as_period(start, end=None)             what every function taking ``start, end`` accepts
    parse_day("13/04/2026"), period_between(a, b), previous_period(p)
Counts and rates (Biểu 06)
    count_dossiers(d, "2026-Q2", by="Lĩnh vực")   counts, overall or per group (``by`` takes Vietnamese names)
    processing_rates(d, "2026-Q2", by="field")    counts and rates
    bieu06_table(d, "2026-Q2"), write_bieu06_xlsx(table, path, start=, end=, unit=)
    add_rates, sum_counts, classify_dossiers, check_identities, identity_violations, by_column
Formatting
    fmt_int, fmt_pct, fmt_date                     Vietnamese number and date style

Example
-------
>>> import pandas as pd
>>> from cchc_analysis import processing_rates
>>> d = pd.DataFrame({"received_at": pd.to_datetime(["2026-04-02"]), "due_at": pd.to_datetime(["2026-04-05"]),
...                   "resolved_at": pd.to_datetime(["2026-04-03"])})
>>> float(processing_rates(d, "Quý II/2026").loc[0, "on_time_rate"])
1.0
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cchc_analysis")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from cchc_analysis.bieu06 import bieu06_table, write_bieu06_xlsx
from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_date, fmt_int, fmt_pct
from cchc_analysis.loaders import LoadResult, data_period, load_dossiers, load_path
from cchc_analysis.periods import Period, as_period, parse_day, parse_period, period_between, previous_period
from cchc_analysis.rates import (
    COUNT_COLUMNS,
    RATE_COLUMNS,
    add_rates,
    by_column,
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
    "LoadResult",
    "Period",
    "__version__",
    "add_rates",
    "as_period",
    "bieu06_table",
    "by_column",
    "check_identities",
    "classify_dossiers",
    "count_dossiers",
    "data_period",
    "fmt_date",
    "fmt_int",
    "fmt_pct",
    "identity_violations",
    "load_dossiers",
    "load_path",
    "parse_day",
    "parse_period",
    "period_between",
    "previous_period",
    "processing_rates",
    "sum_counts",
    "write_bieu06_xlsx",
]
