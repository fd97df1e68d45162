//! `steppe import comtrade`: UN Comtrade CSV downloads, current (`typeCode, freqCode, refYear,
//! ...`) and legacy (`Classification, Year, Period, ...`) layouts, into `trade_flows` (see
//! `steppe::import::comtrade` for the rules).

use std::path::PathBuf;

use clap::Args;

use super::{print_report, CommonArgs};

/// Arguments of `steppe import comtrade`.
#[derive(Debug, Args)]
pub struct ComtradeArgs {
    /// Comtrade files: the CSV downloads (comma-separated) and the bulk downloads
    /// (tab-separated `.txt`), plain, `.gz` (`.txt.gz`) or `.zip`; the delimiter and the
    /// layout are read from each header.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(args: ComtradeArgs) -> steppe::Result<i32> {
    let report = steppe::import::comtrade::import_comtrade(
        &args.files,
        &args.common.out,
        &args.common.options(),
    )?;
    print_report(&report, &args.common.out);
    Ok(0)
}
