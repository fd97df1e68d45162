//! The self-contained HTML rendering: inline SVG chart, tables, timeline and numbered sources;
//! no scripts, no external fonts or styles.

use std::fmt::Write;

use super::{money, when, Report};
use steppe::Result;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn refs(r: &Report, ids: &[String]) -> String {
    let mut n: Vec<usize> = ids
        .iter()
        .filter_map(|id| {
            r.sources
                .iter()
                .position(|s| &s.source_id == id)
                .map(|i| i + 1)
        })
        .collect();
    n.sort_unstable();
    n.dedup();
    n.iter()
        .map(|i| format!("<a class=\"ref\" href=\"#src-{i}\">[{i}]</a>"))
        .collect()
}

/// The report as one HTML page.
pub fn render_html(r: &Report) -> Result<String> {
    let e = &r.entity;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} — steppe report</title>\n<style>body{{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}}table{{border-collapse:collapse}}td,th{{padding:2px 10px;border-bottom:1px solid #ddd;text-align:right}}td:first-child,th:first-child{{text-align:left}}a.ref{{text-decoration:none;font-size:85%}}.note{{color:#666;font-size:90%}}</style></head><body>\n",
        esc(&e.name)
    );
    let _ = writeln!(
        o,
        "<h1>{} ({})</h1>\n<p class=\"note\">data: {}</p>",
        esc(&e.name),
        esc(&e.entity_id),
        esc(&r.store_name)
    );
    let _ = writeln!(
        o,
        "<h2>Profile {}</h2><ul>",
        refs(r, std::slice::from_ref(&e.source_id))
    );
    if let Some(n) = &e.name_official {
        let _ = writeln!(o, "<li>Official name: {}</li>", esc(n));
    }
    if let Some(reg) = &e.region {
        let _ = writeln!(o, "<li>Region (UN M49): {}</li>", esc(reg));
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
        let _ = writeln!(
            o,
            "<li>{}: {} {}</li>",
            esc(&m.role.to_string()),
            esc(&name),
            refs(r, &ids)
        );
    }
    for c in &r.claims {
        let mut ids = vec![c.document_id.clone()];
        ids.extend(c.cited_source_ids.iter().cloned());
        let _ = writeln!(o, "<li>“{}” {}</li>", esc(&c.text), refs(r, &ids));
    }
    o.push_str("</ul>\n");

    o.push_str("<h2>Partner shares over time</h2>\n<figure id=\"chart\">");
    o.push_str(&super::render_svg(r)?);
    o.push_str("</figure>\n");
    if let Some(year) = r.latest_year() {
        let _ = writeln!(o, "<h2>Trade with main partners, {year} (USD)</h2><table><tr><th>partner</th><th>exports</th><th>share</th><th>imports</th><th>share</th><th>sources</th></tr>");
        let rows: Vec<_> = r.shares.iter().filter(|s| s.year == year).collect();
        let mut partners: Vec<&String> = Vec::new();
        for s in &rows {
            if !partners.contains(&&s.partner_id) {
                partners.push(&s.partner_id);
            }
        }
        let mut recorded_only = false;
        for p in partners.iter().take(10) {
            let get = |d: &str| {
                rows.iter()
                    .find(|s| &&s.partner_id == p && s.direction == d)
            };
            let cell = |s: Option<&&steppe::analytics::PartnerShare>| match s {
                Some(s) => format!(
                    "<td>{}</td><td>{:.1}%</td>",
                    money(s.value),
                    s.share * 100.0
                ),
                None => "<td>–</td><td></td>".into(),
            };
            let mut ids = Vec::new();
            for s in [get("exports"), get("imports")].into_iter().flatten() {
                ids.extend(s.source_ids.iter().cloned());
                recorded_only |= s.total_basis == "recorded_partners";
            }
            let _ = writeln!(
                o,
                "<tr><td>{}</td>{}{}<td>{}</td></tr>",
                esc(&r.name(p)),
                cell(get("exports")),
                cell(get("imports")),
                refs(r, &ids)
            );
        }
        o.push_str("</table>\n");
        if recorded_only {
            let _ = writeln!(o, "<p class=\"note\">Shares are of the partners this store records for {year}, not of all trade (the store has no world total).</p>");
        }
    }
    let (a, b) = &r.pair;
    let _ = writeln!(o, "<h2>{} or {}?</h2><table><tr><th>year</th><th>measure</th><th>{}</th><th>{}</th><th>ratio</th><th>leans toward</th><th>sources</th></tr>", esc(&r.name(a)), esc(&r.name(b)), esc(a), esc(b));
    for d in &r.dependence {
        let ratio = d
            .ratio
            .map(|x| format!("{x:.2}"))
            .unwrap_or_else(|| "–".into());
        let _ = writeln!(o, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{ratio}</td><td>{}</td><td>{}</td></tr>", d.year, d.measure, money(d.value_a), money(d.value_b), esc(&r.name(&d.leans_toward)), refs(r, &d.source_ids));
    }
    o.push_str("</table>\n<h2>Indicators</h2>\n");
    if r.indicators.is_empty() {
        let _ = writeln!(o, "<p class=\"note\">No indicator series in this store (import World Bank WDI to add remittances, {}).</p>", super::REMITTANCES);
    }
    for (id, name, pts) in &r.indicators {
        let _ = writeln!(o, "<h3>{} <span class=\"note\">{}</span></h3><table><tr><th>year</th><th>value</th><th>sources</th></tr>", esc(name), esc(id));
        for p in pts {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{:.2}</td><td>{}</td></tr>",
                p.year,
                p.value,
                refs(r, &p.source_ids)
            );
        }
        o.push_str("</table>\n");
    }
    o.push_str("<h2>Timeline</h2>\n<ol id=\"timeline\">\n");
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
        let _ = writeln!(
            o,
            "<li><strong>{}</strong> {} {}</li>",
            esc(&when(ev)),
            esc(&title),
            refs(r, &ids)
        );
    }
    o.push_str("</ol>\n<h2>Sources</h2>\n<ol id=\"sources\">\n");
    for (i, s) in r.sources.iter().enumerate() {
        let _ = writeln!(
            o,
            "<li id=\"src-{}\">{}</li>",
            i + 1,
            esc(&steppe::cite::to_text(s))
        );
    }
    o.push_str("</ol>\n</body></html>\n");
    Ok(o)
}
