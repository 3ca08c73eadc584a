//! The policy graph: regulations, articles, packages, rules, values and params as nodes;
//! cites, overrides, uses and extends as edges. Reviewers and auditors look at it
//! (`datalex graph`); the compiler uses the override part of it to reject cycles and to rank
//! rules by specificity.

use crate::ir::{
    Arena, ArenaMap, Branch, Ex, Idx, Package, Part, RegulationText, RuleDef, RuleId, ValueId,
};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;

/// A node of the policy graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node {
    /// A regulation, by id.
    Regulation(String),
    /// An article: regulation id and number.
    Article(String, u32),
    /// A package.
    Package(String),
    /// A rule, guard, exception, check or otherwise, by qualified name, with its role keyword.
    Rule(String, &'static str),
    /// A derived value, by qualified name.
    Value(String),
    /// A param, by qualified name.
    Param(String),
    /// A deadline a rule sets: `rule.code`.
    Deadline(String),
}

/// An edge of the policy graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edge {
    /// A rule or value cites an article (or a regulation, article unknown).
    Cites,
    /// An exception overrides a rule.
    Overrides,
    /// A rule uses a value.
    Uses,
    /// A package builds on another; a regulation belongs to a package.
    Extends,
    /// An article belongs to a regulation; a rule to a package.
    PartOf,
}

/// The graph with an index from node to node id.
#[derive(Debug, Clone, Default)]
pub struct PolicyGraph {
    /// The graph.
    pub graph: DiGraph<Node, Edge>,
    index: HashMap<Node, NodeIndex>,
}

impl PolicyGraph {
    fn node(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.index.get(&n) {
            return *i;
        }
        let i = self.graph.add_node(n.clone());
        self.index.insert(n, i);
        i
    }

    fn edge(&mut self, a: NodeIndex, b: NodeIndex, e: Edge) {
        if !self.graph.edges_connecting(a, b).any(|x| *x.weight() == e) {
            self.graph.add_edge(a, b, e);
        }
    }

    /// The node id of `n`, if it is in the graph.
    pub fn find(&self, n: &Node) -> Option<NodeIndex> {
        self.index.get(n).copied()
    }
}

/// Builds the graph of a compiled policy set.
pub fn build(regulations: &Arena<RegulationText>, packages: &[Package]) -> PolicyGraph {
    let mut g = PolicyGraph::default();
    for r in regulations.values() {
        let reg = g.node(Node::Regulation(r.id.clone()));
        let pkg = g.node(Node::Package(r.package.clone()));
        g.edge(reg, pkg, Edge::PartOf);
        for n in r.articles.keys() {
            let a = g.node(Node::Article(r.id.clone(), *n));
            g.edge(a, reg, Edge::PartOf);
        }
    }
    // Each param by its name without its package (`binzhou.reply_days`: `reply_days`), the
    // first of the packages' params of that name, looked up once per deadline.
    let mut params: HashMap<&str, &str> = HashMap::new();
    for q in packages.iter().flat_map(|p| &p.params) {
        let short = q.name.rsplit('.').next().unwrap_or_default();
        params.entry(short).or_insert(q.name.as_str());
    }
    for p in packages {
        let pkg = g.node(Node::Package(p.name.clone()));
        if let Some(base) = &p.extends {
            let b = g.node(Node::Package(base.clone()));
            g.edge(pkg, b, Edge::Extends);
        }
        for prm in &p.params {
            let n = g.node(Node::Param(prm.name.clone()));
            cite_edges(&mut g, n, &prm.cites);
        }
        for plan in &p.plans {
            let value_nodes: ArenaMap<ValueId, NodeIndex> = plan
                .values()
                .map(|(id, v)| (id, g.node(Node::Value(v.name.to_string()))))
                .collect();
            for ((_, v), (_, &vn)) in plan.values().zip(value_nodes.iter()) {
                cite_edges(&mut g, vn, &v.cites);
                for b in v.exceptions.values() {
                    cite_edges(&mut g, vn, &b.cites);
                    branch_uses(&mut g, vn, b, &value_nodes);
                }
                let mut used = Vec::new();
                uses_of(&v.default, &mut used);
                for u in used {
                    if let Some(&t) = value_nodes.get(u) {
                        g.edge(vn, t, Edge::Uses);
                    }
                }
            }
            let rule_nodes: ArenaMap<RuleId, NodeIndex> = plan
                .rules()
                .map(|(id, r)| (id, g.node(Node::Rule(r.name.to_string(), r.role.keyword()))))
                .collect();
            for ((_, r), (_, &rn)) in plan.rules().zip(rule_nodes.iter()) {
                let owner = r.name.split('.').next().unwrap_or_default().to_string();
                let op = g.node(Node::Package(owner));
                g.edge(rn, op, Edge::PartOf);
                cite_edges(&mut g, rn, &r.cites);
                for p in &r.parts {
                    match p {
                        // A deadline is a node of its own: who reviews a period looks for it.
                        Part::Deadline {
                            code, cites, param, ..
                        } => {
                            let dn = g.node(Node::Deadline(format!("{}.{code}", r.name)));
                            g.edge(dn, rn, Edge::PartOf);
                            cite_edges(&mut g, dn, cites);
                            if let Some(prm) = param.as_ref().and_then(|n| params.get(n.as_str())) {
                                let pn = g.node(Node::Param((*prm).to_string()));
                                g.edge(dn, pn, Edge::Uses);
                            }
                        }
                        other => cite_edges(&mut g, rn, part_cites(other)),
                    }
                }
                for &o in &r.overrides {
                    if let Some(&t) = rule_nodes.get(o) {
                        g.edge(rn, t, Edge::Overrides);
                    }
                }
                let mut used = Vec::new();
                if let Some(w) = &r.when {
                    uses_of(w, &mut used);
                }
                for u in used {
                    if let Some(&t) = value_nodes.get(u) {
                        g.edge(rn, t, Edge::Uses);
                    }
                }
            }
        }
    }
    g
}

fn branch_uses(
    g: &mut PolicyGraph,
    from: NodeIndex,
    b: &Branch,
    value_nodes: &ArenaMap<ValueId, NodeIndex>,
) {
    let mut used = Vec::new();
    uses_of(&b.when, &mut used);
    for u in used {
        if let Some(&t) = value_nodes.get(u) {
            if t != from {
                g.edge(from, t, Edge::Uses);
            }
        }
    }
}

fn part_cites(p: &Part) -> &[crate::ir::Cite] {
    p.cites()
}

fn cite_edges(g: &mut PolicyGraph, from: NodeIndex, cites: &[crate::ir::Cite]) {
    for c in cites {
        let to = match c.article {
            Some(a) => g.node(Node::Article(c.regulation_id.clone(), a)),
            None => g.node(Node::Regulation(c.regulation_id.clone())),
        };
        g.edge(from, to, Edge::Cites);
    }
}

fn uses_of(e: &Ex, out: &mut Vec<ValueId>) {
    match e {
        Ex::Value(v) => out.push(*v),
        Ex::Const(_) | Ex::Request | Ex::Fact(_) | Ex::Local(_) | Ex::Applies(_, None) => {}
        Ex::Applies(_, Some(a)) => uses_of(a, out),
        Ex::Field(a, _)
        | Ex::Lookup(_, a)
        | Ex::Not(a)
        | Ex::IsMissing(a)
        | Ex::Exists(a)
        | Ex::Grounded(_, a) => uses_of(a, out),
        Ex::Cmp(_, _, a, b) => {
            uses_of(a, out);
            uses_of(b, out);
        }
        Ex::And(xs) | Ex::Or(xs) => xs.iter().for_each(|x| uses_of(x, out)),
        Ex::Arith(a, rest) => {
            uses_of(a, out);
            rest.iter().for_each(|(_, x)| uses_of(x, out));
        }
        Ex::In { elem, coll, .. } => {
            uses_of(elem, out);
            uses_of(coll, out);
        }
        Ex::List(xs) => xs.iter().for_each(|x| uses_of(x, out)),
        Ex::Quant { coll, body, .. }
        | Ex::Each {
            coll, cond: body, ..
        } => {
            uses_of(coll, out);
            uses_of(body, out);
        }
    }
}

/// A cycle in the override relation of `rules`, if there is one.
pub fn override_cycle(rules: &Arena<RuleDef>) -> Option<Vec<RuleId>> {
    cycle(rules, |r| &r.overrides)
}

/// A cycle among the exceptions of one value, if there is one, as their positions in
/// declaration order.
pub fn branch_cycle(branches: &Arena<Branch>) -> Option<Vec<usize>> {
    let c = cycle(branches, |b| &b.overrides)?;
    Some(
        c.into_iter()
            .map(|i| u32::from(i.into_raw()) as usize)
            .collect(),
    )
}

/// A cycle of the relation `edges` among the elements of `arena`, sorted, if there is one.
fn cycle<T>(arena: &Arena<T>, edges: impl Fn(&T) -> &[Idx<T>]) -> Option<Vec<Idx<T>>> {
    let mut g: DiGraph<Idx<T>, ()> = DiGraph::new();
    let nodes: ArenaMap<Idx<T>, NodeIndex> =
        arena.iter().map(|(i, _)| (i, g.add_node(i))).collect();
    for (i, x) in arena.iter() {
        for &j in edges(x) {
            if let (Some(&a), Some(&b)) = (nodes.get(i), nodes.get(j)) {
                g.add_edge(a, b, ());
            }
        }
    }
    tarjan_scc(&g)
        .into_iter()
        .find(|scc| scc.len() > 1 || scc.first().is_some_and(|&x| g.contains_edge(x, x)))
        .map(|scc| {
            let mut v: Vec<Idx<T>> = scc
                .iter()
                .filter_map(|x| g.node_weight(*x).copied())
                .collect();
            v.sort_unstable();
            v
        })
}

/// Sets each rule's depth: 0 for a rule nothing of its own overrides, else one more than the
/// deepest rule it overrides. Requires an acyclic override relation.
pub fn assign_depths(rules: &mut Arena<RuleDef>) {
    let n = rules.len();
    let mut depth: ArenaMap<RuleId, usize> = rules.iter().map(|(i, _)| (i, 0)).collect();
    // Longest path by relaxation; n rounds suffice for an acyclic relation.
    for _ in 0..n {
        let mut changed = false;
        for (i, r) in rules.iter() {
            let d = r
                .overrides
                .iter()
                .filter_map(|&o| depth.get(o))
                .map(|d| d + 1)
                .max()
                .unwrap_or(0);
            if let Some(slot) = depth.get_mut(i) {
                if *slot != d {
                    *slot = d;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    for (i, r) in rules.iter_mut() {
        r.depth = depth.get(i).copied().unwrap_or(0);
    }
}
