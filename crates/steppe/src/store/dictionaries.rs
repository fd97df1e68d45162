//! One dictionary per column across a table's batches, for consumers (pyarrow's `group_by`,
//! `join`) that refuse chunks whose dictionaries differ.
//!
//! Each file (and row group) of a table carries its own dictionary for a code column, so the
//! batches of a multi-file table do too. [`unify`] gives every batch the same dictionary: the
//! first batch's values followed by the values the later batches add. A batch whose dictionary
//! is a prefix of that union keeps its keys buffer (zero-copy); the others get remapped keys.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::Int16Type;
use arrow_array::{Array, ArrayRef, DictionaryArray, RecordBatch, StringArray};
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
    let mut columns: Vec<Vec<ArrayRef>> = (0..schema.fields().len())
        .map(|i| batches.iter().map(|b| b.column(i).clone()).collect())
        .collect();
    for column in columns.iter_mut() {
        if let Some(unified) = unify_column(column)? {
            *column = unified;
        }
    }
    batches
        .iter()
        .enumerate()
        .map(|(row, batch)| {
            let arrays = columns.iter().map(|c| c[row].clone()).collect();
            Ok(RecordBatch::try_new(batch.schema(), arrays)?)
        })
        .collect()
}

/// The chunks of one column with one shared dictionary, or `None` when they need no change
/// (not string dictionaries, already the same, null values, too many values).
fn unify_column(chunks: &[ArrayRef]) -> Result<Option<Vec<ArrayRef>>> {
    let mut parts = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let Some(dict) = chunk.as_dictionary_opt::<Int16Type>() else {
            return Ok(None);
        };
        match dict.values().as_string_opt::<i32>() {
            Some(values) if values.null_count() == 0 => parts.push((dict, values)),
            _ => return Ok(None),
        }
    }
    let first = parts[0].1;
    if parts
        .iter()
        .all(|(_, v)| v.to_data().ptr_eq(&first.to_data()) || *v == first)
    {
        return Ok(None);
    }
    let Some((unified, mappings)) = union(parts.iter().map(|(_, v)| *v)) else {
        return Ok(None);
    };
    let unified: ArrayRef = Arc::new(unified);
    let mut out = Vec::with_capacity(parts.len());
    for ((dict, _), mapping) in parts.iter().zip(mappings) {
        let identity = mapping.iter().enumerate().all(|(i, &k)| i as i16 == k);
        let keys = if identity {
            dict.keys().clone()
        } else {
            dict.keys()
                .unary::<_, Int16Type>(|k| mapping.get(k as usize).copied().unwrap_or(0))
        };
        let array = DictionaryArray::<Int16Type>::try_new(keys, unified.clone())?;
        out.push(Arc::new(array) as ArrayRef);
    }
    Ok(Some(out))
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
        let out = unify(&schema(), vec![a, b, c]).unwrap();
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
