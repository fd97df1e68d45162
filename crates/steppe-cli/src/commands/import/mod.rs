//! `steppe import <format> FILE... --out STORE`: one module per importer, sharing the options
//! every import takes and the summary every import prints.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use steppe::import::{ImportOptions, ImportReport, Reimport};

use crate::progress::Bar;

mod acled;
mod baci;
mod comtrade;
mod gdelt;
mod imf_dots;
mod ucdp;
mod ucdp_acd;
mod wdi;

/// The importers.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// CEPII BACI yearly files (plain or .zip) with their country-code file.
    Baci(baci::BaciArgs),
    /// UN Comtrade CSV and bulk `.txt`/`.txt.gz` downloads (current and legacy layouts).
    Comtrade(comtrade::ComtradeArgs),
    /// World Bank WDI bulk CSV or per-indicator API downloads.
    Wdi(wdi::WdiArgs),
    /// GDELT 1.0 / 2.0 event exports.
    Gdelt(gdelt::GdeltArgs),
    /// UCDP Georeferenced Event Dataset CSV.
    Ucdp(ucdp::UcdpArgs),
    /// ACLED CSV exports (your own download; never redistributable).
    Acled(acled::AcledArgs),
    /// UCDP/PRIO Armed Conflict Dataset CSV (conflict-years).
    UcdpAcd(ucdp_acd::UcdpAcdArgs),
    /// IMF Direction of Trade Statistics workbooks (`DOTS_<n>.xlsx`, data-portal exports).
    ImfDots(imf_dots::ImfDotsArgs),
}

/// Options every import takes.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The store to write into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// What to do with a file already imported (same sha256).
    #[arg(long, value_enum, default_value_t = ReimportArg::Skip)]
    pub reimport: ReimportArg,
    /// Wait for another import into the same store to finish instead of failing.
    #[arg(long)]
    pub wait: bool,
    /// Refuse compressed inputs that expand past this many bytes.
    #[arg(long, default_value_t = steppe::import::DEFAULT_MAX_EXPANDED_BYTES)]
    pub max_expanded_bytes: u64,
    /// Fail (exit 1, after committing the rows and the rejects) when more than this share
    /// of a file's rows is rejected: a fraction, 0.5 = 50 %; 1 never fails.
    #[arg(long, default_value_t = steppe::import::DEFAULT_MAX_REJECT_RATE, value_parser = reject_rate, value_name = "FRACTION")]
    pub max_reject_rate: f64,
}

/// Parses `--max-reject-rate`: a fraction in 0..=1.
fn reject_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number: give a fraction such as 0.5"))?;
    steppe::import::check_reject_rate(rate).map_err(|e| e.to_string())?;
    Ok(rate)
}

/// Re-import policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReimportArg {
    /// Leave the store as it is.
    Skip,
    /// Replace the rows the file contributed.
    Replace,
    /// Stop with an error.
    Fail,
}

impl CommonArgs {
    /// The core's import options, with a progress bar unless quiet.
    pub fn options(&self) -> ImportOptions {
        ImportOptions {
            progress: Arc::new(Bar::new(self.quiet)),
            reimport: match self.reimport {
                ReimportArg::Skip => Reimport::Skip,
                ReimportArg::Replace => Reimport::Replace,
                ReimportArg::Fail => Reimport::Fail,
            },
            wait_for_lock: self.wait,
            max_expanded_bytes: self.max_expanded_bytes,
            max_reject_rate: self.max_reject_rate,
            origin: None,
        }
    }
}

/// Prints the per-file summaries of an import.
#[allow(dead_code)] // used by the importers as they land
pub fn print_report(report: &ImportReport, store: &std::path::Path) {
    print_files(report, store);
    println!(
        "total: read {}, accepted {}, rejected {} (see `steppe query rejects --store {}`)",
        report.rows_read(),
        report.rows_accepted(),
        report.rows_rejected(),
        store.display()
    );
}

/// Prints the summary of every file of `report` (and the files skipped).
fn print_files(report: &ImportReport, store: &std::path::Path) {
    for f in &report.skipped_files {
        println!(
            "{f}: already in {} (the same content, by sha256), skipped; pass --reimport replace to redo it",
            store.display()
        );
    }
    for s in &report.files {
        for line in summary_lines(s) {
            println!("{line}");
        }
    }
}

/// Counts by reason, for printing a summary.
fn summary_lines(s: &steppe::store::ImportSummary) -> Vec<String> {
    let mut out = vec![format!(
        "{}: read {}, accepted {}, rejected {}, skipped {}",
        s.file,
        s.rows_read,
        s.rows_accepted,
        s.rows_rejected,
        s.rows_skipped.values().sum::<u64>()
    )];
    let by: std::collections::BTreeMap<&String, &u64> = s.rejected_by_reason.iter().collect();
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

/// Runs an import command.
pub fn run(cmd: ImportCommand) -> steppe::Result<i32> {
    let result = run_importer(cmd);
    // A later input failed: the files committed before it are reported as usual.
    if let Err(steppe::Error::PartlyImported {
        committed, store, ..
    }) = &result
    {
        print_files(committed, store);
    }
    result
}

/// Runs the importer of a command.
fn run_importer(cmd: ImportCommand) -> steppe::Result<i32> {
    match cmd {
        ImportCommand::Baci(a) => baci::run(a),
        ImportCommand::Comtrade(a) => comtrade::run(a),
        ImportCommand::Wdi(a) => wdi::run(a),
        ImportCommand::Gdelt(a) => gdelt::run(a),
        ImportCommand::Ucdp(a) => ucdp::run(a),
        ImportCommand::Acled(a) => acled::run(a),
        ImportCommand::UcdpAcd(a) => ucdp_acd::run(a),
        ImportCommand::ImfDots(a) => imf_dots::run(a),
    }
}
