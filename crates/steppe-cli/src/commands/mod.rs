//! One module per command; [`dispatch`] runs the parsed command line.

mod cite;
pub mod fetch;
pub mod import;
mod info;
mod query;

use std::path::Path;

use steppe::{Result, Store};

use crate::cli::{Cli, Command};

/// Runs a parsed command; returns the exit code.
pub fn dispatch(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Info { store } => info::info(&open(store.as_deref())?),
        Command::Init { store } => {
            let s = steppe::bundled::write_to(&store)?;
            println!(
                "created {} with the bundled dataset ({} tables)",
                store.display(),
                s.descriptor().resources.len()
            );
            Ok(0)
        }
        Command::Validate { store } => info::validate(&open(store.as_deref())?),
        Command::Query(args) => query::query(&args),
        Command::Gc { store } => info::gc(&store),
        Command::Import(cmd) => import::run(cmd),
        Command::Fetch(cmd) => fetch::run(cmd),
        Command::Report {
            country,
            store,
            partners,
            html,
            png,
        } => {
            if partners.len() != 2 {
                return Err(steppe::Error::InvalidArgument(
                    "--partners takes exactly two countries, e.g. RUS,CHN".into(),
                ));
            }
            crate::report::run(
                &open(store.as_deref())?,
                &country,
                (&partners[0], &partners[1]),
                html.as_deref(),
                png.as_deref(),
            )
        }
        Command::Cite {
            source_ids,
            store,
            format,
            all,
        } => cite::cite(&open(store.as_deref())?, &source_ids, format, all),
    }
}

/// Opens the store at `path`, or the bundled dataset when no path is given.
pub fn open(path: Option<&Path>) -> Result<Store> {
    match path {
        Some(p) => Store::open(p),
        None => Store::bundled(),
    }
}
