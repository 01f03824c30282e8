"""Benchmark: ``cchc kpis FILE --by unit --by quarter`` against DuckDB SQL on N synthetic dossiers.

For each N, the package's own generator writes N dossiers of many communes to Parquet (canonical columns), and
for each N of ``--csv-sizes`` the same dossiers as a one-stop CSV export (title lines, Vietnamese headers and
values, personal-data columns, UTF-8 with BOM; written part by part from the Parquet file, so that making 10 M
rows does not need 10 GB); then each engine runs as a whole process, ``--runs`` times, alternately (so both see
the same machine load):

- ours: ``python -m cchc_analysis kpis FILE --by unit --by quarter --format json`` (output to a file);
- DuckDB: ``python bench/duckdb_counts.py FILE`` (SPEC §3 written again in SQL, ``bench/duckdb_counts.py``).

Wall time and peak RSS come from the operating system (``wait4``: the child's own maximum resident set), the
median of the runs is reported. Every count of every (unit, quarter) group must agree between the engines, and
the periods too; otherwise the script says where and exits with 1. Also timed: loading a 100 000-row xlsx export
(``cchc validate``) and the default briefing (``cchc briefing``) end to end.

    python bench/run_bench.py                      # Parquet 1 M, 3 M, 10 M; CSV 1 M, 5 M, 10 M; 3 runs; xlsx; briefing
    python bench/run_bench.py --sizes 5000 --csv-sizes 5000 --runs 1 --no-xlsx --no-briefing   # a smoke test
    python bench/run_bench.py --sizes '' --csv-sizes 1000000 --runs 1 --no-xlsx --no-briefing  # CSV at 1 M only

Data go to ``bench/out/`` (ignored by git; a file already there is reused). DuckDB is a benchmark-only
dependency: ``pip install -e ".[bench]"``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = 2026


# --- measuring -------------------------------------------------------------------------------------------------


def run_measured(command: list[str], stdout: Path | None = None) -> tuple[float, float]:
    """Run ``command`` to the end: (wall seconds, peak RSS in MB of the process). Raises on a non-zero exit."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, cwd=ROOT)
        stderr = process.stderr.read() if process.stderr else b""
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    finally:
        if stdout:
            out.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({process.returncode}):\n{stderr.decode(errors='replace')}"
        )
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in kilobytes on Linux


def median_runs(commands: dict[str, tuple[list[str], Path | None]], runs: int) -> dict[str, dict]:
    """Each command ``runs`` times, alternately; the median wall time and peak RSS of each."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, stdout) in commands.items():
            samples[name].append(run_measured(command, stdout))
    return {
        name: {
            "wall_s": statistics.median(w for w, _ in values),
            "rss_mb": statistics.median(m for _, m in values),
            "walls": [round(w, 3) for w, _ in values],
        }
        for name, values in samples.items()
    }


def machine() -> dict:
    """What the benchmark ran on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for name in ("cchc_analysis", "pandas", "numpy", "pyarrow", "duckdb"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:
            versions[name] = "?"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
    }


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --- data ------------------------------------------------------------------------------------------------------
# Data are made by a child process: a parent grown to gigabytes would lend its peak RSS to every process it starts
# afterwards (Linux counts the memory a child had when it called exec), and the measurements would be wrong.


def dossiers_file(n: int, units: int, out: Path) -> Path:
    """N synthetic dossiers of ``units`` communes received in 2025, as Parquet (made once, then reused)."""
    path = out / f"dossiers_{n}_{units}u_synthetic.parquet"
    if not path.exists():
        subprocess.run(
            [sys.executable, __file__, "--make-dossiers", str(n), str(units), str(path)], check=True
        )
    return path


def csv_file(n: int, units: int, out: Path) -> Path:
    """The dossiers of :func:`dossiers_file` as a one-stop CSV export (made once, then reused)."""
    path = out / f"export_{n}_{units}u_synthetic.csv"
    if not path.exists():
        parquet = dossiers_file(n, units, out)
        subprocess.run([sys.executable, __file__, "--make-csv", str(parquet), str(path)], check=True)
    return path


def _make_csv(parquet: Path, path: Path, rows_per_part: int = 200_000) -> None:
    """Write a Parquet file of canonical dossiers as a Vietnamese CSV export, part by part (bounded memory)."""
    import csv
    import io

    import pyarrow.parquet as pq

    from cchc_analysis import synthetic

    source = pq.ParquetFile(parquet)
    period = (source.schema_arrow.metadata or {}).get(b"cchc_period", b"/").decode().split("/")
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        written = 0
        for k, batch in enumerate(source.iter_batches(batch_size=rows_per_part)):
            frame = batch.to_pandas()
            frame.attrs.update({"seed": SEED + k, "period_start": period[0], "period_end": period[1]})
            header, _, rows = synthetic._export_table(frame, "vi", with_personal_data=True)
            for row in rows:  # STT counts the rows of the whole file
                written += 1
                row[0] = str(written)
            buf = io.StringIO(newline="")
            writer = csv.writer(buf, lineterminator="\n")
            if f.tell() == 0:
                for line in synthetic.synthetic_title_lines(frame):
                    writer.writerow([line] + [""] * (len(header) - 1))
                writer.writerow([""] * len(header))
                writer.writerow(header)
            writer.writerows(rows)
            f.write(buf.getvalue().encode("utf-8-sig" if f.tell() == 0 else "utf-8"))
    tmp.replace(path)


def xlsx_file(n: int, out: Path) -> Path:
    """An n-row one-stop export (.xlsx, Vietnamese headers and values, title lines above the header)."""
    path = out / f"export_{n}_synthetic.xlsx"
    if not path.exists():
        subprocess.run([sys.executable, __file__, "--make-xlsx", str(n), str(path)], check=True)
    return path


def _make(kind: str, values: list[str]) -> None:
    from cchc_analysis.synthetic import generate_dossiers, to_parquet, to_raw_export

    if kind == "dossiers":
        n, units, path = int(values[0]), int(values[1]), Path(values[2])
        frame = generate_dossiers(n, seed=SEED, units=units, start="2025-01-01", end="2025-12-31")
        to_parquet(frame, path)
    else:
        n, path = int(values[0]), Path(values[1])
        frame = generate_dossiers(n, seed=SEED, units=20, start="2026-01-01", end="2026-03-31")
        to_raw_export(frame, path)


# --- comparing -------------------------------------------------------------------------------------------------


def compare(ours_path: Path, duck_path: Path) -> list[str]:
    """Differences between the two engines' results (empty: they agree on the period and every count)."""
    ours = json.loads(ours_path.read_text(encoding="utf-8"))
    duck = json.loads(duck_path.read_text(encoding="utf-8"))
    from cchc_analysis.rates import COUNT_COLUMNS  # imported here: the parent process stays small

    problems = []
    if ours["period"] != duck["period"]:
        problems.append(f"period: ours {ours['period']}, DuckDB {duck['period']}")
    mine = {(g["key"]["unit"], g["key"]["quarter"]): g["counts"] for g in ours["groups"]}
    theirs = {(g["unit"], g["quarter"]): g for g in duck["groups"]}
    for key in sorted(set(mine) ^ set(theirs), key=str)[:10]:
        problems.append(f"group {key}: only in {'ours' if key in mine else 'DuckDB'}")
    for key in sorted(set(mine) & set(theirs), key=str):
        for column in COUNT_COLUMNS:
            if mine[key][column] != theirs[key][column]:
                problems.append(f"{key} {column}: ours {mine[key][column]}, DuckDB {theirs[key][column]}")
                if len(problems) > 20:
                    return problems
    return problems


# --- the report ------------------------------------------------------------------------------------------------


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM; {m['os']}; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"Date: {results['date']}; load average before / after: {results['load_before']} / "
        f"{results['load_after']}; median of {results['runs']} run(s), whole process.",
        "",
        "| N | ours wall (s) | DuckDB wall (s) | ratio | ours peak RSS (MB) | DuckDB peak RSS (MB) | counts agree |",
        "|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for row in results["kpis"]:
        ours, duck = row["ours"], row["duckdb"]
        lines.append(
            f"| {row['n']:,} | {ours['wall_s']:.2f} | {duck['wall_s']:.2f} | {ours['wall_s'] / duck['wall_s']:.2f} "
            f"| {ours['rss_mb']:.0f} | {duck['rss_mb']:.0f} | {'yes' if row['agree'] else 'NO'} |"
        )
    if results.get("csv"):
        lines += [
            "",
            "CSV exports (title lines, Vietnamese headers and values, personal-data columns, UTF-8):",
            "",
            "| N | MB | ours wall (s) | DuckDB wall (s) | ratio | ours peak RSS (MB) | DuckDB peak RSS (MB) "
            "| counts agree |",
            "|---:|---:|---:|---:|---:|---:|---:|:---:|",
        ]
        for row in results["csv"]:
            ours, duck = row["ours"], row["duckdb"]
            lines.append(
                f"| {row['n']:,} | {row['megabytes']:,} | {ours['wall_s']:.2f} | {duck['wall_s']:.2f} "
                f"| {ours['wall_s'] / duck['wall_s']:.2f} | {ours['rss_mb']:.0f} | {duck['rss_mb']:.0f} "
                f"| {'yes' if row['agree'] else 'NO'} |"
            )
    if results.get("xlsx"):
        x = results["xlsx"]
        lines += [
            "",
            f"Loading a {x['rows']:,}-row xlsx export (`cchc validate`): {x['wall_s']:.2f} s, "
            f"peak RSS {x['rss_mb']:.0f} MB.",
        ]
    if results.get("briefing"):
        b = results["briefing"]
        lines += [
            "",
            f"Default briefing end to end (`cchc briefing`): {b['wall_s']:.1f} s, "
            f"peak RSS {b['rss_mb']:.0f} MB.",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000000,3000000,10000000", help="numbers of dossiers, comma-separated"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of each measurement (the median is reported)"
    )
    parser.add_argument(
        "--units", type=int, default=3321, help="communes in the data (3.321: the whole country)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "out", help="folder for data and outputs")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="rows of the xlsx export to load")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the xlsx load")
    parser.add_argument("--no-briefing", action="store_true", help="skip the default briefing")
    parser.add_argument(
        "--briefing-runs", type=int, default=None, help="runs of the briefing (default --runs)"
    )
    parser.add_argument("--markdown", type=Path, help="also write the markdown report here")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--make-dossiers", nargs=3, metavar=("N", "UNITS", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--make-xlsx", nargs=2, metavar=("N", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--make-csv", nargs=2, metavar=("PARQUET", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--csv-sizes",
        default="1000000,5000000,10000000",
        help="numbers of dossiers of the CSV exports, comma-separated ('' for none)",
    )
    args = parser.parse_args(argv)
    if args.make_csv:  # (a child process making data)
        _make_csv(Path(args.make_csv[0]), Path(args.make_csv[1]))
        return 0
    if args.make_dossiers or args.make_xlsx:  # (a child process making data)
        _make("dossiers" if args.make_dossiers else "xlsx", args.make_dossiers or args.make_xlsx)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    results: dict = {
        "machine": machine(),
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "load_before": load_average(),
        "runs": args.runs,
        "kpis": [],
    }
    agree = True
    inputs = [(n, "parquet") for n in (int(s) for s in args.sizes.split(",") if s.strip())]
    inputs += [(n, "csv") for n in (int(s) for s in args.csv_sizes.split(",") if s.strip())]
    results["csv"] = []
    for n, kind in inputs:
        if kind == "csv":
            data = csv_file(n, args.units, args.out)
            ours_out, duck_out = args.out / f"ours_csv_{n}.json", args.out / f"duckdb_csv_{n}.json"
        else:
            data = dossiers_file(n, args.units, args.out)
            ours_out, duck_out = args.out / f"ours_{n}.json", args.out / f"duckdb_{n}.json"
        kpis = [python, "-m", "cchc_analysis", "kpis", str(data), "--by", "unit", "--by", "quarter"]
        measured = median_runs(
            {
                "ours": ([*kpis, "--format", "json"], ours_out),
                "duckdb": ([python, str(HERE / "duckdb_counts.py"), str(data), "--out", str(duck_out)], None),
            },
            args.runs,
        )
        problems = compare(ours_out, duck_out)
        agree = agree and not problems
        row = {"n": n, **measured, "agree": not problems, "differences": problems}
        if kind == "csv":
            row["megabytes"] = round(data.stat().st_size / 1e6)
        results["kpis" if kind == "parquet" else "csv"].append(row)
        print(
            f"N={n:,} {kind}: ours {measured['ours']['walls']} s, DuckDB {measured['duckdb']['walls']} s; "
            + ("counts agree" if not problems else "COUNTS DIFFER: " + "; ".join(problems[:5])),
            flush=True,
        )
    if not args.no_xlsx:
        workbook = xlsx_file(args.xlsx_rows, args.out)
        command = [python, "-m", "cchc_analysis", "validate", str(workbook), "--format", "json"]
        results["xlsx"] = {"rows": args.xlsx_rows, **median_runs({"x": (command, None)}, args.runs)["x"]}
        print(f"xlsx {args.xlsx_rows:,} rows: {results['xlsx']['walls']} s", flush=True)
    if not args.no_briefing:
        with tempfile.TemporaryDirectory() as tmp:
            command = [python, "-m", "cchc_analysis", "briefing", "--out", tmp]
            runs = args.briefing_runs or args.runs
            results["briefing"] = median_runs({"b": (command, None)}, runs)["b"]
        print(f"briefing: {results['briefing']['walls']} s", flush=True)
    results["load_after"] = load_average()
    report = markdown(results)
    print()
    print(report)
    if args.markdown:
        args.markdown.write_text(report, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
