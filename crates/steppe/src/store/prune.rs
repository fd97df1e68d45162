//! Pruning by statistics: the row groups whose column statistics, and the pages whose page
//! index, cannot rule a filter out.

use parquet::arrow::arrow_reader::{RowSelection, RowSelector};

use crate::query::Filter;

/// The rows of row group `rg` that the page index leaves to read: a row is skipped when, for
/// the pages of the filter columns that hold it, the pages' min/max rule the filter out.
/// `None` when the file has no page index for the filter's columns.
pub(super) fn page_selection(
    meta: &parquet::file::metadata::ParquetMetaData,
    rg: usize,
    filter: &Filter,
) -> Option<RowSelection> {
    use parquet::file::page_index::column_index::ColumnIndexMetaData as Ci;
    let (column_index, offset_index) = (meta.column_index()?, meta.offset_index()?);
    let (column_index, offset_index) = (column_index.get(rg)?, offset_index.get(rg)?);
    let schema = meta.file_metadata().schema_descr();
    let mut names = filter.columns();
    names.sort_unstable();
    names.dedup();
    // (name, column index, first row of each page) of the filter columns with a page index.
    let columns: Vec<(&str, &Ci, Vec<usize>)> = names
        .into_iter()
        .filter_map(|name| {
            let leaf = schema
                .columns()
                .iter()
                .position(|c| c.path().string() == name)?;
            let ci = column_index.get(leaf)?;
            if matches!(ci, Ci::NONE) {
                return None;
            }
            let starts = offset_index
                .get(leaf)?
                .page_locations()
                .iter()
                .map(|p| p.first_row_index as usize)
                .collect::<Vec<_>>();
            (starts.len() as u64 == ci.num_pages()).then_some((name, ci, starts))
        })
        .collect();
    if columns.is_empty() {
        return None;
    }
    let rows = meta.row_group(rg).num_rows() as usize;
    let mut bounds: Vec<usize> = columns
        .iter()
        .flat_map(|(_, _, starts)| starts.iter().copied())
        .chain([0, rows])
        .filter(|&b| b <= rows)
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut selectors: Vec<RowSelector> = Vec::new();
    for w in bounds.windows(2) {
        let (start, end) = (w[0], w[1]);
        let range_of = |name: &str| -> Option<crate::query::ColumnRange> {
            let (_, ci, starts) = columns.iter().find(|(n, _, _)| *n == name)?;
            let page = starts.partition_point(|&s| s <= start).checked_sub(1)?;
            if ci.is_null_page(page) {
                return None;
            }
            match ci {
                Ci::BYTE_ARRAY(c) | Ci::FIXED_LEN_BYTE_ARRAY(c) => {
                    Some(crate::query::ColumnRange::Bytes(
                        c.min_value(page)?.to_vec(),
                        c.max_value(page)?.to_vec(),
                    ))
                }
                Ci::INT32(c) => Some(crate::query::ColumnRange::Int(
                    i64::from(*c.min_value(page)?),
                    i64::from(*c.max_value(page)?),
                )),
                Ci::INT64(c) => Some(crate::query::ColumnRange::Int(
                    *c.min_value(page)?,
                    *c.max_value(page)?,
                )),
                _ => None,
            }
        };
        let keep = filter.may_match_stats(&range_of);
        let len = end - start;
        match selectors.last_mut() {
            Some(last) if last.skip != keep => last.row_count += len,
            _ => selectors.push(if keep {
                RowSelector::select(len)
            } else {
                RowSelector::skip(len)
            }),
        }
    }
    Some(RowSelection::from(selectors))
}

/// Indices of the row groups whose column statistics do not rule `filter` out.
pub(super) fn select_row_groups(
    meta: &parquet::file::metadata::ParquetMetaData,
    filter: &Filter,
) -> Vec<usize> {
    (0..meta.num_row_groups())
        .filter(|&rg| filter.may_match_stats(&|name| row_group_range(meta, rg, name)))
        .collect()
}

/// The range of a column's values in a row group, from its statistics (`None` when the
/// column has none, or none of a kind a filter can use).
pub(super) fn row_group_range(
    meta: &parquet::file::metadata::ParquetMetaData,
    rg: usize,
    name: &str,
) -> Option<crate::query::ColumnRange> {
    use parquet::file::statistics::Statistics;
    let leaf = meta
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .position(|c| c.path().string() == name)?;
    match meta.row_group(rg).column(leaf).statistics()? {
        Statistics::ByteArray(s) => Some(crate::query::ColumnRange::Bytes(
            s.min_opt()?.data().to_vec(),
            s.max_opt()?.data().to_vec(),
        )),
        Statistics::Int32(s) => Some(crate::query::ColumnRange::Int(
            i64::from(*s.min_opt()?),
            i64::from(*s.max_opt()?),
        )),
        Statistics::Int64(s) => Some(crate::query::ColumnRange::Int(*s.min_opt()?, *s.max_opt()?)),
        _ => None,
    }
}
