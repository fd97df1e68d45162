//! `steppe query`: filters from the command line to a store read.

use steppe::request::{Condition, Failed, Request, Resolver};
use steppe::{Error, Predicate, Result, Table};

use crate::cli::{Format, QueryArgs};

/// Parses `2015..2023`, `2020..`, `..1999` or `2023`.
pub fn parse_years(text: &str) -> Result<(Option<i64>, Option<i64>)> {
    let bad = || {
        Error::InvalidArgument(format!(
            "--years `{text}`: expected A..B, A.., ..B or a year"
        ))
    };
    let num = |s: &str| -> Result<Option<i64>> {
        if s.is_empty() {
            Ok(None)
        } else {
            s.trim().parse::<i64>().map(Some).map_err(|_| bad())
        }
    };
    match text.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (num(a)?, num(b.trim_start_matches('='))?);
            if let (Some(x), Some(y)) = (a, b) {
                if x > y {
                    return Err(bad());
                }
            }
            Ok((a, b))
        }
        None => {
            let y = num(text)?.ok_or_else(bad)?;
            Ok((Some(y), Some(y)))
        }
    }
}

/// The request the command-line options make of `table`: countries as `--reporter`,
/// `--partner`, `--involving` and `--country` (resolved by the core's request), `--flow`,
/// `--years` and `--where`.
pub fn build_request(table: Table, args: &QueryArgs) -> Result<Request> {
    let mut request = Request::new(table);
    if !args.reporter.is_empty() {
        request = request.and(Condition::countries(
            "reporter_id",
            args.reporter.clone(),
            None,
        ));
    }
    if !args.partner.is_empty() {
        request = request.and(Condition::countries(
            "partner_id",
            args.partner.clone(),
            None,
        ));
    }
    if !args.involving.is_empty() {
        request = request.and(Condition::Involving {
            values: args.involving.clone(),
            year: None,
        });
    }
    if !args.country.is_empty() {
        request = request.and(Condition::Country {
            values: args.country.clone(),
            year: None,
        });
    }
    if !args.flow.is_empty() {
        for f in &args.flow {
            f.parse::<steppe::model::Flow>()
                .map_err(|e| Error::InvalidArgument(format!("--flow: {e}")))?;
        }
        request = request.and(Condition::Ready(Predicate::is_in(
            "flow",
            args.flow.clone(),
        )));
    }
    if let Some(y) = &args.years {
        let (min, max) = parse_years(y)?;
        request = request.and(Condition::years(min, max));
    }
    for w in &args.where_ {
        let (field, value) = w.split_once('=').ok_or_else(|| {
            Error::InvalidArgument(format!("--where `{w}`: expected FIELD=VALUE"))
        })?;
        request = request.and(Condition::Ready(Predicate::is_in(field, [value])));
    }
    Ok(request)
}

/// One error naming every country option value that is no country, as `--OPTION VALUE:
/// reason`.
fn unresolved(failed: Vec<Failed>) -> Error {
    let listed: Vec<String> = failed
        .iter()
        .map(|f| format!("--{} {}: {}", f.label, f.value, f.reason))
        .collect();
    Error::InvalidArgument(listed.join("; "))
}

/// The core names a country option that does not fit the table by its meaning (`reporter
/// does not apply to table ...`); here it is the flag typed (`--reporter does not apply ...`).
fn with_flag(e: Error) -> Error {
    const OPTIONS: [&str; 4] = ["reporter", "partner", "involving", "country"];
    match e {
        Error::InvalidArgument(m)
            if OPTIONS
                .iter()
                .any(|o| m.starts_with(&format!("{o} does not apply to table"))) =>
        {
            Error::InvalidArgument(format!("--{m}"))
        }
        other => other,
    }
}

/// Checks `--columns`: every name a column of `table`, none twice. One error lists the
/// table's columns.
pub fn check_columns(table: Table, columns: &[String]) -> Result<()> {
    steppe::request::check_columns(table, columns).map_err(|e| match e {
        Error::InvalidArgument(m) => Error::InvalidArgument(format!("--columns: {m}")),
        other => other,
    })
}

/// The columns to read for a table shown to people: the requested ones plus the unit
/// columns their amounts need (`currency` for `value`), which are read but not shown.
fn with_units(table: Table, columns: &[String]) -> Vec<String> {
    let schema = table.schema();
    let mut read = columns.to_vec();
    for (amount, unit) in [
        ("value", "currency"),
        ("value_precision", "currency"),
        ("quantity", "quantity_unit"),
    ] {
        let wanted = columns.iter().any(|c| c == amount);
        if wanted && schema.field_with_name(unit).is_ok() && !read.iter().any(|c| c == unit) {
            read.push(unit.to_string());
        }
    }
    read
}

/// Runs `steppe query`.
pub fn query(args: &QueryArgs) -> Result<i32> {
    let table = Table::from_name(&args.table)?;
    if let Some(c) = &args.columns {
        check_columns(table, c)?;
    }
    let format = args.output_format();
    if args.wide && format != Format::Table {
        return Err(Error::InvalidArgument(
            "--wide applies to the table format; csv, json and parquet always hold every column"
                .into(),
        ));
    }
    let store = super::open(args.store.as_deref())?;
    let mut request = build_request(table, args)?;
    request.columns = match (&args.columns, format) {
        (Some(c), Format::Table) => Some(with_units(table, c)),
        (c, _) => c.clone(),
    };
    let mut data = request
        .read(&store, &Resolver::new())
        .map_err(with_flag)?
        .map_err(unresolved)?;
    if let Some(limit) = args.limit {
        let mut left = limit;
        data.batches = data
            .batches
            .into_iter()
            .filter_map(|b| {
                if left == 0 {
                    return None;
                }
                let n = b.num_rows().min(left);
                left -= n;
                Some(b.slice(0, n))
            })
            .collect();
    }
    let out = args.out.as_deref();
    if format == Format::Table {
        let width = if args.wide {
            None
        } else {
            crate::term::width()
        };
        crate::output::write_table(&data, args.columns.as_deref(), width, out)?;
    } else {
        crate::output::project(&mut data, args.columns.as_deref())?;
        crate::output::write(&data, format, out)?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_ranges() {
        assert_eq!(parse_years("2015..2023").unwrap(), (Some(2015), Some(2023)));
        assert_eq!(parse_years("2020..").unwrap(), (Some(2020), None));
        assert_eq!(parse_years("..1999").unwrap(), (None, Some(1999)));
        assert_eq!(parse_years("2023").unwrap(), (Some(2023), Some(2023)));
        assert!(parse_years("2023..2020").is_err());
        assert!(parse_years("soon").is_err());
    }
}
