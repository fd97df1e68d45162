"""Codes read on a day (``date=``), where a code changes holder within a year.

COW 345 is Yugoslavia (``YUG``) until 2006-06-02 and Serbia (``SRB``) from 2006-06-03
(COW v2024, ``statelist2024.csv`` lines 93-94): the year 2006 has two holders, a day one.
"""

from __future__ import annotations

import datetime
from typing import cast

import pytest

import steppe
from steppe import codes


def test_convert_takes_a_day_as_a_date_or_an_iso_string() -> None:
    before, after = datetime.date(2006, 6, 2), "2006-06-03"
    assert codes.convert("345", to="entity_id", source="cow_num", date=before) == "YUG"
    assert codes.convert("345", to="iso3", source="cow_num", date=after) == "SRB"
    assert codes.convert(["cow:345"], to="entity_id", date=datetime.datetime(2006, 6, 3, 12)) == [
        "SRB"
    ]
    # The year alone has two holders.
    with pytest.raises(steppe.CodeError) as err:
        codes.convert("345", source="cow_num", year=2006)
    assert "YUG" in str(err.value) and "SRB" in str(err.value)
    # Entity to code on the day: Yugoslavia has COW 345 on 2006-06-02, none the day after.
    assert codes.convert("YUG", to="cow_num", date=before) == "345"
    assert codes.convert(["YUG"], to="cow_num", date=after, errors="null") == [None]


def test_convert_takes_a_day_for_arrow_columns() -> None:
    pa = pytest.importorskip("pyarrow")
    column = pa.chunked_array([["345", None], ["345"]])
    out = codes.convert(column, to="entity_id", source="cow_num", date="2006-06-02")
    assert out.to_pylist() == ["YUG", None, "YUG"]


def test_a_bad_date_or_a_year_with_a_date_is_refused() -> None:
    with pytest.raises(ValueError, match="not a date"):
        codes.convert("345", source="cow_num", date="2006-13-01")
    with pytest.raises(ValueError, match="year= or date="):
        codes.convert("345", source="cow_num", year=2006, date="2006-06-03")
    with pytest.raises(TypeError, match="date must be"):
        codes.convert("345", source="cow_num", date=20060603)  # type: ignore[call-overload]


def test_query_filters_resolve_countries_on_the_day() -> None:
    store = steppe.bundled()

    def ids(table: steppe.Table[steppe.Entity]) -> list[str]:
        return [e.entity_id for e in table.records()]

    assert ids(store.entities("cow:345", date="2006-06-02")) == ["YUG"]
    assert ids(store.entities("cow:345", date=datetime.date(2006, 6, 3))) == ["SRB"]
    generic = store.table("entities", entity="cow:345", date="2006-06-03")
    assert ids(cast("steppe.Table[steppe.Entity]", generic)) == ["SRB"]
    assert store.resolve_countries(["cow:345"], date="2006-06-02") == ["YUG"]
    assert store.resolve_countries("cow:345", date="2006-06-03") == ["SRB"]
    with pytest.raises(steppe.CodeError):
        store.resolve_countries("cow:345", year=2006)
    with pytest.raises(ValueError, match="not a date"):
        store.entities("cow:345", date="3 June 2006")
