//! Downloads the publishers' files (`steppe fetch`): a [`Selection`] becomes a list of URLs
//! (`catalog`), each fetched over HTTP with retries (`http`) into a cache that holds only
//! complete, verified files (`cache`), archives checked before they are trusted (`archive`),
//! and optionally imported with their origin (`import`). Knows no terminal and no Python:
//! progress goes through [`FetchProgress`].

pub mod archive;
pub mod cache;
pub mod catalog;
pub mod comtrade;
pub mod http;
mod import;
pub mod ucdp_api;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use md5::{Digest, Md5};

pub use cache::{Cache, Sidecar};
pub use catalog::{Derive, Item, Selection};
pub use http::RetryPolicy;
pub use import::import_fetched;

use crate::{Error, Result};

/// Default bound on one download (64 GiB; BACI's largest archives are a few GiB).
pub const DEFAULT_MAX_DOWNLOAD_BYTES: u64 = 64 << 30;

/// Receives a fetch's progress; every method defaults to nothing.
pub trait FetchProgress: Send + Sync {
    /// The files of the selection are known: `count` of them.
    fn files(&self, _count: usize) {}
    /// File `index` (its cache name) starts; `total` bytes when known.
    fn file_start(&self, _index: usize, _name: &str, _total: Option<u64>) {}
    /// File `index` has `done` bytes of `total`.
    fn file_bytes(&self, _index: usize, _done: u64, _total: Option<u64>) {}
    /// File `index` is finished (`ok`: fetched or found in the cache).
    fn file_done(&self, _index: usize, _ok: bool) {}
    /// Whether the caller asks the fetch to stop (checked between files and attempts).
    fn should_stop(&self) -> bool {
        false
    }
}

/// Reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoFetchProgress;

impl FetchProgress for NoFetchProgress {}

/// How to fetch.
#[derive(Clone)]
pub struct FetchOptions {
    /// The cache directory; `None`: `STEPPE_CACHE_DIR`, else the platform's user cache dir.
    pub cache_dir: Option<PathBuf>,
    /// A mirror serving `<mirror>/<host>/<path and query>`; `None`: `STEPPE_MIRROR` if set.
    pub mirror: Option<String>,
    /// Use the cache only: no request at all.
    pub offline: bool,
    /// Retries and backoff.
    pub retry: RetryPolicy,
    /// Bound on each download's size.
    pub max_download_bytes: u64,
    /// Bound on what an archive may expand to.
    pub max_expanded_bytes: u64,
    /// Downloads at a time per host.
    pub per_host: usize,
    /// Bound on connecting and on each wait for a response.
    pub timeout: Duration,
    /// Progress receiver.
    pub progress: Arc<dyn FetchProgress>,
    /// `(host, header, value)`: a key sent to `host` only, never written anywhere.
    pub secret_headers: Vec<(String, String, String)>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            cache_dir: None,
            mirror: None,
            offline: false,
            retry: RetryPolicy::default(),
            max_download_bytes: DEFAULT_MAX_DOWNLOAD_BYTES,
            max_expanded_bytes: crate::import::DEFAULT_MAX_EXPANDED_BYTES,
            per_host: 2,
            timeout: Duration::from_secs(60),
            progress: Arc::new(NoFetchProgress),
            secret_headers: Vec::new(),
        }
    }
}

impl std::fmt::Debug for FetchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchOptions")
            .field("cache_dir", &self.cache_dir)
            .field("mirror", &self.mirror)
            .field("offline", &self.offline)
            .field("retry", &self.retry)
            .field("max_download_bytes", &self.max_download_bytes)
            .field("per_host", &self.per_host)
            .field("secret_headers", &self.secret_headers.len())
            .finish_non_exhaustive()
    }
}

/// The key or token in the environment variable `var`, trimmed; `None` when it is unset or
/// blank. Never logged or stored.
pub fn secret_from_env(var: &str) -> Option<String> {
    std::env::var(var)
        .ok()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
}

/// The [`FetchOptions::secret_headers`] `selection` needs, from the environment: UN
/// Comtrade's key for [`Selection::Comtrade`], UCDP's token for [`Selection::UcdpGedApi`].
pub fn secret_headers_from_env(selection: &Selection) -> Vec<(String, String, String)> {
    let secret = match selection {
        Selection::Comtrade(_) => {
            comtrade::key_from_env().map(|key| (comtrade::HOST, comtrade::KEY_HEADER, key))
        }
        Selection::UcdpGedApi { .. } => {
            ucdp_api::token_from_env().map(|token| (ucdp_api::HOST, ucdp_api::TOKEN_HEADER, token))
        }
        _ => None,
    };
    secret
        .into_iter()
        .map(|(host, header, value)| (host.to_string(), header.to_string(), value))
        .collect()
}

/// How a file came to be in the cache this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Downloaded: it was not in the cache.
    Downloaded,
    /// In the cache, and the publisher says it has not changed (304, or the same MD5 in its
    /// list, or the same content downloaded again).
    Unchanged,
    /// In the cache, but the publisher's copy changed: the new one replaced it.
    Changed,
    /// Taken from the cache without asking the publisher (`offline`).
    Cached,
}

impl Status {
    /// `downloaded`, `unchanged`, `changed upstream`, `cached (offline)`.
    pub fn describe(self) -> &'static str {
        match self {
            Status::Downloaded => "downloaded",
            Status::Unchanged => "unchanged upstream",
            Status::Changed => "changed upstream, replaced",
            Status::Cached => "from the cache (offline, not checked)",
        }
    }
}

/// A file now complete in the cache.
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched {
    /// The publisher's URL.
    pub url: String,
    /// The cached file.
    pub path: PathBuf,
    /// What the cache records of it.
    pub sidecar: Sidecar,
    /// How it got there.
    pub status: Status,
    /// Its unpacked files (archives the importers need unpacked), else empty.
    pub unpacked: Vec<PathBuf>,
}

/// A file that could not be fetched; nothing of it is in the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failed {
    /// The publisher's URL.
    pub url: String,
    /// The file's name.
    pub name: String,
    /// What went wrong (never a key).
    pub reason: String,
}

/// What a fetch did: every file of the selection is in `files` or in `failed`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FetchReport {
    /// The cache directory.
    pub cache_dir: PathBuf,
    /// Files in the cache, in the selection's order.
    pub files: Vec<Fetched>,
    /// Files that failed.
    pub failed: Vec<Failed>,
    /// What the caller should know of the result (a row limit reached, the preview's limit).
    pub notes: Vec<String>,
}

/// Fetches `selection` into the cache: its listings first (GDELT), then its files, a few at
/// a time. A file that fails is reported in [`FetchReport::failed`] and the others go on; a
/// rerun fetches only what is missing. Fails outright only when the selection itself is
/// invalid or its listing cannot be had.
pub fn fetch(selection: &Selection, options: &FetchOptions) -> Result<FetchReport> {
    let fetcher = Fetcher::new(options)?;
    let mut listings = Vec::new();
    for item in selection.listings() {
        let got = fetcher
            .one(&item, usize::MAX)
            .map_err(|f| fetcher.redacted(f));
        options.progress.file_done(usize::MAX, got.is_ok());
        let got = got.map_err(|f| Error::Fetch {
            url: f.url,
            message: format!("the publisher's file list could not be had: {}", f.reason),
        })?;
        let text = std::fs::read(&got.path).map_err(|e| Error::io(&got.path, e))?;
        listings.push(String::from_utf8_lossy(&text).into_owned());
    }
    let items = selection.items(&listings)?;
    let results = match selection {
        Selection::UcdpGedApi { version } => fetcher.pages(&items[0], version),
        _ => fetcher.many(&items),
    };
    let mut report = FetchReport {
        cache_dir: fetcher.cache.root().to_path_buf(),
        ..Default::default()
    };
    if let Selection::Comtrade(q) = selection {
        if !q.keyed {
            report.notes.push(format!(
                "UN Comtrade without a subscription key: the public preview returns at most {} rows a call (one call per reporter and period); set COMTRADE_API_KEY for the data API",
                comtrade::PREVIEW_MAX_ROWS
            ));
        }
    }
    report.notes.extend(
        fetcher
            .notes
            .into_inner()
            .unwrap_or_else(|e| e.into_inner()),
    );
    for r in results {
        match r {
            Ok(f) => report.files.push(f),
            Err(f) => report.failed.push(f),
        }
    }
    if options.progress.should_stop() {
        return Err(Error::Cancelled);
    }
    Ok(report)
}

/// The files of one fetch.
struct Fetcher<'a> {
    options: &'a FetchOptions,
    cache: Cache,
    client: http::Client,
    notes: Mutex<Vec<String>>,
}

impl<'a> Fetcher<'a> {
    fn new(options: &'a FetchOptions) -> Result<Fetcher<'a>> {
        let cache = Cache::new(cache::default_dir(options.cache_dir.as_deref())?);
        let mirror = options
            .mirror
            .clone()
            .or_else(|| std::env::var("STEPPE_MIRROR").ok());
        let mut client = http::Client::new(
            mirror,
            options.retry.clone(),
            options.max_download_bytes,
            options.per_host,
            options.timeout,
        );
        for (host, name, value) in &options.secret_headers {
            client.add_secret_header(host, name, value);
        }
        Ok(Fetcher {
            options,
            cache,
            client,
            notes: Mutex::new(Vec::new()),
        })
    }

    /// `f` with any key removed from its reason.
    fn redacted(&self, mut f: Failed) -> Failed {
        f.reason = self.client.redact(&f.reason);
        f
    }

    /// Every item, `per_host` at a time; results in the items' order.
    fn many(&self, items: &[Item]) -> Vec<std::result::Result<Fetched, Failed>> {
        let progress = &self.options.progress;
        progress.files(items.len());
        let next = AtomicUsize::new(0);
        let results = Mutex::new(vec![None; items.len()]);
        let workers = self.options.per_host.max(1).min(items.len().max(1));
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = if progress.should_stop() {
                        Err(failed(item, "stopped by the caller".into()))
                    } else {
                        self.one(item, i).map_err(|f| self.redacted(f))
                    };
                    progress.file_done(i, r.is_ok());
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                });
            }
        });
        let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        results.into_iter().flatten().collect()
    }

    /// The pages of a paged API from `first`, each page's `NextPageUrl` leading to the next,
    /// one at a time; a page that fails ends the chain (its successor is unknown).
    fn pages(&self, first: &Item, version: &str) -> Vec<std::result::Result<Fetched, Failed>> {
        let progress = &self.options.progress;
        let mut out = Vec::new();
        let mut next = Some(first.clone());
        while let Some(item) = next.take() {
            let n = out.len();
            if n >= ucdp_api::MAX_PAGES {
                let why = format!("more than {} pages; stopped", ucdp_api::MAX_PAGES);
                out.push(Err(failed(&item, why)));
                break;
            }
            if progress.should_stop() {
                out.push(Err(failed(&item, "stopped by the caller".into())));
                break;
            }
            let r = self.one(&item, n).map_err(|f| self.redacted(f));
            progress.file_done(n, r.is_ok());
            if let Ok(f) = &r {
                match ucdp_api::next_page(&f.path) {
                    Ok(Some(url)) => {
                        next = Some(Item {
                            url,
                            name: ucdp_api::page_name(version, n + 1),
                            ..item.clone()
                        })
                    }
                    Ok(None) => {}
                    Err(e) => out.push(Err(failed(&item, e))),
                }
            }
            out.push(r);
        }
        out
    }

    /// One item: the cache, a conditional request, or a download; verified, committed and
    /// unpacked when the importers need it.
    fn one(&self, item: &Item, index: usize) -> std::result::Result<Fetched, Failed> {
        let entry = self.cache.entry_path(&item.url, &item.name);
        let cached = self.cache.lookup(&entry);
        let progress = &self.options.progress;
        progress.file_start(index, &item.name, item.size);
        let (sidecar, status) = match cached {
            Some(side) if item.md5.is_some() && side.md5 == item.md5 => (side, Status::Unchanged),
            Some(side) if self.options.offline => (side, Status::Cached),
            None if self.options.offline => {
                return Err(failed(
                    item,
                    format!(
                        "not in the cache ({}), and this fetch is offline",
                        entry.display()
                    ),
                ))
            }
            cached => self.download(item, &entry, cached, index)?,
        };
        let unpacked = match item.derive {
            Derive::Nothing => Vec::new(),
            Derive::Unzip => self.unpack(item, &entry, &sidecar)?,
            Derive::UcdpCsv => {
                let csv = entry.with_extension("csv");
                ucdp_api::to_csv(&entry, &csv).map_err(|e| failed(item, e))?;
                vec![csv]
            }
            Derive::ComtradeCsv { limit } => {
                let csv = entry.with_extension("csv");
                let rows = comtrade::to_csv(&entry, &csv).map_err(|e| failed(item, e))?;
                if rows >= limit {
                    let note = format!(
                        "{}: {rows} rows, the most one call returns; the selection holds more: narrow it (fewer partners, commodities or periods)",
                        item.url
                    );
                    self.notes
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(note);
                }
                vec![csv]
            }
        };
        Ok(Fetched {
            url: item.url.clone(),
            path: entry,
            sidecar,
            status,
            unpacked,
        })
    }

    fn download(
        &self,
        item: &Item,
        entry: &Path,
        cached: Option<Sidecar>,
        index: usize,
    ) -> std::result::Result<(Sidecar, Status), Failed> {
        let partial = self.cache.partial_path(entry);
        let validators = cached.as_ref().map(|s| http::Validators {
            etag: s.etag.clone(),
            last_modified: s.last_modified.clone(),
        });
        let progress = &self.options.progress;
        let stop = || progress.should_stop();
        let on_bytes = |done, total| progress.file_bytes(index, done, total);
        let got = self
            .client
            .download(&item.url, &partial, validators.as_ref(), &stop, &on_bytes)
            .map_err(|e| failed(item, e))?;
        let (etag, last_modified) = match got {
            http::Got::NotModified => {
                let side = cached.expect("a conditional request had a cached copy");
                return Ok((side, Status::Unchanged));
            }
            http::Got::Body {
                etag,
                last_modified,
            } => (etag, last_modified),
        };
        let checked = self.verify(item, &partial);
        let (sha256, bytes) = match checked {
            Ok(v) => v,
            Err(e) => {
                http::remove_partial(&partial);
                return Err(failed(item, e));
            }
        };
        let status = match &cached {
            None => Status::Downloaded,
            Some(old) if old.sha256 == sha256 => Status::Unchanged,
            Some(_) => Status::Changed,
        };
        let sidecar = Sidecar {
            url: item.url.clone(),
            retrieved: Utc::now(),
            bytes,
            sha256,
            etag,
            last_modified,
            md5: item.md5.clone(),
        };
        self.cache
            .commit(&partial, entry, &sidecar)
            .map_err(|e| failed(item, self.client.redact(&e.to_string())))?;
        Ok((sidecar, status))
    }

    /// The size and MD5 the publisher's list gives, and an archive's safety; returns the
    /// sha256 and size.
    fn verify(&self, item: &Item, partial: &Path) -> std::result::Result<(String, u64), String> {
        let (sha256, bytes) = cache::sha256_file(partial).map_err(|e| e.to_string())?;
        if let Some(size) = item.size.filter(|&s| s != bytes) {
            return Err(format!(
                "{bytes} bytes received, but the publisher's list gives {size}; not cached"
            ));
        }
        if let Some(want) = &item.md5 {
            let got = md5_file(partial)?;
            if &got != want {
                return Err(format!(
                    "MD5 {got} differs from the publisher's list ({want}); not cached"
                ));
            }
        }
        match item.derive {
            Derive::ComtradeCsv { .. } => {
                comtrade::check(partial).map_err(|e| format!("{e}; not cached"))?;
            }
            Derive::UcdpCsv => {
                ucdp_api::check(partial).map_err(|e| format!("{e}; not cached"))?;
            }
            _ => {}
        }
        if item.name.to_ascii_lowercase().ends_with(".zip") {
            archive::check_zip(partial, self.options.max_expanded_bytes)
                .map_err(|e| format!("{e}; not cached"))?;
        }
        Ok((sha256, bytes))
    }

    /// The unpacked files of an archive entry, unpacked again when the folder is not that of
    /// this content (its `.sha256` marker).
    fn unpack(
        &self,
        item: &Item,
        entry: &Path,
        sidecar: &Sidecar,
    ) -> std::result::Result<Vec<PathBuf>, Failed> {
        let mut dest = entry.as_os_str().to_owned();
        dest.push(".d");
        let dest = PathBuf::from(dest);
        let marker = dest.join(".sha256");
        if std::fs::read_to_string(&marker).ok().as_deref() == Some(sidecar.sha256.as_str()) {
            let mut files: Vec<PathBuf> = walk(&dest);
            files.retain(|p| p != &marker);
            files.sort();
            return Ok(files);
        }
        let mut files = archive::extract_zip(entry, &dest, self.options.max_expanded_bytes)
            .map_err(|e| failed(item, e))?;
        std::fs::write(&marker, &sidecar.sha256)
            .map_err(|e| failed(item, format!("{}: {e}", marker.display())))?;
        files.sort();
        Ok(files)
    }
}

fn failed(item: &Item, reason: String) -> Failed {
    Failed {
        url: item.url.clone(),
        name: item.name.clone(),
        reason,
    }
}

/// MD5 (hex) of the file at `path`.
fn md5_file(path: &Path) -> std::result::Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut hasher = Md5::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| e.to_string())?;
    Ok(hex::encode(hasher.finalize()))
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// When the report's file was retrieved, as a date (for a Source's `accessed`).
pub fn retrieved_on(f: &Fetched) -> chrono::NaiveDate {
    let when: DateTime<Utc> = f.sidecar.retrieved;
    when.date_naive()
}
