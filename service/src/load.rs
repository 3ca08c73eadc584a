//! Everything that reads project files: policy sources, the embedded standard library, facts
//! and the calendar. The crates below do no IO; this module gives them texts. (The project's
//! configuration, `datalex.toml`, is read by [`crate::project::config`].)

use anyhow::{bail, Context, Result};
use datalex_compiler::{compile, Compiled};
use datalex_evaluator::{Calendar, Facts};
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

/// Policy sources: the prelude and every `.dlx` file under `paths`. A package that extends
/// another pulls in the sibling folder of that name, so `check policies/binzhou` works alone.
pub fn sources(paths: &[PathBuf]) -> Result<SourceMap> {
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        collect(p, &mut files).with_context(|| format!("reading {}", p.display()))?;
    }
    // Packages the ones found build on or use: `package X extends Y` and `use Y for …` look for
    // the folder Y beside X's folder.
    let mut i = 0;
    while let Some(f) = files.get(i).cloned() {
        i += 1;
        let text =
            std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
        for dep in dependencies(&text) {
            if let Some(dir) = f.parent().and_then(Path::parent).map(|d| d.join(&dep)) {
                if dir.is_dir() && !files.iter().any(|x| x.starts_with(&dir)) {
                    collect(&dir, &mut files)?;
                }
            }
        }
    }
    files.sort();
    files.dedup();
    let mut map = SourceMap::new();
    map.add("stdlib/prelude.dlx", PRELUDE);
    for f in files {
        let text =
            std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
        map.add(display(&f), text);
    }
    Ok(map)
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

fn collect(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if p.is_file() {
        out.push(p.to_path_buf());
        return Ok(());
    }
    if !p.is_dir() {
        bail!("{} does not exist", p.display());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            collect(&e, out)?;
        } else if e.extension().is_some_and(|x| x == "dlx") {
            out.push(e);
        }
    }
    Ok(())
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
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries
            .into_iter()
            .filter(|e| e.extension().is_some_and(|x| x == "toml"))
        {
            extra.push((display(&e), std::fs::read_to_string(&e)?));
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
