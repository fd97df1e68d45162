//! `steppe import imf-dots`: the IMF Direction of Trade Statistics workbooks of the IMF data
//! portal (`DOTS_<n>.xlsx`, one reporter each).

use std::path::PathBuf;

use clap::Args;
use steppe::import::imf_dots;

use super::{print_report, CommonArgs};

/// Arguments of `steppe import imf-dots`.
#[derive(Debug, Args)]
pub struct ImfDotsArgs {
    /// DOTS workbooks (`.xlsx`, sheets `Exports, FOB` and `Imports, CIF`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(args: ImfDotsArgs) -> steppe::Result<i32> {
    let report = imf_dots::import(&args.files, &args.common.out, &args.common.options())?;
    print_report(&report, &args.common.out);
    Ok(0)
}
