//! Progress reporting for long work (imports). The core only calls this trait; the CLI draws
//! a progress bar, Python may pass a callback, and the default does nothing.

/// Receives progress of a long operation. All methods default to doing nothing.
pub trait Progress: Send + Sync {
    /// Work on `label` starts; `total_bytes` is the input size when known.
    fn start(&self, _label: &str, _total_bytes: Option<u64>) {}
    /// `bytes` more input bytes and `rows` more rows were processed.
    fn advance(&self, _bytes: u64, _rows: u64) {}
    /// The current piece of work is done.
    fn finish(&self) {}
}

/// Reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {}
