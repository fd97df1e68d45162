//! Byte-level entry points for the fuzz targets in `fuzz/` and for the test that replays their
//! corpus on stable Rust (`crates/steppe/tests/fuzz_corpus.rs`). Not part of the API.
//!
//! Each target takes arbitrary bytes and runs them through a real code path: an importer
//! (the bytes are the input file, imported into a copy of a seeded store), the archive
//! reader, the descriptor reader or the Parquet reading path. Errors are expected; what the
//! targets check is that nothing panics and that the store's guarantees hold whatever the
//! input: a successful import leaves a store that validates with every row accounted for, a
//! failed one leaves the store as it was, and nothing is written outside the work directory.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::import::{self, ImportOptions, ImportReport, InputFile};
use crate::schema::Table;
use crate::store::{Descriptor, FileEntry, DESCRIPTOR_FILE};
use crate::{Error, Result, Store};

/// The fuzz targets, by name (one directory each under `fuzz/corpus/`).
pub const TARGETS: &[&str] = &[
    "baci",
    "comtrade",
    "wdi",
    "gdelt",
    "ucdp",
    "acled",
    "archive",
    "descriptor",
    "parquet",
];

/// The country file the `baci` target imports its data against.
pub const BACI_COUNTRIES: &str = "\
country_code,country_name,country_iso2,country_iso3
4,Afghanistan,AF,AFG
251,France,FR,FRA
398,Kazakhstan,KZ,KAZ
490,\"Other Asia, nes\",N/A,N/A
516,Namibia,,NAM
762,Tajikistan,TJ,TJK
842,USA,US,USA
860,Uzbekistan,UZ,UZB
";

/// Limit on the expanded size of compressed inputs inside the targets (a bomb must stop here).
pub const MAX_EXPANDED: u64 = 1 << 22;

/// What a target did with one input (for the replay test's tallies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted (an import committed, a store read).
    Ok,
    /// Refused with an error.
    Refused,
}

/// A work directory with a seeded template store, reused across inputs.
pub struct Workspace {
    dir: PathBuf,
    template: PathBuf,
    template_generation: u64,
}

const ENTRIES: &[&str] = &["template", "store", "input", "desc", "countries.csv"];

impl Workspace {
    /// Prepares `dir` (which should be empty and private to the caller).
    pub fn new(dir: &Path) -> Result<Workspace> {
        let template = dir.join("template");
        if !template.join(DESCRIPTOR_FILE).exists() {
            let store = Store::open_or_create(&template)?;
            let mut tx = store.begin()?;
            import::seed_reference(&mut tx)?;
            tx.commit()?;
        }
        let template_generation = Store::open(&template)?.descriptor().steppe.generation;
        std::fs::write(dir.join("countries.csv"), BACI_COUNTRIES).map_err(|e| Error::io(dir, e))?;
        Ok(Workspace {
            dir: dir.to_path_buf(),
            template,
            template_generation,
        })
    }

    /// Runs `data` through the target `name`. Panics when a guarantee is broken.
    pub fn run(&self, name: &str, data: &[u8]) -> Outcome {
        let outcome = match name {
            "baci" | "comtrade" | "wdi" | "gdelt" | "ucdp" | "acled" => self.import(name, data),
            "archive" => self.archive(data),
            "descriptor" => self.descriptor(data),
            "parquet" => self.parquet(data),
            other => panic!("unknown fuzz target {other}"),
        };
        // Nothing appears next to the work directory's own entries.
        let entries = std::fs::read_dir(&self.dir).expect("work dir");
        for e in entries {
            let name = e.expect("entry").file_name().to_string_lossy().into_owned();
            assert!(
                ENTRIES.contains(&name.as_str()),
                "{name} was written outside the store"
            );
        }
        outcome
    }

    fn fresh_store(&self) -> PathBuf {
        let store = self.dir.join("store");
        let _ = std::fs::remove_dir_all(&store);
        copy_dir(&self.template, &store).expect("copy the template store");
        store
    }

    fn input(&self, name: &str, data: &[u8]) -> PathBuf {
        let dir = self.dir.join("input");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("input dir");
        let p = dir.join(name);
        std::fs::write(&p, data).expect("write input");
        p
    }

    fn import(&self, importer: &str, data: &[u8]) -> Outcome {
        let store = self.fresh_store();
        let options = ImportOptions {
            max_expanded_bytes: MAX_EXPANDED,
            // The reject threshold has tests of its own; here every import must commit.
            max_reject_rate: 1.0,
            ..Default::default()
        };
        let file_name = match importer {
            "baci" => "BACI_HS92_Y2023_V202501.csv",
            "gdelt" => "20240101.export.CSV",
            other => &format!("{other}.csv"),
        };
        let files = [self.input(file_name, data)];
        let result = match importer {
            "baci" => import::baci::import_baci(
                &files,
                &self.dir.join("countries.csv"),
                None,
                &store,
                &options,
            ),
            "comtrade" => import::comtrade::import_comtrade(&files, &store, &options),
            "wdi" => import::wdi::import(&files, &store, &Default::default(), &options),
            "gdelt" => import::gdelt::import(&files, &store, &Default::default(), &options),
            "ucdp" => import::ucdp::import(&files, &store, &options),
            "acled" => import::acled::import(&files, &store, &options),
            _ => unreachable!(),
        };
        match result {
            Ok(report) => {
                check_accounting(&report);
                let s = Store::open(&store).expect("the store opens after an import");
                let v = crate::validate(&s).expect("validation runs");
                assert!(
                    v.is_ok(),
                    "{importer}: an import committed a store that does not validate: {:#?}",
                    v.problems
                );
                // Every row read is in the store: accepted rows in the main table, rejected
                // ones in `rejects`.
                let rejected: u64 = report.files.iter().map(|f| f.rows_rejected).sum();
                assert_eq!(
                    s.row_count(Table::Rejects),
                    rejected,
                    "{importer}: rejects lost"
                );
                Outcome::Ok
            }
            Err(e) => {
                check_error(&e);
                let s = Store::open(&store).expect("the store opens after a failed import");
                assert_eq!(
                    s.descriptor().steppe.generation,
                    self.template_generation,
                    "{importer}: a failed import changed the store ({e})"
                );
                Outcome::Refused
            }
        }
    }

    fn archive(&self, data: &[u8]) -> Outcome {
        let mut outcome = Outcome::Refused;
        for name in ["data.zip", "data.csv.gz"] {
            let p = self.input(name, data);
            let f = InputFile::inspect(&p).expect("inspect");
            let Ok(mut r) = f.open(".csv", MAX_EXPANDED) else {
                continue;
            };
            let mut out = Vec::new();
            let res = r.read_to_end(&mut out);
            assert!(
                out.len() as u64 <= MAX_EXPANDED,
                "{name}: expanded to {} bytes past the limit",
                out.len()
            );
            if res.is_ok() {
                outcome = Outcome::Ok;
            }
        }
        outcome
    }

    fn descriptor(&self, data: &[u8]) -> Outcome {
        let dir = self.dir.join("desc");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("desc dir");
        std::fs::write(dir.join(DESCRIPTOR_FILE), data).expect("write descriptor");
        let store = match Store::open(&dir) {
            Ok(s) => s,
            Err(e) => {
                check_error(&e);
                return Outcome::Refused;
            }
        };
        for t in Table::ALL {
            let _ = store.read_all(*t);
        }
        let _ = crate::validate(&store);
        let _ = crate::store::gc(&dir);
        // A writer starting from a hostile descriptor: its commit writes only inside `dir`.
        if let Ok(mut tx) = store.begin() {
            let _ = tx.replace_source(Table::Sources, "x");
            tx.replace_table(Table::Events);
            let _ = tx.commit();
        }
        Outcome::Ok
    }

    fn parquet(&self, data: &[u8]) -> Outcome {
        let Some((&selector, bytes)) = data.split_first() else {
            return Outcome::Refused;
        };
        let table = Table::ALL[selector as usize % Table::ALL.len()];
        let dir = self.dir.join("desc");
        let _ = std::fs::remove_dir_all(&dir);
        let mut partition = BTreeMap::new();
        let mut rel = table.name().to_string();
        if let [column] = table.spec().partition_by {
            partition.insert(column.to_string(), Some(2023));
            rel.push_str(&format!("/{column}=2023"));
        }
        std::fs::create_dir_all(dir.join(&rel)).expect("table dir");
        rel.push_str("/part-g000001-00000.parquet");
        std::fs::write(dir.join(&rel), bytes).expect("write parquet");
        let mut desc = Descriptor::empty("fuzz");
        let r = desc.resource_mut(table);
        r.steppe.files.push(FileEntry {
            path: rel,
            rows: 0,
            bytes: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
            partition,
        });
        r.refresh();
        desc.steppe.generation = 1;
        std::fs::write(
            dir.join(DESCRIPTOR_FILE),
            serde_json::to_vec(&desc).expect("serialise"),
        )
        .expect("write descriptor");
        let store = Store::open(&dir).expect("a descriptor steppe wrote opens");
        let outcome = match store.read_all(table) {
            Ok(data) => {
                assert_eq!(data.schema, table.schema());
                Outcome::Ok
            }
            Err(e) => {
                check_error(&e);
                Outcome::Refused
            }
        };
        let _ = crate::validate(&store);
        outcome
    }
}

/// Every input row is accepted, rejected or skipped.
fn check_accounting(report: &ImportReport) {
    for f in &report.files {
        let skipped: u64 = f.rows_skipped.values().sum();
        assert_eq!(
            f.rows_read,
            f.rows_accepted + f.rows_rejected + skipped,
            "{}: rows lost in the accounting: {f:?}",
            f.file
        );
    }
}

/// Errors about bad input say which file.
fn check_error(e: &Error) {
    if let Error::Format { location, .. } = e {
        assert!(
            location.path.is_some(),
            "a format error without a file: {e}"
        );
    }
    let _ = e.to_string();
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}
