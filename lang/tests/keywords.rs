//! The keyword table (`lang/src/keywords.rs`) and the grammar agree: every keyword of the table
//! is read by the rule it names, in both forms, and every word the grammar's keyword rules
//! accept is in the table.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

use datalex_lang::keywords::{KeywordLang, Kw};
use std::collections::{BTreeMap, BTreeSet};

/// Each rule of the grammar with the string literals of its body.
fn rules() -> BTreeMap<String, BTreeSet<String>> {
    let grammar = include_str!("../src/grammar.pest");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current = None;
    for line in grammar.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        if let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                current = Some(name.to_string());
            }
        }
        let Some(rule) = &current else { continue };
        let mut parts = line.split('"');
        parts.next();
        while let Some(lit) = parts.next() {
            out.entry(rule.clone()).or_default().insert(lit.to_string());
            parts.next();
        }
    }
    out
}

/// The rules that read keywords and nothing else, and the literals of their words.
const WORD_RULES: &[&str] = &[
    "effect",
    "severity",
    "part_kind",
    "deadline_status",
    "coverage_status",
    "defect_kind",
    "quant",
    "bool_lit",
    "and_op",
    "or_op",
    "not_op",
    "exists_op",
    "date_unknown",
    "partial",
    "ordered",
    "override_kw",
];

#[test]
fn every_keyword_is_read_by_its_rule_in_both_languages() {
    let rules = rules();
    for &k in Kw::ALL {
        let lits = rules
            .get(k.rule())
            .unwrap_or_else(|| panic!("{k:?}: no rule `{}` in grammar.pest", k.rule()));
        for word in k.en().split(' ') {
            assert!(lits.contains(word), "{k:?}: `{}` lacks `{word}`", k.rule());
        }
        if k.is_ordinal() {
            // `第…条`: the ordinal rule reads 第, a number and the suffix.
            let suffix = datalex_lang::keywords::ordinal_suffix(k);
            let zh_rule = rules
                .iter()
                .find(|(name, l)| name.starts_with("zh_") && l.contains("第") && l.contains(suffix))
                .unwrap_or_else(|| panic!("{k:?}: no ordinal rule for 第…{suffix}"));
            assert!(zh_rule.1.contains(suffix));
        } else {
            assert!(
                lits.contains(k.zh()),
                "{k:?}: `{}` lacks `{}`",
                k.rule(),
                k.zh()
            );
        }
    }
}

#[test]
fn every_word_of_a_keyword_rule_is_in_the_table() {
    let words: BTreeSet<&str> = Kw::ALL
        .iter()
        .flat_map(|k| k.en().split(' ').chain([k.zh()]))
        .collect();
    for (name, lits) in rules() {
        if name == "kw_sp" || !(name.starts_with("kw_") || WORD_RULES.contains(&name.as_str())) {
            continue;
        }
        for lit in lits {
            assert!(
                words.contains(lit.as_str()),
                "`{lit}` of `{name}` is not in the table"
            );
        }
    }
}

#[test]
fn reserved_words_are_reserved_in_both_languages() {
    // The grammar's `reserved` rule: the words that cannot be names. Each English one that is a
    // keyword of the table has its Chinese form reserved too.
    let rules = rules();
    let reserved = &rules["reserved"];
    for &k in Kw::ALL {
        let en_reserved = k.en().split(' ').all(|w| reserved.contains(w));
        // `missing` and `met` are reserved for `is missing` and `met by`, whose Chinese forms
        // (缺失, 履行于) are; the regulation's `missing` and a deadline's status `met` are not
        // where a name could stand.
        let phrase_only = matches!(k, Kw::MissingArticles | Kw::Met);
        if en_reserved && !k.is_ordinal() && !phrase_only {
            assert!(
                reserved.contains(k.zh()),
                "{k:?}: `{}` is reserved, `{}` is not",
                k.en(),
                k.zh()
            );
        }
    }
}

#[test]
fn the_language_of_a_keyword_is_its_script() {
    for &k in Kw::ALL {
        assert_eq!(KeywordLang::of_word(k.zh()), KeywordLang::Zh);
        assert_eq!(KeywordLang::of_word(k.en()), KeywordLang::En);
    }
}
