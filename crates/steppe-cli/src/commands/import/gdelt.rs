//! `steppe import gdelt`: GDELT 1.0 and 2.0 event exports (tab-separated, plain or `.zip`).

use std::path::PathBuf;

use clap::Args;
use steppe::import::gdelt::{self, GdeltOptions};

use super::{print_report, CommonArgs};

/// Arguments of `steppe import gdelt`.
#[derive(Debug, Args)]
pub struct GdeltArgs {
    /// Event exports (`YYYYMMDD.export.CSV.zip`, `*.export.CSV`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Keep only events involving these countries, as an actor's country or a place
    /// (comma-separated ISO codes, or prefixed codes such as `fips:TI`).
    #[arg(long, value_delimiter = ',', value_name = "TJK,KGZ,...")]
    pub countries: Vec<String>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(args: GdeltArgs) -> steppe::Result<i32> {
    let report = gdelt::import(
        &args.files,
        &args.common.out,
        &GdeltOptions {
            countries: args.countries,
        },
        &args.common.options(),
    )?;
    print_report(&report, &args.common.out);
    Ok(0)
}
