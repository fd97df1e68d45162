//! Builders of `trade_flows` batches: dictionaries and column vectors filled row by row and
//! turned into Arrow arrays directly (no serde on the hot path).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::types::Int16Type;
use arrow_array::{
    new_null_array, ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int16Array, Int64Array,
    Int8Array, RecordBatch, StringArray,
};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::SchemaRef;

use crate::schema::Table;
use crate::Result;

/// Rows per `trade_flows` batch: one Parquet row group of the default writer settings.
pub(crate) const BATCH_ROWS: usize = 128 * 1024;

/// A growing list of dictionary values with their keys.
#[derive(Debug, Default, Clone)]
pub(crate) struct Dict {
    values: Vec<String>,
    index: HashMap<String, i16>,
    array: Option<ArrayRef>,
}

impl Dict {
    /// A dictionary holding `values` in order.
    pub fn with_values<S: AsRef<str>>(values: &[S]) -> Dict {
        let mut d = Dict::default();
        for v in values {
            d.key(v.as_ref());
        }
        d
    }

    /// The key of `value`, added if new.
    pub fn key(&mut self, value: &str) -> i16 {
        if let Some(k) = self.index.get(value) {
            return *k;
        }
        let k = i16::try_from(self.values.len()).expect("fewer than 32768 dictionary values");
        self.values.push(value.to_string());
        self.index.insert(value.to_string(), k);
        self.array = None;
        k
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// The value of key `k`.
    pub fn value(&self, k: i16) -> &str {
        &self.values[k as usize]
    }

    fn array(&mut self) -> ArrayRef {
        if self.array.is_none() {
            self.array = Some(Arc::new(StringArray::from_iter_values(self.values.iter())));
        }
        self.array.clone().expect("set above")
    }
}

/// The dictionaries of the `trade_flows` columns an importer fills.
#[derive(Debug, Clone)]
pub(crate) struct TradeDicts {
    /// Entity ids (reporter and partner share it).
    pub entities: Dict,
    /// Classification names.
    pub classifications: Dict,
    /// Quantity units.
    pub units: Dict,
    source: Dict,
    flows: Dict,
    perspectives: Dict,
    price_bases: Dict,
    currency: Dict,
    derivation: Dict,
}

impl TradeDicts {
    /// Dictionaries for rows of `source_id` derived as `derivation`.
    pub fn new(source_id: &str, derivation: crate::model::Derivation) -> TradeDicts {
        use crate::model::{Flow, Perspective, PriceBasis};
        TradeDicts {
            entities: Dict::default(),
            classifications: Dict::default(),
            units: Dict::default(),
            source: Dict::with_values(&[source_id]),
            flows: Dict::with_values(&Flow::ALL.iter().map(|f| f.as_str()).collect::<Vec<_>>()),
            perspectives: Dict::with_values(
                &Perspective::ALL
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>(),
            ),
            price_bases: Dict::with_values(
                &PriceBasis::ALL
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>(),
            ),
            currency: Dict::with_values(&["USD"]),
            derivation: Dict::with_values(&[derivation.as_str()]),
        }
    }
}

/// Key of a flow in [`TradeDicts`] (the order of `Flow::ALL`).
pub(crate) fn flow_key(f: crate::model::Flow) -> i16 {
    crate::model::Flow::ALL
        .iter()
        .position(|x| *x == f)
        .expect("listed") as i16
}

/// Key of a perspective in [`TradeDicts`].
pub(crate) fn perspective_key(p: crate::model::Perspective) -> i16 {
    crate::model::Perspective::ALL
        .iter()
        .position(|x| *x == p)
        .expect("listed") as i16
}

/// Key of a price basis in [`TradeDicts`].
pub(crate) fn price_basis_key(p: crate::model::PriceBasis) -> i16 {
    crate::model::PriceBasis::ALL
        .iter()
        .position(|x| *x == p)
        .expect("listed") as i16
}

/// One accepted row, in dictionary keys and primitives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    pub year: i16,
    pub month: Option<i8>,
    pub reporter: i16,
    pub partner: i16,
    pub flow: i16,
    pub perspective: i16,
    pub classification: i16,
    pub commodity: &'a [u8],
    pub value: Option<f64>,
    pub price_basis: i16,
    pub value_precision: Option<f64>,
    pub quantity: Option<f64>,
    pub unit: Option<i16>,
    pub is_estimated: bool,
    pub line: i64,
}

/// Column vectors of `trade_flows` rows being collected into a batch.
pub(crate) struct TradeColumns {
    schema: SchemaRef,
    year: Vec<i16>,
    month: Vec<i8>,
    month_valid: Vec<bool>,
    any_month: bool,
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
    lean: Option<Lean>,
}

/// The constant columns of lean rows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lean {
    pub year: i16,
    pub flow: i16,
    pub perspective: i16,
    pub classification: i16,
    pub price_basis: i16,
    pub unit: i16,
}

impl TradeColumns {
    pub fn new() -> TradeColumns {
        let n = BATCH_ROWS;
        TradeColumns {
            schema: Table::TradeFlows.schema(),
            year: Vec::with_capacity(n),
            month: Vec::with_capacity(n),
            month_valid: Vec::with_capacity(n),
            any_month: false,
            reporter: Vec::with_capacity(n),
            partner: Vec::with_capacity(n),
            flow: Vec::with_capacity(n),
            perspective: Vec::with_capacity(n),
            classification: Vec::with_capacity(n),
            commodity: Vec::with_capacity(n * 6),
            commodity_offsets: {
                let mut v = Vec::with_capacity(n + 1);
                v.push(0);
                v
            },
            value: Vec::with_capacity(n),
            value_valid: Vec::with_capacity(n),
            price_basis: Vec::with_capacity(n),
            precision: Vec::with_capacity(n),
            precision_valid: Vec::with_capacity(n),
            quantity: Vec::with_capacity(n),
            quantity_valid: Vec::with_capacity(n),
            unit: Vec::with_capacity(n),
            unit_valid: Vec::with_capacity(n),
            estimated: Vec::with_capacity(n),
            line: Vec::with_capacity(n),
            lean: None,
        }
    }

    pub fn len(&self) -> usize {
        self.rows()
    }

    /// Sets the constant columns of rows added with [`TradeColumns::push_lean`].
    pub fn set_lean(&mut self, k: Lean) {
        self.lean = Some(k);
    }

    #[inline]
    pub fn push(&mut self, r: &Row<'_>) {
        self.year.push(r.year);
        self.month.push(r.month.unwrap_or(0));
        self.month_valid.push(r.month.is_some());
        self.any_month |= r.month.is_some();
        self.reporter.push(r.reporter);
        self.partner.push(r.partner);
        self.flow.push(r.flow);
        self.perspective.push(r.perspective);
        self.classification.push(r.classification);
        self.commodity.extend_from_slice(r.commodity);
        self.commodity_offsets.push(self.commodity.len() as i32);
        self.value.push(r.value.unwrap_or(0.0));
        self.value_valid.push(r.value.is_some());
        self.price_basis.push(r.price_basis);
        self.precision.push(r.value_precision.unwrap_or(0.0));
        self.precision_valid.push(r.value_precision.is_some());
        self.quantity.push(r.quantity.unwrap_or(0.0));
        self.quantity_valid.push(r.quantity.is_some());
        self.unit.push(r.unit.unwrap_or(0));
        self.unit_valid.push(r.unit.is_some());
        self.estimated.push(r.is_estimated);
        self.line.push(r.line);
    }

    /// Pushes a row whose other columns are all `constant`'s (BACI): only the varying
    /// columns are stored per row; [`TradeColumns::finish`] fills the rest. A `value_precision`
    /// of NaN means none. Do not mix with [`TradeColumns::push`] in one batch.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn push_lean(
        &mut self,
        reporter: i16,
        partner: i16,
        commodity6: &[u8; 6],
        value: f64,
        value_precision: f64,
        quantity: Option<f64>,
        line: i64,
    ) {
        self.reporter.push(reporter);
        self.partner.push(partner);
        self.commodity.extend_from_slice(commodity6);
        self.value.push(value);
        self.precision.push(value_precision);
        self.quantity.push(quantity.unwrap_or(0.0));
        self.quantity_valid.push(quantity.is_some());
        self.line.push(line);
    }

    /// Rows collected so far (either kind of push).
    fn rows(&self) -> usize {
        self.line.len()
    }

    /// Completes lean rows with the constant columns.
    fn complete_lean(&mut self, k: &Lean) {
        let n = self.rows();
        if self.year.len() == n {
            return;
        }
        self.year = vec![k.year; n];
        self.month = vec![0; n];
        self.month_valid = vec![false; n];
        self.flow = vec![k.flow; n];
        self.perspective = vec![k.perspective; n];
        self.classification = vec![k.classification; n];
        self.commodity_offsets = (0..=n as i32).map(|i| i * 6).collect();
        self.value_valid = vec![true; n];
        self.price_basis = vec![k.price_basis; n];
        self.precision_valid = self.precision.iter().map(|p| !p.is_nan()).collect();
        for p in self.precision.iter_mut() {
            if p.is_nan() {
                *p = 0.0;
            }
        }
        self.unit = vec![k.unit; n];
        self.unit_valid = self.quantity_valid.clone();
        self.estimated = vec![false; n];
    }

    /// Turns the collected rows into a batch of the `trade_flows` schema and starts afresh.
    pub fn finish(&mut self, dicts: &mut TradeDicts) -> Result<RecordBatch> {
        if let Some(k) = self.lean {
            self.complete_lean(&k);
        }
        let n = self.len();
        let mut fresh = TradeColumns::new();
        fresh.lean = self.lean;
        std::mem::swap(self, &mut fresh);
        let c = fresh;
        fn nulls(valid: Vec<bool>) -> Option<NullBuffer> {
            if valid.iter().all(|v| *v) {
                None
            } else {
                Some(NullBuffer::from(valid))
            }
        }
        fn dict(keys: Vec<i16>, valid: Option<NullBuffer>, values: ArrayRef) -> Result<ArrayRef> {
            let keys = Int16Array::new(ScalarBuffer::from(keys), valid);
            Ok(Arc::new(DictionaryArray::<Int16Type>::try_new(
                keys, values,
            )?))
        }
        let zeros = || vec![0i16; n];
        let month: ArrayRef = if c.any_month {
            Arc::new(Int8Array::new(
                ScalarBuffer::from(c.month),
                nulls(c.month_valid),
            ))
        } else {
            new_null_array(&arrow_schema::DataType::Int8, n)
        };
        let commodity = StringArray::try_new(
            OffsetBuffer::new(ScalarBuffer::from(c.commodity_offsets)),
            Buffer::from_vec(c.commodity),
            None,
        )?;
        let dict_type = crate::schema::dict_type();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int16Array::new(ScalarBuffer::from(c.year), None)),
            month,
            dict(c.reporter, None, dicts.entities.array())?,
            dict(c.partner, None, dicts.entities.array())?,
            dict(c.flow, None, dicts.flows.array())?,
            dict(c.perspective, None, dicts.perspectives.array())?,
            dict(c.classification, None, dicts.classifications.array())?,
            Arc::new(commodity),
            Arc::new(Float64Array::new(
                ScalarBuffer::from(c.value),
                nulls(c.value_valid),
            )),
            dict(zeros(), None, dicts.currency.array())?,
            dict(c.price_basis, None, dicts.price_bases.array())?,
            Arc::new(Float64Array::new(
                ScalarBuffer::from(c.precision),
                nulls(c.precision_valid),
            )),
            Arc::new(Float64Array::new(
                ScalarBuffer::from(c.quantity),
                nulls(c.quantity_valid),
            )),
            dict(c.unit, nulls(c.unit_valid), dicts.units.array())?,
            Arc::new(BooleanArray::from(c.estimated)),
            dict(zeros(), None, dicts.source.array())?,
            new_null_array(&arrow_schema::DataType::Utf8, n),
            Arc::new(Int64Array::new(ScalarBuffer::from(c.line), None)),
            new_null_array(&dict_type, n),
            dict(zeros(), None, dicts.derivation.array())?,
        ];
        Ok(RecordBatch::try_new(self.schema.clone(), columns)?)
    }
}

/// The batch with its `source_id` column set to `source_id` (parsers that start before the
/// input's sha256 is known use a placeholder).
pub(crate) fn with_source(batch: &RecordBatch, source_id: &str) -> Result<RecordBatch> {
    let idx = batch.schema().index_of("source_id")?;
    let keys = Int16Array::new(ScalarBuffer::from(vec![0i16; batch.num_rows()]), None);
    let values: ArrayRef = Arc::new(StringArray::from(vec![source_id]));
    let column: ArrayRef = Arc::new(DictionaryArray::<Int16Type>::try_new(keys, values)?);
    let mut columns = batch.columns().to_vec();
    columns[idx] = column;
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}
