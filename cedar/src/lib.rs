//! Datalex to Cedar: what a compiled policy package decides for `share`, `open` and `develop`
//! requests, exported as a Cedar schema, Cedar policies and Cedar entities, and Cedar's
//! `Authorizer` on that export as an independent oracle for the evaluator.
//!
//! - [`export`] translates a bound package ([`Engine`]) and its facts. Rule conditions become
//!   Cedar conditions ([`translate`]); the decision order becomes `unless` clauses and `forbid`
//!   policies ([`policies`]); keyed fact collections become entities ([`schema`]).
//! - What Cedar cannot compute is computed by Datalex into the request context:
//!   [`ActionPlan::attrs`] lists it, [`Export::readme`] documents it, and [`Oracle::request`]
//!   builds the Cedar request for a Datalex request.
//! - [`Oracle`] holds the parsed export: it validates it (strict mode) and authorizes.
//!
//! Depends on the compiler and the evaluator (to compute context attributes); does no IO.

pub mod oracle;
pub mod policies;
pub mod schema;
pub mod translate;

pub use oracle::{CedarError, Oracle, Verdict};
pub use policies::CedarPolicy;

use datalex_compiler::ir::{Ex, KindPlan, Program, ValueDef, ValueId};
use datalex_compiler::types::{RecordId, Ty};
use datalex_evaluator::{Engine, Facts};
use schema::{EntityType, Shapes, NAMESPACE};
use serde_json::{json, Value as Json};
use translate::{quote, ContextAttr, Translator};

/// How a request kind maps to a Cedar request: which entity is the principal and which the
/// resource, each named by a path of fields in the request.
#[derive(Debug, Clone, Copy)]
pub struct ActionShape {
    /// Request kind and Cedar action id.
    pub kind: &'static str,
    /// Principal entity type and the request field holding its id.
    pub principal: (&'static str, &'static [&'static str]),
    /// Resource entity type and the request field holding its id.
    pub resource: (&'static str, &'static [&'static str]),
}

/// The request kinds exported, as the Cedar actions they become.
pub const ACTIONS: [ActionShape; 3] = [
    ActionShape {
        kind: "share",
        principal: ("Institution", &["requester"]),
        resource: ("Dataset", &["dataset"]),
    },
    ActionShape {
        kind: "open",
        principal: ("Applicant", &["requester", "id"]),
        resource: ("Dataset", &["dataset"]),
    },
    ActionShape {
        kind: "develop",
        principal: ("Developer", &["developer"]),
        resource: ("Scenario", &["scenario"]),
    },
];

/// One exported action: its shape and the context Datalex computes for it.
#[derive(Debug, Clone)]
pub struct ActionPlan {
    /// Its shape.
    pub shape: ActionShape,
    /// The request record of the kind.
    pub request_record: RecordId,
    /// Context attributes Datalex computes.
    pub attrs: Vec<ContextAttr>,
    /// Their Cedar types, as the schema writes them.
    pub attr_types: Vec<String>,
    /// Values whose exceptions can conflict; if one does, `context.value_conflict` is true.
    pub conflict_values: Vec<ValueId>,
    /// What Datalex evaluates for each request, decided once at export: the request, then
    /// each attribute (an entity as its key only: it is passed by reference), then the values
    /// that can conflict.
    pub evaluate: Vec<Ex>,
    /// For each attribute, the entity type it refers to, if it is an entity.
    pub attr_entities: Vec<Option<usize>>,
}

/// Why a package cannot be exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The package decides none of the exported kinds.
    #[error("package `{0}` has no rules for share, open or develop requests; nothing to export")]
    NothingToExport(String),
}

/// An export: schema, policies and entities.
#[derive(Debug, Clone)]
pub struct Export {
    /// The package exported.
    pub package: String,
    /// The Cedar schema (human-readable format).
    pub schema: String,
    /// The Cedar policies, in decision order per action.
    pub policies: Vec<CedarPolicy>,
    /// The entities of the facts (Cedar's JSON entity format).
    pub entities: Json,
    /// The exported actions.
    pub actions: Vec<ActionPlan>,
    /// The entity types.
    pub entity_types: Vec<EntityType>,
}

/// Exports the package `engine` is bound to, with `facts` as its entities.
pub fn export(engine: &Engine, facts: &Facts) -> Result<Export, ExportError> {
    let policy = engine.policy();
    let package = engine.package_name().to_string();
    let pkg = policy
        .package(&package)
        .ok_or_else(|| ExportError::NothingToExport(package.clone()))?;
    let entity_types = schema::entity_types(policy);
    let shapes = Shapes::new(&policy.types, &entity_types);
    let mut policies = Vec::new();
    let mut actions = Vec::new();
    for shape in ACTIONS {
        let Some(plan) = pkg.plan(shape.kind) else {
            continue;
        };
        // INVARIANT: a plan's kind is one of the program's.
        let kind = &policy.kinds[plan.kind_id];
        let conflict_values = conflict_values(plan);
        let mut tr = Translator::new(policy, plan, pkg.regulation);
        policies.extend(policies::plan_policies(
            &mut tr,
            plan,
            shape.kind,
            !conflict_values.is_empty(),
        ));
        let attr_types = tr
            .attrs
            .iter()
            .map(|a| shapes.cedar_type(&a.ty, &mut Vec::new()))
            .collect();
        let attr_entities: Vec<Option<usize>> = tr
            .attrs
            .iter()
            .map(|a| match a.ty {
                Ty::Record(r) => entity_types.iter().position(|e| e.record == r),
                _ => None,
            })
            .collect();
        let mut evaluate = vec![Ex::Request];
        for (a, e) in tr.attrs.iter().zip(&attr_entities) {
            evaluate.push(match e.and_then(|i| entity_types.get(i)) {
                Some(e) => Ex::Field(Box::new(a.ex.clone()), e.key_field),
                None => a.ex.clone(),
            });
        }
        evaluate.extend(conflict_values.iter().map(|&v| Ex::Value(v)));
        actions.push(ActionPlan {
            shape,
            request_record: kind.request,
            attrs: tr.attrs,
            attr_types,
            conflict_values,
            evaluate,
            attr_entities,
        });
    }
    if actions.is_empty() {
        return Err(ExportError::NothingToExport(package));
    }
    let schema = schema_text(policy, &package, &shapes, &entity_types, &actions);
    let mut entities = Vec::new();
    for e in &entity_types {
        for d in engine.fact_data(facts, e.fact) {
            let datalex_evaluator::Datum::Record { fields, .. } = &d else {
                continue;
            };
            let datalex_evaluator::Datum::Text(id) = d.field(&e.key) else {
                continue;
            };
            entities.push(json!({
                "uid": shapes.uid(e, id),
                "attrs": shapes.attrs(e.record, fields),
                "parents": [],
            }));
        }
    }
    Ok(Export {
        package,
        schema,
        policies,
        entities: Json::Array(entities),
        actions,
        entity_types,
    })
}

/// Values of the plan with two exceptions that can both apply with different results (neither
/// overrides the other and they do not give the same constant).
fn conflict_values(plan: &KindPlan) -> Vec<ValueId> {
    let may_conflict = |v: &ValueDef| {
        v.exceptions.iter().enumerate().any(|(n, (i, a))| {
            v.exceptions.iter().skip(n + 1).any(|(j, b)| {
                let ordered = a.overrides.contains(&j) || b.overrides.contains(&i);
                let same = match (&a.result, &b.result) {
                    (Ex::Const(x), Ex::Const(y)) => x == y,
                    _ => false,
                };
                !ordered && !same
            })
        })
    };
    plan.values()
        .filter(|(_, v)| may_conflict(v))
        .map(|(i, _)| i)
        .collect()
}

fn schema_text(
    policy: &Program,
    package: &str,
    shapes: &Shapes<'_>,
    entity_types: &[EntityType],
    actions: &[ActionPlan],
) -> String {
    let types = &policy.types;
    let mut common: Vec<RecordId> = Vec::new();
    let mut out = format!(
        "// Generated by `datalex export cedar` from the policy package `{package}`. Do not edit:\n\
         // change the policy files and export again.\n\nnamespace {NAMESPACE} {{\n"
    );
    let doc = |r: RecordId| {
        types.records[r]
            .doc
            .as_ref()
            .map(|d| format!("  @doc({})\n", quote(d)))
            .unwrap_or_default()
    };
    for e in entity_types {
        out.push_str(&doc(e.record));
        out.push_str(&format!(
            "  entity {} = {};\n",
            e.name,
            shapes.record_body(e.record, &mut common)
        ));
    }
    let mut extra: Vec<&str> = Vec::new();
    for a in actions {
        for t in [a.shape.principal.0, a.shape.resource.0] {
            if !entity_types.iter().any(|e| e.name == t) && !extra.contains(&t) {
                extra.push(t);
            }
        }
    }
    for t in extra {
        out.push_str(&format!(
            "  @doc(\"named by the request; Datalex keeps no facts about it\")\n  entity {t};\n"
        ));
    }
    let mut contexts = Vec::new();
    for a in actions {
        let mut lines = vec![format!(
            "      \"request\": {}",
            shapes.cedar_type(&Ty::Record(a.request_record), &mut common)
        )];
        for attr in &a.attrs {
            lines.push(format!(
                "      @doc({}) {}{}: {}",
                quote(&attr.source),
                quote(&attr.name),
                if attr.required { "" } else { "?" },
                shapes.cedar_type(&attr.ty, &mut common)
            ));
        }
        if !a.conflict_values.is_empty() {
            lines.push("      \"value_conflict\": Bool".into());
        }
        contexts.push(format!(
            "  action {} appliesTo {{\n    principal: {},\n    resource: {},\n    context: {{\n{}\n    }}\n  }};\n",
            quote(a.shape.kind),
            a.shape.principal.0,
            a.shape.resource.0,
            lines.join(",\n")
        ));
    }
    // Common types, including records nested in them (record_body adds those as it goes).
    let mut i = 0;
    let mut bodies = Vec::new();
    while let Some(&r) = common.get(i) {
        i += 1;
        let body = shapes.record_body(r, &mut common);
        let name = &types.records[r].name;
        bodies.push(format!("{}  type {name} = {body};\n", doc(r)));
    }
    for b in bodies {
        out.push_str(&b);
    }
    for c in contexts {
        out.push_str(&c);
    }
    out.push_str("}\n");
    out
}

impl Export {
    /// The policies as one Cedar file, with a header saying what they are.
    pub fn policies_text(&self) -> String {
        let mut out = format!(
            "// Generated by `datalex export cedar` from the policy package `{}`. Do not edit:\n\
             // change the policy files and export again. Each policy carries the Datalex rule it\n\
             // comes from (@datalex_rule) and the articles that rule cites (@cites).\n",
            self.package
        );
        let mut action = "";
        for p in &self.policies {
            if p.action != action {
                action = &p.action;
                out.push_str(&format!("\n// ---- {action} ----\n"));
            }
            out.push('\n');
            out.push_str(&format!("// id: {}\n", p.id));
            out.push_str(&p.text());
        }
        out
    }

    /// The entities as pretty JSON.
    pub fn entities_text(&self) -> String {
        serde_json::to_string_pretty(&self.entities).unwrap_or_else(|_| "[]".into())
    }

    /// What the export is and what a platform must compute to use it.
    pub fn readme(&self) -> String {
        let mut s = format!(
            "# Cedar export of the Datalex package `{pkg}`\n\n\
             Generated by `datalex export cedar`. Files:\n\n\
             - `schema.cedarschema`: entity types for the keyed fact collections ({types}), one \
             action per request kind, and the context each action needs.\n\
             - `policies.cedar`: the permit/deny part of the package's rules. Each policy is \
             annotated with the Datalex rule (`@datalex_rule`), its role and effect, and the \
             articles it cites (`@cites`).\n\
             - `entities.json`: the facts as Cedar entities (Cedar's JSON entity format).\n\n\
             ## How decisions map\n\n\
             - Datalex `permit` is Cedar `Allow`. Datalex `deny` and `review` are Cedar `Deny`: \
             a `review` decision lets the request go ahead only after the human steps it names, \
             which a yes-or-no answer cannot carry, so the export treats it as not allowed now.\n\
             - Guards are tried in order and the first that holds decides: a denying guard is a \
             `forbid`; a permitting one is a `permit` unless an earlier guard holds.\n\
             - An exception becomes an `unless` clause on each rule it overrides, and a policy of \
             its own (usually a `forbid`) that holds only where a rule it is an exception to \
             holds.\n\
             - Rules that disagree fail closed in Datalex; in Cedar the `forbid` wins.\n\
             - A denying `otherwise` needs no policy: Cedar denies when no `permit` holds.\n\
             - Checks only add findings; obligations, deadlines and findings are Datalex's \
             explanation and are not part of Cedar's answer.\n\n\
             ## Computed inputs\n\n\
             Cedar cannot compute some inputs itself: looking a fact up by an id from the request, \
             quantifiers over lists, working-day arithmetic, and derived values with exceptions \
             (such as the effective tier, which depends on legal bases and active emergencies). \
             Datalex computes them for each request and passes them in the context \
             (`datalex_cedar::Oracle::request` does this from a Datalex request). Every other \
             condition is evaluated by Cedar.\n",
            pkg = self.package,
            types = self
                .entity_types
                .iter()
                .map(|e| format!("`{}` keyed by `{}`", e.name, e.key))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for a in &self.actions {
            s.push_str(&format!(
                "\n### `{}`\n\nprincipal `{}` (id from `request.{}`), resource `{}` (id from `request.{}`).\n\n\
                 | context attribute | type | computed by Datalex as |\n|---|---|---|\n\
                 | `request` | record | the request itself |\n",
                a.shape.kind,
                a.shape.principal.0,
                a.shape.principal.1.join("."),
                a.shape.resource.0,
                a.shape.resource.1.join(".")
            ));
            for (attr, ty) in a.attrs.iter().zip(&a.attr_types) {
                let what = match &attr.rule {
                    Some(rule) => {
                        format!("part of `{rule}`: `{}`", attr.source.replace('|', "\\|"))
                    }
                    None => format!("the value `{}`; absent when Datalex finds it missing (for an entity: the facts do not know the id)", attr.source),
                };
                s.push_str(&format!("| `{}` | `{ty}` | {what} |\n", attr.name));
            }
            if !a.conflict_values.is_empty() {
                s.push_str(
                    "| `value_conflict` | Bool | true when a derived value has exceptions that apply with different results (Datalex then denies) |\n",
                );
            }
        }
        s
    }
}
