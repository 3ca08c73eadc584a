//! The policy graph as people and tools look at it: a serializable view (JSON), Graphviz DOT
//! and Mermaid. The prelude's lookup values (`std.dataset` …) are left out: they are plumbing,
//! not policy.

use crate::compile::STD;
use crate::graph::{Edge, Node};
use crate::ir::{Cite, Period, PolicySet, RegulationText};
use datalex_lang::date::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The graph of a policy set.
#[derive(Debug, Clone, Serialize)]
pub struct GraphView {
    /// Nodes, in a stable order.
    pub nodes: Vec<NodeView>,
    /// Edges between them.
    pub edges: Vec<EdgeView>,
    /// Every rule, guard, exception, check and otherwise, with the articles it cites.
    pub rules: Vec<RuleView>,
}

/// A node.
#[derive(Debug, Clone, Serialize)]
pub struct NodeView {
    /// Stable id: `rule:binzhou.conditional_share`, `article:binzhou-2023:20`, …
    pub id: String,
    /// `regulation`, `article`, `package`, `rule`, `value`, `param` or `deadline`.
    pub kind: &'static str,
    /// What people call it.
    pub label: String,
    /// For rules: `guard`, `rule`, `exception`, `check`, `otherwise`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    /// For regulations: the rank, a `LegalRank` member (`administrative_regulation`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<String>,
    /// For regulations: when it is in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force: Option<InForceView>,
    /// For articles: every version, earliest first, each with when it is in force.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<VersionView>,
    /// The lines DOT and Mermaid show under the label: a regulation's rank and period, the
    /// periods of an article's versions.
    #[serde(skip)]
    pub caption: Vec<String>,
}

/// When a regulation is in force.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct InForceView {
    /// First day (null when unknown or not declared).
    pub from: Option<Date>,
    /// Last day (null while in force).
    pub until: Option<Date>,
    /// The start date is declared unknown (never guessed).
    pub from_unknown: bool,
}

/// One version of an article: when it is in force (both days included).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct VersionView {
    /// First day (null when the regulation's start is unknown).
    pub from: Option<Date>,
    /// Last day (null while in force).
    pub until: Option<Date>,
}

/// A `LegalRank` member as people say it, from the prelude's documentation of it (行政法规);
/// the member itself if it has none.
pub fn rank_name(policy: &PolicySet, member: &str) -> String {
    policy
        .types
        .enum_named("LegalRank")
        .map(|e| &policy.types.enums[e])
        .and_then(|e| e.members.iter().find(|(m, _)| m == member))
        .and_then(|(_, d)| d.clone())
        .unwrap_or_else(|| member.to_string())
}

/// A period as people read it: `2023-03-01–2024-12-31`, `2025-01-01 起` (still in force),
/// `…–2024-12-31` (start unknown).
pub fn period_text(p: &Period) -> String {
    let from = p.from.map_or_else(|| "…".to_string(), |d| d.to_string());
    match p.until {
        Some(u) => format!("{from}–{u}"),
        None => format!("{from} 起"),
    }
}

/// A regulation's rank and period as one line: `行政法规 · 2025-08-01 起施行`.
pub fn rank_and_period(policy: &PolicySet, r: &RegulationText) -> String {
    match &r.rank {
        Some(rank) => format!("{} · {}", rank_name(policy, rank), r.period_label()),
        None => r.period_label(),
    }
}

/// The periods of an article's versions worth showing: every version when there are several,
/// or the one version when its period is not the regulation's (added later, repealed, a
/// target that expires); empty otherwise.
pub fn version_periods(r: &RegulationText, article: u32) -> Vec<Period> {
    let periods: Vec<Period> = r.versions(article).map(|a| a.in_force).collect();
    match periods.as_slice() {
        [only] if *only == r.in_force => Vec::new(),
        _ => periods,
    }
}

/// An edge.
#[derive(Debug, Clone, Serialize)]
pub struct EdgeView {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// `cites`, `overrides`, `uses`, `extends` or `part_of`.
    pub kind: &'static str,
}

/// A rule with what it cites.
#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    /// Qualified name.
    pub name: String,
    /// Role keyword.
    pub role: &'static str,
    /// Request kinds it decides.
    pub kinds: Vec<String>,
    /// Citations, with their labels.
    pub cites: Vec<CiteView>,
    /// Rules it overrides.
    pub overrides: Vec<String>,
}

/// A citation.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CiteView {
    /// Regulation id.
    pub regulation: String,
    /// Article (absent: article unknown).
    pub article: Option<u32>,
    /// Paragraph.
    pub paragraph: Option<u32>,
    /// Item.
    pub item: Option<u32>,
    /// 《…》第…条…
    pub label: String,
}

impl From<&Cite> for CiteView {
    fn from(c: &Cite) -> CiteView {
        CiteView {
            regulation: c.regulation_id.clone(),
            article: c.article,
            paragraph: c.paragraph,
            item: c.item,
            label: c.label.clone(),
        }
    }
}

fn node_id(n: &Node) -> String {
    match n {
        Node::Regulation(r) => format!("regulation:{r}"),
        Node::Article(r, a) => format!("article:{r}:{a}"),
        Node::Package(p) => format!("package:{p}"),
        Node::Rule(r, _) => format!("rule:{r}"),
        Node::Value(v) => format!("value:{v}"),
        Node::Param(p) => format!("param:{p}"),
        Node::Deadline(d) => format!("deadline:{d}"),
    }
}

fn hidden(n: &Node) -> bool {
    match n {
        Node::Value(v) | Node::Param(v) | Node::Rule(v, _) | Node::Deadline(v) => {
            v.starts_with(&format!("{STD}."))
        }
        Node::Package(p) => p == STD,
        _ => false,
    }
}

/// The view of `policy`. Articles appear only where something cites them.
pub fn view(policy: &PolicySet) -> GraphView {
    let g = &policy.graph.graph;
    let cited: Vec<bool> = g
        .node_indices()
        .map(|i| {
            !matches!(g[i], Node::Article(..))
                || g.edges_directed(i, petgraph::Direction::Incoming)
                    .any(|e| *e.weight() == Edge::Cites)
        })
        .collect();
    let shown = |i: petgraph::graph::NodeIndex| {
        !hidden(&g[i]) && cited.get(i.index()).copied().unwrap_or(false)
    };
    let mut nodes: Vec<NodeView> = g
        .node_indices()
        .filter(|&i| shown(i))
        .map(|i| {
            let n = &g[i];
            let mut extra = NodeExtra::default();
            let (kind, label, role) = match n {
                Node::Regulation(r) => {
                    if let Some(x) = policy.regulation(r) {
                        extra = NodeExtra::regulation(policy, x);
                    }
                    (
                        "regulation",
                        policy
                            .regulation(r)
                            .map_or_else(|| r.clone(), |x| format!("《{}》", x.title)),
                        None,
                    )
                }
                Node::Article(r, a) => {
                    if let Some(x) = policy.regulation(r) {
                        extra = NodeExtra::article(x, *a);
                    }
                    (
                        "article",
                        format!("{r} 第{}条", datalex_lang::numerals::chinese(*a)),
                        None,
                    )
                }
                Node::Package(p) => ("package", p.clone(), None),
                Node::Rule(r, role) => ("rule", r.clone(), Some(*role)),
                Node::Value(v) => ("value", v.clone(), None),
                Node::Param(p) => ("param", p.clone(), None),
                Node::Deadline(d) => ("deadline", d.clone(), None),
            };
            NodeView {
                id: node_id(n),
                kind,
                label,
                role,
                rank: extra.rank,
                in_force: extra.in_force,
                versions: extra.versions,
                caption: extra.caption,
            }
        })
        .collect();
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    let mut edges: Vec<EdgeView> = g
        .edge_indices()
        .filter_map(|e| {
            let (a, b) = g.edge_endpoints(e)?;
            if !shown(a) || !shown(b) {
                return None;
            }
            let kind = match g[e] {
                Edge::Cites => "cites",
                Edge::Overrides => "overrides",
                Edge::Uses => "uses",
                Edge::Extends => "extends",
                Edge::PartOf => "part_of",
            };
            Some(EdgeView {
                from: node_id(&g[a]),
                to: node_id(&g[b]),
                kind,
            })
        })
        .collect();
    edges.sort_by(|a, b| (&a.from, &a.to, a.kind).cmp(&(&b.from, &b.to, b.kind)));
    GraphView {
        nodes,
        edges,
        rules: rules(policy),
    }
}

/// What a regulation or article node carries beyond its label.
#[derive(Default)]
struct NodeExtra {
    rank: Option<String>,
    in_force: Option<InForceView>,
    versions: Vec<VersionView>,
    caption: Vec<String>,
}

impl NodeExtra {
    fn regulation(policy: &PolicySet, r: &RegulationText) -> NodeExtra {
        NodeExtra {
            rank: r.rank.clone(),
            in_force: Some(InForceView {
                from: r.in_force.from,
                until: r.in_force.until,
                from_unknown: r.start_unknown,
            }),
            versions: Vec::new(),
            caption: vec![rank_and_period(policy, r)],
        }
    }

    fn article(r: &RegulationText, article: u32) -> NodeExtra {
        NodeExtra {
            versions: r
                .versions(article)
                .map(|a| VersionView {
                    from: a.in_force.from,
                    until: a.in_force.until,
                })
                .collect(),
            caption: version_periods(r, article)
                .iter()
                .map(period_text)
                .collect(),
            ..NodeExtra::default()
        }
    }
}

fn rules(policy: &PolicySet) -> Vec<RuleView> {
    let mut by_name: BTreeMap<String, RuleView> = BTreeMap::new();
    for p in &policy.packages {
        for plan in &p.plans {
            for (_, r) in plan.rules() {
                let entry = by_name
                    .entry(r.name.to_string())
                    .or_insert_with(|| RuleView {
                        name: r.name.to_string(),
                        role: r.role.keyword(),
                        kinds: Vec::new(),
                        cites: Vec::new(),
                        overrides: r
                            .overrides
                            .iter()
                            .map(|&o| plan.rule(o).name.to_string())
                            .collect(),
                    });
                if !entry.kinds.contains(&plan.kind) {
                    entry.kinds.push(plan.kind.clone());
                }
                let parts = r.parts.iter().flat_map(|p| p.cites().iter());
                for c in r.cites.iter().chain(parts) {
                    let v = CiteView::from(c);
                    if !entry.cites.contains(&v) {
                        entry.cites.push(v);
                    }
                }
            }
        }
    }
    by_name.into_values().collect()
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT: packages as clusters, shapes by kind, edges labelled.
pub fn to_dot(v: &GraphView) -> String {
    let mut s = String::from("digraph policy {\n  rankdir=LR;\n  node [fontname=\"Noto Sans CJK SC, sans-serif\", fontsize=10];\n  edge [fontsize=8];\n");
    for n in &v.nodes {
        let shape = match n.kind {
            "regulation" => "folder",
            "article" => "note",
            "package" => "tab",
            "value" => "ellipse",
            "param" => "parallelogram",
            "deadline" => "cds",
            _ => match n.role {
                Some("guard") => "octagon",
                Some("exception") => "box, style=dashed",
                Some("check") => "box, style=dotted",
                _ => "box",
            },
        };
        let mut label = match n.role {
            Some(role) if role != "rule" => format!("{role}\\n{}", dot_escape(&n.label)),
            _ => dot_escape(&n.label),
        };
        for line in &n.caption {
            label.push_str("\\n");
            label.push_str(&dot_escape(line));
        }
        let _ = writeln!(
            s,
            "  \"{}\" [label=\"{label}\", shape={shape}];",
            dot_escape(&n.id)
        );
    }
    for e in &v.edges {
        let style = match e.kind {
            "overrides" => ", color=red",
            "cites" => ", color=gray40",
            "part_of" => ", style=dotted, arrowhead=none",
            _ => "",
        };
        let _ = writeln!(
            s,
            "  \"{}\" -> \"{}\" [label=\"{}\"{style}];",
            dot_escape(&e.from),
            dot_escape(&e.to),
            e.kind
        );
    }
    s.push_str("}\n");
    s
}

/// Mermaid flowchart.
pub fn to_mermaid(v: &GraphView) -> String {
    let ids: BTreeMap<&str, String> = v
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), format!("n{i}")))
        .collect();
    let mut s = String::from("flowchart LR\n");
    for n in &v.nodes {
        let id = ids.get(n.id.as_str()).cloned().unwrap_or_default();
        let mut label = n.label.replace('"', "#quot;");
        for line in &n.caption {
            label.push_str("<br/>");
            label.push_str(&line.replace('"', "#quot;"));
        }
        let shape = match n.kind {
            "value" => format!("{id}([\"{label}\"])"),
            "param" => format!("{id}[/\"{label}\"/]"),
            "article" | "regulation" => format!("{id}[[\"{label}\"]]"),
            "package" => format!("{id}{{{{\"{label}\"}}}}"),
            _ => format!(
                "{id}[\"{}{label}\"]",
                n.role
                    .filter(|r| *r != "rule")
                    .map(|r| format!("{r}: "))
                    .unwrap_or_default()
            ),
        };
        let _ = writeln!(s, "  {shape}");
    }
    for e in &v.edges {
        let (Some(a), Some(b)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) else {
            continue;
        };
        let arrow = if e.kind == "overrides" { "==>" } else { "-->" };
        let _ = writeln!(s, "  {a} {arrow}|{}| {b}", e.kind);
    }
    s
}
