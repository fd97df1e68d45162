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

use chrono::NaiveDate;

use super::csv_reader::CsvRecord;
use super::events_common::{
    actor, cell, check_year, coordinates, count, header_columns, parse_iso_date, precision, ranged,
    read_date, utf8_fields, Headed, HeadedEvents, HeadedFile, Header,
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

header_columns!("UCDP GED", struct Cols {
    id: need["id"],
    year: find["year"],
    type_of_violence: need["type_of_violence"],
    dyad_name: find["dyad_name"],
    conflict_name: find["conflict_name"],
    side_a: need["side_a"],
    side_b: need["side_b"],
    side_a_new_id: find["side_a_new_id"],
    side_b_new_id: find["side_b_new_id"],
    side_a_dset_id: find["side_a_dset_id"],
    side_b_dset_id: find["side_b_dset_id"],
    gwnoa: find["gwnoa"],
    gwnob: find["gwnob"],
    source_article: find["source_article"],
    where_prec: find["where_prec"],
    where_description: find["where_description"],
    where_coordinates: find["where_coordinates"],
    adm_1: find["adm_1"],
    latitude: find["latitude"],
    longitude: find["longitude"],
    country_id: need["country_id"],
    date_prec: find["date_prec"],
    date_start: need["date_start"],
    date_end: find["date_end"],
    best: need["best", "best_est"],
    low: find["low", "low_est"],
    high: find["high", "high_est"],
});

/// The UCDP GED format.
struct Ucdp;

impl HeadedEvents for Ucdp {
    type Cols = Cols;
    const IMPORTER: &'static str = IMPORTER;
    const ID_FIELD: &'static str = "id";
    const PREFIX: &'static str = "ucdp:";
    const EXPECTED: &'static str = "a UCDP GED header (`id,relid,year,...`)";

    fn columns(h: &Header, path: &Path) -> Result<Cols> {
        Cols::find(h, path)
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
    let tov: i8 = ranged(cell(f, c.type_of_violence), "type_of_violence", 1.0, 3.0)?
        .ok_or_else(|| bad("type_of_violence", "missing_value", "empty"))?;
    let classes = [
        EventClass::StateBasedViolence,
        EventClass::NonStateViolence,
        EventClass::OneSidedViolence,
    ];
    Ok((tov, classes[tov as usize - 1]))
}

/// Start, end, year of the start, precision.
type Dates = (NaiveDate, Option<NaiveDate>, i32, DatePrecision);

/// Start and end dates (in order, `year` agreeing) and the precision `date_prec` gives.
fn dates(f: &[&str], c: &Cols) -> std::result::Result<Dates, Bad> {
    let ymd = |s: &str, field: &str| read_date(s, field, parse_iso_date, "a YYYY-MM-DD date");
    let start = ymd(f[c.date_start], "date_start")?;
    let end = cell(f, c.date_end)
        .map(|s| ymd(s, "date_end"))
        .transpose()?;
    if let Some(e) = end.filter(|e| *e < start) {
        let detail = format!("{e} is before date_start {start}");
        return Err(bad("date_end", "date_order", detail));
    }
    let year = check_year(cell(f, c.year), start, "year")?;
    use DatePrecision::{Day, Month, Range, Week, Year};
    let precision = precision(
        cell(f, c.date_prec),
        "date_prec",
        &[Day, Range, Week, Month, Year],
    )?;
    Ok((start, end, year, precision))
}

fn parse_row(
    f: &[&str],
    c: &Cols,
    codes: &CodeIndex,
    source_id: &str,
    line: u64,
) -> std::result::Result<(Event, Vec<EventActor>), Bad> {
    let id = f[c.id];
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        let detail = format!("`{id}` is not an event id");
        return Err(bad("id", "malformed_number", detail));
    }
    let (tov, event_class) = violence(f, c)?;
    let (start, end, year, date_precision) = dates(f, c)?;
    let where_prec: Option<i8> = ranged(cell(f, c.where_prec), "where_prec", 1.0, 7.0)?;
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
        fatalities_best: count(cell(f, c.best), "best")?,
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
    let side = [c.side_a, c.side_b];
    let gwno = [c.gwnoa, c.gwnob];
    let ids = [
        (c.side_a_new_id, c.side_a_dset_id),
        (c.side_b_new_id, c.side_b_dset_id),
    ];
    for (k, (role, col)) in [(ActorRole::SideA, "side_a"), (ActorRole::SideB, "side_b")]
        .into_iter()
        .enumerate()
    {
        let Some(name) = cell(f, side[k]) else {
            continue;
        };
        let actor_ref = cell(f, gwno[k])
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
        let code = cell(f, ids[k].0).or_else(|| cell(f, ids[k].1));
        actors.push(EventActor {
            actor_ref,
            actor_code: code.map(String::from),
            ..actor(event, role, kind, name.to_string(), col)
        });
    }
    actors
}
