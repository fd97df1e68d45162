//! Batches as a table's: columns conformed to the table schema (partition columns restored,
//! types cast, absent nullable columns as nulls) and small batches joined with one dictionary
//! each.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{new_null_array, ArrayRef, Int16Array, RecordBatch};
use arrow_schema::{DataType, SchemaRef};

use crate::schema::Table;
use crate::{Error, Result};

/// Rows per batch that [`coalesce`] aims at (the reader's batch size).
pub(super) const BATCH_ROWS: usize = 64 * 1024;

/// Joins runs of small batches (a selective filter leaves a few rows per row group) into
/// batches of about [`BATCH_ROWS`] rows, so consumers get a few chunks rather than hundreds.
pub(super) fn coalesce(schema: &SchemaRef, batches: Vec<RecordBatch>) -> Result<Vec<RecordBatch>> {
    if batches.len() < 2 || batches.iter().all(|b| b.num_rows() >= BATCH_ROWS / 2) {
        return Ok(batches);
    }
    let mut out = Vec::new();
    let mut run: Vec<RecordBatch> = Vec::new();
    let mut run_rows = 0;
    let flush = |run: &mut Vec<RecordBatch>, out: &mut Vec<RecordBatch>| -> Result<()> {
        match run.len() {
            0 => {}
            1 => out.append(run),
            _ => {
                let joined = arrow_select::concat::concat_batches(schema, run.iter())?;
                run.clear();
                // Concatenated dictionary columns may repeat values (one dictionary per row
                // group); re-encode them so every dictionary is unique, as pandas requires.
                let columns = joined
                    .columns()
                    .iter()
                    .map(unique_dictionary)
                    .collect::<Result<Vec<_>>>()?;
                out.push(RecordBatch::try_new(schema.clone(), columns)?);
            }
        }
        Ok(())
    };
    for b in batches {
        if b.num_rows() >= BATCH_ROWS / 2 {
            flush(&mut run, &mut out)?;
            run_rows = 0;
            out.push(b);
            continue;
        }
        if run_rows + b.num_rows() > BATCH_ROWS {
            flush(&mut run, &mut out)?;
            run_rows = 0;
        }
        run_rows += b.num_rows();
        run.push(b);
    }
    flush(&mut run, &mut out)?;
    Ok(out)
}

/// A dictionary column with each value once in its dictionary (other columns unchanged).
///
/// Concatenating the batches of several row groups concatenates their dictionaries, which then
/// repeat values. The values are deduplicated (a hash per dictionary value, not per row) and
/// the keys remapped; dictionaries of other key or value types go through text.
fn unique_dictionary(column: &ArrayRef) -> Result<ArrayRef> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int16Type;
    use arrow_array::Array;
    let DataType::Dictionary(_, value_type) = column.data_type() else {
        return Ok(column.clone());
    };
    let strings = column
        .as_dictionary_opt::<Int16Type>()
        .and_then(|d| Some((d, d.values().as_string_opt::<i32>()?)))
        .filter(|(_, values)| values.null_count() == 0);
    let Some((dict, values)) = strings else {
        let plain = arrow_cast::cast(column, value_type)?;
        return Ok(arrow_cast::cast(&plain, column.data_type())?);
    };
    let mut index: std::collections::HashMap<&str, i16> =
        std::collections::HashMap::with_capacity(values.len());
    let mut unique = arrow_array::builder::StringBuilder::new();
    let mut mapping: Vec<i16> = Vec::with_capacity(values.len());
    for value in values.iter().flatten() {
        let next = index.len() as i16;
        let key = *index.entry(value).or_insert_with(|| {
            unique.append_value(value);
            next
        });
        mapping.push(key);
    }
    if index.len() == values.len() {
        return Ok(column.clone());
    }
    let keys = dict
        .keys()
        .unary::<_, Int16Type>(|k| mapping.get(k as usize).copied().unwrap_or(0));
    Ok(Arc::new(
        arrow_array::DictionaryArray::<Int16Type>::try_new(keys, Arc::new(unique.finish()))?,
    ))
}

/// A batch read from a file as a batch of the `target` table columns: partition columns
/// restored from the file's partition values, types cast to the table's, absent nullable
/// columns as nulls.
pub(super) fn conform_batch(
    batch: RecordBatch,
    target: &SchemaRef,
    partition: &std::collections::BTreeMap<String, Option<i64>>,
    partition_by: &[&str],
    location: &Path,
    table: Table,
) -> Result<RecordBatch> {
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(target.fields().len());
    for field in target.fields() {
        let name = field.name().as_str();
        if partition_by.contains(&name) {
            let v = partition.get(name).copied().flatten();
            columns.push(partition_column(field.data_type(), v, batch.num_rows())?);
        } else if let Some(col) = batch.column_by_name(name) {
            if col.data_type() != field.data_type() {
                columns.push(arrow_cast::cast(col, field.data_type())?);
            } else {
                columns.push(col.clone());
            }
        } else if field.is_nullable() {
            columns.push(new_null_array(field.data_type(), batch.num_rows()));
        } else {
            return Err(Error::store(
                location,
                format!("column `{name}` of table `{table}` is missing from the file"),
            ));
        }
    }
    Ok(RecordBatch::try_new_with_options(
        target.clone(),
        columns,
        &arrow_array::RecordBatchOptions::new().with_row_count(Some(batch.num_rows())),
    )?)
}

fn partition_column(dt: &DataType, value: Option<i64>, rows: usize) -> Result<ArrayRef> {
    let arr: ArrayRef = match value {
        Some(v) => {
            let v = i16::try_from(v)
                .map_err(|_| Error::InvalidArgument(format!("partition value {v} out of range")))?;
            Arc::new(Int16Array::from(vec![v; rows]))
        }
        None => Arc::new(Int16Array::from(vec![None; rows])),
    };
    if arr.data_type() == dt {
        Ok(arr)
    } else {
        Ok(arrow_cast::cast(&arr, dt)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int16Type;
    use arrow_array::{Array, DictionaryArray, StringArray};

    fn decoded(column: &ArrayRef) -> Vec<Option<String>> {
        let plain = arrow_cast::cast(column, &DataType::Utf8).unwrap();
        plain
            .as_string::<i32>()
            .iter()
            .map(|v| v.map(String::from))
            .collect()
    }

    #[test]
    fn unique_dictionary_keeps_every_row_and_each_value_once() {
        // Two row groups' dictionaries, concatenated: "TJK" and "RUS" appear twice.
        let dict: ArrayRef = Arc::new(
            DictionaryArray::<Int16Type>::try_new(
                Int16Array::from(vec![Some(0), Some(1), None, Some(2), Some(3), Some(4)]),
                Arc::new(StringArray::from(vec!["TJK", "RUS", "RUS", "CHN", "TJK"])),
            )
            .unwrap(),
        );
        let out = unique_dictionary(&dict).unwrap();
        assert_eq!(decoded(&out), decoded(&dict));
        let values = out.as_dictionary::<Int16Type>().values().clone();
        let mut names: Vec<&str> = values.as_string::<i32>().iter().flatten().collect();
        names.sort_unstable();
        assert_eq!(names, vec!["CHN", "RUS", "TJK"]);
        assert_eq!(out.null_count(), 1);
        // An already unique dictionary and a plain column come back as they are.
        let same = unique_dictionary(&out).unwrap();
        assert!(same.to_data().ptr_eq(&out.to_data()));
        let plain: ArrayRef = Arc::new(StringArray::from(vec!["a"]));
        assert!(unique_dictionary(&plain)
            .unwrap()
            .to_data()
            .ptr_eq(&plain.to_data()));
    }
}
