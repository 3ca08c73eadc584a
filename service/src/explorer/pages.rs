//! The reading pages: jurisdictions and their sources, a regulation's article tree with the
//! coverage of each paragraph and item on a chosen day, one article, and a rule.

use super::view::View;
use super::{Asked, Explorer, Page};
use axum::http::StatusCode;
use datalex_compiler::coverage::{coverage_at, ArticleCoverage, Status};
use datalex_compiler::export::rank_name;
use datalex_compiler::ir::{ArticleText, Cite, Period, PolicySet, RegulationText};
use datalex_i18n::Lang;
use datalex_lang::date::Date;
use datalex_lang::numerals::chinese;
use serde::Serialize;
use std::collections::BTreeSet;

/// The longest name or id a path may carry (rules, regulations, decisions are far shorter).
pub const MAX_NAME: usize = 200;

fn say(lang: Lang, id: &str, args: &[(&str, String)]) -> String {
    crate::words::say(lang, id, args)
}

/// The period as people read it, in the page's language.
pub fn period_words(lang: Lang, p: &Period, start_unknown: bool) -> String {
    let from = match (p.from, start_unknown) {
        (Some(d), _) => say(lang, "explorer-period-from", &[("from", d.to_string())]),
        (None, true) => say(lang, "explorer-period-from-unknown", &[]),
        (None, false) => say(lang, "explorer-period-from-undeclared", &[]),
    };
    match p.until {
        Some(u) => say(
            lang,
            "explorer-period-until",
            &[("from", from), ("until", u.to_string())],
        ),
        None => from,
    }
}

/// A regulation as the pages list it.
#[derive(Serialize)]
struct SourceRow {
    id: String,
    title: String,
    href: Option<String>,
    rank: Option<String>,
    issuer: Option<String>,
    number: Option<String>,
    territory: Option<String>,
    period: String,
    in_force_today: bool,
    articles: usize,
}

fn source_row(lang: Lang, policy: &PolicySet, r: &RegulationText, today: Date) -> SourceRow {
    SourceRow {
        id: r.id.clone(),
        title: r.title.clone(),
        href: (!r.articles.is_empty()).then(|| format!("/regulations/{}", r.id)),
        rank: r.rank.as_deref().map(|m| rank_name(policy, m)),
        issuer: r.issuer.clone(),
        number: r.number.clone(),
        territory: r.territory.clone(),
        period: period_words(lang, &r.in_force, r.start_unknown),
        in_force_today: r.in_force.contains(today),
        articles: r.articles.len(),
    }
}

/// `/`: every served jurisdiction with the chain of packages it decides under and their
/// sources, then every regulation the policies hold.
pub fn index(ex: &Explorer, asked: &Asked) -> Page {
    let lang = asked.lang;
    let view = ex.view();
    let policy = &view.snapshot.policy;
    #[derive(Serialize)]
    struct Jur {
        name: String,
        version: String,
        kinds: Vec<(String, String)>,
        chain: Vec<SourceRow>,
    }
    let jurisdictions: Vec<Jur> = view
        .snapshot
        .jurisdictions
        .iter()
        .map(|j| {
            let mut chain = Vec::new();
            let mut cur = policy.package(&j.name);
            let mut hops = 0;
            while let Some(p) = cur.filter(|_| hops <= policy.packages.len()) {
                if let Some(r) = p.regulation.map(|id| &policy.regulations[id]) {
                    chain.push(source_row(lang, policy, r, view.today));
                }
                hops += 1;
                cur = p.extends.as_deref().and_then(|e| policy.package(e));
            }
            let kinds = policy
                .package(&j.name)
                .map(|p| {
                    p.plans
                        .iter()
                        .map(|pl| (pl.kind.clone(), kind_label(policy, lang, &pl.kind)))
                        .collect()
                })
                .unwrap_or_default();
            Jur {
                name: j.name.clone(),
                version: j.version.clone(),
                kinds,
                chain,
            }
        })
        .collect();
    let sources: Vec<SourceRow> = policy
        .regulations
        .values()
        .map(|r| source_row(lang, policy, r, view.today))
        .collect();
    let title = say(lang, "explorer-index-title", &[]);
    Page::render(
        asked,
        "index.html",
        &title,
        minijinja::context! {
            path => "/",
            jurisdictions => jurisdictions,
            sources => sources,
            today => view.today.to_string(),
        },
    )
}

/// A request kind's label in the page's language: the prelude's (Chinese) label, or the code in
/// English.
pub fn kind_label(policy: &PolicySet, lang: Lang, kind: &str) -> String {
    match lang {
        Lang::Zh => policy.kind_label(kind).unwrap_or(kind).to_string(),
        Lang::En => kind.replace('_', " "),
    }
}

/// A coverage badge: its class, word, the note, and what cites the provision.
#[derive(Serialize, Clone)]
struct Badge {
    class: &'static str,
    word: String,
    note: Option<String>,
    cited_by: Vec<Link>,
    label: String,
}

#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Link {
    name: String,
    href: Option<String>,
}

fn badge(lang: Lang, view: &View, row: &ArticleCoverage) -> Badge {
    let (class, note) = match &row.status {
        Status::Encoded => ("encoded", None),
        Status::Interpretation(r) => ("interpretation", Some(r.join("、"))),
        Status::NotDecidable(why) => ("not-decidable", Some(why.clone())),
        Status::NotEncoded(why) => ("not-encoded", Some(why.clone())),
        Status::TextMissing(why) => ("text-missing", Some(why.clone())),
        Status::Unaccounted => ("unaccounted", None),
    };
    Badge {
        class,
        word: say(lang, &format!("explorer-badge-{class}"), &[]),
        note,
        cited_by: row.cited_by.iter().map(|n| rule_link(view, n)).collect(),
        label: row.label.clone(),
    }
}

/// A link to the rule `name` cites through — itself, or the rule of a deadline
/// (`rule.code`) — when it is a rule; values and params are named without a link.
fn rule_link(view: &View, name: &str) -> Link {
    let rule = if view.is_rule(name) {
        Some(name.to_string())
    } else {
        name.rsplit_once('.')
            .map(|(r, _)| r.to_string())
            .filter(|r| view.is_rule(r))
    };
    Link {
        name: name.to_string(),
        href: rule.map(|r| format!("/rules/{r}")),
    }
}

#[derive(Serialize)]
struct ItemModel {
    marker: String,
    text: Option<String>,
    note: Option<String>,
    badge: Option<Badge>,
}

#[derive(Serialize)]
struct ParaModel {
    marker: Option<String>,
    text: Option<String>,
    note: Option<String>,
    badge: Option<Badge>,
    items: Vec<ItemModel>,
}

#[derive(Serialize)]
struct ArticleModel {
    number: u32,
    label: String,
    anchor: String,
    href: String,
    chapter: Option<String>,
    note: Option<String>,
    paras: Vec<ParaModel>,
    rules: Vec<Link>,
    missing: Option<Badge>,
}

fn article_label(reg: &RegulationText, n: u32, lang: Lang) -> String {
    match (reg.plan, lang) {
        (false, Lang::Zh) => format!("第{}条", chinese(n)),
        (true, Lang::Zh) => format!("{}、", chinese(n)),
        (false, Lang::En) => format!("Article {n}"),
        (true, Lang::En) => format!("Part {n}"),
    }
}

/// Whether what `c` cites is in force on `at` (a citation of no article counts as its
/// regulation's).
fn cite_in_force(c: &Cite, at: Date) -> bool {
    c.in_force_on(at)
}

/// The rules that cite article `n` of `reg` with a citation in force on `at`.
fn rules_citing(view: &View, reg_id: &str, n: u32, at: Date) -> Vec<Link> {
    let mut out: BTreeSet<Link> = BTreeSet::new();
    for p in &view.snapshot.policy.packages {
        for plan in &p.plans {
            for (_, r) in plan.rules() {
                let cites = r
                    .cites
                    .iter()
                    .chain(r.parts.iter().flat_map(|p| p.cites().iter()));
                let hit = cites
                    .filter(|c| c.regulation_id == reg_id && c.article == Some(n))
                    .any(|c| cite_in_force(c, at));
                if hit {
                    out.insert(Link {
                        name: r.name.to_string(),
                        href: Some(format!("/rules/{}", r.name)),
                    });
                }
            }
        }
    }
    out.into_iter().collect()
}

fn not_in_force_note(lang: Lang, at: Date, p: &Period) -> String {
    say(
        lang,
        "explorer-not-in-force-on",
        &[
            ("date", at.to_string()),
            ("period", period_words(lang, p, false)),
        ],
    )
}

fn article_model(
    lang: Lang,
    view: &View,
    reg: &RegulationText,
    rows: &[ArticleCoverage],
    n: u32,
    at: Date,
) -> Option<ArticleModel> {
    let first = reg.versions(n).next()?;
    let in_force = reg.article_at(n, at);
    let shown: &ArticleText = in_force.unwrap_or(first);
    let row = |para: Option<u32>, item: Option<u32>| {
        rows.iter()
            .find(|r| r.article == n && r.paragraph == para && r.item == item)
            .map(|r| badge(lang, view, r))
    };
    let mut note = None;
    if !reg.in_force.contains(at) {
        note = Some(not_in_force_note(lang, at, &reg.in_force));
    } else if in_force.is_none() {
        note = Some(not_in_force_note(lang, at, &first.in_force));
    } else if !std::ptr::eq(shown, first) {
        note = Some(say(
            lang,
            "explorer-version-of",
            &[
                ("date", at.to_string()),
                (
                    "from",
                    shown
                        .in_force
                        .from
                        .map_or_else(|| "…".to_string(), |d| d.to_string()),
                ),
            ],
        ));
    }
    let article_in_force = reg.in_force.contains(at) && in_force.is_some();
    let paras = shown
        .paras
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let number = u32::try_from(pi + 1).unwrap_or(u32::MAX);
            let key = if shown.single { None } else { Some(number) };
            let own = shown.part_period(key, None);
            let para_off = own.is_some_and(|per| !per.contains(at));
            let items = p
                .items
                .iter()
                .map(|(i, text)| {
                    let per = shown.part_period(key, Some(*i));
                    let off = para_off || per.is_some_and(|per| !per.contains(at));
                    ItemModel {
                        marker: match (reg.plan, lang) {
                            (true, _) => format!("{i}."),
                            (false, Lang::Zh) => format!("（{}）", chinese(*i)),
                            (false, Lang::En) => format!("({i})"),
                        },
                        text: (article_in_force && !off).then(|| text.clone()),
                        note: off.then(|| {
                            not_in_force_note(lang, at, &per.or(own).unwrap_or(Period::ALWAYS))
                        }),
                        badge: row(key, Some(*i)),
                    }
                })
                .collect();
            ParaModel {
                marker: key.map(|k| match (reg.plan, lang) {
                    (true, _) => format!("（{}）", chinese(k)),
                    (false, Lang::Zh) => format!("第{}款", chinese(k)),
                    (false, Lang::En) => format!("¶{k}"),
                }),
                text: (article_in_force && !para_off).then(|| p.text.clone()),
                note: para_off.then(|| not_in_force_note(lang, at, &own.unwrap_or(Period::ALWAYS))),
                badge: if p.items.is_empty() {
                    row(key, None)
                } else {
                    None
                },
                items,
            }
        })
        .collect();
    let chapter = shown.chapter.and_then(|c| {
        reg.chapters
            .iter()
            .find(|(k, _)| *k == c)
            .map(|(_, t)| t.clone())
    });
    Some(ArticleModel {
        number: n,
        label: article_label(reg, n, lang),
        anchor: format!("art-{n}"),
        href: format!("/regulations/{}/articles/{n}", reg.id),
        chapter,
        note,
        paras,
        rules: if article_in_force {
            rules_citing(view, &reg.id, n, at)
        } else {
            Vec::new()
        },
        missing: None,
    })
}

/// The "as of" day of a page: `?at=YYYY-MM-DD`, else today; a malformed date is an error page.
fn as_of(asked: &Asked, today: Date) -> Result<Date, Box<Page>> {
    match asked.get("at").filter(|s| !s.is_empty()) {
        None => Ok(today),
        Some(s) => Date::parse(s).map_err(|_| {
            Box::new(Page::error(
                asked.lang,
                StatusCode::BAD_REQUEST,
                "explorer-bad-date",
                &[("value", s.chars().take(40).collect())],
            ))
        }),
    }
}

fn unknown_regulation(asked: &Asked, id: &str) -> Page {
    Page::error(
        asked.lang,
        StatusCode::NOT_FOUND,
        "explorer-no-regulation",
        &[("id", id.chars().take(MAX_NAME).collect())],
    )
}

#[derive(Serialize)]
struct Counts {
    class: &'static str,
    word: String,
    count: usize,
}

fn counts(lang: Lang, rows: &[ArticleCoverage]) -> Vec<Counts> {
    [
        "encoded",
        "interpretation",
        "not-decidable",
        "not-encoded",
        "text-missing",
        "unaccounted",
    ]
    .into_iter()
    .map(|class| Counts {
        class,
        word: say(lang, &format!("explorer-badge-{class}"), &[]),
        count: rows
            .iter()
            .filter(|r| {
                matches!(
                    (&r.status, class),
                    (Status::Encoded, "encoded")
                        | (Status::Interpretation(_), "interpretation")
                        | (Status::NotDecidable(_), "not-decidable")
                        | (Status::NotEncoded(_), "not-encoded")
                        | (Status::TextMissing(_), "text-missing")
                        | (Status::Unaccounted, "unaccounted")
                )
            })
            .count(),
    })
    .filter(|c| c.count > 0)
    .collect()
}

/// `/regulations/{id}?at=DATE`: the article tree on a day.
pub fn regulation(ex: &Explorer, asked: &Asked, id: &str) -> Page {
    let lang = asked.lang;
    let view = ex.view();
    let policy = &view.snapshot.policy;
    let Some(reg) = policy.regulation(id) else {
        return unknown_regulation(asked, id);
    };
    let at = match as_of(asked, view.today) {
        Ok(d) => d,
        Err(p) => return *p,
    };
    let rows = coverage_at(policy, id, Some(at)).unwrap_or_default();
    let mut articles: Vec<ArticleModel> = reg
        .articles
        .keys()
        .filter_map(|n| article_model(lang, &view, reg, &rows, *n, at))
        .collect();
    for r in rows
        .iter()
        .filter(|r| matches!(r.status, Status::TextMissing(_)))
    {
        articles.push(ArticleModel {
            number: r.article,
            label: article_label(reg, r.article, lang),
            anchor: format!("art-{}", r.article),
            href: format!("/regulations/{}/articles/{}", reg.id, r.article),
            chapter: None,
            note: None,
            paras: Vec::new(),
            rules: Vec::new(),
            missing: Some(badge(lang, &view, r)),
        });
    }
    articles.sort_by_key(|a| a.number);
    // Chapter headings where the chapter changes.
    #[derive(Serialize)]
    struct Group {
        chapter: Option<String>,
        articles: Vec<ArticleModel>,
    }
    let mut groups: Vec<Group> = Vec::new();
    for a in articles {
        match groups.last_mut() {
            Some(g) if a.chapter.is_none() || g.chapter == a.chapter => g.articles.push(a),
            _ => groups.push(Group {
                chapter: a.chapter.clone(),
                articles: vec![a],
            }),
        }
    }
    let source = source_row(lang, policy, reg, at);
    let title = format!("《{}》", reg.title);
    Page::render(
        asked,
        "regulation.html",
        &title,
        minijinja::context! {
            path => format!("/regulations/{}", reg.id),
            reg => source,
            at => at.to_string(),
            today => view.today.to_string(),
            in_force => reg.in_force.contains(at),
            not_in_force => (!reg.in_force.contains(at)).then(|| not_in_force_note(lang, at, &reg.in_force)),
            groups => groups,
            counts => counts(lang, &rows),
        },
    )
}

/// `/regulations/{id}/articles/{n}?at=DATE`: one article with its rules.
pub fn article(ex: &Explorer, asked: &Asked, id: &str, n: &str) -> Page {
    let lang = asked.lang;
    let view = ex.view();
    let policy = &view.snapshot.policy;
    let Some(reg) = policy.regulation(id) else {
        return unknown_regulation(asked, id);
    };
    let at = match as_of(asked, view.today) {
        Ok(d) => d,
        Err(p) => return *p,
    };
    let rows = coverage_at(policy, id, Some(at)).unwrap_or_default();
    let number = n.parse::<u32>().ok();
    let model = number.and_then(|n| article_model(lang, &view, reg, &rows, n, at));
    let Some(model) = model else {
        return Page::error(
            lang,
            StatusCode::NOT_FOUND,
            "explorer-no-article",
            &[
                ("article", n.chars().take(20).collect()),
                ("title", reg.title.clone()),
            ],
        );
    };
    let title = format!("《{}》{}", reg.title, model.label);
    Page::render(
        asked,
        "article.html",
        &title,
        minijinja::context! {
            path => model.href.clone(),
            reg => source_row(lang, policy, reg, at),
            at => at.to_string(),
            article => model,
        },
    )
}

/// `/rules/{name}`: a rule as written, what it overrides and what overrides it, the articles it
/// cites (quoted as in force today), the tests that exercise it, and its graph.
pub fn rule(ex: &Explorer, asked: &Asked, name: &str) -> Page {
    let lang = asked.lang;
    let view = ex.view();
    let policy = &view.snapshot.policy;
    let (Some(rv), Some((package, _, def))) = (
        view.graph.rules.iter().find(|r| r.name == name),
        view.rule(name),
    ) else {
        return Page::error(
            lang,
            StatusCode::NOT_FOUND,
            "explorer-no-rule",
            &[("name", name.chars().take(MAX_NAME).collect())],
        );
    };
    #[derive(Serialize)]
    struct CiteModel {
        label: String,
        href: Option<String>,
        quote: Option<String>,
        reading: Option<String>,
    }
    let mut seen = BTreeSet::new();
    let cites: Vec<CiteModel> = def
        .cites
        .iter()
        .chain(def.parts.iter().flat_map(|p| p.cites().iter()))
        .filter(|c| seen.insert(c.label.clone()))
        .map(|c| CiteModel {
            label: c.label.clone(),
            href: c
                .article
                .map(|a| format!("/regulations/{}#art-{a}", c.regulation_id)),
            quote: policy.quote_at(c, view.today).map(|q| q.text),
            reading: c.reading.as_deref().map(str::to_string),
        })
        .collect();
    let overridden_by: Vec<Link> = view
        .graph
        .rules
        .iter()
        .filter(|r| r.overrides.iter().any(|o| o == name))
        .map(|r| Link {
            name: r.name.clone(),
            href: Some(format!("/rules/{}", r.name)),
        })
        .collect();
    let overrides: Vec<Link> = rv
        .overrides
        .iter()
        .map(|o| Link {
            name: o.clone(),
            href: Some(format!("/rules/{o}")),
        })
        .collect();
    #[derive(Serialize)]
    struct TestModel {
        name: String,
        place: Option<String>,
        effect: Option<String>,
    }
    let tests = |applied: bool| -> Vec<TestModel> {
        view.tests
            .iter()
            .filter(|t| {
                if applied {
                    t.applied.contains(name)
                } else {
                    t.not_applied.contains(name) && !t.applied.contains(name)
                }
            })
            .map(|t| TestModel {
                name: t.name.clone(),
                place: t.place.as_ref().map(|(f, l)| format!("{f}:{l}")),
                effect: t
                    .outcome
                    .as_ref()
                    .ok()
                    .and_then(|d| d.get("effect"))
                    .and_then(|e| e.as_str())
                    .map(str::to_string),
            })
            .collect()
    };
    let source = view
        .rule_source(def)
        .map(|(file, line, text)| minijinja::context! { file => file, line => line, text => text });
    let kinds: Vec<(String, String)> = rv
        .kinds
        .iter()
        .map(|k| (k.clone(), kind_label(policy, lang, k)))
        .collect();
    let effect = def.effect.as_ref().map(|(e, code, text)| {
        minijinja::context! { effect => e.as_str(), code => code.to_string(), text => text.to_string() }
    });
    let svg = ex.svg(&view, name);
    Page::render(
        asked,
        "rule.html",
        name,
        minijinja::context! {
            path => format!("/rules/{name}"),
            name => name,
            role => rv.role,
            package => package.name.clone(),
            kinds => kinds,
            effect => effect,
            when => def.when_source.clone(),
            source => source,
            overrides => overrides,
            overridden_by => overridden_by,
            cites => cites,
            tests_applied => tests(true),
            tests_not_applied => tests(false),
            svg => minijinja::Value::from_safe_string(svg.to_string()),
            today => view.today.to_string(),
        },
    )
}
