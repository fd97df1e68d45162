//! GDELT importer, on small tab-separated files the tests write in the 1.0 (57/58 fields) and
//! 2.0 (61 fields) layouts.

use std::io::Write;
use std::path::{Path, PathBuf};

use steppe::import::gdelt::{self, GdeltOptions};
use steppe::import::{ImportOptions, ImportReport, Reimport};
use steppe::model::{ActorKind, ActorRole, DatePrecision, Event, EventActor, EventClass, Reject};
use steppe::store::ImportSummary;
use steppe::{Error, Store};

mod common;

use common::gdelt::event;

fn write(dir: &Path, name: &str, lines: &[Vec<u8>]) -> PathBuf {
    let p = dir.join(name);
    let mut bytes = Vec::new();
    for l in lines {
        bytes.extend_from_slice(l);
        bytes.push(b'\n');
    }
    std::fs::write(&p, bytes).unwrap();
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

fn events(store: &Store) -> Vec<Event> {
    store.records().unwrap()
}

fn get<'a>(events: &'a [Event], id: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.event_id == id)
        .unwrap_or_else(|| panic!("no event {id}"))
}

type Counts = Vec<(String, u64)>;

fn reasons(r: &ImportReport) -> (Counts, Counts) {
    let f = &r.files[0];
    (
        f.rejected_by_reason
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        f.rows_skipped
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
    )
}

/// The GDELT 1.0 file of the `gdelt1_*` tests, imported into `dir/store`: 57- and 58-field
/// rows, a blank line (4) and seven traps (lines 5-9, 11 and 12); the store validates.
fn import_gdelt1_with_traps(dir: &Path) -> (ImportReport, Store) {
    let out = dir.join("store");
    let mut invalid = event(58, "7", &[]).into_bytes();
    let at = invalid
        .windows(10)
        .position(|w| w == b"TAJIKISTAN")
        .unwrap();
    invalid[at + 1] = 0xff; // not UTF-8
    let lines: Vec<Vec<u8>> = vec![
        // 1: a 58-field row.
        event(58, "1", &[]).into_bytes(),
        // 2: a 57-field backfile row, empty Actor1, a CAMEO region, FIPS RS = Russia.
        event(
            57,
            "2",
            &[
                ("SQLDATE", "19950615"),
                ("Actor1Code", ""),
                ("Actor1Name", ""),
                ("Actor1CountryCode", ""),
                ("Actor2Code", "CAS"),
                ("Actor2Name", "CENTRAL ASIA"),
                ("Actor2CountryCode", "CAS"),
                ("Actor2Type1Code", ""),
                ("EventCode", "190"),
                ("EventBaseCode", "190"),
                ("EventRootCode", "19"),
                ("QuadClass", "4"),
                ("GoldsteinScale", "-10"),
                ("ActionGeo_Type", "1"),
                ("ActionGeo_FullName", "Russia"),
                ("ActionGeo_CountryCode", "RS"),
                ("ActionGeo_ADM1Code", "RS"),
                ("DATEADDED", "19950615"),
            ],
        )
        .into_bytes(),
        // 3: FIPS CH is China; the actor's CAMEO CHE is Switzerland.
        event(
            58,
            "3",
            &[
                ("Actor1Code", "CHE"),
                ("Actor1Name", "SWITZERLAND"),
                ("Actor1CountryCode", "CHE"),
                ("ActionGeo_CountryCode", "CH"),
                ("ActionGeo_FullName", "Beijing, Beijing, China"),
                ("QuadClass", "3"),
                ("DATEADDED", "20130401083000"),
            ],
        )
        .into_bytes(),
        // 4: blank line (not a row).
        Vec::new(),
        // 5: 59 fields.
        format!("{}\textra", event(58, "5", &[])).into_bytes(),
        // 6: truncated.
        event(58, "6", &[])
            .split('\t')
            .take(30)
            .collect::<Vec<_>>()
            .join("\t")
            .into_bytes(),
        // 7: invalid UTF-8.
        invalid,
        // 8: malformed Goldstein.
        event(58, "8", &[("GoldsteinScale", "abc")]).into_bytes(),
        // 9: DATEADDED neither date nor timestamp.
        event(58, "9", &[("DATEADDED", "2013")]).into_bytes(),
        // 10: an unknown FIPS place (an ocean) keeps country_id null.
        event(
            58,
            "10",
            &[
                ("ActionGeo_CountryCode", "OS"),
                ("ActionGeo_FullName", "Indian Ocean"),
            ],
        )
        .into_bytes(),
        // 11: duplicate id.
        event(58, "1", &[]).into_bytes(),
        // 12: out of range.
        event(58, "12", &[("GoldsteinScale", "11")]).into_bytes(),
    ];
    let path = write(dir, "20130401.export.CSV", &lines);
    // Seven of eleven lines are traps that must be rejected: no maximum reject rate here (see
    // an_import_rejecting_three_quarters_of_its_rows_fails_after_committing).
    let report = gdelt::import(
        &[path],
        &out,
        &GdeltOptions::default(),
        &ImportOptions {
            max_reject_rate: 1.0,
            ..Default::default()
        },
    )
    .unwrap();
    (report, valid(&out))
}

#[test]
fn gdelt1_mixed_57_and_58_fields_with_traps() {
    let dir = tempfile::tempdir().unwrap();
    let (report, store) = import_gdelt1_with_traps(dir.path());
    let f = &report.files[0];
    balanced(f);
    assert_eq!(f.rows_read, 11);
    assert_eq!(f.rows_accepted, 4);
    let (rej, skip) = reasons(&report);
    assert_eq!(
        rej,
        vec![
            ("duplicate_id".into(), 1),
            ("invalid_utf8".into(), 1),
            ("malformed_date".into(), 1),
            ("malformed_number".into(), 1),
            ("out_of_range".into(), 1),
            ("wrong_column_count".into(), 2),
        ]
    );
    assert!(skip.is_empty());
    assert_eq!(events(&store).len(), 4);
}

#[test]
fn gdelt1_events_keep_cameo_codes_and_fips_places() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = import_gdelt1_with_traps(dir.path());
    let ev = events(&store);
    let e1 = get(&ev, "gdelt1:1");
    assert_eq!(e1.year, Some(2013));
    assert_eq!(e1.start_date, chrono::NaiveDate::from_ymd_opt(2013, 4, 1));
    assert_eq!(e1.date_precision, DatePrecision::Day);
    assert_eq!(e1.event_class, EventClass::VerbalCooperation);
    assert_eq!(e1.cameo_code.as_deref(), Some("0251"));
    assert_eq!(e1.cameo_base_code.as_deref(), Some("025"));
    assert_eq!(e1.cameo_root_code.as_deref(), Some("02"));
    assert_eq!(e1.quad_class, Some(1));
    assert_eq!(e1.goldstein, Some(3.4));
    assert_eq!(e1.conflict_id, None, "UCDP only");
    assert_eq!(
        (e1.num_mentions, e1.num_sources, e1.num_articles),
        (Some(10), Some(2), Some(9))
    );
    assert_eq!(e1.avg_tone, Some(-1.5));
    assert_eq!(
        e1.country_id.as_deref(),
        Some("TJK"),
        "FIPS TI is Tajikistan"
    );
    assert_eq!(e1.admin1.as_deref(), Some("TI00"));
    assert_eq!(
        e1.location_name.as_deref(),
        Some("Dushanbe, Dushanbe, Tajikistan")
    );
    assert_eq!((e1.latitude, e1.longitude), (Some(38.5358), Some(68.7791)));
    assert_eq!(e1.geo_precision, Some(4));
    assert_eq!(e1.geo_precision_scheme.as_deref(), Some("gdelt_geo_type"));
    assert_eq!(
        e1.source_locator.as_deref(),
        Some("https://example.org/news/1")
    );
    assert_eq!(e1.source_line, Some(1));

    let e2 = get(&ev, "gdelt1:2");
    assert_eq!(
        e2.country_id.as_deref(),
        Some("RUS"),
        "FIPS RS is Russia, not Serbia"
    );
    assert_eq!(e2.event_class, EventClass::MaterialConflict);
    assert_eq!(e2.cameo_code.as_deref(), Some("190"));
    assert_eq!(e2.year, Some(1995));
    assert_eq!(e2.source_locator, None, "57-field rows have no SOURCEURL");
    let e3 = get(&ev, "gdelt1:3");
    assert_eq!(
        e3.country_id.as_deref(),
        Some("CHN"),
        "FIPS CH is China, not Switzerland"
    );
    assert_eq!(e3.event_class, EventClass::VerbalConflict);
    let e10 = get(&ev, "gdelt1:10");
    assert_eq!(e10.country_id, None);
    assert_eq!(e10.location_name.as_deref(), Some("Indian Ocean"));
}

#[test]
fn gdelt1_actors_resolve_cameo_countries_and_keep_regions_raw() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = import_gdelt1_with_traps(dir.path());
    let actors: Vec<EventActor> = store.records().unwrap();
    let of =
        |id: &str| -> Vec<&EventActor> { actors.iter().filter(|a| a.event_id == id).collect() };
    let a1 = of("gdelt1:1");
    assert_eq!(a1.len(), 2);
    let tjk = a1.iter().find(|a| a.role == ActorRole::Actor1).unwrap();
    assert_eq!(tjk.actor_ref.as_deref(), Some("TJK"));
    assert_eq!(tjk.actor_kind, ActorKind::Entity);
    assert_eq!(tjk.actor_code.as_deref(), Some("TJK"));
    let rus = a1.iter().find(|a| a.role == ActorRole::Actor2).unwrap();
    assert_eq!(rus.actor_name, "RUSSIA");
    assert_eq!(rus.actor_code.as_deref(), Some("RUSGOV"));
    assert_eq!(rus.actor_ref.as_deref(), Some("RUS"));
    assert_eq!(rus.actor_type.as_deref(), Some("GOV"));
    assert_eq!(rus.actor_kind, ActorKind::Unknown);
    // Row 2: no Actor1 row; a CAMEO region stays raw.
    let a2 = of("gdelt1:2");
    assert_eq!(a2.len(), 1);
    assert_eq!(a2[0].role, ActorRole::Actor2);
    assert_eq!(a2[0].actor_code.as_deref(), Some("CAS"));
    assert_eq!(a2[0].actor_ref, None);
    let che = of("gdelt1:3")
        .into_iter()
        .find(|a| a.role == ActorRole::Actor1)
        .unwrap();
    assert_eq!(
        che.actor_ref.as_deref(),
        Some("CHE"),
        "CAMEO CHE is ISO alpha-3 Switzerland"
    );
}

#[test]
fn gdelt1_traps_are_rejected_with_their_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = import_gdelt1_with_traps(dir.path());
    let rejects: Vec<Reject> = store.records().unwrap();
    let line = |l: i64| rejects.iter().find(|r| r.line == l).unwrap();
    assert_eq!(line(5).reason, "wrong_column_count");
    assert_eq!(line(6).reason, "wrong_column_count");
    assert!(line(6).detail.as_deref().unwrap().contains("truncated"));
    assert_eq!(line(7).reason, "invalid_utf8");
    assert_eq!(line(8).field.as_deref(), Some("GoldsteinScale"));
    assert_eq!(line(9).field.as_deref(), Some("DATEADDED"));
    assert_eq!(line(11).reason, "duplicate_id");
    assert_eq!(line(12).reason, "out_of_range");
    assert!(line(8).raw.starts_with("8\t20130401"));
}

/// A zipped GDELT 2.0 export of four events in `dir`: Tajikistan as the place (1),
/// Kyrgyzstan as Actor2's place (2), Uzbekistan as an actor placed in Afghanistan (3),
/// Kyrgyzstan as an actor placed in Russia (4).
fn gdelt2_zip(dir: &Path) -> PathBuf {
    let lines = [
        // Tajikistan as the place (FIPS TI).
        event(
            61,
            "1",
            &[
                ("SQLDATE", "20150219"),
                ("Actor1Geo_ADM2Code", "12345"),
                ("ActionGeo_ADM2Code", "54321"),
                ("DATEADDED", "20150219001500"),
            ],
        ),
        // Kyrgyzstan only as Actor2's place (FIPS KG).
        event(
            61,
            "2",
            &[
                ("Actor1Code", "USA"),
                ("Actor1Name", "UNITED STATES"),
                ("Actor1CountryCode", "USA"),
                ("Actor2Code", "UKR"),
                ("Actor2Name", "UKRAINE"),
                ("Actor2CountryCode", "UKR"),
                ("Actor1Geo_CountryCode", "US"),
                ("Actor2Geo_CountryCode", "KG"),
                ("ActionGeo_CountryCode", "UP"),
                ("ActionGeo_FullName", "Kyiv, Ukraine"),
                ("DATEADDED", "20150219001500"),
            ],
        ),
        // Uzbekistan as an actor only (CAMEO UZB), placed in Afghanistan: not in the filter.
        event(
            61,
            "3",
            &[
                ("Actor1Code", "UZB"),
                ("Actor1Name", "UZBEKISTAN"),
                ("Actor1CountryCode", "UZB"),
                ("Actor2Code", "AFG"),
                ("Actor2Name", "AFGHANISTAN"),
                ("Actor2CountryCode", "AFG"),
                ("Actor1Geo_CountryCode", "AF"),
                ("ActionGeo_CountryCode", "AF"),
                ("DATEADDED", "20150219001500"),
            ],
        ),
        // Kyrgyzstan as an actor (CAMEO KGZ).
        event(
            61,
            "4",
            &[
                ("Actor1Code", "KGZ"),
                ("Actor1Name", "KYRGYZSTAN"),
                ("Actor1CountryCode", "KGZ"),
                ("Actor1Geo_CountryCode", "RS"),
                ("ActionGeo_CountryCode", "RS"),
                ("ActionGeo_Lat", "55.7522"),
                ("ActionGeo_Long", "37.6156"),
                ("DATEADDED", "20150219001500"),
            ],
        ),
    ];
    let zpath = dir.join("20150219001500.export.CSV.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zpath).unwrap());
    z.start_file(
        "20150219001500.export.CSV",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    for l in &lines {
        z.write_all(l.as_bytes()).unwrap();
        z.write_all(b"\n").unwrap();
    }
    z.finish().unwrap();
    zpath
}

#[test]
fn gdelt2_zip_with_timestamps_and_country_filter() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let zpath = gdelt2_zip(dir.path());
    let filter = GdeltOptions {
        countries: vec!["TJK,fips:KG".into()],
    };
    let report = gdelt::import(
        std::slice::from_ref(&zpath),
        &out,
        &filter,
        &ImportOptions::default(),
    )
    .unwrap();
    let f = &report.files[0];
    balanced(f);
    assert_eq!((f.rows_read, f.rows_accepted, f.rows_rejected), (4, 3, 0));
    assert_eq!(f.rows_skipped.get("country_filter"), Some(&1));
    let store = valid(&out);
    let ev = events(&store);
    let ids: Vec<&str> = {
        let mut v: Vec<&str> = ev.iter().map(|e| e.event_id.as_str()).collect();
        v.sort();
        v
    };
    assert_eq!(ids, ["gdelt2:1", "gdelt2:2", "gdelt2:4"]);
    let e1 = get(&ev, "gdelt2:1");
    assert_eq!(
        (e1.latitude, e1.longitude),
        (Some(38.5358), Some(68.7791)),
        "2.0 positions"
    );
    assert_eq!(e1.country_id.as_deref(), Some("TJK"));
    assert_eq!(e1.year, Some(2015));
    let e4 = get(&ev, "gdelt2:4");
    assert_eq!(e4.country_id.as_deref(), Some("RUS"));
    assert_eq!(e4.latitude, Some(55.7522));
    assert_eq!(get(&ev, "gdelt2:2").country_id.as_deref(), Some("UKR"));

    // A 1.0 file with the same numeric ids lands beside them: the version keeps ids apart.
    let v1 = write(
        dir.path(),
        "20150219.export.CSV",
        &[event(58, "1", &[]).into_bytes()],
    );
    let report = gdelt::import(
        &[v1],
        &out,
        &GdeltOptions::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    balanced(&report.files[0]);
    let ev = events(&valid(&out));
    assert!(ev.iter().any(|e| e.event_id == "gdelt1:1"));
    assert!(ev.iter().any(|e| e.event_id == "gdelt2:1"));
}

#[test]
fn not_tab_separated_or_unknown_filter_country_fails_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let good = write(dir.path(), "good.CSV", &[event(58, "1", &[]).into_bytes()]);
    let csv = write(
        dir.path(),
        "bq.csv",
        &[
            b"GLOBALEVENTID,SQLDATE,Actor1Code".to_vec(),
            b"1,20130401,TJK".to_vec(),
        ],
    );
    let err = gdelt::import(
        &[good.clone(), csv],
        &out,
        &GdeltOptions::default(),
        &ImportOptions::default(),
    )
    .unwrap_err();
    let Error::Format { location, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(location.path.as_ref().unwrap().ends_with("bq.csv"));
    assert_eq!(location.row, Some(1));
    assert_eq!(location.field.as_deref(), Some("GLOBALEVENTID"));
    assert!(!out.exists());

    let err = gdelt::import(
        &[good],
        &out,
        &GdeltOptions {
            // Names resolve now ("Tajikistan" is TJK); this one names nothing.
            countries: vec!["Atlantis".into()],
        },
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Code(_)), "{err:?}");
    assert!(!out.exists());
}

#[test]
fn appends_and_reimports() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let a = write(
        dir.path(),
        "a.export.CSV",
        &[
            event(58, "1", &[]).into_bytes(),
            event(58, "2", &[]).into_bytes(),
        ],
    );
    // A header row some tools add is skipped; an event a previous file already holds too.
    let b = write(
        dir.path(),
        "b.export.CSV",
        &[
            common::gdelt::names(58).join("\t").into_bytes(),
            event(58, "3", &[]).into_bytes(),
            event(58, "2", &[]).into_bytes(),
        ],
    );
    let o = ImportOptions::default();
    gdelt::import(std::slice::from_ref(&a), &out, &GdeltOptions::default(), &o).unwrap();
    let r = gdelt::import(&[b], &out, &GdeltOptions::default(), &o).unwrap();
    balanced(&r.files[0]);
    assert_eq!(r.files[0].rows_skipped.get("header_row"), Some(&1));
    assert_eq!(r.files[0].rows_skipped.get("already_in_store"), Some(&1));
    assert_eq!(events(&valid(&out)).len(), 3);

    let r = gdelt::import(std::slice::from_ref(&a), &out, &GdeltOptions::default(), &o).unwrap();
    assert_eq!(r.skipped_files, ["a.export.CSV"]);
    let r = gdelt::import(
        &[a],
        &out,
        &GdeltOptions::default(),
        &ImportOptions {
            reimport: Reimport::Replace,
            ..Default::default()
        },
    )
    .unwrap();
    balanced(&r.files[0]);
    assert_eq!(
        r.files[0].rows_accepted, 2,
        "its own events are not 'already in store'"
    );
    let store = valid(&out);
    assert_eq!(events(&store).len(), 3);
    assert_eq!(store.records::<EventActor>().unwrap().len(), 6);
}

/// Three of four events rejected (75 %) passes the default maximum reject rate (50 %): the
/// import commits the event and the rejects, then fails. Events left out by the country
/// filter are skipped, not rejected, and do not dilute the share.
#[test]
fn an_import_rejecting_three_quarters_of_its_rows_fails_after_committing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let mut lines = vec![event(58, "1", &[]).into_bytes()];
    for id in ["2", "3", "4"] {
        lines.push(event(58, id, &[("GoldsteinScale", "strong")]).into_bytes());
    }
    let elsewhere = [
        ("Actor1Code", "USA"),
        ("Actor1Name", "UNITED STATES"),
        ("Actor1CountryCode", "USA"),
        ("Actor2Code", "FRA"),
        ("Actor2Name", "FRANCE"),
        ("Actor2CountryCode", "FRA"),
        ("Actor1Geo_CountryCode", "US"),
        ("ActionGeo_CountryCode", "US"),
        ("ActionGeo_ADM1Code", "US00"),
        ("ActionGeo_FullName", "United States"),
    ];
    for id in 10..18 {
        lines.push(event(58, &id.to_string(), &elsewhere).into_bytes());
    }
    let file = write(dir.path(), "20130401.export.CSV", &lines);
    let filter = GdeltOptions {
        countries: vec!["TJK".into()],
    };
    let err = gdelt::import(
        std::slice::from_ref(&file),
        &out,
        &filter,
        &ImportOptions::default(),
    )
    .unwrap_err();
    let Error::RejectRate {
        rejected,
        considered,
        ref path,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!((rejected, considered), (3, 4));
    assert_eq!(path, &file);
    assert!(
        err.to_string().contains("3 of 4 rows (75 %) were rejected"),
        "{err}"
    );
    let store = valid(&out);
    let ids: Vec<String> = events(&store).into_iter().map(|e| e.event_id).collect();
    assert_eq!(ids, vec!["gdelt1:1".to_string()]);
    let rejects: Vec<Reject> = store.records().unwrap();
    assert_eq!(rejects.len(), 3);
    assert!(rejects
        .iter()
        .all(|r| r.field.as_deref() == Some("GoldsteinScale")));
    let summary = &store.descriptor().steppe.imports[0];
    balanced(summary);
    assert_eq!(summary.rows_skipped.values().sum::<u64>(), 8);

    // With max_reject_rate = 1 (never fail) the same file imports.
    let out2 = dir.path().join("store2");
    let report = gdelt::import(
        &[file],
        &out2,
        &filter,
        &ImportOptions {
            max_reject_rate: 1.0,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((report.rows_accepted(), report.rows_rejected()), (1, 3));
}
