//! From parsed files to a [`PolicySet`]: packages, regulations, types, and one decision plan per
//! package and request kind.
//!
//! `Cx::build` runs the phases in order, one module each:
//! 1. **packages** (here): the files gathered into packages, ordered so that a package follows
//!    the packages it extends;
//! 2. **declarations** (`declarations.rs`): regulations (their texts from `text.rs`), types,
//!    facts, request kinds, interpretations and coverage notes, and citations checked against
//!    the texts;
//! 3. **layers** (`layers.rs`): each package over the packages it extends — plans adopted,
//!    `override`s matched, rank conflicts between a lower and a higher source (E0124);
//! 4. **plans** (`plan.rs`): one plan per package and request kind, rules and values lowered,
//!    grounded in what they cite, and tests compiled.

mod declarations;
mod labels;
mod layers;
mod plan;
mod text;

pub use text::regulation_text;

use crate::diagnostics::{CitationError, LayerError, PackageRef, PreludeOnly};
use crate::graph;
use crate::ir::*;
use crate::symbols::{Key, Shape, Symbols};
use crate::types::Types;
use datalex_lang::ast::{self, Item};
use datalex_lang::{Diagnostic, FileId, SourceMap, Span};
use rustc_hash::FxHashSet;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
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
    /// The names resolved: declarations and uses (filled also when there are errors).
    pub symbols: Symbols,
}

/// Compiles every file of `sources` (the prelude among them) into one policy set.
pub fn compile(sources: &SourceMap) -> Compiled {
    let texts: Vec<(FileId, &str)> = sources
        .iter()
        .map(|(id, src)| (id, src.text.as_str()))
        .collect();
    let mut diags = Vec::new();
    let mut files = Vec::with_capacity(texts.len());
    for ((id, _), (file, mut d)) in texts.iter().zip(datalex_lang::parser::parse_files(&texts)) {
        diags.append(&mut d);
        files.push((*id, file));
    }
    compile_parsed(sources, &files, diags)
}

/// Compiles files already parsed: `files` are the syntax trees of the files of `sources`
/// (spans in their file, as [`datalex_lang::parse`] gives them) and `parse_diagnostics` the
/// parser's diagnostics for them. For trees and diagnostics that parsing the texts of
/// `sources` gives, the result is exactly [`compile`]'s. The texts are still needed: for the
/// policy's content hash.
pub fn compile_parsed(
    sources: &SourceMap,
    files: &[(FileId, ast::File)],
    parse_diagnostics: Vec<Diagnostic>,
) -> Compiled {
    let files: Vec<(FileId, &ast::File)> = files.iter().map(|(id, f)| (*id, f)).collect();
    run(&files, parse_diagnostics, Purpose::Policy(sources))
}

/// What [`check_parsed`] gives: the diagnostics and the names of a compile, not its policy set.
#[derive(Debug)]
pub struct Checked {
    /// Errors and warnings, in source order: exactly those of [`compile_parsed`].
    pub diagnostics: Vec<Diagnostic>,
    /// The names resolved: declarations and uses (filled also when there are errors).
    pub symbols: Symbols,
    /// What the check built on the way and no longer needs (the policy set, when there were
    /// no errors, without its graph and content hash). Freeing it is a fair part of the work
    /// of a check, so the caller may drop it after it has answered (or on another thread).
    pub leftover: Leftover,
}

/// What a check built and no longer needs: see [`Checked::leftover`]. Only dropped.
#[derive(Debug)]
pub struct Leftover(
    #[allow(dead_code, reason = "held only to be dropped when the caller chooses")]
    Option<PolicySet>,
);

/// Checks files already parsed, borrowed, as [`compile_parsed`] compiles them, for their
/// diagnostics and names alone: the same diagnostics and symbols, but neither the policy
/// graph nor the content hash is built, since no diagnostic comes from them (so the texts
/// are not needed either: `files` are numbered as a [`SourceMap`] of their texts would be).
///
/// The language server uses it after every edit: it keeps each file parsed item by item,
/// parses again only the items an edit touched, and keeps the trees of unchanged files
/// between checks.
pub fn check_parsed(files: &[(FileId, &ast::File)], parse_diagnostics: Vec<Diagnostic>) -> Checked {
    let compiled = run(files, parse_diagnostics, Purpose::Diagnostics);
    Checked {
        diagnostics: compiled.diagnostics,
        symbols: compiled.symbols,
        leftover: Leftover(compiled.policy),
    }
}

/// What a compile is for.
#[derive(Debug, Clone, Copy)]
enum Purpose<'s> {
    /// A policy set to decide with: everything (the texts for its content hash).
    Policy(&'s SourceMap),
    /// Diagnostics and names only: the policy graph and the content hash are left out.
    Diagnostics,
}

fn run(
    files: &[(FileId, &ast::File)],
    parse_diagnostics: Vec<Diagnostic>,
    purpose: Purpose,
) -> Compiled {
    let mut cx = Cx {
        diags: parse_diagnostics,
        ..Cx::default()
    };
    let policy = cx.build(files, purpose);
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
    // Ties are ordered by the English text, as they were when messages were English
    // strings, so the order does not depend on the reader's language.
    diagnostics.sort_by_cached_key(|d| {
        (
            d.span.file,
            d.span.start,
            d.code,
            d.text(datalex_i18n::Lang::En),
        )
    });
    diagnostics.dedup();
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Compiled {
        policy: if failed { None } else { policy },
        diagnostics,
        symbols: std::mem::take(&mut cx.symbols),
    }
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
    labels: Vec<&'a ast::LabelsDecl>,
}

#[derive(Default)]
struct Cx {
    diags: Vec<Diagnostic>,
    /// Names of values and params some expression used.
    used: FxHashSet<String>,
    /// `override`s that replaced something in some kind, and those that did not (yet).
    overrides_matched: FxHashSet<Span>,
    overrides_unmatched: BTreeMap<Span, (&'static str, String)>,
    types: Types,
    // INVARIANT: every `FactId`, `KindId` and `RegId` of the program is allocated here.
    facts: Arena<FactDef>,
    kinds: Arena<KindDef>,
    regulations: Arena<RegulationText>,
    interpretations: Vec<Interpretation>,
    /// The `labels` of every package.
    labels: Vec<LabelDef>,
    /// Interpretations something cites.
    readings_used: FxHashSet<Arc<str>>,
    /// The names resolved so far.
    symbols: Symbols,
    /// Citations resolved so far, by what their resolution depends on ([`Cx::resolve`]).
    resolved: std::cell::RefCell<rustc_hash::FxHashMap<CiteKey, Cite>>,
}

/// What [`cite::resolve`] reads of a citation, with the regulation a bare `§N` cites: the
/// regulation named, the path, the version and how the path is written.
type CiteKey = (
    Option<String>,
    crate::cite::DefaultRegulation,
    Vec<u32>,
    Option<datalex_lang::date::Date>,
    ast::CiteForm,
);

impl Cx {
    /// [`cite::resolve`], remembered: a citation resolves to the same provision wherever it
    /// is written (each rule's citations are resolved for every kind it decides, and again
    /// for rank conflicts). A citation that does not resolve is not remembered: its error
    /// names the place it is written.
    fn resolve(
        &self,
        c: &ast::Citation,
        default: crate::cite::DefaultRegulation,
    ) -> Result<Cite, Option<Diagnostic>> {
        let key = (
            c.regulation.as_ref().map(|n| n.name.clone()),
            default,
            c.path.clone(),
            c.version,
            c.form,
        );
        if let Some(hit) = self.resolved.borrow().get(&key) {
            return Ok(hit.clone());
        }
        let resolved = crate::cite::resolve(c, &self.regulations, default);
        if let Ok(x) = &resolved {
            self.resolved.borrow_mut().insert(key, x.clone());
        }
        resolved
    }

    fn build(&mut self, files: &[(FileId, &ast::File)], purpose: Purpose<'_>) -> Option<PolicySet> {
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
        self.declare_labels(&packages);
        self.unlabelled(files, &packages);
        for p in &packages {
            let base = p.extends.as_ref().map(|b| b.name.as_str());
            self.symbols.record_package(&p.name, base);
        }
        let order = self.package_order(&packages);
        let mut compiled: Vec<Package> = Vec::new();
        let mut tests = Vec::new();
        for &i in &order {
            let Some(p) = packages.get(i) else { continue };
            let chain = chain_of(&packages, i);
            self.citations_in_scope(files, p, &chain);
            let mut package = self.compile_package(p, &chain, &packages);
            self.adopt_plans(p, &mut package, &compiled);
            compiled.push(package);
            for (file, t) in &p.tests {
                tests.push(self.test_case(*file, t, &p.name));
                if let Some(package) = compiled.last() {
                    self.expected_codes(t, package);
                }
            }
        }
        self.unused(&packages);
        self.unused_interpretations();
        self.report_unmatched_overrides();
        let coverage = self.coverage_notes(&packages);
        let (graph, version) = match purpose {
            Purpose::Policy(sources) => (
                graph::build(&self.regulations, &compiled),
                content_hash(sources),
            ),
            Purpose::Diagnostics => (graph::PolicyGraph::default(), String::new()),
        };

        let mut program = Program::new(
            std::mem::take(&mut self.regulations),
            std::mem::take(&mut self.types),
            std::mem::take(&mut self.facts),
            std::mem::take(&mut self.kinds),
            compiled,
            std::mem::take(&mut self.interpretations),
            version,
        );
        program.labels = std::mem::take(&mut self.labels);
        Some(PolicySet {
            program: Arc::new(program),
            graph,
            tests,
            coverage,
        })
    }

    // ---- packages -------------------------------------------------------------------------

    fn gather<'a>(&mut self, files: &[(FileId, &'a ast::File)]) -> Vec<PackageSrc<'a>> {
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
            self.symbols.declare(
                Key::Package(decl.name.name.clone()),
                decl.name.span,
                decl.span,
            );
            if decl.name.name != STD {
                self.prelude_only(file, &decl.name.name);
            }
            if let Some(ext) = &decl.extends {
                self.symbols
                    .record_use(ext.span, Key::Package(ext.name.clone()));
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
                    Item::Param(x) => {
                        let key = Key::Param {
                            package: p.name.clone(),
                            name: x.name.name.clone(),
                        };
                        self.symbols.declare(key, x.name.span, x.span);
                        p.params.push(x);
                    }
                    Item::Value(x) => {
                        let key = Key::Value {
                            package: p.name.clone(),
                            name: x.name.name.clone(),
                        };
                        self.symbols.declare(key, x.name.span, x.span);
                        self.kind_uses(&x.kinds);
                        if let ast::ValueBody::Block { exceptions, .. } = &x.body {
                            for e in exceptions {
                                let key = |name: &str| Key::ValueException {
                                    value: x.name.span,
                                    name: name.to_string(),
                                };
                                self.symbols.declare(key(&e.name.name), e.name.span, e.span);
                                for o in &e.over {
                                    self.symbols.record_use(o.span, key(&o.name));
                                }
                            }
                        }
                        p.values.push(x);
                    }
                    Item::Rule(x) => {
                        if let Some(n) = &x.name {
                            let key = Key::Rule {
                                package: p.name.clone(),
                                name: n.name.clone(),
                            };
                            self.symbols.declare(key, n.span, x.span);
                        }
                        self.kind_uses(&x.kinds);
                        p.rules.push(x);
                    }
                    Item::Test(x) => p.tests.push((*fid, x)),
                    Item::Coverage(x) => p.coverage.push(x),
                    Item::Use(x) => {
                        self.symbols
                            .record_use(x.package.span, Key::Package(x.package.name.clone()));
                        self.kind_uses(&x.kinds);
                        p.uses.push(x);
                    }
                    Item::Scope(x) => {
                        let key = Key::Regulation(x.regulation.name.clone());
                        self.symbols.record_use(x.regulation.span, key);
                        self.kind_uses(&x.kinds);
                        p.scopes.push(x);
                    }
                    Item::Interpretation(x) => p.interpretations.push(x),
                    Item::Labels(x) => p.labels.push(x),
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

    /// Records the kinds named after `for` (or `on`) as uses of them.
    fn kind_uses(&mut self, kinds: &[ast::Ident]) {
        for k in kinds {
            self.symbols.record_use(k.span, Key::Kind(k.name.clone()));
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
}

impl Cx {
    /// E0130 for each fact and request kind a file of `package` (not the prelude) declares: the
    /// evaluator supplies the prelude's facts and request kinds only, so a fact declared here
    /// would fail when a jurisdiction is bound, and a kind would never be requested.
    fn prelude_only(&mut self, file: &ast::File, package: &str) {
        for item in &file.items {
            let (what, name) = match item {
                Item::Fact(f) => (PreludeOnly::Fact, &f.name),
                Item::Kind(k) => (PreludeOnly::Kind, &k.name),
                _ => continue,
            };
            self.diags.push(
                LayerError::OnlyInPrelude {
                    span: name.span,
                    what,
                    name: name.name.clone(),
                    package: package.to_string(),
                }
                .into(),
            );
        }
    }
}

/// The citations of one package's files that name a regulation.
struct NamedCitations<'ast>(Vec<&'ast ast::Citation>);

impl<'ast> ast::visit::Visit<'ast> for NamedCitations<'ast> {
    fn visit_citation(&mut self, c: &'ast ast::Citation) {
        if c.regulation.is_some() {
            self.0.push(c);
        }
    }
}

impl Cx {
    /// E0103 for each citation in `p`'s files of a regulation that a package outside `chain`
    /// (`p` and the packages it extends) declares: a package cites the law it or its bases
    /// record, as a bare name resolves only there. A regulation no package declares is
    /// reported where the citation is resolved.
    fn citations_in_scope(
        &mut self,
        files: &[(FileId, &ast::File)],
        p: &PackageSrc<'_>,
        chain: &[&PackageSrc<'_>],
    ) {
        use ast::visit::Visit;
        let mut named = NamedCitations(Vec::new());
        for (_, file) in files.iter().filter(|(id, _)| p.files.contains(id)) {
            named.visit_file(file);
        }
        for c in named.0 {
            let Some(name) = &c.regulation else { continue };
            let Some(reg) = self.regulations.values().find(|r| r.id == name.name) else {
                continue;
            };
            if chain.iter().any(|q| q.name == reg.package) {
                continue;
            }
            self.diags.push(
                CitationError::RegulationOutOfScope {
                    span: name.span,
                    regulation: name.name.clone(),
                    declared_in: reg.package.clone(),
                    package: p.name.clone(),
                }
                .into(),
            );
        }
    }
}

fn chain_of<'a, 'b>(packages: &'b [PackageSrc<'a>], i: usize) -> Vec<&'b PackageSrc<'a>> {
    let mut chain = Vec::new();
    let mut seen = FxHashSet::default();
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
