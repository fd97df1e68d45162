//! Row filters: equality on codes, integer ranges (years), alternatives (either side of a flow)
//! and list membership. Filters on partition columns prune whole files before anything is read.

use std::collections::HashSet;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, Scalar, StringArray};
use arrow_schema::DataType;

use crate::{Error, Result};

/// One condition on a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// The column's value (as text) is one of `values`.
    In {
        /// Column name.
        column: String,
        /// Accepted values.
        values: Vec<String>,
    },
    /// The integer column lies in `[min, max]` (either end open when `None`).
    Range {
        /// Column name.
        column: String,
        /// Smallest accepted value.
        min: Option<i64>,
        /// Largest accepted value.
        max: Option<i64>,
    },
    /// The column's value (as text) is in a set of many values, looked up by hash (a
    /// semi-join: events whose id is among the events of a country's actors).
    InSet {
        /// Column name.
        column: String,
        /// Accepted values.
        values: Arc<ValueSet>,
    },
    /// At least one of the predicates holds.
    Any(Vec<Predicate>),
    /// The list column contains one of `values`.
    ListContains {
        /// Column name.
        column: String,
        /// Accepted values.
        values: Vec<String>,
    },
}

/// A set of text values with its smallest and largest (for pruning by statistics).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueSet {
    set: HashSet<String>,
    bounds: Option<(String, String)>,
}

impl ValueSet {
    /// The set of `values`.
    pub fn new(values: impl IntoIterator<Item = String>) -> ValueSet {
        let set: HashSet<String> = values.into_iter().collect();
        let bounds = set
            .iter()
            .min()
            .zip(set.iter().max())
            .map(|(a, b)| (a.clone(), b.clone()));
        ValueSet { set, bounds }
    }

    /// Whether `value` is in the set.
    pub fn contains(&self, value: &str) -> bool {
        self.set.contains(value)
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

/// The range of a column's values in a row group, from Parquet statistics.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnRange {
    /// Byte-string bounds (inclusive; possibly truncated, but always bounds).
    Bytes(Vec<u8>, Vec<u8>),
    /// Integer bounds (inclusive).
    Int(i64, i64),
}

/// A conjunction of predicates; the empty filter keeps every row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// All must hold.
    pub predicates: Vec<Predicate>,
}

impl Predicate {
    /// `column IN values`.
    pub fn is_in(column: &str, values: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Predicate::In {
            column: column.into(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// `min <= column <= max`.
    pub fn range(column: &str, min: Option<i64>, max: Option<i64>) -> Self {
        Predicate::Range {
            column: column.into(),
            min,
            max,
        }
    }

    /// `column` in the set `values` (a hash look-up per row, however many values).
    pub fn in_set(column: &str, values: impl IntoIterator<Item = String>) -> Self {
        Predicate::InSet {
            column: column.into(),
            values: Arc::new(ValueSet::new(values)),
        }
    }

    /// Columns the predicate reads.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Predicate::In { column, .. }
            | Predicate::InSet { column, .. }
            | Predicate::Range { column, .. }
            | Predicate::ListContains { column, .. } => vec![column.as_str()],
            Predicate::Any(ps) => ps.iter().flat_map(|p| p.columns()).collect(),
        }
    }

    /// Decides the predicate from partition values alone: `Some(false)` prunes the file,
    /// `None` means the predicate reads non-partition columns.
    pub fn on_partition(&self, value_of: &dyn Fn(&str) -> Option<Option<i64>>) -> Option<bool> {
        match self {
            Predicate::Range { column, min, max } => {
                let v = value_of(column)?;
                Some(match v {
                    None => false,
                    Some(v) => min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m),
                })
            }
            Predicate::In { column, values } => {
                let v = value_of(column)?;
                Some(v.is_some_and(|v| values.iter().any(|x| x.parse::<i64>().ok() == Some(v))))
            }
            Predicate::InSet { column, values } => {
                let v = value_of(column)?;
                Some(v.is_some_and(|v| values.contains(&v.to_string())))
            }
            Predicate::ListContains { .. } => None,
            Predicate::Any(ps) => {
                let mut all_known = true;
                for p in ps {
                    match p.on_partition(value_of) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => all_known = false,
                    }
                }
                if all_known {
                    Some(false)
                } else {
                    None
                }
            }
        }
    }

    /// Decides the predicate from column statistics: `Some(false)` when no row of the row
    /// group can match, `None` when the statistics cannot tell.
    pub fn on_stats(&self, range_of: &dyn Fn(&str) -> Option<ColumnRange>) -> Option<bool> {
        match self {
            Predicate::In { column, values } => match range_of(column)? {
                ColumnRange::Bytes(min, max) => Some(
                    values
                        .iter()
                        .any(|v| v.as_bytes() >= min.as_slice() && v.as_bytes() <= max.as_slice()),
                ),
                ColumnRange::Int(min, max) => Some(
                    values
                        .iter()
                        .any(|v| v.parse::<i64>().is_ok_and(|v| v >= min && v <= max)),
                ),
            },
            Predicate::InSet { column, values } => match (range_of(column)?, &values.bounds) {
                (_, None) => Some(false),
                (ColumnRange::Bytes(min, max), Some((lo, hi))) => {
                    Some(lo.as_bytes() <= max.as_slice() && hi.as_bytes() >= min.as_slice())
                }
                (ColumnRange::Int(..), _) => None,
            },
            Predicate::Range { column, min, max } => match range_of(column)? {
                ColumnRange::Int(lo, hi) => {
                    Some(min.is_none_or(|m| hi >= m) && max.is_none_or(|m| lo <= m))
                }
                ColumnRange::Bytes(..) => None,
            },
            Predicate::ListContains { .. } => None,
            Predicate::Any(ps) => {
                let mut all_known = true;
                for p in ps {
                    match p.on_stats(range_of) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => all_known = false,
                    }
                }
                if all_known {
                    Some(false)
                } else {
                    None
                }
            }
        }
    }

    /// The predicate with the alternatives that statistics rule out removed (see
    /// [`Filter::narrowed`]).
    pub fn narrowed(&self, range_of: &dyn Fn(&str) -> Option<ColumnRange>) -> Predicate {
        let Predicate::Any(ps) = self else {
            return self.clone();
        };
        let mut left: Vec<Predicate> = ps
            .iter()
            .filter(|p| p.on_stats(range_of) != Some(false))
            .map(|p| p.narrowed(range_of))
            .collect();
        match left.len() {
            0 => self.clone(),
            1 => left.remove(0),
            _ => Predicate::Any(left),
        }
    }

    /// Evaluates the predicate on a batch.
    pub fn evaluate(&self, batch: &RecordBatch) -> Result<BooleanArray> {
        let column = |name: &str| -> Result<ArrayRef> {
            batch
                .column_by_name(name)
                .cloned()
                .ok_or_else(|| Error::InvalidArgument(format!("no column `{name}` to filter on")))
        };
        match self {
            Predicate::In {
                column: name,
                values,
            } => by_value(&column(name)?, |c| in_values(c, values)),
            Predicate::InSet {
                column: name,
                values,
            } => by_value(&column(name)?, |c| in_set(c, values)),
            Predicate::Range {
                column: name,
                min,
                max,
            } => {
                let col = arrow_cast::cast(&column(name)?, &DataType::Int64)?;
                let ints = col.as_primitive::<arrow_array::types::Int64Type>();
                let (lo, hi) = (min.unwrap_or(i64::MIN), max.unwrap_or(i64::MAX));
                let bits = arrow_buffer::BooleanBuffer::collect_bool(ints.len(), |i| {
                    let v = ints.values()[i];
                    v >= lo && v <= hi
                });
                Ok(BooleanArray::new(bits, ints.nulls().cloned()))
            }
            Predicate::ListContains {
                column: name,
                values,
            } => {
                let col = column(name)?;
                let list = col.as_list_opt::<i32>().ok_or_else(|| {
                    Error::InvalidArgument(format!("column `{name}` is not a list"))
                })?;
                list_contains(list, values)
            }
            Predicate::Any(ps) => {
                let mut mask: Option<BooleanArray> = None;
                for p in ps {
                    let m = p.evaluate(batch)?;
                    mask = Some(match mask {
                        None => BooleanArray::new(bits(&m), None),
                        Some(prev) => arrow_arith_or(&prev, &m),
                    });
                }
                Ok(mask.unwrap_or_else(|| {
                    BooleanArray::new(
                        arrow_buffer::BooleanBuffer::new_unset(batch.num_rows()),
                        None,
                    )
                }))
            }
        }
    }
}

/// The rows of `col` whose value passes `test` (a mask over an array of values). Dictionary-
/// encoded codes test the (few) dictionary values once, then look each row's key up, instead
/// of materialising every row as text.
fn by_value(
    col: &ArrayRef,
    test: impl Fn(&ArrayRef) -> Result<BooleanArray>,
) -> Result<BooleanArray> {
    if let Some(dict) = col.as_any_dictionary_opt() {
        let hits = test(dict.values())?;
        let hits: Vec<bool> = (0..hits.len())
            .map(|i| hits.is_valid(i) && hits.value(i))
            .collect();
        return dictionary_lookup(dict.keys(), &hits);
    }
    test(col)
}

/// Each row's `hits[key]`, for the integer dictionary keys of a column (a null key is no
/// match): one pass over the keys, with no intermediate array.
fn dictionary_lookup(keys: &dyn Array, hits: &[bool]) -> Result<BooleanArray> {
    use arrow_array::types::*;
    fn lookup<K: arrow_array::ArrowPrimitiveType>(keys: &dyn Array, hits: &[bool]) -> BooleanArray {
        let keys = keys.as_primitive::<K>();
        let values = keys.values();
        let hit = |i: usize| {
            use arrow_buffer::ArrowNativeType;
            hits.get(values[i].as_usize()).copied().unwrap_or(false)
        };
        let bits = arrow_buffer::BooleanBuffer::collect_bool(values.len(), hit);
        BooleanArray::new(bits, keys.nulls().cloned())
    }
    Ok(match keys.data_type() {
        DataType::Int8 => lookup::<Int8Type>(keys, hits),
        DataType::Int16 => lookup::<Int16Type>(keys, hits),
        DataType::Int32 => lookup::<Int32Type>(keys, hits),
        DataType::Int64 => lookup::<Int64Type>(keys, hits),
        DataType::UInt8 => lookup::<UInt8Type>(keys, hits),
        DataType::UInt16 => lookup::<UInt16Type>(keys, hits),
        DataType::UInt32 => lookup::<UInt32Type>(keys, hits),
        DataType::UInt64 => lookup::<UInt64Type>(keys, hits),
        other => {
            return Err(Error::InvalidArgument(format!(
                "dictionary keys of type {other} are not integers"
            )))
        }
    })
}

/// The rows of `list` holding one of `values` (a null list holds none): the items are tested
/// once, all together (dictionary items by their values), then each row's run of items.
fn list_contains(list: &arrow_array::ListArray, values: &[String]) -> Result<BooleanArray> {
    let hits = by_value(list.values(), |c| in_values(c, values))?;
    let hits = bits(&hits);
    let offsets = list.value_offsets();
    let row = |i: usize| {
        let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
        list.is_valid(i) && (start..end).any(|j| hits.value(j))
    };
    Ok(BooleanArray::new(
        arrow_buffer::BooleanBuffer::collect_bool(list.len(), row),
        None,
    ))
}

/// Rows of `col` (cast to text) equal to one of `values`.
fn in_values(col: &ArrayRef, values: &[String]) -> Result<BooleanArray> {
    let col = arrow_cast::cast(col, &DataType::Utf8)?;
    let mut mask = BooleanArray::from(vec![false; col.len()]);
    for v in values {
        let scalar = Scalar::new(StringArray::from(vec![v.as_str()]));
        let eq = arrow_ord::cmp::eq(&col, &scalar)?;
        mask = arrow_arith_or(&mask, &eq);
    }
    Ok(mask)
}

/// Rows of `col` (cast to text) in `set`: one hash look-up per row.
fn in_set(col: &ArrayRef, set: &ValueSet) -> Result<BooleanArray> {
    let col = arrow_cast::cast(col, &DataType::Utf8)?;
    let text = col.as_string::<i32>();
    let bits = arrow_buffer::BooleanBuffer::collect_bool(text.len(), |i| {
        text.is_valid(i) && set.contains(text.value(i))
    });
    Ok(BooleanArray::new(bits, None))
}

/// A mask's bits with nulls as false.
fn bits(a: &BooleanArray) -> arrow_buffer::BooleanBuffer {
    match a.nulls() {
        Some(n) => a.values() & n.inner(),
        None => a.values().clone(),
    }
}

/// Null-as-false OR of two masks.
fn arrow_arith_or(a: &BooleanArray, b: &BooleanArray) -> BooleanArray {
    BooleanArray::new(&bits(a) | &bits(b), None)
}

/// Null-as-false AND of two masks.
fn arrow_arith_and(a: &BooleanArray, b: &BooleanArray) -> BooleanArray {
    BooleanArray::new(&bits(a) & &bits(b), None)
}

impl Filter {
    /// Keeps every row.
    pub fn all() -> Self {
        Filter::default()
    }

    /// Adds a predicate.
    pub fn and(mut self, p: Predicate) -> Self {
        self.predicates.push(p);
        self
    }

    /// Whether a file with these partition values can hold matching rows.
    pub fn may_match_partition(&self, value_of: &dyn Fn(&str) -> Option<Option<i64>>) -> bool {
        self.predicates
            .iter()
            .all(|p| p.on_partition(value_of) != Some(false))
    }

    /// Whether a row group with these column statistics can hold matching rows.
    pub fn may_match_stats(&self, range_of: &dyn Fn(&str) -> Option<ColumnRange>) -> bool {
        self.predicates
            .iter()
            .all(|p| p.on_stats(range_of) != Some(false))
    }

    /// Keeps the rows of a batch that match.
    pub fn apply(&self, batch: RecordBatch) -> Result<RecordBatch> {
        if self.predicates.is_empty() || batch.num_rows() == 0 {
            return Ok(batch);
        }
        let mask = self.evaluate(&batch)?;
        Ok(arrow_select::filter::filter_record_batch(&batch, &mask)?)
    }

    /// Which rows of a batch match (nulls count as no match; the empty filter keeps all).
    pub fn evaluate(&self, batch: &RecordBatch) -> Result<BooleanArray> {
        let mut mask: Option<BooleanArray> = None;
        for p in &self.predicates {
            let m = p.evaluate(batch)?;
            mask = Some(match mask {
                None => m,
                Some(prev) => arrow_arith_and(&prev, &m),
            });
        }
        Ok(match mask {
            Some(m) => BooleanArray::new(bits(&m), None),
            None => BooleanArray::new(arrow_buffer::BooleanBuffer::new_set(batch.num_rows()), None),
        })
    }

    /// Columns the filter reads.
    pub fn columns(&self) -> Vec<&str> {
        self.predicates.iter().flat_map(|p| p.columns()).collect()
    }

    /// The filter with the alternatives that column statistics rule out removed: for a row
    /// group where `reporter_id` cannot be TJK, `reporter_id = TJK OR partner_id = TJK`
    /// becomes `partner_id = TJK`, so only `partner_id` is decoded to test its rows. An
    /// alternative none of whose branches can match is kept as it is (the row group can be
    /// skipped: [`Filter::may_match_stats`] says so).
    pub fn narrowed(&self, range_of: &dyn Fn(&str) -> Option<ColumnRange>) -> Filter {
        Filter {
            predicates: self
                .predicates
                .iter()
                .map(|p| p.narrowed(range_of))
                .collect(),
        }
    }

    /// The predicates that partition values alone do not already decide to hold: what is
    /// left to check on the rows of a file with these partition values.
    pub fn residual(&self, value_of: &dyn Fn(&str) -> Option<Option<i64>>) -> Filter {
        Filter {
            predicates: self
                .predicates
                .iter()
                .filter(|p| p.on_partition(value_of) != Some(true))
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int16Array, StringArray};
    use std::sync::Arc;

    fn batch() -> RecordBatch {
        RecordBatch::try_from_iter(vec![
            (
                "reporter",
                Arc::new(StringArray::from(vec!["TJK", "RUS", "CHN", "TJK"])) as ArrayRef,
            ),
            (
                "partner",
                Arc::new(StringArray::from(vec!["RUS", "TJK", "USA", "CHN"])) as ArrayRef,
            ),
            (
                "year",
                Arc::new(Int16Array::from(vec![2020, 2021, 2022, 2023])) as ArrayRef,
            ),
        ])
        .unwrap()
    }

    #[test]
    fn list_contains_tests_each_rows_items_null_lists_and_items_hold_nothing() {
        use arrow_array::builder::{ListBuilder, StringBuilder, StringDictionaryBuilder};
        use arrow_array::types::Int8Type;
        let mut b = ListBuilder::new(StringBuilder::new());
        for row in [
            Some(vec![Some("RUS"), Some("TJK")]),
            None,
            Some(vec![]),
            Some(vec![None, Some("KGZ")]),
            Some(vec![Some("UZB"), None]),
            Some(vec![Some("TJKX")]),
        ] {
            match row {
                Some(items) => {
                    for i in items {
                        b.values().append_option(i);
                    }
                    b.append(true);
                }
                None => b.append(false),
            }
        }
        let list: ArrayRef = Arc::new(b.finish());
        let contains = |list: ArrayRef, values: &[&str]| -> Vec<bool> {
            let batch = RecordBatch::try_from_iter(vec![("ids", list)]).unwrap();
            let p = Predicate::ListContains {
                column: "ids".into(),
                values: values.iter().map(|v| v.to_string()).collect(),
            };
            let m = p.evaluate(&batch).unwrap();
            (0..m.len()).map(|i| m.is_valid(i) && m.value(i)).collect()
        };
        let f = false;
        assert_eq!(contains(list.clone(), &["TJK"]), [true, f, f, f, f, f]);
        assert_eq!(
            contains(list.clone(), &["KGZ", "UZB"]),
            [f, f, f, true, true, f]
        );
        assert_eq!(contains(list.clone(), &[]), [f; 6]);
        // A slice's rows keep their own items (offsets into the shared child array).
        assert_eq!(
            contains(list.slice(3, 3), &["KGZ", "TJKX"]),
            [true, f, true]
        );
        // Dictionary items are matched on their values.
        let mut d = ListBuilder::new(StringDictionaryBuilder::<Int8Type>::new());
        d.values().append_value("CHN");
        d.append(true);
        d.values().append_value("TJK");
        d.values().append_value("CHN");
        d.append(true);
        assert_eq!(contains(Arc::new(d.finish()), &["TJK"]), [f, true]);
    }

    #[test]
    fn either_side_and_year_range() {
        let f = Filter::all()
            .and(Predicate::Any(vec![
                Predicate::is_in("reporter", ["TJK"]),
                Predicate::is_in("partner", ["TJK"]),
            ]))
            .and(Predicate::range("year", Some(2021), Some(2023)));
        let out = f.apply(batch()).unwrap();
        let years = out
            .column(2)
            .as_primitive::<arrow_array::types::Int16Type>();
        assert_eq!(years.values().to_vec(), vec![2021, 2023]);
    }

    #[test]
    fn a_value_set_matches_like_in_and_prunes_by_its_bounds() {
        let set = |v: &[&str]| Predicate::in_set("partner", v.iter().map(|s| s.to_string()));
        let p = set(&["TJK", "USA", "ZZZ"]);
        let mask = p.evaluate(&batch()).unwrap();
        assert_eq!(
            (0..4).map(|i| mask.value(i)).collect::<Vec<_>>(),
            [false, true, true, false]
        );
        // A dictionary column is looked up through its dictionary.
        let dict: arrow_array::DictionaryArray<arrow_array::types::Int16Type> =
            vec!["RUS", "TJK", "RUS", "CHN"].into_iter().collect();
        let b = RecordBatch::try_from_iter(vec![("partner", Arc::new(dict) as ArrayRef)]).unwrap();
        let mask = set(&["RUS"]).evaluate(&b).unwrap();
        assert_eq!(
            (0..4).map(|i| mask.value(i)).collect::<Vec<_>>(),
            [true, false, true, false]
        );
        // Statistics: a row group whose values all lie outside [TJK, ZZZ] cannot match.
        let bytes = |lo: &str, hi: &str| ColumnRange::Bytes(lo.into(), hi.into());
        assert_eq!(p.on_stats(&|_| Some(bytes("AFG", "RUS"))), Some(false));
        assert_eq!(p.on_stats(&|_| Some(bytes("AFG", "TUR"))), Some(true));
        assert_eq!(set(&[]).on_stats(&|_| Some(bytes("A", "Z"))), Some(false));
        assert_eq!(p.on_stats(&|_| Some(ColumnRange::Int(1, 2))), None);
        // A partition value is looked up as text.
        let year = Predicate::in_set("year", ["2020".to_string()]);
        assert_eq!(year.on_partition(&|_| Some(Some(2020))), Some(true));
        assert_eq!(year.on_partition(&|_| Some(Some(2021))), Some(false));
    }

    #[test]
    fn statistics_narrow_alternatives_to_the_branches_that_can_match() {
        let either = Predicate::Any(vec![
            Predicate::is_in("reporter", ["TJK"]),
            Predicate::is_in("partner", ["TJK"]),
        ]);
        let f =
            Filter::all()
                .and(either.clone())
                .and(Predicate::range("year", Some(2021), Some(2023)));
        let bytes = |lo: &str, hi: &str| Some(ColumnRange::Bytes(lo.into(), hi.into()));
        // Reporters AFG..KAZ cannot be TJK: only the partner branch is left to test.
        let stats = |c: &str| match c {
            "reporter" => bytes("AFG", "KAZ"),
            "partner" => bytes("ARM", "ZWE"),
            _ => None,
        };
        let narrowed = f.narrowed(&stats);
        assert_eq!(
            narrowed.predicates,
            vec![
                Predicate::is_in("partner", ["TJK"]),
                Predicate::range("year", Some(2021), Some(2023)),
            ]
        );
        assert_eq!(narrowed.columns(), vec!["partner", "year"]);
        // Rows the narrowed filter keeps are the rows the whole filter keeps, when the
        // statistics are true of the rows (here: no reporter is TJK).
        let rows = RecordBatch::try_from_iter(vec![
            (
                "reporter",
                Arc::new(StringArray::from(vec!["AFG", "KAZ", "CHN", "IND"])) as ArrayRef,
            ),
            (
                "partner",
                Arc::new(StringArray::from(vec!["TJK", "ARM", "TJK", "ZWE"])) as ArrayRef,
            ),
            (
                "year",
                Arc::new(Int16Array::from(vec![2021, 2021, 2020, 2022])) as ArrayRef,
            ),
        ])
        .unwrap();
        assert_eq!(
            f.evaluate(&rows).unwrap(),
            narrowed.evaluate(&rows).unwrap()
        );
        assert_eq!(
            narrowed.evaluate(&rows).unwrap(),
            BooleanArray::from(vec![true, false, false, false])
        );
        // Both branches possible, or no statistics: unchanged.
        let both = |c: &str| match c {
            "reporter" | "partner" => bytes("AFG", "ZWE"),
            _ => None,
        };
        assert_eq!(f.narrowed(&both), f);
        assert_eq!(f.narrowed(&|_| None), f);
        // Neither branch can match: kept whole (the row group is skipped by may_match_stats).
        let neither = |c: &str| match c {
            "reporter" | "partner" => bytes("AFG", "KAZ"),
            _ => None,
        };
        assert!(!f.may_match_stats(&neither));
        assert_eq!(f.narrowed(&neither), f);
        // Nested alternatives narrow too.
        let nested = Filter::all().and(Predicate::Any(vec![
            either.clone(),
            Predicate::is_in("flow", ["import"]),
        ]));
        let flow_out = |c: &str| match c {
            "reporter" => bytes("AFG", "KAZ"),
            "partner" => bytes("AFG", "ZWE"),
            "flow" => bytes("export", "export"),
            _ => None,
        };
        assert_eq!(
            nested.narrowed(&flow_out).predicates,
            vec![Predicate::is_in("partner", ["TJK"])]
        );
    }

    #[test]
    fn dictionary_columns_match_on_their_values_whatever_the_key_type() {
        use arrow_array::types::{Int16Type, Int8Type, UInt32Type};
        use arrow_array::DictionaryArray;
        let f = Filter::all().and(Predicate::Any(vec![
            Predicate::is_in("reporter", ["TJK"]),
            Predicate::is_in("partner", ["TJK"]),
        ]));
        // Keys out of order, a repeated value, a null key and an unused dictionary value.
        let reporter: DictionaryArray<Int16Type> = DictionaryArray::try_new(
            Int16Array::from(vec![Some(2), Some(0), None, Some(1), Some(0)]),
            Arc::new(StringArray::from(vec!["RUS", "TJK", "CHN", "USA"])),
        )
        .unwrap();
        let partner: DictionaryArray<Int8Type> = DictionaryArray::try_new(
            arrow_array::Int8Array::from(vec![0, 0, 1, 0, 2]),
            Arc::new(StringArray::from(vec!["KAZ", "TJK", "TJK"])),
        )
        .unwrap();
        let b = RecordBatch::try_from_iter(vec![
            ("reporter", Arc::new(reporter) as ArrayRef),
            ("partner", Arc::new(partner) as ArrayRef),
        ])
        .unwrap();
        let mask: Vec<bool> = f.evaluate(&b).unwrap().iter().map(|v| v.unwrap()).collect();
        assert_eq!(mask, vec![false, false, true, true, true]);
        // Unsigned keys too.
        let keys: DictionaryArray<UInt32Type> = DictionaryArray::try_new(
            arrow_array::UInt32Array::from(vec![1, 0]),
            Arc::new(StringArray::from(vec!["TJK", "RUS"])),
        )
        .unwrap();
        let b = RecordBatch::try_from_iter(vec![("reporter", Arc::new(keys) as ArrayRef)]).unwrap();
        let only = Filter::all().and(Predicate::is_in("reporter", ["TJK"]));
        let mask: Vec<bool> = only
            .evaluate(&b)
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect();
        assert_eq!(mask, vec![false, true]);
    }

    #[test]
    fn partition_pruning_decides_only_what_it_can() {
        let f = Filter::all().and(Predicate::range("year", Some(2020), Some(2022)));
        assert!(f.may_match_partition(&|c| (c == "year").then_some(Some(2021))));
        assert!(!f.may_match_partition(&|c| (c == "year").then_some(Some(2019))));
        assert!(!f.may_match_partition(&|c| (c == "year").then_some(None)));
        let g = Filter::all().and(Predicate::is_in("reporter", ["TJK"]));
        assert!(g.may_match_partition(&|c| (c == "year").then_some(Some(1990))));
    }

    #[test]
    fn statistics_prune_row_groups_that_cannot_match() {
        let f = Filter::all().and(Predicate::Any(vec![
            Predicate::is_in("reporter_id", ["TJK"]),
            Predicate::is_in("partner_id", ["TJK"]),
        ]));
        let stats = |lo: &str, hi: &str| {
            let (lo, hi) = (lo.as_bytes().to_vec(), hi.as_bytes().to_vec());
            move |c: &str| {
                (c == "reporter_id" || c == "partner_id")
                    .then(|| ColumnRange::Bytes(lo.clone(), hi.clone()))
            }
        };
        assert!(!f.may_match_stats(&stats("AFG", "SYR")));
        assert!(f.may_match_stats(&stats("RUS", "UZB")));
        let g = Filter::all().and(Predicate::range("line", Some(10), Some(20)));
        assert!(!g.may_match_stats(&|_| Some(ColumnRange::Int(21, 90))));
        assert!(g.may_match_stats(&|_| Some(ColumnRange::Int(0, 10))));
        assert!(g.may_match_stats(&|_| None), "no statistics: keep");
    }

    #[test]
    fn unknown_column_is_an_error() {
        let f = Filter::all().and(Predicate::is_in("nope", ["x"]));
        assert!(matches!(f.apply(batch()), Err(Error::InvalidArgument(_))));
    }
}
