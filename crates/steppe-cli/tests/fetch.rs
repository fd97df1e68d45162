//! `steppe fetch` end to end against a loopback server reached through `--mirror` (the
//! server of the core's fetch tests). No test touches the internet.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use steppe::model::Source;
use steppe::Store;

#[path = "../../steppe/tests/fetch_support/mod.rs"]
mod fetch_support;

use fetch_support::{zip_of, Fault, Server};

const ACD_URL: &str = "https://ucdp.uu.se/downloads/ucdpprio/ucdp-prio-acd-231-csv.zip";

fn steppe(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steppe"));
    cmd.args(args)
        .env_remove("STEPPE_MIRROR")
        .env_remove("STEPPE_CACHE_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// The real UCDP/PRIO ACD 23.1 file from shared/, when there.
fn acd_csv() -> Option<PathBuf> {
    let shared = match std::env::var_os("STEPPE_SHARED") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    let path = shared.join("data-sources/ucdp/v23_1/UcdpPrioConflict_v23_1.csv");
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("STEPPE_REQUIRE_SHARED").is_some_and(|v| v != "0" && !v.is_empty()) {
        panic!(
            "STEPPE_REQUIRE_SHARED is set and this test needs {}",
            path.display()
        );
    }
    eprintln!("SKIPPED: needs {}", path.display());
    None
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn fetch_then_import_names_the_publishers_url_and_a_rerun_asks_if_it_changed() {
    let Some(csv) = acd_csv() else { return };
    let zip = zip_of(&[("UcdpPrioConflict_v23_1.csv", std::fs::read(csv).unwrap())]);
    let server = Server::start();
    server.route(
        ACD_URL,
        zip,
        Some("\"acd\""),
        true,
        &[Fault::Status(503, None)],
    );
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let store = dir.path().join("store");
    let args = [
        "fetch",
        "ucdp-acd",
        "--release",
        "23.1",
        "--cache",
        cache.to_str().unwrap(),
        "--out",
        store.to_str().unwrap(),
        "--retry-delay",
        "0.01",
    ];
    let out = steppe(&args, &[("STEPPE_MIRROR", &server.url())]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("ucdp-prio-acd-231-csv.zip: downloaded"),
        "{stdout}"
    );
    assert!(stdout.contains("1 of 1 file(s) in"), "{stdout}");
    assert!(stdout.contains("accepted"), "{stdout}");
    assert!(!stdout.contains("127.0.0.1") && !stderr.contains("127.0.0.1"));
    let sources: Vec<Source> = Store::open(&store).unwrap().records().unwrap();
    let acd = sources
        .iter()
        .find(|s| s.url.as_deref() == Some(ACD_URL))
        .expect("the ACD's Source names the publisher's URL");
    assert_eq!(acd.accessed, Some(chrono::Utc::now().date_naive()));
    assert_eq!(acd.version.as_deref(), Some("23.1"));

    let out = steppe(&args[..6], &[("STEPPE_MIRROR", &server.url())]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("unchanged upstream"),
        "{}",
        text(&out.stdout)
    );

    let out = steppe(&[&args[..6], &["--offline"]].concat(), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("from the cache (offline"));
}

#[test]
fn a_failed_file_is_reported_and_the_exit_status_is_1() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let out = steppe(
        &[
            "fetch",
            "baci",
            "--hs",
            "92",
            "--release",
            "V202501",
            "--cache",
            cache.to_str().unwrap(),
            "--mirror",
            &server.url(),
        ],
        &[],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("BACI_HS92_V202501.zip: FAILED: HTTP 404 (https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202501.zip)"),
        "{stderr}"
    );
    assert!(
        stdout.contains("0 of 1 file(s)") && stdout.contains("1 failed"),
        "{stdout}"
    );
}

#[test]
fn offline_without_the_file_fails_and_bad_selections_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let out = steppe(
        &[
            "fetch",
            "ucdp-ged",
            "--release",
            "25.1",
            "--offline",
            "--cache",
            cache.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("this fetch is offline"),
        "{}",
        text(&out.stderr)
    );

    let out = steppe(
        &[
            "fetch",
            "baci",
            "--hs",
            "93",
            "--release",
            "V202501",
            "--offline",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("one of 92, 96, 02, 07, 12, 17, 22"));
}

#[test]
fn comtrade_reads_its_key_from_the_environment_and_never_prints_or_stores_it() {
    let key = "k3y-that-must-not-leak-0042";
    let url = "https://comtradeapi.un.org/data/v1/get/C/A/HS?reporterCode=762&period=2023&cmdCode=TOTAL&flowCode=M&maxRecords=100000&format=JSON&includeDesc=true";
    let server = Server::start();
    // Refused twice (as a throttled key is), then answered.
    server.route(
        url,
        br#"{"elementCount":0,"data":[],"error":""}"#.to_vec(),
        None,
        true,
        &[Fault::Status(429, Some("0")), Fault::Status(500, None)],
    );
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let args = [
        "fetch",
        "comtrade",
        "--reporters",
        "762",
        "--periods",
        "2023",
        "--flows",
        "M",
        "--cache",
        cache.to_str().unwrap(),
        "--mirror",
        &server.url(),
        "--retry-delay",
        "0.01",
    ];
    let out = steppe(&args, &[("COMTRADE_API_KEY", key)]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let seen = server.requests(url);
    assert_eq!(seen.len(), 3);
    assert_eq!(
        seen[2]
            .headers
            .get("ocp-apim-subscription-key")
            .map(String::as_str),
        Some(key)
    );
    assert!(!stdout.contains(key) && !stderr.contains(key));
    assert!(!stdout.contains("preview"), "{stdout}");

    // Without the key: the preview, and the output says what it limits.
    let preview = url
        .replace("data/v1/get", "public/v1/preview")
        .replace("100000", "500");
    server.serve(&preview, br#"{"data":[],"error":""}"#.to_vec());
    let out = steppe(&args, &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("note: UN Comtrade without a subscription key: the public preview returns at most 500 rows a call"), "{stdout}");
}

#[test]
fn ucdp_api_needs_its_token_and_keeps_it_out_of_the_output() {
    let out = steppe(&["fetch", "ucdp-ged", "--release", "25.0.9", "--api"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("set UCDP_ACCESS_TOKEN"),
        "{}",
        text(&out.stderr)
    );

    let token = "cli-ucdp-token-8080";
    let page = "https://ucdpapi.pcr.uu.se/api/gedevents/25.0.9?pagesize=1000&page=0";
    let server = Server::start();
    server.serve(
        page,
        br#"{"TotalCount":0,"NextPageUrl":null,"Result":[]}"#.to_vec(),
    );
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let args = [
        "fetch",
        "ucdp-ged",
        "--release",
        "25.0.9",
        "--api",
        "--cache",
        cache.to_str().unwrap(),
        "--mirror",
        &server.url(),
    ];
    let out = steppe(&args, &[("UCDP_ACCESS_TOKEN", token)]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("gedevents_25.0.9_page00000.json: downloaded"),
        "{stdout}"
    );
    assert!(!stdout.contains(token) && !stderr.contains(token));
    let seen = server.requests(page);
    assert_eq!(
        seen[0]
            .headers
            .get("x-ucdp-access-token")
            .map(String::as_str),
        Some(token)
    );
}
