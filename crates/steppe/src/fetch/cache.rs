//! The download cache: a file is an entry only when its sidecar (`<name>.json`: URL,
//! retrieval time, size, sha256, ETag, Last-Modified) names it with its size. Data is written
//! under `.partial/` and renamed into place when complete and verified, then the sidecar is
//! written to a temporary name and renamed: the sidecar is the commit point, so a crash leaves
//! at worst a file without a sidecar, which is not an entry and is downloaded again.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// What the cache records of one downloaded file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sidecar {
    /// The publisher's URL (never a mirror's, never with a key).
    pub url: String,
    /// When the file was retrieved (or last revalidated) from `url`.
    pub retrieved: DateTime<Utc>,
    /// Size in bytes.
    pub bytes: u64,
    /// sha256 of the file, hex.
    pub sha256: String,
    /// The server's `ETag`, for conditional requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The server's `Last-Modified`, for conditional requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The MD5 the publisher's list gave, when it gave one (GDELT), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
}

/// A cache directory.
#[derive(Clone, Debug)]
pub struct Cache {
    root: PathBuf,
}

/// The cache directory to use: `explicit`, else `STEPPE_CACHE_DIR`, else the platform's
/// user cache directory (`~/.cache/steppe` on Linux, `~/Library/Caches/steppe` on macOS,
/// `%LOCALAPPDATA%\steppe` on Windows).
pub fn default_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("STEPPE_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::cache_dir().map(|d| d.join("steppe")).ok_or_else(|| {
        Error::InvalidArgument(
            "no user cache directory on this platform; name one with STEPPE_CACHE_DIR".into(),
        )
    })
}

/// `name` made safe as one path component: characters other than letters, digits, `.`, `_`,
/// `-` and `;` become `_`; `.` and `..` and empty names become `_`.
pub fn safe_component(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ';') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        "_".into()
    } else {
        cleaned
    }
}

impl Cache {
    /// The cache at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Cache {
        Cache { root: root.into() }
    }

    /// The cache's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the entry for `url` named `name` lives: `<root>/<host>/<path's folders>/<name>`,
    /// every component made safe.
    pub fn entry_path(&self, url: &str, name: &str) -> PathBuf {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let rest = rest.split(['?', '#']).next().unwrap_or(rest);
        let mut parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        parts.pop(); // the last segment: the entry is named `name`
        let mut path = self.root.clone();
        for p in parts {
            path.push(safe_component(p));
        }
        path.push(safe_component(name));
        path
    }

    /// Where a download in progress for `entry` is written (never read as an entry).
    pub fn partial_path(&self, entry: &Path) -> PathBuf {
        let relative = entry.strip_prefix(&self.root).unwrap_or(entry);
        let flat = relative.to_string_lossy().replace(['/', '\\'], "__");
        self.root.join(".partial").join(flat)
    }

    /// The sidecar of `entry`, when `entry` is a complete entry (sidecar present and the
    /// file's size as recorded).
    pub fn lookup(&self, entry: &Path) -> Option<Sidecar> {
        let text = fs::read(sidecar_path(entry)).ok()?;
        let sidecar: Sidecar = serde_json::from_slice(&text).ok()?;
        let size = fs::metadata(entry).ok()?.len();
        (size == sidecar.bytes).then_some(sidecar)
    }

    /// Moves the verified download at `partial` to `entry` and commits `sidecar` for it.
    pub fn commit(&self, partial: &Path, entry: &Path, sidecar: &Sidecar) -> Result<()> {
        if let Some(dir) = entry.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let side = sidecar_path(entry);
        // The old sidecar goes first: until the new one is written, the entry is absent.
        match fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(&side, e)),
            _ => {}
        }
        fs::rename(partial, entry).map_err(|e| Error::io(entry, e))?;
        self.write_sidecar(entry, sidecar)
    }

    /// Writes `sidecar` for `entry` (a temporary name, then a rename).
    pub fn write_sidecar(&self, entry: &Path, sidecar: &Sidecar) -> Result<()> {
        let side = sidecar_path(entry);
        let tmp = side.with_extension("json.tmp");
        let text = serde_json::to_vec_pretty(sidecar)?;
        fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, &side).map_err(|e| Error::io(&side, e))
    }
}

/// The sidecar file of `entry`: `<entry>.json`.
pub fn sidecar_path(entry: &Path) -> PathBuf {
    let mut name = entry.as_os_str().to_owned();
    name.push(".json");
    PathBuf::from(name)
}

/// The first 8 hex digits of the sha256 of `text` (to tell apart cache names of one URL
/// path with different queries).
pub fn short_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))[..8].to_string()
}

/// sha256 (hex) and size of the file at `path`.
pub fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let n = std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok((hex::encode(hasher.finalize()), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths_keep_host_and_folders_and_refuse_traversal() {
        let cache = Cache::new("/c");
        let p = cache.entry_path(
            "https://api.worldbank.org/v2/en/indicator/SP.POP.TOTL?downloadformat=csv",
            "API_SP.POP.TOTL.zip",
        );
        assert_eq!(
            p,
            PathBuf::from("/c/api.worldbank.org/v2/en/indicator/API_SP.POP.TOTL.zip")
        );
        let p = cache.entry_path("http://h/a/../../etc/x", "../passwd");
        assert_eq!(p, PathBuf::from("/c/h/a/_/_/etc/.._passwd"));
        assert_eq!(safe_component(".."), "_");
        assert_eq!(safe_component("a b/c"), "a_b_c");
    }

    #[test]
    fn an_entry_exists_only_with_its_sidecar_and_size() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let entry = cache.entry_path("https://h/x/f.zip", "f.zip");
        assert!(cache.lookup(&entry).is_none());
        let partial = cache.partial_path(&entry);
        fs::create_dir_all(partial.parent().unwrap()).unwrap();
        fs::write(&partial, b"abc").unwrap();
        let (sha256, bytes) = sha256_file(&partial).unwrap();
        let sidecar = Sidecar {
            url: "https://h/x/f.zip".into(),
            retrieved: Utc::now(),
            bytes,
            sha256,
            etag: Some("\"e\"".into()),
            last_modified: None,
            md5: None,
        };
        cache.commit(&partial, &entry, &sidecar).unwrap();
        assert_eq!(cache.lookup(&entry), Some(sidecar));
        fs::write(&entry, b"abcd").unwrap();
        assert!(
            cache.lookup(&entry).is_none(),
            "a size that differs is no entry"
        );
    }
}
