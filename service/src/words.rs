//! The one place the service's errors are worded for people: each typed error → a message of
//! the catalogs (`i18n/locales/{zh,en}/{common,http}.ftl`) in the reader's language. The codes
//! (`invalid_request`, `not_in_force`) never change with the language; only these words do.
//! The command line words the same errors through these functions.

use crate::project::{ConfigError, JurisdictionError};
use datalex_evaluator::{EvalError, RequestError, RequestFault};
use datalex_i18n::{Args, Lang};

/// The message `id` in `lang` with string arguments.
pub fn say(lang: Lang, id: &str, args: &[(&str, String)]) -> String {
    let mut a = Args::new();
    for (k, v) in args {
        a.set(*k, v.clone());
    }
    datalex_i18n::text(lang, id, Some(&a))
}

/// Names in a list, each in backquotes if `quoted`, joined as `lang` joins a list.
fn list(lang: Lang, names: &[String], quoted: bool) -> String {
    let sep = datalex_i18n::text(lang, "list-comma", None);
    names
        .iter()
        .map(|n| if quoted { format!("`{n}`") } else { n.clone() })
        .collect::<Vec<_>>()
        .join(&sep)
}

/// What is wrong with a request (without the field, which the error names beside it).
pub fn request_error(lang: Lang, e: &RequestError) -> String {
    let kinds = || {
        let k: Vec<String> = datalex_evaluator::request::KINDS
            .iter()
            .map(|k| (*k).to_string())
            .collect();
        list(lang, &k, true)
    };
    let field = e.field.clone().unwrap_or_default();
    match &e.fault {
        RequestFault::NotAnObject => say(lang, "request-not-an-object", &[]),
        RequestFault::KindNotAString => say(lang, "request-kind-not-a-string", &[]),
        RequestFault::KindMissing => say(lang, "request-kind-missing", &[("kinds", kinds())]),
        RequestFault::UnknownKind(kind) => say(
            lang,
            "request-unknown-kind",
            &[("kind", kind.clone()), ("kinds", kinds())],
        ),
        RequestFault::NoDataset => say(lang, "request-no-dataset", &[]),
        RequestFault::DatasetMissing => say(lang, "request-dataset-missing", &[]),
        RequestFault::MissingField => say(
            lang,
            "request-missing-field",
            &[("field", field), ("detail", e.message.clone())],
        ),
        RequestFault::UnknownField => say(
            lang,
            "request-unknown-field",
            &[("field", field), ("detail", e.message.clone())],
        ),
        RequestFault::InvalidValue(detail) => {
            say(lang, "request-invalid-value", &[("detail", detail.clone())])
        }
        RequestFault::InvalidDate(d) => d.message().text(lang),
        RequestFault::RepeatedMember => say(lang, "request-repeated-member", &[("field", field)]),
    }
}

/// A request error as one line, naming its field first: ``field `at`: …``.
pub fn request_error_line(lang: Lang, e: &RequestError) -> String {
    let message = request_error(lang, e);
    match &e.field {
        Some(f) => say(
            lang,
            "field-error",
            &[("field", f.clone()), ("message", message)],
        ),
        None => message,
    }
}

/// Why a request was not decided.
pub fn eval_error(lang: Lang, e: &EvalError) -> String {
    match e {
        EvalError::BudgetExceeded { budget, rule } => say(
            lang,
            "eval-budget-exceeded",
            &[("budget", budget.to_string()), ("rule", rule.clone())],
        ),
        EvalError::NoPlan { package, kind } => say(
            lang,
            "eval-no-plan",
            &[("package", package.clone()), ("kind", kind.clone())],
        ),
        EvalError::InvalidField { field, message } => say(
            lang,
            "field-error",
            &[
                ("field", field.clone()),
                (
                    "message",
                    say(
                        lang,
                        "request-invalid-value",
                        &[("detail", message.clone())],
                    ),
                ),
            ],
        ),
        EvalError::NotInForce {
            regulation,
            title,
            at,
            period,
        } => say(
            lang,
            "eval-not-in-force",
            &[
                ("regulation", regulation.clone()),
                ("title", title.clone()),
                ("at", at.to_string()),
                ("period", period.clone()),
            ],
        ),
    }
}

/// Why no jurisdiction decides a request.
pub fn jurisdiction_error(lang: Lang, e: &JurisdictionError) -> String {
    match e {
        JurisdictionError::Conflict { named, flag } => say(
            lang,
            "jurisdiction-conflict",
            &[("named", named.clone()), ("flag", flag.clone())],
        ),
        JurisdictionError::NoPackage { name, policies } => say(
            lang,
            "jurisdiction-no-package",
            &[
                ("name", name.clone()),
                ("policies", policies.display().to_string()),
            ],
        ),
        JurisdictionError::NoData { name, dir } => say(
            lang,
            "jurisdiction-no-data",
            &[("name", name.clone()), ("dir", dir.display().to_string())],
        ),
        JurisdictionError::NotServed { name, served } => say(
            lang,
            "jurisdiction-not-served",
            &[
                ("name", name.clone()),
                ("served", list(lang, served, false)),
            ],
        ),
        JurisdictionError::Several { candidates } => say(
            lang,
            "jurisdiction-several",
            &[("candidates", list(lang, candidates, false))],
        ),
        JurisdictionError::DataOfWhich { .. } => say(lang, "jurisdiction-data-of-which", &[]),
        JurisdictionError::NoneAvailable { data } => say(
            lang,
            "jurisdiction-none-available",
            &[("data", data.display().to_string())],
        ),
    }
}

/// What the system said about a file, in `lang`: the common cases in words, else the
/// system's own text.
pub fn io_reason(lang: Lang, e: &std::io::Error) -> String {
    let id = match e.kind() {
        std::io::ErrorKind::NotFound => "io-not-found",
        std::io::ErrorKind::PermissionDenied => "io-permission-denied",
        _ => return e.to_string(),
    };
    say(lang, id, &[("detail", e.to_string())])
}

/// Reading `path` failed with `e`.
pub fn reading(lang: Lang, path: &str, e: &std::io::Error) -> String {
    say(
        lang,
        "io-reading",
        &[("path", path.to_string()), ("reason", io_reason(lang, e))],
    )
}

/// What a file that is neither regular nor a directory is, in `lang`.
fn file_kind(lang: Lang, kind: datalex_files::FileKind) -> String {
    use datalex_files::FileKind as K;
    let id = match kind {
        K::Fifo => "cli-kind-fifo",
        K::Device => "cli-kind-device",
        K::Socket => "cli-kind-socket",
        K::Symlink => "cli-kind-symlink",
        K::Other => "cli-kind-other",
    };
    say(lang, id, &[])
}

/// Why the walk over the policy files failed, in `lang`.
pub fn walk_error(lang: Lang, e: &datalex_files::WalkError) -> String {
    use datalex_files::WalkError as W;
    let path = e.path().display().to_string();
    match e {
        W::Missing { .. } => say(lang, "cli-does-not-exist", &[("path", path)]),
        W::Io { source, .. } => reading(lang, &path, source),
        W::NotRegular { kind, .. } => say(
            lang,
            "cli-not-regular",
            &[("path", path), ("kind", file_kind(lang, *kind))],
        ),
        W::TooManyFiles { limit, .. } => say(
            lang,
            "cli-too-many-files",
            &[("path", path), ("limit", limit.to_string())],
        ),
        W::TooManyEntries { limit, .. } => say(
            lang,
            "cli-too-many-entries",
            &[("path", path), ("limit", limit.to_string())],
        ),
        W::TooDeep { limit, .. } => say(
            lang,
            "cli-too-deep",
            &[("path", path), ("limit", limit.to_string())],
        ),
        W::TooLarge { size, limit, .. } => say(
            lang,
            "cli-too-large",
            &[
                ("path", path),
                ("size", size.to_string()),
                ("limit", limit.to_string()),
            ],
        ),
    }
}

/// An entry the walk left out, as a warning's text in `lang`.
pub fn skipped(lang: Lang, s: &datalex_files::Skipped) -> String {
    use datalex_files::SkipReason as R;
    let reason = match &s.reason {
        R::NotRegular(kind) => say(
            lang,
            "cli-skip-not-regular",
            &[("kind", file_kind(lang, *kind))],
        ),
        R::SymlinkLoop { target } => say(
            lang,
            "cli-skip-symlink-loop",
            &[("target", target.display().to_string())],
        ),
        R::BrokenLink => say(lang, "cli-skip-broken-link", &[]),
    };
    say(
        lang,
        "cli-skipped",
        &[("path", s.path.display().to_string()), ("reason", reason)],
    )
}

/// A data directory's facts could not be used.
pub fn facts_error(lang: Lang, e: &crate::load::FactsError) -> String {
    use crate::load::FactsError as F;
    match e {
        F::Read { path, kind, detail } => reading(
            lang,
            &path.display().to_string(),
            &std::io::Error::new(*kind, detail.clone()),
        ),
        F::Invalid { dir, detail } => say(
            lang,
            "facts-invalid",
            &[
                ("dir", dir.display().to_string()),
                ("detail", detail.clone()),
            ],
        ),
    }
}

/// `datalex.toml` could not be used.
pub fn config_error(lang: Lang, e: &ConfigError) -> String {
    match e {
        ConfigError::Read { path, source } => reading(lang, &path.display().to_string(), source),
        ConfigError::Invalid {
            path,
            line,
            key,
            message,
        } => {
            let mut args = vec![
                ("path", path.display().to_string()),
                ("line", line.to_string()),
                ("message", message.clone()),
            ];
            match key {
                Some(k) => {
                    args.push(("key", k.clone()));
                    say(lang, "config-invalid-key", &args)
                }
                None => say(lang, "config-invalid", &args),
            }
        }
    }
}

/// The jurisdictions a request may name, for `unknown_jurisdiction`.
pub fn unknown_jurisdiction(lang: Lang, known: &[String]) -> String {
    say(
        lang,
        "http-unknown-jurisdiction",
        &[("known", list(lang, known, false))],
    )
}

/// A body that is not JSON: serde_json's words in English; in Chinese, where it went wrong.
pub fn malformed_json(lang: Lang, e: &serde_json::Error) -> String {
    let id = if e.is_eof() {
        "http-json-ends-early"
    } else {
        "http-malformed-json"
    };
    say(
        lang,
        id,
        &[
            ("detail", e.to_string()),
            ("line", e.line().to_string()),
            ("column", e.column().to_string()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_are_the_errors_own() {
        let e = RequestError {
            field: Some("kind".into()),
            message: String::new(),
            fault: RequestFault::UnknownKind("borrow".into()),
        };
        let en = request_error(Lang::En, &e);
        assert!(
            en.starts_with("unknown kind `borrow`; expected one of `share`, `open`"),
            "{en}"
        );
        let zh = request_error_line(Lang::Zh, &e);
        assert!(
            zh.contains("`borrow`") && zh.contains("`share`、`open`"),
            "{zh}"
        );
        let j = JurisdictionError::NotServed {
            name: "linyi".into(),
            served: vec!["binzhou".into(), "jinan".into()],
        };
        assert_eq!(jurisdiction_error(Lang::En, &j), j.to_string());
        let j = JurisdictionError::Several {
            candidates: vec!["binzhou".into(), "jinan".into()],
        };
        assert_eq!(jurisdiction_error(Lang::En, &j), j.to_string());
        let c = ConfigError::Invalid {
            path: "datalex.toml".into(),
            line: 3,
            key: Some("default_jurisdiction".into()),
            message: "invalid type".into(),
        };
        assert_eq!(config_error(Lang::En, &c), c.to_string());
        assert_eq!(
            config_error(Lang::Zh, &c),
            "配置文件 datalex.toml 第3行的 `default_jurisdiction` 有误：invalid type"
        );
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let c = ConfigError::Read {
            path: "datalex.toml".into(),
            source: missing,
        };
        assert_eq!(config_error(Lang::En, &c), c.to_string());
        assert_eq!(
            config_error(Lang::Zh, &c),
            "无法读取 datalex.toml：文件不存在"
        );
        let f = crate::load::FactsError::Invalid {
            dir: "data/x".into(),
            detail: "institutions.json: expected an array".into(),
        };
        assert_eq!(
            facts_error(Lang::En, &f),
            "facts in data/x: institutions.json: expected an array"
        );
        assert_eq!(
            facts_error(Lang::Zh, &f),
            "data/x 中的事实有误：institutions.json: expected an array"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("institutions.json")).unwrap();
        let e = crate::load::read_facts(dir.path()).unwrap_err();
        assert!(
            facts_error(Lang::Zh, &e).starts_with(&format!(
                "无法读取 {}",
                dir.path().join("institutions.json").display()
            )),
            "{e:?}"
        );
    }
}
