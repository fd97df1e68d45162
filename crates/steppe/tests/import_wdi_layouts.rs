//! WDI layouts of one line per economy and year: Datahub's long one-indicator files and
//! open-numbers DDF datapoints (real files from `shared/`, skipped with a message when
//! absent) and DataBank exports with time in rows (small files written here).

mod common;

use std::path::{Path, PathBuf};

use steppe::import::wdi::{self, WdiOptions};
use steppe::import::{ImportOptions, ImportReport};
use steppe::model::{Entity, EntityType, Indicator, IndicatorObservation, Reject, Source};
use steppe::store::ImportSummary;
use steppe::Store;

const LONG_DIR: &str = "data-sources/world-bank-wdi/datasets-wdi-2026-07";
const DDF: &str = "data-sources/world-bank-wdi/open-numbers-ddf/ddf--datapoints--bx_trf_pwkr_dt_gd_zs--by--economy--year.SUBSET-CA8-WLD.csv";

fn import(files: &[PathBuf], out: &Path, indicator: Option<&str>) -> steppe::Result<ImportReport> {
    let wdi = WdiOptions {
        indicator: indicator.map(String::from),
        ..WdiOptions::default()
    };
    wdi::import(files, out, &wdi, &ImportOptions::default())
}

/// The one file's summary, its accounting checked.
fn only(r: &ImportReport) -> &ImportSummary {
    assert_eq!(r.files.len(), 1, "{r:?}");
    let s = &r.files[0];
    let skipped: u64 = s.rows_skipped.values().sum();
    assert_eq!(
        s.rows_read,
        s.rows_accepted + s.rows_rejected + skipped,
        "{s:?}"
    );
    s
}

fn valid(store: &Path) -> Store {
    let store = Store::open(store).unwrap();
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    store
}

/// The value of `entity` / `code` / `year`, which must be there exactly once.
fn value(store: &Store, entity: &str, code: &str, year: i16) -> f64 {
    let id = format!("wdi:{code}");
    let found: Vec<IndicatorObservation> = store
        .records::<IndicatorObservation>()
        .unwrap()
        .into_iter()
        .filter(|o| o.entity_id == entity && o.indicator_id == id && o.year == year)
        .collect();
    assert_eq!(found.len(), 1, "{entity} {code} {year}: {found:?}");
    found[0].value
}

fn entity(store: &Store, id: &str) -> Entity {
    let all = store.records::<Entity>().unwrap();
    all.into_iter()
        .find(|e| e.entity_id == id)
        .unwrap_or_else(|| panic!("no entity {id}"))
}

fn only_source(store: &Store) -> Source {
    let sources: Vec<Source> = store.records::<Source>().unwrap();
    let mine: Vec<Source> = sources
        .into_iter()
        .filter(|s| s.source_id.starts_with("wdi-"))
        .collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    mine.into_iter().next().unwrap()
}

#[test]
fn long_remittances_take_the_indicator_from_the_datapackage() {
    let Some(data) = common::shared_file(&format!("{LONG_DIR}/bx.trf.pwkr.cd.dt/data.csv")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let report = import(&[data], &out, None).unwrap();
    let s = only(&report);
    // 9,576 data rows (PROVENANCE.md §1a), every one a value.
    assert_eq!(
        (s.rows_read, s.rows_accepted, s.rows_rejected),
        (9576, 9576, 0)
    );
    let store = valid(&out);
    let code = "BX.TRF.PWKR.CD.DT";
    assert_eq!(value(&store, "TJK", code, 2020), 2186807504.316);
    assert_eq!(value(&store, "TJK", code, 2024), 6801890973.46099);
    assert_eq!(value(&store, "KGZ", code, 2023), 2862985350.44172);
    // Aggregates are not flagged in the file: codes the crosswalk lacks become aggregates.
    assert_eq!(entity(&store, "WLD").entity_type, EntityType::World);
    assert_eq!(entity(&store, "ECS").entity_type, EntityType::Aggregate);
    assert_eq!(entity(&store, "XKX").entity_type, EntityType::Country);
    let ind: Vec<Indicator> = store.records::<Indicator>().unwrap();
    let ind = ind
        .iter()
        .find(|i| i.indicator_id == "wdi:BX.TRF.PWKR.CD.DT")
        .unwrap();
    assert_eq!(ind.name, "Personal remittances, received (current US$)");
    let definition = ind.definition.as_deref().unwrap();
    assert!(
        definition.starts_with("Personal remittances comprise"),
        "{definition}"
    );
    assert_eq!(ind.license.as_deref(), Some("CC-BY-4.0"));
    let source = only_source(&store);
    assert_eq!(source.license.as_deref(), Some("CC-BY-4.0"));
    assert!(source.publisher.as_deref().unwrap().contains("Datahub"));
    let title = source.title.unwrap();
    assert!(
        title.contains("BX.TRF.PWKR.CD.DT") && title.contains("data.csv"),
        "{title}"
    );
    let note = source.note.unwrap();
    assert!(
        note.contains("Last Updated Date") && note.contains("commit"),
        "{note}"
    );
    assert_eq!(source.version, None);
}

#[test]
fn long_gdp_reads_2025() {
    let Some(data) = common::shared_file(&format!("{LONG_DIR}/ny.gdp.mktp.cd/data.csv")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let report = import(&[data], &out, None).unwrap();
    let s = only(&report);
    assert_eq!((s.rows_read, s.rows_accepted), (14743, 14743));
    let store = valid(&out);
    assert_eq!(
        value(&store, "TJK", "NY.GDP.MKTP.CD", 2025),
        17660626562.4832
    );
    assert_eq!(
        value(&store, "TJK", "NY.GDP.MKTP.CD", 2022),
        10713525200.3998
    );
}

/// A long file written here, with no datapackage beside it.
fn long_file(dir: &Path) -> PathBuf {
    let p = dir.join("remit.csv");
    let text = "Country Name,Country Code,Year,Value\r\n\
                Tajikistan,TJK,2020,2186807504.316\r\n\
                World,WLD,2020,1.5\r\n\
                Kyrgyz Republic,KGZ,2020,2.5\r\n\
                Uzbekistan,UZB,2020,3.5\r\n\
                Tajikistan,TJK,20x0,1\r\n\
                Tajikistan,TJK,2021,abc\r\n\
                Tajikistan,TJK,2020,2\r\n\
                Tajikistan,TJK,2022,\r\n";
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn long_without_a_datapackage_needs_the_indicator() {
    let dir = tempfile::tempdir().unwrap();
    let data = long_file(dir.path());
    let out = dir.path().join("store");
    let err = import(std::slice::from_ref(&data), &out, None).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("remit.csv") && msg.contains("datapackage.json"),
        "{msg}"
    );
    assert!(
        msg.contains("--indicator") && msg.contains("indicator="),
        "{msg}"
    );
    assert!(!out.exists(), "nothing is written");
    let err = import(std::slice::from_ref(&data), &out, Some("not a code")).unwrap_err();
    assert!(
        err.to_string().contains("not a WDI indicator code"),
        "{err}"
    );

    let report = import(&[data], &out, Some("bx.trf.pwkr.cd.dt")).unwrap();
    let s = only(&report);
    assert_eq!((s.rows_read, s.rows_accepted, s.rows_rejected), (8, 4, 3));
    assert_eq!(s.rows_skipped.get("no_values"), Some(&1));
    let store = valid(&out);
    assert_eq!(
        value(&store, "TJK", "BX.TRF.PWKR.CD.DT", 2020),
        2186807504.316
    );
    assert_eq!(value(&store, "WLD", "BX.TRF.PWKR.CD.DT", 2020), 1.5);
    let rejects: Vec<Reject> = store.records::<Reject>().unwrap();
    let mut got: Vec<(i64, &str, &str)> = rejects
        .iter()
        .map(|r| (r.line, r.field.as_deref().unwrap(), r.reason.as_str()))
        .collect();
    got.sort();
    let want = [
        (6, "Year", "malformed_year"),
        (7, "Value", "malformed_number"),
        (8, "Year", "duplicate_row"),
    ];
    assert_eq!(got, want);
    let ind: Vec<Indicator> = store.records::<Indicator>().unwrap();
    assert_eq!(ind[0].name, "BX.TRF.PWKR.CD.DT", "name only, from the code");
}

#[test]
fn ddf_datapoints_subset() {
    let Some(data) = common::shared_file(DDF) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let report = import(&[data], &out, None).unwrap();
    let s = only(&report);
    // 233 data rows (PROVENANCE.md §1c).
    assert_eq!(
        (s.rows_read, s.rows_accepted, s.rows_rejected),
        (233, 233, 0)
    );
    let store = valid(&out);
    let code = "BX.TRF.PWKR.DT.GD.ZS";
    assert_eq!(value(&store, "TJK", code, 2020), 26.8848943162);
    assert_eq!(value(&store, "TJK", code, 2023), 37.8445781946);
    assert_eq!(value(&store, "WLD", code, 2023), 0.7875015028);
    assert_eq!(value(&store, "TKM", code, 1996), 0.1858110968);
    let world = entity(&store, "WLD");
    assert_eq!(
        (world.entity_type, world.name.as_str()),
        (EntityType::World, "World")
    );
    let source = only_source(&store);
    assert!(source.title.unwrap().contains("SUBSET-CA8-WLD"));
    assert!(source.publisher.unwrap().contains("open-numbers"));
    assert_eq!(source.license.as_deref(), Some("CC-BY-4.0"));
    assert!(source.note.unwrap().contains("SUBSET"));
}

#[test]
fn databank_time_in_rows() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Data_Extract_From_World_Development_Indicators.csv");
    let text = "\u{feff}Time,Time Code,Country Name,Country Code,GDP (current US$) [NY.GDP.MKTP.CD],\"Personal remittances, received (% of GDP) [BX.TRF.PWKR.DT.GD.ZS]\"\r\n\
                2020,YR2020,Tajikistan,TJK,8133963550.65742,26.9\r\n\
                2021,YR2021,Tajikistan,TJK,..,33.4\r\n\
                2020,YR2020,Kyrgyz Republic,KGZ,..,..\r\n\
                2020,YR2020,World,WLD,8.5e13,0.8\r\n\
                2022,YR2022,Tajikistan,TJK,1.2.3,1\r\n\
                \r\n\
                Data from database: World Development Indicators,,,,,\r\n\
                Last Updated: 10/24/2024,,,,,\r\n";
    std::fs::write(&p, text).unwrap();
    let out = dir.path().join("store");
    let report = import(&[p], &out, None).unwrap();
    let s = only(&report);
    assert_eq!((s.rows_read, s.rows_accepted, s.rows_rejected), (7, 3, 1));
    assert_eq!(s.rows_skipped.get("no_values"), Some(&1));
    assert_eq!(s.rows_skipped.get("footer"), Some(&2));
    let store = valid(&out);
    assert_eq!(
        value(&store, "TJK", "NY.GDP.MKTP.CD", 2020),
        8133963550.65742
    );
    assert_eq!(value(&store, "TJK", "BX.TRF.PWKR.DT.GD.ZS", 2021), 33.4);
    assert_eq!(value(&store, "WLD", "NY.GDP.MKTP.CD", 2020), 8.5e13);
    let n = store.records::<IndicatorObservation>().unwrap().len();
    assert_eq!(n, 5, "`..` is missing, not zero");
    let ind: Vec<Indicator> = store.records::<Indicator>().unwrap();
    let gdp = ind
        .iter()
        .find(|i| i.indicator_id == "wdi:NY.GDP.MKTP.CD")
        .unwrap();
    assert_eq!(gdp.name, "GDP (current US$)");
    let rejects: Vec<Reject> = store.records::<Reject>().unwrap();
    assert_eq!(rejects.len(), 1);
    assert_eq!(
        rejects[0].field.as_deref(),
        Some("GDP (current US$) [NY.GDP.MKTP.CD]")
    );
    assert!(only_source(&store).title.unwrap().contains("time in rows"));
}

#[test]
fn an_unknown_header_names_what_was_found_and_the_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("odd.csv");
    std::fs::write(&p, "country,year,gdp\nTJK,2020,1\n").unwrap();
    let err = import(&[p], &dir.path().join("store"), None).unwrap_err();
    let msg = err.to_string();
    for part in [
        "odd.csv",
        "country,year,gdp",
        "Country Name,Country Code,Year,Value",
    ] {
        assert!(msg.contains(part), "{part}: {msg}");
    }
    assert!(
        msg.contains("economy,year,<indicator>") && msg.contains("Time,Time Code"),
        "{msg}"
    );
}

/// A WDI file re-saved with semicolons is refused before the store is made; the message
/// names the delimiter found and how to fix it.
#[test]
fn a_semicolon_separated_wdi_file_names_its_delimiter() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wdi.csv");
    std::fs::write(
        &file,
        "Country Name;Country Code;Indicator Name;Indicator Code;2019;2020\nTajikistan;TJK;GDP (current US$);NY.GDP.MKTP.CD;8300000000;8100000000\n",
    )
    .unwrap();
    let out = dir.path().join("store");
    let message = import(&[file], &out, None).unwrap_err().to_string();
    assert!(
        message.contains(
            "the header is separated by `;`, not commas: re-save the file comma-separated"
        ),
        "{message}"
    );
    assert!(!out.exists());
}

const API_DIR: &str = "data-sources/world-bank-wdi/wb-api-2024-10-gdp";
const API_NAME: &str = "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_9865";

/// `dir/<API_NAME>.zip` holding `members` (names in `shared/API_DIR`, or `(name, text)`
/// written as given), in that order.
fn api_zip(dir: &Path, members: &[(String, Vec<u8>)]) -> PathBuf {
    use std::io::Write;
    let path = dir.join(format!("{API_NAME}.zip"));
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (name, bytes) in members {
        z.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
    path
}

/// The World Bank's per-indicator download zip (metadata member first, as the World Bank
/// orders them) imports as its three CSV files would: the same rows, the same Sources (each
/// member is identified by its own content), so the unpacked data file is then skipped.
#[test]
fn the_api_download_zip_is_read_as_its_csv_files() {
    let Some(dir_shared) = common::shared_file(API_DIR) else {
        return;
    };
    let names = [
        format!("Metadata_Indicator_{API_NAME}.csv"),
        format!("{API_NAME}.csv"),
        format!("Metadata_Country_{API_NAME}.csv"),
    ];
    let csvs: Vec<PathBuf> = names.iter().map(|n| dir_shared.join(n)).collect();
    let members: Vec<(String, Vec<u8>)> = names
        .iter()
        .zip(&csvs)
        .map(|(n, p)| (n.clone(), std::fs::read(p).unwrap()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let zip = api_zip(dir.path(), &members);
    assert_eq!(wdi::detect(&zip).unwrap(), wdi::WdiFileKind::Data);

    let from_zip = dir.path().join("zip_store");
    let zr = import(std::slice::from_ref(&zip), &from_zip, None).unwrap();
    let from_csv = dir.path().join("csv_store");
    let cr = import(&csvs, &from_csv, None).unwrap();
    let summary = |r: &ImportReport| {
        let mut s: Vec<(String, String, u64, u64)> = r
            .files
            .iter()
            .map(|f| {
                (
                    f.file.clone(),
                    f.source_id.clone(),
                    f.rows_read,
                    f.rows_accepted,
                )
            })
            .collect();
        s.sort();
        s
    };
    assert_eq!(summary(&zr).len(), 3);
    assert_eq!(summary(&zr), summary(&cr));
    let (a, b) = (valid(&from_zip), valid(&from_csv));
    for (entity, year) in [("TJK", 2022), ("KAZ", 2000), ("WLD", 2023)] {
        assert_eq!(
            value(&a, entity, "NY.GDP.MKTP.CD", year),
            value(&b, entity, "NY.GDP.MKTP.CD", year)
        );
    }
    let rows = |s: &Store| s.records::<IndicatorObservation>().unwrap().len();
    assert_eq!(rows(&a), rows(&b));
    assert!(rows(&a) > 10_000, "{}", rows(&a));

    let again = import(&csvs[1..2], &from_zip, None).unwrap();
    assert_eq!(again.skipped_files, vec![format!("{API_NAME}.csv")]);
}

/// A zip that is not the API download (another member, or no `API_*.csv`) is refused before
/// the store is made, naming the zip and what it holds.
#[test]
fn another_wdi_zip_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    for members in [
        vec![("WDICSV.csv".to_string(), b"Country Name\n".to_vec())],
        vec![
            (format!("{API_NAME}.csv"), b"Country Name\n".to_vec()),
            ("notes.txt".to_string(), b"hello\n".to_vec()),
        ],
    ] {
        let zip = api_zip(dir.path(), &members);
        let message = import(&[zip], &out, None).unwrap_err().to_string();
        assert!(message.contains(&format!("{API_NAME}.zip")), "{message}");
        assert!(message.contains("per-indicator API download"), "{message}");
        assert!(message.contains(&members[0].0), "{message}");
        assert!(!out.exists());
    }
}
