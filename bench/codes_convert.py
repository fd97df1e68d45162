"""Benchmark: converting country codes, steppe against country_converter and pycountry.

    python3 -m pip install '.[bench]' && python3 bench/codes_convert.py [--values 1000000]

Converts a column of ISO alpha-2 codes to ISO alpha-3 with each tool, in the same run, and
prints wall time and each tool's ratio to steppe; then FIPS 10-4 codes (GDELT's country codes),
which neither pycountry nor country_converter converts, with steppe alone; then country names
as the World Bank, UN and G&W write them, steppe (``source="name"``) against country_converter
(regular expressions, ``src="regex"``). country_converter is timed on a sample (it is slow) and
scaled; the sample size is printed.
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
    names_vs_coco(rng, len(values), args.coco_sample)


# Names as the lists write them: World Bank, UN M49, G&W/UCDP, ISO, IMF-style.
NAMES = [
    "Kyrgyz Republic",
    "Korea, Rep.",
    "Republic of Korea",
    "Russia (Soviet Union)",
    "Tajikistan",
    "Iran, Islamic Rep.",
    "Yemen, Rep.",
    "Turkiye",
    "Viet Nam",
    "Kazakhstan",
]


def names_vs_coco(rng: random.Random, n: int, coco_sample: int) -> None:
    """A million repeated names to ISO alpha-3: steppe against country_converter."""
    import country_converter as coco

    values = [rng.choice(NAMES) for _ in range(n)]
    ours = steppe.codes.convert(values[:1000], source="name", errors="null")
    cc = coco.CountryConverter()
    sample = values[:coco_sample]
    theirs = cc.convert(sample[:1000], src="regex", to="ISO3", not_found=None)
    agree = sum(a == b for a, b in zip(ours, theirs, strict=True))
    steppe_secs = timed(lambda: steppe.codes.convert(values, source="name", errors="null"))
    coco_secs = timed(lambda: cc.convert(sample, src="regex", to="ISO3")) * n / len(sample)
    print(f"{n:,} country names -> ISO alpha-3 ({len(NAMES)} distinct, repeated)")
    print(f"{'steppe (list, source=name)':<45} {steppe_secs:>10.3f} {1.0:>16.1f}")
    label = f"country_converter regex (sample {len(sample)}, scaled)"
    print(f"{label:<45} {coco_secs:>10.3f} {coco_secs / steppe_secs:>16.1f}")
    print(f"answers equal on the first 1000 names: {agree}/1000")


if __name__ == "__main__":
    main()
