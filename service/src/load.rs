//! Everything that reads project files: policy sources, the embedded standard library, facts
//! and the calendar. The crates below do no IO; this module gives them texts. (The project's
//! configuration, `datalex.toml`, is read by [`crate::project::config`].)

use anyhow::{Context, Result};
use datalex_compiler::{compile, Compiled};
use datalex_evaluator::{Calendar, Facts};
use datalex_files::{read_policy, Walker};
use datalex_lang::SourceMap;
use std::path::{Path, PathBuf};

/// The prelude, embedded so that the binary needs no files beside it.
pub const PRELUDE: &str = include_str!("../../stdlib/prelude.dlx");

/// The official calendar years, embedded.
pub const CALENDARS: [(&str, &str); 4] = [
    (
        "stdlib/calendar/2023.toml",
        include_str!("../../stdlib/calendar/2023.toml"),
    ),
    (
        "stdlib/calendar/2024.toml",
        include_str!("../../stdlib/calendar/2024.toml"),
    ),
    (
        "stdlib/calendar/2025.toml",
        include_str!("../../stdlib/calendar/2025.toml"),
    ),
    (
        "stdlib/calendar/2026.toml",
        include_str!("../../stdlib/calendar/2026.toml"),
    ),
];

/// Policy sources: the prelude and every `.dlx` file under `paths` (listed by
/// [`datalex_files`]: each file once, sorted, symbolic link loops and FIFOs skipped with a
/// warning on standard error, limits on depth, count and size). A package that extends
/// another pulls in the sibling folder of that name, so `check policies/binzhou` works alone.
pub fn sources(paths: &[PathBuf]) -> Result<SourceMap> {
    let mut walker = Walker::new();
    for p in paths {
        walker.add(p)?;
    }
    // Packages the ones found build on or use: `package X extends Y` and `use Y for …` look for
    // the folder Y beside X's folder.
    let mut i = 0;
    loop {
        let next = walker.file(i).map(Path::to_path_buf);
        let Some(f) = next else { break };
        i += 1;
        for dep in dependencies(&read_policy(&f)?) {
            if let Some(dir) = f.parent().and_then(Path::parent).map(|d| d.join(&dep)) {
                if dir.is_dir() && !walker.files().any(|x| x.starts_with(&dir)) {
                    walker.add(&dir)?;
                }
            }
        }
    }
    let mut map = SourceMap::new();
    map.add("stdlib/prelude.dlx", PRELUDE);
    for f in listed(walker)? {
        let text = read_policy(&f)?;
        map.add(display(&f), text);
    }
    Ok(map)
}

/// The files a walk found, sorted; what it left out (a FIFO named like a policy file, a symbolic
/// link loop) is reported on standard error; the first entry it could not list is the error.
fn listed(walker: Walker) -> Result<Vec<PathBuf>> {
    let found = walker.finish().checked()?;
    for s in &found.skipped {
        eprintln!("warning: {s}");
    }
    Ok(found.files)
}

fn display(p: &Path) -> String {
    p.strip_prefix("./").unwrap_or(p).display().to_string()
}

/// The packages a file names in `package X extends Y` and `use Y for …`.
fn dependencies(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            match (w.next(), w.next(), w.next(), w.next()) {
                (Some("package"), Some(_), Some("extends"), Some(base)) => Some(base.to_string()),
                (Some("use"), Some(pkg), Some("for"), _) => Some(pkg.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// Compiles the policies under `paths`.
pub fn compile_paths(paths: &[PathBuf]) -> Result<(SourceMap, Compiled)> {
    let sources = sources(paths)?;
    let compiled = compile(&sources);
    Ok((sources, compiled))
}

/// Reads a data directory.
pub fn facts(dir: &Path) -> Result<Facts> {
    let mut texts: Vec<(&str, String)> = Vec::new();
    for name in datalex_evaluator::facts::FACT_FILES {
        let path = dir.join(name);
        if path.exists() {
            texts.push((
                name,
                std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?,
            ));
        }
    }
    let borrowed: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    Facts::from_files(&borrowed).with_context(|| format!("facts in {}", dir.display()))
}

/// The embedded calendar, plus any `*.toml` year files in `dir` (next year's calendar is a data
/// change, not a release). A year in `dir` replaces the embedded one.
pub fn calendar(dir: Option<&Path>) -> Result<Calendar> {
    let mut extra: Vec<(String, String)> = Vec::new();
    if let Some(dir) = dir {
        let mut walker = Walker::flat("toml");
        walker.add(dir)?;
        for e in listed(walker)? {
            extra.push((display(&e), read_policy(&e)?));
        }
    }
    let mut cal = Calendar::new();
    for (name, text) in &extra {
        cal.add_year_toml(name, text)?;
    }
    for (name, text) in CALENDARS {
        let year: i32 = name
            .trim_start_matches("stdlib/calendar/")
            .trim_end_matches(".toml")
            .parse()
            .unwrap_or(0);
        if !cal.is_loaded(year) {
            cal.add_year_toml(name, text)?;
        }
    }
    Ok(cal)
}
