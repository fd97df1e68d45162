//! Kosovo and the places ISO does not list arrive with a country through every importer: a
//! World Bank WDI file (`XKX`), a UCDP GED row (Gleditsch-Ward 347), an ACLED row (`iso` 0)
//! and GDELT places coded in FIPS 10-4 without an ISO code (KV, GZ, WE, PG). The rows are
//! invented in each export's format, except the WDI file, which is the World Bank's own.

use std::path::{Path, PathBuf};

use steppe::import::gdelt::{self, GdeltOptions};
use steppe::import::wdi::{self, WdiOptions};
use steppe::import::{acled, ucdp, ImportOptions};
use steppe::model::{Entity, Event, IndicatorObservation};
use steppe::Store;

mod common;

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A CSV row of `cols` from named values; the other fields are empty.
fn row(cols: &str, sep: char, values: &[(&str, &str)]) -> String {
    let names: Vec<&str> = cols.split(sep).collect();
    common::row(&names, &sep.to_string(), values)
}

fn events(out: &Path) -> Vec<Event> {
    let store = Store::open(out).unwrap();
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    store.records().unwrap()
}

fn country(events: &[Event], id: &str) -> Option<String> {
    events
        .iter()
        .find(|e| e.event_id == id)
        .unwrap_or_else(|| panic!("no event {id}"))
        .country_id
        .clone()
}

#[test]
fn a_wdi_file_imports_kosovo_as_the_crosswalk_entity() {
    let Some(path) = common::shared_file(
        "data-sources/world-bank-wdi/wb-api-2024-10-gdp/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_9865.csv",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let report = wdi::import(
        &[path],
        &out,
        &WdiOptions::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert!(report.files[0].rows_accepted > 0);
    let store = Store::open(&out).unwrap();
    let obs: Vec<IndicatorObservation> = store.records().unwrap();
    let kosovo = obs.iter().filter(|o| o.entity_id == "XKX").count();
    assert!(kosovo > 0, "no Kosovo observations");
    // Kosovo is the crosswalk's entity (from the G&W list), not one the importer made up.
    let entities: Vec<Entity> = store.records().unwrap();
    let xkx: Vec<&Entity> = entities.iter().filter(|e| e.entity_id == "XKX").collect();
    assert_eq!(xkx.len(), 1);
    assert_eq!(xkx[0].source_id, "gleditsch-ward-1999-iisystem-2017");
}

const GED: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob";

fn ged(id: &str, year: &str, gw: &str, date: &str) -> String {
    row(
        GED,
        ',',
        &[
            ("id", id),
            ("relid", "TEST-1"),
            ("year", year),
            ("active_year", "1"),
            ("type_of_violence", "3"),
            ("conflict_new_id", "999"),
            ("conflict_name", "Invented conflict"),
            ("dyad_new_id", "999"),
            ("dyad_name", "Invented dyad"),
            ("side_a_new_id", "1"),
            ("side_a", "Invented side A"),
            ("side_b_new_id", "2"),
            ("side_b", "Civilians"),
            ("number_of_sources", "1"),
            ("where_prec", "1"),
            ("latitude", "42.66"),
            ("longitude", "21.16"),
            ("country", "Kosovo"),
            ("country_id", gw),
            ("region", "Europe"),
            ("event_clarity", "1"),
            ("date_prec", "1"),
            ("date_start", date),
            ("date_end", date),
            ("best", "1"),
            ("high", "1"),
            ("low", "1"),
            ("gwnoa", gw),
        ],
    )
}

#[test]
fn a_ucdp_ged_row_with_gleditsch_ward_347_is_kosovo() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let text = format!(
        "{GED}\n{}\n{}\n",
        ged("1", "2010", "347", "2010-03-01 00:00:00.000"),
        // Before Kosovo's independence (G&W: 2008-02-17) 347 names no state.
        ged("2", "1999", "347", "1999-03-01 00:00:00.000"),
    );
    let path = write(dir.path(), "ged.csv", text.as_bytes());
    let report = ucdp::import(&[path], &out, &ImportOptions::default()).unwrap();
    let f = &report.files[0];
    assert_eq!((f.rows_accepted, f.rows_rejected), (1, 1), "{f:?}");
    assert_eq!(country(&events(&out), "ucdp:1").as_deref(), Some("XKX"));
}

const ACLED: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

fn acled_row(id: &str, iso: &str, country: &str) -> String {
    row(
        ACLED,
        ',',
        &[
            ("event_id_cnty", id),
            ("event_date", "2020-05-09"),
            ("year", "2020"),
            ("time_precision", "1"),
            ("disorder_type", "Demonstrations"),
            ("event_type", "Protests"),
            ("sub_event_type", "Peaceful protest"),
            ("actor1", "Protesters (Test)"),
            ("inter1", "Protesters"),
            ("interaction", "Protesters only"),
            ("iso", iso),
            ("region", "Europe"),
            ("country", country),
            ("location", "Test Town"),
            ("latitude", "42.66"),
            ("longitude", "21.16"),
            ("geo_precision", "1"),
            ("source", "Test Wire"),
            ("source_scale", "National"),
            ("notes", "Invented note for a test and not an ACLED row."),
            ("fatalities", "0"),
            ("timestamp", "1600000000"),
        ],
    )
}

#[test]
fn an_acled_row_with_iso_0_is_kosovo_and_other_numbers_stay_iso() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let text = format!(
        "{ACLED}\n{}\n{}\n",
        acled_row("KOS1", "0", "Kosovo"),
        acled_row("SRB1", "688", "Serbia"),
    );
    let path = write(dir.path(), "acled.csv", text.as_bytes());
    let report = acled::import(&[path], &out, &ImportOptions::default()).unwrap();
    assert_eq!(report.files[0].rows_accepted, 2, "{:?}", report.files[0]);
    let ev = events(&out);
    assert_eq!(country(&ev, "acled:KOS1").as_deref(), Some("XKX"));
    assert_eq!(country(&ev, "acled:SRB1").as_deref(), Some("SRB"));
}

#[test]
fn gdelt_places_without_an_iso_code_keep_their_country() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let cols = common::gdelt::names(58).join("\t");
    let lines: Vec<String> = [
        ("1", "KV"),
        ("2", "GZ"),
        ("3", "WE"),
        ("4", "PG"),
        ("5", "OC"),
    ]
    .iter()
    .map(|(id, fips)| {
        row(
            &cols,
            '\t',
            &[
                ("GLOBALEVENTID", id),
                ("SQLDATE", "20130401"),
                ("MonthYear", "201304"),
                ("Year", "2013"),
                ("FractionDate", "2013.2493"),
                ("IsRootEvent", "1"),
                ("EventCode", "010"),
                ("EventBaseCode", "010"),
                ("EventRootCode", "01"),
                ("QuadClass", "1"),
                ("GoldsteinScale", "0"),
                ("NumMentions", "1"),
                ("NumSources", "1"),
                ("NumArticles", "1"),
                ("AvgTone", "0"),
                ("ActionGeo_Type", "1"),
                ("ActionGeo_FullName", "Invented place"),
                ("ActionGeo_CountryCode", fips),
                ("DATEADDED", "20130401"),
                ("SOURCEURL", "https://example.org/news"),
            ],
        )
    })
    .collect();
    let path = write(
        dir.path(),
        "20130401.export.CSV",
        (lines.join("\n") + "\n").as_bytes(),
    );
    let report = gdelt::import(
        &[path],
        &out,
        &GdeltOptions::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(report.files[0].rows_accepted, 5, "{:?}", report.files[0]);
    let ev = events(&out);
    // Kosovo; Gaza Strip and West Bank where ISO puts them (NGA APP B: Palestinian
    // Territory); the Spratly Islands as an area of their own; an ocean (OC, no NGA code)
    // stays without a country.
    assert_eq!(country(&ev, "gdelt1:1").as_deref(), Some("XKX"));
    assert_eq!(country(&ev, "gdelt1:2").as_deref(), Some("PSE"));
    assert_eq!(country(&ev, "gdelt1:3").as_deref(), Some("PSE"));
    assert_eq!(country(&ev, "gdelt1:4").as_deref(), Some("FIPS_PG"));
    assert_eq!(country(&ev, "gdelt1:5"), None);
}
