//! Importing what a fetch brought into the cache, through steppe's importers, each file with
//! its [`Origin`]: the publisher's URL (never a mirror's), the retrieval date, the release and
//! the publisher, and a note naming the download's sha256.

use std::path::{Path, PathBuf};

use super::{retrieved_on, FetchReport, Fetched, Selection};
use crate::import::{self, ImportOptions, ImportReport, Origin};
use crate::Result;

/// Imports every file of `report` into the store at `out` with the importer of `selection`,
/// one import per fetched file (so each keeps its own origin), in the report's order. Stops
/// at the first import that fails; those before it stay committed.
pub fn import_fetched(
    selection: &Selection,
    report: &FetchReport,
    out: &Path,
    options: &ImportOptions,
) -> Result<Vec<ImportReport>> {
    let mut reports = Vec::new();
    for f in &report.files {
        let mut opts = options.clone();
        opts.origin = Some(origin(selection, f));
        reports.push(import_one(selection, f, out, &opts)?);
    }
    Ok(reports)
}

fn origin(selection: &Selection, f: &Fetched) -> Origin {
    Origin {
        url: Some(f.url.clone()),
        accessed: Some(retrieved_on(f)),
        publisher: Some(selection.publisher().to_string()),
        version: selection.version(),
        note: Some(format!(
            "downloaded by steppe fetch from {} on {} (download sha256 {})",
            f.url,
            f.sidecar.retrieved.format("%Y-%m-%d %H:%M:%S UTC"),
            f.sidecar.sha256
        )),
        ..Default::default()
    }
}

fn import_one(
    selection: &Selection,
    f: &Fetched,
    out: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport> {
    let whole = [f.path.clone()];
    match selection {
        Selection::Wdi { .. } => {
            let csvs = csv_files(&f.unpacked, |_| true);
            import::wdi::import(&csvs, out, &Default::default(), opts)
        }
        Selection::WdiBulk => {
            let wanted = [
                "wdicsv.csv",
                "wdidata.csv",
                "wdicountry.csv",
                "wdiseries.csv",
            ];
            let csvs = csv_files(&f.unpacked, |name| wanted.contains(&name));
            import::wdi::import(&csvs, out, &Default::default(), opts)
        }
        Selection::Gdelt { .. } => import::gdelt::import(&whole, out, &Default::default(), opts),
        Selection::UcdpGed { .. } => import::ucdp::import(&whole, out, opts),
        Selection::UcdpGedApi { version } => {
            let ged = import::ucdp::GedOptions {
                version: Some(version.clone()),
            };
            import::ucdp::import_ged(&csv_files(&f.unpacked, |_| true), out, &ged, opts)
        }
        Selection::UcdpAcd { .. } => import::ucdp_acd::import(&whole, out, opts),
        Selection::Comtrade(_) => {
            let csvs = csv_files(&f.unpacked, |_| true);
            import::comtrade::import_comtrade(&csvs, out, opts)
        }
        Selection::Baci { .. } => {
            import::baci::import_baci_inputs(&whole, &Default::default(), out, opts)
        }
    }
}

/// The `.csv` files among `files` whose lower-case name `keep` accepts.
fn csv_files(files: &[PathBuf], keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            name.ends_with(".csv") && keep(&name)
        })
        .cloned()
        .collect()
}
