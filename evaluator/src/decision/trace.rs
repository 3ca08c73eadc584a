//! The trace of a decision, kept as a compact record of what was evaluated and rendered as words
//! only when someone reads it.
//!
//! Deciding records, for each guard, rule, exception, check and derived value it tries, the
//! plan's index of it, whether it held, how far its condition was evaluated, and the operands
//! the trace shows, written once into one buffer. The words of each step (the condition as
//! written, `✔`/`✘`, `[dataset.share = conditional]`, `overridden by …`) come from the compiled
//! plan when the trace is read: iterated, serialised or compared. Written into a decision's
//! JSON, the plan's texts come escaped from the [`Words`] made when the jurisdiction was bound.

use super::digits::push_date;
use super::words::{JsonText, Sink, Words};
use super::TraceStep;
use datalex_compiler::ir::{BranchId, KindPlan, Package, RuleId, ValueId};
use datalex_lang::date::Date;
use serde::{Serialize, Serializer};
use std::ops::Range;
use std::sync::Arc;

/// Every rule and value considered, in evaluation order: iterate it (`for step in &d.trace`) to
/// read the steps as [`TraceStep`]s; it serialises as their list.
#[derive(Clone, Default)]
pub struct Trace {
    /// The package whose plan the indices below are of, and the request kind.
    plan: Option<(Arc<Package>, &'static str)>,
    /// The plan's texts escaped for JSON ([`Words::of`] of that plan), if the engine made them.
    words: Option<Arc<Words>>,
    steps: Vec<Step>,
    /// The operands shown, each rendered once, one after the other.
    operands: String,
    /// Where each operand in `operands` ends.
    ends: Vec<u32>,
    /// The operands shown in conditions, by index, rule by rule (evaluating a condition may
    /// show a derived value's operand in between).
    subjects: Vec<u32>,
}

/// One step as recorded.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step {
    /// A guard, rule, exception, check or `otherwise` was tried.
    Rule {
        rule: RuleId,
        matched: bool,
        how: How,
        /// An exception that held although no rule it is an exception to applies.
        without_target: bool,
    },
    /// A rule that applies is overridden by an exception that applies too.
    Overridden { rule: RuleId, by: RuleId },
    /// No rule applied: the `otherwise` decides.
    FellThrough { rule: RuleId },
    /// An exception of a derived value was tried.
    Branch {
        value: ValueId,
        branch: BranchId,
        matched: bool,
    },
    /// A derived value was evaluated, by its default or by the exception `chosen`; its value is
    /// operand `shown`.
    Value {
        value: ValueId,
        chosen: Option<BranchId>,
        shown: u32,
    },
}

/// What the step of a rule tried says of its condition.
#[derive(Debug, Clone, Copy)]
pub(crate) enum How {
    /// Grounded in nothing in force on this governing date.
    NotInForce(Date),
    /// No condition.
    Always,
    /// The whole condition evaluated at once.
    Condition,
    /// The first `evaluated` top-level parts of the condition were evaluated (all but the last
    /// held), their operands listed from `first` on in the trace's subjects.
    Conjuncts { evaluated: u32, first: u32 },
}

impl Trace {
    /// An empty record for a decision of `kind` under `package`, with room for `steps` steps;
    /// `words` are the texts of that kind's plan, escaped for JSON.
    pub(crate) fn new(
        package: Arc<Package>,
        kind: &'static str,
        words: Option<Arc<Words>>,
        steps: usize,
    ) -> Trace {
        Trace {
            plan: Some((package, kind)),
            words,
            steps: Vec::with_capacity(steps),
            operands: String::with_capacity(512),
            ends: Vec::with_capacity(32),
            subjects: Vec::with_capacity(32),
        }
    }

    /// Records a step.
    pub(crate) fn push(&mut self, step: Step) {
        self.steps.push(step);
    }

    /// The recorded steps, last first, to amend one.
    pub(crate) fn steps_mut(&mut self) -> impl Iterator<Item = &mut Step> {
        self.steps.iter_mut().rev()
    }

    /// The buffer the next operand is written into; [`Trace::end_operand`] closes it.
    pub(crate) fn operand_buffer(&mut self) -> &mut String {
        &mut self.operands
    }

    /// Closes the operand just written; returns its index.
    pub(crate) fn end_operand(&mut self) -> u32 {
        let end = u32::try_from(self.operands.len()).unwrap_or(u32::MAX);
        self.ends.push(end);
        u32::try_from(self.ends.len() - 1).unwrap_or(u32::MAX)
    }

    /// Lists the operand just closed among the subjects of the condition being tried.
    pub(crate) fn subject(&mut self, operand: u32) {
        self.subjects.push(operand);
    }

    /// Where the subjects of the next condition tried will be listed.
    pub(crate) fn next_subject(&self) -> u32 {
        u32::try_from(self.subjects.len()).unwrap_or(u32::MAX)
    }

    /// How many steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The steps, rendered one by one.
    pub fn iter(&self) -> Steps<'_> {
        Steps {
            trace: self,
            plan: self.kind_plan(),
            next: 0,
        }
    }

    /// The plan the recorded indices are of.
    fn kind_plan(&self) -> Option<&KindPlan> {
        self.plan
            .as_ref()
            .and_then(|(package, kind)| package.plan(kind))
    }

    /// The name of step `step` (the rule's, the exception's or the value's).
    pub(crate) fn name_of<'p>(plan: &'p KindPlan, step: &Step) -> &'p Arc<str> {
        match *step {
            Step::Rule { rule, .. }
            | Step::Overridden { rule, .. }
            | Step::FellThrough { rule } => &plan.rule(rule).name,
            Step::Branch { value, branch, .. } => &plan.value(value).exceptions[branch].name,
            Step::Value { value, .. } => &plan.value(value).name,
        }
    }

    /// Operand `i` as rendered.
    fn operand(&self, i: u32) -> &str {
        let i = i as usize;
        let end = self.ends.get(i).map_or(0, |&e| e as usize);
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).map_or(0, |&e| e as usize),
            None => 0,
        };
        self.operands.get(start..end).unwrap_or("")
    }

    fn render(&self, plan: &KindPlan, step: &Step) -> TraceStep {
        let mut detail = String::new();
        let matched = self.detail_into(plan, None, step, &mut detail);
        TraceStep {
            rule: Arc::clone(Trace::name_of(plan, step)),
            matched,
            detail,
        }
    }

    /// Writes each step into `out` as the JSON of its [`TraceStep`], `,` between them, and calls
    /// `done` after each with where its object is, where its `,"detail":` member starts, and
    /// whether it held. The plan's texts are copied already escaped ([`Words`]); only the
    /// operands are escaped here.
    pub(crate) fn write_json(
        &self,
        out: &mut String,
        mut done: impl FnMut(Range<usize>, usize, bool),
    ) {
        let Some(plan) = self.kind_plan() else {
            return;
        };
        let words = self.words.as_deref();
        for (n, step) in self.steps.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            let start = out.len();
            out.push_str("{\"rule\":\"");
            let name = Trace::name_of(plan, step);
            JsonText(out).plan(name, words.and_then(|w| name_words(w, step)));
            let matched = held(step);
            out.push_str(if matched {
                "\",\"matched\":true"
            } else {
                "\",\"matched\":false"
            });
            let detail = out.len();
            out.push_str(",\"detail\":\"");
            self.detail_into(plan, words, step, &mut JsonText(out));
            out.push_str("\"}");
            done(start..out.len(), detail, matched);
        }
    }

    /// Writes the detail of `step` into `out`; returns whether the step held.
    fn detail_into(
        &self,
        plan: &KindPlan,
        words: Option<&Words>,
        step: &Step,
        out: &mut impl Sink,
    ) -> bool {
        match *step {
            Step::Rule {
                rule,
                matched,
                how,
                without_target,
            } => {
                self.condition(plan, words, rule, how, matched, out);
                if without_target {
                    out.word(" — holds, but no rule it is an exception to applies");
                }
            }
            Step::Overridden { by, .. } => {
                out.word("overridden by ");
                let escaped = words.and_then(|w| w.rule(by)).map(|r| &*r.name);
                out.plan(&plan.rule(by).name, escaped);
            }
            Step::FellThrough { .. } => out.word("no rule applied"),
            Step::Branch { value, branch, .. } => {
                out.word("when ");
                let escaped = words
                    .and_then(|w| w.value(value))
                    .and_then(|v| v.exceptions.get(branch))
                    .map(|(_, when)| &**when);
                out.plan(&plan.value(value).exceptions[branch].when_source, escaped);
            }
            Step::Value {
                value,
                chosen,
                shown,
            } => {
                let def = plan.value(value);
                out.word("= ");
                out.text(self.operand(shown));
                match chosen {
                    Some(b) => {
                        out.word(" (exception ");
                        let escaped = words
                            .and_then(|w| w.value(value))
                            .and_then(|v| v.exceptions.get(b))
                            .map(|(name, _)| &**name);
                        out.plan(&def.exceptions[b].name, escaped);
                        out.word(")");
                    }
                    None => out.word(" (default)"),
                }
            }
        }
        held(step)
    }

    /// Writes what the step of rule `id` says of its condition into `s`; `matched` is whether
    /// the condition held.
    fn condition(
        &self,
        plan: &KindPlan,
        words: Option<&Words>,
        id: RuleId,
        how: How,
        matched: bool,
        s: &mut impl Sink,
    ) {
        let rule = plan.rule(id);
        let escaped = words.and_then(|w| w.rule(id));
        match how {
            How::NotInForce(gov) => {
                let mut day = String::with_capacity(10);
                push_date(&mut day, gov);
                s.word("not in force on ");
                s.text(&day);
                s.word(": ");
                for (i, c) in rule.cites.iter().enumerate() {
                    if i > 0 {
                        s.word("、");
                    }
                    s.plan(&c.label, escaped.and_then(|r| r.cites.get(i)).map(|l| &**l));
                }
            }
            How::Always => s.word("always"),
            How::Condition => {
                s.word("when ");
                s.plan(&rule.when_source, escaped.map(|r| &*r.when));
            }
            How::Conjuncts { evaluated, first } => {
                s.word("when ");
                let mut subject = first as usize;
                let evaluated = evaluated as usize;
                for (n, c) in rule.conjuncts.iter().enumerate().take(evaluated) {
                    if n > 0 {
                        s.word(" and ");
                    }
                    let part = escaped.and_then(|r| r.conjuncts.get(n));
                    s.plan(&c.source, part.map(|(source, _)| &**source));
                    // Every part before the last evaluated held (evaluation stops at the first
                    // that fails).
                    let held = n + 1 < evaluated || matched;
                    s.word(if held { " ✔" } else { " ✘" });
                    for (k, (src, _)) in c.subjects.iter().enumerate() {
                        s.word(if k == 0 { " [" } else { ", " });
                        let shown = part.and_then(|(_, subjects)| subjects.get(k));
                        s.plan(src, shown.map(|x| &**x));
                        s.word(" = ");
                        let operand = self.subjects.get(subject).copied().unwrap_or(u32::MAX);
                        s.text(self.operand(operand));
                        subject += 1;
                    }
                    if !c.subjects.is_empty() {
                        s.word("]");
                    }
                }
                if evaluated < rule.conjuncts.len() && !matched {
                    s.word(if evaluated > 0 { " and " } else { "" });
                    s.word("… (not evaluated)");
                }
            }
        }
    }
}

/// Whether a step held, as its [`TraceStep`] says: an exception that held without a rule it is
/// an exception to did not count.
fn held(step: &Step) -> bool {
    match *step {
        Step::Rule {
            matched,
            without_target,
            ..
        } => matched && !without_target,
        Step::Branch { matched, .. } => matched,
        Step::Overridden { .. } | Step::FellThrough { .. } | Step::Value { .. } => true,
    }
}

/// The name of `step`'s rule, exception or value, escaped, from `words`.
fn name_words<'w>(words: &'w Words, step: &Step) -> Option<&'w str> {
    match *step {
        Step::Rule { rule, .. } | Step::Overridden { rule, .. } | Step::FellThrough { rule } => {
            words.rule(rule).map(|r| &*r.name)
        }
        Step::Branch { value, branch, .. } => words
            .value(value)
            .and_then(|v| v.exceptions.get(branch))
            .map(|(name, _)| &**name),
        Step::Value { value, .. } => words.value(value).map(|v| &*v.name),
    }
}

/// The steps of a [`Trace`], rendered one by one.
pub struct Steps<'t> {
    trace: &'t Trace,
    plan: Option<&'t KindPlan>,
    next: usize,
}

impl Iterator for Steps<'_> {
    type Item = TraceStep;

    fn next(&mut self) -> Option<TraceStep> {
        let plan = self.plan?;
        let step = self.trace.steps.get(self.next)?;
        self.next += 1;
        Some(self.trace.render(plan, step))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = match self.plan {
            Some(_) => self.trace.steps.len().saturating_sub(self.next),
            None => 0,
        };
        (left, Some(left))
    }
}

impl ExactSizeIterator for Steps<'_> {}

impl<'t> IntoIterator for &'t Trace {
    type Item = TraceStep;
    type IntoIter = Steps<'t>;

    fn into_iter(self) -> Steps<'t> {
        self.iter()
    }
}

impl Serialize for Trace {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl PartialEq for Trace {
    fn eq(&self, other: &Trace) -> bool {
        self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
