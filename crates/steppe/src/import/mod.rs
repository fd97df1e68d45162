//! The discipline every importer follows: each input file is a `dataset` Source identified
//! by its sha256; every input row is accepted, rejected (with file, line, field, reason and
//! the raw line, into the `rejects` table) or deliberately skipped (counted by reason), so
//! `rows read = accepted + rejected + skipped` always holds; everything is written in one
//! store transaction that commits atomically at the end; re-importing the same file is
//! detected by its sha256 and skipped or replaced, as the user chooses. An empty input (no
//! header and no rows) is an error naming the file, before anything is written; an import
//! whose rejected share exceeds [`ImportOptions::max_reject_rate`] commits its rows and
//! rejects and then fails with [`Error::RejectRate`].

pub mod acled;
pub mod baci;
pub mod comtrade;
mod events_common;
pub mod gdelt;
pub mod input;
mod trade;
pub mod ucdp;
pub mod wdi;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use arrow_array::RecordBatch;

pub use input::{decode_line, InputFile, DEFAULT_MAX_EXPANDED_BYTES};

use crate::model::{Reject, Source};
use crate::progress::{NoProgress, Progress};
use crate::schema::Table;
use crate::store::{ImportSummary, Store, Transaction, WriteOptions};
use crate::{Error, Result};

/// What to do when a file with the same sha256 was already imported into the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reimport {
    /// Leave the store as it is and report the import as skipped.
    #[default]
    Skip,
    /// Replace the rows that file contributed.
    Replace,
    /// Refuse with an error.
    Fail,
}

/// Options shared by every importer.
#[derive(Clone)]
pub struct ImportOptions {
    /// Progress receiver.
    pub progress: Arc<dyn Progress>,
    /// Re-import policy.
    pub reimport: Reimport,
    /// Wait for another writer instead of failing with "store is locked".
    pub wait_for_lock: bool,
    /// Limit on the expanded size of compressed inputs.
    pub max_expanded_bytes: u64,
    /// The largest share of rows an input may have rejected (rejected / (accepted +
    /// rejected), a fraction in 0..=1) before its import fails with [`Error::RejectRate`]
    /// (after committing; default [`DEFAULT_MAX_REJECT_RATE`]; 1 never fails).
    pub max_reject_rate: f64,
}

/// Default of [`ImportOptions::max_reject_rate`]: an import fails when more than half of
/// its rows are rejected.
pub const DEFAULT_MAX_REJECT_RATE: f64 = 0.5;

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            progress: Arc::new(NoProgress),
            reimport: Reimport::Skip,
            wait_for_lock: false,
            max_expanded_bytes: DEFAULT_MAX_EXPANDED_BYTES,
            max_reject_rate: DEFAULT_MAX_REJECT_RATE,
        }
    }
}

impl std::fmt::Debug for ImportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("reimport", &self.reimport)
            .field("wait_for_lock", &self.wait_for_lock)
            .field("max_expanded_bytes", &self.max_expanded_bytes)
            .field("max_reject_rate", &self.max_reject_rate)
            .finish()
    }
}

/// What an import did, per input file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    /// One summary per input file (also stored in the descriptor).
    pub files: Vec<ImportSummary>,
    /// Files skipped because the store already holds them (same sha256).
    pub skipped_files: Vec<String>,
}

impl ImportReport {
    /// Total rows read.
    pub fn rows_read(&self) -> u64 {
        self.files.iter().map(|f| f.rows_read).sum()
    }

    /// Total rows rejected.
    pub fn rows_rejected(&self) -> u64 {
        self.files.iter().map(|f| f.rows_rejected).sum()
    }

    /// Total rows accepted.
    pub fn rows_accepted(&self) -> u64 {
        self.files.iter().map(|f| f.rows_accepted).sum()
    }
}

/// Rejects are flushed to the transaction in batches of this many rows.
const REJECT_BATCH: usize = 10_000;

/// One input file being imported inside a store transaction.
pub struct ImportRun {
    tx: Transaction,
    summary: ImportSummary,
    rejects: Vec<Reject>,
    source: Source,
    input_path: std::path::PathBuf,
    max_reject_rate: f64,
}

impl ImportRun {
    /// Starts importing `input` into the store at `store_path` (created if missing). Returns
    /// `None` when the file was imported before and the policy is [`Reimport::Skip`].
    pub fn begin(
        store_path: &Path,
        importer: &str,
        input: &InputFile,
        source: Source,
        options: &ImportOptions,
    ) -> Result<Option<ImportRun>> {
        check_reject_rate(options.max_reject_rate)?;
        let store = Store::open_or_create(store_path)?;
        let mut tx = store.begin_with(WriteOptions {
            wait_for_lock: options.wait_for_lock,
            ..Default::default()
        })?;
        let already = tx
            .descriptor()
            .steppe
            .imports
            .iter()
            .any(|s| s.sha256 == input.sha256 && s.importer == importer);
        if already {
            match options.reimport {
                Reimport::Skip => return Ok(None),
                Reimport::Fail => {
                    return Err(Error::AlreadyImported {
                        path: input.path.clone(),
                        store: store_path.to_path_buf(),
                        sha256: input.sha256.clone(),
                    })
                }
                Reimport::Replace => {
                    for t in Table::ALL {
                        tx.replace_source(*t, &source.source_id)?;
                    }
                    tx.forget_import(importer, &input.sha256);
                }
            }
        }
        if tx
            .descriptor()
            .resource(Table::Entities)
            .is_none_or(|r| r.steppe.rows == 0)
        {
            seed_reference(&mut tx)?;
            // Keep the seeded rows in files of their own: re-importing the file later drops
            // the files that hold only its rows.
            tx.close_open_files()?;
        }
        let summary = ImportSummary {
            importer: importer.to_string(),
            source_id: source.source_id.clone(),
            file: input.name.clone(),
            sha256: input.sha256.clone(),
            ..Default::default()
        };
        Ok(Some(ImportRun {
            tx,
            summary,
            rejects: Vec::new(),
            source,
            input_path: input.path.clone(),
            max_reject_rate: options.max_reject_rate,
        }))
    }

    /// The input file's source id (every row written points at it).
    pub fn source_id(&self) -> &str {
        &self.source.source_id
    }

    /// Counts a data row read from the input.
    pub fn read_row(&mut self) {
        self.summary.rows_read += 1;
    }

    /// Counts `n` data rows read (for batch parsers).
    pub fn read_rows(&mut self, n: u64) {
        self.summary.rows_read += n;
    }

    /// Counts rows accepted into the main table.
    pub fn accept(&mut self, n: u64) {
        self.summary.rows_accepted += n;
    }

    /// Counts a row deliberately left out (e.g. a breakdown row, a country filter).
    pub fn skip(&mut self, reason: &str) {
        *self
            .summary
            .rows_skipped
            .entry(reason.to_string())
            .or_default() += 1;
    }

    /// Records a rejected row with its line, field, reason code and raw text.
    pub fn reject(
        &mut self,
        line: u64,
        field: Option<&str>,
        reason: &str,
        detail: impl Into<String>,
        raw: &[u8],
    ) -> Result<()> {
        self.summary.rows_rejected += 1;
        *self
            .summary
            .rejected_by_reason
            .entry(reason.to_string())
            .or_default() += 1;
        self.rejects.push(Reject {
            source_id: self.source.source_id.clone(),
            file: self.summary.file.clone(),
            line: line as i64,
            field: field.map(String::from),
            reason: reason.to_string(),
            detail: Some(detail.into()),
            raw: decode_line(raw.strip_suffix(b"\n").unwrap_or(raw))
                .0
                .trim_end_matches('\r')
                .to_string(),
        });
        if self.rejects.len() >= REJECT_BATCH {
            self.flush_rejects()?;
        }
        Ok(())
    }

    fn flush_rejects(&mut self) -> Result<()> {
        let rejects = std::mem::take(&mut self.rejects);
        self.tx.write_records(&rejects)
    }

    /// Writes a batch to a table, counting its rows.
    pub fn write(&mut self, table: Table, batch: &RecordBatch) -> Result<()> {
        *self
            .summary
            .rows_written
            .entry(table.name().to_string())
            .or_default() += batch.num_rows() as u64;
        self.tx.write(table, batch)
    }

    /// Writes typed records to their table, counting them.
    pub fn write_records<R: crate::Record>(&mut self, records: &[R]) -> Result<()> {
        *self
            .summary
            .rows_written
            .entry(R::TABLE.name().to_string())
            .or_default() += records.len() as u64;
        self.tx.write_records(records)
    }

    /// The underlying transaction (e.g. to mark a table not redistributable).
    pub fn transaction(&mut self) -> &mut Transaction {
        &mut self.tx
    }

    /// The summary so far.
    pub fn summary(&self) -> &ImportSummary {
        &self.summary
    }

    /// Checks the row accounting, writes the file's Source and rejects, records the summary
    /// and commits. Nothing is visible in the store before this returns. After the commit,
    /// fails with [`Error::RejectRate`] when the rejected share exceeds the maximum.
    pub fn finish(mut self) -> Result<ImportSummary> {
        let skipped: u64 = self.summary.rows_skipped.values().sum();
        let s = &self.summary;
        if s.rows_read != s.rows_accepted + s.rows_rejected + skipped {
            return Err(Error::InvalidArgument(format!(
                "internal accounting error importing {}: read {} != accepted {} + rejected {} + skipped {skipped}; nothing was written",
                s.file, s.rows_read, s.rows_accepted, s.rows_rejected
            )));
        }
        self.flush_rejects()?;
        let source = self.source.clone();
        self.tx.write_records(std::slice::from_ref(&source))?;
        *self
            .summary
            .rows_written
            .entry(Table::Sources.name().to_string())
            .or_default() += 1;
        self.tx.record_import(self.summary.clone());
        let store = self.tx.root().to_path_buf();
        self.tx.commit()?;
        reject_rate_error(
            &self.summary,
            &self.input_path,
            &store,
            self.max_reject_rate,
        )
        .map_or(Ok(self.summary), Err)
    }
}

/// Refuses a maximum reject rate outside 0..=1 (or NaN).
pub fn check_reject_rate(max: f64) -> Result<()> {
    if (0.0..=1.0).contains(&max) {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "the maximum reject rate must be a fraction between 0 and 1 (0.5 is 50 %), not {max}"
        )))
    }
}

/// The [`Error::RejectRate`] for an import whose rejected share of the rows it accepted or
/// rejected exceeds `max`, or `None`.
fn reject_rate_error(s: &ImportSummary, path: &Path, store: &Path, max: f64) -> Option<Error> {
    let considered = s.rows_accepted + s.rows_rejected;
    if considered == 0 || s.rows_rejected as f64 <= max * considered as f64 {
        return None;
    }
    let top_reason = s
        .rejected_by_reason
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(reason, n)| format!("{reason} ({n})"));
    Some(Error::RejectRate {
        path: path.to_path_buf(),
        store: store.to_path_buf(),
        rejected: s.rows_rejected,
        considered,
        top_reason,
        max_rate: max,
    })
}

/// Copies the bundled reference tables (entities, the code crosswalk and the sources of both)
/// into a store that has none, so imported rows' country ids resolve and validate.
pub fn seed_reference(tx: &mut Transaction) -> Result<()> {
    let bundled = Store::bundled()?;
    let entities: Vec<crate::model::Entity> = bundled.records()?;
    let codes: Vec<crate::model::EntityCode> = bundled.records()?;
    let cited: std::collections::BTreeSet<&str> = entities
        .iter()
        .map(|e| e.source_id.as_str())
        .chain(codes.iter().map(|c| c.source_id.as_str()))
        .collect();
    let sources: Vec<Source> = bundled
        .records::<Source>()?
        .into_iter()
        .filter(|s| cited.contains(s.source_id.as_str()))
        .collect();
    tx.write_records(&sources)?;
    tx.write_records(&entities)?;
    tx.write_records(&codes)?;
    Ok(())
}

/// Counts by reason, for printing a summary.
pub fn summary_lines(s: &ImportSummary) -> Vec<String> {
    let mut out = vec![format!(
        "{}: read {}, accepted {}, rejected {}, skipped {}",
        s.file,
        s.rows_read,
        s.rows_accepted,
        s.rows_rejected,
        s.rows_skipped.values().sum::<u64>()
    )];
    let by: BTreeMap<&String, &u64> = s.rejected_by_reason.iter().collect();
    for (reason, n) in by {
        out.push(format!("  rejected {reason}: {n}"));
    }
    for (reason, n) in &s.rows_skipped {
        out.push(format!("  skipped {reason}: {n}"));
    }
    for (table, n) in &s.rows_written {
        out.push(format!("  wrote {n} row(s) to {table}"));
    }
    out
}
