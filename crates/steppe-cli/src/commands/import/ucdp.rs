//! `steppe import ucdp` (being written; see the importer issue).

use std::path::PathBuf;

use clap::Args;

use super::CommonArgs;

/// Arguments of `steppe import ucdp`.
#[derive(Debug, Args)]
pub struct UcdpArgs {
    /// Input files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(_args: UcdpArgs) -> steppe::Result<i32> {
    Err(steppe::Error::InvalidArgument(
        "the ucdp importer is not available in this build yet".into(),
    ))
}
