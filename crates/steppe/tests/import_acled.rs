//! ACLED loader. ACLED's terms forbid redistributing its rows, so every row here is invented
//! by the test in the export's format; no ACLED data is used.

use std::path::{Path, PathBuf};

use steppe::import::{acled, ImportOptions, ImportReport, Reimport};
use steppe::model::{
    ActorKind, ActorRole, DatePrecision, Event, EventActor, EventClass, Reject, Source,
};
use steppe::store::ImportSummary;
use steppe::{Error, Store, Table};

const CURRENT: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

const OLD: &str = "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES";

/// A row of `cols` from named values (quoted when needed), names matched case-insensitively.
fn row(cols: &str, values: &[(&str, &str)]) -> String {
    let names: Vec<String> = cols.split(',').map(|c| c.to_ascii_lowercase()).collect();
    let mut fields = vec![String::new(); names.len()];
    for (k, v) in values {
        let i = names
            .iter()
            .position(|n| n == &k.to_ascii_lowercase())
            .unwrap_or_else(|| panic!("no {k}"));
        fields[i] = if v.contains([',', '"', '\n']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_string()
        };
    }
    fields.join(",")
}

/// An invented event in the current layout, with overrides.
fn ev(id: &str, overrides: &[(&str, &str)]) -> String {
    let mut v: Vec<(&str, &str)> = vec![
        ("event_id_cnty", id),
        ("event_date", "2020-05-09"),
        ("year", "2020"),
        ("time_precision", "1"),
        ("disorder_type", "Political violence"),
        ("event_type", "Battles"),
        ("sub_event_type", "Armed clash"),
        ("actor1", "Test Forces A"),
        ("inter1", "State forces"),
        ("actor2", "Test Forces B"),
        ("inter2", "State forces"),
        ("interaction", "State forces-State forces"),
        ("iso", "762"),
        ("region", "Central Asia"),
        ("country", "Tajikistan"),
        ("admin1", "Test Province"),
        ("location", "Test Village"),
        ("latitude", "39.85"),
        ("longitude", "70.58"),
        ("geo_precision", "1"),
        ("source", "Test Wire"),
        ("source_scale", "National"),
        ("notes", "Invented note for a test, not an ACLED row."),
        ("fatalities", "2"),
        ("timestamp", "1600000000"),
    ];
    for (k, val) in overrides {
        v.retain(|(x, _)| x != k);
        v.push((k, val));
    }
    row(CURRENT, &v)
}

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn balanced(s: &ImportSummary) {
    let skipped: u64 = s.rows_skipped.values().sum();
    assert_eq!(
        s.rows_read,
        s.rows_accepted + s.rows_rejected + skipped,
        "{s:?}"
    );
}

fn valid(store: &Path) -> Store {
    let store = Store::open(store).unwrap();
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    store
}

fn import(files: &[PathBuf], out: &Path) -> ImportReport {
    // The trap files reject many of their rows on purpose: no maximum reject rate here (it
    // has tests of its own in import_baci.rs and import_gdelt.rs).
    let options = ImportOptions {
        max_reject_rate: 1.0,
        ..Default::default()
    };
    let r = acled::import(files, out, &options).unwrap();
    for f in &r.files {
        balanced(f);
    }
    r
}

fn get<'a>(events: &'a [Event], id: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.event_id == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

/// The current-layout export of the `current_export_*` tests, imported into `dir/store`:
/// four good lines (2-4, 9 in Windows-1252) and five traps (5-8, a truncated line 10); the
/// store validates.
fn import_current_with_traps(dir: &Path) -> (ImportReport, Store) {
    let out = dir.join("store");
    let mut bytes = format!("{CURRENT}\n").into_bytes();
    for r in [
        // 2
        ev("TST1", &[("event_date", "9-May-20")]),
        // 3: week precision, associated actors, a protest in Kyrgyzstan.
        ev(
            "TST2",
            &[
                ("event_date", "01-January-2015"),
                ("year", "2015"),
                ("time_precision", "2"),
                ("disorder_type", "Demonstrations"),
                ("event_type", "Protests"),
                ("sub_event_type", "Peaceful protest"),
                ("actor1", "Protesters (Test)"),
                ("assoc_actor_1", "Group One; Group Two; Group One"),
                ("inter1", "Protesters"),
                ("actor2", ""),
                ("inter2", ""),
                ("iso", "417"),
                ("country", "Kyrgyzstan"),
                ("fatalities", "0"),
            ],
        ),
        // 4: month precision.
        ev(
            "TST3",
            &[
                ("time_precision", "3"),
                ("event_type", "Strategic developments"),
                ("sub_event_type", "Agreement"),
            ],
        ),
        // 5: the date disagrees with the year.
        ev("TST4", &[("event_date", "09 May 2020"), ("year", "2019")]),
        // 6: an ambiguous date format.
        ev("TST5", &[("event_date", "5/9/2020")]),
        // 7: an unknown ISO number.
        ev("TST6", &[("iso", "999")]),
        // 8: the same id again.
        ev("TST1", &[]),
    ] {
        bytes.extend_from_slice(r.as_bytes());
        bytes.push(b'\n');
    }
    // 9: Windows-1252 text (a spreadsheet re-save).
    bytes.extend_from_slice(
        ev("TST7", &[("notes", "Caf\u{1} note")])
            .replace('\u{1}', "\u{2}")
            .as_bytes(),
    );
    let p = bytes.iter().rposition(|b| *b == 2).unwrap();
    bytes[p] = 0xe9;
    bytes.push(b'\n');
    // 10: the truncated last record.
    let last = ev("TST8", &[]);
    bytes.extend_from_slice(&last.as_bytes()[..last.len() - 40]);

    let path = write(dir, "acled_export.csv", &bytes);
    let report = import(&[path], &out);
    (report, valid(&out))
}

#[test]
fn current_export_with_changing_dates_and_traps() {
    let dir = tempfile::tempdir().unwrap();
    let (report, store) = import_current_with_traps(dir.path());
    let f = &report.files[0];
    assert_eq!(
        (f.rows_read, f.rows_accepted, f.rows_rejected),
        (9, 4, 5),
        "{f:?}"
    );
    for (reason, n) in [
        ("inconsistent", 1),
        ("malformed_date", 1),
        ("unknown_code", 1),
        ("duplicate_id", 1),
        ("wrong_column_count", 1),
    ] {
        assert_eq!(f.rejected_by_reason.get(reason), Some(&n), "{reason}");
    }
    // Licence: the source and the tables are marked not redistributable.
    let sources: Vec<Source> = store.records().unwrap();
    let src = sources.iter().find(|s| s.source_id == f.source_id).unwrap();
    assert_eq!(src.license.as_deref(), Some("ACLED-terms"));
    assert!(!src.redistributable);
    for t in [Table::Events, Table::EventActors, Table::Rejects] {
        assert!(
            !store
                .descriptor()
                .resource(t)
                .unwrap()
                .steppe
                .redistributable,
            "{t} is marked not redistributable"
        );
    }
}

#[test]
fn current_export_events_read_every_date_format() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = import_current_with_traps(dir.path());
    let events: Vec<Event> = store.records().unwrap();
    let e1 = get(&events, "acled:TST1");
    assert_eq!(
        e1.start_date,
        chrono::NaiveDate::from_ymd_opt(2020, 5, 9),
        "9-May-20"
    );
    assert_eq!(e1.date_precision, DatePrecision::Day);
    assert_eq!(e1.event_class, EventClass::Battle);
    assert_eq!(e1.title.as_deref(), Some("Battles: Armed clash"));
    assert_eq!(e1.country_id.as_deref(), Some("TJK"));
    assert_eq!(e1.admin1.as_deref(), Some("Test Province"));
    assert_eq!(e1.location_name.as_deref(), Some("Test Village"));
    assert_eq!((e1.latitude, e1.longitude), (Some(39.85), Some(70.58)));
    assert_eq!(e1.geo_precision, Some(1));
    assert_eq!(e1.geo_precision_scheme.as_deref(), Some("acled_geo"));
    assert_eq!(e1.fatalities_best, Some(2));
    assert_eq!(e1.conflict_id, None, "UCDP only");
    assert_eq!(
        e1.description.as_deref(),
        Some("Invented note for a test, not an ACLED row.")
    );
    assert_eq!(e1.source_locator.as_deref(), Some("Test Wire"));
    assert_eq!(e1.source_line, Some(2));
    let e2 = get(&events, "acled:TST2");
    assert_eq!(
        e2.start_date,
        chrono::NaiveDate::from_ymd_opt(2015, 1, 1),
        "01-January-2015"
    );
    assert_eq!(e2.date_precision, DatePrecision::Week);
    assert_eq!(e2.event_class, EventClass::Protest);
    assert_eq!(e2.country_id.as_deref(), Some("KGZ"));
    assert_eq!(e2.fatalities_best, Some(0));
    let e3 = get(&events, "acled:TST3");
    assert_eq!(e3.date_precision, DatePrecision::Month);
    assert_eq!(e3.event_class, EventClass::StrategicDevelopment);
    assert_eq!(
        get(&events, "acled:TST7").description.as_deref(),
        Some("Café note")
    );
}

#[test]
fn current_export_actors_and_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = import_current_with_traps(dir.path());
    let actors: Vec<EventActor> = store.records().unwrap();
    let a1: Vec<&EventActor> = actors
        .iter()
        .filter(|a| a.event_id == "acled:TST1")
        .collect();
    assert_eq!(a1.len(), 2);
    let first = a1.iter().find(|a| a.role == ActorRole::Actor1).unwrap();
    assert_eq!(first.actor_name, "Test Forces A");
    assert_eq!(first.actor_type.as_deref(), Some("State forces"));
    let a2: Vec<&EventActor> = actors
        .iter()
        .filter(|a| a.event_id == "acled:TST2")
        .collect();
    let participants: Vec<&str> = a2
        .iter()
        .filter(|a| a.role == ActorRole::Participant)
        .map(|a| a.actor_name.as_str())
        .collect();
    assert_eq!(
        participants,
        ["Group One", "Group Two"],
        "split on `;`, deduplicated"
    );
    assert!(
        a2.iter().all(|a| a.role != ActorRole::Actor2),
        "empty actor2: no row"
    );

    let rejects: Vec<Reject> = store.records().unwrap();
    let line = |l: i64| {
        rejects
            .iter()
            .find(|r| r.line == l)
            .unwrap_or_else(|| panic!("{l}"))
    };
    assert_eq!(line(5).field.as_deref(), Some("event_date"));
    assert_eq!(line(6).reason, "malformed_date");
    assert_eq!(line(7).field.as_deref(), Some("iso"));
    assert_eq!(line(8).reason, "duplicate_id");
    assert_eq!(line(10).reason, "wrong_column_count");
}

#[test]
fn older_layout_with_renamed_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let text = format!(
        "{OLD}\r\n{}\r\n{}\r\n",
        row(
            OLD,
            &[
                ("GWNO", "702"),
                ("EVENT_ID_CNTY", "OLD1"),
                ("EVENT_DATE", "3-Sep-97"),
                ("YEAR", "1997"),
                ("TIME_PRECISION", "1"),
                ("EVENT_TYPE", "Battle-No change of territory"),
                ("ACTOR1", "Test Army"),
                ("ALLY_ACTOR_1", "Test Allies"),
                ("INTER1", "1"),
                ("ACTOR2", "Test Rebels"),
                ("INTER2", "2"),
                ("LATITUDE", "38.5"),
                ("LONGITUDE", "68.7"),
                ("FATALITIES", "3"),
            ],
        ),
        row(
            OLD,
            &[
                ("GWNO", "703"),
                ("EVENT_ID_CNTY", "OLD2"),
                ("EVENT_DATE", "2010-06-11"),
                ("YEAR", "2010"),
                ("EVENT_TYPE", "Riots/Protests"),
                ("ACTOR1", "Rioters"),
                ("INTER1", "5"),
                ("LATITUDE", "40.5"),
                ("LONGITUDE", "72.8"),
                ("FATALITIES", "0"),
            ],
        ),
    );
    let path = write(dir.path(), "Asia_1997-2010.csv", text.as_bytes());
    let report = import(&[path], &out);
    assert_eq!(report.files[0].rows_accepted, 2);
    let store = valid(&out);
    let events: Vec<Event> = store.records().unwrap();
    let e = get(&events, "acled:OLD1");
    assert_eq!(e.country_id.as_deref(), Some("TJK"), "GWNO 702");
    assert_eq!(e.start_date, chrono::NaiveDate::from_ymd_opt(1997, 9, 3));
    assert_eq!(e.event_class, EventClass::Battle);
    let e = get(&events, "acled:OLD2");
    assert_eq!(e.country_id.as_deref(), Some("KGZ"));
    assert_eq!(e.event_class, EventClass::Other);
    assert_eq!(e.title.as_deref(), Some("Riots/Protests"));
    assert_eq!(e.date_precision, DatePrecision::Unknown);
    let actors: Vec<EventActor> = store.records().unwrap();
    let rebels = actors
        .iter()
        .find(|a| a.actor_name == "Test Rebels")
        .unwrap();
    assert_eq!(rebels.actor_kind, ActorKind::ArmedGroup);
    assert_eq!(rebels.actor_type.as_deref(), Some("2"));
    let ally = actors
        .iter()
        .find(|a| a.actor_name == "Test Allies")
        .unwrap();
    assert_eq!(ally.role, ActorRole::Participant);
    assert_eq!(ally.source_locator.as_deref(), Some("assoc_actor_1"));
}

#[test]
fn wrong_headers_fail_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let good = write(
        dir.path(),
        "good.csv",
        format!("{CURRENT}\n{}\n", ev("A1", &[])).as_bytes(),
    );
    let no_country = CURRENT.replace(",iso,", ",isocode,");
    let bad = write(dir.path(), "bad.csv", format!("{no_country}\n").as_bytes());
    let err = acled::import(&[good.clone(), bad], &out, &ImportOptions::default()).unwrap_err();
    let Error::Format { location, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(location.path.as_ref().unwrap().ends_with("bad.csv"));
    assert_eq!(
        (location.row, location.field.as_deref()),
        (Some(1), Some("iso"))
    );
    let renamed = write(
        dir.path(),
        "renamed.csv",
        format!("{}\n", CURRENT.replace("event_id_cnty", "event_id")).as_bytes(),
    );
    let err = acled::import(&[renamed], &out, &ImportOptions::default()).unwrap_err();
    assert_eq!(
        err.location().unwrap().field.as_deref(),
        Some("event_id_cnty")
    );
    assert!(!out.exists());
}

#[test]
fn appends_and_reimports() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let a = write(
        dir.path(),
        "a.csv",
        format!("{CURRENT}\n{}\n{}\n", ev("A1", &[]), ev("A2", &[])).as_bytes(),
    );
    let b = write(
        dir.path(),
        "b.csv",
        format!("{CURRENT}\n{}\n{}\n", ev("A2", &[]), ev("A3", &[])).as_bytes(),
    );
    import(&[a.clone(), b], &out);
    assert_eq!(valid(&out).records::<Event>().unwrap().len(), 3);
    let r = import(std::slice::from_ref(&a), &out);
    assert_eq!(r.skipped_files, ["a.csv"]);
    let r = acled::import(
        &[a],
        &out,
        &ImportOptions {
            reimport: Reimport::Replace,
            ..Default::default()
        },
    )
    .unwrap();
    balanced(&r.files[0]);
    assert_eq!(r.files[0].rows_accepted, 2);
    let store = valid(&out);
    assert_eq!(store.records::<Event>().unwrap().len(), 3);
    assert_eq!(store.records::<EventActor>().unwrap().len(), 6);
}
