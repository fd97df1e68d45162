//! `steppe query`: filters from the command line to a store read.

use steppe::codes::CodeIndex;
use steppe::{Error, Filter, Predicate, ReadOptions, Result, Store, Table};

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

/// Resolves country options to entity ids (codes in any scheme, or entity ids such as
/// aggregates); one error lists every value that fails.
fn resolve(
    store: &Store,
    codes: &CodeIndex,
    values: &[String],
    option: &str,
) -> Result<Vec<String>> {
    codes
        .resolve_countries(values, None, || store.entity_ids())?
        .map_err(|failures| {
            let listed: Vec<String> = failures
                .iter()
                .map(|u| format!("--{option} {}: {}", u.value, u.reason))
                .collect();
            Error::InvalidArgument(listed.join("; "))
        })
}

/// Builds the filter for a table from the command-line options.
pub fn build_filter(store: &Store, table: Table, args: &QueryArgs) -> Result<Filter> {
    let schema = table.schema();
    let has = |c: &str| schema.field_with_name(c).is_ok();
    let needs_codes = !(args.reporter.is_empty()
        && args.partner.is_empty()
        && args.involving.is_empty()
        && args.country.is_empty());
    let codes = if needs_codes {
        Some(store.code_index()?)
    } else {
        None
    };
    let codes = codes.as_ref();
    let mut filter = Filter::all();
    let unsupported =
        |opt: &str| Error::InvalidArgument(format!("--{opt} does not apply to table `{table}`"));
    if !args.reporter.is_empty() {
        if !has("reporter_id") {
            return Err(unsupported("reporter"));
        }
        filter = filter.and(Predicate::is_in(
            "reporter_id",
            resolve(store, codes.expect("codes"), &args.reporter, "reporter")?,
        ));
    }
    if !args.partner.is_empty() {
        if !has("partner_id") {
            return Err(unsupported("partner"));
        }
        filter = filter.and(Predicate::is_in(
            "partner_id",
            resolve(store, codes.expect("codes"), &args.partner, "partner")?,
        ));
    }
    if !args.involving.is_empty() {
        if !has("reporter_id") {
            return Err(unsupported("involving"));
        }
        let ids = resolve(store, codes.expect("codes"), &args.involving, "involving")?;
        filter = filter.and(Predicate::Any(vec![
            Predicate::is_in("reporter_id", ids.clone()),
            Predicate::is_in("partner_id", ids),
        ]));
    }
    if !args.country.is_empty() {
        let ids = resolve(store, codes.expect("codes"), &args.country, "country")?;
        let p = match table {
            Table::Events => {
                // The event's place, or any of its actors.
                let actors = store.read(
                    Table::EventActors,
                    &ReadOptions {
                        filter: Filter::all().and(Predicate::is_in("actor_ref", ids.clone())),
                        columns: Some(vec!["event_id".into()]),
                    },
                )?;
                let mut events: Vec<String> = Vec::new();
                for b in &actors.batches {
                    let c = arrow_cast::cast(b.column(0), &arrow_schema::DataType::Utf8)?;
                    let c = arrow_array::cast::AsArray::as_string::<i32>(&c);
                    events.extend(c.iter().flatten().map(String::from));
                }
                Predicate::Any(vec![
                    Predicate::is_in("country_id", ids),
                    Predicate::is_in("event_id", events),
                ])
            }
            Table::EventActors => Predicate::is_in("actor_ref", ids),
            Table::Claims => Predicate::ListContains {
                column: "about".into(),
                values: ids,
            },
            Table::TradeFlows => Predicate::Any(vec![
                Predicate::is_in("reporter_id", ids.clone()),
                Predicate::is_in("partner_id", ids),
            ]),
            _ if has("entity_id") => Predicate::is_in("entity_id", ids),
            _ => return Err(unsupported("country")),
        };
        filter = filter.and(p);
    }
    if !args.flow.is_empty() {
        if !has("flow") {
            return Err(unsupported("flow"));
        }
        for f in &args.flow {
            f.parse::<steppe::model::Flow>()
                .map_err(|e| Error::InvalidArgument(format!("--flow: {e}")))?;
        }
        filter = filter.and(Predicate::is_in("flow", args.flow.clone()));
    }
    if let Some(y) = &args.years {
        if !has("year") {
            return Err(unsupported("years"));
        }
        let (min, max) = parse_years(y)?;
        filter = filter.and(Predicate::range("year", min, max));
    }
    for w in &args.where_ {
        let (field, value) = w.split_once('=').ok_or_else(|| {
            Error::InvalidArgument(format!("--where `{w}`: expected FIELD=VALUE"))
        })?;
        if !has(field) {
            return Err(Error::InvalidArgument(format!(
                "--where: table `{table}` has no column `{field}`"
            )));
        }
        filter = filter.and(Predicate::is_in(field, [value]));
    }
    Ok(filter)
}

/// Checks `--columns`: every name a column of `table`, none twice. One error lists the
/// table's columns.
pub fn check_columns(table: Table, columns: &[String]) -> Result<()> {
    let schema = table.schema();
    for (i, c) in columns.iter().enumerate() {
        if schema.field_with_name(c).is_err() {
            let valid: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            return Err(Error::InvalidArgument(format!(
                "--columns: table `{table}` has no column `{c}`; its columns are {}",
                valid.join(", ")
            )));
        }
        if columns[..i].contains(c) {
            return Err(Error::InvalidArgument(format!(
                "--columns: `{c}` is listed twice"
            )));
        }
    }
    Ok(())
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
    let filter = build_filter(&store, table, args)?;
    let read_columns = match (&args.columns, format) {
        (Some(c), Format::Table) => Some(with_units(table, c)),
        (c, _) => c.clone(),
    };
    let mut data = store.read(
        table,
        &ReadOptions {
            filter,
            columns: read_columns,
        },
    )?;
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
