//! What the WDI, GDELT, UCDP and ACLED importers share: header lookup by alias, field and
//! number checks, dates, and the [`RowRules`] of every event format ([`Events`]: event ids
//! checked against the store and the file, events and actors written in batches).

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;

use super::csv_reader::CsvRecord;
use super::rows::{bad, Bad, Outcome, Reader, RowFormat, RowRules};
use super::{ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{ActorKind, ActorRole, Event, EventActor, Source};
use crate::schema::Table;
use crate::{Error, Location, Result};

/// Every field of a record as trimmed UTF-8 (formats that are UTF-8 by specification), else
/// `invalid_utf8` naming the first field that is not.
pub(crate) fn utf8_fields<'a>(
    rec: &'a CsvRecord,
    names: &[String],
) -> std::result::Result<Vec<&'a str>, Bad> {
    (0..rec.len())
        .map(|i| {
            rec.utf8(i).map_err(|e| {
                let name = names.get(i).map_or("?", String::as_str);
                bad(name, "invalid_utf8", format!("not UTF-8: {e}"))
            })
        })
        .collect()
}

/// A cell that is present and not empty.
pub(crate) fn cell<'a>(f: &[&'a str], i: Option<usize>) -> Option<&'a str> {
    i.and_then(|i| f.get(i)).copied().filter(|s| !s.is_empty())
}

/// Reads the first non-blank record as the header; an input without one is an error
/// describing the header `expected`.
pub(crate) fn read_header(r: &mut Reader, path: &Path, expected: &str) -> Result<Header> {
    let mut rec = CsvRecord::default();
    while r.read(&mut rec)? {
        if !rec.is_blank() {
            return Ok(Header::new(&rec));
        }
    }
    Err(Error::format(
        Location::file(path).row(1),
        format!("empty file: expected {expected}"),
    ))
}

/// Header names, lower-cased and trimmed (a BOM removed), looked up by alias.
pub(crate) struct Header {
    /// Names as written (trimmed).
    pub names: Vec<String>,
    lower: Vec<String>,
    line: u64,
}

impl Header {
    /// Reads a header record.
    pub fn new(rec: &CsvRecord) -> Header {
        let names: Vec<String> = (0..rec.len()).map(|i| rec.text(i).into_owned()).collect();
        let lower = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        Header {
            names,
            lower,
            line: rec.line(),
        }
    }

    /// The column named by any of `aliases`, else an error naming the header line and the
    /// first alias: "the `<format>` header has no `<alias>` column (found: ...)".
    pub fn need(&self, path: &Path, format: &str, aliases: &[&str]) -> Result<usize> {
        self.find(aliases).ok_or_else(|| {
            let (name, found) = (aliases[0], self.names.join(","));
            let message = format!("the {format} header has no `{name}` column (found: {found})");
            self.error(path, name, message)
        })
    }

    /// A header-check error at `field` of the header line.
    pub fn error(&self, path: &Path, field: &str, message: impl Into<String>) -> Error {
        Error::format(Location::file(path).row(self.line).field(field), message)
    }

    /// The index of the first column named by any of `aliases` (lower case).
    pub fn find(&self, aliases: &[&str]) -> Option<usize> {
        aliases
            .iter()
            .find_map(|a| self.lower.iter().position(|n| n == a))
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the last column has an empty name (files that end every line with a comma).
    pub fn trailing_empty(&self) -> bool {
        self.names.len() > 1 && self.names.last().is_some_and(|n| n.is_empty())
    }

    /// Whether a record's length fits: the header's, or one less when the header ends with an
    /// empty column.
    pub fn fits(&self, len: usize) -> bool {
        len == self.len() || (self.trailing_empty() && len + 1 == self.len())
    }

    /// Refuses a record whose length does not [fit](Header::fits) (`wrong_column_count`).
    pub fn check_width(&self, rec: &CsvRecord) -> std::result::Result<(), Bad> {
        if self.fits(rec.len()) {
            return Ok(());
        }
        let short = rec.len() < self.len();
        Err(Bad {
            field: None,
            reason: "wrong_column_count",
            detail: format!(
                "{} fields, the header has {}{}",
                rec.len(),
                self.len(),
                if short { " (truncated line?)" } else { "" }
            ),
        })
    }
}

/// Parses an optional number; empty is `None`.
pub(crate) fn parse_opt<T: std::str::FromStr>(
    s: Option<&str>,
    field: &str,
) -> std::result::Result<Option<T>, Bad> {
    match s {
        None => Ok(None),
        Some(v) => v
            .parse::<T>()
            .map(Some)
            .map_err(|_| bad(field, "malformed_number", format!("`{v}` is not a number"))),
    }
}

/// Checks an optional value lies in `[min, max]`.
pub(crate) fn check_range<T: Into<f64> + Copy>(
    v: Option<T>,
    min: f64,
    max: f64,
    field: &str,
) -> std::result::Result<Option<T>, Bad> {
    if let Some(x) = v {
        let f: f64 = x.into();
        if !f.is_finite() || f < min || f > max {
            return Err(bad(
                field,
                "out_of_range",
                format!("{f} is outside [{min}, {max}]"),
            ));
        }
    }
    Ok(v)
}

/// Parses `YYYYMMDD`.
pub(crate) fn parse_compact_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y%m%d").ok()
}

/// Parses `YYYY-MM-DD`, also when followed by a time (`1989-01-01 00:00:00.000`).
pub(crate) fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let head = match s.len() {
        10 => s,
        n if n > 10 && matches!(s.as_bytes()[10], b' ' | b'T') => &s[..10],
        _ => return None,
    };
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// Latitude and longitude, each optional and in range.
pub(crate) fn coordinates(
    lat: (Option<&str>, &str),
    lon: (Option<&str>, &str),
) -> std::result::Result<(Option<f64>, Option<f64>), Bad> {
    Ok((
        check_range(parse_opt(lat.0, lat.1)?, -90.0, 90.0, lat.1)?,
        check_range(parse_opt(lon.0, lon.1)?, -180.0, 180.0, lon.1)?,
    ))
}

/// An optional count in `0..=i32::MAX` (deaths, mentions).
pub(crate) fn count(s: Option<&str>, field: &str) -> std::result::Result<Option<i32>, Bad> {
    check_range(parse_opt(s, field)?, 0.0, i32::MAX as f64, field)
}

/// An actor of `event` (its id, year, source and line), found in column `locator`; the
/// caller fills `actor_ref`, `actor_code` and `actor_type` when the format has them.
pub(crate) fn actor(
    event: &Event,
    role: ActorRole,
    kind: ActorKind,
    name: String,
    locator: &str,
) -> EventActor {
    EventActor {
        event_id: event.event_id.clone(),
        year: event.year,
        role,
        actor_kind: kind,
        actor_name: name,
        actor_ref: None,
        actor_code: None,
        actor_type: None,
        source_id: event.source_id.clone(),
        source_locator: Some(locator.to_string()),
        source_line: event.source_line,
        cited_source_id: None,
    }
}

/// Writes and empties a buffer of records (nothing when it is empty).
pub(crate) fn write_all<R: crate::Record>(run: &mut ImportRun, rows: &mut Vec<R>) -> Result<()> {
    if !rows.is_empty() {
        run.write_records(rows)?;
        rows.clear();
    }
    Ok(())
}

/// How an event format maps one record.
pub(crate) trait EventRows {
    /// The id column, named in `duplicate_id` rejects.
    const ID_FIELD: &'static str;
    /// The record's event and actors, or a skip or reject.
    fn event(&mut self, rec: &CsvRecord) -> Outcome<(Event, Vec<EventActor>)>;
}

/// The [`RowRules`] of an event format: an event whose id another file already put in the
/// store is skipped (`already_in_store`), one whose id comes twice in the file is rejected
/// (`duplicate_id`); events and actors are written in batches.
pub(crate) struct Events<P> {
    parse: P,
    /// Ids other files put in the store, and those of this file so far.
    in_store: HashSet<String>,
    in_file: HashSet<String>,
    events: Vec<Event>,
    actors: Vec<EventActor>,
}

impl<P: EventRows> Events<P> {
    /// Rules for one file whose event ids start with `prefix`.
    pub fn new(parse: P, run: &ImportRun, prefix: &str) -> Result<Self> {
        Ok(Events {
            parse,
            in_store: run
                .view()
                .key_set(Table::Events, "event_id", Some(prefix))?,
            in_file: HashSet::new(),
            events: Vec::new(),
            actors: Vec::new(),
        })
    }
}

impl<P: EventRows> RowRules for Events<P> {
    fn row(&mut self, rec: &CsvRecord) -> Outcome {
        let (event, actors) = match self.parse.event(rec) {
            Outcome::Accept(e) => e,
            Outcome::Skip(reason) => return Outcome::Skip(reason),
            Outcome::Reject(b) => return Outcome::Reject(b),
        };
        if self.in_store.contains(&event.event_id) {
            return Outcome::Skip("already_in_store");
        }
        if !self.in_file.insert(event.event_id.clone()) {
            let detail = format!("event {} appears earlier in this file", event.event_id);
            return Outcome::Reject(bad(P::ID_FIELD, "duplicate_id", detail));
        }
        self.events.push(event);
        self.actors.extend(actors);
        Outcome::Accept(())
    }

    fn buffered(&self) -> usize {
        self.events.len().max(self.actors.len())
    }

    fn flush(&mut self, run: &mut ImportRun) -> Result<()> {
        write_all(run, &mut self.events)?;
        write_all(run, &mut self.actors)
    }
}

/// An event format whose columns are found by name in a header (ACLED, UCDP); [`Headed`]
/// runs it through the row loop.
pub(crate) trait HeadedEvents {
    /// Column positions.
    type Cols;
    /// The importer name recorded in the store.
    const IMPORTER: &'static str;
    /// The id column, named in `duplicate_id` rejects.
    const ID_FIELD: &'static str;
    /// The prefix of the format's event ids.
    const PREFIX: &'static str;
    /// The header, as an empty file's error describes it.
    const EXPECTED: &'static str;
    /// Finds the columns (an error naming the header line and the missing column).
    fn columns(h: &Header, path: &Path) -> Result<Self::Cols>;
    /// The Source describing the file.
    fn source(input: &InputFile) -> Source;
    /// Once the run has begun (to mark tables not redistributable, say).
    fn begun(_run: &mut ImportRun) {}
    /// Maps one record of `file`.
    fn event(file: &mut HeadedFile<Self>, rec: &CsvRecord) -> Outcome<(Event, Vec<EventActor>)>
    where
        Self: Sized;
}

/// One file of a headed event format: header, columns, crosswalk, source id, and whether the
/// next record is the first after the header.
pub(crate) struct HeadedFile<F: HeadedEvents> {
    pub header: Header,
    pub cols: F::Cols,
    pub codes: CodeIndex,
    pub source_id: String,
    pub first: bool,
}

impl<F: HeadedEvents> EventRows for HeadedFile<F> {
    const ID_FIELD: &'static str = F::ID_FIELD;

    fn event(&mut self, rec: &CsvRecord) -> Outcome<(Event, Vec<EventActor>)> {
        F::event(self, rec)
    }
}

/// A [`HeadedEvents`] format as a [`RowFormat`].
pub(crate) struct Headed<F>(pub F);

impl<F: HeadedEvents> RowFormat for Headed<F> {
    type Layout = (Header, F::Cols);
    type Rules = Events<HeadedFile<F>>;
    const IMPORTER: &'static str = F::IMPORTER;

    fn layout(&self, r: &mut Reader, path: &Path) -> Result<(Self::Layout, Option<CsvRecord>)> {
        let h = read_header(r, path, F::EXPECTED)?;
        let cols = F::columns(&h, path)?;
        Ok(((h, cols), None))
    }

    fn source(&self, input: &InputFile, _: &Self::Layout) -> Source {
        F::source(input)
    }

    fn rules(&self, (header, cols): Self::Layout, run: &mut ImportRun) -> Result<Self::Rules> {
        F::begun(run);
        let file = HeadedFile {
            header,
            cols,
            codes: run.view().code_index()?,
            source_id: run.source_id().to_string(),
            first: true,
        };
        Events::new(file, run, F::PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_iso_date("1989-01-02 00:00:00.000"),
            NaiveDate::from_ymd_opt(1989, 1, 2)
        );
        assert_eq!(
            parse_iso_date("2020-05-09"),
            NaiveDate::from_ymd_opt(2020, 5, 9)
        );
        assert_eq!(parse_iso_date("2020-5-9"), None);
        assert_eq!(
            parse_compact_date("20130401"),
            NaiveDate::from_ymd_opt(2013, 4, 1)
        );
        assert_eq!(parse_compact_date("2013041"), None);
    }
}
