//! CEPII BACI: the yearly `BACI_HS92_Y2023_V202501.csv` files (plain, `.gz` or a `.zip` holding
//! that file) with their companion `country_codes_V*.csv` and, optionally,
//! `product_codes_HS92_V*.csv`, into `trade_flows`.
//!
//! Each row `t,i,j,k,v,q` becomes one flow: reporter = exporter `i`, partner = importer `j`,
//! flow `export`, perspective `reconciled`, price basis `fob_estimated`, derivation
//! `unit_converted`; `k` becomes a six-character string (lost leading zeros restored); `v`
//! (thousand USD) times 1000 is the value in USD, converted exactly from the decimal; `q` is the
//! quantity in tonnes (`NA` or empty: null). The HS revision and the release come from the file
//! name.
//!
//! Country codes are mapped through the country file given (never a table in steppe), per
//! code, in this order:
//! 1. its ISO3 column, when that names an entity of the store's crosswalk (in the file's year,
//!    else at any date);
//! 2. otherwise the code itself as an ISO 3166 numeric code (the store's crosswalk);
//! 3. otherwise, when the name says "not elsewhere specified" (`Other Asia, nes`), an entity
//!    steppe creates: id `X` + the code on three digits, type `residual_nes`, with a `baci`
//!    crosswalk row, both citing the country file;
//! 4. otherwise the code is unknown and its rows are rejected (`unknown_code`), as are rows
//!    whose code the country file does not list.
//!
//! An ISO3 that several codes share (Belgium 56 and Belgium-Luxembourg 58 both give `BEL`)
//! maps each of them to that entity: the file says so. If that makes two rows of one file the
//! same flow (same year, exporter, importer and product), the later one is rejected as a
//! `duplicate`, like a repeated `(t, i, j, k)`.
//!
//! Work is split over threads: a reader cuts the input into chunks of whole lines, a parser
//! turns lines straight into Arrow columns, the input's sha256 is computed alongside, and the
//! calling thread hands batches to the store, which encodes the Parquet columns on the rayon
//! pool. Memory stays bounded: a few 2 MiB chunks and 128 Ki-row batches in flight, plus the
//! duplicate check, whose bitmap is sized by the code lists (exporters × importers ×
//! products), not by the input.

use std::path::{Path, PathBuf};

use super::csv_reader::{CsvReader, CsvRecord};
use super::trade::pipeline;
use super::trade::{
    amount_field, header_names, is_missing, names_nes, parse_uint, read_header, trim_field,
    write_new_areas, Chunk, Chunks, Dict, Lean, NewArea, Reference, Refusal, Sink, TradeColumns,
    TradeParser,
};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::model::{Derivation, EntityType, Flow, Perspective, PriceBasis, Scheme, Source};
use crate::schema::Table;
use crate::{Error, Location, Result};

/// Importer name recorded in the store's import summaries.
pub const IMPORTER: &str = "baci";

/// Licence of BACI (Etalab Open Licence 2.0).
pub const LICENSE: &str = "etalab-2.0";

const URL: &str = "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37";

/// What a BACI data file's name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaciFileName {
    /// HS revision as a classification name (`HS92`, `HS17`, ...).
    pub classification: String,
    /// The year of the data.
    pub year: i16,
    /// The release (`V202501`), when the name gives it.
    pub version: Option<String>,
}

impl BaciFileName {
    /// Parses `BACI_HS92_Y2023_V202501.csv` (any extension, any case).
    pub fn parse(name: &str) -> Option<BaciFileName> {
        let stem = name.split('.').next().unwrap_or(name);
        let mut classification = None;
        let mut year = None;
        let mut version = None;
        for token in stem.split(['_', '-', ' ']) {
            let t = token.to_ascii_uppercase();
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if let Some(rest) = t.strip_prefix("HS") {
                if rest.len() == 2 && digits(rest) {
                    classification = Some(t.clone());
                }
            } else if let Some(rest) = t.strip_prefix('Y') {
                if rest.len() == 4 && digits(rest) {
                    year = rest.parse::<i16>().ok();
                }
            } else if let Some(rest) = t.strip_prefix('V') {
                if digits(rest) {
                    version = Some(t.clone());
                }
            }
        }
        Some(BaciFileName {
            classification: classification?,
            year: year?,
            version,
        })
    }
}

/// One row of a BACI country file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryRow {
    /// BACI's numeric code.
    pub code: u32,
    /// The name the file gives.
    pub name: String,
    /// ISO 3166 alpha-3 as the file gives it (`None` for empty, `N/A` or not three letters).
    pub iso3: Option<String>,
    /// Line in the country file.
    pub line: u64,
}

/// A parsed `country_codes_V*.csv`.
#[derive(Debug, Clone)]
pub struct CountryCodes {
    /// The file.
    pub input: InputFile,
    /// Its rows, by code.
    pub rows: Vec<CountryRow>,
    /// The release its name gives (`V202501`).
    pub version: Option<String>,
}

impl CountryCodes {
    /// Reads a country file in either header layout:
    /// `country_code,country_name,country_iso2,country_iso3` or the older
    /// `country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha`.
    pub fn read(path: &Path, max_expanded: u64) -> Result<CountryCodes> {
        let (input, mut reader, mut rec) = open_companion(path, max_expanded)?;
        let names: Vec<String> = header_names(&rec)
            .into_iter()
            .map(|n| n.to_ascii_lowercase())
            .collect();
        let col = |options: &[&str]| names.iter().position(|n| options.contains(&n.as_str()));
        let (Some(code_col), Some(iso3_col)) = (
            col(&["country_code"]),
            col(&["country_iso3", "iso_3digit_alpha", "iso3"]),
        ) else {
            return Err(Error::format(
                Location::file(path).row(1),
                format!(
                    "not a BACI country file: the header is `{}`; expected `country_code,country_name,country_iso2,country_iso3` or `country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha`",
                    names.join(",")
                ),
            ));
        };
        let name_col = col(&[
            "country_name",
            "country_name_abbreviation",
            "country_name_full",
        ]);
        let mut rows: Vec<CountryRow> = Vec::new();
        while reader.read(&mut rec)? {
            if rec.is_blank() {
                continue;
            }
            let Some(code) = parse_uint(rec.field(code_col)).filter(|c| *c < 1000) else {
                return Err(Error::format(
                    Location::file(path).row(rec.line()).field("country_code"),
                    format!(
                        "`{}` is not a BACI country code (a number below 1000)",
                        rec.text(code_col)
                    ),
                ));
            };
            let iso3 = rec.text(iso3_col).into_owned();
            let iso3 = (iso3.len() == 3
                && iso3.bytes().all(|b| b.is_ascii_alphabetic())
                && !is_missing(iso3.as_bytes()))
            .then(|| iso3.to_ascii_uppercase());
            let name = name_col
                .map(|c| rec.text(c).into_owned())
                .unwrap_or_default();
            if let Some(prev) = rows.iter().find(|r| r.code == code) {
                if prev.iso3 != iso3 {
                    return Err(Error::format(
                        Location::file(path).row(rec.line()).field("country_code"),
                        format!(
                            "code {code} is listed twice with different ISO3 codes (line {}: {:?}, here: {:?})",
                            prev.line, prev.iso3, iso3
                        ),
                    ));
                }
                continue;
            }
            rows.push(CountryRow {
                code,
                name,
                iso3,
                line: rec.line(),
            });
        }
        let version = release_of(&input.name);
        Ok(CountryCodes {
            input,
            rows,
            version,
        })
    }

    fn source(&self) -> Source {
        let title = format!(
            "CEPII BACI country codes{}",
            self.version
                .as_deref()
                .map(|v| format!(" ({v})"))
                .unwrap_or_default()
        );
        let mut s = self.input.source(
            "baci-country-codes",
            &title,
            Some(LICENSE),
            self.version.as_deref(),
        );
        s.publisher = Some("CEPII".into());
        s.url = Some(URL.into());
        s
    }
}

/// The reader of a companion file.
type Reader = CsvReader<Box<dyn std::io::Read + Send>>;

/// A companion file (country or product codes), its reader and its header record.
fn open_companion(path: &Path, max_expanded: u64) -> Result<(InputFile, Reader, CsvRecord)> {
    let input = InputFile::inspect(path)?;
    let header = read_header(&input, ".csv", max_expanded)?;
    let mut reader = CsvReader::new(input.open(".csv", max_expanded)?, path);
    let mut skipped = CsvRecord::default();
    reader.read(&mut skipped)?;
    Ok((input, reader, header))
}

/// The `Vxxxxxx` release token of a file name.
fn release_of(name: &str) -> Option<String> {
    let stem = name.split('.').next().unwrap_or(name);
    stem.split(['_', '-', ' '])
        .map(|t| t.to_ascii_uppercase())
        .find(|t| t.len() > 1 && t.starts_with('V') && t[1..].bytes().all(|b| b.is_ascii_digit()))
}

/// A parsed `product_codes_HSxx_V*.csv`: the product numbers it lists.
#[derive(Debug, Clone)]
pub struct ProductCodes {
    /// The file.
    pub input: InputFile,
    /// Whether each number 0..=999999 is a listed product.
    listed: Vec<bool>,
    /// How many products it lists.
    pub count: usize,
}

impl ProductCodes {
    /// Reads a product file (`code,description`; codes with or without leading zeros).
    pub fn read(path: &Path, max_expanded: u64) -> Result<ProductCodes> {
        let (input, mut reader, mut rec) = open_companion(path, max_expanded)?;
        let names = header_names(&rec);
        let first = names
            .first()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if !["code", "k", "hs6", "product_code", "product"].contains(&first.as_str()) {
            return Err(Error::format(
                Location::file(path).row(1),
                format!(
                    "not a BACI product file: the header is `{}`; expected `code,description`",
                    names.join(",")
                ),
            ));
        }
        let mut listed = vec![false; 1_000_000];
        let mut count = 0;
        while reader.read(&mut rec)? {
            if rec.is_blank() {
                continue;
            }
            let code = rec.field(0);
            match product_number(code) {
                Some(n) => {
                    if !listed[n as usize] {
                        count += 1;
                    }
                    listed[n as usize] = true;
                }
                None => {
                    return Err(Error::format(
                        Location::file(path).row(rec.line()).field(first.clone()),
                        format!(
                            "`{}` is not a product code of up to six digits",
                            String::from_utf8_lossy(code)
                        ),
                    ))
                }
            }
        }
        Ok(ProductCodes {
            input,
            listed,
            count,
        })
    }

    fn source(&self) -> Source {
        let version = release_of(&self.input.name);
        let mut s = self.input.source(
            "baci-product-codes",
            &format!(
                "CEPII BACI product codes{}",
                version
                    .as_deref()
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default()
            ),
            Some(LICENSE),
            version.as_deref(),
        );
        s.publisher = Some("CEPII".into());
        s.url = Some(URL.into());
        s
    }
}

/// A product code of one to six digits as a number.
#[inline]
fn product_number(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 6 {
        return None;
    }
    let mut n = 0u32;
    for &c in s {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + d as u32;
    }
    Some(n)
}

/// Imports BACI yearly files into the store at `store` (created if missing), mapping country
/// codes through `country_codes` and, when given, checking products against `products`.
/// Each file is imported in its own transaction and reported separately.
pub fn import_baci(
    files: &[PathBuf],
    country_codes: &Path,
    products: Option<&Path>,
    store: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let countries = CountryCodes::read(country_codes, options.max_expanded_bytes)?;
    let products = products
        .map(|p| ProductCodes::read(p, options.max_expanded_bytes))
        .transpose()?;
    let mut report = ImportReport::default();
    for file in files {
        match import_file(file, &countries, products.as_ref(), store, options)? {
            Some(summary) => report.files.push(summary),
            None => report.skipped_files.push(
                file.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
        }
    }
    Ok(report)
}

const HEADER: [&str; 6] = ["t", "i", "j", "k", "v", "q"];

/// Imports one data file in its own transaction; `None` when the store already holds it.
/// Parsing starts while the input's sha256 (which names its Source) is computed on a thread of
/// its own; nothing is written before the store is opened, and the pipeline's bounded
/// channels stop the parser after a few batches until then.
fn import_file(
    path: &Path,
    countries: &CountryCodes,
    products: Option<&ProductCodes>,
    store: &Path,
    options: &ImportOptions,
) -> Result<Option<crate::store::ImportSummary>> {
    let (name, provisional, member) = data_file(path)?;
    let path_owned = path.to_path_buf();
    let hashing = std::thread::Builder::new()
        .name("steppe-sha256".into())
        .spawn(move || InputFile::inspect(&path_owned))
        .map_err(|e| Error::io(path, e))?;
    check_header(&provisional, &member, options.max_expanded_bytes)?;
    // Codes are mapped against the store as committed (or the bundled reference a new store
    // is seeded with).
    let reference = Reference::load_or_bundled(store)?;
    let country_source = countries.source();
    let mut columns = TradeColumns::new(Derivation::UnitConverted);
    let (code_map, areas) = map_countries(
        countries,
        name.year,
        &reference,
        &country_source.source_id,
        &mut columns.dicts.entities,
    )?;
    let dicts = &mut columns.dicts;
    let (Some(classification), Some(unit)) = (
        dicts.classifications.key(&name.classification),
        dicts.units.key("t"),
    ) else {
        return Err(Error::InvalidArgument(
            "internal error: empty dictionaries are full".into(),
        ));
    };
    columns.set_lean(Lean {
        year: name.year,
        flow: Flow::Export,
        perspective: Perspective::Reconciled,
        classification,
        price_basis: PriceBasis::FobEstimated,
        unit,
    });
    let n_entities = columns.dicts.entities.len();
    let parser = Parser::new(&name, countries, code_map, products, n_entities);
    let reader = provisional.open(&member, options.max_expanded_bytes)?;
    let pipeline = pipeline::spawn(reader, path, parser, columns)?;

    let input = match hashing.join() {
        Ok(r) => r?,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let source = data_source(&input, &name, countries);
    // Returning drops the pipeline, which stops the parser and the reader.
    let Some(mut run) = ImportRun::begin(store, IMPORTER, &input, source, options)? else {
        return Ok(None);
    };
    let reference = Reference::load(store, run.source_id())?;
    write_companions(&mut run, country_source, products)?;
    let used = pipeline.drain(&mut run)?;
    let used_areas: Vec<NewArea> = areas
        .into_iter()
        .filter(|(k, _)| used.get(*k as usize).copied().unwrap_or(false))
        .map(|(_, a)| a)
        .collect();
    write_new_areas(&mut run, &reference, &used_areas)?;
    Ok(Some(run.finish()?))
}

/// What a data file's name says, the file before its sha256 is known, and the member of a
/// zip that holds the data.
fn data_file(path: &Path) -> Result<(BaciFileName, InputFile, String)> {
    let display = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = BaciFileName::parse(&display).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "{}: cannot tell the HS revision and the year from the file name; BACI files are named like BACI_HS92_Y2023_V202501.csv (the release archive holding every year must be unpacked first)",
            path.display()
        ))
    })?;
    let provisional = InputFile {
        path: path.to_path_buf(),
        name: display,
        bytes: 0,
        sha256: String::new(),
    };
    let member = match &name.version {
        Some(v) => format!("_y{}_{}.csv", name.year, v.to_ascii_lowercase()),
        None => ".csv".to_string(),
    };
    Ok((name, provisional, member))
}

/// Refuses a data file whose header is not `t,i,j,k,v,q`, before the store is touched.
fn check_header(input: &InputFile, member: &str, max_expanded: u64) -> Result<()> {
    let header = read_header(input, member, max_expanded)?;
    let names = header_names(&header);
    let ok = names.len() == HEADER.len()
        && names
            .iter()
            .zip(HEADER)
            .all(|(a, b)| a.eq_ignore_ascii_case(b));
    if ok {
        return Ok(());
    }
    Err(Error::format(
        Location::file(&input.path).row(1),
        format!(
            "not a BACI data file: the header is `{}`; expected `t,i,j,k,v,q`",
            String::from_utf8_lossy(header.raw()).trim_end()
        ),
    ))
}

/// The data file's Source.
fn data_source(input: &InputFile, name: &BaciFileName, countries: &CountryCodes) -> Source {
    let version = name.version.clone().or_else(|| countries.version.clone());
    let mut source = input.source(
        IMPORTER,
        &format!(
            "CEPII BACI {} {}{}",
            name.classification,
            name.year,
            version
                .as_deref()
                .map(|v| format!(" ({v})"))
                .unwrap_or_default()
        ),
        Some(LICENSE),
        version.as_deref(),
    );
    source.publisher = Some("CEPII".into());
    source.url = Some(URL.into());
    source
}

/// Writes the country file's (and product file's) Source, once per store, in files of their
/// own.
fn write_companions(
    run: &mut ImportRun,
    country_source: Source,
    products: Option<&ProductCodes>,
) -> Result<()> {
    let known = run
        .view()
        .key_set(Table::Sources, "source_id", Some("baci-"))?;
    let companions: Vec<Source> = std::iter::once(country_source)
        .chain(products.map(ProductCodes::source))
        .filter(|s| !known.contains(&s.source_id))
        .collect();
    if !companions.is_empty() {
        run.write_records(&companions)?;
        run.transaction().close_open_files()?;
    }
    Ok(())
}

/// Maps every code of the country file to an entity key in `entities` (see the module's
/// documentation for the order), and the areas created for "nes" codes, by key.
fn map_countries(
    countries: &CountryCodes,
    year: i16,
    reference: &Reference,
    country_source_id: &str,
    entities: &mut Dict,
) -> Result<(Vec<Mapping>, Areas)> {
    let mut code_map: Vec<Mapping> = vec![Mapping::NotListed; 1000];
    let mut areas: Areas = Vec::new();
    let full = || Error::InvalidArgument("a BACI country file lists fewer than 1,000 codes".into());
    for row in &countries.rows {
        let entity = row
            .iso3
            .as_deref()
            .and_then(|iso3| reference.by_iso3(iso3, year as i32))
            .or_else(|| reference.by_iso_num(row.code, year as i32));
        code_map[row.code as usize] = match entity {
            Some(id) => Mapping::Entity(entities.key(&id).ok_or_else(full)?),
            None if names_nes(&row.name) => {
                let area = NewArea::new(
                    row.code,
                    Scheme::Baci,
                    &row.name,
                    EntityType::ResidualNes,
                    country_source_id,
                    format!("{} line {}", countries.input.name, row.line),
                );
                let key = entities.key(&area.entity.entity_id).ok_or_else(full)?;
                areas.push((key, area));
                Mapping::Entity(key)
            }
            None => Mapping::Unresolved(format!(
                "BACI code {} ({}) names no entity: its ISO3 {} is not in the crosswalk and {} is not an ISO 3166 numeric code",
                row.code,
                row.name,
                row.iso3.as_deref().unwrap_or("is missing"),
                row.code
            )),
        };
    }
    Ok((code_map, areas))
}

/// Areas created for "nes" codes, with their entity keys.
type Areas = Vec<(i16, NewArea)>;

#[derive(Debug, Clone)]
enum Mapping {
    /// Not in the country file.
    NotListed,
    /// Listed but naming no entity (why).
    Unresolved(String),
    /// The entity's key in the entity dictionary.
    Entity(i16),
}

/// The BACI parser: lines of chunks straight into lean rows.
struct Parser {
    year: i16,
    country_file: String,
    code_map: Vec<Mapping>,
    n_entities: usize,
    products: Option<Vec<bool>>,
    /// Dense index of each product number seen (for the duplicate bitmap).
    product_index: Vec<u32>,
    next_product: u32,
    /// Per (exporter, importer) pair: a bitmap over dense product indexes.
    seen: Vec<Vec<u64>>,
    line: u64,
    /// Entity keys used by accepted rows.
    used: Vec<bool>,
}

impl TradeParser for Parser {
    /// Which entity keys accepted rows use.
    type Outcome = Vec<bool>;

    fn parse(&mut self, mut input: Chunks, sink: &mut Sink) -> Result<()> {
        while let Some(chunk) = input.next() {
            let chunk = chunk?;
            self.chunk(&chunk, sink)?;
            sink.consumed(chunk.data.len() as u64);
            input.recycle(chunk.data);
        }
        Ok(())
    }

    fn outcome(self) -> Vec<bool> {
        self.used
    }
}

impl Parser {
    fn new(
        name: &BaciFileName,
        countries: &CountryCodes,
        code_map: Vec<Mapping>,
        products: Option<&ProductCodes>,
        n_entities: usize,
    ) -> Parser {
        Parser {
            year: name.year,
            country_file: countries.input.name.clone(),
            code_map,
            n_entities,
            products: products.map(|p| p.listed.clone()),
            product_index: vec![u32::MAX; 1_000_000],
            next_product: 0,
            seen: vec![Vec::new(); n_entities * n_entities],
            line: 0,
            used: vec![false; n_entities],
        }
    }

    fn chunk(&mut self, chunk: &Chunk, sink: &mut Sink) -> Result<()> {
        let data = &chunk.data[..];
        let mut start = 0;
        while start < data.len() {
            let (end, next) = match memchr::memchr(b'\n', &data[start..]) {
                Some(i) => (start + i, start + i + 1),
                None => (data.len(), data.len()),
            };
            self.line += 1;
            let no_newline = next == data.len() && chunk.last_without_newline;
            if self.line > 1 {
                self.row(&data[start..end], &data[start..next], no_newline, sink)?;
            }
            start = next;
        }
        Ok(())
    }

    #[inline]
    fn row(&mut self, line: &[u8], raw: &[u8], no_newline: bool, sink: &mut Sink) -> Result<()> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            return sink.skip("blank_line");
        }
        match self.parse_line(line, &sink.columns.dicts.entities) {
            Ok(r) => {
                let precision = r.precision.unwrap_or(f64::NAN);
                let line = self.line as i64;
                let (reporter, partner) = (r.reporter, r.partner);
                sink.columns.push_lean(
                    reporter, partner, &r.code, r.value, precision, r.quantity, line,
                );
                sink.accepted_lean()
            }
            Err(refusal) => sink.refuse(self.line, refusal, raw, no_newline),
        }
    }

    /// Maps a data line (`t,i,j,k,v,q`) to a row, or says why not.
    #[inline]
    fn parse_line(
        &mut self,
        line: &[u8],
        entities: &Dict,
    ) -> std::result::Result<BaciRow, Refusal> {
        let [t, i, j, k, v, q] = split6(line)?;
        self.check_year(t)?;
        let reporter = self.entity("i", i)?;
        let partner = self.entity("j", j)?;
        let (product, code) = self.product(k)?;
        let (value, precision) = amount_field(v, 3, "v", "trade value")?.ok_or_else(|| {
            (
                Some("v"),
                "malformed_number",
                "the value is missing".to_string(),
            )
        })?;
        let quantity = amount_field(q, 0, "q", "quantity")?.map(|(q, _)| q);
        self.first_of(reporter, partner, product, entities)?;
        self.used[reporter as usize] = true;
        self.used[partner as usize] = true;
        Ok(BaciRow {
            reporter,
            partner,
            code,
            value,
            precision,
            quantity,
        })
    }

    fn check_year(&self, t: &[u8]) -> std::result::Result<(), Refusal> {
        let detail = match parse_uint(t) {
            Some(y) if y == self.year as u32 => return Ok(()),
            Some(y) => format!("year {y} in a file whose name says {}", self.year),
            None => format!("`{}` is not a year", String::from_utf8_lossy(trim_field(t))),
        };
        Err((Some("t"), "bad_year", detail))
    }

    /// The entity key of a country code of column `field`.
    fn entity(&self, field: &'static str, raw: &[u8]) -> std::result::Result<i16, Refusal> {
        let Some(code) = parse_uint(raw) else {
            let shown = String::from_utf8_lossy(trim_field(raw));
            let detail = format!("`{shown}` is not a country code");
            return Err((Some(field), "malformed_number", detail));
        };
        match self.code_map.get(code as usize) {
            Some(Mapping::Entity(k)) => Ok(*k),
            Some(Mapping::Unresolved(why)) => Err((Some(field), "unknown_code", why.clone())),
            _ => Err((
                Some(field),
                "unknown_code",
                format!("BACI code {code} is not in {}", self.country_file),
            )),
        }
    }

    /// The product's number and its six-character code (lost leading zeros restored).
    fn product(&self, raw: &[u8]) -> std::result::Result<(u32, [u8; 6]), Refusal> {
        let k = trim_field(raw);
        let Some(product) = product_number(k) else {
            let detail = format!(
                "`{}` is not an HS6 product code",
                String::from_utf8_lossy(k)
            );
            return Err((Some("k"), "malformed_code", detail));
        };
        if let Some(listed) = &self.products {
            if !listed[product as usize] {
                let detail = format!("product {product:06} is not in the product file");
                return Err((Some("k"), "unknown_code", detail));
            }
        }
        let mut code = [b'0'; 6];
        code[6 - k.len()..].copy_from_slice(k);
        Ok((product, code))
    }

    /// Refuses a second row for (exporter, importer, product) within the file's year.
    fn first_of(
        &mut self,
        reporter: i16,
        partner: i16,
        product: u32,
        entities: &Dict,
    ) -> std::result::Result<(), Refusal> {
        let pidx = {
            let slot = &mut self.product_index[product as usize];
            if *slot == u32::MAX {
                *slot = self.next_product;
                self.next_product += 1;
            }
            *slot as usize
        };
        let bits = &mut self.seen[reporter as usize * self.n_entities + partner as usize];
        let word = pidx / 64;
        if bits.len() <= word {
            bits.resize(word + 1, 0);
        }
        let mask = 1u64 << (pidx % 64);
        if bits[word] & mask == 0 {
            bits[word] |= mask;
            return Ok(());
        }
        Err((
            None,
            "duplicate",
            format!(
                "a second row for year {}, exporter {}, importer {}, product {product:06} (the first is kept)",
                self.year,
                entities.value(reporter),
                entities.value(partner)
            ),
        ))
    }
}

/// The varying columns of an accepted BACI row.
struct BaciRow {
    reporter: i16,
    partner: i16,
    code: [u8; 6],
    value: f64,
    precision: Option<f64>,
    quantity: Option<f64>,
}

/// The six fields of a data line, or `wrong_column_count`.
#[inline]
fn split6(line: &[u8]) -> std::result::Result<[&[u8]; 6], Refusal> {
    let mut fields: [&[u8]; 6] = [b""; 6];
    let mut n = 0;
    for field in line.split(|b| *b == b',') {
        if n < 6 {
            fields[n] = field;
        }
        n += 1;
    }
    if n == 6 {
        Ok(fields)
    } else {
        let detail = format!("{n} fields; the header names 6 (t,i,j,k,v,q)");
        Err((None, "wrong_column_count", detail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let n = BaciFileName::parse("BACI_HS92_Y2023_V202501.csv").unwrap();
        assert_eq!(n.classification, "HS92");
        assert_eq!(n.year, 2023);
        assert_eq!(n.version.as_deref(), Some("V202501"));
        let n = BaciFileName::parse("baci_hs17_y2019_v202401b.csv.gz");
        assert_eq!(n.unwrap().classification, "HS17");
        assert!(BaciFileName::parse("BACI_HS92_V202501.zip").is_none());
        assert!(BaciFileName::parse("trade.csv").is_none());
    }
}
