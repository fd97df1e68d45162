//! Conversion between typed records and Arrow RecordBatches, through serde_arrow and each
//! table's declared schema (one generic layer, not hand-written per table).

use arrow_array::RecordBatch;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::model::*;
use crate::schema::Table;
use crate::{Error, Result};

/// A row type of one table.
pub trait Record: Serialize + DeserializeOwned + Sized {
    /// The table the records belong to.
    const TABLE: Table;
}

macro_rules! record {
    ($($ty:ty => $table:expr),+ $(,)?) => {
        $(impl Record for $ty { const TABLE: Table = $table; })+
    };
}

record!(
    Entity => Table::Entities,
    EntityCode => Table::EntityCodes,
    Organisation => Table::Organisations,
    Membership => Table::Memberships,
    TradeFlow => Table::TradeFlows,
    Indicator => Table::Indicators,
    IndicatorObservation => Table::IndicatorObservations,
    Event => Table::Events,
    EventActor => Table::EventActors,
    Source => Table::Sources,
    Claim => Table::Claims,
    Reject => Table::Rejects,
    Conflict => Table::Conflicts,
);

/// Builds a RecordBatch of `R`'s table schema from records.
pub fn to_batch<R: Record>(records: &[R]) -> Result<RecordBatch> {
    let fields = R::TABLE.fields();
    serde_arrow::to_record_batch(&fields, &records).map_err(|e| Error::Schema {
        table: R::TABLE.name().to_string(),
        message: e.to_string(),
    })
}

/// Reads records back from a batch of `R`'s table (columns are matched by name).
pub fn from_batch<R: Record>(batch: &RecordBatch) -> Result<Vec<R>> {
    serde_arrow::from_record_batch(batch).map_err(|e| Error::Schema {
        table: R::TABLE.name().to_string(),
        message: e.to_string(),
    })
}

/// Reads records from several batches.
pub fn from_batches<R: Record>(batches: &[RecordBatch]) -> Result<Vec<R>> {
    let mut out = Vec::new();
    for b in batches {
        out.extend(from_batch::<R>(b)?);
    }
    Ok(out)
}
