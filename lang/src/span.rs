//! Byte spans into source files, and the map from file ids to their text.
//!
//! Spans are byte ranges with a file id; lines and columns are computed only at the edges
//! (rendering, the CLI, the language server) by [`SourceMap::line_col`].

/// Identifies one source file in a [`SourceMap`].
pub type FileId = u32;

/// A byte range `start..end` in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span in `file` from `start` to `end`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both (which must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One source file: where it came from and its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path or name shown in diagnostics.
    pub name: String,
    /// The text.
    pub text: String,
}

/// All source files of one compilation, indexed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<Source>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(Source {
            name: name.into(),
            text: text.into(),
        });
        FileId::try_from(self.files.len() - 1).unwrap_or(FileId::MAX)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&Source> {
        self.files.get(id as usize)
    }

    /// All files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &Source)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, s)| (FileId::try_from(i).unwrap_or(FileId::MAX), s))
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|s| s.text.get(span.range()))
            .unwrap_or("")
    }

    /// One-based line and column (in characters) of the start of `span`.
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        let Some(src) = self.get(span.file) else {
            return (1, 1);
        };
        let offset = (span.start as usize).min(src.text.len());
        let before = src.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, col)
    }
}
