//! `steppe.report(...)`: the same report as `steppe report`, as text and as HTML.

use pyo3::prelude::*;

use crate::errors::guard;
use crate::store::PyStore;

/// Builds the report of `country` comparing two partners; returns (text, html). The GIL is
/// released while it runs.
#[pyfunction]
pub fn render_report(
    py: Python<'_>,
    store: &PyStore,
    country: &str,
    partner_a: &str,
    partner_b: &str,
) -> PyResult<(String, String)> {
    let store = store.store().clone();
    let (country, a, b) = (
        country.to_string(),
        partner_a.to_string(),
        partner_b.to_string(),
    );
    let out = py.detach(move || {
        guard(|| -> steppe::Result<(String, String)> {
            let report = steppe_cli::report::build(&store, &country, (&a, &b))?;
            Ok((
                steppe_cli::report::render_text(&report),
                steppe_cli::report::render_html(&report)?,
            ))
        })
    })?;
    Ok(out)
}

/// Writes the report's partner-share chart as a PNG file.
#[pyfunction]
pub fn render_report_png(
    py: Python<'_>,
    store: &PyStore,
    country: &str,
    partner_a: &str,
    partner_b: &str,
    path: std::path::PathBuf,
) -> PyResult<()> {
    let store = store.store().clone();
    let (country, a, b) = (
        country.to_string(),
        partner_a.to_string(),
        partner_b.to_string(),
    );
    py.detach(move || {
        guard(|| -> steppe::Result<()> {
            let report = steppe_cli::report::build(&store, &country, (&a, &b))?;
            steppe_cli::report::render_png(&report, &path)
        })
    })?;
    Ok(())
}
