//! The one way long calls (imports, reads of many files) run: the work runs on a worker
//! thread without the GIL while the calling thread wakes every 50 ms, takes the GIL, calls
//! `Python::check_signals()` (Ctrl-C) and the `progress=` callback. When a signal handler (or
//! the callback) raises, the core is asked to stop through `Progress::should_stop`; an import
//! then fails with `Error::Cancelled`, committing nothing, and the Python exception (usually
//! `KeyboardInterrupt`) is raised once the worker has returned.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use pyo3::prelude::*;
use steppe::progress::Progress;

use crate::errors::{guard, Failure};

/// How often the calling thread checks for signals and reports progress.
const TICK: Duration = Duration::from_millis(50);

/// What the worker shares with the calling thread: input bytes processed so far (over every
/// file of the call) and the request to stop.
#[derive(Debug, Default)]
struct Watch {
    done: AtomicU64,
    stop: AtomicBool,
}

impl Progress for Watch {
    fn advance(&self, bytes: u64, _rows: u64) {
        self.done.fetch_add(bytes, Ordering::Relaxed);
    }

    fn should_stop(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// A `progress=` callable `(bytes_done: int, bytes_total: int | None) -> object`, and the
/// total it is given.
pub struct Callback {
    call: Py<PyAny>,
    total: Option<u64>,
}

impl Callback {
    /// The callback for a call reading `inputs`: the total is their size on disk, or `None`
    /// when one is compressed (`.gz`, `.zip`: the bytes counted are the expanded ones) or
    /// cannot be measured.
    pub fn new(call: Option<Py<PyAny>>, inputs: &[PathBuf]) -> Option<Callback> {
        call.map(|call| Callback {
            call,
            total: total_bytes(inputs),
        })
    }
}

impl Callback {
    /// The callback for a call whose total is not known up front (a download).
    pub fn without_total(call: Option<Py<PyAny>>) -> Option<Callback> {
        call.map(|call| Callback { call, total: None })
    }
}

fn total_bytes(inputs: &[PathBuf]) -> Option<u64> {
    let mut sum = 0;
    for p in inputs {
        let name = p.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".gz") || name.ends_with(".zip") {
            return None;
        }
        sum += std::fs::metadata(p).ok()?.len();
    }
    Some(sum)
}

/// Runs `work` with the GIL released (see the module doc), giving it the progress receiver
/// to pass to the core. Returns its result, or the exception a signal handler or `callback`
/// raised meanwhile: that exception wins even when the work finished regardless.
pub fn run_long<T, E>(
    py: Python<'_>,
    callback: Option<Callback>,
    work: impl FnOnce(Arc<dyn Progress>) -> Result<T, E> + Send,
) -> PyResult<T>
where
    T: Send,
    E: Into<Failure>,
{
    let watch = Arc::new(Watch::default());
    let (result, raised) = py.detach(|| {
        std::thread::scope(|s| {
            let caller = std::thread::current();
            let progress: Arc<dyn Progress> = watch.clone();
            let worker = s.spawn(move || {
                let r = guard(|| work(progress));
                caller.unpark();
                r
            });
            let mut raised = None;
            let mut reported = None;
            loop {
                let finished = worker.is_finished();
                if raised.is_none() {
                    let done = watch.done.load(Ordering::Relaxed);
                    // The callback first, so a signal raised while it ran is seen at once.
                    let tick = Python::attach(|py| -> PyResult<()> {
                        if let Some(cb) = callback.as_ref().filter(|_| reported != Some(done)) {
                            cb.call.call1(py, (done, cb.total))?;
                        }
                        py.check_signals()
                    });
                    reported = Some(done);
                    if let Err(e) = tick {
                        watch.stop.store(true, Ordering::Relaxed);
                        raised = Some(e);
                    }
                }
                if finished {
                    break;
                }
                std::thread::park_timeout(TICK);
            }
            let result = worker
                .join()
                .unwrap_or_else(|p| Err(Failure::Panic(crate::errors::panic_message(&*p))));
            (result, raised)
        })
    });
    match raised {
        Some(e) => Err(e),
        None => result.map_err(PyErr::from),
    }
}

/// Runs an import through [`run_long`]: `opts` get the progress receiver that reports to
/// `progress` (the `progress=` callable, over the bytes of `inputs`) and stops on Ctrl-C.
pub fn run_import<T: Send>(
    py: Python<'_>,
    opts: steppe::import::ImportOptions,
    progress: Option<Py<PyAny>>,
    inputs: &[PathBuf],
    work: impl FnOnce(&steppe::import::ImportOptions) -> steppe::Result<T> + Send,
) -> PyResult<T> {
    run_long(py, Callback::new(progress, inputs), move |receiver| {
        work(&steppe::import::ImportOptions {
            progress: receiver,
            ..opts
        })
    })
}
