"""Importers from Python: ``steppe.import_wdi`` and friends write stores the API reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    assert summary.rows_read == 2
    assert summary.rows_accepted == 1
    assert summary.rows_rejected == 1
    obs = steppe.open(out).indicator_observations(country="TJK")
    assert sorted((o.year, o.value) for o in obs) == [(2021, 33.4), (2022, 50.9)]
    rejects = list(steppe.open(out).rejects())
    assert rejects and rejects[0].line == 3
    assert steppe.open(out).validate().ok
    again = steppe.import_wdi([data], out)
    assert list(again.skipped_files) in ([str(data)], ["WDICSV.csv"])


def test_import_wdi_long_file_takes_an_indicator(tmp_path: Path) -> None:
    data = tmp_path / "remit.csv"
    data.write_text(
        "Country Name,Country Code,Year,Value\r\n"
        "Tajikistan,TJK,2020,2186807504.316\r\nTajikistan,TJK,2024,6801890973.46099\r\n"
    )
    out = tmp_path / "store"
    with pytest.raises(steppe.FormatError, match="indicator="):
        steppe.import_wdi(data, out)
    summary = steppe.import_wdi(data, out, indicator="BX.TRF.PWKR.CD.DT")
    assert (summary.rows_read, summary.rows_accepted) == (2, 2)
    obs = steppe.open(out).indicator_observations(country="TJK")
    assert sorted((o.indicator_id, o.year, o.value) for o in obs) == [
        ("wdi:BX.TRF.PWKR.CD.DT", 2020, 2186807504.316),
        ("wdi:BX.TRF.PWKR.CD.DT", 2024, 6801890973.46099),
    ]


def test_import_errors_are_steppe_exceptions(tmp_path: Path) -> None:
    bad = tmp_path / "WDICSV.csv"
    bad.write_text("not,a,wdi,header\n1,2,3,4\n")
    with pytest.raises(steppe.FormatError) as e:
        steppe.import_wdi([bad], tmp_path / "store")
    assert e.value.path is not None and "WDICSV.csv" in str(e.value.path)
    with pytest.raises(ValueError, match="reimport"):
        steppe.import_ucdp([bad], tmp_path / "store", reimport="sometimes")


BACI_COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "156,China,CN,CHN\n"
    "643,Russian Federation,RU,RUS\n"
    "762,Tajikistan,TJ,TJK\n"
)
BACI_YEAR = (
    "t,i,j,k,v,q\n"
    "2023,156,762,847130,1500.25,12\n"
    "2023,643,762,100199,800,NA\n"
    "2023,999,762,100199,4,1\n"
    "2023,762,643,-5,abc,1\n"
)


def test_import_baci_maps_codes_and_rejects_with_reasons(tmp_path: Path) -> None:
    codes = tmp_path / "country_codes_V202501.csv"
    codes.write_text(BACI_COUNTRIES)
    data = tmp_path / "BACI_HS92_Y2023_V202501.csv"
    data.write_text(BACI_YEAR)
    out = tmp_path / "store"
    summary = steppe.import_baci([data], codes, out)
    assert summary.rows_read == 4
    assert summary.rows_accepted == 2
    assert summary.rows_rejected == 2
    assert summary.rows_read == summary.rows_accepted + summary.rows_rejected
    store = steppe.open(out)
    flows = sorted((f.reporter_id, f.partner_id, f.value) for f in store.trade_flows(partner="TJK"))
    # BACI values are thousands of US dollars; steppe stores dollars.
    assert flows == [("CHN", "TJK", 1_500_250.0), ("RUS", "TJK", 800_000.0)]
    lines = sorted(r.line for r in store.rejects())
    assert lines == [4, 5]
    assert store.validate().ok
    again = steppe.import_baci([data], codes, out)
    assert again.skipped_files


def test_import_comtrade_rejects_a_file_that_is_not_comtrade(tmp_path: Path) -> None:
    bad = tmp_path / "comtrade.csv"
    bad.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(steppe.FormatError) as e:
        steppe.import_comtrade([bad], tmp_path / "store")
    assert e.value.path is not None and "comtrade.csv" in str(e.value.path)
    assert not (tmp_path / "store" / "trade_flows").exists()


def test_a_later_file_failing_carries_what_was_committed(tmp_path: Path) -> None:
    import gzip

    codes = tmp_path / "country_codes_V202501.csv"
    codes.write_text(BACI_COUNTRIES)
    good = tmp_path / "BACI_HS92_Y2023_V202501.csv"
    good.write_text(BACI_YEAR)
    whole = gzip.compress(BACI_YEAR.replace("2023", "2022").encode() * 50)
    trunc = tmp_path / "BACI_HS92_Y2022_V202501.csv.gz"
    trunc.write_bytes(whole[: len(whole) // 2])
    out = tmp_path / "store"
    with pytest.raises(steppe.FormatError) as e:
        steppe.import_baci([good, trunc], codes, out, max_reject_rate=1)
    committed = e.value.committed
    assert isinstance(committed, steppe.ImportReport)
    assert [f.file for f in committed.files] == ["BACI_HS92_Y2023_V202501.csv"]
    assert committed.rows_accepted == 2
    assert e.value.path == str(trunc)
    message = str(e.value)
    assert f"{trunc} wrote nothing" in message
    assert "BACI_HS92_Y2023_V202501.csv (2 rows accepted)" in message
    assert len(steppe.open(out).trade_flows()) == 2
    # Nothing committed before the failure: no report attached.
    with pytest.raises(steppe.FormatError) as first:
        steppe.import_baci([trunc], codes, tmp_path / "other")
    assert first.value.committed is None


@pytest.mark.parametrize(
    "importer",
    [
        lambda d, out: steppe.import_baci([d], None, out),
        lambda d, out: steppe.import_comtrade([d], out),
        lambda d, out: steppe.import_wdi([d], out),
        lambda d, out: steppe.import_gdelt([d], out),
        lambda d, out: steppe.import_ucdp([d], out),
        lambda d, out: steppe.import_ucdp_acd([d], out),
        lambda d, out: steppe.import_acled([d], out),
        lambda d, out: steppe.import_imf_dots([d], out),
    ],
)
def test_a_directory_input_is_a_format_error_naming_it(tmp_path: Path, importer: Any) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    out = tmp_path / "store"
    with pytest.raises(steppe.FormatError, match="is a directory") as e:
        importer(folder, out)
    assert e.value.path == str(folder)
    assert not out.exists()
