//! Requests: what the CLI and Python ask of one table — countries typed in any form as
//! reporter, partner, either side (`involving`) or the table's own notion of a country's rows
//! (`country`), years, other column filters, sub-queries and the columns to return — turned
//! into one [`Filter`] over the store's tables and read.
//!
//! Countries resolve through the store's reference (its crosswalk, else the bundled one; see
//! [`Resolver`]); every value that fails is reported with the condition it came from
//! ([`Failed`]), so that one error lists them all. A country's events (those at it and those
//! it took part in) are a semi-join on `event_id` through a hash set
//! ([`crate::report::events::with_actors`], [`Predicate::InSet`]).

mod resolver;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use arrow_array::cast::AsArray;

use crate::codes::At;
use crate::query::{Filter, Predicate};
use crate::schema::Table;
use crate::store::{ReadOptions, Store, TableData};
use crate::{Error, Result};

pub use resolver::Resolver;

/// A value a condition could not resolve to a country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// What the condition asks, as its caller names it (`reporter`, `involving`, ...).
    pub label: String,
    /// The value as typed.
    pub value: String,
    /// Why it does not resolve (unknown, ambiguous, not valid that year, ...).
    pub reason: String,
}

/// A request's outcome: the value, or every value that is not a country.
pub type Outcome<T> = std::result::Result<T, Vec<Failed>>;

/// One condition on the rows of a table, before its countries are resolved and its
/// sub-queries read.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A predicate ready as given (values, ranges, list membership).
    Ready(Predicate),
    /// Rows whose `column` is (or, with `contains`, whose list holds) one of the countries
    /// typed in `values`; `soft` keeps a value that is no country (an organisation id)
    /// instead of failing.
    Countries {
        /// What the caller calls it (failures name it).
        label: String,
        /// The column holding entity ids.
        column: String,
        /// A list column: rows whose list holds one of the countries.
        contains: bool,
        /// The countries, in any form.
        values: Vec<String>,
        /// The year codes resolve in (`None`: any date, the current holder first).
        year: Option<i32>,
        /// Keep values that are no country as they are.
        soft: bool,
    },
    /// Trade rows with one of the countries on either side (reporter or partner).
    Involving {
        /// The countries, in any form.
        values: Vec<String>,
        /// The year codes resolve in.
        year: Option<i32>,
    },
    /// The rows about one of the countries, as the table understands it: an event at it or
    /// with it among its actors, an actor that is it, a claim about it, a trade flow with it
    /// on either side, an entity, membership or observation of it.
    Country {
        /// The countries, in any form.
        values: Vec<String>,
        /// The year codes resolve in.
        year: Option<i32>,
    },
    /// Rows whose `column` is one of the values of `select` over the rows of `table` that
    /// match `conditions` (a semi-join, looked up by hash).
    InSelect {
        /// The column of the requested table.
        column: String,
        /// The table of the sub-query.
        table: Table,
        /// Its column whose values are kept.
        select: String,
        /// Its conditions.
        conditions: Vec<Condition>,
    },
    /// At least one of the conditions holds.
    Any(Vec<Condition>),
}

impl Condition {
    /// Rows whose entity column `column` is one of `values`; failures are labelled with the
    /// column's name without `_id` (`reporter`).
    pub fn countries(column: &str, values: Vec<String>, year: Option<i32>) -> Condition {
        Condition::Countries {
            label: column.strip_suffix("_id").unwrap_or(column).to_string(),
            column: column.to_string(),
            contains: false,
            values,
            year,
            soft: false,
        }
    }

    /// Rows whose `year` lies in `[min, max]` (either end open when `None`).
    pub fn years(min: Option<i64>, max: Option<i64>) -> Condition {
        Condition::Ready(Predicate::range("year", min, max))
    }

    /// Checks that the condition applies to `table`: every column it names exists.
    fn check(&self, table: Table) -> Result<()> {
        let schema = table.schema();
        let has = |c: &str| schema.field_with_name(c).is_ok();
        let missing =
            |c: &str| Error::InvalidArgument(format!("table `{table}` has no column `{c}`"));
        let not_for = |what: &str| {
            Error::InvalidArgument(format!("{what} does not apply to table `{table}`"))
        };
        match self {
            Condition::Ready(p) => p
                .columns()
                .into_iter()
                .find(|c| !has(c))
                .map_or(Ok(()), |c| Err(missing(c))),
            Condition::Countries { label, column, .. } if !has(column) => {
                Err(Error::InvalidArgument(format!(
                    "{label} does not apply to table `{table}` (it has no `{column}` column)"
                )))
            }
            Condition::Countries { .. } => Ok(()),
            Condition::Involving { .. } if !has("reporter_id") => Err(not_for("involving")),
            Condition::Involving { .. } => Ok(()),
            Condition::Country { .. } => country_rule(table).map(|_| ()).ok_or(not_for("country")),
            Condition::InSelect {
                column,
                table: inner,
                select,
                conditions,
            } => {
                if !has(column) {
                    return Err(missing(column));
                }
                if inner.schema().field_with_name(select).is_err() {
                    return Err(Error::InvalidArgument(format!(
                        "table `{inner}` has no column `{select}`"
                    )));
                }
                conditions.iter().try_for_each(|c| c.check(*inner))
            }
            Condition::Any(conditions) => conditions.iter().try_for_each(|c| c.check(table)),
        }
    }

    /// The predicate, once countries are resolved and sub-queries read; `None` when a value
    /// failed (pushed to `failed`).
    fn build(&self, cx: &Context<'_>, failed: &mut Vec<Failed>) -> Result<Option<Predicate>> {
        Ok(match self {
            Condition::Ready(p) => Some(p.clone()),
            Condition::Countries {
                label,
                column,
                contains,
                values,
                year,
                soft,
            } => {
                let ids = if *soft {
                    cx.resolver.resolve_soft(cx.store, values)?
                } else {
                    match cx.resolve(label, values, *year, failed)? {
                        Some(ids) => ids,
                        None => return Ok(None),
                    }
                };
                Some(match contains {
                    true => Predicate::ListContains {
                        column: column.clone(),
                        values: ids,
                    },
                    false => Predicate::In {
                        column: column.clone(),
                        values: ids,
                    },
                })
            }
            Condition::Involving { values, year } => cx
                .resolve("involving", values, *year, failed)?
                .map(either_side),
            Condition::Country { values, year } => {
                let Some(ids) = cx.resolve("country", values, *year, failed)? else {
                    return Ok(None);
                };
                let rule = country_rule(cx.table).expect("checked to apply");
                Some(rule.predicate(cx.store, ids)?)
            }
            Condition::InSelect {
                column,
                table,
                select,
                conditions,
            } => {
                let inner = Context {
                    table: *table,
                    ..*cx
                };
                let Some(filter) = inner.filter(conditions, failed)? else {
                    return Ok(None);
                };
                let values: Vec<String> = column_values(cx.store, *table, select, filter)?;
                Some(Predicate::in_set(column, values))
            }
            Condition::Any(conditions) => {
                let mut any = Vec::with_capacity(conditions.len());
                for c in conditions {
                    any.extend(c.build(cx, failed)?);
                }
                (any.len() == conditions.len()).then_some(Predicate::Any(any))
            }
        })
    }
}

/// `reporter_id` or `partner_id` is one of `ids`.
fn either_side(ids: Vec<String>) -> Predicate {
    Predicate::Any(vec![
        Predicate::is_in("reporter_id", ids.clone()),
        Predicate::is_in("partner_id", ids),
    ])
}

/// How a table finds a country's rows.
enum CountryRule {
    /// Events at the country or with it among their actors.
    Events,
    /// Rows whose entity column is the country.
    Column(&'static str),
    /// Claims whose `about` list holds the country.
    About,
    /// Trade flows with the country on either side.
    EitherSide,
    /// Rows with the country in any of these lists (conflicts: location or a side).
    Lists(&'static [&'static str]),
}

/// The rule of `table`, `None` when the table holds no country's rows.
fn country_rule(table: Table) -> Option<CountryRule> {
    Some(match table {
        Table::Events => CountryRule::Events,
        Table::EventActors => CountryRule::Column("actor_ref"),
        Table::Claims => CountryRule::About,
        Table::TradeFlows => CountryRule::EitherSide,
        Table::Conflicts => CountryRule::Lists(crate::schema::CONFLICT_ENTITY_LISTS),
        _ if table.schema().field_with_name("entity_id").is_ok() => {
            CountryRule::Column("entity_id")
        }
        _ => return None,
    })
}

impl CountryRule {
    /// The predicate for the countries `ids`; events read `event_actors` once for the ids
    /// of the events the countries took part in.
    fn predicate(&self, store: &Store, ids: Vec<String>) -> Result<Predicate> {
        Ok(match self {
            CountryRule::Events => {
                let with_actors = crate::report::events::with_actors(store, &ids)?;
                Predicate::Any(vec![
                    Predicate::is_in("country_id", ids),
                    Predicate::in_set("event_id", with_actors),
                ])
            }
            CountryRule::Column(column) => Predicate::is_in(column, ids),
            CountryRule::About => Predicate::ListContains {
                column: "about".into(),
                values: ids,
            },
            CountryRule::EitherSide => either_side(ids),
            CountryRule::Lists(columns) => Predicate::Any(
                columns
                    .iter()
                    .map(|c| Predicate::ListContains {
                        column: c.to_string(),
                        values: ids.clone(),
                    })
                    .collect(),
            ),
        })
    }
}

/// What building a filter needs: the store, its resolver, the table asked.
#[derive(Clone, Copy)]
struct Context<'a> {
    store: &'a Store,
    resolver: &'a Resolver,
    table: Table,
    /// The day countries resolve on, before any condition's year.
    on: Option<chrono::NaiveDate>,
}

impl Context<'_> {
    /// The entity ids of `values`, or `None` with each failure pushed to `failed`.
    fn resolve(
        &self,
        label: &str,
        values: &[String],
        year: Option<i32>,
        failed: &mut Vec<Failed>,
    ) -> Result<Option<Vec<String>>> {
        let at = match self.on {
            Some(day) => Some(At::Day(day)),
            None => year.map(At::Year),
        };
        Ok(match self.resolver.resolve_at(self.store, values, at)? {
            Ok(ids) => Some(ids),
            Err(unresolved) => {
                for u in unresolved {
                    let f = Failed {
                        label: label.to_string(),
                        value: u.value,
                        reason: u.reason,
                    };
                    if !failed.contains(&f) {
                        failed.push(f);
                    }
                }
                None
            }
        })
    }

    /// The conjunction of `conditions`, `None` when a value failed.
    fn filter(&self, conditions: &[Condition], failed: &mut Vec<Failed>) -> Result<Option<Filter>> {
        let mut filter = Filter::all();
        let before = failed.len();
        for c in conditions {
            if let Some(p) = c.build(self, failed)? {
                filter = filter.and(p);
            }
        }
        Ok((failed.len() == before).then_some(filter))
    }
}

/// What is asked of one table: the conditions every row must meet and the columns to return.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The table.
    pub table: Table,
    /// All must hold.
    pub conditions: Vec<Condition>,
    /// Columns to return, in table order; `None` for all.
    pub columns: Option<Vec<String>>,
    /// The day every condition's countries resolve on, where a code changes holder within a
    /// year (`None`: each condition's year).
    pub on: Option<chrono::NaiveDate>,
}

impl Request {
    /// Every row and column of `table`.
    pub fn new(table: Table) -> Request {
        Request {
            table,
            conditions: Vec::new(),
            columns: None,
            on: None,
        }
    }

    /// Adds a condition.
    pub fn and(mut self, condition: Condition) -> Request {
        self.conditions.push(condition);
        self
    }

    /// The filter over the store's rows: countries resolved through `resolver`, sub-queries
    /// read. `Ok(Err(..))` lists every value (of every condition) that is not a country.
    ///
    /// Errors: [`Error::InvalidArgument`] for a condition on a column the table lacks, or one
    /// that does not apply to it; store read errors.
    pub fn filter(&self, store: &Store, resolver: &Resolver) -> Result<Outcome<Filter>> {
        self.conditions
            .iter()
            .try_for_each(|c| c.check(self.table))?;
        let cx = Context {
            store,
            resolver,
            table: self.table,
            on: self.on,
        };
        let mut failed = Vec::new();
        Ok(cx.filter(&self.conditions, &mut failed)?.ok_or(failed))
    }

    /// Reads the requested rows and columns.
    ///
    /// Errors: as [`Request::filter`], and [`check_columns`].
    pub fn read(&self, store: &Store, resolver: &Resolver) -> Result<Outcome<TableData>> {
        if let Some(columns) = &self.columns {
            check_columns(self.table, columns)?;
        }
        Ok(match self.filter(store, resolver)? {
            Ok(filter) => Ok(store.read(
                self.table,
                &ReadOptions {
                    filter,
                    columns: self.columns.clone(),
                },
            )?),
            Err(failed) => Err(failed),
        })
    }

    /// The distinct non-null values (as text, sorted) of `column` over the requested rows;
    /// only the columns needed are read.
    pub fn distinct(
        &self,
        store: &Store,
        resolver: &Resolver,
        column: &str,
    ) -> Result<Outcome<Vec<String>>> {
        check_columns(self.table, &[column.to_string()])?;
        Ok(match self.filter(store, resolver)? {
            Ok(filter) => {
                let values: BTreeSet<String> = column_values(store, self.table, column, filter)?;
                Ok(values.into_iter().collect())
            }
            Err(failed) => Err(failed),
        })
    }
}

/// Checks columns asked of `table`: each a column of it, none twice.
///
/// Errors: [`Error::InvalidArgument`] naming the column (and listing the table's columns).
pub fn check_columns(table: Table, columns: &[String]) -> Result<()> {
    let schema = table.schema();
    for (i, c) in columns.iter().enumerate() {
        if schema.field_with_name(c).is_err() {
            let valid: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            return Err(Error::InvalidArgument(format!(
                "table `{table}` has no column `{c}`; its columns are {}",
                valid.join(", ")
            )));
        }
        if columns[..i].contains(c) {
            return Err(Error::InvalidArgument(format!("`{c}` is listed twice")));
        }
    }
    Ok(())
}

/// The non-null values (as text) of `column` over the rows of `table` matching `filter`;
/// only that column (and the filter's) is read.
fn column_values<C: FromIterator<String>>(
    store: &Store,
    table: Table,
    column: &str,
    filter: Filter,
) -> Result<C> {
    let data = store.read(
        table,
        &ReadOptions {
            filter,
            columns: Some(vec![column.to_string()]),
        },
    )?;
    let mut texts = Vec::with_capacity(data.batches.len());
    for batch in &data.batches {
        texts.push(arrow_cast::cast(
            batch.column(0),
            &arrow_schema::DataType::Utf8,
        )?);
    }
    Ok(texts
        .iter()
        .flat_map(|t| t.as_string::<i32>().iter().flatten().map(String::from))
        .collect())
}
