//! Everything that reads project files: policy sources, the embedded standard library, facts
//! and the calendar. The crates below do no IO; this module gives them texts. (The project's
//! configuration, `datalex.toml`, is read by [`crate::project::config`].)

use anyhow::Result;
use datalex_compiler::{compile, Compiled};
use datalex_evaluator::{Calendar, Facts};
use datalex_files::{read_policy, Walker};
use datalex_i18n::Lang;
use datalex_lang::keywords::Kw;
use datalex_lang::SourceMap;
use std::collections::HashMap;
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
/// warning on standard error in `lang`, limits on depth, count and size). A package that
/// extends another pulls in the sibling folder of that name, so `check policies/binzhou` works
/// alone.
pub fn sources(paths: &[PathBuf], lang: Lang) -> Result<SourceMap> {
    let mut walker = Walker::new();
    for p in paths {
        walker.add(p)?;
    }
    // Packages the ones found build on or use: `package X extends Y` and `use Y for …` look for
    // the folder Y beside X's folder.
    // Each file is read once: the texts read here for their dependencies are the sources.
    let mut texts: HashMap<PathBuf, String> = HashMap::new();
    let mut i = 0;
    loop {
        let next = walker.file(i).map(Path::to_path_buf);
        let Some(f) = next else { break };
        i += 1;
        let text = read_policy(&f)?;
        let deps = dependencies(&text);
        texts.insert(f.clone(), text);
        for dep in deps {
            if let Some(dir) = f.parent().and_then(Path::parent).map(|d| d.join(&dep)) {
                if dir.is_dir() && !walker.files().any(|x| x.starts_with(&dir)) {
                    walker.add(&dir)?;
                }
            }
        }
    }
    let mut map = SourceMap::new();
    map.add("stdlib/prelude.dlx", PRELUDE);
    for f in listed(walker, lang)? {
        let text = match texts.remove(&f) {
            Some(text) => text,
            None => read_policy(&f)?,
        };
        map.add(display(&f), text);
    }
    Ok(map)
}

/// The files a walk found, sorted; what it left out (a FIFO named like a policy file, a symbolic
/// link loop) is reported on standard error in `lang`; the first entry it could not list is the
/// error.
fn listed(walker: Walker, lang: Lang) -> Result<Vec<PathBuf>> {
    let found = walker.finish().checked()?;
    for s in &found.skipped {
        eprintln!(
            "{}{}",
            datalex_i18n::text(lang, "cli-warning-prefix", None),
            crate::words::skipped(lang, s)
        );
    }
    Ok(found.files)
}

fn display(p: &Path) -> String {
    p.strip_prefix("./").unwrap_or(p).display().to_string()
}

/// The packages a file names in `package X extends Y` and `use Y for …`, with the keywords in
/// either keyword language (`政策包 X 继承 Y`, `采用 Y 用于 …`; the forms of the one keyword
/// table, [`Kw`]).
fn dependencies(text: &str) -> Vec<String> {
    let is = |word: Option<&str>, kw: Kw| word.is_some_and(|w| w == kw.en() || w == kw.zh());
    let starts = [Kw::Package, Kw::Use];
    text.lines()
        .filter(|l| {
            // Most lines start with no such keyword: they are passed over without splitting.
            let l = l.trim_start();
            starts
                .iter()
                .any(|k| l.starts_with(k.en()) || l.starts_with(k.zh()))
        })
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().take(4).collect();
            let word = |i: usize| w.get(i).copied();
            if is(word(0), Kw::Package) && is(word(2), Kw::Extends) {
                word(3).map(str::to_string)
            } else if is(word(0), Kw::Use) && is(word(2), Kw::For) {
                word(1).map(str::to_string)
            } else {
                None
            }
        })
        .collect()
}

/// Compiles the policies under `paths`; a file the walk skips is a warning in `lang`.
pub fn compile_paths(paths: &[PathBuf], lang: Lang) -> Result<(SourceMap, Compiled)> {
    let sources = sources(paths, lang)?;
    let compiled = compile(&sources);
    Ok((sources, compiled))
}

/// Why a data directory's facts could not be used. Typed (and cloneable, so a policy test's
/// failure can hold it); worded by [`crate::words::facts_error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactsError {
    /// A fact file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// What kind of failure the system reported.
        kind: std::io::ErrorKind,
        /// What the system said.
        detail: String,
    },
    /// The files do not hold facts as the contract has them.
    Invalid {
        /// The data directory.
        dir: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// The largest fact file read (a catalog of a few million datasets is well under it).
pub const MAX_FACT_FILE_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Reads a data directory.
pub fn read_facts(dir: &Path) -> std::result::Result<Facts, FactsError> {
    let mut texts: Vec<(&str, String)> = Vec::new();
    for name in datalex_evaluator::facts::FACT_FILES {
        let path = dir.join(name);
        if path.exists() {
            texts.push((name, read_fact_file(&path)?));
        }
    }
    let borrowed: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    Facts::from_files(&borrowed).map_err(|e| invalid(dir, &e))
}

/// The facts of `dir` are not the contract's.
pub(crate) fn invalid(dir: &Path, e: &datalex_evaluator::facts::FactsError) -> FactsError {
    FactsError::Invalid {
        dir: dir.to_path_buf(),
        detail: format!("{e:#}"),
    }
}

/// The text of one fact file, at most [`MAX_FACT_FILE_BYTES`] long.
pub(crate) fn read_fact_file(path: &Path) -> std::result::Result<String, FactsError> {
    use std::io::Read as _;
    let error = |e: std::io::Error| FactsError::Read {
        kind: e.kind(),
        detail: e.to_string(),
        path: path.to_path_buf(),
    };
    let file = std::fs::File::open(path).map_err(error)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_FACT_FILE_BYTES {
        return Err(error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than the limit of {MAX_FACT_FILE_BYTES} bytes"),
        )));
    }
    let mut text = String::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_FACT_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(error)?;
    if text.len() as u64 > MAX_FACT_FILE_BYTES {
        return Err(error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than the limit of {MAX_FACT_FILE_BYTES} bytes"),
        )));
    }
    Ok(text)
}

/// Reads a data directory; an error is worded in `lang`.
pub fn facts(dir: &Path, lang: Lang) -> Result<Facts> {
    read_facts(dir).map_err(|e| anyhow::anyhow!(crate::words::facts_error(lang, &e)))
}

/// The embedded calendar, plus any `*.toml` year files in `dir` (next year's calendar is a data
/// change, not a release). A year in `dir` replaces the embedded one. A file the walk skips is a
/// warning in `lang`.
pub fn calendar(dir: Option<&Path>, lang: Lang) -> Result<Calendar> {
    calendar_of(&calendar_years(dir, lang)?)
}

/// The `*.toml` year files in `dir` (none without a directory), by name, with their texts.
pub fn calendar_years(dir: Option<&Path>, lang: Lang) -> Result<Vec<(String, String)>> {
    let mut extra: Vec<(String, String)> = Vec::new();
    if let Some(dir) = dir {
        let mut walker = Walker::flat("toml");
        walker.add(dir)?;
        for e in listed(walker, lang)? {
            extra.push((display(&e), read_policy(&e)?));
        }
    }
    Ok(extra)
}

/// The embedded calendar with the year files `extra` ([`calendar_years`]) over it.
pub fn calendar_of(extra: &[(String, String)]) -> Result<Calendar> {
    let mut cal = Calendar::new();
    for (name, text) in extra {
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

#[cfg(test)]
mod tests {
    use super::dependencies;

    #[test]
    fn dependencies_are_read_in_either_keyword_language() {
        let en = "// x\npackage jinan extends shandong\nuse zunyi for develop, catalog_change\n";
        assert_eq!(dependencies(en), ["shandong", "zunyi"]);
        let zh = "政策包 qingdao 继承 shandong\n采用　zunyi 用于 develop\n规则 r 针对 share\n";
        assert_eq!(dependencies(zh), ["shandong", "zunyi"]);
        // A package that extends nothing, and a `use` without `for`, name nothing.
        assert!(dependencies("package binzhou\n政策包 qingdao\nuse zunyi\n").is_empty());
    }
}
