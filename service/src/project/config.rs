//! `datalex.toml`: the project's settings, typed.

use crate::limits::Rate;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
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
    /// How `datalex serve` lets callers in and holds its connections (`[serve]`); the flags of
    /// `datalex serve` override each key.
    #[serde(default)]
    pub serve: ServeConfig,
    /// `[decision_log]`: how the service's decision log is written, keyed and checkpointed.
    #[serde(default)]
    pub decision_log: LogConfig,
}

/// The `[serve]` table of `datalex.toml` (every key optional; the defaults are in
/// `docs/api.md`). Paths are relative to the project root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeConfig {
    /// Whether the policies must pass their packages' own tests before they are served, at
    /// start and on every reload (default: yes; `datalex serve --skip-policy-tests` overrides
    /// it for one run).
    pub policy_tests: Option<bool>,
    /// The key file of the calling platforms (`[[caller]]` entries with the SHA-256 of each
    /// key); without one the service runs open, on loopback only.
    pub keys: Option<PathBuf>,
    /// The routes served without a key (default `["/healthz", "/readyz"]`).
    pub open_routes: Option<Vec<String>>,
    /// The TLS certificate chain (PEM); with `tls_key`, the service speaks only HTTPS.
    pub tls_cert: Option<PathBuf>,
    /// The TLS private key (PEM).
    pub tls_key: Option<PathBuf>,
    /// At most this many connections at once; more wait to be accepted.
    pub max_connections: Option<NonZeroUsize>,
    /// Seconds a client has to send a request's head (and a kept-alive connection to start its
    /// next request).
    pub header_read_timeout: Option<NonZeroU64>,
    /// Seconds a connection may move no byte either way while a request is read or answered.
    pub idle_timeout: Option<NonZeroU64>,
    /// Seconds one request may take.
    pub request_timeout: Option<NonZeroU64>,
    /// Each caller's rate unless its key file entry names one (`"100/s"`).
    pub rate: Option<Rate>,
    /// Requests a caller may send at once (default: the rate's count).
    pub burst: Option<NonZeroU32>,
    /// The rate per peer address of requests without a key on open routes.
    pub open_rate: Option<Rate>,
    /// Their burst.
    pub open_burst: Option<NonZeroU32>,
}

impl ServeConfig {
    /// These settings (the command line's) over `base` (the file's): each key set here wins.
    pub fn over(self, base: ServeConfig) -> ServeConfig {
        ServeConfig {
            policy_tests: self.policy_tests.or(base.policy_tests),
            keys: self.keys.or(base.keys),
            open_routes: self.open_routes.or(base.open_routes),
            tls_cert: self.tls_cert.or(base.tls_cert),
            tls_key: self.tls_key.or(base.tls_key),
            max_connections: self.max_connections.or(base.max_connections),
            header_read_timeout: self.header_read_timeout.or(base.header_read_timeout),
            idle_timeout: self.idle_timeout.or(base.idle_timeout),
            request_timeout: self.request_timeout.or(base.request_timeout),
            rate: self.rate.or(base.rate),
            burst: self.burst.or(base.burst),
            open_rate: self.open_rate.or(base.open_rate),
            open_burst: self.open_burst.or(base.open_burst),
        }
    }

    /// The same settings with the paths taken relative to `root` (the file's are relative to
    /// the project root).
    pub fn under(self, root: &Path) -> ServeConfig {
        let join = |p: Option<PathBuf>| p.map(|p| root.join(p));
        ServeConfig {
            keys: join(self.keys),
            tls_cert: join(self.tls_cert),
            tls_key: join(self.tls_key),
            ..self
        }
    }
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
        parse_toml(path, text)
    }
}

/// Parses a TOML file of the project (`datalex.toml`, the service's key file) into `T`, the
/// error naming the file, the line and the key.
pub fn parse_toml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, ConfigError> {
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
                "proj/datalex.toml:2: `default_jurisdicton`: unknown field `default_jurisdicton`, expected one of `default_jurisdiction`, `serve`, `decision_log`"
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
    fn the_serve_table_reads_and_flags_win_over_it() {
        let config = parse(
            "[serve]\nkeys = \"callers.toml\"\nopen_routes = [\"/healthz\"]\nmax_connections = 64\nheader_read_timeout = 5\nrate = \"10/s\"\nburst = 20\n",
        )
        .unwrap();
        let serve = config.serve.clone().under(Path::new("proj"));
        assert_eq!(serve.keys.as_deref(), Some(Path::new("proj/callers.toml")));
        assert_eq!(serve.max_connections.map(NonZeroUsize::get), Some(64));
        assert_eq!(serve.rate.map(|r| r.to_string()).as_deref(), Some("10/s"));
        let flags = ServeConfig {
            max_connections: NonZeroUsize::new(8),
            ..ServeConfig::default()
        };
        let merged = flags.over(serve);
        assert_eq!(merged.max_connections.map(NonZeroUsize::get), Some(8));
        assert_eq!(merged.header_read_timeout.map(NonZeroU64::get), Some(5));
        let zero = parse("[serve]\nheader_read_timeout = 0\n").unwrap_err();
        assert!(
            zero.starts_with("proj/datalex.toml:2: `serve.header_read_timeout`: "),
            "{zero}"
        );
        let rate = parse("[serve]\nrate = \"lots\"\n").unwrap_err();
        assert!(
            rate.contains("`serve.rate`") && rate.contains("not a rate"),
            "{rate}"
        );
        let unknown = parse("[serve]\nport = 80\n").unwrap_err();
        assert!(unknown.contains("unknown field `port`"), "{unknown}");
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
