"""``steppe.import_ucdp(..., ged_version=...)``: GED files without a header row."""

from __future__ import annotations

from pathlib import Path

import pytest

import steppe

V49 = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
]

EVENT = {
    "id": "101",
    "year": "1992",
    "type_of_violence": "1",
    "side_a": "Government of Tajikistan",
    "side_b": "UTO",
    "country_id": "702",
    "date_prec": "1",
    "date_start": "1992-09-05",
    "date_end": "1992-09-05",
    "best": "25",
}


def header_less(tmp_path: Path) -> Path:
    path = tmp_path / "candidate_events.csv"
    path.write_text(",".join(EVENT.get(name, "") for name in V49) + "\n")
    return path


def test_a_header_less_file_imports_with_ged_version(tmp_path: Path) -> None:
    out = tmp_path / "store"
    report = steppe.import_ucdp([header_less(tmp_path)], out, ged_version="23.1")
    assert (report.rows_read, report.rows_accepted) == (1, 1)
    events = list(steppe.open(out).events())
    assert [(e.event_id, e.country_id, e.fatalities_best) for e in events] == [
        ("ucdp:101", "TJK", 25)
    ]


def test_a_header_less_file_without_a_version_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "store"
    with pytest.raises(steppe.FormatError) as e:
        steppe.import_ucdp([header_less(tmp_path)], out)
    message = str(e.value)
    assert "candidate_events.csv" in message
    assert "the first line is not a header" in message
    assert 'ged_version="23.1"' in message
    assert not out.exists()


def test_ged_version_must_be_a_string(tmp_path: Path) -> None:
    with pytest.raises(steppe.ArgumentError) as e:
        steppe.import_ucdp([header_less(tmp_path)], tmp_path / "store", ged_version=23.1)  # type: ignore[arg-type]
    assert "ged_version" in str(e.value)
