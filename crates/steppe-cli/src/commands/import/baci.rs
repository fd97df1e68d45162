//! `steppe import baci`: CEPII BACI yearly files (plain, `.gz` or `.zip`) with their country
//! file, into `trade_flows` (see `steppe::import::baci` for the rules).

use std::path::PathBuf;

use clap::Args;

use super::{print_report, CommonArgs};

/// Arguments of `steppe import baci`.
#[derive(Debug, Args)]
pub struct BaciArgs {
    /// Yearly data files named like `BACI_HS92_Y2023_V202501.csv` (the name gives the HS
    /// revision, the year and the release).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The release's country file, `country_codes_V*.csv`: maps BACI's numeric codes to
    /// entities (through its ISO3 column, else the code as ISO numeric).
    #[arg(long = "country-codes", value_name = "FILE")]
    pub country_codes: PathBuf,
    /// The release's product file, `product_codes_HS*_V*.csv`: when given, rows with a product
    /// it does not list are rejected (`unknown_code`).
    #[arg(long, value_name = "FILE")]
    pub products: Option<PathBuf>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(args: BaciArgs) -> steppe::Result<i32> {
    let report = steppe::import::baci::import_baci(
        &args.files,
        &args.country_codes,
        args.products.as_deref(),
        &args.common.out,
        &args.common.options(),
    )?;
    print_report(&report, &args.common.out);
    Ok(0)
}
