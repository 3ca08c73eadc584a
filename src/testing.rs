//! `datalex test`: runs the tests written in the policy files and reports, per package, the
//! tests run and failed and the rules no test exercised.

use anyhow::Result;
use datalex_compiler::ir::TestCase;
use datalex_evaluator::{Decision, Jurisdiction, Request};
use datalex_lang::ast::{ExpectKind, PartKind};
use datalex_lang::date::Date;
use datalex_service::{load, Project};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Runs every test under `paths`; a test request without `at` is decided on the project clock's
/// today.
pub fn run(
    lang: datalex_i18n::Lang,
    project: &Project,
    paths: &[PathBuf],
    snapshot: bool,
) -> Result<ExitCode> {
    let (sources, compiled) = load::compile_paths(paths)?;
    let Some(policy) = compiled.policy.clone() else {
        eprint!(
            "{}",
            datalex_lang::diagnostic::render(&compiled.diagnostics, &sources, false, lang)
        );
        println!("the policies do not compile; no test was run");
        return Ok(ExitCode::from(1));
    };
    let policy = Arc::new(policy);
    let calendar = Arc::new(load::calendar(None)?);
    let mut by_package: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    // Rules some test saw hold (a positive case) and saw not hold (a negative case).
    let mut exercised: BTreeSet<String> = BTreeSet::new();
    let mut negative: BTreeSet<String> = BTreeSet::new();
    let mut jurisdictions: HashMap<(String, PathBuf), Jurisdiction> = HashMap::new();
    let mut failed_total = 0;
    let mut changed: Vec<String> = Vec::new();
    for t in &policy.tests {
        let file = sources
            .get(t.file)
            .map(|s| PathBuf::from(&s.name))
            .unwrap_or_default();
        let (line, _) = sources.line_col(t.span);
        let entry = by_package.entry(t.package.clone()).or_default();
        entry.0 += 1;
        let today = project.clock().today();
        let outcome = run_one(t, &file, &policy, &calendar, today, &mut jurisdictions);
        // `expect error CODE`: the request is not a decision, with that error.
        let wants_error = t.expects.iter().find_map(|e| match e {
            ExpectKind::Error(code) => Some(code.name.as_str()),
            _ => None,
        });
        let outcome = match (outcome, wants_error) {
            (Ok(Err(e)), Some(code)) if e.code() == code => {
                println!("ok     {}:{line} {}", file.display(), t.name);
                continue;
            }
            (Ok(Err(e)), _) => Err(anyhow::Error::new(e)),
            (Ok(Ok(d)), Some(code)) => Err(anyhow::anyhow!(
                "expected error {code}, got a decision: {}",
                d.effect
            )),
            (Ok(Ok(d)), None) => Ok(d),
            (Err(e), _) => Err(e),
        };
        match outcome {
            Ok(decision) => {
                let mut failures = check(t, &decision);
                if snapshot {
                    match write_snapshot(t, &file, &decision)? {
                        SnapshotState::Same => {}
                        SnapshotState::New(path) => {
                            println!("       new snapshot {}", path.display())
                        }
                        SnapshotState::Changed(path) => {
                            changed.push(t.name.clone());
                            failures.push(format!(
                                "the decision changed: review {} (cargo insta review)",
                                path.display()
                            ));
                        }
                    }
                }
                for r in &decision.reasons {
                    exercised.extend(r.rule.split(", ").map(str::to_string));
                }
                for s in decision.trace.iter().filter(|s| s.matched) {
                    exercised.insert(s.rule.to_string());
                }
                for s in decision.trace.iter().filter(|s| !s.matched) {
                    negative.insert(s.rule.to_string());
                }
                if failures.is_empty() {
                    println!("ok     {}:{line} {}", file.display(), t.name);
                } else {
                    entry.1 += 1;
                    failed_total += 1;
                    println!("FAILED {}:{line} {}", file.display(), t.name);
                    for f in failures {
                        println!("         {f}");
                    }
                }
            }
            Err(e) => {
                entry.1 += 1;
                failed_total += 1;
                println!(
                    "FAILED {}:{line} {}\n         {e:#}",
                    file.display(),
                    t.name
                );
            }
        }
    }
    println!();
    let mut incomplete = 0;
    for (pkg, (run, failed)) in &by_package {
        println!("{pkg}: {run} test(s), {failed} failed");
        let Some(p) = policy.package(pkg) else {
            continue;
        };
        let mut no_positive: BTreeSet<&str> = BTreeSet::new();
        let mut no_negative: BTreeSet<&str> = BTreeSet::new();
        for plan in &p.plans {
            // An `otherwise` no request can reach (the analysis found no gap) needs no test.
            let gap = compiled.diagnostics.iter().any(|d| {
                d.code == datalex_lang::Code::W0102
                    && d.message.text_arg("kind") == Some(plan.kind.as_str())
            });
            for (_, r) in plan
                .rules()
                .filter(|(_, r)| r.name.starts_with(&format!("{pkg}.")))
            {
                if r.role == datalex_lang::ast::RuleRole::Otherwise {
                    if gap && !exercised.contains(&*r.name) {
                        no_positive.insert(&r.name);
                    }
                    continue;
                }
                if !exercised.contains(&*r.name) {
                    no_positive.insert(&r.name);
                }
                // A rule that always applies (`when true`) has no negative case to test.
                let always = matches!(
                    r.when,
                    None | Some(datalex_compiler::ir::Ex::Const(
                        datalex_compiler::ir::Const::Bool(true)
                    ))
                );
                if !negative.contains(&*r.name) && !always {
                    no_negative.insert(&r.name);
                }
            }
        }
        incomplete += no_positive.len() + no_negative.len();
        if !no_positive.is_empty() {
            println!(
                "  rules no test saw apply: {}",
                no_positive.into_iter().collect::<Vec<_>>().join(", ")
            );
        }
        if !no_negative.is_empty() {
            println!(
                "  rules no test saw not apply: {}",
                no_negative.into_iter().collect::<Vec<_>>().join(", ")
            );
        }
    }
    if incomplete == 0 {
        println!("every rule has a test where it applies and one where it does not");
    }
    if snapshot {
        println!(
            "snapshots: {} changed{}",
            changed.len(),
            if changed.is_empty() {
                String::new()
            } else {
                format!(": {}", changed.join(", "))
            }
        );
    }
    let total: usize = by_package.values().map(|(r, _)| r).sum();
    println!(
        "test result: {} passed, {failed_total} failed",
        total - failed_total
    );
    Ok(if failed_total > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_one(
    t: &TestCase,
    file: &Path,
    policy: &Arc<datalex_compiler::PolicySet>,
    calendar: &Arc<datalex_evaluator::Calendar>,
    today: Date,
    cache: &mut HashMap<(String, PathBuf), Jurisdiction>,
) -> Result<Result<Decision, datalex_evaluator::EvalError>> {
    let facts_dir = match &t.facts {
        Some(rel) => file.parent().unwrap_or(Path::new(".")).join(rel),
        None => anyhow::bail!("the test names no `facts` directory"),
    };
    let key = (t.package.clone(), facts_dir.clone());
    if !cache.contains_key(&key) {
        let facts = Arc::new(load::facts(&facts_dir)?);
        let j = Jurisdiction::new(Arc::clone(policy), &t.package, facts, Arc::clone(calendar))?;
        cache.insert(key.clone(), j);
    }
    let j = cache
        .get(&key)
        .ok_or_else(|| anyhow::anyhow!("internal: jurisdiction cache"))?;
    let json: serde_json::Value = serde_json::from_str(t.request.as_deref().unwrap_or("null"))?;
    let request = Request::from_json(&json, today)?;
    Ok(j.decide(&request))
}

/// What failed, one line each.
fn check(t: &TestCase, d: &Decision) -> Vec<String> {
    let mut out = Vec::new();
    let codes = |k: PartKind| -> Vec<&str> {
        match k {
            PartKind::Reason => d.reasons.iter().map(|x| x.code.as_ref()).collect(),
            PartKind::Obligation => d.obligations.iter().map(|x| x.code.as_ref()).collect(),
            PartKind::Finding => d.findings.iter().map(|x| x.code.as_ref()).collect(),
            PartKind::Deadline => d.deadlines.iter().map(|x| x.code.as_ref()).collect(),
            PartKind::Remedy => d.remedies.iter().map(|x| x.code.as_ref()).collect(),
            PartKind::Source => d.sources.iter().map(|x| x.id.as_str()).collect(),
        }
    };
    for e in &t.expects {
        match e {
            ExpectKind::Effect(effect, reasons) => {
                if effect.as_str() != d.effect {
                    out.push(format!(
                        "expected {}, got {} ({})",
                        effect.as_str(),
                        d.effect,
                        codes(PartKind::Reason).join(", ")
                    ));
                }
                for r in reasons {
                    if !codes(PartKind::Reason).contains(&r.name.as_ref()) {
                        out.push(format!(
                            "expected reason {}, got {}",
                            r.name,
                            codes(PartKind::Reason).join(", ")
                        ));
                    }
                }
            }
            ExpectKind::Has(k, code) => {
                if !codes(*k).contains(&code.name.as_ref()) {
                    out.push(format!(
                        "expected {} {}, got [{}]",
                        k.as_str(),
                        code.name,
                        codes(*k).join(", ")
                    ));
                }
            }
            ExpectKind::HasNo(k, code) => {
                if codes(*k).contains(&code.name.as_ref()) {
                    out.push(format!("expected no {} {}", k.as_str(), code.name));
                }
            }
            ExpectKind::Error(_) => {}
            ExpectKind::Deadline(code, due, status, party) => {
                match d.deadlines.iter().find(|x| *x.code == *code.name) {
                    None => out.push(format!(
                        "expected deadline {}, got [{}]",
                        code.name,
                        codes(PartKind::Deadline).join(", ")
                    )),
                    Some(x) => {
                        if x.due != *due {
                            out.push(format!(
                                "deadline {}: expected due {due}, got {}",
                                code.name, x.due
                            ));
                        }
                        if let Some(s) = status {
                            if x.status != s.name {
                                out.push(format!(
                                    "deadline {}: expected status {}, got {}",
                                    code.name, s.name, x.status
                                ));
                            }
                        }
                        if let Some(p) = party {
                            if x.party_id.as_deref() != Some(p.value.as_str()) {
                                out.push(format!(
                                    "deadline {}: expected party {}, got {}",
                                    code.name,
                                    p.value,
                                    x.party_id.as_deref().unwrap_or("none")
                                ));
                            }
                        }
                    }
                }
            }
            ExpectKind::Tier(key, value) => match d.effective_tier.get(&key.name) {
                Some(v) if *v == value.name => {}
                other => out.push(format!(
                    "expected effective {} tier {}, got {}",
                    key.name,
                    value.name,
                    other.map_or("none", String::as_str)
                )),
            },
        }
    }
    out
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
fn write_snapshot(t: &TestCase, file: &Path, d: &Decision) -> Result<SnapshotState> {
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
    let expression = serde_json::to_string(&t.name)?;
    let text = format!(
        "---\nsource: {}\nexpression: {expression}\n---\n{body}\n",
        file.display()
    );
    let path = snapshot_path(file, &t.name);
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
