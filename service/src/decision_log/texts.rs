//! Compact decisions: what the log stores of a decision is its JSON text as answered, cut into
//! literal pieces and references to *shared texts*, each stored once per chain.
//!
//! A decision repeats, from one request to the next, most of its text: each step of its trace
//! (`{"rule":"binzhou.share.conditional","matched":true,"detail":"when …"}`), its reasons,
//! obligations and sources. The service marks those pieces ([`super::Rendered::shared`]); the
//! writer stores each distinct piece once in the table `texts(chain, id, text, key_id, mac)`,
//! and the record's `decision` column as
//!
//! ```text
//! stored  = "txt1:" segment*
//! segment = "L" len ":" <len bytes of literal text>   (len in decimal, in bytes)
//!         | "T" id ";"                                 (the text `id` of the record's chain)
//! ```
//!
//! Rendering concatenates the segments, so the decision read back is byte for byte the text
//! that was answered ([`render`]). The record's MAC ([`super::chain`]) covers the stored form,
//! references included; each shared text carries its own MAC over its chain, id, key id and
//! text ([`super::chain::text_mac`]), and `audit verify` checks every text and every reference.
//! A text's id counts from 1 per chain without gaps, so a removed text is also detected.
//!
//! A decision stored whole (JSON, starting `{`; or encrypted, `enc:v1:`) is read as before: logs
//! written before compact decisions stay readable and verifiable unchanged. Encrypted decisions
//! are always stored whole (their pieces must not be stored in clear).

use anyhow::{anyhow, bail};

/// The prefix of a compact decision.
pub const PREFIX: &str = "txt1:";

/// The shortest piece worth sharing: shorter ones stay literal (a reference costs a few bytes
/// and a lookup).
pub const MIN_SHARED: usize = 24;

/// The most texts a writer remembers (text → id). When full it forgets them all and starts
/// again: a text seen again is then stored again under a new id, which is correct, only less
/// compact; memory stays bounded whatever the traffic.
pub const CACHE_LIMIT: usize = 65_536;

/// The most references one compact decision may hold (far above any decision's pieces), so that
/// reading a forged record cannot make a reader fetch without end.
pub const MAX_REFERENCES: usize = 100_000;

/// Whether `stored` is a compact decision.
pub fn is_compact(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// One segment of a compact decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment<'a> {
    Literal(&'a str),
    Text(i64),
}

/// The segments of the compact decision `stored` (after its prefix), in order, read one at a
/// time: `audit verify` reads every record's, so they are scanned byte by byte without a
/// list, and a number is read in the same pass that finds its end.
fn segments(stored: &str) -> anyhow::Result<Segments<'_>> {
    match stored.strip_prefix(PREFIX) {
        Some(rest) => Ok(Segments { rest, count: 0 }),
        None => bail!("not a compact decision"),
    }
}

/// The segments of a compact decision not read yet ([`segments`]).
struct Segments<'a> {
    rest: &'a str,
    count: usize,
}

impl<'a> Segments<'a> {
    fn segment(&mut self) -> anyhow::Result<Segment<'a>> {
        if self.count > MAX_REFERENCES {
            bail!("more than {MAX_REFERENCES} segments");
        }
        self.count += 1;
        let body = self.rest.get(1..).unwrap_or_default();
        match self.rest.as_bytes().first() {
            Some(b'L') => {
                let (len, after) = number(body, b':', "a literal without its length")?;
                let literal = usize::try_from(len)
                    .ok()
                    .and_then(|len| after.get(..len))
                    .ok_or_else(|| {
                        anyhow!("a literal longer than the text, or cut in a character")
                    })?;
                self.rest = after.get(literal.len()..).unwrap_or_default();
                Ok(Segment::Literal(literal))
            }
            Some(b'T') => {
                let (id, after) = number(body, b';', "a reference without its end")?;
                // At most 18 digits: always an `i64`.
                let id = i64::try_from(id).unwrap_or(i64::MAX);
                if id < 1 {
                    bail!("a reference to text {id}");
                }
                self.rest = after;
                Ok(Segment::Text(id))
            }
            _ => bail!("a segment that is neither a literal nor a reference"),
        }
    }
}

impl<'a> Iterator for Segments<'a> {
    type Item = anyhow::Result<Segment<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let segment = self.segment();
        if segment.is_err() {
            // One error ends the reading.
            self.rest = "";
        }
        Some(segment)
    }
}

/// The decimal number (at most 18 digits) at the start of `text`, ended by `end`, and what
/// follows `end`; `missing` if `text` holds no `end` at all.
fn number<'t>(text: &'t str, end: u8, missing: &str) -> anyhow::Result<(u64, &'t str)> {
    let mut value: u64 = 0;
    for (i, &b) in text.as_bytes().iter().enumerate().take(19) {
        if b == end && i > 0 {
            return Ok((value, text.get(i + 1..).unwrap_or_default()));
        }
        if !b.is_ascii_digit() || i == 18 {
            break;
        }
        value = value * 10 + u64::from(b - b'0');
    }
    // Not a number ended by `end`: say what is there instead.
    match text.split_once(char::from(end)) {
        Some((digits, _)) => bail!("`{digits}` is not a number"),
        None => bail!("{missing}"),
    }
}

/// The ids of the shared texts the compact decision `stored` refers to, in order (repeats
/// included); an error if it is not of the compact form.
pub fn references(stored: &str) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for segment in segments(stored)? {
        if let Segment::Text(id) = segment? {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The decision `stored` as it was answered: a whole one as it is; a compact one with each
/// reference replaced by its text, `texts` giving the text of each id.
pub fn render(
    stored: &str,
    mut texts: impl FnMut(i64) -> anyhow::Result<String>,
) -> anyhow::Result<String> {
    if !is_compact(stored) {
        return Ok(stored.to_owned());
    }
    let mut out = String::with_capacity(stored.len() * 8);
    for segment in segments(stored)? {
        match segment? {
            Segment::Literal(text) => out.push_str(text),
            Segment::Text(id) => out.push_str(&texts(id)?),
        }
    }
    Ok(out)
}

/// Writes the compact form of `decision`, whose byte ranges `shared` (ascending, apart, on
/// character boundaries) are stored as shared texts, `id_of` giving (or making) each one's id.
/// Ranges shorter than [`MIN_SHARED`] or not on character boundaries stay literal.
pub fn encode<'a>(
    decision: &'a str,
    shared: &[(u32, u32)],
    mut id_of: impl FnMut(&'a str) -> i64,
) -> String {
    let mut out = String::with_capacity(64 + decision.len() / 4);
    out.push_str(PREFIX);
    let mut literal_from = 0usize;
    // Numbers written in place, by itoa (a buffer on the stack, made for free): a `to_string`
    // each was a tenth of the encoding, and `write!` still a twentieth.
    let literal = |out: &mut String, from: usize, to: usize| {
        if let Some(text) = decision.get(from..to).filter(|t| !t.is_empty()) {
            out.push('L');
            out.push_str(itoa::Buffer::new().format(text.len()));
            out.push(':');
            out.push_str(text);
        }
    };
    for &(start, end) in shared {
        let (start, end) = (start as usize, end as usize);
        if start < literal_from || end < start + MIN_SHARED {
            continue;
        }
        let Some(piece) = decision.get(start..end) else {
            continue;
        };
        literal(&mut out, literal_from, start);
        out.push('T');
        out.push_str(itoa::Buffer::new().format(id_of(piece)));
        out.push(';');
        literal_from = end;
    }
    literal(&mut out, literal_from, decision.len());
    out
}

/// A writer's memory of the texts its chain holds: text → id, at most [`CACHE_LIMIT`].
#[derive(Debug, Default)]
pub(super) struct Interner {
    /// Hashed with foldhash, randomly seeded per process: every shared text of every decision
    /// is looked up here, and SipHash was a tenth of the writer's own work.
    known: std::collections::HashMap<Box<str>, i64, foldhash::fast::RandomState>,
}

impl Interner {
    /// The id of `text` if the chain is known to hold it.
    pub(super) fn get(&self, text: &str) -> Option<i64> {
        self.known.get(text).copied()
    }

    /// Remembers texts committed to the chain (only once they are: a rolled-back text must not
    /// be referred to).
    pub(super) fn remember(&mut self, committed: impl IntoIterator<Item = (String, i64)>) {
        for (text, id) in committed {
            if self.known.len() >= CACHE_LIMIT {
                self.known.clear();
            }
            self.known.insert(text.into_boxed_str(), id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(texts: &[String]) -> impl FnMut(i64) -> anyhow::Result<String> + '_ {
        |id| {
            usize::try_from(id - 1)
                .ok()
                .and_then(|i| texts.get(i))
                .cloned()
                .ok_or_else(|| anyhow!("no text {id}"))
        }
    }

    #[test]
    fn a_decision_renders_back_byte_for_byte() {
        let decision = r#"{"decision_id":"01J","effect":"review","trace":[{"rule":"a.b","matched":true,"detail":"when x ✔ [y = 中文]"},{"rule":"a.c","matched":false,"detail":"when z ✘"}],"policy":{}}"#;
        let first = decision.find("{\"rule\":\"a.b\"").unwrap();
        let first_end = decision.find("},{").unwrap() + 1;
        let second = first_end + 1;
        let second_end = decision.find("}],").unwrap() + 1;
        let shared = [
            (first as u32, first_end as u32),
            (second as u32, second_end as u32),
        ];
        let mut texts: Vec<String> = Vec::new();
        let stored = encode(decision, &shared, |t| {
            texts.push(t.to_owned());
            texts.len() as i64
        });
        assert!(stored.starts_with("txt1:L"), "{stored}");
        assert_eq!(references(&stored).unwrap(), vec![1, 2]);
        assert_eq!(render(&stored, table(&texts)).unwrap(), decision);
        // A second decision with the same pieces refers to the same texts.
        let again = encode(decision, &shared, |t| {
            texts.iter().position(|x| x == t).unwrap() as i64 + 1
        });
        assert_eq!(again, stored);
        // A whole decision is read as it is.
        assert_eq!(render(decision, table(&texts)).unwrap(), decision);
        assert!(!is_compact(decision));
    }

    #[test]
    fn short_overlapping_or_misplaced_ranges_stay_literal() {
        let decision = "{\"a\":\"0123456789012345678901234567890123456789\",\"b\":\"ü\"}";
        let n = decision.len() as u32;
        let ü = decision.find('ü').unwrap() as u32;
        let shared = [(0, 4), (5, 45), (10, 50), (ü + 1, n), (n, n + 40)];
        let mut texts = Vec::new();
        let stored = encode(decision, &shared, |t| {
            texts.push(t.to_owned());
            texts.len() as i64
        });
        assert_eq!(texts.len(), 1, "{texts:?}");
        assert_eq!(render(&stored, table(&texts)).unwrap(), decision);
    }

    #[test]
    fn malformed_compact_decisions_are_errors_not_panics() {
        for bad in [
            "txt1:X",
            "txt1:L5",
            "txt1:L99:short",
            "txt1:L:x",
            "txt1:T;",
            "txt1:T0;",
            "txt1:T-1;",
            "txt1:T12",
            "txt1:L1:\u{fc}",
            "txt1:T99999999999999999999;",
        ] {
            assert!(references(bad).is_err(), "{bad}");
            assert!(render(bad, |_| Ok(String::new())).is_err(), "{bad}");
        }
        assert!(render("txt1:T3;", |id| Err(anyhow!("no text {id}"))).is_err());
        assert_eq!(references("txt1:").unwrap(), Vec::<i64>::new());
    }

    /// The reader as it was before it read byte by byte: the reference it must agree with.
    fn reference_segments(stored: &str) -> anyhow::Result<Vec<Segment<'_>>> {
        fn digits<T: std::str::FromStr>(text: &str) -> anyhow::Result<T> {
            if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
                bail!("`{text}` is not a number");
            }
            text.parse()
                .map_err(|_| anyhow!("`{text}` is not a number"))
        }
        let Some(mut rest) = stored.strip_prefix(PREFIX) else {
            bail!("not a compact decision");
        };
        let mut out = Vec::new();
        while !rest.is_empty() {
            if out.len() > MAX_REFERENCES {
                bail!("more than {MAX_REFERENCES} segments");
            }
            let body = rest.get(1..).unwrap_or_default();
            match rest.as_bytes().first() {
                Some(b'L') => {
                    let (len, after) = body
                        .split_once(':')
                        .ok_or_else(|| anyhow!("a literal without its length"))?;
                    let len: usize = digits(len)?;
                    let literal = after.get(..len).ok_or_else(|| {
                        anyhow!("a literal longer than the text, or cut in a character")
                    })?;
                    out.push(Segment::Literal(literal));
                    rest = after.get(len..).unwrap_or_default();
                }
                Some(b'T') => {
                    let (id, after) = body
                        .split_once(';')
                        .ok_or_else(|| anyhow!("a reference without its end"))?;
                    let id: i64 = digits(id)?;
                    if id < 1 {
                        bail!("a reference to text {id}");
                    }
                    out.push(Segment::Text(id));
                    rest = after;
                }
                _ => bail!("a segment that is neither a literal nor a reference"),
            }
        }
        Ok(out)
    }

    fn read(stored: &str) -> Result<Vec<Segment<'_>>, String> {
        segments(stored)
            .and_then(|s| s.collect::<anyhow::Result<Vec<_>>>())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn errors_say_what_is_wrong() {
        for (bad, says) in [
            ("txt1:L5", "a literal without its length"),
            ("txt1:L:x", "`` is not a number"),
            ("txt1:L1x:y", "`1x` is not a number"),
            (
                "txt1:L9:short",
                "a literal longer than the text, or cut in a character",
            ),
            ("txt1:T12", "a reference without its end"),
            ("txt1:T0;", "a reference to text 0"),
            ("txt1:T-1;", "`-1` is not a number"),
            (
                "txt1:T1234567890123456789;",
                "`1234567890123456789` is not a number",
            ),
            (
                "txt1:X",
                "a segment that is neither a literal nor a reference",
            ),
            ("{}", "not a compact decision"),
        ] {
            assert_eq!(read(bad), Err(says.to_owned()), "{bad}");
        }
        assert_eq!(
            read("txt1:T123456789012345678;L2:ab"),
            Ok(vec![
                Segment::Text(123_456_789_012_345_678),
                Segment::Literal("ab")
            ])
        );
    }

    proptest::proptest! {
        /// Any text, well formed or not, reads as the reference reads it: the same segments,
        /// or the same error.
        #[test]
        fn the_reader_agrees_with_the_reference(
            body in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::string::string_regex("[LT]").unwrap(),
                    proptest::string::string_regex("[0-9]{0,20}").unwrap(),
                    proptest::string::string_regex("[:;x\u{fc}-]").unwrap(),
                    proptest::string::string_regex("L[0-9]{1,2}:[a-z\u{fc}]{0,12}").unwrap(),
                    proptest::string::string_regex("T[0-9]{1,3};").unwrap(),
                    // Numbers about the 18-digit limit.
                    proptest::string::string_regex("[LT][0-9]{17,20}[:;]").unwrap(),
                ],
                0..12,
            )
        ) {
            let stored = format!("{PREFIX}{}", body.concat());
            let reference = reference_segments(&stored).map_err(|e| e.to_string());
            proptest::prop_assert_eq!(read(&stored), reference);
        }
    }

    #[test]
    fn the_interner_is_bounded() {
        let mut interner = Interner::default();
        interner.remember((0..CACHE_LIMIT + 10).map(|i| (format!("text {i}"), i as i64 + 1)));
        assert!(interner.known.len() <= CACHE_LIMIT);
        assert_eq!(
            interner.get(&format!("text {}", CACHE_LIMIT + 9)),
            Some(CACHE_LIMIT as i64 + 10)
        );
    }
}
