//! Names inside a store: table directories, Hive partition directories and data files. Every
//! path taken from a descriptor is checked so that nothing is ever read or written outside the
//! store (no `..`, no absolute paths, no unexpected characters).

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The directory name Hive uses for a null partition value.
pub const HIVE_NULL: &str = "__HIVE_DEFAULT_PARTITION__";

/// The directory at the store root where a transaction writes its data files before it moves
/// each one, whole and fsynced, into its table folder (one rename on the same filesystem).
/// It is outside every table folder, and its leading `_` makes pyarrow, Spark and Hive
/// discovery skip it even when they list the whole store; `steppe gc` empties it.
pub const STAGING_DIR: &str = "_staging";

/// Checks a descriptor-relative path and joins it to the store root.
///
/// A symbolic link inside the store (a table or partition directory, or a data file) is
/// refused: it could make a read or a write reach outside the store.
pub fn resolve(root: &Path, rel: &str) -> Result<PathBuf> {
    check_relative(rel).map_err(|m| Error::store(root, m))?;
    let mut path = root.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::store(
                    &path,
                    "is a symbolic link: steppe never follows links inside a store",
                ))
            }
            Ok(_) => {}
            Err(_) => break, // not there (yet): nothing below it can be a link
        }
    }
    Ok(root.join(rel))
}

/// Accepts `table/key=value/file.parquet`-like paths made of safe characters only.
pub fn check_relative(rel: &str) -> std::result::Result<(), String> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "_-=.".contains(c);
    if rel.is_empty() || rel.starts_with('/') || rel.contains('\\') {
        return Err(format!(
            "unsafe path `{rel}` in descriptor: must be relative"
        ));
    }
    for part in rel.split('/') {
        if part.is_empty() || part == "." || part == ".." || !part.chars().all(ok_char) {
            return Err(format!("unsafe path `{rel}` in descriptor"));
        }
    }
    Ok(())
}

/// `year=2023` or `year=__HIVE_DEFAULT_PARTITION__`.
pub fn partition_dir(column: &str, value: Option<i64>) -> String {
    match value {
        Some(v) => format!("{column}={v}"),
        None => format!("{column}={HIVE_NULL}"),
    }
}

/// Store-relative path of a data file while it is being written: `_staging/<name>`.
pub fn staging_path(name: &str) -> String {
    format!("{STAGING_DIR}/{name}")
}

/// Name of the n-th data file a commit of `generation` writes.
pub fn data_file_name(generation: u64, seq: usize) -> String {
    format!("part-g{generation:06}-{seq:05}.parquet")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escapes_and_absolute_paths() {
        for bad in [
            "../x.parquet",
            "/etc/passwd",
            "a/../../b",
            "a//b",
            "a\\b",
            "t/y=1/x y",
            "",
        ] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
        assert!(check_relative("trade_flows/year=2023/part-g000001-00000.parquet").is_ok());
        assert!(check_relative("events/year=__HIVE_DEFAULT_PARTITION__/p.parquet").is_ok());
    }
}
