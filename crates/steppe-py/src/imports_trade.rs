//! Python entry points of the trade importers: `import_baci` and `import_comtrade`. Each runs
//! through `interrupt::run_import` (GIL released, Ctrl-C stops it, `progress=` called) and
//! returns the import report as a dict
//! (`import_report::report_dict`).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::import_report::{options, report_dict};
use crate::interrupt::run_import;

/// Imports CEPII BACI yearly files (`BACI_HS92_Y2023_V202501.csv`, plain, `.gz` or `.zip`)
/// into the store at `out`, mapping country codes through `country_codes`
/// (`country_codes_V*.csv`) and, when given, checking products against `products`.
/// `reimport` is "skip" (default), "replace" or "fail". Returns the import report.
#[pyfunction]
#[pyo3(signature = (files, country_codes, out, products=None, reimport="skip", wait=false, max_reject_rate=None, progress=None))]
#[allow(clippy::too_many_arguments)] // one argument per Python keyword
pub fn import_baci<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    country_codes: PathBuf,
    out: PathBuf,
    products: Option<PathBuf>,
    reimport: &str,
    wait: bool,
    max_reject_rate: Option<f64>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait, max_reject_rate)?;
    let report = run_import(py, opts, progress, &files, |o| {
        steppe::import::baci::import_baci(&files, &country_codes, products.as_deref(), &out, o)
    })?;
    report_dict(py, &report)
}

/// Imports UN Comtrade CSV downloads (current or legacy layout, told apart by the header)
/// into the store at `out`. `reimport` is "skip" (default), "replace" or "fail". Returns the
/// import report.
#[pyfunction]
#[pyo3(signature = (files, out, reimport="skip", wait=false, max_reject_rate=None, progress=None))]
pub fn import_comtrade<'py>(
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
        steppe::import::comtrade::import_comtrade(&files, &out, o)
    })?;
    report_dict(py, &report)
}
