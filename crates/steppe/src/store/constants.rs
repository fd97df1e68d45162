//! Columns that hold one value in a whole file, recorded in the file's key-value metadata.
//!
//! A trade import writes a dozen columns that are the same on every row of a file (flow,
//! currency, source, ...). Their values are stored in the Parquet footer under
//! [`METADATA_KEY`] as a JSON object (`{"flow": "export", "month": null, ...}`); a reader
//! that finds a column there builds it from that value instead of reading and decoding its
//! column chunks (one dictionary page and a few data pages per row group, which was most of
//! the work of a selective query). The column data stays in the file, so every other
//! Parquet reader sees the same table; the metadata is only a shortcut, and a reader that
//! cannot use it (a type it does not handle, a malformed value) reads the column as usual.

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::{
    new_null_array, Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, Scalar, StringArray,
    UInt32Array,
};
use arrow_schema::DataType;
use serde_json::Value;

/// Key of the footer metadata entry that lists a file's constant columns.
pub const METADATA_KEY: &str = "steppe.constant_columns";

/// Files with fewer rows list no constants: reading their columns costs little anyway.
pub(crate) const MIN_ROWS: usize = 4096;

/// Longest text value listed (longer ones, such as a claim's text, stay in the data only).
const MAX_TEXT_BYTES: usize = 64;

/// What is known of one column while a file is written.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    /// Every row so far holds this value (`Value::Null`: every row is null).
    Constant(Value),
    /// Rows differ, or the column's type is not one a constant is recorded for.
    Varying,
}

/// Watches the batches written to one file for columns that keep one value.
#[derive(Debug, Default)]
pub(crate) struct ConstantColumns {
    /// Column name to what is known of it, in the order the columns were first seen.
    seen: Vec<(String, Seen)>,
    /// Rows observed.
    rows: usize,
}

impl ConstantColumns {
    /// Takes note of a batch about to be written.
    pub(crate) fn observe(&mut self, batch: &RecordBatch) {
        if batch.num_rows() == 0 {
            return;
        }
        self.rows += batch.num_rows();
        let first = self.seen.is_empty();
        for (i, field) in batch.schema().fields().iter().enumerate() {
            if first {
                let seen = match batch_constant(batch.column(i)) {
                    Some(v) => Seen::Constant(v),
                    None => Seen::Varying,
                };
                self.seen.push((field.name().clone(), seen));
                continue;
            }
            let Some((_, seen)) = self.seen.iter_mut().find(|(n, _)| n == field.name()) else {
                continue;
            };
            if let Seen::Constant(value) = seen {
                if batch_constant(batch.column(i)).as_ref() != Some(value) {
                    *seen = Seen::Varying;
                }
            }
        }
    }

    /// The metadata value to store in the file's footer (`None` when no column is constant,
    /// or the file has fewer than [`MIN_ROWS`] rows).
    pub(crate) fn metadata(&self) -> Option<String> {
        if self.rows < MIN_ROWS {
            return None;
        }
        let map: serde_json::Map<String, Value> = self
            .seen
            .iter()
            .filter_map(|(name, seen)| match seen {
                Seen::Constant(v) => Some((name.clone(), v.clone())),
                Seen::Varying => None,
            })
            .collect();
        (!map.is_empty()).then(|| Value::Object(map).to_string())
    }
}

/// The value every row of `column` holds, if they all hold one and its type is recorded.
fn batch_constant(column: &ArrayRef) -> Option<Value> {
    if !recordable(column.data_type()) {
        return None;
    }
    let rows = column.len();
    if column.null_count() == rows {
        return Some(Value::Null);
    }
    if column.null_count() > 0 {
        return None;
    }
    let same = match column.as_any_dictionary_opt() {
        // Compare the keys: every row pointing at one dictionary entry is one value (a
        // dictionary may hold the same value twice, which then reads as varying; no harm).
        Some(dict) if dict.values().len() == 1 => Some(true),
        Some(dict) => all_equal_to_first(dict.keys()),
        None => all_equal_to_first(column.as_ref()),
    }?;
    if !same {
        return None;
    }
    let first = column.slice(0, 1);
    let value = match first.data_type() {
        DataType::Boolean => Value::Bool(
            first
                .as_any()
                .downcast_ref::<BooleanArray>()
                .map(|b| b.value(0))?,
        ),
        dt if dt.is_integer() => {
            let v = arrow_cast::cast(&first, &DataType::Int64).ok()?;
            let v = v.as_any().downcast_ref::<Int64Array>()?;
            Value::from(v.value(0))
        }
        _ => {
            let v = arrow_cast::cast(&first, &DataType::Utf8).ok()?;
            let v = v.as_any().downcast_ref::<StringArray>()?;
            if v.value(0).len() > MAX_TEXT_BYTES {
                return None;
            }
            Value::String(v.value(0).to_string())
        }
    };
    Some(value)
}

/// Whether every value of `array` (which has no nulls) equals its first.
fn all_equal_to_first(array: &dyn Array) -> Option<bool> {
    let first = array.slice(0, 1);
    let equal = arrow_ord::cmp::eq(&array, &Scalar::new(first)).ok()?;
    Some(equal.true_count() == array.len())
}

/// Types whose constants are recorded: text (plain or dictionary-encoded), integers and
/// booleans; any type when every row is null.
fn recordable(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Boolean => true,
        DataType::Dictionary(_, values) => {
            matches!(values.as_ref(), DataType::Utf8 | DataType::LargeUtf8)
        }
        dt => dt.is_integer(),
    }
}

/// The columns of `batch` that hold some value other than the one `listed` for them: what
/// `steppe validate` reports when a footer's list does not match the file's rows.
pub(crate) fn mismatches(listed: &BTreeMap<String, Value>, batch: &RecordBatch) -> Vec<String> {
    listed
        .iter()
        .filter(|(name, value)| {
            batch.num_rows() > 0
                && batch
                    .column_by_name(name)
                    .is_some_and(|c| batch_constant(c).as_ref() != Some(*value))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// The constant columns the footer of a file with metadata `meta` lists (see
/// [`from_metadata`]).
pub(crate) fn listed(meta: &parquet::file::metadata::ParquetMetaData) -> BTreeMap<String, Value> {
    from_metadata(
        meta.file_metadata()
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|e| e.key == METADATA_KEY))
            .and_then(|e| e.value.as_deref()),
    )
}

/// The constant columns a footer entry lists (empty when it lists none or the entry cannot
/// be read: the columns are then read from the data, as any reader would).
pub(crate) fn from_metadata(value: Option<&str>) -> BTreeMap<String, Value> {
    value
        .and_then(|v| serde_json::from_str::<serde_json::Map<String, Value>>(v).ok())
        .map(|m| m.into_iter().collect())
        .unwrap_or_default()
}

/// A column of `rows` copies of `value`, of type `data_type` (the file's type for the
/// column), or `None` when the value does not fit the type (the column is then read from the
/// data).
pub(crate) fn column(value: &Value, data_type: &DataType, rows: usize) -> Option<ArrayRef> {
    if value.is_null() {
        return Some(new_null_array(data_type, rows));
    }
    if !recordable(data_type) {
        return None;
    }
    let one: ArrayRef = match value {
        Value::Bool(b) if *data_type == DataType::Boolean => {
            std::sync::Arc::new(BooleanArray::from(vec![*b]))
        }
        Value::Number(n) if data_type.is_integer() => {
            std::sync::Arc::new(Int64Array::from(vec![n.as_i64()?]))
        }
        Value::String(s) if !data_type.is_integer() && *data_type != DataType::Boolean => {
            std::sync::Arc::new(StringArray::from(vec![s.as_str()]))
        }
        _ => return None,
    };
    let one = arrow_cast::cast(&one, data_type).ok()?;
    if one.null_count() > 0 {
        return None; // out of the type's range
    }
    arrow_select::take::take(&one, &UInt32Array::from(vec![0u32; rows]), None).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::types::Int8Type;
    use arrow_array::{DictionaryArray, Float64Array, Int16Array};
    use std::sync::Arc;

    fn batch(flow: &[&str], month: Vec<Option<i16>>, value: Vec<f64>, key: Vec<i8>) -> RecordBatch {
        let dict: DictionaryArray<Int8Type> =
            DictionaryArray::try_new(key.into(), Arc::new(StringArray::from(vec!["TJK", "RUS"])))
                .unwrap();
        RecordBatch::try_from_iter(vec![
            (
                "flow",
                Arc::new(StringArray::from(flow.to_vec())) as ArrayRef,
            ),
            ("month", Arc::new(Int16Array::from(month)) as ArrayRef),
            ("value", Arc::new(Float64Array::from(value)) as ArrayRef),
            ("reporter_id", Arc::new(dict) as ArrayRef),
        ])
        .unwrap()
    }

    /// What `c` lists once it has seen enough rows (the batches' last, observed again).
    fn recorded(c: &ConstantColumns, last: &RecordBatch) -> BTreeMap<String, Value> {
        let mut c = ConstantColumns {
            seen: c.seen.clone(),
            rows: c.rows,
        };
        assert_eq!(c.metadata(), None, "too few rows to list");
        while c.rows < MIN_ROWS {
            c.observe(last);
        }
        from_metadata(c.metadata().as_deref())
    }

    #[test]
    fn columns_that_keep_one_value_across_batches_are_recorded() {
        let mut c = ConstantColumns::default();
        c.observe(&batch(
            &["export", "export"],
            vec![None, None],
            vec![1.0, 1.0],
            vec![1, 1],
        ));
        let last = batch(&["export"], vec![None], vec![2.0], vec![1]);
        c.observe(&last);
        let r = recorded(&c, &last);
        assert_eq!(r.get("flow"), Some(&Value::from("export")));
        assert_eq!(r.get("month"), Some(&Value::Null));
        assert_eq!(r.get("reporter_id"), Some(&Value::from("RUS")));
        // Constant in each batch, different between them: not recorded. Floats never are.
        assert_eq!(r.get("value"), None);
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn a_second_value_or_a_null_among_values_makes_a_column_varying() {
        let mut c = ConstantColumns::default();
        c.observe(&batch(
            &["export", "import"],
            vec![Some(3), None],
            vec![1.0, 1.0],
            vec![0, 1],
        ));
        let last = batch(&["export"], vec![Some(3)], vec![1.0], vec![0]);
        c.observe(&last);
        assert!(recorded(&c, &last).is_empty());
        let mut c = ConstantColumns::default();
        c.observe(&batch(&["export"], vec![Some(3)], vec![1.0], vec![0]));
        let last = batch(&["export"], vec![None], vec![1.0], vec![0]);
        c.observe(&last);
        c.observe(&batch(&[], vec![], vec![], vec![])); // empty batches change nothing
        let r = recorded(&c, &last);
        assert_eq!(r.get("month"), None);
        assert_eq!(r.get("flow"), Some(&Value::from("export")));
        assert_eq!(r.get("reporter_id"), Some(&Value::from("TJK")));
        // Long texts are not listed.
        let long = "x".repeat(MAX_TEXT_BYTES + 1);
        let mut c = ConstantColumns::default();
        let last = batch(&[long.as_str()], vec![None], vec![1.0], vec![0]);
        c.observe(&last);
        assert_eq!(recorded(&c, &last).get("flow"), None);
    }

    #[test]
    fn recorded_values_rebuild_columns_of_the_file_type() {
        let dict = DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8));
        let c = column(&Value::from("TJK"), &dict, 3).unwrap();
        assert_eq!(c.data_type(), &dict);
        let text = arrow_cast::cast(&c, &DataType::Utf8).unwrap();
        assert_eq!(
            text.as_any().downcast_ref::<StringArray>().unwrap(),
            &StringArray::from(vec!["TJK"; 3])
        );
        let c = column(&Value::from(2021), &DataType::Int16, 2).unwrap();
        assert_eq!(
            c.as_any().downcast_ref::<Int16Array>().unwrap(),
            &Int16Array::from(vec![2021, 2021])
        );
        let c = column(&Value::Null, &DataType::Int16, 2).unwrap();
        assert_eq!(c.null_count(), 2);
        let c = column(&Value::Bool(true), &DataType::Boolean, 1).unwrap();
        assert!(c.as_any().downcast_ref::<BooleanArray>().unwrap().value(0));
        // Values that do not fit the type are left to the data.
        assert!(column(&Value::from(70000), &DataType::Int16, 2).is_none());
        assert!(column(&Value::from("x"), &DataType::Int16, 2).is_none());
        assert!(column(&Value::from(1), &DataType::Float64, 2).is_none());
        // A footer entry the rows do not bear out is found.
        let rows = batch(
            &["export", "import"],
            vec![None, None],
            vec![1.0, 1.0],
            vec![0, 0],
        );
        let listed: BTreeMap<String, Value> = [
            ("flow".to_string(), Value::from("export")),
            ("month".to_string(), Value::Null),
            ("reporter_id".to_string(), Value::from("TJK")),
            ("value".to_string(), Value::from(1)),
        ]
        .into();
        assert_eq!(mismatches(&listed, &rows), vec!["flow", "value"]);
        // A malformed entry lists nothing.
        assert!(from_metadata(Some("not json")).is_empty());
        assert!(from_metadata(Some("[1, 2]")).is_empty());
        assert!(from_metadata(None).is_empty());
    }
}
