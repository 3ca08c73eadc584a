//! The one diagnostic type of Datalex, and its one renderer.
//!
//! Detection and rendering are separate: the parser and the compiler build [`Diagnostic`]s;
//! [`render`] turns them into text with ariadne (the CLI), and the language server converts them
//! to LSP diagnostics. Every diagnostic has a stable code documented in `docs/diagnostics.md`.
//!
//! A diagnostic holds no words: its message, labels and help are [`Message`]s, references into
//! the catalogs (`i18n/locales/*/diagnostics.ftl`), worded only here, at the edge, in the
//! reader's [`Lang`] ([`Diagnostic::text`], [`render`], [`render_short`]).

use crate::message::Message;
use crate::span::{FileId, SourceMap, Span};
use datalex_i18n::{self as i18n, Lang};
use std::fmt::Write as _;
use std::ops::Range;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops compilation.
    Error,
    /// Worth fixing; does not stop compilation.
    Warning,
}

/// What part of a policy a diagnostic is about: the groups of `docs/diagnostics.md`. Code that
/// needs to know what kind of problem it has asks this, never the code's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// The text does not follow the grammar (E00xx); the parser reports these.
    Syntax,
    /// A name that resolves to nothing, or to the wrong thing.
    Name,
    /// A type error in an expression or a declaration.
    Type,
    /// A declaration of the wrong shape, declared twice, or missing a part it needs.
    Declaration,
    /// A citation that names no provision the regulation text has.
    Citation,
    /// A regulation's own text: its numbering, its periods, its quotations.
    Text,
    /// Packages and their layers: `package`, `extends`, `use`, `override`.
    Package,
    /// Something defined in terms of itself: overrides or values in a cycle.
    Cycle,
    /// A lower-rank rule deciding against a higher-rank one (上位法优先).
    Rank,
    /// A declaration nothing uses.
    Unused,
    /// A `coverage` note that contradicts the rules or blames the schema.
    Coverage,
    /// A finding of the conflict and gap analysis of a compiled policy.
    Analysis,
}

/// Declares [`Code`] from one table: each code with its severity and category, so that the
/// three never disagree.
macro_rules! codes {
    ($($(#[doc = $doc:literal])* $code:ident: $severity:ident, $category:ident;)*) => {
        /// The stable code of a diagnostic, documented in `docs/diagnostics.md`. Declared in
        /// the order of their spelling, so that sorting by code sorts as the text does.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $code,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            /// The code as written: `E0104`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// Whether it stops compilation.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$code => Severity::$severity,)*
                }
            }

            /// What part of a policy it is about.
            pub fn category(self) -> Category {
                match self {
                    $(Code::$code => Category::$category,)*
                }
            }
        }
    };
}

codes! {
    /// The text does not follow the grammar.
    E0001: Error, Syntax;
    /// A number is too large.
    E0002: Error, Syntax;
    /// A well-formed date that does not exist.
    E0003: Error, Syntax;
    /// `all` without a condition.
    E0004: Error, Syntax;
    /// A file that mixes English and Chinese keywords.
    E0005: Error, Syntax;
    /// An expression nested too deep.
    E0006: Error, Syntax;
    /// An unknown name.
    E0101: Error, Name;
    /// An unknown field, enum member, rank or style.
    E0102: Error, Name;
    /// An unknown regulation.
    E0103: Error, Citation;
    /// A citation of an article, paragraph or item the regulation does not have.
    E0104: Error, Citation;
    /// Exceptions that override each other in a cycle.
    E0105: Error, Cycle;
    /// Something declared twice.
    E0106: Error, Declaration;
    /// A type error.
    E0107: Error, Type;
    /// An unknown request kind.
    E0108: Error, Name;
    /// An unknown type or record.
    E0109: Error, Name;
    /// `over` names no rule or exception it can override.
    E0110: Error, Name;
    /// An unknown base package, or packages that extend each other in a cycle.
    E0111: Error, Package;
    /// A citation of an article of a regulation whose text is not available.
    E0112: Error, Citation;
    /// A bare `§N` in a package with no regulation, or several.
    E0113: Error, Citation;
    /// A value that depends on itself.
    E0114: Error, Cycle;
    /// A declaration that cites nothing.
    E0115: Error, Declaration;
    /// A request kind with rules but no `otherwise`.
    E0116: Error, Declaration;
    /// An outcome of the wrong shape.
    E0117: Error, Declaration;
    /// A file without its `package` line first, or with two.
    E0118: Error, Package;
    /// Paragraphs or items not numbered in order.
    E0119: Error, Text;
    /// A test without a `request`.
    E0120: Error, Declaration;
    /// A replacement of a base package's declaration without `override`.
    E0121: Error, Package;
    /// An `override` that replaces nothing.
    E0122: Error, Package;
    /// A `use` of a kind the package decides itself, or that the other package does not.
    E0123: Error, Package;
    /// A rank conflict (上位法优先).
    E0124: Error, Rank;
    /// A period that ends before it starts, or versions out of order.
    E0125: Error, Text;
    /// A citation of a provision with no version in force while its regulation is.
    E0126: Error, Citation;
    /// A quotation that is not in the text it quotes.
    E0127: Error, Text;
    /// An unknown interpretation, or one that reads another.
    E0128: Error, Name;
    /// A regulation whose declarations contradict each other.
    E0129: Error, Text;
    /// A fact or request kind declared outside the prelude.
    E0130: Error, Package;
    /// A test that expects what nothing of its package produces.
    E0131: Error, Declaration;
    /// A param nothing uses.
    W0001: Warning, Unused;
    /// A value nothing uses or reports.
    W0002: Warning, Unused;
    /// A coverage note on a provision that rules cite.
    W0003: Warning, Coverage;
    /// Two rules that can both decide a request with different effects.
    W0101: Warning, Analysis;
    /// Requests that no rule decides.
    W0102: Warning, Analysis;
    /// A rule whose condition can never hold.
    W0103: Warning, Analysis;
    /// A rule that never decides: exceptions override it wherever it applies.
    W0104: Warning, Analysis;
    /// A rule grounded in nothing in force while its package's regulation is.
    W0105: Warning, Analysis;
    /// A request kind with too many conditions to analyse.
    W0106: Warning, Analysis;
    /// An interpretation nothing cites.
    W0107: Warning, Unused;
    /// A `not_decidable` note that blames a missing field or fact.
    W0108: Warning, Coverage;
    /// Something a decision document can show that has no label.
    W0109: Warning, Declaration;
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not the spelling of any [`Code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a diagnostic code")]
pub struct UnknownCode(pub String);

impl std::str::FromStr for Code {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Code, UnknownCode> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCode(s.to_string()))
    }
}

/// A secondary location with a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What about it.
    pub message: Message,
}

/// A problem found in policy source.
///
/// Built from a typed error (the parser's [`crate::ParseError`], the compiler's error enums),
/// each of which turns its variants into diagnostics in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, `E0001` or `W0001`.
    pub code: Code,
    /// Error or warning: the code's.
    pub severity: Severity,
    /// One line (in English lowercase); user input in backticks.
    pub message: Message,
    /// Where the problem is.
    pub span: Span,
    /// Related places.
    pub labels: Vec<Label>,
    /// The longer story (boxed: a diagnostic is returned in `Err`s and should stay small).
    pub help: Option<Box<Message>>,
}

impl Diagnostic {
    /// A diagnostic with the code's severity.
    pub fn new(code: Code, span: Span, message: Message) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message,
            span,
            labels: Vec::new(),
            help: None,
        }
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_label(mut self, span: Span, message: Message) -> Diagnostic {
        self.labels.push(Label { span, message });
        self
    }

    /// Adds help text.
    #[must_use]
    pub fn with_help(mut self, help: Message) -> Diagnostic {
        self.help = Some(Box::new(help));
        self
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.message.text(lang)
    }

    /// The help in `lang`, if there is help.
    pub fn help_text(&self, lang: Lang) -> Option<String> {
        self.help.as_ref().map(|h| h.text(lang))
    }

    /// Every message of the diagnostic: its message, its labels' and its help.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        std::iter::once(&self.message)
            .chain(self.labels.iter().map(|l| &l.message))
            .chain(self.help.as_deref())
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Renders diagnostics as text with source excerpts, in `lang`. `color` adds ANSI colours.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool, lang: Lang) -> String {
    let mut out = String::new();
    for d in diagnostics.iter().take(MAX_RENDERED) {
        out.push_str(&render_one(d, sources, color, lang));
    }
    if diagnostics.len() > MAX_RENDERED {
        let mut args = i18n::Args::new();
        args.set("count", (diagnostics.len() - MAX_RENDERED).to_string());
        args.set("limit", MAX_RENDERED.to_string());
        out.push_str(&i18n::text(lang, "diag-more", Some(&args)));
        out.push('\n');
    }
    out
}

/// At most this many diagnostics are rendered (with their excerpts); the rest are counted in
/// one line, so a file with a hundred thousand errors gives a report a person can read.
pub const MAX_RENDERED: usize = 500;

/// A source line longer than this (in bytes) is not shown as an excerpt: the diagnostic is
/// rendered as one line with its place, so a generated file's megabyte line is not printed
/// once per diagnostic on it.
pub const MAX_EXCERPT_LINE: usize = 2000;

/// Whether the line holding `span`'s start is too long to show.
fn line_too_long(sources: &SourceMap, span: Span) -> bool {
    let Some(source) = sources.get(span.file) else {
        return false;
    };
    let bytes = source.text.as_bytes();
    let at = (span.start as usize).min(bytes.len());
    let (before, after) = bytes.split_at(at);
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = after
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    end - start > MAX_EXCERPT_LINE
}

/// One file of a report as ariadne knows it: told apart by its id (two files may have the same
/// name), shown by its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileKey {
    id: FileId,
    name: String,
}

impl std::fmt::Display for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// A span as ariadne measures it: in characters of its own file's text (never another file's),
/// clamped to that text, its ends moved back to character boundaries, start before end. `None`
/// if the span's file is not in `sources`.
fn char_range(sources: &SourceMap, span: Span) -> Option<(FileKey, Range<usize>)> {
    let source = sources.get(span.file)?;
    let text = source.text.as_str();
    let boundary = |byte: u32| {
        let mut b = (byte as usize).min(text.len());
        while b > 0 && !text.is_char_boundary(b) {
            b -= 1;
        }
        b
    };
    let (a, b) = (boundary(span.start), boundary(span.end));
    let chars = |b: usize| text.get(..b).map_or(0, |t| t.chars().count());
    let key = FileKey {
        id: span.file,
        name: source.name.clone(),
    };
    Some((key, chars(a.min(b))..chars(a.max(b))))
}

fn render_one(d: &Diagnostic, sources: &SourceMap, color: bool, lang: Lang) -> String {
    use ariadne::{Config, IndexType, Label as ALabel, Report, ReportKind};
    // A primary span in no known file has no excerpt to show.
    let Some(primary) = char_range(sources, d.span) else {
        return plain_line(d, sources, lang);
    };
    if line_too_long(sources, d.span) {
        return plain_line(d, sources, lang);
    }
    let message = d.text(lang);
    // ariadne's own words ("Error", "Warning", "Help") are English: in another language they
    // are replaced in its output (`localise`).
    let kind = match d.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    // Character offsets, not bytes: ariadne measures byte offsets against line tables and can
    // cut a multi-byte character (it panicked on a label in another file than the primary one).
    let mut report = Report::build(kind, primary.clone())
        .with_config(
            Config::default()
                .with_color(color)
                .with_index_type(IndexType::Char),
        )
        .with_code(d.code)
        .with_message(&message)
        .with_label(ALabel::new(primary).with_message(primary_label(&message)));
    let mut files = vec![d.span.file];
    for l in &d.labels {
        // A label in no known file is left out rather than losing the whole excerpt.
        if let Some(at) = char_range(sources, l.span) {
            report = report.with_label(ALabel::new(at).with_message(l.message.text(lang)));
            files.push(l.span.file);
        }
    }
    let help = d.help_text(lang);
    if let Some(help) = &help {
        report = report.with_help(help);
    }
    files.sort_unstable();
    files.dedup();
    let cache = ariadne::sources(files.into_iter().filter_map(|id| {
        let s = sources.get(id)?;
        Some((
            FileKey {
                id,
                name: s.name.clone(),
            },
            s.text.as_str(),
        ))
    }));
    let mut buf = Vec::new();
    if report.finish().write(cache, &mut buf).is_err() {
        return plain_line(d, sources, lang);
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    match lang {
        Lang::En => text,
        _ => localise(text, d, help.as_deref(), lang),
    }
}

/// ariadne's English words in a report, in `lang`: the heading's `[E0104] Error: MESSAGE`
/// (coloured or not) and `Help: TEXT`, each with the language's word and colon.
fn localise(text: String, d: &Diagnostic, help: Option<&str>, lang: Lang) -> String {
    let colon = i18n::text(lang, "diag-colon", None);
    let heading = match d.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    let code = format!("[{}] ", d.code);
    let mut text = replace_first(
        &text,
        &[
            (
                format!("{code}{heading}:\u{1b}[0m "),
                format!("{code}{}{colon}\u{1b}[0m", report_word(d, lang)),
            ),
            (
                format!("{code}{heading}: "),
                format!("{code}{}{colon}", report_word(d, lang)),
            ),
        ],
        false,
    );
    if let Some(help) = help {
        let first = help.lines().next().unwrap_or_default();
        let word = i18n::text(lang, "diag-help", None);
        text = replace_first(
            &text,
            &[
                (
                    format!("Help\u{1b}[0m: {first}"),
                    format!("{word}\u{1b}[0m{colon}{first}"),
                ),
                (format!("Help: {first}"), format!("{word}{colon}{first}")),
            ],
            true,
        );
    }
    text
}

/// `text` with the first of `pairs` that occurs in it replaced (its last occurrence if
/// `last`, else its first).
fn replace_first(text: &str, pairs: &[(String, String)], last: bool) -> String {
    for (from, to) in pairs {
        let at = if last {
            text.rfind(from.as_str())
        } else {
            text.find(from.as_str())
        };
        if let Some(at) = at {
            let mut out = String::with_capacity(text.len());
            out.push_str(text.get(..at).unwrap_or_default());
            out.push_str(to);
            out.push_str(text.get(at + from.len()..).unwrap_or_default());
            return out;
        }
    }
    text.to_string()
}

/// The diagnostic on one line without an excerpt, where there is none to show.
fn plain_line(d: &Diagnostic, sources: &SourceMap, lang: Lang) -> String {
    let (line, col) = sources.line_col(d.span);
    let name = sources
        .get(d.span.file)
        .map_or("<unknown>", |s| s.name.as_str());
    format!(
        "{}[{}]: {} ({name}:{line}:{col})\n",
        severity_word(d, lang),
        d.code,
        d.text(lang)
    )
}

/// The note under the primary span: the message again, shortened to its first clause, so the
/// underline says what is wrong where it is wrong.
fn primary_label(message: &str) -> String {
    message
        .split([';', ':', '；', '：'])
        .next()
        .unwrap_or(message)
        .trim()
        .to_string()
}

/// `error` or `warning`, in `lang`.
fn severity_word(d: &Diagnostic, lang: Lang) -> String {
    match d.severity {
        Severity::Error => i18n::text(lang, "diag-severity-error", None),
        Severity::Warning => i18n::text(lang, "diag-severity-warning", None),
    }
}

/// `Error` or `Warning` as a report's heading says it, in `lang`.
fn report_word(d: &Diagnostic, lang: Lang) -> String {
    match d.severity {
        Severity::Error => i18n::text(lang, "diag-report-error", None),
        Severity::Warning => i18n::text(lang, "diag-report-warning", None),
    }
}

/// One line per diagnostic, `file:line:col: error[E0001]: message`, for logs and tests, in
/// `lang`.
pub fn render_short(diagnostics: &[Diagnostic], sources: &SourceMap, lang: Lang) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let (line, col) = sources.line_col(d.span);
        let name = sources
            .get(d.span.file)
            .map_or("<unknown>", |s| s.name.as_str());
        let _ = writeln!(
            out,
            "{name}:{line}:{col}: {}[{}]: {}",
            severity_word(d, lang),
            d.code,
            d.text(lang)
        );
    }
    out
}
