//! Chinese keywords: every bundled policy file converted to Chinese keywords and back is the same
//! file, both forms compile to the same policy (spans and source hash aside), Chinese citations
//! name what the compiler says they name, and a file that mixes keyword languages is E0005.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use datalex_i18n::Lang;
use datalex_lang::keywords::KeywordLang;
use datalex_lang::{Code, SourceMap};
use std::collections::BTreeMap;
use std::path::Path;

/// Every `.dlx` file under `dir`, by path relative to it.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let found = datalex_files::policy_files(&[dir.to_path_buf()]).unwrap();
    found
        .files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read_to_string(f).unwrap())
        })
        .collect()
}

/// `datalex fmt --keywords LANG` on `policies` and `stdlib` of a scratch project.
fn convert(dir: &Path, lang: &str) {
    for what in ["policies", "stdlib"] {
        let out = common::run_in(dir, &["fmt", "--keywords", lang, what], "");
        assert!(
            out.status.success(),
            "fmt --keywords {lang} {what}: {}{}",
            common::stdout(&out),
            common::stderr(&out)
        );
    }
}

/// A scratch project with the bundled policies and prelude.
fn scratch() -> tempfile::TempDir {
    let dir = common::scratch_policies();
    common::copy_dir(&common::root().join("stdlib"), &dir.path().join("stdlib"));
    dir
}

/// The compiled policy set of the prelude and `policies`, spans and source hash removed.
fn compiled(prelude: &str, policies: &BTreeMap<String, String>) -> String {
    let mut sources = SourceMap::new();
    sources.add("stdlib/prelude.dlx".to_string(), prelude.to_string());
    for (name, text) in policies {
        sources.add(format!("policies/{name}"), text.clone());
    }
    let compiled = datalex_compiler::compile(&sources);
    let errors: Vec<_> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == datalex_lang::Severity::Error)
        .map(|d| format!("{} {}", d.code, d.text(Lang::En)))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let policy = compiled.policy.expect("a policy set");
    // The graph's node index is a hash map, printed in no fixed order: its graph is enough.
    let text = format!(
        "{:?}\n{:?}\n{:?}\n{:?}",
        policy.program, policy.graph.graph, policy.tests, policy.coverage
    );
    without(&without(&text, "Span { file: ", " }"), "hash: \"", "\"")
}

/// `text` with every run from `open` to the next `close` taken out.
fn without(text: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        let after = &rest[i + open.len()..];
        let j = after.find(close).expect("closed");
        rest = &after[j + close.len()..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_bundled_file_converts_to_chinese_and_back_unchanged_and_compiles_the_same() {
    let root = common::root();
    let english = files(&root.join("policies"));
    let prelude = std::fs::read_to_string(root.join("stdlib/prelude.dlx")).unwrap();
    let dir = scratch();

    convert(dir.path(), "zh");
    let chinese = files(&dir.path().join("policies"));
    let chinese_prelude = std::fs::read_to_string(dir.path().join("stdlib/prelude.dlx")).unwrap();
    assert_eq!(english.len(), chinese.len());
    // Converted, not left alone: each file's keywords are Chinese, and the citations of a law
    // are written the Chinese way, an item of a one-paragraph article as 第…条第…项.
    for (name, text) in chinese
        .iter()
        .chain([(&"prelude".to_string(), &chinese_prelude)])
    {
        let (_, diags, lang) = datalex_lang::parser::parse_with_keywords(0, text);
        assert!(diags.is_empty(), "{name}: {diags:#?}");
        assert_eq!(lang, Some(KeywordLang::Zh), "{name}");
    }
    let sharing = &chinese["binzhou/sharing.dlx"];
    assert!(
        sharing.contains("政策包 binzhou 继承 shandong"),
        "{sharing}"
    );
    assert!(sharing.contains("依据 第四十五条第三项"), "{sharing}");
    assert!(sharing.contains("第二十条第二款第二项"), "{sharing}");
    assert!(chinese["binzhou/measures.dlx"].contains("  第二十条 {"));

    let (en, zh) = (
        compiled(&prelude, &english),
        compiled(&chinese_prelude, &chinese),
    );
    if let Some(at) = en.bytes().zip(zh.bytes()).position(|(a, b)| a != b) {
        let from = en.floor_char_boundary(at.saturating_sub(300));
        panic!(
            "the Chinese form compiles to another policy:\nEN …{}\nZH …{}",
            &en[from..en.ceil_char_boundary(at + 200).min(en.len())],
            &zh[from..zh.ceil_char_boundary(at + 200).min(zh.len())]
        );
    }
    assert_eq!(en.len(), zh.len());

    // Back to English: the files written in English are as they were; then the files written
    // in Chinese (a package is, as the example) converted to Chinese again are as they were.
    let written_in = |text: &str| datalex_lang::parser::parse_with_keywords(0, text).2;
    convert(dir.path(), "en");
    let back = files(&dir.path().join("policies"));
    for (name, text) in &english {
        match written_in(text) {
            Some(KeywordLang::Zh) => {
                assert_eq!(written_in(&back[name]), Some(KeywordLang::En), "{name}")
            }
            _ => assert!(back[name] == *text, "{name} changed on the way back"),
        }
    }
    convert(dir.path(), "zh");
    let again = files(&dir.path().join("policies"));
    for (name, text) in &english {
        if written_in(text) == Some(KeywordLang::Zh) {
            assert!(
                again[name] == *text,
                "{name} changed on the way back to Chinese"
            );
        }
    }
    convert(dir.path(), "en");
    let prelude_back = std::fs::read_to_string(dir.path().join("stdlib/prelude.dlx")).unwrap();
    // The package written in Chinese (qingdao) compiles to the same policy as its English form.
    assert!(
        compiled(&prelude_back, &files(&dir.path().join("policies"))) == en,
        "the all-English form compiles to another policy"
    );
    assert!(
        prelude_back == prelude,
        "the prelude changed on the way back"
    );
}

#[test]
fn fmt_without_keywords_keeps_a_files_language() {
    let dir = tempfile::tempdir().unwrap();
    let text = "政策包 p\n\n参数 答复期限 = 10 工作日 依据 第二十条第二款\n";
    let file = dir.path().join("p.dlx");
    std::fs::write(&file, text).unwrap();
    let out = common::run_in(dir.path(), &["fmt", "p.dlx"], "");
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    let out = common::run_in(dir.path(), &["fmt", "--keywords", "en", "p.dlx"], "");
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "package p\n\nparam 答复期限 = 10 working days cites §20.2\n"
    );
}

/// A package with a one-paragraph article with items (45) and an article of two paragraphs (20).
const REGULATION: &str = r#"package demo

regulation demo-2024 "示例办法" {
  rank rule
  article 2 "没有规则准许的,不予共享。"
  article 20 {
    para 1 "公共数据按照共享属性分类。"
    para 2 "分为下列三类:" {
      item 1 "无条件共享类;"
      item 2 "有条件共享类;"
    }
  }
  article 45 "有下列行为之一的,依法处理:" {
    item 1 "未编制目录的;"
    item 2 "擅自扩大用途的;"
    item 3 "超出范围使用的。"
  }
}

otherwise on share cites §2
  => deny no_applicable_rule "没有规则准许该申请。"
"#;

/// The diagnostics of `REGULATION` with a guard citing `cite`.
fn check_cite(cite: &str) -> Vec<(Code, String)> {
    let mut sources = SourceMap::new();
    let prelude = std::fs::read_to_string(common::root().join("stdlib/prelude.dlx")).unwrap();
    sources.add("prelude.dlx".to_string(), prelude);
    sources.add(
        "demo.dlx".to_string(),
        format!(
            "{REGULATION}\nguard g on share cites {cite}\n  when request.scenario not in requester.duties\n  => deny g \"不在职责范围内。\"\n"
        ),
    );
    let compiled = datalex_compiler::compile(&sources);
    compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == datalex_lang::Severity::Error)
        .map(|d| (d.code, d.text(Lang::En)))
        .collect()
}

#[test]
fn chinese_citations_name_what_they_say() {
    for ok in [
        "§45.3",
        "第四十五条第三项",
        "第45条第3项",
        "§20.2",
        "第二十条第二款",
        "第二十条第二款第二项",
        "§20.2.2",
        "第二十条",
        "demo-2024 第二十条第一款",
    ] {
        assert_eq!(check_cite(ok), Vec::new(), "{ok}");
    }
    // An item without its paragraph is an item of a one-paragraph article only; a paragraph
    // of a one-paragraph article is not written 第…款.
    for wrong in ["第二十条第二项", "第四十五条第三款", "第四十五条第一款"] {
        let diags = check_cite(wrong);
        assert!(
            diags.iter().any(|(c, _)| *c == Code::E0104),
            "{wrong}: {diags:?}"
        );
    }
}

#[test]
fn a_malformed_numeral_is_an_error_not_another_number() {
    let (_, diags) = datalex_lang::parse(0, "政策包 p\n参数 a = 1 依据 第十十条\n");
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, Code::E0001);
    let message = diags[0].text(Lang::En);
    assert!(message.contains("十十"), "{message}");
}

#[test]
fn mixing_keyword_languages_is_e0005_at_the_first_keyword_of_the_other() {
    let text =
        "package p\n\nparam a = 1 cites §1\n规则 r 针对 share 依据 §1 当 真 => 准予 ok \"好\"\n";
    let (_, diags, lang) = datalex_lang::parser::parse_with_keywords(0, text);
    assert_eq!(lang, Some(KeywordLang::En));
    let e: Vec<_> = diags.iter().filter(|d| d.code == Code::E0005).collect();
    assert_eq!(e.len(), 1, "{diags:#?}");
    let at = e[0].span.start as usize;
    assert_eq!(&text[at..e[0].span.end as usize], "规则");
    assert_eq!(text[..at].matches('\n').count() + 1, 4, "line 4");
    // The same file the other way round: Chinese first.
    let text = "政策包 p\n参数 a = 1 依据 第一条\nparam b = 2\n";
    let (_, diags, lang) = datalex_lang::parser::parse_with_keywords(0, text);
    assert_eq!(lang, Some(KeywordLang::Zh));
    assert_eq!(
        diags.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec![Code::E0005]
    );
    let message = diags[0].text(Lang::En);
    assert!(message.contains("`param`"), "{message}");
    // A citation is not a keyword: `§` in a Chinese file and 第…条 in an English one are fine.
    for text in [
        "政策包 p\n参数 a = 1 依据 §1\n",
        "package p\nparam a = 1 cites 第一条\n",
    ] {
        let (_, diags) = datalex_lang::parse(0, text);
        assert!(diags.is_empty(), "{text}: {diags:#?}");
    }
}

#[test]
fn chinese_keywords_are_whole_words() {
    // `规则甲` is a name; `非法` is a name, not `非` and `法`; `且` alone is the keyword.
    let text = "政策包 p\n\n取值 非法: Bool 针对 share 依据 §1 = 规则甲 且 非 非法数据\n";
    let (file, diags) = datalex_lang::parse(0, text);
    assert!(diags.is_empty(), "{diags:#?}");
    let printed = datalex_lang::format::format(text).unwrap();
    assert_eq!(printed, text);
    assert_eq!(file.items.len(), 2);
    // Without a space the keyword is part of the name, and the declaration does not parse.
    let (_, diags) = datalex_lang::parse(0, "政策包 p\n参数甲 = 1\n");
    assert_eq!(
        diags.first().map(|d| d.code),
        Some(Code::E0001),
        "{diags:#?}"
    );
}
