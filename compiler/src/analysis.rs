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

use crate::diagnostics::{AnalysisWarning, Condition, Example};
use crate::ir::{Const, Ex, KindPlan, Program, RuleDef, RuleId};
use crate::types::{EnumId, Types};
use datalex_lang::ast::RuleRole;
use datalex_lang::Diagnostic;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// The most assignments enumerated for one plan.
pub const MAX_ASSIGNMENTS: u64 = 1 << 18;

/// An abstract condition.
#[derive(Debug, Clone)]
enum F {
    Const(bool),
    /// Atom `i` holds.
    Atom(usize),
    /// Enum variable `v` takes one of the members in the bit set.
    Is(usize, u64),
    Not(Box<F>),
    And(Vec<F>),
    Or(Vec<F>),
}

struct Var {
    name: String,
    members: Vec<String>,
}

#[derive(Default)]
struct Abstraction {
    vars: Vec<Var>,
    atoms: Vec<String>,
    /// Positions in `vars` and `atoms` by name: a condition of 100,000 terms is abstracted in
    /// linear time.
    var_index: FxHashMap<String, usize>,
    atom_index: FxHashMap<String, usize>,
}

impl Abstraction {
    fn var(&mut self, name: String, members: Vec<String>) -> usize {
        if let Some(&i) = self.var_index.get(&name) {
            return i;
        }
        self.var_index.insert(name.clone(), self.vars.len());
        self.vars.push(Var { name, members });
        self.vars.len() - 1
    }

    fn atom(&mut self, name: String) -> usize {
        if let Some(&i) = self.atom_index.get(&name) {
            return i;
        }
        self.atom_index.insert(name.clone(), self.atoms.len());
        self.atoms.push(name);
        self.atoms.len() - 1
    }

    fn formula(&mut self, e: &Ex, p: &Printer<'_>) -> F {
        match e {
            Ex::Const(Const::Bool(b)) => F::Const(*b),
            Ex::Not(x) => F::Not(Box::new(self.formula(x, p))),
            Ex::And(xs) => F::And(xs.iter().map(|x| self.formula(x, p)).collect()),
            Ex::Or(xs) => F::Or(xs.iter().map(|x| self.formula(x, p)).collect()),
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
                // INVARIANT: the program's enum ids are its types'.
                let def = &p.types.enums[eid];
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
                let consts: Option<Vec<(EnumId, &String)>> = items
                    .iter()
                    .map(|i| match i {
                        Ex::Const(Const::Enum(eid, m)) => Some((*eid, m)),
                        _ => None,
                    })
                    .collect();
                let Some((eid, consts)) = consts.and_then(|c| Some((c.first()?.0, c))) else {
                    return F::Atom(self.atom(p.show(e))).negate_if(*negated);
                };
                let def = &p.types.enums[eid];
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
            F::And(xs) => xs.iter().all(|x| x.eval(a)),
            F::Or(xs) => xs.iter().any(|x| x.eval(a)),
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
            F::And(xs) | F::Or(xs) => xs.iter().for_each(|x| x.mentions(vars, atoms)),
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
    policy: &'a Program,
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
            // INVARIANT: the plan's fact, value and regulation ids are the program's and its own.
            Ex::Fact(f) => self.policy.facts[*f].name.clone(),
            Ex::Value(v) => self
                .plan
                .value(*v)
                .name
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_string(),
            Ex::Local(slot) => Self::local(names, *slot),
            Ex::Field(b, f) => format!("{}.{}", self.go(b, names), self.types.fields[*f].name),
            Ex::Lookup(f, k) => format!("{}[{}]", self.policy.facts[*f].name, self.go(k, names)),
            Ex::Not(x) => format!("not ({})", self.go(x, names)),
            Ex::Grounded(_, x) => self.go(x, names),
            Ex::Applies(r, on) => format!(
                "applies {}{}",
                self.policy.regulations[*r].id,
                on.as_ref()
                    .map(|d| format!(" on {}", self.go(d, names)))
                    .unwrap_or_default()
            ),
            // Parenthesised as the pairs of a left-nested chain: `((a and b) and c)`.
            Ex::And(xs) | Ex::Or(xs) => {
                let op = if matches!(e, Ex::And(_)) { "and" } else { "or" };
                let parts: Vec<String> = xs.iter().map(|x| self.go(x, names)).collect();
                crate::ir::left_nested(op, &parts)
            }
            Ex::Cmp(op, _, a, b) => {
                format!(
                    "{} {} {}",
                    self.go(a, names),
                    op.symbol(),
                    self.go(b, names)
                )
            }
            Ex::Arith(a, rest) => {
                let mut s = self.go(a, names);
                for (op, x) in rest {
                    s.push(' ');
                    s.push_str(op.symbol());
                    s.push(' ');
                    s.push_str(&self.go(x, names));
                }
                s
            }
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
///
/// The plans are analysed on two threads, each taking the next plan not yet taken (the largest,
/// by number of rules, first: a plan's cost is not known before, and the largest last would
/// leave one thread alone with it); the warnings are given in the plans' order, the same as one
/// thread gives.
pub fn analyze(policy: &Program) -> Vec<Diagnostic> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let plans: Vec<&KindPlan> = policy.packages.iter().flat_map(|p| &p.plans).collect();
    let mut largest_first: Vec<usize> = (0..plans.len()).collect();
    largest_first.sort_by_key(|&i| std::cmp::Reverse(plans.get(i).map_or(0, |p| p.rules().len())));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<Diagnostic>)> = Vec::new();
        while let Some(&i) = largest_first.get(next.fetch_add(1, Ordering::Relaxed)) {
            let mut out = Vec::new();
            if let Some(plan) = plans.get(i) {
                analyze_plan(policy, plan, &mut out);
            }
            done.push((i, out));
        }
        done
    };
    let mut done = if plans.len() < 2 {
        work()
    } else {
        std::thread::scope(|s| {
            let other = s.spawn(work);
            let mut done = work();
            // A thread that panicked (analysis does not) lost its plans: they are done again
            // below.
            done.extend(other.join().unwrap_or_default());
            done
        })
    };
    for i in 0..plans.len() {
        if !done.iter().any(|(j, _)| *j == i) {
            let mut out = Vec::new();
            if let Some(plan) = plans.get(i) {
                analyze_plan(policy, plan, &mut out);
            }
            done.push((i, out));
        }
    }
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().flat_map(|(_, out)| out).collect()
}

fn analyze_plan(policy: &Program, plan: &KindPlan, out: &mut Vec<Diagnostic>) {
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
    let guards: Vec<F> = plan.guards().map(|(_, r)| formula(&mut abs, r)).collect();
    // The rules and exceptions with their formulas; `k` below is a position in this list.
    let deciding: Vec<Deciding<'_>> = plan
        .deciding()
        .map(|(id, rule)| Deciding {
            id,
            rule,
            f: formula(&mut abs, rule),
        })
        .collect();
    let Some(first) = deciding.first() else {
        return;
    };
    let total = abs
        .vars
        .iter()
        .try_fold(1u64, |acc, v| {
            acc.checked_mul(v.members.len().max(1) as u64)
        })
        .and_then(|n| {
            n.checked_mul(1u64.checked_shl(u32::try_from(abs.atoms.len()).unwrap_or(64))?)
        });
    let first_head = first.rule.head;
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
    // Order rules as the evaluator settles them: shallow first (the sort is stable).
    let mut order: Vec<(usize, &Deciding<'_>)> = deciding.iter().enumerate().collect();
    order.sort_by_key(|(_, d)| d.rule.depth);
    let mut satisfiable = vec![false; deciding.len()];
    let mut decides = vec![false; deciding.len()];
    // Pairs of rules that conflict (by position, the earlier first), with an example.
    let mut conflicts: BTreeMap<(usize, usize), (&Deciding<'_>, &Deciding<'_>, Assignment)> =
        BTreeMap::new();
    let mut gaps: Vec<Assignment> = Vec::new();
    let mut gap_count = 0u64;
    // One assignment and one set of lists, refilled for each `n`: no allocation per assignment.
    let mut a = Assignment {
        vars: Vec::with_capacity(abs.vars.len()),
        atoms: 0,
    };
    let mut applicable: Vec<(usize, &Deciding<'_>)> = Vec::new();
    let mut overridden: Vec<RuleId> = Vec::new();
    let mut remaining: Vec<(usize, &Deciding<'_>)> = Vec::new();
    for n in 0..total {
        a.set(n, &abs);
        if guards.iter().any(|f| f.eval(&a)) {
            continue;
        }
        applicable.clear();
        for &(k, d) in &order {
            if !d.f.eval(&a) {
                continue;
            }
            if let Some(s) = satisfiable.get_mut(k) {
                *s = true;
            }
            let targets_apply = d.rule.overrides.is_empty()
                || d.rule
                    .overrides
                    .iter()
                    .any(|t| applicable.iter().any(|(_, x)| x.id == *t));
            if targets_apply {
                applicable.push((k, d));
            }
        }
        overridden.clear();
        overridden.extend(
            applicable
                .iter()
                .flat_map(|(_, d)| d.rule.overrides.iter().copied()),
        );
        remaining.clear();
        remaining.extend(
            applicable
                .iter()
                .copied()
                .filter(|(_, d)| !overridden.contains(&d.id)),
        );
        for &(k, _) in &remaining {
            if let Some(d) = decides.get_mut(k) {
                *d = true;
            }
        }
        if remaining.is_empty() {
            gap_count += 1;
            if gaps.is_empty() {
                gaps.push(assignment(n, &abs));
            }
            continue;
        }
        let effect = |d: &Deciding<'_>| d.rule.effect.as_ref().map(|e| e.0);
        for (x, &(k1, d1)) in remaining.iter().enumerate() {
            for &(k2, d2) in remaining.iter().skip(x + 1) {
                if effect(d1) != effect(d2) {
                    let (lo, hi) = if k1 < k2 { (d1, d2) } else { (d2, d1) };
                    let key = (k1.min(k2), k1.max(k2));
                    conflicts
                        .entry(key)
                        .or_insert_with(|| (lo, hi, assignment(n, &abs)));
                }
            }
        }
    }
    let mentioned = |ds: &[&Deciding<'_>]| {
        let (mut vars, mut atoms) = (Vec::new(), Vec::new());
        for d in ds {
            d.f.mentions(&mut vars, &mut atoms);
        }
        (vars, atoms)
    };
    for (d1, d2, a) in conflicts.values() {
        let (r1, r2) = (d1.rule, d2.rule);
        let (vars, atoms) = mentioned(&[d1, d2]);
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
        let all: Vec<&Deciding<'_>> = deciding.iter().collect();
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
    for ((d, satisfiable), decides) in deciding.iter().zip(&satisfiable).zip(&decides) {
        let r = d.rule;
        if !satisfiable {
            let (mut vars, mut atoms) = (Vec::new(), Vec::new());
            d.f.mentions(&mut vars, &mut atoms);
            out.push(
                AnalysisWarning::NeverHolds {
                    span: r.head,
                    rule: short(&r.name).to_string(),
                }
                .into(),
            );
        } else if !decides && r.role != RuleRole::Otherwise {
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

/// A rule or exception of the plan being analysed, with its condition as a formula.
struct Deciding<'p> {
    id: RuleId,
    rule: &'p RuleDef,
    f: F,
}

fn short(name: &str) -> &str {
    name.split_once('.').map_or(name, |(_, rest)| rest)
}

fn assignment(n: u64, abs: &Abstraction) -> Assignment {
    let mut a = Assignment {
        vars: Vec::with_capacity(abs.vars.len()),
        atoms: 0,
    };
    a.set(n, abs);
    a
}

impl Assignment {
    /// Makes this the `n`th assignment of `abs`'s variables and atoms.
    fn set(&mut self, mut n: u64, abs: &Abstraction) {
        self.vars.clear();
        for v in &abs.vars {
            let size = v.members.len().max(1) as u64;
            self.vars.push((n % size) as usize);
            n /= size;
        }
        self.atoms = n;
    }
}

fn describe(a: &Assignment, abs: &Abstraction, vars: &[usize], atoms: &[usize]) -> Example {
    let mut parts = Vec::new();
    for &v in vars {
        if let (Some(var), Some(m)) = (abs.vars.get(v), a.vars.get(v)) {
            parts.push(Condition::Is {
                name: var.name.clone(),
                member: var.members.get(*m).map_or("?", String::as_str).to_string(),
            });
        }
    }
    for &i in atoms {
        if let Some(name) = abs.atoms.get(i) {
            parts.push(Condition::Holds {
                name: name.clone(),
                holds: a.atoms & (1 << i) != 0,
            });
        }
    }
    parts
}
