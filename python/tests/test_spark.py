"""Scale-out: Apache Spark (local mode) reads a store steppe wrote, as it is.

Spark discovers the Hive partitions, sees the types docs/data-model.md promises, agrees with
steppe on row counts and a grouped sum, and prunes partitions on a `year` filter.
"""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import steppe

pyspark = pytest.importorskip("pyspark", reason="pyspark is in the test extra")
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a JVM")

COUNTRIES = [
    (762, "Tajikistan", "TJ", "TJK"),
    (643, "Russian Federation", "RU", "RUS"),
    (156, "China", "CN", "CHN"),
    (417, "Kyrgyzstan", "KG", "KGZ"),
    (398, "Kazakhstan", "KZ", "KAZ"),
    (860, "Uzbekistan", "UZ", "UZB"),
]


def _write_baci(directory: Path) -> tuple[Path, list[Path]]:
    """Three synthetic BACI years in the real layout, plus the country-code file."""
    rng = random.Random(7)
    codes = directory / "country_codes_V202501.csv"
    codes.write_text(
        "country_code,country_name,country_iso2,country_iso3\n"
        + "".join(f"{c},{n},{i2},{i3}\n" for c, n, i2, i3 in COUNTRIES)
    )
    files = []
    for year in (2020, 2021, 2022):
        path = directory / f"BACI_HS92_Y{year}_V202501.csv"
        lines = ["t,i,j,k,v,q"]
        for i, *_ in COUNTRIES:
            for j, *_ in COUNTRIES:
                if i == j:
                    continue
                for k in rng.sample(range(10121, 970600, 97), 40):
                    v, q = rng.uniform(1, 5000), rng.uniform(0, 90)
                    lines.append(f"{year},{i},{j},{k:06d},{v:.3f},{q:.3f}")
        path.write_text("\n".join(lines) + "\n")
        files.append(path)
    return codes, files


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with three years of trade flows, written by `steppe import baci`."""
    root = tmp_path_factory.mktemp("spark")
    codes, files = _write_baci(root)
    out = root / "store"
    argv = ["steppe", "import", "baci", *map(str, files)]
    argv += ["--country-codes", str(codes), "--out", str(out), "--quiet"]
    assert steppe._steppe.run_cli(argv) == 0
    return out


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local Spark session."""
    session = (
        SparkSession.builder.master("local[2]")
        .appName("steppe-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_sees_the_documented_types(spark: Any, store: Path) -> None:
    df = spark.read.parquet(str(store / "trade_flows"))
    types = dict(df.dtypes)
    # The partition column comes from the directory names; the rest from the files.
    assert types["year"] == "int"
    assert types["month"] == "tinyint"
    assert types["reporter_id"] == "string"
    assert types["partner_id"] == "string"
    assert types["flow"] == "string"
    assert types["commodity_code"] == "string"
    assert types["value"] == "double"
    assert types["quantity"] == "double"
    assert types["is_estimated"] == "boolean"
    assert types["source_line"] == "bigint"
    assert not any(t.startswith(("timestamp", "binary")) for t in types.values()), types


def test_spark_agrees_with_steppe_on_counts_and_sums(spark: Any, store: Path) -> None:
    df = spark.read.parquet(str(store / "trade_flows"))
    table = steppe.open(store).trade_flows()
    assert df.count() == len(table)
    mine: dict[tuple[str, int], float] = defaultdict(float)
    for row in table:
        mine[(row.reporter_id, row.year)] += row.value or 0.0
    theirs = {
        (r["reporter_id"], r["year"]): r["total"]
        for r in df.groupBy("reporter_id", "year").agg(F.sum("value").alias("total")).collect()
    }
    assert theirs.keys() == mine.keys()
    for key, value in mine.items():
        assert theirs[key] == pytest.approx(value, rel=1e-12)


def test_a_year_filter_prunes_partitions(spark: Any, store: Path) -> None:
    df = spark.read.parquet(str(store / "trade_flows")).filter(F.col("year") == 2021)
    plan = df._jdf.queryExecution().executedPlan().toString()
    assert "PartitionFilters: [isnotnull(year" in plan and "= 2021)" in plan, plan
    files = [r[0] for r in df.select(F.input_file_name()).distinct().collect()]
    assert files and all("year=2021" in f for f in files), files
    assert df.count() == len(steppe.open(store).trade_flows(years=(2021, 2021)))
