//! Reading a request's JSON text strictly: as `serde_json` reads it, except that a member named
//! twice in one object is recorded rather than silently replaced by its last value.
//!
//! RFC 8259 (§4) leaves the meaning of an object whose names are not unique to the reader, and
//! readers differ: one takes the first value, another the last. A gateway that checks
//! `"requester":"a"` and a decision point that decides `"requester":"b"` of the same text would
//! disagree about what was asked, so such a request is not of the contract's shape and is refused
//! naming the member (as Cedar refuses duplicate keys in records and contexts, and I-JSON,
//! RFC 7493 §2.3, forbids them). The reader records every member named again, with its path, and
//! leaves the answer to the caller: the service refuses a request (or a batch item) with one, the
//! command line refuses the line.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};
use std::cell::{Cell, RefCell};
use std::fmt;

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A member of an object, by name.
    Member(String),
    /// An element of an array, by index.
    Index(usize),
}

/// Where a member is in a JSON value: `requester`, `requester.type`, `requests[2].dataset`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Step>);

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Member(name) if i == 0 => f.write_str(name)?,
                Step::Member(name) => write!(f, ".{name}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A JSON text read: its value (where a member is named twice, with the last value, as
/// `serde_json` reads it) and the path of every member named again in its object, in the order
/// of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// The value.
    pub value: Value,
    /// The members named more than once in their object, each once per repetition, at most
    /// [`MAX_REPEATED`].
    pub repeated: Vec<Path>,
    /// Whether the text names members twice more often than [`MAX_REPEATED`] (the rest are not
    /// listed, so a caller that refuses only part of the text must refuse all of it).
    pub more: bool,
}

impl Read {
    /// The value, if the text names no member twice; else the request error naming the first
    /// member it names again (what a caller reading one request answers).
    pub fn unambiguous(self) -> Result<Value, crate::request::RequestError> {
        match self.repeated.first() {
            Some(path) => Err(crate::request::RequestError::repeated(path)),
            None => Ok(self.value),
        }
    }
}

/// The most repeated members a [`Read`] lists: more than a batch has requests, so that each
/// request's first one can be listed; far fewer than a body can hold, so that a text of nothing
/// but repeats does not become a list many times its size.
pub const MAX_REPEATED: usize = 1_024;

/// Reads `text` as one JSON value: `serde_json`'s syntax, numbers and nesting limit, and its
/// errors (with line and column), and the members named twice ([`Read::repeated`]).
pub fn read(text: &str) -> serde_json::Result<Read> {
    let state = State::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict { state: &state }.deserialize(&mut de)?;
    de.end()?;
    let repeated = state
        .repeated
        .into_inner()
        .into_iter()
        .map(|mut steps| {
            steps.reverse();
            Path(steps)
        })
        .collect();
    Ok(Read {
        value,
        repeated,
        more: state.more.get(),
    })
}

/// The members found named twice so far, each path built from the member outwards as the
/// reader comes back up (so that a request without any costs nothing per member).
#[derive(Default)]
struct State {
    repeated: RefCell<Vec<Vec<Step>>>,
    /// More than [`MAX_REPEATED`] were found.
    more: Cell<bool>,
}

impl State {
    /// How many have been found.
    fn found(&self) -> usize {
        self.repeated.borrow().len()
    }

    /// A member named again in the object being read.
    fn again(&self, name: &str) {
        let mut repeated = self.repeated.borrow_mut();
        if repeated.len() < MAX_REPEATED {
            repeated.push(vec![Step::Member(name.to_owned())]);
        } else {
            self.more.set(true);
        }
    }

    /// The ones found since `before` were found below `step`.
    fn below(&self, before: usize, step: impl Fn() -> Step) {
        let mut repeated = self.repeated.borrow_mut();
        for path in repeated.iter_mut().skip(before) {
            path.push(step());
        }
    }
}

/// A seed that reads one JSON value strictly.
#[derive(Clone, Copy)]
struct Strict<'s> {
    state: &'s State,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        // serde_json never gives a non-finite number; `Null` is what its own `Value` makes of one.
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let before = self.state.found();
            let Some(item) = seq.next_element_seed(self)? else {
                return Ok(Value::Array(items));
            };
            self.state.below(before, || Step::Index(items.len()));
            items.push(item);
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let before = self.state.found();
            let value = map.next_value_seed(self)?;
            self.state.below(before, || Step::Member(name.clone()));
            match members.entry(name) {
                Entry::Vacant(vacant) => {
                    vacant.insert(value);
                }
                // The last value stays, as `serde_json` reads it; the caller refuses the text.
                Entry::Occupied(mut occupied) => {
                    self.state.again(occupied.key());
                    occupied.insert(value);
                }
            }
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repeated(text: &str) -> Vec<String> {
        read(text)
            .unwrap()
            .repeated
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_member_named_twice_is_found_with_its_path() {
        assert_eq!(
            repeated(r#"{"kind":"share","requester":"a","requester":"b"}"#),
            ["requester"]
        );
        assert_eq!(
            repeated(r#"{"requester":{"type":"citizen","type":"organization","id":"x"}}"#),
            ["requester.type"]
        );
        assert_eq!(
            repeated(r#"{"requests":[{"kind":"share"},{"dataset":"a","dataset":"a"}]}"#),
            ["requests[1].dataset"]
        );
        assert_eq!(repeated(r#"{"a":1,"a":2,"a":3}"#), ["a", "a"]);
        assert_eq!(
            repeated(r#"{"r":[0,{"a":[{"b":1,"b":2}],"c":{"d":{"e":0,"e":1}}}],"r":1}"#),
            ["r[1].a[0].b", "r[1].c.d.e", "r"]
        );
        assert!(repeated(r#"{"a":{"b":1},"b":{"a":1},"c":[{"a":1},{"a":1}]}"#).is_empty());
    }

    #[test]
    fn the_list_of_repeats_is_bounded_and_says_so() {
        let many = format!("{{{}}}", vec![r#""a":1"#; MAX_REPEATED + 10].join(","));
        let read = read(&many).unwrap();
        assert_eq!(read.repeated.len(), MAX_REPEATED);
        assert!(read.more);
        let few = format!("{{{}}}", vec![r#""a":1"#; MAX_REPEATED + 1].join(","));
        assert!(!super::read(&few).unwrap().more);
    }

    #[test]
    fn values_read_as_serde_json_reads_them() {
        for text in [
            r#"{"kind":"share","at":"2026-03-02","n":-12,"u":18446744073709551615,"f":1.5e3}"#,
            r#"[null,true,false,"\u4e2d\ud83d\ude00",[],{},[[1]],{"a":{"b":[{"c":null}]}}]"#,
            r#"{"a":1,"a":2}"#,
            "  7  ",
        ] {
            let ours = read(text).unwrap().value;
            let theirs: Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn bad_text_is_serde_jsons_error() {
        let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        for text in ["", "{", r#"{"a":1,}"#, "[1] [2]", r#""\ud800""#, &nested] {
            let ours = read(text).unwrap_err();
            let theirs = serde_json::from_str::<Value>(text).unwrap_err();
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
    }

    #[test]
    fn a_path_reads_as_the_service_names_fields() {
        let path = Path(vec![
            Step::Member("requests".into()),
            Step::Index(3),
            Step::Member("requester".into()),
            Step::Member("type".into()),
        ]);
        assert_eq!(path.to_string(), "requests[3].requester.type");
        assert_eq!(Path(vec![Step::Index(0)]).to_string(), "[0]");
    }
}
