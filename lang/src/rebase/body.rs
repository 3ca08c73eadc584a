//! Expressions, the parts of outcomes, and tests.

use super::{no_span, To};
use crate::ast::*;

impl To {
    pub(super) fn part(self, p: &mut OutcomePart) {
        match p {
            OutcomePart::Reason { code, text, cites } => {
                self.ident(code);
                self.str(text);
                self.cites(cites);
            }
            OutcomePart::Obligation {
                code,
                party,
                party_as,
                until,
                text,
                cites,
            } => {
                self.ident(code);
                self.ident(party);
                self.opt_ident(party_as);
                if let Some(u) = until {
                    self.expr(u);
                }
                self.str(text);
                self.cites(cites);
            }
            OutcomePart::Deadline {
                code,
                party,
                party_as,
                within,
                from,
                as_of,
                met_by,
                text,
                cites,
            } => {
                self.ident(code);
                self.ident(party);
                self.opt_ident(party_as);
                self.expr(within);
                self.expr(from);
                if let Some(a) = as_of {
                    self.expr(a);
                }
                if let Some(m) = met_by {
                    self.expr(m);
                }
                self.str(text);
                self.cites(cites);
            }
            OutcomePart::Remedy { code, text, cites } => {
                self.ident(code);
                self.str(text);
                self.cites(cites);
            }
            OutcomePart::Finding {
                code,
                severity,
                subject,
                text,
                cites,
            } => {
                no_span(severity);
                self.ident(code);
                self.expr(subject);
                self.str(text);
                self.cites(cites);
            }
        }
    }

    pub(super) fn test(self, x: &mut TestDecl) {
        let TestDecl {
            name,
            facts,
            request,
            expects,
            span,
        } = x;
        self.str(name);
        self.opt_str(facts);
        if let Some(r) = request {
            let TestRequest { kind, fields, span } = r;
            self.ident(kind);
            for (f, l) in fields {
                self.ident(f);
                self.literal(l);
            }
            self.span(span);
        }
        for e in expects {
            let Expect { kind, span } = e;
            match kind {
                ExpectKind::Effect(effect, reasons) => {
                    no_span(effect);
                    self.idents(reasons);
                }
                ExpectKind::Has(part, i) | ExpectKind::HasNo(part, i) => {
                    no_span(part);
                    self.ident(i);
                }
                ExpectKind::Deadline(code, due, status, party) => {
                    no_span(due);
                    self.ident(code);
                    self.opt_ident(status);
                    self.opt_str(party);
                }
                ExpectKind::Error(code) => self.ident(code),
                ExpectKind::Tier(key, member) => {
                    self.ident(key);
                    self.ident(member);
                }
            }
            self.span(span);
        }
        self.span(span);
    }

    fn literal(self, l: &mut TestLiteral) {
        match l {
            TestLiteral::Date(d) => no_span(d),
            TestLiteral::Str(s) | TestLiteral::Word(s) => no_span(s),
            TestLiteral::Int(n) => no_span(n),
            TestLiteral::Bool(b) => no_span(b),
            TestLiteral::List(items) => {
                for i in items {
                    self.literal(i);
                }
            }
            TestLiteral::Object(fields) => {
                for (f, l) in fields {
                    self.ident(f);
                    self.literal(l);
                }
            }
        }
    }

    fn exprs(self, es: &mut [Expr]) {
        for e in es {
            self.expr(e);
        }
    }

    pub(super) fn expr(self, e: &mut Expr) {
        let Expr { kind, span } = e;
        self.span(span);
        match kind {
            ExprKind::Name(s) | ExprKind::Str(s) => no_span(s),
            ExprKind::Bool(b) => no_span(b),
            ExprKind::Int(n) => no_span(n),
            ExprKind::Date(d) => no_span(d),
            ExprKind::Duration { count, working } => {
                no_span(count);
                no_span(working);
            }
            ExprKind::Field(base, field) => {
                self.expr(base);
                self.ident(field);
            }
            ExprKind::Index(coll, key) => {
                self.expr(coll);
                self.expr(key);
            }
            ExprKind::Set(es) | ExprKind::List(es) => self.exprs(es),
            ExprKind::Not(x) | ExprKind::IsMissing(x) | ExprKind::Exists(x) => self.expr(x),
            ExprKind::Binary(op, a, b) => {
                no_span(op);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::In {
                negated,
                elem,
                coll,
            } => {
                no_span(negated);
                self.expr(elem);
                self.expr(coll);
            }
            ExprKind::Quant {
                all,
                var,
                coll,
                body,
            } => {
                no_span(all);
                self.ident(var);
                self.expr(coll);
                self.expr(body);
            }
            ExprKind::Applies(reg, on) => {
                self.ident(reg);
                if let Some(d) = on {
                    self.expr(d);
                }
            }
            ExprKind::Each { var, coll, cond } => {
                self.ident(var);
                self.expr(coll);
                self.expr(cond);
            }
        }
    }
}
