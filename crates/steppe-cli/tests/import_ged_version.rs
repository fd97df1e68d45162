//! `steppe import ucdp --ged-version`: a GED file without a header row is refused without
//! a release (the message says how to give one) and imported with `--ged-version 23.1`.

use std::path::Path;
use std::process::{Command, Output};

use steppe::model::Event;
use steppe::Store;

const V49: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob";

fn steppe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(args)
        .output()
        .unwrap()
}

fn text(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// One event in Tajikistan (GW 702) in 1992, 25 deaths, as a line of the 49 columns.
fn line() -> String {
    let values = [
        ("id", "101"),
        ("year", "1992"),
        ("type_of_violence", "1"),
        ("side_a", "Government of Tajikistan"),
        ("side_b", "UTO"),
        ("country_id", "702"),
        ("date_prec", "1"),
        ("date_start", "1992-09-05"),
        ("date_end", "1992-09-05"),
        ("best", "25"),
    ];
    let fields: Vec<&str> = V49
        .split(',')
        .map(|n| values.iter().find(|(k, _)| *k == n).map_or("", |(_, v)| *v))
        .collect();
    fields.join(",") + "\n"
}

#[test]
fn a_header_less_file_needs_the_release_and_imports_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("candidate_events.csv");
    std::fs::write(&file, line()).unwrap();
    let out = dir.path().join("store");

    let o = steppe(&["import", "ucdp", text(&file), "--out", text(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("candidate_events.csv"), "{err}");
    assert!(err.contains("the first line is not a header"), "{err}");
    assert!(err.contains("--ged-version 23.1"), "{err}");
    assert!(!out.exists());

    let o = steppe(&[
        "import",
        "ucdp",
        text(&file),
        "--ged-version",
        "23.1",
        "--out",
        text(&out),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let events: Vec<Event> = Store::open(&out).unwrap().records().unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(
        (
            e.event_id.as_str(),
            e.country_id.as_deref(),
            e.fatalities_best,
            e.source_line
        ),
        ("ucdp:101", Some("TJK"), Some(25), Some(1))
    );
}

/// `--ged-version` that disagrees with the release the file name gives is refused, naming
/// both, before the store is made; one that agrees is the Source's version.
#[test]
fn a_ged_version_disagreeing_with_the_file_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("GEDEvent_v23_1.csv");
    std::fs::write(&file, format!("{V49}\n{}", line())).unwrap();
    let out = dir.path().join("store");
    let args = |v: &'static str| {
        let mut a = vec!["import", "ucdp", text(&file), "--out", text(&out)];
        a.extend(["--ged-version", v]);
        a
    };

    let o = steppe(&args("19.1"));
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("GEDEvent_v23_1.csv"), "{err}");
    assert!(err.contains("--ged-version 19.1"), "{err}");
    assert!(err.contains("GED 23.1"), "{err}");
    assert!(!out.exists());

    let o = steppe(&args("v23_1"));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let sources: Vec<steppe::model::Source> = Store::open(&out).unwrap().records().unwrap();
    let versions: Vec<Option<&str>> = sources
        .iter()
        .filter(|s| {
            s.title
                .as_deref()
                .is_some_and(|t| t.contains("GEDEvent_v23_1"))
        })
        .map(|s| s.version.as_deref())
        .collect();
    assert_eq!(versions, vec![Some("23.1")]);
}
