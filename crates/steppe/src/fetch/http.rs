//! HTTP downloads: a blocking `ureq` agent (rustls, TLS verification on, the standard proxy
//! variables honoured), the mirror mapping, a bounded retry policy with exponential backoff
//! and jitter, at most a few downloads at a time per host, and a body written to a partial
//! file that resumes with a `Range` request after a dropped connection.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How often and how long to retry a download.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per file in all (the first one included).
    pub attempts: u32,
    /// The first backoff; each retry doubles it (with jitter), up to `max_delay`.
    pub base_delay: Duration,
    /// The longest single wait, `Retry-After` included.
    pub max_delay: Duration,
    /// The most time one file may take over all its attempts and waits.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    /// 6 attempts, 1 s doubling to at most 60 s, 6 hours per file in all (a BACI archive
    /// of several GB on a slow line).
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            max_total: Duration::from_secs(6 * 3600),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0-based): the server's `Retry-After` when it
    /// gave one, else `base_delay * 2^retry` with "equal jitter" (a random point in its upper
    /// half); never above `max_delay`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_delay);
        }
        let cap = self
            .base_delay
            .saturating_mul(1u32 << retry.min(20))
            .min(self.max_delay);
        cap / 2 + cap.mul_f64(random_unit() / 2.0)
    }
}

/// A number in [0, 1) from the standard library's randomly seeded hasher.
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// `url` as fetched through `mirror`: `https://host/path?q` → `<mirror>/host/path?q`.
pub fn via_mirror(mirror: &str, url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    format!("{}/{rest}", mirror.trim_end_matches('/'))
}

/// The host of `url` (`api.worldbank.org`).
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or(rest).to_string()
}

/// At most `max` downloads at a time per host.
struct HostLimits {
    max: usize,
    busy: Mutex<HashMap<String, usize>>,
    freed: Condvar,
}

impl HostLimits {
    /// Waits for a free slot of `host`; the slot is given back when the answer is dropped.
    fn acquire(&self, host: String) -> HostSlot<'_> {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        while busy.get(&host).copied().unwrap_or(0) >= self.max {
            busy = self.freed.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy.entry(host.clone()).or_insert(0) += 1;
        HostSlot { limits: self, host }
    }

    fn release(&self, host: &str) {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = busy.get_mut(host) {
            *n = n.saturating_sub(1);
        }
        self.freed.notify_all();
    }
}

/// One download slot of a host, held while the download runs.
struct HostSlot<'a> {
    limits: &'a HostLimits,
    host: String,
}

impl Drop for HostSlot<'_> {
    fn drop(&mut self) {
        self.limits.release(&self.host);
    }
}

/// What a download ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Got {
    /// The server said the cached copy is current (304).
    NotModified,
    /// The whole body is in the partial file.
    Body {
        /// The response's `ETag`.
        etag: Option<String>,
        /// The response's `Last-Modified`.
        last_modified: Option<String>,
    },
}

/// Validators of a cached copy, for a conditional request.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    /// `If-None-Match`.
    pub etag: Option<String>,
    /// `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// One attempt's end.
enum Attempt {
    Done(Got),
    /// Worth retrying: why, and the server's `Retry-After`.
    Retry(String, Option<Duration>),
    /// Not worth retrying; the partial file is removed.
    Fail(String),
}

/// What one download asks for: the publisher's URL, the partial file the body goes to, the
/// cached copy's validators, and whom to tell the bytes in `partial` and the expected total.
struct Job<'a> {
    url: &'a str,
    partial: &'a Path,
    cached: Option<&'a Validators>,
    on_bytes: &'a dyn Fn(u64, Option<u64>),
}

/// The response headers an attempt reads.
struct Head {
    status: u16,
    etag: Option<String>,
    last_modified: Option<String>,
    retry_after: Option<Duration>,
    /// `Content-Length`, bytes.
    length: Option<u64>,
    content_range: Option<String>,
}

impl Head {
    fn of(response: &ureq::http::Response<ureq::Body>) -> Head {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Head {
            status: response.status().as_u16(),
            etag: header("etag"),
            last_modified: header("last-modified"),
            retry_after: header("retry-after").and_then(|v| parse_retry_after(&v)),
            length: header("content-length").and_then(|v| v.trim().parse::<u64>().ok()),
            content_range: header("content-range"),
        }
    }
}

/// The HTTP client of one fetch.
pub struct Client {
    agent: ureq::Agent,
    /// For requests carrying a key: no redirect is followed, so the key never reaches
    /// another host (a redirect fails the attempt).
    keyed_agent: ureq::Agent,
    mirror: Option<String>,
    policy: RetryPolicy,
    max_bytes: u64,
    limits: HostLimits,
    /// Headers sent with every request to the hosts they name (keys): (host, name, value).
    secret_headers: Vec<(String, String, String)>,
}

impl Client {
    /// A client: `mirror` maps every URL, `max_bytes` bounds each download, `per_host`
    /// bounds concurrent downloads per host, `timeout` bounds connecting and each wait for
    /// data.
    pub fn new(
        mirror: Option<String>,
        policy: RetryPolicy,
        max_bytes: u64,
        per_host: usize,
        timeout: Duration,
    ) -> Client {
        // A body may take the whole budget of its file (a stalled one ends there, and the
        // next attempt resumes it); the other phases each get `timeout`.
        let agent = |redirects: u32| -> ureq::Agent {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(Some(timeout))
                .timeout_recv_response(Some(timeout))
                .timeout_recv_body(Some(policy.max_total))
                .max_redirects(redirects)
                .max_redirects_will_error(redirects > 0)
                .user_agent(concat!("steppe/", env!("CARGO_PKG_VERSION")))
                .build()
                .into()
        };
        Client {
            agent: agent(10),
            keyed_agent: agent(0),
            mirror: mirror.filter(|m| !m.is_empty()),
            policy,
            max_bytes,
            limits: HostLimits {
                max: per_host.max(1),
                busy: Mutex::new(HashMap::new()),
                freed: Condvar::new(),
            },
            secret_headers: Vec::new(),
        }
    }

    /// Sends header `name: value` with every request to `host` (an API key). The value is
    /// never logged, stored or put in an error.
    pub fn add_secret_header(&mut self, host: &str, name: &str, value: &str) {
        self.secret_headers
            .push((host.into(), name.into(), value.into()));
    }

    /// `text` with every secret value replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (_, _, value) in &self.secret_headers {
            if !value.is_empty() {
                text = text.replace(value.as_str(), "***");
            }
        }
        text
    }

    /// Downloads `url` (the publisher's) into `partial`, retrying per the policy and resuming
    /// a partial body with `Range` (`If-Range` on the first response's validator). With
    /// `cached`, the request is conditional and may end [`Got::NotModified`]. `on_bytes` is
    /// told the bytes in `partial` and the expected total. On error the message says what
    /// failed (never a key); the partial file is kept only when a rerun may resume it.
    pub fn download(
        &self,
        url: &str,
        partial: &Path,
        cached: Option<&Validators>,
        stop: &dyn Fn() -> bool,
        on_bytes: &dyn Fn(u64, Option<u64>),
    ) -> Result<Got, String> {
        let job = Job {
            url,
            partial,
            cached,
            on_bytes,
        };
        let _slot = self.limits.acquire(host(url));
        self.retried(&job, stop).map_err(|e| self.redact(&e))
    }

    /// The attempts of one download, with the policy's waits between them.
    fn retried(&self, job: &Job, stop: &dyn Fn() -> bool) -> Result<Got, String> {
        let partial = job.partial;
        if let Some(dir) = partial.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let started = Instant::now();
        // The validator of the body being resumed (from its first response, or a partial
        // file's sidecar left by an earlier run).
        let mut resume = read_resume(partial);
        let mut last = String::new();
        let mut made = 0;
        for attempt in 0..self.policy.attempts {
            made = attempt + 1;
            if stop() {
                return Err("stopped by the caller".into());
            }
            match self.attempt(job, &mut resume) {
                Attempt::Done(got) => {
                    let _ = fs::remove_file(resume_path(partial));
                    return Ok(got);
                }
                Attempt::Fail(why) => {
                    remove_partial(partial);
                    return Err(why);
                }
                Attempt::Retry(why, after) => {
                    last = why;
                    if attempt + 1 == self.policy.attempts {
                        break;
                    }
                    let wait = self.policy.delay(attempt, after);
                    if started.elapsed() + wait > self.policy.max_total {
                        break;
                    }
                    std::thread::sleep(wait);
                }
            }
        }
        Err(gave_up(partial, resume.is_some(), made, started, &last))
    }

    /// One request and its body.
    fn attempt(&self, job: &Job, resume: &mut Option<String>) -> Attempt {
        let have = fs::metadata(job.partial).map(|m| m.len()).unwrap_or(0);
        if have > 0 && resume.is_none() {
            // A body without a validator cannot be resumed safely: start again.
            remove_partial(job.partial);
            return self.attempt(job, resume);
        }
        let request = self.request(job.url, have, resume.as_deref(), job.cached);
        let response = match request.call() {
            Ok(r) => r,
            Err(e) => return classify(e),
        };
        let head = Head::of(&response);
        let (start, total) = match self.body_range(&head, have, job) {
            Ok(range) => range,
            Err(end) => return end,
        };
        if start == 0 {
            // A fresh body (or a server that ignored the range): remember its validator;
            // without one, a broken body is downloaded again from the start.
            *resume = head.etag.clone().or(head.last_modified.clone());
            remember_resume(job.partial, resume.as_deref());
        }
        let body = response.into_body().into_reader();
        match self.write_body(body, job, start, total) {
            Ok(()) => Attempt::Done(Got::Body {
                etag: head.etag,
                last_modified: head.last_modified,
            }),
            Err(end) => end,
        }
    }

    /// The GET of `url` (through the mirror), with the host's secret headers, and either a
    /// `Range` from byte `have` (`If-Range: resume`) or the cached copy's validators.
    fn request(
        &self,
        url: &str,
        have: u64,
        resume: Option<&str>,
        cached: Option<&Validators>,
    ) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
        let target = match &self.mirror {
            Some(m) => via_mirror(m, url),
            None => url.to_string(),
        };
        let host = host(url);
        let secrets: Vec<_> = self.secret_headers.iter().filter(|s| s.0 == host).collect();
        let agent = if secrets.is_empty() {
            &self.agent
        } else {
            &self.keyed_agent
        };
        let mut request = agent.get(&target);
        for (_, name, value) in secrets {
            request = request.header(name.as_str(), value.as_str());
        }
        if have > 0 {
            request = request.header("Range", format!("bytes={have}-"));
            if let Some(v) = resume {
                request = request.header("If-Range", v);
            }
        } else if let Some(v) = cached {
            if let Some(e) = &v.etag {
                request = request.header("If-None-Match", e.as_str());
            }
            if let Some(m) = &v.last_modified {
                request = request.header("If-Modified-Since", m.as_str());
            }
        }
        request
    }

    /// The byte the body starts at and the file's expected total, from the response's status
    /// and headers; or how the attempt ends (not modified, retry, fail) when there is no body
    /// to take, or the file is above the download limit.
    fn body_range(&self, head: &Head, have: u64, job: &Job) -> Result<(u64, Option<u64>), Attempt> {
        let status = head.status;
        let (start, total) = match status {
            304 if job.cached.is_some() && have == 0 => {
                return Err(Attempt::Done(Got::NotModified))
            }
            200 => (0, head.length),
            206 => match head.content_range.as_deref().and_then(parse_content_range) {
                Some((start, total)) if start == have => (start, total),
                _ => {
                    remove_partial(job.partial);
                    return Err(Attempt::Retry(
                        format!("HTTP 206 with a Content-Range that does not continue byte {have}"),
                        None,
                    ));
                }
            },
            416 => {
                remove_partial(job.partial);
                return Err(Attempt::Retry(
                    "HTTP 416: the range to resume was refused".into(),
                    None,
                ));
            }
            408 | 429 | 500..=599 => {
                return Err(Attempt::Retry(format!("HTTP {status}"), head.retry_after));
            }
            301 | 302 | 303 | 307 | 308 => {
                return Err(Attempt::Fail(format!(
                    "HTTP {status}: a redirect, not followed with a key (it could lead to another host)"
                )))
            }
            other => return Err(Attempt::Fail(format!("HTTP {other}"))),
        };
        if let Some(t) = total.filter(|&t| t > self.max_bytes) {
            return Err(Attempt::Fail(format!(
                "the file is {t} bytes, above the download limit of {} bytes",
                self.max_bytes
            )));
        }
        Ok((start, total))
    }

    /// Writes `body` to the partial file (new when `start` is 0, else appended to), telling
    /// `on_bytes` as it goes; a broken or short body is a retry, a write error or a body
    /// past the download limit a failure.
    fn write_body(
        &self,
        mut body: impl Read,
        job: &Job,
        start: u64,
        total: Option<u64>,
    ) -> Result<(), Attempt> {
        let partial = job.partial;
        let fail = |e: std::io::Error| Attempt::Fail(format!("{}: {e}", partial.display()));
        let mut file = if start == 0 {
            File::create(partial)
        } else {
            OpenOptions::new().append(true).open(partial)
        }
        .map_err(fail)?;
        let mut done = start;
        (job.on_bytes)(done, total);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let _ = file.flush();
                    return Err(Attempt::Retry(
                        format!("the connection broke after {done} bytes: {e}"),
                        None,
                    ));
                }
            };
            done += n as u64;
            if done > self.max_bytes {
                return Err(Attempt::Fail(format!(
                    "the body passed the download limit of {} bytes",
                    self.max_bytes
                )));
            }
            file.write_all(&buf[..n]).map_err(fail)?;
            (job.on_bytes)(done, total);
        }
        file.sync_all().map_err(fail)?;
        match total {
            Some(t) if t != done => Err(Attempt::Retry(
                format!("the body ended after {done} of {t} bytes (Content-Length)"),
                None,
            )),
            _ => Ok(()),
        }
    }
}

/// The error of a download that ran out of attempts or time: the last reason, and whether
/// the partial body is kept for a rerun to resume (it is, when it has bytes and a validator;
/// otherwise it is removed).
fn gave_up(partial: &Path, has_validator: bool, made: u32, started: Instant, last: &str) -> String {
    let kept = fs::metadata(partial).map(|m| m.len()).unwrap_or(0);
    let resumable = kept > 0 && has_validator;
    if !resumable {
        remove_partial(partial);
    }
    format!(
        "gave up after {made} attempt(s) in {:.1} s: {last}{}",
        started.elapsed().as_secs_f64(),
        if resumable {
            format!("; {kept} bytes kept aside (not in the cache) for a rerun to resume")
        } else {
            String::new()
        }
    )
}

/// Transport errors: connection failures, resets and timeouts are worth a retry; TLS and
/// protocol errors are not.
fn classify(error: ureq::Error) -> Attempt {
    use ureq::Error as E;
    let text = error.to_string();
    match error {
        E::Io(_) | E::Timeout(_) | E::ConnectionFailed | E::HostNotFound => {
            Attempt::Retry(text, None)
        }
        _ => Attempt::Fail(text),
    }
}

/// `Retry-After` as seconds (`120`) or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let secs = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    Some(Duration::from_secs(secs.max(0) as u64))
}

/// `bytes 100-199/200` → (100, Some(200)); `bytes 100-199/*` → (100, None).
fn parse_content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
}

fn resume_path(partial: &Path) -> std::path::PathBuf {
    let mut name = partial.as_os_str().to_owned();
    name.push(".resume");
    name.into()
}

fn read_resume(partial: &Path) -> Option<String> {
    fs::read_to_string(resume_path(partial))
        .ok()
        .filter(|v| !v.is_empty())
}

/// Keeps the body's validator beside the partial file (for a rerun to resume with), or
/// removes a stale one when the body has none.
fn remember_resume(partial: &Path, validator: Option<&str>) {
    let _ = match validator {
        Some(v) => fs::write(resume_path(partial), v),
        None => fs::remove_file(resume_path(partial)),
    };
}

/// Removes a partial download and its validator.
pub fn remove_partial(partial: &Path) {
    let _ = fs::remove_file(partial);
    let _ = fs::remove_file(resume_path(partial));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirror_serves_the_host_and_path_and_query() {
        assert_eq!(
            via_mirror(
                "http://127.0.0.1:8080/",
                "https://api.worldbank.org/v2/en/indicator/X?downloadformat=csv"
            ),
            "http://127.0.0.1:8080/api.worldbank.org/v2/en/indicator/X?downloadformat=csv"
        );
        assert_eq!(
            host("http://data.gdeltproject.org/events/x"),
            "data.gdeltproject.org"
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after_within_the_cap() {
        let p = RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_total: Duration::from_secs(10),
        };
        for retry in 0..3 {
            let cap = Duration::from_millis(100 << retry);
            let d = p.delay(retry, None);
            assert!(d >= cap / 2 && d <= cap, "{d:?} for retry {retry}");
        }
        let late = p.delay(10, None);
        assert!(late >= Duration::from_millis(500) && late <= Duration::from_millis(1000));
        assert_eq!(
            p.delay(0, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(3600))),
            Duration::from_millis(1000)
        );
    }

    #[test]
    fn headers_parse() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_content_range("bytes 10-19/20"), Some((10, Some(20))));
        assert_eq!(parse_content_range("bytes 10-19/*"), Some((10, None)));
        assert_eq!(parse_content_range("items 1-2/3"), None);
    }
}
