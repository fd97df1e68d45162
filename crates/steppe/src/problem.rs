//! What validation found: each [`Problem`] with its table, row key and field, and the
//! [`ValidationReport`] listing them (a plain value: errors carry it without knowing the
//! validator).

use std::fmt;

/// One problem found in a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Table name (or `datapackage.json`).
    pub table: String,
    /// Primary key of the row (or the file path), `/`-joined.
    pub row_key: String,
    /// The field at fault.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] {}: {}",
            self.table, self.row_key, self.field, self.message
        )
    }
}

/// Every problem found, plus what was checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationReport {
    /// Problems, in the order found.
    pub problems: Vec<Problem>,
    /// Rows checked, per table.
    pub rows_checked: Vec<(String, u64)>,
    /// Files checked.
    pub files_checked: u64,
}

impl ValidationReport {
    /// True when no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    pub(crate) fn push(
        &mut self,
        table: &str,
        row_key: impl Into<String>,
        field: &str,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            table: table.to_string(),
            row_key: row_key.into(),
            field: field.to_string(),
            message: message.into(),
        });
    }
}
