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
    for bad in [2023.0, [2021, 2022], (2021, "2022"), (2021,), True]:
        with pytest.raises(steppe.ArgumentError) as a:
            steppe.import_baci([release(tmp_path)], None, tmp_path / "s", years=bad)  # type: ignore[arg-type]
        assert a.value.field == "years"
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    ("years", "got"),
    [(2022, [2022]), ((2022, 2023), [2022, 2023]), ("2022..2023", [2022, 2023]), ("2021", [2021])],
)
def test_years_as_an_int_a_tuple_or_a_string(tmp_path: Path, years: object, got: list[int]) -> None:
    out = tmp_path / "store"
    report = steppe.import_baci([release(tmp_path)], None, out, years=years)  # type: ignore[arg-type]
    assert [f.file for f in report.files] == [f"BACI_HS92_Y{y}_V202501.csv" for y in got]


def test_a_year_file_outside_years_is_refused(tmp_path: Path) -> None:
    countries = tmp_path / "country_codes_V202501.csv"
    countries.write_text(COUNTRIES)
    year_file = tmp_path / "BACI_HS92_Y2021_V202501.csv"
    year_file.write_text("t,i,j,k,v,q\n2021,762,860,520100,1,1\n")
    out = tmp_path / "store"
    with pytest.raises(steppe.SteppeError) as e:
        steppe.import_baci([year_file], countries, out, years=(2022, 2023))
    assert "a year file of 2021, outside --years 2022-2023" in str(e.value)
    assert not out.exists()
