//! BACI release archives (`BACI_HS92_V202501.zip`) imported straight out of the zip: every
//! year file (or those of `years`), with the archive's country and product lists; each year's
//! Source is the year file's own content, so the unpacked file is recognised afterwards.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use steppe::import::baci::{import_baci_inputs, BaciOptions};
use steppe::import::ImportOptions;
use steppe::model::{Reject, Source, TradeFlow};
use steppe::{validate, Error, Store};

const COUNTRIES: &str = "country_code,country_name,country_iso2,country_iso3\n\
    398,Kazakhstan,KZ,KAZ\n762,Tajikistan,TJ,TJK\n860,Uzbekistan,UZ,UZB\n";
const PRODUCTS: &str = "code,description\n010121,Horses\n520100,Cotton\n";
const Y2022: &str = "t,i,j,k,v,q\n2022,762,860,520100,10,1\n2022,762,398,010121,2.5,NA\n";
const Y2023: &str = "t,i,j,k,v,q\n2023,762,860,520100,12,1\n2023,762,860,847130,1,1\n";

/// A release archive holding two years, the country and product files and a readme.
fn archive(dir: &Path, with_countries: bool) -> PathBuf {
    let path = dir.join("BACI_HS92_V202501.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let mut members = vec![
        ("Readme.txt", "BACI, HS92, release 202501".to_string()),
        ("BACI_HS92_Y2023_V202501.csv", Y2023.to_string()),
        ("BACI_HS92_Y2022_V202501.csv", Y2022.to_string()),
        ("product_codes_HS92_V202501.csv", PRODUCTS.to_string()),
    ];
    if with_countries {
        members.push(("country_codes_V202501.csv", COUNTRIES.to_string()));
    }
    for (name, text) in members {
        z.start_file(name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    path
}

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn valid(store: &Path) -> Store {
    let s = Store::open(store).unwrap();
    let report = validate(&s).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    s
}

#[test]
fn every_year_streams_out_of_the_archive_with_its_lists() {
    let dir = tempfile::tempdir().unwrap();
    let zip = archive(dir.path(), true);
    let out = dir.path().join("store");
    let report = import_baci_inputs(
        &[zip],
        &BaciOptions::default(),
        &out,
        &ImportOptions::default(),
    )
    .unwrap();
    let files: Vec<_> = report
        .files
        .iter()
        .map(|f| {
            (
                f.file.as_str(),
                f.rows_read,
                f.rows_accepted,
                f.rows_rejected,
            )
        })
        .collect();
    assert_eq!(
        files,
        vec![
            ("BACI_HS92_Y2022_V202501.csv", 2, 2, 0),
            ("BACI_HS92_Y2023_V202501.csv", 2, 1, 1),
        ]
    );
    // Each year's identity is its own content's sha256.
    assert_eq!(report.files[0].sha256, sha256(Y2022));
    assert_eq!(report.files[1].sha256, sha256(Y2023));

    let store = valid(&out);
    let mut flows: Vec<TradeFlow> = store.records().unwrap();
    flows.sort_by_key(|f| (f.year, f.source_line));
    let got: Vec<_> = flows
        .iter()
        .map(|f| {
            (
                f.year,
                f.partner_id.as_str(),
                f.commodity_code.as_str(),
                f.value,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (2022, "UZB", "520100", Some(10_000.0)),
            (2022, "KAZ", "010121", Some(2500.0)),
            (2023, "UZB", "520100", Some(12_000.0)),
        ]
    );
    // The archive's product list is used: 847130 is not in it.
    let rejects: Vec<Reject> = store.records().unwrap();
    assert_eq!(
        rejects
            .iter()
            .map(|r| (r.file.as_str(), r.line, r.reason.as_str()))
            .collect::<Vec<_>>(),
        vec![("BACI_HS92_Y2023_V202501.csv", 3, "unknown_code")]
    );
    // The companions' Sources are the archive's members, by content.
    let sources: Vec<Source> = store.records().unwrap();
    let by_prefix = |p: &str| {
        sources
            .iter()
            .find(|s| s.source_id.starts_with(p))
            .unwrap_or_else(|| panic!("{p}"))
    };
    let countries = by_prefix("baci-country-codes-");
    assert_eq!(
        countries.content_sha256.as_deref(),
        Some(sha256(COUNTRIES).as_str())
    );
    assert_eq!(countries.version.as_deref(), Some("V202501"));
    let products = by_prefix("baci-product-codes-");
    assert_eq!(
        products.content_sha256.as_deref(),
        Some(sha256(PRODUCTS).as_str())
    );
}

#[test]
fn years_select_a_range_and_the_rest_or_the_unpacked_file_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let zip = archive(dir.path(), true);
    let out = dir.path().join("store");
    let only_2023 = BaciOptions {
        years: Some(steppe::import::baci::parse_years("2023-2030").unwrap()),
        ..Default::default()
    };
    let report = import_baci_inputs(
        std::slice::from_ref(&zip),
        &only_2023,
        &out,
        &ImportOptions::default(),
    )
    .unwrap();
    let names: Vec<&str> = report.files.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(names, ["BACI_HS92_Y2023_V202501.csv"]);

    // The whole archive: 2023 is already in the store, 2022 is imported.
    let report = import_baci_inputs(
        std::slice::from_ref(&zip),
        &BaciOptions::default(),
        &out,
        &ImportOptions::default(),
    )
    .unwrap();
    let names: Vec<&str> = report.files.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(names, ["BACI_HS92_Y2022_V202501.csv"]);
    assert_eq!(report.skipped_files, ["BACI_HS92_Y2023_V202501.csv"]);

    // The unpacked 2022 file is the same content: skipped.
    let unpacked = dir.path().join("BACI_HS92_Y2022_V202501.csv");
    std::fs::write(&unpacked, Y2022).unwrap();
    let countries = dir.path().join("country_codes_V202501.csv");
    std::fs::write(&countries, COUNTRIES).unwrap();
    let with_countries = BaciOptions {
        country_codes: Some(countries),
        ..Default::default()
    };
    let report = import_baci_inputs(
        &[unpacked],
        &with_countries,
        &out,
        &ImportOptions::default(),
    )
    .unwrap();
    assert!(report.files.is_empty());
    assert_eq!(report.skipped_files, ["BACI_HS92_Y2022_V202501.csv"]);
    let flows: Vec<TradeFlow> = valid(&out).records().unwrap();
    assert_eq!(flows.len(), 3);
}

#[test]
fn missing_lists_or_years_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let zip = archive(dir.path(), false);
    let err = import_baci_inputs(
        std::slice::from_ref(&zip),
        &BaciOptions::default(),
        &out,
        &ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("BACI_HS92_V202501.zip"), "{err}");
    assert!(err.contains("no country_codes_*.csv"), "{err}");
    assert!(err.contains("--country-codes"), "{err}");

    let before_1995 = BaciOptions {
        years: Some(1990..=1994),
        ..Default::default()
    };
    let err = import_baci_inputs(&[zip], &before_1995, &out, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no BACI year file") && err.contains("1990-1994"),
        "{err}"
    );

    let year = dir.path().join("BACI_HS92_Y2022_V202501.csv");
    std::fs::write(&year, Y2022).unwrap();
    let err = import_baci_inputs(
        &[year],
        &BaciOptions::default(),
        &out,
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(m) if m.contains("--country-codes")),
        "{err:?}"
    );
    assert!(!out.exists());
}

/// The release archive in `dir`, its 2022 year file unpacked beside it, and the options an
/// unpacked year file needs (the release's country file).
fn archive_and_its_2022(dir: &Path) -> (PathBuf, PathBuf, BaciOptions) {
    let zip = archive(dir, true);
    let unpacked = dir.join("BACI_HS92_Y2022_V202501.csv");
    std::fs::write(&unpacked, Y2022).unwrap();
    let countries = dir.join("country_codes_V202501.csv");
    std::fs::write(&countries, COUNTRIES).unwrap();
    let with_countries = BaciOptions {
        country_codes: Some(countries),
        ..Default::default()
    };
    (zip, unpacked, with_countries)
}

/// The unpacked year imported first: the archive's copy of that year, known only once it is
/// read (one inflate), is dropped, replaced or refused as `reimport` says; the other year is
/// imported, and its Source carries the year file's own sha256 and size.
#[test]
fn a_year_already_imported_unpacked_is_recognised_after_the_archive_read_it() {
    use steppe::import::Reimport;
    let dir = tempfile::tempdir().unwrap();
    let (zip, unpacked, with_countries) = archive_and_its_2022(dir.path());
    let with = |reimport| ImportOptions {
        reimport,
        ..Default::default()
    };
    for policy in [Reimport::Skip, Reimport::Fail, Reimport::Replace] {
        let out = dir.path().join(format!("store-{policy:?}"));
        let first = import_baci_inputs(
            std::slice::from_ref(&unpacked),
            &with_countries,
            &out,
            &ImportOptions::default(),
        )
        .unwrap();
        let unpacked_id = first.files[0].source_id.clone();
        let result = import_baci_inputs(
            std::slice::from_ref(&zip),
            &BaciOptions::default(),
            &out,
            &with(policy),
        );
        let store = valid(&out);
        let flows: Vec<TradeFlow> = store.records().unwrap();
        let ids = |year: i16| {
            let mut ids: Vec<String> = flows
                .iter()
                .filter(|f| f.year == year)
                .map(|f| f.source_id.clone())
                .collect();
            ids.dedup();
            ids
        };
        let imports = &store.descriptor().steppe.imports;
        let of_2022: Vec<_> = imports
            .iter()
            .filter(|s| s.sha256 == sha256(Y2022))
            .collect();
        assert_eq!(of_2022.len(), 1, "{policy:?}: {imports:#?}");
        match policy {
            Reimport::Skip => {
                let report = result.unwrap();
                assert_eq!(report.skipped_files, ["BACI_HS92_Y2022_V202501.csv"]);
                assert_eq!(report.files.len(), 1);
                assert_eq!(ids(2022), std::slice::from_ref(&unpacked_id));
                assert_eq!(ids(2023).len(), 1);
                let source: Vec<Source> = store.records().unwrap();
                let y2023 = source.iter().find(|s| s.source_id == ids(2023)[0]).unwrap();
                assert_eq!(
                    y2023.content_sha256.as_deref(),
                    Some(sha256(Y2023).as_str())
                );
                assert_eq!(y2023.byte_size, Some(Y2023.len() as i64));
            }
            Reimport::Fail => {
                let err = result.unwrap_err();
                assert!(matches!(err, Error::AlreadyImported { .. }), "{err:?}");
                // Nothing of the archive was committed.
                assert_eq!(ids(2022), std::slice::from_ref(&unpacked_id));
                assert!(ids(2023).is_empty());
            }
            Reimport::Replace => {
                let report = result.unwrap();
                assert_eq!(report.files.len(), 2);
                let archive_id = report.files[0].source_id.clone();
                assert_ne!(archive_id, unpacked_id);
                assert_eq!(ids(2022), std::slice::from_ref(&archive_id));
                assert_eq!(of_2022[0].source_id, archive_id);
                assert_eq!(flows.iter().filter(|f| f.year == 2022).count(), 2);
            }
        }
    }
}

/// The archive imported first, then the unpacked year file: its content is the archive
/// year's (whose Source is named by the member), so it is skipped, refused, or replaces the
/// archive's copy: the store ends with one copy of the year, whatever the policy.
#[test]
fn an_unpacked_year_after_the_archive_leaves_one_copy_whatever_the_policy() {
    use steppe::import::Reimport;
    let dir = tempfile::tempdir().unwrap();
    let (zip, unpacked, with_countries) = archive_and_its_2022(dir.path());
    for policy in [Reimport::Skip, Reimport::Fail, Reimport::Replace] {
        let out = dir.path().join(format!("store-{policy:?}"));
        let first = import_baci_inputs(
            std::slice::from_ref(&zip),
            &BaciOptions::default(),
            &out,
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(first.files.len(), 2);
        let archive_id = first.files[0].source_id.clone();
        let options = ImportOptions {
            reimport: policy,
            ..Default::default()
        };
        let result = import_baci_inputs(
            std::slice::from_ref(&unpacked),
            &with_countries,
            &out,
            &options,
        );
        let store = valid(&out);
        let flows: Vec<TradeFlow> = store.records().unwrap();
        let of_2022: Vec<&TradeFlow> = flows.iter().filter(|f| f.year == 2022).collect();
        assert_eq!(of_2022.len(), 2, "{policy:?}: {of_2022:#?}");
        let imports = &store.descriptor().steppe.imports;
        let records: Vec<_> = imports
            .iter()
            .filter(|s| s.sha256 == sha256(Y2022))
            .collect();
        assert_eq!(records.len(), 1, "{policy:?}: {imports:#?}");
        let sources: Vec<Source> = store.records().unwrap();
        let year_sources: Vec<&Source> = sources
            .iter()
            .filter(|s| s.content_sha256.as_deref() == Some(sha256(Y2022).as_str()))
            .collect();
        assert_eq!(year_sources.len(), 1, "{policy:?}: {year_sources:#?}");
        let kept = &of_2022[0].source_id;
        assert!(of_2022.iter().all(|f| &f.source_id == kept));
        assert_eq!(&records[0].source_id, kept);
        assert_eq!(&year_sources[0].source_id, kept);
        match policy {
            Reimport::Skip => {
                let report = result.unwrap();
                assert_eq!(report.skipped_files, ["BACI_HS92_Y2022_V202501.csv"]);
                assert_eq!(kept, &archive_id);
            }
            Reimport::Fail => {
                let err = result.unwrap_err();
                assert!(matches!(err, Error::AlreadyImported { .. }), "{err:?}");
                assert_eq!(kept, &archive_id);
            }
            Reimport::Replace => {
                let report = result.unwrap();
                assert_eq!(report.files.len(), 1);
                assert_eq!(kept, &report.files[0].source_id);
                assert_ne!(kept, &archive_id);
            }
        }
        // The other year is untouched (its second row names a product the list lacks).
        assert_eq!(flows.iter().filter(|f| f.year == 2023).count(), 1);
    }
}

/// The release archive with its 2023 member stored (not deflated) and one byte of it changed,
/// so the member fails its CRC check once read to the end.
fn archive_with_a_corrupt_2023(dir: &Path) -> PathBuf {
    let path = dir.join("BACI_HS92_V202501.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let deflated = zip::write::SimpleFileOptions::default();
    let stored = deflated.compression_method(zip::CompressionMethod::Stored);
    for (name, text, opts) in [
        ("country_codes_V202501.csv", COUNTRIES, deflated),
        ("BACI_HS92_Y2022_V202501.csv", Y2022, deflated),
        ("BACI_HS92_Y2023_V202501.csv", Y2023, stored),
    ] {
        z.start_file(name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let row = b"2023,762,860,520100,12,1";
    let at = bytes.windows(row.len()).position(|w| w == row).unwrap();
    bytes[at + 21] = b'3';
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A member failing after an earlier year was committed: the error names the archive and the
/// member, says that member wrote nothing and which year was committed; a failed first import
/// leaves no store behind (nor anything in a folder that was there, empty, before; a
/// folder holding the user's files: `import::run`'s unit test).
#[test]
fn a_corrupt_member_names_itself_and_a_failed_first_import_leaves_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let zip = archive_with_a_corrupt_2023(dir.path());
    let member = "BACI_HS92_Y2023_V202501.csv";
    let out = dir.path().join("store");
    let err = import_baci_inputs(
        std::slice::from_ref(&zip),
        &BaciOptions::default(),
        &out,
        &ImportOptions::default(),
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{}: member {member}: ", zip.display())),
        "{message}"
    );
    assert!(
        message.contains(&format!("{member} wrote nothing"))
            && message.contains("BACI_HS92_Y2022_V202501.csv (2 rows accepted)"),
        "{message}"
    );
    let Error::PartlyImported {
        committed, failed, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(failed, member);
    let names: Vec<&str> = committed.files.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(names, ["BACI_HS92_Y2022_V202501.csv"]);
    let flows: Vec<TradeFlow> = valid(&out).records().unwrap();
    assert_eq!(flows.len(), 2);
    assert!(flows.iter().all(|f| f.year == 2022));

    // Only the corrupt year, into a new store: no store is left behind.
    let only_2023 = BaciOptions {
        years: Some(2023..=2023),
        ..Default::default()
    };
    let fresh = dir.path().join("fresh");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for out in [&fresh, &empty] {
        let err = import_baci_inputs(
            std::slice::from_ref(&zip),
            &only_2023,
            out,
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
        assert!(err.to_string().contains(member), "{err}");
    }
    assert!(!fresh.exists());
    let left: Vec<_> = std::fs::read_dir(&empty).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}
