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
use std::io::Read;
use std::path::{Path, PathBuf};

use super::csv_reader::{CsvReader, CsvRecord};
use super::events_common::{open_counted, Header, Ticker, BATCH};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{
    Derivation, Entity, EntityCode, EntityType, Indicator, IndicatorObservation, ObsStatus, Scheme,
};
use crate::schema::Table;
use crate::{Error, Location, Result};

/// The importer name recorded in the store.
pub const IMPORTER: &str = "wdi";

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

#[derive(Debug)]
struct DataLayout {
    country_name: usize,
    country_code: usize,
    indicator_name: usize,
    indicator_code: usize,
    years: Vec<(usize, i16)>,
}

#[derive(Debug)]
struct CountryLayout {
    code: usize,
    region: usize,
    table_name: Option<usize>,
    short_name: Option<usize>,
    long_name: Option<usize>,
}

#[derive(Debug)]
struct SeriesLayout {
    code: usize,
    name: usize,
    topic: Option<usize>,
    short_def: Option<usize>,
    long_def: Option<usize>,
    unit: Option<usize>,
    aggregation: Option<usize>,
    source: Option<usize>,
    license: Option<usize>,
}

#[derive(Debug)]
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

/// An input opened and positioned after its header.
struct Reader {
    input: InputFile,
    rdr: CsvReader<Box<dyn Read + Send>>,
    ticker: Ticker,
    header: Header,
}

/// An input, its layout and the release date its preamble gives.
struct Opened {
    r: Reader,
    layout: Layout,
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
    let mut opened = Vec::new();
    for (paths, want) in [
        (&wdi.country_metadata, WdiFileKind::CountryMetadata),
        (&wdi.series_metadata, WdiFileKind::SeriesMetadata),
    ] {
        for p in paths {
            let o = open(p, options)?;
            if o.layout.kind() != want {
                return Err(Error::format(
                    Location::file(p),
                    format!(
                        "expected a WDI {} file, but its header is that of a {} file",
                        kind_name(want),
                        kind_name(o.layout.kind())
                    ),
                ));
            }
            opened.push(o);
        }
    }
    for p in files {
        opened.push(open(p, options)?);
    }
    // Metadata first, so data lines find their aggregates and indicators.
    opened.sort_by_key(|o| o.layout.kind());
    let mut report = ImportReport::default();
    for o in opened {
        import_one(o, out, options, &mut report)?;
    }
    Ok(report)
}

/// Tells which WDI file `path` is, from its header.
pub fn detect(path: impl AsRef<Path>) -> Result<WdiFileKind> {
    Ok(open(path.as_ref(), &ImportOptions::default())?
        .layout
        .kind())
}

fn kind_name(k: WdiFileKind) -> &'static str {
    match k {
        WdiFileKind::CountryMetadata => "country metadata",
        WdiFileKind::SeriesMetadata => "series metadata",
        WdiFileKind::Data => "data",
    }
}

/// Opens a file and reads up to its header (past the API download's preamble).
fn open(path: &Path, options: &ImportOptions) -> Result<Opened> {
    let input = InputFile::inspect(path)?;
    if input.name.to_ascii_lowercase().ends_with(".zip") {
        return Err(Error::InvalidArgument(format!(
            "{}: WDI archives hold several CSV files; extract it and pass the CSV files \
             (data, WDICountry/Metadata_Country, WDISeries/Metadata_Indicator)",
            path.display()
        )));
    }
    input.require_content("", options.max_expanded_bytes)?;
    let (reader, ticker) = open_counted(&input, "", options)?;
    let mut rdr = CsvReader::new(reader, path);
    let mut rec = CsvRecord::default();
    let mut version = None;
    for _ in 0..64 {
        if !rdr.read(&mut rec)? {
            break;
        }
        if rec.is_blank() {
            continue;
        }
        let first = rec.text(0).to_ascii_lowercase();
        // The API download's preamble: `"Data Source","World Development Indicators",` and
        // `"Last Updated Date","2024-12-16",`, separated by blank lines.
        if first == "data source" {
            continue;
        }
        if first == "last updated date" {
            let v = rec.text(1);
            if !v.is_empty() {
                version = Some(v.into_owned());
            }
            continue;
        }
        let line = rec.line();
        let header = Header::new(&rec);
        let layout = classify(&header, path, line)?;
        return Ok(Opened {
            r: Reader {
                input,
                rdr,
                ticker,
                header,
            },
            layout,
            version,
        });
    }
    Err(Error::format(
        Location::file(path).row(1),
        "no WDI header found (expected `Country Name,Country Code,Indicator Name,Indicator Code,1960,...`, \
         a DataBank export, or a WDICountry/WDISeries metadata file)",
    ))
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
    // Series metadata: WDISeries.csv or Metadata_Indicator_*.csv.
    if let (Some(code), Some(name)) = (
        h.find(&["series code", "indicator_code"]),
        h.find(&["indicator name", "indicator_name"]),
    ) {
        if h.find(&["country code"]).is_none() {
            return Ok(Layout::Series(SeriesLayout {
                code,
                name,
                topic: h.find(&["topic"]),
                short_def: h.find(&["short definition"]),
                long_def: h.find(&["long definition", "source_note"]),
                unit: h.find(&["unit of measure"]),
                aggregation: h.find(&["aggregation method"]),
                source: h.find(&["source", "source_organization"]),
                license: h.find(&["license type"]),
            }));
        }
    }
    // Country metadata: WDICountry.csv or Metadata_Country_*.csv.
    if let (Some(code), Some(region)) = (h.find(&["country code"]), h.find(&["region"])) {
        return Ok(Layout::Countries(CountryLayout {
            code,
            region,
            table_name: h.find(&["table name", "tablename"]),
            short_name: h.find(&["short name"]),
            long_name: h.find(&["long name"]),
        }));
    }
    // Data: strict, so that no column is silently dropped.
    let (mut cn, mut cc, mut iname, mut icode) = (None, None, None, None);
    let mut years = Vec::new();
    let last = h.len().saturating_sub(1);
    for (i, name) in h.names.iter().enumerate() {
        let slot = match name.to_ascii_lowercase().as_str() {
            "country name" => &mut cn,
            "country code" => &mut cc,
            "indicator name" | "series name" => &mut iname,
            "indicator code" | "series code" => &mut icode,
            "" if i == last && i > 0 => continue,
            _ => {
                if let Some(y) = year_column(name) {
                    // Found by fuzzing (issue 8): a year column such as `4038` was accepted and
                    // its observations committed, failing validation's year range.
                    if !(1800..=2100).contains(&y) {
                        return Err(Error::format(
                            at(name),
                            format!("year column `{name}` is outside 1800..2100: not a WDI header"),
                        ));
                    }
                    years.push((i, y));
                    continue;
                }
                return Err(Error::format(
                    at(name),
                    format!(
                        "unexpected column `{name}` in a WDI header; expected `Country Name, Country Code, \
                         Indicator Name, Indicator Code` (or `Series Name, Series Code`) and year columns \
                         such as `1960` or `1994 [YR1994]`"
                    ),
                ));
            }
        };
        if slot.is_some() {
            return Err(Error::format(
                at(name),
                format!("column `{name}` appears twice"),
            ));
        }
        *slot = Some(i);
    }
    let need = |v: Option<usize>, name: &str| {
        v.ok_or_else(|| Error::format(at(name), format!("the WDI header has no `{name}` column")))
    };
    let layout = DataLayout {
        country_name: need(cn, "Country Name")?,
        country_code: need(cc, "Country Code")?,
        indicator_name: need(iname, "Indicator Name")?,
        indicator_code: need(icode, "Indicator Code")?,
        years,
    };
    if layout.years.is_empty() {
        return Err(Error::format(
            at(&h.names[0]),
            "the WDI header has no year columns (`1960`, ... or `1994 [YR1994]`)",
        ));
    }
    Ok(Layout::Data(layout))
}

/// What the store holds, plus what this file has created so far.
struct Ctx {
    source_id: String,
    codes: CodeIndex,
    entity_ids: HashSet<String>,
    indicator_ids: HashSet<String>,
    created: HashMap<String, String>,
    new_entities: Vec<Entity>,
    new_codes: Vec<EntityCode>,
    new_indicators: Vec<Indicator>,
}

impl Ctx {
    fn resolve(&self, code: &str) -> Option<String> {
        if let Ok(e) = self.codes.resolve(Scheme::Wb, code, None) {
            return Some(e.to_string());
        }
        if let Ok(e) = self.codes.resolve(Scheme::Iso3, code, None) {
            return Some(e.to_string());
        }
        if self.entity_ids.contains(code) {
            return Some(code.to_string());
        }
        self.created.get(code).cloned()
    }

    #[allow(clippy::too_many_arguments)]
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
        self.new_entities.push(Entity {
            entity_id: code.to_string(),
            name: name.to_string(),
            name_official: official,
            entity_type,
            valid_from: None,
            valid_to: None,
            parent_id: None,
            region: None,
            focus: None,
            source_id: self.source_id.clone(),
            source_locator: Some(locator.clone()),
        });
        self.new_codes.push(EntityCode {
            entity_id: code.to_string(),
            scheme: Scheme::Wb,
            code: code.to_string(),
            valid_from: None,
            valid_to: None,
            is_preferred: true,
            source_id: self.source_id.clone(),
            source_locator: Some(locator),
        });
        self.created.insert(code.to_string(), code.to_string());
        code.to_string()
    }

    fn has_indicator(&self, id: &str) -> bool {
        self.indicator_ids.contains(id)
    }
}

/// The SPDX id of a WDISeries `License Type`.
fn license_id(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    let norm: String = t
        .to_ascii_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    if norm == "CCBY4.0" {
        Some("CC-BY-4.0".into())
    } else {
        Some(t.to_string())
    }
}

fn import_one(
    o: Opened,
    out: &Path,
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<()> {
    let Opened {
        mut r,
        layout,
        version,
    } = o;
    let mut source = r.input.source(
        IMPORTER,
        &format!(
            "World Development Indicators ({}, {})",
            kind_name(layout.kind()),
            r.input.name
        ),
        Some("CC-BY-4.0"),
        version.as_deref(),
    );
    source.publisher = Some("World Bank".into());
    source.url = Some("https://datacatalog.worldbank.org/search/dataset/0037712".into());
    let Some(mut run) = ImportRun::begin(out, IMPORTER, &r.input, source, options)? else {
        report.skipped_files.push(r.input.name.clone());
        return Ok(());
    };
    let view = run.view();
    let mut ctx = Ctx {
        codes: view.code_index()?,
        entity_ids: view.key_set(Table::Entities, "entity_id", None)?,
        indicator_ids: view.key_set(Table::Indicators, "indicator_id", None)?,
        source_id: run.source_id().to_string(),
        created: HashMap::new(),
        new_entities: Vec::new(),
        new_codes: Vec::new(),
        new_indicators: Vec::new(),
    };
    run.start_progress();
    match &layout {
        Layout::Data(l) => import_data(&mut r, l, &mut run, &mut ctx)?,
        Layout::Countries(l) => import_countries(&mut r, l, &mut run, &mut ctx)?,
        Layout::Series(l) => import_series(&mut r, l, &mut run, &mut ctx)?,
    }
    if !ctx.new_entities.is_empty() {
        run.write_records(&ctx.new_entities)?;
        run.write_records(&ctx.new_codes)?;
    }
    if !ctx.new_indicators.is_empty() {
        run.write_records(&ctx.new_indicators)?;
    }
    r.ticker.finish();
    report.files.push(run.finish()?);
    Ok(())
}

/// Reads the next non-blank record, counting it as read; `None` at the end.
fn next_row(o: &mut Reader, rec: &mut CsvRecord, run: &mut ImportRun) -> Result<Option<u64>> {
    loop {
        if !o.rdr.read(rec)? {
            return Ok(None);
        }
        if rec.is_blank() {
            continue;
        }
        run.read_row();
        o.ticker.row()?;
        return Ok(Some(rec.line()));
    }
}

fn wrong_width(o: &Reader, rec: &CsvRecord, run: &mut ImportRun, line: u64) -> Result<bool> {
    if o.header.fits(rec.len()) {
        return Ok(false);
    }
    run.reject(
        line,
        None,
        "wrong_column_count",
        format!(
            "{} fields, the header has {}{}",
            rec.len(),
            o.header.len(),
            if rec.len() < o.header.len() {
                " (truncated line?)"
            } else {
                ""
            }
        ),
        rec.raw(),
    )?;
    Ok(true)
}

fn import_data(o: &mut Reader, l: &DataLayout, run: &mut ImportRun, ctx: &mut Ctx) -> Result<()> {
    let mut rec = CsvRecord::default();
    let mut obs: Vec<IndicatorObservation> = Vec::with_capacity(BATCH.min(1 << 16));
    let mut interned: HashMap<String, u32> = HashMap::new();
    let mut seen_pairs: HashSet<(u32, u32)> = HashSet::new();
    let mut values: Vec<(i16, f64)> = Vec::with_capacity(l.years.len());
    'rows: while let Some(line) = next_row(o, &mut rec, run)? {
        // DataBank footer: `Data from database: ...`, `Last Updated: ...`.
        let first = rec.text(0);
        if (first.starts_with("Data from database") || first.starts_with("Last Updated"))
            && (1..rec.len()).all(|i| rec.text(i).is_empty())
        {
            run.skip("footer");
            continue;
        }
        if wrong_width(o, &rec, run, line)? {
            continue;
        }
        values.clear();
        for &(i, year) in &l.years {
            let cell = rec.text(i);
            if cell.is_empty() || cell == ".." {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push((year, v)),
                _ => {
                    let field = o.header.names[i].clone();
                    run.reject(
                        line,
                        Some(&field),
                        "malformed_number",
                        format!("`{cell}` is not a number (missing values are blank or `..`)"),
                        rec.raw(),
                    )?;
                    continue 'rows;
                }
            }
        }
        if values.is_empty() {
            run.skip("no_values");
            continue;
        }
        let code = rec.text(l.country_code).into_owned();
        let name = rec.text(l.country_name).into_owned();
        let entity_id = match ctx.resolve(&code) {
            Some(e) => e,
            None => {
                let plausible = code.len() == 3
                    && code
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
                if !plausible || name.is_empty() {
                    run.reject(
                        line,
                        Some(&o.header.names[l.country_code]),
                        "unknown_code",
                        format!(
                            "`{code}` is not in the crosswalk (schemes wb, iso3) nor in the country \
                             metadata, and the line does not name it"
                        ),
                        rec.raw(),
                    )?;
                    continue;
                }
                let entity_type = match code.as_str() {
                    "WLD" => EntityType::World,
                    "XKX" | "CHI" => EntityType::Country,
                    _ => EntityType::Aggregate,
                };
                ctx.create_entity(
                    &code,
                    &name,
                    None,
                    entity_type,
                    line,
                    "named in the data but not in the crosswalk or the country metadata",
                )
            }
        };
        let icode = rec.text(l.indicator_code).into_owned();
        if icode.is_empty() {
            run.reject(
                line,
                Some(&o.header.names[l.indicator_code]),
                "missing_value",
                "no indicator code",
                rec.raw(),
            )?;
            continue;
        }
        let indicator_id = format!("wdi:{icode}");
        let n = interned.len() as u32;
        let ek = *interned.entry(entity_id.clone()).or_insert(n);
        let n = interned.len() as u32;
        let ik = *interned.entry(indicator_id.clone()).or_insert(n);
        if !seen_pairs.insert((ek, ik)) {
            run.reject(
                line,
                Some(&o.header.names[l.indicator_code]),
                "duplicate_row",
                format!("{entity_id} / {icode} appears on an earlier line"),
                rec.raw(),
            )?;
            continue;
        }
        if !ctx.has_indicator(&indicator_id) {
            let iname = rec.text(l.indicator_name);
            ctx.new_indicators.push(Indicator {
                indicator_id: indicator_id.clone(),
                name: if iname.is_empty() {
                    icode.clone()
                } else {
                    iname.into_owned()
                },
                definition: None,
                unit: None,
                topic: None,
                aggregation_method: None,
                source_series_code: icode.clone(),
                source_note: None,
                license: None,
                source_id: ctx.source_id.clone(),
                source_locator: Some(format!(
                    "line {line} (name only: import WDISeries.csv or Metadata_Indicator_*.csv first for the definition)"
                )),
            });
            ctx.indicator_ids.insert(indicator_id.clone());
        }
        for &(year, value) in &values {
            obs.push(IndicatorObservation {
                indicator_id: indicator_id.clone(),
                entity_id: entity_id.clone(),
                year,
                period: None,
                value,
                obs_status: ObsStatus::Reported,
                source_id: ctx.source_id.clone(),
                source_locator: None,
                source_line: Some(line as i64),
                cited_source_id: None,
                derivation: Derivation::AsPublished,
            });
        }
        run.accept(1);
        if obs.len() >= BATCH {
            run.write_records(&obs)?;
            obs.clear();
        }
    }
    run.write_records(&obs)?;
    Ok(())
}

fn import_countries(
    o: &mut Reader,
    l: &CountryLayout,
    run: &mut ImportRun,
    ctx: &mut Ctx,
) -> Result<()> {
    let mut rec = CsvRecord::default();
    while let Some(line) = next_row(o, &mut rec, run)? {
        if wrong_width(o, &rec, run, line)? {
            continue;
        }
        let code = rec.text(l.code).into_owned();
        if code.is_empty() {
            run.reject(
                line,
                Some(&o.header.names[l.code]),
                "missing_value",
                "no country code",
                rec.raw(),
            )?;
            continue;
        }
        if ctx.resolve(&code).is_some() {
            run.skip("entity_exists");
            continue;
        }
        let pick = |i: Option<usize>| {
            i.map(|i| rec.text(i).into_owned())
                .filter(|s| !s.is_empty())
        };
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
        ctx.create_entity(&code, &name, official, entity_type, line, why);
        run.accept(1);
    }
    Ok(())
}

fn import_series(
    o: &mut Reader,
    l: &SeriesLayout,
    run: &mut ImportRun,
    ctx: &mut Ctx,
) -> Result<()> {
    let mut rec = CsvRecord::default();
    while let Some(line) = next_row(o, &mut rec, run)? {
        if wrong_width(o, &rec, run, line)? {
            continue;
        }
        let code = rec.text(l.code).into_owned();
        let name = rec.text(l.name).into_owned();
        let missing = if code.is_empty() {
            Some(l.code)
        } else if name.is_empty() {
            Some(l.name)
        } else {
            None
        };
        if let Some(i) = missing {
            run.reject(
                line,
                Some(&o.header.names[i]),
                "missing_value",
                "empty",
                rec.raw(),
            )?;
            continue;
        }
        let id = format!("wdi:{code}");
        if ctx.has_indicator(&id) {
            run.skip("indicator_exists");
            continue;
        }
        let pick = |i: Option<usize>| {
            i.map(|i| rec.text(i).into_owned())
                .filter(|s| !s.is_empty())
        };
        ctx.new_indicators.push(Indicator {
            indicator_id: id.clone(),
            name,
            definition: pick(l.long_def).or_else(|| pick(l.short_def)),
            unit: pick(l.unit),
            topic: pick(l.topic),
            aggregation_method: pick(l.aggregation),
            source_series_code: code,
            source_note: pick(l.source),
            license: l.license.and_then(|i| license_id(&rec.text(i))),
            source_id: ctx.source_id.clone(),
            source_locator: Some(format!("line {line}")),
        });
        ctx.indicator_ids.insert(id);
        run.accept(1);
    }
    Ok(())
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
