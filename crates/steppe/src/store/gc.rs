//! Garbage collection: removes data files and temporary descriptors that no committed
//! descriptor names (left by a crashed or interrupted import): whole files moved into a table
//! folder by a commit that never published, and everything left in the staging directory.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::descriptor::{Descriptor, DESCRIPTOR_FILE};
use super::lock::StoreLock;
use super::paths::STAGING_DIR;
use super::Store;
use crate::schema::Table;
use crate::{Error, Result};

/// What `gc` removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Store-relative paths of removed files.
    pub removed: Vec<String>,
    /// Bytes freed.
    pub bytes_freed: u64,
}

/// Removes every `.parquet` file under the table directories that the descriptor does not
/// name, every file in the staging directory (`_staging/`) and stale temporary descriptors.
/// Takes the write lock, so it never races an import.
pub fn gc(root: &Path) -> Result<GcReport> {
    let _lock = StoreLock::acquire(root, false)?;
    let store = Store::open(root)?;
    let mut report = GcReport::default();
    for (_, path, rel) in unlisted_data_files(root, store.descriptor())? {
        remove(root, &path, rel, &mut report)?;
    }
    for t in Table::ALL {
        let dir = root.join(t.name());
        if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
            remove_empty_dirs(&dir);
        }
    }
    let entries = std::fs::read_dir(root).map_err(|e| Error::io(root, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with(&format!("{DESCRIPTOR_FILE}.tmp-")) {
            remove(root, &entry.path(), name, &mut report)?;
        }
    }
    sweep_staging(root, &mut report)?;
    Ok(report)
}

/// The `.parquet` files inside the table folders that `descriptor` does not list, as
/// (table, path, store-relative path), sorted: what a glob reader of the folders (DuckDB,
/// polars, Spark, pyarrow) would read besides the store's version. Links are not followed.
pub fn unlisted_data_files(
    root: &Path,
    descriptor: &Descriptor,
) -> Result<Vec<(Table, PathBuf, String)>> {
    let named: HashSet<&str> = descriptor
        .resources
        .iter()
        .flat_map(|r| r.steppe.files.iter().map(|f| f.path.as_str()))
        .collect();
    let mut out = Vec::new();
    for t in Table::ALL {
        let dir = root.join(t.name());
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => collect(root, *t, &dir, &named, &mut out)?,
            _ => {}
        }
    }
    out.sort_by(|a, b| a.2.cmp(&b.2));
    Ok(out)
}

fn collect(
    root: &Path,
    table: Table,
    dir: &Path,
    named: &HashSet<&str>,
    out: &mut Vec<(Table, PathBuf, String)>,
) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if ft.is_symlink() {
            continue; // never follow links out of the store
        }
        if ft.is_dir() {
            collect(root, table, &path, named, out)?;
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".parquet") && !named.contains(rel.as_str()) {
            out.push((table, path, rel));
        }
    }
    Ok(())
}

/// Removes the directories under `dir` left empty (partition dirs of a crashed import).
fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let path = entry.path();
            remove_empty_dirs(&path);
            if std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()) {
                let _ = std::fs::remove_dir(&path);
            }
        }
    }
}

/// Empties and removes the staging directory: no writer runs while gc holds the lock, so
/// whatever is there was left by one that died. Never follows a link.
fn sweep_staging(root: &Path, report: &mut GcReport) -> Result<()> {
    let dir = root.join(STAGING_DIR);
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        _ => return Ok(()),
    }
    let entries = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if ft.is_file() {
            let rel = format!("{STAGING_DIR}/{}", entry.file_name().to_string_lossy());
            remove(root, &path, rel, report)?;
        }
    }
    let _ = std::fs::remove_dir(&dir);
    Ok(())
}

fn remove(_root: &Path, path: &Path, rel: String, report: &mut GcReport) -> Result<()> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    std::fs::remove_file(path).map_err(|e| Error::io(path, e))?;
    report.bytes_freed += size;
    report.removed.push(rel);
    Ok(())
}
