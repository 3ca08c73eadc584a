//! `datalex test`: runs the tests written in the policy files (through the service's runner,
//! [`datalex_service::policy_tests`], which a reload also runs) and reports, per package, the
//! tests run and failed and the rules no test exercised, in the reader's language. Each test's
//! line starts with `ok` or `FAILED` in every language; `--snapshot` compares each decision
//! with its snapshot file here.

use anyhow::Result;
use datalex_evaluator::Decision;
use datalex_i18n::Lang;
use datalex_service::policy_tests::{self, Failure};
use datalex_service::words::say;
use datalex_service::{load, Project};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Runs every test under `paths`; a test request without `at` is decided on the project clock's
/// today.
pub fn run(lang: Lang, project: &Project, paths: &[PathBuf], snapshot: bool) -> Result<ExitCode> {
    let (sources, compiled) = load::compile_paths(paths, lang)?;
    let Some(policy) = compiled.policy.clone() else {
        eprint!(
            "{}",
            datalex_lang::diagnostic::render(&compiled.diagnostics, &sources, false, lang)
        );
        println!("{}", say(lang, "test-not-compiled", &[]));
        return Ok(ExitCode::from(1));
    };
    let policy = Arc::new(policy);
    let calendar = Arc::new(load::calendar(None, lang)?);
    let mut report = policy_tests::run(
        &policy,
        &sources,
        &compiled.diagnostics,
        &calendar,
        project.clock().today(),
        None,
    );
    let mut changed: Vec<String> = Vec::new();
    for t in &mut report.tests {
        if snapshot {
            if let Some(decision) = &t.decision {
                match write_snapshot(&t.name, &t.file, decision)? {
                    SnapshotState::Same => {}
                    SnapshotState::New(path) => println!(
                        "       {}",
                        say(
                            lang,
                            "test-new-snapshot",
                            &[("path", path.display().to_string())]
                        )
                    ),
                    SnapshotState::Changed(path) => {
                        changed.push(t.name.clone());
                        t.failures.push(Failure::SnapshotChanged(path));
                    }
                }
            }
        }
        for line in policy_tests::result_lines(lang, t) {
            println!("{line}");
        }
    }
    println!();
    for line in policy_tests::summary_lines(lang, &report) {
        println!("{line}");
    }
    if snapshot {
        let count = changed.len().to_string();
        let line = if changed.is_empty() {
            say(lang, "test-snapshots", &[("changed", count)])
        } else {
            let names = changed.join(&datalex_i18n::text(lang, "list-comma", None));
            say(
                lang,
                "test-snapshots-changed",
                &[("changed", count), ("names", names)],
            )
        };
        println!("{line}");
    }
    let failed = report.failed().count();
    println!(
        "{}",
        say(
            lang,
            "test-result",
            &[
                ("passed", (report.tests.len() - failed).to_string()),
                ("failed", failed.to_string()),
            ],
        )
    );
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

enum SnapshotState {
    Same,
    New(PathBuf),
    Changed(PathBuf),
}

/// The file name of a test's snapshot: the test file's stem and the test's name, with what a
/// file name cannot hold replaced.
fn snapshot_path(file: &Path, name: &str) -> PathBuf {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = file
        .file_stem()
        .map_or_else(|| "tests".to_string(), |s| s.to_string_lossy().into_owned());
    file.parent()
        .unwrap_or(Path::new("."))
        .join("snapshots")
        .join(format!("{stem}__{slug}.snap"))
}

/// Writes the decision's outcome as an insta snapshot — everything but its id and policy version
/// (which change on every run or edit) and its trace (how it was reached, not what was
/// decided) — and, where a different snapshot exists, a `.snap.new` beside it for review.
fn write_snapshot(name: &str, file: &Path, d: &Decision) -> Result<SnapshotState> {
    let mut value = serde_json::to_value(d)?;
    if let Some(obj) = value.as_object_mut() {
        obj.remove("decision_id");
        obj.remove("trace");
        if let Some(policy) = obj
            .get_mut("policy")
            .and_then(serde_json::Value::as_object_mut)
        {
            policy.remove("version");
        }
    }
    let body = serde_json::to_string_pretty(&sorted(value))?;
    let expression = serde_json::to_string(name)?;
    let text = format!(
        "---\nsource: {}\nexpression: {expression}\n---\n{body}\n",
        file.display()
    );
    let path = snapshot_path(file, name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let old = std::fs::read_to_string(&path).ok();
    // insta compares the body after the header.
    let same = old
        .as_deref()
        .and_then(|o| o.splitn(3, "---\n").nth(2))
        .map(str::trim_end)
        == Some(body.trim_end());
    let new_path = path.with_extension("snap.new");
    if same {
        let _ = std::fs::remove_file(&new_path);
        return Ok(SnapshotState::Same);
    }
    if old.is_none() {
        std::fs::write(&path, text)?;
        return Ok(SnapshotState::New(path));
    }
    std::fs::write(&new_path, text)?;
    Ok(SnapshotState::Changed(new_path))
}

/// `v` with every object's keys in alphabetical order, so a snapshot's layout does not depend on
/// whether serde_json keeps insertion order (its `preserve_order` feature, which a dependency
/// such as cedar-policy can switch on for the whole build).
fn sorted(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}
