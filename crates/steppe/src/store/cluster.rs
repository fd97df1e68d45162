//! Clustering the rows of a row group by a few key columns before they are encoded.
//!
//! Streamed imports write rows in the order of their input: BACI files, for one, are sorted
//! by numeric country codes, so within a reporter's block the partners follow BACI's numbers
//! (700 Singapore, 704 Viet Nam, 716 Zimbabwe, 762 Tajikistan, ...) and each 4,096-row page of
//! `partner_id` spans much of the alphabet. Page statistics then cannot tell the pages that
//! hold partner TJK from the rest. Ordering each row group by `(reporter_id, partner_id)`
//! text makes every page a narrow range of partners, which is what lets the page index skip
//! nearly all of them (docs/performance.md, "Querying a store").
//!
//! Rows already come in runs of equal keys (a reporter-partner pair's products), so the runs
//! are sorted, not the rows: a stable sort of a few hundred runs, then one interleave of the
//! columns. A row group already in order is left as it is.

use std::cmp::Ordering;

use arrow_array::cast::AsArray;
use arrow_array::types::Int16Type;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{ArrowError, DataType};

/// A key column as text, row by row, without materialising dictionary columns.
enum TextColumn {
    /// Dictionary of strings with 16-bit keys (steppe's code columns).
    Dictionary {
        keys: arrow_array::Int16Array,
        values: StringArray,
    },
    /// Plain strings (anything else is cast to them).
    Plain(StringArray),
}

impl TextColumn {
    fn new(column: &ArrayRef) -> Result<TextColumn, ArrowError> {
        if let Some(dict) = column.as_dictionary_opt::<Int16Type>() {
            if let Some(values) = dict.values().as_string_opt::<i32>() {
                return Ok(TextColumn::Dictionary {
                    keys: dict.keys().clone(),
                    values: values.clone(),
                });
            }
        }
        let plain = arrow_cast::cast(column, &DataType::Utf8)?;
        Ok(TextColumn::Plain(plain.as_string::<i32>().clone()))
    }

    /// Whether two rows surely hold the same value: equal dictionary keys (rows with
    /// different keys for one repeated value only split a run, which the sort rejoins).
    fn same(&self, a: usize, b: usize) -> bool {
        match self {
            TextColumn::Dictionary { keys, .. } => {
                keys.is_valid(a) == keys.is_valid(b) && keys.value(a) == keys.value(b)
            }
            TextColumn::Plain(_) => self.get(a) == self.get(b),
        }
    }

    /// The row's value; `None` for a null.
    fn get(&self, row: usize) -> Option<&str> {
        match self {
            TextColumn::Dictionary { keys, values } => {
                if keys.is_null(row) {
                    return None;
                }
                let key = usize::try_from(keys.value(row)).ok()?;
                (key < values.len() && values.is_valid(key)).then(|| values.value(key))
            }
            TextColumn::Plain(strings) => strings.is_valid(row).then(|| strings.value(row)),
        }
    }
}

/// A run of rows with equal keys: `batch`, first row, row count.
#[derive(Clone, Copy)]
struct Run {
    batch: usize,
    start: usize,
    len: usize,
}

/// The order (stable, by the text of the `by` columns, nulls first) of the rows of one row
/// group, as indices into its batches joined end to end; `None` when they are already in
/// that order or `by` is empty.
pub(crate) fn order(
    batches: &[RecordBatch],
    by: &[&str],
) -> Result<Option<UInt32Array>, ArrowError> {
    if by.is_empty() || batches.is_empty() {
        return Ok(None);
    }
    let keys: Vec<Vec<TextColumn>> = batches
        .iter()
        .map(|b| {
            by.iter()
                .map(|name| {
                    let column = b.column_by_name(name).ok_or_else(|| {
                        ArrowError::SchemaError(format!("no column `{name}` to cluster by"))
                    })?;
                    TextColumn::new(column)
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<_, _>>()?;
    let compare = |a: (usize, usize), b: (usize, usize)| -> Ordering {
        keys[a.0]
            .iter()
            .zip(&keys[b.0])
            .map(|(x, y)| x.get(a.1).cmp(&y.get(b.1)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    };
    let mut runs: Vec<Run> = Vec::new();
    for (b, batch) in batches.iter().enumerate() {
        for row in 0..batch.num_rows() {
            match runs.last_mut() {
                Some(run) if run.batch == b && keys[b].iter().all(|k| k.same(run.start, row)) => {
                    run.len += 1;
                }
                _ => runs.push(Run {
                    batch: b,
                    start: row,
                    len: 1,
                }),
            }
        }
    }
    let in_order = runs
        .windows(2)
        .all(|w| compare((w[0].batch, w[0].start), (w[1].batch, w[1].start)).is_le());
    if in_order {
        return Ok(None);
    }
    runs.sort_by(|a, b| compare((a.batch, a.start), (b.batch, b.start)));
    let offsets: Vec<usize> = batches
        .iter()
        .scan(0, |next, b| {
            let first = *next;
            *next += b.num_rows();
            Some(first)
        })
        .collect();
    Ok(Some(
        runs.iter()
            .flat_map(|r| {
                let first = offsets[r.batch] + r.start;
                (first..first + r.len).map(|row| row as u32)
            })
            .collect(),
    ))
}

/// One column of a row group, its pieces joined and put in `order` (one gather, which the
/// writer runs column by column in parallel).
pub(crate) fn gather(pieces: &[&dyn Array], order: &UInt32Array) -> Result<ArrayRef, ArrowError> {
    let joined = match pieces {
        [one] => arrow_array::make_array(one.to_data()),
        _ => arrow_select::concat::concat(pieces)?,
    };
    arrow_select::take::take(&joined, order, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{DictionaryArray, Int32Array};
    use std::sync::Arc;

    fn batch(reporters: &[&str], partners: &[&str], lines: &[i32]) -> RecordBatch {
        let reporter: DictionaryArray<Int16Type> = reporters.iter().copied().collect();
        RecordBatch::try_from_iter(vec![
            ("reporter_id", Arc::new(reporter) as ArrayRef),
            (
                "partner_id",
                Arc::new(StringArray::from(partners.to_vec())) as ArrayRef,
            ),
            (
                "line",
                Arc::new(Int32Array::from(lines.to_vec())) as ArrayRef,
            ),
        ])
        .unwrap()
    }

    /// The row group in the order [`order`] gives, column by column through [`gather`].
    fn cluster(batches: Vec<RecordBatch>, by: &[&str]) -> Result<Vec<RecordBatch>, ArrowError> {
        let Some(order) = order(&batches, by)? else {
            return Ok(batches);
        };
        let schema = batches[0].schema();
        let columns = (0..schema.fields().len())
            .map(|j| {
                let pieces: Vec<&dyn Array> =
                    batches.iter().map(|b| b.column(j).as_ref()).collect();
                gather(&pieces, &order)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(vec![RecordBatch::try_new(schema, columns)?])
    }

    fn column(batches: &[RecordBatch], name: &str) -> Vec<String> {
        batches
            .iter()
            .flat_map(|b| {
                let text =
                    arrow_cast::cast(b.column_by_name(name).unwrap(), &DataType::Utf8).unwrap();
                text.as_string::<i32>()
                    .iter()
                    .map(|v| v.unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn runs_are_ordered_by_text_and_keep_their_row_order() {
        // Partners out of alphabetical order (as BACI's numeric codes leave them), across two
        // batches of one row group.
        let first = batch(
            &["AFG", "AFG", "AFG", "AFG"],
            &["TJK", "TJK", "ALB", "UZB"],
            &[1, 2, 3, 4],
        );
        let second = batch(&["AFG", "ALB", "ALB"], &["CHN", "TJK", "AFG"], &[5, 6, 7]);
        let out = cluster(vec![first, second], &["reporter_id", "partner_id"]).unwrap();
        assert_eq!(out.iter().map(|b| b.num_rows()).sum::<usize>(), 7);
        assert_eq!(
            column(&out, "partner_id"),
            ["ALB", "CHN", "TJK", "TJK", "UZB", "AFG", "TJK"]
        );
        assert_eq!(
            column(&out, "reporter_id"),
            ["AFG", "AFG", "AFG", "AFG", "AFG", "ALB", "ALB"]
        );
        // Rows of one run keep their input order (lines 1 then 2).
        assert_eq!(column(&out, "line"), ["3", "5", "1", "2", "4", "7", "6"]);
    }

    #[test]
    fn ordered_row_groups_and_empty_keys_are_left_alone() {
        let sorted = batch(&["AFG", "AFG", "ALB"], &["ALB", "TJK", "AFG"], &[1, 2, 3]);
        let out = cluster(vec![sorted.clone()], &["reporter_id", "partner_id"]).unwrap();
        assert_eq!(out.len(), 1);
        assert!(out[0]
            .column(2)
            .to_data()
            .ptr_eq(&sorted.column(2).to_data()));
        let unsorted = batch(&["ALB", "AFG"], &["AFG", "TJK"], &[1, 2]);
        let out = cluster(vec![unsorted.clone()], &[]).unwrap();
        assert_eq!(column(&out, "line"), ["1", "2"]);
        let missing = cluster(vec![unsorted], &["nope"]);
        assert!(missing.is_err());
    }
}
