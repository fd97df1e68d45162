"""Type stubs of the compiled extension ``steppe._steppe`` (private: use ``steppe``)."""

import datetime
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeAlias, final

_ProgressCallback: TypeAlias = Callable[[int, int | None], object]
"""``progress(bytes_done, bytes_total)`` of the importers: input bytes processed so far over
every file of the call (never decreasing), and the inputs' size on disk or ``None`` when one
is compressed. Called on the calling thread with the GIL, at most every 50 ms and once at the
end; an exception it raises stops the import (nothing of the current file is committed)."""

# The extension's __all__ (pyo3 lists every item it adds); stubtest checks it matches.
__all__ = [
    "SCHEMA_VERSION",
    "ArrowColumn",
    "Schema",
    "Store",
    "Table",
    "__version__",
    "_build_store_from_data",
    "_panic_for_tests",
    "_raise_for_tests",
    "_unguarded_panic_for_tests",
    "bundled_store",
    "code_list",
    "concentration",
    "convert_arrow",
    "convert_list",
    "dependence",
    "fetch",
    "import_acled",
    "import_baci",
    "import_comtrade",
    "import_gdelt",
    "import_imf_dots",
    "import_ucdp",
    "import_ucdp_acd",
    "import_wdi",
    "indicator_series",
    "mirror",
    "open_store",
    "partner_shares",
    "render_report",
    "render_report_png",
    "render_report_svg",
    "run_cli",
    "schemes",
    "table_columns",
    "table_names",
]
__version__: str
SCHEMA_VERSION: int

@final
class Schema:
    """An Arrow schema, readable without pyarrow and exportable via ``__arrow_c_schema__``."""

    @property
    def names(self) -> list[str]:
        """Column names."""

    @property
    def types(self) -> list[str]:
        """Arrow type of each column, as text (``Int16``, ``Dictionary(Int16, Utf8)``, ...)."""

    @property
    def fields(self) -> list[tuple[str, str, bool]]:
        """``(name, type, nullable)`` of each column."""

    def __len__(self) -> int: ...
    def __getitem__(self, key: str, /) -> str: ...
    def __contains__(self, key: object, /) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __arrow_c_schema__(self) -> object:
        """Export the schema as an Arrow C schema PyCapsule."""

@final
class Table:
    """Rows of one table as Arrow record batches (exported without copies)."""

    @property
    def name(self) -> str:
        """The table name."""

    @property
    def num_rows(self) -> int:
        """Number of rows."""

    @property
    def columns(self) -> list[str]:
        """Column names."""

    @property
    def schema(self) -> Schema:
        """The Arrow schema."""

    @property
    def num_batches(self) -> int:
        """Number of record batches."""

    def __len__(self) -> int: ...
    def __arrow_c_schema__(self) -> object:
        """Export the schema as an Arrow C schema PyCapsule."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Export the rows as an Arrow C stream PyCapsule."""

    def _rows(self) -> list[tuple[Any, ...]]: ...
    def _preview(self, n: int) -> list[list[str]]: ...
    def _cited_sources(self) -> list[tuple[str, str | None]]: ...
    def _buffer_address(self, column: str) -> int | None: ...

@final
class ArrowColumn:
    """One column of Arrow data, exported via ``__arrow_c_array__``/``__arrow_c_stream__``."""

    @property
    def num_chunks(self) -> int:
        """Number of chunks."""

    def __len__(self) -> int: ...
    def __arrow_c_schema__(self) -> object:
        """Export the field as an Arrow C schema PyCapsule."""

    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[object, object]:
        """Export the column as one Arrow C array (chunks concatenated)."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Export the chunks as an Arrow C stream PyCapsule."""

@final
class Store:
    """An opened steppe store."""

    @property
    def path(self) -> str | None:
        """The store directory, or ``None`` for the bundled dataset."""

    @property
    def display_name(self) -> str:
        """The directory, or ``<bundled>``."""

    def info(self) -> dict[str, Any]:
        """Rows per table, schema version, generation and package metadata."""

    def read(self, table: str, filters: list[tuple[Any, ...]] | None = None) -> Table:
        """Read the rows of ``table`` matching every filter tuple, in one call.

        Filter tuples: ``("in", column, [values])``, ``("range", column, min, max)``,
        ``("contains", column, [values])``, ``("any", [filters])``, ``("countries", "in" |
        "contains", column, [values], year, soft)`` (countries resolved here; ``soft`` keeps a
        value that is no country), ``("involving", [values], year)``, ``("country", [values],
        year)``, ``("in_select", column, table, select_column, [filters])`` (a sub-query) and
        ``("on", "YYYY-MM-DD")`` (the day every country resolves on).
        Ctrl-C is checked while it runs.
        """

    def distinct(
        self, table: str, column: str, filters: list[tuple[Any, ...]] | None = None
    ) -> list[str]:
        """Distinct values of ``column`` over the matching rows of ``table``."""

    def resolve_countries(self, values: Sequence[str], year: int | str | None = None) -> list[str]:
        """Resolve countries typed in any form to entity ids."""

    def validate(
        self,
    ) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, int]], int]:
        """Validate the store: ``(problems, rows_checked, files_checked)``."""

    def cite(self, source_id: str, format: str = "text") -> str:
        """A source as ``text``, ``bibtex`` or ``csl-json``."""

def open_store(path: str | os.PathLike[str]) -> Store:
    """Open the store in a directory."""

def bundled_store() -> Store:
    """The bundled dataset."""

def table_names() -> list[str]:
    """Names of every table."""

def table_columns(name: str) -> list[str]:
    """Column names of a table."""

def convert_list(
    values: Sequence[object],
    to: str = "iso3",
    source: str | None = None,
    year: int | str | None = None,
    errors: str = "raise",
) -> list[str | None]:
    """Convert a list of codes."""

def convert_arrow(
    values: object,
    to: str = "iso3",
    source: str | None = None,
    year: int | str | None = None,
    errors: str = "raise",
) -> ArrowColumn:
    """Convert an Arrow column of codes."""

def schemes() -> list[str]:
    """Names of the code schemes."""

def code_list(name: str) -> list[str]:
    """Values of one of steppe's code lists."""

def render_report(store: Store, country: str, partner_a: str, partner_b: str) -> tuple[str, str]:
    """The report of a country comparing two partners, as (text, html)."""

def render_report_png(
    store: Store, country: str, partner_a: str, partner_b: str, path: str
) -> None:
    """Writes the report's main chart (the two-partner balance) as PNG."""

def render_report_svg(
    store: Store, country: str, partner_a: str, partner_b: str, chart: str
) -> str:
    """One of the report's charts as an SVG document (by name, see ``Report.chart``)."""

def import_baci(
    files: Sequence[str | os.PathLike[str]],
    country_codes: str | os.PathLike[str] | None,
    out: str | os.PathLike[str],
    products: str | os.PathLike[str] | None = None,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: _ProgressCallback | None = None,
    years: str | None = None,
) -> dict[str, Any]:
    """Imports CEPII BACI yearly files into the store at ``out``, mapping country codes."""

def import_comtrade(
    files: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: _ProgressCallback | None = None,
) -> dict[str, Any]:
    """Imports UN Comtrade CSV downloads (current or legacy layout) into the store at ``out``."""

def import_wdi(
    files: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    country_metadata: Sequence[str | os.PathLike[str]] | None = None,
    series_metadata: Sequence[str | os.PathLike[str]] | None = None,
    indicator: str | None = None,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: _ProgressCallback | None = None,
) -> dict[str, Any]:
    """Imports World Bank WDI CSV files (and their metadata) into the store at ``out``."""

def import_gdelt(
    files: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    countries: Sequence[str] | None = None,
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: _ProgressCallback | None = None,
) -> dict[str, Any]:
    """Imports GDELT 1.0/2.0 event exports into the store at ``out``."""

def import_ucdp(
    files: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: _ProgressCallback | None = None,
    ged_version: str | None = None,
) -> dict[str, Any]:
    """Imports UCDP GED CSV files into the store at ``out``."""

def import_ucdp_acd(
    files: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: _ProgressCallback | None = None,
) -> dict[str, Any]:
    """Imports UCDP/PRIO Armed Conflict Dataset CSV files into the store's ``conflicts`` table."""

def import_imf_dots(
    files: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: _ProgressCallback | None = None,
) -> dict[str, Any]:
    """Imports IMF DOTS workbooks (``DOTS_<n>.xlsx``) into the store at ``out``."""

def import_acled(
    files: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    reimport: str = "skip",
    wait: bool = False,
    max_reject_rate: float | None = None,
    progress: _ProgressCallback | None = None,
) -> dict[str, Any]:
    """Imports ACLED CSV exports (never redistributable) into the store at ``out``."""

def partner_shares(store: Store, country: str, years: tuple[int, int] | None = None) -> Table:
    """Partner shares of a country's exports and imports, by year."""

def concentration(
    store: Store, country: str, over: str = "partners", years: tuple[int, int] | None = None
) -> Table:
    """Herfindahl-Hirschman index over partners or products, by year."""

def dependence(
    store: Store, country: str, a: str, b: str, years: tuple[int, int] | None = None
) -> Table:
    """A country's trade with partner ``a`` against partner ``b``, by year."""

def mirror(store: Store, a: str, b: str, years: tuple[int, int] | None = None) -> Table:
    """Declared exports of one country against its partner's declared imports."""

def indicator_series(store: Store, indicator: str, country: str) -> Table:
    """An indicator's values for a country by year."""

def run_cli(argv: list[str]) -> int:
    """Run the steppe command line and return its exit code."""

def _build_store_from_data(
    data_dir: str | os.PathLike[str], out: str | os.PathLike[str]
) -> None: ...
def _panic_for_tests() -> None: ...
def _unguarded_panic_for_tests() -> None: ...
def _raise_for_tests(kind: str) -> None: ...
def fetch(
    source: str,
    indicators: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    bulk: bool = False,
    version: str | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    hs: str | None = None,
    api: bool = False,
    reporters: Sequence[str] | None = None,
    partners: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    flows: Sequence[str] | None = None,
    commodities: Sequence[str] | None = None,
    classification: str = "HS",
    frequency: str = "A",
    cache: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    mirror: str | None = None,
    offline: bool = False,
    max_download_bytes: int | None = None,
    max_expanded_bytes: int | None = None,
    per_host: int = 2,
    attempts: int = 6,
    retry_delay: float = 1.0,
    progress: _ProgressCallback | None = None,
) -> dict[str, Any]:
    """Fetches a publisher's files into the cache; with ``out``, imports them."""
