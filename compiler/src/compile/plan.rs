//! Plans: one decision plan per package and request kind — rules, values and tests lowered
//! and grounded in what they cite.

use super::*;
use crate::cite::DefaultRegulation;
use crate::diagnostics::{
    CitationError, CycleError, DeclError, Declared, LintWarning, NameError, RegulationRef,
    TypeError, Uncited, Verb,
};
use crate::graph;
use crate::ir::*;
use crate::lower::{self, Locals, Resolved, Resolver};
use crate::symbols::{Key, Namespace, Shape, Symbols};
use crate::types::{RecordId, Ty, Types};
use datalex_lang::ast::{self, PartKind, RuleRole};
use datalex_lang::{Diagnostic, FileId, Span};
use rustc_hash::FxHashMap;
use std::sync::Arc;

impl Cx {
    pub(super) fn compile_plan(
        &mut self,
        p: &PackageSrc<'_>,
        chain: &[&PackageSrc<'_>],
        kind_id: KindId,
        kind: &KindDef,
        params: &FxHashMap<String, (Ex, Ty)>,
        param_origin: &FxHashMap<String, String>,
    ) -> KindPlan {
        // Values visible for this kind: later packages in the chain shadow earlier ones.
        let mut value_decls: FxHashMap<String, (&ast::ValueDecl, DefaultRegulation, String)> =
            FxHashMap::default();
        for q in chain {
            let reg = self.own_regulation(q);
            let mut seen: FxHashMap<&str, Span> = FxHashMap::default();
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
                if let (Some(base), Some(_)) = (&base, v.replaces) {
                    let key = |package: &str| Key::Value {
                        package: package.to_string(),
                        name: v.name.name.clone(),
                    };
                    self.symbols.record_replaces(key(&q.name), key(base));
                }
                value_decls.insert(v.name.name.clone(), (v, reg, q.name.clone()));
            }
        }
        for (name, (_, _, package)) in &value_decls {
            let key = Key::Value {
                package: package.clone(),
                name: name.clone(),
            };
            self.symbols
                .record_visible(&p.name, Namespace::Names, name, key);
        }
        let mut b = PlanBuilder {
            cx: self,
            kind: kind.clone(),
            params,
            param_origin,
            value_decls,
            value_state: FxHashMap::default(),
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
        let mut by_name: FxHashMap<&str, usize> = FxHashMap::default();
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
                        if let (Some(n), Some(base), Some(q)) = (&r.name, &base, chain.get(qi)) {
                            let key = |package: &str| Key::Rule {
                                package: package.to_string(),
                                name: n.name.clone(),
                            };
                            b.cx.symbols.record_replaces(key(&q.name), key(base));
                        }
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
            if let Some(n) = &r.name {
                let key = Key::Rule {
                    package: pkg.clone(),
                    name: n.name.clone(),
                };
                b.cx.symbols
                    .record_visible(&p.name, Namespace::Rules, &n.name, key);
            }
            let id = rules.alloc(b.rule(r, reg, &pkg));
            decls.insert(id, (r, reg, pkg));
        }
        // Overrides.
        let index: FxHashMap<&str, RuleId> = decls
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
                        if let Some((_, _, pkg)) = decls.get(j) {
                            let key = Key::Rule {
                                package: pkg.clone(),
                                name: o.name.clone(),
                            };
                            b.cx.symbols.record_use(o.span, key);
                        }
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

    pub(super) fn test_case(&mut self, file: FileId, t: &ast::TestDecl, package: &str) -> TestCase {
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
        if let Some(r) = &t.request {
            self.symbols
                .record_use(r.kind.span, Key::Kind(r.kind.name.clone()));
            let record = self
                .kinds
                .values()
                .find(|k| k.name == r.kind.name)
                .map(|k| Ty::Record(k.request));
            if record.is_none() {
                self.diags.push(
                    NameError::UnknownKind {
                        span: r.kind.span,
                        name: r.kind.name.clone(),
                        kinds: self.kind_names(),
                    }
                    .into(),
                );
            }
            self.fields_once(&r.fields);
            for (field, lit) in &r.fields {
                // `jurisdiction` is the contract's envelope, beside `kind`: no record declares it.
                if field.name != "jurisdiction" {
                    self.literal_uses(record.as_ref(), field, lit);
                }
            }
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

/// What one plan can put in a decision: the effects of its rules and the codes of every part
/// of its rules, checks and the exceptions of its values, with those the evaluator adds itself
/// (the reason `rule_conflict`, the findings of a deadline it could not count).
struct Produced<'p> {
    effects: Vec<ast::Effect>,
    codes: Vec<(PartKind, &'p str)>,
}

impl<'p> Produced<'p> {
    fn of(plan: &'p KindPlan) -> Produced<'p> {
        // A conflict between rules, or the `otherwise`, denies.
        let mut effects = vec![ast::Effect::Deny];
        let mut codes = vec![
            (PartKind::Reason, builtin::RULE_CONFLICT),
            (PartKind::Finding, builtin::DEADLINE_NOT_COMPUTED),
            (PartKind::Finding, builtin::CALENDAR_NOT_LOADED),
        ];
        let mut parts: Vec<&'p Part> = Vec::new();
        for (_, r) in plan.rules() {
            if let Some((effect, code, _)) = &r.effect {
                effects.push(*effect);
                codes.push((PartKind::Reason, code));
            }
            parts.extend(&r.parts);
        }
        for (_, v) in plan.values() {
            parts.extend(v.exceptions.iter().flat_map(|(_, b)| &b.parts));
        }
        codes.extend(parts.into_iter().map(|part| {
            let (kind, code) = match part {
                Part::Reason { code, .. } => (PartKind::Reason, code),
                Part::Obligation { code, .. } => (PartKind::Obligation, code),
                Part::Deadline { code, .. } => (PartKind::Deadline, code),
                Part::Remedy { code, .. } => (PartKind::Remedy, code),
                Part::Finding { code, .. } => (PartKind::Finding, code),
            };
            (kind, &**code)
        }));
        Produced { effects, codes }
    }

    fn has(&self, part: PartKind, code: &str) -> bool {
        self.codes.iter().any(|(k, c)| *k == part && *c == code)
    }

    /// The codes of `part`, sorted, for the help.
    fn of_part(&self, part: PartKind) -> Vec<String> {
        let mut codes: Vec<String> = self
            .codes
            .iter()
            .filter(|(k, _)| *k == part)
            .map(|(_, c)| c.to_string())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }
}

impl Cx {
    /// What a test expects of a decision is something the package's plan for its request's
    /// kind can produce (E0131): a test that expects an effect no rule decides, or a reason,
    /// obligation, deadline, finding or remedy whose code nothing produces, can never pass
    /// (`expect permit unconditonal_share`). Sources, tiers and errors are left to `datalex
    /// test`.
    pub(super) fn expected_codes(&mut self, t: &ast::TestDecl, package: &Package) {
        let Some(kind) = t.request.as_ref().map(|r| &r.kind) else {
            return;
        };
        let Some(plan) = package.plan(&kind.name) else {
            return;
        };
        let produced = Produced::of(plan);
        let mut wanted: Vec<(PartKind, &ast::Ident)> = Vec::new();
        for e in &t.expects {
            match &e.kind {
                ast::ExpectKind::Effect(effect, reasons) => {
                    if !produced.effects.contains(effect) {
                        self.diags.push(
                            DeclError::ExpectsNoEffect {
                                span: e.span,
                                effect: effect.as_str(),
                                package: package.name.clone(),
                                kind: kind.name.clone(),
                            }
                            .into(),
                        );
                    }
                    wanted.extend(reasons.iter().map(|r| (PartKind::Reason, r)));
                }
                ast::ExpectKind::Has(part, code) => {
                    if *part != PartKind::Source {
                        wanted.push((*part, code));
                    }
                }
                ast::ExpectKind::Deadline(code, ..) => wanted.push((PartKind::Deadline, code)),
                // `expect no reason X` of an X nothing gives holds whatever is decided, and
                // that is its point where a test guards against a rule the text does not
                // support coming back (fidelity tests).
                ast::ExpectKind::HasNo(..)
                | ast::ExpectKind::Error(_)
                | ast::ExpectKind::Tier(..) => {}
            }
        }
        for (part, code) in wanted {
            if !produced.has(part, &code.name) {
                self.diags.push(
                    DeclError::ExpectsNoCode {
                        span: code.span,
                        part,
                        code: code.name.clone(),
                        package: package.name.clone(),
                        kind: kind.name.clone(),
                        produced: produced.of_part(part),
                    }
                    .into(),
                );
            }
        }
    }

    /// Each field of a test's request (and of every object in it) named once: the request is
    /// JSON to the evaluator, which refuses a member named twice, so `check` says so where it
    /// is written rather than the test failing when it runs.
    fn fields_once(&mut self, fields: &[(ast::Ident, ast::TestLiteral)]) {
        let mut seen: FxHashMap<&str, Span> = FxHashMap::default();
        for (field, lit) in fields {
            if let Some(first) = seen.insert(field.name.as_str(), field.span) {
                self.diags.push(
                    DeclError::DeclaredTwice {
                        kind: Declared::Field,
                        name: field.name.clone(),
                        first,
                        again: field.span,
                    }
                    .into(),
                );
            }
            self.literal_fields_once(lit);
        }
    }

    /// [`Cx::fields_once`] for the objects in a literal.
    fn literal_fields_once(&mut self, lit: &ast::TestLiteral) {
        match lit {
            ast::TestLiteral::Object(fields) => self.fields_once(fields),
            ast::TestLiteral::List(items) => {
                for i in items {
                    self.literal_fields_once(i);
                }
            }
            _ => {}
        }
    }

    /// Records the field `field` of a test's request (of type `ty`, a record) and the fields
    /// of the objects in its literal as uses of the record fields they name; a field the record
    /// does not declare is E0102.
    fn literal_uses(&mut self, ty: Option<&Ty>, field: &ast::Ident, lit: &ast::TestLiteral) {
        let Some(Ty::Record(rid)) = ty else { return };
        let Some(fid) = self.types.field(*rid, &field.name) else {
            // The evaluator would ignore it, and the test decide without what it says.
            self.diags.push(
                NameError::NoField {
                    span: field.span,
                    record: self.types.records[*rid].name.clone(),
                    field: field.name.clone(),
                    fields: self.types.field_names(*rid),
                }
                .into(),
            );
            return;
        };
        let key = Key::Field {
            record: self.types.records[*rid].name.clone(),
            name: field.name.clone(),
        };
        self.symbols.record_use(field.span, key);
        let fty = self.types.fields[fid].ty.clone();
        self.literal_value_uses(&fty, lit);
    }

    /// The fields of the objects in a literal of type `ty`.
    fn literal_value_uses(&mut self, ty: &Ty, lit: &ast::TestLiteral) {
        match (ty, lit) {
            (Ty::List(inner), ast::TestLiteral::List(items)) => {
                for i in items {
                    self.literal_value_uses(inner, i);
                }
            }
            (Ty::Record(_), ast::TestLiteral::Object(fields)) => {
                for (f, inner) in fields {
                    self.literal_uses(Some(ty), f, inner);
                }
            }
            _ => {}
        }
    }
}

pub(super) fn placeholder_value() -> ValueDef {
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

pub(super) fn json_str(s: &str) -> String {
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

pub(super) fn literal_json(l: &ast::TestLiteral) -> String {
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

/// An expression's source text with whitespace folded, for traces.
pub(super) fn render_expr_source(e: &ast::Expr) -> String {
    crate::source::expr_to_string(e)
}

/// The facts a param's value sees: none.
static NO_FACTS: Arena<FactDef> = Arena::new();

/// Lowers params: only constants and enum members are in scope.
pub(super) struct ConstResolver<'a> {
    pub(super) cx: &'a mut Cx,
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
    fn symbols(&mut self) -> Option<&mut Symbols> {
        Some(&mut self.cx.symbols)
    }
}

pub(super) enum ValueState {
    InProgress(Span),
    Done(ValueId, Ty),
}

/// Builds one [`KindPlan`]; lowers values on demand, detecting cycles between them.
pub(super) struct PlanBuilder<'c, 'd> {
    cx: &'c mut Cx,
    kind: KindDef,
    params: &'d FxHashMap<String, (Ex, Ty)>,
    /// The package that declares each param of `params`.
    param_origin: &'d FxHashMap<String, String>,
    value_decls: FxHashMap<String, (&'d ast::ValueDecl, DefaultRegulation, String)>,
    value_state: FxHashMap<String, ValueState>,
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
    fn value_def(&self, id: ValueId) -> Option<&ValueDef> {
        let known = usize::try_from(u32::from(id.into_raw())).is_ok_and(|i| i < self.values.len());
        known.then(|| &self.values[id])
    }
    fn facts(&self) -> &Arena<FactDef> {
        &self.cx.facts
    }
    fn request(&self) -> Option<RecordId> {
        Some(self.kind.request)
    }
    fn resolve(&mut self, name: &str, span: Span) -> Option<Resolved> {
        let key = match self.value_decls.get(name) {
            Some((_, _, package)) => Some(Key::Value {
                package: package.clone(),
                name: name.to_string(),
            }),
            None => self.param_origin.get(name).map(|package| Key::Param {
                package: package.clone(),
                name: name.to_string(),
            }),
        };
        if let Some(key) = key {
            self.cx.symbols.record_use(span, key);
        }
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
    fn symbols(&mut self) -> Option<&mut Symbols> {
        Some(&mut self.cx.symbols)
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
        let shape = Shape::of(&self.cx.types, &ty);
        let key = Key::Value {
            package: pkg.to_string(),
            name: name.clone(),
        };
        self.cx.symbols.record_type(key, shape);
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
pub(super) fn conjuncts(w: &ast::Expr, ex: &Ex) -> Vec<Conjunct> {
    fn split<'a>(w: &'a ast::Expr, ex: &'a Ex, out: &mut Vec<(&'a ast::Expr, &'a Ex)>) {
        match (&w.kind, ex) {
            (ast::ExprKind::Chain(first, rest), Ex::And(xs))
                if rest.iter().all(|(op, _)| *op == ast::BinOp::And)
                    && xs.len() == rest.len() + 1 =>
            {
                let ws = std::iter::once(&**first).chain(rest.iter().map(|(_, w)| w));
                for (w, x) in ws.zip(xs) {
                    split(w, x, out);
                }
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

pub(super) fn collect_values(e: &Ex, out: &mut Vec<ValueId>) {
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
        Ex::Cmp(_, _, a, b) => {
            collect_values(a, out);
            collect_values(b, out);
        }
        Ex::And(xs) | Ex::Or(xs) => xs.iter().for_each(|x| collect_values(x, out)),
        Ex::Arith(a, rest) => {
            collect_values(a, out);
            rest.iter().for_each(|(_, x)| collect_values(x, out));
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

pub(super) fn part_values(p: &Part, out: &mut Vec<ValueId>) {
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
