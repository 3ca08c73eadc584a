//! Expressions: name resolution and type checking, from syntax to [`Ex`].
//!
//! Lowering happens per package and request kind (a [`Plan`](mod@crate::compile) builder implements
//! [`Resolver`]), because `dataset` in a share rule and `dataset` in an open rule may be different
//! values. Every error is reported and lowering goes on with [`Ty::Error`], so one mistake gives
//! one diagnostic.

use crate::diagnostics::{CitationError, NameError, RegulationRef, TypeError};
use crate::ir::{Arena, ArithOp, CmpOp, Const, Ex, FactDef, ValueDef, ValueId};
use crate::symbols::{Key, Shape, Symbols};
use crate::types::{RecordId, Ty, Types};
use datalex_lang::ast::{BinOp, Expr, ExprKind};
use datalex_lang::{Diagnostic, Span};

/// What a name outside the expression's own locals can refer to.
pub enum Resolved {
    /// A derived value.
    Value(ValueId, Ty),
    /// A param, already lowered.
    Param(Ex, Ty),
}

/// The context an expression is lowered in.
pub trait Resolver {
    /// The types.
    fn types(&self) -> &Types;
    /// The fact collections.
    fn facts(&self) -> &Arena<FactDef>;
    /// The request record of the kind, if lowering for a kind.
    fn request(&self) -> Option<RecordId>;
    /// Resolves a value or param name (may lower the value on demand).
    fn resolve(&mut self, name: &str, span: Span) -> Option<Resolved>;
    /// Reports a diagnostic.
    fn report(&mut self, d: Diagnostic);
    /// Notes that an expression used the value or param `name`.
    fn note_use(&mut self, _name: &str) {}
    /// The regulation with this id, for `applies REG`.
    fn regulation(&self, _id: &str) -> Option<crate::ir::RegId> {
        None
    }
    /// Where the names resolved are recorded, if they are.
    fn symbols(&mut self) -> Option<&mut Symbols> {
        None
    }
    /// The derived value `id`, once lowered.
    fn value_def(&self, _id: ValueId) -> Option<&ValueDef> {
        None
    }
}

/// Records that the name at `span` refers to `key`, if `r` records names.
fn used(r: &mut dyn Resolver, span: Span, key: Key) {
    if let Some(s) = r.symbols() {
        s.record_use(span, key);
    }
}

/// Locals in scope while lowering one rule or value. Every binding gets its own slot, so a
/// quantifier's witness can still be read after its scope has closed.
#[derive(Default)]
pub struct Locals {
    stack: Vec<(String, usize, Ty)>,
    slots: Vec<Ty>,
    /// Where each slot's variable is bound.
    binds: Vec<Span>,
}

impl Locals {
    /// Number of local slots used so far.
    pub fn count(&self) -> usize {
        self.slots.len()
    }

    fn push(&mut self, name: &str, ty: Ty, at: Span) -> usize {
        let slot = self.slots.len();
        self.slots.push(ty.clone());
        self.binds.push(at);
        self.stack.push((name.to_string(), slot, ty));
        slot
    }

    /// The scope of an outcome: the witnesses of its condition, and fresh slots after the
    /// condition's own.
    pub fn outcome_scope(&self, witnesses: &[(String, usize)]) -> Locals {
        Locals {
            stack: witnesses
                .iter()
                .map(|(n, s)| {
                    (
                        n.clone(),
                        *s,
                        self.slots.get(*s).cloned().unwrap_or(Ty::Error),
                    )
                })
                .collect(),
            slots: self.slots.clone(),
            binds: self.binds.clone(),
        }
    }

    fn pop(&mut self) {
        self.stack.pop();
    }

    /// Where the variable of `slot` is bound.
    fn bound_at(&self, slot: usize) -> Option<Span> {
        self.binds.get(slot).copied()
    }

    fn get(&self, name: &str) -> Option<(usize, Ty)> {
        self.stack
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, s, t)| (*s, t.clone()))
    }
}

/// Lowers `e`, expecting `expected` if given (which resolves bare enum members).
pub fn lower(
    r: &mut dyn Resolver,
    locals: &mut Locals,
    e: &Expr,
    expected: Option<&Ty>,
) -> (Ex, Ty) {
    let (ex, ty) = lower_inner(r, locals, e, expected);
    if let Some(want) = expected {
        if !compatible(&ty, want) {
            let types = r.types();
            let d = TypeError::Mismatch {
                span: e.span,
                expected: types.show(want),
                found: types.show(&ty),
            };
            r.report(d.into());
            return (ex, Ty::Error);
        }
    }
    (ex, ty)
}

/// Lowers a condition, which must be a truth value.
pub fn lower_bool(r: &mut dyn Resolver, locals: &mut Locals, e: &Expr) -> Ex {
    lower(r, locals, e, Some(&Ty::Bool)).0
}

/// Lowers a rule's condition. Returns, besides the condition, the variables of the `any`
/// quantifiers that are top-level conjuncts: when the condition holds, each is bound to the
/// element that satisfied it, and the outcome may use it (`until e.end`).
pub fn lower_condition(
    r: &mut dyn Resolver,
    locals: &mut Locals,
    e: &Expr,
) -> (Ex, Vec<(String, usize)>) {
    match &e.kind {
        ExprKind::Chain(first, rest) if rest.iter().all(|(op, _)| *op == BinOp::And) => {
            let mut xs = Vec::with_capacity(rest.len() + 1);
            let mut witnesses = Vec::new();
            for operand in std::iter::once(&**first).chain(rest.iter().map(|(_, x)| x)) {
                let (x, w) = lower_condition(r, locals, operand);
                xs.push(x);
                witnesses.extend(w);
            }
            (Ex::And(xs), witnesses)
        }
        ExprKind::Quant {
            all: false, var, ..
        } => {
            let ex = lower_bool(r, locals, e);
            let witness = match &ex {
                Ex::Quant { var: slot, .. } => vec![(var.name.clone(), *slot)],
                _ => Vec::new(),
            };
            (ex, witness)
        }
        _ => (lower_bool(r, locals, e), Vec::new()),
    }
}

/// Whether a value of type `a` can stand where `b` is expected.
pub fn compatible(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Error, _) | (_, Ty::Error) => true,
        (Ty::List(x), Ty::List(y)) => compatible(x, y),
        _ => a == b,
    }
}

fn err(r: &mut dyn Resolver, d: impl Into<Diagnostic>) -> (Ex, Ty) {
    r.report(d.into());
    (Ex::Const(Const::Bool(false)), Ty::Error)
}

fn lower_inner(
    r: &mut dyn Resolver,
    locals: &mut Locals,
    e: &Expr,
    expected: Option<&Ty>,
) -> (Ex, Ty) {
    match &e.kind {
        ExprKind::Name(name) => lower_name(r, locals, name, e.span, expected),
        ExprKind::Field(base, field) => {
            // `ShareTier.conditional`: a member named through its enum.
            if let ExprKind::Name(tname) = &base.kind {
                if locals.get(tname).is_none() {
                    if let Some(eid) = r.types().enum_named(tname) {
                        let known = r.types().enums[eid].position(&field.name).is_some();
                        used(r, base.span, Key::Type(tname.clone()));
                        if known {
                            let key = Key::Member {
                                ty: tname.clone(),
                                name: field.name.clone(),
                            };
                            used(r, field.span, key);
                        }
                        return if known {
                            (
                                Ex::Const(Const::Enum(eid, field.name.clone())),
                                Ty::Enum(eid),
                            )
                        } else {
                            err(
                                r,
                                NameError::NoMember {
                                    span: field.span,
                                    enum_name: tname.clone(),
                                    member: field.name.clone(),
                                },
                            )
                        };
                    }
                }
            }
            let (bex, bty) = lower(r, locals, base, None);
            match bty {
                Ty::Record(rid) => match r.types().field(rid, &field.name) {
                    Some(fid) => {
                        let fty = r.types().fields[fid].ty.clone();
                        let key = Key::Field {
                            record: r.types().records[rid].name.clone(),
                            name: field.name.clone(),
                        };
                        used(r, field.span, key);
                        (Ex::Field(Box::new(bex), fid), fty)
                    }
                    None => {
                        let types = r.types();
                        let d = NameError::NoField {
                            span: field.span,
                            record: types.records[rid].name.clone(),
                            field: field.name.clone(),
                            fields: types.field_names(rid),
                        };
                        err(r, d)
                    }
                },
                Ty::Error => (Ex::Const(Const::Bool(false)), Ty::Error),
                other => {
                    let ty = r.types().show(&other);
                    err(
                        r,
                        TypeError::NoFields {
                            span: field.span,
                            ty,
                            field: field.name.clone(),
                        },
                    )
                }
            }
        }
        ExprKind::Index(base, key) => {
            let fact = match &base.kind {
                ExprKind::Name(n) => r.facts().iter().find(|(_, f)| &f.name == n).map(|(i, _)| i),
                _ => None,
            };
            let Some(fid) = fact else {
                return err(r, TypeError::LookupOutsideFact { span: base.span });
            };
            let name = r.facts()[fid].name.clone();
            used(r, base.span, Key::Fact(name));
            let def = r.facts()[fid].clone();
            let Some(key_field) = def.key else {
                return err(
                    r,
                    TypeError::FactNotKeyed {
                        span: base.span,
                        fact: def.name.clone(),
                    },
                );
            };
            let key_ty = r.types().fields[key_field].ty.clone();
            let (kex, _) = lower(r, locals, key, Some(&key_ty));
            (Ex::Lookup(fid, Box::new(kex)), Ty::Record(def.record))
        }
        ExprKind::Bool(b) => (Ex::Const(Const::Bool(*b)), Ty::Bool),
        ExprKind::Int(i) => (Ex::Const(Const::Int(*i)), Ty::Int),
        ExprKind::Str(s) => (Ex::Const(Const::Text(s.clone())), Ty::Text),
        ExprKind::Date(d) => (Ex::Const(Const::Date(*d)), Ty::Date),
        ExprKind::Duration { count, working } => (
            Ex::Const(Const::Duration {
                count: *count,
                working: *working,
            }),
            Ty::Duration,
        ),
        ExprKind::Set(items) | ExprKind::List(items) => {
            let mut elem_ty = match expected {
                Some(Ty::List(t)) => Some((**t).clone()),
                _ => None,
            };
            let mut exs = Vec::with_capacity(items.len());
            for item in items {
                let (ex, ty) = lower(r, locals, item, elem_ty.as_ref());
                if elem_ty.is_none() && ty != Ty::Error {
                    elem_ty = Some(ty);
                }
                exs.push(ex);
            }
            (
                Ex::List(exs),
                Ty::List(Box::new(elem_ty.unwrap_or(Ty::Error))),
            )
        }
        ExprKind::Not(inner) => (Ex::Not(Box::new(lower_bool(r, locals, inner))), Ty::Bool),
        ExprKind::Binary(op, a, b) => lower_binary(r, locals, *op, a, b, e.span),
        ExprKind::Chain(first, rest) => lower_chain(r, locals, first, rest),
        ExprKind::IsMissing(inner) => (
            Ex::IsMissing(Box::new(lower(r, locals, inner, None).0)),
            Ty::Bool,
        ),
        ExprKind::Exists(inner) => (
            Ex::Exists(Box::new(lower(r, locals, inner, None).0)),
            Ty::Bool,
        ),
        ExprKind::In {
            negated,
            elem,
            coll,
        } if matches!(coll.kind, ExprKind::Set(_) | ExprKind::List(_)) => {
            // `x in {a, b}`: the element's type tells what the members of the literal are.
            let (eex, ety) = lower(r, locals, elem, None);
            let (cex, _) = lower(r, locals, coll, Some(&Ty::List(Box::new(ety))));
            (
                Ex::In {
                    negated: *negated,
                    elem: Box::new(eex),
                    coll: Box::new(cex),
                },
                Ty::Bool,
            )
        }
        ExprKind::In {
            negated,
            elem,
            coll,
        } => {
            let (cex, cty) = lower(r, locals, coll, None);
            let elem_ty = match cty {
                Ty::List(t) => Some(*t),
                Ty::Error => None,
                other => {
                    let found = r.types().show(&other);
                    r.report(
                        TypeError::InNeedsList {
                            span: coll.span,
                            found,
                        }
                        .into(),
                    );
                    None
                }
            };
            let (eex, _) = lower(r, locals, elem, elem_ty.as_ref());
            (
                Ex::In {
                    negated: *negated,
                    elem: Box::new(eex),
                    coll: Box::new(cex),
                },
                Ty::Bool,
            )
        }
        ExprKind::Quant {
            all,
            var,
            coll,
            body,
        } => {
            let (cex, elem) = lower_collection(r, locals, coll);
            bind(r, var, &elem);
            let slot = locals.push(&var.name, elem, var.span);
            let bex = lower_bool(r, locals, body);
            locals.pop();
            (
                Ex::Quant {
                    all: *all,
                    var: slot,
                    coll: Box::new(cex),
                    body: Box::new(bex),
                },
                Ty::Bool,
            )
        }
        ExprKind::Applies(reg, on) => match r.regulation(&reg.name) {
            Some(id) => {
                used(r, reg.span, Key::Regulation(reg.name.clone()));
                let on = on
                    .as_ref()
                    .map(|d| Box::new(lower(r, locals, d, Some(&Ty::Date)).0));
                (Ex::Applies(id, on), Ty::Bool)
            }
            None => {
                r.report(
                    CitationError::UnknownRegulation {
                        span: reg.span,
                        name: Some(reg.name.clone()),
                        named_in: RegulationRef::Applies,
                    }
                    .into(),
                );
                (Ex::Const(Const::Bool(false)), Ty::Error)
            }
        },
        ExprKind::Each { var, coll, cond } => {
            let (cex, elem) = lower_collection(r, locals, coll);
            bind(r, var, &elem);
            let slot = locals.push(&var.name, elem.clone(), var.span);
            let bex = lower_bool(r, locals, cond);
            locals.pop();
            (
                Ex::Each {
                    var: slot,
                    coll: Box::new(cex),
                    cond: Box::new(bex),
                },
                Ty::List(Box::new(elem)),
            )
        }
    }
}

/// Records the binding of a quantifier variable.
fn bind(r: &mut dyn Resolver, var: &datalex_lang::ast::Ident, ty: &Ty) {
    let shape = Shape::of(r.types(), ty);
    if let Some(s) = r.symbols() {
        s.declare(Key::Local(var.span), var.span, var.span);
        s.record_type(Key::Local(var.span), shape);
    }
}

fn lower_collection(r: &mut dyn Resolver, locals: &mut Locals, coll: &Expr) -> (Ex, Ty) {
    let (cex, cty) = lower(r, locals, coll, None);
    let elem = match cty {
        Ty::List(t) => *t,
        Ty::Error => Ty::Error,
        other => {
            let found = r.types().show(&other);
            r.report(
                TypeError::RangeNeedsList {
                    span: coll.span,
                    found,
                }
                .into(),
            );
            Ty::Error
        }
    };
    (cex, elem)
}

fn lower_name(
    r: &mut dyn Resolver,
    locals: &Locals,
    name: &str,
    span: Span,
    expected: Option<&Ty>,
) -> (Ex, Ty) {
    if let Some((slot, ty)) = locals.get(name) {
        if let Some(at) = locals.bound_at(slot) {
            used(r, span, Key::Local(at));
        }
        return (Ex::Local(slot), ty);
    }
    // An enum member where an enum is expected takes precedence over other names.
    if let Some(Ty::Enum(eid)) = expected {
        if r.types().enums[*eid].position(name).is_some() {
            member_use(r, span, *eid, name);
            return (
                Ex::Const(Const::Enum(*eid, name.to_string())),
                Ty::Enum(*eid),
            );
        }
    }
    if name == "request" {
        if let Some(rid) = r.request() {
            let record = r.types().records[rid].name.clone();
            used(r, span, Key::Type(record));
            return (Ex::Request, Ty::Record(rid));
        }
    }
    if let Some(res) = r.resolve(name, span) {
        r.note_use(name);
        return match res {
            Resolved::Value(id, ty) => (Ex::Value(id), ty),
            Resolved::Param(ex, ty) => (ex, ty),
        };
    }
    let fact = r.facts().iter().find(|(_, f)| f.name == name);
    if let Some(found) =
        fact.map(|(fid, f)| (Ex::Fact(fid), Ty::List(Box::new(Ty::Record(f.record)))))
    {
        used(r, span, Key::Fact(name.to_string()));
        return found;
    }
    let owners = r.types().enums_with_member(name);
    if expected == Some(&Ty::Error) && !owners.is_empty() {
        // The other side already failed to type; do not pile a second error on the first.
        return (Ex::Const(Const::Bool(false)), Ty::Error);
    }
    match owners.as_slice() {
        [eid] => {
            member_use(r, span, *eid, name);
            (
                Ex::Const(Const::Enum(*eid, name.to_string())),
                Ty::Enum(*eid),
            )
        }
        [] => err(
            r,
            NameError::UnknownName {
                span,
                name: name.to_string(),
            },
        ),
        many => {
            let enums: Vec<String> = many
                .iter()
                .map(|e| &r.types().enums[*e])
                .map(|d| d.name.clone())
                .collect();
            err(
                r,
                TypeError::AmbiguousMember {
                    span,
                    name: name.to_string(),
                    enums,
                },
            )
        }
    }
}

/// Records a use of member `name` of enum `eid`.
fn member_use(r: &mut dyn Resolver, span: Span, eid: crate::types::EnumId, name: &str) {
    let key = Key::Member {
        ty: r.types().enums[eid].name.clone(),
        name: name.to_string(),
    };
    used(r, span, key);
}

/// Whether `e` is a bare name that only an expected type can resolve (an enum member).
fn needs_context(r: &mut dyn Resolver, locals: &Locals, e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(n) => {
            locals.get(n).is_none()
                && n != "request"
                && !r.facts().values().any(|f| &f.name == n)
                && !r.types().enums_with_member(n).is_empty()
                && r.resolve(n, e.span).is_none()
        }
        ExprKind::Set(_) | ExprKind::List(_) => true,
        _ => false,
    }
}

/// `a or b or …`, `a and b and …`, `a + b - …`, in one loop over the operands: a chain of any
/// length is lowered without recursing with its length. Each `+`/`-` is typed as it was as a
/// left-nested pair: the type so far with the next operand's (E0203 spans from the first operand
/// to the one that does not fit, and the chain is an error from there).
fn lower_chain(
    r: &mut dyn Resolver,
    locals: &mut Locals,
    first: &Expr,
    rest: &[(BinOp, Expr)],
) -> (Ex, Ty) {
    match rest.first().map(|(op, _)| *op) {
        None => lower(r, locals, first, None),
        Some(op @ (BinOp::And | BinOp::Or)) => {
            let mut xs = Vec::with_capacity(rest.len() + 1);
            xs.push(lower_bool(r, locals, first));
            for (_, x) in rest {
                xs.push(lower_bool(r, locals, x));
            }
            let ex = if op == BinOp::And {
                Ex::And(xs)
            } else {
                Ex::Or(xs)
            };
            (ex, Ty::Bool)
        }
        Some(_) => {
            let (head, mut ty) = lower(r, locals, first, None);
            let mut ops = Vec::with_capacity(rest.len());
            for (op, x) in rest {
                let (bx, bt) = lower(r, locals, x, None);
                ty = match (&ty, &bt) {
                    (Ty::Date, Ty::Duration) => Ty::Date,
                    (Ty::Int, Ty::Int) => Ty::Int,
                    (Ty::Error, _) | (_, Ty::Error) => Ty::Error,
                    _ => {
                        let (left, right) = (r.types().show(&ty), r.types().show(&bt));
                        r.report(
                            TypeError::Arithmetic {
                                span: first.span.to(x.span),
                                op: *op,
                                left,
                                right,
                            }
                            .into(),
                        );
                        Ty::Error
                    }
                };
                let aop = if *op == BinOp::Sub {
                    ArithOp::Sub
                } else {
                    ArithOp::Add
                };
                ops.push((aop, bx));
            }
            (Ex::Arith(Box::new(head), ops), ty)
        }
    }
}

fn lower_binary(
    r: &mut dyn Resolver,
    locals: &mut Locals,
    op: BinOp,
    a: &Expr,
    b: &Expr,
    span: Span,
) -> (Ex, Ty) {
    match op {
        BinOp::And | BinOp::Or | BinOp::Add | BinOp::Sub => {
            // The parser makes these chains; a tree built by hand is lowered as one.
            let rest = [(op, b.clone())];
            lower_chain(r, locals, a, &rest)
        }
        _ => {
            let cmp = match op {
                BinOp::Eq => CmpOp::Eq,
                BinOp::Ne => CmpOp::Ne,
                BinOp::Lt => CmpOp::Lt,
                BinOp::Le => CmpOp::Le,
                BinOp::Gt => CmpOp::Gt,
                _ => CmpOp::Ge,
            };
            // Type the side that can stand alone first; the other side gets its type only to
            // resolve bare enum members (`conditional == x` works too), so a mismatch is one error.
            let hint = |t: &Ty| matches!(t, Ty::Enum(_) | Ty::List(_)).then(|| t.clone());
            let ((ax, at), (bx, bt)) =
                if needs_context(r, locals, a) && !needs_context(r, locals, b) {
                    let bside = lower(r, locals, b, None);
                    let aside = lower(r, locals, a, hint(&bside.1).as_ref());
                    (aside, bside)
                } else {
                    let aside = lower(r, locals, a, None);
                    let bside = lower(r, locals, b, hint(&aside.1).as_ref());
                    (aside, bside)
                };
            if !compatible(&at, &bt) {
                let (left, right) = (r.types().show(&at), r.types().show(&bt));
                return err(r, TypeError::Incomparable { span, left, right });
            }
            // `10 working days < 14 days` has no answer without a start date: which is longer
            // depends on the days in between.
            if at == Ty::Duration {
                if let (Some(left), Some(right)) =
                    (days_counted(r, &ax, 0), days_counted(r, &bx, 0))
                {
                    if left != right {
                        return err(r, TypeError::DayCounts { span, left, right });
                    }
                }
            }
            let ordered_enum = match &at {
                Ty::Enum(eid) => Some(*eid),
                _ => None,
            };
            if !matches!(cmp, CmpOp::Eq | CmpOp::Ne) {
                let ok = match &at {
                    Ty::Int | Ty::Date | Ty::Duration | Ty::Error => true,
                    Ty::Enum(eid) => r.types().enums[*eid].ordered,
                    _ => false,
                };
                if !ok {
                    let ty = r.types().show(&at);
                    return err(r, TypeError::Unordered { span, ty });
                }
            }
            let rank = if matches!(cmp, CmpOp::Eq | CmpOp::Ne) {
                None
            } else {
                ordered_enum
            };
            (Ex::Cmp(cmp, rank, Box::new(ax), Box::new(bx)), Ty::Bool)
        }
    }
}

/// Whether the duration `e` counts working days (`true`) or calendar days (`false`), where
/// that is known without deciding anything: a literal, a param, or a derived value all of whose
/// definitions count the same days. `None` for anything else, and past a chain of 32 values.
fn days_counted(r: &dyn Resolver, e: &Ex, depth: u32) -> Option<bool> {
    match e {
        Ex::Const(Const::Duration { working, .. }) => Some(*working),
        Ex::Grounded(_, x) => days_counted(r, x, depth),
        Ex::Value(id) if depth < 32 => {
            let def = r.value_def(*id)?;
            let mut results =
                std::iter::once(&def.default).chain(def.exceptions.iter().map(|(_, b)| &b.result));
            let first = days_counted(r, results.next()?, depth + 1)?;
            results
                .all(|x| days_counted(r, x, depth + 1) == Some(first))
                .then_some(first)
        }
        _ => None,
    }
}
