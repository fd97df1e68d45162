//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// steppe: typed, cited data on Central Asia, from raw public files to Parquet.
#[derive(Debug, Parser)]
#[command(name = "steppe", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Command {
    /// Tables, row counts, sources and schema version of a store (default: the bundled dataset).
    Info {
        /// Store directory; omit for the bundled dataset.
        store: Option<PathBuf>,
    },
    /// Create a store holding a copy of the bundled dataset (imports then add to it).
    Init {
        /// The new store directory.
        store: PathBuf,
    },
    /// Check a store: files, checksums, schemas, keys, foreign keys, value ranges.
    Validate {
        /// Store directory; omit for the bundled dataset.
        store: Option<PathBuf>,
    },
    /// Print or export rows of a table, filtered.
    Query(QueryArgs),
    /// A country's profile, trade partners, two-partner balance, indicators, timeline and
    /// sources (default: the bundled dataset).
    Report {
        /// The country (any ISO form, or `fips:`, `gw:`, `cow:` ...).
        country: String,
        /// Store directory; omit for the bundled dataset.
        #[arg(long)]
        store: Option<PathBuf>,
        /// The two partners to compare, comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = [String::from("RUS"), String::from("CHN")])]
        partners: Vec<String>,
        /// Also write a self-contained HTML page.
        #[arg(long)]
        html: Option<PathBuf>,
        /// Also write the partner-share chart as PNG.
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// Import public data files into a store.
    #[command(subcommand)]
    Import(crate::commands::import::ImportCommand),
    /// Download the publishers' files into the cache (and import them with --out).
    #[command(subcommand)]
    Fetch(crate::commands::fetch::FetchCommand),
    /// Remove files no committed version names (left by interrupted imports).
    Gc {
        /// Store directory.
        store: PathBuf,
    },
    /// Print a source as text, BibTeX or CSL-JSON.
    Cite {
        /// Source ids (omit with --all).
        source_ids: Vec<String>,
        /// Store directory; omit for the bundled dataset.
        #[arg(long)]
        store: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CiteFormatArg::Text)]
        format: CiteFormatArg,
        /// Cite every source of the store.
        #[arg(long)]
        all: bool,
    },
}

/// `steppe query` arguments.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Table name (entities, entity_codes, organisations, memberships, trade_flows, indicators,
    /// indicator_observations, events, event_actors, sources, claims, rejects, conflicts).
    pub table: String,
    /// Store directory; omit for the bundled dataset.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Trade flows reported by this country (any ISO form, `fips:`, `gw:`, `cow:` ..., or an
    /// entity id with no code, such as the aggregate `WLD` of World Bank data).
    #[arg(long)]
    pub reporter: Vec<String>,
    /// Trade flows with this partner.
    #[arg(long)]
    pub partner: Vec<String>,
    /// Trade flows with this country on either side.
    #[arg(long)]
    pub involving: Vec<String>,
    /// Rows about this country: an event's place or actors, an observation's or entity's id,
    /// a conflict's location or sides.
    #[arg(long)]
    pub country: Vec<String>,
    /// Trade flow direction (export, import, re_export, re_import).
    #[arg(long)]
    pub flow: Vec<String>,
    /// Years, `2015..2023` (inclusive), `2020..`, `..1999` or one year.
    #[arg(long)]
    pub years: Option<String>,
    /// Extra equality filters, `FIELD=VALUE` (repeatable).
    #[arg(long = "where", value_name = "FIELD=VALUE")]
    pub where_: Vec<String>,
    /// Columns to output, comma-separated, in that order (default: all; `table` format hides
    /// empty ones).
    #[arg(long, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Output format: `table` is for people (fitted to the terminal, numbers grouped, units in
    /// headers); csv, json and parquet hold every column at full precision. Default: from the
    /// --out file's extension (.csv, .json/.jsonl, .parquet), else table.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Table format: every column in full, however wide (no fitting to the terminal); columns
    /// empty in every row are left out, as in any table (name them with --columns).
    #[arg(long)]
    pub wide: bool,
    /// Write to this file instead of standard output (parquet needs a file or a redirect).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// At most this many rows.
    #[arg(long)]
    pub limit: Option<usize>,
}

impl QueryArgs {
    /// The output format: `--format`, else the one the `--out` extension names, else table.
    pub fn output_format(&self) -> Format {
        let ext = self
            .out
            .as_deref()
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        self.format.unwrap_or(match ext.as_deref() {
            Some("csv") => Format::Csv,
            Some("json" | "jsonl" | "ndjson") => Format::Json,
            Some("parquet" | "pq") => Format::Parquet,
            _ => Format::Table,
        })
    }
}

/// Output formats of `query`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// An aligned text table, fitted to the terminal's width (`COLUMNS` when set).
    Table,
    /// CSV with a header.
    Csv,
    /// Parquet (to --out FILE, or to standard output when that is not a terminal).
    Parquet,
    /// JSON lines, one object per row.
    Json,
}

/// Citation formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiteFormatArg {
    /// Author-date text.
    Text,
    /// BibTeX.
    Bibtex,
    /// CSL-JSON.
    CslJson,
}
