"""Which CSV reader for large exports: time and peak RSS of turning one CSV export into Arrow / columns.

Each reader runs as its own process (peak RSS from ``wait4``) on the same file, reading every column as text and
dropping each batch once made (as a streaming loader would):

- ``arrow_open_csv``: ``pyarrow.csv.open_csv``, Arrow's streaming reader (batches of 1 MB blocks);
- ``arrow_blocks``: ``cchc_analysis.loaders.csv_stream`` — 32 MB blocks cut at record boundaries, each parsed by
  ``pyarrow.csv.read_csv`` (threads);
- ``pandas_c``: ``pandas.read_csv(engine="c", dtype=str, chunksize=200_000)``;
- ``duckdb``: DuckDB's ``read_csv`` (every column ``VARCHAR``), record batches (a benchmark-only dependency).

    python bench/csv_readers.py bench/out/export_1000000_3321u_synthetic.csv   # also writes a Windows-1258 copy

The file is one ``bench/run_bench.py`` writes (title lines, Vietnamese headers and values, UTF-8 with BOM); a
Windows-1258 copy is made beside it (tone marks as combining characters, as Windows writes them).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
READERS = ("arrow_open_csv", "arrow_blocks", "pandas_c", "duckdb")


def _header_line(path: Path, encoding: str) -> int:
    with path.open(encoding=encoding, errors="replace") as f:
        for number, line in enumerate(f):
            if line.startswith(("STT,", "\ufeffSTT,")):
                return number
    raise SystemExit(f"{path}: no header row")


def read(reader: str, path: Path, encoding: str) -> int:
    """Rows read by ``reader`` (run in a child process)."""
    skip = _header_line(path, encoding)
    if reader == "arrow_open_csv":
        import pyarrow as pa
        import pyarrow.csv as pacsv

        options = pacsv.ReadOptions(skip_rows=skip, encoding=encoding, use_threads=True)
        probe = pacsv.open_csv(path, read_options=options)
        names = probe.schema.names
        convert = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
        rows = 0
        for batch in pacsv.open_csv(path, read_options=options, convert_options=convert):
            rows += batch.num_rows
        return rows
    if reader == "arrow_blocks":
        from cchc_analysis.loaders import csv_stream

        stream = csv_stream.open_csv_stream(path)  # (the encoding found as for any file)
        return sum(len(raw.row_numbers) for raw in csv_stream._PieceReader(stream).run())
    if reader == "pandas_c":
        import pandas as pd

        rows = 0
        for chunk in pd.read_csv(
            path,
            skiprows=skip,
            dtype=str,
            chunksize=200_000,
            engine="c",
            encoding=encoding,
            keep_default_na=False,
        ):
            rows += len(chunk)
        return rows
    if reader == "duckdb":
        import duckdb

        name = {"utf-8-sig": "utf-8", "cp1258": "cp1258"}[encoding]
        relation = duckdb.sql(
            f"SELECT * FROM read_csv('{path}', skip={skip}, header=true, all_varchar=true, encoding='{name}')"
        )
        rows = 0
        for batch in relation.fetch_record_batch(1 << 17):
            rows += batch.num_rows
        return rows
    raise SystemExit(f"unknown reader {reader}")


def cp1258_copy(path: Path) -> Path:
    """A Windows-1258 copy of a UTF-8 export, written line block by line block."""
    target = path.with_name(path.stem + "_cp1258.csv")
    if target.exists():
        return target
    sys.path.insert(0, str(HERE.parent))
    from cchc_analysis.synthetic import _cp1258_char

    table: dict[int, str] = {}
    with path.open(encoding="utf-8-sig") as source, target.open("wb") as out:
        while lines := source.readlines(1 << 24):
            text = "".join(lines)
            for ch in set(text) - set(map(chr, table)):
                table[ord(ch)] = _cp1258_char(ch)
            out.write(text.translate(table).encode("cp1258"))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        import resource

        reader, path, encoding = args.child
        rows = read(reader, Path(path), encoding)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(rows, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
        return 0
    files = [(args.file, "utf-8-sig"), (cp1258_copy(args.file), "cp1258")]
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print("| file | reader | rows | wall (s) | CPU (s) | peak RSS (MB) |")
    print("|---|---|---:|---:|---:|---:|")
    for path, encoding in files:
        for reader in READERS:
            command = [sys.executable, __file__, "--child", reader, str(path), encoding]
            start = time.perf_counter()
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=HERE.parent
            )
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            out, err = process.stdout.read().decode(), process.stderr.read().decode(errors="replace")
            label = f"{path.name} ({encoding})"
            if os.waitstatus_to_exitcode(status) != 0:
                reason = (err.strip().splitlines() or ["?"])[-1][:90]
                print(f"| {label} | {reader} | — | — | — | fails: {reason} |", flush=True)
                continue
            rows, cpu, _ = out.split()
            print(
                f"| {label} | {reader} | {int(rows):,} | {wall:.2f} | {float(cpu):.2f} | {usage.ru_maxrss / 1024:.0f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
