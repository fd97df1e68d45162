"""Typed records: one frozen class per table, built when a :class:`steppe.Table` is iterated.

Attributes follow the table's columns in order. Codes are ``str``, dates ``datetime.date``,
lists ``tuple``; missing values are ``None``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, cast

__all__ = [
    "RECORD_TYPES",
    "Author",
    "Claim",
    "Concentration",
    "Conflict",
    "Country",
    "Dependence",
    "Entity",
    "EntityCode",
    "Event",
    "EventActor",
    "Indicator",
    "IndicatorObservation",
    "Membership",
    "Mirror",
    "Organisation",
    "PartnerShare",
    "Record",
    "Reject",
    "SeriesPoint",
    "Source",
    "TradeFlow",
]


class Record:
    """Base class of the record types; ``TABLE`` names the table a record is a row of."""

    __slots__ = ()

    TABLE: ClassVar[str] = ""

    @classmethod
    def _from_row(cls, row: Sequence[Any]) -> Any:
        """Builds a record from a row tuple in column order."""
        return cls(*row)

    def to_dict(self) -> dict[str, Any]:
        """The record as a dict of column name to value."""
        result: dict[str, Any] = dataclasses.asdict(cast("Any", self))
        return result


@dataclass(frozen=True, slots=True)
class Author:
    """An author of a source: a person (``family``, ``given``) or an organisation (``literal``).

    Attributes:
        family: Family name.
        given: Given name(s).
        literal: An organisation's or undivided name.
    """

    family: str | None = None
    given: str | None = None
    literal: str | None = None

    @property
    def display_name(self) -> str:
        """``Family, Given``, or the literal name."""
        if self.family and self.given:
            return f"{self.family}, {self.given}"
        return self.family or self.literal or self.given or ""

    @classmethod
    def _from_value(cls, value: Mapping[str, str | None] | Author) -> Author:
        if isinstance(value, Author):
            return value
        return cls(value.get("family"), value.get("given"), value.get("literal"))


@dataclass(frozen=True, slots=True)
class Source(Record):
    """A citable work: an article, report, dataset release or input file.

    Fields follow CSL-JSON. A row of the ``sources`` table.

    Attributes:
        source_id: Stable slug.
        csl_type: CSL item type (``article``, ``report``, ``dataset``, ``book``, ...).
        title: Title, when known (never invented).
        container_title: Journal, site or series.
        publisher: Publisher.
        authors: Authors, in order.
        issued: Publication date, at ``issued_precision``.
        issued_precision: How precisely ``issued`` is known.
        accessed: Date the source was read.
        url: URL, when known.
        doi: DOI.
        version: Version or release (``V202501``).
        page: Page(s) cited.
        license: Licence (SPDX id where one exists).
        redistributable: Whether rows from this source may be shipped to others.
        cited_by: The source that cites this one (citation chain).
        content_sha256: SHA-256 of the file, for datasets and input files.
        byte_size: Size of the file in bytes.
        note: Free-text note.
    """

    TABLE: ClassVar[str] = "sources"

    source_id: str
    csl_type: str
    title: str | None
    container_title: str | None
    publisher: str | None
    authors: tuple[Author, ...]
    issued: datetime.date | None
    issued_precision: str | None
    accessed: datetime.date | None
    url: str | None
    doi: str | None
    version: str | None
    page: str | None
    license: str | None
    redistributable: bool
    cited_by: str | None
    content_sha256: str | None
    byte_size: int | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Entity(Record):
    """A country, former state or aggregate, identified by ISO 3166 alpha-3 where one exists.

    A row of the ``entities`` table.

    Attributes:
        entity_id: ISO 3166-1 alpha-3; former states their ISO 3166-3 code; aggregates their
            source's code.
        name: Short English name.
        name_official: Official name, where the list gives one.
        entity_type: What kind of entity this is.
        valid_from: First day of existence, where known.
        valid_to: Last day of existence (former states), where known.
        parent_id: Sovereign of a territory.
        predecessor_ids: The entities this one continues (``YEM``: ``("YAR", "YMD")``),
            where a cited source states the link; ``None`` when none does.
        successor_ids: The entities that continue this one (``SUN``: ``ARM`` ... ``TJK``,
            ``TKM``, ``UZB``), the inverse of their ``predecessor_ids``; ``None`` when no
            source states one. ``source_locator`` cites each link.
        region: UN M49 sub-region name.
        focus: steppe's focus tag: ``central_asia`` or ``neighbour``.
        source_id: The list this row comes from.
        source_locator: Where in that list.
    """

    TABLE: ClassVar[str] = "entities"

    entity_id: str
    name: str
    name_official: str | None
    entity_type: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    parent_id: str | None
    predecessor_ids: tuple[str, ...] | None
    successor_ids: tuple[str, ...] | None
    region: str | None
    focus: str | None
    source_id: str
    source_locator: str | None


@dataclass(frozen=True, slots=True)
class EntityCode(Record):
    """One code of one scheme for an entity, valid over a date range.

    A row of the ``entity_codes`` table.

    Attributes:
        entity_id: The entity named.
        scheme: The code system.
        code: The code as the scheme writes it (numeric codes keep their leading zeros).
        valid_from: First day the code names this entity, if bounded.
        valid_to: Last day the code names this entity, if bounded.
        is_preferred: The preferred code when a scheme has several for one entity.
        source_id: The published list this code comes from.
        source_locator: Where in that list.
    """

    TABLE: ClassVar[str] = "entity_codes"

    entity_id: str
    scheme: str
    code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    is_preferred: bool
    source_id: str
    source_locator: str | None


@dataclass(frozen=True, slots=True)
class Organisation(Record):
    """An international organisation, initiative, corridor or armed group.

    A row of the ``organisations`` table.

    Attributes:
        org_id: Stable slug, e.g. ``sco``.
        name: English name.
        acronym: Acronym, if any.
        org_type: What kind of organisation.
        founded: Founding date, where a source states it.
        dissolved: Dissolution date, where a source states it.
        source_id: The source stating it.
        source_locator: Where in that source.
        cited_source_id: The work that source cites for it.
    """

    TABLE: ClassVar[str] = "organisations"

    org_id: str
    name: str
    acronym: str | None
    org_type: str
    founded: datetime.date | None
    dissolved: datetime.date | None
    source_id: str
    source_locator: str | None
    cited_source_id: str | None


@dataclass(frozen=True, slots=True)
class Membership(Record):
    """An entity's role in an organisation, over a period.

    A row of the ``memberships`` table.

    Attributes:
        org_id: The organisation.
        entity_id: The member entity.
        role: The role.
        valid_from: Start, at ``date_precision``.
        valid_to: End, at ``date_precision``.
        date_precision: How precisely the dates are known.
        source_id: The source stating it.
        source_locator: Where in that source.
        cited_source_id: The work that source cites for it.
    """

    TABLE: ClassVar[str] = "memberships"

    org_id: str
    entity_id: str
    role: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    date_precision: str
    source_id: str
    source_locator: str | None
    cited_source_id: str | None


@dataclass(frozen=True, slots=True)
class TradeFlow(Record):
    """One reporter-partner-commodity-period figure, from one perspective, in base units (USD).

    A row of the ``trade_flows`` table.

    Attributes:
        year: Calendar year (the table's Hive partition).
        month: Month, or none for annual figures.
        reporter_id: The declaring country (BACI: the exporter).
        partner_id: The partner country (``WLD`` for the world).
        flow: Direction from the reporter's side.
        perspective: Whose declaration this is.
        classification: Product classification (``HS92`` ... ``HS22``, ``TOTAL``).
        commodity_code: Product code as a string (``TOTAL`` for all products; HS codes keep
            leading zeros).
        value: Value in ``currency`` units (not thousands).
        currency: Currency of ``value`` (``USD``).
        price_basis: Pricing basis of ``value``.
        value_precision: Rounding unit of the published figure (137.4 million -> 100000).
        quantity: Quantity, in ``quantity_unit``.
        quantity_unit: Unit of ``quantity`` (``t``, ``kg``, ...).
        is_estimated: Whether the publisher estimated the figure.
        source_id: The source the row was read from.
        source_locator: Where in that source (page, section, query).
        source_line: Line of the source file, for imported rows.
        cited_source_id: The work that source cites for the figure.
        derivation: How the row was derived from the source.
    """

    TABLE: ClassVar[str] = "trade_flows"

    year: int
    month: int | None
    reporter_id: str
    partner_id: str
    flow: str
    perspective: str
    classification: str
    commodity_code: str
    value: float | None
    currency: str
    price_basis: str
    value_precision: float | None
    quantity: float | None
    quantity_unit: str | None
    is_estimated: bool
    source_id: str
    source_locator: str | None
    source_line: int | None
    cited_source_id: str | None
    derivation: str


@dataclass(frozen=True, slots=True)
class Indicator(Record):
    """A statistical series, e.g.

    ``wdi:BX.TRF.PWKR.DT.GD.ZS``. A row of the ``indicators`` table.

    Attributes:
        indicator_id: Stable id, ``<publisher>:<series code>``.
        name: Name as published.
        definition: Definition as published.
        unit: Unit of measure as published.
        topic: Topic as published.
        aggregation_method: Aggregation method as published.
        source_series_code: The publisher's series code.
        source_note: The publisher's own source note.
        license: Licence of the series.
        source_id: The source the definition was read from.
        source_locator: Where in that source.
    """

    TABLE: ClassVar[str] = "indicators"

    indicator_id: str
    name: str
    definition: str | None
    unit: str | None
    topic: str | None
    aggregation_method: str | None
    source_series_code: str
    source_note: str | None
    license: str | None
    source_id: str
    source_locator: str | None


@dataclass(frozen=True, slots=True)
class IndicatorObservation(Record):
    """One value of an indicator for an entity and a year.

    A row of the ``indicator_observations`` table.

    Attributes:
        indicator_id: The indicator.
        entity_id: The entity (countries and aggregates).
        year: Calendar year (the table's Hive partition).
        period: Sub-annual period, if any.
        value: The value (missing values are not stored).
        obs_status: Status of the value.
        source_id: The source the row was read from.
        source_locator: Where in that source.
        source_line: Line of the source file, for imported rows.
        cited_source_id: The work that source cites.
        derivation: How the row was derived.
    """

    TABLE: ClassVar[str] = "indicator_observations"

    indicator_id: str
    entity_id: str
    year: int
    period: str | None
    value: float
    obs_status: str
    source_id: str
    source_locator: str | None
    source_line: int | None
    cited_source_id: str | None
    derivation: str


@dataclass(frozen=True, slots=True)
class Event(Record):
    """Something that happened, at the precision its source gives.

    A row of the ``events`` table.

    Attributes:
        event_id: Stable id: ``gdelt:<id>``, ``ucdp:<id>``, ``cur:<slug>`` for curated events.
        year: Year of ``start_date`` (the table's Hive partition); none when undated.
        event_class: What kind of event.
        title: Short title.
        description: Description or quotation.
        start_date: Start (or only) date, at ``date_precision``.
        end_date: End date of a period.
        date_precision: How precisely the dates are known.
        country_id: Country where it happened.
        admin1: First-level administrative unit.
        location_name: Place name.
        latitude: Latitude (WGS84).
        longitude: Longitude (WGS84).
        geo_precision: Precision code of the coordinates, in ``geo_precision_scheme``.
        geo_precision_scheme: Which scale ``geo_precision`` uses (``ucdp_where_prec``,
            ``gdelt_geo_type``, ``acled_geo``).
        cameo_code: CAMEO event code (string: keeps leading zeros).
        cameo_base_code: CAMEO base code.
        cameo_root_code: CAMEO root code.
        quad_class: CAMEO QuadClass 1-4.
        goldstein: Goldstein scale, -10 to +10.
        violence_type: UCDP type of violence 1-3.
        conflict_id: UCDP conflict id (GED ``conflict_new_id``): for state-based violence
            (``violence_type`` 1) the UCDP/PRIO ACD ``conflict_id`` of ``conflicts``; for
            non-state (2) and one-sided (3) violence UCDP's id of the non-state conflict or
            of the one-sided violence, which no ``conflicts`` row carries. None for other
            sources.
        fatalities_best: Best estimate of deaths.
        fatalities_low: Low estimate of deaths.
        fatalities_high: High estimate of deaths.
        num_mentions: GDELT mentions.
        num_sources: GDELT sources.
        num_articles: GDELT articles.
        avg_tone: GDELT average tone.
        source_id: The source the row was read from.
        source_locator: Where in that source (section, article URL).
        source_line: Line of the source file, for imported rows.
        cited_source_id: The work that source cites.
        derivation: How the row was derived.
    """

    TABLE: ClassVar[str] = "events"

    event_id: str
    year: int | None
    event_class: str
    title: str | None
    description: str | None
    start_date: datetime.date | None
    end_date: datetime.date | None
    date_precision: str
    country_id: str | None
    admin1: str | None
    location_name: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    geo_precision_scheme: str | None
    cameo_code: str | None
    cameo_base_code: str | None
    cameo_root_code: str | None
    quad_class: int | None
    goldstein: float | None
    violence_type: int | None
    conflict_id: int | None
    fatalities_best: int | None
    fatalities_low: int | None
    fatalities_high: int | None
    num_mentions: int | None
    num_sources: int | None
    num_articles: int | None
    avg_tone: float | None
    source_id: str
    source_locator: str | None
    source_line: int | None
    cited_source_id: str | None
    derivation: str


@dataclass(frozen=True, slots=True)
class EventActor(Record):
    """One actor of an event, in a role.

    A row of the ``event_actors`` table.

    Attributes:
        event_id: The event.
        year: Year of the event (partition, as in ``events``).
        role: The actor's role.
        actor_kind: What kind of actor.
        actor_name: Name as the source gives it.
        actor_ref: Entity id or organisation id, when resolved.
        actor_code: Raw actor code of the source (CAMEO actor code, UCDP side id).
        actor_type: Actor type codes (CAMEO GOV, MIL, ...; ACLED inter labels), ``;``-joined.
        source_id: The source the row was read from.
        source_locator: Where in that source.
        source_line: Line of the source file, for imported rows.
        cited_source_id: The work that source cites.
    """

    TABLE: ClassVar[str] = "event_actors"

    event_id: str
    year: int | None
    role: str
    actor_kind: str
    actor_name: str
    actor_ref: str | None
    actor_code: str | None
    actor_type: str | None
    source_id: str
    source_locator: str | None
    source_line: int | None
    cited_source_id: str | None


@dataclass(frozen=True, slots=True)
class Claim(Record):
    """A statement of a document, linked to what it is about and the works it cites.

    A row of the ``claims`` table.

    Attributes:
        claim_id: Stable slug.
        document_id: The document making the statement (a source id).
        text: The statement, verbatim.
        value_text: A figure as printed, if the claim states one.
        about: Entities the claim is about.
        cited_source_ids: Works the document cites for it.
        subject_refs: Fact rows that encode it, as ``table:key``.
    """

    TABLE: ClassVar[str] = "claims"

    claim_id: str
    document_id: str
    text: str
    value_text: str | None
    about: tuple[str, ...]
    cited_source_ids: tuple[str, ...]
    subject_refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reject(Record):
    """An input row an import refused, with the reason.

    A row of the ``rejects`` table.

    Attributes:
        source_id: The import run (a source id of the input file).
        file: The input file name.
        line: 1-based line number in the input file.
        field: The field at fault, if one.
        reason: Reason code (``unknown_code``, ``malformed_number``, ``wrong_column_count``,
            ...).
        detail: Human-readable detail.
        raw: The raw line as read (lossily decoded).
    """

    TABLE: ClassVar[str] = "rejects"

    source_id: str
    file: str
    line: int
    field: str | None
    reason: str
    detail: str | None
    raw: str


@dataclass(frozen=True, slots=True)
class Conflict(Record):
    """One state-based armed conflict in one year, as a UCDP/PRIO release publishes it.

    A row of the ``conflicts`` table. Each ``gwno_*`` tuple of Gleditsch-Ward codes has an
    ``*_entity_ids`` tuple of the same length: the entity each code names in ``year``, or
    ``None`` where the code names no state that year.

    Attributes:
        conflict_id: UCDP's conflict id (GED's ``conflict_new_id``).
        year: The calendar year observed.
        location: The country or countries whose government has the primary claim.
        gwno_loc: G&W codes of ``location``.
        location_entity_ids: Entities of ``gwno_loc`` in ``year``.
        side_a: Primary party on side A (always a government), as published.
        side_a_id: UCDP actor ids of side A.
        gwno_a: G&W codes of side A.
        side_a_entity_ids: Entities of ``gwno_a`` in ``year``.
        side_a_2nd: Secondary parties on side A (states sending troops), as published.
        gwno_a_2nd: G&W codes of the secondary parties on side A.
        side_a_2nd_entity_ids: Entities of ``gwno_a_2nd`` in ``year``.
        side_b: Primary party or parties on side B, as published (``PFT, UTO``).
        side_b_id: UCDP actor ids of side B.
        gwno_b: G&W codes of side B (empty for rebel groups).
        side_b_entity_ids: Entities of ``gwno_b`` in ``year``.
        side_b_2nd: Secondary parties on side B, as published.
        gwno_b_2nd: G&W codes of the secondary parties on side B.
        side_b_2nd_entity_ids: Entities of ``gwno_b_2nd`` in ``year``.
        incompatibility: ``territory``, ``government`` or ``both``.
        territory_name: The territory fought over, when the incompatibility is territorial.
        intensity_level: ``minor`` (25-999 battle-related deaths in the year) or ``war``.
        cumulative_intensity: Whether the conflict has exceeded 1,000 battle-related deaths.
        type_of_conflict: ``extrasystemic``, ``interstate``, ``intrastate`` or
            ``internationalized_intrastate``.
        start_date: The conflict's first battle-related death.
        start_prec: Precision of ``start_date``, codebook scale 1 (exact day) to 7.
        start_date2: When this episode reached 25 battle-related deaths in a year.
        start_prec2: Precision of ``start_date2``, the same scale.
        ep_end: Whether the episode ended in this year.
        ep_end_date: The episode's end date.
        ep_end_prec: Precision of ``ep_end_date``, codebook scale 1 (exact day) to 5.
        region: Regions: ``europe``, ``middle_east``, ``asia``, ``africa``, ``americas``.
        version: The release (``23.1``).
        source_id: The source the row was read from (the release file).
        source_locator: Where in that source.
        source_line: Line of the source file where the record starts.
        cited_source_id: The work that source cites.
        derivation: How the row was derived.
    """

    TABLE: ClassVar[str] = "conflicts"

    conflict_id: int
    year: int
    location: str
    gwno_loc: tuple[str, ...]
    location_entity_ids: tuple[str | None, ...]
    side_a: str
    side_a_id: tuple[str, ...]
    gwno_a: tuple[str, ...]
    side_a_entity_ids: tuple[str | None, ...]
    side_a_2nd: str | None
    gwno_a_2nd: tuple[str, ...]
    side_a_2nd_entity_ids: tuple[str | None, ...]
    side_b: str
    side_b_id: tuple[str, ...]
    gwno_b: tuple[str, ...]
    side_b_entity_ids: tuple[str | None, ...]
    side_b_2nd: str | None
    gwno_b_2nd: tuple[str, ...]
    side_b_2nd_entity_ids: tuple[str | None, ...]
    incompatibility: str
    territory_name: str | None
    intensity_level: str
    cumulative_intensity: bool
    type_of_conflict: str
    start_date: datetime.date | None
    start_prec: int | None
    start_date2: datetime.date | None
    start_prec2: int | None
    ep_end: bool
    ep_end_date: datetime.date | None
    ep_end_prec: int | None
    region: tuple[str, ...]
    version: str
    source_id: str
    source_locator: str | None
    source_line: int | None
    cited_source_id: str | None
    derivation: str


def _source_from_row(cls: type[Source], row: Sequence[Any]) -> Source:
    values = list(row)
    values[5] = tuple(Author._from_value(a) for a in values[5] or ())
    return cls(*values)


Source._from_row = classmethod(_source_from_row)  # type: ignore[assignment, method-assign]


@dataclass(frozen=True, slots=True)
class PartnerShare(Record):
    """A partner's share of a country's exports or imports in a year (``steppe.analytics``).

    Attributes:
        country_id: The country.
        year: Year.
        direction: ``exports`` or ``imports``.
        partner_id: The partner.
        value: Trade with the partner, USD.
        total: The total the share is of, USD.
        total_basis: ``world_total`` (a row for the world) or ``recorded_partners`` (the sum of
            the partners the store records: a share among them, not of all trade).
        share: ``value / total``.
        source_ids: Sources the figure was computed from.
    """

    TABLE: ClassVar[str] = "partner_shares"
    country_id: str
    year: int
    direction: str
    partner_id: str
    value: float
    total: float
    total_basis: str
    share: float
    source_ids: list[str]


@dataclass(frozen=True, slots=True)
class Concentration(Record):
    """Herfindahl-Hirschman index (0-10000) of a country's partners or products in a year.

    Attributes:
        country_id: The country.
        year: Year.
        direction: ``exports`` or ``imports``.
        over: ``partners`` or ``products``.
        hhi: Sum of squared percentage shares.
        count: Number of partners or products.
        total: Total the shares are of, USD.
        source_ids: Sources the figure was computed from.
    """

    TABLE: ClassVar[str] = "concentration"
    country_id: str
    year: int
    direction: str
    over: str
    hhi: float
    count: int
    total: float
    source_ids: list[str]


@dataclass(frozen=True, slots=True)
class Dependence(Record):
    """A country's trade with partner A against partner B in a year.

    Attributes:
        country_id: The country.
        year: Year.
        measure: ``exports``, ``imports`` or ``total``.
        partner_a: Partner A.
        partner_b: Partner B.
        value_a: Trade with A, USD.
        value_b: Trade with B, USD.
        ratio: ``value_a / value_b`` (None when B is zero).
        leans_toward: The partner with the larger value.
        source_ids: Sources the figures were computed from.
    """

    TABLE: ClassVar[str] = "dependence"
    country_id: str
    year: int
    measure: str
    partner_a: str
    partner_b: str
    value_a: float
    value_b: float
    ratio: float | None
    leans_toward: str
    source_ids: list[str]


@dataclass(frozen=True, slots=True)
class Mirror(Record):
    """What an exporter declares against what its partner declares importing.

    Attributes:
        year: Year.
        exporter_id: The exporter.
        importer_id: The importer.
        exports_declared: The exporter's declared exports (FOB), USD.
        imports_declared: The importer's declared imports (usually CIF), USD.
        gap: ``imports - exports``.
        ratio: ``imports / exports``.
        note: How to read the gap (CIF against FOB).
        source_ids: Sources of both sides.
    """

    TABLE: ClassVar[str] = "mirror"
    year: int
    exporter_id: str
    importer_id: str
    exports_declared: float | None
    imports_declared: float | None
    gap: float | None
    ratio: float | None
    note: str
    source_ids: list[str]


@dataclass(frozen=True, slots=True)
class SeriesPoint(Record):
    """One value of an indicator series with its sources.

    Attributes:
        indicator_id: The indicator.
        entity_id: The entity.
        year: Year.
        value: Value.
        source_ids: Sources.
    """

    TABLE: ClassVar[str] = "indicator_series"
    indicator_id: str
    entity_id: str
    year: int
    value: float
    source_ids: list[str]


Country = Entity
"""Alias of :class:`Entity` (countries are the entities of type ``country``)."""

RECORD_TYPES: dict[str, type[Record]] = {
    cls.TABLE: cls
    for cls in (
        Source,
        Entity,
        EntityCode,
        Organisation,
        Membership,
        TradeFlow,
        Indicator,
        IndicatorObservation,
        Event,
        EventActor,
        Claim,
        Reject,
        Conflict,
        PartnerShare,
        Concentration,
        Dependence,
        Mirror,
        SeriesPoint,
    )
}
"""The record type of each table, by table name."""
