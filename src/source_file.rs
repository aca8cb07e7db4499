//! Source files and byte spans into them. Knows nothing about formats or findings.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { file, start, end }
    }

    /// A span that covers both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One file read from disk: its display path (relative to the checked root) and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// Path as shown to the user: relative to the root it was found under, `/`-separated.
    pub display: String,
    /// Path on disk.
    pub path: PathBuf,
    pub text: Arc<String>,
    /// Byte offsets of line starts, computed the first time a location is asked for (most
    /// files read never are).
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

/// A 1-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(
                memchr::memchr_iter(b'\n', self.text.as_bytes())
                    .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            starts
        })
    }

    pub fn new(id: FileId, display: String, path: PathBuf, text: Arc<String>) -> Self {
        let line_starts = std::sync::OnceLock::new();
        SourceFile {
            id,
            display,
            path,
            text,
            line_starts,
        }
    }

    /// Clamps a byte offset to the text and to a char boundary.
    pub fn clamp(&self, offset: u32) -> usize {
        let mut o = (offset as usize).min(self.text.len());
        while o > 0 && !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: u32) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = self.clamp(offset);
        let line = self.line_index(offset as u32);
        let start = self.line_starts()[line] as usize;
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The text of a 0-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts().get(line) else {
            return "";
        };
        let end = self
            .line_starts()
            .get(line + 1)
            .map(|&e| e as usize)
            .unwrap_or(self.text.len());
        let s = &self.text[self.clamp(start)..self.clamp(end as u32)];
        s.trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[self.clamp(span.start)..self.clamp(span.end)]
    }
}

/// All files read in one run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, display: String, path: &Path, text: Arc<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files
            .push(SourceFile::new(id, display, path.to_path_buf(), text));
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    pub fn display(&self, id: FileId) -> &str {
        self.get(id)
            .map(|f| f.display.as_str())
            .unwrap_or("<unknown>")
    }

    pub fn line_col(&self, span: Span) -> LineCol {
        self.get(span.file)
            .map(|f| f.line_col(span.start))
            .unwrap_or(LineCol { line: 1, column: 1 })
    }
}
