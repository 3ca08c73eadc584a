//! Completion: article numbers after `§`, fields after `.`, enum members after a comparison
//! with an enum, rules after `over`, kinds after `on`, packages after `extends`, and otherwise
//! keywords and the names in scope (values, params, facts, `request`, quantifier variables,
//! enum members).

mod context;

use crate::cite;
use crate::model::{Path, Scope, Ty};
use crate::workspace::Workspace;
use context::{path_before, word, Tok};
use datalex_compiler::symbols::{Key, Namespace};
use datalex_lang::ast::Item;
use datalex_lang::keywords::{KeywordLang, Kw};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, MarkupContent, MarkupKind, TextEdit,
};

/// The reserved words of the grammar (they cannot be names).
pub const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "is",
    "missing",
    "exists",
    "any",
    "all",
    "each",
    "where",
    "true",
    "false",
    "when",
    "cites",
    "over",
    "on",
    "until",
    "from",
    "within",
    "met",
    "working",
    "days",
    "day",
    "permit",
    "deny",
    "review",
    "reason",
    "obligation",
    "deadline",
    "finding",
    "default",
    "exception",
    "reported",
];

/// Words that start or continue declarations, offered besides [`KEYWORDS`].
const CLAUSES: &[&str] = &[
    "package",
    "extends",
    "regulation",
    "article",
    "para",
    "item",
    "chapter",
    "missing",
    "issuer",
    "number",
    "rank",
    "territory",
    "in force from",
    "until",
    "style",
    "enum",
    "ordered",
    "record",
    "fact",
    "keyed by",
    "kind",
    "param",
    "value",
    "guard",
    "rule",
    "check",
    "otherwise",
    "override",
    "test",
    "facts",
    "request",
    "expect",
    "coverage",
    "not_decidable",
    "not_encoded",
    "use",
    "for",
    "info",
    "warning",
    "violation",
    "met by",
    "reported as",
    "is missing",
    "scope",
    "as of",
    "consistent with",
    "remedy",
    "applies",
];

fn item(
    label: String,
    kind: CompletionItemKind,
    detail: Option<String>,
    rank: u8,
) -> CompletionItem {
    CompletionItem {
        sort_text: Some(format!("{rank}{label}")),
        label,
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

/// `textDocument/completion`.
pub fn complete(ws: &Workspace, p: &CompletionParams) -> Option<CompletionResponse> {
    let (doc, offset) = ws.at(&p.text_document_position)?;
    let d = ws.doc(doc)?;
    let chunk = d.chunk_at(offset)?;
    let start = chunk.start.min(offset);
    let before = d.text.get(start..offset)?;
    let toks = context::tokens(before)?;
    // Keywords in the file's language; in a file with none yet, both, Chinese first.
    let langs: &[KeywordLang] = match d.keyword_language() {
        Some(KeywordLang::Zh) => &[KeywordLang::Zh],
        Some(KeywordLang::En) => &[KeywordLang::En],
        None => &[KeywordLang::Zh, KeywordLang::En],
    };
    let locals = context::locals(&toks);
    let scope = Scope::new(ws, doc, context::kinds(&toks));
    // The word being typed, if the cursor is at its end.
    let typing = matches!(toks.last(), Some((at, Tok::Word(w))) if at + w.len() == before.len());
    let end = if typing { toks.len() - 1 } else { toks.len() };
    let mut items = citation(ws, &scope, d, before, &toks, start)
        .or_else(|| after_dot(&scope, &toks, end, &locals))
        .or_else(|| members_after_comparison(&scope, &toks, end, &locals))
        .or_else(|| after_keyword(&scope, &toks, end))
        .unwrap_or_else(|| {
            // Only a word (or nothing) in column 0, outside braces: a declaration starts.
            let line = before.rsplit('\n').next().unwrap_or("");
            let word_only = line.chars().all(|c| c.is_alphanumeric() || c == '_');
            let depth: i64 = toks
                .iter()
                .map(|(_, t)| match t {
                    Tok::Punct('{') => 1,
                    Tok::Punct('}') => -1,
                    _ => 0,
                })
                .sum();
            if word_only && depth <= 0 && before.contains('\n') {
                declaration_keywords(langs)
            } else {
                names(&scope, &locals, langs)
            }
        });
    items.sort_by(|a, b| (&a.sort_text, &a.label).cmp(&(&b.sort_text, &b.label)));
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(i.label.clone()));
    Some(CompletionResponse::Array(items))
}

/// After `§` (and digits and dots): the articles of the cited regulation, or the paragraphs or
/// items of the article typed so far.
fn citation(
    ws: &Workspace,
    scope: &Scope<'_>,
    d: &crate::document::Document,
    before: &str,
    toks: &[(usize, Tok)],
    base: usize,
) -> Option<Vec<CompletionItem>> {
    let k = toks.iter().rposition(|(_, t)| *t == Tok::Punct('§'))?;
    let rest = toks.get(k + 1..)?;
    let numeric = rest.iter().all(|(_, t)| match t {
        Tok::Punct('.') => true,
        Tok::Word(w) => w.chars().all(|c| c.is_ascii_digit()),
        _ => false,
    });
    if !numeric {
        return None;
    }
    let at = toks.get(k)?.0;
    let typed = before.get(at + '§'.len_utf8()..)?;
    let head = before.get(..at)?.trim_end();
    let id: String = head
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // `cites REG §`: that regulation (none if unknown); `cites §`, `, §`: the package's own.
    let named = !id.is_empty()
        && id != Kw::Cites.en()
        && id != Kw::Cites.zh()
        && !id.chars().all(|c| c.is_ascii_digit());
    let reg_id = if named {
        id
    } else {
        scope.symbols().own_regulation(&scope.package)?.to_string()
    };
    let reg = cite::regulation(ws, scope.analysis, &reg_id)?;
    let numbers: Vec<u32> = typed.split('.').filter_map(|n| n.parse().ok()).collect();
    let depth = typed.matches('.').count();
    let mut paths: Vec<Vec<u32>> = Vec::new();
    match (depth, numbers.as_slice()) {
        (0, _) => paths.extend(reg.articles.iter().map(|a| vec![a.number])),
        (1, [a, ..]) => {
            if let Some(art) = reg.articles.iter().find(|x| x.number == *a) {
                if art.single {
                    let items = art
                        .paras
                        .first()
                        .map(|p| p.items.as_slice())
                        .unwrap_or_default();
                    paths.extend(items.iter().map(|i| vec![*a, i.number]));
                } else {
                    paths.extend(art.paras.iter().map(|p| vec![*a, p.number]));
                }
            }
        }
        (2, [a, p, ..]) => {
            let art = reg.articles.iter().find(|x| x.number == *a)?;
            let para = art.paras.iter().find(|x| x.number == *p)?;
            paths.extend(para.items.iter().map(|i| vec![*a, *p, i.number]));
        }
        _ => {}
    }
    // An amended article is declared once per version: offer each path once.
    let mut seen = std::collections::HashSet::new();
    paths.retain(|p| seen.insert(p.clone()));
    let range = d
        .lines
        .range(&d.text, base + at + '§'.len_utf8(), base + before.len());
    let mut out = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let label = path
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".");
        let cited = cite::cited(ws, scope.analysis, &reg_id, path);
        let mut it = item(
            label.clone(),
            CompletionItemKind::REFERENCE,
            cited.as_ref().and_then(|c| c.label.clone().ok()),
            0,
        );
        // Keep the regulation's order (numeric, not alphabetical).
        it.sort_text = Some(format!("{i:05}"));
        it.documentation = cited.map(|c| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: c.text.join("\n\n"),
            })
        });
        it.filter_text = Some(label.clone());
        it.text_edit = Some(CompletionTextEdit::Edit(TextEdit {
            range,
            new_text: label,
        }));
        out.push(it);
    }
    if depth == 0 {
        let mut unknown = item(
            "?".into(),
            CompletionItemKind::REFERENCE,
            Some("article unknown".into()),
            1,
        );
        unknown.text_edit = Some(CompletionTextEdit::Edit(TextEdit {
            range,
            new_text: "?".into(),
        }));
        out.push(unknown);
    }
    Some(out)
}

/// After `path.`: the fields of the path's record, or the members of an enum (`ShareTier.`).
fn after_dot(
    scope: &Scope<'_>,
    toks: &[(usize, Tok)],
    end: usize,
    locals: &[(String, Path)],
) -> Option<Vec<CompletionItem>> {
    let dot = end.checked_sub(1)?;
    if toks.get(dot)?.1 != Tok::Punct('.') {
        return None;
    }
    let (path, _) = path_before(toks, dot, locals)?;
    if let Path::Name(n) = &path {
        if scope.is_enum_type(n) {
            return Some(members(scope, n));
        }
    }
    let Ty::Records(rs) = scope.path_ty(&path) else {
        return Some(Vec::new());
    };
    let mut out = Vec::new();
    for r in &rs {
        for (name, f) in scope.fields(r) {
            let ty = f.ty.as_ref().map_or(Ty::Unknown, Ty::of).show();
            let mut it = item(
                name.to_string(),
                CompletionItemKind::FIELD,
                Some(format!("{r}.{name}: {ty}")),
                0,
            );
            it.documentation = f.doc.clone().map(Documentation::String);
            out.push(it);
        }
    }
    Some(out)
}

fn members(scope: &Scope<'_>, e: &str) -> Vec<CompletionItem> {
    scope
        .members(e)
        .into_iter()
        .enumerate()
        .map(|(i, (m, d))| {
            let mut it = item(
                m.to_string(),
                CompletionItemKind::ENUM_MEMBER,
                Some(format!("{e}.{m}")),
                0,
            );
            it.sort_text = Some(format!("{i:05}"));
            it.documentation = d.doc.clone().map(Documentation::String);
            it
        })
        .collect()
}

/// After `x ==`, `x !=`, `x <`…, or in `x in {…`: the members of `x`'s enum.
fn members_after_comparison(
    scope: &Scope<'_>,
    toks: &[(usize, Tok)],
    end: usize,
    locals: &[(String, Path)],
) -> Option<Vec<CompletionItem>> {
    let mut j = end.checked_sub(1)?;
    // Inside a set literal: back over members and commas to `{`, which must follow `in`.
    if matches!(toks.get(j)?.1, Tok::Punct('{' | ',')) {
        while toks.get(j)?.1 != Tok::Punct('{') {
            j = j.checked_sub(1)?;
        }
        if word(toks, j.checked_sub(1)?) != Some("in") {
            return None;
        }
        j -= 1;
        if word(toks, j.checked_sub(1)?) == Some("not") {
            j -= 1;
        }
    } else {
        let op = |t: &Tok| matches!(t, Tok::Punct('=' | '!' | '<' | '>'));
        if !op(&toks.get(j)?.1) {
            return None;
        }
        while toks.get(j.checked_sub(1)?).is_some_and(|(_, t)| op(t)) {
            j -= 1;
        }
    }
    let (path, _) = path_before(toks, j, locals)?;
    match scope.path_ty(&path) {
        Ty::Enum(e) => Some(members(scope, &e)),
        _ => None,
    }
}

/// After `over` (rules), `on` in a header or `for` in `use` (kinds), `extends` or `use`
/// (packages).
fn after_keyword(
    scope: &Scope<'_>,
    toks: &[(usize, Tok)],
    end: usize,
) -> Option<Vec<CompletionItem>> {
    // Back over a list `a, b,`.
    let mut j = end.checked_sub(1)?;
    while let Some(Tok::Punct(',')) = toks.get(j).map(|t| &t.1) {
        word(toks, j.checked_sub(1)?)?;
        j = j.checked_sub(2)?;
    }
    match word(toks, j)? {
        "over" if word(toks, 0) == Some("value") => {
            // An exception of a value: the exceptions written before it.
            let names = toks
                .windows(2)
                .filter_map(|w| match (&w.first()?.1, &w.get(1)?.1) {
                    (Tok::Word(e), Tok::Word(n)) if e == "exception" => Some(n.clone()),
                    _ => None,
                });
            Some(
                names
                    .map(|n| item(n, CompletionItemKind::FUNCTION, Some("exception".into()), 0))
                    .collect(),
            )
        }
        "over" => Some(
            scope
                .visible(Namespace::Rules)
                .into_iter()
                .map(|(name, pkg, _)| {
                    item(
                        name.to_string(),
                        CompletionItemKind::FUNCTION,
                        Some(format!("rule of package `{pkg}`")),
                        0,
                    )
                })
                .collect(),
        ),
        "on" | "for"
            if !toks
                .iter()
                .take(j)
                .any(|(_, t)| matches!(t, Tok::Word(w) if w == "when" || w == "cites")) =>
        {
            let mut out: Vec<CompletionItem> = scope
                .kinds()
                .into_iter()
                .map(|(k, _)| {
                    item(
                        k.to_string(),
                        CompletionItemKind::EVENT,
                        Some("request kind".into()),
                        0,
                    )
                })
                .collect();
            out.sort_by(|a, b| a.label.cmp(&b.label));
            Some(out)
        }
        "extends" => Some(packages(scope)),
        "use" if j == 0 => Some(packages(scope)),
        _ => None,
    }
}

fn packages(scope: &Scope<'_>) -> Vec<CompletionItem> {
    scope
        .symbols()
        .packages()
        .filter(|(p, _)| *p != scope.package)
        .map(|(p, _)| {
            item(
                p.to_string(),
                CompletionItemKind::MODULE,
                Some("package".into()),
                0,
            )
        })
        .collect()
}

/// Anywhere else: quantifier variables, values, params, facts, `request`, enum members and
/// keywords (declaration keywords first at the start of a line).
/// The keywords that start a declaration, in `langs`.
fn declaration_keywords(langs: &[KeywordLang]) -> Vec<CompletionItem> {
    langs
        .iter()
        .enumerate()
        .flat_map(|(rank, &lang)| {
            datalex_lang::parser::ITEM_KWS.iter().map(move |k| {
                item(
                    k.text(lang).to_string(),
                    CompletionItemKind::KEYWORD,
                    Some("declaration".into()),
                    u8::try_from(rank).unwrap_or(0),
                )
            })
        })
        .collect()
}

/// Keywords in `lang`: in English the reserved words and clauses as today; in Chinese every
/// keyword of the table that is a word (not an ordinal such as 第…条).
fn keywords_in(lang: KeywordLang) -> Vec<String> {
    match lang {
        KeywordLang::En => CLAUSES
            .iter()
            .chain(KEYWORDS)
            .map(|k| (*k).to_string())
            .collect(),
        KeywordLang::Zh => Kw::ALL
            .iter()
            .filter(|k| !k.is_ordinal())
            .map(|k| k.zh().to_string())
            .collect(),
    }
}

fn names(
    scope: &Scope<'_>,
    locals: &[(String, Path)],
    langs: &[KeywordLang],
) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for (n, path) in locals {
        out.push(item(
            n.clone(),
            CompletionItemKind::VARIABLE,
            Some(scope.path_ty(path).show()),
            0,
        ));
    }
    for (name, pkg, d) in scope.visible(Namespace::Names) {
        let (kind, what) = match d.key {
            Key::Value { .. } => (CompletionItemKind::VARIABLE, "value"),
            _ => (CompletionItemKind::CONSTANT, "param"),
        };
        let ty = d.ty.as_ref().map_or(Ty::Unknown, Ty::of).show();
        let mut it = item(
            name.to_string(),
            kind,
            Some(format!("{what}: {ty} (package `{pkg}`)")),
            1,
        );
        let declared = d.item.and_then(|at| scope.ws.item_of(scope.analysis, at));
        if let Some((_, _, Item::Value(v))) = declared {
            let on: Vec<&str> = v.kinds.iter().map(|k| k.name.as_str()).collect();
            it.documentation = Some(Documentation::String(format!("on {}", on.join(", "))));
        }
        out.push(it);
    }
    for (f, _) in scope.facts() {
        out.push(item(
            f.to_string(),
            CompletionItemKind::PROPERTY,
            Some("fact".into()),
            1,
        ));
    }
    if !scope.kinds.is_empty() {
        out.push(item(
            "request".into(),
            CompletionItemKind::VARIABLE,
            Some(scope.request().join(" | ")),
            1,
        ));
    }
    for (m, owners) in scope.member_owners() {
        out.push(item(
            m.to_string(),
            CompletionItemKind::ENUM_MEMBER,
            Some(owners.join(", ")),
            3,
        ));
    }
    for (rank, &lang) in langs.iter().enumerate() {
        for k in keywords_in(lang) {
            let rank = 2 + u8::try_from(rank).unwrap_or(0);
            out.push(item(k, CompletionItemKind::KEYWORD, None, rank));
        }
    }
    out
}
