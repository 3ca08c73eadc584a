//! Regulation texts: from a declared regulation to its articles, paragraphs and items, with
//! their periods and marked runs, checked for order and consistency.

use crate::diagnostics::{Dated, DeclError, Declared, ItemNumber, Provision, TextError};
use crate::ir::*;
use crate::types::EnumDef;
use datalex_lang::ast::{self};
use datalex_lang::Diagnostic;
use std::collections::BTreeMap;

/// A regulation as compiled: its rank level in `ranks` (the prelude's `LegalRank`), its period,
/// and its articles with the period each version is in force; with what is wrong in them
/// (unknown rank, periods that end before they start, articles declared twice or numbered out
/// of order). The language server labels citations with it too.
pub fn regulation_text(
    r: &ast::Regulation,
    package: &str,
    ranks: Option<&EnumDef>,
) -> (RegulationText, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut rank_level = None;
    if let Some(rank) = &r.rank {
        match ranks {
            Some(e) if e.position(&rank.name).is_none() => {
                diags.push(
                    TextError::NotALegalRank {
                        span: rank.span,
                        rank: rank.name.clone(),
                        ranks: e.members.iter().map(|(m, _)| m.clone()).collect(),
                    }
                    .into(),
                );
            }
            Some(e) => rank_level = e.level(&rank.name).and_then(|l| u32::try_from(l).ok()),
            None => {}
        }
    }
    let period = r.in_force.as_ref().map_or(Period::ALWAYS, |f| Period {
        from: f.from,
        until: f.until,
    });
    if let Some(f) = &r.in_force {
        if let (Some(from), Some(until)) = (f.from, f.until) {
            if until < from {
                diags.push(
                    TextError::RegulationEndsBeforeStart {
                        span: f.span,
                        regulation: r.id.name.clone(),
                        from,
                        until,
                    }
                    .into(),
                );
            }
        }
    }
    let plan = match r.style.as_ref().map(|s| s.name.as_str()) {
        None | Some("law") => false,
        Some("plan") => true,
        Some(other) => {
            if let Some(st) = &r.style {
                diags.push(
                    TextError::UnknownStyle {
                        span: st.span,
                        style: other.to_string(),
                    }
                    .into(),
                );
            }
            false
        }
    };
    contradictions(r, &mut diags);
    let mut articles = BTreeMap::new();
    let mut amendments: Vec<ArticleText> = Vec::new();
    for a in &r.articles {
        // A later declaration with `from` is a version of the article (an amendment).
        let earlier: Vec<&ast::Article> = r
            .articles
            .iter()
            .take_while(|x| !std::ptr::eq(*x, a))
            .filter(|x| x.number == a.number)
            .collect();
        if let Some(prev) = earlier.last() {
            let prev_from = prev.from.map(|(d, _)| d).or(period.from);
            match (a.from, prev_from) {
                (None, _) => {
                    diags.push(
                        DeclError::DeclaredTwice {
                            kind: Declared::Article,
                            name: a.number.to_string(),
                            first: prev.span,
                            again: a.span,
                        }
                        .into(),
                    );
                    continue;
                }
                (Some((from, fspan)), Some(pf)) if from <= pf => {
                    diags.push(
                        TextError::VersionOutOfOrder {
                            span: fspan,
                            article: a.number,
                            from,
                            previous: pf,
                            previous_span: prev.span,
                        }
                        .into(),
                    );
                    continue;
                }
                _ => {}
            }
        }
        if let (Some((from, _)), Some((until, uspan))) = (a.from, a.until) {
            if until < from {
                diags.push(
                    TextError::EndsBeforeStart {
                        span: uspan,
                        what: Dated::Version { article: a.number },
                        from,
                        until,
                    }
                    .into(),
                );
                continue;
            }
        }
        for (i, p) in a.paras.iter().enumerate() {
            if p.number as usize != i + 1 {
                diags.push(
                    TextError::ParagraphOutOfOrder {
                        span: p.span,
                        number: p.number,
                        article: a.number,
                        expected: i + 1,
                    }
                    .into(),
                );
            }
            part_checks(a.number, p, &mut diags);
            // A plan numbers its tasks through the whole document: there items only increase.
            let mut prev = 0;
            for (j, it) in p.items.iter().enumerate() {
                let wrong = if plan {
                    it.number <= prev
                } else {
                    it.number as usize != j + 1
                };
                if wrong {
                    let expected = if plan {
                        ItemNumber::Above(prev)
                    } else {
                        ItemNumber::Exactly(u32::try_from(j + 1).unwrap_or(u32::MAX))
                    };
                    diags.push(
                        TextError::ItemOutOfOrder {
                            span: it.span,
                            number: it.number,
                            expected,
                        }
                        .into(),
                    );
                }
                prev = it.number;
            }
        }
        // In force from its own date (or the regulation's start) to the day before the next
        // version, or its own `until`; never outside the regulation's period.
        let next_from = r
            .articles
            .iter()
            .skip_while(|x| !std::ptr::eq(*x, a))
            .skip(1)
            .find(|x| x.number == a.number)
            .and_then(|x| x.from.map(|(d, _)| d.add_days(-1)));
        let own = Period {
            from: a.from.map(|(d, _)| d).or(period.from),
            until: match (a.until.map(|(d, _)| d), next_from) {
                (Some(u), Some(n)) => Some(u.min(n)),
                (u, n) => u.or(n),
            },
        };
        let in_force = own.intersect(&period).unwrap_or(Period {
            from: own.from,
            until: own.from.map(|d| d.add_days(-1)),
        });
        let text = ArticleText::from_ast(a, in_force);
        if earlier.is_empty() {
            articles.insert(a.number, text);
        } else {
            amendments.push(text);
        }
    }
    let text = RegulationText::from_ast(r, package.to_string(), articles, amendments, rank_level);
    (text, diags)
}

/// Declarations of a regulation that contradict each other (E0129): articles in a regulation
/// whose text is declared unavailable, an article a `missing` range also declares, an article
/// without a paragraph. Each would otherwise be accepted, and what cites it checked against
/// whichever declaration the citation meets first.
fn contradictions(r: &ast::Regulation, diags: &mut Vec<Diagnostic>) {
    if let (Some(why), Some(first)) = (&r.unavailable, r.articles.first()) {
        diags.push(
            TextError::ArticlesOfUnavailableText {
                span: first.span,
                regulation: r.id.name.clone(),
                unavailable: why.span,
            }
            .into(),
        );
    }
    for a in &r.articles {
        if let Some(m) = r
            .missing
            .iter()
            .find(|m| (m.from..=m.to).contains(&a.number))
        {
            diags.push(
                TextError::ArticleDeclaredMissing {
                    span: a.span,
                    article: a.number,
                    missing: m.span,
                }
                .into(),
            );
        }
        if a.paras.is_empty() {
            diags.push(
                TextError::EmptyArticle {
                    span: a.span,
                    article: a.number,
                }
                .into(),
            );
        }
    }
}

/// A paragraph's and its items' own periods (E0125 when one ends before it starts) and their
/// source-copy defects (E0127 when the run is not in the text it marks).
pub(super) fn part_checks(article: u32, p: &ast::Para, diags: &mut Vec<Diagnostic>) {
    let texts = std::iter::once((
        Provision::Paragraph(p.number),
        &p.text,
        p.from,
        p.until,
        &p.defects,
    ))
    .chain(p.items.iter().map(|i| {
        (
            Provision::Item(i.number),
            &i.text,
            i.from,
            i.until,
            &i.defects,
        )
    }));
    for (part, text, from, until, defects) in texts {
        if let (Some((f, _)), Some((u, uspan))) = (from, until) {
            if u < f {
                diags.push(
                    TextError::EndsBeforeStart {
                        span: uspan,
                        what: Dated::Part { part, article },
                        from: f,
                        until: u,
                    }
                    .into(),
                );
            }
        }
        for d in defects {
            if d.run.value.is_empty() || !text.value.contains(d.run.value.as_str()) {
                diags.push(
                    TextError::RunNotInText {
                        span: d.run.span,
                        kind: d.kind,
                        part,
                        article,
                        text: text.span,
                    }
                    .into(),
                );
            }
        }
    }
}
