//! Python bindings for steppe: the extension module `steppe._steppe`.
//!
//! The public Python API lives in the pure-Python package `steppe` (python/steppe), which
//! wraps these primitives: stores and filtered reads, tables exported through the Arrow
//! PyCapsule interface, vectorised code conversion, and the CLI.

mod analytics;
mod codes;
mod errors;
mod fetch;
mod import_report;
mod imports_events;
mod imports_imf_dots;
mod imports_trade;
mod interrupt;
mod report;
mod store;
mod table;

use std::ffi::OsString;
use std::path::PathBuf;

use pyo3::prelude::*;

use crate::errors::guard;

/// Runs the `steppe` command line (argv includes the program name) and returns its exit code.
/// The GIL is released while it runs.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<String>) -> PyResult<i32> {
    let args: Vec<OsString> = argv.into_iter().map(OsString::from).collect();
    let code = py.detach(|| {
        let code = steppe_cli::run(args);
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        code
    });
    Ok(code)
}

/// Compiles a curated `data/` directory into a fresh store at `out` (test helper).
#[pyfunction]
fn _build_store_from_data(py: Python<'_>, data_dir: PathBuf, out: PathBuf) -> PyResult<()> {
    py.detach(|| {
        guard(|| -> steppe::Result<()> {
            steppe::curated::Curated::read(&data_dir)?.write_store(&out)?;
            Ok(())
        })
    })?;
    Ok(())
}

/// Panics inside Rust (test hook): the panic must surface as a Python exception.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>) -> PyResult<()> {
    py.detach(|| {
        guard(|| -> steppe::Result<()> {
            let v: Vec<u8> = Vec::new();
            let i = v.len() + 3;
            panic!("deliberate panic for tests (index {i})");
        })
    })?;
    Ok(())
}

/// Panics without the guard (test hook): pyo3 raises `PanicException`.
#[pyfunction]
fn _unguarded_panic_for_tests() {
    panic!("deliberate unguarded panic for tests");
}

/// Raises the Python exception that a core error of `kind` maps to (test hook).
#[pyfunction]
fn _raise_for_tests(kind: &str) -> PyResult<()> {
    use steppe::{Error, Location};
    let e = match kind {
        "format" => Error::format(
            Location::file("data/trade_flows.csv").row(3).field("value"),
            "`abc` is not a number",
        ),
        "io" => Error::io(
            "/nowhere/file.csv",
            std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
        ),
        "not_found" => Error::io(
            "/nowhere/file.csv",
            std::io::Error::new(std::io::ErrorKind::NotFound, "missing"),
        ),
        "store" => Error::store("/some/store", "damaged"),
        "locked" => Error::Locked {
            path: "/some/store".into(),
        },
        "unknown_table" => Error::UnknownTable("flows".into()),
        "schema" => Error::Schema {
            table: "trade_flows".into(),
            message: "does not fit".into(),
        },
        "code" => Error::Code(steppe::CodeError::Unknown {
            scheme: "iso3".into(),
            code: "XXX".into(),
        }),
        "validation" => Error::Validation(steppe::ValidationReport {
            problems: vec![steppe::Problem {
                table: "trade_flows".into(),
                row_key: "k".into(),
                field: "value".into(),
                message: "-1 is out of range".into(),
            }],
            ..Default::default()
        }),
        "invalid" => Error::InvalidArgument("bad argument".into()),
        "not_bundled" => Error::NotBundled,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown kind {other}"
            )))
        }
    };
    Err(errors::Failure::Steppe(e).into())
}

/// The values of one of steppe's code lists (`flow`, `perspective`, `entity_type`, ...).
#[pyfunction]
fn code_list(name: &str) -> PyResult<Vec<&'static str>> {
    use steppe::model::*;
    fn all<T: Copy + 'static>(values: &'static [T], f: fn(T) -> &'static str) -> Vec<&'static str> {
        values.iter().map(|v| f(*v)).collect()
    }
    Ok(match name {
        "flow" => all(Flow::ALL, Flow::as_str),
        "perspective" => all(Perspective::ALL, Perspective::as_str),
        "price_basis" => all(PriceBasis::ALL, PriceBasis::as_str),
        "date_precision" => all(DatePrecision::ALL, DatePrecision::as_str),
        "entity_type" => all(EntityType::ALL, EntityType::as_str),
        "event_class" => all(EventClass::ALL, EventClass::as_str),
        "actor_role" => all(ActorRole::ALL, ActorRole::as_str),
        "actor_kind" => all(ActorKind::ALL, ActorKind::as_str),
        "org_type" => all(OrgType::ALL, OrgType::as_str),
        "membership_role" => all(MembershipRole::ALL, MembershipRole::as_str),
        "derivation" => all(Derivation::ALL, Derivation::as_str),
        "obs_status" => all(ObsStatus::ALL, ObsStatus::as_str),
        "scheme" => all(Scheme::ALL, Scheme::as_str),
        "incompatibility" => all(Incompatibility::ALL, Incompatibility::as_str),
        "intensity_level" => all(IntensityLevel::ALL, IntensityLevel::as_str),
        "type_of_conflict" => all(ConflictType::ALL, ConflictType::as_str),
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown code list `{other}`"
            )))
        }
    })
}

/// The extension module.
#[pymodule]
fn _steppe(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("SCHEMA_VERSION", steppe::SCHEMA_VERSION)?;
    m.add_class::<store::PyStore>()?;
    m.add_class::<table::PyTable>()?;
    m.add_class::<table::PySchema>()?;
    m.add_class::<table::ArrowColumn>()?;
    m.add_function(wrap_pyfunction!(store::open_store, m)?)?;
    m.add_function(wrap_pyfunction!(store::bundled_store, m)?)?;
    m.add_function(wrap_pyfunction!(store::table_names, m)?)?;
    m.add_function(wrap_pyfunction!(store::table_columns, m)?)?;
    m.add_function(wrap_pyfunction!(codes::convert_list, m)?)?;
    m.add_function(wrap_pyfunction!(codes::convert_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(codes::schemes, m)?)?;
    m.add_function(wrap_pyfunction!(code_list, m)?)?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::partner_shares, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::concentration, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::dependence, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::mirror, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::indicator_series, m)?)?;
    m.add_function(wrap_pyfunction!(imports_trade::import_baci, m)?)?;
    m.add_function(wrap_pyfunction!(imports_trade::import_comtrade, m)?)?;
    m.add_function(wrap_pyfunction!(imports_events::import_wdi, m)?)?;
    m.add_function(wrap_pyfunction!(imports_events::import_gdelt, m)?)?;
    m.add_function(wrap_pyfunction!(imports_events::import_ucdp, m)?)?;
    m.add_function(wrap_pyfunction!(imports_events::import_ucdp_acd, m)?)?;
    m.add_function(wrap_pyfunction!(fetch::fetch, m)?)?;
    m.add_function(wrap_pyfunction!(imports_events::import_acled, m)?)?;
    m.add_function(wrap_pyfunction!(imports_imf_dots::import_imf_dots, m)?)?;
    m.add_function(wrap_pyfunction!(report::render_report, m)?)?;
    m.add_function(wrap_pyfunction!(report::render_report_png, m)?)?;
    m.add_function(wrap_pyfunction!(report::render_report_svg, m)?)?;
    m.add_function(wrap_pyfunction!(_build_store_from_data, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(_unguarded_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(_raise_for_tests, m)?)?;
    Ok(())
}
