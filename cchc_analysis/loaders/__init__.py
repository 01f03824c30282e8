"""Load dossier exports (CSV, Excel, Parquet) into the canonical dossier frame of SPEC §2.

:func:`load_dossiers` is the one entry point. It finds the header row (title lines above it are kept aside),
maps headers to canonical names with ``reference/header_aliases.csv`` (plus the user's vocabulary files), drops personal-data columns, parses
day-first dates, booleans, channels, statuses and satisfaction ratings, and accounts for every data row:
each ends as exactly one of *loaded*, *excluded* (DVCQG status 1 or 3: never received; or a footer row below
the data: a total, a signature block, notes) or *rejected* (with the file's row number, the column, the raw value
and a Vietnamese reason).

Decisions where SPEC §2 is silent
---------------------------------
- Fully blank rows (every cell blank or whitespace) are ignored and are not counted in ``read``.
- A row of column numbers right below the header (``1, 2, 3 …`` or ``(1), (2) …``) belongs to the header
  block and is not a data row.
- Exclusion comes first: a status 1/3 row is excluded even when other cells are unreadable or blank.
- A rejected row gets one reject record: its first problem in SPEC column order (a row with too many CSV
  cells, ``dossier_id``, ``received_at``, ``due_at``, due before received, ``resolved_at``, resolved before
  received, ``returned_at``, then channel, online level, status, booleans, satisfaction). Duplicate ids are
  decided last: among rows neither excluded nor rejected for another reason, the first occurrence of an id
  (exact text after NFC and trimming) is kept and later ones are rejected as ``duplicate_id``. Ids of earlier
  files of a folder can be passed as ``known_ids`` so that duplicates across files are rejected too.
- The ``column`` of a reject is the header as written in the file; ``value`` is the cell text (NFC, trimmed,
  cut to 200 characters). Rejects never carry personal data: values other than the dossier code are masked
  like free text (below).
- Officers' names become stable pseudonyms (``Cán bộ K7Q2MZ4D``) unless ``officer_names=True``; ID-card numbers,
  phone numbers and e-mail addresses typed into kept text columns become ``[đã ẩn]`` (:mod:`cchc_analysis.privacy`).
- An xlsx sheet whose used area exceeds ``EXCEL_MAX_AREA`` cells (a stray cell far from the table) is read row by
  row, only the rows holding a cell (each with its own number) and only the columns that have a header.
- Before anything is allocated, a file that would need more memory than any real export is refused
  (:mod:`.limits`: workbook parts, one cell's text, header width, a Parquet column's decoded size; ``--limits-scale``
  or ``CCHC_LIMITS_SCALE`` raises every limit).
- All date columns are ``datetime64[us]`` whatever the source; timestamps with a UTC offset are converted
  to Vietnam time (UTC+7) and made naive. Dates outside 01/01/1990–31/12/2060 are rejected.
- ``channel`` wins over ``online_level`` except for the level-less ``online``; a ``channel`` column is never
  invented from ``online_level`` alone (an in-person dossier of a full-online procedure has a level too).
- Row numbers are 1-based as a spreadsheet or text editor shows them; for Parquet, the record number.
- Parquet is read by column (only the columns needed) and typed values are taken as they are: a boolean or
  integer column is not turned into text, a dictionary-encoded text column stays categorical (its categories
  are cleaned and masked), and an id column of plain ASCII needs no Unicode work. Large files can be read part
  by part (:func:`load_dossiers_by_part`).
- A CSV file of :data:`.csv_stream.STREAM_MIN_BYTES` or more is read block by block by Arrow's CSV parser
  (:mod:`.csv_stream`), in bounded memory, with the same rows, line numbers, rejects and footer as the exact
  reader; what Arrow would read differently is read by the exact tokenizer, and a note says so.

Where things are
----------------
One module per concern; this package's namespace is the public API.

- :mod:`.sniffing` — what a file is (magic bytes) and decoding text;
- :mod:`.limits` — the memory limits every reader checks before it allocates, and the option to raise them;
- :mod:`.csv_reader`, :mod:`.excel`, :mod:`.parquet` — one reader per format, each returning a raw table;
  :mod:`.csv_stream` — a large CSV file block by block, each block a raw table;
- :mod:`.headers` — the header row (one row, or a group row above sub-headers) and the header aliases
  (``reference/header_aliases.csv``);
- :mod:`.footer` — total, signature and note rows below the data (``reference/footer_markers.csv``);
- :mod:`.cleaning` — cell text (NFC, blanks, invisible characters);
- :mod:`.dates` — day-first dates;
- :mod:`.vocabulary` — the value words (status, channel, online level, yes/no, paid, satisfaction), read from
  ``reference/value_vocabulary.csv`` and the user's vocabulary files; «Đã có kết quả» is understood there;
- :mod:`.accounting` — row accounting, rejects and their reasons, the alert on many rejects;
- :mod:`.build` — raw table → canonical frame, and the entry points;
- :mod:`.title` — the period and cut-off date a file's title lines state;
- :mod:`.cutoff` — the one period policy: the period counted and the cut-off («ngày chốt số liệu»);
- :mod:`.folders` — which files of a folder are read, and reading them as one.
"""

from cchc_analysis.loaders.accounting import (
    REJECT_ALERT_SHARE,
    REJECT_COLUMNS,
    LoadResult,
    RowAccounting,
    reject_alert,
)
from cchc_analysis.loaders.build import load_dossiers, load_dossiers_by_part, received_span_hint
from cchc_analysis.loaders.cutoff import DataPeriod, DataSpan, data_period, dossier_span, empty_period_error
from cchc_analysis.loaders.dates import parse_dates
from cchc_analysis.loaders.folders import DOSSIER_SUFFIXES, FolderListing, list_dossier_files, load_path
from cchc_analysis.loaders.headers import (
    HEADER_SEARCH_ROWS,
    PERSONAL,
    UNUSED,
    accepted_headers,
    classify_header,
    header_aliases,
)
from cchc_analysis.loaders.title import stated_as_of, stated_period
from cchc_analysis.loaders.vocabulary import VOCABULARY_FILE_NAME, Vocabulary, load_vocabulary, unknown_values
from cchc_analysis.text import fold, header_key

__all__ = [
    "DOSSIER_SUFFIXES",
    "HEADER_SEARCH_ROWS",
    "PERSONAL",
    "REJECT_ALERT_SHARE",
    "REJECT_COLUMNS",
    "UNUSED",
    "VOCABULARY_FILE_NAME",
    "DataPeriod",
    "DataSpan",
    "FolderListing",
    "LoadResult",
    "RowAccounting",
    "Vocabulary",
    "accepted_headers",
    "classify_header",
    "data_period",
    "dossier_span",
    "empty_period_error",
    "fold",
    "header_aliases",
    "header_key",
    "list_dossier_files",
    "load_dossiers",
    "load_dossiers_by_part",
    "load_path",
    "load_vocabulary",
    "parse_dates",
    "received_span_hint",
    "reject_alert",
    "stated_as_of",
    "stated_period",
    "unknown_values",
]
