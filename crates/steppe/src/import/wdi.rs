//! World Bank World Development Indicators: the wide bulk CSV (`WDICSV.csv`, older
//! `WDIData.csv`), the per-indicator API download (`API_<code>_DS2_..._csv_v2_*.csv`, with a
//! preamble before the header), the DataBank export (`1994 [YR1994]` year headers, `..` for
//! missing, footer lines), and the metadata files `WDICountry.csv` /
//! `Metadata_Country_*.csv` (economies and aggregates) and `WDISeries.csv` /
//! `Metadata_Indicator_*.csv` (series definitions).
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
//! one is rejected `unknown_code`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::csv_reader::CsvRecord;
use super::events_common::{header_columns, Header};
use super::rows::{
    bad, import_opened, Bad, Checked, Opened, Outcome, Publisher, Reader, RowFormat, RowRules,
};
use super::trade::NewArea;
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{
    Derivation, Entity, EntityCode, EntityType, Indicator, IndicatorObservation, ObsStatus, Scheme,
    Source,
};
use crate::schema::Table;
use crate::{Error, Location, Result};

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
}

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

/// The named columns of a data file (as errors name them) and their lower-case aliases.
const DATA_COLUMNS: [(&str, &[&str]); 4] = [
    ("Country Name", &["country name"]),
    ("Country Code", &["country code"]),
    ("Indicator Name", &["indicator name", "series name"]),
    ("Indicator Code", &["indicator code", "series code"]),
];

struct DataLayout {
    country_name: usize,
    country_code: usize,
    indicator_name: usize,
    indicator_code: usize,
    years: Vec<(usize, i16)>,
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
    Countries(CountryLayout),
    Series(SeriesLayout),
}

impl Layout {
    fn kind(&self) -> WdiFileKind {
        match self {
            Layout::Data(_) => WdiFileKind::Data,
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
        let o = open(p, options)?;
        let kind = o.layout.layout.kind();
        if let Some(want) = want.filter(|w| *w != kind) {
            let (want, kind) = (kind_name(want), kind_name(kind));
            let message =
                format!("expected a WDI {want} file, but its header is that of a {kind} file");
            return Err(Error::format(Location::file(p), message));
        }
        opened.push(o);
    }
    // Metadata first, so data lines find their aggregates and indicators.
    opened.sort_by_key(|o| o.layout.layout.kind());
    import_opened(&Wdi, opened, out, options)
}

/// Tells which WDI file `path` is, from its header.
pub fn detect(path: impl AsRef<Path>) -> Result<WdiFileKind> {
    let opened = open(path.as_ref(), &ImportOptions::default())?;
    Ok(opened.layout.layout.kind())
}

fn kind_name(k: WdiFileKind) -> &'static str {
    match k {
        WdiFileKind::CountryMetadata => "country metadata",
        WdiFileKind::SeriesMetadata => "series metadata",
        WdiFileKind::Data => "data",
    }
}

/// Reads a file's header; WDI archives are refused (they hold several kinds of file).
fn open(path: &Path, options: &ImportOptions) -> Result<Opened<WdiLayout>> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        return Err(Error::InvalidArgument(format!(
            "{}: WDI archives hold several CSV files; extract it and pass the CSV files \
             (data, WDICountry/Metadata_Country, WDISeries/Metadata_Indicator)",
            path.display()
        )));
    }
    super::rows::open(&Wdi, path, options)
}

/// The WDI formats.
struct Wdi;

impl RowFormat for Wdi {
    type Layout = WdiLayout;
    type Rules = WdiFile;
    const IMPORTER: &'static str = IMPORTER;
    const MEMBER: &'static str = "";

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
            let layout = classify(&header, path, rec.line())?;
            let layout = WdiLayout {
                layout,
                header,
                version,
            };
            return Ok((layout, None));
        }
        Err(Error::format(
            Location::file(path).row(1),
            "no WDI header found (expected `Country Name,Country Code,Indicator Name,Indicator Code,1960,...`, \
             a DataBank export, or a WDICountry/WDISeries metadata file)",
        ))
    }

    fn source(&self, input: &InputFile, l: &WdiLayout) -> Source {
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
        };
        Ok(WdiFile {
            layout: l.layout,
            ctx,
        })
    }
}

/// `1994` or `1994 [YR1994]`.
fn year_column(name: &str) -> Option<i16> {
    let digits = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    if digits(name) {
        return name.parse().ok();
    }
    let (y, rest) = name.split_once(' ')?;
    let inner = rest.strip_prefix("[YR")?.strip_suffix(']')?;
    (digits(y) && inner == y).then(|| y.parse().ok()).flatten()
}

fn classify(h: &Header, path: &Path, line: u64) -> Result<Layout> {
    let at = |field: &str| Location::file(path).row(line).field(field);
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
    // Data: strict, so that no column is silently dropped.
    let mut named = [None; 4];
    let mut years = Vec::new();
    let last = h.names.len().saturating_sub(1);
    for (i, name) in h.names.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        let slot = DATA_COLUMNS
            .iter()
            .position(|(_, a)| a.contains(&lower.as_str()));
        if let Some(k) = slot {
            if named[k].replace(i).is_some() {
                let message = format!("column `{name}` appears twice");
                return Err(Error::format(at(name), message));
            }
        } else if let Some(y) = year_column(name) {
            // Found by fuzzing (issue 8): a year column such as `4038` was accepted and its
            // observations committed, failing validation's year range.
            if !(1800..=2100).contains(&y) {
                let message =
                    format!("year column `{name}` is outside 1800..2100: not a WDI header");
                return Err(Error::format(at(name), message));
            }
            years.push((i, y));
        } else if !(name.is_empty() && i == last && i > 0) {
            return Err(Error::format(
                at(name),
                format!(
                    "unexpected column `{name}` in a WDI header; expected `Country Name, Country Code, \
                     Indicator Name, Indicator Code` (or `Series Name, Series Code`) and year columns \
                     such as `1960` or `1994 [YR1994]`"
                ),
            ));
        }
    }
    let need = |k: usize| {
        let name = DATA_COLUMNS[k].0;
        named[k].ok_or_else(|| {
            Error::format(at(name), format!("the WDI header has no `{name}` column"))
        })
    };
    if years.is_empty() {
        return Err(Error::format(
            at(&h.names[0]),
            "the WDI header has no year columns (`1960`, ... or `1994 [YR1994]`)",
        ));
    }
    Ok(Layout::Data(DataLayout {
        country_name: need(0)?,
        country_code: need(1)?,
        indicator_name: need(2)?,
        indicator_code: need(3)?,
        years,
    }))
}

/// What a line of a WDI file makes, or why it is refused.
type Row = Checked<Outcome>;

/// What the store holds, plus what this file has created so far.
struct Ctx {
    header: Header,
    source_id: String,
    codes: CodeIndex,
    /// Entity ids of the store and those this file created.
    entity_ids: HashSet<String>,
    indicator_ids: HashSet<String>,
    new_entities: Vec<Entity>,
    new_codes: Vec<EntityCode>,
    new_indicators: Vec<Indicator>,
    /// The observations of a data file, buffered.
    obs: Vec<IndicatorObservation>,
    /// Entity and indicator ids as small keys, for the check that a line is no duplicate.
    interned: HashMap<String, u32>,
    seen_pairs: HashSet<(u32, u32)>,
}

impl Ctx {
    /// A line refused at `column`, named from the header.
    fn bad_at(&self, column: usize, reason: &'static str, detail: impl Into<String>) -> Bad {
        bad(&self.header.names[column], reason, detail)
    }

    /// The entity of a country code: the crosswalk's (scheme `wb`, then `iso3`), else an
    /// entity of the store or of this file.
    fn resolve(&self, code: &str) -> Option<String> {
        [Scheme::Wb, Scheme::Iso3]
            .into_iter()
            .find_map(|scheme| self.codes.resolve(scheme, code, None).ok())
            .map(String::from)
            .or_else(|| self.entity_ids.get(code).cloned())
    }

    fn create_entity(
        &mut self,
        code: &str,
        name: &str,
        official: Option<String>,
        entity_type: EntityType,
        line: u64,
        why: &str,
    ) -> String {
        let locator = format!("line {line}: {why}");
        let scheme_code = (Scheme::Wb, code.to_string());
        let mut created = NewArea::entity(
            code,
            name.to_string(),
            entity_type,
            scheme_code,
            &self.source_id,
            locator,
        );
        created.entity.name_official = official;
        self.new_entities.push(created.entity);
        self.new_codes.push(created.code);
        self.entity_ids.insert(code.to_string());
        code.to_string()
    }

    /// A data line: one observation per year with a value, its entity and indicator
    /// resolved or created.
    fn data_row(&mut self, rec: &CsvRecord, l: &DataLayout, line: u64) -> Row {
        let mut values = Vec::new();
        for &(i, year) in &l.years {
            let cell = rec.text(i);
            if cell.is_empty() || cell == ".." {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push((year, v)),
                _ => {
                    return Err(self.bad_at(
                        i,
                        "malformed_number",
                        format!("`{cell}` is not a number (missing values are blank or `..`)"),
                    ))
                }
            }
        }
        if values.is_empty() {
            return Ok(Outcome::Skip("no_values"));
        }
        let entity_id = self.entity_of(rec, l, line)?;
        let icode = rec.text(l.indicator_code).into_owned();
        if icode.is_empty() {
            return Err(self.bad_at(l.indicator_code, "missing_value", "no indicator code"));
        }
        let indicator_id = format!("wdi:{icode}");
        let mut key = |id: &str| {
            let n = self.interned.len() as u32;
            *self.interned.entry(id.to_string()).or_insert(n)
        };
        let pair = (key(&entity_id), key(&indicator_id));
        if !self.seen_pairs.insert(pair) {
            return Err(self.bad_at(
                l.indicator_code,
                "duplicate_row",
                format!("{entity_id} / {icode} appears on an earlier line"),
            ));
        }
        if !self.indicator_ids.contains(&indicator_id) {
            let name = rec.text(l.indicator_name);
            let name = if name.is_empty() { &icode } else { &*name };
            self.name_only_indicator(&indicator_id, name, &icode, line);
        }
        for (year, value) in values {
            self.obs.push(IndicatorObservation {
                indicator_id: indicator_id.clone(),
                entity_id: entity_id.clone(),
                year,
                period: None,
                value,
                obs_status: ObsStatus::Reported,
                source_id: self.source_id.clone(),
                source_locator: None,
                source_line: Some(line as i64),
                cited_source_id: None,
                derivation: Derivation::AsPublished,
            });
        }
        Ok(Outcome::Accept(()))
    }

    /// The entity of a data line: resolved, or created when the line names a plausible code.
    fn entity_of(&mut self, rec: &CsvRecord, l: &DataLayout, line: u64) -> Checked<String> {
        let code = rec.text(l.country_code).into_owned();
        if let Some(e) = self.resolve(&code) {
            return Ok(e);
        }
        let name = rec.text(l.country_name).into_owned();
        let plausible = code.len() == 3
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !plausible || name.is_empty() {
            return Err(self.bad_at(
                l.country_code,
                "unknown_code",
                format!(
                    "`{code}` is not in the crosswalk (schemes wb, iso3) nor in the country \
                     metadata, and the line does not name it"
                ),
            ));
        }
        let entity_type = match code.as_str() {
            "WLD" => EntityType::World,
            "XKX" | "CHI" => EntityType::Country,
            _ => EntityType::Aggregate,
        };
        let why = "named in the data but not in the crosswalk or the country metadata";
        Ok(self.create_entity(&code, &name, None, entity_type, line, why))
    }

    /// An indicator known from a data line only (its name, no definition).
    fn name_only_indicator(&mut self, id: &str, name: &str, code: &str, line: u64) {
        self.new_indicators.push(Indicator {
            indicator_id: id.to_string(),
            name: name.to_string(),
            source_series_code: code.to_string(),
            source_id: self.source_id.clone(),
            source_locator: Some(format!(
                "line {line} (name only: import WDISeries.csv or Metadata_Indicator_*.csv first for the definition)"
            )),
            ..Default::default()
        });
        self.indicator_ids.insert(id.to_string());
    }

    /// A country metadata line: an economy or aggregate the crosswalk lacks becomes an entity.
    fn country_row(&mut self, rec: &CsvRecord, l: &CountryLayout, line: u64) -> Row {
        let code = rec.text(l.code).into_owned();
        if code.is_empty() {
            return Err(self.bad_at(l.code, "missing_value", "no country code"));
        }
        if self.resolve(&code).is_some() {
            return Ok(Outcome::Skip("entity_exists"));
        }
        let pick = |i| text_at(rec, i);
        let name = pick(l.table_name)
            .or_else(|| pick(l.short_name))
            .unwrap_or_else(|| code.clone());
        let official = pick(l.long_name).filter(|n| *n != name);
        let has_region = !rec.text(l.region).is_empty();
        let (entity_type, why) = match (code.as_str(), has_region) {
            ("WLD", _) => (EntityType::World, "aggregate (empty Region): the world"),
            (_, false) => (EntityType::Aggregate, "aggregate (empty Region)"),
            (_, true) => (
                EntityType::Country,
                "economy (has a Region) missing from the ISO-based crosswalk",
            ),
        };
        self.create_entity(&code, &name, official, entity_type, line, why);
        Ok(Outcome::Accept(()))
    }

    /// A series metadata line: an indicator with its definition.
    fn series_row(&mut self, rec: &CsvRecord, l: &SeriesLayout, line: u64) -> Row {
        let code = rec.text(l.code).into_owned();
        let name = rec.text(l.name).into_owned();
        for (value, i) in [(&code, l.code), (&name, l.name)] {
            if value.is_empty() {
                return Err(self.bad_at(i, "missing_value", "empty"));
            }
        }
        let id = format!("wdi:{code}");
        if self.indicator_ids.contains(&id) {
            return Ok(Outcome::Skip("indicator_exists"));
        }
        let pick = |i| text_at(rec, i);
        self.new_indicators.push(Indicator {
            indicator_id: id.clone(),
            name,
            definition: pick(l.long_def).or_else(|| pick(l.short_def)),
            unit: pick(l.unit),
            topic: pick(l.topic),
            aggregation_method: pick(l.aggregation),
            source_series_code: code,
            source_note: pick(l.source),
            license: l.license.and_then(|i| license_id(&rec.text(i))),
            source_id: self.source_id.clone(),
            source_locator: Some(format!("line {line}")),
        });
        self.indicator_ids.insert(id);
        Ok(Outcome::Accept(()))
    }
}

/// The SPDX id of a WDISeries `License Type`.
fn license_id(raw: &str) -> Option<String> {
    let t = raw.trim();
    let norm: String = t
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    if norm.eq_ignore_ascii_case("CCBY4.0") {
        return Some("CC-BY-4.0".into());
    }
    Some(t.to_string()).filter(|t| !t.is_empty())
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

/// The text of an optional column, when not empty.
fn text_at(rec: &CsvRecord, i: Option<usize>) -> Option<String> {
    Some(rec.text(i?).into_owned()).filter(|s| !s.is_empty())
}

/// A DataBank footer line: `Data from database: ...`, `Last Updated: ...`, nothing else.
fn is_footer(rec: &CsvRecord) -> bool {
    let first = rec.text(0);
    (first.starts_with("Data from database") || first.starts_with("Last Updated"))
        && (1..rec.len()).all(|i| rec.text(i).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

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
