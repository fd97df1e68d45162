"""The importers, taking one input path or many: ``steppe.import_wdi`` and the others.

``import_baci``, ``import_comtrade``, ``import_wdi``, ``import_gdelt``, ``import_ucdp`` and
``import_acled`` each take one input file or many (``str`` or ``os.PathLike``), write the
store at ``out`` (created when missing) and return the import report as a dict::

    {"files": [{"file", "importer", "source_id", "sha256", "rows_read", "rows_accepted",
                "rows_rejected", "rejected_by_reason", "rows_skipped", "rows_written"}, ...],
     "skipped_files": [...], "rows_read": int, "rows_accepted": int, "rows_rejected": int}

Arguments of the wrong type raise :class:`steppe.ArgumentError` naming the parameter before
anything is read; a bad file raises :class:`steppe.FormatError` naming the file, line and field.
``reimport`` is ``"skip"`` (a file already imported is skipped and listed in
``skipped_files``), ``"replace"`` or ``"fail"``; ``wait=True`` waits for another process's
lock on the store instead of raising :class:`steppe.LockedError`. Further keyword options of
the extension's importers are passed through unchanged.
"""

from __future__ import annotations

from typing import Any

from . import _steppe
from ._args import PathArg, PathsArg, check_type, one_path, optional_paths, paths, strings

__all__ = [
    "import_acled",
    "import_baci",
    "import_comtrade",
    "import_gdelt",
    "import_ucdp",
    "import_wdi",
]

Report = dict[str, Any]


def _common(reimport: object, wait: object) -> dict[str, Any]:
    check_type(reimport, str, "reimport")
    check_type(wait, bool, "wait")
    return {"reimport": reimport, "wait": wait}


def import_baci(
    files: PathsArg,
    country_codes: PathArg,
    out: PathArg,
    products: PathArg | None = None,
    reimport: str = "skip",
    wait: bool = False,
    **options: Any,
) -> Report:
    """Import CEPII BACI yearly files (``BACI_HS92_Y2023_V202501.csv``, plain, .gz or .zip).

    BACI's country codes are mapped through ``country_codes`` (``country_codes_V*.csv``);
    when given, products are checked against ``products`` (``product_codes_*.csv``). BACI
    values (thousands of USD) are stored in USD.
    """
    return _steppe.import_baci(
        paths(files, "files"),
        one_path(country_codes, "country_codes"),
        one_path(out, "out"),
        products=None if products is None else one_path(products, "products"),
        **_common(reimport, wait),
        **options,
    )


def import_comtrade(
    files: PathsArg,
    out: PathArg,
    reimport: str = "skip",
    wait: bool = False,
    **options: Any,
) -> Report:
    """Import UN Comtrade CSV downloads (current or legacy layout, told apart by the header)."""
    return _steppe.import_comtrade(
        paths(files, "files"), one_path(out, "out"), **_common(reimport, wait), **options
    )


def import_wdi(
    files: PathsArg,
    out: PathArg,
    country_metadata: PathsArg | None = None,
    series_metadata: PathsArg | None = None,
    reimport: str = "skip",
    wait: bool = False,
    **options: Any,
) -> Report:
    """Import World Bank WDI CSV files, with optional country and series metadata files.

    Reads the bulk ``WDICSV.csv``/``WDIData.csv``, per-indicator ``API_*.csv`` and DataBank
    exports; metadata files are also recognised among ``files`` by their header.
    """
    return _steppe.import_wdi(
        paths(files, "files"),
        one_path(out, "out"),
        country_metadata=optional_paths(country_metadata, "country_metadata"),
        series_metadata=optional_paths(series_metadata, "series_metadata"),
        **_common(reimport, wait),
        **options,
    )


def import_gdelt(
    files: PathsArg,
    out: PathArg,
    countries: str | list[str] | tuple[str, ...] | None = None,
    reimport: str = "skip",
    wait: bool = False,
    **options: Any,
) -> Report:
    """Import GDELT 1.0/2.0 event exports.

    ``countries`` (one code or several: ISO codes or ``"fips:TI"``-style codes) keeps only
    events involving them.
    """
    return _steppe.import_gdelt(
        paths(files, "files"),
        one_path(out, "out"),
        countries=None if countries is None else strings(countries, "countries"),
        **_common(reimport, wait),
        **options,
    )


def import_ucdp(
    files: PathsArg,
    out: PathArg,
    reimport: str = "skip",
    wait: bool = False,
    **options: Any,
) -> Report:
    """Import UCDP GED CSV files."""
    return _steppe.import_ucdp(
        paths(files, "files"), one_path(out, "out"), **_common(reimport, wait), **options
    )


def import_acled(
    files: PathsArg,
    out: PathArg,
    reimport: str = "skip",
    wait: bool = False,
    **options: Any,
) -> Report:
    """Import ACLED CSV exports (your own download); event tables become not redistributable."""
    return _steppe.import_acled(
        paths(files, "files"), one_path(out, "out"), **_common(reimport, wait), **options
    )
