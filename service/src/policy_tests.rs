//! The tests written in the policy files (`test "…" { facts … request … expect … }`), run
//! against compiled policies: the one runner behind `datalex test` and the check a reload must
//! pass before it is served ([`crate::reload::build`]).
//!
//! [`run`] returns typed results ([`Report`]: each test's [`Failure`]s, and per package the rules
//! no test saw apply or not apply); the words are chosen only when they are shown, in the
//! reader's language ([`failure_text`], [`result_lines`], [`summary_lines`]). The first column
//! of a test's line, `ok` or `FAILED`, is the same in every language, so that a script can grep
//! it whatever the locale; the rest of the output is worded in the catalogs (`tests.ftl`).

use crate::load;
use crate::words::{self, say};
use datalex_compiler::ir::TestCase;
use datalex_compiler::PolicySet;
use datalex_evaluator::{Calendar, Decision, EvalError, Jurisdiction, Request, RequestError};
use datalex_i18n::Lang;
use datalex_lang::ast::{ExpectKind, PartKind};
use datalex_lang::date::Date;
use datalex_lang::{Diagnostic, SourceMap};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The marker of a test that passed, the first column of its line in every language.
pub const OK: &str = "ok";
/// The marker of a test that failed, the first column of its line in every language.
pub const FAILED: &str = "FAILED";

/// What one test found wrong. Typed, worded by [`failure_text`].
#[derive(Debug, Clone)]
pub enum Failure {
    /// The test names no `facts` directory.
    NoFacts,
    /// Its facts could not be read.
    Facts(load::FactsError),
    /// Its facts could not be bound to the package.
    Bind {
        /// The facts directory.
        dir: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// Its request is not JSON.
    RequestJson(String),
    /// Its request is not a request.
    Request(RequestError),
    /// The request was not decided (and the test did not expect this error).
    Eval(EvalError),
    /// `expect error CODE`, and a decision came.
    ExpectedError {
        /// The error code expected.
        code: String,
        /// The decision's effect.
        effect: String,
    },
    /// Another effect than the one expected.
    Effect {
        /// Expected.
        expected: String,
        /// Decided.
        got: String,
        /// The decision's reasons.
        reasons: Vec<String>,
    },
    /// A reason `expect EFFECT REASON` names is not among the decision's.
    Reason {
        /// The reason expected.
        code: String,
        /// The decision's reasons.
        got: Vec<String>,
    },
    /// `expect KIND CODE`: no such part in the decision.
    Missing {
        /// What kind of part.
        kind: PartKind,
        /// Its code.
        code: String,
        /// The decision's parts of that kind.
        got: Vec<String>,
    },
    /// `expect no KIND CODE`: the decision has it.
    Unwanted {
        /// What kind of part.
        kind: PartKind,
        /// Its code.
        code: String,
    },
    /// `expect deadline CODE …`: the decision has no such deadline.
    NoDeadline {
        /// The deadline expected.
        code: String,
        /// The decision's deadlines.
        got: Vec<String>,
    },
    /// The deadline is due on another day.
    DeadlineDue {
        /// The deadline.
        code: String,
        /// Expected.
        expected: Date,
        /// Decided.
        got: Date,
    },
    /// The deadline has another status.
    DeadlineStatus {
        /// The deadline.
        code: String,
        /// Expected.
        expected: String,
        /// Decided.
        got: String,
    },
    /// The deadline falls to another party.
    DeadlineParty {
        /// The deadline.
        code: String,
        /// Expected.
        expected: String,
        /// Decided (`None`: no party).
        got: Option<String>,
    },
    /// `expect tier KEY VALUE`: another effective tier.
    Tier {
        /// Which tier.
        key: String,
        /// Expected.
        expected: String,
        /// Decided (`None`: none).
        got: Option<String>,
    },
    /// The decision differs from its snapshot (`datalex test --snapshot`, which adds this
    /// failure itself: the runner writes no file).
    SnapshotChanged(PathBuf),
}

/// One test and how it went.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// The package it belongs to.
    pub package: String,
    /// Its name.
    pub name: String,
    /// The file it is in, as the sources name it.
    pub file: PathBuf,
    /// The line it starts on (1-based).
    pub line: usize,
    /// The decision, if the request was decided.
    pub decision: Option<Decision>,
    /// What is wrong; empty if it passed.
    pub failures: Vec<Failure>,
}

impl TestResult {
    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Which rules of a package no test exercised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Untested {
    /// Rules no test saw apply.
    pub never_applied: Vec<String>,
    /// Rules no test saw not apply (a rule that always applies needs no such test).
    pub always_applied: Vec<String>,
}

/// Every test run, in the order of the policies, and per package what no test exercised.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The tests, in the order the policies declare them.
    pub tests: Vec<TestResult>,
    /// Per package that has tests (by name, sorted), the rules no test exercised.
    pub untested: BTreeMap<String, Untested>,
}

impl Report {
    /// The tests that failed.
    pub fn failed(&self) -> impl Iterator<Item = &TestResult> {
        self.tests.iter().filter(|t| !t.passed())
    }

    /// Per package (sorted): tests run, tests failed.
    pub fn counts(&self) -> BTreeMap<&str, (usize, usize)> {
        let mut out: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for t in &self.tests {
            let entry = out.entry(t.package.as_str()).or_default();
            entry.0 += 1;
            if !t.passed() {
                entry.1 += 1;
            }
        }
        out
    }
}

/// Runs the tests of `policy` (of the packages in `only`, or all): each test's facts are read
/// from its `facts` directory (relative to its file, as `sources` names it), a request without
/// `at` is decided on `today`. `diagnostics` are the compiler's (an `otherwise` that the
/// analysis found reachable, W0102, needs a test; one no request reaches does not).
pub fn run(
    policy: &Arc<PolicySet>,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    calendar: &Arc<Calendar>,
    today: Date,
    only: Option<&BTreeSet<String>>,
) -> Report {
    let mut bind = |package: &str, dir: &Path| {
        let facts = load::read_facts(dir).map_err(Failure::Facts)?;
        Jurisdiction::new(
            Arc::clone(policy),
            package,
            Arc::new(facts),
            Arc::clone(calendar),
        )
        .map_err(|e| Failure::Bind {
            dir: dir.to_path_buf(),
            detail: e.to_string(),
        })
    };
    run_with(policy, sources, diagnostics, today, only, &mut bind)
}

/// How [`run_with`] binds a test's package to the facts of its `facts` directory.
pub type Bind<'a> = dyn FnMut(&str, &Path) -> Result<Jurisdiction, Failure> + 'a;

/// [`run`], binding each package to each facts directory its tests name once, with `bind`
/// (a reloading service binds through its cache of facts and jurisdictions, so a test whose
/// facts are a served jurisdiction's decides with that jurisdiction, not a second copy).
pub fn run_with(
    policy: &Arc<PolicySet>,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    today: Date,
    only: Option<&BTreeSet<String>>,
    bind: &mut Bind<'_>,
) -> Report {
    let mut report = Report::default();
    // Rules some test saw hold (a positive case) and saw not hold (a negative case).
    let mut exercised: BTreeSet<String> = BTreeSet::new();
    let mut negative: BTreeSet<String> = BTreeSet::new();
    let mut jurisdictions: HashMap<(String, PathBuf), Result<Jurisdiction, Failure>> =
        HashMap::new();
    for t in policy
        .tests
        .iter()
        .filter(|t| only.is_none_or(|o| o.contains(&t.package)))
    {
        let file = sources
            .get(t.file)
            .map(|s| PathBuf::from(&s.name))
            .unwrap_or_default();
        let (line, _) = sources.line_col(t.span);
        let (decision, failures) = run_one(t, &file, today, &mut jurisdictions, bind);
        if let Some(d) = &decision {
            for r in &d.reasons {
                exercised.extend(r.rule.split(", ").map(str::to_string));
            }
            for s in &d.trace {
                if s.matched {
                    exercised.insert(s.rule.to_string());
                } else {
                    negative.insert(s.rule.to_string());
                }
            }
        }
        report.tests.push(TestResult {
            package: t.package.clone(),
            name: t.name.clone(),
            file,
            line,
            decision,
            failures,
        });
    }
    let packages: BTreeSet<String> = report.tests.iter().map(|t| t.package.clone()).collect();
    for pkg in packages {
        let untested = untested(policy, diagnostics, &pkg, &exercised, &negative);
        report.untested.insert(pkg, untested);
    }
    report
}

/// The packages whose tests guard what a service serves: each served jurisdiction and every
/// package it extends.
pub fn guarding(policy: &PolicySet, served: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for name in served {
        let mut next = Some(name.clone());
        while let Some(n) = next {
            if !out.insert(n.clone()) {
                break;
            }
            next = policy.package(&n).and_then(|p| p.extends.clone());
        }
    }
    out
}

/// The rules of `pkg` no test saw apply, and those no test saw not apply.
fn untested(
    policy: &PolicySet,
    diagnostics: &[Diagnostic],
    pkg: &str,
    exercised: &BTreeSet<String>,
    negative: &BTreeSet<String>,
) -> Untested {
    let Some(p) = policy.package(pkg) else {
        return Untested::default();
    };
    let mut no_positive: BTreeSet<String> = BTreeSet::new();
    let mut no_negative: BTreeSet<String> = BTreeSet::new();
    let own = format!("{pkg}.");
    for plan in &p.plans {
        // An `otherwise` no request can reach (the analysis found no gap) needs no test.
        let gap = diagnostics.iter().any(|d| {
            d.code == datalex_lang::Code::W0102
                && d.message.text_arg("kind") == Some(plan.kind.as_str())
        });
        for (_, r) in plan.rules().filter(|(_, r)| r.name.starts_with(&own)) {
            if r.role == datalex_lang::ast::RuleRole::Otherwise {
                if gap && !exercised.contains(&*r.name) {
                    no_positive.insert(r.name.to_string());
                }
                continue;
            }
            if !exercised.contains(&*r.name) {
                no_positive.insert(r.name.to_string());
            }
            // A rule that always applies (`when true`) has no negative case to test.
            let always = matches!(
                r.when,
                None | Some(datalex_compiler::ir::Ex::Const(
                    datalex_compiler::ir::Const::Bool(true)
                ))
            );
            if !negative.contains(&*r.name) && !always {
                no_negative.insert(r.name.to_string());
            }
        }
    }
    Untested {
        never_applied: no_positive.into_iter().collect(),
        always_applied: no_negative.into_iter().collect(),
    }
}

/// Decides one test's request and checks its expectations: the decision (if any) and what
/// failed.
fn run_one(
    t: &TestCase,
    file: &Path,
    today: Date,
    cache: &mut HashMap<(String, PathBuf), Result<Jurisdiction, Failure>>,
    bind: &mut Bind<'_>,
) -> (Option<Decision>, Vec<Failure>) {
    let Some(rel) = &t.facts else {
        return (None, vec![Failure::NoFacts]);
    };
    let dir = file.parent().unwrap_or(Path::new(".")).join(rel);
    let key = (t.package.clone(), dir.clone());
    let j = cache.entry(key).or_insert_with(|| bind(&t.package, &dir));
    let j = match j {
        Ok(j) => j,
        Err(f) => return (None, vec![f.clone()]),
    };
    let json = match datalex_evaluator::json::read(t.request.as_deref().unwrap_or("null")) {
        Ok(read) => match read.unambiguous() {
            Ok(value) => value,
            Err(e) => return (None, vec![Failure::Request(e)]),
        },
        Err(e) => return (None, vec![Failure::RequestJson(e.to_string())]),
    };
    let request = match Request::from_json(&json, today) {
        Ok(r) => r,
        Err(e) => return (None, vec![Failure::Request(e)]),
    };
    // `expect error CODE`: the request is not a decision, with that error.
    let wants_error = t.expects.iter().find_map(|e| match e {
        ExpectKind::Error(code) => Some(code.name.as_str()),
        _ => None,
    });
    match (j.decide(&request), wants_error) {
        (Err(e), Some(code)) if e.code() == code => (None, Vec::new()),
        (Err(e), _) => (None, vec![Failure::Eval(e)]),
        // The decision is not what the test is about: no snapshot, no rule counted as tested.
        (Ok(d), Some(code)) => (
            None,
            vec![Failure::ExpectedError {
                code: code.to_string(),
                effect: d.effect.to_string(),
            }],
        ),
        (Ok(d), None) => {
            let failures = check(t, &d);
            (Some(d), failures)
        }
    }
}

/// What the decision `d` does not hold of what `t` expects.
fn check(t: &TestCase, d: &Decision) -> Vec<Failure> {
    let mut out = Vec::new();
    let codes = |k: PartKind| -> Vec<String> {
        let v: Vec<&str> = match k {
            PartKind::Reason => d.reasons.iter().map(|x| x.code.as_ref()).collect(),
            PartKind::Obligation => d.obligations.iter().map(|x| x.code.as_ref()).collect(),
            PartKind::Finding => d.findings.iter().map(|x| x.code.as_ref()).collect(),
            PartKind::Deadline => d.deadlines.iter().map(|x| x.code.as_ref()).collect(),
            PartKind::Remedy => d.remedies.iter().map(|x| x.code.as_ref()).collect(),
            PartKind::Source => d.sources.iter().map(|x| x.id.as_str()).collect(),
        };
        v.into_iter().map(str::to_string).collect()
    };
    for e in &t.expects {
        match e {
            ExpectKind::Effect(effect, reasons) => {
                if effect.as_str() != d.effect {
                    out.push(Failure::Effect {
                        expected: effect.as_str().to_string(),
                        got: d.effect.to_string(),
                        reasons: codes(PartKind::Reason),
                    });
                }
                for r in reasons {
                    let got = codes(PartKind::Reason);
                    if !got.iter().any(|c| *c == *r.name) {
                        out.push(Failure::Reason {
                            code: r.name.to_string(),
                            got,
                        });
                    }
                }
            }
            ExpectKind::Has(k, code) => {
                let got = codes(*k);
                if !got.iter().any(|c| *c == *code.name) {
                    out.push(Failure::Missing {
                        kind: *k,
                        code: code.name.to_string(),
                        got,
                    });
                }
            }
            ExpectKind::HasNo(k, code) => {
                if codes(*k).iter().any(|c| *c == *code.name) {
                    out.push(Failure::Unwanted {
                        kind: *k,
                        code: code.name.to_string(),
                    });
                }
            }
            ExpectKind::Error(_) => {}
            ExpectKind::Deadline(code, due, status, party) => {
                match d.deadlines.iter().find(|x| *x.code == *code.name) {
                    None => out.push(Failure::NoDeadline {
                        code: code.name.to_string(),
                        got: codes(PartKind::Deadline),
                    }),
                    Some(x) => {
                        if x.due != *due {
                            out.push(Failure::DeadlineDue {
                                code: code.name.to_string(),
                                expected: *due,
                                got: x.due,
                            });
                        }
                        if let Some(s) = status {
                            if x.status != s.name {
                                out.push(Failure::DeadlineStatus {
                                    code: code.name.to_string(),
                                    expected: s.name.to_string(),
                                    got: x.status.to_string(),
                                });
                            }
                        }
                        if let Some(p) = party {
                            if x.party_id.as_deref() != Some(p.value.as_str()) {
                                out.push(Failure::DeadlineParty {
                                    code: code.name.to_string(),
                                    expected: p.value.clone(),
                                    got: x.party_id.clone(),
                                });
                            }
                        }
                    }
                }
            }
            ExpectKind::Tier(key, value) => match d.effective_tier.get(&key.name) {
                Some(v) if *v == value.name => {}
                other => out.push(Failure::Tier {
                    key: key.name.to_string(),
                    expected: value.name.to_string(),
                    got: other.cloned(),
                }),
            },
        }
    }
    out
}

/// Items joined as `lang` joins a list (`a, b`; `a、b`).
fn joined(lang: Lang, items: &[String]) -> String {
    items.join(&datalex_i18n::text(lang, "list-comma", None))
}

/// What a kind of decision part is called in `lang` (`reason`, 理由).
fn part(lang: Lang, kind: PartKind) -> String {
    say(lang, &format!("test-part-{}", kind.as_str()), &[])
}

/// `none` in `lang`, for a part or a tier the decision lacks.
fn or_none(lang: Lang, v: Option<&str>) -> String {
    v.map_or_else(|| say(lang, "test-none", &[]), str::to_string)
}

/// One failure, as a line in `lang`.
pub fn failure_text(lang: Lang, f: &Failure) -> String {
    match f {
        Failure::NoFacts => say(lang, "test-no-facts", &[]),
        Failure::Facts(e) => words::facts_error(lang, e),
        Failure::Bind { dir, detail } => say(
            lang,
            "test-facts",
            &[
                ("dir", dir.display().to_string()),
                ("detail", detail.clone()),
            ],
        ),
        Failure::RequestJson(detail) => {
            say(lang, "test-request-json", &[("detail", detail.clone())])
        }
        Failure::Request(e) => say(
            lang,
            "test-request",
            &[("detail", words::request_error_line(lang, e))],
        ),
        Failure::Eval(e) => say(
            lang,
            "test-not-decided",
            &[
                ("code", e.code().to_string()),
                ("detail", words::eval_error(lang, e)),
            ],
        ),
        Failure::ExpectedError { code, effect } => say(
            lang,
            "test-expected-error",
            &[("code", code.clone()), ("effect", effect.clone())],
        ),
        Failure::Effect {
            expected,
            got,
            reasons,
        } => say(
            lang,
            "test-expected-effect",
            &[
                ("expected", expected.clone()),
                ("got", got.clone()),
                ("reasons", joined(lang, reasons)),
            ],
        ),
        Failure::Reason { code, got } => say(
            lang,
            "test-expected-reason",
            &[("code", code.clone()), ("got", joined(lang, got))],
        ),
        Failure::Missing { kind, code, got } => say(
            lang,
            "test-expected-part",
            &[
                ("kind", part(lang, *kind)),
                ("code", code.clone()),
                ("got", joined(lang, got)),
            ],
        ),
        Failure::Unwanted { kind, code } => say(
            lang,
            "test-unwanted-part",
            &[("kind", part(lang, *kind)), ("code", code.clone())],
        ),
        Failure::NoDeadline { code, got } => say(
            lang,
            "test-expected-deadline",
            &[("code", code.clone()), ("got", joined(lang, got))],
        ),
        Failure::DeadlineDue {
            code,
            expected,
            got,
        } => say(
            lang,
            "test-deadline-due",
            &[
                ("code", code.clone()),
                ("expected", expected.to_string()),
                ("got", got.to_string()),
            ],
        ),
        Failure::DeadlineStatus {
            code,
            expected,
            got,
        } => say(
            lang,
            "test-deadline-status",
            &[
                ("code", code.clone()),
                ("expected", expected.clone()),
                ("got", got.clone()),
            ],
        ),
        Failure::DeadlineParty {
            code,
            expected,
            got,
        } => say(
            lang,
            "test-deadline-party",
            &[
                ("code", code.clone()),
                ("expected", expected.clone()),
                ("got", or_none(lang, got.as_deref())),
            ],
        ),
        Failure::Tier { key, expected, got } => say(
            lang,
            "test-expected-tier",
            &[
                ("key", key.clone()),
                ("expected", expected.clone()),
                ("got", or_none(lang, got.as_deref())),
            ],
        ),
        Failure::SnapshotChanged(path) => say(
            lang,
            "test-snapshot-changed",
            &[("path", path.display().to_string())],
        ),
    }
}

/// A test's line — `ok     FILE:LINE NAME` or `FAILED FILE:LINE NAME` (the marker the same in
/// every language) — and, if it failed, one indented line per failure, in `lang`.
pub fn result_lines(lang: Lang, t: &TestResult) -> Vec<String> {
    let place = format!("{}:{} {}", t.file.display(), t.line, t.name);
    if t.passed() {
        return vec![format!("{OK:<6} {place}")];
    }
    let mut out = vec![format!("{FAILED} {place}")];
    for f in &t.failures {
        for l in failure_text(lang, f).lines() {
            out.push(format!("         {l}"));
        }
    }
    out
}

/// Per package, the tests run and failed and the rules no test exercised; then the line that
/// says every rule is tested both ways, if it is so; in `lang`.
pub fn summary_lines(lang: Lang, report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let mut incomplete = 0;
    for (pkg, (run, failed)) in report.counts() {
        out.push(say(
            lang,
            "test-package-summary",
            &[
                ("package", pkg.to_string()),
                ("run", run.to_string()),
                ("failed", failed.to_string()),
            ],
        ));
        let Some(u) = report.untested.get(pkg) else {
            continue;
        };
        incomplete += u.never_applied.len() + u.always_applied.len();
        if !u.never_applied.is_empty() {
            out.push(format!(
                "  {}",
                say(
                    lang,
                    "test-never-applied",
                    &[("rules", joined(lang, &u.never_applied))]
                )
            ));
        }
        if !u.always_applied.is_empty() {
            out.push(format!(
                "  {}",
                say(
                    lang,
                    "test-always-applied",
                    &[("rules", joined(lang, &u.always_applied))]
                )
            ));
        }
    }
    if incomplete == 0 {
        out.push(say(lang, "test-every-rule-tested", &[]));
    }
    out
}

/// Why a service refuses policies whose tests fail, in `lang`, worded like a compile failure:
/// a line naming the policies and the count, then each failed test with its failures.
pub fn refusal(lang: Lang, policies: &Path, report: &Report) -> String {
    let failed: Vec<&TestResult> = report.failed().collect();
    let mut out = say(
        lang,
        "test-policies-fail-tests",
        &[
            ("path", policies.display().to_string()),
            ("failed", failed.len().to_string()),
            ("run", report.tests.len().to_string()),
        ],
    );
    out.push(':');
    for t in failed {
        for l in result_lines(lang, t) {
            out.push('\n');
            out.push_str(&l);
        }
    }
    out
}
