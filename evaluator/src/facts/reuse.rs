//! Reading a changed fact file again, record by record: the entries whose text did not change
//! are taken from the last reading, only the others are parsed.
//!
//! [`Layout::of`] splits a fact file's top-level array into the texts of its entries with a
//! scanner that respects strings and their escapes, and keeps a fast (non-cryptographic) hash
//! and the length of each entry's text. A new text of the same file is split the same way; an
//! entry whose hash and length are those of an entry of the last text is that entry again (a
//! copy of it, the collection must be one `Vec`), any other is parsed alone, by the fast
//! reading ([`super::fast`]). Whatever is unusual — the text is not an array of objects, an
//! entry nests deeper than [`MAX_DEPTH`], an entry that the fast reading refuses — makes the
//! whole text be read as before ([`super::parse`]), so a text that does not read gives the
//! same error, and a text that reads gives the same entries: the scanner checks the commas
//! and blanks between the entries, and each entry is either byte for byte one that read
//! before or read now by `serde_json` on its own, which refuses anything after its end.
//!
//! The facts' content hash (`Facts::hash`, SHA-256 of every byte) is not this one, and is
//! computed as before by the caller.

use std::collections::HashMap;
use std::hash::BuildHasher as _;

/// The deepest nesting of arrays and objects an entry may have to be read alone: a deeper one
/// makes the whole text be read at once (`serde_json` limits the depth of a whole text, so an
/// entry read alone would be allowed one level more than inside the array).
const MAX_DEPTH: usize = 64;

/// The entries of a fact file's top-level array, each by the hash and length of its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    entries: Vec<Entry>,
    /// Where each entry is in the text it was found in: kept only until that text is read
    /// ([`Layout::forget_spans`]).
    spans: Vec<(usize, usize)>,
}

/// One entry's text: its fast hash and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Entry {
    hash: u64,
    len: usize,
}

/// The hasher of the entries' texts: fixed, so that two readings of one text agree.
fn hasher() -> foldhash::quality::FixedState {
    foldhash::quality::FixedState::with_seed(0x5eed_da7a_1e7e_c0de)
}

impl Layout {
    /// The entries of `text`, a JSON array of objects; `None` if it is not one (as far as this
    /// scanner sees: the entries themselves are checked only by reading them) or an entry is
    /// nested deeper than [`MAX_DEPTH`].
    pub fn of(text: &str) -> Option<Layout> {
        let spans = spans(text.as_bytes())?;
        let hasher = hasher();
        let entries = spans
            .iter()
            .map(|&(from, to)| {
                let bytes = text.as_bytes().get(from..to).unwrap_or_default();
                Entry {
                    hash: hasher.hash_one(bytes),
                    len: bytes.len(),
                }
            })
            .collect();
        Some(Layout { entries, spans })
    }

    /// The same without the positions of the entries in the text it was found in (what is
    /// kept for the next reading).
    pub(super) fn forget_spans(mut self) -> Layout {
        self.spans = Vec::new();
        self
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Where each entry of the top-level array `text` starts and ends.
fn spans(text: &[u8]) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::with_capacity(text.len() / 512 + 1);
    let mut i = blanks(text, 0);
    if text.get(i) != Some(&b'[') {
        return None;
    }
    i = blanks(text, i + 1);
    if text.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            let end = object_end(text, i)?;
            out.push((i, end));
            i = blanks(text, end);
            match text.get(i) {
                Some(b',') => i = blanks(text, i + 1),
                Some(b']') => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (blanks(text, i) == text.len()).then_some(out)
}

/// The position after JSON's blanks from `i`.
fn blanks(text: &[u8], mut i: usize) -> usize {
    while matches!(text.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

/// The position after the object that starts at `i` (its closing brace matched by counting
/// brackets outside strings), or `None` if none starts there, it does not end, or it nests
/// deeper than [`MAX_DEPTH`].
fn object_end(text: &[u8], start: usize) -> Option<usize> {
    if text.get(start) != Some(&b'{') {
        return None;
    }
    let rest = text.get(start..)?;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (k, &b) in rest.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return None;
                }
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(start + k + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The entries of `text`, reusing those of `previous` (read from the text of `old`) whose
/// text is the same, and parsing the others alone; `None` if an entry does not read alone (the
/// caller then reads the whole text). `new` is the layout of `text` ([`Layout::of`]).
pub(super) fn entries<T>(
    text: &str,
    new: &Layout,
    old: &Layout,
    previous: &[T],
) -> Option<(Vec<T>, Reused)>
where
    T: Clone + Send + Sync,
    super::fast::Fast<T>: serde::de::DeserializeOwned,
{
    let spans = &new.spans;
    if old.len() != previous.len() || spans.len() != new.len() {
        return None;
    }
    // Where each new entry comes from: `Ok(j)` the previous entry `j`, `Err(i)` parsed from the
    // new entry `i`'s text. The same entries at the start and at the end are matched by
    // position; the ones between by their hash.
    let (n, m) = (new.entries.len(), old.entries.len());
    let same_start = new
        .entries
        .iter()
        .zip(&old.entries)
        .take_while(|(a, b)| a == b)
        .count();
    let same_end = new
        .entries
        .iter()
        .rev()
        .zip(old.entries.iter().rev())
        .take(n.min(m) - same_start)
        .take_while(|(a, b)| a == b)
        .count();
    let middle_new = new.entries.get(same_start..n - same_end)?;
    let middle_old = old.entries.get(same_start..m - same_end)?;
    let by_hash: HashMap<Entry, usize> = if middle_new.len() > 16 && !middle_old.is_empty() {
        let mut map = HashMap::with_capacity(middle_old.len());
        for (k, e) in middle_old.iter().enumerate() {
            map.entry(*e).or_insert(same_start + k);
        }
        map
    } else {
        HashMap::new()
    };
    let mut parsed: HashMap<usize, T> = HashMap::new();
    let mut from: Vec<Result<usize, usize>> = Vec::with_capacity(n);
    from.extend((0..same_start).map(Ok));
    for (k, e) in middle_new.iter().enumerate() {
        let i = same_start + k;
        let old_position = if by_hash.is_empty() {
            // Few between: looked for among the previous ones between, in order.
            middle_old
                .iter()
                .position(|o| o == e)
                .map(|p| same_start + p)
        } else {
            by_hash.get(e).copied()
        };
        match old_position {
            Some(j) => from.push(Ok(j)),
            None => {
                let &(a, b) = spans.get(i)?;
                let entry = text.get(a..b)?;
                let x = serde_json::from_str::<super::fast::Fast<T>>(entry).ok()?.0;
                parsed.insert(i, x);
                from.push(Err(i));
            }
        }
    }
    from.extend((m - same_end..m).map(Ok));
    let reused = Reused {
        parsed: parsed.len(),
        from_previous: from.iter().filter(|f| f.is_ok()).count(),
    };
    let items = assemble(&from, previous, parsed);
    Some((items, reused))
}

/// What [`entries`] reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reused {
    /// Entries parsed.
    pub parsed: usize,
    /// Entries copied from the previous reading.
    pub from_previous: usize,
}

/// The entries in order: copies of the previous ones, and the parsed ones; a long list is
/// copied in two halves on two threads.
fn assemble<T: Clone + Send + Sync>(
    from: &[Result<usize, usize>],
    previous: &[T],
    mut parsed: HashMap<usize, T>,
) -> Vec<T> {
    /// Below this, one thread copies the whole list.
    const SPLIT: usize = 20_000;
    // The parsed entries are taken out first (each once); the copies need only `previous`.
    let mut fresh: Vec<Option<T>> = from
        .iter()
        .map(|f| match f {
            Err(i) => parsed.remove(i),
            Ok(_) => None,
        })
        .collect();
    let copy = |from: &[Result<usize, usize>], fresh: &mut [Option<T>], out: &mut Vec<T>| {
        for (f, x) in from.iter().zip(fresh.iter_mut()) {
            match (f, x.take()) {
                (_, Some(x)) => out.push(x),
                (Ok(j), None) => {
                    if let Some(x) = previous.get(*j) {
                        out.push(x.clone());
                    }
                }
                (Err(_), None) => {}
            }
        }
    };
    let mut out = Vec::with_capacity(from.len());
    if from.len() < SPLIT {
        copy(from, &mut fresh, &mut out);
        return out;
    }
    let half = from.len() / 2;
    let (from_a, from_b) = from.split_at(half);
    let (fresh_a, fresh_b) = fresh.split_at_mut(half);
    let second = std::thread::scope(|s| {
        let later = s.spawn(|| {
            let mut b = Vec::with_capacity(from_b.len());
            copy(from_b, fresh_b, &mut b);
            b
        });
        copy(from_a, fresh_a, &mut out);
        later.join()
    });
    match second {
        Ok(b) => out.extend(b),
        // A copying thread that panicked (it cannot: cloning does not panic) loses nothing:
        // its half is copied again here.
        Err(_) => {
            out.truncate(half);
            copy(from_b, fresh_b, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{spans, Layout};

    fn texts(text: &str) -> Option<Vec<&str>> {
        spans(text.as_bytes()).map(|s| s.iter().map(|&(a, b)| &text[a..b]).collect())
    }

    #[test]
    fn splits_the_entries_respecting_strings_and_escapes() {
        let t = r#" [ {"a": "}{][,\"", "b": [1, {"c": "\\"}]} ,
            {"d":{}} ] "#;
        assert_eq!(
            texts(t),
            Some(vec![r#"{"a": "}{][,\"", "b": [1, {"c": "\\"}]}"#, r#"{"d":{}}"#])
        );
        assert_eq!(texts("[]"), Some(vec![]));
        assert_eq!(texts(" [\n] \n"), Some(vec![]));
    }

    #[test]
    fn refuses_what_is_not_an_array_of_objects() {
        for t in [
            "",
            "{}",
            "[1]",
            "[{}, 2]",
            "[{},]",
            "[{} {}]",
            "[{}",
            "[{}] x",
            "[{\"a\": \"]\"",
            "[{}]]",
            "[,{}]",
        ] {
            assert_eq!(texts(t), None, "{t}");
        }
        let deep = format!("[{}{}]", "{\"a\":".repeat(70), "}".repeat(70));
        assert_eq!(texts(&deep), None);
        let fine = format!("[{}1{}]", "{\"a\":".repeat(60), "}".repeat(60));
        assert_eq!(texts(&fine).map(|v| v.len()), Some(1));
    }

    #[test]
    fn the_same_entry_text_has_the_same_hash_wherever_it_is() {
        let a = Layout::of(r#"[{"id": "x"}, {"id": "y"}]"#).unwrap();
        let b = Layout::of("[\n  {\"id\": \"y\"},{\"id\": \"x\"}\n]").unwrap();
        assert_eq!(a.entries[0], b.entries[1]);
        assert_eq!(a.entries[1], b.entries[0]);
        assert_ne!(a.entries[0], a.entries[1]);
    }
}
