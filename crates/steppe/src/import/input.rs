//! Input files: identity (name, size, sha256), transparent decompression of `.zip` and `.gz`
//! with a limit on the expanded size (a small archive must not expand without bound), and
//! text decoding (UTF-8 with or without BOM; Windows-1252 when the bytes are not UTF-8).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};

use sha2::{Digest as _, Sha256};

use crate::model::{DatePrecision, Source};
use crate::{Error, Location, Result};

/// Default limit on how many bytes an archive may expand to (64 GiB).
pub const DEFAULT_MAX_EXPANDED_BYTES: u64 = 64 << 30;

/// A file given to an importer, identified by its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Path as given.
    pub path: PathBuf,
    /// File name without directories.
    pub name: String,
    /// Size in bytes (of the file as stored, compressed or not).
    pub bytes: u64,
    /// sha256 of the file's bytes, hex.
    pub sha256: String,
}

impl InputFile {
    /// Reads the file once to learn its size and sha256.
    pub fn inspect(path: impl AsRef<Path>) -> Result<InputFile> {
        let path = path.as_ref();
        check_input(path)?;
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut hasher = Sha256::new();
        let bytes = std::io::copy(&mut BufReader::with_capacity(1 << 20, file), &mut hasher)
            .map_err(|e| Error::io(path, e))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(InputFile {
            path: path.to_path_buf(),
            name,
            bytes,
            sha256: hex::encode(hasher.finalize()),
        })
    }

    /// The stable source id of this file's content: `<importer>:<sha256 prefix>`.
    pub fn source_id(&self, importer: &str) -> String {
        format!("{importer}-{}", &self.sha256[..16])
    }

    /// A `dataset` Source describing this file.
    pub fn source(
        &self,
        importer: &str,
        title: &str,
        license: Option<&str>,
        version: Option<&str>,
    ) -> Source {
        let today = chrono::Utc::now().date_naive();
        Source {
            source_id: self.source_id(importer),
            csl_type: "dataset".into(),
            title: Some(title.to_string()),
            container_title: None,
            publisher: None,
            authors: Vec::new(),
            issued: None,
            issued_precision: None::<DatePrecision>,
            accessed: Some(today),
            url: None,
            doi: None,
            version: version.map(String::from),
            page: None,
            license: license.map(String::from),
            redistributable: true,
            cited_by: None,
            content_sha256: Some(self.sha256.clone()),
            byte_size: Some(self.bytes as i64),
            note: Some(format!(
                "input file {} imported by steppe {importer}",
                self.name
            )),
        }
    }

    /// Opens the content as a byte stream: the file itself, the first member of a `.zip`
    /// whose name ends in `member_suffix` (case-insensitive; any member when empty), or the
    /// decompressed gzip stream (a `.gz` name or gzip's magic bytes). Expansion beyond
    /// `max_expanded` bytes is an error.
    pub fn open(&self, member_suffix: &str, max_expanded: u64) -> Result<Box<dyn Read + Send>> {
        self.open_ahead(member_suffix, max_expanded, ZIP_FIRST)
    }

    /// Like [`open`](InputFile::open), but a zip member starts inflating at once, up to
    /// [`ZIP_AHEAD`] bytes ahead of the reader: for a member the caller will read next while
    /// it finishes something else (the next year of a BACI release archive).
    pub(crate) fn prefetch(
        &self,
        member_suffix: &str,
        max_expanded: u64,
    ) -> Result<Box<dyn Read + Send>> {
        self.open_ahead(member_suffix, max_expanded, ZIP_AHEAD)
    }

    /// [`open`](InputFile::open) with a zip member's thread first allowed `ahead` bytes ahead.
    fn open_ahead(
        &self,
        member_suffix: &str,
        max_expanded: u64,
        ahead: usize,
    ) -> Result<Box<dyn Read + Send>> {
        let lower = self.name.to_ascii_lowercase();
        let file = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        if lower.ends_with(".zip") {
            let error = |message: String| Error::format(Location::file(&self.path), message);
            let mut archive = zip::ZipArchive::new(file)
                .map_err(|e| error(format!("not a readable zip archive: {e}")))?;
            let suffix = member_suffix.to_ascii_lowercase();
            let wanted = |m: zip::read::ZipFile<'_, File>| {
                let name = m.name().map(|n| n.to_ascii_lowercase());
                m.is_file() && (suffix.is_empty() || name.is_ok_and(|n| n.ends_with(&suffix)))
            };
            let index = (0..archive.len())
                .find(|&i| archive.by_index(i).is_ok_and(wanted))
                .ok_or_else(|| error(format!("the archive holds no `*{member_suffix}` file")))?;
            // Read the member through a limiter: the declared size cannot be trusted.
            let member = ZipMember::spawn(archive, index, ahead);
            return Ok(Box::new(Limited::new(member, max_expanded, &self.path)));
        }
        if lower.ends_with(".gz") || is_gzip(&self.path)? {
            let dec = flate2::read::MultiGzDecoder::new(BufReader::new(file));
            return Ok(Box::new(Limited::new(dec, max_expanded, &self.path)));
        }
        Ok(Box::new(file))
    }

    /// Whether the content is compressed: a `.zip` (its member is the content), a `.gz`, or
    /// gzip's magic bytes under another name.
    pub fn is_compressed(&self) -> Result<bool> {
        let lower = self.name.to_ascii_lowercase();
        Ok(lower.ends_with(".zip") || lower.ends_with(".gz") || is_gzip(&self.path)?)
    }

    /// Like [`open`](InputFile::open); for a compressed input, the content is also hashed as
    /// it is read, and the [`Digest`] gives its sha256 and size once the read reaches the end
    /// (so `x.csv.gz` is known as the content of `x.csv`); `None` for a plain file, whose
    /// sha256 is the content's.
    pub(crate) fn open_digested(
        &self,
        member_suffix: &str,
        max_expanded: u64,
    ) -> Result<(Box<dyn Read + Send>, Option<Digest>)> {
        let reader = self.open(member_suffix, max_expanded)?;
        if !self.is_compressed()? {
            return Ok((reader, None));
        }
        let (reader, digest) = Digesting::new(reader, &self.path);
        Ok((Box::new(reader), Some(digest)))
    }

    /// Fails with [`empty_input`] when the content (the file, or the archive member
    /// [`open`](InputFile::open) picks) holds nothing but blanks: no byte other than a BOM,
    /// spaces, tabs and line ends. Every importer calls it before anything is written.
    pub fn require_content(&self, member_suffix: &str, max_expanded: u64) -> Result<()> {
        let reader = BufReader::new(self.open(member_suffix, max_expanded)?);
        // Bytes of a leading BOM seen so far (a BOM only counts at the very start).
        let mut bom = 0;
        for (i, b) in reader.bytes().enumerate() {
            let b = b.map_err(|e| Error::io(&self.path, e))?;
            if bom == i && bom < 3 && b == b"\xEF\xBB\xBF"[bom] {
                bom += 1;
            } else if !b.is_ascii_whitespace() {
                return Ok(());
            }
        }
        Err(empty_input(&self.path))
    }
}

/// Checks, without reading them, that every input exists and is a file (not a directory):
/// run before anything is written, so a bad input given last fails the import before the
/// first is committed.
pub fn check_inputs(paths: &[PathBuf]) -> Result<()> {
    paths.iter().try_for_each(|p| check_input(p))
}

/// Fails with [`Error::Io`] (not found, ...) when `path` cannot be inspected, and with a
/// format error `<path>: is a directory, ...` when it is a directory.
fn check_input(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::format(
            Location::file(path),
            "is a directory, not an input file; give the files in it (e.g. `dir/*.csv`)",
        ));
    }
    Ok(())
}

/// Whether the file starts with gzip's magic bytes (`1f 8b`): a gzipped file is read as
/// such whatever its name.
fn is_gzip(path: &Path) -> Result<bool> {
    let mut magic = [0u8; 2];
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    match file.read_exact(&mut magic) {
        Ok(()) => Ok(magic == [0x1f, 0x8b]),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The error for an input without content, the same for every importer:
/// `<file>: empty input: no header and no rows`.
pub fn empty_input(path: &Path) -> Error {
    Error::format(
        Location::file(path),
        "empty input: no header and no rows; nothing was imported",
    )
}

/// Streams one member of a zip archive. The member reader borrows the archive, so a thread
/// decompresses it into buffers that go to the reader through a channel and come back once
/// read (no buffer is allocated or zeroed twice); this also puts decompression on the second
/// core while the caller parses.
///
/// The thread keeps at most its allowance of buffers out: `ahead` bytes at first
/// ([`ZIP_FIRST`] for [`InputFile::open`], [`ZIP_AHEAD`] for [`InputFile::prefetch`]), raised
/// by twice every buffer given back, never past [`ZIP_AHEAD`]. So a header check that stops
/// after one line costs one small buffer of inflate, not megabytes, and memory stays flat.
struct ZipMember {
    rx: Receiver<std::io::Result<(Vec<u8>, usize)>>,
    recycle: Sender<Vec<u8>>,
    chunk: Vec<u8>,
    len: usize,
    pos: usize,
}

/// The most a zip member's thread inflates ahead of its reader (bytes).
const ZIP_AHEAD: usize = 16 << 20;

/// The largest buffer a zip member's thread fills (bytes); the first are smaller.
const ZIP_BUFFER: usize = 1 << 20;

/// The first buffer, and the allowance a member opened with [`InputFile::open`] starts with.
const ZIP_FIRST: usize = 64 << 10;

impl ZipMember {
    fn spawn(mut archive: zip::ZipArchive<File>, index: usize, ahead: usize) -> ZipMember {
        let (tx, rx) = channel();
        let (recycle, recycled) = channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut send_chunks = || -> std::io::Result<()> {
                let mut member = archive.by_index(index).map_err(std::io::Error::other)?;
                let mut pace = Pace::new(ahead);
                // `None`: the reader has stopped.
                while let Some(mut buf) = pace.buffer(&recycled) {
                    let n = fill_from(&mut member, &mut buf)?;
                    let size = buf.len();
                    // Done at the end, or when the reader stopped early.
                    if n == 0 || tx.send(Ok((buf, n))).is_err() {
                        break;
                    }
                    pace.out += size;
                }
                Ok(())
            };
            if let Err(e) = send_chunks() {
                let _ = tx.send(Err(e));
            }
        });
        ZipMember {
            rx,
            recycle,
            chunk: Vec::new(),
            len: 0,
            pos: 0,
        }
    }
}

/// Reads into `buf` until it is full or the input ends; the bytes read.
fn fill_from(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The buffers a zip member's thread has out, and how many it may have (see [`ZipMember`]).
struct Pace {
    /// Bytes of the buffers sent and not yet given back.
    out: usize,
    /// The most `out` may be.
    allowance: usize,
    /// Size of the next new buffer.
    next_size: usize,
    /// Buffers given back and not yet reused.
    free: Vec<Vec<u8>>,
}

impl Pace {
    fn new(ahead: usize) -> Pace {
        Pace {
            out: 0,
            allowance: ahead.clamp(ZIP_FIRST, ZIP_AHEAD),
            next_size: ZIP_FIRST,
            free: Vec::new(),
        }
    }

    /// A buffer to fill: one given back, else a new one within the allowance, else the next
    /// one given back (waiting for it); `None` when the reader has stopped.
    fn buffer(&mut self, recycled: &Receiver<Vec<u8>>) -> Option<Vec<u8>> {
        while let Ok(buf) = recycled.try_recv() {
            self.given_back(buf);
        }
        // Small early buffers are dropped once larger ones may be made.
        let room = self.out + self.next_size <= self.allowance;
        self.free.retain(|b| !room || b.len() >= self.next_size);
        if let Some(buf) = self.free.pop() {
            return Some(buf);
        }
        if room {
            let buf = vec![0u8; self.next_size];
            self.next_size = (self.next_size * 2).min(ZIP_BUFFER);
            return Some(buf);
        }
        let buf = recycled.recv().ok()?;
        self.given_back(buf);
        self.free.pop()
    }

    /// Takes back a buffer the reader has finished with, raising the allowance.
    fn given_back(&mut self, buf: Vec<u8>) {
        self.out = self.out.saturating_sub(buf.len());
        self.allowance = (self.allowance + 2 * buf.len()).min(ZIP_AHEAD);
        self.free.push(buf);
    }
}

impl Read for ZipMember {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.len {
            // Give the spent buffer back before waiting: the thread may need it to go on.
            let spent = std::mem::take(&mut self.chunk);
            if !spent.is_empty() {
                // The thread may have ended; then the buffer is simply dropped.
                let _ = self.recycle.send(spent);
            }
            match self.rx.recv() {
                Ok(Ok((c, len))) => {
                    self.chunk = c;
                    self.len = len;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = (&self.chunk[self.pos..self.len]).read(buf)?;
        self.pos += n;
        Ok(n)
    }
}

/// Fails once more than `limit` bytes have been read (a decompression bomb guard).
struct Limited<R> {
    inner: R,
    left: u64,
    limit: u64,
    path: PathBuf,
}

impl<R> Limited<R> {
    fn new(inner: R, limit: u64, path: &Path) -> Self {
        let path = path.to_path_buf();
        let left = limit;
        Limited {
            inner,
            left,
            limit,
            path,
        }
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{}: expands past the limit of {} bytes (a decompression bomb?); raise the limit if the file is genuine",
                    self.path.display(),
                    self.limit
                ),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// A reader passing its input through while hashing it: the sha256 and size of everything
/// read, known once the read reaches the end ([`Digest::result`]).
pub(crate) struct Digesting {
    inner: Box<dyn Read + Send>,
    hasher: Sha256,
    bytes: u64,
    result: std::sync::Arc<std::sync::Mutex<Option<(String, u64)>>>,
}

/// The sha256 (hex) and size of what a [`Digesting`] reader read, once it reached the end.
pub(crate) struct Digest {
    result: std::sync::Arc<std::sync::Mutex<Option<(String, u64)>>>,
    path: PathBuf,
}

impl Digesting {
    /// Wraps `inner` (the content of the file at `path`, for errors).
    pub(crate) fn new(inner: Box<dyn Read + Send>, path: &Path) -> (Digesting, Digest) {
        let result = std::sync::Arc::default();
        let digest = Digest {
            result: std::sync::Arc::clone(&result),
            path: path.to_path_buf(),
        };
        let reader = Digesting {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            result,
        };
        (reader, digest)
    }
}

impl Read for Digesting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.hasher.update(&buf[..n]);
            self.bytes += n as u64;
        } else if !buf.is_empty() {
            let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
            let mut slot = self.result.lock().unwrap_or_else(|e| e.into_inner());
            slot.get_or_insert((sha256, self.bytes));
        }
        Ok(n)
    }
}

impl Digest {
    /// The sha256 and size; an error when the reader did not reach the end.
    pub(crate) fn result(self) -> Result<(String, u64)> {
        let slot = self.result.lock().unwrap_or_else(|e| e.into_inner());
        slot.clone().ok_or_else(|| {
            Error::io(
                &self.path,
                std::io::Error::other("the file was not read to its end"),
            )
        })
    }
}

/// Decodes a line of input: UTF-8 (a leading BOM removed), else Windows-1252, which is what
/// older Comtrade and World Bank downloads use. Returns the text and whether it was UTF-8.
pub fn decode_line(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), true),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text, false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, Write};

    #[test]
    fn hashes_and_opens_plain_gzip_and_zip() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("a.csv");
        std::fs::write(&plain, b"x,y\n1,2\n").unwrap();
        let f = InputFile::inspect(&plain).unwrap();
        assert_eq!(f.bytes, 8);
        assert_eq!(f.sha256.len(), 64);
        let mut s = String::new();
        f.open("", 1 << 20).unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "x,y\n1,2\n");

        let zpath = dir.path().join("a.zip");
        let mut z = zip::ZipWriter::new(File::create(&zpath).unwrap());
        z.start_file("readme.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"ignore me").unwrap();
        z.start_file("data.CSV", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(&b"x,y\n".repeat(10_000)).unwrap();
        z.finish().unwrap();
        let zf = InputFile::inspect(&zpath).unwrap();
        let mut s = String::new();
        zf.open(".csv", 1 << 20)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s.len(), 40_000);
        // The same archive with a small limit is refused, not expanded.
        let mut s = String::new();
        let err = zf
            .open(".csv", 1000)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap_err();
        assert!(err.to_string().contains("limit"), "{err}");
        assert!(zf.open(".tsv", 1 << 20).is_err());

        let gpath = dir.path().join("a.csv.gz");
        let mut g = flate2::write::GzEncoder::new(
            File::create(&gpath).unwrap(),
            flate2::Compression::default(),
        );
        g.write_all(b"x,y\n").unwrap();
        g.finish().unwrap();
        let mut s = String::new();
        InputFile::inspect(&gpath)
            .unwrap()
            .open("", 100)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "x,y\n");
    }

    #[test]
    fn a_zip_member_streams_whole_through_recycled_buffers() {
        let dir = tempfile::tempdir().unwrap();
        let zpath = dir.path().join("big.zip");
        let content: Vec<u8> = (0..300_000u32)
            .flat_map(|i| format!("{i},{}\n", i.wrapping_mul(2_654_435_761)).into_bytes())
            .collect();
        assert!(content.len() > 4 * ZIP_BUFFER);
        let mut z = zip::ZipWriter::new(File::create(&zpath).unwrap());
        z.start_file("data.csv", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(&content).unwrap();
        z.finish().unwrap();
        let zf = InputFile::inspect(&zpath).unwrap();
        for prefetch in [false, true] {
            let mut reader = if prefetch {
                zf.prefetch(".csv", 1 << 30).unwrap()
            } else {
                zf.open(".csv", 1 << 30).unwrap()
            };
            // Odd-sized reads across the buffers' edges.
            let mut out = Vec::new();
            let mut buf = [0u8; 7_777];
            loop {
                let n = reader.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
            assert!(out == content, "prefetch {prefetch}: {} bytes", out.len());
        }
        // A reader dropped after one line stops the thread (the test would hang otherwise).
        let mut line = String::new();
        BufReader::new(zf.open(".csv", 1 << 30).unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line, "0,0\n");
    }

    #[test]
    fn a_zip_member_runs_ahead_only_within_its_allowance() {
        // Nothing is given back and the reader is gone: `buffer` hands out new buffers while
        // the allowance lasts, then stops.
        let handed_out = |ahead: usize| {
            let (_, recycled) = channel::<Vec<u8>>();
            let mut pace = Pace::new(ahead);
            let mut total = 0;
            while let Some(buf) = pace.buffer(&recycled) {
                pace.out += buf.len();
                total += buf.len();
            }
            total
        };
        // Opened for reading: one small buffer until the reader gives it back.
        assert_eq!(handed_out(ZIP_FIRST), ZIP_FIRST);
        // Prefetched: up to ZIP_AHEAD at once.
        let ahead = handed_out(ZIP_AHEAD);
        assert!(
            ahead <= ZIP_AHEAD && ahead > ZIP_AHEAD - ZIP_BUFFER,
            "{ahead}"
        );
        // A buffer given back is reused, and raises the allowance by twice its size.
        let (tx, recycled) = channel::<Vec<u8>>();
        let mut pace = Pace::new(ZIP_FIRST);
        let first = pace.buffer(&recycled).unwrap();
        pace.out += first.len();
        tx.send(first).unwrap();
        let second = pace.buffer(&recycled).unwrap();
        assert_eq!(second.len(), 2 * ZIP_FIRST);
        assert_eq!(pace.allowance, 3 * ZIP_FIRST);
    }

    #[test]
    fn decodes_bom_utf8_and_windows_1252() {
        assert_eq!(decode_line(b"\xEF\xBB\xBFCountry").0, "Country");
        let (t, utf8) = decode_line(b"C\xf4te d'Ivoire");
        assert_eq!(t, "Côte d'Ivoire");
        assert!(!utf8);
    }
}
