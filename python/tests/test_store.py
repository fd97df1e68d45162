"""Opening stores, reading tables with filters, metadata, validation and citations."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

import steppe

# The bundle: data/ plus the publishers' files of data/dataset.toml (docs/data.md).
BUNDLED_ROWS = {
    "sources": 81,
    "entities": 385,
    "entity_codes": 3621,
    "organisations": 10,
    "memberships": 37,
    "trade_flows": 60571,
    "events": 12,
    "event_actors": 17,
    "claims": 21,
    "indicators": 17,
    "indicator_observations": 192194,
    "rejects": 2,
    "conflicts": 2750,
}

# What data/ alone compiles to (the curated half of the bundle).
CURATED_ROWS = {
    "sources": 41,
    "entities": 314,
    "entity_codes": 3549,
    "organisations": 5,
    "memberships": 3,
    "trade_flows": 4,
    "events": 12,
    "event_actors": 17,
    "claims": 21,
    "indicators": 0,
    "indicator_observations": 0,
    "rejects": 0,
    "conflicts": 0,
}


def test_bundled_info(bundled: steppe.Store) -> None:
    info = bundled.info()
    assert info["path"] is None
    assert info["schema_version"] == steppe.SCHEMA_VERSION == 4
    assert info["generation"] >= 1
    assert info["tables"] == BUNDLED_ROWS
    assert bundled.path is None
    assert "bundled" in repr(bundled)


def test_every_table_reads_with_its_row_count(bundled: steppe.Store) -> None:
    assert set(steppe.TABLES) == set(BUNDLED_ROWS)
    for name in steppe.TABLES:
        table = bundled.table(name)
        assert table.name == name
        assert len(table) == table.num_rows == BUNDLED_ROWS[name]
        assert table.columns == table.schema.names


def test_round_trip_data_to_store_to_python(
    disk_store: steppe.Store, bundled: steppe.Store, store_dir: Path
) -> None:
    """data/*.csv -> a store written by steppe -> Python records are all in the bundle."""
    assert disk_store.path == str(store_dir)
    assert (store_dir / "datapackage.json").is_file()
    assert disk_store.info()["tables"] == CURATED_ROWS
    for name in steppe.TABLES:
        shipped = set(map(repr, bundled.table(name)))
        assert set(map(repr, disk_store.table(name))) <= shipped, name


def test_trade_flow_filters(bundled: steppe.Store) -> None:
    article = bundled.trade_flows(source="dyer-2025-tajikistan")
    assert len(article) == 4
    # Every form of Tajikistan's code means the same reporter.
    for code in ["TJK", "tj", "762", "fips:TI", "gw:702", "cow:TAJ", "cow:702"]:
        flows = bundled.trade_flows(reporter=code, years=(2021, 2023))
        assert {f.reporter_id for f in flows} == {"TJK"}, code
        assert len(flows) == 4
    assert {f.partner_id for f in bundled.trade_flows(partner="RU")} == {"RUS"}
    assert len(bundled.trade_flows(reporter="TJK", partner=["RUS", "CHN"], years=2023)) == 4
    assert len(bundled.trade_flows(reporter="TJK", partner="CHN", flow="export", years=2023)) == 1
    assert len(bundled.trade_flows(years=2023)) == 4
    assert len(bundled.trade_flows(years=(2024, None))) == 0
    assert len(bundled.trade_flows(commodity="2601")) == 0
    assert len(bundled.trade_flows(commodity="TOTAL")) == 60571
    # IMF DOTS: the eight reporters, every partner, both flows, to 2020.
    dots = bundled.trade_flows(reporter="TJK", partner=["RUS", "CHN"], years=2020, flow="import")
    values = {f.partner_id: f.value for f in dots}
    assert values["RUS"] == pytest.approx(932.6e6, abs=0.05e6)
    assert values["CHN"] == pytest.approx(438.4e6, abs=0.05e6)
    # The mirror: what Russia and China report about Tajikistan.
    mirror = bundled.trade_flows(reporter=["RUS", "CHN"], partner="TJK", years=2020)
    assert {(f.reporter_id, f.flow) for f in mirror} == {
        ("RUS", "export"),
        ("RUS", "import"),
        ("CHN", "export"),
        ("CHN", "import"),
    }
    # Either side, and the generic filters through **filters and table().
    assert len(bundled.trade_flows(involving="CN", years=2023)) == 2
    assert len(bundled.trade_flows(involving=["CHN", "RUS"], years=2023)) == 4
    assert len(bundled.table("trade_flows", reporter="TJ", partner="CN", years=2023)) == 2
    value = bundled.trade_flows(partner="RUS", flow="export", years=2023).records()[0].value
    assert value == pytest.approx(137.4e6)


def test_invalid_filter_values(bundled: steppe.Store) -> None:
    with pytest.raises(steppe.SchemaError, match="not a valid `flow`") as e:
        bundled.trade_flows(flow="exports")
    assert e.value.field == "flow"
    assert e.value.table == "trade_flows"
    with pytest.raises(steppe.SchemaError, match="no column `colour`") as e:
        bundled.trade_flows(colour="red")
    assert e.value.field == "colour"
    with pytest.raises(steppe.SchemaError, match="no `year` column"):
        bundled.table("sources", years=2020)
    with pytest.raises(ValueError, match="empty list"):
        bundled.trade_flows(reporter=[])
    with pytest.raises(TypeError):
        bundled.trade_flows(years="2020")  # type: ignore[arg-type]


def test_events_by_country_include_actors(bundled: steppe.Store) -> None:
    events = bundled.events()
    assert len(events) == 12
    tjk = bundled.events(country="TJ")
    assert len(tjk) > 0
    # Each event happened in Tajikistan or has it among its actors.
    with_tjk_actor = {a.event_id for a in bundled.event_actors(actor="TJK")}
    for e in tjk:
        assert e.country_id == "TJK" or e.event_id in with_tjk_actor
    dated = [e for e in events if e.year is not None]
    assert dated
    year = dated[0].year
    assert all(e.year == year for e in bundled.events(years=year))


def test_entities_countries_codes(bundled: steppe.Store) -> None:
    countries = bundled.countries()
    assert 0 < len(countries) < 314
    assert all(c.entity_type == "country" for c in countries)
    assert [c.name for c in bundled.entities("TJ")] == ["Tajikistan"]
    assert [c.entity_id for c in bundled.countries(["UZ", "KGZ", "398"])] == ["KAZ", "KGZ", "UZB"]
    central = bundled.entities(focus="central_asia")
    assert {"KAZ", "KGZ", "TJK", "TKM", "UZB"} <= {e.entity_id for e in central}
    codes = bundled.entity_codes("TJK", scheme="fips")
    assert [(c.scheme, c.code) for c in codes] == [("fips", "TI")]
    assert len(bundled.entity_codes(scheme=["iso2", "iso3"])) == 560


def test_other_named_tables(bundled: steppe.Store) -> None:
    assert len(bundled.sources()) == 81
    assert len(bundled.sources("dyer-2025-tajikistan")) == 1
    orgs = bundled.organisations()
    assert len(orgs) == 10
    org = orgs.records()[0]
    assert len(bundled.organisations(org.org_id)) == 1
    assert len(bundled.memberships()) == 37
    assert len(bundled.memberships(entity="TJ")) == len(bundled.memberships(entity="TJK"))
    assert len(bundled.indicators()) == 17
    # 16 WDI series from 2000 to 2020 for TJK, remittances % GDP among them.
    observations = bundled.indicator_observations(country="TJK", years=(2000, 2020))
    assert {o.indicator_id for o in observations} >= {"wdi:BX.TRF.PWKR.DT.GD.ZS"}
    assert len(bundled.event_actors()) == 17
    assert len(bundled.rejects()) == 2
    claims = bundled.claims()
    assert len(claims) == 21
    about_tjk = bundled.claims(about="tj")
    assert 0 < len(about_tjk) <= 21
    assert all("TJK" in c.about for c in about_tjk)
    assert len(bundled.claims(document="dyer-2025-tajikistan")) == len(
        [c for c in claims if c.document_id == "dyer-2025-tajikistan"]
    )


def test_resolve_countries(bundled: steppe.Store) -> None:
    assert bundled.resolve_countries(["TJ", "uzb", "417", "fips:KZ", "gw:701"]) == [
        "TJK",
        "UZB",
        "KGZ",
        "KAZ",
        "TKM",
    ]
    # Entity ids that are no current ISO code pass as they are.
    historical = bundled.entities(entity_type="historical").records()[0].entity_id
    assert bundled.resolve_countries(historical) == [historical]
    with pytest.raises(steppe.CodeError) as e:
        bundled.resolve_countries(["TJ", "XX", "Atlantis"])
    assert e.value.values == ["XX", "Atlantis"]


def test_validate(bundled: steppe.Store, disk_store: steppe.Store) -> None:
    for store in (bundled, disk_store):
        report = store.validate()
        assert report.ok, str(report)
        assert report.problems == ()
        assert report.files_checked > 0
        assert store.validate(raise_on_error=True).ok
    assert bundled.validate().rows_checked["entities"] == 385
    assert disk_store.validate().rows_checked["entities"] == 314


def test_validate_reports_a_damaged_file(tmp_path: Path, store_dir: Path) -> None:
    import shutil

    damaged = tmp_path / "store"
    shutil.copytree(store_dir, damaged)
    victim = next((damaged / "entities").rglob("*.parquet"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    store = steppe.open(damaged)
    report = store.validate()
    assert not report.ok
    assert report.problems[0].table == "entities"
    assert report.problems[0].field == "sha256"
    assert "entities" in str(report)
    with pytest.raises(steppe.ValidationError) as e:
        store.validate(raise_on_error=True)
    assert e.value.path == str(damaged)
    assert e.value.field == "sha256"
    assert e.value.table == "entities"
    assert e.value.report == report


def test_cite(bundled: steppe.Store) -> None:
    text = bundled.cite("dyer-2025-tajikistan")
    assert "Tajikistan: Between the Bear and the Dragon" in text
    bib = bundled.cite("dyer-2025-tajikistan", format="bibtex")
    assert bib.startswith("@") and "{dyer-2025-tajikistan," in bib
    # Only bibliographic fields: the curation note (where the text came from) stays out, and
    # the month is BibTeX's standard macro.
    assert bib == (
        "@misc{dyer-2025-tajikistan,\n"
        "  author = {Dyer, Theo},\n"
        "  title = {Tajikistan: Between the Bear and the Dragon},\n"
        "  year = 2025,\n"
        "  month = sep\n"
        "}"
    )
    csl = json.loads(bundled.cite("dyer-2025-tajikistan", format="csl-json"))
    assert csl["id"] == "dyer-2025-tajikistan"
    assert csl["title"] == "Tajikistan: Between the Bear and the Dragon"
    assert sorted(csl) == ["author", "id", "issued", "title", "type"]
    assert csl["issued"] == {"date-parts": [[2025, 9, 26]]}
    with pytest.raises(steppe.SteppeError, match="no source `nope`"):
        bundled.cite("nope")
    with pytest.raises(steppe.SteppeError, match="citation format"):
        bundled.cite("dyer-2025-tajikistan", format="apa")  # type: ignore[arg-type]


def test_dates_are_dates(bundled: steppe.Store) -> None:
    source = bundled.sources("iso-codes-4.15.0-iso-3166-1").records()[0]
    assert source.issued == datetime.date(2023, 4, 27)
    assert isinstance(source.accessed, datetime.date)
