"""``steppe.analytics`` on the bundled dataset, checked against the rows they come from."""

from __future__ import annotations

import pytest

import steppe
from steppe import analytics

# The article's 2023 figures (USD), as the bundled rows hold them (the article's own series).
XR, MR, XC, MC = 137.4e6, 1.580e9, 313.8e6, 1.189e9
ARTICLE = "dyer-2025-tajikistan"


def _flow(reporter: str, partner: str, flow: str, year: int, source: str | None = None) -> float:
    """The one value the bundled store holds for a flow (from a dataset unless ``source``)."""
    rows = [
        r
        for r in steppe.bundled().trade_flows(reporter=reporter, partner=partner, years=year)
        if r.flow == flow and (r.source_id == source if source else r.source_id != ARTICLE)
    ]
    assert len(rows) == 1, rows
    value = rows[0].value
    assert value is not None
    return value


def test_partner_shares_are_of_the_world_total_and_say_when_there_is_none() -> None:
    rows = {
        (r.direction, r.partner_id): r for r in analytics.partner_shares("TJK", years=(2020, 2020))
    }
    ru = rows[("imports", "RUS")]
    assert ru.total_basis == "world_total"
    assert ru.value == pytest.approx(_flow("TJK", "RUS", "import", 2020))
    assert ru.total == pytest.approx(_flow("TJK", "WLD", "import", 2020))
    assert ru.share == pytest.approx(ru.value / ru.total)
    # Aggregates ("Advanced Economies") are part of the total, not partners.
    assert not any(p.startswith("IMF_") for _, p in rows)
    # 2023 holds only the article's two partners: shares among them, and the rows say so.
    rows_2023 = list(analytics.partner_shares("TJK", years=(2023, 2023)))
    assert {r.total_basis for r in rows_2023} == {"recorded_partners"}
    assert all(ARTICLE in r.source_ids for r in rows_2023)


def test_dependence_is_a_yearly_series_with_sources() -> None:
    rows = {
        (r.year, r.measure): r
        for r in analytics.dependence("TJK", "RUS", "CHN", years=(1992, 2023))
    }
    years = {y for y, _ in rows}
    assert min(years) <= 1995 and 2020 in years and 2023 in years
    x = _flow("TJK", "RUS", "export", 2020), _flow("TJK", "CHN", "export", 2020)
    m = _flow("TJK", "RUS", "import", 2020), _flow("TJK", "CHN", "import", 2020)
    assert rows[(2020, "total")].ratio == pytest.approx((x[0] + m[0]) / (x[1] + m[1]))
    assert rows[(2020, "total")].leans_toward == "RUS"
    assert rows[(2023, "exports")].ratio == pytest.approx(XR / XC)
    assert rows[(2023, "exports")].leans_toward == "CHN"
    assert rows[(2023, "total")].ratio == pytest.approx((XR + MR) / (XC + MC))
    assert rows[(2023, "total")].source_ids[0] == ARTICLE
    assert all(r.source_ids for r in rows.values())


def test_concentration_over_partners() -> None:
    rows = {r.direction: r for r in analytics.concentration("TJK", years=(2023, 2023))}
    share = XC / (XR + XC) * 100
    assert rows["exports"].hhi == pytest.approx(share**2 + (100 - share) ** 2)
    assert rows["exports"].count == 2
    by_year = {(r.year, r.direction): r for r in analytics.concentration("TJK")}
    assert 0 < by_year[(2020, "imports")].hhi < 10_000
    with pytest.raises(ValueError, match="over"):
        analytics.concentration("TJK", over="colours")


def test_results_are_tables_for_any_dataframe_library() -> None:
    table = analytics.partner_shares("TJK", years=(2023, 2023))
    assert table.name == "partner_shares"
    assert "source_ids" in table.columns
    assert len(table) == 4
    pa = pytest.importorskip("pyarrow")
    assert pa.table(table).num_rows == 4
    # The mirror: Tajikistan's declared imports from Russia against Russia's declared exports.
    mirror = {
        (r.exporter_id, r.importer_id): r
        for r in analytics.mirror("TJK", "RUS", years=(2020, 2020))
    }
    ru = mirror[("RUS", "TJK")]
    assert ru.imports_declared == pytest.approx(_flow("TJK", "RUS", "import", 2020))
    assert ru.exports_declared == pytest.approx(_flow("RUS", "TJK", "export", 2020))
    assert ru.imports_declared is not None and ru.exports_declared is not None
    assert ru.gap == pytest.approx(ru.imports_declared - ru.exports_declared)
    assert "CIF" in ru.note and "FOB" in ru.note
    with pytest.raises(steppe.CodeError):
        analytics.partner_shares("Atlantis")


def test_one_call_per_question_with_the_bare_wdi_code() -> None:
    store = steppe.bundled()
    obs = store.indicator_observations(country="TJK", indicator="BX.TRF.PWKR.DT.GD.ZS")
    by_year = {r.year: r for r in obs}
    assert by_year[2023].indicator_id == "wdi:BX.TRF.PWKR.DT.GD.ZS"
    assert by_year[2023].source_id
    assert len(obs) == len(
        store.indicator_observations(country="TJK", indicator="wdi:BX.TRF.PWKR.DT.GD.ZS")
    )
    series = analytics.indicator_series("BX.TRF.PWKR.DT.GD.ZS", "TJK")
    assert {(p.year, p.value) for p in series} == {(r.year, r.value) for r in obs}
    assert all(p.source_ids for p in series)
