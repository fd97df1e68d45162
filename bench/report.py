#!/usr/bin/env python3
"""Benchmark: `steppe report` on the bundled dataset, each run a cold process.

One command, from a fresh checkout (see docs/performance.md, "The country report"):

    python3 bench/report.py               # builds the release binary, 11 runs per case

The script builds `steppe` in release mode (cargo, `-p steppe-cli`), then times, for each
of the eight countries the dataset covers, `steppe report CC` (the text, to /dev/null) as a
whole process (median wall time and CPU time, peak resident memory read with `os.wait4`),
and for Tajikistan also with `--html` and `--png` (the page with its five charts, the main
chart). It prints one row per case, the load average before and after (the figures are only
comparable on a quiet machine), and exits non-zero when `steppe report TJK` (the text)
takes 0.1 s or more, the target of issue 18. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EIGHT = ["TJK", "KGZ", "KAZ", "UZB", "TKM", "AFG", "RUS", "CHN"]
TARGET_S = 0.1


def build() -> Path:
    """The release `steppe` binary, built with cargo."""
    subprocess.run(
        ["cargo", "build", "--release", "-p", "steppe-cli", "--bin", "steppe"], cwd=ROOT, check=True
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "steppe"


def run_once(argv: list[str]) -> tuple[float, float, int]:
    """(wall s, CPU s, peak RSS KiB) of one process, its output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def measure(argv: list[str], runs: int) -> tuple[float, float, int]:
    """Medians of `runs` runs after one unmeasured warm-up of the file cache."""
    run_once(argv)
    samples = [run_once(argv) for _ in range(runs)]
    return (
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        max(s[2] for s in samples),
    )


def main() -> int:
    """Builds, times each case, prints the table; 1 when the TJK target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=11, help="runs per case (median reported)")
    ap.add_argument("--binary", type=Path, help="a release `steppe` (default: build one)")
    args = ap.parse_args()
    steppe = args.binary or build()
    out = Path(tempfile.mkdtemp(prefix="steppe-bench-report-"))
    cases = [(f"report {c}", [str(steppe), "report", c]) for c in EIGHT]
    cases.append(
        (
            "report TJK --html --png",
            [
                str(steppe),
                "report",
                "TJK",
                "--html",
                str(out / "t.html"),
                "--png",
                str(out / "t.png"),
            ],
        )
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'case':<26} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
    results = {}
    for name, argv in cases:
        wall, cpu, rss = measure(argv, args.runs)
        results[name] = wall
        print(f"{name:<26} {wall:>8.3f} {cpu:>8.3f} {rss / 1024:>9.1f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    tjk = results["report TJK"]
    verdict = "met" if tjk < TARGET_S else "NOT met"
    print(f"target: `steppe report TJK` under {TARGET_S} s from a cold process: {verdict}")
    return 0 if tjk < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
