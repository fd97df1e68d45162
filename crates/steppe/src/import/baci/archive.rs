//! A BACI release archive (`BACI_HS92_V202501.zip`: every year's `BACI_HS92_Y<year>_V*.csv`
//! with `country_codes_V*.csv` and `product_codes_HS92_V*.csv`), imported year by year
//! straight out of the archive: no file is unpacked to disk.
//!
//! Each year file is streamed from the zip through the same pipeline as an unpacked one and
//! inflated once: the pipeline's read computes its sha256 (`input::Digesting`). Until the read
//! ends, the year's Source is named by the member (its name, CRC-32 and size from the zip's
//! directory: `baci-<16 hex>`), which is how a second import of the archive knows it before
//! reading; when the read ends, the year file's own sha256 and size go into its Source and
//! the import's summary, so the unpacked file is recognised afterwards, and an archive whose
//! year the store already holds from the unpacked file is dropped (or replaced, or refused)
//! as `reimport` says. The country and product lists inside the archive are used unless
//! given; they are small and read into memory. `years` keeps a range of years.
//!
//! The years are imported one after another: each is one transaction under the store's
//! lock, and one year's pipeline (inflate, parse, encode) already keeps two cores busy. Once
//! a year is read, the next one starts inflating (up to 16 MiB ahead) while the year's last
//! writes and commit leave a core idle.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::codes::{open_member, CountryCodes, ProductCodes};
use super::{import_data, BaciFileName, Content, DataFile};
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
    let listed = members(archive)?;
    let members: Vec<String> = listed.iter().map(|m| m.name.clone()).collect();
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
    // The next year, opened (and inflating) while the one before finishes.
    let mut prefetched = None;
    let mut years = year_files.into_iter().peekable();
    while let Some((name, member)) = years.next() {
        let Some(entry) = listed.iter().find(|m| m.name == member) else {
            continue; // not reachable: `year_files` picks among `listed`
        };
        let file = DataFile {
            name,
            reading: zip.clone(),
            member: member.to_ascii_lowercase(),
            content: Content::WhileReading(entry.provisional(archive)),
            opened: prefetched.take(),
        };
        let mut next = years.peek().map(|(_, m)| m.to_ascii_lowercase());
        // An archive that fails to open here fails the same way when the year is imported.
        let mut prefetch = || prefetched = next.take().and_then(|m| zip.prefetch(&m, max).ok());
        match import_data(
            file,
            &countries,
            products.as_ref(),
            store,
            options,
            &mut prefetch,
        ) {
            Ok(Some(summary)) => report.files.push(summary),
            Ok(None) => report.skipped_files.push(member.to_string()),
            Err(e) => return Err(report.failure(member, store, in_member(e, archive, member))),
        }
    }
    Ok(report)
}

/// `e`, an error reading `archive` while importing its `member`, naming the member:
/// `<archive>: member <name>: <message>`.
fn in_member(e: Error, archive: &Path, member: &str) -> Error {
    match e {
        Error::Io { path, source } if path == archive => {
            let message = format!("member {member}: {source}");
            Error::io(path, std::io::Error::new(source.kind(), message))
        }
        Error::Format { location, message } if location.path.as_deref() == Some(archive) => {
            let message = format!("member {member}: {message}");
            Error::Format { location, message }
        }
        e => e,
    }
}

/// What a BACI import is told besides the files and the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaciOptions {
    /// The country file; required for year files, optional for release archives.
    pub country_codes: Option<PathBuf>,
    /// The product file (optional).
    pub products: Option<PathBuf>,
    /// The years of release archives to import (all when `None`); a year file outside them
    /// is refused.
    pub years: Option<RangeInclusive<i16>>,
}

/// Imports BACI inputs: release archives (see [`import_baci_archive`]) and year files (see
/// [`super::import_baci`]): the archives, then the year files, each in the order given. Year
/// files need `baci.country_codes`; that, and that every input exists and is a file and every
/// year file's name parses, is checked before anything is imported. An input failing after
/// others were committed fails with [`Error::PartlyImported`].
pub fn import_baci_inputs(
    files: &[PathBuf],
    baci: &BaciOptions,
    store: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let (archives, years): (Vec<PathBuf>, Vec<PathBuf>) =
        files.iter().cloned().partition(|f| is_release_archive(f));
    crate::import::check_inputs(files)?;
    let countries = baci.country_codes.as_deref();
    if !years.is_empty() && countries.is_none() {
        return Err(Error::InvalidArgument(format!(
            "{}: a BACI year file needs the release's country file (--country-codes country_codes_V*.csv); only a release archive carries its own",
            years[0].display()
        )));
    }
    super::check_year_files(&years)?;
    check_years_in_range(&years, baci.years.as_ref())?;
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
        );
        report.merge(r, &archive.display().to_string(), store)?;
    }
    if let (false, Some(countries)) = (years.is_empty(), countries) {
        let r = super::import_baci(&years, countries, baci.products.as_deref(), store, options);
        let failed = match years.as_slice() {
            [one] => one.display().to_string(),
            _ => "the year files".to_string(),
        };
        report.merge(r, &failed, store)?;
    }
    Ok(report)
}

/// The file name of `path`.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A file of the archive as its directory lists it: name (without directories), CRC-32 and
/// uncompressed size (both as declared, not trusted for anything but naming).
struct Member {
    name: String,
    crc32: u32,
    size: u64,
}

impl Member {
    /// The [`InputFile`] naming the member's Source until its content is read: path
    /// `<archive>/<member>`, the declared size, and as sha256 that of `zip-member`, the name,
    /// CRC-32 and size (so its source id, `baci-<16 hex>`, is the same in every import of
    /// the archive).
    fn provisional(&self, archive: &Path) -> InputFile {
        let identity = format!(
            "zip-member\0{}\0{:08x}\0{}",
            self.name, self.crc32, self.size
        );
        InputFile {
            path: archive.join(&self.name),
            name: self.name.clone(),
            bytes: self.size,
            sha256: hex::encode(Sha256::digest(identity.as_bytes())),
        }
    }
}

/// The archive's files (not its directories).
fn members(archive: &Path) -> Result<Vec<Member>> {
    let unreadable = |e: zip::result::ZipError| {
        Error::format(
            Location::file(archive),
            format!("not a readable zip archive: {e}"),
        )
    };
    let file = std::fs::File::open(archive).map_err(|e| Error::io(archive, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(unreadable)?;
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(unreadable)?;
        let Ok(name) = entry.name() else { continue };
        if entry.is_dir() || name.ends_with('/') {
            continue;
        }
        out.push(Member {
            name: name.rsplit('/').next().unwrap_or(&name).to_string(),
            crc32: entry.crc32(),
            size: entry.size(),
        });
    }
    Ok(out)
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

/// Refuses (before anything is read) a year file whose name gives a year outside `years`:
/// `--years` picks the years of release archives, and a year file given beside it must be
/// one of them, never imported against the option.
fn check_years_in_range(files: &[PathBuf], years: Option<&RangeInclusive<i16>>) -> Result<()> {
    let Some(years) = years else { return Ok(()) };
    for f in files {
        let Some(name) = BaciFileName::parse(&file_name(f)) else {
            continue;
        };
        if !years.contains(&name.year) {
            return Err(Error::InvalidArgument(format!(
                "{}: a year file of {}, outside --years {}-{}: leave the file out or widen --years",
                f.display(),
                name.year,
                years.start(),
                years.end()
            )));
        }
    }
    Ok(())
}

/// Parses `2015-2023`, `2015..2023` (as `steppe query --years` writes it; also `2015..=2023`,
/// `2015..` and `..2023`) or one year, `2020`, into a range of years 1900-2100.
pub fn parse_years(text: &str) -> Result<RangeInclusive<i16>> {
    let bad = || {
        Error::InvalidArgument(format!(
            "--years `{text}` is not a year or a range of years such as 2015-2023 or 2015..2023"
        ))
    };
    let year = |s: &str| {
        s.trim()
            .parse::<i16>()
            .ok()
            .filter(|y| (1900..=2100).contains(y))
    };
    let open = |s: &str, end: i16| match s.trim() {
        "" => Some(end),
        s => year(s),
    };
    let (a, b) = if let Some((a, b)) = text.split_once("..") {
        let b = b.strip_prefix('=').unwrap_or(b);
        if a.trim().is_empty() && b.trim().is_empty() {
            return Err(bad());
        }
        (
            open(a, 1900).ok_or_else(bad)?,
            open(b, 2100).ok_or_else(bad)?,
        )
    } else if let Some((a, b)) = text.split_once('-') {
        (year(a).ok_or_else(bad)?, year(b).ok_or_else(bad)?)
    } else {
        let y = year(text).ok_or_else(bad)?;
        (y, y)
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
        assert_eq!(parse_years("2021..2022").unwrap(), 2021..=2022);
        assert_eq!(parse_years("2021..=2022").unwrap(), 2021..=2022);
        assert_eq!(parse_years("2021..").unwrap(), 2021..=2100);
        assert_eq!(parse_years("..1999").unwrap(), 1900..=1999);
        for bad in [
            "2023-2015",
            "x",
            "2015-",
            "15-23",
            "2023..2015",
            "..",
            "2021...2022",
        ] {
            assert!(parse_years(bad).is_err(), "{bad}");
        }
    }
}
