"""Importers from Python: ``steppe.import_wdi`` and friends write stores the API reads."""

from __future__ import annotations

from pathlib import Path

import pytest

import steppe

WDI = (
    '"Country Name","Country Code","Indicator Name","Indicator Code","2021","2022","2023",\n'
    '"Tajikistan","TJK","Personal remittances, received (% of GDP)",'
    '"BX.TRF.PWKR.DT.GD.ZS","33.4","50.9","",\n'
    '"Kyrgyz Republic","KGZ","Personal remittances, received (% of GDP)",'
    '"BX.TRF.PWKR.DT.GD.ZS","28.0","x","",\n'
)


def test_import_wdi_accounts_for_every_row(tmp_path: Path) -> None:
    data = tmp_path / "WDICSV.csv"
    data.write_text(WDI)
    out = tmp_path / "store"
    summary = steppe.import_wdi([data], out)
    assert summary["rows_read"] == 2
    assert summary["rows_accepted"] == 1
    assert summary["rows_rejected"] == 1
    obs = steppe.open(out).indicator_observations(country="TJK")
    assert sorted((o.year, o.value) for o in obs) == [(2021, 33.4), (2022, 50.9)]
    rejects = list(steppe.open(out).rejects())
    assert rejects and rejects[0].line == 3
    assert steppe.open(out).validate().ok
    again = steppe.import_wdi([data], out)
    assert again["skipped_files"] == [str(data)] or again["skipped_files"] == ["WDICSV.csv"]


def test_import_errors_are_steppe_exceptions(tmp_path: Path) -> None:
    bad = tmp_path / "WDICSV.csv"
    bad.write_text("not,a,wdi,header\n1,2,3,4\n")
    with pytest.raises(steppe.FormatError) as e:
        steppe.import_wdi([bad], tmp_path / "store")
    assert e.value.path is not None and "WDICSV.csv" in str(e.value.path)
    with pytest.raises(ValueError, match="reimport"):
        steppe.import_ucdp([bad], tmp_path / "store", reimport="sometimes")
