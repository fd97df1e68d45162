"""The UCDP/PRIO Armed Conflict Dataset from Python: ``steppe.import_ucdp_acd`` writes the
``conflicts`` table, ``Store.conflicts`` reads it by country, year and conflict."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

import steppe

V23 = "data-sources/ucdp/v23_1/UcdpPrioConflict_v23_1.csv"
V25 = "data-sources/ucdp/v25_1-excel-resave/UcdpPrioConflict_v25_1.csv"

HEADER = (
    "conflict_id;location;side_a;side_a_id;side_a_2nd;side_b;side_b_id;side_b_2nd;"
    "incompatibility;territory_name;year;intensity_level;cumulative_intensity;type_of_conflict;"
    "start_date;start_prec;start_date2;start_prec2;ep_end;ep_end_date;ep_end_prec;gwno_a;"
    "gwno_a_2nd;gwno_b;gwno_b_2nd;gwno_loc;region;version"
)


def test_import_ucdp_acd_from_both_releases(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    v23, v25 = shared_file(V23), shared_file(V25)
    out = tmp_path / "store"
    report = steppe.import_ucdp_acd([v23, v25], out)
    assert [(f.rows_read, f.rows_accepted, f.rows_rejected) for f in report.files] == [
        (2626, 2626, 0),
        (2752, 2750, 2),
    ]
    store = steppe.open(out)
    assert store.validate().ok
    war = store.conflicts("TJK", conflict=395, version="23.1", years=(1992, 1998))
    assert sorted((c.year, c.intensity_level) for c in war) == [
        (1992, "war"),
        (1993, "war"),
        (1994, "minor"),
        (1995, "minor"),
        (1996, "war"),
        (1997, "minor"),
        (1998, "minor"),
    ]
    first = next(c for c in war if c.year == 1992)
    assert isinstance(first, steppe.Conflict)
    assert first.side_b == "PFT, UTO"
    assert first.side_b_id == ("1186", "345")
    assert first.side_a_2nd_entity_ids == ("UZB",)
    assert first.start_date == datetime.date(1992, 5, 5)
    assert next(c for c in war if c.year == 1998).ep_end_date == datetime.date(1998, 11, 16)
    # Kyrgyzstan in any form finds the border conflict in both releases.
    border = store.conflicts("kg", type_of_conflict="interstate")
    assert sorted((c.conflict_id, c.year, c.version) for c in border) == [
        (13324, 2021, "23.1"),
        (13324, 2021, "25.1"),
        (13324, 2022, "23.1"),
        (13324, 2022, "25.1"),
    ]
    assert {c.location_entity_ids for c in border} == {("TJK", "KGZ")}
    # The re-save's split record: both lines in the rejects, with the reason.
    rejects = store.rejects(reason="split_record").to_pyarrow()
    assert rejects.column("line").to_pylist() == [42, 43]
    titles = {s.title for s in store.sources([f.source_id for f in report.files])}
    assert titles == {
        "UCDP/PRIO Armed Conflict Dataset 23.1",
        "UCDP/PRIO Armed Conflict Dataset 25.1 (a spreadsheet re-save)",
    }
    # The table goes to polars with its lists; codes naming no state that year have a null
    # entity id: colonies in extrasystemic conflicts, and Hyderabad (G&W 751, 1947-1948),
    # which the crosswalk does not list.
    frame = store.conflicts(version="23.1").to_polars()
    assert frame.height == 2626
    unresolved = frame.filter(
        pl.col("location_entity_ids").list.eval(pl.element().is_null()).list.any()
    )
    assert unresolved.height > 0
    assert unresolved.height == 108
    others = unresolved.filter(pl.col("type_of_conflict") != "extrasystemic")
    assert sorted(others["conflict_id"]) == [226, 11884, 11884]
    assert all("751" in codes for codes in others["gwno_loc"])


def test_import_ucdp_acd_rejects_bad_rows_and_keeps_unknown_codes(tmp_path: Path) -> None:
    data = tmp_path / "UcdpPrioConflict_v25_1.csv"
    good = (
        "415;Uzbekistan;Government of Uzbekistan;133;;IMU;359;;2;;1999;1;0;3;16-2-1999;1;"
        "30-3-1999;1;0;;;704;;;;704;3;25.1"
    )
    rows = [
        good,
        good.replace(";1999;1;0;3;16-2-1999", ";2000;1;0;3;1999-02-16"),  # an ISO date
        good.replace(";1999;", ";2004;").replace(";704;3;", ";9999;3;"),  # no such G&W state
    ]
    data.write_text(HEADER + "\r\n" + "\r\n".join(rows) + "\r\n")
    out = tmp_path / "store"
    report = steppe.import_ucdp_acd(data, out)
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (3, 2, 1)
    store = steppe.open(out)
    (reject,) = store.rejects()
    assert (reject.line, reject.field, reject.reason) == (3, "start_date", "malformed_date")
    unknown = store.conflicts(years=2004).records()[0]
    assert unknown.gwno_loc == ("9999",)
    assert unknown.location_entity_ids == (None,)
    assert store.conflicts("UZB").records()[0].year == 1999
    with pytest.raises(steppe.SchemaError):
        store.conflicts(intensity_level="catastrophic")
    with pytest.raises(steppe.ArgumentError):
        steppe.import_ucdp_acd(data, out, reimport=True)  # type: ignore[arg-type]


GED_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,"
    "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,best,high,low,gwnoa,gwnob"
)
GED_COLUMNS = GED_HEADER.split(",")


def ged_line(event_id: str, violence: str, conflict: str, date: str) -> str:
    """One GED 23.1 event in Tajikistan."""
    values = {
        "id": event_id,
        "year": date[:4],
        "type_of_violence": violence,
        "conflict_new_id": conflict,
        "side_a": "Government of Tajikistan",
        "side_b": "UTO",
        "country_id": "702",
        "date_prec": "1",
        "date_start": date,
        "date_end": date,
        "best": "5",
    }
    return ",".join(f'"{values.get(c, "")}"' for c in GED_COLUMNS)


def test_ged_events_join_conflict_years_by_conflict_id_and_year(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    ged = tmp_path / "GEDEvent_v23_1.csv"
    lines = [
        ged_line("301", "1", "395", "1992-09-05"),
        ged_line("302", "1", "395", "1994-03-01"),
        ged_line("303", "3", "4461", "1992-10-01"),
    ]
    ged.write_text("\n".join([GED_HEADER, *lines]) + "\n")
    out = tmp_path / "store"
    steppe.import_ucdp([ged], out)
    steppe.import_ucdp_acd([shared_file(V23)], out)
    store = steppe.open(out)
    assert store.validate().ok
    events = store.table("events").to_polars()
    assert events.sort("event_id")["conflict_id"].to_list() == [395, 395, 4461]
    conflicts = store.table("conflicts").to_polars()
    joined = (
        events.select("event_id", "year", "conflict_id")
        .join(
            conflicts.select("conflict_id", "year", "side_b", pl.col("intensity_level").cast(str)),
            on=["conflict_id", "year"],
            how="left",
        )
        .sort("event_id")
    )
    assert joined.select("event_id", "side_b", "intensity_level").rows() == [
        ("ucdp:301", "PFT, UTO", "war"),
        ("ucdp:302", "UTO", "minor"),
        ("ucdp:303", None, None),
    ]
    # The same join in pyarrow.
    left = store.table("events").to_pyarrow().select(["event_id", "year", "conflict_id"])
    right = store.table("conflicts").to_pyarrow().select(["conflict_id", "year", "side_b"])
    both = left.join(right, keys=["conflict_id", "year"], join_type="inner").sort_by("event_id")
    assert both.column("side_b").to_pylist() == ["PFT, UTO", "UTO"]
    # Filterable like other columns; the record carries it.
    tajik = sorted(store.events(conflict_id=395), key=lambda e: e.event_id)
    assert [(e.event_id, e.conflict_id) for e in tajik] == [("ucdp:301", 395), ("ucdp:302", 395)]
