"""Path arguments of the Python entry points: one path or many, as ``str`` or ``os.PathLike``;
anything else raises ``steppe.ArgumentError`` naming the parameter and the type received."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import steppe

WDI = (
    '"Country Name","Country Code","Indicator Name","Indicator Code","2021","2022",\n'
    '"Tajikistan","TJK","Placeholder series","DEMO.SERIES","1.0","2.0",\n'
)
NOT_ANY_FORMAT = "a,b,c\n1,2,3\n"


@pytest.fixture
def wdi(tmp_path: Path) -> Path:
    path = tmp_path / "WDICSV.csv"
    path.write_text(WDI)
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "input.csv"
    path.write_text(NOT_ANY_FORMAT)
    return path


def test_argument_error_is_a_steppe_error_and_a_type_error() -> None:
    assert issubclass(steppe.ArgumentError, steppe.SteppeError)
    assert issubclass(steppe.ArgumentError, TypeError)
    assert steppe.ArgumentError.__doc__
    assert "ArgumentError" in steppe.__all__


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(lambda p: str(p), id="str"),
        pytest.param(lambda p: p, id="Path"),
        pytest.param(lambda p: [str(p)], id="list-of-str"),
        pytest.param(lambda p: (p,), id="tuple-of-Path"),
        pytest.param(lambda p: (x for x in [p]), id="generator"),
    ],
)
def test_import_wdi_takes_one_path_or_many(
    wdi: Path, tmp_path: Path, files: Callable[[Path], Any]
) -> None:
    out = tmp_path / "store"
    summary = steppe.import_wdi(files(wdi), out)
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (1, 1, 0)
    obs = steppe.open(out).indicator_observations(country="TJK")
    assert sorted((o.year, o.value) for o in obs) == [(2021, 1.0), (2022, 2.0)]


IMPORTERS: dict[str, Callable[..., Any]] = {
    "wdi": lambda files, out: steppe.import_wdi(files, out),
    "gdelt": lambda files, out: steppe.import_gdelt(files, out),
    "ucdp": lambda files, out: steppe.import_ucdp(files, out),
    "acled": lambda files, out: steppe.import_acled(files, out),
    "comtrade": lambda files, out: steppe.import_comtrade(files, out),
    "baci": lambda files, out: steppe.import_baci(files, files, out),
}


@pytest.mark.parametrize("importer", IMPORTERS)
@pytest.mark.parametrize("as_str", [True, False], ids=["str", "Path"])
def test_every_importer_reads_a_single_path(
    importer: str, as_str: bool, bad: Path, tmp_path: Path
) -> None:
    """A single path reaches the importer, which reads the file and names it in its error."""
    files = str(bad) if as_str else bad
    with pytest.raises(steppe.FormatError) as e:
        IMPORTERS[importer](files, tmp_path / "store")
    assert e.value.path is not None and "input.csv" in e.value.path


@pytest.mark.parametrize("importer", IMPORTERS)
@pytest.mark.parametrize(
    ("files", "message"),
    [
        (42, "files must be a path (str or os.PathLike) or a list of paths, not int"),
        (None, "files must be a path (str or os.PathLike) or a list of paths, not NoneType"),
        (b"x.csv", "files must be a path (str or os.PathLike) or a list of paths, not bytes"),
        ({"x.csv": 1}, "files must be a path (str or os.PathLike) or a list of paths, not dict"),
        (["ok.csv", 3.5], "files[1] must be a path (str or os.PathLike), not float"),
    ],
)
def test_every_importer_rejects_files_of_the_wrong_type(
    importer: str, files: object, message: str, tmp_path: Path
) -> None:
    with pytest.raises(steppe.ArgumentError) as e:
        IMPORTERS[importer](files, tmp_path / "store")
    assert str(e.value) == message
    assert e.value.field == "files"
    assert isinstance(e.value, TypeError)
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("importer", IMPORTERS)
def test_every_importer_takes_one_out_directory(importer: str, wdi: Path, tmp_path: Path) -> None:
    with pytest.raises(steppe.ArgumentError) as e:
        IMPORTERS[importer](wdi, [tmp_path / "a", tmp_path / "b"])
    assert str(e.value) == "out must be a path (str or os.PathLike), not list"
    assert e.value.field == "out"


@pytest.mark.parametrize(
    ("call", "param", "received"),
    [
        (lambda f, o: steppe.import_baci(f, 762, o), "country_codes", "int"),
        (lambda f, o: steppe.import_baci(f, f, o, products=["p.csv"]), "products", "list"),
        (lambda f, o: steppe.import_wdi(f, o, country_metadata=1), "country_metadata", "int"),
        (lambda f, o: steppe.import_wdi(f, o, series_metadata=[f, 2]), "series_metadata[1]", "int"),
        (lambda f, o: steppe.import_gdelt(f, o, countries=762), "countries", "int"),
        (lambda f, o: steppe.import_gdelt(f, o, countries=["TJK", 762]), "countries[1]", "int"),
        (lambda f, o: steppe.import_ucdp(f, o, reimport=True), "reimport", "bool"),
        (lambda f, o: steppe.import_acled(f, o, wait="yes"), "wait", "str"),
        (lambda f, o: steppe.import_comtrade(f, o, wait=1), "wait", "int"),
        (lambda f, o: steppe.import_wdi(f, o, max_reject_rate="0.9"), "max_reject_rate", "str"),
        (lambda f, o: steppe.import_gdelt(f, o, max_reject_rate=True), "max_reject_rate", "bool"),
    ],
)
def test_other_arguments_of_the_wrong_type(
    call: Callable[[Path, Path], Any], param: str, received: str, wdi: Path, tmp_path: Path
) -> None:
    with pytest.raises(steppe.ArgumentError) as e:
        call(wdi, tmp_path / "store")
    assert str(e.value).startswith(f"{param} must be a ")
    assert str(e.value).endswith(f", not {received}")
    assert e.value.field == param.split("[")[0]
    assert not (tmp_path / "store").exists()


def test_gdelt_takes_one_country_or_many(tmp_path: Path, bad: Path) -> None:
    for countries in ("TJK", ["TJK", "fips:RS"], ("KGZ",)):
        with pytest.raises(steppe.FormatError):  # the arguments passed; the file is bad
            steppe.import_gdelt(bad, tmp_path / "store", countries=countries)


def test_wdi_metadata_takes_one_path_or_many(tmp_path: Path, wdi: Path) -> None:
    meta = tmp_path / "WDICountry.csv"
    meta.write_text(NOT_ANY_FORMAT)
    for given in (meta, str(meta), [meta]):
        with pytest.raises(steppe.FormatError) as e:
            steppe.import_wdi(wdi, tmp_path / "store", country_metadata=given)
        assert e.value.path is not None and "WDICountry.csv" in e.value.path


def test_open_takes_str_or_pathlike(store_dir: Path) -> None:
    assert steppe.open(store_dir).path == steppe.open(str(store_dir)).path == str(store_dir)


@pytest.mark.parametrize(
    ("value", "received"), [(None, "NoneType"), (3, "int"), (["a", "b"], "list")]
)
def test_open_rejects_other_types(value: object, received: str) -> None:
    with pytest.raises(steppe.ArgumentError) as e:
        steppe.open(value)  # type: ignore[arg-type]
    assert str(e.value) == f"path must be a path (str or os.PathLike), not {received}"
    assert e.value.field == "path"


@pytest.mark.parametrize(
    "call",
    [
        lambda: steppe.report("TJK", store="store/"),  # type: ignore[arg-type]
        lambda: steppe.analytics.partner_shares("TJK", "store/"),  # type: ignore[arg-type]
        lambda: steppe.analytics.dependence("TJK", store=Path("store/")),  # type: ignore[arg-type]
        lambda: steppe.analytics.indicator_series("wdi:X", "TJK", "s"),  # type: ignore[arg-type]
    ],
)
def test_a_store_argument_must_be_a_store(call: Callable[[], Any]) -> None:
    with pytest.raises(steppe.ArgumentError, match=r"^store must be a Store, not (str|.*Path)$"):
        call()


def test_report_saves_to_str_or_pathlike(tmp_path: Path) -> None:
    report = steppe.report("TJK")
    report.save_html(tmp_path / "a.html")
    report.save_html(str(tmp_path / "b.html"))
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == report.html
    assert (tmp_path / "b.html").read_text(encoding="utf-8") == report.html
    with pytest.raises(steppe.ArgumentError, match=r"^path must be a path .*, not int$"):
        report.save_html(1)  # type: ignore[arg-type]
    with pytest.raises(steppe.ArgumentError, match=r"^path must be a path .*, not NoneType$"):
        report.save_png(None)  # type: ignore[arg-type]
