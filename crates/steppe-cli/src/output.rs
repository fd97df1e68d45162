//! Writing query results: aligned table, CSV, JSON lines or Parquet.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use steppe::{Error, Result, TableData};

use crate::cli::Format;

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

/// Writes `data` in `format` to `out` (a file) or standard output.
pub fn write(data: &TableData, format: Format, out: Option<&Path>) -> Result<()> {
    let batches: Vec<RecordBatch> = data.batches.clone();
    match format {
        Format::Parquet => {
            let path = out.ok_or_else(|| {
                Error::InvalidArgument("--format parquet needs --out FILE".into())
            })?;
            let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
            let mut w = parquet::arrow::ArrowWriter::try_new(file, data.schema.clone(), None)?;
            for b in &batches {
                w.write(b)?;
            }
            w.close()?;
            Ok(())
        }
        _ => {
            let mut sink: Box<dyn Write> = match out {
                Some(p) => Box::new(std::fs::File::create(p).map_err(|e| Error::io(p, e))?),
                None => Box::new(std::io::stdout().lock()),
            };
            let to_io = |e: std::io::Error| Error::io(out.unwrap_or(Path::new("<stdout>")), e);
            match format {
                Format::Csv => {
                    let mut w = arrow_csv::WriterBuilder::new()
                        .with_header(true)
                        .build(&mut sink);
                    if batches.is_empty() {
                        let empty = RecordBatch::new_empty(flat_schema(&data.schema));
                        w.write(&empty)?;
                    }
                    for b in &batches {
                        w.write(&flatten(b)?)?;
                    }
                }
                Format::Json => {
                    let mut w = arrow_json::LineDelimitedWriter::new(&mut sink);
                    for b in &batches {
                        w.write(&flatten(b)?)?;
                    }
                    w.finish()?;
                }
                Format::Table => {
                    let text = table_text(data)?;
                    sink.write_all(text.as_bytes()).map_err(to_io)?;
                }
                Format::Parquet => unreachable!("handled above"),
            }
            sink.flush().map_err(to_io)
        }
    }
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

/// An aligned table of the non-empty columns, with a row count.
pub fn table_text(data: &TableData) -> Result<String> {
    let batches: Vec<RecordBatch> = data.batches.iter().map(flatten).collect::<Result<_>>()?;
    let rows = data.num_rows();
    if rows == 0 {
        return Ok(format!("(no rows in {})\n", data.table));
    }
    let schema = batches[0].schema();
    let keep: Vec<usize> = (0..schema.fields().len())
        .filter(|&i| {
            batches
                .iter()
                .any(|b| b.column(i).null_count() < b.num_rows())
        })
        .collect();
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(keep.iter().map(|&i| schema.field(i).name().clone()));
    let opts = FormatOptions::default().with_null("");
    for b in &batches {
        let fmts: Vec<ArrayFormatter> = keep
            .iter()
            .map(|&i| ArrayFormatter::try_new(b.column(i).as_ref(), &opts))
            .collect::<std::result::Result<_, _>>()?;
        for r in 0..b.num_rows() {
            t.add_row(fmts.iter().map(|f| f.value(r).to_string()));
        }
    }
    Ok(format!("{t}\n{rows} row(s) of {}\n", data.table))
}
