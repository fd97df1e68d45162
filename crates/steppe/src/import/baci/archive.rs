//! A BACI release archive (`BACI_HS92_V202501.zip`: every year's `BACI_HS92_Y<year>_V*.csv`
//! with `country_codes_V*.csv` and `product_codes_HS92_V*.csv`), imported year by year
//! straight out of the archive: no file is unpacked to disk.
//!
//! Each year file is streamed from the zip through the same pipeline as an unpacked one; a
//! second stream of the same member computes its sha256 alongside (on another thread), so a
//! year's Source is the year file's own (the same as for the unpacked file, which a later
//! import then recognises). The country and product lists inside the archive are used unless
//! given; they are small and read into memory. `years` keeps a range of years.

use std::io::Read;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::codes::{open_member, CountryCodes, ProductCodes};
use super::{import_data, BaciFileName, DataFile};
use crate::import::{ImportOptions, ImportReport, InputFile};
use crate::{Error, Location, Result};

/// Whether `path` names a release archive: a `.zip` whose name gives no year
/// (`BACI_HS92_V202501.zip`; a `.zip` of one year file, `BACI_HS92_Y2023_V202501.zip`, is a
/// year file).
pub fn is_release_archive(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".zip") && BaciFileName::parse(&name).is_none()
}

/// Imports the year files of the release archive `archive` (those in `years` when given), in
/// order of year, each in its own transaction, mapping countries through `country_codes`
/// (else the archive's `country_codes_*.csv`) and checking products against `products` (else
/// the archive's `product_codes_*.csv`, when it has one). Fails, before anything is written,
/// on an archive that cannot be read, holds no year file (in `years`), or lacks a country
/// file when none is given.
pub fn import_baci_archive(
    archive: &Path,
    years: Option<RangeInclusive<i16>>,
    country_codes: Option<&Path>,
    products: Option<&Path>,
    store: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let max = options.max_expanded_bytes;
    let zip = InputFile {
        path: archive.to_path_buf(),
        name: file_name(archive),
        bytes: 0,
        sha256: String::new(),
    };
    let members = member_names(archive)?;
    let year_files = year_files(&members, years.as_ref(), archive)?;
    let countries = match country_codes {
        Some(path) => CountryCodes::read(path, max)?,
        None => {
            let member = companion(&members, "country_codes").ok_or_else(|| {
                Error::format(
                    Location::file(archive),
                    "the archive holds no country_codes_*.csv: give the release's country file with --country-codes",
                )
            })?;
            let (input, reader, header) = open_member(&zip, member, max)?;
            CountryCodes::parse(input, reader, header)?
        }
    };
    let products = match (products, companion(&members, "product_codes")) {
        (Some(path), _) => Some(ProductCodes::read(path, max)?),
        (None, Some(member)) => {
            let (input, reader, header) = open_member(&zip, member, max)?;
            Some(ProductCodes::parse(input, reader, header)?)
        }
        (None, None) => None,
    };
    let mut report = ImportReport::default();
    for (name, member) in year_files {
        let file = DataFile {
            name,
            reading: zip.clone(),
            member: member.to_ascii_lowercase(),
            hashing: spawn_hash(&zip, member, max)?,
        };
        match import_data(file, &countries, products.as_ref(), store, options)? {
            Some(summary) => report.files.push(summary),
            None => report.skipped_files.push(member.to_string()),
        }
    }
    Ok(report)
}

/// What a BACI import is told besides the files and the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaciOptions {
    /// The country file; required for year files, optional for release archives.
    pub country_codes: Option<PathBuf>,
    /// The product file (optional).
    pub products: Option<PathBuf>,
    /// The years of release archives to import (all when `None`).
    pub years: Option<RangeInclusive<i16>>,
}

/// Imports BACI inputs: release archives (see [`import_baci_archive`]) and year files (see
/// [`super::import_baci`]): the archives, then the year files, each in the order given. Year
/// files need `baci.country_codes` (checked before anything is imported).
pub fn import_baci_inputs(
    files: &[PathBuf],
    baci: &BaciOptions,
    store: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let (archives, years): (Vec<PathBuf>, Vec<PathBuf>) =
        files.iter().cloned().partition(|f| is_release_archive(f));
    let countries = baci.country_codes.as_deref();
    if !years.is_empty() && countries.is_none() {
        return Err(Error::InvalidArgument(format!(
            "{}: a BACI year file needs the release's country file (--country-codes country_codes_V*.csv); only a release archive carries its own",
            years[0].display()
        )));
    }
    let mut report = ImportReport::default();
    for archive in &archives {
        let products = baci.products.as_deref();
        let r = import_baci_archive(
            archive,
            baci.years.clone(),
            countries,
            products,
            store,
            options,
        )?;
        report.files.extend(r.files);
        report.skipped_files.extend(r.skipped_files);
    }
    if let (false, Some(countries)) = (years.is_empty(), countries) {
        let r = super::import_baci(&years, countries, baci.products.as_deref(), store, options)?;
        report.files.extend(r.files);
        report.skipped_files.extend(r.skipped_files);
    }
    Ok(report)
}

/// The file name of `path`.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The file names (without directories) of the archive's files.
fn member_names(archive: &Path) -> Result<Vec<String>> {
    let file = std::fs::File::open(archive).map_err(|e| Error::io(archive, e))?;
    let zip = zip::ZipArchive::new(file).map_err(|e| {
        Error::format(
            Location::file(archive),
            format!("not a readable zip archive: {e}"),
        )
    })?;
    Ok(zip
        .file_names()
        .filter_map(|n| n.ok())
        .filter(|n| !n.ends_with('/'))
        .map(|n| n.rsplit('/').next().unwrap_or(&n).to_string())
        .collect())
}

/// The archive's year files (in `years`), by year; an error when there is none.
fn year_files<'a>(
    members: &'a [String],
    years: Option<&RangeInclusive<i16>>,
    archive: &Path,
) -> Result<Vec<(BaciFileName, &'a str)>> {
    let mut found: Vec<(BaciFileName, &str)> = members
        .iter()
        .filter(|m| m.to_ascii_lowercase().ends_with(".csv"))
        .filter_map(|m| BaciFileName::parse(m).map(|n| (n, m.as_str())))
        .filter(|(n, _)| years.is_none_or(|y| y.contains(&n.year)))
        .collect();
    found.sort_by_key(|(n, m)| (n.year, m.to_string()));
    if found.is_empty() {
        let within = years
            .map(|y| format!(" for the years {}-{}", y.start(), y.end()))
            .unwrap_or_default();
        return Err(Error::format(
            Location::file(archive),
            format!("the archive holds no BACI year file (BACI_HS92_Y2023_V202501.csv){within}"),
        ));
    }
    Ok(found)
}

/// The member whose name starts with `prefix` (any case) and ends in `.csv`.
fn companion<'a>(members: &'a [String], prefix: &str) -> Option<&'a str> {
    members.iter().map(String::as_str).find(|m| {
        let lower = m.to_ascii_lowercase();
        lower.starts_with(prefix) && lower.ends_with(".csv")
    })
}

/// Starts computing the [`InputFile`] of year file `member` of `zip` (its size and sha256,
/// read from a stream of its own; path `<archive>/<member>`).
fn spawn_hash(
    zip: &InputFile,
    member: &str,
    max: u64,
) -> Result<std::thread::JoinHandle<Result<InputFile>>> {
    let (zip, member) = (zip.clone(), member.to_string());
    let archive = zip.path.clone();
    std::thread::Builder::new()
        .name("steppe-sha256".into())
        .spawn(move || {
            let mut reader = zip.open(&member.to_ascii_lowercase(), max)?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 1 << 20];
            let mut bytes = 0u64;
            loop {
                let n = reader.read(&mut buf).map_err(|e| Error::io(&zip.path, e))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                bytes += n as u64;
            }
            Ok(InputFile {
                path: zip.path.join(&member),
                name: member,
                bytes,
                sha256: hex::encode(hasher.finalize()),
            })
        })
        .map_err(|e| Error::io(&archive, e))
}

/// Parses `2015-2023` (or one year, `2020`) into a range of years.
pub fn parse_years(text: &str) -> Result<RangeInclusive<i16>> {
    let bad = || {
        Error::InvalidArgument(format!(
            "--years `{text}` is not a year or a range of years such as 2015-2023"
        ))
    };
    let year = |s: &str| {
        s.trim()
            .parse::<i16>()
            .ok()
            .filter(|y| (1900..=2100).contains(y))
    };
    let (a, b) = match text.split_once('-') {
        Some((a, b)) => (year(a).ok_or_else(bad)?, year(b).ok_or_else(bad)?),
        None => {
            let y = year(text).ok_or_else(bad)?;
            (y, y)
        }
    };
    if a > b {
        return Err(bad());
    }
    Ok(a..=b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_and_years() {
        assert!(is_release_archive(Path::new("dl/BACI_HS92_V202501.zip")));
        assert!(!is_release_archive(Path::new(
            "BACI_HS92_Y2023_V202501.zip"
        )));
        assert!(!is_release_archive(Path::new(
            "BACI_HS92_Y2023_V202501.csv"
        )));
        assert_eq!(parse_years("2015-2023").unwrap(), 2015..=2023);
        assert_eq!(parse_years(" 2020 ").unwrap(), 2020..=2020);
        for bad in ["2023-2015", "x", "2015-", "15-23"] {
            assert!(parse_years(bad).is_err(), "{bad}");
        }
    }
}
