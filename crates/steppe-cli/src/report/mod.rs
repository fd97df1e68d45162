//! `steppe report COUNTRY`: a country's profile, its trade with its main partners, the balance
//! between two partners (Russia and China by default), its indicator series, its event
//! timeline and a numbered list of the sources behind every figure — as terminal text, a
//! self-contained HTML page with a chart, or the chart alone as PNG.

mod chart;
mod html;
mod text;

use std::collections::BTreeMap;

use steppe::analytics::{self, Dependence, PartnerShare, SeriesPoint};
use steppe::codes::CodeIndex;
use steppe::model::{
    Claim, DatePrecision, Entity, Event, EventActor, Membership, Organisation, Source,
};
use steppe::{Filter, Predicate, ReadOptions, Result, Store, Table};

pub use chart::{render_png, render_svg};
pub use html::render_html;
pub use text::{render_text, render_text_width, DEFAULT_WIDTH};

/// The remittances series the article is about.
pub const REMITTANCES: &str = "wdi:BX.TRF.PWKR.DT.GD.ZS";

/// Everything a report shows, with sources numbered in order of first use.
#[derive(Debug, Clone)]
pub struct Report {
    /// The country.
    pub entity: Entity,
    /// Where the data came from.
    pub store_name: String,
    /// Memberships with their organisations.
    pub memberships: Vec<(Membership, Option<Organisation>)>,
    /// Claims about the country.
    pub claims: Vec<Claim>,
    /// Partner shares, every year.
    pub shares: Vec<PartnerShare>,
    /// The two partners compared.
    pub pair: (String, String),
    /// Their balance, every year.
    pub dependence: Vec<Dependence>,
    /// Indicator series (id, name, points).
    pub indicators: Vec<(String, String, Vec<SeriesPoint>)>,
    /// Events involving the country, in date order (undated last).
    pub events: Vec<Event>,
    /// Entity names, for display.
    pub names: BTreeMap<String, String>,
    /// Sources in citation order; `[n]` is index n-1.
    pub sources: Vec<Source>,
}

impl Report {
    /// The citation number of a source (registering it if new).
    fn cite(&mut self, id: &str, all: &BTreeMap<String, Source>) -> Option<usize> {
        if let Some(i) = self.sources.iter().position(|s| s.source_id == id) {
            return Some(i + 1);
        }
        let s = all.get(id)?.clone();
        self.sources.push(s);
        Some(self.sources.len())
    }

    /// Citation numbers of sources already registered.
    pub fn refs(&self, ids: &[String]) -> String {
        let mut n: Vec<usize> = ids
            .iter()
            .filter_map(|id| {
                self.sources
                    .iter()
                    .position(|s| &s.source_id == id)
                    .map(|i| i + 1)
            })
            .collect();
        n.sort_unstable();
        n.dedup();
        n.iter()
            .map(|i| format!("[{i}]"))
            .collect::<Vec<_>>()
            .join("")
    }

    /// A display name for an entity id.
    pub fn name(&self, id: &str) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// The latest year with partner data.
    pub fn latest_year(&self) -> Option<i16> {
        self.shares.iter().map(|s| s.year).max()
    }
}

/// Formats a date at its precision (`1992`, `2024-03`, `2024-03-22`).
pub fn date_text(d: Option<chrono::NaiveDate>, p: DatePrecision) -> Option<String> {
    let d = d?;
    Some(match p {
        DatePrecision::Year => d.format("%Y").to_string(),
        DatePrecision::Month => d.format("%Y-%m").to_string(),
        _ => d.format("%Y-%m-%d").to_string(),
    })
}

/// When an event happened, at the precision its source gives.
pub fn when(e: &Event) -> String {
    match (
        date_text(e.start_date, e.date_precision),
        date_text(e.end_date, e.date_precision),
    ) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a,
        (None, _) => "undated".to_string(),
    }
}

/// USD amounts as `137.4 M` / `1.580 bn`.
pub fn money(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("{:.3} bn", v / 1e9)
    } else if v.abs() >= 1e6 {
        format!("{:.1} M", v / 1e6)
    } else if v.abs() >= 1e3 {
        format!("{:.1} k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// Gathers a report for `country` (any ISO form or prefixed code) comparing partners `pair`.
pub fn build(store: &Store, country: &str, pair: (&str, &str)) -> Result<Report> {
    let codes = if store.row_count(Table::EntityCodes) > 0 {
        CodeIndex::from_store(store)?
    } else {
        CodeIndex::from_store(&Store::bundled()?)?
    };
    let resolve = |c: &str| -> Result<String> {
        codes
            .resolve_any(c, None)
            .map(String::from)
            .map_err(|e| steppe::Error::InvalidArgument(format!("{c}: {e}")))
    };
    let id = resolve(country)?;
    let (a, b) = (resolve(pair.0)?, resolve(pair.1)?);
    let entities: Vec<Entity> = store.records()?;
    let names: BTreeMap<String, String> = entities
        .iter()
        .map(|e| (e.entity_id.clone(), e.name.clone()))
        .collect();
    let entity = entities
        .iter()
        .find(|e| e.entity_id == id)
        .cloned()
        .ok_or_else(|| {
            steppe::Error::InvalidArgument(format!(
                "{id} is not an entity of {}",
                store.display_name()
            ))
        })?;
    let all_sources: BTreeMap<String, Source> = store
        .records::<Source>()?
        .into_iter()
        .map(|s| (s.source_id.clone(), s))
        .collect();

    let orgs: Vec<Organisation> = store.records()?;
    let memberships: Vec<(Membership, Option<Organisation>)> = store
        .records::<Membership>()?
        .into_iter()
        .filter(|m| m.entity_id == id)
        .map(|m| {
            let o = orgs.iter().find(|o| o.org_id == m.org_id).cloned();
            (m, o)
        })
        .collect();
    let claims: Vec<Claim> = store
        .records::<Claim>()?
        .into_iter()
        .filter(|c| c.about.contains(&id))
        .collect();
    let shares = analytics::partner_shares(store, &id, None)?;
    let dependence = analytics::dependence(store, &id, &a, &b, None)?;

    let mut indicators = Vec::new();
    let obs_filter = Filter::all().and(Predicate::is_in("entity_id", [id.as_str()]));
    let obs = store.read(
        Table::IndicatorObservations,
        &ReadOptions {
            filter: obs_filter,
            columns: Some(vec!["indicator_id".into()]),
        },
    )?;
    let mut ids: Vec<String> = Vec::new();
    for batch in &obs.batches {
        let col = arrow_cast::cast(batch.column(0), &arrow_schema::DataType::Utf8)?;
        for v in arrow_array::cast::AsArray::as_string::<i32>(&col)
            .iter()
            .flatten()
        {
            if !ids.iter().any(|x| x == v) {
                ids.push(v.to_string());
            }
        }
    }
    ids.sort_by_key(|i| (i != REMITTANCES, i.clone()));
    let defs: Vec<steppe::model::Indicator> = store.records()?;
    for ind in ids {
        let name = defs
            .iter()
            .find(|d| d.indicator_id == ind)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| ind.clone());
        indicators.push((
            ind.clone(),
            name,
            analytics::indicator_series(store, &ind, &id)?,
        ));
    }

    // Events at the country or with it among the actors.
    let actors: Vec<EventActor> = store.records()?;
    let mut events: Vec<Event> = store
        .records::<Event>()?
        .into_iter()
        .filter(|e| {
            e.country_id.as_deref() == Some(id.as_str())
                || actors.iter().any(|x| {
                    x.event_id == e.event_id && x.actor_ref.as_deref() == Some(id.as_str())
                })
        })
        .collect();
    events.sort_by(|x, y| {
        (x.start_date.is_none(), x.start_date, &x.event_id).cmp(&(
            y.start_date.is_none(),
            y.start_date,
            &y.event_id,
        ))
    });

    let mut report = Report {
        entity: entity.clone(),
        store_name: store.display_name(),
        memberships,
        claims,
        shares,
        pair: (a, b),
        dependence,
        indicators,
        events,
        names,
        sources: Vec::new(),
    };
    // Number the sources in the order the report uses them.
    let mut order: Vec<String> = vec![entity.source_id.clone()];
    for (m, o) in &report.memberships {
        order.push(m.source_id.clone());
        order.extend(m.cited_source_id.clone());
        if let Some(o) = o {
            order.push(o.source_id.clone());
        }
    }
    for c in &report.claims {
        order.push(c.document_id.clone());
        order.extend(c.cited_source_ids.iter().cloned());
    }
    for s in &report.shares {
        order.extend(s.source_ids.iter().cloned());
    }
    for d in &report.dependence {
        order.extend(d.source_ids.iter().cloned());
    }
    for (_, _, pts) in &report.indicators {
        for p in pts {
            order.extend(p.source_ids.iter().cloned());
        }
    }
    for e in &report.events {
        order.push(e.source_id.clone());
        order.extend(e.cited_source_id.clone());
    }
    // Trade rows cite the works behind them too (the citation chain).
    let flows: Vec<steppe::model::TradeFlow> = analytics_sources(store, &id)?;
    for f in &flows {
        order.push(f.source_id.clone());
        order.extend(f.cited_source_id.clone());
    }
    for id in order {
        report.cite(&id, &all_sources);
    }
    // Works cited by a cited source follow it.
    let cited_by: Vec<String> = report
        .sources
        .iter()
        .filter_map(|s| s.cited_by.clone())
        .collect();
    for id in cited_by {
        report.cite(&id, &all_sources);
    }
    Ok(report)
}

/// The trade rows involving a country (for their cited works).
fn analytics_sources(store: &Store, id: &str) -> Result<Vec<steppe::model::TradeFlow>> {
    let filter = Filter::all().and(Predicate::is_in("reporter_id", [id]));
    let data = store.read(
        Table::TradeFlows,
        &ReadOptions {
            filter,
            columns: None,
        },
    )?;
    steppe::from_batches(&data.batches)
}

/// Checks `--html` and `--png` before anything is printed: the chart's file name ends in
/// `.png`, and both files go to a directory that exists. One line naming the flag and path.
fn check_output_paths(html: Option<&std::path::Path>, png: Option<&std::path::Path>) -> Result<()> {
    let bad = |flag: &str, e: String| steppe::Error::InvalidArgument(format!("{flag} {e}"));
    if let Some(p) = png {
        chart::check_png_path(p).map_err(|e| bad("--png", e))?;
    }
    for (flag, path) in [("--html", html), ("--png", png)] {
        let Some(p) = path else { continue };
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(d) = dir.filter(|d| !d.is_dir()) {
            return Err(bad(
                flag,
                format!("{}: no directory {}", p.display(), d.display()),
            ));
        }
    }
    Ok(())
}

/// Runs `steppe report`.
pub fn run(
    store: &Store,
    country: &str,
    pair: (&str, &str),
    html: Option<&std::path::Path>,
    png: Option<&std::path::Path>,
) -> Result<i32> {
    check_output_paths(html, png)?;
    let report = build(store, country, pair)?;
    let width = crate::term::width().unwrap_or(DEFAULT_WIDTH);
    print!("{}", render_text_width(&report, width));
    if let Some(p) = html {
        std::fs::write(p, render_html(&report)?).map_err(|e| steppe::Error::io(p, e))?;
        eprintln!("wrote {}", p.display());
    }
    if let Some(p) = png {
        render_png(&report, p)?;
        eprintln!("wrote {}", p.display());
    }
    Ok(0)
}
