//! Hover: for a citation, the label and text of what it cites (of an amended article: the
//! version cited, or in force today, and the others with their periods); for a regulation, its
//! rank, territory and period; for a rule, value or param, its declaration and the text of its
//! citations; for a field, fact, kind, type or enum member, its type and documentation.
//!
//! The server does not read the clock: "today" is what its caller says ([`hover_on`]); without
//! it, the latest version of an amended article is shown.

use crate::cite::{self, Pick};
use crate::index::{Rel, Role, Target};
use crate::resolve::{item, ItemAt, Symbol, SymbolAt};
use crate::workspace::Workspace;
use datalex_compiler::symbols::Key;
use datalex_lang::ast::{Item, Str};
use datalex_lang::date::Date;
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

/// `textDocument/hover`, without a date: amended articles show their latest version.
pub fn hover(ws: &Workspace, p: &HoverParams) -> Option<Hover> {
    hover_on(ws, p, None)
}

/// `textDocument/hover`, with the caller's today: amended articles show the version in force
/// that day.
pub fn hover_on(ws: &Workspace, p: &HoverParams, today: Option<Date>) -> Option<Hover> {
    let (doc, offset) = ws.at(&p.text_document_position_params)?;
    let s = ws.occurrence_at(doc, offset)?;
    let value = describe_on(ws, &s, today)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: ws.range(doc, s.start, s.end),
    })
}

fn code(s: &str) -> String {
    format!("```dlx\n{}\n```", s.trim_end())
}

fn doc(d: Option<&Str>) -> String {
    d.map(|d| format!("\n\n{}", d.value)).unwrap_or_default()
}

/// The source text of the item at `at`.
fn source(ws: &Workspace, at: ItemAt) -> Option<String> {
    let d = ws.doc(at.doc)?;
    let c = d.chunks.get(at.chunk)?;
    let span = c.known().item.as_ref()?.span();
    let text = d
        .text
        .get(c.start + span.start as usize..c.start + span.end as usize)?;
    // The span may run over the comments that introduce the next item; they are not this one's.
    let mut lines: Vec<&str> = text.trim_end().lines().collect();
    while lines
        .last()
        .is_some_and(|l| l.trim().is_empty() || l.trim_start().starts_with("//"))
    {
        lines.pop();
    }
    Some(lines.join("\n"))
}

/// The version a citation names (`§5@2025-01-01`), read from its text at `span` of the item at
/// `at`.
fn named_version(ws: &Workspace, at: ItemAt, span: Rel) -> Option<Date> {
    let (d, start) = crate::resolve::chunk_start(ws, at)?;
    let text = d
        .text
        .get(start + span.start as usize..start + span.end as usize)?;
    let (_, date) = text.rsplit_once('@')?;
    Date::parse(date.trim()).ok()
}

/// Which version a citation at `span` of the item at `at` shows: the one it names; in the
/// regulation's own text, the declaration it is in; else the one in force `today`.
fn pick(ws: &Workspace, at: ItemAt, span: Rel, role: Role, today: Option<Date>) -> Pick {
    if role == Role::Decl {
        if let Some(Item::Regulation(r)) = item(ws, at) {
            let inside = |s: datalex_lang::Span| Rel::of(s) == span;
            let found = r.articles.iter().enumerate().find(|(_, a)| {
                inside(a.span)
                    || a.paras
                        .iter()
                        .any(|p| inside(p.span) || p.items.iter().any(|i| inside(i.span)))
            });
            if let Some((i, a)) = found {
                let n = r
                    .articles
                    .iter()
                    .take(i)
                    .filter(|x| x.number == a.number)
                    .count();
                return Pick::Nth(n);
            }
        }
    }
    match named_version(ws, at, span) {
        Some(d) => Pick::Named(d),
        None => Pick::Today(today),
    }
}

/// The declaration of the rule, value or param named at `s`, as the compiler resolved it: the
/// item it is declared in, and the package of the declaration it replaces (`override`).
fn compiled_declaration(ws: &Workspace, s: &SymbolAt<'_>) -> Option<(ItemAt, Option<String>)> {
    let (_, id) = ws.symbol_at(s.at.doc, s.start)?;
    let a = ws.analysis_for(s.at.doc);
    let decl = a.symbols.decl(id)?;
    if !matches!(
        decl.key,
        Key::Rule { .. } | Key::Value { .. } | Key::Param { .. }
    ) {
        return None;
    }
    let (doc, start, _) = a.place(decl.item?)?;
    let chunks = &ws.doc(doc)?.chunks;
    let chunk = chunks.partition_point(|c| c.end <= start);
    chunks.get(chunk)?;
    let base = decl
        .replaces
        .and_then(|b| a.symbols.decl(b))
        .and_then(|b| match &b.key {
            Key::Rule { package, .. } | Key::Value { package, .. } | Key::Param { package, .. } => {
                Some(package.clone())
            }
            _ => None,
        });
    Some((ItemAt { doc, chunk }, base))
}

/// The declaration of a rule, value or param, where it is (`replaces`: the package of the
/// declaration it replaces), and what it cites.
fn declaration(
    ws: &Workspace,
    at: ItemAt,
    replaces: Option<String>,
    today: Option<Date>,
) -> Option<String> {
    let mut s = code(&source(ws, at)?);
    let d = ws.doc(at.doc)?;
    let tables = ws.tables();
    let package = d.package().unwrap_or(datalex_compiler::STD);
    s.push_str(&format!("\n\npackage `{package}` · `{}`", d.name));
    if let Some(base) = replaces {
        s.push_str(&format!(" · replaces the declaration of package `{base}`"));
    }
    let scope = ws.scope(at);
    let mut seen = Vec::new();
    for o in &d.chunks.get(at.chunk)?.known().occurrences {
        let Target::Cite { regulation, path } = &o.target else {
            continue;
        };
        let reg = match regulation {
            Some(r) => r.clone(),
            None => tables.own_regulation(&scope.package)?.to_string(),
        };
        let which = pick(ws, at, o.span, o.role, today);
        if seen.contains(&(reg.clone(), path.clone(), which)) {
            continue;
        }
        seen.push((reg.clone(), path.clone(), which));
        if let Some(c) = cite::cited_at(ws, tables, &reg, path, which) {
            s.push_str("\n\n---\n\n");
            s.push_str(&c.markdown());
        }
    }
    Some(s)
}

/// What the hover over `s` shows, as Markdown (amended articles in their latest version).
pub fn describe(ws: &Workspace, s: &SymbolAt<'_>) -> Option<String> {
    describe_on(ws, s, None)
}

/// What the hover over `s` shows, as Markdown, amended articles in the version in force
/// `today` (the latest without it).
pub fn describe_on(ws: &Workspace, s: &SymbolAt<'_>, today: Option<Date>) -> Option<String> {
    let o = s.occurrence;
    let tables = ws.tables();
    let scope = ws.scope(s.at);
    if let Target::Cite { regulation, path } = &o.target {
        let reg = match regulation {
            Some(r) => r.clone(),
            None => tables.own_regulation(&scope.package)?.to_string(),
        };
        let which = pick(ws, s.at, o.span, o.role, today);
        let mut text = cite::cited_at(ws, tables, &reg, path, which)?.markdown();
        if o.role == Role::Decl {
            let n = match ws.symbol_at(s.at.doc, s.start) {
                Some((_, id)) => ws.references_of(s.at.doc, id, false).len(),
                None => {
                    let symbol = ws.resolve(s.at, o)?;
                    ws.occurrences_of(&symbol)
                        .iter()
                        .filter(|x| x.occurrence.role == Role::Ref)
                        .count()
                }
            };
            text.push_str(&format!(
                "\n\ncited {n} time(s) in the workspace (article and its parts)"
            ));
        }
        return Some(text);
    }
    if let Some((at, replaces)) = compiled_declaration(ws, s) {
        return declaration(ws, at, replaces, today);
    }
    // Where the compiler resolved nothing, the names as the server resolves them.
    let symbol = ws.resolve(s.at, o)?;
    match symbol {
        Symbol::Decl { cat, ref name, .. } => {
            let at = match o.role {
                Role::Decl => s.at,
                Role::Ref => tables.visible(cat, &scope.package, name)?.1,
            };
            let package = ws
                .doc(at.doc)
                .and_then(|d| d.package())
                .unwrap_or(datalex_compiler::STD);
            let replaces = tables.replaced(ws, cat, package, at).map(|(base, _)| base);
            declaration(ws, at, replaces, today)
        }
        Symbol::ValueException { value, ref name } => {
            let Some(Item::Value(v)) = item(ws, value) else {
                return None;
            };
            let datalex_lang::ast::ValueBody::Block { exceptions, .. } = &v.body else {
                return None;
            };
            let x = exceptions.iter().find(|x| x.name.name == *name)?;
            let (d, start) = crate::resolve::chunk_start(ws, value)?;
            let text = d
                .text
                .get(start + x.span.start as usize..start + x.span.end as usize)?;
            Some(format!(
                "{}\n\nexception of value `{}`",
                code(text),
                v.name.name
            ))
        }
        Symbol::Package(ref name) => {
            let p = tables.packages.get(name)?;
            let mut s = code(&match &p.extends {
                Some(b) => format!("package {name} extends {b}"),
                None => format!("package {name}"),
            });
            s.push_str(&format!("\n\n{} file(s)", p.docs.len()));
            if !p.regulations.is_empty() {
                s.push_str(&format!(
                    " · regulation(s) `{}`",
                    p.regulations.join("`, `")
                ));
            }
            Some(s)
        }
        Symbol::Regulation(ref id) => {
            let r = cite::regulation(ws, tables, id)?;
            let text = cite::regulation_text(r);
            let mut s = format!("**《{}》** `{}`", r.title.value, id);
            for (what, v) in [("issuer", &r.issuer), ("number", &r.number)] {
                if let Some(v) = v {
                    s.push_str(&format!("\n\n{what}: {}", v.value));
                }
            }
            if let Some(rank) = &r.rank {
                // As people say it: the prelude documents each `LegalRank` member.
                let said = scope.enum_decl("LegalRank").and_then(|e| {
                    e.members
                        .iter()
                        .find(|(m, _)| m.name == rank.name)
                        .and_then(|(_, d)| d.as_ref())
                        .map(|d| d.value.clone())
                });
                match said {
                    Some(said) => s.push_str(&format!("\n\nrank: {said} (`{}`)", rank.name)),
                    None => s.push_str(&format!("\n\nrank: `{}`", rank.name)),
                }
            }
            if let Some(t) = &r.territory {
                s.push_str(&format!("\n\nterritory: {}", t.value));
            }
            s.push_str(&format!("\n\nin force: {}", text.period_label()));
            if let Some(n) = &text.in_force_note {
                s.push_str(&format!(" ({n})"));
            }
            if let Some(d) = today {
                let on = if text.in_force.contains(d) {
                    "in force"
                } else {
                    "not in force"
                };
                s.push_str(&format!(" · {on} on {d}"));
            }
            if let Some(u) = &r.unavailable {
                s.push_str(&format!("\n\ntext not available: {}", u.value));
            }
            s.push_str(&format!("\n\n{} article(s)", text.articles.len()));
            // Articles amended, added later, repealed or expiring, with their periods.
            let changed: Vec<String> = text
                .articles
                .keys()
                .filter_map(|n| {
                    let periods = datalex_compiler::export::version_periods(&text, *n);
                    (!periods.is_empty()).then(|| {
                        let shown: Vec<String> = periods
                            .iter()
                            .map(datalex_compiler::export::period_text)
                            .collect();
                        format!("§{n} ({})", shown.join(", "))
                    })
                })
                .collect();
            if !changed.is_empty() {
                s.push_str(&format!("; versions: {}", changed.join("; ")));
            }
            Some(s)
        }
        Symbol::Article { .. } => None,
        Symbol::Fact(ref n) => match item(ws, *tables.facts.get(n)?)? {
            Item::Fact(f) => {
                let keyed = f
                    .keyed
                    .as_ref()
                    .map(|k| format!(" keyed by {}", k.name))
                    .unwrap_or_default();
                let ty = scope.ty(&crate::index::type_sk(&f.ty)).show();
                Some(format!(
                    "{}{}",
                    code(&format!("fact {n}: {ty}{keyed}")),
                    doc(f.doc.as_ref())
                ))
            }
            _ => None,
        },
        Symbol::Kind(ref n) => match item(ws, *tables.kinds.get(n)?)? {
            Item::Kind(k) => Some(format!(
                "{}{}",
                code(&format!("kind {n}: {}", k.request.name)),
                doc(k.doc.as_ref())
            )),
            _ => None,
        },
        Symbol::Type(ref n) => type_doc(&scope, n),
        Symbol::Member { ref ty, ref name } => {
            let e = scope.enum_decl(ty)?;
            let (_, d) = e.members.iter().find(|(m, _)| m.name == *name)?;
            Some(format!(
                "{}{}{}",
                code(&format!("{ty}.{name}")),
                doc(d.as_ref()),
                doc(e.doc.as_ref())
            ))
        }
        Symbol::Field {
            ref record,
            ref name,
        } => {
            let (_, f) = scope.field(std::slice::from_ref(record), name)?;
            let ty = scope.ty(&crate::index::type_sk(&f.ty));
            let mut s = format!(
                "{}{}",
                code(&format!("{record}.{name}: {}", ty.show())),
                doc(f.doc.as_ref())
            );
            if let crate::resolve::Ty::Enum(e) = &ty {
                if let Some(e) = scope.enum_decl(e) {
                    let members: Vec<&str> =
                        e.members.iter().map(|(m, _)| m.name.as_str()).collect();
                    s.push_str(&format!("\n\n`{}`", members.join("` · `")));
                }
            }
            Some(s)
        }
        Symbol::Local { .. } => {
            let Target::Local { name, ty, .. } = &o.target else {
                return None;
            };
            Some(code(&format!("{name}: {}", scope.ty(ty).show())))
        }
        Symbol::Request => {
            let rs = scope.request();
            let mut s = code(&format!("request: {}", rs.join(" | ")));
            for r in &rs {
                if let Some(t) = type_doc(&scope, r) {
                    s.push_str("\n\n");
                    s.push_str(&t);
                }
            }
            Some(s)
        }
    }
}

/// A record with its fields, or an enum with its members.
fn type_doc(scope: &crate::resolve::Scope<'_>, n: &str) -> Option<String> {
    if let Some(r) = scope.record(n) {
        let fields: Vec<String> = r
            .fields
            .iter()
            .map(|f| {
                let ty = scope.ty(&crate::index::type_sk(&f.ty)).show();
                let d = f
                    .doc
                    .as_ref()
                    .map(|d| format!(" — {}", d.value))
                    .unwrap_or_default();
                format!("- `{}: {ty}`{d}", f.name.name)
            })
            .collect();
        return Some(format!(
            "{}{}\n\n{}",
            code(&format!("record {n}")),
            doc(r.doc.as_ref()),
            fields.join("\n")
        ));
    }
    let e = scope.enum_decl(n)?;
    let members: Vec<String> = e
        .members
        .iter()
        .map(|(m, d)| {
            let d = d
                .as_ref()
                .map(|d| format!(" — {}", d.value))
                .unwrap_or_default();
            format!("- `{}`{d}", m.name)
        })
        .collect();
    let ordered = if e.ordered { " ordered" } else { "" };
    Some(format!(
        "{}{}\n\n{}",
        code(&format!("enum {n}{ordered}")),
        doc(e.doc.as_ref()),
        members.join("\n")
    ))
}
