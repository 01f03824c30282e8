"""Biểu 06 counts per unit × quarter of receipt with DuckDB SQL: the reference that proves ``cchc kpis``.

The definitions of SPEC §3 are written here again, in SQL, independently of ``cchc_analysis.rates``: calendar
dates (``CAST … AS DATE``), the period from the earliest to the latest receipt date, a group for each
(unit, quarter) with a dossier in scope. Rows the package would not count are left out the simple way (status
1 or 3, a blank receipt date, a due or resolution date before receipt; a blank due date is no deadline). The dossier ids are not read: the package checks
each one (blank or repeated → rejected), DuckDB here does not — the generator's ids are unique and non-blank,
and the reference stays as fast as plain SQL gets.

    python bench/duckdb_counts.py FILE.parquet [--from 2025-01-01 --to 2025-12-31] --out counts.json
    python bench/duckdb_counts.py EXPORT.csv --out counts.json

A ``.csv`` file is a one-stop export as ``bench/run_bench.py`` writes it (title lines above the header,
Vietnamese headers and values, dates ``dd/mm/yyyy HH:MM``): DuckDB's ``read_csv`` reads it (every column as
text, the lines above the header skipped) and the Vietnamese headers and words are mapped to the canonical ones
below, by the same table the export was written with — the same definitions then apply.

Writes ``{"period": {"from", "to"}, "groups": [{"unit", "quarter", <23 counts>}, …]}`` (groups sorted by key).
DuckDB is a benchmark-only dependency (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

#: The 23 counts of SPEC §3 (the order of ``cchc_analysis.rates.COUNT_COLUMNS``): conditions on the rows in scope.
CONDITIONS: dict[str, str] = {
    "in_scope": "true",
    "new": "new",
    "new_online": "new AND channel IN ('full_online', 'partial_online', 'online')",
    "new_in_person_postal": "new AND coalesce(channel NOT IN ('full_online', 'partial_online', 'online'), true)",
    "carried_over": "NOT new",
    "resolved": "done",
    "early": "done AND s < du",
    "on_time": "done AND (du IS NULL OR s = du)",  # no deadline: on time (docs/assumptions.md)
    "late": "done AND s > du",
    "pending": "NOT done",
    "pending_within": "NOT done AND (du IS NULL OR du >= DATE '{T}')",
    "pending_overdue": "NOT done AND du < DATE '{T}'",
    "no_deadline": "du IS NULL",
    "full_online": "new AND channel = 'full_online'",
    "partial_online": "new AND channel = 'partial_online'",
    "digitized": "new AND digitized",
    "data_reused": "new AND data_reused",
    "fee_required": "new AND fee_required",
    "paid_online": "new AND paid_online",
    "rated": "done AND satisfaction IS NOT NULL",
    "satisfied": "done AND satisfaction IN ('very_satisfied', 'satisfied')",
    "complaint": "complaint",
    "home_delivery": "home_delivery",
}
#: (a blank yes/no or rating is a no: ``coalesce``, so that a group with only blanks counts 0, not NULL)
COUNTS_SQL: dict[str, str] = {name: f"count_if(coalesce({cond}, false))" for name, cond in CONDITIONS.items()}

VALID_ROWS = """
    SELECT unit, CAST(received_at AS DATE) AS r, CAST(due_at AS DATE) AS du, CAST(resolved_at AS DATE) AS s,
           channel, digitized, data_reused, fee_required, paid_online, satisfaction, complaint, home_delivery
    FROM dossiers
    WHERE coalesce(status, 0) NOT IN (1, 3)
      AND received_at IS NOT NULL
      AND (due_at IS NULL OR CAST(due_at AS DATE) >= CAST(received_at AS DATE))
      AND (resolved_at IS NULL OR CAST(resolved_at AS DATE) >= CAST(received_at AS DATE))
"""


#: The export's Vietnamese words (``cchc_analysis.synthetic``: CHANNEL_LABELS_VI, SATISFACTION_LABELS_VI,
#: schema.STATUS_NAMES), written out here so that this process does not import the package.
CHANNELS_VI = {
    "Trực tuyến toàn trình": "full_online",
    "Trực tuyến một phần": "partial_online",
    "Trực tuyến": "online",
    "Trực tiếp": "in_person",
    "Bưu chính công ích": "postal",
}
SATISFACTION_VI = {
    "Rất hài lòng": "very_satisfied",
    "Hài lòng": "satisfied",
    "Không hài lòng": "dissatisfied",
}
STATUS_VI = {
    "Mới đăng ký": 1,
    "Được tiếp nhận": 2,
    "Không được tiếp nhận": 3,
    "Đang xử lý": 4,
    "Yêu cầu bổ sung giấy tờ": 5,
    "Yêu cầu thực hiện nghĩa vụ tài chính": 6,
    "Công dân yêu cầu rút hồ sơ": 7,
    "Dừng xử lý": 8,
    "Đã xử lý xong": 9,
    "Đã trả kết quả": 10,
}
YES_NO = {
    "digitized": "Số hóa",
    "data_reused": "Tái sử dụng dữ liệu",
    "fee_required": "Có phí lệ phí",
    "paid_online": "Thanh toán trực tuyến",
    "complaint": "Phản ánh kiến nghị",
    "home_delivery": "Trả kết quả tại nhà",
}
DATES = {"received_at": "Ngày tiếp nhận", "due_at": "Ngày hẹn trả", "resolved_at": "Ngày kết thúc xử lý"}


def _case(column: str, mapping: dict[str, object]) -> str:
    def literal(value: object) -> str:
        return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"

    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in mapping.items())
    return f'CASE "{column}" {whens} END'


def _quoted(column: str) -> str:
    return '"' + column + '"'


def _header_line(path: Path) -> tuple[int, tuple[str, str] | None]:
    """Lines above the header row of an export (title lines and a blank row), and the period a title line
    states («Từ ngày 01/01/2025 đến ngày 31/12/2025»: the period counted, as the package does)."""
    import re

    stated = None
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f):
            if line.startswith(("STT,", "Mã hồ sơ,")):
                return number, stated
            found = re.search(r"Từ ngày (\d\d)/(\d\d)/(\d{4}) đến ngày (\d\d)/(\d\d)/(\d{4})", line)
            if found:
                d1, m1, y1, d2, m2, y2 = found.groups()
                stated = (f"{y1}-{m1}-{d1}", f"{y2}-{m2}-{d2}")
    raise SystemExit(f"{path}: no header row")


def _source(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[str, str] | None:
    """The view ``dossiers`` (canonical columns) over a Parquet file or a CSV export; the period the export's
    title states, if any."""
    if path.suffix.lower() != ".csv":
        con.execute(f"CREATE VIEW dossiers AS SELECT * FROM read_parquet('{path}')")
        return None
    skip, stated = _header_line(path)
    columns = [
        '"Đơn vị xử lý" AS unit',
        *(f"strptime(nullif({_quoted(vi)}, ''), '%d/%m/%Y %H:%M') AS {name}" for name, vi in DATES.items()),
        f"{_case('Kênh thực hiện', CHANNELS_VI)} AS channel",
        f"{_case('Trạng thái', STATUS_VI)} AS status",
        f"{_case('Mức độ hài lòng', SATISFACTION_VI)} AS satisfaction",
        *(f"{_case(vi, {'Có': True, 'Không': False})} AS {name}" for name, vi in YES_NO.items()),
    ]
    con.execute(
        f"CREATE VIEW dossiers AS SELECT {', '.join(columns)} FROM read_csv('{path}', skip={skip}, "
        "header=true, all_varchar=true, delim=',', quote='\"', escape='\"')"
    )
    return stated


def _receipt_span(con: duckdb.DuckDBPyConnection, path: str) -> tuple[str, str]:
    """First and last receipt date of the rows counted (ISO).

    The file's own minimum and maximum (Parquet statistics: no scan) are the answer when a counted row was
    received on each of those days, which a scan of those days alone tells; otherwise all rows are scanned.
    """
    low, high = con.execute("SELECT min(received_at), max(received_at) FROM dossiers").fetchone()
    first, last = low.date().isoformat(), high.date().isoformat()
    on_edges = f"""
        SELECT count_if(r = DATE '{first}') > 0 AND count_if(r = DATE '{last}') > 0
        FROM ({VALID_ROWS}
              AND (received_at < DATE '{first}' + INTERVAL 1 DAY OR received_at >= DATE '{last}'))"""
    if con.execute(on_edges).fetchone()[0]:
        return first, last
    first, last = con.execute(f"SELECT min(r), max(r) FROM ({VALID_ROWS})").fetchone()
    return first.isoformat(), last.isoformat()


def count(path: Path, start: str | None = None, end: str | None = None) -> dict:
    """The period (ISO dates; default: the earliest to the latest receipt) and the counts per (unit, quarter)."""
    con = duckdb.connect()
    stated = _source(con, Path(path))
    if (start is None or end is None) and stated is not None:
        start, end = stated
    if start is None or end is None:
        start, end = _receipt_span(con, str(path))
    f, t = start, end
    counts = ",\n      ".join(f"{sql.format(T=t)} AS {name}" for name, sql in COUNTS_SQL.items())
    query = f"""
    WITH valid AS ({VALID_ROWS}),
    scoped AS (
      SELECT *, r >= DATE '{f}' AS new, s IS NOT NULL AND s <= DATE '{t}' AS done
      FROM valid
      WHERE r BETWEEN DATE '{f}' AND DATE '{t}'                     -- new in the period
         OR (r < DATE '{f}' AND (s IS NULL OR s >= DATE '{f}'))      -- carried over
    )
    SELECT unit, year(r) AS y, quarter(r) AS q,
      {counts}
    FROM scoped
    GROUP BY ALL
    ORDER BY unit NULLS LAST, y, q
    """
    names = ["unit", "y", "q", *COUNTS_SQL]
    groups = []
    for row in con.execute(query).fetchall():
        record = dict(zip(names, row, strict=True))
        y, q = record.pop("y"), record.pop("q")
        groups.append({"unit": record.pop("unit"), "quarter": f"{y}-Q{q}", **record})
    return {"period": {"from": f, "to": t}, "groups": groups}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="Parquet file with canonical columns, or a CSV export")
    parser.add_argument("--out", type=Path, help="JSON output (default: stdout)")
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day of the period")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day of the period")
    args = parser.parse_args(argv)
    text = json.dumps(count(args.file, args.start, args.end), ensure_ascii=False)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
