//! Signed policy bundles (docs/bundles.md): one content-addressed archive of what a project
//! serves — policies, facts, calendar years and the setting that chooses the default
//! jurisdiction — signed with ed25519, published to PostgreSQL and followed by every replica.
//!
//! - [`archive`]: the file format, its bounded reading and its signatures.
//! - this module: packing a project ([`pack`]), and checking a bundle the way a replica does
//!   before serving it ([`check`]: integrity, a trusted signature, compiling, the package
//!   tests), unpacked into a directory of its own ([`Unpacked`]).
//! - [`store`]: the bundles and the active pointer in PostgreSQL; publishing with `NOTIFY`.
//! - [`follow`]: `serve --bundles`: the active bundle at start, then `LISTEN` and polling, and
//!   the atomic swap (or the refusal, with the previous bundle serving).

pub mod archive;
pub mod follow;
pub mod store;

pub use archive::{Bundle, BundleError};

use crate::api::BundleInfo;
use crate::project::{Config, Flags, Project, CONFIG_FILE};
use crate::reload;
use crate::state::Snapshot;
use anyhow::{anyhow, Context as _};
use datalex_i18n::Lang;
use ed25519_dalek::VerifyingKey;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Packs what the project at `root` serves: every file under its policy directory (as
/// `policies/…`: the `.dlx` files and what their tests read, such as `testdata/`; not the
/// snapshots of `datalex test --snapshot` nor hidden files), the fact files of every directory under `data/` (as `data/<name>/…`), the
/// calendar years of `calendar` (as `calendar/…`), and a `datalex.toml` with the project's
/// `default_jurisdiction`.
pub fn pack(project: &Project, calendar: Option<&Path>) -> anyhow::Result<Bundle> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let policies = project.policies();
    for f in files_under(policies)? {
        let below = f.strip_prefix(policies).unwrap_or(&f);
        files.push((format!("policies/{}", slashed(below)?), read(&f)?));
    }
    if !files.iter().any(|(p, _)| p.ends_with(".dlx")) {
        anyhow::bail!("no policy file (`*.dlx`) under {}", policies.display());
    }
    let data = project.root().join("data");
    if data.is_dir() {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&data)
            .with_context(|| format!("cannot list {}", data.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            let name = slashed(dir.strip_prefix(&data).unwrap_or(&dir))?;
            for fact in datalex_evaluator::facts::FACT_FILES {
                let path = dir.join(fact);
                if path.is_file() {
                    files.push((format!("data/{name}/{fact}"), read(&path)?));
                }
            }
        }
    }
    if let Some(dir) = calendar {
        let mut walker = datalex_files::Walker::flat("toml");
        walker.add(dir)?;
        for f in walker.finish().checked()?.files {
            let below = f.strip_prefix(dir).unwrap_or(&f);
            files.push((format!("calendar/{}", slashed(below)?), read(&f)?));
        }
    }
    let mut toml = String::from(
        "# Written by `datalex bundle build`: the setting of the project that chooses what is served.\n",
    );
    if let Some(d) = &project.config().default_jurisdiction {
        toml.push_str(&format!(
            "default_jurisdiction = {}\n",
            toml::Value::String(d.clone())
        ));
    }
    files.push((CONFIG_FILE.to_owned(), toml.into_bytes()));
    Ok(Bundle::from_files(files)?)
}

/// The files under `dir` that a bundle packs, sorted: regular files (symbolic links followed),
/// at most 32 levels deep and [`archive::MAX_ENTRIES`] in all, leaving out hidden entries and
/// insta snapshots (`*.snap`, `*.snap.new`).
fn files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
        if depth > 32 {
            anyhow::bail!("{} is nested too deeply (over 32 levels)", dir.display());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot list {}", dir.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .with_context(|| format!("cannot list {}", dir.display()))?;
        entries.sort();
        for path in entries {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') || name.ends_with(".snap") || name.ends_with(".snap.new") {
                continue;
            }
            let meta = std::fs::metadata(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if meta.is_dir() {
                walk(&path, depth + 1, out)?;
            } else if meta.is_file() {
                if out.len() >= archive::MAX_ENTRIES {
                    anyhow::bail!(
                        "more than {} files under the policies",
                        archive::MAX_ENTRIES
                    );
                }
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, 0, &mut out)?;
    Ok(out)
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// A relative path as the bundle spells it: `/`-separated, plain components only.
fn slashed(path: &Path) -> anyhow::Result<String> {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(part) => parts.push(
                part.to_str()
                    .ok_or_else(|| anyhow!("{} is not a UTF-8 path", path.display()))?,
            ),
            _ => anyhow::bail!("{} is not a plain relative path", path.display()),
        }
    }
    Ok(parts.join("/"))
}

/// Reads a bundle file (bounded: larger than [`archive::MAX_BYTES`] is refused unread).
pub fn read_file(path: &Path) -> anyhow::Result<Bundle> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read the bundle {}", path.display()))?
        .len();
    if size > archive::MAX_BYTES {
        return Err(BundleError::TooLarge { size })
            .with_context(|| format!("the bundle {}", path.display()));
    }
    let bytes = read(path)?;
    Bundle::read(&bytes).with_context(|| format!("the bundle {} is refused", path.display()))
}

/// Writes `bundle` to `path` (through a temporary file beside it, renamed over it).
pub fn write_file(bundle: &Bundle, path: &Path) -> anyhow::Result<()> {
    let bytes = bundle.to_bytes()?;
    let mut name = path.as_os_str().to_owned();
    name.push(".tmp");
    let tmp = PathBuf::from(name);
    std::fs::write(&tmp, &bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A directory a bundle is unpacked in, removed when dropped unless [`kept`](Unpacked::keep).
#[derive(Debug)]
pub struct Unpacked {
    dir: PathBuf,
    keep: bool,
}

impl Unpacked {
    /// Unpacks `bundle` into a new directory under `base`, named by this process, a counter
    /// and the id (`<pid>-<n>-<hex>`), so that replicas sharing `base` never meet.
    pub fn new(bundle: &Bundle, base: &Path) -> anyhow::Result<Unpacked> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let id = bundle.id();
        let short = id
            .trim_start_matches("sha256:")
            .get(..12)
            .unwrap_or("bundle");
        let dir = base.join(format!(
            "{}-{}-{short}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let unpacked = Unpacked {
            dir: dir.clone(),
            keep: false,
        };
        bundle
            .unpack(&dir)
            .with_context(|| format!("cannot unpack the bundle {id} into {}", dir.display()))?;
        Ok(unpacked)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Keeps the directory (a snapshot serves from it); returns it.
    pub fn keep(mut self) -> PathBuf {
        self.keep = true;
        std::mem::take(&mut self.dir)
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        if !self.keep && !self.dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes the directories under `base` that bundles were unpacked in by processes that are
/// gone (a replica killed before it could clean up). Only where `/proc` tells which processes
/// live; elsewhere nothing is removed.
pub fn remove_stale(base: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Checks `bundle` the way a replica does before serving it — integrity was checked when it
/// was read; then a signature by one of `trusted` (unless `trusted` is `None`: `bundle verify`
/// without keys is refused earlier), unpacking under `base`, compiling and running the package
/// tests ([`reload::build`]) — and returns the snapshot to serve and its directory.
pub fn check(
    bundle: &Bundle,
    trusted: &[VerifyingKey],
    activated_at: &str,
    base: &Project,
    dir: &Path,
    lang: Lang,
) -> anyhow::Result<(Snapshot, Unpacked)> {
    let signed_by = bundle.signed_by(trusted)?;
    let unpacked = Unpacked::new(bundle, dir)?;
    let config = Config::read(&unpacked.dir().join(CONFIG_FILE))
        .map_err(|e| anyhow!(crate::words::config_error(lang, &e)))?;
    let project = base.serving(
        unpacked.dir(),
        config.default_jurisdiction,
        BundleInfo {
            id: bundle.id(),
            signed_by,
            activated_at: activated_at.to_owned(),
        },
    );
    let snapshot = reload::build(&project, lang)?;
    Ok((snapshot, unpacked))
}

/// The project `bundle build` packs: the one at `root`, with its own settings and no flags.
pub fn project_at(root: &Path, lang: Lang) -> anyhow::Result<Project> {
    Project::at(root.to_path_buf(), Flags::default())
        .map_err(|e| anyhow!(crate::words::config_error(lang, &e)))
}

/// `datalex bundle publish`: reads the bundle at `path` (refused unless intact), stores it in
/// the PostgreSQL at `url` (migrating its schema first), makes it the active bundle and
/// notifies the replicas. Returns the bundle and its activation.
pub fn publish(path: &Path, url: &str) -> anyhow::Result<(Bundle, store::Activation)> {
    let bytes = read(path)?;
    let bundle = Bundle::read(&bytes)
        .with_context(|| format!("the bundle {} is refused", path.display()))?;
    let id = bundle.id();
    let activation = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let mut client = crate::pg::connect(url).await?;
            crate::pg::migrate(&mut client).await?;
            store::publish(&mut client, &id, &bytes).await
        })?;
    Ok((bundle, activation))
}
