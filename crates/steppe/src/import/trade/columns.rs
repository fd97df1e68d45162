//! Builders of `trade_flows` batches: column vectors filled row by row and turned into Arrow
//! arrays directly (no serde on the hot path). The dictionaries of the free-valued columns
//! (entity ids, classifications, units) hold for the whole input, since parsers cache keys
//! and the store reads a column's values back with `Int16` keys; a full dictionary says so
//! (`None`) instead of panicking, and the parser rejects the row (`too_many_values`,
//! `too_many_areas`).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::types::Int16Type;
use arrow_array::{
    new_null_array, ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int16Array, Int64Array,
    Int8Array, RecordBatch, StringArray,
};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, SchemaRef};

use crate::model::{Derivation, Flow, Perspective, PriceBasis};
use crate::schema::Table;
use crate::Result;

/// Rows per `trade_flows` batch: one Parquet row group of the default writer settings.
pub(crate) const BATCH_ROWS: usize = 128 * 1024;

/// Stands for the input's source id until it is known; the pipeline replaces it in every
/// batch ([`with_source`]).
const PENDING_SOURCE: &str = "pending";

/// The most values a dictionary holds: what the store's Parquet reader reads back with
/// `Int16` keys (32,767; one more fails there with "dictionary too large for index type").
pub(crate) const MAX_VALUES: usize = i16::MAX as usize;

/// A growing list of dictionary values with their `Int16` keys (at most [`MAX_VALUES`]).
#[derive(Debug, Default, Clone)]
pub(crate) struct Dict {
    values: Vec<String>,
    index: HashMap<String, i16>,
}

impl Dict {
    /// The key of `value`, added if new; `None` when the dictionary is full.
    pub fn key(&mut self, value: &str) -> Option<i16> {
        if let Some(k) = self.index.get(value) {
            return Some(*k);
        }
        if self.values.len() >= MAX_VALUES {
            return None;
        }
        let k = self.values.len() as i16;
        self.values.push(value.to_string());
        self.index.insert(value.to_string(), k);
        Some(k)
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// The value of key `k`.
    pub fn value(&self, k: i16) -> &str {
        &self.values[k as usize]
    }

    fn array(&self) -> ArrayRef {
        Arc::new(StringArray::from_iter_values(self.values.iter()))
    }
}

/// Key of `x` in the dictionary of its code list `all` (`Flow::ALL`, ...).
fn key_of<T: PartialEq>(all: &[T], x: T) -> i16 {
    all.iter().position(|a| *a == x).unwrap_or(0) as i16
}

/// One accepted row: entity keys, code-list values and primitives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    pub year: i16,
    pub month: Option<i8>,
    pub reporter: i16,
    pub partner: i16,
    pub flow: Flow,
    pub perspective: Perspective,
    pub classification: i16,
    pub commodity: &'a [u8],
    pub value: Option<f64>,
    pub price_basis: PriceBasis,
    pub value_precision: Option<f64>,
    pub quantity: Option<f64>,
    pub unit: Option<i16>,
    pub is_estimated: bool,
    pub line: i64,
}

/// The varying columns of a lean row (BACI): the commodity is six characters.
pub(crate) struct LeanRow {
    pub reporter: i16,
    pub partner: i16,
    pub commodity: [u8; 6],
    pub value: f64,
    pub precision: Option<f64>,
    pub quantity: Option<f64>,
}

/// The constant columns of lean rows (BACI: one year, flow, classification and unit a file).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lean {
    pub year: i16,
    pub flow: Flow,
    pub perspective: Perspective,
    pub classification: i16,
    pub price_basis: PriceBasis,
    pub unit: i16,
}

/// The column vectors of one batch.
#[derive(Default)]
struct Vectors {
    year: Vec<i16>,
    month: Vec<i8>,
    month_valid: Vec<bool>,
    reporter: Vec<i16>,
    partner: Vec<i16>,
    flow: Vec<i16>,
    perspective: Vec<i16>,
    classification: Vec<i16>,
    commodity: Vec<u8>,
    commodity_offsets: Vec<i32>,
    value: Vec<f64>,
    value_valid: Vec<bool>,
    price_basis: Vec<i16>,
    precision: Vec<f64>,
    precision_valid: Vec<bool>,
    quantity: Vec<f64>,
    quantity_valid: Vec<bool>,
    unit: Vec<i16>,
    unit_valid: Vec<bool>,
    estimated: Vec<bool>,
    line: Vec<i64>,
}

impl Vectors {
    fn with_capacity(n: usize) -> Vectors {
        let mut v = Vectors {
            reporter: Vec::with_capacity(n),
            partner: Vec::with_capacity(n),
            commodity: Vec::with_capacity(n * 6),
            commodity_offsets: Vec::with_capacity(n + 1),
            value: Vec::with_capacity(n),
            precision: Vec::with_capacity(n),
            precision_valid: Vec::with_capacity(n),
            quantity: Vec::with_capacity(n),
            quantity_valid: Vec::with_capacity(n),
            line: Vec::with_capacity(n),
            ..Default::default()
        };
        v.commodity_offsets.push(0);
        v
    }

    /// Completes lean rows (only the varying columns pushed) with the constant ones.
    fn complete_lean(&mut self, k: &Lean) {
        let n = self.line.len();
        if self.year.len() == n {
            return;
        }
        self.year = vec![k.year; n];
        self.month = vec![0; n];
        self.month_valid = vec![false; n];
        self.flow = vec![key_of(Flow::ALL, k.flow); n];
        self.perspective = vec![key_of(Perspective::ALL, k.perspective); n];
        self.classification = vec![k.classification; n];
        self.commodity_offsets = (0..=n as i32).map(|i| i * 6).collect();
        self.value_valid = vec![true; n];
        self.price_basis = vec![key_of(PriceBasis::ALL, k.price_basis); n];
        self.unit = vec![k.unit; n];
        self.unit_valid = self.quantity_valid.clone();
        self.estimated = vec![false; n];
    }
}

/// The dictionaries of the free-valued columns, kept for the whole input.
#[derive(Debug, Default)]
pub(crate) struct Dicts {
    /// Entity ids, reporter and partner alike.
    pub entities: Dict,
    /// Classification names.
    pub classifications: Dict,
    /// Quantity units.
    pub units: Dict,
}

/// `trade_flows` rows being collected into a batch.
pub(crate) struct TradeColumns {
    /// Entity ids, classifications and units.
    pub dicts: Dicts,
    derivation: Derivation,
    rows: Vectors,
    lean: Option<Lean>,
    schema: SchemaRef,
}

impl TradeColumns {
    /// Empty columns for rows derived as `derivation`.
    pub fn new(derivation: Derivation) -> TradeColumns {
        TradeColumns {
            dicts: Dicts::default(),
            derivation,
            rows: Vectors::with_capacity(BATCH_ROWS),
            lean: None,
            schema: Table::TradeFlows.schema(),
        }
    }

    /// Rows collected so far.
    pub fn len(&self) -> usize {
        self.rows.line.len()
    }

    /// Sets the constant columns of rows added with [`TradeColumns::push_lean`].
    pub fn set_lean(&mut self, k: Lean) {
        self.lean = Some(k);
    }

    /// Adds a row.
    pub fn push(&mut self, r: &Row<'_>) {
        let c = &mut self.rows;
        c.year.push(r.year);
        c.month.push(r.month.unwrap_or(0));
        c.month_valid.push(r.month.is_some());
        c.reporter.push(r.reporter);
        c.partner.push(r.partner);
        c.flow.push(key_of(Flow::ALL, r.flow));
        c.perspective.push(key_of(Perspective::ALL, r.perspective));
        c.classification.push(r.classification);
        c.commodity.extend_from_slice(r.commodity);
        c.commodity_offsets.push(c.commodity.len() as i32);
        c.value.push(r.value.unwrap_or(0.0));
        c.value_valid.push(r.value.is_some());
        c.price_basis.push(key_of(PriceBasis::ALL, r.price_basis));
        c.precision.push(r.value_precision.unwrap_or(0.0));
        c.precision_valid.push(r.value_precision.is_some());
        c.quantity.push(r.quantity.unwrap_or(0.0));
        c.quantity_valid.push(r.quantity.is_some());
        c.unit.push(r.unit.unwrap_or(0));
        c.unit_valid.push(r.unit.is_some());
        c.estimated.push(r.is_estimated);
        c.line.push(r.line);
    }

    /// Pushes a row whose other columns are all the [`Lean`] constants (BACI): only the
    /// varying columns are stored per row; [`TradeColumns::finish`] fills the rest. Do not mix
    /// with [`TradeColumns::push`] in one batch.
    #[inline]
    pub fn push_lean(&mut self, r: &LeanRow, line: i64) {
        let c = &mut self.rows;
        c.reporter.push(r.reporter);
        c.partner.push(r.partner);
        c.commodity.extend_from_slice(&r.commodity);
        c.value.push(r.value);
        c.precision.push(r.precision.unwrap_or(0.0));
        c.precision_valid.push(r.precision.is_some());
        c.quantity.push(r.quantity.unwrap_or(0.0));
        c.quantity_valid.push(r.quantity.is_some());
        c.line.push(line);
    }

    /// Turns the collected rows into a batch of the `trade_flows` schema (source id
    /// [`PENDING_SOURCE`]) and starts the next batch.
    pub fn finish(&mut self) -> Result<RecordBatch> {
        let mut c = std::mem::replace(&mut self.rows, Vectors::with_capacity(BATCH_ROWS));
        if let Some(k) = &self.lean {
            c.complete_lean(k);
        }
        let d = &self.dicts;
        let n = c.line.len();
        let month: ArrayRef = if c.month_valid.contains(&true) {
            Arc::new(Int8Array::new(c.month.into(), nulls(c.month_valid)))
        } else {
            new_null_array(&DataType::Int8, n)
        };
        let commodity = StringArray::try_new(
            OffsetBuffer::new(ScalarBuffer::from(c.commodity_offsets)),
            Buffer::from_vec(c.commodity),
            None,
        )?;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int16Array::new(c.year.into(), None)),
            month,
            dict(c.reporter, None, d.entities.array())?,
            dict(c.partner, None, d.entities.array())?,
            code_dict(c.flow, Flow::ALL, Flow::as_str)?,
            code_dict(c.perspective, Perspective::ALL, Perspective::as_str)?,
            dict(c.classification, None, d.classifications.array())?,
            Arc::new(commodity),
            floats(c.value, c.value_valid),
            constant(n, "USD")?,
            code_dict(c.price_basis, PriceBasis::ALL, PriceBasis::as_str)?,
            floats(c.precision, c.precision_valid),
            floats(c.quantity, c.quantity_valid),
            dict(c.unit, nulls(c.unit_valid), d.units.array())?,
            Arc::new(BooleanArray::from(c.estimated)),
            constant(n, PENDING_SOURCE)?,
            new_null_array(&DataType::Utf8, n),
            Arc::new(Int64Array::new(c.line.into(), None)),
            new_null_array(&crate::schema::dict_type(), n),
            constant(n, self.derivation.as_str())?,
        ];
        Ok(RecordBatch::try_new(self.schema.clone(), columns)?)
    }
}

/// A dictionary column of `keys` into the code list `all` (`Flow::ALL`, ...).
fn code_dict<T: Copy>(keys: Vec<i16>, all: &[T], name: fn(T) -> &'static str) -> Result<ArrayRef> {
    let values = StringArray::from_iter_values(all.iter().map(|x| name(*x)));
    dict(keys, None, Arc::new(values))
}

/// A dictionary column of `n` rows, all `value`.
fn constant(n: usize, value: &str) -> Result<ArrayRef> {
    dict(vec![0; n], None, Arc::new(StringArray::from(vec![value])))
}

/// A `Float64` column of `values`, null where not `valid`.
fn floats(values: Vec<f64>, valid: Vec<bool>) -> ArrayRef {
    Arc::new(Float64Array::new(values.into(), nulls(valid)))
}

/// A validity buffer, or none when every value is valid.
fn nulls(valid: Vec<bool>) -> Option<NullBuffer> {
    valid.contains(&false).then(|| NullBuffer::from(valid))
}

/// A dictionary column of `keys` into `values`.
fn dict(keys: Vec<i16>, valid: Option<NullBuffer>, values: ArrayRef) -> Result<ArrayRef> {
    let keys = Int16Array::new(ScalarBuffer::from(keys), valid);
    Ok(Arc::new(DictionaryArray::<Int16Type>::try_new(
        keys, values,
    )?))
}

/// The batch with its `source_id` column set to `source_id` (parsers start before the input's
/// sha256, which names its source, is known).
pub(crate) fn with_source(batch: &RecordBatch, source_id: &str) -> Result<RecordBatch> {
    let idx = batch.schema().index_of("source_id")?;
    let mut columns = batch.columns().to_vec();
    columns[idx] = constant(batch.num_rows(), source_id)?;
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_dictionary_says_so_instead_of_panicking() {
        let mut d = Dict::default();
        for i in 0..MAX_VALUES {
            assert_eq!(d.key(&i.to_string()), Some(i as i16));
        }
        assert_eq!(d.key("one more"), None);
        assert_eq!(d.key("17"), Some(17));
        assert_eq!(d.len(), 32_767);
        assert_eq!(d.value(32_766), "32766");
    }
}
