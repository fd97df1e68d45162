//! The BACI importer on small files written in the real layouts, with the traps of real
//! downloads: BOM, CRLF, no final newline, lost leading zeros, `NA` quantities, country files
//! in both header layouts whose ISO3 column is not unique, holds `N/A` or lost Namibia's `NA`,
//! codes that change between releases, unknown codes and a truncated last line.

use std::io::Write;
use std::path::{Path, PathBuf};

use steppe::import::baci::import_baci;
use steppe::import::{ImportOptions, ImportReport, Reimport};
use steppe::model::{
    Derivation, Entity, EntityCode, EntityType, Flow, Perspective, PriceBasis, Reject, Scheme,
    Source, TradeFlow,
};
use steppe::{validate, Store};

const COUNTRIES_V2025: &str = "\
country_code,country_name,country_iso2,country_iso3
4,Afghanistan,AF,AFG
56,Belgium,BE,BEL
58,Belgium-Luxembourg,BE,BEL
251,France,FR,FRA
398,Kazakhstan,KZ,KAZ
490,\"Other Asia, nes\",N/A,N/A
516,Namibia,,NAM
699,India,IN,IND
762,Tajikistan,TJ,TJK
842,USA,US,USA
860,Uzbekistan,UZ,UZB
711,\"So. African Customs Union\",N/A,N/A
";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn accounting_holds(report: &ImportReport) {
    for f in &report.files {
        let skipped: u64 = f.rows_skipped.values().sum();
        assert_eq!(
            f.rows_read,
            f.rows_accepted + f.rows_rejected + skipped,
            "{}: read {} != accepted {} + rejected {} + skipped {skipped}",
            f.file,
            f.rows_read,
            f.rows_accepted,
            f.rows_rejected
        );
        assert_eq!(
            f.rows_accepted,
            f.rows_written.get("trade_flows").copied().unwrap_or(0)
        );
    }
}

fn valid(store: &Path) -> Store {
    let s = Store::open(store).unwrap();
    let report = validate(&s).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    s
}

fn flows(store: &Store) -> Vec<TradeFlow> {
    let mut f: Vec<TradeFlow> = store.records().unwrap();
    f.sort_by_key(|r| r.source_line);
    f
}

fn rejects(store: &Store) -> Vec<Reject> {
    let mut r: Vec<Reject> = store.records().unwrap();
    r.sort_by_key(|r| (r.file.clone(), r.line));
    r
}

/// A year of BACI with every trap: BOM, CRLF, no final newline; the last line is cut short.
const YEAR_WITH_TRAPS: &str = "\u{feff}t,i,j,k,v,q\r\n\
        2023,762,860,10121,1234.5,NA\r\n\
        2023,251,842,010121,0.001,   2.500\r\n\
        2023,490,762,847130,10,\r\n\
        2023,516,4,271000,7.25,1\r\n\
        2023,58,762,520100,3,1\r\n\
        2023,56,762,520100,4,1\r\n\
        2023,999,762,520100,4,1\r\n\
        2023,711,762,520100,4,1\r\n\
        2023,762,860,020110,abc,1\r\n\
        2023,762,860,020120,-5,1\r\n\
        2023,762,860,020130,5\r\n\
        2022,762,860,020140,5,1\r\n\
        2023,762,860,10121,99,1\r\n\
        2023,762,860,0201X0,5,1\r\n\
        \r\n\
        2023,762,8";

/// [`YEAR_WITH_TRAPS`] imported into `dir/store` with the 2025 country file; the store
/// validates.
fn import_year_with_traps(dir: &Path) -> (ImportReport, Store) {
    let countries = write(dir, "country_codes_V202501.csv", COUNTRIES_V2025.as_bytes());
    let data = YEAR_WITH_TRAPS;
    let file = write(dir, "BACI_HS92_Y2023_V202501.csv", data.as_bytes());
    let out = dir.join("store");
    // Ten of fifteen rows are traps that must be rejected: above the default maximum reject
    // rate, which has a test of its own.
    let report = import_baci(
        std::slice::from_ref(&file),
        &countries,
        None,
        &out,
        &ImportOptions {
            max_reject_rate: 1.0,
            ..Default::default()
        },
    )
    .unwrap();
    (report, valid(&out))
}

#[test]
fn a_year_with_every_trap_is_typed_mapped_and_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    let (report, store) = import_year_with_traps(dir.path());
    accounting_holds(&report);
    let s = &report.files[0];
    assert_eq!(s.rows_read, 16);
    assert_eq!(s.rows_accepted, 5);
    assert_eq!(s.rows_rejected, 10);
    assert_eq!(s.rows_skipped.get("blank_line"), Some(&1));
    let by = |r: &str| s.rejected_by_reason.get(r).copied().unwrap_or(0);
    assert_eq!(by("duplicate"), 2);
    assert_eq!(by("unknown_code"), 2);
    assert_eq!(by("malformed_number"), 1);
    assert_eq!(by("negative_value"), 1);
    assert_eq!(by("wrong_column_count"), 1);
    assert_eq!(by("bad_year"), 1);
    assert_eq!(by("malformed_code"), 1);
    assert_eq!(by("truncated_line"), 1);
    let f = flows(&store);
    assert_eq!(f.len(), 5);
    let first = &f[0];
    assert_eq!(first.year, 2023);
    assert_eq!(first.month, None);
    assert_eq!(first.reporter_id, "TJK");
    assert_eq!(first.partner_id, "UZB");
    assert_eq!(first.flow, Flow::Export);
    assert_eq!(first.perspective, Perspective::Reconciled);
    assert_eq!(first.price_basis, PriceBasis::FobEstimated);
    assert_eq!(first.derivation, Derivation::UnitConverted);
    assert_eq!(first.classification, "HS92");
    assert_eq!(first.commodity_code, "010121");
    assert_eq!(first.value, Some(1_234_500.0));
    assert_eq!(first.value_precision, Some(100.0));
    assert_eq!(first.currency, "USD");
    assert_eq!(first.quantity, None);
    assert_eq!(first.quantity_unit, None);
    assert_eq!(first.source_line, Some(2));
    assert!(first.source_id.starts_with("baci-"));
    // France's BACI code 251 and the USA's 842 map through the ISO3 column.
    assert_eq!(
        (f[1].reporter_id.as_str(), f[1].partner_id.as_str()),
        ("FRA", "USA")
    );
    assert_eq!(f[1].value, Some(1.0));
    assert_eq!(f[1].quantity, Some(2.5));
    assert_eq!(f[1].quantity_unit.as_deref(), Some("t"));
    // "Other Asia, nes" (ISO3 N/A) becomes a residual entity steppe creates.
    assert_eq!(f[2].reporter_id, "X490");
    assert_eq!(f[2].value, Some(10_000.0));
    assert_eq!(f[2].quantity, None);
    // Namibia's lost `NA` ISO2 does not matter: its ISO3 maps.
    assert_eq!(f[3].reporter_id, "NAM");
    assert_eq!(f[3].value, Some(7_250.0));
    // Belgium-Luxembourg's ISO3 is BEL: the Belgium row with the same key is a duplicate.
    assert_eq!(f[4].reporter_id, "BEL");
    assert_eq!(f[4].source_line, Some(6));
    assert!(f.iter().all(|r| r.source_id == s.source_id));
}

#[test]
fn a_year_with_every_trap_rejects_each_with_its_line_and_raw_text() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = import_year_with_traps(dir.path());
    let r = rejects(&store);
    let lines: Vec<(i64, &str)> = r.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(
        lines,
        vec![
            (7, "duplicate"),
            (8, "unknown_code"),
            (9, "unknown_code"),
            (10, "malformed_number"),
            (11, "negative_value"),
            (12, "wrong_column_count"),
            (13, "bad_year"),
            (14, "duplicate"),
            (15, "malformed_code"),
            (17, "truncated_line"),
        ]
    );
    assert_eq!(r[1].raw, "2023,999,762,520100,4,1");
    assert_eq!(r[1].field.as_deref(), Some("i"));
    assert_eq!(
        r[2].detail.as_deref(),
        Some("BACI code 711 (So. African Customs Union) names no entity: it has no ISO3 and 711 is not an ISO 3166 numeric code")
    );
    assert_eq!(r[9].raw, "2023,762,8");
    assert!(r.iter().all(|x| x.file == "BACI_HS92_Y2023_V202501.csv"));
}

#[test]
fn a_year_with_every_trap_cites_the_data_and_the_country_file() {
    let dir = tempfile::tempdir().unwrap();
    let (report, store) = import_year_with_traps(dir.path());
    let s = &report.files[0];
    // Provenance: the data file and the country file are sources of their own.
    let sources: Vec<Source> = store.records().unwrap();
    let data_src = sources.iter().find(|x| x.source_id == s.source_id).unwrap();
    assert_eq!(data_src.csl_type, "dataset");
    assert_eq!(data_src.version.as_deref(), Some("V202501"));
    assert_eq!(data_src.license.as_deref(), Some("etalab-2.0"));
    assert_eq!(data_src.byte_size, Some(YEAR_WITH_TRAPS.len() as i64));
    assert_eq!(data_src.content_sha256.as_deref().map(str::len), Some(64));
    let country_src = sources
        .iter()
        .find(|x| x.source_id.starts_with("baci-country-codes-"))
        .unwrap();
    assert_eq!(country_src.version.as_deref(), Some("V202501"));
    let entities: Vec<Entity> = store.records().unwrap();
    let x490 = entities.iter().find(|e| e.entity_id == "X490").unwrap();
    assert_eq!(x490.entity_type, EntityType::ResidualNes);
    assert_eq!(x490.name, "Other Asia, nes");
    assert_eq!(x490.source_id, country_src.source_id);
    let codes: Vec<EntityCode> = store.records().unwrap();
    assert!(codes
        .iter()
        .any(|c| c.scheme == Scheme::Baci && c.code == "490" && c.entity_id == "X490"));
    // The summary is in the descriptor too.
    let imports = &store.descriptor().steppe.imports;
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].rows_read, 16);
    assert_eq!(imports[0].rows_rejected, 10);
}

#[test]
fn the_older_country_header_and_a_zipped_year() {
    let dir = tempfile::tempdir().unwrap();
    let countries = write(
        dir.path(),
        "country_codes_V202301.csv",
        b"country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\n\
          398,Kazakhstan,Republic of Kazakhstan,KZ,KAZ\n\
          417,Kyrgyzstan,Kyrgyz Republic,KG,KGZ\n\
          757,Switzerland,Switzerland,CH,CHE\n\
          699,India,India,IN,IND\n\
          490,\"Other Asia, nes\",\"Other Asia, not elsewhere specified\",N/A,N/A\n",
    );
    let zpath = dir.path().join("BACI_HS17_Y2021_V202301.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zpath).unwrap());
    z.start_file("Readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"not data").unwrap();
    z.start_file(
        "BACI_HS17_Y2021_V202301.csv",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(b"t,i,j,k,v,q\n2021,398,417,10121,1,0.5\n2021,757,699,710812,2000.125,0.001\n")
        .unwrap();
    z.finish().unwrap();
    let out = dir.path().join("store");
    let report = import_baci(&[zpath], &countries, None, &out, &ImportOptions::default()).unwrap();
    accounting_holds(&report);
    assert_eq!(report.rows_accepted(), 2);
    let store = valid(&out);
    let f = flows(&store);
    assert_eq!(f[0].classification, "HS17");
    assert_eq!(
        (f[0].reporter_id.as_str(), f[0].partner_id.as_str()),
        ("KAZ", "KGZ")
    );
    assert_eq!(f[0].commodity_code, "010121");
    assert_eq!(
        (f[1].reporter_id.as_str(), f[1].partner_id.as_str()),
        ("CHE", "IND")
    );
    assert_eq!(f[1].value, Some(2_000_125.0));
    assert_eq!(f[1].value_precision, Some(1.0));
    assert_eq!(f[1].quantity, Some(0.001));
    // Unused codes create nothing.
    let entities: Vec<Entity> = store.records().unwrap();
    assert!(!entities.iter().any(|e| e.entity_id == "X490"));
}

#[test]
fn a_wrong_header_stops_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let countries = write(
        dir.path(),
        "country_codes_V202501.csv",
        COUNTRIES_V2025.as_bytes(),
    );
    let file = write(
        dir.path(),
        "BACI_HS92_Y2023_V202501.csv",
        b"year,exporter,importer,product,value,quantity\n2023,762,860,10121,1,1\n",
    );
    let out = dir.path().join("store");
    let err = import_baci(
        std::slice::from_ref(&file),
        &countries,
        None,
        &out,
        &ImportOptions::default(),
    )
    .unwrap_err();
    match &err {
        steppe::Error::Format { location, message } => {
            assert_eq!(location.path.as_deref(), Some(file.as_path()));
            assert_eq!(location.row, Some(1));
            assert!(
                message.contains("year,exporter,importer,product,value,quantity"),
                "{message}"
            );
            assert!(message.contains("t,i,j,k,v,q"), "{message}");
        }
        other => panic!("expected a format error, got {other:?}"),
    }
    assert!(!out.exists(), "nothing may be written");

    // A name that does not say the year is refused too.
    let renamed = write(dir.path(), "trade.csv", b"t,i,j,k,v,q\n");
    assert!(import_baci(
        &[renamed],
        &countries,
        None,
        &out,
        &ImportOptions::default()
    )
    .is_err());
    // And a country file in neither layout.
    let bad = write(
        dir.path(),
        "country_codes_V1.csv",
        b"code,name\n4,Afghanistan\n",
    );
    let err = import_baci(&[file], &bad, None, &out, &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("country_code"), "{err}");
}

#[test]
fn reimporting_a_file_skips_it_or_replaces_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let countries = write(
        dir.path(),
        "country_codes_V202501.csv",
        COUNTRIES_V2025.as_bytes(),
    );
    let a = write(
        dir.path(),
        "BACI_HS92_Y2022_V202501.csv",
        b"t,i,j,k,v,q\n2022,762,860,10121,1,1\n2022,490,860,10121,1,1\n2022,999,860,10121,1,1\n",
    );
    let b = write(
        dir.path(),
        "BACI_HS92_Y2023_V202501.csv",
        b"t,i,j,k,v,q\n2023,762,860,10121,1,1\n2023,860,490,10121,2,NA\n",
    );
    let out = dir.path().join("store");
    let opts = ImportOptions::default();
    let r1 = import_baci(&[a.clone(), b.clone()], &countries, None, &out, &opts).unwrap();
    accounting_holds(&r1);
    assert_eq!(r1.files.len(), 2);
    assert_eq!(r1.rows_accepted(), 4);
    let store = valid(&out);
    assert_eq!(store.row_count(steppe::Table::TradeFlows), 4);
    // Both years are partitions.
    let years: std::collections::BTreeSet<i16> = flows(&store).iter().map(|f| f.year).collect();
    assert_eq!(years.into_iter().collect::<Vec<_>>(), vec![2022, 2023]);

    // Default: skipped, store unchanged.
    let r2 = import_baci(std::slice::from_ref(&a), &countries, None, &out, &opts).unwrap();
    assert_eq!(
        r2.skipped_files,
        vec!["BACI_HS92_Y2022_V202501.csv".to_string()]
    );
    assert!(r2.files.is_empty());
    let store = valid(&out);
    assert_eq!(store.row_count(steppe::Table::TradeFlows), 4);
    assert_eq!(store.row_count(steppe::Table::Rejects), 1);

    // Replace: the file's rows are rewritten, not doubled; the other file's rows stay.
    let replace = ImportOptions {
        reimport: Reimport::Replace,
        ..Default::default()
    };
    for _ in 0..2 {
        let r3 = import_baci(std::slice::from_ref(&a), &countries, None, &out, &replace).unwrap();
        accounting_holds(&r3);
        assert_eq!(r3.rows_accepted(), 2);
        let store = valid(&out);
        assert_eq!(store.row_count(steppe::Table::TradeFlows), 4);
        assert_eq!(store.row_count(steppe::Table::Rejects), 1);
        assert_eq!(store.descriptor().steppe.imports.len(), 2);
        let sources: Vec<Source> = store.records().unwrap();
        assert_eq!(
            sources
                .iter()
                .filter(|s| s.source_id.starts_with("baci-country-codes-"))
                .count(),
            1
        );
        let entities: Vec<Entity> = store.records().unwrap();
        assert_eq!(entities.iter().filter(|e| e.entity_id == "X490").count(), 1);
    }
    // Fail policy.
    let fail = ImportOptions {
        reimport: Reimport::Fail,
        ..Default::default()
    };
    match import_baci(&[b], &countries, None, &out, &fail) {
        Err(e @ steppe::Error::AlreadyImported { .. }) => {
            assert!(e.to_string().contains("was already imported into"), "{e}");
            assert!(!e.to_string().contains("--"), "{e}");
            assert_eq!(e.remedy(), Some(steppe::Remedy::ReimportReplace));
        }
        other => panic!("expected AlreadyImported, got {other:?}"),
    }
}

#[test]
fn codes_that_change_between_releases_follow_each_release_country_file() {
    let dir = tempfile::tempdir().unwrap();
    // Sudan was 736 until 2011 and is 729 after; South Sudan 728. The older release lists 736,
    // the newer one does not.
    let old = write(
        dir.path(),
        "country_codes_V202001.csv",
        b"country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\n\
          736,Fmr Sudan,Former Sudan,SD,SDN\n762,Tajikistan,Tajikistan,TJ,TJK\n",
    );
    let new = write(
        dir.path(),
        "country_codes_V202501.csv",
        b"country_code,country_name,country_iso2,country_iso3\n\
          729,Sudan,SD,SDN\n728,South Sudan,SS,SSD\n762,Tajikistan,TJ,TJK\n",
    );
    let y2010 = write(
        dir.path(),
        "BACI_HS92_Y2010_V202001.csv",
        b"t,i,j,k,v,q\n2010,736,762,90210,1,1\n",
    );
    let y2015 = write(
        dir.path(),
        "BACI_HS92_Y2015_V202501.csv",
        b"t,i,j,k,v,q\n2015,729,762,90210,1,1\n2015,728,762,90210,1,1\n2015,736,762,90210,1,1\n",
    );
    let out = dir.path().join("store");
    let opts = ImportOptions::default();
    let r = import_baci(&[y2010], &old, None, &out, &opts).unwrap();
    accounting_holds(&r);
    let r = import_baci(&[y2015], &new, None, &out, &opts).unwrap();
    accounting_holds(&r);
    assert_eq!(r.rows_accepted(), 2);
    assert_eq!(r.files[0].rejected_by_reason.get("unknown_code"), Some(&1));
    let store = valid(&out);
    let f = flows(&store);
    let reporters: Vec<(i16, &str)> = {
        let mut v: Vec<(i16, &str)> = f.iter().map(|r| (r.year, r.reporter_id.as_str())).collect();
        v.sort();
        v
    };
    assert_eq!(reporters, vec![(2010, "SDN"), (2015, "SDN"), (2015, "SSD")]);
    let rj = rejects(&store);
    assert_eq!(rj.len(), 1);
    assert_eq!(rj[0].line, 4);
    assert!(rj[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("country_codes_V202501.csv"));
    // Each release's country file is a source of its own.
    let sources: Vec<Source> = store.records().unwrap();
    assert_eq!(
        sources
            .iter()
            .filter(|s| s.source_id.starts_with("baci-country-codes-"))
            .count(),
        2
    );
}

#[test]
fn a_product_file_rejects_products_it_does_not_list() {
    let dir = tempfile::tempdir().unwrap();
    let countries = write(
        dir.path(),
        "country_codes_V202501.csv",
        COUNTRIES_V2025.as_bytes(),
    );
    // Product codes written by a tool that lost their leading zeros.
    let products = write(
        dir.path(),
        "product_codes_HS92_V202501.csv",
        b"code,description\n10121,\"Horses: live, pure-bred breeding animals\"\n847130,Computers\n",
    );
    let file = write(
        dir.path(),
        "BACI_HS92_Y2023_V202501.csv",
        b"t,i,j,k,v,q\n2023,762,860,010121,1,1\n2023,762,860,847130,1,1\n2023,762,860,999999,1,1\n",
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
    accounting_holds(&report);
    assert_eq!(report.rows_accepted(), 2);
    assert_eq!(
        report.files[0].rejected_by_reason.get("unknown_code"),
        Some(&1)
    );
    let store = valid(&out);
    let sources: Vec<Source> = store.records().unwrap();
    assert!(sources
        .iter()
        .any(|s| s.source_id.starts_with("baci-product-codes-")));
    let r = rejects(&store);
    assert_eq!((r[0].line, r[0].field.as_deref()), (4, Some("k")));
}

#[test]
fn a_larger_file_spans_several_batches_and_chunks() {
    // Enough rows for several 128 Ki-row batches and 4 MiB chunks; every 1000th row is a
    // duplicate of the row before it.
    let dir = tempfile::tempdir().unwrap();
    let countries = write(
        dir.path(),
        "country_codes_V202501.csv",
        COUNTRIES_V2025.as_bytes(),
    );
    let codes = [4, 56, 251, 398, 516, 699, 762, 842, 860];
    let mut data = String::from("t,i,j,k,v,q\n");
    let mut n = 0u64;
    let mut expected = 0u64;
    'outer: for i in codes {
        for j in codes {
            if i == j {
                continue;
            }
            for k in 10_000..32_000u32 {
                n += 1;
                if n.is_multiple_of(1000) {
                    data.push_str(&format!("2023,{i},{j},{},1.5,NA\n", k - 1));
                } else {
                    expected += 1;
                    data.push_str(&format!(
                        "2023,{i},{j},{k},{}.{:03},{}\n",
                        k % 977,
                        k % 1000,
                        k % 7
                    ));
                }
                if n == 400_000 {
                    break 'outer;
                }
            }
        }
    }
    let file = write(dir.path(), "BACI_HS92_Y2023_V202501.csv", data.as_bytes());
    let out = dir.path().join("store");
    let report = import_baci(&[file], &countries, None, &out, &ImportOptions::default()).unwrap();
    accounting_holds(&report);
    assert_eq!(report.rows_read(), 400_000);
    assert_eq!(report.rows_accepted(), expected);
    assert_eq!(report.rows_rejected(), 400);
    let store = Store::open(&out).unwrap();
    assert_eq!(store.row_count(steppe::Table::TradeFlows), expected);
    let f: Vec<TradeFlow> = store.records().unwrap();
    let total: f64 = f.iter().map(|r| r.value.unwrap()).sum();
    let want: f64 = f
        .iter()
        .map(|r| {
            let k: u32 = r.commodity_code.parse().unwrap();
            (k % 977) as f64 * 1000.0 + (k % 1000) as f64
        })
        .sum();
    assert_eq!(total, want);
}

/// An import whose rejected share passes `max_reject_rate` commits its rows and rejects (kept
/// for inspection) and then fails with `Error::RejectRate`; at the limit it succeeds.
#[test]
fn an_import_rejecting_more_than_the_maximum_share_commits_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (countries, file) = three_in_four_rejected(dir.path());
    let out = dir.path().join("store");
    let e = import_baci(
        std::slice::from_ref(&file),
        &countries,
        None,
        &out,
        &ImportOptions::default(),
    )
    .unwrap_err();
    match &e {
        steppe::Error::RejectRate {
            path,
            store,
            rejected,
            considered,
            top_reason,
            max_rate,
        } => {
            assert_eq!(path, &file);
            assert_eq!(store, &out);
            assert_eq!((*rejected, *considered), (3, 4));
            assert_eq!(*max_rate, steppe::import::DEFAULT_MAX_REJECT_RATE);
            assert_eq!(*max_rate, 0.5);
            let reason = top_reason.as_deref().unwrap();
            assert!(reason.ends_with(" (3)"), "{reason}");
        }
        other => panic!("expected RejectRate, got {other}"),
    }
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!(
            "{}: 3 of 4 rows (75 %) were rejected, most often ",
            file.display()
        )),
        "{msg}"
    );
    assert!(
        msg.contains(
            "above the maximum reject rate of 50 %; the rows and the rejects were committed"
        ),
        "{msg}"
    );
    // The core names no CLI flag; the caller adds its own spelling of the option.
    assert!(!msg.contains("--"), "{msg}");
    assert_eq!(e.remedy(), Some(steppe::Remedy::MaxRejectRate));
    // Committed: the accepted row, the three rejects and the summary are in the store.
    let store = valid(&out);
    assert_eq!(flows(&store).len(), 1);
    let r = rejects(&store);
    assert_eq!(r.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3, 4, 5]);
    let imports = &store.descriptor().steppe.imports;
    assert_eq!(imports.len(), 1);
    assert_eq!((imports[0].rows_read, imports[0].rows_rejected), (4, 3));
}

/// The 2025 country file and a year with one good row and three with a negative value (75 %
/// rejected), in `dir`.
fn three_in_four_rejected(dir: &Path) -> (PathBuf, PathBuf) {
    let countries = write(dir, "country_codes_V202501.csv", COUNTRIES_V2025.as_bytes());
    let file = write(
        dir,
        "BACI_HS92_Y2023_V202501.csv",
        b"t,i,j,k,v,q\n2023,762,860,010121,1.5,2\n2023,762,398,010121,-1,2\n\
          2023,762,4,010121,-2,2\n2023,860,762,010121,-3,2\n",
    );
    (countries, file)
}

/// A year with one reject (a negative value) in four rows, in `dir`.
fn one_in_four_rejected(dir: &Path) -> PathBuf {
    write(
        dir,
        "BACI_HS92_Y2022_V202501.csv",
        b"t,i,j,k,v,q\n2022,762,860,010121,1.5,2\n2022,762,398,010121,1.5,2\n\
          2022,762,4,010121,1.5,2\n2022,860,762,010121,-3,2\n",
    )
}

#[test]
fn a_higher_reject_limit_lets_the_share_through_and_a_strict_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (countries, file) = three_in_four_rejected(dir.path());
    // A higher limit lets the same share through; so does a share exactly at the limit.
    let out2 = dir.path().join("store2");
    let lenient = ImportOptions {
        max_reject_rate: 0.75,
        ..Default::default()
    };
    let report = import_baci(
        std::slice::from_ref(&file),
        &countries,
        None,
        &out2,
        &lenient,
    )
    .unwrap();
    assert_eq!((report.rows_accepted(), report.rows_rejected()), (1, 3));
    // A strict limit fails on one reject in four.
    let one_bad = one_in_four_rejected(dir.path());
    let strict = ImportOptions {
        max_reject_rate: 0.2,
        ..Default::default()
    };
    let e = import_baci(
        std::slice::from_ref(&one_bad),
        &countries,
        None,
        &out2,
        &strict,
    )
    .unwrap_err();
    assert!(e.to_string().contains("1 of 4 rows (25 %)"), "{e}");
    assert_eq!(valid(&out2).descriptor().steppe.imports.len(), 2);
}

#[test]
fn a_reject_limit_outside_0_to_1_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (countries, _) = three_in_four_rejected(dir.path());
    let one_bad = one_in_four_rejected(dir.path());
    // A limit outside 0..=1 is refused before anything is written.
    let out3 = dir.path().join("store3");
    for bad in [1.5, -0.1, f64::NAN] {
        let opts = ImportOptions {
            max_reject_rate: bad,
            ..Default::default()
        };
        let e = import_baci(
            std::slice::from_ref(&one_bad),
            &countries,
            None,
            &out3,
            &opts,
        )
        .unwrap_err();
        assert!(
            matches!(e, steppe::Error::InvalidArgument(ref m) if m.contains("maximum reject rate")),
            "{e}"
        );
    }
    assert!(!out3.exists());
}

/// Every year file is checked before anything is read: a missing one, a directory, or a name
/// that gives no year fails the import with nothing written, even when given last.
#[test]
fn every_year_file_is_checked_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let countries = write(
        dir.path(),
        "country_codes_V202501.csv",
        COUNTRIES_V2025.as_bytes(),
    );
    let good = write(
        dir.path(),
        "BACI_HS92_Y2022_V202501.csv",
        b"t,i,j,k,v,q\n2022,762,860,520100,10,1\n",
    );
    let out = dir.path().join("store");
    let unnamed = write(
        dir.path(),
        "trade.csv",
        b"t,i,j,k,v,q\n2022,762,860,520100,10,1\n",
    );
    let missing = dir.path().join("BACI_HS92_Y2023_V202501.csv");
    let folder = dir.path().join("BACI_HS92_Y2024_V202501.csv");
    std::fs::create_dir(&folder).unwrap();
    for (bad, says) in [
        (&unnamed, "cannot tell the HS revision and the year"),
        (&missing, "No such file"),
        (&folder, "is a directory"),
    ] {
        let files = [good.clone(), bad.clone()];
        for result in [
            steppe::import::baci::import_baci(
                &files,
                &countries,
                None,
                &out,
                &ImportOptions::default(),
            ),
            steppe::import::baci::import_baci_inputs(
                &files,
                &steppe::import::baci::BaciOptions {
                    country_codes: Some(countries.clone()),
                    ..Default::default()
                },
                &out,
                &ImportOptions::default(),
            ),
        ] {
            let err = result.unwrap_err().to_string();
            assert!(err.starts_with(&bad.display().to_string()), "{err}");
            assert!(err.contains(says), "{err}");
            assert!(!out.exists(), "{err}");
        }
    }
}

/// A year file as `.csv` and as a one-member `.zip`: in either order the second is the same
/// content, skipped; the zip's import record holds the year file's sha256.
#[test]
fn a_zipped_year_file_is_the_same_content_as_the_plain_one() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let countries = write(
        dir.path(),
        "country_codes_V202501.csv",
        COUNTRIES_V2025.as_bytes(),
    );
    let text = "t,i,j,k,v,q\n2022,762,860,520100,10,1\n2022,762,398,010121,2.5,NA\n";
    let csv = write(dir.path(), "BACI_HS92_Y2022_V202501.csv", text.as_bytes());
    let zip = dir.path().join("BACI_HS92_Y2022_V202501.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
    z.start_file(
        "BACI_HS92_Y2022_V202501.csv",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(text.as_bytes()).unwrap();
    z.finish().unwrap();
    let content = hex::encode(sha2::Sha256::digest(text.as_bytes()));
    for (i, (first, second)) in [(&csv, &zip), (&zip, &csv)].into_iter().enumerate() {
        let out = dir.path().join(format!("store-{i}"));
        let options = ImportOptions::default();
        let once = import_baci(
            std::slice::from_ref(first),
            &countries,
            None,
            &out,
            &options,
        );
        assert_eq!(once.unwrap().files.len(), 1);
        let again = import_baci(
            std::slice::from_ref(second),
            &countries,
            None,
            &out,
            &options,
        );
        let again = again.unwrap();
        assert!(again.files.is_empty(), "{again:?}");
        assert_eq!(again.skipped_files.len(), 1);
        let store = valid(&out);
        assert_eq!(flows(&store).len(), 2);
        let imports = &store.descriptor().steppe.imports;
        assert_eq!(imports.len(), 1);
        let expected = (first == &zip).then(|| content.clone());
        assert_eq!(imports[0].content_sha256, expected);
    }
}
