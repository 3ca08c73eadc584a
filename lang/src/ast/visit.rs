//! Walking the syntax tree: [`Visit`] over shared references, [`VisitMut`] over mutable ones.
//!
//! A visitor overrides the `visit_…` methods of the nodes it cares about; each default calls
//! the matching `walk_…` function, which visits the node's children in source order. An
//! override that still wants the children calls the `walk_…` function itself. Every [`Span`]
//! of the tree reaches [`Visit::visit_span`] (moving a tree to another file and offset is a
//! `visit_span` of three lines, [`crate::rebase`]), every [`Ident`] [`Visit::visit_ident`] and
//! every [`Str`] [`Visit::visit_str`].
//!
//! Both traits and their walks are generated from one description below, so they cannot drift
//! apart. Every node is destructured completely (no `..`, no `_ =>` arm) and every field
//! without a child node is passed to `leaf`, which accepts only types without spans: a new node
//! or field that has a span does not compile until the walks visit it.

use crate::ast::*;
use crate::date::Date;
use crate::span::Span;

/// Types of fields without a span or a child node. Every field the walks do not visit is passed
/// to [`leaf`], so changing its type to one with a span (a `String` to an [`Ident`]) does not
/// compile until the walks visit it.
trait Leaf {}
impl Leaf for String {}
impl Leaf for u32 {}
impl Leaf for usize {}
impl Leaf for i64 {}
impl Leaf for bool {}
impl Leaf for Date {}
impl Leaf for Effect {}
impl Leaf for RuleRole {}
impl Leaf for PartKind {}
impl Leaf for FindingSeverity {}
impl Leaf for BinOp {}
impl Leaf for DefectKind {}
impl Leaf for LabelOf {}
impl Leaf for CiteForm {}
impl<T: Leaf> Leaf for Option<T> {}
impl<T: Leaf> Leaf for Vec<T> {}

/// Says that a field has nothing to visit.
fn leaf<T: Leaf>(_: &T) {}

/// Generates a visitor trait and its walk functions for references `& $lt $($mut)?`.
macro_rules! visitor {
    (
        $(#[$meta:meta])*
        $Visit:ident, $walk:ident, [$($mut:tt)?]
    ) => {
        $(#[$meta])*
        pub trait $Visit<'ast> {
            /// A whole file.
            fn visit_file(&mut self, x: &'ast $($mut)? File) {
                $walk::file(self, x);
            }
            /// A top-level declaration.
            fn visit_item(&mut self, x: &'ast $($mut)? Item) {
                $walk::item(self, x);
            }
            /// `package NAME [extends BASE]`.
            fn visit_package(&mut self, x: &'ast $($mut)? PackageDecl) {
                $walk::package(self, x);
            }
            /// `use PACKAGE for KINDS`.
            fn visit_use(&mut self, x: &'ast $($mut)? UseDecl) {
                $walk::use_decl(self, x);
            }
            /// A regulation with its text.
            fn visit_regulation(&mut self, x: &'ast $($mut)? Regulation) {
                $walk::regulation(self, x);
            }
            /// An article of a regulation (one version of it).
            fn visit_article(&mut self, x: &'ast $($mut)? Article) {
                $walk::article(self, x);
            }
            /// `interpretation NAME of §… { … }`.
            fn visit_interpretation(&mut self, x: &'ast $($mut)? InterpretationDecl) {
                $walk::interpretation(self, x);
            }
            /// `coverage REG { … }`.
            fn visit_coverage(&mut self, x: &'ast $($mut)? CoverageDecl) {
                $walk::coverage(self, x);
            }
            /// `scope REG on KINDS cites … when …`.
            fn visit_scope(&mut self, x: &'ast $($mut)? ScopeDecl) {
                $walk::scope(self, x);
            }
            /// An enum.
            fn visit_enum(&mut self, x: &'ast $($mut)? EnumDecl) {
                $walk::enum_decl(self, x);
            }
            /// A record.
            fn visit_record(&mut self, x: &'ast $($mut)? RecordDecl) {
                $walk::record(self, x);
            }
            /// A type as written.
            fn visit_type(&mut self, x: &'ast $($mut)? TypeExpr) {
                $walk::ty(self, x);
            }
            /// A fact collection.
            fn visit_fact(&mut self, x: &'ast $($mut)? FactDecl) {
                $walk::fact(self, x);
            }
            /// A request kind.
            fn visit_kind(&mut self, x: &'ast $($mut)? KindDecl) {
                $walk::kind(self, x);
            }
            /// `labels role { … }`.
            fn visit_labels(&mut self, x: &'ast $($mut)? LabelsDecl) {
                $walk::labels(self, x);
            }
            /// A param.
            fn visit_param(&mut self, x: &'ast $($mut)? ParamDecl) {
                $walk::param(self, x);
            }
            /// A derived value.
            fn visit_value(&mut self, x: &'ast $($mut)? ValueDecl) {
                $walk::value(self, x);
            }
            /// An exception of a derived value.
            fn visit_value_exception(&mut self, x: &'ast $($mut)? ValueException) {
                $walk::value_exception(self, x);
            }
            /// A guard, rule, exception, check or `otherwise`.
            fn visit_rule(&mut self, x: &'ast $($mut)? RuleDecl) {
                $walk::rule(self, x);
            }
            /// A part of an outcome.
            fn visit_outcome_part(&mut self, x: &'ast $($mut)? OutcomePart) {
                $walk::outcome_part(self, x);
            }
            /// A test.
            fn visit_test(&mut self, x: &'ast $($mut)? TestDecl) {
                $walk::test(self, x);
            }
            /// A literal of a test's request.
            fn visit_test_literal(&mut self, x: &'ast $($mut)? TestLiteral) {
                $walk::test_literal(self, x);
            }
            /// An expectation of a test.
            fn visit_expect(&mut self, x: &'ast $($mut)? Expect) {
                $walk::expect(self, x);
            }
            /// A citation.
            fn visit_citation(&mut self, x: &'ast $($mut)? Citation) {
                $walk::citation(self, x);
            }
            /// An expression.
            fn visit_expr(&mut self, x: &'ast $($mut)? Expr) {
                $walk::expr(self, x);
            }
            /// A name as written.
            fn visit_ident(&mut self, x: &'ast $($mut)? Ident) {
                $walk::ident(self, x);
            }
            /// A string literal as written.
            fn visit_str(&mut self, x: &'ast $($mut)? Str) {
                $walk::str(self, x);
            }
            /// A span: where something is written.
            fn visit_span(&mut self, _x: &'ast $($mut)? Span) {}
        }

        /// The walks of
        #[doc = concat!("[`", stringify!($Visit), "`]:")]
        /// each visits the children of a node in source order.
        pub mod $walk {
            use super::*;

            /// Visits each of `xs` (a list, or an option) with `visit`.
            fn each<'ast, V: ?Sized, T: 'ast>(
                v: &mut V,
                xs: impl IntoIterator<Item = &'ast $($mut)? T>,
                visit: fn(&mut V, &'ast $($mut)? T),
            ) {
                for x in xs {
                    visit(v, x);
                }
            }

            /// The items of a file.
            pub fn file<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? File) {
                let File { items } = x;
                each(v, items, V::visit_item);
            }

            /// The declaration an item is.
            pub fn item<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? Item) {
                match x {
                    Item::Package(x) => v.visit_package(x),
                    Item::Regulation(x) => v.visit_regulation(x),
                    Item::Enum(x) => v.visit_enum(x),
                    Item::Record(x) => v.visit_record(x),
                    Item::Fact(x) => v.visit_fact(x),
                    Item::Kind(x) => v.visit_kind(x),
                    Item::Param(x) => v.visit_param(x),
                    Item::Value(x) => v.visit_value(x),
                    Item::Rule(x) => v.visit_rule(x),
                    Item::Test(x) => v.visit_test(x),
                    Item::Coverage(x) => v.visit_coverage(x),
                    Item::Use(x) => v.visit_use(x),
                    Item::Scope(x) => v.visit_scope(x),
                    Item::Interpretation(x) => v.visit_interpretation(x),
                    Item::Labels(x) => v.visit_labels(x),
                }
            }

            /// The span of a name.
            pub fn ident<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? Ident) {
                let Ident { name, span } = x;
                leaf(name);
                v.visit_span(span);
            }

            /// The span of a string.
            pub fn str<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? Str) {
                let Str { value, span } = x;
                leaf(value);
                v.visit_span(span);
            }

            /// Name and base.
            pub fn package<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                x: &'ast $($mut)? PackageDecl,
            ) {
                let PackageDecl {
                    name,
                    extends,
                    span,
                } = x;
                v.visit_ident(name);
                each(v, extends, V::visit_ident);
                v.visit_span(span);
            }

            /// Package and kinds.
            pub fn use_decl<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? UseDecl) {
                let UseDecl {
                    package,
                    kinds,
                    span,
                } = x;
                v.visit_ident(package);
                each(v, kinds, V::visit_ident);
                v.visit_span(span);
            }

            /// The regulation and the interpretation it is read by.
            pub fn citation<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                x: &'ast $($mut)? Citation,
            ) {
                let Citation {
                    regulation,
                    path,
                    version,
                    form,
                    reading,
                    span,
                } = x;
                leaf(path);
                leaf(form);
                leaf(version);
                each(v, regulation, V::visit_ident);
                each(v, reading, V::visit_ident);
                v.visit_span(span);
            }

            /// Regulation, kinds, citations and condition.
            pub fn scope<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? ScopeDecl) {
                let ScopeDecl {
                    regulation,
                    kinds,
                    cites,
                    when,
                    span,
                } = x;
                v.visit_ident(regulation);
                each(v, kinds, V::visit_ident);
                each(v, cites, V::visit_citation);
                v.visit_expr(when);
                v.visit_span(span);
            }

            /// Name, documentation, members and ties.
            pub fn enum_decl<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                x: &'ast $($mut)? EnumDecl,
            ) {
                let EnumDecl {
                    name,
                    ordered,
                    doc,
                    members,
                    ties,
                    span,
                } = x;
                leaf(ordered);
                v.visit_ident(name);
                each(v, doc, V::visit_str);
                for (m, d) in members {
                    v.visit_ident(m);
                    each(v, d, V::visit_str);
                }
                for (i, t) in ties {
                    leaf(i);
                    v.visit_ident(t);
                }
                v.visit_span(span);
            }

            /// Name, documentation and fields.
            pub fn record<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                x: &'ast $($mut)? RecordDecl,
            ) {
                let RecordDecl {
                    name,
                    doc,
                    fields,
                    span,
                } = x;
                v.visit_ident(name);
                each(v, doc, V::visit_str);
                for f in fields {
                    let FieldDecl { name, ty, doc } = f;
                    v.visit_ident(name);
                    v.visit_type(ty);
                    each(v, doc, V::visit_str);
                }
                v.visit_span(span);
            }

            /// The names in a type.
            pub fn ty<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? TypeExpr) {
                match x {
                    TypeExpr::Named(i) => v.visit_ident(i),
                    TypeExpr::List(inner, s) => {
                        v.visit_type(inner);
                        v.visit_span(s);
                    }
                }
            }

            /// Name, type, key and documentation.
            pub fn fact<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? FactDecl) {
                let FactDecl {
                    name,
                    ty,
                    keyed,
                    doc,
                    span,
                } = x;
                v.visit_ident(name);
                v.visit_type(ty);
                each(v, keyed, V::visit_ident);
                each(v, doc, V::visit_str);
                v.visit_span(span);
            }

            /// Name, request record and documentation.
            pub fn kind<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? KindDecl) {
                let KindDecl {
                    name,
                    request,
                    doc,
                    span,
                } = x;
                v.visit_ident(name);
                v.visit_ident(request);
                each(v, doc, V::visit_str);
                v.visit_span(span);
            }

            /// What the names are, each name with its label.
            pub fn labels<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? LabelsDecl) {
                let LabelsDecl { of, entries, span } = x;
                leaf(of);
                for e in entries {
                    let LabelEntry { name, label, span } = e;
                    v.visit_ident(name);
                    v.visit_str(label);
                    v.visit_span(span);
                }
                v.visit_span(span);
            }

            /// Name, value, citations and documentation.
            pub fn param<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? ParamDecl) {
                let ParamDecl {
                    replaces,
                    name,
                    value,
                    cites,
                    doc,
                    span,
                } = x;
                each(v, replaces, V::visit_span);
                v.visit_ident(name);
                v.visit_expr(value);
                each(v, cites, V::visit_citation);
                each(v, doc, V::visit_str);
                v.visit_span(span);
            }

            /// Name, type, kinds, reported key, citations, default and exceptions.
            pub fn value<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? ValueDecl) {
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
                each(v, replaces, V::visit_span);
                v.visit_ident(name);
                each(v, ty, V::visit_type);
                each(v, kinds, V::visit_ident);
                each(v, reported, V::visit_ident);
                each(v, cites, V::visit_citation);
                match body {
                    ValueBody::Expr(e) => v.visit_expr(e),
                    ValueBody::Block {
                        default,
                        exceptions,
                    } => {
                        let (e, cites) = default;
                        v.visit_expr(e);
                        each(v, cites, V::visit_citation);
                        each(v, exceptions, V::visit_value_exception);
                    }
                }
                v.visit_span(span);
            }

            /// Name, what it overrides, citations, condition, result and outcome.
            pub fn value_exception<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                x: &'ast $($mut)? ValueException,
            ) {
                let ValueException {
                    name,
                    over,
                    cites,
                    when,
                    result,
                    parts,
                    span,
                } = x;
                v.visit_ident(name);
                each(v, over, V::visit_ident);
                each(v, cites, V::visit_citation);
                v.visit_expr(when);
                v.visit_expr(result);
                each(v, parts, V::visit_outcome_part);
                v.visit_span(span);
            }

            /// Name, what it overrides, kinds, citations, consistency finding, condition and
            /// outcome.
            pub fn rule<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? RuleDecl) {
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
                leaf(role);
                each(v, replaces, V::visit_span);
                each(v, name, V::visit_ident);
                each(v, over, V::visit_ident);
                each(v, kinds, V::visit_ident);
                each(v, cites, V::visit_citation);
                if let Some(Consistent { cite, note, span }) = consistent {
                    v.visit_citation(cite);
                    v.visit_str(note);
                    v.visit_span(span);
                }
                each(v, when, V::visit_expr);
                let Outcome { effect, parts } = outcome;
                if let Some((effect, code, text)) = effect {
                    leaf(effect);
                    v.visit_ident(code);
                    v.visit_str(text);
                }
                each(v, parts, V::visit_outcome_part);
                v.visit_span(head);
                v.visit_span(span);
            }

            /// Codes, parties, expressions, texts and citations.
            pub fn outcome_part<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                x: &'ast $($mut)? OutcomePart,
            ) {
                match x {
                    OutcomePart::Reason { code, text, cites }
                    | OutcomePart::Remedy { code, text, cites } => {
                        v.visit_ident(code);
                        v.visit_str(text);
                        each(v, cites, V::visit_citation);
                    }
                    OutcomePart::Obligation {
                        code,
                        party,
                        party_as,
                        until,
                        text,
                        cites,
                    } => {
                        v.visit_ident(code);
                        v.visit_ident(party);
                        each(v, party_as, V::visit_ident);
                        each(v, until, V::visit_expr);
                        v.visit_str(text);
                        each(v, cites, V::visit_citation);
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
                        v.visit_ident(code);
                        v.visit_ident(party);
                        each(v, party_as, V::visit_ident);
                        v.visit_expr(within);
                        v.visit_expr(from);
                        if let Some(a) = as_of {
                            v.visit_expr(a);
                        }
                        each(v, met_by, V::visit_expr);
                        v.visit_str(text);
                        each(v, cites, V::visit_citation);
                    }
                    OutcomePart::Finding {
                        code,
                        severity,
                        subject,
                        text,
                        cites,
                    } => {
                        leaf(severity);
                        v.visit_ident(code);
                        v.visit_expr(subject);
                        v.visit_str(text);
                        each(v, cites, V::visit_citation);
                    }
                }
            }

            /// Name, facts, request and expectations.
            pub fn test<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? TestDecl) {
                let TestDecl {
                    name,
                    facts,
                    request,
                    expects,
                    span,
                } = x;
                v.visit_str(name);
                each(v, facts, V::visit_str);
                if let Some(TestRequest { kind, fields, span }) = request {
                    v.visit_ident(kind);
                    for (f, l) in fields {
                        v.visit_ident(f);
                        v.visit_test_literal(l);
                    }
                    v.visit_span(span);
                }
                each(v, expects, V::visit_expect);
                v.visit_span(span);
            }

            /// The names in an expectation.
            pub fn expect<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? Expect) {
                let Expect { kind, span } = x;
                match kind {
                    ExpectKind::Effect(effect, reasons) => {
                        leaf(effect);
                        each(v, reasons, V::visit_ident);
                    }
                    ExpectKind::Has(part, i) | ExpectKind::HasNo(part, i) => {
                        leaf(part);
                        v.visit_ident(i);
                    }
                    ExpectKind::Deadline(code, due, status, party) => {
                        leaf(due);
                        v.visit_ident(code);
                        each(v, status, V::visit_ident);
                        each(v, party, V::visit_str);
                    }
                    ExpectKind::Error(code) => v.visit_ident(code),
                    ExpectKind::Tier(key, member) => {
                        v.visit_ident(key);
                        v.visit_ident(member);
                    }
                }
                v.visit_span(span);
            }

            /// The field names of object literals, and the literals inside lists and objects.
            pub fn test_literal<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                x: &'ast $($mut)? TestLiteral,
            ) {
                match x {
                    TestLiteral::Date(d) => leaf(d),
                    TestLiteral::Str(s) | TestLiteral::Word(s) => leaf(s),
                    TestLiteral::Int(n) => leaf(n),
                    TestLiteral::Bool(b) => leaf(b),
                    TestLiteral::List(items) => {
                        each(v, items, V::visit_test_literal);
                    }
                    TestLiteral::Object(fields) => {
                        for (f, l) in fields {
                            v.visit_ident(f);
                            v.visit_test_literal(l);
                        }
                    }
                }
            }

            /// The expression's own span, then its operands.
            pub fn expr<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? Expr) {
                let Expr { kind, span } = x;
                v.visit_span(span);
                match kind {
                    ExprKind::Name(s) | ExprKind::Str(s) => leaf(s),
                    ExprKind::Bool(b) => leaf(b),
                    ExprKind::Int(n) => leaf(n),
                    ExprKind::Date(d) => leaf(d),
                    ExprKind::Duration { count, working } => {
                        leaf(count);
                        leaf(working);
                    }
                    ExprKind::Field(base, field) => {
                        v.visit_expr(base);
                        v.visit_ident(field);
                    }
                    ExprKind::Index(coll, key) => {
                        v.visit_expr(coll);
                        v.visit_expr(key);
                    }
                    ExprKind::Set(es) | ExprKind::List(es) => {
                        each(v, es, V::visit_expr);
                    }
                    ExprKind::Not(x) | ExprKind::IsMissing(x) | ExprKind::Exists(x) => {
                        v.visit_expr(x);
                    }
                    ExprKind::Binary(op, a, b) => {
                        leaf(op);
                        v.visit_expr(a);
                        v.visit_expr(b);
                    }
                    ExprKind::Chain(first, rest) => {
                        v.visit_expr(first);
                        for (op, x) in rest {
                            leaf(op);
                            v.visit_expr(x);
                        }
                    }
                    ExprKind::In {
                        negated,
                        elem,
                        coll,
                    } => {
                        leaf(negated);
                        v.visit_expr(elem);
                        v.visit_expr(coll);
                    }
                    ExprKind::Quant {
                        all,
                        var,
                        coll,
                        body,
                    } => {
                        leaf(all);
                        v.visit_ident(var);
                        v.visit_expr(coll);
                        v.visit_expr(body);
                    }
                    ExprKind::Applies(reg, on) => {
                        v.visit_ident(reg);
                        if let Some(d) = on {
                            v.visit_expr(d);
                        }
                    }
                    ExprKind::Each { var, coll, cond } => {
                        v.visit_ident(var);
                        v.visit_expr(coll);
                        v.visit_expr(cond);
                    }
                }
            }

            /// Name, what it reads, and its texts.
            pub fn interpretation<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                x: &'ast $($mut)? InterpretationDecl,
            ) {
                let InterpretationDecl {
                    name,
                    of,
                    says,
                    means,
                    adopted_by,
                    adopted_on,
                    span,
                } = x;
                v.visit_ident(name);
                each(v, of, V::visit_citation);
                v.visit_str(says);
                v.visit_str(means);
                v.visit_str(adopted_by);
                leaf(adopted_on);
                v.visit_span(span);
            }

            /// The regulation and each entry's articles and reason.
            pub fn coverage<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                x: &'ast $($mut)? CoverageDecl,
            ) {
                let CoverageDecl {
                    regulation,
                    entries,
                    span,
                } = x;
                v.visit_ident(regulation);
                for e in entries {
                    let CoverageEntry {
                        articles,
                        decidable,
                        reason,
                        span,
                    } = e;
                    leaf(decidable);
                    for (path, form, s) in articles {
                        leaf(path);
                        leaf(form);
                        v.visit_span(s);
                    }
                    v.visit_str(reason);
                    v.visit_span(span);
                }
                v.visit_span(span);
            }

            /// Id, title, particulars, period, chapters, articles and lost ranges.
            pub fn regulation<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                x: &'ast $($mut)? Regulation,
            ) {
                let Regulation {
                    id,
                    title,
                    issuer,
                    number,
                    rank,
                    territory,
                    in_force,
                    unavailable,
                    style,
                    chapters,
                    articles,
                    missing,
                    span,
                } = x;
                v.visit_ident(id);
                v.visit_str(title);
                each(v, issuer, V::visit_str);
                each(v, number, V::visit_str);
                each(v, rank, V::visit_ident);
                each(v, territory, V::visit_str);
                if let Some(InForce {
                    from,
                    until,
                    note,
                    span,
                }) = in_force
                {
                    leaf(from);
                    leaf(until);
                    each(v, note, V::visit_str);
                    v.visit_span(span);
                }
                each(v, unavailable, V::visit_str);
                each(v, style, V::visit_ident);
                for c in chapters {
                    let Chapter {
                        number,
                        title,
                        span,
                    } = c;
                    leaf(number);
                    v.visit_str(title);
                    v.visit_span(span);
                }
                each(v, articles, V::visit_article);
                for m in missing {
                    let Missing {
                        from,
                        to,
                        note,
                        span,
                    } = m;
                    leaf(from);
                    leaf(to);
                    v.visit_str(note);
                    v.visit_span(span);
                }
                v.visit_span(span);
            }

            /// Its dates, paragraphs, items and their defects.
            pub fn article<'ast, V: $Visit<'ast> + ?Sized>(v: &mut V, x: &'ast $($mut)? Article) {
                let Article {
                    number,
                    partial,
                    from,
                    until,
                    chapter,
                    paras,
                    single,
                    span,
                } = x;
                leaf(number);
                leaf(partial);
                dates(v, from, until);
                leaf(chapter);
                leaf(single);
                for p in paras {
                    let Para {
                        number,
                        text,
                        items,
                        from,
                        until,
                        defects,
                        span,
                    } = p;
                    leaf(number);
                    v.visit_str(text);
                    dates(v, from, until);
                    self::defects(v, defects);
                    for i in items {
                        let ItemText {
                            number,
                            text,
                            from,
                            until,
                            defects,
                            span,
                        } = i;
                        leaf(number);
                        v.visit_str(text);
                        dates(v, from, until);
                        self::defects(v, defects);
                        v.visit_span(span);
                    }
                    v.visit_span(span);
                }
                v.visit_span(span);
            }

            /// The spans of a text's dates (`from`, `until`).
            fn dates<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                from: &'ast $($mut)? Option<(Date, Span)>,
                until: &'ast $($mut)? Option<(Date, Span)>,
            ) {
                for (d, s) in [from, until].into_iter().flatten() {
                    leaf(d);
                    v.visit_span(s);
                }
            }

            /// The runs, readings and dates of known defects of a text.
            fn defects<'ast, V: $Visit<'ast> + ?Sized>(
                v: &mut V,
                defects: &'ast $($mut)? Vec<Defect>,
            ) {
                for d in defects {
                    let Defect {
                        kind,
                        run,
                        reading,
                        until,
                        span,
                    } = d;
                    leaf(kind);
                    v.visit_str(run);
                    each(v, reading, V::visit_str);
                    if let Some((d, s)) = until {
                        leaf(d);
                        v.visit_span(s);
                    }
                    v.visit_span(span);
                }
            }
        }
    };
}

visitor!(
    /// A walk over the syntax tree by shared reference; see the [module](self).
    Visit, walk, []
);

visitor!(
    /// A walk over the syntax tree by mutable reference; see the [module](self).
    VisitMut, walk_mut, [mut]
);
