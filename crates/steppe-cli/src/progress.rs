//! A terminal progress bar (indicatif) for imports: bytes and rows, silent when standard
//! error is not a terminal or with `--quiet`.
//!
//! Nothing misleading is drawn before there is something to measure: an input of unknown size
//! (a compressed file) gets a spinner and the bytes read, not `0 B/0 B`; the rate and the ETA
//! appear once a second has passed and bytes have been read, and are the average since the
//! start (`13 MiB/s`), not the first instant's burst.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{
    HumanBytes, HumanDuration, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle,
};

/// How long to measure before showing a rate or an ETA.
const SETTLE: Duration = Duration::from_secs(1);

/// Where a bar draws; called once per piece of work.
type Target = Box<dyn Fn() -> ProgressDrawTarget + Send + Sync>;

/// Draws a bar on standard error.
pub struct Bar {
    target: Target,
    bar: Mutex<ProgressBar>,
    rows: AtomicU64,
}

impl Bar {
    /// A bar that draws only when stderr is a terminal and `quiet` is off.
    pub fn new(quiet: bool) -> Bar {
        if !quiet && std::io::stderr().is_terminal() {
            Bar::with_target(Box::new(ProgressDrawTarget::stderr))
        } else {
            Bar::with_target(Box::new(ProgressDrawTarget::hidden))
        }
    }

    /// A bar drawing to the targets `target` makes (tests pass an in-memory terminal).
    pub fn with_target(target: Target) -> Bar {
        Bar {
            target,
            bar: Mutex::new(ProgressBar::hidden()),
            rows: AtomicU64::new(0),
        }
    }

    fn bar(&self) -> std::sync::MutexGuard<'_, ProgressBar> {
        self.bar.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Bytes per second since the start, once [`SETTLE`] has passed and some bytes were read.
fn rate(state: &ProgressState) -> Option<f64> {
    let secs = state.elapsed().as_secs_f64();
    (state.elapsed() >= SETTLE && state.pos() > 0).then(|| state.pos() as f64 / secs)
}

/// `, 12.5 MiB/s` when the rate is known, else nothing.
fn rate_key(state: &ProgressState, w: &mut dyn std::fmt::Write) {
    if let Some(r) = rate(state) {
        let _ = write!(w, ", {}/s", HumanBytes(r as u64));
    }
}

/// `, eta 3m` when the rate and the total are known, else nothing.
fn eta_key(state: &ProgressState, w: &mut dyn std::fmt::Write) {
    if let (Some(r), Some(len)) = (rate(state), state.len()) {
        let left = len.saturating_sub(state.pos()) as f64 / r;
        let _ = write!(w, ", eta {}", HumanDuration(Duration::from_secs_f64(left)));
    }
}

/// The bar for an input of known size, or the spinner for one of unknown size.
fn style(known_size: bool) -> ProgressStyle {
    let template = if known_size {
        "{msg} [{bar:30}] {bytes}/{total_bytes}{rate}, {prefix} rows{eta}"
    } else {
        "{spinner} {msg}: {bytes} read{rate}, {prefix} rows"
    };
    ProgressStyle::with_template(template)
        .expect("valid template")
        .progress_chars("=> ")
        .with_key("rate", rate_key)
        .with_key("eta", eta_key)
}

impl steppe::progress::Progress for Bar {
    /// A new bar, configured before its first draw (nothing shows a stale or empty total).
    fn start(&self, label: &str, total_bytes: Option<u64>) {
        self.rows.store(0, Ordering::Relaxed);
        let total = total_bytes.filter(|&n| n > 0);
        let bar = ProgressBar::with_draw_target(total, (self.target)())
            .with_style(style(total.is_some()))
            .with_prefix("0")
            .with_message(label.to_string());
        if total.is_none() && !bar.is_hidden() {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        bar.tick();
        let old = std::mem::replace(&mut *self.bar(), bar);
        old.finish_and_clear();
    }

    fn advance(&self, bytes: u64, rows: u64) {
        let done = self.rows.fetch_add(rows, Ordering::Relaxed) + rows;
        let bar = self.bar();
        bar.inc(bytes);
        bar.set_prefix(crate::human::group(done.into()));
    }

    fn finish(&self) {
        self.bar().finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use steppe::progress::Progress;

    use super::*;
    use crate::screen::Screen;

    fn bar() -> (Bar, Screen) {
        let screen = Screen::default();
        let s = screen.clone();
        let target = move || ProgressDrawTarget::term_like_with_hz(Box::new(s.clone()), 100);
        (Bar::with_target(Box::new(target)), screen)
    }

    /// The first line drawn, ticking until the draw target's rate limit lets one through
    /// (on a loaded machine the draw in `start` can be throttled).
    fn first_drawn(bar: &Bar, screen: &Screen) -> String {
        for _ in 0..200 {
            if let Some(line) = screen.0.lock().unwrap().first() {
                return line.clone();
            }
            bar.bar().tick();
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("nothing was drawn in 2 s");
    }

    /// The last line drawn once it contains `needle`, ticking until the rate limit lets a
    /// draw through (or, after 2 s, the last line drawn, for the assertion to report).
    fn drawn_with(bar: &Bar, screen: &Screen, needle: &str) -> String {
        for _ in 0..200 {
            bar.bar().tick();
            let line = last(screen);
            if line.contains(needle) {
                return line;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        last(screen)
    }

    /// The last line drawn (blank ones are the bar being cleared).
    fn last(screen: &Screen) -> String {
        let lines = screen.0.lock().unwrap();
        let drawn = lines.iter().rev().find(|l| !l.trim().is_empty());
        drawn.cloned().unwrap_or_default()
    }

    #[test]
    fn unknown_size_is_a_spinner_without_a_zero_total() {
        let (bar, screen) = bar();
        bar.start("trade.csv.gz", None);
        // The first thing drawn is the configured spinner, not a default bar's `0/0`.
        let first = first_drawn(&bar, &screen);
        assert!(
            first.contains("trade.csv.gz: 0 B read, 0 rows"),
            "{first:?}"
        );
        bar.advance(4096, 1500);
        let line = drawn_with(&bar, &screen, "1,500 rows");
        assert!(
            line.contains("trade.csv.gz: 4.00 KiB read, 1,500 rows"),
            "{line:?}"
        );
        assert!(
            !line.contains("0 B/0 B") && !line.contains("/s"),
            "{line:?}"
        );
        bar.finish();
    }

    #[test]
    fn no_rate_or_eta_before_a_second_of_measurement() {
        let (bar, screen) = bar();
        bar.start("BACI_HS92_Y2023.csv", Some(1 << 30));
        let first = first_drawn(&bar, &screen);
        assert!(first.contains("BACI_HS92_Y2023.csv [ "), "{first:?}");
        assert!(first.contains("0 B/1.00 GiB, 0 rows"), "{first:?}");
        bar.advance(512 << 20, 10);
        let line = drawn_with(&bar, &screen, "10 rows");
        assert!(line.contains("512.00 MiB/1.00 GiB, 10 rows"), "{line:?}");
        assert!(!line.contains("/s") && !line.contains("eta"), "{line:?}");
        std::thread::sleep(Duration::from_millis(1100));
        bar.advance(0, 0);
        let line = drawn_with(&bar, &screen, "MiB/s");
        // The average since the start: 512 MiB over a little more than a second.
        assert!(line.contains("MiB/s") && line.contains("eta"), "{line:?}");
        let rate: f64 = line
            .split(", ")
            .find(|p| p.ends_with("MiB/s"))
            .and_then(|p| p.trim_end_matches(" MiB/s").parse().ok())
            .unwrap_or_else(|| panic!("no rate in {line:?}"));
        assert!(rate > 50.0 && rate < 512.0, "{line:?}");
        bar.finish();
    }
}
