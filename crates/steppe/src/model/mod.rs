//! The typed model: one record type per table, plus the code lists they use.

mod claim_ref;
mod conflict;
mod entity;
mod enums;
mod event;
mod indicator;
mod organisation;
pub mod serde_helpers;
mod source;
mod trade;

pub use claim_ref::{RefRelation, SubjectRef};
pub use conflict::Conflict;
pub use entity::{Entity, EntityCode};
pub use enums::*;
pub use event::{Event, EventActor};
pub use indicator::{Indicator, IndicatorObservation};
pub use organisation::{Membership, Organisation};
pub use source::{Author, Claim, Reject, Source};
pub use trade::TradeFlow;
