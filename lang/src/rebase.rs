//! Moving a syntax tree to another place: every [`Span`] in it gets a new file id and is
//! shifted by an offset.
//!
//! The language server keeps each item parsed on its own, with spans relative to its chunk
//! (file 0, see [`crate::parser::parse_chunk`]); to hand the items to the compiler, it moves
//! them to their file and to where their chunk starts in it. Parsing a chunk alone and
//! rebasing it to the chunk's start gives exactly the tree [`crate::parse`] gives for the
//! whole file (tested for every bundled policy file).
//!
//! The walk is [`crate::ast::visit::VisitMut`]'s: every span of the tree reaches
//! [`VisitMut::visit_span`], and a new node or field with a span does not compile until the
//! walk visits it.

use crate::ast::visit::VisitMut;
use crate::ast::Item;
use crate::diagnostic::{Diagnostic, Label};
use crate::span::{FileId, Span};

/// Moves every span of `item` to `file`, `offset` bytes further.
pub fn rebase(item: &mut Item, file: FileId, offset: u32) {
    To { file, offset }.visit_item(item);
}

/// Moves every span of a diagnostic (its own and its labels') to `file`, `offset` bytes
/// further.
pub fn rebase_diagnostic(diagnostic: &mut Diagnostic, file: FileId, offset: u32) {
    let mut to = To { file, offset };
    let Diagnostic {
        code,
        severity,
        message,
        span,
        labels,
        help,
    } = diagnostic;
    no_span(code);
    no_span(severity);
    no_span(message);
    no_span(help);
    to.visit_span(span);
    for Label { span, message } in labels {
        no_span(message);
        to.visit_span(span);
    }
}

/// Parts of a diagnostic without a span. Every field [`rebase_diagnostic`] does not move is
/// passed to [`no_span`], so changing its type to one with a span does not compile until it is
/// moved too.
trait NoSpan {}
impl NoSpan for crate::message::Message {}
impl<T: NoSpan> NoSpan for Box<T> {}
impl NoSpan for &'static str {}
impl NoSpan for crate::diagnostic::Code {}
impl NoSpan for crate::diagnostic::Severity {}
impl<T: NoSpan> NoSpan for Option<T> {}

/// Says that a field has no span to move.
fn no_span<T: NoSpan>(_: &T) {}

/// Where spans go.
#[derive(Clone, Copy)]
struct To {
    file: FileId,
    offset: u32,
}

impl VisitMut<'_> for To {
    fn visit_span(&mut self, s: &mut Span) {
        s.file = self.file;
        s.start = s.start.saturating_add(self.offset);
        s.end = s.end.saturating_add(self.offset);
    }
}

#[cfg(test)]
mod tests;
