//! `file:` URIs to paths and back. `lsp_types::Uri` is a plain URI without file-path
//! conversions, so this does the percent-encoding of paths (which may be Chinese) itself.

use lsp_types::Uri;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The path of a `file:` URI, or `None` for other schemes and malformed escapes.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file:///x` (empty authority) or `file://localhost/x`.
    let path = match rest.strip_prefix("localhost") {
        Some(p) if p.starts_with('/') => p,
        _ if rest.starts_with('/') => rest,
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = decode(path)?;
    let text = String::from_utf8(bytes).ok()?;
    Some(PathBuf::from(text))
}

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    if !text.starts_with('/') {
        return None;
    }
    let mut out = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

fn decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_uris() {
        for p in [
            "/work/main/policies/binzhou/sharing.dlx",
            "/tmp/政策 草案/a b.dlx",
        ] {
            let uri = from_path(Path::new(p)).unwrap();
            assert!(uri.as_str().starts_with("file:///"));
            assert_eq!(to_path(&uri).unwrap(), PathBuf::from(p));
        }
        let vscode = Uri::from_str("file:///tmp/%E6%94%BF%E7%AD%96/x.dlx").unwrap();
        assert_eq!(to_path(&vscode).unwrap(), PathBuf::from("/tmp/政策/x.dlx"));
        let other = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(to_path(&other), None);
        assert_eq!(from_path(Path::new("relative/x.dlx")), None);
    }
}
