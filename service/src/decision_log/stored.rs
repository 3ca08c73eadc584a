//! What the log stores of a request: its contract fields as the service parsed them, not the
//! body as received. A field the evaluator does not read — neither one of the contract nor one
//! the policy's prelude declares on that record — is dropped, so a caller cannot make the log
//! store arbitrary text (a body of 1 MiB of unknown fields stores as its few contract fields).

use datalex_compiler::ir::Program;
use datalex_evaluator::value::Rec;
use datalex_evaluator::Request;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The request to log: `body` (which parsed as `request`) without the fields the evaluator
/// ignores, at the top level and in an open-data requester, compact when serialised. `body`
/// itself, not a copy, when it has no such field (the common case: a request of contract fields
/// only costs no copy of its keys and values).
pub fn contract_request<'b>(
    body: &'b Value,
    request: &Request,
    program: &Program,
) -> Cow<'b, Value> {
    let Value::Object(fields) = body else {
        return Cow::Borrowed(body);
    };
    let top = Rec::of_request(request);
    let requester = match request {
        Request::Open(r) => Some(Rec::OpenRequester(&r.requester)),
        Request::Objection(r) => Some(Rec::OpenRequester(&r.requester)),
        _ => None,
    };
    let inner = match (requester, fields.get("requester")) {
        (Some(rec), Some(Value::Object(inner))) => Some((rec, inner)),
        _ => None,
    };
    let drops_inner = inner.is_some_and(|(rec, inner)| drops(inner, rec, program));
    if !drops(fields, top, program) && !drops_inner {
        return Cow::Borrowed(body);
    }
    let mut kept = keep(fields, top, program);
    if let Some((rec, inner)) = inner.filter(|_| kept.contains_key("requester")) {
        kept.insert(
            "requester".to_owned(),
            Value::Object(keep(inner, rec, program)),
        );
    }
    Cow::Owned(Value::Object(kept))
}

/// Whether `name`, a field of `rec`'s JSON object, is kept.
fn is_kept(name: &str, rec: Rec<'_>, program: &Program) -> bool {
    // `kind` chose the record, so serde left it among the extra fields.
    !rec.extra().contains_key(name) || name == "kind" || declared(program, rec.record(), name)
}

/// Whether [`keep`] would drop a field of `fields`.
fn drops(fields: &Map<String, Value>, rec: Rec<'_>, program: &Program) -> bool {
    fields.keys().any(|name| !is_kept(name, rec, program))
}

/// `fields` less those in `rec`'s extra fields that the program does not declare on its record.
fn keep(fields: &Map<String, Value>, rec: Rec<'_>, program: &Program) -> Map<String, Value> {
    fields
        .iter()
        .filter(|(name, _)| is_kept(name, rec, program))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// Whether the program declares `record.field` (a prelude extension the evaluator reads).
fn declared(program: &Program, record: &str, field: &str) -> bool {
    program.types.fields.iter().any(|(_, f)| {
        // INVARIANT: a field's record is allocated in the same arena (the compiler makes both).
        f.name == field && program.types.records[f.record].name == record
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use datalex_lang::date::Date;
    use std::sync::Arc;

    fn program() -> Program {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
        let sources = crate::load::sources(&[root], datalex_i18n::Lang::default()).unwrap();
        let compiled = datalex_compiler::compile(&sources);
        let policy = compiled.policy.expect("the bundled policies compile");
        Arc::unwrap_or_clone(policy.program)
    }

    fn stored(program: &Program, text: &str) -> (bool, Value) {
        let body: Value = serde_json::from_str(text).unwrap();
        let today = Date::from_ymd(2026, 3, 2).unwrap();
        let request = Request::from_json(&body, today).unwrap();
        let kept = contract_request(&body, &request, program);
        (matches!(kept, Cow::Borrowed(_)), kept.into_owned())
    }

    #[test]
    fn a_request_of_contract_fields_is_stored_as_it_came_without_a_copy() {
        let program = program();
        let text = r#"{"kind":"share","at":"2026-03-02","requester":"bz-wjw","dataset":"bz-ga-0001","scenario":"public_health","jurisdiction":"binzhou"}"#;
        let (borrowed, kept) = stored(&program, text);
        assert!(borrowed, "nothing to drop: the body itself");
        assert_eq!(kept, serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn fields_the_evaluator_ignores_are_dropped_at_the_top_and_in_an_open_requester() {
        let program = program();
        let (borrowed, kept) = stored(
            &program,
            r#"{"junk":"x","kind":"share","at":"2026-03-02","requester":"bz-wjw","dataset":"bz-ga-0001","scenario":"public_health"}"#,
        );
        assert!(!borrowed);
        let expected = r#"{"kind":"share","at":"2026-03-02","requester":"bz-wjw","dataset":"bz-ga-0001","scenario":"public_health"}"#;
        assert_eq!(kept, serde_json::from_str::<Value>(expected).unwrap());
        let (borrowed, kept) = stored(
            &program,
            r#"{"kind":"open","at":"2026-03-02","requester":{"type":"citizen","id":"1","junk":[1]},"dataset":"bz-scj-0001"}"#,
        );
        assert!(!borrowed, "the requester's unknown field");
        let expected = r#"{"kind":"open","at":"2026-03-02","requester":{"type":"citizen","id":"1"},"dataset":"bz-scj-0001"}"#;
        assert_eq!(kept, serde_json::from_str::<Value>(expected).unwrap());
    }
}
