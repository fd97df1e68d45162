//! The partner-share chart: for every year, a bar of exports and a bar of imports, each split
//! by partner. Drawn with plotters into SVG (for the HTML page) or PNG, with an embedded font
//! (DejaVu Sans) so nothing is fetched and nothing depends on the machine's fonts.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use steppe::report::{ChartView, View};

use crate::glyphs::Glyphs;
use steppe::{Error, Result};

const PALETTE: [RGBColor; 7] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(160, 160, 160),
];

static FONT: Once = Once::new();

pub(crate) fn register_font() {
    FONT.call_once(|| {
        // DejaVu Sans ships inside the `dejavu` crate; a failure here would be a broken build.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

/// The colour of legend entry `i` (the last colour for any beyond the palette).
fn color(i: usize) -> RGBColor {
    PALETTE[i.min(PALETTE.len() - 1)]
}

fn draw<DB: DrawingBackend>(c: &ChartView, root: DrawingArea<DB, Shift>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let err =
        |e: DrawingAreaErrorKind<DB::ErrorType>| Error::InvalidArgument(format!("chart: {e}"));
    root.fill(&WHITE).map_err(err)?;
    let (lo, hi) = match (c.years.first(), c.years.last()) {
        (Some(a), Some(b)) => (*a as f64 - 0.6, *b as f64 + 0.6),
        _ => (0.0, 1.0),
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(&c.title, ("sans-serif", 20))
        .margin(12)
        .margin_right(170)
        .x_label_area_size(36)
        .y_label_area_size(50)
        .build_cartesian_2d(lo..hi, 0.0..1.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(c.years.len().clamp(1, 12))
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    for bar in &c.bars {
        let x = bar.year as f64;
        let (x0, x1) = if bar.exports {
            (x - 0.38, x - 0.03)
        } else {
            (x + 0.03, x + 0.38)
        };
        let mut y = 0.0;
        for &(i, share) in &bar.parts {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0, y), (x1, y + share)],
                    color(i).filled(),
                )))
                .map_err(err)?;
            y += share;
        }
    }
    // Legend at the right.
    let (w, _) = root.dim_in_pixel();
    for (i, name) in c.legend.iter().enumerate() {
        let y = 60 + 24 * i as i32;
        let x = w as i32 - 150;
        root.draw(&Rectangle::new(
            [(x, y), (x + 14, y + 14)],
            color(i).filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(name.as_str(), (x + 20, y), ("sans-serif", 13)))
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}

/// The chart as an SVG document (900 × 480).
pub fn svg(v: &View) -> Result<String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 480)).into_drawing_area();
        draw(&v.chart, root)?;
    }
    Ok(svg)
}

/// Checks that `path` names a PNG file (ends in `.png`, any case): the one format the chart
/// is written in. The error reads `PATH: ...` and names the supported format.
pub fn check_png_path(path: &Path) -> std::result::Result<(), String> {
    let png = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    if png {
        Ok(())
    } else {
        Err(format!(
            "{}: the chart is written as PNG only; give a file name ending in .png",
            path.display()
        ))
    }
}

/// The chart as a PNG file (900 × 480). Fails with one line when `path` does not end in `.png` or cannot
/// be written.
pub fn png(v: &View, path: &Path) -> Result<()> {
    check_png_path(path).map_err(Error::InvalidArgument)?;
    // Open the file here so that an unwritable path is one line naming it, not the drawing
    // backend's nested error.
    std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    register_font();
    let root = Glyphs(BitMapBackend::new(path, (900, 480))).into_drawing_area();
    draw(&v.chart, root)
}
