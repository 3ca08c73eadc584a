//! The syntax tree of a policy file. Every node that a diagnostic can point at carries a [`Span`].

use crate::date::Date;
use crate::span::Span;

pub mod visit;

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name (may be Chinese).
    pub name: String,
    /// Where it stands.
    pub span: Span,
}

/// A string literal after unescaping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    /// The unescaped text.
    pub value: String,
    /// The literal, quotes included.
    pub span: Span,
}

/// One parsed file: its items in source order. Items that failed to parse are absent; their
/// diagnostics were reported by the parser.
#[derive(Debug, Clone, Default)]
pub struct File {
    /// The items of the file.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Debug, Clone)]
pub enum Item {
    /// `package binzhou extends shandong`
    Package(PackageDecl),
    /// `regulation id "title" { … }`
    Regulation(Regulation),
    /// `enum ShareTier { … }`
    Enum(EnumDecl),
    /// `record Dataset { … }`
    Record(RecordDecl),
    /// `fact catalog: [Dataset] keyed by id`
    Fact(FactDecl),
    /// `kind share: ShareRequest`
    Kind(KindDecl),
    /// `param reply_period = 10 working days cites …`
    Param(ParamDecl),
    /// `value effective_share: ShareTier on share { … }`
    Value(ValueDecl),
    /// `guard`, `rule`, `exception`, `check` and `otherwise`.
    Rule(RuleDecl),
    /// `test "name" { … }`
    Test(TestDecl),
    /// `coverage REGULATION { §N not_decidable "why" … }`
    Coverage(CoverageDecl),
    /// `use PACKAGE for KIND, …`
    Use(UseDecl),
    /// `interpretation NAME of §… { … }`
    Interpretation(InterpretationDecl),
    /// `scope REGULATION on KINDS cites … when CONDITION`
    Scope(ScopeDecl),
    /// `labels role { NAME "标签" … }`
    Labels(LabelsDecl),
}

impl Item {
    /// Where the whole declaration is.
    pub fn span(&self) -> Span {
        match self {
            Item::Package(x) => x.span,
            Item::Regulation(x) => x.span,
            Item::Enum(x) => x.span,
            Item::Record(x) => x.span,
            Item::Fact(x) => x.span,
            Item::Kind(x) => x.span,
            Item::Param(x) => x.span,
            Item::Value(x) => x.span,
            Item::Rule(x) => x.span,
            Item::Test(x) => x.span,
            Item::Coverage(x) => x.span,
            Item::Use(x) => x.span,
            Item::Scope(x) => x.span,
            Item::Interpretation(x) => x.span,
            Item::Labels(x) => x.span,
        }
    }
}

/// `scope national-2025 on share cites §2 when …`: the requests of these kinds a regulation
/// applies to (beyond its period in force). Rules grounded in the regulation apply only to them.
#[derive(Debug, Clone)]
pub struct ScopeDecl {
    /// The regulation.
    pub regulation: Ident,
    /// The request kinds.
    pub kinds: Vec<Ident>,
    /// Citations (the articles that say whom it applies to).
    pub cites: Vec<Citation>,
    /// The condition on a request.
    pub when: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// `in force from DATE [until DATE] ["note"]`, or `in force from unknown "why"`.
#[derive(Debug, Clone)]
pub struct InForce {
    /// First day in force; `None` when the date is unknown.
    pub from: Option<Date>,
    /// Last day in force, if it was repealed or expired.
    pub until: Option<Date>,
    /// What is known about the period (required in spirit when `from` is unknown).
    pub note: Option<Str>,
    /// The whole clause.
    pub span: Span,
}

/// `use zunyi for develop`: decide these request kinds with another package's rules.
#[derive(Debug, Clone)]
pub struct UseDecl {
    /// The package whose rules decide.
    pub package: Ident,
    /// The request kinds.
    pub kinds: Vec<Ident>,
    /// The whole declaration.
    pub span: Span,
}

/// Why articles of a regulation are not encoded.
#[derive(Debug, Clone)]
pub struct CoverageDecl {
    /// The regulation.
    pub regulation: Ident,
    /// Entries in order.
    pub entries: Vec<CoverageEntry>,
    /// The whole declaration.
    pub span: Span,
}

/// `§5, §6 not_decidable "why"`
#[derive(Debug, Clone)]
pub struct CoverageEntry {
    /// The articles (article numbers; paragraph and item, if given, are kept), as written.
    pub articles: Vec<(Vec<u32>, CiteForm, Span)>,
    /// Not machine-decidable (else: not encoded yet).
    pub decidable: bool,
    /// Why.
    pub reason: Str,
    /// The whole entry.
    pub span: Span,
}

/// `package NAME [extends BASE]`
#[derive(Debug, Clone)]
pub struct PackageDecl {
    /// The package name.
    pub name: Ident,
    /// The package it builds on.
    pub extends: Option<Ident>,
    /// The whole declaration.
    pub span: Span,
}

/// A regulation with its metadata and text.
#[derive(Debug, Clone)]
pub struct Regulation {
    /// Its id, e.g. `binzhou-2023`.
    pub id: Ident,
    /// Its title, e.g. 滨州市公共数据管理办法.
    pub title: Str,
    /// Issuing body.
    pub issuer: Option<Str>,
    /// Document number.
    pub number: Option<Str>,
    /// Rank in the legal hierarchy (a `LegalRank` member).
    pub rank: Option<Ident>,
    /// The territory it governs, e.g. 滨州市.
    pub territory: Option<Str>,
    /// When it is in force.
    pub in_force: Option<InForce>,
    /// Set when the text is not available: articles can only be cited as `§?`.
    pub unavailable: Option<Str>,
    /// `style plan`: numbered like a plan rather than a law.
    pub style: Option<Ident>,
    /// Chapters in order.
    pub chapters: Vec<Chapter>,
    /// Articles in order.
    pub articles: Vec<Article>,
    /// Articles known to exist whose text is lost.
    pub missing: Vec<Missing>,
    /// The whole declaration.
    pub span: Span,
}

impl Regulation {
    /// A regulation of this id and title with nothing declared in it yet, as a reader starts
    /// it.
    pub fn new(id: Ident, title: Str, span: Span) -> Regulation {
        Regulation {
            id,
            title,
            issuer: None,
            number: None,
            rank: None,
            territory: None,
            in_force: None,
            unavailable: None,
            style: None,
            chapters: Vec::new(),
            articles: Vec::new(),
            missing: Vec::new(),
            span,
        }
    }
}

/// `chapter N "title"`: the articles after it belong to it.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// Chapter number.
    pub number: u32,
    /// Chapter title.
    pub title: Str,
    /// Where it is declared.
    pub span: Span,
}

/// `missing A..B "why"`
#[derive(Debug, Clone)]
pub struct Missing {
    /// First missing article.
    pub from: u32,
    /// Last missing article (inclusive).
    pub to: u32,
    /// Why the text is missing.
    pub note: Str,
    /// Where it is declared.
    pub span: Span,
}

/// An article (条).
#[derive(Debug, Clone)]
pub struct Article {
    /// Article number.
    pub number: u32,
    /// The start of the article is lost.
    pub partial: bool,
    /// `from DATE`: this declaration is a version of the article in force from that date (an
    /// amendment of an earlier declaration of the same number).
    pub from: Option<(Date, Span)>,
    /// `until DATE`: the last day this version is in force.
    pub until: Option<(Date, Span)>,
    /// The chapter it belongs to, if chapters are declared.
    pub chapter: Option<u32>,
    /// Its paragraphs (款). An article written as one string is one paragraph.
    pub paras: Vec<Para>,
    /// Whether the article was written as one paragraph (`article N "…" { item … }`), which
    /// changes how it is cited: `§45.3` is then item 3, as in 第四十五条第三项.
    pub single: bool,
    /// Number and span of the article header.
    pub span: Span,
}

/// A paragraph (款).
#[derive(Debug, Clone)]
pub struct Para {
    /// Paragraph number.
    pub number: u32,
    /// Its text (for a paragraph with items, the lead-in).
    pub text: Str,
    /// Its items (项).
    pub items: Vec<ItemText>,
    /// `from DATE`: in force only from then (within its article's version).
    pub from: Option<(Date, Span)>,
    /// `until DATE`: in force only until then (a dated target: 到2021年底).
    pub until: Option<(Date, Span)>,
    /// Known defects of the source copy in its text.
    pub defects: Vec<Defect>,
    /// Where it is declared.
    pub span: Span,
}

/// An item (项).
#[derive(Debug, Clone)]
pub struct ItemText {
    /// Item number.
    pub number: u32,
    /// Its text.
    pub text: Str,
    /// `from DATE`: in force only from then.
    pub from: Option<(Date, Span)>,
    /// `until DATE`: in force only until then.
    pub until: Option<(Date, Span)>,
    /// Known defects of the source copy in its text.
    pub defects: Vec<Defect>,
    /// Where it is declared.
    pub span: Span,
}

/// What is wrong with a run of the source copy's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefectKind {
    /// Characters garbled by a bad conversion (`?;谌丝`): left out of quotations.
    Garbled,
    /// Characters written twice (`的的`): quoted as the reading.
    Duplicated,
    /// Not a defect: a dated target inside a longer paragraph or item (`到2022年年底前，…`),
    /// left out of the quotations of decisions after its date.
    Target,
}

impl DefectKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            DefectKind::Garbled => "garbled",
            DefectKind::Duplicated => "duplicated",
            DefectKind::Target => "target",
        }
    }
}

/// `garbled "RUN" reads "LIKELY"`: a known defect of the source copy, kept in the text as the
/// copy has it and marked so that quotations can leave it out and say so.
#[derive(Debug, Clone)]
pub struct Defect {
    /// Garbled or duplicated.
    pub kind: DefectKind,
    /// The run as it stands in the text.
    pub run: Str,
    /// The likely reading (required for a duplication).
    pub reading: Option<Str>,
    /// The last day of a target (required for a target, and only there).
    pub until: Option<(Date, Span)>,
    /// The whole clause.
    pub span: Span,
}

/// `interpretation NAME of §… { says "…" means "…" adopted by "…" on DATE }`: a reading of a
/// provision that its text leaves open, recorded with who adopted it and when.
#[derive(Debug, Clone)]
pub struct InterpretationDecl {
    /// Its name, cited as `reading NAME`.
    pub name: Ident,
    /// The provisions it reads.
    pub of: Vec<Citation>,
    /// What the text says (verbatim from the cited text).
    pub says: Str,
    /// What the policy takes it to mean.
    pub means: Str,
    /// Who adopted the reading.
    pub adopted_by: Str,
    /// When.
    pub adopted_on: Date,
    /// The whole declaration.
    pub span: Span,
}

/// A citation: `§20.2.2`, `binzhou-2023 §22`, `shandong-2019 §?`.
#[derive(Debug, Clone)]
pub struct Citation {
    /// The regulation named, or `None` for the package's own regulation.
    pub regulation: Option<Ident>,
    /// Article, paragraph, item; empty for `§?` (article unknown).
    pub path: Vec<u32>,
    /// `§12@2025-01-01`: the version of the article in force from that date.
    pub version: Option<Date>,
    /// How the numbers were written: `§20.2` or `第二十条第二款`.
    pub form: CiteForm,
    /// `reading NAME`: the provisions an interpretation reads, as it reads them (then
    /// `regulation` and `path` are empty).
    pub reading: Option<Ident>,
    /// The whole citation.
    pub span: Span,
}

/// How a citation's numbers were written. The numbers mean the same in every form but one:
/// `§45.3` is paragraph 3 of article 45, or its item 3 if the article has one paragraph (the
/// compiler knows which); `第四十五条第三款` is always a paragraph and `第四十五条第三项` always an
/// item of an article of one paragraph, as Chinese legal texts write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum CiteForm {
    /// `§20.2.2`.
    #[default]
    Section,
    /// `第二十条`, `第二十条第二款`, `第二十条第二款第二项`: each number named.
    Named,
    /// `第四十五条第三项`: an item of an article of one paragraph (the path's second number).
    NamedItem,
}

impl Citation {
    /// Whether this is an "article unknown" citation (`§?`).
    pub fn is_unknown(&self) -> bool {
        self.path.is_empty() && self.reading.is_none()
    }
}

/// `enum NAME [ordered] { member … }`
#[derive(Debug, Clone)]
pub struct EnumDecl {
    /// Type name.
    pub name: Ident,
    /// Members compare by declaration order (lowest first).
    pub ordered: bool,
    /// Documentation.
    pub doc: Option<Str>,
    /// Members with their documentation.
    pub members: Vec<(Ident, Option<Str>)>,
    /// `member = earlier` in an ordered enum: the member at this index ranks with the earlier
    /// member named (`departmental_rule = rule`).
    pub ties: Vec<(usize, Ident)>,
    /// The whole declaration.
    pub span: Span,
}

/// `record NAME { field: Type … }`
#[derive(Debug, Clone)]
pub struct RecordDecl {
    /// Type name.
    pub name: Ident,
    /// Documentation.
    pub doc: Option<Str>,
    /// Fields in order.
    pub fields: Vec<FieldDecl>,
    /// The whole declaration.
    pub span: Span,
}

/// One field of a record.
#[derive(Debug, Clone)]
pub struct FieldDecl {
    /// Field name.
    pub name: Ident,
    /// Field type.
    pub ty: TypeExpr,
    /// Documentation.
    pub doc: Option<Str>,
}

/// A type as written.
#[derive(Debug, Clone)]
pub enum TypeExpr {
    /// `Text`, `Dataset`, …
    Named(Ident),
    /// `[T]`
    List(Box<TypeExpr>, Span),
}

impl TypeExpr {
    /// Where the type is written.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(i) => i.span,
            TypeExpr::List(_, s) => *s,
        }
    }
}

/// `fact NAME: Type [keyed by FIELD]`: a collection the facts supply.
#[derive(Debug, Clone)]
pub struct FactDecl {
    /// The name rules use.
    pub name: Ident,
    /// Its type (a list).
    pub ty: TypeExpr,
    /// The field it can be looked up by with `name[key]`.
    pub keyed: Option<Ident>,
    /// Documentation.
    pub doc: Option<Str>,
    /// The whole declaration.
    pub span: Span,
}

/// `kind NAME: RequestRecord`: a request kind and the record type of its requests.
#[derive(Debug, Clone)]
pub struct KindDecl {
    /// Kind name (`share`, `open`, …).
    pub name: Ident,
    /// Record type of `request`.
    pub request: Ident,
    /// Documentation.
    pub doc: Option<Str>,
    /// The whole declaration.
    pub span: Span,
}

/// `labels role { provider "数据提供单位" … }`: the names people read for words that are not
/// declarations — the roles of obligations and deadlines, the scenarios of requests.
#[derive(Debug, Clone)]
pub struct LabelsDecl {
    /// What the names are.
    pub of: LabelOf,
    /// Each name with its label.
    pub entries: Vec<LabelEntry>,
    /// The whole declaration.
    pub span: Span,
}

/// What a `labels` declaration names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabelOf {
    /// The party of an obligation or deadline (`on provider`).
    Role,
    /// A request's `scenario`.
    Scenario,
}

impl LabelOf {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelOf::Role => "role",
            LabelOf::Scenario => "scenario",
        }
    }
}

/// `NAME "标签"` in a `labels` declaration.
#[derive(Debug, Clone)]
pub struct LabelEntry {
    /// The name (a role, a scenario).
    pub name: Ident,
    /// Its label.
    pub label: Str,
    /// The whole entry.
    pub span: Span,
}

/// `param NAME = EXPR cites …`
#[derive(Debug, Clone)]
pub struct ParamDecl {
    /// `override`: it replaces the param of the same name in a package this one extends.
    pub replaces: Option<Span>,
    /// Param name.
    pub name: Ident,
    /// Its value.
    pub value: Expr,
    /// Where the number comes from.
    pub cites: Vec<Citation>,
    /// Documentation.
    pub doc: Option<Str>,
    /// The whole declaration.
    pub span: Span,
}

/// A derived value: either `= EXPR` or a default with exceptions.
#[derive(Debug, Clone)]
pub struct ValueDecl {
    /// `override`: it replaces the value of the same name in a package this one extends.
    pub replaces: Option<Span>,
    /// Value name.
    pub name: Ident,
    /// Declared type.
    pub ty: Option<TypeExpr>,
    /// The request kinds it is defined for.
    pub kinds: Vec<Ident>,
    /// `reported as KEY`: the decision's `effective_tier.KEY` reports this value.
    pub reported: Option<Ident>,
    /// Citations of the whole value.
    pub cites: Vec<Citation>,
    /// The definition.
    pub body: ValueBody,
    /// The whole declaration.
    pub span: Span,
}

/// How a value is defined.
#[derive(Debug, Clone)]
pub enum ValueBody {
    /// `= EXPR`
    Expr(Expr),
    /// `{ default EXPR  exception … }`
    Block {
        /// The default and its citations.
        default: (Expr, Vec<Citation>),
        /// Exceptions in order.
        exceptions: Vec<ValueException>,
    },
}

/// `exception NAME [over A, B] cites … when COND => EXPR parts…` inside a value.
#[derive(Debug, Clone)]
pub struct ValueException {
    /// Exception name.
    pub name: Ident,
    /// Other exceptions of the same value it overrides.
    pub over: Vec<Ident>,
    /// Citations.
    pub cites: Vec<Citation>,
    /// When it applies.
    pub when: Expr,
    /// The value it gives.
    pub result: Expr,
    /// Reasons, obligations and findings it adds when it decides the value.
    pub parts: Vec<OutcomePart>,
    /// The whole exception.
    pub span: Span,
}

/// The role a rule plays in deciding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleRole {
    /// Checked first, in order; the first that holds decides.
    Guard,
    /// A base rule.
    Rule,
    /// A rule that overrides the rules it names.
    Exception,
    /// Never decides; adds findings whenever it holds.
    Check,
    /// The fail-closed default when no rule applies.
    Otherwise,
}

impl RuleRole {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            RuleRole::Guard => "guard",
            RuleRole::Rule => "rule",
            RuleRole::Exception => "exception",
            RuleRole::Check => "check",
            RuleRole::Otherwise => "otherwise",
        }
    }
}

/// A guard, rule, exception, check or otherwise.
#[derive(Debug, Clone)]
pub struct RuleDecl {
    /// `override`: it replaces the rule of the same name (for `otherwise`, of the same kinds) in a
    /// package this one extends.
    pub replaces: Option<Span>,
    /// Its role.
    pub role: RuleRole,
    /// Its name (absent only for `otherwise`).
    pub name: Option<Ident>,
    /// Rules it overrides (exceptions only).
    pub over: Vec<Ident>,
    /// The request kinds it applies to.
    pub kinds: Vec<Ident>,
    /// Citations.
    pub cites: Vec<Citation>,
    /// `consistent with CITATION "why"`: the author's finding that this rule does not
    /// contradict the higher-rank rule it overrides or replaces.
    pub consistent: Option<Consistent>,
    /// Its condition (absent only for `otherwise`).
    pub when: Option<Expr>,
    /// What it decides.
    pub outcome: Outcome,
    /// The keyword and name, for diagnostics.
    pub head: Span,
    /// The whole declaration.
    pub span: Span,
}

/// `consistent with national-2025 §15 "why"`
#[derive(Debug, Clone)]
pub struct Consistent {
    /// The higher-rank provision the rule is consistent with.
    pub cite: Citation,
    /// Why it does not contradict it.
    pub note: Str,
    /// The whole clause.
    pub span: Span,
}

/// The effect of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    /// May proceed now.
    Permit,
    /// May not.
    Deny,
    /// May proceed after the named human steps.
    Review,
}

impl Effect {
    /// The keyword, as in the decision JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Permit => "permit",
            Effect::Deny => "deny",
            Effect::Review => "review",
        }
    }
}

/// `permit CODE "text"` and what comes with it.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The effect with its reason code and text.
    pub effect: Option<(Effect, Ident, Str)>,
    /// Further reasons, obligations, deadlines, findings.
    pub parts: Vec<OutcomePart>,
}

/// Severity of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingSeverity {
    /// For information.
    Info,
    /// Should be looked at.
    Warning,
    /// Breaks a rule.
    Violation,
}

impl FindingSeverity {
    /// As in the decision JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingSeverity::Info => "info",
            FindingSeverity::Warning => "warning",
            FindingSeverity::Violation => "violation",
        }
    }
}

/// One part of an outcome.
#[derive(Debug, Clone)]
pub enum OutcomePart {
    /// `reason CODE "text" [cites …]`
    Reason {
        /// Reason code.
        code: Ident,
        /// Reason text.
        text: Str,
        /// Own citations (default: the rule's).
        cites: Vec<Citation>,
    },
    /// `obligation CODE on PARTY [until EXPR] "text" [cites …]`
    Obligation {
        /// Obligation code.
        code: Ident,
        /// Who is bound.
        party: Ident,
        /// `as VALUE`: the value naming the party's institution (default: the value named like
        /// the party).
        party_as: Option<Ident>,
        /// Until when.
        until: Option<Expr>,
        /// What they must do.
        text: Str,
        /// Own citations.
        cites: Vec<Citation>,
    },
    /// `deadline CODE on PARTY within DURATION from DATE [met by DATE] "text" [cites …]`
    Deadline {
        /// Deadline code.
        code: Ident,
        /// Who must act.
        party: Ident,
        /// `as VALUE`: the value naming the party's institution.
        party_as: Option<Ident>,
        /// How long.
        within: Expr,
        /// From when (counting starts the day after).
        from: Expr,
        /// `as of DATE`: the deadline follows the law in force on that day, when it is earlier
        /// than the request's date (boxed: most deadlines have none).
        as_of: Option<Box<Expr>>,
        /// The date the act was done, if known.
        met_by: Option<Expr>,
        /// What must be done.
        text: Str,
        /// Own citations.
        cites: Vec<Citation>,
    },
    /// `finding CODE SEVERITY on SUBJECT "text" [cites …]`
    Finding {
        /// Finding code.
        code: Ident,
        /// Severity.
        severity: FindingSeverity,
        /// What it is about.
        subject: Expr,
        /// What a reviewer should know.
        text: Str,
        /// Own citations.
        cites: Vec<Citation>,
    },
    /// `remedy CODE "text" [cites …]`: where a refused party can turn.
    Remedy {
        /// Remedy code.
        code: Ident,
        /// What the party can do.
        text: Str,
        /// Own citations.
        cites: Vec<Citation>,
    },
}

/// `test "name" { facts …  request …  expect … }`
#[derive(Debug, Clone)]
pub struct TestDecl {
    /// The test's name.
    pub name: Str,
    /// Data directory, relative to the file.
    pub facts: Option<Str>,
    /// The request.
    pub request: Option<TestRequest>,
    /// Expectations.
    pub expects: Vec<Expect>,
    /// The whole test.
    pub span: Span,
}

/// `request KIND { field value, … }`
#[derive(Debug, Clone)]
pub struct TestRequest {
    /// Request kind.
    pub kind: Ident,
    /// Fields as written.
    pub fields: Vec<(Ident, TestLiteral)>,
    /// The whole request.
    pub span: Span,
}

/// A literal in a test request.
#[derive(Debug, Clone)]
pub enum TestLiteral {
    /// A date.
    Date(Date),
    /// A string.
    Str(String),
    /// A whole number.
    Int(i64),
    /// `true` or `false`.
    Bool(bool),
    /// A bare word (an enum member such as `trusted`).
    Word(String),
    /// A list.
    List(Vec<TestLiteral>),
    /// An object: `{ type citizen, id "…" }`.
    Object(Vec<(Ident, TestLiteral)>),
}

/// Which part of a decision an expectation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// `reasons`
    Reason,
    /// `obligations`
    Obligation,
    /// `findings`
    Finding,
    /// `deadlines`
    Deadline,
    /// `remedies`
    Remedy,
    /// `sources` (a regulation id)
    Source,
}

impl PartKind {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Reason => "reason",
            PartKind::Obligation => "obligation",
            PartKind::Finding => "finding",
            PartKind::Deadline => "deadline",
            PartKind::Remedy => "remedy",
            PartKind::Source => "source",
        }
    }
}

/// One expectation of a test.
#[derive(Debug, Clone)]
pub struct Expect {
    /// What is expected.
    pub kind: ExpectKind,
    /// Where it is written.
    pub span: Span,
}

/// What a test expects.
#[derive(Debug, Clone)]
pub enum ExpectKind {
    /// `expect review conditional_share_application`: the effect, and reasons that must appear.
    Effect(Effect, Vec<Ident>),
    /// `expect finding X`
    Has(PartKind, Ident),
    /// `expect no finding X`
    HasNo(PartKind, Ident),
    /// `expect deadline X due DATE [status S] [party "ID"]`
    Deadline(Ident, Date, Option<Ident>, Option<Str>),
    /// `expect error not_in_force`: the request is not a decision, with this error code.
    Error(Ident),
    /// `expect tier share conditional`
    Tier(Ident, Ident),
}

/// An expression.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `and`
    And,
    /// `or`
    Or,
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
    /// `+`
    Add,
    /// `-`
    Sub,
}

impl BinOp {
    /// The precedence level of an operator that chains (`or` 1, `and` 2, `+`/`-` 5, as the
    /// formatter counts them); `None` for a comparison, which does not.
    pub fn chain_level(self) -> Option<u8> {
        match self {
            BinOp::Or => Some(1),
            BinOp::And => Some(2),
            BinOp::Add | BinOp::Sub => Some(5),
            _ => None,
        }
    }

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
        }
    }
}

/// The forms of expression.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A name: a binding, value, param, fact, local or enum member.
    Name(String),
    /// `base.field`
    Field(Box<Expr>, Ident),
    /// `collection[key]`
    Index(Box<Expr>, Box<Expr>),
    /// `true`, `false`
    Bool(bool),
    /// `42`
    Int(i64),
    /// `"text"`
    Str(String),
    /// `2026-03-02`
    Date(Date),
    /// `10 working days`, `365 days`
    Duration {
        /// How many.
        count: i64,
        /// Working days (else calendar days).
        working: bool,
    },
    /// `{a, b}`
    Set(Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `not e`
    Not(Box<Expr>),
    /// `a OP b`: a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`), which does not chain.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a or b or c`, `a and b and c`, `a + b - c`: the operators of one precedence level
    /// (`or`; `and`; `+` and `-`) applied from left to right to the first operand and each
    /// `(operator, operand)` after it. Kept flat, so that no pass recurses with a chain's length
    /// (a condition of 100,000 `or`ed terms is one node); the parser splices a parenthesised
    /// chain of the same level that comes first (`(a or b) or c` is `a or b or c`), as the
    /// left-associative reading it had as nested `Binary` nodes. Never fewer than one
    /// `(operator, operand)`; `and`/`or` chains hold one operator throughout.
    Chain(Box<Expr>, Vec<(BinOp, Expr)>),
    /// `e is missing`
    IsMissing(Box<Expr>),
    /// `e exists`
    Exists(Box<Expr>),
    /// `a in b`, `a not in b`
    In {
        /// `not in`
        negated: bool,
        /// The element.
        elem: Box<Expr>,
        /// The collection.
        coll: Box<Expr>,
    },
    /// `any x in c: p`, `all x in c: p`
    Quant {
        /// `all` (else `any`).
        all: bool,
        /// The bound name.
        var: Ident,
        /// The collection.
        coll: Box<Expr>,
        /// The condition.
        body: Box<Expr>,
    },
    /// `applies national-2025 [on DATE]`
    Applies(Ident, Option<Box<Expr>>),
    /// `each x in c where p`
    Each {
        /// The bound name.
        var: Ident,
        /// The collection.
        coll: Box<Expr>,
        /// The condition.
        cond: Box<Expr>,
    },
}
