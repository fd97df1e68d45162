//! The self-contained HTML rendering: a minijinja template (`templates/report.html`) that
//! escapes every value, with every chart inlined as SVG.

use minijinja::{context, Environment, Value};
use steppe::report::{View, REMITTANCES};
use steppe::{Error, Result};

/// The page template, built into the binary.
const TEMPLATE: &str = include_str!("../templates/report.html");

/// The report as one HTML page (no scripts, no external fonts or styles). Errors: a chart
/// that cannot be drawn, or a template error (a bug), as [`Error::InvalidArgument`].
pub fn html(v: &View) -> Result<String> {
    // (id, svg) of every chart with something to draw.
    let mut charts = Vec::new();
    for c in v.charts.iter().filter(|c| !c.is_empty()) {
        // plotters' own markup (it escapes the text it draws).
        charts.push((c.id.clone(), Value::from_safe_string(crate::chart_svg(c)?)));
    }
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    let err = |e: minijinja::Error| Error::InvalidArgument(format!("report template: {e:#}"));
    env.add_template("report.html", TEMPLATE).map_err(err)?;
    let page = env.get_template("report.html").map_err(err)?;
    page.render(context! {
        v => Value::from_serialize(v),
        charts => charts,
        remittances => REMITTANCES,
    })
    .map_err(err)
}
