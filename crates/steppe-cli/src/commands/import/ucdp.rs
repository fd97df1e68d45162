//! `steppe import ucdp`: the UCDP Georeferenced Event Dataset CSV (any release, and the
//! humanitarian-data copies with a `#tag` row).

use std::path::PathBuf;

use clap::Args;
use steppe::import::ucdp;

use super::{print_report, CommonArgs};

/// Arguments of `steppe import ucdp`.
#[derive(Debug, Args)]
pub struct UcdpArgs {
    /// GED CSV files (plain, `.gz` or `.zip`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(args: UcdpArgs) -> steppe::Result<i32> {
    let report = ucdp::import(&args.files, &args.common.out, &args.common.options())?;
    print_report(&report, &args.common.out);
    Ok(0)
}
