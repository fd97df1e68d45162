//! The World Bank's per-indicator download, `API_<code>_DS2_en_csv_v2_<n>.zip`: one data CSV
//! (`API_*.csv`) with `Metadata_Country_API_*.csv` and `Metadata_Indicator_API_*.csv`, read
//! straight out of the zip as those three CSV files. Each member is read into memory (they
//! are small: about 300 KB of data, 60 KB of country metadata) within the expansion limit, and
//! is identified by its own content, so the zip and its unpacked CSV files are the same
//! inputs to a store. Any other zip is refused: extract it and pass the CSV files.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::import::input::{empty_input, InputFile};
use crate::{Error, Location, Result};

/// Whether `path` names a zip archive (by its extension).
pub(super) fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// The member a path made by [`members`] names: (the zip, the member's name in it).
pub(super) fn member_of(path: &Path) -> Option<(&Path, String)> {
    let zip = path.parent().filter(|p| is_zip(p) && p.is_file())?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    Some((zip, name))
}

/// The CSV files of the API download `zip`, data first: each an [`InputFile`] whose path is
/// `<zip>/<member>` and whose size and sha256 are the member's. Refused (naming the zip) when
/// the archive is not one data CSV `API_*.csv` with `Metadata_*` CSV files.
pub(super) fn members(zip: &Path, max_expanded: u64) -> Result<Vec<InputFile>> {
    let names = listed(zip)?;
    let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let is_data = |n: &str| n.starts_with("api_") && n.ends_with(".csv");
    let is_meta = |n: &str| {
        (n.starts_with("metadata_country_") || n.starts_with("metadata_indicator_"))
            && n.ends_with(".csv")
    };
    let data = lower.iter().filter(|n| is_data(n)).count();
    if data != 1 || !lower.iter().all(|n| is_data(n) || is_meta(n)) {
        return Err(Error::InvalidArgument(format!(
            "{}: steppe reads one kind of WDI zip, the per-indicator API download (one \
             `API_<code>_*.csv` with `Metadata_Country_*` and `Metadata_Indicator_*` CSV \
             files), and this one holds {}; extract it and pass the CSV files (data, \
             WDICountry/Metadata_Country, WDISeries/Metadata_Indicator)",
            zip.display(),
            names.join(", ")
        )));
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| !is_data(&lower[i]));
    order
        .into_iter()
        .map(|i| {
            let bytes = read(zip, &names[i], max_expanded)?;
            Ok(InputFile {
                path: zip.join(&names[i]),
                name: names[i].clone(),
                bytes: bytes.len() as u64,
                sha256: hex::encode(Sha256::digest(&bytes)),
            })
        })
        .collect()
}

/// The bytes of member `name` of `zip` (at most `max_expanded`); an [`empty_input`] error
/// (naming `<zip>/<name>`) when they are nothing but blanks.
pub(super) fn read(zip: &Path, name: &str, max_expanded: u64) -> Result<Vec<u8>> {
    let at = zip.join(name);
    let mut archive = open(zip)?;
    let index = (0..archive.len())
        .find(|&i| {
            archive
                .by_index_raw(i)
                .is_ok_and(|m| m.name().is_ok_and(|n| base(&n) == name))
        })
        .ok_or_else(|| unreadable(zip, format!("no member `{name}`")))?;
    let member = archive
        .by_index(index)
        .map_err(|e| unreadable(zip, e.to_string()))?;
    let mut bytes = Vec::new();
    member
        .take(max_expanded.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(&at, e))?;
    if bytes.len() as u64 > max_expanded {
        let message = format!("expands to more than the limit of {max_expanded} bytes");
        return Err(Error::format(Location::file(&at), message));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(empty_input(&at));
    }
    Ok(bytes)
}

/// The names (without folders) of the files of `zip`, in archive order.
fn listed(zip: &Path) -> Result<Vec<String>> {
    let mut archive = open(zip)?;
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let m = archive
            .by_index_raw(i)
            .map_err(|e| unreadable(zip, e.to_string()))?;
        let name = m.name().map_err(|e| unreadable(zip, e.to_string()))?;
        if !m.is_dir() && !name.ends_with('/') {
            names.push(base(&name).to_string());
        }
    }
    Ok(names)
}

fn open(zip: &Path) -> Result<zip::ZipArchive<File>> {
    let file = File::open(zip).map_err(|e| Error::io(zip, e))?;
    zip::ZipArchive::new(file).map_err(|e| unreadable(zip, e.to_string()))
}

fn unreadable(zip: &Path, why: String) -> Error {
    Error::format(
        Location::file(zip),
        format!("not a readable zip archive: {why}"),
    )
}

/// A member name without its folders.
fn base(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}
