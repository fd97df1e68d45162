//! UCDP Georeferenced Event Dataset (GED) CSV, any version: columns are found by header name,
//! so the 42-column releases ending `low,best,high` and the 49-column ones (23.1) ordering
//! `best,high,low` read alike, as do the older `best_est/low_est/high_est` names. Quoted
//! fields may hold quotes and newlines (line numbers are those where a record starts). The
//! humanitarian-data (HDX) copies carry a row of HXL `#tags` under the header: it is skipped
//! (`hxl_tag_row`).
//!
//! - `event_id` is `ucdp:<id>`; `event_class` follows `type_of_violence` (1
//!   `state_based_violence`, 2 `non_state_violence`, 3 `one_sided_violence`).
//! - Dates: `date_start`, `date_end`, with `date_prec` mapped per the GED codebook: 1 `day`
//!   (exact date), 2 `range` (within 2-6 days: the start and end dates bound it), 3 `week`,
//!   4 `month` (within 8-30 days or the month), 5 `year` (more than a month, within a year).
//! - Place: `country_id` is a Gleditsch-Ward number resolved through the crosswalk (scheme
//!   `gw`, in the event's year); a number the crosswalk lacks is rejected `unknown_code`.
//!   `where_prec` is kept as `geo_precision` with scheme `ucdp_where_prec` (1 exact place ...
//!   7 international waters or airspace).
//! - Actors: `side_a` and `side_b` in roles `side_a`/`side_b`, with the side id (`*_new_id`,
//!   else `*_dset_id`) as `actor_code` and, when `gwnoa`/`gwnob` hold one GW number, the
//!   state as `actor_ref`.

use std::path::{Path, PathBuf};

use super::csv_reader::CsvRecord;
use super::events_common::{
    actor, cell, check_range, coordinates, count, parse_iso_date, parse_opt, utf8_fields, Headed,
    HeadedEvents, HeadedFile, Header,
};
use super::rows::{bad, import_files, Bad, Outcome, Publisher};
use super::{ImportOptions, ImportReport, InputFile};
use crate::codes::CodeIndex;
use crate::model::{
    ActorKind, ActorRole, DatePrecision, Derivation, Event, EventActor, EventClass, Scheme, Source,
};
use crate::Result;

/// The importer name recorded in the store.
pub const IMPORTER: &str = "ucdp";

const PUBLISHER: Publisher = Publisher {
    name: "Uppsala Conflict Data Program, Uppsala University",
    url: "https://ucdp.uu.se/downloads/",
    license: "CC-BY-4.0",
    terms: None,
};

struct Cols {
    id: usize,
    year: Option<usize>,
    type_of_violence: usize,
    dyad_name: Option<usize>,
    conflict_name: Option<usize>,
    side: [usize; 2],
    side_new_id: [Option<usize>; 2],
    side_dset_id: [Option<usize>; 2],
    gwno: [Option<usize>; 2],
    source_article: Option<usize>,
    where_prec: Option<usize>,
    where_description: Option<usize>,
    where_coordinates: Option<usize>,
    adm_1: Option<usize>,
    latitude: Option<usize>,
    longitude: Option<usize>,
    country_id: usize,
    date_prec: Option<usize>,
    date_start: usize,
    date_end: Option<usize>,
    best: usize,
    low: Option<usize>,
    high: Option<usize>,
}

/// The UCDP GED format.
struct Ucdp;

impl HeadedEvents for Ucdp {
    type Cols = Cols;
    const IMPORTER: &'static str = IMPORTER;
    const ID_FIELD: &'static str = "id";
    const PREFIX: &'static str = "ucdp:";
    const EXPECTED: &'static str = "a UCDP GED header (`id,relid,year,...`)";

    fn columns(h: &Header, path: &Path) -> Result<Cols> {
        let need = |aliases: &[&str]| h.need(path, "UCDP GED", aliases);
        Ok(Cols {
            id: need(&["id"])?,
            year: h.find(&["year"]),
            type_of_violence: need(&["type_of_violence"])?,
            dyad_name: h.find(&["dyad_name"]),
            conflict_name: h.find(&["conflict_name"]),
            side: [need(&["side_a"])?, need(&["side_b"])?],
            side_new_id: [h.find(&["side_a_new_id"]), h.find(&["side_b_new_id"])],
            side_dset_id: [h.find(&["side_a_dset_id"]), h.find(&["side_b_dset_id"])],
            gwno: [h.find(&["gwnoa"]), h.find(&["gwnob"])],
            source_article: h.find(&["source_article"]),
            where_prec: h.find(&["where_prec"]),
            where_description: h.find(&["where_description"]),
            where_coordinates: h.find(&["where_coordinates"]),
            adm_1: h.find(&["adm_1"]),
            latitude: h.find(&["latitude"]),
            longitude: h.find(&["longitude"]),
            country_id: need(&["country_id"])?,
            date_prec: h.find(&["date_prec"]),
            date_start: need(&["date_start"])?,
            date_end: h.find(&["date_end"]),
            best: need(&["best", "best_est"])?,
            low: h.find(&["low", "low_est"]),
            high: h.find(&["high", "high_est"]),
        })
    }

    fn source(input: &InputFile) -> Source {
        let title = format!("UCDP Georeferenced Event Dataset ({})", input.name);
        PUBLISHER.source(IMPORTER, input, title, None)
    }

    /// The HDX copies' row of HXL `#tags` under the header is skipped; every field must be
    /// UTF-8.
    fn event(file: &mut HeadedFile<Ucdp>, rec: &CsvRecord) -> Outcome<(Event, Vec<EventActor>)> {
        let hxl = |f: &[u8]| f.is_empty() || f.trim_ascii().starts_with(b"#");
        if std::mem::take(&mut file.first) && rec.iter().all(hxl) {
            return Outcome::Skip("hxl_tag_row");
        }
        let checked = file.header.check_width(rec);
        match checked.and_then(|()| utf8_fields(rec, &file.header.names)) {
            Ok(f) => parse_row(&f, &file.cols, &file.codes, &file.source_id, rec.line()).into(),
            Err(b) => Outcome::Reject(b),
        }
    }
}

/// Imports UCDP GED CSV files into the store at `out`. Every header is checked before
/// anything is written.
pub fn import(files: &[PathBuf], out: &Path, options: &ImportOptions) -> Result<ImportReport> {
    import_files(&Headed(Ucdp), files, out, options)
}

/// `type_of_violence` and its event class.
fn violence(f: &[&str], c: &Cols) -> std::result::Result<(i8, EventClass), Bad> {
    let tov: i8 = parse_opt(cell(f, Some(c.type_of_violence)), "type_of_violence")?
        .ok_or_else(|| bad("type_of_violence", "missing_value", "empty"))?;
    let class = match tov {
        1 => EventClass::StateBasedViolence,
        2 => EventClass::NonStateViolence,
        3 => EventClass::OneSidedViolence,
        other => {
            return Err(bad(
                "type_of_violence",
                "out_of_range",
                format!("{other} is not 1, 2 or 3"),
            ))
        }
    };
    Ok((tov, class))
}

/// A `YYYY-MM-DD` date column.
fn date(s: &str, field: &str) -> std::result::Result<chrono::NaiveDate, Bad> {
    parse_iso_date(s).ok_or_else(|| {
        bad(
            field,
            "malformed_date",
            format!("`{s}` is not a YYYY-MM-DD date"),
        )
    })
}

/// Start and end dates (in order, `year` agreeing) and the precision `date_prec` gives.
fn dates(f: &[&str], c: &Cols) -> std::result::Result<Dates, Bad> {
    let start = date(f[c.date_start], "date_start")?;
    let end = cell(f, c.date_end)
        .map(|s| date(s, "date_end"))
        .transpose()?;
    if let Some(e) = end.filter(|e| *e < start) {
        return Err(bad(
            "date_end",
            "date_order",
            format!("{e} is before date_start {start}"),
        ));
    }
    let year = chrono::Datelike::year(&start);
    if let Some(y) = parse_opt::<i32>(cell(f, c.year), "year")? {
        if y != year {
            return Err(bad(
                "year",
                "inconsistent",
                format!("year {y} differs from date_start {start}"),
            ));
        }
    }
    let precision = match parse_opt::<i8>(cell(f, c.date_prec), "date_prec")? {
        None => DatePrecision::Unknown,
        Some(1) => DatePrecision::Day,
        Some(2) => DatePrecision::Range,
        Some(3) => DatePrecision::Week,
        Some(4) => DatePrecision::Month,
        Some(5) => DatePrecision::Year,
        Some(other) => {
            return Err(bad(
                "date_prec",
                "out_of_range",
                format!("{other} is not 1-5"),
            ))
        }
    };
    Ok((start, end, year, precision))
}

/// Start, end, year of the start, precision.
type Dates = (
    chrono::NaiveDate,
    Option<chrono::NaiveDate>,
    i32,
    DatePrecision,
);

fn parse_row(
    f: &[&str],
    c: &Cols,
    codes: &CodeIndex,
    source_id: &str,
    line: u64,
) -> std::result::Result<(Event, Vec<EventActor>), Bad> {
    let id = f[c.id];
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(
            "id",
            "malformed_number",
            format!("`{id}` is not an event id"),
        ));
    }
    let (tov, event_class) = violence(f, c)?;
    let (start, end, year, date_precision) = dates(f, c)?;
    let where_prec: Option<i8> = check_range(
        parse_opt(cell(f, c.where_prec), "where_prec")?,
        1.0,
        7.0,
        "where_prec",
    )?;
    let (latitude, longitude) = coordinates(
        (cell(f, c.latitude), "latitude"),
        (cell(f, c.longitude), "longitude"),
    )?;
    let gw = f[c.country_id];
    let country = codes
        .resolve(Scheme::Gw, gw, Some(year))
        .map_err(|e| bad("country_id", "unknown_code", format!("Gleditsch-Ward {e}")))?
        .to_string();
    let s = |i: Option<usize>| cell(f, i).map(String::from);
    let event = Event {
        event_id: format!("ucdp:{id}"),
        year: Some(year as i16),
        event_class,
        title: s(c.dyad_name).or_else(|| s(c.conflict_name)),
        start_date: Some(start),
        end_date: end,
        date_precision,
        country_id: Some(country),
        admin1: s(c.adm_1),
        location_name: s(c.where_description).or_else(|| s(c.where_coordinates)),
        latitude,
        longitude,
        geo_precision: where_prec,
        geo_precision_scheme: where_prec.map(|_| "ucdp_where_prec".to_string()),
        violence_type: Some(tov),
        fatalities_best: count(cell(f, Some(c.best)), "best")?,
        fatalities_low: count(cell(f, c.low), "low")?,
        fatalities_high: count(cell(f, c.high), "high")?,
        source_id: source_id.to_string(),
        source_locator: s(c.source_article),
        source_line: Some(line as i64),
        derivation: Derivation::AsPublished,
        ..Default::default()
    };
    let actors = sides(f, c, codes, &event, year);
    Ok((event, actors))
}

/// `side_a` and `side_b`: the side id as `actor_code`, and the state as `actor_ref` when
/// `gwnoa`/`gwnob` hold one Gleditsch-Ward number.
fn sides(f: &[&str], c: &Cols, codes: &CodeIndex, event: &Event, year: i32) -> Vec<EventActor> {
    let mut actors = Vec::new();
    for (k, (role, col)) in [(ActorRole::SideA, "side_a"), (ActorRole::SideB, "side_b")]
        .into_iter()
        .enumerate()
    {
        let Some(name) = cell(f, Some(c.side[k])) else {
            continue;
        };
        let actor_ref = cell(f, c.gwno[k])
            .filter(|g| g.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|g| codes.resolve(Scheme::Gw, g, Some(year)).ok())
            .map(String::from);
        let kind = if actor_ref.is_some() {
            ActorKind::Entity
        } else if name.eq_ignore_ascii_case("civilians") {
            ActorKind::Unknown
        } else {
            ActorKind::ArmedGroup
        };
        let code = cell(f, c.side_new_id[k]).or_else(|| cell(f, c.side_dset_id[k]));
        actors.push(EventActor {
            actor_ref,
            actor_code: code.map(String::from),
            ..actor(event, role, kind, name.to_string(), col)
        });
    }
    actors
}
