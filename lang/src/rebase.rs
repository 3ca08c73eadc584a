//! Moving a syntax tree to another place: every [`Span`] in it gets a new file id and is
//! shifted by an offset.
//!
//! The language server keeps each item parsed on its own, with spans relative to its chunk
//! (file 0, see [`crate::parser::parse_chunk`]); to hand the items to the compiler, it moves
//! them to their file and to where their chunk starts in it. Parsing a chunk alone and
//! rebasing it to the chunk's start gives exactly the tree [`crate::parse`] gives for the
//! whole file (tested for every bundled policy file).
//!
//! Every node type of [`crate::ast`] is visited by destructuring it completely (no `..`, no
//! `_ =>` arm), so a new node or a new field with a span does not compile until it is handled
//! here.

use crate::ast::*;
use crate::diagnostic::{Diagnostic, Label};
use crate::span::{FileId, Span};

mod body;
mod regulation;

/// Moves every span of `item` to `file`, `offset` bytes further.
pub fn rebase(item: &mut Item, file: FileId, offset: u32) {
    To { file, offset }.item(item);
}

/// Moves every span of a diagnostic (its own and its labels') to `file`, `offset` bytes
/// further.
pub fn rebase_diagnostic(diagnostic: &mut Diagnostic, file: FileId, offset: u32) {
    let to = To { file, offset };
    let Diagnostic {
        code,
        severity,
        message,
        span,
        labels,
        help,
    } = diagnostic;
    no_span(code);
    no_span(severity);
    no_span(message);
    no_span(help);
    to.span(span);
    for Label { span, message } in labels {
        no_span(message);
        to.span(span);
    }
}

/// Parts of the tree without a span. Every field [`To`] does not move is passed to
/// [`no_span`], so changing its type to one with a span (a `String` to an [`Ident`]) does
/// not compile until it is moved too.
trait NoSpan {}
impl NoSpan for String {}
impl NoSpan for &'static str {}
impl NoSpan for u32 {}
impl NoSpan for usize {}
impl NoSpan for i64 {}
impl NoSpan for bool {}
impl NoSpan for crate::date::Date {}
impl NoSpan for crate::diagnostic::Code {}
impl NoSpan for crate::diagnostic::Severity {}
impl NoSpan for Effect {}
impl NoSpan for RuleRole {}
impl NoSpan for PartKind {}
impl NoSpan for FindingSeverity {}
impl NoSpan for BinOp {}
impl NoSpan for DefectKind {}
impl<T: NoSpan> NoSpan for Option<T> {}
impl<T: NoSpan> NoSpan for Vec<T> {}

/// Says that a field has no span to move.
fn no_span<T: NoSpan>(_: &T) {}

/// Where spans go.
#[derive(Clone, Copy)]
struct To {
    file: FileId,
    offset: u32,
}

impl To {
    fn span(self, s: &mut Span) {
        s.file = self.file;
        s.start = s.start.saturating_add(self.offset);
        s.end = s.end.saturating_add(self.offset);
    }

    fn opt_span(self, s: &mut Option<Span>) {
        if let Some(s) = s {
            self.span(s);
        }
    }

    fn ident(self, i: &mut Ident) {
        let Ident { name, span } = i;
        no_span(name);
        self.span(span);
    }

    fn idents(self, is: &mut [Ident]) {
        for i in is {
            self.ident(i);
        }
    }

    fn opt_ident(self, i: &mut Option<Ident>) {
        if let Some(i) = i {
            self.ident(i);
        }
    }

    fn str(self, s: &mut Str) {
        let Str { value, span } = s;
        no_span(value);
        self.span(span);
    }

    fn opt_str(self, s: &mut Option<Str>) {
        if let Some(s) = s {
            self.str(s);
        }
    }

    fn item(self, item: &mut Item) {
        match item {
            Item::Package(x) => self.package(x),
            Item::Regulation(x) => self.regulation(x),
            Item::Enum(x) => self.enum_decl(x),
            Item::Record(x) => self.record(x),
            Item::Fact(x) => self.fact(x),
            Item::Kind(x) => self.kind(x),
            Item::Param(x) => self.param(x),
            Item::Value(x) => self.value(x),
            Item::Rule(x) => self.rule(x),
            Item::Test(x) => self.test(x),
            Item::Coverage(x) => self.coverage(x),
            Item::Use(x) => self.use_decl(x),
            Item::Scope(x) => self.scope(x),
            Item::Interpretation(x) => self.interpretation(x),
        }
    }

    fn package(self, x: &mut PackageDecl) {
        let PackageDecl {
            name,
            extends,
            span,
        } = x;
        self.ident(name);
        self.opt_ident(extends);
        self.span(span);
    }

    fn use_decl(self, x: &mut UseDecl) {
        let UseDecl {
            package,
            kinds,
            span,
        } = x;
        self.ident(package);
        self.idents(kinds);
        self.span(span);
    }

    fn cites(self, cites: &mut [Citation]) {
        for c in cites {
            self.cite(c);
        }
    }

    fn cite(self, c: &mut Citation) {
        let Citation {
            regulation,
            path,
            version,
            reading,
            span,
        } = c;
        no_span(path);
        no_span(version);
        self.opt_ident(regulation);
        self.opt_ident(reading);
        self.span(span);
    }

    fn scope(self, x: &mut ScopeDecl) {
        let ScopeDecl {
            regulation,
            kinds,
            cites,
            when,
            span,
        } = x;
        self.ident(regulation);
        self.idents(kinds);
        self.cites(cites);
        self.expr(when);
        self.span(span);
    }

    fn enum_decl(self, x: &mut EnumDecl) {
        let EnumDecl {
            name,
            ordered,
            doc,
            members,
            ties,
            span,
        } = x;
        no_span(ordered);
        self.ident(name);
        self.opt_str(doc);
        for (m, d) in members {
            self.ident(m);
            self.opt_str(d);
        }
        for (i, t) in ties {
            no_span(i);
            self.ident(t);
        }
        self.span(span);
    }

    fn record(self, x: &mut RecordDecl) {
        let RecordDecl {
            name,
            doc,
            fields,
            span,
        } = x;
        self.ident(name);
        self.opt_str(doc);
        for f in fields {
            let FieldDecl { name, ty, doc } = f;
            self.ident(name);
            self.ty(ty);
            self.opt_str(doc);
        }
        self.span(span);
    }

    fn ty(self, t: &mut TypeExpr) {
        match t {
            TypeExpr::Named(i) => self.ident(i),
            TypeExpr::List(inner, s) => {
                self.ty(inner);
                self.span(s);
            }
        }
    }

    fn fact(self, x: &mut FactDecl) {
        let FactDecl {
            name,
            ty,
            keyed,
            doc,
            span,
        } = x;
        self.ident(name);
        self.ty(ty);
        self.opt_ident(keyed);
        self.opt_str(doc);
        self.span(span);
    }

    fn kind(self, x: &mut KindDecl) {
        let KindDecl {
            name,
            request,
            doc,
            span,
        } = x;
        self.ident(name);
        self.ident(request);
        self.opt_str(doc);
        self.span(span);
    }

    fn param(self, x: &mut ParamDecl) {
        let ParamDecl {
            replaces,
            name,
            value,
            cites,
            doc,
            span,
        } = x;
        self.opt_span(replaces);
        self.ident(name);
        self.expr(value);
        self.cites(cites);
        self.opt_str(doc);
        self.span(span);
    }

    fn value(self, x: &mut ValueDecl) {
        let ValueDecl {
            replaces,
            name,
            ty,
            kinds,
            reported,
            cites,
            body,
            span,
        } = x;
        self.opt_span(replaces);
        self.ident(name);
        if let Some(t) = ty {
            self.ty(t);
        }
        self.idents(kinds);
        self.opt_ident(reported);
        self.cites(cites);
        match body {
            ValueBody::Expr(e) => self.expr(e),
            ValueBody::Block {
                default,
                exceptions,
            } => {
                let (e, cites) = default;
                self.expr(e);
                self.cites(cites);
                for x in exceptions {
                    self.value_exception(x);
                }
            }
        }
        self.span(span);
    }

    fn value_exception(self, x: &mut ValueException) {
        let ValueException {
            name,
            over,
            cites,
            when,
            result,
            parts,
            span,
        } = x;
        self.ident(name);
        self.idents(over);
        self.cites(cites);
        self.expr(when);
        self.expr(result);
        for p in parts {
            self.part(p);
        }
        self.span(span);
    }

    fn rule(self, x: &mut RuleDecl) {
        let RuleDecl {
            replaces,
            role,
            name,
            over,
            kinds,
            cites,
            consistent,
            when,
            outcome,
            head,
            span,
        } = x;
        no_span(role);
        self.opt_span(replaces);
        self.opt_ident(name);
        self.idents(over);
        self.idents(kinds);
        self.cites(cites);
        if let Some(Consistent { cite, note, span }) = consistent {
            self.cite(cite);
            self.str(note);
            self.span(span);
        }
        if let Some(w) = when {
            self.expr(w);
        }
        let Outcome { effect, parts } = outcome;
        if let Some((effect, code, text)) = effect {
            no_span(effect);
            self.ident(code);
            self.str(text);
        }
        for p in parts {
            self.part(p);
        }
        self.span(head);
        self.span(span);
    }
}

#[cfg(test)]
mod tests;
