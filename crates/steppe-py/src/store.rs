//! `Store`: an opened steppe store (a directory or the bundled dataset), read with filters.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use arrow_array::cast::AsArray;
use arrow_schema::DataType;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use steppe::model::Source;
use steppe::{CodeIndex, Filter, Predicate, ReadOptions, Table};

use crate::errors::{guard, many_code_errors, Failure};
use crate::interrupt::run_long;
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
        let index = self.store.code_index()?;
        Ok(self.codes.get_or_init(|| index).clone())
    }

    /// Entity ids of the store, else the bundled ones.
    fn entity_ids(&self) -> Result<Arc<HashSet<String>>, Failure> {
        if let Some(c) = self.entity_ids.get() {
            return Ok(c.clone());
        }
        let ids = self.store.entity_ids()?;
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

/// Values that failed country resolution, each with its reason.
type CodeFailures = Vec<(String, String)>;

/// A filter as Python gives it, before countries are resolved and sub-queries run (both
/// happen without the GIL, inside the one call into Rust that a query makes).
enum Spec {
    /// Ready as given.
    Ready(Predicate),
    /// `("countries", op, column, [values], year, soft)`: rows whose `column` is (`op` "in")
    /// or holds (`op` "contains") one of the countries typed in any form; `soft` keeps a
    /// value that is not a country (an organisation id) instead of failing.
    Countries {
        contains: bool,
        column: String,
        values: Vec<String>,
        year: Option<i32>,
        soft: bool,
    },
    /// `("in_select", column, table, select_column, [filters])`: rows whose `column` is one
    /// of the distinct values of `select_column` over the rows of `table` matching `filters`.
    InSelect {
        column: String,
        table: Table,
        select: String,
        filters: Vec<Spec>,
    },
    /// `("any", [filters])`: rows matching one of them.
    Any(Vec<Spec>),
}

impl Spec {
    /// The predicate, once countries are resolved and sub-queries read; `Ok(Err(..))` lists
    /// the values that are not countries.
    fn build(self, state: &StoreState) -> Result<Result<Predicate, CodeFailures>, Failure> {
        Ok(Ok(match self {
            Spec::Ready(p) => p,
            Spec::Countries {
                contains,
                column,
                values,
                year,
                soft,
            } => {
                let values = if soft {
                    soft_resolve(state, values)?
                } else {
                    match state.resolve(&values, year)? {
                        Ok(ids) => ids,
                        Err(failures) => return Ok(Err(failures)),
                    }
                };
                if contains {
                    Predicate::ListContains { column, values }
                } else {
                    Predicate::In { column, values }
                }
            }
            Spec::InSelect {
                column,
                table,
                select,
                filters,
            } => {
                let filter = match build_filter(filters, state)? {
                    Ok(f) => f,
                    Err(failures) => return Ok(Err(failures)),
                };
                let values = distinct_values(state, table, &select, filter)?;
                Predicate::In { column, values }
            }
            Spec::Any(specs) => {
                let mut out = Vec::with_capacity(specs.len());
                for spec in specs {
                    match spec.build(state)? {
                        Ok(p) => out.push(p),
                        Err(failures) => return Ok(Err(failures)),
                    }
                }
                Predicate::Any(out)
            }
        }))
    }
}

/// The entity id of each value that is a country, the value itself otherwise.
fn soft_resolve(state: &StoreState, values: Vec<String>) -> Result<Vec<String>, Failure> {
    values
        .into_iter()
        .map(|v| {
            Ok(match state.resolve(std::slice::from_ref(&v), None)? {
                Ok(ids) if !ids.is_empty() => ids[0].clone(),
                _ => v,
            })
        })
        .collect()
}

/// The conjunction of `specs`.
fn build_filter(
    specs: Vec<Spec>,
    state: &StoreState,
) -> Result<Result<Filter, CodeFailures>, Failure> {
    let mut filter = Filter::all();
    for spec in specs {
        match spec.build(state)? {
            Ok(p) => filter = filter.and(p),
            Err(failures) => return Ok(Err(failures)),
        }
    }
    Ok(Ok(filter))
}

/// Distinct non-null values (as text, sorted) of `column` over the rows of `table` matching
/// `filter`; only that column is read.
fn distinct_values(
    state: &StoreState,
    table: Table,
    column: &str,
    filter: Filter,
) -> Result<Vec<String>, Failure> {
    let options = ReadOptions {
        filter,
        columns: Some(vec![column.to_string()]),
    };
    let data = state.store.read(table, &options)?;
    let mut out = std::collections::BTreeSet::new();
    for batch in &data.batches {
        let text = arrow_cast::cast(batch.column(0), &DataType::Utf8)?;
        out.extend(text.as_string::<i32>().iter().flatten().map(String::from));
    }
    Ok(out.into_iter().collect())
}

/// Parses the filters given as a list of nested tuples (see [`spec_from_py`]).
fn specs_from_py(filters: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Spec>> {
    match filters {
        None => Ok(Vec::new()),
        Some(list) => list.try_iter()?.map(|f| spec_from_py(&f?)).collect(),
    }
}

/// Parses a filter given as nested tuples:
/// `("in", column, [values])`, `("range", column, min, max)`, `("contains", column, [values])`,
/// `("any", [filters])`, and the kinds of [`Spec`] (`"countries"`, `"in_select"`).
fn spec_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Spec> {
    let tuple = obj.cast::<PyTuple>().map_err(|_| {
        PyTypeError::new_err("a filter is a tuple such as (\"in\", column, [values])")
    })?;
    let kind: String = tuple.get_item(0)?.extract()?;
    match kind.as_str() {
        "in" | "contains" => {
            let column: String = tuple.get_item(1)?.extract()?;
            let values: Vec<String> = tuple.get_item(2)?.extract()?;
            Ok(Spec::Ready(if kind == "in" {
                Predicate::In { column, values }
            } else {
                Predicate::ListContains { column, values }
            }))
        }
        "range" => {
            let column: String = tuple.get_item(1)?.extract()?;
            let min: Option<i64> = tuple.get_item(2)?.extract()?;
            let max: Option<i64> = tuple.get_item(3)?.extract()?;
            Ok(Spec::Ready(Predicate::range(&column, min, max)))
        }
        "countries" => {
            let op: String = tuple.get_item(1)?.extract()?;
            if op != "in" && op != "contains" {
                return Err(PyValueError::new_err(format!(
                    "a countries filter is \"in\" or \"contains\", not {op:?}"
                )));
            }
            Ok(Spec::Countries {
                contains: op == "contains",
                column: tuple.get_item(2)?.extract()?,
                values: tuple.get_item(3)?.extract()?,
                year: tuple.get_item(4)?.extract()?,
                soft: tuple.get_item(5)?.extract()?,
            })
        }
        "in_select" => {
            let table: String = tuple.get_item(2)?.extract()?;
            Ok(Spec::InSelect {
                column: tuple.get_item(1)?.extract()?,
                table: guard(|| Table::from_name(&table))?,
                select: tuple.get_item(3)?.extract()?,
                filters: specs_from_py(Some(&tuple.get_item(4)?))?,
            })
        }
        "any" => Ok(Spec::Any(specs_from_py(Some(&tuple.get_item(1)?))?)),
        other => Err(PyValueError::new_err(format!(
            "unknown filter kind `{other}`; use in, range, contains, countries, in_select or any"
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

    /// Reads the rows of `table` that match every filter: the whole query (country
    /// resolution, sub-queries, the read) in this one call, through `interrupt::run_long`.
    #[pyo3(signature = (table, filters=None))]
    fn read(
        &self,
        py: Python<'_>,
        table: &str,
        filters: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyTable> {
        let t = guard(|| Table::from_name(table))?;
        let specs = specs_from_py(filters)?;
        let state = self.state.clone();
        let data = run_long(py, None, |_| -> Result<_, Failure> {
            let filter = match build_filter(specs, &state)? {
                Ok(f) => f,
                Err(failures) => return Ok(Err(failures)),
            };
            let options = ReadOptions {
                filter,
                columns: None,
            };
            Ok(Ok(state.store.read(t, &options)?))
        })?
        .map_err(|failures| many_code_errors(py, &failures))?;
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
        filters: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<String>> {
        let t = guard(|| Table::from_name(table))?;
        let specs = specs_from_py(filters)?;
        let state = self.state.clone();
        run_long(py, None, |_| -> Result<_, Failure> {
            Ok(match build_filter(specs, &state)? {
                Ok(filter) => Ok(distinct_values(&state, t, column, filter)?),
                Err(failures) => Err(failures),
            })
        })?
        .map_err(|failures| many_code_errors(py, &failures))
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
        let report = run_long(py, None, |_| steppe::validate(&state.store))?;
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
