//! Machinery shared by the trade importers ([`super::baci`], [`super::comtrade`]), one
//! concept per module; [`pipeline`] is the parallel pipeline both run.

pub(crate) mod chunks;
pub(crate) mod columns;
pub(crate) mod numbers;
pub(crate) mod pipeline;
pub(crate) mod reference;

pub(crate) use chunks::{Chunk, ChunkStream, Chunks};
pub(crate) use columns::{Dict, Dicts, Lean, LeanRow, Row, TradeColumns};
pub(crate) use numbers::{
    amount_field, digits, is_missing, names_nes, parse_uint, trim_field, Refusal,
};
pub(crate) use pipeline::{Sink, TradeParser};
pub(crate) use reference::{write_new_areas, NewArea, Reference};

use super::csv_reader::{CsvReader, CsvRecord};
use super::InputFile;
use crate::Result;

/// Reads the first record of `member` of `input` (decompressed up to `max` bytes); an input
/// without one is the "empty input" error naming the file.
pub(crate) fn read_header(input: &InputFile, member: &str, max: u64) -> Result<CsvRecord> {
    input.require_content(member, max)?;
    let mut reader = CsvReader::new(input.open(member, max)?, &input.path);
    let mut rec = CsvRecord::default();
    if !reader.read(&mut rec)? {
        return Err(super::input::empty_input(&input.path));
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

/// Imports each file with `one` (each in its own transaction; `None`: the store already holds
/// it) and reports them together. Every file is checked to exist and be a file first; a
/// file failing after others were committed fails with [`crate::Error::PartlyImported`].
pub(crate) fn import_each(
    files: &[std::path::PathBuf],
    store: &std::path::Path,
    mut one: impl FnMut(&std::path::Path) -> Result<Option<crate::store::ImportSummary>>,
) -> Result<super::ImportReport> {
    super::check_inputs(files)?;
    let mut report = super::ImportReport::default();
    for file in files {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        match one(file) {
            Ok(summary) => report.add(name.into_owned(), summary),
            Err(e) => return Err(report.failure(&file.display().to_string(), store, e)),
        }
    }
    Ok(report)
}
