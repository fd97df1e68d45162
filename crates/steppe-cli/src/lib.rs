//! The `steppe` command-line tool. Its logic lives here, in a library, so the Rust binary and
//! the Python package's `steppe` console script run one implementation: [`run`].

mod cli;
mod commands;
mod human;
mod output;
pub mod progress;
pub mod report;
#[cfg(test)]
mod screen;
mod table;
mod term;

use std::ffi::OsString;
use steppe::Remedy;

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
    // A closed pipe (`steppe info | head -2`) ends output quietly, as other Unix tools do;
    // `println!` reports it as a panic, which the hook keeps silent and the catch below maps
    // to a normal exit. Any other panic is a bug, but still ends in one clear line.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_broken_pipe(panic_message(info.payload()).as_deref()) {
            default_hook(info);
        }
    }));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commands::dispatch(cli)));
    let _ = std::panic::take_hook();
    match result {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("error: {e}{}", remedy_hint(&e));
            1
        }
        Err(panic) => {
            let msg = panic_message(panic.as_ref()).unwrap_or_else(|| "unknown panic".into());
            if is_broken_pipe(Some(&msg)) {
                return 0;
            }
            eprintln!("error: internal error ({msg}); please report it with the command you ran");
            1
        }
    }
}

/// The command-line option that changes an error's outcome, as a clause to append.
fn remedy_hint(e: &steppe::Error) -> String {
    let hint = match (e.remedy(), e.failure()) {
        (Some(Remedy::WaitForLock), _) => "pass --wait to wait for it".to_string(),
        (Some(Remedy::ReimportReplace), _) => "pass --reimport replace to replace them".into(),
        (Some(Remedy::MaxRejectRate), steppe::Error::RejectRate { store, .. }) => format!(
            "see them with `steppe query rejects --store {}`, or raise the limit with \
             --max-reject-rate",
            store.display()
        ),
        _ => return String::new(),
    };
    format!(" ({hint})")
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
}

fn is_broken_pipe(msg: Option<&str>) -> bool {
    msg.is_some_and(|m| m.contains("failed printing to stdout") && m.contains("Broken pipe"))
}
