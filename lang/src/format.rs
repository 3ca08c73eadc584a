//! The canonical layout of policy files (`datalex fmt`).
//!
//! The formatter prints the syntax tree, so the layout is the same whoever wrote the file:
//! two-space indentation, one declaration clause per line (`when`, `=>`, each outcome part),
//! long conditions broken at their top-level `and`/`or`, strings moved to their own line when a
//! clause would pass [`WIDTH`] columns. What the author chose is kept where it carries meaning
//! for readers: comments (each printed on its own line before the node that follows it) and
//! whether declarations are separated by a blank line.
//!
//! INVARIANT: `format` never changes meaning — it re-parses its output and fails with
//! [`FormatError::Changed`] unless the syntax tree is the same as the input's, spans aside —
//! and it is idempotent: formatting a formatted file changes nothing.

use crate::ast::visit::VisitMut;
use crate::ast::*;
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::parser::parse;
use crate::span::Span;
use std::fmt::Write as _;

/// Lines longer than this (in display columns; CJK characters count two) are broken where the
/// layout allows.
pub const WIDTH: usize = 100;

/// Why a file was not formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The file does not parse; formatting needs a well-formed file.
    Syntax(Vec<Diagnostic>),
    /// The printed file would mean something else (a formatter bug; the file is left alone).
    Changed,
}

/// Formats one policy file.
pub fn format(text: &str) -> Result<String, FormatError> {
    let (file, diags) = parse(0, text);
    if !diags.is_empty() {
        return Err(FormatError::Syntax(diags));
    }
    let mut p = Printer {
        src: text,
        out: String::new(),
        comments: comments(text),
        next_comment: 0,
    };
    p.file(&file);
    let out = p.out;
    let (again, diags) = parse(0, &out);
    if !diags.is_empty() || fingerprint(&again) != fingerprint(&file) {
        return Err(FormatError::Changed);
    }
    Ok(out)
}

/// The syntax tree with every span removed, for comparing meaning.
pub fn fingerprint(file: &File) -> String {
    /// Sets every span to the default.
    struct Unplaced;
    impl VisitMut<'_> for Unplaced {
        fn visit_span(&mut self, s: &mut Span) {
            *s = Span::default();
        }
    }
    let mut file = file.clone();
    Unplaced.visit_file(&mut file);
    format!("{:?}", file.items)
}

struct Comment {
    start: usize,
    text: String,
    /// A blank line separates it from what comes before.
    blank_before: bool,
}

/// Every `//` comment outside strings, in order.
fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut prev_blank = false;
    for line in text.split_inclusive('\n') {
        if let Some((i, _, _)) =
            crate::parser::classify(line).find(|(_, _, lex)| *lex == crate::parser::Lex::Comment)
        {
            let body = line.get(i..).unwrap_or("").trim_end();
            out.push(Comment {
                start: offset + i,
                text: body.to_string(),
                blank_before: prev_blank,
            });
        }
        prev_blank = line.trim().is_empty();
        offset += line.len();
    }
    out
}

/// Display width: CJK and full-width characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

struct Printer<'s> {
    src: &'s str,
    out: String,
    comments: Vec<Comment>,
    next_comment: usize,
}

impl Printer<'_> {
    fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Prints the comments that start before `pos`, at `indent`.
    fn comments_before(&mut self, pos: usize, indent: usize) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.start >= pos {
                break;
            }
            let (text, blank) = (c.text.clone(), c.blank_before);
            if blank && !self.out.is_empty() && !self.out.ends_with("{\n") {
                self.blank();
            }
            self.line(indent, &text);
            self.next_comment += 1;
        }
    }

    /// Whether the source has a blank line between `from` and `to` outside comments.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        let gap = self.src.get(from..to).unwrap_or("");
        let mut lines = gap.split('\n');
        lines.next();
        let mut seen = false;
        for l in lines {
            if l.trim().is_empty() {
                seen = true;
            } else if l.trim_start().starts_with("//") {
                // A comment decides its own spacing.
                return false;
            } else {
                break;
            }
        }
        seen && gap.matches('\n').count() >= 2
    }

    fn file(&mut self, file: &File) {
        let mut prev_end: Option<usize> = None;
        let mut prev_item: Option<&Item> = None;
        for item in &file.items {
            let span = item.span();
            let start = span.start as usize;
            if let Some(end) = prev_end {
                let next_is_comment = self
                    .comments
                    .get(self.next_comment)
                    .is_some_and(|c| c.start < start);
                if !next_is_comment
                    && (self.blank_between(end, start) || !groups_with(prev_item, item))
                {
                    self.blank();
                }
            }
            self.comments_before(start, 0);
            self.item(item);
            prev_end = Some(span.end as usize);
            prev_item = Some(item);
        }
        self.comments_before(usize::MAX, 0);
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Package(p) => {
                let ext = p
                    .extends
                    .as_ref()
                    .map(|e| format!(" extends {}", e.name))
                    .unwrap_or_default();
                self.line(0, &format!("package {}{ext}", p.name.name));
            }
            Item::Regulation(r) => self.regulation(r),
            Item::Enum(e) => {
                let mut head = format!("enum {}", e.name.name);
                if e.ordered {
                    head.push_str(" ordered");
                }
                push_doc(&mut head, &e.doc);
                self.line(0, &format!("{head} {{"));
                for (i, (m, doc)) in e.members.iter().enumerate() {
                    self.comments_before(m.span.start as usize, 2);
                    let mut l = m.name.clone();
                    if let Some((_, tie)) = e.ties.iter().find(|(j, _)| *j == i) {
                        let _ = write!(l, " = {}", tie.name);
                    }
                    push_doc(&mut l, doc);
                    self.line(2, &l);
                }
                self.close(e.span, 0);
            }
            Item::Record(r) => {
                let mut head = format!("record {}", r.name.name);
                push_doc(&mut head, &r.doc);
                self.line(0, &format!("{head} {{"));
                for f in &r.fields {
                    self.comments_before(f.name.span.start as usize, 2);
                    let mut l = format!("{}: {}", f.name.name, type_str(&f.ty));
                    push_doc(&mut l, &f.doc);
                    self.line(2, &l);
                }
                self.close(r.span, 0);
            }
            Item::Fact(f) => {
                let mut l = format!("fact {}: {}", f.name.name, type_str(&f.ty));
                if let Some(k) = &f.keyed {
                    let _ = write!(l, " keyed by {}", k.name);
                }
                push_doc(&mut l, &f.doc);
                self.line(0, &l);
            }
            Item::Kind(k) => {
                let mut l = format!("kind {}: {}", k.name.name, k.request.name);
                push_doc(&mut l, &k.doc);
                self.line(0, &l);
            }
            Item::Labels(x) => {
                self.line(0, &format!("labels {} {{", x.of.as_str()));
                for e in &x.entries {
                    self.comments_before(e.span.start as usize, 2);
                    self.line(2, &format!("{} {}", e.name.name, quote(&e.label.value)));
                }
                self.close(x.span, 0);
            }
            Item::Param(p) => {
                let mut head = format!(
                    "{}param {} = {}",
                    prefix(p.replaces),
                    p.name.name,
                    expr_to_string(&p.value)
                );
                if !p.cites.is_empty() {
                    let _ = write!(head, " cites {}", cites_str(&p.cites));
                }
                self.line(0, &head);
                if let Some(doc) = &p.doc {
                    self.line(2, &quote(&doc.value));
                }
            }
            Item::Value(v) => self.value(v),
            Item::Rule(r) => self.rule(r),
            Item::Test(t) => self.test(t),
            Item::Use(u) => self.line(
                0,
                &format!("use {} for {}", u.package.name, names(&u.kinds)),
            ),
            Item::Scope(sc) => {
                let mut head = format!("scope {} on {}", sc.regulation.name, names(&sc.kinds));
                if !sc.cites.is_empty() {
                    let _ = write!(head, " cites {}", cites_str(&sc.cites));
                }
                self.line(0, &head);
                self.condition(&sc.when, 2);
            }
            Item::Interpretation(x) => {
                self.line(
                    0,
                    &format!("interpretation {} of {} {{", x.name.name, cites_str(&x.of)),
                );
                self.with_text(2, "says", &quote(&x.says.value), 4);
                self.with_text(2, "means", &quote(&x.means.value), 4);
                self.line(
                    2,
                    &format!(
                        "adopted by {} on {}",
                        quote(&x.adopted_by.value),
                        x.adopted_on
                    ),
                );
                self.close(x.span, 0);
            }
            Item::Coverage(c) => {
                self.line(0, &format!("coverage {} {{", c.regulation.name));
                for e in &c.entries {
                    self.comments_before(e.span.start as usize, 2);
                    let refs: Vec<String> = e
                        .articles
                        .iter()
                        .map(|(p, _)| {
                            format!(
                                "§{}",
                                p.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
                            )
                        })
                        .collect();
                    let status = if e.decidable {
                        "not_encoded"
                    } else {
                        "not_decidable"
                    };
                    let head = format!("{} {status}", refs.join(", "));
                    self.with_text(2, &head, &quote(&e.reason.value), 4);
                }
                self.close(c.span, 0);
            }
        }
    }

    fn close(&mut self, span: crate::span::Span, indent: usize) {
        self.comments_before(span.end as usize, indent + 2);
        self.line(indent, "}");
    }

    fn regulation(&mut self, r: &Regulation) {
        self.line(
            0,
            &format!("regulation {} {} {{", r.id.name, quote(&r.title.value)),
        );
        if let Some(s) = &r.issuer {
            self.line(2, &format!("issuer {}", quote(&s.value)));
        }
        if let Some(s) = &r.number {
            self.line(2, &format!("number {}", quote(&s.value)));
        }
        if let Some(s) = &r.rank {
            self.line(2, &format!("rank {}", s.name));
        }
        if let Some(s) = &r.territory {
            self.line(2, &format!("territory {}", quote(&s.value)));
        }
        if let Some(f) = &r.in_force {
            let mut l = match f.from {
                Some(d) => format!("in force from {d}"),
                None => "in force from unknown".to_string(),
            };
            if let Some(u) = f.until {
                let _ = write!(l, " until {u}");
            }
            if let Some(n) = &f.note {
                let _ = write!(l, " {}", quote(&n.value));
            }
            self.line(2, &l);
        }
        if let Some(s) = &r.unavailable {
            self.line(2, &format!("text unavailable {}", quote(&s.value)));
        }
        if let Some(s) = &r.style {
            self.line(2, &format!("style {}", s.name));
        }
        enum Entry<'a> {
            Chapter(&'a Chapter),
            Missing(&'a Missing),
            Article(&'a Article),
        }
        let mut entries: Vec<(usize, Entry<'_>)> = Vec::new();
        entries.extend(
            r.chapters
                .iter()
                .map(|c| (c.span.start as usize, Entry::Chapter(c))),
        );
        entries.extend(
            r.missing
                .iter()
                .map(|m| (m.span.start as usize, Entry::Missing(m))),
        );
        entries.extend(
            r.articles
                .iter()
                .map(|a| (a.span.start as usize, Entry::Article(a))),
        );
        entries.sort_by_key(|(s, _)| *s);
        let meta_end = [
            r.issuer.as_ref().map(|s| s.span.end),
            r.number.as_ref().map(|s| s.span.end),
            r.rank.as_ref().map(|s| s.span.end),
            r.territory.as_ref().map(|s| s.span.end),
            r.in_force.as_ref().map(|f| f.span.end),
            r.unavailable.as_ref().map(|s| s.span.end),
            r.style.as_ref().map(|s| s.span.end),
        ]
        .into_iter()
        .flatten()
        .max();
        let mut prev_end = meta_end.map(|e| e as usize);
        for (start, entry) in entries {
            if let Some(end) = prev_end {
                let next_is_comment = self
                    .comments
                    .get(self.next_comment)
                    .is_some_and(|c| c.start < start);
                if !next_is_comment && self.blank_between(end, start) {
                    self.blank();
                }
            }
            self.comments_before(start, 2);
            prev_end = Some(match entry {
                Entry::Chapter(c) => {
                    self.line(
                        2,
                        &format!("chapter {} {}", c.number, quote(&c.title.value)),
                    );
                    c.span.end as usize
                }
                Entry::Missing(m) => {
                    let range = if m.from == m.to {
                        m.from.to_string()
                    } else {
                        format!("{}..{}", m.from, m.to)
                    };
                    self.line(2, &format!("missing {range} {}", quote(&m.note.value)));
                    m.span.end as usize
                }
                Entry::Article(a) => self.article(a),
            });
        }
        self.close(r.span, 0);
    }

    /// Prints an article; returns where it ends in the source.
    fn article(&mut self, a: &Article) -> usize {
        let mut partial = String::new();
        if let Some((d, _)) = a.from {
            let _ = write!(partial, " from {d}");
        }
        if let Some((d, _)) = a.until {
            let _ = write!(partial, " until {d}");
        }
        if a.partial {
            partial.push_str(" partial");
        }
        let mut end = a.span.end as usize;
        if a.single {
            let Some(p) = a.paras.first() else { return end };
            end = end.max(p.span.end as usize);
            let head = format!("article {}{partial} {}", a.number, quote(&p.text.value));
            self.text_head(2, &head, &p.defects, !p.items.is_empty());
            if !p.items.is_empty() {
                end = end.max(self.items(&p.items, 4));
                self.line(2, "}");
            }
            return end;
        }
        self.line(2, &format!("article {}{partial} {{", a.number));
        for p in &a.paras {
            self.comments_before(p.span.start as usize, 4);
            end = end.max(p.span.end as usize);
            let head = format!(
                "para {}{} {}",
                p.number,
                text_period(p.from, p.until),
                quote(&p.text.value)
            );
            self.text_head(4, &head, &p.defects, !p.items.is_empty());
            if !p.items.is_empty() {
                end = end.max(self.items(&p.items, 6));
                self.line(4, "}");
            }
        }
        // The article ends at its closing brace, after the last paragraph.
        let close = self
            .src
            .get(end..)
            .and_then(|rest| rest.find('}'))
            .map_or(end, |i| end + i + 1);
        self.comments_before(close, 4);
        self.line(2, "}");
        close
    }

    fn items(&mut self, items: &[ItemText], indent: usize) -> usize {
        let mut end = 0;
        for i in items {
            self.comments_before(i.span.start as usize, indent);
            let head = format!(
                "item {}{} {}",
                i.number,
                text_period(i.from, i.until),
                quote(&i.text.value)
            );
            self.text_head(indent, &head, &i.defects, false);
            end = end.max(i.span.end as usize);
        }
        end
    }

    /// A paragraph's or item's first line, then its defects one a line, then `{` when items
    /// follow.
    fn text_head(&mut self, indent: usize, head: &str, defects: &[Defect], open: bool) {
        let brace = if open { " {" } else { "" };
        if defects.is_empty() {
            self.line(indent, &format!("{head}{brace}"));
            return;
        }
        self.line(indent, head);
        for (k, d) in defects.iter().enumerate() {
            let mut l = format!("{} {}", d.kind.keyword(), quote(&d.run.value));
            if let Some(r) = &d.reading {
                let _ = write!(l, " reads {}", quote(&r.value));
            }
            if let Some((u, _)) = &d.until {
                let _ = write!(l, " until {u}");
            }
            if k + 1 == defects.len() {
                l.push_str(brace);
            }
            self.line(indent + 2, &l);
        }
    }

    fn value(&mut self, v: &ValueDecl) {
        let mut head = format!("{}value {}", prefix(v.replaces), v.name.name);
        if let Some(t) = &v.ty {
            let _ = write!(head, ": {}", type_str(t));
        }
        let _ = write!(head, " on {}", names(&v.kinds));
        if let Some(r) = &v.reported {
            let _ = write!(head, " reported as {}", r.name);
        }
        if !v.cites.is_empty() {
            let _ = write!(head, " cites {}", cites_str(&v.cites));
        }
        match &v.body {
            ValueBody::Expr(e) => {
                let one = format!("{head} = {}", expr_to_string(e));
                if width(&one) <= WIDTH && !matches!(e.kind, ExprKind::Each { .. }) {
                    self.line(0, &one);
                } else {
                    self.line(0, &format!("{head} ="));
                    self.comments_before(e.span.start as usize, 2);
                    self.expr_block(e, 2);
                }
            }
            ValueBody::Block {
                default,
                exceptions,
            } => {
                self.line(0, &format!("{head} {{"));
                self.comments_before(default.0.span.start as usize, 2);
                let mut d = format!("default {}", expr_to_string(&default.0));
                if !default.1.is_empty() {
                    let _ = write!(d, " cites {}", cites_str(&default.1));
                }
                self.line(2, &d);
                for x in exceptions {
                    self.comments_before(x.span.start as usize, 2);
                    let mut h = format!("exception {}", x.name.name);
                    if !x.over.is_empty() {
                        let _ = write!(h, " over {}", names(&x.over));
                    }
                    let _ = write!(h, " cites {}", cites_str(&x.cites));
                    self.line(2, &h);
                    self.condition(&x.when, 4);
                    self.comments_before(x.result.span.start as usize, 4);
                    self.line(4, &format!("=> {}", expr_to_string(&x.result)));
                    for part in &x.parts {
                        self.part(part, 7);
                    }
                }
                self.close(v.span, 0);
            }
        }
    }

    /// An expression on its own lines: `each … where` and long `and`/`or` chains are broken.
    fn expr_block(&mut self, e: &Expr, indent: usize) {
        if let ExprKind::Each { var, coll, cond } = &e.kind {
            self.line(
                indent,
                &format!("each {} in {} where", var.name, expr_to_string(coll)),
            );
            self.chain(cond, indent + 2, "");
        } else {
            self.chain(e, indent, "");
        }
    }

    fn condition(&mut self, e: &Expr, indent: usize) {
        self.comments_before(e.span.start as usize, indent);
        self.chain(e, indent, "when ");
    }

    /// Prints `lead` + `e`, breaking a long top-level `and`/`or` chain one operand a line, the
    /// operators right-aligned under the end of `lead`'s keyword.
    fn chain(&mut self, e: &Expr, indent: usize, lead: &str) {
        let one = format!("{lead}{}", expr_to_string(e));
        let op = match &e.kind {
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), ..) => Some(*op),
            _ => None,
        };
        let Some(op) = op.filter(|_| indent + width(&one) > WIDTH) else {
            self.line(indent, &one);
            return;
        };
        let mut operands = Vec::new();
        flatten(e, op, &mut operands);
        let keyword = op.as_str();
        // Right-align the operator with the lead keyword (`when`), or indent two under none.
        let lead_kw = lead.trim_end().len();
        let op_indent = if lead_kw >= keyword.len() {
            indent + lead_kw - keyword.len()
        } else {
            indent
        };
        for (i, operand) in operands.iter().enumerate() {
            let text = expr_to_string_prec(operand, if op == BinOp::And { 3 } else { 2 });
            if i == 0 {
                self.line(indent, &format!("{lead}{text}"));
            } else {
                self.line(op_indent, &format!("{keyword} {text}"));
            }
        }
    }

    fn rule(&mut self, r: &RuleDecl) {
        let mut head = format!("{}{}", prefix(r.replaces), r.role.keyword());
        if let Some(n) = &r.name {
            let _ = write!(head, " {}", n.name);
        }
        if !r.over.is_empty() {
            let _ = write!(head, " over {}", names(&r.over));
        }
        let _ = write!(head, " on {}", names(&r.kinds));
        if !r.cites.is_empty() {
            let _ = write!(head, " cites {}", cites_str(&r.cites));
        }
        self.line(0, &head);
        if let Some(c) = &r.consistent {
            self.with_text(
                2,
                &format!(
                    "consistent with {}",
                    cites_str(std::slice::from_ref(&c.cite))
                ),
                &quote(&c.note.value),
                4,
            );
        }
        if let Some(w) = &r.when {
            self.condition(w, 2);
        }
        match &r.outcome.effect {
            Some((effect, code, text)) => {
                self.comments_before(code.span.start as usize, 2);
                let one = format!(
                    "=> {} {} {}",
                    effect.as_str(),
                    code.name,
                    quote(&text.value)
                );
                if 2 + width(&one) <= WIDTH {
                    self.line(2, &one);
                } else {
                    self.line(2, &format!("=> {} {}", effect.as_str(), code.name));
                    self.line(7, &quote(&text.value));
                }
                for part in &r.outcome.parts {
                    self.part(part, 5);
                }
            }
            None => {
                let mut parts = r.outcome.parts.iter();
                if let Some(first) = parts.next() {
                    // `=> finding …`: the first part shares the arrow's line.
                    let text = part_line(first);
                    self.comments_before(part_start(first), 2);
                    self.with_text(2, &format!("=> {}", text.0), &text.1, 7);
                }
                for part in parts {
                    self.part(part, 5);
                }
                if r.outcome.parts.is_empty() {
                    self.line(2, "=>");
                }
            }
        }
    }

    fn part(&mut self, part: &OutcomePart, indent: usize) {
        self.comments_before(part_start(part), indent);
        let (head, tail) = part_line(part);
        // A deadline too long for one line puts `met by …` on a line of its own.
        if let (
            OutcomePart::Deadline {
                met_by: Some(m), ..
            },
            true,
        ) = (part, indent + width(&head) > WIDTH)
        {
            let met = format!("met by {}", expr_to_string(m));
            let short = head
                .strip_suffix(&format!(" {met}"))
                .unwrap_or(&head)
                .to_string();
            self.line(indent, &short);
            self.line(indent + 2, &met);
            self.line(indent + 2, &tail);
            return;
        }
        self.with_text(indent, &head, &tail, indent + 2);
    }

    /// `head tail` on one line if it fits, else `tail` (the string and citations) on the next.
    fn with_text(&mut self, indent: usize, head: &str, tail: &str, next_indent: usize) {
        let one = format!("{head} {tail}");
        if indent + width(&one) <= WIDTH {
            self.line(indent, &one);
        } else {
            self.line(indent, head);
            self.line(next_indent, tail);
        }
    }

    fn test(&mut self, t: &TestDecl) {
        self.line(0, &format!("test {} {{", quote(&t.name.value)));
        enum Entry<'a> {
            Facts(&'a Str),
            Request(&'a TestRequest),
            Expect(&'a Expect),
        }
        let mut entries: Vec<(usize, Entry<'_>)> = Vec::new();
        if let Some(f) = &t.facts {
            entries.push((f.span.start as usize, Entry::Facts(f)));
        }
        if let Some(r) = &t.request {
            entries.push((r.span.start as usize, Entry::Request(r)));
        }
        entries.extend(
            t.expects
                .iter()
                .map(|e| (e.span.start as usize, Entry::Expect(e))),
        );
        entries.sort_by_key(|(s, _)| *s);
        for (start, e) in entries {
            self.comments_before(start, 2);
            match e {
                Entry::Facts(f) => self.line(2, &format!("facts {}", quote(&f.value))),
                Entry::Request(r) => {
                    let fields: Vec<String> = r
                        .fields
                        .iter()
                        .map(|(k, v)| format!("{} {}", k.name, literal(v)))
                        .collect();
                    let one = format!("request {} {{ {} }}", r.kind.name, fields.join(", "));
                    if 2 + width(&one) <= WIDTH {
                        self.line(2, &one);
                    } else {
                        self.line(2, &format!("request {} {{", r.kind.name));
                        let n = fields.len();
                        for (i, f) in fields.iter().enumerate() {
                            self.line(4, &format!("{f}{}", if i + 1 < n { "," } else { "" }));
                        }
                        self.line(2, "}");
                    }
                }
                Entry::Expect(x) => self.line(2, &format!("expect {}", expect_str(&x.kind))),
            }
        }
        self.close(t.span, 0);
    }
}

/// Whether `item` may sit right under `prev` without a blank line (when the author wrote it
/// so): one-line declarations of the same sort.
fn groups_with(prev: Option<&Item>, item: &Item) -> bool {
    matches!(
        (prev, item),
        (Some(Item::Param(_)), Item::Param(_))
            | (Some(Item::Fact(_)), Item::Fact(_))
            | (Some(Item::Kind(_)), Item::Kind(_))
            | (
                Some(Item::Value(ValueDecl {
                    body: ValueBody::Expr(_),
                    ..
                })),
                Item::Value(ValueDecl {
                    body: ValueBody::Expr(_),
                    ..
                })
            )
    )
}

fn part_start(p: &OutcomePart) -> usize {
    match p {
        OutcomePart::Reason { code, .. }
        | OutcomePart::Obligation { code, .. }
        | OutcomePart::Deadline { code, .. }
        | OutcomePart::Remedy { code, .. }
        | OutcomePart::Finding { code, .. } => code.span.start as usize,
    }
}

/// A part as its head (keyword … up to the string) and tail (the string and citations).
fn part_line(p: &OutcomePart) -> (String, String) {
    let tail = |text: &Str, cites: &[Citation]| {
        let mut t = quote(&text.value);
        if !cites.is_empty() {
            let _ = write!(t, " cites {}", cites_str(cites));
        }
        t
    };
    match p {
        OutcomePart::Reason { code, text, cites } => {
            (format!("reason {}", code.name), tail(text, cites))
        }
        OutcomePart::Obligation {
            code,
            party,
            party_as,
            until,
            text,
            cites,
        } => {
            let mut h = format!("obligation {} on {}", code.name, party.name);
            if let Some(v) = party_as {
                let _ = write!(h, " as {}", v.name);
            }
            if let Some(u) = until {
                let _ = write!(h, " until {}", expr_to_string(u));
            }
            (h, tail(text, cites))
        }
        OutcomePart::Deadline {
            code,
            party,
            party_as,
            within,
            from,
            as_of,
            met_by,
            text,
            cites,
        } => {
            let mut h = format!("deadline {} on {}", code.name, party.name);
            if let Some(v) = party_as {
                let _ = write!(h, " as {}", v.name);
            }
            let _ = write!(
                h,
                " within {} from {}",
                expr_to_string(within),
                expr_to_string(from)
            );
            if let Some(a) = as_of {
                let _ = write!(h, " as of {}", expr_to_string(a));
            }
            if let Some(m) = met_by {
                let _ = write!(h, " met by {}", expr_to_string(m));
            }
            (h, tail(text, cites))
        }
        OutcomePart::Remedy { code, text, cites } => {
            (format!("remedy {}", code.name), tail(text, cites))
        }
        OutcomePart::Finding {
            code,
            severity,
            subject,
            text,
            cites,
        } => (
            format!(
                "finding {} {} on {}",
                code.name,
                severity.as_str(),
                expr_to_string(subject)
            ),
            tail(text, cites),
        ),
    }
}

fn flatten<'e>(e: &'e Expr, op: BinOp, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary(o, a, b) if *o == op => {
            flatten(a, op, out);
            out.push(b);
        }
        _ => out.push(e),
    }
}

fn prefix(replaces: Option<crate::span::Span>) -> &'static str {
    if replaces.is_some() {
        "override "
    } else {
        ""
    }
}

fn push_doc(s: &mut String, doc: &Option<Str>) {
    if let Some(d) = doc {
        s.push(' ');
        s.push_str(&quote(&d.value));
    }
}

fn names(ids: &[Ident]) -> String {
    ids.iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn type_str(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Named(n) => n.name.clone(),
        TypeExpr::List(inner, _) => format!("[{}]", type_str(inner)),
    }
}

/// A string literal with the escapes the grammar knows.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Citations as written: `§20.2.2, shandong-2019 §?`.
pub fn cites_str(cites: &[Citation]) -> String {
    cites
        .iter()
        .map(|c| {
            if let Some(r) = &c.reading {
                return format!("reading {}", r.name);
            }
            let reg = c
                .regulation
                .as_ref()
                .map(|r| format!("{} ", r.name))
                .unwrap_or_default();
            let path = if c.path.is_empty() {
                "?".to_string()
            } else {
                c.path
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".")
            };
            let version = c.version.map(|d| format!("@{d}")).unwrap_or_default();
            format!("{reg}§{path}{version}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// ` from DATE until DATE` of a paragraph or item, or nothing.
fn text_period(from: Option<(Date, Span)>, until: Option<(Date, Span)>) -> String {
    let mut s = String::new();
    if let Some((d, _)) = from {
        let _ = write!(s, " from {d}");
    }
    if let Some((d, _)) = until {
        let _ = write!(s, " until {d}");
    }
    s
}

fn literal(l: &TestLiteral) -> String {
    match l {
        TestLiteral::Date(d) => d.to_string(),
        TestLiteral::Str(s) => quote(s),
        TestLiteral::Int(i) => i.to_string(),
        TestLiteral::Bool(b) => b.to_string(),
        TestLiteral::Word(w) => w.clone(),
        TestLiteral::List(xs) => format!(
            "[{}]",
            xs.iter().map(literal).collect::<Vec<_>>().join(", ")
        ),
        TestLiteral::Object(fs) => format!(
            "{{ {} }}",
            fs.iter()
                .map(|(k, v)| format!("{} {}", k.name, literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn expect_str(e: &ExpectKind) -> String {
    match e {
        ExpectKind::Effect(effect, reasons) => {
            let mut s = effect.as_str().to_string();
            for r in reasons {
                s.push(' ');
                s.push_str(&r.name);
            }
            s
        }
        ExpectKind::Has(k, code) => format!("{} {}", k.as_str(), code.name),
        ExpectKind::HasNo(k, code) => format!("no {} {}", k.as_str(), code.name),
        ExpectKind::Deadline(code, due, status, party) => {
            let mut s = format!("deadline {} due {due}", code.name);
            if let Some(st) = status {
                let _ = write!(s, " status {}", st.name);
            }
            if let Some(p) = party {
                let _ = write!(s, " party {}", quote(&p.value));
            }
            s
        }
        ExpectKind::Error(code) => format!("error {}", code.name),
        ExpectKind::Tier(k, v) => format!("tier {} {}", k.name, v.name),
    }
}

// ---- expressions ------------------------------------------------------------------------------

/// The expression as one line of policy source, with the fewest parentheses that keep its
/// meaning.
pub fn expr_to_string(e: &Expr) -> String {
    expr_to_string_prec(e, 0)
}

/// The expression as one operand of an `and` chain: an `or`, a quantifier or `each` is
/// parenthesised.
pub fn expr_to_string_in_and(e: &Expr) -> String {
    expr_to_string_prec(e, 3)
}

fn expr_to_string_prec(e: &Expr, min: u8) -> String {
    let mut s = String::new();
    write_expr(e, &mut s, min);
    s
}

fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Quant { .. } | ExprKind::Each { .. } => 0,
        ExprKind::Binary(BinOp::Or, ..) => 1,
        ExprKind::Binary(BinOp::And, ..) => 2,
        ExprKind::Not(_) => 3,
        ExprKind::Binary(BinOp::Add | BinOp::Sub, ..) => 5,
        ExprKind::Binary(..)
        | ExprKind::In { .. }
        | ExprKind::IsMissing(_)
        | ExprKind::Exists(_) => 4,
        _ => 6,
    }
}

fn write_expr(e: &Expr, out: &mut String, min: u8) {
    let p = prec(e);
    let paren = p < min;
    if paren {
        out.push('(');
    }
    match &e.kind {
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Field(b, f) => {
            write_expr(b, out, 6);
            out.push('.');
            out.push_str(&f.name);
        }
        ExprKind::Index(b, k) => {
            write_expr(b, out, 6);
            out.push('[');
            write_expr(k, out, 0);
            out.push(']');
        }
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Int(i) => out.push_str(&i.to_string()),
        ExprKind::Str(s) => out.push_str(&quote(s)),
        ExprKind::Date(d) => out.push_str(&d.to_string()),
        ExprKind::Duration { count, working } => {
            out.push_str(&count.to_string());
            out.push_str(match (working, *count == 1) {
                (true, true) => " working day",
                (true, false) => " working days",
                (false, true) => " day",
                (false, false) => " days",
            });
        }
        ExprKind::Set(xs) | ExprKind::List(xs) => {
            let (open, close) = if matches!(e.kind, ExprKind::Set(_)) {
                ('{', '}')
            } else {
                ('[', ']')
            };
            out.push(open);
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(x, out, 0);
            }
            out.push(close);
        }
        ExprKind::Not(x) => {
            out.push_str("not ");
            write_expr(x, out, 3);
        }
        ExprKind::Binary(op, a, b) => {
            // Comparisons do not chain: both operands bind tighter. And/or/+/- are left-associative.
            let (left, right) = if p == 4 { (5, 5) } else { (p, p + 1) };
            write_expr(a, out, left);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            write_expr(b, out, right);
        }
        ExprKind::IsMissing(x) => {
            write_expr(x, out, 5);
            out.push_str(" is missing");
        }
        ExprKind::Exists(x) => {
            write_expr(x, out, 5);
            out.push_str(" exists");
        }
        ExprKind::In {
            negated,
            elem,
            coll,
        } => {
            write_expr(elem, out, 5);
            out.push_str(if *negated { " not in " } else { " in " });
            write_expr(coll, out, 5);
        }
        ExprKind::Quant {
            all,
            var,
            coll,
            body,
        } => {
            out.push_str(if *all { "all " } else { "any " });
            out.push_str(&var.name);
            out.push_str(" in ");
            write_expr(coll, out, 5);
            // `any x in c` is written without a condition; the parser supplies `true` at the
            // collection's span, which tells it from an explicit `: true`.
            let implicit = matches!(body.kind, ExprKind::Bool(true)) && body.span == coll.span;
            if !implicit {
                out.push_str(": ");
                write_expr(body, out, 0);
            }
        }
        ExprKind::Applies(reg, on) => {
            out.push_str("applies ");
            out.push_str(&reg.name);
            if let Some(d) = on {
                out.push_str(" on ");
                write_expr(d, out, 5);
            }
        }
        ExprKind::Each { var, coll, cond } => {
            out.push_str("each ");
            out.push_str(&var.name);
            out.push_str(" in ");
            write_expr(coll, out, 5);
            out.push_str(" where ");
            write_expr(cond, out, 0);
        }
    }
    if paren {
        out.push(')');
    }
}
