//! The log's keys and the files they live in: the MAC keys that chain the records (and encrypt
//! the stored requests), the ed25519 key that signs checkpoints, and files created `0600`.
//!
//! **Key file** (`decision_log.key_file`, default `<log>.keys`), TOML:
//!
//! ```toml
//! [[keys]]
//! id = "k1"
//! secret = "…64 hex digits (32 random bytes)…"
//! ```
//!
//! The *last* key listed MACs (and encrypts) new records; every key listed verifies (and
//! decrypts) the records that name it: rotation is adding a key at the end and restarting. Each
//! key's secret yields two keys, one per use: `HMAC-SHA256(secret, "datalex-log-mac")` for the
//! chain and `HMAC-SHA256(secret, "datalex-log-encrypt")` for XChaCha20-Poly1305.
//!
//! **Signing key** (`decision_log.signing_key`, default `<log>.signing-key`), TOML with the
//! ed25519 seed: `secret = "…64 hex digits…"`; its public key is written beside it
//! (`<signing key>.pub`, 64 hex digits), for the operator to keep elsewhere. A key's id is the
//! first 16 hex digits of SHA-256 of its public key.

use anyhow::{anyhow, bail, Context as _};
use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use hmac::{Hmac, Mac as _};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use std::io::Write as _;
use std::path::{Path, PathBuf};

type HmacSha256 = Hmac<Sha256>;

/// The prefix of an encrypted column: `enc:v1:KEY_ID:HEX(nonce ‖ ciphertext)`.
pub const ENCRYPTED_PREFIX: &str = "enc:v1:";

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0F] {
            out.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

/// The bytes of a hex text (either case); `None` if it is not hex of whole bytes.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|pair| {
            let digit = |c: u8| (c as char).to_digit(16);
            match pair {
                [hi, lo] => Some((digit(*hi)? * 16 + digit(*lo)?) as u8),
                _ => None,
            }
        })
        .collect()
}

/// `n` random bytes from the operating system.
pub fn random<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness from the system: {e}"))?;
    Ok(bytes)
}

/// Creates `path` with mode `0600` (whatever the umask) and writes `text` to it, durably; fails
/// if it exists.
pub fn create_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut file = private_options()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    set_private(path)?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Open options that create a file with mode `0600`.
pub fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options
}

/// Sets `path`'s mode to `0600` (the umask may have narrowed, never widened, a created file's
/// mode; SQLite creates `-wal` and `-shm` files with the database's mode, minus the umask).
pub fn set_private(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot make {} private (0600)", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A MAC being computed: [`update`](MacStream::update) with each piece, then
/// [`finish`](MacStream::finish).
pub struct MacStream(HmacSha256);

impl MacStream {
    /// Feeds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The MAC, in hex.
    pub fn finish(self) -> String {
        hex(&self.0.finalize().into_bytes())
    }
}

/// One key of the key file, with the two keys derived from its secret.
#[derive(Clone)]
pub struct Key {
    /// Its id, stored in every record it MACs or encrypts.
    pub id: String,
    /// The HMAC with the MAC key already absorbed (its inner and outer pads), cloned for each
    /// MAC rather than keyed again: two compressions fewer per record.
    keyed: HmacSha256,
    encrypt: [u8; 32],
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Key {
    /// The key with this id and secret.
    pub fn new(id: &str, secret: &[u8]) -> anyhow::Result<Key> {
        let derive = |label: &str| -> anyhow::Result<[u8; 32]> {
            let mut mac = <HmacSha256 as hmac::Mac>::new_from_slice(secret)
                .map_err(|e| anyhow!("key `{id}`: {e}"))?;
            mac.update(label.as_bytes());
            Ok(mac.finalize().into_bytes().into())
        };
        let keyed = <HmacSha256 as hmac::Mac>::new_from_slice(&derive("datalex-log-mac")?)
            .map_err(|e| anyhow!("key `{id}`: {e}"))?;
        Ok(Key {
            id: id.to_owned(),
            keyed,
            encrypt: derive("datalex-log-encrypt")?,
        })
    }

    /// HMAC-SHA256 of `input` under this key's MAC key, in hex.
    pub fn mac(&self, input: &[u8]) -> String {
        let mut stream = self.mac_stream();
        stream.update(input);
        stream.finish()
    }

    /// An HMAC-SHA256 under this key's MAC key, fed piece by piece (the same MAC as
    /// [`mac`](Key::mac) of the pieces concatenated, without concatenating them).
    pub fn mac_stream(&self) -> MacStream {
        MacStream(self.keyed.clone())
    }

    /// `plain` encrypted under this key with a random nonce, bound to `context` (the decision
    /// id), as stored: `enc:v1:KEY_ID:HEX(nonce ‖ ciphertext)`.
    pub fn encrypt(&self, plain: &str, context: &str) -> anyhow::Result<String> {
        let cipher = XChaCha20Poly1305::new((&self.encrypt).into());
        let nonce: [u8; 24] = random()?;
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| anyhow!("cannot encrypt with key `{}`", self.id))?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!("{ENCRYPTED_PREFIX}{}:{}", self.id, hex(&bytes)))
    }

    fn decrypt(&self, sealed: &[u8], context: &str) -> anyhow::Result<String> {
        let (nonce, body) = sealed
            .split_at_checked(24)
            .ok_or_else(|| anyhow!("the encrypted text is too short"))?;
        let cipher = XChaCha20Poly1305::new((&self.encrypt).into());
        let plain = cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| {
                anyhow!(
                    "cannot decrypt with key `{}` (wrong key, or the text was changed)",
                    self.id
                )
            })?;
        String::from_utf8(plain).map_err(|_| anyhow!("the decrypted text is not UTF-8"))
    }
}

/// The keys of a key file: the last one signs, all verify.
#[derive(Debug, Clone)]
pub struct KeyRing {
    keys: Vec<Key>,
    /// Where they were read from.
    pub path: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    keys: Vec<KeyEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyEntry {
    id: String,
    secret: String,
}

impl KeyRing {
    /// Reads the key file at `path`.
    pub fn read(path: &Path) -> anyhow::Result<KeyRing> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the key file {}", path.display()))?;
        KeyRing::parse(path, &text)
    }

    /// Parses a key file's text (`path` names it in errors).
    pub fn parse(path: &Path, text: &str) -> anyhow::Result<KeyRing> {
        let file: KeyFile = toml::from_str(text)
            .with_context(|| format!("the key file {} is not valid", path.display()))?;
        if file.keys.is_empty() {
            bail!("the key file {} holds no key", path.display());
        }
        let mut keys: Vec<Key> = Vec::with_capacity(file.keys.len());
        for entry in file.keys {
            if entry.id.is_empty() || entry.id.contains(':') || entry.id.len() > 64 {
                bail!(
                    "the key file {}: key id `{}` must be 1 to 64 characters without `:`",
                    path.display(),
                    entry.id
                );
            }
            if keys.iter().any(|k| k.id == entry.id) {
                bail!(
                    "the key file {}: key id `{}` appears twice",
                    path.display(),
                    entry.id
                );
            }
            let secret = unhex(&entry.secret).filter(|s| s.len() >= 32).ok_or_else(|| {
                anyhow!(
                    "the key file {}: the secret of key `{}` must be at least 64 hex digits (32 bytes)",
                    path.display(),
                    entry.id
                )
            })?;
            keys.push(Key::new(&entry.id, &secret)?);
        }
        Ok(KeyRing {
            keys,
            path: path.to_path_buf(),
        })
    }

    /// Reads the key file at `path`, or creates one with a fresh random key (`0600`) if there
    /// is none; says which (`true`: created).
    pub fn read_or_create(path: &Path) -> anyhow::Result<(KeyRing, bool)> {
        if path.exists() {
            return Ok((KeyRing::read(path)?, false));
        }
        let secret: [u8; 32] = random()?;
        let id = format!("k{}", hex(&random::<4>()?));
        let text = format!(
            "# The decision log's MAC and encryption keys (datalex). Keep this file secret.\n\
             # The last key signs new records; every key listed verifies. To rotate, add a key\n\
             # at the end (a new id, 32 random bytes in hex) and restart the service.\n\
             [[keys]]\nid = \"{id}\"\nsecret = \"{}\"\n",
            hex(&secret)
        );
        create_private(path, &text)?;
        Ok((KeyRing::read(path)?, true))
    }

    /// The key that signs new records (the last one).
    pub fn current(&self) -> Option<&Key> {
        self.keys.last()
    }

    /// The key with this id.
    pub fn get(&self, id: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// The stored text of a column: as it is, or decrypted if it was stored encrypted.
    pub fn reveal(&self, stored: &str, context: &str) -> anyhow::Result<String> {
        let Some(rest) = stored.strip_prefix(ENCRYPTED_PREFIX) else {
            return Ok(stored.to_owned());
        };
        let (id, sealed) = rest
            .split_once(':')
            .ok_or_else(|| anyhow!("an encrypted text without its key id"))?;
        let key = self.get(id).ok_or_else(|| {
            anyhow!(
                "the text is encrypted with key `{id}`, which {} does not hold",
                self.path.display()
            )
        })?;
        let sealed = unhex(sealed).ok_or_else(|| anyhow!("the encrypted text is not hex"))?;
        key.decrypt(&sealed, context)
    }
}

/// The ed25519 key that signs checkpoints, with its id.
pub struct Signer {
    key: SigningKey,
    /// Its id: the first 16 hex digits of SHA-256 of the public key.
    pub id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SigningKeyFile {
    secret: String,
}

/// The id of a public key.
pub fn public_key_id(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    hex(digest.get(..8).unwrap_or_default())
}

/// The public-key file beside a signing-key file: `<signing key>.pub`.
pub fn public_key_path(signing_key: &Path) -> PathBuf {
    let mut name = signing_key.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

impl Signer {
    /// Reads the signing key at `path`, or creates one (`0600`, and its public key beside it)
    /// if there is none; says which (`true`: created).
    pub fn read_or_create(path: &Path) -> anyhow::Result<(Signer, bool)> {
        let created = if path.exists() {
            false
        } else {
            let seed: [u8; 32] = random()?;
            create_private(
                path,
                &format!(
                    "# The key that signs the decision log's checkpoints (datalex, ed25519). Keep it secret.\n\
                     secret = \"{}\"\n",
                    hex(&seed)
                ),
            )?;
            true
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the signing key {}", path.display()))?;
        let file: SigningKeyFile = toml::from_str(&text)
            .with_context(|| format!("the signing key {} is not valid", path.display()))?;
        let seed: [u8; 32] = unhex(&file.secret)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| {
                anyhow!(
                    "the signing key {}: the secret must be 64 hex digits (32 bytes)",
                    path.display()
                )
            })?;
        let key = SigningKey::from_bytes(&seed);
        let public = key.verifying_key();
        let public_path = public_key_path(path);
        if !public_path.exists() {
            create_private(&public_path, &format!("{}\n", hex(public.as_bytes())))?;
        }
        Ok((
            Signer {
                id: public_key_id(&public),
                key,
            },
            created,
        ))
    }

    /// Its public key, 64 hex digits (as in the `.pub` file).
    pub fn public_hex(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    /// The signature of `message`, in hex.
    pub fn sign(&self, message: &[u8]) -> String {
        hex(&self.key.sign(message).to_bytes())
    }
}

/// Reads a public key file: 64 hex digits (lines starting with `#` are comments).
pub fn read_public_key(path: &Path) -> anyhow::Result<VerifyingKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the public key {}", path.display()))?;
    let digits: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let bytes: [u8; 32] = unhex(&digits)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            anyhow!(
                "the public key {} must be 64 hex digits (32 bytes)",
                path.display()
            )
        })?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| {
        anyhow!(
            "the public key {} is not an ed25519 key: {e}",
            path.display()
        )
    })
}

/// Whether `signature` (hex) is `key`'s signature of `message`.
pub fn signature_holds(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    let Some(bytes) = unhex(signature).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
        return false;
    };
    key.verify(message, &ed25519_dalek::Signature::from_bytes(&bytes))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(unhex("000fFF"), Some(vec![0, 15, 255]));
        assert_eq!(unhex("0"), None);
        assert_eq!(unhex("zz"), None);
    }

    #[test]
    fn a_key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.keys");
        let (ring, created) = KeyRing::read_or_create(&path).unwrap();
        assert!(created);
        let (again, created) = KeyRing::read_or_create(&path).unwrap();
        assert!(!created);
        let (a, b) = (ring.current().unwrap(), again.current().unwrap());
        assert_eq!(a.id, b.id);
        assert_eq!(a.mac(b"x"), b.mac(b"x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_last_key_signs_and_every_key_decrypts() {
        let one = "11".repeat(32);
        let two = "22".repeat(32);
        let text = format!(
            "[[keys]]\nid = \"old\"\nsecret = \"{one}\"\n[[keys]]\nid = \"new\"\nsecret = \"{two}\"\n"
        );
        let ring = KeyRing::parse(Path::new("k"), &text).unwrap();
        assert_eq!(ring.current().unwrap().id, "new");
        let old = ring.get("old").unwrap();
        let sealed = old.encrypt("{\"a\":1}", "id1").unwrap();
        assert!(sealed.starts_with("enc:v1:old:"), "{sealed}");
        assert_eq!(ring.reveal(&sealed, "id1").unwrap(), "{\"a\":1}");
        assert!(
            ring.reveal(&sealed, "id2").is_err(),
            "bound to its decision id"
        );
        assert_eq!(
            ring.reveal("{\"plain\":1}", "id1").unwrap(),
            "{\"plain\":1}"
        );
        assert_ne!(old.mac(b"x"), ring.get("new").unwrap().mac(b"x"));
    }

    #[test]
    fn bad_key_files_say_what_is_wrong() {
        let bad = |text: &str| {
            KeyRing::parse(Path::new("k"), text)
                .unwrap_err()
                .to_string()
        };
        assert!(bad("keys = []").contains("holds no key"));
        assert!(bad("[[keys]]\nid = \"a\"\nsecret = \"abcd\"\n").contains("64 hex digits"));
        let twice = format!(
            "[[keys]]\nid = \"a\"\nsecret = \"{0}\"\n[[keys]]\nid = \"a\"\nsecret = \"{0}\"\n",
            "11".repeat(32)
        );
        assert!(bad(&twice).contains("appears twice"));
    }

    #[test]
    fn checkpoint_signatures_verify_with_the_public_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.signing-key");
        let (signer, created) = Signer::read_or_create(&path).unwrap();
        assert!(created);
        let public = read_public_key(&public_key_path(&path)).unwrap();
        assert_eq!(public_key_id(&public), signer.id);
        let signature = signer.sign(b"message");
        assert!(signature_holds(&public, b"message", &signature));
        assert!(!signature_holds(&public, b"messagf", &signature));
        assert!(!signature_holds(&public, b"message", "00"));
    }
}
