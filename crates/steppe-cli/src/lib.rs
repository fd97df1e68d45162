//! The `steppe` command-line tool. Its logic lives here, in a library, so the Rust binary and
//! the Python package's `steppe` console script run one implementation: [`run`].

mod cli;
mod commands;
mod output;
pub mod progress;
pub mod report;

use std::ffi::OsString;

use clap::Parser;

pub use cli::Cli;

/// Runs the CLI with `args` (including the program name) and returns the process exit code:
/// 0 on success, 1 when the command failed (or validation found problems), 2 on bad usage.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    // A panic is a bug, but it must still end in one clear line and a non-zero exit.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commands::dispatch(cli)));
    match result {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            1
        }
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            eprintln!("error: internal error ({msg}); please report it with the command you ran");
            1
        }
    }
}
