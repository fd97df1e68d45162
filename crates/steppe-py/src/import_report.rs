//! What every import entry point shares: the options from the Python arguments, and the
//! import report as a Python dict:
//! `{"files": [{"file", "importer", "source_id", "sha256", "rows_read", "rows_accepted",
//! "rows_rejected", "rejected_by_reason", "rows_skipped", "rows_written"}, ...],
//! "skipped_files": [...], "rows_read", "rows_accepted", "rows_rejected"}`.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use steppe::import::{ImportOptions, ImportReport, Reimport};

fn reimport_policy(reimport: &str) -> PyResult<Reimport> {
    match reimport {
        "skip" => Ok(Reimport::Skip),
        "replace" => Ok(Reimport::Replace),
        "fail" => Ok(Reimport::Fail),
        other => Err(PyValueError::new_err(format!(
            "reimport must be \"skip\", \"replace\" or \"fail\", not {other:?}"
        ))),
    }
}

/// The import options: `reimport` is "skip", "replace" or "fail"; `wait` waits for the
/// store's lock instead of failing; `max_reject_rate` (a fraction in 0..=1, default
/// `steppe::import::DEFAULT_MAX_REJECT_RATE`) is the share of rejected rows above which an
/// import fails (after committing).
pub fn options(
    reimport: &str,
    wait: bool,
    max_reject_rate: Option<f64>,
) -> PyResult<ImportOptions> {
    let max_reject_rate = max_reject_rate.unwrap_or(steppe::import::DEFAULT_MAX_REJECT_RATE);
    steppe::import::check_reject_rate(max_reject_rate)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(ImportOptions {
        reimport: reimport_policy(reimport)?,
        wait_for_lock: wait,
        max_reject_rate,
        ..Default::default()
    })
}

/// The report as a Python dict.
pub fn report_dict<'py>(py: Python<'py>, r: &ImportReport) -> PyResult<Bound<'py, PyDict>> {
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
