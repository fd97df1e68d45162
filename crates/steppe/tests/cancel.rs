//! Stopping an import through `Progress::should_stop`: the importer fails with
//! `Error::Cancelled` between batches and commits nothing, leaving the store as it was.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use steppe::import::baci::import_baci;
use steppe::import::wdi::{self, WdiOptions};
use steppe::import::ImportOptions;
use steppe::model::{IndicatorObservation, TradeFlow};
use steppe::progress::Progress;
use steppe::{Error, Store};

/// Asks to stop once some bytes were reported; counts the questions.
#[derive(Default)]
struct StopAfterProgress {
    bytes: AtomicU64,
    asked: AtomicU64,
}

impl Progress for StopAfterProgress {
    fn advance(&self, bytes: u64, _rows: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
    fn should_stop(&self) -> bool {
        self.asked.fetch_add(1, Ordering::Relaxed);
        self.bytes.load(Ordering::Relaxed) > 0
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn wdi_file(dir: &Path, name: &str, rows: usize) -> PathBuf {
    let mut text = String::from("Country Name,Country Code,Indicator Name,Indicator Code,2021\n");
    for i in 0..rows {
        text.push_str(&format!("Tajikistan,TJK,Indicator {i},X.{i},{i}.5\n"));
    }
    write(dir, name, &text)
}

fn stopping() -> (Arc<StopAfterProgress>, ImportOptions) {
    let stop = Arc::new(StopAfterProgress::default());
    let options = ImportOptions {
        progress: stop.clone(),
        ..Default::default()
    };
    (stop, options)
}

fn validated(store: &Path) -> Store {
    let store = Store::open(store).unwrap();
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    store
}

#[test]
fn a_stopped_wdi_import_commits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let first = wdi_file(dir.path(), "WDICSV.csv", 2);
    wdi::import(
        &[first],
        &out,
        &WdiOptions::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    let before = validated(&out).records::<IndicatorObservation>().unwrap();
    assert_eq!(before.len(), 2);

    std::fs::create_dir(dir.path().join("big")).unwrap();
    let big = wdi_file(&dir.path().join("big"), "WDICSV.csv", 20_000);
    let (stop, options) = stopping();
    let err = wdi::import(&[big], &out, &WdiOptions::default(), &options).unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
    assert_eq!(
        stop.asked.load(Ordering::Relaxed),
        1,
        "asked at the first batch"
    );

    let store = validated(&out);
    assert_eq!(store.records::<IndicatorObservation>().unwrap(), before);
    assert_eq!(store.descriptor().steppe.imports.len(), 1);
}

#[test]
fn a_stopped_baci_import_commits_nothing_and_its_parser_ends() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let codes = write(
        dir.path(),
        "country_codes_V202501.csv",
        "country_code,country_name,country_iso2,country_iso3\n643,Russia,RU,RUS\n762,Tajikistan,TJ,TJK\n",
    );
    let y2022 = write(
        dir.path(),
        "BACI_HS92_Y2022_V202501.csv",
        "t,i,j,k,v,q\n2022,643,762,100199,800,1\n",
    );
    import_baci(&[y2022], &codes, None, &out, &ImportOptions::default()).unwrap();
    let mut text = String::from("t,i,j,k,v,q\n");
    for k in 0..50_000 {
        text.push_str(&format!("2023,643,762,{:06},{k}.5,1\n", 100_000 + k));
    }
    let y2023 = write(dir.path(), "BACI_HS92_Y2023_V202501.csv", &text);
    let (_, options) = stopping();
    let err = import_baci(&[y2023], &codes, None, &out, &options).unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");

    let store = validated(&out);
    let flows = store.records::<TradeFlow>().unwrap();
    assert!(
        !flows.is_empty() && flows.iter().all(|f| f.year == 2022),
        "{flows:?}"
    );
    assert_eq!(store.descriptor().steppe.imports.len(), 1);
}
