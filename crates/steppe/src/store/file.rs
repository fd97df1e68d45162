//! The bytes of one data file: a file on disk read with positioned reads (row groups read in
//! parallel share it without sharing an offset), or bytes compiled into the binary; opened
//! with its size checked against the descriptor's.

use std::sync::Arc;

use bytes::Bytes;
use parquet::file::reader::ChunkReader;

use super::{paths, FileEntry, Root, Store};
use crate::{Error, Result};

impl Store {
    /// Opens a file named by the descriptor, checking its size against the descriptor's.
    pub(super) fn open_file(&self, file: &FileEntry) -> Result<Source> {
        let (source, len) = match &self.root {
            Root::Dir(root) => {
                let p = paths::resolve(root, &file.path)?;
                let f = std::fs::File::open(&p).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => Error::store(
                        &p,
                        "file named by the descriptor is missing: the store is damaged (run `steppe validate`)",
                    ),
                    _ => Error::io(&p, e),
                })?;
                let len = f.metadata().map_err(|e| Error::io(&p, e))?.len();
                (
                    Source::File(PositionedFile {
                        file: Arc::new(f),
                        len,
                    }),
                    len,
                )
            }
            Root::Embedded(_) => {
                let bytes = self.file_bytes(&file.path)?;
                let len = bytes.len() as u64;
                (Source::Bytes(bytes), len)
            }
        };
        if len != file.bytes {
            return Err(Error::store(
                self.file_location(&file.path),
                format!(
                    "size {} differs from the descriptor's {}: the file is damaged (run `steppe validate`)",
                    len, file.bytes
                ),
            ));
        }
        Ok(source)
    }
}

/// The bytes of one Parquet file: a file on disk (read in place) or bytes in memory.
pub(super) enum Source {
    File(PositionedFile),
    Bytes(Bytes),
}

/// A file read with positioned reads, so that threads reading row groups in parallel share
/// it without sharing a file offset.
#[derive(Clone)]
pub(super) struct PositionedFile {
    file: Arc<std::fs::File>,
    len: u64,
}

/// A reader over a [`PositionedFile`] from some offset.
pub(super) struct PositionedRead {
    file: Arc<std::fs::File>,
    pos: u64,
}

fn read_at(file: &std::fs::File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_at(file, buf, pos)
    }
    #[cfg(windows)]
    {
        std::os::windows::fs::FileExt::seek_read(file, buf, pos)
    }
}

impl std::io::Read for PositionedRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = read_at(&self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl parquet::file::reader::Length for PositionedFile {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for PositionedFile {
    type T = std::io::BufReader<PositionedRead>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        Ok(std::io::BufReader::new(PositionedRead {
            file: self.file.clone(),
            pos: start,
        }))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        let mut buf = vec![0u8; length];
        let mut done = 0;
        while done < length {
            let n = read_at(&self.file, &mut buf[done..], start + done as u64)?;
            if n == 0 {
                return Err(parquet::errors::ParquetError::EOF(format!(
                    "expected {length} bytes at {start}, read {done}"
                )));
            }
            done += n;
        }
        Ok(Bytes::from(buf))
    }
}
