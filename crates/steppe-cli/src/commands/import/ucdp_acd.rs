//! `steppe import ucdp-acd`: the UCDP/PRIO Armed Conflict Dataset CSV (UCDP's layout and
//! spreadsheet re-saves) into the `conflicts` table.

use std::path::PathBuf;

use clap::Args;
use steppe::import::ucdp_acd;

use super::{print_report, CommonArgs};

/// Arguments of `steppe import ucdp-acd`.
#[derive(Debug, Args)]
pub struct UcdpAcdArgs {
    /// `UcdpPrioConflict_v*.csv` files (plain, `.gz` or `.zip`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(args: UcdpAcdArgs) -> steppe::Result<i32> {
    let report = ucdp_acd::import(&args.files, &args.common.out, &args.common.options())?;
    print_report(&report, &args.common.out);
    Ok(0)
}
