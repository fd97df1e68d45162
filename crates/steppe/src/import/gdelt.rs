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
use std::path::{Path, PathBuf};

use super::csv_reader::{CsvReader, CsvRecord};
use super::events_common::{
    bad, check_range, open_counted, parse_compact_date, parse_opt, reject, user_code_index, Bad,
    EventBuffer, IdStatus, SeenIds,
};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{
    ActorKind, ActorRole, DatePrecision, Derivation, Event, EventActor, EventClass, Scheme,
};
use crate::{Error, Location, Result};

/// The importer name recorded in the store.
pub const IMPORTER: &str = "gdelt";

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
        let index = user_code_index(out)?;
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
    let mut inputs = Vec::new();
    for p in files {
        let input = InputFile::inspect(p)?;
        check_first_line(&input, options)?;
        inputs.push(input);
    }
    let mut report = ImportReport::default();
    for input in inputs {
        import_one(&input, out, &filter, options, &mut report)?;
    }
    Ok(report)
}

/// A file whose first line has no tab is not a GDELT export (a comma-separated export of a
/// query, say): refuse it before anything is written.
fn check_first_line(input: &InputFile, options: &ImportOptions) -> Result<()> {
    input.require_content(".csv", options.max_expanded_bytes)?;
    let reader = input.open(".csv", options.max_expanded_bytes)?;
    let mut reader = CsvReader::tab_separated(reader, &input.path);
    let mut rec = CsvRecord::default();
    while reader.read(&mut rec)? {
        if rec.is_blank() {
            continue;
        }
        if rec.len() < 2 {
            return Err(Error::format(
                Location::file(&input.path)
                    .row(rec.line())
                    .field("GLOBALEVENTID"),
                "not a GDELT event export: GDELT files are tab-separated with 57, 58 or 61 fields \
                 and no header",
            ));
        }
        return Ok(());
    }
    Err(super::input::empty_input(&input.path))
}

struct Ctx<'a> {
    codes: CodeIndex,
    filter: &'a HashSet<String>,
    source_id: String,
}

fn import_one(
    input: &InputFile,
    out: &Path,
    filter: &HashSet<String>,
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<()> {
    let mut source = input.source(
        IMPORTER,
        &format!("GDELT event export {}", input.name),
        Some("GDELT-terms"),
        None,
    );
    source.publisher = Some("The GDELT Project".into());
    source.url = Some("https://www.gdeltproject.org/data.html".into());
    source.note = Some(format!(
        "input file {} imported by steppe gdelt; GDELT data are open for any use with attribution \
         (gdeltproject.org/about.html#termsofuse)",
        input.name
    ));
    let Some(mut run) = ImportRun::begin(out, IMPORTER, input, source, options)? else {
        report.skipped_files.push(input.name.clone());
        return Ok(());
    };
    let ctx = Ctx {
        codes: run.view().code_index()?,
        filter,
        source_id: run.source_id().to_string(),
    };
    let mut seen = SeenIds::load(run.view(), "gdelt")?;
    run.start_progress();
    let (reader, mut ticker) = open_counted(input, ".csv", options)?;
    let mut reader = CsvReader::tab_separated(reader, &input.path);
    let mut rec = CsvRecord::default();
    let mut out_buf = EventBuffer::default();
    while reader.read(&mut rec)? {
        if rec.is_blank() {
            continue;
        }
        let (line, raw) = (rec.line(), rec.raw());
        run.read_row();
        ticker.row()?;
        if let Err(e) = std::str::from_utf8(raw) {
            run.reject(line, None, "invalid_utf8", format!("not UTF-8: {e}"), raw)?;
            continue;
        }
        let f: Vec<&str> = (0..rec.len()).map(|i| rec.utf8(i).unwrap_or("")).collect();
        let Some(cols) = layout(f.len()) else {
            run.reject(
                line,
                None,
                "wrong_column_count",
                format!(
                    "{} tab-separated fields; GDELT rows have 57, 58 (1.0) or 61 (2.0){}",
                    f.len(),
                    if f.len() < 57 {
                        " (truncated line?)"
                    } else {
                        ""
                    }
                ),
                raw,
            )?;
            continue;
        };
        if f[ID].trim().eq_ignore_ascii_case("GLOBALEVENTID") {
            run.skip("header_row");
            continue;
        }
        match parse_row(&f, &cols, &ctx, line) {
            Err(b) => reject(&mut run, line, b, raw)?,
            Ok(None) => run.skip("country_filter"),
            Ok(Some((event, actors))) => match seen.check(&event.event_id) {
                IdStatus::InStore => run.skip("already_in_store"),
                IdStatus::DuplicateInFile => run.reject(
                    line,
                    Some("GLOBALEVENTID"),
                    "duplicate_id",
                    format!("event {} appears earlier in this file", event.event_id),
                    raw,
                )?,
                IdStatus::New => {
                    out_buf.events.push(event);
                    out_buf.actors.extend(actors);
                    run.accept(1);
                    out_buf.maybe_flush(&mut run)?;
                }
            },
        }
    }
    out_buf.flush(&mut run)?;
    ticker.finish();
    report.files.push(run.finish()?);
    Ok(())
}

fn nonempty(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

/// Parses a row; `Ok(None)` when the country filter leaves it out.
fn parse_row(
    f: &[&str],
    cols: &Cols,
    ctx: &Ctx,
    line: u64,
) -> std::result::Result<Option<(Event, Vec<EventActor>)>, Bad> {
    let id: u64 = f[ID].trim().parse().map_err(|_| {
        bad(
            "GLOBALEVENTID",
            "malformed_number",
            format!("`{}` is not an event id", f[ID]),
        )
    })?;
    let date = parse_compact_date(f[SQLDATE].trim()).ok_or_else(|| {
        bad(
            "SQLDATE",
            "malformed_date",
            format!("`{}` is not a YYYYMMDD date", f[SQLDATE]),
        )
    })?;
    let year = chrono::Datelike::year(&date);
    let added = f[cols.date_added].trim();
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
    // Countries: actors (CAMEO = ISO alpha-3 for countries) and places (FIPS 10-4).
    let iso3 = |c: &str| {
        nonempty(c)
            .filter(|c| c.len() == 3)
            .and_then(|c| ctx.codes.resolve(Scheme::Iso3, c, Some(year)).ok())
            .map(String::from)
    };
    let fips = |c: &str| {
        nonempty(c)
            .and_then(|c| ctx.codes.resolve(Scheme::Fips, c, Some(year)).ok())
            .map(String::from)
    };
    let actor_refs = [iso3(f[ACTOR[0] + 2]), iso3(f[ACTOR[1] + 2])];
    let places: Vec<Option<String>> = cols.geo.iter().map(|&g| fips(f[g + 2])).collect();
    if !ctx.filter.is_empty() {
        let involved = actor_refs
            .iter()
            .chain(places.iter())
            .flatten()
            .any(|e| ctx.filter.contains(e));
        if !involved {
            return Ok(None);
        }
    }
    let quad: Option<i8> = check_range(
        parse_opt(nonempty(f[QUAD]), "QuadClass")?,
        1.0,
        4.0,
        "QuadClass",
    )?;
    let goldstein: Option<f32> = check_range(
        parse_opt(nonempty(f[GOLDSTEIN]), "GoldsteinScale")?,
        -10.0,
        10.0,
        "GoldsteinScale",
    )?;
    let count = |i: usize, name: &str| -> std::result::Result<Option<i32>, Bad> {
        check_range(parse_opt(nonempty(f[i]), name)?, 0.0, i32::MAX as f64, name)
    };
    let mentions = count(MENTIONS, "NumMentions")?;
    let sources = count(SOURCES, "NumSources")?;
    let articles = count(ARTICLES, "NumArticles")?;
    let tone: Option<f32> = check_range(
        parse_opt(nonempty(f[TONE]), "AvgTone")?,
        -100.0,
        100.0,
        "AvgTone",
    )?;
    let action = cols.geo[2];
    let geo_type: Option<i8> = parse_opt(nonempty(f[action]), "ActionGeo_Type")?;
    let lat: Option<f64> = check_range(
        parse_opt(nonempty(f[action + cols.lat]), "ActionGeo_Lat")?,
        -90.0,
        90.0,
        "ActionGeo_Lat",
    )?;
    let lon: Option<f64> = check_range(
        parse_opt(nonempty(f[action + cols.lat + 1]), "ActionGeo_Long")?,
        -180.0,
        180.0,
        "ActionGeo_Long",
    )?;
    let geo_type = geo_type.filter(|t| *t != 0);
    let event_class = match quad {
        Some(1) => EventClass::VerbalCooperation,
        Some(2) => EventClass::MaterialCooperation,
        Some(3) => EventClass::VerbalConflict,
        Some(4) => EventClass::MaterialConflict,
        _ => EventClass::Other,
    };
    let event_id = format!("gdelt{}:{id}", cols.version);
    let year = year as i16;
    let code = |i: usize| nonempty(f[i]).map(String::from);
    let event = Event {
        event_id: event_id.clone(),
        year: Some(year),
        event_class,
        start_date: Some(date),
        date_precision: DatePrecision::Day,
        country_id: places[2].clone(),
        admin1: code(action + 3),
        location_name: code(action + 1),
        latitude: lat,
        longitude: lon,
        geo_precision: geo_type,
        geo_precision_scheme: geo_type.map(|_| "gdelt_geo_type".to_string()),
        cameo_code: code(EVENT_CODE),
        cameo_base_code: code(EVENT_CODE + 1),
        cameo_root_code: code(EVENT_CODE + 2),
        quad_class: quad,
        goldstein,
        num_mentions: mentions,
        num_sources: sources,
        num_articles: articles,
        avg_tone: tone,
        source_id: ctx.source_id.clone(),
        source_locator: cols.url.and_then(code),
        source_line: Some(line as i64),
        derivation: Derivation::AsPublished,
        ..Default::default()
    };
    let mut actors = Vec::new();
    for (k, &base) in ACTOR.iter().enumerate() {
        let acode = code(base);
        let name = code(base + 1);
        let Some(actor_name) = name.clone().or_else(|| acode.clone()) else {
            continue;
        };
        let types: Vec<&str> = (7..=9).filter_map(|o| nonempty(f[base + o])).collect();
        let country = nonempty(f[base + 2]);
        let actor_ref = actor_refs[k].clone();
        let actor_kind = if actor_ref.is_some() && acode.as_deref() == country {
            ActorKind::Entity
        } else if types.iter().any(|t| matches!(*t, "REB" | "INS" | "SEP")) {
            ActorKind::ArmedGroup
        } else {
            ActorKind::Unknown
        };
        actors.push(EventActor {
            event_id: event_id.clone(),
            year: Some(year),
            role: if k == 0 {
                ActorRole::Actor1
            } else {
                ActorRole::Actor2
            },
            actor_kind,
            actor_name,
            actor_ref,
            actor_code: acode,
            actor_type: (!types.is_empty()).then(|| types.join(";")),
            source_id: ctx.source_id.clone(),
            source_locator: Some(format!("Actor{}", k + 1)),
            source_line: Some(line as i64),
            cited_source_id: None,
        });
    }
    Ok(Some((event, actors)))
}
