//! `datalex fmt [--check] [--keywords zh|en]`: the canonical layout of policy files, and their
//! conversion between keyword languages.

use anyhow::Result;
use datalex_compiler::cite::{self, DefaultRegulation};
use datalex_compiler::ir::{Arena, RegulationText};
use datalex_i18n::Lang;
use datalex_lang::ast::{Citation, CiteForm, Item};
use datalex_lang::format::{format_with, FormatError, Options};
use datalex_lang::keywords::KeywordLang;
use datalex_lang::SourceMap;
use datalex_service::words::say;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Formats the `.dlx` files under `paths` in place, or with `check` only reports which ones
/// are not formatted. With `keywords`, writes them in that keyword language (keywords and
/// citations), else in each file's own. Exit 1 if a file is not formatted (with `check`) or
/// does not parse. `policies` is the project's policy folder: the regulations that say whether
/// `§45.3` is an item or a paragraph when converting to Chinese.
pub fn run(
    lang: Lang,
    paths: &[PathBuf],
    check: bool,
    keywords: Option<KeywordLang>,
    policies: &Path,
) -> Result<ExitCode> {
    let found = datalex_files::policy_files(paths)?;
    let warning = datalex_i18n::text(lang, "cli-warning-prefix", None);
    for s in &found.skipped {
        eprintln!("{warning}{}", crate::cli::skipped(lang, s));
    }
    let files = found.files;
    let texts = match keywords {
        Some(KeywordLang::Zh) => Some(Texts::load(policies, &files)?),
        _ => None,
    };
    let mut failed = 0;
    let mut changed = 0;
    for f in &files {
        let text = datalex_files::read_policy(f)?;
        let default = texts.as_ref().map(|t| t.default_for(&text));
        let shape = |c: &Citation| {
            let (t, d) = texts.as_ref().zip(default)?;
            t.shape(d, c)
        };
        let options = Options {
            keywords,
            shape: Some(&shape),
        };
        match format_with(&text, &options) {
            Ok(out) if out == text => {}
            Ok(out) => {
                changed += 1;
                if check {
                    println!(
                        "{}",
                        say(lang, "cli-fmt-not-formatted", &[("path", path(f))])
                    );
                } else {
                    std::fs::write(f, out).map_err(|e| {
                        anyhow::anyhow!(say(
                            lang,
                            "cli-writing",
                            &[("path", path(f)), ("reason", e.to_string())]
                        ))
                    })?;
                    println!("{}", say(lang, "cli-fmt-formatted", &[("path", path(f))]));
                }
            }
            Err(FormatError::Syntax(diags)) => {
                failed += 1;
                let mut sources = SourceMap::new();
                sources.add(f.display().to_string(), text);
                eprint!(
                    "{}",
                    datalex_lang::diagnostic::render(&diags, &sources, false, lang)
                );
            }
            Err(FormatError::Changed) => {
                failed += 1;
                eprintln!(
                    "{}{}",
                    datalex_i18n::text(lang, "cli-error-prefix", None),
                    say(lang, "cli-fmt-would-change-meaning", &[("path", path(f))])
                );
            }
        }
    }
    let summary = if check {
        "cli-fmt-summary-check"
    } else {
        "cli-fmt-summary"
    };
    println!(
        "{}",
        say(
            lang,
            summary,
            &[
                ("files", files.len().to_string()),
                ("changed", changed.to_string()),
                ("failed", failed.to_string()),
            ],
        )
    );
    Ok(if failed > 0 || (check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A path as the messages show it.
fn path(p: &std::path::Path) -> String {
    p.display().to_string()
}

/// The regulations of the project and of the files formatted, to tell what a `§` citation
/// names the way the compiler does (`cite::resolve`).
struct Texts {
    regulations: Arena<RegulationText>,
    /// Each package's regulations, by id.
    packages: BTreeMap<String, Vec<String>>,
}

impl Texts {
    fn load(policies: &Path, formatted: &[PathBuf]) -> Result<Texts> {
        let mut files = datalex_files::policy_files(&[policies.to_path_buf()])
            .map(|f| f.files)
            .unwrap_or_default();
        files.extend(formatted.iter().cloned());
        files.sort();
        files.dedup();
        let mut regulations = Arena::default();
        let mut packages: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut seen = std::collections::BTreeSet::new();
        for f in &files {
            let text = datalex_files::read_policy(f)?;
            let (file, _) = datalex_lang::parse(0, &text);
            let package = package_of(&file.items).unwrap_or_default();
            for item in &file.items {
                if let Item::Regulation(r) = item {
                    // A regulation is declared once; a second declaration (the same file
                    // reached twice) adds nothing.
                    if seen.insert(r.id.name.clone()) {
                        let (t, _) = datalex_compiler::compile::regulation_text(r, &package, None);
                        regulations.alloc(t);
                        packages
                            .entry(package.clone())
                            .or_default()
                            .push(r.id.name.clone());
                    }
                }
            }
        }
        Ok(Texts {
            regulations,
            packages,
        })
    }

    /// What a bare `§N` of the file `text` cites: its package's regulation.
    fn default_for(&self, text: &str) -> DefaultRegulation {
        let (file, _) = datalex_lang::parse(0, text);
        let package = package_of(&file.items).unwrap_or_default();
        match self.packages.get(&package).map(Vec::as_slice) {
            Some([one]) => self
                .regulations
                .iter()
                .find(|(_, r)| &r.id == one)
                .map_or(DefaultRegulation::None, |(id, _)| {
                    DefaultRegulation::One(id)
                }),
            Some(several) if several.len() > 1 => DefaultRegulation::Several(several.len()),
            _ => DefaultRegulation::None,
        }
    }

    /// How to write `c` the Chinese way, or `None` to keep `§`: a plan's numbering (二（一）1.)
    /// has no `第…条` form, and a citation the compiler cannot resolve is left as written.
    fn shape(&self, default: DefaultRegulation, c: &Citation) -> Option<CiteForm> {
        let resolved = cite::resolve(c, &self.regulations, default).ok()?;
        if self.regulations[resolved.regulation].plan {
            return None;
        }
        Some(match (c.path.len(), resolved.paragraph, resolved.item) {
            (2, None, Some(_)) => CiteForm::NamedItem,
            _ => CiteForm::Named,
        })
    }
}

/// The package a file declares.
fn package_of(items: &[Item]) -> Option<String> {
    items.iter().find_map(|i| match i {
        Item::Package(p) => Some(p.name.name.clone()),
        _ => None,
    })
}
