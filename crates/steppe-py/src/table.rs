//! `Table`: rows of one steppe table as Arrow record batches, exported through the Arrow
//! PyCapsule interface without copies; `Schema`; and `ArrowColumn`, a column handed back by
//! code conversion.

use std::collections::BTreeSet;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field, FieldRef, SchemaRef};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList, PyTuple};
use pyo3_arrow::ffi::{
    to_array_pycapsules, to_schema_pycapsule, to_stream_pycapsule, ArrayIterator,
};

use crate::errors::{guard, Failure};
use crate::store::StoreState;

/// Rows of one table of a store, as Arrow record batches (shared, never copied on export).
#[pyclass(frozen, module = "steppe._steppe", name = "Table")]
pub struct PyTable {
    name: String,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    store: Option<Arc<StoreState>>,
}

impl PyTable {
    pub fn new(
        name: String,
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
        store: Option<Arc<StoreState>>,
    ) -> Self {
        PyTable {
            name,
            schema,
            batches,
            store,
        }
    }

    fn num_rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// One stream of the batches, each exported as a struct array (no data is copied).
    fn stream<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let batches = self.batches.clone();
        let arrays = batches.into_iter().map(|b| {
            let a: ArrayRef = Arc::new(StructArray::from(b));
            Ok(a)
        });
        let field = Field::new_struct("", self.schema.fields().clone(), false)
            .with_metadata(self.schema.metadata().clone());
        let reader = Box::new(ArrayIterator::new(arrays, Arc::new(field)));
        Ok(to_stream_pycapsule(py, reader, requested_schema)?)
    }

    /// Distinct non-null values of the columns that name sources.
    fn cited_ids(&self) -> Result<BTreeSet<String>, Failure> {
        let mut ids = BTreeSet::new();
        if self.name == "sources" {
            return Ok(ids);
        }
        for batch in &self.batches {
            for col in [
                "source_id",
                "cited_source_id",
                "document_id",
                "cited_source_ids",
            ] {
                let Some(array) = batch.column_by_name(col) else {
                    continue;
                };
                let values = match array.data_type() {
                    DataType::List(_) => {
                        let list = array.as_list::<i32>();
                        list.values().clone()
                    }
                    _ => array.clone(),
                };
                let text = arrow_cast::cast(&values, &DataType::Utf8)?;
                ids.extend(text.as_string::<i32>().iter().flatten().map(String::from));
            }
        }
        Ok(ids)
    }
}

#[pymethods]
impl PyTable {
    /// The table name (`trade_flows`, `events`, ...).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// Number of rows.
    #[getter(num_rows)]
    fn num_rows_py(&self) -> usize {
        self.num_rows()
    }

    fn __len__(&self) -> usize {
        self.num_rows()
    }

    /// Column names, in schema order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The Arrow schema (a `Schema`, which pyarrow and polars read without pyarrow needed here).
    #[getter]
    fn schema(&self) -> PySchema {
        PySchema {
            schema: self.schema.clone(),
        }
    }

    /// Number of record batches (chunks).
    #[getter]
    fn num_batches(&self) -> usize {
        self.batches.len()
    }

    /// Arrow PyCapsule interface: the schema.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        Ok(to_schema_pycapsule(py, self.schema.as_ref())?)
    }

    /// Arrow PyCapsule interface: a stream of the record batches (zero-copy).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        self.stream(py, requested_schema)
    }

    /// Every row as a tuple of Python values in column order (dates as `datetime.date`,
    /// lists as tuples, structs as dicts).
    fn _rows<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyTuple>>> {
        let mut out = Vec::with_capacity(self.num_rows());
        for batch in &self.batches {
            let columns = batch
                .columns()
                .iter()
                .map(|c| column_to_py(py, c))
                .collect::<PyResult<Vec<_>>>()?;
            for i in 0..batch.num_rows() {
                let row: Vec<&Bound<'py, PyAny>> = columns.iter().map(|c| &c[i]).collect();
                out.push(PyTuple::new(py, row)?);
            }
        }
        Ok(out)
    }

    /// The first `n` rows as display strings (nulls as empty strings), for previews.
    fn _preview(&self, n: usize) -> PyResult<Vec<Vec<String>>> {
        let options = FormatOptions::default().with_null("");
        let mut out = Vec::new();
        for batch in &self.batches {
            if out.len() >= n {
                break;
            }
            let formatters = batch
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
                .collect::<Result<Vec<_>, _>>()
                .map_err(Failure::from)?;
            for i in 0..batch.num_rows().min(n - out.len()) {
                out.push(formatters.iter().map(|f| f.value(i).to_string()).collect());
            }
        }
        Ok(out)
    }

    /// The sources the rows cite (`source_id`, `cited_source_id`, `document_id`,
    /// `cited_source_ids`), as `(source_id, title)` pairs sorted by id; the title is `None`
    /// when the store's `sources` table does not have it.
    fn _cited_sources(&self, py: Python<'_>) -> PyResult<Vec<(String, Option<String>)>> {
        let ids = guard(|| self.cited_ids())?;
        let titles = match &self.store {
            Some(state) => Some(py.detach(|| guard(|| state.source_titles()))?),
            None => None,
        };
        Ok(ids
            .into_iter()
            .map(|id| {
                let title = titles.as_ref().and_then(|t| t.get(&id).cloned()).flatten();
                (id, title)
            })
            .collect())
    }

    /// Address of the first values buffer of `column` in the first batch (for tests that
    /// prove consumers share steppe's memory).
    fn _buffer_address(&self, column: &str) -> PyResult<Option<usize>> {
        let Some(batch) = self.batches.first() else {
            return Ok(None);
        };
        let Some(col) = batch.column_by_name(column) else {
            return Err(pyo3::exceptions::PyKeyError::new_err(column.to_string()));
        };
        let data = col.to_data();
        Ok(data.buffers().first().map(|b| b.as_ptr() as usize))
    }

    fn __repr__(&self) -> String {
        format!(
            "<steppe._steppe.Table {} rows={} columns={}>",
            self.name,
            self.num_rows(),
            self.schema.fields().len()
        )
    }
}

/// Converts one Arrow column to Python values.
fn column_to_py<'py>(py: Python<'py>, array: &ArrayRef) -> PyResult<Vec<Bound<'py, PyAny>>> {
    macro_rules! prim {
        ($t:ty) => {
            array
                .as_primitive::<$t>()
                .iter()
                .map(|v| Ok(v.into_pyobject(py)?.into_any()))
                .collect()
        };
    }
    match array.data_type() {
        DataType::Null => Ok((0..array.len()).map(|_| py.None().into_bound(py)).collect()),
        DataType::Boolean => array
            .as_boolean()
            .iter()
            .map(|v| Ok(v.into_pyobject(py)?.to_owned().into_any()))
            .collect(),
        DataType::Int8 => prim!(Int8Type),
        DataType::Int16 => prim!(Int16Type),
        DataType::Int32 => prim!(Int32Type),
        DataType::Int64 => prim!(Int64Type),
        DataType::UInt8 => prim!(UInt8Type),
        DataType::UInt16 => prim!(UInt16Type),
        DataType::UInt32 => prim!(UInt32Type),
        DataType::UInt64 => prim!(UInt64Type),
        DataType::Float32 => prim!(Float32Type),
        DataType::Float64 => prim!(Float64Type),
        DataType::Utf8 => array
            .as_string::<i32>()
            .iter()
            .map(|v| Ok(v.into_pyobject(py)?.into_any()))
            .collect(),
        DataType::Date32 => array
            .as_primitive::<arrow_array::types::Date32Type>()
            .iter()
            .map(|v| {
                let d = v.and_then(date32_to_date);
                Ok(d.into_pyobject(py)?.into_any())
            })
            .collect(),
        DataType::List(_) => {
            let list = array.as_list::<i32>();
            let values = column_to_py(py, list.values())?;
            let offsets = list.value_offsets();
            (0..list.len())
                .map(|i| {
                    if list.is_null(i) {
                        return Ok(py.None().into_bound(py));
                    }
                    let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
                    Ok(PyTuple::new(py, &values[a..b])?.into_any())
                })
                .collect()
        }
        DataType::Struct(fields) => {
            let s = array.as_struct();
            let children = s
                .columns()
                .iter()
                .map(|c| column_to_py(py, c))
                .collect::<PyResult<Vec<_>>>()?;
            (0..s.len())
                .map(|i| {
                    if s.is_null(i) {
                        return Ok(py.None().into_bound(py));
                    }
                    let d = PyDict::new(py);
                    for (f, c) in fields.iter().zip(&children) {
                        d.set_item(f.name(), &c[i])?;
                    }
                    Ok(d.into_any())
                })
                .collect()
        }
        _ => {
            // Dictionary-encoded codes and anything else: as text.
            let text = arrow_cast::cast(array, &DataType::Utf8).map_err(Failure::from)?;
            column_to_py(py, &text)
        }
    }
}

fn date32_to_date(days: i32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?
        .checked_add_signed(chrono::TimeDelta::try_days(days as i64)?)
}

/// An Arrow schema, readable without pyarrow (`names`, `types`, `fields`) and exportable
/// through `__arrow_c_schema__`.
#[pyclass(frozen, module = "steppe._steppe", name = "Schema")]
pub struct PySchema {
    schema: SchemaRef,
}

#[pymethods]
impl PySchema {
    /// Column names.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// Arrow type of each column, as text (`Int16`, `Utf8`, `Dictionary(Int16, Utf8)`, ...).
    #[getter]
    fn types(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.data_type().to_string())
            .collect()
    }

    /// `(name, type, nullable)` of each column.
    #[getter]
    fn fields(&self) -> Vec<(String, String, bool)> {
        self.schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().to_string(), f.is_nullable()))
            .collect()
    }

    fn __len__(&self) -> usize {
        self.schema.fields().len()
    }

    fn __getitem__(&self, name: &str) -> PyResult<String> {
        self.schema
            .field_with_name(name)
            .map(|f| f.data_type().to_string())
            .map_err(|_| pyo3::exceptions::PyKeyError::new_err(name.to_string()))
    }

    fn __contains__(&self, name: &str) -> bool {
        self.schema.field_with_name(name).is_ok()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyList::new(py, self.names())?
            .into_any()
            .try_iter()
            .map(|i| i.into_any())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PySchema>()
            .map(|o| o.get().schema == self.schema)
            .unwrap_or(false)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for f in self.schema.fields() {
            f.name().hash(&mut h);
            f.data_type().to_string().hash(&mut h);
            f.is_nullable().hash(&mut h);
        }
        h.finish()
    }

    /// Arrow PyCapsule interface.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        Ok(to_schema_pycapsule(py, self.schema.as_ref())?)
    }

    fn __repr__(&self) -> String {
        let mut out = String::from("steppe.Schema(\n");
        for f in self.schema.fields() {
            out.push_str(&format!(
                "    {}: {}{}\n",
                f.name(),
                f.data_type(),
                if f.is_nullable() { "" } else { " not null" }
            ));
        }
        out.push(')');
        out
    }
}

/// One column of Arrow data (possibly in several chunks), exported through
/// `__arrow_c_array__` and `__arrow_c_stream__`.
#[pyclass(frozen, module = "steppe._steppe", name = "ArrowColumn")]
pub struct ArrowColumn {
    field: FieldRef,
    chunks: Vec<ArrayRef>,
}

impl ArrowColumn {
    pub fn new(field: FieldRef, chunks: Vec<ArrayRef>) -> Self {
        ArrowColumn { field, chunks }
    }
}

#[pymethods]
impl ArrowColumn {
    fn __len__(&self) -> usize {
        self.chunks.iter().map(|c| c.len()).sum()
    }

    /// Number of chunks.
    #[getter]
    fn num_chunks(&self) -> usize {
        self.chunks.len()
    }

    /// Arrow PyCapsule interface: the field.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        Ok(to_schema_pycapsule(py, self.field.as_ref())?)
    }

    /// Arrow PyCapsule interface: one array (chunks are concatenated if there are several).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let array: ArrayRef = match self.chunks.as_slice() {
            [one] => one.clone(),
            [] => arrow_array::new_empty_array(self.field.data_type()),
            many => {
                let refs: Vec<&dyn Array> = many.iter().map(|a| a.as_ref()).collect();
                arrow_select_concat(&refs)?
            }
        };
        Ok(to_array_pycapsules(
            py,
            self.field.clone(),
            array.as_ref(),
            requested_schema,
        )?)
    }

    /// Arrow PyCapsule interface: the chunks as a stream.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let chunks = self.chunks.clone().into_iter().map(Ok);
        let reader = Box::new(ArrayIterator::new(chunks, self.field.clone()));
        Ok(to_stream_pycapsule(py, reader, requested_schema)?)
    }

    fn __repr__(&self) -> String {
        format!(
            "<steppe._steppe.ArrowColumn {} {} rows={} chunks={}>",
            self.field.name(),
            self.field.data_type(),
            self.__len__(),
            self.chunks.len()
        )
    }
}

fn arrow_select_concat(arrays: &[&dyn Array]) -> PyResult<ArrayRef> {
    Ok(arrow_select::concat::concat(arrays).map_err(Failure::from)?)
}
