//! Expressions: evaluating them against the request and the facts, derived values (memoized
//! per decision, with their exceptions), whether what grounds something is in force, and
//! working-day arithmetic.

use super::cx::{Cx, ValueOutcome, R};
use super::outcome::Materials;
use crate::decision::{self, CiteOut, Finding};
use crate::value::{List, Rec, Value};
use datalex_compiler::ir::{BranchId, Cite, CmpOp, Const, Ex, RegId, ValueDef, ValueId};
use datalex_compiler::types::EnumId;
use datalex_lang::date::Date;
use std::rc::Rc;
use std::sync::Arc;

impl<'a> Cx<'a> {
    /// Whether regulation `reg`'s scope holds: its scope for this kind if it declares one;
    /// false for a kind it declares none for when it declares scopes at all (a regulation on
    /// sharing says nothing about opening); true for a regulation without scopes.
    #[inline]
    pub(super) fn scope_holds(&mut self, reg: RegId) -> R<bool> {
        match self.scope_memo.get(reg) {
            Some(known) => Ok(*known),
            None => self.first_scope(reg),
        }
    }

    /// Whether regulation `reg`'s scope holds, not yet evaluated in this decision: evaluates
    /// and memoises it.
    #[inline(never)]
    fn first_scope(&mut self, reg: RegId) -> R<bool> {
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
    pub(super) fn in_force(&mut self, c: &Cite) -> R<bool> {
        Ok(c.in_force_on(self.gov) && self.scope_holds(c.regulation)?)
    }

    /// Whether something citing `cites` is grounded: it cites nothing, or one of its citations
    /// is in force.
    pub(super) fn grounded(&mut self, cites: &[Cite]) -> R<bool> {
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
    pub(super) fn cites_in_force(&mut self, cites: &[Cite]) -> R<(Vec<Arc<CiteOut>>, Option<u32>)> {
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

    /// `start` plus `count` working or calendar days (negative counts go back); whether the
    /// count left the loaded calendar years.
    pub(super) fn add_days(&mut self, start: Date, count: i64, working: bool) -> (Date, bool) {
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
        (d, outside || left > 0)
    }

    /// The derived value `id`, evaluated once per decision (with the trace step saying how);
    /// how it was decided stays in the memo ([`Cx::value_outcome`]).
    #[inline]
    pub(super) fn value(&mut self, id: ValueId) -> R<Value<'a>> {
        if let Some(done) = self.memo.get(id) {
            return Ok(done.value.clone());
        }
        self.first_value(id)
    }

    /// The derived value `id`, not yet evaluated in this decision: evaluates and memoises it.
    #[inline(never)]
    fn first_value(&mut self, id: ValueId) -> R<Value<'a>> {
        let def = self.plan.value(id);
        // Values are acyclic (the compiler rejects cycles), so recursion here is bounded.
        let outer = std::mem::replace(&mut self.current, &def.name);
        let saved = self.push_frame();
        let result = self.compute_value(id, def);
        self.pop_frame(saved);
        self.current = outer;
        let out = result?;
        self.trace
            .value(id, def, &out.value, out.chosen.as_ref().map(|(b, _)| *b));
        let value = out.value.clone();
        self.memo.insert(id, out);
        Ok(value)
    }

    /// How the derived value `id` was decided, once [`Cx::value`] has evaluated it.
    pub(super) fn value_outcome(&self, id: ValueId) -> Option<&ValueOutcome<'a>> {
        self.memo.get(id)
    }

    fn compute_value(&mut self, def_id: ValueId, def: &'a ValueDef) -> R<ValueOutcome<'a>> {
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
            let matched = applicable.last().is_some_and(|(j, _, _)| *j == i);
            self.trace.branch(def_id, i, matched);
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
                    chosen: Some((i, Box::new(m))),
                    findings,
                })
            }
        }
    }

    /// The value of `e` for this request, in the current frame.
    ///
    /// The leaves (constants, the request, locals, derived values already evaluated) are
    /// answered here, inlined into the caller; the rest in [`Cx::eval_node`], so that reading a
    /// leaf costs no call of the whole interpreter. Either way one step is counted per node.
    #[inline]
    pub(super) fn eval(&mut self, e: &'a Ex) -> R<Value<'a>> {
        self.tick()?;
        match self.leaf(e) {
            Some(v) => v,
            None => self.eval_node(e),
        }
    }

    /// The value of `e` if it is a leaf; `None` for any other node.
    #[inline(always)]
    fn leaf(&mut self, e: &'a Ex) -> Option<R<Value<'a>>> {
        Some(Ok(match e {
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
            Ex::Value(v) => return Some(self.value(*v)),
            Ex::Local(slot) => self
                .locals
                .get(self.base + slot)
                .cloned()
                .unwrap_or(Value::Missing),
            _ => return None,
        }))
    }

    /// The record `base` evaluates to, if it is one: what a field is read from. The base's
    /// step is counted as [`Cx::eval`] counts it; the request, a local and a derived value are
    /// read in place, without going through [`Cx::eval`] (most fields are read from one of
    /// them).
    #[inline(always)]
    fn record_of(&mut self, base: &'a Ex) -> R<Option<Rec<'a>>> {
        Ok(match base {
            Ex::Request => {
                self.tick()?;
                Some(self.request)
            }
            Ex::Local(slot) => {
                self.tick()?;
                match self.locals.get(self.base + slot) {
                    Some(Value::Rec(r)) => Some(*r),
                    _ => None,
                }
            }
            Ex::Value(v) => {
                self.tick()?;
                match self.value(*v)? {
                    Value::Rec(r) => Some(r),
                    _ => None,
                }
            }
            _ => match self.eval(base)? {
                Value::Rec(r) => Some(r),
                _ => None,
            },
        })
    }

    /// The value of `e`, its step counted by [`Cx::eval`].
    #[inline(never)]
    fn eval_node(&mut self, e: &'a Ex) -> R<Value<'a>> {
        Ok(match e {
            Ex::Const(_) | Ex::Request | Ex::Value(_) | Ex::Local(_) => {
                return self.leaf(e).unwrap_or(Ok(Value::Missing));
            }
            Ex::Fact(f) => Value::List(self.engine.fact(*f).list(self.facts)),
            Ex::Field(base, field) => match self.record_of(base)? {
                Some(r) => self.engine.accessor(*field).get(r),
                None => Value::Missing,
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
                let in_period = day
                    .is_some_and(|day| self.engine.policy.regulations[*reg].in_force.contains(day));
                Value::Bool(in_period && self.scope_holds(*reg)?)
            }
            Ex::Grounded(cites, x) => {
                if self.grounded(cites)? {
                    self.eval(x)?
                } else {
                    Value::Missing
                }
            }
            // Left to right, stopping at the first operand that decides: in a loop, however
            // long the chain.
            Ex::And(xs) => {
                let mut all = true;
                for x in xs {
                    if !truthy(&self.eval(x)?) {
                        all = false;
                        break;
                    }
                }
                Value::Bool(all)
            }
            Ex::Or(xs) => {
                let mut any = false;
                for x in xs {
                    if truthy(&self.eval(x)?) {
                        any = true;
                        break;
                    }
                }
                Value::Bool(any)
            }
            Ex::Cmp(op, rank, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                Value::Bool(self.compare(*op, *rank, &x, &y))
            }
            Ex::Arith(first, rest) => {
                let mut acc = self.eval(first)?;
                for (op, b) in rest {
                    let sign = op.sign();
                    acc = match (acc, self.eval(b)?) {
                        (Value::Date(d), Value::Duration { count, working }) => {
                            Value::Date(self.add_days(d, sign.saturating_mul(count), working).0)
                        }
                        (Value::Int(x), Value::Int(y)) => {
                            Value::Int(x.saturating_add(sign.saturating_mul(y)))
                        }
                        _ => Value::Missing,
                    };
                }
                acc
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
                Value::Bool(in_list(&x, &c, *negated))
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

    pub(super) fn compare(
        &self,
        op: CmpOp,
        rank: Option<EnumId>,
        x: &Value<'a>,
        y: &Value<'a>,
    ) -> bool {
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
                match rank.map(|r| &self.engine.policy.types.enums[r]) {
                    Some(def) => def.compare(op, a, b),
                    None => (matches!(op, CmpOp::Eq | CmpOp::Ne)).then(|| a.cmp(b)),
                }
            }
            _ => None,
        };
        ord.is_some_and(|ord| op.holds(ord))
    }
}

/// Whether a condition evaluated to true (missing is not).
pub(super) fn truthy(v: &Value<'_>) -> bool {
    matches!(v, Value::Bool(true))
}

pub(super) fn same(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Enum(x), Value::Enum(y)) | (Value::Text(x), Value::Text(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        // As `==` compares them: the same count of the same days.
        (
            Value::Duration {
                count: x,
                working: wx,
            },
            Value::Duration {
                count: y,
                working: wy,
            },
        ) => x == y && wx == wy,
        (Value::Missing, Value::Missing) => true,
        _ => false,
    }
}

/// `x in c` (`x not in c` if `negated`) for evaluated operands: false if either is missing or
/// `c` is not a list.
pub(super) fn in_list(x: &Value<'_>, c: &Value<'_>, negated: bool) -> bool {
    match (x, c) {
        (Value::Missing, _) | (_, Value::Missing) => false,
        (_, Value::List(list)) => contains(list, x) != negated,
        _ => false,
    }
}

/// Whether `e` is a literal (a constant, or a list of literals): the trace does not show it.
pub(super) fn is_literal(e: &Ex) -> bool {
    matches!(e, Ex::Const(_)) || matches!(e, Ex::List(xs) if xs.iter().all(is_literal))
}

fn contains(list: &List<'_>, x: &Value<'_>) -> bool {
    if let (List::Texts(items), Value::Text(t)) = (list, x) {
        return items.iter().any(|s| s == t);
    }
    (0..list.len()).any(|i| same(&list.get(i), x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_the_same_when_they_count_the_same_days() {
        let d = |count, working| Value::Duration { count, working };
        assert!(same(&d(10, true), &d(10, true)));
        assert!(same(&d(14, false), &d(14, false)));
        assert!(
            !same(&d(10, true), &d(10, false)),
            "working and calendar days"
        );
        assert!(!same(&d(10, true), &d(11, true)));
        assert!(in_list(
            &d(10, true),
            &Value::List(List::Values(Rc::new(vec![d(5, true), d(10, true)]))),
            false
        ));
    }
}
