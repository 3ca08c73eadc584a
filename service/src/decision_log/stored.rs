//! What the log stores of a request: its contract fields as the service parsed them, not the
//! body as received. A field the evaluator does not read — neither one of the contract nor one
//! the policy's prelude declares on that record — is dropped, so a caller cannot make the log
//! store arbitrary text (a body of 1 MiB of unknown fields stores as its few contract fields).

use datalex_compiler::ir::Program;
use datalex_evaluator::value::Rec;
use datalex_evaluator::Request;
use serde_json::{Map, Value};

/// The request to log: `body` (which parsed as `request`) without the fields the evaluator
/// ignores, at the top level and in an open-data requester, compact when serialised.
pub fn contract_request(body: &Value, request: &Request, program: &Program) -> Value {
    let Value::Object(fields) = body else {
        return body.clone();
    };
    let mut kept = keep(fields, request_rec(request), program);
    let requester = match request {
        Request::Open(r) => Some(Rec::OpenRequester(&r.requester)),
        Request::Objection(r) => Some(Rec::OpenRequester(&r.requester)),
        _ => None,
    };
    if let (Some(rec), Some(Value::Object(inner))) = (requester, kept.get("requester")) {
        let inner = keep(inner, rec, program);
        kept.insert("requester".to_owned(), Value::Object(inner));
    }
    Value::Object(kept)
}

/// `fields` less those in `rec`'s extra fields that the program does not declare on its record.
fn keep(fields: &Map<String, Value>, rec: Rec<'_>, program: &Program) -> Map<String, Value> {
    let extra = rec.extra();
    let record = rec.record();
    fields
        .iter()
        .filter(|(name, _)| {
            // `kind` chose the record, so serde left it among the extra fields.
            !extra.contains_key(name.as_str())
                || name.as_str() == "kind"
                || declared(program, record, name)
        })
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

/// The request as a record of the prelude.
fn request_rec(request: &Request) -> Rec<'_> {
    match request {
        Request::Share(r) => Rec::ShareRequest(r),
        Request::Open(r) => Rec::OpenRequest(r),
        Request::Develop(r) => Rec::DevelopRequest(r),
        Request::CatalogChange(r) => Rec::CatalogChangeRequest(r),
        Request::Collection(r) => Rec::CollectionRequest(r),
        Request::Purchase(r) => Rec::PurchaseRequest(r),
        Request::Objection(r) => Rec::ObjectionRequest(r),
        Request::Demand(r) => Rec::DemandRequest(r),
        Request::Correction(r) => Rec::CorrectionRequest(r),
        Request::ProductRegistration(r) => Rec::ProductRequest(r),
        Request::ItProject(r) => Rec::ItProjectRequest(r),
    }
}
