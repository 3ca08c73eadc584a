//! Hover: for a citation, the label and text of what it cites (of an amended article: the
//! version cited, or in force today, and the others with their periods); for a regulation, its
//! rank, territory and period; for a rule, value or param, its declaration and the text of its
//! citations; for a field, fact, kind, type or enum member, its type and documentation.
//!
//! What a name is comes from the compiler ([`crate::symbols`]): the declaration it resolved the
//! name to, that declaration's type and documentation, and the syntax tree of the item that
//! declares it ([`crate::model`]).
//!
//! The server does not read the clock: "today" is what its caller says ([`hover_on`]); without
//! it, the latest version of an amended article is shown.

use crate::cite::{self, Pick};
use crate::model::{Scope, Ty};
use crate::symbols::{Analysis, Place};
use crate::workspace::{DocId, Workspace};
use datalex_compiler::symbols::{Decl, DeclId, Key, Shape};
use datalex_lang::ast::{Item, Str};
use datalex_lang::date::Date;
use datalex_lang::{Arg, Join, Message, Span};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

/// `textDocument/hover`, without a date: amended articles show their latest version.
pub fn hover(ws: &Workspace, p: &HoverParams) -> Option<Hover> {
    hover_on(ws, p, None)
}

/// `textDocument/hover`, with the caller's today: amended articles show the version in force
/// that day.
pub fn hover_on(ws: &Workspace, p: &HoverParams, today: Option<Date>) -> Option<Hover> {
    let (doc, offset) = ws.at(&p.text_document_position_params)?;
    let (place, id) = ws.symbol_at(doc, offset)?;
    let value = describe_on(ws, doc, place, id, today)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: ws.range(doc, place.1, place.2),
    })
}

fn code(s: &str) -> String {
    format!("```dlx\n{}\n```", s.trim_end())
}

fn doc_of(d: Option<&Str>) -> String {
    d.map(|d| format!("\n\n{}", d.value)).unwrap_or_default()
}

fn doc_text(d: Option<&String>) -> String {
    d.map(|d| format!("\n\n{d}")).unwrap_or_default()
}

/// The text of a place.
fn text_at(ws: &Workspace, (doc, start, end): Place) -> Option<&str> {
    ws.doc(doc)?.text.get(start..end)
}

/// The source text of the item at the compiler's `span`, without the comments that introduce
/// the next item.
fn source(ws: &Workspace, a: &Analysis, span: Span) -> Option<String> {
    let text = text_at(ws, a.place(span)?)?;
    let mut lines: Vec<&str> = text.trim_end().lines().collect();
    while lines
        .last()
        .is_some_and(|l| l.trim().is_empty() || l.trim_start().starts_with("//"))
    {
        lines.pop();
    }
    Some(lines.join("\n"))
}

/// The version a citation names (`§5@2025-01-01`), read from its text.
fn named_version(ws: &Workspace, place: Place) -> Option<Date> {
    let (_, date) = text_at(ws, place)?.rsplit_once('@')?;
    Date::parse(date.trim()).ok()
}

/// Which version a citation at `place` shows: the one it names; in the regulation's own text
/// (`declared`), the declaration it is in; else the one in force `today`.
fn pick(ws: &Workspace, a: &Analysis, place: Place, declared: bool, today: Option<Date>) -> Pick {
    if declared {
        let found = a.symbols.decls().find_map(|(_, d)| {
            let mut names = d.name.iter().chain(&d.again);
            names.any(|n| a.place(*n) == Some(place)).then_some(d)
        });
        if let Some(Key::Article { regulation, path }) = found.map(|d| &d.key) {
            if let Some(n) = nth_version(ws, a, regulation, path, place) {
                return Pick::Nth(n);
            }
        }
    }
    match named_version(ws, place) {
        Some(d) => Pick::Named(d),
        None => Pick::Today(today),
    }
}

/// Which declaration of its article (0: the text first enacted) the article, paragraph or
/// item declared at `place` is in.
fn nth_version(
    ws: &Workspace,
    a: &Analysis,
    regulation: &str,
    path: &[u32],
    place: Place,
) -> Option<usize> {
    let r = cite::regulation(ws, a, regulation)?;
    let (doc, chunk, _) = ws.item_of(
        a,
        a.symbols
            .decl(a.symbols.find(&Key::Regulation(regulation.to_string()))?)?
            .item?,
    )?;
    let inside = |s: Span| (doc, chunk + s.start as usize, chunk + s.end as usize) == place;
    let number = *path.first()?;
    let (i, _) = r.articles.iter().enumerate().find(|(_, x)| {
        x.number == number
            && (inside(x.span)
                || x.paras
                    .iter()
                    .any(|p| inside(p.span) || p.items.iter().any(|i| inside(i.span))))
    })?;
    Some(
        r.articles
            .iter()
            .take(i)
            .filter(|x| x.number == number)
            .count(),
    )
}

/// The package of a rule, value or param key.
fn package_of(key: &Key) -> Option<&str> {
    match key {
        Key::Rule { package, .. } | Key::Value { package, .. } | Key::Param { package, .. } => {
            Some(package)
        }
        _ => None,
    }
}

/// The declaration of a rule, value or param (`decl`, declared in document `at`), where it
/// is, the package of the declaration it replaces, and the text of what it cites.
fn declaration(ws: &Workspace, a: &Analysis, decl: &Decl, today: Option<Date>) -> Option<String> {
    let item = decl.item?;
    let mut s = code(&source(ws, a, item)?);
    let (at, _, _) = a.place(item)?;
    let d = ws.doc(at)?;
    let package = package_of(&decl.key).unwrap_or(datalex_compiler::STD);
    let lang = ws.lang();
    s.push_str("\n\n");
    s.push_str(
        &Message::new("lsp-hover-package")
            .arg("package", package)
            .arg("file", d.name.as_str())
            .text(lang),
    );
    let base = decl.replaces.and_then(|b| a.symbols.decl(b));
    if let Some(base) = base.and_then(|b| package_of(&b.key)) {
        s.push_str(
            &Message::new("lsp-hover-replaces")
                .arg("package", base)
                .text(lang),
        );
    }
    let mut seen = Vec::new();
    for (span, id) in a.symbols.uses_within(item) {
        let Some(Key::Article { regulation, path }) = a.symbols.decl(id).map(|d| &d.key) else {
            continue;
        };
        let Some(place) = a.place(span) else { continue };
        let which = pick(ws, a, place, false, today);
        if seen.contains(&(regulation, path, which)) {
            continue;
        }
        seen.push((regulation, path, which));
        if let Some(c) = cite::cited_at(ws, a, regulation, path, which) {
            s.push_str("\n\n---\n\n");
            s.push_str(&c.markdown(lang));
        }
    }
    Some(s)
}

/// What the hover over the name at `place` (of document `doc`), which the compiler resolved
/// to `id`, shows, as Markdown; amended articles in the version in force `today` (the latest
/// without it).
pub fn describe_on(
    ws: &Workspace,
    doc: DocId,
    place: Place,
    id: DeclId,
    today: Option<Date>,
) -> Option<String> {
    let a = ws.analysis_for(doc);
    let decl = a.symbols.decl(id)?;
    let declared = decl
        .name
        .iter()
        .chain(&decl.again)
        .any(|n| a.place(*n) == Some(place));
    let scope = Scope::new(ws, doc, Vec::new());
    let lang = ws.lang();
    match &decl.key {
        Key::Article { regulation, path } => {
            let which = pick(ws, a, place, declared, today);
            let mut text = cite::cited_at(ws, a, regulation, path, which)?.markdown(lang);
            if declared {
                let n = ws.references_of(doc, id, false).len();
                text.push_str("\n\n");
                text.push_str(&Message::new("lsp-hover-cited-times").arg("n", n).text(lang));
            }
            Some(text)
        }
        Key::Rule { .. } | Key::Value { .. } | Key::Param { .. } => {
            // On a declaration that replaces another, its own; on a use, the one the package
            // sees.
            declaration(ws, a, decl, today)
        }
        Key::ValueException { value, name } => {
            let text = source(ws, a, decl.item?)?;
            let value = text_at(ws, a.place(*value)?)?;
            let _ = name;
            Some(format!(
                "{}\n\n{}",
                code(&text),
                Message::new("lsp-hover-value-exception")
                    .arg("value", value)
                    .text(lang)
            ))
        }
        Key::Package(name) => {
            let extends = a
                .symbols
                .packages()
                .find(|(p, _)| p == name)
                .and_then(|(_, e)| e);
            let mut s = code(&match extends {
                Some(b) => format!("package {name} extends {b}"),
                None => format!("package {name}"),
            });
            let files: Vec<u32> = decl
                .name
                .iter()
                .chain(&decl.again)
                .map(|n| n.file)
                .collect();
            s.push_str("\n\n");
            s.push_str(
                &Message::new("lsp-hover-files")
                    .arg("n", files.len())
                    .text(lang),
            );
            let regulations: Vec<&str> = a
                .symbols
                .decls()
                .filter_map(|(_, d)| match (&d.key, d.name) {
                    (Key::Regulation(r), Some(n)) if files.contains(&n.file) => Some(r.as_str()),
                    _ => None,
                })
                .collect();
            if !regulations.is_empty() {
                s.push_str(
                    &Message::new("lsp-hover-regulations")
                        .arg("regulations", Arg::codes(Join::Comma, &regulations))
                        .text(lang),
                );
            }
            Some(s)
        }
        Key::Regulation(id) => regulation(ws, a, &scope, id, today),
        Key::Interpretation(_) => Some(code(&source(ws, a, decl.item?)?)),
        Key::Fact(n) => {
            let (_, _, Item::Fact(f)) = ws.declaring_item(a, id)? else {
                return None;
            };
            let keyed = f
                .keyed
                .as_ref()
                .map(|k| format!(" keyed by {}", k.name))
                .unwrap_or_default();
            let ty = decl.ty.as_ref().map_or(Ty::Unknown, Ty::of).show();
            Some(format!(
                "{}{}",
                code(&format!("fact {n}: {ty}{keyed}")),
                doc_of(f.doc.as_ref())
            ))
        }
        Key::Kind(n) => {
            let (_, _, Item::Kind(k)) = ws.declaring_item(a, id)? else {
                return None;
            };
            Some(format!(
                "{}{}",
                code(&format!("kind {n}: {}", k.request.name)),
                doc_of(k.doc.as_ref())
            ))
        }
        Key::Type(n) => {
            let t = type_doc(ws, &scope, id, n)?;
            // `request`: the request record of the item's kinds.
            if text_at(ws, place) == Some("request") {
                Some(format!("{}\n\n{t}", code(&format!("request: {n}"))))
            } else {
                Some(t)
            }
        }
        Key::Member { ty, name } => {
            let e = scope.decl(&Key::Type(ty.clone()));
            let enum_doc = e
                .and_then(|e| ws.declaring_item(a, a.symbols.find(&e.key)?))
                .and_then(|(_, _, i)| match i {
                    Item::Enum(e) => e.doc.as_ref(),
                    _ => None,
                });
            Some(format!(
                "{}{}{}",
                code(&format!("{ty}.{name}")),
                doc_text(decl.doc.as_ref()),
                doc_of(enum_doc)
            ))
        }
        Key::Field { record, name } => {
            let ty = decl.ty.as_ref().map_or(Ty::Unknown, Ty::of);
            let mut s = format!(
                "{}{}",
                code(&format!("{record}.{name}: {}", ty.show())),
                doc_text(decl.doc.as_ref())
            );
            if let Some(Shape::Enum(e)) = &decl.ty {
                let members: Vec<&str> = scope.members(e).into_iter().map(|(m, _)| m).collect();
                s.push_str(&format!("\n\n`{}`", members.join("` · `")));
            }
            Some(s)
        }
        Key::Local(_) => {
            let name = text_at(ws, a.place(decl.name?)?)?;
            let ty = decl.ty.as_ref().map_or(Ty::Unknown, Ty::of).show();
            Some(code(&format!("{name}: {ty}")))
        }
    }
}

/// A regulation: its title, issuer, number, rank (as people say it), territory, period, and
/// the articles that changed.
fn regulation(
    ws: &Workspace,
    a: &Analysis,
    scope: &Scope<'_>,
    id: &str,
    today: Option<Date>,
) -> Option<String> {
    let r = cite::regulation(ws, a, id)?;
    let text = cite::regulation_text(r);
    let lang = ws.lang();
    let line = |id: &'static str, value: String| {
        format!("\n\n{}", Message::new(id).arg("value", value).text(lang))
    };
    let mut s = format!("**《{}》** `{}`", r.title.value, id);
    for (what, v) in [
        ("lsp-hover-issuer", &r.issuer),
        ("lsp-hover-number", &r.number),
    ] {
        if let Some(v) = v {
            s.push_str(&line(what, v.value.clone()));
        }
    }
    if let Some(rank) = &r.rank {
        // As people say it: the prelude documents each `LegalRank` member.
        let said = scope
            .decl(&Key::Member {
                ty: "LegalRank".into(),
                name: rank.name.clone(),
            })
            .and_then(|m| m.doc.clone());
        let rank = match said {
            Some(said) => Message::new("lsp-hover-rank-said")
                .arg("said", said)
                .arg("rank", rank.name.as_str()),
            None => Message::new("lsp-hover-rank").arg("rank", rank.name.as_str()),
        };
        s.push_str("\n\n");
        s.push_str(&rank.text(lang));
    }
    if let Some(t) = &r.territory {
        s.push_str(&line("lsp-hover-territory", t.value.clone()));
    }
    s.push_str(&line("lsp-hover-in-force", text.period_label()));
    if let Some(n) = &text.in_force_note {
        s.push_str(&Message::new("lsp-hover-note").arg("note", n).text(lang));
    }
    if let Some(d) = today {
        let on = if text.in_force.contains(d) {
            "lsp-hover-in-force-on"
        } else {
            "lsp-hover-not-in-force-on"
        };
        s.push_str(&Message::new(on).arg("date", d).text(lang));
    }
    if let Some(u) = &r.unavailable {
        s.push_str("\n\n");
        s.push_str(
            &Message::new("lsp-text-unavailable")
                .arg("why", u.value.as_str())
                .text(lang),
        );
    }
    s.push_str("\n\n");
    s.push_str(
        &Message::new("lsp-hover-articles")
            .arg("n", text.articles.len())
            .text(lang),
    );
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
                Message::new("lsp-hover-version")
                    .arg("article", Arg::Provision(vec![*n]))
                    .arg(
                        "periods",
                        Arg::List(Join::Comma, shown.into_iter().map(Arg::Text).collect()),
                    )
                    .text(lang)
            })
        })
        .collect();
    if !changed.is_empty() {
        let sep = Message::new("lsp-hover-versions-separator").text(lang);
        s.push_str(
            &Message::new("lsp-hover-versions")
                .arg("versions", changed.join(&sep))
                .text(lang),
        );
    }
    Some(s)
}

/// A record with its fields, or an enum with its members (`id` declares `n`).
fn type_doc(ws: &Workspace, scope: &Scope<'_>, id: DeclId, n: &str) -> Option<String> {
    let a = scope.analysis;
    let item = ws.declaring_item(a, id).map(|(_, _, i)| i);
    let line = |name: &str, ty: Option<String>, d: &Decl| {
        let ty = ty.map(|t| format!(": {t}")).unwrap_or_default();
        let d = d
            .doc
            .as_ref()
            .map(|d| format!(" — {d}"))
            .unwrap_or_default();
        format!("- `{name}{ty}`{d}")
    };
    match item {
        Some(Item::Record(r)) => {
            let fields: Vec<String> = scope
                .fields(n)
                .into_iter()
                .map(|(f, d)| line(f, Some(d.ty.as_ref().map_or(Ty::Unknown, Ty::of).show()), d))
                .collect();
            Some(format!(
                "{}{}\n\n{}",
                code(&format!("record {n}")),
                doc_of(r.doc.as_ref()),
                fields.join("\n")
            ))
        }
        Some(Item::Enum(e)) => {
            let members: Vec<String> = scope
                .members(n)
                .into_iter()
                .map(|(m, d)| line(m, None, d))
                .collect();
            let ordered = if e.ordered { " ordered" } else { "" };
            Some(format!(
                "{}{}\n\n{}",
                code(&format!("enum {n}{ordered}")),
                doc_of(e.doc.as_ref()),
                members.join("\n")
            ))
        }
        _ => None,
    }
}
