"""Tables of several files and years work with each consumer's own operations.

Each Parquet file of a table has its own dictionary for the code columns (``reporter_id``,
``partner_id``, ...). The store here has four files from two imports, the second adding a
reporter the first lacks, and each file large enough (40,000 rows) to reach consumers as its
own chunk. steppe hands out one dictionary per column, so pyarrow's ``group_by`` and ``join``
(which refuse differing dictionaries) work; the sums are checked against the rows written.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import steppe

COUNTRIES = [
    (156, "China", "CN", "CHN"),
    (643, "Russian Federation", "RU", "RUS"),
    (762, "Tajikistan", "TJ", "TJK"),
    (398, "Kazakhstan", "KZ", "KAZ"),
    (417, "Kyrgyzstan", "KG", "KGZ"),
    (860, "Uzbekistan", "UZ", "UZB"),
]
ROWS_PER_YEAR = 40_000
# The first import's files name five reporters, the second's all six, in another order.
FIRST, SECOND = (2019, 2020), (2021, 2022)


def _rows(year: int) -> list[tuple[int, int, int, int]]:
    """``(reporter index, partner index, product, value in thousands USD)`` of one year."""
    reporters = 5 if year in FIRST else 6
    out = []
    for r in range(ROWS_PER_YEAR):
        i = (r + year) % reporters
        j = (i + 1 + r % 5) % 6
        out.append((i, j, 100_000 + r, r % 1000 + 1))
    return out


def _write_year(folder: Path, year: int) -> Path:
    path = folder / f"BACI_HS92_Y{year}_V202501.csv"
    lines = ["t,i,j,k,v,q"]
    lines += [f"{year},{COUNTRIES[i][0]},{COUNTRIES[j][0]},{k},{v},1" for i, j, k, v in _rows(year)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> steppe.Store:
    folder = tmp_path_factory.mktemp("consumers")
    codes = folder / "country_codes_V202501.csv"
    header = "country_code,country_name,country_iso2,country_iso3\n"
    codes.write_text(header + "".join(",".join(map(str, c)) + "\n" for c in COUNTRIES))
    out = folder / "store"
    for years in (FIRST, SECOND):
        summary = steppe.import_baci([_write_year(folder, y) for y in years], codes, out)
        assert summary.rows_accepted == 2 * ROWS_PER_YEAR
    files = sorted(p.parent.name for p in (out / "trade_flows").rglob("*.parquet"))
    assert files == ["year=2019", "year=2020", "year=2021", "year=2022"]
    return steppe.open(out)


def _expected_by_reporter() -> dict[str, float]:
    totals: defaultdict[str, float] = defaultdict(float)
    for year in FIRST + SECOND:
        for i, _, _, v in _rows(year):
            totals[COUNTRIES[i][3]] += v * 1000.0  # BACI is in thousands of USD
    return dict(totals)


def _expected_by_year_partner() -> dict[tuple[int, str], float]:
    totals: defaultdict[tuple[int, str], float] = defaultdict(float)
    for year in FIRST + SECOND:
        for _, j, _, v in _rows(year):
            totals[(year, COUNTRIES[j][3])] += v * 1000.0
    return dict(totals)


def _approx(values: dict[Any, float]) -> dict[Any, Any]:
    return {k: pytest.approx(v) for k, v in values.items()}


@pytest.mark.pyarrow
def test_pyarrow_group_by_join_and_filter(store: steppe.Store) -> None:
    pa = pytest.importorskip("pyarrow")
    pc = pytest.importorskip("pyarrow.compute")
    t = store.trade_flows().to_pyarrow()
    assert t.num_rows == 4 * ROWS_PER_YEAR
    reporters = t.column("reporter_id")
    assert reporters.num_chunks >= 4
    # One dictionary in every chunk: what group_by and join need.
    assert all(c.dictionary.equals(reporters.chunks[0].dictionary) for c in reporters.chunks)

    by_reporter = t.group_by("reporter_id").aggregate([("value", "sum")])
    reporters_out = by_reporter["reporter_id"].to_pylist()
    got = dict(zip(reporters_out, by_reporter["value_sum"].to_pylist(), strict=True))
    assert got == _approx(_expected_by_reporter())
    assert set(got) == {"CHN", "RUS", "TJK", "KAZ", "KGZ", "UZB"}

    by_year = t.group_by(["year", "partner_id"]).aggregate([("value", "sum")])
    got_years = {
        (y, p): v
        for y, p, v in zip(
            by_year["year"].to_pylist(),
            by_year["partner_id"].to_pylist(),
            by_year["value_sum"].to_pylist(),
            strict=True,
        )
    }
    assert got_years == _approx(_expected_by_year_partner())

    # A join on a code column, with the table's own aggregate.
    joined = t.join(by_reporter, "reporter_id")
    assert joined.num_rows == t.num_rows
    uzb = joined.filter(pc.field("reporter_id") == "UZB")
    uzb_total = pytest.approx(_expected_by_reporter()["UZB"])
    assert uzb.num_rows > 0 and uzb["value_sum"].to_pylist() == [uzb_total] * uzb.num_rows
    # A join with a plain-text key table.
    names = pa.table({"reporter_id": ["TJK", "KGZ"], "name": ["Tajikistan", "Kyrgyzstan"]})
    named = t.join(names, "reporter_id", join_type="inner")
    expected_rows = sum(
        1 for y in FIRST + SECOND for i, *_ in _rows(y) if COUNTRIES[i][3] in {"TJK", "KGZ"}
    )
    assert named.num_rows == expected_rows

    chn = t.filter(pc.field("reporter_id") == "CHN")
    assert pc.sum(chn["value"]).as_py() == pytest.approx(_expected_by_reporter()["CHN"])
    assert set(chn["reporter_id"].to_pylist()) == {"CHN"}


@pytest.mark.polars
def test_polars_group_by(store: steppe.Store) -> None:
    pl = pytest.importorskip("polars")
    df = store.trade_flows().to_polars()
    out = df.group_by("reporter_id").agg(pl.col("value").sum())
    names = out["reporter_id"].cast(pl.String).to_list()
    got = dict(zip(names, out["value"].to_list(), strict=True))
    assert got == _approx(_expected_by_reporter())
    years = df.group_by("year", "partner_id").agg(pl.col("value").sum())
    got_years = {
        (y, str(p)): v for y, p, v in years.select("year", "partner_id", "value").iter_rows()
    }
    assert got_years == _approx(_expected_by_year_partner())


@pytest.mark.pandas
def test_pandas_groupby(store: steppe.Store) -> None:
    pytest.importorskip("pandas")
    df = store.trade_flows().to_pandas()
    got = df.groupby("reporter_id", observed=True)["value"].sum().to_dict()
    assert got == _approx(_expected_by_reporter())
    years = df.groupby(["year", "partner_id"], observed=True)["value"].sum().to_dict()
    assert {(int(y), str(p)): v for (y, p), v in years.items()} == _approx(
        _expected_by_year_partner()
    )


@pytest.mark.duckdb
def test_duckdb_sql(store: steppe.Store) -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.register("flows", store.trade_flows())
    rows = con.sql("select reporter_id, sum(value) from flows group by 1").fetchall()
    assert dict(rows) == _approx(_expected_by_reporter())
    rows = con.sql("select year, partner_id, sum(value) from flows group by 1, 2").fetchall()
    assert {(y, p): v for y, p, v in rows} == _approx(_expected_by_year_partner())


def test_directory_readers_see_undated_events_as_null(tmp_path: Path) -> None:
    """DuckDB, polars and pyarrow read ``year=__HIVE_DEFAULT_PARTITION__`` as a null year.

    The versions ``pyproject.toml`` declares as minimums are the oldest that do (see
    docs/scaling.md); ``year == 2024`` must not match the undated rows.
    """
    store = tmp_path / "store"
    assert steppe._steppe.run_cli(["steppe", "init", str(store)]) == 0
    events = steppe.open(store).events().records()
    undated = sum(1 for e in events if e.year is None)
    in_2024 = sum(1 for e in events if e.year == 2024)
    assert undated > 0 and in_2024 > 0
    glob = str(store / "events" / "**" / "*.parquet")
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(
        f"select count(*) filter (where year is null), count(*) filter (where year = 2024), "
        f"typeof(any_value(year)) from read_parquet('{glob}', hive_partitioning = true)"
    ).fetchall()
    assert rows[0][:2] == (undated, in_2024)
    assert rows[0][2] in ("BIGINT", "INTEGER", "SMALLINT")
    pl = pytest.importorskip("polars")
    scan = pl.scan_parquet(glob, hive_partitioning=True)
    assert scan.filter(pl.col("year").is_null()).collect().height == undated
    assert scan.filter(pl.col("year") == 2024).collect().height == in_2024
    ds = pytest.importorskip("pyarrow.dataset")
    table = ds.dataset(store / "events", format="parquet", partitioning="hive").to_table()
    assert table["year"].null_count == undated
