//! A scratch PostgreSQL cluster for the tests that need one: `initdb` in a temporary directory,
//! the server on a free loopback port (its socket in the same directory), stopped and removed on
//! drop.
//!
//! [`Postgres::start`] finds the server's programs (`DATALEX_PG_BIN`, else the newest
//! `/usr/lib/postgresql/*/bin`, else `PATH`). Where there are none it prints why the test is
//! skipped and returns `None`: never silently. `.ci/run` installs PostgreSQL and sets
//! `DATALEX_REQUIRE_POSTGRES=1`, under which a missing PostgreSQL fails the test instead.
//! Run as root (CI), the cluster runs as the `postgres` user, since PostgreSQL refuses root.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The superuser and the database the tests use.
pub const USER: &str = "datalex";
pub const DATABASE: &str = "datalex";

/// A running scratch cluster.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// `Some("postgres")` when the tests run as root.
    run_as: Option<String>,
}

impl Postgres {
    /// Starts a fresh cluster with the database [`DATABASE`], or says why it cannot and returns
    /// `None` (panics instead under `DATALEX_REQUIRE_POSTGRES=1`).
    pub fn start(test: &str) -> Option<Postgres> {
        let required = std::env::var_os("DATALEX_REQUIRE_POSTGRES").is_some_and(|v| v == "1");
        let skip = |why: String| -> Option<Postgres> {
            assert!(
                !required,
                "{test}: PostgreSQL is required (DATALEX_REQUIRE_POSTGRES=1) but {why}"
            );
            eprintln!("SKIPPED {test}: {why} (install Debian's `postgresql` package to run it)");
            None
        };
        let Some(bin) = bin_dir() else {
            return skip(
                "no PostgreSQL server programs (initdb, pg_ctl, postgres) were found".into(),
            );
        };
        let run_as = if is_root() {
            if Command::new("id")
                .args(["-u", "postgres"])
                .output()
                .map_or(true, |o| !o.status.success())
            {
                return skip(
                    "the tests run as root and there is no `postgres` user to run the server as"
                        .into(),
                );
            }
            Some("postgres".to_owned())
        } else {
            None
        };
        let dir = tempfile::tempdir().expect("scratch directory for PostgreSQL");
        let pg = Postgres {
            dir,
            bin,
            port: free_port(),
            run_as,
        };
        if let Some(user) = &pg.run_as {
            let status = Command::new("chown")
                .args([
                    "-R",
                    &format!("{user}:"),
                    &pg.dir.path().display().to_string(),
                ])
                .status()
                .expect("run chown");
            assert!(status.success(), "chown the scratch directory to {user}");
        }
        let init = pg.run(
            "initdb",
            &[
                "-D",
                &pg.data().display().to_string(),
                "-U",
                USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        if !init.status.success() {
            return skip(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&init.stderr)
            ));
        }
        pg.start_server();
        let created = pg.psql_in("postgres", &format!("CREATE DATABASE {DATABASE}"));
        assert!(
            created.status.success(),
            "create the database: {}",
            String::from_utf8_lossy(&created.stderr)
        );
        Some(pg)
    }

    /// `postgres://datalex@127.0.0.1:PORT/datalex`.
    pub fn url(&self) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{DATABASE}", self.port)
    }

    /// The server's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server (`pg_ctl stop -m fast`): clients see their connections closed.
    pub fn stop(&self) {
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the server again after [`stop`](Postgres::stop), on the same port.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-l",
                &self.dir.path().join("server.log").display().to_string(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.server_log()
        );
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.psql_in("postgres", "SELECT 1").status.success() {
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not accept connections: {}",
                self.server_log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs `sql` in the test database with `psql`, returning its unaligned, tuples-only output;
    /// panics if it fails.
    pub fn psql(&self, sql: &str) -> String {
        let out = self.psql_in(DATABASE, sql);
        assert!(
            out.status.success(),
            "psql `{sql}`: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The server's own log, for a failure message.
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn psql_in(&self, database: &str, sql: &str) -> Output {
        Command::new(self.bin.join("psql"))
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
            ])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                "-d",
                database,
                "-c",
                sql,
            ])
            .output()
            .expect("run psql")
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let program = self.bin.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        command
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("run {}: {e}", program.display()))
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}

/// Where `initdb`, `pg_ctl`, `postgres` and `psql` are.
fn bin_dir() -> Option<PathBuf> {
    let has_all = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres", "psql"]
            .iter()
            .all(|p| dir.join(p).is_file())
    };
    if let Some(dir) = std::env::var_os("DATALEX_PG_BIN").map(PathBuf::from) {
        return has_all(&dir).then_some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| has_all(dir))
        .collect();
    versions.sort();
    if let Some((_, dir)) = versions.pop() {
        return Some(dir);
    }
    std::env::var_os("PATH").and_then(|path| std::env::split_paths(&path).find(|dir| has_all(dir)))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a loopback port")
        .local_addr()
        .expect("local address")
        .port()
}
