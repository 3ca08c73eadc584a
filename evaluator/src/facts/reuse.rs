//! Reading a changed fact file again, record by record: the entries whose text did not change
//! are taken from the last reading, only the others are parsed.
//!
//! [`Layout::of`] splits a fact file's top-level array into the texts of its entries with a
//! scanner that respects strings and their escapes, and keeps a fast (non-cryptographic) hash
//! and the length of each entry's text. A new text of the same file is split the same way; an
//! entry whose hash and length are those of an entry of the last text is that entry again (the
//! same `Arc`, shared with the last reading and the snapshot that serves it: no copy, see
//! [`super::Entries`]), any other is parsed alone, by the fast reading ([`super::fast`]). Whatever is unusual — the text is not an array of objects, an
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
use std::sync::Arc;

/// The deepest nesting of arrays and objects an entry may have to be read alone: a deeper one
/// makes the whole text be read at once (`serde_json` limits the depth of a whole text, so an
/// entry read alone would be allowed one level more than inside the array).
const MAX_DEPTH: usize = 64;

/// How many entries [`Layout::of_after`] may find that are none of the last text's before it
/// scans the whole text instead.
const MISSES: usize = 1000;

/// The entries of a fact file's top-level array, each by the hash and length of its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    entries: Vec<Entry>,
    /// Where each entry is in the text it was found in: kept only until that text is read
    /// (`Layout::forget_spans`).
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
    /// nested in more than 64 objects.
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

    /// [`Layout::of`] the new text of a file whose last text's layout was `last`, found by
    /// expecting the last text's entries: where an entry starts, the next entry of the last
    /// text (or one of the two after it, for an entry inserted or removed) is looked for by
    /// the hash of the bytes of its length there; only an entry found there by none is
    /// scanned for its end. After a change of a few entries of a large file this hashes the
    /// text once and scans almost none of it (the scan of the whole text took as long as the
    /// facts' SHA-256 beside it). After more than 1,000 entries found by none, the whole text
    /// is scanned as by [`Layout::of`].
    ///
    /// The answer is [`Layout::of`]'s: an entry whose bytes are those of an entry of the last
    /// text (the same length and hash: the trust the reuse of entries puts in the hash
    /// already) ends where that one ended, since where an object ends depends only on its
    /// bytes, and what lies between the entries is checked as the full scan checks it.
    pub fn of_after(text: &str, last: &Layout) -> Option<Layout> {
        let bytes = text.as_bytes();
        let hasher = hasher();
        let mut layout = Layout {
            entries: Vec::with_capacity(last.entries.len() + 16),
            spans: Vec::with_capacity(last.entries.len() + 16),
        };
        let (mut next, mut misses) = (0usize, 0usize);
        let mut rescan = false;
        let read = array_of_objects(bytes, |i| {
            let found = last
                .entries
                .get(next..)
                .unwrap_or_default()
                .iter()
                .take(3)
                .enumerate()
                .find(|(_, e)| {
                    bytes
                        .get(i..i + e.len)
                        .is_some_and(|b| hasher.hash_one(b) == e.hash)
                });
            let (entry, end) = match found {
                Some((k, e)) => {
                    next += k + 1;
                    (*e, i + e.len)
                }
                None => {
                    misses += 1;
                    if misses > MISSES {
                        rescan = true;
                        return None;
                    }
                    let end = object_end(bytes, i)?;
                    let b = bytes.get(i..end)?;
                    let e = Entry {
                        hash: hasher.hash_one(b),
                        len: b.len(),
                    };
                    (e, end)
                }
            };
            layout.entries.push(entry);
            layout.spans.push((i, end));
            Some(end)
        });
        if rescan {
            return Layout::of(text);
        }
        read.map(|()| layout)
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

/// Where each entry of the top-level array `text` starts and ends: [`spans_unescaped`] if the
/// text has no backslash (the usual fact file), else [`spans_scalar`]. The two find the same
/// entries in a text without backslashes (a unit test holds them to it).
fn spans(text: &[u8]) -> Option<Vec<(usize, usize)>> {
    if memchr::memchr(b'\\', text).is_none() {
        spans_unescaped(text)
    } else {
        spans_scalar(text)
    }
}

/// [`spans`] of a text without backslashes (so no quote is escaped), 64 bytes at a time: which
/// bytes are quotes and braces is found for a whole block with word-wide arithmetic, whether
/// each byte is inside a string by a running parity of the quotes before it, and only the
/// braces outside strings are looked at one by one. [`spans_scalar`] made two `memchr` calls
/// per string, about as slow as the facts' SHA-256 beside it on a 475 MB catalog.
///
/// An entry is an object at depth 0 (counting braces outside strings, as [`object_end`]); what
/// lies between the entries (and before the first and after the last) must be blanks with a
/// comma between two entries, `[` before the first and `]` after the last.
fn spans_unescaped(text: &[u8]) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::with_capacity(text.len() / 512 + 1);
    let i = blanks(text, 0);
    if text.get(i) != Some(&b'[') {
        return None;
    }
    // Where what lies before the next entry (or the closing bracket) starts.
    let mut after = i + 1;
    let (mut depth, mut start) = (0usize, 0usize);
    // All ones while the scan is inside a string.
    let mut in_string = 0u64;
    let body = text.get(after..)?;
    let base = after;
    let mut last = [b' '; 64];
    let blocks = body.chunks_exact(64);
    let tail = blocks.remainder();
    last.get_mut(..tail.len())?.copy_from_slice(tail);
    let blocks = blocks.chain(std::iter::once(&last[..]));
    for (k, block) in blocks.enumerate() {
        let (quotes, open, close) = masks(block);
        let inside = prefix_xor(quotes) ^ in_string;
        in_string = 0u64.wrapping_sub(inside >> 63);
        let mut braces = (open | close) & !inside;
        while braces != 0 {
            let bit = braces.trailing_zeros();
            braces &= braces - 1;
            let at = base + 64 * k + bit as usize;
            if (open >> bit) & 1 == 1 {
                if depth == 0 {
                    if !between(text.get(after..at)?, out.is_empty()) {
                        return None;
                    }
                    start = at;
                }
                depth += 1;
                if depth > MAX_DEPTH {
                    return None;
                }
            } else {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    out.push((start, at + 1));
                    after = at + 1;
                }
            }
        }
    }
    if depth != 0 {
        return None;
    }
    // After the last entry: blanks, `]`, blanks to the end.
    let end = blanks(text, after);
    (text.get(end) == Some(&b']') && blanks(text, end + 1) == text.len()).then_some(out)
}

/// Whether `gap`, what lies before an entry, is blanks (the first entry: `[` is before it) or
/// blanks, a comma and blanks (any other).
fn between(gap: &[u8], first: bool) -> bool {
    let is_blank = |b: &u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
    if first {
        return gap.iter().all(is_blank);
    }
    let mut parts = gap.splitn(2, |&b| b == b',');
    match (parts.next(), parts.next()) {
        (Some(a), Some(b)) => a.iter().all(is_blank) && b.iter().all(is_blank),
        _ => false,
    }
}

/// Which of the 64 bytes of `block` are `"`, `{` and `}` (bit `i` for byte `i`).
fn masks(block: &[u8]) -> (u64, u64, u64) {
    let (mut quotes, mut open, mut close) = (0u64, 0u64, 0u64);
    for (k, word) in block.chunks_exact(8).enumerate() {
        let word = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes);
        quotes |= equal(word, b'"') << (8 * k);
        open |= equal(word, b'{') << (8 * k);
        close |= equal(word, b'}') << (8 * k);
    }
    (quotes, open, close)
}

/// Which of the 8 bytes of `word` (little-endian) equal `c`, as the low 8 bits.
fn equal(word: u64, c: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (0x0101_0101_0101_0101 * u64::from(c));
    // 0x80 in each byte of `x` that is zero, exactly (no borrow from one byte to the next).
    let zero = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
    // Gathers bit 7 of each byte: byte `i` to bit 56 + `i`.
    (zero >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Bit `i` is the parity of the bits `0..=i` of `x`.
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

/// [`spans`] of any text, string by string with `memchr`.
fn spans_scalar(text: &[u8]) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::with_capacity(text.len() / 512 + 1);
    array_of_objects(text, |i| {
        let end = object_end(text, i)?;
        out.push((i, end));
        Some(end)
    })?;
    Some(out)
}

/// Reads `text` as a JSON array of entries, blanks allowed around it and between its tokens:
/// `entry` is called at each entry's first byte and answers where the entry ends (`None`: it
/// is not one, and neither is the text). `Some(())` if the whole text is such an array.
fn array_of_objects(text: &[u8], mut entry: impl FnMut(usize) -> Option<usize>) -> Option<()> {
    let mut i = blanks(text, 0);
    if text.get(i) != Some(&b'[') {
        return None;
    }
    i = blanks(text, i + 1);
    if text.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            i = blanks(text, entry(i)?);
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
    (blanks(text, i) == text.len()).then_some(())
}

/// The position after JSON's blanks from `i`.
fn blanks(text: &[u8], mut i: usize) -> usize {
    while matches!(text.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

/// The position after the object that starts at `i` (its closing brace matched by counting
/// braces outside strings, found with `memchr`), or `None` if none starts there, it does not
/// end, or it nests deeper than [`MAX_DEPTH`] objects. Brackets are not counted: in a text that
/// reads, braces alone find the entry's end; in one that does not, the entries found are read
/// and refused (the nesting of an entry read alone is checked by [`depth_within`]).
fn object_end(text: &[u8], start: usize) -> Option<usize> {
    if text.get(start) != Some(&b'{') {
        return None;
    }
    let mut depth = 0usize;
    let mut i = start;
    loop {
        let k = i + memchr::memchr3(b'"', b'{', b'}', text.get(i..)?)?;
        match text.get(k)? {
            b'"' => i = super::string_end(text, k + 1)?,
            b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return None;
                }
                i = k + 1;
            }
            _ => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k + 1);
                }
                i = k + 1;
            }
        }
    }
}

/// Whether the entry `text` nests arrays and objects at most [`MAX_DEPTH`] deep (brackets and
/// braces outside strings): an entry read alone must not be allowed deeper than inside the
/// array.
fn depth_within(text: &[u8]) -> bool {
    let mut depth = 0usize;
    for (_, b) in super::outside_strings(text) {
        match b {
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// The entries of `text`, reusing those of `previous` (read from the text of `old`) whose
/// text is the same, and parsing the others alone; `None` if an entry does not read alone (the
/// caller then reads the whole text). `new` is the layout of `text` ([`Layout::of`]).
pub(super) fn entries<T>(
    text: &str,
    new: &Layout,
    old: &Layout,
    previous: &[Arc<T>],
) -> Option<(Vec<Arc<T>>, Reused)>
where
    T: Send + Sync,
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
    let mut parsed: HashMap<usize, Arc<T>> = HashMap::new();
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
                let entry = text.get(a..b).filter(|e| depth_within(e.as_bytes()))?;
                let x = serde_json::from_str::<super::fast::Fast<T>>(entry).ok()?.0;
                parsed.insert(i, Arc::new(x));
                from.push(Err(i));
            }
        }
    }
    from.extend((m - same_end..m).map(Ok));
    let reused = Reused {
        parsed: parsed.len(),
        from_previous: from.iter().filter(|f| f.is_ok()).count(),
    };
    let items = assemble(&from, previous, parsed)?;
    (items.len() == n).then_some((items, reused))
}

/// What [`entries`] reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reused {
    /// Entries parsed.
    pub parsed: usize,
    /// Entries shared with the previous reading.
    pub from_previous: usize,
}

/// The entries in order: the previous ones (shared: a reference count each) and the parsed
/// ones; a long list is filled in two halves on two threads (each shared entry's count is a
/// write to its own memory, scattered over the heap). `None` only if a thread panicked
/// (cloning an `Arc` does not).
fn assemble<T: Send + Sync>(
    from: &[Result<usize, usize>],
    previous: &[Arc<T>],
    parsed: HashMap<usize, Arc<T>>,
) -> Option<Vec<Arc<T>>> {
    /// Below this, one thread fills the whole list.
    const SPLIT: usize = 20_000;
    type Parsed<T> = HashMap<usize, Arc<T>>;
    let copy = |from: &[Result<usize, usize>], mut parsed: Parsed<T>, out: &mut Vec<Arc<T>>| {
        for f in from {
            let x = match f {
                Ok(j) => previous.get(*j).cloned(),
                Err(i) => parsed.remove(i),
            };
            out.extend(x);
        }
    };
    let mut out = Vec::with_capacity(from.len());
    if from.len() < SPLIT {
        copy(from, parsed, &mut out);
        return Some(out);
    }
    let half = from.len() / 2;
    let (from_a, from_b) = from.split_at(half);
    let (parsed_a, parsed_b): (Parsed<T>, Parsed<T>) =
        parsed.into_iter().partition(|(i, _)| *i < half);
    let second = std::thread::scope(|s| {
        let later = s.spawn(|| {
            let mut b = Vec::with_capacity(from_b.len());
            copy(from_b, parsed_b, &mut b);
            b
        });
        copy(from_a, parsed_a, &mut out);
        later.join()
    });
    out.extend(second.ok()?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::FactFile;
    use super::{spans, Layout};

    /// `FactFile::parse_after` (the last text's entries reused) gives what `FactFile::parse`
    /// gives: the same entries, the same index, the same error.
    fn same_as_whole(name: &str, before: &str, after: &str) {
        if let Some(old) = Layout::of(before) {
            assert_eq!(
                Layout::of_after(after, &old.forget_spans()),
                Layout::of(after),
                "{after}"
            );
        }
        let last = FactFile::parse(name, before).unwrap();
        let whole = FactFile::parse(name, after).unwrap();
        let again = FactFile::parse_after(name, after, None, last.as_ref().ok()).unwrap();
        let (a, w) = match (again, whole) {
            (Ok(FactFile::Catalog(a)), Ok(FactFile::Catalog(w))) => (a, w),
            (a, w) => {
                assert_eq!(a.err(), w.err(), "{name}: {after}");
                return;
            }
        };
        assert_eq!(
            format!("{:?}", a.items),
            format!("{:?}", w.items),
            "{after}"
        );
        assert_eq!(a.duplicate, w.duplicate, "{after}");
        assert_eq!(a.layout, w.layout, "{after}");
        let facts = |p: super::super::Parsed<super::super::Dataset>| {
            let f = Ok(FactFile::Catalog(p));
            let i = FactFile::parse(
                "institutions.json",
                include_str!("../../../data/binzhou/institutions.json"),
            )
            .unwrap();
            super::super::Facts::assemble([Some(&f), Some(&i), None, None, None], String::new())
                .map_err(|_| ())
        };
        let (fa, fw) = (facts(a), facts(w));
        assert_eq!(fa.is_ok(), fw.is_ok());
        if let (Ok(fa), Ok(fw)) = (fa, fw) {
            for d in fw.catalog.iter() {
                assert_eq!(
                    format!("{:?}", fa.dataset(&d.id)),
                    format!("{:?}", fw.dataset(&d.id)),
                    "{after}"
                );
            }
        }
    }

    #[test]
    fn reading_again_entry_by_entry_is_reading_the_whole_text() {
        let base = include_str!("../../../data/binzhou/catalog.json");
        let entries: Vec<&str> = texts(base).unwrap();
        let join = |xs: &[String]| format!("[\n{}\n]", xs.join(",\n"));
        let own: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
        // Many entries, so that the two-thread copy and the lookup by hash are taken too.
        let mut many: Vec<String> = Vec::new();
        for k in 0..25_000 {
            let e = &own[k % own.len()];
            many.push(e.replacen("\"id\": \"", &format!("\"id\": \"n{k}-"), 1));
        }
        for list in [own, many] {
            let before = join(&list);
            let n = list.len();
            let mut cases: Vec<Vec<String>> = Vec::new();
            // A changed name, first, middle, last.
            for i in [0, n / 2, n - 1] {
                let mut l = list.clone();
                l[i] = l[i].replacen("\"name\": \"", "\"name\": \"改 ", 1);
                cases.push(l);
            }
            // Removed, inserted, swapped, duplicated (an id used twice), reversed.
            let mut l = list.clone();
            l.remove(n / 3);
            cases.push(l);
            let mut l = list.clone();
            l.insert(n / 2, list[0].replacen("\"id\": \"", "\"id\": \"new-", 1));
            cases.push(l);
            let mut l = list.clone();
            l.swap(0, n - 1);
            cases.push(l);
            let mut l = list.clone();
            l.push(list[1].clone());
            cases.push(l);
            let mut l = list.clone();
            l.reverse();
            cases.push(l);
            // Changed ids (the index is built again), a wrong type (the error), bad JSON.
            let mut l = list.clone();
            l[n / 2] = l[n / 2].replacen("\"id\": \"", "\"id\": \"other-", 1);
            cases.push(l);
            let mut l = list.clone();
            l[n / 2] = l[n / 2].replacen("\"share\": \"", "\"share\": \"x", 1);
            cases.push(l);
            let mut l = list.clone();
            l[n - 1] = l[n - 1].replacen("\"name\": \"", "\"name\": \"\\u00e9\\\"", 1);
            cases.push(l);
            let mut l = list.clone();
            l[1] = l[1].replacen('}', "", 1);
            cases.push(l);
            let mut l = list.clone();
            l[1] = format!("{} 1", l[1]);
            cases.push(l);
            for (k, l) in cases.iter().enumerate() {
                same_as_whole("catalog.json", &before, &join(l));
                if k == 0 {
                    same_as_whole("catalog.json", &before, &format!("{} x", join(l)));
                    same_as_whole("catalog.json", &before, &join(l).replacen('[', "{", 1));
                }
            }
            same_as_whole("catalog.json", &before, &before);
            same_as_whole("catalog.json", &before, "[]");
            same_as_whole("catalog.json", "[]", &before);
        }
    }

    /// The word-wide scanner finds what the one string by string finds, on texts without
    /// backslashes: the example catalog, and many small texts of JSON's structural bytes.
    #[test]
    fn the_two_scanners_agree() {
        use super::{spans_scalar, spans_unescaped};
        let base = include_str!("../../../data/binzhou/catalog.json");
        let text = base.replace('\\', "");
        assert!(spans_unescaped(text.as_bytes()).is_some());
        assert_eq!(
            spans_unescaped(text.as_bytes()),
            spans_scalar(text.as_bytes())
        );
        let alphabet = b"[]{}\",: \nax";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..20_000 {
            // Mostly well-formed: a list of entries, then a few bytes changed.
            let entries = next(5);
            let mut t = String::from(" [");
            for e in 0..entries {
                if e > 0 {
                    t.push_str(",\n ");
                }
                t.push_str(["{}", "{\"a\": \"}{\"}", "{\"b\": [1, {\"c\": {}}]}"][next(3)]);
            }
            t.push_str("] ");
            let mut bytes = t.into_bytes();
            let pad = next(130);
            bytes.splice(1..1, std::iter::repeat_n(b' ', pad));
            for _ in 0..next(3) {
                let at = next(bytes.len());
                bytes[at] = alphabet[next(alphabet.len())];
            }
            assert_eq!(
                spans_unescaped(&bytes),
                spans_scalar(&bytes),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
        for t in [
            "[]", " [\n] ", "[{}]", "[{},{}]", "[{}] x", "[{}]]", "[,{}]", "[{},]", "{}", "",
        ] {
            assert_eq!(
                spans_unescaped(t.as_bytes()),
                spans_scalar(t.as_bytes()),
                "{t}"
            );
        }
        let deep = format!("[{}{}]", "{\"a\":".repeat(70), "}".repeat(70));
        assert_eq!(spans_unescaped(deep.as_bytes()), None);
        let fine = format!("[{}1{}]", "{\"a\":".repeat(60), "}".repeat(60));
        assert_eq!(spans_unescaped(fine.as_bytes()).map(|v| v.len()), Some(1));
    }

    fn texts(text: &str) -> Option<Vec<&str>> {
        spans(text.as_bytes()).map(|s| s.iter().map(|&(a, b)| text.get(a..b).unwrap()).collect())
    }

    #[test]
    fn splits_the_entries_respecting_strings_and_escapes() {
        let t = r#" [ {"a": "}{][,\"", "b": [1, {"c": "\\"}]} ,
            {"d":{}} ] "#;
        assert_eq!(
            texts(t),
            Some(vec![
                r#"{"a": "}{][,\"", "b": [1, {"c": "\\"}]}"#,
                r#"{"d":{}}"#
            ])
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
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(70), "]".repeat(70));
        assert!(!super::depth_within(deep.as_bytes()));
        assert!(super::depth_within(b"{\"a\": \"[[[[\"}"));
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
