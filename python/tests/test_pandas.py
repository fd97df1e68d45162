"""``Table.to_pandas``: dtypes follow the Arrow schema (nullable integers, datetime64 dates,
categoricals for codes), for every table of the bundled store and of a store on disk."""

from __future__ import annotations

import datetime

import pytest

import steppe

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

NULLABLE_INTEGERS = {
    "int8": pd.Int8Dtype(),
    "int16": pd.Int16Dtype(),
    "int32": pd.Int32Dtype(),
    "int64": pd.Int64Dtype(),
    "uint8": pd.UInt8Dtype(),
    "uint16": pd.UInt16Dtype(),
    "uint32": pd.UInt32Dtype(),
    "uint64": pd.UInt64Dtype(),
}


def expected_dtype(field: pa.Field) -> object:
    """The pandas dtype ``to_pandas`` documents for a field (fails on any other Arrow type)."""
    types = pa.types
    arrow_type = field.type
    if types.is_integer(arrow_type):
        return NULLABLE_INTEGERS[str(arrow_type)] if field.nullable else str(arrow_type)
    if types.is_boolean(arrow_type):
        return pd.BooleanDtype() if field.nullable else "bool"
    if types.is_string(arrow_type) or types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow")
    if types.is_date32(arrow_type):
        return "datetime64[ms]"
    if types.is_float64(arrow_type):
        return "float64"
    if types.is_float32(arrow_type):
        return "float32"
    if types.is_dictionary(arrow_type):
        return "category"
    if types.is_list(arrow_type) or types.is_large_list(arrow_type):
        return "object"
    raise AssertionError(f"to_pandas documents no dtype for Arrow type {arrow_type}")


WDI = (
    '"Country Name","Country Code","Indicator Name","Indicator Code","2021","2022",\n'
    '"Tajikistan","TJK","Placeholder series","DEMO.SERIES","1.0","2.0",\n'
    '"Kyrgyz Republic","KGZ","Placeholder series","DEMO.SERIES","3.0","oops",\n'
)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> steppe.Store:
    """A store with indicator rows and a reject (tables the bundled store leaves empty)."""
    work = tmp_path_factory.mktemp("pandas")
    (work / "WDICSV.csv").write_text(WDI)
    summary = steppe.import_wdi(work / "WDICSV.csv", work / "store")
    assert (summary.rows_accepted, summary.rows_rejected) == (1, 1)
    return steppe.open(work / "store")


@pytest.mark.parametrize("name", steppe.TABLES)
@pytest.mark.parametrize("which", ["bundled", "imported"])
def test_every_column_of_every_table_has_the_documented_dtype(
    bundled: steppe.Store, imported: steppe.Store, which: str, name: str
) -> None:
    table = (bundled if which == "bundled" else imported).table(name)
    arrow = table.to_pyarrow()
    df = table.to_pandas()
    assert list(df.columns) == table.columns
    assert len(df) == table.num_rows
    for field in arrow.schema:
        want = expected_dtype(field)
        got = df[field.name].dtype
        assert got == want, f"{name}.{field.name}: {field.type} became {got}, not {want}"
        if pa.types.is_date32(field.type):
            # .dt works, and the values are the dates steppe holds.
            days = [d for d in arrow.column(field.name).to_pylist() if d is not None]
            years = df[field.name].dt.year.dropna().astype(int).tolist()
            assert years == [d.year for d in days]


def test_the_bundled_tables_cover_every_kind_of_column(bundled: steppe.Store) -> None:
    """The parametrised test above sees integers, dates, booleans, text and codes."""
    kinds = {
        str(f.type).split("<")[0]
        for name in steppe.TABLES
        for f in bundled.table(name).to_pyarrow().schema
    }
    assert {"int8", "int16", "int32", "int64", "bool", "string", "date32[day]"} <= kinds
    assert "dictionary" in kinds


def test_an_event_year_is_an_integer_and_nulls_are_na(bundled: steppe.Store) -> None:
    df = bundled.events(country="TJK").to_pandas()
    assert str(df["year"].dtype) == "Int16"
    years = df["year"].dropna().tolist()
    assert years and all(isinstance(y, int) for y in years)
    assert 1992 in years, "the civil war's start year is an integer, not 1992.0"
    # A nullable integer column with gaps holds pd.NA, not NaN (and stays integer).
    fatalities = df["fatalities_best"]
    assert str(fatalities.dtype) == "Int32"
    assert fatalities.isna().any()
    assert fatalities[fatalities.isna()].iloc[0] is pd.NA


def test_dates_are_datetime64_beside_their_precision(bundled: steppe.Store) -> None:
    df = bundled.events(country="TJK").to_pandas()
    assert str(df["start_date"].dtype) == "datetime64[ms]"
    assert isinstance(df["date_precision"].dtype, pd.CategoricalDtype)
    first = df.sort_values("start_date").iloc[0]
    assert isinstance(first["start_date"], pd.Timestamp)
    records = {e.event_id: e for e in bundled.events(country="TJK")}
    for row in df.itertuples():
        want = records[row.event_id].start_date
        if want is None:
            assert pd.isna(row.start_date)
        else:
            assert row.start_date.date() == want
            assert row.date_precision == records[row.event_id].date_precision
    months = df["start_date"].dt.month.dropna()
    assert months.between(1, 12).all()


def test_non_null_columns_stay_numpy(bundled: steppe.Store) -> None:
    flows = bundled.trade_flows(source="dyer-2025-tajikistan").to_pandas()
    assert flows["year"].dtype == "int16"  # the schema says never null
    assert flows["year"].tolist() == [2023] * 4
    assert flows["month"].dtype == pd.Int8Dtype()  # nullable: null here, pd.NA
    assert flows["month"].isna().all()
    assert bundled.sources().to_pandas()["redistributable"].dtype == "bool"


def test_nullable_booleans_are_boolean() -> None:
    from steppe._table import _nullable_dtype

    assert _nullable_dtype(pa.field("b", pa.bool_(), nullable=True)) == pd.BooleanDtype()
    assert _nullable_dtype(pa.field("b", pa.bool_(), nullable=False)) is None
    assert _nullable_dtype(pa.field("n", pa.uint32(), nullable=True)) == pd.UInt32Dtype()
    assert _nullable_dtype(pa.field("f", pa.float64(), nullable=True)) is None


def test_imported_indicator_years_and_reject_lines_are_integers(imported: steppe.Store) -> None:
    obs = imported.indicator_observations().to_pandas()
    assert obs[["year", "value"]].values.tolist() == [[2021, 1.0], [2022, 2.0]]
    rejects = imported.rejects().to_pandas()
    assert rejects["line"].tolist() == [3]
    assert all(isinstance(v, int) for v in rejects["line"].tolist())


def test_text_is_nullable(bundled: steppe.Store) -> None:
    sources = bundled.sources().to_pandas()
    assert sources["title"].dtype == pd.StringDtype("pyarrow")
    assert sources["title"].isna().any()
    assert sources["title"][sources["title"].isna()].iloc[0] is pd.NA
    issued = sources.set_index("source_id")["issued"]
    assert issued["iso-codes-4.15.0-iso-3166-1"] == pd.Timestamp(2023, 4, 27)


def test_pyarrow_conversion_is_still_available(bundled: steppe.Store) -> None:
    df = bundled.events(country="TJK").to_pandas(types_mapper=None, date_as_object=True)
    assert df["start_date"].dtype == object
    assert isinstance(df["start_date"].dropna().iloc[0], datetime.date)
    assert df["year"].dtype != pd.Int16Dtype()
