//! Deciding a request with a compiled policy.
//!
//! The evaluator knows the language, the calendar and the fact shapes; what is permitted when is
//! only in the policy. It is pure (same policy, facts and request, same decision) and total: every
//! evaluation is bounded by a step budget ([`STEP_BUDGET`] by default) and nothing in it panics.
//!
//! Deciding follows the language's semantics:
//! 1. guards, in order: the first whose condition holds decides;
//! 2. otherwise every rule and exception is tried; exceptions remove the rules they override;
//!    what remains decides if all of it has one effect, is a conflict (deny) if not, and the
//!    `otherwise` default (deny) decides if nothing remains;
//! 3. checks add findings whatever the effect; reported values fill `effective_tier`.
//!
//! The binding of a package to the evaluator's fact shapes is here; one decision's context is
//! in `cx`, the evaluation of expressions and derived values in `expr`, what a rule that applies
//! contributes in `outcome`, how guards, rules, exceptions and the `otherwise` combine into the
//! decision in `combine`, and the words of its trace in `trace`.

mod combine;
mod cx;
mod expr;
mod outcome;
mod trace;

use crate::calendar::Calendar;
use crate::datum::Datum;
use crate::decision::{self, Decision, PolicyRef, Source};
use crate::facts::Facts;
use crate::request::Request;
use crate::value::{Accessor, FactSource, Field, List, Rec, Value};
use cx::Cx;
use datalex_compiler::ir::{ArenaMap, Ex, FactId, KindPlan, Package, Part, Program, RegId};
use datalex_compiler::types::{FieldId, RecordId, Ty, Types};
use datalex_compiler::PolicySet;
use datalex_lang::ast::LabelOf;
use datalex_lang::date::Date;
use std::sync::Arc;

/// The most evaluation steps one decision may take, unless [`Engine::with_step_budget`] says
/// otherwise.
pub const STEP_BUDGET: u32 = 1_000_000;

/// Why a policy cannot be used by this evaluator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindError {
    /// The policy set has no such package.
    #[error("no policy package `{0}`")]
    UnknownPackage(String),
    /// The prelude declares a field of a record type the evaluator does not supply (a field
    /// of a scalar type, or a list of them, is read by name from the JSON).
    #[error("the prelude declares `{record}.{field}`, a record the evaluator does not supply; a field beyond the contract must be a Bool, Int, Text, Date, enum, or a list of them")]
    UnknownField {
        /// Record.
        record: String,
        /// Field.
        field: String,
    },
    /// A fact has a field beyond the contract with a value of the wrong type.
    #[error("{0}")]
    Facts(String),
    /// The prelude declares a fact the evaluator does not supply.
    #[error("the prelude declares the fact `{0}`, which the evaluator does not supply")]
    UnknownFact(String),
}

/// Why a request could not be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// The evaluation took more steps than its budget.
    #[error("evaluation exceeded its budget of {budget} steps (in `{rule}`); the policy or the facts are too large for one decision")]
    BudgetExceeded {
        /// The budget.
        budget: u32,
        /// The rule or value being evaluated.
        rule: String,
    },
    /// The package has no rules for this kind of request.
    #[error("package `{package}` has no rules for `{kind}` requests")]
    NoPlan {
        /// Package.
        package: String,
        /// Kind.
        kind: String,
    },
    /// A field beyond the contract has a value of the wrong type: the request is not a
    /// decision.
    #[error("field `{field}`: {message}")]
    InvalidField {
        /// The field, as a path (`requester.type`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The jurisdiction's own regulation is not in force on the request's date: the request is
    /// not a decision.
    #[error("not_in_force: 《{title}》 ({regulation}) is not in force on {at}; {period}")]
    NotInForce {
        /// Regulation id.
        regulation: String,
        /// Its title.
        title: String,
        /// The request's date.
        at: Date,
        /// When it is in force, as people read it (2023-03-01 起施行).
        period: String,
    },
}

impl EvalError {
    /// The stable error code: `not_in_force`, `budget_exceeded`, `no_plan`.
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::BudgetExceeded { .. } => "budget_exceeded",
            EvalError::NoPlan { .. } => "no_plan",
            EvalError::NotInForce { .. } => "not_in_force",
            EvalError::InvalidField { .. } => "invalid_request",
        }
    }
}

/// A policy package bound to this evaluator's fact shapes.
#[derive(Debug, Clone)]
pub struct Engine {
    /// The program (without the policy graph, tests and coverage notes, which it does not need).
    policy: Arc<Program>,
    package: Arc<Package>,
    /// How each field of the program is read from the facts and the request.
    accessors: ArenaMap<FieldId, Field>,
    /// How each fact collection of the program is read from the facts.
    facts: ArenaMap<FactId, FactSource>,
    budget: u32,
    /// `Institution.id`, for the `party_id` of obligations and deadlines.
    institution_id: Option<Accessor>,
    /// Each regulation as a decision lists it among its `sources`.
    sources: ArenaMap<RegId, Arc<Source>>,
    /// The label of every role an obligation or deadline of the package binds, as the package
    /// reads it, found once here rather than in the program's labels per decision.
    role_labels: Vec<(Arc<str>, Option<Arc<str>>)>,
    /// The fields of each record type [`Engine::check_request`] looks at, by the record's
    /// name: those beyond the contract, and those holding records that can have such fields. A
    /// record type that can have none has no entry (most have none, so the list is short), and
    /// a request whose records have none costs nothing to check.
    to_check: Vec<(String, Box<[FieldId]>)>,
    /// The texts each plan's trace shows, escaped for JSON once here ([`decision::Words`]), in
    /// the order of the package's plans.
    words: Vec<Arc<decision::Words>>,
}

impl Engine {
    /// Whether this engine binds `package` of the very policy set `policy` (the same program,
    /// not an equal one).
    pub(crate) fn binds(&self, policy: &PolicySet, package: &str) -> bool {
        Arc::ptr_eq(&self.policy, &policy.program) && self.package.name == package
    }

    /// Binds `package` of `policy`.
    pub fn new(policy: Arc<PolicySet>, package: &str) -> Result<Engine, BindError> {
        let policy = Arc::clone(&policy.program);
        let pkg = policy
            .package_arc(package)
            .ok_or_else(|| BindError::UnknownPackage(package.to_string()))?;
        // INVARIANT: every field of the program gets its accessor here (or binding fails), so
        // `Engine::accessor` finds one for every `FieldId` of the program.
        let mut accessors = ArenaMap::with_capacity(policy.types.fields.len());
        for (id, f) in policy.types.fields.iter() {
            let record = policy.types.records[f.record].name.as_str();
            let field =
                Field::resolve(record, &f.name, &f.ty).ok_or_else(|| BindError::UnknownField {
                    record: record.to_string(),
                    field: f.name.clone(),
                })?;
            accessors.insert(id, field);
        }
        // INVARIANT: every fact collection of the program gets its source here (or binding
        // fails), so `Engine::fact` finds one for every `FactId` of the program.
        let mut facts = ArenaMap::with_capacity(policy.facts.len());
        for (id, f) in policy.facts.iter() {
            facts.insert(
                id,
                FactSource::resolve(&f.name)
                    .ok_or_else(|| BindError::UnknownFact(f.name.clone()))?,
            );
        }
        let institution_id = Accessor::resolve("Institution", "id");
        // INVARIANT: every regulation of the program gets its source here.
        let sources = policy
            .regulations
            .iter()
            .map(|(id, r)| {
                let source = Arc::new(Source {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    rank: r.rank.clone(),
                    rank_label: r
                        .rank
                        .as_deref()
                        .and_then(|k| policy.member_label("LegalRank", k))
                        .map(Arc::from),
                    in_force: decision::InForce {
                        from: r.in_force.from,
                        until: r.in_force.until,
                        from_unknown: r.start_unknown,
                    },
                });
                (id, source)
            })
            .collect();
        let mut role_labels: Vec<(Arc<str>, Option<Arc<str>>)> = Vec::new();
        for plan in &pkg.plans {
            let rule_parts = plan.rules().flat_map(|(_, r)| r.parts.iter());
            let value_parts = plan
                .values()
                .flat_map(|(_, v)| v.exceptions.iter().flat_map(|(_, b)| b.parts.iter()));
            for part in rule_parts.chain(value_parts) {
                let (Part::Obligation { party, .. } | Part::Deadline { party, .. }) = part else {
                    continue;
                };
                if !role_labels.iter().any(|(r, _)| r == party) {
                    let label = policy.label(&pkg.name, LabelOf::Role, party).cloned();
                    role_labels.push((Arc::clone(party), label));
                }
            }
        }
        let to_check = fields_to_check(&policy.types, &accessors);
        let words = pkg
            .plans
            .iter()
            .map(|plan| Arc::new(decision::Words::of(plan)))
            .collect();
        Ok(Engine {
            policy,
            package: pkg,
            accessors,
            facts,
            budget: STEP_BUDGET,
            institution_id,
            sources,
            role_labels,
            to_check,
            words,
        })
    }

    /// The same engine with another step budget per decision.
    #[must_use]
    pub fn with_step_budget(mut self, steps: u32) -> Engine {
        self.budget = steps;
        self
    }

    /// The compiled program.
    pub fn policy(&self) -> &Arc<Program> {
        &self.policy
    }

    /// The bound package's name.
    pub fn package_name(&self) -> &str {
        &self.package.name
    }

    /// How the field `id` is read.
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT: `Engine::new` binds an accessor for every field of the program"
    )]
    #[inline]
    fn accessor(&self, id: FieldId) -> &Field {
        &self.accessors[id]
    }

    /// How the fact collection `id` is read from the facts.
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT: `Engine::new` binds a source for every fact of the program"
    )]
    #[inline]
    fn fact(&self, id: FactId) -> &FactSource {
        &self.facts[id]
    }

    /// The label of `role`, as the package reads it.
    fn role_label(&self, role: &Arc<str>) -> Option<Arc<str>> {
        match self
            .role_labels
            .iter()
            .find(|(r, _)| Arc::ptr_eq(r, role) || r == role)
        {
            Some((_, label)) => label.clone(),
            None => self
                .policy
                .label(&self.package.name, LabelOf::Role, role)
                .cloned(),
        }
    }

    /// The plan for `request`'s kind, with the texts its trace shows escaped for JSON; `NoPlan`
    /// if the package has none.
    fn plan(&self, request: &Request) -> Result<(&KindPlan, &Arc<decision::Words>), EvalError> {
        let kind = request.kind();
        self.package
            .plans
            .iter()
            .zip(&self.words)
            .find(|(plan, _)| plan.kind == kind)
            .ok_or_else(|| EvalError::NoPlan {
                package: self.package_name().to_string(),
                kind: kind.to_string(),
            })
    }

    /// Regulation `id` as a decision lists it among its sources.
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT: `Engine::new` makes a source of every regulation of the program"
    )]
    fn source(&self, id: RegId) -> &Arc<Source> {
        &self.sources[id]
    }

    /// Decides `request`. `decision_id` is left empty for the caller.
    pub fn decide(
        &self,
        facts: &Facts,
        calendar: &Calendar,
        request: &Request,
        policy: PolicyRef,
    ) -> Result<Decision, EvalError> {
        self.check_request(request)?;
        if let Some(reg) = self.policy.not_in_force(self.package_name(), request.at()) {
            return Err(EvalError::NotInForce {
                regulation: reg.id.clone(),
                title: reg.title.clone(),
                at: request.at(),
                period: reg.period_label(),
            });
        }
        let (plan, words) = self.plan(request)?;
        // Nothing the rules for this kind rest on is in force on the request's date: name the
        // source that takes effect soonest after it (else the first).
        let at = request.at();
        let in_force = plan.in_force();
        if !in_force.is_empty() && !in_force.iter().any(|(_, p)| p.contains(at)) {
            let next = in_force
                .iter()
                .filter(|(_, p)| p.from.is_some_and(|f| f > at))
                .min_by_key(|(_, p)| p.from)
                .or_else(|| in_force.first());
            if let Some((r, _)) = next {
                // INVARIANT: the plan's regulation ids are the program's.
                let reg = &self.policy.regulations[*r];
                return Err(EvalError::NotInForce {
                    regulation: reg.id.clone(),
                    title: reg.title.clone(),
                    at,
                    period: reg.period_label(),
                });
            }
        }
        let mut cx = Cx::new(self, plan, words, facts, calendar, request);
        cx.decide(policy).map_err(|e| *e)
    }

    /// Evaluates expressions of the plan for `request`'s kind as a decision of `request` would
    /// (one memo of values for all of them), detached from the facts as [`Datum`]s. Interop
    /// uses it: the Cedar export precomputes what Cedar cannot compute itself. Also says whether
    /// a value evaluated on the way had conflicting exceptions (a decision would fail closed).
    pub fn evaluate(
        &self,
        facts: &Facts,
        calendar: &Calendar,
        request: &Request,
        exprs: &[&Ex],
    ) -> Result<Evaluated, EvalError> {
        let (plan, words) = self.plan(request)?;
        let mut cx = Cx::new(self, plan, words, facts, calendar, request);
        let mut data = Vec::with_capacity(exprs.len());
        for e in exprs {
            let saved = cx.push_frame();
            let v = cx.eval(e);
            cx.pop_frame(saved);
            data.push(self.datum(&v.map_err(|e| *e)?));
        }
        Ok(Evaluated {
            data,
            value_conflict: !cx.conflicts.is_empty(),
        })
    }

    /// The request's fields beyond the contract (those the prelude declares), checked against
    /// their types: the first that is wrong, named by its path.
    pub fn check_request(&self, request: &Request) -> Result<(), EvalError> {
        match self.check_record(Rec::of_request(request)) {
            Some((field, message)) => Err(EvalError::InvalidField { field, message }),
            None => Ok(()),
        }
    }

    /// Every record of the facts, checked as [`Engine::check_request`] checks a request: the
    /// first field beyond the contract with a value of the wrong type, as `file: [i].path:
    /// what is wrong`.
    ///
    /// Nothing is allocated for a record that is right (the path is written only for the
    /// wrong one), and a long collection is checked in two halves on two threads (the first
    /// half's error, if any, is the one given: the first in the file's order).
    pub fn check_facts(&self, facts: &Facts) -> Result<(), String> {
        self.check_facts_after(facts, None)
    }

    /// [`Engine::check_facts`], not looking again at an entry of `facts` that is, at the same
    /// position, the very entry (the same `Arc`) of `checked`: facts that an engine of the same
    /// package of the same policy set has checked and found right ([`Engine::binds`]). Whether
    /// a record is right depends only on the record and on the policy set and package, so the
    /// answer is that of [`Engine::check_facts`]: only the entries a reload changed are looked
    /// at (1,000,000 catalog entries were checked again on every reload before, about a tenth
    /// of a second).
    pub(crate) fn check_facts_after(
        &self,
        facts: &Facts,
        checked: Option<&Facts>,
    ) -> Result<(), String> {
        let empty = Facts::default();
        let c = checked.unwrap_or(&empty);
        let found = [
            (
                "catalog.json",
                self.first_invalid(&facts.catalog, &c.catalog, List::Datasets),
            ),
            (
                "institutions.json",
                self.first_invalid(&facts.institutions, &c.institutions, List::Institutions),
            ),
            (
                "emergencies.json",
                self.first_invalid(&facts.emergencies, &c.emergencies, List::Emergencies),
            ),
            (
                "developers.json",
                self.first_invalid(&facts.developers, &c.developers, List::Developers),
            ),
            (
                "products.json",
                self.first_invalid(&facts.products, &c.products, List::Products),
            ),
        ];
        for (file, found) in found {
            if let Some((i, path, m)) = found {
                return Err(format!("{file}: [{i}].{path}: {m}"));
            }
        }
        Ok(())
    }

    /// The first element of `items` with a field of the wrong type: its position, the path in
    /// it and what is wrong. An element that is the same `Arc` as the element of `checked` at
    /// its position is right (see [`Engine::check_facts_after`]) and not looked at.
    fn first_invalid<'a, T: Send + Sync>(
        &self,
        items: &'a [Arc<T>],
        checked: &[Arc<T>],
        list: fn(&'a [Arc<T>]) -> List<'a>,
    ) -> Option<(usize, String, String)> {
        /// Below this, one thread checks the whole collection.
        const SPLIT: usize = 20_000;
        let scan = |from: usize, part: &'a [Arc<T>]| {
            let records = list(part);
            part.iter()
                .enumerate()
                .filter(|(i, x)| !checked.get(from + i).is_some_and(|c| Arc::ptr_eq(c, x)))
                .find_map(|(i, _)| match records.get(i) {
                    Value::Rec(r) => self.check_record(r).map(|(path, m)| (from + i, path, m)),
                    _ => None,
                })
        };
        if items.len() < SPLIT {
            return scan(0, items);
        }
        let (first, second) = items.split_at(items.len() / 2);
        std::thread::scope(|s| {
            let later = s.spawn(|| scan(first.len(), second));
            let earlier = scan(0, first);
            // A thread that panicked (it cannot: nothing in checking panics) is checked again
            // here, on this one.
            earlier.or_else(|| later.join().unwrap_or_else(|_| scan(first.len(), second)))
        })
    }

    /// The first field of `r` (or of a record inside it) beyond the contract whose value has
    /// the wrong type, with its path in `r` (`name`, `share_conditions.name`,
    /// `legal_basis[1].name`).
    fn check_record(&self, r: Rec<'_>) -> Option<(String, String)> {
        let types = &self.policy.types;
        let name = r.record();
        let (_, fields) = self.to_check.iter().find(|(n, _)| n == name)?;
        for &f in fields.iter() {
            let field = self.accessor(f);
            if let Some(found) = field.check(r, types) {
                return Some(found);
            }
            if held_record(&types.fields[f].ty).is_none() {
                continue;
            }
            match field.get(r) {
                Value::Rec(inner) => {
                    if let Some((path, m)) = self.check_record(inner) {
                        let name = types.fields[f].name.as_str();
                        return Some((format!("{name}.{path}"), m));
                    }
                }
                Value::List(l) => {
                    for i in 0..l.len() {
                        if let Value::Rec(inner) = l.get(i) {
                            if let Some((path, m)) = self.check_record(inner) {
                                let name = types.fields[f].name.as_str();
                                return Some((format!("{name}[{i}].{path}"), m));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Every element of the fact collection `fact`, detached from the facts.
    pub fn fact_data(&self, facts: &Facts, fact: FactId) -> Vec<Datum> {
        let list = self.fact(fact).list(facts);
        (0..list.len()).map(|i| self.datum(&list.get(i))).collect()
    }

    /// `v` detached from what it borrows: records with every field the prelude declares.
    fn datum(&self, v: &Value<'_>) -> Datum {
        match v {
            Value::Missing => Datum::Missing,
            Value::Bool(b) => Datum::Bool(*b),
            Value::Int(i) => Datum::Int(*i),
            Value::Text(t) => Datum::Text((*t).to_string()),
            Value::Date(d) => Datum::Date(*d),
            Value::Duration { count, working } => Datum::Duration {
                count: *count,
                working: *working,
            },
            Value::Enum(m) => Datum::Enum((*m).to_string()),
            Value::Rec(r) => {
                let types = &self.policy.types;
                let name = r.record();
                let fields = types
                    .record_named(name)
                    .map(|id| {
                        types.records[id]
                            .fields
                            .iter()
                            .map(|&f| {
                                let value = self.accessor(f).get(*r);
                                (types.fields[f].name.clone(), self.datum(&value))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Datum::Record {
                    record: name.to_string(),
                    fields,
                }
            }
            Value::List(l) => Datum::List((0..l.len()).map(|i| self.datum(&l.get(i))).collect()),
        }
    }
}

/// For each record type of `types` that can hold a field beyond the contract (one read by
/// name, [`Field::Extension`]) — it has one, or a field whose type is (a list of) a record type
/// that can — its name and the fields [`Engine::check_request`] looks at: those beyond the
/// contract and those holding such records. The others hold nothing it could find wrong.
fn fields_to_check(
    types: &Types,
    accessors: &ArenaMap<FieldId, Field>,
) -> Vec<(String, Box<[FieldId]>)> {
    let own = |f: FieldId| matches!(accessors.get(f), Some(Field::Extension { .. }));
    let mut extended: ArenaMap<RecordId, bool> = types
        .records
        .iter()
        .map(|(id, r)| (id, r.fields.iter().any(|&f| own(f))))
        .collect();
    let holds_extended = |extended: &ArenaMap<RecordId, bool>, f: FieldId| {
        held_record(&types.fields[f].ty).is_some_and(|inner| extended.get(inner) == Some(&true))
    };
    // Until nothing changes: at most one pass per record type.
    loop {
        let mut changed = false;
        for (id, r) in types.records.iter() {
            if extended.get(id) != Some(&true)
                && r.fields.iter().any(|&f| holds_extended(&extended, f))
            {
                extended.insert(id, true);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    types
        .records
        .iter()
        .filter(|(id, _)| extended.get(*id) == Some(&true))
        .map(|(_, r)| {
            let fields = r
                .fields
                .iter()
                .copied()
                .filter(|&f| own(f) || holds_extended(&extended, f))
                .collect();
            (r.name.clone(), fields)
        })
        .collect()
}

/// The record type a value of `ty` is, or holds a list of.
fn held_record(ty: &Ty) -> Option<RecordId> {
    match ty {
        Ty::Record(r) => Some(*r),
        Ty::List(elem) => held_record(elem),
        _ => None,
    }
}

/// What [`Engine::evaluate`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// One datum per expression, in order.
    pub data: Vec<Datum>,
    /// A value evaluated on the way had exceptions that gave different results.
    pub value_conflict: bool,
}
