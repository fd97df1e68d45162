//! Trade-dependence analytics over a store: partner shares, concentration (HHI), the
//! dependence ratio between two partners, mirror comparisons and indicator series. Every result
//! row carries the ids of the sources it was computed from.
//!
//! A country's trade is read from both kinds of rows a store holds: rows it reports (or that
//! a source reports for it), and reconciled rows (BACI) in which it is the partner — an
//! exporter's reconciled export to it is its import. Rows for the world (`WLD`) give totals;
//! where a year has none, shares are of the partners recorded, and `total_basis` says so.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::model::{Flow, Perspective, TradeFlow};
use crate::query::{Filter, Predicate};
use crate::schema::Table;
use crate::store::{ReadOptions, Store};
use crate::Result;

/// Entity id of the world, used for partner totals.
pub const WORLD: &str = "WLD";

/// Direction of a country's trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Goods the country sells.
    Exports,
    /// Goods the country buys.
    Imports,
}

impl Direction {
    /// `exports` or `imports`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Exports => "exports",
            Direction::Imports => "imports",
        }
    }
}

/// One trade figure seen from a country.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryFlow {
    /// Year.
    pub year: i16,
    /// Direction, from the country's side.
    pub direction: Direction,
    /// The other country (or `WLD`).
    pub partner_id: String,
    /// Product code (`TOTAL` for all products).
    pub commodity_code: String,
    /// Value in USD.
    pub value: f64,
    /// Source of the row.
    pub source_id: String,
    /// Perspective of the row.
    pub perspective: Perspective,
    /// The work the row's source cites for it.
    pub cited_source_id: Option<String>,
}

/// Reads every flow in which `country` takes part, from the country's side. Only exports and
/// imports count (re-exports are a subset of exports and would double count).
pub fn country_flows(
    store: &Store,
    country: &str,
    years: Option<(i64, i64)>,
) -> Result<Vec<CountryFlow>> {
    let mut filter = Filter::all().and(Predicate::Any(vec![
        Predicate::is_in("reporter_id", [country]),
        Predicate::is_in("partner_id", [country]),
    ]));
    if let Some((a, b)) = years {
        filter = filter.and(Predicate::range("year", Some(a), Some(b)));
    }
    let data = store.read(
        Table::TradeFlows,
        &ReadOptions {
            filter,
            columns: None,
        },
    )?;
    let rows: Vec<TradeFlow> = crate::record::from_batches(&data.batches)?;
    let groups = partner_groups(store)?;
    Ok(country_flows_from(rows, country)
        .into_iter()
        .filter(|f| !groups.contains(&f.partner_id))
        .collect())
}

/// The entity ids that are groups of countries rather than a partner (aggregates such as
/// "Advanced Economies", and residual "not specified" areas): they are part of the world
/// total but no partner's share, and would double count in a concentration index.
pub fn partner_groups(store: &Store) -> Result<BTreeSet<String>> {
    use crate::model::{Entity, EntityType};
    Ok(store
        .records::<Entity>()?
        .into_iter()
        .filter(|e| {
            matches!(
                e.entity_type,
                EntityType::Aggregate | EntityType::ResidualNes
            )
        })
        .map(|e| e.entity_id)
        .collect())
}

/// The flows among `rows` in which `country` takes part, from the country's side (as
/// [`country_flows`] reads them, for rows already read).
pub fn country_flows_from(rows: Vec<TradeFlow>, country: &str) -> Vec<CountryFlow> {
    rows.into_iter()
        .filter_map(|r| {
            let (direction, value, flipped) = country_side(&r, country)?;
            Some(CountryFlow {
                year: r.year,
                direction,
                partner_id: if flipped { r.reporter_id } else { r.partner_id },
                commodity_code: r.commodity_code,
                value,
                source_id: r.source_id,
                perspective: r.perspective,
                cited_source_id: r.cited_source_id,
            })
        })
        .collect()
}

/// [`country_flows_from`] over borrowed rows: only the fields a [`CountryFlow`] keeps are
/// copied.
pub fn country_flows_of<'a>(
    rows: impl IntoIterator<Item = &'a TradeFlow>,
    country: &str,
) -> Vec<CountryFlow> {
    rows.into_iter()
        .filter_map(|r| {
            let (direction, value, flipped) = country_side(r, country)?;
            Some(CountryFlow {
                year: r.year,
                direction,
                partner_id: if flipped {
                    &r.reporter_id
                } else {
                    &r.partner_id
                }
                .clone(),
                commodity_code: r.commodity_code.clone(),
                value,
                source_id: r.source_id.clone(),
                perspective: r.perspective,
                cited_source_id: r.cited_source_id.clone(),
            })
        })
        .collect()
}

/// How row `r` counts for `country`: (direction from its side, value, whether its partner is
/// the row's reporter), or `None` when it does not (no value, a re-export or re-import, or
/// another reporter's row that is not reconciled).
fn country_side(r: &TradeFlow, country: &str) -> Option<(Direction, f64, bool)> {
    let value = r.value?;
    let dir = match r.flow {
        Flow::Export => Direction::Exports,
        Flow::Import => Direction::Imports,
        Flow::ReExport | Flow::ReImport => return None,
    };
    if r.reporter_id == country {
        Some((dir, value, false))
    } else if r.perspective == Perspective::Reconciled {
        // A reconciled export to the country is its import (and vice versa).
        let flipped = match dir {
            Direction::Exports => Direction::Imports,
            Direction::Imports => Direction::Exports,
        };
        Some((flipped, value, true))
    } else {
        None
    }
}

/// Trade with each partner (value and the sources behind it), per year and direction.
type PartnerTotals = BTreeMap<(i16, Direction), BTreeMap<String, (f64, BTreeSet<String>)>>;

/// The source each (year, direction, partner) is read from when several sources give it
/// (so two publications of the same flow are never added up): the one with a world total
/// for that year and direction, then the one with the most partner rows, then the smallest
/// id.
fn chosen_sources<'a>(flows: &'a [CountryFlow]) -> HashMap<(i16, Direction, &'a str), &'a str> {
    // (has a world row, partner rows) per (year, direction, source).
    let mut stats: HashMap<(i16, Direction, &'a str), (bool, usize)> = HashMap::new();
    for f in flows {
        let e = stats
            .entry((f.year, f.direction, f.source_id.as_str()))
            .or_default();
        e.0 |= f.partner_id == WORLD;
        e.1 += 1;
    }
    let rank = |year: i16, dir: Direction, src: &'a str| {
        let (world, n) = stats[&(year, dir, src)];
        (world, n, std::cmp::Reverse(src))
    };
    let mut out: HashMap<(i16, Direction, &'a str), &'a str> = HashMap::new();
    for f in flows {
        let key = (f.year, f.direction, f.partner_id.as_str());
        let better = out.get(&key).is_none_or(|src| {
            rank(f.year, f.direction, &f.source_id) > rank(f.year, f.direction, src)
        });
        if better {
            out.insert(key, f.source_id.as_str());
        }
    }
    out
}

/// Sums flows by (year, direction, partner), using `TOTAL` rows where a year and direction
/// has them and otherwise the sum over products, each partner's figure from one source
/// ([`chosen_sources`]).
fn partner_totals(flows: &[CountryFlow]) -> PartnerTotals {
    let has_total: HashSet<(i16, Direction)> = flows
        .iter()
        .filter(|f| f.commodity_code == "TOTAL")
        .map(|f| (f.year, f.direction))
        .collect();
    let chosen = chosen_sources(flows);
    let mut out = PartnerTotals::new();
    for f in flows {
        let key = (f.year, f.direction);
        if has_total.contains(&key) != (f.commodity_code == "TOTAL") {
            continue;
        }
        if chosen
            .get(&(f.year, f.direction, f.partner_id.as_str()))
            .is_some_and(|s| *s != f.source_id)
        {
            continue;
        }
        let partners = out.entry(key).or_default();
        if !partners.contains_key(&f.partner_id) {
            partners.insert(f.partner_id.clone(), Default::default());
        }
        let e = partners.get_mut(&f.partner_id).expect("inserted above");
        e.0 += f.value;
        for id in std::iter::once(&f.source_id).chain(&f.cited_source_id) {
            if !e.1.contains(id) {
                e.1.insert(id.clone());
            }
        }
    }
    out
}

/// A partner's share of a country's exports or imports in a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerShare {
    /// The country.
    pub country_id: String,
    /// Year.
    pub year: i16,
    /// `exports` or `imports`.
    pub direction: String,
    /// The partner.
    pub partner_id: String,
    /// Trade with the partner, USD.
    pub value: f64,
    /// The total the share is of, USD.
    pub total: f64,
    /// `world_total` (a row for the world) or `recorded_partners` (sum of the partners the
    /// store records: a share among them, not of all trade).
    pub total_basis: String,
    /// value / total.
    pub share: f64,
    /// Sources the figure was computed from.
    pub source_ids: Vec<String>,
}

/// Partner shares of a country's exports and imports, by year, largest first.
pub fn partner_shares(
    store: &Store,
    country: &str,
    years: Option<(i64, i64)>,
) -> Result<Vec<PartnerShare>> {
    Ok(partner_shares_from(
        country,
        &country_flows(store, country, years)?,
    ))
}

/// Partner shares computed from a country's flows (from [`country_flows`]).
pub fn partner_shares_from(country: &str, flows: &[CountryFlow]) -> Vec<PartnerShare> {
    let mut out = Vec::new();
    for ((year, dir), partners) in partner_totals(flows) {
        let world = partners.get(WORLD).map(|(v, s)| (*v, s.clone()));
        let recorded: f64 = partners
            .iter()
            .filter(|(p, _)| *p != WORLD)
            .map(|(_, (v, _))| v)
            .sum();
        let (total, basis) = match &world {
            Some((v, _)) => (*v, "world_total"),
            None => (recorded, "recorded_partners"),
        };
        let mut rows: Vec<PartnerShare> = partners
            .iter()
            .filter(|(p, _)| *p != WORLD)
            .map(|(p, (v, sources))| {
                let mut ids: BTreeSet<String> = sources.clone();
                if let Some((_, ws)) = &world {
                    ids.extend(ws.iter().cloned());
                }
                PartnerShare {
                    country_id: country.to_string(),
                    year,
                    direction: dir.as_str().to_string(),
                    partner_id: p.clone(),
                    value: *v,
                    total,
                    total_basis: basis.to_string(),
                    share: if total > 0.0 { v / total } else { 0.0 },
                    source_ids: ids.into_iter().collect(),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            b.value
                .total_cmp(&a.value)
                .then(a.partner_id.cmp(&b.partner_id))
        });
        out.extend(rows);
    }
    out
}

/// Herfindahl-Hirschman index of a country's partners or products in a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Concentration {
    /// The country.
    pub country_id: String,
    /// Year.
    pub year: i16,
    /// `exports` or `imports`.
    pub direction: String,
    /// `partners` or `products`.
    pub over: String,
    /// Sum of squared shares, 0 to 10000.
    pub hhi: f64,
    /// Number of partners or products.
    pub count: i64,
    /// Total the shares are of, USD.
    pub total: f64,
    /// Sources the figure was computed from.
    pub source_ids: Vec<String>,
}

/// HHI (0-10000) over partners or over products. Product concentration needs product-level
/// rows (e.g. BACI); years with only totals are left out.
pub fn concentration(
    store: &Store,
    country: &str,
    over_products: bool,
    years: Option<(i64, i64)>,
) -> Result<Vec<Concentration>> {
    let flows = country_flows(store, country, years)?;
    let mut groups: BTreeMap<(i16, Direction), BTreeMap<String, f64>> = BTreeMap::new();
    let mut sources: BTreeMap<(i16, Direction), BTreeSet<String>> = BTreeMap::new();
    if over_products {
        for f in flows
            .iter()
            .filter(|f| f.commodity_code != "TOTAL" && f.partner_id != WORLD)
        {
            *groups
                .entry((f.year, f.direction))
                .or_default()
                .entry(f.commodity_code.clone())
                .or_default() += f.value;
            sources
                .entry((f.year, f.direction))
                .or_default()
                .insert(f.source_id.clone());
        }
    } else {
        for ((y, d), partners) in partner_totals(&flows) {
            for (p, (v, s)) in partners {
                if p != WORLD {
                    groups.entry((y, d)).or_default().insert(p, v);
                    sources.entry((y, d)).or_default().extend(s);
                }
            }
        }
    }
    Ok(groups
        .into_iter()
        .map(|((year, dir), values)| {
            let total: f64 = values.values().sum();
            let hhi = if total > 0.0 {
                values.values().map(|v| (v / total * 100.0).powi(2)).sum()
            } else {
                0.0
            };
            Concentration {
                country_id: country.to_string(),
                year,
                direction: dir.as_str().to_string(),
                over: if over_products {
                    "products"
                } else {
                    "partners"
                }
                .to_string(),
                hhi,
                count: values.len() as i64,
                total,
                source_ids: sources
                    .remove(&(year, dir))
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
            }
        })
        .collect())
}

/// How a country's trade with partner A compares with partner B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dependence {
    /// The country.
    pub country_id: String,
    /// Year.
    pub year: i16,
    /// `exports`, `imports` or `total`.
    pub measure: String,
    /// Partner A.
    pub partner_a: String,
    /// Partner B.
    pub partner_b: String,
    /// Trade with A, USD.
    pub value_a: f64,
    /// Trade with B, USD.
    pub value_b: f64,
    /// value_a / value_b (null when B is zero).
    pub ratio: Option<f64>,
    /// The partner with the larger value.
    pub leans_toward: String,
    /// Sources the figures were computed from.
    pub source_ids: Vec<String>,
}

/// The dependence ratio between two partners on exports, imports and total trade, by year
/// (years where both partners are recorded).
pub fn dependence(
    store: &Store,
    country: &str,
    a: &str,
    b: &str,
    years: Option<(i64, i64)>,
) -> Result<Vec<Dependence>> {
    Ok(dependence_from(
        country,
        a,
        b,
        &country_flows(store, country, years)?,
    ))
}

/// The dependence rows computed from a country's flows (from [`country_flows`]).
pub fn dependence_from(country: &str, a: &str, b: &str, flows: &[CountryFlow]) -> Vec<Dependence> {
    let totals = partner_totals(flows);
    let year_set: BTreeSet<i16> = totals.keys().map(|(y, _)| *y).collect();
    let mut out = Vec::new();
    for year in year_set {
        let get = |d: Direction, p: &str| totals.get(&(year, d)).and_then(|m| m.get(p)).cloned();
        let mut rows = Vec::new();
        for d in [Direction::Exports, Direction::Imports] {
            if let (Some(va), Some(vb)) = (get(d, a), get(d, b)) {
                rows.push((d.as_str(), va, vb));
            }
        }
        if rows.len() == 2 {
            let (ea, eb) = (&rows[0].1, &rows[0].2);
            let (ia, ib) = (&rows[1].1, &rows[1].2);
            let mut sa = ea.1.clone();
            sa.extend(ia.1.iter().cloned());
            let mut sb = eb.1.clone();
            sb.extend(ib.1.iter().cloned());
            rows.push(("total", (ea.0 + ia.0, sa), (eb.0 + ib.0, sb)));
        }
        for (measure, (va, sa), (vb, sb)) in rows {
            let mut ids: BTreeSet<String> = sa;
            ids.extend(sb);
            out.push(Dependence {
                country_id: country.to_string(),
                year,
                measure: measure.to_string(),
                partner_a: a.to_string(),
                partner_b: b.to_string(),
                value_a: va,
                value_b: vb,
                ratio: (vb > 0.0).then(|| va / vb),
                leans_toward: if va >= vb { a } else { b }.to_string(),
                source_ids: ids.into_iter().collect(),
            });
        }
    }
    out
}

/// What A reports exporting to B against what B reports importing from A.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mirror {
    /// Year.
    pub year: i16,
    /// The exporter A.
    pub exporter_id: String,
    /// The importer B.
    pub importer_id: String,
    /// A's declared exports to B (FOB), USD.
    pub exports_declared: Option<f64>,
    /// B's declared imports from A (usually CIF), USD.
    pub imports_declared: Option<f64>,
    /// imports - exports.
    pub gap: Option<f64>,
    /// imports / exports.
    pub ratio: Option<f64>,
    /// How to read the gap.
    pub note: String,
    /// Sources of both sides.
    pub source_ids: Vec<String>,
}

/// Mirror comparison of declared flows between two countries, by year and direction.
pub fn mirror(store: &Store, a: &str, b: &str, years: Option<(i64, i64)>) -> Result<Vec<Mirror>> {
    let flows = country_flows(store, a, years)?;
    let theirs = country_flows(store, b, years)?;
    Ok(mirror_from(a, b, &flows, &theirs))
}

/// The mirror rows computed from `a`'s flows and `b`'s flows (each from [`country_flows`];
/// only `TOTAL` rows each country declares itself count).
pub fn mirror_from(a: &str, b: &str, flows: &[CountryFlow], theirs: &[CountryFlow]) -> Vec<Mirror> {
    let (ours, their_totals) = (declared_totals(flows), declared_totals(theirs));
    let declared = |fs: &DeclaredTotals<'_>,
                    partner: &str,
                    dir: Direction,
                    year: i16|
     -> Option<(f64, BTreeSet<String>)> {
        fs.get(&(partner, dir, year)).map(|rows| {
            (
                rows.iter().map(|f| f.value).sum(),
                rows.iter().map(|f| f.source_id.clone()).collect(),
            )
        })
    };
    let years: BTreeSet<i16> = flows.iter().chain(theirs.iter()).map(|f| f.year).collect();
    let mut out = Vec::new();
    for year in years {
        for (exp, imp, exp_flows, imp_flows) in
            [(a, b, &ours, &their_totals), (b, a, &their_totals, &ours)]
        {
            let x = declared(exp_flows, imp, Direction::Exports, year);
            let m = declared(imp_flows, exp, Direction::Imports, year);
            if x.is_none() && m.is_none() {
                continue;
            }
            let mut ids = BTreeSet::new();
            for s in [&x, &m].into_iter().flatten() {
                ids.extend(s.1.iter().cloned());
            }
            let (xv, mv) = (x.map(|v| v.0), m.map(|v| v.0));
            out.push(Mirror {
                year,
                exporter_id: exp.to_string(),
                importer_id: imp.to_string(),
                exports_declared: xv,
                imports_declared: mv,
                gap: xv.zip(mv).map(|(x, m)| m - x),
                ratio: xv.zip(mv).and_then(|(x, m)| (x > 0.0).then(|| m / x)),
                note: "exports are declared FOB and imports usually CIF (freight and insurance included), so imports are expected to exceed the mirror exports by that margin".to_string(),
                source_ids: ids.into_iter().collect(),
            });
        }
    }
    out
}

/// A country's declared `TOTAL` rows by (partner, direction, year), each key's rows in order.
type DeclaredTotals<'a> = HashMap<(&'a str, Direction, i16), Vec<&'a CountryFlow>>;

/// The rows of `flows` its country declares itself (`reporter_declared`) for all products,
/// grouped for [`mirror_from`]'s look-ups.
fn declared_totals(flows: &[CountryFlow]) -> DeclaredTotals<'_> {
    let mut out = DeclaredTotals::new();
    for f in flows {
        if f.perspective == Perspective::ReporterDeclared && f.commodity_code == "TOTAL" {
            out.entry((f.partner_id.as_str(), f.direction, f.year))
                .or_default()
                .push(f);
        }
    }
    out
}

/// One value of an indicator series, with its sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// The indicator.
    pub indicator_id: String,
    /// The entity.
    pub entity_id: String,
    /// Year.
    pub year: i16,
    /// Value.
    pub value: f64,
    /// Sources.
    pub source_ids: Vec<String>,
}

/// The stored id of an indicator given as stored (`wdi:BX.TRF.PWKR.DT.GD.ZS`) or as its bare
/// World Bank code (`BX.TRF.PWKR.DT.GD.ZS`, any case): ids without a scheme prefix are WDI's.
pub fn indicator_id(indicator: &str) -> String {
    if indicator.contains(':') {
        indicator.to_string()
    } else {
        format!("wdi:{}", indicator.to_ascii_uppercase())
    }
}

/// An indicator's values for a country, by year (the indicator as stored or as its bare WDI
/// code, see [`indicator_id`]). Several sources may give the same year: each is a point.
pub fn indicator_series(store: &Store, indicator: &str, country: &str) -> Result<Vec<SeriesPoint>> {
    let filter = Filter::all()
        .and(Predicate::is_in("indicator_id", [indicator_id(indicator)]))
        .and(Predicate::is_in("entity_id", [country]));
    let data = store.read(
        Table::IndicatorObservations,
        &ReadOptions {
            filter,
            columns: None,
        },
    )?;
    let obs: Vec<crate::model::IndicatorObservation> = crate::record::from_batches(&data.batches)?;
    Ok(series_from(obs))
}

/// Observations (of one indicator and one country) as a series, by year.
pub fn series_from(obs: Vec<crate::model::IndicatorObservation>) -> Vec<SeriesPoint> {
    let mut out: Vec<SeriesPoint> = obs
        .into_iter()
        .map(|o| SeriesPoint {
            indicator_id: o.indicator_id,
            entity_id: o.entity_id,
            year: o.year,
            value: o.value,
            source_ids: vec![o.source_id],
        })
        .collect();
    out.sort_by(|a, b| (a.year, &a.source_ids).cmp(&(b.year, &b.source_ids)));
    out
}

/// Converts analytic rows to an Arrow batch (schema traced from the type; strings `Utf8` and
/// sequences `List`, as in the stored tables, so readers of those read these too).
pub fn to_batch<T: Serialize + for<'de> Deserialize<'de>>(
    rows: &[T],
) -> Result<arrow_array::RecordBatch> {
    use serde_arrow::schema::{SchemaLike, TracingOptions};
    let fields = Vec::<arrow_schema::FieldRef>::from_type::<T>(
        TracingOptions::default()
            .allow_null_fields(true)
            .strings_as_large_utf8(false)
            .sequence_as_large_list(false),
    )?;
    Ok(serde_arrow::to_record_batch(&fields, &rows)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    #[allow(clippy::too_many_arguments)]
    fn flow(
        year: i16,
        r: &str,
        p: &str,
        f: Flow,
        persp: Perspective,
        code: &str,
        v: f64,
        src: &str,
    ) -> TradeFlow {
        TradeFlow {
            year,
            month: None,
            reporter_id: r.into(),
            partner_id: p.into(),
            flow: f,
            perspective: persp,
            classification: if code == "TOTAL" {
                "TOTAL".into()
            } else {
                "HS92".into()
            },
            commodity_code: code.into(),
            value: Some(v),
            currency: "USD".into(),
            price_basis: PriceBasis::Unknown,
            value_precision: None,
            quantity: None,
            quantity_unit: None,
            is_estimated: false,
            source_id: src.into(),
            source_locator: None,
            source_line: None,
            cited_source_id: None,
            derivation: Derivation::AsPublished,
        }
    }

    fn store(flows: &[TradeFlow]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open_or_create(dir.path()).unwrap();
        let mut tx = s.begin().unwrap();
        tx.write_records(flows).unwrap();
        tx.commit().unwrap();
        let s = Store::open(dir.path()).unwrap();
        (dir, s)
    }

    use Flow::*;
    use Perspective::*;

    #[test]
    fn shares_hhi_and_dependence_by_hand() {
        // TJK declares totals for 2023; BACI-style reconciled product rows for 2022.
        let (_d, s) = store(&[
            flow(
                2023,
                "TJK",
                "RUS",
                Export,
                ReporterDeclared,
                "TOTAL",
                100.0,
                "a",
            ),
            flow(
                2023,
                "TJK",
                "CHN",
                Export,
                ReporterDeclared,
                "TOTAL",
                300.0,
                "a",
            ),
            flow(
                2023,
                "TJK",
                "RUS",
                Import,
                ReporterDeclared,
                "TOTAL",
                600.0,
                "a",
            ),
            flow(
                2023,
                "TJK",
                "CHN",
                Import,
                ReporterDeclared,
                "TOTAL",
                200.0,
                "a",
            ),
            flow(
                2023,
                "TJK",
                "WLD",
                Import,
                ReporterDeclared,
                "TOTAL",
                1000.0,
                "w",
            ),
            flow(
                2022, "TJK", "RUS", Export, Reconciled, "010121", 30.0, "baci",
            ),
            flow(
                2022, "TJK", "RUS", Export, Reconciled, "260800", 10.0, "baci",
            ),
            flow(
                2022, "TJK", "CHN", Export, Reconciled, "260800", 60.0, "baci",
            ),
            flow(
                2022, "CHN", "TJK", Export, Reconciled, "850000", 50.0, "baci",
            ),
            flow(
                2022, "RUS", "TJK", Export, Reconciled, "100000", 150.0, "baci",
            ),
            flow(
                2022, "RUS", "KAZ", Export, Reconciled, "100000", 999.0, "baci",
            ),
        ]);
        let shares = partner_shares(&s, "TJK", None).unwrap();
        let find = |y: i16, d: &str, p: &str| {
            shares
                .iter()
                .find(|r| r.year == y && r.direction == d && r.partner_id == p)
                .unwrap()
        };
        // 2023 exports: no world row, so shares among recorded partners: 100/400, 300/400.
        assert_eq!(find(2023, "exports", "CHN").share, 0.75);
        assert_eq!(
            find(2023, "exports", "CHN").total_basis,
            "recorded_partners"
        );
        // 2023 imports: the world row is the total: 600/1000.
        assert_eq!(find(2023, "imports", "RUS").share, 0.6);
        assert_eq!(find(2023, "imports", "RUS").source_ids, vec!["a", "w"]);
        // 2022 from reconciled rows: exports RUS 40, CHN 60; imports (partners' exports) RUS 150, CHN 50.
        assert_eq!(find(2022, "exports", "RUS").value, 40.0);
        assert_eq!(find(2022, "imports", "RUS").value, 150.0);
        assert_eq!(find(2022, "imports", "CHN").share, 0.25);
        assert!(shares.iter().all(|r| r.partner_id != "KAZ"));

        let hhi = concentration(&s, "TJK", false, Some((2022, 2022))).unwrap();
        let exp = hhi.iter().find(|h| h.direction == "exports").unwrap();
        assert!((exp.hhi - (40.0f64.powi(2) + 60.0f64.powi(2))).abs() < 1e-9); // 5200
        let products = concentration(&s, "TJK", true, Some((2022, 2022))).unwrap();
        let exp = products.iter().find(|h| h.direction == "exports").unwrap();
        // Products: 010121 30, 260800 70 of 100 -> 900 + 4900.
        assert!((exp.hhi - 5800.0).abs() < 1e-9, "{}", exp.hhi);
        assert_eq!(exp.count, 2);

        let dep = dependence(&s, "TJK", "RUS", "CHN", Some((2023, 2023))).unwrap();
        let m = |k: &str| dep.iter().find(|r| r.measure == k).unwrap();
        assert_eq!(m("exports").ratio, Some(100.0 / 300.0));
        assert_eq!(m("imports").ratio, Some(3.0));
        assert_eq!(m("total").value_a, 700.0);
        assert_eq!(m("total").value_b, 500.0);
        assert_eq!(m("total").leans_toward, "RUS");
        assert_eq!(m("exports").leans_toward, "CHN");
    }

    #[test]
    fn a_flow_two_sources_give_is_counted_once_and_bare_wdi_codes_resolve() {
        // The dataset (with a world total) and an article restating the same 2020 flow.
        let (_d, s) = store(&[
            flow(
                2020,
                "TJK",
                "RUS",
                Export,
                ReporterDeclared,
                "TOTAL",
                40.0,
                "imf",
            ),
            flow(
                2020,
                "TJK",
                "CHN",
                Export,
                ReporterDeclared,
                "TOTAL",
                60.0,
                "imf",
            ),
            flow(
                2020,
                "TJK",
                "WLD",
                Export,
                ReporterDeclared,
                "TOTAL",
                200.0,
                "imf",
            ),
            flow(
                2020,
                "TJK",
                "RUS",
                Export,
                ReporterDeclared,
                "TOTAL",
                45.0,
                "article",
            ),
        ]);
        let shares = partner_shares(&s, "TJK", None).unwrap();
        let ru = shares.iter().find(|r| r.partner_id == "RUS").unwrap();
        assert_eq!((ru.value, ru.share), (40.0, 0.2));
        assert_eq!(ru.source_ids, vec!["imf"]);
        let hhi = concentration(&s, "TJK", false, None).unwrap();
        assert!((hhi[0].hhi - (40.0f64.powi(2) + 60.0f64.powi(2))).abs() < 1e-9);
        assert_eq!(
            indicator_id("BX.TRF.PWKR.DT.GD.ZS"),
            "wdi:BX.TRF.PWKR.DT.GD.ZS"
        );
        assert_eq!(indicator_id("bx.trf.pwkr.cd.dt"), "wdi:BX.TRF.PWKR.CD.DT");
        assert_eq!(indicator_id("wdi:NY.GDP.MKTP.CD"), "wdi:NY.GDP.MKTP.CD");
    }

    #[test]
    fn mirror_compares_declarations() {
        let (_d, s) = store(&[
            flow(
                2023,
                "TJK",
                "RUS",
                Export,
                ReporterDeclared,
                "TOTAL",
                100.0,
                "tj",
            ),
            flow(
                2023,
                "RUS",
                "TJK",
                Import,
                ReporterDeclared,
                "TOTAL",
                110.0,
                "ru",
            ),
        ]);
        let m = mirror(&s, "TJK", "RUS", None).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].exporter_id, "TJK");
        assert_eq!(m[0].gap, Some(10.0));
        assert_eq!(m[0].ratio, Some(1.1));
        assert_eq!(m[0].source_ids, vec!["ru", "tj"]);
        let batch = to_batch(&m).unwrap();
        assert_eq!(batch.num_rows(), 1);
        let ids = batch
            .schema()
            .field_with_name("source_ids")
            .unwrap()
            .clone();
        assert!(
            matches!(ids.data_type(), arrow_schema::DataType::List(_)),
            "{ids:?}"
        );
    }
}
