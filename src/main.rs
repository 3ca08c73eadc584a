//! `datalex`: the command line and the decision service, thin layers over the crates.
//!
//! Exit codes: 0 success, 1 a check or test failed, 2 bad usage or bad input.

/// The allocator (Cargo.toml says why): a reload's freed snapshot goes back to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bundle;
mod cli;
mod coverage;
mod export;
mod fmt;
mod graph;
mod keys;
mod lsp;
mod testing;

use clap::{Parser, Subcommand};
use datalex_i18n::Lang;
use datalex_service::limits::Rate;
use datalex_service::project::ServeConfig;
use datalex_service::project::{Flags, Project};
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
use std::path::PathBuf;
use std::process::ExitCode;

/// Policy-as-code for public-data sharing, opening and development.
#[derive(Parser)]
#[command(name = "datalex", version, about)]
struct Args {
    /// The language of messages and documents: `zh` (default) or `en` (else `DATALEX_LANG`,
    /// `LC_ALL`, `LC_MESSAGES`, `LANG`). Codes such as `E0104` are the same in both.
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
}

/// Where the policies and facts are (merged with `datalex.toml` into the [`Project`]).
#[derive(clap::Args, Clone)]
pub struct Setup {
    /// Policy directory (every `.dlx` below it; default: `policies` at the project root).
    #[arg(long)]
    pub policies: Option<PathBuf>,
    /// Data directory of the jurisdiction (default: `data/<jurisdiction>`).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The jurisdiction (policy package) to decide with (default: the request's `jurisdiction`,
    /// else the only package that has a data directory, else `datalex.toml`'s
    /// `default_jurisdiction`).
    #[arg(long)]
    pub jurisdiction: Option<String>,
    /// Extra calendar year files (`YYYY.toml`) that add to or replace the embedded 2023–2026.
    #[arg(long)]
    pub calendar: Option<PathBuf>,
}

/// Who may ask and how connections are held: each flag overrides the same key of
/// `datalex.toml`'s `[serve]` table (docs/api.md has the defaults).
#[derive(clap::Args, Clone)]
pub struct ServeFlags {
    /// The key file of the calling platforms (`[[caller]]` entries with the SHA-256 of each
    /// key; `datalex keys add` writes them). Without one the service runs open, on loopback only.
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,
    /// DANGEROUS: serve without keys on an address that is not loopback; anyone who can reach it
    /// may ask for decisions and read every logged one.
    #[arg(long)]
    pub insecure_open: bool,
    /// A route served without a key (repeat for several; default `/healthz` and `/readyz`).
    #[arg(long = "open-route", value_name = "PATH")]
    pub open_routes: Vec<String>,
    /// The TLS certificate chain (PEM); with --tls-key the service speaks only HTTPS.
    #[arg(long, value_name = "PEM")]
    pub tls_cert: Option<PathBuf>,
    /// The TLS private key (PEM).
    #[arg(long, value_name = "PEM")]
    pub tls_key: Option<PathBuf>,
    /// At most this many connections at once (default 1024).
    #[arg(long, value_name = "N")]
    pub max_connections: Option<NonZeroUsize>,
    /// Seconds a client has to send a request's head, and an idle kept-alive connection to send
    /// its next one (default 10).
    #[arg(long, value_name = "SECS")]
    pub header_read_timeout: Option<NonZeroU64>,
    /// Seconds a connection may move no byte while a request is read or answered (default 60).
    #[arg(long, value_name = "SECS")]
    pub idle_timeout: Option<NonZeroU64>,
    /// Seconds one request may take (default 10).
    #[arg(long, value_name = "SECS")]
    pub request_timeout: Option<NonZeroU64>,
    /// Each caller's rate unless the key file names one: `N/s`, `N/min` or `N/h` (default 100/s).
    #[arg(long, value_name = "RATE")]
    pub rate: Option<Rate>,
    /// Requests a caller may send at once (default: the rate's N).
    #[arg(long, value_name = "N")]
    pub burst: Option<NonZeroU32>,
    /// The rate per address of requests without a key (default 20/s with keys, none without).
    #[arg(long, value_name = "RATE")]
    pub open_rate: Option<Rate>,
    /// Their burst.
    #[arg(long, value_name = "N")]
    pub open_burst: Option<NonZeroU32>,
}

impl ServeFlags {
    /// The flags as `[serve]` settings (to be put over `datalex.toml`'s).
    fn config(self) -> ServeConfig {
        ServeConfig {
            // `--skip-policy-tests` reaches the project's flags, not these.
            policy_tests: None,
            keys: self.keys,
            open_routes: (!self.open_routes.is_empty()).then_some(self.open_routes),
            tls_cert: self.tls_cert,
            tls_key: self.tls_key,
            max_connections: self.max_connections,
            header_read_timeout: self.header_read_timeout,
            idle_timeout: self.idle_timeout,
            request_timeout: self.request_timeout,
            rate: self.rate,
            burst: self.burst,
            open_rate: self.open_rate,
            open_burst: self.open_burst,
        }
    }
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make a new API key for a calling platform, add its SHA-256 to the key file (created,
    /// mode 0600, if absent) and print the key: it is shown only this once.
    Add {
        /// The key file.
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// The caller's id (`binzhou-platform`), as the decision log records it.
        #[arg(long)]
        id: String,
        /// A scope: decide, read-decisions, audit, read-policies, metrics (repeat for several).
        #[arg(long = "scope", value_name = "SCOPE", required = true)]
        scopes: Vec<String>,
        /// The caller's rate (`N/s`, `N/min`, `N/h`; default the service's).
        #[arg(long, value_name = "RATE")]
        rate: Option<Rate>,
    },
    /// Print the SHA-256 of a key as the key file holds it (the key from the argument, else the
    /// first line of stdin); the same as `printf %s KEY | sha256sum`.
    Hash {
        /// The key (default: read from stdin, so it stays out of the shell's history).
        key: Option<String>,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Write a new ed25519 key pair for signing bundles: OUT (secret, mode 0600) and OUT.pub
    /// (the public key replicas trust); an existing OUT is never overwritten.
    Keygen {
        /// The signing key file to write.
        out: PathBuf,
    },
    /// Pack what the project serves (policies, facts, calendar years, `default_jurisdiction`)
    /// into one archive with a manifest; prints the bundle id (`sha256:…` of the manifest).
    Build {
        /// The project (default: the project of the working directory).
        dir: Option<PathBuf>,
        /// The bundle file to write (`*.dlxb`).
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: PathBuf,
        /// Extra calendar year files (`YYYY.toml`) to pack.
        #[arg(long, value_name = "DIR")]
        calendar: Option<PathBuf>,
    },
    /// Add an ed25519 signature of the bundle id (the id does not change).
    Sign {
        /// The bundle file (rewritten with the signature).
        file: PathBuf,
        /// The signing key (`datalex bundle keygen`); its public key is KEY.pub.
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
    },
    /// Check a bundle as a replica does before serving it: integrity, a signature by a trusted
    /// key, compiling, the package tests; exit 0, or 1 with the reason.
    Verify {
        /// The bundle file.
        file: PathBuf,
        /// A trusted public key (repeat for several).
        #[arg(long = "public-key", value_name = "PUB", required = true)]
        public_keys: Vec<PathBuf>,
    },
    /// Store the bundle in PostgreSQL, make it the active one and notify the replicas (after
    /// checking that it is intact); prints the id.
    Publish {
        /// The bundle file.
        file: PathBuf,
        /// The PostgreSQL store: `postgres://user@host:port/db`.
        #[arg(long, value_name = "URL")]
        store: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify that no logged decision was edited, inserted or deleted (each record's MAC and
    /// link), and with --checkpoint that the log still reaches every signed checkpoint (nothing
    /// was removed from its end); names the first broken record.
    Verify {
        /// The decision log.
        #[arg(long, default_value = "decisions.db")]
        log: PathBuf,
        /// The decision log in PostgreSQL (`postgres://…`: every replica's chain, against the
        /// checkpoints stored there), or an SQLite file (the same as `--log`).
        #[arg(long, value_name = "URL|PATH")]
        store: Option<String>,
        /// The checkpoint file the service wrote (`<log>.checkpoints` by default), or a copy
        /// (with `--store postgres://…`: checked instead of the checkpoints stored there).
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// The public key of the checkpoints (default: `<log>.signing-key.pub`, beside the log;
        /// pass the copy kept off the machine). Repeat it for the keys of several replicas
        /// (default with `--store postgres://…`: the keys the replicas registered there).
        #[arg(long)]
        public_key: Vec<PathBuf>,
        /// The MAC key file (default: `<log>.keys`).
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
#[allow(
    clippy::large_enum_variant,
    reason = "the command line is parsed once per process; `serve`'s many flags need no box"
)]
enum Command {
    /// Compile policies and print every diagnostic; exit 1 on any error.
    Check {
        /// Files or directories (default: `policies`).
        paths: Vec<PathBuf>,
    },
    /// Decide requests: FILE holds one JSON request or JSON Lines (`-` reads stdin); prints one
    /// decision per line.
    Eval {
        #[command(flatten)]
        setup: Setup,
        /// The request file, or `-`.
        file: PathBuf,
    },
    /// The same decisions, explained for people with the cited article text.
    Explain {
        #[command(flatten)]
        setup: Setup,
        /// The request file, or `-`.
        file: PathBuf,
        /// `text` (default), `markdown`, `html` (one printable page) or `json` (the decision of
        /// the contract). In Chinese (the default) the text is a 决定书; `--lang en` gives the
        /// English explanation with the trace.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Run the tests written in the policy files; exit 1 on any failure.
    Test {
        /// Also write each test's decision as an insta snapshot beside the test file
        /// (`snapshots/*.snap`); a decision that changed is written as `.snap.new` for review
        /// (`cargo insta review`) and fails the run.
        #[arg(long)]
        snapshot: bool,
        /// Files or directories (default: `policies`).
        paths: Vec<PathBuf>,
    },
    /// Format policy files in the canonical layout (`--check`: only report, exit 1 if any differs).
    Fmt {
        /// Only check.
        #[arg(long)]
        check: bool,
        /// Write the files with `zh` (Chinese) or `en` (English) keywords and citations;
        /// without it each file keeps its own.
        #[arg(long, value_parser = ["zh", "en"])]
        keywords: Option<String>,
        /// Files or directories (default: `policies`).
        paths: Vec<PathBuf>,
    },
    /// The compiled policy graph: rules, values, params, articles and their edges.
    Graph {
        /// `dot`, `mermaid` or `json`.
        #[arg(long, default_value = "dot")]
        format: String,
        /// Files or directories (default: `policies`).
        paths: Vec<PathBuf>,
    },
    /// For every article of a regulation: the rules that cite it, or why none does; each
    /// regulation with its rank and period.
    Coverage {
        /// Only this regulation (default: every regulation whose text is in the policies).
        #[arg(long)]
        regulation: Option<String>,
        /// What is in force on this day (YYYY-MM-DD): each regulation, the version of each
        /// article (marked where it is not the first, or none is), and the rules that nothing in
        /// force grounds, by package.
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
        /// Exit 1 if an article is neither encoded nor explained by a `coverage` note.
        #[arg(long)]
        strict: bool,
        /// Files or directories (default: `policies`).
        paths: Vec<PathBuf>,
    },
    /// Serve decisions over HTTP.
    Serve {
        #[command(flatten)]
        setup: Setup,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// The decision log (SQLite; created if absent). With `--store postgres://…`, the key
        /// file, signing key and checkpoint file are beside it by default (`<log>.keys`, …).
        #[arg(long, default_value = "decisions.db")]
        log: PathBuf,
        /// Where the decision log is kept: `postgres://USER:PASSWORD@HOST:PORT/DB` (the shared
        /// store of several replicas, migrated at start), or an SQLite file (the same as
        /// `--log`).
        #[arg(long, value_name = "URL|PATH")]
        store: Option<String>,
        /// This replica's id: its chain of the decision log in PostgreSQL (default:
        /// `[decision_log] chain` in datalex.toml, else the host name).
        #[arg(long, value_name = "ID", requires = "store")]
        replica: Option<String>,
        /// `durable`: answer a decision once its log record is committed (the default); `async`:
        /// answer at once and commit soon after (a crash loses what was not yet committed).
        #[arg(long, value_name = "MODE")]
        log_mode: Option<datalex_service::decision_log::LogMode>,
        /// Do not reload when policy or fact files change.
        #[arg(long)]
        no_watch: bool,
        /// Log as JSON lines (request id, jurisdiction, effect, latency), for log collectors.
        #[arg(long)]
        json_logs: bool,
        /// Serve policies without first running their packages' tests (at start and on each
        /// reload); by default policies whose tests fail are not served (`[serve]
        /// policy_tests` in datalex.toml).
        #[arg(long)]
        skip_policy_tests: bool,
        /// Serve the active policy bundle published in --store (and follow it: LISTEN and
        /// polling) instead of the project's files; file watching is off.
        #[arg(long)]
        bundles: bool,
        /// A public key whose signature of a bundle is trusted (repeat for several; needed with
        /// --bundles).
        #[arg(long = "bundle-public-key", value_name = "PUB")]
        bundle_public_keys: Vec<PathBuf>,
        /// Seconds between polls of the active bundle, besides notifications.
        #[arg(long, value_name = "SECS", default_value = "5")]
        bundle_poll: NonZeroU64,
        #[command(flatten)]
        server: ServeFlags,
    },
    /// Apply the PostgreSQL schema's migrations (`serve --store postgres://…` also does at
    /// start); prints those applied, or that the schema is current.
    Migrate {
        /// The database: `postgres://USER:PASSWORD@HOST:PORT/DB`.
        #[arg(long, value_name = "URL")]
        store: String,
    },
    /// Signed policy bundles: `datalex bundle keygen | build | sign | verify | publish`.
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// The calling platforms' API keys: `datalex keys add`, `datalex keys hash`.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Check the decision log's keyed chain and checkpoints: `datalex audit verify [--log PATH]
    /// [--checkpoint FILE]`.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Export the policies to another policy system.
    Export {
        #[command(subcommand)]
        target: ExportTarget,
    },
    /// The language server, on stdin and stdout (for editors).
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(Subcommand)]
enum ExportTarget {
    /// Cedar: a schema, policies for the permit/deny part of the share, open and develop rules,
    /// and the facts as entities, validated by Cedar (strict mode) before they are written.
    Cedar {
        #[command(flatten)]
        setup: Setup,
        /// The folder to write schema.cedarschema, policies.cedar, entities.json and README.md to.
        #[arg(long)]
        out: PathBuf,
    },
}

impl Setup {
    fn flags(self) -> Flags {
        Flags {
            policies: self.policies,
            data: self.data,
            jurisdiction: self.jurisdiction,
            calendar: self.calendar,
            policy_tests: None,
        }
    }
}

/// The project of the working directory (its root found walking up), with these flags:
/// resolved once per command.
fn discover(flags: Flags, lang: Lang) -> anyhow::Result<Project> {
    Project::discover(flags)
        .map_err(|e| anyhow::anyhow!(datalex_service::words::config_error(lang, &e)))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let lang = args.lang.unwrap_or_else(lang_from_env);
    let result = match quiet_on_broken_pipe(|| run(args.command, lang)) {
        Some(result) => result,
        None => return ExitCode::SUCCESS,
    };
    match result {
        Ok(code) => code,
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "{}{}",
                datalex_i18n::text(lang, "cli-error-prefix", None),
                describe(lang, &e)
            );
            ExitCode::from(2)
        }
    }
}

/// Runs `f`, ending quietly (`None`) if its output is a pipe the reader closed
/// (`datalex test policies | head -1`): the one place every command's broken pipe is handled,
/// whether it comes as an error (a `write!` returned `BrokenPipe`) or as the panic with which
/// `print!` reports it. Any other panic goes on as it would have.
fn quiet_on_broken_pipe<T>(f: impl FnOnce() -> T) -> Option<T> {
    fn is_broken_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
        let text = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        text.starts_with("failed printing to std") && text.contains("Broken pipe")
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_broken_pipe(info.payload()) {
            previous(info);
        }
    }));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(payload) if is_broken_pipe(&*payload) => None,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Whether `e` is a write to a pipe the reader closed.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// An error as the reader reads it: the errors of the file walker, which come up through
/// several commands, worded in `lang` when nothing was added to them; the others as they are
/// (each worded in `lang` where it was made).
fn describe(lang: Lang, e: &anyhow::Error) -> String {
    if e.chain().count() == 1 {
        if let Some(w) = e.downcast_ref::<datalex_files::WalkError>() {
            return cli::walk_error(lang, w);
        }
    }
    format!("{e:#}")
}

/// The language the environment asks for, when no `--lang` is given.
fn lang_from_env() -> Lang {
    let vars = ["DATALEX_LANG", "LC_ALL", "LC_MESSAGES", "LANG"].map(|v| std::env::var(v).ok());
    Lang::from_env(vars.iter().map(Option::as_deref))
}

fn run(command: Command, lang: Lang) -> anyhow::Result<ExitCode> {
    match command {
        Command::Check { paths } => {
            let project = discover(Flags::default(), lang)?;
            cli::check(&or_policies(paths, &project), lang)
        }
        Command::Eval { setup, file } => cli::eval(
            &discover(setup.flags(), lang)?,
            &file,
            cli::Output::Json,
            lang,
        ),
        Command::Explain {
            setup,
            file,
            format,
        } => {
            use datalex_evaluator::document::Format;
            let output = match format.as_str() {
                "text" => cli::Output::Document(lang, Format::Text),
                "markdown" => cli::Output::Document(lang, Format::Markdown),
                "html" => cli::Output::Document(lang, Format::Html),
                "json" => cli::Output::Json,
                other => {
                    return Err(cli::unknown_format(
                        lang,
                        other,
                        &["text", "markdown", "html", "json"],
                    ))
                }
            };
            cli::eval(&discover(setup.flags(), lang)?, &file, output, lang)
        }
        Command::Test { paths, snapshot } => {
            let project = discover(Flags::default(), lang)?;
            testing::run(lang, &project, &or_policies(paths, &project), snapshot)
        }
        Command::Fmt {
            check,
            keywords,
            paths,
        } => {
            let project = discover(Flags::default(), lang)?;
            let keywords = keywords.map(|k| {
                if k == "zh" {
                    datalex_lang::keywords::KeywordLang::Zh
                } else {
                    datalex_lang::keywords::KeywordLang::En
                }
            });
            fmt::run(
                lang,
                &or_policies(paths, &project),
                check,
                keywords,
                project.policies(),
            )
        }
        Command::Graph { format, paths } => {
            let project = discover(Flags::default(), lang)?;
            graph::run(lang, &or_policies(paths, &project), &format)
        }
        Command::Coverage {
            regulation,
            at,
            strict,
            paths,
        } => {
            let project = discover(Flags::default(), lang)?;
            coverage::run(
                lang,
                &or_policies(paths, &project),
                regulation.as_deref(),
                strict,
                at.as_deref(),
            )
        }
        Command::Serve {
            setup,
            addr,
            log,
            store,
            replica,
            log_mode,
            no_watch,
            json_logs,
            skip_policy_tests,
            bundles,
            bundle_public_keys,
            bundle_poll,
            server,
        } => {
            let bundles = match (bundles, &store) {
                (true, Some(url)) if datalex_service::pg::is_url(url) => {
                    Some(datalex_service::bundle::follow::Follow {
                        store: url.clone(),
                        public_keys: bundle_public_keys,
                        poll: std::time::Duration::from_secs(bundle_poll.get()),
                        dir: log
                            .parent()
                            .unwrap_or(std::path::Path::new(""))
                            .join("bundles"),
                    })
                }
                (true, _) => {
                    anyhow::bail!("--bundles needs the PostgreSQL they are published in: --store postgres://…")
                }
                (false, _) => None,
            };
            let (log, store) = match store {
                Some(url) if datalex_service::pg::is_url(&url) => (log, Some(url)),
                Some(path) => (PathBuf::from(path), None),
                None => (log, None),
            };
            let options = datalex_service::ServeOptions {
                bundles,
                addr,
                log,
                store,
                replica,
                log_mode,
                watch: !no_watch,
                json_logs,
                lang,
                insecure_open: server.insecure_open,
                server: server.config(),
            };
            let flags = Flags {
                policy_tests: skip_policy_tests.then_some(false),
                ..setup.flags()
            };
            datalex_service::serve(discover(flags, lang)?, &options)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { store } => cli::migrate(&store),
        Command::Keys {
            command:
                KeysCommand::Add {
                    file,
                    id,
                    scopes,
                    rate,
                },
        } => keys::add(&file, &id, &scopes, rate, lang),
        Command::Keys {
            command: KeysCommand::Hash { key },
        } => keys::hash(key),
        Command::Bundle { command } => match command {
            BundleCommand::Keygen { out } => bundle::keygen(&out, lang),
            BundleCommand::Build { dir, out, calendar } => {
                let project = match dir {
                    Some(dir) => datalex_service::bundle::project_at(&dir, lang)?,
                    None => discover(Flags::default(), lang)?,
                };
                bundle::build(&project, calendar.as_deref(), &out, lang)
            }
            BundleCommand::Sign { file, key } => bundle::sign(&file, &key, lang),
            BundleCommand::Verify { file, public_keys } => bundle::verify(
                &discover(Flags::default(), lang)?,
                &file,
                &public_keys,
                lang,
            ),
            BundleCommand::Publish { file, store } => bundle::publish(&file, &store, lang),
        },
        Command::Audit {
            command:
                AuditCommand::Verify {
                    log,
                    store,
                    checkpoint,
                    public_key,
                    key_file,
                },
        } => {
            let (log, postgres) = match store {
                Some(url) if datalex_service::pg::is_url(&url) => (log, Some(url)),
                Some(path) => (PathBuf::from(path), None),
                None => (log, None),
            };
            let mut options = datalex_service::decision_log::VerifyOptions::beside(&log);
            if let Some(k) = key_file {
                options.key_file = k;
            }
            options.checkpoints = checkpoint;
            options.public_keys = public_key;
            cli::audit_verify(&log, postgres.as_deref(), &options, lang)
        }
        Command::Export {
            target: ExportTarget::Cedar { setup, out },
        } => export::cedar(&discover(setup.flags(), lang)?, &out, lang),
        Command::Lsp { stdio: _ } => lsp::run(&datalex_service::project::SystemClock),
    }
}

/// The paths given, else the project's policy directory.
fn or_policies(paths: Vec<PathBuf>, project: &Project) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![project.policies().to_path_buf()]
    } else {
        paths
    }
}
