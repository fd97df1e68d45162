//! What the hostile-input tests share: a BACI country file and a seeded store made once and
//! copied for each case.

#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;

use steppe::{import, Store};

pub const COUNTRIES: &str = "country_code,country_name,country_iso2,country_iso3\n\
    4,Afghanistan,AF,AFG\n251,France,FR,FRA\n398,Kazakhstan,KZ,KAZ\n762,Tajikistan,TJ,TJK\n\
    842,USA,US,USA\n860,Uzbekistan,UZ,UZB\n";

/// A seeded store, made once and copied for each input.
pub fn template() -> &'static Path {
    static T: OnceLock<tempfile::TempDir> = OnceLock::new();
    T.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_or_create(dir.path()).unwrap();
        let mut tx = store.begin().unwrap();
        import::seed_reference(&mut tx).unwrap();
        tx.commit().unwrap();
        dir
    })
    .path()
}
