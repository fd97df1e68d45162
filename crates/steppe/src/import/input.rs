//! Input files: identity (name, size, sha256), transparent decompression of `.zip` and `.gz`
//! with a limit on the expanded size (a small archive must not expand without bound), and
//! text decoding (UTF-8 with or without BOM; Windows-1252 when the bytes are not UTF-8).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

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
            let member = ZipMember::spawn(archive, index);
            return Ok(Box::new(Limited::new(member, max_expanded, &self.path)));
        }
        if lower.ends_with(".gz") || is_gzip(&self.path)? {
            let dec = flate2::read::MultiGzDecoder::new(BufReader::new(file));
            return Ok(Box::new(Limited::new(dec, max_expanded, &self.path)));
        }
        Ok(Box::new(file))
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
/// decompresses it into a bounded channel of chunks (which also puts decompression on the
/// second core while the caller parses).
struct ZipMember {
    rx: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
}

impl ZipMember {
    fn spawn(mut archive: zip::ZipArchive<File>, index: usize) -> ZipMember {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        std::thread::spawn(move || {
            let mut send_chunks = || -> std::io::Result<()> {
                let mut member = archive.by_index(index).map_err(std::io::Error::other)?;
                loop {
                    let mut buf = vec![0u8; 1 << 20];
                    let n = member.read(&mut buf)?;
                    buf.truncate(n);
                    // Done at the end, or when the reader stopped early.
                    if n == 0 || tx.send(Ok(buf)).is_err() {
                        return Ok(());
                    }
                }
            };
            if let Err(e) = send_chunks() {
                let _ = tx.send(Err(e));
            }
        });
        ZipMember {
            rx,
            chunk: Vec::new(),
            pos: 0,
        }
    }
}

impl Read for ZipMember {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.chunk.len() {
            match self.rx.recv() {
                Ok(Ok(c)) => {
                    self.chunk = c;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = (&self.chunk[self.pos..]).read(buf)?;
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
    use std::io::Write;

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
    fn decodes_bom_utf8_and_windows_1252() {
        assert_eq!(decode_line(b"\xEF\xBB\xBFCountry").0, "Country");
        let (t, utf8) = decode_line(b"C\xf4te d'Ivoire");
        assert_eq!(t, "Côte d'Ivoire");
        assert!(!utf8);
    }
}
