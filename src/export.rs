//! `datalex export cedar`: the package's share, open and develop rules as a Cedar schema,
//! Cedar policies and Cedar entities, validated by Cedar (strict mode) before anything is
//! written.

use crate::cli::Loaded;
use anyhow::{anyhow, bail, Result};
use datalex_cedar::Oracle;
use datalex_service::words::say;
use datalex_service::Project;
use std::path::Path;
use std::process::ExitCode;

/// Exports the jurisdiction the project names (or the default one) into `out`.
pub fn cedar(project: &Project, out: &Path, lang: datalex_i18n::Lang) -> Result<ExitCode> {
    let mut loaded = Loaded::new(project, lang)?;
    let j = loaded.jurisdiction(None)?;
    let export = datalex_cedar::export(&j.engine, &j.facts)?;
    let oracle = Oracle::new(export).map_err(|e| {
        anyhow!(say(
            lang,
            "cli-cedar-rejects",
            &[("detail", format!("{e:#}"))]
        ))
    })?;
    let (errors, warnings) = oracle.validate();
    let warning = datalex_i18n::text(lang, "cli-warning-prefix", None);
    let error = datalex_i18n::text(lang, "cli-error-prefix", None);
    for w in &warnings {
        eprintln!("{warning}cedar: {w}");
    }
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("{error}cedar: {e}");
        }
        bail!(say(
            lang,
            "cli-cedar-invalid",
            &[
                ("name", j.name.clone()),
                ("errors", errors.len().to_string())
            ]
        ));
    }
    let export = oracle.export();
    let failed = |path: &Path, e: std::io::Error| {
        anyhow!(say(
            lang,
            "cli-writing",
            &[
                ("path", path.display().to_string()),
                ("reason", e.to_string())
            ]
        ))
    };
    std::fs::create_dir_all(out).map_err(|e| failed(out, e))?;
    let files = [
        ("schema.cedarschema", export.schema.clone()),
        ("policies.cedar", export.policies_text()),
        ("entities.json", export.entities_text() + "\n"),
        ("README.md", export.readme()),
    ];
    for (name, text) in files {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| failed(&path, e))?;
    }
    let entities = export.entities.as_array().map_or(0, Vec::len);
    let computed: usize = export.actions.iter().map(|a| a.attrs.len()).sum();
    println!(
        "{}",
        say(
            lang,
            "cli-cedar-exported",
            &[
                ("name", j.name.clone()),
                ("out", out.display().to_string()),
                ("actions", export.actions.len().to_string()),
                ("policies", export.policies.len().to_string()),
                ("entities", entities.to_string()),
                ("computed", computed.to_string()),
                ("warnings", warnings.len().to_string()),
            ],
        )
    );
    Ok(ExitCode::SUCCESS)
}
