//! BACI's companion files: the country codes (`country_codes_V*.csv`) and the product codes
//! (`product_codes_HSxx_V*.csv`), read whole with the shared CSV reader.

use std::path::Path;

use super::CEPII;
use crate::import::csv_reader::{CsvReader, CsvRecord};
use crate::import::trade::{digits, header_names, is_missing, parse_uint, read_header};
use crate::import::InputFile;
use crate::model::Source;
use crate::{Error, Location, Result};

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
            let bad = |msg| {
                Error::format(
                    Location::file(path).row(rec.line()).field("country_code"),
                    msg,
                )
            };
            let Some(code) = parse_uint(rec.field(code_col)).filter(|c| *c < 1000) else {
                let shown = rec.text(code_col);
                return Err(bad(format!(
                    "`{shown}` is not a BACI country code (a number below 1000)"
                )));
            };
            let iso3 = rec.text(iso3_col).into_owned();
            let iso3 = (iso3.len() == 3
                && iso3.bytes().all(|b| b.is_ascii_alphabetic())
                && !is_missing(iso3.as_bytes()))
            .then(|| iso3.to_ascii_uppercase());
            // Empty past the last field, as when the header names no name column.
            let name = rec.text(name_col.unwrap_or(usize::MAX)).into_owned();
            if let Some(prev) = rows.iter().find(|r| r.code == code) {
                if prev.iso3 != iso3 {
                    return Err(bad(format!(
                        "code {code} is listed twice with different ISO3 codes (line {}: {:?}, here: {:?})",
                        prev.line, prev.iso3, iso3
                    )));
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

    pub(super) fn source(&self) -> Source {
        let title = format!("CEPII BACI country codes{}", in_parens(&self.version));
        CEPII.source(
            "baci-country-codes",
            &self.input,
            title,
            self.version.as_deref(),
        )
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

/// The upper-cased tokens of a file name's stem (`BACI_HS92_Y2023_V202501.csv`: `BACI`,
/// `HS92`, `Y2023`, `V202501`).
pub(super) fn tokens(name: &str) -> Vec<String> {
    let stem = name.split('.').next().unwrap_or(name);
    stem.split(['_', '-', ' '])
        .map(|t| t.to_ascii_uppercase())
        .collect()
}

/// The `Vxxxxxx` release token of a file name.
pub(super) fn release_of(name: &str) -> Option<String> {
    tokens(name)
        .into_iter()
        .find(|t| t.len() > 1 && t.starts_with('V') && t[1..].bytes().all(|b| b.is_ascii_digit()))
}

/// A parsed `product_codes_HSxx_V*.csv`: the product numbers it lists.
#[derive(Debug, Clone)]
pub struct ProductCodes {
    /// The file.
    pub input: InputFile,
    /// Whether each number 0..=999999 is a listed product.
    pub(super) listed: Vec<bool>,
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
            let Some(n) = digits(code, 6) else {
                return Err(Error::format(
                    Location::file(path).row(rec.line()).field(first.clone()),
                    format!(
                        "`{}` is not a product code of up to six digits",
                        String::from_utf8_lossy(code)
                    ),
                ));
            };
            count += usize::from(!listed[n as usize]);
            listed[n as usize] = true;
        }
        Ok(ProductCodes {
            input,
            listed,
            count,
        })
    }

    pub(super) fn source(&self) -> Source {
        let version = release_of(&self.input.name);
        let title = format!("CEPII BACI product codes{}", in_parens(&version));
        CEPII.source("baci-product-codes", &self.input, title, version.as_deref())
    }
}

/// ` (V202501)` for a release, else nothing.
pub(super) fn in_parens(version: &Option<String>) -> String {
    version
        .as_deref()
        .map(|v| format!(" ({v})"))
        .unwrap_or_default()
}
