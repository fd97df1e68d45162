//! The parallel pipeline both trade importers run. A reader thread reads (and decompresses)
//! the input in chunks of whole lines ([`super::chunks`]); a parser thread runs the format's
//! [`TradeParser`], which hands every row read to a [`Sink`] (accepted rows into
//! [`TradeColumns`] batches, rejects, skips); the calling thread applies each [`Part`] to the
//! [`ImportRun`] (accounting, rejects, the batch, whose Parquet columns the store encodes on
//! the rayon pool) and reports progress. The channels are bounded: a few 2 MiB chunks and two
//! parts are in flight, whatever the input's size.

use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use arrow_array::RecordBatch;

use super::chunks::{spawn_chunk_reader, Chunks};
use super::columns::{with_source, TradeColumns, BATCH_ROWS};
use super::numbers::Refusal;
use crate::import::ImportRun;
use crate::schema::Table;
use crate::{Error, Result};

/// Parts the parser may run ahead of the writer (a batch is about 8 MB): enough to keep both
/// cores busy while a row group is being encoded.
const PARTS_IN_FLIGHT: usize = 2;

/// Rows after which a part is handed over even without a full batch (for progress).
const PART_ROWS: u64 = 65_536;

/// A format's parser, run on the pipeline's parser thread.
pub(crate) trait TradeParser: Send + 'static {
    /// What the parser hands back once the input is parsed (e.g. the areas its rows used).
    type Outcome: Send + 'static;

    /// Reads the whole input, giving `sink` every row read (accepted, refused or skipped) and
    /// the bytes consumed. Fails with the input's error, or when the writer stopped.
    fn parse(&mut self, input: Chunks, sink: &mut Sink) -> Result<()>;

    /// The outcome, also after a failed or stopped parse.
    fn outcome(self) -> Self::Outcome;
}

/// A row refused by a parser (line, refusal, raw line), applied to the run by the writer.
type PendingReject = (u64, Refusal, Vec<u8>);

/// What a parser hands over: rows read, bytes consumed, a batch of accepted rows, rejects,
/// skips by reason.
#[derive(Default)]
pub(crate) struct Part {
    read: u64,
    bytes: u64,
    batch: Option<RecordBatch>,
    rejects: Vec<PendingReject>,
    skips: Vec<(&'static str, u64)>,
}

impl Part {
    /// Applies the part to the run (the batch's source id set to the run's), then reports
    /// progress; fails with `Error::Cancelled` when the caller asks to stop.
    fn apply(self, run: &mut ImportRun) -> Result<()> {
        run.read_rows(self.read);
        for (line, (field, reason, detail), raw) in self.rejects {
            run.reject(line, field, reason, detail, &raw)?;
        }
        for (reason, n) in self.skips {
            for _ in 0..n {
                run.skip(reason);
            }
        }
        if let Some(batch) = self.batch {
            let batch = with_source(&batch, run.source_id())?;
            run.accept(batch.num_rows() as u64);
            run.write(Table::TradeFlows, &batch)?;
        }
        run.advance(self.bytes, self.read);
        run.check_stop()
    }
}

/// Where a parser puts what it reads; hands parts to the writing thread as they fill.
pub(crate) struct Sink {
    /// The batch being built, and the dictionaries whose keys hold for the input.
    pub columns: TradeColumns,
    part: Part,
    out: SyncSender<Result<Part>>,
}

impl Sink {
    /// Counts input bytes consumed (for progress).
    pub fn consumed(&mut self, bytes: u64) {
        self.part.bytes += bytes;
    }

    /// Counts a row read and left out deliberately.
    pub fn skip(&mut self, reason: &'static str) -> Result<()> {
        self.part.read += 1;
        match self.part.skips.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => self.part.skips.push((reason, 1)),
        }
        self.row_done()
    }

    /// Counts a row read and refused. On the input's last line, when it lacks its newline and
    /// does not parse, the reason becomes `truncated_line` (the file looks cut short).
    pub fn refuse(
        &mut self,
        line: u64,
        refusal: Refusal,
        raw: &[u8],
        no_newline: bool,
    ) -> Result<()> {
        let (field, mut reason, mut detail) = refusal;
        let unparsed = ["wrong_column_count", "malformed_number", "malformed_code"];
        if no_newline && unparsed.contains(&reason) {
            reason = "truncated_line";
            detail = format!(
                "the last line has no newline and does not parse ({detail}): the file looks truncated"
            );
        }
        self.part.read += 1;
        let rejects = &mut self.part.rejects;
        rejects.push((line, (field, reason, detail), raw.to_vec()));
        self.row_done()
    }

    /// Counts a row read and accepted (already pushed to [`Sink::columns`]).
    #[inline]
    pub fn accepted(&mut self) -> Result<()> {
        self.part.read += 1;
        self.row_done()
    }

    /// Hands the part over when its batch is full or it has read [`PART_ROWS`] rows.
    #[inline]
    fn row_done(&mut self) -> Result<()> {
        if self.columns.len() >= BATCH_ROWS {
            self.flush()
        } else if self.part.read >= PART_ROWS {
            self.hand_over()
        } else {
            Ok(())
        }
    }

    /// Ends the batch and hands the part over.
    fn flush(&mut self) -> Result<()> {
        self.part.batch = Some(self.columns.finish()?);
        self.hand_over()
    }

    /// Sends the part to the writing thread; fails when the writer has stopped.
    fn hand_over(&mut self) -> Result<()> {
        let part = std::mem::take(&mut self.part);
        self.out.send(Ok(part)).map_err(|_| Error::Cancelled)
    }

    /// Hands over what is left at the end of the input.
    fn finish(&mut self) -> Result<()> {
        if self.columns.len() > 0 {
            self.flush()
        } else if self.part.read > 0 || self.part.bytes > 0 {
            self.hand_over()
        } else {
            Ok(())
        }
    }
}

/// A running pipeline: parts arriving from the parser thread.
pub(crate) struct Pipeline<O> {
    parts: Receiver<Result<Part>>,
    parser: JoinHandle<O>,
}

/// Starts reading `reader` (the input at `path`) and parsing it with `parser` into `columns`.
/// Nothing is written until [`Pipeline::drain`]; until then the bounded channels stop the
/// parser after a few parts.
pub(crate) fn spawn<P: TradeParser>(
    reader: Box<dyn std::io::Read + Send>,
    path: &Path,
    mut parser: P,
    columns: TradeColumns,
) -> Result<Pipeline<P::Outcome>> {
    let chunks = spawn_chunk_reader(reader, path.to_path_buf())?;
    let (out, parts) = sync_channel::<Result<Part>>(PARTS_IN_FLIGHT);
    let parse = move || {
        let mut sink = Sink {
            columns,
            part: Part::default(),
            out,
        };
        if let Err(e) = parser.parse(chunks, &mut sink).and_then(|()| sink.finish()) {
            // The writer may have stopped already; then its own error is reported.
            let _ = sink.out.send(Err(e));
        }
        parser.outcome()
    };
    let parser = std::thread::Builder::new()
        .name("steppe-parse".into())
        .spawn(parse)
        .map_err(|e| Error::io(path, e))?;
    Ok(Pipeline { parts, parser })
}

impl<O> Pipeline<O> {
    /// Applies every part to `run` (which reports progress) and returns the parser's outcome.
    /// On an error (the input's, the store's, or `Error::Cancelled`) the parser and reader
    /// stop and nothing is committed.
    pub fn drain(self, run: &mut ImportRun) -> Result<O> {
        run.start_progress();
        // Consuming the receiver drops it on the way out, which stops the parser.
        let parts = self.parts;
        let result = parts.into_iter().try_for_each(|part| part?.apply(run));
        let outcome = match self.parser.join() {
            Ok(o) => o,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        run.end_progress();
        result.map(|()| outcome)
    }
}
