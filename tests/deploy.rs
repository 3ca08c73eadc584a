//! The deployment files of `deploy/` (docs/deploy.md) are valid for the tools that read them:
//! `haproxy -c`, `nginx -t` in a scratch prefix, and `systemd-analyze verify` for the units.
//!
//! A tool that is not installed skips its check with a printed reason (never silently);
//! `.ci/run` installs them and sets `DATALEX_REQUIRE_DEPLOY_TOOLS=1`, under which a missing tool
//! fails the test instead.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The program `name` from `PATH` or the system directories, or `None` after saying why the
/// check is skipped (a failure under `DATALEX_REQUIRE_DEPLOY_TOOLS=1`).
fn tool(name: &str, test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        let required = std::env::var_os("DATALEX_REQUIRE_DEPLOY_TOOLS").is_some_and(|v| v == "1");
        assert!(
            !required,
            "{test}: `{name}` is required (DATALEX_REQUIRE_DEPLOY_TOOLS=1) but not installed"
        );
        eprintln!("SKIPPED {test}: `{name}` is not installed (Debian's package provides it)");
    }
    found
}

fn deploy(file: &str) -> PathBuf {
    common::root().join("deploy").join(file)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_haproxy_configuration_is_valid_and_checks_readiness() {
    let config = std::fs::read_to_string(deploy("haproxy.cfg")).unwrap();
    assert!(config.contains("option httpchk"), "active health checks");
    assert!(config.contains("uri /readyz"), "on /readyz");
    for port in [8081, 8082, 8083] {
        assert!(
            config.contains(&format!("127.0.0.1:{port} check")),
            "the replica on port {port} is checked"
        );
    }
    let Some(haproxy) = tool("haproxy", "the_haproxy_configuration_is_valid") else {
        return;
    };
    let out = Command::new(haproxy)
        .arg("-c")
        .arg("-f")
        .arg(deploy("haproxy.cfg"))
        .output()
        .unwrap();
    assert!(out.status.success(), "haproxy -c: {}", text(&out));
    assert!(
        !text(&out).contains("WARNING"),
        "haproxy -c warns: {}",
        text(&out)
    );
}

#[test]
fn the_nginx_configuration_is_valid() {
    let Some(nginx) = tool("nginx", "the_nginx_configuration_is_valid") else {
        return;
    };
    let prefix = tempfile::tempdir().unwrap();
    std::fs::create_dir(prefix.path().join("logs")).unwrap();
    let out = Command::new(nginx)
        .arg("-t")
        .arg("-p")
        .arg(prefix.path())
        .arg("-c")
        .arg(deploy("nginx.conf"))
        .output()
        .unwrap();
    assert!(out.status.success(), "nginx -t: {}", text(&out));
    assert!(
        !text(&out).contains("[warn]"),
        "nginx -t warns: {}",
        text(&out)
    );
}

/// Copies the units into `dir` with `ExecStart` pointing at an executable that exists here
/// (`systemd-analyze verify` checks that it does), the template as its instance `r1`.
fn units_in(dir: &Path) -> Vec<PathBuf> {
    let mut units = Vec::new();
    for (from, to) in [
        ("datalex@.service", "datalex@r1.service"),
        ("datalex-migrate.service", "datalex-migrate.service"),
    ] {
        let unit = std::fs::read_to_string(deploy("systemd").join(from)).unwrap();
        assert!(
            unit.contains("/usr/local/bin/datalex "),
            "{from} runs /usr/local/bin/datalex"
        );
        let path = dir.join(to);
        std::fs::write(
            &path,
            unit.replace(
                "/usr/local/bin/datalex ",
                &format!("{} ", env!("CARGO_BIN_EXE_datalex")),
            ),
        )
        .unwrap();
        units.push(path);
    }
    units
}

#[test]
fn the_systemd_units_verify_and_are_hardened() {
    let unit = std::fs::read_to_string(deploy("systemd/datalex@.service")).unwrap();
    for setting in [
        "User=datalex",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/datalex/%i",
        "Restart=on-failure",
        "LimitNOFILE=",
        "NoNewPrivileges=yes",
        "--replica %i",
        "--bundles",
    ] {
        assert!(unit.contains(setting), "datalex@.service has {setting}");
    }
    let Some(analyze) = tool("systemd-analyze", "the_systemd_units_verify") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let units = units_in(dir.path());
    let out = Command::new(analyze)
        .args(["verify", "--man=no"])
        .args(&units)
        .current_dir(dir.path())
        .output()
        .unwrap();
    // An unknown or misspelt setting is only a warning, with the status 0: none is allowed.
    assert!(
        out.status.success() && text(&out).trim().is_empty(),
        "systemd-analyze verify: {}",
        text(&out)
    );
}
