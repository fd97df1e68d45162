//! The terminal: how wide output may be. Text is measured and wrapped in display columns by
//! [`steppe_report::layout`] (re-exported here), which the report's text shares.

use comfy_table::Table;

/// The width to fit output to, in display columns: `COLUMNS` when set to a positive number,
/// else the terminal's width when standard output is a terminal, else `None` (a pipe or a
/// file: nothing is fitted).
pub fn width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return Some(n);
    }
    // comfy-table asks the terminal (crossterm) only when stdout is one.
    Table::new().width().map(usize::from).filter(|&n| n > 0)
}

pub use steppe_report::layout::{display_width, wrap};
