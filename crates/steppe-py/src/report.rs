//! `steppe.report(...)`: the same report as `steppe report`, as text and as HTML, gathered by
//! `steppe::report` and rendered by `steppe-report`.

use pyo3::prelude::*;
use steppe::report::View;

use crate::errors::guard;
use crate::store::PyStore;

/// Gathers the report of `country` comparing `a` and `b`, as its view.
fn view(store: &steppe::Store, country: &str, a: &str, b: &str) -> steppe::Result<View> {
    Ok(View::new(&steppe::report::build(store, country, (a, b))?))
}

/// Builds the report of `country` comparing two partners; returns (text, html), the text at
/// the CLI's default width. The GIL is released while it runs.
#[pyfunction]
pub fn render_report(
    py: Python<'_>,
    store: &PyStore,
    country: &str,
    partner_a: &str,
    partner_b: &str,
) -> PyResult<(String, String)> {
    let store = store.store().clone();
    let out = py.detach(|| {
        guard(|| -> steppe::Result<(String, String)> {
            let v = view(&store, country, partner_a, partner_b)?;
            Ok((
                steppe_report::text(&v, steppe_report::DEFAULT_WIDTH),
                steppe_report::html(&v)?,
            ))
        })
    })?;
    Ok(out)
}

/// Writes the report's partner-share chart as a PNG file (its name must end in `.png`).
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
    py.detach(|| {
        guard(|| -> steppe::Result<()> {
            let v = view(&store, country, partner_a, partner_b)?;
            steppe_report::png(&v, &path)
        })
    })?;
    Ok(())
}

/// One of the report's charts as an SVG document: `balance` (the main chart), `shares`,
/// `remittances` (% of GDP), `remittances_usd` or `timeline`.
#[pyfunction]
pub fn render_report_svg(
    py: Python<'_>,
    store: &PyStore,
    country: &str,
    partner_a: &str,
    partner_b: &str,
    chart: &str,
) -> PyResult<String> {
    let store = store.store().clone();
    let out = py.detach(|| {
        guard(|| -> steppe::Result<String> {
            let v = view(&store, country, partner_a, partner_b)?;
            let at = CHARTS.iter().position(|c| *c == chart).ok_or_else(|| {
                steppe::Error::InvalidArgument(format!(
                    "no chart `{chart}`; charts: {}",
                    CHARTS.join(", ")
                ))
            })?;
            steppe_report::chart_svg(&v.charts[at])
        })
    })?;
    Ok(out)
}

/// The report's charts, in the order of `View::charts`.
const CHARTS: [&str; 5] = [
    "balance",
    "shares",
    "remittances",
    "remittances_usd",
    "timeline",
];
