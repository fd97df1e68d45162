//! Gathering a [`Report`] from a store, reading each table it needs once (the country's rows
//! only where the store can filter them).

use std::collections::{BTreeMap, HashMap};

use crate::analytics::{self, SeriesPoint};
use crate::model::{
    Claim, Entity, Indicator, IndicatorObservation, Membership, Organisation, Source, TradeFlow,
};
use crate::query::{Filter, Predicate};
use crate::schema::Table;
use crate::store::Store;
use crate::{Error, Result};

use super::{citations, events, read, Report, REMITTANCES};

/// Gathers the report of `country` (any ISO form or prefixed code) comparing partners `pair`.
/// Codes resolve through the store's `entity_codes` (the bundled ones when it has none).
///
/// Errors: [`Error::InvalidArgument`] naming a code that resolves to no entity, or a country
/// the store has no entity row for; store read errors as they come.
pub fn build(store: &Store, country: &str, pair: (&str, &str)) -> Result<Report> {
    let codes = store.code_index()?;
    let resolve = |c: &str| -> Result<String> {
        codes
            .resolve_any(c, None)
            .map(String::from)
            .map_err(|e| Error::InvalidArgument(format!("{c}: {e}")))
    };
    let id = resolve(country)?;
    let (a, b) = (resolve(pair.0)?, resolve(pair.1)?);
    let entities: Vec<Entity> = store.records()?;
    let entity = entities
        .iter()
        .find(|e| e.entity_id == id)
        .cloned()
        .ok_or_else(|| {
            Error::InvalidArgument(format!("{id} is not an entity of {}", store.display_name()))
        })?;
    let flows = trade_rows(store, &id)?;
    let reported: Vec<TradeFlow> = flows
        .iter()
        .filter(|f| f.reporter_id == id)
        .cloned()
        .collect();
    let country_flows = analytics::country_flows_from(flows, &id);
    let mut report = Report {
        entity,
        store_name: store.display_name(),
        memberships: memberships(store, &id)?,
        claims: claims(store, &id)?,
        shares: analytics::partner_shares_from(&id, &country_flows),
        dependence: analytics::dependence_from(&id, &a, &b, &country_flows),
        pair: (a, b),
        indicators: indicators(store, &id)?,
        events: events::of_country(store, &id)?,
        names: entities
            .into_iter()
            .map(|e| (e.entity_id, e.name))
            .collect(),
        sources: Vec::new(),
    };
    let all_sources: BTreeMap<String, Source> = store
        .records::<Source>()?
        .into_iter()
        .map(|s| (s.source_id.clone(), s))
        .collect();
    // Trade rows cite the works behind them too (the citation chain).
    citations::number_sources(&mut report, &reported, &all_sources);
    Ok(report)
}

/// The trade rows `id` reports or is the partner of, read once.
fn trade_rows(store: &Store, id: &str) -> Result<Vec<TradeFlow>> {
    let filter = Filter::all().and(Predicate::Any(vec![
        Predicate::is_in("reporter_id", [id]),
        Predicate::is_in("partner_id", [id]),
    ]));
    read(store, Table::TradeFlows, filter)
}

/// The country's memberships, each with its organisation when the store has it.
fn memberships(store: &Store, id: &str) -> Result<Vec<(Membership, Option<Organisation>)>> {
    let orgs: HashMap<String, Organisation> = store
        .records::<Organisation>()?
        .into_iter()
        .map(|o| (o.org_id.clone(), o))
        .collect();
    let rows: Vec<Membership> = read(
        store,
        Table::Memberships,
        Filter::all().and(Predicate::is_in("entity_id", [id])),
    )?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let o = orgs.get(&m.org_id).cloned();
            (m, o)
        })
        .collect())
}

/// The claims about the country.
fn claims(store: &Store, id: &str) -> Result<Vec<Claim>> {
    let all: Vec<Claim> = store.records()?;
    Ok(all
        .into_iter()
        .filter(|c| c.about.iter().any(|a| a == id))
        .collect())
}

/// The country's indicator series (id, name, points by year): remittances first, then by id.
/// Reads the country's observations once and the indicator definitions once.
fn indicators(store: &Store, id: &str) -> Result<Vec<(String, String, Vec<SeriesPoint>)>> {
    let obs: Vec<IndicatorObservation> = read(
        store,
        Table::IndicatorObservations,
        Filter::all().and(Predicate::is_in("entity_id", [id])),
    )?;
    let mut by_indicator: BTreeMap<String, Vec<IndicatorObservation>> = BTreeMap::new();
    for o in obs {
        by_indicator
            .entry(o.indicator_id.clone())
            .or_default()
            .push(o);
    }
    let names: HashMap<String, String> = store
        .records::<Indicator>()?
        .into_iter()
        .map(|d| (d.indicator_id, d.name))
        .collect();
    let mut out: Vec<_> = by_indicator
        .into_iter()
        .map(|(ind, obs)| {
            let name = names.get(&ind).cloned().unwrap_or_else(|| ind.clone());
            (ind, name, analytics::series_from(obs))
        })
        .collect();
    out.sort_by_key(|(ind, _, _)| (ind != REMITTANCES, ind.clone()));
    Ok(out)
}
