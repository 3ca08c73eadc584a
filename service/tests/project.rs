//! The project context on the bundled policies: which jurisdictions are available and served,
//! and the one rule for choosing among them, in a scratch root with chosen data directories and
//! `datalex.toml`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

use datalex_compiler::PolicySet;
use datalex_lang::date::Date;
use datalex_service::project::{root_from, FixedClock, Flags, JurisdictionError, Project};
use datalex_service::reload;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The bundled policies, compiled once for every test.
fn policy() -> &'static PolicySet {
    static POLICY: OnceLock<PolicySet> = OnceLock::new();
    POLICY.get_or_init(|| {
        let (_, compiled) = Project::at(repo(), Flags::default())
            .unwrap()
            .compile(datalex_i18n::Lang::En)
            .unwrap();
        compiled.policy.expect("the bundled policies compile")
    })
}

/// A scratch root with `data/<name>` for each of `data` (copied from the repository) and, if
/// given, a `datalex.toml`; the policies are the repository's.
fn root(data: &[&str], config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in data {
        let to = dir.path().join("data").join(name);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(repo().join("data").join(name)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    if let Some(text) = config {
        std::fs::write(dir.path().join("datalex.toml"), text).unwrap();
    }
    dir
}

fn project(root: &Path, flags: Flags) -> Project {
    let flags = Flags {
        policies: Some(repo().join("policies")),
        ..flags
    };
    Project::at(root.to_path_buf(), flags).unwrap()
}

fn choose(p: &Project, named: Option<&str>) -> Result<String, JurisdictionError> {
    let available = p.available(policy())?;
    p.choose(policy(), named, &available, String::as_str)
        .cloned()
}

#[test]
fn every_package_with_facts_is_available_in_the_policies_order() {
    let dir = root(&["binzhou", "shandong", "zunyi"], None);
    let p = project(dir.path(), Flags::default());
    assert_eq!(
        p.available(policy()).unwrap(),
        ["shandong", "binzhou", "zunyi"]
    );
    assert_eq!(
        p.served(policy()).unwrap(),
        ["shandong", "binzhou", "zunyi"]
    );
    assert_eq!(choose(&p, Some("zunyi")).unwrap(), "zunyi");
}

/// The documented rule where the command line used to pick the most specific layer: a package
/// and the one that extends it both have facts, the request names none, `datalex.toml` names
/// none: refused, by the command line and the service alike.
#[test]
fn a_base_and_its_extension_with_facts_and_no_default_are_refused() {
    let dir = root(&["binzhou", "shandong"], None);
    let p = project(dir.path(), Flags::default());
    assert_eq!(
        choose(&p, None),
        Err(JurisdictionError::Several {
            candidates: vec!["shandong".into(), "binzhou".into()]
        })
    );
    // The service serves both and refuses the request the same way.
    let snapshot = reload::build(&p, datalex_i18n::Lang::En).unwrap();
    let names: Vec<&str> = snapshot
        .jurisdictions
        .iter()
        .map(|j| j.name.as_str())
        .collect();
    assert_eq!(names, ["shandong", "binzhou"]);
    assert!(matches!(
        p.choose(&snapshot.policy, None, &snapshot.jurisdictions, |j| j
            .name
            .as_str()),
        Err(JurisdictionError::Several { .. })
    ));

    // `datalex.toml` settles it, for both.
    let dir = root(
        &["binzhou", "shandong"],
        Some("default_jurisdiction = \"binzhou\"\n"),
    );
    let p = project(dir.path(), Flags::default());
    assert_eq!(choose(&p, None).unwrap(), "binzhou");
    let snapshot = reload::build(&p, datalex_i18n::Lang::En).unwrap();
    let chosen = p
        .choose(&snapshot.policy, None, &snapshot.jurisdictions, |j| {
            j.name.as_str()
        })
        .unwrap();
    assert_eq!(chosen.name, "binzhou");
}

#[test]
fn one_package_with_facts_decides_without_a_default() {
    let dir = root(&["zunyi"], Some("default_jurisdiction = \"binzhou\"\n"));
    let p = project(dir.path(), Flags::default());
    assert_eq!(choose(&p, None).unwrap(), "zunyi");
}

#[test]
fn a_named_jurisdiction_must_exist_and_have_facts() {
    let dir = root(&["binzhou"], None);
    let p = project(dir.path(), Flags::default());
    let e = choose(&p, Some("atlantis")).unwrap_err();
    assert!(matches!(e, JurisdictionError::NoPackage { .. }), "{e:?}");
    assert_eq!(e.field(), Some("jurisdiction"));
    assert!(
        e.to_string()
            .starts_with("no policy package `atlantis` in "),
        "{e}"
    );
    let e = choose(&p, Some("national")).unwrap_err();
    assert_eq!(
        e,
        JurisdictionError::NoData {
            name: "national".into(),
            dir: dir.path().join("data").join("national")
        }
    );
}

#[test]
fn the_flag_names_the_one_jurisdiction() {
    let dir = root(&["binzhou", "jinan"], None);
    let flag = |j: &str| Flags {
        jurisdiction: Some(j.into()),
        ..Flags::default()
    };
    let p = project(dir.path(), flag("jinan"));
    assert_eq!(p.available(policy()).unwrap(), ["jinan"]);
    assert_eq!(p.served(policy()).unwrap(), ["jinan"]);
    assert_eq!(choose(&p, None).unwrap(), "jinan");
    assert_eq!(
        choose(&p, Some("binzhou")),
        Err(JurisdictionError::Conflict {
            named: "binzhou".into(),
            flag: "jinan".into()
        })
    );
    let p = project(dir.path(), flag("atlantis"));
    assert!(matches!(
        p.served(policy()),
        Err(JurisdictionError::NoPackage { .. })
    ));
}

#[test]
fn data_without_the_flag_is_the_facts_of_the_default_or_the_only_jurisdiction() {
    let dir = root(&[], None);
    let data = Flags {
        data: Some(repo().join("data").join("binzhou")),
        ..Flags::default()
    };
    // Every package could be the one whose facts these are: a request may name it.
    let p = project(dir.path(), data.clone());
    assert_eq!(choose(&p, Some("jinan")).unwrap(), "jinan");
    assert!(matches!(
        p.served(policy()),
        Err(JurisdictionError::DataOfWhich { .. })
    ));
    let dir = root(&[], Some("default_jurisdiction = \"binzhou\"\n"));
    let p = project(dir.path(), data);
    assert_eq!(choose(&p, None).unwrap(), "binzhou");
    assert_eq!(p.served(policy()).unwrap(), ["binzhou"]);
}

#[test]
fn nothing_to_serve_is_an_error_naming_where_facts_were_looked_for() {
    let dir = root(&[], None);
    let p = project(dir.path(), Flags::default());
    let e = p.served(policy()).unwrap_err();
    assert_eq!(
        e,
        JurisdictionError::NoneAvailable {
            data: dir.path().join("data")
        }
    );
    assert!(reload::build(&p, datalex_i18n::Lang::En).is_err());
}

#[test]
fn the_snapshot_is_stamped_by_the_projects_clock() {
    let dir = root(&["binzhou"], None);
    let clock = FixedClock::on(Date::parse("2026-03-02").unwrap());
    let p = project(dir.path(), Flags::default()).with_clock(Arc::new(clock));
    let snapshot = reload::build(&p, datalex_i18n::Lang::En).unwrap();
    assert_eq!(snapshot.loaded_at, "2026-03-02T04:00:00.000Z");
    assert_eq!(p.clock().today(), Date::parse("2026-03-02").unwrap());
}

#[test]
fn a_misspelt_configuration_key_is_an_error_naming_the_file() {
    let dir = root(&[], Some("default_jurisdicton = \"binzhou\"\n"));
    let e = Project::at(dir.path().to_path_buf(), Flags::default()).unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with(&format!(
            "{}:1: ",
            dir.path().join("datalex.toml").display()
        )),
        "{text}"
    );
    assert!(
        text.contains("unknown field `default_jurisdicton`"),
        "{text}"
    );
}

#[test]
fn defaults_are_under_the_root_found_from_the_working_directory_and_paths_stay_relative() {
    // Tests run in `service/`: the root is the repository above it, with `datalex.toml`.
    let p = Project::discover(Flags::default()).unwrap();
    assert_eq!(p.root(), Path::new(".."));
    assert_eq!(p.policies(), Path::new("../policies"));
    assert_eq!(p.data_dir("binzhou"), Path::new("../data/binzhou"));
    assert_eq!(
        p.watched(),
        [PathBuf::from("../policies"), PathBuf::from("../data")]
    );
}

#[test]
fn the_root_is_found_walking_up_as_the_language_server_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    std::fs::create_dir_all(base.join("repo/policies/binzhou")).unwrap();
    std::fs::create_dir_all(base.join("repo/docs")).unwrap();
    std::fs::create_dir_all(base.join("elsewhere")).unwrap();
    // At the root: the empty path, so files are named as the user sees them.
    assert_eq!(root_from(&base.join("repo")), Path::new(""));
    // From inside the policy folder or beside it: the root above.
    assert_eq!(
        root_from(&base.join("repo/policies/binzhou")),
        Path::new("../..")
    );
    assert_eq!(root_from(&base.join("repo/policies")), Path::new(".."));
    // `datalex.toml` makes a root even without `policies/`, and the nearest root wins.
    std::fs::write(base.join("repo/docs/datalex.toml"), "").unwrap();
    assert_eq!(root_from(&base.join("repo/docs")), Path::new(""));
    // No project above: the working directory itself.
    assert_eq!(root_from(&base.join("elsewhere")), Path::new(""));
}
