//! Renderings of a country report ([`steppe::report`]): the terminal text ([`text`]), one
//! self-contained HTML page ([`html`], a minijinja template that escapes by default, every
//! chart inlined as SVG) and the main chart ([`svg`], [`png`]: the two-partner balance),
//! drawn with plotters. Each takes the report's [`View`], whose rows are formatted once, so
//! every rendering shows the same figures.
//!
//! The CLI (`steppe report`) and the Python bindings (`steppe.report`) both render through
//! this crate; neither depends on the other for it.
//!
//! ```no_run
//! use steppe::report::{build, View};
//! let store = steppe::Store::bundled()?;
//! let view = View::new(&build(&store, "TJK", ("RUS", "CHN"))?);
//! print!("{}", steppe_report::text(&view, steppe_report::DEFAULT_WIDTH));
//! # Ok::<(), steppe::Error>(())
//! ```
#![warn(missing_docs)]

mod chart;
mod glyphs;
mod html;
pub mod layout;
mod text;

pub use chart::{chart_svg, check_png_path, png, size, svg, WIDTH};
pub use html::html;
pub use steppe::report::View;
pub use text::{text, DEFAULT_WIDTH};
