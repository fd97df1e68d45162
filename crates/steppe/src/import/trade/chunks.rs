//! The input in chunks of whole lines, read (and decompressed) on a thread of their own, so
//! reading overlaps parsing while at most a few chunks are in memory. A parser takes them as
//! chunks ([`Chunks::next`], the BACI hot path) or as one byte stream ([`ChunkStream`], for a
//! CSV record reader).

use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use crate::{Error, Location, Result};

/// Bytes of input per chunk handed from the reader thread to the parser.
const CHUNK_BYTES: usize = 2 << 20;

/// Longest line accepted (a file without newlines must not be read whole into memory).
pub(crate) const MAX_LINE_BYTES: usize = 16 << 20;

/// A piece of input holding whole lines.
pub(crate) struct Chunk {
    /// The bytes; every line ends with `\n` except possibly the last line of the input.
    pub data: Vec<u8>,
    /// True for the last chunk when the input does not end with a newline.
    pub last_without_newline: bool,
}

/// The chunks of one input, as the reader thread sends them.
pub(crate) struct Chunks {
    rx: Receiver<Result<Chunk>>,
    recycle: SyncSender<Vec<u8>>,
}

impl Chunks {
    /// The next chunk, the input's error, or `None` at its end.
    pub fn next(&mut self) -> Option<Result<Chunk>> {
        self.rx.recv().ok()
    }

    /// Gives a spent chunk's buffer back for reuse (no fresh zeroed pages for every chunk).
    pub fn recycle(&self, data: Vec<u8>) {
        let _ = self.recycle.try_send(data);
    }

    /// The chunks as one byte stream.
    pub fn into_stream(self) -> ChunkStream {
        ChunkStream {
            chunks: self,
            current: Vec::new(),
            pos: 0,
            error: None,
        }
    }
}

/// The chunks as one byte stream ([`Read`] and [`BufRead`]). The input's error is kept for
/// [`ChunkStream::take_error`]; the stream itself reports an `io::Error` with its message.
pub(crate) struct ChunkStream {
    chunks: Chunks,
    current: Vec<u8>,
    pos: usize,
    error: Option<Error>,
}

impl ChunkStream {
    /// The error that ended the stream, as the reader thread reported it.
    pub fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }
}

impl Read for ChunkStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.fill_buf()?.read(buf)?;
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChunkStream {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.pos == self.current.len() {
            match self.chunks.next() {
                None => return Ok(&[]),
                Some(Ok(chunk)) => {
                    let spent = std::mem::replace(&mut self.current, chunk.data);
                    self.chunks.recycle(spent);
                    self.pos = 0;
                }
                Some(Err(e)) => {
                    let io = std::io::Error::other(e.to_string());
                    self.error = Some(e);
                    return Err(io);
                }
            }
        }
        Ok(&self.current[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.current.len());
    }
}

/// Spawns the thread that reads `reader` (the input at `path`) and sends chunks of whole
/// lines (about [`CHUNK_BYTES`] each) through a bounded channel. The thread stops at the end
/// of the input, on its error (sent as the last message), or when the receiver is dropped.
pub(crate) fn spawn_chunk_reader(reader: Box<dyn Read + Send>, path: PathBuf) -> Result<Chunks> {
    let (tx, rx) = sync_channel::<Result<Chunk>>(2);
    let (recycle, recycled) = sync_channel::<Vec<u8>>(2);
    let input = path.clone();
    std::thread::Builder::new()
        .name("steppe-read".into())
        .spawn(move || {
            if let Err(e) = read_chunks(reader, &input, &tx, &recycled) {
                let _ = tx.send(Err(e));
            }
        })
        .map_err(|e| Error::io(&path, e))?;
    Ok(Chunks { rx, recycle })
}

/// The reader thread's loop; `Ok` at the end of the input or when the parser hung up.
fn read_chunks(
    mut reader: Box<dyn Read + Send>,
    path: &std::path::Path,
    tx: &SyncSender<Result<Chunk>>,
    recycled: &Receiver<Vec<u8>>,
) -> Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let mut buf = recycled.try_recv().unwrap_or_default();
        buf.clear();
        buf.append(&mut carry);
        let eof = fill(&mut reader, &mut buf).map_err(|e| Error::io(path, e))?;
        if eof {
            if !buf.is_empty() {
                let last_without_newline = !buf.ends_with(b"\n");
                let _ = tx.send(Ok(Chunk {
                    data: buf,
                    last_without_newline,
                }));
            }
            return Ok(());
        }
        let Some(i) = memchr::memrchr(b'\n', &buf) else {
            if buf.len() > MAX_LINE_BYTES {
                return Err(Error::format(
                    Location::file(path),
                    format!("a line is longer than {MAX_LINE_BYTES} bytes: not a CSV file of this format"),
                ));
            }
            carry = buf;
            continue;
        };
        carry.extend_from_slice(&buf[i + 1..]);
        buf.truncate(i + 1);
        let chunk = Chunk {
            data: buf,
            last_without_newline: false,
        };
        if tx.send(Ok(chunk)).is_err() {
            return Ok(()); // the parser stopped
        }
    }
}

/// Appends up to [`CHUNK_BYTES`] read from `reader` to `buf`; true at the end of the input.
fn fill(reader: &mut dyn Read, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    buf.reserve_exact(CHUNK_BYTES);
    let n = reader.take(CHUNK_BYTES as u64).read_to_end(buf)?;
    Ok(n < CHUNK_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_of_chunks_is_the_input_and_an_input_error_is_kept() {
        let data: Vec<u8> = (0..200_000)
            .flat_map(|i| format!("{i},x\n").into_bytes())
            .collect();
        let chunks = spawn_chunk_reader(
            Box::new(std::io::Cursor::new(data.clone())),
            "in.csv".into(),
        );
        let mut out = Vec::new();
        chunks.unwrap().into_stream().read_to_end(&mut out).unwrap();
        assert_eq!(out, data);

        // A line longer than the limit, then more input: refused before the end is read.
        let mut long = vec![b'a'; MAX_LINE_BYTES + 3 * CHUNK_BYTES];
        long.extend_from_slice(b"\nb\n");
        let chunks = spawn_chunk_reader(Box::new(std::io::Cursor::new(long)), "in.csv".into());
        let mut stream = chunks.unwrap().into_stream();
        let mut out = Vec::new();
        assert!(stream.read_to_end(&mut out).is_err());
        let e = stream.take_error().unwrap().to_string();
        assert!(e.contains("in.csv") && e.contains("longer than"), "{e}");
    }
}
