//! World Bank World Development Indicators: the wide bulk CSV (`WDICSV.csv`, older
//! `WDIData.csv`), the per-indicator API download (`API_<code>_DS2_..._csv_v2_*.csv`, with a
//! preamble before the header), the DataBank export (`1994 [YR1994]` year headers, `..` for
//! missing, footer lines), and the metadata files `WDICountry.csv` /
//! `Metadata_Country_*.csv` (economies and aggregates) and `WDISeries.csv` /
//! `Metadata_Indicator_*.csv` (series definitions), also straight out of the API download's
//! zip ([`api_zip`]); and the layouts of one line per economy
//! and year (`points`): Datahub's long one-indicator `data.csv` (its indicator from the
//! `datapackage.json` beside it or [`WdiOptions::indicator`]), open-numbers DDF datapoints
//! (`economy,year,<indicator>`) and DataBank exports with time in rows. The layout is told by
//! the header; module `wide` reads the wide layout, `ctx` holds the rules they share.
//!
//! Accounting: the unit is the input line (a CSV record). A data line is accepted when every
//! year cell is a number or missing (blank or `..`) and its country resolves; it then yields
//! one observation per non-missing year (`rows_written.indicator_observations` counts them). A
//! line with any malformed cell is rejected whole (field = that year's column), so no line is
//! half-imported. A line with no value at all is skipped (`no_values`); DataBank footer lines
//! are skipped (`footer`). Blank lines are not rows. The preamble and the header are not rows.
//!
//! Entities: countries resolve through the crosswalk (scheme `wb`, then `iso3`). Codes the
//! crosswalk lacks become entities created by the importer, with the file as their source and
//! an `entity_codes` row of scheme `wb`: from the country metadata, rows with an empty Region
//! are aggregates (`WLD` is `world`) and rows with a Region are economies of type `country`
//! (Kosovo `XKX`, Channel Islands `CHI`); from a data file, an unknown code that the line names
//! (code and name) becomes an aggregate (`WLD` world; `XKX` and `CHI` country), and an unnamed
//! one is rejected `unknown_code`; DDF files name no economies, so there an unknown plausible
//! code becomes an aggregate named by its code (`WLD` the world, "World"). The crosswalk
//! holds economies only, so every World Bank aggregate code (`ECS`, `LMC`, ...) of a file
//! without country metadata becomes such an aggregate. In the point layouts the line yields
//! one observation per series with a value; a duplicate (economy, indicator, year) is
//! rejected `duplicate_row`, a bad year `malformed_year`.

mod api_zip;
mod ctx;
mod points;
mod wide;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::csv_reader::CsvRecord;
use super::events_common::{header_columns, Header};
use super::input::Digest;
use super::rows::{import_opened, Opened, Outcome, Publisher, Reader, RowFormat, RowRules};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::model::Source;
use crate::schema::Table;
use crate::{Error, Location, Result};
use ctx::Ctx;
use points::PointLayout;
use wide::DataLayout;

/// The importer name recorded in the store.
pub const IMPORTER: &str = "wdi";

const PUBLISHER: Publisher = Publisher {
    name: "World Bank",
    url: "https://datacatalog.worldbank.org/search/dataset/0037712",
    license: "CC-BY-4.0",
    terms: None,
};

/// Metadata files given explicitly (they are also recognised among the data files by their
/// header).
#[derive(Debug, Clone, Default)]
pub struct WdiOptions {
    /// `WDICountry.csv` or `Metadata_Country_*.csv` files.
    pub country_metadata: Vec<PathBuf>,
    /// `WDISeries.csv` or `Metadata_Indicator_*.csv` files.
    pub series_metadata: Vec<PathBuf>,
    /// The indicator code of long files (`Country Name,Country Code,Year,Value`), which
    /// otherwise comes from the `datapackage.json` beside each file.
    pub indicator: Option<String>,
}

/// The data layouts, as unknown headers' errors list them.
const LAYOUTS: &str = "one of: wide `Country Name,Country Code,Indicator Name,Indicator Code,1960,...` \
     (bulk, API_*.csv, DataBank with `1994 [YR1994]` years); long `Country Name,Country Code,Year,Value`; \
     open-numbers DDF `economy,year,<indicator>`; DataBank time in rows \
     `Time,Time Code,Country Name,Country Code,<Series> [CODE],...`; or WDICountry/WDISeries metadata";

/// Which WDI file a header announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WdiFileKind {
    /// Country metadata (`WDICountry.csv`, `Metadata_Country_*.csv`).
    CountryMetadata,
    /// Series metadata (`WDISeries.csv`, `Metadata_Indicator_*.csv`).
    SeriesMetadata,
    /// Values (`WDICSV.csv`, `WDIData.csv`, `API_*.csv`, DataBank exports).
    Data,
}

header_columns!("WDI country metadata", struct CountryLayout {
    code: need["country code"],
    region: need["region"],
    table_name: find["table name", "tablename"],
    short_name: find["short name"],
    long_name: find["long name"],
});

header_columns!("WDI series metadata", struct SeriesLayout {
    code: need["series code", "indicator_code"],
    name: need["indicator name", "indicator_name"],
    topic: find["topic"],
    short_def: find["short definition"],
    long_def: find["long definition", "source_note"],
    unit: find["unit of measure"],
    aggregation: find["aggregation method"],
    source: find["source", "source_organization"],
    license: find["license type"],
});

enum Layout {
    Data(DataLayout),
    Points(PointLayout),
    Countries(CountryLayout),
    Series(SeriesLayout),
}

impl Layout {
    fn kind(&self) -> WdiFileKind {
        match self {
            Layout::Data(_) | Layout::Points(_) => WdiFileKind::Data,
            Layout::Countries(_) => WdiFileKind::CountryMetadata,
            Layout::Series(_) => WdiFileKind::SeriesMetadata,
        }
    }
}

/// A file's layout, its header and the release date its preamble gives.
struct WdiLayout {
    layout: Layout,
    header: Header,
    version: Option<String>,
}

/// Imports WDI files into the store at `out`. Metadata files (given in `wdi` or recognised
/// among `files`) are imported first, each as its own source, then the data files. Every
/// header is checked before anything is written.
pub fn import(
    files: &[PathBuf],
    out: &Path,
    wdi: &WdiOptions,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let metadata = [
        (&wdi.country_metadata, WdiFileKind::CountryMetadata),
        (&wdi.series_metadata, WdiFileKind::SeriesMetadata),
    ];
    let given = metadata
        .iter()
        .flat_map(|(paths, kind)| paths.iter().map(|p| (p, Some(*kind))));
    let all = given.chain(files.iter().map(|p| (p, None)));
    let mut opened = Vec::new();
    for (p, want) in all {
        for o in open(p, wdi.indicator.as_deref(), options)? {
            let kind = o.layout.layout.kind();
            if let Some(want) = want.filter(|w| *w != kind) {
                let (want, kind) = (kind_name(want), kind_name(kind));
                let message =
                    format!("expected a WDI {want} file, but its header is that of a {kind} file");
                return Err(Error::format(Location::file(&o.input.path), message));
            }
            opened.push(o);
        }
    }
    // Metadata first, so data lines find their aggregates and indicators.
    opened.sort_by_key(|o| o.layout.layout.kind());
    let format = Wdi {
        indicator: wdi.indicator.clone(),
    };
    import_opened(&format, opened, out, options)
}

/// Tells which WDI file `path` is, from its header (of an API download zip: its data file).
pub fn detect(path: impl AsRef<Path>) -> Result<WdiFileKind> {
    let opened = open(path.as_ref(), None, &ImportOptions::default())?;
    Ok(opened[0].layout.layout.kind())
}

fn kind_name(k: WdiFileKind) -> &'static str {
    match k {
        WdiFileKind::CountryMetadata => "country metadata",
        WdiFileKind::SeriesMetadata => "series metadata",
        WdiFileKind::Data => "data",
    }
}

/// Reads a file's header: one file, or the CSV files of an API download zip (data first;
/// any other zip is refused, see [`api_zip`]).
fn open(
    path: &Path,
    indicator: Option<&str>,
    options: &ImportOptions,
) -> Result<Vec<Opened<WdiLayout>>> {
    let format = Wdi {
        indicator: indicator.map(String::from),
    };
    if api_zip::is_zip(path) {
        let members = api_zip::members(path, options.max_expanded_bytes)?;
        return members
            .into_iter()
            .map(|m| super::rows::open_input(&format, m, options))
            .collect();
    }
    Ok(vec![super::rows::open(&format, path, options)?])
}

/// The WDI formats, with the indicator code given for long files.
struct Wdi {
    indicator: Option<String>,
}

impl RowFormat for Wdi {
    type Layout = WdiLayout;
    type Rules = WdiFile;
    const IMPORTER: &'static str = IMPORTER;
    const MEMBER: &'static str = "";

    /// The file, or a member of an API download zip (see [`api_zip`]).
    fn content(
        &self,
        input: &InputFile,
        max_expanded: u64,
    ) -> Result<(Box<dyn Read + Send>, Option<Digest>)> {
        match api_zip::member_of(&input.path) {
            // The member's sha256 is already its content's (`api_zip::members`).
            Some((zip, name)) => {
                let bytes = api_zip::read(zip, &name, max_expanded)?;
                Ok((Box::new(std::io::Cursor::new(bytes)), None))
            }
            None => input.open_digested(Self::MEMBER, max_expanded),
        }
    }

    fn require_content(&self, input: &InputFile, max_expanded: u64) -> Result<()> {
        match api_zip::member_of(&input.path) {
            Some((zip, name)) => api_zip::read(zip, &name, max_expanded).map(|_| ()),
            None => input.require_content(Self::MEMBER, max_expanded),
        }
    }

    /// Reads up to the header, past the API download's preamble.
    fn layout(&self, r: &mut Reader, path: &Path) -> Result<(WdiLayout, Option<CsvRecord>)> {
        let mut rec = CsvRecord::default();
        let mut version = None;
        for _ in 0..64 {
            if !r.read(&mut rec)? {
                break;
            }
            if rec.is_blank() {
                continue;
            }
            let first = rec.text(0).to_ascii_lowercase();
            // The API download's preamble: `"Data Source","World Development Indicators",`
            // and `"Last Updated Date","2024-12-16",`, separated by blank lines.
            if first == "data source" {
                continue;
            }
            if first == "last updated date" {
                version = Some(rec.text(1).into_owned()).filter(|v| !v.is_empty());
                continue;
            }
            let header = Header::new(&rec);
            let layout = classify(&header, path, rec.line(), self.indicator.as_deref())?;
            let layout = WdiLayout {
                layout,
                header,
                version,
            };
            return Ok((layout, None));
        }
        Err(Error::format(
            Location::file(path).row(1),
            format!("no WDI header found (expected {LAYOUTS})"),
        ))
    }

    fn source(&self, input: &InputFile, l: &WdiLayout) -> Source {
        if let Layout::Points(p) = &l.layout {
            return points::source(input, p, &PUBLISHER);
        }
        let kind = kind_name(l.layout.kind());
        let title = format!("World Development Indicators ({kind}, {})", input.name);
        PUBLISHER.source(IMPORTER, input, title, l.version.as_deref())
    }

    fn rules(&self, l: WdiLayout, run: &mut ImportRun) -> Result<WdiFile> {
        let view = run.view();
        let ctx = Ctx {
            header: l.header,
            codes: view.code_index()?,
            entity_ids: view.entity_ids()?,
            indicator_ids: view.key_set(Table::Indicators, "indicator_id", None)?,
            source_id: run.source_id().to_string(),
            new_entities: Vec::new(),
            new_codes: Vec::new(),
            new_indicators: Vec::new(),
            obs: Vec::new(),
            interned: HashMap::new(),
            seen_pairs: HashSet::new(),
            seen_points: HashSet::new(),
        };
        Ok(WdiFile {
            layout: l.layout,
            ctx,
        })
    }
}

/// The layout a header announces: metadata, a layout of one line per economy and year,
/// else the wide layout (whose errors list every layout).
fn classify(h: &Header, path: &Path, line: u64, indicator: Option<&str>) -> Result<Layout> {
    let has = |aliases: &[&str]| h.find(aliases).is_some();
    // Series metadata: WDISeries.csv or Metadata_Indicator_*.csv.
    let series =
        has(&["series code", "indicator_code"]) && has(&["indicator name", "indicator_name"]);
    if series && !has(&["country code"]) {
        return Ok(Layout::Series(SeriesLayout::find(h, path)?));
    }
    // Country metadata: WDICountry.csv or Metadata_Country_*.csv.
    if has(&["country code"]) && has(&["region"]) {
        return Ok(Layout::Countries(CountryLayout::find(h, path)?));
    }
    if let Some(p) = points::classify(h, path, line, indicator)? {
        return Ok(Layout::Points(p));
    }
    wide::classify(h, path, line).map(Layout::Data)
}

/// One WDI file being imported: its layout, what it resolves against and what it buffered.
struct WdiFile {
    layout: Layout,
    ctx: Ctx,
}

impl RowRules for WdiFile {
    fn row(&mut self, rec: &CsvRecord) -> Outcome {
        if self.layout.kind() == WdiFileKind::Data && is_footer(rec) {
            return Outcome::Skip("footer");
        }
        if let Err(b) = self.ctx.header.check_width(rec) {
            return Outcome::Reject(b);
        }
        let line = rec.line();
        let outcome = match &self.layout {
            Layout::Data(l) => self.ctx.data_row(rec, l, line),
            Layout::Points(l) => self.ctx.point_row(rec, l, line),
            Layout::Countries(l) => self.ctx.country_row(rec, l, line),
            Layout::Series(l) => self.ctx.series_row(rec, l, line),
        };
        outcome.unwrap_or_else(Outcome::Reject)
    }

    fn buffered(&self) -> usize {
        self.ctx.obs.len()
    }

    fn flush(&mut self, run: &mut ImportRun) -> Result<()> {
        run.write_all(&mut self.ctx.obs)?;
        run.write_all(&mut self.ctx.new_entities)?;
        run.write_all(&mut self.ctx.new_codes)?;
        run.write_all(&mut self.ctx.new_indicators)
    }
}

/// A DataBank footer line: `Data from database: ...`, `Last Updated: ...`, nothing else.
fn is_footer(rec: &CsvRecord) -> bool {
    let first = rec.text(0);
    (first.starts_with("Data from database") || first.starts_with("Last Updated"))
        && (1..rec.len()).all(|i| rec.text(i).is_empty())
}

#[cfg(test)]
mod tests {
    use super::ctx::license_id;
    use super::wide::year_column;

    #[test]
    fn year_columns_and_licences() {
        assert_eq!(year_column("1994"), Some(1994));
        assert_eq!(year_column("1994 [YR1994]"), Some(1994));
        assert_eq!(year_column("1994 [YR1995]"), None);
        assert_eq!(year_column("Indicator Code"), None);
        assert_eq!(license_id("CC BY-4.0").as_deref(), Some("CC-BY-4.0"));
        assert_eq!(license_id("CC BY 4.0").as_deref(), Some("CC-BY-4.0"));
        assert_eq!(license_id("Custom").as_deref(), Some("Custom"));
        assert_eq!(license_id(" "), None);
    }
}
