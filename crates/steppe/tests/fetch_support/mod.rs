//! A loopback HTTP server for the fetch tests: it serves files under the publishers' URL
//! paths (`/<host>/<path>?<query>`, as a mirror does), honours `Range` and `If-None-Match`,
//! and plays scripted faults (a status with `Retry-After`, a body cut off mid-way, ranges
//! ignored). Every request is logged with its headers. No test touches the internet.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// One scripted response replacing the normal one.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// This status, with this `Retry-After` when given, and no body.
    Status(u16, Option<&'static str>),
    /// The headers with the full `Content-Length`, then only this many body bytes, then the
    /// connection closes.
    Cut(usize),
    /// A 302 to this URL.
    Redirect(&'static str),
}

/// A file served at a path.
pub struct Route {
    pub body: Vec<u8>,
    pub etag: Option<String>,
    /// Whether `Range` requests are honoured (else answered 200 with the whole body).
    pub ranges: bool,
    pub faults: VecDeque<Fault>,
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub target: String,
    pub headers: HashMap<String, String>,
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    log: Vec<Seen>,
}

/// The server; `url()` is the mirror's base URL.
#[derive(Clone)]
pub struct Server {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl Server {
    /// Starts serving on 127.0.0.1 on a free port (a thread per connection).
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                thread::spawn(move || handle(stream, &state));
            }
        });
        Server { port, state }
    }

    /// The mirror URL: `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Serves `body` at the publisher's `url` (its host, path and query).
    pub fn serve(&self, url: &str, body: Vec<u8>) {
        self.route(url, body, Some("\"v1\""), true, &[]);
    }

    /// Serves `body` at `url` with an ETag (or none), range support and faults to play first.
    pub fn route(
        &self,
        url: &str,
        body: Vec<u8>,
        etag: Option<&str>,
        ranges: bool,
        faults: &[Fault],
    ) {
        let route = Route {
            body,
            etag: etag.map(String::from),
            ranges,
            faults: faults.iter().cloned().collect(),
        };
        self.state
            .lock()
            .unwrap()
            .routes
            .insert(target_of(url), route);
    }

    /// The requests made for the publisher's `url`.
    pub fn requests(&self, url: &str) -> Vec<Seen> {
        let t = target_of(url);
        let state = self.state.lock().unwrap();
        state
            .log
            .iter()
            .filter(|s| s.target == t)
            .cloned()
            .collect()
    }

    /// Every request made.
    pub fn all_requests(&self) -> Vec<Seen> {
        self.state.lock().unwrap().log.clone()
    }
}

/// `https://host/path?q` → `/host/path?q`.
fn target_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    format!("/{rest}")
}

fn handle(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let (reply, cut) = {
        let mut s = state.lock().unwrap();
        s.log.push(Seen {
            target: target.clone(),
            headers: headers.clone(),
        });
        match s.routes.get_mut(&target) {
            None => (response(404, &[], b"not found"), None),
            Some(route) => match route.faults.pop_front() {
                Some(Fault::Status(code, after)) => {
                    let extra: Vec<(&str, String)> = after
                        .map(|a| ("Retry-After", a.to_string()))
                        .into_iter()
                        .collect();
                    (response(code, &extra, b""), None)
                }
                Some(Fault::Cut(n)) => (full(route, &headers), Some(n)),
                Some(Fault::Redirect(to)) => (response(302, &[("Location", to.into())], b""), None),
                None => (full(route, &headers), None),
            },
        }
    };
    let mut stream = stream;
    let (head, body) = reply;
    let _ = stream.write_all(&head);
    let body = match cut {
        Some(n) => &body[..n.min(body.len())],
        None => &body[..],
    };
    let _ = stream.write_all(body);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// The normal answer: 304 on a matching ETag, 206 for an honoured range, else 200.
fn full(route: &Route, headers: &HashMap<String, String>) -> (Vec<u8>, Vec<u8>) {
    let etag = route.etag.clone();
    let mut extra: Vec<(&str, String)> = etag.iter().map(|e| ("ETag", e.clone())).collect();
    if let (Some(e), Some(inm)) = (&etag, headers.get("if-none-match")) {
        if e == inm {
            return response(304, &extra, b"");
        }
    }
    if let Some(range) = headers.get("range").filter(|_| route.ranges) {
        let start: usize = range
            .trim_start_matches("bytes=")
            .trim_end_matches('-')
            .parse()
            .unwrap();
        let if_range_ok = headers
            .get("if-range")
            .is_none_or(|v| Some(v) == etag.as_ref());
        if if_range_ok && start < route.body.len() {
            let len = route.body.len();
            extra.push(("Content-Range", format!("bytes {start}-{}/{len}", len - 1)));
            return response(206, &extra, &route.body[start..]);
        }
    }
    response(200, &extra, &route.body)
}

/// Status line and headers (with Content-Length), and the body.
fn response(code: u16, extra: &[(&str, String)], body: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut head = format!(
        "HTTP/1.1 {code} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    (head.into_bytes(), body.to_vec())
}

/// A zip archive of `(name, bytes)` members, deflated as the publishers serve them.
pub fn zip_of(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in members {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}
