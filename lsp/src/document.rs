//! One policy file as the server holds it: its text, line index, and its items parsed one by
//! one.
//!
//! The parser cuts a file into item chunks at top-level keywords and parses each chunk on its
//! own (`datalex_lang::parser::split_items`); a chunk's tree depends on nothing but its text.
//! So after an edit only the chunks whose text changed are parsed again: the chunks before the
//! edit keep their trees, the chunks after it keep their trees at a shifted offset. Trees are
//! kept with spans relative to their chunk, so shifting a chunk is changing one number.
//!
//! The chunks' trees and parse diagnostics are also what the compiler gets
//! ([`Document::syntax`]): cloned and moved to the file and the chunk's place
//! (`datalex_lang::rebase`), so compiling after an edit parses nothing again. A chunk that
//! does not parse while it is being written gives the compiler the tree it last had
//! ([`Chunk::fallback`]), so that the names it declares stay known to the rest of the project.

use crate::text::{self, LineIndex};
use datalex_lang::ast::visit::VisitMut;
use datalex_lang::ast::{self, Item};
use datalex_lang::rebase::{rebase, rebase_diagnostic};
use datalex_lang::{Diagnostic, FileId, Span};
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// A parsed chunk: the item it holds (none if it did not parse or holds only comments) and the
/// parser's diagnostics. Spans are relative to the chunk's start, in file 0.
#[derive(Debug)]
pub struct Parsed {
    /// The item (a chunk holds at most one).
    pub item: Option<Item>,
    /// What the parser reported (a syntax error, an impossible date…).
    pub diagnostics: Vec<Diagnostic>,
    /// Its first English and first Chinese keyword: with the other chunks', whether the file
    /// mixes keyword languages (E0005), which no chunk can tell alone.
    pub keywords: datalex_lang::parser::KeywordUse,
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
    /// When the chunk does not parse: the item it held when it last did, its spans moved by
    /// the edits since (see `carried_over`), so that the compiler, and with it hover,
    /// completion, definition and the outline, still know it while it is being written. Its
    /// diagnostics are the chunk's parse errors; what the compiler says inside it is not
    /// shown (see `workspace/diagnostics.rs`).
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
/// spans before the edit stay, spans after it move by `delta`, a span that holds the edit (an
/// article, a rule's body) grows or shrinks with it, and a span the edit cuts into, or a
/// name's that holds it (a name being retyped), becomes empty, so that it is no name at all. Nothing may reach past the new
/// chunk's `len` (it was cut in two): such spans become empty too.
fn carried_over(
    old: &Chunk,
    edit: (usize, usize),
    delta: isize,
    len: usize,
) -> Option<Arc<Parsed>> {
    let mut item = old.known().item.clone()?;
    let rel = |x: usize| x.checked_sub(old.start).and_then(|x| u32::try_from(x).ok());
    let mut through = Through {
        from: rel(edit.0)?,
        to: rel(edit.1)?,
        delta,
        len: u32::try_from(len).ok()?,
        name: false,
    };
    through.visit_item(&mut item);
    Some(Arc::new(Parsed {
        item: Some(item),
        diagnostics: Vec::new(),
        keywords: datalex_lang::parser::KeywordUse::default(),
    }))
}

/// Moves spans relative to a chunk through one edit: see [`carried_over`].
struct Through {
    /// The edited bytes of the old text, relative to the chunk.
    from: u32,
    to: u32,
    /// How many bytes the edit added (negative: removed).
    delta: isize,
    /// The new chunk's length.
    len: u32,
    /// Whether the span being moved is a name's (an edit inside a name is not the name).
    name: bool,
}

impl Through {
    fn shift(&self, x: u32) -> Option<u32> {
        u32::try_from(x as isize + self.delta).ok()
    }
}

impl VisitMut<'_> for Through {
    fn visit_ident(&mut self, x: &mut ast::Ident) {
        self.name = true;
        self.visit_span(&mut x.span);
        self.name = false;
    }

    fn visit_expr(&mut self, x: &mut ast::Expr) {
        if let ast::ExprKind::Name(_) = x.kind {
            self.name = true;
            self.visit_span(&mut x.span);
            self.name = false;
        } else {
            ast::visit::walk_mut::expr(self, x);
        }
    }

    fn visit_span(&mut self, span: &mut Span) {
        let (start, end) = (span.start, span.end);
        let moved = if end <= self.from && start < self.to {
            // Before the edit (an insertion just after a name is not in it).
            Some((start, end))
        } else if start >= self.to {
            self.shift(start).zip(self.shift(end))
        } else if start <= self.from && end >= self.to && !self.name {
            self.shift(end).map(|e| (start, e))
        } else {
            None
        };
        let (start, end) = match moved {
            Some((s, e)) if e <= self.len && s <= e => (s, e),
            // Cut by the edit: an empty span where it started, inside the chunk.
            _ => {
                let at = start.min(self.len);
                (at, at)
            }
        };
        span.start = start;
        span.end = end;
    }
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
    /// What [`Document::assembled`] last gave, and for which file id: kept until the text
    /// changes ([`Document::set_text`] empties it), so that the compile after an edit of
    /// another file clones no tree of this one.
    assembled: RefCell<Option<Arc<Assembled>>>,
}

/// A file's syntax tree and parse diagnostics as the compiler gets them: see
/// [`Document::assembled`].
#[derive(Debug)]
pub struct Assembled {
    /// The file id the spans are in.
    pub file: FileId,
    /// The tree, as [`Document::syntax`] gives it.
    pub tree: ast::File,
    /// The parse diagnostics, as [`Document::syntax`] gives them.
    pub diagnostics: Vec<Diagnostic>,
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
    let (item, diagnostics, keywords) = datalex_lang::parser::parse_chunk_with_keywords(text);
    Arc::new(Parsed {
        item,
        diagnostics,
        keywords,
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
            assembled: RefCell::new(None),
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
        self.assembled.take();
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

    /// The byte ranges of the chunks that do not parse and are known from an earlier text.
    pub fn stale(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.chunks
            .iter()
            .filter(|c| c.is_stale())
            .map(|c| (c.start, c.end))
    }

    /// The item whose chunk holds byte `offset`, with the chunk's start (its spans are
    /// relative to it).
    pub fn item_at(&self, offset: usize) -> Option<(usize, &Item)> {
        let c = self.chunk_at(offset)?;
        Some((c.start, c.known().item.as_ref()?))
    }

    /// The chunk that holds byte `offset` (the end of the text belongs to the last chunk).
    pub fn chunk_at(&self, offset: usize) -> Option<&Chunk> {
        let i = self.chunks.partition_point(|c| c.end <= offset);
        self.chunks.get(i).or_else(|| self.chunks.last())
    }

    /// The file's keyword language: that of its first keyword (`None` before it has one).
    pub fn keyword_language(&self) -> Option<datalex_lang::keywords::KeywordLang> {
        let uses: Vec<_> = self
            .chunks
            .iter()
            .map(|c| c.parsed.keywords.clone())
            .collect();
        datalex_lang::parser::KeywordUse::language(&uses)
    }

    /// The package the file declares.
    pub fn package(&self) -> Option<&str> {
        self.package.as_deref()
    }

    /// The file's syntax tree as `datalex_lang::parse(file, &self.text)` gives it, with its
    /// parse diagnostics appended to `diagnostics`: the chunks' trees and diagnostics cloned
    /// and moved to `file` and their chunk's place. Nothing is parsed. A chunk that does not
    /// parse gives the tree it last had ([`Chunk::fallback`]) besides its parse errors.
    pub fn syntax(&self, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> ast::File {
        let mut items = Vec::with_capacity(self.chunks.len());
        let mut keywords = Vec::with_capacity(self.chunks.len());
        for c in &self.chunks {
            let offset = u32::try_from(c.start).unwrap_or(u32::MAX);
            let mut used = c.parsed.keywords.clone();
            used.rebase(file, c.start);
            keywords.push(used);
            if let Some(item) = &c.known().item {
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
        diagnostics.extend(datalex_lang::parser::mixed_keywords(&keywords));
        ast::File { items }
    }

    /// [`Document::syntax`] for `file`, kept: assembled once after each change of the text,
    /// and again only if it is asked for another file id.
    pub fn assembled(&self, file: FileId) -> Arc<Assembled> {
        let mut kept = self.assembled.borrow_mut();
        match kept.as_ref() {
            Some(a) if a.file == file => Arc::clone(a),
            _ => {
                let mut diagnostics = Vec::new();
                let tree = self.syntax(file, &mut diagnostics);
                let a = Arc::new(Assembled {
                    file,
                    tree,
                    diagnostics,
                });
                *kept = Some(Arc::clone(&a));
                a
            }
        }
    }
}

#[cfg(test)]
mod tests;
