#!/usr/bin/env python3
"""Benchmark: importing a synthetic BACI year with steppe, DuckDB, polars and pyarrow.

One command, from a fresh checkout (see docs/performance.md):

    python3 -m venv /tmp/bench-venv
    /tmp/bench-venv/bin/pip install -r bench/requirements.txt
    /tmp/bench-venv/bin/python bench/trade_import.py --rows 10000000

The script

1. builds `steppe` and the data generator in release mode (cargo),
2. writes a BACI country file (about 200 countries, from the curated crosswalk in data/, with
   BACI's own codes for France, Italy, Norway, India, Switzerland and the USA and the
   "Other Asia, nes" pseudo-area 490) and a deterministic synthetic BACI year of --rows rows
   in the real format (`t,i,j,k,v,q`; seeded generator `examples/baci_synth.rs`),
3. times, in the same run and each as its own process, the same typed conversion to Parquet:
   `steppe import baci`, DuckDB `COPY (SELECT ... JOIN ...) TO parquet`, polars
   `scan_csv(...).join(...).sink_parquet(...)` and pyarrow's streaming CSV reader plus
   Parquet writer: year as int16, exporter and importer mapped to entity ids through the
   country file, product codes as six-character strings, value times 1000 (USD), quantity
   with `NA` as null;
4. prints, per tool, the median wall time, CPU time (user + system) and peak resident memory
   of the whole process (read with `os.wait4`), the output size and the ratio to steppe.

With `--archive`, the same rows are cut into five years (2019-2023), written as a BACI release
archive (`BACI_HS92_V202501.zip`, deflated, with its country file, as CEPII publishes it) and
imported twice by steppe: the five unpacked year files (`steppe-files`) and the archive
streamed as it is (`steppe-archive`); the table gives the time per million rows and peak
memory of each, so "no slower per row, memory flat" is read off one run.

Tools that are not installed are skipped. Nothing is downloaded by the script itself.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# BACI codes that differ from ISO numeric (code, ISO3, name).
BACI_OWN = {"FRA": 251, "ITA": 381, "NOR": 579, "IND": 699, "CHE": 757, "USA": 842}

DUCKDB = r"""
import sys, duckdb
data, countries, out, threads = sys.argv[1:5]
con = duckdb.connect()
con.execute(f"SET threads = {int(threads)}")
con.execute(f'''
COPY (
  WITH c AS (
    SELECT CAST(country_code AS SMALLINT) AS code,
           CASE WHEN country_iso3 IS NULL OR country_iso3 IN ('N/A', '')
                THEN 'X' || lpad(country_code, 3, '0') ELSE country_iso3 END AS entity
    FROM read_csv('{countries}', header = true, all_varchar = true)
  )
  SELECT b.t AS year, ci.entity AS reporter_id, cj.entity AS partner_id,
         lpad(b.k, 6, '0') AS commodity_code, b.v * 1000 AS value, b.q AS quantity,
         CASE WHEN b.q IS NULL THEN NULL ELSE 't' END AS quantity_unit
  FROM read_csv('{data}', header = true, nullstr = 'NA',
                columns = {{'t': 'SMALLINT', 'i': 'SMALLINT', 'j': 'SMALLINT',
                            'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'DOUBLE'}}) b
  JOIN c ci ON b.i = ci.code
  JOIN c cj ON b.j = cj.code
) TO '{out}' (FORMAT parquet)
''')
"""

POLARS = r"""
import sys, polars as pl
data, countries, out = sys.argv[1:4]
c = pl.read_csv(countries, infer_schema=False).select(
    pl.col("country_code").cast(pl.Int16).alias("code"),
    pl.when(pl.col("country_iso3").is_null() | pl.col("country_iso3").is_in(["N/A", ""]))
    .then(pl.lit("X") + pl.col("country_code").str.zfill(3))
    .otherwise(pl.col("country_iso3"))
    .alias("entity"),
).lazy()
schema = {"t": pl.Int16, "i": pl.Int16, "j": pl.Int16, "k": pl.String, "v": pl.Float64,
          "q": pl.Float64}
(
    pl.scan_csv(data, schema=schema, null_values=["NA"])
    .join(c.rename({"code": "i", "entity": "reporter_id"}), on="i")
    .join(c.rename({"code": "j", "entity": "partner_id"}), on="j")
    .select(
        pl.col("t").alias("year"),
        "reporter_id",
        "partner_id",
        pl.col("k").str.zfill(6).alias("commodity_code"),
        (pl.col("v") * 1000).alias("value"),
        pl.col("q").alias("quantity"),
        pl.when(pl.col("q").is_not_null()).then(pl.lit("t")).alias("quantity_unit"),
    )
    .sink_parquet(out)
)
"""

PYARROW = r"""
import sys
import pyarrow as pa, pyarrow.csv as pcsv, pyarrow.compute as pc, pyarrow.parquet as pq
data, countries, out = sys.argv[1:4]
ct = pcsv.read_csv(countries, convert_options=pcsv.ConvertOptions(
    column_types={"country_code": pa.int32(), "country_iso3": pa.string()},
    strings_can_be_null=False))
lookup = [None] * 1000
for code, iso in zip(ct["country_code"].to_pylist(), ct["country_iso3"].to_pylist()):
    lookup[code] = iso if iso and iso != "N/A" else f"X{code:03d}"
lookup = pa.array(lookup, pa.string())
reader = pcsv.open_csv(
    data,
    read_options=pcsv.ReadOptions(block_size=8 << 20),
    convert_options=pcsv.ConvertOptions(
        column_types={"t": pa.int16(), "i": pa.int16(), "j": pa.int16(), "k": pa.string(),
                      "v": pa.float64(), "q": pa.float64()},
        null_values=["NA"], strings_can_be_null=False))
schema = pa.schema([("year", pa.int16()), ("reporter_id", pa.string()),
                    ("partner_id", pa.string()), ("commodity_code", pa.string()),
                    ("value", pa.float64()), ("quantity", pa.float64()),
                    ("quantity_unit", pa.string())])
with pq.ParquetWriter(out, schema) as w:
    for b in reader:
        rep = pc.take(lookup, b["i"])
        par = pc.take(lookup, b["j"])
        keep = pc.and_(pc.is_valid(rep), pc.is_valid(par))
        q = b["q"]
        unit = pc.if_else(pc.is_valid(q), pa.scalar("t"), pa.scalar(None, pa.string()))
        t = pa.Table.from_arrays(
            [b["t"], rep, par, pc.utf8_lpad(b["k"], 6, "0"), pc.multiply(b["v"], 1000.0), q,
             unit], schema=schema).filter(keep)
        w.write_table(t)
"""


def target_dir() -> Path:
    """Cargo's target directory (``CARGO_TARGET_DIR`` or the workspace's)."""
    env = os.environ.get("CARGO_TARGET_DIR")
    return Path(env) if env else ROOT / "target"


def build() -> tuple[Path, Path]:
    """Builds the release binaries and returns (steppe, baci_synth)."""
    for args in (
        ["cargo", "build", "--release", "-p", "steppe-cli"],
        ["cargo", "build", "--release", "-p", "steppe", "--example", "baci_synth"],
    ):
        print("$", " ".join(args), flush=True)
        subprocess.run(args, cwd=ROOT, check=True)
    release = target_dir() / "release"
    return release / "steppe", release / "examples" / "baci_synth"


def country_file(path: Path, n: int, seed: int) -> None:
    """Writes a BACI country file of about `n` countries from the curated crosswalk."""
    with open(ROOT / "data" / "entities.csv", newline="", encoding="utf-8") as f:
        entities = {r["entity_id"]: r for r in csv.DictReader(f)}
    iso2: dict[str, str] = {}
    num: dict[str, int] = {}
    with open(ROOT / "data" / "entity_codes.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            e = entities.get(r["entity_id"])
            if not e or e["entity_type"] != "country" or r["valid_to"]:
                continue
            if r["scheme"] == "iso_num":
                num[r["entity_id"]] = int(r["code"])
            elif r["scheme"] == "iso2":
                iso2[r["entity_id"]] = r["code"]
    ids = sorted(num)
    rng = random.Random(seed)
    chosen = set(BACI_OWN) | set(rng.sample(ids, min(n - 1, len(ids))))
    chosen = sorted(chosen)[: n - 1] if len(chosen) > n - 1 else sorted(chosen)
    for must in BACI_OWN:
        if must not in chosen:
            chosen[-1] = must
            chosen.sort()
    rows = [(BACI_OWN.get(i, num[i]), entities[i]["name"], iso2.get(i, ""), i) for i in chosen]
    rows.append((490, "Other Asia, nes", "N/A", "N/A"))
    rows.sort()
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["country_code", "country_name", "country_iso2", "country_iso3"])
        w.writerows(rows)


def generate(
    synth: Path, countries: Path, data: Path, rows: int, seed: int, year: int = 2023
) -> None:
    """Writes the synthetic BACI year, unless one with the same rows and seed exists."""
    meta = data.with_suffix(".meta.json")
    want = {"rows": rows, "seed": seed, "countries": countries.read_text()}
    if year != 2023:
        want["year"] = year
    if data.exists() and meta.exists() and json.loads(meta.read_text()) == want:
        print(f"reusing {data}", flush=True)
        return
    print(f"generating {rows} rows into {data}", flush=True)
    subprocess.run(
        [str(synth), str(countries), str(rows), str(seed), str(data), str(year)], check=True
    )
    meta.write_text(json.dumps(want))


ARCHIVE_YEARS = range(2019, 2024)


def release_archive(
    synth: Path, countries: Path, work: Path, rows: int, seed: int
) -> tuple[list[Path], Path]:
    """Five synthetic years of `rows` rows in all, unpacked and as one release archive.

    Returns (the year files, the archive); both are reused when rows and seed match.
    """
    folder = work / f"archive-r{rows}"
    folder.mkdir(exist_ok=True)
    years = []
    for i, year in enumerate(ARCHIVE_YEARS):
        data = folder / f"BACI_HS92_Y{year}_V202501.csv"
        generate(synth, countries, data, rows // len(ARCHIVE_YEARS), seed + i, year)
        years.append(data)
    archive = folder / "BACI_HS92_V202501.zip"
    stamp = archive.with_suffix(".meta.json")
    want = {"years": [p.stat().st_size for p in years], "seed": seed}
    if not (archive.exists() and stamp.exists() and json.loads(stamp.read_text()) == want):
        print(f"zipping {len(years)} years into {archive}", flush=True)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            for p in [*years, countries]:
                z.write(p, p.name)
        stamp.write_text(json.dumps(want))
    return years, archive


def archive_tools(
    steppe: Path, countries: Path, years: list[Path], archive: Path, work: Path
) -> dict[str, tuple[list[str], Path]]:
    """The two steppe runs: the unpacked years, and the same release from its archive."""
    inputs = {
        "steppe-files": [*map(str, years), "--country-codes", str(countries)],
        "steppe-archive": [str(archive)],
    }
    return {
        name: (
            [str(steppe), "import", "baci", *args, "--out", str(work / f"out-{name}"), "--quiet"],
            work / f"out-{name}",
        )
        for name, args in inputs.items()
    }


def warm(path: Path) -> None:
    """Reads `path` once so that every tool reads it from the page cache."""
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass


def measure(cmd: list[str]) -> dict[str, float]:
    """Runs `cmd` as a child process; wall, CPU (user + system) and peak RSS of that child."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {stderr.decode()[-2000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,  # KiB on Linux
    }


def size_of(path: Path) -> int:
    """Bytes of a file, or of every file under a directory."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def parquet_rows(path: Path) -> int | None:
    """Rows in the Parquet file(s) at ``path``, or None without pyarrow."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return None
    files = [path] if path.is_file() else sorted(path.rglob("*.parquet"))
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def available(module: str) -> bool:
    """Whether ``module`` imports in this Python."""
    return (
        subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode
        == 0
    )


def main() -> int:
    """Runs the benchmark and prints the results table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--countries", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3, help="runs per tool (median reported)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/steppe-bench"))
    ap.add_argument("--tools", default="steppe,duckdb,polars,pyarrow")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as built")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument(
        "--archive",
        action="store_true",
        help="steppe on five unpacked years against the same release archive",
    )
    args = ap.parse_args()

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    if args.no_build:
        release = target_dir() / "release"
        steppe, synth = release / "steppe", release / "examples" / "baci_synth"
    else:
        steppe, synth = build()
    countries = work / "country_codes_V202501.csv"
    country_file(countries, args.countries, args.seed)
    if args.archive:
        years, archive = release_archive(synth, countries, work, args.rows, args.seed)
        tools = archive_tools(steppe, countries, years, archive, work)
        csv_bytes = sum(p.stat().st_size for p in years)
        print(f"archive: {archive.stat().st_size / 1e6:.0f} MB zipped", flush=True)
        for p in [*years, archive]:
            warm(p)
        return report(args, tools, csv_bytes)
    # One file name per size: the importer reads the year and release from the name.
    sized = work / f"r{args.rows}"
    sized.mkdir(exist_ok=True)
    data = sized / "BACI_HS92_Y2023_V202501.csv"
    generate(synth, countries, data, args.rows, args.seed)
    csv_bytes = data.stat().st_size
    print(f"input: {args.rows} rows, {csv_bytes / 1e6:.0f} MB; {os.cpu_count()} cores", flush=True)
    warm(data)

    py = sys.executable
    tools: dict[str, tuple[list[str], Path]] = {}
    for name in args.tools.split(","):
        out = work / f"out-{name}"
        if name == "steppe":
            cmd = [
                str(steppe),
                "import",
                "baci",
                str(data),
                "--country-codes",
                str(countries),
                "--out",
                str(out),
                "--quiet",
            ]
        elif name == "duckdb":
            if not available("duckdb"):
                print("duckdb: not installed, skipped")
                continue
            out = out.with_suffix(".parquet")
            cmd = [py, "-c", DUCKDB, str(data), str(countries), str(out), str(os.cpu_count())]
        elif name == "polars":
            if not available("polars"):
                print("polars: not installed, skipped")
                continue
            out = out.with_suffix(".parquet")
            cmd = [py, "-c", POLARS, str(data), str(countries), str(out)]
        elif name == "pyarrow":
            if not available("pyarrow"):
                print("pyarrow: not installed, skipped")
                continue
            out = out.with_suffix(".parquet")
            cmd = [py, "-c", PYARROW, str(data), str(countries), str(out)]
        else:
            print(f"unknown tool {name}", file=sys.stderr)
            return 2
        tools[name] = (cmd, out)

    return report(args, tools, csv_bytes)


def report(
    args: argparse.Namespace, tools: dict[str, tuple[list[str], Path]], csv_bytes: int
) -> int:
    """Runs each tool --runs times, interleaved, and prints (and writes) the table."""
    results: dict[str, dict[str, float]] = {}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in tools}
    # Interleave the tools run by run so drift of the machine hits all alike.
    for r in range(args.runs):
        for name, (cmd, out) in tools.items():
            if out.exists():
                shutil.rmtree(out) if out.is_dir() else out.unlink()
            m = measure(cmd)
            runs[name].append(m)
            print(
                f"run {r + 1} {name:8} wall {m['wall']:6.2f}s  cpu {m['cpu']:6.2f}s  "
                f"peak {m['rss_mib']:6.0f} MiB",
                flush=True,
            )
    for name, (_, out) in tools.items():
        ms = runs[name]
        size_path = out / "trade_flows" if name.startswith("steppe") else out
        results[name] = {
            "wall": statistics.median(m["wall"] for m in ms),
            "cpu": statistics.median(m["cpu"] for m in ms),
            "rss_mib": max(m["rss_mib"] for m in ms),
            "out_mb": size_of(size_path) / 1e6,
            "rows_out": parquet_rows(size_path) or 0,
        }
    base = results.get("steppe") or results.get("steppe-files")
    print()
    print(
        f"{args.rows} rows ({csv_bytes / 1e6:.0f} MB of CSV), {os.cpu_count()} cores, "
        f"median of {args.runs} runs"
    )
    print()
    print(
        "| tool | wall (s) | s per M rows | CPU (s) | peak RSS (MiB) | output (MB) | rows out "
        "| wall / steppe |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        ratio = f"{r['wall'] / base['wall']:.2f}" if base else "-"
        per_m = r["wall"] / (args.rows / 1e6)
        print(
            f"| {name} | {r['wall']:.2f} | {per_m:.3f} | {r['cpu']:.2f} | {r['rss_mib']:.0f} | "
            f"{r['out_mb']:.1f} | {int(r['rows_out'])} | {ratio} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"rows": args.rows, "csv_bytes": csv_bytes, "results": results, "runs": runs},
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
