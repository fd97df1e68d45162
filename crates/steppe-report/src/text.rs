//! The terminal rendering of a report: lines fitted to a width (long names elided in the
//! tables, prose wrapped with a hanging indent), sources numbered at the end.

use std::fmt::Write;

use steppe::report::{BalanceView, PartnersTable, View, REMITTANCES};

use crate::layout::{fit_left, wrap};

/// The width of a 100-column terminal, for output that goes to no terminal.
pub const DEFAULT_WIDTH: usize = 100;

/// The display columns of the trade table's partner names (longer ones end in `…`).
const PARTNER_WIDTH: usize = 24;

/// How many of the latest years of the mirror comparison the text shows (the page shows all).
const MIRROR_YEARS: usize = 5;

/// Citation numbers as `[1][4]`.
fn refs(ns: &[usize]) -> String {
    ns.iter().map(|n| format!("[{n}]")).collect()
}

/// The report as plain text, its lines at most `width` display columns wide where the words
/// allow (a single word longer than a line is not cut).
pub fn text(v: &View, width: usize) -> String {
    let mut o = String::new();
    profile(&mut o, v, width);
    partners(&mut o, v, width);
    balance(&mut o, v, width);
    mirror(&mut o, v, width);
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
    let _ = writeln!(o, "\nMemberships and roles");
    if v.memberships.is_empty() {
        let _ = writeln!(o, "  none in this store");
    }
    for m in &v.memberships {
        let dates = match (&m.since, &m.until) {
            (Some(a), Some(b)) => format!(", {a} to {b}"),
            (Some(a), None) => format!(", since {a}"),
            (None, Some(b)) => format!(", until {b}"),
            (None, None) => ", dates not given".into(),
        };
        let line = format!("{}: {}{dates} {}", m.role, m.organisation, refs(&m.refs));
        o.push_str(&wrap("  ", &line, width));
    }
}

fn partners(o: &mut String, v: &View, width: usize) {
    match &v.partners {
        None => {
            let none = format!(
                "no year in this store has {}'s world total, so no partner's share of its trade \
                 can be given",
                v.entity_id
            );
            let _ = writeln!(o, "\nMain partners");
            o.push_str(&wrap("  ", &none, width));
        }
        Some(t) => partner_table(o, t, width),
    }
}

fn partner_table(o: &mut String, t: &PartnersTable, width: usize) {
    let earlier = t.earlier_year.map_or("–".into(), |y| y.to_string());
    let _ = writeln!(
        o,
        "\nMain partners, {} (US$; share of total trade = exports + imports of {})",
        t.year, t.total
    );
    let _ = writeln!(
        o,
        "  {} {:>10} {:>10} {:>7} {:>7} {:>6}  sources",
        fit_left("partner", PARTNER_WIDTH),
        "exports",
        "imports",
        "share",
        earlier,
        "pp"
    );
    for r in &t.rows {
        let _ = writeln!(
            o,
            "  {} {:>10} {:>10} {:>7} {:>7} {:>6}  {}",
            fit_left(&r.partner, PARTNER_WIDTH),
            r.exports,
            r.imports,
            r.share,
            r.earlier_share,
            r.change,
            refs(&r.refs)
        );
    }
    let note = format!(
        "shares are of the world total the country reports; {earlier} is the share a decade \
         earlier (or the first later year with a total), pp the change in percentage points"
    );
    o.push_str(&wrap("  ", &note, width));
}

fn balance(o: &mut String, v: &View, width: usize) {
    let [(a, a_name), (b, b_name)] = &v.pair;
    o.push('\n');
    o.push_str(&wrap(
        "",
        &format!("{a_name} or {b_name}? Goods trade by year (US$)"),
        width,
    ));
    let rows: usize = v.balance.iter().map(|s| s.rows.len()).sum();
    if rows == 0 {
        let _ = writeln!(o, "  no year records trade with both {a} and {b}");
        return;
    }
    for s in &v.balance {
        if s.rows.is_empty() {
            continue;
        }
        balance_series(o, s, a, b, width);
    }
}

fn balance_series(o: &mut String, s: &BalanceView, a: &str, b: &str, width: usize) {
    let head = if s.restated {
        format!("{} (the document's figures, not a dataset's):", s.label)
    } else {
        format!("{}:", s.label)
    };
    o.push_str(&wrap("  ", &head, width));
    let _ = writeln!(
        o,
        "  {:<4} {:>10} {:>10} {:>10} {:>10} {:>6}  {:<10} sources",
        "year",
        format!("exp {a}"),
        format!("exp {b}"),
        format!("imp {a}"),
        format!("imp {b}"),
        format!("{a}/{b}"),
        "leans to"
    );
    for r in &s.rows {
        let first = format!(
            "  {:<4} {:>10} {:>10} {:>10} {:>10} {:>6}  ",
            r.year, r.exports_a, r.exports_b, r.imports_a, r.imports_b, r.ratio
        );
        o.push_str(&wrap(
            &first,
            &format!("{} {}", r.leans_toward, refs(&r.refs)),
            width,
        ));
    }
}

fn mirror(o: &mut String, v: &View, width: usize) {
    let _ = writeln!(o, "\nMirror gap: what each side declares (US$)");
    if v.mirror.is_empty() {
        let _ = writeln!(
            o,
            "  no year in this store has both sides' declarations of a flow"
        );
        return;
    }
    let years: std::collections::BTreeSet<i16> = v.mirror.iter().map(|m| m.year).collect();
    let from = years
        .iter()
        .rev()
        .nth(MIRROR_YEARS - 1)
        .copied()
        .unwrap_or(i16::MIN);
    let _ = writeln!(
        o,
        "  {:<4} {} {:>10} {:>10} {:>7}  sources",
        "year",
        fit_left("flow (exporter → importer)", 44),
        "exp. FOB",
        "imp. CIF",
        "gap"
    );
    for m in v.mirror.iter().filter(|m| m.year >= from) {
        let _ = writeln!(
            o,
            "  {:<4} {} {:>10} {:>10} {:>7}  {}",
            m.year,
            fit_left(&m.flow, 44),
            m.exports_declared,
            m.imports_declared,
            m.gap,
            refs(&m.refs)
        );
    }
    let note = format!(
        "latest {MIRROR_YEARS} years shown (the HTML page has all); {}",
        v.mirror_note
    );
    o.push_str(&wrap("  ", &note, width));
}

fn indicators(o: &mut String, v: &View, width: usize) {
    let _ = writeln!(o, "\nRemittances and GDP");
    if v.indicators.is_empty() {
        let none =
            format!("none in this store (import WDI, e.g. {REMITTANCES}, to add remittances)");
        o.push_str(&wrap("  ", &none, width));
    } else {
        let _ = writeln!(
            o,
            "  {:<4} {:>13} {:>13} {:>12}  sources",
            "year", "remit. % GDP", "remit. US$", "GDP US$"
        );
    }
    for r in &v.indicators {
        let _ = writeln!(
            o,
            "  {:<4} {:>13} {:>13} {:>12}  {}",
            r.year,
            r.remittances_pct,
            r.remittances_usd,
            r.gdp,
            refs(&r.refs)
        );
    }
    if !v.other_indicators.is_empty() {
        let _ = writeln!(o, "\nOther indicators, latest value");
    }
    for r in &v.other_indicators {
        let line = format!("{}: {} ({}) {}", r.name, r.value, r.year, refs(&r.refs));
        o.push_str(&wrap("  ", &line, width));
    }
}

fn timeline(o: &mut String, v: &View, width: usize) {
    let _ = writeln!(o, "\nConflicts and events");
    if v.timeline.is_empty() {
        let _ = writeln!(o, "  none for {} in this store", v.entity_id);
    }
    for e in &v.timeline {
        let first = format!("  {:<11} {:<9}", e.when, e.kind);
        o.push_str(&wrap(
            &first,
            &format!("{} {}", e.title, refs(&e.refs)),
            width,
        ));
    }
}

fn claims_and_sources(o: &mut String, v: &View, width: usize) {
    if !v.claims.is_empty() {
        let _ = writeln!(o, "\nQuoted from the sources");
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
