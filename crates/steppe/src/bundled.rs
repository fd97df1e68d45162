//! The bundled Central Asia dataset: the store under `crates/steppe/bundled/`, compiled into
//! the binary by `build.rs`, so `steppe info`, Python's `steppe.bundled()` and the report work
//! with no download.

use crate::store::Store;
use crate::Result;

include!(concat!(env!("OUT_DIR"), "/bundled_files.rs"));

/// The bundled store (read-only).
pub fn store() -> Result<Store> {
    Store::from_embedded(BUNDLED_FILES)
}

/// Whether this build carries a bundled dataset.
pub fn is_available() -> bool {
    BUNDLED_FILES
        .iter()
        .any(|(name, _)| *name == crate::store::DESCRIPTOR_FILE)
}

/// Writes a copy of the bundled store into `dir` (which must not hold a store yet), so that
/// imports can add to the curated data. The descriptor is written last: an interrupted copy
/// is not a store.
pub fn write_to(dir: &std::path::Path) -> Result<Store> {
    use crate::store::DESCRIPTOR_FILE;
    use crate::Error;
    if dir.join(DESCRIPTOR_FILE).exists() {
        return Err(Error::store(
            dir,
            "already holds a store; choose an empty directory",
        ));
    }
    if BUNDLED_FILES.is_empty() {
        return Err(Error::NotBundled);
    }
    let mut descriptor = None;
    for (rel, bytes) in BUNDLED_FILES {
        if *rel == DESCRIPTOR_FILE {
            descriptor = Some(*bytes);
            continue;
        }
        let path = crate::store::paths::resolve(dir, rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    let bytes = descriptor.ok_or(Error::NotBundled)?;
    let tmp = dir.join(format!("{DESCRIPTOR_FILE}.tmp-init"));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, dir.join(DESCRIPTOR_FILE)).map_err(|e| Error::io(dir, e))?;
    Store::open(dir)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_written_copy_is_the_same_valid_store() {
        let dir = tempfile::tempdir().unwrap();
        let copy = super::write_to(&dir.path().join("s")).unwrap();
        let original = super::store().unwrap();
        assert_eq!(copy.descriptor(), original.descriptor());
        assert!(crate::validate(&copy).unwrap().is_ok());
        assert!(
            super::write_to(&dir.path().join("s")).is_err(),
            "never overwrites a store"
        );
    }
}
