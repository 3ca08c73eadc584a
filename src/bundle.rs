//! `datalex bundle keygen | build | sign | verify | publish` (docs/bundles.md).

use anyhow::{Context as _, Result};
use datalex_i18n::Lang;
use datalex_service::bundle::{self, Bundle};
use datalex_service::decision_log::keys;
use datalex_service::words::say;
use datalex_service::Project;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `datalex bundle keygen OUT`: a new ed25519 key pair, `OUT` (secret, mode 0600) and
/// `OUT.pub`; an existing `OUT` is never overwritten.
pub fn keygen(out: &Path, lang: Lang) -> Result<ExitCode> {
    if out.exists() {
        anyhow::bail!(say(
            lang,
            "bundle-key-exists",
            &[("path", out.display().to_string())]
        ));
    }
    let seed: [u8; 32] = keys::random()?;
    keys::create_private(
        out,
        &format!(
            "# The key that signs datalex policy bundles (ed25519). Keep it secret.\nsecret = \"{}\"\n",
            keys::hex(&seed)
        ),
    )?;
    let (signer, _) = keys::Signer::read_or_create(out)?;
    println!(
        "{}",
        say(
            lang,
            "bundle-keygen-done",
            &[
                ("key", out.display().to_string()),
                ("public", keys::public_key_path(out).display().to_string()),
                ("id", signer.id.clone()),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `datalex bundle build [DIR] -o FILE [--calendar DIR]`: packs the project and prints the id.
pub fn build(
    project: &Project,
    calendar: Option<&Path>,
    out: &Path,
    lang: Lang,
) -> Result<ExitCode> {
    let bundle = bundle::pack(project, calendar)?;
    bundle::write_file(&bundle, out)?;
    println!("{}", bundle.id());
    eprintln!(
        "{}",
        say(
            lang,
            "bundle-built",
            &[
                ("file", out.display().to_string()),
                ("count", bundle.files.len().to_string()),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `datalex bundle sign FILE --key KEY`: adds the key's signature (its public key is read from
/// `KEY.pub`) and rewrites the file; the id does not change.
pub fn sign(file: &Path, key: &Path, lang: Lang) -> Result<ExitCode> {
    if !key.exists() {
        anyhow::bail!(say(
            lang,
            "bundle-no-key",
            &[("key", key.display().to_string())]
        ));
    }
    let mut bundle = bundle::read_file(file)?;
    let (signer, _) = keys::Signer::read_or_create(key)?;
    let public = keys::read_public_key(&keys::public_key_path(key))?;
    bundle.sign(&signer, &public)?;
    bundle::write_file(&bundle, file)?;
    println!("{}", bundle.id());
    eprintln!(
        "{}",
        say(
            lang,
            "bundle-signed",
            &[
                ("file", file.display().to_string()),
                ("id", signer.id.clone())
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `datalex bundle verify FILE --public-key PUB…`: integrity, a signature by one of the keys,
/// compiling and the package tests, as a replica checks before serving; exit 0 or 1 with the
/// reason.
pub fn verify(
    base: &Project,
    file: &Path,
    public_keys: &[PathBuf],
    lang: Lang,
) -> Result<ExitCode> {
    let trusted = public_keys
        .iter()
        .map(|p| keys::read_public_key(p))
        .collect::<Result<Vec<_>>>()?;
    let bytes = std::fs::read(file)
        .with_context(|| format!("cannot read the bundle {}", file.display()))?;
    let scratch =
        std::env::temp_dir().join(format!("datalex-bundle-verify-{}", std::process::id()));
    let outcome = Bundle::read(&bytes)
        .map_err(anyhow::Error::from)
        .and_then(|b| {
            let checked = bundle::check(&b, &trusted, "", base, &scratch, lang)?;
            Ok((b, checked))
        });
    let result = match outcome {
        Ok((b, (snapshot, _unpacked))) => {
            let names: Vec<&str> = snapshot
                .jurisdictions
                .iter()
                .map(|j| j.name.as_str())
                .collect();
            let signed_by = snapshot
                .project
                .bundle()
                .map(|s| s.info.signed_by.clone())
                .unwrap_or_default();
            println!(
                "{}",
                say(
                    lang,
                    "bundle-verified",
                    &[
                        ("id", b.id()),
                        ("count", b.files.len().to_string()),
                        ("key", signed_by),
                        ("jurisdictions", names.join(", ")),
                    ]
                )
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "{}{}",
                datalex_i18n::text(lang, "cli-error-prefix", None),
                say(
                    lang,
                    "bundle-refused",
                    &[
                        ("file", file.display().to_string()),
                        ("reason", format!("{e:#}"))
                    ]
                )
            );
            ExitCode::from(1)
        }
    };
    let _ = std::fs::remove_dir(&scratch);
    Ok(result)
}

/// `datalex bundle publish FILE --store postgres://…`: stores the bundle, makes it active,
/// notifies the replicas; prints the id.
pub fn publish(file: &Path, store: &str, lang: Lang) -> Result<ExitCode> {
    if !datalex_service::pg::is_url(store) {
        anyhow::bail!(say(
            lang,
            "bundle-not-a-store",
            &[("store", store.to_owned())]
        ));
    }
    let (bundle, activation) = bundle::publish(file, store)?;
    if bundle.signatures.is_empty() {
        eprintln!(
            "{}{}",
            datalex_i18n::text(lang, "cli-warning-prefix", None),
            say(
                lang,
                "bundle-unsigned-warning",
                &[("file", file.display().to_string())]
            )
        );
    }
    println!("{}", bundle.id());
    eprintln!(
        "{}",
        say(
            lang,
            "bundle-published",
            &[
                ("file", file.display().to_string()),
                ("generation", activation.generation.to_string()),
                ("at", activation.activated_at.clone()),
                ("store", datalex_service::pg::redact(store)),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}
