//! The symbols a compile returns: the declarations and uses of the bundled policies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::disallowed_methods,
    reason = "tests may fail loudly and read the bundled policy files"
)]

use datalex_compiler::compile;
use datalex_compiler::symbols::Key;
use datalex_lang::SourceMap;

mod support;

use support::{dlx_under, prelude, root};

fn sources() -> SourceMap {
    let mut sources = SourceMap::new();
    sources.add("stdlib/prelude.dlx", prelude());
    for f in dlx_under(&root().join("policies")) {
        let text = std::fs::read_to_string(&f).unwrap();
        sources.add(f.display().to_string(), text);
    }
    sources
}

#[test]
fn the_policies_uses_resolve_to_declarations() {
    let sources = sources();
    let compiled = compile(&sources);
    let s = &compiled.symbols;
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    for (span, id) in s.uses() {
        let d = s.decl(id).unwrap();
        let kind = match &d.key {
            Key::Package(_) => "package",
            Key::Regulation(_) => "regulation",
            Key::Article { .. } => "article",
            Key::Interpretation(_) => "interpretation",
            Key::Type(_) => "type",
            Key::Field { .. } => "field",
            Key::Member { .. } => "member",
            Key::Fact(_) => "fact",
            Key::Kind(_) => "kind",
            Key::Param { .. } => "param",
            Key::Value { .. } => "value",
            Key::Rule { .. } => "rule",
            Key::ValueException { .. } => "value exception",
            Key::Local(_) => "local",
        };
        *kinds.entry(kind).or_default() += 1;
        // The name used is the name declared (an article's citation has none; `request`
        // stands for its kind's request record).
        let written = sources
            .get(span.file)
            .unwrap()
            .text
            .get(span.start as usize..span.end as usize);
        if written == Some("request") {
            assert!(
                matches!(&d.key, Key::Type(r) if r.ends_with("Request")),
                "`request` at {span:?} refers to {:?}",
                d.key
            );
            continue;
        }
        if !matches!(d.key, Key::Article { .. } | Key::Local(_)) {
            assert_eq!(
                written,
                Some(d.key.name()),
                "{span:?} refers to {:?}",
                d.key
            );
            assert!(d.name.is_some(), "{:?} is used but declared nowhere", d.key);
        }
    }
    for kind in [
        "package",
        "regulation",
        "article",
        "type",
        "field",
        "member",
        "fact",
        "kind",
        "param",
        "value",
        "rule",
        "local",
    ] {
        assert!(
            kinds.get(kind).copied().unwrap_or(0) > 0,
            "no use of a {kind}: {kinds:?}"
        );
    }
    // A use in one package of a declaration in the package it extends.
    let cross = s.uses().any(|(span, id)| {
        let Some(Key::Value { package, .. }) = s.decl(id).map(|d| &d.key) else {
            return false;
        };
        let file = sources.get(span.file).unwrap();
        !file.text.contains(&format!("package {package}"))
    });
    assert!(cross, "no value used from the package a package extends");
    // `override`: a rule replacing one of its base has the same family.
    let replaced = s.decls().find(|(_, d)| d.replaces.is_some());
    let (id, d) = replaced.expect("the policies override something");
    let base = d.replaces.unwrap();
    assert!(s.family(base).contains(&id));
}

#[test]
fn symbols_are_filled_when_the_compile_fails() {
    let mut sources = sources();
    sources.add(
        "broken.dlx",
        "package shandong\n\nvalue broken = no_such_name and 1\n".to_string(),
    );
    let compiled = compile(&sources);
    assert!(compiled.policy.is_none());
    assert!(compiled.symbols.uses().count() > 100);
}

/// `Symbols::at` (a binary search in the names sorted by place) finds what a scan of every
/// use and declaration's name finds: the innermost name at the offset, a use before a
/// declaration's name of the same span.
#[test]
fn the_name_at_an_offset_is_the_innermost_one() {
    let sources = sources();
    let compiled = compile(&sources);
    let s = &compiled.symbols;
    let names: Vec<_> = s
        .decls()
        .flat_map(|(id, d)| d.name.iter().chain(&d.again).map(move |n| (*n, id)))
        .collect();
    let scan = |file: u32, offset: u32| {
        let on = |x: &datalex_lang::Span| x.file == file && x.start <= offset && offset <= x.end;
        s.uses()
            .filter(|(x, _)| on(x))
            .chain(names.iter().copied().filter(|(x, _)| on(x)))
            .min_by_key(|(x, _)| (x.end - x.start, x.start))
            .map(|(x, _)| x)
    };
    let mut checked = 0;
    for (span, _) in s.uses().chain(names.iter().copied()) {
        for offset in [
            span.start,
            (span.start + span.end) / 2,
            span.end,
            span.end + 1,
        ] {
            let found = s.at(span.file, offset).map(|(x, _)| x);
            assert_eq!(found, scan(span.file, offset), "at {span:?} + {offset}");
            assert!(found.is_some() || offset > span.end);
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
    // Before the first name of a file, and in a file with no names: nothing.
    assert_eq!(s.at(u32::MAX, 0), None);
}

/// What a package sees once layered, and the types the compiler gave its names: what the
/// language server's hover and completion read instead of resolving names again.
#[test]
fn packages_see_their_layers_and_names_have_types() {
    use datalex_compiler::symbols::{Namespace, Shape};
    let compiled = compile(&sources());
    let s = &compiled.symbols;
    let key = |id| s.decl(id).map(|d| d.key.clone());
    // A param of the base package, seen from the package that extends it.
    let found = s.visible("binzhou", Namespace::Names, "reply_period");
    assert_eq!(
        found.and_then(key),
        Some(Key::Param {
            package: "shandong".into(),
            name: "reply_period".into()
        })
    );
    let param = s.decl(found.unwrap()).unwrap();
    assert_eq!(param.ty, Some(Shape::Scalar("Duration")));
    // A value's type as declared; a rule in its own namespace, not among names.
    let value = s
        .visible("binzhou", Namespace::Names, "effective_share")
        .and_then(|id| s.decl(id))
        .unwrap();
    assert_eq!(value.ty, Some(Shape::Enum("ShareTier".into())));
    assert!(s
        .visible("binzhou", Namespace::Rules, "effective_share")
        .is_none());
    assert!(!s.in_scope("binzhou", Namespace::Rules).is_empty());
    // A base package does not see what extends it.
    assert!(s
        .visible("shandong", Namespace::Names, "effective_share")
        .is_none());
    // Fields, facts and kinds carry their types; members and fields their documentation.
    let field = s
        .find(&Key::Field {
            record: "Dataset".into(),
            name: "security_level".into(),
        })
        .and_then(|id| s.decl(id))
        .unwrap();
    assert_eq!(field.ty, Some(Shape::Enum("SecurityLevel".into())));
    let kind = s
        .find(&Key::Kind("share".into()))
        .and_then(|id| s.decl(id))
        .unwrap();
    assert_eq!(kind.ty, Some(Shape::Record("ShareRequest".into())));
    let member = s
        .find(&Key::Member {
            ty: "LegalRank".into(),
            name: "law".into(),
        })
        .and_then(|id| s.decl(id))
        .unwrap();
    assert!(member.doc.is_some());
    // The regulation a bare `§` cites, and the package chain.
    assert_eq!(s.own_regulation("binzhou"), Some("binzhou-2023"));
    assert!(s
        .packages()
        .any(|(p, base)| p == "binzhou" && base == Some("shandong")));
}
