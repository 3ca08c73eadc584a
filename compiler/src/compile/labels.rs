//! Labels: the names a decision document shows instead of codes. Enums, members, records,
//! fields and request kinds carry theirs in their declarations; roles and scenarios, which are
//! words rather than declarations, in `labels role { … }` and `labels scenario { … }`. W0109
//! names everything a document can show that has none.

use super::{chain_of, Cx, PackageSrc};
use crate::diagnostics::{DeclError, Declared, LintWarning, Unlabelled};
use crate::ir::LabelDef;
use datalex_lang::ast::{self, Item, LabelOf, OutcomePart, TestLiteral};
use datalex_lang::{Diagnostic, FileId, Span};
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

impl Cx {
    /// Every package's `labels`, each name once in a package (E0106).
    pub(super) fn declare_labels(&mut self, packages: &[PackageSrc<'_>]) {
        for p in packages {
            let mut seen: FxHashMap<(LabelOf, &str), Span> = FxHashMap::default();
            for d in &p.labels {
                for e in &d.entries {
                    if let Some(first) = seen.get(&(d.of, e.name.name.as_str())) {
                        self.diags.push(
                            DeclError::DeclaredTwice {
                                kind: Declared::Label,
                                name: format!("{} {}", d.of.as_str(), e.name.name),
                                first: *first,
                                again: e.name.span,
                            }
                            .into(),
                        );
                        continue;
                    }
                    seen.insert((d.of, e.name.name.as_str()), e.name.span);
                    self.labels.push(LabelDef {
                        package: p.name.clone(),
                        of: d.of,
                        name: e.name.name.clone(),
                        label: Arc::from(e.label.value.as_str()),
                    });
                }
            }
        }
    }

    /// W0109: every enum, member, record, field and request kind declared without a label, and
    /// every role of an obligation or deadline and scenario of a test's request that no
    /// `labels` the package sees (its own, its bases', the prelude's) names.
    pub(super) fn unlabelled(
        &mut self,
        files: &[(FileId, &ast::File)],
        packages: &[PackageSrc<'_>],
    ) {
        let warn = |span: Span, what: Unlabelled, name: String| -> Diagnostic {
            LintWarning::Unlabelled { span, what, name }.into()
        };
        let mut found: Vec<Diagnostic> = Vec::new();
        for item in files.iter().flat_map(|(_, f)| &f.items) {
            match item {
                Item::Enum(e) => {
                    if e.doc.is_none() {
                        found.push(warn(e.name.span, Unlabelled::Enum, e.name.name.clone()));
                    }
                    for (m, doc) in &e.members {
                        if doc.is_none() {
                            let name = format!("{}.{}", e.name.name, m.name);
                            found.push(warn(m.span, Unlabelled::Member, name));
                        }
                    }
                }
                Item::Record(r) => {
                    if r.doc.is_none() {
                        found.push(warn(r.name.span, Unlabelled::Record, r.name.name.clone()));
                    }
                    for f in &r.fields {
                        if f.doc.is_none() {
                            let name = format!("{}.{}", r.name.name, f.name.name);
                            found.push(warn(f.name.span, Unlabelled::Field, name));
                        }
                    }
                }
                Item::Kind(k) if k.doc.is_none() => {
                    found.push(warn(k.name.span, Unlabelled::Kind, k.name.name.clone()));
                }
                _ => {}
            }
        }
        for (i, p) in packages.iter().enumerate() {
            let chain = chain_of(packages, i);
            let labelled = |of: LabelOf, name: &str| {
                chain.iter().any(|q| {
                    q.labels
                        .iter()
                        .any(|d| d.of == of && d.entries.iter().any(|e| e.name.name == name))
                })
            };
            let mut reported: FxHashSet<(LabelOf, &str)> = FxHashSet::default();
            let parts =
                p.rules
                    .iter()
                    .flat_map(|r| &r.outcome.parts)
                    .chain(p.values.iter().flat_map(|v| match &v.body {
                        ast::ValueBody::Block { exceptions, .. } => {
                            exceptions.iter().flat_map(|e| &e.parts).collect::<Vec<_>>()
                        }
                        ast::ValueBody::Expr(_) => Vec::new(),
                    }));
            for part in parts {
                let (OutcomePart::Obligation { party, .. } | OutcomePart::Deadline { party, .. }) =
                    part
                else {
                    continue;
                };
                if !labelled(LabelOf::Role, &party.name)
                    && reported.insert((LabelOf::Role, party.name.as_str()))
                {
                    found.push(warn(party.span, Unlabelled::Role, party.name.clone()));
                }
            }
            for (_, t) in &p.tests {
                let Some(r) = &t.request else { continue };
                for (field, value) in &r.fields {
                    let TestLiteral::Str(s) = value else { continue };
                    if field.name == "scenario"
                        && !s.is_empty()
                        && !labelled(LabelOf::Scenario, s)
                        && reported.insert((LabelOf::Scenario, s.as_str()))
                    {
                        found.push(warn(field.span, Unlabelled::Scenario, s.clone()));
                    }
                }
            }
        }
        self.diags.append(&mut found);
    }
}
