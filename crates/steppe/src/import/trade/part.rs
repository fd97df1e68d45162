//! What a parser thread hands the writing thread: rows read, a batch, rejects, skips.

use arrow_array::RecordBatch;

use super::numbers::Refusal;
use crate::import::ImportRun;
use crate::schema::Table;
use crate::Result;

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

    /// Records a refused row; on the input's last line, when it lacks its newline and does
    /// not parse, the reason becomes `truncated_line` (the file looks cut short).
    pub fn refuse(&mut self, line: u64, refusal: Refusal, raw: &[u8], no_newline: bool) {
        let (field, reason, detail) = refusal;
        let unparsed = matches!(
            reason,
            "wrong_column_count" | "malformed_number" | "malformed_code"
        );
        if no_newline && unparsed {
            let detail = format!(
                "the last line has no newline and does not parse ({detail}): the file looks truncated"
            );
            self.reject(line, field, "truncated_line", detail, raw);
        } else {
            self.reject(line, field, reason, detail, raw);
        }
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
