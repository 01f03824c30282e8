"""Biểu 06 counts per unit × quarter of receipt with DuckDB SQL: the reference that proves ``cchc kpis``.

The definitions of SPEC §3 are written here again, in SQL, independently of ``cchc_analysis.rates``: calendar
dates (``CAST … AS DATE``), the period from the earliest to the latest receipt date, a group for each
(unit, quarter) with a dossier in scope. Rows the package would not count are left out the simple way (status
1 or 3, a blank receipt date, a due or resolution date before receipt; a blank due date is no deadline). The dossier ids are not read: the package checks
each one (blank or repeated → rejected), DuckDB here does not — the generator's ids are unique and non-blank,
and the reference stays as fast as plain SQL gets.

    python bench/duckdb_counts.py FILE.parquet [--from 2025-01-01 --to 2025-12-31] --out counts.json

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
    FROM read_parquet(?)
    WHERE coalesce(status, 0) NOT IN (1, 3)
      AND received_at IS NOT NULL
      AND (due_at IS NULL OR CAST(due_at AS DATE) >= CAST(received_at AS DATE))
      AND (resolved_at IS NULL OR CAST(resolved_at AS DATE) >= CAST(received_at AS DATE))
"""


def _receipt_span(con: duckdb.DuckDBPyConnection, path: str) -> tuple[str, str]:
    """First and last receipt date of the rows counted (ISO).

    The file's own minimum and maximum (Parquet statistics: no scan) are the answer when a counted row was
    received on each of those days, which a scan of those days alone tells; otherwise all rows are scanned.
    """
    low, high = con.execute(
        "SELECT min(received_at), max(received_at) FROM read_parquet(?)", [path]
    ).fetchone()
    first, last = low.date().isoformat(), high.date().isoformat()
    on_edges = f"""
        SELECT count_if(r = DATE '{first}') > 0 AND count_if(r = DATE '{last}') > 0
        FROM ({VALID_ROWS}
              AND (received_at < DATE '{first}' + INTERVAL 1 DAY OR received_at >= DATE '{last}'))"""
    if con.execute(on_edges, [path]).fetchone()[0]:
        return first, last
    first, last = con.execute(f"SELECT min(r), max(r) FROM ({VALID_ROWS})", [path]).fetchone()
    return first.isoformat(), last.isoformat()


def count(path: Path, start: str | None = None, end: str | None = None) -> dict:
    """The period (ISO dates; default: the earliest to the latest receipt) and the counts per (unit, quarter)."""
    con = duckdb.connect()
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
    for row in con.execute(query, [str(path)]).fetchall():
        record = dict(zip(names, row, strict=True))
        y, q = record.pop("y"), record.pop("q")
        groups.append({"unit": record.pop("unit"), "quarter": f"{y}-Q{q}", **record})
    return {"period": {"from": f, "to": t}, "groups": groups}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="Parquet file with canonical columns")
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
