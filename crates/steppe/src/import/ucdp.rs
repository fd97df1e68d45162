//! UCDP Georeferenced Event Dataset (GED) CSV, any version: columns are found by header name,
//! so the 42-column releases ending `low,best,high` and the 49-column ones (23.1) ordering
//! `best,high,low` read alike, as do the older `best_est/low_est/high_est` names. Quoted
//! fields may hold quotes and newlines (line numbers are those where a record starts). The
//! humanitarian-data (HDX) copies carry a row of HXL `#tags` under the header: it is skipped
//! (`hxl_tag_row`).
//!
//! - `event_id` is `ucdp:<id>`; `event_class` follows `type_of_violence` (1
//!   `state_based_violence`, 2 `non_state_violence`, 3 `one_sided_violence`).
//! - `conflict_id` is `conflict_new_id`, UCDP's conflict id: for state-based violence the
//!   UCDP/PRIO ACD `conflict_id`, so the event joins `conflicts` on (`conflict_id`, `year`);
//!   for non-state violence the Non-State Conflict Dataset's id, for one-sided violence the
//!   id of the one-sided actor's record, neither of which is an ACD conflict. A value that is
//!   not a positive whole number is rejected at `conflict_new_id`.
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
//!
//! A file without a header row (some GED Candidate releases were published so) is read with
//! the standard columns of its release ([`standard_columns`]): the release named by
//! [`GedOptions::version`] (`--ged-version 23.1`), else by the file name (`ged231.csv`,
//! `GEDEvent_v23_1.csv`, `GEDEvent_v23_0_1.csv`); when both name a release and they differ,
//! the file is refused before it is read. A file whose first line starts with an
//! event id (digits) has no header; one without a known release is refused, naming the file
//! and saying how to give the release.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::csv_reader::{CsvReader, CsvRecord};
use super::events_common::{
    actor, cell, check_year, coordinates, count, header_columns, parse_iso_date, precision, ranged,
    read_date, utf8_fields, Events, Headed, HeadedEvents, HeadedFile, Header,
};
use super::rows::{bad, import_files, Bad, Outcome, Publisher, Reader, RowFormat};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{
    ActorKind, ActorRole, DatePrecision, Derivation, Event, EventActor, EventClass, Scheme, Source,
};
use crate::{Error, Location, Result};

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
    conflict_new_id: find["conflict_new_id"],
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
/// anything is written; a file without a header is read with the columns of the release its
/// name gives (see [`import_ged`] to name the release).
pub fn import(files: &[PathBuf], out: &Path, options: &ImportOptions) -> Result<ImportReport> {
    import_ged(files, out, &GedOptions::default(), options)
}

/// What the GED importer is told besides the files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GedOptions {
    /// The GED release of header-less files (`23.1`, `19.1`, `23.0.1`; a leading `v` and `_`
    /// for `.` are accepted); `None`: the release the file name gives. A file whose name
    /// gives another release is refused.
    pub version: Option<String>,
}

/// Imports UCDP GED CSV files as [`import`] does, header-less files read with the standard
/// columns of `ged.version` (else of the release the file name gives). Fails with
/// [`Error::InvalidArgument`] on a version that is not `<major>.<minor>[.<n>]`.
pub fn import_ged(
    files: &[PathBuf],
    out: &Path,
    ged: &GedOptions,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let version = ged
        .version
        .as_deref()
        .map(|v| {
            normalize_version(v).ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "--ged-version `{v}` is not a GED release such as 23.1 or 19.1"
                ))
            })
        })
        .transpose()?;
    import_files(&Ged { version }, files, out, options)
}

/// GED 19.1's 42 columns, in file order. UCDP's codebook for 19.1 (Högbladh 2019, "UCDP GED
/// Codebook version 19.1", ucdp.uu.se/downloads/ged/ged191.pdf) was not at hand; the list is
/// the one public code gives when it reads `ged191.csv` by position (a Python script passing
/// `names=['id','year','active_year',...,'low','best','high']` to `pandas.read_csv`), and it
/// agrees with the notes of the Hugging Face dataset `yuiseki/ucdp-ged` (README: "19.1 ...
/// has 42 columns. It lacks `relid`, `code_status`, `conflict_dset_id`, `dyad_dset_id`,
/// `side_a_dset_id`, `side_b_dset_id` and `where_description`"), i.e. the 49 of 20.1 without
/// those seven, ending `low, best, high`.
pub const GED_19_1_COLUMNS: [&str; 42] = [
    "id",
    "year",
    "active_year",
    "type_of_violence",
    "conflict_new_id",
    "conflict_name",
    "dyad_new_id",
    "dyad_name",
    "side_a_new_id",
    "gwnoa",
    "side_a",
    "side_b_new_id",
    "gwnob",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "low",
    "best",
    "high",
];

/// The 49 columns of GED 20.1 onward, in file order: the v23.1 header
/// (`reference/formats.md` A.5, after `mcgirjau/ucdp:R/GED.R`); the `yuiseki/ucdp-ged`
/// notes state that releases 20.1 to 26.1 have the same 49 columns.
pub const GED_20_1_COLUMNS: [&str; 49] = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
];

/// The standard columns of GED release `version` (normalized, `23.1`): 19.1's 42, or the 49
/// of 20.1 and every later release, Candidate releases (`23.0.1`) included; `None` for other
/// releases, whose column lists steppe cannot cite.
pub fn standard_columns(version: &str) -> Option<&'static [&'static str]> {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    let (major, minor) = (parts.next()??, parts.next()??);
    match (major, minor) {
        (19, 1) => Some(&GED_19_1_COLUMNS),
        (m, n) if (m, n) >= (20, 1) => Some(&GED_20_1_COLUMNS),
        _ => None,
    }
}

/// `23.1` from `23.1`, `v23.1`, `23_1` or `V23_0_1` (`23.0.1`); `None` unless two or three
/// numbers.
fn normalize_version(v: &str) -> Option<String> {
    let v = v.trim().trim_start_matches(['v', 'V']);
    let parts: Vec<&str> = v.split(['.', '_']).collect();
    let numeric = |p: &&str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    ((2..=3).contains(&parts.len()) && parts.iter().all(numeric)).then(|| parts.join("."))
}

/// The GED release a file name gives: `ged231.csv` (23.1), `ged191-csv.zip` (19.1),
/// `GEDEvent_v23_1.csv` (23.1), `GEDEvent_v23_0_1.csv` (23.0.1).
pub fn version_of_name(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let stem = lower.split('.').next().unwrap_or(&lower);
    if let Some(i) = stem.find("_v") {
        let tail: String = stem[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '_')
            .collect();
        if let Some(v) = normalize_version(tail.trim_end_matches('_')) {
            return Some(v);
        }
    }
    let i = stem.find("ged")?;
    let digits: String = stem[i + 3..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (digits.len() == 3).then(|| format!("{}.{}", &digits[..2], &digits[2..]))
}

/// What a GED file's first line says: the header (read, or the release's standard one), the
/// columns, the release when known, and whether the file has no header.
struct GedLayout {
    header: Header,
    cols: Cols,
    version: Option<String>,
    headerless: bool,
}

/// UCDP GED with or without a header row; `version` as [`GedOptions::version`], normalized.
struct Ged {
    version: Option<String>,
}

impl Ged {
    /// The release of the file at `path`: the one given, else the one its name gives.
    /// Refused (a format error on the file) when both are known and differ.
    fn version_of(&self, path: &Path) -> Result<Option<String>> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let named = name.as_deref().and_then(version_of_name);
        match (&self.version, named) {
            (Some(given), Some(named)) if *given != named => Err(Error::format(
                Location::file(path),
                format!(
                    "--ged-version {given} (Python: `ged_version=`) disagrees with GED {named}, the release the file name gives: drop the option or rename the file"
                ),
            )),
            (Some(given), _) => Ok(Some(given.clone())),
            (None, named) => Ok(named),
        }
    }
}

impl RowFormat for Ged {
    type Layout = GedLayout;
    type Rules = Events;
    const IMPORTER: &'static str = IMPORTER;

    /// Reads the first non-blank record: the header, or (when it starts with an event id) the
    /// first data record of a header-less file, returned to be imported.
    fn layout(&self, r: &mut Reader, path: &Path) -> Result<(GedLayout, Option<CsvRecord>)> {
        let mut rec = CsvRecord::default();
        loop {
            if !r.read(&mut rec)? {
                let message = format!("empty file: expected {}", Ucdp::EXPECTED);
                return Err(Error::format(Location::file(path).row(1), message));
            }
            if !rec.is_blank() {
                break;
            }
        }
        let version = self.version_of(path)?;
        let first = rec.text(0);
        if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
            let header = Header::new(&rec);
            let cols = Cols::find(&header, path)?;
            let layout = GedLayout {
                header,
                cols,
                version,
                headerless: false,
            };
            return Ok((layout, None));
        }
        let header = standard_header(&rec, version.as_deref(), path)?;
        let cols = Cols::find(&header, path)?;
        let layout = GedLayout {
            header,
            cols,
            version,
            headerless: true,
        };
        Ok((layout, Some(rec)))
    }

    fn source(&self, input: &InputFile, layout: &GedLayout) -> Source {
        let mut source = Ucdp::source(input);
        source.version = layout.version.clone();
        if let (true, Some(note), Some(v)) = (layout.headerless, &mut source.note, &layout.version)
        {
            *note = format!(
                "{note}; the file has no header row: read with the {} standard columns of GED {v}",
                layout.header.names.len()
            );
        }
        source
    }

    fn rules(&self, layout: GedLayout, run: &mut ImportRun) -> Result<Events> {
        Headed(Ucdp).rules((layout.header, layout.cols), run)
    }
}

/// The header of a header-less file whose first record is `rec`: the standard columns of
/// release `version`. Refused when no release is known, when steppe has no column list for
/// it, or when the record has another number of fields.
fn standard_header(rec: &CsvRecord, version: Option<&str>, path: &Path) -> Result<Header> {
    let at = Location::file(path).row(rec.line());
    let id = rec.text(0);
    let not_header = format!(
        "the first line is not a header: it starts with `{id}`, an event id, where a GED header starts with `id`"
    );
    let Some(version) = version else {
        return Err(Error::format(
            at,
            format!(
                "{not_header}; a header-less GED file is read with the standard columns of its release, and no release was given: pass it with `--ged-version 23.1` (Python: `ged_version=\"23.1\"`) or name the file after it (`ged231.csv`, `GEDEvent_v23_1.csv`)"
            ),
        ));
    };
    let Some(names) = standard_columns(version) else {
        return Err(Error::format(
            at,
            format!(
                "{not_header}; steppe knows the standard columns of GED 19.1 (42) and of 20.1 onward (49), not of GED {version}: add the header row to the file"
            ),
        ));
    };
    if rec.len() != names.len() {
        return Err(Error::format(
            at,
            format!(
                "{not_header}; GED {version} has {} standard columns but this line has {} fields: give the file's release with `--ged-version` (Python: `ged_version=`) or add the header row",
                names.len(),
                rec.len()
            ),
        ));
    }
    let line = names.join(",");
    let mut reader = CsvReader::new(line.as_bytes(), path);
    let mut header = CsvRecord::default();
    reader.read(&mut header)?;
    Ok(Header::new(&header))
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
        conflict_id: ranged(
            cell(f, c.conflict_new_id),
            "conflict_new_id",
            1.0,
            i32::MAX as f64,
        )?,
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
