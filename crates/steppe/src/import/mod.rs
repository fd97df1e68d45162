//! The discipline every importer follows: each input file is a `dataset` Source identified
//! by its sha256; every input row is accepted, rejected (with file, line, field, reason and
//! the raw line, into the `rejects` table) or deliberately skipped (counted by reason), so
//! `rows read = accepted + rejected + skipped` always holds; everything is written in one
//! store transaction that commits atomically at the end; re-importing the same file is
//! detected by its sha256 (or, for a compressed input, by its content's, hashed as it is
//! read) and skipped or replaced, as the user chooses. An empty input (no
//! header and no rows) is an error naming the file, before anything is written; an import
//! whose rejected share exceeds [`ImportOptions::max_reject_rate`] commits its rows and
//! rejects and then fails with [`Error::RejectRate`].

pub mod acled;
pub mod baci;
pub mod comtrade;
mod csv_reader;
mod events_common;
pub mod gdelt;
pub mod imf_dots;
pub mod input;
mod origin;
mod rows;
mod run;
mod trade;
pub mod ucdp;
pub mod ucdp_acd;
pub mod wdi;

use std::path::Path;
use std::sync::Arc;

pub use crate::store::seed_reference;
pub use input::{check_inputs, decode_line, InputFile, DEFAULT_MAX_EXPANDED_BYTES};
pub use origin::Origin;
pub use run::{check_reject_rate, ImportRun};

use crate::progress::{NoProgress, Progress};
use crate::store::ImportSummary;
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
#[derive(Clone, Debug)]
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
    /// Where the input came from (URL, retrieval date, vintage): fills in the Source the
    /// import writes. `None` keeps what the importer finds in the file.
    pub origin: Option<Origin>,
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
            origin: None,
        }
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
    /// Adds one file's outcome: its summary, or `None` when the store already held the file
    /// named `name`.
    fn add(&mut self, name: String, summary: Option<ImportSummary>) {
        match summary {
            Some(summary) => self.files.push(summary),
            None => self.skipped_files.push(name),
        }
    }

    /// Adds another report's files and skipped files.
    fn extend(&mut self, other: ImportReport) {
        self.files.extend(other.files);
        self.skipped_files.extend(other.skipped_files);
    }

    /// Adds the report of a part of this import (an archive's years); when the part failed,
    /// its error, the failure of `input` (or of the input the part names), with every file
    /// committed so far (see [`ImportReport::failure`]).
    pub(crate) fn merge(
        &mut self,
        part: Result<ImportReport>,
        input: &str,
        store: &Path,
    ) -> Result<()> {
        match part {
            Ok(r) => {
                self.extend(r);
                Ok(())
            }
            Err(Error::PartlyImported {
                committed,
                failed,
                error,
                ..
            }) => {
                self.extend(*committed);
                Err(self.failure(&failed, store, *error))
            }
            Err(e) => Err(self.failure(input, store, e)),
        }
    }

    /// `error`, the failure of the input `failed` (as given), as [`Error::PartlyImported`]
    /// holding this report when it committed any file; else `error` unchanged. Takes the
    /// report.
    pub(crate) fn failure(&mut self, failed: &str, store: &Path, error: Error) -> Error {
        if self.files.is_empty() {
            return error;
        }
        Error::PartlyImported {
            committed: Box::new(std::mem::take(self)),
            failed: failed.to_string(),
            store: store.to_path_buf(),
            error: Box::new(error),
        }
    }

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
