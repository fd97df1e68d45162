//! `steppe import wdi`: World Bank WDI bulk CSV, per-indicator API downloads and DataBank
//! exports, with their country and series metadata; Datahub's long one-indicator files and
//! open-numbers DDF datapoints.

use std::path::PathBuf;

use clap::Args;
use steppe::import::wdi::{self, WdiOptions};

use super::{print_report, CommonArgs};

/// Arguments of `steppe import wdi`.
#[derive(Debug, Args)]
pub struct WdiArgs {
    /// Data files (`WDICSV.csv`, `WDIData.csv`, `API_*.csv` or its download zip
    /// `API_<code>_DS2_*.zip` with its metadata, DataBank exports, Datahub's long
    /// `data.csv`, open-numbers `ddf--datapoints--*.csv`). Metadata files
    /// given here are recognised by their header. Optional when metadata files are given.
    #[arg(required_unless_present_any = ["countries_meta", "series_meta"])]
    pub files: Vec<PathBuf>,
    /// Country metadata: `WDICountry.csv` or `Metadata_Country_*.csv` (aggregates have an
    /// empty Region).
    #[arg(long = "countries-meta", value_name = "FILE")]
    pub countries_meta: Vec<PathBuf>,
    /// Series metadata: `WDISeries.csv` or `Metadata_Indicator_*.csv`.
    #[arg(long = "series-meta", value_name = "FILE")]
    pub series_meta: Vec<PathBuf>,
    /// The indicator code of long files (`Country Name,Country Code,Year,Value`), when no
    /// `datapackage.json` beside them names it (e.g. `BX.TRF.PWKR.CD.DT`).
    #[arg(long, value_name = "CODE")]
    pub indicator: Option<String>,
    /// Options every import takes.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the import.
pub fn run(args: WdiArgs) -> steppe::Result<i32> {
    let report = wdi::import(
        &args.files,
        &args.common.out,
        &WdiOptions {
            country_metadata: args.countries_meta,
            series_metadata: args.series_meta,
            indicator: args.indicator,
        },
        &args.common.options(),
    )?;
    print_report(&report, &args.common.out);
    Ok(0)
}
