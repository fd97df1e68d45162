"""`Store`: an opened steppe store, read into :class:`steppe.Table` objects with filters."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from . import _steppe
from ._args import PathArg, one_path
from ._errors import NotFoundError, SchemaError, ValidationError
from ._table import Table
from .codes import Day, _iso_day, _when

if TYPE_CHECKING:
    from .records import (
        Claim,
        Conflict,
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

__all__ = ["Problem", "Store", "ValidationReport", "Values", "Years", "bundled", "open"]

Values: TypeAlias = "str | int | Iterable[str | int]"
"""One value or several (any of them matches)."""

Years: TypeAlias = "int | tuple[int | None, int | None] | range"
"""A year, an inclusive ``(first, last)`` range (``None`` leaves an end open), or a ``range``."""

CiteFormat: TypeAlias = Literal["text", "bibtex", "csl-json"]

# Columns holding entity ids: their filter values are resolved through the code crosswalk, so
# "TJ", "tjk", "762", "fips:TI" and "gw:702" all mean TJK.
_ENTITY_COLUMNS = frozenset({"entity_id", "reporter_id", "partner_id", "country_id", "parent_id"})

# List columns: a filter keeps rows whose list contains one of the values.
_LIST_COLUMNS = frozenset(
    {"about", "cited_source_ids", "subject_refs", "gwno_loc", "gwno_a", "gwno_a_2nd", "gwno_b"}
    | {"gwno_b_2nd", "side_a_id", "side_b_id", "region"}
)

# Lists of entity ids (the conflicts table's): filter values are countries in any form.
_ENTITY_LIST_COLUMNS = frozenset(
    {"location_entity_ids", "side_a_entity_ids", "side_a_2nd_entity_ids"}
    | {"side_b_entity_ids", "side_b_2nd_entity_ids"}
)

# Columns holding one of steppe's code lists: filter values are checked against it.
_CODE_LIST_COLUMNS = {
    "flow": "flow",
    "perspective": "perspective",
    "price_basis": "price_basis",
    "date_precision": "date_precision",
    "entity_type": "entity_type",
    "event_class": "event_class",
    "actor_kind": "actor_kind",
    "org_type": "org_type",
    "derivation": "derivation",
    "obs_status": "obs_status",
    "scheme": "scheme",
    "incompatibility": "incompatibility",
    "intensity_level": "intensity_level",
    "type_of_conflict": "type_of_conflict",
}

_Filter: TypeAlias = tuple[Any, ...]
"""A filter of the extension's ``Store.read``: ``("in", column, [values])``, ``("range", column,
min, max)``, ``("contains", column, [values])``, ``("any", [filters])``, ``("countries", op,
column, [values], year, soft)``, ``("involving", [values], year)`` (either side of a trade
flow), ``("country", [values], year)`` (the table's rows about a country: for events, those at
it or with it among their actors) or ``("in_select", column, table, select_column,
[filters])`` (a sub-query). Countries and sub-queries are the core's ``steppe::request``: a
query crosses into Rust once."""


@functools.cache
def _table_columns(name: str) -> tuple[str, ...]:
    """The columns of table ``name`` (static: asked of the extension once per table)."""
    return tuple(_steppe.table_columns(name))


@functools.cache
def _code_list(name: str) -> tuple[str, ...]:
    """The values of code list ``name`` (static: asked of the extension once per list)."""
    return tuple(_steppe.code_list(name))


def _countries(column: str, values: list[str], year: int | None, *, soft: bool = False) -> _Filter:
    """Rows whose ``column`` is one of the countries typed in any form (resolved in Rust)."""
    return ("countries", "in", column, values, year, soft)


def _as_values(value: Values) -> list[str]:
    if isinstance(value, str | int):
        return [str(value)]
    out = [str(v) for v in value]
    if not out:
        raise ValueError("an empty list of filter values matches nothing; pass None instead")
    return out


def _as_years(years: Years) -> tuple[int | None, int | None]:
    if isinstance(years, bool):
        raise TypeError("years must be an int, a (first, last) tuple or a range")
    if isinstance(years, int):
        return years, years
    if isinstance(years, range):
        if years.step != 1 or len(years) == 0:
            raise ValueError("a years range must be non-empty with step 1")
        return years.start, years.stop - 1
    if isinstance(years, tuple) and len(years) == 2:
        first, last = years
        return first, last
    raise TypeError("years must be an int, a (first, last) tuple or a range")


@dataclass(frozen=True)
class Problem:
    """One problem :meth:`Store.validate` found.

    Attributes:
        table: The table (or ``datapackage.json``).
        row_key: The row's primary key (``/``-joined), or the file path.
        field: The field at fault.
        message: What is wrong.
    """

    table: str
    row_key: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.table} [{self.row_key}] {self.field}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """What :meth:`Store.validate` checked and every problem it found.

    Attributes:
        problems: Every problem, in the order found.
        rows_checked: Rows checked per table.
        files_checked: Parquet files checked.
    """

    problems: tuple[Problem, ...] = ()
    rows_checked: Mapping[str, int] = field(default_factory=dict)
    files_checked: int = 0

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def __str__(self) -> str:
        rows = sum(self.rows_checked.values())
        head = (
            f"{self.files_checked} files and {rows} rows checked: {len(self.problems)} problem(s)"
        )
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class Store:
    """An opened steppe store: a directory written by steppe, or the bundled dataset.

    Get one with :func:`steppe.open` or :func:`steppe.bundled`. Every reading method returns
    a :class:`steppe.Table`; keyword filters combine with *and*, a list of values with *or*.
    Country filters accept ISO codes in any form (``"TJ"``, ``"TJK"``, ``"762"``) and
    prefixed schemes (``"fips:TI"``, ``"gw:702"``, ``"cow:TAJ"``), resolved through the
    store's code crosswalk.
    """

    __slots__ = ("_inner",)

    def __init__(self, inner: _steppe.Store) -> None:
        self._inner = inner

    @property
    def path(self) -> str | None:
        """The store's directory, or ``None`` for the bundled dataset."""
        return self._inner.path

    def __repr__(self) -> str:
        return f"<steppe.Store {self._inner.display_name}>"

    # -- generic reading -------------------------------------------------------------------

    def table(
        self, name: str, *, years: Years | None = None, date: Day | None = None, **filters: Any
    ) -> Table[Record]:
        """Read the rows of table ``name`` that match every filter.

        Args:
            name: A table name (see ``steppe.TABLES``).
            years: Keep rows whose ``year`` lies in this year or inclusive range.
            **filters: ``column=value`` or ``column=[values]``. A column may be named without
                its ``_id`` suffix (``reporter="TJK"`` filters ``reporter_id``). Entity
                columns resolve country codes; list columns (``about``) keep rows whose list
                holds a value; ``None`` values are ignored.
            date: The day country codes resolve on (a ``datetime.date`` or ``"YYYY-MM-DD"``),
                where a code changes holder within a year (``cow:345``: Yugoslavia to
                2006-06-02, Serbia from 2006-06-03); without it, the year of ``years`` when
                it is one year.

        Raises:
            SchemaError: unknown table or column, or a value outside a code list.
            CodeError: a country that cannot be resolved.
        """
        return self._read(name, self._filters(name, years, filters), date)

    def _read(self, name: str, filters: list[_Filter], date: Day | None = None) -> Table[Any]:
        if date is not None:
            filters = [*filters, ("on", _iso_day(date))]
        return Table(self._inner.read(name, filters))

    def _filters(self, name: str, years: Years | None, filters: Mapping[str, Any]) -> list[_Filter]:
        columns = _table_columns(name)
        year_hint: int | None = None
        out: list[_Filter] = []
        if years is not None:
            if "year" not in columns:
                raise SchemaError(
                    f"table `{name}` has no `year` column to filter on", table=name, field="year"
                )
            first, last = _as_years(years)
            out.append(("range", "year", first, last))
            year_hint = self._year_hint(years)
        for key, value in filters.items():
            if value is None:
                continue
            column = self._column(name, columns, key)
            out.append(self._predicate(name, column, value, year_hint))
        return out

    @staticmethod
    def _column(name: str, columns: tuple[str, ...], key: str) -> str:
        if key in columns:
            return key
        if f"{key}_id" in columns:
            return f"{key}_id"
        if key == "commodity" and "commodity_code" in columns:
            return "commodity_code"
        raise SchemaError(
            f"table `{name}` has no column `{key}`; columns: {', '.join(columns)}",
            table=name,
            field=key,
        )

    def _predicate(self, table: str, column: str, value: Any, year: int | None) -> _Filter:
        values = _as_values(value)
        if column in _ENTITY_COLUMNS:
            return _countries(column, values, year)
        if column in _ENTITY_LIST_COLUMNS:
            return ("countries", "contains", column, values, year, False)
        if column in _CODE_LIST_COLUMNS:
            allowed = _code_list(_CODE_LIST_COLUMNS[column])
            bad = [v for v in values if v not in allowed]
            if bad:
                raise SchemaError(
                    f"{', '.join(map(repr, bad))} is not a valid `{column}`; "
                    f"expected one of: {', '.join(allowed)}",
                    table=table,
                    field=column,
                )
        if column in _LIST_COLUMNS:
            return ("contains", column, values)
        return ("in", column, values)

    def resolve_countries(
        self, values: Values, *, year: int | None = None, date: Day | None = None
    ) -> list[str]:
        """Resolve countries typed in any form to the store's entity ids.

        Accepts ISO alpha-2, alpha-3 and numeric codes, prefixed codes of other schemes
        (``"fips:TI"``, ``"gw:702"``, ``"cow:TAJ"``) and entity ids. Uses the store's
        crosswalk, or the bundled one when the store has none. ``year`` or ``date`` (a
        ``datetime.date`` or ``"YYYY-MM-DD"``, not both) resolve codes as they were then.

        Raises:
            CodeError: listing every value that is unknown or ambiguous (``.values``).
        """
        when = _when(year, date)
        return self._inner.resolve_countries(_as_values(values), when)

    # -- named tables ----------------------------------------------------------------------

    def trade_flows(
        self,
        reporter: Values | None = None,
        partner: Values | None = None,
        *,
        years: Years | None = None,
        flow: Values | None = None,
        commodity: Values | None = None,
        involving: Values | None = None,
        date: Day | None = None,
        **filters: Any,
    ) -> Table[TradeFlow]:
        """Bilateral trade flows (USD), one perspective per row.

        Args:
            reporter: Declaring countries, in any code form.
            partner: Partner countries, in any code form.
            years: A year or inclusive ``(first, last)`` range.
            flow: ``export``, ``import``, ``re_export`` or ``re_import``.
            commodity: Commodity codes (``TOTAL`` for all products; HS codes as strings).
            involving: Countries on either side (reporter or partner).
            date: The day countries resolve on, as for :meth:`table`.
            **filters: Other ``column=value`` filters, as for :meth:`table`.
        """
        out = self._filters(
            "trade_flows",
            years,
            {"reporter_id": reporter, "partner_id": partner, "flow": flow, **filters},
        )
        if commodity is not None:
            out.append(("in", "commodity_code", _as_values(commodity)))
        if involving is not None:
            out.append(("involving", _as_values(involving), self._year_hint(years)))
        return self._read("trade_flows", out, date)

    def events(
        self,
        country: Values | None = None,
        *,
        years: Years | None = None,
        event_class: Values | None = None,
        date: Day | None = None,
        **filters: Any,
    ) -> Table[Event]:
        """Events (conflict, diplomacy, agreements) at the precision their sources give.

        Args:
            country: Countries, in any code form: keeps events that happened there or that
                have one of them among their actors (``event_actors.actor_ref``), as
                ``steppe query events --country`` does.
            years: A year or inclusive ``(first, last)`` range of the start date.
            event_class: Kinds of event (``armed_conflict``, ``agreement``, ...).
            date: The day countries resolve on, as for :meth:`table`.
            **filters: Other ``column=value`` filters, as for :meth:`table`.
        """
        out = self._filters("events", years, {"event_class": event_class, **filters})
        if country is not None:
            out.append(("country", _as_values(country), self._year_hint(years)))
        return self._read("events", out, date)

    def event_actors(
        self,
        event: Values | None = None,
        *,
        actor: Values | None = None,
        years: Years | None = None,
        **filters: Any,
    ) -> Table[EventActor]:
        """Actors of events in their roles.

        Args:
            event: Event ids.
            actor: Countries (in any code form) or organisation ids the actors refer to
                (``actor_ref``).
            years: A year or inclusive ``(first, last)`` range.
            **filters: Other ``column=value`` filters, as for :meth:`table`.
        """
        out = self._filters("event_actors", years, {"event_id": event, **filters})
        if actor is not None:
            out.append(_countries("actor_ref", _as_values(actor), None, soft=True))
        return self._read("event_actors", out)

    def entities(
        self,
        entity: Values | None = None,
        *,
        entity_type: Values | None = None,
        date: Day | None = None,
        **filters: Any,
    ) -> Table[Entity]:
        """Countries (ISO 3166-1), former states (ISO 3166-3) and aggregates.

        Args:
            entity: Entities, in any code form.
            entity_type: ``country``, ``historical``, ``world``, ``aggregate`` or
                ``residual_nes``.
            date: The day ``entity`` codes resolve on, as for :meth:`table`.
            **filters: Other ``column=value`` filters (``focus="central_asia"``,
                ``region=...``), as for :meth:`table`.
        """
        return self._read(
            "entities",
            self._filters(
                "entities", None, {"entity_id": entity, "entity_type": entity_type, **filters}
            ),
            date,
        )

    def countries(self, entity: Values | None = None, **filters: Any) -> Table[Entity]:
        """The entities of type ``country`` (current ISO 3166-1 entries).

        Args:
            entity: Countries, in any code form.
            **filters: Other ``column=value`` filters, as for :meth:`table`.
        """
        return self.entities(entity, entity_type="country", **filters)

    def entity_codes(
        self,
        entity: Values | None = None,
        *,
        scheme: Values | None = None,
        **filters: Any,
    ) -> Table[EntityCode]:
        """The dated code crosswalk: every code of every scheme for each entity.

        Args:
            entity: Entities, in any code form.
            scheme: Code schemes (``iso2``, ``fips``, ``gw``, ``cow_num``, ...).
            **filters: Other ``column=value`` filters, as for :meth:`table`.
        """
        return self._read(
            "entity_codes",
            self._filters("entity_codes", None, {"entity_id": entity, "scheme": scheme, **filters}),
        )

    def sources(self, source: Values | None = None, **filters: Any) -> Table[Source]:
        """Citable works and input files (CSL-JSON compatible).

        Args:
            source: Source ids.
            **filters: Other ``column=value`` filters, as for :meth:`table`.
        """
        return self._read(
            "sources", self._filters("sources", None, {"source_id": source, **filters})
        )

    def organisations(
        self,
        org: Values | None = None,
        *,
        org_type: Values | None = None,
        **filters: Any,
    ) -> Table[Organisation]:
        """Organisations, initiatives, corridors and armed groups.

        Args:
            org: Organisation ids (``sco``, ...).
            org_type: ``igo``, ``initiative``, ``transport_corridor``, ...
            **filters: Other ``column=value`` filters, as for :meth:`table`.
        """
        return self._read(
            "organisations",
            self._filters("organisations", None, {"org_id": org, "org_type": org_type, **filters}),
        )

    def memberships(
        self,
        org: Values | None = None,
        entity: Values | None = None,
        **filters: Any,
    ) -> Table[Membership]:
        """Entities' roles in organisations.

        Args:
            org: Organisation ids.
            entity: Member entities, in any code form.
            **filters: Other ``column=value`` filters (``role="member"``), as for
                :meth:`table`.
        """
        return self._read(
            "memberships",
            self._filters("memberships", None, {"org_id": org, "entity_id": entity, **filters}),
        )

    def indicators(self, indicator: Values | None = None, **filters: Any) -> Table[Indicator]:
        """Statistical series definitions.

        Args:
            indicator: Indicator ids (``wdi:BX.TRF.PWKR.DT.GD.ZS``, ...).
            **filters: Other ``column=value`` filters, as for :meth:`table`.
        """
        return self._read(
            "indicators",
            self._filters("indicators", None, {"indicator_id": indicator, **filters}),
        )

    def indicator_observations(
        self,
        indicator: Values | None = None,
        country: Values | None = None,
        *,
        years: Years | None = None,
        **filters: Any,
    ) -> Table[IndicatorObservation]:
        """Indicator values by entity and year, each row citing its source.

        ``store.indicator_observations(country="TJK", indicator="BX.TRF.PWKR.DT.GD.ZS")``
        is Tajikistan's personal remittances received, % of GDP, by year.

        Args:
            indicator: Indicator ids as stored (``"wdi:BX.TRF.PWKR.DT.GD.ZS"``) or bare World
                Bank codes (``"BX.TRF.PWKR.DT.GD.ZS"``, any case): an id without a scheme
                prefix is WDI's, as in ``steppe::analytics::indicator_id``.
            country: Entities, in any code form.
            years: A year or inclusive ``(first, last)`` range.
            **filters: Other ``column=value`` filters, as for :meth:`table`.
        """
        return self._read(
            "indicator_observations",
            self._filters(
                "indicator_observations",
                years,
                {"indicator_id": _indicator_ids(indicator), "entity_id": country, **filters},
            ),
        )

    def claims(
        self,
        about: Values | None = None,
        *,
        document: Values | None = None,
        **filters: Any,
    ) -> Table[Claim]:
        """Statements of documents, linked to what they are about and the works they cite.

        Args:
            about: Countries (in any code form) or organisation ids the claims are about
                (any of them).
            document: Source ids of the documents making the claims.
            **filters: Other ``column=value`` filters (``cited_source_ids=...``), as for
                :meth:`table`.
        """
        out = self._filters("claims", None, {"document_id": document, **filters})
        if about is not None:
            out.append(("countries", "contains", "about", _as_values(about), None, True))
        return self._read("claims", out)

    @staticmethod
    def _year_hint(years: Years | None) -> int | None:
        if years is None:
            return None
        first, last = _as_years(years)
        return first if first is not None and first == last else None

    def conflicts(
        self,
        country: Values | None = None,
        *,
        years: Years | None = None,
        conflict: Values | None = None,
        date: Day | None = None,
        **filters: Any,
    ) -> Table[Conflict]:
        """Conflict-years of the UCDP/PRIO Armed Conflict Dataset, one row per release.

        Args:
            country: Countries, in any code form: keeps conflict-years with one of them as
                location or on a side (primary or secondary), as ``steppe query conflicts
                --country`` does.
            years: A year or inclusive ``(first, last)`` range.
            conflict: UCDP conflict ids (``395``: the Tajik civil war).
            date: The day countries resolve on, as for :meth:`table`.
            **filters: Other ``column=value`` filters (``intensity_level="war"``,
                ``version="25.1"``), as for :meth:`table`.
        """
        out = self._filters("conflicts", years, {"conflict_id": conflict, **filters})
        if country is not None:
            out.append(("country", _as_values(country), self._year_hint(years)))
        return self._read("conflicts", out, date)

    def rejects(self, source: Values | None = None, **filters: Any) -> Table[Reject]:
        """Input rows an import refused, with file, line, reason and the raw text.

        Args:
            source: Source ids of the import runs.
            **filters: Other ``column=value`` filters (``reason=...``), as for :meth:`table`.
        """
        return self._read(
            "rejects", self._filters("rejects", None, {"source_id": source, **filters})
        )

    # -- metadata --------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """Store metadata.

        Returns:
            A dict with ``path``, ``name``, ``title``, ``created``, ``schema_version``,
            ``generation``, ``tables`` (table name to row count), ``redistributable``
            (table name to bool) and ``imports`` (number of imports recorded).
        """
        return self._inner.info()

    def validate(self, *, raise_on_error: bool = False) -> ValidationReport:
        """Check file integrity, keys, references, value ranges and the crosswalk.

        Args:
            raise_on_error: Raise :class:`ValidationError` when a problem is found instead
                of returning the report.

        Returns:
            The report; ``report.ok`` is true when nothing is wrong.

        Raises:
            ValidationError: when ``raise_on_error`` is set and a problem was found; its
                ``report`` attribute holds the report.
            StoreError: when the store cannot be read at all.
        """
        problems, rows, files = self._inner.validate()
        report = ValidationReport(
            problems=tuple(Problem(*p) for p in problems),
            rows_checked=dict(rows),
            files_checked=files,
        )
        if raise_on_error and not report.ok:
            first = report.problems[0]
            raise ValidationError(
                f"validation found {len(report.problems)} problem(s); first: {first}",
                path=self.path,
                field=first.field,
                table=first.table,
                report=report,
            )
        return report

    def cite(self, source_id: str, format: CiteFormat = "text") -> str:
        """A source of the store as ``text``, ``bibtex`` or ``csl-json``.

        Only the fields the source record holds are written; nothing is invented.

        Raises:
            SteppeError: when the store has no such source or the format is unknown.
        """
        return self._inner.cite(source_id, format)


def open(path: PathArg) -> Store:
    """Open the steppe store in directory ``path`` (one holding ``datapackage.json``).

    Raises:
        ArgumentError: ``path`` is not a ``str`` or ``os.PathLike``.
        NotFoundError: the directory does not exist (also a ``FileNotFoundError``).
        StoreError: the directory holds no store, or its descriptor is damaged.
    """
    p = one_path(path, "path")
    if not os.path.exists(p):
        raise NotFoundError(f"no such directory: {p}", path=p)
    return Store(_steppe.open_store(p))


def bundled() -> Store:
    """The curated Central Asia dataset bundled with steppe (read-only, no download)."""
    return Store(_steppe.bundled_store())


def _indicator_ids(indicator: Values | None) -> Values | None:
    """Indicator ids as stored: a bare code (no ``scheme:`` prefix) is WDI's, upper-cased."""
    if indicator is None:
        return None

    def one(i: object) -> object:
        return i if not isinstance(i, str) or ":" in i else f"wdi:{i.upper()}"

    if isinstance(indicator, str):
        return one(indicator)  # type: ignore[return-value]
    return [one(i) for i in indicator]  # type: ignore[union-attr,misc]
