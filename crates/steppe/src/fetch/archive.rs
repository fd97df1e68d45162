//! Safety checks on downloaded zip archives, and extraction of the few that the importers
//! need unpacked (the World Bank's): member names with an absolute path, a drive letter or a
//! `..` component are refused, and the expanded size is bounded (declared sizes are checked
//! first, then the bytes actually written, since a declared size can lie).

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why `name` may not be written under a directory, or `None` when it is safe.
pub fn unsafe_member(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if name.starts_with('/') || name.starts_with('\\') {
        return Some("an absolute path");
    }
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Some("a drive letter");
    }
    if name.split(['/', '\\']).any(|c| c == "..") {
        return Some("a `..` component");
    }
    None
}

/// Checks the zip at `path`: every member's name is safe and the declared sizes add up to at
/// most `max_expanded` bytes. Returns the member names.
pub fn check_zip(path: &Path, max_expanded: u64) -> Result<Vec<String>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("not a readable zip archive: {e}"))?;
    let mut names = Vec::with_capacity(archive.len());
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let member = archive
            .by_index_raw(i)
            .map_err(|e| format!("zip member {i}: {e}"))?;
        let name = member
            .name()
            .map_err(|e| format!("zip member {i}: {e}"))?
            .to_string();
        if let Some(why) = unsafe_member(&name) {
            return Err(format!(
                "refused: the archive's member `{name}` has {why} (it could write outside the folder it is unpacked in)"
            ));
        }
        total = total.saturating_add(member.size());
        if total > max_expanded {
            return Err(format!(
                "refused: the archive expands to more than the limit of {max_expanded} bytes"
            ));
        }
        names.push(name);
    }
    Ok(names)
}

/// Unpacks the files of the zip at `path` into `dest` (a new folder, written under a
/// temporary name and renamed when complete), writing at most `max_expanded` bytes in all.
/// Returns the unpacked files, in archive order.
pub fn extract_zip(path: &Path, dest: &Path, max_expanded: u64) -> Result<Vec<PathBuf>, String> {
    check_zip(path, max_expanded)?;
    let tmp = dest.with_extension("unpacking");
    let _ = fs::remove_dir_all(&tmp);
    let result = unpack(path, &tmp, max_expanded);
    let relative = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let _ = fs::remove_dir_all(dest);
    fs::rename(&tmp, dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(relative.into_iter().map(|r| dest.join(r)).collect())
}

fn unpack(path: &Path, tmp: &Path, max_expanded: u64) -> Result<Vec<PathBuf>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
    let mut written: u64 = 0;
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).map_err(|e| e.to_string())?;
        if !member.is_file() {
            continue;
        }
        let name = member.name().map_err(|e| e.to_string())?.to_string();
        let relative: PathBuf = name.split(['/', '\\']).filter(|c| !c.is_empty()).collect();
        let out = tmp.join(&relative);
        if let Some(dir) = out.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let mut target = File::create(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        let room = max_expanded - written;
        let n = std::io::copy(&mut (&mut member).take(room + 1), &mut target)
            .map_err(|e| format!("zip member `{name}`: {e}"))?;
        if n > room {
            return Err(format!(
                "refused: the archive expands to more than the limit of {max_expanded} bytes"
            ));
        }
        written += n;
        files.push(relative);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_absolute_names_are_unsafe() {
        assert_eq!(unsafe_member("../x"), Some("a `..` component"));
        assert_eq!(unsafe_member("a/../../x"), Some("a `..` component"));
        assert_eq!(unsafe_member("/etc/passwd"), Some("an absolute path"));
        assert_eq!(unsafe_member("C:\\x"), Some("a drive letter"));
        assert_eq!(unsafe_member("a..b/c.csv"), None);
        assert_eq!(unsafe_member("API_X.csv"), None);
    }
}
