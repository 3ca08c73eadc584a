//! The one rule for choosing the jurisdiction that decides a request, for the command line and
//! the service alike (documented in the README and `docs/api.md`):
//!
//! 1. A request may name its `jurisdiction`, and `--jurisdiction` may name one; if both do, they
//!    must agree.
//! 2. A named jurisdiction decides if it is available: a policy package that has facts (a data
//!    directory), or the one `--jurisdiction` names.
//! 3. A request that names none goes to the only available jurisdiction; if there are several,
//!    to the `default_jurisdiction` of `datalex.toml`, if that is one of them; else it is refused.
//!
//! [`Project::choose`](crate::project::Project::choose) applies it with the project's flag and
//! configuration; [`choose`] is the rule itself, over names.

use std::path::PathBuf;

/// Why no jurisdiction decides a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JurisdictionError {
    /// The request names one jurisdiction and `--jurisdiction` another.
    #[error("the request names `{named}` but --jurisdiction is `{flag}`")]
    Conflict {
        /// What the request names.
        named: String,
        /// What `--jurisdiction` names.
        flag: String,
    },
    /// No policy package has that name.
    #[error("no policy package `{name}` in {}", policies.display())]
    NoPackage {
        /// The name.
        name: String,
        /// Where the policies are.
        policies: PathBuf,
    },
    /// A policy package, but without facts.
    #[error("policy package `{name}` has no facts: there is no data directory {}; name one with --data", dir.display())]
    NoData {
        /// The package.
        name: String,
        /// Its data directory, which does not exist.
        dir: PathBuf,
    },
    /// A jurisdiction with facts that this service does not serve (it serves the one
    /// `--jurisdiction` or `--data` chose).
    #[error("`{name}` is not served here; name one of: {}", served.join(", "))]
    NotServed {
        /// The name.
        name: String,
        /// What is served.
        served: Vec<String>,
    },
    /// The request names none, several are available and `datalex.toml` names none of them.
    #[error("several jurisdictions ({}); name one with --jurisdiction or the request's `jurisdiction`", candidates.join(", "))]
    Several {
        /// The available jurisdictions.
        candidates: Vec<String>,
    },
    /// `--data` without `--jurisdiction`, and the policies have several jurisdictions.
    #[error("--data names one jurisdiction's facts: say which with --jurisdiction")]
    DataOfWhich {
        /// The jurisdictions it could be.
        candidates: Vec<String>,
    },
    /// No policy package has facts.
    #[error("no jurisdiction: no policy package has a data directory under {}/; use --jurisdiction and --data", data.display())]
    NoneAvailable {
        /// Where data directories were looked for.
        data: PathBuf,
    },
}

impl JurisdictionError {
    /// The request field the error is about: `jurisdiction` where a name was given and is wrong.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            JurisdictionError::Conflict { .. }
            | JurisdictionError::NoPackage { .. }
            | JurisdictionError::NoData { .. }
            | JurisdictionError::NotServed { .. } => Some("jurisdiction"),
            JurisdictionError::Several { .. }
            | JurisdictionError::DataOfWhich { .. }
            | JurisdictionError::NoneAvailable { .. } => None,
        }
    }
}

/// Why [`choose`] chose none; [`Project::choose`](crate::project::Project::choose) turns it
/// into a [`JurisdictionError`] that says what exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unchosen {
    /// The request and the flag name different jurisdictions.
    Conflict {
        /// The request's.
        named: String,
        /// The flag's.
        flag: String,
    },
    /// The name (the request's, else the flag's) is not available.
    Unavailable(String),
    /// None named, several available, no default among them.
    Several,
    /// None named and none available.
    Nothing,
}

/// The rule: which of `available` (named by `name`) decides a request that names `named`, with
/// `--jurisdiction` `flag` and the configured `default`.
pub fn choose<'a, T>(
    named: Option<&str>,
    flag: Option<&str>,
    default: Option<&str>,
    available: &'a [T],
    name: impl Fn(&T) -> &str,
) -> Result<&'a T, Unchosen> {
    if let (Some(named), Some(flag)) = (named, flag) {
        if named != flag {
            return Err(Unchosen::Conflict {
                named: named.to_string(),
                flag: flag.to_string(),
            });
        }
    }
    let find = |wanted: &str| available.iter().find(|a| name(a) == wanted);
    match named.or(flag) {
        Some(wanted) => find(wanted).ok_or_else(|| Unchosen::Unavailable(wanted.to_string())),
        None => match available {
            [] => Err(Unchosen::Nothing),
            [one] => Ok(one),
            _ => default.and_then(find).ok_or(Unchosen::Several),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick<'a>(
        named: Option<&str>,
        flag: Option<&str>,
        default: Option<&str>,
        available: &'a [&'a str],
    ) -> Result<&'a str, Unchosen> {
        choose(named, flag, default, available, |a| a).copied()
    }

    const SEVERAL: &[&str] = &["shandong", "binzhou", "jinan"];

    #[test]
    fn a_named_jurisdiction_decides_if_available() {
        assert_eq!(pick(Some("jinan"), None, None, SEVERAL), Ok("jinan"));
        assert_eq!(
            pick(Some("jinan"), None, Some("binzhou"), SEVERAL),
            Ok("jinan")
        );
        assert_eq!(
            pick(Some("atlantis"), None, Some("binzhou"), SEVERAL),
            Err(Unchosen::Unavailable("atlantis".into()))
        );
    }

    #[test]
    fn the_flag_names_it_and_must_agree_with_the_request() {
        assert_eq!(
            pick(None, Some("binzhou"), None, &["binzhou"]),
            Ok("binzhou")
        );
        assert_eq!(
            pick(Some("binzhou"), Some("binzhou"), None, &["binzhou"]),
            Ok("binzhou")
        );
        assert_eq!(
            pick(Some("jinan"), Some("binzhou"), Some("jinan"), SEVERAL),
            Err(Unchosen::Conflict {
                named: "jinan".into(),
                flag: "binzhou".into()
            })
        );
        assert_eq!(
            pick(None, Some("atlantis"), None, SEVERAL),
            Err(Unchosen::Unavailable("atlantis".into()))
        );
    }

    #[test]
    fn none_named_goes_to_the_only_one_else_the_default() {
        assert_eq!(pick(None, None, None, &["zunyi"]), Ok("zunyi"));
        // The only one wins over a default that is not available.
        assert_eq!(pick(None, None, Some("binzhou"), &["zunyi"]), Ok("zunyi"));
        assert_eq!(pick(None, None, Some("binzhou"), SEVERAL), Ok("binzhou"));
        assert_eq!(
            pick(None, None, Some("qingdao"), SEVERAL),
            Err(Unchosen::Several)
        );
        assert_eq!(pick(None, None, None, &[]), Err(Unchosen::Nothing));
        assert_eq!(
            pick(None, None, Some("binzhou"), &[]),
            Err(Unchosen::Nothing)
        );
    }

    /// The edge where the command line used to differ from the service: a package and the one
    /// that extends it both have facts and `datalex.toml` names neither. The command line used
    /// to pick the most specific layer; the documented rule ("else the only package that has a
    /// data directory"; `datalex.toml` when there are several) refuses, as the service did.
    #[test]
    fn a_base_and_its_extension_with_facts_and_no_default_are_several() {
        assert_eq!(
            pick(None, None, None, &["shandong", "binzhou"]),
            Err(Unchosen::Several)
        );
    }

    #[test]
    fn only_named_errors_are_about_the_field() {
        let conflict = JurisdictionError::Conflict {
            named: "a".into(),
            flag: "b".into(),
        };
        assert_eq!(conflict.field(), Some("jurisdiction"));
        assert_eq!(
            conflict.to_string(),
            "the request names `a` but --jurisdiction is `b`"
        );
        let several = JurisdictionError::Several {
            candidates: vec!["a".into(), "b".into()],
        };
        assert_eq!(several.field(), None);
        assert_eq!(
            several.to_string(),
            "several jurisdictions (a, b); name one with --jurisdiction or the request's `jurisdiction`"
        );
    }
}
