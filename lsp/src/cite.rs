//! The text a citation points at, and its label as the compiler writes it
//! (《滨州市公共数据管理办法》第二十条第二款第二项), for hover and completion. An amended
//! article has several versions: the one shown is the version a citation names
//! (`§5@2025-01-01`), else the one in force on the day the server is given, else the latest;
//! the others are listed with their periods.

use crate::symbols::Analysis;
use crate::workspace::Workspace;
use datalex_compiler::cite::{self, DefaultRegulation};
use datalex_compiler::export::period_text;
use datalex_compiler::ir::{ArticleText, ParaText, Period, RegulationText};
use datalex_compiler::symbols::Key;
use datalex_i18n::Lang;
use datalex_lang::ast::{self, Item};
use datalex_lang::date::Date;
use datalex_lang::Message;

/// What a citation cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// The label, or the compiler's message if the citation is wrong.
    pub label: Result<String, String>,
    /// The cited text, one entry a paragraph (of the version shown, when there are several).
    pub text: Vec<String>,
    /// A note on the text (its beginning is lost, it is not available).
    pub note: Option<String>,
    /// Which version `text` is, when that needs saying (the article has several versions, or
    /// is not in force for the whole period of its regulation): `in force on 2026-03-02
    /// (2025-01-01 起)`, `the version cited (2023-01-01–2024-12-31)`, `the latest version …`.
    pub shown: Option<String>,
    /// The article's other versions, earliest first: period and text (empty when that
    /// version has no such paragraph or item).
    pub others: Vec<(Period, Vec<String>)>,
}

impl Cited {
    /// As Markdown: the label in bold, the text quoted, the other versions with their
    /// periods.
    pub fn markdown(&self, lang: Lang) -> String {
        let mut s = match &self.label {
            Ok(l) => format!("**{l}**"),
            Err(e) => Message::new("lsp-cite-error").arg("message", e).text(lang),
        };
        if let Some(n) = &self.note {
            s.push_str(&format!("\n\n*{n}*"));
        }
        if let Some(w) = &self.shown {
            let colon = if self.text.is_empty() {
                String::new()
            } else {
                Message::new("lsp-colon").text(lang)
            };
            s.push_str(&format!("\n\n*{w}{colon}*"));
        }
        for p in &self.text {
            s.push_str("\n\n> ");
            s.push_str(p);
        }
        if !self.others.is_empty() {
            s.push_str("\n\n");
            s.push_str(&Message::new("lsp-other-versions").text(lang));
            s.push('\n');
            for (period, text) in &self.others {
                let text = if text.is_empty() {
                    Message::new("lsp-version-without-provision").text(lang)
                } else {
                    text.join(" ")
                };
                s.push_str(&format!("\n- {}: {text}", period_text(period)));
            }
        }
        s
    }
}

/// Which version of an article to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The one in force on this day; without a day, the latest that has the provision.
    Today(Option<Date>),
    /// The one in force from this day, as a citation names it (`§5@2025-01-01`).
    Named(Date),
    /// The `n`th declaration of the article (0: the text first enacted), as in the
    /// regulation's own text.
    Nth(usize),
}

/// The regulation as the compiler would record it (errors aside), so that labels come from
/// the compiler's own code.
pub fn regulation_text(r: &ast::Regulation) -> RegulationText {
    datalex_compiler::compile::regulation_text(r, "", None).0
}

/// The regulation declared with this id in the compile `a`.
pub fn regulation<'w>(ws: &'w Workspace, a: &Analysis, id: &str) -> Option<&'w ast::Regulation> {
    let decl = a.symbols.find(&Key::Regulation(id.to_string()))?;
    match ws.declaring_item(a, decl)?.2 {
        Item::Regulation(r) => Some(r),
        _ => None,
    }
}

/// What `REGULATION §path` cites (`path` as written in the citation; empty for `§?`), in the
/// latest version of an amended article.
pub fn cited(ws: &Workspace, a: &Analysis, regulation_id: &str, path: &[u32]) -> Option<Cited> {
    cited_at(ws, a, regulation_id, path, Pick::Today(None))
}

/// The paragraphs of `article` that a citation of paragraph `para` and item `item` cites; empty
/// if it has no such provision.
fn paras_of(article: &ArticleText, para: Option<u32>, item: Option<u32>) -> Vec<String> {
    match (para, item) {
        (p, Some(i)) => article
            .paras
            .get((p.unwrap_or(1) as usize).wrapping_sub(1))
            .and_then(|para| para.items.iter().find(|(n, _)| *n == i))
            .map(|(_, t)| vec![t.clone()])
            .unwrap_or_default(),
        (Some(p), None) => article
            .paras
            .get((p as usize).wrapping_sub(1))
            .map(|para| vec![para.full_text()])
            .unwrap_or_default(),
        (None, None) => article.paras.iter().map(ParaText::full_text).collect(),
    }
}

/// What `REGULATION §path` cites, in the version `pick` chooses.
pub fn cited_at(
    ws: &Workspace,
    a: &Analysis,
    regulation_id: &str,
    path: &[u32],
    pick: Pick,
) -> Option<Cited> {
    let r = regulation(ws, a, regulation_id)?;
    let text = regulation_text(r);
    let article_no = path.first().copied();
    let versions: Vec<&ArticleText> = article_no
        .map(|n| text.versions(n).collect())
        .unwrap_or_default();
    // The version cited, for the label: a named one, or the `n`th declaration after the first.
    let label_version = match pick {
        Pick::Named(d) => Some(d),
        Pick::Nth(n) if n > 0 => versions.get(n).and_then(|a| a.in_force.from),
        _ => None,
    };
    let citation = ast::Citation {
        regulation: Some(ast::Ident {
            name: regulation_id.to_string(),
            span: datalex_lang::Span::default(),
        }),
        path: path.to_vec(),
        version: label_version,
        form: ast::CiteForm::Section,
        reading: None,
        span: datalex_lang::Span::default(),
    };
    let resolved = cite::resolve(
        &citation,
        &std::iter::once(text.clone()).collect(),
        DefaultRegulation::None,
    );
    let lang = ws.lang();
    let label = match &resolved {
        Ok(c) => Ok(c.label.clone()),
        Err(Some(d)) => Err(d.text(lang)),
        Err(None) => Err(Message::new("lsp-cite-unchecked").text(lang)),
    };
    let mut note = text.unavailable.as_ref().map(|u| {
        Message::new("lsp-text-unavailable")
            .arg("why", u)
            .text(lang)
    });
    let mut cited = Cited {
        label,
        text: Vec::new(),
        note: None,
        shown: None,
        others: Vec::new(),
    };
    let Ok(c) = &resolved else {
        cited.note = note;
        return Some(cited);
    };
    if c.article.is_none() {
        cited.note = note;
        return Some(cited);
    }
    let of = |a: &ArticleText| paras_of(a, c.paragraph, c.item);
    let (shown, why) = match pick {
        Pick::Named(d) => (
            versions.iter().position(|a| a.in_force.from == Some(d)),
            Message::new("lsp-version-cited"),
        ),
        Pick::Nth(n) => (
            Some(n).filter(|n| *n < versions.len()),
            Message::new("lsp-this-version"),
        ),
        Pick::Today(Some(d)) => (
            versions.iter().position(|a| a.in_force.contains(d)),
            Message::new("lsp-in-force-on").arg("date", d),
        ),
        Pick::Today(None) => (
            versions
                .iter()
                .rposition(|a| !of(a).is_empty())
                .or(versions.len().checked_sub(1)),
            Message::new("lsp-latest-version"),
        ),
    };
    let single = matches!(versions.as_slice(), [only] if only.in_force == text.in_force);
    if let Some(a) = shown.and_then(|i| versions.get(i)) {
        if a.partial {
            note = Some(Message::new("lsp-beginning-lost").text(lang));
        }
        cited.text = of(a);
        if !single {
            let shown = Message::new(if cited.text.is_empty() {
                "lsp-shown-without-provision"
            } else {
                "lsp-shown"
            })
            .arg("which", why)
            .arg("period", period_text(&a.in_force));
            cited.shown = Some(shown.text(lang));
        }
    } else if let Pick::Today(Some(d)) = pick {
        cited.shown = Some(
            Message::new("lsp-not-in-force-on")
                .arg("date", d)
                .text(lang),
        );
    }
    if !single {
        cited.others = versions
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != shown)
            .map(|(_, a)| (a.in_force, of(a)))
            .collect();
    }
    cited.note = note;
    Some(cited)
}
