"""``steppe.fetch`` against a loopback HTTP server (``http.server`` in a thread) reached
through ``mirror=``; no test touches the internet."""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import steppe

ACD_URL = "https://ucdp.uu.se/downloads/ucdpprio/ucdp-prio-acd-231-csv.zip"


class Mirror:
    """Files under ``/<host>/<path>`` with an ETag, statuses to answer first, a request log."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.faults: dict[str, list[int]] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                mirror.log.append((self.path, dict(self.headers)))
                body = mirror.files.get(self.path)
                faults = mirror.faults.get(self.path) or []
                if body is None or faults:
                    self.send_response(faults.pop(0) if faults else 404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"e1"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, url: str, body: bytes) -> None:
        self.files["/" + url.split("://", 1)[1]] = body

    def requests(self, url: str) -> list[dict[str, str]]:
        path = "/" + url.split("://", 1)[1]
        return [h for p, h in self.log if p == path]


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    m = Mirror()
    yield m
    m.server.shutdown()
    m.server.server_close()


def zipped(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


def test_fetch_imports_with_the_publishers_url_and_reports_progress(
    mirror: Mirror, tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    csv = shared_file("data-sources/ucdp/v23_1/UcdpPrioConflict_v23_1.csv")
    body = zipped("UcdpPrioConflict_v23_1.csv", csv.read_bytes())
    mirror.serve(ACD_URL, body)
    mirror.faults["/" + ACD_URL.split("://", 1)[1]] = [503]
    seen: list[tuple[int, int | None]] = []
    report = steppe.fetch(
        "ucdp-acd",
        version="23.1",
        cache=tmp_path / "cache",
        out=tmp_path / "store",
        mirror=mirror.url,
        retry_delay=0.01,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert report.ok and not report.failed
    (f,) = report.files
    assert (f.url, f.status, f.bytes) == (ACD_URL, "downloaded", len(body))
    assert f.path.read_bytes() == body
    assert len(mirror.requests(ACD_URL)) == 2, "503, then the file"
    assert seen[-1] == (len(body), None)
    (imported,) = report.imports
    assert imported.rows_accepted > 1000
    store = steppe.open(tmp_path / "store")
    sources = store.sources().to_pyarrow().to_pylist()
    acd = [s for s in sources if s["url"] == ACD_URL]
    assert len(acd) == 1 and acd[0]["version"] == "23.1"
    assert mirror.url not in str(sources)

    again = steppe.fetch("ucdp-acd", version="23.1", cache=tmp_path / "cache", mirror=mirror.url)
    assert again.files[0].status == "unchanged"
    assert mirror.requests(ACD_URL)[-1].get("if-none-match") == '"e1"'
    before = len(mirror.log)
    offline = steppe.fetch("ucdp-acd", version="23.1", cache=tmp_path / "cache", offline=True)
    assert offline.files[0].status == "cached" and len(mirror.log) == before


def test_a_failed_file_is_reported_not_raised(mirror: Mirror, tmp_path: Path) -> None:
    report = steppe.fetch(
        "baci", hs="92", version="V202501", cache=tmp_path / "c", mirror=mirror.url
    )
    assert not report.ok and report.files == ()
    (failed,) = report.failed
    assert failed.url == "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202501.zip"
    assert failed.reason == "HTTP 404"
    assert not (tmp_path / "c" / "www.cepii.fr").exists() or not any(
        p.is_file() for p in (tmp_path / "c" / "www.cepii.fr").rglob("*")
    )


def test_countries_as_one_string_are_codes_not_letters(mirror: Mirror, tmp_path: Path) -> None:
    for countries in ("TJK,kgz", ["TJK", "kgz"]):
        report = steppe.fetch(
            "wdi", "SP.POP.TOTL", countries=countries, cache=tmp_path, mirror=mirror.url
        )
        (failed,) = report.failed
        assert failed.url == (
            "https://api.worldbank.org/v2/en/country/TJK;KGZ/indicator/SP.POP.TOTL"
            "?downloadformat=csv"
        )


def test_bad_selections_are_refused_before_any_request(mirror: Mirror, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs version="):
        steppe.fetch("ucdp-ged", cache=tmp_path, mirror=mirror.url)
    with pytest.raises(ValueError, match="source must be"):
        steppe.fetch("acled", cache=tmp_path, mirror=mirror.url)
    with pytest.raises(steppe.ArgumentError, match="start must be a date"):
        steppe.fetch("gdelt", start="5 Jan", cache=tmp_path, mirror=mirror.url)
    with pytest.raises(steppe.SteppeError, match="one of 92, 96"):
        steppe.fetch("baci", hs="93", version="V202501", cache=tmp_path, mirror=mirror.url)
    assert mirror.log == []


def test_comtrade_key_comes_from_the_environment_and_is_never_returned(
    mirror: Mirror, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "py-secret-key-5150"
    url = (
        "https://comtradeapi.un.org/data/v1/get/C/A/HS?reporterCode=762&period=2023"
        "&cmdCode=TOTAL&maxRecords=100000&format=JSON&includeDesc=true"
    )
    mirror.serve(url, b'{"elementCount":0,"data":[],"error":""}')
    monkeypatch.setenv("COMTRADE_API_KEY", key)
    report = steppe.fetch(
        "comtrade", reporters="762", periods=["2023"], cache=tmp_path / "c", mirror=mirror.url
    )
    assert report.ok and report.notes == ()
    (headers,) = mirror.requests(url)
    assert headers.get("ocp-apim-subscription-key") == key
    assert key not in repr(report)
    assert not any(
        key.encode() in p.read_bytes() for p in (tmp_path / "c").rglob("*") if p.is_file()
    )

    monkeypatch.delenv("COMTRADE_API_KEY")
    preview = url.replace("data/v1/get", "public/v1/preview").replace("100000", "500")
    mirror.serve(preview, b'{"data":[],"error":""}')
    report = steppe.fetch(
        "comtrade", reporters="762", periods="2023", cache=tmp_path / "c", mirror=mirror.url
    )
    assert report.ok
    assert "at most 500 rows a call" in report.notes[0]


def test_progress_true_draws_a_tqdm_bar_named_fetch(
    mirror: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("tqdm")
    mirror.serve(ACD_URL, zipped("UcdpPrioConflict_v23_1.csv", b"x" * 5000))
    report = steppe.fetch(
        "ucdp-acd", version="23.1", cache=tmp_path / "c", mirror=mirror.url, progress=True
    )
    assert report.ok
    assert "steppe fetch" in capsys.readouterr().err


def test_ucdp_api_needs_its_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UCDP_ACCESS_TOKEN", raising=False)
    with pytest.raises(ValueError, match="UCDP_ACCESS_TOKEN"):
        steppe.fetch("ucdp-ged", version="25.0.9", api=True, cache=tmp_path)
