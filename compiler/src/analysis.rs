//! Conflict and gap analysis, and rules that can never decide.
//!
//! Each condition is abstracted into a formula over *enum variables* — an expression compared
//! with members of a finite enum (`effective_share == conditional`, `b.rank >= law`,
//! `request.change in {modify, delete}`) — and *atoms*, the truth values of every other condition
//! (`requester.id not in dataset.share_conditions.institutions`), an atom and its negation being
//! recognised as such (`x exists` / `x is missing`). Every assignment of the variables and atoms
//! is then decided the way the evaluator decides: guards first, then rules and exceptions (an
//! exception counts only where a rule it overrides applies). An assignment where two remaining
//! rules disagree is a **conflict**; one where none remains is a **gap** (the request falls to
//! the fail-closed `otherwise`). A rule whose condition no assignment satisfies, or that is
//! overridden wherever it applies, can never decide.
//!
//! The abstraction treats atoms as independent and assumes the facts are present, so a finding
//! is a place to look, reported as a warning with an example; it may describe a combination the
//! facts can never produce. Plans with more than [`MAX_ASSIGNMENTS`] assignments are not
//! enumerated, and a warning says so.

use crate::diagnostics::AnalysisWarning;
use crate::ir::{Const, Ex, KindPlan, PolicySet, RuleDef};
use crate::types::Types;
use datalex_lang::ast::RuleRole;
use datalex_lang::{Diagnostic, Span};
use std::collections::BTreeMap;

/// The most assignments enumerated for one plan.
pub const MAX_ASSIGNMENTS: u64 = 1 << 16;

/// An abstract condition.
#[derive(Debug, Clone)]
enum F {
    Const(bool),
    /// Atom `i` holds.
    Atom(usize),
    /// Enum variable `v` takes one of the members in the bit set.
    Is(usize, u64),
    Not(Box<F>),
    And(Box<F>, Box<F>),
    Or(Box<F>, Box<F>),
}

struct Var {
    name: String,
    members: Vec<String>,
}

#[derive(Default)]
struct Abstraction {
    vars: Vec<Var>,
    atoms: Vec<String>,
}

impl Abstraction {
    fn var(&mut self, name: String, members: Vec<String>) -> usize {
        if let Some(i) = self.vars.iter().position(|v| v.name == name) {
            return i;
        }
        self.vars.push(Var { name, members });
        self.vars.len() - 1
    }

    fn atom(&mut self, name: String) -> usize {
        if let Some(i) = self.atoms.iter().position(|a| *a == name) {
            return i;
        }
        self.atoms.push(name);
        self.atoms.len() - 1
    }

    fn formula(&mut self, e: &Ex, p: &Printer<'_>) -> F {
        match e {
            Ex::Const(Const::Bool(b)) => F::Const(*b),
            Ex::Not(x) => F::Not(Box::new(self.formula(x, p))),
            Ex::And(a, b) => F::And(Box::new(self.formula(a, p)), Box::new(self.formula(b, p))),
            Ex::Or(a, b) => F::Or(Box::new(self.formula(a, p)), Box::new(self.formula(b, p))),
            Ex::IsMissing(x) => F::Not(Box::new(F::Atom(
                self.atom(format!("{} exists", p.show(x))),
            ))),
            Ex::Exists(x) => F::Atom(self.atom(format!("{} exists", p.show(x)))),
            Ex::Cmp(op, _, a, b) => {
                let (subject, eid, member, op) = match (&**a, &**b) {
                    (x, Ex::Const(Const::Enum(eid, m))) => (x, *eid, m, *op),
                    (Ex::Const(Const::Enum(eid, m)), x) => (x, *eid, m, op.flip()),
                    _ => return F::Atom(self.atom(p.show(e))),
                };
                let Some(def) = p.types.enums.get(eid) else {
                    return F::Atom(self.atom(p.show(e)));
                };
                if def.position(member).is_none() {
                    return F::Const(false);
                }
                let members: Vec<String> = def.members.iter().map(|(m, _)| m.clone()).collect();
                let mut set = 0u64;
                for (i, m) in members.iter().enumerate().take(64) {
                    if def.compare(op, m, member).is_some_and(|o| op.holds(o)) {
                        set |= 1 << i;
                    }
                }
                F::Is(self.var(p.show(subject), members), set)
            }
            Ex::In {
                negated,
                elem,
                coll,
            } => {
                let Ex::List(items) = &**coll else {
                    return F::Atom(self.atom(p.show(e))).negate_if(*negated);
                };
                let consts: Option<Vec<(usize, &String)>> = items
                    .iter()
                    .map(|i| match i {
                        Ex::Const(Const::Enum(eid, m)) => Some((*eid, m)),
                        _ => None,
                    })
                    .collect();
                let Some(consts) = consts.filter(|c| !c.is_empty()) else {
                    return F::Atom(self.atom(p.show(e))).negate_if(*negated);
                };
                let eid = consts.first().map_or(0, |(e, _)| *e);
                let Some(def) = p.types.enums.get(eid) else {
                    return F::Atom(self.atom(p.show(e)));
                };
                let members: Vec<String> = def.members.iter().map(|(m, _)| m.clone()).collect();
                let mut set = 0u64;
                for (_, m) in consts {
                    if let Some(i) = def.position(m).filter(|i| *i < 64) {
                        set |= 1 << i;
                    }
                }
                // `x not in {…}` is the complement: it is in the other members.
                F::Is(self.var(p.show(elem), members), set).negate_if(*negated)
            }
            other => F::Atom(self.atom(p.show(other))),
        }
    }
}

impl F {
    fn negate_if(self, negated: bool) -> F {
        if negated {
            F::Not(Box::new(self))
        } else {
            self
        }
    }

    fn eval(&self, a: &Assignment) -> bool {
        match self {
            F::Const(b) => *b,
            F::Atom(i) => a.atoms & (1 << i) != 0,
            F::Is(v, set) => a.vars.get(*v).is_some_and(|m| set & (1 << m) != 0),
            F::Not(x) => !x.eval(a),
            F::And(x, y) => x.eval(a) && y.eval(a),
            F::Or(x, y) => x.eval(a) || y.eval(a),
        }
    }

    fn mentions(&self, vars: &mut Vec<usize>, atoms: &mut Vec<usize>) {
        match self {
            F::Const(_) => {}
            F::Atom(i) => {
                if !atoms.contains(i) {
                    atoms.push(*i);
                }
            }
            F::Is(v, _) => {
                if !vars.contains(v) {
                    vars.push(*v);
                }
            }
            F::Not(x) => x.mentions(vars, atoms),
            F::And(x, y) | F::Or(x, y) => {
                x.mentions(vars, atoms);
                y.mentions(vars, atoms);
            }
        }
    }
}

struct Assignment {
    vars: Vec<usize>,
    atoms: u64,
}

/// Prints compiled expressions in policy syntax; quantifier variables are numbered in order of
/// appearance, so the same condition in two rules prints the same.
struct Printer<'a> {
    policy: &'a PolicySet,
    plan: &'a KindPlan,
    types: &'a Types,
}

impl Printer<'_> {
    fn show(&self, e: &Ex) -> String {
        let mut names = BTreeMap::new();
        self.go(e, &mut names)
    }

    fn local(names: &mut BTreeMap<usize, String>, slot: usize) -> String {
        let n = names.len();
        names
            .entry(slot)
            .or_insert_with(|| format!("x{}", n + 1))
            .clone()
    }

    fn go(&self, e: &Ex, names: &mut BTreeMap<usize, String>) -> String {
        match e {
            Ex::Const(c) => match c {
                Const::Bool(b) => b.to_string(),
                Const::Int(i) => i.to_string(),
                Const::Text(t) => format!("\"{t}\""),
                Const::Date(d) => d.to_string(),
                Const::Duration { count, working } => {
                    format!("{count} {}days", if *working { "working " } else { "" })
                }
                Const::Enum(_, m) => m.clone(),
            },
            Ex::Request => "request".into(),
            Ex::Fact(f) => self
                .policy
                .facts
                .get(*f)
                .map_or_else(|| "?".into(), |f| f.name.clone()),
            Ex::Value(v) => self.plan.values.get(*v).map_or_else(
                || "?".into(),
                |v| v.name.rsplit('.').next().unwrap_or_default().to_string(),
            ),
            Ex::Local(slot) => Self::local(names, *slot),
            Ex::Field(b, f) => format!(
                "{}.{}",
                self.go(b, names),
                self.types.fields.get(*f).map_or("?", |f| f.name.as_str())
            ),
            Ex::Lookup(f, k) => format!(
                "{}[{}]",
                self.policy.facts.get(*f).map_or("?", |f| f.name.as_str()),
                self.go(k, names)
            ),
            Ex::Not(x) => format!("not ({})", self.go(x, names)),
            Ex::Grounded(_, x) => self.go(x, names),
            Ex::Applies(r, on) => format!(
                "applies {}{}",
                self.policy
                    .regulations
                    .get(*r)
                    .map_or("?", |r| r.id.as_str()),
                on.as_ref()
                    .map(|d| format!(" on {}", self.go(d, names)))
                    .unwrap_or_default()
            ),
            Ex::And(a, b) => format!("({} and {})", self.go(a, names), self.go(b, names)),
            Ex::Or(a, b) => format!("({} or {})", self.go(a, names), self.go(b, names)),
            Ex::Cmp(op, _, a, b) => {
                format!(
                    "{} {} {}",
                    self.go(a, names),
                    op.symbol(),
                    self.go(b, names)
                )
            }
            Ex::Add(a, b) => format!("{} + {}", self.go(a, names), self.go(b, names)),
            Ex::Sub(a, b) => format!("{} - {}", self.go(a, names), self.go(b, names)),
            Ex::IsMissing(x) => format!("{} is missing", self.go(x, names)),
            Ex::Exists(x) => format!("{} exists", self.go(x, names)),
            Ex::In {
                negated,
                elem,
                coll,
            } => format!(
                "{} {}in {}",
                self.go(elem, names),
                if *negated { "not " } else { "" },
                self.go(coll, names)
            ),
            Ex::List(xs) => format!(
                "{{{}}}",
                xs.iter()
                    .map(|x| self.go(x, names))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Ex::Quant {
                all,
                var,
                coll,
                body,
            } => {
                let c = self.go(coll, names);
                let v = Self::local(names, *var);
                format!(
                    "{} {v} in {c}: {}",
                    if *all { "all" } else { "any" },
                    self.go(body, names)
                )
            }
            Ex::Each { var, coll, cond } => {
                let c = self.go(coll, names);
                let v = Self::local(names, *var);
                format!("each {v} in {c} where {}", self.go(cond, names))
            }
        }
    }
}

/// Analyses every plan of every package and returns warnings. A rule of a base package is
/// analysed once, in the first package whose plan contains it.
pub fn analyze(policy: &PolicySet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for pkg in &policy.packages {
        for plan in &pkg.plans {
            analyze_plan(policy, plan, &mut out);
        }
    }
    out
}

fn analyze_plan(policy: &PolicySet, plan: &KindPlan, out: &mut Vec<Diagnostic>) {
    let printer = Printer {
        policy,
        plan,
        types: &policy.types,
    };
    let mut abs = Abstraction::default();
    let formula = |abs: &mut Abstraction, r: &RuleDef| {
        r.when
            .as_ref()
            .map_or(F::Const(true), |w| abs.formula(w, &printer))
    };
    let guards: Vec<(usize, F)> = plan
        .guards
        .iter()
        .filter_map(|&g| plan.rules.get(g).map(|r| (g, formula(&mut abs, r))))
        .collect();
    let deciding: Vec<(usize, F)> = plan
        .deciding
        .iter()
        .filter_map(|&d| plan.rules.get(d).map(|r| (d, formula(&mut abs, r))))
        .collect();
    if deciding.is_empty() {
        return;
    }
    let total = abs
        .vars
        .iter()
        .try_fold(1u64, |acc, v| {
            acc.checked_mul(v.members.len().max(1) as u64)
        })
        .and_then(|n| {
            n.checked_mul(1u64.checked_shl(u32::try_from(abs.atoms.len()).unwrap_or(64))?)
        });
    let first_head = plan
        .rules
        .get(deciding.first().map_or(0, |d| d.0))
        .map_or_else(Span::default, |r| r.head);
    let Some(total) = total.filter(|t| *t <= MAX_ASSIGNMENTS) else {
        out.push(
            AnalysisWarning::TooManyConditions {
                span: first_head,
                kind: plan.kind.clone(),
                enums: abs.vars.len(),
                others: abs.atoms.len(),
                max: MAX_ASSIGNMENTS,
            }
            .into(),
        );
        return;
    };
    // Order rules as the evaluator settles them: shallow first.
    let mut order: Vec<usize> = (0..deciding.len()).collect();
    order.sort_by_key(|&k| {
        deciding
            .get(k)
            .and_then(|(i, _)| plan.rules.get(*i))
            .map_or(0, |r| r.depth)
    });
    let mut satisfiable = vec![false; deciding.len()];
    let mut decides = vec![false; deciding.len()];
    let mut conflicts: BTreeMap<(usize, usize), Assignment> = BTreeMap::new();
    let mut gaps: Vec<Assignment> = Vec::new();
    let mut gap_count = 0u64;
    for n in 0..total {
        let a = assignment(n, &abs);
        if guards.iter().any(|(_, f)| f.eval(&a)) {
            continue;
        }
        let mut applicable: Vec<usize> = Vec::new();
        for &k in &order {
            let Some((i, f)) = deciding.get(k) else {
                continue;
            };
            if !f.eval(&a) {
                continue;
            }
            if let Some(s) = satisfiable.get_mut(k) {
                *s = true;
            }
            let rule = plan.rules.get(*i);
            let targets_apply = rule.is_none_or(|r| {
                r.overrides.is_empty()
                    || r.overrides.iter().any(|t| {
                        applicable
                            .iter()
                            .any(|&j| deciding.get(j).is_some_and(|(x, _)| x == t))
                    })
            });
            if targets_apply {
                applicable.push(k);
            }
        }
        let overridden: Vec<usize> = applicable
            .iter()
            .filter_map(|&k| deciding.get(k))
            .filter_map(|(i, _)| plan.rules.get(*i))
            .flat_map(|r| r.overrides.iter().copied())
            .collect();
        let remaining: Vec<usize> = applicable
            .iter()
            .copied()
            .filter(|&k| {
                deciding
                    .get(k)
                    .is_some_and(|(i, _)| !overridden.contains(i))
            })
            .collect();
        for &k in &remaining {
            if let Some(d) = decides.get_mut(k) {
                *d = true;
            }
        }
        if remaining.is_empty() {
            gap_count += 1;
            if gaps.is_empty() {
                gaps.push(a);
            }
            continue;
        }
        let effect = |k: usize| {
            deciding
                .get(k)
                .and_then(|(i, _)| plan.rules.get(*i))
                .and_then(|r| r.effect.as_ref().map(|e| e.0))
        };
        for (x, &k1) in remaining.iter().enumerate() {
            for &k2 in remaining.iter().skip(x + 1) {
                if effect(k1) != effect(k2) {
                    let key = (k1.min(k2), k1.max(k2));
                    conflicts.entry(key).or_insert_with(|| assignment(n, &abs));
                }
            }
        }
    }
    let rule = |k: usize| deciding.get(k).and_then(|(i, _)| plan.rules.get(*i));
    let mentioned = |ks: &[usize]| {
        let (mut vars, mut atoms) = (Vec::new(), Vec::new());
        for &k in ks {
            if let Some((_, f)) = deciding.get(k) {
                f.mentions(&mut vars, &mut atoms);
            }
        }
        (vars, atoms)
    };
    for ((k1, k2), a) in &conflicts {
        let (Some(r1), Some(r2)) = (rule(*k1), rule(*k2)) else {
            continue;
        };
        let (vars, atoms) = mentioned(&[*k1, *k2]);
        out.push(
            AnalysisWarning::Conflict {
                span: r2.head,
                other: r1.head,
                first: short(&r1.name).to_string(),
                second: short(&r2.name).to_string(),
                kind: plan.kind.clone(),
                example: describe(a, &abs, &vars, &atoms),
            }
            .into(),
        );
    }
    if let Some(a) = gaps.first() {
        let all: Vec<usize> = (0..deciding.len()).collect();
        let (vars, atoms) = mentioned(&all);
        out.push(
            AnalysisWarning::Gap {
                span: first_head,
                kind: plan.kind.clone(),
                gaps: gap_count,
                total,
                example: describe(a, &abs, &vars, &atoms),
            }
            .into(),
        );
    }
    for (k, (_, f)) in deciding.iter().enumerate() {
        let Some(r) = rule(k) else { continue };
        if !satisfiable.get(k).copied().unwrap_or(true) {
            let (mut vars, mut atoms) = (Vec::new(), Vec::new());
            f.mentions(&mut vars, &mut atoms);
            out.push(
                AnalysisWarning::NeverHolds {
                    span: r.head,
                    rule: short(&r.name).to_string(),
                }
                .into(),
            );
        } else if !decides.get(k).copied().unwrap_or(true) && r.role != RuleRole::Otherwise {
            out.push(
                AnalysisWarning::AlwaysOverridden {
                    span: r.head,
                    rule: short(&r.name).to_string(),
                }
                .into(),
            );
        }
    }
}

fn short(name: &str) -> &str {
    name.split_once('.').map_or(name, |(_, rest)| rest)
}

fn assignment(mut n: u64, abs: &Abstraction) -> Assignment {
    let mut vars = Vec::with_capacity(abs.vars.len());
    for v in &abs.vars {
        let size = v.members.len().max(1) as u64;
        vars.push((n % size) as usize);
        n /= size;
    }
    Assignment { vars, atoms: n }
}

fn describe(a: &Assignment, abs: &Abstraction, vars: &[usize], atoms: &[usize]) -> String {
    let mut parts = Vec::new();
    for &v in vars {
        if let (Some(var), Some(m)) = (abs.vars.get(v), a.vars.get(v)) {
            parts.push(format!(
                "`{}` is `{}`",
                var.name,
                var.members.get(*m).map_or("?", String::as_str)
            ));
        }
    }
    for &i in atoms {
        if let Some(name) = abs.atoms.get(i) {
            let holds = a.atoms & (1 << i) != 0;
            parts.push(format!("`{name}` is {holds}"));
        }
    }
    if parts.is_empty() {
        "any request".to_string()
    } else {
        parts.join(", ")
    }
}
