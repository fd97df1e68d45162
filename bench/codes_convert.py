"""Benchmark: converting country codes, steppe against country_converter and pycountry.

    python3 -m pip install '.[bench]' && python3 bench/codes_convert.py [--values 1000000]

Converts a column of ISO alpha-2 codes to ISO alpha-3 with each tool, in the same run, and
prints wall time and each tool's ratio to steppe; then FIPS 10-4 codes (GDELT's country codes),
which neither pycountry nor country_converter converts, with steppe alone. country_converter is
timed on a sample (it is slow) and scaled; the sample size is printed.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

import steppe


def timed(f: Callable[[], object]) -> float:
    """Seconds one call of ``f`` takes."""
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def main() -> None:
    """Runs every conversion and prints the table of timings."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--values", type=int, default=1_000_000)
    ap.add_argument("--coco-sample", type=int, default=20_000)
    args = ap.parse_args()

    iso2 = [c.code for c in steppe.bundled().entity_codes(scheme="iso2") if c.valid_to is None]
    rng = random.Random(42)
    values = [rng.choice(iso2) for _ in range(args.values)]
    results: dict[str, float] = {}

    results["steppe (list)"] = timed(lambda: steppe.codes.convert(values, source="iso2", year=2024))
    try:
        import pyarrow as pa

        arr = pa.array(values)
        dict_arr = arr.dictionary_encode()
        results["steppe (pyarrow string)"] = timed(
            lambda: steppe.codes.convert(arr, source="iso2", year=2024)
        )
        results["steppe (pyarrow dictionary)"] = timed(
            lambda: steppe.codes.convert(dict_arr, source="iso2", year=2024)
        )
    except ImportError:
        pass

    import pycountry

    def with_pycountry() -> list[str | None]:
        out = []
        for v in values:
            c = pycountry.countries.get(alpha_2=v)
            out.append(c.alpha_3 if c else None)
        return out

    results["pycountry (per value)"] = timed(with_pycountry)

    import country_converter as coco

    sample = values[: args.coco_sample]
    cc = coco.CountryConverter()
    t = timed(lambda: cc.convert(sample, src="ISO2", to="ISO3"))
    results[f"country_converter (sample {len(sample)}, scaled)"] = t * len(values) / len(sample)

    base = results["steppe (list)"]
    print(f"{len(values):,} ISO alpha-2 codes -> ISO alpha-3")
    print(f"{'tool':<45} {'seconds':>10} {'ratio to steppe':>16}")
    for name, secs in results.items():
        print(f"{name:<45} {secs:>10.3f} {secs / base:>16.1f}")
    fips = [
        rng.choice(["TI", "RS", "CH", "KG", "UZ", "TX", "KZ", "AF"]) for _ in range(len(values))
    ]
    secs = timed(lambda: steppe.codes.convert(fips, source="fips"))
    print(f"{'steppe FIPS 10-4 -> ISO alpha-3 (list)':<45} {secs:>10.3f}")


if __name__ == "__main__":
    main()
