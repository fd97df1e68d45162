//! GED events linked to ACD conflict-years: `events.conflict_id` (GED `conflict_new_id`)
//! joins `conflicts` on (`conflict_id`, `year`) for state-based violence; a malformed id is
//! rejected; a store whose events files predate the column reads it as null.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use steppe::import::{ucdp, ucdp_acd, ImportOptions};
use steppe::model::{Conflict, Event, IntensityLevel, Reject};
use steppe::{Store, Table};

mod common;

const ACD_V23: &str = "data-sources/ucdp/v23_1/UcdpPrioConflict_v23_1.csv";

const V49: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob";

/// One event in Tajikistan as a line of [`V49`]: id, type of violence, conflict id, date.
fn event(id: &str, tov: &str, conflict: &str, date: &str) -> String {
    let values = [
        ("id", id),
        ("year", &date[..4]),
        ("type_of_violence", tov),
        ("conflict_new_id", conflict),
        ("side_a", "Government of Tajikistan"),
        ("side_b", "UTO"),
        ("country_id", "702"),
        ("date_prec", "1"),
        ("date_start", date),
        ("date_end", date),
        ("best", "5"),
    ];
    let fields: Vec<String> = V49
        .split(',')
        .map(|n| values.iter().find(|(k, _)| *k == n).map_or("", |(_, v)| v))
        .map(|v| format!("\"{v}\""))
        .collect();
    fields.join(",") + "\n"
}

/// A GED file: two state-based events of conflict 395 (1992, 1993), a one-sided event with
/// an id no ACD row carries, and (line 5) an event whose `conflict_new_id` is not a number.
fn ged_file(dir: &Path) -> PathBuf {
    let text = format!(
        "{V49}\n{}{}{}{}",
        event("301", "1", "395", "1992-09-05"),
        event("302", "1", "395", "1993-07-13"),
        event("303", "3", "4461", "1992-10-01"),
        event("304", "1", "x395", "1992-11-01"),
    );
    let path = dir.join("GEDEvent_v23_1.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn options() -> ImportOptions {
    ImportOptions {
        max_reject_rate: 1.0,
        ..Default::default()
    }
}

fn events_by_id(store: &Store) -> HashMap<String, Event> {
    common::by_id(store, |e: &Event| &e.event_id)
}

/// GED and ACD 23.1 in one store: each state-based event finds its conflict-year, the
/// one-sided event none.
#[test]
fn ged_events_join_acd_conflict_years_on_conflict_id_and_year() {
    let Some(acd) = common::shared_file(ACD_V23) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let ged = ucdp::import(&[ged_file(dir.path())], &out, &options()).unwrap();
    assert_eq!(ged.files[0].rows_accepted, 3);
    ucdp_acd::import(&[acd], &out, &options()).unwrap();
    let store = Store::open(&out).unwrap();
    assert!(steppe::validate(&store).unwrap().is_ok());

    let conflicts: Vec<Conflict> = store.records().unwrap();
    let years: HashMap<(i32, i16), &Conflict> = conflicts
        .iter()
        .map(|c| ((c.conflict_id, c.year), c))
        .collect();
    let events = events_by_id(&store);
    let joined = |id: &str| {
        let e = &events[id];
        years
            .get(&(e.conflict_id.unwrap(), e.year.unwrap()))
            .copied()
    };
    let y1992 = joined("ucdp:301").expect("conflict 395 in 1992");
    assert_eq!(
        (y1992.location.as_str(), y1992.side_b.as_str()),
        ("Tajikistan", "PFT, UTO")
    );
    assert_eq!(y1992.intensity_level, IntensityLevel::War);
    let y1993 = joined("ucdp:302").expect("conflict 395 in 1993");
    assert_eq!((y1993.year, y1993.side_b.as_str()), (1993, "UTO"));
    assert_eq!(y1993.intensity_level, IntensityLevel::War);
    assert_eq!(events["ucdp:303"].conflict_id, Some(4461));
    assert!(joined("ucdp:303").is_none(), "one-sided: no ACD row");
}

/// A `conflict_new_id` that is not a whole number is rejected naming the line and field.
#[test]
fn a_malformed_conflict_id_is_rejected_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let report = ucdp::import(&[ged_file(dir.path())], &out, &options()).unwrap();
    let f = &report.files[0];
    assert_eq!((f.rows_read, f.rows_accepted, f.rows_rejected), (4, 3, 1));
    let store = Store::open(&out).unwrap();
    let rejects: Vec<Reject> = store.records().unwrap();
    assert_eq!(rejects.len(), 1);
    let r = &rejects[0];
    assert_eq!(
        (r.line, r.field.as_deref(), r.reason.as_str()),
        (5, Some("conflict_new_id"), "malformed_number")
    );
}

/// Events files written before `conflict_id` existed read it as null, validate, and take a
/// GED import whose rows carry it.
#[test]
fn events_written_before_conflict_id_read_it_as_null() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    ucdp::import(&[ged_file(dir.path())], &out, &options()).unwrap();
    common::make_table_predate(&out, "events", &["conflict_id"], 2);

    let old = Store::open(&out).unwrap();
    assert_eq!(old.descriptor().steppe.schema_version, 2);
    let report = steppe::validate(&old).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    let table = old.read_all(Table::Events).unwrap().concat().unwrap();
    assert_eq!(table.num_rows(), 3);
    let column = table.column_by_name("conflict_id").unwrap();
    assert_eq!(column.null_count(), 3, "absent column: nulls");
    let events = events_by_id(&old);
    assert_eq!(events["ucdp:301"].conflict_id, None);
    assert_eq!(events["ucdp:301"].fatalities_best, Some(5));

    let later = format!("{V49}\n{}", event("305", "1", "395", "1994-03-01"));
    let path = dir.path().join("ged_more_v23_1.csv");
    std::fs::write(&path, later).unwrap();
    ucdp::import(&[path], &out, &options()).unwrap();
    let store = Store::open(&out).unwrap();
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    let events = events_by_id(&store);
    assert_eq!(events["ucdp:305"].conflict_id, Some(395));
    assert_eq!(
        events["ucdp:302"].conflict_id, None,
        "old rows stay as written"
    );
}
