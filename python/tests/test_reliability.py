"""Reliability from Python: a damaged store, a hostile descriptor, a held lock, bad values and a
wrong checksum surface as the matching steppe exception with ``path``, ``row`` and ``field``
(docs/reliability.md). That a panic in the core becomes a ``SteppeError`` instead of a crash
is tested in ``test_errors.py`` (``test_panic_becomes_steppe_error`` and
``test_unguarded_panic_is_an_exception_not_a_crash``)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest

import steppe

COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "643,Russian Federation,RU,RUS\n"
    "762,Tajikistan,TJ,TJK\n"
    "860,Uzbekistan,UZ,UZB\n"
)


def _baci(tmp_path: Path, body: str | bytes) -> tuple[Path, Path]:
    codes = tmp_path / "country_codes_V202501.csv"
    codes.write_text(COUNTRIES)
    data = tmp_path / "BACI_HS92_Y2023_V202501.csv"
    data.write_bytes(body.encode() if isinstance(body, str) else body)
    return data, codes


@pytest.fixture
def baci_store(tmp_path: Path) -> Path:
    data, codes = _baci(tmp_path, "t,i,j,k,v,q\n2023,762,643,010121,1.5,2\n")
    out = tmp_path / "store"
    steppe.import_baci([data], codes, out)
    return out


def test_hostile_values_become_rejects_and_no_row_is_lost(tmp_path: Path) -> None:
    body = (
        b"\xef\xbb\xbft,i,j,k,v,q\r\n"
        b"2023,762,643,010121,1.5,2\r\n"
        b"2023,762,643,010122,inf,1\r\n"
        b"2023,762,643,010123,1e400,1\r\n"
        b"2023,762,643,010124,-5,1\r\n"
        b"2023,762,643,01\xff\xfe25,1,1\r\n"
        b"2023,762,860,010126,2,NaN\r\n"
    )
    data, codes = _baci(tmp_path, body)
    summary = steppe.import_baci([data], codes, tmp_path / "store")
    skipped = sum(summary.rows_skipped.values())
    assert summary.rows_read == 6
    assert summary.rows_read == summary.rows_accepted + summary.rows_rejected + skipped
    assert summary.rows_accepted == 2
    store = steppe.open(tmp_path / "store")
    rejects = sorted(store.rejects(), key=lambda r: r.line)
    assert [r.line for r in rejects] == [3, 4, 5, 6]
    assert all(r.file == data.name and r.reason and r.raw for r in rejects)
    assert {r.reason for r in rejects} >= {"malformed_number", "negative_value"}
    assert len(store.trade_flows()) == 2
    assert store.validate().ok


def test_a_file_that_is_not_the_format_is_a_format_error_naming_it(tmp_path: Path) -> None:
    data, codes = _baci(tmp_path, b"\xff\xfe not a header\n1,2,3\n")
    with pytest.raises(steppe.FormatError) as e:
        steppe.import_baci([data], codes, tmp_path / "store")
    assert e.value.path == str(data)
    assert e.value.row == 1
    assert not (tmp_path / "store" / "trade_flows").exists()


def test_a_second_writer_gets_locked_error(baci_store: Path, tmp_path: Path) -> None:
    data, codes = _baci(tmp_path, "t,i,j,k,v,q\n2023,762,860,010121,1.5,2\n")
    before = (baci_store / "datapackage.json").read_bytes()
    # Hold the store's write lock as a running import does (an OS lock on .steppe.lock).
    fd = os.open(baci_store / ".steppe.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(steppe.LockedError) as e:
            steppe.import_baci([data], codes, baci_store)
        assert e.value.path == str(baci_store)
        assert "locked" in str(e.value)
    finally:
        os.close(fd)
    assert (baci_store / "datapackage.json").read_bytes() == before
    steppe.import_baci([data], codes, baci_store)
    assert len(steppe.open(baci_store).trade_flows()) == 2


def test_truncated_parquet_is_a_store_error_naming_the_file(baci_store: Path) -> None:
    victim = next((baci_store / "trade_flows").rglob("*.parquet"))
    victim.write_bytes(victim.read_bytes()[:100])
    store = steppe.open(baci_store)
    with pytest.raises(steppe.StoreError) as e:
        store.trade_flows()
    assert e.value.path == str(victim)
    assert not store.validate().ok


def test_a_wrong_checksum_is_a_validation_error(baci_store: Path) -> None:
    victim = next((baci_store / "trade_flows").rglob("*.parquet"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    store = steppe.open(baci_store)
    report = store.validate()
    assert any(p.field == "sha256" for p in report.problems)
    with pytest.raises(steppe.ValidationError) as e:
        store.validate(raise_on_error=True)
    assert e.value.path == str(baci_store)
    assert e.value.report is not None and not e.value.report.ok


@pytest.mark.parametrize(
    "hostile",
    ["../outside.parquet", "/etc/passwd", "trade_flows/../../x.parquet", "entities/x.parquet"],
)
def test_descriptor_paths_outside_the_store_are_refused(
    baci_store: Path, tmp_path: Path, hostile: str
) -> None:
    desc_path = baci_store / "datapackage.json"
    desc = json.loads(desc_path.read_text())
    flows = next(r for r in desc["resources"] if r["name"] == "trade_flows")
    flows["steppe"]["files"][0]["path"] = hostile
    desc_path.write_text(json.dumps(desc))
    with pytest.raises(steppe.StoreError, match=r"unsafe path|outside") as e:
        steppe.open(baci_store)
    assert e.value.path == str(desc_path)


def test_a_symbolic_link_out_of_the_store_is_not_followed(baci_store: Path, tmp_path: Path) -> None:
    victim = next((baci_store / "trade_flows").rglob("*.parquet"))
    outside = tmp_path / "outside.parquet"
    shutil.copy(victim, outside)
    victim.unlink()
    victim.symlink_to(outside)
    store = steppe.open(baci_store)
    with pytest.raises(steppe.StoreError, match="symbolic link") as e:
        store.trade_flows()
    assert e.value.path == str(victim)
