//! The terminal rendering of a report: lines fitted to a width (long names elided in the
//! trade table, prose wrapped with a hanging indent).

use std::fmt::Write;

use super::{money, when, Report};
use crate::term::{fit_left, wrap};

/// The width [`render_text`] fits to: a 100-column terminal.
pub const DEFAULT_WIDTH: usize = 100;

/// The display columns of the trade table's partner names (longer ones end in `…`).
const PARTNER_WIDTH: usize = 24;

/// The report as plain text, sources numbered at the end, at most [`DEFAULT_WIDTH`] columns
/// wide.
pub fn render_text(r: &Report) -> String {
    render_text_width(r, DEFAULT_WIDTH)
}

/// The report as plain text, its lines at most `width` display columns wide where the words
/// allow (a single word longer than a line is not cut).
pub fn render_text_width(r: &Report, width: usize) -> String {
    let mut o = String::new();
    let e = &r.entity;
    let _ = writeln!(o, "{} ({}) — steppe report", e.name, e.entity_id);
    o.push_str(&wrap("data: ", &r.store_name, width));
    let _ = writeln!(
        o,
        "\nProfile {}",
        r.refs(std::slice::from_ref(&e.source_id))
    );
    if let Some(n) = &e.name_official {
        o.push_str(&wrap("  official name: ", n, width));
    }
    if let Some(reg) = &e.region {
        let _ = writeln!(o, "  region (UN M49): {reg}");
    }
    for (m, org) in &r.memberships {
        let name = org
            .as_ref()
            .map(|o| o.name.clone())
            .unwrap_or_else(|| m.org_id.clone());
        let ids: Vec<String> = [Some(m.source_id.clone()), m.cited_source_id.clone()]
            .into_iter()
            .flatten()
            .collect();
        o.push_str(&wrap(
            "  ",
            &format!("{}: {} {}", m.role, name, r.refs(&ids)),
            width,
        ));
    }
    match r.latest_year() {
        None => {
            let none = format!("no trade flows for {} in this store", e.entity_id);
            o.push_str(&format!("\nTrade\n{}", wrap("  ", &none, width)));
        }
        Some(year) => {
            let rows: Vec<_> = r.shares.iter().filter(|s| s.year == year).collect();
            let mut partners: Vec<String> = Vec::new();
            for s in &rows {
                if !partners.contains(&s.partner_id) {
                    partners.push(s.partner_id.clone());
                }
            }
            let _ = writeln!(o, "\nTrade with main partners, {year} (USD)");
            let _ = writeln!(
                o,
                "  {} {:>12} {:>8} {:>12} {:>8}  sources",
                fit_left("partner", PARTNER_WIDTH),
                "exports",
                "share",
                "imports",
                "share"
            );
            let mut basis = std::collections::BTreeSet::new();
            for p in partners.iter().take(10) {
                let get = |d: &str| rows.iter().find(|s| &s.partner_id == p && s.direction == d);
                let fmt = |s: Option<&&steppe::analytics::PartnerShare>| match s {
                    Some(s) => (money(s.value), format!("{:.1}%", s.share * 100.0)),
                    None => ("–".into(), "".into()),
                };
                let (x, xs) = fmt(get("exports"));
                let (m, ms) = fmt(get("imports"));
                let mut ids = Vec::new();
                for s in [get("exports"), get("imports")].into_iter().flatten() {
                    ids.extend(s.source_ids.iter().cloned());
                    basis.insert(s.total_basis.clone());
                }
                let _ = writeln!(
                    o,
                    "  {} {:>12} {:>8} {:>12} {:>8}  {}",
                    fit_left(&r.name(p), PARTNER_WIDTH),
                    x,
                    xs,
                    m,
                    ms,
                    r.refs(&ids)
                );
            }
            if basis.contains("recorded_partners") {
                let note = format!("shares are of the partners this store records for {year}, not of all trade (no world total)");
                o.push_str(&wrap("  ", &note, width));
            }
        }
    }

    let (a, b) = &r.pair;
    let _ = writeln!(o, "\n{} or {}?", r.name(a), r.name(b));
    if r.dependence.is_empty() {
        let _ = writeln!(o, "  no year records trade with both {a} and {b}");
    }
    for d in &r.dependence {
        let ratio = d
            .ratio
            .map(|x| format!("{x:.2}"))
            .unwrap_or_else(|| "–".into());
        let first = format!(
            "  {} {:<8} {a} {:>10} vs {b} {:>10}  ratio {ratio}  ",
            d.year,
            d.measure,
            money(d.value_a),
            money(d.value_b),
        );
        let rest = format!(
            "leans toward {} {}",
            r.name(&d.leans_toward),
            r.refs(&d.source_ids)
        );
        o.push_str(&wrap(&first, &rest, width));
    }

    let _ = writeln!(o, "\nIndicators");
    if r.indicators.is_empty() {
        let none = format!(
            "none in this store (import WDI, e.g. {}, to add remittances)",
            super::REMITTANCES
        );
        o.push_str(&wrap("  ", &none, width));
    }
    for (id, name, pts) in &r.indicators {
        o.push_str(&wrap("  ", &format!("{name} ({id})"), width));
        let shown: Vec<_> = pts.iter().rev().take(10).rev().collect();
        let values: Vec<String> = shown
            .iter()
            .map(|p| crate::human::fixed(p.value, 2))
            .collect();
        let w = values.iter().map(|v| v.len()).max().unwrap_or(0).max(10);
        for (p, v) in shown.iter().zip(&values) {
            let _ = writeln!(o, "    {} {v:>w$} {}", p.year, r.refs(&p.source_ids));
        }
    }

    let _ = writeln!(o, "\nTimeline");
    if r.events.is_empty() {
        let _ = writeln!(o, "  no events for {} in this store", e.entity_id);
    }
    for ev in &r.events {
        let ids: Vec<String> = [Some(ev.source_id.clone()), ev.cited_source_id.clone()]
            .into_iter()
            .flatten()
            .collect();
        let title = ev
            .title
            .clone()
            .or_else(|| ev.description.clone())
            .unwrap_or_else(|| ev.event_id.clone());
        let first = format!("  {:<11} ", when(ev));
        o.push_str(&wrap(&first, &format!("{title} {}", r.refs(&ids)), width));
    }

    if !r.claims.is_empty() {
        let _ = writeln!(o, "\nWhat the sources say");
    }
    for c in &r.claims {
        let mut ids = vec![c.document_id.clone()];
        ids.extend(c.cited_source_ids.iter().cloned());
        o.push_str(&wrap(
            "  ",
            &format!("“{}” {}", c.text, r.refs(&ids)),
            width,
        ));
    }

    let _ = writeln!(o, "\nSources");
    for (i, s) in r.sources.iter().enumerate() {
        let by = s
            .cited_by
            .as_ref()
            .and_then(|c| r.sources.iter().position(|x| &x.source_id == c))
            .map(|n| format!(" (cited by [{}])", n + 1))
            .unwrap_or_default();
        let first = format!("  [{}] ", i + 1);
        o.push_str(&wrap(
            &first,
            &format!("{}{by}", steppe::cite::to_text(s)),
            width,
        ));
    }
    o
}
