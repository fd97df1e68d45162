//! `Store`: an opened steppe store (a directory or the bundled dataset), read with filters.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use arrow_array::cast::AsArray;
use arrow_schema::DataType;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use steppe::model::Source;
use steppe::{CodeIndex, Filter, Predicate, ReadOptions, Table};

use crate::errors::{guard, many_code_errors, Failure};
use crate::table::PyTable;

/// Entity ids, or every value that failed with its reason.
type Resolved = Result<Vec<String>, Vec<(String, String)>>;

/// A store plus what is derived from it once and cached: its code index, entity ids and
/// source titles.
pub struct StoreState {
    pub store: steppe::Store,
    codes: OnceLock<Arc<CodeIndex>>,
    entity_ids: OnceLock<Arc<HashSet<String>>>,
    titles: OnceLock<Arc<HashMap<String, Option<String>>>>,
}

impl StoreState {
    fn new(store: steppe::Store) -> Self {
        StoreState {
            store,
            codes: OnceLock::new(),
            entity_ids: OnceLock::new(),
            titles: OnceLock::new(),
        }
    }

    /// The store's crosswalk, or the bundled one when the store has none.
    pub fn code_index(&self) -> Result<Arc<CodeIndex>, Failure> {
        if let Some(c) = self.codes.get() {
            return Ok(c.clone());
        }
        let index = if self.store.row_count(Table::EntityCodes) > 0 {
            Arc::new(CodeIndex::from_store(&self.store)?)
        } else {
            crate::codes::bundled()?.index.clone()
        };
        Ok(self.codes.get_or_init(|| index).clone())
    }

    /// Entity ids of the store, plus the bundled ones.
    fn entity_ids(&self) -> Result<Arc<HashSet<String>>, Failure> {
        if let Some(c) = self.entity_ids.get() {
            return Ok(c.clone());
        }
        let ids = Arc::new(steppe::codes::known_entity_ids(&self.store)?);
        Ok(self.entity_ids.get_or_init(|| ids).clone())
    }

    /// Title of every source of the store (`None` where the source has no title).
    pub fn source_titles(&self) -> Result<Arc<HashMap<String, Option<String>>>, Failure> {
        if let Some(t) = self.titles.get() {
            return Ok(t.clone());
        }
        let data = self.store.read(
            Table::Sources,
            &ReadOptions {
                filter: Filter::all(),
                columns: Some(vec!["source_id".into(), "title".into()]),
            },
        )?;
        let mut titles = HashMap::new();
        for batch in &data.batches {
            let ids = arrow_cast::cast(batch.column(0), &DataType::Utf8)?;
            let t = arrow_cast::cast(batch.column(1), &DataType::Utf8)?;
            for (id, title) in ids
                .as_string::<i32>()
                .iter()
                .zip(t.as_string::<i32>().iter())
            {
                if let Some(id) = id {
                    titles.insert(id.to_string(), title.map(String::from));
                }
            }
        }
        let titles = Arc::new(titles);
        Ok(self.titles.get_or_init(|| titles).clone())
    }

    /// Resolves user-typed countries to entity ids; every failure is listed in one error.
    fn resolve(&self, values: &[String], year: Option<i32>) -> Result<Resolved, Failure> {
        let resolved = self
            .code_index()?
            .resolve_countries(values, year, || self.entity_ids())?;
        Ok(
            resolved
                .map_err(|failures| failures.into_iter().map(|u| (u.value, u.reason)).collect()),
        )
    }
}

/// An opened steppe store.
#[pyclass(frozen, module = "steppe._steppe", name = "Store")]
pub struct PyStore {
    state: Arc<StoreState>,
}

impl PyStore {
    /// The core store.
    pub fn store(&self) -> &steppe::Store {
        &self.state.store
    }

    /// The store with its cached crosswalk.
    pub fn state(&self) -> &Arc<StoreState> {
        &self.state
    }
}

/// Opens the store in a directory (the GIL is released while the descriptor is read).
#[pyfunction]
pub fn open_store(py: Python<'_>, path: std::path::PathBuf) -> PyResult<PyStore> {
    let store = py.detach(|| guard(|| steppe::Store::open(&path)))?;
    Ok(PyStore {
        state: Arc::new(StoreState::new(store)),
    })
}

/// The bundled dataset (shared by every call).
#[pyfunction]
pub fn bundled_store() -> PyResult<PyStore> {
    static BUNDLED: OnceLock<Arc<StoreState>> = OnceLock::new();
    if let Some(s) = BUNDLED.get() {
        return Ok(PyStore { state: s.clone() });
    }
    let store = guard(steppe::Store::bundled)?;
    let state = BUNDLED.get_or_init(|| Arc::new(StoreState::new(store)));
    Ok(PyStore {
        state: state.clone(),
    })
}

/// Names of every table, in the stable order.
#[pyfunction]
pub fn table_names() -> Vec<&'static str> {
    Table::ALL.iter().map(|t| t.name()).collect()
}

/// Column names of a table's schema.
#[pyfunction]
pub fn table_columns(name: &str) -> PyResult<Vec<String>> {
    let table = guard(|| Table::from_name(name))?;
    Ok(table
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect())
}

/// Parses a filter given as nested tuples:
/// `("in", column, [values])`, `("range", column, min, max)`, `("contains", column, [values])`
/// and `("any", [filters])`.
fn predicate_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Predicate> {
    let tuple = obj.cast::<PyTuple>().map_err(|_| {
        PyTypeError::new_err("a filter is a tuple such as (\"in\", column, [values])")
    })?;
    let kind: String = tuple.get_item(0)?.extract()?;
    match kind.as_str() {
        "in" | "contains" => {
            let column: String = tuple.get_item(1)?.extract()?;
            let values: Vec<String> = tuple.get_item(2)?.extract()?;
            Ok(if kind == "in" {
                Predicate::In { column, values }
            } else {
                Predicate::ListContains { column, values }
            })
        }
        "range" => {
            let column: String = tuple.get_item(1)?.extract()?;
            let min: Option<i64> = tuple.get_item(2)?.extract()?;
            let max: Option<i64> = tuple.get_item(3)?.extract()?;
            Ok(Predicate::range(&column, min, max))
        }
        "any" => {
            let items = tuple.get_item(1)?;
            let list = items
                .try_iter()?
                .map(|p| predicate_from_py(&p?))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(Predicate::Any(list))
        }
        other => Err(PyValueError::new_err(format!(
            "unknown filter kind `{other}`; use in, range, contains or any"
        ))),
    }
}

#[pymethods]
impl PyStore {
    /// The store's directory, or `None` for the bundled dataset.
    #[getter]
    fn path(&self) -> Option<String> {
        self.state.store.path().map(|p| p.display().to_string())
    }

    /// A printable name: the directory, or `<bundled>`.
    #[getter]
    fn display_name(&self) -> String {
        self.state.store.display_name()
    }

    /// Rows per table, schema version, generation and package metadata.
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = self.state.store.descriptor();
        let out = PyDict::new(py);
        out.set_item("path", self.path())?;
        out.set_item("name", &d.name)?;
        out.set_item("title", &d.title)?;
        out.set_item("created", &d.created)?;
        out.set_item("schema_version", d.steppe.schema_version)?;
        out.set_item("generation", d.steppe.generation)?;
        let tables = PyDict::new(py);
        for t in Table::ALL {
            tables.set_item(t.name(), self.state.store.row_count(*t))?;
        }
        out.set_item("tables", tables)?;
        let redistributable = PyDict::new(py);
        for r in &d.resources {
            redistributable.set_item(&r.name, r.steppe.redistributable)?;
        }
        out.set_item("redistributable", redistributable)?;
        out.set_item("imports", d.steppe.imports.len())?;
        Ok(out)
    }

    /// Reads the rows of `table` that match every filter (the GIL is released meanwhile).
    #[pyo3(signature = (table, filters=None))]
    fn read(
        &self,
        py: Python<'_>,
        table: &str,
        filters: Option<&Bound<'_, PyList>>,
    ) -> PyResult<PyTable> {
        let t = guard(|| Table::from_name(table))?;
        let mut filter = Filter::all();
        if let Some(filters) = filters {
            for f in filters.iter() {
                filter = filter.and(predicate_from_py(&f)?);
            }
        }
        let options = ReadOptions {
            filter,
            columns: None,
        };
        let state = self.state.clone();
        let data = py.detach(|| guard(|| state.store.read(t, &options)))?;
        Ok(PyTable::new(
            t.name().to_string(),
            data.schema,
            data.batches,
            Some(self.state.clone()),
        ))
    }

    /// Distinct non-null values (as text, sorted) of `column` over the rows of `table` that
    /// match the filters; only the needed columns are read.
    #[pyo3(signature = (table, column, filters=None))]
    fn distinct(
        &self,
        py: Python<'_>,
        table: &str,
        column: &str,
        filters: Option<&Bound<'_, PyList>>,
    ) -> PyResult<Vec<String>> {
        let t = guard(|| Table::from_name(table))?;
        let mut filter = Filter::all();
        if let Some(filters) = filters {
            for f in filters.iter() {
                filter = filter.and(predicate_from_py(&f)?);
            }
        }
        let options = ReadOptions {
            filter,
            columns: Some(vec![column.to_string()]),
        };
        let state = self.state.clone();
        let values = py.detach(|| {
            guard(|| -> Result<Vec<String>, Failure> {
                let data = state.store.read(t, &options)?;
                let mut out = std::collections::BTreeSet::new();
                for batch in &data.batches {
                    let text = arrow_cast::cast(batch.column(0), &DataType::Utf8)?;
                    out.extend(text.as_string::<i32>().iter().flatten().map(String::from));
                }
                Ok(out.into_iter().collect())
            })
        })?;
        Ok(values)
    }

    /// Resolves countries typed in any form (ISO alpha-2/alpha-3/numeric, `fips:TI`,
    /// `gw:702`, entity ids) to entity ids through the store's crosswalk (the bundled one when
    /// the store has none). Raises `CodeError` listing every value that fails.
    #[pyo3(signature = (values, year=None))]
    fn resolve_countries(
        &self,
        py: Python<'_>,
        values: Vec<String>,
        year: Option<i32>,
    ) -> PyResult<Vec<String>> {
        let state = self.state.clone();
        match py.detach(|| guard(|| state.resolve(&values, year)))? {
            Ok(ids) => Ok(ids),
            Err(failures) => Err(many_code_errors(py, &failures)),
        }
    }

    /// Validates the store: returns `(problems, rows_checked, files_checked)` with each
    /// problem as `(table, row_key, field, message)`.
    #[allow(clippy::type_complexity)]
    fn validate(
        &self,
        py: Python<'_>,
    ) -> PyResult<(
        Vec<(String, String, String, String)>,
        Vec<(String, u64)>,
        u64,
    )> {
        let state = self.state.clone();
        let report = py.detach(|| guard(|| steppe::validate(&state.store)))?;
        Ok((
            report
                .problems
                .into_iter()
                .map(|p| (p.table, p.row_key, p.field, p.message))
                .collect(),
            report.rows_checked,
            report.files_checked,
        ))
    }

    /// A source of the store as `text`, `bibtex` or `csl-json`.
    #[pyo3(signature = (source_id, format="text"))]
    fn cite(&self, py: Python<'_>, source_id: &str, format: &str) -> PyResult<String> {
        let state = self.state.clone();
        let out = py.detach(|| {
            guard(|| -> steppe::Result<String> {
                let format: steppe::cite::CiteFormat = format.parse()?;
                let sources = state.store.records::<Source>()?;
                let source = sources
                    .iter()
                    .find(|s| s.source_id == source_id)
                    .ok_or_else(|| {
                        steppe::Error::InvalidArgument(format!(
                            "no source `{source_id}` in store {}",
                            state.store.display_name()
                        ))
                    })?;
                Ok(steppe::cite::cite(source, format))
            })
        })?;
        Ok(out)
    }

    fn __repr__(&self) -> String {
        format!("<steppe.Store {}>", self.state.store.display_name())
    }
}
