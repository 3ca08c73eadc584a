//! Article coverage: for every article of a regulation, the rules, values and params that cite
//! it, or what the policy files say about why it is not encoded. `datalex coverage` prints it;
//! package READMEs are checked against it so they cannot drift.

use crate::cite::chinese_number;
use crate::ir::{Cite, Part, PolicySet, RegulationText};
use std::fmt::Write as _;

/// How an article stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Rules, values, params or deadlines cite it.
    Encoded,
    /// The policy says it is not machine-decidable, and why.
    NotDecidable(String),
    /// The policy says it could be encoded but is not yet, and what is missing.
    NotEncoded(String),
    /// Its text is lost.
    TextMissing(String),
    /// Nothing cites it and nothing is said about it.
    Unaccounted,
}

impl Status {
    /// A short word for the status column.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Encoded => "encoded",
            Status::NotDecidable(_) => "not machine-decidable",
            Status::NotEncoded(_) => "not encoded yet",
            Status::TextMissing(_) => "text missing",
            Status::Unaccounted => "unaccounted",
        }
    }
}

/// One row: an article (of a law) or a task or paragraph (of a plan).
#[derive(Debug, Clone)]
pub struct ArticleCoverage {
    /// Article number.
    pub article: u32,
    /// Paragraph, for a plan's paragraph or task.
    pub paragraph: Option<u32>,
    /// Item (a plan's task).
    pub item: Option<u32>,
    /// How it is cited: 第二十条, 二（一）3.
    pub label: String,
    /// Its chapter.
    pub chapter: Option<u32>,
    /// Status.
    pub status: Status,
    /// What cites it: rules, values, params and deadlines by qualified name.
    pub cited_by: Vec<String>,
}

fn part_cites(p: &Part) -> &[Cite] {
    p.cites()
}

/// Every citation in the policy set, with what makes it.
fn citations(policy: &PolicySet) -> Vec<(&Cite, String)> {
    let mut out = Vec::new();

    for pkg in &policy.packages {
        for prm in &pkg.params {
            out.extend(prm.cites.iter().map(|c| (c, prm.name.clone())));
        }
        for plan in &pkg.plans {
            for r in &plan.rules {
                out.extend(r.cites.iter().map(|c| (c, r.name.clone())));
                for p in &r.parts {
                    let by = match p {
                        Part::Deadline { code, .. } => format!("{}.{code}", r.name),
                        _ => r.name.clone(),
                    };
                    out.extend(part_cites(p).iter().map(|c| (c, by.clone())));
                }
            }
            for v in plan.values.iter().filter(|v| !v.plumbing) {
                out.extend(v.cites.iter().map(|c| (c, v.name.clone())));
                for b in &v.exceptions {
                    out.extend(b.cites.iter().map(|c| (c, v.name.clone())));
                    for p in &b.parts {
                        out.extend(part_cites(p).iter().map(|c| (c, v.name.clone())));
                    }
                }
            }
        }
    }
    out
}

/// One row's place: article, paragraph, item, and the article's chapter.
type RowPlace = (u32, Option<u32>, Option<u32>, Option<u32>);

/// The rows of a regulation: its articles (a law), or its tasks and paragraphs (a plan).
fn rows(reg: &RegulationText) -> Vec<RowPlace> {
    let mut out = Vec::new();
    for (n, a) in &reg.articles {
        let leaves = reg.plan && (a.paras.len() > 1 || a.paras.iter().any(|p| !p.items.is_empty()));
        if !leaves {
            out.push((*n, None, None, a.chapter));
            continue;
        }
        for (pi, p) in a.paras.iter().enumerate() {
            let para = if a.single {
                None
            } else {
                u32::try_from(pi + 1).ok()
            };
            if p.items.is_empty() {
                out.push((*n, para, None, a.chapter));
            }
            for (i, _) in &p.items {
                out.push((*n, para, Some(*i), a.chapter));
            }
        }
    }
    out
}

/// The coverage of the regulation `id`: every row, and the articles declared missing.
pub fn coverage(policy: &PolicySet, id: &str) -> Option<Vec<ArticleCoverage>> {
    let reg_index = policy.regulations.iter().position(|r| r.id == id)?;
    let reg = policy.regulations.get(reg_index)?;
    let cites = citations(policy);
    let mut out = Vec::new();
    for (article, paragraph, item, chapter) in rows(reg) {
        // A citation of the row, or of something inside it, encodes it; a citation of the whole
        // part of a plan does not encode each of its tasks.
        let within = |c: &Cite| {
            c.regulation == reg_index
                && c.article == Some(article)
                && (paragraph.is_none() || c.paragraph == paragraph)
                && (item.is_none() || c.item == item)
        };
        let mut cited_by: Vec<String> = cites
            .iter()
            .filter(|(c, _)| within(c))
            .map(|(_, by)| by.clone())
            .collect();
        cited_by.sort();
        cited_by.dedup();
        let path: Vec<u32> = [Some(article), paragraph, item]
            .into_iter()
            .flatten()
            .collect();
        let note = policy.coverage.iter().find(|c| {
            c.regulation == reg_index && (c.path == path || (!reg.plan && c.article == article))
        });
        let status = match (cited_by.is_empty(), note) {
            (false, _) => Status::Encoded,
            (true, Some(c)) if c.decidable => Status::NotEncoded(c.reason.clone()),
            (true, Some(c)) => Status::NotDecidable(c.reason.clone()),
            (true, None) => Status::Unaccounted,
        };
        out.push(ArticleCoverage {
            article,
            paragraph,
            item,
            label: label(reg, article, paragraph, item),
            chapter,
            status,
            cited_by,
        });
    }
    for (from, to, note) in &reg.missing {
        for n in *from..=*to {
            out.push(ArticleCoverage {
                article: n,
                paragraph: None,
                item: None,
                label: label(reg, n, None, None),
                chapter: None,
                status: Status::TextMissing(note.clone()),
                cited_by: Vec::new(),
            });
        }
    }
    out.sort_by_key(|a| (a.article, a.paragraph, a.item));
    Some(out)
}

fn label(reg: &RegulationText, article: u32, paragraph: Option<u32>, item: Option<u32>) -> String {
    if !reg.plan {
        return format!("第{}条", chinese_number(article));
    }
    let mut s = chinese_number(article);
    if let Some(p) = paragraph {
        s.push_str(&format!("（{}）", chinese_number(p)));
    }
    if let Some(i) = item {
        s.push_str(&i.to_string());
    }
    s
}

/// The coverage as a Markdown table, with a summary line.
pub fn to_markdown(policy: &PolicySet, id: &str, rows: &[ArticleCoverage]) -> String {
    let title = policy
        .regulation(id)
        .map_or_else(|| id.to_string(), |r| format!("《{}》", r.title));
    let unit = if policy.regulation(id).is_some_and(|r| r.plan) {
        "part or task"
    } else {
        "article"
    };
    let mut s = format!(
        "Coverage of {title} (`{id}`)\n\n| {unit} | status | rules, or why not |\n|---|---|---|\n"
    );
    for r in rows {
        let detail = match &r.status {
            Status::Encoded => r
                .cited_by
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            Status::NotDecidable(why) | Status::NotEncoded(why) | Status::TextMissing(why) => {
                why.clone()
            }
            Status::Unaccounted => String::new(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            r.label,
            r.status.word(),
            detail.replace('|', "\\|")
        );
    }
    let count = |w: &str| rows.iter().filter(|r| r.status.word() == w).count();
    let _ = writeln!(
        s,
        "\n{} rows: {} encoded, {} not machine-decidable, {} not encoded yet, {} text missing, {} unaccounted",
        rows.len(),
        count("encoded"),
        count("not machine-decidable"),
        count("not encoded yet"),
        count("text missing"),
        count("unaccounted")
    );
    s
}

/// W0003: a coverage note on an article, paragraph or task that rules do cite.
pub fn noted_but_cited(policy: &PolicySet) -> Vec<datalex_lang::Diagnostic> {
    let cites = citations(policy);
    let mut out = Vec::new();
    for note in &policy.coverage {
        let (article, paragraph, item) = (
            note.path.first().copied(),
            note.path.get(1).copied(),
            note.path.get(2).copied(),
        );
        let single = policy
            .regulations
            .get(note.regulation)
            .and_then(|r| article.and_then(|a| r.articles.get(&a)))
            .is_some_and(|a| a.single);
        // In a one-paragraph article the second number is the item.
        let (paragraph, item) = if single && item.is_none() {
            (None, paragraph)
        } else {
            (paragraph, item)
        };
        let cited = cites.iter().any(|(c, _)| {
            c.regulation == note.regulation
                && c.article == article
                && (paragraph.is_none() || c.paragraph == paragraph)
                && (item.is_none() || c.item == item)
        });
        if cited {
            let shown = note
                .path
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(".");
            out.push(
                datalex_lang::Diagnostic::warning(
                    "W0003",
                    note.span,
                    format!(
                        "§{shown} is cited by rules, but the coverage note says it is not encoded"
                    ),
                )
                .with_help("drop the note, or the citations if the note is right"),
            );
        }
    }
    out
}
