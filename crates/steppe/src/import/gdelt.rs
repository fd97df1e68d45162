//! GDELT event exports: 1.0 (57 fields in the 1979-March 2013 backfile, 58 from April 2013
//! with SOURCEURL) and 2.0 (61 fields: three ADM2Code columns added). Tab-separated despite
//! the `.CSV` name, no header, plain, `.gz` or `.zip`.
//!
//! - Event ids are `gdelt1:<GLOBALEVENTID>` for 57/58-field rows and `gdelt2:<GLOBALEVENTID>`
//!   for 61-field rows: GDELT reset its ids at the 2.0 switch, so the version keeps them unique.
//! - Place: `ActionGeo_CountryCode` is FIPS 10-4 (RS Russia, CH China, TI Tajikistan), resolved
//!   through the crosswalk's `fips` scheme. A FIPS code the crosswalk lacks (oceans, disputed
//!   islands) leaves `country_id` null; the place is still in `location_name`, `latitude`,
//!   `longitude`.
//! - Actors: `Actor{1,2}CountryCode` is CAMEO, which equals ISO 3166 alpha-3 for countries;
//!   there is no CAMEO scheme in the crosswalk, so a code becomes `actor_ref` only when it is
//!   a known ISO alpha-3 entity. Regional and other CAMEO codes (`CAS`, `AFR`, ...) stay in
//!   the raw `actor_code` with `actor_ref` null. `actor_ref` is the actor's country
//!   affiliation (`RUSGOV` gets `RUS`).
//! - [`GdeltOptions::countries`] keeps events that involve one of the countries as an actor's
//!   country, the action's place or an actor's place; others are skipped (`country_filter`).

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::csv_reader::{CsvReader, CsvRecord};
use super::events_common::{
    actor, cell, coordinates, count, parse_compact_date, parse_opt, ranged, read_date, EventRows,
    Events,
};
use super::rows::{bad, bad_row, import_files, Checked, Outcome, Publisher, Reader, RowFormat};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{
    ActorKind, ActorRole, DatePrecision, Derivation, Event, EventActor, EventClass, Scheme, Source,
};
use crate::store::Store;
use crate::{Error, Location, Result};

/// The importer name recorded in the store.
pub const IMPORTER: &str = "gdelt";

const PUBLISHER: Publisher = Publisher {
    name: "The GDELT Project",
    url: "https://www.gdeltproject.org/data.html",
    license: "GDELT-terms",
    terms: Some(
        "GDELT data are open for any use with attribution (gdeltproject.org/about.html#termsofuse)",
    ),
};

/// GDELT-specific options.
#[derive(Debug, Clone, Default)]
pub struct GdeltOptions {
    /// Keep only events involving these countries (ISO codes in any form, or `fips:TI`-style
    /// prefixed codes). Empty keeps every event.
    pub countries: Vec<String>,
}

/// Column positions of one layout.
struct Cols {
    version: u8,
    /// Start of the Actor1Geo, Actor2Geo and ActionGeo blocks.
    geo: [usize; 3],
    /// Offset of Lat within a geo block (Long follows).
    lat: usize,
    date_added: usize,
    url: Option<usize>,
}

/// The layout of a row of `n` fields: 57 or 58 (1.0, the latter with SOURCEURL) or 61 (2.0).
fn layout(n: usize) -> Option<Cols> {
    let (version, geo, lat, date_added, url) = match n {
        57 | 58 => (1, [35, 42, 49], 4, 56, (n == 58).then_some(57)),
        61 => (2, [35, 43, 51], 5, 59, Some(60)),
        _ => return None,
    };
    Some(Cols {
        version,
        geo,
        lat,
        date_added,
        url,
    })
}

// Fixed columns (same in every layout).
const ID: usize = 0;
const SQLDATE: usize = 1;
const ACTOR: [usize; 2] = [5, 15]; // Code, Name, CountryCode, ..., Type1-3 at +7..+9
const EVENT_CODE: usize = 26;
const QUAD: usize = 29;
const GOLDSTEIN: usize = 30;
const MENTIONS: usize = 31;
const SOURCES: usize = 32;
const ARTICLES: usize = 33;
const TONE: usize = 34;

/// Imports GDELT event exports into the store at `out`.
pub fn import(
    files: &[PathBuf],
    out: &Path,
    gdelt: &GdeltOptions,
    options: &ImportOptions,
) -> Result<ImportReport> {
    // Resolve the filter and check every file's first line before writing anything.
    let mut filter = HashSet::new();
    let codes = gdelt.countries.iter().flat_map(|c| c.split(','));
    let codes: Vec<&str> = codes.map(str::trim).filter(|c| !c.is_empty()).collect();
    if !codes.is_empty() {
        let index = Store::open_or_bundled(out)?.code_index()?;
        for c in codes {
            filter.insert(index.resolve_any(c, None)?.to_string());
        }
    }
    import_files(&Gdelt { filter }, files, out, options)
}

/// The GDELT format, with the events kept by the country filter.
struct Gdelt {
    filter: HashSet<String>,
}

impl RowFormat for Gdelt {
    type Layout = ();
    type Rules = Events;
    const IMPORTER: &'static str = IMPORTER;

    fn reader(&self, content: Box<dyn Read + Send>, path: &Path) -> Reader {
        CsvReader::tab_separated(content, path)
    }

    /// A file whose first line has no tab is not a GDELT export (a comma-separated export of
    /// a query, say): refused before anything is written. There is no header: the first line
    /// is data.
    fn layout(&self, r: &mut Reader, path: &Path) -> Result<((), Option<CsvRecord>)> {
        let mut rec = CsvRecord::default();
        while r.read(&mut rec)? {
            if rec.is_blank() {
                continue;
            }
            if rec.len() < 2 {
                return Err(Error::format(
                    Location::file(path).row(rec.line()).field("GLOBALEVENTID"),
                    "not a GDELT event export: GDELT files are tab-separated with 57, 58 or 61 \
                     fields and no header",
                ));
            }
            return Ok(((), Some(rec)));
        }
        Err(super::input::empty_input(path))
    }

    fn source(&self, input: &InputFile, _: &()) -> Source {
        let title = format!("GDELT event export {}", input.name);
        PUBLISHER.source(IMPORTER, input, title, None)
    }

    fn rules(&self, _: (), run: &mut ImportRun) -> Result<Self::Rules> {
        let ctx = Ctx {
            codes: run.view().code_index()?,
            filter: self.filter.clone(),
            source_id: run.source_id().to_string(),
        };
        let parse = Box::new(move |rec: &CsvRecord| ctx.event(rec));
        Events::new(parse, "GLOBALEVENTID", run, "gdelt")
    }
}

/// One file's crosswalk, country filter and source.
struct Ctx {
    codes: CodeIndex,
    filter: HashSet<String>,
    source_id: String,
}

impl Ctx {
    /// The record's event and actors, or a skip or reject.
    fn event(&self, rec: &CsvRecord) -> Outcome<EventRows> {
        if let Err(e) = std::str::from_utf8(rec.raw()) {
            return Outcome::Reject(bad_row("invalid_utf8", format!("not UTF-8: {e}")));
        }
        let f: Vec<&str> = (0..rec.len()).map(|i| rec.utf8(i).unwrap_or("")).collect();
        let Some(cols) = layout(f.len()) else {
            let n = f.len();
            let short = if n < 57 { " (truncated line?)" } else { "" };
            let detail = format!(
                "{n} tab-separated fields; GDELT rows have 57, 58 (1.0) or 61 (2.0){short}"
            );
            return Outcome::Reject(bad_row("wrong_column_count", detail));
        };
        if f[ID].eq_ignore_ascii_case("GLOBALEVENTID") {
            return Outcome::Skip("header_row");
        }
        match parse_row(&f, &cols, self, rec.line()) {
            Err(b) => Outcome::Reject(b),
            Ok(None) => Outcome::Skip("country_filter"),
            Ok(Some(e)) => Outcome::Accept(e),
        }
    }
}

/// `SQLDATE`, checked together with `DATEADDED` (`YYYYMMDD` or `YYYYMMDDHHMMSS`).
fn date(f: &[&str], cols: &Cols) -> Checked<chrono::NaiveDate> {
    let added = |s: &str| match s.len() {
        14 if s.bytes().all(|b| b.is_ascii_digit()) => {
            let t = chrono::NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S");
            t.ok().map(|t| t.date())
        }
        _ => parse_compact_date(s),
    };
    let date = read_date(f[SQLDATE], "SQLDATE", parse_compact_date, "a YYYYMMDD date")?;
    let expected = "YYYYMMDD or YYYYMMDDHHMMSS";
    read_date(f[cols.date_added], "DATEADDED", added, expected)?;
    Ok(date)
}

/// Parses a row; `Ok(None)` when the country filter leaves it out.
fn parse_row(f: &[&str], cols: &Cols, ctx: &Ctx, line: u64) -> Checked<Option<EventRows>> {
    let detail = || format!("`{}` is not an event id", f[ID]);
    let id: u64 = f[ID]
        .parse()
        .map_err(|_| bad("GLOBALEVENTID", "malformed_number", detail()))?;
    let date = date(f, cols)?;
    let year = chrono::Datelike::year(&date);
    // Countries: actors (CAMEO = ISO alpha-3 for countries) and places (FIPS 10-4).
    let resolve = |scheme: Scheme, c: &str| {
        let c = Some(c).filter(|c| !c.is_empty() && (scheme != Scheme::Iso3 || c.len() == 3))?;
        ctx.codes
            .resolve(scheme, c, Some(year))
            .ok()
            .map(String::from)
    };
    let actor_refs = ACTOR.map(|a| resolve(Scheme::Iso3, f[a + 2]));
    let places = cols.geo.map(|g| resolve(Scheme::Fips, f[g + 2]));
    let involved = || {
        actor_refs
            .iter()
            .chain(&places)
            .flatten()
            .any(|e| ctx.filter.contains(e))
    };
    if !ctx.filter.is_empty() && !involved() {
        return Ok(None);
    }
    let quad: Option<i8> = ranged(cell(f, QUAD), "QuadClass", 1.0, 4.0)?;
    let score = |i: usize, name: &str, max: f64| ranged::<f32>(cell(f, i), name, -max, max);
    let action = cols.geo[2];
    let geo_type: Option<i8> = parse_opt(cell(f, action), "ActionGeo_Type")?;
    let geo_type = geo_type.filter(|t| *t != 0);
    let (latitude, longitude) = coordinates(
        (cell(f, action + cols.lat), "ActionGeo_Lat"),
        (cell(f, action + cols.lat + 1), "ActionGeo_Long"),
    )?;
    let classes = [
        EventClass::VerbalCooperation,
        EventClass::MaterialCooperation,
        EventClass::VerbalConflict,
        EventClass::MaterialConflict,
    ];
    let event_class = quad.map_or(EventClass::Other, |q| classes[q as usize - 1]);
    let code = |i: usize| cell(f, i).map(String::from);
    let [_, _, country_id] = places;
    let event = Event {
        event_id: format!("gdelt{}:{id}", cols.version),
        year: Some(year as i16),
        event_class,
        start_date: Some(date),
        date_precision: DatePrecision::Day,
        country_id,
        admin1: code(action + 3),
        location_name: code(action + 1),
        latitude,
        longitude,
        geo_precision: geo_type,
        geo_precision_scheme: geo_type.map(|_| "gdelt_geo_type".to_string()),
        cameo_code: code(EVENT_CODE),
        cameo_base_code: code(EVENT_CODE + 1),
        cameo_root_code: code(EVENT_CODE + 2),
        quad_class: quad,
        goldstein: score(GOLDSTEIN, "GoldsteinScale", 10.0)?,
        num_mentions: count(cell(f, MENTIONS), "NumMentions")?,
        num_sources: count(cell(f, SOURCES), "NumSources")?,
        num_articles: count(cell(f, ARTICLES), "NumArticles")?,
        avg_tone: score(TONE, "AvgTone", 100.0)?,
        source_id: ctx.source_id.clone(),
        source_locator: cols.url.and_then(code),
        source_line: Some(line as i64),
        derivation: Derivation::AsPublished,
        ..Default::default()
    };
    let actors = actors(f, &event, actor_refs);
    Ok(Some((event, actors)))
}

/// Actor1 and Actor2: name (else code), CAMEO code, country affiliation, types.
fn actors(f: &[&str], event: &Event, refs: [Option<String>; 2]) -> Vec<EventActor> {
    let mut actors = Vec::new();
    let roles = [(ActorRole::Actor1, "Actor1"), (ActorRole::Actor2, "Actor2")];
    for ((base, actor_ref), (role, locator)) in ACTOR.into_iter().zip(refs).zip(roles) {
        let acode = cell(f, base);
        let Some(name) = cell(f, base + 1).or(acode) else {
            continue;
        };
        let types: Vec<&str> = (7..=9).filter_map(|o| cell(f, base + o)).collect();
        let kind = if actor_ref.is_some() && acode == cell(f, base + 2) {
            ActorKind::Entity
        } else if types.iter().any(|t| matches!(*t, "REB" | "INS" | "SEP")) {
            ActorKind::ArmedGroup
        } else {
            ActorKind::Unknown
        };
        actors.push(EventActor {
            actor_ref,
            actor_code: acode.map(String::from),
            actor_type: (!types.is_empty()).then(|| types.join(";")),
            ..actor(event, role, kind, name.to_string(), locator)
        });
    }
    actors
}
