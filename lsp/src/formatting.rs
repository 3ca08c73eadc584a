//! Formatting: the canonical layout of `datalex fmt` (`datalex_lang::format`), sent as one edit
//! of the lines that change.

use crate::error::RequestError;
use crate::workspace::Workspace;
use datalex_lang::format::{format as canonical, FormatError};
use lsp_types::{DocumentFormattingParams, TextEdit};

/// `textDocument/formatting`. A file with syntax errors is left as it is (no edits; its
/// diagnostics say why); a file the formatter would change the meaning of is an error.
pub fn format(
    ws: &Workspace,
    p: &DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>, RequestError> {
    let Some(id) = ws.find(&p.text_document.uri) else {
        return Ok(None);
    };
    let Some(d) = ws.doc(id) else { return Ok(None) };
    match canonical(&d.text) {
        Ok(out) => Ok(Some(edit(&d.text, &out).map_or_else(Vec::new, |(start, end, new)| {
            vec![TextEdit {
                range: d.lines.range(&d.text, start, end),
                new_text: new.to_string(),
            }]
        }))),
        Err(FormatError::Syntax(_)) => Ok(None),
        Err(FormatError::Changed) => Err(RequestError::failed(
            "the formatter would change what this file means, so it is left alone (please report this)",
        )),
    }
}

/// The one replacement that turns `old` into `new`: whole lines, from the first that differs to
/// the last that differs. `None` if they are equal.
pub fn edit<'n>(old: &str, new: &'n str) -> Option<(usize, usize, &'n str)> {
    if old == new {
        return None;
    }
    let common = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let prefix = old
        .get(..common)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    let max = old.len().min(new.len()) - prefix;
    let common_tail = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max)
        .take_while(|(a, b)| a == b)
        .count();
    // Back to the start of a line in both texts (the tail is the same bytes in both).
    let tail_text = old.get(old.len() - common_tail..).unwrap_or("");
    let suffix = match tail_text.find('\n') {
        Some(i) => common_tail - i - 1,
        None => 0,
    };
    let replaced = new.get(prefix..new.len() - suffix)?;
    Some((prefix, old.len() - suffix, replaced))
}

#[cfg(test)]
#[allow(
    clippy::string_slice,
    reason = "tests apply edits at the char boundaries `edit` returns"
)]
mod tests {
    use super::edit;

    fn apply(old: &str, new: &str) -> String {
        match edit(old, new) {
            None => old.to_string(),
            Some((s, e, t)) => format!("{}{t}{}", &old[..s], &old[e..]),
        }
    }

    #[test]
    fn edits_replace_whole_changed_lines() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("a\nb\nc\n", "a\nb\nc\n"),
            ("a\nb\n", "a\nb\nc\n"),
            ("x\n", ""),
            ("", "y\n"),
            ("a  b\n\n\nc\n", "a b\n\nc\n"),
            ("same\nsame\n", "same\n"),
        ];
        for (old, new) in cases {
            assert_eq!(apply(old, new), new, "{old:?} -> {new:?}");
            if let Some((s, e, _)) = edit(old, new) {
                assert!(s == 0 || old.as_bytes()[s - 1] == b'\n');
                assert!(e == old.len() || old.as_bytes()[e - 1] == b'\n' || e == s);
            }
        }
        assert_eq!(edit("a\nb\nc\n", "a\nB\nc\n"), Some((2, 4, "B\n")));
    }
}
