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
use crate::keywords::{ordinal_suffix, KeywordLang, Kw};
use crate::parser::{parse, parse_with_keywords};
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

/// What a citation written `§N.M…` names, for writing it the Chinese way: `Named` for
/// `第N条第M款…`, `NamedItem` for `第N条第M项` (M an item of an article of one paragraph), `None`
/// to keep it as `§` (a plan's numbering, or a citation that cannot be told). Only the
/// compiler knows (`datalex fmt` asks it), since `§45.3` is an item or a paragraph depending on
/// the article.
pub type CiteShape<'a> = &'a dyn Fn(&Citation) -> Option<CiteForm>;

/// How to format.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// The keyword language to write; `None` keeps the file's.
    pub keywords: Option<KeywordLang>,
    /// What `§` citations name, when writing Chinese keywords; without it they stay `§`.
    pub shape: Option<CiteShape<'a>>,
}

/// Formats one policy file, keeping its keyword language.
pub fn format(text: &str) -> Result<String, FormatError> {
    format_with(text, &Options::default())
}

/// Formats one policy file, in the keyword language `options` asks for. Converting changes the
/// keywords and the form of citations (`§20.2` and `第二十条第二款`), never what they name: the
/// output must parse to the same tree, spans and citation forms aside.
pub fn format_with(text: &str, options: &Options<'_>) -> Result<String, FormatError> {
    let (file, diags, lang) = parse_with_keywords(0, text);
    if !diags.is_empty() {
        return Err(FormatError::Syntax(diags));
    }
    let from = lang.unwrap_or(KeywordLang::En);
    let to = options.keywords.unwrap_or(from);
    let convert = options.keywords.is_some();
    let mut p = Printer {
        src: text,
        out: String::new(),
        comments: comments(text),
        next_comment: 0,
        w: Words {
            lang: to,
            shape: if convert { options.shape } else { None },
            convert,
        },
    };
    p.file(&file);
    let out = p.out;
    let (again, diags) = parse(0, &out);
    let same = if convert {
        fingerprint_any_form(&again) == fingerprint_any_form(&file)
    } else {
        fingerprint(&again) == fingerprint(&file)
    };
    if !diags.is_empty() || !same {
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

/// [`fingerprint`] with every citation's form set to `§`: a file and its conversion to the
/// other keyword language agree on it. (That `第四十五条第三项` and `§45.3` name the same
/// provision is the compiler's to know; the conversion asks it, see [`CiteShape`].)
pub fn fingerprint_any_form(file: &File) -> String {
    /// Sets every citation's form to `§`.
    struct AnyForm;
    impl VisitMut<'_> for AnyForm {
        fn visit_citation(&mut self, c: &mut Citation) {
            c.form = CiteForm::Section;
            crate::ast::visit::walk_mut::citation(self, c);
        }
    }
    let mut file = file.clone();
    AnyForm.visit_file(&mut file);
    for item in &mut file.items {
        if let Item::Coverage(c) = item {
            for e in &mut c.entries {
                for (_, form, _) in &mut e.articles {
                    *form = CiteForm::Section;
                }
            }
        }
    }
    fingerprint(&file)
}

/// The keyword language being written, and how citations are converted.
#[derive(Clone, Copy)]
struct Words<'a> {
    lang: KeywordLang,
    shape: Option<CiteShape<'a>>,
    /// Converting: citations take the form of `lang`.
    convert: bool,
}

impl Words<'_> {
    /// English, citations as written: what traces and messages show.
    const EN: Words<'static> = Words {
        lang: KeywordLang::En,
        shape: None,
        convert: false,
    };

    fn k(self, kw: Kw) -> &'static str {
        kw.text(self.lang)
    }

    /// `article 20` or `第二十条`.
    fn ordinal(self, kw: Kw, n: u32) -> String {
        match self.lang {
            KeywordLang::En => format!("{} {n}", kw.en()),
            KeywordLang::Zh => format!("第{}{}", crate::numerals::chinese(n), ordinal_suffix(kw)),
        }
    }

    /// The form to write a citation in.
    fn form(self, c: &Citation) -> CiteForm {
        if !self.convert || c.path.is_empty() {
            return c.form;
        }
        match self.lang {
            KeywordLang::En => CiteForm::Section,
            KeywordLang::Zh if c.form != CiteForm::Section => c.form,
            KeywordLang::Zh => self
                .shape
                .and_then(|shape| shape(c))
                .unwrap_or(CiteForm::Section),
        }
    }
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
    w: Words<'s>,
}

impl<'s> Printer<'s> {
    fn k(&self, kw: Kw) -> &'static str {
        self.w.k(kw)
    }

    fn expr(&self, e: &Expr) -> String {
        expr_in(e, 0, self.w.lang)
    }

    fn cites(&self, cites: &[Citation]) -> String {
        cites_in(cites, self.w)
    }

    /// `override ` before a declaration that replaces one, or nothing.
    fn prefix(&self, replaces: Option<Span>) -> String {
        match replaces {
            Some(_) => format!("{} ", self.k(Kw::Override)),
            None => String::new(),
        }
    }

    /// ` from DATE until DATE` of an article, paragraph or item, or nothing.
    fn text_period(&self, from: Option<(Date, Span)>, until: Option<(Date, Span)>) -> String {
        let mut s = String::new();
        if let Some((d, _)) = from {
            let _ = write!(s, " {} {d}", self.k(Kw::From));
        }
        if let Some((d, _)) = until {
            let _ = write!(s, " {} {d}", self.k(Kw::Until));
        }
        s
    }

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
                    .map(|e| format!(" {} {}", self.k(Kw::Extends), e.name))
                    .unwrap_or_default();
                let l = format!("{} {}{ext}", self.k(Kw::Package), p.name.name);
                self.line(0, &l);
            }
            Item::Regulation(r) => self.regulation(r),
            Item::Enum(e) => {
                let mut head = format!("{} {}", self.k(Kw::Enum), e.name.name);
                if e.ordered {
                    head.push(' ');
                    head.push_str(self.k(Kw::Ordered));
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
                let mut head = format!("{} {}", self.k(Kw::Record), r.name.name);
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
                let mut l = format!("{} {}: {}", self.k(Kw::Fact), f.name.name, type_str(&f.ty));
                if let Some(k) = &f.keyed {
                    let _ = write!(l, " {} {}", self.k(Kw::KeyedBy), k.name);
                }
                push_doc(&mut l, &f.doc);
                self.line(0, &l);
            }
            Item::Kind(k) => {
                let mut l = format!("{} {}: {}", self.k(Kw::Kind), k.name.name, k.request.name);
                push_doc(&mut l, &k.doc);
                self.line(0, &l);
            }
            Item::Labels(x) => {
                let of = match x.of {
                    LabelOf::Role => Kw::LabelRole,
                    LabelOf::Scenario => Kw::LabelScenario,
                };
                self.line(0, &format!("{} {} {{", self.k(Kw::Labels), self.k(of)));
                for e in &x.entries {
                    self.comments_before(e.span.start as usize, 2);
                    self.line(2, &format!("{} {}", e.name.name, quote(&e.label.value)));
                }
                self.close(x.span, 0);
            }
            Item::Param(p) => {
                let mut head = format!(
                    "{}{} {} = {}",
                    self.prefix(p.replaces),
                    self.k(Kw::Param),
                    p.name.name,
                    expr_in(&p.value, 0, self.w.lang)
                );
                if !p.cites.is_empty() {
                    let _ = write!(head, " {} {}", self.k(Kw::Cites), self.cites(&p.cites));
                }
                self.line(0, &head);
                if let Some(doc) = &p.doc {
                    self.line(2, &quote(&doc.value));
                }
            }
            Item::Value(v) => self.value(v),
            Item::Rule(r) => self.rule(r),
            Item::Test(t) => self.test(t),
            Item::Use(u) => {
                let l = format!(
                    "{} {} {} {}",
                    self.k(Kw::Use),
                    u.package.name,
                    self.k(Kw::For),
                    names(&u.kinds)
                );
                self.line(0, &l);
            }
            Item::Scope(sc) => {
                let mut head = format!(
                    "{} {} {} {}",
                    self.k(Kw::Scope),
                    sc.regulation.name,
                    self.k(Kw::On),
                    names(&sc.kinds)
                );
                if !sc.cites.is_empty() {
                    let _ = write!(head, " {} {}", self.k(Kw::Cites), self.cites(&sc.cites));
                }
                self.line(0, &head);
                self.condition(&sc.when, 2);
            }
            Item::Interpretation(x) => {
                let l = format!(
                    "{} {} {} {} {{",
                    self.k(Kw::Interpretation),
                    x.name.name,
                    self.k(Kw::Of),
                    self.cites(&x.of)
                );
                self.line(0, &l);
                self.with_text(2, self.k(Kw::Says), &quote(&x.says.value), 4);
                self.with_text(2, self.k(Kw::Means), &quote(&x.means.value), 4);
                let l = format!(
                    "{} {} {} {}",
                    self.k(Kw::AdoptedBy),
                    quote(&x.adopted_by.value),
                    self.k(Kw::OnDate),
                    x.adopted_on
                );
                self.line(2, &l);
                self.close(x.span, 0);
            }
            Item::Coverage(c) => {
                let l = format!("{} {} {{", self.k(Kw::Coverage), c.regulation.name);
                self.line(0, &l);
                for e in &c.entries {
                    self.comments_before(e.span.start as usize, 2);
                    let refs: Vec<String> = e
                        .articles
                        .iter()
                        .map(|(path, form, span)| {
                            // Written as a citation of the regulation, without its id.
                            let c = Citation {
                                regulation: Some(c.regulation.clone()),
                                path: path.clone(),
                                version: None,
                                form: *form,
                                reading: None,
                                span: *span,
                            };
                            let form = self.w.form(&c);
                            path_str(path, form)
                        })
                        .collect();
                    let status = self.k(if e.decidable {
                        Kw::NotEncoded
                    } else {
                        Kw::NotDecidable
                    });
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
        let l = format!(
            "{} {} {} {{",
            self.k(Kw::Regulation),
            r.id.name,
            quote(&r.title.value)
        );
        self.line(0, &l);
        if let Some(s) = &r.issuer {
            let l = format!("{} {}", self.k(Kw::Issuer), quote(&s.value));
            self.line(2, &l);
        }
        if let Some(s) = &r.number {
            let l = format!("{} {}", self.k(Kw::Number), quote(&s.value));
            self.line(2, &l);
        }
        if let Some(s) = &r.rank {
            let l = format!("{} {}", self.k(Kw::Rank), s.name);
            self.line(2, &l);
        }
        if let Some(s) = &r.territory {
            let l = format!("{} {}", self.k(Kw::Territory), quote(&s.value));
            self.line(2, &l);
        }
        if let Some(f) = &r.in_force {
            let from = match f.from {
                Some(d) => d.to_string(),
                None => self.k(Kw::Unknown).to_string(),
            };
            let mut l = format!("{} {} {from}", self.k(Kw::InForce), self.k(Kw::From));
            if let Some(u) = f.until {
                let _ = write!(l, " {} {u}", self.k(Kw::Until));
            }
            if let Some(n) = &f.note {
                let _ = write!(l, " {}", quote(&n.value));
            }
            self.line(2, &l);
        }
        if let Some(s) = &r.unavailable {
            let l = format!("{} {}", self.k(Kw::TextUnavailable), quote(&s.value));
            self.line(2, &l);
        }
        if let Some(s) = &r.style {
            let l = format!("{} {}", self.k(Kw::Style), s.name);
            self.line(2, &l);
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
                    let l = format!(
                        "{} {}",
                        self.w.ordinal(Kw::Chapter, c.number),
                        quote(&c.title.value)
                    );
                    self.line(2, &l);
                    c.span.end as usize
                }
                Entry::Missing(m) => {
                    let range = if m.from == m.to {
                        m.from.to_string()
                    } else {
                        format!("{}..{}", m.from, m.to)
                    };
                    let l = format!(
                        "{} {range} {}",
                        self.k(Kw::MissingArticles),
                        quote(&m.note.value)
                    );
                    self.line(2, &l);
                    m.span.end as usize
                }
                Entry::Article(a) => self.article(a),
            });
        }
        self.close(r.span, 0);
    }

    /// Prints an article; returns where it ends in the source.
    fn article(&mut self, a: &Article) -> usize {
        let mut partial = self.text_period(a.from, a.until);
        if a.partial {
            partial.push(' ');
            partial.push_str(self.k(Kw::Partial));
        }
        let article = self.w.ordinal(Kw::Article, a.number);
        let mut end = a.span.end as usize;
        if a.single {
            let Some(p) = a.paras.first() else { return end };
            end = end.max(p.span.end as usize);
            let head = format!("{article}{partial} {}", quote(&p.text.value));
            self.text_head(2, &head, &p.defects, !p.items.is_empty());
            if !p.items.is_empty() {
                end = end.max(self.items(&p.items, 4));
                self.line(2, "}");
            }
            return end;
        }
        self.line(2, &format!("{article}{partial} {{"));
        for p in &a.paras {
            self.comments_before(p.span.start as usize, 4);
            end = end.max(p.span.end as usize);
            let head = format!(
                "{}{} {}",
                self.w.ordinal(Kw::Para, p.number),
                self.text_period(p.from, p.until),
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
                "{}{} {}",
                self.w.ordinal(Kw::ItemText, i.number),
                self.text_period(i.from, i.until),
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
            let kind = match d.kind {
                DefectKind::Garbled => Kw::Garbled,
                DefectKind::Duplicated => Kw::Duplicated,
                DefectKind::Target => Kw::Target,
            };
            let mut l = format!("{} {}", self.k(kind), quote(&d.run.value));
            if let Some(r) = &d.reading {
                let _ = write!(l, " {} {}", self.k(Kw::Reads), quote(&r.value));
            }
            if let Some((u, _)) = &d.until {
                let _ = write!(l, " {} {u}", self.k(Kw::Until));
            }
            if k + 1 == defects.len() {
                l.push_str(brace);
            }
            self.line(indent + 2, &l);
        }
    }

    fn value(&mut self, v: &ValueDecl) {
        let mut head = format!(
            "{}{} {}",
            self.prefix(v.replaces),
            self.k(Kw::Value),
            v.name.name
        );
        if let Some(t) = &v.ty {
            let _ = write!(head, ": {}", type_str(t));
        }
        let _ = write!(head, " {} {}", self.k(Kw::On), names(&v.kinds));
        if let Some(r) = &v.reported {
            let _ = write!(head, " {} {}", self.k(Kw::ReportedAs), r.name);
        }
        if !v.cites.is_empty() {
            let _ = write!(head, " {} {}", self.k(Kw::Cites), self.cites(&v.cites));
        }
        match &v.body {
            ValueBody::Expr(e) => {
                let one = format!("{head} = {}", self.expr(e));
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
                let mut d = format!("{} {}", self.k(Kw::Default), self.expr(&default.0));
                if !default.1.is_empty() {
                    let _ = write!(d, " {} {}", self.k(Kw::Cites), self.cites(&default.1));
                }
                self.line(2, &d);
                for x in exceptions {
                    self.comments_before(x.span.start as usize, 2);
                    let mut h = format!("{} {}", self.k(Kw::Exception), x.name.name);
                    if !x.over.is_empty() {
                        let _ = write!(h, " {} {}", self.k(Kw::Over), names(&x.over));
                    }
                    let _ = write!(h, " {} {}", self.k(Kw::Cites), self.cites(&x.cites));
                    self.line(2, &h);
                    self.condition(&x.when, 4);
                    self.comments_before(x.result.span.start as usize, 4);
                    let l = format!("=> {}", self.expr(&x.result));
                    self.line(4, &l);
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
            let l = format!(
                "{} {} {} {} {}",
                self.k(Kw::Each),
                var.name,
                self.k(Kw::In),
                self.expr(coll),
                self.k(Kw::Where)
            );
            self.line(indent, &l);
            self.chain(cond, indent + 2, "");
        } else {
            self.chain(e, indent, "");
        }
    }

    fn condition(&mut self, e: &Expr, indent: usize) {
        self.comments_before(e.span.start as usize, indent);
        let lead = format!("{} ", self.k(Kw::When));
        self.chain(e, indent, &lead);
    }

    /// Prints `lead` + `e`, breaking a long top-level `and`/`or` chain one operand a line, the
    /// operators right-aligned under the end of `lead`'s keyword.
    fn chain(&mut self, e: &Expr, indent: usize, lead: &str) {
        let one = format!("{lead}{}", self.expr(e));
        let op = match &e.kind {
            ExprKind::Chain(_, rest) => rest
                .first()
                .map(|(op, _)| *op)
                .filter(|op| matches!(op, BinOp::And | BinOp::Or)),
            _ => None,
        };
        let Some(op) = op.filter(|_| indent + width(&one) > WIDTH) else {
            self.line(indent, &one);
            return;
        };
        let operands = operands(e);
        let keyword = self.k(op_keyword(op));
        // Right-align the operator with the lead keyword (`when`), or indent two under none.
        let lead_kw = width(lead.trim_end());
        let op_indent = if lead_kw >= width(keyword) {
            indent + lead_kw - width(keyword)
        } else {
            indent
        };
        for (i, operand) in operands.iter().enumerate() {
            let text = expr_in(operand, if op == BinOp::And { 3 } else { 2 }, self.w.lang);
            if i == 0 {
                self.line(indent, &format!("{lead}{text}"));
            } else {
                self.line(op_indent, &format!("{keyword} {text}"));
            }
        }
    }

    fn rule(&mut self, r: &RuleDecl) {
        let role = match r.role {
            RuleRole::Guard => Kw::Guard,
            RuleRole::Rule => Kw::Rule,
            RuleRole::Exception => Kw::Exception,
            RuleRole::Check => Kw::Check,
            RuleRole::Otherwise => Kw::Otherwise,
        };
        let mut head = format!("{}{}", self.prefix(r.replaces), self.k(role));
        if let Some(n) = &r.name {
            let _ = write!(head, " {}", n.name);
        }
        if !r.over.is_empty() {
            let _ = write!(head, " {} {}", self.k(Kw::Over), names(&r.over));
        }
        let _ = write!(head, " {} {}", self.k(Kw::On), names(&r.kinds));
        if !r.cites.is_empty() {
            let _ = write!(head, " {} {}", self.k(Kw::Cites), self.cites(&r.cites));
        }
        self.line(0, &head);
        if let Some(c) = &r.consistent {
            let h = format!(
                "{} {}",
                self.k(Kw::ConsistentWith),
                self.cites(std::slice::from_ref(&c.cite))
            );
            self.with_text(2, &h, &quote(&c.note.value), 4);
        }
        if let Some(w) = &r.when {
            self.condition(w, 2);
        }
        match &r.outcome.effect {
            Some((effect, code, text)) => {
                self.comments_before(code.span.start as usize, 2);
                let effect = self.k(effect_keyword(*effect));
                let one = format!("=> {effect} {} {}", code.name, quote(&text.value));
                if 2 + width(&one) <= WIDTH {
                    self.line(2, &one);
                } else {
                    self.line(2, &format!("=> {effect} {}", code.name));
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
                    let text = part_line(first, self.w);
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
        let (head, tail) = part_line(part, self.w);
        // A deadline too long for one line puts `met by …` on a line of its own.
        if let (
            OutcomePart::Deadline {
                met_by: Some(m), ..
            },
            true,
        ) = (part, indent + width(&head) > WIDTH)
        {
            let met = format!("{} {}", self.k(Kw::MetBy), self.expr(m));
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
        let l = format!("{} {} {{", self.k(Kw::Test), quote(&t.name.value));
        self.line(0, &l);
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
                Entry::Facts(f) => {
                    let l = format!("{} {}", self.k(Kw::Facts), quote(&f.value));
                    self.line(2, &l);
                }
                Entry::Request(r) => {
                    let fields: Vec<String> = r
                        .fields
                        .iter()
                        .map(|(k, v)| format!("{} {}", k.name, literal(v, self.w.lang)))
                        .collect();
                    let request = self.k(Kw::Request);
                    let one = format!("{request} {} {{ {} }}", r.kind.name, fields.join(", "));
                    if 2 + width(&one) <= WIDTH {
                        self.line(2, &one);
                    } else {
                        self.line(2, &format!("{request} {} {{", r.kind.name));
                        let n = fields.len();
                        for (i, f) in fields.iter().enumerate() {
                            self.line(4, &format!("{f}{}", if i + 1 < n { "," } else { "" }));
                        }
                        self.line(2, "}");
                    }
                }
                Entry::Expect(x) => {
                    let l = format!(
                        "{} {}",
                        self.k(Kw::Expect),
                        expect_str(&x.kind, self.w.lang)
                    );
                    self.line(2, &l);
                }
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
fn part_line(p: &OutcomePart, w: Words<'_>) -> (String, String) {
    let tail = |text: &Str, cites: &[Citation]| {
        let mut t = quote(&text.value);
        if !cites.is_empty() {
            let _ = write!(t, " {} {}", w.k(Kw::Cites), cites_in(cites, w));
        }
        t
    };
    let e = |x: &Expr| expr_in(x, 0, w.lang);
    match p {
        OutcomePart::Reason { code, text, cites } => (
            format!("{} {}", w.k(Kw::Reason), code.name),
            tail(text, cites),
        ),
        OutcomePart::Obligation {
            code,
            party,
            party_as,
            until,
            text,
            cites,
        } => {
            let mut h = format!(
                "{} {} {} {}",
                w.k(Kw::Obligation),
                code.name,
                w.k(Kw::OnParty),
                party.name
            );
            if let Some(v) = party_as {
                let _ = write!(h, " {} {}", w.k(Kw::As), v.name);
            }
            if let Some(u) = until {
                let _ = write!(h, " {} {}", w.k(Kw::Until), e(u));
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
            let mut h = format!(
                "{} {} {} {}",
                w.k(Kw::Deadline),
                code.name,
                w.k(Kw::OnParty),
                party.name
            );
            if let Some(v) = party_as {
                let _ = write!(h, " {} {}", w.k(Kw::As), v.name);
            }
            let _ = write!(
                h,
                " {} {} {} {}",
                w.k(Kw::Within),
                e(within),
                w.k(Kw::From),
                e(from)
            );
            if let Some(a) = as_of {
                let _ = write!(h, " {} {}", w.k(Kw::AsOf), e(a));
            }
            if let Some(m) = met_by {
                let _ = write!(h, " {} {}", w.k(Kw::MetBy), e(m));
            }
            (h, tail(text, cites))
        }
        OutcomePart::Remedy { code, text, cites } => (
            format!("{} {}", w.k(Kw::Remedy), code.name),
            tail(text, cites),
        ),
        OutcomePart::Finding {
            code,
            severity,
            subject,
            text,
            cites,
        } => {
            let severity = match severity {
                FindingSeverity::Info => Kw::Info,
                FindingSeverity::Warning => Kw::Warning,
                FindingSeverity::Violation => Kw::Violation,
            };
            (
                format!(
                    "{} {} {} {} {}",
                    w.k(Kw::Finding),
                    code.name,
                    w.k(severity),
                    w.k(Kw::On),
                    e(subject)
                ),
                tail(text, cites),
            )
        }
    }
}

fn effect_keyword(e: Effect) -> Kw {
    match e {
        Effect::Permit => Kw::Permit,
        Effect::Deny => Kw::Deny,
        Effect::Review => Kw::Review,
    }
}

fn op_keyword(op: BinOp) -> Kw {
    if op == BinOp::Or {
        Kw::Or
    } else {
        Kw::And
    }
}

fn part_keyword(k: PartKind) -> Kw {
    match k {
        PartKind::Reason => Kw::Reason,
        PartKind::Obligation => Kw::Obligation,
        PartKind::Finding => Kw::Finding,
        PartKind::Deadline => Kw::Deadline,
        PartKind::Remedy => Kw::Remedy,
        PartKind::Source => Kw::Source,
    }
}

/// The operands of a chain (`a`, `b`, `c` of `a and b and c`), or the expression alone.
fn operands(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Chain(first, rest) => std::iter::once(&**first)
            .chain(rest.iter().map(|(_, x)| x))
            .collect(),
        _ => vec![e],
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
    cites_in(cites, Words::EN)
}

/// Citations as written in `lang`: each in its own form (`§20.2.2`, `第二十条第二款第二项`).
pub fn cites_str_in(cites: &[Citation], lang: KeywordLang) -> String {
    cites_in(
        cites,
        Words {
            lang,
            shape: None,
            convert: false,
        },
    )
}

fn cites_in(cites: &[Citation], w: Words<'_>) -> String {
    cites
        .iter()
        .map(|c| {
            if let Some(r) = &c.reading {
                return format!("{} {}", w.k(Kw::Reading), r.name);
            }
            let reg = c
                .regulation
                .as_ref()
                .map(|r| format!("{} ", r.name))
                .unwrap_or_default();
            let path = path_str(&c.path, w.form(c));
            let version = c.version.map(|d| format!("@{d}")).unwrap_or_default();
            format!("{reg}{path}{version}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `§20.2.2`, `§?`, `第二十条第二款第二项`, `第四十五条第三项`.
fn path_str(path: &[u32], form: CiteForm) -> String {
    let zh = crate::numerals::chinese;
    match (form, path) {
        (_, []) => "§?".to_string(),
        (CiteForm::Section, _) => format!(
            "§{}",
            path.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(".")
        ),
        (CiteForm::NamedItem, [a, i]) => format!("第{}条第{}项", zh(*a), zh(*i)),
        (_, [a, rest @ ..]) => {
            let mut s = format!("第{}条", zh(*a));
            for (n, suffix) in rest.iter().zip(["款", "项"]) {
                let _ = write!(s, "第{}{suffix}", zh(*n));
            }
            s
        }
    }
}

fn literal(l: &TestLiteral, lang: KeywordLang) -> String {
    match l {
        TestLiteral::Date(d) => d.to_string(),
        TestLiteral::Str(s) => quote(s),
        TestLiteral::Int(i) => i.to_string(),
        TestLiteral::Bool(b) => (if *b { Kw::True } else { Kw::False })
            .text(lang)
            .to_string(),
        TestLiteral::Word(w) => w.clone(),
        TestLiteral::List(xs) => format!(
            "[{}]",
            xs.iter()
                .map(|x| literal(x, lang))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        TestLiteral::Object(fs) => format!(
            "{{ {} }}",
            fs.iter()
                .map(|(k, v)| format!("{} {}", k.name, literal(v, lang)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn expect_str(e: &ExpectKind, lang: KeywordLang) -> String {
    let k = |kw: Kw| kw.text(lang);
    match e {
        ExpectKind::Effect(effect, reasons) => {
            let mut s = k(effect_keyword(*effect)).to_string();
            for r in reasons {
                s.push(' ');
                s.push_str(&r.name);
            }
            s
        }
        ExpectKind::Has(kind, code) => format!("{} {}", k(part_keyword(*kind)), code.name),
        ExpectKind::HasNo(kind, code) => {
            format!("{} {} {}", k(Kw::No), k(part_keyword(*kind)), code.name)
        }
        ExpectKind::Deadline(code, due, status, party) => {
            let mut s = format!("{} {} {} {due}", k(Kw::Deadline), code.name, k(Kw::Due));
            if let Some(st) = status {
                // The parser reads a status as its English word.
                let word = [Kw::Met, Kw::Missed, Kw::Open]
                    .into_iter()
                    .find(|w| w.en() == st.name)
                    .map_or(st.name.as_str(), |w| w.text(lang));
                let _ = write!(s, " {} {word}", k(Kw::Status));
            }
            if let Some(p) = party {
                let _ = write!(s, " {} {}", k(Kw::Party), quote(&p.value));
            }
            s
        }
        ExpectKind::Error(code) => format!("{} {}", k(Kw::Error), code.name),
        ExpectKind::Tier(key, v) => format!("{} {} {}", k(Kw::Tier), key.name, v.name),
    }
}

// ---- expressions ------------------------------------------------------------------------------

/// The expression as one line of policy source, with the fewest parentheses that keep its
/// meaning.
pub fn expr_to_string(e: &Expr) -> String {
    expr_in(e, 0, KeywordLang::En)
}

/// [`expr_to_string`] with the keywords of `lang`.
pub fn expr_to_string_lang(e: &Expr, lang: KeywordLang) -> String {
    expr_in(e, 0, lang)
}

/// The expression as one operand of an `and` chain: an `or`, a quantifier or `each` is
/// parenthesised.
pub fn expr_to_string_in_and(e: &Expr) -> String {
    expr_in(e, 3, KeywordLang::En)
}

fn expr_in(e: &Expr, min: u8, lang: KeywordLang) -> String {
    let mut s = String::new();
    write_expr(e, &mut s, min, lang);
    s
}

fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Quant { .. } | ExprKind::Each { .. } => 0,
        ExprKind::Chain(_, rest) => rest
            .first()
            .and_then(|(op, _)| op.chain_level())
            .unwrap_or(6),
        ExprKind::Not(_) => 3,
        ExprKind::Binary(..)
        | ExprKind::In { .. }
        | ExprKind::IsMissing(_)
        | ExprKind::Exists(_) => 4,
        _ => 6,
    }
}

fn write_expr(e: &Expr, out: &mut String, min: u8, lang: KeywordLang) {
    let k = |kw: Kw| kw.text(lang);
    let p = prec(e);
    let paren = p < min;
    if paren {
        out.push('(');
    }
    match &e.kind {
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Field(b, f) => {
            write_expr(b, out, 6, lang);
            out.push('.');
            out.push_str(&f.name);
        }
        ExprKind::Index(b, k) => {
            write_expr(b, out, 6, lang);
            out.push('[');
            write_expr(k, out, 0, lang);
            out.push(']');
        }
        ExprKind::Bool(b) => out.push_str(k(if *b { Kw::True } else { Kw::False })),
        ExprKind::Int(i) => out.push_str(&i.to_string()),
        ExprKind::Str(s) => out.push_str(&quote(s)),
        ExprKind::Date(d) => out.push_str(&d.to_string()),
        ExprKind::Duration { count, working } => {
            out.push_str(&count.to_string());
            out.push(' ');
            out.push_str(k(match (working, *count == 1) {
                (true, true) => Kw::WorkingDay,
                (true, false) => Kw::WorkingDays,
                (false, true) => Kw::Day,
                (false, false) => Kw::Days,
            }));
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
                write_expr(x, out, 0, lang);
            }
            out.push(close);
        }
        ExprKind::Not(x) => {
            out.push_str(k(Kw::Not));
            out.push(' ');
            write_expr(x, out, 3, lang);
        }
        ExprKind::Binary(op, a, b) => {
            // Comparisons do not chain: both operands bind tighter.
            write_expr(a, out, 5, lang);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            write_expr(b, out, 5, lang);
        }
        ExprKind::Chain(first, rest) => {
            // Left-associative, written in a loop: an operand after the first of the same
            // level (`a or (b or c)`) keeps its parentheses.
            write_expr(first, out, p, lang);
            for (op, x) in rest {
                out.push(' ');
                out.push_str(match op {
                    BinOp::And | BinOp::Or => k(op_keyword(*op)),
                    _ => op.as_str(),
                });
                out.push(' ');
                write_expr(x, out, p + 1, lang);
            }
        }
        ExprKind::IsMissing(x) => {
            write_expr(x, out, 5, lang);
            out.push(' ');
            out.push_str(k(Kw::IsMissing));
        }
        ExprKind::Exists(x) => {
            write_expr(x, out, 5, lang);
            out.push(' ');
            out.push_str(k(Kw::Exists));
        }
        ExprKind::In {
            negated,
            elem,
            coll,
        } => {
            write_expr(elem, out, 5, lang);
            out.push(' ');
            out.push_str(k(if *negated { Kw::NotIn } else { Kw::In }));
            out.push(' ');
            write_expr(coll, out, 5, lang);
        }
        ExprKind::Quant {
            all,
            var,
            coll,
            body,
        } => {
            out.push_str(k(if *all { Kw::All } else { Kw::Any }));
            out.push(' ');
            out.push_str(&var.name);
            out.push(' ');
            out.push_str(k(Kw::In));
            out.push(' ');
            write_expr(coll, out, 5, lang);
            // `any x in c` is written without a condition; the parser supplies `true` at the
            // collection's span, which tells it from an explicit `: true`.
            let implicit = matches!(body.kind, ExprKind::Bool(true)) && body.span == coll.span;
            if !implicit {
                out.push_str(": ");
                write_expr(body, out, 0, lang);
            }
        }
        ExprKind::Applies(reg, on) => {
            out.push_str(k(Kw::Applies));
            out.push(' ');
            out.push_str(&reg.name);
            if let Some(d) = on {
                out.push(' ');
                out.push_str(k(Kw::OnDate));
                out.push(' ');
                write_expr(d, out, 5, lang);
            }
        }
        ExprKind::Each { var, coll, cond } => {
            out.push_str(k(Kw::Each));
            out.push(' ');
            out.push_str(&var.name);
            out.push(' ');
            out.push_str(k(Kw::In));
            out.push(' ');
            write_expr(coll, out, 5, lang);
            out.push(' ');
            out.push_str(k(Kw::Where));
            out.push(' ');
            write_expr(cond, out, 0, lang);
        }
    }
    if paren {
        out.push(')');
    }
}
