//! Python entry points of the WDI, GDELT, UCDP and ACLED importers: `import_wdi`,
//! `import_gdelt`, `import_ucdp`, `import_acled`, and the UCDP/PRIO ACD's `import_ucdp_acd`. Each runs through `interrupt::run_import`
//! (GIL released, Ctrl-C stops it, `progress=` called) and
//! returns the import report as a dict (`import_report::report_dict`).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::import_report::{options, report_dict};
use crate::interrupt::run_import;

/// Imports World Bank WDI CSV files (bulk `WDICSV.csv`/`WDIData.csv`, per-indicator
/// `API_*.csv`, DataBank exports) into the store at `out`, with optional country and series
/// metadata files (also recognised among `files` by their header); `indicator` names the
/// indicator of long files (`Country Name,Country Code,Year,Value`) without a datapackage.
#[pyfunction]
#[pyo3(signature = (files, out, country_metadata=None, series_metadata=None, indicator=None, reimport="skip", wait=false, max_reject_rate=None, progress=None))]
#[allow(clippy::too_many_arguments)] // one argument per Python keyword
pub fn import_wdi<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    out: PathBuf,
    country_metadata: Option<Vec<PathBuf>>,
    series_metadata: Option<Vec<PathBuf>>,
    indicator: Option<String>,
    reimport: &str,
    wait: bool,
    max_reject_rate: Option<f64>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait, max_reject_rate)?;
    let wdi = steppe::import::wdi::WdiOptions {
        country_metadata: country_metadata.unwrap_or_default(),
        series_metadata: series_metadata.unwrap_or_default(),
        indicator,
    };
    let inputs: Vec<PathBuf> = [&files, &wdi.country_metadata, &wdi.series_metadata]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let report = run_import(py, opts, progress, &inputs, |o| {
        steppe::import::wdi::import(&files, &out, &wdi, o)
    })?;
    report_dict(py, &report)
}

/// Imports GDELT 1.0/2.0 event exports into the store at `out`; `countries` (ISO codes or
/// `fips:TI`-style codes) keeps only events involving them.
#[pyfunction]
#[pyo3(signature = (files, out, countries=None, reimport="skip", wait=false, max_reject_rate=None, progress=None))]
#[allow(clippy::too_many_arguments)] // one argument per Python keyword
pub fn import_gdelt<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    out: PathBuf,
    countries: Option<Vec<String>>,
    reimport: &str,
    wait: bool,
    max_reject_rate: Option<f64>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait, max_reject_rate)?;
    let gdelt = steppe::import::gdelt::GdeltOptions {
        countries: countries.unwrap_or_default(),
    };
    let report = run_import(py, opts, progress, &files, |o| {
        steppe::import::gdelt::import(&files, &out, &gdelt, o)
    })?;
    report_dict(py, &report)
}

/// Imports UCDP GED CSV files into the store at `out`; `ged_version` is the release of
/// header-less files (else the one the file name gives).
#[pyfunction]
#[pyo3(signature = (files, out, reimport="skip", wait=false, max_reject_rate=None, progress=None, ged_version=None))]
#[allow(clippy::too_many_arguments)] // one argument per Python keyword
pub fn import_ucdp<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    out: PathBuf,
    reimport: &str,
    wait: bool,
    max_reject_rate: Option<f64>,
    progress: Option<Py<PyAny>>,
    ged_version: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait, max_reject_rate)?;
    let ged = steppe::import::ucdp::GedOptions {
        version: ged_version,
    };
    let report = run_import(py, opts, progress, &files, |o| {
        steppe::import::ucdp::import_ged(&files, &out, &ged, o)
    })?;
    report_dict(py, &report)
}

/// Imports ACLED CSV exports (your own download) into the store at `out`; the store marks
/// the event tables as not redistributable.
#[pyfunction]
#[pyo3(signature = (files, out, reimport="skip", wait=false, max_reject_rate=None, progress=None))]
pub fn import_acled<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    out: PathBuf,
    reimport: &str,
    wait: bool,
    max_reject_rate: Option<f64>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait, max_reject_rate)?;
    let report = run_import(py, opts, progress, &files, |o| {
        steppe::import::acled::import(&files, &out, o)
    })?;
    report_dict(py, &report)
}

/// Imports UCDP/PRIO Armed Conflict Dataset CSV files into the store's `conflicts` table.
#[pyfunction]
#[pyo3(signature = (files, out, reimport="skip", wait=false, max_reject_rate=None, progress=None))]
pub fn import_ucdp_acd<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    out: PathBuf,
    reimport: &str,
    wait: bool,
    max_reject_rate: Option<f64>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait, max_reject_rate)?;
    let report = run_import(py, opts, progress, &files, |o| {
        steppe::import::ucdp_acd::import(&files, &out, o)
    })?;
    report_dict(py, &report)
}
