//! A terminal progress bar (indicatif) for imports: bytes and rows, silent when standard
//! error is not a terminal or with `--quiet`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Draws a bar on standard error.
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar that draws only when stderr is a terminal and `quiet` is off.
    pub fn new(quiet: bool) -> Bar {
        let bar = ProgressBar::hidden();
        if !quiet && std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        Bar { bar }
    }
}

impl steppe::progress::Progress for Bar {
    fn start(&self, label: &str, total_bytes: Option<u64>) {
        self.bar.reset();
        self.bar.set_length(total_bytes.unwrap_or(0));
        self.bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {prefix} rows, eta {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        self.bar.set_message(label.to_string());
        self.bar.set_prefix("0");
    }

    fn advance(&self, bytes: u64, rows: u64) {
        self.bar.inc(bytes);
        let done: u64 = self.bar.prefix().parse().unwrap_or(0);
        self.bar.set_prefix((done + rows).to_string());
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
