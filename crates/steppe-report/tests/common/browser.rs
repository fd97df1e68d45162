//! Headless Chromium for the report's pages: the DOM after load and a screenshot. Shared with
//! steppe-cli's report test (`#[path]`), so both drive the browser the same way.

use std::path::Path;
use std::process::{Command, Output};

/// The first of `chromium`, `chromium-browser` and `google-chrome` that runs, if any.
pub fn find() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// Headless, without sandbox, GPU, QUIC, first-run page or background network traffic.
const FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// One headless Chromium program with a fresh profile (removed when dropped).
pub struct Headless {
    program: &'static str,
    profile: tempfile::TempDir,
}

impl Headless {
    /// `program` (from [`find`]) with a new, empty profile directory.
    pub fn new(program: &'static str) -> Headless {
        Headless {
            program,
            profile: tempfile::tempdir().unwrap(),
        }
    }

    /// The DOM of `page` (a local file) after it loaded (`--dump-dom`).
    pub fn dom(&self, page: &Path) -> String {
        let o = self.run(&["--dump-dom", &url(page)]);
        String::from_utf8_lossy(&o.stdout).to_string()
    }

    /// A screenshot of `page` in a window of `size` (`"1100,9000"`) written to `shot`, which
    /// is removed first; Chromium's output.
    pub fn screenshot(&self, page: &Path, shot: &Path, size: &str) -> Output {
        let _ = std::fs::remove_file(shot);
        self.run(&[
            &format!("--screenshot={}", shot.display()),
            &format!("--window-size={size}"),
            &url(page),
        ])
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(self.program)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .args(args)
            .output()
            .unwrap()
    }
}

/// `page`'s `file://` URL.
fn url(page: &Path) -> String {
    format!("file://{}", page.canonicalize().unwrap().display())
}
