//! `steppe.fetch(...)`: the publishers' files into the cache (`steppe::fetch`), and with
//! `out` imported, run through `interrupt::run_long` (GIL released, Ctrl-C stops it,
//! `progress(bytes_done, None)` called with the bytes downloaded so far). Returns
//! `{"cache_dir", "files": [{"url", "path", "status", "bytes", "sha256", "retrieved",
//! "etag", "last_modified", "unpacked"}], "failed": [{"url", "name", "reason"}],
//! "imports": [<import report dict>], "notes": [str]}`. UN Comtrade's key is read from
//! `COMTRADE_API_KEY`, never from an argument.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use steppe::fetch::{
    FetchOptions, FetchProgress, FetchReport, Fetched, RetryPolicy, Selection, Status,
};
use steppe::import::{ImportOptions, ImportReport};
use steppe::progress::Progress;

use crate::import_report::report_dict;
use crate::interrupt::{run_long, Callback};

/// Downloaded bytes to the long-call receiver: the growth of each file's count.
struct Bytes {
    receiver: Arc<dyn Progress>,
    seen: Mutex<HashMap<usize, u64>>,
}

impl FetchProgress for Bytes {
    fn file_bytes(&self, index: usize, done: u64, _total: Option<u64>) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let before = seen.insert(index, done).unwrap_or(0);
        self.receiver.advance(done.saturating_sub(before), 0);
    }

    fn should_stop(&self) -> bool {
        self.receiver.should_stop()
    }
}

/// Only the request to stop, for the imports after a fetch.
struct StopOnly(Arc<dyn Progress>);

impl Progress for StopOnly {
    fn should_stop(&self) -> bool {
        self.0.should_stop()
    }
}

/// UN Comtrade's selection, from the keywords of the same names.
#[derive(Default)]
struct ComtradeArgs {
    reporters: Vec<String>,
    partners: Vec<String>,
    periods: Vec<String>,
    flows: Vec<String>,
    commodities: Vec<String>,
    classification: String,
    frequency: String,
    /// UCDP GED from UCDP's API.
    api: bool,
}

#[allow(clippy::too_many_arguments)] // the keywords of `fetch`
fn selection(
    source: &str,
    indicators: Vec<String>,
    countries: Vec<String>,
    bulk: bool,
    version: Option<String>,
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    hs: Option<String>,
    comtrade: ComtradeArgs,
) -> PyResult<Selection> {
    let need = |v: Option<String>, what: &str| {
        v.ok_or_else(|| PyValueError::new_err(format!("source {source:?} needs {what}=")))
    };
    Ok(match source {
        "wdi" if bulk => Selection::WdiBulk,
        "wdi" => Selection::Wdi {
            indicators,
            countries,
        },
        "gdelt" => {
            let from = dates
                .0
                .ok_or_else(|| PyValueError::new_err("source \"gdelt\" needs start="))?;
            let to = dates.1.unwrap_or(from);
            if to < from {
                return Err(PyValueError::new_err(format!(
                    "end {to} is before start {from}"
                )));
            }
            let version = match version.as_deref() {
                None | Some("2") => 2,
                Some("1") => 1,
                Some(v) => {
                    return Err(PyValueError::new_err(format!(
                        "GDELT version must be \"1\" or \"2\", not {v:?}"
                    )))
                }
            };
            Selection::Gdelt { version, from, to }
        }
        "ucdp-ged" | "ucdp_ged" if comtrade.api => {
            if steppe::fetch::ucdp_api::token_from_env().is_none() {
                return Err(PyValueError::new_err(
                    "UCDP's API needs an access token: set UCDP_ACCESS_TOKEN, or fetch the download file (api=False)",
                ));
            }
            Selection::UcdpGedApi {
                version: need(version, "version")?,
            }
        }
        "ucdp-ged" | "ucdp_ged" => Selection::UcdpGed {
            version: need(version, "version")?,
        },
        "ucdp-acd" | "ucdp_acd" => Selection::UcdpAcd {
            version: need(version, "version")?,
        },
        "comtrade" => Selection::Comtrade(steppe::fetch::comtrade::Query {
            reporters: comtrade.reporters,
            partners: comtrade.partners,
            periods: comtrade.periods,
            flows: comtrade.flows,
            commodities: comtrade.commodities,
            classification: comtrade.classification,
            frequency: comtrade.frequency,
            keyed: steppe::fetch::comtrade::key_from_env().is_some(),
        }),
        "baci" => Selection::Baci {
            hs: need(hs, "hs")?,
            release: need(version, "version")?,
        },
        other => {
            return Err(PyValueError::new_err(format!(
                "source must be \"wdi\", \"gdelt\", \"ucdp-ged\", \"ucdp-acd\", \"baci\" or \"comtrade\", not {other:?}"
            )))
        }
    })
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Downloaded => "downloaded",
        Status::Unchanged => "unchanged",
        Status::Changed => "changed",
        Status::Cached => "cached",
    }
}

/// Fetches a publisher's files into the cache; with `out`, imports them into that store.
#[pyfunction]
#[pyo3(signature = (source, indicators=None, countries=None, bulk=false, version=None, start=None, end=None, hs=None, api=false, reporters=None, partners=None, periods=None, flows=None, commodities=None, classification="HS", frequency="A", cache=None, out=None, mirror=None, offline=false, max_download_bytes=None, max_expanded_bytes=None, per_host=2, attempts=6, retry_delay=1.0, progress=None))]
#[allow(clippy::too_many_arguments)] // one argument per Python keyword
pub fn fetch<'py>(
    py: Python<'py>,
    source: &str,
    indicators: Option<Vec<String>>,
    countries: Option<Vec<String>>,
    bulk: bool,
    version: Option<String>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    hs: Option<String>,
    api: bool,
    reporters: Option<Vec<String>>,
    partners: Option<Vec<String>>,
    periods: Option<Vec<String>>,
    flows: Option<Vec<String>>,
    commodities: Option<Vec<String>>,
    classification: &str,
    frequency: &str,
    cache: Option<PathBuf>,
    out: Option<PathBuf>,
    mirror: Option<String>,
    offline: bool,
    max_download_bytes: Option<u64>,
    max_expanded_bytes: Option<u64>,
    per_host: usize,
    attempts: u32,
    retry_delay: f64,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let selection = selection(
        source,
        indicators.unwrap_or_default(),
        countries.unwrap_or_default(),
        bulk,
        version,
        (start, end),
        hs,
        ComtradeArgs {
            reporters: reporters.unwrap_or_default(),
            partners: partners.unwrap_or_default(),
            periods: periods.unwrap_or_default(),
            flows: flows.unwrap_or_default(),
            commodities: commodities.unwrap_or_default(),
            classification: classification.to_string(),
            frequency: frequency.to_string(),
            api,
        },
    )?;
    let base = FetchOptions {
        retry: retry_policy(attempts, retry_delay)?,
        secret_headers: steppe::fetch::secret_headers_from_env(&selection),
        cache_dir: cache,
        mirror,
        offline,
        max_download_bytes: max_download_bytes.unwrap_or(steppe::fetch::DEFAULT_MAX_DOWNLOAD_BYTES),
        max_expanded_bytes: max_expanded_bytes
            .unwrap_or(steppe::import::DEFAULT_MAX_EXPANDED_BYTES),
        per_host,
        ..FetchOptions::default()
    };
    let (report, imports) = run(py, progress, &selection, base, out.as_deref())?;
    fetch_dict(py, &report, &imports)
}

/// `attempts` per file (at least 1), the first retry after `retry_delay` seconds; an error
/// when `retry_delay` is not a number of seconds >= 0.
fn retry_policy(attempts: u32, retry_delay: f64) -> PyResult<RetryPolicy> {
    if !(retry_delay.is_finite() && retry_delay >= 0.0) {
        return Err(PyValueError::new_err(
            "retry_delay must be a number of seconds >= 0",
        ));
    }
    Ok(RetryPolicy {
        attempts: attempts.max(1),
        base_delay: Duration::from_secs_f64(retry_delay),
        ..RetryPolicy::default()
    })
}

/// The fetch, and with `out` the import of what it fetched (with `base`'s bound on what an
/// archive expands to), through `run_long` with `progress` told the bytes downloaded.
fn run(
    py: Python<'_>,
    progress: Option<Py<PyAny>>,
    selection: &Selection,
    base: FetchOptions,
    out: Option<&Path>,
) -> PyResult<(FetchReport, Vec<ImportReport>)> {
    run_long(py, Callback::without_total(progress), |receiver| {
        let max_expanded_bytes = base.max_expanded_bytes;
        let options = FetchOptions {
            progress: Arc::new(Bytes {
                receiver: receiver.clone(),
                seen: Mutex::new(HashMap::new()),
            }),
            ..base
        };
        let report = steppe::fetch::fetch(selection, &options)?;
        let imports = match out {
            Some(out) => {
                let opts = ImportOptions {
                    progress: Arc::new(StopOnly(receiver)),
                    max_expanded_bytes,
                    ..ImportOptions::default()
                };
                steppe::fetch::import_fetched(selection, &report, out, &opts)?
            }
            None => Vec::new(),
        };
        Ok::<_, steppe::Error>((report, imports))
    })
}

/// The answer of `fetch`: `{"cache_dir", "files", "failed", "imports", "notes"}` (see the
/// module's doc).
fn fetch_dict<'py>(
    py: Python<'py>,
    report: &FetchReport,
    imports: &[ImportReport],
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("cache_dir", report.cache_dir.to_string_lossy().as_ref())?;
    let files = PyList::empty(py);
    for f in &report.files {
        files.append(file_dict(py, f)?)?;
    }
    dict.set_item("files", files)?;
    let failed = PyList::empty(py);
    for f in &report.failed {
        let d = PyDict::new(py);
        d.set_item("url", &f.url)?;
        d.set_item("name", &f.name)?;
        d.set_item("reason", &f.reason)?;
        failed.append(d)?;
    }
    dict.set_item("failed", failed)?;
    let reports = PyList::empty(py);
    for r in imports {
        reports.append(report_dict(py, r)?)?;
    }
    dict.set_item("imports", reports)?;
    dict.set_item("notes", &report.notes)?;
    Ok(dict)
}

/// One fetched file: `{"url", "path", "status", "bytes", "sha256", "retrieved", "etag",
/// "last_modified", "unpacked"}`.
fn file_dict<'py>(py: Python<'py>, f: &Fetched) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("url", &f.url)?;
    d.set_item("path", f.path.to_string_lossy().as_ref())?;
    d.set_item("status", status_name(f.status))?;
    d.set_item("bytes", f.sidecar.bytes)?;
    d.set_item("sha256", &f.sidecar.sha256)?;
    d.set_item("retrieved", f.sidecar.retrieved.to_rfc3339())?;
    d.set_item("etag", &f.sidecar.etag)?;
    d.set_item("last_modified", &f.sidecar.last_modified)?;
    let unpacked: Vec<String> = f
        .unpacked
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    d.set_item("unpacked", unpacked)?;
    Ok(d)
}
