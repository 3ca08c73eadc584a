//! The trace of a decision: each guard, rule, exception, check and derived value in the order
//! it was tried, whether it held, and what it looked at. The decision's combination
//! (`combine`) and the evaluation of conditions and values (`outcome`, `expr`) say what
//! happened; this records it, and `decision::trace` renders the words when the trace is read.

use crate::decision::digits::{push_date, push_int};
use crate::decision::{self, How, Step};
use crate::value::{Rec, Value};
use datalex_compiler::ir::{BranchId, KindPlan, Package, RuleDef, RuleId, ValueDef, ValueId};
use datalex_lang::date::Date;
use std::sync::Arc;

/// The steps of one decision's trace, in order, recorded compactly (see [`decision::Trace`]).
#[derive(Default)]
pub(super) struct Trace {
    record: decision::Trace,
}

impl Trace {
    /// An empty trace of a decision of `kind` with `plan` of `package`, whose texts escaped for
    /// JSON are `words`.
    pub(super) fn new(
        package: &Arc<Package>,
        kind: &'static str,
        plan: &KindPlan,
        words: Arc<decision::Words>,
    ) -> Trace {
        let steps = plan.rules().len() + 2 * plan.values().len();
        Trace {
            record: decision::Trace::new(Arc::clone(package), kind, Some(words), steps),
        }
    }

    /// A guard, rule, exception, check or `otherwise` was tried.
    pub(super) fn tried(&mut self, rule: RuleId, matched: bool, detail: Detail) {
        self.record.push(Step::Rule {
            rule,
            matched,
            how: detail.0,
            without_target: false,
        });
    }

    /// An exception held, but no rule it is an exception to applies: it does not count.
    pub(super) fn without_target(&mut self, plan: &KindPlan, exception: &RuleDef) {
        if let Some(Step::Rule { without_target, .. }) = self
            .record
            .steps_mut()
            .find(|s| *decision::Trace::name_of(plan, s) == exception.name)
        {
            *without_target = true;
        }
    }

    /// A rule that applies is overridden by an exception that applies too.
    pub(super) fn overridden(&mut self, rule: RuleId, by: RuleId) {
        self.record.push(Step::Overridden { rule, by });
    }

    /// No rule applied: the `otherwise` decides.
    pub(super) fn fell_through(&mut self, otherwise: RuleId) {
        self.record.push(Step::FellThrough { rule: otherwise });
    }

    /// An exception of a derived value was tried.
    pub(super) fn branch(&mut self, value: ValueId, branch: BranchId, matched: bool) {
        self.record.push(Step::Branch {
            value,
            branch,
            matched,
        });
    }

    /// A derived value was evaluated, by its default or by the exception `chosen`. Values of
    /// the prelude's fact plumbing are not shown.
    pub(super) fn value(
        &mut self,
        id: ValueId,
        def: &ValueDef,
        value: &Value<'_>,
        chosen: Option<BranchId>,
    ) {
        if def.plumbing {
            return;
        }
        show_into(self.record.operand_buffer(), value);
        let shown = self.record.end_operand();
        self.record.push(Step::Value {
            value: id,
            chosen,
            shown,
        });
    }

    /// Where the operands of a condition about to be tried will be listed.
    pub(super) fn next_subject(&self) -> u32 {
        self.record.next_subject()
    }

    /// An operand of the condition part just evaluated, shown.
    pub(super) fn subject(&mut self, v: &Value<'_>) {
        show_into(self.record.operand_buffer(), v);
        let operand = self.record.end_operand();
        self.record.subject(operand);
    }

    /// The record.
    pub(super) fn into_record(self) -> decision::Trace {
        self.record
    }
}

/// What a trace step says of a rule tried: how far its condition was evaluated (the operands
/// it looked at are recorded in the trace meanwhile).
#[derive(Debug, Clone, Copy)]
pub(super) struct Detail(How);

impl Detail {
    /// The rule is grounded in nothing in force on the governing date `gov`.
    pub(super) fn not_in_force(gov: Date) -> Detail {
        Detail(How::NotInForce(gov))
    }

    /// The rule has no condition.
    pub(super) fn always() -> Detail {
        Detail(How::Always)
    }

    /// The whole condition was evaluated at once.
    pub(super) fn condition() -> Detail {
        Detail(How::Condition)
    }

    /// The first `evaluated` top-level parts of the condition were evaluated, their operands
    /// listed from `first` on (see [`Trace::next_subject`]).
    pub(super) fn conjuncts(evaluated: usize, first: u32) -> Detail {
        Detail(How::Conjuncts {
            evaluated: u32::try_from(evaluated).unwrap_or(u32::MAX),
            first,
        })
    }
}

/// Writes a value as a trace shows it: short lists in full, long ones by their first items.
fn show_into(out: &mut String, v: &Value<'_>) {
    match v {
        Value::Missing => out.push_str("missing"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => push_int(out, *i),
        Value::Text(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        Value::Date(d) => push_date(out, *d),
        Value::Duration { count, working } => {
            push_int(out, *count);
            out.push_str(if *working { " working days" } else { " days" });
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
                out.push_str(", … ");
                push_int(out, i64::try_from(l.len()).unwrap_or(i64::MAX));
                out.push_str(" in all");
            }
            out.push(']');
        }
    }
}
