//! ACLED CSV exports that a user downloaded under their own licence. ACLED's terms forbid
//! redistributing its rows, so the file's Source records the licence `ACLED-terms` with
//! `redistributable = false`, and the store marks `events`, `event_actors` and `rejects`
//! (which keeps raw lines) as not redistributable. No ACLED row ships with steppe.
//!
//! - Columns are found by name, case-insensitively, with the aliases of older exports
//!   (`ally_actor_1` for `assoc_actor_1`, upper-case names, `gwno` instead of `iso`).
//! - `event_date` in the formats exports have used: `2020-05-09`, `09 May 2020`,
//!   `01-January-2015`, `9-May-20` (two-digit years: 00-69 are 20xx, 70-99 19xx). When a
//!   `year` column is present it must agree.
//! - `time_precision` 1/2/3 is `day`/`week`/`month`; `geo_precision` 1-3 is kept with scheme
//!   `acled_geo`.
//! - `event_type` gives `event_class` (Battles `battle`, Explosions/Remote violence
//!   `explosion_remote_violence`, Violence against civilians, Protests, Riots, Strategic
//!   developments); other types (older `Riots/Protests`, `Non-violent transfer of territory`)
//!   are `other`. The title keeps `event_type: sub_event_type` as published.
//! - Country: `iso` (ISO 3166 numeric), else `gwno` (Gleditsch-Ward), else `iso3`, through the
//!   crosswalk; a code it lacks is rejected `unknown_code`.
//! - Actors: `actor1`/`actor2` in roles `actor1`/`actor2` with `inter1`/`inter2` as
//!   `actor_type`; each `;`-separated associated actor in role `participant`.
//! - Text that is not UTF-8 is read as Windows-1252 (spreadsheet re-saves).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::csv_reader::CsvRecord;
use super::events_common::{
    actor, cell, check_range, coordinates, count, parse_opt, Headed, HeadedEvents, HeadedFile,
    Header,
};
use super::rows::{bad, import_files, Bad, Outcome, Publisher};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{
    ActorKind, ActorRole, DatePrecision, Derivation, Event, EventActor, EventClass, Scheme, Source,
};
use crate::schema::Table;
use crate::Result;

/// The importer name recorded in the store.
pub const IMPORTER: &str = "acled";

/// The licence recorded on ACLED sources.
pub const LICENSE: &str = "ACLED-terms";

const PUBLISHER: Publisher = Publisher {
    name: "Armed Conflict Location & Event Data (ACLED)",
    url: "https://acleddata.com/",
    license: LICENSE,
    terms: Some(
        "ACLED's terms of use forbid redistributing its rows or giving others access to them \
         (acleddata.com terms of use)",
    ),
};

struct Cols {
    id: usize,
    date: usize,
    year: Option<usize>,
    time_precision: Option<usize>,
    event_type: usize,
    sub_event_type: Option<usize>,
    actor: [usize; 2],
    actor_opt2: bool,
    assoc: [Option<usize>; 2],
    inter: [Option<usize>; 2],
    iso: Option<usize>,
    gwno: Option<usize>,
    iso3: Option<usize>,
    admin1: Option<usize>,
    location: Option<usize>,
    latitude: usize,
    longitude: usize,
    geo_precision: Option<usize>,
    source: Option<usize>,
    notes: Option<usize>,
    fatalities: usize,
}

/// The ACLED format.
struct Acled;

impl HeadedEvents for Acled {
    type Cols = Cols;
    const IMPORTER: &'static str = IMPORTER;
    const ID_FIELD: &'static str = "event_id_cnty";
    const PREFIX: &'static str = "acled:";
    const EXPECTED: &'static str = "an ACLED header (`event_id_cnty,event_date,year,...`)";

    fn columns(h: &Header, path: &Path) -> Result<Cols> {
        let need = |aliases: &[&str]| h.need(path, "ACLED", aliases);
        let (iso, gwno, iso3) = (h.find(&["iso"]), h.find(&["gwno"]), h.find(&["iso3"]));
        if iso.is_none() && gwno.is_none() && iso3.is_none() {
            return Err(h.error(
                path,
                "iso",
                "the ACLED header has no country code column (`iso`, `gwno` or `iso3`)",
            ));
        }
        let actor2 = h.find(&["actor2"]);
        Ok(Cols {
            id: need(&["event_id_cnty"])?,
            date: need(&["event_date"])?,
            year: h.find(&["year"]),
            time_precision: h.find(&["time_precision"]),
            event_type: need(&["event_type"])?,
            sub_event_type: h.find(&["sub_event_type"]),
            actor: [need(&["actor1"])?, actor2.unwrap_or(0)],
            actor_opt2: actor2.is_some(),
            assoc: [
                h.find(&["assoc_actor_1", "ally_actor_1"]),
                h.find(&["assoc_actor_2", "ally_actor_2"]),
            ],
            inter: [h.find(&["inter1"]), h.find(&["inter2"])],
            iso,
            gwno,
            iso3,
            admin1: h.find(&["admin1"]),
            location: h.find(&["location"]),
            latitude: need(&["latitude"])?,
            longitude: need(&["longitude"])?,
            geo_precision: h.find(&["geo_precision"]),
            source: h.find(&["source"]),
            notes: h.find(&["notes"]),
            fatalities: need(&["fatalities"])?,
        })
    }

    fn source(input: &InputFile) -> Source {
        let title = format!("ACLED export ({})", input.name);
        Source {
            redistributable: false,
            ..PUBLISHER.source(IMPORTER, input, title, None)
        }
    }

    fn begun(run: &mut ImportRun) {
        for t in [Table::Events, Table::EventActors, Table::Rejects] {
            run.transaction().mark_not_redistributable(t);
        }
    }

    fn event(file: &mut HeadedFile<Acled>, rec: &CsvRecord) -> Outcome<(Event, Vec<EventActor>)> {
        if let Err(b) = file.header.check_width(rec) {
            return Outcome::Reject(b);
        }
        let owned: Vec<String> = (0..rec.len()).map(|i| rec.text(i).into_owned()).collect();
        let f: Vec<&str> = owned.iter().map(String::as_str).collect();
        parse_row(&f, &file.cols, &file.codes, &file.source_id, rec.line()).into()
    }
}

/// Imports ACLED CSV exports into the store at `out`. Every header is checked before
/// anything is written.
pub fn import(files: &[PathBuf], out: &Path, options: &ImportOptions) -> Result<ImportReport> {
    import_files(&Headed(Acled), files, out, options)
}

fn month(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let n = name.to_ascii_lowercase();
    if n.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == n || (n.len() == 3 && m.starts_with(&n)) || (n == "sept" && *m == "september")
        })
        .map(|i| i as u32 + 1)
}

/// Parses the date formats ACLED exports have used.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = super::events_common::parse_iso_date(s) {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['-', ' ']).filter(|p| !p.is_empty()).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    if !(1..=2).contains(&d.len()) || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = match y.len() {
        4 => y.parse().ok()?,
        2 => {
            let yy: i32 = y.parse().ok()?;
            if yy < 70 {
                2000 + yy
            } else {
                1900 + yy
            }
        }
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month(m)?, d.parse().ok()?)
}

fn event_class(t: &str) -> EventClass {
    let t = t.trim().to_ascii_lowercase();
    match t.as_str() {
        "battles" | "battle" => EventClass::Battle,
        "explosions/remote violence" | "remote violence" => EventClass::ExplosionRemoteViolence,
        "violence against civilians" => EventClass::ViolenceAgainstCivilians,
        "protests" | "protest" => EventClass::Protest,
        "riots" | "riot" => EventClass::Riot,
        "strategic developments" | "strategic development" => EventClass::StrategicDevelopment,
        _ if t.starts_with("battle-") || t.starts_with("battle -") => EventClass::Battle,
        _ => EventClass::Other,
    }
}

fn actor_kind(inter: Option<&str>) -> ActorKind {
    match inter.map(|s| s.trim().to_ascii_lowercase()) {
        Some(i)
            if matches!(i.as_str(), "2" | "3" | "4")
                || i.contains("rebel")
                || i.contains("militia") =>
        {
            ActorKind::ArmedGroup
        }
        _ => ActorKind::Unknown,
    }
}

/// The event's date, checked against `year` when present, and its precision.
fn when(f: &[&str], c: &Cols) -> std::result::Result<(NaiveDate, DatePrecision), Bad> {
    let date = parse_date(f[c.date]).ok_or_else(|| {
        bad(
            "event_date",
            "malformed_date",
            format!(
                "`{}` is not a date in a known ACLED format (2020-05-09, 09 May 2020, 01-January-2015, 9-May-20)",
                f[c.date]
            ),
        )
    })?;
    let year = chrono::Datelike::year(&date);
    if let Some(y) = parse_opt::<i32>(cell(f, c.year), "year")? {
        if y != year {
            return Err(bad(
                "event_date",
                "inconsistent",
                format!("{date} is not in the row's year {y}"),
            ));
        }
    }
    let precision = match parse_opt::<i8>(cell(f, c.time_precision), "time_precision")? {
        None => DatePrecision::Unknown,
        Some(1) => DatePrecision::Day,
        Some(2) => DatePrecision::Week,
        Some(3) => DatePrecision::Month,
        Some(o) => {
            return Err(bad(
                "time_precision",
                "out_of_range",
                format!("{o} is not 1, 2 or 3"),
            ))
        }
    };
    Ok((date, precision))
}

/// The event's country: `iso` (ISO 3166 numeric), else `gwno`, else `iso3`.
fn country(f: &[&str], c: &Cols, codes: &CodeIndex, year: i32) -> std::result::Result<String, Bad> {
    let (scheme, field, code) = if let Some(iso) = cell(f, c.iso) {
        (Scheme::Acled, "iso", iso)
    } else if let Some(g) = cell(f, c.gwno) {
        (Scheme::Gw, "gwno", g)
    } else if let Some(i3) = cell(f, c.iso3) {
        (Scheme::Iso3, "iso3", i3)
    } else {
        return Err(bad("iso", "missing_value", "no country code"));
    };
    codes
        .resolve(scheme, code, Some(year))
        .map(str::to_string)
        .map_err(|e| bad(field, "unknown_code", e.to_string()))
}

fn parse_row(
    f: &[&str],
    c: &Cols,
    codes: &CodeIndex,
    source_id: &str,
    line: u64,
) -> std::result::Result<(Event, Vec<EventActor>), Bad> {
    let id = f[c.id];
    if id.is_empty() {
        return Err(bad("event_id_cnty", "missing_value", "empty"));
    }
    let (date, date_precision) = when(f, c)?;
    let year = chrono::Datelike::year(&date);
    let country = country(f, c, codes, year)?;
    let (latitude, longitude) = coordinates(
        (cell(f, Some(c.latitude)), "latitude"),
        (cell(f, Some(c.longitude)), "longitude"),
    )?;
    let geo: Option<i8> = check_range(
        parse_opt(cell(f, c.geo_precision), "geo_precision")?,
        1.0,
        3.0,
        "geo_precision",
    )?;
    let etype = f[c.event_type];
    let title = match (etype, cell(f, c.sub_event_type)) {
        ("", _) => None,
        (t, Some(sub)) => Some(format!("{t}: {sub}")),
        (t, None) => Some(t.to_string()),
    };
    let s = |i: Option<usize>| cell(f, i).map(String::from);
    let event = Event {
        event_id: format!("acled:{id}"),
        year: Some(year as i16),
        event_class: event_class(etype),
        title,
        description: s(c.notes),
        start_date: Some(date),
        date_precision,
        country_id: Some(country),
        admin1: s(c.admin1),
        location_name: s(c.location),
        latitude,
        longitude,
        geo_precision: geo,
        geo_precision_scheme: geo.map(|_| "acled_geo".to_string()),
        fatalities_best: count(cell(f, Some(c.fatalities)), "fatalities")?,
        source_id: source_id.to_string(),
        source_locator: s(c.source),
        source_line: Some(line as i64),
        derivation: Derivation::AsPublished,
        ..Default::default()
    };
    let actors = actors(f, c, &event);
    Ok((event, actors))
}

/// `actor1`/`actor2` with their `inter` codes, then each `;`-separated associated actor as a
/// participant; a name given twice in one role is kept once.
fn actors(f: &[&str], c: &Cols, event: &Event) -> Vec<EventActor> {
    let mut actors: Vec<EventActor> = Vec::new();
    let mut push = |role: ActorRole, name: &str, kind: ActorKind, typ: Option<&str>, col: &str| {
        let name = name.trim();
        if name.is_empty()
            || actors
                .iter()
                .any(|a| a.role == role && a.actor_name == name)
        {
            return;
        }
        actors.push(EventActor {
            actor_type: typ.map(String::from),
            ..actor(event, role, kind, name.to_string(), col)
        });
    };
    let sides = [
        (ActorRole::Actor1, "actor1", "assoc_actor_1"),
        (ActorRole::Actor2, "actor2", "assoc_actor_2"),
    ];
    for (k, (role, col, assoc_col)) in sides.into_iter().enumerate() {
        if k == 1 && !c.actor_opt2 {
            continue;
        }
        let inter = cell(f, c.inter[k]);
        if let Some(name) = cell(f, Some(c.actor[k])) {
            push(role, name, actor_kind(inter), inter, col);
        }
        for name in cell(f, c.assoc[k]).into_iter().flat_map(|a| a.split(';')) {
            push(
                ActorRole::Participant,
                name,
                ActorKind::Unknown,
                None,
                assoc_col,
            );
        }
    }
    actors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_date("9-May-20"), d(2020, 5, 9));
        assert_eq!(parse_date("01-January-2015"), d(2015, 1, 1));
        assert_eq!(parse_date("2020-05-09"), d(2020, 5, 9));
        assert_eq!(parse_date("09 May 2020"), d(2020, 5, 9));
        assert_eq!(parse_date("3-Sep-97"), d(1997, 9, 3));
        assert_eq!(parse_date("5/9/2020"), None);
        assert_eq!(parse_date("31-February-2015"), None);
        assert_eq!(parse_date("9-Mai-20"), None);
    }
}
