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
//! - `--countries` keeps events that involve one of the countries as an actor's country, the
//!   action's place or an actor's place; others are skipped (`country_filter`).

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::csv_reader::{CsvReader, CsvRecord};
use super::events_common::{
    actor, check_range, coordinates, count, parse_compact_date, parse_opt, EventRows, Events,
};
use super::rows::{bad, import_files, Bad, Outcome, Publisher, Reader, RowFormat};
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

fn layout(n: usize) -> Option<Cols> {
    match n {
        57 | 58 => Some(Cols {
            version: 1,
            geo: [35, 42, 49],
            lat: 4,
            date_added: 56,
            url: (n == 58).then_some(57),
        }),
        61 => Some(Cols {
            version: 2,
            geo: [35, 43, 51],
            lat: 5,
            date_added: 59,
            url: Some(60),
        }),
        _ => None,
    }
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
    let filter: HashSet<String> = if gdelt.countries.is_empty() {
        HashSet::new()
    } else {
        let index = Store::open_or_bundled(out)?.code_index()?;
        let mut set = HashSet::new();
        for c in gdelt.countries.iter().flat_map(|c| c.split(',')) {
            let c = c.trim();
            if c.is_empty() {
                continue;
            }
            set.insert(index.resolve_any(c, None)?.to_string());
        }
        set
    };
    import_files(&Gdelt { filter }, files, out, options)
}

/// The GDELT format, with the events kept by the country filter.
struct Gdelt {
    filter: HashSet<String>,
}

impl RowFormat for Gdelt {
    type Layout = ();
    type Rules = Events<Ctx>;
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
        Events::new(ctx, run, "gdelt")
    }
}

/// One file's crosswalk, country filter and source.
struct Ctx {
    codes: CodeIndex,
    filter: HashSet<String>,
    source_id: String,
}

impl EventRows for Ctx {
    const ID_FIELD: &'static str = "GLOBALEVENTID";

    fn event(&mut self, rec: &CsvRecord) -> Outcome<(Event, Vec<EventActor>)> {
        if let Err(e) = std::str::from_utf8(rec.raw()) {
            let detail = format!("not UTF-8: {e}");
            return Outcome::Reject(Bad {
                field: None,
                reason: "invalid_utf8",
                detail,
            });
        }
        let f: Vec<&str> = (0..rec.len()).map(|i| rec.utf8(i).unwrap_or("")).collect();
        let Some(cols) = layout(f.len()) else {
            let short = if f.len() < 57 {
                " (truncated line?)"
            } else {
                ""
            };
            return Outcome::Reject(Bad {
                field: None,
                reason: "wrong_column_count",
                detail: format!(
                    "{} tab-separated fields; GDELT rows have 57, 58 (1.0) or 61 (2.0){short}",
                    f.len()
                ),
            });
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

fn nonempty(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

/// `SQLDATE`, checked together with `DATEADDED` (`YYYYMMDD` or `YYYYMMDDHHMMSS`).
fn date(f: &[&str], cols: &Cols) -> std::result::Result<chrono::NaiveDate, Bad> {
    let date = parse_compact_date(f[SQLDATE]).ok_or_else(|| {
        bad(
            "SQLDATE",
            "malformed_date",
            format!("`{}` is not a YYYYMMDD date", f[SQLDATE]),
        )
    })?;
    let added = f[cols.date_added];
    let added_ok = match added.len() {
        8 => parse_compact_date(added).is_some(),
        14 => {
            added.bytes().all(|b| b.is_ascii_digit())
                && chrono::NaiveDateTime::parse_from_str(added, "%Y%m%d%H%M%S").is_ok()
        }
        _ => false,
    };
    if !added_ok {
        return Err(bad(
            "DATEADDED",
            "malformed_date",
            format!("`{added}` is neither YYYYMMDD nor YYYYMMDDHHMMSS"),
        ));
    }
    Ok(date)
}

/// Parses a row; `Ok(None)` when the country filter leaves it out.
fn parse_row(
    f: &[&str],
    cols: &Cols,
    ctx: &Ctx,
    line: u64,
) -> std::result::Result<Option<(Event, Vec<EventActor>)>, Bad> {
    let id: u64 = f[ID].parse().map_err(|_| {
        bad(
            "GLOBALEVENTID",
            "malformed_number",
            format!("`{}` is not an event id", f[ID]),
        )
    })?;
    let date = date(f, cols)?;
    let year = chrono::Datelike::year(&date);
    // Countries: actors (CAMEO = ISO alpha-3 for countries) and places (FIPS 10-4).
    let resolve = |scheme: Scheme, c: &str| {
        let c = nonempty(c).filter(|c| scheme != Scheme::Iso3 || c.len() == 3)?;
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
    let quad: Option<i8> = check_range(
        parse_opt(nonempty(f[QUAD]), "QuadClass")?,
        1.0,
        4.0,
        "QuadClass",
    )?;
    let score = |i: usize, name: &str, max: f64| -> std::result::Result<Option<f32>, Bad> {
        check_range(parse_opt(nonempty(f[i]), name)?, -max, max, name)
    };
    let action = cols.geo[2];
    let geo_type: Option<i8> = parse_opt(nonempty(f[action]), "ActionGeo_Type")?;
    let geo_type = geo_type.filter(|t| *t != 0);
    let (latitude, longitude) = coordinates(
        (nonempty(f[action + cols.lat]), "ActionGeo_Lat"),
        (nonempty(f[action + cols.lat + 1]), "ActionGeo_Long"),
    )?;
    let event_class = match quad {
        Some(1) => EventClass::VerbalCooperation,
        Some(2) => EventClass::MaterialCooperation,
        Some(3) => EventClass::VerbalConflict,
        Some(4) => EventClass::MaterialConflict,
        _ => EventClass::Other,
    };
    let code = |i: usize| nonempty(f[i]).map(String::from);
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
        num_mentions: count(nonempty(f[MENTIONS]), "NumMentions")?,
        num_sources: count(nonempty(f[SOURCES]), "NumSources")?,
        num_articles: count(nonempty(f[ARTICLES]), "NumArticles")?,
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
    let roles = [ActorRole::Actor1, ActorRole::Actor2];
    for ((base, actor_ref), role) in ACTOR.into_iter().zip(refs).zip(roles) {
        let acode = nonempty(f[base]);
        let Some(name) = nonempty(f[base + 1]).or(acode) else {
            continue;
        };
        let types: Vec<&str> = (7..=9).filter_map(|o| nonempty(f[base + o])).collect();
        let kind = if actor_ref.is_some() && acode == nonempty(f[base + 2]) {
            ActorKind::Entity
        } else if types.iter().any(|t| matches!(*t, "REB" | "INS" | "SEP")) {
            ActorKind::ArmedGroup
        } else {
            ActorKind::Unknown
        };
        let locator = if role == ActorRole::Actor1 {
            "Actor1"
        } else {
            "Actor2"
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
