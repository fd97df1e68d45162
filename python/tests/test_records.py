"""Iteration yields typed, frozen records: one class per table, fields in column order."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

import steppe
from steppe.records import RECORD_TYPES

EXPECTED = {
    "sources": steppe.Source,
    "entities": steppe.Entity,
    "entity_codes": steppe.EntityCode,
    "organisations": steppe.Organisation,
    "memberships": steppe.Membership,
    "trade_flows": steppe.TradeFlow,
    "indicators": steppe.Indicator,
    "indicator_observations": steppe.IndicatorObservation,
    "events": steppe.Event,
    "event_actors": steppe.EventActor,
    "claims": steppe.Claim,
    "rejects": steppe.Reject,
    "conflicts": steppe.Conflict,
}


def test_one_record_type_per_table() -> None:
    assert {name: RECORD_TYPES[name] for name in steppe.TABLES} == EXPECTED
    assert steppe.Country is steppe.Entity
    for name, cls in EXPECTED.items():
        assert cls.TABLE == name
        assert cls.__doc__
        assert [f.name for f in dataclasses.fields(cls)] == steppe._steppe.table_columns(name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_records_of_every_table(bundled: steppe.Store, name: str) -> None:
    table = bundled.table(name)
    records = list(table)
    assert len(records) == len(table)
    cls = EXPECTED[name]
    assert table.record_type is cls
    first_field = dataclasses.fields(cls)[0].name
    for r in records:
        assert type(r) is cls
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(r, first_field, "x")
    if records:
        first = records[0]
        assert repr(first).startswith(f"{cls.__name__}(")
        assert first == cls._from_row(table._inner._rows()[0])
        assert hash(first) == hash(cls._from_row(table._inner._rows()[0]))
        assert set(first.to_dict()) == set(table.columns)


def test_trade_flow_record(bundled: steppe.Store) -> None:
    flow = bundled.trade_flows(partner="CHN", flow="import", years=2023).records()[0]
    assert isinstance(flow, steppe.TradeFlow)
    assert (flow.year, flow.reporter_id, flow.partner_id, flow.flow) == (
        2023,
        "TJK",
        "CHN",
        "import",
    )
    assert flow.month is None
    assert isinstance(flow.value, float)
    assert flow.currency == "USD"
    assert flow.is_estimated is False
    assert flow.source_id == "dyer-2025-tajikistan"
    assert flow.derivation == "unit_converted"


def test_entity_and_codes_records(bundled: steppe.Store) -> None:
    tjk = bundled.entities("TJK").records()[0]
    assert isinstance(tjk, steppe.Country)
    assert (tjk.entity_id, tjk.name, tjk.entity_type) == ("TJK", "Tajikistan", "country")
    historical = [e for e in bundled.entities(entity_type="historical") if e.valid_to]
    assert historical and all(isinstance(e.valid_to, datetime.date) for e in historical)
    code = bundled.entity_codes("TJK", scheme="iso_num").records()[0]
    assert (code.code, code.is_preferred) == ("762", True)


def test_source_record_has_authors(bundled: steppe.Store) -> None:
    source = bundled.sources("iso-codes-4.15.0-iso-3166-1").records()[0]
    assert isinstance(source, steppe.Source)
    assert source.authors[0] == steppe.Author(family="McKinstry", given="Alastair")
    assert source.authors[0].display_name == "McKinstry, Alastair"
    assert isinstance(source.authors, tuple)
    assert hash(source) == hash(bundled.sources(source.source_id).records()[0])
    assert source.to_dict()["authors"][0]["family"] == "McKinstry"


def test_list_columns_are_tuples(bundled: steppe.Store) -> None:
    claim = bundled.claims().records()[0]
    assert isinstance(claim, steppe.Claim)
    for value in (claim.about, claim.cited_source_ids, claim.subject_refs):
        assert isinstance(value, tuple)
        assert all(isinstance(v, str) for v in value)
    assert len({*bundled.claims()}) == 21  # hashable


def test_event_records(bundled: steppe.Store) -> None:
    events = bundled.events().records()
    assert all(isinstance(e, steppe.Event) for e in events)
    assert all(e.event_id for e in events)
    dated = [e for e in events if e.start_date is not None]
    assert dated and all(isinstance(e.start_date, datetime.date) for e in dated)
    assert all(e.year == e.start_date.year for e in dated if e.start_date)
    actors = bundled.event_actors().records()
    assert all(isinstance(a, steppe.EventActor) for a in actors)
    assert {a.event_id for a in actors} <= {e.event_id for e in events}


def test_organisation_and_membership_records(bundled: steppe.Store) -> None:
    orgs = bundled.organisations().records()
    assert all(isinstance(o, steppe.Organisation) for o in orgs)
    members = bundled.memberships().records()
    assert all(isinstance(m, steppe.Membership) for m in members)
    assert {m.org_id for m in members} <= {o.org_id for o in orgs}


def test_empty_tables_iterate_to_nothing(bundled: steppe.Store) -> None:
    for name in ("indicators", "indicator_observations", "rejects"):
        assert list(bundled.table(name, source="no-such-source")) == []


def test_records_compare_by_value() -> None:
    a = steppe.Reject("s", "f.csv", 3, None, "unknown_code", None, "raw")
    b = steppe.Reject("s", "f.csv", 3, None, "unknown_code", None, "raw")
    assert a == b and hash(a) == hash(b)
    assert a != dataclasses.replace(b, line=4)
