//! The policy graph around a rule as an SVG picture: the rule, what it overrides, what
//! overrides it, the articles it cites and the values it uses — the edges of the graph
//! `datalex graph` prints ([`export::view`]), cut to the rule's neighbours.
//!
//! Drawn by Graphviz (`dot -Tsvg`, from [`export::to_dot`]) when `dot` is on the PATH; else
//! laid out here in three columns (what points at the rule, the rule, what it points at),
//! which needs nothing installed. The picture's caption says which drew it.

use datalex_compiler::export::{self, EdgeView, GraphView, NodeView};
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Who drew a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawer {
    /// Graphviz's `dot`.
    Graphviz,
    /// The built-in three-column layout.
    Builtin,
}

/// Whether `dot` runs here (asked once).
fn graphviz_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new("dot")
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// The graph around `rule` (qualified name), as an `<svg>` element with a caption line, drawn
/// by Graphviz when installed.
pub fn around(graph: &GraphView, rule: &str) -> String {
    let drawer = if graphviz_available() {
        Drawer::Graphviz
    } else {
        Drawer::Builtin
    };
    around_with(graph, rule, drawer).0
}

/// The graph around `rule` drawn by `drawer` (falling back to the built-in layout if
/// Graphviz fails), and who drew it.
pub fn around_with(graph: &GraphView, rule: &str, drawer: Drawer) -> (String, Drawer) {
    let sub = neighbourhood(graph, rule);
    let label = format!(
        "{rule}: {} nodes, {} edges",
        sub.nodes.len(),
        sub.edges.len()
    );
    if drawer == Drawer::Graphviz {
        if let Some(svg) = graphviz(&sub) {
            let svg = svg.replacen(
                "<svg ",
                &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(&label)),
                1,
            );
            return (svg, Drawer::Graphviz);
        }
    }
    (builtin(&sub, rule, &label), Drawer::Builtin)
}

/// The rule's node, its neighbours, and the edges among them.
fn neighbourhood(graph: &GraphView, rule: &str) -> GraphView {
    let center = format!("rule:{rule}");
    let edges: Vec<EdgeView> = graph
        .edges
        .iter()
        .filter(|e| (e.from == center || e.to == center) && e.kind != "part_of")
        .cloned()
        .collect();
    let nodes: Vec<NodeView> = graph
        .nodes
        .iter()
        .filter(|n| n.id == center || edges.iter().any(|e| e.from == n.id || e.to == n.id))
        .cloned()
        .collect();
    GraphView {
        nodes,
        edges,
        rules: Vec::new(),
    }
}

/// `dot -Tsvg` of the graph; `None` if it cannot run or fails.
fn graphviz(sub: &GraphView) -> Option<String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let dot = export::to_dot(sub);
    child.stdin.take()?.write_all(dot.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    // From the element on: no XML declaration or DOCTYPE inside an HTML page.
    let start = text.find("<svg")?;
    text.get(start..).map(str::to_string)
}

/// Text escaped for SVG (XML) content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Roughly how wide `s` is at 13px: CJK characters a full em, others about half.
fn text_width(s: &str) -> u32 {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 13 } else { 7 })
        .sum()
}

const ROW: u32 = 46;
const BOX_H: u32 = 30;
const GAP: u32 = 90;
const PAD: u32 = 16;

/// Three columns: nodes with an edge to the rule, the rule, nodes the rule has an edge to.
fn builtin(sub: &GraphView, rule: &str, label: &str) -> String {
    let center = format!("rule:{rule}");
    let node = |id: &str| sub.nodes.iter().find(|n| n.id == id);
    let mut left: Vec<&NodeView> = Vec::new();
    let mut right: Vec<&NodeView> = Vec::new();
    for e in &sub.edges {
        if e.to == center {
            if let Some(n) = node(&e.from).filter(|n| !left.iter().any(|l| l.id == n.id)) {
                left.push(n);
            }
        } else if let Some(n) = node(&e.to).filter(|n| !right.iter().any(|r| r.id == n.id)) {
            right.push(n);
        }
    }
    let width_of = |ns: &[&NodeView]| {
        ns.iter()
            .map(|n| text_width(&n.label) + 2 * PAD)
            .max()
            .unwrap_or(0)
    };
    let cw = text_width(rule) + 2 * PAD;
    let (lw, rw) = (width_of(&left), width_of(&right));
    let rows = u32::try_from(left.len().max(right.len()).max(1)).unwrap_or(1);
    let height = rows * ROW + 20;
    let lx = 10;
    let cx = lx + lw + if lw > 0 { GAP } else { 0 };
    let rx = cx + cw + GAP;
    let width = rx + rw + 10;
    let y_of = |i: usize, count: usize| {
        let count = u32::try_from(count.max(1)).unwrap_or(1);
        let i = u32::try_from(i).unwrap_or(0);
        10 + (rows - count) * ROW / 2 + i * ROW
    };
    let cy = y_of(0, 1);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{}\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" class=\"graph\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" \
         markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/>\
         </marker></defs>",
        escape(label)
    );
    let boxed = |s: &mut String, n: &NodeView, x: u32, y: u32, w: u32, main: bool| {
        let class = if main {
            "node main".to_string()
        } else {
            format!("node {}", n.kind)
        };
        let _ = write!(
            s,
            "<g class=\"{class}\"><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{BOX_H}\" rx=\"4\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            x + w / 2,
            y + 20,
            escape(&n.label)
        );
    };
    let edge = |s: &mut String, x1: u32, y1: u32, x2: u32, y2: u32, kind: &str| {
        let _ = write!(
            s,
            "<g class=\"edge {kind}\"><line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" \
             marker-end=\"url(#arrow)\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{kind}</text></g>",
            (x1 + x2) / 2,
            (y1 + y2) / 2 - 4,
        );
    };
    for (i, n) in left.iter().enumerate() {
        let y = y_of(i, left.len());
        for e in sub
            .edges
            .iter()
            .filter(|e| e.from == n.id && e.to == center)
        {
            edge(&mut s, lx + lw, y + BOX_H / 2, cx, cy + BOX_H / 2, e.kind);
        }
    }
    for (i, n) in right.iter().enumerate() {
        let y = y_of(i, right.len());
        for e in sub
            .edges
            .iter()
            .filter(|e| e.from == center && e.to == n.id)
        {
            edge(&mut s, cx + cw, cy + BOX_H / 2, rx, y + BOX_H / 2, e.kind);
        }
    }
    for (i, n) in left.iter().enumerate() {
        boxed(&mut s, n, lx, y_of(i, left.len()), lw, false);
    }
    if let Some(n) = node(&center) {
        boxed(&mut s, n, cx, cy, cw, true);
    }
    for (i, n) in right.iter().enumerate() {
        boxed(&mut s, n, rx, y_of(i, right.len()), rw, false);
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests may fail loudly")]
    use super::*;
    use datalex_compiler::export::EdgeView;

    fn node(id: &str, kind: &'static str, label: &str) -> NodeView {
        NodeView {
            id: id.into(),
            kind,
            label: label.into(),
            role: None,
            rank: None,
            in_force: None,
            versions: Vec::new(),
            caption: Vec::new(),
        }
    }

    fn graph() -> GraphView {
        let edge = |from: &str, to: &str, kind: &'static str| EdgeView {
            from: from.into(),
            to: to.into(),
            kind,
        };
        GraphView {
            nodes: vec![
                node("rule:p.a", "rule", "p.a"),
                node("rule:p.b", "rule", "p.b <b>"),
                node("article:r:20", "article", "r 第二十条"),
                node("rule:p.far", "rule", "p.far"),
            ],
            edges: vec![
                edge("rule:p.b", "rule:p.a", "overrides"),
                edge("rule:p.a", "article:r:20", "cites"),
                edge("rule:p.far", "article:r:20", "cites"),
            ],
            rules: Vec::new(),
        }
    }

    #[test]
    fn the_builtin_layout_draws_the_neighbours_escaped_and_nothing_further() {
        let (svg, drawer) = around_with(&graph(), "p.a", Drawer::Builtin);
        assert_eq!(drawer, Drawer::Builtin);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains("p.b &lt;b&gt;"), "{svg}");
        assert!(svg.contains("r 第二十条"), "{svg}");
        assert!(!svg.contains("p.far"), "{svg}");
        assert_eq!(svg.matches("<line").count(), 2, "{svg}");
        assert!(svg.contains("role=\"img\""));
    }

    #[test]
    fn graphviz_draws_it_when_installed() {
        let (svg, drawer) = around_with(&graph(), "p.a", Drawer::Graphviz);
        assert!(svg.starts_with("<svg"), "{svg}");
        if graphviz_available() {
            assert_eq!(drawer, Drawer::Graphviz);
            assert!(svg.contains("role=\"img\""), "{svg}");
        } else {
            assert_eq!(
                drawer,
                Drawer::Builtin,
                "without dot the layout is built in"
            );
        }
    }
}
