//! `datalex.toml`: the project's settings, typed.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The name of the configuration file at a project's root.
pub const CONFIG_FILE: &str = "datalex.toml";

/// What `datalex.toml` may say. Every key is optional; an unknown key is an error (a misspelt
/// key should not be silently ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The jurisdiction that decides a request that names none, when several policy packages
    /// have facts (`--jurisdiction` overrides it).
    pub default_jurisdiction: Option<String>,
    /// `[serve]`: how `datalex serve` runs.
    #[serde(default)]
    pub serve: ServeConfig,
    /// `[decision_log]`: how the service's decision log is written, keyed and checkpointed.
    #[serde(default)]
    pub decision_log: LogConfig,
}

/// The `[serve]` table of `datalex.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeConfig {
    /// Whether the policies must pass their packages' own tests before they are served, at
    /// start and on every reload (default: yes; `datalex serve --skip-policy-tests` overrides
    /// it for one run).
    pub policy_tests: Option<bool>,
}

/// `[decision_log]` of `datalex.toml`; paths are relative to the project root, and every key
/// has a default (`docs/api.md`, "Decision log").
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// `durable` (default: a decision is answered once its record is committed) or `async`
    /// (`serve --log-mode` overrides it).
    pub mode: Option<crate::decision_log::LogMode>,
    /// The MAC and encryption key file (default `<log>.keys`; created if absent).
    pub key_file: Option<PathBuf>,
    /// The checkpoint signing key (default `<log>.signing-key`; created if absent).
    pub signing_key: Option<PathBuf>,
    /// The checkpoint file (default `<log>.checkpoints`).
    pub checkpoints: Option<PathBuf>,
    /// A checkpoint every this many records (default 10,000)…
    pub checkpoint_every: Option<u64>,
    /// …or this many seconds after the last one (default 60), and at shutdown.
    pub checkpoint_seconds: Option<u64>,
    /// What is stored encrypted: `none` (default), `request`, or `all` (request and decision).
    pub encrypt: Option<crate::decision_log::Encrypt>,
    /// This service's chain id (default `main`).
    pub chain: Option<String>,
    /// The most records waiting to be written before decisions are refused (default 65,536).
    pub queue: Option<usize>,
}

/// Why `datalex.toml` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("reading {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a key is unknown or of the wrong type.
    #[error("{}:{line}: {}{message}", path.display(), key.as_ref().map(|k| format!("`{k}`: ")).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The line (1-based) the error is on.
        line: usize,
        /// The key that is unknown or whose value is wrong, as a dotted path (`None` where the
        /// error is not about one key: a syntax error).
        key: Option<String>,
        /// What is wrong.
        message: String,
    },
}

impl Config {
    /// Reads the configuration at `path`; a missing file is the default configuration.
    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        if !path.exists() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(path, &text)
    }

    /// Parses the text of a configuration file; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        serde_path_to_error::deserialize(toml::Deserializer::new(text)).map_err(|e| {
            let key = e.path().to_string();
            let inner = e.into_inner();
            let line = inner
                .span()
                .and_then(|span| text.get(..span.start))
                .map_or(1, |before| before.matches('\n').count() + 1);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                key: (key != ".").then_some(key),
                message: inner.message().to_string(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(Path::new("proj/datalex.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn the_bundled_configuration_reads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../datalex.toml");
        let config = Config::read(&path).unwrap();
        assert_eq!(config.default_jurisdiction.as_deref(), Some("binzhou"));
    }

    #[test]
    fn the_decision_log_section_reads() {
        let config = parse(
            "[decision_log]\nmode = \"async\"\nencrypt = \"request\"\ncheckpoint_every = 5\n",
        )
        .unwrap();
        assert_eq!(
            config.decision_log.mode,
            Some(crate::decision_log::LogMode::Async)
        );
        assert_eq!(
            config.decision_log.encrypt,
            Some(crate::decision_log::Encrypt::Request)
        );
        assert_eq!(config.decision_log.checkpoint_every, Some(5));
        let e = parse("[decision_log]\nmode = \"eventually\"\n").unwrap_err();
        assert!(e.contains("`decision_log.mode`"), "{e}");
    }

    #[test]
    fn an_absent_file_or_key_is_the_default() {
        let config = Config::read(Path::new("/nonexistent/datalex.toml")).unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(parse("# nothing set\n").unwrap(), Config::default());
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_key() {
        assert_eq!(
            parse("# a comment\ndefault_jurisdiction = 3\n").unwrap_err(),
            "proj/datalex.toml:2: `default_jurisdiction`: invalid type: integer `3`, expected a string"
        );
        let unknown =
            parse("default_jurisdiction = \"binzhou\"\ndefault_jurisdicton = \"x\"\n").unwrap_err();
        assert!(
            unknown.starts_with(
                "proj/datalex.toml:2: `default_jurisdicton`: unknown field `default_jurisdicton`, expected `default_jurisdiction`"
            ),
            "{unknown}"
        );
        let syntax = parse("default_jurisdiction = \n").unwrap_err();
        assert!(syntax.starts_with("proj/datalex.toml:1: "), "{syntax}");
    }

    #[test]
    fn the_serve_table_turns_policy_tests_off_and_names_unknown_keys() {
        assert_eq!(parse("").unwrap().serve.policy_tests, None);
        assert_eq!(
            parse("[serve]\npolicy_tests = false\n")
                .unwrap()
                .serve
                .policy_tests,
            Some(false)
        );
        let unknown = parse("[serve]\npolicy_test = false\n").unwrap_err();
        assert!(
            unknown.starts_with("proj/datalex.toml:2: `serve.policy_test`: unknown field"),
            "{unknown}"
        );
    }

    #[test]
    fn an_unreadable_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be.
        let path = dir.path().join(CONFIG_FILE);
        std::fs::create_dir(&path).unwrap();
        let e = Config::read(&path).unwrap_err().to_string();
        assert!(e.starts_with(&format!("reading {}", path.display())), "{e}");
    }
}
