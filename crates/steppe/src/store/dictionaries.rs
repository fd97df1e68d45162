//! One dictionary per column across a table's batches, for consumers (pyarrow's `group_by`,
//! `join`) that refuse chunks whose dictionaries differ.
//!
//! Each file (and row group) of a table carries its own dictionary for a code column, so the
//! batches of a multi-file table do too. [`unify`] gives every batch the same dictionary: the
//! first batch's values followed by the values the later batches add. A batch whose dictionary
//! is a prefix of that union keeps its keys buffer (zero-copy); the others get their keys
//! remapped, in place when the batch held the only reference to its keys (as a table just
//! read does), so unifying a year of trade (10 M rows) allocates no second keys buffer.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::Int16Type;
use arrow_array::{Array, ArrayRef, DictionaryArray, Int16Array, RecordBatch, StringArray};
use arrow_schema::SchemaRef;

use crate::Result;

/// `batches` (all of `schema`) with every `Dictionary(Int16, Utf8)` column sharing one
/// dictionary across the batches; rows and values are unchanged.
///
/// Columns of other types, columns whose dictionaries already agree, dictionaries with null
/// values and unions over `i16::MAX` values are left as they are.
pub fn unify(schema: &SchemaRef, batches: Vec<RecordBatch>) -> Result<Vec<RecordBatch>> {
    if batches.len() < 2 {
        return Ok(batches);
    }
    // Take the columns out of the batches, so that a column's keys are only referenced here
    // and can be remapped in place.
    let mut schemas = Vec::with_capacity(batches.len());
    let mut columns: Vec<Vec<ArrayRef>> =
        vec![Vec::with_capacity(batches.len()); schema.fields().len()];
    for batch in batches {
        let (batch_schema, arrays, _) = batch.into_parts();
        schemas.push(batch_schema);
        for (column, array) in columns.iter_mut().zip(arrays) {
            column.push(array);
        }
    }
    for column in columns.iter_mut() {
        unify_column(column)?;
    }
    let mut rows: Vec<Vec<ArrayRef>> = vec![Vec::with_capacity(columns.len()); schemas.len()];
    for column in columns {
        for (row, array) in rows.iter_mut().zip(column) {
            row.push(array);
        }
    }
    schemas
        .into_iter()
        .zip(rows)
        .map(|(schema, arrays)| Ok(RecordBatch::try_new(schema, arrays)?))
        .collect()
}

/// Gives the chunks of one column one shared dictionary; leaves them as they are when they
/// need no change (not string dictionaries, already the same, null values, too many values).
fn unify_column(chunks: &mut [ArrayRef]) -> Result<()> {
    let Some(mappings) = mappings(chunks) else {
        return Ok(());
    };
    let (unified, mappings) = mappings;
    let unified: ArrayRef = Arc::new(unified);
    for (chunk, mapping) in chunks.iter_mut().zip(mappings) {
        let dict = DictionaryArray::<Int16Type>::from(chunk.to_data());
        // Drop this slot's reference, so `dict` holds the only one to the keys when the
        // table did.
        *chunk = unified.clone();
        let (keys, _) = dict.into_parts();
        let identity = mapping.iter().enumerate().all(|(i, &k)| i as i16 == k);
        let keys = if identity {
            keys
        } else {
            remap(keys, &mapping)
        };
        let array = DictionaryArray::<Int16Type>::try_new(keys, unified.clone())?;
        *chunk = Arc::new(array);
    }
    Ok(())
}

/// `keys` through `mapping` (a key past it, which a valid dictionary never has, becomes 0), in
/// place when the keys buffer has no other owner.
fn remap(keys: Int16Array, mapping: &[i16]) -> Int16Array {
    let map = |k: i16| mapping.get(k as usize).copied().unwrap_or(0);
    match keys.unary_mut(map) {
        Ok(in_place) => in_place,
        Err(shared) => shared.unary::<_, Int16Type>(map),
    }
}

/// The union of the chunks' dictionaries and, per chunk, the position in it of each of its
/// values; `None` when the column needs no change.
fn mappings(chunks: &[ArrayRef]) -> Option<(StringArray, Vec<Vec<i16>>)> {
    let mut parts = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let values = chunk
            .as_dictionary_opt::<Int16Type>()?
            .values()
            .as_string_opt::<i32>()?;
        if values.null_count() > 0 {
            return None;
        }
        parts.push(values);
    }
    let first = parts[0];
    if parts
        .iter()
        .all(|v| v.to_data().ptr_eq(&first.to_data()) || *v == first)
    {
        return None;
    }
    union(parts.into_iter())
}

/// The union of `dictionaries` (each value once, in order of first appearance) and, for each
/// dictionary, the position in the union of each of its values; `None` past `i16::MAX` values.
fn union<'a>(
    dictionaries: impl Iterator<Item = &'a StringArray>,
) -> Option<(StringArray, Vec<Vec<i16>>)> {
    let mut index: HashMap<&'a str, i16> = HashMap::new();
    let mut unified = StringBuilder::new();
    let mut mappings = Vec::new();
    for values in dictionaries {
        let mut mapping = Vec::with_capacity(values.len());
        for value in values.iter().flatten() {
            let next = i16::try_from(index.len()).ok()?;
            let key = *index.entry(value).or_insert_with(|| {
                unified.append_value(value);
                next
            });
            mapping.push(key);
        }
        mappings.push(mapping);
    }
    Some((unified.finish(), mappings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Float64Array, Int16Array};
    use arrow_schema::{DataType, Field, Schema};

    fn dict(keys: Vec<Option<i16>>, values: Vec<&str>) -> ArrayRef {
        Arc::new(
            DictionaryArray::<Int16Type>::try_new(
                Int16Array::from(keys),
                Arc::new(StringArray::from(values)),
            )
            .unwrap(),
        )
    }

    fn decoded(column: &ArrayRef) -> Vec<Option<String>> {
        let plain = arrow_cast::cast(column, &DataType::Utf8).unwrap();
        let text = plain.as_string::<i32>();
        text.iter().map(|v| v.map(String::from)).collect()
    }

    fn schema() -> SchemaRef {
        let code = DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8));
        Arc::new(Schema::new(vec![
            Field::new("reporter_id", code, true),
            Field::new("value", DataType::Float64, true),
        ]))
    }

    fn batch(reporters: ArrayRef, values: Vec<f64>) -> RecordBatch {
        let values: ArrayRef = Arc::new(Float64Array::from(values));
        RecordBatch::try_new(schema(), vec![reporters, values]).unwrap()
    }

    #[test]
    fn every_batch_gets_the_same_dictionary_and_keeps_its_rows() {
        let a = batch(
            dict(vec![Some(0), Some(1)], vec!["TJK", "RUS"]),
            vec![1.0, 2.0],
        );
        // A prefix-compatible dictionary keeps its keys; a reordered one is remapped.
        let b = batch(dict(vec![Some(0), None], vec!["TJK"]), vec![3.0, 4.0]);
        let c = batch(
            dict(vec![Some(0), Some(1), Some(2)], vec!["CHN", "RUS", "CHN"]),
            vec![5.0, 6.0, 7.0],
        );
        let before: Vec<_> = [&a, &b, &c].iter().map(|x| decoded(x.column(0))).collect();
        let b_keys = b.column(0).as_dictionary::<Int16Type>().keys().to_data();
        let b_values = b.column(1).clone();
        let keys_of = |x: &RecordBatch, i: usize| {
            let dict = x.column(i).as_dictionary::<Int16Type>();
            dict.keys().values().inner().as_ptr() as usize
        };
        let c_keys = keys_of(&c, 0);
        let out = unify(&schema(), vec![a, b, c]).unwrap();
        // The reordered batch held the only reference to its keys: remapped in place.
        assert_eq!(keys_of(&out[2], 0), c_keys);
        let remapped = out[2].column(0).as_dictionary::<Int16Type>().keys().clone();
        assert_eq!(remapped.values().to_vec(), [2, 1, 2]);
        let after: Vec<_> = out.iter().map(|x| decoded(x.column(0))).collect();
        assert_eq!(after, before);
        let values: Vec<_> = out
            .iter()
            .map(|x| x.column(0).as_dictionary::<Int16Type>().values().clone())
            .collect();
        let text = values[0].as_string::<i32>();
        assert_eq!(
            text.iter().flatten().collect::<Vec<_>>(),
            ["TJK", "RUS", "CHN"]
        );
        assert!(values
            .iter()
            .all(|v| v.to_data().ptr_eq(&values[0].to_data())));
        let kept = out[1]
            .column(0)
            .as_dictionary::<Int16Type>()
            .keys()
            .to_data();
        assert!(kept.buffers()[0].as_ptr() == b_keys.buffers()[0].as_ptr());
        let value_column = b_values.to_data();
        assert!(out[1].column(1).to_data().ptr_eq(&value_column));
    }

    #[test]
    fn shared_keys_are_copied_not_changed_under_their_other_owner() {
        let a = batch(dict(vec![Some(0)], vec!["TJK"]), vec![1.0]);
        let b = batch(
            dict(vec![Some(0), Some(1)], vec!["RUS", "TJK"]),
            vec![2.0, 3.0],
        );
        let held = b.clone();
        let out = unify(&schema(), vec![a, b]).unwrap();
        assert_eq!(decoded(out[1].column(0)), decoded(held.column(0)));
        let keys = |x: &RecordBatch| x.column(0).as_dictionary::<Int16Type>().keys().clone();
        assert_eq!(keys(&held).values().to_vec(), [0, 1]);
        assert_eq!(keys(&out[1]).values().to_vec(), [1, 0]);
    }

    #[test]
    fn agreeing_dictionaries_and_single_batches_come_back_as_they_are() {
        let shared = dict(vec![Some(0), Some(1)], vec!["TJK", "RUS"]);
        let a = batch(shared.clone(), vec![1.0, 2.0]);
        let b = batch(dict(vec![Some(1)], vec!["TJK", "RUS"]), vec![3.0]);
        let out = unify(&schema(), vec![a.clone(), b.clone()]).unwrap();
        assert!(out[0].column(0).to_data().ptr_eq(&a.column(0).to_data()));
        assert!(out[1].column(0).to_data().ptr_eq(&b.column(0).to_data()));
        let one = unify(&schema(), vec![a.clone()]).unwrap();
        assert!(one[0].column(0).to_data().ptr_eq(&shared.to_data()));
    }
}
