//! Test support: the eight countries, the bundled store (built from the publishers' files by
//! steppe's importers, see docs/data.md) and a directory for the files a test keeps for
//! people to look at.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub mod browser;

/// The eight countries the bundled dataset covers.
pub const EIGHT: [&str; 8] = ["TJK", "KGZ", "KAZ", "UZB", "TKM", "AFG", "RUS", "CHN"];

/// The bundled store.
pub fn store() -> steppe::Store {
    steppe::Store::bundled().unwrap()
}

/// The directory for files a test keeps (pages, charts, screenshots):
/// `target/test-output/<name>` in the checkout.
pub fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/test-output")
        .join(name);
    std::fs::create_dir_all(&d).unwrap();
    d
}
