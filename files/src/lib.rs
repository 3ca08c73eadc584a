//! Where a Datalex project is and which policy files it has: the only directory walker and the
//! only project-root rule of the workspace, shared by the command line, the decision service
//! and the language server.
//!
//! - [`policy_files`] (and [`Walker`]) list every `*.dlx` file under files and directories,
//!   sorted, each file once however it is reached, following symbolic links with loops
//!   detected, at most [`MAX_DEPTH`] levels deep, at most [`MAX_FILES`] files of at most
//!   [`MAX_FILE_BYTES`] each; a FIFO or a device named `x.dlx` is skipped (never opened).
//! - [`read_policy`] reads one policy file within the same size limit, and never opens what is
//!   not a regular file.
//! - [`project_root`] finds the project a directory or a file belongs to, walking up to
//!   `datalex.toml` or the policy folder; [`normalise`] is the one spelling of a path.
//!
//! Nothing here panics on what it finds on disk: every problem is an error or a skipped entry
//! that names its path.

mod root;
mod walk;

pub use root::{normalise, project_root, ProjectRoot, MANIFEST, POLICIES};
pub use walk::{
    policy_files, read_policy, FileKind, PolicyFiles, SkipReason, Skipped, WalkError, Walker,
    EXTENSION, MAX_DEPTH, MAX_ENTRIES, MAX_FILES, MAX_FILE_BYTES,
};
