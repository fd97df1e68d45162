//! Python entry points of the trade importers: `import_baci` and `import_comtrade`. Each
//! releases the GIL while it runs and returns the import report as a dict:
//! `{"files": [{"file", "importer", "source_id", "sha256", "rows_read", "rows_accepted",
//! "rows_rejected", "rejected_by_reason", "rows_skipped", "rows_written"}, ...],
//! "skipped_files": [...], "rows_read", "rows_accepted", "rows_rejected"}`.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use steppe::import::{ImportOptions, ImportReport, Reimport};

use crate::errors::guard;

fn trade_options(reimport: &str, wait: bool) -> PyResult<ImportOptions> {
    let reimport = match reimport {
        "skip" => Reimport::Skip,
        "replace" => Reimport::Replace,
        "fail" => Reimport::Fail,
        other => {
            return Err(PyValueError::new_err(format!(
                "reimport must be \"skip\", \"replace\" or \"fail\", not {other:?}"
            )))
        }
    };
    Ok(ImportOptions {
        reimport,
        wait_for_lock: wait,
        ..Default::default()
    })
}

fn trade_report<'py>(py: Python<'py>, r: &ImportReport) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let files = PyList::empty(py);
    for s in &r.files {
        let d = PyDict::new(py);
        d.set_item("file", &s.file)?;
        d.set_item("importer", &s.importer)?;
        d.set_item("source_id", &s.source_id)?;
        d.set_item("sha256", &s.sha256)?;
        d.set_item("rows_read", s.rows_read)?;
        d.set_item("rows_accepted", s.rows_accepted)?;
        d.set_item("rows_rejected", s.rows_rejected)?;
        d.set_item("rejected_by_reason", s.rejected_by_reason.clone())?;
        d.set_item("rows_skipped", s.rows_skipped.clone())?;
        d.set_item("rows_written", s.rows_written.clone())?;
        files.append(d)?;
    }
    out.set_item("files", files)?;
    out.set_item("skipped_files", r.skipped_files.clone())?;
    out.set_item("rows_read", r.rows_read())?;
    out.set_item("rows_accepted", r.rows_accepted())?;
    out.set_item("rows_rejected", r.rows_rejected())?;
    Ok(out)
}

/// Imports CEPII BACI yearly files (`BACI_HS92_Y2023_V202501.csv`, plain, `.gz` or `.zip`)
/// into the store at `out`, mapping country codes through `country_codes`
/// (`country_codes_V*.csv`) and, when given, checking products against `products`.
/// `reimport` is "skip" (default), "replace" or "fail". Returns the import report.
#[pyfunction]
#[pyo3(signature = (files, country_codes, out, products=None, reimport="skip", wait=false))]
pub fn import_baci<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    country_codes: PathBuf,
    out: PathBuf,
    products: Option<PathBuf>,
    reimport: &str,
    wait: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let options = trade_options(reimport, wait)?;
    let report = py.detach(|| {
        guard(|| {
            steppe::import::baci::import_baci(
                &files,
                &country_codes,
                products.as_deref(),
                &out,
                &options,
            )
        })
    })?;
    trade_report(py, &report)
}

/// Imports UN Comtrade CSV downloads (current or legacy layout, told apart by the header)
/// into the store at `out`. `reimport` is "skip" (default), "replace" or "fail". Returns the
/// import report.
#[pyfunction]
#[pyo3(signature = (files, out, reimport="skip", wait=false))]
pub fn import_comtrade<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    out: PathBuf,
    reimport: &str,
    wait: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let options = trade_options(reimport, wait)?;
    let report =
        py.detach(|| guard(|| steppe::import::comtrade::import_comtrade(&files, &out, &options)))?;
    trade_report(py, &report)
}
