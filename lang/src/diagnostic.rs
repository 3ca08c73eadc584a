//! The one diagnostic type of Datalex, and its one renderer.
//!
//! Detection and rendering are separate: the parser and the compiler build [`Diagnostic`]s;
//! [`render`] turns them into text with ariadne (the CLI), and the language server converts them
//! to LSP diagnostics. Every diagnostic has a stable code documented in `docs/diagnostics.md`.

use crate::span::{SourceMap, Span};
use std::fmt::Write as _;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops compilation.
    Error,
    /// Worth fixing; does not stop compilation.
    Warning,
}

/// A secondary location with a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What about it.
    pub message: String,
}

/// A problem found in policy source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, `E0001` or `W0001`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// One lowercase line; user input in backticks.
    pub message: String,
    /// Where the problem is.
    pub span: Span,
    /// Related places.
    pub labels: Vec<Label>,
    /// The longer story.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Renders diagnostics as text with source excerpts. `color` adds ANSI colours.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render_one(d, sources, color));
    }
    out
}

fn render_one(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    use ariadne::{Config, IndexType, Label as ALabel, Report, ReportKind};
    let name = |span: Span| {
        sources
            .get(span.file)
            .map_or_else(|| "<unknown>".to_string(), |s| s.name.clone())
    };
    let kind = match d.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    // Character offsets, not bytes: ariadne measures a label in another file than the primary
    // one against the wrong line table with byte offsets (and can panic inside a multi-byte
    // character), so spans are converted here, clamped to their file.
    let chars = |span: Span| -> std::ops::Range<usize> {
        let Some(text) = sources.get(span.file).map(|s| s.text.as_str()) else {
            return 0..0;
        };
        let at = |byte: usize| {
            let mut b = byte.min(text.len());
            while b > 0 && !text.is_char_boundary(b) {
                b -= 1;
            }
            text.get(..b).map_or(0, |t| t.chars().count())
        };
        let range = span.range();
        at(range.start)..at(range.end)
    };
    let mut report = Report::build(kind, (name(d.span), chars(d.span)))
        .with_config(
            Config::default()
                .with_color(color)
                .with_index_type(IndexType::Char),
        )
        .with_code(d.code)
        .with_message(&d.message)
        .with_label(ALabel::new((name(d.span), chars(d.span))).with_message(primary_label(d)));
    for l in &d.labels {
        report =
            report.with_label(ALabel::new((name(l.span), chars(l.span))).with_message(&l.message));
    }
    if let Some(help) = &d.help {
        report = report.with_help(help);
    }
    let cache = ariadne::sources(
        sources
            .iter()
            .map(|(_, s)| (s.name.clone(), s.text.clone())),
    );
    let mut buf = Vec::new();
    if report.finish().write(cache, &mut buf).is_err() {
        // Rendering can only fail on spans outside their file; fall back to one line.
        let (line, col) = sources.line_col(d.span);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}[{}]: {} ({}:{line}:{col})",
            severity_word(d),
            d.code,
            d.message,
            name(d.span)
        );
        return s;
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// The note under the primary span: the message again, shortened to its first clause, so the
/// underline says what is wrong where it is wrong.
fn primary_label(d: &Diagnostic) -> String {
    d.message
        .split([';', ':'])
        .next()
        .unwrap_or(&d.message)
        .trim()
        .to_string()
}

fn severity_word(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One line per diagnostic, `file:line:col: error[E0001]: message`, for logs and tests.
pub fn render_short(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let (line, col) = sources.line_col(d.span);
        let name = sources
            .get(d.span.file)
            .map_or("<unknown>", |s| s.name.as_str());
        let _ = writeln!(
            out,
            "{name}:{line}:{col}: {}[{}]: {}",
            severity_word(d),
            d.code,
            d.message
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A label in another file than the primary span, after multi-byte text: rendered at its own
    /// line, without a panic (ariadne measured it against the primary file with byte offsets).
    #[test]
    fn a_label_in_another_file_is_rendered_at_its_own_line() {
        let mut sources = SourceMap::new();
        let a = sources.add("a.dlx", "// 短\nrule x\n");
        let x = "// 短\n".len();
        let long = format!("{}\nrule y // 上位法\n", "// 很长的中文注释行\n".repeat(20));
        let at = long.find("rule y").unwrap_or(0);
        let b = sources.add("b.dlx", long.clone());
        let d = Diagnostic::warning("W0101", Span::new(a, x, x + 6), "`x` and `y` conflict")
            .with_label(Span::new(b, at, at + 6), "the other rule");
        let text = render(&[d], &sources, false);
        assert!(text.contains("a.dlx:2:1"), "{text}");
        assert!(text.contains("22 │ rule y"), "{text}");
        assert!(text.contains("the other rule"), "{text}");
    }
}
