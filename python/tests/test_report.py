"""``steppe.report``: the same report as ``steppe report``, for notebooks."""

from __future__ import annotations

from pathlib import Path

import pytest

import steppe


def test_report_text_and_html_hold_the_bundled_figures() -> None:
    r = steppe.report("TJK")
    text = str(r)
    assert text.startswith("Tajikistan (TJK)")
    for figure in ("137.4 M", "1.580 bn", "313.8 M", "1.189 bn"):
        assert figure in text
    assert "leans toward China" in text and "leans toward Russian Federation" in text
    html = r._repr_html_()
    assert '<figure id="chart"><svg' in html
    assert "Tajikistan Trade Portal" in html
    assert r.html == html


def test_report_accepts_any_code_form_and_other_partners(tmp_path: Path) -> None:
    assert steppe.report("fips:TI").text == steppe.report("762").text
    r = steppe.report("KGZ", partners=("KAZ", "UZB"))
    assert "Kyrgyzstan (KGZ)" in r.text
    r.save_html(tmp_path / "r.html")
    r.save_png(tmp_path / "r.png")
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<html" in (tmp_path / "r.html").read_text()


def test_unknown_country_raises_a_steppe_error() -> None:
    with pytest.raises(steppe.SteppeError, match="Narnia"):
        steppe.report("Narnia")
