//! The reviewed table of the partner names the DOTS workbooks write
//! (`partner_names.csv` beside this module, compiled in): each name is an existing entity (its alias is
//! in the crosswalk's `name` scheme, built by `data/scripts/build_reference.py`), an
//! aggregate or a residual the importer creates as an entity, or a heading that carries no
//! values.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::EntityType;

/// The table, as the repository keeps it.
pub(crate) const TABLE: &str = include_str!("partner_names.csv");

/// What the table declares a name to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Declared {
    /// An entity steppe has (resolved through the `name` scheme).
    Entity(String),
    /// An entity the importer creates: id and type (`world`, `aggregate`, `residual_nes`).
    Created(String, EntityType),
    /// A heading row: it carries no values.
    Heading,
}

/// The declared meaning of each name in the table.
pub(crate) fn declared() -> &'static HashMap<String, Declared> {
    static TABLE_MAP: OnceLock<HashMap<String, Declared>> = OnceLock::new();
    TABLE_MAP.get_or_init(|| parse(TABLE).expect("partner_names.csv is well-formed"))
}

/// Parses the table (`name,kind,entity_id,first_seen,note`); the error names the line.
pub(crate) fn parse(text: &str) -> Result<HashMap<String, Declared>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = HashMap::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| format!("line {line}: {e}"))?;
        let (name, kind, id) = (&rec[0], &rec[1], rec[2].to_string());
        let created = |t| Declared::Created(id.clone(), t);
        let d = match kind {
            "entity" => Declared::Entity(id.clone()),
            "world" => created(EntityType::World),
            "aggregate" => created(EntityType::Aggregate),
            "residual_nes" => created(EntityType::ResidualNes),
            "heading" => Declared::Heading,
            other => return Err(format!("line {line}: unknown kind `{other}`")),
        };
        if kind != "heading" && id.is_empty() {
            return Err(format!("line {line}: `{name}` has no entity_id"));
        }
        if out.insert(name.to_string(), d).is_some() {
            return Err(format!("line {line}: `{name}` appears twice"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Scheme;
    use crate::store::Store;

    #[test]
    fn the_table_parses_and_every_entity_name_resolves_to_its_declared_entity() {
        let table = declared();
        assert_eq!(table.len(), 242);
        assert_eq!(
            table["World"],
            Declared::Created("WLD".into(), EntityType::World)
        );
        assert_eq!(table["Memorandum Items"], Declared::Heading);
        let codes = Store::bundled().unwrap().code_index().unwrap();
        for (name, d) in table {
            if let Declared::Entity(id) = d {
                let got = codes.resolve(Scheme::Name, name, None);
                assert_eq!(got.ok(), Some(id.as_str()), "{name}");
            }
        }
        // Historical names answer historical entities, never a successor.
        for (name, id) in [
            ("USSR", "SUN"),
            ("Czechoslovakia", "CSK"),
            ("Serbia and Montenegro", "SCG"),
            ("Yemen Arab Rep.", "YAR"),
            ("Yemen, People's Dem. Rep. of", "YMD"),
            ("Eastern Germany", "DDR"),
            ("Yugoslavia", "YUG"),
            ("Netherlands Antilles", "ANT"),
        ] {
            assert_eq!(table[name], Declared::Entity(id.into()), "{name}");
        }
    }

    #[test]
    fn a_malformed_table_names_its_line() {
        let bad = "name,kind,entity_id,first_seen,note\nX,country,XXX,,\n";
        assert_eq!(parse(bad).unwrap_err(), "line 2: unknown kind `country`");
        let twice = "name,kind,entity_id,first_seen,note\nX,entity,A,,\nX,entity,B,,\n";
        assert_eq!(parse(twice).unwrap_err(), "line 3: `X` appears twice");
    }
}
