//! UCDP/PRIO Armed Conflict Dataset importer: the two releases in `shared/data-sources/ucdp/`
//! (23.1 in UCDP's layout, 25.1 re-saved through a spreadsheet), and small files the tests
//! write for bad input and for stores written before the `conflicts` table existed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use steppe::import::{ucdp_acd, ImportOptions, ImportReport};
use steppe::model::{Conflict, ConflictType, Incompatibility, IntensityLevel, Reject, Source};
use steppe::store::ImportSummary;
use steppe::{Error, Store, Table};

mod common;

const V23: &str = "data-sources/ucdp/v23_1/UcdpPrioConflict_v23_1.csv";
const V25: &str = "data-sources/ucdp/v25_1-excel-resave/UcdpPrioConflict_v25_1.csv";

const HEADER: &str = "conflict_id,location,side_a,side_a_id,side_a_2nd,side_b,side_b_id,\
side_b_2nd,incompatibility,territory_name,year,intensity_level,cumulative_intensity,\
type_of_conflict,start_date,start_prec,start_date2,start_prec2,ep_end,ep_end_date,ep_end_prec,\
gwno_a,gwno_a_2nd,gwno_b,gwno_b_2nd,gwno_loc,region,version";

/// Conflict 395's 1992 row of 23.1, as published.
const TAJIK_1992: &str = r#""395","Tajikistan","Government of Tajikistan","131","Government of Uzbekistan","PFT, UTO","1186, 345","Government of Uzbekistan","2","","1992","2","1","4","1992-05-05","1","1992-05-10","1","0","","","702","704","","704","702","3","23.1""#;

fn balanced(s: &ImportSummary) {
    let skipped: u64 = s.rows_skipped.values().sum();
    assert_eq!(
        s.rows_read,
        s.rows_accepted + s.rows_rejected + skipped,
        "{s:?}"
    );
}

fn import(files: &[PathBuf], out: &Path) -> ImportReport {
    let options = ImportOptions {
        max_reject_rate: 1.0,
        ..Default::default()
    };
    let r = ucdp_acd::import(files, out, &options).unwrap();
    for f in &r.files {
        balanced(f);
    }
    r
}

fn valid(store: &Path) -> Store {
    let store = Store::open(store).unwrap();
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    store
}

/// The conflict-years of one source, by (conflict id, year).
fn by_key(store: &Store, source_id: &str) -> HashMap<(i32, i16), Conflict> {
    let rows: Vec<Conflict> = store.records().unwrap();
    rows.into_iter()
        .filter(|c| c.source_id == source_id)
        .map(|c| ((c.conflict_id, c.year), c))
        .collect()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn ids(v: &[&str]) -> Vec<Option<String>> {
    v.iter().map(|s| Some(s.to_string())).collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// 23.1: every row read, the Tajik civil war by year, the Kyrgyz-Tajik border conflict, and
/// the release cited on every row.
#[test]
fn release_23_1_in_ucdps_layout() {
    let Some(file) = common::shared_file(V23) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let report = import(&[file], &out);
    let f = &report.files[0];
    assert_eq!(
        (f.rows_read, f.rows_accepted, f.rows_rejected),
        (2626, 2626, 0)
    );
    assert_eq!(f.rows_written["conflicts"], 2626);
    let store = valid(&out);
    let rows = by_key(&store, &f.source_id);
    assert_eq!(rows.len(), 2626);

    // The Tajik civil war (conflict 395): intensity by year, 1992-1998.
    let intensity: Vec<(i16, IntensityLevel)> = (1992..=1998)
        .map(|y| (y, rows[&(395, y)].intensity_level))
        .collect();
    use IntensityLevel::{Minor, War};
    let expected = [War, War, Minor, Minor, War, Minor, Minor];
    assert_eq!(intensity, (1992..=1998).zip(expected).collect::<Vec<_>>());
    let y1992 = &rows[&(395, 1992)];
    assert_eq!(y1992.side_b, "PFT, UTO");
    assert_eq!(y1992.side_b_id, strings(&["1186", "345"]));
    assert_eq!(y1992.side_a, "Government of Tajikistan");
    assert_eq!(y1992.side_a_id, strings(&["131"]));
    assert_eq!(
        y1992.side_a_2nd.as_deref(),
        Some("Government of Uzbekistan")
    );
    assert_eq!(y1992.gwno_a_2nd, strings(&["704"]));
    assert_eq!(y1992.side_a_2nd_entity_ids, ids(&["UZB"]));
    assert_eq!(y1992.gwno_loc, strings(&["702"]));
    assert_eq!(y1992.location_entity_ids, ids(&["TJK"]));
    assert_eq!(y1992.side_a_entity_ids, ids(&["TJK"]));
    assert!(y1992.gwno_b.is_empty() && y1992.side_b_entity_ids.is_empty());
    assert_eq!(y1992.incompatibility, Incompatibility::Government);
    assert_eq!(
        y1992.type_of_conflict,
        ConflictType::InternationalizedIntrastate
    );
    assert!(y1992.cumulative_intensity);
    assert_eq!(
        (y1992.start_date, y1992.start_prec),
        (date(1992, 5, 5), Some(1))
    );
    assert_eq!(y1992.start_date2, date(1992, 5, 10));
    assert_eq!(y1992.region, strings(&["asia"]));
    assert_eq!(y1992.version, "23.1");
    assert_eq!(y1992.source_line, Some(2375));
    // 1993: Russia and Uzbekistan as secondary parties of side A.
    assert_eq!(
        rows[&(395, 1993)].side_a_2nd_entity_ids,
        ids(&["RUS", "UZB"])
    );
    let y1998 = &rows[&(395, 1998)];
    assert!(y1998.ep_end);
    assert_eq!(y1998.ep_end_date, date(1998, 11, 16));
    assert_eq!(y1998.type_of_conflict, ConflictType::Intrastate);
    assert!(!rows[&(395, 1997)].ep_end && rows[&(395, 1997)].ep_end_date.is_none());

    // Kyrgyzstan-Tajikistan (conflict 13324): the common border, interstate.
    for year in [2021, 2022] {
        let c = &rows[&(13324, year)];
        assert_eq!(c.location, "Kyrgyzstan, Tajikistan");
        assert_eq!(c.gwno_loc, strings(&["702", "703"]));
        assert_eq!(c.location_entity_ids, ids(&["TJK", "KGZ"]));
        assert_eq!(c.side_a_entity_ids, ids(&["KGZ"]));
        assert_eq!(c.side_b_entity_ids, ids(&["TJK"]));
        assert_eq!(c.incompatibility, Incompatibility::Territory);
        assert_eq!(c.territory_name.as_deref(), Some("Common Border"));
        assert_eq!(c.type_of_conflict, ConflictType::Interstate);
        assert_eq!(c.intensity_level, IntensityLevel::Minor);
        assert_eq!(c.start_date, date(2014, 7, 10));
    }
    // An extrasystemic conflict: Cambodia (G&W 811) was no state in 1946, so the code is
    // kept without an entity; France (220) is one.
    let cambodia = &rows[&(201, 1946)];
    assert_eq!(cambodia.gwno_loc, strings(&["811"]));
    assert_eq!(cambodia.location_entity_ids, vec![None]);
    assert_eq!(cambodia.side_a_entity_ids, ids(&["FRA"]));
    assert_eq!(cambodia.type_of_conflict, ConflictType::Extrasystemic);

    // Every row cites the release: UCDP/PRIO, CC BY 4.0, the file's sha256 and version.
    let source = store
        .records::<Source>()
        .unwrap()
        .into_iter()
        .find(|s| s.source_id == f.source_id)
        .unwrap();
    assert_eq!(source.version.as_deref(), Some("23.1"));
    assert_eq!(source.license.as_deref(), Some("CC-BY-4.0"));
    assert!(source.publisher.as_deref().unwrap().contains("PRIO"));
    assert_eq!(
        source.content_sha256.as_deref(),
        Some("300dadc288a992536b491ed9f7d871917992396acaaa698f635aaec73618a0de")
    );
    assert_eq!(
        source.title.as_deref(),
        Some("UCDP/PRIO Armed Conflict Dataset 23.1")
    );
    let note = source.note.unwrap();
    assert!(
        note.contains("UCDP's original (comma-separated, ISO dates)"),
        "{note}"
    );
    assert!(rows
        .values()
        .all(|c| c.version == "23.1" && c.source_line.is_some()));
}

/// 25.1 as re-saved through a spreadsheet: semicolons, D-M-YYYY dates, CRLF, and one record
/// split over lines 42-43, rejected on both lines.
#[test]
fn release_25_1_resaved_through_a_spreadsheet() {
    let Some(file) = common::shared_file(V25) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let report = import(&[file], &out);
    let f = &report.files[0];
    assert_eq!(
        (f.rows_read, f.rows_accepted, f.rows_rejected),
        (2752, 2750, 2)
    );
    assert_eq!(f.rejected_by_reason["split_record"], 2);
    let store = valid(&out);
    let rejects: Vec<Reject> = store.records().unwrap();
    let lines: Vec<(i64, Option<&str>)> = rejects
        .iter()
        .map(|r| (r.line, r.field.as_deref()))
        .collect();
    assert_eq!(lines, [(42, Some("year")), (43, None)]);
    assert!(rejects[0]
        .raw
        .starts_with("11349;China;Government of China;135;;ETIM"));
    assert!(rejects[1].raw.starts_with(";2008;1;0;3;5-4-1990"));
    assert!(rejects[1].detail.as_deref().unwrap().contains("line 42"));

    let rows = by_key(&store, &f.source_id);
    assert_eq!(rows.len(), 2750);
    assert!(!rows.contains_key(&(11349, 2008)));
    let y1992 = &rows[&(395, 1992)];
    assert_eq!(y1992.side_b, "PFT, UTO");
    assert_eq!(y1992.start_date, date(1992, 5, 5));
    assert_eq!(y1992.version, "25.1");
    let border = &rows[&(13324, 2022)];
    assert_eq!(border.start_date, date(2014, 7, 10));
    assert_eq!(border.start_date2, date(2021, 5, 1));
    assert_eq!(
        (border.ep_end, border.ep_end_date),
        (true, date(2022, 9, 18))
    );
    assert_eq!(border.location_entity_ids, ids(&["TJK", "KGZ"]));
    // New in 25.1: Tajikistan against IS, 2018-2019.
    for year in [2018, 2019] {
        let c = &rows[&(16292, year)];
        assert_eq!(
            (c.location.as_str(), c.side_b.as_str()),
            ("Tajikistan", "IS")
        );
        assert_eq!(c.location_entity_ids, ids(&["TJK"]));
        assert_eq!(c.territory_name.as_deref(), Some("Islamic State"));
    }
    assert_eq!(rows[&(16292, 2019)].ep_end_date, date(2019, 11, 6));
    // A quoted name holding the delimiter's neighbour and doubled quotes.
    assert_eq!(
        rows[&(222, 1948)].side_b,
        "CPB, CPB-RF, PVO - \"White Band\" faction"
    );

    let source = store
        .records::<Source>()
        .unwrap()
        .into_iter()
        .find(|s| s.source_id == f.source_id)
        .unwrap();
    assert_eq!(source.version.as_deref(), Some("25.1"));
    assert_eq!(
        source.title.as_deref(),
        Some("UCDP/PRIO Armed Conflict Dataset 25.1 (a spreadsheet re-save)")
    );
    let note = source.note.unwrap();
    assert!(note.contains("a re-save, not UCDP's own (semicolon-separated, D-M-YYYY dates)"));
}

/// Both releases in one store: conflict-years they share agree on everything but the release,
/// and `steppe validate` is clean.
#[test]
fn both_releases_agree_on_shared_conflict_years() {
    let (Some(v23), Some(v25)) = (common::shared_file(V23), common::shared_file(V25)) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let report = import(&[v23, v25], &out);
    let store = valid(&out);
    let old = by_key(&store, &report.files[0].source_id);
    let new = by_key(&store, &report.files[1].source_id);
    let sample: Vec<(i32, i16)> = (1992..=1998)
        .chain([2000, 2010, 2011])
        .map(|y| (395, y))
        .chain([(415, 1999), (415, 2000), (415, 2004), (13324, 2021)])
        .collect();
    for key in &sample {
        let (a, b) = (&old[key], &new[key]);
        let same = Conflict {
            version: a.version.clone(),
            source_id: a.source_id.clone(),
            source_line: a.source_line,
            ..b.clone()
        };
        assert_eq!(a, &same, "{key:?}");
    }
    // 13324's 2022 changed between the releases: the episode ended on 2022-09-18.
    assert!(!old[&(13324, 2022)].ep_end && new[&(13324, 2022)].ep_end);
    // The conflicts table answers a country query by location or side.
    let tjk = store
        .read(
            Table::Conflicts,
            &steppe::ReadOptions {
                filter: steppe::Filter::all().and(steppe::Predicate::ListContains {
                    column: "location_entity_ids".into(),
                    values: vec!["TJK".into()],
                }),
                ..Default::default()
            },
        )
        .unwrap();
    // 23.1: 395 x 10 years + 13324 x 2; 25.1 adds 16292 x 2.
    assert_eq!(tjk.num_rows(), 12 + 14);
}

/// Bad input: a malformed date or G&W code is rejected naming line and field; a G&W number
/// the crosswalk lacks keeps its code with a null entity id; a duplicate conflict-year is
/// rejected.
#[test]
fn bad_input_is_rejected_with_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let rows = [
        TAJIK_1992.to_string(),                                 // 2
        TAJIK_1992.replace("\"1992-05-10\"", "\"1992-13-45\""), // 3: bad date
        TAJIK_1992
            .replace("\"1992\",\"2\"", "\"1993\",\"2\"") // 4: unknown G&W
            .replace(
                "\"702\",\"704\",\"\",\"704\"",
                "\"702\",\"999\",\"\",\"704\"",
            ),
        TAJIK_1992
            .replace("\"1992\",\"2\"", "\"1994\",\"2\"") // 5: malformed code
            .replace("\"702\",\"3\"", "\"7O2\",\"3\""),
        TAJIK_1992.replace("\"1992\",\"2\"", "\"1995\",\"3\""), // 6: intensity 3
        TAJIK_1992.to_string(),                                 // 7: duplicate
    ];
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    let path = write(dir.path(), "UcdpPrioConflict_v23_1.csv", &text);
    let report = import(&[path], &out);
    let f = &report.files[0];
    assert_eq!((f.rows_read, f.rows_accepted, f.rows_rejected), (6, 2, 4));
    let store = valid(&out);
    let rejects: Vec<Reject> = store.records().unwrap();
    let got: Vec<(i64, Option<&str>, &str)> = rejects
        .iter()
        .map(|r| (r.line, r.field.as_deref(), r.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (3, Some("start_date2"), "malformed_date"),
            (5, Some("gwno_loc"), "malformed_code"),
            (6, Some("intensity_level"), "out_of_range"),
            (7, Some("conflict_id"), "duplicate_id"),
        ]
    );
    assert!(rejects[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("`1992-13-45`"));
    let rows = by_key(&store, &f.source_id);
    let unknown = &rows[&(395, 1993)];
    assert_eq!(unknown.gwno_a_2nd, strings(&["999"]));
    assert_eq!(unknown.side_a_2nd_entity_ids, vec![None]);
}

/// A re-save's dates are read day first; an ISO date there is refused naming the field.
#[test]
fn semicolon_resave_reads_day_month_year() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let line = "13324;Kyrgyzstan, Tajikistan;Government of Kyrgyzstan;132;;Government of \
                Tajikistan;131;;1;Common Border;2022;1;0;2;10-7-2014;1;1-5-2021;2;1;18-9-2022;;\
                703;;702;;702, 703;3;25.1";
    let iso = line
        .replace(";2022;", ";2021;")
        .replace("10-7-2014", "2014-07-10");
    let text = format!("{}\r\n{line}\r\n{iso}\r\n", HEADER.replace(',', ";"));
    let path = write(dir.path(), "UcdpPrioConflict_v25_1.csv", &text);
    let report = import(&[path], &out);
    let f = &report.files[0];
    assert_eq!((f.rows_read, f.rows_accepted, f.rows_rejected), (2, 1, 1));
    let store = valid(&out);
    let rejects: Vec<Reject> = store.records().unwrap();
    assert_eq!(
        (rejects[0].line, rejects[0].field.as_deref()),
        (3, Some("start_date"))
    );
    assert!(rejects[0].detail.as_deref().unwrap().contains("D-M-YYYY"));
    let c = &by_key(&store, &f.source_id)[&(13324, 2022)];
    assert_eq!(c.ep_end_date, date(2022, 9, 18));
    assert_eq!(c.location_entity_ids, ids(&["TJK", "KGZ"]));
}

/// A file of another kind is refused before anything is written, naming the missing column.
#[test]
fn another_file_is_refused_naming_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let path = write(dir.path(), "ged.csv", "id,year,side_a\n1,1992,x\n");
    let err = ucdp_acd::import(&[path], &out, &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Format { .. }), "{err}");
    assert!(err.to_string().contains("`conflict_id`"), "{err}");
    assert!(!out.join("datapackage.json").exists());
}

/// A store written before schema v3 (no `conflicts` resource, schema_version 2) opens, reads
/// an empty `conflicts` table, validates, and takes an ACD import.
#[test]
fn a_store_written_before_the_conflicts_table_opens_and_takes_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let path = write(dir.path(), "a.csv", &format!("{HEADER}\n{TAJIK_1992}\n"));
    import(&[path], &out);
    // Make it what a v2 writer left: no conflicts resource, schema version 2.
    let desc = out.join("datapackage.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&desc).unwrap()).unwrap();
    json["resources"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["name"] != "conflicts");
    json["steppe"]["schema_version"] = 2.into();
    json["steppe"]["imports"] = serde_json::json!([]);
    std::fs::write(&desc, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
    std::fs::remove_dir_all(out.join("conflicts")).unwrap();

    let old = Store::open(&out).unwrap();
    assert_eq!(old.descriptor().steppe.schema_version, 2);
    assert_eq!(old.read_all(Table::Conflicts).unwrap().num_rows(), 0);
    assert!(old.read_all(Table::Entities).unwrap().num_rows() > 200);
    assert!(steppe::validate(&old).unwrap().is_ok());

    let later = TAJIK_1992.replace("\"1992\",\"2\"", "\"1993\",\"2\"");
    let path = write(dir.path(), "b.csv", &format!("{HEADER}\n{later}\n"));
    let again = import(&[path], &out);
    assert_eq!(again.files[0].rows_accepted, 1);
    let store = valid(&out);
    assert_eq!(
        store.descriptor().steppe.schema_version,
        steppe::SCHEMA_VERSION
    );
    assert_eq!(store.read_all(Table::Conflicts).unwrap().num_rows(), 1);
}

/// The same release as a `.csv` and as a one-member `.zip`: in either order the second is
/// recognised by its content and skipped; `replace` is refused (it replaces an import of the
/// same file only), so the first copy stays.
#[test]
fn the_same_release_zipped_is_the_same_file() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEADER}\n{TAJIK_1992}\n");
    let csv = write(dir.path(), "UcdpPrioConflict_v23_1.csv", &text);
    let zip = dir.path().join("ucdp-prio-acd-231-csv.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
    z.start_file(
        "UcdpPrioConflict_v23_1.csv",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(text.as_bytes()).unwrap();
    z.finish().unwrap();
    for (i, (first, second)) in [(&csv, &zip), (&zip, &csv)].into_iter().enumerate() {
        let out = dir.path().join(format!("store-{i}"));
        assert_eq!(import(std::slice::from_ref(first), &out).files.len(), 1);
        let again = import(std::slice::from_ref(second), &out);
        assert!(again.files.is_empty(), "{again:?}");
        assert_eq!(again.skipped_files.len(), 1);
        let replace = ImportOptions {
            reimport: steppe::import::Reimport::Replace,
            ..Default::default()
        };
        // `replace` replaces an import of the same file only: refused, nothing written.
        let err = ucdp_acd::import(std::slice::from_ref(second), &out, &replace).unwrap_err();
        assert!(
            err.to_string().contains("imported from another file"),
            "{err}"
        );
        let store = valid(&out);
        assert_eq!(store.row_count(Table::Conflicts), 1);
        let imports = &store.descriptor().steppe.imports;
        assert_eq!(imports.len(), 1, "{imports:#?}");
        assert_eq!(
            imports[0].file,
            first.file_name().unwrap().to_string_lossy()
        );
    }
}
