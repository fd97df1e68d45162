//! `steppe.analytics`: the core's trade-dependence analytics as Tables (each a long read,
//! run through `interrupt::run_long`).

use std::sync::Arc;

use pyo3::prelude::*;
use serde::{Deserialize, Serialize};
use steppe::analytics;

use crate::errors::Failure;
use crate::interrupt::run_long;
use crate::store::{PyStore, StoreState};
use crate::table::PyTable;

type Years = Option<(i64, i64)>;

/// Resolves a country (any ISO form, `fips:`/`gw:`/`cow:` prefixes) through the store's
/// crosswalk.
fn resolve(state: &StoreState, country: &str) -> Result<String, Failure> {
    let codes = state.code_index()?;
    codes
        .resolve_any(country, None)
        .map(String::from)
        .map_err(|e| Failure::Steppe(e.into()))
}

fn table<T: Serialize + for<'de> Deserialize<'de>>(
    name: &str,
    rows: &[T],
    state: &Arc<StoreState>,
) -> Result<PyTable, Failure> {
    let batch = analytics::to_batch(rows).map_err(Failure::Steppe)?;
    Ok(PyTable::new(
        name.to_string(),
        batch.schema(),
        vec![batch],
        Some(state.clone()),
    ))
}

/// Partner shares of a country's exports and imports, by year.
#[pyfunction]
#[pyo3(signature = (store, country, years=None))]
pub fn partner_shares(
    py: Python<'_>,
    store: &PyStore,
    country: &str,
    years: Years,
) -> PyResult<PyTable> {
    let state = store.state().clone();
    run_long(py, None, |_| {
        let id = resolve(&state, country)?;
        let rows = analytics::partner_shares(&state.store, &id, years).map_err(Failure::Steppe)?;
        table("partner_shares", &rows, &state)
    })
}

/// Herfindahl-Hirschman index over partners (`over="partners"`) or products.
#[pyfunction]
#[pyo3(signature = (store, country, over="partners", years=None))]
pub fn concentration(
    py: Python<'_>,
    store: &PyStore,
    country: &str,
    over: &str,
    years: Years,
) -> PyResult<PyTable> {
    let products = match over {
        "partners" => false,
        "products" => true,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "over must be 'partners' or 'products', not {other:?}"
            )))
        }
    };
    let state = store.state().clone();
    run_long(py, None, |_| {
        let id = resolve(&state, country)?;
        let rows = analytics::concentration(&state.store, &id, products, years)
            .map_err(Failure::Steppe)?;
        table("concentration", &rows, &state)
    })
}

/// How a country's trade with partner `a` compares with partner `b`, by year.
#[pyfunction]
#[pyo3(signature = (store, country, a, b, years=None))]
pub fn dependence(
    py: Python<'_>,
    store: &PyStore,
    country: &str,
    a: &str,
    b: &str,
    years: Years,
) -> PyResult<PyTable> {
    let state = store.state().clone();
    run_long(py, None, |_| {
        let (id, a, b) = (
            resolve(&state, country)?,
            resolve(&state, a)?,
            resolve(&state, b)?,
        );
        let rows =
            analytics::dependence(&state.store, &id, &a, &b, years).map_err(Failure::Steppe)?;
        table("dependence", &rows, &state)
    })
}

/// What `a` reports exporting to `b` against what `b` reports importing from `a`.
#[pyfunction]
#[pyo3(signature = (store, a, b, years=None))]
pub fn mirror(
    py: Python<'_>,
    store: &PyStore,
    a: &str,
    b: &str,
    years: Years,
) -> PyResult<PyTable> {
    let state = store.state().clone();
    run_long(py, None, |_| {
        let (a, b) = (resolve(&state, a)?, resolve(&state, b)?);
        let rows = analytics::mirror(&state.store, &a, &b, years).map_err(Failure::Steppe)?;
        table("mirror", &rows, &state)
    })
}

/// An indicator's values for a country, by year, with their sources.
#[pyfunction]
pub fn indicator_series(
    py: Python<'_>,
    store: &PyStore,
    indicator: &str,
    country: &str,
) -> PyResult<PyTable> {
    let state = store.state().clone();
    run_long(py, None, |_| {
        let id = resolve(&state, country)?;
        let rows =
            analytics::indicator_series(&state.store, indicator, &id).map_err(Failure::Steppe)?;
        table("indicator_series", &rows, &state)
    })
}
