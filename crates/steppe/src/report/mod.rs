//! A country report: its profile, its trade with its main partners, the balance between two
//! partners, its indicator series, its event timeline and the numbered sources behind every
//! figure.
//!
//! [`build`] reads each table it needs once into a [`Report`]; [`View`] turns a report into
//! rows formatted once (numbers, dates, citation numbers) that every renderer shows. The
//! renderers (terminal text, HTML, the chart as SVG or PNG) live in the `steppe-report` crate,
//! so this crate knows no terminal, template or drawing library.

mod build;
mod citations;
pub mod events;
pub mod format;
mod view;

use std::collections::BTreeMap;

use crate::analytics::{Dependence, PartnerShare, SeriesPoint};
use crate::model::{Claim, Entity, Event, Membership, Organisation, Source};
use crate::query::Filter;
use crate::schema::Table;
use crate::store::{ReadOptions, Store};

pub use build::build;
pub use view::{
    Bar, ChartView, ClaimRow, DependenceRow, EventRow, IndicatorView, MembershipRow, PointRow,
    ShareCell, SourceRow, TradeRow, TradeTable, View, CHART_PARTNERS, TRADE_ROWS,
};

/// The remittances series the article is about.
pub const REMITTANCES: &str = "wdi:BX.TRF.PWKR.DT.GD.ZS";

/// Everything a report shows, with sources numbered in order of first use.
#[derive(Debug, Clone)]
pub struct Report {
    /// The country.
    pub entity: Entity,
    /// Where the data came from.
    pub store_name: String,
    /// Memberships with their organisations.
    pub memberships: Vec<(Membership, Option<Organisation>)>,
    /// Claims about the country.
    pub claims: Vec<Claim>,
    /// Partner shares, every year.
    pub shares: Vec<PartnerShare>,
    /// The two partners compared.
    pub pair: (String, String),
    /// Their balance, every year.
    pub dependence: Vec<Dependence>,
    /// Indicator series (id, name, points).
    pub indicators: Vec<(String, String, Vec<SeriesPoint>)>,
    /// Events involving the country, in date order (undated last).
    pub events: Vec<Event>,
    /// Entity names, for display.
    pub names: BTreeMap<String, String>,
    /// Sources in citation order; `[n]` is index n-1.
    pub sources: Vec<Source>,
}

impl Report {
    /// The citation numbers (1-based, ascending, each once) of the registered sources among
    /// `ids`; ids the report does not cite are left out.
    pub fn ref_numbers(&self, ids: &[String]) -> Vec<usize> {
        let mut n: Vec<usize> = ids
            .iter()
            .filter_map(|id| self.sources.iter().position(|s| &s.source_id == id))
            .map(|i| i + 1)
            .collect();
        n.sort_unstable();
        n.dedup();
        n
    }

    /// A display name for an entity id (the id itself when the store has no name for it).
    pub fn name(&self, id: &str) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// The latest year with partner data.
    pub fn latest_year(&self) -> Option<i16> {
        self.shares.iter().map(|s| s.year).max()
    }
}

/// The rows of `table` matching `filter`, as records.
fn read<R: crate::Record>(store: &Store, table: Table, filter: Filter) -> crate::Result<Vec<R>> {
    let data = store.read(
        table,
        &ReadOptions {
            filter,
            columns: None,
        },
    )?;
    crate::from_batches(&data.batches)
}
