//! Source text to syntax tree. Parsing never fails: it returns every item it could read and a
//! diagnostic for every item it could not.
//!
//! Recovery works at item boundaries: the text is cut into items at top-level keywords (see
//! [`split_items`]) and each item is parsed on its own, so three broken items give three errors.

use crate::ast::*;
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::error::ParseError;
use crate::span::{FileId, Span};
use pest::iterators::{Pair, Pairs};
use pest::Parser as _;

mod generated {
    #![allow(
        clippy::all,
        clippy::pedantic,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar.pest"]
    pub struct PolicyParser;
}
use generated::{PolicyParser, Rule};

/// Keywords that start a top-level item.
pub const ITEM_KEYWORDS: &[&str] = &[
    "coverage",
    "use",
    "override",
    "package",
    "regulation",
    "enum",
    "record",
    "fact",
    "kind",
    "param",
    "value",
    "guard",
    "rule",
    "exception",
    "check",
    "otherwise",
    "test",
    "scope",
    "interpretation",
];

/// Parses one file. Spans carry `file`.
pub fn parse(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let mut items = Vec::new();
    let mut diags = Vec::new();
    for (start, end) in split_items(text) {
        let chunk = text.get(start..end).unwrap_or("");
        let (item, mut d) = parse_at(file, start, chunk);
        items.extend(item);
        diags.append(&mut d);
    }
    (File { items }, diags)
}

/// Parses one chunk of [`split_items`] on its own: its item (none if it holds only comments or
/// does not parse) and its diagnostics, with spans in file 0 relative to the chunk's start.
///
/// [`crate::rebase::rebase`] and [`crate::rebase::rebase_diagnostic`] move them to the chunk's
/// place in its file; then they are exactly what [`parse`] gives for the whole file. The
/// language server parses this way, so that an edit parses again only the chunks it touched.
pub fn parse_chunk(chunk: &str) -> (Option<Item>, Vec<Diagnostic>) {
    parse_at(0, 0, chunk)
}

/// Parses the chunk that starts at byte `base` of `file`.
fn parse_at(file: FileId, base: usize, chunk: &str) -> (Option<Item>, Vec<Diagnostic>) {
    if chunk.trim().is_empty() || is_only_comments(chunk) {
        return (None, Vec::new());
    }
    let cx = Cx {
        file,
        base,
        soft: std::cell::RefCell::new(Vec::new()),
    };
    let mut item = None;
    let mut diags = Vec::new();
    match PolicyParser::parse(Rule::item_entry, chunk) {
        Ok(mut pairs) => {
            let pair = pairs
                .next()
                .and_then(|entry| entry.into_inner().find(|p| p.as_rule() != Rule::EOI));
            match pair.map(|p| cx.item(p)) {
                Some(Ok(i)) => item = Some(i),
                Some(Err(e)) => diags.push(e.diagnostic()),
                None => diags.push(
                    ParseError::Expected {
                        span: Span::new(file, base, base + chunk.len()),
                        what: "a declaration",
                    }
                    .diagnostic(),
                ),
            }
        }
        Err(e) => diags.push(cx.syntax_error(&e, chunk).diagnostic()),
    }
    diags.extend(cx.soft.take().into_iter().map(ParseError::diagnostic));
    (item, diags)
}

fn is_only_comments(chunk: &str) -> bool {
    chunk
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with("//"))
}

/// Cuts `text` into item chunks `(start, end)`. A chunk starts at a line whose first word is an
/// item keyword, either at brace depth 0 or in column 0 (so an unclosed brace does not swallow
/// the rest of the file). Comments and strings do not count for depth.
pub fn split_items(text: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0usize];
    let mut depth: i64 = 0;
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\t', '\u{3000}', '\u{FEFF}']);
        let column0 = trimmed.len() == line.len();
        let word: String = trimmed
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if offset > 0
            && ITEM_KEYWORDS.contains(&word.as_str())
            && (depth <= 0 || (column0 && word != "exception"))
        {
            starts.push(offset);
            depth = 0;
        }
        depth += brace_delta(line);
        offset += line.len();
    }
    let mut chunks = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(text.len());
        chunks.push((s, e));
    }
    chunks
}

/// What a character of policy source is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lex {
    /// Code.
    Code,
    /// A string literal, its quotes included.
    Str,
    /// A `//` comment, its slashes included, up to the end of the line.
    Comment,
}

/// Every character of `text` with its byte offset and what it is part of. A string ends at its
/// closing quote or, unclosed, at the end of its line (strings are one line in the grammar).
/// The one place that tells strings and comments from code outside the grammar: item
/// splitting, error recovery and the formatter's comments all use it.
pub fn classify(text: &str) -> impl Iterator<Item = (usize, char, Lex)> + '_ {
    let mut chars = text.char_indices().peekable();
    let mut state = Lex::Code;
    let mut escaped = false;
    std::iter::from_fn(move || {
        let (i, c) = chars.next()?;
        let lex = match state {
            Lex::Comment => {
                if c == '\n' {
                    state = Lex::Code;
                    Lex::Code
                } else {
                    Lex::Comment
                }
            }
            Lex::Str => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    state = Lex::Code;
                } else if c == '\n' {
                    state = Lex::Code;
                    return Some((i, c, Lex::Code));
                }
                Lex::Str
            }
            Lex::Code => {
                if c == '"' {
                    state = Lex::Str;
                    Lex::Str
                } else if c == '/' && chars.peek().is_some_and(|(_, n)| *n == '/') {
                    state = Lex::Comment;
                    Lex::Comment
                } else {
                    Lex::Code
                }
            }
        };
        Some((i, c, lex))
    })
}

/// The byte offset of the last `{` in `text` that no `}` closes.
fn unclosed_brace(text: &str) -> Option<usize> {
    let mut open = Vec::new();
    for (i, c, lex) in classify(text) {
        match (c, lex) {
            ('{', Lex::Code) => open.push(i),
            ('}', Lex::Code) => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

/// How much a line opens (`{`, `[`) or closes (`}`, `]`) brackets, strings and comments aside.
fn brace_delta(line: &str) -> i64 {
    classify(line)
        .filter(|(_, _, lex)| *lex == Lex::Code)
        .map(|(_, c, _)| match c {
            '{' | '[' => 1,
            '}' | ']' => -1,
            _ => 0,
        })
        .sum()
}

struct Cx {
    file: FileId,
    base: usize,
    /// Errors found in an item that was still read (an impossible date, a huge number).
    soft: std::cell::RefCell<Vec<ParseError>>,
}

type PResult<T> = Result<T, ParseError>;

impl Cx {
    /// The pair's span, without the whitespace pest includes when a trailing optional part
    /// is absent.
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        let text = p.as_str();
        let trimmed = text
            .trim_end_matches([' ', '\t', '\r', '\n', '\u{3000}'])
            .len();
        Span::new(
            self.file,
            self.base + s.start(),
            self.base + s.start() + trimmed,
        )
    }

    fn bug(&self, p: &Pair<'_, Rule>, what: &'static str) -> ParseError {
        ParseError::Unreadable {
            span: self.span(p),
            what,
        }
    }

    fn syntax_error(&self, e: &pest::error::Error<Rule>, chunk: &str) -> ParseError {
        use pest::error::{ErrorVariant, InputLocation};
        let (start, end) = match e.location {
            InputLocation::Pos(p) => (p, p),
            InputLocation::Span((s, e)) => (s, e),
        };
        // Point at the whole offending token, not an empty position.
        let token_end = if end > start {
            end
        } else {
            let rest = chunk.get(start..).unwrap_or("");
            let len: usize = rest
                .chars()
                .take_while(|c| !c.is_whitespace())
                .map(char::len_utf8)
                .sum::<usize>()
                .max(rest.chars().next().map_or(0, char::len_utf8));
            start + len
        };
        // Reaching the end of the item inside braces means a `{` was never closed: say so, at it.
        if chunk
            .get(start..)
            .is_some_and(|rest| rest.trim().is_empty())
        {
            if let Some(open) = unclosed_brace(chunk) {
                let end = chunk.trim_end().len();
                return ParseError::UnclosedBrace {
                    open: Span::new(self.file, self.base + open, self.base + open + 1),
                    end: Span::new(self.file, self.base + end, self.base + end),
                };
            }
        }
        let span = Span::new(self.file, self.base + start, self.base + token_end);
        let found = chunk
            .get(start..token_end)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        match &e.variant {
            ErrorVariant::ParsingError { positives, .. } => {
                let mut expected: Vec<&'static str> =
                    positives.iter().filter_map(|r| describe(*r)).collect();
                expected.sort_unstable();
                expected.dedup();
                ParseError::Unexpected {
                    span,
                    expected,
                    found,
                }
            }
            ErrorVariant::CustomError { message } => ParseError::Grammar {
                span,
                message: message.clone(),
            },
        }
    }

    fn item(&self, p: Pair<'_, Rule>) -> PResult<Item> {
        Ok(match p.as_rule() {
            Rule::package_decl => Item::Package(self.package(p)?),
            Rule::regulation => Item::Regulation(self.regulation(p)?),
            Rule::enum_decl => Item::Enum(self.enum_decl(p)?),
            Rule::record_decl => Item::Record(self.record(p)?),
            Rule::fact_decl => Item::Fact(self.fact(p)?),
            Rule::kind_decl => Item::Kind(self.kind(p)?),
            Rule::param_decl => Item::Param(self.param(p)?),
            Rule::value_decl => Item::Value(self.value(p)?),
            Rule::guard_decl => Item::Rule(self.rule(p, RuleRole::Guard)?),
            Rule::rule_decl => Item::Rule(self.rule(p, RuleRole::Rule)?),
            Rule::exception_decl => Item::Rule(self.rule(p, RuleRole::Exception)?),
            Rule::check_decl => Item::Rule(self.rule(p, RuleRole::Check)?),
            Rule::otherwise_decl => Item::Rule(self.rule(p, RuleRole::Otherwise)?),
            Rule::test_decl => Item::Test(self.test(p)?),
            Rule::coverage_decl => Item::Coverage(self.coverage(p)?),
            Rule::scope_decl => Item::Scope(self.scope(p)?),
            Rule::interpretation_decl => Item::Interpretation(self.interpretation(p)?),
            Rule::use_decl => {
                let span = self.span(&p);
                let mut it = p.into_inner();
                let package = self.ident(&need(&mut it, span, "a package name")?);
                let kinds = it.map(|k| self.ident(&k)).collect();
                Item::Use(UseDecl {
                    package,
                    kinds,
                    span,
                })
            }
            _ => return Err(self.bug(&p, "a declaration")),
        })
    }

    fn ident(&self, p: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    fn string(&self, p: &Pair<'_, Rule>) -> Str {
        // `string` holds `str_inner`; a `doc` holds a `string`.
        let inner = match p.as_rule() {
            Rule::doc => p
                .clone()
                .into_inner()
                .next()
                .and_then(|s| s.into_inner().next()),
            _ => p.clone().into_inner().next(),
        };
        Str {
            value: unescape(inner.map_or("", |i| i.as_str())),
            span: self.span(p),
        }
    }

    /// A number; one too large is reported and read as 0, so the item still parses.
    fn int(&self, p: &Pair<'_, Rule>) -> PResult<u32> {
        Ok(p.as_str().parse::<u32>().unwrap_or_else(|_| {
            self.soft(ParseError::NumberTooLarge {
                span: self.span(p),
                number: p.as_str().to_string(),
            });
            0
        }))
    }

    /// A date; one that does not exist is reported and read as the earliest date, so the item
    /// still parses and later errors in it are found too.
    fn date(&self, p: &Pair<'_, Rule>) -> PResult<Date> {
        Ok(Date::parse(p.as_str()).unwrap_or_else(|e| {
            self.soft(ParseError::ImpossibleDate {
                span: self.span(p),
                error: e,
            });
            Date::MIN
        }))
    }

    /// Records an error that does not stop the item from being read.
    fn soft(&self, e: ParseError) {
        self.soft.borrow_mut().push(e);
    }

    fn package(&self, p: Pair<'_, Rule>) -> PResult<PackageDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = self.ident(&need(&mut it, span, "a package name")?);
        let extends = it.next().map(|b| self.ident(&b));
        Ok(PackageDecl {
            name,
            extends,
            span,
        })
    }

    fn regulation(&self, p: Pair<'_, Rule>) -> PResult<Regulation> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let id = self.ident(&need(&mut it, span, "a regulation id")?);
        let title = self.string(&need(&mut it, span, "a title")?);
        let mut reg = Regulation {
            id,
            title,
            issuer: None,
            number: None,
            rank: None,
            territory: None,
            in_force: None,
            unavailable: None,
            style: None,
            chapters: Vec::new(),
            articles: Vec::new(),
            missing: Vec::new(),
            span,
        };
        for e in it {
            let espan = self.span(&e);
            match e.as_rule() {
                Rule::reg_issuer => reg.issuer = first(e).map(|s| self.string(&s)),
                Rule::reg_number => reg.number = first(e).map(|s| self.string(&s)),
                Rule::reg_rank => reg.rank = first(e).map(|s| self.ident(&s)),
                Rule::reg_territory => reg.territory = first(e).map(|s| self.string(&s)),
                Rule::reg_in_force => {
                    let mut it = e.into_inner();
                    let start = need(&mut it, espan, "a date or `unknown`")?;
                    let from = match start.as_rule() {
                        Rule::date => Some(self.date(&start)?),
                        _ => None,
                    };
                    let mut until = None;
                    let mut note = None;
                    for x in it {
                        match x.as_rule() {
                            Rule::date => until = Some(self.date(&x)?),
                            _ => note = Some(self.string(&x)),
                        }
                    }
                    reg.in_force = Some(InForce {
                        from,
                        until,
                        note,
                        span: espan,
                    });
                }
                Rule::reg_unavailable => reg.unavailable = first(e).map(|s| self.string(&s)),
                Rule::reg_style => reg.style = first(e).map(|s| self.ident(&s)),
                Rule::chapter => {
                    let mut c = e.into_inner();
                    let number = self.int(&need(&mut c, espan, "a chapter number")?)?;
                    let title = self.string(&need(&mut c, espan, "a chapter title")?);
                    reg.chapters.push(Chapter {
                        number,
                        title,
                        span: espan,
                    });
                }
                Rule::missing => {
                    let parts: Vec<_> = e.into_inner().collect();
                    let (from, to, note) = match parts.as_slice() {
                        [a, n] => (self.int(a)?, self.int(a)?, self.string(n)),
                        [a, b, n] => (self.int(a)?, self.int(b)?, self.string(n)),
                        _ => {
                            return Err(ParseError::Unreadable {
                                span: espan,
                                what: "`missing`",
                            })
                        }
                    };
                    reg.missing.push(Missing {
                        from,
                        to,
                        note,
                        span: espan,
                    });
                }
                Rule::article => {
                    let chapter = reg.chapters.last().map(|c| c.number);
                    reg.articles.push(self.article(e, chapter)?);
                }
                _ => return Err(self.bug(&e, "a regulation entry")),
            }
        }
        Ok(reg)
    }

    fn article(&self, p: Pair<'_, Rule>, chapter: Option<u32>) -> PResult<Article> {
        let span = self.span(&p);
        let mut it = p.into_inner().peekable();
        let num = need(&mut it, span, "an article number")?;
        let number = self.int(&num)?;
        let mut from = None;
        let mut until = None;
        while let Some(x) = it.next_if(|x| matches!(x.as_rule(), Rule::art_from | Rule::art_until))
        {
            let xspan = self.span(&x);
            let rule = x.as_rule();
            let d = first(x).ok_or(ParseError::Expected {
                span: xspan,
                what: "a date",
            })?;
            let d = Some((self.date(&d)?, xspan));
            if rule == Rule::art_from {
                from = d;
            } else {
                until = d;
            }
        }
        let mut partial = false;
        if it.peek().map(|x| x.as_rule()) == Some(Rule::partial) {
            partial = true;
            it.next();
        }
        let body = need(&mut it, span, "the article text")?;
        let head = self.span(&num).to(Span::new(
            self.file,
            span.start as usize,
            span.start as usize,
        ));
        let (paras, single) = match body.as_rule() {
            Rule::article_body => {
                let mut paras = Vec::new();
                for para in body.into_inner() {
                    let pspan = self.span(&para);
                    let mut pi = para.into_inner().peekable();
                    let number = self.int(&need(&mut pi, pspan, "a paragraph number")?)?;
                    let (from, until) = self.text_period(&mut pi)?;
                    let text = self.string(&need(&mut pi, pspan, "the paragraph text")?);
                    let mut defects = Vec::new();
                    let mut items = Vec::new();
                    for x in pi {
                        match x.as_rule() {
                            Rule::defect => defects.push(self.defect(x)?),
                            Rule::items => items = self.items(x)?,
                            _ => return Err(self.bug(&x, "a paragraph")),
                        }
                    }
                    paras.push(Para {
                        number,
                        text,
                        items,
                        from,
                        until,
                        defects,
                        span: pspan,
                    });
                }
                (paras, false)
            }
            Rule::string => {
                let text = self.string(&body);
                let mut defects = Vec::new();
                let mut items = Vec::new();
                for x in it.by_ref() {
                    match x.as_rule() {
                        Rule::defect => defects.push(self.defect(x)?),
                        Rule::items => items = self.items(x)?,
                        _ => return Err(self.bug(&x, "an article")),
                    }
                }
                (
                    vec![Para {
                        number: 1,
                        text,
                        items,
                        from: None,
                        until: None,
                        defects,
                        span,
                    }],
                    true,
                )
            }
            _ => return Err(self.bug(&body, "an article body")),
        };
        Ok(Article {
            number,
            partial,
            from,
            until,
            chapter,
            paras,
            single,
            span: head,
        })
    }

    fn items(&self, p: Pair<'_, Rule>) -> PResult<Vec<ItemText>> {
        let mut out = Vec::new();
        for i in p.into_inner() {
            let span = self.span(&i);
            let mut ii = i.into_inner().peekable();
            let number = self.int(&need(&mut ii, span, "an item number")?)?;
            let (from, until) = self.text_period(&mut ii)?;
            let text = self.string(&need(&mut ii, span, "the item text")?);
            let defects = ii.map(|x| self.defect(x)).collect::<PResult<Vec<_>>>()?;
            out.push(ItemText {
                number,
                text,
                from,
                until,
                defects,
                span,
            });
        }
        Ok(out)
    }

    /// A paragraph's or item's `from DATE` and `until DATE`.
    #[allow(clippy::type_complexity)]
    fn text_period<'i>(
        &self,
        it: &mut std::iter::Peekable<Pairs<'i, Rule>>,
    ) -> PResult<(Option<(Date, Span)>, Option<(Date, Span)>)> {
        let mut from = None;
        let mut until = None;
        while let Some(x) = it.next_if(|x| matches!(x.as_rule(), Rule::art_from | Rule::art_until))
        {
            let xspan = self.span(&x);
            let rule = x.as_rule();
            let d = first(x).ok_or(ParseError::Expected {
                span: xspan,
                what: "a date",
            })?;
            let d = Some((self.date(&d)?, xspan));
            if rule == Rule::art_from {
                from = d;
            } else {
                until = d;
            }
        }
        Ok((from, until))
    }

    /// `garbled "RUN" reads "LIKELY"`, `duplicated "RUN" reads "FIXED"`, `target "RUN" until
    /// DATE`.
    fn defect(&self, p: Pair<'_, Rule>) -> PResult<Defect> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let kind = match need(&mut it, span, "`garbled`, `duplicated` or `target`")?.as_str() {
            "duplicated" => DefectKind::Duplicated,
            "target" => DefectKind::Target,
            _ => DefectKind::Garbled,
        };
        let run = self.string(&need(&mut it, span, "the run of text")?);
        let mut reading = None;
        let mut until = None;
        for x in it {
            match x.as_rule() {
                Rule::string => reading = Some(self.string(&x)),
                Rule::art_until => {
                    let xspan = self.span(&x);
                    let d = first(x).ok_or(ParseError::Expected {
                        span: xspan,
                        what: "a date",
                    })?;
                    until = Some((self.date(&d)?, xspan));
                }
                _ => {}
            }
        }
        match kind {
            DefectKind::Duplicated if reading.is_none() => {
                return Err(ParseError::DuplicationWithoutReading { span });
            }
            DefectKind::Target if until.is_none() => {
                return Err(ParseError::TargetWithoutLastDay { span });
            }
            DefectKind::Target if reading.is_some() => {
                return Err(ParseError::TargetWithReading { span });
            }
            DefectKind::Garbled | DefectKind::Duplicated if until.is_some() => {
                return Err(ParseError::UntilOnRun { span, kind });
            }
            _ => {}
        }
        Ok(Defect {
            kind,
            run,
            reading,
            until,
            span,
        })
    }

    /// `interpretation NAME of §… { says "…" means "…" adopted by "…" on DATE }`
    fn interpretation(&self, p: Pair<'_, Rule>) -> PResult<InterpretationDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = self.ident(&need(&mut it, span, "a name")?);
        let mut of = Vec::new();
        let mut says = None;
        let mut means = None;
        let mut adopted = None;
        for x in it {
            match x.as_rule() {
                Rule::citation => of.extend(self.cites_one(x)?),
                Rule::interp_says => says = first(x).map(|s| self.string(&s)),
                Rule::interp_means => means = first(x).map(|s| self.string(&s)),
                Rule::interp_adopted => {
                    let aspan = self.span(&x);
                    let mut ai = x.into_inner();
                    let by = self.string(&need(&mut ai, aspan, "who adopted it")?);
                    let on = self.date(&need(&mut ai, aspan, "the date it was adopted")?)?;
                    adopted = Some((by, on));
                }
                _ => return Err(self.bug(&x, "an interpretation")),
            }
        }
        let missing = |what: &'static str| ParseError::Expected { span, what };
        let says = says.ok_or_else(|| missing("`says \"…\"`"))?;
        let means = means.ok_or_else(|| missing("`means \"…\"`"))?;
        let (adopted_by, adopted_on) =
            adopted.ok_or_else(|| missing("`adopted by \"…\" on DATE`"))?;
        Ok(InterpretationDecl {
            name,
            of,
            says,
            means,
            adopted_by,
            adopted_on,
            span,
        })
    }

    fn cites(&self, p: Pair<'_, Rule>) -> PResult<Vec<Citation>> {
        let mut out = Vec::new();
        for c in p.into_inner() {
            if c.as_rule() == Rule::reading_ref {
                let span = self.span(&c);
                let name = c
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::ident)
                    .map(|x| self.ident(&x))
                    .ok_or(ParseError::Expected {
                        span,
                        what: "the interpretation's name",
                    })?;
                out.push(Citation {
                    regulation: None,
                    path: Vec::new(),
                    version: None,
                    reading: Some(name),
                    span,
                });
                continue;
            }
            out.extend(self.cites_one(c)?);
        }
        Ok(out)
    }

    fn scope(&self, p: Pair<'_, Rule>) -> PResult<ScopeDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let regulation = self.ident(&need(&mut it, span, "a regulation id")?);
        let mut kinds = Vec::new();
        let mut cites = Vec::new();
        let mut when = None;
        for e in it {
            match e.as_rule() {
                Rule::on_kinds => kinds = self.idents(e),
                Rule::cites => cites = self.cites(e)?,
                Rule::expr => when = Some(self.expr(e)?),
                _ => return Err(self.bug(&e, "a scope")),
            }
        }
        let when = when.ok_or(ParseError::Expected {
            span,
            what: "`when CONDITION`",
        })?;
        Ok(ScopeDecl {
            regulation,
            kinds,
            cites,
            when,
            span,
        })
    }

    fn consistent(&self, p: Pair<'_, Rule>) -> PResult<Consistent> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let c = need(&mut it, span, "a citation")?;
        let cite = self.cites_one(c)?.ok_or(ParseError::Expected {
            span,
            what: "a citation",
        })?;
        let note = self.string(&need(&mut it, span, "why the rules agree")?);
        Ok(Consistent { cite, note, span })
    }

    /// One `citation` pair.
    fn cites_one(&self, c: Pair<'_, Rule>) -> PResult<Option<Citation>> {
        let span = self.span(&c);
        let mut regulation = None;
        let mut path = Vec::new();
        let mut version = None;
        for part in c.into_inner() {
            match part.as_rule() {
                Rule::reg_id => regulation = Some(self.ident(&part)),
                Rule::cite_unknown => {}
                Rule::cite_version => {
                    if let Some(d) = first(part) {
                        version = Some(self.date(&d)?);
                    }
                }
                Rule::cite_path => {
                    for n in part.into_inner() {
                        path.push(self.int(&n)?);
                    }
                }
                _ => return Err(self.bug(&part, "a citation")),
            }
        }
        Ok(Some(Citation {
            regulation,
            path,
            version,
            reading: None,
            span,
        }))
    }

    fn enum_decl(&self, p: Pair<'_, Rule>) -> PResult<EnumDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = self.ident(&need(&mut it, span, "an enum name")?);
        let mut decl = EnumDecl {
            name,
            ordered: false,
            doc: None,
            members: Vec::new(),
            ties: Vec::new(),
            span,
        };
        for e in it {
            match e.as_rule() {
                Rule::ordered => decl.ordered = true,
                Rule::doc => decl.doc = Some(self.string(&e)),
                Rule::enum_member => {
                    let mut m = e.into_inner();
                    let mname = self.ident(&need(&mut m, span, "a member name")?);
                    let mut doc = None;
                    for x in m {
                        match x.as_rule() {
                            Rule::ident => decl.ties.push((decl.members.len(), self.ident(&x))),
                            _ => doc = Some(self.string(&x)),
                        }
                    }
                    decl.members.push((mname, doc));
                }
                _ => return Err(self.bug(&e, "an enum")),
            }
        }
        Ok(decl)
    }

    fn type_expr(&self, p: Pair<'_, Rule>) -> PResult<TypeExpr> {
        let span = self.span(&p);
        let inner = first(p).ok_or(ParseError::Expected {
            span,
            what: "a type",
        })?;
        match inner.as_rule() {
            Rule::ident => Ok(TypeExpr::Named(self.ident(&inner))),
            Rule::list_type => {
                let ispan = self.span(&inner);
                let elem = first(inner).ok_or(ParseError::Expected {
                    span: ispan,
                    what: "a type",
                })?;
                Ok(TypeExpr::List(Box::new(self.type_expr(elem)?), ispan))
            }
            _ => Err(self.bug(&inner, "a type")),
        }
    }

    fn record(&self, p: Pair<'_, Rule>) -> PResult<RecordDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = self.ident(&need(&mut it, span, "a record name")?);
        let mut decl = RecordDecl {
            name,
            doc: None,
            fields: Vec::new(),
            span,
        };
        for e in it {
            match e.as_rule() {
                Rule::doc => decl.doc = Some(self.string(&e)),
                Rule::field_decl => {
                    let fspan = self.span(&e);
                    let mut f = e.into_inner();
                    let fname = self.ident(&need(&mut f, fspan, "a field name")?);
                    let ty = self.type_expr(need(&mut f, fspan, "a field type")?)?;
                    let doc = f.next().map(|d| self.string(&d));
                    decl.fields.push(FieldDecl {
                        name: fname,
                        ty,
                        doc,
                    });
                }
                _ => return Err(self.bug(&e, "a record")),
            }
        }
        Ok(decl)
    }

    fn fact(&self, p: Pair<'_, Rule>) -> PResult<FactDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = self.ident(&need(&mut it, span, "a fact name")?);
        let ty = self.type_expr(need(&mut it, span, "a type")?)?;
        let mut decl = FactDecl {
            name,
            ty,
            keyed: None,
            doc: None,
            span,
        };
        for e in it {
            match e.as_rule() {
                Rule::keyed => decl.keyed = first(e).map(|k| self.ident(&k)),
                Rule::doc => decl.doc = Some(self.string(&e)),
                _ => return Err(self.bug(&e, "a fact")),
            }
        }
        Ok(decl)
    }

    fn kind(&self, p: Pair<'_, Rule>) -> PResult<KindDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = self.ident(&need(&mut it, span, "a kind name")?);
        let request = self.ident(&need(&mut it, span, "a request record")?);
        let doc = it.next().map(|d| self.string(&d));
        Ok(KindDecl {
            name,
            request,
            doc,
            span,
        })
    }

    fn param(&self, p: Pair<'_, Rule>) -> PResult<ParamDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner().peekable();
        let replaces = self.replaces(&mut it);
        let name = self.ident(&need(&mut it, span, "a param name")?);
        let value = self.expr(need(&mut it, span, "a value")?)?;
        let mut cites = Vec::new();
        let mut doc = None;
        for x in it {
            match x.as_rule() {
                Rule::cites => cites = self.cites(x)?,
                _ => doc = Some(self.string(&x)),
            }
        }
        Ok(ParamDecl {
            replaces,
            name,
            value,
            cites,
            doc,
            span,
        })
    }

    /// A leading `override`, if there is one.
    fn replaces<'i>(&self, it: &mut std::iter::Peekable<Pairs<'i, Rule>>) -> Option<Span> {
        let p = it.next_if(|p| p.as_rule() == Rule::override_kw)?;
        Some(self.span(&p))
    }

    fn idents(&self, p: Pair<'_, Rule>) -> Vec<Ident> {
        p.into_inner().map(|i| self.ident(&i)).collect()
    }

    fn value(&self, p: Pair<'_, Rule>) -> PResult<ValueDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner().peekable();
        let replaces = self.replaces(&mut it);
        let name = self.ident(&need(&mut it, span, "a value name")?);
        let mut ty = None;
        let mut kinds = Vec::new();
        let mut reported = None;
        let mut cites = Vec::new();
        let mut body = None;
        for e in it {
            match e.as_rule() {
                Rule::type_expr => ty = Some(self.type_expr(e)?),
                Rule::on_kinds => kinds = self.idents(e),
                Rule::reported => reported = first(e).map(|k| self.ident(&k)),
                Rule::cites => cites = self.cites(e)?,
                Rule::expr => body = Some(ValueBody::Expr(self.expr(e)?)),
                Rule::value_block => body = Some(self.value_block(e)?),
                _ => return Err(self.bug(&e, "a value")),
            }
        }
        let body = body.ok_or(ParseError::Expected {
            span,
            what: "a value definition",
        })?;
        Ok(ValueDecl {
            replaces,
            name,
            ty,
            kinds,
            reported,
            cites,
            body,
            span,
        })
    }

    fn value_block(&self, p: Pair<'_, Rule>) -> PResult<ValueBody> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let d = need(&mut it, span, "a default")?;
        let dspan = self.span(&d);
        let mut di = d.into_inner();
        let dexpr = self.expr(need(&mut di, dspan, "the default value")?)?;
        let dcites = match di.next() {
            Some(c) => self.cites(c)?,
            None => Vec::new(),
        };
        let mut exceptions = Vec::new();
        for e in it {
            let espan = self.span(&e);
            let mut ei = e.into_inner();
            let name = self.ident(&need(&mut ei, espan, "an exception name")?);
            let mut over = Vec::new();
            let mut cites = Vec::new();
            let mut exprs = Vec::new();
            let mut parts = Vec::new();
            for x in ei {
                match x.as_rule() {
                    Rule::over => over = self.idents(x),
                    Rule::cites => cites = self.cites(x)?,
                    Rule::expr => exprs.push(self.expr(x)?),
                    _ => parts.push(self.outcome_part(x)?),
                }
            }
            let mut exprs = exprs.into_iter();
            let (Some(when), Some(result)) = (exprs.next(), exprs.next()) else {
                return Err(ParseError::Expected {
                    span: espan,
                    what: "`when CONDITION => VALUE`",
                });
            };
            exceptions.push(ValueException {
                name,
                over,
                cites,
                when,
                result,
                parts,
                span: espan,
            });
        }
        Ok(ValueBody::Block {
            default: (dexpr, dcites),
            exceptions,
        })
    }

    fn rule(&self, p: Pair<'_, Rule>, role: RuleRole) -> PResult<RuleDecl> {
        let span = self.span(&p);
        let mut decl = RuleDecl {
            replaces: None,
            role,
            name: None,
            over: Vec::new(),
            kinds: Vec::new(),
            cites: Vec::new(),
            consistent: None,
            when: None,
            outcome: Outcome {
                effect: None,
                parts: Vec::new(),
            },
            head: span,
            span,
        };
        for e in p.into_inner() {
            match e.as_rule() {
                Rule::ident => {
                    let name = self.ident(&e);
                    decl.head = Span::new(self.file, span.start as usize, name.span.end as usize);
                    decl.name = Some(name);
                }
                Rule::override_kw => decl.replaces = Some(self.span(&e)),
                Rule::over => decl.over = self.idents(e),
                Rule::on_kinds => decl.kinds = self.idents(e),
                Rule::cites => decl.cites = self.cites(e)?,
                Rule::consistent => decl.consistent = Some(self.consistent(e)?),
                Rule::expr => decl.when = Some(self.expr(e)?),
                Rule::outcome => decl.outcome = self.outcome(e)?,
                _ => return Err(self.bug(&e, "a rule")),
            }
        }
        if role == RuleRole::Otherwise {
            decl.head = Span::new(
                self.file,
                span.start as usize,
                span.start as usize + "otherwise".len(),
            );
        }
        Ok(decl)
    }

    /// `as VALUE` after a party, if there.
    fn party_as(&self, it: &mut std::iter::Peekable<Pairs<'_, Rule>>) -> Option<Ident> {
        let p = it.next_if(|x| x.as_rule() == Rule::party_as)?;
        first(p).map(|v| self.ident(&v))
    }

    fn outcome(&self, p: Pair<'_, Rule>) -> PResult<Outcome> {
        let span = self.span(&p);
        let mut it = p.into_inner().peekable();
        let mut effect = None;
        if it.peek().map(|x| x.as_rule()) == Some(Rule::effect) {
            let e = need(&mut it, span, "an effect")?;
            let eff = match e.as_str() {
                "permit" => Effect::Permit,
                "review" => Effect::Review,
                _ => Effect::Deny,
            };
            let code = self.ident(&need(&mut it, span, "a reason code")?);
            let text = self.string(&need(&mut it, span, "a reason text")?);
            effect = Some((eff, code, text));
        }
        let mut parts = Vec::new();
        for x in it {
            parts.push(self.outcome_part(x)?);
        }
        Ok(Outcome { effect, parts })
    }

    fn outcome_part(&self, p: Pair<'_, Rule>) -> PResult<OutcomePart> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut it = p.into_inner().peekable();
        let code = self.ident(&need(&mut it, span, "a code")?);
        let trailing_cites =
            |it: &mut std::iter::Peekable<Pairs<'_, Rule>>| -> PResult<Vec<Citation>> {
                match it.next() {
                    Some(c) => self.cites(c),
                    None => Ok(Vec::new()),
                }
            };
        Ok(match rule {
            Rule::reason_part => {
                let text = self.string(&need(&mut it, span, "a reason text")?);
                OutcomePart::Reason {
                    code,
                    text,
                    cites: trailing_cites(&mut it)?,
                }
            }
            Rule::obligation_part => {
                let party = self.ident(&need(&mut it, span, "a party")?);
                let party_as = self.party_as(&mut it);
                let mut until = None;
                if it.peek().map(|x| x.as_rule()) == Some(Rule::until) {
                    let u = need(&mut it, span, "a date")?;
                    let uspan = self.span(&u);
                    until = Some(self.expr(first(u).ok_or(ParseError::Expected {
                        span: uspan,
                        what: "a date",
                    })?)?);
                }
                let text = self.string(&need(&mut it, span, "the obligation text")?);
                OutcomePart::Obligation {
                    code,
                    party,
                    party_as,
                    until,
                    text,
                    cites: trailing_cites(&mut it)?,
                }
            }
            Rule::deadline_part => {
                let party = self.ident(&need(&mut it, span, "a party")?);
                let party_as = self.party_as(&mut it);
                let within = self.expr(need(&mut it, span, "a duration")?)?;
                let from = self.expr(need(&mut it, span, "a start date")?)?;
                let mut as_of = None;
                if let Some(a) = it.next_if(|x| x.as_rule() == Rule::as_of) {
                    let aspan = self.span(&a);
                    let date = first(a).ok_or(ParseError::Expected {
                        span: aspan,
                        what: "a date",
                    })?;
                    as_of = Some(Box::new(self.expr(date)?));
                }
                let mut met_by = None;
                if it.peek().map(|x| x.as_rule()) == Some(Rule::met_by) {
                    let m = need(&mut it, span, "a date")?;
                    let mspan = self.span(&m);
                    met_by = Some(self.expr(first(m).ok_or(ParseError::Expected {
                        span: mspan,
                        what: "a date",
                    })?)?);
                }
                let text = self.string(&need(&mut it, span, "the deadline text")?);
                OutcomePart::Deadline {
                    code,
                    party,
                    party_as,
                    within,
                    from,
                    as_of,
                    met_by,
                    text,
                    cites: trailing_cites(&mut it)?,
                }
            }
            Rule::remedy_part => {
                let text = self.string(&need(&mut it, span, "the remedy text")?);
                OutcomePart::Remedy {
                    code,
                    text,
                    cites: trailing_cites(&mut it)?,
                }
            }
            Rule::finding_part => {
                let sev = need(&mut it, span, "a severity")?;
                let severity = match sev.as_str() {
                    "info" => FindingSeverity::Info,
                    "warning" => FindingSeverity::Warning,
                    _ => FindingSeverity::Violation,
                };
                let subject = self.expr(need(&mut it, span, "a subject")?)?;
                let text = self.string(&need(&mut it, span, "the finding text")?);
                OutcomePart::Finding {
                    code,
                    severity,
                    subject,
                    text,
                    cites: trailing_cites(&mut it)?,
                }
            }
            _ => {
                return Err(ParseError::Expected {
                    span,
                    what: "a reason, obligation, deadline or finding",
                })
            }
        })
    }

    fn coverage(&self, p: Pair<'_, Rule>) -> PResult<CoverageDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let regulation = self.ident(&need(&mut it, span, "a regulation id")?);
        let mut entries = Vec::new();
        for e in it {
            let espan = self.span(&e);
            let mut articles = Vec::new();
            let mut decidable = true;
            let mut reason = None;
            for x in e.into_inner() {
                match x.as_rule() {
                    Rule::coverage_ref => {
                        let rspan = self.span(&x);
                        let mut path = Vec::new();
                        for n in x.into_inner().flat_map(Pair::into_inner) {
                            path.push(self.int(&n)?);
                        }
                        articles.push((path, rspan));
                    }
                    Rule::coverage_status => decidable = x.as_str() != "not_decidable",
                    _ => reason = Some(self.string(&x)),
                }
            }
            let reason = reason.ok_or(ParseError::Expected {
                span: espan,
                what: "a reason",
            })?;
            entries.push(CoverageEntry {
                articles,
                decidable,
                reason,
                span: espan,
            });
        }
        Ok(CoverageDecl {
            regulation,
            entries,
            span,
        })
    }

    fn test(&self, p: Pair<'_, Rule>) -> PResult<TestDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = self.string(&need(&mut it, span, "a test name")?);
        let mut decl = TestDecl {
            name,
            facts: None,
            request: None,
            expects: Vec::new(),
            span,
        };
        for e in it {
            let espan = self.span(&e);
            match e.as_rule() {
                Rule::test_facts => decl.facts = first(e).map(|s| self.string(&s)),
                Rule::test_request => {
                    let mut ri = e.into_inner();
                    let kind = self.ident(&need(&mut ri, espan, "a request kind")?);
                    let mut fields = Vec::new();
                    for f in ri {
                        let fspan = self.span(&f);
                        let mut fi = f.into_inner();
                        let fname = self.ident(&need(&mut fi, fspan, "a field name")?);
                        let lit = self.test_literal(need(&mut fi, fspan, "a value")?)?;
                        fields.push((fname, lit));
                    }
                    decl.request = Some(TestRequest {
                        kind,
                        fields,
                        span: espan,
                    });
                }
                Rule::test_expect => {
                    let x = first(e).ok_or(ParseError::Expected {
                        span: espan,
                        what: "an expectation",
                    })?;
                    decl.expects.push(Expect {
                        kind: self.expect(x)?,
                        span: espan,
                    });
                }
                _ => return Err(self.bug(&e, "a test")),
            }
        }
        Ok(decl)
    }

    fn test_literal(&self, p: Pair<'_, Rule>) -> PResult<TestLiteral> {
        let span = self.span(&p);
        let inner = if p.as_rule() == Rule::test_literal {
            first(p).ok_or(ParseError::Expected {
                span,
                what: "a value",
            })?
        } else {
            p
        };
        Ok(match inner.as_rule() {
            Rule::date => TestLiteral::Date(self.date(&inner)?),
            Rule::string => TestLiteral::Str(self.string(&inner).value),
            Rule::int => TestLiteral::Int(i64::from(self.int(&inner)?)),
            Rule::bool_lit => TestLiteral::Bool(inner.as_str() == "true"),
            Rule::ident => TestLiteral::Word(inner.as_str().to_string()),
            Rule::test_object => {
                let mut fields = Vec::new();
                for f in inner.into_inner() {
                    let fspan = self.span(&f);
                    let mut fi = f.into_inner();
                    let name = self.ident(&need(&mut fi, fspan, "a field name")?);
                    fields.push((name, self.test_literal(need(&mut fi, fspan, "a value")?)?));
                }
                TestLiteral::Object(fields)
            }
            Rule::test_list => TestLiteral::List(
                inner
                    .into_inner()
                    .map(|x| self.test_literal(x))
                    .collect::<PResult<_>>()?,
            ),
            _ => return Err(self.bug(&inner, "a test value")),
        })
    }

    fn expect(&self, p: Pair<'_, Rule>) -> PResult<ExpectKind> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut it = p.into_inner();
        let part_kind = |s: &str| match s {
            "reason" => PartKind::Reason,
            "obligation" => PartKind::Obligation,
            "finding" => PartKind::Finding,
            "remedy" => PartKind::Remedy,
            "source" => PartKind::Source,
            _ => PartKind::Deadline,
        };
        Ok(match rule {
            Rule::expect_effect => {
                let e = need(&mut it, span, "an effect")?;
                let eff = match e.as_str() {
                    "permit" => Effect::Permit,
                    "review" => Effect::Review,
                    _ => Effect::Deny,
                };
                ExpectKind::Effect(eff, it.map(|i| self.ident(&i)).collect())
            }
            Rule::expect_part => {
                let k = need(&mut it, span, "a part")?;
                ExpectKind::Has(
                    part_kind(k.as_str()),
                    self.ident(&need(&mut it, span, "a code")?),
                )
            }
            Rule::expect_no => {
                let k = need(&mut it, span, "a part")?;
                ExpectKind::HasNo(
                    part_kind(k.as_str()),
                    self.ident(&need(&mut it, span, "a code")?),
                )
            }
            Rule::expect_deadline => {
                let code = self.ident(&need(&mut it, span, "a deadline code")?);
                let due = self.date(&need(&mut it, span, "a date")?)?;
                let mut status = None;
                let mut party = None;
                for x in it {
                    match x.as_rule() {
                        Rule::deadline_status => status = Some(self.ident(&x)),
                        _ => party = Some(self.string(&x)),
                    }
                }
                ExpectKind::Deadline(code, due, status, party)
            }
            Rule::expect_error => {
                ExpectKind::Error(self.ident(&need(&mut it, span, "an error code")?))
            }
            Rule::expect_tier => {
                let key = self.ident(&need(&mut it, span, "a tier name")?);
                let value = self.ident(&need(&mut it, span, "a tier")?);
                ExpectKind::Tier(key, value)
            }
            _ => {
                return Err(ParseError::Expected {
                    span,
                    what: "an expectation",
                })
            }
        })
    }

    // ---- expressions ----------------------------------------------------------------------

    fn expr(&self, p: Pair<'_, Rule>) -> PResult<Expr> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::expr => {
                let inner = first(p).ok_or(ParseError::Expected {
                    span,
                    what: "an expression",
                })?;
                self.expr(inner)
            }
            Rule::or_expr | Rule::and_expr => {
                let op = if p.as_rule() == Rule::or_expr {
                    BinOp::Or
                } else {
                    BinOp::And
                };
                let mut it = p
                    .into_inner()
                    .filter(|x| !matches!(x.as_rule(), Rule::or_op | Rule::and_op));
                let mut acc = self.expr(need(&mut it, span, "an operand")?)?;
                for rhs in it {
                    let rhs = self.expr(rhs)?;
                    let s = acc.span.to(rhs.span);
                    acc = Expr {
                        kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
                        span: s,
                    };
                }
                Ok(acc)
            }
            Rule::not_expr => {
                let mut it = p.into_inner();
                let first_pair = need(&mut it, span, "an operand")?;
                if first_pair.as_rule() == Rule::not_op {
                    let operand = self.expr(need(&mut it, span, "an operand")?)?;
                    Ok(Expr {
                        kind: ExprKind::Not(Box::new(operand)),
                        span,
                    })
                } else {
                    self.expr(first_pair)
                }
            }
            Rule::cmp_expr => {
                let mut it = p.into_inner();
                let lhs = self.expr(need(&mut it, span, "an operand")?)?;
                let Some(op) = it.next() else { return Ok(lhs) };
                let kind = match op.as_rule() {
                    Rule::is_missing => ExprKind::IsMissing(Box::new(lhs)),
                    Rule::exists_op => ExprKind::Exists(Box::new(lhs)),
                    Rule::in_op => {
                        let negated = first(op).is_some_and(|x| x.as_rule() == Rule::not_in);
                        let coll = self.expr(need(&mut it, span, "a collection")?)?;
                        ExprKind::In {
                            negated,
                            elem: Box::new(lhs),
                            coll: Box::new(coll),
                        }
                    }
                    Rule::cmp_op => {
                        let bop = match op.as_str() {
                            "==" => BinOp::Eq,
                            "!=" => BinOp::Ne,
                            "<" => BinOp::Lt,
                            "<=" => BinOp::Le,
                            ">" => BinOp::Gt,
                            _ => BinOp::Ge,
                        };
                        let rhs = self.expr(need(&mut it, span, "an operand")?)?;
                        ExprKind::Binary(bop, Box::new(lhs), Box::new(rhs))
                    }
                    _ => return Err(self.bug(&op, "a comparison")),
                };
                Ok(Expr { kind, span })
            }
            Rule::sum_expr => {
                let mut it = p.into_inner();
                let mut acc = self.expr(need(&mut it, span, "an operand")?)?;
                while let Some(op) = it.next() {
                    let bop = if op.as_str() == "+" {
                        BinOp::Add
                    } else {
                        BinOp::Sub
                    };
                    let rhs = self.expr(need(&mut it, span, "an operand")?)?;
                    let s = acc.span.to(rhs.span);
                    acc = Expr {
                        kind: ExprKind::Binary(bop, Box::new(acc), Box::new(rhs)),
                        span: s,
                    };
                }
                Ok(acc)
            }
            Rule::postfix => {
                let mut it = p.into_inner();
                let mut acc = self.expr(need(&mut it, span, "an operand")?)?;
                for suffix in it {
                    let sspan = self.span(&suffix);
                    let rule = suffix.as_rule();
                    let inner = first(suffix).ok_or(ParseError::Expected {
                        span: sspan,
                        what: "a name",
                    })?;
                    let s = acc.span.to(sspan);
                    acc = match rule {
                        Rule::field_suffix => Expr {
                            kind: ExprKind::Field(Box::new(acc), self.ident(&inner)),
                            span: s,
                        },
                        _ => Expr {
                            kind: ExprKind::Index(Box::new(acc), Box::new(self.expr(inner)?)),
                            span: s,
                        },
                    };
                }
                Ok(acc)
            }
            Rule::quantifier => {
                let mut it = p.into_inner();
                let all = need(&mut it, span, "`any` or `all`")?.as_str() == "all";
                let var = self.ident(&need(&mut it, span, "a name")?);
                let coll = self.expr(skip_kw(&mut it, span)?)?;
                let body = match it.next() {
                    Some(b) => self.expr(b)?,
                    None if all => return Err(ParseError::AllWithoutCondition { span }),
                    None => Expr {
                        kind: ExprKind::Bool(true),
                        span: coll.span,
                    },
                };
                Ok(Expr {
                    kind: ExprKind::Quant {
                        all,
                        var,
                        coll: Box::new(coll),
                        body: Box::new(body),
                    },
                    span,
                })
            }
            Rule::each_expr => {
                let mut it = p.into_inner().filter(|x| {
                    !matches!(x.as_rule(), Rule::kw_each | Rule::kw_in | Rule::kw_where)
                });
                let var = self.ident(&need(&mut it, span, "a name")?);
                let coll = self.expr(need(&mut it, span, "a collection")?)?;
                let cond = self.expr(need(&mut it, span, "a condition")?)?;
                Ok(Expr {
                    kind: ExprKind::Each {
                        var,
                        coll: Box::new(coll),
                        cond: Box::new(cond),
                    },
                    span,
                })
            }
            Rule::applies => {
                let mut it = p
                    .into_inner()
                    .filter(|x| !matches!(x.as_rule(), Rule::kw_applies | Rule::kw_on));
                let reg = self.ident(&need(&mut it, span, "a regulation id")?);
                let on = match it.next() {
                    Some(d) => Some(Box::new(self.expr(d)?)),
                    None => None,
                };
                Ok(Expr {
                    kind: ExprKind::Applies(reg, on),
                    span,
                })
            }
            Rule::duration => {
                let mut it = p.into_inner();
                let n = need(&mut it, span, "a number")?;
                let count = i64::from(self.int(&n)?);
                let unit = need(&mut it, span, "a unit")?;
                Ok(Expr {
                    kind: ExprKind::Duration {
                        count,
                        working: unit.as_rule() == Rule::working_days,
                    },
                    span,
                })
            }
            Rule::date => Ok(Expr {
                kind: ExprKind::Date(self.date(&p)?),
                span,
            }),
            Rule::int => Ok(Expr {
                kind: ExprKind::Int(i64::from(self.int(&p)?)),
                span,
            }),
            Rule::string => Ok(Expr {
                kind: ExprKind::Str(self.string(&p).value),
                span,
            }),
            Rule::bool_lit => Ok(Expr {
                kind: ExprKind::Bool(p.as_str() == "true"),
                span,
            }),
            Rule::set_lit => Ok(Expr {
                kind: ExprKind::Set(
                    p.into_inner()
                        .map(|x| self.expr(x))
                        .collect::<PResult<_>>()?,
                ),
                span,
            }),
            Rule::list_lit => Ok(Expr {
                kind: ExprKind::List(
                    p.into_inner()
                        .map(|x| self.expr(x))
                        .collect::<PResult<_>>()?,
                ),
                span,
            }),
            Rule::name => Ok(Expr {
                kind: ExprKind::Name(p.as_str().to_string()),
                span,
            }),
            _ => Err(self.bug(&p, "an expression")),
        }
    }
}

fn skip_kw<'i>(it: &mut Pairs<'i, Rule>, span: Span) -> PResult<Pair<'i, Rule>> {
    for p in it.by_ref() {
        if p.as_rule() != Rule::kw_in {
            return Ok(p);
        }
    }
    Err(ParseError::Expected {
        span,
        what: "a collection",
    })
}

fn first(p: Pair<'_, Rule>) -> Option<Pair<'_, Rule>> {
    p.into_inner().next()
}

fn need<'i>(
    it: &mut impl Iterator<Item = Pair<'i, Rule>>,
    span: Span,
    what: &'static str,
) -> PResult<Pair<'i, Rule>> {
    it.next().ok_or(ParseError::Expected { span, what })
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Human names of grammar rules for "expected …" messages; `None` hides a rule.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident | Rule::name => "a name",
        Rule::reg_id => "a regulation id",
        Rule::string | Rule::doc => "a string",
        Rule::int => "a number",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::cites => "`cites`",
        Rule::citation => "a citation such as `§20.2`",
        Rule::on_kinds => "`on KIND`",
        Rule::over => "`over RULE`",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::sum_expr
        | Rule::postfix => "an expression",
        Rule::effect => "an effect (`permit`, `deny`, `review`)",
        Rule::outcome => "an outcome",
        Rule::reason_part => "`reason`",
        Rule::obligation_part => "`obligation`",
        Rule::deadline_part => "`deadline`",
        Rule::finding_part => "`finding`",
        Rule::severity => "a severity (`info`, `warning`, `violation`)",
        Rule::type_expr => "a type",
        Rule::cmp_op => "a comparison",
        Rule::and_op => "`and`",
        Rule::or_op => "`or`",
        Rule::in_op => "`in`",
        Rule::is_missing => "`is missing`",
        Rule::exists_op => "`exists`",
        Rule::add_op => "`+` or `-`",
        Rule::field_suffix => "`.field`",
        Rule::index_suffix => "`[key]`",
        Rule::working_days | Rule::calendar_days => "`days` or `working days`",
        Rule::article => "`article`",
        Rule::para => "`para`",
        Rule::item_text => "`item`",
        Rule::chapter => "`chapter`",
        Rule::missing => "`missing`",
        Rule::reg_issuer
        | Rule::reg_number
        | Rule::reg_rank
        | Rule::reg_territory
        | Rule::reg_in_force
        | Rule::reg_unavailable => "regulation metadata",
        Rule::value_default => "`default`",
        Rule::value_exception => "`exception`",
        Rule::enum_member => "an enum member",
        Rule::field_decl => "a field",
        Rule::test_facts => "`facts`",
        Rule::test_request => "`request`",
        Rule::test_expect => "`expect`",
        Rule::coverage_entry | Rule::coverage_ref => "an article such as `§5`",
        Rule::coverage_status => "`not_decidable` or `not_encoded`",
        Rule::test_field => "a field",
        Rule::test_literal => "a value",
        Rule::EOI => "the end of the declaration",
        Rule::package_decl
        | Rule::regulation
        | Rule::enum_decl
        | Rule::record_decl
        | Rule::fact_decl
        | Rule::kind_decl
        | Rule::param_decl
        | Rule::value_decl
        | Rule::guard_decl
        | Rule::rule_decl
        | Rule::exception_decl
        | Rule::check_decl
        | Rule::otherwise_decl
        | Rule::test_decl => "a declaration",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn items_split_at_top_level_keywords_only() {
        let text = "package p\nvalue v: T on share {\n  default 1\n  exception e cites §1\n    when true => 2\n}\nrule r on share cites §1 when true => permit x \"y\"\n";
        let chunks = split_items(text);
        assert_eq!(chunks.len(), 3, "{chunks:?}");
    }

    #[test]
    fn an_unclosed_brace_does_not_swallow_the_file() {
        let text = "package p\nregulation r \"R\" {\n  article 1 \"一\"\nrule a on share cites §1 when true => permit x \"y\"\n";
        let (file, diags) = parse(0, text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(file.items.len(), 2);
    }

    #[test]
    fn three_broken_items_give_three_errors() {
        let text = "package p\nrule a on share cites when true => permit x \"y\"\nrule b on share cites §1 when => permit x \"y\"\nrule c on share cites §1 when true => allow x \"y\"\nrule d on share cites §1 when true => permit x \"y\"\n";
        let (file, diags) = parse(0, text);
        assert_eq!(diags.len(), 3, "{diags:?}");
        assert!(diags.iter().all(|d| d.code == Code::E0001));
        assert_eq!(file.items.len(), 2, "package and rule d parse");
        let lines: Vec<usize> = diags
            .iter()
            .map(|d| text[..d.span.start as usize].matches('\n').count() + 1)
            .collect();
        assert_eq!(lines, vec![2, 3, 4]);
    }

    #[test]
    fn chinese_names_and_strings() {
        let text =
            "package 滨州\nparam 答复期限 = 10 working days cites 山东-2019 §? \"十个工作日\"\n";
        let (file, diags) = parse(0, text);
        assert!(diags.is_empty(), "{diags:?}");
        match file.items.get(1) {
            Some(Item::Param(p)) => {
                assert_eq!(p.name.name, "答复期限");
                assert_eq!(
                    p.cites
                        .first()
                        .and_then(|c| c.regulation.as_ref())
                        .map(|r| r.name.as_str()),
                    Some("山东-2019")
                );
                assert!(p.cites.first().is_some_and(Citation::is_unknown));
            }
            other => panic!("expected a param, got {other:?}"),
        }
    }

    #[test]
    fn keywords_do_not_eat_names_that_start_with_them() {
        let text = "package p\nrule r on share cites §1 when nothing_known and notable or anyone => permit x \"y\"\n";
        let (_, diags) = parse(0, text);
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn an_impossible_date_is_reported() {
        let (_, diags) = parse(0, "package p\nparam d = 2026-02-30 cites §1\n");
        assert_eq!(
            diags.first().map(|d| d.code),
            Some(Code::E0003),
            "{diags:?}"
        );
    }
}
