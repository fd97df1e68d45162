//! Machinery shared by the trade importers ([`super::baci`], [`super::comtrade`]), one
//! concept per module: [`numbers`] (parsing without allocation), [`records`] (a CSV record
//! reader keeping raw lines), [`chunks`] (the reader thread), [`part`] (what the parser hands
//! the writer), [`columns`] (`trade_flows` batches built directly) and [`reference`] (the
//! crosswalk and entities codes resolve against, and the entities importers create).

pub(crate) mod chunks;
pub(crate) mod columns;
pub(crate) mod numbers;
pub(crate) mod part;
pub(crate) mod records;
pub(crate) mod reference;

pub(crate) use chunks::{spawn_chunk_reader, Chunk};
pub(crate) use columns::{
    flow_key, perspective_key, price_basis_key, with_source, Lean, Row, TradeColumns, TradeDicts,
    BATCH_ROWS,
};
pub(crate) use numbers::{
    amount_field, is_missing, names_nes, parse_uint, strip_bom, trim_field, Refusal,
};
pub(crate) use part::{apply_part, Part};
pub(crate) use records::{header_names, read_header, Record, RecordReader};
pub(crate) use reference::{write_new_areas, NewArea, Reference};
