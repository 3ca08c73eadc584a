//! Reading the text before the cursor: the item being written usually does not parse yet, so
//! completion works from tokens, not from the syntax tree.

use crate::model::Path;
use datalex_lang::keywords::Kw;
use datalex_lang::parser::{classify, Lex};

/// A token of code before the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A name, keyword or number.
    Word(String),
    /// A string literal.
    Str,
    /// Any other character.
    Punct(char),
}

/// The tokens of `text` with their byte offsets; `None` if `text` ends inside a string or a
/// comment (where nothing is completed).
pub fn tokens(text: &str) -> Option<Vec<(usize, Tok)>> {
    let mut out: Vec<(usize, Tok)> = Vec::new();
    let (mut open, mut escaped) = (false, false);
    let mut last = Lex::Code;
    let mut word: Option<(usize, String)> = None;
    for (i, c, lex) in classify(text) {
        last = lex;
        let is_word = lex == Lex::Code && (c.is_alphanumeric() || c == '_');
        if !is_word {
            if let Some((at, w)) = word.take() {
                out.push((at, Tok::Word(w)));
            }
        }
        match lex {
            Lex::Str => {
                if !open {
                    open = true;
                    escaped = false;
                    out.push((i, Tok::Str));
                } else if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    open = false;
                }
            }
            Lex::Comment => open = false,
            Lex::Code => {
                open = false;
                if is_word {
                    match &mut word {
                        Some((_, w)) => w.push(c),
                        None => word = Some((i, c.to_string())),
                    }
                } else if !c.is_whitespace() {
                    out.push((i, Tok::Punct(c)));
                }
            }
        }
    }
    if let Some((at, w)) = word {
        out.push((at, Tok::Word(w)));
    }
    if open || last == Lex::Comment {
        return None;
    }
    Some(in_english(out))
}

/// The tokens with every Chinese keyword replaced by its English words (`属于` → `in`, `不属于`
/// → `not in`, `针对` → `on`), so that reading the context is written once, for English.
fn in_english(toks: Vec<(usize, Tok)>) -> Vec<(usize, Tok)> {
    let mut out = Vec::with_capacity(toks.len());
    for (at, t) in toks {
        let kw = match &t {
            Tok::Word(w) if !w.is_ascii() => Kw::ALL
                .iter()
                .copied()
                .find(|k| !k.is_ordinal() && k.zh() == w),
            _ => None,
        };
        match kw {
            Some(k) => out.extend(k.en().split(' ').map(|e| (at, Tok::Word(e.to_string())))),
            None => out.push((at, t)),
        }
    }
    out
}

/// The word of `toks[i]`, if it is one.
pub fn word(toks: &[(usize, Tok)], i: usize) -> Option<&str> {
    match toks.get(i) {
        Some((_, Tok::Word(w))) => Some(w.as_str()),
        _ => None,
    }
}

/// The path that ends just before token `end` (exclusive): `a.b[..].c`. Returns
/// the path and the index of its first token. Quantifier variables are looked up in `locals`.
pub fn path_before(
    toks: &[(usize, Tok)],
    end: usize,
    locals: &[(String, Path)],
) -> Option<(Path, usize)> {
    // Walk back over `ident (. ident | [ … ])*`.
    let mut i = end;
    let mut segments: Vec<Option<String>> = Vec::new(); // None: an index `[…]`
    loop {
        let prev = i.checked_sub(1)?;
        match toks.get(prev) {
            Some((_, Tok::Word(w))) => {
                segments.push(Some(w.clone()));
                i = prev;
            }
            Some((_, Tok::Punct(']'))) => {
                let mut depth = 0usize;
                let mut j = prev;
                loop {
                    match toks.get(j) {
                        Some((_, Tok::Punct(']'))) => depth += 1,
                        Some((_, Tok::Punct('['))) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        None => return None,
                        _ => {}
                    }
                    j = j.checked_sub(1)?;
                }
                segments.push(None);
                i = j;
                // `[` follows a name: continue with it.
                continue;
            }
            _ => return None,
        }
        match i.checked_sub(1).and_then(|p| toks.get(p)) {
            Some((_, Tok::Punct('.'))) => i -= 1,
            _ => break,
        }
    }
    segments.reverse();
    let mut iter = segments.into_iter();
    let root = iter.next()??;
    if root.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut sk = match locals.iter().rev().find(|(n, _)| *n == root) {
        Some((_, s)) => s.clone(),
        None => Path::Name(root),
    };
    for seg in iter {
        sk = match seg {
            Some(f) => Path::Field(Box::new(sk), f),
            None => Path::Elem(Box::new(sk)),
        };
    }
    Some((sk, i))
}

/// Quantifier variables bound before the cursor (`any x in c`, `all x in c`, `each x in c`),
/// latest last.
pub fn locals(toks: &[(usize, Tok)]) -> Vec<(String, Path)> {
    let mut out: Vec<(String, Path)> = Vec::new();
    for (i, _) in toks.iter().enumerate() {
        let binder = matches!(word(toks, i), Some("any" | "all" | "each"));
        if !binder || word(toks, i + 2) != Some("in") {
            continue;
        }
        let Some(var) = word(toks, i + 1) else {
            continue;
        };
        // The collection: `name (. name | [ … ])*` after `in`.
        let mut end = i + 3;
        if word(toks, end).is_none() {
            continue;
        }
        end += 1;
        loop {
            match toks.get(end).map(|t| &t.1) {
                Some(Tok::Punct('.')) if word(toks, end + 1).is_some() => end += 2,
                Some(Tok::Punct('[')) => {
                    let mut depth = 0usize;
                    while let Some((_, t)) = toks.get(end) {
                        end += 1;
                        match t {
                            Tok::Punct('[') => depth += 1,
                            Tok::Punct(']') => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => break,
            }
        }
        if let Some((coll, _)) = path_before(toks, end, &out) {
            out.push((var.to_string(), Path::Elem(Box::new(coll))));
        }
    }
    out
}

/// The request kinds named in the item's header (`on share, open`) or a test's `request KIND`.
pub fn kinds(toks: &[(usize, Tok)]) -> Vec<String> {
    for (i, _) in toks.iter().enumerate() {
        match word(toks, i) {
            Some("when" | "cites" | "default") => break,
            Some("on") => {
                let mut out = Vec::new();
                let mut j = i + 1;
                while let Some(k) = word(toks, j) {
                    if matches!(k, "cites" | "when" | "reported") {
                        break;
                    }
                    out.push(k.to_string());
                    if toks.get(j + 1).map(|t| &t.1) != Some(&Tok::Punct(',')) {
                        break;
                    }
                    j += 2;
                }
                return out;
            }
            Some("request") => {
                if let (Some("test"), Some(k)) = (word(toks, 0), word(toks, i + 1)) {
                    return vec![k.to_string()];
                }
            }
            _ => {}
        }
    }
    Vec::new()
}
