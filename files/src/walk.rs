//! The directory walker: every policy file under some files and directories, safely.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The extension of policy files (`x.dlx`).
pub const EXTENSION: &str = "dlx";

/// How many directory levels below a directory given to the walker are followed. The deepest
/// policy folder of this repository has three (`policies/<package>/…`); 32 leaves room for any
/// sensible layout while a tree that goes deeper (a runaway symbolic link, a generated tree) is
/// reported instead of walked.
pub const MAX_DEPTH: usize = 32;

/// How many policy files one walk may find (each counted once): a project has tens; ten
/// thousand is far beyond any real one, and small enough to stop before memory runs out.
pub const MAX_FILES: usize = 10_000;

/// How many directory entries one walk may look at (files of any kind, directories, links,
/// each time they are reached): ten per policy file at the file limit. It bounds a walk through
/// symbolic links that reach the same folders by many routes without a loop.
pub const MAX_ENTRIES: usize = 10 * MAX_FILES;

/// The largest policy file read, in bytes: 4 MiB. The largest file of this repository is under
/// 64 KiB; the compiler holds every file in memory with its syntax tree.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why the walk or a read failed; each names the path.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// A file or directory given to the walker does not exist.
    #[error("{} does not exist", path.display())]
    Missing {
        /// The path given.
        path: PathBuf,
    },
    /// Reading a directory or a file failed.
    #[error("reading {}: {source}", path.display())]
    Io {
        /// The directory or file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A path given to the walker, or read, is neither a regular file nor a directory (a FIFO,
    /// a device, a socket): it is never opened.
    #[error("{}: not a regular file ({kind})", path.display())]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// The walk found more than [`MAX_FILES`] policy files.
    #[error("{}: more than {limit} policy files", path.display())]
    TooManyFiles {
        /// The file or directory whose walk passed the limit.
        path: PathBuf,
        /// The limit.
        limit: usize,
    },
    /// The walk looked at more than [`MAX_ENTRIES`] directory entries.
    #[error("{}: more than {limit} directory entries (symbolic links reaching the same folders many times?)", path.display())]
    TooManyEntries {
        /// The file or directory whose walk passed the limit.
        path: PathBuf,
        /// The limit.
        limit: usize,
    },
    /// A directory more than [`MAX_DEPTH`] levels below the directory given.
    #[error("{}: more than {limit} directory levels deep; not read", path.display())]
    TooDeep {
        /// The first directory too deep.
        path: PathBuf,
        /// The limit.
        limit: usize,
    },
    /// A policy file larger than [`MAX_FILE_BYTES`].
    #[error("{}: {size} bytes, more than the {limit} a policy file may have", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

impl WalkError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            WalkError::Missing { path }
            | WalkError::Io { path, .. }
            | WalkError::NotRegular { path, .. }
            | WalkError::TooManyFiles { path, .. }
            | WalkError::TooManyEntries { path, .. }
            | WalkError::TooDeep { path, .. }
            | WalkError::TooLarge { path, .. } => path,
        }
    }
}

/// Why an entry named like a policy file (or a directory) was left out of a walk without
/// making it fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// A FIFO, a device or a socket: never opened (reading a FIFO would wait forever).
    NotRegular(FileKind),
    /// A symbolic link to a directory that contains it: its files are listed once, through
    /// the path without the loop.
    SymlinkLoop {
        /// The directory the link leads back to.
        target: PathBuf,
    },
    /// A symbolic link to nothing.
    BrokenLink,
}

/// What a path that is neither a regular file nor a directory is. Typed, so that each reader's
/// language words it (`datalex_service::words`); its `Display` is the English, for logs and
/// tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A FIFO (named pipe).
    Fifo,
    /// A character or block device.
    Device,
    /// A Unix socket.
    Socket,
    /// A symbolic link (where one is not followed).
    Symlink,
    /// Anything else that is not a file or a directory.
    Other,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Fifo => "a FIFO",
            FileKind::Device => "a device",
            FileKind::Socket => "a socket",
            FileKind::Symlink => "a symbolic link",
            FileKind::Other => "not a file or a directory",
        })
    }
}

/// The English of a skip reason, for logs and tests; people read it worded in their language
/// (`datalex_service::words::skipped`).
impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotRegular(kind) => write!(f, "not a regular file ({kind})"),
            SkipReason::SymlinkLoop { target } => write!(
                f,
                "a symbolic link back to {}, which is already being read",
                target.display()
            ),
            SkipReason::BrokenLink => write!(f, "a symbolic link to nothing"),
        }
    }
}

/// An entry left out of a walk, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry.
    pub path: PathBuf,
    /// Why.
    pub reason: SkipReason,
}

/// The English, for logs and tests (see [`SkipReason`]'s).
impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: skipped, {}", self.path.display(), self.reason)
    }
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct PolicyFiles {
    /// The policy files, sorted, each once (by canonical path), spelt as found from the paths
    /// given (not through a symbolic link when another way reaches the same file).
    pub files: Vec<PathBuf>,
    /// Entries left out, with the reason (to be reported as warnings).
    pub skipped: Vec<Skipped>,
    /// Entries that could not be listed (too deep, too large, unreadable): [`policy_files`]
    /// fails with the first one; a lenient caller (the language server) loads the rest.
    pub errors: Vec<WalkError>,
}

/// Every policy file under `paths` (files are taken whatever their extension; directories give
/// their `*.dlx` files at any depth up to [`MAX_DEPTH`]): sorted, each file once however it is
/// reached. Symbolic links are followed, loops skipped; FIFOs and devices are skipped and never
/// opened ([`PolicyFiles::skipped`] says why). Fails, naming the path, on a path that does not
/// exist, an unreadable directory, a tree too deep, a file too large, too many files.
pub fn policy_files<P: AsRef<Path>>(paths: &[P]) -> Result<PolicyFiles, WalkError> {
    let mut walker = Walker::new();
    for p in paths {
        walker.add(p.as_ref())?;
    }
    walker.finish().checked()
}

impl PolicyFiles {
    /// The same, or the first entry that could not be listed as an error (what a command that
    /// must see every file wants; the language server loads what it can instead).
    pub fn checked(mut self) -> Result<PolicyFiles, WalkError> {
        if self.errors.is_empty() {
            return Ok(self);
        }
        Err(self.errors.swap_remove(0))
    }
}

/// Reads the policy file at `path` as text: fails, naming the path, if it is not a regular
/// file (which is then never opened), is larger than [`MAX_FILE_BYTES`], or is not UTF-8.
pub fn read_policy(path: &Path) -> Result<String, WalkError> {
    let io = |source| WalkError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => WalkError::Missing {
            path: path.to_path_buf(),
        },
        _ => io(e),
    })?;
    if !meta.is_file() {
        return Err(WalkError::NotRegular {
            path: path.to_path_buf(),
            kind: kind(&meta.file_type()),
        });
    }
    too_large(path, meta.len())?;
    let file = std::fs::File::open(path).map_err(io)?;
    let mut text = String::new();
    // One byte more than the limit: a file that grew since its size was taken is still caught.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    too_large(path, text.len() as u64)?;
    Ok(text)
}

fn too_large(path: &Path, size: u64) -> Result<(), WalkError> {
    if size > MAX_FILE_BYTES {
        return Err(WalkError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(())
}

/// A walk that paths are added to one at a time (the decision service adds the folders of the
/// packages the first ones extend), and that keeps what it found when one fails (the language
/// server loads what it can).
#[derive(Debug)]
pub struct Walker {
    /// The extension of the files listed from directories.
    extension: &'static str,
    /// Whether subdirectories are walked (else ignored).
    recursive: bool,
    /// Canonical path → (the path as found, whether it was found through a symbolic link).
    files: HashMap<PathBuf, (PathBuf, bool)>,
    /// In the order found.
    order: Vec<PathBuf>,
    skipped: Vec<Skipped>,
    errors: Vec<WalkError>,
    entries: usize,
}

impl Default for Walker {
    fn default() -> Walker {
        Walker::new()
    }
}

impl Walker {
    /// An empty walk for policy files (`*.dlx`, in subdirectories too).
    pub fn new() -> Walker {
        Walker {
            extension: EXTENSION,
            recursive: true,
            files: HashMap::new(),
            order: Vec::new(),
            skipped: Vec::new(),
            errors: Vec::new(),
            entries: 0,
        }
    }

    /// An empty walk for the files named `*.<extension>` directly in the directories added
    /// (their subdirectories are ignored): the extra calendar years, `*.toml`.
    pub fn flat(extension: &'static str) -> Walker {
        Walker {
            extension,
            recursive: false,
            ..Walker::new()
        }
    }

    /// The policy files found so far, in the order found.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.order
            .iter()
            .filter_map(|c| self.files.get(c))
            .map(|(p, _)| p.as_path())
    }

    /// The `i`-th policy file found (counting from 0, in the order found).
    pub fn file(&self, i: usize) -> Option<&Path> {
        let canonical = self.order.get(i)?;
        self.files.get(canonical).map(|(p, _)| p.as_path())
    }

    /// Adds the policy files under `path` (a file of any extension, or a directory). Fails on a
    /// path that does not exist or is not a regular file or a directory, and when a limit on
    /// the number of files or entries is passed (what was found until then is kept); other
    /// problems are kept in [`PolicyFiles::skipped`] and [`PolicyFiles::errors`].
    pub fn add(&mut self, path: &Path) -> Result<(), WalkError> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => WalkError::Missing {
                path: path.to_path_buf(),
            },
            _ => WalkError::Io {
                path: path.to_path_buf(),
                source: e,
            },
        })?;
        if meta.is_file() {
            return self.found(path, meta.len(), false, path);
        }
        if !meta.is_dir() {
            return Err(WalkError::NotRegular {
                path: path.to_path_buf(),
                kind: kind(&meta.file_type()),
            });
        }
        let walk = walkdir::WalkDir::new(path)
            .follow_links(true)
            .max_depth(if self.recursive { MAX_DEPTH + 1 } else { 1 })
            .sort_by_file_name();
        // Whether each directory on the current route was reached through a symbolic link.
        let mut via_link: Vec<bool> = Vec::new();
        for entry in walk {
            self.entries += 1;
            if self.entries > MAX_ENTRIES {
                return Err(WalkError::TooManyEntries {
                    path: path.to_path_buf(),
                    limit: MAX_ENTRIES,
                });
            }
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    self.problem(e);
                    continue;
                }
            };
            let depth = entry.depth();
            via_link.truncate(depth);
            let linked = entry.path_is_symlink() || via_link.last().copied().unwrap_or(false);
            let file_type = entry.file_type();
            if file_type.is_dir() {
                if !self.recursive {
                    continue;
                }
                if depth > MAX_DEPTH {
                    self.errors.push(WalkError::TooDeep {
                        path: entry.into_path(),
                        limit: MAX_DEPTH,
                    });
                    continue;
                }
                via_link.push(linked);
                continue;
            }
            if !self.wanted(entry.path()) {
                continue;
            }
            if !file_type.is_file() {
                self.skipped.push(Skipped {
                    path: entry.into_path(),
                    reason: SkipReason::NotRegular(kind(&file_type)),
                });
                continue;
            }
            match entry.metadata() {
                Ok(meta) => self.found(entry.path(), meta.len(), linked, path)?,
                Err(e) => self.problem(e),
            }
        }
        Ok(())
    }

    /// A regular file found (`len` bytes long) while adding `arg`.
    fn found(&mut self, path: &Path, len: u64, linked: bool, arg: &Path) -> Result<(), WalkError> {
        if let Err(e) = too_large(path, len) {
            self.errors.push(e);
            return Ok(());
        }
        let canonical = match path.canonicalize() {
            Ok(c) => c,
            Err(source) => {
                self.errors.push(WalkError::Io {
                    path: path.to_path_buf(),
                    source,
                });
                return Ok(());
            }
        };
        match self.files.get_mut(&canonical) {
            // Found before through a symbolic link, now directly: the direct spelling wins.
            Some(known) if known.1 && !linked => *known = (path.to_path_buf(), false),
            Some(_) => {}
            None => {
                if self.files.len() >= MAX_FILES {
                    return Err(WalkError::TooManyFiles {
                        path: arg.to_path_buf(),
                        limit: MAX_FILES,
                    });
                }
                self.order.push(canonical.clone());
                self.files.insert(canonical, (path.to_path_buf(), linked));
            }
        }
        Ok(())
    }

    /// An entry the walk could not look at.
    fn problem(&mut self, e: walkdir::Error) {
        let path = e.path().map(Path::to_path_buf).unwrap_or_default();
        if let Some(target) = e.loop_ancestor() {
            self.skipped.push(Skipped {
                path,
                reason: SkipReason::SymlinkLoop {
                    target: target.to_path_buf(),
                },
            });
            return;
        }
        let dangling = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
            && std::fs::metadata(&path).is_err();
        if dangling {
            // Only a policy file's name is worth a word: a dangling link named otherwise was
            // never going to be read.
            if self.wanted(&path) {
                self.skipped.push(Skipped {
                    path,
                    reason: SkipReason::BrokenLink,
                });
            }
            return;
        }
        let source = e
            .into_io_error()
            .unwrap_or_else(|| std::io::Error::other("cannot be read"));
        self.errors.push(WalkError::Io { path, source });
    }

    /// Whether a file's name makes it one of the files listed.
    fn wanted(&self, path: &Path) -> bool {
        path.extension().is_some_and(|x| x == self.extension)
    }

    /// What the walk found: the files sorted.
    pub fn finish(self) -> PolicyFiles {
        let mut files: Vec<PathBuf> = self.files.into_values().map(|(p, _)| p).collect();
        files.sort();
        PolicyFiles {
            files,
            skipped: self.skipped,
            errors: self.errors,
        }
    }
}

/// What a file that is neither regular nor a directory is.
fn kind(t: &std::fs::FileType) -> FileKind {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return FileKind::Fifo;
        }
        if t.is_char_device() || t.is_block_device() {
            return FileKind::Device;
        }
        if t.is_socket() {
            return FileKind::Socket;
        }
    }
    if t.is_symlink() {
        return FileKind::Symlink;
    }
    FileKind::Other
}

#[cfg(test)]
mod tests;
