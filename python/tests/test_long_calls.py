"""Long calls from Python: Ctrl-C, ``progress=``, the typed ``ImportReport``, missing extras
and queries crossing into Rust once."""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import steppe
from steppe import _store

WDI_HEADER = '"Country Name","Country Code","Indicator Name","Indicator Code","2021","2022",\n'


def _wdi(path: Path, rows: int) -> Path:
    """A WDI file of ``rows`` indicators for Tajikistan, each with two yearly values."""
    with path.open("w") as f:
        f.write(WDI_HEADER)
        for i in range(rows):
            f.write(f'"Tajikistan","TJK","Indicator {i}","X.{i}","{i}.5","{i}.25",\n')
    return path


@pytest.fixture
def sigint_default() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt (Python's default handler) during the test."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_during_an_import_leaves_the_store_as_it_was(
    tmp_path: Path, sigint_default: None
) -> None:
    out = tmp_path / "store"
    before = steppe.import_wdi(_wdi(tmp_path / "WDICSV.csv", 3), out)
    assert before.rows_accepted == 3
    rows_before = steppe.open(out).indicator_observations().num_rows
    assert rows_before == 6

    (tmp_path / "big").mkdir()
    big = _wdi(tmp_path / "big" / "WDICSV.csv", 500_000)
    seen: list[int] = []
    sent = threading.Event()

    def progress(done: int, total: int | None) -> None:
        seen.append(done)
        if done > 0 and not sent.is_set():
            sent.set()
            # Ctrl-C from another thread, as a terminal would deliver it.
            sender = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT))
            sender.start()
            sender.join()

    with pytest.raises(KeyboardInterrupt):
        steppe.import_wdi(big, out, progress=progress)
    assert sent.is_set()
    assert seen[-1] < big.stat().st_size, "the import was stopped before its end"

    store = steppe.open(out)
    report = store.validate()
    assert report.ok, str(report)
    assert store.indicator_observations().num_rows == rows_before
    assert store.info()["imports"] == 1


def test_progress_receives_increasing_byte_counts(tmp_path: Path) -> None:
    data = _wdi(tmp_path / "WDICSV.csv", 30_000)
    size = data.stat().st_size
    calls: list[tuple[int, int | None]] = []
    report = steppe.import_wdi(data, tmp_path / "store", progress=lambda d, t: calls.append((d, t)))
    assert report.rows_read == 30_000
    done = [d for d, _ in calls]
    assert done == sorted(set(done)), "strictly increasing"
    assert done[-1] == size
    assert {t for _, t in calls} == {size}


def test_progress_exception_stops_the_import(tmp_path: Path) -> None:
    data = _wdi(tmp_path / "WDICSV.csv", 30_000)

    def fail(done: int, total: int | None) -> None:
        if done > 0:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        steppe.import_wdi(data, tmp_path / "store", progress=fail)
    # Nothing was committed. The store the stopped first import created is removed again when
    # its lock can be taken at once (best effort: a store left behind holds no import).
    store = tmp_path / "store"
    assert not store.exists() or steppe.open(store).info()["imports"] == 0


def test_progress_true_draws_a_tqdm_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    data = _wdi(tmp_path / "WDICSV.csv", 100)
    steppe.import_wdi(data, tmp_path / "store", progress=True)
    err = capsys.readouterr().err
    assert "steppe import" in err
    assert "100%" in err


def test_progress_of_the_wrong_type_is_an_argument_error(tmp_path: Path) -> None:
    with pytest.raises(steppe.ArgumentError, match="progress") as e:
        steppe.import_wdi(tmp_path / "WDICSV.csv", tmp_path / "store", progress="yes")
    assert e.value.field == "progress"


def test_progress_true_without_tqdm_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    data = _wdi(tmp_path / "WDICSV.csv", 1)
    with pytest.raises(ImportError, match=r"pip install 'steppe\[progress\]'") as e:
        steppe.import_wdi(data, tmp_path / "store", progress=True)
    assert e.value.name == "tqdm"
    assert not (tmp_path / "store").exists()


BACI_COUNTRIES = "country_code,country_name,country_iso2,country_iso3\n762,Tajikistan,TJ,TJK\n"
BACI_COUNTRIES += "643,Russian Federation,RU,RUS\n"
BACI_YEAR = "t,i,j,k,v,q\n2023,643,762,100199,800,NA\n2023,762,643,-5,abc,1\n"


def test_import_report_is_typed_and_round_trips(tmp_path: Path) -> None:
    codes = tmp_path / "country_codes_V202501.csv"
    codes.write_text(BACI_COUNTRIES)
    data = tmp_path / "BACI_HS92_Y2023_V202501.csv"
    data.write_text(BACI_YEAR)
    r = steppe.import_baci(data, codes, tmp_path / "store")
    assert isinstance(r, steppe.ImportReport)
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (2, 1, 1)
    assert sum(r.rejected_by_reason.values()) == 1
    assert r.rows_written["trade_flows"] == 1
    [f] = r.files
    assert isinstance(f, steppe.FileReport)
    assert f.importer == "baci" and len(f.sha256) == 64
    assert r.sources == (f.source_id,)
    assert r.skipped_files == ()
    assert steppe.open(tmp_path / "store").sources(f.source_id).num_rows == 1

    assert steppe.ImportReport.from_dict(r.to_dict()) == r
    assert pickle.loads(pickle.dumps(r)) == r
    assert r.to_dict()["rows_read"] == 2
    again = steppe.import_baci(data, codes, tmp_path / "store")
    assert again != r
    assert again.files == () and len(again.skipped_files) == 1


def test_import_report_html_is_escaped() -> None:
    f = steppe.FileReport(
        file="<b>x</b>.csv",
        importer="ucdp",
        source_id="ds:ucdp-1",
        sha256="0" * 64,
        rows_read=3,
        rows_accepted=1,
        rows_rejected=2,
        rejected_by_reason={"bad_date<": 2},
        rows_written={"events": 1},
    )
    r = steppe.ImportReport(files=(f,), skipped_files=("old&.csv",))
    page = r._repr_html_()
    assert "&lt;b&gt;x&lt;/b&gt;.csv" in page and "<b>x</b>" not in page
    assert "bad_date&lt;: 2" in page
    assert "old&amp;.csv" in page
    assert "<td>3</td>" in page
    assert "3 read, 1 accepted, 2 rejected" in repr(r)


@pytest.mark.parametrize(
    ("missing", "call", "extra"),
    [
        ("polars", lambda t: t.to_polars(), "polars"),
        ("pyarrow", lambda t: t.to_pyarrow(), "pyarrow"),
        ("pandas", lambda t: t.to_pandas(), "pandas"),
        ("pyarrow", lambda t: t.to_pandas(), "pandas"),
    ],
)
def test_a_missing_extra_is_named(
    bundled: steppe.Store, monkeypatch: pytest.MonkeyPatch, missing: str, call: Any, extra: str
) -> None:
    table = bundled.table("sources")
    monkeypatch.setitem(sys.modules, missing, None)
    with pytest.raises(ImportError, match=rf"pip install 'steppe\[{extra}\]'") as e:
        call(table)
    assert e.value.name == missing
    assert missing in str(e.value)


class _Counting:
    """Delegates to ``inner``, counting the calls made through it."""

    def __init__(self, inner: Any, calls: list[str]) -> None:
        self._inner = inner
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self._calls.append(name)
            return attr(*args, **kwargs)

        return call


def test_one_query_crosses_into_rust_once(
    bundled: steppe.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    flows = bundled.trade_flows(reporter="TJ", involving="rus", years=(2015, 2023))
    events = bundled.events(country="762")
    actors = bundled.event_actors(actor=["TJK", "not-a-country"])
    assert flows.num_rows > 0 and events.num_rows > 0

    calls: list[str] = []
    store = steppe.Store(_Counting(bundled._inner, calls))  # type: ignore[arg-type]
    monkeypatch.setattr(_store, "_steppe", _Counting(_store._steppe, calls))
    again = store.trade_flows(reporter="TJ", involving="rus", years=(2015, 2023))
    assert calls == ["read"]
    calls.clear()
    assert store.events(country="762").num_rows == events.num_rows
    assert calls == ["read"]
    calls.clear()
    assert store.event_actors(actor=["TJK", "not-a-country"]).num_rows == actors.num_rows
    assert calls == ["read"]

    assert again.num_rows == flows.num_rows
    rows = list(again)
    assert {r.reporter_id for r in rows} == {"TJK"}
    assert all("RUS" in (r.reporter_id, r.partner_id) for r in rows)
    assert all(2015 <= r.year <= 2023 for r in rows)


def test_a_query_still_names_every_unknown_country(bundled: steppe.Store) -> None:
    with pytest.raises(steppe.CodeError) as e:
        bundled.trade_flows(reporter=["TJK", "ZZZ"], partner="QQQ")
    assert "ZZZ" in str(e.value)


def test_progress_of_a_trade_import_reaches_the_file_size(tmp_path: Path) -> None:
    codes = tmp_path / "country_codes_V202501.csv"
    codes.write_text(BACI_COUNTRIES)
    data = tmp_path / "BACI_HS92_Y2023_V202501.csv"
    rows = "".join(f"2023,643,762,{100_000 + k:06},{k}.5,1\n" for k in range(20_000))
    data.write_text("t,i,j,k,v,q\n" + rows)
    calls: list[tuple[int, int | None]] = []
    report = steppe.import_baci(
        data, codes, tmp_path / "store", progress=lambda d, t: calls.append((d, t))
    )
    assert report.rows_accepted == 20_000
    assert calls[-1] == (data.stat().st_size, data.stat().st_size)
    done = [d for d, _ in calls]
    assert done == sorted(set(done))
