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

use std::io::Read;
use std::path::{Path, PathBuf};

use super::csv_reader::{CsvReader, CsvRecord};
use super::events_common::{
    admit_id, bad, check_range, check_utf8, open_counted, parse_iso_date, parse_opt, reject, Bad,
    EventBuffer, Header, SeenIds,
};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{
    ActorKind, ActorRole, DatePrecision, Derivation, Event, EventActor, EventClass, Scheme,
};
use crate::{Error, Location, Result};

/// The importer name recorded in the store.
pub const IMPORTER: &str = "ucdp";

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

fn columns(h: &Header, path: &Path, line: u64) -> Result<Cols> {
    let need = |aliases: &[&str]| {
        h.find(aliases).ok_or_else(|| {
            Error::format(
                Location::file(path).row(line).field(aliases[0]),
                format!(
                    "the UCDP GED header has no `{}` column (found: {})",
                    aliases[0],
                    h.names.join(",")
                ),
            )
        })
    };
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

/// An input opened and positioned after its header.
struct Opened {
    input: InputFile,
    rdr: CsvReader<Box<dyn Read + Send>>,
    ticker: super::events_common::Ticker,
    header: Header,
    cols: Cols,
}

fn open(path: &Path, options: &ImportOptions) -> Result<Opened> {
    let input = InputFile::inspect(path)?;
    input.require_content(".csv", options.max_expanded_bytes)?;
    let (reader, ticker) = open_counted(&input, ".csv", options)?;
    let mut rdr = CsvReader::new(reader, path);
    let mut rec = CsvRecord::default();
    loop {
        if !rdr.read(&mut rec)? {
            return Err(Error::format(
                Location::file(path).row(1),
                "empty file: expected a UCDP GED header (`id,relid,year,...`)",
            ));
        }
        if !rec.is_blank() {
            break;
        }
    }
    let header = Header::new(&rec);
    let cols = columns(&header, path, rec.line())?;
    Ok(Opened {
        input,
        rdr,
        ticker,
        header,
        cols,
    })
}

/// Imports UCDP GED CSV files into the store at `out`. Every header is checked before
/// anything is written.
pub fn import(files: &[PathBuf], out: &Path, options: &ImportOptions) -> Result<ImportReport> {
    let mut opened = Vec::new();
    for p in files {
        opened.push(open(p, options)?);
    }
    let mut report = ImportReport::default();
    for o in opened {
        import_one(o, out, options, &mut report)?;
    }
    Ok(report)
}

fn import_one(
    mut o: Opened,
    out: &Path,
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<()> {
    let mut source = o.input.source(
        IMPORTER,
        &format!("UCDP Georeferenced Event Dataset ({})", o.input.name),
        Some("CC-BY-4.0"),
        None,
    );
    source.publisher = Some("Uppsala Conflict Data Program, Uppsala University".into());
    source.url = Some("https://ucdp.uu.se/downloads/".into());
    let Some(mut run) = ImportRun::begin(out, IMPORTER, &o.input, source, options)? else {
        report.skipped_files.push(o.input.name.clone());
        return Ok(());
    };
    let source_id = run.source_id().to_string();
    let codes = run.view().code_index()?;
    let mut seen = SeenIds::load(run.view(), "ucdp:")?;
    run.start_progress();
    let mut rec = CsvRecord::default();
    let mut buf = EventBuffer::default();
    let mut first = true;
    while o.rdr.read(&mut rec)? {
        if rec.is_blank() {
            continue;
        }
        let line = rec.line();
        run.read_row();
        o.ticker.row()?;
        let raw = rec.raw();
        if std::mem::take(&mut first)
            && rec
                .iter()
                .filter(|f| !f.is_empty())
                .all(|f| f.trim_ascii().starts_with(b"#"))
        {
            run.skip("hxl_tag_row");
            continue;
        }
        if !o.header.fits(rec.len()) {
            run.reject(
                line,
                None,
                "wrong_column_count",
                format!(
                    "{} fields, the header has {}{}",
                    rec.len(),
                    o.header.len(),
                    if rec.len() < o.header.len() {
                        " (truncated line?)"
                    } else {
                        ""
                    }
                ),
                raw,
            )?;
            continue;
        }
        if let Err(b) = check_utf8(&rec, &o.header.names) {
            reject(&mut run, line, b, raw)?;
            continue;
        }
        let f: Vec<&str> = (0..rec.len())
            .map(|i| {
                std::str::from_utf8(rec.get(i).unwrap_or(b""))
                    .unwrap_or("")
                    .trim()
            })
            .collect();
        match parse_row(&f, &o.cols, &codes, &source_id, line) {
            Err(b) => reject(&mut run, line, b, raw)?,
            Ok((event, actors)) => {
                if admit_id(&mut run, &mut seen, &event.event_id, line, "id", raw)? {
                    buf.events.push(event);
                    buf.actors.extend(actors);
                    run.accept(1);
                    buf.maybe_flush(&mut run)?;
                }
            }
        }
    }
    buf.flush(&mut run)?;
    o.ticker.finish();
    report.files.push(run.finish()?);
    Ok(())
}

fn get<'a>(f: &[&'a str], i: Option<usize>) -> Option<&'a str> {
    i.and_then(|i| f.get(i)).copied().filter(|s| !s.is_empty())
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
        return Err(bad(
            "id",
            "malformed_number",
            format!("`{id}` is not an event id"),
        ));
    }
    let tov: i8 = parse_opt(get(f, Some(c.type_of_violence)), "type_of_violence")?
        .ok_or_else(|| bad("type_of_violence", "missing_value", "empty"))?;
    let event_class = match tov {
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
    let start = parse_iso_date(f[c.date_start]).ok_or_else(|| {
        bad(
            "date_start",
            "malformed_date",
            format!("`{}` is not a YYYY-MM-DD date", f[c.date_start]),
        )
    })?;
    let end = match get(f, c.date_end) {
        None => None,
        Some(s) => Some(parse_iso_date(s).ok_or_else(|| {
            bad(
                "date_end",
                "malformed_date",
                format!("`{s}` is not a YYYY-MM-DD date"),
            )
        })?),
    };
    if end.is_some_and(|e| e < start) {
        return Err(bad(
            "date_end",
            "date_order",
            format!("{} is before date_start {start}", end.unwrap_or(start)),
        ));
    }
    let year = chrono::Datelike::year(&start);
    if let Some(y) = parse_opt::<i32>(get(f, c.year), "year")? {
        if y != year {
            return Err(bad(
                "year",
                "inconsistent",
                format!("year {y} differs from date_start {start}"),
            ));
        }
    }
    let date_precision = match parse_opt::<i8>(get(f, c.date_prec), "date_prec")? {
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
    let where_prec: Option<i8> = check_range(
        parse_opt(get(f, c.where_prec), "where_prec")?,
        1.0,
        7.0,
        "where_prec",
    )?;
    let lat: Option<f64> = check_range(
        parse_opt(get(f, c.latitude), "latitude")?,
        -90.0,
        90.0,
        "latitude",
    )?;
    let lon: Option<f64> = check_range(
        parse_opt(get(f, c.longitude), "longitude")?,
        -180.0,
        180.0,
        "longitude",
    )?;
    let deaths = |i: Option<usize>, name: &str| -> std::result::Result<Option<i32>, Bad> {
        check_range(parse_opt(get(f, i), name)?, 0.0, i32::MAX as f64, name)
    };
    let best = deaths(Some(c.best), "best")?;
    let low = deaths(c.low, "low")?;
    let high = deaths(c.high, "high")?;
    let gw = f[c.country_id];
    let country = codes
        .resolve(Scheme::Gw, gw, Some(year))
        .map_err(|e| bad("country_id", "unknown_code", format!("Gleditsch-Ward {e}")))?
        .to_string();
    let event_id = format!("ucdp:{id}");
    let year16 = year as i16;
    let s = |i: Option<usize>| get(f, i).map(String::from);
    let event = Event {
        event_id: event_id.clone(),
        year: Some(year16),
        event_class,
        title: s(c.dyad_name).or_else(|| s(c.conflict_name)),
        start_date: Some(start),
        end_date: end,
        date_precision,
        country_id: Some(country),
        admin1: s(c.adm_1),
        location_name: s(c.where_description).or_else(|| s(c.where_coordinates)),
        latitude: lat,
        longitude: lon,
        geo_precision: where_prec,
        geo_precision_scheme: where_prec.map(|_| "ucdp_where_prec".to_string()),
        violence_type: Some(tov),
        fatalities_best: best,
        fatalities_low: low,
        fatalities_high: high,
        source_id: source_id.to_string(),
        source_locator: s(c.source_article),
        source_line: Some(line as i64),
        derivation: Derivation::AsPublished,
        ..Default::default()
    };
    let mut actors = Vec::new();
    for k in 0..2 {
        let Some(name) = s(Some(c.side[k])) else {
            continue;
        };
        let actor_ref = get(f, c.gwno[k])
            .filter(|g| g.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|g| codes.resolve(Scheme::Gw, g, Some(year)).ok())
            .map(String::from);
        let actor_kind = if actor_ref.is_some() {
            ActorKind::Entity
        } else if name.eq_ignore_ascii_case("civilians") {
            ActorKind::Unknown
        } else {
            ActorKind::ArmedGroup
        };
        actors.push(EventActor {
            event_id: event_id.clone(),
            year: Some(year16),
            role: if k == 0 {
                ActorRole::SideA
            } else {
                ActorRole::SideB
            },
            actor_kind,
            actor_name: name,
            actor_ref,
            actor_code: s(c.side_new_id[k]).or_else(|| s(c.side_dset_id[k])),
            actor_type: None,
            source_id: source_id.to_string(),
            source_locator: Some(if k == 0 { "side_a" } else { "side_b" }.to_string()),
            source_line: Some(line as i64),
            cited_source_id: None,
        });
    }
    Ok((event, actors))
}
