//! Parquet files written column-parallel: each row group's columns encoded on the rayon pool
//! while the caller fills the next, through a file that hashes and counts its bytes.

use std::fs::File;
use std::io::Write;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use sha2::{Digest, Sha256};

use super::writer::crash_point;
use crate::{Error, Result};

/// A `Write` that fsyncs on demand and hashes and counts what passes through.
pub(super) struct HashingFile {
    pub(super) file: File,
    pub(super) hasher: Sha256,
    pub(super) bytes: u64,
}

impl Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// A Parquet file writer that encodes the columns of each row group in parallel (rayon).
///
/// Added for the trade importers (issue 5): `ArrowWriter` encodes the columns of a row group
/// one after another on the calling thread, which made Parquet encoding the bottleneck of a
/// large import on two cores. This buffers batches up to the row-group size (the same
/// boundaries `ArrowWriter` would cut), then encodes each column on the rayon pool with
/// `ArrowColumnWriter`, in the background while the caller fills the next row group, and
/// appends the chunks in row-group and column order, so the files are the same as before
/// apart from being written faster.
pub(super) struct ColumnParallelWriter {
    writer: parquet::file::writer::SerializedFileWriter<HashingFile>,
    factory: parquet::arrow::arrow_writer::ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    row_group_rows: usize,
    buffered: Vec<RecordBatch>,
    buffered_rows: usize,
    row_groups: usize,
    /// Columns that keep one value in the file, listed in its footer for readers.
    constants: super::constants::ConstantColumns,
    /// Row groups being encoded, oldest first.
    pending: std::collections::VecDeque<
        std::sync::mpsc::Receiver<
            std::result::Result<
                parquet::errors::Result<Vec<parquet::arrow::arrow_writer::ArrowColumnChunk>>,
                String,
            >,
        >,
    >,
}

/// Row groups a [`ColumnParallelWriter`] may have in encoding at once (each holds its batches,
/// about 10 MB for 128 Ki trade rows).
const MAX_PENDING_ROW_GROUPS: usize = 1;

impl ColumnParallelWriter {
    pub(super) fn try_new(
        file: HashingFile,
        schema: SchemaRef,
        props: WriterProperties,
    ) -> Result<Self> {
        let row_group_rows = props.max_row_group_row_count().unwrap_or(128 * 1024).max(1);
        // ArrowWriter sets up the Parquet schema and the embedded Arrow schema metadata.
        let (writer, factory) =
            ArrowWriter::try_new(file, schema.clone(), Some(props))?.into_serialized_writer()?;
        Ok(ColumnParallelWriter {
            writer,
            factory,
            schema,
            row_group_rows,
            buffered: Vec::new(),
            buffered_rows: 0,
            row_groups: 0,
            constants: Default::default(),
            pending: std::collections::VecDeque::new(),
        })
    }

    pub(super) fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.constants.observe(batch);
        let mut offset = 0;
        while offset < batch.num_rows() {
            let take = (batch.num_rows() - offset).min(self.row_group_rows - self.buffered_rows);
            self.buffered.push(batch.slice(offset, take));
            self.buffered_rows += take;
            offset += take;
            if self.buffered_rows >= self.row_group_rows {
                self.flush_row_group()?;
            }
        }
        Ok(())
    }

    fn flush_row_group(&mut self) -> Result<()> {
        use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnChunk, ArrowLeafColumn};
        use rayon::prelude::*;
        if self.buffered_rows == 0 {
            return Ok(());
        }
        let batches = std::mem::take(&mut self.buffered);
        self.buffered_rows = 0;
        let writers = self.factory.create_column_writers(self.row_groups)?;
        self.row_groups += 1;
        let mut leaves: Vec<Vec<ArrowLeafColumn>> =
            (0..writers.len()).map(|_| Vec::new()).collect();
        for batch in &batches {
            let mut i = 0;
            for (field, column) in self.schema.fields().iter().zip(batch.columns()) {
                for leaf in compute_leaves(field, column)? {
                    leaves[i].push(leaf);
                    i += 1;
                }
            }
        }
        // Encode on the rayon pool in the background; the caller goes on filling the next
        // row group. At most MAX_PENDING row groups are in flight; chunks are appended in
        // row-group order.
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let encode = move || {
            let encoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                writers
                    .into_par_iter()
                    .zip(leaves.into_par_iter())
                    .map(|(mut writer, leaves)| {
                        for leaf in &leaves {
                            writer.write(leaf)?;
                        }
                        writer.close()
                    })
                    .collect::<parquet::errors::Result<Vec<ArrowColumnChunk>>>()
            }));
            let _ = tx.send(encoded.map_err(|_| "a panic while encoding a row group".to_string()));
        };
        if rayon::current_thread_index().is_some() {
            // Called from a rayon worker: waiting there for a spawned job could deadlock the
            // pool, so encode in place (still column-parallel).
            encode();
        } else {
            rayon::spawn(encode);
        }
        self.pending.push_back(rx);
        while self.pending.len() > MAX_PENDING_ROW_GROUPS {
            self.append_oldest()?;
        }
        Ok(())
    }

    /// Waits for the oldest row group being encoded and appends it to the file.
    fn append_oldest(&mut self) -> Result<()> {
        let Some(rx) = self.pending.pop_front() else {
            return Ok(());
        };
        let chunks = rx
            .recv()
            .map_err(|_| "the row-group encoder stopped".to_string())
            .and_then(|r| r)
            .map_err(|m| Error::InvalidArgument(format!("internal error: {m}")))??;
        let mut row_group = self.writer.next_row_group()?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut row_group)?;
        }
        row_group.close()?;
        crash_point("after_row_group");
        Ok(())
    }

    /// Writes what is buffered and the footer; returns the file.
    pub(super) fn finish(mut self) -> Result<HashingFile> {
        self.flush_row_group()?;
        while !self.pending.is_empty() {
            self.append_oldest()?;
        }
        if let Some(constants) = self.constants.metadata() {
            self.writer
                .append_key_value_metadata(parquet::file::metadata::KeyValue::new(
                    super::constants::METADATA_KEY.to_string(),
                    constants,
                ));
        }
        Ok(self.writer.into_inner()?)
    }
}
