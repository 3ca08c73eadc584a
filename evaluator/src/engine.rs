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

use crate::calendar::Calendar;
use crate::datum::Datum;
use crate::decision::{
    self, CiteOut, Deadline, Decision, Finding, Obligation, PolicyRef, Reason, Remedy, Source,
    TraceStep,
};
use crate::facts::Facts;
use crate::request::Request;
use crate::value::{Accessor, FactSource, Field, List, Rec, Value};
use datalex_compiler::ir::{
    ArenaMap, BranchId, Cite, CmpOp, Const, Ex, FactId, KindPlan, Package, Part, Program,
    RegId, RuleDef, RuleId, ValueId,
};
use datalex_compiler::PolicySet;
use datalex_lang::ast::Effect;
use datalex_lang::date::Date;
use std::collections::BTreeMap;
use std::rc::Rc;
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
    accessors: Vec<Field>,
    /// How each fact collection of the program is read from the facts.
    facts: ArenaMap<FactId, FactSource>,
    budget: u32,
    /// `Institution.id`, for the `party_id` of obligations and deadlines.
    institution_id: Option<Accessor>,
    /// Each regulation as a decision lists it among its `sources`.
    sources: ArenaMap<RegId, Arc<Source>>,
}

impl Engine {
    /// Binds `package` of `policy`.
    pub fn new(policy: Arc<PolicySet>, package: &str) -> Result<Engine, BindError> {
        let policy = Arc::clone(&policy.program);
        let pkg = policy
            .package_arc(package)
            .ok_or_else(|| BindError::UnknownPackage(package.to_string()))?;
        let mut accessors = Vec::with_capacity(policy.types.fields.len());
        for f in &policy.types.fields {
            let record = policy
                .types
                .records
                .get(f.record)
                .map_or("?", |r| r.name.as_str());
            accessors.push(Field::resolve(record, &f.name, &f.ty).ok_or_else(|| {
                BindError::UnknownField {
                    record: record.to_string(),
                    field: f.name.clone(),
                }
            })?);
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
                    in_force: decision::InForce {
                        from: r.in_force.from,
                        until: r.in_force.until,
                        from_unknown: r.start_unknown,
                    },
                });
                (id, source)
            })
            .collect();
        Ok(Engine {
            policy,
            package: pkg,
            accessors,
            facts,
            budget: STEP_BUDGET,
            institution_id,
            sources,
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

    /// How the fact collection `id` is read from the facts.
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT: `Engine::new` binds a source for every fact of the program"
    )]
    fn fact(&self, id: FactId) -> &FactSource {
        &self.facts[id]
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
        let plan = self
            .package
            .plan(request.kind())
            .ok_or_else(|| EvalError::NoPlan {
                package: self.package_name().to_string(),
                kind: request.kind().to_string(),
            })?;
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
        let mut cx = Cx::new(self, plan, facts, calendar, request);
        cx.decide(policy)
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
        let plan = self
            .package
            .plan(request.kind())
            .ok_or_else(|| EvalError::NoPlan {
                package: self.package_name().to_string(),
                kind: request.kind().to_string(),
            })?;
        let mut cx = Cx::new(self, plan, facts, calendar, request);
        let mut data = Vec::with_capacity(exprs.len());
        for e in exprs {
            let saved = cx.push_frame();
            let v = cx.eval(e);
            cx.pop_frame(saved);
            data.push(self.datum(&v?));
        }
        Ok(Evaluated {
            data,
            value_conflict: !cx.conflicts.is_empty(),
        })
    }

    /// The request's fields beyond the contract (those the prelude declares), checked against
    /// their types: the first that is wrong, named by its path.
    pub fn check_request(&self, request: &Request) -> Result<(), EvalError> {
        match self.check_record(request_rec(request), "") {
            Some((field, message)) => Err(EvalError::InvalidField { field, message }),
            None => Ok(()),
        }
    }

    /// Every record of the facts, checked as [`Engine::check_request`] checks a request: the
    /// first field beyond the contract with a value of the wrong type, as `file: [i].path:
    /// what is wrong`.
    pub fn check_facts(&self, facts: &Facts) -> Result<(), String> {
        let collections: [(&str, List<'_>); 5] = [
            ("catalog.json", List::Datasets(&facts.catalog)),
            ("institutions.json", List::Institutions(&facts.institutions)),
            ("emergencies.json", List::Emergencies(&facts.emergencies)),
            ("developers.json", List::Developers(&facts.developers)),
            ("products.json", List::Products(&facts.products)),
        ];
        for (file, list) in collections {
            for i in 0..list.len() {
                if let Value::Rec(r) = list.get(i) {
                    if let Some((path, m)) = self.check_record(r, &format!("[{i}].")) {
                        return Err(format!("{file}: {path}: {m}"));
                    }
                }
            }
        }
        Ok(())
    }

    /// The first field of `r` (or of a record inside it) beyond the contract whose value has
    /// the wrong type, with its path after `prefix`.
    fn check_record(&self, r: Rec<'_>, prefix: &str) -> Option<(String, String)> {
        let types = &self.policy.types;
        let rec = types.records.get(types.record_named(r.record())?)?;
        for &f in &rec.fields {
            let field = self.accessors.get(f)?;
            if let Some((path, m)) = field.check(r, types) {
                return Some((format!("{prefix}{path}"), m));
            }
            let name = types.fields.get(f).map_or("", |d| d.name.as_str());
            match field.get(r) {
                Value::Rec(inner) => {
                    if let Some(x) = self.check_record(inner, &format!("{prefix}{name}.")) {
                        return Some(x);
                    }
                }
                Value::List(l) => {
                    for i in 0..l.len() {
                        if let Value::Rec(inner) = l.get(i) {
                            let p = format!("{prefix}{name}[{i}].");
                            if let Some(x) = self.check_record(inner, &p) {
                                return Some(x);
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
                    .and_then(|id| types.records.get(id))
                    .map(|rec| {
                        rec.fields
                            .iter()
                            .filter_map(|&f| {
                                let def = types.fields.get(f)?;
                                let acc = self.accessors.get(f)?;
                                Some((def.name.clone(), self.datum(&acc.get(*r))))
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

/// What [`Engine::evaluate`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// One datum per expression, in order.
    pub data: Vec<Datum>,
    /// A value evaluated on the way had exceptions that gave different results.
    pub value_conflict: bool,
}

/// What an applicable rule or value exception contributes.
#[derive(Debug, Clone, Default)]
struct Materials {
    reasons: Vec<Reason>,
    obligations: Vec<Obligation>,
    deadlines: Vec<Deadline>,
    findings: Vec<Finding>,
    remedies: Vec<Remedy>,
}

#[derive(Debug, Clone)]
struct ValueOutcome<'a> {
    value: Value<'a>,
    /// The exception that decided the value, with what it contributes.
    chosen: Option<(BranchId, Materials)>,
    /// Findings of every applicable exception.
    findings: Vec<Finding>,
}

struct Cx<'a> {
    engine: &'a Engine,
    plan: &'a KindPlan,
    facts: &'a Facts,
    calendar: &'a Calendar,
    request: Rec<'a>,
    /// The values evaluated so far.
    memo: ArenaMap<ValueId, Rc<ValueOutcome<'a>>>,
    locals: Vec<Value<'a>>,
    base: usize,
    steps: u32,
    /// The rule or value being evaluated, for the budget's error.
    current: &'a str,
    trace: Vec<TraceStep>,
    /// Value conflicts: the value and the two exceptions.
    conflicts: Vec<(String, String, String, Vec<datalex_compiler::ir::Cite>)>,
    /// The request's date: the law in force on it decides.
    at: Date,
    /// The governing date of what is being evaluated: `at`, or an earlier day a deadline's
    /// `as of` names.
    gov: Date,
    /// Whether each regulation's scope holds for this request, once evaluated.
    scope_memo: ArenaMap<RegId, bool>,
    /// Working-day counts made for this decision: start, count, due date, outside the calendar.
    counted: Vec<(Date, i64, Date, bool)>,
}

type R<T> = Result<T, EvalError>;

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

impl<'a> Cx<'a> {
    fn new(
        engine: &'a Engine,
        plan: &'a KindPlan,
        facts: &'a Facts,
        calendar: &'a Calendar,
        request: &'a Request,
    ) -> Cx<'a> {
        let rec = request_rec(request);
        Cx {
            engine,
            plan,
            facts,
            calendar,
            request: rec,
            memo: ArenaMap::with_capacity(plan.values().len()),
            locals: Vec::new(),
            base: 0,
            steps: 0,
            current: "",
            trace: Vec::new(),
            conflicts: Vec::new(),
            at: request.at(),
            gov: request.at(),
            scope_memo: ArenaMap::with_capacity(engine.policy.regulations.len()),
            counted: Vec::new(),
        }
    }

    /// Whether regulation `reg`'s scope holds: its scope for this kind if it declares one;
    /// false for a kind it declares none for when it declares scopes at all (a regulation on
    /// sharing says nothing about opening); true for a regulation without scopes.
    fn scope_holds(&mut self, reg: RegId) -> R<bool> {
        if let Some(known) = self.scope_memo.get(reg) {
            return Ok(*known);
        }
        let plan = self.plan;
        let holds = match plan.scope(reg) {
            Some(ex) => {
                let saved = self.push_frame();
                let v = self.eval(ex);
                self.pop_frame(saved);
                truthy(&v?)
            }
            // INVARIANT: citations and `applies` name regulations of the program.
            None => !self.engine.policy.regulations[reg].scoped,
        };
        self.scope_memo.insert(reg, holds);
        Ok(holds)
    }

    /// Whether a cited provision is in force on the governing date and its regulation applies
    /// to this request.
    fn in_force(&mut self, c: &Cite) -> R<bool> {
        Ok(c.in_force_on(self.gov) && self.scope_holds(c.regulation)?)
    }

    /// Whether something citing `cites` is grounded: it cites nothing, or one of its citations
    /// is in force.
    fn grounded(&mut self, cites: &[Cite]) -> R<bool> {
        if cites.is_empty() {
            return Ok(true);
        }
        for c in cites {
            if self.in_force(c)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The citations in force, for the decision, and the rank of the first of them.
    fn cites_in_force(&mut self, cites: &[Cite]) -> R<(Vec<Arc<CiteOut>>, Option<u32>)> {
        let mut out = Vec::with_capacity(cites.len());
        let mut rank = None;
        for c in cites {
            if self.in_force(c)? {
                rank = rank.or(c.rank);
                out.push(Arc::clone(&c.out));
            }
        }
        if out.is_empty() {
            return Ok((decision::cites(cites), cites.first().and_then(|c| c.rank)));
        }
        Ok((out, rank))
    }

    /// The id of the institution `party` evaluates to: a record, or the first of a list.
    fn party_id(&mut self, party: Option<&'a Ex>) -> R<Option<String>> {
        let Some(ex) = party else { return Ok(None) };
        let v = match self.eval(ex)? {
            Value::List(l) if !l.is_empty() => l.get(0),
            other => other,
        };
        // An institution, or another party the facts name by id (a developer).
        let Value::Rec(r) = v else { return Ok(None) };
        let acc = match self.engine.institution_id {
            Some(acc) if r.record() == "Institution" => Some(acc),
            _ => Accessor::resolve(r.record(), "id"),
        };
        Ok(match acc.map(|a| a.get(r)) {
            Some(Value::Text(t)) => Some(t.to_string()),
            _ => None,
        })
    }

    fn decide(&mut self, policy: PolicyRef) -> R<Decision> {
        let plan = self.plan;
        // 1. Guards.
        let mut deciding: Vec<(RuleId, Materials)> = Vec::new();
        for (g, rule) in plan.guards() {
            let (matched, mats, detail) = self.try_rule(rule)?;
            self.trace.push(TraceStep {
                rule: rule.name.clone(),
                matched,
                detail,
            });
            if matched {
                deciding.push((g, mats));
                break;
            }
        }
        // 2. Rules and exceptions.
        if deciding.is_empty() {
            let mut applicable: Vec<(RuleId, Materials)> = Vec::new();
            for (i, rule) in plan.deciding() {
                let (matched, mats, detail) = self.try_rule(rule)?;
                self.trace.push(TraceStep {
                    rule: rule.name.clone(),
                    matched,
                    detail,
                });
                if matched {
                    applicable.push((i, mats));
                }
            }
            // An exception is an exception to the rules it names: it counts only where one of
            // them applies. Shallow rules are settled first, so chains of exceptions work.
            applicable.sort_by_key(|(i, _)| (plan.rule(*i).depth, *i));
            let mut settled: Vec<(RuleId, Materials)> = Vec::with_capacity(applicable.len());
            for (i, m) in applicable {
                let rule = plan.rule(i);
                if rule.overrides.is_empty()
                    || rule
                        .overrides
                        .iter()
                        .any(|t| settled.iter().any(|(j, _)| j == t))
                {
                    settled.push((i, m));
                } else if let Some(last) = self.trace.iter_mut().rev().find(|s| s.rule == rule.name)
                {
                    last.matched = false;
                    last.detail
                        .push_str(" — holds, but no rule it is an exception to applies");
                }
            }
            let mut applicable = settled;
            let overridden: Vec<RuleId> = applicable
                .iter()
                .flat_map(|(i, _)| plan.rule(*i).overrides.iter().copied())
                .collect();
            for (i, _) in &applicable {
                if overridden.contains(i) {
                    if let Some(by) = applicable
                        .iter()
                        .map(|(j, _)| plan.rule(*j))
                        .find(|r| r.overrides.contains(i))
                    {
                        self.trace.push(TraceStep {
                            rule: plan.rule(*i).name.clone(),
                            matched: true,
                            detail: format!("overridden by {}", by.name),
                        });
                    }
                }
            }
            applicable.retain(|(i, _)| !overridden.contains(i));
            applicable.sort_by_key(|(i, _)| (std::cmp::Reverse(plan.rule(*i).depth), *i));
            deciding = applicable;
        }
        let (effect, mut reasons, mut obligations, mut deadlines, mut findings, mut remedies) =
            if deciding.is_empty() {
                match plan.otherwise() {
                    Some((o, rule)) => {
                        let (_, mats, _) = self.try_rule(rule)?;
                        self.trace.push(TraceStep {
                            rule: rule.name.clone(),
                            matched: true,
                            detail: "no rule applied".into(),
                        });
                        deciding.push((o, mats));
                        self.assemble(&mut deciding)?
                    }
                    None => (
                        Effect::Deny,
                        Vec::new(),
                        Vec::new(),
                        Vec::new(),
                        Vec::new(),
                        Vec::new(),
                    ),
                }
            } else {
                self.assemble(&mut deciding)?
            };
        let mut effect = effect;
        // Conflicts between deciding rules, or inside a value they used, fail closed.
        let effects: Vec<Effect> = deciding
            .iter()
            .filter_map(|(i, _)| plan.rule(*i).effect.as_ref().map(|e| e.0))
            .collect();
        let rule_conflict = effects.windows(2).any(|w| matches!(w, [a, b] if a != b));
        if rule_conflict || !self.conflicts.is_empty() {
            effect = Effect::Deny;
            let mut texts = Vec::new();
            let mut all_cites = Vec::new();
            let mut rules: Vec<String> = Vec::new();
            if rule_conflict {
                for (i, _) in &deciding {
                    let r = plan.rule(*i);
                    rules.push(r.name.to_string());
                    all_cites.extend(r.cites.iter().cloned());
                }
                texts.push(format!(
                    "规则 {} 同时适用且结论不同，任何一条都不优先于另一条",
                    rules.join("、")
                ));
            }
            for (value, a, b, c) in &self.conflicts {
                texts.push(format!(
                    "派生值 {value} 的例外 {a} 与 {b} 同时适用且结果不同"
                ));
                rules.push(value.to_string());
                all_cites.extend(c.iter().cloned());
            }
            all_cites.dedup();
            reasons.insert(
                0,
                Reason {
                    code: "rule_conflict".into(),
                    rule: Arc::from(rules.join(", ")),
                    text: Arc::from(format!("{}；按照安全可控原则不予准许。", texts.join("；"))),
                    cites: decision::cites(&all_cites),
                },
            );
        }
        // 3. Checks.
        for (_, rule) in plan.checks() {
            let (matched, mats, detail) = self.try_rule(rule)?;
            self.trace.push(TraceStep {
                rule: rule.name.clone(),
                matched,
                detail,
            });
            if matched {
                findings.extend(mats.findings);
            }
        }
        // Reported values, and the findings of every value evaluated.
        let mut effective_tier = BTreeMap::new();
        for (key, id) in plan.reported() {
            let out = self.value(*id)?;
            match &out.value {
                Value::Enum(s) | Value::Text(s) => {
                    effective_tier.insert(key.clone(), (*s).to_string());
                }
                _ => {}
            }
        }
        for out in self.memo.values() {
            findings.extend(out.findings.iter().cloned());
        }
        if effect == Effect::Deny {
            obligations.clear();
        } else {
            remedies.clear();
        }
        // 上位法优先: of two obligations, deadlines or remedies with the same code resting on
        // sources of different rank, the higher-ranked prevails.
        prevail(
            &mut obligations,
            |a, b| a.code == b.code && a.party == b.party,
            |o| o.rank,
        );
        // A deadline: the earliest due date prevails — a lower source may set a stricter period,
        // never a longer one (上位法优先); of equal dates, the higher rank's.
        strictest(&mut deadlines);
        prevail(&mut remedies, |a, b| a.code == b.code, |r| r.rank);
        dedup_reasons(&mut reasons);
        dedup_by(&mut findings, |a, b| {
            a.code == b.code && a.subject == b.subject
        });
        dedup_by(&mut obligations, |a, b| {
            a.code == b.code && a.party == b.party
        });
        dedup_by(&mut deadlines, |a, b| {
            a.code == b.code && a.party == b.party
        });
        dedup_by(&mut remedies, |a, b| a.code == b.code);
        deadlines.sort_by(|a, b| a.code.cmp(&b.code));
        let sources = self.sources(&reasons, &obligations, &deadlines, &findings, &remedies);
        Ok(Decision {
            decision_id: String::new(),
            effect: effect.as_str(),
            effective_tier,
            reasons,
            obligations,
            deadlines,
            findings,
            remedies,
            sources,
            governing_date: self.at,
            trace: std::mem::take(&mut self.trace),
            policy,
        })
    }

    /// The regulations cited by what the decision contains, highest rank first.
    fn sources(
        &self,
        reasons: &[Reason],
        obligations: &[Obligation],
        deadlines: &[Deadline],
        findings: &[Finding],
        remedies: &[Remedy],
    ) -> Vec<Arc<Source>> {
        let mut ids: Vec<&str> = Vec::new();
        let all = reasons
            .iter()
            .flat_map(|r| &r.cites)
            .chain(obligations.iter().flat_map(|o| &o.cites))
            .chain(deadlines.iter().flat_map(|d| &d.cites))
            .chain(findings.iter().flat_map(|f| &f.cites))
            .chain(remedies.iter().flat_map(|r| &r.cites));
        for c in all {
            if !ids.contains(&c.regulation.as_str()) {
                ids.push(&c.regulation);
            }
        }
        // The sources are built once, when the engine is bound; a decision shares them.
        let mut out: Vec<(Option<u32>, Arc<Source>)> = ids
            .iter()
            .filter_map(|id| {
                let (i, r) = self
                    .engine
                    .policy
                    .regulations
                    .iter()
                    .find(|(_, r)| r.id == *id)?;
                Some((r.rank_level, Arc::clone(self.engine.source(i))))
            })
            .collect();
        out.sort_by(|(ra, a), (rb, b)| rb.cmp(ra).then_with(|| a.id.cmp(&b.id)));
        out.into_iter().map(|(_, s)| s).collect()
    }

    /// The effect and parts of the deciding rules, with the contributions of the value
    /// exceptions they relied on first (those are the most specific reasons).
    #[expect(clippy::type_complexity)]
    fn assemble(
        &mut self,
        deciding: &mut [(RuleId, Materials)],
    ) -> R<(
        Effect,
        Vec<Reason>,
        Vec<Obligation>,
        Vec<Deadline>,
        Vec<Finding>,
        Vec<Remedy>,
    )> {
        let plan = self.plan;
        let mut effect = Effect::Deny;
        let mut reasons = Vec::new();
        let mut obligations = Vec::new();
        let mut deadlines = Vec::new();
        let mut findings = Vec::new();
        let mut remedies = Vec::new();
        let mut used_values: Vec<ValueId> = Vec::new();
        for (i, _) in deciding.iter() {
            for v in &plan.rule(*i).uses_values {
                if !used_values.contains(v) {
                    used_values.push(*v);
                }
            }
        }
        for v in used_values {
            let out = self.value(v)?;
            if let Some((_, m)) = &out.chosen {
                reasons.extend(m.reasons.iter().cloned());
                obligations.extend(m.obligations.iter().cloned());
                deadlines.extend(m.deadlines.iter().cloned());
                remedies.extend(m.remedies.iter().cloned());
            }
        }
        // The deciding rules' materials are moved, not cloned: only their ids are read after.
        for (n, (i, mats)) in deciding.iter_mut().enumerate() {
            let rule = plan.rule(*i);
            if let Some((e, _, _)) = &rule.effect {
                if n == 0 {
                    effect = *e;
                }
            }
            reasons.append(&mut mats.reasons);
            obligations.append(&mut mats.obligations);
            deadlines.append(&mut mats.deadlines);
            findings.append(&mut mats.findings);
            remedies.append(&mut mats.remedies);
        }
        Ok((effect, reasons, obligations, deadlines, findings, remedies))
    }

    /// Evaluates a rule's condition and, if it holds, its outcome (in the same frame, so the
    /// condition's witnesses are in scope).
    /// Evaluates a rule's condition, one top-level part at a time (stopping at the first that
    /// fails, as `and` does), and, if it holds, its outcome in the same frame, so the
    /// condition's witnesses are in scope. Returns the trace detail: each part evaluated, whether
    /// it held, and the facts it looked at.
    fn try_rule(&mut self, rule: &'a RuleDef) -> R<(bool, Materials, String)> {
        self.current = &rule.name;
        // A rule applies only while what grounds it is in force; `otherwise` always decides.
        if rule.role != datalex_lang::ast::RuleRole::Otherwise && !self.grounded(&rule.cites)? {
            let detail = format!(
                "not in force on {}: {}",
                self.gov,
                rule.cites
                    .iter()
                    .map(|c| c.label.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            );
            return Ok((false, Materials::default(), detail));
        }
        let saved = self.push_frame();
        let result = (|| {
            // One buffer for the whole detail, sized for the condition as written and its facts.
            let mut detail = String::with_capacity(16 + 2 * rule.when_source.len());
            detail.push_str("when ");
            let matched = match (&rule.when, rule.conjuncts.is_empty()) {
                (None, _) => {
                    detail = "always".into();
                    true
                }
                (Some(w), true) => {
                    let held = truthy(&self.eval(w)?);
                    detail.push_str(&rule.when_source);
                    held
                }
                (Some(_), false) => {
                    let mut held = true;
                    for (n, c) in rule.conjuncts.iter().enumerate() {
                        if n > 0 {
                            detail.push_str(" and ");
                        }
                        if !held {
                            detail.push_str("… (not evaluated)");
                            break;
                        }
                        held = truthy(&self.eval(&c.ex)?);
                        detail.push_str(&c.source);
                        detail.push_str(if held { " ✔" } else { " ✘" });
                        for (k, (src, ex)) in c.subjects.iter().enumerate() {
                            detail.push_str(if k == 0 { " [" } else { ", " });
                            detail.push_str(src);
                            detail.push_str(" = ");
                            let v = self.eval(ex)?;
                            show_into(&mut detail, &v);
                        }
                        if !c.subjects.is_empty() {
                            detail.push(']');
                        }
                    }
                    held
                }
            };
            if !matched {
                return Ok((false, Materials::default(), detail));
            }
            let mut m = Materials::default();
            if let Some((_, code, text)) = &rule.effect {
                let (cites, _) = self.cites_in_force(&rule.cites)?;
                m.reasons.push(Reason {
                    code: code.clone(),
                    rule: rule.name.clone(),
                    text: text.clone(),
                    cites,
                });
            }
            self.parts(&rule.parts, &rule.name, &mut m)?;
            Ok((true, m, detail))
        })();
        self.pop_frame(saved);
        result
    }

    /// The parts of an outcome that are in force: each on the law of the governing date, or of
    /// the earlier day its `as of` names.
    fn parts(&mut self, parts: &'a [Part], rule: &Arc<str>, m: &mut Materials) -> R<()> {
        for p in parts {
            let outer = self.gov;
            if let Part::Deadline { as_of: Some(a), .. } = p {
                if let Value::Date(d) = self.eval(a)? {
                    self.gov = d.min(self.at);
                }
            }
            let result = self.part(p, rule, m);
            self.gov = outer;
            result?;
        }
        Ok(())
    }

    fn part(&mut self, p: &'a Part, rule: &Arc<str>, m: &mut Materials) -> R<()> {
        if !self.grounded(p.cites())? {
            return Ok(());
        }
        let (cites, rank) = self.cites_in_force(p.cites())?;
        match p {
            Part::Reason { code, text, .. } => m.reasons.push(Reason {
                code: code.clone(),
                rule: Arc::clone(rule),
                text: text.clone(),
                cites,
            }),
            Part::Remedy { code, text, .. } => m.remedies.push(Remedy {
                code: code.clone(),
                text: text.clone(),
                cites,
                rank,
            }),
            Part::Obligation {
                code,
                party,
                party_id,
                until,
                text,
                ..
            } => {
                let until = match until {
                    Some(u) => match self.eval(u)? {
                        Value::Date(d) => Some(d),
                        _ => None,
                    },
                    None => None,
                };
                let party_id = self.party_id(party_id.as_ref())?;
                m.obligations.push(Obligation {
                    code: code.clone(),
                    party: party.clone(),
                    party_id,
                    text: text.clone(),
                    until,
                    cites,
                    rank,
                });
            }
            Part::Deadline {
                code,
                party,
                party_id,
                within,
                from,
                met_by,
                text,
                ..
            } => {
                let (Value::Date(start), Value::Duration { count, working }) =
                    (self.eval(from)?, self.eval(within)?)
                else {
                    m.findings.push(Finding {
                        code: "deadline_not_computed".into(),
                        severity: "warning",
                        subject: code.to_string(),
                        text: Arc::from(format!("期限 {code} 的起算日或期间未知，无法计算")),
                        cites,
                    });
                    return Ok(());
                };
                // One duty under two sources counts the same days once (`add_days` remembers);
                // which of the two prevails is settled with the whole decision (`strictest`).
                let (due, outside) = self.add_days(start, count, working);
                if outside {
                    m.findings.push(Finding {
                        code: "calendar_not_loaded".into(),
                        severity: "warning",
                        subject: code.to_string(),
                        text: Arc::from(format!("期限 {code} 超出已加载的法定节假日安排年份，仅按周末计算工作日，到期日 {due} 需待国务院公布该年安排后复核")),
                        cites: cites.clone(),
                    });
                }
                let status = match met_by {
                    Some(mb) => match self.eval(mb)? {
                        Value::Date(done) if done <= due => "met",
                        Value::Date(_) => "missed",
                        _ => "open",
                    },
                    None => "open",
                };
                let party_id = self.party_id(party_id.as_ref())?;
                m.deadlines.push(Deadline {
                    code: code.clone(),
                    party: party.clone(),
                    party_id,
                    start,
                    working_days: working.then_some(count),
                    calendar_days: (!working).then_some(count),
                    due,
                    status,
                    text: text.clone(),
                    cites,
                    rank,
                });
            }
            Part::Finding {
                code,
                severity,
                subject,
                text,
                ..
            } => {
                let subject = match self.eval(subject)? {
                    Value::Text(s) | Value::Enum(s) => s.to_string(),
                    _ => String::new(),
                };
                m.findings.push(Finding {
                    code: code.clone(),
                    severity: severity.as_str(),
                    subject,
                    text: text.clone(),
                    cites,
                });
            }
        }
        Ok(())
    }

    /// `start` plus `count` working or calendar days (negative counts go back); whether the
    /// count left the loaded calendar years.
    fn add_days(&mut self, start: Date, count: i64, working: bool) -> (Date, bool) {
        let n = i32::try_from(count.clamp(-1_000_000, 1_000_000)).unwrap_or(0);
        if !working {
            return (start.add_days(n), false);
        }
        // A deadline and the check that judges it count the same days: count them once.
        if let Some(&(_, _, due, outside)) = self
            .counted
            .iter()
            .find(|(s, c, _, _)| *s == start && *c == count)
        {
            return (due, outside);
        }
        let (due, outside) = self.count_working_days(start, n);
        self.counted.push((start, count, due, outside));
        (due, outside)
    }

    /// `start` plus `n` working days (negative: back), and whether the count left the loaded
    /// calendar years.
    fn count_working_days(&self, start: Date, n: i32) -> (Date, bool) {
        if n >= 0 {
            let w = self.calendar.add_working_days(start, n.unsigned_abs());
            return (w.due, w.outside_loaded);
        }
        let mut d = start;
        let mut left = n.unsigned_abs().min(crate::calendar::MAX_WORKING_DAYS);
        let mut outside = false;
        while left > 0 && d > Date::MIN {
            d = d.add_days(-1);
            outside |= !self.calendar.is_loaded(d.year());
            if self.calendar.is_working_day(d) {
                left -= 1;
            }
        }
        (d, outside)
    }

    fn push_frame(&mut self) -> usize {
        let saved = self.base;
        self.base = self.locals.len();
        self.locals
            .resize(self.base + self.plan.max_locals, Value::Missing);
        saved
    }

    fn pop_frame(&mut self, saved: usize) {
        self.locals.truncate(self.base);
        self.base = saved;
    }

    fn value(&mut self, id: ValueId) -> R<Rc<ValueOutcome<'a>>> {
        if let Some(done) = self.memo.get(id) {
            return Ok(Rc::clone(done));
        }
        let def = self.plan.value(id);
        // Values are acyclic (the compiler rejects cycles), so recursion here is bounded.
        let outer = std::mem::replace(&mut self.current, &def.name);
        let saved = self.push_frame();
        let result = self.compute_value(def);
        self.pop_frame(saved);
        self.current = outer;
        let out = Rc::new(result?);
        if !def.plumbing {
            let detail = match &out.chosen {
                Some((b, _)) => format!(
                    "= {} (exception {})",
                    show(&out.value),
                    def.exceptions[*b].name
                ),
                None => format!("= {} (default)", show(&out.value)),
            };
            self.trace.push(TraceStep {
                rule: def.name.clone(),
                matched: true,
                detail,
            });
        }
        self.memo.insert(id, Rc::clone(&out));
        Ok(out)
    }

    fn compute_value(&mut self, def: &'a datalex_compiler::ir::ValueDef) -> R<ValueOutcome<'a>> {
        // A value is missing while nothing that grounds it is in force.
        if !self.grounded(&def.grounds)? {
            return Ok(ValueOutcome {
                value: Value::Missing,
                chosen: None,
                findings: Vec::new(),
            });
        }
        let mut applicable: Vec<(BranchId, Value<'a>, Materials)> = Vec::new();
        for (i, b) in def.exceptions.iter() {
            if self.grounded(&b.cites)? && truthy(&self.eval(&b.when)?) {
                let v = self.eval(&b.result)?;
                let mut m = Materials::default();
                self.parts(&b.parts, &b.name, &mut m)?;
                applicable.push((i, v, m));
            }
            self.trace.push(step(
                &b.name,
                applicable.last().is_some_and(|(j, _, _)| *j == i),
                &format!("when {}", b.when_source),
            ));
        }
        let findings: Vec<Finding> = applicable
            .iter()
            .flat_map(|(_, _, m)| m.findings.iter().cloned())
            .collect();
        let overridden: Vec<BranchId> = applicable
            .iter()
            .flat_map(|(i, _, _)| def.exceptions[*i].overrides.iter().copied())
            .collect();
        applicable.retain(|(i, _, _)| !overridden.contains(i));
        let mut it = applicable.into_iter();
        match it.next() {
            None => Ok(ValueOutcome {
                value: self.eval(&def.default)?,
                chosen: None,
                findings,
            }),
            Some((i, v, m)) => {
                for (j, w, _) in it {
                    if !same(&v, &w) {
                        let names = |k: BranchId| def.exceptions[k].name.to_string();
                        let mut c = def.exceptions[i].cites.clone();
                        c.extend(def.exceptions[j].cites.iter().cloned());
                        self.conflicts
                            .push((def.name.to_string(), names(i), names(j), c));
                        return Ok(ValueOutcome {
                            value: Value::Missing,
                            chosen: None,
                            findings,
                        });
                    }
                }
                Ok(ValueOutcome {
                    value: v,
                    chosen: Some((i, m)),
                    findings,
                })
            }
        }
    }

    fn tick(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > self.engine.budget {
            return Err(EvalError::BudgetExceeded {
                budget: self.engine.budget,
                rule: self.current.to_string(),
            });
        }
        Ok(())
    }

    fn eval(&mut self, e: &'a Ex) -> R<Value<'a>> {
        self.tick()?;
        Ok(match e {
            Ex::Const(c) => match c {
                Const::Bool(b) => Value::Bool(*b),
                Const::Int(i) => Value::Int(*i),
                Const::Text(s) => Value::Text(s),
                Const::Date(d) => Value::Date(*d),
                Const::Duration { count, working } => Value::Duration {
                    count: *count,
                    working: *working,
                },
                Const::Enum(_, m) => Value::Enum(m),
            },
            Ex::Request => Value::Rec(self.request),
            Ex::Fact(f) => Value::List(self.engine.fact(*f).list(self.facts)),
            Ex::Value(v) => self.value(*v)?.value.clone(),
            Ex::Local(slot) => self
                .locals
                .get(self.base + slot)
                .cloned()
                .unwrap_or(Value::Missing),
            Ex::Field(base, field) => match self.eval(base)? {
                Value::Rec(r) => match self.engine.accessors.get(*field) {
                    Some(acc) => acc.get(r),
                    None => Value::Missing,
                },
                _ => Value::Missing,
            },
            Ex::Lookup(f, key) => match self.eval(key)? {
                Value::Text(k) => self.engine.fact(*f).lookup(self.facts, k),
                _ => Value::Missing,
            },
            Ex::Not(x) => Value::Bool(!truthy(&self.eval(x)?)),
            Ex::Applies(reg, on) => {
                let day = match on {
                    Some(d) => match self.eval(d)? {
                        Value::Date(d) => Some(d),
                        _ => None,
                    },
                    None => Some(self.gov),
                };
                let in_period =
                    day.is_some_and(|day| self.engine.policy.regulations[*reg].in_force.contains(day));
                Value::Bool(in_period && self.scope_holds(*reg)?)
            }
            Ex::Grounded(cites, x) => {
                if self.grounded(cites)? {
                    self.eval(x)?
                } else {
                    Value::Missing
                }
            }
            Ex::And(a, b) => Value::Bool(truthy(&self.eval(a)?) && truthy(&self.eval(b)?)),
            Ex::Or(a, b) => Value::Bool(truthy(&self.eval(a)?) || truthy(&self.eval(b)?)),
            Ex::Cmp(op, rank, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                Value::Bool(self.compare(*op, *rank, &x, &y))
            }
            Ex::Add(a, b) | Ex::Sub(a, b) => {
                let sign = if matches!(e, Ex::Sub(..)) { -1 } else { 1 };
                match (self.eval(a)?, self.eval(b)?) {
                    (Value::Date(d), Value::Duration { count, working }) => {
                        Value::Date(self.add_days(d, sign * count, working).0)
                    }
                    (Value::Int(x), Value::Int(y)) => Value::Int(x.saturating_add(sign * y)),
                    _ => Value::Missing,
                }
            }
            Ex::IsMissing(x) => Value::Bool(matches!(self.eval(x)?, Value::Missing)),
            Ex::Exists(x) => Value::Bool(!matches!(self.eval(x)?, Value::Missing)),
            Ex::In {
                negated,
                elem,
                coll,
            } => {
                // `x in {a, b}`: compared one by one, without building the list.
                if let Ex::List(items) = &**coll {
                    let x = self.eval(elem)?;
                    if matches!(x, Value::Missing) {
                        return Ok(Value::Bool(false));
                    }
                    let mut found = false;
                    for i in items {
                        if same(&x, &self.eval(i)?) {
                            found = true;
                            break;
                        }
                    }
                    return Ok(Value::Bool(found != *negated));
                }
                let (x, c) = (self.eval(elem)?, self.eval(coll)?);
                match (&x, &c) {
                    (Value::Missing, _) | (_, Value::Missing) => Value::Bool(false),
                    (_, Value::List(list)) => {
                        let found = contains(list, &x);
                        Value::Bool(found != *negated)
                    }
                    _ => Value::Bool(false),
                }
            }
            Ex::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(i)?);
                }
                Value::List(List::Values(Rc::new(out)))
            }
            Ex::Quant {
                all,
                var,
                coll,
                body,
            } => {
                let Value::List(list) = self.eval(coll)? else {
                    return Ok(Value::Bool(*all));
                };
                let mut result = *all;
                for i in 0..list.len() {
                    self.tick()?;
                    self.set_local(*var, list.get(i));
                    let holds = truthy(&self.eval(body)?);
                    if *all && !holds {
                        result = false;
                        break;
                    }
                    if !*all && holds {
                        result = true;
                        break;
                    }
                }
                Value::Bool(result)
            }
            Ex::Each { var, coll, cond } => {
                let Value::List(list) = self.eval(coll)? else {
                    return Ok(Value::List(List::Values(Rc::new(Vec::new()))));
                };
                let mut out = Vec::new();
                for i in 0..list.len() {
                    self.tick()?;
                    let item = list.get(i);
                    self.set_local(*var, item.clone());
                    if truthy(&self.eval(cond)?) {
                        out.push(item);
                    }
                }
                Value::List(List::Values(Rc::new(out)))
            }
        })
    }

    fn set_local(&mut self, slot: usize, v: Value<'a>) {
        if let Some(s) = self.locals.get_mut(self.base + slot) {
            *s = v;
        }
    }

    fn compare(&self, op: CmpOp, rank: Option<usize>, x: &Value<'a>, y: &Value<'a>) -> bool {
        use std::cmp::Ordering;
        let ord: Option<Ordering> = match (x, y) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (
                Value::Duration {
                    count: a,
                    working: wa,
                },
                Value::Duration {
                    count: b,
                    working: wb,
                },
            ) if wa == wb => Some(a.cmp(b)),
            (Value::Text(a), Value::Text(b)) => {
                (matches!(op, CmpOp::Eq | CmpOp::Ne)).then(|| a.cmp(b))
            }
            (Value::Bool(a), Value::Bool(b)) => {
                (matches!(op, CmpOp::Eq | CmpOp::Ne)).then(|| a.cmp(b))
            }
            (Value::Enum(a), Value::Enum(b)) => {
                match rank.and_then(|r| self.engine.policy.types.enums.get(r)) {
                    Some(def) => def.compare(op, a, b),
                    None => (matches!(op, CmpOp::Eq | CmpOp::Ne)).then(|| a.cmp(b)),
                }
            }
            _ => None,
        };
        ord.is_some_and(|ord| op.holds(ord))
    }
}

fn truthy(v: &Value<'_>) -> bool {
    matches!(v, Value::Bool(true))
}

fn same(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Enum(x), Value::Enum(y)) | (Value::Text(x), Value::Text(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::Missing, Value::Missing) => true,
        _ => false,
    }
}

fn contains(list: &List<'_>, x: &Value<'_>) -> bool {
    if let (List::Texts(items), Value::Text(t)) = (list, x) {
        return items.iter().any(|s| s == t);
    }
    (0..list.len()).any(|i| same(&list.get(i), x))
}

fn show(v: &Value<'_>) -> String {
    let mut s = String::new();
    show_into(&mut s, v);
    s
}

/// Writes a value as a trace shows it: short lists in full, long ones by their first items.
fn show_into(out: &mut String, v: &Value<'_>) {
    use std::fmt::Write as _;
    match v {
        Value::Missing => out.push_str("missing"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Text(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        Value::Date(d) => {
            let _ = write!(out, "{d}");
        }
        Value::Duration { count, working } => {
            let _ = write!(
                out,
                "{count} {}days",
                if *working { "working " } else { "" }
            );
        }
        Value::Enum(s) => out.push_str(s),
        Value::Rec(r) => {
            let (what, id) = match r {
                Rec::Dataset(d) => ("dataset ", d.id.as_str()),
                Rec::Institution(i) => ("institution ", i.id.as_str()),
                Rec::Emergency(e) => ("emergency ", e.id.as_str()),
                Rec::Developer(d) => ("developer ", d.id.as_str()),
                _ => ("a record", ""),
            };
            out.push_str(what);
            out.push_str(id);
        }
        Value::List(l) => {
            out.push('[');
            for i in 0..l.len().min(6) {
                if i > 0 {
                    out.push_str(", ");
                }
                show_into(out, &l.get(i));
            }
            if l.len() > 6 {
                let _ = write!(out, ", … {} in all", l.len());
            }
            out.push(']');
        }
    }
}

fn step(rule: &Arc<str>, matched: bool, detail: &str) -> TraceStep {
    TraceStep {
        rule: Arc::clone(rule),
        matched,
        detail: detail.to_string(),
    }
}

/// Keeps, of the items `same` pairs up, those whose source ranks highest (items without a rank
/// compete with none).
fn prevail<T>(items: &mut Vec<T>, same: impl Fn(&T, &T) -> bool, rank: impl Fn(&T) -> Option<u32>) {
    // Only items of different ranks compete.
    let mut ranks = items.iter().map(&rank);
    let first = ranks.next().flatten();
    if ranks.all(|r| r == first) {
        return;
    }
    let keep: Vec<bool> = items
        .iter()
        .map(|x| {
            !items
                .iter()
                .any(|y| same(x, y) && matches!((rank(x), rank(y)), (Some(a), Some(b)) if b > a))
        })
        .collect();
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(true));
}

/// Keeps, of the deadlines with the same code and party, those due first, and of these the ones
/// resting on the highest-ranked source.
fn strictest(deadlines: &mut Vec<Deadline>) {
    if deadlines.len() < 2 {
        return;
    }
    let keep: Vec<bool> = deadlines
        .iter()
        .map(|d| {
            !deadlines.iter().any(|e| {
                e.code == d.code
                    && e.party == d.party
                    && (e.due < d.due
                        || (e.due == d.due
                            && matches!((d.rank, e.rank), (Some(a), Some(b)) if b > a)))
            })
        })
        .collect();
    let mut keep = keep.into_iter();
    deadlines.retain(|_| keep.next().unwrap_or(true));
}

fn dedup_reasons(reasons: &mut Vec<Reason>) {
    let mut out: Vec<Reason> = Vec::with_capacity(reasons.len());
    for r in reasons.drain(..) {
        match out.iter_mut().find(|x| x.code == r.code) {
            Some(prev) => {
                for c in r.cites {
                    if !prev.cites.contains(&c) {
                        prev.cites.push(c);
                    }
                }
            }
            None => out.push(r),
        }
    }
    *reasons = out;
}

/// Keeps the first of the items `same` pairs up, comparing in place (no key is built).
fn dedup_by<T>(items: &mut Vec<T>, same: impl Fn(&T, &T) -> bool) {
    let mut i = 0;
    while i < items.len() {
        let dup = items
            .get(i)
            .is_some_and(|x| items.iter().take(i).any(|y| same(y, x)));
        if dup {
            items.remove(i);
        } else {
            i += 1;
        }
    }
}
