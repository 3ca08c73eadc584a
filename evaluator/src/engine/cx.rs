//! The context of one decision: the plan, the facts and the request, the values evaluated so
//! far, the locals of the rule or value being evaluated, the step budget, and the trace.

use super::outcome::Materials;
use super::trace::Trace;
use super::{Engine, EvalError};
use crate::calendar::Calendar;
use crate::decision::{Finding, Words};
use crate::facts::Facts;
use crate::request::Request;
use crate::value::{Rec, Value};
use datalex_compiler::ir::{ArenaMap, BranchId, Cite, KindPlan, RegId, ValueId};
use datalex_lang::date::Date;
use std::sync::Arc;

/// What evaluating returns: the error boxed, so that the `Result` of every step is no larger than
/// the value it carries (it is returned through every level of an expression).
pub(super) type R<T> = Result<T, Box<EvalError>>;

/// A derived value as evaluated for one decision.
#[derive(Debug, Clone)]
pub(super) struct ValueOutcome<'a> {
    pub(super) value: Value<'a>,
    /// The exception that decided the value, with what it contributes (boxed: a value is moved
    /// into the memo, and most have none).
    pub(super) chosen: Option<(BranchId, Box<Materials>)>,
    /// Findings of every applicable exception.
    pub(super) findings: Vec<Finding>,
}

/// Two exceptions of a value that both applied with different results: the value's name, the
/// two exceptions' names, and their citations.
pub(super) type ValueConflict = (String, String, String, Vec<Cite>);

pub(super) struct Cx<'a> {
    pub(super) engine: &'a Engine,
    pub(super) plan: &'a KindPlan,
    pub(super) facts: &'a Facts,
    pub(super) calendar: &'a Calendar,
    pub(super) request: Rec<'a>,
    /// The values evaluated so far.
    pub(super) memo: ArenaMap<ValueId, ValueOutcome<'a>>,
    pub(super) locals: Vec<Value<'a>>,
    pub(super) base: usize,
    pub(super) steps: u32,
    /// The engine's step budget, here so that counting a step reads no other memory.
    budget: u32,
    /// The rule or value being evaluated, for the budget's error.
    pub(super) current: &'a str,
    pub(super) trace: Trace,
    /// Values whose exceptions conflicted.
    pub(super) conflicts: Vec<ValueConflict>,
    /// The request's date: the law in force on it decides.
    pub(super) at: Date,
    /// The governing date of what is being evaluated: `at`, or an earlier day a deadline's
    /// `as of` names.
    pub(super) gov: Date,
    /// Whether each regulation's scope holds for this request, once evaluated.
    pub(super) scope_memo: ArenaMap<RegId, bool>,
    /// Working-day counts made for this decision: start, count, due date, outside the calendar.
    pub(super) counted: Vec<(Date, i64, Date, bool)>,
}

impl<'a> Cx<'a> {
    pub(super) fn new(
        engine: &'a Engine,
        plan: &'a KindPlan,
        words: &Arc<Words>,
        facts: &'a Facts,
        calendar: &'a Calendar,
        request: &'a Request,
    ) -> Cx<'a> {
        let rec = Rec::of_request(request);
        Cx {
            engine,
            plan,
            facts,
            calendar,
            request: rec,
            memo: ArenaMap::with_capacity(plan.values().len()),
            // Room for a rule's frame and one value's within it, the common nesting: the
            // locals are set without reallocating (and a plan without locals allocates none).
            locals: Vec::with_capacity(plan.max_locals.saturating_mul(2)),
            base: 0,
            steps: 0,
            budget: engine.budget,
            current: "",
            trace: Trace::new(&engine.package, request.kind(), plan, Arc::clone(words)),
            conflicts: Vec::new(),
            at: request.at(),
            gov: request.at(),
            scope_memo: ArenaMap::with_capacity(engine.policy.regulations.len()),
            counted: Vec::new(),
        }
    }

    /// Opens a frame of locals for a rule or value; returns what [`Cx::pop_frame`] restores.
    /// The frame grows as its locals are set ([`Cx::set_local`]): a local not set in this frame
    /// reads as missing, and a rule that binds none costs nothing.
    #[inline]
    pub(super) fn push_frame(&mut self) -> usize {
        let saved = self.base;
        self.base = self.locals.len();
        saved
    }

    /// Sets local `slot` of the current frame.
    #[inline]
    pub(super) fn set_local(&mut self, slot: usize, v: Value<'a>) {
        let i = self.base + slot;
        if i >= self.locals.len() {
            self.locals.resize(i + 1, Value::Missing);
        }
        if let Some(s) = self.locals.get_mut(i) {
            *s = v;
        }
    }

    /// Closes the frame [`Cx::push_frame`] opened.
    #[inline]
    pub(super) fn pop_frame(&mut self, saved: usize) {
        self.locals.truncate(self.base);
        self.base = saved;
    }

    /// Counts one evaluation step against the budget.
    #[inline]
    pub(super) fn tick(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > self.budget {
            return Err(self.over_budget());
        }
        Ok(())
    }

    /// The error of a decision over its step budget.
    #[cold]
    #[inline(never)]
    fn over_budget(&self) -> Box<EvalError> {
        Box::new(EvalError::BudgetExceeded {
            budget: self.budget,
            rule: self.current.to_string(),
        })
    }
}
