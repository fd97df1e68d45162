//! The one CSV reader of every importer, on `csv-core`: RFC 4180 quoting (quoted fields may
//! hold delimiters, `""` and newlines; a quote inside an unquoted field is text), LF or CRLF
//! line ends, a UTF-8 BOM dropped, blank lines skipped. Each [`CsvRecord`] keeps the 1-based
//! line it starts on and its raw bytes (for the `raw` column of rejects); fields are bytes,
//! decoded on request as UTF-8 or, when not UTF-8, Windows-1252 ([`super::decode_line`]).
//! Memory is bounded: a record longer than [`DEFAULT_MAX_RECORD_BYTES`] (an unclosed quote, a
//! file that is not text) is an [`Error::Format`] naming the file and the line it starts on.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

use csv_core::{ReadRecordResult, ReaderBuilder, Terminator};

use super::decode_line;
use crate::{Error, Location, Result};

/// Longest record read (64 MiB): enough for any real row, small enough to stay in memory.
pub(crate) const DEFAULT_MAX_RECORD_BYTES: usize = 64 << 20;

/// Bytes read from the input at a time.
const BUFFER_BYTES: usize = 1 << 20;

/// One record: the line it starts on, its raw bytes and its fields.
#[derive(Debug, Default, Clone)]
pub(crate) struct CsvRecord {
    line: u64,
    raw: Vec<u8>,
    fields: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    line_end: bool,
}

impl CsvRecord {
    /// The 1-based line of the input where the record starts.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The record's bytes as read (every physical line of it), without the final line end.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Whether the record ended with a line end (`false` for a last line without one).
    pub fn has_line_end(&self) -> bool {
        self.line_end
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Field `i` as read (quotes removed, `""` unescaped), or `None` past the last field.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.len {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.fields[start..self.ends[i]])
    }

    /// Field `i` without surrounding ASCII whitespace; empty past the last field.
    pub fn field(&self, i: usize) -> &[u8] {
        self.get(i).unwrap_or(b"").trim_ascii()
    }

    /// Field `i` as trimmed text: UTF-8, else Windows-1252 (Latin-1 and spreadsheet
    /// re-saves); empty past the last field.
    pub fn text(&self, i: usize) -> Cow<'_, str> {
        match decode_line(self.field(i)).0 {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
        }
    }

    /// Field `i` as trimmed UTF-8 (for formats that are UTF-8 by specification); empty past
    /// the last field.
    pub fn utf8(&self, i: usize) -> std::result::Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(self.field(i)).map(str::trim)
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len).filter_map(|i| self.get(i))
    }

    /// Whether every field is empty or blank (`,,` is as blank as an empty line).
    pub fn is_blank(&self) -> bool {
        self.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
    }

    fn clear(&mut self) {
        self.raw.clear();
        self.len = 0;
        self.line_end = false;
        self.fields.resize(self.fields.len().max(4096), 0);
        self.ends.resize(self.ends.len().max(64), 0);
    }
}

/// Reads [`CsvRecord`]s from a byte stream.
pub(crate) struct CsvReader<R> {
    inner: R,
    path: PathBuf,
    core: csv_core::Reader,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    started: bool,
    next_line: u64,
    consumed: u64,
    max_record_bytes: usize,
}

impl<R: Read> CsvReader<R> {
    /// A comma-separated reader; `path` names the input in errors.
    pub fn new(inner: R, path: &Path) -> Self {
        Self::with_core(inner, path, ReaderBuilder::new())
    }

    /// A reader of fields separated by `delimiter`, quoted as in RFC 4180 (Comtrade's bulk
    /// files are tab-separated, UCDP ACD re-saves `;`-separated).
    pub fn with_delimiter(inner: R, path: &Path, delimiter: u8) -> Self {
        let mut b = ReaderBuilder::new();
        b.delimiter(delimiter);
        Self::with_core(inner, path, b)
    }

    /// A tab-separated reader without quoting (GDELT: a quote is text).
    pub fn tab_separated(inner: R, path: &Path) -> Self {
        let mut b = ReaderBuilder::new();
        b.delimiter(b'\t').quoting(false);
        Self::with_core(inner, path, b)
    }

    fn with_core(inner: R, path: &Path, mut b: ReaderBuilder) -> Self {
        // LF ends a record; the CR of a CRLF is removed afterwards, so a stray CR inside a
        // line stays text instead of splitting the record.
        b.terminator(Terminator::Any(b'\n'));
        CsvReader {
            inner,
            path: path.to_path_buf(),
            core: b.build(),
            buf: vec![0; BUFFER_BYTES].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            started: false,
            next_line: 1,
            consumed: 0,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }

    /// Sets the longest record accepted, in bytes.
    #[allow(dead_code)] // tests; formats with shorter records
    pub fn max_record_bytes(mut self, n: usize) -> Self {
        self.max_record_bytes = n;
        self
    }

    /// Bytes of the input consumed so far (after decompression).
    pub fn bytes_read(&self) -> u64 {
        self.consumed
    }

    /// Reads the next non-empty line's record into `rec`; `false` at the end of the input.
    /// Fails on a read error or a record longer than the limit, naming the file and line.
    pub fn read(&mut self, rec: &mut CsvRecord) -> Result<bool> {
        rec.clear();
        rec.line = self.next_line;
        let (mut outlen, mut endlen) = (0, 0);
        loop {
            if self.start == self.end && !self.eof {
                self.fill()?;
            }
            let input = &self.buf[self.start..self.end];
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, &mut rec.fields[outlen..], &mut rec.ends[endlen..]);
            let taken = &input[..nin];
            self.start += nin;
            self.consumed += nin as u64;
            self.next_line += memchr::memchr_iter(b'\n', taken).count() as u64;
            // Blank lines before the record are not part of it.
            let taken = if rec.raw.is_empty() {
                let blank = taken.iter().take_while(|b| **b == b'\n').count();
                rec.line += blank as u64;
                &taken[blank..]
            } else {
                taken
            };
            rec.raw.extend_from_slice(taken);
            (outlen, endlen) = (outlen + nout, endlen + nend);
            if rec.raw.len() > self.max_record_bytes {
                let message = format!(
                    "the record starting on this line runs past {} bytes (an unclosed quote, or \
                     not a text file); the file was not imported",
                    self.max_record_bytes
                );
                return Err(Error::format(
                    Location::file(&self.path).row(rec.line),
                    message,
                ));
            }
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    // Fields are never longer than the raw bytes, which are bounded above.
                    let n = rec.fields.len() * 2;
                    rec.fields.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = rec.ends.len() * 2;
                    rec.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    rec.len = endlen;
                    finish_record(rec);
                    return Ok(true);
                }
                ReadRecordResult::End => return Ok(false),
            }
        }
    }

    /// Refills the buffer; at the very start, also drops a UTF-8 BOM.
    fn fill(&mut self) -> Result<()> {
        self.start = 0;
        self.end = 0;
        let want = if self.started { 1 } else { 3 };
        while self.end < want {
            let n = loop {
                match self.inner.read(&mut self.buf[self.end..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(Error::io(&self.path, e)),
                }
            };
            if n == 0 {
                self.eof = true;
                break;
            }
            self.end += n;
        }
        if !std::mem::replace(&mut self.started, true)
            && self.buf[..self.end].starts_with(b"\xEF\xBB\xBF")
        {
            self.start = 3;
            self.consumed = 3;
        }
        Ok(())
    }
}

/// For a header read as comma-separated that came out as one field holding semicolons, tabs
/// or bars (a spreadsheet re-save): "; the header is separated by `;`, not commas: re-save
/// the file comma-separated", to append to the header error; else "".
pub(crate) fn delimiter_hint(names: &[String]) -> String {
    let [only] = names else {
        return String::new();
    };
    let found = [(';', "`;`"), ('\t', "tabs"), ('|', "`|`")]
        .into_iter()
        .find(|(c, _)| only.contains(*c));
    match found {
        Some((_, shown)) => format!(
            "; the header is separated by {shown}, not commas: re-save the file comma-separated"
        ),
        None => String::new(),
    }
}

/// Removes the final line end (LF or CRLF) from the raw bytes and the last field.
fn finish_record(rec: &mut CsvRecord) {
    if rec.raw.last() == Some(&b'\n') {
        rec.raw.pop();
        rec.line_end = true;
        if rec.raw.last() == Some(&b'\r') {
            rec.raw.pop();
            let last = rec.len - 1;
            let start = if last == 0 { 0 } else { rec.ends[last - 1] };
            if rec.ends[last] > start && rec.fields[rec.ends[last] - 1] == b'\r' {
                rec.ends[last] -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_hints() {
        let one = |s: &str| vec![s.to_string()];
        assert_eq!(
            delimiter_hint(&one("id;year;best")),
            "; the header is separated by `;`, not commas: re-save the file comma-separated"
        );
        assert!(delimiter_hint(&one("id\tyear")).contains("separated by tabs"));
        assert_eq!(delimiter_hint(&one("id")), "");
        assert_eq!(delimiter_hint(&["a;b".into(), "c".into()]), "");
    }

    /// Every record of `input` as (line, fields, raw), blank records left out.
    fn records(input: &[u8]) -> Vec<(u64, Vec<String>, String)> {
        let mut r = CsvReader::new(input, Path::new("t.csv"));
        let mut rec = CsvRecord::default();
        let mut out = Vec::new();
        while r.read(&mut rec).unwrap() {
            if rec.is_blank() {
                continue;
            }
            out.push((
                rec.line(),
                rec.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
                String::from_utf8_lossy(rec.raw()).into_owned(),
            ));
        }
        out
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bom_is_dropped_and_a_quoted_first_field_stays_quoted() {
        let r = records(b"\xEF\xBB\xBF\"a\",b\nx,y\n");
        assert_eq!(r[0], (1, strings(&["a", "b"]), "\"a\",b".into()));
        assert_eq!(r[1], (2, strings(&["x", "y"]), "x,y".into()));
        // A BOM later in the file is text, and a file of only a BOM has no record.
        assert_eq!(records(b"a\n\xEF\xBB\xBFb\n")[1].1[0], "\u{feff}b");
        assert!(records(b"\xEF\xBB\xBF").is_empty());
    }

    #[test]
    fn crlf_and_blank_lines_keep_line_numbers() {
        let r = records(b"h1,h2,\r\n\r\n\r\n1,\"q\"\r\n,,\r\nlast,2");
        assert_eq!(r.len(), 3);
        assert_eq!(r[0], (1, strings(&["h1", "h2", ""]), "h1,h2,".into()));
        assert_eq!(r[1], (4, strings(&["1", "q"]), "1,\"q\"".into()));
        assert_eq!(r[2], (6, strings(&["last", "2"]), "last,2".into()));
        // Empty lines (LF only) are skipped by the parser itself.
        let r = records(b"a\n\n\n\nb\n");
        assert_eq!((r[0].0, r[1].0), (1, 5));
    }

    #[test]
    fn quoted_newlines_count_from_the_record_start() {
        let input = b"id,note\n1,\"two\r\nlines, \"\"quoted\"\"\"\n2,\"x\ny\nz\"\n3,end\n";
        let r = records(input);
        assert_eq!(r[1].0, 2);
        assert_eq!(r[1].1, strings(&["1", "two\r\nlines, \"quoted\""]));
        assert_eq!(r[1].2, "1,\"two\r\nlines, \"\"quoted\"\"\"");
        assert_eq!((r[2].0, r[3].0), (4, 7));
        assert_eq!(r[3].1, strings(&["3", "end"]));
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_text() {
        let r = records(b"a,b\n5\" pipe,x\"y\"\nnext,1\n");
        assert_eq!(
            r[1],
            (
                2,
                strings(&["5\" pipe", "x\"y\""]),
                "5\" pipe,x\"y\"".into()
            )
        );
        assert_eq!(r[2].0, 3);
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end_and_an_over_long_record_names_its_line() {
        // Within the limit: the rest of the input is one record starting on line 3.
        let r = records(b"a,b\n1,2\n3,\"open\n4,5\n6,7\n");
        assert_eq!(r.len(), 3);
        assert_eq!((r[2].0, r[2].1.len()), (3, 2));
        // Past the limit: an error naming the file and the record's first line, read in
        // bounded memory.
        let mut input = b"a,b\n1,2\n\n3,\"".to_vec();
        input.extend(std::iter::repeat_n(b'y', 10_000));
        let mut r = CsvReader::new(&input[..], Path::new("big.csv")).max_record_bytes(1000);
        let mut rec = CsvRecord::default();
        assert!(r.read(&mut rec).unwrap() && r.read(&mut rec).unwrap());
        match r.read(&mut rec).unwrap_err() {
            Error::Format { location, message } => {
                assert_eq!(location.row, Some(4));
                assert!(location.path.unwrap().ends_with("big.csv"));
                assert!(message.contains("1000 bytes"), "{message}");
            }
            other => panic!("{other}"),
        }
        // A line without any line end is also bounded.
        let flat = vec![b'x'; 5000];
        let mut r = CsvReader::new(&flat[..], Path::new("flat.csv")).max_record_bytes(100);
        assert!(r.read(&mut rec).is_err());
    }

    #[test]
    fn invalid_utf8_and_latin1_text() {
        let input = b"name,n\nok,1\nC\xf4te d'Ivoire,2\n\"S\xe3o Tom\xe9\",3\n";
        let mut r = CsvReader::new(&input[..], Path::new("t.csv"));
        let mut rec = CsvRecord::default();
        let mut lines = Vec::new();
        while r.read(&mut rec).unwrap() {
            if rec.utf8(0).is_err() {
                lines.push((rec.line(), rec.text(0).into_owned()));
                assert_eq!(rec.text(9), "", "past the last field");
            }
            assert!(rec.utf8(1).is_ok());
        }
        // The records that are not UTF-8 are found at their lines and read as Windows-1252.
        assert_eq!(
            lines,
            vec![
                (3, "Côte d'Ivoire".to_string()),
                (4, "São Tomé".to_string())
            ]
        );
    }

    #[test]
    fn tab_separated_without_quoting() {
        let input = b"1\t\"a\tb\r\n2\t\"\t\n";
        let mut r = CsvReader::tab_separated(&input[..], Path::new("g.CSV"));
        let mut rec = CsvRecord::default();
        assert!(r.read(&mut rec).unwrap());
        assert_eq!((rec.line(), rec.len()), (1, 3));
        assert_eq!(rec.get(1), Some(&b"\"a"[..]));
        assert_eq!(rec.get(2), Some(&b"b"[..]));
        assert!(rec.has_line_end());
        assert!(r.read(&mut rec).unwrap());
        assert_eq!((rec.line(), rec.len(), rec.field(1)), (2, 3, &b"\""[..]));
        assert!(!r.read(&mut rec).unwrap());
        assert_eq!(r.bytes_read(), input.len() as u64);
    }
}
