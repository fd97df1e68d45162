//! `Store`: an opened steppe store (a directory or the bundled dataset), read with filters.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use arrow_array::cast::AsArray;
use arrow_schema::DataType;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use steppe::codes::At;
use steppe::model::Source;
use steppe::request::{Condition, Failed, Request, Resolver};
use steppe::{CodeIndex, Filter, Predicate, ReadOptions, Table};

use crate::errors::{guard, many_code_errors, Failure};
use crate::interrupt::run_long;
use crate::table::PyTable;

/// Entity ids, or every value that failed with its reason.
type Resolved = Result<Vec<String>, Vec<(String, String)>>;

/// A store plus what is derived from it once and cached: its reference (code index and
/// entity ids, in the core's resolver) and source titles.
pub struct StoreState {
    pub store: steppe::Store,
    resolver: Resolver,
    titles: OnceLock<Arc<HashMap<String, Option<String>>>>,
}

impl StoreState {
    fn new(store: steppe::Store) -> Self {
        StoreState {
            store,
            resolver: Resolver::new(),
            titles: OnceLock::new(),
        }
    }

    /// The store's crosswalk, or the bundled one when the store has none.
    pub fn code_index(&self) -> Result<Arc<CodeIndex>, Failure> {
        Ok(self.resolver.code_index(&self.store)?)
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
    fn resolve(&self, values: &[String], at: Option<At>) -> Result<Resolved, Failure> {
        let resolved = self.resolver.resolve_at(&self.store, values, at)?;
        Ok(
            resolved
                .map_err(|failures| failures.into_iter().map(|u| (u.value, u.reason)).collect()),
        )
    }

    /// Reads what `request` asks, or lists the values that are no country. Code columns get
    /// one dictionary across the batches, so pyarrow's `group_by` and `join` take the table.
    fn read(&self, request: &Request) -> Result<Result<steppe::TableData, CodeFailures>, Failure> {
        match request.read(&self.store, &self.resolver)? {
            Ok(data) => Ok(Ok(data.with_unified_dictionaries()?)),
            Err(failures) => Ok(Err(code_failures(failures))),
        }
    }

    /// The distinct values of `column` over the rows `request` asks.
    fn distinct(
        &self,
        request: &Request,
        column: &str,
    ) -> Result<Result<Vec<String>, CodeFailures>, Failure> {
        Ok(request
            .distinct(&self.store, &self.resolver, column)?
            .map_err(code_failures))
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

/// Each value that is no country once, with its reason.
fn code_failures(failed: Vec<Failed>) -> CodeFailures {
    let mut out: CodeFailures = Vec::with_capacity(failed.len());
    for f in failed {
        if !out.iter().any(|(v, _)| *v == f.value) {
            out.push((f.value, f.reason));
        }
    }
    out
}

/// Parses the filters given as a list of nested tuples (see [`condition_from_py`]).
fn conditions_from_py(filters: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Condition>> {
    match filters {
        None => Ok(Vec::new()),
        Some(list) => list.try_iter()?.map(|f| condition_from_py(&f?)).collect(),
    }
}

/// Parses a filter given as nested tuples into the core's request condition:
/// `("in", column, [values])`, `("range", column, min, max)`, `("contains", column,
/// [values])`, `("any", [filters])`, `("countries", "in" | "contains", column, [values],
/// year, soft)`, `("involving", [values], year)`, `("country", [values], year)` and
/// `("in_select", column, table, select_column, [filters])`.
fn condition_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Condition> {
    let tuple = obj.cast::<PyTuple>().map_err(|_| {
        PyTypeError::new_err("a filter is a tuple such as (\"in\", column, [values])")
    })?;
    let item = |i: usize| tuple.get_item(i);
    let kind: String = item(0)?.extract()?;
    Ok(match kind.as_str() {
        "in" => Condition::Ready(Predicate::In {
            column: item(1)?.extract()?,
            values: item(2)?.extract()?,
        }),
        "contains" => Condition::Ready(Predicate::ListContains {
            column: item(1)?.extract()?,
            values: item(2)?.extract()?,
        }),
        "range" => {
            let column: String = item(1)?.extract()?;
            Condition::Ready(Predicate::range(
                &column,
                item(2)?.extract()?,
                item(3)?.extract()?,
            ))
        }
        "countries" => {
            let op: String = item(1)?.extract()?;
            if op != "in" && op != "contains" {
                return Err(PyValueError::new_err(format!(
                    "a countries filter is \"in\" or \"contains\", not {op:?}"
                )));
            }
            let column: String = item(2)?.extract()?;
            Condition::Countries {
                label: column.clone(),
                column,
                contains: op == "contains",
                values: item(3)?.extract()?,
                year: item(4)?.extract()?,
                soft: item(5)?.extract()?,
            }
        }
        "involving" => Condition::Involving {
            values: item(1)?.extract()?,
            year: item(2)?.extract()?,
        },
        "country" => Condition::Country {
            values: item(1)?.extract()?,
            year: item(2)?.extract()?,
        },
        "in_select" => {
            let table: String = item(2)?.extract()?;
            Condition::InSelect {
                column: item(1)?.extract()?,
                table: guard(|| Table::from_name(&table))?,
                select: item(3)?.extract()?,
                conditions: conditions_from_py(Some(&item(4)?))?,
            }
        }
        "any" => Condition::Any(conditions_from_py(Some(&item(1)?))?),
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown filter kind `{other}`; use in, range, contains, countries, involving, \
                 country, in_select or any"
            )))
        }
    })
}

/// The request of `table` with the conditions Python gives.
/// A top-level `("on", "YYYY-MM-DD")` filter sets the day every country resolves on
/// ([`Request::on`]) instead of adding a condition.
fn request_from_py(table: &str, filters: Option<&Bound<'_, PyAny>>) -> PyResult<Request> {
    let mut request = Request::new(guard(|| Table::from_name(table))?);
    let Some(list) = filters else {
        return Ok(request);
    };
    for filter in list.try_iter()? {
        let filter = filter?;
        match day_filter(&filter)? {
            Some(day) => request.on = Some(day),
            None => request.conditions.push(condition_from_py(&filter)?),
        }
    }
    Ok(request)
}

/// The day of an `("on", "YYYY-MM-DD")` filter; `None` for any other filter.
fn day_filter(obj: &Bound<'_, PyAny>) -> PyResult<Option<chrono::NaiveDate>> {
    let Ok(tuple) = obj.cast::<PyTuple>() else {
        return Ok(None);
    };
    if tuple.len() != 2 || tuple.get_item(0)?.extract::<String>().ok().as_deref() != Some("on") {
        return Ok(None);
    }
    let text: String = tuple.get_item(1)?.extract()?;
    Ok(Some(guard(|| crate::codes::parse_day(&text))?))
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
        let request = request_from_py(table, filters)?;
        let state = self.state.clone();
        let data = run_long(py, None, |_| state.read(&request))?
            .map_err(|failures| many_code_errors(py, &failures))?;
        Ok(PyTable::new(
            request.table.name().to_string(),
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
        let request = request_from_py(table, filters)?;
        let state = self.state.clone();
        run_long(py, None, |_| state.distinct(&request, column))?
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
        year: Option<crate::codes::PyAt>,
    ) -> PyResult<Vec<String>> {
        let at = guard(|| year.map(crate::codes::PyAt::parse).transpose())?;
        let state = self.state.clone();
        match py.detach(|| guard(|| state.resolve(&values, at)))? {
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
