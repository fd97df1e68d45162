//! Machinery shared by the trade importers ([`super::baci`], [`super::comtrade`]): a reader
//! thread that cuts the input into chunks of whole lines, number parsing without allocation,
//! a quote-aware CSV record reader that keeps the raw line for rejects, a column builder that
//! produces `trade_flows` batches directly (no serde on the hot path), the reference data
//! (crosswalk and entities) an import resolves codes against, and the entities importers create
//! for statistical pseudo-areas.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use arrow_array::types::Int16Type;
use arrow_array::{
    new_null_array, ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int16Array, Int64Array,
    Int8Array, RecordBatch, StringArray,
};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::SchemaRef;

use crate::codes::CodeIndex;
use crate::import::ImportRun;
use crate::model::{Entity, EntityCode, EntityType, Scheme, Source};
use crate::schema::Table;
use crate::store::Store;
use crate::{Error, Location, Result};

/// Rows per `trade_flows` batch: one Parquet row group of the default writer settings.
pub(crate) const BATCH_ROWS: usize = 128 * 1024;

/// Bytes of input per chunk handed from the reader thread to the parser.
const CHUNK_BYTES: usize = 2 << 20;

/// Longest line accepted (a file without newlines must not be read whole into memory).
pub(crate) const MAX_LINE_BYTES: usize = 16 << 20;

// ---------------------------------------------------------------------------------------------
// Text and numbers

/// Removes surrounding ASCII spaces, tabs and carriage returns, then one pair of double quotes.
#[inline]
pub(crate) fn trim_field(b: &[u8]) -> &[u8] {
    let mut s = b;
    while let [first, rest @ ..] = s {
        if *first == b' ' || *first == b'\t' {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if *last == b' ' || *last == b'\t' || *last == b'\r' {
            s = rest;
        } else {
            break;
        }
    }
    if s.len() >= 2 && s[0] == b'"' && s[s.len() - 1] == b'"' {
        s = &s[1..s.len() - 1];
    }
    s
}

/// Parses an unsigned integer of at most 9 digits (after [`trim_field`]).
#[inline]
pub(crate) fn parse_uint(b: &[u8]) -> Option<u32> {
    let s = trim_field(b);
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    let mut n: u32 = 0;
    for &c in s {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + d as u32;
    }
    Some(n)
}

/// Whether a field spells a missing value: empty, `NA`, `N/A`, `NaN`, `NULL` (any case).
#[inline]
pub(crate) fn is_missing(s: &[u8]) -> bool {
    s.is_empty()
        || s.eq_ignore_ascii_case(b"NA")
        || s.eq_ignore_ascii_case(b"N/A")
        || s.eq_ignore_ascii_case(b"NaN")
        || s.eq_ignore_ascii_case(b"NULL")
}

/// A parsed amount.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Amount {
    /// Empty or `NA`.
    Missing,
    /// The value times `10^scale`, and the unit of its last published digit (same scale).
    Value { value: f64, precision: Option<f64> },
    /// A negative number.
    Negative,
    /// Not a number.
    Malformed,
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];
const POW10_U64: [u64; 4] = [1, 10, 100, 1000];
const TWO_53: u64 = 1 << 53;

/// Parses a decimal amount and multiplies it by `10^scale` (`scale` <= 3: thousand USD to USD
/// is 3). A plain decimal (`-?digits[.digits]`) is converted exactly: the result is the double
/// nearest to the decimal times `10^scale` (one correctly rounded operation on exact operands),
/// not a rounded parse multiplied again. Other spellings (exponents) go through the standard
/// parser. Negative numbers (other than zero) are [`Amount::Negative`].
#[inline]
pub(crate) fn parse_amount(raw: &[u8], scale: u32) -> Amount {
    debug_assert!(scale <= 3);
    let s = trim_field(raw);
    if is_missing(s) {
        return Amount::Missing;
    }
    let (negative, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut frac: Option<u32> = None;
    let mut plain = !body.is_empty();
    for &c in body {
        let d = c.wrapping_sub(b'0');
        if d <= 9 {
            if digits >= 19 {
                plain = false;
                break;
            }
            mantissa = mantissa * 10 + d as u64;
            digits += 1;
            if let Some(f) = frac.as_mut() {
                *f += 1;
            }
        } else if c == b'.' && frac.is_none() {
            frac = Some(0);
        } else {
            plain = false;
            break;
        }
    }
    if plain && digits > 0 {
        if negative && mantissa != 0 {
            return Amount::Negative;
        }
        let d = frac.unwrap_or(0);
        if d <= scale {
            let mul = POW10_U64[(scale - d) as usize];
            if mantissa <= TWO_53 / mul {
                return Amount::Value {
                    value: (mantissa * mul) as f64,
                    precision: Some(mul as f64),
                };
            }
        } else {
            let e = (d - scale) as usize;
            if mantissa <= TWO_53 && e < POW10.len() {
                return Amount::Value {
                    value: mantissa as f64 / POW10[e],
                    precision: Some(1.0 / POW10[e]),
                };
            }
        }
    }
    // Exponents, very long numbers: the standard parser.
    let Ok(text) = std::str::from_utf8(s) else {
        return Amount::Malformed;
    };
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => {
            let value = v * POW10[scale as usize];
            if v < 0.0 {
                Amount::Negative
            } else if !value.is_finite() {
                // `1e307` thousand USD: finite as read, infinite once scaled.
                Amount::Malformed
            } else {
                Amount::Value {
                    value,
                    precision: None,
                }
            }
        }
        _ => Amount::Malformed,
    }
}

/// Decodes a field: UTF-8, or Windows-1252 when the bytes are not UTF-8 (older Comtrade and
/// BACI country files).
pub(crate) fn decode_text(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(b).0.into_owned(),
    }
}

/// Strips a UTF-8 byte-order mark.
pub(crate) fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// Whether a description names a "not elsewhere specified" residual (`Other Asia, nes`,
/// `Areas, n.e.s.`).
pub(crate) fn names_nes(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
        .any(|w| w == "nes" || w == "n.e.s." || w == "n.e.s")
}

// ---------------------------------------------------------------------------------------------
// CSV records (quote-aware, raw line kept)

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
pub(crate) fn read_header(input: &super::InputFile, member: &str, max: u64) -> Result<Record> {
    input.require_content(member, max)?;
    let reader = input.open(member, max)?;
    let mut rr = RecordReader::new(std::io::BufReader::with_capacity(64 << 10, reader));
    let mut rec = Record::default();
    let found = rr.read(&mut rec).map_err(|e| Error::io(&input.path, e))?;
    if !found {
        return Err(super::input::empty_input(&input.path));
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

// ---------------------------------------------------------------------------------------------
// Chunks of whole lines, read on their own thread

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

// ---------------------------------------------------------------------------------------------
// Messages from the parser thread to the writing thread

/// A row refused by a parser, applied to the run by the writing thread.
pub(crate) struct PendingReject {
    pub line: u64,
    pub field: Option<&'static str>,
    pub reason: &'static str,
    pub detail: String,
    pub raw: Vec<u8>,
}

/// What a parser hands over: rows read, a batch of accepted rows, rejects, skips.
#[derive(Default)]
pub(crate) struct Part {
    pub read: u64,
    pub bytes: u64,
    pub batch: Option<RecordBatch>,
    pub rejects: Vec<PendingReject>,
    pub skips: Vec<(&'static str, u64)>,
}

impl Part {
    pub fn is_empty(&self) -> bool {
        self.read == 0
            && self.bytes == 0
            && self.batch.is_none()
            && self.rejects.is_empty()
            && self.skips.is_empty()
    }

    pub fn reject(
        &mut self,
        line: u64,
        field: Option<&'static str>,
        reason: &'static str,
        detail: String,
        raw: &[u8],
    ) {
        self.rejects.push(PendingReject {
            line,
            field,
            reason,
            detail,
            raw: raw.to_vec(),
        });
    }

    pub fn skip(&mut self, reason: &'static str) {
        match self.skips.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => self.skips.push((reason, 1)),
        }
    }
}

/// Applies a part to the run: accounting, rejects, the batch (Parquet encoding happens here,
/// on the writing thread), progress; fails with `Error::Cancelled` when asked to stop.
pub(crate) fn apply_part(
    run: &mut ImportRun,
    part: Part,
    progress: &dyn crate::progress::Progress,
) -> Result<()> {
    run.read_rows(part.read);
    for r in part.rejects {
        run.reject(r.line, r.field, r.reason, r.detail, &r.raw)?;
    }
    for (reason, n) in part.skips {
        for _ in 0..n {
            run.skip(reason);
        }
    }
    if let Some(batch) = part.batch {
        run.accept(batch.num_rows() as u64);
        run.write(Table::TradeFlows, &batch)?;
    }
    progress.advance(part.bytes, part.read);
    crate::progress::check_stop(progress)
}

// ---------------------------------------------------------------------------------------------
// Building trade_flows batches

/// A growing list of dictionary values with their keys.
#[derive(Debug, Default, Clone)]
pub(crate) struct Dict {
    values: Vec<String>,
    index: HashMap<String, i16>,
    array: Option<ArrayRef>,
}

impl Dict {
    /// A dictionary holding `values` in order.
    pub fn with_values<S: AsRef<str>>(values: &[S]) -> Dict {
        let mut d = Dict::default();
        for v in values {
            d.key(v.as_ref());
        }
        d
    }

    /// The key of `value`, added if new.
    pub fn key(&mut self, value: &str) -> i16 {
        if let Some(k) = self.index.get(value) {
            return *k;
        }
        let k = i16::try_from(self.values.len()).expect("fewer than 32768 dictionary values");
        self.values.push(value.to_string());
        self.index.insert(value.to_string(), k);
        self.array = None;
        k
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// The value of key `k`.
    pub fn value(&self, k: i16) -> &str {
        &self.values[k as usize]
    }

    fn array(&mut self) -> ArrayRef {
        if self.array.is_none() {
            self.array = Some(Arc::new(StringArray::from_iter_values(self.values.iter())));
        }
        self.array.clone().expect("set above")
    }
}

/// The dictionaries of the `trade_flows` columns an importer fills.
#[derive(Debug, Clone)]
pub(crate) struct TradeDicts {
    /// Entity ids (reporter and partner share it).
    pub entities: Dict,
    /// Classification names.
    pub classifications: Dict,
    /// Quantity units.
    pub units: Dict,
    source: Dict,
    flows: Dict,
    perspectives: Dict,
    price_bases: Dict,
    currency: Dict,
    derivation: Dict,
}

impl TradeDicts {
    /// Dictionaries for rows of `source_id` derived as `derivation`.
    pub fn new(source_id: &str, derivation: crate::model::Derivation) -> TradeDicts {
        use crate::model::{Flow, Perspective, PriceBasis};
        TradeDicts {
            entities: Dict::default(),
            classifications: Dict::default(),
            units: Dict::default(),
            source: Dict::with_values(&[source_id]),
            flows: Dict::with_values(&Flow::ALL.iter().map(|f| f.as_str()).collect::<Vec<_>>()),
            perspectives: Dict::with_values(
                &Perspective::ALL
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>(),
            ),
            price_bases: Dict::with_values(
                &PriceBasis::ALL
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>(),
            ),
            currency: Dict::with_values(&["USD"]),
            derivation: Dict::with_values(&[derivation.as_str()]),
        }
    }
}

/// Key of a flow in [`TradeDicts`] (the order of `Flow::ALL`).
pub(crate) fn flow_key(f: crate::model::Flow) -> i16 {
    crate::model::Flow::ALL
        .iter()
        .position(|x| *x == f)
        .expect("listed") as i16
}

/// Key of a perspective in [`TradeDicts`].
pub(crate) fn perspective_key(p: crate::model::Perspective) -> i16 {
    crate::model::Perspective::ALL
        .iter()
        .position(|x| *x == p)
        .expect("listed") as i16
}

/// Key of a price basis in [`TradeDicts`].
pub(crate) fn price_basis_key(p: crate::model::PriceBasis) -> i16 {
    crate::model::PriceBasis::ALL
        .iter()
        .position(|x| *x == p)
        .expect("listed") as i16
}

/// One accepted row, in dictionary keys and primitives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    pub year: i16,
    pub month: Option<i8>,
    pub reporter: i16,
    pub partner: i16,
    pub flow: i16,
    pub perspective: i16,
    pub classification: i16,
    pub commodity: &'a [u8],
    pub value: Option<f64>,
    pub price_basis: i16,
    pub value_precision: Option<f64>,
    pub quantity: Option<f64>,
    pub unit: Option<i16>,
    pub is_estimated: bool,
    pub line: i64,
}

/// Column vectors of `trade_flows` rows being collected into a batch.
pub(crate) struct TradeColumns {
    schema: SchemaRef,
    year: Vec<i16>,
    month: Vec<i8>,
    month_valid: Vec<bool>,
    any_month: bool,
    reporter: Vec<i16>,
    partner: Vec<i16>,
    flow: Vec<i16>,
    perspective: Vec<i16>,
    classification: Vec<i16>,
    commodity: Vec<u8>,
    commodity_offsets: Vec<i32>,
    value: Vec<f64>,
    value_valid: Vec<bool>,
    price_basis: Vec<i16>,
    precision: Vec<f64>,
    precision_valid: Vec<bool>,
    quantity: Vec<f64>,
    quantity_valid: Vec<bool>,
    unit: Vec<i16>,
    unit_valid: Vec<bool>,
    estimated: Vec<bool>,
    line: Vec<i64>,
    lean: Option<Lean>,
}

/// The constant columns of lean rows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lean {
    pub year: i16,
    pub flow: i16,
    pub perspective: i16,
    pub classification: i16,
    pub price_basis: i16,
    pub unit: i16,
}

impl TradeColumns {
    pub fn new() -> TradeColumns {
        let n = BATCH_ROWS;
        TradeColumns {
            schema: Table::TradeFlows.schema(),
            year: Vec::with_capacity(n),
            month: Vec::with_capacity(n),
            month_valid: Vec::with_capacity(n),
            any_month: false,
            reporter: Vec::with_capacity(n),
            partner: Vec::with_capacity(n),
            flow: Vec::with_capacity(n),
            perspective: Vec::with_capacity(n),
            classification: Vec::with_capacity(n),
            commodity: Vec::with_capacity(n * 6),
            commodity_offsets: {
                let mut v = Vec::with_capacity(n + 1);
                v.push(0);
                v
            },
            value: Vec::with_capacity(n),
            value_valid: Vec::with_capacity(n),
            price_basis: Vec::with_capacity(n),
            precision: Vec::with_capacity(n),
            precision_valid: Vec::with_capacity(n),
            quantity: Vec::with_capacity(n),
            quantity_valid: Vec::with_capacity(n),
            unit: Vec::with_capacity(n),
            unit_valid: Vec::with_capacity(n),
            estimated: Vec::with_capacity(n),
            line: Vec::with_capacity(n),
            lean: None,
        }
    }

    pub fn len(&self) -> usize {
        self.rows()
    }

    /// Sets the constant columns of rows added with [`TradeColumns::push_lean`].
    pub fn set_lean(&mut self, k: Lean) {
        self.lean = Some(k);
    }

    #[inline]
    pub fn push(&mut self, r: &Row<'_>) {
        self.year.push(r.year);
        self.month.push(r.month.unwrap_or(0));
        self.month_valid.push(r.month.is_some());
        self.any_month |= r.month.is_some();
        self.reporter.push(r.reporter);
        self.partner.push(r.partner);
        self.flow.push(r.flow);
        self.perspective.push(r.perspective);
        self.classification.push(r.classification);
        self.commodity.extend_from_slice(r.commodity);
        self.commodity_offsets.push(self.commodity.len() as i32);
        self.value.push(r.value.unwrap_or(0.0));
        self.value_valid.push(r.value.is_some());
        self.price_basis.push(r.price_basis);
        self.precision.push(r.value_precision.unwrap_or(0.0));
        self.precision_valid.push(r.value_precision.is_some());
        self.quantity.push(r.quantity.unwrap_or(0.0));
        self.quantity_valid.push(r.quantity.is_some());
        self.unit.push(r.unit.unwrap_or(0));
        self.unit_valid.push(r.unit.is_some());
        self.estimated.push(r.is_estimated);
        self.line.push(r.line);
    }

    /// Pushes a row whose other columns are all `constant`'s (BACI): only the varying
    /// columns are stored per row; [`TradeColumns::finish`] fills the rest. A `value_precision`
    /// of NaN means none. Do not mix with [`TradeColumns::push`] in one batch.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn push_lean(
        &mut self,
        reporter: i16,
        partner: i16,
        commodity6: &[u8; 6],
        value: f64,
        value_precision: f64,
        quantity: Option<f64>,
        line: i64,
    ) {
        self.reporter.push(reporter);
        self.partner.push(partner);
        self.commodity.extend_from_slice(commodity6);
        self.value.push(value);
        self.precision.push(value_precision);
        self.quantity.push(quantity.unwrap_or(0.0));
        self.quantity_valid.push(quantity.is_some());
        self.line.push(line);
    }

    /// Rows collected so far (either kind of push).
    fn rows(&self) -> usize {
        self.line.len()
    }

    /// Completes lean rows with the constant columns.
    fn complete_lean(&mut self, k: &Lean) {
        let n = self.rows();
        if self.year.len() == n {
            return;
        }
        self.year = vec![k.year; n];
        self.month = vec![0; n];
        self.month_valid = vec![false; n];
        self.flow = vec![k.flow; n];
        self.perspective = vec![k.perspective; n];
        self.classification = vec![k.classification; n];
        self.commodity_offsets = (0..=n as i32).map(|i| i * 6).collect();
        self.value_valid = vec![true; n];
        self.price_basis = vec![k.price_basis; n];
        self.precision_valid = self.precision.iter().map(|p| !p.is_nan()).collect();
        for p in self.precision.iter_mut() {
            if p.is_nan() {
                *p = 0.0;
            }
        }
        self.unit = vec![k.unit; n];
        self.unit_valid = self.quantity_valid.clone();
        self.estimated = vec![false; n];
    }

    /// Turns the collected rows into a batch of the `trade_flows` schema and starts afresh.
    pub fn finish(&mut self, dicts: &mut TradeDicts) -> Result<RecordBatch> {
        if let Some(k) = self.lean {
            self.complete_lean(&k);
        }
        let n = self.len();
        let mut fresh = TradeColumns::new();
        fresh.lean = self.lean;
        std::mem::swap(self, &mut fresh);
        let c = fresh;
        fn nulls(valid: Vec<bool>) -> Option<NullBuffer> {
            if valid.iter().all(|v| *v) {
                None
            } else {
                Some(NullBuffer::from(valid))
            }
        }
        fn dict(keys: Vec<i16>, valid: Option<NullBuffer>, values: ArrayRef) -> Result<ArrayRef> {
            let keys = Int16Array::new(ScalarBuffer::from(keys), valid);
            Ok(Arc::new(DictionaryArray::<Int16Type>::try_new(
                keys, values,
            )?))
        }
        let zeros = || vec![0i16; n];
        let month: ArrayRef = if c.any_month {
            Arc::new(Int8Array::new(
                ScalarBuffer::from(c.month),
                nulls(c.month_valid),
            ))
        } else {
            new_null_array(&arrow_schema::DataType::Int8, n)
        };
        let commodity = StringArray::try_new(
            OffsetBuffer::new(ScalarBuffer::from(c.commodity_offsets)),
            Buffer::from_vec(c.commodity),
            None,
        )?;
        let dict_type = crate::schema::dict_type();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int16Array::new(ScalarBuffer::from(c.year), None)),
            month,
            dict(c.reporter, None, dicts.entities.array())?,
            dict(c.partner, None, dicts.entities.array())?,
            dict(c.flow, None, dicts.flows.array())?,
            dict(c.perspective, None, dicts.perspectives.array())?,
            dict(c.classification, None, dicts.classifications.array())?,
            Arc::new(commodity),
            Arc::new(Float64Array::new(
                ScalarBuffer::from(c.value),
                nulls(c.value_valid),
            )),
            dict(zeros(), None, dicts.currency.array())?,
            dict(c.price_basis, None, dicts.price_bases.array())?,
            Arc::new(Float64Array::new(
                ScalarBuffer::from(c.precision),
                nulls(c.precision_valid),
            )),
            Arc::new(Float64Array::new(
                ScalarBuffer::from(c.quantity),
                nulls(c.quantity_valid),
            )),
            dict(c.unit, nulls(c.unit_valid), dicts.units.array())?,
            Arc::new(BooleanArray::from(c.estimated)),
            dict(zeros(), None, dicts.source.array())?,
            new_null_array(&arrow_schema::DataType::Utf8, n),
            Arc::new(Int64Array::new(ScalarBuffer::from(c.line), None)),
            new_null_array(&dict_type, n),
            dict(zeros(), None, dicts.derivation.array())?,
        ];
        Ok(RecordBatch::try_new(self.schema.clone(), columns)?)
    }
}

/// The batch with its `source_id` column set to `source_id` (parsers that start before the
/// input's sha256 is known use a placeholder).
pub(crate) fn with_source(batch: &RecordBatch, source_id: &str) -> Result<RecordBatch> {
    let idx = batch.schema().index_of("source_id")?;
    let keys = Int16Array::new(ScalarBuffer::from(vec![0i16; batch.num_rows()]), None);
    let values: ArrayRef = Arc::new(StringArray::from(vec![source_id]));
    let column: ArrayRef = Arc::new(DictionaryArray::<Int16Type>::try_new(keys, values)?);
    let mut columns = batch.columns().to_vec();
    columns[idx] = column;
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}

// ---------------------------------------------------------------------------------------------
// Reference data: the crosswalk and the entities codes resolve against

/// The crosswalk and entities of the store as it will be after the running import's seeding.
pub(crate) struct Reference {
    /// The code crosswalk.
    pub codes: CodeIndex,
    /// Entity ids with the source each row cites.
    pub entities: HashMap<String, String>,
    /// Source ids already in the store.
    pub sources: HashSet<String>,
    /// (scheme, code, entity) rows already in the crosswalk.
    pub entity_codes: HashSet<(Scheme, String, String)>,
}

impl Reference {
    /// Reads the store at `root` as committed. A store without entities is seeded from the
    /// bundled dataset by the import, so the bundled reference tables stand in for it. Rows of
    /// `replacing` (the source being re-imported, whose rows are dropped at commit) are left
    /// out.
    pub fn load(root: &std::path::Path, replacing: &str) -> Result<Reference> {
        let store = Store::open(root)?;
        let seeded = store.row_count(Table::Entities) > 0;
        let from = if seeded {
            store.clone()
        } else {
            Store::bundled()?
        };
        let entities_rows: Vec<Entity> = from.records()?;
        let code_rows: Vec<EntityCode> = from.records()?;
        let mut sources: HashSet<String> = store
            .records::<Source>()?
            .into_iter()
            .map(|s| s.source_id)
            .filter(|s| s != replacing)
            .collect();
        if !seeded {
            sources.extend(
                entities_rows
                    .iter()
                    .map(|e| e.source_id.clone())
                    .chain(code_rows.iter().map(|c| c.source_id.clone())),
            );
        }
        let entities = entities_rows
            .into_iter()
            .filter(|e| e.source_id != replacing)
            .map(|e| (e.entity_id, e.source_id))
            .collect();
        let code_rows: Vec<EntityCode> = code_rows
            .into_iter()
            .filter(|c| c.source_id != replacing)
            .collect();
        let entity_codes = code_rows
            .iter()
            .map(|c| {
                (
                    c.scheme,
                    crate::codes::normalise(c.scheme, &c.code),
                    c.entity_id.clone(),
                )
            })
            .collect();
        Ok(Reference {
            codes: CodeIndex::new(code_rows),
            entities,
            sources,
            entity_codes,
        })
    }

    /// [`Reference::load`] for a store that may not exist yet (then: the bundled reference
    /// a new store is seeded with).
    pub fn load_or_bundled(root: &std::path::Path) -> Result<Reference> {
        if root.join(crate::store::DESCRIPTOR_FILE).exists() {
            Reference::load(root, "")
        } else {
            let bundled = Store::bundled()?;
            let entities: Vec<Entity> = bundled.records()?;
            let codes: Vec<EntityCode> = bundled.records()?;
            Ok(Reference {
                entities: entities
                    .into_iter()
                    .map(|e| (e.entity_id, e.source_id))
                    .collect(),
                entity_codes: HashSet::new(),
                sources: HashSet::new(),
                codes: CodeIndex::new(codes),
            })
        }
    }

    /// Resolves an ISO 3166 alpha-3 code to an existing entity: in `year` first, then at any
    /// date when the code names one entity only.
    pub fn by_iso3(&self, iso3: &str, year: i32) -> Option<String> {
        let iso3 = iso3.trim();
        if iso3.len() != 3 || !iso3.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        self.resolve(Scheme::Iso3, iso3, year)
    }

    /// Resolves an ISO 3166 numeric code (as a number) to an existing entity.
    pub fn by_iso_num(&self, code: u32, year: i32) -> Option<String> {
        self.resolve(Scheme::IsoNum, &format!("{code:03}"), year)
    }

    fn resolve(&self, scheme: Scheme, code: &str, year: i32) -> Option<String> {
        let hit = self
            .codes
            .resolve(scheme, code, Some(year))
            .or_else(|_| self.codes.resolve(scheme, code, None))
            .ok()?;
        self.entities.contains_key(hit).then(|| hit.to_string())
    }
}

/// The id steppe gives an entity it creates for a Comtrade/BACI area code that names no
/// ISO 3166 entity: `X` and the code on three digits (`X490` "Other Asia, nes", `X899`
/// "Areas, nes", `X097` "EU"). ISO 3166 leaves alpha codes starting with X to users, and no ISO
/// code has digits, so these ids never collide with a country's. Code 0 (World) is `WLD`.
pub fn area_entity_id(code: u32) -> String {
    if code == 0 {
        "WLD".to_string()
    } else {
        format!("X{code:03}")
    }
}

/// An entity and crosswalk row to create for an area code the input names.
#[derive(Debug, Clone)]
pub(crate) struct NewArea {
    pub entity: Entity,
    pub code: EntityCode,
}

impl NewArea {
    pub fn new(
        code: u32,
        scheme: Scheme,
        name: &str,
        entity_type: EntityType,
        source_id: &str,
        locator: String,
    ) -> NewArea {
        let id = area_entity_id(code);
        let name = if name.trim().is_empty() {
            format!("{scheme} area {code}")
        } else {
            name.trim().to_string()
        };
        NewArea {
            entity: Entity {
                entity_id: id.clone(),
                name,
                name_official: None,
                entity_type,
                valid_from: None,
                valid_to: None,
                parent_id: None,
                region: None,
                focus: None,
                source_id: source_id.to_string(),
                source_locator: Some(locator.clone()),
            },
            code: EntityCode {
                entity_id: id,
                scheme,
                code: code.to_string(),
                valid_from: None,
                valid_to: None,
                is_preferred: true,
                source_id: source_id.to_string(),
                source_locator: Some(locator),
            },
        }
    }
}

/// Writes the created areas that the store lacks (entities and crosswalk rows), each group in
/// files of its own so a later re-import can replace them with the file that named them.
pub(crate) fn write_new_areas(
    run: &mut ImportRun,
    reference: &Reference,
    areas: &[NewArea],
) -> Result<()> {
    let entities: Vec<Entity> = areas
        .iter()
        .filter(|a| !reference.entities.contains_key(&a.entity.entity_id))
        .map(|a| a.entity.clone())
        .collect();
    let codes: Vec<EntityCode> = areas
        .iter()
        .filter(|a| {
            !reference.entity_codes.contains(&(
                a.code.scheme,
                crate::codes::normalise(a.code.scheme, &a.code.code),
                a.code.entity_id.clone(),
            ))
        })
        .map(|a| a.code.clone())
        .collect();
    if !entities.is_empty() {
        run.write_records(&entities)?;
    }
    if !codes.is_empty() {
        run.write_records(&codes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_that_overflow_when_scaled_are_malformed() {
        // Found by the hostile-input suite (issue 8): `1e307` thousand USD parsed as a finite
        // number and became an infinite value once scaled to USD.
        assert_eq!(parse_amount(b"1e307", 3), Amount::Malformed);
        assert_eq!(parse_amount(b"1e400", 0), Amount::Malformed);
        assert_eq!(parse_amount(b"inf", 0), Amount::Malformed);
        assert_eq!(parse_amount(b"-inf", 0), Amount::Malformed);
        assert!(matches!(parse_amount(b"1e300", 3), Amount::Value { .. }));
    }

    #[test]
    fn amounts_scale_exactly() {
        let v = |s: &str, scale| match parse_amount(s.as_bytes(), scale) {
            Amount::Value { value, .. } => value,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(v("1234.5", 3), 1_234_500.0);
        assert_eq!(v("0.001", 3), 1.0);
        assert_eq!(v("  12.345678 ", 3), 12345.678);
        assert_eq!(v("\"7\"", 0), 7.0);
        assert_eq!(v("1.5e3", 0), 1500.0);
        assert_eq!(v("-0.000", 3), 0.0);
        assert_eq!(parse_amount(b"NA", 3), Amount::Missing);
        assert_eq!(parse_amount(b"   NA", 3), Amount::Missing);
        assert_eq!(parse_amount(b"", 3), Amount::Missing);
        assert_eq!(parse_amount(b"-1.2", 3), Amount::Negative);
        assert_eq!(parse_amount(b"1,2", 3), Amount::Malformed);
        assert_eq!(parse_amount(b"abc", 3), Amount::Malformed);
        assert_eq!(parse_amount(b"inf", 3), Amount::Malformed);
        assert_eq!(parse_amount(b"1.2.3", 3), Amount::Malformed);
        match parse_amount(b"1.25", 3) {
            Amount::Value { precision, .. } => assert_eq!(precision, Some(10.0)),
            other => panic!("{other:?}"),
        }
        // Matches the correctly rounded parse of the decimal times 1000 for many values.
        for i in 0..20_000u64 {
            let s = format!("{}.{:03}", i * 7919 % 100_000, i % 1000);
            let exact: f64 = format!("{}{:03}", i * 7919 % 100_000, i % 1000)
                .parse()
                .unwrap();
            assert_eq!(v(&s, 3), exact, "{s}");
        }
    }

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

    #[test]
    fn nes_names() {
        assert!(names_nes("Other Asia, nes"));
        assert!(names_nes("Areas, n.e.s."));
        assert!(!names_nes("Guinea"));
        assert!(!names_nes("Inessa"));
    }
}
