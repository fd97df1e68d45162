//! Machinery shared by the trade importers ([`super::baci`], [`super::comtrade`]), one
//! concept per module: [`numbers`] (parsing without allocation), [`header`] (the header, read
//! with the shared CSV reader), [`chunks`] (the reader thread), [`pipeline`] (the parallel
//! pipeline both formats run: reader, parser, writer), [`columns`] (`trade_flows` batches
//! built directly) and [`reference`] (the crosswalk and entities codes resolve against, and
//! the entities importers create).

pub(crate) mod chunks;
pub(crate) mod columns;
pub(crate) mod header;
pub(crate) mod numbers;
pub(crate) mod pipeline;
pub(crate) mod reference;

pub(crate) use chunks::{Chunk, ChunkStream, Chunks};
pub(crate) use columns::{Dict, Dicts, Lean, Row, TradeColumns};
pub(crate) use header::{header_names, read_header};
pub(crate) use numbers::{
    amount_field, digits, is_missing, names_nes, parse_uint, trim_field, Refusal,
};
pub(crate) use pipeline::{Sink, TradeParser};
pub(crate) use reference::{write_new_areas, NewArea, Reference};
