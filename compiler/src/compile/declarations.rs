//! Declarations: regulations, types, facts, request kinds, interpretations and coverage notes
//! of every package, and the citations that name them.

use super::text::*;
use super::*;
use crate::cite::{self, DefaultRegulation};
use crate::diagnostics::{
    CitationError, DeclError, Declared, LintWarning, NameError, RegulationRef, TextError, TypeError,
};
use crate::ir::*;
use crate::types::{EnumDef, FieldDef, RecordDef, RecordId, Ty};
use datalex_lang::ast::{self, Item, TypeExpr};
use datalex_lang::{FileId, Span};
use rustc_hash::FxHashMap;
use std::sync::Arc;

impl Cx {
    /// The `coverage` declarations, checked against the regulation text.
    pub(super) fn coverage_notes(&mut self, packages: &[PackageSrc<'_>]) -> Vec<CoverageNote> {
        let mut out = Vec::new();
        for p in packages {
            for decl in &p.coverage {
                let Some((reg, _)) = self
                    .regulations
                    .iter()
                    .find(|(_, r)| r.id == decl.regulation.name)
                else {
                    self.diags.push(
                        CitationError::UnknownRegulation {
                            span: decl.regulation.span,
                            name: Some(decl.regulation.name.clone()),
                            named_in: RegulationRef::Coverage,
                        }
                        .into(),
                    );
                    continue;
                };
                self.symbols.record_use(
                    decl.regulation.span,
                    Key::Regulation(decl.regulation.name.clone()),
                );
                for e in &decl.entries {
                    for (path, form, span) in &e.articles {
                        let article = path.first().copied().unwrap_or(0);
                        // The path must name an article, paragraph or item the text has.
                        let citation = ast::Citation {
                            regulation: Some(decl.regulation.clone()),
                            path: path.clone(),
                            version: None,
                            form: *form,
                            reading: None,
                            span: *span,
                        };
                        match cite::resolve(&citation, &self.regulations, DefaultRegulation::None) {
                            Ok(x) => self.cite_use(&citation, &x),
                            Err(Some(d)) => {
                                self.diags.push(d);
                                continue;
                            }
                            Err(None) => {}
                        }
                        if out
                            .iter()
                            .any(|n: &CoverageNote| n.regulation == reg && n.path == *path)
                        {
                            self.diags.push(
                                DeclError::TwoCoverageNotes {
                                    span: *span,
                                    path: path.clone(),
                                }
                                .into(),
                            );
                            continue;
                        }
                        out.push(CoverageNote {
                            regulation: reg,
                            article,
                            path: path.clone(),
                            decidable: e.decidable,
                            reason: e.reason.value.clone(),
                            span: *span,
                        });
                    }
                }
            }
        }
        out
    }

    /// Warns about params and values nothing uses (the prelude's lookups aside).
    pub(super) fn unused(&mut self, packages: &[PackageSrc<'_>]) {
        for p in packages.iter().filter(|p| p.name != STD) {
            for prm in &p.params {
                if !self.used.contains(&prm.name.name) {
                    self.diags.push(
                        LintWarning::UnusedParam {
                            span: prm.name.span,
                            name: prm.name.name.clone(),
                        }
                        .into(),
                    );
                }
            }
            for v in &p.values {
                if v.reported.is_none() && !self.used.contains(&v.name.name) {
                    self.diags.push(
                        LintWarning::UnusedValue {
                            span: v.name.span,
                            name: v.name.name.clone(),
                        }
                        .into(),
                    );
                }
            }
        }
    }

    pub(super) fn declare_regulation(&mut self, r: &ast::Regulation, package: &str) {
        if let Some(prev) = self.regulations.values().find(|x| x.id == r.id.name) {
            self.diags.push(
                DeclError::DeclaredTwice {
                    kind: Declared::Regulation,
                    name: r.id.name.clone(),
                    first: prev.span,
                    again: r.id.span,
                }
                .into(),
            );
            return;
        }
        let ranks = self
            .types
            .enum_named("LegalRank")
            .map(|e| &self.types.enums[e]);
        let id = r.id.name.clone();
        self.symbols
            .declare(Key::Regulation(id.clone()), r.id.span, r.span);
        if let Some(rank) = &r.rank {
            let key = Key::Member {
                ty: "LegalRank".into(),
                name: rank.name.clone(),
            };
            self.symbols.record_use(rank.span, key);
        }
        for a in &r.articles {
            let mut declare = |path: Vec<u32>, span: Span| {
                let key = Key::Article {
                    regulation: id.clone(),
                    path,
                };
                self.symbols.declare(key, span, span);
            };
            declare(vec![a.number], a.span);
            for p in &a.paras {
                if !a.single {
                    declare(vec![a.number, p.number], p.span);
                }
                for i in &p.items {
                    declare(vec![a.number, p.number, i.number], i.span);
                }
            }
        }
        let (text, mut diags) = regulation_text(r, package, ranks);
        self.diags.append(&mut diags);
        self.regulations.alloc(text);
    }

    // ---- types, facts, kinds --------------------------------------------------------------

    pub(super) fn declare_types(&mut self, files: &[(FileId, &ast::File)]) {
        let mut records: Vec<&ast::RecordDecl> = Vec::new();
        // The name of each type declared so far, for "declared twice".
        let mut declared: FxHashMap<&str, Span> = FxHashMap::default();
        for (_, f) in files {
            for item in &f.items {
                match item {
                    Item::Enum(e) => {
                        if let Some(first) = declared.get(e.name.name.as_str()) {
                            self.diags.push(
                                DeclError::DeclaredTwice {
                                    kind: Declared::Type,
                                    name: e.name.name.clone(),
                                    first: *first,
                                    again: e.name.span,
                                }
                                .into(),
                            );
                            continue;
                        }
                        declared.insert(&e.name.name, e.name.span);
                        self.symbols
                            .declare(Key::Type(e.name.name.clone()), e.name.span, e.span);
                        self.symbols.record_type(
                            Key::Type(e.name.name.clone()),
                            Shape::Enum(e.name.name.clone()),
                        );
                        for (m, doc) in &e.members {
                            let key = Key::Member {
                                ty: e.name.name.clone(),
                                name: m.name.clone(),
                            };
                            self.symbols.declare(key.clone(), m.span, m.span);
                            if let Some(doc) = doc {
                                self.symbols.record_doc(key, &doc.value);
                            }
                        }
                        let mut levels: Vec<usize> = Vec::with_capacity(e.members.len());
                        for i in 0..e.members.len() {
                            let tie = e.ties.iter().find(|(j, _)| *j == i).map(|(_, t)| t);
                            let level = match tie {
                                None => levels.iter().max().map_or(0, |m| m + 1),
                                Some(t) => match e
                                    .members
                                    .iter()
                                    .take(i)
                                    .position(|(m, _)| m.name == t.name)
                                {
                                    Some(j) if e.ordered => levels.get(j).copied().unwrap_or(0),
                                    _ => {
                                        let error = if e.ordered {
                                            NameError::TieToLaterMember {
                                                span: t.span,
                                                tie: t.name.clone(),
                                                member: e
                                                    .members
                                                    .get(i)
                                                    .map_or("", |(m, _)| m.name.as_str())
                                                    .to_string(),
                                            }
                                        } else {
                                            NameError::TieInUnorderedEnum {
                                                span: t.span,
                                                tie: t.name.clone(),
                                            }
                                        };
                                        self.diags.push(error.into());
                                        levels.iter().max().map_or(0, |m| m + 1)
                                    }
                                },
                            };
                            levels.push(level);
                        }
                        self.types.enums.alloc(EnumDef {
                            name: e.name.name.clone(),
                            ordered: e.ordered,
                            levels,
                            members: e
                                .members
                                .iter()
                                .map(|(m, d)| (m.name.clone(), d.as_ref().map(|s| s.value.clone())))
                                .collect(),
                            doc: e.doc.as_ref().map(|s| s.value.clone()),
                            span: e.span,
                        });
                    }
                    Item::Record(r) => {
                        if let Some(first) = declared.get(r.name.name.as_str()) {
                            self.diags.push(
                                DeclError::DeclaredTwice {
                                    kind: Declared::Type,
                                    name: r.name.name.clone(),
                                    first: *first,
                                    again: r.name.span,
                                }
                                .into(),
                            );
                            continue;
                        }
                        declared.insert(&r.name.name, r.name.span);
                        self.symbols
                            .declare(Key::Type(r.name.name.clone()), r.name.span, r.span);
                        self.symbols.record_type(
                            Key::Type(r.name.name.clone()),
                            Shape::Record(r.name.name.clone()),
                        );
                        records.push(r);
                        self.types.records.alloc(RecordDef {
                            name: r.name.name.clone(),
                            fields: Vec::new(),
                            doc: r.doc.as_ref().map(|s| s.value.clone()),
                            span: r.span,
                        });
                    }
                    _ => {}
                }
            }
        }
        // INVARIANT: `records` and the records of `self.types` were allocated together, in order.
        let ids: Vec<RecordId> = self.types.records.iter().map(|(id, _)| id).collect();
        for (rid, r) in ids.into_iter().zip(&records) {
            for f in &r.fields {
                let key = Key::Field {
                    record: r.name.name.clone(),
                    name: f.name.name.clone(),
                };
                self.symbols.declare(key.clone(), f.name.span, f.name.span);
                let ty = self.resolve_type(&f.ty);
                self.symbols
                    .record_type(key.clone(), Shape::of(&self.types, &ty));
                if let Some(doc) = &f.doc {
                    self.symbols.record_doc(key, &doc.value);
                }
                let fid = self.types.fields.alloc(FieldDef {
                    record: rid,
                    name: f.name.name.clone(),
                    ty,
                    doc: f.doc.as_ref().map(|s| s.value.clone()),
                });
                self.types.records[rid].fields.push(fid);
            }
        }
    }

    pub(super) fn resolve_type(&mut self, t: &TypeExpr) -> Ty {
        match t {
            TypeExpr::List(inner, _) => Ty::List(Box::new(self.resolve_type(inner))),
            TypeExpr::Named(n) => match n.name.as_str() {
                "Bool" => Ty::Bool,
                "Int" => Ty::Int,
                "Text" => Ty::Text,
                "Date" => Ty::Date,
                "Duration" => Ty::Duration,
                other => {
                    self.symbols
                        .record_use(n.span, Key::Type(other.to_string()));
                    if let Some(e) = self.types.enum_named(other) {
                        Ty::Enum(e)
                    } else if let Some(r) = self.types.record_named(other) {
                        Ty::Record(r)
                    } else {
                        self.diags.push(
                            NameError::UnknownType {
                                span: n.span,
                                name: other.to_string(),
                            }
                            .into(),
                        );
                        Ty::Error
                    }
                }
            },
        }
    }

    pub(super) fn declare_facts_and_kinds(&mut self, files: &[(FileId, &ast::File)]) {
        for (_, f) in files {
            for item in &f.items {
                match item {
                    Item::Fact(fd) => {
                        self.symbols.declare(
                            Key::Fact(fd.name.name.clone()),
                            fd.name.span,
                            fd.span,
                        );
                        let ty = self.resolve_type(&fd.ty);
                        let not_records = TypeError::FactNotListOfRecords { span: fd.ty.span() };
                        let Ty::List(elem) = ty else {
                            self.diags.push(not_records.into());
                            continue;
                        };
                        let Ty::Record(record) = *elem else {
                            self.diags.push(not_records.into());
                            continue;
                        };
                        self.symbols.record_type(
                            Key::Fact(fd.name.name.clone()),
                            Shape::List(Box::new(Shape::of(&self.types, &Ty::Record(record)))),
                        );
                        let key = fd.keyed.as_ref().and_then(|k| {
                            let f = self.types.field(record, &k.name);
                            if f.is_some() {
                                let key = Key::Field {
                                    record: self.types.records[record].name.clone(),
                                    name: k.name.clone(),
                                };
                                self.symbols.record_use(k.span, key);
                            }
                            if f.is_none() {
                                self.diags.push(
                                    NameError::NoKeyField {
                                        span: k.span,
                                        field: k.name.clone(),
                                    }
                                    .into(),
                                );
                            }
                            f
                        });
                        self.facts.alloc(FactDef {
                            name: fd.name.name.clone(),
                            record,
                            key,
                        });
                    }
                    Item::Kind(k) => match self.types.record_named(&k.request.name) {
                        Some(request) => {
                            self.symbols.declare(
                                Key::Kind(k.name.name.clone()),
                                k.name.span,
                                k.span,
                            );
                            self.symbols
                                .record_use(k.request.span, Key::Type(k.request.name.clone()));
                            self.symbols.record_type(
                                Key::Kind(k.name.name.clone()),
                                Shape::Record(k.request.name.clone()),
                            );
                            self.kinds.alloc(KindDef {
                                name: k.name.name.clone(),
                                request,
                                label: k.doc.as_ref().map(|d| d.value.clone()),
                            });
                        }
                        None => self.diags.push(
                            NameError::UnknownRecord {
                                span: k.request.span,
                                name: k.request.name.clone(),
                            }
                            .into(),
                        ),
                    },
                    _ => {}
                }
            }
        }
    }

    // ---- packages -------------------------------------------------------------------------

    pub(super) fn cites(
        &mut self,
        cites: &[ast::Citation],
        default: DefaultRegulation,
    ) -> Vec<Cite> {
        let mut out = Vec::new();
        for c in cites {
            if let Some(name) = &c.reading {
                match self.interpretations.iter().find(|i| *i.name == *name.name) {
                    Some(i) => {
                        self.symbols
                            .record_use(name.span, Key::Interpretation(name.name.clone()));
                        self.readings_used.insert(Arc::clone(&i.name));
                        out.extend(i.of.iter().map(|x| {
                            let mut x = x.clone();
                            x.reading = Some(Arc::clone(&i.name));
                            x.sealed()
                        }));
                    }
                    None => self.diags.push(
                        NameError::UnknownInterpretation {
                            span: name.span,
                            name: name.name.clone(),
                        }
                        .into(),
                    ),
                }
                continue;
            }
            match self.resolve(c, default) {
                Ok(x) => {
                    self.cite_use(c, &x);
                    out.push(x);
                }
                Err(Some(d)) => self.diags.push(d),
                Err(None) => {}
            }
        }
        out
    }

    /// Records a resolved citation: its regulation's name, if written, and the whole as a use
    /// of the deepest part of the regulation's text it names that is declared.
    pub(super) fn cite_use(&mut self, c: &ast::Citation, x: &Cite) {
        let regulation = x.regulation_id.clone();
        if let Some(r) = &c.regulation {
            self.symbols
                .record_use(r.span, Key::Regulation(regulation.clone()));
        }
        let Some(article) = x.article else {
            // `§?`: an article of the regulation, not known which.
            let key = Key::Article {
                regulation,
                path: Vec::new(),
            };
            self.symbols.record_use(c.span, key);
            return;
        };
        let mut path = vec![article];
        path.extend(x.paragraph);
        path.extend(x.paragraph.and(x.item));
        if x.paragraph.is_none() {
            // `§45.3` of an article of one paragraph names its item 3.
            path.extend(x.item.map(|i| [1, i]).into_iter().flatten());
        }
        while path.len() > 1 {
            let key = Key::Article {
                regulation: regulation.clone(),
                path: path.clone(),
            };
            if self.symbols.find(&key).is_some() {
                break;
            }
            path.pop();
        }
        self.symbols
            .record_use(c.span, Key::Article { regulation, path });
    }

    /// The `interpretation` declarations: their provisions resolved, and what they say to be
    /// found in the text of one of them (E0127); a name declared twice is E0106.
    pub(super) fn declare_interpretations(&mut self, packages: &[PackageSrc<'_>]) {
        for p in packages {
            let default = self.own_regulation(p);
            for d in &p.interpretations {
                if let Some(prev) = self
                    .interpretations
                    .iter()
                    .find(|i| *i.name == *d.name.name)
                {
                    self.diags.push(
                        DeclError::DeclaredTwice {
                            kind: Declared::Interpretation,
                            name: d.name.name.clone(),
                            first: prev.span,
                            again: d.name.span,
                        }
                        .into(),
                    );
                    continue;
                }
                self.symbols.declare(
                    Key::Interpretation(d.name.name.clone()),
                    d.name.span,
                    d.span,
                );
                let before = self.diags.len();
                let of = self.cites(&d.of, default);
                if d.of.iter().any(|c| c.reading.is_some()) {
                    self.diags.push(
                        NameError::ReadsAnInterpretation {
                            span: d.span,
                            name: d.name.name.clone(),
                        }
                        .into(),
                    );
                }
                let texts: Vec<String> = of
                    .iter()
                    .flat_map(|c| {
                        // INVARIANT: the interpretation's citations resolved to these regulations.
                        let r = &self.regulations[c.regulation];
                        c.article
                            .into_iter()
                            .flat_map(move |n| r.versions(n))
                            .filter_map(move |a| Program::text_of(c, a))
                    })
                    .collect();
                let says = d.says.value.as_str();
                if self.diags.len() == before
                    && (says.is_empty() || !texts.iter().any(|t| t.contains(says)))
                {
                    self.diags.push(
                        TextError::SaysNotInText {
                            span: d.says.span,
                            interpretation: d.name.name.clone(),
                        }
                        .into(),
                    );
                }
                self.interpretations.push(Interpretation {
                    name: Arc::from(d.name.name.as_str()),
                    package: p.name.clone(),
                    of,
                    says: d.says.value.clone(),
                    means: d.means.value.clone(),
                    adopted_by: d.adopted_by.value.clone(),
                    adopted_on: d.adopted_on,
                    span: d.span,
                });
            }
        }
    }

    /// W0107: an interpretation nothing cites.
    pub(super) fn unused_interpretations(&mut self) {
        for i in &self.interpretations {
            if !self.readings_used.contains(&i.name) {
                self.diags.push(
                    LintWarning::UncitedInterpretation {
                        span: i.span,
                        name: i.name.to_string(),
                    }
                    .into(),
                );
            }
        }
    }
}
