//! The one loop of the row-at-a-time formats (WDI, GDELT, UCDP, ACLED). A format module
//! implements [`RowFormat`] (layout, Source, per-file rules) and [`RowRules`] (one record to
//! rows, a skip or a reject); [`import_files`] does the rest through [`ImportRun`].

use std::io::Read;
use std::path::{Path, PathBuf};

use super::csv_reader::{CsvReader, CsvRecord};
use super::input::Digest;
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::model::Source;
use crate::store::ImportSummary;
use crate::Result;

/// Rows are buffered and written in batches of this many rows (bounded memory).
pub(crate) const BATCH: usize = 50_000;

/// Progress is reported every this many rows.
const TICK_ROWS: u64 = 8192;

/// The reader of a file's content.
pub(crate) type Reader = CsvReader<Box<dyn Read + Send>>;

/// Why one input row is refused: the field at fault, a reason code and a detail.
#[derive(Debug)]
pub(crate) struct Bad {
    pub field: Option<String>,
    pub reason: &'static str,
    pub detail: String,
}

/// A row's value, or why the row is refused.
pub(crate) type Checked<T> = std::result::Result<T, Bad>;

/// A refusal naming a field.
pub(crate) fn bad(field: &str, reason: &'static str, detail: impl Into<String>) -> Bad {
    Bad {
        field: Some(field.to_string()),
        ..bad_row(reason, detail)
    }
}

/// A refusal of the whole row (no one field at fault).
pub(crate) fn bad_row(reason: &'static str, detail: impl Into<String>) -> Bad {
    let detail = detail.into();
    Bad {
        field: None,
        reason,
        detail,
    }
}

/// What a format makes of one record.
#[derive(Debug)]
pub(crate) enum Outcome<T = ()> {
    /// The record's rows (buffered, for [`RowRules::row`]).
    Accept(T),
    /// Deliberately left out, counted under this reason.
    Skip(&'static str),
    /// Refused, with the field and reason.
    Reject(Bad),
}

impl<T> From<Checked<T>> for Outcome<T> {
    fn from(r: Checked<T>) -> Self {
        match r {
            Ok(t) => Outcome::Accept(t),
            Err(b) => Outcome::Reject(b),
        }
    }
}

/// The rules of one file being imported: its layout, what it resolves against, the rows it
/// has buffered.
pub(crate) trait RowRules {
    /// Maps one non-blank record; accepted rows are buffered.
    fn row(&mut self, rec: &CsvRecord) -> Outcome;
    /// Rows buffered (the loop flushes at [`BATCH`]).
    fn buffered(&self) -> usize;
    /// Writes what is buffered.
    fn flush(&mut self, run: &mut ImportRun) -> Result<()>;
}

/// A row-at-a-time format.
pub(crate) trait RowFormat {
    /// What the header tells: column positions, the kind of file.
    type Layout;
    /// The per-file rules.
    type Rules: RowRules;
    /// The importer name recorded in the store.
    const IMPORTER: &'static str;
    /// The archive member read from a `.zip` (a name suffix; empty for any member).
    const MEMBER: &'static str = ".csv";

    /// The content of `input`, with the [`Digest`] of its decompressed bytes when it is
    /// compressed: [`InputFile::open_digested`] of [`Self::MEMBER`] unless the format reads
    /// it otherwise.
    fn content(
        &self,
        input: &InputFile,
        max_expanded: u64,
    ) -> Result<(Box<dyn Read + Send>, Option<Digest>)> {
        input.open_digested(Self::MEMBER, max_expanded)
    }

    /// Fails with [`super::input::empty_input`] when the content holds nothing but blanks.
    fn require_content(&self, input: &InputFile, max_expanded: u64) -> Result<()> {
        input.require_content(Self::MEMBER, max_expanded)
    }

    /// A reader of the content (comma-separated unless the format says otherwise).
    fn reader(&self, content: Box<dyn Read + Send>, path: &Path) -> Reader {
        CsvReader::new(content, path)
    }

    /// Reads up to the first data record and returns the layout, with that record when the
    /// format has no header. Fails (before anything is written) on a file of another kind.
    fn layout(&self, r: &mut Reader, path: &Path) -> Result<(Self::Layout, Option<CsvRecord>)>;

    /// The Source describing the file.
    fn source(&self, input: &InputFile, layout: &Self::Layout) -> Source;

    /// The rules of one file, resolving against the run's view of the store.
    fn rules(&self, layout: Self::Layout, run: &mut ImportRun) -> Result<Self::Rules>;
}

/// Who publishes a format's files, for each file's Source.
pub(crate) struct Publisher {
    pub name: &'static str,
    pub url: &'static str,
    /// The licence (SPDX id, or the publisher's terms as `<NAME>-terms`).
    pub license: &'static str,
    /// The terms spelled out in the Source's note, when the licence needs them.
    pub terms: Option<&'static str>,
}

impl Publisher {
    /// The `dataset` Source of `input`, imported by `importer`.
    pub fn source(
        &self,
        importer: &str,
        input: &InputFile,
        title: String,
        version: Option<&str>,
    ) -> Source {
        let mut source = input.source(importer, &title, Some(self.license), version);
        source.publisher = Some(self.name.into());
        source.url = Some(self.url.into());
        if let (Some(terms), Some(note)) = (self.terms, &mut source.note) {
            *note = format!("{note}; {terms}");
        }
        source
    }
}

/// A file whose header was read and understood.
pub(crate) struct Opened<L> {
    pub input: InputFile,
    pub layout: L,
}

/// Reads the file's header (before anything is written).
pub(crate) fn open<F: RowFormat>(
    format: &F,
    path: &Path,
    options: &ImportOptions,
) -> Result<Opened<F::Layout>> {
    open_input(format, InputFile::inspect(path)?, options)
}

/// Reads the header of `input` (before anything is written).
pub(crate) fn open_input<F: RowFormat>(
    format: &F,
    input: InputFile,
    options: &ImportOptions,
) -> Result<Opened<F::Layout>> {
    format.require_content(&input, options.max_expanded_bytes)?;
    let (content, _) = format.content(&input, options.max_expanded_bytes)?;
    let mut r = format.reader(content, &input.path);
    let (layout, _) = format.layout(&mut r, &input.path)?;
    Ok(Opened { input, layout })
}

/// Imports `files` into the store at `out`: every header is checked first, then each file is
/// imported in its own transaction.
pub(crate) fn import_files<F: RowFormat>(
    format: &F,
    files: &[PathBuf],
    out: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let opened = files
        .iter()
        .map(|p| open(format, p, options))
        .collect::<Result<Vec<_>>>()?;
    import_opened(format, opened, out, options)
}

/// Imports files already opened, in order; a file failing after others were committed fails
/// with [`crate::Error::PartlyImported`].
pub(crate) fn import_opened<F: RowFormat>(
    format: &F,
    opened: Vec<Opened<F::Layout>>,
    out: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    for o in opened {
        let (name, failed) = (o.input.name.clone(), o.input.path.display().to_string());
        match import_one(format, o, out, options) {
            Ok(summary) => report.add(name, summary),
            Err(e) => return Err(report.failure(&failed, out, e)),
        }
    }
    Ok(report)
}

/// Imports one file; `None` when the store already holds it and the policy is to skip.
fn import_one<F: RowFormat>(
    format: &F,
    o: Opened<F::Layout>,
    out: &Path,
    options: &ImportOptions,
) -> Result<Option<ImportSummary>> {
    let source = format.source(&o.input, &o.layout);
    let Some(mut run) = ImportRun::begin(out, F::IMPORTER, &o.input, source, options)? else {
        return Ok(None);
    };
    let (content, decompressed) = format.content(&o.input, options.max_expanded_bytes)?;
    let mut r = format.reader(content, &o.input.path);
    let (_, first) = format.layout(&mut r, &o.input.path)?;
    let mut rules = format.rules(o.layout, &mut run)?;
    run.start_progress();
    // Bytes reported so far, rows since; every TICK_ROWS rows progress is reported and a
    // stop request honoured.
    let (mut bytes, mut rows) = (0, 0);
    let mut pending = first.is_some();
    let mut rec = first.unwrap_or_default();
    while std::mem::take(&mut pending) || r.read(&mut rec)? {
        if rec.is_blank() {
            continue;
        }
        apply(&rec, &mut rules, &mut run)?;
        rows += 1;
        if rows >= TICK_ROWS {
            let now = r.bytes_read();
            run.advance(now - bytes, std::mem::take(&mut rows));
            bytes = now;
            run.check_stop()?;
        }
    }
    rules.flush(&mut run)?;
    run.advance(r.bytes_read() - bytes, rows);
    run.end_progress();
    // The same content imported before in another container (`x.csv` for `x.csv.gz`).
    if !run.settle_decompressed(decompressed)? {
        return Ok(None);
    }
    run.finish().map(Some)
}

/// Counts one record in the run and applies what the rules make of it.
fn apply<R: RowRules>(rec: &CsvRecord, rules: &mut R, run: &mut ImportRun) -> Result<()> {
    run.read_rows(1);
    match rules.row(rec) {
        Outcome::Accept(()) => run.accept(1),
        Outcome::Skip(reason) => run.skip(reason),
        Outcome::Reject(b) => {
            let field = b.field.as_deref();
            run.reject(rec.line(), field, b.reason, b.detail, rec.raw())?
        }
    }
    if rules.buffered() >= BATCH {
        rules.flush(run)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::model::Reject;
    use crate::progress::Progress;
    use crate::store::Store;

    /// `name,value`: a number is accepted, `skip` skipped, anything else rejected.
    struct Toy;
    struct ToyRules(usize);

    impl RowRules for ToyRules {
        fn row(&mut self, rec: &CsvRecord) -> Outcome {
            match rec.text(1).as_ref() {
                "skip" => Outcome::Skip("asked"),
                v if v.parse::<f64>().is_ok() => {
                    self.0 += 1;
                    Outcome::Accept(())
                }
                v => Outcome::Reject(bad("value", "malformed_number", format!("`{v}`"))),
            }
        }
        fn buffered(&self) -> usize {
            self.0
        }
        fn flush(&mut self, _: &mut ImportRun) -> Result<()> {
            self.0 = 0;
            Ok(())
        }
    }

    impl RowFormat for Toy {
        type Layout = String;
        type Rules = ToyRules;
        const IMPORTER: &'static str = "toy";
        fn layout(&self, r: &mut Reader, _: &Path) -> Result<(String, Option<CsvRecord>)> {
            let mut rec = CsvRecord::default();
            r.read(&mut rec)?;
            Ok((rec.text(0).into_owned(), None))
        }
        fn source(&self, input: &InputFile, layout: &String) -> Source {
            input.source("toy", layout, None, None)
        }
        fn rules(&self, _: String, _: &mut ImportRun) -> Result<ToyRules> {
            Ok(ToyRules(0))
        }
    }

    #[derive(Default)]
    struct Bytes(Mutex<(Option<u64>, u64, u64)>);
    impl Progress for Bytes {
        fn start(&self, _: &str, total: Option<u64>) {
            self.0.lock().unwrap().0 = total;
        }
        fn advance(&self, bytes: u64, rows: u64) {
            let mut s = self.0.lock().unwrap();
            (s.1, s.2) = (s.1 + bytes, s.2 + rows);
        }
    }

    #[test]
    fn the_loop_counts_every_record_and_rejects_with_line_and_raw_text() {
        let dir = tempfile::tempdir().unwrap();
        let (store, file) = (dir.path().join("store"), dir.path().join("toy.csv"));
        let text = "name,value\r\na,1\r\n\r\nb,\"x\r\ny\"\r\n,,\r\nc,skip\r\nd,2";
        std::fs::write(&file, text).unwrap();
        let progress = Arc::new(Bytes::default());
        let options = ImportOptions {
            progress: progress.clone(),
            max_reject_rate: 1.0,
            ..Default::default()
        };
        let report = import_files(&Toy, std::slice::from_ref(&file), &store, &options).unwrap();
        let s = &report.files[0];
        assert_eq!((s.rows_read, s.rows_accepted, s.rows_rejected), (4, 2, 1));
        assert_eq!(s.rows_skipped["asked"], 1);
        let rejects: Vec<Reject> = Store::open(&store).unwrap().records().unwrap();
        assert_eq!(rejects.len(), 1);
        assert_eq!(
            (rejects[0].line, rejects[0].field.as_deref()),
            (4, Some("value"))
        );
        assert_eq!(rejects[0].raw, "b,\"x\r\ny\"");
        // Progress reaches the file's size and counts the rows read.
        let len = text.len() as u64;
        assert_eq!(*progress.0.lock().unwrap(), (Some(len), len, 4));
        // The same file again is skipped.
        let again = import_files(&Toy, &[file], &store, &options).unwrap();
        assert_eq!(again.skipped_files, ["toy.csv"]);
    }
}
