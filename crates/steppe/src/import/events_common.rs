//! What the WDI, GDELT, UCDP and ACLED importers share: header lookup by alias, field and
//! number checks, dates, and the [`RowRules`] of every event format ([`Events`]: event ids
//! checked against the store and the file, events and actors written in batches).

use std::collections::HashSet;
use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;

use super::csv_reader::CsvRecord;
use super::rows::{bad, bad_row, Checked, Outcome, Reader, RowFormat, RowRules};
use super::{ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{ActorKind, ActorRole, DatePrecision, Event, EventActor, Source};
use crate::schema::Table;
use crate::{Error, Location, Result};

/// Every field of a record as trimmed UTF-8 (formats that are UTF-8 by specification), else
/// `invalid_utf8` naming the first field that is not.
pub(crate) fn utf8_fields<'a>(rec: &'a CsvRecord, names: &[String]) -> Checked<Vec<&'a str>> {
    (0..rec.len())
        .map(|i| {
            rec.utf8(i).map_err(|e| {
                let name = names.get(i).map_or("?", String::as_str);
                bad(name, "invalid_utf8", format!("not UTF-8: {e}"))
            })
        })
        .collect()
}

/// A cell that is present and not empty (`i` a column or an optional one).
pub(crate) fn cell<'a>(f: &[&'a str], i: impl Into<Option<usize>>) -> Option<&'a str> {
    i.into()
        .and_then(|i| f.get(i))
        .copied()
        .filter(|s| !s.is_empty())
}

/// A struct of column positions found in a [`Header`] by alias, with
/// `fn find(&Header, &Path) -> Result<Self>`: a `need` column is required (an error naming
/// the header line and the column otherwise), a `find` column is an `Option<usize>`.
macro_rules! header_columns {
    ($format:literal, struct $name:ident { $($field:ident: $kind:ident [$($alias:literal),+],)* }) => {
        /// Column positions.
        struct $name {
            $($field: header_columns!(@ty $kind),)*
        }

        impl $name {
            fn find(h: &Header, path: &Path) -> crate::Result<Self> {
                Ok($name {
                    $($field: header_columns!(@get $kind, h, path, $format, [$($alias),+]),)*
                })
            }
        }
    };
    (@ty need) => { usize };
    (@ty find) => { Option<usize> };
    (@get need, $h:ident, $path:ident, $format:literal, $aliases:expr) => {
        $h.need($path, $format, &$aliases)?
    };
    (@get find, $h:ident, $path:ident, $format:literal, $aliases:expr) => {
        $h.find(&$aliases)
    };
}
pub(crate) use header_columns;

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
            let hint = super::csv_reader::delimiter_hint(&self.names);
            let message =
                format!("the {format} header has no `{name}` column (found: {found}){hint}");
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

    /// Refuses a record with another number of fields than the header (`wrong_column_count`);
    /// one less fits when the header ends with an empty name (every line ends with a comma).
    pub fn check_width(&self, rec: &CsvRecord) -> Checked<()> {
        let (n, len) = (self.names.len(), rec.len());
        let trailing_empty = n > 1 && self.names[n - 1].is_empty();
        if len == n || (trailing_empty && len + 1 == n) {
            return Ok(());
        }
        let hint = if len < n { " (truncated line?)" } else { "" };
        let detail = format!("{len} fields, the header has {n}{hint}");
        Err(bad_row("wrong_column_count", detail))
    }
}

/// Parses an optional number; empty is `None`.
pub(crate) fn parse_opt<T: FromStr>(s: Option<&str>, field: &str) -> Checked<Option<T>> {
    let malformed = |v| bad(field, "malformed_number", format!("`{v}` is not a number"));
    s.map(|v| v.parse::<T>().map_err(|_| malformed(v)))
        .transpose()
}

/// An optional number in `[min, max]` (`out_of_range` otherwise).
pub(crate) fn ranged<T: FromStr + Into<f64> + Copy>(
    s: Option<&str>,
    field: &str,
    min: f64,
    max: f64,
) -> Checked<Option<T>> {
    let v = parse_opt::<T>(s, field)?;
    match v.map(Into::into) {
        Some(x) if !(min..=max).contains(&x) => Err(bad(
            field,
            "out_of_range",
            format!("{x} is outside [{min}, {max}]"),
        )),
        _ => Ok(v),
    }
}

/// A date `parse` reads, else `malformed_date` at `field` saying it is not `expected`.
pub(crate) fn read_date(
    s: &str,
    field: &str,
    parse: fn(&str) -> Option<NaiveDate>,
    expected: &str,
) -> Checked<NaiveDate> {
    parse(s).ok_or_else(|| bad(field, "malformed_date", format!("`{s}` is not {expected}")))
}

/// The year of `date`, which an optional `year` cell must agree with (`inconsistent` at
/// `field`).
pub(crate) fn check_year(year_cell: Option<&str>, date: NaiveDate, field: &str) -> Checked<i32> {
    let year = chrono::Datelike::year(&date);
    match parse_opt::<i32>(year_cell, "year")? {
        Some(y) if y != year => Err(bad(
            field,
            "inconsistent",
            format!("year {y} differs from the date {date}"),
        )),
        _ => Ok(year),
    }
}

/// A precision code `k` in `1..=codes.len()` as `codes[k - 1]`; empty is `Unknown`.
pub(crate) fn precision(
    s: Option<&str>,
    field: &str,
    codes: &[DatePrecision],
) -> Checked<DatePrecision> {
    let k = ranged::<i8>(s, field, 1.0, codes.len() as f64)?;
    Ok(k.map_or(DatePrecision::Unknown, |k| codes[k as usize - 1]))
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
) -> Checked<(Option<f64>, Option<f64>)> {
    Ok((
        ranged(lat.0, lat.1, -90.0, 90.0)?,
        ranged(lon.0, lon.1, -180.0, 180.0)?,
    ))
}

/// An optional count in `0..=i32::MAX` (deaths, mentions).
pub(crate) fn count(s: Option<&str>, field: &str) -> Checked<Option<i32>> {
    ranged(s, field, 0.0, i32::MAX as f64)
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

/// An event and its actors, as a format maps one record.
pub(crate) type EventRows = (Event, Vec<EventActor>);

/// How an event format maps one record: its event and actors, or a skip or reject.
pub(crate) type EventFn = Box<dyn FnMut(&CsvRecord) -> Outcome<EventRows>>;

/// The [`RowRules`] of an event format: an event whose id another file already put in the
/// store is skipped (`already_in_store`), one whose id comes twice in the file is rejected
/// (`duplicate_id`); events and actors are written in batches.
pub(crate) struct Events {
    parse: EventFn,
    /// The id column, named in `duplicate_id` rejects.
    id_field: &'static str,
    /// Ids other files put in the store, and those of this file so far.
    in_store: HashSet<String>,
    in_file: HashSet<String>,
    events: Vec<Event>,
    actors: Vec<EventActor>,
}

impl Events {
    /// Rules for one file whose event ids start with `prefix`.
    pub fn new(
        parse: EventFn,
        id_field: &'static str,
        run: &ImportRun,
        prefix: &str,
    ) -> Result<Self> {
        Ok(Events {
            parse,
            id_field,
            in_store: run
                .view()
                .key_set(Table::Events, "event_id", Some(prefix))?,
            in_file: HashSet::new(),
            events: Vec::new(),
            actors: Vec::new(),
        })
    }
}

impl RowRules for Events {
    fn row(&mut self, rec: &CsvRecord) -> Outcome {
        let (event, actors) = match (self.parse)(rec) {
            Outcome::Accept(e) => e,
            Outcome::Skip(reason) => return Outcome::Skip(reason),
            Outcome::Reject(b) => return Outcome::Reject(b),
        };
        if self.in_store.contains(&event.event_id) {
            return Outcome::Skip("already_in_store");
        }
        if !self.in_file.insert(event.event_id.clone()) {
            let detail = format!("event {} appears earlier in this file", event.event_id);
            return Outcome::Reject(bad(self.id_field, "duplicate_id", detail));
        }
        self.events.push(event);
        self.actors.extend(actors);
        Outcome::Accept(())
    }

    fn buffered(&self) -> usize {
        self.events.len().max(self.actors.len())
    }

    fn flush(&mut self, run: &mut ImportRun) -> Result<()> {
        run.write_all(&mut self.events)?;
        run.write_all(&mut self.actors)
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
    fn event(file: &mut HeadedFile<Self>, rec: &CsvRecord) -> Outcome<EventRows>
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

/// A [`HeadedEvents`] format as a [`RowFormat`].
pub(crate) struct Headed<F>(pub F);

impl<F: HeadedEvents + 'static> RowFormat for Headed<F> {
    type Layout = (Header, F::Cols);
    type Rules = Events;
    const IMPORTER: &'static str = F::IMPORTER;

    /// Reads the first non-blank record as the header (a file without one is an error
    /// describing the header expected).
    fn layout(&self, r: &mut Reader, path: &Path) -> Result<(Self::Layout, Option<CsvRecord>)> {
        let mut rec = CsvRecord::default();
        while r.read(&mut rec)? {
            if !rec.is_blank() {
                let h = Header::new(&rec);
                let cols = F::columns(&h, path)?;
                return Ok(((h, cols), None));
            }
        }
        let message = format!("empty file: expected {}", F::EXPECTED);
        Err(Error::format(Location::file(path).row(1), message))
    }

    fn source(&self, input: &InputFile, _: &Self::Layout) -> Source {
        F::source(input)
    }

    fn rules(&self, (header, cols): Self::Layout, run: &mut ImportRun) -> Result<Self::Rules> {
        F::begun(run);
        let mut file = HeadedFile::<F> {
            header,
            cols,
            codes: run.view().code_index()?,
            source_id: run.source_id().to_string(),
            first: true,
        };
        let parse = Box::new(move |rec: &CsvRecord| F::event(&mut file, rec));
        Events::new(parse, F::ID_FIELD, run, F::PREFIX)
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
