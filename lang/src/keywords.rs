//! The keywords of the policy language in its two keyword languages, English and Chinese: one
//! table that the grammar is checked against (`lang/tests/keywords.rs`), that the parser reads
//! keywords with, that the formatter writes them from, and that the language server and the
//! TextMate grammar offer and highlight.
//!
//! A keyword is a whole word: a keyword followed by a character that can continue a name is
//! part of that name (`规则甲` is a name, `规则 甲` is the keyword `规则` and the name `甲`), in
//! Chinese as in English. Some English keywords are two words (`in force`, `keyed by`); their
//! Chinese forms are one (`施行`, `键为`). Each Chinese keyword names one English keyword, with
//! one exception the count of a duration decides: `日` is `day` or `days`, `工作日` `working
//! day` or `working days`. A few English words have a Chinese form per use: `on` is `针对`
//! (the kinds of request a declaration is about, the subject of a finding), `由` (the party
//! that bears an obligation or a deadline) or `于` (a day).
//!
//! The numbered parts of a regulation and citations are written the Chinese way in Chinese:
//! `第二十条`, `第二款`, `第三项`, `第二章` (see [`crate::numerals`]).

/// The language a file's keywords are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeywordLang {
    /// `rule`, `permit`, `§20.2.2`.
    En,
    /// `规则`, `准予`, `第二十条第二款第二项`.
    Zh,
}

impl KeywordLang {
    /// `en` or `zh`, as `datalex fmt --keywords` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            KeywordLang::En => "en",
            KeywordLang::Zh => "zh",
        }
    }

    /// The language of a keyword as written: Chinese if it has a character outside ASCII.
    pub fn of_word(word: &str) -> KeywordLang {
        if word.is_ascii() {
            KeywordLang::En
        } else {
            KeywordLang::Zh
        }
    }
}

/// Declares [`Kw`] and its table from one list: the variant, the grammar rule that reads it,
/// the English form, the Chinese form and what it is for.
macro_rules! keywords {
    ($($variant:ident, $rule:literal, $en:literal, $zh:literal, $doc:literal;)*) => {
        /// A keyword of the policy language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kw {
            $(#[doc = $doc] $variant,)*
        }

        impl Kw {
            /// Every keyword, in the order of the table.
            pub const ALL: &'static [Kw] = &[$(Kw::$variant),*];

            /// The English form (words separated by one space).
            pub fn en(self) -> &'static str {
                match self { $(Kw::$variant => $en,)* }
            }

            /// The Chinese form. `第…条` stands for an ordinal around a number.
            pub fn zh(self) -> &'static str {
                match self { $(Kw::$variant => $zh,)* }
            }

            /// The grammar rule (in `grammar.pest`) that reads it.
            pub fn rule(self) -> &'static str {
                match self { $(Kw::$variant => $rule,)* }
            }

            /// What it is for, in a few words.
            pub fn doc(self) -> &'static str {
                match self { $(Kw::$variant => $doc,)* }
            }
        }
    };
}

keywords! {
    // Packages
    Package, "kw_package", "package", "政策包", "the package a file belongs to";
    Extends, "kw_extends", "extends", "继承", "the package this one is a layer over";
    Use, "kw_use", "use", "采用", "decide some request kinds with another package's rules";
    For, "kw_for", "for", "用于", "the request kinds of `use`";
    // Regulations
    Regulation, "kw_regulation", "regulation", "法规", "a regulation's text";
    Issuer, "kw_issuer", "issuer", "制定机关", "who issued the regulation";
    Number, "kw_number", "number", "文号", "the document number";
    Rank, "kw_rank", "rank", "位阶", "the legal rank";
    Territory, "kw_territory", "territory", "适用地域", "where the regulation applies";
    InForce, "kw_in_force", "in force", "施行", "the period a regulation is in force";
    From, "kw_from", "from", "自", "the first day of a period; the day a time limit runs from";
    Until, "kw_until", "until", "至", "the last day of a period or of an obligation";
    Unknown, "date_unknown", "unknown", "不详", "a start date that is not known";
    TextUnavailable, "kw_text_unavailable", "text unavailable", "文本未取得", "why the text is not encoded";
    Style, "kw_style", "style", "体例", "how the document is numbered (`plan`)";
    Chapter, "kw_chapter", "chapter", "第…章", "a chapter heading";
    MissingArticles, "kw_missing_articles", "missing", "缺条", "articles the source copy lacks";
    Article, "kw_article", "article", "第…条", "an article";
    Partial, "partial", "partial", "部分", "an article whose text is incomplete";
    Para, "kw_para", "para", "第…款", "a paragraph";
    ItemText, "kw_item", "item", "第…项", "an item";
    Garbled, "defect_kind", "garbled", "讹误", "a garbled run of the source copy";
    Duplicated, "defect_kind", "duplicated", "重复", "a duplicated run of the source copy";
    Target, "defect_kind", "target", "目标", "a dated target inside a text";
    Reads, "kw_reads", "reads", "应为", "what a garbled or duplicated run should read";
    Cites, "kw_cites", "cites", "依据", "the provisions a declaration rests on";
    Reading, "kw_reading", "reading", "按解释", "an interpretation cited";
    // Types and facts
    Enum, "kw_enum", "enum", "枚举", "an enumeration";
    Ordered, "ordered", "ordered", "有序", "an enumeration whose members are ordered";
    Record, "kw_record", "record", "记录", "a record type";
    Fact, "kw_fact", "fact", "事实", "a fact the jurisdiction provides";
    KeyedBy, "kw_keyed_by", "keyed by", "键为", "the field a fact is looked up by";
    Kind, "kw_kind", "kind", "种类", "a request kind";
    // Params, values and rules
    Override, "override_kw", "override", "取代", "replaces the base package's declaration";
    Param, "kw_param", "param", "参数", "a parameter";
    Value, "kw_value", "value", "取值", "a value decided per request";
    On, "kw_on", "on", "针对", "the request kinds; the subject of a finding";
    OnParty, "kw_on_party", "on", "由", "the party that bears an obligation or a deadline";
    OnDate, "kw_on_date", "on", "于", "a day (`applies … on`, `adopted by … on`)";
    Over, "kw_over", "over", "优先于", "the rules an exception overrides";
    ReportedAs, "kw_reported_as", "reported as", "报告为", "the name a value is reported under";
    Default, "kw_default", "default", "默认", "a value's default";
    Exception, "kw_exception", "exception", "例外", "an exception to rules or to a value";
    When, "kw_when", "when", "当", "the condition";
    Guard, "kw_guard", "guard", "前置条件", "a condition every request must meet";
    Rule, "kw_rule", "rule", "规则", "a rule";
    Check, "kw_check", "check", "检查", "a check that adds findings";
    Otherwise, "kw_otherwise", "otherwise", "否则", "the outcome when no rule applies";
    ConsistentWith, "kw_consistent_with", "consistent with", "符合", "a lower-rank rule found consistent with a higher one";
    Scope, "kw_scope", "scope", "适用范围", "the requests a regulation applies to";
    // Outcomes
    Permit, "effect", "permit", "准予", "the request is granted";
    Deny, "effect", "deny", "不予", "the request is refused";
    Review, "effect", "review", "审核", "the request goes to review";
    Reason, "kw_reason", "reason", "理由", "a reason";
    Obligation, "kw_obligation", "obligation", "义务", "an obligation";
    As, "kw_as", "as", "作为", "the value naming a party's institution";
    Deadline, "kw_deadline", "deadline", "期限", "a time limit";
    Within, "kw_within", "within", "限", "the length of a time limit";
    AsOf, "kw_as_of", "as of", "按日", "the day whose law a time limit follows";
    MetBy, "kw_met_by", "met by", "履行于", "the day a time limit was met";
    Finding, "kw_finding", "finding", "发现", "a finding";
    Remedy, "kw_remedy", "remedy", "救济", "a remedy open to the applicant";
    Info, "severity", "info", "提示", "a finding's severity: for information";
    Warning, "severity", "warning", "警告", "a finding's severity: a warning";
    Violation, "severity", "violation", "违规", "a finding's severity: a violation";
    // Interpretations and coverage
    Interpretation, "kw_interpretation", "interpretation", "解释", "an adopted reading of the text";
    // Labels
    Labels, "kw_labels", "labels", "标签", "the names a decision document shows for roles or scenarios";
    LabelRole, "label_of", "role", "角色", "labels of the parties of obligations and deadlines";
    LabelScenario, "label_of", "scenario", "场景", "labels of the scenarios of requests";
    Of, "kw_of", "of", "关于", "the provisions an interpretation reads";
    Says, "kw_says", "says", "原文", "what the text says";
    Means, "kw_means", "means", "含义", "what it is read to mean";
    AdoptedBy, "kw_adopted_by", "adopted by", "采纳", "who adopted the reading";
    Coverage, "kw_coverage", "coverage", "覆盖", "why articles are not encoded";
    NotDecidable, "coverage_status", "not_decidable", "不可判定", "an article no request can decide";
    NotEncoded, "coverage_status", "not_encoded", "未编码", "an article not encoded yet";
    // Tests
    Test, "kw_test", "test", "测试", "a test";
    Facts, "kw_facts", "facts", "事实文件", "the facts a test uses";
    Request, "kw_request", "request", "申请", "the request a test decides";
    Expect, "kw_expect", "expect", "预期", "what the decision must hold";
    Error, "kw_error", "error", "错误", "the request is not a decision";
    No, "kw_no", "no", "无", "the decision must not hold this";
    Source, "part_kind", "source", "来源", "a source the decision applied";
    Due, "kw_due", "due", "到期", "a deadline's due date";
    Status, "kw_status", "status", "状态", "a deadline's status";
    Party, "kw_party", "party", "当事方", "a deadline's party";
    Met, "deadline_status", "met", "已履行", "a deadline met";
    Missed, "deadline_status", "missed", "逾期", "a deadline missed";
    Open, "deadline_status", "open", "未届满", "a deadline still running";
    Tier, "kw_tier", "tier", "等级", "the tier a share ended at";
    // Expressions
    And, "and_op", "and", "且", "both";
    Or, "or_op", "or", "或", "either";
    Not, "not_op", "not", "非", "negation";
    In, "kw_in", "in", "属于", "membership; the collection of a quantifier";
    NotIn, "kw_not_in", "not in", "不属于", "not a member";
    IsMissing, "kw_is_missing", "is missing", "缺失", "a fact or field that is absent";
    Exists, "exists_op", "exists", "存在", "a fact or field that is present";
    Any, "quant", "any", "任一", "some element";
    All, "quant", "all", "所有", "every element";
    Each, "kw_each", "each", "每个", "the elements that meet a condition";
    Where, "kw_where", "where", "满足", "the condition of `each`";
    WorkingDays, "kw_working_days", "working days", "工作日", "a duration in working days";
    WorkingDay, "kw_working_days", "working day", "工作日", "one working day";
    Days, "kw_days", "days", "日", "a duration in calendar days";
    Day, "kw_days", "day", "日", "one calendar day";
    True, "bool_lit", "true", "真", "true";
    False, "bool_lit", "false", "假", "false";
    Applies, "kw_applies", "applies", "适用", "a regulation in force whose scope holds";
}

impl Kw {
    /// The form in `lang`.
    pub fn text(self, lang: KeywordLang) -> &'static str {
        match lang {
            KeywordLang::En => self.en(),
            KeywordLang::Zh => self.zh(),
        }
    }

    /// Whether the Chinese form is an ordinal around a number (`第…条`).
    pub fn is_ordinal(self) -> bool {
        self.zh().starts_with('第')
    }

    /// The keyword a grammar rule read, from its text (`准予` read by `effect`: `Permit`).
    /// Spaces inside an English keyword may be any run of blanks.
    pub fn read(rule: &str, text: &str) -> Option<Kw> {
        let words: Vec<&str> = text.split_whitespace().collect();
        Kw::ALL.iter().copied().find(|k| {
            k.rule() == rule && (k.zh() == text || k.en().split(' ').eq(words.iter().copied()))
        })
    }
}

/// The ordinal suffix of a Chinese numbered part: `条`, `款`, `项`, `章`.
pub fn ordinal_suffix(kw: Kw) -> &'static str {
    kw.zh().strip_prefix("第…").unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_forms_name_one_keyword_each() {
        let mut seen: std::collections::BTreeMap<&str, Kw> = Default::default();
        for &k in Kw::ALL {
            if let Some(other) = seen.insert(k.zh(), k) {
                // Only the singular and plural of a duration share a Chinese form.
                assert!(
                    matches!(
                        (other, k),
                        (Kw::WorkingDays, Kw::WorkingDay) | (Kw::Days, Kw::Day)
                    ),
                    "{other:?} and {k:?} are both {}",
                    k.zh()
                );
            }
        }
    }

    #[test]
    fn english_forms_are_ascii_and_chinese_are_not() {
        for &k in Kw::ALL {
            assert_eq!(KeywordLang::of_word(k.en()), KeywordLang::En, "{k:?}");
            assert_eq!(KeywordLang::of_word(k.zh()), KeywordLang::Zh, "{k:?}");
        }
    }

    #[test]
    fn read_finds_both_forms() {
        assert_eq!(Kw::read("effect", "准予"), Some(Kw::Permit));
        assert_eq!(Kw::read("effect", "deny"), Some(Kw::Deny));
        assert_eq!(Kw::read("kw_in_force", "in   force"), Some(Kw::InForce));
        assert_eq!(Kw::read("kw_days", "日"), Some(Kw::Days));
        assert_eq!(Kw::read("effect", "allow"), None);
    }
}
