//! From parsed files to a [`PolicySet`]: packages, regulations, types, and one decision plan per
//! package and request kind.

use crate::cite::{self, DefaultRegulation};
use crate::diagnostics::{
    CitationError, CycleError, Dated, DeclError, Declared, Difference, ItemNumber, LayerError,
    LintWarning, NameError, PackageRef, Provision, RankSide, RegulationRef, TextError, TypeError,
    Uncited, Verb,
};
use crate::graph;
use crate::ir::*;
use crate::lower::{self, Locals, Resolved, Resolver};
use crate::types::{EnumDef, FieldDef, RecordDef, RecordId, Ty, Types};
use datalex_lang::ast::{self, Item, PartKind, RuleRole, TypeExpr};
use datalex_lang::{Category, Diagnostic, FileId, SourceMap, Span};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// The name of the standard library package, which every package builds on.
pub const STD: &str = "std";

/// The result of compiling: the policy set if there were no errors, and every diagnostic.
#[derive(Debug)]
pub struct Compiled {
    /// The policy set, absent if any error was found.
    pub policy: Option<PolicySet>,
    /// Errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Compiles every file of `sources` (the prelude among them) into one policy set.
pub fn compile(sources: &SourceMap) -> Compiled {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    for (id, src) in sources.iter() {
        let (file, mut d) = datalex_lang::parse(id, &src.text);
        diags.append(&mut d);
        files.push((id, file));
    }
    compile_parsed(sources, &files, diags)
}

/// Compiles files already parsed: `files` are the syntax trees of the files of `sources`
/// (spans in their file, as [`datalex_lang::parse`] gives them) and `parse_diagnostics` the
/// parser's diagnostics for them. For trees and diagnostics that parsing the texts of
/// `sources` gives, the result is exactly [`compile`]'s. The texts are still needed: for the
/// policy's content hash.
///
/// The language server uses it: it keeps each file parsed item by item, and parses again
/// after an edit only the items the edit touched.
pub fn compile_parsed(
    sources: &SourceMap,
    files: &[(FileId, ast::File)],
    parse_diagnostics: Vec<Diagnostic>,
) -> Compiled {
    let mut cx = Cx {
        diags: parse_diagnostics,
        ..Cx::default()
    };
    let policy = cx.build(files, sources);
    let mut diagnostics = std::mem::take(&mut cx.diags);
    // Static analysis needs a policy without errors; its findings are warnings.
    if let Some(p) = policy
        .as_ref()
        .filter(|_| !diagnostics.iter().any(Diagnostic::is_error))
    {
        diagnostics.extend(crate::analysis::analyze(p));
        diagnostics.extend(crate::coverage::noted_but_cited(p));
        diagnostics.extend(crate::coverage::notes_blaming_the_schema(p));
    }
    diagnostics.sort_by(|a, b| {
        (a.span.file, a.span.start, a.code, &a.message).cmp(&(
            b.span.file,
            b.span.start,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup();
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Compiled {
        policy: if failed { None } else { policy },
        diagnostics,
    }
}

/// A regulation as compiled: its rank level in `ranks` (the prelude's `LegalRank`), its period,
/// and its articles with the period each version is in force; with what is wrong in them
/// (unknown rank, periods that end before they start, articles declared twice or numbered out
/// of order). The language server labels citations with it too.
pub fn regulation_text(
    r: &ast::Regulation,
    package: &str,
    ranks: Option<&EnumDef>,
) -> (RegulationText, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut rank_level = None;
    if let Some(rank) = &r.rank {
        match ranks {
            Some(e) if e.position(&rank.name).is_none() => {
                diags.push(
                    TextError::NotALegalRank {
                        span: rank.span,
                        rank: rank.name.clone(),
                        ranks: e.members.iter().map(|(m, _)| m.clone()).collect(),
                    }
                    .into(),
                );
            }
            Some(e) => rank_level = e.level(&rank.name).and_then(|l| u32::try_from(l).ok()),
            None => {}
        }
    }
    let period = r.in_force.as_ref().map_or(Period::ALWAYS, |f| Period {
        from: f.from,
        until: f.until,
    });
    if let Some(f) = &r.in_force {
        if let (Some(from), Some(until)) = (f.from, f.until) {
            if until < from {
                diags.push(
                    TextError::RegulationEndsBeforeStart {
                        span: f.span,
                        regulation: r.id.name.clone(),
                        from,
                        until,
                    }
                    .into(),
                );
            }
        }
    }
    let plan = match r.style.as_ref().map(|s| s.name.as_str()) {
        None | Some("law") => false,
        Some("plan") => true,
        Some(other) => {
            if let Some(st) = &r.style {
                diags.push(
                    TextError::UnknownStyle {
                        span: st.span,
                        style: other.to_string(),
                    }
                    .into(),
                );
            }
            false
        }
    };
    let mut articles = BTreeMap::new();
    let mut amendments: Vec<ArticleText> = Vec::new();
    for a in &r.articles {
        // A later declaration with `from` is a version of the article (an amendment).
        let earlier: Vec<&ast::Article> = r
            .articles
            .iter()
            .take_while(|x| !std::ptr::eq(*x, a))
            .filter(|x| x.number == a.number)
            .collect();
        if let Some(prev) = earlier.last() {
            let prev_from = prev.from.map(|(d, _)| d).or(period.from);
            match (a.from, prev_from) {
                (None, _) => {
                    diags.push(
                        DeclError::DeclaredTwice {
                            kind: Declared::Article,
                            name: a.number.to_string(),
                            first: prev.span,
                            again: a.span,
                        }
                        .into(),
                    );
                    continue;
                }
                (Some((from, fspan)), Some(pf)) if from <= pf => {
                    diags.push(
                        TextError::VersionOutOfOrder {
                            span: fspan,
                            article: a.number,
                            from,
                            previous: pf,
                            previous_span: prev.span,
                        }
                        .into(),
                    );
                    continue;
                }
                _ => {}
            }
        }
        if let (Some((from, _)), Some((until, uspan))) = (a.from, a.until) {
            if until < from {
                diags.push(
                    TextError::EndsBeforeStart {
                        span: uspan,
                        what: Dated::Version { article: a.number },
                        from,
                        until,
                    }
                    .into(),
                );
                continue;
            }
        }
        for (i, p) in a.paras.iter().enumerate() {
            if p.number as usize != i + 1 {
                diags.push(
                    TextError::ParagraphOutOfOrder {
                        span: p.span,
                        number: p.number,
                        article: a.number,
                        expected: i + 1,
                    }
                    .into(),
                );
            }
            part_checks(a.number, p, &mut diags);
            // A plan numbers its tasks through the whole document: there items only increase.
            let mut prev = 0;
            for (j, it) in p.items.iter().enumerate() {
                let wrong = if plan {
                    it.number <= prev
                } else {
                    it.number as usize != j + 1
                };
                if wrong {
                    let expected = if plan {
                        ItemNumber::Above(prev)
                    } else {
                        ItemNumber::Exactly(u32::try_from(j + 1).unwrap_or(u32::MAX))
                    };
                    diags.push(
                        TextError::ItemOutOfOrder {
                            span: it.span,
                            number: it.number,
                            expected,
                        }
                        .into(),
                    );
                }
                prev = it.number;
            }
        }
        // In force from its own date (or the regulation's start) to the day before the next
        // version, or its own `until`; never outside the regulation's period.
        let next_from = r
            .articles
            .iter()
            .skip_while(|x| !std::ptr::eq(*x, a))
            .skip(1)
            .find(|x| x.number == a.number)
            .and_then(|x| x.from.map(|(d, _)| d.add_days(-1)));
        let own = Period {
            from: a.from.map(|(d, _)| d).or(period.from),
            until: match (a.until.map(|(d, _)| d), next_from) {
                (Some(u), Some(n)) => Some(u.min(n)),
                (u, n) => u.or(n),
            },
        };
        let in_force = own.intersect(&period).unwrap_or(Period {
            from: own.from,
            until: own.from.map(|d| d.add_days(-1)),
        });
        let text = ArticleText::from_ast(a, in_force);
        if earlier.is_empty() {
            articles.insert(a.number, text);
        } else {
            amendments.push(text);
        }
    }
    let text = RegulationText::from_ast(r, package.to_string(), articles, amendments, rank_level);
    (text, diags)
}

/// A paragraph's and its items' own periods (E0125 when one ends before it starts) and their
/// source-copy defects (E0127 when the run is not in the text it marks).
fn part_checks(article: u32, p: &ast::Para, diags: &mut Vec<Diagnostic>) {
    let texts = std::iter::once((
        Provision::Paragraph(p.number),
        &p.text,
        p.from,
        p.until,
        &p.defects,
    ))
    .chain(p.items.iter().map(|i| {
        (
            Provision::Item(i.number),
            &i.text,
            i.from,
            i.until,
            &i.defects,
        )
    }));
    for (part, text, from, until, defects) in texts {
        if let (Some((f, _)), Some((u, uspan))) = (from, until) {
            if u < f {
                diags.push(
                    TextError::EndsBeforeStart {
                        span: uspan,
                        what: Dated::Part { part, article },
                        from: f,
                        until: u,
                    }
                    .into(),
                );
            }
        }
        for d in defects {
            if d.run.value.is_empty() || !text.value.contains(d.run.value.as_str()) {
                diags.push(
                    TextError::RunNotInText {
                        span: d.run.span,
                        kind: d.kind,
                        part,
                        article,
                        text: text.span,
                    }
                    .into(),
                );
            }
        }
    }
}

/// What a rule decides and on what authority (see `Cx::rank_conflict`).
struct Stance {
    name: String,
    rank: Option<u32>,
    source: Option<String>,
    periods: Vec<Period>,
    effect: Option<ast::Effect>,
    codes: Vec<(&'static str, String)>,
    consistent: bool,
    head: Span,
}

/// One package's declarations, gathered from all its files.
#[derive(Default)]
struct PackageSrc<'a> {
    name: String,
    extends: Option<ast::Ident>,
    files: Vec<FileId>,
    regulations: Vec<&'a ast::Regulation>,
    params: Vec<&'a ast::ParamDecl>,
    values: Vec<&'a ast::ValueDecl>,
    rules: Vec<&'a ast::RuleDecl>,
    tests: Vec<(FileId, &'a ast::TestDecl)>,
    coverage: Vec<&'a ast::CoverageDecl>,
    uses: Vec<&'a ast::UseDecl>,
    scopes: Vec<&'a ast::ScopeDecl>,
    interpretations: Vec<&'a ast::InterpretationDecl>,
}

#[derive(Default)]
struct Cx {
    diags: Vec<Diagnostic>,
    /// Names of values and params some expression used.
    used: HashSet<String>,
    /// `override`s that replaced something in some kind, and those that did not (yet).
    overrides_matched: HashSet<Span>,
    overrides_unmatched: BTreeMap<Span, (&'static str, String)>,
    types: Types,
    // INVARIANT: every `FactId`, `KindId` and `RegId` of the program is allocated here.
    facts: Arena<FactDef>,
    kinds: Arena<KindDef>,
    regulations: Arena<RegulationText>,
    interpretations: Vec<Interpretation>,
    /// Interpretations something cites.
    readings_used: HashSet<Arc<str>>,
}

impl Cx {
    fn build(&mut self, files: &[(FileId, ast::File)], sources: &SourceMap) -> Option<PolicySet> {
        let packages = self.gather(files);
        self.declare_types(files);
        self.declare_facts_and_kinds(files);
        for p in &packages {
            for r in &p.regulations {
                self.declare_regulation(r, &p.name);
            }
        }
        for sc in packages.iter().flat_map(|p| &p.scopes) {
            if let Some(r) = self
                .regulations
                .values_mut()
                .find(|r| r.id == sc.regulation.name)
            {
                r.scoped = true;
            }
        }
        self.declare_interpretations(&packages);
        let order = self.package_order(&packages);
        let mut compiled: Vec<Package> = Vec::new();
        let mut tests = Vec::new();
        for &i in &order {
            let Some(p) = packages.get(i) else { continue };
            let chain = chain_of(&packages, i);
            let mut package = self.compile_package(p, &chain, &packages);
            self.adopt_plans(p, &mut package, &compiled);
            compiled.push(package);
            for (file, t) in &p.tests {
                tests.push(self.test_case(*file, t, &p.name));
            }
        }
        self.unused(&packages);
        self.unused_interpretations();
        self.report_unmatched_overrides();
        let coverage = self.coverage_notes(&packages);
        let graph = graph::build(&self.regulations, &compiled);

        let program = Program::new(
            std::mem::take(&mut self.regulations),
            std::mem::take(&mut self.types),
            std::mem::take(&mut self.facts),
            std::mem::take(&mut self.kinds),
            compiled,
            std::mem::take(&mut self.interpretations),
            content_hash(sources),
        );
        Some(PolicySet {
            program: Arc::new(program),
            graph,
            tests,
            coverage,
        })
    }

    // ---- packages -------------------------------------------------------------------------

    fn gather<'a>(&mut self, files: &'a [(FileId, ast::File)]) -> Vec<PackageSrc<'a>> {
        let mut packages: Vec<PackageSrc<'a>> = Vec::new();
        for (fid, file) in files {
            let decl = file.items.iter().find_map(|i| match i {
                Item::Package(p) => Some(p),
                _ => None,
            });
            if let (Some(d), Some(first)) = (decl, file.items.first()) {
                if !matches!(first, Item::Package(_)) {
                    self.diags
                        .push(LayerError::PackageNotFirst { span: d.span }.into());
                }
            }
            let Some(decl) = decl else {
                if !file.items.is_empty() {
                    self.diags.push(
                        LayerError::NoPackageLine {
                            span: Span::new(*fid, 0, 0),
                        }
                        .into(),
                    );
                }
                continue;
            };
            let idx = match packages.iter().position(|p| p.name == decl.name.name) {
                Some(i) => i,
                None => {
                    packages.push(PackageSrc {
                        name: decl.name.name.clone(),
                        ..PackageSrc::default()
                    });
                    packages.len() - 1
                }
            };
            let Some(p) = packages.get_mut(idx) else {
                continue;
            };
            p.files.push(*fid);
            if let Some(ext) = &decl.extends {
                match &p.extends {
                    Some(prev) if prev.name != ext.name => self.diags.push(
                        LayerError::ExtendsTwice {
                            span: ext.span,
                            package: p.name.clone(),
                            base: prev.name.clone(),
                            first: prev.span,
                        }
                        .into(),
                    ),
                    _ => p.extends = Some(ext.clone()),
                }
            }
            for item in &file.items {
                match item {
                    Item::Regulation(r) => p.regulations.push(r),
                    Item::Param(x) => p.params.push(x),
                    Item::Value(x) => p.values.push(x),
                    Item::Rule(x) => p.rules.push(x),
                    Item::Test(x) => p.tests.push((*fid, x)),
                    Item::Coverage(x) => p.coverage.push(x),
                    Item::Use(x) => p.uses.push(x),
                    Item::Scope(x) => p.scopes.push(x),
                    Item::Interpretation(x) => p.interpretations.push(x),
                    Item::Package(extra) if !std::ptr::eq(extra, decl) => {
                        self.diags.push(
                            LayerError::TwoPackageLines {
                                span: extra.span,
                                first: decl.span,
                            }
                            .into(),
                        );
                    }
                    _ => {}
                }
            }
        }
        packages
    }

    /// The `coverage` declarations, checked against the regulation text.
    fn coverage_notes(&mut self, packages: &[PackageSrc<'_>]) -> Vec<CoverageNote> {
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
                for e in &decl.entries {
                    for (path, span) in &e.articles {
                        let article = path.first().copied().unwrap_or(0);
                        // The path must name an article, paragraph or item the text has.
                        let citation = ast::Citation {
                            regulation: Some(decl.regulation.clone()),
                            path: path.clone(),
                            version: None,
                            reading: None,
                            span: *span,
                        };
                        if let Err(Some(d)) =
                            cite::resolve(&citation, &self.regulations, DefaultRegulation::None)
                        {
                            self.diags.push(d);
                            continue;
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
    fn unused(&mut self, packages: &[PackageSrc<'_>]) {
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

    /// Packages in dependency order; reports unknown bases and cycles.
    fn package_order(&mut self, packages: &[PackageSrc<'_>]) -> Vec<usize> {
        for p in packages {
            if let Some(ext) = &p.extends {
                if !packages.iter().any(|q| q.name == ext.name) {
                    self.diags.push(
                        LayerError::UnknownPackage {
                            span: ext.span,
                            name: ext.name.clone(),
                            named_in: PackageRef::Extends,
                        }
                        .into(),
                    );
                }
            }
        }
        let mut order = Vec::new();
        let mut state = vec![0u8; packages.len()];
        fn visit(
            i: usize,
            packages: &[PackageSrc<'_>],
            state: &mut [u8],
            order: &mut Vec<usize>,
            diags: &mut Vec<Diagnostic>,
        ) {
            match state.get(i) {
                Some(2) | None => return,
                Some(1) => {
                    if let Some(ext) = packages.get(i).and_then(|p| p.extends.as_ref()) {
                        diags.push(LayerError::ExtendsCycle { span: ext.span }.into());
                    }
                    return;
                }
                _ => {}
            }
            if let Some(s) = state.get_mut(i) {
                *s = 1;
            }
            let deps: Vec<usize> = packages
                .get(i)
                .map(|p| {
                    p.extends
                        .iter()
                        .chain(p.uses.iter().map(|u| &u.package))
                        .filter_map(|e| packages.iter().position(|q| q.name == e.name))
                        .collect()
                })
                .unwrap_or_default();
            for dep in deps {
                visit(dep, packages, state, order, diags);
            }
            if let Some(s) = state.get_mut(i) {
                *s = 2;
            }
            order.push(i);
        }
        for i in 0..packages.len() {
            visit(i, packages, &mut state, &mut order, &mut self.diags);
        }
        order
    }

    // ---- regulations ----------------------------------------------------------------------

    fn declare_regulation(&mut self, r: &ast::Regulation, package: &str) {
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
        let (text, mut diags) = regulation_text(r, package, ranks);
        self.diags.append(&mut diags);
        self.regulations.alloc(text);
    }

    // ---- types, facts, kinds --------------------------------------------------------------

    fn declare_types(&mut self, files: &[(FileId, ast::File)]) {
        let mut records: Vec<&ast::RecordDecl> = Vec::new();
        // The name of each type declared so far, for "declared twice".
        let mut declared: HashMap<&str, Span> = HashMap::new();
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
                let ty = self.resolve_type(&f.ty);
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

    fn resolve_type(&mut self, t: &TypeExpr) -> Ty {
        match t {
            TypeExpr::List(inner, _) => Ty::List(Box::new(self.resolve_type(inner))),
            TypeExpr::Named(n) => match n.name.as_str() {
                "Bool" => Ty::Bool,
                "Int" => Ty::Int,
                "Text" => Ty::Text,
                "Date" => Ty::Date,
                "Duration" => Ty::Duration,
                other => {
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

    fn declare_facts_and_kinds(&mut self, files: &[(FileId, ast::File)]) {
        for (_, f) in files {
            for item in &f.items {
                match item {
                    Item::Fact(fd) => {
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
                        let key = fd.keyed.as_ref().and_then(|k| {
                            let f = self.types.field(record, &k.name);
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
                            self.kinds.alloc(KindDef {
                                name: k.name.name.clone(),
                                request,
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

    fn compile_package(
        &mut self,
        p: &PackageSrc<'_>,
        chain: &[&PackageSrc<'_>],
        _all: &[PackageSrc<'_>],
    ) -> Package {
        let own_reg = self.own_regulation(p);
        // Params visible in the package: the chain's, later packages shadowing earlier ones.
        let mut params: HashMap<String, (Ex, Ty)> = HashMap::new();
        let mut param_origin: HashMap<String, String> = HashMap::new();
        let mut param_defs = Vec::new();
        for q in chain {
            let reg = self.own_regulation(q);
            for prm in &q.params {
                let mut sink = ConstResolver { cx: self };
                let mut locals = Locals::default();
                let lowered = lower::lower(&mut sink, &mut locals, &prm.value, None);
                let cites = self.cites(&prm.cites, reg);
                if prm.cites.is_empty() && q.name == p.name {
                    self.diags.push(
                        DeclError::CitesNothing {
                            span: prm.name.span,
                            what: Uncited::Param(prm.name.name.clone()),
                        }
                        .into(),
                    );
                }
                if let Some(first) = q
                    .params
                    .iter()
                    .take_while(|x| !std::ptr::eq(**x, *prm))
                    .find(|x| x.name.name == prm.name.name)
                {
                    self.diags.push(
                        DeclError::DeclaredTwice {
                            kind: Declared::Param,
                            name: prm.name.name.clone(),
                            first: first.name.span,
                            again: prm.name.span,
                        }
                        .into(),
                    );
                }
                let base = param_origin
                    .get(&prm.name.name)
                    .filter(|o| **o != q.name)
                    .cloned();
                self.check_replacement("param", &prm.name, prm.replaces, base.as_deref());
                param_origin.insert(prm.name.name.clone(), q.name.clone());
                // A param is missing while nothing it cites is in force.
                let lowered = if cites.is_empty() {
                    lowered
                } else {
                    (Ex::Grounded(cites.clone(), Box::new(lowered.0)), lowered.1)
                };
                params.insert(prm.name.name.clone(), lowered);
                param_defs.push(ParamDef {
                    name: format!("{}.{}", q.name, prm.name.name),
                    source: render_expr_source(&prm.value),
                    cites,
                    doc: prm.doc.as_ref().map(|d| d.value.clone()),
                });
            }
        }
        let mut plans = Vec::new();
        let kinds: Vec<(KindId, KindDef)> =
            self.kinds.iter().map(|(id, k)| (id, k.clone())).collect();
        for (kind_id, kind) in kinds {
            let mentions = |q: &&PackageSrc<'_>| {
                q.rules
                    .iter()
                    .any(|r| r.kinds.iter().any(|k| k.name == kind.name))
                    || q.values
                        .iter()
                        .any(|v| v.kinds.iter().any(|k| k.name == kind.name))
            };
            if !chain.iter().any(mentions) {
                continue;
            }
            // Values are checked for every kind they name; only kinds with rules get a plan.
            let plan = self.compile_plan(p, chain, kind_id, &kind, &params);
            if plan.rules().next().is_some() {
                plans.push(plan);
            }
        }
        self.check_kinds(p);
        Package {
            name: p.name.clone(),
            extends: p.extends.as_ref().map(|e| e.name.clone()),
            regulation: own_reg.id(),
            plans,
            params: param_defs,
            files: p.files.clone(),
        }
    }

    fn check_kinds(&mut self, p: &PackageSrc<'_>) {
        let known: HashSet<String> = self.kinds.values().map(|k| k.name.clone()).collect();
        let mut bad = Vec::new();
        for r in &p.rules {
            bad.extend(r.kinds.iter().filter(|k| !known.contains(&k.name)).cloned());
        }
        for v in &p.values {
            bad.extend(v.kinds.iter().filter(|k| !known.contains(&k.name)).cloned());
        }
        let mut kinds: Vec<String> = known.into_iter().collect();
        kinds.sort();
        for k in bad {
            self.diags.push(
                NameError::UnknownKind {
                    span: k.span,
                    name: k.name,
                    kinds: kinds.clone(),
                }
                .into(),
            );
        }
    }

    /// `use zunyi for develop`: the package decides those kinds with the plans of the package it
    /// names (compiled before it), and must have no rules of its own for them.
    fn adopt_plans(&mut self, p: &PackageSrc<'_>, package: &mut Package, compiled: &[Package]) {
        for u in &p.uses {
            let Some(source) = compiled.iter().find(|c| c.name == u.package.name) else {
                self.diags.push(
                    LayerError::UnknownPackage {
                        span: u.package.span,
                        name: u.package.name.clone(),
                        named_in: PackageRef::Use,
                    }
                    .into(),
                );
                continue;
            };
            for k in &u.kinds {
                if package.plan(&k.name).is_some() {
                    self.diags.push(
                        LayerError::UsesKindItDecides {
                            span: k.span,
                            package: p.name.clone(),
                            kind: k.name.clone(),
                            used: u.package.name.clone(),
                        }
                        .into(),
                    );
                    continue;
                }
                match source.plan(&k.name) {
                    Some(plan) => package.plans.push(plan.clone()),
                    None => self.diags.push(
                        LayerError::NothingToUse {
                            span: k.span,
                            used: u.package.name.clone(),
                            kind: k.name.clone(),
                        }
                        .into(),
                    ),
                }
            }
        }
    }

    /// A declaration that shares its name with one of a base package must say `override`, and
    /// only such a declaration may (requirement 10 of the language: layers never override
    /// silently).
    fn check_replacement(
        &mut self,
        what: &'static str,
        name: &ast::Ident,
        replaces: Option<Span>,
        base: Option<&str>,
    ) {
        match (replaces, base) {
            (None, Some(base)) => self.diags.push(
                LayerError::SilentReplacement {
                    span: name.span,
                    what,
                    name: name.name.clone(),
                    base: base.to_string(),
                }
                .into(),
            ),
            // A rule for several kinds may replace a base rule for one of them only: whether an
            // `override` replaced nothing is judged once every kind is compiled.
            (Some(at), None) => {
                self.overrides_unmatched
                    .entry(at)
                    .or_insert_with(|| (what, name.name.clone()));
            }
            (Some(at), Some(_)) => {
                self.overrides_matched.insert(at);
            }
            (None, None) => {}
        }
    }

    /// E0122 for every `override` that replaced nothing in any request kind.
    fn report_unmatched_overrides(&mut self) {
        let pending = std::mem::take(&mut self.overrides_unmatched);
        for (at, (what, name)) in pending {
            if !self.overrides_matched.contains(&at) {
                self.diags.push(
                    LayerError::OverrideOfNothing {
                        span: at,
                        what,
                        name,
                    }
                    .into(),
                );
            }
        }
    }

    /// What a rule decides and on what authority, for rank conflicts; citations that do not
    /// resolve are left out (they are reported where the rule is compiled).
    fn stance_of(&self, r: &ast::RuleDecl, reg: DefaultRegulation) -> Stance {
        let cites: Vec<Cite> = r
            .cites
            .iter()
            .filter_map(|c| cite::resolve(c, &self.regulations, reg).ok())
            .collect();
        // INVARIANT: citations resolve to the regulations they were resolved against.
        let source = cites.first().map(|c| &self.regulations[c.regulation]);
        let codes = r
            .outcome
            .parts
            .iter()
            .filter_map(|p| match p {
                ast::OutcomePart::Obligation { code, .. } => {
                    Some(("obligation", code.name.clone()))
                }
                ast::OutcomePart::Deadline { code, .. } => Some(("deadline", code.name.clone())),
                ast::OutcomePart::Remedy { code, .. } => Some(("remedy", code.name.clone())),
                _ => None,
            })
            .collect();
        Stance {
            name: r
                .name
                .as_ref()
                .map_or_else(|| "otherwise".to_string(), |n| n.name.clone()),
            rank: source.and_then(|s| s.rank_level),
            source: source.map(|s| {
                let rank = s
                    .rank
                    .as_deref()
                    .map(|k| self.rank_name(k))
                    .unwrap_or_default();
                format!("《{}》, {rank}", s.title)
            }),
            periods: cites
                .iter()
                .flat_map(|c| c.periods.iter().copied())
                .collect(),
            effect: r.outcome.effect.as_ref().map(|(e, _, _)| *e),
            codes,
            consistent: r.consistent.is_some(),
            head: r.head,
        }
    }

    /// A `LegalRank` member as people say it (its documentation: 地方政府规章).
    fn rank_name(&self, member: &str) -> String {
        self.types
            .enum_named("LegalRank")
            .map(|e| &self.types.enums[e])
            .and_then(|e| e.members.iter().find(|(m, _)| m == member))
            .and_then(|(_, d)| d.clone())
            .unwrap_or_else(|| member.to_string())
    }

    /// E0124 when `lower` (of a lower rank) overrides or replaces `higher` while both are in
    /// force, and decides otherwise (another effect, or without one of its obligations,
    /// deadlines or remedies), unless it says it is `consistent with` it.
    fn rank_conflict(&mut self, lower: &Stance, higher: &Stance, verb: Verb) {
        let (Some(lo), Some(hi)) = (lower.rank, higher.rank) else {
            return;
        };
        if lo >= hi || lower.consistent {
            return;
        }
        let overlap = lower
            .periods
            .iter()
            .flat_map(|p| higher.periods.iter().filter_map(move |q| p.intersect(q)))
            .next();
        let Some(overlap) = overlap else { return };
        let differs = match (lower.effect, higher.effect) {
            (Some(a), Some(b)) if a != b => Some(Difference::Effect {
                lower: a,
                higher: b,
            }),
            _ => higher
                .codes
                .iter()
                .find(|c| !lower.codes.contains(c))
                .map(|(part, code)| Difference::LeavesOut {
                    part,
                    code: code.clone(),
                }),
        };
        let Some(differs) = differs else { return };
        let side = |s: &Stance| RankSide {
            name: s.name.clone(),
            source: s.source.clone(),
            head: s.head,
        };
        self.diags.push(
            LayerError::RankConflict {
                lower: side(lower),
                higher: side(higher),
                verb,
                overlap,
                differs,
            }
            .into(),
        );
    }

    /// The regulation a bare `§N` in package `p` cites.
    fn own_regulation(&self, p: &PackageSrc<'_>) -> DefaultRegulation {
        match p.regulations.as_slice() {
            [one] => self
                .regulations
                .iter()
                .find(|(_, r)| r.id == one.id.name)
                .map_or(DefaultRegulation::Hidden, |(id, _)| {
                    DefaultRegulation::One(id)
                }),
            // A regulation may be among the items a syntax error skipped: say nothing more.
            _ if self.diags.iter().any(|d| {
                d.code.category() == Category::Syntax && p.files.contains(&d.span.file)
            }) =>
            {
                DefaultRegulation::Hidden
            }
            [] => DefaultRegulation::None,
            several => DefaultRegulation::Several(several.len()),
        }
    }

    fn cites(&mut self, cites: &[ast::Citation], default: DefaultRegulation) -> Vec<Cite> {
        let mut out = Vec::new();
        for c in cites {
            if let Some(name) = &c.reading {
                match self.interpretations.iter().find(|i| *i.name == *name.name) {
                    Some(i) => {
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
            match cite::resolve(c, &self.regulations, default) {
                Ok(x) => out.push(x),
                Err(Some(d)) => self.diags.push(d),
                Err(None) => {}
            }
        }
        out
    }

    /// The `interpretation` declarations: their provisions resolved, and what they say to be
    /// found in the text of one of them (E0127); a name declared twice is E0106.
    fn declare_interpretations(&mut self, packages: &[PackageSrc<'_>]) {
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
    fn unused_interpretations(&mut self) {
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

    fn compile_plan(
        &mut self,
        p: &PackageSrc<'_>,
        chain: &[&PackageSrc<'_>],
        kind_id: KindId,
        kind: &KindDef,
        params: &HashMap<String, (Ex, Ty)>,
    ) -> KindPlan {
        // Values visible for this kind: later packages in the chain shadow earlier ones.
        let mut value_decls: HashMap<String, (&ast::ValueDecl, DefaultRegulation, String)> =
            HashMap::new();
        for q in chain {
            let reg = self.own_regulation(q);
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for v in &q.values {
                if !v.kinds.iter().any(|k| k.name == kind.name) {
                    continue;
                }
                if let Some(prev) = seen.insert(v.name.name.as_str(), v.name.span) {
                    self.diags.push(
                        DeclError::DeclaredTwice {
                            kind: Declared::Value,
                            name: v.name.name.clone(),
                            first: prev,
                            again: v.name.span,
                        }
                        .into(),
                    );
                }
                let base = value_decls
                    .get(&v.name.name)
                    .map(|(_, _, pk)| pk.clone())
                    .filter(|pk| *pk != q.name);
                self.check_replacement("value", &v.name, v.replaces, base.as_deref());
                value_decls.insert(v.name.name.clone(), (v, reg, q.name.clone()));
            }
        }
        let mut b = PlanBuilder {
            cx: self,
            kind: kind.clone(),
            params,
            value_decls,
            value_state: HashMap::new(),
            values: Arena::new(),
            value_uses: ArenaMap::default(),
            uses: Vec::new(),
            max_locals: 0,
        };
        // Rules of the chain; a later package's rule with the same name replaces the earlier one.
        // The rules of the chain in declaration order (base packages first). A slot emptied by a
        // replacement keeps the order of the rest; `by_name` indexes the live slots, with the
        // `otherwise` under the key "" (names cannot be empty).
        let mut slots: Vec<Option<(&ast::RuleDecl, DefaultRegulation, usize)>> = Vec::new();
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        for (qi, q) in chain.iter().enumerate() {
            let reg = b.cx.own_regulation(q);
            for r in &q.rules {
                if !r.kinds.iter().any(|k| k.name == kind.name) {
                    continue;
                }
                let key = match (&r.name, r.role) {
                    (Some(n), _) => n.name.as_str(),
                    (None, _) => "",
                };
                let existing = by_name
                    .get(key)
                    .copied()
                    .and_then(|i| slots.get(i).copied().flatten().map(|s| (i, s)));
                match existing {
                    // Declared twice in the same package.
                    Some((_, (prev, _, pk))) if pk == qi => {
                        let error = if key.is_empty() {
                            DeclError::TwoDefaults {
                                kind: kind.name.clone(),
                                first: prev.head,
                                again: r.head,
                            }
                        } else {
                            DeclError::DeclaredTwice {
                                kind: Declared::Rule,
                                name: key.to_string(),
                                first: prev.head,
                                again: r.head,
                            }
                        };
                        b.cx.diags.push(error.into());
                        continue;
                    }
                    // The same rule in a base package: only `override` replaces it, and a
                    // lower-rank replacement of a higher-rank rule must not contradict it.
                    Some((i, (prev, prev_reg, pk))) => {
                        let lower = b.cx.stance_of(r, reg);
                        let higher = b.cx.stance_of(prev, prev_reg);
                        b.cx.rank_conflict(&lower, &higher, Verb::Replaces);
                        let written = r.name.clone().unwrap_or_else(|| ast::Ident {
                            name: format!("otherwise on {}", kind.name),
                            span: r.head,
                        });
                        let base = chain.get(pk).map(|q| q.name.clone());
                        b.cx.check_replacement(
                            r.role.keyword(),
                            &written,
                            r.replaces,
                            base.as_deref(),
                        );
                        if let Some(slot) = slots.get_mut(i) {
                            *slot = None;
                        }
                    }
                    None => {
                        let written = r.name.clone().unwrap_or_else(|| ast::Ident {
                            name: format!("otherwise on {}", kind.name),
                            span: r.head,
                        });
                        b.cx.check_replacement(r.role.keyword(), &written, r.replaces, None);
                    }
                }
                by_name.insert(key, slots.len());
                slots.push(Some((r, reg, qi)));
            }
        }
        // INVARIANT: every rule of the plan is allocated here, in declaration order, and its
        // declaration is in `decls` under its id; `b.uses` gets one entry per rule, in the same
        // order (`b.rule` pushes it).
        let mut rules: Arena<RuleDef> = Arena::new();
        let mut decls: ArenaMap<RuleId, (&ast::RuleDecl, DefaultRegulation, String)> =
            ArenaMap::default();
        for (r, reg, qi) in slots.into_iter().flatten() {
            let pkg = chain.get(qi).map(|q| q.name.clone()).unwrap_or_default();
            let id = rules.alloc(b.rule(r, reg, &pkg));
            decls.insert(id, (r, reg, pkg));
        }
        // Overrides.
        let index: HashMap<&str, RuleId> = decls
            .iter()
            .filter_map(|(i, (d, _, _))| d.name.as_ref().map(|n| (n.name.as_str(), i)))
            .collect();
        // For each rule, the `over` names it wrote, with their targets.
        let mut over_spans: ArenaMap<RuleId, Vec<(RuleId, Span)>> =
            rules.iter().map(|(i, _)| (i, Vec::new())).collect();
        for (i, (d, _, _)) in decls.iter() {
            for o in &d.over {
                match index.get(o.name.as_str()).copied() {
                    Some(j) if j == i => b.cx.diags.push(
                        CycleError::OverridesItself {
                            span: o.span,
                            name: o.name.clone(),
                        }
                        .into(),
                    ),
                    Some(j)
                        if !matches!(
                            decls.get(j).map(|(d, _, _)| d.role),
                            Some(RuleRole::Rule | RuleRole::Exception)
                        ) =>
                    {
                        b.cx.diags.push(
                            NameError::NotOverridable {
                                span: o.span,
                                name: o.name.clone(),
                            }
                            .into(),
                        )
                    }
                    Some(j) => {
                        rules[i].overrides.push(j);
                        if let Some(s) = over_spans.get_mut(i) {
                            s.push((j, o.span));
                        }
                    }
                    None => b.cx.diags.push(
                        NameError::NotARuleHere {
                            span: o.span,
                            name: o.name.clone(),
                            kind: kind.name.clone(),
                        }
                        .into(),
                    ),
                }
            }
        }
        // A rule of this package grounded in nothing that is in force while the package's own
        // regulation is: it can never apply to a request the package decides.
        let own_period =
            b.cx.own_regulation(p)
                .id()
                .map(|r| b.cx.regulations[r].in_force);
        for (i, (d, _, pkg)) in decls.iter() {
            let (rule, Some(own)) = (&rules[i], own_period) else {
                continue;
            };
            if *pkg != p.name || rule.role == RuleRole::Otherwise || rule.cites.is_empty() {
                continue;
            }
            let grounded = rule
                .cites
                .iter()
                .flat_map(|c| c.periods.iter())
                .any(|q| q.intersect(&own).is_some());
            if !grounded {
                b.cx.diags.push(
                    LintWarning::NeverInForce {
                        span: d.head,
                        rule: rule.name.to_string(),
                        package: p.name.clone(),
                        period: own,
                    }
                    .into(),
                );
            }
        }
        // 上位法优先: an exception of a lower rank over a higher-rank rule in force at the same time.
        for (i, (d, reg, _)) in decls.iter() {
            let rule = &rules[i];
            for &j in &rule.overrides {
                if let Some((t, treg, _)) = decls.get(j) {
                    let lower = b.cx.stance_of(d, *reg);
                    let higher = b.cx.stance_of(t, *treg);
                    b.cx.rank_conflict(&lower, &higher, Verb::Overrides);
                }
            }
        }
        let mut in_force: Vec<(RegId, Period)> = Vec::new();
        for r in rules.values().filter(|r| r.role != RuleRole::Otherwise) {
            for c in &r.cites {
                for p in &c.periods {
                    if !in_force.contains(&(c.regulation, *p)) {
                        in_force.push((c.regulation, *p));
                    }
                }
            }
        }
        // Whom each source applies to, for the rules grounded in it.
        let mut scopes = Vec::new();
        for q in chain {
            for sc in &q.scopes {
                if !sc.kinds.iter().any(|k| k.name == kind.name) {
                    continue;
                }
                let Some(reg) = b.regulation(&sc.regulation.name) else {
                    b.cx.diags.push(
                        CitationError::UnknownRegulation {
                            span: sc.regulation.span,
                            name: Some(sc.regulation.name.clone()),
                            named_in: RegulationRef::Scope,
                        }
                        .into(),
                    );
                    continue;
                };
                if sc.cites.is_empty() {
                    b.cx.diags.push(
                        DeclError::CitesNothing {
                            span: sc.regulation.span,
                            what: Uncited::Scope(sc.regulation.name.clone()),
                        }
                        .into(),
                    );
                }
                let _ = b.cx.cites(&sc.cites, DefaultRegulation::One(reg));
                let mut locals = Locals::default();
                let ex = lower::lower_bool(&mut b, &mut locals, &sc.when);
                b.max_locals = b.max_locals.max(locals.count());
                if scopes.iter().any(|(r, _)| *r == reg) {
                    b.cx.diags.push(
                        DeclError::TwoScopes {
                            span: sc.span,
                            regulation: sc.regulation.name.clone(),
                            kind: kind.name.clone(),
                        }
                        .into(),
                    );
                    continue;
                }
                scopes.push((reg, ex));
            }
        }
        if let Some(cycle) = graph::override_cycle(&rules) {
            // Point at the `over` names that close the cycle.
            let in_cycle = |i: RuleId| -> Option<Span> {
                over_spans
                    .get(i)?
                    .iter()
                    .find(|(t, _)| cycle.contains(t))
                    .map(|(_, s)| *s)
            };
            b.cx.diags.push(
                CycleError::Rules {
                    span: cycle.first().and_then(|&i| in_cycle(i)).unwrap_or_default(),
                    names: cycle
                        .iter()
                        .filter_map(|i| decls.get(*i))
                        .filter_map(|(d, _, _)| d.name.as_ref())
                        .map(|n| n.name.clone())
                        .collect(),
                    others: cycle.iter().skip(1).filter_map(|&i| in_cycle(i)).collect(),
                }
                .into(),
            );
        } else {
            graph::assign_depths(&mut rules);
        }
        // Transitive value uses.
        for ((_, rule), uses) in rules.iter_mut().zip(std::mem::take(&mut b.uses)) {
            rule.uses_values = b.closure(uses);
        }
        let mut guards = Vec::new();
        let mut deciding = Vec::new();
        let mut checks = Vec::new();
        let mut otherwise = None;
        // INVARIANT: each rule is in exactly one of the role lists, in declaration order.
        for (i, r) in rules.iter() {
            match r.role {
                RuleRole::Guard => guards.push(i),
                RuleRole::Rule | RuleRole::Exception => deciding.push(i),
                RuleRole::Check => checks.push(i),
                RuleRole::Otherwise => {
                    otherwise = Some(i);
                }
            }
        }
        // Guards that may not fire, and rules, need a default; so does a kind with only checks,
        // which would otherwise never decide.
        if otherwise.is_none() && (!deciding.is_empty() || !guards.is_empty() || !checks.is_empty())
        {
            let span = decls
                .values()
                .find(|(d, _, pk)| pk == &p.name && d.role != RuleRole::Check)
                .or(decls.values().next())
                .map(|(d, _, _)| d.head)
                .unwrap_or_default();
            b.cx.diags.push(
                DeclError::NoOtherwise {
                    span,
                    kind: kind.name.clone(),
                }
                .into(),
            );
        }
        // Reported values.
        let mut reported = Vec::new();
        // In name order: `value_decls` is a hash map, and the order values are first lowered in
        // is the order of their ids in the plan.
        let mut decl_names: Vec<String> = b.value_decls.keys().cloned().collect();
        decl_names.sort_unstable();
        for name in &decl_names {
            let key = b
                .value_decls
                .get(name)
                .and_then(|(v, _, _)| v.reported.as_ref().map(|k| k.name.clone()));
            if let Some(key) = key {
                if let Some(Resolved::Value(id, _)) = b.resolve(name, Span::default()) {
                    reported.push((key, id));
                }
            }
        }
        reported.sort();
        // Lower every value, used or not, so their errors are reported.
        for name in &decl_names {
            let _ = b.resolve(name, Span::default());
        }
        let max_locals = b.max_locals;
        let values = std::mem::take(&mut b.values);
        KindPlan {
            kind: kind.name.clone(),
            kind_id,
            values,
            rules,
            guards,
            deciding,
            checks,
            otherwise,
            reported,
            scopes,
            in_force,
            max_locals,
        }
    }

    fn test_case(&mut self, file: FileId, t: &ast::TestDecl, package: &str) -> TestCase {
        let request = t.request.as_ref().map(|r| {
            let mut fields = vec![format!("\"kind\":{}", json_str(&r.kind.name))];
            for (name, lit) in &r.fields {
                fields.push(format!("{}:{}", json_str(&name.name), literal_json(lit)));
            }
            format!("{{{}}}", fields.join(","))
        });
        if t.request.is_none() {
            self.diags
                .push(DeclError::TestWithoutRequest { span: t.name.span }.into());
        }
        TestCase {
            name: t.name.value.clone(),
            package: package.to_string(),
            file,
            facts: t.facts.as_ref().map(|f| f.value.clone()),
            request,
            expects: t.expects.iter().map(|e| e.kind.clone()).collect(),
            span: t.span,
        }
    }
}

fn placeholder_value() -> ValueDef {
    ValueDef {
        name: Arc::from(""),
        ty: Ty::Error,
        default: Ex::Const(Const::Bool(false)),
        cites: Vec::new(),
        exceptions: Arena::new(),
        plumbing: true,
        grounds: Vec::new(),
        span: Span::default(),
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn literal_json(l: &ast::TestLiteral) -> String {
    match l {
        ast::TestLiteral::Date(d) => json_str(&d.to_string()),
        ast::TestLiteral::Str(s) | ast::TestLiteral::Word(s) => json_str(s),
        ast::TestLiteral::Int(i) => i.to_string(),
        ast::TestLiteral::Bool(b) => b.to_string(),
        ast::TestLiteral::List(items) => format!(
            "[{}]",
            items.iter().map(literal_json).collect::<Vec<_>>().join(",")
        ),
        ast::TestLiteral::Object(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(k, v)| format!("{}:{}", json_str(&k.name), literal_json(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

fn chain_of<'a, 'b>(packages: &'b [PackageSrc<'a>], i: usize) -> Vec<&'b PackageSrc<'a>> {
    let mut chain = Vec::new();
    let mut seen = HashSet::new();
    let mut cur = Some(i);
    while let Some(c) = cur {
        if !seen.insert(c) {
            break;
        }
        let Some(p) = packages.get(c) else { break };
        chain.push(p);
        cur = p
            .extends
            .as_ref()
            .and_then(|e| packages.iter().position(|q| q.name == e.name));
    }
    if let Some(std_pkg) = packages.iter().position(|q| q.name == STD) {
        if !seen.contains(&std_pkg) {
            if let Some(p) = packages.get(std_pkg) {
                chain.push(p);
            }
        }
    }
    chain.reverse();
    chain
}

fn content_hash(sources: &SourceMap) -> String {
    let mut files: Vec<_> = sources.iter().map(|(_, s)| s).collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut h = Sha256::new();
    for f in files {
        h.update(f.name.as_bytes());
        h.update([0]);
        h.update(f.text.as_bytes());
        h.update([0]);
    }
    format!("sha256:{}", hex(&h.finalize()))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An expression's source text with whitespace folded, for traces.
fn render_expr_source(e: &ast::Expr) -> String {
    crate::source::expr_to_string(e)
}

/// The facts a param's value sees: none.
static NO_FACTS: Arena<FactDef> = Arena::new();

/// Lowers params: only constants and enum members are in scope.
struct ConstResolver<'a> {
    cx: &'a mut Cx,
}

impl Resolver for ConstResolver<'_> {
    fn types(&self) -> &Types {
        &self.cx.types
    }
    fn facts(&self) -> &Arena<FactDef> {
        &NO_FACTS
    }
    fn request(&self) -> Option<RecordId> {
        None
    }
    fn resolve(&mut self, _name: &str, _span: Span) -> Option<Resolved> {
        None
    }
    fn report(&mut self, d: Diagnostic) {
        self.cx.diags.push(d);
    }
}

enum ValueState {
    InProgress(Span),
    Done(ValueId, Ty),
}

/// Builds one [`KindPlan`]; lowers values on demand, detecting cycles between them.
struct PlanBuilder<'c, 'd> {
    cx: &'c mut Cx,
    kind: KindDef,
    params: &'d HashMap<String, (Ex, Ty)>,
    value_decls: HashMap<String, (&'d ast::ValueDecl, DefaultRegulation, String)>,
    value_state: HashMap<String, ValueState>,
    /// The plan's values: each allocated (as a placeholder) when its lowering starts.
    values: Arena<ValueDef>,
    /// Values each value uses directly.
    value_uses: ArenaMap<ValueId, Vec<ValueId>>,
    /// Values each rule uses directly, by rule index.
    uses: Vec<Vec<ValueId>>,
    max_locals: usize,
}

impl Resolver for PlanBuilder<'_, '_> {
    fn types(&self) -> &Types {
        &self.cx.types
    }
    fn facts(&self) -> &Arena<FactDef> {
        &self.cx.facts
    }
    fn request(&self) -> Option<RecordId> {
        Some(self.kind.request)
    }
    fn resolve(&mut self, name: &str, span: Span) -> Option<Resolved> {
        match self.value_state.get(name) {
            Some(ValueState::Done(id, ty)) => return Some(Resolved::Value(*id, ty.clone())),
            Some(ValueState::InProgress(at)) => {
                let at = *at;
                self.cx.diags.push(
                    CycleError::ValueDependsOnItself {
                        span,
                        name: name.to_string(),
                        defined: at,
                    }
                    .into(),
                );
                return Some(Resolved::Param(Ex::Const(Const::Bool(false)), Ty::Error));
            }
            None => {}
        }
        if let Some((decl, reg, pkg)) = self
            .value_decls
            .get(name)
            .map(|(d, r, p)| (*d, *r, p.clone()))
        {
            return Some(self.lower_value(decl, reg, &pkg));
        }
        self.params
            .get(name)
            .map(|(ex, ty)| Resolved::Param(ex.clone(), ty.clone()))
    }
    fn report(&mut self, d: Diagnostic) {
        self.cx.diags.push(d);
    }
    fn note_use(&mut self, name: &str) {
        self.cx.used.insert(name.to_string());
    }
    fn regulation(&self, id: &str) -> Option<RegId> {
        self.cx
            .regulations
            .iter()
            .find(|(_, r)| r.id == id)
            .map(|(i, _)| i)
    }
}

impl PlanBuilder<'_, '_> {
    fn lower_value(&mut self, v: &ast::ValueDecl, reg: DefaultRegulation, pkg: &str) -> Resolved {
        let name = v.name.name.clone();
        self.value_state
            .insert(name.clone(), ValueState::InProgress(v.name.span));
        // INVARIANT: a value id is allocated here, in the plan's values, before anything can
        // refer to it (a use while it is lowered is a cycle, reported).
        let id = self.values.alloc(placeholder_value());
        self.value_uses.insert(id, Vec::new());
        let declared = v.ty.as_ref().map(|t| self.cx.resolve_type(t));
        let cites = self.cx.cites(&v.cites, reg);
        let grounds = cites.clone();
        let mut locals = Locals::default();
        let (default, ty, default_cites, exceptions) = match &v.body {
            ast::ValueBody::Expr(e) => {
                let (ex, ty) = lower::lower(self, &mut locals, e, declared.as_ref());
                (ex, declared.clone().unwrap_or(ty), Vec::new(), Arena::new())
            }
            ast::ValueBody::Block {
                default,
                exceptions,
            } => {
                let (dex, dty) = lower::lower(self, &mut locals, &default.0, declared.as_ref());
                let ty = declared.clone().unwrap_or(dty);
                let dcites = self.cx.cites(&default.1, reg);
                let mut branches = Arena::new();
                let mut branch_ids = Vec::new();
                for x in exceptions {
                    let (when, witnesses) = lower::lower_condition(self, &mut locals, &x.when);
                    let mut out_locals = locals.outcome_scope(&witnesses);
                    let (result, _) = lower::lower(self, &mut out_locals, &x.result, Some(&ty));
                    let bcites = self.cx.cites(&x.cites, reg);
                    if x.cites.is_empty() {
                        self.cx.diags.push(
                            DeclError::CitesNothing {
                                span: x.name.span,
                                what: Uncited::ValueException(x.name.name.clone()),
                            }
                            .into(),
                        );
                    }
                    let parts = self.parts(&x.parts, &mut out_locals, reg, &bcites);
                    self.max_locals = self.max_locals.max(out_locals.count());
                    branch_ids.push(branches.alloc(Branch {
                        name: Arc::from(format!("{pkg}.{}.{}", v.name.name, x.name.name)),
                        overrides: Vec::new(),
                        cites: bcites,
                        when,
                        result,
                        parts,
                        when_source: crate::source::expr_to_string(&x.when),
                        span: x.span,
                    }));
                }
                let ids = || exceptions.iter().zip(branch_ids.iter().copied());
                for (x, i) in ids() {
                    for o in &x.over {
                        match ids().find(|(y, _)| y.name.name == o.name).map(|(_, j)| j) {
                            Some(j) if j != i => branches[i].overrides.push(j),
                            Some(_) => self.cx.diags.push(
                                CycleError::OverridesItself {
                                    span: o.span,
                                    name: o.name.clone(),
                                }
                                .into(),
                            ),
                            None => self.cx.diags.push(
                                NameError::NoValueException {
                                    span: o.span,
                                    value: v.name.name.clone(),
                                    name: o.name.clone(),
                                }
                                .into(),
                            ),
                        }
                    }
                }
                if let Some(cycle) = graph::branch_cycle(&branches) {
                    let first = cycle
                        .first()
                        .and_then(|i| exceptions.get(*i))
                        .and_then(|x| x.over.first())
                        .map_or(v.name.span, |o| o.span);
                    self.cx.diags.push(
                        CycleError::ValueExceptions {
                            span: first,
                            value: v.name.name.clone(),
                            names: cycle
                                .iter()
                                .filter_map(|i| exceptions.get(*i))
                                .map(|x| x.name.name.clone())
                                .collect(),
                        }
                        .into(),
                    );
                }
                (dex, ty, dcites, branches)
            }
        };
        self.max_locals = self.max_locals.max(locals.count());
        let mut uses = Vec::new();
        collect_values(&default, &mut uses);
        for b in exceptions.values() {
            collect_values(&b.when, &mut uses);
            collect_values(&b.result, &mut uses);
            b.parts.iter().for_each(|p| part_values(p, &mut uses));
        }
        if let Some(slot) = self.value_uses.get_mut(id) {
            *slot = uses;
        }
        let mut all_cites = cites;
        all_cites.extend(default_cites);
        let plumbing = pkg == STD;
        self.values[id] = ValueDef {
            name: Arc::from(format!("{pkg}.{name}")),
            ty: ty.clone(),
            default,
            cites: all_cites,
            exceptions,
            plumbing,
            grounds,
            span: v.span,
        };
        self.value_state
            .insert(name, ValueState::Done(id, ty.clone()));
        Resolved::Value(id, ty)
    }

    fn closure(&self, direct: Vec<ValueId>) -> Vec<ValueId> {
        let mut seen: Vec<ValueId> = Vec::new();
        let mut stack = direct;
        while let Some(v) = stack.pop() {
            if seen.contains(&v) {
                continue;
            }
            seen.push(v);
            if let Some(more) = self.value_uses.get(v) {
                stack.extend(more.iter().copied());
            }
        }
        seen.sort_unstable();
        seen
    }

    fn rule(&mut self, r: &ast::RuleDecl, reg: DefaultRegulation, pkg: &str) -> RuleDef {
        let name = match &r.name {
            Some(n) => format!("{pkg}.{}", n.name),
            None => format!("{pkg}.otherwise.{}", self.kind.name),
        };
        let written = r.name.as_ref().map_or_else(
            || format!("otherwise on {}", self.kind.name),
            |n| n.name.clone(),
        );
        let cites = self.cx.cites(&r.cites, reg);
        let consistent = r.consistent.as_ref().and_then(|c| {
            let cite = self.cx.cites(std::slice::from_ref(&c.cite), reg).pop()?;
            Some((cite, c.note.value.clone()))
        });
        if r.cites.is_empty() {
            self.cx.diags.push(
                DeclError::CitesNothing {
                    span: r.head,
                    what: Uncited::Rule(r.role, written.clone()),
                }
                .into(),
            );
        }
        match (r.role, &r.outcome.effect) {
            (RuleRole::Check, Some((_, code, _))) => self
                .cx
                .diags
                .push(DeclError::CheckWithEffect { span: code.span }.into()),
            (
                RuleRole::Guard | RuleRole::Rule | RuleRole::Exception | RuleRole::Otherwise,
                None,
            ) => self.cx.diags.push(
                DeclError::NoEffect {
                    span: r.head,
                    role: r.role,
                    name: written.clone(),
                }
                .into(),
            ),
            (RuleRole::Otherwise, Some((eff, code, _))) if *eff != ast::Effect::Deny => self
                .cx
                .diags
                .push(DeclError::OtherwiseMustDeny { span: code.span }.into()),
            _ => {}
        }
        if r.role != RuleRole::Exception && !r.over.is_empty() {
            if let Some(o) = r.over.first() {
                self.cx.diags.push(
                    DeclError::OverOnNonException {
                        span: o.span,
                        role: r.role,
                        name: written.clone(),
                    }
                    .into(),
                );
            }
        }
        if r.role == RuleRole::Check {
            for part in &r.outcome.parts {
                let (part, code) = match part {
                    ast::OutcomePart::Finding { .. } => continue,
                    ast::OutcomePart::Reason { code, .. } => (PartKind::Reason, code),
                    ast::OutcomePart::Remedy { code, .. } => (PartKind::Remedy, code),
                    ast::OutcomePart::Obligation { code, .. } => (PartKind::Obligation, code),
                    ast::OutcomePart::Deadline { code, .. } => (PartKind::Deadline, code),
                };
                self.cx.diags.push(
                    DeclError::PartOfCheck {
                        span: code.span,
                        part,
                    }
                    .into(),
                );
            }
        }
        if r.role == RuleRole::Exception && r.over.is_empty() {
            self.cx.diags.push(
                DeclError::ExceptionWithoutOver {
                    span: r.head,
                    name: written.clone(),
                }
                .into(),
            );
        }
        let mut locals = Locals::default();
        let (when, witnesses) = match &r.when {
            Some(w) => {
                let (ex, wit) = lower::lower_condition(self, &mut locals, w);
                (Some(ex), wit)
            }
            None => (None, Vec::new()),
        };
        let conjuncts = match (&r.when, &when) {
            (Some(w), Some(ex)) => conjuncts(w, ex),
            _ => Vec::new(),
        };
        let mut out_locals = locals.outcome_scope(&witnesses);
        let parts = self.parts(&r.outcome.parts, &mut out_locals, reg, &cites);
        self.max_locals = self.max_locals.max(out_locals.count()).max(locals.count());
        let mut uses = Vec::new();
        if let Some(w) = &when {
            collect_values(w, &mut uses);
        }
        for p in &parts {
            part_values(p, &mut uses);
        }
        self.uses.push(uses);
        RuleDef {
            name: Arc::from(name),
            role: r.role,
            when,
            effect: r
                .outcome
                .effect
                .as_ref()
                .map(|(e, c, t)| (*e, Arc::from(c.name.as_str()), Arc::from(t.value.as_str()))),
            parts,
            rank: cites.first().and_then(|c| c.rank),
            cites,
            consistent,
            overrides: Vec::new(),
            depth: 0,
            uses_values: Vec::new(),
            when_source: r
                .when
                .as_ref()
                .map(crate::source::expr_to_string)
                .unwrap_or_default(),
            conjuncts,
            head: r.head,
            span: r.span,
        }
    }

    /// The value naming a party's institution: `as VALUE`, else the value named like the
    /// party, if there is one of an institution type (a record or a list of records).
    fn party(&mut self, party: &ast::Ident, party_as: Option<&ast::Ident>) -> Option<Ex> {
        let name = party_as.unwrap_or(party);
        let known = self.value_decls.contains_key(&name.name);
        if !known {
            if let Some(v) = party_as {
                self.cx.diags.push(
                    NameError::UnknownValue {
                        span: v.span,
                        name: v.name.clone(),
                    }
                    .into(),
                );
            }
            return None;
        }
        // A value that names the party is used, as one in a condition is.
        self.note_use(&name.name);
        match self.resolve(&name.name, name.span)? {
            Resolved::Value(id, Ty::Record(_)) => Some(Ex::Value(id)),
            Resolved::Value(id, Ty::List(t)) if matches!(*t, Ty::Record(_)) => Some(Ex::Value(id)),
            Resolved::Value(_, ty) if party_as.is_some() => {
                let ty = self.cx.types.show(&ty);
                self.cx.diags.push(
                    TypeError::NotAnInstitution {
                        span: name.span,
                        name: name.name.clone(),
                        ty,
                    }
                    .into(),
                );
                None
            }
            _ => None,
        }
    }

    fn parts(
        &mut self,
        parts: &[ast::OutcomePart],
        locals: &mut Locals,
        reg: DefaultRegulation,
        inherited: &[Cite],
    ) -> Vec<Part> {
        let mut out = Vec::new();
        for p in parts {
            let own = |this: &mut Self, c: &[ast::Citation]| -> Vec<Cite> {
                if c.is_empty() {
                    inherited.to_vec()
                } else {
                    this.cx.cites(c, reg)
                }
            };
            out.push(match p {
                ast::OutcomePart::Reason { code, text, cites } => Part::Reason {
                    code: Arc::from(code.name.as_str()),
                    text: Arc::from(text.value.as_str()),
                    cites: own(self, cites),
                },
                ast::OutcomePart::Obligation {
                    code,
                    party,
                    party_as,
                    until,
                    text,
                    cites,
                } => {
                    let until = until
                        .as_ref()
                        .map(|u| lower::lower(self, locals, u, Some(&Ty::Date)).0);
                    Part::Obligation {
                        code: Arc::from(code.name.as_str()),
                        party: Arc::from(party.name.as_str()),
                        party_id: self.party(party, party_as.as_ref()),
                        until,
                        text: Arc::from(text.value.as_str()),
                        cites: own(self, cites),
                    }
                }
                ast::OutcomePart::Deadline {
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
                    let party_id = self.party(party, party_as.as_ref());
                    let as_of = as_of
                        .as_ref()
                        .map(|a| lower::lower(self, locals, a, Some(&Ty::Date)).0);
                    let param = match &within.kind {
                        ast::ExprKind::Name(n) if self.params.contains_key(n) => Some(n.clone()),
                        _ => None,
                    };
                    let w = lower::lower(self, locals, within, Some(&Ty::Duration)).0;
                    let f = lower::lower(self, locals, from, Some(&Ty::Date)).0;
                    let m = met_by
                        .as_ref()
                        .map(|m| lower::lower(self, locals, m, Some(&Ty::Date)).0);
                    Part::Deadline {
                        code: Arc::from(code.name.as_str()),
                        party: Arc::from(party.name.as_str()),
                        party_id,
                        within: w,
                        param,
                        from: f,
                        as_of,
                        met_by: m,
                        text: Arc::from(text.value.as_str()),
                        cites: own(self, cites),
                    }
                }
                ast::OutcomePart::Remedy { code, text, cites } => Part::Remedy {
                    code: Arc::from(code.name.as_str()),
                    text: Arc::from(text.value.as_str()),
                    cites: own(self, cites),
                },
                ast::OutcomePart::Finding {
                    code,
                    severity,
                    subject,
                    text,
                    cites,
                } => {
                    let s = lower::lower(self, locals, subject, Some(&Ty::Text)).0;
                    Part::Finding {
                        code: Arc::from(code.name.as_str()),
                        severity: *severity,
                        subject: s,
                        text: Arc::from(text.value.as_str()),
                        cites: own(self, cites),
                    }
                }
            });
        }
        out
    }
}

/// Splits a condition into its top-level `and`-ed parts, pairing syntax with compiled form
/// (lowering keeps the shape of `and` chains and the order of operands).
fn conjuncts(w: &ast::Expr, ex: &Ex) -> Vec<Conjunct> {
    fn split<'a>(w: &'a ast::Expr, ex: &'a Ex, out: &mut Vec<(&'a ast::Expr, &'a Ex)>) {
        match (&w.kind, ex) {
            (ast::ExprKind::Binary(ast::BinOp::And, a, b), Ex::And(x, y)) => {
                split(a, x, out);
                split(b, y, out);
            }
            _ => out.push((w, ex)),
        }
    }
    fn is_literal(e: &Ex) -> bool {
        matches!(e, Ex::Const(_)) || matches!(e, Ex::List(xs) if xs.iter().all(is_literal))
    }
    let mut parts = Vec::new();
    split(w, ex, &mut parts);
    parts
        .into_iter()
        .map(|(w, ex)| {
            let pairs: Vec<(&ast::Expr, &Ex)> = match (&w.kind, ex) {
                (ast::ExprKind::Binary(_, a, b), Ex::Cmp(_, _, x, y)) => {
                    vec![(&**a, &**x), (&**b, &**y)]
                }
                (
                    ast::ExprKind::In { elem, coll, .. },
                    Ex::In {
                        elem: x, coll: y, ..
                    },
                ) => vec![(&**elem, &**x), (&**coll, &**y)],
                (
                    ast::ExprKind::IsMissing(a) | ast::ExprKind::Exists(a),
                    Ex::IsMissing(x) | Ex::Exists(x),
                ) => vec![(&**a, &**x)],
                _ => Vec::new(),
            };
            Conjunct {
                source: crate::source::expr_to_string_in_and(w),
                ex: ex.clone(),
                subjects: pairs
                    .into_iter()
                    .filter(|(_, x)| !is_literal(x))
                    .map(|(a, x)| (crate::source::expr_to_string(a), x.clone()))
                    .collect(),
            }
        })
        .collect()
}

fn collect_values(e: &Ex, out: &mut Vec<ValueId>) {
    match e {
        Ex::Value(v) => {
            if !out.contains(v) {
                out.push(*v);
            }
        }
        Ex::Const(_) | Ex::Request | Ex::Fact(_) | Ex::Local(_) | Ex::Applies(_, None) => {}
        Ex::Applies(_, Some(a)) => collect_values(a, out),
        Ex::Field(a, _)
        | Ex::Lookup(_, a)
        | Ex::Not(a)
        | Ex::IsMissing(a)
        | Ex::Exists(a)
        | Ex::Grounded(_, a) => collect_values(a, out),
        Ex::And(a, b) | Ex::Or(a, b) | Ex::Cmp(_, _, a, b) | Ex::Add(a, b) | Ex::Sub(a, b) => {
            collect_values(a, out);
            collect_values(b, out);
        }
        Ex::In { elem, coll, .. } => {
            collect_values(elem, out);
            collect_values(coll, out);
        }
        Ex::List(xs) => xs.iter().for_each(|x| collect_values(x, out)),
        Ex::Quant { coll, body, .. }
        | Ex::Each {
            coll, cond: body, ..
        } => {
            collect_values(coll, out);
            collect_values(body, out);
        }
    }
}

fn part_values(p: &Part, out: &mut Vec<ValueId>) {
    match p {
        Part::Reason { .. } | Part::Remedy { .. } => {}
        Part::Obligation {
            until, party_id, ..
        } => {
            until.iter().for_each(|u| collect_values(u, out));
            party_id.iter().for_each(|u| collect_values(u, out));
        }
        Part::Deadline {
            within,
            from,
            met_by,
            as_of,
            party_id,
            ..
        } => {
            collect_values(within, out);
            collect_values(from, out);
            met_by.iter().for_each(|m| collect_values(m, out));
            as_of.iter().for_each(|m| collect_values(m, out));
            party_id.iter().for_each(|m| collect_values(m, out));
        }
        Part::Finding { subject, .. } => collect_values(subject, out),
    }
}
