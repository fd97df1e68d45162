//! BACI's companion files: the country codes (`country_codes_V*.csv`) and the product codes
//! (`product_codes_HSxx_V*.csv`), read whole with the shared CSV reader.

use std::collections::HashSet;
use std::path::Path;

use super::CEPII;
use crate::import::csv_reader::{CsvReader, CsvRecord};
use crate::import::trade::{digits, header_names, is_missing, parse_uint, read_header};
use crate::import::{decode_line, InputFile};
use crate::model::{Reject, Source};
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
        let (input, reader, rec) = open_companion(path, max_expanded)?;
        Self::parse(input, reader, rec)
    }

    /// Reads the rest of a country file whose header record is `rec`.
    pub(super) fn parse(input: InputFile, mut reader: Reader, mut rec: CsvRecord) -> Result<Self> {
        let path = input.path.clone();
        let path = path.as_path();
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
pub(super) type Reader = CsvReader<Box<dyn std::io::Read + Send>>;

/// A companion file inside a release archive: member `member` (its file name) of `archive`,
/// read into memory (companion files are small; at most `max_expanded` bytes). Its
/// [`InputFile`] is the member's (name, size, sha256 of its bytes; path
/// `<archive>/<member>`). Returns it, its reader and its header record.
pub(super) fn open_member(
    archive: &InputFile,
    member: &str,
    max_expanded: u64,
) -> Result<(InputFile, Reader, CsvRecord)> {
    use sha2::Digest;
    use std::io::Read;
    let suffix = member.to_ascii_lowercase();
    let mut bytes = Vec::new();
    archive
        .open(&suffix, max_expanded)?
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(&archive.path, e))?;
    let input = InputFile {
        path: archive.path.join(member),
        name: member.to_string(),
        bytes: bytes.len() as u64,
        sha256: hex::encode(sha2::Sha256::digest(&bytes)),
    };
    let mut reader: Reader = CsvReader::new(Box::new(std::io::Cursor::new(bytes)), &input.path);
    let mut header = CsvRecord::default();
    while reader.read(&mut header)? {
        if !header.is_blank() {
            return Ok((input, reader, header));
        }
    }
    Err(crate::import::input::empty_input(&input.path))
}

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

/// The release token of a file name: `V` and its digits (`V202501`), with the letter suffix
/// of a re-issued release kept in lower case (`V202401b`).
pub(super) fn release_of(name: &str) -> Option<String> {
    tokens(name).into_iter().find_map(|t| {
        let rest = t.strip_prefix('V')?;
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        let suffix = &rest[n..];
        let ok = n > 0 && suffix.len() <= 2 && suffix.bytes().all(|b| b.is_ascii_alphabetic());
        ok.then(|| format!("V{}{}", &rest[..n], suffix.to_ascii_lowercase()))
    })
}

/// A special product code: six characters, at least two digits then upper-case letters
/// (`9999AA`). Not an HS6 subheading but a code of its own that BACI's files may carry (goods
/// not specified by kind); a letter among the digits (`0201X0`) is no such code.
pub(super) fn special_code(code: &[u8]) -> Option<[u8; 6]> {
    let n = code.iter().take_while(|b| b.is_ascii_digit()).count();
    let ok = code.len() == 6 && (2..6).contains(&n) && code[n..].iter().all(u8::is_ascii_uppercase);
    ok.then(|| code.try_into().ok()).flatten()
}

/// A line of the product file that lists no product (its code is neither up to six digits
/// nor a special code): recorded as a reject of the product file, the rest of it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFileProblem {
    /// Line in the product file.
    pub line: u64,
    /// Why (`malformed_code`).
    pub reason: &'static str,
    /// What is wrong, in words.
    pub detail: String,
    /// The line as read.
    pub raw: String,
}

/// A parsed `product_codes_HSxx_V*.csv`: the product numbers and special codes it lists.
#[derive(Debug, Clone)]
pub struct ProductCodes {
    /// The file.
    pub input: InputFile,
    /// Whether each number 0..=999999 is a listed product.
    pub(super) listed: Vec<bool>,
    /// The special codes it lists (`9999AA`).
    pub(super) specials: HashSet<[u8; 6]>,
    /// How many products it lists (special codes included).
    pub count: usize,
    /// Its lines that list no product, in order.
    pub problems: Vec<ProductFileProblem>,
    /// The header's name of the code column (`code`), for rejects.
    column: String,
}

impl ProductCodes {
    /// Reads a product file (`code,description`; codes with or without leading zeros, and
    /// special codes such as `9999AA`). A line whose code is neither is kept in
    /// [`ProductCodes::problems`]; only a header of another kind is an error.
    pub fn read(path: &Path, max_expanded: u64) -> Result<ProductCodes> {
        let (input, reader, rec) = open_companion(path, max_expanded)?;
        Self::parse(input, reader, rec)
    }

    /// Reads the rest of a product file whose header record is `rec`.
    pub(super) fn parse(input: InputFile, mut reader: Reader, mut rec: CsvRecord) -> Result<Self> {
        let path = input.path.clone();
        let path = path.as_path();
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
        let mut codes = ProductCodes {
            input,
            listed: vec![false; 1_000_000],
            specials: HashSet::new(),
            count: 0,
            problems: Vec::new(),
            column: names.first().cloned().unwrap_or_default(),
        };
        while reader.read(&mut rec)? {
            if !rec.is_blank() {
                codes.add(&rec);
            }
        }
        Ok(codes)
    }

    /// Lists the product of one line, or records the line as a problem.
    fn add(&mut self, rec: &CsvRecord) {
        let code = rec.field(0);
        let new = if let Some(n) = digits(code, 6) {
            !std::mem::replace(&mut self.listed[n as usize], true)
        } else if let Some(special) = special_code(code) {
            self.specials.insert(special)
        } else {
            let detail = format!(
                "`{}` is neither a product code of up to six digits nor a special code (six characters: digits, then upper-case letters, as 9999AA)",
                String::from_utf8_lossy(code)
            );
            self.problems.push(ProductFileProblem {
                line: rec.line(),
                reason: "malformed_code",
                detail,
                raw: decode_line(rec.raw()).0.into_owned(),
            });
            false
        };
        self.count += usize::from(new);
    }

    /// Whether the file lists product number `n` (0..=999999).
    pub(super) fn lists(&self, n: u32) -> bool {
        self.listed.get(n as usize).copied().unwrap_or(false)
    }

    pub(super) fn source(&self) -> Source {
        let version = release_of(&self.input.name);
        let title = format!("CEPII BACI product codes{}", in_parens(&version));
        CEPII.source("baci-product-codes", &self.input, title, version.as_deref())
    }

    /// The problems as rows of the `rejects` table, citing the product file's Source.
    pub(super) fn rejects(&self, source_id: &str) -> Vec<Reject> {
        self.problems
            .iter()
            .map(|p| Reject {
                source_id: source_id.to_string(),
                file: self.input.name.clone(),
                line: p.line as i64,
                field: Some(self.column.clone()),
                reason: p.reason.into(),
                detail: Some(p.detail.clone()),
                raw: p.raw.clone(),
            })
            .collect()
    }
}

/// ` (V202501)` for a release, else nothing.
pub(super) fn in_parens(version: &Option<String>) -> String {
    version
        .as_deref()
        .map(|v| format!(" ({v})"))
        .unwrap_or_default()
}
