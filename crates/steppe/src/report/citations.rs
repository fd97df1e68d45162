//! Numbering a report's sources: in the order the report first uses them, each work cited by
//! a cited source following the sources already numbered.

use std::collections::{BTreeMap, HashSet};

use crate::model::{Source, TradeFlow};

use super::Report;

/// The source ids a report uses, in the order it shows them (duplicates included): the
/// entity, memberships, claims, shares, the balance, the mirror, indicators, conflicts,
/// events, then the trade rows
/// behind the shares (`flows`, with the works they cite).
fn usage_order(r: &Report, flows: &[TradeFlow]) -> Vec<String> {
    let mut order: Vec<String> = vec![r.entity.source_id.clone()];
    for (m, o) in &r.memberships {
        order.push(m.source_id.clone());
        order.extend(m.cited_source_id.clone());
        order.extend(o.as_ref().map(|o| o.source_id.clone()));
    }
    for c in &r.claims {
        order.push(c.document_id.clone());
        order.extend(c.cited_source_ids.iter().cloned());
    }
    for s in &r.shares {
        order.extend(s.source_ids.iter().cloned());
    }
    for d in r.balance.iter().flat_map(|b| &b.rows) {
        order.extend(d.source_ids.iter().cloned());
    }
    for m in &r.mirror {
        order.extend(m.source_ids.iter().cloned());
    }
    for p in r.indicators.iter().flat_map(|(_, _, pts)| pts) {
        order.extend(p.source_ids.iter().cloned());
    }
    for c in &r.conflicts {
        order.extend(c.source_ids.iter().cloned());
    }
    for e in &r.events {
        order.push(e.source_id.clone());
        order.extend(e.cited_source_id.clone());
    }
    for f in flows {
        order.push(f.source_id.clone());
        order.extend(f.cited_source_id.clone());
    }
    order
}

/// Fills `r.sources`: every source the report uses (found in `all`), numbered by first use,
/// then the works cited by those sources. Ids missing from `all` are skipped.
pub(super) fn number_sources(r: &mut Report, flows: &[TradeFlow], all: &BTreeMap<String, Source>) {
    let mut seen: HashSet<String> = r.sources.iter().map(|s| s.source_id.clone()).collect();
    let mut cite = |sources: &mut Vec<Source>, id: String| {
        if let Some(s) = all.get(&id).filter(|_| !seen.contains(&id)) {
            sources.push(s.clone());
            seen.insert(id);
        }
    };
    for id in usage_order(r, flows) {
        cite(&mut r.sources, id);
    }
    let cited_by: Vec<String> = r
        .sources
        .iter()
        .filter_map(|s| s.cited_by.clone())
        .collect();
    for id in cited_by {
        cite(&mut r.sources, id);
    }
}
