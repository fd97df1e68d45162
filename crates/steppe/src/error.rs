//! The one error type of the core crate, with the file, row and field of bad input.

use std::fmt;
use std::path::PathBuf;

use crate::codes::CodeError;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in an input a problem sits: file, 1-based line or row, and field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file (or store path) being read.
    pub path: Option<PathBuf>,
    /// 1-based line number in a text file, or row index in a table.
    pub row: Option<u64>,
    /// The column or field name.
    pub field: Option<String>,
}

impl Location {
    /// A location in a file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: Some(path.into()),
            row: None,
            field: None,
        }
    }

    /// The same location at a row.
    pub fn row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }

    /// The same location at a field.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(p) = &self.path {
            parts.push(p.display().to_string());
        }
        if let Some(r) = self.row {
            parts.push(format!("row {r}"));
        }
        if let Some(field) = &self.field {
            parts.push(format!("field `{field}`"));
        }
        if parts.is_empty() {
            f.write_str("<unknown location>")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// Everything that can go wrong in steppe.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An input file is not in the expected format (wrong header, bad encoding, bad value).
    #[error("{location}: {message}")]
    Format {
        /// Where the problem is.
        location: Location,
        /// What is wrong, and what to do.
        message: String,
    },
    /// A store is missing, corrupt, locked or inconsistent.
    #[error("store {}: {message}", path.display())]
    Store {
        /// The store directory or file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Another process holds the store's write lock.
    #[error("store {} is locked by another writer; wait for it to finish, or retry later", path.display())]
    Locked {
        /// The store directory.
        path: PathBuf,
    },
    /// An input file with the same sha256 was imported into the store before, and the
    /// re-import policy says to fail.
    #[error(
        "{} was already imported into {} (sha256 {}); its rows stay as they are unless the \
         re-import policy says to replace them",
        path.display(),
        store.display(),
        sha256.get(..16).unwrap_or(sha256)
    )]
    AlreadyImported {
        /// The input file.
        path: PathBuf,
        /// The store it was imported into.
        store: PathBuf,
        /// The input's sha256 (hex).
        sha256: String,
    },
    /// An import of several inputs failed at one of them after committing earlier ones: the
    /// committed files stay in the store (their summaries are in `committed`); the failing
    /// one wrote nothing (unless `error` is [`Error::RejectRate`], which commits and says so)
    /// and the inputs after it were not imported.
    #[error("{}", partly_imported(committed, failed, store, error))]
    PartlyImported {
        /// What was committed before the failure (one summary per file).
        committed: Box<crate::import::ImportReport>,
        /// The input that failed, as given (an archive's member: `<archive>: member <name>`).
        failed: String,
        /// The store.
        store: PathBuf,
        /// The failure.
        error: Box<Error>,
    },
    /// A table name that steppe does not know.
    #[error("unknown table `{0}`; known tables: {known}", known = crate::schema::Table::ALL.iter().map(|t| t.name()).collect::<Vec<_>>().join(", "))]
    UnknownTable(String),
    /// Records do not fit a table's schema.
    #[error("table `{table}`: {message}")]
    Schema {
        /// The table.
        table: String,
        /// What does not fit.
        message: String,
    },
    /// A code could not be resolved to an entity.
    #[error(transparent)]
    Code(#[from] CodeError),
    /// A store failed validation; the report lists every problem.
    #[error("validation found {} problem(s); first: {}", .0.problems.len(), .0.problems.first().map(|p| p.to_string()).unwrap_or_default())]
    Validation(crate::problem::ValidationReport),
    /// An import rejected more of its rows than `max_reject_rate` allows. Its accepted rows
    /// and its rejects were committed (the rejects stay in the store for inspection); the
    /// import reports failure so that a pipeline stops.
    #[error(
        "{}: {rejected} of {considered} rows ({}) were rejected{}, above the maximum reject rate of {}; the rows and the rejects were committed (the rejects are in the `rejects` table of {})",
        path.display(),
        percent(*rejected as f64 / *considered as f64),
        top_reason.as_ref().map(|r| format!(", most often {r}")).unwrap_or_default(),
        percent(*max_rate),
        store.display()
    )]
    RejectRate {
        /// The input file.
        path: PathBuf,
        /// The store it was imported into.
        store: PathBuf,
        /// Rows rejected.
        rejected: u64,
        /// Rows accepted or rejected (rows skipped on purpose do not count).
        considered: u64,
        /// The most frequent reject reason, with its count (`value_negative (3)`).
        top_reason: Option<String>,
        /// The limit, a fraction in 0..=1.
        max_rate: f64,
    },
    /// A query or argument is invalid.
    #[error("{0}")]
    InvalidArgument(String),
    /// A download failed (`steppe fetch`): the publisher's URL and what went wrong. Never
    /// holds a key or token.
    #[error("{url}: {message}")]
    Fetch {
        /// The publisher's URL (never a mirror's, never with a key).
        url: String,
        /// What went wrong, and what was kept.
        message: String,
    },
    /// The caller stopped the work (Ctrl-C, or its progress receiver asked to stop); nothing
    /// was committed.
    #[error("stopped by the caller; nothing was written")]
    Cancelled,
    /// No dataset is bundled in this build.
    #[error("no dataset is bundled in this build of steppe; pass a store path")]
    NotBundled,
    /// An Arrow error.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// A Parquet error.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// A record/Arrow conversion error.
    #[error("record conversion: {0}")]
    Convert(#[from] serde_arrow::Error),
    /// A JSON (descriptor) error.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

/// An option of the caller's that changes the outcome of an error. The core describes the
/// situation; the CLI and the bindings name the option in their own spelling (`--wait`,
/// `wait=True`), from [`Error::remedy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Remedy {
    /// Wait for the store's write lock instead of failing at once.
    WaitForLock,
    /// Replace the rows of a file imported before.
    ReimportReplace,
    /// Allow a larger share of rejected rows.
    MaxRejectRate,
}

/// The message of [`Error::PartlyImported`]: the failure, then what was committed before it.
fn partly_imported(
    committed: &crate::import::ImportReport,
    failed: &str,
    store: &std::path::Path,
    error: &Error,
) -> String {
    let files: Vec<String> = (committed.files.iter())
        .map(|s| format!("{} ({} rows accepted)", s.file, s.rows_accepted))
        .collect();
    let nothing = if matches!(error, Error::RejectRate { .. }) {
        String::new()
    } else {
        format!("; {failed} wrote nothing")
    };
    format!(
        "{error}{nothing}; {} file(s) of this import were committed to {} before it: {}; the inputs after it were not imported",
        files.len(),
        store.display(),
        files.join(", ")
    )
}

/// A fraction as a percentage with at most one decimal: `0.75` → `75 %`, `2/3` → `66.7 %`.
fn percent(fraction: f64) -> String {
    let text = format!("{:.1}", fraction * 100.0);
    format!("{} %", text.strip_suffix(".0").unwrap_or(&text))
}

impl Error {
    /// Shorthand for an I/O error on a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Shorthand for a format error.
    pub fn format(location: Location, message: impl Into<String>) -> Self {
        Error::Format {
            location,
            message: message.into(),
        }
    }

    /// Shorthand for a store error.
    pub fn store(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Store {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The failure itself: the error of the failing input of an [`Error::PartlyImported`],
    /// else this error.
    pub fn failure(&self) -> &Error {
        match self {
            Error::PartlyImported { error, .. } => error.failure(),
            e => e,
        }
    }

    /// The caller's option that would change this outcome, if there is one.
    pub fn remedy(&self) -> Option<Remedy> {
        match self.failure() {
            Error::Locked { .. } => Some(Remedy::WaitForLock),
            Error::AlreadyImported { .. } => Some(Remedy::ReimportReplace),
            Error::RejectRate { .. } => Some(Remedy::MaxRejectRate),
            _ => None,
        }
    }

    /// The location of bad input, when the error has one.
    pub fn location(&self) -> Option<&Location> {
        match self.failure() {
            Error::Format { location, .. } => Some(location),
            _ => None,
        }
    }
}
