//! Layers: one package over the packages it extends — its plans adopted, `override`s matched
//! and replaced, and rank conflicts between what a lower and a higher source decide (E0124).

use super::plan::*;
use super::*;
use crate::cite::DefaultRegulation;
use crate::diagnostics::{
    DeclError, Declared, Difference, LayerError, NameError, PackageRef, RankSide, Uncited, Verb,
};
use crate::ir::*;
use crate::lower::{self, Locals};
use crate::symbols::{Key, Namespace, Shape};
use crate::types::Ty;
use datalex_lang::ast::{self};
use datalex_lang::{Category, Span};
use rustc_hash::{FxHashMap, FxHashSet};

/// What a rule decides and on what authority (see `Cx::rank_conflict`).
pub(super) struct Stance {
    name: String,
    rank: Option<u32>,
    source: Option<String>,
    periods: Vec<Period>,
    effect: Option<ast::Effect>,
    codes: Vec<(&'static str, String)>,
    consistent: bool,
    head: Span,
}

impl Cx {
    pub(super) fn compile_package(
        &mut self,
        p: &PackageSrc<'_>,
        chain: &[&PackageSrc<'_>],
        _all: &[PackageSrc<'_>],
    ) -> Package {
        let own_reg = self.own_regulation(p);
        if let DefaultRegulation::One(id) = own_reg {
            let regulation = self.regulations[id].id.clone();
            self.symbols.record_own_regulation(&p.name, &regulation);
        }
        // Params visible in the package: the chain's, later packages shadowing earlier ones.
        let mut params: FxHashMap<String, (Ex, Ty)> = FxHashMap::default();
        let mut param_origin: FxHashMap<String, String> = FxHashMap::default();
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
                if let (Some(base), Some(_)) = (&base, prm.replaces) {
                    let key = |package: &str| Key::Param {
                        package: package.to_string(),
                        name: prm.name.name.clone(),
                    };
                    self.symbols.record_replaces(key(&q.name), key(base));
                }
                param_origin.insert(prm.name.name.clone(), q.name.clone());
                self.symbols.record_type(
                    Key::Param {
                        package: q.name.clone(),
                        name: prm.name.name.clone(),
                    },
                    Shape::of(&self.types, &lowered.1),
                );
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
        for (name, origin) in &param_origin {
            let key = Key::Param {
                package: origin.clone(),
                name: name.clone(),
            };
            self.symbols
                .record_visible(&p.name, Namespace::Names, name, key);
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
            let plan = self.compile_plan(p, chain, kind_id, &kind, &params, &param_origin);
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

    /// The request kinds there are, sorted: what an unknown kind's help lists.
    pub(super) fn kind_names(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self.kinds.values().map(|k| k.name.clone()).collect();
        kinds.sort();
        kinds
    }

    pub(super) fn check_kinds(&mut self, p: &PackageSrc<'_>) {
        let known: FxHashSet<String> = self.kinds.values().map(|k| k.name.clone()).collect();
        let mut bad = Vec::new();
        for r in &p.rules {
            bad.extend(r.kinds.iter().filter(|k| !known.contains(&k.name)).cloned());
        }
        for v in &p.values {
            bad.extend(v.kinds.iter().filter(|k| !known.contains(&k.name)).cloned());
        }
        let kinds = self.kind_names();
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
    pub(super) fn adopt_plans(
        &mut self,
        p: &PackageSrc<'_>,
        package: &mut Package,
        compiled: &[Package],
    ) {
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
    pub(super) fn check_replacement(
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
    pub(super) fn report_unmatched_overrides(&mut self) {
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
    pub(super) fn stance_of(&self, r: &ast::RuleDecl, reg: DefaultRegulation) -> Stance {
        let cites: Vec<Cite> = r
            .cites
            .iter()
            .filter_map(|c| self.resolve(c, reg).ok())
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
    pub(super) fn rank_name(&self, member: &str) -> String {
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
    pub(super) fn rank_conflict(&mut self, lower: &Stance, higher: &Stance, verb: Verb) {
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
    pub(super) fn own_regulation(&self, p: &PackageSrc<'_>) -> DefaultRegulation {
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
}
