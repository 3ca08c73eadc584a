//! The Datalex language server's analysis layer: compiling an open document together with the
//! rest of its workspace and converting diagnostics to LSP positions (zero-based lines, UTF-16
//! columns). The protocol transport (`datalex lsp`) builds on this.
//!
//! Depends on `lang` and `compiler` only, never on the evaluator or the service.

use datalex_lang::{Diagnostic, FileId, Severity, SourceMap, Span};

/// A position as LSP counts it: zero-based line, UTF-16 code units into the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Zero-based line.
    pub line: u32,
    /// UTF-16 code units from the start of the line.
    pub character: u32,
}

/// A range of positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// Start (inclusive).
    pub start: Position,
    /// End (exclusive).
    pub end: Position,
}

/// A diagnostic ready for `textDocument/publishDiagnostics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LspDiagnostic {
    /// Where.
    pub range: Range,
    /// 1 error, 2 warning (LSP `DiagnosticSeverity`).
    pub severity: u8,
    /// The stable code, `E0104`.
    pub code: &'static str,
    /// The message, with the help appended.
    pub message: String,
    /// Related places in the same document.
    pub related: Vec<(Range, String)>,
}

/// The LSP position of byte `offset` in `text` (clamped to the text, and to a char boundary).
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before
        .get(line_start..)
        .map_or(0, |s| s.chars().map(char::len_utf16).sum());
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

fn range(text: &str, span: Span) -> Range {
    Range {
        start: position(text, span.start as usize),
        end: position(text, span.end as usize),
    }
}

/// Compiles `document` (named `name`) with the prelude and the other files of its workspace,
/// and returns the diagnostics that fall in the document.
pub fn diagnostics(
    prelude: &str,
    workspace: &[(String, String)],
    name: &str,
    document: &str,
) -> Vec<LspDiagnostic> {
    let mut sources = SourceMap::new();
    sources.add("stdlib/prelude.dlx", prelude);
    for (n, t) in workspace.iter().filter(|(n, _)| n != name) {
        sources.add(n.clone(), t.clone());
    }
    let doc: FileId = sources.add(name, document);
    let compiled = datalex_compiler::compile(&sources);
    compiled
        .diagnostics
        .iter()
        .filter(|d| d.span.file == doc)
        .map(|d| convert(d, document, doc))
        .collect()
}

fn convert(d: &Diagnostic, text: &str, doc: FileId) -> LspDiagnostic {
    let message = match &d.help {
        Some(h) => format!("{}\n{h}", d.message),
        None => d.message.clone(),
    };
    LspDiagnostic {
        range: range(text, d.span),
        severity: match d.severity {
            Severity::Error => 1,
            Severity::Warning => 2,
        },
        code: d.code,
        message,
        related: d
            .labels
            .iter()
            .filter(|l| l.span.file == doc)
            .map(|l| (range(text, l.span), l.message.clone()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRELUDE: &str = include_str!("../../stdlib/prelude.dlx");

    #[test]
    fn positions_count_utf16_units() {
        let text = "第一行\n条款 §20";
        assert_eq!(
            position(text, 0),
            Position {
                line: 0,
                character: 0
            }
        );
        let at = text.find('§').unwrap();
        assert_eq!(
            position(text, at),
            Position {
                line: 1,
                character: 3
            }
        );
        assert_eq!(
            position(text, text.len() + 10),
            Position {
                line: 1,
                character: 6
            }
        );
    }

    #[test]
    fn an_unknown_field_is_reported_on_its_range() {
        let doc = "package p\nregulation r \"R\" { article 1 \"一\" }\nguard g on share cites §1\n  when dataset.sharing is missing\n  => deny x \"y\"\n";
        let diags = diagnostics(PRELUDE, &[], "p.dlx", doc);
        let d = diags
            .iter()
            .find(|d| d.code == "E0102")
            .expect("unknown field");
        assert_eq!(
            d.range.start,
            Position {
                line: 3,
                character: 15
            }
        );
        assert_eq!(
            d.range.end,
            Position {
                line: 3,
                character: 22
            }
        );
        assert!(d.message.contains("`sharing`"));
    }

    #[test]
    fn a_clean_document_has_no_diagnostics() {
        let doc = "package p\nregulation r \"R\" { article 1 \"一\" }\nguard g on share cites §1\n  when dataset is missing\n  => deny x \"y\"\notherwise on share cites §1 => deny z \"w\"\n";
        assert_eq!(diagnostics(PRELUDE, &[], "p.dlx", doc), Vec::new());
    }
}
