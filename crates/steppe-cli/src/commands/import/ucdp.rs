//! `steppe import ucdp`: the UCDP Georeferenced Event Dataset CSV (any release, and the
//! humanitarian-data copies with a `#tag` row).

use std::path::PathBuf;

use clap::Args;
use steppe::import::ucdp::{self, GedOptions};

use super::{print_report, CommonArgs};

/// Arguments of `steppe import ucdp`.
#[derive(Debug, Args)]
pub struct UcdpArgs {
    /// GED CSV files (plain, `.gz` or `.zip`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The GED release of files without a header row (19.1, 23.1, 23.0.1, ...); without
    /// it, the release the file name gives (`ged231.csv`, `GEDEvent_v23_1.csv`). A file
    /// whose name gives another release is refused.
    #[arg(long, value_name = "23.1")]
    pub ged_version: Option<String>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(args: UcdpArgs) -> steppe::Result<i32> {
    let ged = GedOptions {
        version: args.ged_version,
    };
    let report = ucdp::import_ged(&args.files, &args.common.out, &ged, &args.common.options())?;
    print_report(&report, &args.common.out);
    Ok(0)
}
