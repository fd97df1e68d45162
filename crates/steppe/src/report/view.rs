//! The view model of a report: every row a rendering shows, its numbers, dates, names and
//! citation numbers formatted once, so the terminal text, the HTML page and the charts show
//! the same figures.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::analytics::{Dependence, SeriesPoint};
use crate::cite;
use crate::model::Source;

use super::conflicts::{words, year_runs};
use super::format::{date_text, fixed, money, percent, when};
use super::{BalanceOrigin, Report, GDP, REMITTANCES, REMITTANCES_USD};

/// How many partners the trade table shows.
pub const TRADE_ROWS: usize = 10;

/// How many partners the share chart draws.
const CHART_PARTNERS: usize = 5;

/// The first year of the remittance and GDP table (the region's independence).
const FIRST_YEAR: i16 = 1990;

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
    /// Memberships and roles, with their dates.
    pub memberships: Vec<MembershipRow>,
    /// The main partners by share of total trade (`None`: no year with a world total).
    pub partners: Option<PartnersTable>,
    /// The two partners compared: (entity id, name) each.
    pub pair: [(String, String); 2],
    /// Their balance: the datasets' series, then each document's restated figures.
    pub balance: Vec<BalanceView>,
    /// The mirror comparison with each of the two partners, by year.
    pub mirror: Vec<MirrorRow>,
    /// How to read the mirror gap (FOB exports against CIF imports).
    pub mirror_note: String,
    /// Remittances (% of GDP and US$) and GDP by year, from [`FIRST_YEAR`].
    pub indicators: Vec<IndicatorRow>,
    /// The latest value of every other indicator.
    pub other_indicators: Vec<LatestRow>,
    /// Conflicts and events in date order (undated last).
    pub timeline: Vec<TimelineRow>,
    /// The sources' statements about the country, quoted.
    pub claims: Vec<ClaimRow>,
    /// The numbered sources; `sources[n - 1]` is `[n]`.
    pub sources: Vec<SourceRow>,
    /// The charts: the two-partner balance (the main chart, the PNG), partner shares,
    /// remittances as % of GDP and in US$, the conflict timeline.
    pub charts: Vec<ChartView>,
}

/// A membership or role: `member: Commonwealth of Independent States, since 1991-12-21 [4]`.
#[derive(Debug, Clone, Serialize)]
pub struct MembershipRow {
    /// The role in words (`member`, `route country`, ...).
    pub role: String,
    /// The organisation's name (its id when the store has no row for it).
    pub organisation: String,
    /// Since when, at the source's precision.
    pub since: Option<String>,
    /// Until when, at the source's precision.
    pub until: Option<String>,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// The main partners in the latest year with a world total, and a decade earlier.
#[derive(Debug, Clone, Serialize)]
pub struct PartnersTable {
    /// The year shown.
    pub year: i16,
    /// The year compared with (ten years earlier, or the first later year with a total).
    pub earlier_year: Option<i16>,
    /// The world totals the shares are of (exports plus imports), scaled.
    pub total: String,
    /// Partners, largest first, at most [`TRADE_ROWS`].
    pub rows: Vec<PartnerRow>,
}

/// One partner in the trade table.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerRow {
    /// The partner's name.
    pub partner: String,
    /// Exports to the partner, scaled (`–` when not recorded).
    pub exports: String,
    /// Imports from the partner, scaled.
    pub imports: String,
    /// (exports + imports) / world total, in percent.
    pub share: String,
    /// The same share in the earlier year (`–` when not recorded).
    pub earlier_share: String,
    /// The change in percentage points (`+3.2`, `–` when not recorded).
    pub change: String,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// The two-partner balance as one kind of source tells it.
#[derive(Debug, Clone, Serialize)]
pub struct BalanceView {
    /// What the series is (`reported by Tajikistan, from the datasets`, or the document).
    pub label: String,
    /// Whether the figures are a document's restatement (the article's).
    pub restated: bool,
    /// One row per year.
    pub rows: Vec<BalanceRow>,
}

/// One year of the balance: exports and imports with each partner, the ratio of total trade.
#[derive(Debug, Clone, Serialize)]
pub struct BalanceRow {
    /// Year.
    pub year: i16,
    /// Exports to A, scaled (`–` when not recorded).
    pub exports_a: String,
    /// Exports to B.
    pub exports_b: String,
    /// Imports from A.
    pub imports_a: String,
    /// Imports from B.
    pub imports_b: String,
    /// Total trade with A / with B, two decimals (`–` without both directions).
    pub ratio: String,
    /// The name of the partner with more trade (total, else the one direction recorded).
    pub leans_toward: String,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// One year and direction of a mirror comparison.
#[derive(Debug, Clone, Serialize)]
pub struct MirrorRow {
    /// Year.
    pub year: i16,
    /// `Tajikistan → Russian Federation`.
    pub flow: String,
    /// What the exporter declares (FOB), scaled.
    pub exports_declared: String,
    /// What the importer declares (usually CIF), scaled.
    pub imports_declared: String,
    /// Imports declared / exports declared − 1, in percent with a sign (`+12.5%`).
    pub gap: String,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// One year of remittances and GDP.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    /// Year.
    pub year: i16,
    /// Personal remittances received, % of GDP, two decimals (`–` when not recorded).
    pub remittances_pct: String,
    /// Personal remittances received, US$, scaled.
    pub remittances_usd: String,
    /// GDP, current US$, scaled.
    pub gdp: String,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// The latest value of an indicator.
#[derive(Debug, Clone, Serialize)]
pub struct LatestRow {
    /// Indicator name.
    pub name: String,
    /// Indicator id.
    pub id: String,
    /// Year.
    pub year: i16,
    /// The value, grouped with two decimals.
    pub value: String,
    /// Citation numbers.
    pub refs: Vec<usize>,
}

/// One entry of the timeline: a conflict or an event.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineRow {
    /// When, at the source's precision (`1992–1997`, `2024`, `undated`).
    pub when: String,
    /// `conflict` or `event`.
    pub kind: String,
    /// What happened.
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

/// How a series is drawn: one style per kind of source or perspective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesStyle {
    /// A solid line with dots: what the country reports (a dataset).
    Reported,
    /// A dashed line with crosses: what the partner reports (the mirror).
    Mirror,
    /// A thin line with hollow squares: figures reconciled from both sides (BACI).
    Reconciled,
    /// Large triangles, no line: figures a document restates (the article).
    Restated,
    /// Bars: spans of years (conflicts) on the timeline chart.
    Span,
}

/// One series of a chart.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// How it is drawn.
    pub style: SeriesStyle,
    /// Colour index (the same partner keeps its colour across styles).
    pub color: usize,
    /// (year, value) for line series; (first year, last year) for spans.
    pub points: Vec<(i16, f64)>,
}

/// A chart over years: a title, the y axis with its unit, the years with data, the series
/// and a source line drawn on the image.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChartView {
    /// Anchor id in the page (`balance`, `shares`, ...).
    pub id: String,
    /// Title.
    pub title: String,
    /// The y axis label with its unit (`trade, US$ million`).
    pub y_label: String,
    /// The years with data, ascending (each gets a tick).
    pub years: Vec<i16>,
    /// The series.
    pub series: Vec<Series>,
    /// For a timeline: the row labels, top to bottom (empty for line charts).
    pub rows: Vec<String>,
    /// `Sources: [3] IMF, Direction of Trade Statistics; [1] Dyer 2025`.
    pub source_line: String,
}

impl ChartView {
    /// Whether the chart has anything to draw.
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.points.is_empty())
    }
}

impl View {
    /// The view of `r`.
    pub fn new(r: &Report) -> View {
        let e = &r.entity;
        let (a, b) = &r.pair;
        let balance = balance(r);
        let mut charts = vec![balance_chart(r), shares_chart(r)];
        charts.extend(remittance_charts(r));
        charts.push(timeline_chart(r));
        View {
            name: e.name.clone(),
            entity_id: e.entity_id.clone(),
            store_name: r.store_name.clone(),
            profile_refs: r.ref_numbers(std::slice::from_ref(&e.source_id)),
            official_name: e.name_official.clone(),
            region: e.region.clone(),
            memberships: memberships(r),
            partners: partners(r),
            pair: [(a.clone(), r.name(a)), (b.clone(), r.name(b))],
            balance,
            mirror: mirror(r),
            mirror_note: r.mirror.first().map_or_else(
                || "exports are declared FOB and imports usually CIF".into(),
                |m| m.note.clone(),
            ),
            indicators: indicator_rows(r),
            other_indicators: other_indicators(r),
            timeline: timeline(r),
            claims: claims(r),
            sources: sources(r),
            charts,
        }
    }
}

/// A source id and the work it cites, as a list.
fn with_cited(source: &str, cited: &Option<String>) -> Vec<String> {
    std::iter::once(source.to_string())
        .chain(cited.clone())
        .collect()
}

/// A value or `–`.
fn or_dash(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "–".into(), f)
}

fn memberships(r: &Report) -> Vec<MembershipRow> {
    r.memberships
        .iter()
        .map(|(m, org)| MembershipRow {
            role: words(m.role.as_str()),
            organisation: org
                .as_ref()
                .map_or_else(|| m.org_id.clone(), |o| o.name.clone()),
            since: date_text(m.valid_from, m.date_precision),
            until: date_text(m.valid_to, m.date_precision),
            refs: r.ref_numbers(&with_cited(&m.source_id, &m.cited_source_id)),
        })
        .collect()
}

/// A partner's exports, imports (USD, when recorded) and the sources behind them.
type PartnerTrade = (Option<f64>, Option<f64>, Vec<String>);

/// Per partner: its trade in a year, and the world totals (exports + imports) of the
/// directions with one.
struct YearTrade<'a> {
    partners: BTreeMap<&'a str, PartnerTrade>,
    total: f64,
}

fn year_trade(r: &Report, year: i16) -> Option<YearTrade<'_>> {
    let mut partners: BTreeMap<&str, PartnerTrade> = BTreeMap::new();
    let mut totals: BTreeMap<&str, f64> = BTreeMap::new();
    for s in r
        .shares
        .iter()
        .filter(|s| s.year == year && s.total_basis == "world_total")
    {
        totals.insert(&s.direction, s.total);
        let e = partners.entry(&s.partner_id).or_default();
        if s.direction == "exports" {
            e.0 = Some(s.value);
        } else {
            e.1 = Some(s.value);
        }
        e.2.extend(s.source_ids.iter().cloned());
    }
    let total: f64 = totals.values().sum();
    (total > 0.0).then_some(YearTrade { partners, total })
}

fn partners(r: &Report) -> Option<PartnersTable> {
    let year = r.latest_year()?;
    let now = year_trade(r, year)?;
    let with_total: BTreeSet<i16> = r
        .shares
        .iter()
        .filter(|s| s.total_basis == "world_total" && s.year < year)
        .map(|s| s.year)
        .collect();
    let earlier_year = with_total
        .iter()
        .copied()
        .find(|y| *y >= year - 10)
        .or_else(|| with_total.last().copied());
    let before = earlier_year.and_then(|y| year_trade(r, y));
    let value =
        |(x, m, _): &(Option<f64>, Option<f64>, Vec<String>)| x.unwrap_or(0.0) + m.unwrap_or(0.0);
    let mut ranked: Vec<(&str, &PartnerTrade)> =
        now.partners.iter().map(|(p, v)| (*p, v)).collect();
    ranked.sort_by(|x, y| value(y.1).total_cmp(&value(x.1)).then(x.0.cmp(y.0)));
    let rows = ranked
        .into_iter()
        .take(TRADE_ROWS)
        .map(|(p, v)| {
            let share = value(v) / now.total;
            let mut ids = v.2.clone();
            let old = before.as_ref().map(|b| {
                let o = b.partners.get(p);
                if let Some(o) = o {
                    ids.extend(o.2.iter().cloned());
                }
                o.map_or(0.0, value) / b.total
            });
            PartnerRow {
                partner: r.name(p),
                exports: or_dash(v.0, money),
                imports: or_dash(v.1, money),
                share: percent(share),
                earlier_share: or_dash(old, percent),
                change: or_dash(old, |o| format!("{:+.1}", (share - o) * 100.0)),
                refs: r.ref_numbers(&ids),
            }
        })
        .collect();
    Some(PartnersTable {
        year,
        earlier_year,
        total: money(now.total),
        rows,
    })
}

/// The label of a restating document: its title, else its id.
fn doc_label(r: &Report, id: &str) -> String {
    let title = r
        .sources
        .iter()
        .find(|s| s.source_id == id)
        .and_then(|s| s.title.clone())
        .unwrap_or_else(|| id.to_string());
    format!("as restated by “{title}”")
}

fn balance(r: &Report) -> Vec<BalanceView> {
    r.balance
        .iter()
        .map(|series| BalanceView {
            label: match &series.origin {
                BalanceOrigin::Reported => {
                    format!("reported by {} (statistical datasets)", r.entity.name)
                }
                BalanceOrigin::Reconciled => {
                    "reconciled from both partners' declarations (statistical datasets)".into()
                }
                BalanceOrigin::Restated(id) => doc_label(r, id),
            },
            restated: matches!(series.origin, BalanceOrigin::Restated(_)),
            rows: balance_rows(r, &series.rows),
        })
        .collect()
}

fn balance_rows(r: &Report, rows: &[Dependence]) -> Vec<BalanceRow> {
    let mut by_year: BTreeMap<i16, Vec<&Dependence>> = BTreeMap::new();
    for d in rows {
        by_year.entry(d.year).or_default().push(d);
    }
    by_year
        .into_iter()
        .map(|(year, ds)| {
            let get = |m: &str| ds.iter().copied().find(|d| d.measure == m);
            let (x, m, t) = (get("exports"), get("imports"), get("total"));
            let lead = t.or(x).or(m).expect("a measure");
            let ids: Vec<String> = ds.iter().flat_map(|d| d.source_ids.clone()).collect();
            BalanceRow {
                year,
                exports_a: or_dash(x.map(|d| d.value_a), money),
                exports_b: or_dash(x.map(|d| d.value_b), money),
                imports_a: or_dash(m.map(|d| d.value_a), money),
                imports_b: or_dash(m.map(|d| d.value_b), money),
                ratio: or_dash(t.and_then(|d| d.ratio), |v| format!("{v:.2}")),
                leans_toward: r.name(&lead.leans_toward),
                refs: r.ref_numbers(&ids),
            }
        })
        .collect()
}

fn mirror(r: &Report) -> Vec<MirrorRow> {
    let mut rows: Vec<&crate::analytics::Mirror> = r
        .mirror
        .iter()
        .filter(|m| m.exports_declared.is_some() && m.imports_declared.is_some())
        .collect();
    rows.sort_by(|x, y| {
        (x.year, &x.exporter_id, &x.importer_id).cmp(&(y.year, &y.exporter_id, &y.importer_id))
    });
    rows.into_iter()
        .map(|m| MirrorRow {
            year: m.year,
            flow: format!("{} → {}", r.name(&m.exporter_id), r.name(&m.importer_id)),
            exports_declared: or_dash(m.exports_declared, money),
            imports_declared: or_dash(m.imports_declared, money),
            gap: or_dash(m.ratio, |x| format!("{:+.1}%", (x - 1.0) * 100.0)),
            refs: r.ref_numbers(&m.source_ids),
        })
        .collect()
}

/// One point per year of a series: the preferred source's (the one with the most points),
/// else another's.
fn by_year(points: &[SeriesPoint]) -> BTreeMap<i16, &SeriesPoint> {
    let mut count: BTreeMap<&[String], usize> = BTreeMap::new();
    for p in points {
        *count.entry(&p.source_ids).or_default() += 1;
    }
    let mut out: BTreeMap<i16, &SeriesPoint> = BTreeMap::new();
    for p in points {
        let better = out
            .get(&p.year)
            .is_none_or(|q| count[p.source_ids.as_slice()] > count[q.source_ids.as_slice()]);
        if better {
            out.insert(p.year, p);
        }
    }
    out
}

fn indicator_rows(r: &Report) -> Vec<IndicatorRow> {
    let [pct, usd, gdp] = [REMITTANCES, REMITTANCES_USD, GDP].map(|i| by_year(r.series(i)));
    let years: BTreeSet<i16> = [&pct, &usd, &gdp]
        .iter()
        .flat_map(|m| m.keys().copied())
        .filter(|y| *y >= FIRST_YEAR)
        .collect();
    years
        .into_iter()
        .map(|y| {
            let pts: Vec<&SeriesPoint> = [&pct, &usd, &gdp]
                .iter()
                .filter_map(|m| m.get(&y).copied())
                .collect();
            let ids: Vec<String> = pts.iter().flat_map(|p| p.source_ids.clone()).collect();
            IndicatorRow {
                year: y,
                remittances_pct: or_dash(pct.get(&y).map(|p| p.value), |v| fixed(v, 2)),
                remittances_usd: or_dash(usd.get(&y).map(|p| p.value), money),
                gdp: or_dash(gdp.get(&y).map(|p| p.value), money),
                refs: r.ref_numbers(&ids),
            }
        })
        .collect()
}

fn other_indicators(r: &Report) -> Vec<LatestRow> {
    r.indicators
        .iter()
        .filter(|(id, _, _)| ![REMITTANCES, REMITTANCES_USD, GDP].contains(&id.as_str()))
        .filter_map(|(id, name, pts)| {
            let (_, p) = by_year(pts).into_iter().next_back()?;
            Some(LatestRow {
                name: name.clone(),
                id: id.clone(),
                year: p.year,
                value: fixed(p.value, 2),
                refs: r.ref_numbers(&p.source_ids),
            })
        })
        .collect()
}

fn timeline(r: &Report) -> Vec<TimelineRow> {
    // (sort key: first year, undated last), row.
    let mut rows: Vec<((bool, i32, u32), TimelineRow)> = Vec::new();
    for c in &r.conflicts {
        let first = c.years.first().copied().unwrap_or_default();
        let mut title = format!(
            "{} (UCDP {}): {} vs {}; {}, over {}; {} is {}",
            c.location,
            c.conflict_id,
            c.sides.0,
            c.sides.1,
            c.kind,
            c.incompatibility,
            r.entity.name,
            c.role
        );
        if let Some((d, 1)) = c.start {
            title.push_str(&format!("; first death {d}"));
        }
        if !c.war_years.is_empty() {
            title.push_str(&format!(
                "; war (1,000+ deaths) in {}",
                year_runs(&c.war_years)
            ));
        }
        title.push_str(&format!("; active in {}", year_runs(&c.years)));
        let span = match (c.years.first(), c.years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
            (Some(a), _) => a.to_string(),
            _ => "undated".into(),
        };
        rows.push((
            (false, first as i32, 0),
            TimelineRow {
                when: span,
                kind: "conflict".into(),
                title,
                refs: r.ref_numbers(&c.source_ids),
            },
        ));
    }
    for ev in &r.events {
        use chrono::Datelike;
        let key = ev
            .start_date
            .map_or((true, 0, 0), |d| (false, d.year(), d.ordinal()));
        rows.push((
            key,
            TimelineRow {
                when: when(ev),
                kind: "event".into(),
                title: ev
                    .title
                    .clone()
                    .or_else(|| ev.description.clone())
                    .unwrap_or_else(|| ev.event_id.clone()),
                refs: r.ref_numbers(&with_cited(&ev.source_id, &ev.cited_source_id)),
            },
        ));
    }
    rows.sort_by_key(|(k, _)| *k);
    rows.into_iter().map(|(_, row)| row).collect()
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

/// A short name of a source for a chart's source line: publisher or first author, and the
/// title, at most 60 characters.
fn short_name(s: &Source) -> String {
    let who = s
        .publisher
        .clone()
        .or_else(|| s.authors.first().map(|a| a.display_name()))
        .unwrap_or_else(|| s.source_id.clone());
    let text = match &s.title {
        Some(t) => format!("{who}, {t}"),
        None => who,
    };
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text
    }
}

/// `Sources: [3] IMF, Direction of Trade…; [1] Dyer, Tajikistan…` for the sources among `ids`.
fn source_line(r: &Report, ids: &[String]) -> String {
    let parts: Vec<String> = r
        .ref_numbers(ids)
        .into_iter()
        .map(|n| format!("[{n}] {}", short_name(&r.sources[n - 1])))
        .collect();
    if parts.is_empty() {
        "Sources: none in this store".into()
    } else {
        format!("Sources: {}", parts.join("; "))
    }
}

/// The years of a chart's series, ascending, each once.
fn chart_years(series: &[Series]) -> Vec<i16> {
    let set: BTreeSet<i16> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    set.into_iter().collect()
}

/// The main chart: total trade with each partner by year, as the country reports it (solid),
/// as the partner reports it (dashed, the mirror) and as a document restates it (triangles).
fn balance_chart(r: &Report) -> ChartView {
    let (a, b) = &r.pair;
    let mut series = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for (color, p) in [a, b].into_iter().enumerate() {
        for bal in &r.balance {
            let pts: Vec<(i16, f64)> = bal
                .rows
                .iter()
                .filter(|d| d.measure == "total")
                .map(|d| {
                    let v = if p == a { d.value_a } else { d.value_b };
                    ids.extend(d.source_ids.iter().cloned());
                    (d.year, v / 1e6)
                })
                .collect();
            let (label, style) = match &bal.origin {
                BalanceOrigin::Reported => (
                    format!("{}, reported by {}", r.name(p), r.entity.name),
                    SeriesStyle::Reported,
                ),
                BalanceOrigin::Reconciled => (
                    format!("{}, reconciled from both sides", r.name(p)),
                    SeriesStyle::Reconciled,
                ),
                BalanceOrigin::Restated(doc) => (
                    format!("{}, {}", r.name(p), doc_label(r, doc)),
                    SeriesStyle::Restated,
                ),
            };
            series.push(Series {
                label,
                style,
                color,
                points: pts,
            });
        }
        // The mirror: what the partner declares exporting to and importing from the country.
        let mut years: BTreeMap<i16, (Option<f64>, Option<f64>)> = BTreeMap::new();
        for m in &r.mirror {
            if m.exporter_id == *p {
                years.entry(m.year).or_default().0 = m.exports_declared;
            } else if m.importer_id == *p {
                years.entry(m.year).or_default().1 = m.imports_declared;
            } else {
                continue;
            }
            if m.exporter_id == *p || m.importer_id == *p {
                ids.extend(m.source_ids.iter().cloned());
            }
        }
        let pts: Vec<(i16, f64)> = years
            .into_iter()
            .filter_map(|(y, (x, m))| Some((y, (x? + m?) / 1e6)))
            .collect();
        series.push(Series {
            label: format!("{}, reported by {} (mirror)", r.name(p), r.name(p)),
            style: SeriesStyle::Mirror,
            color,
            points: pts,
        });
    }
    series.retain(|s| !s.points.is_empty());
    ChartView {
        id: "balance".into(),
        title: format!(
            "{}: total goods trade with {} and {}",
            r.entity.name,
            r.name(a),
            r.name(b)
        ),
        y_label: "exports + imports, US$ million".into(),
        years: chart_years(&series),
        series,
        rows: Vec::new(),
        source_line: source_line(r, &ids),
    }
}

/// Partner shares of total trade by year, for the main partners of the latest year.
fn shares_chart(r: &Report) -> ChartView {
    let partners: Vec<String> = r
        .latest_year()
        .and_then(|y| {
            let t = year_trade(r, y)?;
            let mut v: Vec<(&str, f64)> = t
                .partners
                .iter()
                .map(|(p, (x, m, _))| (*p, x.unwrap_or(0.0) + m.unwrap_or(0.0)))
                .collect();
            v.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
            Some(
                v.into_iter()
                    .take(CHART_PARTNERS)
                    .map(|(p, _)| p.to_string())
                    .collect(),
            )
        })
        .unwrap_or_default();
    let years: BTreeSet<i16> = r
        .shares
        .iter()
        .filter(|s| s.total_basis == "world_total")
        .map(|s| s.year)
        .collect();
    let mut ids = Vec::new();
    let mut series = Vec::new();
    let trades: Vec<(i16, YearTrade)> = years
        .iter()
        .filter_map(|y| Some((*y, year_trade(r, *y)?)))
        .collect();
    for (color, p) in partners.iter().enumerate() {
        let mut points = Vec::new();
        for (y, t) in &trades {
            if let Some((x, m, s)) = t.partners.get(p.as_str()) {
                points.push((*y, (x.unwrap_or(0.0) + m.unwrap_or(0.0)) / t.total * 100.0));
                ids.extend(s.iter().cloned());
            }
        }
        series.push(Series {
            label: r.name(p),
            style: SeriesStyle::Reported,
            color,
            points,
        });
    }
    ChartView {
        id: "shares".into(),
        title: format!(
            "{}: main partners' share of total goods trade, as {} reports it",
            r.entity.name, r.entity.name
        ),
        y_label: "share of exports + imports, %".into(),
        years: chart_years(&series),
        series,
        rows: Vec::new(),
        source_line: source_line(r, &ids),
    }
}

/// Remittances as % of GDP, and in US$ billion.
fn remittance_charts(r: &Report) -> Vec<ChartView> {
    let one = |id: &str, title: &str, unit: &str, scale: f64| {
        let pts = by_year(r.series(id));
        let ids: Vec<String> = pts.values().flat_map(|p| p.source_ids.clone()).collect();
        let series = vec![Series {
            label: r
                .indicators
                .iter()
                .find(|(i, _, _)| i == id)
                .map_or_else(|| id.to_string(), |(_, n, _)| n.clone()),
            style: SeriesStyle::Reported,
            color: 0,
            points: pts.iter().map(|(y, p)| (*y, p.value / scale)).collect(),
        }];
        ChartView {
            id: id.replace([':', '.'], "-").to_lowercase(),
            title: format!("{}: {title}", r.entity.name),
            y_label: unit.into(),
            years: chart_years(&series),
            series,
            rows: Vec::new(),
            source_line: source_line(r, &ids),
        }
    };
    vec![
        one(
            REMITTANCES,
            "personal remittances received",
            "% of GDP",
            1.0,
        ),
        one(
            REMITTANCES_USD,
            "personal remittances received",
            "US$ billion (current)",
            1e9,
        ),
    ]
}

/// Conflicts as spans of years and dated events as points, one row each.
fn timeline_chart(r: &Report) -> ChartView {
    use chrono::Datelike;
    let mut rows = Vec::new();
    let mut series = Vec::new();
    let mut ids = Vec::new();
    for c in &r.conflicts {
        let (Some(a), Some(b)) = (c.years.first(), c.years.last()) else {
            continue;
        };
        let row = rows.len() as f64;
        rows.push(format!("conflict: {}", c.sides.1));
        series.push(Series {
            label: "armed conflict (UCDP/PRIO, 25+ deaths a year)".into(),
            style: SeriesStyle::Span,
            color: 1,
            points: c.years.iter().map(|y| (*y, row)).collect(),
        });
        let _ = (a, b);
        ids.extend(c.source_ids.iter().cloned());
    }
    for ev in &r.events {
        let Some(d) = ev.start_date else { continue };
        let row = rows.len() as f64;
        let title = ev.title.clone().unwrap_or_else(|| ev.event_id.clone());
        rows.push(format!("event: {title}"));
        let end = ev.end_date.map_or(d.year(), |e| e.year());
        series.push(Series {
            label: "event".into(),
            style: SeriesStyle::Restated,
            color: 0,
            points: (d.year()..=end).map(|y| (y as i16, row)).collect(),
        });
        ids.push(ev.source_id.clone());
    }
    ChartView {
        id: "timeline".into(),
        title: format!("{}: conflicts and events", r.entity.name),
        y_label: String::new(),
        years: chart_years(&series),
        series,
        rows,
        source_line: source_line(r, &ids),
    }
}
