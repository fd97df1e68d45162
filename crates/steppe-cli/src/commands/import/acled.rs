//! `steppe import acled`: ACLED CSV exports you downloaded under your own licence. ACLED's
//! terms forbid redistribution: the store marks the event tables as not redistributable.

use std::path::PathBuf;

use clap::Args;
use steppe::import::acled;

use super::{print_report, CommonArgs};

/// Arguments of `steppe import acled`.
#[derive(Debug, Args)]
pub struct AcledArgs {
    /// ACLED CSV exports (plain, `.gz` or `.zip`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(args: AcledArgs) -> steppe::Result<i32> {
    let report = acled::import(&args.files, &args.common.out, &args.common.options())?;
    print_report(&report, &args.common.out);
    eprintln!(
        "note: ACLED rows may not be redistributed; {} marks its events, event_actors and rejects \
         tables as not redistributable",
        args.common.out.display()
    );
    Ok(0)
}
