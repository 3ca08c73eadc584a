//! The project context: resolved once, at the start of a command, and used by every command and
//! by the service.
//!
//! A [`Project`] holds the root (found from the working directory by the workspace's one
//! project-root rule, [`datalex_files::project_root`], as the language server finds it), the typed configuration of
//! `datalex.toml` merged with the command line's flags, where the policies, facts and extra
//! calendar years are, the [`Clock`], and the one rule for choosing a jurisdiction
//! ([`Project::available`], [`Project::served`], [`Project::choose`]).

pub mod clock;
pub mod config;
pub mod jurisdiction;

pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{parse_toml, Config, ConfigError, ServeConfig, CONFIG_FILE};
pub use jurisdiction::JurisdictionError;

use crate::load;
use datalex_compiler::{Compiled, PolicySet};
use datalex_evaluator::{Calendar, Jurisdiction};
use datalex_i18n::Lang;
use datalex_lang::SourceMap;
use jurisdiction::Unchosen;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the command line says; each `None` takes the project's default.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--policies DIR` (default: `policies` at the root).
    pub policies: Option<PathBuf>,
    /// `--data DIR`: the facts of the jurisdiction (default: `data/<jurisdiction>` at the root).
    pub data: Option<PathBuf>,
    /// `--jurisdiction NAME`.
    pub jurisdiction: Option<String>,
    /// `--calendar DIR`: extra calendar years.
    pub calendar: Option<PathBuf>,
    /// `datalex serve --skip-policy-tests` (`Some(false)`): serve policies without running
    /// their tests first (default: `[serve] policy_tests` of `datalex.toml`, else run them).
    pub policy_tests: Option<bool>,
}

/// A project: where everything is, what `datalex.toml` says, and the clock.
#[derive(Debug, Clone)]
pub struct Project {
    root: PathBuf,
    config: Config,
    policies: PathBuf,
    data: Option<PathBuf>,
    calendar: Option<PathBuf>,
    jurisdiction: Option<String>,
    policy_tests: Option<bool>,
    clock: Arc<dyn Clock>,
    /// The policy bundle served (`serve --bundles`), if any: [`Project::serving`].
    bundle: Option<Served>,
}

/// A policy bundle a project serves: where it is unpacked and what `/v1/policies` says of it.
#[derive(Debug, Clone)]
pub struct Served {
    /// The directory it is unpacked in (its `data/` holds the facts).
    pub dir: PathBuf,
    /// Its id, signer and activation.
    pub info: Arc<crate::api::BundleInfo>,
}

/// The root of the project the directory `cwd` is in, by the workspace's one rule
/// ([`datalex_files::project_root`] with the default policy folder), as a path relative to
/// `cwd`: the empty path when `cwd` is the root, one `..` per level when the root is above it.
/// The empty path (`cwd` itself) when no directory above `cwd` is a project root.
pub fn root_from(cwd: &Path) -> PathBuf {
    let Some(found) = datalex_files::project_root(cwd, Path::new(datalex_files::POLICIES)) else {
        return PathBuf::new();
    };
    match datalex_files::normalise(cwd).strip_prefix(&found.root) {
        Ok(below) => below.components().map(|_| "..").collect(),
        Err(_) => found.root,
    }
}

impl Project {
    /// The project of the working directory: its root is found by [`root_from`] (the
    /// nearest directory at or above it with `datalex.toml`, else with `policies/`, else named
    /// `policies`), relative to the working directory so that paths stay relative and files
    /// are named as the user sees them (`policies/binzhou/sharing.dlx` at the root,
    /// `../../policies/binzhou/sharing.dlx` from `policies/binzhou`).
    pub fn discover(flags: Flags) -> Result<Project, ConfigError> {
        let root = std::env::current_dir()
            .map(|cwd| root_from(&cwd))
            .unwrap_or_default();
        Project::at(root, flags)
    }

    /// The project whose root is `root`: reads `root/datalex.toml` (if present) and merges the
    /// flags; paths in `flags` are taken as given, the defaults are under `root`. The clock is
    /// the system's.
    pub fn at(root: PathBuf, flags: Flags) -> Result<Project, ConfigError> {
        let config = Config::read(&root.join(CONFIG_FILE))?;
        Ok(Project {
            policies: flags.policies.unwrap_or_else(|| root.join("policies")),
            data: flags.data,
            calendar: flags.calendar,
            jurisdiction: flags.jurisdiction,
            policy_tests: flags.policy_tests,
            config,
            root,
            clock: Arc::new(SystemClock),
            bundle: None,
        })
    }

    /// This project serving the policy bundle unpacked at `dir` instead of its own files: the
    /// policies, facts (`data/<jurisdiction>`) and calendar years (`calendar/`) are the
    /// bundle's, and so is `default_jurisdiction` (`default` below, from the bundle's
    /// `datalex.toml`); the root, the other settings (`[serve]`, `[decision_log]`), the
    /// `--jurisdiction` flag and the clock stay this project's. A bundle's package tests always
    /// run before it is served.
    pub fn serving(
        &self,
        dir: &Path,
        default_jurisdiction: Option<String>,
        info: crate::api::BundleInfo,
    ) -> Project {
        let calendar = dir.join("calendar");
        let mut config = self.config.clone();
        config.default_jurisdiction = default_jurisdiction;
        Project {
            root: self.root.clone(),
            config,
            policies: dir.join("policies"),
            data: None,
            calendar: calendar.is_dir().then_some(calendar),
            jurisdiction: self.jurisdiction.clone(),
            policy_tests: Some(true),
            clock: Arc::clone(&self.clock),
            bundle: Some(Served {
                dir: dir.to_path_buf(),
                info: Arc::new(info),
            }),
        }
    }

    /// The policy bundle this project serves, if it serves one ([`Project::serving`]).
    pub fn bundle(&self) -> Option<&Served> {
        self.bundle.as_ref()
    }

    /// Where the facts of every jurisdiction are: `data/` at the root, or in the bundle served.
    fn data_root(&self) -> PathBuf {
        match &self.bundle {
            Some(b) => b.dir.join("data"),
            None => self.root.join("data"),
        }
    }

    /// The same project with another clock (tests use a [`FixedClock`]).
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Project {
        Project { clock, ..self }
    }

    /// The root directory (the empty path for the working directory).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What `datalex.toml` says.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The policy directory (every `.dlx` below it), and the default of commands that take
    /// policy paths.
    pub fn policies(&self) -> &Path {
        &self.policies
    }

    /// Whether policies must pass their packages' own tests before a service serves them:
    /// the flag, else `[serve] policy_tests` of `datalex.toml`, else yes.
    pub fn policy_tests(&self) -> bool {
        self.policy_tests
            .or(self.config.serve.policy_tests)
            .unwrap_or(true)
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The data directory of `jurisdiction`: `--data`, else `data/<jurisdiction>` at the root.
    pub fn data_dir(&self, jurisdiction: &str) -> PathBuf {
        self.data
            .clone()
            .unwrap_or_else(|| self.data_root().join(jurisdiction))
    }

    /// The directories whose changes a running service reloads: the policies, the facts
    /// (`--data`, else `data/`) and the extra calendar years.
    pub fn watched(&self) -> Vec<PathBuf> {
        let mut dirs = vec![
            self.policies.clone(),
            self.data.clone().unwrap_or_else(|| self.data_root()),
        ];
        dirs.extend(self.calendar.clone());
        dirs
    }

    /// Compiles the policies; a file the walk skips is a warning in `lang`.
    pub fn compile(&self, lang: Lang) -> anyhow::Result<(SourceMap, Compiled)> {
        load::compile_paths(std::slice::from_ref(&self.policies), lang)
    }

    /// The directory of extra calendar years (`--calendar`), if any.
    pub fn calendar_dir(&self) -> Option<&Path> {
        self.calendar.as_deref()
    }

    /// The embedded calendar with the extra years of `--calendar`; a file the walk skips is a
    /// warning in `lang`.
    pub fn calendar(&self, lang: Lang) -> anyhow::Result<Calendar> {
        load::calendar(self.calendar.as_deref(), lang)
    }

    /// Binds the jurisdiction `name` of `policy` to its facts; an error is worded in `lang`.
    pub fn bind(
        &self,
        policy: &Arc<PolicySet>,
        calendar: &Arc<Calendar>,
        name: &str,
        lang: Lang,
    ) -> anyhow::Result<Jurisdiction> {
        let facts = Arc::new(load::facts(&self.data_dir(name), lang)?);
        Ok(Jurisdiction::new(
            Arc::clone(policy),
            name,
            facts,
            Arc::clone(calendar),
        )?)
    }

    /// The jurisdictions that can decide here, in the policies' order: the one `--jurisdiction`
    /// names, else every policy package with rules that has facts (`--data`, or a directory
    /// `data/<package>`).
    pub fn available(&self, policy: &PolicySet) -> Result<Vec<String>, JurisdictionError> {
        if let Some(flag) = &self.jurisdiction {
            return match policy.package(flag) {
                Some(_) => Ok(vec![flag.clone()]),
                None => Err(self.no_package(flag)),
            };
        }
        Ok(policy
            .packages
            .iter()
            .filter(|p| p.name != datalex_compiler::STD && !p.plans.is_empty())
            .filter(|p| self.has_data(&p.name))
            .map(|p| p.name.clone())
            .collect())
    }

    /// The jurisdictions a service binds ahead of requests: the [available](Project::available)
    /// ones, except that `--data` without `--jurisdiction` names one jurisdiction's facts, so
    /// only the one a request naming none would get is served.
    pub fn served(&self, policy: &PolicySet) -> Result<Vec<String>, JurisdictionError> {
        let available = self.available(policy)?;
        if self.jurisdiction.is_none() && self.data.is_some() {
            return match self.choose(policy, None, &available, String::as_str) {
                Ok(one) => Ok(vec![one.clone()]),
                Err(JurisdictionError::Several { candidates }) => {
                    Err(JurisdictionError::DataOfWhich { candidates })
                }
                Err(e) => Err(e),
            };
        }
        if available.is_empty() {
            return Err(self.none_available());
        }
        Ok(available)
    }

    /// Which of `available` (named by `name`) decides a request that names `named`: the
    /// [rule](jurisdiction) with this project's `--jurisdiction` and `datalex.toml`.
    pub fn choose<'a, T>(
        &self,
        policy: &PolicySet,
        named: Option<&str>,
        available: &'a [T],
        name: impl Fn(&T) -> &str,
    ) -> Result<&'a T, JurisdictionError> {
        jurisdiction::choose(
            named,
            self.jurisdiction.as_deref(),
            self.config.default_jurisdiction.as_deref(),
            available,
            &name,
        )
        .map_err(|why| match why {
            Unchosen::Conflict { named, flag } => JurisdictionError::Conflict { named, flag },
            Unchosen::Unavailable(wanted) => {
                if policy.package(&wanted).is_none() {
                    self.no_package(&wanted)
                } else if !self.has_data(&wanted) {
                    JurisdictionError::NoData {
                        dir: self.data_dir(&wanted),
                        name: wanted,
                    }
                } else {
                    JurisdictionError::NotServed {
                        name: wanted,
                        served: available.iter().map(|a| name(a).to_string()).collect(),
                    }
                }
            }
            Unchosen::Several => JurisdictionError::Several {
                candidates: available.iter().map(|a| name(a).to_string()).collect(),
            },
            Unchosen::Nothing => self.none_available(),
        })
    }

    fn has_data(&self, jurisdiction: &str) -> bool {
        self.data.is_some() || self.data_dir(jurisdiction).is_dir()
    }

    fn no_package(&self, name: &str) -> JurisdictionError {
        JurisdictionError::NoPackage {
            name: name.to_string(),
            policies: self.policies.clone(),
        }
    }

    fn none_available(&self) -> JurisdictionError {
        JurisdictionError::NoneAvailable {
            data: self.data_root(),
        }
    }
}
