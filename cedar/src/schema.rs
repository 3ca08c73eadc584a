//! The Cedar schema of an export, and Datalex data as Cedar JSON.
//!
//! Every record of the prelude that a keyed fact collection holds (`catalog: [Dataset] keyed by
//! id`) is an entity type whose id is the key; other records are common types. Every attribute
//! is optional, because every field may be missing in the facts; policies read each one behind
//! its `has` test. Enum members are strings, dates `datetime`, calendar durations `duration`.

use crate::translate::quote;
use datalex_compiler::ir::{FactId, Program};
use datalex_compiler::types::{FieldId, RecordId, Ty, Types};
use datalex_evaluator::Datum;
use serde_json::{json, Map, Value as Json};

/// The namespace of everything exported.
pub const NAMESPACE: &str = "Datalex";

/// A record exported as an entity type.
#[derive(Debug, Clone)]
pub struct EntityType {
    /// The record.
    pub record: RecordId,
    /// The record's (and entity type's) name.
    pub name: String,
    /// The key field, whose value is the entity id.
    pub key: String,
    /// The key field's id.
    pub key_field: FieldId,
    /// The fact collection of its entities.
    pub fact: FactId,
}

/// The entity types: one per keyed fact collection.
pub fn entity_types(policy: &Program) -> Vec<EntityType> {
    policy
        .facts
        .iter()
        .filter_map(|(i, f)| {
            let key_field = f.key?;
            let key = policy.types.fields[key_field].name.clone();
            let name = policy.types.records[f.record].name.clone();
            Some(EntityType {
                record: f.record,
                name,
                key,
                key_field,
                fact: i,
            })
        })
        .collect()
}

/// Maps Datalex types to Cedar types and data.
///
/// INVARIANT: the record and field ids it is given are the program's, whose `types` it holds.
pub struct Shapes<'p> {
    types: &'p Types,
    entities: &'p [EntityType],
}

impl<'p> Shapes<'p> {
    /// Shapes for `types`, with `entities` as entity types.
    pub fn new(types: &'p Types, entities: &'p [EntityType]) -> Self {
        Shapes { types, entities }
    }

    /// The entity type of a record, if it is one.
    pub fn entity(&self, r: RecordId) -> Option<&EntityType> {
        self.entities.iter().find(|e| e.record == r)
    }

    fn record_name(&self, r: RecordId) -> &str {
        &self.types.records[r].name
    }

    /// The Cedar schema type of `ty`; records that are not entities are added to `common`.
    pub fn cedar_type(&self, ty: &Ty, common: &mut Vec<RecordId>) -> String {
        match ty {
            Ty::Bool => "Bool".into(),
            Ty::Int => "Long".into(),
            Ty::Text | Ty::Enum(_) | Ty::Error => "String".into(),
            Ty::Date => "__cedar::datetime".into(),
            Ty::Duration => "__cedar::duration".into(),
            Ty::List(t) => format!("Set<{}>", self.cedar_type(t, common)),
            Ty::Record(r) => {
                if let Some(e) = self.entity(*r) {
                    return e.name.clone();
                }
                if !common.contains(r) {
                    common.push(*r);
                    // Nested records become common types too.
                    for f in &self.types.records[*r].fields {
                        let _ = self.cedar_type(&self.types.fields[*f].ty, common);
                    }
                }
                self.record_name(*r).to_string()
            }
        }
    }

    /// `{ "field"?: Type, … }` for a record's fields.
    pub fn record_body(&self, r: RecordId, common: &mut Vec<RecordId>) -> String {
        let mut lines = Vec::new();
        for f in &self.types.records[r].fields {
            let fd = &self.types.fields[*f];
            let doc = fd
                .doc
                .as_ref()
                .map(|d| format!("@doc({}) ", quote(d)))
                .unwrap_or_default();
            lines.push(format!(
                "    {doc}{}?: {}",
                quote(&fd.name),
                self.cedar_type(&fd.ty, common)
            ));
        }
        if lines.is_empty() {
            "{}".into()
        } else {
            format!("{{\n{}\n  }}", lines.join(",\n"))
        }
    }

    /// The entity reference for a record of an entity type.
    pub fn uid(&self, entity: &EntityType, id: &str) -> Json {
        json!({ "type": format!("{NAMESPACE}::{}", entity.name), "id": id })
    }

    /// `d` as Cedar JSON of type `ty`, or `None` where Datalex sees it missing.
    pub fn json(&self, d: &Datum, ty: &Ty) -> Option<Json> {
        Some(match (d, ty) {
            (Datum::Missing, _) => return None,
            (Datum::Bool(b), _) => Json::Bool(*b),
            (Datum::Int(i), _) => json!(i),
            (Datum::Text(s) | Datum::Enum(s), _) => Json::String(s.clone()),
            (Datum::Date(date), _) => {
                json!({ "__extn": { "fn": "datetime", "arg": date.to_string() } })
            }
            (
                Datum::Duration {
                    count,
                    working: false,
                },
                _,
            ) => json!({ "__extn": { "fn": "duration", "arg": format!("{count}d") } }),
            (Datum::Duration { working: true, .. }, _) => return None,
            (Datum::List(items), Ty::List(t)) => {
                Json::Array(items.iter().filter_map(|i| self.json(i, t)).collect())
            }
            (Datum::Record { fields, .. }, Ty::Record(r)) => {
                if let Some(e) = self.entity(*r) {
                    let Datum::Text(id) = d.field(&e.key) else {
                        return None;
                    };
                    return Some(json!({ "__entity": self.uid(e, id) }));
                }
                Json::Object(self.attrs(*r, fields))
            }
            _ => return None,
        })
    }

    /// A record's fields as Cedar attributes (missing ones left out).
    pub fn attrs(&self, r: RecordId, fields: &[(String, Datum)]) -> Map<String, Json> {
        let mut m = Map::new();
        for f in &self.types.records[r].fields {
            let fd = &self.types.fields[*f];
            let Some((_, d)) = fields.iter().find(|(n, _)| *n == fd.name) else {
                continue;
            };
            if let Some(j) = self.json(d, &fd.ty) {
                m.insert(fd.name.clone(), j);
            }
        }
        m
    }
}
