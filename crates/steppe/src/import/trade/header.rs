//! The header of a trade file, read with the shared CSV reader before anything is written.

use crate::import::csv_reader::{CsvReader, CsvRecord};
use crate::import::InputFile;
use crate::Result;

/// Reads the first record of `member` of `input` (decompressed up to `max` bytes); an input
/// without one is the "empty input" error naming the file.
pub(crate) fn read_header(input: &InputFile, member: &str, max: u64) -> Result<CsvRecord> {
    input.require_content(member, max)?;
    let mut reader = CsvReader::new(input.open(member, max)?, &input.path);
    let mut rec = CsvRecord::default();
    if !reader.read(&mut rec)? {
        return Err(crate::import::input::empty_input(&input.path));
    }
    Ok(rec)
}

/// The header's names, trimmed (the reader drops a BOM), a trailing empty name dropped.
pub(crate) fn header_names(rec: &CsvRecord) -> Vec<String> {
    let mut names: Vec<String> = (0..rec.len()).map(|i| rec.text(i).into_owned()).collect();
    while names.len() > 1 && names.last().is_some_and(|n| n.is_empty()) {
        names.pop();
    }
    names
}
