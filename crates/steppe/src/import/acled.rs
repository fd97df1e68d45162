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
//! - `event_type` gives `event_class` (older types such as `Riots/Protests` are `other`); the
//!   title keeps `event_type: sub_event_type` as published.
//! - Country: `iso` (ISO 3166 numeric), else `gwno` (Gleditsch-Ward), else `iso3`, through the
//!   crosswalk; a code it lacks is rejected `unknown_code`.
//! - Actors: `actor1`/`actor2` in roles `actor1`/`actor2` with `inter1`/`inter2` as
//!   `actor_type`; each `;`-separated associated actor in role `participant`.
//! - Text that is not UTF-8 is read as Windows-1252 (spreadsheet re-saves).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::csv_reader::CsvRecord;
use super::events_common::{
    actor, cell, check_year, coordinates, count, header_columns, parse_iso_date, precision, ranged,
    read_date, EventRows, Headed, HeadedEvents, HeadedFile, Header,
};
use super::rows::{bad, import_files, Checked, Outcome, Publisher};
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

header_columns!("ACLED", struct Cols {
    id: need["event_id_cnty"],
    date: need["event_date"],
    year: find["year"],
    time_precision: find["time_precision"],
    event_type: need["event_type"],
    sub_event_type: find["sub_event_type"],
    actor1: need["actor1"],
    actor2: find["actor2"],
    assoc1: find["assoc_actor_1", "ally_actor_1"],
    assoc2: find["assoc_actor_2", "ally_actor_2"],
    inter1: find["inter1"],
    inter2: find["inter2"],
    iso: find["iso"],
    gwno: find["gwno"],
    iso3: find["iso3"],
    admin1: find["admin1"],
    location: find["location"],
    latitude: need["latitude"],
    longitude: need["longitude"],
    geo_precision: find["geo_precision"],
    source: find["source"],
    notes: find["notes"],
    fatalities: need["fatalities"],
});

/// The ACLED format.
struct Acled;

impl HeadedEvents for Acled {
    type Cols = Cols;
    const IMPORTER: &'static str = IMPORTER;
    const ID_FIELD: &'static str = "event_id_cnty";
    const PREFIX: &'static str = "acled:";
    const EXPECTED: &'static str = "an ACLED header (`event_id_cnty,event_date,year,...`)";

    fn columns(h: &Header, path: &Path) -> Result<Cols> {
        let c = Cols::find(h, path)?;
        if c.iso.is_none() && c.gwno.is_none() && c.iso3.is_none() {
            return Err(h.error(
                path,
                "iso",
                "the ACLED header has no country code column (`iso`, `gwno` or `iso3`)",
            ));
        }
        Ok(c)
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

    fn event(file: &mut HeadedFile<Acled>, rec: &CsvRecord) -> Outcome<EventRows> {
        if let Err(b) = file.header.check_width(rec) {
            return Outcome::Reject(b);
        }
        let owned: Vec<String> = (0..rec.len()).map(|i| rec.text(i).into_owned()).collect();
        let f: Vec<&str> = owned.iter().map(String::as_str).collect();
        parse_row(&f, file, rec.line()).into()
    }
}

/// Imports ACLED CSV exports into the store at `out`. Every header is checked before
/// anything is written.
pub fn import(files: &[PathBuf], out: &Path, options: &ImportOptions) -> Result<ImportReport> {
    import_files(&Headed(Acled), files, out, options)
}

/// A month's English name or its three-letter (or `Sept`) abbreviation, any case.
fn month(name: &str) -> Option<u32> {
    if name.eq_ignore_ascii_case("sept") {
        return Some(9);
    }
    name.parse::<chrono::Month>()
        .ok()
        .map(|m| m.number_from_month())
}

/// Parses the date formats ACLED exports have used.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = parse_iso_date(s) {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['-', ' ']).filter(|p| !p.is_empty()).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, lens: [usize; 2]| {
        lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(d, [1, 2]) || !digits(y, [2, 4]) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let year = match (y.len(), year) {
        (4, _) => year,
        (_, 0..=69) => 2000 + year,
        _ => 1900 + year,
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

/// An `inter` code of a rebel group (2), political militia (3) or identity militia (4), or
/// its name, is an armed group.
fn actor_kind(inter: Option<&str>) -> ActorKind {
    let i = inter.unwrap_or_default().trim().to_ascii_lowercase();
    let armed = ["rebel", "militia"].iter().any(|w| i.contains(w));
    if armed || matches!(i.as_str(), "2" | "3" | "4") {
        return ActorKind::ArmedGroup;
    }
    ActorKind::Unknown
}

/// The event's date, its year (agreeing with `year` when present) and its precision.
fn when(f: &[&str], c: &Cols) -> Checked<(NaiveDate, i32, DatePrecision)> {
    let formats =
        "a date in a known ACLED format (2020-05-09, 09 May 2020, 01-January-2015, 9-May-20)";
    let date = read_date(f[c.date], "event_date", parse_date, formats)?;
    let year = check_year(cell(f, c.year), date, "event_date")?;
    use DatePrecision::{Day, Month, Week};
    let precision = precision(
        cell(f, c.time_precision),
        "time_precision",
        &[Day, Week, Month],
    )?;
    Ok((date, year, precision))
}

/// The event's country: `iso` (ISO 3166 numeric), else `gwno`, else `iso3`.
fn country(f: &[&str], c: &Cols, codes: &CodeIndex, year: i32) -> Checked<String> {
    let columns = [
        (Scheme::Acled, "iso", c.iso),
        (Scheme::Gw, "gwno", c.gwno),
        (Scheme::Iso3, "iso3", c.iso3),
    ];
    let Some((scheme, field, code)) = columns
        .into_iter()
        .find_map(|(scheme, field, i)| Some((scheme, field, cell(f, i)?)))
    else {
        return Err(bad("iso", "missing_value", "no country code"));
    };
    codes
        .resolve(scheme, code, Some(year))
        .map(str::to_string)
        .map_err(|e| bad(field, "unknown_code", e.to_string()))
}

fn parse_row(f: &[&str], file: &HeadedFile<Acled>, line: u64) -> Checked<EventRows> {
    let c = &file.cols;
    let id = f[c.id];
    if id.is_empty() {
        return Err(bad("event_id_cnty", "missing_value", "empty"));
    }
    let (date, year, date_precision) = when(f, c)?;
    let country = country(f, c, &file.codes, year)?;
    let (latitude, longitude) = coordinates(
        (cell(f, c.latitude), "latitude"),
        (cell(f, c.longitude), "longitude"),
    )?;
    let geo: Option<i8> = ranged(cell(f, c.geo_precision), "geo_precision", 1.0, 3.0)?;
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
        fatalities_best: count(cell(f, c.fatalities), "fatalities")?,
        source_id: file.source_id.clone(),
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
    // An actor's kind follows its `inter` code, which is also its `actor_type`.
    let mut push = |role: ActorRole, name: &str, inter: Option<&str>, col: &str| {
        let name = name.trim();
        let known = actors
            .iter()
            .any(|a| a.role == role && a.actor_name == name);
        if !name.is_empty() && !known {
            actors.push(EventActor {
                actor_type: inter.map(String::from),
                ..actor(event, role, actor_kind(inter), name.to_string(), col)
            });
        }
    };
    // Side n: `actor{n}` with `inter{n}`, then `assoc_actor_{n}` (skipped without `actor{n}`).
    let sides = [
        (ActorRole::Actor1, Some(c.actor1), c.inter1, c.assoc1, 1),
        (ActorRole::Actor2, c.actor2, c.inter2, c.assoc2, 2),
    ];
    for (role, actor_col, inter, assoc, n) in sides.into_iter().filter(|s| s.1.is_some()) {
        if let Some(name) = cell(f, actor_col) {
            push(role, name, cell(f, inter), &format!("actor{n}"));
        }
        for name in cell(f, assoc).into_iter().flat_map(|a| a.split(';')) {
            push(
                ActorRole::Participant,
                name,
                None,
                &format!("assoc_actor_{n}"),
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
