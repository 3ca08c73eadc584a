//! Coverage: for every paragraph and item of a regulation (every article of one paragraph
//! without items), the rules, values and params that cite it — directly or through an
//! interpretation — or what the policy files say about why it is not encoded. A citation of a
//! whole article does not encode each of its paragraphs, nor one of a paragraph each of its
//! items: each decidable provision must be cited, or explained, on its own. `datalex coverage` prints it;
//! package READMEs are checked against it so they cannot drift. On a date (`--at`): whether each
//! regulation is in force, which version of each article is, and the rules that nothing in
//! force grounds.

use crate::diagnostics::CoverageWarning;
use crate::export::{period_text, rank_name, version_periods};
use crate::ir::{Cite, Part, PolicySet, RegulationText};
use datalex_lang::ast::RuleRole;
use datalex_lang::date::Date;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How an article stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Rules, values, params or deadlines cite it.
    Encoded,
    /// Only through these interpretations (`reading NAME`): what is encoded is a recorded
    /// reading of the text.
    Interpretation(Vec<String>),
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
            Status::Interpretation(_) => "interpretation",
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
    /// How its versions stand: without a date, the periods of an amended (or repealed, or
    /// later added) article; on a date, the version in force then when it is not the first, or
    /// that none is.
    pub versions: Option<String>,
    /// Its chapter.
    pub chapter: Option<u32>,
    /// Status.
    pub status: Status,
    /// What cites it: rules, values, params and deadlines by qualified name.
    pub cited_by: Vec<String>,
    /// The interpretations some of those cite it through.
    pub readings: Vec<String>,
}

fn part_cites(p: &Part) -> &[Cite] {
    p.cites()
}

/// Every citation in the policy set, with what makes it.
fn citations(policy: &PolicySet) -> Vec<(&Cite, String)> {
    let mut out = Vec::new();
    // An interpretation reads its provisions: they are cited by the rules citing it (through
    // their `reading` citations below), not by the declaration itself.

    for pkg in &policy.packages {
        for prm in &pkg.params {
            out.extend(prm.cites.iter().map(|c| (c, prm.name.clone())));
        }
        for plan in &pkg.plans {
            for (_, r) in plan.rules() {
                out.extend(r.cites.iter().map(|c| (c, r.name.to_string())));
                for p in &r.parts {
                    let by = match p {
                        Part::Deadline { code, .. } => format!("{}.{code}", r.name),
                        _ => r.name.to_string(),
                    };
                    out.extend(part_cites(p).iter().map(|c| (c, by.clone())));
                }
            }
            for (_, v) in plan.values().filter(|(_, v)| !v.plumbing) {
                out.extend(v.cites.iter().map(|c| (c, v.name.to_string())));
                for b in v.exceptions.values() {
                    out.extend(b.cites.iter().map(|c| (c, v.name.to_string())));
                    for p in &b.parts {
                        out.extend(part_cites(p).iter().map(|c| (c, v.name.to_string())));
                    }
                }
            }
        }
    }
    out
}

/// One row's place: article, paragraph, item, and the article's chapter.
type RowPlace = (u32, Option<u32>, Option<u32>, Option<u32>);

/// The rows of a regulation: the leaves of each article of every version — its items, its
/// paragraphs without items, or the article itself when it is one paragraph without items.
fn rows(reg: &RegulationText) -> Vec<RowPlace> {
    let mut out = Vec::new();
    for (n, first) in &reg.articles {
        let mut leaves = Vec::new();
        for a in reg.versions(*n) {
            if !(a.paras.len() > 1 || a.paras.iter().any(|p| !p.items.is_empty())) {
                continue;
            }
            for (pi, p) in a.paras.iter().enumerate() {
                let para = if a.single {
                    None
                } else {
                    u32::try_from(pi + 1).ok()
                };
                if p.items.is_empty() {
                    leaves.push((*n, para, None, first.chapter));
                }
                for (i, _) in &p.items {
                    leaves.push((*n, para, Some(*i), first.chapter));
                }
            }
        }
        if leaves.is_empty() {
            out.push((*n, None, None, first.chapter));
        }
        for leaf in leaves {
            if !out.contains(&leaf) {
                out.push(leaf);
            }
        }
    }
    out
}

/// A row's own period (a dated paragraph or item) as it stands, for its label: without a
/// date, the period; on a date, that it is not in force then.
fn part_note(
    reg: &RegulationText,
    (article, paragraph, item): (u32, Option<u32>, Option<u32>),
    at: Option<Date>,
) -> Option<String> {
    let own = reg.versions(article).find_map(|a| {
        let p = a.part_period(paragraph, item)?;
        (p != crate::ir::Period::ALWAYS).then(|| p.intersect(&a.in_force).unwrap_or(p))
    })?;
    match at {
        None => Some(format!("dated {}", period_text(&own))),
        Some(d) if !own.contains(d) => Some(format!("not in force on {d}: {}", period_text(&own))),
        Some(_) => None,
    }
}

/// How the versions of article `n` stand, for the row's label: see
/// [`ArticleCoverage::versions`].
fn versions_note(reg: &RegulationText, n: u32, at: Option<Date>) -> Option<String> {
    let Some(d) = at else {
        let periods = version_periods(reg, n);
        let shown: Vec<String> = periods.iter().map(period_text).collect();
        return match shown.len() {
            0 => None,
            1 => Some(format!("in force {}", shown.join(""))),
            _ => Some(format!("versions {}", shown.join(", "))),
        };
    };
    // When the regulation is not in force, none of its articles is; its header says so.
    if !reg.in_force.contains(d) {
        return None;
    }
    let versions: Vec<_> = reg.versions(n).collect();
    let first = versions.first()?;
    match reg.article_at(n, d) {
        Some(v) if std::ptr::eq(v, *first) => None,
        Some(v) => Some(format!(
            "on {d}: the version of {}",
            v.in_force
                .from
                .map_or_else(|| "…".to_string(), |f| f.to_string())
        )),
        None if versions
            .iter()
            .all(|v| v.in_force.from.is_some_and(|f| d < f)) =>
        {
            Some(format!(
                "not yet in force on {d}: {}",
                period_text(&first.in_force)
            ))
        }
        None if versions
            .iter()
            .all(|v| v.in_force.until.is_some_and(|u| u < d)) =>
        {
            let last = versions.last().map_or(first.in_force, |v| v.in_force);
            Some(format!("not in force on {d}: {}", period_text(&last)))
        }
        None => Some(format!(
            "not in force on {d}: {}",
            versions
                .iter()
                .map(|v| period_text(&v.in_force))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The coverage of the regulation `id`: every row, and the articles declared missing.
pub fn coverage(policy: &PolicySet, id: &str) -> Option<Vec<ArticleCoverage>> {
    coverage_at(policy, id, None)
}

/// The coverage of the regulation `id`, with each row's versions as they stand on `at` (see
/// [`ArticleCoverage::versions`]).
pub fn coverage_at(policy: &PolicySet, id: &str, at: Option<Date>) -> Option<Vec<ArticleCoverage>> {
    let (reg_index, reg) = policy.regulations.iter().find(|(_, r)| r.id == id)?;
    let cites = citations(policy);
    let mut out = Vec::new();
    for (article, paragraph, item, chapter) in rows(reg) {
        // A citation of the row, or of something inside it, encodes it; a citation of the
        // whole article (or paragraph) does not encode each of its paragraphs (or items).
        let within = |c: &Cite| {
            c.regulation == reg_index
                && c.article == Some(article)
                && (paragraph.is_none() || c.paragraph == paragraph)
                && (item.is_none() || c.item == item)
        };
        let hits: Vec<&(&Cite, String)> = cites.iter().filter(|(c, _)| within(c)).collect();
        let mut cited_by: Vec<String> = hits.iter().map(|(_, by)| by.clone()).collect();
        cited_by.sort();
        cited_by.dedup();
        let mut readings: Vec<String> = hits
            .iter()
            .filter_map(|(c, _)| c.reading.as_deref().map(str::to_string))
            .collect();
        readings.sort();
        readings.dedup();
        let direct = hits.iter().any(|(c, _)| c.reading.is_none());
        let path: Vec<u32> = [Some(article), paragraph, item]
            .into_iter()
            .flatten()
            .collect();
        // The most specific note whose path contains the row.
        let note = policy
            .coverage
            .iter()
            .filter(|c| c.regulation == reg_index && path.starts_with(&c.path))
            .max_by_key(|c| c.path.len());
        let status = match (hits.is_empty(), note) {
            (false, _) if direct => Status::Encoded,
            (false, _) => Status::Interpretation(readings.clone()),
            (true, Some(c)) if c.decidable => Status::NotEncoded(c.reason.clone()),
            (true, Some(c)) => Status::NotDecidable(c.reason.clone()),
            (true, None) => Status::Unaccounted,
        };
        let versions = [
            versions_note(reg, article, at),
            part_note(reg, (article, paragraph, item), at),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
        out.push(ArticleCoverage {
            article,
            paragraph,
            item,
            label: label(reg, article, paragraph, item),
            versions: (!versions.is_empty()).then(|| versions.join("; ")),
            chapter,
            status,
            cited_by,
            readings,
        });
    }
    for (from, to, note) in &reg.missing {
        for n in *from..=*to {
            out.push(ArticleCoverage {
                article: n,
                paragraph: None,
                item: None,
                label: label(reg, n, None, None),
                versions: None,
                chapter: None,
                status: Status::TextMissing(note.clone()),
                cited_by: Vec::new(),
                readings: Vec::new(),
            });
        }
    }
    out.sort_by_key(|a| (a.article, a.paragraph, a.item));
    Some(out)
}

fn label(reg: &RegulationText, article: u32, paragraph: Option<u32>, item: Option<u32>) -> String {
    if !reg.plan {
        let mut s = format!("第{}条", datalex_lang::numerals::chinese(article));
        if let Some(p) = paragraph {
            s.push_str(&format!("第{}款", datalex_lang::numerals::chinese(p)));
        }
        if let Some(i) = item {
            s.push_str(&format!("第{}项", datalex_lang::numerals::chinese(i)));
        }
        return s;
    }
    let mut s = datalex_lang::numerals::chinese(article);
    if let Some(p) = paragraph {
        s.push_str(&format!("（{}）", datalex_lang::numerals::chinese(p)));
    }
    if let Some(i) = item {
        s.push_str(&i.to_string());
    }
    s
}

/// The coverage as a Markdown table, with a summary line.
pub fn to_markdown(policy: &PolicySet, id: &str, rows: &[ArticleCoverage]) -> String {
    to_markdown_at(policy, id, rows, None)
}

/// The coverage as a Markdown table, with the regulation's rank and period (and whether it is
/// in force on `at`) above and a summary line below.
pub fn to_markdown_at(
    policy: &PolicySet,
    id: &str,
    rows: &[ArticleCoverage],
    at: Option<Date>,
) -> String {
    let reg = policy.regulation(id);
    let title = reg.map_or_else(|| id.to_string(), |r| format!("《{}》", r.title));
    let unit = if reg.is_some_and(|r| r.plan) {
        "part, paragraph or task"
    } else {
        "article, paragraph or item"
    };
    let on = at.map(|d| format!(" on {d}")).unwrap_or_default();
    let mut s = format!("Coverage of {title} (`{id}`){on}\n");
    if let Some(r) = reg {
        s.push_str(&regulation_line(policy, r));
        if let Some(d) = at {
            let _ = write!(s, " · {} on {d}", in_force_word(r, d));
        }
        s.push('\n');
    }
    let _ = write!(
        s,
        "\n| {unit} | status | rules, or why not |\n|---|---|---|\n"
    );
    for r in rows {
        let detail = match &r.status {
            Status::Encoded | Status::Interpretation(_) => {
                let mut d = r
                    .cited_by
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                if !r.readings.is_empty() {
                    let _ = write!(
                        d,
                        "; as read by {}",
                        r.readings
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
                d
            }
            Status::NotDecidable(why) | Status::NotEncoded(why) | Status::TextMissing(why) => {
                why.clone()
            }
            Status::Unaccounted => String::new(),
        };
        let label = match &r.versions {
            Some(v) => format!("{} ({v})", r.label),
            None => r.label.clone(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            label.replace('|', "\\|"),
            r.status.word(),
            detail.replace('|', "\\|")
        );
    }
    let count = |w: &str| rows.iter().filter(|r| r.status.word() == w).count();
    let _ = writeln!(
        s,
        "\n{} rows: {} encoded, {} interpretation, {} not machine-decidable, {} not encoded yet, {} text missing, {} unaccounted",
        rows.len(),
        count("encoded"),
        count("interpretation"),
        count("not machine-decidable"),
        count("not encoded yet"),
        count("text missing"),
        count("unaccounted")
    );
    let readings: Vec<&crate::ir::Interpretation> = policy
        .interpretations
        .iter()
        .filter(|i| i.of.iter().any(|c| c.regulation_id == id))
        .collect();
    if !readings.is_empty() {
        s.push_str("\nInterpretations (readings the text leaves open, and who adopted them)\n\n| interpretation | of | the text says | taken to mean | adopted |\n|---|---|---|---|---|\n");
        for i in readings {
            let of: Vec<&str> = i.of.iter().map(|c| c.label.as_str()).collect();
            let _ = writeln!(
                s,
                "| `{}` | {} | 「{}」 | {} | {}, {} |",
                i.name,
                of.join("、"),
                i.says,
                i.means.replace('|', "\\|"),
                i.adopted_by.replace('|', "\\|"),
                i.adopted_on
            );
        }
    }
    s
}

/// A regulation's rank, territory and period: `地方政府规章 · 滨州市 · 2023-03-01 起施行`.
pub fn regulation_line(policy: &PolicySet, r: &RegulationText) -> String {
    let mut parts = vec![match &r.rank {
        Some(rank) => rank_name(policy, rank),
        None => "rank not declared".to_string(),
    }];
    parts.extend(r.territory.clone());
    parts.push(r.period_label());
    parts.join(" · ")
}

fn in_force_word(r: &RegulationText, d: Date) -> &'static str {
    if r.in_force.contains(d) {
        "in force"
    } else if r.in_force.from.is_some_and(|f| d < f) {
        "not yet in force"
    } else {
        "no longer in force"
    }
}

/// Every regulation of `ids` with its rank and period, and whether it is in force on `at`, as
/// a Markdown table.
pub fn regulations_markdown(policy: &PolicySet, ids: &[String], at: Date) -> String {
    let mut s = format!(
        "Regulations on {at}\n\n| regulation | rank | period | on {at} |\n|---|---|---|---|\n"
    );
    for r in ids.iter().filter_map(|id| policy.regulation(id)) {
        let rank = r.rank.as_ref().map_or_else(
            || "not declared".to_string(),
            |m| format!("{} (`{m}`)", rank_name(policy, m)),
        );
        let _ = writeln!(
            s,
            "| 《{}》 (`{}`) | {rank} | {} | {} |",
            r.title,
            r.id,
            r.period_label().replace('|', "\\|"),
            in_force_word(r, at)
        );
    }
    s
}

/// A rule that nothing in force grounds on some date: its qualified name and its citations,
/// each with when it is in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ungrounded {
    /// Qualified name.
    pub rule: String,
    /// Its role keyword.
    pub role: &'static str,
    /// Its citations: label and periods (`2025-01-01 起`).
    pub cites: Vec<(String, Vec<String>)>,
}

/// The guards, rules, exceptions and checks that none of their citations grounds on `at` (no
/// cited provision is in force then; scopes aside), by the package that declares them. The
/// `otherwise` always applies and is left out.
pub fn ungrounded(policy: &PolicySet, at: Date) -> BTreeMap<String, Vec<Ungrounded>> {
    let mut out: BTreeMap<String, Vec<Ungrounded>> = BTreeMap::new();
    for pkg in &policy.packages {
        for plan in &pkg.plans {
            for (_, r) in plan.rules() {
                let own = r
                    .name
                    .strip_prefix(pkg.name.as_str())
                    .is_some_and(|rest| rest.starts_with('.'));
                if !own
                    || r.role == RuleRole::Otherwise
                    || r.cites.iter().any(|c| c.in_force_on(at))
                {
                    continue;
                }
                let list = out.entry(pkg.name.clone()).or_default();
                if list.iter().any(|u| *u.rule == *r.name) {
                    continue;
                }
                list.push(Ungrounded {
                    rule: r.name.to_string(),
                    role: r.role.keyword(),
                    cites: r
                        .cites
                        .iter()
                        .map(|c| (c.label.clone(), c.periods.iter().map(period_text).collect()))
                        .collect(),
                });
            }
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.rule.cmp(&b.rule));
    }
    out
}

/// [`ungrounded`] as Markdown: a list per package.
pub fn ungrounded_markdown(policy: &PolicySet, at: Date) -> String {
    let by_package = ungrounded(policy, at);
    let mut s = format!("Rules grounded in nothing in force on {at}\n");
    if by_package.is_empty() {
        s.push_str("\nnone: every guard, rule, exception and check cites a provision in force\n");
    }
    for (pkg, rules) in &by_package {
        let _ = write!(s, "\npackage `{pkg}`\n\n");
        for u in rules {
            let cites: Vec<String> = u
                .cites
                .iter()
                .map(|(label, periods)| {
                    if periods.is_empty() {
                        format!("{label} (never in force)")
                    } else {
                        format!("{label} ({})", periods.join(", "))
                    }
                })
                .collect();
            let _ = writeln!(s, "- {} `{}`: cites {}", u.role, u.rule, cites.join("; "));
        }
    }
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
        let single = article
            .and_then(|a| policy.regulations[note.regulation].articles.get(&a))
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
            out.push(
                CoverageWarning::NotedButCited {
                    span: note.span,
                    path: note.path.clone(),
                }
                .into(),
            );
        }
    }
    out
}

/// W0108: a `not_decidable` note that gives a missing request field or fact as its reason. A
/// provision is not machine-decidable for what it is (a duty of management, a goal, a dated
/// milestone), never because the schema lacks a field: that is a gap to close (`not_encoded`).
pub fn notes_blaming_the_schema(policy: &PolicySet) -> Vec<datalex_lang::Diagnostic> {
    const SCHEMA_WORDS: [&str; 4] = ["request.", "字段", "没有相应的事实", "缺少事实"];
    policy
        .coverage
        .iter()
        .filter(|n| !n.decidable && SCHEMA_WORDS.iter().any(|w| n.reason.contains(w)))
        .map(|n| CoverageWarning::BlamesTheSchema { span: n.span }.into())
        .collect()
}
