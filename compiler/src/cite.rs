//! Citations: checking them against the regulation text and labelling them the way Chinese
//! legal texts do (《标题》第二十条第二款第二项).

use crate::diagnostics::{CitationError, RegulationRef};
use crate::ir::{Arena, ArticleText, Cite, RegId, RegulationText};
use datalex_lang::ast::{Citation, CiteForm};
use datalex_lang::Diagnostic;

/// The regulation a bare `§N` cites: the one the package declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefaultRegulation {
    /// The package declares exactly this one.
    One(RegId),
    /// The package declares none.
    None,
    /// The package declares this many.
    Several(usize),
    /// Unknown because a syntax error hid part of the package; already reported.
    Hidden,
}

impl DefaultRegulation {
    /// The regulation, if there is exactly one.
    pub fn id(self) -> Option<RegId> {
        match self {
            DefaultRegulation::One(r) => Some(r),
            _ => None,
        }
    }
}

/// Resolves a citation against `regulations`. `default` is what a bare `§N` cites. `Err(None)`
/// means the citation cannot be checked for a reason already reported. A `default` of
/// [`DefaultRegulation::One`] names one of `regulations`.
pub fn resolve(
    c: &Citation,
    regulations: &Arena<RegulationText>,
    default: DefaultRegulation,
) -> Result<Cite, Option<Diagnostic>> {
    let error = |e: CitationError| Err(Some(e.diagnostic()));
    let reg_id = match (&c.regulation, default) {
        (Some(name), _) => match regulations.iter().find(|(_, r)| r.id == name.name) {
            Some((id, _)) => id,
            None => {
                return error(CitationError::UnknownRegulation {
                    span: name.span,
                    name: Some(name.name.clone()),
                    named_in: RegulationRef::Citation,
                })
            }
        },
        (None, DefaultRegulation::One(r)) => r,
        (None, DefaultRegulation::Hidden) => return Err(None),
        (None, DefaultRegulation::None) => {
            return error(CitationError::NoDefaultRegulation {
                span: c.span,
                declared: 0,
            })
        }
        (None, DefaultRegulation::Several(n)) => {
            return error(CitationError::NoDefaultRegulation {
                span: c.span,
                declared: n,
            })
        }
    };
    // INVARIANT: the caller's default regulation is one of `regulations`.
    check_path(c, reg_id, &regulations[reg_id]).map_err(|e| Some(e.diagnostic()))
}

/// Checks the article, paragraph and item of a citation of `reg` against every version of the
/// article (or the one it names), labels it, and finds when the provision is in force.
fn check_path(c: &Citation, reg_id: RegId, reg: &RegulationText) -> Result<Cite, CitationError> {
    let mut cite = Cite {
        regulation: reg_id,
        regulation_id: reg.id.clone(),
        article: None,
        paragraph: None,
        item: None,
        version: c.version,
        periods: vec![reg.in_force],
        rank: reg.rank_level,
        label: format!("《{}》", reg.title),
        reading: None,
        out: std::sync::Arc::default(),
    };
    let Some((&article_no, rest)) = c.path.split_first() else {
        cite.label.push_str("（条款未详）");
        return Ok(cite.sealed());
    };
    if let Some(why) = &reg.unavailable {
        return Err(CitationError::TextUnavailable {
            span: c.span,
            regulation: reg.id.clone(),
            why: why.clone(),
        });
    }
    if !reg.articles.contains_key(&article_no) {
        return Err(CitationError::NoArticle {
            span: c.span,
            regulation: reg.id.clone(),
            article: article_no,
            missing: reg
                .missing
                .iter()
                .find(|(a, b, _)| (*a..=*b).contains(&article_no))
                .cloned(),
        });
    }
    let versions: Vec<&ArticleText> = reg
        .versions(article_no)
        .filter(|a| c.version.is_none_or(|v| a.in_force.from == Some(v)))
        .collect();
    if versions.is_empty() {
        return Err(CitationError::NoVersionFrom {
            span: c.span,
            regulation: reg.id.clone(),
            article: article_no,
            version: c.version,
            starts: reg.versions(article_no).map(|a| a.in_force.from).collect(),
        });
    }
    let mut found: Option<(String, Option<u32>, Option<u32>)> = None;
    let mut first_error = None;
    let mut periods = Vec::new();
    for article in &versions {
        match path_in(c, reg, article_no, rest, article) {
            Ok(hit) => {
                let empty = matches!(
                    (article.in_force.from, article.in_force.until),
                    (Some(f), Some(u)) if u < f
                );
                // A paragraph or item with a period of its own (a dated target) is in force
                // only within it.
                let own = article
                    .part_period(hit.1, hit.2)
                    .and_then(|p| p.intersect(&article.in_force));
                if let (false, Some(p)) = (empty, own) {
                    periods.push(p);
                }
                found.get_or_insert(hit);
            }
            Err(d) => {
                first_error.get_or_insert(d);
            }
        }
    }
    let Some((label, para_no, item_no)) = found else {
        return Err(first_error.unwrap_or(CitationError::NoSuchProvision { span: c.span }));
    };
    if periods.is_empty() {
        return Err(CitationError::NotInForce {
            span: c.span,
            regulation: reg.id.clone(),
            provision: datalex_lang::format::cites_str(std::slice::from_ref(c))
                .trim_start_matches(&format!("{} ", reg.id))
                .to_string(),
            period: reg.in_force,
        });
    }
    cite.article = Some(article_no);
    cite.paragraph = para_no;
    cite.item = item_no;
    cite.periods = periods;
    cite.label.push_str(&label);
    if let Some(v) = c.version {
        cite.label.push_str(&format!("（{v}起施行的文本）"));
    }
    Ok(cite.sealed())
}

/// The label of paragraph and item `rest` of one version of an article (第二十条第二款第二项),
/// with the paragraph and item numbers; an error if that version has no such provision.
fn path_in(
    c: &Citation,
    reg: &RegulationText,
    article_no: u32,
    rest: &[u32],
    article: &ArticleText,
) -> Result<(String, Option<u32>, Option<u32>), CitationError> {
    // A law: 第二十条第二款第二项. A plan: 二（一）2.
    let mut label = if reg.plan {
        datalex_lang::numerals::chinese(article_no)
    } else {
        format!("第{}条", datalex_lang::numerals::chinese(article_no))
    };
    // In a single-paragraph article the second number is the item (第四十五条第三项). Written
    // the Chinese way, the numbers say which they are: 第四十五条第三项 is an item of an article
    // of one paragraph, 第二十条第二款 a paragraph of one of several.
    let (para_no, item_no) = match (article.single, rest, c.form) {
        (_, [], _) => (None, None),
        (true, [i], CiteForm::Section | CiteForm::NamedItem) => (None, Some(*i)),
        (true, [p, i], CiteForm::Section | CiteForm::Named) if *p == 1 => (None, Some(*i)),
        (false, [p], CiteForm::Section | CiteForm::Named) => (Some(*p), None),
        (false, [p, i], CiteForm::Section | CiteForm::Named) => (Some(*p), Some(*i)),
        _ => {
            return Err(CitationError::NoParagraphOrItem {
                span: c.span,
                regulation: reg.id.clone(),
                article: article_no,
            })
        }
    };
    let para = para_no.map_or(article.paras.first(), |p| {
        article.paras.get((p as usize).wrapping_sub(1))
    });
    let Some(para) = para else {
        return Err(CitationError::NoParagraph {
            span: c.span,
            regulation: reg.id.clone(),
            article: article_no,
            paragraphs: article.paras.len(),
            paragraph: para_no.unwrap_or(1),
        });
    };
    if let Some(p) = para_no {
        if reg.plan {
            label.push_str(&format!("（{}）", datalex_lang::numerals::chinese(p)));
        } else {
            label.push_str(&format!("第{}款", datalex_lang::numerals::chinese(p)));
        }
    }
    if let Some(i) = item_no {
        if !para.items.iter().any(|(n, _)| *n == i) {
            return Err(CitationError::NoItem {
                span: c.span,
                regulation: reg.id.clone(),
                article: article_no,
                item: i,
                items: para.items.len(),
            });
        }
        if reg.plan {
            label.push_str(&i.to_string());
        } else {
            label.push_str(&format!("第{}项", datalex_lang::numerals::chinese(i)));
        }
    }
    Ok((label, para_no, item_no))
}
