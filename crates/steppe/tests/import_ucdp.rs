//! UCDP GED importer, on small synthetic files the tests write in the 49-column (23.1), the
//! older 42-column and the humanitarian-data (HXL-tagged) layouts.

use std::path::{Path, PathBuf};

use steppe::import::{ucdp, ImportOptions, ImportReport, Reimport};
use steppe::model::{ActorKind, ActorRole, DatePrecision, Event, EventActor, EventClass, Reject};
use steppe::store::ImportSummary;
use steppe::{Error, Store};

const V49: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob";

const V42: &str = "id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,side_a_new_id,gwnoa,side_a,side_b_new_id,gwnob,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,low,best,high";

/// A row of the header `cols` with every field quoted, from named values.
fn row(cols: &str, values: &[(&str, &str)]) -> String {
    let names: Vec<&str> = cols.split(',').collect();
    let mut fields = vec![String::new(); names.len()];
    for (k, v) in values {
        let i = names
            .iter()
            .position(|n| n == k)
            .unwrap_or_else(|| panic!("no {k}"));
        fields[i] = v.to_string();
    }
    fields
        .iter()
        .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(",")
}

/// A state-based event in Tajikistan, with overrides.
fn tajik(cols: &str, id: &str, overrides: &[(&str, &str)]) -> String {
    let mut v: Vec<(&str, &str)> = vec![
        ("id", id),
        ("relid", "TJK-1992-1-100-1"),
        ("year", "1992"),
        ("active_year", "1"),
        ("type_of_violence", "1"),
        ("conflict_new_id", "311"),
        ("conflict_name", "Tajikistan: Government"),
        ("dyad_new_id", "700"),
        ("dyad_name", "Government of Tajikistan - UTO"),
        ("side_a_new_id", "117"),
        ("side_a", "Government of Tajikistan"),
        ("side_b_new_id", "1037"),
        ("side_b", "UTO"),
        ("number_of_sources", "2"),
        ("source_article", "Agency B, 1992-09-06"),
        ("where_prec", "2"),
        ("where_coordinates", "Town X"),
        ("where_description", "near Town X"),
        ("adm_1", "Province Y"),
        ("latitude", "37.8"),
        ("longitude", "68.8"),
        ("country", "Tajikistan"),
        ("country_id", "702"),
        ("region", "Europe"),
        ("event_clarity", "1"),
        ("date_prec", "1"),
        ("date_start", "1992-09-05 00:00:00.000"),
        ("date_end", "1992-09-05 00:00:00.000"),
        ("best", "25"),
        ("high", "40"),
        ("low", "20"),
        ("gwnoa", "702"),
    ];
    let names: Vec<&str> = cols.split(',').collect();
    v.retain(|(k, _)| names.contains(k));
    for (k, val) in overrides {
        v.retain(|(x, _)| x != k);
        v.push((k, val));
    }
    row(cols, &v)
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
    let r = ucdp::import(files, out, &options).unwrap();
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

/// A GED 23.1 file (49 columns, CRLF) of eight records: three good ones (the first with
/// quotes and a newline in a field) and one of each trap, imported into a new store.
fn ged_49_with_traps() -> (tempfile::TempDir, ImportReport, Store) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let mut text = format!("{V49}\r\n");
    let rows = [
        // line 2-3 (the source article holds quotes and a newline)
        tajik(
            V49,
            "100001",
            &[(
                "source_article",
                "Agency A, \"Clashes near the town\"\nAgency B, 1992-09-06",
            )],
        ),
        // line 4: one-sided violence, week precision.
        tajik(
            V49,
            "100002",
            &[
                ("year", "1993"),
                ("type_of_violence", "3"),
                ("side_b", "Civilians"),
                ("side_b_new_id", "1"),
                ("date_prec", "3"),
                ("date_start", "1993-01-01"),
                ("date_end", "1993-01-07"),
                ("best", "6"),
                ("low", "6"),
                ("high", "9"),
                ("where_prec", "4"),
            ],
        ),
        // line 5: non-state violence in Afghanistan, a range of days.
        tajik(
            V49,
            "100003",
            &[
                ("year", "1996"),
                ("type_of_violence", "2"),
                ("side_a", "Group A"),
                ("side_a_new_id", "501"),
                ("side_b", "Group B"),
                ("gwnoa", ""),
                ("country", "Afghanistan"),
                ("country_id", "700"),
                ("date_prec", "2"),
                ("date_start", "1996-05-01"),
                ("date_end", "1996-05-04"),
            ],
        ),
        // line 6: type of violence 4.
        tajik(V49, "100004", &[("type_of_violence", "4")]),
        // line 7: a GW number the crosswalk lacks.
        tajik(V49, "100005", &[("country_id", "999")]),
        // line 8: ends before it starts.
        tajik(V49, "100006", &[("date_end", "1992-09-01")]),
    ];
    for r in rows {
        text.push_str(&r);
        text.push_str("\r\n");
    }
    let mut bytes = text.into_bytes();
    // line 9: not UTF-8.
    bytes.extend_from_slice(
        tajik(V49, "100007", &[("side_b", "UTO-X")])
            .replace("UTO-X", "UT\u{1}")
            .as_bytes(),
    );
    let pos = bytes.iter().rposition(|b| *b == 1).unwrap();
    bytes[pos] = 0xff;
    bytes.extend_from_slice(b"\r\n");
    // line 10: the last record, truncated.
    let full = tajik(V49, "100008", &[]);
    bytes.extend_from_slice(&full.as_bytes()[..full.len() / 2]);

    let path = write(dir.path(), "GEDEvent_v23_1.csv", &bytes);
    let report = import(&[path], &out);
    let store = valid(&out);
    (dir, report, store)
}

#[test]
fn ged_49_columns_account_for_every_trap() {
    let (_dir, report, _store) = ged_49_with_traps();
    let f = &report.files[0];
    assert_eq!((f.rows_read, f.rows_accepted, f.rows_rejected), (8, 3, 5));
    for (reason, n) in [
        ("out_of_range", 1),
        ("unknown_code", 1),
        ("date_order", 1),
        ("invalid_utf8", 1),
        ("wrong_column_count", 1),
    ] {
        assert_eq!(
            f.rejected_by_reason.get(reason),
            Some(&n),
            "{reason}: {f:?}"
        );
    }
}

#[test]
fn ged_49_columns_type_the_good_records_with_quotes_and_newlines() {
    let (_dir, _report, store) = ged_49_with_traps();
    let ev: Vec<Event> = store.records().unwrap();
    assert_eq!(ev.len(), 3);
    let e = get(&ev, "ucdp:100001");
    assert_eq!(e.event_class, EventClass::StateBasedViolence);
    assert_eq!(e.violence_type, Some(1));
    assert_eq!(e.conflict_id, Some(311), "conflict_new_id");
    assert_eq!(
        (e.fatalities_best, e.fatalities_low, e.fatalities_high),
        (Some(25), Some(20), Some(40))
    );
    assert_eq!(e.start_date, chrono::NaiveDate::from_ymd_opt(1992, 9, 5));
    assert_eq!(e.end_date, e.start_date);
    assert_eq!(e.date_precision, DatePrecision::Day);
    assert_eq!(e.country_id.as_deref(), Some("TJK"), "GW 702");
    assert_eq!(e.admin1.as_deref(), Some("Province Y"));
    assert_eq!(e.location_name.as_deref(), Some("near Town X"));
    assert_eq!((e.latitude, e.longitude), (Some(37.8), Some(68.8)));
    assert_eq!(e.geo_precision, Some(2));
    assert_eq!(e.geo_precision_scheme.as_deref(), Some("ucdp_where_prec"));
    assert_eq!(
        e.source_locator.as_deref(),
        Some("Agency A, \"Clashes near the town\"\nAgency B, 1992-09-06"),
        "embedded quotes and newline survive"
    );
    assert_eq!(e.title.as_deref(), Some("Government of Tajikistan - UTO"));
    assert_eq!(e.source_line, Some(2));
    assert_eq!(e.year, Some(1992));

    let e2 = get(&ev, "ucdp:100002");
    assert_eq!(e2.event_class, EventClass::OneSidedViolence);
    assert_eq!(e2.date_precision, DatePrecision::Week);
    assert_eq!(e2.end_date, chrono::NaiveDate::from_ymd_opt(1993, 1, 7));
    assert_eq!(
        e2.source_line,
        Some(4),
        "the record after a two-line record"
    );
    let e3 = get(&ev, "ucdp:100003");
    assert_eq!(e3.event_class, EventClass::NonStateViolence);
    assert_eq!(e3.date_precision, DatePrecision::Range);
    assert_eq!(e3.country_id.as_deref(), Some("AFG"));
}

#[test]
fn ged_49_columns_give_each_side_its_actor_row() {
    let (_dir, _report, store) = ged_49_with_traps();
    let actors: Vec<EventActor> = store.records().unwrap();
    let of = |id: &str, role: ActorRole| {
        actors
            .iter()
            .find(|a| a.event_id == id && a.role == role)
            .unwrap_or_else(|| panic!("{id} {role}"))
    };
    let gov = of("ucdp:100001", ActorRole::SideA);
    assert_eq!(gov.actor_name, "Government of Tajikistan");
    assert_eq!(gov.actor_code.as_deref(), Some("117"));
    assert_eq!(gov.actor_ref.as_deref(), Some("TJK"));
    assert_eq!(gov.actor_kind, ActorKind::Entity);
    let uto = of("ucdp:100001", ActorRole::SideB);
    assert_eq!(
        (uto.actor_name.as_str(), uto.actor_ref.as_deref()),
        ("UTO", None)
    );
    assert_eq!(uto.actor_kind, ActorKind::ArmedGroup);
    assert_eq!(
        of("ucdp:100002", ActorRole::SideB).actor_kind,
        ActorKind::Unknown
    );
    assert_eq!(of("ucdp:100003", ActorRole::SideA).actor_ref, None);
    assert_eq!(actors.len(), 6);
}

#[test]
fn ged_49_columns_reject_each_trap_naming_its_line_and_field() {
    let (_dir, _report, store) = ged_49_with_traps();
    let rejects: Vec<Reject> = store.records().unwrap();
    let line = |l: i64| {
        rejects
            .iter()
            .find(|r| r.line == l)
            .unwrap_or_else(|| panic!("line {l}"))
    };
    assert_eq!(line(6).field.as_deref(), Some("type_of_violence"));
    assert_eq!(line(7).field.as_deref(), Some("country_id"));
    assert_eq!(line(7).reason, "unknown_code");
    assert_eq!(line(8).field.as_deref(), Some("date_end"));
    assert_eq!(line(9).reason, "invalid_utf8");
    assert_eq!(line(9).field.as_deref(), Some("side_b"));
    assert_eq!(line(10).reason, "wrong_column_count");
    assert!(line(10).raw.starts_with("\"100008\""));
}

#[test]
fn ged_42_columns_low_best_high_and_hdx_tag_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let old = format!(
        "{V42}\n{}\n",
        tajik(
            V42,
            "5001",
            &[
                ("year", "1995"),
                ("date_start", "1995-03-02"),
                ("date_end", "1995-03-02"),
                ("low", "5"),
                ("best", "10"),
                ("high", "15"),
                ("country", "Russia (Soviet Union)"),
                ("country_id", "365"),
                ("gwnoa", "365"),
                ("side_a", "Government of Russia (Soviet Union)"),
            ]
        )
    );
    let tags: Vec<String> = V49
        .split(',')
        .map(|c| format!("#{}", c.replace('_', "+")))
        .collect();
    let hdx = format!(
        "\u{feff}{V49}\n{}\n{}\n",
        tags.join(","),
        tajik(V49, "100001", &[])
    );
    let p42 = write(dir.path(), "ged171.csv", old.as_bytes());
    let phdx = write(dir.path(), "conflict_data_tjk.csv", hdx.as_bytes());
    let report = import(&[p42, phdx], &out);
    assert_eq!(report.files[0].rows_accepted, 1);
    let h = &report.files[1];
    assert_eq!((h.rows_read, h.rows_accepted), (2, 1));
    assert_eq!(h.rows_skipped.get("hxl_tag_row"), Some(&1));
    let store = valid(&out);
    let ev: Vec<Event> = store.records().unwrap();
    let e = get(&ev, "ucdp:5001");
    assert_eq!(
        (e.fatalities_low, e.fatalities_best, e.fatalities_high),
        (Some(5), Some(10), Some(15))
    );
    assert_eq!(e.country_id.as_deref(), Some("RUS"));
    assert_eq!(
        e.location_name.as_deref(),
        Some("Town X"),
        "no where_description: coordinates name"
    );
    let e = get(&ev, "ucdp:100001");
    assert_eq!(
        (e.fatalities_low, e.fatalities_best, e.fatalities_high),
        (Some(20), Some(25), Some(40))
    );
    assert_eq!(e.source_line, Some(3));
}

#[test]
fn wrong_header_fails_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let good = write(
        dir.path(),
        "good.csv",
        format!("{V49}\n{}\n", tajik(V49, "1", &[])).as_bytes(),
    );
    let no_best = V49.replace(",best,", ",best_estimate,");
    let bad = write(
        dir.path(),
        "bad.csv",
        format!("\n{no_best}\n{}\n", tajik(&no_best, "1", &[])).as_bytes(),
    );
    let err = ucdp::import(&[good.clone(), bad], &out, &ImportOptions::default()).unwrap_err();
    let Error::Format { location, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(location.path.as_ref().unwrap().ends_with("bad.csv"));
    assert_eq!(
        (location.row, location.field.as_deref()),
        (Some(2), Some("best"))
    );
    let empty = write(dir.path(), "empty.csv", b"");
    assert!(matches!(
        ucdp::import(&[empty], &out, &ImportOptions::default()),
        Err(Error::Format { .. })
    ));
    assert!(!out.exists());
}

#[test]
fn appends_and_reimports() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let a = write(
        dir.path(),
        "a.csv",
        format!(
            "{V49}\n{}\n{}\n",
            tajik(V49, "1", &[]),
            tajik(V49, "2", &[])
        )
        .as_bytes(),
    );
    let b = write(
        dir.path(),
        "b.csv",
        format!(
            "{V49}\n{}\n{}\n",
            tajik(V49, "2", &[]),
            tajik(V49, "3", &[])
        )
        .as_bytes(),
    );
    import(std::slice::from_ref(&a), &out);
    let r = import(&[b], &out);
    assert_eq!(r.files[0].rows_skipped.get("already_in_store"), Some(&1));
    assert_eq!(valid(&out).records::<Event>().unwrap().len(), 3);
    let r = import(std::slice::from_ref(&a), &out);
    assert_eq!(r.skipped_files, ["a.csv"]);
    let r = ucdp::import(
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

/// The same GED file plain and gzipped, in either order, with `--reimport replace`: refused
/// (a GED import skips events the store already holds, so replacing another file's import in
/// the same transaction would drop them and write nothing), and the events stay.
#[test]
fn replacing_the_same_events_from_another_container_is_refused_and_loses_nothing() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{V49}\n{}\n{}\n",
        tajik(V49, "1001", &[]),
        tajik(V49, "1002", &[])
    );
    let plain = write(dir.path(), "GEDEvent_v23_1.csv", text.as_bytes());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let gzipped = write(dir.path(), "GEDEvent_v23_1.csv.gz", &gz.finish().unwrap());
    let replace = ImportOptions {
        reimport: Reimport::Replace,
        max_reject_rate: 1.0,
        ..Default::default()
    };
    for (i, (first, second)) in [(&plain, &gzipped), (&gzipped, &plain)]
        .into_iter()
        .enumerate()
    {
        let out = dir.path().join(format!("store-{i}"));
        assert_eq!(import(std::slice::from_ref(first), &out).files.len(), 1);
        let err = ucdp::import(std::slice::from_ref(second), &out, &replace).unwrap_err();
        assert!(
            err.to_string().contains("imported from another file"),
            "{err}"
        );
        let events: Vec<Event> = valid(&out).records().unwrap();
        let mut ids: Vec<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
        ids.sort();
        assert_eq!(ids, ["ucdp:1001", "ucdp:1002"], "{first:?} then {second:?}");
    }
}
