//! Turning `steppe::Error` (and panics) into the Python exception hierarchy of
//! `steppe._errors`: `SteppeError` and its subclasses, each with `path`, `row` and `field`.
//!
//! The exception classes are defined in Python (so they carry docstrings, signatures and type
//! information); this module imports them when an error is raised.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A failure of work done without the GIL: a steppe error, or a panic caught on the way out.
#[derive(Debug)]
pub enum Failure {
    /// An error of the core.
    Steppe(steppe::Error),
    /// A Rust panic (a bug), with its message.
    Panic(String),
}

impl From<steppe::Error> for Failure {
    fn from(e: steppe::Error) -> Self {
        Failure::Steppe(e)
    }
}

impl From<steppe::CodeError> for Failure {
    fn from(e: steppe::CodeError) -> Self {
        Failure::Steppe(steppe::Error::Code(e))
    }
}

impl From<arrow_schema::ArrowError> for Failure {
    fn from(e: arrow_schema::ArrowError) -> Self {
        Failure::Steppe(steppe::Error::Arrow(e))
    }
}

impl From<Failure> for PyErr {
    fn from(f: Failure) -> PyErr {
        Python::attach(|py| match f {
            Failure::Steppe(e) => to_pyerr(py, e),
            Failure::Panic(msg) => new_error(
                py,
                "SteppeError",
                format!("internal error (a bug in steppe, please report it): {msg}"),
                Attrs::default(),
            ),
        })
    }
}

/// Runs `f`, turning a panic into [`Failure::Panic`] so it reaches Python as `SteppeError`
/// instead of unwinding through the interpreter.
pub fn guard<T, E: Into<Failure>>(f: impl FnOnce() -> Result<T, E>) -> Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(Into::into),
        Err(panic) => Err(Failure::Panic(panic_message(panic.as_ref()))),
    }
}

/// The message of a panic payload.
pub fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}

/// Extra attributes of an exception.
#[derive(Default)]
pub struct Attrs {
    pub path: Option<String>,
    pub row: Option<u64>,
    pub field: Option<String>,
    pub table: Option<String>,
    pub values: Option<Vec<String>>,
}

fn path_text(p: &Path) -> String {
    p.display().to_string()
}

/// Builds an instance of `steppe._errors.<class>` with `message` and attributes.
pub fn new_error(py: Python<'_>, class: &str, message: String, attrs: Attrs) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let module = py.import("steppe._errors")?;
        let cls = module.getattr(class)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("path", attrs.path)?;
        kwargs.set_item("row", attrs.row)?;
        kwargs.set_item("field", attrs.field)?;
        if let Some(t) = attrs.table {
            kwargs.set_item("table", t)?;
        }
        if let Some(v) = attrs.values {
            kwargs.set_item("values", v)?;
        }
        let instance = cls.call((message.clone(),), Some(&kwargs))?;
        Ok(PyErr::from_value(instance))
    };
    // Without the Python package (the extension imported on its own) fall back to RuntimeError.
    build().unwrap_or_else(|_| PyRuntimeError::new_err(message))
}

/// The keyword argument that changes an error's outcome, as a clause to append.
fn remedy_hint(e: &steppe::Error) -> &'static str {
    match e.remedy() {
        Some(steppe::Remedy::WaitForLock) => " (pass wait=True to wait for it)",
        Some(steppe::Remedy::ReimportReplace) => " (pass reimport=\"replace\" to replace them)",
        Some(steppe::Remedy::MaxRejectRate) => {
            " (see them with store.rejects(), or raise the limit with max_reject_rate=)"
        }
        _ => "",
    }
}

/// The Python exception for a core error. A later input of an import failing after others
/// were committed ([`steppe::Error::PartlyImported`]) raises the exception of its own error,
/// with the whole message and `committed`: the import report (a dict) of the files committed
/// before it.
pub fn to_pyerr(py: Python<'_>, e: steppe::Error) -> PyErr {
    let message = format!("{e}{}", remedy_hint(&e));
    let steppe::Error::PartlyImported {
        committed, error, ..
    } = e
    else {
        return exception(py, e, message);
    };
    let err = exception(py, *error, message);
    let attached = crate::import_report::report_dict(py, &committed)
        .and_then(|d| err.value(py).setattr("committed", d));
    match attached {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// The exception of `e`'s class, with `message` and `e`'s attributes.
fn exception(py: Python<'_>, e: steppe::Error, message: String) -> PyErr {
    use steppe::Error as E;
    match e {
        E::Format { location, .. } => new_error(
            py,
            "FormatError",
            message,
            Attrs {
                path: location.path.as_deref().map(path_text),
                row: location.row,
                field: location.field,
                ..Attrs::default()
            },
        ),
        E::Io { path, source } => {
            use std::io::ErrorKind as K;
            let class = match source.kind() {
                K::NotFound => "NotFoundError",
                // Content that cannot be decoded: a truncated `.gz`, a corrupt zip member.
                K::InvalidData | K::UnexpectedEof => "FormatError",
                _ => "StoreError",
            };
            new_error(
                py,
                class,
                message,
                Attrs {
                    path: Some(path_text(&path)),
                    ..Attrs::default()
                },
            )
        }
        E::Store { path, .. } => new_error(
            py,
            "StoreError",
            message,
            Attrs {
                path: Some(path_text(&path)),
                ..Attrs::default()
            },
        ),
        E::Locked { path } => new_error(
            py,
            "LockedError",
            message,
            Attrs {
                path: Some(path_text(&path)),
                ..Attrs::default()
            },
        ),
        E::NotBundled => new_error(py, "StoreError", message, Attrs::default()),
        E::UnknownTable(name) => new_error(
            py,
            "SchemaError",
            message,
            Attrs {
                table: Some(name),
                ..Attrs::default()
            },
        ),
        E::Schema { table, .. } => new_error(
            py,
            "SchemaError",
            message,
            Attrs {
                table: Some(table),
                ..Attrs::default()
            },
        ),
        E::Convert(_) => new_error(py, "SchemaError", message, Attrs::default()),
        E::Code(c) => code_error(py, &c),
        E::Validation(report) => {
            let field = report.problems.first().map(|p| p.field.clone());
            let table = report.problems.first().map(|p| p.table.clone());
            new_error(
                py,
                "ValidationError",
                message,
                Attrs {
                    field,
                    table,
                    ..Attrs::default()
                },
            )
        }
        E::Json(_) => new_error(py, "FormatError", message, Attrs::default()),
        // Too many rows of an input were rejected (the import committed them as rejects).
        E::RejectRate { path, .. } => new_error(
            py,
            "FormatError",
            message,
            Attrs {
                path: Some(path_text(&path)),
                ..Attrs::default()
            },
        ),
        E::Parquet(_) => new_error(py, "StoreError", message, Attrs::default()),
        _ => new_error(py, "SteppeError", message, Attrs::default()),
    }
}

/// The code a `CodeError` is about (none for an unknown scheme).
pub fn code_of_error(c: &steppe::CodeError) -> Option<String> {
    use steppe::CodeError as C;
    match c {
        C::Unknown { code, .. } | C::Ambiguous { code, .. } | C::NotValidInYear { code, .. } => {
            Some(code.clone())
        }
        C::UnknownScheme(s) => Some(s.clone()),
        _ => None,
    }
}

fn code_error(py: Python<'_>, c: &steppe::CodeError) -> PyErr {
    new_error(
        py,
        "CodeError",
        c.to_string(),
        Attrs {
            values: Some(code_of_error(c).into_iter().collect()),
            ..Attrs::default()
        },
    )
}

/// A `CodeError` naming every value that failed, with the reason of each.
pub fn many_code_errors(py: Python<'_>, failures: &[(String, String)]) -> PyErr {
    const SHOWN: usize = 10;
    let mut message = format!(
        "{} value{} could not be converted: ",
        failures.len(),
        if failures.len() == 1 { "" } else { "s" }
    );
    let parts: Vec<&str> = failures
        .iter()
        .take(SHOWN)
        .map(|(_, m)| m.as_str())
        .collect();
    message.push_str(&parts.join("; "));
    if failures.len() > SHOWN {
        message.push_str(&format!("; and {} more", failures.len() - SHOWN));
    }
    message.push_str(" (pass errors=\"null\" to get nulls instead)");
    new_error(
        py,
        "CodeError",
        message,
        Attrs {
            values: Some(failures.iter().map(|(v, _)| v.clone()).collect()),
            ..Attrs::default()
        },
    )
}
