//! The stable Arrow schema of every table: its fields, primary key, foreign keys and Hive
//! partitioning. This is the contract that Parquet files, Python and the docs rely on; a test
//! fails if any of it changes without a bump of [`SCHEMA_VERSION`].

use std::sync::Arc;

use arrow_schema::{DataType, Field, FieldRef, Fields, Schema, SchemaRef};

/// Version of the table schemas. Bump it (and add a snapshot) whenever a schema changes.
pub const SCHEMA_VERSION: u32 = 4;

/// The tables of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// Countries, former states, aggregates.
    Entities,
    /// The dated code crosswalk.
    EntityCodes,
    /// Organisations, initiatives, armed groups.
    Organisations,
    /// Memberships of entities in organisations.
    Memberships,
    /// Bilateral trade flows.
    TradeFlows,
    /// Indicator definitions.
    Indicators,
    /// Indicator values.
    IndicatorObservations,
    /// Events.
    Events,
    /// Actors of events.
    EventActors,
    /// Citable sources.
    Sources,
    /// Statements of documents.
    Claims,
    /// Input rows an import refused.
    Rejects,
    /// Conflict-years of the UCDP/PRIO Armed Conflict Dataset (schema v3).
    Conflicts,
}

/// A foreign key: `fields` of this table reference `fields` of `table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Referencing column.
    pub field: &'static str,
    /// Referenced table.
    pub table: Table,
    /// Referenced column.
    pub target: &'static str,
}

/// Everything steppe knows about a table's shape.
#[derive(Debug, Clone)]
pub struct TableSpec {
    /// The table.
    pub table: Table,
    /// Arrow schema, including any partition column.
    pub schema: SchemaRef,
    /// Columns whose values identify a row.
    pub primary_key: &'static [&'static str],
    /// References to other tables.
    pub foreign_keys: Vec<ForeignKey>,
    /// Hive partition columns (stored in directory names, not in the files).
    pub partition_by: &'static [&'static str],
    /// Columns the files are sorted by, so row-group statistics prune filters.
    pub sort_by: &'static [&'static str],
    /// One-line description.
    pub description: &'static str,
}

impl Table {
    /// Every table, in a stable order.
    pub const ALL: &'static [Table] = &[
        Table::Sources,
        Table::Entities,
        Table::EntityCodes,
        Table::Organisations,
        Table::Memberships,
        Table::TradeFlows,
        Table::Indicators,
        Table::IndicatorObservations,
        Table::Events,
        Table::EventActors,
        Table::Claims,
        Table::Rejects,
        Table::Conflicts,
    ];

    /// The stable table name used by the CLI, Python, the store layout and the docs.
    pub fn name(self) -> &'static str {
        match self {
            Table::Entities => "entities",
            Table::EntityCodes => "entity_codes",
            Table::Organisations => "organisations",
            Table::Memberships => "memberships",
            Table::TradeFlows => "trade_flows",
            Table::Indicators => "indicators",
            Table::IndicatorObservations => "indicator_observations",
            Table::Events => "events",
            Table::EventActors => "event_actors",
            Table::Sources => "sources",
            Table::Claims => "claims",
            Table::Rejects => "rejects",
            Table::Conflicts => "conflicts",
        }
    }

    /// Looks a table up by its name.
    pub fn from_name(name: &str) -> crate::Result<Table> {
        Table::ALL
            .iter()
            .copied()
            .find(|t| t.name() == name)
            .ok_or_else(|| crate::Error::UnknownTable(name.to_string()))
    }

    /// The table's full specification.
    pub fn spec(self) -> TableSpec {
        spec(self)
    }

    /// The table's Arrow schema (including partition columns).
    pub fn schema(self) -> SchemaRef {
        spec(self).schema
    }

    /// The schema's fields, for record conversion.
    pub fn fields(self) -> Vec<FieldRef> {
        self.schema().fields().iter().cloned().collect()
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Table {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Table> {
        Table::from_name(s)
    }
}

/// Dictionary-encoded string: codes and enum values (pandas categoricals, Parquet dictionaries).
pub fn dict_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8))
}

fn text(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn dict(name: &str, nullable: bool) -> Field {
    Field::new(name, dict_type(), nullable)
}

fn prim(name: &str, dt: DataType, nullable: bool) -> Field {
    Field::new(name, dt, nullable)
}

fn date(name: &str) -> Field {
    Field::new(name, DataType::Date32, true)
}

fn text_list(name: &str) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, false))),
        false,
    )
}

/// The provenance block every fact table carries.
fn provenance(fields: &mut Vec<Field>, with_line: bool, with_derivation: bool) {
    fields.push(dict("source_id", false));
    fields.push(text("source_locator", true));
    if with_line {
        fields.push(prim("source_line", DataType::Int64, true));
    }
    fields.push(dict("cited_source_id", true));
    if with_derivation {
        fields.push(dict("derivation", false));
    }
}

/// A list of entity ids whose items may be null (aligned with a list of codes).
fn id_list(name: &str) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        false,
    )
}

/// A nullable list of entity ids (schema v4: `entities`' predecessor and successor links,
/// null where no source states one; each item → `entities.entity_id`, checked by `validate`).
fn opt_id_list(name: &str) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, false))),
        true,
    )
}

fn fk(field: &'static str, table: Table, target: &'static str) -> ForeignKey {
    ForeignKey {
        field,
        table,
        target,
    }
}

fn source_fks() -> Vec<ForeignKey> {
    vec![
        fk("source_id", Table::Sources, "source_id"),
        fk("cited_source_id", Table::Sources, "source_id"),
    ]
}

/// A table's primary key, foreign keys, partition columns, sort columns and description.
type Shape = (
    &'static [&'static str],
    Vec<ForeignKey>,
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
);

fn spec(table: Table) -> TableSpec {
    use DataType::*;
    let mut f: Vec<Field> = Vec::new();
    let (primary_key, mut foreign_keys, partition_by, sort_by, description): Shape = match table {
        Table::Entities => {
            f.extend([
                text("entity_id", false),
                text("name", false),
                text("name_official", true),
                dict("entity_type", false),
                date("valid_from"),
                date("valid_to"),
                text("parent_id", true),
                opt_id_list("predecessor_ids"),
                opt_id_list("successor_ids"),
                dict("region", true),
                dict("focus", true),
                dict("source_id", false),
                text("source_locator", true),
            ]);
            (
                &["entity_id"],
                vec![
                    fk("parent_id", Table::Entities, "entity_id"),
                    fk("source_id", Table::Sources, "source_id"),
                ],
                &[],
                &["entity_id"],
                "Countries (ISO 3166-1), former states (ISO 3166-3) and aggregates.",
            )
        }
        Table::EntityCodes => {
            f.extend([
                text("entity_id", false),
                dict("scheme", false),
                text("code", false),
                date("valid_from"),
                date("valid_to"),
                prim("is_preferred", Boolean, false),
                dict("source_id", false),
                text("source_locator", true),
            ]);
            (
                // A code may name one entity over several spells (G&W 340: Serbia 1878-1915
                // and from 2006), hence valid_from in the key (schema v2).
                &["scheme", "code", "entity_id", "valid_from"],
                vec![
                    fk("entity_id", Table::Entities, "entity_id"),
                    fk("source_id", Table::Sources, "source_id"),
                ],
                &[],
                &["scheme", "code"],
                "Dated crosswalk from every code scheme to entity ids.",
            )
        }
        Table::Organisations => {
            f.extend([
                text("org_id", false),
                text("name", false),
                text("acronym", true),
                dict("org_type", false),
                date("founded"),
                date("dissolved"),
                dict("source_id", false),
                text("source_locator", true),
                dict("cited_source_id", true),
            ]);
            (
                &["org_id"],
                source_fks(),
                &[],
                &["org_id"],
                "Organisations, initiatives, corridors, armed groups.",
            )
        }
        Table::Memberships => {
            f.extend([
                text("org_id", false),
                text("entity_id", false),
                dict("role", false),
                date("valid_from"),
                date("valid_to"),
                dict("date_precision", false),
                dict("source_id", false),
                text("source_locator", true),
                dict("cited_source_id", true),
            ]);
            let mut fks = vec![
                fk("org_id", Table::Organisations, "org_id"),
                fk("entity_id", Table::Entities, "entity_id"),
            ];
            fks.extend(source_fks());
            (
                &["org_id", "entity_id", "role"],
                fks,
                &[],
                &["org_id", "entity_id"],
                "Entities' roles in organisations.",
            )
        }
        Table::TradeFlows => {
            f.extend([
                prim("year", Int16, false),
                prim("month", Int8, true),
                dict("reporter_id", false),
                dict("partner_id", false),
                dict("flow", false),
                dict("perspective", false),
                dict("classification", false),
                text("commodity_code", false),
                prim("value", Float64, true),
                dict("currency", false),
                dict("price_basis", false),
                prim("value_precision", Float64, true),
                prim("quantity", Float64, true),
                dict("quantity_unit", true),
                prim("is_estimated", Boolean, false),
            ]);
            provenance(&mut f, true, true);
            let mut fks = vec![
                fk("reporter_id", Table::Entities, "entity_id"),
                fk("partner_id", Table::Entities, "entity_id"),
            ];
            fks.extend(source_fks());
            (
                &[
                    "source_id",
                    "year",
                    "month",
                    "reporter_id",
                    "partner_id",
                    "flow",
                    "perspective",
                    "classification",
                    "commodity_code",
                ],
                fks,
                &["year"],
                &["reporter_id", "partner_id", "commodity_code"],
                "Bilateral trade flows in USD, one perspective per row.",
            )
        }
        Table::Indicators => {
            f.extend([
                text("indicator_id", false),
                text("name", false),
                text("definition", true),
                text("unit", true),
                text("topic", true),
                text("aggregation_method", true),
                text("source_series_code", false),
                text("source_note", true),
                dict("license", true),
                dict("source_id", false),
                text("source_locator", true),
            ]);
            (
                &["indicator_id"],
                vec![fk("source_id", Table::Sources, "source_id")],
                &[],
                &["indicator_id"],
                "Statistical series definitions.",
            )
        }
        Table::IndicatorObservations => {
            f.extend([
                dict("indicator_id", false),
                dict("entity_id", false),
                prim("year", Int16, false),
                text("period", true),
                prim("value", Float64, false),
                dict("obs_status", false),
            ]);
            provenance(&mut f, true, true);
            let mut fks = vec![
                fk("indicator_id", Table::Indicators, "indicator_id"),
                fk("entity_id", Table::Entities, "entity_id"),
            ];
            fks.extend(source_fks());
            (
                &["indicator_id", "entity_id", "year", "period", "source_id"],
                fks,
                &["year"],
                &["indicator_id", "entity_id"],
                "Indicator values by entity and year.",
            )
        }
        Table::Events => {
            f.extend([
                text("event_id", false),
                prim("year", Int16, true),
                dict("event_class", false),
                text("title", true),
                text("description", true),
                date("start_date"),
                date("end_date"),
                dict("date_precision", false),
                dict("country_id", true),
                text("admin1", true),
                text("location_name", true),
                prim("latitude", Float64, true),
                prim("longitude", Float64, true),
                prim("geo_precision", Int8, true),
                dict("geo_precision_scheme", true),
                dict("cameo_code", true),
                dict("cameo_base_code", true),
                dict("cameo_root_code", true),
                prim("quad_class", Int8, true),
                prim("goldstein", Float32, true),
                prim("violence_type", Int8, true),
                prim("conflict_id", Int32, true),
                prim("fatalities_best", Int32, true),
                prim("fatalities_low", Int32, true),
                prim("fatalities_high", Int32, true),
                prim("num_mentions", Int32, true),
                prim("num_sources", Int32, true),
                prim("num_articles", Int32, true),
                prim("avg_tone", Float32, true),
            ]);
            provenance(&mut f, true, true);
            let mut fks = vec![fk("country_id", Table::Entities, "entity_id")];
            fks.extend(source_fks());
            (
                &["event_id"],
                fks,
                &["year"],
                &["country_id", "start_date"],
                "Events at the precision their sources give.",
            )
        }
        Table::EventActors => {
            f.extend([
                text("event_id", false),
                prim("year", Int16, true),
                dict("role", false),
                dict("actor_kind", false),
                text("actor_name", false),
                dict("actor_ref", true),
                text("actor_code", true),
                text("actor_type", true),
            ]);
            provenance(&mut f, true, false);
            let mut fks = vec![fk("event_id", Table::Events, "event_id")];
            fks.extend(source_fks());
            (
                &["event_id", "role", "actor_name"],
                fks,
                &["year"],
                &["actor_ref", "event_id"],
                "Actors of events in their roles.",
            )
        }
        Table::Sources => {
            let author = Fields::from(vec![
                Field::new("family", Utf8, true),
                Field::new("given", Utf8, true),
                Field::new("literal", Utf8, true),
            ]);
            f.extend([
                text("source_id", false),
                dict("csl_type", false),
                text("title", true),
                text("container_title", true),
                text("publisher", true),
                Field::new(
                    "authors",
                    List(Arc::new(Field::new("item", Struct(author), false))),
                    false,
                ),
                date("issued"),
                dict("issued_precision", true),
                date("accessed"),
                text("url", true),
                text("doi", true),
                text("version", true),
                text("page", true),
                dict("license", true),
                prim("redistributable", Boolean, false),
                text("cited_by", true),
                text("content_sha256", true),
                prim("byte_size", Int64, true),
                text("note", true),
            ]);
            (
                &["source_id"],
                vec![fk("cited_by", Table::Sources, "source_id")],
                &[],
                &["source_id"],
                "Citable works and input files (CSL-JSON compatible).",
            )
        }
        Table::Claims => {
            f.extend([
                text("claim_id", false),
                dict("document_id", false),
                text("text", false),
                text("value_text", true),
                text_list("about"),
                text_list("cited_source_ids"),
                text_list("subject_refs"),
            ]);
            (
                &["claim_id"],
                vec![fk("document_id", Table::Sources, "source_id")],
                &[],
                &["claim_id"],
                "Statements of documents, linked to entities and cited works.",
            )
        }
        Table::Rejects => {
            f.extend([
                dict("source_id", false),
                text("file", false),
                prim("line", Int64, false),
                text("field", true),
                dict("reason", false),
                text("detail", true),
                text("raw", false),
            ]);
            (
                &["source_id", "line"],
                vec![fk("source_id", Table::Sources, "source_id")],
                &[],
                &["source_id", "line"],
                "Input rows an import refused, with file, line, reason and raw text.",
            )
        }
        Table::Conflicts => conflicts(&mut f),
    };
    // Partition columns are always part of the key's scope; make sure specs stay consistent.
    foreign_keys.retain(|k| f.iter().any(|x| x.name() == k.field));
    TableSpec {
        table,
        schema: Arc::new(Schema::new(f)),
        primary_key,
        foreign_keys,
        partition_by,
        sort_by,
        description,
    }
}

/// The `conflicts` table: UCDP/PRIO ACD conflict-years, unpartitioned (a release is a few
/// thousand rows), one row per conflict, year and source.
fn conflicts(f: &mut Vec<Field>) -> Shape {
    use DataType::*;
    f.extend([
        prim("conflict_id", Int32, false),
        prim("year", Int16, false),
        text("location", false),
        text_list("gwno_loc"),
        id_list("location_entity_ids"),
        text("side_a", false),
        text_list("side_a_id"),
        text_list("gwno_a"),
        id_list("side_a_entity_ids"),
        text("side_a_2nd", true),
        text_list("gwno_a_2nd"),
        id_list("side_a_2nd_entity_ids"),
        text("side_b", false),
        text_list("side_b_id"),
        text_list("gwno_b"),
        id_list("side_b_entity_ids"),
        text("side_b_2nd", true),
        text_list("gwno_b_2nd"),
        id_list("side_b_2nd_entity_ids"),
        dict("incompatibility", false),
        text("territory_name", true),
        dict("intensity_level", false),
        prim("cumulative_intensity", Boolean, false),
        dict("type_of_conflict", false),
        date("start_date"),
        prim("start_prec", Int8, true),
        date("start_date2"),
        prim("start_prec2", Int8, true),
        prim("ep_end", Boolean, false),
        date("ep_end_date"),
        prim("ep_end_prec", Int8, true),
        text_list("region"),
        dict("version", false),
    ]);
    provenance(f, true, true);
    (
        &["conflict_id", "year", "source_id"],
        source_fks(),
        &[],
        &["conflict_id", "year"],
        "Conflict-years of the UCDP/PRIO Armed Conflict Dataset.",
    )
}

/// The entity-id lists of `conflicts` (each item → `entities.entity_id`, checked by
/// `validate`).
pub const CONFLICT_ENTITY_LISTS: &[&str] = &[
    "location_entity_ids",
    "side_a_entity_ids",
    "side_a_2nd_entity_ids",
    "side_b_entity_ids",
    "side_b_2nd_entity_ids",
];

/// A canonical text rendering of every table's schema, for the stability test and the docs.
pub fn describe_all() -> String {
    let mut out = format!("schema_version {SCHEMA_VERSION}\n");
    for t in Table::ALL {
        let spec = t.spec();
        out.push_str(&format!("\n[{}]\n", t.name()));
        for field in spec.schema.fields() {
            out.push_str(&format!(
                "{} {} {}\n",
                field.name(),
                field.data_type(),
                if field.is_nullable() {
                    "null"
                } else {
                    "not null"
                }
            ));
        }
        out.push_str(&format!("primary_key {}\n", spec.primary_key.join(",")));
        out.push_str(&format!("partition_by {}\n", spec.partition_by.join(",")));
        out.push_str(&format!("sort_by {}\n", spec.sort_by.join(",")));
        for k in &spec.foreign_keys {
            out.push_str(&format!(
                "foreign_key {} -> {}.{}\n",
                k.field,
                k.table.name(),
                k.target
            ));
        }
    }
    out
}

/// The schema reference of `docs/data-model.md` (between its `schema:begin`/`schema:end`
/// markers), generated so the docs never drift from the code.
pub fn markdown_reference() -> String {
    let mut out = format!("Schema version **{SCHEMA_VERSION}**.\n");
    for t in Table::ALL {
        let spec = t.spec();
        out.push_str(&format!("\n### `{}`\n\n{}\n\n", t.name(), spec.description));
        out.push_str("| column | Arrow type | null | role |\n|---|---|---|---|\n");
        for field in spec.schema.fields() {
            let name = field.name().as_str();
            let mut role = Vec::new();
            if spec.primary_key.contains(&name) {
                role.push("key".to_string());
            }
            if spec.partition_by.contains(&name) {
                role.push("Hive partition".to_string());
            }
            for k in spec.foreign_keys.iter().filter(|k| k.field == name) {
                role.push(format!("→ `{}.{}`", k.table.name(), k.target));
            }
            out.push_str(&format!(
                "| `{name}` | `{}` | {} | {} |\n",
                field.data_type(),
                if field.is_nullable() { "yes" } else { "no" },
                role.join(", ")
            ));
        }
        if !spec.sort_by.is_empty() {
            out.push_str(&format!(
                "\nTyped records are written sorted by {}; streaming importers keep their \
                 input's order.\n",
                spec.sort_by
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/data-model.md carries the generated reference; regenerate it with
    /// STEPPE_WRITE_SCHEMA=1 after a deliberate schema change.
    #[test]
    fn the_docs_describe_the_current_schema() {
        let path = format!("{}/../../docs/data-model.md", env!("CARGO_MANIFEST_DIR"));
        let doc = std::fs::read_to_string(&path).expect("docs/data-model.md");
        let (begin, end) = ("<!-- schema:begin -->\n", "<!-- schema:end -->");
        let (Some(b), Some(e)) = (doc.find(begin), doc.find(end)) else {
            panic!("docs/data-model.md lacks the schema markers");
        };
        let generated = markdown_reference();
        if std::env::var_os("STEPPE_WRITE_SCHEMA").is_some() {
            let new = format!("{}{begin}{generated}{}", &doc[..b], &doc[e..]);
            std::fs::write(&path, new).unwrap();
            return;
        }
        assert_eq!(
            &doc[b + begin.len()..e],
            generated,
            "docs/data-model.md is stale"
        );
    }

    /// Fails when a schema changes without a version bump. To change a schema: bump
    /// SCHEMA_VERSION, write the new snapshot `schema/v{N}.txt` (run this test with
    /// STEPPE_WRITE_SCHEMA=1) and describe the change in docs/data-model.md.
    #[test]
    fn schemas_match_the_snapshot_of_their_version() {
        let path = format!(
            "{}/schema/v{SCHEMA_VERSION}.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let current = describe_all();
        if std::env::var_os("STEPPE_WRITE_SCHEMA").is_some() {
            std::fs::write(&path, &current).unwrap();
        }
        let snapshot = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!("no schema snapshot {path}: bump SCHEMA_VERSION deliberately")
        });
        assert_eq!(
            current, snapshot,
            "schemas changed without a SCHEMA_VERSION bump"
        );
    }

    #[test]
    fn every_key_and_reference_names_a_real_column() {
        for t in Table::ALL {
            let spec = t.spec();
            for k in spec
                .primary_key
                .iter()
                .chain(spec.partition_by)
                .chain(spec.sort_by)
            {
                assert!(spec.schema.field_with_name(k).is_ok(), "{t}: no column {k}");
            }
            for fk in &spec.foreign_keys {
                assert!(
                    spec.schema.field_with_name(fk.field).is_ok(),
                    "{t}: no column {}",
                    fk.field
                );
                assert!(fk.table.schema().field_with_name(fk.target).is_ok());
            }
        }
    }

    #[test]
    fn no_types_that_spark_or_duckdb_misread() {
        for t in Table::ALL {
            for field in t.schema().fields() {
                let dt = field.data_type().to_string();
                assert!(
                    !dt.contains("UInt") && !dt.contains("Nanosecond") && !dt.contains("View"),
                    "{t}.{}: {dt}",
                    field.name()
                );
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for t in Table::ALL {
            assert_eq!(Table::from_name(t.name()).unwrap(), *t);
        }
        assert!(matches!(
            Table::from_name("flows"),
            Err(crate::Error::UnknownTable(_))
        ));
    }
}
