//! The view model of a report: every row a rendering shows, its numbers, dates, names and
//! citation numbers formatted once, so the terminal text, the HTML page and the chart show
//! the same figures.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analytics::PartnerShare;
use crate::cite;

use super::format::{fixed, money, percent, when};
use super::Report;

/// How many partners the trade table shows.
pub const TRADE_ROWS: usize = 10;

/// How many partners the chart names (the rest are `other`).
pub const CHART_PARTNERS: usize = 6;

/// A report ready to render. Citation numbers (`refs`) are 1-based indices into `sources`,
/// ascending, each once.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// The country's name.
    pub name: String,
    /// The country's entity id.
    pub entity_id: String,
    /// Where the data came from.
    pub store_name: String,
    /// Sources of the profile (the entity row).
    pub profile_refs: Vec<usize>,
    /// The official name, when known.
    pub official_name: Option<String>,
    /// The UN M49 region, when known.
    pub region: Option<String>,
    /// Memberships and roles.
    pub memberships: Vec<MembershipRow>,
    /// Trade with the main partners in the latest year (`None`: no trade rows).
    pub trade: Option<TradeTable>,
    /// The two partners compared: (entity id, name) each.
    pub pair: [(String, String); 2],
    /// Their balance, every year.
    pub dependence: Vec<DependenceRow>,
    /// Indicator series.
    pub indicators: Vec<IndicatorView>,
    /// Events, in date order (undated last).
    pub events: Vec<EventRow>,
    /// What the sources say about the country.
    pub claims: Vec<ClaimRow>,
    /// The numbered sources; `sources[n - 1]` is `[n]`.
    pub sources: Vec<SourceRow>,
    /// The partner-share chart.
    pub chart: ChartView,
}

/// A membership or role: `participant: Belt and Road [2][3]`.
#[derive(Debug, Clone, Serialize)]
pub struct MembershipRow {
    /// The role (`member`, `participant`, ...).
    pub role: String,
    /// The organisation's name (its id when the store has no row for it).
    pub organisation: String,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// The trade table of one year.
#[derive(Debug, Clone, Serialize)]
pub struct TradeTable {
    /// The year shown (the latest with partner data).
    pub year: i16,
    /// Partners, largest first, at most [`TRADE_ROWS`].
    pub rows: Vec<TradeRow>,
    /// Whether some share is of the recorded partners only (the store has no world total).
    pub recorded_only: bool,
}

/// One partner in the trade table.
#[derive(Debug, Clone, Serialize)]
pub struct TradeRow {
    /// The partner's name.
    pub partner: String,
    /// Exports to the partner, if recorded.
    pub exports: Option<ShareCell>,
    /// Imports from the partner, if recorded.
    pub imports: Option<ShareCell>,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// A value and its share: `137.4 M`, `30.5%`.
#[derive(Debug, Clone, Serialize)]
pub struct ShareCell {
    /// The value, USD, scaled (`137.4 M`).
    pub value: String,
    /// The share, in percent (`30.5%`).
    pub share: String,
}

/// One year and measure of the two-partner balance.
#[derive(Debug, Clone, Serialize)]
pub struct DependenceRow {
    /// Year.
    pub year: i16,
    /// `exports`, `imports` or `total`.
    pub measure: String,
    /// Trade with the first partner, scaled (`1.580 bn`).
    pub value_a: String,
    /// Trade with the second partner, scaled.
    pub value_b: String,
    /// a / b with two decimals, `–` when b is zero.
    pub ratio: String,
    /// The name of the partner with the larger value.
    pub leans_toward: String,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// An indicator series.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    /// Indicator id.
    pub id: String,
    /// Indicator name.
    pub name: String,
    /// Its values by year.
    pub points: Vec<PointRow>,
}

/// One value of a series.
#[derive(Debug, Clone, Serialize)]
pub struct PointRow {
    /// Year.
    pub year: i16,
    /// The value, grouped with two decimals (`2,258,643,220.12`).
    pub value: String,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// One event of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    /// When, at the source's precision (`1992–1997`, `2024`, `undated`).
    pub when: String,
    /// Title (else description, else id).
    pub title: String,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// A claim quoted from a source.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRow {
    /// The quoted text.
    pub text: String,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// A numbered source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    /// Its number `n` (shown `[n]`).
    pub number: usize,
    /// The citation as text.
    pub text: String,
    /// The number of the source that cites it, when that source is listed.
    pub cited_by: Option<usize>,
}

/// The partner-share chart: per year a bar of exports and a bar of imports, each split by
/// partner (the top [`CHART_PARTNERS`] by total value, then `other`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChartView {
    /// The chart's title.
    pub title: String,
    /// The years, ascending.
    pub years: Vec<i16>,
    /// Legend names; a part's `legend` index picks its entry (and its colour).
    pub legend: Vec<String>,
    /// The bars, by year then direction (`exports` before `imports`).
    pub bars: Vec<Bar>,
}

/// One bar of the chart.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// Year.
    pub year: i16,
    /// Whether it is the exports bar (else imports).
    pub exports: bool,
    /// (legend index, share 0–1), in legend order, stacked from 0.
    pub parts: Vec<(usize, f64)>,
}

impl View {
    /// The view of `r`.
    pub fn new(r: &Report) -> View {
        let e = &r.entity;
        let refs = |ids: &[String]| r.ref_numbers(ids);
        let (a, b) = &r.pair;
        View {
            name: e.name.clone(),
            entity_id: e.entity_id.clone(),
            store_name: r.store_name.clone(),
            profile_refs: refs(std::slice::from_ref(&e.source_id)),
            official_name: e.name_official.clone(),
            region: e.region.clone(),
            memberships: memberships(r),
            trade: trade(r),
            pair: [(a.clone(), r.name(a)), (b.clone(), r.name(b))],
            dependence: dependence(r),
            indicators: indicators(r),
            events: events(r),
            claims: claims(r),
            sources: sources(r),
            chart: chart(r),
        }
    }
}

/// A source id and the work it cites, as a list.
fn with_cited(source: &str, cited: &Option<String>) -> Vec<String> {
    std::iter::once(source.to_string())
        .chain(cited.clone())
        .collect()
}

fn memberships(r: &Report) -> Vec<MembershipRow> {
    r.memberships
        .iter()
        .map(|(m, org)| MembershipRow {
            role: m.role.to_string(),
            organisation: org
                .as_ref()
                .map_or_else(|| m.org_id.clone(), |o| o.name.clone()),
            refs: r.ref_numbers(&with_cited(&m.source_id, &m.cited_source_id)),
        })
        .collect()
}

fn trade(r: &Report) -> Option<TradeTable> {
    let year = r.latest_year()?;
    let shares: Vec<&PartnerShare> = r.shares.iter().filter(|s| s.year == year).collect();
    let mut partners: Vec<&str> = Vec::new();
    for s in &shares {
        if !partners.contains(&s.partner_id.as_str()) {
            partners.push(&s.partner_id);
        }
    }
    let cell = |s: &PartnerShare| ShareCell {
        value: money(s.value),
        share: percent(s.share),
    };
    let mut recorded_only = false;
    let mut rows = Vec::new();
    for p in partners.into_iter().take(TRADE_ROWS) {
        let get = |d: &str| {
            shares
                .iter()
                .copied()
                .find(|s| s.partner_id == p && s.direction == d)
        };
        let (x, m) = (get("exports"), get("imports"));
        let mut ids = Vec::new();
        for s in [x, m].into_iter().flatten() {
            ids.extend(s.source_ids.iter().cloned());
            recorded_only |= s.total_basis == "recorded_partners";
        }
        rows.push(TradeRow {
            partner: r.name(p),
            exports: x.map(cell),
            imports: m.map(cell),
            refs: r.ref_numbers(&ids),
        });
    }
    Some(TradeTable {
        year,
        rows,
        recorded_only,
    })
}

fn dependence(r: &Report) -> Vec<DependenceRow> {
    r.dependence
        .iter()
        .map(|d| DependenceRow {
            year: d.year,
            measure: d.measure.clone(),
            value_a: money(d.value_a),
            value_b: money(d.value_b),
            ratio: d.ratio.map_or_else(|| "–".into(), |x| format!("{x:.2}")),
            leans_toward: r.name(&d.leans_toward),
            refs: r.ref_numbers(&d.source_ids),
        })
        .collect()
}

fn indicators(r: &Report) -> Vec<IndicatorView> {
    r.indicators
        .iter()
        .map(|(id, name, pts)| IndicatorView {
            id: id.clone(),
            name: name.clone(),
            points: pts
                .iter()
                .map(|p| PointRow {
                    year: p.year,
                    value: fixed(p.value, 2),
                    refs: r.ref_numbers(&p.source_ids),
                })
                .collect(),
        })
        .collect()
}

fn events(r: &Report) -> Vec<EventRow> {
    r.events
        .iter()
        .map(|ev| EventRow {
            when: when(ev),
            title: ev
                .title
                .clone()
                .or_else(|| ev.description.clone())
                .unwrap_or_else(|| ev.event_id.clone()),
            refs: r.ref_numbers(&with_cited(&ev.source_id, &ev.cited_source_id)),
        })
        .collect()
}

fn claims(r: &Report) -> Vec<ClaimRow> {
    r.claims
        .iter()
        .map(|c| {
            let mut ids = vec![c.document_id.clone()];
            ids.extend(c.cited_source_ids.iter().cloned());
            ClaimRow {
                text: c.text.clone(),
                refs: r.ref_numbers(&ids),
            }
        })
        .collect()
}

fn sources(r: &Report) -> Vec<SourceRow> {
    r.sources
        .iter()
        .enumerate()
        .map(|(i, s)| SourceRow {
            number: i + 1,
            text: cite::to_text(s),
            cited_by: s
                .cited_by
                .as_ref()
                .and_then(|c| r.sources.iter().position(|x| &x.source_id == c))
                .map(|n| n + 1),
        })
        .collect()
}

/// The chart's legend (top partners by total value, then `other` if any bar has it) and bars.
fn chart(r: &Report) -> ChartView {
    let mut totals: BTreeMap<&str, f64> = BTreeMap::new();
    for s in &r.shares {
        *totals.entry(&s.partner_id).or_default() += s.value;
    }
    let mut top: Vec<(&str, f64)> = totals.into_iter().collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut keys: Vec<&str> = top
        .into_iter()
        .take(CHART_PARTNERS)
        .map(|(p, _)| p)
        .collect();
    let named = keys.len();
    let mut bars: BTreeMap<(i16, &str), Vec<(usize, f64)>> = BTreeMap::new();
    for s in &r.shares {
        let key = match keys.iter().position(|k| *k == s.partner_id) {
            Some(i) if i < named => i,
            _ => {
                if keys.len() == named {
                    keys.push("other");
                }
                named
            }
        };
        let bar = bars.entry((s.year, s.direction.as_str())).or_default();
        match bar.iter_mut().find(|(k, _)| *k == key) {
            Some(x) => x.1 += s.share,
            None => bar.push((key, s.share)),
        }
    }
    let mut years: Vec<i16> = bars.keys().map(|(y, _)| *y).collect();
    years.dedup();
    ChartView {
        title: format!(
            "{}: partner shares of exports (left) and imports (right)",
            r.entity.name
        ),
        years,
        legend: (0..keys.len())
            .map(|i| {
                if i < named {
                    r.name(keys[i])
                } else {
                    "other".into()
                }
            })
            .collect(),
        bars: bars
            .into_iter()
            .map(|((year, dir), mut parts)| {
                parts.sort_by_key(|(k, _)| *k);
                Bar {
                    year,
                    exports: dir == "exports",
                    parts,
                }
            })
            .collect(),
    }
}
