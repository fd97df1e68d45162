//! UCDP GED's two column sets and header-less files: a 42-column (19.1) and a 49-column
//! (20.1 onward) file read alike by name; a header-less file is read with the standard
//! columns of the release given (`GedOptions::version`) or named by the file; without a
//! release it is refused, naming the file and how to give one.

use std::path::{Path, PathBuf};

use steppe::import::ucdp::{self, GedOptions};
use steppe::import::{ImportOptions, ImportReport};
use steppe::model::{Event, Source};
use steppe::{Error, Store};

const V49: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob";

const V42: &str = "id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,side_a_new_id,gwnoa,side_a,side_b_new_id,gwnob,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,low,best,high";

/// Two events in Tajikistan as lines of the header `cols` (no header line).
fn events(cols: &str) -> String {
    let names: Vec<&str> = cols.split(',').collect();
    let one = |id: &str, date: &str, best: &str, low: &str, high: &str| {
        let values = [
            ("id", id),
            ("relid", "TJK-1992-1"),
            ("year", &date[..4]),
            ("active_year", "1"),
            ("type_of_violence", "1"),
            ("conflict_new_id", "311"),
            ("dyad_name", "Government of Tajikistan - UTO"),
            ("side_a_new_id", "117"),
            ("side_a", "Government of Tajikistan"),
            ("side_b_new_id", "1037"),
            ("side_b", "UTO"),
            ("where_prec", "2"),
            ("where_coordinates", "Town X"),
            ("latitude", "37.8"),
            ("longitude", "68.8"),
            ("country", "Tajikistan"),
            ("country_id", "702"),
            ("date_prec", "1"),
            ("date_start", date),
            ("date_end", date),
            ("best", best),
            ("low", low),
            ("high", high),
            ("gwnoa", "702"),
        ];
        let fields: Vec<String> = names
            .iter()
            .map(|n| {
                let v = values.iter().find(|(k, _)| k == n).map_or("", |(_, v)| v);
                format!("\"{v}\"")
            })
            .collect();
        fields.join(",") + "\n"
    };
    one("101", "1992-09-05", "25", "20", "40") + &one("102", "1993-07-13", "7", "5", "9")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Imports `file` (with `version`) into a store of its own: the report, the events and the
/// file's Source.
fn import(file: &Path, version: Option<&str>) -> (ImportReport, Vec<Event>, Source) {
    let out = file.with_extension("store");
    let ged = GedOptions {
        version: version.map(String::from),
    };
    let report = ucdp::import_ged(&[file.to_path_buf()], &out, &ged, &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let store = Store::open(&out).unwrap();
    let mut ev: Vec<Event> = store.records().unwrap();
    ev.sort_by(|a, b| a.event_id.cmp(&b.event_id));
    let sources: Vec<Source> = store.records().unwrap();
    let source = sources
        .into_iter()
        .find(|s| s.source_id == report.files[0].source_id)
        .unwrap();
    (report, ev, source)
}

/// The values both events carry, whatever the layout.
fn check(events: &[Event], what: &str) {
    let got: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.event_id.as_str(),
                e.year,
                e.country_id.as_deref(),
                e.fatalities_best,
                e.fatalities_low,
                e.fatalities_high,
                e.source_line,
            )
        })
        .collect();
    let tjk = Some("TJK");
    assert_eq!(
        got,
        vec![
            (
                "ucdp:101",
                Some(1992),
                tjk,
                Some(25),
                Some(20),
                Some(40),
                Some(1)
            ),
            (
                "ucdp:102",
                Some(1993),
                tjk,
                Some(7),
                Some(5),
                Some(9),
                Some(2)
            ),
        ],
        "{what}"
    );
    let conflicts: Vec<_> = events.iter().map(|e| e.conflict_id).collect();
    assert_eq!(
        conflicts,
        vec![Some(311), Some(311)],
        "{what}: conflict_new_id"
    );
}

#[test]
fn the_standard_column_lists_are_the_published_headers() {
    let v42: Vec<&str> = V42.split(',').collect();
    let v49: Vec<&str> = V49.split(',').collect();
    assert_eq!(ucdp::GED_19_1_COLUMNS.to_vec(), v42);
    assert_eq!(ucdp::GED_20_1_COLUMNS.to_vec(), v49);
    assert_eq!(ucdp::standard_columns("19.1").map(<[_]>::len), Some(42));
    for v in ["20.1", "23.1", "25.1", "23.0.1"] {
        assert_eq!(ucdp::standard_columns(v).map(<[_]>::len), Some(49), "{v}");
    }
    assert_eq!(ucdp::standard_columns("18.1"), None);
    assert_eq!(ucdp::standard_columns("20.0.3"), None);
    let names = [
        ("ged231.csv", Some("23.1")),
        ("ged191-csv.zip", Some("19.1")),
        ("GEDEvent_v23_1.csv", Some("23.1")),
        ("GEDEvent_v23_0_1.csv", Some("23.0.1")),
        ("GEDEvent_v25_1.csv.gz", Some("25.1")),
        ("events.csv", None),
    ];
    for (name, want) in names {
        assert_eq!(ucdp::version_of_name(name).as_deref(), want, "{name}");
    }
}

#[test]
fn both_column_sets_with_a_header_read_alike() {
    let dir = tempfile::tempdir().unwrap();
    for (cols, name) in [(V42, "ged191.csv"), (V49, "GEDEvent_v23_1.csv")] {
        // The header's line is 1: data lines 2 and 3.
        let file = write(dir.path(), name, &format!("{cols}\n{}", events(cols)));
        let (report, ev, source) = import(&file, None);
        assert_eq!((report.rows_read(), report.rows_accepted()), (2, 2));
        let shifted: Vec<Event> = ev
            .into_iter()
            .map(|mut e| {
                e.source_line = e.source_line.map(|l| l - 1);
                e
            })
            .collect();
        check(&shifted, name);
        let want = if cols == V42 { "19.1" } else { "23.1" };
        assert_eq!(source.version.as_deref(), Some(want), "{name}");
    }
}

#[test]
fn a_header_less_file_reads_with_its_release_columns() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // The release given, whatever the name.
        ("candidate.csv", V49, Some("23.1"), "23.1"),
        ("candidate_v.csv", V49, Some("v23_0_1"), "23.0.1"),
        // The release the name gives.
        ("GEDEvent_v23_0_1.csv", V49, None, "23.0.1"),
        ("ged231.csv", V49, None, "23.1"),
        ("ged191.csv", V42, None, "19.1"),
    ];
    for (name, cols, given, version) in cases {
        let file = write(dir.path(), name, &events(cols));
        let (report, ev, source) = import(&file, given);
        assert_eq!(
            (report.rows_read(), report.rows_accepted()),
            (2, 2),
            "{name}"
        );
        check(&ev, name);
        assert_eq!(source.version.as_deref(), Some(version), "{name}");
        let note = source.note.unwrap_or_default();
        let n = cols.split(',').count();
        assert!(
            note.contains(&format!(
                "no header row: read with the {n} standard columns of GED {version}"
            )),
            "{name}: {note}"
        );
    }
}

#[test]
fn a_header_less_file_without_a_release_is_refused_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "events.csv", &events(V49));
    let out = dir.path().join("store");
    let err =
        ucdp::import(std::slice::from_ref(&file), &out, &ImportOptions::default()).unwrap_err();
    let Error::Format { location, message } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(location.path.as_deref(), Some(file.as_path()));
    assert_eq!(location.row, Some(1));
    for part in [
        "the first line is not a header",
        "starts with `101`",
        "no release was given",
        "--ged-version 23.1",
        "ged_version=\"23.1\"",
        "GEDEvent_v23_1.csv",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    assert!(err.to_string().contains("events.csv"), "{err}");
    assert!(!out.exists(), "nothing is written");

    // A release whose column count the line does not have, and one steppe has no list for.
    let wrong = write(dir.path(), "ged191_wrong.csv", &events(V49));
    let err = ucdp::import(&[wrong], &out, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("GED 19.1 has 42 standard columns but this line has 49 fields"),
        "{err}"
    );
    let ged = GedOptions {
        version: Some("18.1".into()),
    };
    let err = ucdp::import_ged(
        std::slice::from_ref(&file),
        &out,
        &ged,
        &ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not of GED 18.1"), "{err}");
    let ged = GedOptions {
        version: Some("latest".into()),
    };
    let err = ucdp::import_ged(&[file], &out, &ged, &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert!(!out.exists());
}

/// A GED file re-saved with semicolons or tabs is refused before the store is made; the
/// message names the delimiter found and how to fix it.
#[test]
fn a_semicolon_or_tab_separated_ged_file_names_its_delimiter() {
    let dir = tempfile::tempdir().unwrap();
    for (sep, shown) in [(";", "`;`"), ("\t", "tabs")] {
        let text = format!(
            "{}\n{}",
            V49.replace(',', sep),
            events(V49).replace(',', sep)
        );
        let file = dir.path().join("GEDEvent_v23_1.csv");
        std::fs::write(&file, text).unwrap();
        let out = dir.path().join("store");
        let err = ucdp::import(&[file], &out, &ImportOptions::default()).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::Format { .. }), "{err:?}");
        let want = format!(
            "the header is separated by {shown}, not commas: re-save the file comma-separated"
        );
        assert!(message.contains(&want), "{message}");
        assert!(!out.exists());
    }
}
