//! # steppe
//!
//! Typed, cited data on Central Asia: a model of countries, organisations, trade flows,
//! indicators, events and sources; stable Arrow schemas; a Hive-partitioned Parquet store with
//! a Frictionless `datapackage.json`; code conversion between country-code schemes; and
//! validation. Every fact row carries the id of the source that states it.
//!
//! ```no_run
//! use steppe::{Store, Table};
//! let store = Store::bundled()?;
//! let flows = store.read_all(Table::TradeFlows)?;
//! println!("{} trade flows", flows.num_rows());
//! # Ok::<(), steppe::Error>(())
//! ```
#![warn(missing_docs)]

pub mod analytics;
pub mod bundled;
pub mod cite;
pub mod codes;
pub mod curated;
pub mod dataset;
mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod model;
mod problem;
pub mod progress;
pub mod query;
pub mod record;
pub mod report;
pub mod request;
pub mod schema;
pub mod store;
pub mod validate;

pub use codes::{CodeError, CodeIndex, Unresolved};
pub use error::{Error, Location, Remedy, Result};
pub use query::{Filter, Predicate};
pub use record::{from_batch, from_batches, to_batch, Record};
pub use schema::{Table, TableSpec, SCHEMA_VERSION};
pub use store::{ReadOptions, Store, TableData, Transaction, WriteOptions};
pub use validate::{validate, Problem, ValidationReport};
