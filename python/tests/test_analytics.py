"""``steppe.analytics`` on the bundled dataset, checked against hand computations."""

from __future__ import annotations

import pytest

import steppe
from steppe import analytics

# The article's 2023 figures (USD), as the bundled rows hold them.
XR, MR, XC, MC = 137.4e6, 1.580e9, 313.8e6, 1.189e9


def test_partner_shares_are_of_recorded_partners_and_say_so() -> None:
    rows = {
        (r.direction, r.partner_id): r for r in analytics.partner_shares("TJK", years=(2023, 2023))
    }
    assert rows[("exports", "CHN")].share == pytest.approx(XC / (XR + XC))
    assert rows[("imports", "RUS")].share == pytest.approx(MR / (MR + MC))
    assert {r.total_basis for r in rows.values()} == {"recorded_partners"}
    assert all(
        "dyer-2025-tajikistan" in r.source_ids and "tajikistan-trade-portal" in r.source_ids
        for r in rows.values()
    )


def test_dependence_ratio_russia_against_china() -> None:
    rows = {r.measure: r for r in analytics.dependence("fips:TI", "RUS", "CHN")}
    assert rows["exports"].ratio == pytest.approx(XR / XC)
    assert rows["exports"].leans_toward == "CHN"
    assert rows["imports"].ratio == pytest.approx(MR / MC)
    assert rows["total"].ratio == pytest.approx((XR + MR) / (XC + MC))
    assert rows["total"].leans_toward == "RUS"


def test_concentration_over_partners() -> None:
    rows = {r.direction: r for r in analytics.concentration("TJK")}
    share = XC / (XR + XC) * 100
    assert rows["exports"].hhi == pytest.approx(share**2 + (100 - share) ** 2)
    assert rows["exports"].count == 2
    with pytest.raises(ValueError, match="over"):
        analytics.concentration("TJK", over="colours")


def test_results_are_tables_for_any_dataframe_library() -> None:
    table = analytics.partner_shares("TJK", years=(2023, 2023))
    assert table.name == "partner_shares"
    assert "source_ids" in table.columns
    assert len(table) == 4
    pa = pytest.importorskip("pyarrow")
    assert pa.table(table).num_rows == 4
    # Only Tajikistan's declarations are recorded: each direction has one side.
    mirror = {
        (r.exporter_id, r.importer_id): r
        for r in analytics.mirror("TJK", "RUS", years=(2023, 2023))
    }
    assert mirror[("TJK", "RUS")].exports_declared == pytest.approx(XR)
    assert mirror[("TJK", "RUS")].imports_declared is None
    assert mirror[("RUS", "TJK")].imports_declared == pytest.approx(MR)
    assert mirror[("RUS", "TJK")].gap is None
    remittances = {
        r.year: r.value for r in analytics.indicator_series("wdi:BX.TRF.PWKR.DT.GD.ZS", "TJK")
    }
    assert remittances[2023] == pytest.approx(37.8445781946)
    with pytest.raises(steppe.CodeError):
        analytics.partner_shares("Atlantis")
