//! Damaged stores: truncated and corrupted Parquet files and descriptors, wrong checksums,
//! descriptors naming paths outside the store and links out of it are reported, never
//! silently used; imports write nothing outside the store. (Hostile input files are in
//! `hostile.rs`.)

mod common;
mod hostile_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::copy_dir;
use hostile_support::{template, COUNTRIES};
use steppe::import::{self, ImportOptions};
use steppe::store::{gc, DESCRIPTOR_FILE};
use steppe::{Error, Store, Table};

/// A small store with data in a partitioned and an unpartitioned table.
fn store_with_data() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    copy_dir(template(), &store);
    let input = dir.path().join("BACI_HS92_Y2023_V202501.csv");
    std::fs::write(
        &input,
        "t,i,j,k,v,q\n2023,762,860,010121,1.5,2\n2023,762,x,1,1,1\n",
    )
    .unwrap();
    let countries = dir.path().join("c.csv");
    std::fs::write(&countries, COUNTRIES).unwrap();
    import::baci::import_baci(
        &[input],
        &countries,
        None,
        &store,
        &ImportOptions::default(),
    )
    .unwrap();
    (dir, store)
}

fn files_of(store: &Path, table: Table) -> Vec<String> {
    Store::open(store)
        .unwrap()
        .descriptor()
        .resource(table)
        .unwrap()
        .steppe
        .files
        .iter()
        .map(|f| f.path.clone())
        .collect()
}

/// The store's trade-flow file: its path in the descriptor, on disk, and its bytes.
fn flows_file(store: &Path) -> (String, PathBuf, Vec<u8>) {
    let flows = files_of(store, Table::TradeFlows)[0].clone();
    let path = store.join(&flows);
    let good = std::fs::read(&path).unwrap();
    (flows, path, good)
}

/// Reads every table; returns the errors. Never panics.
fn read_everything(store: &Path) -> Vec<Error> {
    let s = match Store::open(store) {
        Ok(s) => s,
        Err(e) => return vec![e],
    };
    Table::ALL
        .iter()
        .filter_map(|t| s.read_all(*t).err())
        .collect()
}

/// Truncated Parquet files are errors naming the file; corrupted bytes of the same size are
/// checksum problems validation reports with the file.
#[test]
fn damaged_parquet_files_are_reported_never_silently_used() {
    let mut tried = 0;
    let (_dir, store) = store_with_data();
    let (flows, path, good) = flows_file(&store);
    // Truncated Parquet files: every cut is an error naming the file.
    for cut in [
        0,
        4,
        8,
        good.len() / 3,
        good.len() / 2,
        good.len() - 8,
        good.len() - 1,
    ] {
        tried += 1;
        std::fs::write(&path, &good[..cut]).unwrap();
        let s = Store::open(&store).unwrap();
        let e = s.read_all(Table::TradeFlows).unwrap_err();
        assert!(e.to_string().contains(&flows), "cut {cut}: {e}");
        let v = steppe::validate(&s).unwrap();
        assert!(!v.is_ok(), "cut {cut}: validation passed");
    }
    // Corrupted bytes of the same size: the checksum no longer matches, which validation
    // reports with the file (reading may fail, or decode values the checksum disowns).
    for at in [
        0,
        4,
        good.len() / 4,
        good.len() / 2,
        good.len() - 12,
        good.len() - 5,
    ] {
        tried += 1;
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        std::fs::write(&path, &bad).unwrap();
        let s = Store::open(&store).unwrap();
        let _ = s.read_all(Table::TradeFlows);
        let v = steppe::validate(&s).unwrap();
        assert!(
            v.problems
                .iter()
                .any(|p| p.field == "sha256" && p.row_key == flows),
            "byte {at}: {:#?}",
            v.problems
        );
    }
    std::fs::write(&path, &good).unwrap();
    assert!(read_everything(&store).is_empty());
    println!("damaged files: {tried} tried");
}

/// Truncated and corrupted descriptors are store errors naming the descriptor; no writer
/// touches such a store.
#[test]
fn damaged_descriptors_are_refused_by_readers_and_writers() {
    let mut tried = 0;
    let (_dir, store) = store_with_data();
    let desc_path = store.join(DESCRIPTOR_FILE);
    let desc = std::fs::read(&desc_path).unwrap();
    for bad in [
        desc[..desc.len() / 2].to_vec(),
        Vec::new(),
        b"null".to_vec(),
        b"[]".to_vec(),
        vec![0xff; 100],
        String::from_utf8(desc.clone())
            .unwrap()
            .replace("\"rows\": ", "\"rows\": -")
            .into_bytes(),
        String::from_utf8(desc.clone())
            .unwrap()
            .replace(
                &format!("\"schema_version\": {}", steppe::SCHEMA_VERSION),
                "\"schema_version\": 99",
            )
            .into_bytes(),
    ] {
        tried += 1;
        std::fs::write(&desc_path, &bad).unwrap();
        match Store::open(&store) {
            Err(Error::Store { path, .. }) => assert!(path.ends_with(DESCRIPTOR_FILE)),
            other => panic!("expected a store error, got {:?}", other.map(|_| ())),
        }
        // A writer refuses it too: nothing is written.
        assert!(steppe::store::gc(&store).is_err());
    }
    std::fs::write(&desc_path, &desc).unwrap();
    assert!(read_everything(&store).is_empty());
    println!("damaged descriptors: {tried} tried");
}

/// Descriptors naming paths outside the store, or tables that do not exist, are refused.
#[test]
fn descriptors_naming_paths_outside_the_store_are_refused() {
    let mut tried = 0;
    let (_dir, store) = store_with_data();
    let (flows, _, good) = flows_file(&store);
    let desc_path = store.join(DESCRIPTOR_FILE);
    let desc = std::fs::read(&desc_path).unwrap();
    let text = String::from_utf8(desc.clone()).unwrap();
    let outside = store.parent().unwrap().join("outside.parquet");
    std::fs::write(&outside, &good).unwrap();
    for (what, hostile) in [
        ("parent path", text.replace(&flows, "../outside.parquet")),
        (
            "nested parent path",
            text.replace(&flows, "trade_flows/../../outside.parquet"),
        ),
        (
            "absolute path",
            text.replace(&flows, &outside.display().to_string()),
        ),
        ("backslash", text.replace(&flows, "trade_flows\\..\\..\\x")),
        (
            "another table's directory",
            text.replace(&flows, "entities/part-g000001-00000.parquet"),
        ),
        (
            "partition directory with ..",
            text.replace("year=2023", ".."),
        ),
        (
            "table name with ..",
            text.replace("\"name\": \"trade_flows\"", "\"name\": \"../trade_flows\""),
        ),
        (
            "table name with /",
            text.replace(
                "\"name\": \"trade_flows\"",
                "\"name\": \"/tmp/trade_flows\"",
            ),
        ),
    ] {
        tried += 1;
        assert_ne!(hostile, text, "{what}: the replacement did nothing");
        std::fs::write(&desc_path, &hostile).unwrap();
        match Store::open(&store) {
            Err(Error::Store { .. }) => {}
            Ok(_) => panic!("{what}: a hostile descriptor was accepted"),
            Err(e) => panic!("{what}: {e}"),
        }
        assert!(gc(&store).is_err(), "{what}");
    }
    std::fs::write(&desc_path, &desc).unwrap();
    assert!(outside.exists());
    assert!(read_everything(&store).is_empty());
    println!("hostile descriptors: {tried} tried");
}

/// A symbolic link inside the store pointing outside it is not followed.
#[cfg(unix)]
#[test]
fn a_link_out_of_the_store_is_not_followed() {
    let (_dir, store) = store_with_data();
    let (_, path, good) = flows_file(&store);
    let outside = store.parent().unwrap().join("outside.parquet");
    std::fs::write(&outside, &good).unwrap();
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&outside, &path).unwrap();
    let s = Store::open(&store).unwrap();
    let e = s.read_all(Table::TradeFlows).unwrap_err();
    assert!(e.to_string().contains("link"), "{e}");
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, &good).unwrap();
    assert!(read_everything(&store).is_empty());
    assert!(steppe::validate(&Store::open(&store).unwrap())
        .unwrap()
        .is_ok());
}

/// Every file an import writes is inside the store: the directory tree outside it is as it was.
#[test]
fn imports_write_nothing_outside_the_store() {
    let (dir, _store) = store_with_data();
    let mut names = BTreeSet::new();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        names.insert(e.unwrap().file_name().to_string_lossy().into_owned());
    }
    assert_eq!(
        names,
        ["BACI_HS92_Y2023_V202501.csv", "c.csv", "store"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}

/// Found by the `parquet` fuzz target: the parquet and arrow-ipc crates panicked on malformed
/// files (an unknown type in the embedded Arrow schema, a negative column offset). The store
/// now reports such a file as unreadable.
#[test]
fn parquet_files_that_made_the_reader_panic_are_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/parquet");
    let work = tempfile::tempdir().unwrap();
    let ws = steppe::fuzzing::Workspace::new(work.path()).unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        assert_eq!(ws.run("parquet", &bytes), steppe::fuzzing::Outcome::Refused);
        n += 1;
    }
    assert!(n >= 2);
}
