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
/// and release archives (`BACI_HS92_V202501.zip`, the years in `years` such as "2015-2023")
/// into the store at `out`, mapping country codes through `country_codes`
/// (`country_codes_V*.csv`; an archive's own when `None`) and, when given, checking products
/// against `products`. `reimport` is "skip" (default), "replace" or "fail". Returns the
/// import report.
#[pyfunction]
#[pyo3(signature = (files, country_codes, out, products=None, reimport="skip", wait=false, max_reject_rate=None, progress=None, years=None))]
#[allow(clippy::too_many_arguments)] // one argument per Python keyword
pub fn import_baci<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    country_codes: Option<PathBuf>,
    out: PathBuf,
    products: Option<PathBuf>,
    reimport: &str,
    wait: bool,
    max_reject_rate: Option<f64>,
    progress: Option<Py<PyAny>>,
    years: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait, max_reject_rate)?;
    let report = run_import(py, opts, progress, &files, |o| {
        use steppe::import::baci::{import_baci_inputs, parse_years, BaciOptions};
        let baci = BaciOptions {
            country_codes,
            products,
            years: years.as_deref().map(parse_years).transpose()?,
        };
        import_baci_inputs(&files, &baci, &out, o)
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
