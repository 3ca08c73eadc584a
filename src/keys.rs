//! `datalex keys`: making the calling platforms' API keys and the key file entries the service
//! authenticates them by (only the SHA-256 of each key is stored).

use anyhow::Context as _;
use datalex_i18n::Lang;
use datalex_service::auth::{self, Keys, RateDefault, Scope};
use datalex_service::limits::{Rate, DEFAULT_CALLER_RATE};
use datalex_service::words;
use std::io::{BufRead as _, Write as _};
use std::path::Path;
use std::process::ExitCode;

/// `datalex keys add`: a new key for caller `id` with `scopes`, its entry appended to `file`
/// (created with mode 0600 if absent) once the whole file still reads; prints the key.
pub fn add(
    file: &Path,
    id: &str,
    scopes: &[String],
    rate: Option<Rate>,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    if !auth::valid_caller_id(id) {
        anyhow::bail!(words::say(lang, "keys-bad-id", &[("id", id.to_string())]));
    }
    let mut names = Vec::new();
    for s in scopes {
        let Some(scope) = Scope::parse(s) else {
            let all: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
            anyhow::bail!(words::say(
                lang,
                "keys-bad-scope",
                &[("scope", s.clone()), ("scopes", all.join(", "))]
            ));
        };
        names.push(format!("\"{}\"", scope.as_str()));
    }
    let key = auth::new_key()?;
    let mut entry = format!(
        "\n[[caller]]\nid = \"{id}\"\nkey_sha256 = \"{}\"\nscopes = [{}]\n",
        auth::key_hash_hex(&key),
        names.join(", ")
    );
    if let Some(rate) = rate {
        entry.push_str(&format!("rate = \"{rate}\"\n"));
    }
    let before = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => anyhow::bail!(words::reading(lang, &file.display().to_string(), &e)),
    };
    // The file as it will be must still read (a caller's keys share its scopes and rate).
    let default = RateDefault {
        rate: DEFAULT_CALLER_RATE,
        burst: None,
    };
    Keys::parse(file, &format!("{before}{entry}"), default, None)
        .map_err(|e| anyhow::anyhow!(words::config_error(lang, &e)))?;
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options
        .open(file)
        .with_context(|| format!("opening {}", file.display()))?;
    out.write_all(entry.as_bytes())
        .with_context(|| format!("writing {}", file.display()))?;
    eprintln!(
        "{}",
        words::say(
            lang,
            "keys-added",
            &[
                ("id", id.to_string()),
                ("scopes", scopes.join(", ")),
                ("file", file.display().to_string()),
            ],
        )
    );
    println!("{key}");
    Ok(ExitCode::SUCCESS)
}

/// `datalex keys hash [KEY]`: the SHA-256 of the key (else of stdin's first line) in hex.
pub fn hash(key: Option<String>) -> anyhow::Result<ExitCode> {
    let key = match key {
        Some(k) => k,
        None => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the key from stdin")?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    println!("{}", auth::key_hash_hex(&key));
    Ok(ExitCode::SUCCESS)
}
