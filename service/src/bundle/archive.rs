//! The bundle file (`*.dlxb`): a tar archive whose first entry is the manifest, then every file
//! the manifest lists in its order, then, optionally, the signatures.
//!
//! ```text
//! manifest.json      {"format":"datalex-bundle-1","files":[{"path":…,"size":…,"sha256":…},…]}
//! datalex.toml       (what chooses what is served: `default_jurisdiction`)
//! policies/…/*.dlx
//! data/<jurisdiction>/*.json
//! calendar/*.toml    (extra calendar years, if any)
//! signatures.json    [{"key_id":…,"public_key":…,"signature":…},…]   (not in the manifest)
//! ```
//!
//! The bundle id is `sha256:` and the SHA-256 of the manifest's canonical bytes (compact JSON,
//! keys in the order above, files sorted by path): building twice from the same files gives the
//! same id, and signing — which only adds `signatures.json` — does not change it. Each signature
//! is ed25519 over [`signed_message`] of the id.
//!
//! Reading ([`Bundle::read`]) is bounded and strict: at most [`MAX_ENTRIES`] entries and
//! [`MAX_BYTES`] bytes, regular files only (no links, devices or directories), relative paths
//! without `..`, exactly the manifest's files in its order, each of its size and SHA-256, and
//! the archive's end marker present. Anything else is refused with a [`BundleError`] naming it.

use crate::decision_log::keys::{self, hex, Signer};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read as _;
use std::path::Path;

/// The format named in every manifest.
pub const FORMAT: &str = "datalex-bundle-1";
/// The manifest's entry, first in the archive.
pub const MANIFEST: &str = "manifest.json";
/// The signatures' entry, last in the archive, outside the manifest.
pub const SIGNATURES: &str = "signatures.json";
/// The most entries an archive may have (the manifest, files and signatures).
pub const MAX_ENTRIES: usize = 20_000;
/// The largest file (the policy walker's limit is 4 MiB; facts may be larger).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// The largest archive.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;
/// The longest path inside an archive, in bytes.
pub const MAX_PATH: usize = 512;
/// The size of a tar block; an archive ends with two zero blocks.
const BLOCK: usize = 512;

/// The manifest: every file of the bundle with its size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The files, sorted by path, each once.
    pub files: Vec<FileEntry>,
}

/// A file of the [`Manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Its path in the bundle (`policies/binzhou/sharing.dlx`), `/`-separated.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes, in hex.
    pub sha256: String,
}

impl Manifest {
    /// The bytes the id is the hash of: compact JSON, fields in declaration order.
    pub fn canonical(&self) -> Vec<u8> {
        // Serialising plain strings and numbers cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// `sha256:<hex>` of [`canonical`](Manifest::canonical).
    pub fn id(&self) -> String {
        format!("sha256:{}", hex(&Sha256::digest(self.canonical())))
    }
}

/// One signature of a bundle's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The signer's key id: the first 16 hex digits of SHA-256 of its public key.
    pub key_id: String,
    /// The signer's ed25519 public key, in hex.
    pub public_key: String,
    /// The ed25519 signature of [`signed_message`] of the id, in hex.
    pub signature: String,
}

/// What a signature signs: the format and the bundle id, so that a bundle signature can never
/// be taken for a signature of anything else made with the same key.
pub fn signed_message(id: &str) -> Vec<u8> {
    format!("{FORMAT}\n{id}").into_bytes()
}

/// Why a bundle is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Over [`MAX_BYTES`].
    #[error("the archive is {size} bytes, over the limit of {MAX_BYTES}")]
    TooLarge {
        /// Its size.
        size: u64,
    },
    /// The archive stops before its end (cut off in transfer or storage).
    #[error("unexpected end of the archive: {detail} (truncated?)")]
    Truncated {
        /// Where.
        detail: String,
    },
    /// The tar structure is broken (a header's checksum, say).
    #[error("the archive is corrupt: {detail}")]
    Corrupt {
        /// What the reader said.
        detail: String,
    },
    /// More than [`MAX_ENTRIES`] entries.
    #[error("the archive has more than {MAX_ENTRIES} entries")]
    TooManyEntries,
    /// An entry that is not a regular file (a link, a directory, a device).
    #[error("entry `{path}` is a {kind}, not a regular file (links and directories are refused)")]
    NotAFile {
        /// The entry's path.
        path: String,
        /// Its tar type.
        kind: String,
    },
    /// A path that could leave the directory the bundle is unpacked in, or is not plain.
    #[error("entry `{path}`: {why}")]
    BadPath {
        /// The path.
        path: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// An entry over [`MAX_FILE_BYTES`].
    #[error("entry `{path}` is {size} bytes, over the limit of {MAX_FILE_BYTES}")]
    FileTooLarge {
        /// The entry.
        path: String,
        /// Its size.
        size: u64,
    },
    /// The first entry is not the manifest, or the manifest is not one.
    #[error("the manifest: {detail}")]
    Manifest {
        /// What is wrong.
        detail: String,
    },
    /// An entry that is not the manifest's next file.
    #[error("entry `{path}` is not in the manifest (or not in its order)")]
    Unlisted {
        /// The entry.
        path: String,
    },
    /// A file the manifest lists that the archive does not have.
    #[error("the manifest lists `{path}`, which the archive does not have")]
    Missing {
        /// The file.
        path: String,
    },
    /// A file whose size or hash is not the manifest's.
    #[error("`{path}` does not match the manifest: {what}")]
    Mismatch {
        /// The file.
        path: String,
        /// Size or SHA-256, expected and found.
        what: String,
    },
    /// The signatures entry is not a list of signatures.
    #[error("`{SIGNATURES}`: {detail}")]
    Signatures {
        /// What is wrong.
        detail: String,
    },
    /// No signature at all.
    #[error("the bundle {id} is not signed")]
    Unsigned {
        /// The bundle.
        id: String,
    },
    /// Signed only by keys that are not trusted.
    #[error("the bundle {id} is signed only by untrusted keys ({keys}); trusted: {trusted}")]
    Untrusted {
        /// The bundle.
        id: String,
        /// The ids of the keys that signed it.
        keys: String,
        /// The ids of the trusted keys.
        trusted: String,
    },
    /// A signature by a trusted key that does not hold (the id or the signature was altered).
    #[error("bad signature: the signature of key {key_id} does not hold for the bundle {id}")]
    BadSignature {
        /// The bundle.
        id: String,
        /// The trusted key whose signature fails.
        key_id: String,
    },
}

/// A bundle read into memory: its manifest (and so its id), files and signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The manifest.
    pub manifest: Manifest,
    /// The files, in the manifest's order (path and bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// The signatures, sorted by key id.
    pub signatures: Vec<Signature>,
}

/// Checks that `path` is a plain relative path: `/`-separated, no empty, `.` or `..`
/// component, no backslash, colon or control character, at most [`MAX_PATH`] bytes.
pub fn check_path(path: &str) -> Result<(), BundleError> {
    let bad = |why| {
        Err(BundleError::BadPath {
            path: path.to_owned(),
            why,
        })
    };
    if path.is_empty() {
        return bad("an empty path");
    }
    if path.len() > MAX_PATH {
        return bad("the path is too long");
    }
    if path.starts_with('/') {
        return bad("an absolute path is refused");
    }
    if path
        .chars()
        .any(|c| c == '\\' || c == ':' || c.is_control())
    {
        return bad("a backslash, colon or control character is refused");
    }
    for part in path.split('/') {
        match part {
            "" => return bad("an empty path component is refused"),
            "." | ".." => return bad("`.` and `..` are refused (path traversal)"),
            _ => {}
        }
    }
    Ok(())
}

impl Bundle {
    /// A bundle of `files` (path and bytes; any order), unsigned. Fails on a bad or repeated
    /// path, or one of the bundle's own entries ([`MANIFEST`], [`SIGNATURES`]).
    pub fn from_files(mut files: Vec<(String, Vec<u8>)>) -> Result<Bundle, BundleError> {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut entries = Vec::with_capacity(files.len());
        let mut last: Option<&str> = None;
        for (path, bytes) in &files {
            check_path(path)?;
            if path == MANIFEST || path == SIGNATURES {
                return Err(BundleError::BadPath {
                    path: path.clone(),
                    why: "the name of one of the bundle's own entries",
                });
            }
            if last == Some(path.as_str()) {
                return Err(BundleError::BadPath {
                    path: path.clone(),
                    why: "the path is given twice",
                });
            }
            last = Some(path);
            entries.push(FileEntry {
                path: path.clone(),
                size: bytes.len() as u64,
                sha256: hex(&Sha256::digest(bytes)),
            });
        }
        if files.len() + 2 > MAX_ENTRIES {
            return Err(BundleError::TooManyEntries);
        }
        Ok(Bundle {
            manifest: Manifest {
                format: FORMAT.to_owned(),
                files: entries,
            },
            files,
            signatures: Vec::new(),
        })
    }

    /// The bundle id (`sha256:…` of the manifest).
    pub fn id(&self) -> String {
        self.manifest.id()
    }

    /// The archive's bytes: deterministic (no times, owners or modes but `0644`), so the same
    /// bundle always gives the same bytes.
    pub fn to_bytes(&self) -> std::io::Result<Vec<u8>> {
        let mut builder = tar::Builder::new(Vec::new());
        let mut append = |path: &str, bytes: &[u8]| {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(tar::EntryType::Regular);
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_mtime(0);
            header.set_uid(0);
            header.set_gid(0);
            builder.append_data(&mut header, path, bytes)
        };
        append(MANIFEST, &self.manifest.canonical())?;
        for (path, bytes) in &self.files {
            append(path, bytes)?;
        }
        if !self.signatures.is_empty() {
            let text = serde_json::to_vec(&self.signatures).map_err(std::io::Error::other)?;
            append(SIGNATURES, &text)?;
        }
        builder.into_inner()
    }

    /// Reads and checks an archive (see the module's documentation for what is refused).
    pub fn read(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let size = bytes.len() as u64;
        if size > MAX_BYTES {
            return Err(BundleError::TooLarge { size });
        }
        let end_marker = bytes.len() >= 3 * BLOCK
            && bytes.len().is_multiple_of(BLOCK)
            && bytes
                .get(bytes.len() - 2 * BLOCK..)
                .is_some_and(|tail| tail.iter().all(|b| *b == 0));
        let mut archive = tar::Archive::new(bytes);
        let entries = archive.entries().map_err(|e| BundleError::Corrupt {
            detail: e.to_string(),
        })?;
        let mut manifest: Option<Manifest> = None;
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut signatures: Option<Vec<Signature>> = None;
        for (n, entry) in entries.enumerate() {
            if n >= MAX_ENTRIES {
                return Err(BundleError::TooManyEntries);
            }
            let mut entry = entry.map_err(|e| broken(n, &e))?;
            let path = String::from_utf8(entry.path_bytes().into_owned()).map_err(|_| {
                BundleError::BadPath {
                    path: String::from_utf8_lossy(&entry.path_bytes()).into_owned(),
                    why: "the path is not UTF-8",
                }
            })?;
            let kind = entry.header().entry_type();
            if !kind.is_file() {
                return Err(BundleError::NotAFile {
                    path,
                    kind: kind_name(kind),
                });
            }
            check_path(&path)?;
            let declared = entry.header().size().map_err(|e| BundleError::Corrupt {
                detail: format!("entry `{path}`: {e}"),
            })?;
            if declared > MAX_FILE_BYTES {
                return Err(BundleError::FileTooLarge {
                    path,
                    size: declared,
                });
            }
            let mut data = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
            (&mut entry)
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut data)
                .map_err(|e| broken(n, &e))?;
            if data.len() as u64 != declared {
                return Err(BundleError::Truncated {
                    detail: format!("entry `{path}` has {} of its {declared} bytes", data.len()),
                });
            }
            if signatures.is_some() {
                return Err(BundleError::Unlisted { path });
            }
            let Some(m) = &manifest else {
                if path != MANIFEST {
                    return Err(BundleError::Manifest {
                        detail: format!("the first entry is `{path}`, not `{MANIFEST}`"),
                    });
                }
                manifest = Some(parse_manifest(&data)?);
                continue;
            };
            if path == SIGNATURES {
                let list: Vec<Signature> =
                    serde_json::from_slice(&data).map_err(|e| BundleError::Signatures {
                        detail: e.to_string(),
                    })?;
                signatures = Some(list);
                continue;
            }
            let Some(expected) = m.files.get(files.len()) else {
                return Err(BundleError::Unlisted { path });
            };
            if expected.path != path {
                return if m.files.iter().any(|f| f.path == path) {
                    Err(BundleError::Missing {
                        path: expected.path.clone(),
                    })
                } else {
                    Err(BundleError::Unlisted { path })
                };
            }
            if expected.size != declared {
                return Err(BundleError::Mismatch {
                    path,
                    what: format!("{} bytes, the manifest says {}", declared, expected.size),
                });
            }
            let found = hex(&Sha256::digest(&data));
            if found != expected.sha256 {
                return Err(BundleError::Mismatch {
                    path,
                    what: format!(
                        "hash mismatch: SHA-256 {found}, the manifest says {}",
                        expected.sha256
                    ),
                });
            }
            files.push((path, data));
        }
        let Some(manifest) = manifest else {
            return Err(if bytes.iter().all(|b| *b == 0) {
                BundleError::Manifest {
                    detail: "the archive is empty".to_owned(),
                }
            } else {
                BundleError::Truncated {
                    detail: "no complete first entry".to_owned(),
                }
            });
        };
        if let Some(missing) = manifest.files.get(files.len()) {
            return Err(if end_marker {
                BundleError::Missing {
                    path: missing.path.clone(),
                }
            } else {
                BundleError::Truncated {
                    detail: format!("the archive stops before `{}`", missing.path),
                }
            });
        }
        if !end_marker {
            return Err(BundleError::Truncated {
                detail: "the archive's end marker is missing".to_owned(),
            });
        }
        let mut signatures = signatures.unwrap_or_default();
        signatures.sort_by(|a, b| a.key_id.cmp(&b.key_id));
        Ok(Bundle {
            manifest,
            files,
            signatures,
        })
    }

    /// Adds (or replaces) the signature of `signer`, whose public key is `public`.
    pub fn sign(&mut self, signer: &Signer, public: &VerifyingKey) -> anyhow::Result<()> {
        let message = signed_message(&self.id());
        let signature = signer.sign(&message);
        if !keys::signature_holds(public, &message, &signature) {
            anyhow::bail!(
                "the public key given for the signing key {} is not its public key",
                signer.id
            );
        }
        let public_key = hex(public.as_bytes());
        self.signatures.retain(|s| s.public_key != public_key);
        self.signatures.push(Signature {
            key_id: keys::public_key_id(public),
            public_key,
            signature,
        });
        self.signatures.sort_by(|a, b| a.key_id.cmp(&b.key_id));
        Ok(())
    }

    /// The id of the first trusted key whose signature of the id holds; refuses a bundle that
    /// is unsigned, signed only by untrusted keys, or whose trusted signature fails.
    pub fn signed_by(&self, trusted: &[VerifyingKey]) -> Result<String, BundleError> {
        let id = self.id();
        if self.signatures.is_empty() {
            return Err(BundleError::Unsigned { id });
        }
        let message = signed_message(&id);
        let mut bad = None;
        for s in &self.signatures {
            let Some(key) = trusted.iter().find(|k| hex(k.as_bytes()) == s.public_key) else {
                continue;
            };
            if keys::signature_holds(key, &message, &s.signature) {
                return Ok(keys::public_key_id(key));
            }
            bad.get_or_insert_with(|| keys::public_key_id(key));
        }
        if let Some(key_id) = bad {
            return Err(BundleError::BadSignature { id, key_id });
        }
        let ids = |v: Vec<String>| {
            if v.is_empty() {
                "none".to_owned()
            } else {
                v.join(", ")
            }
        };
        Err(BundleError::Untrusted {
            id,
            keys: ids(self.signatures.iter().map(|s| s.key_id.clone()).collect()),
            trusted: ids(trusted.iter().map(keys::public_key_id).collect()),
        })
    }

    /// Writes the files under `dir`, which must not exist yet (it is created).
    pub fn unpack(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(
            dir.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )?;
        std::fs::create_dir(dir)?;
        for (path, bytes) in &self.files {
            // `path` passed `check_path`: relative, no `..`, so it stays under `dir`.
            let target = path.split('/').fold(dir.to_path_buf(), |p, c| p.join(c));
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, bytes)?;
        }
        Ok(())
    }
}

/// A read error of entry `n`: an unexpected end is a truncation, anything else corruption.
fn broken(n: usize, e: &std::io::Error) -> BundleError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof || e.to_string().contains("entire block") {
        BundleError::Truncated {
            detail: format!("entry {n}: {e}"),
        }
    } else {
        BundleError::Corrupt {
            detail: format!("entry {n}: {e}"),
        }
    }
}

fn kind_name(kind: tar::EntryType) -> String {
    match kind {
        tar::EntryType::Symlink => "symbolic link".to_owned(),
        tar::EntryType::Link => "hard link".to_owned(),
        tar::EntryType::Directory => "directory".to_owned(),
        tar::EntryType::Char | tar::EntryType::Block => "device".to_owned(),
        tar::EntryType::Fifo => "FIFO".to_owned(),
        other => format!("tar entry of type {:?}", other.as_byte() as char),
    }
}

fn parse_manifest(data: &[u8]) -> Result<Manifest, BundleError> {
    let manifest: Manifest = serde_json::from_slice(data).map_err(|e| BundleError::Manifest {
        detail: e.to_string(),
    })?;
    if manifest.format != FORMAT {
        return Err(BundleError::Manifest {
            detail: format!(
                "format `{}`, this version reads `{FORMAT}`",
                manifest.format
            ),
        });
    }
    if manifest.canonical() != data {
        return Err(BundleError::Manifest {
            detail: "not in its canonical form (the id would not be its hash)".to_owned(),
        });
    }
    let mut last: Option<&str> = None;
    for f in &manifest.files {
        check_path(&f.path)?;
        if last.is_some_and(|l| l >= f.path.as_str()) {
            return Err(BundleError::Manifest {
                detail: format!("`{}` is out of order or repeated", f.path),
            });
        }
        if f.path == MANIFEST || f.path == SIGNATURES {
            return Err(BundleError::Manifest {
                detail: format!("lists `{}`, one of the bundle's own entries", f.path),
            });
        }
        last = Some(&f.path);
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bundle {
        Bundle::from_files(vec![
            ("policies/a/x.dlx".into(), b"package a\n".to_vec()),
            ("data/a/catalog.json".into(), b"[]".to_vec()),
            ("datalex.toml".into(), Vec::new()),
        ])
        .unwrap()
    }

    #[test]
    fn an_archive_reads_back_as_written_and_its_id_is_its_manifests() {
        let b = sample();
        let bytes = b.to_bytes().unwrap();
        assert_eq!(bytes, sample().to_bytes().unwrap(), "deterministic");
        let back = Bundle::read(&bytes).unwrap();
        assert_eq!(back, b);
        assert!(b.id().starts_with("sha256:"));
        assert_eq!(
            b.manifest
                .files
                .iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>(),
            ["data/a/catalog.json", "datalex.toml", "policies/a/x.dlx"]
        );
    }

    #[test]
    fn paths_that_could_leave_the_directory_are_refused() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "./a",
            "a\\b",
            "C:x",
            "",
        ] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
        assert!(check_path("policies/binzhou/sharing.dlx").is_ok());
        assert!(matches!(
            Bundle::from_files(vec![("../x".into(), Vec::new())]),
            Err(BundleError::BadPath { .. })
        ));
    }

    #[test]
    fn a_changed_byte_anywhere_is_refused() {
        let bytes = sample().to_bytes().unwrap();
        let mut refused = 0;
        for at in (0..bytes.len()).step_by(7) {
            let mut t = bytes.clone();
            t[at] ^= 0x20;
            match Bundle::read(&t) {
                Err(_) => refused += 1,
                // A byte of a header field the reader ignores or of padding changes nothing
                // the bundle holds.
                Ok(b) => assert_eq!(b, sample()),
            }
        }
        assert!(refused > 0);
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = sample().to_bytes().unwrap();
        for len in (0..bytes.len()).step_by(97) {
            assert!(Bundle::read(&bytes[..len]).is_err(), "cut at {len}");
        }
    }
}
