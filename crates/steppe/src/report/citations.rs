//! Numbering a report's sources: in the order the report first uses them, each work cited by
//! a cited source following the sources already numbered.

use std::collections::{BTreeMap, HashSet};

use crate::model::{Source, TradeFlow};

use super::Report;

/// The source ids a report uses, in the order it shows them (duplicates included): the
/// entity, memberships, claims, shares, the balance, the mirror, indicators, conflicts,
/// events, then the trade rows
/// behind the shares (`flows`, with the works they cite).
fn usage_order<'r>(r: &'r Report, flows: &[&'r TradeFlow]) -> Vec<&'r str> {
    let mut order: Vec<&str> = vec![&r.entity.source_id];
    for (m, o) in &r.memberships {
        order.push(&m.source_id);
        order.extend(m.cited_source_id.as_deref());
        order.extend(o.as_ref().map(|o| o.source_id.as_str()));
    }
    for c in &r.claims {
        order.push(&c.document_id);
        order.extend(c.cited_source_ids.iter().map(String::as_str));
    }
    for s in &r.shares {
        order.extend(s.source_ids.iter().map(String::as_str));
    }
    for d in r.balance.iter().flat_map(|b| &b.rows) {
        order.extend(d.source_ids.iter().map(String::as_str));
    }
    for m in &r.mirror {
        order.extend(m.source_ids.iter().map(String::as_str));
    }
    for p in r.indicators.iter().flat_map(|(_, _, pts)| pts) {
        order.extend(p.source_ids.iter().map(String::as_str));
    }
    for c in &r.conflicts {
        order.extend(c.source_ids.iter().map(String::as_str));
    }
    for e in &r.events {
        order.push(&e.source_id);
        order.extend(e.cited_source_id.as_deref());
    }
    for f in flows {
        order.push(&f.source_id);
        order.extend(f.cited_source_id.as_deref());
    }
    order
}

/// Fills `r.sources`: every source the report uses (found in `all`), numbered by first use,
/// then the works cited by those sources. Ids missing from `all` are skipped.
pub(super) fn number_sources(r: &mut Report, flows: &[&TradeFlow], all: &BTreeMap<String, Source>) {
    let mut seen: HashSet<String> = r.sources.iter().map(|s| s.source_id.clone()).collect();
    let mut cite = |numbered: &mut Vec<Source>, id: &str| {
        if let Some(s) = all.get(id).filter(|_| !seen.contains(id)) {
            numbered.push(s.clone());
            seen.insert(id.to_string());
        }
    };
    let mut numbered = Vec::new();
    for id in usage_order(r, flows) {
        cite(&mut numbered, id);
    }
    let cited_by: Vec<String> = r
        .sources
        .iter()
        .chain(&numbered)
        .filter_map(|s| s.cited_by.clone())
        .collect();
    for id in &cited_by {
        cite(&mut numbered, id);
    }
    r.sources.extend(numbered);
}
