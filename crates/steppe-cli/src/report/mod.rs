//! `steppe report COUNTRY`: a country's profile, its trade with its main partners, the balance
//! between two partners (Russia and China by default), its indicator series, its event
//! timeline and a numbered list of the sources behind every figure — as terminal text, a
//! self-contained HTML page with a chart, or the chart alone as PNG.
//!
//! The report is gathered by [`steppe::report::build`] and rendered by the `steppe-report`
//! crate; this module parses nothing itself and only decides where the output goes.

use std::path::Path;

use steppe::report::View;
use steppe::{Result, Store};

/// Checks `--html` and `--png` before anything is printed: the chart's file name ends in
/// `.png`, and both files go to a directory that exists. One line naming the flag and path.
fn check_output_paths(html: Option<&Path>, png: Option<&Path>) -> Result<()> {
    let bad = |flag: &str, e: String| steppe::Error::InvalidArgument(format!("{flag} {e}"));
    if let Some(p) = png {
        steppe_report::check_png_path(p).map_err(|e| bad("--png", e))?;
    }
    for (flag, path) in [("--html", html), ("--png", png)] {
        let Some(p) = path else { continue };
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(d) = dir.filter(|d| !d.is_dir()) {
            return Err(bad(
                flag,
                format!("{}: no directory {}", p.display(), d.display()),
            ));
        }
    }
    Ok(())
}

/// Runs `steppe report`: the text on standard output (fitted to the terminal, else
/// [`steppe_report::DEFAULT_WIDTH`] columns), the page and the chart to the files given.
pub fn run(
    store: &Store,
    country: &str,
    pair: (&str, &str),
    html: Option<&Path>,
    png: Option<&Path>,
) -> Result<i32> {
    check_output_paths(html, png)?;
    let view = View::new(&steppe::report::build(store, country, pair)?);
    let width = crate::term::width().unwrap_or(steppe_report::DEFAULT_WIDTH);
    print!("{}", steppe_report::text(&view, width));
    if let Some(p) = html {
        std::fs::write(p, steppe_report::html(&view)?).map_err(|e| steppe::Error::io(p, e))?;
        eprintln!("wrote {}", p.display());
    }
    if let Some(p) = png {
        steppe_report::png(&view, p)?;
        eprintln!("wrote {}", p.display());
    }
    Ok(0)
}
