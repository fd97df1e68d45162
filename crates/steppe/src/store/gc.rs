//! Garbage collection: removes data files and temporary descriptors that no committed
//! descriptor names (left by a crashed or interrupted import).

use std::path::Path;

use super::descriptor::DESCRIPTOR_FILE;
use super::lock::StoreLock;
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

/// Removes every file under the table directories that the descriptor does not name, and
/// stale temporary descriptors. Takes the write lock, so it never races an import.
pub fn gc(root: &Path) -> Result<GcReport> {
    let _lock = StoreLock::acquire(root, false)?;
    let store = Store::open(root)?;
    let named: std::collections::HashSet<String> = store
        .descriptor()
        .resources
        .iter()
        .flat_map(|r| r.steppe.files.iter().map(|f| f.path.clone()))
        .collect();
    let mut report = GcReport::default();
    for t in Table::ALL {
        let dir = root.join(t.name());
        if dir.is_dir() {
            sweep(root, &dir, &named, &mut report)?;
        }
    }
    let entries = std::fs::read_dir(root).map_err(|e| Error::io(root, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with(&format!("{DESCRIPTOR_FILE}.tmp-")) {
            remove(root, &entry.path(), name, &mut report)?;
        }
    }
    Ok(report)
}

fn sweep(
    root: &Path,
    dir: &Path,
    named: &std::collections::HashSet<String>,
    report: &mut GcReport,
) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if ft.is_symlink() {
            continue; // never follow links out of the store
        }
        if ft.is_dir() {
            sweep(root, &path, named, report)?;
            // Remove directories left empty (partition dirs of a crashed import).
            if std::fs::read_dir(&path)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false)
            {
                let _ = std::fs::remove_dir(&path);
            }
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".parquet") && !named.contains(&rel) {
            remove(root, &path, rel, report)?;
        }
    }
    Ok(())
}

fn remove(_root: &Path, path: &Path, rel: String, report: &mut GcReport) -> Result<()> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    std::fs::remove_file(path).map_err(|e| Error::io(path, e))?;
    report.bytes_freed += size;
    report.removed.push(rel);
    Ok(())
}
