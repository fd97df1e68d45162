//! Helpers shared by the WDI, GDELT, UCDP and ACLED importers: byte-counting progress, header
//! and field helpers, header aliases, dates, event ids seen, and batched event writing.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::NaiveDate;

use super::csv_reader::CsvRecord;
use super::run::View;
use super::{ImportOptions, ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{Event, EventActor};
use crate::progress::Progress;
use crate::schema::Table;
use crate::store::{Store, DESCRIPTOR_FILE};
use crate::Result;

/// Records are buffered and written in batches of this many rows (bounded memory).
pub(crate) const BATCH: usize = 50_000;

/// Why one input row is refused: the field at fault, a reason code and a detail.
#[derive(Debug)]
pub(crate) struct Bad {
    pub field: Option<String>,
    pub reason: &'static str,
    pub detail: String,
}

/// A refusal naming a field.
pub(crate) fn bad(field: &str, reason: &'static str, detail: impl Into<String>) -> Bad {
    Bad {
        field: Some(field.to_string()),
        reason,
        detail: detail.into(),
    }
}

/// Records a refusal in the run.
pub(crate) fn reject(run: &mut ImportRun, line: u64, b: Bad, raw: &[u8]) -> Result<()> {
    run.reject(line, b.field.as_deref(), b.reason, b.detail, raw)
}

/// The crosswalk used to resolve user-typed countries: the store's when it has one, else the
/// bundled one (the store may not exist yet).
pub(crate) fn user_code_index(out: &Path) -> Result<CodeIndex> {
    if out.join(DESCRIPTOR_FILE).exists() {
        let store = Store::open(out)?;
        if store.row_count(Table::EntityCodes) > 0 {
            return CodeIndex::from_store(&store);
        }
    }
    CodeIndex::from_store(&Store::bundled()?)
}

/// Counts the bytes read through it.
pub(crate) struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reports bytes and rows to the progress receiver every few thousand rows.
pub(crate) struct Ticker {
    progress: Arc<dyn Progress>,
    count: Arc<AtomicU64>,
    reported: u64,
    rows: u64,
}

impl Ticker {
    /// One more row; every few thousand rows reports progress and fails with
    /// [`crate::Error::Cancelled`] when the receiver asks to stop.
    pub fn row(&mut self) -> Result<()> {
        self.rows += 1;
        if self.rows >= 8192 {
            self.flush();
            crate::progress::check_stop(self.progress.as_ref())?;
        }
        Ok(())
    }

    fn flush(&mut self) {
        let now = self.count.load(Ordering::Relaxed);
        self.progress
            .advance(now.saturating_sub(self.reported), self.rows);
        self.reported = now;
        self.rows = 0;
    }

    /// The file is done.
    pub fn finish(mut self) {
        self.flush();
        self.progress.finish();
    }
}

/// Opens an input (decompressing `.zip`/`.gz`) through a byte counter.
pub(crate) fn open_counted(
    input: &InputFile,
    member_suffix: &str,
    options: &ImportOptions,
) -> Result<(Box<dyn Read + Send>, Ticker)> {
    let count = Arc::new(AtomicU64::new(0));
    let reader = input.open(member_suffix, options.max_expanded_bytes)?;
    let counted = Counting {
        inner: reader,
        count: count.clone(),
    };
    Ok((
        Box::new(counted),
        Ticker {
            progress: options.progress.clone(),
            count,
            reported: 0,
            rows: 0,
        },
    ))
}

/// A field that must be UTF-8 (files that are UTF-8 by specification), trimmed.
pub(crate) fn utf8_field<'a>(
    rec: &'a CsvRecord,
    i: usize,
    name: &str,
) -> std::result::Result<&'a str, Bad> {
    rec.utf8(i)
        .map_err(|e| bad(name, "invalid_utf8", format!("not UTF-8: {e}")))
}

/// Checks every field of a record is UTF-8.
pub(crate) fn check_utf8(rec: &CsvRecord, names: &[String]) -> std::result::Result<(), Bad> {
    for i in 0..rec.len() {
        let name = names.get(i).map(String::as_str).unwrap_or("?");
        utf8_field(rec, i, name)?;
    }
    Ok(())
}

/// Header names, lower-cased and trimmed (a BOM removed), looked up by alias.
pub(crate) struct Header {
    /// Names as written (trimmed).
    pub names: Vec<String>,
    lower: Vec<String>,
}

impl Header {
    /// Reads a header record.
    pub fn new(rec: &CsvRecord) -> Header {
        let names: Vec<String> = (0..rec.len()).map(|i| rec.text(i).into_owned()).collect();
        let lower = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        Header { names, lower }
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

/// Event and actor rows buffered for writing in batches.
#[derive(Default)]
pub(crate) struct EventBuffer {
    pub events: Vec<Event>,
    pub actors: Vec<EventActor>,
}

impl EventBuffer {
    /// Writes the batch if it is full.
    pub fn maybe_flush(&mut self, run: &mut ImportRun) -> Result<()> {
        if self.events.len() >= BATCH || self.actors.len() >= BATCH {
            self.flush(run)?;
        }
        Ok(())
    }

    /// Writes what is buffered.
    pub fn flush(&mut self, run: &mut ImportRun) -> Result<()> {
        if !self.events.is_empty() {
            run.write_records(&self.events)?;
            self.events.clear();
        }
        if !self.actors.is_empty() {
            run.write_records(&self.actors)?;
            self.actors.clear();
        }
        Ok(())
    }
}

/// Event ids seen: those already in the store (from other files) and those of this file.
pub(crate) struct SeenIds {
    store: HashSet<String>,
    file: HashSet<String>,
}

/// What to do with an event id.
pub(crate) enum IdStatus {
    /// First time: keep the event.
    New,
    /// Another file already put this event in the store.
    InStore,
    /// This file has the id twice.
    DuplicateInFile,
}

impl SeenIds {
    /// Loads the ids with `prefix` that the store holds (from files other than the one being
    /// imported).
    pub fn load(view: &View, prefix: &str) -> Result<SeenIds> {
        Ok(SeenIds {
            store: view.key_set(Table::Events, "event_id", Some(prefix))?,
            file: HashSet::new(),
        })
    }

    /// Checks an id, remembering it when new.
    pub fn check(&mut self, id: &str) -> IdStatus {
        if self.store.contains(id) {
            IdStatus::InStore
        } else if !self.file.insert(id.to_string()) {
            IdStatus::DuplicateInFile
        } else {
            IdStatus::New
        }
    }
}

/// Applies the id check to a run: `true` to keep the event; otherwise the row is counted.
pub(crate) fn admit_id(
    run: &mut ImportRun,
    seen: &mut SeenIds,
    id: &str,
    line: u64,
    field: &str,
    raw: &[u8],
) -> Result<bool> {
    match seen.check(id) {
        IdStatus::New => Ok(true),
        IdStatus::InStore => {
            run.skip("already_in_store");
            Ok(false)
        }
        IdStatus::DuplicateInFile => {
            run.reject(
                line,
                Some(field),
                "duplicate_id",
                format!("event {id} appears earlier in this file"),
                raw,
            )?;
            Ok(false)
        }
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
