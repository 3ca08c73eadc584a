//! One policy file as the server holds it: its text, line index, and its items parsed one by
//! one, each with the occurrences of names in it.
//!
//! The parser cuts a file into item chunks at top-level keywords and parses each chunk on its
//! own (`datalex_lang::parser::split_items`); a chunk's tree depends on nothing but its text.
//! So after an edit only the chunks whose text changed are parsed again: the chunks before the
//! edit keep their trees, the chunks after it keep their trees at a shifted offset. Trees are
//! kept with spans relative to their chunk, so shifting a chunk is changing one number.
//!
//! The chunks' trees and parse diagnostics are also what the compiler gets
//! ([`Document::syntax`]): cloned and moved to the file and the chunk's place
//! (`datalex_lang::rebase`), so compiling after an edit parses nothing again.

use crate::index::{self, Occurrence};
use crate::text::{self, LineIndex};
use datalex_lang::ast::{self, Item};
use datalex_lang::rebase::{rebase, rebase_diagnostic};
use datalex_lang::{Diagnostic, FileId};
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::collections::HashMap;
use std::sync::Arc;

/// A parsed chunk: the item it holds (none if it did not parse or holds only comments), the
/// parser's diagnostics and the names in it. Spans are relative to the chunk's start, in file 0.
#[derive(Debug)]
pub struct Parsed {
    /// The item (a chunk holds at most one).
    pub item: Option<Item>,
    /// What the parser reported (a syntax error, an impossible date…).
    pub diagnostics: Vec<Diagnostic>,
    /// Every name in the item.
    pub occurrences: Vec<Occurrence>,
}

/// One item chunk of a file.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// Byte offset of the chunk in the file.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// Its tree and names (shared with the previous version of the file when unchanged).
    pub parsed: Arc<Parsed>,
    /// When the chunk does not parse: the item it held when it last did, with the names in
    /// it moved by the edits since (those inside an edit dropped), so that hover, completion,
    /// definition and the outline still know it while it is being written. Never compiled.
    pub fallback: Option<Arc<Parsed>>,
}

impl Chunk {
    /// What the chunk is known to declare and name: what it parses to, else what it parsed to
    /// last ([`Chunk::fallback`]).
    pub fn known(&self) -> &Parsed {
        self.fallback.as_deref().unwrap_or(&self.parsed)
    }

    /// Whether the chunk does not parse and is known from an earlier text.
    pub fn is_stale(&self) -> bool {
        self.fallback.is_some()
    }
}

/// The item `old` was known to hold (see [`Chunk::fallback`]), for the chunk at the same start
/// after the bytes `edit` (of the old text) were replaced by `delta` more (or fewer) bytes:
/// names before the edit stay, names after it move by `delta`, names the edit touched are
/// dropped; an article, paragraph or item of a regulation (a span, not a name) that holds the
/// edit grows or shrinks with it. Names past the new chunk's `len` (it was cut in two) are
/// dropped.
fn carried_over(
    old: &Chunk,
    edit: (usize, usize),
    delta: isize,
    len: usize,
) -> Option<Arc<Parsed>> {
    let known = old.known();
    let item = known.item.clone()?;
    let (from, to) = edit;
    let shift = |rel: u32| u32::try_from(rel as isize + delta).ok();
    let occurrences = known
        .occurrences
        .iter()
        .filter_map(|o| {
            let (start, end) = (
                old.start + o.span.start as usize,
                old.start + o.span.end as usize,
            );
            let (new_start, new_end) = if end <= from && start < to {
                // Before the edit (an insertion just after a name is not in it).
                (Some(o.span.start), Some(o.span.end))
            } else if start >= to {
                (shift(o.span.start), shift(o.span.end))
            } else if start <= from && end >= to && o.name().is_empty() {
                (Some(o.span.start), shift(o.span.end))
            } else {
                return None;
            };
            let (start, end) = (new_start?, new_end?);
            if end as usize > len {
                return None;
            }
            let mut o = o.clone();
            o.span = index::Rel { start, end };
            if let index::Target::Local { def, .. } = &mut o.target {
                if old.start + *def as usize >= to {
                    *def = shift(*def).unwrap_or(*def);
                }
            }
            Some(o)
        })
        .collect();
    Some(Arc::new(Parsed {
        item: Some(item),
        diagnostics: Vec::new(),
        occurrences,
    }))
}

/// A policy file.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it is, if it is a file the client can open (the embedded prelude is not).
    pub uri: Option<Uri>,
    /// Its name in diagnostics and in the compiled policy (`policies/binzhou/sharing.dlx`).
    pub name: String,
    /// Its text.
    pub text: String,
    /// Its lines.
    pub lines: LineIndex,
    /// Its item chunks, in order, covering the text.
    pub chunks: Vec<Chunk>,
    /// The client's version, while the client has it open.
    pub version: Option<i32>,
    /// The package the file declares (its first `package`).
    package: Option<String>,
}

/// How much work an update did, for tests and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reparsed {
    /// Chunks parsed again.
    pub parsed: usize,
    /// Chunks kept.
    pub kept: usize,
}

fn parse_chunk(text: &str) -> Arc<Parsed> {
    let (item, diagnostics) = datalex_lang::parser::parse_chunk(text);
    let occurrences = item.as_ref().map(index::collect).unwrap_or_default();
    Arc::new(Parsed {
        item,
        diagnostics,
        occurrences,
    })
}

impl Document {
    /// A document parsed from scratch.
    pub fn new(uri: Option<Uri>, name: String, text: String, version: Option<i32>) -> Document {
        let mut d = Document {
            uri,
            name,
            lines: LineIndex::default(),
            text: String::new(),
            chunks: Vec::new(),
            version,
            package: None,
        };
        d.set_text(text);
        d
    }

    /// Replaces the text, parsing again only the chunks that changed.
    pub fn set_text(&mut self, text: String) -> Reparsed {
        let old = std::mem::replace(&mut self.text, text);
        let new = self.text.as_str();
        let prefix = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let max_suffix = old.len().min(new.len()) - prefix;
        let suffix = old
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(max_suffix)
            .take_while(|(a, b)| a == b)
            .count();
        // Old chunks wholly inside the unchanged head keep their place; those wholly inside the
        // unchanged tail move by the change in length.
        let mut reusable: HashMap<(usize, usize), &Chunk> = HashMap::new();
        let tail = old.len() - suffix;
        for c in &self.chunks {
            if c.end <= prefix {
                reusable.insert((c.start, c.end), c);
            } else if c.start >= tail {
                let at = |x: usize| (x + new.len()).saturating_sub(old.len());
                reusable.insert((at(c.start), at(c.end)), c);
            }
        }
        let delta = new.len() as isize - old.len() as isize;
        let mut stats = Reparsed::default();
        let mut chunks = Vec::new();
        for (start, end) in datalex_lang::parser::split_items(new) {
            let chunk = match reusable.remove(&(start, end)) {
                Some(c) => {
                    stats.kept += 1;
                    Chunk {
                        start,
                        end,
                        parsed: Arc::clone(&c.parsed),
                        fallback: c.fallback.clone(),
                    }
                }
                None => {
                    stats.parsed += 1;
                    let parsed = parse_chunk(new.get(start..end).unwrap_or(""));
                    // A chunk that no longer parses keeps what the chunk at its place held.
                    let fallback = if parsed.item.is_none() && start <= prefix {
                        self.chunks
                            .iter()
                            .find(|c| c.start == start)
                            .and_then(|c| carried_over(c, (prefix, tail), delta, end - start))
                    } else {
                        None
                    };
                    Chunk {
                        start,
                        end,
                        parsed,
                        fallback,
                    }
                }
            };
            chunks.push(chunk);
        }
        self.chunks = chunks;
        self.lines = LineIndex::new(new);
        let package = self.items().find_map(|(_, i)| match i {
            Item::Package(p) => Some(p.name.name.clone()),
            _ => None,
        });
        self.package = package;
        stats
    }

    /// Applies the changes of one `didChange` notification, in order.
    pub fn apply_changes(
        &mut self,
        changes: &[TextDocumentContentChangeEvent],
        version: i32,
    ) -> Reparsed {
        let mut text = self.text.clone();
        let mut lines = self.lines.clone();
        for (i, change) in changes.iter().enumerate() {
            text::apply_change(&mut text, &lines, change);
            if i + 1 < changes.len() {
                lines = LineIndex::new(&text);
            }
        }
        self.version = Some(version);
        self.set_text(text)
    }

    /// The items of the file with the offset of their chunk (of a chunk that does not parse,
    /// the item it last held, see [`Chunk::fallback`]).
    pub fn items(&self) -> impl Iterator<Item = (usize, &Item)> {
        self.chunks
            .iter()
            .filter_map(|c| c.known().item.as_ref().map(|i| (c.start, i)))
    }

    /// The chunk that holds byte `offset` (the end of the text belongs to the last chunk).
    pub fn chunk_at(&self, offset: usize) -> Option<&Chunk> {
        let i = self.chunks.partition_point(|c| c.end <= offset);
        self.chunks.get(i).or_else(|| self.chunks.last())
    }

    /// The package the file declares.
    pub fn package(&self) -> Option<&str> {
        self.package.as_deref()
    }

    /// The file's syntax tree as `datalex_lang::parse(file, &self.text)` gives it, with its
    /// parse diagnostics appended to `diagnostics`: the chunks' trees and diagnostics cloned
    /// and moved to `file` and their chunk's place. Nothing is parsed.
    pub fn syntax(&self, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> ast::File {
        let mut items = Vec::with_capacity(self.chunks.len());
        for c in &self.chunks {
            let offset = u32::try_from(c.start).unwrap_or(u32::MAX);
            if let Some(item) = &c.parsed.item {
                let mut item = item.clone();
                rebase(&mut item, file, offset);
                items.push(item);
            }
            for d in &c.parsed.diagnostics {
                let mut d = d.clone();
                rebase_diagnostic(&mut d, file, offset);
                diagnostics.push(d);
            }
        }
        ast::File { items }
    }
}

#[cfg(test)]
mod tests;
