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
