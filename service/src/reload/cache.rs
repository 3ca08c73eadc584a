//! What the last build read, by content hash, so that a reload rebuilds only what changed.
//!
//! - **Policies**: the policy files' names and texts are read (they are small) and hashed; the
//!   same hash keeps the compiled policy set, a new one compiles.
//! - **Calendar**: the extra year files are read and hashed the same way.
//! - **Facts**, per data directory and file: a file whose size, modification and change times
//!   and inode are those of the last read, and that had not changed for two seconds when it was
//!   read, is not read again; any other is read and hashed (SHA-256, the facts' own content
//!   hash, `Facts::hash`) and, beside the hash, parsed after its last reading (only its
//!   changed entries); that parse is kept only if the content changed (a `touch` costs
//!   reading and hashing, and the entries found beside it). Files are hashed in the order of
//!   `FACT_FILES` (the catalog first) and the hash state after each file is kept, so an
//!   unchanged catalog is never read again to hash a changed institution list; a file after one
//!   that changed is read again (its key chains the earlier files'). No text is kept.
//! - **Jurisdictions**: a package bound to the same policy set, facts and calendar is reused
//!   (binding checks every fact record against the prelude's declared fields), for the served
//!   jurisdictions and the package tests alike: a test whose `facts` directory is a served
//!   jurisdiction's decides with the served binding, not a second copy of its facts.
//!
//! After each build only what that build used is kept, so nothing of a replaced version stays
//! alive here.

use crate::load::{self, FactsError};
use datalex_compiler::{Compiled, PolicySet};
use datalex_evaluator::facts::{FactFile, FactsHash, FACT_FILES};
use datalex_evaluator::{Calendar, Facts, Jurisdiction};
use datalex_i18n::Lang;
use datalex_lang::SourceMap;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the last build read; see the module's documentation.
#[derive(Default)]
pub struct Cache {
    policy: Option<Policy>,
    calendar: Option<(String, Arc<Calendar>)>,
    dirs: HashMap<PathBuf, Dir>,
    bound: HashMap<(String, PathBuf), Bound>,
    used_dirs: HashSet<PathBuf>,
    /// The number of the build under way: a directory is read once per build, whichever
    /// jurisdictions and tests name it.
    generation: u64,
    used_bound: HashSet<(String, PathBuf)>,
    /// The last run of the package tests that passed, and what it decided with.
    tests: Option<TestsRun>,
    /// What the last build did, for the log and the benchmark.
    pub stats: Stats,
}

/// What a run of the package tests that passed decided with: running them again with the same
/// policy set, calendar, day, packages and facts would decide every test the same way.
struct TestsRun {
    policy: Arc<PolicySet>,
    calendar: Arc<Calendar>,
    today: datalex_lang::date::Date,
    packages: std::collections::BTreeSet<String>,
    /// Each facts directory the tests named, with the hash of its facts.
    facts: Vec<(PathBuf, String)>,
}

/// What one build read and reused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Whether the policies were compiled (not reused).
    pub compiled: bool,
    /// Whether the package tests ran (not skipped: they passed with the same inputs).
    pub tested: bool,
    /// Fact files read (and hashed).
    pub facts_read: usize,
    /// Fact files parsed.
    pub facts_parsed: usize,
    /// Jurisdictions bound (not reused), tests' included.
    pub bound: usize,
}

/// The compiled policies and what they were compiled from.
#[derive(Clone)]
pub struct Policy {
    key: String,
    /// The policy files.
    pub sources: Arc<SourceMap>,
    /// The compiler's diagnostics (warnings: the policy set compiled).
    pub diagnostics: Arc<Vec<datalex_lang::Diagnostic>>,
    /// The policy set.
    pub policy: Arc<PolicySet>,
}

/// One data directory's files as last read.
#[derive(Default)]
struct Dir {
    files: [Option<File>; 5],
    facts: Option<Arc<Facts>>,
    /// The build that last read it.
    generation: u64,
}

/// One fact file as last read.
struct File {
    seen: Seen,
    /// Whether the file had not changed for a while when it was read: only then does the same
    /// [`Seen`] mean the same content (a file written twice within the file system's clock
    /// tick keeps its times; as git does with a "racily clean" entry, such a file is read
    /// again).
    settled: bool,
    /// The facts hash after this file (and the ones before it).
    after: FactsHash,
    key: String,
    parsed: Result<FactFile, datalex_evaluator::facts::FactsError>,
}

/// What the file system says of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    changed: (i64, i64),
    #[cfg(unix)]
    inode: (u64, u64),
}

/// How long a file must have been unchanged when it was read for its metadata to stand for its
/// content afterwards.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

impl Seen {
    /// Whether the file last changed more than [`SETTLED`] before `now`.
    fn settled(&self, now: std::time::SystemTime) -> bool {
        let old = |t: std::time::SystemTime| now.duration_since(t).is_ok_and(|d| d > SETTLED);
        #[cfg(unix)]
        let changed_old = u64::try_from(self.changed.0)
            .ok()
            .map(|s| std::time::UNIX_EPOCH + std::time::Duration::from_secs(s))
            .is_some_and(old);
        #[cfg(not(unix))]
        let changed_old = false;
        self.modified.is_some_and(old) && changed_old
    }

    fn of(m: &std::fs::Metadata) -> Seen {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt as _;
        Seen {
            len: m.len(),
            modified: m.modified().ok(),
            #[cfg(unix)]
            changed: (m.ctime(), m.ctime_nsec()),
            #[cfg(unix)]
            inode: (m.dev(), m.ino()),
        }
    }
}

struct Bound {
    policy: Arc<PolicySet>,
    facts: Arc<Facts>,
    calendar: Arc<Calendar>,
    jurisdiction: Jurisdiction,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn key_of<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut h = Sha256::new();
    for (name, text) in files {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize())
}

/// The directory `dir` names, for keys: canonical where it exists (`policies/x/../../data/x`
/// and `data/x` are one directory).
fn canonical(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

impl Cache {
    /// Starts a build: forgets the last build's statistics and what it used.
    pub fn begin(&mut self) {
        self.generation += 1;
        self.stats = Stats::default();
        self.used_dirs.clear();
        self.used_bound.clear();
    }

    /// Ends a build: keeps only what it used.
    pub fn end(&mut self) {
        let (dirs, bound) = (&self.used_dirs, &self.used_bound);
        self.dirs.retain(|k, _| dirs.contains(k));
        self.bound.retain(|k, _| bound.contains(k));
    }

    /// Forgets everything (after a build that failed: what it read is not served, and must
    /// not be kept alive beside the snapshot that serves).
    pub fn clear(&mut self) {
        let (stats, generation) = (self.stats, self.generation);
        *self = Cache::default();
        self.stats = stats;
        self.generation = generation;
    }

    /// The policies under `paths`, compiled unless their files are those of the last build.
    /// `Err` holds what the compiler said when they do not compile.
    pub fn compile(
        &mut self,
        paths: &[PathBuf],
        lang: Lang,
    ) -> anyhow::Result<Result<Policy, (SourceMap, Compiled)>> {
        let sources = load::sources(paths, lang)?;
        let key = key_of(
            sources
                .iter()
                .map(|(_, s)| (s.name.as_str(), s.text.as_str())),
        );
        if let Some(p) = self.policy.as_ref().filter(|p| p.key == key) {
            return Ok(Ok(p.clone()));
        }
        self.policy = None;
        self.stats.compiled = true;
        let mut compiled = datalex_compiler::compile(&sources);
        let Some(policy) = compiled.policy.take() else {
            return Ok(Err((sources, compiled)));
        };
        let p = Policy {
            key,
            sources: Arc::new(sources),
            diagnostics: Arc::new(compiled.diagnostics),
            policy: Arc::new(policy),
        };
        self.policy = Some(p.clone());
        Ok(Ok(p))
    }

    /// The calendar with the year files of `dir`, built again only if they changed.
    pub fn calendar(&mut self, dir: Option<&Path>, lang: Lang) -> anyhow::Result<Arc<Calendar>> {
        let years = load::calendar_years(dir, lang)?;
        let key = key_of(years.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        if let Some((k, c)) = &self.calendar {
            if *k == key {
                return Ok(Arc::clone(c));
            }
        }
        let c = Arc::new(load::calendar_of(&years)?);
        self.calendar = Some((key, Arc::clone(&c)));
        Ok(c)
    }

    /// The facts of `dir`; only the files that changed since the last build are parsed.
    pub fn facts(&mut self, dir: &Path) -> Result<Arc<Facts>, FactsError> {
        let key = canonical(dir);
        self.used_dirs.insert(key.clone());
        let cached = self.dirs.entry(key).or_default();
        if cached.generation == self.generation {
            if let Some(f) = &cached.facts {
                return Ok(Arc::clone(f));
            }
        }
        cached.generation = self.generation;
        // Taken out until this read succeeds: a directory that fails to read (a file that is not
        // UTF-8, that cannot be opened) must fail again when it is asked for again in this build
        // (the package tests, then the served jurisdictions), never give the facts it held.
        let previous = cached.facts.take();
        let mut hash = FactsHash::new();
        // Once a file is read again, the files after it are too (their keys chain it).
        let mut chained = false;
        for (slot, name) in cached.files.iter_mut().zip(FACT_FILES) {
            let path = dir.join(name);
            if !path.exists() {
                chained |= slot.take().is_some();
                continue;
            }
            let seen = std::fs::metadata(&path)
                .map(|m| Seen::of(&m))
                .map_err(|e| FactsError::Read {
                    kind: e.kind(),
                    detail: e.to_string(),
                    path: path.clone(),
                })?;
            if let Some(f) = slot
                .as_ref()
                .filter(|f| !chained && f.settled && f.seen == seen)
            {
                hash = f.after.clone();
                continue;
            }
            let now = std::time::SystemTime::now();
            let settled = seen.settled(now);
            let started = std::time::Instant::now();
            let text = load::read_fact_file(&path)?;
            self.stats.facts_read += 1;
            let read_ms = started.elapsed().as_secs_f64() * 1000.0;
            let parse = |last: Option<&FactFile>| {
                FactFile::parse_after(name, &text, None, last).unwrap_or_else(|| {
                    Err(datalex_evaluator::facts::FactsError::Missing {
                        file: name.to_string(),
                    })
                })
            };
            // The facts' hash (SHA-256 of every byte) on a second thread. Beside it this thread
            // parses the text before the hash says whether anything changed at all (most reads
            // find a change; after a `touch` this work is dropped): if the file was read before,
            // after the last reading, its entries found by their hashes (`Layout::of_after`)
            // and only the changed ones parsed (`FactFile::parse_after`), so that the hash is
            // the longer of the two and a changed file costs reading and hashing it; if it was
            // never read, whole. (A file whose last reading failed is parsed after the hash
            // shows it changed.)
            let last = slot.as_ref().and_then(|f| f.parsed.as_ref().ok());
            let speculate = last.is_some() || slot.is_none();
            let started = std::time::Instant::now();
            let (after, beside, beside_ms) = std::thread::scope(|s| {
                let hashing = s.spawn(|| {
                    let mut h = hash.clone();
                    h.add(name, text.as_bytes());
                    (h, started.elapsed().as_secs_f64() * 1000.0)
                });
                let beside = speculate.then(|| parse(last));
                let beside_ms = started.elapsed().as_secs_f64() * 1000.0;
                (hashing.join(), beside, beside_ms)
            });
            let (after, hash_ms) = after.unwrap_or_else(|_| {
                // The hashing thread panicked (it does not): hashed again here.
                let mut h = hash.clone();
                h.add(name, text.as_bytes());
                (h, started.elapsed().as_secs_f64() * 1000.0)
            });
            hash = after;
            let key = hash.finish();
            if let Some(f) = slot.as_mut().filter(|f| f.key == key) {
                f.seen = seen;
                f.settled = settled;
                continue;
            }
            chained = true;
            self.stats.facts_parsed += 1;
            let parsed = beside.unwrap_or_else(|| parse(None));
            tracing::info!(
                file = %path.display(),
                read_ms,
                hash_ms,
                beside_ms,
                elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
                "read a changed fact file"
            );
            drop(text);
            *slot = Some(File {
                seen,
                settled,
                after: hash.clone(),
                key,
                parsed,
            });
        }
        let hash = hash.finish();
        if let Some(f) = previous.filter(|f| f.hash == hash) {
            cached.facts = Some(Arc::clone(&f));
            return Ok(f);
        }
        let [a, b, c, d, e] = &cached.files;
        let facts = Facts::assemble([a, b, c, d, e].map(|f| f.as_ref().map(|f| &f.parsed)), hash)
            .map_err(|e| load::invalid(dir, &e))?;
        let facts = Arc::new(facts);
        cached.facts = Some(Arc::clone(&facts));
        Ok(facts)
    }

    /// Whether the package tests of `packages` passed with this policy set, calendar, day and
    /// the facts their directories hold now (read through the cache, so an unchanged
    /// directory costs a look at its files' metadata).
    pub fn tests_passed(
        &mut self,
        policy: &Arc<PolicySet>,
        calendar: &Arc<Calendar>,
        today: datalex_lang::date::Date,
        packages: &std::collections::BTreeSet<String>,
    ) -> bool {
        let Some(run) = self.tests.take() else {
            return false;
        };
        let same = Arc::ptr_eq(&run.policy, policy)
            && Arc::ptr_eq(&run.calendar, calendar)
            && run.today == today
            && run.packages == *packages
            && run
                .facts
                .iter()
                .all(|(dir, hash)| self.facts(dir).is_ok_and(|f| f.hash == *hash));
        if same {
            self.tests = Some(run);
        }
        same
    }

    /// Records a run of the package tests that passed ([`Cache::tests_passed`]).
    pub fn passed(
        &mut self,
        policy: &Arc<PolicySet>,
        calendar: &Arc<Calendar>,
        today: datalex_lang::date::Date,
        packages: std::collections::BTreeSet<String>,
        facts: Vec<(PathBuf, String)>,
    ) {
        self.stats.tested = true;
        self.tests = Some(TestsRun {
            policy: Arc::clone(policy),
            calendar: Arc::clone(calendar),
            today,
            packages,
            facts,
        });
    }

    /// `package` of `policy` bound to `facts` and `calendar` (the facts of `dir`), reusing the
    /// last build's binding of the same package to the same three; after a binding of the same
    /// package to other facts, the entries the two share are not checked again
    /// ([`Jurisdiction::new_after`]).
    pub fn bind(
        &mut self,
        policy: &Arc<PolicySet>,
        package: &str,
        dir: &Path,
        facts: Arc<Facts>,
        calendar: &Arc<Calendar>,
    ) -> Result<Jurisdiction, datalex_evaluator::BindError> {
        let key = (package.to_string(), canonical(dir));
        self.used_bound.insert(key.clone());
        if let Some(b) = self.bound.get(&key).filter(|b| {
            Arc::ptr_eq(&b.policy, policy)
                && Arc::ptr_eq(&b.facts, &facts)
                && Arc::ptr_eq(&b.calendar, calendar)
        }) {
            return Ok(b.jurisdiction.clone());
        }
        let last = self.bound.remove(&key);
        self.stats.bound += 1;
        let started = std::time::Instant::now();
        let (p, f, c) = (Arc::clone(policy), Arc::clone(&facts), Arc::clone(calendar));
        let j = match &last {
            Some(b) => Jurisdiction::new_after(p, package, f, c, &b.jurisdiction),
            None => Jurisdiction::new(p, package, f, c),
        }?;
        drop(last);
        tracing::debug!(
            package,
            dir = %dir.display(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "bound a package to its facts"
        );
        self.bound.insert(
            key,
            Bound {
                policy: Arc::clone(policy),
                facts,
                calendar: Arc::clone(calendar),
                jurisdiction: j.clone(),
            },
        );
        Ok(j)
    }
}
