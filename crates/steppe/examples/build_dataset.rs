//! Rebuilds the bundled store from `data/` and the pinned publishers' files:
//! `cargo run -p steppe --example build_dataset -- [SHARED_DIR] [OUT]` (defaults:
//! `$STEPPE_SHARED`, else `../shared` beside the repository; `crates/steppe/bundled`).
//! Run by `data/scripts/build_dataset.sh`; see docs/data.md.

use std::path::{Path, PathBuf};

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut args = std::env::args_os().skip(1);
    let shared = args
        .next()
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("STEPPE_SHARED").map(PathBuf::from))
        .unwrap_or_else(|| repo.join("../shared"));
    let out = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("crates/steppe/bundled"));
    let run = || -> steppe::Result<steppe::dataset::BuildReport> {
        let manifest = steppe::dataset::Manifest::read(&repo.join("data/dataset.toml"))?;
        steppe::dataset::build(
            &manifest,
            &repo.join("data"),
            &shared.join("data-sources"),
            &out,
        )
    };
    match run() {
        Ok(report) => {
            for s in &report.imports {
                println!(
                    "{:<18} {:<60} read {:>6} accepted {:>6} rejected {:>3}",
                    s.importer, s.file, s.rows_read, s.rows_accepted, s.rows_rejected
                );
            }
            println!(
                "wrote {}: {} data files, {} bytes",
                out.display(),
                report.files,
                report.bytes
            );
        }
        Err(e) => {
            eprintln!("build_dataset: {e}");
            std::process::exit(1);
        }
    }
}
