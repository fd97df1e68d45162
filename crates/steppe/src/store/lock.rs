//! The store's write lock: an OS file lock on `.steppe.lock`, so two imports never interleave.
//! The OS drops it when the process dies, so a crash never leaves a store locked.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use crate::{Error, Result};

/// Name of the lock file in the store root.
pub const LOCK_FILE: &str = ".steppe.lock";

/// A held write lock; released on drop.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

impl StoreLock {
    /// Takes the lock, failing fast with [`Error::Locked`] or waiting when `wait` is set.
    pub fn acquire(root: &Path, wait: bool) -> Result<StoreLock> {
        let path = root.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        if wait {
            file.lock().map_err(|e| Error::io(&path, e))?;
        } else {
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::Locked {
                        path: root.to_path_buf(),
                    })
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
        }
        Ok(StoreLock { _file: file })
    }
}
