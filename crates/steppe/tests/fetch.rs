//! `steppe::fetch` against a loopback server (`fetch_support`) reached through the mirror
//! mapping: publishers' files in their real shapes, the cache, conditional requests, offline
//! use, retries, resumption and every refusal. No test touches the internet.

// serde_json's `json!` of a whole GED event (49 fields) needs more than the default 128.
#![recursion_limit = "256"]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use steppe::fetch::{self, FetchOptions, FetchReport, RetryPolicy, Selection, Status};
use steppe::import::ImportOptions;
use steppe::model::Source;
use steppe::{Store, Table};

mod common;
mod fetch_support;

use fetch_support::{zip_of, Fault, Server};

/// MD5 of `bytes`, hex.
fn md5_hex(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    hex::encode(Md5::digest(bytes))
}

const WDI_URL: &str =
    "https://api.worldbank.org/v2/en/indicator/BX.TRF.PWKR.CD.DT?downloadformat=csv";
const GED_URL: &str = "https://ucdp.uu.se/downloads/ged/ged251-csv.zip";

/// Options for a test: the server as mirror, a cache in `dir`, tiny backoff.
fn options(server: &Server, dir: &Path) -> FetchOptions {
    FetchOptions {
        cache_dir: Some(dir.join("cache")),
        mirror: Some(server.url()),
        retry: RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(2000),
            max_total: Duration::from_secs(20),
        },
        timeout: Duration::from_secs(5),
        ..Default::default()
    }
}

fn ged() -> Selection {
    Selection::UcdpGed {
        version: "25.1".into(),
    }
}

/// Every file under the cache directory, relative, sorted.
fn cache_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(&dir.join("cache"), &dir.join("cache"), &mut out);
    out.sort();
    out
}

fn only_file(report: &FetchReport) -> &fetch::Fetched {
    assert!(report.failed.is_empty(), "failed: {:?}", report.failed);
    assert_eq!(report.files.len(), 1);
    &report.files[0]
}

/// The World Bank's API download: the three CSV files of one indicator, zipped.
fn wdi_zip() -> Option<Vec<u8>> {
    let dir = "data-sources/world-bank-wdi/wb-api-2025-07-remittances";
    let names = [
        "API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv",
        "Metadata_Country_API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv",
        "Metadata_Indicator_API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv",
    ];
    let mut members = Vec::new();
    for n in names {
        let path = common::shared_file(&format!("{dir}/{n}"))?;
        members.push((n, std::fs::read(path).unwrap()));
    }
    Some(zip_of(&members))
}

#[test]
fn wdi_is_fetched_cached_revalidated_and_imported_with_the_publishers_url() {
    let Some(zip) = wdi_zip() else { return };
    let server = Server::start();
    server.serve(WDI_URL, zip.clone());
    let dir = tempfile::tempdir().unwrap();
    let opts = options(&server, dir.path());
    let selection = Selection::Wdi {
        indicators: vec!["BX.TRF.PWKR.CD.DT".into()],
        countries: vec![],
    };

    let report = fetch::fetch(&selection, &opts).unwrap();
    let f = only_file(&report);
    assert_eq!(f.status, Status::Downloaded);
    assert_eq!(f.url, WDI_URL, "the publisher's URL, not the mirror's");
    assert_eq!(f.sidecar.url, WDI_URL);
    assert_eq!(f.sidecar.bytes, zip.len() as u64);
    assert_eq!(f.sidecar.etag.as_deref(), Some("\"v1\""));
    assert_eq!(std::fs::read(&f.path).unwrap(), zip);
    assert_eq!(f.unpacked.len(), 3, "{:?}", f.unpacked);
    let sidecar: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{}.json", f.path.display())).unwrap())
            .unwrap();
    assert_eq!(sidecar["url"], WDI_URL);
    assert_eq!(sidecar["sha256"], f.sidecar.sha256.as_str());

    // Imported with its origin.
    let store = dir.path().join("store");
    let imports =
        fetch::import_fetched(&selection, &report, &store, &ImportOptions::default()).unwrap();
    assert!(imports[0].rows_accepted() > 200, "{:?}", imports[0]);
    let store = Store::open(&store).unwrap();
    let sources: Vec<Source> = store.records().unwrap();
    let fetched: Vec<&Source> = sources
        .iter()
        .filter(|s| s.url.as_deref() == Some(WDI_URL))
        .collect();
    assert_eq!(fetched.len(), 3, "the data file and both metadata files");
    let today = chrono::Utc::now().date_naive();
    for s in &fetched {
        assert_eq!(s.accessed, Some(today));
        assert_eq!(s.publisher.as_deref(), Some("World Bank"));
        let note = s.note.as_deref().unwrap();
        assert!(note.contains(&f.sidecar.sha256), "{note}");
        assert!(!note.contains("127.0.0.1"), "no mirror in a Source: {note}");
    }
    let obs = store.read_all(Table::IndicatorObservations).unwrap();
    assert!(obs.num_rows() > 5000);

    // A second fetch asks whether it changed.
    let again = fetch::fetch(&selection, &opts).unwrap();
    assert_eq!(only_file(&again).status, Status::Unchanged);
    let seen = server.requests(WDI_URL);
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[1].headers.get("if-none-match").map(String::as_str),
        Some("\"v1\"")
    );

    // Upstream changes: the new file replaces the old and the report says so.
    let new_zip = zip_of(&[("API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_1.csv", b"x".to_vec())]);
    server.route(WDI_URL, new_zip.clone(), Some("\"v2\""), true, &[]);
    let third = fetch::fetch(&selection, &opts).unwrap();
    let f3 = only_file(&third);
    assert_eq!(f3.status, Status::Changed);
    assert_eq!(std::fs::read(&f3.path).unwrap(), new_zip);
    assert_eq!(f3.unpacked.len(), 1, "unpacked again for the new content");

    // Offline: the cache only, no request.
    let before = server.all_requests().len();
    let offline = FetchOptions {
        offline: true,
        ..opts.clone()
    };
    let cached = fetch::fetch(&selection, &offline).unwrap();
    assert_eq!(only_file(&cached).status, Status::Cached);
    assert_eq!(
        server.all_requests().len(),
        before,
        "offline makes no request"
    );
}

#[test]
fn offline_without_a_cached_file_reports_it_and_asks_nothing() {
    let server = Server::start();
    server.serve(GED_URL, zip_of(&[("GEDEvent_v25_1.csv", b"id\n".to_vec())]));
    let dir = tempfile::tempdir().unwrap();
    let opts = FetchOptions {
        offline: true,
        ..options(&server, dir.path())
    };
    let report = fetch::fetch(&ged(), &opts).unwrap();
    assert!(report.files.is_empty());
    assert_eq!(report.failed.len(), 1);
    assert!(
        report.failed[0].reason.contains("offline"),
        "{:?}",
        report.failed
    );
    assert_eq!(report.failed[0].url, GED_URL);
    assert!(server.all_requests().is_empty());
}

#[test]
fn a_429_is_retried_after_its_retry_after() {
    let server = Server::start();
    let body = zip_of(&[("GEDEvent_v25_1.csv", b"id,year\n1,2020\n".to_vec())]);
    server.route(
        GED_URL,
        body.clone(),
        Some("\"g\""),
        true,
        &[Fault::Status(429, Some("1"))],
    );
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let report = fetch::fetch(&ged(), &options(&server, dir.path())).unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        start.elapsed()
    );
    assert_eq!(std::fs::read(&only_file(&report).path).unwrap(), body);
    assert_eq!(server.requests(GED_URL).len(), 2);
}

#[test]
fn a_503_then_success_is_downloaded() {
    let server = Server::start();
    let body = zip_of(&[("GEDEvent_v25_1.csv", b"id,year\n1,2020\n".to_vec())]);
    let faults = [Fault::Status(503, None), Fault::Status(502, None)];
    server.route(GED_URL, body.clone(), Some("\"g\""), true, &faults);
    let dir = tempfile::tempdir().unwrap();
    let report = fetch::fetch(&ged(), &options(&server, dir.path())).unwrap();
    assert_eq!(only_file(&report).status, Status::Downloaded);
    assert_eq!(server.requests(GED_URL).len(), 3);
}

#[test]
fn a_dropped_connection_resumes_with_a_range_request() {
    let server = Server::start();
    let body = zip_of(&[("GEDEvent_v25_1.csv", vec![b'7'; 200_000])]);
    server.route(
        GED_URL,
        body.clone(),
        Some("\"g\""),
        true,
        &[Fault::Cut(100)],
    );
    let dir = tempfile::tempdir().unwrap();
    let report = fetch::fetch(&ged(), &options(&server, dir.path())).unwrap();
    let f = only_file(&report);
    assert_eq!(std::fs::read(&f.path).unwrap(), body);
    let seen = server.requests(GED_URL);
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[1].headers.get("range").map(String::as_str),
        Some("bytes=100-")
    );
    assert_eq!(
        seen[1].headers.get("if-range").map(String::as_str),
        Some("\"g\"")
    );
    assert_eq!(
        cache_files(dir.path()),
        [
            "ucdp.uu.se/downloads/ged/ged251-csv.zip",
            "ucdp.uu.se/downloads/ged/ged251-csv.zip.json"
        ],
        "the entry and its sidecar, nothing partial"
    );
}

#[test]
fn a_server_that_ignores_ranges_gives_the_whole_file_again() {
    let server = Server::start();
    let body = zip_of(&[("GEDEvent_v25_1.csv", vec![b'7'; 50_000])]);
    server.route(
        GED_URL,
        body.clone(),
        Some("\"g\""),
        false,
        &[Fault::Cut(40)],
    );
    let dir = tempfile::tempdir().unwrap();
    let report = fetch::fetch(&ged(), &options(&server, dir.path())).unwrap();
    assert_eq!(std::fs::read(&only_file(&report).path).unwrap(), body);
    let seen = server.requests(GED_URL);
    assert_eq!(
        seen[1].headers.get("range").map(String::as_str),
        Some("bytes=40-")
    );
}

#[test]
fn a_body_shorter_than_its_content_length_is_never_cached() {
    let server = Server::start();
    let body = zip_of(&[("GEDEvent_v25_1.csv", vec![b'7'; 10_000])]);
    let cuts = [
        Fault::Cut(10),
        Fault::Cut(10),
        Fault::Cut(10),
        Fault::Cut(10),
    ];
    // No ETag: nothing can be resumed safely, so every attempt starts again.
    server.route(GED_URL, body, None, false, &cuts);
    let dir = tempfile::tempdir().unwrap();
    let report = fetch::fetch(&ged(), &options(&server, dir.path())).unwrap();
    assert!(report.files.is_empty());
    let reason = &report.failed[0].reason;
    assert!(reason.contains("gave up after 4 attempt(s)"), "{reason}");
    assert!(
        reason.contains("after 10 bytes") || reason.contains("10 of"),
        "{reason}"
    );
    assert_eq!(
        cache_files(dir.path()),
        Vec::<String>::new(),
        "nothing kept"
    );
}

#[test]
fn a_zip_member_with_dotdot_or_an_oversized_archive_is_refused() {
    let server = Server::start();
    server.serve(GED_URL, zip_of(&[("../x", b"evil".to_vec())]));
    let dir = tempfile::tempdir().unwrap();
    let report = fetch::fetch(&ged(), &options(&server, dir.path())).unwrap();
    let reason = &report.failed[0].reason;
    assert!(
        reason.contains("`../x`") && reason.contains("not cached"),
        "{reason}"
    );
    assert_eq!(cache_files(dir.path()), Vec::<String>::new());
    assert!(!dir.path().join("x").exists() && !dir.path().join("cache/x").exists());

    server.serve(
        GED_URL,
        zip_of(&[("GEDEvent_v25_1.csv", vec![b'1'; 5_000])]),
    );
    let small = FetchOptions {
        max_expanded_bytes: 1_000,
        ..options(&server, dir.path())
    };
    let report = fetch::fetch(&ged(), &small).unwrap();
    assert!(report.failed[0]
        .reason
        .contains("more than the limit of 1000 bytes"));
    assert_eq!(cache_files(dir.path()), Vec::<String>::new());

    let tiny = FetchOptions {
        max_download_bytes: 100,
        ..options(&server, dir.path())
    };
    let report = fetch::fetch(&ged(), &tiny).unwrap();
    assert!(report.failed[0]
        .reason
        .contains("above the download limit of 100 bytes"));
    assert_eq!(cache_files(dir.path()), Vec::<String>::new());
}

#[test]
fn a_key_is_sent_but_never_written_anywhere() {
    let server = Server::start();
    let key = "sekrit-4f9a1c2e7b";
    server.route(
        GED_URL,
        Vec::new(),
        None,
        true,
        &[Fault::Status(500, None); 4],
    );
    let dir = tempfile::tempdir().unwrap();
    let opts = FetchOptions {
        secret_headers: vec![(
            "ucdp.uu.se".into(),
            "x-ucdp-access-token".into(),
            key.into(),
        )],
        ..options(&server, dir.path())
    };
    let report = fetch::fetch(&ged(), &opts).unwrap();
    let seen = server.requests(GED_URL);
    assert_eq!(
        seen[0]
            .headers
            .get("x-ucdp-access-token")
            .map(String::as_str),
        Some(key)
    );
    assert!(!format!("{report:?}").contains(key));
    assert!(!format!("{opts:?}").contains(key));
    // A successful fetch: the sidecar holds no key either.
    server.serve(GED_URL, zip_of(&[("GEDEvent_v25_1.csv", b"id\n".to_vec())]));
    let report = fetch::fetch(&ged(), &opts).unwrap();
    let f = only_file(&report);
    let side = std::fs::read_to_string(format!("{}.json", f.path.display())).unwrap();
    assert!(!side.contains(key));
    // A redirect is not followed with a key: it could lead to another host.
    let elsewhere: &'static str = Box::leak(format!("{}/elsewhere.example/x", server.url()).into());
    let redirect = [Fault::Redirect(elsewhere)];
    server.route(GED_URL, Vec::new(), None, true, &redirect);
    let cached = f.path.clone();
    let report = fetch::fetch(&ged(), &opts).unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0]
        .reason
        .contains("HTTP 302: a redirect, not followed with a key"));
    assert!(server.requests("https://elsewhere.example/x").is_empty());
    assert!(cached.exists(), "the cached copy stays");
    // Only the host it belongs to gets it.
    let baci = Selection::Baci {
        hs: "92".into(),
        release: "202501".into(),
    };
    let _ = fetch::fetch(&baci, &opts).unwrap();
    let other =
        server.requests("https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202501.zip");
    assert!(!other[0].headers.contains_key("x-ucdp-access-token"));
}

/// A GDELT 2.0 export: one 61-field event in Tajikistan.
fn gdelt2_export(id: &str) -> Vec<u8> {
    let line = common::gdelt::event(
        61,
        id,
        &[
            ("SQLDATE", "20240105"),
            ("MonthYear", "202401"),
            ("Year", "2024"),
            ("FractionDate", "2024.0110"),
            ("DATEADDED", "20240105103000"),
        ],
    );
    zip_of(&[(
        &format!("{id}.export.CSV"),
        format!("{line}\n").into_bytes(),
    )])
}

const MASTER: &str = "http://data.gdeltproject.org/gdeltv2/masterfilelist.txt";

fn gdelt_url(stamp: &str) -> String {
    format!("http://data.gdeltproject.org/gdeltv2/{stamp}.export.CSV.zip")
}

#[test]
fn gdelt_files_are_checked_against_the_list_and_a_rerun_fetches_only_what_is_missing() {
    let server = Server::start();
    let a = gdelt2_export("1001");
    let b = gdelt2_export("1002");
    let other_day = gdelt2_export("1003");
    let (ua, ub, uo) = (
        gdelt_url("20240105103000"),
        gdelt_url("20240105104500"),
        gdelt_url("20240107000000"),
    );
    let master = |md5_b: &str| {
        format!(
            "{} {} {ua}\n{} {} {}\n{} {md5_b} {ub}\n{} {} {uo}\n",
            a.len(),
            md5_hex(&a),
            10,
            md5_hex(b"m"),
            ua.replace("export", "mentions"),
            b.len(),
            other_day.len(),
            md5_hex(&other_day),
        )
    };
    server.serve(
        MASTER,
        master("00000000000000000000000000000000").into_bytes(),
    );
    server.serve(&ua, a.clone());
    server.serve(&ub, b.clone());
    server.serve(&uo, other_day.clone());
    let dir = tempfile::tempdir().unwrap();
    let opts = options(&server, dir.path());
    let selection = Selection::Gdelt {
        version: 2,
        from: NaiveDate::from_ymd_opt(2024, 1, 5).unwrap(),
        to: NaiveDate::from_ymd_opt(2024, 1, 6).unwrap(),
    };
    let report = fetch::fetch(&selection, &opts).unwrap();
    assert_eq!(report.files.len(), 1, "the file whose MD5 matches");
    assert_eq!(report.files[0].url, ua);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].url, ub);
    assert!(report.failed[0]
        .reason
        .contains("differs from the publisher's list"));
    assert!(server.requests(&uo).is_empty(), "outside the range");
    let files = cache_files(dir.path());
    assert!(
        !files.iter().any(|f| f.contains("20240105104500")),
        "{files:?}"
    );

    // The list is corrected: the rerun downloads only the missing file.
    let corrected = master(&md5_hex(&b)).into_bytes();
    server.route(MASTER, corrected, Some("\"v2\""), true, &[]);
    let report = fetch::fetch(&selection, &opts).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.files.len(), 2);
    assert_eq!(
        report.files[0].status,
        Status::Unchanged,
        "vouched for by its MD5"
    );
    assert_eq!(report.files[1].status, Status::Downloaded);
    assert_eq!(server.requests(&ua).len(), 1, "not downloaded again");
    assert_eq!(server.requests(&ub).len(), 2);

    let store = dir.path().join("store");
    let imports =
        fetch::import_fetched(&selection, &report, &store, &ImportOptions::default()).unwrap();
    assert_eq!(imports.iter().map(|r| r.rows_accepted()).sum::<u64>(), 2);
    let sources: Vec<Source> = Store::open(&store).unwrap().records().unwrap();
    assert!(sources
        .iter()
        .any(|s| s.url.as_deref() == Some(ua.as_str())));
    assert!(sources
        .iter()
        .any(|s| s.url.as_deref() == Some(ub.as_str())));
}

#[test]
fn progress_hears_every_file_and_can_stop_the_fetch() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    #[derive(Default)]
    struct Count {
        bytes: AtomicU64,
        done: AtomicU64,
        stop: AtomicBool,
    }
    impl fetch::FetchProgress for Count {
        fn file_bytes(&self, _: usize, done: u64, _: Option<u64>) {
            self.bytes.fetch_max(done, Ordering::Relaxed);
        }
        fn file_done(&self, _: usize, ok: bool) {
            self.done.fetch_add(u64::from(ok), Ordering::Relaxed);
        }
        fn should_stop(&self) -> bool {
            self.stop.load(Ordering::Relaxed)
        }
    }
    let server = Server::start();
    let body = zip_of(&[("GEDEvent_v25_1.csv", b"id\n".to_vec())]);
    server.serve(GED_URL, body.clone());
    let dir = tempfile::tempdir().unwrap();
    let count = Arc::new(Count::default());
    let opts = FetchOptions {
        progress: count.clone(),
        ..options(&server, dir.path())
    };
    fetch::fetch(&ged(), &opts).unwrap();
    assert_eq!(count.bytes.load(Ordering::Relaxed), body.len() as u64);
    assert_eq!(count.done.load(Ordering::Relaxed), 1);
    count.stop.store(true, Ordering::Relaxed);
    assert!(matches!(
        fetch::fetch(&ged(), &opts),
        Err(steppe::Error::Cancelled)
    ));
}

#[test]
fn a_baci_release_archive_is_fetched_and_imported_year_by_year_with_its_release() {
    let url = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202501.zip";
    let countries = "country_code,country_name,country_iso2,country_iso3\n\
        762,Tajikistan,TJ,TJK\n860,Uzbekistan,UZ,UZB\n";
    let archive = zip_of(&[
        (
            "BACI_HS92_Y2022_V202501.csv",
            b"t,i,j,k,v,q\n2022,762,860,520100,10,1\n".to_vec(),
        ),
        (
            "BACI_HS92_Y2023_V202501.csv",
            b"t,i,j,k,v,q\n2023,762,860,520100,12,1\n".to_vec(),
        ),
        ("country_codes_V202501.csv", countries.as_bytes().to_vec()),
    ]);
    let server = Server::start();
    server.serve(url, archive);
    // CEPII's page, linking the release archives.
    let page = r#"<a href="../../../DATA_DOWNLOAD/baci/data/BACI_HS92_V202501.zip">HS92</a>"#;
    server.serve(fetch::catalog::BACI_PAGE, page.as_bytes().to_vec());
    let dir = tempfile::tempdir().unwrap();
    let selection = Selection::Baci {
        hs: "92".into(),
        release: "latest".into(),
    };
    let report = fetch::fetch(&selection, &options(&server, dir.path())).unwrap();
    assert_eq!(only_file(&report).url, url);
    let store = dir.path().join("store");
    let imports =
        fetch::import_fetched(&selection, &report, &store, &ImportOptions::default()).unwrap();
    assert_eq!(imports[0].rows_accepted(), 2, "{:?}", imports[0]);
    let sources: Vec<Source> = Store::open(&store).unwrap().records().unwrap();
    let years: Vec<&Source> = sources
        .iter()
        .filter(|s| s.url.as_deref() == Some(url))
        .collect();
    assert!(
        years.len() >= 2,
        "each year's Source names the archive's URL: {sources:?}"
    );
    for s in years {
        assert_eq!(s.publisher.as_deref(), Some("CEPII"));
        assert_eq!(s.version.as_deref(), Some("V202501"), "from the file names");
    }
}

#[test]
fn an_acd_release_is_imported_from_its_zip() {
    let Some(acd) = common::shared_file("data-sources/ucdp/v23_1/UcdpPrioConflict_v23_1.csv")
    else {
        return;
    };
    let url = "https://ucdp.uu.se/downloads/ucdpprio/ucdp-prio-acd-231-csv.zip";
    let server = Server::start();
    server.serve(
        url,
        zip_of(&[("UcdpPrioConflict_v23_1.csv", std::fs::read(acd).unwrap())]),
    );
    let dir = tempfile::tempdir().unwrap();
    let selection = Selection::UcdpAcd {
        version: "23.1".into(),
    };
    let report = fetch::fetch(&selection, &options(&server, dir.path())).unwrap();
    let store = dir.path().join("store");
    let imports =
        fetch::import_fetched(&selection, &report, &store, &ImportOptions::default()).unwrap();
    assert!(imports[0].rows_accepted() > 1000);
    let conflicts = Store::open(&store)
        .unwrap()
        .read_all(Table::Conflicts)
        .unwrap();
    assert_eq!(conflicts.num_rows() as u64, imports[0].rows_accepted());
}

#[test]
fn a_download_broken_in_one_run_resumes_in_the_next() {
    let server = Server::start();
    // Digits that do not compress, so the archive is larger than the cuts.
    let mut x: u64 = 1;
    let digits: Vec<u8> = (0..30_000)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            b'0' + (x >> 60) as u8 % 10
        })
        .collect();
    let body = zip_of(&[("GEDEvent_v25_1.csv", digits)]);
    assert!(body.len() > 5000);
    let cuts = [Fault::Cut(1000), Fault::Cut(1000)];
    server.route(GED_URL, body.clone(), Some("\"g\""), true, &cuts);
    let dir = tempfile::tempdir().unwrap();
    let two = FetchOptions {
        retry: RetryPolicy {
            attempts: 1,
            ..options(&server, dir.path()).retry
        },
        ..options(&server, dir.path())
    };
    let first = fetch::fetch(&ged(), &two).unwrap();
    assert!(
        first.failed[0].reason.contains("1000 bytes kept aside"),
        "{:?}",
        first.failed
    );
    assert!(first.files.is_empty());
    assert_eq!(
        cache_files(dir.path()),
        [
            ".partial/ucdp.uu.se__downloads__ged__ged251-csv.zip",
            ".partial/ucdp.uu.se__downloads__ged__ged251-csv.zip.resume"
        ],
        "no entry, only the bytes kept aside"
    );
    // The next run: one more cut at 2000 bytes, then the rest.
    let again = fetch::fetch(&ged(), &options(&server, dir.path())).unwrap();
    assert_eq!(std::fs::read(&only_file(&again).path).unwrap(), body);
    let ranges: Vec<Option<String>> = server
        .requests(GED_URL)
        .iter()
        .map(|s| s.headers.get("range").cloned())
        .collect();
    assert_eq!(
        ranges,
        [None, Some("bytes=1000-".into()), Some("bytes=2000-".into())]
    );
}

/// A UN Comtrade API answer (`data/v1/get` JSON) with one row per partner (synthetic values).
fn comtrade_answer(partners: &[(u32, &str, f64)]) -> Vec<u8> {
    let rows: Vec<serde_json::Value> = partners
        .iter()
        .map(|(code, iso, value)| {
            serde_json::json!({
                "typeCode": "C", "freqCode": "A", "refPeriodId": 20230101, "refYear": 2023,
                "refMonth": 52, "period": "2023", "reporterCode": 762, "reporterISO": "TJK",
                "reporterDesc": "Tajikistan", "flowCode": "M", "flowDesc": "Import",
                "partnerCode": code, "partnerISO": iso, "partnerDesc": iso, "partner2Code": 0,
                "classificationCode": "H6", "cmdCode": "TOTAL", "cmdDesc": "All Commodities",
                "aggrLevel": 0, "isLeaf": false, "customsCode": "C00", "mosCode": "0",
                "motCode": 0, "qtyUnitCode": -1, "qtyUnitAbbr": "N/A", "qty": null,
                "netWgt": null, "cifvalue": value, "fobvalue": null, "primaryValue": value,
                "legacyEstimationFlag": 0, "isReported": true, "isAggregate": false
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "elementCount": rows.len(), "data": rows, "statusCode": 200, "message": null, "error": ""
    }))
    .unwrap()
}

fn comtrade(keyed: bool) -> Selection {
    Selection::Comtrade(fetch::comtrade::Query {
        reporters: vec!["762".into()],
        partners: vec!["156".into(), "643".into()],
        periods: vec!["2023".into()],
        flows: vec!["M".into()],
        commodities: vec![],
        classification: "HS".into(),
        frequency: "A".into(),
        keyed,
    })
}

#[test]
fn comtrade_with_a_key_is_fetched_converted_and_imported_and_the_key_is_nowhere() {
    let key = "c0ffee-secret-key-77";
    let selection = comtrade(true);
    let Selection::Comtrade(q) = &selection else {
        unreachable!()
    };
    let url = q.requests().unwrap()[0].0.clone();
    assert!(!url.contains(key));
    let server = Server::start();
    server.serve(
        &url,
        comtrade_answer(&[(156, "CHN", 1000.5), (643, "RUS", 2000.25)]),
    );
    let dir = tempfile::tempdir().unwrap();
    let opts = FetchOptions {
        secret_headers: vec![(
            fetch::comtrade::HOST.into(),
            fetch::comtrade::KEY_HEADER.into(),
            key.into(),
        )],
        ..options(&server, dir.path())
    };
    let report = fetch::fetch(&selection, &opts).unwrap();
    let f = only_file(&report);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let seen = server.requests(&url);
    assert_eq!(
        seen[0]
            .headers
            .get("ocp-apim-subscription-key")
            .map(String::as_str),
        Some(key)
    );
    assert!(!seen[0].target.contains(key), "never in the URL");
    assert_eq!(f.unpacked.len(), 1);
    let csv = std::fs::read_to_string(&f.unpacked[0]).unwrap();
    assert!(csv.starts_with("aggrLevel,"), "{csv}");
    assert_eq!(csv.lines().count(), 3);

    let store = dir.path().join("store");
    let imports =
        fetch::import_fetched(&selection, &report, &store, &ImportOptions::default()).unwrap();
    assert_eq!(imports[0].rows_accepted(), 2, "{:?}", imports[0]);
    let flows: Vec<steppe::model::TradeFlow> = Store::open(&store).unwrap().records().unwrap();
    let mut values: Vec<f64> = flows
        .iter()
        .filter(|t| t.source_id.starts_with("comtrade"))
        .map(|t| t.value.unwrap())
        .collect();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, [1000.5, 2000.25]);
    let sources: Vec<Source> = Store::open(&store).unwrap().records().unwrap();
    assert!(sources
        .iter()
        .any(|s| s.url.as_deref() == Some(url.as_str())));
    // Not in the report, the cache or the store.
    assert!(!format!("{report:?}{imports:?}").contains(key));
    for root in [dir.path().join("cache"), store] {
        for file in walk_files(&root) {
            let bytes = std::fs::read(&file).unwrap();
            let found = bytes.windows(key.len()).any(|w| w == key.as_bytes());
            assert!(!found, "the key is in {}", file.display());
        }
    }
}

fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn comtrade_without_a_key_uses_the_preview_and_states_its_limit() {
    let selection = comtrade(false);
    let Selection::Comtrade(q) = &selection else {
        unreachable!()
    };
    let url = q.requests().unwrap()[0].0.clone();
    assert!(url.starts_with("https://comtradeapi.un.org/public/v1/preview/C/A/HS?"));
    let server = Server::start();
    let full: Vec<(u32, &str, f64)> = (0..500).map(|i| (i, "XXX", 1.0)).collect();
    server.serve(&url, comtrade_answer(&full));
    let dir = tempfile::tempdir().unwrap();
    let report = fetch::fetch(&selection, &options(&server, dir.path())).unwrap();
    assert_eq!(report.files.len(), 1);
    let headers = &server.requests(&url)[0].headers;
    assert!(!headers.contains_key("ocp-apim-subscription-key"));
    assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
    assert!(report.notes[0].contains("at most 500 rows a call"));
    assert!(report.notes[1].contains("500 rows, the most one call returns"));

    server.serve(
        &url,
        br#"{"data":null,"error":"Invalid reporterCode"}"#.to_vec(),
    );
    let dir = tempfile::tempdir().unwrap();
    let report = fetch::fetch(&selection, &options(&server, dir.path())).unwrap();
    assert!(report.failed[0].reason.contains("Invalid reporterCode"));
    assert_eq!(cache_files(dir.path()), Vec::<String>::new());
}

#[test]
fn retries_stop_at_the_time_budget() {
    let server = Server::start();
    let faults = [Fault::Status(503, Some("1")); 3];
    server.route(GED_URL, b"x".to_vec(), None, true, &faults);
    let dir = tempfile::tempdir().unwrap();
    let base = options(&server, dir.path());
    let opts = FetchOptions {
        retry: RetryPolicy {
            attempts: 10,
            max_total: Duration::from_millis(500),
            ..base.retry.clone()
        },
        ..base
    };
    let start = Instant::now();
    let report = fetch::fetch(&ged(), &opts).unwrap();
    assert!(
        start.elapsed() < Duration::from_millis(900),
        "{:?}",
        start.elapsed()
    );
    let reason = &report.failed[0].reason;
    assert!(
        reason.contains("gave up after 1 attempt(s)") && reason.contains("HTTP 503"),
        "{reason}"
    );
    assert_eq!(
        server.requests(GED_URL).len(),
        1,
        "the 1 s Retry-After passes the budget"
    );
}

/// A page of UCDP's GED API: one synthetic event in Tajikistan per id.
fn ged_page(ids: &[u64], next: Option<&str>) -> Vec<u8> {
    let events: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            serde_json::json!({
                "id": id, "relid": format!("TJK-1992-1-{id}"), "year": 1992, "active_year": true,
                "code_status": "Clear", "type_of_violence": 1, "conflict_dset_id": "311",
                "conflict_new_id": 311, "conflict_name": "Tajikistan: Government",
                "dyad_dset_id": "700", "dyad_new_id": 700,
                "dyad_name": "Government of Tajikistan - UTO", "side_a_dset_id": "117",
                "side_a_new_id": 117, "side_a": "Government of Tajikistan",
                "side_b_dset_id": "1037", "side_b_new_id": 1037, "side_b": "UTO",
                "number_of_sources": 2, "source_article": "Agency B", "source_office": "",
                "source_date": "", "source_headline": "", "source_original": "",
                "where_prec": 2, "where_coordinates": "Town X", "where_description": "near Town X",
                "adm_1": "Province Y", "adm_2": "", "latitude": 37.8, "longitude": 68.8,
                "geom_wkt": "POINT (68.8 37.8)", "priogrid_gid": 1, "country": "Tajikistan",
                "country_id": 702, "region": "Europe", "event_clarity": 1, "date_prec": 1,
                "date_start": "1992-09-05T00:00:00", "date_end": "1992-09-05T00:00:00",
                "deaths_a": 0, "deaths_b": 0, "deaths_civilians": 0, "deaths_unknown": 25,
                "best": 25, "high": 40, "low": 20, "gwnoa": "702", "gwnob": null
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "TotalCount": 2, "TotalPages": 2, "PreviousPageUrl": "", "NextPageUrl": next,
        "Result": events
    }))
    .unwrap()
}

#[test]
fn ucdp_api_pages_are_followed_with_the_token_and_imported() {
    let token = "ucdp-token-31337";
    let first = "https://ucdpapi.pcr.uu.se/api/gedevents/25.0.9?pagesize=1000&page=0";
    let second = "https://ucdpapi.pcr.uu.se/api/gedevents/25.0.9?pagesize=1000&page=1";
    let server = Server::start();
    server.route(
        first,
        ged_page(&[900001], Some(second)),
        Some("\"p0\""),
        true,
        &[Fault::Status(503, None)],
    );
    server.serve(second, ged_page(&[900002], None));
    let dir = tempfile::tempdir().unwrap();
    let opts = FetchOptions {
        secret_headers: vec![(
            fetch::ucdp_api::HOST.into(),
            fetch::ucdp_api::TOKEN_HEADER.into(),
            token.into(),
        )],
        ..options(&server, dir.path())
    };
    let selection = Selection::UcdpGedApi {
        version: "25.0.9".into(),
    };
    let report = fetch::fetch(&selection, &opts).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let urls: Vec<&str> = report.files.iter().map(|f| f.url.as_str()).collect();
    assert_eq!(urls, [first, second]);
    for url in [first, second] {
        let seen = server.requests(url);
        let last = seen.last().unwrap();
        assert_eq!(
            last.headers.get("x-ucdp-access-token").map(String::as_str),
            Some(token)
        );
    }
    let store = dir.path().join("store");
    let imports =
        fetch::import_fetched(&selection, &report, &store, &ImportOptions::default()).unwrap();
    let accepted: u64 = imports.iter().map(|r| r.rows_accepted()).sum();
    assert_eq!(accepted, 2, "{imports:?}");
    let sources: Vec<Source> = Store::open(&store).unwrap().records().unwrap();
    let pages: Vec<&Source> = sources
        .iter()
        .filter(|s| {
            s.url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://ucdpapi"))
        })
        .collect();
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(|s| s.version.as_deref() == Some("25.0.9")));
    for root in [dir.path().join("cache"), store] {
        for file in walk_files(&root) {
            let bytes = std::fs::read(&file).unwrap();
            assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()));
        }
    }
    // A page whose link leads to another host ends the chain there, reported.
    let evil = ged_page(&[900003], Some("https://elsewhere.example/api"));
    server.route(first, evil, Some("\"p0b\""), true, &[]);
    let report = fetch::fetch(&selection, &opts).unwrap();
    assert_eq!(report.files.len(), 1);
    assert!(
        report.failed[0].reason.contains("not followed"),
        "{:?}",
        report.failed
    );
}
