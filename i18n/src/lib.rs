//! Datalex's languages: which one a reader gets, and the message catalogs in each.
//!
//! Every text a person reads — diagnostics, CLI and HTTP errors, the frame of a decision
//! document, the language server's hover — is a message in a [Project Fluent] catalog, one
//! catalog per language (`locales/zh/*.ftl` and `locales/en/*.ftl`, embedded in the binary).
//! Machine-facing codes (`E0104`, `invalid_request`) never change with the language; only the
//! words around them do. Chinese is the default: the people who write and sign these policies
//! read Chinese.
//!
//! The language is chosen once at the edge — a `--lang` flag, the `DATALEX_LANG`, `LC_ALL`,
//! `LC_MESSAGES` or `LANG` environment variables ([`Lang::from_env`]), or an HTTP
//! `Accept-Language` header ([`Lang::from_accept_language`]) — and passed down as a [`Lang`];
//! this crate reads no environment itself.
//!
//! [Project Fluent]: https://projectfluent.org

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::FluentResource;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::{FluentArgs as Args, FluentValue as Value};

/// A language Datalex speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Every language, the default first.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The short code: `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language of a tag as people and systems write it: `zh`, `zh-CN`, `zh_CN.UTF-8`,
    /// `zh-Hans`, `en`, `en-US`, `en_GB.utf8@euro`. `None` for any other language, and for
    /// `C`/`POSIX` (which say nothing about the reader).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim();
        let primary = tag
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" | "chi" | "zho" => Some(Lang::Zh),
            "en" | "eng" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language chosen by the environment, given the values of `DATALEX_LANG`, `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` in that order (as POSIX orders the last three): the first that
    /// names a language Datalex speaks; Chinese if none does.
    pub fn from_env<'a>(vars: impl IntoIterator<Item = Option<&'a str>>) -> Lang {
        vars.into_iter()
            .flatten()
            .find_map(Lang::from_tag)
            .unwrap_or_default()
    }

    /// The language an HTTP `Accept-Language` header prefers (by its quality values, RFC 9110
    /// §12.5.4) among those Datalex speaks; `None` if it names none of them.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        accept_language::parse(header)
            .iter()
            .find_map(|tag| Lang::from_tag(tag))
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::Zh => LanguageIdentifier::from_parts(
                unic_langid::subtags::Language::from_bytes(b"zh").unwrap_or_default(),
                None,
                None,
                &[],
            ),
            Lang::En => LanguageIdentifier::from_parts(
                unic_langid::subtags::Language::from_bytes(b"en").unwrap_or_default(),
                None,
                None,
                &[],
            ),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A tag that names no language Datalex speaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}` (expected zh or en)")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        Lang::from_tag(s).ok_or_else(|| UnknownLang(s.to_string()))
    }
}

/// The files of each catalog, embedded: `(file name, text)`.
const ZH: &[(&str, &str)] = &[
    ("common.ftl", include_str!("../locales/zh/common.ftl")),
    (
        "diagnostics.ftl",
        include_str!("../locales/zh/diagnostics.ftl"),
    ),
    ("cli.ftl", include_str!("../locales/zh/cli.ftl")),
    ("http.ftl", include_str!("../locales/zh/http.ftl")),
    ("explain.ftl", include_str!("../locales/zh/explain.ftl")),
    ("lsp.ftl", include_str!("../locales/zh/lsp.ftl")),
    ("explorer.ftl", include_str!("../locales/zh/explorer.ftl")),
    ("tests.ftl", include_str!("../locales/zh/tests.ftl")),
];
const EN: &[(&str, &str)] = &[
    ("common.ftl", include_str!("../locales/en/common.ftl")),
    (
        "diagnostics.ftl",
        include_str!("../locales/en/diagnostics.ftl"),
    ),
    ("cli.ftl", include_str!("../locales/en/cli.ftl")),
    ("http.ftl", include_str!("../locales/en/http.ftl")),
    ("explain.ftl", include_str!("../locales/en/explain.ftl")),
    ("lsp.ftl", include_str!("../locales/en/lsp.ftl")),
    ("explorer.ftl", include_str!("../locales/en/explorer.ftl")),
    ("tests.ftl", include_str!("../locales/en/tests.ftl")),
];

/// One language's catalog: its bundle, the ids of its messages, and what went wrong loading
/// it (a syntax error or a message defined twice; `catalog_problems` reports them and a test
/// keeps them empty).
struct Catalog {
    bundle: FluentBundle<FluentResource>,
    ids: Vec<String>,
    keys: Vec<String>,
    problems: Vec<String>,
}

impl Catalog {
    fn load(lang: Lang, files: &[(&str, &str)]) -> Catalog {
        let mut bundle = FluentBundle::new_concurrent(vec![lang.id()]);
        // Unicode isolation marks around arguments help right-to-left scripts, which neither
        // language is; they would only end up in terminals and test snapshots.
        bundle.set_use_isolating(false);
        let mut ids = Vec::new();
        let mut keys = Vec::new();
        let mut problems = Vec::new();
        for (file, text) in files {
            let resource = match FluentResource::try_new((*text).to_string()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    for e in errors {
                        problems.push(format!("{}/{file}: {e}", lang.code()));
                    }
                    r
                }
            };
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    ids.push(m.id.name.to_string());
                    keys.push(m.id.name.to_string());
                    for a in &m.attributes {
                        keys.push(format!("{}.{}", m.id.name, a.id.name));
                    }
                }
            }
            if let Err(errors) = bundle.add_resource(resource) {
                for e in errors {
                    problems.push(format!("{}/{file}: {e}", lang.code()));
                }
            }
        }
        ids.sort();
        keys.sort();
        Catalog {
            bundle,
            ids,
            keys,
            problems,
        }
    }
}

fn catalog(lang: Lang) -> &'static Catalog {
    static ZH_CATALOG: OnceLock<Catalog> = OnceLock::new();
    static EN_CATALOG: OnceLock<Catalog> = OnceLock::new();
    match lang {
        Lang::Zh => ZH_CATALOG.get_or_init(|| Catalog::load(Lang::Zh, ZH)),
        Lang::En => EN_CATALOG.get_or_init(|| Catalog::load(Lang::En, EN)),
    }
}

/// The message `id` in `lang` with `args`, or `None` if the catalog has no such message (or
/// it has no value, only attributes).
pub fn message(lang: Lang, id: &str, args: Option<&Args<'_>>) -> Option<String> {
    let bundle = &catalog(lang).bundle;
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned(),
    )
}

/// The attribute `attr` of message `id` in `lang` (`help`, `label`: the parts of a message
/// beside its text), or `None`.
pub fn attribute(lang: Lang, id: &str, attr: &str, args: Option<&Args<'_>>) -> Option<String> {
    let bundle = &catalog(lang).bundle;
    let pattern = bundle.get_message(id)?.get_attribute(attr)?.value();
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned(),
    )
}

/// The message `id` (or its attribute `attr`) in `lang` with `args`, and the errors Fluent met
/// formatting it (an argument the message names that `args` does not give, …); `None` if the
/// catalog has no such message or attribute.
pub fn format(
    lang: Lang,
    id: &str,
    attr: Option<&str>,
    args: Option<&Args<'_>>,
) -> Option<(String, Vec<String>)> {
    let bundle = &catalog(lang).bundle;
    let message = bundle.get_message(id)?;
    let pattern = match attr {
        Some(a) => message.get_attribute(a)?.value(),
        None => message.value()?,
    };
    let mut errors = Vec::new();
    let text = bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned();
    Some((text, errors.iter().map(ToString::to_string).collect()))
}

/// Whether `lang`'s catalog has the message `id` with the attribute `attr`.
pub fn has_attribute(lang: Lang, id: &str, attr: &str) -> bool {
    catalog(lang)
        .bundle
        .get_message(id)
        .is_some_and(|m| m.get_attribute(attr).is_some())
}

/// The message `id` in `lang`; if that catalog lacks it, the other language's; if neither has
/// it, the id itself (a test keeps every id in both catalogs, so a reader never sees one).
pub fn text(lang: Lang, id: &str, args: Option<&Args<'_>>) -> String {
    message(lang, id, args)
        .or_else(|| {
            Lang::ALL
                .into_iter()
                .filter(|l| *l != lang)
                .find_map(|l| message(l, id, args))
        })
        .unwrap_or_else(|| id.to_string())
}

/// Whether `lang`'s catalog has the message `id`.
pub fn has(lang: Lang, id: &str) -> bool {
    catalog(lang).bundle.has_message(id)
}

/// The ids of every message in `lang`'s catalog, sorted.
pub fn ids(lang: Lang) -> &'static [String] {
    &catalog(lang).ids
}

/// Every message id of `lang`'s catalog and every attribute as `id.attr`, sorted.
pub fn keys(lang: Lang) -> &'static [String] {
    &catalog(lang).keys
}

/// What went wrong loading `lang`'s catalog: syntax errors and messages defined twice, each
/// naming its file. Empty in a correct build.
pub fn catalog_problems(lang: Lang) -> &'static [String] {
    &catalog(lang).problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_people_write() {
        for (tag, lang) in [
            ("zh", Some(Lang::Zh)),
            ("zh-CN", Some(Lang::Zh)),
            ("zh_CN.UTF-8", Some(Lang::Zh)),
            ("zh-Hans-CN", Some(Lang::Zh)),
            ("EN", Some(Lang::En)),
            ("en_GB.utf8@euro", Some(Lang::En)),
            ("C", None),
            ("POSIX", None),
            ("fr-FR", None),
            ("", None),
        ] {
            assert_eq!(Lang::from_tag(tag), lang, "{tag:?}");
        }
    }

    #[test]
    fn environment_order_and_default() {
        assert_eq!(Lang::from_env([None, None, None, None]), Lang::Zh);
        assert_eq!(
            Lang::from_env([None, Some("C"), None, Some("en_US.UTF-8")]),
            Lang::En
        );
        assert_eq!(
            Lang::from_env([Some("zh"), None, None, Some("en_US.UTF-8")]),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_env([Some("de"), Some("en"), None, None]),
            Lang::En
        );
    }

    #[test]
    fn accept_language_by_quality() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=0.9, zh-CN;q=0.5, en;q=0.4"),
            Some(Lang::Zh)
        );
        assert_eq!(Lang::from_accept_language("de, fr"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn catalogs_load_without_problems_and_have_the_same_ids() {
        for lang in Lang::ALL {
            assert!(
                catalog_problems(lang).is_empty(),
                "{:?}",
                catalog_problems(lang)
            );
        }
        assert_eq!(ids(Lang::Zh), ids(Lang::En));
        let (zh, en) = (keys(Lang::Zh), keys(Lang::En));
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|k| !b.contains(k)).cloned().collect()
        };
        assert!(
            zh == en,
            "only in zh: {:?}\nonly in en: {:?}",
            only(zh, en),
            only(en, zh)
        );
    }

    #[test]
    fn messages_and_fallback() {
        assert_eq!(text(Lang::Zh, "lang-name", None), "中文");
        assert_eq!(text(Lang::En, "lang-name", None), "English");
        assert_eq!(text(Lang::En, "no-such-message", None), "no-such-message");
        assert!("zh-TW".parse::<Lang>().is_ok());
        assert_eq!(
            "fr".parse::<Lang>().map_err(|e| e.to_string()),
            Err("unknown language `fr` (expected zh or en)".to_string())
        );
    }
}
