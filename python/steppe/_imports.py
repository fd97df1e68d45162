"""The importers, taking one input path or many: ``steppe.import_wdi`` and the others.

``import_baci``, ``import_comtrade``, ``import_wdi``, ``import_gdelt``, ``import_ucdp``,
``import_ucdp_acd``, ``import_acled`` and ``import_imf_dots`` each take one input file or
many (``str`` or ``os.PathLike``), write the store at ``out`` (created when missing) and
return an :class:`steppe.ImportReport`.

Arguments of the wrong type raise :class:`steppe.ArgumentError` naming the parameter before
anything is read; a bad file (a directory, a truncated ``.gz``, a corrupt archive member, bad
content) raises :class:`steppe.FormatError` naming the file, line and field; a missing one
:class:`steppe.NotFoundError`. Every file is checked to exist and be a file before anything
is written. When a later file of several fails while it is read, the files before it stay
committed: the exception's ``committed`` is their :class:`steppe.ImportReport` (``None``
when nothing was committed) and its message says the failing file wrote nothing.
``reimport`` is ``"skip"`` (a file already imported is skipped and listed in
``skipped_files``), ``"replace"`` or ``"fail"``; ``wait=True`` waits for another process's
lock on the store instead of raising :class:`steppe.LockedError`. ``max_reject_rate`` (a
fraction, default 0.5) is the largest share of rejected rows a file may have: above it the
rows and rejects are committed and :class:`steppe.FormatError` is raised. Further keyword options of
the extension's importers are passed through unchanged.

``progress`` is ``None``/``False`` (nothing), ``True`` (a tqdm bar; needs tqdm:
``pip install 'steppe[progress]'``) or a callable ``progress(bytes_done, bytes_total)``:
``bytes_done`` (int) is the input bytes processed so far over every file of the call and
never decreases; ``bytes_total`` is the inputs' size on disk, or ``None`` when an input is
compressed. It is called on the calling thread, with the GIL, at most every 50 ms (not per
row), and once more at the end; an exception it raises stops the import like Ctrl-C.

Ctrl-C (``KeyboardInterrupt``) stops an import between batches: the file being imported is
not committed (the store stays as it was before that file; files of the same call that
finished before stay imported) and ``KeyboardInterrupt`` is raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias

from . import _steppe
from ._args import PathArg, PathsArg, check_type, one_path, optional_paths, paths, strings
from ._errors import ArgumentError, SteppeError
from ._import_report import ImportReport
from ._optional import require

__all__ = [
    "import_acled",
    "import_baci",
    "import_comtrade",
    "import_gdelt",
    "import_imf_dots",
    "import_ucdp",
    "import_ucdp_acd",
    "import_wdi",
]

ProgressCallback: TypeAlias = Callable[[int, "int | None"], object]
"""``progress(bytes_done, bytes_total)``: see the module documentation."""

ProgressArg: TypeAlias = "ProgressCallback | bool | None"
"""``None``/``False`` (no progress), ``True`` (a tqdm bar) or a :data:`ProgressCallback`."""


def _common(reimport: object, wait: object, max_reject_rate: object) -> dict[str, Any]:
    check_type(reimport, str, "reimport")
    check_type(wait, bool, "wait")
    if max_reject_rate is not None and (
        isinstance(max_reject_rate, bool) or not isinstance(max_reject_rate, (int, float))
    ):
        raise ArgumentError(
            f"max_reject_rate must be a number from 0 to 1, not {type(max_reject_rate).__name__}",
            field="max_reject_rate",
        )
    return {"reimport": reimport, "wait": wait, "max_reject_rate": max_reject_rate}


@contextmanager
def _tqdm_bar(desc: str = "steppe import") -> Iterator[ProgressCallback]:
    require("tqdm", "progress=True")
    from tqdm.auto import tqdm

    bar = tqdm(total=None, unit="B", unit_scale=True, unit_divisor=1024, desc=desc)

    def update(done: int, total: int | None) -> None:
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


@contextmanager
def _progress(progress: object, desc: str = "steppe import") -> Iterator[ProgressCallback | None]:
    """The callback the extension calls for ``progress=`` (see the module documentation)."""
    if progress is None or progress is False:
        yield None
    elif progress is True:
        with _tqdm_bar(desc) as update:
            yield update
    elif callable(progress):
        yield progress
    else:
        raise ArgumentError(
            "progress must be None, a bool or a callable (bytes_done, bytes_total), "
            f"not {type(progress).__name__}",
            field="progress",
        )


def _run(
    importer: Callable[..., dict[str, Any]], progress: object, *args: Any, **kw: Any
) -> ImportReport:
    with _progress(progress) as callback:
        try:
            return ImportReport.from_dict(importer(*args, progress=callback, **kw))
        except SteppeError as e:
            if isinstance(e.committed, dict):
                e.committed = ImportReport.from_dict(e.committed)
            raise


YearsArg: TypeAlias = "int | tuple[int, int] | str | None"


def _years(value: object) -> str | None:
    """``years`` of :func:`import_baci` as the string the extension reads (``"2015..2023"``)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in value)
    ):
        return f"{value[0]}..{value[1]}"
    raise ArgumentError(
        "years must be a year, a (first, last) tuple of years or a string such as"
        f" '2015-2023', not {value!r}",
        field="years",
    )


def import_baci(
    files: PathsArg,
    country_codes: PathArg | None,
    out: PathArg,
    products: PathArg | None = None,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: ProgressArg = None,
    years: YearsArg = None,
    **options: Any,
) -> ImportReport:
    """Import CEPII BACI yearly files (``BACI_HS92_Y2023_V202501.csv``, plain, .gz or .zip).

    BACI's country codes are mapped through ``country_codes`` (``country_codes_V*.csv``);
    when given, products are checked against ``products`` (``product_codes_*.csv``). BACI
    values (thousands of USD) are stored in USD. Release archives
    (``BACI_HS92_V202501.zip``) are read year by year straight out of the zip, with the
    lists inside them unless given (``country_codes`` may then be ``None``); ``years`` keeps
    a range of their years: one year (``2022``), a ``(first, last)`` tuple (``(2015, 2023)``)
    or a string (``"2015-2023"``, ``"2015..2023"``, ``"2022"``). A year file outside
    ``years`` is refused before anything is read.
    """
    return _run(
        _steppe.import_baci,
        progress,
        paths(files, "files"),
        None if country_codes is None else one_path(country_codes, "country_codes"),
        one_path(out, "out"),
        products=None if products is None else one_path(products, "products"),
        years=_years(years),
        **_common(reimport, wait, max_reject_rate),
        **options,
    )


def import_comtrade(
    files: PathsArg,
    out: PathArg,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: ProgressArg = None,
    **options: Any,
) -> ImportReport:
    """Import UN Comtrade CSV downloads (current or legacy layout, told apart by the header)."""
    return _run(
        _steppe.import_comtrade,
        progress,
        paths(files, "files"),
        one_path(out, "out"),
        **_common(reimport, wait, max_reject_rate),
        **options,
    )


def import_wdi(
    files: PathsArg,
    out: PathArg,
    country_metadata: PathsArg | None = None,
    series_metadata: PathsArg | None = None,
    indicator: str | None = None,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: ProgressArg = None,
    **options: Any,
) -> ImportReport:
    """Import World Bank WDI CSV files, with optional country and series metadata files.

    Reads the bulk ``WDICSV.csv``/``WDIData.csv``, per-indicator ``API_*.csv`` (also the
    download's zip ``API_<code>_DS2_en_csv_v2_<n>.zip`` with its metadata files) and DataBank
    exports (years in columns or time in rows), Datahub's long ``data.csv`` and open-numbers
    DDF datapoints; metadata files are also recognised among ``files`` by their header.
    ``indicator`` is the code of long files whose ``datapackage.json`` does not name it.
    """
    return _run(
        _steppe.import_wdi,
        progress,
        paths(files, "files"),
        one_path(out, "out"),
        country_metadata=optional_paths(country_metadata, "country_metadata"),
        series_metadata=optional_paths(series_metadata, "series_metadata"),
        indicator=indicator,
        **_common(reimport, wait, max_reject_rate),
        **options,
    )


def import_gdelt(
    files: PathsArg,
    out: PathArg,
    countries: str | list[str] | tuple[str, ...] | None = None,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: ProgressArg = None,
    **options: Any,
) -> ImportReport:
    """Import GDELT 1.0/2.0 event exports.

    ``countries`` (one code or several: ISO codes or ``"fips:TI"``-style codes) keeps only
    events involving them.
    """
    return _run(
        _steppe.import_gdelt,
        progress,
        paths(files, "files"),
        one_path(out, "out"),
        countries=None if countries is None else strings(countries, "countries"),
        **_common(reimport, wait, max_reject_rate),
        **options,
    )


def import_ucdp(
    files: PathsArg,
    out: PathArg,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: ProgressArg = None,
    ged_version: str | None = None,
    **options: Any,
) -> ImportReport:
    """Import UCDP GED CSV files.

    ``ged_version`` (``"23.1"``, ``"19.1"``) is the release of files without a header row;
    without it, the release the file name gives (``ged231.csv``, ``GEDEvent_v23_1.csv``).
    A file whose name gives another release is refused.
    """
    if ged_version is not None:
        check_type(ged_version, str, "ged_version")
    return _run(
        _steppe.import_ucdp,
        progress,
        paths(files, "files"),
        one_path(out, "out"),
        ged_version=ged_version,
        **_common(reimport, wait, max_reject_rate),
        **options,
    )


def import_ucdp_acd(
    files: PathsArg,
    out: PathArg,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: ProgressArg = None,
    **options: Any,
) -> ImportReport:
    """Import UCDP/PRIO Armed Conflict Dataset CSV files into the ``conflicts`` table.

    Reads UCDP's layout and spreadsheet re-saves (semicolons, D-M-YYYY dates) by header; the
    Source of a re-saved file says so.
    """
    return _run(
        _steppe.import_ucdp_acd,
        progress,
        paths(files, "files"),
        one_path(out, "out"),
        **_common(reimport, wait, max_reject_rate),
        **options,
    )


def import_acled(
    files: PathsArg,
    out: PathArg,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: ProgressArg = None,
    **options: Any,
) -> ImportReport:
    """Import ACLED CSV exports (your own download); event tables become not redistributable."""
    return _run(
        _steppe.import_acled,
        progress,
        paths(files, "files"),
        one_path(out, "out"),
        **_common(reimport, wait, max_reject_rate),
        **options,
    )


def import_imf_dots(
    files: PathsArg,
    out: PathArg,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: ProgressArg = None,
    **options: Any,
) -> ImportReport:
    """Import IMF Direction of Trade Statistics workbooks (``DOTS_<n>.xlsx``, portal exports)."""
    return _run(
        _steppe.import_imf_dots,
        progress,
        paths(files, "files"),
        one_path(out, "out"),
        **_common(reimport, wait, max_reject_rate),
        **options,
    )
