//! A decision plan as Cedar policies.
//!
//! Cedar allows a request when some `permit` holds and no `forbid` does. A Datalex plan decides
//! in steps (guards in order, then rules and the exceptions that override them, conflicts fail
//! closed, `otherwise` last), and that order is written into the conditions:
//!
//! - a guard that denies (or asks for review) is a `forbid` that holds where the guard does,
//!   `unless` a permitting guard before it holds (the first guard that holds decides);
//! - a permitting guard is a `permit` `unless` any guard before it holds;
//! - a rule is a `permit` (or, for deny and review, a `forbid`) that holds where the rule counts,
//!   with one `unless` clause per exception that overrides it. An exception counts only where
//!   its condition holds and a rule it is an exception to counts;
//! - two deciding rules with different effects deny in Datalex; in Cedar the `forbid` wins;
//! - an `otherwise` that denies needs no policy: Cedar denies when no `permit` holds. One that
//!   permits is a `permit` unless a guard or a rule decides.
//! - `review` is not Allow: the request may go ahead only after the human steps the decision
//!   names, so Cedar, which answers yes or no now, says Deny.
//!
//! Checks only add findings and are not exported.

use crate::translate::{quote, Translator};
use datalex_compiler::ir::{KindPlan, RuleDef, RuleId};
use datalex_lang::ast::Effect;

/// One Cedar policy.
#[derive(Debug, Clone)]
pub struct CedarPolicy {
    /// Its id in the policy set: `share:binzhou.conditional_share`.
    pub id: String,
    /// `permit` (else `forbid`).
    pub permit: bool,
    /// Annotations: key and value.
    pub annotations: Vec<(String, String)>,
    /// The action it is scoped to.
    pub action: String,
    /// The `when` condition.
    pub when: String,
    /// The `unless` conditions.
    pub unless: Vec<String>,
}

impl CedarPolicy {
    /// The policy as Cedar text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (k, v) in &self.annotations {
            s.push_str(&format!("@{k}({})\n", quote(v)));
        }
        s.push_str(&format!(
            "{} (\n  principal,\n  action == Datalex::Action::{},\n  resource\n)\nwhen {{ {} }}",
            if self.permit { "permit" } else { "forbid" },
            quote(&self.action),
            self.when
        ));
        for u in &self.unless {
            s.push_str(&format!("\nunless {{ {u} }}"));
        }
        s.push_str(";\n");
        s
    }
}

/// The policies of one plan, in order: guards, rules and exceptions, the `otherwise` if it
/// permits, and the value-conflict `forbid` if a value can have conflicting exceptions.
pub fn plan_policies(
    tr: &mut Translator<'_>,
    plan: &KindPlan,
    action: &str,
    value_conflict: bool,
) -> Vec<CedarPolicy> {
    let mut out = Vec::new();
    let guards: Vec<(&RuleDef, String)> = plan
        .guards()
        .map(|(_, r)| (r, paren(&tr.rule_condition(r))))
        .collect();
    let permits = |r: &RuleDef| matches!(r.effect, Some((Effect::Permit, _, _)));
    for (i, (g, cond)) in guards.iter().enumerate() {
        let earlier = guards.iter().take(i);
        let unless: Vec<String> = if permits(g) {
            earlier.map(|(_, c)| c.clone()).collect()
        } else {
            earlier
                .filter(|(r, _)| permits(r))
                .map(|(_, c)| c.clone())
                .collect()
        };
        out.push(policy(g, action, cond.clone(), unless));
    }
    let permitting_guards: Vec<String> = guards
        .iter()
        .filter(|(r, _)| permits(r))
        .map(|(_, c)| c.clone())
        .collect();
    // Conditions of the rules and exceptions, then where each counts.
    let own: Vec<(RuleId, String)> = plan
        .deciding()
        .map(|(i, r)| (i, paren(&tr.rule_condition(r))))
        .collect();
    let counts = |id: RuleId| where_counts(plan, &own, id, 0);
    let mut deciding_conditions = Vec::new();
    for (id, r) in plan.deciding() {
        let when = counts(id);
        let overriding: Vec<String> = plan
            .deciding()
            .filter(|(_, xr)| xr.overrides.contains(&id))
            .map(|(x, _)| counts(x))
            .collect();
        let mut unless = overriding.clone();
        if !permits(r) {
            unless.extend(permitting_guards.iter().cloned());
        }
        deciding_conditions.push(if overriding.is_empty() {
            when.clone()
        } else {
            format!("({when} && !({}))", overriding.join(" || "))
        });
        out.push(policy(r, action, when, unless));
    }
    if let Some((_, o)) = plan.otherwise() {
        if permits(o) {
            let mut unless: Vec<String> = guards.iter().map(|(_, c)| c.clone()).collect();
            unless.extend(deciding_conditions);
            out.push(policy(o, action, "true".into(), unless));
        }
    }
    if value_conflict {
        out.push(CedarPolicy {
            id: format!("{action}:value_conflict"),
            permit: false,
            annotations: vec![
                ("datalex_rule".into(), "value_conflict".into()),
                ("datalex_effect".into(), "deny".into()),
            ],
            action: action.into(),
            when: "context.value_conflict".into(),
            unless: Vec::new(),
        });
    }
    out
}

/// Where rule `id` counts: its condition holds and, for an exception, a rule it is an exception
/// to counts. Overrides are acyclic (the compiler rejects cycles); `depth` bounds the recursion
/// all the same.
fn where_counts(plan: &KindPlan, own: &[(RuleId, String)], id: RuleId, depth: usize) -> String {
    let cond = own
        .iter()
        .find(|(i, _)| *i == id)
        .map_or_else(|| "false".to_string(), |(_, c)| c.clone());
    let r = plan.rule(id);
    if r.overrides.is_empty() || depth > plan.rules().len() {
        return cond;
    }
    let bases: Vec<String> = r
        .overrides
        .iter()
        .map(|&t| where_counts(plan, own, t, depth + 1))
        .collect();
    format!("({cond} && ({}))", bases.join(" || "))
}

fn policy(r: &RuleDef, action: &str, when: String, unless: Vec<String>) -> CedarPolicy {
    let (effect, code) = r
        .effect
        .as_ref()
        .map_or(("deny", ""), |(e, code, _)| (e.as_str(), &**code));
    let mut annotations = vec![
        ("datalex_rule".to_string(), r.name.to_string()),
        ("datalex_role".to_string(), r.role.keyword().to_string()),
        ("datalex_effect".to_string(), effect.to_string()),
    ];
    if !code.is_empty() {
        annotations.push(("datalex_reason".to_string(), code.to_string()));
    }
    if !r.cites.is_empty() {
        let labels: Vec<&str> = r.cites.iter().map(|c| c.label.as_str()).collect();
        annotations.push(("cites".to_string(), labels.join("；")));
    }
    CedarPolicy {
        id: format!("{action}:{}", r.name),
        permit: effect == "permit",
        annotations,
        action: action.to_string(),
        when,
        unless,
    }
}

fn paren(c: &str) -> String {
    if c.contains("&&") || c.contains("||") {
        format!("({c})")
    } else {
        c.to_string()
    }
}
