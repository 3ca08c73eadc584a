//! The trace of a decision: each guard, rule, exception, check and derived value in the order
//! it was tried, whether it held, and what it looked at. The decision's combination
//! (`combine`) and the evaluation of conditions and values (`outcome`, `expr`) say what
//! happened; the words are here.

use crate::decision::TraceStep;
use crate::value::{Rec, Value};
use datalex_compiler::ir::{Branch, BranchId, Cite, RuleDef, ValueDef};
use datalex_lang::date::Date;
use std::sync::Arc;

/// The steps of one decision's trace, in order.
#[derive(Debug, Default)]
pub(super) struct Trace {
    steps: Vec<TraceStep>,
}

impl Trace {
    /// A guard, rule, exception, check or `otherwise` was tried.
    pub(super) fn tried(&mut self, rule: &RuleDef, matched: bool, detail: Detail) {
        self.steps.push(TraceStep {
            rule: rule.name.clone(),
            matched,
            detail: detail.0,
        });
    }

    /// An exception held, but no rule it is an exception to applies: it does not count.
    pub(super) fn without_target(&mut self, exception: &RuleDef) {
        if let Some(last) = self
            .steps
            .iter_mut()
            .rev()
            .find(|s| s.rule == exception.name)
        {
            last.matched = false;
            last.detail
                .push_str(" — holds, but no rule it is an exception to applies");
        }
    }

    /// A rule that applies is overridden by an exception that applies too.
    pub(super) fn overridden(&mut self, rule: &RuleDef, by: &RuleDef) {
        self.steps.push(TraceStep {
            rule: rule.name.clone(),
            matched: true,
            detail: format!("overridden by {}", by.name),
        });
    }

    /// No rule applied: the `otherwise` decides.
    pub(super) fn fell_through(&mut self, otherwise: &RuleDef) {
        self.steps.push(TraceStep {
            rule: otherwise.name.clone(),
            matched: true,
            detail: "no rule applied".into(),
        });
    }

    /// An exception of a derived value was tried.
    pub(super) fn branch(&mut self, branch: &Branch, matched: bool) {
        self.steps.push(TraceStep {
            rule: Arc::clone(&branch.name),
            matched,
            detail: format!("when {}", branch.when_source),
        });
    }

    /// A derived value was evaluated, by its default or by the exception `chosen`. Values of
    /// the prelude's fact plumbing are not shown.
    pub(super) fn value(&mut self, def: &ValueDef, value: &Value<'_>, chosen: Option<BranchId>) {
        if def.plumbing {
            return;
        }
        let detail = match chosen {
            Some(b) => format!("= {} (exception {})", show(value), def.exceptions[b].name),
            None => format!("= {} (default)", show(value)),
        };
        self.steps.push(TraceStep {
            rule: def.name.clone(),
            matched: true,
            detail,
        });
    }

    /// The steps, in order.
    pub(super) fn into_steps(self) -> Vec<TraceStep> {
        self.steps
    }
}

/// What a trace step says of a rule tried: each part of its condition evaluated, whether it
/// held, and the facts it looked at.
#[derive(Debug)]
pub(super) struct Detail(String);

impl Detail {
    /// The rule is grounded in nothing in force on the governing date `gov`.
    pub(super) fn not_in_force(gov: Date, cites: &[Cite]) -> Detail {
        Detail(format!(
            "not in force on {gov}: {}",
            cites
                .iter()
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ))
    }

    /// The rule has no condition.
    pub(super) fn always() -> Detail {
        Detail("always".into())
    }

    /// A condition, written as `source`, is about to be tried.
    pub(super) fn when(source: &str) -> Detail {
        // One buffer for the whole detail, sized for the condition as written and its facts.
        let mut s = String::with_capacity(16 + 2 * source.len());
        s.push_str("when ");
        Detail(s)
    }

    /// The whole condition was evaluated at once.
    pub(super) fn condition(&mut self, source: &str) {
        self.0.push_str(source);
    }

    /// The `n`th top-level part of the condition was evaluated.
    pub(super) fn conjunct(&mut self, n: usize, source: &str, held: bool) {
        if n > 0 {
            self.0.push_str(" and ");
        }
        self.0.push_str(source);
        self.0.push_str(if held { " ✔" } else { " ✘" });
    }

    /// The `n`th part and those after it were not evaluated: an earlier one failed.
    pub(super) fn not_evaluated(&mut self, n: usize) {
        if n > 0 {
            self.0.push_str(" and ");
        }
        self.0.push_str("… (not evaluated)");
    }

    /// The `k`th operand worth showing of the part just evaluated, as written, was `v`.
    pub(super) fn subject(&mut self, k: usize, source: &str, v: &Value<'_>) {
        self.0.push_str(if k == 0 { " [" } else { ", " });
        self.0.push_str(source);
        self.0.push_str(" = ");
        show_into(&mut self.0, v);
    }

    /// The operands of the part just evaluated are all shown.
    pub(super) fn end_subjects(&mut self) {
        self.0.push(']');
    }
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
