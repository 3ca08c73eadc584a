//! `datalex bundle keygen | build | sign | verify | publish` (docs/bundles.md).

use anyhow::{Context as _, Result};
use datalex_i18n::Lang;
use datalex_service::bundle::{self, Bundle};
use datalex_service::decision_log::keys;
use datalex_service::Project;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `datalex bundle keygen OUT`: a new ed25519 key pair, `OUT` (secret, mode 0600) and
/// `OUT.pub`; an existing `OUT` is never overwritten.
pub fn keygen(out: &Path) -> Result<ExitCode> {
    if out.exists() {
        anyhow::bail!(
            "{} already exists; a signing key is never overwritten (choose another name)",
            out.display()
        );
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
        "wrote the signing key {} and its public key {} (key id {})",
        out.display(),
        keys::public_key_path(out).display(),
        signer.id
    );
    Ok(ExitCode::SUCCESS)
}

/// `datalex bundle build [DIR] -o FILE [--calendar DIR]`: packs the project and prints the id.
pub fn build(project: &Project, calendar: Option<&Path>, out: &Path) -> Result<ExitCode> {
    let bundle = bundle::pack(project, calendar)?;
    bundle::write_file(&bundle, out)?;
    println!("{}", bundle.id());
    eprintln!(
        "wrote {} ({} files); sign it with `datalex bundle sign {} --key KEY`",
        out.display(),
        bundle.files.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `datalex bundle sign FILE --key KEY`: adds the key's signature (its public key is read from
/// `KEY.pub`) and rewrites the file; the id does not change.
pub fn sign(file: &Path, key: &Path) -> Result<ExitCode> {
    if !key.exists() {
        anyhow::bail!(
            "no signing key at {} (make one with `datalex bundle keygen {}`)",
            key.display(),
            key.display()
        );
    }
    let mut bundle = bundle::read_file(file)?;
    let (signer, _) = keys::Signer::read_or_create(key)?;
    let public = keys::read_public_key(&keys::public_key_path(key))?;
    bundle.sign(&signer, &public)?;
    bundle::write_file(&bundle, file)?;
    println!("{}", bundle.id());
    eprintln!("signed {} with key {}", file.display(), signer.id);
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
                "{}: intact ({} files), signed by {signed_by}, compiles, package tests pass; serves {}",
                b.id(),
                b.files.len(),
                names.join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "{}the bundle {} is refused: {e:#}",
                datalex_i18n::text(lang, "cli-error-prefix", None),
                file.display()
            );
            ExitCode::from(1)
        }
    };
    let _ = std::fs::remove_dir(&scratch);
    Ok(result)
}

/// `datalex bundle publish FILE --store postgres://…`: stores the bundle, makes it active,
/// notifies the replicas; prints the id.
pub fn publish(file: &Path, store: &str) -> Result<ExitCode> {
    if !datalex_service::pg::is_url(store) {
        anyhow::bail!("--store must be a PostgreSQL URL (postgres://…), not `{store}`");
    }
    let (bundle, activation) = bundle::publish(file, store)?;
    if bundle.signatures.is_empty() {
        eprintln!(
            "warning: {} is not signed; replicas following the bundles will refuse it",
            file.display()
        );
    }
    println!("{}", bundle.id());
    eprintln!(
        "published {} as the active bundle (publish {}, at {}) in {}",
        file.display(),
        activation.generation,
        activation.activated_at,
        datalex_service::pg::redact(store)
    );
    Ok(ExitCode::SUCCESS)
}
