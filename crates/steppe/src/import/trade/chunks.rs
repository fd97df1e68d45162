//! Chunks of whole lines, read (and decompressed) on a thread of their own.

use std::io::Read;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use super::records::MAX_LINE_BYTES;
use crate::{Error, Location, Result};

/// Bytes of input per chunk handed from the reader thread to the parser.
const CHUNK_BYTES: usize = 2 << 20;

/// A piece of input holding whole lines.
pub(crate) struct Chunk {
    /// The bytes; every line ends with `\n` except possibly the last line of the input.
    pub data: Vec<u8>,
    /// True for the last chunk when the input does not end with a newline.
    pub last_without_newline: bool,
}

/// Spawns a thread that reads `reader` and sends chunks of whole lines (about [`CHUNK_BYTES`]
/// each) through a bounded channel, so reading and decompression overlap parsing while at most
/// a few chunks are in memory.
pub(crate) fn spawn_chunk_reader(
    mut reader: Box<dyn Read + Send>,
    path: std::path::PathBuf,
) -> (Receiver<Result<Chunk>>, SyncSender<Vec<u8>>) {
    let (tx, rx) = sync_channel::<Result<Chunk>>(2);
    // Spent chunks come back for reuse (no fresh zeroed pages for every chunk).
    let (recycle_tx, recycle_rx) = sync_channel::<Vec<u8>>(2);
    std::thread::Builder::new()
        .name("steppe-read".into())
        .spawn(move || {
            let mut carry: Vec<u8> = Vec::new();
            loop {
                let mut buf = recycle_rx.try_recv().unwrap_or_default();
                buf.clear();
                buf.extend_from_slice(&carry);
                carry.clear();
                let target = buf.len() + CHUNK_BYTES;
                buf.resize(target, 0);
                let mut filled = target - CHUNK_BYTES;
                let mut eof = false;
                while filled < target {
                    match reader.read(&mut buf[filled..]) {
                        Ok(0) => {
                            eof = true;
                            break;
                        }
                        Ok(n) => filled += n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            let _ = tx.send(Err(Error::io(&path, e)));
                            return;
                        }
                    }
                }
                buf.truncate(filled);
                if eof {
                    if !buf.is_empty() {
                        let last_without_newline = !buf.ends_with(b"\n");
                        let _ = tx.send(Ok(Chunk {
                            data: buf,
                            last_without_newline,
                        }));
                    }
                    return;
                }
                match memchr::memrchr(b'\n', &buf) {
                    Some(i) => {
                        carry.extend_from_slice(&buf[i + 1..]);
                        buf.truncate(i + 1);
                        if tx
                            .send(Ok(Chunk {
                                data: buf,
                                last_without_newline: false,
                            }))
                            .is_err()
                        {
                            return; // the parser stopped
                        }
                    }
                    None => {
                        if buf.len() > MAX_LINE_BYTES {
                            let _ = tx.send(Err(Error::format(
                                Location::file(&path),
                                format!("a line is longer than {MAX_LINE_BYTES} bytes: not a CSV file of this format"),
                            )));
                            return;
                        }
                        carry = buf;
                    }
                }
            }
        })
        .expect("spawn reader thread");
    (rx, recycle_tx)
}
