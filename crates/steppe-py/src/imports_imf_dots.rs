//! Python entry point of the IMF DOTS importer, `import_imf_dots`: runs through
//! `interrupt::run_import` (GIL released, Ctrl-C stops it, `progress=` called) and returns
//! the import report as a dict (`import_report::report_dict`).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::import_report::{options, report_dict};
use crate::interrupt::run_import;

/// Imports IMF Direction of Trade Statistics workbooks (`DOTS_<n>.xlsx`, data-portal exports)
/// into the store at `out`.
#[pyfunction]
#[pyo3(signature = (files, out, reimport="skip", wait=false, max_reject_rate=None, progress=None))]
pub fn import_imf_dots<'py>(
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
        steppe::import::imf_dots::import(&files, &out, o)
    })?;
    report_dict(py, &report)
}
