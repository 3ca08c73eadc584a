//! The words a trace is rendered in, and where they go.
//!
//! A step of a trace is rendered from the compiled plan: the rule's name, its condition as
//! written, the names and conditions of value exceptions, the labels of citations; and from the
//! decision's own operands. Rendered as a decision's JSON, every one of these texts is escaped as
//! a JSON string. The plan's texts are the same in every decision, so they are escaped once, when
//! a jurisdiction is bound ([`Words::of`]), and only the operands are escaped per decision. The
//! JSON is byte for byte the same: escaping a string is escaping its pieces one after the other.

use super::json::escape_into;
use datalex_compiler::ir::{ArenaMap, BranchId, KindPlan, RuleId, ValueId};

/// The texts of a plan a trace shows, escaped for a JSON string (without quotes).
#[derive(Debug)]
pub(crate) struct Words {
    rules: ArenaMap<RuleId, RuleWords>,
    values: ArenaMap<ValueId, ValueWords>,
}

/// A rule's texts, escaped.
#[derive(Debug)]
pub(super) struct RuleWords {
    pub(super) name: Box<str>,
    pub(super) when: Box<str>,
    /// Each top-level part of the condition: as written, and its subjects as written.
    pub(super) conjuncts: Vec<(Box<str>, Vec<Box<str>>)>,
    /// The label of each citation.
    pub(super) cites: Vec<Box<str>>,
}

/// A derived value's texts, escaped.
#[derive(Debug)]
pub(super) struct ValueWords {
    pub(super) name: Box<str>,
    /// Each exception's name and condition as written.
    pub(super) exceptions: ArenaMap<BranchId, (Box<str>, Box<str>)>,
}

impl Words {
    /// The texts of `plan` a trace shows, escaped.
    pub(crate) fn of(plan: &KindPlan) -> Words {
        let rules = plan
            .rules()
            .map(|(id, r)| {
                let words = RuleWords {
                    name: escaped(&r.name),
                    when: escaped(&r.when_source),
                    conjuncts: r
                        .conjuncts
                        .iter()
                        .map(|c| {
                            let subjects = c.subjects.iter().map(|(s, _)| escaped(s)).collect();
                            (escaped(&c.source), subjects)
                        })
                        .collect(),
                    cites: r.cites.iter().map(|c| escaped(&c.label)).collect(),
                };
                (id, words)
            })
            .collect();
        let values = plan
            .values()
            .map(|(id, v)| {
                let words = ValueWords {
                    name: escaped(&v.name),
                    exceptions: v
                        .exceptions
                        .iter()
                        .map(|(b, e)| (b, (escaped(&e.name), escaped(&e.when_source))))
                        .collect(),
                };
                (id, words)
            })
            .collect();
        Words { rules, values }
    }

    pub(super) fn rule(&self, id: RuleId) -> Option<&RuleWords> {
        self.rules.get(id)
    }

    pub(super) fn value(&self, id: ValueId) -> Option<&ValueWords> {
        self.values.get(id)
    }
}

/// `s` escaped for a JSON string, without the quotes.
fn escaped(s: &str) -> Box<str> {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out.into_boxed_str()
}

/// Where the words of a step are written: a plain text ([`String`]), or the inside of a JSON
/// string ([`JsonText`]).
pub(super) trait Sink {
    /// A text of the plan: as written, and escaped for a JSON string if it was escaped when
    /// the jurisdiction was bound.
    fn plan(&mut self, plain: &str, escaped: Option<&str>);
    /// The trace's own words (`when `, ` ✔`, ` and `, …): nothing in them is escaped.
    fn word(&mut self, word: &str);
    /// A text of this decision: an operand, a date.
    fn text(&mut self, text: &str);
}

impl Sink for String {
    fn plan(&mut self, plain: &str, _: Option<&str>) {
        self.push_str(plain);
    }

    fn word(&mut self, word: &str) {
        self.push_str(word);
    }

    fn text(&mut self, text: &str) {
        self.push_str(text);
    }
}

/// The inside of a JSON string being written into a decision's JSON.
pub(super) struct JsonText<'o>(pub(super) &'o mut String);

impl Sink for JsonText<'_> {
    fn plan(&mut self, plain: &str, escaped: Option<&str>) {
        match escaped {
            Some(e) => self.0.push_str(e),
            None => escape_into(self.0, plain),
        }
    }

    fn word(&mut self, word: &str) {
        debug_assert!(
            !word.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\'),
            "the trace's word {word:?} holds what a JSON string escapes"
        );
        self.0.push_str(word);
    }

    fn text(&mut self, text: &str) {
        escape_into(self.0, text);
    }
}
