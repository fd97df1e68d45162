//! The entries of a claim's `subject_refs`: `table:key` names a row that encodes the claim
//! (the article's own figures and events), and `supports:table:key`,
//! `contradicts:table:key` or `context:table:key` a row of another source that bears on it.
//! Keys by table (docs/data.md): `trade_flows:{reporter}-{partner}-{year}-{flow}[@source_id]`,
//! `indicator_observations:{indicator_id}/{entity_id}/{year}`, `conflicts:{conflict_id}/{year}`,
//! `events:{event_id}`, `organisations:{org_id}`, `memberships:{org_id}/{entity_id}/{role}`.

use super::Claim;

/// How a row bears on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefRelation {
    /// The row encodes the claim itself (taken from the claiming document).
    Encodes,
    /// A row of another source that agrees with the claim.
    Supports,
    /// A row of another source that disagrees with it.
    Contradicts,
    /// A row of another source that bears on it without settling it (another year, a total).
    Context,
}

impl RefRelation {
    /// The prefix written in `subject_refs` (`""` for [`RefRelation::Encodes`]).
    pub fn prefix(self) -> &'static str {
        match self {
            RefRelation::Encodes => "",
            RefRelation::Supports => "supports",
            RefRelation::Contradicts => "contradicts",
            RefRelation::Context => "context",
        }
    }
}

/// One parsed `subject_refs` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubjectRef<'a> {
    /// How the row bears on the claim.
    pub relation: RefRelation,
    /// The table (`trade_flows`, `conflicts`, ...).
    pub table: &'a str,
    /// The row's key in that table's form.
    pub key: &'a str,
}

impl<'a> SubjectRef<'a> {
    /// Parses `[relation:]table:key`; `None` when there is no `table:key`.
    pub fn parse(text: &'a str) -> Option<SubjectRef<'a>> {
        let (head, rest) = text.split_once(':')?;
        let relation = [
            RefRelation::Supports,
            RefRelation::Contradicts,
            RefRelation::Context,
        ]
        .into_iter()
        .find(|r| r.prefix() == head);
        let (relation, table, key) = match relation {
            Some(r) => {
                let (table, key) = rest.split_once(':')?;
                (r, table, key)
            }
            None => (RefRelation::Encodes, head, rest),
        };
        (!table.is_empty() && !key.is_empty()).then_some(SubjectRef {
            relation,
            table,
            key,
        })
    }
}

impl Claim {
    /// The claim's `subject_refs`, parsed (entries that do not parse are left out; the bundled
    /// data's tests check there are none).
    pub fn refs(&self) -> Vec<SubjectRef<'_>> {
        self.subject_refs
            .iter()
            .filter_map(|r| SubjectRef::parse(r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_parse_with_and_without_a_relation() {
        let r = SubjectRef::parse("events:cur:tajik-civil-war").unwrap();
        assert_eq!(
            (r.relation, r.table, r.key),
            (RefRelation::Encodes, "events", "cur:tajik-civil-war")
        );
        let r =
            SubjectRef::parse("supports:indicator_observations:wdi:SP.POP.TOTL/TJK/2024").unwrap();
        assert_eq!(
            (r.relation, r.table, r.key),
            (
                RefRelation::Supports,
                "indicator_observations",
                "wdi:SP.POP.TOTL/TJK/2024"
            )
        );
        let r = SubjectRef::parse("contradicts:conflicts:395/1998").unwrap();
        assert_eq!((r.relation, r.key), (RefRelation::Contradicts, "395/1998"));
        assert!(SubjectRef::parse("no-colon").is_none());
        assert!(SubjectRef::parse("supports:conflicts").is_none());
    }
}
