//! A decision's JSON, written directly: byte for byte what `serde_json::to_string` makes of it
//! (the `Serialize` derives of [`super`] are the reference; the tests hold this writer to them),
//! with where each top-level member and each step of the trace is, so that the service cuts its
//! answers and the log's shared pieces out of one text without scanning it again.
//!
//! It exists for speed (issue 20): serde_json escapes a string byte by byte and the service
//! validated the UTF-8 of the whole answer again, more than twice the cost of deciding. Here a
//! string is escaped eight bytes at a time (most have nothing to escape: they are copied whole)
//! into a `String`, which is UTF-8 by construction.

use super::digits::{push_date, push_int};
use super::{CiteOut, Decision, Source};
use datalex_lang::date::Date;
use std::ops::Range;

/// Where the parts of a decision's JSON are, as byte ranges of its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonLayout {
    /// Each top-level member, `"name":value` (without the comma before it), in order, with
    /// its name.
    pub members: Vec<(&'static str, Range<usize>)>,
    /// Each step of the trace, in order.
    pub steps: Vec<StepSpan>,
}

/// Where one step of the trace is in a decision's JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSpan {
    /// The step's object, `{"rule":…,"matched":…,"detail":…}`.
    pub object: Range<usize>,
    /// Where its `,"detail":…` member starts: the object up to here, closed with `}`, is the step
    /// without its detail.
    pub detail: usize,
    /// Whether the step held.
    pub matched: bool,
}

impl Decision {
    /// Appends the decision's JSON (compact, byte for byte `serde_json::to_string(self)`) to
    /// `out`; returns where its members and trace steps are in `out`.
    pub fn write_json(&self, out: &mut String) -> JsonLayout {
        let mut w = Writer {
            out,
            layout: JsonLayout {
                members: Vec::with_capacity(14),
                steps: Vec::with_capacity(self.trace.len()),
            },
        };
        w.out.push('{');
        w.member("decision_id", |w| w.str(&self.decision_id));
        w.member("effect", |w| w.str(self.effect));
        w.member("effective_tier", |w| {
            w.map(
                self.effective_tier
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            );
        });
        if !self.effective_tier_labels.is_empty() {
            w.member("effective_tier_labels", |w| {
                w.map(
                    self.effective_tier_labels
                        .iter()
                        .map(|(k, v)| (k.as_str(), &**v)),
                );
            });
        }
        w.member("reasons", |w| {
            w.list(&self.reasons, |w, r| {
                w.open("code");
                w.str(&r.code);
                w.key("rule");
                w.str(&r.rule);
                w.key("text");
                w.str(&r.text);
                w.cites_and_close(&r.cites);
            });
        });
        w.member("obligations", |w| {
            w.list(&self.obligations, |w, o| {
                w.code_and_party(
                    &o.code,
                    &o.party,
                    o.party_label.as_deref(),
                    o.party_id.as_deref(),
                );
                w.key("text");
                w.str(&o.text);
                w.key("until");
                w.opt_date(o.until);
                w.cites_and_close(&o.cites);
            });
        });
        w.member("deadlines", |w| {
            w.list(&self.deadlines, |w, d| {
                w.code_and_party(
                    &d.code,
                    &d.party,
                    d.party_label.as_deref(),
                    d.party_id.as_deref(),
                );
                w.key("start");
                w.date(d.start);
                if let Some(n) = d.working_days {
                    w.key("working_days");
                    push_int(w.out, n);
                }
                if let Some(n) = d.calendar_days {
                    w.key("calendar_days");
                    push_int(w.out, n);
                }
                w.key("due");
                w.date(d.due);
                w.key("status");
                w.str(d.status);
                w.key("text");
                w.str(&d.text);
                w.cites_and_close(&d.cites);
            });
        });
        w.member("findings", |w| {
            w.list(&self.findings, |w, f| {
                w.open("code");
                w.str(&f.code);
                w.key("severity");
                w.str(f.severity);
                w.key("subject");
                w.str(&f.subject);
                w.key("text");
                w.str(&f.text);
                w.cites_and_close(&f.cites);
            });
        });
        w.member("remedies", |w| {
            w.list(&self.remedies, |w, r| {
                w.open("code");
                w.str(&r.code);
                w.key("text");
                w.str(&r.text);
                w.cites_and_close(&r.cites);
            });
        });
        w.member("sources", |w| w.list(&self.sources, |w, s| w.source(s)));
        w.member("governing_date", |w| w.date(self.governing_date));
        w.member("trace", |w| {
            w.out.push('[');
            let steps = &mut w.layout.steps;
            self.trace.write_json(w.out, |object, detail, matched| {
                steps.push(StepSpan {
                    object,
                    detail,
                    matched,
                });
            });
            w.out.push(']');
        });
        w.member("policy", |w| {
            w.open("jurisdiction");
            w.str(&self.policy.jurisdiction);
            w.key("version");
            w.str(&self.policy.version);
            w.out.push('}');
        });
        w.out.push('}');
        w.layout
    }
}

struct Writer<'o> {
    out: &'o mut String,
    layout: JsonLayout,
}

impl Writer<'_> {
    /// Writes member `name` (after a comma unless it is the first) with `value` writing its
    /// value, and records where it is.
    fn member(&mut self, name: &'static str, value: impl FnOnce(&mut Self)) {
        if !self.layout.members.is_empty() {
            self.out.push(',');
        }
        let start = self.out.len();
        self.out.push('"');
        self.out.push_str(name);
        self.out.push_str("\":");
        value(self);
        self.layout.members.push((name, start..self.out.len()));
    }

    /// `{"name":`: the first member of an object.
    fn open(&mut self, name: &str) {
        self.out.push_str("{\"");
        self.out.push_str(name);
        self.out.push_str("\":");
    }

    /// `,"name":`: a member after the first.
    fn key(&mut self, name: &str) {
        self.out.push_str(",\"");
        self.out.push_str(name);
        self.out.push_str("\":");
    }

    /// The members an obligation and a deadline begin with: `{"code":…,"party":…`, the party's
    /// label if it has one, and `"party_id"`.
    fn code_and_party(&mut self, code: &str, party: &str, label: Option<&str>, id: Option<&str>) {
        self.open("code");
        self.str(code);
        self.key("party");
        self.str(party);
        if let Some(label) = label {
            self.key("party_label");
            self.str(label);
        }
        self.key("party_id");
        self.opt_str(id);
    }

    fn str(&mut self, s: &str) {
        push_str(self.out, s);
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.out.push_str("null"),
        }
    }

    fn date(&mut self, d: Date) {
        // A date's text is digits and hyphens: nothing to escape.
        self.out.push('"');
        push_date(self.out, d);
        self.out.push('"');
    }

    fn opt_date(&mut self, d: Option<Date>) {
        match d {
            Some(d) => self.date(d),
            None => self.out.push_str("null"),
        }
    }

    fn opt_u32(&mut self, n: Option<u32>) {
        match n {
            Some(n) => push_int(self.out, i64::from(n)),
            None => self.out.push_str("null"),
        }
    }

    fn map<'a>(&mut self, entries: impl Iterator<Item = (&'a str, &'a str)>) {
        self.out.push('{');
        for (i, (k, v)) in entries.enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.str(k);
            self.out.push(':');
            self.str(v);
        }
        self.out.push('}');
    }

    fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        self.out.push('[');
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            item(self, x);
        }
        self.out.push(']');
    }

    /// `,"cites":[…]}`: the last member of every object that cites.
    fn cites_and_close(&mut self, cites: &[std::sync::Arc<CiteOut>]) {
        self.key("cites");
        self.list(cites, |w, c| w.cite(c));
        self.out.push('}');
    }

    fn cite(&mut self, c: &CiteOut) {
        self.open("regulation");
        self.str(&c.regulation);
        self.key("article");
        self.opt_u32(c.article);
        self.key("paragraph");
        self.opt_u32(c.paragraph);
        self.key("item");
        self.opt_u32(c.item);
        if let Some(v) = c.version {
            self.key("version");
            self.date(v);
        }
        self.key("label");
        self.str(&c.label);
        if let Some(r) = &c.reading {
            self.key("reading");
            self.str(r);
        }
        self.out.push('}');
    }

    fn source(&mut self, s: &Source) {
        self.open("id");
        self.str(&s.id);
        self.key("title");
        self.str(&s.title);
        self.key("rank");
        self.opt_str(s.rank.as_deref());
        if let Some(label) = &s.rank_label {
            self.key("rank_label");
            self.str(label);
        }
        self.key("in_force");
        self.open("from");
        self.opt_date(s.in_force.from);
        self.key("until");
        self.opt_date(s.in_force.until);
        if s.in_force.from_unknown {
            self.key("from_unknown");
            self.out.push_str("true");
        }
        self.out.push_str("}}");
    }
}

/// Appends `s` to `out` as a JSON string, quoted and escaped exactly as serde_json escapes it:
/// `"` and `\` with a backslash, the control characters below U+0020 as `\b`, `\t`, `\n`, `\f`,
/// `\r` or `\u00xx`, and nothing else.
fn push_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    escape_into(out, s);
    out.push('"');
}

/// Appends `s` to `out` escaped as the inside of a JSON string (see [`push_str`]).
pub(super) fn escape_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none of them needs escaping.
        if let Some(block) = bytes
            .get(i..i + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
        {
            let marks = to_escape(u64::from_le_bytes(block));
            if marks == 0 {
                i += 8;
                continue;
            }
            // The lowest mark is exact (a false one can only sit above a true one).
            i += (marks.trailing_zeros() / 8) as usize;
        }
        let b = bytes.get(i).copied().unwrap_or(0);
        if let Some(escape) = escape_of(b) {
            // `b` is ASCII, so `i` is on a character boundary.
            out.push_str(s.get(copied..i).unwrap_or_default());
            match escape {
                Escape::Short(e) => out.push_str(e),
                Escape::Unicode => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(char::from(
                        HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
                    ));
                    out.push(char::from(
                        HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0'),
                    ));
                }
            }
            copied = i + 1;
        }
        i += 1;
    }
    out.push_str(s.get(copied..).unwrap_or_default());
}

/// The high bit of each byte of `x` below 0x20, or equal to `"` or `\` (and possibly of bytes
/// above such a byte; the lowest is always exact).
fn to_escape(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |y: u64, n: u64| y.wrapping_sub(ONES * n) & !y & HIGH;
    below(x, 0x20)
        | below(x ^ (ONES * u64::from(b'"')), 1)
        | below(x ^ (ONES * u64::from(b'\\')), 1)
}

enum Escape {
    Short(&'static str),
    Unicode,
}

fn escape_of(b: u8) -> Option<Escape> {
    Some(match b {
        b'"' => Escape::Short("\\\""),
        b'\\' => Escape::Short("\\\\"),
        0x08 => Escape::Short("\\b"),
        0x09 => Escape::Short("\\t"),
        0x0a => Escape::Short("\\n"),
        0x0c => Escape::Short("\\f"),
        0x0d => Escape::Short("\\r"),
        0..0x20 => Escape::Unicode,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{Deadline, Finding, InForce, Obligation, PolicyRef, Reason, Remedy};
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn json(s: &str) -> String {
        let mut out = String::new();
        push_str(&mut out, s);
        out
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut samples: Vec<String> = vec![
            String::new(),
            "plain".into(),
            "《滨州市公共数据管理办法》第二十条".into(),
            "a\"b\\c\u{7f}\u{1f}\u{0}\t\n\r\u{8}\u{c}é😀".into(),
            "\"\"\"\"\"\"\"\"\"\"".into(),
            "12345678\u{1}12345678\\".into(),
        ];
        // Every byte below 0x80 at every position of a 17-byte string, among multibyte text.
        for c in 0u8..0x80 {
            for at in 0..17 {
                let mut s: Vec<char> = "条款abcdefghijklmno".chars().collect();
                s.insert(at.min(s.len()), char::from(c));
                samples.push(s.into_iter().collect());
            }
        }
        for s in &samples {
            assert_eq!(json(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn dates_are_written_as_their_display() {
        let mut days = vec![Date::MIN, Date::MAX];
        for y in [1, 9, 10, 999, 1000, 2026, 9999] {
            days.push(Date::from_ymd(y, 1, 1).unwrap());
            days.push(Date::from_ymd(y, 12, 31).unwrap());
        }
        for d in days {
            let mut out = String::new();
            Writer {
                out: &mut out,
                layout: JsonLayout::default(),
            }
            .date(d);
            assert_eq!(out, serde_json::to_string(&d).unwrap());
        }
    }

    fn cite(version: Option<Date>, reading: Option<&str>) -> Arc<CiteOut> {
        Arc::new(CiteOut {
            regulation: "binzhou-2023".into(),
            article: Some(20),
            paragraph: None,
            item: Some(2),
            version,
            label: "《滨州市公共数据管理办法》第二十条\"第二项\"".into(),
            reading: reading.map(Arc::from),
        })
    }

    #[test]
    fn every_optional_member_is_written_as_the_derive_writes_it() {
        let day = Date::from_ymd(2026, 3, 2).unwrap();
        let both = vec![cite(None, None), cite(Some(day), Some("窄读\n"))];
        let mut tiers = BTreeMap::new();
        tiers.insert("dataset".to_string(), "conditional".to_string());
        tiers.insert("b\"".to_string(), "x".to_string());
        let mut labels = BTreeMap::new();
        labels.insert("dataset".to_string(), Arc::from("有条件共享"));
        let source = |from_unknown, rank: Option<&str>| {
            Arc::new(Source {
                id: "national-2025".into(),
                title: "政务数据共享条例".into(),
                rank: rank.map(String::from),
                rank_label: rank.map(|_| Arc::from("行政法规")),
                in_force: InForce {
                    from: Some(day),
                    until: None,
                    from_unknown,
                },
            })
        };
        let mut d = Decision {
            decision_id: "01TEST".into(),
            effect: "review",
            effective_tier: tiers,
            effective_tier_labels: labels,
            reasons: vec![Reason {
                code: "r".into(),
                rule: "binzhou.r".into(),
                text: "理由".into(),
                cites: both.clone(),
            }],
            obligations: vec![
                Obligation {
                    code: "o".into(),
                    party: "provider".into(),
                    party_label: Some("提供单位".into()),
                    party_id: Some("bz-ga".into()),
                    text: "t".into(),
                    until: Some(day),
                    cites: both.clone(),
                    rank: Some(1),
                },
                Obligation {
                    code: "o2".into(),
                    party: "requester".into(),
                    party_label: None,
                    party_id: None,
                    text: "t".into(),
                    until: None,
                    cites: Vec::new(),
                    rank: None,
                },
            ],
            deadlines: vec![
                Deadline {
                    code: "reply".into(),
                    party: "provider".into(),
                    party_label: Some("提供单位".into()),
                    party_id: None,
                    start: day,
                    working_days: Some(10),
                    calendar_days: None,
                    due: day,
                    status: "due",
                    text: "答复".into(),
                    cites: both.clone(),
                    rank: None,
                },
                Deadline {
                    code: "c".into(),
                    party: "p".into(),
                    party_label: None,
                    party_id: Some("x".into()),
                    start: day,
                    working_days: None,
                    calendar_days: Some(-3),
                    due: day,
                    status: "overdue",
                    text: "t".into(),
                    cites: Vec::new(),
                    rank: None,
                },
            ],
            findings: vec![Finding {
                code: "f".into(),
                severity: "warning",
                subject: "dataset \u{1}\"x\"".into(),
                text: "t".into(),
                cites: both.clone(),
            }],
            remedies: vec![Remedy {
                code: "m".into(),
                text: "t".into(),
                cites: both,
                rank: Some(3),
            }],
            sources: vec![
                source(true, Some("administrative_regulation")),
                source(false, None),
            ],
            governing_date: day,
            trace: crate::decision::Trace::default(),
            policy: PolicyRef {
                jurisdiction: "binzhou".into(),
                version: "sha256:00".into(),
            },
        };
        for labels in [true, false] {
            if !labels {
                d.effective_tier_labels.clear();
                d.effective_tier.clear();
            }
            let mut out = String::new();
            let layout = d.write_json(&mut out);
            assert_eq!(out, serde_json::to_string(&d).unwrap());
            let names: Vec<&str> = layout.members.iter().map(|(n, _)| *n).collect();
            let value: serde_json::Value = serde_json::from_str(&out).unwrap();
            let mut keys: Vec<&str> = value
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.as_str())
                .collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            keys.sort_unstable();
            assert_eq!(sorted, keys);
            for (name, range) in &layout.members {
                let text = out.get(range.clone()).unwrap();
                assert!(text.starts_with(&format!("\"{name}\":")), "{text}");
                let member: serde_json::Value =
                    serde_json::from_str(&format!("{{{text}}}")).unwrap();
                assert_eq!(member[name], value[name]);
            }
        }
    }
}
