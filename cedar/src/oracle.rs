//! The export loaded into Cedar: validation and authorization.

use crate::schema::{Shapes, NAMESPACE};
use crate::{ActionPlan, Export};
use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityId, EntityTypeName, EntityUid, Policy, PolicyId,
    PolicySet, Request, Schema, ValidationMode, Validator,
};
use datalex_compiler::ir::Ex;
use datalex_compiler::types::Ty;
use datalex_evaluator::{Calendar, Datum, Engine, EvalError, Facts};
use serde_json::{json, Map, Value as Json};
use std::str::FromStr;

/// What went wrong loading an export into Cedar or building a Cedar request.
#[derive(Debug, thiserror::Error)]
pub enum CedarError {
    /// The schema does not parse.
    #[error("cedar schema: {0}")]
    Schema(String),
    /// A policy does not parse.
    #[error("cedar policy `{id}`: {message}")]
    Policy {
        /// Policy id.
        id: String,
        /// Cedar's message.
        message: String,
    },
    /// The entities do not conform to the schema.
    #[error("cedar entities: {0}")]
    Entities(String),
    /// The request kind is not exported.
    #[error("`{0}` requests are not exported to Cedar")]
    NotExported(String),
    /// Cedar rejected the request or its context.
    #[error("cedar request: {0}")]
    Request(String),
    /// Datalex could not compute the context.
    #[error("computing the context: {0}")]
    Eval(#[from] EvalError),
}

/// Cedar's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Allow (else Deny).
    pub allow: bool,
    /// The policies that determined it.
    pub policies: Vec<String>,
    /// Errors Cedar met evaluating policies (there should be none on a validated export).
    pub errors: Vec<String>,
}

/// An export parsed by Cedar.
#[derive(Debug)]
pub struct Oracle {
    authorizer: Authorizer,
    schema: Schema,
    policies: PolicySet,
    entities: Entities,
    export: Export,
}

impl Oracle {
    /// Parses the export's schema, policies and entities (entities checked against the schema).
    pub fn new(export: Export) -> Result<Oracle, CedarError> {
        let (schema, _warnings) = Schema::from_cedarschema_str(&export.schema)
            .map_err(|e| CedarError::Schema(render(&e)))?;
        let mut policies = PolicySet::new();
        for p in &export.policies {
            let policy = Policy::parse(Some(PolicyId::new(&p.id)), p.text()).map_err(|e| {
                CedarError::Policy {
                    id: p.id.clone(),
                    message: render(&e),
                }
            })?;
            policies.add(policy).map_err(|e| CedarError::Policy {
                id: p.id.clone(),
                message: render(&e),
            })?;
        }
        let entities = Entities::from_json_value(export.entities.clone(), Some(&schema))
            .map_err(|e| CedarError::Entities(render(&e)))?;
        Ok(Oracle {
            authorizer: Authorizer::new(),
            schema,
            policies,
            entities,
            export,
        })
    }

    /// The export.
    pub fn export(&self) -> &Export {
        &self.export
    }

    /// Strict validation of the policies against the schema: the errors and the warnings.
    pub fn validate(&self) -> (Vec<String>, Vec<String>) {
        let result =
            Validator::new(self.schema.clone()).validate(&self.policies, ValidationMode::Strict);
        (
            result.validation_errors().map(|e| render(e)).collect(),
            result.validation_warnings().map(|e| render(e)).collect(),
        )
    }

    /// The Cedar request for a Datalex request: principal, action and resource from the
    /// request's ids, and the context with everything Datalex computes for it.
    pub fn request(
        &self,
        engine: &Engine,
        facts: &Facts,
        calendar: &Calendar,
        request: &datalex_evaluator::Request,
    ) -> Result<Request, CedarError> {
        let kind = request.kind();
        let plan = self
            .export
            .actions
            .iter()
            .find(|a| a.shape.kind == kind)
            .ok_or_else(|| CedarError::NotExported(kind.to_string()))?;
        let policy = engine.policy();
        let shapes = Shapes::new(&policy.types, &self.export.entity_types);
        let exprs: Vec<&Ex> = plan.evaluate.iter().collect();
        let evaluated = engine.evaluate(facts, calendar, request, &exprs)?;
        let mut data = evaluated.data.iter();
        let req = data.next().cloned().unwrap_or(Datum::Missing);
        let mut context = Map::new();
        if let Some(r) = shapes.json(&req, &Ty::Record(plan.request_record)) {
            context.insert("request".into(), r);
        }
        for ((attr, entity), d) in plan.attrs.iter().zip(&plan.attr_entities).zip(data) {
            let entity = entity.and_then(|i| self.export.entity_types.get(i));
            let value = match (entity, d) {
                (Some(e), Datum::Text(id)) => Some(json!({ "__entity": shapes.uid(e, id) })),
                // The facts do not know the id: the attribute is absent.
                (Some(_), _) => None,
                (None, d) if attr.required => Some(Json::Bool(matches!(d, Datum::Bool(true)))),
                (None, d) => shapes.json(d, &attr.ty),
            };
            if let Some(v) = value {
                context.insert(attr.name.clone(), v);
            }
        }
        if !plan.conflict_values.is_empty() {
            context.insert(
                "value_conflict".into(),
                Json::Bool(evaluated.value_conflict),
            );
        }
        let action = uid("Action", plan.shape.kind)?;
        let principal = uid(plan.shape.principal.0, &path(&req, plan.shape.principal.1))?;
        let resource = uid(plan.shape.resource.0, &path(&req, plan.shape.resource.1))?;
        let context =
            Context::from_json_value(Json::Object(context), Some((&self.schema, &action)))
                .map_err(|e| CedarError::Request(render(&e)))?;
        Request::new(principal, action, resource, context, Some(&self.schema))
            .map_err(|e| CedarError::Request(render(&e)))
    }

    /// Whether Cedar allows a request (what the benchmark times: Cedar's decision alone).
    pub fn allows(&self, request: &Request) -> bool {
        self.authorizer
            .is_authorized(request, &self.policies, &self.entities)
            .decision()
            == Decision::Allow
    }

    /// Cedar's answer to a request, with the policies that determined it.
    pub fn authorize(&self, request: &Request) -> Verdict {
        let response = self
            .authorizer
            .is_authorized(request, &self.policies, &self.entities);
        let diagnostics = response.diagnostics();
        Verdict {
            allow: response.decision() == Decision::Allow,
            policies: diagnostics.reason().map(ToString::to_string).collect(),
            errors: diagnostics.errors().map(ToString::to_string).collect(),
        }
    }

    /// The action plan of a request kind.
    pub fn action(&self, kind: &str) -> Option<&ActionPlan> {
        self.export.actions.iter().find(|a| a.shape.kind == kind)
    }
}

/// The text at `path` in a request record ("" where it is missing: Cedar needs some id).
fn path(req: &Datum, path: &[&str]) -> String {
    let mut d = req;
    for f in path {
        d = d.field(f);
    }
    match d {
        Datum::Text(s) => s.clone(),
        _ => String::new(),
    }
}

fn uid(ty: &str, id: &str) -> Result<EntityUid, CedarError> {
    let name = EntityTypeName::from_str(&format!("{NAMESPACE}::{ty}"))
        .map_err(|e| CedarError::Request(render(&e)))?;
    Ok(EntityUid::from_type_name_and_id(name, EntityId::new(id)))
}

/// A Cedar error with its causes, on one line.
fn render(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}
