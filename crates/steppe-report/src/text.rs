//! The terminal rendering of a report: lines fitted to a width (long names elided in the
//! trade table, prose wrapped with a hanging indent), sources numbered at the end.

use std::fmt::Write;

use steppe::report::{ShareCell, TradeTable, View, REMITTANCES};

use crate::layout::{fit_left, wrap};

/// The width of a 100-column terminal, for output that goes to no terminal.
pub const DEFAULT_WIDTH: usize = 100;

/// The display columns of the trade table's partner names (longer ones end in `…`).
const PARTNER_WIDTH: usize = 24;

/// How many of an indicator's latest values the text shows.
const LATEST_POINTS: usize = 10;

/// Citation numbers as `[1][4]`.
fn refs(ns: &[usize]) -> String {
    ns.iter().map(|n| format!("[{n}]")).collect()
}

/// The report as plain text, its lines at most `width` display columns wide where the words
/// allow (a single word longer than a line is not cut).
pub fn text(v: &View, width: usize) -> String {
    let mut o = String::new();
    profile(&mut o, v, width);
    match &v.trade {
        None => {
            let none = format!("no trade flows for {} in this store", v.entity_id);
            o.push_str(&format!("\nTrade\n{}", wrap("  ", &none, width)));
        }
        Some(t) => trade(&mut o, t, width),
    }
    balance(&mut o, v, width);
    indicators(&mut o, v, width);
    timeline(&mut o, v, width);
    claims_and_sources(&mut o, v, width);
    o
}

fn profile(o: &mut String, v: &View, width: usize) {
    let _ = writeln!(o, "{} ({}) — steppe report", v.name, v.entity_id);
    o.push_str(&wrap("data: ", &v.store_name, width));
    let _ = writeln!(o, "\nProfile {}", refs(&v.profile_refs));
    if let Some(n) = &v.official_name {
        o.push_str(&wrap("  official name: ", n, width));
    }
    if let Some(reg) = &v.region {
        let _ = writeln!(o, "  region (UN M49): {reg}");
    }
    for m in &v.memberships {
        let line = format!("{}: {} {}", m.role, m.organisation, refs(&m.refs));
        o.push_str(&wrap("  ", &line, width));
    }
}

fn trade(o: &mut String, t: &TradeTable, width: usize) {
    let _ = writeln!(o, "\nTrade with main partners, {} (USD)", t.year);
    let _ = writeln!(
        o,
        "  {} {:>12} {:>8} {:>12} {:>8}  sources",
        fit_left("partner", PARTNER_WIDTH),
        "exports",
        "share",
        "imports",
        "share"
    );
    for r in &t.rows {
        let ((x, xs), (m, ms)) = (cell(&r.exports), cell(&r.imports));
        let _ = writeln!(
            o,
            "  {} {x:>12} {xs:>8} {m:>12} {ms:>8}  {}",
            fit_left(&r.partner, PARTNER_WIDTH),
            refs(&r.refs)
        );
    }
    if t.recorded_only {
        let note = format!(
            "shares are of the partners this store records for {}, not of all trade (no world total)",
            t.year
        );
        o.push_str(&wrap("  ", &note, width));
    }
}

/// A trade cell's value and share, `–` and nothing when the flow is not recorded.
fn cell(c: &Option<ShareCell>) -> (&str, &str) {
    match c {
        Some(c) => (&c.value, &c.share),
        None => ("–", ""),
    }
}

fn balance(o: &mut String, v: &View, width: usize) {
    let [(a, a_name), (b, b_name)] = &v.pair;
    let _ = writeln!(o, "\n{a_name} or {b_name}?");
    if v.dependence.is_empty() {
        let _ = writeln!(o, "  no year records trade with both {a} and {b}");
    }
    for d in &v.dependence {
        let first = format!(
            "  {} {:<8} {a} {:>10} vs {b} {:>10}  ratio {}  ",
            d.year, d.measure, d.value_a, d.value_b, d.ratio
        );
        let rest = format!("leans toward {} {}", d.leans_toward, refs(&d.refs));
        o.push_str(&wrap(&first, &rest, width));
    }
}

fn indicators(o: &mut String, v: &View, width: usize) {
    let _ = writeln!(o, "\nIndicators");
    if v.indicators.is_empty() {
        let none =
            format!("none in this store (import WDI, e.g. {REMITTANCES}, to add remittances)");
        o.push_str(&wrap("  ", &none, width));
    }
    for ind in &v.indicators {
        o.push_str(&wrap("  ", &format!("{} ({})", ind.name, ind.id), width));
        let shown = &ind.points[ind.points.len().saturating_sub(LATEST_POINTS)..];
        let w = shown
            .iter()
            .map(|p| p.value.len())
            .max()
            .unwrap_or(0)
            .max(10);
        for p in shown {
            let _ = writeln!(o, "    {} {:>w$} {}", p.year, p.value, refs(&p.refs));
        }
    }
}

fn timeline(o: &mut String, v: &View, width: usize) {
    let _ = writeln!(o, "\nTimeline");
    if v.events.is_empty() {
        let _ = writeln!(o, "  no events for {} in this store", v.entity_id);
    }
    for e in &v.events {
        let first = format!("  {:<11} ", e.when);
        o.push_str(&wrap(
            &first,
            &format!("{} {}", e.title, refs(&e.refs)),
            width,
        ));
    }
}

fn claims_and_sources(o: &mut String, v: &View, width: usize) {
    if !v.claims.is_empty() {
        let _ = writeln!(o, "\nWhat the sources say");
    }
    for c in &v.claims {
        o.push_str(&wrap(
            "  ",
            &format!("“{}” {}", c.text, refs(&c.refs)),
            width,
        ));
    }
    let _ = writeln!(o, "\nSources");
    for s in &v.sources {
        let by = s
            .cited_by
            .map(|n| format!(" (cited by [{n}])"))
            .unwrap_or_default();
        let first = format!("  [{}] ", s.number);
        o.push_str(&wrap(&first, &format!("{}{by}", s.text), width));
    }
}
