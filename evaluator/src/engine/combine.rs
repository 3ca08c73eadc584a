//! How a plan's guards, rules, exceptions and `otherwise` combine into a decision, and how the
//! parts of the rules that decide settle.
//!
//! 1. Guards, in order: the first whose condition holds decides.
//! 2. Otherwise every rule and exception is tried. An exception counts only where a rule it is
//!    an exception to counts; exceptions remove the rules they override. What remains decides if
//!    all of it has one effect, is a conflict (deny) if not, and the `otherwise` default (deny)
//!    decides if nothing remains.
//! 3. Checks add findings whatever the effect; reported values fill `effective_tier`.
//!
//! Then obligations stay only with a permit (or review) and remedies only with a denial; of two
//! with the same code on sources of different rank the higher prevails, and of deadlines the
//! strictest.

use super::cx::{Cx, R};
use super::outcome::Materials;
use super::trace::Trace;
use crate::decision::{self, Deadline, Decision, PolicyRef, Reason, Source};
use crate::value::Value;
use datalex_compiler::ir::{builtin, KindPlan, RuleDef, RuleId};
use datalex_compiler::types::Ty;
use datalex_lang::ast::Effect;
use std::collections::BTreeMap;
use std::sync::Arc;

impl<'a> Cx<'a> {
    /// Decides the request with the plan.
    pub(super) fn decide(&mut self, policy: PolicyRef) -> R<Decision> {
        let plan = self.plan;
        let mut deciding = match self.first_guard()? {
            Some(guard) => vec![guard],
            None => self.rules_that_decide()?,
        };
        let (mut effect, mut m) = if deciding.is_empty() {
            match plan.otherwise() {
                Some((o, rule)) => {
                    let (mats, _) = self.try_rule(rule)?;
                    self.trace.fell_through(o);
                    deciding.push((o, mats.map_or_else(Materials::default, |m| *m)));
                    self.assemble(&mut deciding)?
                }
                None => (Effect::Deny, Materials::default()),
            }
        } else {
            self.assemble(&mut deciding)?
        };
        // Conflicts between deciding rules, or inside a value they used, fail closed.
        if let Some(reason) = self.conflict(&deciding) {
            effect = Effect::Deny;
            m.reasons.insert(0, reason);
        }
        // 3. Checks.
        for (id, rule) in plan.checks() {
            if let Some(mats) = self.tried(id, rule)? {
                m.findings.extend(mats.findings);
            }
        }
        // Reported values, and the findings of every value evaluated.
        let effective_tier = self.reported()?;
        let effective_tier_labels = self.tier_labels(&effective_tier);
        for out in self.memo.values() {
            m.findings.extend(out.findings.iter().cloned());
        }
        settle(effect, &mut m);
        let sources = self.sources(&m);
        Ok(Decision {
            decision_id: String::new(),
            effect: effect.as_str(),
            effective_tier,
            effective_tier_labels,
            reasons: m.reasons,
            obligations: m.obligations,
            deadlines: m.deadlines,
            findings: m.findings,
            remedies: m.remedies,
            sources,
            governing_date: self.at,
            trace: std::mem::take(&mut self.trace).into_record(),
            policy,
        })
    }

    /// Tries a rule and records it in the trace; what it contributes if it applies.
    fn tried(&mut self, id: RuleId, rule: &'a RuleDef) -> R<Option<Box<Materials>>> {
        let (mats, detail) = self.try_rule(rule)?;
        self.trace.tried(id, mats.is_some(), detail);
        Ok(mats)
    }

    /// 1. The first guard that holds, with what it contributes.
    fn first_guard(&mut self) -> R<Option<(RuleId, Materials)>> {
        for (g, rule) in self.plan.guards() {
            if let Some(m) = self.tried(g, rule)? {
                return Ok(Some((g, *m)));
            }
        }
        Ok(None)
    }

    /// 2. Every rule and exception tried; those that decide, deepest first.
    fn rules_that_decide(&mut self) -> R<Vec<(RuleId, Materials)>> {
        let mut applicable: Vec<(RuleId, Materials)> = Vec::new();
        for (i, rule) in self.plan.deciding() {
            if let Some(m) = self.tried(i, rule)? {
                applicable.push((i, *m));
            }
        }
        Ok(prevailing(self.plan, applicable, &mut self.trace))
    }

    /// The effect of the deciding rules (the first one's) and their parts, with the
    /// contributions of the value exceptions they relied on first (those are the most specific
    /// reasons).
    fn assemble(&mut self, deciding: &mut [(RuleId, Materials)]) -> R<(Effect, Materials)> {
        let plan = self.plan;
        let mut effect = Effect::Deny;
        let mut m = Materials::default();
        // The values the deciding rules use, each once, in order of first use.
        for (n, (i, _)) in deciding.iter().enumerate() {
            let uses = &plan.rule(*i).uses_values;
            for (k, v) in uses.iter().enumerate() {
                let seen = uses.iter().take(k).any(|u| u == v)
                    || deciding
                        .iter()
                        .take(n)
                        .any(|(j, _)| plan.rule(*j).uses_values.contains(v));
                if seen {
                    continue;
                }
                self.value(*v)?;
                if let Some((_, chosen)) = self.value_outcome(*v).and_then(|o| o.chosen.as_ref()) {
                    m.reasons.extend(chosen.reasons.iter().cloned());
                    m.obligations.extend(chosen.obligations.iter().cloned());
                    m.deadlines.extend(chosen.deadlines.iter().cloned());
                    m.remedies.extend(chosen.remedies.iter().cloned());
                }
            }
        }
        // The deciding rules' materials are moved, not cloned: only their ids are read after.
        for (n, (i, mats)) in deciding.iter_mut().enumerate() {
            if let Some((e, _, _)) = &plan.rule(*i).effect {
                if n == 0 {
                    effect = *e;
                }
            }
            join(&mut m.reasons, &mut mats.reasons);
            join(&mut m.obligations, &mut mats.obligations);
            join(&mut m.deadlines, &mut mats.deadlines);
            join(&mut m.findings, &mut mats.findings);
            join(&mut m.remedies, &mut mats.remedies);
        }
        Ok((effect, m))
    }

    /// Why the decision fails closed, if it does: the deciding rules have different effects, or
    /// a value evaluated on the way had exceptions that gave different results.
    fn conflict(&self, deciding: &[(RuleId, Materials)]) -> Option<Reason> {
        let plan = self.plan;
        let mut effects = deciding
            .iter()
            .filter_map(|(i, _)| plan.rule(*i).effect.as_ref().map(|e| e.0));
        let first = effects.next();
        let rule_conflict = first.is_some_and(|f| effects.any(|e| e != f));
        if !rule_conflict && self.conflicts.is_empty() {
            return None;
        }
        let mut texts = Vec::new();
        let mut all_cites = Vec::new();
        let mut rules: Vec<String> = Vec::new();
        if rule_conflict {
            for (i, _) in deciding {
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
        Some(Reason {
            code: builtin::RULE_CONFLICT.into(),
            rule: Arc::from(rules.join(", ")),
            text: Arc::from(format!("{}；按照安全可控原则不予准许。", texts.join("；"))),
            cites: decision::cites(&all_cites),
        })
    }

    /// The labels of the reported values that are members of an enum with labels, by key.
    fn tier_labels(&self, tiers: &BTreeMap<String, String>) -> BTreeMap<String, Arc<str>> {
        let policy = &self.engine.policy;
        let mut out = BTreeMap::new();
        for (key, id) in self.plan.reported() {
            let (Some(member), Ty::Enum(e)) = (tiers.get(key), &self.plan.value(*id).ty) else {
                continue;
            };
            // INVARIANT: a type's enum id indexes the program's enums.
            let label = policy.types.enums[*e]
                .members
                .iter()
                .find(|(m, _)| m == member)
                .and_then(|(_, l)| l.as_deref());
            if let Some(l) = label {
                out.insert(key.clone(), Arc::from(l));
            }
        }
        out
    }

    /// The reported values (`effective_tier`) that are an enum member or a text, by key.
    fn reported(&mut self) -> R<BTreeMap<String, String>> {
        let mut effective_tier = BTreeMap::new();
        for (key, id) in self.plan.reported() {
            match self.value(*id)? {
                Value::Enum(s) | Value::Text(s) => {
                    effective_tier.insert(key.clone(), s.to_string());
                }
                _ => {}
            }
        }
        Ok(effective_tier)
    }

    /// The regulations cited by what the decision contains, highest rank first.
    fn sources(&self, m: &Materials) -> Vec<Arc<Source>> {
        // The sources are built once, when the engine is bound; a decision shares them.
        let mut out: Vec<(Option<u32>, Arc<Source>)> = Vec::new();
        let all = m
            .reasons
            .iter()
            .flat_map(|r| &r.cites)
            .chain(m.obligations.iter().flat_map(|o| &o.cites))
            .chain(m.deadlines.iter().flat_map(|d| &d.cites))
            .chain(m.findings.iter().flat_map(|f| &f.cites))
            .chain(m.remedies.iter().flat_map(|r| &r.cites));
        for c in all {
            if out.iter().any(|(_, s)| s.id == c.regulation) {
                continue;
            }
            if let Some((i, r)) = self
                .engine
                .policy
                .regulations
                .iter()
                .find(|(_, r)| r.id == c.regulation)
            {
                out.push((r.rank_level, Arc::clone(self.engine.source(i))));
            }
        }
        out.sort_by(|(ra, a), (rb, b)| rb.cmp(ra).then_with(|| a.id.cmp(&b.id)));
        out.into_iter().map(|(_, s)| s).collect()
    }
}

/// Moves `more` to the end of `into`: the vector itself while `into` is empty.
fn join<T>(into: &mut Vec<T>, more: &mut Vec<T>) {
    if into.is_empty() {
        std::mem::swap(into, more);
    } else {
        into.append(more);
    }
}

/// Of the rules and exceptions that apply, those that decide, deepest first. An exception counts
/// only where a rule it is an exception to counts (shallow rules are settled first, so chains of
/// exceptions work); exceptions remove the rules they override.
fn prevailing(
    plan: &KindPlan,
    mut applicable: Vec<(RuleId, Materials)>,
    trace: &mut Trace,
) -> Vec<(RuleId, Materials)> {
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
        } else {
            trace.without_target(plan, rule);
        }
    }
    let overridden: Vec<RuleId> = settled
        .iter()
        .flat_map(|(i, _)| plan.rule(*i).overrides.iter().copied())
        .collect();
    for (i, _) in &settled {
        if overridden.contains(i) {
            if let Some((by, _)) = settled
                .iter()
                .find(|(j, _)| plan.rule(*j).overrides.contains(i))
            {
                trace.overridden(*i, *by);
            }
        }
    }
    settled.retain(|(i, _)| !overridden.contains(i));
    settled.sort_by_key(|(i, _)| (std::cmp::Reverse(plan.rule(*i).depth), *i));
    settled
}

/// The parts of a decision with effect `effect` as they stand: obligations only with a permit
/// or review, remedies only with a denial, the higher source prevailing, each once.
fn settle(effect: Effect, m: &mut Materials) {
    if effect == Effect::Deny {
        m.obligations.clear();
    } else {
        m.remedies.clear();
    }
    // 上位法优先: of two obligations, deadlines or remedies with the same code resting on
    // sources of different rank, the higher-ranked prevails.
    prevail(
        &mut m.obligations,
        |a, b| a.code == b.code && a.party == b.party,
        |o| o.rank,
    );
    // A deadline: the earliest due date prevails — a lower source may set a stricter period,
    // never a longer one (上位法优先); of equal dates, the higher rank's.
    strictest(&mut m.deadlines);
    prevail(&mut m.remedies, |a, b| a.code == b.code, |r| r.rank);
    dedup_reasons(&mut m.reasons);
    dedup_by(&mut m.findings, |a, b| {
        a.code == b.code && a.subject == b.subject
    });
    dedup_by(&mut m.obligations, |a, b| {
        a.code == b.code && a.party == b.party
    });
    dedup_by(&mut m.deadlines, |a, b| {
        a.code == b.code && a.party == b.party
    });
    dedup_by(&mut m.remedies, |a, b| a.code == b.code);
    m.deadlines.sort_by(|a, b| a.code.cmp(&b.code));
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
    if reasons.len() < 2 {
        return;
    }
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
