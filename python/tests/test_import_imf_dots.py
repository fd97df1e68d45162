"""``steppe.import_imf_dots``: an IMF DOTS workbook from ``shared/data-sources/imf-dots``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import steppe


def test_import_imf_dots_reads_a_workbook_into_trade_flows(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    book = shared_file("data-sources/imf-dots/DOTS_192.xlsx")
    out = tmp_path / "store"
    calls: list[tuple[int, int | None]] = []
    report = steppe.import_imf_dots(
        book, out, progress=lambda done, total: calls.append((done, total))
    )
    assert report.rows_read == report.rows_accepted + report.rows_rejected + sum(
        report.files[0].rows_skipped.values()
    )
    assert report.rows_rejected == 0
    assert report.files[0].rows_written["trade_flows"] == report.rows_accepted
    assert calls and calls[-1][0] == book.stat().st_size
    store = steppe.open(out)
    (row,) = store.trade_flows("TJK", "Russian Federation", years=2020, flow="import")
    assert row.value == pytest.approx(932.6e6, abs=0.05e6)
    assert (row.price_basis, row.perspective, row.currency) == ("cif", "reporter_declared", "USD")
    (e95,) = store.trade_flows("TJK", "RUS", years=1995, flow="export")
    assert e95.value == 95.29299999999996 * 1e6
    assert store.validate().ok
    # The same workbook again is skipped; wait= and reimport= behave as for every importer.
    again = steppe.import_imf_dots([book], out, wait=True)
    assert list(again.skipped_files) == ["DOTS_192.xlsx"]
    replaced = steppe.import_imf_dots([book], out, reimport="replace")
    assert replaced.rows_accepted == report.rows_accepted
    # A store opened before the replace reads the old version: open it again.
    assert len(steppe.open(out).trade_flows("TJK", "RUS", years=2020, flow="import")) == 1


def test_import_imf_dots_refuses_a_file_that_is_no_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "DOTS_x.xlsx"
    bad.write_text("Country,1995\nWorld,1\n")
    with pytest.raises(steppe.FormatError) as e:
        steppe.import_imf_dots([bad], tmp_path / "store")
    assert e.value.path is not None and "DOTS_x.xlsx" in str(e.value.path)
    assert not (tmp_path / "store").exists()
