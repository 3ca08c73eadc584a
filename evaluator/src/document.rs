//! Decision documents (决定书): a decision laid out for the people it concerns, in Chinese by
//! default — who applied, for what, the decision (准予/不予/待审核), the reasons with the text of
//! the articles they cite, the sources applied with their rank and period in force, the
//! obligations, the deadlines with the days counted, the findings and the remedies the law gives.
//!
//! Names, never codes: institutions, datasets and developers by the names the facts give them;
//! request kinds, roles, scenarios, ranks, tiers and other enum members by the labels the prelude
//! and the packages declare (W0109 names what lacks one; a code is shown only where nothing
//! names it). The frame words are the `explain-*` messages of the catalogs (`datalex-i18n`); the
//! layout is one template per format (`document/document.{txt,md,html}`, MiniJinja), so HTML is
//! escaped by the template engine and Markdown by one formatter here.
//!
//! The English text format is not made here: it is [`crate::explain::explain`], as it always
//! was.

use crate::calendar::Calendar;
use crate::decision::{CiteOut, Decision};
use crate::facts::Facts;
use crate::request::Request;
use datalex_compiler::ir::Program;
use datalex_compiler::types::Ty;
use datalex_i18n::{Args, Lang};
use datalex_lang::ast::LabelOf;
use datalex_lang::date::Date;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, State};
use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// The formats a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text, for a terminal or a file.
    Text,
    /// Markdown, for pasting (every name and quotation escaped).
    Markdown,
    /// One self-contained, printable HTML page (every name and quotation escaped).
    Html,
}

impl Format {
    fn template(self) -> &'static str {
        match self {
            Format::Text => "document.txt",
            Format::Markdown => "document.md",
            Format::Html => "document.html",
        }
    }
}

/// A template that failed to render (a bug in a template, never in the input).
#[derive(Debug, thiserror::Error)]
#[error("the decision document could not be rendered: {0}")]
pub struct DocumentError(#[from] minijinja::Error);

/// What a document is made from.
pub struct Input<'a> {
    /// The decision.
    pub decision: &'a Decision,
    /// The request it decides.
    pub request: &'a Request,
    /// The facts it was decided on.
    pub facts: &'a Facts,
    /// The compiled policy (for labels and the text of the articles).
    pub policy: &'a Program,
    /// The working-day calendar (for the holidays a deadline skips).
    pub calendar: &'a Calendar,
}

/// The decision document of `input` in `lang` and `format`.
pub fn document(input: &Input<'_>, lang: Lang, format: Format) -> Result<String, DocumentError> {
    let doc = Builder { input, lang }.build();
    let env = environment();
    let template = env.get_template(format.template())?;
    let out = template.render(minijinja::context! { doc => doc, lang => lang.code() })?;
    Ok(match format {
        // The templates' sections are separated by one blank line however their parts end.
        Format::Text | Format::Markdown => single_blank_lines(&out),
        Format::Html => out,
    })
}

/// `text` with runs of blank lines made one, and no blank line at the end.
fn single_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if blank > 0 && !out.is_empty() {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The templates, loaded once.
fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.set_auto_escape_callback(|name| match name.rsplit('.').next() {
            Some("html") => AutoEscape::Html,
            Some("md") => AutoEscape::Custom("markdown"),
            _ => AutoEscape::None,
        });
        env.set_formatter(|out, state, value| match state.auto_escape() {
            AutoEscape::Custom("markdown") if !value.is_safe() => out
                .write_str(&escape_markdown(&value.to_string()))
                .map_err(minijinja::Error::from),
            AutoEscape::Custom(_) => {
                minijinja::escape_formatter(out, state, &Value::from_safe_string(value.to_string()))
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        env.add_function("t", frame_word);
        env.add_function("ordinal", ordinal);
        // The templates are part of the binary; one that does not parse fails every document
        // test, so an error here is reported when a document is rendered.
        for (name, text) in [
            ("document.txt", include_str!("document/document.txt")),
            ("document.md", include_str!("document/document.md")),
            ("document.html", include_str!("document/document.html")),
        ] {
            let _ = env.add_template(name, text);
        }
        env
    })
}

/// `t("explain-…")` in a template: a frame word of the document's language.
fn frame_word(state: &State, id: &str) -> String {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_tag))
        .unwrap_or_default();
    datalex_i18n::text(lang, id, None)
}

/// `ordinal(n)` in a template: the number of the n-th entry of a section, `（一）` or `(1)`.
fn ordinal(state: &State, n: u32) -> String {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_tag))
        .unwrap_or_default();
    match lang {
        Lang::Zh => format!("（{}）", chinese_number(n)),
        Lang::En => format!("({n}) "),
    }
}

/// `n` in Chinese numerals, as documents number their parts: 一, 十, 十一, 二十一, 一百零一.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: u32| DIGITS.get(d as usize).copied().unwrap_or_default();
    match n {
        0..=9 => digit(n).to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { digit(n % 10) }),
        20..=99 => format!(
            "{}十{}",
            digit(n / 10),
            if n.is_multiple_of(10) {
                ""
            } else {
                digit(n % 10)
            }
        ),
        _ => n.to_string(),
    }
}

/// Markdown's special characters escaped, and `<`, `>` and `&` written as entities, so that a
/// name or a quotation is shown as written and never read as markup.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The document's contents, in the order the templates lay them out.
#[derive(Debug, Serialize)]
struct Doc {
    title: String,
    decision_id: String,
    jurisdiction: String,
    applicant: String,
    matter: Vec<String>,
    at: String,
    effect: &'static str,
    effect_label: String,
    effect_note: String,
    tiers: Vec<String>,
    reasons: Vec<Entry>,
    sources: Vec<String>,
    obligations: Vec<Entry>,
    deadlines: Vec<Entry>,
    findings: Vec<Entry>,
    remedies: Vec<Entry>,
    remedy_none: Option<String>,
    interpretations: Vec<Entry>,
    footer: String,
}

/// A reason, obligation, deadline, finding, remedy or interpretation.
#[derive(Debug, Serialize)]
struct Entry {
    /// Whom it concerns (a party), or what (a finding's subject).
    heading: Option<String>,
    /// What it says.
    text: String,
    /// Dates, counts, status.
    lines: Vec<String>,
    /// The provisions it rests on, each with the text in force.
    quotes: Vec<Quoted>,
}

/// A cited provision with its text.
#[derive(Debug, Serialize)]
struct Quoted {
    line: String,
    notes: Vec<String>,
}

struct Builder<'a, 'b> {
    input: &'b Input<'a>,
    lang: Lang,
}

impl Builder<'_, '_> {
    fn t(&self, id: &str) -> String {
        datalex_i18n::text(self.lang, id, None)
    }

    fn ta(&self, id: &str, args: &[(&'static str, String)]) -> String {
        let mut a = Args::new();
        for (k, v) in args {
            a.set(*k, v.clone());
        }
        datalex_i18n::text(self.lang, id, Some(&a))
    }

    fn package(&self) -> &str {
        &self.input.decision.policy.jurisdiction
    }

    fn build(&self) -> Doc {
        let d = self.input.decision;
        let p = self.input.policy;
        let kind = self.input.request.kind();
        let territory = p
            .package(self.package())
            .and_then(|pk| pk.regulation)
            // INVARIANT: a package's regulation id indexes the program's regulations.
            .and_then(|r| p.regulations[r].territory.clone());
        let title = match p.kind_label(kind) {
            Some(kind) => self.ta("explain-title", &[("kind", kind.into())]),
            None => self.t("explain-title-plain"),
        };
        let effect = d.effect;
        let (applicant, matter) = self.headline();
        Doc {
            title,
            decision_id: d.decision_id.clone(),
            jurisdiction: territory.unwrap_or_else(|| d.policy.jurisdiction.clone()),
            applicant,
            matter,
            at: self.date(d.governing_date),
            effect,
            effect_label: self.t(&format!("explain-effect-{effect}")),
            effect_note: self.t(&format!("explain-decision-{effect}")),
            tiers: self.tiers(),
            reasons: d
                .reasons
                .iter()
                .map(|r| self.entry(None, &r.text, Vec::new(), &r.cites))
                .collect(),
            sources: self.sources(),
            obligations: d
                .obligations
                .iter()
                .map(|o| {
                    let lines = o
                        .until
                        .map(|u| vec![self.ta("explain-until", &[("until", self.date(u))])])
                        .unwrap_or_default();
                    let who = self.party(&o.party, o.party_id.as_deref());
                    self.entry(Some(who), &o.text, lines, &o.cites)
                })
                .collect(),
            deadlines: d.deadlines.iter().map(|x| self.deadline(x)).collect(),
            findings: d
                .findings
                .iter()
                .map(|f| {
                    let severity = self.t(&format!("explain-severity-{}", f.severity));
                    let heading = match self.subject(&f.subject) {
                        Some(subject) => self.ta(
                            "explain-finding",
                            &[("severity", severity), ("subject", subject)],
                        ),
                        None => self.ta("explain-finding-plain", &[("severity", severity)]),
                    };
                    self.entry(Some(heading), &f.text, Vec::new(), &f.cites)
                })
                .collect(),
            remedies: d
                .remedies
                .iter()
                .map(|r| self.entry(None, &r.text, Vec::new(), &r.cites))
                .collect(),
            remedy_none: d.remedies.is_empty().then(|| self.t("explain-remedy-none")),
            interpretations: self.interpretations(),
            footer: self.ta("explain-footer", &[("version", d.policy.version.clone())]),
        }
    }

    fn date(&self, d: Date) -> String {
        self.ta(
            "explain-date-format",
            &[
                ("y", d.year().to_string()),
                ("m", d.month().to_string()),
                ("d", d.day().to_string()),
                ("iso", d.to_string()),
            ],
        )
    }

    fn list(&self, items: &[String]) -> String {
        items.join(&self.t("explain-list-separator"))
    }

    fn dataset(&self, id: &str) -> String {
        match self.input.facts.dataset(id) {
            Some(d) => self.ta("explain-dataset", &[("name", d.name.clone())]),
            None => self.ta("explain-dataset-unknown", &[("id", id.to_string())]),
        }
    }

    fn institution(&self, id: &str) -> String {
        match self.input.facts.institution(id) {
            Some(i) => i.name.clone(),
            None => self.ta("explain-institution-unknown", &[("id", id.to_string())]),
        }
    }

    fn developer(&self, id: &str) -> String {
        match self.input.facts.developer(id) {
            Some(d) => d.name.clone(),
            None => self.ta("explain-developer-unknown", &[("id", id.to_string())]),
        }
    }

    fn member(&self, enum_name: &str, code: &str) -> String {
        self.input
            .policy
            .member_label(enum_name, code)
            .map_or_else(|| code.to_string(), str::to_string)
    }

    fn scenario(&self, code: &str) -> String {
        match self
            .input
            .policy
            .label(self.package(), LabelOf::Scenario, code)
        {
            Some(l) => l.to_string(),
            None => self.ta("explain-scenario-unlabelled", &[("code", code.to_string())]),
        }
    }

    fn open_requester(&self, kind: &str, id: &str) -> String {
        self.ta(
            "explain-open-requester",
            &[
                ("type", self.member("RequesterType", kind)),
                ("id", id.to_string()),
            ],
        )
    }

    /// The applicant and the matter applied for.
    fn headline(&self) -> (String, Vec<String>) {
        let s = |x: &str| x.to_string();
        match self.input.request {
            Request::Share(r) => (
                self.institution(&r.requester),
                vec![self.ta(
                    "explain-matter-share",
                    &[
                        ("dataset", self.dataset(&r.dataset)),
                        ("scenario", self.scenario(&r.scenario)),
                    ],
                )],
            ),
            Request::Open(r) => (
                self.open_requester(r.requester.kind.as_str(), &r.requester.id),
                vec![self.ta(
                    "explain-matter-open",
                    &[("dataset", self.dataset(&r.dataset))],
                )],
            ),
            Request::Develop(r) => {
                let sets: Vec<String> = r.datasets.iter().map(|d| self.dataset(d)).collect();
                (
                    self.developer(&r.developer),
                    vec![self.ta(
                        "explain-matter-develop",
                        &[
                            (
                                "environment",
                                self.member("Environment", r.environment.as_str()),
                            ),
                            ("datasets", self.list(&sets)),
                            ("scenario", self.scenario(&r.scenario)),
                        ],
                    )],
                )
            }
            Request::CatalogChange(r) => (
                self.institution(&r.institution),
                vec![self.ta(
                    "explain-matter-catalog-change",
                    &[
                        ("change", self.member("ChangeKind", r.change.as_str())),
                        (
                            "dataset",
                            r.dataset
                                .as_deref()
                                .map_or_else(|| self.t("explain-dataset-new"), |d| self.dataset(d)),
                        ),
                        ("changed", self.date(r.basis_changed_on)),
                        (
                            "filed",
                            self.date(r.filed_on.unwrap_or_else(|| self.input.request.at())),
                        ),
                    ],
                )],
            ),
            Request::Collection(r) => {
                let mut m = vec![match r.dataset.as_deref() {
                    Some(d) => self.ta(
                        "explain-matter-collection-dataset",
                        &[("dataset", self.dataset(d))],
                    ),
                    None => self.t("explain-matter-collection"),
                }];
                if r.grassroots {
                    m.push(self.t("explain-matter-grassroots"));
                }
                (self.institution(&r.institution), m)
            }
            Request::Purchase(r) => (
                self.institution(&r.institution),
                vec![self.ta(
                    if r.fiscal_funds {
                        "explain-matter-purchase-fiscal"
                    } else {
                        "explain-matter-purchase"
                    },
                    &[("description", r.description.clone())],
                )],
            ),
            Request::Objection(r) => (
                self.open_requester(r.requester.kind.as_str(), &r.requester.id),
                vec![self.ta(
                    "explain-matter-objection",
                    &[("dataset", self.dataset(&r.dataset))],
                )],
            ),
            Request::Demand(r) => (
                self.institution(&r.requester),
                vec![match r.dataset.as_deref() {
                    Some(d) => self.ta(
                        "explain-matter-demand-dataset",
                        &[
                            ("dataset", self.dataset(d)),
                            ("scenario", self.scenario(&r.scenario)),
                        ],
                    ),
                    None => self.ta(
                        "explain-matter-demand",
                        &[("scenario", self.scenario(&r.scenario))],
                    ),
                }],
            ),
            Request::Correction(r) => (
                self.institution(&r.requester),
                vec![self.ta(
                    "explain-matter-correction",
                    &[("dataset", self.dataset(&r.dataset))],
                )],
            ),
            Request::ProductRegistration(r) => (
                self.developer(&r.developer),
                vec![self.ta("explain-matter-product", &[("name", s(&r.name))])],
            ),
            Request::ItProject(r) => (
                self.institution(&r.institution),
                vec![self.ta("explain-matter-it-project", &[("project", s(&r.project))])],
            ),
        }
    }

    /// The tiers the decision determined (`effective_tier`), by the labels of the enum the
    /// reported value is of.
    fn tiers(&self) -> Vec<String> {
        let d = self.input.decision;
        d.effective_tier
            .iter()
            .map(|(key, member)| {
                let (name, value) = match self.tier_enum(key) {
                    Some(e) => (
                        self.input
                            .policy
                            .enum_label(&e)
                            .map_or_else(|| key.clone(), str::to_string),
                        self.member(&e, member),
                    ),
                    None => (key.clone(), member.clone()),
                };
                self.ta("explain-tier", &[("name", name), ("value", value)])
            })
            .collect()
    }

    /// The enum a reported value of the decision's plan is of.
    fn tier_enum(&self, key: &str) -> Option<String> {
        tier_enum(
            self.input.policy,
            self.package(),
            self.input.request.kind(),
            key,
        )
    }

    fn sources(&self) -> Vec<String> {
        self.input
            .decision
            .sources
            .iter()
            .map(|src| {
                let rank = src.rank.as_deref().map_or_else(
                    || self.t("explain-rank-unknown"),
                    |r| self.member("LegalRank", r),
                );
                let f = &src.in_force;
                let period = match (f.from, f.until) {
                    (Some(from), None) => {
                        self.ta("explain-period-from", &[("from", self.date(from))])
                    }
                    (Some(from), Some(until)) => self.ta(
                        "explain-period-from-until",
                        &[("from", self.date(from)), ("until", self.date(until))],
                    ),
                    (None, None) => self.t("explain-period-unknown"),
                    (None, Some(until)) => self.ta(
                        "explain-period-unknown-until",
                        &[("until", self.date(until))],
                    ),
                };
                self.ta(
                    "explain-source",
                    &[
                        ("title", src.title.clone()),
                        ("rank", rank),
                        ("period", period),
                    ],
                )
            })
            .collect()
    }

    /// The party by its role's label and, where the decision or the request names it, the
    /// institution.
    fn party(&self, role: &str, id: Option<&str>) -> String {
        let role_label = self
            .input
            .policy
            .label(self.package(), LabelOf::Role, role)
            .map_or_else(|| role.to_string(), |l| l.to_string());
        let who = id.map(str::to_string).or_else(|| {
            crate::explain::party_of_request(role, self.input.request, self.input.facts)
        });
        match who {
            Some(id) => {
                let name = match self.input.request {
                    Request::Develop(_) | Request::ProductRegistration(_)
                        if role == "developer" =>
                    {
                        self.developer(&id)
                    }
                    Request::Open(r) if role == "requester" => {
                        self.open_requester(r.requester.kind.as_str(), &id)
                    }
                    Request::Objection(r) if role == "requester" => {
                        self.open_requester(r.requester.kind.as_str(), &id)
                    }
                    _ => self.institution(&id),
                };
                self.ta("explain-party", &[("role", role_label), ("who", name)])
            }
            None => self.ta("explain-party-role", &[("role", role_label)]),
        }
    }

    /// A finding's subject by name where the facts know it; none where they do not (a code of
    /// the policy, such as a deadline's: the finding's text says what it is about).
    fn subject(&self, subject: &str) -> Option<String> {
        let f = self.input.facts;
        if let Some(d) = f.dataset(subject) {
            return Some(self.ta("explain-dataset", &[("name", d.name.clone())]));
        }
        if let Some(i) = f.institution(subject) {
            return Some(i.name.clone());
        }
        f.developer(subject).map(|d| d.name.clone())
    }

    fn deadline(&self, x: &crate::decision::Deadline) -> Entry {
        let count = match (x.working_days, x.calendar_days) {
            (Some(n), _) => self.ta("explain-working-days", &[("n", n.to_string())]),
            (_, Some(n)) => self.ta("explain-calendar-days", &[("n", n.to_string())]),
            _ => String::new(),
        };
        let mut lines = vec![
            self.ta(
                "explain-deadline-due",
                &[
                    ("due", self.date(x.due)),
                    ("start", self.date(x.start)),
                    ("count", count),
                ],
            ),
            self.ta(
                "explain-deadline-status",
                &[("status", self.t(&format!("explain-status-{}", x.status)))],
            ),
        ];
        let (holidays, workdays) = calendar_days(self.input.calendar, x.start, x.due);
        if !holidays.is_empty() {
            let names: Vec<String> = holidays
                .iter()
                .map(|(name, from, to)| {
                    if from == to {
                        self.ta(
                            "explain-holiday-day",
                            &[("name", name.clone()), ("day", self.date(*from))],
                        )
                    } else {
                        self.ta(
                            "explain-holiday-span",
                            &[
                                ("name", name.clone()),
                                ("from", self.date(*from)),
                                ("to", self.date(*to)),
                            ],
                        )
                    }
                })
                .collect();
            lines.push(self.ta("explain-holidays", &[("names", self.list(&names))]));
        }
        if !workdays.is_empty() {
            let dates: Vec<String> = workdays.iter().map(|d| self.date(*d)).collect();
            lines.push(self.ta("explain-workdays", &[("dates", self.list(&dates))]));
        }
        let who = self.party(&x.party, x.party_id.as_deref());
        self.entry(Some(who), &x.text, lines, &x.cites)
    }

    fn entry(
        &self,
        heading: Option<String>,
        text: &str,
        lines: Vec<String>,
        cites: &[Arc<CiteOut>],
    ) -> Entry {
        Entry {
            heading,
            text: text.to_string(),
            lines,
            quotes: self.quotes(cites),
        }
    }

    /// Each citation with the text in force on the governing date; a provision cited both as
    /// written and as read by an interpretation once, as read.
    fn quotes(&self, cites: &[Arc<CiteOut>]) -> Vec<Quoted> {
        let policy = self.input.policy;
        let at = self.input.decision.governing_date;
        let mut out = Vec::new();
        for (i, c) in cites.iter().enumerate() {
            let shown_as_read = cites
                .iter()
                .any(|o| o.label == c.label && o.reading.is_some() && c.reading.is_none());
            let quoted_before = cites
                .iter()
                .take(i)
                .any(|o| o.label == c.label && o.reading.is_some());
            if shown_as_read || quoted_before {
                continue;
            }
            match crate::explain::quote_of(policy, c, at) {
                Some(q) => {
                    let id = if c.reading.is_some() {
                        "explain-quote-as-read"
                    } else {
                        "explain-quote"
                    };
                    out.push(Quoted {
                        line: self.ta(id, &[("label", c.label.to_string()), ("text", q.text)]),
                        notes: q
                            .notes
                            .into_iter()
                            .map(|n| self.ta("explain-quote-note", &[("note", n)]))
                            .collect(),
                    });
                }
                None => out.push(Quoted {
                    line: self.ta("explain-cite-only", &[("label", c.label.to_string())]),
                    notes: Vec::new(),
                }),
            }
        }
        out
    }

    fn interpretations(&self) -> Vec<Entry> {
        let d = self.input.decision;
        let mut names: Vec<&str> = Vec::new();
        let cites = d
            .reasons
            .iter()
            .flat_map(|r| &r.cites)
            .chain(d.deadlines.iter().flat_map(|x| &x.cites))
            .chain(d.obligations.iter().flat_map(|o| &o.cites))
            .chain(d.remedies.iter().flat_map(|r| &r.cites))
            .chain(d.findings.iter().flat_map(|f| &f.cites));
        for c in cites {
            if let Some(r) = &c.reading {
                if !names.contains(&&**r) {
                    names.push(r);
                }
            }
        }
        names
            .iter()
            .filter_map(|n| self.input.policy.interpretation(n))
            .map(|i| {
                let of: Vec<String> = i.of.iter().map(|c| c.label.to_string()).collect();
                Entry {
                    heading: Some(self.ta("explain-interpretation-of", &[("of", self.list(&of))])),
                    text: self.ta("explain-interpretation-says", &[("says", i.says.clone())]),
                    lines: vec![
                        self.ta(
                            "explain-interpretation-means",
                            &[("means", i.means.clone())],
                        ),
                        self.ta(
                            "explain-interpretation-adopted",
                            &[
                                ("by", i.adopted_by.clone()),
                                ("on", self.date(i.adopted_on)),
                            ],
                        ),
                    ],
                    quotes: Vec::new(),
                }
            })
            .collect()
    }
}

/// The enum of the value a plan reports under `key` (`effective_tier`), if it is one.
pub fn tier_enum(policy: &Program, package: &str, kind: &str, key: &str) -> Option<String> {
    let plan = policy.package(package)?.plan(kind)?;
    let (_, id) = plan.reported().iter().find(|(k, _)| k == key)?;
    match &plan.value(*id).ty {
        // INVARIANT: a type's enum id indexes the program's enums.
        Ty::Enum(e) => Some(policy.types.enums[*e].name.clone()),
        _ => None,
    }
}

/// The public holidays between `start` (exclusive) and `due` (inclusive), each with its first
/// and last day there, and the weekend days worked by adjustment (调休) in that span.
fn calendar_days(
    calendar: &Calendar,
    start: Date,
    due: Date,
) -> (Vec<(String, Date, Date)>, Vec<Date>) {
    let mut holidays: Vec<(String, Date, Date)> = Vec::new();
    let mut workdays = Vec::new();
    let mut d = start.add_days(1);
    let mut guard = 0;
    while d <= due && guard < 400 {
        if let Some(n) = calendar.holiday_name(d) {
            match holidays.iter_mut().find(|(name, _, _)| name == n) {
                Some(h) => h.2 = d,
                None => holidays.push((n.to_string(), d, d)),
            }
        }
        if calendar.is_adjusted_workday(d) {
            workdays.push(d);
        }
        d = d.add_days(1);
        guard += 1;
    }
    (holidays, workdays)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_as_documents_number_their_parts() {
        for (n, s) in [
            (1, "一"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (21, "二十一"),
            (99, "九十九"),
            (100, "100"),
        ] {
            assert_eq!(chinese_number(n), s, "{n}");
        }
    }

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(
            escape_markdown("<b>A & B</b> *x* [l](u) #1 a_b |"),
            r"&lt;b&gt;A &amp; B&lt;/b&gt; \*x\* \[l\](u) \#1 a\_b \|"
        );
    }

    #[test]
    fn blank_lines_made_single() {
        assert_eq!(single_blank_lines("a\n\n\n  \nb  \n\n"), "a\n\nb\n");
    }

    #[test]
    fn every_template_parses() {
        let env = environment();
        for f in [Format::Text, Format::Markdown, Format::Html] {
            assert!(env.get_template(f.template()).is_ok(), "{:?}", f);
        }
    }
}
