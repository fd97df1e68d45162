//! Vectorised code conversion over the bundled crosswalk (`steppe.codes.convert`).
//!
//! Each call resolves every distinct input once (a per-call cache), so a million values with a
//! few hundred distinct codes cost a million hash look-ups.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef};
use arrow_schema::{ArrowError, DataType, Field};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt, PyList, PyString};
use pyo3_arrow::input::AnyArray;
use steppe::codes::{parse_scheme, At};
use steppe::model::{Entity, EntityCode, Scheme};
use steppe::CodeIndex;

use crate::errors::{guard, many_code_errors, Failure};
use crate::table::ArrowColumn;

/// The bundled crosswalk (codes to entities and back) plus entity names.
pub struct Codes {
    /// Codes to entities, and each entity's codes ([`CodeIndex::code_of`]).
    pub index: Arc<CodeIndex>,
    /// Entity id to short name.
    pub names: HashMap<String, String>,
}

impl Codes {
    fn build(store: &steppe::Store) -> steppe::Result<Codes> {
        let names = store
            .records::<Entity>()?
            .into_iter()
            .map(|e| (e.entity_id, e.name))
            .collect();
        Ok(Codes {
            index: Arc::new(CodeIndex::new(store.records::<EntityCode>()?)),
            names,
        })
    }
}

/// The bundled crosswalk, built once per process.
pub fn bundled() -> Result<&'static Codes, Failure> {
    static CODES: OnceLock<Codes> = OnceLock::new();
    if let Some(c) = CODES.get() {
        return Ok(c);
    }
    let codes = guard(|| Codes::build(&steppe::Store::bundled()?))?;
    Ok(CODES.get_or_init(|| codes))
}

/// What to convert to.
#[derive(Clone, Copy)]
enum Target {
    EntityId,
    Name,
    Scheme(Scheme),
}

struct Converter {
    codes: &'static Codes,
    source: Option<Scheme>,
    /// `source="cow"`: letters go to `cow_abb`, digits to `cow_num`.
    cow_alias: bool,
    target: Target,
    at: Option<At>,
}

/// When codes are read, as Python gives it: a year (`int`) or a day (an ISO date string
/// `YYYY-MM-DD`, which `steppe.codes` makes of a `datetime.date`).
#[derive(FromPyObject)]
pub enum PyAt {
    /// A year.
    Year(i32),
    /// A day, `YYYY-MM-DD`.
    Day(String),
}

impl PyAt {
    /// The [`At`]; an invalid argument (`ValueError`) for a string that is no `YYYY-MM-DD`
    /// date.
    pub fn parse(self) -> steppe::Result<At> {
        match self {
            PyAt::Year(y) => Ok(At::Year(y)),
            PyAt::Day(text) => parse_day(&text).map(At::Day),
        }
    }
}

/// The day `YYYY-MM-DD`; an invalid argument (`ValueError`) naming the text otherwise.
pub fn parse_day(text: &str) -> steppe::Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        steppe::Error::InvalidArgument(format!(
            "date {text:?} is not a date: give datetime.date(2006, 6, 3) or \"2006-06-03\""
        ))
    })
}

impl Converter {
    fn new(to: &str, source: Option<&str>, at: Option<PyAt>) -> Result<Converter, Failure> {
        let at = at.map(PyAt::parse).transpose()?;
        let codes = bundled()?;
        let target = match to.trim().to_ascii_lowercase().as_str() {
            "entity_id" | "entity" | "id" => Target::EntityId,
            "name" | "name_short" => Target::Name,
            other => Target::Scheme(parse_scheme(other)?),
        };
        let source_scheme = source.map(parse_scheme).transpose()?;
        Ok(Converter {
            codes,
            source: source_scheme,
            cow_alias: source.is_some_and(|s| s.trim().eq_ignore_ascii_case("cow")),
            target,
            at,
        })
    }

    fn entity_of<'a>(&'a self, value: &str) -> Result<&'a str, String> {
        let index = &self.codes.index;
        let result = match self.source {
            Some(_) if self.cow_alias && value.chars().any(|c| c.is_ascii_alphabetic()) => {
                index.resolve_at(Scheme::CowAbb, value, self.at)
            }
            Some(scheme) => index.resolve_at(scheme, value, self.at),
            None => index.resolve_any_at(value, self.at),
        };
        match result {
            Ok(id) => Ok(id),
            Err(e) => {
                // With no scheme given, entity ids that are no ISO code pass as they are.
                if self.source.is_none() {
                    if let Some((id, _)) = self.codes.names.get_key_value(value.trim()) {
                        return Ok(id.as_str());
                    }
                }
                Err(e.to_string())
            }
        }
    }

    fn convert(&self, value: &str) -> Result<String, String> {
        let entity = self.entity_of(value)?;
        match self.target {
            Target::EntityId => Ok(entity.to_string()),
            Target::Name => self
                .codes
                .names
                .get(entity)
                .cloned()
                .ok_or_else(|| format!("`{value}` names {entity}, which has no name")),
            Target::Scheme(scheme) => self
                .codes
                .index
                .code_at(entity, scheme, self.at)
                .ok_or_else(|| match self.at {
                    Some(At::Year(y)) => {
                        format!("`{value}` names {entity}, which has no {scheme} code in {y}")
                    }
                    Some(At::Day(d)) => {
                        format!("`{value}` names {entity}, which has no {scheme} code on {d}")
                    }
                    None => format!("`{value}` names {entity}, which has no {scheme} code"),
                }),
        }
    }
}

/// A per-call cache: each distinct input is converted once.
#[derive(Clone, Copy)]
enum Slot {
    Ok(usize),
    Failed,
}

struct Cache {
    converter: Converter,
    slots: HashMap<String, Slot>,
    outputs: Vec<String>,
    failures: Vec<(String, String)>,
}

impl Cache {
    fn new(converter: Converter) -> Self {
        Cache {
            converter,
            slots: HashMap::new(),
            outputs: Vec::new(),
            failures: Vec::new(),
        }
    }

    fn get(&mut self, value: &str) -> Slot {
        if let Some(s) = self.slots.get(value) {
            return *s;
        }
        let slot = match self.converter.convert(value) {
            Ok(out) => {
                self.outputs.push(out);
                Slot::Ok(self.outputs.len() - 1)
            }
            Err(reason) => {
                self.failures.push((value.to_string(), reason));
                Slot::Failed
            }
        };
        self.slots.insert(value.to_string(), slot);
        slot
    }
}

fn check_errors(errors: &str) -> PyResult<bool> {
    match errors {
        "raise" => Ok(true),
        "null" => Ok(false),
        other => Err(PyValueError::new_err(format!(
            "errors must be \"raise\" or \"null\", not {other:?}"
        ))),
    }
}

/// Converts a list of codes (str, int, None or NaN) and returns a list of the same length.
#[pyfunction]
#[pyo3(signature = (values, to="iso3", source=None, year=None, errors="raise"))]
pub fn convert_list<'py>(
    py: Python<'py>,
    values: &Bound<'py, PyList>,
    to: &str,
    source: Option<&str>,
    year: Option<PyAt>,
    errors: &str,
) -> PyResult<Bound<'py, PyList>> {
    let raise = check_errors(errors)?;
    let converter = Converter::new(to, source, year)?;
    let mut cache = Cache::new(converter);
    let mut slots: Vec<Option<Slot>> = Vec::with_capacity(values.len());
    for item in values.iter() {
        if item.is_none() {
            slots.push(None);
        } else if let Ok(s) = item.cast::<PyString>() {
            slots.push(Some(cache.get(s.to_str()?)));
        } else if item.is_instance_of::<PyInt>() && !item.is_instance_of::<pyo3::types::PyBool>() {
            let text = item.str()?;
            slots.push(Some(cache.get(text.to_str()?)));
        } else if let Ok(f) = item.cast::<PyFloat>() {
            let v = f.value();
            if v.is_nan() {
                slots.push(None);
            } else if v.fract() == 0.0 && v.abs() < 1e15 {
                slots.push(Some(cache.get(&format!("{}", v as i64))));
            } else {
                return Err(PyTypeError::new_err(format!("{v} is not a code")));
            }
        } else {
            return Err(PyTypeError::new_err(format!(
                "codes must be str, int or None, not {}",
                item.get_type().name()?
            )));
        }
    }
    if raise && !cache.failures.is_empty() {
        return Err(many_code_errors(py, &cache.failures));
    }
    let outputs: Vec<Bound<'py, PyString>> =
        cache.outputs.iter().map(|s| PyString::new(py, s)).collect();
    let none = py.None().into_bound(py);
    let items = slots.iter().map(|s| match s {
        Some(Slot::Ok(i)) => outputs[*i].as_any().clone(),
        _ => none.clone(),
    });
    PyList::new(py, items)
}

/// Converts an Arrow column (anything exporting `__arrow_c_array__` or `__arrow_c_stream__`:
/// pyarrow, polars, ...) and returns a string column with the same chunks. The GIL is
/// released during the conversion.
#[pyfunction]
#[pyo3(signature = (values, to="iso3", source=None, year=None, errors="raise"))]
pub fn convert_arrow(
    py: Python<'_>,
    values: AnyArray,
    to: &str,
    source: Option<&str>,
    year: Option<PyAt>,
    errors: &str,
) -> PyResult<ArrowColumn> {
    let raise = check_errors(errors)?;
    let reader = values.into_reader()?;
    let field = reader.field();
    let chunks: Vec<ArrayRef> = reader
        .collect::<Result<_, ArrowError>>()
        .map_err(Failure::from)?;
    let converter = Converter::new(to, source, year)?;
    let (out, failures) = py.detach(|| {
        guard(|| -> Result<_, Failure> {
            let mut cache = Cache::new(converter);
            let mut out: Vec<ArrayRef> = Vec::with_capacity(chunks.len());
            for chunk in &chunks {
                out.push(convert_chunk(&mut cache, chunk, raise)?);
            }
            Ok((out, cache.failures))
        })
    })?;
    if raise && !failures.is_empty() {
        return Err(many_code_errors(py, &failures));
    }
    let field = Field::new(field.name(), DataType::Utf8, true);
    Ok(ArrowColumn::new(Arc::new(field), out))
}

fn convert_chunk(cache: &mut Cache, chunk: &ArrayRef, raise: bool) -> Result<ArrayRef, Failure> {
    if let Some(dict) = chunk.as_any_dictionary_opt() {
        // Codes as a dictionary (pandas categoricals, polars categoricals, steppe's own code
        // columns): convert the dictionary values the keys use, then gather.
        let keys = dict.normalized_keys();
        let mut used = vec![false; dict.values().len()];
        for (i, k) in keys.iter().enumerate() {
            if chunk.is_valid(i) {
                used[*k] = true;
            }
        }
        let converted = convert_strings(cache, dict.values(), Some(&used), raise)?;
        return Ok(arrow_select::take::take(
            converted.as_ref(),
            dict.keys(),
            None,
        )?);
    }
    convert_strings(cache, chunk, None, raise)
}

/// Converts a column of codes (as text); rows not `used` become null unconverted.
fn convert_strings(
    cache: &mut Cache,
    chunk: &ArrayRef,
    used: Option<&[bool]>,
    raise: bool,
) -> Result<ArrayRef, Failure> {
    let text: ArrayRef = match chunk.data_type() {
        DataType::Utf8 => chunk.clone(),
        DataType::Null => return Ok(arrow_array::new_null_array(&DataType::Utf8, chunk.len())),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            // Integral floats (a pandas column of numbers with gaps) as integers.
            let ints = arrow_cast::cast(chunk, &DataType::Int64)?;
            arrow_cast::cast(&ints, &DataType::Utf8)?
        }
        _ => arrow_cast::cast(chunk, &DataType::Utf8)?,
    };
    let strings = text.as_string::<i32>();
    let mut builder = StringBuilder::with_capacity(strings.len(), strings.len() * 3);
    for (i, v) in strings.iter().enumerate() {
        if used.is_some_and(|u| !u[i]) {
            builder.append_null();
            continue;
        }
        match v {
            None => builder.append_null(),
            Some(v) => match cache.get(v) {
                Slot::Ok(i) => builder.append_value(&cache.outputs[i]),
                Slot::Failed => builder.append_null(),
            },
        }
        if raise && cache.failures.len() > 1000 {
            // Enough to report; the caller raises, so the rest need not be converted.
            return Ok(arrow_array::new_null_array(&DataType::Utf8, strings.len()));
        }
    }
    Ok(Arc::new(builder.finish()))
}

/// Names of the code schemes steppe knows.
#[pyfunction]
pub fn schemes() -> Vec<&'static str> {
    Scheme::ALL.iter().map(|s| s.as_str()).collect()
}
