//! Store validation: file integrity (size, sha256, schema, row counts), data files inside the
//! table folders that the descriptor does not list, primary-key
//! uniqueness, every foreign key, value ranges and crosswalk consistency. The report lists
//! every problem with its table, row key and field.

use std::collections::{HashMap, HashSet};

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use sha2::{Digest, Sha256};

use crate::model::{Entity, EntityCode};
use crate::schema::Table;
use crate::store::{Store, TableData};
use crate::Result;

pub use crate::problem::{Problem, ValidationReport};

/// Validates a store; I/O failures that stop validation are errors, everything else is in the
/// report.
pub fn validate(store: &Store) -> Result<ValidationReport> {
    let mut report = ValidationReport::default();
    check_files(store, &mut report)?;
    let damaged = !report.is_ok();
    check_unlisted_files(store, &mut report)?;
    if damaged {
        // Damaged files: the row checks below would only repeat the same failures.
        return Ok(report);
    }
    let mut data: HashMap<Table, TableData> = HashMap::new();
    for t in Table::ALL {
        let d = store.read_all(*t)?;
        report
            .rows_checked
            .push((t.name().to_string(), d.num_rows() as u64));
        data.insert(*t, d);
    }
    let keys = key_sets(&data);
    for t in Table::ALL {
        let d = &data[t];
        check_primary_key(*t, d, &mut report);
        check_foreign_keys(*t, d, &keys, &mut report);
        check_ranges(*t, d, &mut report);
    }
    check_crosswalk(&data[&Table::EntityCodes], &mut report)?;
    check_entity_links(&data[&Table::Entities], &mut report)?;
    Ok(report)
}

fn check_files(store: &Store, report: &mut ValidationReport) -> Result<()> {
    for resource in &store.descriptor().resources {
        let Ok(table) = Table::from_name(&resource.name) else {
            report.push("datapackage.json", &resource.name, "name", "unknown table");
            continue;
        };
        let declared: u64 = resource.steppe.files.iter().map(|f| f.rows).sum();
        if declared != resource.steppe.rows {
            report.push(
                table.name(),
                "",
                "rows",
                format!(
                    "descriptor says {} rows but its files hold {declared}",
                    resource.steppe.rows
                ),
            );
        }
        for f in &resource.steppe.files {
            report.files_checked += 1;
            let bytes = match store.file_bytes(&f.path) {
                Ok(b) => b,
                Err(e) => {
                    report.push(table.name(), &f.path, "path", e.to_string());
                    continue;
                }
            };
            if bytes.len() as u64 != f.bytes {
                report.push(
                    table.name(),
                    &f.path,
                    "bytes",
                    format!(
                        "file has {} bytes, descriptor says {}",
                        bytes.len(),
                        f.bytes
                    ),
                );
            }
            let sha = hex::encode(Sha256::digest(&bytes));
            if sha != f.sha256 {
                report.push(
                    table.name(),
                    &f.path,
                    "sha256",
                    format!(
                        "checksum {sha} does not match the descriptor's {}",
                        f.sha256
                    ),
                );
                continue;
            }
            // A malformed embedded Arrow schema panics in arrow-ipc: report it as unreadable.
            let opened = std::panic::catch_unwind(|| {
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(bytes)
            })
            .unwrap_or_else(|_| {
                Err(parquet::errors::ParquetError::General(
                    "the Arrow schema it embeds is malformed".into(),
                ))
            });
            match opened {
                Err(e) => report.push(
                    table.name(),
                    &f.path,
                    "file",
                    format!("unreadable Parquet: {e}"),
                ),
                Ok(b) => {
                    let rows = b.metadata().file_metadata().num_rows() as u64;
                    if rows != f.rows {
                        report.push(
                            table.name(),
                            &f.path,
                            "rows",
                            format!("file holds {rows} rows, descriptor says {}", f.rows),
                        );
                    }
                    let spec = table.spec();
                    for field in spec.schema.fields() {
                        if spec.partition_by.contains(&field.name().as_str()) {
                            continue;
                        }
                        match b.schema().field_with_name(field.name()) {
                            // A nullable column added after the file was written (as
                            // `events.conflict_id`) reads as nulls.
                            Err(_) if field.is_nullable() => {}
                            Err(_) => report.push(
                                table.name(),
                                &f.path,
                                field.name(),
                                "column missing from file",
                            ),
                            Ok(ff) if ff.data_type() != field.data_type() => report.push(
                                table.name(),
                                &f.path,
                                field.name(),
                                format!(
                                    "type {} differs from the schema's {}",
                                    ff.data_type(),
                                    field.data_type()
                                ),
                            ),
                            Ok(_) => {}
                        }
                    }
                    check_constant_columns(table, &f.path, b, report);
                }
            }
        }
    }
    Ok(())
}

/// Reports every `.parquet` file inside a table folder that the descriptor does not list:
/// steppe never reads it, but a glob reader of the folder (DuckDB, polars, Spark, pyarrow)
/// does, so the folder no longer holds the store's version. `steppe gc` removes them.
fn check_unlisted_files(store: &Store, report: &mut ValidationReport) -> Result<()> {
    let Some(root) = store.path() else {
        return Ok(()); // the bundled store has no folders
    };
    for (table, _, rel) in crate::store::unlisted_data_files(root, store.descriptor())? {
        report.push(
            table.name(),
            rel,
            "file",
            "not listed in datapackage.json (left by an interrupted write): steppe ignores it, \
             but glob readers of the folder (DuckDB, polars, Spark, pyarrow) read it; \
             `steppe gc` removes it",
        );
    }
    Ok(())
}

/// Checks a file's footer list of constant columns (which readers build from the listed
/// value instead of reading) against the file's rows.
fn check_constant_columns<T: parquet::file::reader::ChunkReader + 'static>(
    table: Table,
    path: &str,
    file: parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder<T>,
    report: &mut ValidationReport,
) {
    use crate::store::constants;
    let listed = constants::listed(file.metadata());
    if listed.is_empty() {
        return;
    }
    let roots: Vec<usize> = listed
        .keys()
        .filter_map(|name| file.schema().index_of(name).ok())
        .collect();
    let mask = parquet::arrow::ProjectionMask::roots(file.parquet_schema(), roots);
    let mut wrong = std::collections::BTreeSet::new();
    let reader = match file.with_projection(mask).build() {
        Ok(r) => r,
        Err(e) => {
            report.push(
                table.name(),
                path,
                "file",
                format!("unreadable Parquet: {e}"),
            );
            return;
        }
    };
    for batch in reader {
        match batch {
            Ok(batch) => wrong.extend(constants::mismatches(&listed, &batch)),
            Err(e) => {
                report.push(
                    table.name(),
                    path,
                    "file",
                    format!("corrupt Parquet data: {e}"),
                );
                return;
            }
        }
    }
    for name in wrong {
        report.push(
            table.name(),
            path,
            &name,
            format!(
                "the file's footer says every row holds {}, but its rows hold other values",
                listed[&name]
            ),
        );
    }
}

/// Column values as strings (nulls as None).
fn strings(col: &ArrayRef) -> Vec<Option<String>> {
    let Ok(c) = arrow_cast::cast(col, &DataType::Utf8) else {
        return vec![None; col.len()];
    };
    c.as_string::<i32>()
        .iter()
        .map(|v| v.map(String::from))
        .collect()
}

fn row_keys(table: Table, batch: &RecordBatch) -> Vec<String> {
    let cols: Vec<Vec<Option<String>>> = table
        .spec()
        .primary_key
        .iter()
        .filter_map(|k| batch.column_by_name(k).map(strings))
        .collect();
    (0..batch.num_rows())
        .map(|i| {
            cols.iter()
                .map(|c| c[i].clone().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

fn check_primary_key(table: Table, data: &TableData, report: &mut ValidationReport) {
    let mut seen: HashSet<String> = HashSet::new();
    for batch in &data.batches {
        for key in row_keys(table, batch) {
            if !seen.insert(key.clone()) {
                let pk = table.spec().primary_key.join(",");
                report.push(table.name(), key, &pk, "duplicate primary key");
            }
        }
    }
}

fn key_sets(data: &HashMap<Table, TableData>) -> HashMap<(Table, String), HashSet<String>> {
    let mut out = HashMap::new();
    let targets = [
        (Table::Entities, "entity_id"),
        (Table::Sources, "source_id"),
        (Table::Organisations, "org_id"),
        (Table::Indicators, "indicator_id"),
        (Table::Events, "event_id"),
    ];
    for (t, col) in targets {
        let mut set = HashSet::new();
        for b in &data[&t].batches {
            if let Some(c) = b.column_by_name(col) {
                set.extend(strings(c).into_iter().flatten());
            }
        }
        out.insert((t, col.to_string()), set);
    }
    out
}

/// An entity id (the items of `conflicts`' entity-id lists).
const ENTITY: &[(Table, &str)] = &[(Table::Entities, "entity_id")];

fn check_foreign_keys(
    table: Table,
    data: &TableData,
    keys: &HashMap<(Table, String), HashSet<String>>,
    report: &mut ValidationReport,
) {
    let spec = table.spec();
    for batch in &data.batches {
        let rk = row_keys(table, batch);
        for fk in &spec.foreign_keys {
            let Some(col) = batch.column_by_name(fk.field) else {
                continue;
            };
            let Some(set) = keys.get(&(fk.table, fk.target.to_string())) else {
                continue;
            };
            for (i, v) in strings(col).into_iter().enumerate() {
                if let Some(v) = v {
                    if !set.contains(&v) {
                        report.push(
                            table.name(),
                            &rk[i],
                            fk.field,
                            format!("`{v}` is not a {}.{}", fk.table.name(), fk.target),
                        );
                    }
                }
            }
        }
        // Polymorphic and list references.
        let checks: &[(&str, &[(Table, &str)])] = match table {
            Table::EventActors => &[(
                "actor_ref",
                &[
                    (Table::Entities, "entity_id"),
                    (Table::Organisations, "org_id"),
                ],
            )],
            Table::Claims => &[
                (
                    "about",
                    &[
                        (Table::Entities, "entity_id"),
                        (Table::Organisations, "org_id"),
                    ],
                ),
                ("cited_source_ids", &[(Table::Sources, "source_id")]),
            ],
            Table::Entities => &[("predecessor_ids", ENTITY), ("successor_ids", ENTITY)],
            Table::Conflicts => &[
                ("location_entity_ids", ENTITY),
                ("side_a_entity_ids", ENTITY),
                ("side_a_2nd_entity_ids", ENTITY),
                ("side_b_entity_ids", ENTITY),
                ("side_b_2nd_entity_ids", ENTITY),
            ],
            _ => &[],
        };
        for (field, targets) in checks {
            let Some(col) = batch.column_by_name(field) else {
                continue;
            };
            let values: Vec<Vec<String>> = match col.data_type() {
                DataType::List(_) => {
                    let list = col.as_list::<i32>();
                    (0..list.len())
                        .map(|i| strings(&list.value(i)).into_iter().flatten().collect())
                        .collect()
                }
                _ => strings(col)
                    .into_iter()
                    .map(|v| v.into_iter().collect())
                    .collect(),
            };
            for (i, vs) in values.iter().enumerate() {
                for v in vs {
                    let found = targets
                        .iter()
                        .any(|(t, c)| keys[&(*t, c.to_string())].contains(v));
                    if !found {
                        let names: Vec<String> = targets
                            .iter()
                            .map(|(t, c)| format!("{}.{c}", t.name()))
                            .collect();
                        report.push(
                            table.name(),
                            &rk[i],
                            field,
                            format!("`{v}` is not a {}", names.join(" or ")),
                        );
                    }
                }
            }
        }
    }
}

fn check_ranges(table: Table, data: &TableData, report: &mut ValidationReport) {
    // (column, min, max): numeric bounds, inclusive.
    let bounds: &[(&str, f64, f64)] = match table {
        Table::TradeFlows => &[
            ("year", 1800.0, 2100.0),
            ("month", 1.0, 12.0),
            ("value", 0.0, f64::MAX),
            ("quantity", 0.0, f64::MAX),
            ("value_precision", 0.0, f64::MAX),
        ],
        Table::IndicatorObservations => &[("year", 1800.0, 2100.0), ("value", f64::MIN, f64::MAX)],
        Table::Events => &[
            ("year", 1800.0, 2100.0),
            ("latitude", -90.0, 90.0),
            ("longitude", -180.0, 180.0),
            ("quad_class", 1.0, 4.0),
            ("goldstein", -10.0, 10.0),
            ("violence_type", 1.0, 3.0),
            ("conflict_id", 1.0, f64::MAX),
            ("fatalities_best", 0.0, f64::MAX),
            ("fatalities_low", 0.0, f64::MAX),
            ("fatalities_high", 0.0, f64::MAX),
            ("num_mentions", 0.0, f64::MAX),
            ("num_sources", 0.0, f64::MAX),
            ("num_articles", 0.0, f64::MAX),
            ("avg_tone", -100.0, 100.0),
        ],
        Table::Sources => &[("byte_size", 0.0, f64::MAX)],
        Table::Rejects => &[("line", 0.0, f64::MAX)],
        Table::Conflicts => &[
            ("year", 1800.0, 2100.0),
            ("start_prec", 1.0, 7.0),
            ("start_prec2", 1.0, 7.0),
            ("ep_end_prec", 1.0, 5.0),
        ],
        _ => &[],
    };
    for batch in &data.batches {
        let rk = row_keys(table, batch);
        for (name, min, max) in bounds {
            let Some(col) = batch.column_by_name(name) else {
                continue;
            };
            let Ok(c) = arrow_cast::cast(col, &DataType::Float64) else {
                continue;
            };
            for (i, v) in c
                .as_primitive::<arrow_array::types::Float64Type>()
                .iter()
                .enumerate()
            {
                if let Some(v) = v {
                    if !v.is_finite() || v < *min || v > *max {
                        report.push(
                            table.name(),
                            &rk[i],
                            name,
                            format!("{v} is out of range [{min}, {max}]"),
                        );
                    }
                }
            }
        }
        // Dates: end after start.
        let pairs: &[(&str, &str)] = match table {
            Table::Events => &[("start_date", "end_date")],
            Table::Entities | Table::EntityCodes | Table::Memberships => {
                &[("valid_from", "valid_to")]
            }
            _ => &[],
        };
        for (a, b) in pairs {
            let (Some(ca), Some(cb)) = (batch.column_by_name(a), batch.column_by_name(b)) else {
                continue;
            };
            let (sa, sb) = (strings(ca), strings(cb));
            for i in 0..batch.num_rows() {
                if let (Some(x), Some(y)) = (&sa[i], &sb[i]) {
                    if y < x {
                        report.push(table.name(), &rk[i], b, format!("{y} is before {a} {x}"));
                    }
                }
            }
        }
    }
}

/// A (scheme, code) may name several entities only over disjoint date ranges.
fn check_crosswalk(data: &TableData, report: &mut ValidationReport) -> Result<()> {
    let codes: Vec<EntityCode> = crate::record::from_batches(&data.batches)?;
    let mut by_key: HashMap<(String, String), Vec<&EntityCode>> = HashMap::new();
    // A name two entities share ("Congo") is kept: the resolver reports it as ambiguous.
    for c in codes
        .iter()
        .filter(|c| c.scheme != crate::model::Scheme::Name)
    {
        by_key
            .entry((
                c.scheme.to_string(),
                crate::codes::normalise(c.scheme, &c.code),
            ))
            .or_default()
            .push(c);
    }
    for ((scheme, code), list) in by_key {
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                if a.entity_id == b.entity_id {
                    continue;
                }
                // Validity intervals are half-open: valid_from <= d < valid_to.
                let starts_before_end =
                    |from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>| matches!((from, to), (Some(f), Some(t)) if f >= t);
                let overlap = !starts_before_end(b.valid_from, a.valid_to)
                    && !starts_before_end(a.valid_from, b.valid_to);
                if overlap {
                    report.push(
                        "entity_codes",
                        format!("{scheme}/{code}"),
                        "valid_from",
                        format!(
                            "names both {} and {} over overlapping dates",
                            a.entity_id, b.entity_id
                        ),
                    );
                }
            }
        }
    }
    Ok(())
}

/// Predecessor and successor links are each other's inverse: B in A's `successor_ids`
/// exactly when A is in B's `predecessor_ids` (a link the other side lacks is reported on
/// the row that has it).
fn check_entity_links(data: &TableData, report: &mut ValidationReport) -> Result<()> {
    let entities: Vec<Entity> = crate::record::from_batches(&data.batches)?;
    let links = |field: fn(&Entity) -> &Option<Vec<String>>| -> HashSet<(String, String)> {
        entities
            .iter()
            .flat_map(|e| {
                field(e)
                    .iter()
                    .flatten()
                    .map(|other| (e.entity_id.clone(), other.clone()))
            })
            .collect()
    };
    let successors = links(|e| &e.successor_ids);
    let predecessors = links(|e| &e.predecessor_ids);
    let mut problems: Vec<(String, &str, String)> = Vec::new();
    for (from, to) in &successors {
        if !predecessors.contains(&(to.clone(), from.clone())) {
            let why = format!("{to} does not list {from} in its predecessor_ids");
            problems.push((from.clone(), "successor_ids", why));
        }
    }
    for (to, from) in &predecessors {
        if !successors.contains(&(from.clone(), to.clone())) {
            let why = format!("{from} does not list {to} in its successor_ids");
            problems.push((to.clone(), "predecessor_ids", why));
        }
    }
    problems.sort();
    for (row, field, why) in problems {
        report.push("entities", row, field, why);
    }
    Ok(())
}
