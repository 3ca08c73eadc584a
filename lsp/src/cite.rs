//! The text a citation points at, and its label as the compiler writes it
//! (《滨州市公共数据管理办法》第二十条第二款第二项), for hover and completion.

use crate::resolve::{item, Tables};
use crate::workspace::Workspace;
use datalex_compiler::cite::{self, DefaultRegulation};
use datalex_compiler::ir::{ParaText, RegulationText};
use datalex_lang::ast::{self, Item};

/// What a citation cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// The label, or the compiler's message if the citation is wrong.
    pub label: Result<String, String>,
    /// The cited text, one entry a paragraph.
    pub text: Vec<String>,
    /// A note on the text (its beginning is lost, it is not available).
    pub note: Option<String>,
}

impl Cited {
    /// As Markdown: the label in bold, the text quoted.
    pub fn markdown(&self) -> String {
        let mut s = match &self.label {
            Ok(l) => format!("**{l}**"),
            Err(e) => format!("**error:** {e}"),
        };
        if let Some(n) = &self.note {
            s.push_str(&format!("\n\n*{n}*"));
        }
        for p in &self.text {
            s.push_str("\n\n> ");
            s.push_str(p);
        }
        s
    }
}

/// The regulation as the compiler would record it (errors aside), so that labels come from
/// the compiler's own code.
pub fn regulation_text(r: &ast::Regulation) -> RegulationText {
    datalex_compiler::compile::regulation_text(r, "", None).0
}

/// The regulation declared with this id.
pub fn regulation<'w>(ws: &'w Workspace, tables: &Tables, id: &str) -> Option<&'w ast::Regulation> {
    match item(ws, *tables.regulations.get(id)?)? {
        Item::Regulation(r) => Some(r),
        _ => None,
    }
}

/// What `REGULATION §path` cites (`path` as written in the citation; empty for `§?`).
pub fn cited(ws: &Workspace, tables: &Tables, regulation_id: &str, path: &[u32]) -> Option<Cited> {
    let r = regulation(ws, tables, regulation_id)?;
    let text = regulation_text(r);
    let citation = ast::Citation {
        regulation: Some(ast::Ident {
            name: regulation_id.to_string(),
            span: datalex_lang::Span::default(),
        }),
        path: path.to_vec(),
        version: None,
        span: datalex_lang::Span::default(),
    };
    let resolved = cite::resolve(
        &citation,
        std::slice::from_ref(&text),
        DefaultRegulation::None,
    );
    let label = match &resolved {
        Ok(c) => Ok(c.label.clone()),
        Err(Some(d)) => Err(d.message.clone()),
        Err(None) => Err("this citation cannot be checked".into()),
    };
    let mut note = text
        .unavailable
        .as_ref()
        .map(|u| format!("text not available: {u}"));
    let mut paras = Vec::new();
    if let Ok(c) = &resolved {
        if let Some(article) = c.article.and_then(|a| text.articles.get(&a)) {
            if article.partial {
                note = Some("the beginning of this article is lost".into());
            }
            paras = match (c.paragraph, c.item) {
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
            };
        }
    }
    Some(Cited {
        label,
        text: paras,
        note,
    })
}
