//! Gathering a [`Report`] from a store, reading each table it needs once (the country's rows
//! only where the store can filter them).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::analytics::{self, CountryFlow, SeriesPoint};
use crate::model::{
    Claim, Entity, EntityType, Indicator, IndicatorObservation, Membership, Organisation,
    Perspective, Source, TradeFlow,
};
use crate::query::{Filter, Predicate};
use crate::schema::Table;
use crate::store::Store;
use crate::{Error, Result};

use super::{
    citations, conflicts, events, read, BalanceOrigin, BalanceSeries, Report, GDP, REMITTANCES,
    REMITTANCES_USD,
};

/// Gathers the report of `country` (any ISO form or prefixed code) comparing partners `pair`.
/// Codes resolve through the store's `entity_codes` (the bundled ones when it has none). When
/// the country is itself one of the pair (Russia's report with the default Russia/China),
/// the pair is the country's two main partners in the latest year with a world total.
///
/// Errors: [`Error::InvalidArgument`] naming a code that resolves to no entity, or a country
/// the store has no entity row for; store read errors as they come.
pub fn build(store: &Store, country: &str, pair: (&str, &str)) -> Result<Report> {
    // The crosswalk resolves the codes while the entities and sources are read.
    let (codes, (entities, all_sources)) = rayon::join(
        || store.code_index(),
        || rayon::join(|| store.records::<Entity>(), || store.records::<Source>()),
    );
    let codes = codes?;
    let resolve = |c: &str| -> Result<String> {
        codes
            .resolve_any(c, None)
            .map(String::from)
            .map_err(|e| Error::InvalidArgument(format!("{c}: {e}")))
    };
    let id = resolve(country)?;
    let (a, b) = (resolve(pair.0)?, resolve(pair.1)?);
    let entities = entities?;
    let entity = entities
        .iter()
        .find(|e| e.entity_id == id)
        .cloned()
        .ok_or_else(|| {
            Error::InvalidArgument(format!("{id} is not an entity of {}", store.display_name()))
        })?;
    let groups: BTreeSet<&str> = entities
        .iter()
        .filter(|e| {
            matches!(
                e.entity_type,
                EntityType::Aggregate | EntityType::ResidualNes
            )
        })
        .map(|e| e.entity_id.as_str())
        .collect();
    let all_sources: BTreeMap<String, Source> = all_sources?
        .into_iter()
        .map(|s| (s.source_id.clone(), s))
        .collect();
    let rows = CountryRows::read(store, &id)?;
    let is_dataset = |src: &str| {
        all_sources
            .get(src)
            .is_some_and(|s| s.csl_type == "dataset")
    };
    let flows = rows.flows;
    let reported: Vec<&TradeFlow> = flows.iter().filter(|f| f.reporter_id == id).collect();
    // A country's side of the rows read: for a partner, only the rows it reports (those
    // with the country as partner).
    let sides = |country: &str| -> (Vec<CountryFlow>, Vec<CountryFlow>) {
        let rows = flows
            .iter()
            .filter(|f| f.reporter_id == country || f.partner_id == country)
            .filter(|f| country == id || f.reporter_id == country);
        analytics::country_flows_of(rows, country)
            .into_iter()
            .filter(|f| !groups.contains(f.partner_id.as_str()))
            .partition(|f| is_dataset(&f.source_id))
    };
    let (dataset, restated) = sides(&id);
    let shares = analytics::partner_shares_from(&id, &dataset);
    let (a, b) = if a == id || b == id {
        main_partners(&shares).unwrap_or((a, b))
    } else {
        (a, b)
    };
    let mut balance = dataset_balance(&id, &a, &b, &dataset);
    let mut by_document: BTreeMap<String, Vec<CountryFlow>> = BTreeMap::new();
    for f in restated {
        by_document.entry(f.source_id.clone()).or_default().push(f);
    }
    for (doc, fs) in by_document {
        let rows = analytics::dependence_from(&id, &a, &b, &fs);
        if !rows.is_empty() {
            balance.push(BalanceSeries {
                origin: BalanceOrigin::Restated(doc),
                rows,
            });
        }
    }
    let mut mirror = Vec::new();
    for p in [&a, &b] {
        let (theirs, _) = sides(p);
        // Only their rows with the country as partner (the read holds no others of theirs).
        mirror.extend(analytics::mirror_from(&id, p, &dataset, &theirs));
    }
    let mut report = Report {
        entity,
        store_name: store.display_name(),
        memberships: rows.memberships,
        claims: rows.claims,
        shares,
        pair: (a, b),
        balance,
        mirror,
        indicators: rows.indicators,
        conflicts: rows.conflicts,
        events: rows.events,
        names: entities
            .into_iter()
            .map(|e| (e.entity_id, e.name))
            .collect(),
        sources: Vec::new(),
    };
    // Trade rows cite the works behind them too (the citation chain).
    citations::number_sources(&mut report, &reported, &all_sources);
    Ok(report)
}

/// The country's rows of every table the report shows besides the reference, the tables
/// read concurrently (`rayon::join`: each read also spreads its files over the same pool).
struct CountryRows {
    flows: Vec<TradeFlow>,
    memberships: Vec<(Membership, Option<Organisation>)>,
    claims: Vec<Claim>,
    indicators: Vec<(String, String, Vec<SeriesPoint>)>,
    conflicts: Vec<conflicts::ConflictSpan>,
    events: Vec<crate::model::Event>,
}

impl CountryRows {
    /// Reads the rows of country `id`.
    fn read(store: &Store, id: &str) -> Result<CountryRows> {
        let ((flows, indicators), ((memberships, claims), (conflicts, events))) = rayon::join(
            || rayon::join(|| trade_rows(store, id), || indicators(store, id)),
            || {
                rayon::join(
                    || rayon::join(|| memberships(store, id), || claims(store, id)),
                    || {
                        rayon::join(
                            || conflicts::of_country(store, id),
                            || events::of_country(store, id),
                        )
                    },
                )
            },
        );
        Ok(CountryRows {
            flows: flows?,
            memberships: memberships?,
            claims: claims?,
            indicators: indicators?,
            conflicts: conflicts?,
            events: events?,
        })
    }
}

/// The datasets' balance series: the country's own declarations first (always there, maybe
/// empty), then, when the store has any, the reconciled figures (BACI) apart, so a
/// reconciled year never reads as the country's declaration.
fn dataset_balance(id: &str, a: &str, b: &str, dataset: &[CountryFlow]) -> Vec<BalanceSeries> {
    let is_reconciled = |f: &CountryFlow| f.perspective == Perspective::Reconciled;
    if !dataset.iter().any(is_reconciled) {
        return vec![BalanceSeries {
            origin: BalanceOrigin::Reported,
            rows: analytics::dependence_from(id, a, b, dataset),
        }];
    }
    let (reconciled, reported): (Vec<CountryFlow>, Vec<CountryFlow>) =
        dataset.iter().cloned().partition(is_reconciled);
    let mut series = vec![BalanceSeries {
        origin: BalanceOrigin::Reported,
        rows: analytics::dependence_from(id, a, b, &reported),
    }];
    let rows = analytics::dependence_from(id, a, b, &reconciled);
    if !rows.is_empty() {
        series.push(BalanceSeries {
            origin: BalanceOrigin::Reconciled,
            rows,
        });
    }
    series
}

/// The two largest partners by total trade (exports + imports) in the latest year with a
/// world total, if there are two.
fn main_partners(shares: &[analytics::PartnerShare]) -> Option<(String, String)> {
    let year = shares
        .iter()
        .filter(|s| s.total_basis == "world_total")
        .map(|s| s.year)
        .max()?;
    let mut totals: BTreeMap<&str, f64> = BTreeMap::new();
    for s in shares.iter().filter(|s| s.year == year) {
        *totals.entry(&s.partner_id).or_default() += s.value;
    }
    let mut v: Vec<(&str, f64)> = totals.into_iter().collect();
    v.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
    match v.as_slice() {
        [x, y, ..] => Some((x.0.to_string(), y.0.to_string())),
        _ => None,
    }
}

/// The trade rows `id` reports or is the partner of, read once.
fn trade_rows(store: &Store, id: &str) -> Result<Vec<TradeFlow>> {
    let filter = Filter::all().and(Predicate::Any(vec![
        Predicate::is_in("reporter_id", [id]),
        Predicate::is_in("partner_id", [id]),
    ]));
    read(store, Table::TradeFlows, filter)
}

/// The country's memberships, each with its organisation when the store has it, by start
/// date (undated last).
fn memberships(store: &Store, id: &str) -> Result<Vec<(Membership, Option<Organisation>)>> {
    let orgs: HashMap<String, Organisation> = store
        .records::<Organisation>()?
        .into_iter()
        .map(|o| (o.org_id.clone(), o))
        .collect();
    let mut rows: Vec<Membership> = read(
        store,
        Table::Memberships,
        Filter::all().and(Predicate::is_in("entity_id", [id])),
    )?;
    rows.sort_by(|x, y| {
        (x.valid_from.is_none(), x.valid_from, &x.org_id).cmp(&(
            y.valid_from.is_none(),
            y.valid_from,
            &y.org_id,
        ))
    });
    Ok(rows
        .into_iter()
        .map(|m| {
            let o = orgs.get(&m.org_id).cloned();
            (m, o)
        })
        .collect())
}

/// The claims about the country (its id in `about`).
fn claims(store: &Store, id: &str) -> Result<Vec<Claim>> {
    let about = Predicate::ListContains {
        column: "about".into(),
        values: vec![id.to_string()],
    };
    read(store, Table::Claims, Filter::all().and(about))
}

/// The country's indicator series (id, name, points by year): remittances (% of GDP, US$)
/// and GDP first, then by id. Reads the country's observations once and the indicator
/// definitions once.
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
    let first = [REMITTANCES, REMITTANCES_USD, GDP];
    out.sort_by_key(|(ind, _, _)| {
        (
            first.iter().position(|f| f == ind).unwrap_or(first.len()),
            ind.clone(),
        )
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::Direction;

    fn flow(year: i16, dir: Direction, partner: &str, value: f64, p: Perspective) -> CountryFlow {
        let (code, source) = match p {
            Perspective::Reconciled => ("010121", "baci"),
            _ => ("TOTAL", "dots"),
        };
        CountryFlow {
            year,
            direction: dir,
            partner_id: partner.into(),
            commodity_code: code.into(),
            value,
            source_id: source.into(),
            perspective: p,
            cited_source_id: None,
        }
    }

    /// Both partners, both directions, in one year, from one perspective.
    fn year_of(year: i16, p: Perspective, values: [f64; 4]) -> Vec<CountryFlow> {
        use Direction::{Exports, Imports};
        vec![
            flow(year, Exports, "RUS", values[0], p),
            flow(year, Exports, "CHN", values[1], p),
            flow(year, Imports, "RUS", values[2], p),
            flow(year, Imports, "CHN", values[3], p),
        ]
    }

    #[test]
    fn reconciled_years_are_a_series_of_their_own_never_the_countrys_declaration() {
        let mut flows = year_of(
            2020,
            Perspective::ReporterDeclared,
            [41.0, 34.0, 932.0, 438.0],
        );
        flows.extend(year_of(
            2021,
            Perspective::Reconciled,
            [1.25, 0.25, 4.5, 0.5],
        ));
        let series = dataset_balance("TJK", "RUS", "CHN", &flows);
        assert_eq!(series.len(), 2);
        assert_eq!(series[0].origin, BalanceOrigin::Reported);
        assert_eq!(series[1].origin, BalanceOrigin::Reconciled);
        let years = |s: &BalanceSeries| s.rows.iter().map(|d| d.year).collect::<BTreeSet<_>>();
        assert_eq!(years(&series[0]), BTreeSet::from([2020]));
        assert_eq!(years(&series[1]), BTreeSet::from([2021]));
        let total = |s: &BalanceSeries| {
            let d = s.rows.iter().find(|d| d.measure == "total").unwrap();
            (d.value_a, d.value_b, d.source_ids.clone())
        };
        assert_eq!(total(&series[0]), (973.0, 472.0, vec!["dots".to_string()]));
        assert_eq!(total(&series[1]), (5.75, 0.75, vec!["baci".to_string()]));
    }

    #[test]
    fn without_reconciled_rows_there_is_one_dataset_series() {
        let flows = year_of(2020, Perspective::ReporterDeclared, [1.0, 2.0, 3.0, 4.0]);
        let series = dataset_balance("TJK", "RUS", "CHN", &flows);
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].origin, BalanceOrigin::Reported);
        assert_eq!(series[0].rows.len(), 3);
        // An empty store still has the (empty) declared series the view labels.
        let empty = dataset_balance("TJK", "RUS", "CHN", &[]);
        assert_eq!(empty.len(), 1);
        assert!(empty[0].rows.is_empty());
    }
}
