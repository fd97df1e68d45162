//! Writing query results: a table for people (see [`crate::table`]), or CSV, JSON lines or
//! Parquet with every value as stored.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use steppe::{Error, Result, TableData};

use crate::cli::Format;
use crate::table;

/// Dictionary and list columns as plain strings, for text formats.
fn flatten(batch: &RecordBatch) -> Result<RecordBatch> {
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    for (f, c) in batch.schema().fields().iter().zip(batch.columns()) {
        match c.data_type() {
            DataType::Dictionary(_, _) => {
                fields.push(Field::new(f.name(), DataType::Utf8, true));
                cols.push(arrow_cast::cast(c, &DataType::Utf8)?);
            }
            DataType::List(_) | DataType::Struct(_) => {
                let fmt = ArrayFormatter::try_new(c.as_ref(), &FormatOptions::default())?;
                let values: Vec<Option<String>> = (0..c.len())
                    .map(|i| (!c.is_null(i)).then(|| fmt.value(i).to_string()))
                    .collect();
                fields.push(Field::new(f.name(), DataType::Utf8, true));
                cols.push(Arc::new(arrow_array::StringArray::from(values)));
            }
            _ => {
                fields.push(f.as_ref().clone());
                cols.push(c.clone());
            }
        }
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)?)
}

/// Keeps the columns `names`, in that order (all of them, as read, when `None`).
pub fn project(data: &mut TableData, names: Option<&[String]>) -> Result<()> {
    let Some(names) = names else {
        return Ok(());
    };
    let indices: Vec<usize> = names
        .iter()
        .map(|n| data.schema.index_of(n))
        .collect::<std::result::Result<_, _>>()?;
    data.schema = Arc::new(data.schema.project(&indices)?);
    data.batches = data
        .batches
        .iter()
        .map(|b| b.project(&indices))
        .collect::<std::result::Result<_, _>>()?;
    Ok(())
}

/// A writer that remembers whether its reader went away (`steppe query ... | head`), so the
/// command can end quietly as other Unix tools do.
struct PipeWatch<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Write for PipeWatch<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.closed |= matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe);
        r
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.closed |= matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe);
        r
    }
}

/// Writes `data` as CSV, JSON lines or Parquet to `out` (a file) or standard output. Parquet
/// goes to standard output only when that is not a terminal (`> file.parquet`, a pipe). A
/// closed pipe ends the output without an error.
pub fn write(data: &TableData, format: Format, out: Option<&Path>) -> Result<()> {
    let inner: Box<dyn Write + Send> = match out {
        Some(p) => Box::new(std::fs::File::create(p).map_err(|e| Error::io(p, e))?),
        None if format == Format::Parquet && std::io::stdout().is_terminal() => {
            return Err(Error::InvalidArgument(
                "--format parquet is binary: pass --out FILE, or redirect standard output to a \
                 file or a pipe"
                    .into(),
            ))
        }
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let mut sink = PipeWatch {
        inner,
        closed: false,
    };
    let written = write_to(data, format, &mut sink).and_then(|()| {
        sink.flush()
            .map_err(|e| Error::io(out.unwrap_or(Path::new("<stdout>")), e))
    });
    match written {
        Err(_) if sink.closed => Ok(()),
        r => r,
    }
}

fn write_to(data: &TableData, format: Format, sink: &mut (impl Write + Send)) -> Result<()> {
    match format {
        Format::Parquet => {
            let mut w = parquet::arrow::ArrowWriter::try_new(sink, data.schema.clone(), None)?;
            for b in &data.batches {
                w.write(b)?;
            }
            w.close()?;
        }
        Format::Csv => {
            let mut w = arrow_csv::WriterBuilder::new()
                .with_header(true)
                .build(sink);
            if data.batches.is_empty() {
                w.write(&RecordBatch::new_empty(flat_schema(&data.schema)))?;
            }
            for b in &data.batches {
                w.write(&flatten(b)?)?;
            }
        }
        Format::Json => {
            let mut w = arrow_json::LineDelimitedWriter::new(sink);
            for b in &data.batches {
                w.write(&flatten(b)?)?;
            }
            w.finish()?;
        }
        Format::Table => {
            let text = table_text(data, None, None)?;
            sink.write_all(text.as_bytes())
                .map_err(|e| Error::io(Path::new("<output>"), e))?;
        }
    }
    Ok(())
}

fn flat_schema(schema: &SchemaRef) -> SchemaRef {
    Arc::new(Schema::new(
        schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Dictionary(_, _) | DataType::List(_) | DataType::Struct(_) => {
                    Field::new(f.name(), DataType::Utf8, true)
                }
                _ => f.as_ref().clone(),
            })
            .collect::<Vec<_>>(),
    ))
}

/// The table for people: the columns `show` in that order (default: every column with a
/// value), fitted to `width` display columns (`None`: every column in full), and a row count.
pub fn table_text(
    data: &TableData,
    show: Option<&[String]>,
    width: Option<usize>,
) -> Result<String> {
    let batches: Vec<RecordBatch> = data.batches.iter().map(flatten).collect::<Result<_>>()?;
    let rows = data.num_rows();
    if rows == 0 {
        return Ok(format!("(no rows in {})\n", data.table));
    }
    let names: Vec<String> = match show {
        Some(s) => s.to_vec(),
        None => data
            .schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                batches
                    .iter()
                    .any(|b| b.column(*i).null_count() < b.num_rows())
            })
            .map(|(_, f)| f.name().clone())
            .collect(),
    };
    let cols = table::columns(&batches, &names)?;
    Ok(format!(
        "{}{rows} row(s) of {}\n",
        table::render(&cols, width, show.is_none()),
        data.table
    ))
}

/// Writes the table for people to `out` (in full) or standard output (fitted to `width`).
pub fn write_table(
    data: &TableData,
    show: Option<&[String]>,
    width: Option<usize>,
    out: Option<&Path>,
) -> Result<()> {
    match out {
        Some(p) => std::fs::write(p, table_text(data, show, None)?).map_err(|e| Error::io(p, e)),
        None => {
            let text = table_text(data, show, width)?;
            let mut o = std::io::stdout().lock();
            match o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
                // A closed pipe (`| head`) ends output quietly, as other Unix tools do.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(Error::io(Path::new("<stdout>"), e))
                }
                _ => Ok(()),
            }
        }
    }
}
