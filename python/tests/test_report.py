"""``steppe.report``: the same report as ``steppe report``, for notebooks."""

from __future__ import annotations

from pathlib import Path

import pytest

import steppe


def test_report_text_and_html_hold_the_bundled_figures() -> None:
    r = steppe.report("TJK")
    text = str(r)
    assert text.startswith("Tajikistan (TJK)")
    # The article's 2023 figures, as the article's series.
    assert "as restated by “Tajikistan: Between the Bear and the Dragon”" in text
    for figure in ("137.4 M", "1.580 bn", "313.8 M", "1.189 bn"):
        assert figure in text
    assert "Main partners, 2020" in text
    html = r._repr_html_()
    for chart in ("balance", "shares", "timeline"):
        assert f'<figure class="chart" id="chart-{chart}"><svg' in html
    assert "Tajikistan Trade Portal" in html
    assert r.html == html


def test_kgz_renders_the_same_as_the_command(tmp_path: Path) -> None:
    r = steppe.report("KGZ")
    assert "Kyrgyzstan (KGZ)" in r.text
    assert "Russian Federation or China?" in r.text
    assert '<h2 id="mirror">Mirror gap</h2>' in r.html


def test_report_accepts_any_code_form_and_other_partners(tmp_path: Path) -> None:
    assert steppe.report("fips:TI").text == steppe.report("762").text
    r = steppe.report("KGZ", partners=("KAZ", "UZB"))
    assert "Kyrgyzstan (KGZ)" in r.text
    assert "Kazakhstan or Uzbekistan?" in r.text
    r.save_html(tmp_path / "r.html")
    r.save_png(tmp_path / "r.png")
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<html" in (tmp_path / "r.html").read_text()


def test_unknown_country_raises_a_steppe_error() -> None:
    with pytest.raises(steppe.SteppeError, match="Narnia"):
        steppe.report("Narnia")
