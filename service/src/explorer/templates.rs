//! The explorer's templates (`service/templates/explorer/`, embedded) in one MiniJinja
//! environment, with HTML escaping by the engine; `t(id, …)` gives a word of the page's
//! language from the `explorer.ftl` catalog, and `link(path)` a link that keeps `?lang=`.

use super::Asked;
use datalex_i18n::{Args, Lang};
use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, State};
use std::sync::OnceLock;

/// The style sheet, served at `/explorer.css`.
pub const CSS: &str = include_str!("../../templates/explorer/explorer.css");

/// The templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../templates/explorer/base.html"),
    ),
    (
        "index.html",
        include_str!("../../templates/explorer/index.html"),
    ),
    (
        "regulation.html",
        include_str!("../../templates/explorer/regulation.html"),
    ),
    (
        "article.html",
        include_str!("../../templates/explorer/article.html"),
    ),
    (
        "articles.html",
        include_str!("../../templates/explorer/articles.html"),
    ),
    (
        "rule.html",
        include_str!("../../templates/explorer/rule.html"),
    ),
    (
        "try.html",
        include_str!("../../templates/explorer/try.html"),
    ),
    (
        "log.html",
        include_str!("../../templates/explorer/log.html"),
    ),
    (
        "decision.html",
        include_str!("../../templates/explorer/decision.html"),
    ),
    (
        "verify.html",
        include_str!("../../templates/explorer/verify.html"),
    ),
    (
        "changes.html",
        include_str!("../../templates/explorer/changes.html"),
    ),
    (
        "error.html",
        include_str!("../../templates/explorer/error.html"),
    ),
];

fn environment() -> &'static Result<Environment<'static>, String> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        // HTML escaping of `&<>"'` only: MiniJinja's default also writes `/` as `&#x2f;`, which
        // is correct but makes every link in the page source unreadable.
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(s) if !value.is_safe() && state.auto_escape() == AutoEscape::Html => out
                .write_str(&super::svg::escape(s))
                .map_err(minijinja::Error::from),
            _ => minijinja::escape_formatter(out, state, value),
        });
        env.add_function("t", word);
        env.add_function("link", link);
        for (name, text) in TEMPLATES {
            env.add_template(name, text).map_err(|e| format!("{e:#}"))?;
        }
        Ok(env)
    })
}

fn page_lang(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_tag))
        .unwrap_or_default()
}

/// `t("explorer-…", name=value, …)`: a word of the page's language.
fn word(state: &State, id: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let mut args = Args::new();
    for key in kwargs.args() {
        let v: Value = kwargs.get(key)?;
        let text = match v.as_str() {
            Some(s) => s.to_string(),
            None => v.to_string(),
        };
        args.set(key.to_string(), text);
    }
    Ok(datalex_i18n::text(page_lang(state), id, Some(&args)))
}

/// `link("/rules/x")`: the path with the page's `lang=` when the query chose the language.
fn link(state: &State, path: &str) -> String {
    let param = state
        .lookup("lang_param")
        .and_then(|v| v.as_str().map(str::to_string))
        .filter(|p| !p.is_empty());
    match param {
        None => path.to_string(),
        Some(p) => {
            let (base, anchor) = match path.split_once('#') {
                Some((b, a)) => (b, format!("#{a}")),
                None => (path, String::new()),
            };
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}{p}{anchor}")
        }
    }
}

/// The same page in the other language: the current path and query with `lang=` set.
fn switch_href(path: &str, asked: &Asked, to: Lang) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in asked.query.iter().filter(|(k, _)| k != "lang") {
        q.append_pair(k, v);
    }
    q.append_pair("lang", to.code());
    format!("{path}?{}", q.finish())
}

/// Renders `template` with `ctx`, the page's language, title and navigation.
pub fn render(
    asked: &Asked,
    template: &str,
    title: &str,
    ctx: Value,
) -> Result<String, minijinja::Error> {
    let env = environment()
        .as_ref()
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.clone()))?;
    let other = match asked.lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    let path = ctx
        .get_attr("path")
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "/".to_string());
    let base = minijinja::context! {
        lang => asked.lang.code(),
        html_lang => match asked.lang { Lang::Zh => "zh-CN", Lang::En => "en" },
        lang_param => asked.lang_param.clone().unwrap_or_default(),
        title => title,
        switch_href => switch_href(&path, asked, other),
        switch_label => datalex_i18n::text(other, "explorer-language-name", None),
        switch_lang => match other { Lang::Zh => "zh-CN", Lang::En => "en" },
    };
    env.get_template(template)?
        .render(minijinja::context! { ..base, ..ctx })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests may fail loudly")]
    use super::*;

    /// The words templates name by a prefix and a value: every value the pages can give.
    const PREFIXED: &[(&str, &[&str])] = &[
        ("explorer-effect", &["permit", "deny", "review"]),
        (
            "explorer-role",
            &["guard", "rule", "exception", "check", "otherwise"],
        ),
    ];

    #[test]
    fn every_template_parses_and_every_word_is_in_both_catalogs() {
        let env = environment().as_ref();
        assert!(env.is_ok(), "{env:?}");
        for (name, text) in TEMPLATES {
            let mut rest = *text;
            while let Some(i) = rest.find("t(\"") {
                let after = rest.get(i + 3..).unwrap_or("");
                let id: String = after.chars().take_while(|c| *c != '"').collect();
                // `t("explorer-effect-" ~ effect)`: a prefix; its messages are checked below.
                let ids: Vec<String> = match id.strip_suffix('-') {
                    Some(prefix) => PREFIXED
                        .iter()
                        .filter(|(p, _)| *p == prefix)
                        .flat_map(|(p, rest)| rest.iter().map(move |r| format!("{p}-{r}")))
                        .collect(),
                    None => vec![id.clone()],
                };
                assert!(
                    !ids.is_empty(),
                    "{name}: no words listed for the prefix `{id}`"
                );
                for (lang, id) in Lang::ALL
                    .into_iter()
                    .flat_map(|l| ids.iter().map(move |i| (l, i)))
                {
                    assert!(
                        datalex_i18n::has(lang, id),
                        "{name}: `{id}` is not in the {lang} catalog"
                    );
                }
                rest = after;
            }
        }
    }

    #[test]
    fn links_keep_the_chosen_language() {
        let env = environment().as_ref().unwrap();
        let render = |param: &str| {
            env.template_from_str("{{ link('/rules/a#x') }} {{ link('/try?kind=open') }}")
                .and_then(|t| t.render(minijinja::context! { lang_param => param }))
                .unwrap()
        };
        assert_eq!(
            render("lang=en"),
            "/rules/a?lang=en#x /try?kind=open&amp;lang=en"
        );
        assert_eq!(render(""), "/rules/a#x /try?kind=open");
        let asked = Asked {
            lang: Lang::En,
            lang_param: Some("lang=en".into()),
            query: vec![
                ("at".into(), "2024-01-01".into()),
                ("lang".into(), "en".into()),
            ],
        };
        assert_eq!(
            switch_href("/regulations/r", &asked, Lang::Zh),
            "/regulations/r?at=2024-01-01&lang=zh"
        );
    }
}
