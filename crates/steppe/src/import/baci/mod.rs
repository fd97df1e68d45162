//! CEPII BACI: the yearly `BACI_HS92_Y2023_V202501.csv` files (plain, `.gz` or a `.zip` holding
//! that file) with their companion `country_codes_V*.csv` and, optionally,
//! `product_codes_HS92_V*.csv`, into `trade_flows`; or a release archive holding them all
//! (module `archive`: `BACI_HS92_V202501.zip`, streamed year by year).
//!
//! Each row `t,i,j,k,v,q` becomes one flow: reporter = exporter `i`, partner = importer `j`,
//! flow `export`, perspective `reconciled`, price basis `fob_estimated`, derivation
//! `unit_converted`; `k` becomes a six-character string (lost leading zeros restored); `v`
//! (thousand USD) times 1000 is the value in USD, converted exactly from the decimal; `q` is the
//! quantity in tonnes (`NA` or empty: null). The HS revision and the release come from the file
//! name (a re-issued release's letter suffix kept: `V202401b`).
//!
//! Special product codes (six characters, digits then upper-case letters: `9999AA`, goods not
//! specified by kind) are kept as given, in data and product files. A product file line whose
//! code is neither that nor up to six digits is a reject of the product file (with its line,
//! citing its Source); the rest of the file is used.
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
//! The file runs through the trade pipeline ([`super::trade::pipeline`]) while its sha256 is
//! computed alongside (a year file on a thread of its own; an archive member in the
//! pipeline's own read, so it is inflated once); the duplicate check's bitmap is sized by the code lists (exporters ×
//! importers × products), not by the input.

use std::path::{Path, PathBuf};

mod archive;
mod codes;
mod parse;

pub use archive::{
    import_baci_archive, import_baci_inputs, is_release_archive, parse_years, BaciOptions,
};
use codes::in_parens;
pub use codes::{CountryCodes, CountryRow, ProductCodes, ProductFileProblem};
use parse::{Mapping, Parser};

use super::rows::Publisher;
use super::trade::{
    header_names, names_nes, read_header, write_new_areas, Dict, Lean, NewArea, Reference,
    TradeColumns,
};
use super::trade::{import_each, pipeline};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::model::{Derivation, EntityType, Flow, Perspective, PriceBasis, Scheme, Source};
use crate::schema::Table;
use crate::{Error, Location, Result};

/// Importer name recorded in the store's import summaries.
pub const IMPORTER: &str = "baci";

/// Licence of BACI (Etalab Open Licence 2.0).
pub const LICENSE: &str = "etalab-2.0";

/// CEPII, for the Sources of every file.
const CEPII: Publisher = Publisher {
    name: "CEPII",
    url: "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
    license: LICENSE,
    terms: None,
};

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
        let tokens = codes::tokens(name);
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let classification = tokens
            .iter()
            .find(|t| t.strip_prefix("HS").is_some_and(|r| digits(r, 2)))?;
        let year = tokens
            .iter()
            .find_map(|t| t.strip_prefix('Y').filter(|r| digits(r, 4)))?;
        Some(BaciFileName {
            classification: classification.clone(),
            year: year.parse().ok()?,
            version: codes::release_of(name),
        })
    }
}

/// Imports BACI yearly files into the store at `store` (created if missing), mapping country
/// codes through `country_codes` and, when given, checking products against `products`.
/// Each file is imported in its own transaction and reported separately. Every file is
/// checked (it exists, is a file, its name gives the revision and the year) before anything
/// is read; a file failing after others were committed fails with
/// [`Error::PartlyImported`].
pub fn import_baci(
    files: &[PathBuf],
    country_codes: &Path,
    products: Option<&Path>,
    store: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    check_year_files(files)?;
    let countries = CountryCodes::read(country_codes, options.max_expanded_bytes)?;
    let products = products
        .map(|p| ProductCodes::read(p, options.max_expanded_bytes))
        .transpose()?;
    import_each(files, store, |file| {
        import_file(file, &countries, products.as_ref(), store, options)
    })
}

/// Checks, before anything is read, that every year file exists, is a file and has a name
/// giving its HS revision and year.
fn check_year_files(files: &[PathBuf]) -> Result<()> {
    super::check_inputs(files)?;
    files.iter().try_for_each(|f| data_file(f).map(drop))
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
    let file = DataFile {
        name,
        reading: provisional,
        member,
        content: Content::Hashing(hashing),
        opened: None,
    };
    import_data(file, countries, products, store, options, &mut || {})
}

/// A data file to import: what its name says, the file read (a year file, or the release
/// archive holding it), the member of a zip to read, how its content is identified, and the
/// content already opened (a prefetched member of a release archive), if it is.
struct DataFile {
    name: BaciFileName,
    reading: InputFile,
    member: String,
    content: Content,
    opened: Option<Box<dyn std::io::Read + Send>>,
}

/// How a data file's content (its sha256) becomes known.
enum Content {
    /// A thread computes the [`InputFile`] (its sha256 names the Source) from a read of its
    /// own, before anything is written.
    Hashing(std::thread::JoinHandle<Result<InputFile>>),
    /// The import's own read hashes it (one inflate of an archive member); the Source is
    /// named by this provisional [`InputFile`] and the content is set when the read ends
    /// ([`ImportRun::settle_content`]).
    WhileReading(InputFile),
}

/// Imports one data file in its own transaction (see [`import_file`]); calls `read` once the
/// whole input is read and parsed, before the import's last writes and its commit (a release
/// archive then starts inflating its next year, on the core those leave idle).
fn import_data(
    file: DataFile,
    countries: &CountryCodes,
    products: Option<&ProductCodes>,
    store: &Path,
    options: &ImportOptions,
    read: &mut dyn FnMut(),
) -> Result<Option<crate::store::ImportSummary>> {
    let DataFile {
        name,
        reading: provisional,
        member,
        content,
        opened,
    } = file;
    let path = provisional.path.as_path();
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
    // Fresh dictionaries: both keys are 0.
    let classification = columns.dicts.classifications.key(&name.classification);
    let unit = columns.dicts.units.key("t");
    columns.set_lean(Lean {
        year: name.year,
        flow: Flow::Export,
        perspective: Perspective::Reconciled,
        classification: classification.unwrap_or(0),
        price_basis: PriceBasis::FobEstimated,
        unit: unit.unwrap_or(0),
    });
    let n_entities = columns.dicts.entities.len();
    let parser = Parser::new(&name, countries, code_map, products, n_entities);
    // A compressed year file is hashed as it is read (an archive's member already is).
    let max = options.max_expanded_bytes;
    let (reader, decompressed) = match (opened, &content) {
        (Some(reader), _) => (reader, None),
        (None, Content::Hashing(_)) => provisional.open_digested(&member, max)?,
        (None, Content::WhileReading(_)) => (provisional.open(&member, max)?, None),
    };
    let (reader, input, digest) = match content {
        Content::Hashing(hashing) => match hashing.join() {
            Ok(r) => (reader, r?, None),
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Content::WhileReading(input) => {
            let (reader, digest) = super::input::Digesting::new(reader, &input.path);
            (
                Box::new(reader) as Box<dyn std::io::Read + Send>,
                input,
                Some(digest),
            )
        }
    };
    let pipeline = pipeline::spawn(reader, path, parser, columns)?;
    let source = data_source(&input, &name, countries);
    // Returning drops the pipeline, which stops the parser and the reader.
    let Some(mut run) = ImportRun::begin(store, IMPORTER, &input, source, options)? else {
        return Ok(None);
    };
    write_companions(&mut run, country_source, products)?;
    let used = pipeline.drain(&mut run)?;
    read();
    if let Some(digest) = digest {
        let (sha256, bytes) = digest.result()?;
        if !run.settle_content(sha256, bytes)? {
            return Ok(None);
        }
    }
    if !run.settle_decompressed(decompressed)? {
        return Ok(None);
    }
    let used_areas: Vec<NewArea> = areas
        .into_iter()
        .filter(|(k, _)| used.get(*k as usize).copied().unwrap_or(false))
        .map(|(_, a)| a)
        .collect();
    write_new_areas(&mut run, &used_areas)?;
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
        Error::format(
            Location::file(path),
            "cannot tell the HS revision and the year from the file name; BACI files are named like BACI_HS92_Y2023_V202501.csv, release archives like BACI_HS92_V202501.zip",
        )
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
    let title = format!(
        "CEPII BACI {} {}{}",
        name.classification,
        name.year,
        in_parens(&version)
    );
    CEPII.source(IMPORTER, input, title, version.as_deref())
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
    if companions.is_empty() {
        return Ok(());
    }
    run.write_records(&companions)?;
    // The product file's lines that list no product, once, with its Source.
    if let Some(p) = products {
        let source = p.source();
        if companions.iter().any(|s| s.source_id == source.source_id) {
            let rejects = p.rejects(&source.source_id);
            if !rejects.is_empty() {
                run.write_records(&rejects)?;
            }
        }
    }
    run.transaction().close_open_files()
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
            None => {
                let iso3 = match row.iso3.as_deref() {
                    Some(iso3) => format!("its ISO3 `{iso3}` is not in the crosswalk"),
                    None => "it has no ISO3".to_string(),
                };
                Mapping::Unresolved(format!(
                    "BACI code {} ({}) names no entity: {iso3} and {} is not an ISO 3166 numeric code",
                    row.code, row.name, row.code
                ))
            }
        };
    }
    Ok((code_map, areas))
}

/// Areas created for "nes" codes, with their entity keys.
type Areas = Vec<(i16, NewArea)>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let n = BaciFileName::parse("BACI_HS92_Y2023_V202501.csv").unwrap();
        assert_eq!(n.classification, "HS92");
        assert_eq!(n.year, 2023);
        assert_eq!(n.version.as_deref(), Some("V202501"));
        let n = BaciFileName::parse("baci_hs17_y2019_v202401b.csv.gz").unwrap();
        assert_eq!(n.classification, "HS17");
        // A re-issued release keeps its letter suffix.
        assert_eq!(n.version.as_deref(), Some("V202401b"));
        let n = BaciFileName::parse("BACI_HS92_Y2023_V202401B.csv").unwrap();
        assert_eq!(n.version.as_deref(), Some("V202401b"));
        assert!(BaciFileName::parse("BACI_HS92_V202501.zip").is_none());
        assert!(BaciFileName::parse("trade.csv").is_none());
    }
}
