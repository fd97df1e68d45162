//! The report's charts, drawn with plotters into SVG (for the HTML page) or PNG, with an
//! embedded font (DejaVu Sans) so nothing is fetched and nothing depends on the machine's
//! fonts. Every chart has a title, the year axis with a tick at every year that has data,
//! the y axis with its unit, a legend and the source line drawn on the image; series from
//! different sources or perspectives are drawn differently ([`SeriesStyle`]): what the
//! country reports as solid lines with dots, what the partner reports (the mirror) dashed
//! with crosses, a document's restated figures as large triangles without a line.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use steppe::report::{year_runs, ChartView, Series, SeriesStyle, View};

use crate::glyphs::Glyphs;
use crate::layout::elide;
use steppe::{Error, Result};

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// Width of every chart, pixels.
pub const WIDTH: u32 = 1000;

/// Height of a line chart, pixels.
const HEIGHT: u32 = 560;

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

/// The colour of entry `i` (the palette repeats).
fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The pixel size of chart `c`: line charts are fixed, a timeline grows with its rows.
pub fn size(c: &ChartView) -> (u32, u32) {
    if c.rows.is_empty() {
        (WIDTH, HEIGHT)
    } else {
        (WIDTH, 150 + 26 * c.rows.len().max(1) as u32)
    }
}

/// The year ticks that get a label: every year with data when they fit, else every other
/// one (the first and last always).
fn labelled(years: &[i16]) -> Vec<i16> {
    if years.len() <= 24 {
        return years.to_vec();
    }
    let last = years.len() - 1;
    years
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0 || *i == last)
        .map(|(_, y)| *y)
        .collect()
}

/// Runs of consecutive years of a series (a line is not drawn across a gap).
fn runs(points: &[(i16, f64)]) -> Vec<Vec<(i32, f64)>> {
    let mut out: Vec<Vec<(i32, f64)>> = Vec::new();
    for &(y, v) in points {
        match out.last_mut() {
            Some(run) if run.last().is_some_and(|p| p.0 + 1 == y as i32) => run.push((y as i32, v)),
            _ => out.push(vec![(y as i32, v)]),
        }
    }
    out
}

type Err<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

fn err<DB: DrawingBackend>(e: Err<DB>) -> Error
where
    DB::ErrorType: 'static,
{
    Error::InvalidArgument(format!("chart: {e}"))
}

/// The source line at the bottom of the image (wrapped at `; ` onto as many lines as it
/// needs), and the area above it for the chart.
fn footer<DB: DrawingBackend>(
    c: &ChartView,
    root: &DrawingArea<DB, Shift>,
) -> Result<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(err::<DB>)?;
    let (w, h) = root.dim_in_pixel();
    let lines = source_lines(&c.source_line, (w as usize - 20) / 6);
    let (top, bottom) = root.split_vertically(h - 10 - 15 * lines.len() as u32);
    let style = ("sans-serif", 11).into_font().color(&BLACK.mix(0.75));
    for (i, line) in lines.iter().enumerate() {
        bottom
            .draw(&Text::new(
                line.as_str(),
                (10, 4 + 15 * i as i32),
                style.clone(),
            ))
            .map_err(err::<DB>)?;
    }
    Ok(top)
}

/// `text` cut into lines of at most `max` characters after its `; ` separators (a part
/// longer than a line is elided).
fn source_lines(text: &str, max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split("; ") {
        match out.last_mut() {
            Some(l) if l.chars().count() + 2 + part.chars().count() <= max => {
                l.push_str("; ");
                l.push_str(part);
            }
            _ => out.push(elide(part, max)),
        }
    }
    out
}

/// An axis value without spurious decimals: `2,500`, `12.5`, `0.75`.
fn axis_number(v: f64) -> String {
    if v.abs() >= 100.0 {
        steppe::report::format::fixed(v, 0)
    } else if v.abs() >= 10.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The y axis of a chart: its description (none when `None`), how many labels (plotters'
/// default when `None`) and their text.
struct YAxis<'f> {
    desc: Option<&'f str>,
    labels: Option<usize>,
    format: &'f dyn Fn(&f64) -> String,
}

/// What every chart has, on `area` (the image above its [`footer`]): the title, the year axis
/// from the year before the first to the year after the last (a tick at each, labels per
/// [`labelled`], the years with data in its description), and a y axis over `y` drawn per
/// `y_axis` in a label area `y_area` pixels wide.
fn frame<'a, DB: DrawingBackend>(
    c: &ChartView,
    area: &'a DrawingArea<DB, Shift>,
    y_area: u32,
    y: std::ops::Range<f64>,
    y_axis: YAxis,
) -> Result<Cartesian<'a, DB>>
where
    DB::ErrorType: 'static,
{
    let (lo, hi) = match (c.years.first(), c.years.last()) {
        (Some(a), Some(b)) => (*a as i32 - 1, *b as i32 + 1),
        _ => (2000, 2001),
    };
    let mut chart = ChartBuilder::on(area)
        .caption(&c.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(y_area)
        .build_cartesian_2d(lo..hi, y)
        .map_err(err::<DB>)?;
    let labels = labelled(&c.years);
    let x_format = |x: &i32| {
        if labels.contains(&(*x as i16)) {
            x.to_string()
        } else {
            String::new()
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels((hi - lo + 1) as usize)
        .x_label_formatter(&x_format)
        .x_desc(format!("year (data: {})", year_runs(&c.years)))
        .y_label_formatter(y_axis.format)
        .label_style(("sans-serif", 11))
        .axis_desc_style(("sans-serif", 13));
    if let Some(desc) = y_axis.desc {
        mesh.y_desc(desc);
    }
    if let Some(n) = y_axis.labels {
        mesh.y_labels(n);
    }
    mesh.draw().map_err(err::<DB>)?;
    Ok(chart)
}

/// The legend of the labelled series, boxed, at `position`.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Cartesian<'a, DB>,
    position: SeriesLabelPosition,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(err::<DB>)
}

fn draw_lines<DB: DrawingBackend>(c: &ChartView, root: DrawingArea<DB, Shift>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let area = footer(c, &root)?;
    let max = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0f64, f64::max);
    let top = if max > 0.0 { max * 1.12 } else { 1.0 };
    let y_axis = YAxis {
        desc: Some(&c.y_label),
        labels: None,
        format: &|y| axis_number(*y),
    };
    let mut chart = frame(c, &area, 64, 0.0..top, y_axis)?;
    for s in &c.series {
        draw_series(&mut chart, s)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    root.present().map_err(err::<DB>)?;
    Ok(())
}

type Cartesian<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordi32, plotters::coord::types::RangedCoordf64>,
>;

fn draw_series<'a, DB: DrawingBackend + 'a>(chart: &mut Cartesian<'a, DB>, s: &Series) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let col = color(s.color);
    let pts: Vec<(i32, f64)> = s.points.iter().map(|(y, v)| (*y as i32, *v)).collect();
    let anno = match s.style {
        SeriesStyle::Reported => {
            for run in runs(&s.points) {
                chart
                    .draw_series(LineSeries::new(run, col.stroke_width(2)))
                    .map_err(err::<DB>)?;
            }
            chart
                .draw_series(pts.iter().map(|p| Circle::new(*p, 3, col.filled())))
                .map_err(err::<DB>)?
        }
        SeriesStyle::Mirror => {
            for run in runs(&s.points) {
                chart
                    .draw_series(DashedLineSeries::new(run, 6, 4, col.stroke_width(2)))
                    .map_err(err::<DB>)?;
            }
            chart
                .draw_series(pts.iter().map(|p| Cross::new(*p, 5, col.stroke_width(2))))
                .map_err(err::<DB>)?
        }
        SeriesStyle::Reconciled => {
            for run in runs(&s.points) {
                chart
                    .draw_series(LineSeries::new(run, col.stroke_width(1)))
                    .map_err(err::<DB>)?;
            }
            chart
                .draw_series(pts.iter().map(|p| {
                    // A hollow square of 7 pixels centred on the point.
                    EmptyElement::at(*p) + Rectangle::new([(-3, -3), (3, 3)], col.stroke_width(1))
                }))
                .map_err(err::<DB>)?
        }
        SeriesStyle::Restated | SeriesStyle::Span => chart
            .draw_series(pts.iter().map(|p| TriangleMarker::new(*p, 9, col.filled())))
            .map_err(err::<DB>)?,
    };
    let anno = anno.label(s.label.as_str());
    match s.style {
        SeriesStyle::Reported => anno.legend(move |(x, y)| {
            EmptyElement::at((x, y))
                + PathElement::new(vec![(0, 0), (18, 0)], col.stroke_width(2))
                + Circle::new((9, 0), 3, col.filled())
        }),
        SeriesStyle::Mirror => anno.legend(move |(x, y)| {
            EmptyElement::at((x, y))
                + PathElement::new(vec![(0, 0), (5, 0)], col.stroke_width(2))
                + PathElement::new(vec![(13, 0), (18, 0)], col.stroke_width(2))
                + Cross::new((9, 0), 4, col.stroke_width(2))
        }),
        SeriesStyle::Reconciled => anno.legend(move |(x, y)| {
            EmptyElement::at((x, y))
                + PathElement::new(vec![(0, 0), (18, 0)], col.stroke_width(1))
                + Rectangle::new([(6, -3), (12, 3)], col.stroke_width(1))
        }),
        _ => anno.legend(move |(x, y)| TriangleMarker::new((x + 9, y), 7, col.filled())),
    };
    Ok(())
}

fn draw_timeline<DB: DrawingBackend>(c: &ChartView, root: DrawingArea<DB, Shift>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let area = footer(c, &root)?;
    let n = c.rows.len().max(1) as f64;
    let rows = &c.rows;
    let y_axis = YAxis {
        desc: None,
        labels: Some(rows.len().max(1)),
        format: &|y| {
            let i = y.round();
            if (y - i).abs() < 0.01 && i >= 0.0 {
                rows.get(i as usize)
                    .map(|r| elide(r, 52))
                    .unwrap_or_default()
            } else {
                String::new()
            }
        },
    };
    let mut chart = frame(c, &area, 330, (n - 0.5)..-0.5, y_axis)?;
    let mut labelled_styles: Vec<SeriesStyle> = Vec::new();
    for s in &c.series {
        let col = color(s.color);
        let anno = match s.style {
            SeriesStyle::Span => chart
                .draw_series(s.points.iter().map(|&(y, row)| {
                    Rectangle::new(
                        [(y as i32, row - 0.3), (y as i32 + 1, row + 0.3)],
                        col.mix(0.8).filled(),
                    )
                }))
                .map_err(err::<DB>)?,
            _ => chart
                .draw_series(
                    s.points
                        .iter()
                        .map(|&(y, row)| TriangleMarker::new((y as i32, row), 8, col.filled())),
                )
                .map_err(err::<DB>)?,
        };
        if !labelled_styles.contains(&s.style) {
            labelled_styles.push(s.style);
            let anno = anno.label(s.label.as_str());
            match s.style {
                SeriesStyle::Span => anno.legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 18, y + 5)], col.filled())
                }),
                _ => anno.legend(move |(x, y)| TriangleMarker::new((x + 9, y), 7, col.filled())),
            };
        }
    }
    if !labelled_styles.is_empty() {
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    }
    root.present().map_err(err::<DB>)?;
    Ok(())
}

fn draw<DB: DrawingBackend>(c: &ChartView, root: DrawingArea<DB, Shift>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    if c.rows.is_empty() {
        draw_lines(c, root)
    } else {
        draw_timeline(c, root)
    }
}

/// Chart `c` as an SVG document.
pub fn chart_svg(c: &ChartView) -> Result<String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size(c)).into_drawing_area();
        draw(c, root)?;
    }
    Ok(svg)
}

/// The main chart (the two-partner balance) as an SVG document.
pub fn svg(v: &View) -> Result<String> {
    chart_svg(main(v)?)
}

/// The view's main chart.
fn main(v: &View) -> Result<&ChartView> {
    v.charts
        .first()
        .ok_or_else(|| Error::InvalidArgument("the report has no chart".into()))
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

/// The main chart as a PNG file. Fails with one line when `path` does not end in `.png` or
/// cannot be written.
pub fn png(v: &View, path: &Path) -> Result<()> {
    check_png_path(path).map_err(Error::InvalidArgument)?;
    // Open the file here so that an unwritable path is one line naming it, not the drawing
    // backend's nested error.
    std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    register_font();
    let c = main(v)?;
    let root = Glyphs(BitMapBackend::new(path, size(c))).into_drawing_area();
    draw(c, root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_labels_and_runs() {
        let years: Vec<i16> = (1992..=2020).chain([2023]).collect();
        assert_eq!(year_runs(&years), "1992–2020, 2023");
        let l = labelled(&years);
        assert_eq!((l[0], *l.last().unwrap()), (1992, 2023));
        assert!(l.len() < years.len());
        assert_eq!(labelled(&[2019, 2020]), vec![2019, 2020]);
        let r = runs(&[(2019, 1.0), (2020, 2.0), (2023, 3.0)]);
        assert_eq!(r, vec![vec![(2019, 1.0), (2020, 2.0)], vec![(2023, 3.0)]]);
        assert_eq!(axis_number(2500.0), "2,500");
        assert_eq!(axis_number(12.5), "12");
        assert_eq!(axis_number(0.5), "0.5");
        assert_eq!(
            source_lines("[1] a; [2] b; [3] c", 12),
            vec!["[1] a; [2] b", "[3] c"]
        );
    }
}
