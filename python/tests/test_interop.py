"""Tables cross into pyarrow, polars, pandas and DuckDB through the Arrow PyCapsule interface,
sharing steppe's buffers."""

from __future__ import annotations

from pathlib import Path

import pytest

import steppe


def test_capsules_without_any_dataframe_library(bundled: steppe.Store) -> None:
    t = bundled.trade_flows()
    assert type(t.__arrow_c_stream__()).__name__ == "PyCapsule"
    assert type(t.__arrow_c_schema__()).__name__ == "PyCapsule"
    assert type(t.schema.__arrow_c_schema__()).__name__ == "PyCapsule"
    assert t.schema["value"] == "Float64"
    assert t.schema["reporter_id"] == "Dictionary(Int16, Utf8)"
    assert ("year", "Int16", False) in t.schema.fields
    assert "year" in t.schema and "nope" not in t.schema
    assert list(t.schema) == t.columns
    assert len(t.schema) == 20
    assert t.schema == bundled.trade_flows(years=2023).schema
    assert "value: Float64" in repr(t.schema)


def test_html_repr_shows_rows_and_sources(bundled: steppe.Store) -> None:
    html = bundled.trade_flows(source="dyer-2025-tajikistan")._repr_html_()
    assert "<table>" in html
    assert "trade_flows" in html and "4 rows" in html
    assert "TJK" in html and "137400000" in html
    assert "Sources cited" in html
    assert "dyer-2025-tajikistan" in html
    assert "Tajikistan: Between the Bear and the Dragon" in html
    assert "tajikistan-trade-portal" in html
    big = bundled.entities()._repr_html_()
    assert "375 more rows" in big
    assert bundled.trade_flows(source="dyer-2025-tajikistan").sources_cited()[0] == (
        "dyer-2025-tajikistan",
        "Tajikistan: Between the Bear and the Dragon",
    )
    assert "<steppe.Table trade_flows: 4 rows" in repr(
        bundled.trade_flows(source="dyer-2025-tajikistan")
    )


@pytest.mark.pyarrow
def test_pyarrow(bundled: steppe.Store) -> None:
    pa = pytest.importorskip("pyarrow")
    t = bundled.trade_flows(reporter="TJK", years=2023)
    pt = pa.table(t)
    assert pt.num_rows == 4
    assert pt.column_names == t.columns
    assert pt.schema.field("reporter_id").type == pa.dictionary(pa.int16(), pa.string())
    assert pt.schema.field("year").type == pa.int16()
    assert not pt.schema.field("year").nullable
    assert t.to_pyarrow().equals(pt)
    assert pa.schema(t.schema) == pt.schema
    assert pa.schema(t) == pt.schema
    src = pa.table(bundled.sources())
    assert src.schema.field("issued").type == pa.date32()
    assert pa.RecordBatchReader.from_stream(t).read_all().equals(pt)


@pytest.mark.pyarrow
def test_pyarrow_requested_schema_casts(bundled: steppe.Store) -> None:
    pa = pytest.importorskip("pyarrow")
    t = bundled.trade_flows()
    wanted = pa.table(t).schema.set(0, pa.field("year", pa.int64(), nullable=False))
    reader = pa.RecordBatchReader.from_stream(t, schema=wanted)
    assert reader.read_all().schema.field("year").type == pa.int64()


@pytest.mark.pyarrow
def test_zero_copy_pyarrow(bundled: steppe.Store) -> None:
    """pyarrow reads steppe's own buffer, every time it imports the table."""
    pa = pytest.importorskip("pyarrow")
    t = bundled.trade_flows()
    steppe_address = t._inner._buffer_address("value")
    assert steppe_address
    first = pa.table(t).column("value").chunks[0].buffers()[1].address
    second = pa.table(t).column("value").chunks[0].buffers()[1].address
    assert first == second == steppe_address


@pytest.mark.polars
def test_polars(bundled: steppe.Store) -> None:
    pl = pytest.importorskip("polars")
    t = bundled.trade_flows(source="dyer-2025-tajikistan")
    df = pl.DataFrame(t)
    assert df.shape == (4, 20)
    assert df.columns == t.columns
    assert df.schema["year"] == pl.Int16
    assert df.schema["value"] == pl.Float64
    assert df.schema["reporter_id"] == pl.Categorical
    assert t.to_polars().equals(df)
    by_partner = df.group_by("partner_id").agg(pl.col("value").sum()).sort("partner_id")
    assert by_partner["partner_id"].cast(pl.String).to_list() == ["CHN", "RUS"]
    ents = bundled.entities().to_polars()
    assert ents.schema["valid_to"] == pl.Date
    claims = bundled.claims().to_polars()
    assert claims.schema["about"] == pl.List(pl.String)


@pytest.mark.polars
def test_zero_copy_polars(bundled: steppe.Store) -> None:
    """polars' column is steppe's buffer (exported back out without a copy to compare)."""
    pl = pytest.importorskip("polars")
    pytest.importorskip("pyarrow")
    t = bundled.trade_flows()
    series = pl.DataFrame(t)["value"]
    assert series.to_arrow().buffers()[1].address == t._inner._buffer_address("value")


@pytest.mark.pandas
def test_pandas(bundled: steppe.Store) -> None:
    pd = pytest.importorskip("pandas")
    df = bundled.trade_flows(source="dyer-2025-tajikistan").to_pandas()
    assert df.shape == (4, 20)
    assert isinstance(df["reporter_id"].dtype, pd.CategoricalDtype)
    assert isinstance(df["flow"].dtype, pd.CategoricalDtype)
    assert df["value"].dtype == "float64"
    assert df["year"].dtype == "int16"
    assert set(df["partner_id"]) == {"CHN", "RUS"}
    sources = bundled.sources().to_pandas()
    issued = sources.set_index("source_id").loc["iso-codes-4.15.0-iso-3166-1", "issued"]
    assert issued == pd.Timestamp(2023, 4, 27)  # datetime64, so .dt works


@pytest.mark.duckdb
def test_duckdb_through_the_capsule(bundled: steppe.Store) -> None:
    duckdb = pytest.importorskip("duckdb")
    flows = bundled.trade_flows(reporter="TJK", years=2023)
    con = duckdb.connect()
    con.register("flows", flows)
    rows = con.sql(
        "select partner_id, sum(value) as total from flows group by partner_id order by 1"
    ).fetchall()
    assert rows == [("CHN", pytest.approx(1502.8e6)), ("RUS", pytest.approx(1717.4e6))]
    # Replacement scan of a local variable implementing the interface.
    t = flows  # noqa: F841 (read by DuckDB's replacement scan)
    assert duckdb.sql("select count(*) from t").fetchall() == [(4,)]


@pytest.mark.duckdb
def test_duckdb_reads_the_hive_partitioned_store(store_dir: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    pattern = str(store_dir / "trade_flows" / "**" / "*.parquet")
    rows = con.sql(
        f"select year, reporter_id, partner_id, flow, value "
        f"from read_parquet('{pattern}', hive_partitioning = true) order by partner_id, flow"
    ).fetchall()
    assert [r[:4] for r in rows] == [
        (2023, "TJK", "CHN", "export"),
        (2023, "TJK", "CHN", "import"),
        (2023, "TJK", "RUS", "export"),
        (2023, "TJK", "RUS", "import"),
    ]
    # The same rows as steppe reads.
    store = steppe.open(store_dir)
    by_steppe = sorted((f.partner_id, f.flow, f.value) for f in store.trade_flows())
    assert sorted((r[2], r[3], r[4]) for r in rows) == by_steppe
    entities = con.sql(
        f"select count(*) from read_parquet('{store_dir / 'entities' / '**' / '*.parquet'}')"
    ).fetchall()
    assert entities == [(314,)]


def test_exports_repeat_without_exhausting(bundled: steppe.Store) -> None:
    t = bundled.events()
    for _ in range(3):
        capsule = t.__arrow_c_stream__()
        assert capsule is not None
    assert len(list(t)) == len(list(t)) == 12


def test_empty_table_exports(bundled: steppe.Store) -> None:
    t = bundled.indicators("wdi:NO.SUCH.SERIES")
    assert len(t) == 0
    assert t.columns[0] == "indicator_id"
    pa = pytest.importorskip("pyarrow")
    assert pa.table(t).num_rows == 0
