//! Store behaviour: every table round-trips through Parquet, appends keep what was there,
//! commits are atomic (also when the writing process dies), gc removes orphans and the write
//! lock keeps a second writer out. Reading damaged stores, validation and pruning are in
//! `store_reading.rs`.

mod store_sample;

use std::path::Path;
use std::process::Command;

use steppe::model::*;
use steppe::store::{gc, DESCRIPTOR_FILE};
use steppe::{Error, Filter, Predicate, ReadOptions, Store, Table};
use store_sample::*;

#[test]
fn every_table_round_trips_through_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.records::<Source>().unwrap(), s.sources);
    assert_eq!(store.records::<Entity>().unwrap(), s.entities);
    assert_eq!(store.records::<EntityCode>().unwrap(), s.codes);
    assert_eq!(store.records::<Organisation>().unwrap(), s.orgs);
    assert_eq!(store.records::<Membership>().unwrap(), s.members);
    let key = |f: &TradeFlow| (f.year, f.reporter_id.clone());
    assert_eq!(
        sorted(&store.records::<TradeFlow>().unwrap(), key),
        sorted(&s.flows, key)
    );
    assert_eq!(store.records::<Indicator>().unwrap(), s.indicators);
    assert_eq!(store.records::<IndicatorObservation>().unwrap(), s.obs);
    let ekey = |e: &Event| e.event_id.clone();
    assert_eq!(
        sorted(&store.records::<Event>().unwrap(), ekey),
        sorted(&s.events, ekey)
    );
    assert_eq!(store.records::<EventActor>().unwrap(), s.actors);
    assert_eq!(store.records::<Claim>().unwrap(), s.claims);
    assert_eq!(store.records::<Reject>().unwrap(), s.rejects);
    // Arrow types are the declared schema, dictionaries included.
    for t in Table::ALL {
        let data = store.read_all(*t).unwrap();
        for b in &data.batches {
            assert_eq!(b.schema().fields(), t.schema().fields(), "{t}");
        }
    }
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
}

#[test]
fn hive_layout_and_descriptor_are_what_other_tools_expect() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    assert!(dir.path().join("trade_flows/year=2022").is_dir());
    assert!(dir.path().join("trade_flows/year=2023").is_dir());
    assert!(dir
        .path()
        .join("events/year=__HIVE_DEFAULT_PARTITION__")
        .is_dir());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(DESCRIPTOR_FILE)).unwrap()).unwrap();
    assert_eq!(json["profile"], "data-package");
    let flows = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "trade_flows")
        .unwrap();
    assert_eq!(flows["format"], "parquet");
    assert_eq!(flows["steppe"]["rows"], 3);
    // `path` is the table's folder (Frictionless reads it whole); the files are listed under
    // `steppe.files`.
    assert_eq!(flows["path"], serde_json::json!(["trade_flows"]));
    assert_eq!(flows["steppe"]["files"].as_array().unwrap().len(), 2);
    // The files' schema has no partition column (nor do the columns Frictionless is told to
    // read from the folder); steppe's key includes it.
    let fields = flows["schema"]["fields"].as_array().unwrap();
    assert!(fields.iter().all(|f| f["name"] != "year"));
    let columns = flows["dialect"]["parquet"]["columns"].as_array().unwrap();
    assert_eq!(columns.len(), fields.len());
    assert!(columns.iter().zip(fields).all(|(c, f)| *c == f["name"]));
    assert!(flows["schema"].get("primaryKey").is_none());
    let key = flows["steppe"]["primary_key"].as_array().unwrap();
    assert!(key.iter().any(|k| k == "reporter_id") && key.iter().any(|k| k == "year"));
    assert_eq!(flows["steppe"]["partition_fields"][0]["name"], "year");
    let entities = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "entities")
        .unwrap();
    assert_eq!(
        entities["schema"]["primaryKey"],
        serde_json::json!(["entity_id"])
    );
    assert!(flows["schema"]["foreignKeys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["reference"]["resource"] == "entities"));
    for f in flows["steppe"]["files"].as_array().unwrap() {
        let bytes = std::fs::read(dir.path().join(f["path"].as_str().unwrap())).unwrap();
        use sha2::Digest;
        assert_eq!(f["sha256"], hex::encode(sha2::Sha256::digest(&bytes)));
    }
    // The partition column lives in the directory name, not in the files.
    let file = flows["steppe"]["files"][0]["path"].as_str().unwrap();
    let reader = parquet::file::reader::SerializedFileReader::new(
        std::fs::File::open(dir.path().join(file)).unwrap(),
    )
    .unwrap();
    use parquet::file::reader::FileReader;
    let cols: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert!(!cols.contains(&"year".to_string()));
    assert!(json["licenses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["name"] == "CC-BY-4.0"));
}

#[test]
fn filters_prune_partitions_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let opts = ReadOptions {
        filter: Filter::all()
            .and(Predicate::range("year", Some(2023), Some(2023)))
            .and(Predicate::is_in("reporter_id", ["RUS"])),
        columns: Some(vec!["year".into(), "value".into()]),
    };
    let data = store.read(Table::TradeFlows, &opts).unwrap();
    assert_eq!(data.num_rows(), 1);
    assert_eq!(data.schema.fields().len(), 2);
    let rows: Vec<TradeFlow> = store.records().unwrap();
    assert_eq!(rows.len(), 3);
}

#[test]
fn appending_keeps_what_was_there() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let gen = store.descriptor().steppe.generation;
    let mut tx = store.begin().unwrap();
    tx.write_records(&[flow(2024, "TJK", "RUS", 5.0)]).unwrap();
    let info = tx.commit().unwrap();
    assert_eq!(info.rows_added["trade_flows"], 1);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.descriptor().steppe.generation, gen + 1);
    assert_eq!(store.records::<TradeFlow>().unwrap().len(), 4);
    assert_eq!(store.records::<Entity>().unwrap().len(), 2);
}

#[test]
fn an_uncommitted_transaction_leaves_the_old_version_and_no_files() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let before = std::fs::read(dir.path().join(DESCRIPTOR_FILE)).unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        let mut tx = store.begin().unwrap();
        tx.write_records(&[flow(2030, "TJK", "RUS", 5.0)]).unwrap();
        // Dropped here without commit (an error part-way through an import).
    }
    assert_eq!(
        std::fs::read(dir.path().join(DESCRIPTOR_FILE)).unwrap(),
        before
    );
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.records::<TradeFlow>().unwrap().len(), 3);
    assert!(std::fs::read_dir(dir.path().join("trade_flows/year=2030"))
        .map(|mut d| d.next().is_none())
        .unwrap_or(true));
}

/// Files being written live in `_staging/`, never in a table folder: a reader globbing the
/// folders (DuckDB, polars, Spark) sees only whole files. A commit moves them in; a dropped
/// transaction removes them and the staging directory.
#[test]
fn files_being_written_are_outside_the_table_folders_until_the_commit() {
    fn files_under(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if e.path().is_dir() {
                    out.extend(files_under(&e.path()));
                } else {
                    out.push(e.path().display().to_string());
                }
            }
        }
        out.sort();
        out
    }
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let flows = dir.path().join("trade_flows");
    let before = files_under(&flows);
    let store = Store::open(dir.path()).unwrap();
    let mut tx = store.begin().unwrap();
    tx.write_records(&[flow(2030, "TJK", "RUS", 5.0)]).unwrap();
    tx.close_open_files().unwrap();
    tx.write_records(&[flow(2031, "TJK", "RUS", 6.0)]).unwrap();
    assert_eq!(
        files_under(&flows),
        before,
        "a file appeared while being written"
    );
    let staged = files_under(&dir.path().join("_staging"));
    assert_eq!(staged.len(), 2, "{staged:?}");
    assert!(staged.iter().all(|f| f.ends_with(".parquet")), "{staged:?}");
    drop(tx);
    assert_eq!(files_under(&flows), before);
    assert!(!dir.path().join("_staging").exists());

    let mut tx = store.begin().unwrap();
    tx.write_records(&[flow(2030, "TJK", "RUS", 5.0)]).unwrap();
    tx.commit().unwrap();
    let after = files_under(&flows);
    assert_eq!(after.len(), before.len() + 1);
    assert!(
        after.iter().any(|f| f.contains("year=2030/part-g")),
        "{after:?}"
    );
    assert!(!dir.path().join("_staging").exists());
    let store = Store::open(dir.path()).unwrap();
    assert!(steppe::validate(&store).unwrap().is_ok());
    assert_eq!(store.records::<TradeFlow>().unwrap().len(), 4);
}

/// A Parquet file in a table folder that the descriptor does not list (what a glob reader
/// would read besides the store's version) is a validation problem naming it; gc removes it,
/// and everything left in `_staging/`.
#[test]
fn validate_reports_unlisted_files_and_gc_removes_them() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let listed = store
        .descriptor()
        .resource(Table::TradeFlows)
        .unwrap()
        .steppe
        .files[0]
        .path
        .clone();
    let partition = Path::new(&listed)
        .parent()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let stray = format!("{partition}/part-g000099-00000.parquet");
    std::fs::copy(dir.path().join(&listed), dir.path().join(&stray)).unwrap();
    std::fs::create_dir_all(dir.path().join("_staging")).unwrap();
    std::fs::write(
        dir.path().join("_staging/part-g000099-00001.parquet"),
        b"PAR1 torn",
    )
    .unwrap();
    // A file that is not Parquet is not a data file: neither reported nor removed.
    std::fs::write(dir.path().join(&partition).join("README.txt"), b"notes").unwrap();

    let report = steppe::validate(&store).unwrap();
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    let p = &report.problems[0];
    assert_eq!(
        (p.table.as_str(), p.row_key.as_str(), p.field.as_str()),
        ("trade_flows", stray.as_str(), "file")
    );
    assert!(p.message.contains("not listed in datapackage.json"), "{p}");
    assert!(p.message.contains("steppe gc"), "{p}");
    // The rows checks still ran: the unlisted file stops nothing else.
    assert!(report
        .rows_checked
        .iter()
        .any(|(t, n)| t == "trade_flows" && *n == 3));

    let removed = gc(dir.path()).unwrap();
    assert_eq!(
        removed.removed,
        vec![
            stray.clone(),
            "_staging/part-g000099-00001.parquet".to_string()
        ]
    );
    assert!(!dir.path().join(&stray).exists());
    assert!(!dir.path().join("_staging").exists());
    assert!(dir.path().join(&partition).join("README.txt").exists());
    assert!(steppe::validate(&store).unwrap().is_ok());
    assert_eq!(store.records::<TradeFlow>().unwrap().len(), 3);
}

#[test]
fn a_second_writer_is_refused_while_one_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let tx = store.begin().unwrap();
    match store.begin() {
        Err(Error::Locked { path }) => assert_eq!(path, dir.path()),
        other => panic!("expected Locked, got {:?}", other.map(|_| ())),
    }
    drop(tx);
    store.begin().unwrap();
}

/// Child process of the crash test: writes one trade flow and commits, dying at the point
/// named by STEPPE_CRASH_AT. Run only by `writer_killed_at_each_point_leaves_a_consistent_store`.
#[test]
#[ignore = "run as a child process by the crash test"]
fn crash_child() {
    let Some(root) = std::env::var_os("STEPPE_CRASH_STORE") else {
        return;
    };
    let store = Store::open(&root).unwrap();
    let mut tx = store.begin().unwrap();
    tx.write_records(&[flow(2031, "TJK", "RUS", 7.0)]).unwrap();
    tx.commit().unwrap();
}

#[test]
fn writer_killed_at_each_point_leaves_a_consistent_store() {
    let exe = std::env::current_exe().unwrap();
    // (point, committed, whole files left in the table folders that no descriptor lists)
    for (point, committed, unlisted) in [
        ("after_file_write", false, 0),
        ("after_file_move", false, 1),
        ("before_rename", false, 1),
        ("after_rename", true, 0),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_sample(dir.path());
        let status = Command::new(&exe)
            .args([
                "--exact",
                "crash_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("STEPPE_CRASH_STORE", dir.path())
            .env("STEPPE_CRASH_AT", point)
            .output()
            .unwrap()
            .status;
        assert!(!status.success(), "{point}: the child should have died");
        let store = Store::open(dir.path()).unwrap();
        // Before the move the file is in `_staging/`, which no glob reader of the table
        // folders sees; after it, it is whole, and validate reports it as unlisted.
        let staged = std::fs::read_dir(dir.path().join("_staging")).map_or(0, |d| d.count());
        assert_eq!(staged, usize::from(point == "after_file_write"), "{point}");
        let report = steppe::validate(&store).unwrap();
        assert_eq!(
            report.problems.len(),
            unlisted,
            "{point}: {:#?}",
            report.problems
        );
        for p in &report.problems {
            assert_eq!(p.table, "trade_flows", "{point}");
            assert!(p.row_key.starts_with("trade_flows/year=2031/part-g"), "{p}");
            assert!(p.message.contains("not listed in datapackage.json"), "{p}");
            let bytes = bytes::Bytes::from(std::fs::read(dir.path().join(&p.row_key)).unwrap());
            let whole =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(bytes)
                    .unwrap()
                    .metadata()
                    .file_metadata()
                    .num_rows();
            assert_eq!(whole, 1, "{point}: the unlisted file is whole Parquet");
        }
        let n = store.records::<TradeFlow>().unwrap().len();
        assert_eq!(
            n,
            if committed { 4 } else { 3 },
            "{point}: neither the old nor the new version"
        );
        // Orphans are collected, and an import that did not land can simply be run again.
        let removed = gc(dir.path()).unwrap();
        assert_eq!(
            removed.removed.is_empty(),
            committed,
            "{point}: {:?}",
            removed.removed
        );
        assert!(
            steppe::validate(&store).unwrap().is_ok(),
            "{point}: after gc"
        );
        assert!(
            !dir.path().join("_staging").exists(),
            "{point}: gc left _staging"
        );
        if committed {
            continue;
        }
        let store = Store::open(dir.path()).unwrap();
        let mut tx = store.begin().unwrap();
        tx.write_records(&[flow(2031, "TJK", "RUS", 7.0)]).unwrap();
        tx.commit().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(steppe::validate(&store).unwrap().is_ok());
        assert_eq!(store.records::<TradeFlow>().unwrap().len(), 4);
    }
}
