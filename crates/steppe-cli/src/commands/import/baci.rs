//! `steppe import baci`: CEPII BACI yearly files (plain, `.gz` or `.zip`) with their country
//! file, or release archives (`BACI_HS92_V202501.zip`, streamed year by year), into
//! `trade_flows` (see `steppe::import::baci` for the rules).

use std::path::PathBuf;

use clap::Args;
use steppe::import::baci::{import_baci_inputs, parse_years, BaciOptions};

use super::{print_report, CommonArgs};

/// Arguments of `steppe import baci`.
#[derive(Debug, Args)]
pub struct BaciArgs {
    /// Yearly data files named like `BACI_HS92_Y2023_V202501.csv` (the name gives the HS
    /// revision, the year and the release), or release archives `BACI_HS92_V202501.zip`.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The release's country file, `country_codes_V*.csv`: maps BACI's numeric codes to
    /// entities (through its ISO3 column, else the code as ISO numeric). Required for year
    /// files; a release archive's own is used when not given.
    #[arg(long = "country-codes", value_name = "FILE")]
    pub country_codes: Option<PathBuf>,
    /// The release's product file, `product_codes_HS*_V*.csv`: when given (or in a release
    /// archive), rows with a product it does not list are rejected (`unknown_code`).
    #[arg(long, value_name = "FILE")]
    pub products: Option<PathBuf>,
    /// The years of release archives to import: `2015-2023` or `2015..2023`, or one year.
    /// A year file outside them is refused.
    #[arg(long, value_name = "2015-2023")]
    pub years: Option<String>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(args: BaciArgs) -> steppe::Result<i32> {
    let baci = BaciOptions {
        country_codes: args.country_codes,
        products: args.products,
        years: args.years.as_deref().map(parse_years).transpose()?,
    };
    let report = import_baci_inputs(&args.files, &baci, &args.common.out, &args.common.options())?;
    print_report(&report, &args.common.out);
    Ok(0)
}
