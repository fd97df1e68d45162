//! Progress reporting for long work (imports), and the caller's way to stop it. The core only
//! calls this trait; the CLI draws a progress bar, Python passes a callback and Ctrl-C, and
//! the default does nothing.

use crate::{Error, Result};

/// Receives progress of a long operation. All methods default to doing nothing.
pub trait Progress: Send + Sync {
    /// Work on `label` starts; `total_bytes` is the input size when known.
    fn start(&self, _label: &str, _total_bytes: Option<u64>) {}
    /// `bytes` more input bytes and `rows` more rows were processed.
    fn advance(&self, _bytes: u64, _rows: u64) {}
    /// The current piece of work is done.
    fn finish(&self) {}
    /// Whether the caller asks the work to stop. Importers ask between batches (every few
    /// thousand rows) and then fail with [`Error::Cancelled`], committing nothing.
    fn should_stop(&self) -> bool {
        false
    }
}

impl std::fmt::Debug for dyn Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// `Err(Error::Cancelled)` when `progress` asks to stop, else `Ok(())`.
pub fn check_stop(progress: &dyn Progress) -> Result<()> {
    if progress.should_stop() {
        Err(Error::Cancelled)
    } else {
        Ok(())
    }
}

/// Reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {}

#[cfg(test)]
mod tests {
    use super::*;

    struct Stop;
    impl Progress for Stop {
        fn should_stop(&self) -> bool {
            true
        }
    }

    #[test]
    fn check_stop_fails_only_when_asked() {
        assert!(check_stop(&NoProgress).is_ok());
        assert!(matches!(check_stop(&Stop), Err(Error::Cancelled)));
    }
}
