//! A reload rebuilds only what changed (`reload::build_with` and its `Cache`): an unchanged
//! project is not read again, a `touch` reads and hashes the file and parses nothing, a changed
//! catalog is parsed again while the policies and the other jurisdictions' facts are kept, a
//! changed policy is compiled again while every fact is kept; and every snapshot is the one a
//! build from nothing makes, errors included.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may fail loudly"
)]

use datalex_i18n::Lang;
use datalex_service::project::{Flags, Project};
use datalex_service::reload::{self, cache::Stats, Cache};
use datalex_service::state::Snapshot;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch copy of the repository's policies, facts and `datalex.toml`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for d in ["policies", "data"] {
        let status = std::process::Command::new("cp")
            .arg("-r")
            .arg(repo().join(d))
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
    std::fs::copy(repo().join("datalex.toml"), dir.path().join("datalex.toml")).unwrap();
    // As a deployed tree: files unchanged for longer than the cache's settling time, so that
    // their size and times stand for their content.
    std::thread::sleep(SETTLING);
    dir
}

/// A little over the cache's settling time (two seconds).
const SETTLING: std::time::Duration = std::time::Duration::from_millis(2100);

/// The error of a build that must fail.
fn refused(r: anyhow::Result<Snapshot>) -> String {
    match r {
        Ok(_) => panic!("the build succeeded"),
        Err(e) => format!("{e:#}"),
    }
}

fn versions(s: &Snapshot) -> Vec<(String, String)> {
    s.jurisdictions
        .iter()
        .map(|j| (j.name.clone(), j.version.clone()))
        .collect()
}

fn facts_of<'a>(s: &'a Snapshot, name: &str) -> &'a Arc<datalex_evaluator::Facts> {
    &s.jurisdictions
        .iter()
        .find(|j| j.name == name)
        .unwrap()
        .facts
}

/// Builds with `cache`, checks the snapshot against a build from nothing, and returns it with
/// what the build read.
fn rebuild(p: &Project, cache: &mut Cache) -> (Snapshot, Stats) {
    let s = reload::build_with(p, Lang::En, cache).unwrap();
    let fresh = reload::build(p, Lang::En).unwrap();
    assert_eq!(versions(&s), versions(&fresh));
    (s, cache.stats)
}

#[test]
fn a_reload_rebuilds_only_what_changed() {
    let dir = scratch();
    let p = Project::at(dir.path().to_path_buf(), Flags::default()).unwrap();
    let mut cache = Cache::default();
    let (first, stats) = rebuild(&p, &mut cache);
    assert!(
        stats.compiled && stats.facts_parsed > 10 && stats.bound > 5,
        "{stats:?}"
    );

    // Nothing changed: nothing is read, compiled, parsed or bound again.
    let (same, stats) = rebuild(&p, &mut cache);
    assert_eq!(stats, Stats::default());
    assert!(Arc::ptr_eq(&first.policy, &same.policy));
    assert!(Arc::ptr_eq(
        facts_of(&first, "binzhou"),
        facts_of(&same, "binzhou")
    ));

    // A touch: the catalog is read and hashed, nothing parsed.
    let catalog = dir.path().join("data/binzhou/catalog.json");
    std::fs::File::options()
        .append(true)
        .open(&catalog)
        .unwrap()
        .set_modified(std::time::SystemTime::now())
        .unwrap();
    let (touched, stats) = rebuild(&p, &mut cache);
    assert_eq!(
        stats,
        Stats {
            facts_read: 1,
            ..Stats::default()
        }
    );
    assert_eq!(versions(&touched), versions(&first));
    assert!(Arc::ptr_eq(
        facts_of(&first, "binzhou"),
        facts_of(&touched, "binzhou")
    ));

    // A real change of the catalog: its facts are parsed again (and the files after it, whose
    // hash chains it), the policies and the other jurisdictions' facts are kept.
    let text = std::fs::read_to_string(&catalog).unwrap();
    std::fs::write(&catalog, text.replacen("人口基础信息", "人口基础信息库", 1)).unwrap();
    let (changed, stats) = rebuild(&p, &mut cache);
    assert!(!stats.compiled && stats.facts_parsed >= 1, "{stats:?}");
    assert!(stats.facts_read <= 4, "{stats:?}");
    assert!(Arc::ptr_eq(&first.policy, &changed.policy));
    assert!(Arc::ptr_eq(
        facts_of(&first, "jinan"),
        facts_of(&changed, "jinan")
    ));
    let v = |s: &Snapshot, n: &str| versions(s).into_iter().find(|(j, _)| j == n).unwrap().1;
    assert_ne!(v(&first, "binzhou"), v(&changed, "binzhou"));
    assert_eq!(v(&first, "jinan"), v(&changed, "jinan"));
    let dataset = facts_of(&changed, "binzhou").dataset("bz-ga-0001").unwrap();
    assert_eq!(dataset.name, "人口基础信息库");

    // A changed policy file: compiled again, no fact file parsed (the catalog, read while it
    // had just changed, is read once more, now that it has settled, and then trusted).
    std::thread::sleep(SETTLING);
    let measures = dir.path().join("policies/shandong/measures.dlx");
    let text = std::fs::read_to_string(&measures).unwrap();
    std::fs::write(&measures, format!("{text}\n// a comment\n")).unwrap();
    let (recompiled, stats) = rebuild(&p, &mut cache);
    assert!(
        stats.compiled && stats.facts_read <= 1 && stats.facts_parsed == 0,
        "{stats:?}"
    );
    let (_, stats) = rebuild(&p, &mut cache);
    assert_eq!(stats, Stats::default());
    assert!(Arc::ptr_eq(
        facts_of(&changed, "binzhou"),
        facts_of(&recompiled, "binzhou")
    ));
}

#[test]
fn bad_facts_are_refused_as_a_build_from_nothing_refuses_them_and_nothing_is_kept() {
    let dir = scratch();
    let p = Project::at(dir.path().to_path_buf(), Flags::default()).unwrap();
    let mut cache = Cache::default();
    reload::build_with(&p, Lang::En, &mut cache).unwrap();
    let catalog = dir.path().join("data/binzhou/catalog.json");
    let good = std::fs::read_to_string(&catalog).unwrap();
    let institutions = dir.path().join("data/jinan/institutions.json");
    let good_institutions = std::fs::read_to_string(&institutions).unwrap();
    for (file, bad) in [
        (
            &catalog,
            good.replacen("\"conditional\"", "\"sometimes\"", 1),
        ),
        (
            &catalog,
            good.replacen("\"bz-ga-0002\"", "\"bz-ga-0001\"", 1),
        ),
        (&catalog, good.trim_end().trim_end_matches(']').to_string()),
        (&catalog, good.replacen("\"provider\": \"bz-ga\",", "", 1)),
        (
            &institutions,
            good_institutions.replacen("\"city\"", "3", 1),
        ),
    ] {
        std::fs::write(file, &bad).unwrap();
        let cached = refused(reload::build_with(&p, Lang::En, &mut cache));
        let fresh = refused(reload::build(&p, Lang::En));
        assert_eq!(cached, fresh);
        assert!(cached.contains(".json"), "{cached}");
        // The same bad text again (the cache was cleared): the same error.
        let again = refused(reload::build_with(&p, Lang::En, &mut cache));
        assert_eq!(again, fresh);
        std::fs::write(&catalog, &good).unwrap();
        std::fs::write(&institutions, &good_institutions).unwrap();
        reload::build_with(&p, Lang::En, &mut cache).unwrap();
    }
    // A file that is not UTF-8 is a read error, as before.
    std::fs::write(&catalog, b"[\xff]").unwrap();
    let cached = refused(reload::build_with(&p, Lang::En, &mut cache));
    let fresh = refused(reload::build(&p, Lang::En));
    assert_eq!(cached, fresh);
    assert!(cached.contains("UTF-8"), "{cached}");
}
