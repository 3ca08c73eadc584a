//! The compiled policy: what the evaluator executes and what explanations quote.
//!
//! Names are resolved, types checked and citations validated before anything lands here, so the
//! evaluator never looks a name up by string on its hot path.
//!
//! The compiler's result, [`PolicySet`], holds the [`Program`] (what a decision executes and
//! quotes) apart from what only tools read: the policy graph, the tests written in the language
//! and the coverage notes. An evaluator keeps the program alone.
//!
//! Indexes are typed ([`RuleId`], [`ValueId`], [`RegId`], …, each an [`Idx`] of an [`Arena`]):
//! an index is made by allocating what it points at, in the arena it then indexes. The
//! invariants the compiler establishes (`// INVARIANT:` where they are established and where
//! they are relied on):
//!
//! - every [`RegId`], [`FactId`] and [`KindId`] in a program indexes that program's
//!   `regulations`, `facts` and `kinds` (the compiler allocates them there and nowhere else);
//! - every [`RuleId`] and [`ValueId`] in a [`KindPlan`] indexes that plan's rules and values,
//!   and every [`BranchId`] of a [`ValueDef`] that value's exceptions;
//! - a plan's guards, rules and exceptions (`deciding`), checks and `otherwise` are its rules
//!   by role, each once, in declaration order;
//! - the override relations are acyclic (a policy set is only returned without errors), and a
//!   rule's `depth` is one more than that of the deepest rule it overrides.

use crate::graph::PolicyGraph;
use crate::types::{EnumId, FieldId, RecordId, Ty, Types};
use datalex_lang::ast::{DefectKind, Effect, FindingSeverity, LabelOf, RuleRole};
use datalex_lang::date::Date;
use datalex_lang::{FileId, Span};
pub use la_arena::{Arena, ArenaMap, Idx};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A regulation: its index in [`Program::regulations`].
pub type RegId = Idx<RegulationText>;
/// A fact collection: its index in [`Program::facts`].
pub type FactId = Idx<FactDef>;
/// A request kind: its index in [`Program::kinds`].
pub type KindId = Idx<KindDef>;
/// A derived value of a plan: its index in the plan's values ([`KindPlan::value`]).
pub type ValueId = Idx<ValueDef>;
/// A guard, rule, exception, check or otherwise of a plan ([`KindPlan::rule`]).
pub type RuleId = Idx<RuleDef>;
/// An exception of a derived value: its index in [`ValueDef::exceptions`].
pub type BranchId = Idx<Branch>;

/// The codes the evaluator gives of its own, beside those the policy's outcome parts name:
/// tests may expect them (E0131 counts them among what every plan can give).
pub mod builtin {
    /// The reason of a decision whose rules (or a value's exceptions) conflict: deny.
    pub const RULE_CONFLICT: &str = "rule_conflict";
    /// The finding of a deadline whose start or period is unknown.
    pub const DEADLINE_NOT_COMPUTED: &str = "deadline_not_computed";
    /// The finding of a deadline counted past the calendar years loaded.
    pub const CALENDAR_NOT_LOADED: &str = "calendar_not_loaded";
}

/// A compiled policy set: the [`Program`] the evaluator executes, and what tools read about it
/// (the policy graph, the tests, the coverage notes). It dereferences to its program.
#[derive(Debug, Clone)]
pub struct PolicySet {
    /// What decisions execute and quote, shared with every evaluator bound to it.
    pub program: Arc<Program>,
    /// The policy graph.
    pub graph: PolicyGraph,
    /// Tests written in the language.
    pub tests: Vec<TestCase>,
    /// What the policy files say about articles they do not encode.
    pub coverage: Vec<CoverageNote>,
}

impl std::ops::Deref for PolicySet {
    type Target = Program;

    fn deref(&self) -> &Program {
        &self.program
    }
}

/// What the evaluator executes: every package, with a decision plan per package and request
/// kind, and the regulations, types, facts and kinds the plans refer to by index. Only the
/// compiler makes one (`non_exhaustive`), so the indexes in it are its own.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Program {
    /// The regulations with their text.
    pub regulations: Arena<RegulationText>,
    /// Enums and records.
    pub types: Types,
    /// Fact collections the evaluator must supply.
    pub facts: Arena<FactDef>,
    /// Request kinds: name and request record.
    pub kinds: Arena<KindDef>,
    /// Packages, in dependency order (a package after the one it extends).
    pub packages: Vec<Arc<Package>>,
    /// The recorded readings of the text (`interpretation`), in declaration order.
    pub interpretations: Vec<Interpretation>,
    /// The names people read for roles and scenarios (`labels`), in declaration order.
    pub labels: Vec<LabelDef>,
    /// `sha256:…` of every source text, in name order.
    pub hash: String,
}

/// One entry of a `labels` declaration: the name a person reads for a role or a scenario.
#[derive(Debug, Clone)]
pub struct LabelDef {
    /// The package that declares it (`std` for the prelude).
    pub package: String,
    /// What is named.
    pub of: LabelOf,
    /// The word as policies and requests write it (`provider`, `social_security`).
    pub name: String,
    /// Its label (`数据提供单位`, `社会保障`), shared with the decisions that show it.
    pub label: Arc<str>,
}

impl Program {
    /// The program's parts, as the compiler has them when it is done.
    pub(crate) fn new(
        regulations: Arena<RegulationText>,
        types: Types,
        facts: Arena<FactDef>,
        kinds: Arena<KindDef>,
        packages: Vec<Package>,
        interpretations: Vec<Interpretation>,
        hash: String,
    ) -> Program {
        Program {
            regulations,
            types,
            facts,
            kinds,
            packages: packages.into_iter().map(Arc::new).collect(),
            interpretations,
            labels: Vec::new(),
            hash,
        }
    }

    /// The label of a role or scenario as `package` reads it: its own `labels`, else those of
    /// the packages it extends, nearest first, else the prelude's, else any package's (a kind
    /// decided with another package's rules, `use`, shows that package's roles).
    pub fn label(&self, package: &str, of: LabelOf, name: &str) -> Option<&Arc<str>> {
        let find = |pkg: &str| {
            self.labels
                .iter()
                .find(|l| l.package == pkg && l.of == of && l.name == name)
                .map(|l| &l.label)
        };
        let mut cur = Some(package);
        let mut hops = 0;
        while let Some(p) = cur {
            if let Some(l) = find(p) {
                return Some(l);
            }
            hops += 1;
            cur = self
                .package(p)
                .and_then(|x| x.extends.as_deref())
                .filter(|_| hops <= self.packages.len());
        }
        find(crate::compile::STD).or_else(|| {
            self.labels
                .iter()
                .find(|l| l.of == of && l.name == name)
                .map(|l| &l.label)
        })
    }

    /// The label of a request kind (`kind share: ShareRequest "共享"`).
    pub fn kind_label(&self, kind: &str) -> Option<&str> {
        self.kinds
            .values()
            .find(|k| k.name == kind)
            .and_then(|k| k.label.as_deref())
    }

    /// The label of an enum (`enum LegalRank ordered "法律位阶"`).
    pub fn enum_label(&self, name: &str) -> Option<&str> {
        let e = self.types.enum_named(name)?;
        self.types.enums[e].doc.as_deref()
    }

    /// The label of a member of an enum (`local_government_rule` of `LegalRank`: 地方政府规章).
    pub fn member_label(&self, enum_name: &str, member: &str) -> Option<&str> {
        let e = self.types.enum_named(enum_name)?;
        self.types.enums[e]
            .members
            .iter()
            .find(|(m, _)| m == member)
            .and_then(|(_, d)| d.as_deref())
    }
}

/// `interpretation NAME of §… { says … means … adopted by … on … }`: a reading of provisions
/// their text leaves open. What cites it (`reading NAME`) cites those provisions as read so.
#[derive(Debug, Clone)]
pub struct Interpretation {
    /// Its name.
    pub name: Arc<str>,
    /// The package that declares it.
    pub package: String,
    /// The provisions it reads.
    pub of: Vec<Cite>,
    /// What the text says (verbatim).
    pub says: String,
    /// What the policy takes it to mean.
    pub means: String,
    /// Who adopted the reading.
    pub adopted_by: String,
    /// When.
    pub adopted_on: Date,
    /// Where it is declared.
    pub span: Span,
}

/// A quotation of a provision as a person may trust it: the text with the source copy's known
/// defects taken out, and a note for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The text (garbled runs replaced by `〔…〕`, duplications by their reading).
    pub text: String,
    /// What was taken out or corrected, for the reader.
    pub notes: Vec<String>,
}

impl Program {
    /// The package with this name.
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.name == name).map(|p| &**p)
    }

    /// The package with this name, shared.
    pub fn package_arc(&self, name: &str) -> Option<Arc<Package>> {
        self.packages.iter().find(|p| p.name == name).cloned()
    }

    /// The regulation with this id.
    pub fn regulation(&self, id: &str) -> Option<&RegulationText> {
        self.regulations.values().find(|r| r.id == id)
    }

    /// The text a citation points at: the item, the paragraph, or the whole article, in the
    /// version first declared.
    pub fn cited_text(&self, cite: &Cite) -> Option<String> {
        // INVARIANT: a citation's regulation is one of the program's (the compiler resolved it
        // against them).
        let reg = &self.regulations[cite.regulation];
        Self::text_of(cite, reg.articles.get(&cite.article?)?)
    }

    /// The text a citation points at in the version in force on `date` (or the version the
    /// citation names); `None` when no version is.
    pub fn cited_text_at(&self, cite: &Cite, date: Date) -> Option<String> {
        Self::text_of(cite, self.cited_article_at(cite, date)?)
    }

    fn cited_article_at(&self, cite: &Cite, date: Date) -> Option<&ArticleText> {
        let reg = &self.regulations[cite.regulation];
        let n = cite.article?;
        match cite.version {
            Some(v) => reg.versions(n).find(|a| a.in_force.from == Some(v)),
            None => reg.article_at(n, date),
        }
    }

    /// [`Program::cited_text_at`] as a quotation: without the source copy's known defects
    /// (`garbled`, `duplicated`), each said in a note.
    pub fn quote_at(&self, cite: &Cite, date: Date) -> Option<Quote> {
        let article = self.cited_article_at(cite, date)?;
        let mut text = Self::text_of(cite, article)?;
        let mut notes = Vec::new();
        for d in &article.defects {
            if !text.contains(d.run.as_str()) {
                continue;
            }
            // What the run is quoted as, and the note that says so.
            let (shown, note) = match d.kind {
                DefectKind::Garbled => (
                    "〔…〕".to_string(),
                    match &d.reading {
                        Some(r) => format!(
                            "〔…〕处为来源副本的乱码「{}」，已略去；可能的读法：「{r}」",
                            d.run
                        ),
                        None => format!("〔…〕处为来源副本的乱码「{}」，已略去", d.run),
                    },
                ),
                DefectKind::Duplicated => {
                    let fixed = d.reading.clone().unwrap_or_default();
                    let note = format!("来源副本此处重复「{}」，引文作「{fixed}」", d.run);
                    (fixed, note)
                }
                DefectKind::Target => {
                    let Some(until) = d.until.filter(|u| date > *u) else {
                        continue;
                    };
                    // Named by its opening words: the note says what was left out without
                    // quoting it as authority.
                    let head: String = d.run.chars().take(12).collect();
                    let more = if d.run.chars().count() > 12 {
                        "……"
                    } else {
                        ""
                    };
                    (
                        "〔…〕".to_string(),
                        format!("〔…〕处为时限至{until}的阶段目标（{head}{more}），决定之日已届满，不作为本决定的依据，未引"),
                    )
                }
            };
            text = text.replace(d.run.as_str(), &shown);
            notes.push(note);
        }
        Some(Quote { text, notes })
    }

    /// The interpretation with this name.
    pub fn interpretation(&self, name: &str) -> Option<&Interpretation> {
        self.interpretations.iter().find(|i| &*i.name == name)
    }

    /// Whether the package `package`'s own regulation is in force on `date`; if not, the
    /// regulation.
    pub fn not_in_force(&self, package: &str, date: Date) -> Option<&RegulationText> {
        let reg = &self.regulations[self.package(package)?.regulation?];
        (!reg.in_force.contains(date)).then_some(reg)
    }

    pub(crate) fn text_of(cite: &Cite, article: &ArticleText) -> Option<String> {
        match (cite.paragraph, cite.item) {
            (p, Some(i)) => {
                let para = article.paras.get(p.unwrap_or(1) as usize - 1)?;
                para.items
                    .iter()
                    .find(|(n, _)| *n == i)
                    .map(|(_, t)| t.clone())
            }
            (Some(p), None) => article
                .paras
                .get(p as usize - 1)
                .map(|para| para.full_text()),
            (None, None) => Some(
                article
                    .paras
                    .iter()
                    .map(ParaText::full_text)
                    .collect::<Vec<_>>()
                    .join(""),
            ),
        }
    }
}

/// A regulation as compiled.
#[derive(Debug, Clone)]
pub struct RegulationText {
    /// Id, e.g. `binzhou-2023`.
    pub id: String,
    /// Title, e.g. 滨州市公共数据管理办法.
    pub title: String,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Document number.
    pub number: Option<String>,
    /// Rank in the legal hierarchy (a `LegalRank` member).
    pub rank: Option<String>,
    /// Its level in the hierarchy (higher prevails); `None` if the rank is not declared.
    pub rank_level: Option<u32>,
    /// The territory it governs.
    pub territory: Option<String>,
    /// When it is in force (`from` is `None` when the start is unknown or unbounded).
    pub in_force: Period,
    /// The start date is declared unknown (`in force from unknown`).
    pub start_unknown: bool,
    /// What is said about the period.
    pub in_force_note: Option<String>,
    /// It declares `scope`s: it applies only to requests of the kinds they name, and only where
    /// their condition holds.
    pub scoped: bool,
    /// Later versions of articles (amendments), in the order declared; `articles` holds the
    /// first version of each.
    pub amendments: Vec<ArticleText>,
    /// Why the text is not available, if it is not.
    pub unavailable: Option<String>,
    /// Numbered like a plan (二、（一）2) rather than a law (第二条第一款第二项).
    pub plan: bool,
    /// The package that declares it.
    pub package: String,
    /// Articles by number.
    pub articles: BTreeMap<u32, ArticleText>,
    /// Article ranges whose text is lost, with a note.
    pub missing: Vec<(u32, u32, String)>,
    /// Chapters: number and title.
    pub chapters: Vec<(u32, String)>,
    /// Where it is declared.
    pub span: Span,
}

impl RegulationText {
    /// The regulation as declared, with `articles` and `amendments` (the compiler checks
    /// their numbering and periods first) and the level of its rank.
    pub fn from_ast(
        r: &datalex_lang::ast::Regulation,
        package: String,
        articles: BTreeMap<u32, ArticleText>,
        amendments: Vec<ArticleText>,
        rank_level: Option<u32>,
    ) -> RegulationText {
        RegulationText {
            id: r.id.name.clone(),
            title: r.title.value.clone(),
            issuer: r.issuer.as_ref().map(|s| s.value.clone()),
            number: r.number.as_ref().map(|s| s.value.clone()),
            rank: r.rank.as_ref().map(|s| s.name.clone()),
            rank_level,
            territory: r.territory.as_ref().map(|s| s.value.clone()),
            in_force: r.in_force.as_ref().map_or(Period::ALWAYS, |f| Period {
                from: f.from,
                until: f.until,
            }),
            start_unknown: r.in_force.as_ref().is_some_and(|f| f.from.is_none()),
            scoped: false,
            in_force_note: r
                .in_force
                .as_ref()
                .and_then(|f| f.note.as_ref().map(|n| n.value.clone())),
            amendments,
            unavailable: r.unavailable.as_ref().map(|s| s.value.clone()),
            plan: r.style.as_ref().is_some_and(|s| s.name == "plan"),
            package,
            articles,
            missing: r
                .missing
                .iter()
                .map(|m| (m.from, m.to, m.note.value.clone()))
                .collect(),
            chapters: r
                .chapters
                .iter()
                .map(|c| (c.number, c.title.value.clone()))
                .collect(),
            span: r.span,
        }
    }
}

impl RegulationText {
    /// Every version of article `n`, earliest first.
    pub fn versions(&self, n: u32) -> impl Iterator<Item = &ArticleText> {
        self.articles
            .get(&n)
            .into_iter()
            .chain(self.amendments.iter().filter(move |a| a.number == n))
    }

    /// The version of article `n` in force on `date`.
    pub fn article_at(&self, n: u32, date: Date) -> Option<&ArticleText> {
        self.versions(n).find(|a| a.in_force.contains(date))
    }

    /// The period in force as people read it: 2023-03-01 起施行, 施行日期不详, …
    pub fn period_label(&self) -> String {
        let from = match (self.in_force.from, self.start_unknown) {
            (Some(d), _) => format!("{d} 起施行"),
            (None, true) => "施行日期不详".to_string(),
            (None, false) => "施行日期未声明".to_string(),
        };
        match self.in_force.until {
            Some(u) => format!("{from}，{u} 止"),
            None => from,
        }
    }
}

/// A period in force: first and last day, both inclusive; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Period {
    /// First day.
    pub from: Option<Date>,
    /// Last day.
    pub until: Option<Date>,
}

impl Period {
    /// Unbounded on both sides.
    pub const ALWAYS: Period = Period {
        from: None,
        until: None,
    };

    /// Whether `d` falls inside.
    pub fn contains(&self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.until.is_none_or(|u| d <= u)
    }

    /// The days in both, if any.
    pub fn intersect(&self, o: &Period) -> Option<Period> {
        let from = match (self.from, o.from) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let until = match (self.until, o.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (from, until) {
            (Some(f), Some(u)) if u < f => None,
            _ => Some(Period { from, until }),
        }
    }

    /// `2023-03-01..`, `..2025-07-31`, `2023-03-01..2025-07-31`, `always`.
    pub fn label(&self) -> String {
        match (self.from, self.until) {
            (None, None) => "always".to_string(),
            (f, u) => format!(
                "{}..{}",
                f.map(|d| d.to_string()).unwrap_or_default(),
                u.map(|d| d.to_string()).unwrap_or_default()
            ),
        }
    }
}

/// An article's text (one version of it).
#[derive(Debug, Clone)]
pub struct ArticleText {
    /// Article number.
    pub number: u32,
    /// When this version is in force (within the regulation's period): from its `from` (or the
    /// regulation's start) to the day before the next version, or its `until`.
    pub in_force: Period,
    /// Chapter, if declared.
    pub chapter: Option<u32>,
    /// The beginning is lost.
    pub partial: bool,
    /// Written as a single paragraph (items are then cited directly: 第四十五条第三项).
    pub single: bool,
    /// Paragraphs in order (numbered from 1).
    pub paras: Vec<ParaText>,
    /// Paragraphs and items with a period of their own (a dated target): paragraph number
    /// (1 in a single-paragraph article), item (`None`: the paragraph) and period.
    pub part_periods: Vec<(u32, Option<u32>, Period)>,
    /// Known defects of the source copy in its text.
    pub defects: Vec<DefectText>,
    /// Where it is declared.
    pub span: Span,
}

/// A known defect of the source copy (`garbled`, `duplicated`) in an article's text.
#[derive(Debug, Clone)]
pub struct DefectText {
    /// Paragraph (1 in a single-paragraph article).
    pub para: u32,
    /// Item, when it is in an item.
    pub item: Option<u32>,
    /// Garbled or duplicated.
    pub kind: DefectKind,
    /// The run as the text has it.
    pub run: String,
    /// The likely reading.
    pub reading: Option<String>,
    /// The last day of a target.
    pub until: Option<Date>,
}

impl ArticleText {
    /// The article as declared, in force for `in_force`.
    pub fn from_ast(a: &datalex_lang::ast::Article, in_force: Period) -> ArticleText {
        ArticleText {
            number: a.number,
            in_force,
            chapter: a.chapter,
            partial: a.partial,
            single: a.single,
            paras: a
                .paras
                .iter()
                .map(|p| ParaText {
                    text: p.text.value.clone(),
                    items: p
                        .items
                        .iter()
                        .map(|i| (i.number, i.text.value.clone()))
                        .collect(),
                })
                .collect(),
            part_periods: a
                .paras
                .iter()
                .flat_map(|p| {
                    let own = period_of(p.from, p.until).map(|x| (p.number, None, x));
                    let items = p.items.iter().filter_map(move |i| {
                        period_of(i.from, i.until).map(|x| (p.number, Some(i.number), x))
                    });
                    own.into_iter().chain(items)
                })
                .collect(),
            defects: a
                .paras
                .iter()
                .flat_map(|p| {
                    let own = p.defects.iter().map(move |d| (p.number, None, d));
                    let items = p.items.iter().flat_map(move |i| {
                        i.defects.iter().map(move |d| (p.number, Some(i.number), d))
                    });
                    own.chain(items)
                })
                .map(|(para, item, d)| DefectText {
                    para,
                    item,
                    kind: d.kind,
                    run: d.run.value.clone(),
                    reading: d.reading.as_ref().map(|r| r.value.clone()),
                    until: d.until.map(|(u, _)| u),
                })
                .collect(),
            span: a.span,
        }
    }

    /// The period of paragraph `para` (or item `item` of it) where it has one of its own: the
    /// days within this version when a citation of it is in force. A citation of the whole
    /// article has none.
    pub fn part_period(&self, para: Option<u32>, item: Option<u32>) -> Option<Period> {
        if para.is_none() && item.is_none() {
            return Some(Period::ALWAYS);
        }
        let p = para.unwrap_or(1);
        let mut out = Period::ALWAYS;
        for (pp, pi, per) in &self.part_periods {
            if *pp == p && (pi.is_none() || *pi == item) {
                out = out.intersect(per)?;
            }
        }
        Some(out)
    }
}

/// A paragraph's or item's own period, if it declares one.
fn period_of(from: Option<(Date, Span)>, until: Option<(Date, Span)>) -> Option<Period> {
    (from.is_some() || until.is_some()).then(|| Period {
        from: from.map(|(d, _)| d),
        until: until.map(|(d, _)| d),
    })
}

/// A paragraph's text and items.
#[derive(Debug, Clone)]
pub struct ParaText {
    /// The paragraph's own text.
    pub text: String,
    /// Items: number and text.
    pub items: Vec<(u32, String)>,
}

impl ParaText {
    /// The paragraph with its items, as one text.
    pub fn full_text(&self) -> String {
        let mut s = self.text.clone();
        for (n, t) in &self.items {
            s.push('（');
            s.push_str(&datalex_lang::numerals::chinese(*n));
            s.push('）');
            s.push_str(t);
        }
        s
    }
}

/// A citation as a decision shows it (shared/contract/decision-api.md §3), built once per
/// citation when the policy is compiled; decisions share it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct CiteOut {
    /// Regulation id.
    pub regulation: String,
    /// Article (null: article unknown).
    pub article: Option<u32>,
    /// Paragraph.
    pub paragraph: Option<u32>,
    /// Item.
    pub item: Option<u32>,
    /// The version of the article cited by its date, when the citation names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Date>,
    /// 《…》第…条第…款第…项
    pub label: String,
    /// The interpretation the provision is cited as read by (`reading NAME`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<Arc<str>>,
}

/// A resolved citation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cite {
    /// The regulation.
    pub regulation: RegId,
    /// Its id, as in the decision JSON.
    pub regulation_id: String,
    /// Article (absent: "article unknown").
    pub article: Option<u32>,
    /// Paragraph.
    pub paragraph: Option<u32>,
    /// Item.
    pub item: Option<u32>,
    /// `§12@2025-01-01`: the version of the article it names.
    pub version: Option<Date>,
    /// When the cited provision is in force: the periods of the versions that have it, within
    /// the regulation's period. Empty when no version in force has it (an error).
    pub periods: Vec<Period>,
    /// The rank level of the regulation (higher prevails).
    pub rank: Option<u32>,
    /// 《滨州市公共数据管理办法》第二十条第二款第二项
    pub label: String,
    /// Cited as read by this interpretation (`reading NAME`).
    pub reading: Option<Arc<str>>,
    /// The citation as decisions show it ([`Cite::sealed`] builds it from the fields above).
    pub out: Arc<CiteOut>,
}

impl Cite {
    /// The citation with `out` built from its fields.
    #[must_use]
    pub fn sealed(mut self) -> Cite {
        self.out = Arc::new(CiteOut {
            regulation: self.regulation_id.clone(),
            article: self.article,
            paragraph: self.paragraph,
            item: self.item,
            version: self.version,
            label: self.label.clone(),
            reading: self.reading.clone(),
        });
        self
    }

    /// Whether the provision is in force on `d` (its regulation's scope aside).
    pub fn in_force_on(&self, d: Date) -> bool {
        self.periods.iter().any(|p| p.contains(d))
    }
}

/// A fact collection.
#[derive(Debug, Clone)]
pub struct FactDef {
    /// Name, e.g. `catalog`.
    pub name: String,
    /// Element record.
    pub record: RecordId,
    /// Lookup key field, for `catalog[id]`.
    pub key: Option<FieldId>,
}

/// A request kind.
#[derive(Debug, Clone)]
pub struct KindDef {
    /// Name, e.g. `share`.
    pub name: String,
    /// The request record.
    pub request: RecordId,
    /// What people call it (`共享`), from its declaration.
    pub label: Option<String>,
}

/// A package and its decision plans.
#[derive(Debug, Clone)]
pub struct Package {
    /// Name, e.g. `binzhou`.
    pub name: String,
    /// The package it builds on.
    pub extends: Option<String>,
    /// The package's own regulation (for bare `§` citations).
    pub regulation: Option<RegId>,
    /// One plan per request kind that has rules in this package or its bases.
    pub plans: Vec<KindPlan>,
    /// Params visible in the package: qualified name and value as written.
    pub params: Vec<ParamDef>,
    /// Files of the package.
    pub files: Vec<FileId>,
}

impl Package {
    /// The plan for a request kind.
    pub fn plan(&self, kind: &str) -> Option<&KindPlan> {
        self.plans.iter().find(|p| p.kind == kind)
    }
}

/// A param as compiled.
#[derive(Debug, Clone)]
pub struct ParamDef {
    /// Qualified name.
    pub name: String,
    /// The value as written, for explanations.
    pub source: String,
    /// Citations.
    pub cites: Vec<Cite>,
    /// Its documentation.
    pub doc: Option<String>,
}

/// How one package decides one kind of request.
///
/// Only the compiler builds one (its index-bearing fields are private to it), so every
/// [`RuleId`] and [`ValueId`] in it indexes its own rules and values: the accessors look them up
/// without a fallback.
#[derive(Debug, Clone)]
pub struct KindPlan {
    /// Request kind.
    pub kind: String,
    /// The kind's index in [`Program::kinds`].
    pub kind_id: KindId,
    /// Derived values, in the order they were first lowered.
    pub(crate) values: Arena<ValueDef>,
    /// All rules: guards, rules, exceptions, checks and the otherwise, in declaration order.
    pub(crate) rules: Arena<RuleDef>,
    /// Guards in order.
    pub(crate) guards: Vec<RuleId>,
    /// Rules and exceptions.
    pub(crate) deciding: Vec<RuleId>,
    /// Checks.
    pub(crate) checks: Vec<RuleId>,
    /// The fail-closed default.
    pub(crate) otherwise: Option<RuleId>,
    /// Values reported in `effective_tier`: key and value.
    pub(crate) reported: Vec<(String, ValueId)>,
    /// Whom each regulation with a `scope` for this kind applies to.
    pub(crate) scopes: Vec<(RegId, Ex)>,
    /// When the rules of this plan (its `otherwise` aside) are grounded in something in force:
    /// each cited regulation with the periods of what is cited. On a date outside all of them
    /// nothing of the jurisdiction governs this kind of request.
    pub(crate) in_force: Vec<(RegId, Period)>,
    /// Locals any one rule or value needs.
    pub max_locals: usize,
}

impl KindPlan {
    /// The rule `id`.
    pub fn rule(&self, id: RuleId) -> &RuleDef {
        // INVARIANT: the plan's rule ids were allocated in `rules` (see the type's docs).
        &self.rules[id]
    }

    /// Every rule (guards, rules, exceptions, checks and the otherwise), in declaration order.
    pub fn rules(&self) -> impl ExactSizeIterator<Item = (RuleId, &RuleDef)> + Clone + '_ {
        self.rules.iter()
    }

    /// The derived value `id`.
    pub fn value(&self, id: ValueId) -> &ValueDef {
        // INVARIANT: the plan's value ids (in `Ex::Value`, `uses_values`, `reported`) were
        // allocated in `values` by the plan's builder.
        &self.values[id]
    }

    /// Every derived value, in the order of their ids.
    pub fn values(&self) -> impl ExactSizeIterator<Item = (ValueId, &ValueDef)> + Clone + '_ {
        self.values.iter()
    }

    /// The guards, in order: the first that holds decides.
    pub fn guards(&self) -> impl ExactSizeIterator<Item = (RuleId, &RuleDef)> + Clone + '_ {
        self.with_rules(&self.guards)
    }

    /// The rules and exceptions, in declaration order.
    pub fn deciding(&self) -> impl ExactSizeIterator<Item = (RuleId, &RuleDef)> + Clone + '_ {
        self.with_rules(&self.deciding)
    }

    /// The checks, in declaration order.
    pub fn checks(&self) -> impl ExactSizeIterator<Item = (RuleId, &RuleDef)> + Clone + '_ {
        self.with_rules(&self.checks)
    }

    /// The fail-closed default, if the plan has one.
    pub fn otherwise(&self) -> Option<(RuleId, &RuleDef)> {
        self.otherwise.map(|id| (id, self.rule(id)))
    }

    /// Values reported in `effective_tier`: key and value, by key.
    pub fn reported(&self) -> &[(String, ValueId)] {
        &self.reported
    }

    /// The regulations with a `scope` for this kind, with whom each applies to.
    pub fn scopes(&self) -> &[(RegId, Ex)] {
        &self.scopes
    }

    /// Whom regulation `reg` applies to, if it has a `scope` for this kind.
    pub fn scope(&self, reg: RegId) -> Option<&Ex> {
        self.scopes
            .iter()
            .find(|(r, _)| *r == reg)
            .map(|(_, ex)| ex)
    }

    /// When the rules of this plan (its `otherwise` aside) are grounded in something in force:
    /// each cited regulation with the periods of what is cited.
    pub fn in_force(&self) -> &[(RegId, Period)] {
        &self.in_force
    }

    fn with_rules<'a>(
        &'a self,
        ids: &'a [RuleId],
    ) -> impl ExactSizeIterator<Item = (RuleId, &'a RuleDef)> + Clone + 'a {
        ids.iter().map(|&id| (id, self.rule(id)))
    }
}

/// A derived value.
#[derive(Debug, Clone)]
pub struct ValueDef {
    /// Qualified name.
    pub name: Arc<str>,
    /// Its type.
    pub ty: Ty,
    /// The default (or only) definition.
    pub default: Ex,
    /// Citations of the default or the value.
    pub cites: Vec<Cite>,
    /// Exceptions in declaration order.
    pub exceptions: Arena<Branch>,
    /// Whether it is fact plumbing from the prelude (hidden in traces).
    pub plumbing: bool,
    /// What grounds it (its own `cites`): it is missing while none of them is in force.
    pub grounds: Vec<Cite>,
    /// Where it is declared.
    pub span: Span,
}

/// An exception of a value.
#[derive(Debug, Clone)]
pub struct Branch {
    /// Qualified name.
    pub name: Arc<str>,
    /// Exceptions of the same value it overrides.
    pub overrides: Vec<BranchId>,
    /// Citations.
    pub cites: Vec<Cite>,
    /// When it applies.
    pub when: Ex,
    /// The value it gives.
    pub result: Ex,
    /// What it adds to the decision when it decides the value.
    pub parts: Vec<Part>,
    /// The condition as written, for traces.
    pub when_source: String,
    /// Where it is declared.
    pub span: Span,
}

/// A guard, rule, exception, check or otherwise.
#[derive(Debug, Clone)]
pub struct RuleDef {
    /// Qualified name, e.g. `binzhou.conditional_share`.
    pub name: Arc<str>,
    /// Its role.
    pub role: RuleRole,
    /// Condition (always true for `otherwise`).
    pub when: Option<Ex>,
    /// Effect, reason code and text.
    pub effect: Option<(Effect, Arc<str>, Arc<str>)>,
    /// Obligations, deadlines, findings, further reasons.
    pub parts: Vec<Part>,
    /// Citations; the rule applies only while one of them is in force (`otherwise` aside).
    pub cites: Vec<Cite>,
    /// The rank level of the source it implements (its first citation's regulation).
    pub rank: Option<u32>,
    /// `consistent with …`: the author's finding that it does not contradict the higher-rank
    /// rule it overrides or replaces, with why.
    pub consistent: Option<(Cite, String)>,
    /// Rules it overrides.
    pub overrides: Vec<RuleId>,
    /// How many exceptions deep it is (0 for base rules); reasons list deeper rules first.
    pub depth: usize,
    /// Values its condition and outcome use, directly or through other values.
    pub uses_values: Vec<ValueId>,
    /// The condition as written, for traces.
    pub when_source: String,
    /// The condition's top-level `and`-ed parts, evaluated in order, for traces that show which
    /// part held and the facts it looked at. Their conjunction is `when`.
    pub conjuncts: Vec<Conjunct>,
    /// Its keyword and name, for diagnostics.
    pub head: Span,
    /// Where it is declared.
    pub span: Span,
}

/// One part of an outcome.
#[derive(Debug, Clone)]
pub enum Part {
    /// A further reason.
    Reason {
        /// Code.
        code: Arc<str>,
        /// Text.
        text: Arc<str>,
        /// Citations.
        cites: Vec<Cite>,
    },
    /// An obligation.
    Obligation {
        /// Code.
        code: Arc<str>,
        /// Who is bound.
        party: Arc<str>,
        /// The institution the party is (a record or a list of them, the first counting).
        party_id: Option<Ex>,
        /// Until when.
        until: Option<Ex>,
        /// Text.
        text: Arc<str>,
        /// Citations.
        cites: Vec<Cite>,
    },
    /// A deadline.
    Deadline {
        /// Code.
        code: Arc<str>,
        /// Who must act.
        party: Arc<str>,
        /// The institution the party is (a record or a list of them, the first counting).
        party_id: Option<Ex>,
        /// How long.
        within: Ex,
        /// The param the duration comes from, if it is one.
        param: Option<String>,
        /// From when.
        from: Ex,
        /// The day whose law governs it, when earlier than the request's date.
        as_of: Option<Ex>,
        /// When the act was done, if known.
        met_by: Option<Ex>,
        /// Text.
        text: Arc<str>,
        /// Citations.
        cites: Vec<Cite>,
    },
    /// Where a refused party can turn.
    Remedy {
        /// Code.
        code: Arc<str>,
        /// Text.
        text: Arc<str>,
        /// Citations.
        cites: Vec<Cite>,
    },
    /// A finding.
    Finding {
        /// Code.
        code: Arc<str>,
        /// Severity.
        severity: FindingSeverity,
        /// Subject.
        subject: Ex,
        /// Text.
        text: Arc<str>,
        /// Citations.
        cites: Vec<Cite>,
    },
}

impl Part {
    /// Its citations.
    pub fn cites(&self) -> &[Cite] {
        match self {
            Part::Reason { cites, .. }
            | Part::Obligation { cites, .. }
            | Part::Deadline { cites, .. }
            | Part::Remedy { cites, .. }
            | Part::Finding { cites, .. } => cites,
        }
    }
}

/// A constant.
#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Text.
    Text(String),
    /// A date.
    Date(Date),
    /// A duration.
    Duration {
        /// How many.
        count: i64,
        /// Working days (else calendar days).
        working: bool,
    },
    /// An enum member.
    Enum(EnumId, String),
}

/// The operators of an [`Ex::Arith`] chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
}

impl ArithOp {
    /// As written.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
        }
    }

    /// `1` or `-1`.
    pub fn sign(self) -> i64 {
        match self {
            ArithOp::Add => 1,
            ArithOp::Sub => -1,
        }
    }
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// As written: `==`, `<=`, ….
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// The operator with its operands swapped: `a < b` is `b > a`.
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }

    /// Whether `a op b` holds when `a` compares to `b` as `ord`.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        }
    }
}

/// A compiled, type-checked expression.
#[derive(Debug, Clone)]
pub enum Ex {
    /// A constant.
    Const(Const),
    /// The request.
    Request,
    /// A fact collection.
    Fact(FactId),
    /// A derived value (memoized per decision).
    Value(ValueId),
    /// A quantifier variable.
    Local(usize),
    /// A record field.
    Field(Box<Ex>, FieldId),
    /// `fact[key]`.
    Lookup(FactId, Box<Ex>),
    /// `not`.
    Not(Box<Ex>),
    /// `a and b and …` (short-circuit, left to right), flat: never fewer than two operands,
    /// and no pass recurses with their number.
    And(Vec<Ex>),
    /// `a or b or …` (short-circuit, left to right), flat like [`Ex::And`].
    Or(Vec<Ex>),
    /// A comparison; `Some(enum)` when members of an ordered enum are compared by rank.
    Cmp(CmpOp, Option<EnumId>, Box<Ex>, Box<Ex>),
    /// `a + b - c …`: `date ± duration`, `int ± int`, applied from left to right to the
    /// first operand; flat like [`Ex::And`].
    Arith(Box<Ex>, Vec<(ArithOp, Ex)>),
    /// `is missing`.
    IsMissing(Box<Ex>),
    /// `exists`.
    Exists(Box<Ex>),
    /// Membership.
    In {
        /// `not in`.
        negated: bool,
        /// Element.
        elem: Box<Ex>,
        /// Collection.
        coll: Box<Ex>,
    },
    /// A set or list literal.
    List(Vec<Ex>),
    /// `any` / `all`.
    Quant {
        /// `all` (else `any`).
        all: bool,
        /// The local it binds.
        var: usize,
        /// Collection.
        coll: Box<Ex>,
        /// Condition.
        body: Box<Ex>,
    },
    /// `applies REG`: the regulation is in force on the governing date and its scope holds.
    Applies(RegId, Option<Box<Ex>>),
    /// A param grounded in citations: missing while none of them is in force.
    Grounded(Vec<Cite>, Box<Ex>),
    /// `each x in c where p`.
    Each {
        /// The local it binds.
        var: usize,
        /// Collection.
        coll: Box<Ex>,
        /// Condition.
        cond: Box<Ex>,
    },
}

/// A test written in the language.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// Its name.
    pub name: String,
    /// The package it belongs to.
    pub package: String,
    /// The file it is in.
    pub file: FileId,
    /// Facts directory as written (relative to the file).
    pub facts: Option<String>,
    /// The request as JSON.
    pub request: Option<String>,
    /// Expectations.
    pub expects: Vec<datalex_lang::ast::ExpectKind>,
    /// Where it is.
    pub span: Span,
}

/// `coverage REG { §N not_decidable "why" }`: why an article is not encoded.
#[derive(Debug, Clone)]
pub struct CoverageNote {
    /// The regulation.
    pub regulation: RegId,
    /// The article.
    pub article: u32,
    /// Article, paragraph and item as written (`§2.1.3` in a plan names a task).
    pub path: Vec<u32>,
    /// Machine-decidable (so: not encoded yet), or not machine-decidable.
    pub decidable: bool,
    /// Why.
    pub reason: String,
    /// Where it is said.
    pub span: Span,
}

/// One top-level part of a rule's condition.
#[derive(Debug, Clone)]
pub struct Conjunct {
    /// As written.
    pub source: String,
    /// Compiled.
    pub ex: Ex,
    /// The operands worth showing in a trace (not literals): as written, and compiled.
    pub subjects: Vec<(String, Ex)>,
}

/// `parts` joined by `op` and parenthesised as the pairs of a left-nested chain,
/// `((a op b) op c)`: how an n-ary `and`/`or` is written where the reader expects binary
/// operators (the analysis's example conditions, the Cedar export). Built in one pass, without
/// recursion, whatever the chain's length.
pub fn left_nested(op: &str, parts: &[String]) -> String {
    let mut s = "(".repeat(parts.len().saturating_sub(1));
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            s.push(' ');
            s.push_str(op);
            s.push(' ');
        }
        s.push_str(part);
        if i > 0 {
            s.push(')');
        }
    }
    s
}
