//! Predecessor and successor links between entities (schema v4): the curated data's links,
//! what `validate` checks of them, and a store written before v4.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use arrow_array::Array;
use steppe::curated::Curated;
use steppe::model::Entity;
use steppe::{Store, Table};

mod common;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

fn curated() -> Curated {
    Curated::read(&data_dir()).unwrap()
}

fn by_id(entities: &[Entity]) -> HashMap<&str, &Entity> {
    entities.iter().map(|e| (e.entity_id.as_str(), e)).collect()
}

fn ids(list: &Option<Vec<String>>) -> Vec<&str> {
    list.iter().flatten().map(String::as_str).collect()
}

#[test]
fn the_curated_links_are_sourced_and_each_others_inverse() {
    let c = curated();
    let e = by_id(&c.entities);
    let sun = ids(&e["SUN"].successor_ids);
    for part in ["TJK", "KAZ", "KGZ", "TKM", "UZB", "RUS"] {
        assert!(sun.contains(&part), "SUN -> {part}: {sun:?}");
    }
    assert_eq!(
        sun.len(),
        13,
        "ISO 3166-3 lists 13 (BLR, UKR coded before): {sun:?}"
    );
    assert_eq!(ids(&e["TJK"].predecessor_ids), ["SUN"]);
    assert_eq!(ids(&e["YEM"].predecessor_ids), ["YAR", "YMD"]);
    assert_eq!(ids(&e["CSK"].successor_ids), ["CZE", "SVK"]);
    assert_eq!(ids(&e["YUG"].successor_ids), ["SCG"]);
    assert_eq!(ids(&e["SCG"].successor_ids), ["MNE", "SRB"]);
    assert_eq!(ids(&e["RVN"].successor_ids), ["VNM"]);
    assert_eq!(ids(&e["VNM"].predecessor_ids), ["RVN", "VDR"]);
    assert_eq!(e["XKX"].predecessor_ids, None, "no source read states one");
    assert_eq!(e["FRA"].successor_ids, None);

    let sources: Vec<&str> = c.sources.iter().map(|s| s.source_id.as_str()).collect();
    for entity in &c.entities {
        let locator = entity.source_locator.as_deref().unwrap_or("");
        for (field, list) in [
            ("successors", &entity.successor_ids),
            ("predecessors", &entity.predecessor_ids),
        ] {
            for other in list.iter().flatten() {
                let linked = e
                    .get(other.as_str())
                    .unwrap_or_else(|| panic!("{} -> {other}: no such entity", entity.entity_id));
                let back = if field == "successors" {
                    &linked.predecessor_ids
                } else {
                    &linked.successor_ids
                };
                assert!(
                    ids(back).contains(&entity.entity_id.as_str()),
                    "{} {field} {other}: not mirrored",
                    entity.entity_id
                );
                let cited = locator
                    .split(" | ")
                    .find_map(|part| part.strip_prefix(&format!("{field}: ")))
                    .unwrap_or_else(|| panic!("{}: no `{field}:` citation", entity.entity_id));
                assert!(
                    cited.contains(other.as_str()),
                    "{}: {cited}",
                    entity.entity_id
                );
                assert!(
                    sources.iter().any(|s| cited.contains(&format!(": {s} "))),
                    "{}'s {field} cite no known source: {cited}",
                    entity.entity_id
                );
            }
        }
    }
}

#[test]
fn validate_reports_one_sided_links_and_unknown_targets() {
    let mut c = curated();
    for e in &mut c.entities {
        match e.entity_id.as_str() {
            // TJK forgets its predecessor; SUN gains a successor that is no entity.
            "TJK" => e.predecessor_ids = None,
            "SUN" => e.successor_ids.as_mut().unwrap().push("ZZZ".into()),
            _ => {}
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let store = c.write_store(&dir.path().join("store")).unwrap();
    let report = steppe::validate(&store).unwrap();
    let found = |field: &str, text: &str| {
        report.problems.iter().any(|p| {
            p.table == "entities"
                && p.row_key == "SUN"
                && p.field == field
                && p.message.contains(text)
        })
    };
    assert!(
        found("successor_ids", "`ZZZ` is not a entities.entity_id"),
        "{:#?}",
        report.problems
    );
    assert!(
        found("successor_ids", "TJK does not list SUN"),
        "{:#?}",
        report.problems
    );
    assert_eq!(report.problems.len(), 3, "{:#?}", report.problems);
}

/// A v3 store reads the link columns as null, validates, and records version 4 (with the
/// links) once its entities are rewritten.
#[test]
fn a_store_written_before_the_links_reads_them_as_null_and_upgrades() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let c = curated();
    c.write_store(&out).unwrap();
    common::make_table_predate(&out, "entities", &["predecessor_ids", "successor_ids"], 3);

    let old = Store::open(&out).unwrap();
    assert_eq!(old.descriptor().steppe.schema_version, 3);
    let report = steppe::validate(&old).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    let table = old.read_all(Table::Entities).unwrap().concat().unwrap();
    assert_eq!(table.num_rows(), c.entities.len());
    for column in ["predecessor_ids", "successor_ids"] {
        let col = table.column_by_name(column).unwrap();
        assert_eq!(
            col.null_count(),
            table.num_rows(),
            "{column}: absent, so null"
        );
    }
    let entities: Vec<Entity> = old.records().unwrap();
    assert_eq!(by_id(&entities)["SUN"].successor_ids, None);

    let mut tx = old.begin().unwrap();
    tx.replace_table(Table::Entities);
    tx.write_records(&c.entities).unwrap();
    tx.commit().unwrap();
    let new = Store::open(&out).unwrap();
    assert_eq!(
        new.descriptor().steppe.schema_version,
        steppe::SCHEMA_VERSION
    );
    let fields: Vec<&str> = new
        .descriptor()
        .resource(Table::Entities)
        .unwrap()
        .schema
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert!(
        fields.contains(&"successor_ids"),
        "the descriptor describes v4: {fields:?}"
    );
    assert!(steppe::validate(&new).unwrap().is_ok());
    let entities: Vec<Entity> = new.records().unwrap();
    assert!(ids(&by_id(&entities)["SUN"].successor_ids).contains(&"TJK"));
}

/// The bundled store carries the curated links (rebuild it after changing data/).
#[test]
fn the_bundled_store_carries_the_links() {
    let store = steppe::bundled::store().unwrap();
    let entities: Vec<Entity> = store.records().unwrap();
    let e = by_id(&entities);
    assert!(ids(&e["SUN"].successor_ids).contains(&"TJK"));
    assert_eq!(ids(&e["TJK"].predecessor_ids), ["SUN"]);
    assert_eq!(ids(&e["YEM"].predecessor_ids), ["YAR", "YMD"]);
    for c in curated().entities {
        let b = e[c.entity_id.as_str()];
        let links = |x: &Entity| (x.predecessor_ids.clone(), x.successor_ids.clone());
        assert_eq!(
            links(b),
            links(&c),
            "{}: bundle rebuilt from data/",
            c.entity_id
        );
    }
}
