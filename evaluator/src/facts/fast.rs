//! The fast reading of fact files: plain `serde_json` straight into the contract's types.
//!
//! The derived `Deserialize` of the contract's types keeps the fields beyond the contract
//! (`#[serde(flatten)] extra`), and serde reads a flattened struct through a buffered tree of
//! every entry's keys and values before it fills the fields. These visitors fill the fields as
//! the keys come and put only the other keys' values in `extra`. They are strict: whatever
//! they do not expect (a key given twice, an entry that is not an object) is refused, and the
//! caller then reads the text again with the derived types, whose answer (the error naming the
//! field, or the entries) is the one given. So a text either reads the same both ways, or is
//! read the slow way; the tests below hold the two readings to that.

use super::{Dataset, Developer, Emergency, Institution, LegalBasis, Product, ShareConditions};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A contract type read the fast way.
pub struct Fast<T>(pub T);

/// A JSON array of a contract type `T` read the fast way, each element kept as an `E`: the
/// `T` itself, or (a fact file's top-level array, `crate::facts::Entries`) an `Arc<T>`, made
/// as each entry is read rather than from a finished `Vec<T>`.
pub struct List<T, E = T>(pub Vec<E>, PhantomData<fn() -> T>);

impl<'de, T, E> Deserialize<'de> for List<T, E>
where
    Fast<T>: Deserialize<'de>,
    E: From<T>,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T, E>(PhantomData<fn() -> (T, E)>);
        impl<'de, T, E> Visitor<'de> for V<T, E>
        where
            Fast<T>: Deserialize<'de>,
            E: From<T>,
        {
            type Value = List<T, E>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T, E>, A::Error> {
                let mut out = Vec::new();
                while let Some(Fast(x)) = seq.next_element::<Fast<T>>()? {
                    out.push(E::from(x));
                }
                Ok(List(exact(out), PhantomData))
            }
        }
        d.deserialize_seq(V(PhantomData))
    }
}

/// A JSON array of plain values (the lists of ids and names in the entries), in a vector of
/// exactly its length ([`exact`]).
pub struct Exact<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Exact<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(d).map(|v| Exact(exact(v)))
    }
}

/// `v` in an allocation of exactly its length. A vector read from JSON grows as its elements
/// come (`serde_json` does not know an array's length before it ends): 4 places for one
/// element, and `shrink_to_fit` may leave the block where it is (mimalloc keeps a block that
/// is shrunk by less than half). The entries are kept from one reload to the next (shared, not
/// copied), so this slack would stay for good, where the copies that reloads made before
/// (`Clone` allocates exactly) did not have it.
fn exact<T>(mut v: Vec<T>) -> Vec<T> {
    if v.capacity() == v.len() {
        return v;
    }
    let mut out = Vec::with_capacity(v.len());
    out.append(&mut v);
    out
}

/// A key of an object, borrowed from the text where it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// What a field becomes when its key is absent: an error (`required`) or its type's default
/// (`default`: `None`, an empty list, `false`), as the derived types have it.
macro_rules! absent {
    (required, $name:expr) => {
        return Err(de::Error::missing_field($name))
    };
    (default, $name:expr) => {
        Default::default()
    };
}

/// The fast visitor of one contract type: each field with the type it is read as, how that
/// becomes the field's type, and what an absent key gives.
macro_rules! fast {
    ($ty:ident { $($field:ident: $read:ty => $conv:expr, $absent:ident;)* }) => {
        impl<'de> Deserialize<'de> for Fast<$ty> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Fast<$ty>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("struct ", stringify!($ty)))
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fast<$ty>, A::Error> {
                        $(let mut $field: Option<$read> = None;)*
                        let mut extra = crate::value::Extra::new();
                        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                            match key.as_ref() {
                                $(stringify!($field) => {
                                    if $field.is_some() {
                                        return Err(de::Error::duplicate_field(stringify!($field)));
                                    }
                                    $field = Some(map.next_value::<$read>()?);
                                })*
                                _ => {
                                    let key = key.into_owned();
                                    if extra.contains_key(&key) {
                                        return Err(de::Error::custom("a key given twice"));
                                    }
                                    let value = map.next_value()?;
                                    extra.insert(key, value);
                                }
                            }
                        }
                        Ok(Fast($ty {
                            $($field: match $field {
                                Some(v) => ($conv)(v),
                                None => absent!($absent, stringify!($field)),
                            },)*
                            extra,
                        }))
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

fn same<T>(v: T) -> T {
    v
}

fn inner<T>(v: Option<Fast<T>>) -> Option<T> {
    v.map(|f| f.0)
}

fn list<T>(v: List<T>) -> Vec<T> {
    v.0
}

fn texts(v: Exact<String>) -> Vec<String> {
    v.0
}

fn opt_texts(v: Option<Exact<String>>) -> Option<Vec<String>> {
    v.map(|v| v.0)
}

fast!(Institution {
    id: String => same, required;
    name: String => same, required;
    kind: super::InstitutionKind => same, required;
    level: super::AdminLevel => same, required;
    duties: Exact<String> => texts, default;
    big_data_authority: bool => same, default;
    region: Option<String> => same, default;
});

fast!(ShareConditions {
    institutions: Option<Exact<String>> => opt_texts, default;
    scenarios: Option<Exact<String>> => opt_texts, default;
});

fast!(LegalBasis {
    title: String => same, required;
    rank: super::LegalRank => same, required;
    article: Option<String> => same, default;
});

fast!(Dataset {
    id: String => same, required;
    name: String => same, required;
    provider: String => same, required;
    share: super::ShareTier => same, required;
    share_conditions: Option<Fast<ShareConditions>> => inner, default;
    open: super::OpenTier => same, required;
    security_level: Option<super::SecurityLevel> => same, default;
    categories: Exact<String> => texts, default;
    legal_basis: List<LegalBasis> => list, default;
    key_identifiers: Exact<String> => texts, default;
    last_evaluated: Option<super::Date> => same, default;
    openable_after_desensitization: Option<bool> => same, default;
    quality_failures: Exact<String> => texts, default;
    lists: Option<Exact<String>> => opt_texts, default;
    off_platform_basis: List<LegalBasis> => list, default;
    open_restriction_basis: List<LegalBasis> => list, default;
});

fast!(Emergency {
    id: String => same, required;
    title: String => same, required;
    declared_by: Option<String> => same, default;
    start: super::Date => same, required;
    end: super::Date => same, required;
    datasets: Exact<String> => texts, default;
    categories: Exact<String> => texts, default;
    responders: Exact<String> => texts, default;
    scenario: Option<String> => same, default;
});

fast!(Developer {
    id: String => same, required;
    name: String => same, required;
    qualified: bool => same, default;
});

fast!(Product {
    id: String => same, required;
    name: String => same, required;
    developer: String => same, required;
});

#[cfg(test)]
mod tests {
    //! The fast reading against the derived types: on the example facts, on hand-made edge
    //! cases and on thousands of deterministic mutations of the examples, whatever the fast
    //! reading accepts, the derived types read the same (compared by their `Debug` form).
    use super::super::{parse, parse_naming_the_field};
    use super::List;
    use std::fmt::Debug;

    /// The fast reading alone, and the slow one, of `text` as `T`s: if the fast one accepts,
    /// the slow one must too, with the same entries; and [`parse`] (fast, then slow) always
    /// answers as the slow one does.
    fn agree<T>(file: &str, text: &str) -> bool
    where
        T: serde::de::DeserializeOwned + Debug,
        super::Fast<T>: serde::de::DeserializeOwned,
    {
        let slow = parse_naming_the_field::<T>(file, text);
        let both = parse::<T>(file, text);
        assert_eq!(format!("{both:?}"), format!("{slow:?}"), "{file}: {text}");
        match serde_json::from_str::<List<T>>(text) {
            Ok(fast) => {
                assert_eq!(
                    format!("{:?}", Ok::<_, ()>(fast.0)),
                    format!("{:?}", slow.map_err(|_| ())),
                    "{file}: the fast reading accepted what the derived types read otherwise: {text}"
                );
                true
            }
            Err(_) => false,
        }
    }

    fn check(file: &str, text: &str) -> bool {
        use super::super::{Dataset, Developer, Emergency, Institution, Product};
        match file {
            "catalog.json" => agree::<Dataset>(file, text),
            "institutions.json" => agree::<Institution>(file, text),
            "emergencies.json" => agree::<Emergency>(file, text),
            "developers.json" => agree::<Developer>(file, text),
            _ => agree::<Product>(file, text),
        }
    }

    /// The example facts of `data/` (embedded: the crate does no IO, its tests neither).
    fn examples() -> Vec<(&'static str, String)> {
        vec![
            (
                "catalog.json",
                include_str!("../../../data/binzhou/catalog.json").to_string(),
            ),
            (
                "institutions.json",
                include_str!("../../../data/binzhou/institutions.json").to_string(),
            ),
            (
                "emergencies.json",
                include_str!("../../../data/binzhou/emergencies.json").to_string(),
            ),
            (
                "developers.json",
                include_str!("../../../data/binzhou/developers.json").to_string(),
            ),
            (
                "catalog.json",
                include_str!("../../../data/jinan/catalog.json").to_string(),
            ),
            (
                "institutions.json",
                include_str!("../../../data/jinan/institutions.json").to_string(),
            ),
            (
                "emergencies.json",
                include_str!("../../../data/jinan/emergencies.json").to_string(),
            ),
            (
                "catalog.json",
                include_str!("../../../data/linyi/catalog.json").to_string(),
            ),
            (
                "institutions.json",
                include_str!("../../../data/linyi/institutions.json").to_string(),
            ),
            (
                "developers.json",
                include_str!("../../../data/linyi/developers.json").to_string(),
            ),
            (
                "products.json",
                include_str!("../../../data/linyi/products.json").to_string(),
            ),
            (
                "catalog.json",
                include_str!("../../../data/qingdao/catalog.json").to_string(),
            ),
            (
                "institutions.json",
                include_str!("../../../data/qingdao/institutions.json").to_string(),
            ),
            (
                "catalog.json",
                include_str!("../../../data/shandong/catalog.json").to_string(),
            ),
            (
                "institutions.json",
                include_str!("../../../data/shandong/institutions.json").to_string(),
            ),
            (
                "catalog.json",
                include_str!("../../../data/zunyi/catalog.json").to_string(),
            ),
            (
                "institutions.json",
                include_str!("../../../data/zunyi/institutions.json").to_string(),
            ),
            (
                "developers.json",
                include_str!("../../../data/zunyi/developers.json").to_string(),
            ),
            (
                "products.json",
                include_str!("../../../data/zunyi/products.json").to_string(),
            ),
        ]
    }

    #[test]
    fn the_examples_read_the_same_and_fast() {
        for (name, text) in examples() {
            assert!(
                check(name, &text),
                "{name}: the fast reading refused an example"
            );
        }
    }

    #[test]
    fn edge_cases_read_the_same() {
        let d = r#""id": "a", "name": "n", "provider": "p", "share": "conditional", "open": "not_open""#;
        let cases = [
            format!("[{{{d}}}]"),
            format!("[{{{d}, \"id\": \"b\"}}]"),
            format!("[{{{d}, \"x\": 1, \"x\": 2}}]"),
            format!("[{{{d}, \"x\": {{\"y\": [1, 2.5, null, true, \"\\u00e9\"]}}}}]"),
            format!("[{{{d}, \"\\u0069d2\": 1}}]"),
            format!("[{{{d}, \"share_conditions\": null}}]"),
            format!("[{{{d}, \"share_conditions\": {{\"institutions\": null, \"z\": 1}}}}]"),
            format!("[{{{d}, \"categories\": null}}]"),
            format!(
                "[{{{d}, \"legal_basis\": [{{\"title\": \"t\", \"rank\": \"law\", \"q\": 1}}]}}]"
            ),
            format!("[{{{d}, \"legal_basis\": [[\"t\", \"law\"]]}}]"),
            format!("[{{{d}, \"security_level\": {{\"core\": null}}}}]"),
            format!("[{{{d}, \"last_evaluated\": \"2025-02-30\"}}]"),
            format!("[{{{d}, \"last_evaluated\": \"2025-06-30T08:00:00+08:00\"}}]"),
            format!("[{{{d}, \"openable_after_desensitization\": 1}}]"),
            "[[\"a\", \"n\", \"p\", \"conditional\", null, \"not_open\"]]".to_string(),
            "[{\"id\": \"a\"}]".to_string(),
            "{}".to_string(),
            "null".to_string(),
            "[] x".to_string(),
            "[]".to_string(),
        ];
        for c in &cases {
            check("catalog.json", c);
        }
        for c in [
            r#"[{"id": "i", "name": "n", "kind": "government", "level": "city", "big_data_authority": null}]"#,
            r#"[{"id": "i", "name": "n", "kind": "government", "level": "city", "region": 3}]"#,
            r#"[{"id": "i", "name": "n", "kind": "ministry", "level": "city"}]"#,
        ] {
            check("institutions.json", c);
        }
        check(
            "emergencies.json",
            r#"[{"id": "e", "title": "t", "start": "2026-01-02", "end": "2026-01-01"}]"#,
        );
        check(
            "developers.json",
            r#"[{"id": "d", "name": "n", "qualified": "yes"}]"#,
        );
        check("products.json", r#"[{"id": "p", "name": "n"}]"#);
    }

    /// SplitMix64.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) % n.max(1) as u64) as usize
        }
    }

    #[test]
    fn mutated_examples_read_the_same() {
        const PIECES: [&str; 14] = [
            "null",
            "1",
            "-2.5e3",
            "true",
            "\"\"",
            "\"x\"",
            "[]",
            "{}",
            "\"id\": \"dup\", ",
            "\"share\": \"open\", ",
            "\"conditional\"",
            ",",
            "\"2025-06-31\"",
            "\"extra\": [1], ",
        ];
        let mut rng = Rng(20);
        let mut accepted = 0;
        for (name, text) in examples() {
            let lines: Vec<&str> = text.lines().collect();
            for _ in 0..150 {
                let mut ls: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                let at = rng.below(ls.len());
                match rng.below(4) {
                    // Duplicate a line (a key twice, an entry twice).
                    0 => {
                        let l = ls[at].clone();
                        ls.insert(at, l);
                    }
                    // Drop a line (a key missing, a comma missing).
                    1 => {
                        ls.remove(at);
                    }
                    // Replace a value.
                    2 => {
                        if let Some((key, _)) = ls[at].clone().split_once(": ") {
                            let piece = PIECES[rng.below(PIECES.len())];
                            let comma = if ls[at].ends_with(',') { "," } else { "" };
                            ls[at] = format!("{key}: {piece}{comma}");
                        }
                    }
                    // Insert a piece at the start of a line.
                    _ => {
                        let piece = PIECES[rng.below(PIECES.len())];
                        ls[at] = format!("{piece}{}", ls[at]);
                    }
                }
                if check(name, &ls.join("\n")) {
                    accepted += 1;
                }
            }
        }
        assert!(
            accepted > 100,
            "only {accepted} mutants read by the fast path"
        );
    }
}
