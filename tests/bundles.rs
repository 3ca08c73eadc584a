//! Signed policy bundles (docs/bundles.md): `datalex bundle build | sign | verify | publish`
//! and `datalex serve --bundles` against a scratch PostgreSQL — a published bundle reaches a
//! running replica; a bundle with a bad signature, one whose package tests fail and a
//! truncated one are each refused, the previous bundle serving.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use common::postgres::Postgres;
use common::server::{http, json, Serve, Server};
use common::{root, run_in, stderr, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Bounds a wait that only a broken service would exceed.
const PATIENCE: Duration = Duration::from_secs(60);

/// Runs `datalex ARGS` at the repository root; returns (exit code, stdout, stderr).
fn datalex(args: &[&str]) -> (i32, String, String) {
    let out = run_in(&root(), args, "");
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// `bundle build DIR -o OUT`; returns the id it prints.
fn build(dir: &Path, out: &Path) -> String {
    let (code, id, err) = datalex(&["bundle", "build", &s(dir), "-o", &s(out)]);
    assert_eq!(code, 0, "{err}");
    let id = id.trim().to_owned();
    assert!(id.starts_with("sha256:") && id.len() == 71, "{id}");
    id
}

/// A key pair `DIR/NAME` + `DIR/NAME.pub`.
fn keygen(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(name);
    let (code, _, err) = datalex(&["bundle", "keygen", &s(&key)]);
    assert_eq!(code, 0, "{err}");
    key
}

fn public(key: &Path) -> PathBuf {
    PathBuf::from(format!("{}.pub", key.display()))
}

fn sign(file: &Path, key: &Path) -> String {
    let (code, id, err) = datalex(&["bundle", "sign", &s(file), "--key", &s(key)]);
    assert_eq!(code, 0, "{err}");
    id.trim().to_owned()
}

fn verify(file: &Path, key: &Path) -> (i32, String, String) {
    datalex(&[
        "bundle",
        "verify",
        &s(file),
        "--public-key",
        &s(&public(key)),
    ])
}

/// A scratch copy of policies/ and data/ with `edit` applied to `file` (relative to it).
fn scratch_with(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = common::server::scratch_tree();
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit of {file} changes it");
    std::fs::write(&path, edited).unwrap();
    dir
}

#[test]
fn building_twice_gives_one_id_and_signing_does_not_change_it() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.dlxb");
    let b = tmp.path().join("b.dlxb");
    let id = build(&root(), &a);
    assert_eq!(build(&root(), &b), id, "content-addressed");
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());

    let key = keygen(tmp.path(), "signing");
    // keygen never overwrites a key.
    let (code, _, err) = datalex(&["bundle", "keygen", &s(&key)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("already exists"), "{err}");

    // Unsigned: refused.
    let (code, _, err) = verify(&a, &key);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is not signed"), "{err}");

    assert_eq!(sign(&a, &key), id, "signing keeps the id");
    let (code, out, err) = verify(&a, &key);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(&id), "{out}");
    assert!(out.contains("package tests pass"), "{out}");
    assert!(out.contains("binzhou"), "{out}");

    // Signed, but by a key the verifier does not trust.
    let other = keygen(tmp.path(), "other");
    let (code, _, err) = verify(&a, &other);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("untrusted"), "{err}");
}

#[test]
fn a_changed_byte_or_a_cut_archive_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.dlxb");
    build(&root(), &file);
    let key = keygen(tmp.path(), "k");
    sign(&file, &key);
    let bytes = std::fs::read(&file).unwrap();

    // One byte of a policy file's text.
    let at = bytes
        .windows(b"package binzhou".len())
        .position(|w| w == b"package binzhou")
        .unwrap();
    let mut tampered = bytes.clone();
    tampered[at + 8] ^= 0x01;
    let bad = tmp.path().join("tampered.dlxb");
    std::fs::write(&bad, &tampered).unwrap();
    let (code, _, err) = verify(&bad, &key);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("hash mismatch"), "{err}");

    // Cut anywhere: in the middle, and just before the end marker.
    for len in [bytes.len() / 2, bytes.len() - 1024] {
        let cut = tmp.path().join(format!("cut-{len}.dlxb"));
        std::fs::write(&cut, &bytes[..len]).unwrap();
        let (code, _, err) = verify(&cut, &key);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains("unexpected end") || err.contains("truncated"),
            "{err}"
        );
    }
}

/// A tar entry written by hand (the `tar` crate refuses to write a `..` path): `name`,
/// regular file or symbolic link, with `data`.
fn raw_entry(name: &str, kind: u8, link: &str, data: &[u8]) -> Vec<u8> {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..107].copy_from_slice(b"0000644");
    h[108..115].copy_from_slice(b"0000000");
    h[116..123].copy_from_slice(b"0000000");
    h[124..135].copy_from_slice(format!("{:011o}", data.len()).as_bytes());
    h[136..147].copy_from_slice(b"00000000000");
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    let mut out = h.to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

#[test]
fn an_entry_that_leaves_the_directory_or_is_a_link_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let key = keygen(tmp.path(), "k");
    let data = b"package evil\n";
    let manifest = format!(
        r#"{{"format":"datalex-bundle-1","files":[{{"path":"policies/a.dlx","size":{},"sha256":"{}"}}]}}"#,
        data.len(),
        "0".repeat(64)
    );
    for (name, kind, link, why) in [
        ("../../evil.dlx", b'0', "", "path traversal"),
        ("/etc/evil.dlx", b'0', "", "absolute path"),
        ("policies/a.dlx", b'2', "/etc/passwd", "symbolic link"),
    ] {
        let mut archive = raw_entry("manifest.json", b'0', "", manifest.as_bytes());
        archive.extend(raw_entry(name, kind, link, data));
        archive.extend([0u8; 1024]);
        let file = tmp.path().join("evil.dlxb");
        std::fs::write(&file, &archive).unwrap();
        let (code, _, err) = verify(&file, &key);
        assert_eq!(code, 1, "{name}: {err}");
        assert!(err.contains(why), "{name}: {err}");
    }
    assert!(
        !tmp.path().join("evil.dlx").exists() && !Path::new("/etc/evil.dlx").exists(),
        "nothing was written outside"
    );
}

/// `GET /v1/policies` of `server`.
fn policies(server: &Server) -> Value {
    let (status, body) = http(&server.addr, "GET", "/v1/policies", "").unwrap();
    assert_eq!(status, 200, "{body}");
    json(&body)
}

/// Waits until `GET /v1/policies` satisfies `ok`; returns it.
fn wait_policies(server: &Server, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let p = policies(server);
        if ok(&p) {
            return p;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {p}\n{}",
            server.output("stderr")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

const REQUEST: &str = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health", "jurisdiction": "binzhou"}"#;

fn decides(server: &Server) {
    let (status, body) = http(&server.addr, "POST", "/v1/decisions", REQUEST).unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["effect"], "review", "{body}");
}

/// Publishes `bytes` as the bundle `id` directly (as a damaged store or a publisher that skips
/// the checks would), not through `datalex bundle publish`, which refuses a damaged archive.
fn publish_raw(url: &str, id: &str, bytes: &[u8]) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let mut client = datalex_service::pg::connect(url).await.unwrap();
            datalex_service::bundle::store::publish(&mut client, id, bytes)
                .await
                .unwrap();
        });
}

fn publish(file: &Path, url: &str) -> String {
    let (code, out, err) = datalex(&["bundle", "publish", &s(file), "--store", url]);
    assert_eq!(code, 0, "{err}");
    out.trim().to_owned()
}

#[test]
fn a_replica_follows_published_bundles_and_refuses_bad_ones() {
    let Some(pg) = Postgres::start("a_replica_follows_published_bundles_and_refuses_bad_ones")
    else {
        return;
    };
    let url = pg.url();
    let tmp = tempfile::tempdir().unwrap();
    let key = keygen(tmp.path(), "trusted");
    let untrusted = keygen(tmp.path(), "untrusted");
    let serve_args = |poll: &str| -> Vec<String> {
        [
            "--store",
            &url,
            "--bundles",
            "--bundle-public-key",
            &s(&public(&key)),
            "--bundle-poll",
            poll,
        ]
        .map(str::to_owned)
        .to_vec()
    };

    // Nothing published yet: the replica refuses to start, naming the command that publishes.
    let mut early = Command::new(env!("CARGO_BIN_EXE_datalex"))
        .args(["serve", "--addr", &common::server::free_addr(), "--log"])
        .arg(tmp.path().join("early.db"))
        .args(serve_args("5"))
        .current_dir(root())
        .env("DATALEX_LANG", "en")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + PATIENCE;
    while early.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = early.kill();
            panic!("serve --bundles started with no bundle published");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = early.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("datalex bundle publish"), "{err}");

    // The first bundle: the repository's policies.
    let first = tmp.path().join("first.dlxb");
    let first_id = build(&root(), &first);
    sign(&first, &key);
    assert_eq!(publish(&first, &url), first_id);

    // Polling only every hour: what reaches the replica reaches it by LISTEN/NOTIFY.
    let args = serve_args("3600");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut server = Serve::at_root().args(&args).start();
    let p = policies(&server);
    assert_eq!(p["bundle"]["id"], first_id.as_str(), "{p}");
    assert_eq!(
        p["bundle"]["signed_by"].as_str().unwrap().len(),
        16,
        "a key id: {p}"
    );
    assert!(p["bundle"]["activated_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(p["reload"]["status"], "ok");
    decides(&server);

    // A second, good bundle: a change that passes the package tests.
    let good = scratch_with("policies/binzhou/README.md", |t| format!("{t}\nv2\n"));
    let second = tmp.path().join("second.dlxb");
    let second_id = build(good.path(), &second);
    assert_ne!(second_id, first_id);
    sign(&second, &key);
    publish(&second, &url);
    wait_policies(&server, "the second bundle serves", |p| {
        p["bundle"]["id"] == second_id.as_str()
    });
    decides(&server);

    let refused = |server: &Server, id: &str, why: &str| {
        let p = wait_policies(server, &format!("{id} is refused"), |p| {
            p["reload"]["status"] == "failed"
                && p["reload"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(id))
        });
        let message = p["reload"]["message"].as_str().unwrap();
        assert!(message.contains(why), "{why}: {message}");
        assert_eq!(
            p["bundle"]["id"],
            second_id.as_str(),
            "the previous one serves"
        );
        decides(server);
    };

    // Signed by a key the replica does not trust.
    let other = scratch_with("policies/jinan/README.md", |t| format!("{t}\nv3\n"));
    let untrusted_file = tmp.path().join("untrusted.dlxb");
    let untrusted_id = build(other.path(), &untrusted_file);
    sign(&untrusted_file, &untrusted);
    publish(&untrusted_file, &url);
    refused(&server, &untrusted_id, "untrusted");

    // A trusted key's signature that does not hold (its bytes altered after signing).
    let changed = scratch_with("policies/linyi/README.md", |t| format!("{t}\nv4\n"));
    let forged_file = tmp.path().join("forged.dlxb");
    build(changed.path(), &forged_file);
    let mut forged = datalex_service::bundle::read_file(&forged_file).unwrap();
    let signed = datalex_service::bundle::read_file(&second).unwrap();
    forged.signatures = signed.signatures.clone();
    let forged_id = forged.id();
    publish_raw(&url, &forged_id, &forged.to_bytes().unwrap());
    refused(&server, &forged_id, "bad signature");

    // Package tests that fail: one expectation changed.
    let failing = scratch_with("policies/binzhou/tests.dlx", |t| {
        t.replacen("expect permit", "expect deny", 1)
    });
    let failing_file = tmp.path().join("failing.dlxb");
    let failing_id = build(failing.path(), &failing_file);
    sign(&failing_file, &key);
    let (code, _, err) = verify(&failing_file, &key);
    assert_eq!(code, 1, "{err}");
    publish(&failing_file, &url);
    refused(&server, &failing_id, "expected deny, got permit");

    // Truncated in the store: `bundle publish` refuses it, the replica too.
    let bytes = std::fs::read(&failing_file).unwrap();
    let (code, _, err) = {
        let cut = tmp.path().join("cut.dlxb");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        datalex(&["bundle", "publish", &s(&cut), "--store", &url])
    };
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unexpected end"), "{err}");
    let truncated_id = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    let mut truncated = std::fs::read(&second).unwrap();
    truncated.truncate(truncated.len() / 3);
    publish_raw(&url, truncated_id, &truncated);
    refused(&server, truncated_id, "unexpected end");

    // A replica started now, while the truncated bundle is active, serves the last good one
    // and shows the refusal.
    let polling = serve_args("1");
    let polling: Vec<&str> = polling.iter().map(String::as_str).collect();
    let late = Serve::at_root().args(&polling).start();
    let p = policies(&late);
    assert_eq!(p["bundle"]["id"], second_id.as_str(), "{p}");
    assert_eq!(p["reload"]["status"], "failed", "{p}");
    decides(&late);

    // Publishing the good bundle again moves the pointer back: nothing is refused any more.
    publish(&second, &url);
    for replica in [&server, &late] {
        wait_policies(replica, "the refusal is cleared", |p| {
            p["reload"]["status"] == "ok" && p["bundle"]["id"] == second_id.as_str()
        });
    }

    // A pointer moved without a notification (a missed one) reaches a replica by polling.
    pg.psql(&format!(
        "INSERT INTO bundle_activations (generation, id) SELECT MAX(generation) + 1, '{first_id}' FROM bundle_activations;
         UPDATE bundle_active SET generation = (SELECT MAX(generation) FROM bundle_activations), id = '{first_id}', activated_at = now();"
    ));
    wait_policies(&late, "polling finds the pointer moved", |p| {
        p["bundle"]["id"] == first_id.as_str() && p["reload"]["status"] == "ok"
    });

    // Unpacked bundles are cleaned up: the one serving, no other of this replica.
    let bundles = server.log.parent().unwrap().join("bundles");
    let left: Vec<_> = std::fs::read_dir(&bundles).unwrap().collect();
    assert_eq!(left.len(), 1, "{left:?}");
    server.stop();
}
