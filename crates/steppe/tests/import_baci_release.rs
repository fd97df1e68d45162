//! BACI releases as published: special product codes (six letters and digits, such as
//! `9999AA`) import as given, in data files and in product files; a product file line that
//! lists no product is a reject of that file (with its line) and the import goes on; a
//! re-issued release's letter suffix (`V202401b`) is kept in the Sources.

use std::path::{Path, PathBuf};

use steppe::import::baci::{import_baci, ProductCodes};
use steppe::import::{ImportOptions, ImportReport};
use steppe::model::{Reject, Source, TradeFlow};
use steppe::{validate, Store};

const COUNTRIES: &str = "\
country_code,country_name,country_iso2,country_iso3
398,Kazakhstan,KZ,KAZ
762,Tajikistan,TJ,TJK
860,Uzbekistan,UZ,UZB
";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn valid(store: &Path) -> Store {
    let s = Store::open(store).unwrap();
    let report = validate(&s).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    s
}

/// A V202401b release (country file, a product file with a special code and one broken
/// line, a year file with special codes and traps) imported into a new store.
fn release_with_special_codes() -> (tempfile::TempDir, ImportReport, Store) {
    let dir = tempfile::tempdir().unwrap();
    let countries = write(
        dir.path(),
        "country_codes_V202401b.csv",
        COUNTRIES.as_bytes(),
    );
    let products = write(
        dir.path(),
        "product_codes_HS92_V202401b.csv",
        b"code,description\n010121,Horses\n9999AA,Commodities not specified according to kind\n??,broken line\n847130,Computers\n",
    );
    let file = write(
        dir.path(),
        "BACI_HS92_Y2023_V202401b.csv",
        b"t,i,j,k,v,q\n\
          2023,762,860,010121,1.5,2\n\
          2023,762,860,9999AA,2.25,NA\n\
          2023,762,398,9999AA,1,1\n\
          2023,762,860,9999AA,3,1\n\
          2023,762,860,9999AB,1,1\n\
          2023,762,860,99AA,1,1\n\
          2023,762,860,847130,4,1\n",
    );
    let out = dir.path().join("store");
    let report = import_baci(
        &[file],
        &countries,
        Some(&products),
        &out,
        &ImportOptions::default(),
    )
    .unwrap();
    let store = valid(&out);
    (dir, report, store)
}

#[test]
fn a_product_file_line_that_is_no_code_is_a_problem_of_that_line() {
    let dir = tempfile::tempdir().unwrap();
    let products = write(
        dir.path(),
        "product_codes_HS92_V202401b.csv",
        b"code,description\n010121,Horses\n9999AA,Commodities not specified according to kind\n??,broken line\n847130,Computers\n",
    );
    let listed = ProductCodes::read(&products, 1 << 30).unwrap();
    assert_eq!(listed.count, 3);
    assert_eq!(listed.problems.len(), 1);
    assert_eq!(
        (listed.problems[0].line, listed.problems[0].reason),
        (4, "malformed_code")
    );
}

#[test]
fn special_product_codes_import_as_given() {
    let (_dir, report, store) = release_with_special_codes();
    let f = &report.files[0];
    assert_eq!((f.rows_read, f.rows_accepted, f.rows_rejected), (7, 4, 3));
    assert_eq!(f.rejected_by_reason.get("duplicate"), Some(&1));
    assert_eq!(f.rejected_by_reason.get("unknown_code"), Some(&1));
    assert_eq!(f.rejected_by_reason.get("malformed_code"), Some(&1));

    let mut flows: Vec<TradeFlow> = store.records().unwrap();
    flows.sort_by_key(|f| f.source_line);
    let got: Vec<_> = flows
        .iter()
        .map(|f| {
            (
                f.source_line,
                f.partner_id.as_str(),
                f.commodity_code.as_str(),
                f.value,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Some(2), "UZB", "010121", Some(1500.0)),
            (Some(3), "UZB", "9999AA", Some(2250.0)),
            (Some(4), "KAZ", "9999AA", Some(1000.0)),
            (Some(8), "UZB", "847130", Some(4000.0)),
        ]
    );
}

#[test]
fn a_bad_product_line_is_a_reject_citing_the_product_file() {
    let (_dir, _report, store) = release_with_special_codes();
    // Rejects: the data file's three, and the product file's line 4 citing that file.
    let mut rejects: Vec<Reject> = store.records().unwrap();
    rejects.sort_by_key(|r| (r.file.clone(), r.line));
    let got: Vec<_> = rejects
        .iter()
        .map(|r| {
            (
                r.file.as_str(),
                r.line,
                r.reason.as_str(),
                r.field.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("BACI_HS92_Y2023_V202401b.csv", 5, "duplicate", None),
            ("BACI_HS92_Y2023_V202401b.csv", 6, "unknown_code", Some("k")),
            (
                "BACI_HS92_Y2023_V202401b.csv",
                7,
                "malformed_code",
                Some("k")
            ),
            (
                "product_codes_HS92_V202401b.csv",
                4,
                "malformed_code",
                Some("code")
            ),
        ]
    );
    let sources: Vec<Source> = store.records().unwrap();
    let product_source = sources
        .iter()
        .find(|s| s.source_id.starts_with("baci-product-codes-"))
        .unwrap();
    assert_eq!(rejects[3].source_id, product_source.source_id);
    assert_eq!(rejects[3].raw, "??,broken line");
}

#[test]
fn the_release_suffix_is_kept_in_every_source() {
    let (_dir, _report, store) = release_with_special_codes();
    let sources: Vec<Source> = store.records().unwrap();
    // The release with its suffix, in the data file's and the companions' Sources.
    for prefix in ["baci-", "baci-country-codes-", "baci-product-codes-"] {
        let s = sources
            .iter()
            .find(|s| {
                s.source_id.starts_with(prefix)
                    && (prefix != "baci-" || !s.source_id[5..].contains('-'))
            })
            .unwrap_or_else(|| panic!("{prefix}"));
        assert_eq!(s.version.as_deref(), Some("V202401b"), "{prefix}");
        assert!(
            s.title.as_deref().unwrap().ends_with("(V202401b)"),
            "{:?}",
            s.title
        );
    }
}

#[test]
fn without_a_product_file_special_codes_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let countries = write(
        dir.path(),
        "country_codes_V202501.csv",
        COUNTRIES.as_bytes(),
    );
    let file = write(
        dir.path(),
        "BACI_HS17_Y2022_V202501.csv",
        b"t,i,j,k,v,q\n2022,762,860,9999AA,1,1\n2022,762,860,27100Z,2,1\n\
          2022,762,860,9999aa,2,1\n2022,762,860,ABCDEF,1,1\n2022,762,860,0201X0,1,1\n\
          2022,762,860,9999AAA,1,1\n2022,762,860,010121,1,1\n",
    );
    let out = dir.path().join("store");
    let options = ImportOptions {
        max_reject_rate: 1.0,
        ..Default::default()
    };
    let report = import_baci(&[file], &countries, None, &out, &options).unwrap();
    let f = &report.files[0];
    assert_eq!((f.rows_read, f.rows_accepted, f.rows_rejected), (7, 3, 4));
    assert_eq!(f.rejected_by_reason.get("malformed_code"), Some(&4));
    let store = valid(&out);
    let mut flows: Vec<TradeFlow> = store.records().unwrap();
    flows.sort_by_key(|f| f.source_line);
    let codes: Vec<&str> = flows.iter().map(|f| f.commodity_code.as_str()).collect();
    assert_eq!(codes, ["9999AA", "27100Z", "010121"]);
    assert_eq!(flows[0].classification, "HS17");
}
