//! Machinery shared by the trade importers ([`super::baci`], [`super::comtrade`]), one
//! concept per module; [`pipeline`] is the parallel pipeline both run.

pub(crate) mod chunks;
pub(crate) mod columns;
pub(crate) mod header;
pub(crate) mod numbers;
pub(crate) mod pipeline;
pub(crate) mod reference;

pub(crate) use chunks::{Chunk, ChunkStream, Chunks};
pub(crate) use columns::{Dict, Dicts, Lean, LeanRow, Row, TradeColumns};
pub(crate) use header::{header_names, read_header};
pub(crate) use numbers::{
    amount_field, digits, is_missing, names_nes, parse_uint, trim_field, Refusal,
};
pub(crate) use pipeline::{Sink, TradeParser};
pub(crate) use reference::{write_new_areas, NewArea, Reference};

/// Imports each file with `one` (each in its own transaction; `None`: the store already holds
/// it) and reports them together.
pub(crate) fn import_each(
    files: &[std::path::PathBuf],
    mut one: impl FnMut(&std::path::Path) -> crate::Result<Option<crate::store::ImportSummary>>,
) -> crate::Result<crate::import::ImportReport> {
    let mut report = crate::import::ImportReport::default();
    for file in files {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        report.add(name.into_owned(), one(file)?);
    }
    Ok(report)
}
