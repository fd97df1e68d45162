//! Python entry points of the WDI, GDELT, UCDP and ACLED importers: `import_wdi`,
//! `import_gdelt`, `import_ucdp`, `import_acled`. Each releases the GIL while it runs and
//! returns the import report as a dict:
//! `{"files": [{"file", "importer", "source_id", "sha256", "rows_read", "rows_accepted",
//! "rows_rejected", "rejected_by_reason", "rows_skipped", "rows_written"}, ...],
//! "skipped_files": [...], "rows_read", "rows_accepted", "rows_rejected"}`.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use steppe::import::{ImportOptions, ImportReport, Reimport};

use crate::errors::guard;

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

fn options(reimport: &str, wait: bool) -> PyResult<ImportOptions> {
    Ok(ImportOptions {
        reimport: reimport_policy(reimport)?,
        wait_for_lock: wait,
        ..Default::default()
    })
}

/// The report as a Python dict.
fn report_dict<'py>(py: Python<'py>, r: &ImportReport) -> PyResult<Bound<'py, PyDict>> {
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

/// Imports World Bank WDI CSV files (bulk `WDICSV.csv`/`WDIData.csv`, per-indicator
/// `API_*.csv`, DataBank exports) into the store at `out`, with optional country and series
/// metadata files (also recognised among `files` by their header).
#[pyfunction]
#[pyo3(signature = (files, out, country_metadata=None, series_metadata=None, reimport="skip", wait=false))]
pub fn import_wdi<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    out: PathBuf,
    country_metadata: Option<Vec<PathBuf>>,
    series_metadata: Option<Vec<PathBuf>>,
    reimport: &str,
    wait: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait)?;
    let wdi = steppe::import::wdi::WdiOptions {
        country_metadata: country_metadata.unwrap_or_default(),
        series_metadata: series_metadata.unwrap_or_default(),
    };
    let report = py.detach(|| guard(|| steppe::import::wdi::import(&files, &out, &wdi, &opts)))?;
    report_dict(py, &report)
}

/// Imports GDELT 1.0/2.0 event exports into the store at `out`; `countries` (ISO codes or
/// `fips:TI`-style codes) keeps only events involving them.
#[pyfunction]
#[pyo3(signature = (files, out, countries=None, reimport="skip", wait=false))]
pub fn import_gdelt<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    out: PathBuf,
    countries: Option<Vec<String>>,
    reimport: &str,
    wait: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait)?;
    let gdelt = steppe::import::gdelt::GdeltOptions {
        countries: countries.unwrap_or_default(),
    };
    let report =
        py.detach(|| guard(|| steppe::import::gdelt::import(&files, &out, &gdelt, &opts)))?;
    report_dict(py, &report)
}

/// Imports UCDP GED CSV files into the store at `out`.
#[pyfunction]
#[pyo3(signature = (files, out, reimport="skip", wait=false))]
pub fn import_ucdp<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    out: PathBuf,
    reimport: &str,
    wait: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait)?;
    let report = py.detach(|| guard(|| steppe::import::ucdp::import(&files, &out, &opts)))?;
    report_dict(py, &report)
}

/// Imports ACLED CSV exports (your own download) into the store at `out`; the store marks
/// the event tables as not redistributable.
#[pyfunction]
#[pyo3(signature = (files, out, reimport="skip", wait=false))]
pub fn import_acled<'py>(
    py: Python<'py>,
    files: Vec<PathBuf>,
    out: PathBuf,
    reimport: &str,
    wait: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(reimport, wait)?;
    let report = py.detach(|| guard(|| steppe::import::acled::import(&files, &out, &opts)))?;
    report_dict(py, &report)
}
