//! `steppe fetch SOURCE [selection] [--cache DIR] [--out STORE] [--mirror URL] [--offline]`:
//! the publishers' files into the cache (`steppe::fetch`), a bar per file and one overall on
//! a terminal, a line per file after, and with `--out` the files imported.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use steppe::fetch::{self, FetchOptions, FetchProgress, RetryPolicy, Selection};
use steppe::import::{ImportOptions, Reimport};

use super::import::print_report;
use crate::progress::Bar;

/// The sources `steppe fetch` knows.
#[derive(Debug, Subcommand)]
pub enum FetchCommand {
    /// World Bank WDI: the API's zipped CSV per indicator (with its metadata files), or
    /// `--bulk` for WDI_CSV.zip.
    Wdi {
        /// Indicator codes (SP.POP.TOTL ...).
        indicators: Vec<String>,
        /// Only these economies, comma-separated (TJK,KGZ); default all.
        #[arg(long, value_delimiter = ',')]
        countries: Vec<String>,
        /// The bulk archive WDI_CSV.zip instead of indicators.
        #[arg(long, conflicts_with_all = ["indicators", "countries"])]
        bulk: bool,
        #[command(flatten)]
        common: FetchArgs,
    },
    /// GDELT event exports of a date range, checked against the size and MD5 in GDELT's
    /// own file list.
    Gdelt {
        /// 1 (daily files, events/) or 2 (15-minute files, gdeltv2/).
        #[arg(long = "gdelt-version", default_value_t = 2)]
        version: u8,
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: NaiveDate,
        /// Last day, included (default: `--from`).
        #[arg(long)]
        to: Option<NaiveDate>,
        #[command(flatten)]
        common: FetchArgs,
    },
    /// UCDP Georeferenced Event Dataset, a release (`--release 25.1`); with `--api`, from
    /// UCDP's API (also the monthly Candidate releases, `25.0.9`), the token read from
    /// UCDP_ACCESS_TOKEN.
    UcdpGed {
        /// The release.
        #[arg(long)]
        release: String,
        /// Page through UCDP's API instead of the download file (needs UCDP_ACCESS_TOKEN).
        #[arg(long)]
        api: bool,
        #[command(flatten)]
        common: FetchArgs,
    },
    /// UCDP/PRIO Armed Conflict Dataset, a release (`--release 25.1`).
    UcdpAcd {
        /// The release.
        #[arg(long)]
        release: String,
        #[command(flatten)]
        common: FetchArgs,
    },
    /// UN Comtrade's data API, one call per reporter and period; the subscription key is read
    /// from COMTRADE_API_KEY (without it: the public preview, at most 500 rows a call).
    Comtrade {
        /// Reporters, UN Comtrade's numeric codes, comma-separated (762 = Tajikistan).
        #[arg(long, value_delimiter = ',', required = true)]
        reporters: Vec<String>,
        /// Periods, comma-separated (2022,2023; 202301 for monthly).
        #[arg(long, value_delimiter = ',', required = true)]
        periods: Vec<String>,
        /// Partners, comma-separated (0 = World); default every partner.
        #[arg(long, value_delimiter = ',')]
        partners: Vec<String>,
        /// Flow codes, comma-separated (M,X); default every flow.
        #[arg(long, value_delimiter = ',')]
        flows: Vec<String>,
        /// Commodity codes, comma-separated (default TOTAL).
        #[arg(long, value_delimiter = ',')]
        commodities: Vec<String>,
        /// Classification (HS, H6, S4, ...).
        #[arg(long, default_value = "HS")]
        classification: String,
        /// A (annual) or M (monthly).
        #[arg(long, default_value = "A")]
        frequency: String,
        #[command(flatten)]
        common: FetchArgs,
    },
    /// CEPII BACI, the release archive of one HS revision (`--hs 92 --release V202501`).
    Baci {
        /// HS revision: 92, 96, 02, 07, 12, 17 or 22.
        #[arg(long)]
        hs: String,
        /// The release (V202501), or `latest`: the one CEPII's BACI page offers.
        #[arg(long)]
        release: String,
        #[command(flatten)]
        common: FetchArgs,
    },
}

/// Options every fetch takes.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The cache directory (default: STEPPE_CACHE_DIR, else the user cache dir + /steppe).
    #[arg(long)]
    pub cache: Option<PathBuf>,
    /// Import what was fetched into this store.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// A mirror serving URL/<host>/<path>?<query> (default: STEPPE_MIRROR).
    #[arg(long)]
    pub mirror: Option<String>,
    /// Use the cache only; make no request.
    #[arg(long)]
    pub offline: bool,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
    /// Refuse a download larger than this many bytes.
    #[arg(long, default_value_t = fetch::DEFAULT_MAX_DOWNLOAD_BYTES)]
    pub max_download_bytes: u64,
    /// Refuse an archive that expands past this many bytes.
    #[arg(long, default_value_t = steppe::import::DEFAULT_MAX_EXPANDED_BYTES)]
    pub max_expanded_bytes: u64,
    /// Downloads at a time per host.
    #[arg(long, default_value_t = 2)]
    pub per_host: usize,
    /// Attempts per file (the first included).
    #[arg(long, default_value_t = 6)]
    pub attempts: u32,
    /// Seconds before the first retry (doubling, with jitter, up to 60).
    #[arg(long, default_value_t = 1.0)]
    pub retry_delay: f64,
}

/// Runs a fetch; exit status 1 when any file failed (those that completed are kept, and
/// imported with `--out`).
pub fn run(cmd: FetchCommand) -> steppe::Result<i32> {
    let (selection, common) = selection(cmd)?;
    let bars = Arc::new(Bars::new(common.quiet));
    let options = FetchOptions {
        cache_dir: common.cache.clone(),
        mirror: common.mirror.clone(),
        offline: common.offline,
        retry: RetryPolicy {
            attempts: common.attempts.max(1),
            base_delay: Duration::from_secs_f64(common.retry_delay.max(0.0)),
            ..RetryPolicy::default()
        },
        max_download_bytes: common.max_download_bytes,
        max_expanded_bytes: common.max_expanded_bytes,
        per_host: common.per_host,
        progress: bars.clone(),
        secret_headers: fetch::secret_headers_from_env(&selection),
        ..FetchOptions::default()
    };
    let report = fetch::fetch(&selection, &options);
    bars.clear();
    let report = report?;
    for f in &report.files {
        println!(
            "{}: {} ({}, sha256 {}) {}",
            f.path.file_name().unwrap_or_default().to_string_lossy(),
            f.status.describe(),
            HumanBytes(f.sidecar.bytes),
            &f.sidecar.sha256[..16],
            f.path.display()
        );
    }
    for f in &report.failed {
        eprintln!("{}: FAILED: {} ({})", f.name, f.reason, f.url);
    }
    for note in &report.notes {
        println!("note: {note}");
    }
    let total = report.files.len() + report.failed.len();
    println!(
        "{} of {} file(s) in {}{}",
        report.files.len(),
        total,
        report.cache_dir.display(),
        if report.failed.is_empty() {
            String::new()
        } else {
            format!(
                "; {} failed (nothing of them is cached; run again to fetch only what is missing)",
                report.failed.len()
            )
        }
    );
    if let Some(out) = &common.out {
        let import = ImportOptions {
            progress: Arc::new(Bar::new(common.quiet)),
            reimport: Reimport::Skip,
            max_expanded_bytes: common.max_expanded_bytes,
            ..ImportOptions::default()
        };
        for r in fetch::import_fetched(&selection, &report, out, &import)? {
            print_report(&r, out);
        }
    }
    Ok(if report.failed.is_empty() { 0 } else { 1 })
}

fn selection(cmd: FetchCommand) -> steppe::Result<(Selection, FetchArgs)> {
    Ok(match cmd {
        FetchCommand::Wdi {
            indicators,
            countries,
            bulk,
            common,
        } => {
            let s = if bulk {
                Selection::WdiBulk
            } else {
                Selection::Wdi {
                    indicators,
                    countries,
                }
            };
            (s, common)
        }
        FetchCommand::Gdelt {
            version,
            from,
            to,
            common,
        } => {
            let to = to.unwrap_or(from);
            if to < from {
                return Err(steppe::Error::InvalidArgument(format!(
                    "--to {to} is before --from {from}"
                )));
            }
            (Selection::Gdelt { version, from, to }, common)
        }
        FetchCommand::UcdpGed {
            release,
            api,
            common,
        } => {
            if api {
                if fetch::ucdp_api::token_from_env().is_none() {
                    return Err(steppe::Error::InvalidArgument(
                        "UCDP's API needs an access token: set UCDP_ACCESS_TOKEN (UCDP issues them on request), or fetch the download file without --api".into(),
                    ));
                }
                (Selection::UcdpGedApi { version: release }, common)
            } else {
                (Selection::UcdpGed { version: release }, common)
            }
        }
        FetchCommand::UcdpAcd { release, common } => {
            (Selection::UcdpAcd { version: release }, common)
        }
        FetchCommand::Baci {
            hs,
            release,
            common,
        } => (Selection::Baci { hs, release }, common),
        FetchCommand::Comtrade {
            reporters,
            periods,
            partners,
            flows,
            commodities,
            classification,
            frequency,
            common,
        } => {
            let query = fetch::comtrade::Query {
                reporters,
                partners,
                periods,
                flows,
                commodities,
                classification,
                frequency,
                keyed: fetch::comtrade::key_from_env().is_some(),
            };
            (Selection::Comtrade(query), common)
        }
    })
}

/// An overall bar (files) and a bar per file in progress, on standard error when it is a
/// terminal; nothing otherwise.
struct Bars {
    multi: MultiProgress,
    overall: Mutex<Option<ProgressBar>>,
    files: Mutex<std::collections::HashMap<usize, ProgressBar>>,
}

impl Bars {
    fn new(quiet: bool) -> Bars {
        let target = if !quiet && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Bars::with_target(target)
    }

    /// Bars drawing to `target` (tests pass an in-memory terminal).
    fn with_target(target: ProgressDrawTarget) -> Bars {
        Bars {
            multi: MultiProgress::with_draw_target(target),
            overall: Mutex::new(None),
            files: Mutex::new(Default::default()),
        }
    }

    fn clear(&self) {
        let _ = self.multi.clear();
    }
}

fn file_style(known: bool) -> ProgressStyle {
    let t = if known {
        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}"
    } else {
        "{spinner} {msg}: {bytes} {bytes_per_sec}"
    };
    ProgressStyle::with_template(t)
        .expect("valid template")
        .progress_chars("=> ")
}

impl FetchProgress for Bars {
    fn files(&self, count: usize) {
        let bar = self.multi.add(ProgressBar::new(count as u64));
        bar.set_style(
            ProgressStyle::with_template("files [{bar:30}] {pos}/{len}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.tick();
        *self.overall.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
    }

    fn file_start(&self, index: usize, name: &str, total: Option<u64>) {
        let bar = self.multi.add(ProgressBar::new(total.unwrap_or(0)));
        bar.set_style(file_style(total.is_some()));
        bar.set_message(name.to_string());
        bar.tick();
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(index, bar);
    }

    fn file_bytes(&self, index: usize, done: u64, total: Option<u64>) {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bar) = files.get(&index) {
            if let Some(t) = total.filter(|&t| bar.length() != Some(t)) {
                bar.set_length(t);
                bar.set_style(file_style(true));
            }
            bar.set_position(done);
        }
    }

    fn file_done(&self, index: usize, _ok: bool) {
        if let Some(bar) = self
            .files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&index)
        {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        if let Some(o) = &*self.overall.lock().unwrap_or_else(|e| e.into_inner()) {
            o.inc(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::Screen;

    /// Every line drawn so far, once one contains each of `needles` (ticking the bars until
    /// the draw rate limit lets a draw through; after 2 s, what was drawn).
    fn drawn(bars: &Bars, screen: &Screen, needles: &[&str]) -> String {
        for _ in 0..200 {
            for bar in bars.files.lock().unwrap().values() {
                bar.tick();
            }
            if let Some(o) = &*bars.overall.lock().unwrap() {
                o.tick();
            }
            let text = screen.0.lock().unwrap().join("\n");
            if needles.iter().all(|n| text.contains(n)) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        screen.0.lock().unwrap().join("\n")
    }

    #[test]
    fn an_overall_bar_and_a_bar_per_file() {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like_with_hz(Box::new(screen.clone()), 100);
        let bars = Bars::with_target(target);
        bars.files(2);
        bars.file_start(0, "ged251-csv.zip", Some(2048));
        bars.file_bytes(0, 1024, Some(2048));
        let text = drawn(
            &bars,
            &screen,
            &["files [", "0/2", "ged251-csv.zip", "1.00 KiB/2.00 KiB"],
        );
        assert!(text.contains("files [") && text.contains("0/2"), "{text}");
        assert!(
            text.contains("ged251-csv.zip") && text.contains("1.00 KiB/2.00 KiB"),
            "{text}"
        );
        bars.file_done(0, true);
        assert!(
            bars.files.lock().unwrap().is_empty(),
            "a finished file's bar goes"
        );
        let overall = bars.overall.lock().unwrap();
        assert_eq!(overall.as_ref().unwrap().position(), 1);
    }
}
