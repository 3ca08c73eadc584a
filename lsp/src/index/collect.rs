//! The walk over one item's syntax tree that lists its [`Occurrence`]s.

use super::{Occurrence, Rel, Role, Sk, Target};
use datalex_lang::ast::{
    Citation, Expr, ExprKind, Item, OutcomePart, RuleDecl, TestLiteral, TypeExpr, ValueBody,
    ValueDecl,
};
use datalex_lang::Span;

/// The built-in scalar types.
pub const SCALARS: [&str; 5] = ["Bool", "Int", "Text", "Date", "Duration"];

/// Every occurrence of a name in `item` (parsed on its own, so spans are relative to its chunk).
pub fn collect(item: &Item) -> Vec<Occurrence> {
    let mut c = Collector::default();
    c.item(item);
    c.out
}

/// A quantifier variable in scope: name, where it is bound, what it ranges over.
type Local = (String, u32, Sk);

#[derive(Default)]
struct Collector {
    out: Vec<Occurrence>,
    scope: Vec<Local>,
}

/// The shape of an expression outside any quantifier.
pub fn shape(e: &Expr) -> Sk {
    Collector::default().sk(e)
}

/// The shape of a type as written.
pub fn type_sk(t: &TypeExpr) -> Sk {
    match t {
        TypeExpr::Named(i) => match SCALARS.iter().find(|s| **s == i.name) {
            Some(s) => Sk::Scalar(s),
            None => Sk::Type(i.name.clone()),
        },
        TypeExpr::List(inner, _) => Sk::List(Box::new(type_sk(inner))),
    }
}

impl Collector {
    fn push(&mut self, span: Span, target: Target, role: Role) {
        self.out.push(Occurrence {
            span: Rel::of(span),
            target,
            role,
        });
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Package(p) => {
                self.push(
                    p.name.span,
                    Target::Package(p.name.name.clone()),
                    Role::Decl,
                );
                if let Some(b) = &p.extends {
                    self.push(b.span, Target::Package(b.name.clone()), Role::Ref);
                }
            }
            Item::Regulation(r) => {
                let id = r.id.name.clone();
                self.push(r.id.span, Target::Regulation(id.clone()), Role::Decl);
                if let Some(rank) = &r.rank {
                    let target = Target::Member {
                        ty: "LegalRank".into(),
                        name: rank.name.clone(),
                    };
                    self.push(rank.span, target, Role::Ref);
                }
                for a in &r.articles {
                    let cite = |path: Vec<u32>| Target::Cite {
                        regulation: Some(id.clone()),
                        path,
                    };
                    self.push(a.span, cite(vec![a.number]), Role::Decl);
                    for p in &a.paras {
                        if !a.single {
                            self.push(p.span, cite(vec![a.number, p.number]), Role::Decl);
                        }
                        for i in &p.items {
                            let path = vec![a.number, p.number, i.number];
                            self.push(i.span, cite(path), Role::Decl);
                        }
                    }
                }
            }
            Item::Enum(e) => {
                self.push(e.name.span, Target::Type(e.name.name.clone()), Role::Decl);
                for (m, _) in &e.members {
                    let target = Target::Member {
                        ty: e.name.name.clone(),
                        name: m.name.clone(),
                    };
                    self.push(m.span, target, Role::Decl);
                }
            }
            Item::Record(r) => {
                self.push(r.name.span, Target::Type(r.name.name.clone()), Role::Decl);
                for f in &r.fields {
                    let target = Target::Field {
                        base: Sk::Type(r.name.name.clone()),
                        name: f.name.name.clone(),
                    };
                    self.push(f.name.span, target, Role::Decl);
                    self.type_refs(&f.ty);
                }
            }
            Item::Fact(f) => {
                self.push(f.name.span, Target::Fact(f.name.name.clone()), Role::Decl);
                self.type_refs(&f.ty);
                if let Some(k) = &f.keyed {
                    let base = match type_sk(&f.ty) {
                        Sk::List(elem) => *elem,
                        other => other,
                    };
                    let target = Target::Field {
                        base,
                        name: k.name.clone(),
                    };
                    self.push(k.span, target, Role::Ref);
                }
            }
            Item::Kind(k) => {
                self.push(k.name.span, Target::Kind(k.name.name.clone()), Role::Decl);
                self.push(
                    k.request.span,
                    Target::Type(k.request.name.clone()),
                    Role::Ref,
                );
            }
            Item::Param(p) => {
                self.push(p.name.span, Target::Param(p.name.name.clone()), Role::Decl);
                self.expr(&p.value);
                self.cites(&p.cites);
            }
            Item::Value(v) => self.value(v),
            Item::Rule(r) => self.rule(r),
            Item::Test(t) => {
                if let Some(req) = &t.request {
                    self.push(
                        req.kind.span,
                        Target::Kind(req.kind.name.clone()),
                        Role::Ref,
                    );
                    for (field, lit) in &req.fields {
                        let target = Target::Field {
                            base: Sk::Name("request".into()),
                            name: field.name.clone(),
                        };
                        self.push(field.span, target, Role::Ref);
                        self.test_literal(
                            lit,
                            &Sk::Field(Box::new(Sk::Name("request".into())), field.name.clone()),
                        );
                    }
                }
            }
            Item::Coverage(c) => {
                let id = c.regulation.name.clone();
                self.push(c.regulation.span, Target::Regulation(id.clone()), Role::Ref);
                for e in &c.entries {
                    for (path, span) in &e.articles {
                        let target = Target::Cite {
                            regulation: Some(id.clone()),
                            path: path.clone(),
                        };
                        self.push(*span, target, Role::Ref);
                    }
                }
            }
            Item::Interpretation(x) => self.cites(&x.of),
            Item::Scope(sc) => {
                self.push(
                    sc.regulation.span,
                    Target::Regulation(sc.regulation.name.clone()),
                    Role::Ref,
                );
                for k in &sc.kinds {
                    self.push(k.span, Target::Kind(k.name.clone()), Role::Ref);
                }
                self.cites(&sc.cites);
                self.expr(&sc.when);
            }
            Item::Use(u) => {
                self.push(
                    u.package.span,
                    Target::Package(u.package.name.clone()),
                    Role::Ref,
                );
                for k in &u.kinds {
                    self.push(k.span, Target::Kind(k.name.clone()), Role::Ref);
                }
            }
        }
    }

    /// Fields of objects in a test request (`requester { type citizen }`).
    fn test_literal(&mut self, lit: &TestLiteral, base: &Sk) {
        match lit {
            TestLiteral::Object(fields) => {
                for (f, inner) in fields {
                    let target = Target::Field {
                        base: base.clone(),
                        name: f.name.clone(),
                    };
                    self.push(f.span, target, Role::Ref);
                    self.test_literal(inner, &Sk::Field(Box::new(base.clone()), f.name.clone()));
                }
            }
            TestLiteral::List(items) => {
                for i in items {
                    self.test_literal(i, &Sk::Elem(Box::new(base.clone())));
                }
            }
            _ => {}
        }
    }

    fn type_refs(&mut self, t: &TypeExpr) {
        match t {
            TypeExpr::Named(i) if !SCALARS.contains(&i.name.as_str()) => {
                self.push(i.span, Target::Type(i.name.clone()), Role::Ref);
            }
            TypeExpr::Named(_) => {}
            TypeExpr::List(inner, _) => self.type_refs(inner),
        }
    }

    fn kinds(&mut self, kinds: &[datalex_lang::ast::Ident]) {
        for k in kinds {
            self.push(k.span, Target::Kind(k.name.clone()), Role::Ref);
        }
    }

    fn cites(&mut self, cites: &[Citation]) {
        // A `reading NAME` names an interpretation, not a provision.
        for c in cites.iter().filter(|c| c.reading.is_none()) {
            if let Some(r) = &c.regulation {
                self.push(r.span, Target::Regulation(r.name.clone()), Role::Ref);
            }
            let target = Target::Cite {
                regulation: c.regulation.as_ref().map(|r| r.name.clone()),
                path: c.path.clone(),
            };
            self.push(c.span, target, Role::Ref);
        }
    }

    fn value(&mut self, v: &ValueDecl) {
        let name = v.name.name.clone();
        self.push(v.name.span, Target::Value(name.clone()), Role::Decl);
        if let Some(t) = &v.ty {
            self.type_refs(t);
        }
        self.kinds(&v.kinds);
        self.cites(&v.cites);
        match &v.body {
            ValueBody::Expr(e) => self.expr(e),
            ValueBody::Block {
                default,
                exceptions,
            } => {
                self.expr(&default.0);
                self.cites(&default.1);
                for x in exceptions {
                    let target = |n: &str| Target::ValueException {
                        value: name.clone(),
                        name: n.to_string(),
                    };
                    self.push(x.name.span, target(&x.name.name), Role::Decl);
                    for o in &x.over {
                        self.push(o.span, target(&o.name), Role::Ref);
                    }
                    self.cites(&x.cites);
                    self.expr(&x.when);
                    let saved = self.enter_witnesses(&x.when);
                    self.expr(&x.result);
                    self.parts(&x.parts);
                    self.scope.truncate(saved);
                }
            }
        }
    }

    fn rule(&mut self, r: &RuleDecl) {
        if let Some(n) = &r.name {
            self.push(n.span, Target::Rule(n.name.clone()), Role::Decl);
        }
        for o in &r.over {
            self.push(o.span, Target::Rule(o.name.clone()), Role::Ref);
        }
        self.kinds(&r.kinds);
        self.cites(&r.cites);
        let saved = self.scope.len();
        if let Some(w) = &r.when {
            self.expr(w);
            self.enter_witnesses(w);
        }
        self.parts(&r.outcome.parts);
        self.scope.truncate(saved);
    }

    /// Puts the witnesses of a condition (its top-level `any` conjuncts) in scope for the
    /// outcome; returns the scope's previous length.
    fn enter_witnesses(&mut self, when: &Expr) -> usize {
        let saved = self.scope.len();
        let mut witnesses = Vec::new();
        self.witnesses(when, &mut witnesses);
        self.scope.extend(witnesses);
        saved
    }

    fn witnesses(&self, e: &Expr, out: &mut Vec<Local>) {
        match &e.kind {
            ExprKind::Binary(datalex_lang::ast::BinOp::And, a, b) => {
                self.witnesses(a, out);
                self.witnesses(b, out);
            }
            ExprKind::Quant {
                all: false,
                var,
                coll,
                ..
            } => out.push((
                var.name.clone(),
                var.span.start,
                Sk::Elem(Box::new(self.sk(coll))),
            )),
            _ => {}
        }
    }

    fn parts(&mut self, parts: &[OutcomePart]) {
        for p in parts {
            match p {
                OutcomePart::Reason { cites, .. } | OutcomePart::Remedy { cites, .. } => {
                    self.cites(cites)
                }
                OutcomePart::Obligation { until, cites, .. } => {
                    if let Some(u) = until {
                        self.expr(u);
                    }
                    self.cites(cites);
                }
                OutcomePart::Deadline {
                    within,
                    from,
                    as_of,
                    met_by,
                    cites,
                    ..
                } => {
                    self.expr(within);
                    self.expr(from);
                    if let Some(a) = as_of {
                        self.expr(a);
                    }
                    if let Some(m) = met_by {
                        self.expr(m);
                    }
                    self.cites(cites);
                }
                OutcomePart::Finding { subject, cites, .. } => {
                    self.expr(subject);
                    self.cites(cites);
                }
            }
        }
    }

    fn local(&self, name: &str) -> Option<&Local> {
        self.scope.iter().rev().find(|(n, _, _)| n == name)
    }

    /// The shape of `e` in the current scope.
    fn sk(&self, e: &Expr) -> Sk {
        match &e.kind {
            ExprKind::Name(n) => match self.local(n) {
                Some((_, _, ty)) => ty.clone(),
                None => Sk::Name(n.clone()),
            },
            ExprKind::Field(b, f) => Sk::Field(Box::new(self.sk(b)), f.name.clone()),
            ExprKind::Index(b, _) => Sk::Elem(Box::new(self.sk(b))),
            ExprKind::Each { coll, .. } => self.sk(coll),
            ExprKind::Set(xs) | ExprKind::List(xs) => {
                Sk::List(Box::new(xs.first().map_or(Sk::Unknown, |x| self.sk(x))))
            }
            ExprKind::Binary(op, a, _) => match op {
                datalex_lang::ast::BinOp::Add | datalex_lang::ast::BinOp::Sub => self.sk(a),
                _ => Sk::Scalar("Bool"),
            },
            ExprKind::Bool(_)
            | ExprKind::Not(_)
            | ExprKind::IsMissing(_)
            | ExprKind::Exists(_)
            | ExprKind::In { .. }
            | ExprKind::Applies(..)
            | ExprKind::Quant { .. } => Sk::Scalar("Bool"),
            ExprKind::Int(_) => Sk::Scalar("Int"),
            ExprKind::Str(_) => Sk::Scalar("Text"),
            ExprKind::Date(_) => Sk::Scalar("Date"),
            ExprKind::Duration { .. } => Sk::Scalar("Duration"),
        }
    }

    fn bind(&mut self, var: &datalex_lang::ast::Ident, coll: &Expr) {
        let ty = Sk::Elem(Box::new(self.sk(coll)));
        let target = Target::Local {
            name: var.name.clone(),
            def: var.span.start,
            ty: ty.clone(),
        };
        self.push(var.span, target, Role::Decl);
        self.scope.push((var.name.clone(), var.span.start, ty));
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => {
                let target = match self.local(n) {
                    Some((name, def, ty)) => Target::Local {
                        name: name.clone(),
                        def: *def,
                        ty: ty.clone(),
                    },
                    None => Target::Name(n.clone()),
                };
                self.push(e.span, target, Role::Ref);
            }
            ExprKind::Field(b, f) => {
                self.expr(b);
                let target = Target::Field {
                    base: self.sk(b),
                    name: f.name.clone(),
                };
                self.push(f.span, target, Role::Ref);
            }
            ExprKind::Index(b, k) => {
                self.expr(b);
                self.expr(k);
            }
            ExprKind::Set(xs) | ExprKind::List(xs) => {
                for x in xs {
                    self.expr(x);
                }
            }
            ExprKind::Not(x) | ExprKind::IsMissing(x) | ExprKind::Exists(x) => self.expr(x),
            ExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::In { elem, coll, .. } => {
                self.expr(elem);
                self.expr(coll);
            }
            ExprKind::Quant {
                var, coll, body, ..
            } => {
                self.expr(coll);
                self.bind(var, coll);
                self.expr(body);
                self.scope.pop();
            }
            ExprKind::Each { var, coll, cond } => {
                self.expr(coll);
                self.bind(var, coll);
                self.expr(cond);
                self.scope.pop();
            }
            ExprKind::Applies(reg, on) => {
                self.push(reg.span, Target::Regulation(reg.name.clone()), Role::Ref);
                if let Some(d) = on {
                    self.expr(d);
                }
            }
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Str(_)
            | ExprKind::Date(_)
            | ExprKind::Duration { .. } => {}
        }
    }
}
