//! The bundled dataset's build: the curated tables of `data/` plus the publishers' files the
//! manifest (`data/dataset.toml`) pins, each read by steppe's own importer, compiled into one
//! store (what `crates/steppe/bundled/` holds).
//!
//! [`build`] verifies every pinned sha256 first (a mismatch names the file and both hashes),
//! compiles `data/` into a working store, imports each input in the manifest's order (the
//! input's origin filling in its Source), adds the membership draft, then rewrites every table
//! into a fresh store (one file per table and partition, generation 1, `created` from the
//! manifest), so the output is the same bytes on every run. Everything happens in a directory
//! beside `out`; `out` is replaced only by renames once the new store is complete.

pub mod manifest;
pub mod memberships;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use manifest::{Importer, Input, Manifest, Pinned};

use crate::curated::Curated;
use crate::import::{imf_dots, ucdp_acd, wdi, ImportOptions, Reimport};
use crate::model::{Entity, Organisation};
use crate::schema::Table;
use crate::store::{ImportSummary, Store, Transaction, WriteOptions, LOCK_FILE};
use crate::{Error, Result};

/// The package name of the bundled store.
pub const PACKAGE: &str = "steppe-bundled";

/// What a build did.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildReport {
    /// One summary per imported file, in import order.
    pub imports: Vec<ImportSummary>,
    /// Data files of the store written.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// Builds the bundled dataset into `out` (replaced): `data_dir` is the curated `data/`,
/// `inputs_dir` the directory the manifest's paths are relative to (`shared/data-sources`).
pub fn build(
    manifest: &Manifest,
    data_dir: &Path,
    inputs_dir: &Path,
    out: &Path,
) -> Result<BuildReport> {
    manifest.verify(inputs_dir)?;
    let curated = Curated::read(data_dir)?;
    let scratch = scratch_dir(out)?;
    let result = (|| {
        let work = scratch.join("work");
        curated.write_store(&work)?;
        for input in &manifest.inputs {
            import(input, inputs_dir, &work)?;
        }
        let fresh = scratch.join("store");
        let report = compact(&Store::open(&work)?, &fresh, manifest.created)?;
        replace(&fresh, out, &scratch)?;
        Ok(report)
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// A fresh, empty directory beside `out` for the build's intermediate stores.
fn scratch_dir(out: &Path) -> Result<PathBuf> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".into());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = parent.join(format!(".{name}.building-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}

/// Imports one input into the working store (a file imported before is an error).
fn import(input: &Input, inputs_dir: &Path, work: &Path) -> Result<()> {
    let path = inputs_dir.join(&input.file.path);
    let options = ImportOptions {
        reimport: Reimport::Fail,
        origin: Some(input.origin.clone()),
        ..Default::default()
    };
    let files = [path.clone()];
    match input.importer {
        Importer::Wdi => wdi::import(&files, work, &Default::default(), &options).map(drop),
        Importer::ImfDots => imf_dots::import(&files, work, &options).map(drop),
        Importer::UcdpAcd => ucdp_acd::import(&files, work, &options).map(drop),
        Importer::MembershipsDraft => import_memberships(&path, &input.origin, work),
    }
}

/// Adds the membership draft to the working store in one transaction.
fn import_memberships(path: &Path, origin: &crate::import::Origin, work: &Path) -> Result<()> {
    let store = Store::open(work)?;
    let entities: HashSet<String> = store
        .records::<Entity>()?
        .into_iter()
        .map(|e| e.entity_id)
        .collect();
    let orgs: HashSet<String> = store
        .records::<Organisation>()?
        .into_iter()
        .map(|o| o.org_id)
        .collect();
    let draft = memberships::read(path, origin, &entities, &orgs)?;
    let mut tx = store.begin_with(WriteOptions::default())?;
    tx.write_records(&draft.sources)?;
    tx.write_records(&draft.organisations)?;
    tx.write_records(&draft.memberships)?;
    tx.record_import(draft.summary);
    tx.commit()?;
    Ok(())
}

/// Rewrites every table of `work` into a new store at `fresh`: one file per table and
/// partition, the import summaries kept, `created` = `created`. The column chunks are left
/// uncompressed: the bundle is embedded in the binary, which a wheel compresses whole, and
/// reading it then creates no zstd context per column chunk (the report reads some 130
/// files).
fn compact(work: &Store, fresh: &Path, created: chrono::NaiveDate) -> Result<BuildReport> {
    let mut tx = Transaction::begin(
        fresh,
        WriteOptions {
            created: Some(format!("{}T00:00:00Z", created.format("%Y-%m-%d"))),
            uncompressed: true,
            ..Default::default()
        },
    )?;
    tx.set_package(
        PACKAGE,
        Some("steppe: the Central Asia dataset (curated tables and the publishers' files)"),
    );
    for table in Table::ALL {
        for batch in &work.read_all(*table)?.batches {
            tx.write(*table, batch)?;
        }
    }
    let imports = work.descriptor().steppe.imports.clone();
    for summary in &imports {
        tx.record_import(summary.clone());
    }
    tx.commit()?;
    let _ = std::fs::remove_file(fresh.join(LOCK_FILE));
    let store = Store::open(fresh)?;
    let files: Vec<_> = store
        .descriptor()
        .resources
        .iter()
        .flat_map(|r| r.steppe.files.iter())
        .collect();
    Ok(BuildReport {
        imports,
        files: files.len(),
        bytes: files.iter().map(|f| f.bytes).sum(),
    })
}

/// Moves the complete store `fresh` to `out`, the previous `out` (if any) set aside in
/// `scratch` first and removed with it.
fn replace(fresh: &Path, out: &Path, scratch: &Path) -> Result<()> {
    if out.exists() {
        let old = scratch.join("previous");
        std::fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
    }
    std::fs::rename(fresh, out).map_err(|e| Error::io(out, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failing import leaves `out` as it was and no scratch directory behind.
    #[test]
    fn a_failed_build_leaves_the_previous_store_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = dir.path().join("inputs");
        std::fs::create_dir_all(&inputs).unwrap();
        let bad = inputs.join("bad.csv");
        std::fs::write(&bad, "not,a,wdi,header\n1,2,3,4\n").unwrap();
        let sha = manifest::sha256_of(&bad).unwrap();
        let text = format!(
            "[dataset]\ncreated = \"2026-11-30\"\n[[input]]\npath = \"bad.csv\"\nsha256 = \"{sha}\"\n\
             importer = \"wdi\"\n[input.origin]\naccessed = \"2026-07-01\"\nversion = \"v\"\n\
             publisher = \"p\"\nlicense = \"CC-BY-4.0\"\n"
        );
        let path = dir.path().join("dataset.toml");
        std::fs::write(&path, text).unwrap();
        let m = Manifest::read(&path).unwrap();
        let out = dir.path().join("bundled");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("marker"), "old").unwrap();
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
        let err = build(&m, &data, &inputs, &out).unwrap_err();
        assert!(err.to_string().contains("bad.csv"), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("marker")).unwrap(), "old");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!left.iter().any(|n| n.contains(".building-")), "{left:?}");
    }
}
