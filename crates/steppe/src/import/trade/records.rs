//! A quote-aware CSV record reader that keeps each record's raw bytes and line number for
//! rejects, and the header helpers of the trade importers.

use std::io::BufRead;

use super::chunks::MAX_LINE_BYTES;
use super::numbers::{decode_text, strip_bom, trim_field};
use crate::{Error, Result};

/// One CSV record: its fields (unquoted) and the raw bytes it was read from.
#[derive(Debug, Default)]
pub(crate) struct Record {
    /// 1-based line number of the record's first line.
    pub line: u64,
    /// The raw bytes (all physical lines of the record, newline included).
    pub raw: Vec<u8>,
    buf: Vec<u8>,
    ends: Vec<usize>,
    /// Whether the record ended at end of file without a newline.
    pub no_newline: bool,
}

impl Record {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i` (unquoted; `""` escapes undone), or empty when absent.
    pub fn get(&self, i: usize) -> &[u8] {
        if i >= self.ends.len() {
            return b"";
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }

    /// Field `i` trimmed of surrounding spaces.
    pub fn field(&self, i: usize) -> &[u8] {
        trim_field(self.get(i))
    }

    /// Field `i` decoded as text and trimmed.
    pub fn text(&self, i: usize) -> String {
        decode_text(self.field(i)).trim().to_string()
    }

    /// Whether the record is an empty line.
    pub fn is_blank(&self) -> bool {
        self.raw.iter().all(|b| b.is_ascii_whitespace())
    }
}

/// Reads CSV records from a byte stream, tracking line numbers; quoted fields may hold commas,
/// doubled quotes and newlines.
pub(crate) struct RecordReader<R> {
    reader: R,
    next_line: u64,
}

impl<R: BufRead> RecordReader<R> {
    /// A reader whose first record is line 1.
    pub fn new(reader: R) -> Self {
        RecordReader {
            reader,
            next_line: 1,
        }
    }

    /// Reads the next record into `rec`; false at end of input.
    pub fn read(&mut self, rec: &mut Record) -> std::io::Result<bool> {
        rec.raw.clear();
        rec.buf.clear();
        rec.ends.clear();
        rec.no_newline = false;
        rec.line = self.next_line;
        let mut in_quotes = false;
        let mut field_start_quoted = false;
        let mut at_field_start = true;
        let mut scanned = 0;
        loop {
            let n = read_line_limited(&mut self.reader, &mut rec.raw)?;
            if n == 0 {
                if rec.raw.is_empty() {
                    return Ok(false);
                }
                rec.no_newline = true;
                break;
            }
            self.next_line += 1;
            let mut i = scanned;
            let bytes = &rec.raw;
            while i < bytes.len() {
                let c = bytes[i];
                if in_quotes {
                    if c == b'"' {
                        if bytes.get(i + 1) == Some(&b'"') {
                            rec.buf.push(b'"');
                            i += 1;
                        } else {
                            in_quotes = false;
                        }
                    } else {
                        rec.buf.push(c);
                    }
                } else if c == b'"' && at_field_start {
                    in_quotes = true;
                    field_start_quoted = true;
                    at_field_start = false;
                } else if c == b',' {
                    rec.ends.push(rec.buf.len());
                    at_field_start = true;
                    field_start_quoted = false;
                } else if c == b'\n' || (c == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
                    // End of line outside quotes.
                } else {
                    if !(at_field_start && (c == b' ' || c == b'\t')) || field_start_quoted {
                        at_field_start = false;
                    }
                    rec.buf.push(c);
                }
                i += 1;
            }
            scanned = rec.raw.len();
            if !in_quotes {
                break;
            }
            if !rec.raw.ends_with(b"\n") {
                rec.no_newline = true;
                break;
            }
        }
        if !rec.raw.ends_with(b"\n") {
            rec.no_newline = true;
        }
        rec.ends.push(rec.buf.len());
        Ok(true)
    }
}

/// `read_until(b'\n')` that refuses lines longer than [`MAX_LINE_BYTES`].
fn read_line_limited<R: BufRead>(r: &mut R, out: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(total);
        }
        let (done, used) = match memchr::memchr(b'\n', available) {
            Some(i) => (true, i + 1),
            None => (false, available.len()),
        };
        out.extend_from_slice(&available[..used]);
        r.consume(used);
        total += used;
        if done {
            return Ok(total);
        }
        if out.len() > MAX_LINE_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "a line is longer than {MAX_LINE_BYTES} bytes: not a CSV file of this format"
                ),
            ));
        }
    }
}

/// Reads the first line of an input (for checking the header before anything is written).
pub(crate) fn read_header(
    input: &crate::import::InputFile,
    member: &str,
    max: u64,
) -> Result<Record> {
    input.require_content(member, max)?;
    let reader = input.open(member, max)?;
    let mut rr = RecordReader::new(std::io::BufReader::with_capacity(64 << 10, reader));
    let mut rec = Record::default();
    let found = rr.read(&mut rec).map_err(|e| Error::io(&input.path, e))?;
    if !found {
        return Err(crate::import::input::empty_input(&input.path));
    }
    Ok(rec)
}

/// The header's names, trimmed, BOM removed, a trailing empty name dropped.
pub(crate) fn header_names(rec: &Record) -> Vec<String> {
    let mut names: Vec<String> = (0..rec.len())
        .map(|i| {
            let f = if i == 0 {
                strip_bom(rec.get(0))
            } else {
                rec.get(i)
            };
            decode_text(trim_field(f)).trim().to_string()
        })
        .collect();
    while names.len() > 1 && names.last().is_some_and(|n| n.is_empty()) {
        names.pop();
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_quotes_newlines_and_raw_lines() {
        let data = b"a,\"b, c\",\"d\"\"e\"\r\n\"multi\nline\",,x\nlast,1";
        let mut rr = RecordReader::new(&data[..]);
        let mut rec = Record::default();
        assert!(rr.read(&mut rec).unwrap());
        assert_eq!(rec.line, 1);
        assert_eq!(rec.len(), 3);
        assert_eq!(rec.get(1), b"b, c");
        assert_eq!(rec.get(2), b"d\"e");
        assert!(rr.read(&mut rec).unwrap());
        assert_eq!(rec.line, 2);
        assert_eq!(rec.get(0), b"multi\nline");
        assert_eq!(rec.get(1), b"");
        assert_eq!(rec.raw, b"\"multi\nline\",,x\n");
        assert!(rr.read(&mut rec).unwrap());
        assert_eq!(rec.line, 4);
        assert!(rec.no_newline);
        assert_eq!(rec.get(1), b"1");
        assert!(!rr.read(&mut rec).unwrap());
    }
}
