//! Article coverage: for every article of a regulation, the rules, values and params that cite
//! it, or what the policy files say about why it is not encoded. `datalex coverage` prints it;
//! package READMEs are checked against it so they cannot drift.

use crate::graph::{Edge, Node};
use crate::ir::PolicySet;
use petgraph::Direction;
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

/// One article's coverage.
#[derive(Debug, Clone)]
pub struct ArticleCoverage {
    /// Article number.
    pub article: u32,
    /// Its chapter.
    pub chapter: Option<u32>,
    /// Status.
    pub status: Status,
    /// What cites it: rules, values, params and deadlines by qualified name.
    pub cited_by: Vec<String>,
}

/// The coverage of the regulation `id` (every article, and the ranges declared missing).
pub fn coverage(policy: &PolicySet, id: &str) -> Option<Vec<ArticleCoverage>> {
    let reg_index = policy.regulations.iter().position(|r| r.id == id)?;
    let reg = policy.regulations.get(reg_index)?;
    let g = &policy.graph.graph;
    let mut out = Vec::new();
    for (n, a) in &reg.articles {
        let mut cited_by: Vec<String> = policy
            .graph
            .find(&Node::Article(id.to_string(), *n))
            .map(|node| {
                g.edges_directed(node, Direction::Incoming)
                    .filter(|e| *e.weight() == Edge::Cites)
                    .filter_map(|e| match &g[petgraph::visit::EdgeRef::source(&e)] {
                        Node::Rule(name, _)
                        | Node::Value(name)
                        | Node::Param(name)
                        | Node::Deadline(name) => Some(name.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        cited_by.sort();
        cited_by.dedup();
        let note = policy
            .coverage
            .iter()
            .find(|c| c.regulation == reg_index && c.article == *n);
        let status = match (cited_by.is_empty(), note) {
            (false, _) => Status::Encoded,
            (true, Some(c)) if c.decidable => Status::NotEncoded(c.reason.clone()),
            (true, Some(c)) => Status::NotDecidable(c.reason.clone()),
            (true, None) => Status::Unaccounted,
        };
        out.push(ArticleCoverage {
            article: *n,
            chapter: a.chapter,
            status,
            cited_by,
        });
    }
    for (from, to, note) in &reg.missing {
        for n in *from..=*to {
            out.push(ArticleCoverage {
                article: n,
                chapter: None,
                status: Status::TextMissing(note.clone()),
                cited_by: Vec::new(),
            });
        }
    }
    out.sort_by_key(|a| a.article);
    Some(out)
}

/// The coverage as a Markdown table, with a summary line.
pub fn to_markdown(policy: &PolicySet, id: &str, rows: &[ArticleCoverage]) -> String {
    let title = policy
        .regulation(id)
        .map_or_else(|| id.to_string(), |r| format!("《{}》", r.title));
    let mut s = format!(
        "Coverage of {title} (`{id}`)\n\n| article | status | rules, or why not |\n|---|---|---|\n"
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
            "| 第{}条 | {} | {} |",
            crate::cite::chinese_number(r.article),
            r.status.word(),
            detail.replace('|', "\\|")
        );
    }
    let count = |w: &str| rows.iter().filter(|r| r.status.word() == w).count();
    let _ = writeln!(
        s,
        "\n{} articles: {} encoded, {} not machine-decidable, {} not encoded yet, {} text missing, {} unaccounted",
        rows.len(),
        count("encoded"),
        count("not machine-decidable"),
        count("not encoded yet"),
        count("text missing"),
        count("unaccounted")
    );
    s
}
