//! Positions as the protocol counts them — zero-based lines, UTF-16 code units into the line —
//! converted to and from byte offsets, and edits of a document by such ranges.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Where each line of a text starts, for converting byte offsets to positions and back in
/// logarithmic time (a 5,000-line file has hundreds of diagnostics and occurrences).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset of the start of every line; the first is 0.
    starts: Vec<usize>,
    /// Length of the text.
    len: usize,
}

impl LineIndex {
    /// The index of `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The position of byte `offset` (clamped to the text and back to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let character: usize = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    /// The range of bytes `start..end`.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range {
            start: self.position(text, start),
            end: self.position(text, end.max(start)),
        }
    }

    /// The byte offset of `pos`: a line past the end is the end of the text, a column past the
    /// end of its line is the end of the line, and a column inside a character that takes two
    /// UTF-16 units is the start of that character.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let line_end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |next| next.saturating_sub(1));
        let line = text.get(start..line_end.max(start)).unwrap_or("");
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units + c.len_utf16() > pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }

    /// Number of lines.
    pub fn lines(&self) -> usize {
        self.starts.len()
    }
}

/// Applies one change of `textDocument/didChange` to `text` (whose index is `index`): a range
/// replaced by new text, or the whole text replaced when the change has no range. Returns the
/// byte range of `text` that was replaced and the new text's length there.
pub fn apply_change(
    text: &mut String,
    index: &LineIndex,
    change: &TextDocumentContentChangeEvent,
) -> (usize, usize, usize) {
    match change.range {
        None => {
            let old = text.len();
            text.clone_from(&change.text);
            (0, old, change.text.len())
        }
        Some(r) => {
            let start = index.offset(text, r.start);
            let end = index.offset(text, r.end).max(start);
            text.replace_range(start..end, &change.text);
            (start, end, change.text.len())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::string_slice,
        reason = "tests may fail loudly"
    )]

    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn positions_count_utf16_units() {
        let text = "第一行\n条款 §20\n𝒳x";
        let ix = LineIndex::new(text);
        assert_eq!(ix.position(text, 0), pos(0, 0));
        let at = text.find('§').unwrap();
        assert_eq!(ix.position(text, at), pos(1, 3));
        assert_eq!(ix.position(text, text.len() + 10), pos(2, 3));
        // Inside a multi-byte character: back to its start.
        assert_eq!(ix.position(text, 1), pos(0, 0));
        // 𝒳 takes two UTF-16 units.
        assert_eq!(ix.offset(text, pos(2, 2)), text.find('x').unwrap());
        assert_eq!(ix.offset(text, pos(2, 1)), text.find('𝒳').unwrap());
    }

    #[test]
    fn offsets_round_trip_and_clamp() {
        let text = "ab\r\ncd\n";
        let ix = LineIndex::new(text);
        for offset in [0, 1, 2, 4, 5, 6, 7] {
            assert_eq!(ix.offset(text, ix.position(text, offset)), offset);
        }
        assert_eq!(
            ix.offset(text, pos(0, 99)),
            2,
            "the end of the line, before \\r\\n"
        );
        assert_eq!(ix.offset(text, pos(9, 0)), text.len());
        assert_eq!(ix.lines(), 3);
    }

    #[test]
    fn changes_apply_by_range_or_whole() {
        let mut text = String::from("package a\nrule x\n");
        let ix = LineIndex::new(&text);
        let change = TextDocumentContentChangeEvent {
            range: Some(Range {
                start: pos(1, 5),
                end: pos(1, 6),
            }),
            range_length: None,
            text: "yz".into(),
        };
        assert_eq!(apply_change(&mut text, &ix, &change), (15, 16, 2));
        assert_eq!(text, "package a\nrule yz\n");
        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "package b\n".into(),
        };
        let ix = LineIndex::new(&text);
        apply_change(&mut text, &ix, &whole);
        assert_eq!(text, "package b\n");
    }
}
