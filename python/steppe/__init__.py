"""steppe: typed, cited data on Central Asia.

Open a store (or the bundled dataset) and read tables that pyarrow, polars, pandas and DuckDB
take without copies::

    import steppe

    store = steppe.bundled()
    flows = store.trade_flows(reporter="TJK", years=(2015, 2023))
    df = flows.to_polars()              # or pyarrow.table(flows), flows.to_pandas()
    for flow in flows:                  # typed, frozen records
        print(flow.partner_id, flow.value, flow.source_id)

Every fact row carries the id of the source that states it; ``store.cite(source_id)`` formats
it. ``steppe.codes.convert`` converts country codes between schemes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _steppe, analytics, codes
from ._errors import (
    ArgumentError,
    CodeError,
    FormatError,
    LockedError,
    NotFoundError,
    SchemaError,
    SteppeError,
    StoreError,
    ValidationError,
)
from ._fetch import FailedFile, FetchedFile, FetchReport, fetch
from ._import_report import FileReport, ImportReport
from ._imports import (
    import_acled,
    import_baci,
    import_comtrade,
    import_gdelt,
    import_imf_dots,
    import_ucdp,
    import_ucdp_acd,
    import_wdi,
)
from ._report import Report, report
from ._store import Problem, Store, ValidationReport, bundled, open
from ._table import Schema, Table

if TYPE_CHECKING:
    from . import records
    from .records import (
        Author,
        Claim,
        Conflict,
        Country,
        Entity,
        EntityCode,
        Event,
        EventActor,
        Indicator,
        IndicatorObservation,
        Membership,
        Organisation,
        Record,
        Reject,
        Source,
        TradeFlow,
    )

# The typed records (steppe.records) are imported on first use: building their dataclasses
# is a third of `import steppe`, and a query that hands its table to pyarrow or polars never
# needs them.
_RECORD_NAMES = frozenset(
    {
        "Author",
        "Claim",
        "Conflict",
        "Country",
        "Entity",
        "EntityCode",
        "Event",
        "EventActor",
        "Indicator",
        "IndicatorObservation",
        "Membership",
        "Organisation",
        "Record",
        "Reject",
        "Source",
        "TradeFlow",
    }
)


def __getattr__(name: str) -> Any:
    if name == "records" or name in _RECORD_NAMES:
        import importlib

        module = importlib.import_module(".records", __name__)
        return module if name == "records" else getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__version__: str = _steppe.__version__
"""The version of steppe."""

SCHEMA_VERSION: int = _steppe.SCHEMA_VERSION
"""Version of the table schemas this steppe reads and writes."""

TABLES: tuple[str, ...] = tuple(_steppe.table_names())
"""Names of every table, in steppe's stable order."""

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "ArgumentError",
    "Author",
    "Claim",
    "CodeError",
    "Conflict",
    "Country",
    "Entity",
    "EntityCode",
    "Event",
    "EventActor",
    "FailedFile",
    "FetchReport",
    "FetchedFile",
    "FileReport",
    "FormatError",
    "ImportReport",
    "Indicator",
    "IndicatorObservation",
    "LockedError",
    "Membership",
    "NotFoundError",
    "Organisation",
    "Problem",
    "Record",
    "Reject",
    "Report",
    "Schema",
    "SchemaError",
    "Source",
    "SteppeError",
    "Store",
    "StoreError",
    "Table",
    "TradeFlow",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "analytics",
    "bundled",
    "codes",
    "fetch",
    "import_acled",
    "import_baci",
    "import_comtrade",
    "import_gdelt",
    "import_imf_dots",
    "import_ucdp",
    "import_ucdp_acd",
    "import_wdi",
    "open",
    "records",
    "report",
]
