#!/usr/bin/env python3
"""Benchmark: querying a five-year BACI store with steppe, DuckDB, polars and pyarrow.

One command, from a fresh checkout (see docs/performance.md, "Querying a store"):

    python3 -m pip install -r bench/requirements.txt && python3 -m pip install .
    python3 bench/query.py                       # 5 years of 10 million rows each

The script

1. builds `steppe` and the data generator in release mode (cargo; the Python package must be
   installed, `pip install .`),
2. writes a BACI country file (about 200 countries from the curated crosswalk, Tajikistan
   always among them) and five deterministic synthetic BACI years, 2018-2022, of
   --rows-per-year rows each (`examples/baci_synth.rs`, the generator of
   bench/trade_import.py), and imports them with `steppe import baci` into one store
   (`trade_flows/year=YYYY/*.parquet`); generated files (1.7 GB of CSV, 0.6 GB of
   Parquet) go under --workdir and are reused when rows and seed match (`--reimport` imports
   them again),
3. times, each tool as its own whole process (`python -c`, median wall time, CPU time and
   peak resident memory read with `os.wait4`), tools interleaved run by run:
   - "every flow involving TJK (reporter or partner) in 2020-2022, as an Arrow table":
     steppe (`store.trade_flows(involving="TJK", years=(2020, 2022)).to_pyarrow()`), DuckDB
     (`read_parquet(..., hive_partitioning=true)` with WHERE), polars (`scan_parquet(...,
     hive_partitioning=True).filter(...).collect().to_arrow()`) and pyarrow.dataset
     (hive partitioning, a filter expression), checking that all return the same rows;
   - the whole year 2021 into pyarrow: steppe (`store.trade_flows(years=(2021, 2021))
     .to_pyarrow()`) against `pyarrow.parquet.read_table(<partition dir>)` and
     `polars.read_parquet(<partition dir>)`;
   - the TJK query again inside one warm interpreter per tool (imported, run once, then the
     median of --runs more), the time a notebook cell run again takes;
   - `python -c "import steppe"` (and checks that it does not import pyarrow), and
     `steppe report TJK` on the bundled dataset (the release binary, a cold process),
4. prints a table per task with the ratio of each tool's wall time to steppe's.

Tools that are not installed are skipped. Nothing is downloaded by the script itself.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import trade_import  # the generator, build and country file are shared

ROOT = trade_import.ROOT
YEARS = (2018, 2019, 2020, 2021, 2022)
FOCUS = "TJK"

# Every query prints its row count on stdout (checked to agree across tools).
TJK_QUERIES = {
    "steppe": r"""
import sys, steppe
store, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t = steppe.open(store).trade_flows(involving="TJK", years=(first, last)).to_pyarrow()
print(t.num_rows)
""",
    "duckdb": r"""
import sys, duckdb
store, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t = duckdb.sql(f'''
  SELECT * FROM read_parquet('{store}/trade_flows/*/*.parquet', hive_partitioning = true)
  WHERE year BETWEEN {first} AND {last} AND (reporter_id = 'TJK' OR partner_id = 'TJK')
''').fetch_arrow_table()
print(t.num_rows)
""",
    "polars": r"""
import sys, polars as pl
store, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t = (
    pl.scan_parquet(f"{store}/trade_flows/*/*.parquet", hive_partitioning=True)
    .filter(pl.col("year").is_between(first, last)
            & ((pl.col("reporter_id") == "TJK") | (pl.col("partner_id") == "TJK")))
    .collect()
    .to_arrow()
)
print(t.num_rows)
""",
    "pyarrow": r"""
import sys, pyarrow.dataset as ds
store, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = ds.dataset(f"{store}/trade_flows", format="parquet", partitioning="hive")
f = ((ds.field("year") >= first) & (ds.field("year") <= last)
     & ((ds.field("reporter_id") == "TJK") | (ds.field("partner_id") == "TJK")))
t = d.to_table(filter=f)
print(t.num_rows)
""",
}

YEAR_QUERIES = {
    "steppe": r"""
import sys, steppe
store, year = sys.argv[1], int(sys.argv[2])
t = steppe.open(store).trade_flows(years=(year, year)).to_pyarrow()
print(t.num_rows)
""",
    "pyarrow": r"""
import sys, pyarrow.parquet as pq
store, year = sys.argv[1], int(sys.argv[2])
t = pq.read_table(f"{store}/trade_flows/year={year}")
print(t.num_rows)
""",
    "polars": r"""
import sys, polars as pl
store, year = sys.argv[1], int(sys.argv[2])
t = pl.read_parquet(f"{store}/trade_flows/year={year}/*.parquet")
print(t.height)
""",
}

# Runs a query script (argv[1]) `runs` times in one interpreter after a first run that
# imports the modules and warms their caches, as a notebook cell run again would; prints the
# median time of the later runs and the row count.
WARM = r"""
import contextlib, io, statistics, sys, time
src, runs = sys.argv[1], int(sys.argv[2])
sys.argv = [sys.argv[0]] + sys.argv[3:]
code = compile(src, "<query>", "exec")
times = []
for i in range(runs + 1):
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        exec(code, {"__name__": "__main__"})
    if i:
        times.append(time.perf_counter() - start)
print(f"{statistics.median(times):.6f}")
print(out.getvalue().split()[-1])
"""

IMPORT_STEPPE = r"""
import sys
import steppe
assert "pyarrow" not in sys.modules, "importing steppe imported pyarrow"
print(0)
"""


def run_child(cmd: list[str]) -> dict[str, float]:
    """Runs `cmd` as a child process and measures it.

    Wall, CPU (user + system) and peak RSS of the child, read with `os.wait4` (as
    bench/trade_import.py does), and the row count it prints.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd[:2])} failed ({code}): {err.decode()[-2000:]}")
    text = out.decode().strip().splitlines()
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,  # KiB on Linux
        "rows": int(text[-1]) if text and text[-1].isdigit() else -1,
    }


def country_file(path: Path, n: int, seed: int) -> None:
    """trade_import's country file, with Tajikistan (762) swapped in if the draw missed it."""
    trade_import.country_file(path, n, seed)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if any(r[3] == FOCUS for r in body):
        return
    own = {str(c) for c in trade_import.BACI_OWN.values()} | {"490"}
    drop = next(i for i, r in enumerate(body) if r[0] not in own)
    body[drop] = ["762", "Tajikistan", "TJ", FOCUS]
    body.sort(key=lambda r: int(r[0]))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(body)


def build_store(
    synth: Path, steppe: Path, work: Path, rows: int, seed: int, n: int, reimport: bool
) -> Path:
    """Generates the five years and imports them into one store (both reused when unchanged)."""
    work.mkdir(parents=True, exist_ok=True)
    countries = work / "country_codes_V202501.csv"
    country_file(countries, n, seed)
    sized = work / f"r{rows}-s{seed}"
    sized.mkdir(parents=True, exist_ok=True)
    store = sized / "store"
    meta = sized / "store.meta.json"
    want = {"rows": rows, "seed": seed, "years": list(YEARS), "countries": countries.read_text()}
    if not reimport and store.exists() and meta.exists() and json.loads(meta.read_text()) == want:
        print(f"reusing {store} (--reimport to import again)", flush=True)
        return store
    files = []
    for year in YEARS:
        data = sized / f"BACI_HS92_Y{year}_V202501.csv"
        data_meta = data.with_suffix(".meta.json")
        data_want = {**want, "year": year}
        files.append(str(data))
        if data.exists() and data_meta.exists() and json.loads(data_meta.read_text()) == data_want:
            continue
        print(f"generating {rows} rows for {year} into {data}", flush=True)
        # One seed per year: each year draws its own country sizes and flows.
        subprocess.run(
            [str(synth), str(countries), str(rows), str(seed + year), str(data), str(year)],
            check=True,
        )
        data_meta.write_text(json.dumps(data_want))
    if store.exists():
        shutil.rmtree(store)
    print(f"importing {len(files)} years into {store}", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [
            str(steppe),
            "import",
            "baci",
            *files,
            "--country-codes",
            str(countries),
            "--out",
            str(store),
            "--quiet",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    size = sum(p.stat().st_size for p in (store / "trade_flows").rglob("*.parquet"))
    print(
        f"imported in {time.perf_counter() - start:.1f} s; trade_flows {size / 1e6:.1f} MB",
        flush=True,
    )
    meta.write_text(json.dumps(want))
    return store


def bench(
    title: str, tools: dict[str, list[str]], runs: int, check_rows: bool
) -> dict[str, dict[str, float]]:
    """Runs every tool `runs` times, interleaved, and prints the summary table."""
    per: dict[str, list[dict[str, float]]] = {name: [] for name in tools}
    print(f"\n## {title}", flush=True)
    for r in range(runs):
        for name, cmd in tools.items():
            m = run_child(cmd)
            per[name].append(m)
            print(
                f"run {r + 1} {name:8} wall {m['wall']:6.3f}s  cpu {m['cpu']:6.3f}s  "
                f"peak {m['rss_mib']:6.0f} MiB  rows {m['rows']}",
                flush=True,
            )
    results = {
        name: {
            "wall": statistics.median(m["wall"] for m in ms),
            "cpu": statistics.median(m["cpu"] for m in ms),
            "rss_mib": max(m["rss_mib"] for m in ms),
            "rows": ms[0]["rows"],
        }
        for name, ms in per.items()
    }
    if check_rows:
        counts = {name: r["rows"] for name, r in results.items()}
        assert len(set(counts.values())) == 1, f"tools disagree on the row count: {counts}"
    base = results.get("steppe")
    print()
    print(f"{title} (median of {runs} runs, {os.cpu_count()} cores)")
    print()
    print("| tool | wall (s) | CPU (s) | peak RSS (MiB) | rows | wall / steppe |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        ratio = f"{r['wall'] / base['wall']:.2f}" if base else "-"
        print(
            f"| {name} | {r['wall']:.3f} | {r['cpu']:.3f} | {r['rss_mib']:.0f} | "
            f"{r['rows']} | {ratio} |"
        )
    return results


def bench_warm(title: str, tools: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Runs each tool's query in one warm interpreter (`WARM`) and prints the summary table."""
    print(f"\n## {title}", flush=True)
    results: dict[str, dict[str, float]] = {}
    for name, cmd in tools.items():
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{name} failed: {proc.stderr[-2000:]}")
        seconds, rows = proc.stdout.split()[-2:]
        results[name] = {"wall": float(seconds), "rows": int(rows)}
        print(f"{name:8} {float(seconds):6.3f}s  rows {rows}", flush=True)
    counts = {name: r["rows"] for name, r in results.items()}
    assert len(set(counts.values())) == 1, f"tools disagree on the row count: {counts}"
    base = results.get("steppe")
    print()
    print(f"{title} ({os.cpu_count()} cores)")
    print()
    print("| tool | query (s) | rows | time / steppe |")
    print("|---|---:|---:|---:|")
    for name, r in results.items():
        ratio = f"{r['wall'] / base['wall']:.2f}" if base else "-"
        print(f"| {name} | {r['wall']:.3f} | {int(r['rows'])} | {ratio} |")
    return results


def main() -> int:
    """Runs the benchmark."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows-per-year", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--countries", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5, help="runs per tool (median reported)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/steppe-bench-query"))
    ap.add_argument("--tools", default="steppe,duckdb,polars,pyarrow")
    ap.add_argument("--tasks", default="tjk,tjk-warm,year,import,report")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as built")
    ap.add_argument(
        "--reimport", action="store_true", help="import again (after a change to the writer)"
    )
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    py = sys.executable
    if not trade_import.available("steppe"):
        print(
            "the steppe Python package is not installed: python3 -m pip install .", file=sys.stderr
        )
        return 2
    work = args.workdir
    if args.no_build:
        release = trade_import.target_dir() / "release"
        steppe, synth = release / "steppe", release / "examples" / "baci_synth"
    else:
        steppe, synth = trade_import.build()
    store = build_store(
        synth, steppe, work, args.rows_per_year, args.seed, args.countries, args.reimport
    )
    # Warm the page cache so every tool reads from memory (in chunks: the children's peak
    # memory counts what this process holds when it forks them).
    for p in sorted((store / "trade_flows").rglob("*.parquet")):
        with open(p, "rb") as f:
            while f.read(16 << 20):
                pass

    wanted = args.tools.split(",")
    installed = {"steppe": True} | {
        name: trade_import.available(name) for name in ("duckdb", "polars", "pyarrow")
    }
    for name in wanted:
        if not installed.get(name, False):
            print(f"{name}: not installed, skipped")
    use = [n for n in wanted if installed.get(n, False)]
    tasks = args.tasks.split(",")
    rows = args.rows_per_year
    out: dict[str, object] = {"rows_per_year": rows, "years": YEARS}
    if "tjk" in tasks:
        tools = {n: [py, "-c", TJK_QUERIES[n], str(store), "2020", "2022"] for n in use}
        out["tjk"] = bench(
            f"Every flow involving {FOCUS} in 2020-2022 ({3 * rows:,} rows "
            f"in those years), as an Arrow table",
            tools,
            args.runs,
            True,
        )
    if "tjk-warm" in tasks:
        tools = {
            n: [py, "-c", WARM, TJK_QUERIES[n], str(args.runs), str(store), "2020", "2022"]
            for n in use
        }
        out["tjk_warm"] = bench_warm(
            f"The same query run again in a warm interpreter (modules imported, median of "
            f"{args.runs} runs after a first)",
            tools,
        )
    if "year" in tasks:
        tools = {
            n: [py, "-c", YEAR_QUERIES[n], str(store), "2021"] for n in use if n in YEAR_QUERIES
        }
        out["year"] = bench(
            f"The whole year 2021 ({rows:,} rows) into memory", tools, args.runs, True
        )
    if "import" in tasks:
        out["import"] = bench(
            'python -c "import steppe" (pyarrow not imported)',
            {"steppe": [py, "-c", IMPORT_STEPPE]},
            args.runs,
            False,
        )
    if "report" in tasks:
        out["report"] = bench(
            f"steppe report {FOCUS} (bundled data, release binary)",
            {"steppe": [str(steppe), "report", FOCUS]},
            args.runs,
            False,
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
