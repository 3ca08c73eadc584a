//! Document symbols: the outline of a file — regulations with their chapters and articles,
//! rules, values with their exceptions, params, types, facts, kinds, tests and coverage notes.

use crate::document::Document;
use crate::workspace::Workspace;
use datalex_lang::ast::{Item, RuleRole, ValueBody};
use datalex_lang::Span;
use lsp_types::{DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, SymbolKind};

/// `textDocument/documentSymbol`.
pub fn document_symbols(
    ws: &Workspace,
    p: &DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let d = ws.doc(ws.find(&p.text_document.uri)?)?;
    let mut out = Vec::new();
    for (start, item) in d.items() {
        if let Some(s) = symbol(d, start, item) {
            out.push(s);
        }
    }
    Some(DocumentSymbolResponse::Nested(out))
}

/// A symbol of the item at `base` of `d`; `spans` are the whole declaration and its name.
#[expect(
    deprecated,
    reason = "`DocumentSymbol::deprecated` must be given; it is `None`"
)]
fn node(
    (d, base): (&Document, usize),
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    (whole, selection): (Span, Span),
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    let range = |s: Span| {
        d.lines
            .range(&d.text, base + s.start as usize, base + s.end as usize)
    };
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: range(whole),
        selection_range: range(selection),
        children: (!children.is_empty()).then_some(children),
    }
}

fn kinds(ks: &[datalex_lang::ast::Ident]) -> String {
    ks.iter()
        .map(|k| k.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn symbol(d: &Document, base: usize, item: &Item) -> Option<DocumentSymbol> {
    let n = |name: String, detail: Option<String>, kind, sel: Span, children| {
        node((d, base), name, detail, kind, (item.span(), sel), children)
    };
    Some(match item {
        Item::Package(p) => {
            let detail = p.extends.as_ref().map(|b| format!("extends {}", b.name));
            n(
                p.name.name.clone(),
                detail,
                SymbolKind::PACKAGE,
                p.name.span,
                vec![],
            )
        }
        Item::Regulation(r) => {
            let mut children: Vec<DocumentSymbol> = Vec::new();
            let mut chapters: Vec<(u32, DocumentSymbol)> = Vec::new();
            for c in &r.chapters {
                let s = node(
                    (d, base),
                    format!("chapter {}", c.number),
                    Some(c.title.value.clone()),
                    SymbolKind::NAMESPACE,
                    (c.span, c.span),
                    vec![],
                );
                chapters.push((c.number, s));
            }
            for a in &r.articles {
                let whole = a.paras.last().map_or(a.span, |p| a.span.to(p.span));
                let first = a
                    .paras
                    .first()
                    .map(|p| p.text.value.chars().take(30).collect::<String>());
                let s = node(
                    (d, base),
                    format!("§{}", a.number),
                    first,
                    SymbolKind::KEY,
                    (whole, a.span),
                    vec![],
                );
                match chapters.iter_mut().find(|(num, _)| Some(*num) == a.chapter) {
                    Some((_, ch)) => {
                        ch.range.end = s.range.end;
                        ch.children.get_or_insert_with(Vec::new).push(s);
                    }
                    None => children.push(s),
                }
            }
            children.extend(chapters.into_iter().map(|(_, c)| c));
            children.sort_by_key(|c| (c.range.start.line, c.range.start.character));
            n(
                r.id.name.clone(),
                Some(r.title.value.clone()),
                SymbolKind::MODULE,
                r.id.span,
                children,
            )
        }
        Item::Enum(e) => {
            let members = e
                .members
                .iter()
                .map(|(m, _)| {
                    node(
                        (d, base),
                        m.name.clone(),
                        None,
                        SymbolKind::ENUM_MEMBER,
                        (m.span, m.span),
                        vec![],
                    )
                })
                .collect();
            n(
                e.name.name.clone(),
                e.doc.as_ref().map(|s| s.value.clone()),
                SymbolKind::ENUM,
                e.name.span,
                members,
            )
        }
        Item::Record(r) => {
            let fields = r
                .fields
                .iter()
                .map(|f| {
                    node(
                        (d, base),
                        f.name.name.clone(),
                        f.doc.as_ref().map(|s| s.value.clone()),
                        SymbolKind::FIELD,
                        (f.name.span.to(f.ty.span()), f.name.span),
                        vec![],
                    )
                })
                .collect();
            n(
                r.name.name.clone(),
                r.doc.as_ref().map(|s| s.value.clone()),
                SymbolKind::STRUCT,
                r.name.span,
                fields,
            )
        }
        Item::Fact(f) => n(
            f.name.name.clone(),
            f.doc.as_ref().map(|s| s.value.clone()),
            SymbolKind::PROPERTY,
            f.name.span,
            vec![],
        ),
        Item::Kind(k) => n(
            k.name.name.clone(),
            Some(k.request.name.clone()),
            SymbolKind::EVENT,
            k.name.span,
            vec![],
        ),
        Item::Param(p) => n(
            p.name.name.clone(),
            Some("param".into()),
            SymbolKind::CONSTANT,
            p.name.span,
            vec![],
        ),
        Item::Value(v) => {
            let mut children = Vec::new();
            if let ValueBody::Block { exceptions, .. } = &v.body {
                for x in exceptions {
                    children.push(node(
                        (d, base),
                        x.name.name.clone(),
                        Some("exception".into()),
                        SymbolKind::FUNCTION,
                        (x.span, x.name.span),
                        vec![],
                    ));
                }
            }
            let detail = format!("value on {}", kinds(&v.kinds));
            n(
                v.name.name.clone(),
                Some(detail),
                SymbolKind::VARIABLE,
                v.name.span,
                children,
            )
        }
        Item::Rule(r) => {
            let detail = format!("{} on {}", r.role.keyword(), kinds(&r.kinds));
            match &r.name {
                Some(name) => n(
                    name.name.clone(),
                    Some(detail),
                    SymbolKind::FUNCTION,
                    name.span,
                    vec![],
                ),
                None if r.role == RuleRole::Otherwise => n(
                    format!("otherwise on {}", kinds(&r.kinds)),
                    None,
                    SymbolKind::FUNCTION,
                    r.head,
                    vec![],
                ),
                None => return None,
            }
        }
        Item::Test(t) => n(
            t.name.value.clone(),
            Some("test".into()),
            SymbolKind::METHOD,
            t.name.span,
            vec![],
        ),
        Item::Coverage(c) => n(
            format!("coverage {}", c.regulation.name),
            None,
            SymbolKind::NAMESPACE,
            c.regulation.span,
            vec![],
        ),
        Item::Interpretation(x) => n(
            x.name.name.clone(),
            Some("interpretation".into()),
            SymbolKind::CONSTANT,
            x.name.span,
            vec![],
        ),
        Item::Scope(sc) => n(
            format!("scope {} on {}", sc.regulation.name, kinds(&sc.kinds)),
            None,
            SymbolKind::NAMESPACE,
            sc.regulation.span,
            vec![],
        ),
        Item::Labels(x) => n(
            format!("labels {}", x.of.as_str()),
            None,
            SymbolKind::NAMESPACE,
            x.span,
            x.entries
                .iter()
                .map(|e| {
                    n(
                        e.name.name.clone(),
                        Some(e.label.value.clone()),
                        SymbolKind::STRING,
                        e.name.span,
                        vec![],
                    )
                })
                .collect(),
        ),
        Item::Use(u) => n(
            format!("use {} for {}", u.package.name, kinds(&u.kinds)),
            None,
            SymbolKind::NAMESPACE,
            u.package.span,
            vec![],
        ),
    })
}
