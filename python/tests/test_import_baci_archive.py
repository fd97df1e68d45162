"""``steppe.import_baci`` on a release archive: years straight out of the zip."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import steppe

COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "398,Kazakhstan,KZ,KAZ\n762,Tajikistan,TJ,TJK\n860,Uzbekistan,UZ,UZB\n"
)


def release(tmp_path: Path) -> Path:
    path = tmp_path / "BACI_HS92_V202501.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("country_codes_V202501.csv", COUNTRIES)
        for year, value in [(2021, "1.5"), (2022, "2"), (2023, "3.25")]:
            z.writestr(
                f"BACI_HS92_Y{year}_V202501.csv",
                f"t,i,j,k,v,q\n{year},762,860,520100,{value},1\n",
            )
    return path


def test_an_archive_imports_the_years_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "store"
    report = steppe.import_baci([release(tmp_path)], None, out, years="2022-2023")
    assert [f.file for f in report.files] == [
        "BACI_HS92_Y2022_V202501.csv",
        "BACI_HS92_Y2023_V202501.csv",
    ]
    flows = steppe.open(out).trade_flows(reporter="TJK")
    assert sorted((f.year, f.value) for f in flows) == [(2022, 2000.0), (2023, 3250.0)]


def test_bad_years_are_refused(tmp_path: Path) -> None:
    with pytest.raises(steppe.SteppeError) as e:
        steppe.import_baci([release(tmp_path)], None, tmp_path / "store", years="2023-2015")
    assert "2023-2015" in str(e.value)
    with pytest.raises(steppe.ArgumentError):
        steppe.import_baci([release(tmp_path)], None, tmp_path / "s", years=2023)  # type: ignore[arg-type]
