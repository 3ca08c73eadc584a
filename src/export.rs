//! `datalex export cedar`: the package's share, open and develop rules as a Cedar schema,
//! Cedar policies and Cedar entities, validated by Cedar (strict mode) before anything is
//! written.

use crate::cli::Loaded;
use anyhow::{bail, Context, Result};
use datalex_cedar::Oracle;
use datalex_service::Project;
use std::path::Path;
use std::process::ExitCode;

/// Exports the jurisdiction the project names (or the default one) into `out`.
pub fn cedar(project: &Project, out: &Path, lang: datalex_i18n::Lang) -> Result<ExitCode> {
    let mut loaded = Loaded::new(project, lang)?;
    let j = loaded.jurisdiction(None)?;
    let export = datalex_cedar::export(&j.engine, &j.facts)?;
    let oracle = Oracle::new(export).context("Cedar does not accept the export")?;
    let (errors, warnings) = oracle.validate();
    for w in &warnings {
        eprintln!("warning: cedar: {w}");
    }
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("error: cedar: {e}");
        }
        bail!(
            "the export of `{}` does not validate against its schema ({} error(s))",
            j.name,
            errors.len()
        );
    }
    let export = oracle.export();
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let files = [
        ("schema.cedarschema", export.schema.clone()),
        ("policies.cedar", export.policies_text()),
        ("entities.json", export.entities_text() + "\n"),
        ("README.md", export.readme()),
    ];
    for (name, text) in files {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let entities = export.entities.as_array().map_or(0, Vec::len);
    let computed: usize = export.actions.iter().map(|a| a.attrs.len()).sum();
    println!(
        "exported `{}` to {}: {} action(s), {} polic(ies), {} entit(ies), {} computed context attribute(s); validated by Cedar (strict), {} warning(s)",
        j.name,
        out.display(),
        export.actions.len(),
        export.policies.len(),
        entities,
        computed,
        warnings.len()
    );
    Ok(ExitCode::SUCCESS)
}
