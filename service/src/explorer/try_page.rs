//! `/try`: a form per request kind, made from the kind's request record in the prelude (each
//! field with its documented label; institutions, datasets, developers, products and scenarios
//! to choose from the served facts and labels), and, when submitted, the decision as the 决定书
//! and as raw JSON. `GET /try?…` only fills the form from the query (so a case can be shared as
//! a link, and a prefetch or a reload decides nothing); the form is sent with POST, which
//! decides and logs as the API would, and shows the link that fills the form again.

use super::pages::kind_label;
use super::{Asked, Explorer, Page};
use crate::auth::Caller;
use crate::decision_log::stored::contract_request;
use crate::decision_log::Rendered;
use axum::http::StatusCode;
use datalex_compiler::types::{Ty, Types};
use datalex_compiler::PolicySet;
use datalex_evaluator::document::{self, Format};
use datalex_evaluator::{Jurisdiction, Request};
use datalex_i18n::Lang;
use datalex_lang::ast::LabelOf;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::time::Instant;

/// The longest value one field accepts.
pub const MAX_VALUE: usize = 1000;
/// The most entries a list field accepts.
pub const MAX_LIST: usize = 200;

/// One input of the form.
#[derive(Serialize, Debug)]
struct Field {
    /// The request field's name (`requester.type` inside a record).
    name: String,
    /// The input's id.
    id: String,
    /// What the prelude says the field is.
    label: String,
    /// `text`, `date`, `number`, `bool`, `select`, `multi`, `list` or `group`.
    input: &'static str,
    options: Vec<(String, String)>,
    /// The values the query gives it.
    values: Vec<String>,
    /// A record's fields.
    fields: Vec<Field>,
    required: bool,
}

/// Which facts a text field names, by its name. (A product is registered by the request, so
/// it is typed, not chosen.)
fn choices(
    policy: &PolicySet,
    j: &Jurisdiction,
    lang: Lang,
    name: &str,
) -> Option<Vec<(String, String)>> {
    let pairs = |items: Vec<(&str, &str)>| -> Vec<(String, String)> {
        items
            .into_iter()
            .map(|(id, n)| (id.to_string(), format!("{n}（{id}）")))
            .collect()
    };
    let f = &j.facts;
    Some(match name {
        "requester" | "institution" | "provided_by" | "reviewer" | "provider_approvals"
        | "sector_authorities" | "sector_consulted" | "consents" | "source_departments" => pairs(
            f.institutions
                .iter()
                .map(|i| (i.id.as_str(), i.name.as_str()))
                .collect(),
        ),
        "dataset" | "datasets" => pairs(
            f.catalog
                .iter()
                .map(|d| (d.id.as_str(), d.name.as_str()))
                .collect(),
        ),
        "developer" => pairs(
            f.developers
                .iter()
                .map(|d| (d.id.as_str(), d.name.as_str()))
                .collect(),
        ),
        "scenario" => {
            let names: BTreeSet<&str> = policy
                .labels
                .iter()
                .filter(|l| l.of == LabelOf::Scenario)
                .map(|l| l.name.as_str())
                .collect();
            names
                .into_iter()
                .map(|n| {
                    let label = policy
                        .label(&j.name, LabelOf::Scenario, n)
                        .map(|l| l.to_string());
                    let shown = match (lang, label) {
                        (Lang::Zh, Some(l)) => format!("{l}（{n}）"),
                        _ => n.replace('_', " "),
                    };
                    (n.to_string(), shown)
                })
                .collect()
        }
        _ => return None,
    })
}

fn enum_options(types: &Types, e: datalex_compiler::types::EnumId) -> Vec<(String, String)> {
    types.enums[e]
        .members
        .iter()
        .map(|(m, doc)| {
            let shown = match doc {
                Some(d) => format!("{d}（{m}）"),
                None => m.clone(),
            };
            (m.clone(), shown)
        })
        .collect()
}

fn values_of(asked: &Asked, name: &str) -> Vec<String> {
    asked
        .query
        .iter()
        .filter(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string())
        .collect()
}

fn field(
    policy: &PolicySet,
    j: &Jurisdiction,
    asked: &Asked,
    name: String,
    label: String,
    ty: &Ty,
) -> Field {
    let types = &policy.types;
    let values = values_of(asked, &name);
    let mut f = Field {
        id: format!("f-{}", name.replace('.', "-")),
        required: name == "at",
        name,
        label,
        input: "text",
        options: Vec::new(),
        values,
        fields: Vec::new(),
    };
    let leaf = f.name.rsplit('.').next().unwrap_or_default().to_string();
    match ty {
        Ty::Date => f.input = "date",
        Ty::Int | Ty::Duration => f.input = "number",
        Ty::Bool => f.input = "bool",
        Ty::Enum(e) => {
            f.input = "select";
            f.options = enum_options(types, *e);
        }
        Ty::Text => {
            if let Some(c) = choices(policy, j, asked.lang, &leaf) {
                f.input = "select";
                f.options = c;
            }
        }
        Ty::List(inner) => match inner.as_ref() {
            Ty::Enum(e) => {
                f.input = "multi";
                f.options = enum_options(types, *e);
            }
            Ty::Text => match choices(policy, j, asked.lang, &leaf) {
                Some(c) => {
                    f.input = "multi";
                    f.options = c;
                }
                None => f.input = "list",
            },
            _ => f.input = "list",
        },
        Ty::Record(r) => {
            f.input = "group";
            f.fields = types.records[*r]
                .fields
                .iter()
                .map(|fid| {
                    let sub = &types.fields[*fid];
                    field(
                        policy,
                        j,
                        asked,
                        format!("{}.{}", f.name, sub.name),
                        sub.doc.clone().unwrap_or_else(|| sub.name.clone()),
                        &sub.ty,
                    )
                })
                .collect();
        }
        Ty::Error => {}
    }
    f
}

/// The request's JSON from the form's values; `Err` names the field that is too long.
fn request_json(
    kind: &str,
    jurisdiction: &str,
    fields: &[Field],
) -> Result<Map<String, Value>, String> {
    fn fill(out: &mut Map<String, Value>, fields: &[Field]) -> Result<(), String> {
        for f in fields {
            if f.values.iter().any(|v| v.chars().count() > MAX_VALUE) || f.values.len() > MAX_LIST {
                return Err(f.name.clone());
            }
            let key = f.name.rsplit('.').next().unwrap_or_default().to_string();
            let first = f.values.first();
            let value = match f.input {
                "group" => {
                    let mut sub = Map::new();
                    fill(&mut sub, &f.fields)?;
                    (!sub.is_empty()).then_some(Value::Object(sub))
                }
                "bool" => first.map(|v| Value::Bool(v == "true")),
                "number" => first.map(|v| {
                    v.parse::<i64>()
                        .map_or_else(|_| Value::String(v.clone()), Value::from)
                }),
                "multi" => (!f.values.is_empty())
                    .then(|| Value::Array(f.values.iter().cloned().map(Value::String).collect())),
                "list" => first.map(|v| {
                    Value::Array(
                        v.split([',', '，', '、'])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .take(MAX_LIST)
                            .map(|s| Value::String(s.to_string()))
                            .collect(),
                    )
                }),
                _ => first.map(|v| Value::String(v.clone())),
            };
            if let Some(v) = value {
                out.insert(key, v);
            }
        }
        Ok(())
    }
    let mut out = Map::new();
    out.insert("kind".into(), Value::String(kind.to_string()));
    out.insert(
        "jurisdiction".into(),
        Value::String(jurisdiction.to_string()),
    );
    fill(&mut out, fields)?;
    Ok(out)
}

/// The `<article>` of a decision document page (its own page's frame left out).
fn document_article(html: &str) -> Option<&str> {
    let start = html.find("<article>")?;
    let end = html.rfind("</article>")? + "</article>".len();
    html.get(start..end)
}

#[derive(Serialize)]
struct Outcome {
    /// The link that fills the form with the request again.
    share: String,
    decision_id: Option<String>,
    effect: Option<String>,
    document: Option<String>,
    json: Option<String>,
    error: Option<String>,
    field: Option<String>,
}

/// The page of `/try`, and the decision to log before it is answered (when one was made).
pub struct Tried {
    /// The page.
    pub page: Page,
    /// The record of the decision the page shows, to log (and await) before answering.
    pub record: Option<Rendered>,
}

impl From<Page> for Tried {
    fn from(page: Page) -> Tried {
        Tried { page, record: None }
    }
}

/// `/try?jurisdiction=J&kind=K&FIELD=VALUE…`: the form, filled from the pairs; with `decide`
/// (the caller of `POST /try`) the form's request decided as well.
pub fn page(ex: &Explorer, asked: &Asked, decide: Option<&Caller>) -> Tried {
    let lang = asked.lang;
    let view = ex.view();
    let snap = &view.snapshot;
    let policy = &snap.policy;
    let project = &snap.project;
    let chosen = project.choose(
        policy,
        asked.get("jurisdiction").filter(|s| !s.is_empty()),
        &snap.jurisdictions,
        |j| j.name.as_str(),
    );
    let Ok(j) = chosen else {
        let known: Vec<String> = snap.jurisdictions.iter().map(|j| j.name.clone()).collect();
        return Page::error(
            lang,
            StatusCode::NOT_FOUND,
            "explorer-no-jurisdiction",
            &[("known", known.join(", "))],
        )
        .into();
    };
    let kinds: Vec<String> = policy
        .package(&j.name)
        .map(|p| p.plans.iter().map(|pl| pl.kind.clone()).collect())
        .unwrap_or_default();
    let kind = match asked.get("kind").filter(|s| !s.is_empty()) {
        Some(k) if kinds.iter().any(|x| x == k) => k.to_string(),
        Some(k) => {
            return Page::error(
                lang,
                StatusCode::NOT_FOUND,
                "explorer-no-kind",
                &[
                    ("kind", k.chars().take(40).collect()),
                    ("jurisdiction", j.name.clone()),
                    ("known", kinds.join(", ")),
                ],
            )
            .into()
        }
        None => kinds
            .iter()
            .find(|k| *k == "share")
            .or(kinds.first())
            .cloned()
            .unwrap_or_default(),
    };
    let record = policy
        .kinds
        .values()
        .find(|k| k.name == kind)
        .map(|k| k.request);
    let fields: Vec<Field> = record
        .map(|r| {
            policy.types.records[r]
                .fields
                .iter()
                .map(|fid| {
                    let f = &policy.types.fields[*fid];
                    field(
                        policy,
                        j,
                        asked,
                        f.name.clone(),
                        f.doc.clone().unwrap_or_else(|| f.name.clone()),
                        &f.ty,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let (outcome, record) = match decide {
        Some(caller) => {
            let (o, r) = decide_form(ex, j, &kind, &fields, lang, caller);
            (Some(o), r)
        }
        None => (None, None),
    };
    let tabs: Vec<(String, String, String)> = kinds
        .iter()
        .map(|k| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("jurisdiction", &j.name);
            q.append_pair("kind", k);
            (
                k.clone(),
                kind_label(policy, lang, k),
                format!("/try?{}", q.finish()),
            )
        })
        .collect();
    let jurisdictions: Vec<String> = snap.jurisdictions.iter().map(|j| j.name.clone()).collect();
    let title = datalex_i18n::text(lang, "explorer-try-title", None);
    let status = match &outcome {
        Some(o) if o.error.is_some() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    let mut page = Page::render(
        asked,
        "try.html",
        &title,
        minijinja::context! {
            path => "/try",
            jurisdiction => j.name.clone(),
            jurisdictions => jurisdictions,
            kind => kind.clone(),
            kind_label => kind_label(policy, lang, &kind),
            tabs => tabs,
            fields => fields,
            outcome => outcome,
            today => view.today.to_string(),
        },
    );
    if page.status == StatusCode::OK {
        page.status = status;
    }
    Tried { page, record }
}

/// `/try?…`: the link that fills the form with `fields` again (shared, it does not decide).
fn share_link(jurisdiction: &str, kind: &str, fields: &[Field]) -> String {
    fn pairs(q: &mut form_urlencoded::Serializer<'_, String>, fields: &[Field]) {
        for f in fields {
            for v in &f.values {
                q.append_pair(&f.name, v);
            }
            pairs(q, &f.fields);
        }
    }
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("jurisdiction", jurisdiction);
    q.append_pair("kind", kind);
    pairs(&mut q, fields);
    format!("/try?{}", q.finish())
}

/// Decides the form's request with `j` and renders the decision, with its record to log (as
/// `POST /v1/decisions` logs one: the request's contract fields, the caller).
fn decide_form(
    ex: &Explorer,
    j: &Jurisdiction,
    kind: &str,
    fields: &[Field],
    lang: Lang,
    caller: &Caller,
) -> (Outcome, Option<Rendered>) {
    let share = share_link(&j.name, kind, fields);
    let failed = |error: String, field: Option<String>| Outcome {
        share: share.clone(),
        decision_id: None,
        effect: None,
        document: None,
        json: None,
        error: Some(error),
        field,
    };
    let policy = j.engine.policy();
    let json = match request_json(kind, &j.name, fields) {
        Ok(m) => Value::Object(m),
        Err(field) => {
            let failure = failed(
                crate::words::say(
                    lang,
                    "explorer-value-too-long",
                    &[
                        ("field", field.clone()),
                        ("limit", MAX_VALUE.to_string()),
                        ("entries", MAX_LIST.to_string()),
                    ],
                ),
                Some(field),
            );
            return (failure, None);
        }
    };
    let app = ex.app();
    let started = Instant::now();
    let request = match Request::from_json(&json, app.project().clock().today()) {
        Ok(r) => r,
        Err(e) => {
            return (
                failed(crate::words::request_error(lang, &e), e.field.clone()),
                None,
            )
        }
    };
    let mut d = match j.decide(&request) {
        Ok(d) => d,
        Err(e) => return (failed(crate::words::eval_error(lang, &e), None), None),
    };
    d.decision_id = ulid::Ulid::new().to_string();
    let rendered = crate::answer::render(&d, crate::answer::TraceMode::Full);
    app.metrics()
        .decided(&j.name, request.kind(), d.effect, started.elapsed());
    let record = Rendered {
        decision_id: d.decision_id.clone(),
        time: app.project().clock().timestamp(),
        jurisdiction: j.name.clone(),
        policy_version: j.version.clone(),
        caller: caller.recorded().map(str::to_owned),
        request: contract_request(&json, &request, policy).to_string(),
        decision: rendered.full,
        shared: rendered.shared,
    };
    let input = document::Input {
        decision: &d,
        request: &request,
        facts: &j.facts,
        policy,
        calendar: &j.calendar,
    };
    let doc = document::document(&input, lang, Format::Html)
        .ok()
        .and_then(|html| document_article(&html).map(str::to_string));
    let outcome = Outcome {
        share,
        decision_id: Some(d.decision_id.clone()),
        effect: Some(d.effect.to_string()),
        document: doc,
        json: serde_json::to_string_pretty(&d).ok(),
        error: None,
        field: None,
    };
    (outcome, Some(record))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_article_is_cut_from_its_page() {
        let page = "<html><body><article>\n<h1>决定书</h1></article></body></html>";
        assert_eq!(
            document_article(page),
            Some("<article>\n<h1>决定书</h1></article>")
        );
        assert_eq!(document_article("<p>no article</p>"), None);
    }
}
