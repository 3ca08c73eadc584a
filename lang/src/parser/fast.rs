//! The fast path of parsing: the grammar's most frequent items (rules, values, params, tests,
//! types and the package's own declarations) read by hand, in one pass over the chunk, straight
//! into the syntax tree.
//!
//! It gives exactly what the pest grammar and the tree builder of `parser.rs` give for a chunk
//! that parses without a diagnostic: the same tree, with the same spans (pest's, which end after
//! the blanks and comments an optional part that is absent skipped, then trimmed of blanks as
//! [`super::Cx::span`] trims them), and the same keywords noted for E0005. It gives nothing —
//! `None`, and `parse_at` reads the chunk with the grammar — for anything else: an item it does
//! not read (a regulation, a coverage, an interpretation), any syntax error, any diagnostic the
//! builder would give (an impossible date, a number too large, an expression nested deeper than
//! [`MAX_NESTING`]), so every message is the grammar's. The parser's tests hold the two paths to
//! the same answer on every chunk of the repository and on thousands of mutations of them.
//!
//! Each function reads one rule of `grammar.pest`, as pest's generated code does: the parts of
//! a sequence are separated by the skipping of blanks and comments ([`Reader::skip`]), which is
//! done even when the optional part after it is absent (so a rule ends after it), and undone
//! when a repetition's next round fails.
//!
//! Why: pest spends most of its time on what this path does not do (a stack check per rule
//! call, the token queue, the bookkeeping of expected rules for an error message that a valid
//! chunk never shows), and the tree builder walks the pairs again. Reading by hand is several
//! times faster, and parsing was over half of `datalex check` (issue 20).

use super::KeywordUse;
use super::{MAX_NESTING, PART_KINDS};
use crate::ast::*;
use crate::date::Date;
use crate::keywords::{KeywordLang, Kw};
use crate::span::{FileId, Span};

/// Whether `word` is one of the words that cannot be names (`reserved` in `grammar.pest`; the
/// tests hold every one of them to it). Every name read is asked, so the words are matched
/// directly. A word here that the grammar does not reserve would only send the items that use
/// it as a name to the grammar; one missing would read a keyword as a name, which the tests
/// catch.
fn is_reserved(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "or"
            | "not"
            | "in"
            | "is"
            | "missing"
            | "exists"
            | "any"
            | "all"
            | "each"
            | "where"
            | "true"
            | "false"
            | "when"
            | "cites"
            | "over"
            | "on"
            | "until"
            | "from"
            | "within"
            | "met"
            | "working"
            | "days"
            | "day"
            | "permit"
            | "deny"
            | "review"
            | "reason"
            | "obligation"
            | "deadline"
            | "finding"
            | "default"
            | "exception"
            | "reported"
            | "remedy"
            | "applies"
            | "as"
            | "consistent"
            | "且"
            | "或"
            | "非"
            | "属于"
            | "不属于"
            | "缺失"
            | "存在"
            | "任一"
            | "所有"
            | "每个"
            | "满足"
            | "真"
            | "假"
            | "当"
            | "依据"
            | "优先于"
            | "针对"
            | "由"
            | "于"
            | "至"
            | "自"
            | "限"
            | "履行于"
            | "工作日"
            | "日"
            | "准予"
            | "不予"
            | "审核"
            | "理由"
            | "义务"
            | "期限"
            | "发现"
            | "默认"
            | "例外"
            | "报告为"
            | "救济"
            | "适用"
            | "作为"
            | "按日"
            | "符合"
    )
}

// The keywords, as the grammar's `kw_*` rules read them (English, then Chinese).
const OVERRIDE: &[&str] = &["override", "取代"];
const PACKAGE: &[&str] = &["package", "政策包"];
const EXTENDS: &[&str] = &["extends", "继承"];
const USE: &[&str] = &["use", "采用"];
const FOR: &[&str] = &["for", "用于"];
const ENUM: &[&str] = &["enum", "枚举"];
const ORDERED: &[&str] = &["ordered", "有序"];
const RECORD: &[&str] = &["record", "记录"];
const FACT: &[&str] = &["fact", "事实"];
const KIND: &[&str] = &["kind", "种类"];
const LABELS: &[&str] = &["labels", "标签"];
const LABEL_OF: &[&str] = &["role", "scenario", "角色", "场景"];
const PARAM: &[&str] = &["param", "参数"];
const VALUE: &[&str] = &["value", "取值"];
const GUARD: &[&str] = &["guard", "前置条件"];
const RULE: &[&str] = &["rule", "规则"];
const EXCEPTION: &[&str] = &["exception", "例外"];
const CHECK: &[&str] = &["check", "检查"];
const OTHERWISE: &[&str] = &["otherwise", "否则"];
const SCOPE: &[&str] = &["scope", "适用范围"];
const TEST: &[&str] = &["test", "测试"];
const ON: &[&str] = &["on", "针对"];
const ON_PARTY: &[&str] = &["on", "由"];
const ON_DATE: &[&str] = &["on", "于"];
const OVER: &[&str] = &["over", "优先于"];
const CITES: &[&str] = &["cites", "依据"];
const READING: &[&str] = &["reading", "按解释"];
const WHEN: &[&str] = &["when", "当"];
const DEFAULT: &[&str] = &["default", "默认"];
const EFFECT: &[&str] = &["permit", "deny", "review", "准予", "不予", "审核"];
const REASON: &[&str] = &["reason", "理由"];
const OBLIGATION: &[&str] = &["obligation", "义务"];
const DEADLINE: &[&str] = &["deadline", "期限"];
const FINDING: &[&str] = &["finding", "发现"];
const REMEDY: &[&str] = &["remedy", "救济"];
const AS: &[&str] = &["as", "作为"];
const UNTIL: &[&str] = &["until", "至"];
const WITHIN: &[&str] = &["within", "限"];
const FROM: &[&str] = &["from", "自"];
const SEVERITY: &[&str] = &["info", "warning", "violation", "提示", "警告", "违规"];
const FACTS: &[&str] = &["facts", "事实文件"];
const REQUEST: &[&str] = &["request", "申请"];
const EXPECT: &[&str] = &["expect", "预期"];
const TEST_KEYWORD: &[&str] = &["expect", "facts", "request", "预期", "事实文件", "申请"];
const ERROR: &[&str] = &["error", "错误"];
const NO: &[&str] = &["no", "无"];
const DUE: &[&str] = &["due", "到期"];
const STATUS: &[&str] = &["status", "状态"];
const DEADLINE_STATUS: &[&str] = &["met", "missed", "open", "已履行", "逾期", "未届满"];
const PARTY: &[&str] = &["party", "当事方"];
const TIER: &[&str] = &["tier", "等级"];
const PART_KIND: &[&str] = &[
    "reason",
    "obligation",
    "finding",
    "deadline",
    "remedy",
    "source",
    "理由",
    "义务",
    "发现",
    "期限",
    "救济",
    "来源",
];
const OR: &[&str] = &["or", "或"];
const AND: &[&str] = &["and", "且"];
const NOT: &[&str] = &["not", "非"];
const EXISTS: &[&str] = &["exists", "存在"];
const IN: &[&str] = &["in", "属于"];
const QUANT: &[&str] = &["any", "all", "任一", "所有"];
const EACH: &[&str] = &["each", "每个"];
const WHERE: &[&str] = &["where", "满足"];
const APPLIES: &[&str] = &["applies", "适用"];
const DAYS: &[&str] = &["days", "day", "日"];
const BOOL: &[&str] = &["true", "false", "真", "假"];
const REGULATION: &[&str] = &["regulation", "法规"];
const ISSUER: &[&str] = &["issuer", "制定机关"];
const NUMBER: &[&str] = &["number", "文号"];
const RANK: &[&str] = &["rank", "位阶"];
const TERRITORY: &[&str] = &["territory", "适用地域"];
const STYLE: &[&str] = &["style", "体例"];
const UNKNOWN: &[&str] = &["unknown", "不详"];
const CHAPTER: &[&str] = &["chapter"];
const MISSING: &[&str] = &["missing", "缺条"];
const ARTICLE: &[&str] = &["article"];
const PARA: &[&str] = &["para"];
const ITEM: &[&str] = &["item"];
const PARTIAL: &[&str] = &["partial", "部分"];
const DEFECT: &[&str] = &["garbled", "duplicated", "target", "讹误", "重复", "目标"];
const READS: &[&str] = &["reads", "应为"];
const COVERAGE: &[&str] = &["coverage", "覆盖"];
const COVERAGE_STATUS: &[&str] = &["not_decidable", "not_encoded", "不可判定", "未编码"];
const INTERPRETATION: &[&str] = &["interpretation", "解释"];
const OF: &[&str] = &["of", "关于"];
const SAYS: &[&str] = &["says", "原文"];
const MEANS: &[&str] = &["means", "含义"];

/// Reads the chunk's item if it is one this path reads and it parses without a diagnostic:
/// the item and the chunk's keywords, spans in `file` from byte `base` on.
pub(super) fn item(file: FileId, base: usize, chunk: &str) -> Option<(Item, KeywordUse)> {
    let mut r = Reader {
        src: chunk,
        pos: 0,
        file,
        base,
        nest: 0,
        notes: Vec::new(),
    };
    r.skip();
    let item = r.item()?;
    r.skip();
    if r.pos != chunk.len() {
        return None;
    }
    let mut used = KeywordUse::default();
    for &(s, e) in &r.notes {
        let text = chunk.get(s..e)?;
        let slot = match KeywordLang::of_word(text) {
            KeywordLang::En => &mut used.en,
            KeywordLang::Zh => &mut used.zh,
        };
        if slot.is_none() {
            *slot = Some((r.span(s, e), text.to_string()));
        }
    }
    Some((item, used))
}

/// Where a repetition's round started: the position and the keywords noted so far.
#[derive(Clone, Copy)]
struct Mark(usize, usize);

/// An expression and how deep the tree builder counts it (`Cx::expr`: one level per
/// expression it reads, one per suffix of a `postfix`): over [`MAX_NESTING`] is E0006.
type Ex = (Expr, usize);

struct Reader<'s> {
    src: &'s str,
    pos: usize,
    file: FileId,
    base: usize,
    /// How deeply this reader's own functions are nested: bounded, so that no text exhausts
    /// the stack (deeper text is left to the grammar).
    nest: usize,
    /// The keywords read, in text order (byte ranges of the chunk).
    notes: Vec<(usize, usize)>,
}

impl<'s> Reader<'s> {
    // ---- lexical ------------------------------------------------------------------------

    fn mark(&self) -> Mark {
        Mark(self.pos, self.notes.len())
    }

    fn reset(&mut self, m: Mark) {
        self.pos = m.0;
        self.notes.truncate(m.1);
    }

    fn rest(&self) -> &'s str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn byte(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..).and_then(|s| s.chars().next())
    }

    /// `WHITESPACE*`: blanks and `//` comments.
    fn skip(&mut self) {
        let bytes = self.src.as_bytes();
        loop {
            match bytes.get(self.pos) {
                Some(b' ' | b'\n' | b'\t' | b'\r') => self.pos += 1,
                Some(b'/') if bytes.get(self.pos + 1) == Some(&b'/') => {
                    self.pos += 2;
                    while let Some(&b) = bytes.get(self.pos) {
                        if b == b'\n' || b == b'\r' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                // U+3000 (ideographic space) and U+FEFF.
                Some(0xE3) if bytes.get(self.pos + 1..self.pos + 3) == Some(&[0x80, 0x80]) => {
                    self.pos += 3;
                }
                Some(0xEF) if bytes.get(self.pos + 1..self.pos + 3) == Some(&[0xBB, 0xBF]) => {
                    self.pos += 3;
                }
                _ => return,
            }
        }
    }

    /// The span of `start..end`, trimmed of trailing blanks as `Cx::span` trims a pair's.
    fn span(&self, start: usize, end: usize) -> Span {
        let text = self.src.get(start..end).unwrap_or("");
        let trimmed = text
            .trim_end_matches([' ', '\t', '\r', '\n', '\u{3000}'])
            .len();
        Span::new(self.file, self.base + start, self.base + start + trimmed)
    }

    fn continues_at(&self, at: usize) -> bool {
        self.char_at(at).is_some_and(xid_continue)
    }

    /// A literal (`"=>"`, `"{"`).
    fn lit(&mut self, s: &str) -> Option<()> {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            Some(())
        } else {
            None
        }
    }

    /// Whether the text goes on with `s`.
    fn at(&self, s: &str) -> bool {
        self.rest().starts_with(s)
    }

    /// One of `forms` as a whole word, the first that the text starts with (a choice commits
    /// to it, as pest's does), not noted: its range.
    fn word(&mut self, forms: &[&str]) -> Option<(usize, usize)> {
        let rest = self.rest();
        let form = forms.iter().find(|f| rest.starts_with(**f))?;
        let (start, end) = (self.pos, self.pos + form.len());
        if self.continues_at(end) {
            return None;
        }
        self.pos = end;
        Some((start, end))
    }

    /// A keyword ([`Reader::word`]), noted for E0005.
    fn kw(&mut self, forms: &[&str]) -> Option<(usize, usize)> {
        let found = self.word(forms)?;
        self.notes.push(found);
        Some(found)
    }

    /// A keyword of two English words with blanks between them, or its Chinese form.
    fn kw2(&mut self, first: &str, second: &[&str], zh: &str) -> Option<(usize, usize)> {
        let start = self.pos;
        let english = || -> Option<usize> {
            let rest = self.rest();
            let after = rest.strip_prefix(first)?;
            let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
            if gap == 0 {
                return None;
            }
            let after = after.get(gap..)?;
            let form = second.iter().find(|f| after.starts_with(**f))?;
            Some(start + first.len() + gap + form.len())
        };
        let end = match english() {
            Some(end) => end,
            None if self.rest().starts_with(zh) => start + zh.len(),
            None => return None,
        };
        if self.continues_at(end) {
            return None;
        }
        self.pos = end;
        self.notes.push((start, end));
        Some((start, end))
    }

    /// Whether a keyword of `forms` comes next (nothing read).
    fn sees(&self, forms: &[&str]) -> bool {
        let rest = self.rest();
        forms
            .iter()
            .find(|f| rest.starts_with(**f))
            .is_some_and(|f| !self.continues_at(self.pos + f.len()))
    }

    /// The run of name characters at the position (`XID_CONTINUE*`): its end.
    fn run_end(&self, from: usize) -> usize {
        let mut end = from;
        let bytes = self.src.as_bytes();
        while let Some(&b) = bytes.get(end) {
            if b.is_ascii() {
                if b.is_ascii_alphanumeric() || b == b'_' {
                    end += 1;
                    continue;
                }
                break;
            }
            match self.char_at(end) {
                Some(c) if pest::unicode::XID_CONTINUE(c) => end += c.len_utf8(),
                _ => break,
            }
        }
        end
    }

    /// `ident`: a name that is not a reserved word.
    fn ident(&mut self) -> Option<Ident> {
        let c = self.char_at(self.pos)?;
        if !(c == '_' || xid_start(c)) {
            return None;
        }
        let end = self.run_end(self.pos);
        let text = self.src.get(self.pos..end)?;
        if is_reserved(text) {
            return None;
        }
        let span = self.span(self.pos, end);
        self.pos = end;
        Some(Ident {
            name: text.to_string(),
            span,
        })
    }

    /// `reg_id`: name characters and hyphens, read as an [`Ident`].
    fn reg_id(&mut self) -> Option<Ident> {
        let start = self.pos;
        if !self.continues_at(start) {
            return None;
        }
        let mut end = start;
        loop {
            let next = self.run_end(end);
            if self.src.as_bytes().get(next) == Some(&b'-') {
                end = next + 1;
            } else {
                end = next;
                break;
            }
        }
        let name = self.src.get(start..end)?.to_string();
        self.pos = end;
        Some(Ident {
            name,
            span: self.span(start, end),
        })
    }

    /// `string`, unescaped.
    fn string(&mut self) -> Option<Str> {
        let start = self.pos;
        self.lit("\"")?;
        let mut value = String::new();
        let mut run = self.pos;
        loop {
            match self.byte()? {
                b'"' => break,
                b'\n' | b'\r' => return None,
                b'\\' => {
                    value.push_str(self.src.get(run..self.pos)?);
                    let escaped = match self.src.as_bytes().get(self.pos + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'n' => '\n',
                        _ => return None,
                    };
                    value.push(escaped);
                    self.pos += 2;
                    run = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        value.push_str(self.src.get(run..self.pos)?);
        self.pos += 1;
        Some(Str {
            value,
            span: self.span(start, self.pos),
        })
    }

    /// `int`: its digits, and its value (one too large for the builder is left to it).
    fn int(&mut self) -> Option<(usize, u32)> {
        let start = self.pos;
        let len = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        let n = self.src.get(start..start + len)?.parse::<u32>().ok()?;
        self.pos += len;
        Some((start, n))
    }

    /// Whether a `date` (`YYYY-MM-DD`) comes next.
    fn sees_date(&self) -> bool {
        let b = self.rest().as_bytes();
        b.len() >= 10
            && b.iter().take(10).enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            })
    }

    /// `date` (one that does not exist is left to the builder, which reports it).
    fn date(&mut self) -> Option<Date> {
        if !self.sees_date() {
            return None;
        }
        let d = Date::parse(self.src.get(self.pos..self.pos + 10)?).ok()?;
        self.pos += 10;
        Some(d)
    }

    /// `doc?` after a skip: the string, if one comes.
    fn doc(&mut self) -> Option<Option<Str>> {
        if self.byte() == Some(b'"') {
            Some(Some(self.string()?))
        } else {
            Some(None)
        }
    }

    /// `item ~ ("," ~ item)*`: names, citations, articles of a coverage entry. Ends as the
    /// repetition does: after the skip that follows the first item, or at the end of the last.
    fn separated<T>(&mut self, item: fn(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut out = vec![item(self)?];
        self.skip();
        loop {
            let m = self.mark();
            self.skip();
            if self.lit(",").is_none() {
                self.reset(m);
                return Some(out);
            }
            self.skip();
            out.push(item(self)?);
        }
    }

    /// `ident ~ ("," ~ ident)*`, as `on_kinds` and `over` hold after their keyword.
    fn idents(&mut self) -> Option<Vec<Ident>> {
        self.separated(Self::ident)
    }

    /// A nested call of this reader's recursive functions; `None` past the bound.
    fn enter(&mut self) -> Option<()> {
        self.nest += 1;
        (self.nest <= MAX_NESTING).then_some(())
    }

    fn leave(&mut self) {
        self.nest -= 1;
    }

    // ---- items --------------------------------------------------------------------------

    fn item(&mut self) -> Option<Item> {
        let start = self.pos;
        if self.sees(OVERRIDE) {
            let (s, e) = self.kw(OVERRIDE)?;
            let replaces = Some(self.span(s, e));
            self.skip();
            return self.replaceable(start, replaces);
        }
        if self.sees(PACKAGE) {
            return self.package(start).map(Item::Package);
        }
        if self.sees(USE) {
            return self.use_decl(start).map(Item::Use);
        }
        if self.sees(ENUM) {
            return self.enum_decl(start).map(Item::Enum);
        }
        if self.sees(RECORD) {
            return self.record(start).map(Item::Record);
        }
        if self.sees(FACT) {
            return self.fact(start).map(Item::Fact);
        }
        if self.sees(KIND) {
            return self.kind(start).map(Item::Kind);
        }
        if self.sees(LABELS) {
            return self.labels(start).map(Item::Labels);
        }
        if self.sees(SCOPE) {
            return self.scope(start).map(Item::Scope);
        }
        if self.sees(TEST) {
            return self.test(start).map(Item::Test);
        }
        if self.sees(REGULATION) {
            return self.regulation(start).map(Item::Regulation);
        }
        if self.sees(COVERAGE) {
            return self.coverage(start).map(Item::Coverage);
        }
        if self.sees(INTERPRETATION) {
            return self.interpretation(start).map(Item::Interpretation);
        }
        self.replaceable(start, None)
    }

    /// The items that `override` may start.
    fn replaceable(&mut self, start: usize, replaces: Option<Span>) -> Option<Item> {
        let role = if self.sees(PARAM) {
            return self.param(start, replaces).map(Item::Param);
        } else if self.sees(VALUE) {
            return self.value(start, replaces).map(Item::Value);
        } else if self.sees(GUARD) {
            (RuleRole::Guard, GUARD)
        } else if self.sees(RULE) {
            (RuleRole::Rule, RULE)
        } else if self.sees(EXCEPTION) {
            (RuleRole::Exception, EXCEPTION)
        } else if self.sees(CHECK) {
            (RuleRole::Check, CHECK)
        } else if self.sees(OTHERWISE) {
            (RuleRole::Otherwise, OTHERWISE)
        } else {
            return None;
        };
        self.rule(start, replaces, role.0, role.1).map(Item::Rule)
    }

    /// `package_decl = { kw_package ~ ident ~ (kw_extends ~ ident)? }`
    fn package(&mut self, start: usize) -> Option<PackageDecl> {
        self.kw(PACKAGE)?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        let mut extends = None;
        if self.sees(EXTENDS) {
            self.kw(EXTENDS)?;
            self.skip();
            extends = Some(self.ident()?);
        }
        Some(PackageDecl {
            name,
            extends,
            span: self.span(start, self.pos),
        })
    }

    /// `use_decl = { kw_use ~ ident ~ kw_for ~ ident ~ ("," ~ ident)* }`
    fn use_decl(&mut self, start: usize) -> Option<UseDecl> {
        self.kw(USE)?;
        self.skip();
        let package = self.ident()?;
        self.skip();
        self.kw(FOR)?;
        self.skip();
        let kinds = self.idents()?;
        Some(UseDecl {
            package,
            kinds,
            span: self.span(start, self.pos),
        })
    }

    /// `enum_decl = { kw_enum ~ ident ~ ordered? ~ doc? ~ "{" ~ enum_member* ~ "}" }`, a member
    /// `ident ~ ("=" ~ ident)? ~ doc?`.
    fn enum_decl(&mut self, start: usize) -> Option<EnumDecl> {
        self.kw(ENUM)?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        let mut ordered = false;
        if self.sees(ORDERED) {
            self.kw(ORDERED)?;
            ordered = true;
        }
        self.skip();
        let doc = self.doc()?;
        self.skip();
        self.lit("{")?;
        self.skip();
        let mut members = Vec::new();
        let mut ties = Vec::new();
        while self.byte() != Some(b'}') {
            let member = self.ident()?;
            self.skip();
            if self.lit("=").is_some() {
                self.skip();
                ties.push((members.len(), self.ident()?));
            }
            self.skip();
            let doc = self.doc()?;
            members.push((member, doc));
            self.skip();
        }
        self.lit("}")?;
        Some(EnumDecl {
            name,
            ordered,
            doc,
            members,
            ties,
            span: self.span(start, self.pos),
        })
    }

    /// `type_expr = { list_type | ident }`, `list_type = { "[" ~ type_expr ~ "]" }`
    fn type_expr(&mut self) -> Option<TypeExpr> {
        if self.byte() != Some(b'[') {
            return self.ident().map(TypeExpr::Named);
        }
        self.enter()?;
        let start = self.pos;
        self.lit("[")?;
        self.skip();
        let inner = self.type_expr()?;
        self.skip();
        self.lit("]")?;
        self.leave();
        Some(TypeExpr::List(Box::new(inner), self.span(start, self.pos)))
    }

    /// `record_decl = { kw_record ~ ident ~ doc? ~ "{" ~ field_decl* ~ "}" }`, a field
    /// `ident ~ ":" ~ type_expr ~ doc?`.
    fn record(&mut self, start: usize) -> Option<RecordDecl> {
        self.kw(RECORD)?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        let doc = self.doc()?;
        self.skip();
        self.lit("{")?;
        self.skip();
        let mut fields = Vec::new();
        while self.byte() != Some(b'}') {
            let fname = self.ident()?;
            self.skip();
            self.lit(":")?;
            self.skip();
            let ty = self.type_expr()?;
            self.skip();
            let doc = self.doc()?;
            fields.push(FieldDecl {
                name: fname,
                ty,
                doc,
            });
            self.skip();
        }
        self.lit("}")?;
        Some(RecordDecl {
            name,
            doc,
            fields,
            span: self.span(start, self.pos),
        })
    }

    /// `fact_decl = { kw_fact ~ ident ~ ":" ~ type_expr ~ keyed? ~ doc? }`
    fn fact(&mut self, start: usize) -> Option<FactDecl> {
        self.kw(FACT)?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        self.lit(":")?;
        self.skip();
        let ty = self.type_expr()?;
        self.skip();
        let mut keyed = None;
        if self.sees_kw2("keyed", "键为") {
            self.kw2("keyed", &["by"], "键为")?;
            self.skip();
            keyed = Some(self.ident()?);
        }
        self.skip();
        let doc = self.doc()?;
        Some(FactDecl {
            name,
            ty,
            keyed,
            doc,
            span: self.span(start, self.pos),
        })
    }

    /// Whether the two-word keyword starting `first` (or its Chinese form) may come next: the
    /// first word, or the Chinese form, as a whole word.
    fn sees_kw2(&self, first: &str, zh: &str) -> bool {
        self.sees(&[first, zh])
    }

    /// `kind_decl = { kw_kind ~ ident ~ ":" ~ ident ~ doc? }`
    fn kind(&mut self, start: usize) -> Option<KindDecl> {
        self.kw(KIND)?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        self.lit(":")?;
        self.skip();
        let request = self.ident()?;
        self.skip();
        let doc = self.doc()?;
        Some(KindDecl {
            name,
            request,
            doc,
            span: self.span(start, self.pos),
        })
    }

    /// `labels_decl = { kw_labels ~ label_of ~ "{" ~ label_entry* ~ "}" }`
    fn labels(&mut self, start: usize) -> Option<LabelsDecl> {
        self.kw(LABELS)?;
        self.skip();
        // `label_of` is not a keyword the file's language is told from.
        let (s, e) = self.word(LABEL_OF)?;
        let of = match self.src.get(s..e)? {
            "role" | "角色" => LabelOf::Role,
            _ => LabelOf::Scenario,
        };
        self.skip();
        self.lit("{")?;
        self.skip();
        let mut entries = Vec::new();
        while self.byte() != Some(b'}') {
            let estart = self.pos;
            let name = self.ident()?;
            self.skip();
            let label = self.string()?;
            entries.push(LabelEntry {
                name,
                label,
                span: self.span(estart, self.pos),
            });
            self.skip();
        }
        self.lit("}")?;
        Some(LabelsDecl {
            of,
            entries,
            span: self.span(start, self.pos),
        })
    }

    /// `param_decl = { override_kw? ~ kw_param ~ ident ~ "=" ~ expr ~ cites? ~ doc? }`
    fn param(&mut self, start: usize, replaces: Option<Span>) -> Option<ParamDecl> {
        self.kw(PARAM)?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        self.lit("=")?;
        self.skip();
        let value = self.expr()?;
        self.skip();
        let cites = self.cites_opt()?;
        self.skip();
        let doc = self.doc()?;
        Some(ParamDecl {
            replaces,
            name,
            value,
            cites,
            doc,
            span: self.span(start, self.pos),
        })
    }

    /// `on_kinds = { kw_on ~ ident ~ ("," ~ ident)* }`
    fn on_kinds(&mut self) -> Option<Vec<Ident>> {
        self.kw(ON)?;
        self.skip();
        self.idents()
    }

    /// `over?`
    fn over_opt(&mut self) -> Option<Vec<Ident>> {
        if !self.sees(OVER) {
            return Some(Vec::new());
        }
        self.kw(OVER)?;
        self.skip();
        self.idents()
    }

    /// `value_decl = { override_kw? ~ kw_value ~ ident ~ (":" ~ type_expr)? ~ on_kinds ~
    /// reported? ~ cites? ~ (value_block | "=" ~ expr) }`
    fn value(&mut self, start: usize, replaces: Option<Span>) -> Option<ValueDecl> {
        self.kw(VALUE)?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        let mut ty = None;
        if self.lit(":").is_some() {
            self.skip();
            ty = Some(self.type_expr()?);
        }
        self.skip();
        let kinds = self.on_kinds()?;
        self.skip();
        let mut reported = None;
        if self.sees_kw2("reported", "报告为") {
            self.kw2("reported", &["as"], "报告为")?;
            self.skip();
            reported = Some(self.ident()?);
        }
        self.skip();
        let cites = self.cites_opt()?;
        self.skip();
        let body = if self.byte() == Some(b'{') {
            self.value_block()?
        } else {
            self.lit("=")?;
            self.skip();
            ValueBody::Expr(self.expr()?)
        };
        Some(ValueDecl {
            replaces,
            name,
            ty,
            kinds,
            reported,
            cites,
            body,
            span: self.span(start, self.pos),
        })
    }

    /// `value_block = { "{" ~ value_default ~ value_exception* ~ "}" }`
    fn value_block(&mut self) -> Option<ValueBody> {
        self.lit("{")?;
        self.skip();
        self.kw(DEFAULT)?;
        self.skip();
        let dexpr = self.expr()?;
        self.skip();
        let dcites = self.cites_opt()?;
        self.skip();
        let mut exceptions = Vec::new();
        while self.sees(EXCEPTION) {
            let estart = self.pos;
            self.kw(EXCEPTION)?;
            self.skip();
            let name = self.ident()?;
            self.skip();
            let over = self.over_opt()?;
            self.skip();
            let cites = self.cites_opt()?;
            self.skip();
            self.kw(WHEN)?;
            self.skip();
            let when = self.expr()?;
            self.skip();
            self.lit("=>")?;
            self.skip();
            let result = self.expr()?;
            self.skip();
            let parts = self.outcome_parts()?;
            exceptions.push(ValueException {
                name,
                over,
                cites,
                when,
                result,
                parts,
                span: self.span(estart, self.pos),
            });
            self.skip();
        }
        self.lit("}")?;
        Some(ValueBody::Block {
            default: (dexpr, dcites),
            exceptions,
        })
    }

    /// `guard_decl`, `rule_decl`, `exception_decl`, `check_decl`, `otherwise_decl`:
    /// `override_kw? ~ kw ~ ident ~ over? ~ on_kinds ~ cites? ~ consistent? ~ kw_when ~ expr ~
    /// "=>" ~ outcome` (`otherwise` without a name, `over` and the condition).
    fn rule(
        &mut self,
        start: usize,
        replaces: Option<Span>,
        role: RuleRole,
        keyword: &[&str],
    ) -> Option<RuleDecl> {
        let (_, kw_end) = self.kw(keyword)?;
        self.skip();
        let otherwise = role == RuleRole::Otherwise;
        let mut name = None;
        let mut over = Vec::new();
        if !otherwise {
            name = Some(self.ident()?);
            self.skip();
            over = self.over_opt()?;
            self.skip();
        }
        let kinds = self.on_kinds()?;
        self.skip();
        let cites = self.cites_opt()?;
        self.skip();
        let mut consistent = None;
        if self.sees_kw2("consistent", "符合") {
            let cstart = self.pos;
            self.kw2("consistent", &["with"], "符合")?;
            self.skip();
            let cite = self.citation()?;
            self.skip();
            let note = self.string()?;
            consistent = Some(Consistent {
                cite,
                note,
                span: self.span(cstart, self.pos),
            });
        }
        self.skip();
        let mut when = None;
        if !otherwise {
            self.kw(WHEN)?;
            self.skip();
            when = Some(self.expr()?);
            self.skip();
        }
        self.lit("=>")?;
        self.skip();
        let outcome = self.outcome()?;
        let span = self.span(start, self.pos);
        let head = match (&name, otherwise) {
            (_, true) => Span::new(self.file, span.start as usize, self.base + kw_end),
            (Some(n), _) => Span::new(self.file, span.start as usize, n.span.end as usize),
            (None, _) => span,
        };
        Some(RuleDecl {
            replaces,
            role,
            name,
            over,
            kinds,
            cites,
            consistent,
            when,
            outcome,
            head,
            span,
        })
    }

    /// `scope_decl = { kw_scope ~ reg_id ~ on_kinds ~ cites? ~ kw_when ~ expr }`
    fn scope(&mut self, start: usize) -> Option<ScopeDecl> {
        self.kw(SCOPE)?;
        self.skip();
        let regulation = self.reg_id()?;
        self.skip();
        let kinds = self.on_kinds()?;
        self.skip();
        let cites = self.cites_opt()?;
        self.skip();
        self.kw(WHEN)?;
        self.skip();
        let when = self.expr()?;
        Some(ScopeDecl {
            regulation,
            kinds,
            cites,
            when,
            span: self.span(start, self.pos),
        })
    }

    /// `outcome = { (effect ~ ident ~ string)? ~ outcome_part* }`
    fn outcome(&mut self) -> Option<Outcome> {
        let mut effect = None;
        if self.sees(EFFECT) {
            let eff = self.effect()?;
            self.skip();
            let code = self.ident()?;
            self.skip();
            let text = self.string()?;
            effect = Some((eff, code, text));
        }
        self.skip();
        let parts = self.outcome_parts()?;
        Some(Outcome { effect, parts })
    }

    fn effect(&mut self) -> Option<Effect> {
        let (s, e) = self.kw(EFFECT)?;
        Some(match self.src.get(s..e)? {
            "permit" | "准予" => Effect::Permit,
            "review" | "审核" => Effect::Review,
            _ => Effect::Deny,
        })
    }

    /// `outcome_part*` (after its skip): each round skips, then reads a part if one comes.
    fn outcome_parts(&mut self) -> Option<Vec<OutcomePart>> {
        let mut parts = Vec::new();
        loop {
            let m = self.mark();
            self.skip();
            let part = if self.sees(REASON) {
                self.reason_part()?
            } else if self.sees(OBLIGATION) {
                self.obligation_part()?
            } else if self.sees(DEADLINE) {
                self.deadline_part()?
            } else if self.sees(FINDING) {
                self.finding_part()?
            } else if self.sees(REMEDY) {
                self.remedy_part()?
            } else {
                self.reset(m);
                return Some(parts);
            };
            parts.push(part);
        }
    }

    /// `kw ~ ident`: a part's keyword and code.
    fn part_code(&mut self, keyword: &[&str]) -> Option<Ident> {
        self.kw(keyword)?;
        self.skip();
        let code = self.ident()?;
        self.skip();
        Some(code)
    }

    /// `party_as?` after a party: `as VALUE`.
    fn party_as(&mut self) -> Option<Option<Ident>> {
        if !self.sees(AS) {
            return Some(None);
        }
        self.kw(AS)?;
        self.skip();
        let v = self.ident()?;
        Some(Some(v))
    }

    /// `string ~ cites?`, the end of every part.
    fn text_and_cites(&mut self) -> Option<(Str, Vec<Citation>)> {
        let text = self.string()?;
        self.skip();
        let cites = self.cites_opt()?;
        Some((text, cites))
    }

    /// `reason_part = { kw_reason ~ ident ~ string ~ cites? }`
    fn reason_part(&mut self) -> Option<OutcomePart> {
        let code = self.part_code(REASON)?;
        let (text, cites) = self.text_and_cites()?;
        Some(OutcomePart::Reason { code, text, cites })
    }

    /// `remedy_part = { kw_remedy ~ ident ~ string ~ cites? }`
    fn remedy_part(&mut self) -> Option<OutcomePart> {
        let code = self.part_code(REMEDY)?;
        let (text, cites) = self.text_and_cites()?;
        Some(OutcomePart::Remedy { code, text, cites })
    }

    /// `obligation_part = { kw_obligation ~ ident ~ kw_on_party ~ ident ~ party_as? ~ until? ~
    /// string ~ cites? }`
    fn obligation_part(&mut self) -> Option<OutcomePart> {
        let code = self.part_code(OBLIGATION)?;
        self.kw(ON_PARTY)?;
        self.skip();
        let party = self.ident()?;
        self.skip();
        let party_as = self.party_as()?;
        self.skip();
        let mut until = None;
        if self.sees(UNTIL) {
            self.kw(UNTIL)?;
            self.skip();
            until = Some(self.expr()?);
        }
        self.skip();
        let (text, cites) = self.text_and_cites()?;
        Some(OutcomePart::Obligation {
            code,
            party,
            party_as,
            until,
            text,
            cites,
        })
    }

    /// `deadline_part = { kw_deadline ~ ident ~ kw_on_party ~ ident ~ party_as? ~ kw_within ~
    /// expr ~ kw_from ~ expr ~ as_of? ~ met_by? ~ string ~ cites? }`
    fn deadline_part(&mut self) -> Option<OutcomePart> {
        let code = self.part_code(DEADLINE)?;
        self.kw(ON_PARTY)?;
        self.skip();
        let party = self.ident()?;
        self.skip();
        let party_as = self.party_as()?;
        self.skip();
        self.kw(WITHIN)?;
        self.skip();
        let within = self.expr()?;
        self.skip();
        self.kw(FROM)?;
        self.skip();
        let from = self.expr()?;
        self.skip();
        let mut as_of = None;
        if self.sees_kw2("as", "按日") {
            let m = self.mark();
            if self.kw2("as", &["of"], "按日").is_some() {
                self.skip();
                as_of = Some(Box::new(self.expr()?));
            } else {
                self.reset(m);
            }
        }
        self.skip();
        let mut met_by = None;
        if self.sees_kw2("met", "履行于") {
            let m = self.mark();
            if self.kw2("met", &["by"], "履行于").is_some() {
                self.skip();
                met_by = Some(self.expr()?);
            } else {
                self.reset(m);
            }
        }
        self.skip();
        let (text, cites) = self.text_and_cites()?;
        Some(OutcomePart::Deadline {
            code,
            party,
            party_as,
            within,
            from,
            as_of,
            met_by,
            text,
            cites,
        })
    }

    /// `finding_part = { kw_finding ~ ident ~ severity ~ kw_on ~ expr ~ string ~ cites? }`
    fn finding_part(&mut self) -> Option<OutcomePart> {
        let code = self.part_code(FINDING)?;
        let (s, e) = self.kw(SEVERITY)?;
        let severity = match self.src.get(s..e)? {
            "info" | "提示" => FindingSeverity::Info,
            "warning" | "警告" => FindingSeverity::Warning,
            _ => FindingSeverity::Violation,
        };
        self.skip();
        self.kw(ON)?;
        self.skip();
        let subject = self.expr()?;
        self.skip();
        let (text, cites) = self.text_and_cites()?;
        Some(OutcomePart::Finding {
            code,
            severity,
            subject,
            text,
            cites,
        })
    }

    // ---- citations ----------------------------------------------------------------------

    /// `cites?`: `kw_cites ~ cite_item ~ ("," ~ cite_item)*`.
    fn cites_opt(&mut self) -> Option<Vec<Citation>> {
        if !self.sees(CITES) {
            return Some(Vec::new());
        }
        self.kw(CITES)?;
        self.skip();
        self.separated(Self::cite_item)
    }

    /// `cite_item = _{ reading_ref | citation }`, `reading_ref = { kw_reading ~ ident }`.
    fn cite_item(&mut self) -> Option<Citation> {
        if self.sees(READING) {
            let start = self.pos;
            self.kw(READING)?;
            self.skip();
            let name = self.ident()?;
            return Some(Citation {
                regulation: None,
                path: Vec::new(),
                version: None,
                form: CiteForm::Section,
                reading: Some(name),
                span: self.span(start, self.pos),
            });
        }
        self.citation()
    }

    /// `citation` (compound-atomic: no blanks skipped inside but those it names).
    fn citation(&mut self) -> Option<Citation> {
        let start = self.pos;
        // `(reg_id ~ blank*)? ~ "§" ~ (cite_unknown | cite_path ~ cite_version?)`
        let m = self.mark();
        let mut regulation = self.reg_id();
        if regulation.is_some() {
            self.blanks();
        }
        if self.lit("§").is_none() {
            self.reset(m);
            regulation = None;
            if self.lit("§").is_none() {
                return self.zh_citation(start);
            }
        }
        let mut path = Vec::new();
        let mut version = None;
        if self.lit("?").is_none() {
            path = self.cite_path()?;
            version = self.cite_version()?;
        }
        Some(Citation {
            regulation,
            path,
            version,
            form: CiteForm::Section,
            reading: None,
            span: self.span(start, self.pos),
        })
    }

    /// `cite_path = { int ~ ("." ~ int){0, 2} }` (in an atomic rule: nothing skipped).
    fn cite_path(&mut self) -> Option<Vec<u32>> {
        let mut path = vec![self.int()?.1];
        for _ in 0..2 {
            let m = self.mark();
            if self.lit(".").is_some() {
                if let Some((_, n)) = self.int() {
                    path.push(n);
                    continue;
                }
            }
            self.reset(m);
            break;
        }
        Some(path)
    }

    /// `blank*` (no comments).
    fn blanks(&mut self) -> usize {
        let start = self.pos;
        loop {
            match self.byte() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                _ if self.at("\u{3000}") || self.at("\u{FEFF}") => self.pos += 3,
                _ => return self.pos - start,
            }
        }
    }

    /// `cite_version?`: `"@" ~ date`.
    fn cite_version(&mut self) -> Option<Option<Date>> {
        if self.byte() != Some(b'@') {
            return Some(None);
        }
        let m = self.mark();
        self.pos += 1;
        if !self.sees_date() {
            self.reset(m);
            return Some(None);
        }
        Some(Some(self.date()?))
    }

    /// `(reg_id ~ blank+ ~ &"第")? ~ zh_cite_path ~ cite_version?`, `zh_cite_path =
    /// ${ zh_article ~ (zh_para ~ zh_item? | zh_item)? }`.
    fn zh_citation(&mut self, start: usize) -> Option<Citation> {
        let m = self.mark();
        let mut regulation = self.reg_id();
        if regulation.is_some() && !(self.blanks() > 0 && self.at("第")) {
            self.reset(m);
            regulation = None;
        }
        let (path, form) = self.zh_cite_path()?;
        let version = self.cite_version()?;
        Some(Citation {
            regulation,
            path,
            version,
            form,
            reading: None,
            span: self.span(start, self.pos),
        })
    }

    /// `zh_cite_path = ${ zh_article ~ (zh_para ~ zh_item? | zh_item)? }`: the numbers, and
    /// whether an item follows the article directly.
    fn zh_cite_path(&mut self) -> Option<(Vec<u32>, CiteForm)> {
        let mut path = vec![self.ordinal("条")?];
        let mut para = false;
        let mut item = false;
        if let Some(n) = self.ordinal_opt("款")? {
            path.push(n);
            para = true;
            if let Some(n) = self.ordinal_opt("项")? {
                path.push(n);
                item = true;
            }
        } else if let Some(n) = self.ordinal_opt("项")? {
            path.push(n);
            item = true;
        }
        let form = if item && !para {
            CiteForm::NamedItem
        } else {
            CiteForm::Named
        };
        Some((path, form))
    }

    /// `第` NUMBER `suffix`, its number (one the builder cannot read is left to it).
    fn ordinal(&mut self, suffix: &str) -> Option<u32> {
        self.lit("第")?;
        let start = self.pos;
        let (len, digits) = zh_number_len(self.rest());
        if len == 0 {
            return None;
        }
        self.pos += len;
        let number = self.src.get(start..self.pos)?;
        let n = if digits {
            number.parse::<u32>().ok()?
        } else {
            crate::numerals::parse(number)?
        };
        self.lit(suffix)?;
        Some(n)
    }

    /// An optional ordinal: `None` (nothing read) if the text does not go on with a whole one.
    fn ordinal_opt(&mut self, suffix: &str) -> Option<Option<u32>> {
        if !self.at("第") {
            return Some(None);
        }
        let m = self.mark();
        // The grammar reads a number with a suffix or gives up the option.
        if !self.ordinal_matches(suffix) {
            self.reset(m);
            return Some(None);
        }
        self.ordinal(suffix).map(Some)
    }

    /// Whether `第` NUMBER `suffix` comes next, as the grammar reads it.
    fn ordinal_matches(&self, suffix: &str) -> bool {
        let rest = self.rest().strip_prefix("第").unwrap_or("");
        let (len, _) = zh_number_len(rest);
        len > 0 && rest.get(len..).is_some_and(|r| r.starts_with(suffix))
    }

    // ---- regulations, coverage, interpretations ------------------------------------------

    /// `regulation = { kw_regulation ~ reg_id ~ string ~ "{" ~ reg_entry* ~ "}" }`
    fn regulation(&mut self, start: usize) -> Option<Regulation> {
        self.kw(REGULATION)?;
        self.skip();
        let id = self.reg_id()?;
        self.skip();
        let title = self.string()?;
        self.skip();
        self.lit("{")?;
        self.skip();
        let mut reg = Regulation::new(id, title, Span::new(self.file, 0, 0));
        while self.byte() != Some(b'}') {
            self.reg_entry(&mut reg)?;
            self.skip();
        }
        self.lit("}")?;
        reg.span = self.span(start, self.pos);
        Some(reg)
    }

    /// `keyword ~ string`, as most entries of a regulation are.
    fn keyed_string(&mut self, keyword: &[&str]) -> Option<Str> {
        self.kw(keyword)?;
        self.skip();
        self.string()
    }

    /// One `reg_entry`.
    fn reg_entry(&mut self, reg: &mut Regulation) -> Option<()> {
        let start = self.pos;
        if self.sees(ISSUER) {
            reg.issuer = Some(self.keyed_string(ISSUER)?);
        } else if self.sees(NUMBER) {
            reg.number = Some(self.keyed_string(NUMBER)?);
        } else if self.sees(RANK) {
            self.kw(RANK)?;
            self.skip();
            reg.rank = Some(self.ident()?);
        } else if self.sees(TERRITORY) {
            reg.territory = Some(self.keyed_string(TERRITORY)?);
        } else if self.sees_kw2("in", "施行") {
            // `reg_in_force = { kw_in_force ~ kw_from ~ (date | date_unknown) ~ (kw_until ~
            // date)? ~ string? }`
            self.kw2("in", &["force"], "施行")?;
            self.skip();
            self.kw(FROM)?;
            self.skip();
            let from = if self.sees(UNKNOWN) {
                self.kw(UNKNOWN)?;
                None
            } else {
                Some(self.date()?)
            };
            self.skip();
            let mut until = None;
            if self.sees(UNTIL) {
                self.kw(UNTIL)?;
                self.skip();
                until = Some(self.date()?);
            }
            self.skip();
            let note = self.doc()?;
            reg.in_force = Some(InForce {
                from,
                until,
                note,
                span: self.span(start, self.pos),
            });
        } else if self.sees_kw2("text", "文本未取得") {
            self.kw2("text", &["unavailable"], "文本未取得")?;
            self.skip();
            reg.unavailable = Some(self.string()?);
        } else if self.sees(STYLE) {
            self.kw(STYLE)?;
            self.skip();
            reg.style = Some(self.ident()?);
        } else if self.sees(CHAPTER) || self.ordinal_matches("章") {
            let number = self.numbered(CHAPTER, "章")?.1;
            self.skip();
            let title = self.string()?;
            reg.chapters.push(Chapter {
                number,
                title,
                span: self.span(start, self.pos),
            });
        } else if self.sees(MISSING) {
            // `missing = { kw_missing_articles ~ int ~ (".." ~ int)? ~ string }`
            self.kw(MISSING)?;
            self.skip();
            let from = self.int()?.1;
            self.skip();
            let mut to = from;
            if self.lit("..").is_some() {
                self.skip();
                to = self.int()?.1;
            }
            self.skip();
            let note = self.string()?;
            reg.missing.push(Missing {
                from,
                to,
                note,
                span: self.span(start, self.pos),
            });
        } else {
            let chapter = reg.chapters.last().map(|c| c.number);
            let article = self.article(chapter)?;
            reg.articles.push(article);
        }
        Some(())
    }

    /// `(kw ~ int | zh_ordinal)`: the English keyword and a number, or the Chinese ordinal
    /// (`第五条`, noted as a keyword); the range of the number's pair and the number.
    fn numbered(&mut self, keyword: &[&str], suffix: &str) -> Option<((usize, usize), u32)> {
        if self.at("第") {
            let start = self.pos;
            let n = self.ordinal(suffix)?;
            self.notes.push((start, self.pos));
            return Some(((start, self.pos), n));
        }
        self.kw(keyword)?;
        self.skip();
        let (start, n) = self.int()?;
        Some(((start, self.pos), n))
    }

    /// `art_from? ~ art_until?` (after a skip): each the keyword's date and the span of the
    /// pair.
    #[allow(
        clippy::type_complexity,
        reason = "two optional dated spans, as the tree holds them"
    )]
    fn text_period(&mut self) -> Option<(Option<(Date, Span)>, Option<(Date, Span)>)> {
        let mut from = None;
        if self.sees(FROM) {
            let start = self.pos;
            self.kw(FROM)?;
            self.skip();
            let d = self.date()?;
            from = Some((d, self.span(start, self.pos)));
        }
        self.skip();
        let mut until = None;
        if self.sees(UNTIL) {
            until = Some(self.art_until()?);
        }
        self.skip();
        Some((from, until))
    }

    /// `art_until = { kw_until ~ date }`
    fn art_until(&mut self) -> Option<(Date, Span)> {
        let start = self.pos;
        self.kw(UNTIL)?;
        self.skip();
        let d = self.date()?;
        Some((d, self.span(start, self.pos)))
    }

    /// `article = { (kw_article ~ int | zh_article) ~ art_from? ~ art_until? ~ partial? ~
    /// (article_body | string ~ defect* ~ items?) }`
    fn article(&mut self, chapter: Option<u32>) -> Option<Article> {
        let start = self.pos;
        let ((_, num_end), number) = self.numbered(ARTICLE, "条")?;
        self.skip();
        let (from, until) = self.text_period()?;
        let mut partial = false;
        if self.sees(PARTIAL) {
            self.kw(PARTIAL)?;
            partial = true;
        }
        self.skip();
        let head = self.span(start, num_end);
        let (paras, single) = if self.byte() == Some(b'{') {
            self.lit("{")?;
            self.skip();
            let mut paras = Vec::new();
            while self.byte() != Some(b'}') {
                paras.push(self.para()?);
                self.skip();
            }
            self.lit("}")?;
            (paras, false)
        } else {
            let text = self.string()?;
            self.skip();
            let defects = self.defects()?;
            self.skip();
            let items = self.items_opt()?;
            let para = Para {
                number: 1,
                text,
                items,
                from: None,
                until: None,
                defects,
                span: self.span(start, self.pos),
            };
            (vec![para], true)
        };
        Some(Article {
            number,
            partial,
            from,
            until,
            chapter,
            paras,
            single,
            span: head,
        })
    }

    /// `para = { (kw_para ~ int | zh_para) ~ art_from? ~ art_until? ~ string ~ defect* ~
    /// items? }`
    fn para(&mut self) -> Option<Para> {
        let start = self.pos;
        let number = self.numbered(PARA, "款")?.1;
        self.skip();
        let (from, until) = self.text_period()?;
        let text = self.string()?;
        self.skip();
        let defects = self.defects()?;
        self.skip();
        let items = self.items_opt()?;
        Some(Para {
            number,
            text,
            items,
            from,
            until,
            defects,
            span: self.span(start, self.pos),
        })
    }

    /// `items?` (after a skip): `"{" ~ item_text* ~ "}"`, an item `(kw_item ~ int | zh_item)
    /// ~ art_from? ~ art_until? ~ string ~ defect*`.
    fn items_opt(&mut self) -> Option<Vec<ItemText>> {
        let mut out = Vec::new();
        if self.byte() != Some(b'{') {
            return Some(out);
        }
        self.lit("{")?;
        self.skip();
        while self.byte() != Some(b'}') {
            let start = self.pos;
            let number = self.numbered(ITEM, "项")?.1;
            self.skip();
            let (from, until) = self.text_period()?;
            let text = self.string()?;
            self.skip();
            let defects = self.defects()?;
            out.push(ItemText {
                number,
                text,
                from,
                until,
                defects,
                span: self.span(start, self.pos),
            });
            self.skip();
        }
        self.lit("}")?;
        Some(out)
    }

    /// `defect*` (after a skip), each `defect_kind ~ string ~ (kw_reads ~ string |
    /// art_until)?`; a combination the builder refuses is left to it. Ends as a repetition
    /// does: at the end of the last defect, or where it started if there is none.
    fn defects(&mut self) -> Option<Vec<Defect>> {
        let mut out = Vec::new();
        loop {
            let m = self.mark();
            self.skip();
            if !self.sees(DEFECT) {
                self.reset(m);
                return Some(out);
            }
            let start = self.pos;
            let (s, e) = self.kw(DEFECT)?;
            let kind = match self.src.get(s..e)? {
                "duplicated" | "重复" => DefectKind::Duplicated,
                "target" | "目标" => DefectKind::Target,
                _ => DefectKind::Garbled,
            };
            self.skip();
            let run = self.string()?;
            self.skip();
            let mut reading = None;
            let mut until = None;
            if self.sees(READS) {
                self.kw(READS)?;
                self.skip();
                reading = Some(self.string()?);
            } else if self.sees(UNTIL) {
                until = Some(self.art_until()?);
            }
            let fine = match kind {
                DefectKind::Duplicated => reading.is_some() && until.is_none(),
                DefectKind::Target => until.is_some() && reading.is_none(),
                DefectKind::Garbled => until.is_none(),
            };
            if !fine {
                return None;
            }
            out.push(Defect {
                kind,
                run,
                reading,
                until,
                span: self.span(start, self.pos),
            });
        }
    }

    /// `coverage_decl = { kw_coverage ~ reg_id ~ "{" ~ coverage_entry* ~ "}" }`, an entry
    /// `coverage_ref ~ ("," ~ coverage_ref)* ~ coverage_status ~ string`.
    fn coverage(&mut self, start: usize) -> Option<CoverageDecl> {
        self.kw(COVERAGE)?;
        self.skip();
        let regulation = self.reg_id()?;
        self.skip();
        self.lit("{")?;
        self.skip();
        let mut entries = Vec::new();
        while self.byte() != Some(b'}') {
            let estart = self.pos;
            let articles = self.separated(Self::coverage_ref)?;
            self.skip();
            let (s, e) = self.kw(COVERAGE_STATUS)?;
            let decidable = !matches!(self.src.get(s..e)?, "not_decidable" | "不可判定");
            self.skip();
            let reason = self.string()?;
            entries.push(CoverageEntry {
                articles,
                decidable,
                reason,
                span: self.span(estart, self.pos),
            });
            self.skip();
        }
        self.lit("}")?;
        Some(CoverageDecl {
            regulation,
            entries,
            span: self.span(start, self.pos),
        })
    }

    /// `coverage_ref = ${ "§" ~ cite_path | zh_cite_path }`
    fn coverage_ref(&mut self) -> Option<(Vec<u32>, CiteForm, Span)> {
        let start = self.pos;
        if self.lit("§").is_some() {
            let path = self.cite_path()?;
            return Some((path, CiteForm::Section, self.span(start, self.pos)));
        }
        let (path, form) = self.zh_cite_path()?;
        Some((path, form, self.span(start, self.pos)))
    }

    /// `interpretation_decl = { kw_interpretation ~ ident ~ kw_of ~ citation ~ ("," ~
    /// citation)* ~ "{" ~ interp_says ~ interp_means ~ interp_adopted ~ "}" }`
    fn interpretation(&mut self, start: usize) -> Option<InterpretationDecl> {
        self.kw(INTERPRETATION)?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        self.kw(OF)?;
        self.skip();
        let of = self.separated(Self::citation)?;
        self.skip();
        self.lit("{")?;
        self.skip();
        let says = self.keyed_string(SAYS)?;
        self.skip();
        let means = self.keyed_string(MEANS)?;
        self.skip();
        self.kw2("adopted", &["by"], "采纳")?;
        self.skip();
        let adopted_by = self.string()?;
        self.skip();
        self.kw(ON_DATE)?;
        self.skip();
        let adopted_on = self.date()?;
        self.skip();
        self.lit("}")?;
        Some(InterpretationDecl {
            name,
            of,
            says,
            means,
            adopted_by,
            adopted_on,
            span: self.span(start, self.pos),
        })
    }

    // ---- tests --------------------------------------------------------------------------

    /// `test_decl = { kw_test ~ string ~ "{" ~ test_entry* ~ "}" }`
    fn test(&mut self, start: usize) -> Option<TestDecl> {
        self.kw(TEST)?;
        self.skip();
        let name = self.string()?;
        self.skip();
        self.lit("{")?;
        self.skip();
        let mut decl = TestDecl {
            name,
            facts: None,
            request: None,
            expects: Vec::new(),
            span: Span::new(self.file, 0, 0),
        };
        while self.byte() != Some(b'}') {
            let estart = self.pos;
            if self.sees(FACTS) {
                self.kw(FACTS)?;
                self.skip();
                decl.facts = Some(self.string()?);
            } else if self.sees(REQUEST) {
                self.kw(REQUEST)?;
                self.skip();
                let kind = self.ident()?;
                self.skip();
                let fields = self.test_fields()?;
                decl.request = Some(TestRequest {
                    kind,
                    fields,
                    span: self.span(estart, self.pos),
                });
            } else {
                self.kw(EXPECT)?;
                self.skip();
                let kind = self.expect()?;
                decl.expects.push(Expect {
                    kind,
                    span: self.span(estart, self.pos),
                });
            }
            self.skip();
        }
        self.lit("}")?;
        decl.span = self.span(start, self.pos);
        Some(decl)
    }

    /// `"{" ~ (test_field ~ ("," ~ test_field)* ~ ","?)? ~ "}"`, a field `ident ~
    /// test_literal`.
    fn test_fields(&mut self) -> Option<Vec<(Ident, TestLiteral)>> {
        self.enter()?;
        self.lit("{")?;
        self.skip();
        let mut fields = Vec::new();
        if self.byte() != Some(b'}') {
            loop {
                let name = self.ident()?;
                self.skip();
                let value = self.test_literal()?;
                fields.push((name, value));
                self.skip();
                if self.lit(",").is_none() {
                    break;
                }
                self.skip();
                if self.byte() == Some(b'}') {
                    break;
                }
            }
        }
        self.lit("}")?;
        self.leave();
        Some(fields)
    }

    /// `test_literal = { date | string | int | test_list | test_object | bool_lit | ident }`
    fn test_literal(&mut self) -> Option<TestLiteral> {
        Some(match self.byte()? {
            b'0'..=b'9' if self.sees_date() => TestLiteral::Date(self.date()?),
            b'0'..=b'9' => TestLiteral::Int(i64::from(self.int()?.1)),
            b'"' => TestLiteral::Str(self.string()?.value),
            b'{' => TestLiteral::Object(self.test_fields()?),
            b'[' => {
                self.enter()?;
                self.lit("[")?;
                self.skip();
                let mut items = Vec::new();
                if self.byte() != Some(b']') {
                    loop {
                        items.push(self.test_literal()?);
                        self.skip();
                        if self.lit(",").is_none() {
                            break;
                        }
                        self.skip();
                    }
                }
                self.lit("]")?;
                self.leave();
                TestLiteral::List(items)
            }
            _ if self.sees(BOOL) => {
                let (s, e) = self.kw(BOOL)?;
                TestLiteral::Bool(matches!(self.src.get(s..e)?, "true" | "真"))
            }
            _ => TestLiteral::Word(self.ident()?.name),
        })
    }

    /// `test_expect`'s choice: `expect_error | expect_deadline | expect_tier | expect_no |
    /// expect_part | expect_effect`.
    fn expect(&mut self) -> Option<ExpectKind> {
        if self.sees(ERROR) {
            self.kw(ERROR)?;
            self.skip();
            return Some(ExpectKind::Error(self.ident()?));
        }
        if self.sees(DEADLINE) {
            let m = self.mark();
            if let Some(kind) = self.expect_deadline() {
                return Some(kind);
            }
            self.reset(m);
        } else if self.sees(TIER) {
            self.kw(TIER)?;
            self.skip();
            let key = self.ident()?;
            self.skip();
            let value = self.ident()?;
            return Some(ExpectKind::Tier(key, value));
        } else if self.sees(NO) {
            self.kw(NO)?;
            self.skip();
            let kind = self.part_kind()?;
            self.skip();
            return Some(ExpectKind::HasNo(kind, self.reg_id()?));
        }
        if self.sees(PART_KIND) {
            let kind = self.part_kind()?;
            self.skip();
            return Some(ExpectKind::Has(kind, self.reg_id()?));
        }
        let effect = self.effect()?;
        self.skip();
        let mut codes = Vec::new();
        loop {
            let m = self.mark();
            self.skip();
            if self.sees(TEST_KEYWORD) {
                self.reset(m);
                break;
            }
            match self.ident() {
                Some(code) => codes.push(code),
                None => {
                    self.reset(m);
                    break;
                }
            }
        }
        Some(ExpectKind::Effect(effect, codes))
    }

    /// `expect_deadline = { kw_deadline ~ ident ~ kw_due ~ date ~ (kw_status ~
    /// deadline_status)? ~ (kw_party ~ string)? }`
    fn expect_deadline(&mut self) -> Option<ExpectKind> {
        self.kw(DEADLINE)?;
        self.skip();
        let code = self.ident()?;
        self.skip();
        self.kw(DUE)?;
        self.skip();
        let due = self.date()?;
        self.skip();
        let mut status = None;
        if self.sees(STATUS) {
            self.kw(STATUS)?;
            self.skip();
            let (s, e) = self.kw(DEADLINE_STATUS)?;
            let name = Kw::read("deadline_status", self.src.get(s..e)?).map_or("", Kw::en);
            status = Some(Ident {
                name: name.to_string(),
                span: self.span(s, e),
            });
        }
        self.skip();
        let mut party = None;
        if self.sees(PARTY) {
            self.kw(PARTY)?;
            self.skip();
            party = Some(self.string()?);
        }
        Some(ExpectKind::Deadline(code, due, status, party))
    }

    /// `part_kind`.
    fn part_kind(&mut self) -> Option<PartKind> {
        let (s, e) = self.kw(PART_KIND)?;
        let text = self.src.get(s..e)?;
        let kw = PART_KINDS
            .iter()
            .copied()
            .find(|k| k.en() == text || k.zh() == text);
        Some(match kw {
            Some(Kw::Reason) => PartKind::Reason,
            Some(Kw::Obligation) => PartKind::Obligation,
            Some(Kw::Finding) => PartKind::Finding,
            Some(Kw::Remedy) => PartKind::Remedy,
            Some(Kw::Source) => PartKind::Source,
            _ => PartKind::Deadline,
        })
    }

    // ---- expressions --------------------------------------------------------------------

    /// An `expr` where a declaration holds one: none if the builder would find it nested too
    /// deep (it says so, E0006).
    fn expr(&mut self) -> Option<Expr> {
        let (e, depth) = self.or_expr()?;
        (depth <= MAX_NESTING).then_some(e)
    }

    /// `expr = { or_expr }`, `or_expr = { and_expr ~ (or_op ~ and_expr)* }`
    fn or_expr(&mut self) -> Option<Ex> {
        self.enter()?;
        let first = self.and_expr()?;
        let e = self.chain(first, |r| r.kw(OR).map(|_| BinOp::Or), Self::and_expr)?;
        self.leave();
        Some(e)
    }

    /// `and_expr = { not_expr ~ (and_op ~ not_expr)* }`
    fn and_expr(&mut self) -> Option<Ex> {
        let first = self.not_expr()?;
        self.chain(first, |r| r.kw(AND).map(|_| BinOp::And), Self::not_expr)
    }

    /// The rest of a chain after its first operand: `(op ~ operand)*`, put together as the
    /// builder puts it together ([`super::chain_of`]).
    fn chain(
        &mut self,
        first: Ex,
        op: fn(&mut Self) -> Option<BinOp>,
        operand: fn(&mut Self) -> Option<Ex>,
    ) -> Option<Ex> {
        self.skip();
        let mut rest: Vec<(BinOp, Expr)> = Vec::new();
        let mut depth = first.1;
        loop {
            let m = self.mark();
            self.skip();
            let Some(o) = op(self) else {
                self.reset(m);
                break;
            };
            self.skip();
            let (e, d) = operand(self)?;
            depth = depth.max(d);
            rest.push((o, e));
        }
        if rest.is_empty() {
            return Some((first.0, depth));
        }
        Some((super::chain_of(first.0, rest), depth + 1))
    }

    /// `not_expr = { not_op ~ not_expr | cmp_expr }`
    fn not_expr(&mut self) -> Option<Ex> {
        if !self.sees(NOT) {
            return self.cmp_expr();
        }
        self.enter()?;
        let start = self.pos;
        self.kw(NOT)?;
        self.skip();
        let (inner, d) = self.not_expr()?;
        self.leave();
        Some((
            Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span: self.span(start, self.pos),
            },
            d + 1,
        ))
    }

    /// `cmp_expr = { sum_expr ~ (is_missing | exists_op | in_op ~ sum_expr | cmp_op ~
    /// sum_expr)? }`
    fn cmp_expr(&mut self) -> Option<Ex> {
        let start = self.pos;
        let (lhs, dl) = self.sum_expr()?;
        self.skip();
        let lhs = Box::new(lhs);
        let (kind, depth) = if self.sees_kw2("is", "缺失") {
            let m = self.mark();
            if self.kw2("is", &["missing"], "缺失").is_none() {
                self.reset(m);
                return Some((*lhs, dl));
            }
            (ExprKind::IsMissing(lhs), dl)
        } else if self.sees(EXISTS) {
            self.kw(EXISTS)?;
            (ExprKind::Exists(lhs), dl)
        } else if self.sees_kw2("not", "不属于") || self.sees(IN) {
            let m = self.mark();
            let negated = if self.kw2("not", &["in"], "不属于").is_some() {
                true
            } else if self.kw(IN).is_some() {
                false
            } else {
                self.reset(m);
                return Some((*lhs, dl));
            };
            self.skip();
            let (coll, dc) = self.sum_expr()?;
            (
                ExprKind::In {
                    negated,
                    elem: lhs,
                    coll: Box::new(coll),
                },
                dl.max(dc),
            )
        } else if let Some(op) = self.cmp_op() {
            self.skip();
            let (rhs, dr) = self.sum_expr()?;
            (ExprKind::Binary(op, lhs, Box::new(rhs)), dl.max(dr))
        } else {
            return Some((*lhs, dl));
        };
        Some((
            Expr {
                kind,
                span: self.span(start, self.pos),
            },
            depth + 1,
        ))
    }

    /// `cmp_op = { "==" | "!=" | "<=" | ">=" | "<" | ">" }`
    fn cmp_op(&mut self) -> Option<BinOp> {
        for (text, op) in [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
        ] {
            if self.lit(text).is_some() {
                return Some(op);
            }
        }
        None
    }

    /// `sum_expr = { postfix ~ (add_op ~ postfix)* }`
    fn sum_expr(&mut self) -> Option<Ex> {
        let first = self.postfix()?;
        self.chain(
            first,
            |r| match r.byte() {
                Some(b'+') => {
                    r.pos += 1;
                    Some(BinOp::Add)
                }
                Some(b'-') => {
                    r.pos += 1;
                    Some(BinOp::Sub)
                }
                _ => None,
            },
            Self::postfix,
        )
    }

    /// `postfix = { atom ~ (field_suffix | index_suffix)* }`: each suffix a level deeper
    /// (`Cx::postfix`).
    fn postfix(&mut self) -> Option<Ex> {
        let (atom, da) = self.atom()?;
        self.skip();
        let mut acc = atom;
        let mut depth = da;
        let mut suffixes = 0;
        loop {
            let m = self.mark();
            self.skip();
            let sstart = self.pos;
            let kind = match self.byte() {
                Some(b'.') => {
                    self.pos += 1;
                    self.skip();
                    let Some(name) = self.ident() else {
                        self.reset(m);
                        break;
                    };
                    suffixes += 1;
                    depth = depth.max(suffixes);
                    let span = acc.span.to(self.span(sstart, self.pos));
                    (ExprKind::Field(Box::new(acc), name), span)
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.skip();
                    suffixes += 1;
                    let (key, dk) = self.or_expr()?;
                    self.skip();
                    self.lit("]")?;
                    depth = depth.max(suffixes + dk);
                    let span = acc.span.to(self.span(sstart, self.pos));
                    (ExprKind::Index(Box::new(acc), Box::new(key)), span)
                }
                _ => {
                    self.reset(m);
                    break;
                }
            };
            acc = Expr {
                kind: kind.0,
                span: kind.1,
            };
        }
        if suffixes == 0 {
            return Some((acc, da));
        }
        // The atom one level below the postfix, each suffix one more.
        Some((acc, (da + 1).max(depth + 1)))
    }

    /// `atom = _{ name | quantifier | each_expr | applies | duration | date | int | string |
    /// bool_lit | set_lit | list_lit | "(" ~ expr ~ ")" }`
    fn atom(&mut self) -> Option<Ex> {
        let start = self.pos;
        let leaf = |kind, r: &Self| {
            Some((
                Expr {
                    kind,
                    span: r.span(start, r.pos),
                },
                1,
            ))
        };
        match self.byte()? {
            b'0'..=b'9' => {
                // `duration = { int ~ (working_days | calendar_days) }`, then `date`, `int`.
                let m = self.mark();
                let (_, n) = self.int()?;
                self.skip();
                if self.sees_kw2("working", "工作日") {
                    if self.kw2("working", &["days", "day"], "工作日").is_some() {
                        return leaf(
                            ExprKind::Duration {
                                count: i64::from(n),
                                working: true,
                            },
                            self,
                        );
                    }
                    return None;
                }
                if self.sees(DAYS) {
                    self.kw(DAYS)?;
                    return leaf(
                        ExprKind::Duration {
                            count: i64::from(n),
                            working: false,
                        },
                        self,
                    );
                }
                self.reset(m);
                if self.sees_date() {
                    let d = self.date()?;
                    return leaf(ExprKind::Date(d), self);
                }
                let (_, n) = self.int()?;
                leaf(ExprKind::Int(i64::from(n)), self)
            }
            b'"' => {
                let s = self.string()?;
                Some((
                    Expr {
                        kind: ExprKind::Str(s.value),
                        span: s.span,
                    },
                    1,
                ))
            }
            b'(' => {
                self.pos += 1;
                self.skip();
                let inner = self.or_expr()?;
                self.skip();
                self.lit(")")?;
                Some(inner)
            }
            b'{' | b'[' => {
                let close = if self.byte() == Some(b'{') { "}" } else { "]" };
                let set = close == "}";
                self.pos += 1;
                self.skip();
                let mut items = Vec::new();
                let mut depth = 0;
                if !self.at(close) {
                    loop {
                        let (e, d) = self.or_expr()?;
                        depth = depth.max(d);
                        items.push(e);
                        let m = self.mark();
                        self.skip();
                        if self.lit(",").is_none() {
                            self.reset(m);
                            break;
                        }
                        self.skip();
                    }
                }
                self.skip();
                self.lit(close)?;
                let kind = if set {
                    ExprKind::Set(items)
                } else {
                    ExprKind::List(items)
                };
                Some((
                    Expr {
                        kind,
                        span: self.span(start, self.pos),
                    },
                    depth + 1,
                ))
            }
            _ => {
                if let Some(name) = self.ident() {
                    return Some((
                        Expr {
                            kind: ExprKind::Name(name.name),
                            span: name.span,
                        },
                        1,
                    ));
                }
                self.enter()?;
                let e = if self.sees(QUANT) {
                    self.quantifier(start)
                } else if self.sees(EACH) {
                    self.each(start)
                } else if self.sees(APPLIES) {
                    self.applies(start)
                } else if self.sees(BOOL) {
                    let (s, e) = self.kw(BOOL)?;
                    let b = matches!(self.src.get(s..e)?, "true" | "真");
                    leaf(ExprKind::Bool(b), self)
                } else {
                    None
                };
                self.leave();
                e
            }
        }
    }

    /// `quantifier = { quant ~ ident ~ kw_in ~ sum_expr ~ (":" ~ expr)? }`
    fn quantifier(&mut self, start: usize) -> Option<Ex> {
        let (s, e) = self.kw(QUANT)?;
        let all = matches!(self.src.get(s..e)?, "all" | "所有");
        self.skip();
        let var = self.ident()?;
        self.skip();
        self.kw(IN)?;
        self.skip();
        let (coll, dc) = self.sum_expr()?;
        self.skip();
        let (body, db) = if self.lit(":").is_some() {
            self.skip();
            self.or_expr()?
        } else if all {
            // `all x in c` without a condition: the builder says so.
            return None;
        } else {
            (
                Expr {
                    kind: ExprKind::Bool(true),
                    span: coll.span,
                },
                0,
            )
        };
        Some((
            Expr {
                kind: ExprKind::Quant {
                    all,
                    var,
                    coll: Box::new(coll),
                    body: Box::new(body),
                },
                span: self.span(start, self.pos),
            },
            dc.max(db) + 1,
        ))
    }

    /// `each_expr = { kw_each ~ ident ~ kw_in ~ sum_expr ~ kw_where ~ expr }`
    fn each(&mut self, start: usize) -> Option<Ex> {
        self.kw(EACH)?;
        self.skip();
        let var = self.ident()?;
        self.skip();
        self.kw(IN)?;
        self.skip();
        let (coll, dc) = self.sum_expr()?;
        self.skip();
        self.kw(WHERE)?;
        self.skip();
        let (cond, dw) = self.or_expr()?;
        Some((
            Expr {
                kind: ExprKind::Each {
                    var,
                    coll: Box::new(coll),
                    cond: Box::new(cond),
                },
                span: self.span(start, self.pos),
            },
            dc.max(dw) + 1,
        ))
    }

    /// `applies = { kw_applies ~ reg_id ~ (kw_on_date ~ sum_expr)? }`
    fn applies(&mut self, start: usize) -> Option<Ex> {
        self.kw(APPLIES)?;
        self.skip();
        let reg = self.reg_id()?;
        self.skip();
        let mut on = None;
        let mut depth = 0;
        if self.sees(ON_DATE) {
            self.kw(ON_DATE)?;
            self.skip();
            let (d, dd) = self.sum_expr()?;
            depth = dd;
            on = Some(Box::new(d));
        }
        Some((
            Expr {
                kind: ExprKind::Applies(reg, on),
                span: self.span(start, self.pos),
            },
            depth + 1,
        ))
    }
}

/// `zh_number = @{ ASCII_DIGIT+ | ("零" | … | "百")+ }` at the start of `text`: its length in
/// bytes (0 if none), and whether it is in digits.
fn zh_number_len(text: &str) -> (usize, bool) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        return (digits, true);
    }
    let len = text
        .chars()
        .take_while(|c| "零一二三四五六七八九十百".contains(*c))
        .map(char::len_utf8)
        .sum();
    (len, false)
}

fn xid_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        pest::unicode::XID_START(c)
    }
}

fn xid_continue(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        pest::unicode::XID_CONTINUE(c)
    }
}

#[cfg(test)]
mod tests {
    //! The fast path against the grammar: the same tree, spans, diagnostics and keywords for
    //! every chunk of every policy of the repository, and for mutations of them.

    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::disallowed_methods,
        reason = "tests may fail loudly, and read the repository's policies"
    )]

    use super::super::{parse_at, parse_with_grammar, split_items};
    use std::path::{Path, PathBuf};

    /// Every `.dlx` file of the repository's policies, tests and standard library.
    fn corpus() -> Vec<(PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dirs: Vec<PathBuf> = ["policies", "tests", "stdlib", "lsp", "benches"]
            .iter()
            .map(|d| root.join(d))
            .filter(|d| d.is_dir())
            .collect();
        datalex_files::policy_files(&dirs)
            .unwrap()
            .files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                (p, text)
            })
            .collect()
    }

    /// Both paths on one chunk: panics with the chunk if they differ; whether the fast path
    /// read it.
    fn same(chunk: &str, what: &dyn std::fmt::Display) -> bool {
        let fast = super::item(0, 7, chunk).is_some();
        let got = format!("{:?}", parse_at(0, 7, chunk));
        let want = format!("{:?}", parse_with_grammar(0, 7, chunk));
        assert!(
            got == want,
            "{what}: the fast path differs from the grammar on\n{chunk}\n--- fast\n{got}\n--- grammar\n{want}"
        );
        fast
    }

    #[test]
    fn the_reserved_words_are_the_grammars() {
        let grammar = super::super::tests::grammar_words("reserved");
        assert!(grammar.len() > 70, "{grammar:?}");
        for w in &grammar {
            assert!(super::is_reserved(w), "{w}");
            assert!(!super::is_reserved(&format!("{w}x")), "{w}x");
        }
        // Every other keyword, and names that start as keywords do, can be names.
        let others = crate::keywords::Kw::ALL
            .iter()
            .flat_map(|k| [k.en(), k.zh()])
            .filter(|w| !grammar.iter().any(|g| g == w));
        for w in others.chain(["dataset", "request", "d", "ay", "规则甲", "x", "notable"]) {
            assert!(!super::is_reserved(w), "{w}");
        }
    }

    #[test]
    fn every_chunk_of_the_repository_parses_as_the_grammar_parses_it() {
        let files = corpus();
        assert!(files.len() > 100, "{} files", files.len());
        let (mut chunks, mut fast) = (0, 0);
        for (path, text) in &files {
            for (s, e) in split_items(text) {
                chunks += 1;
                if same(&text[s..e], &path.display()) {
                    fast += 1;
                }
            }
        }
        // Most chunks are items the fast path reads (regulations are read by the grammar).
        assert!(fast * 2 > chunks, "{fast} of {chunks} chunks read by hand");
    }

    /// Every form of every item this path reads, in both keyword languages.
    const FORMS: &[&str] = &[
        "test \"t\" { expect permit }",
        "test \"t\" { facts \"f.json\" request share { a 1, b \"x\\\"y\\\\z\\n\", c [1, 2], d { e true, h 假 }, f 2024-01-01, g word, } expect deny expect reason r-1 expect no finding f expect deadline d due 2025-01-01 status met party \"p\" expect deadline d due 2025-01-01 expect deadline d expect tier t v expect error not_in_force expect review a b expect source s }",
        "测试 \"t\" { 事实文件 \"f\" 申请 共享 { a 1 } 预期 准予 甲 预期 无 理由 r 预期 期限 d 到期 2025-01-01 状态 逾期 当事方 \"p\" 预期 等级 t v 预期 错误 e }",
        "package p",
        "package p extends q",
        "政策包 p 继承 q",
        "use a for b, c",
        "采用 a 用于 b",
        "enum E ordered \"doc\" { a \"x\" b = a c }",
        "枚举 E 有序 { a b = a }",
        "record R \"d\" { f: [[T]] \"x\" g: T }",
        "记录 R { f: [T] }",
        "fact f: [R] keyed by id \"d\"",
        "fact f: R",
        "事实 f: [R] 键为 id",
        "kind k: R \"d\"",
        "种类 k: R",
        "labels role { a \"x\" b \"y\" }",
        "labels scenario { a \"x\" }",
        "标签 角色 { a \"x\" }",
        "param p = 10 working days cites §1 \"doc\"",
        "override param p = 1",
        "取代 参数 p = 1 依据 第一条",
        "value v: T on share reported as tier cites reading r, x-1 §2.3.4@2025-01-01 = a.b[c]",
        "value v on share { default 1 cites §1 exception e over f, g cites §2 when x => 2 reason r \"t\" exception f when y => 3 }",
        "取值 v 针对 共享 报告为 t { 默认 1 例外 e 优先于 f 当 x => 2 }",
        "rule r over a, b on share, open cites §1, 第二十条第二款, national-2025 第三条第一项@2025-08-01, §?, reading i consistent with national-2025 §15 \"why\" when not a and b or c in {1, 2} and d not in e and f is missing and g exists and h >= 2024-01-01 + 3 days - 1 working day and i != [] and j < 2 and k > 1 and l <= 1 => permit a \"b\" reason r \"t\" cites §1 obligation o on provider as p until request.at + 5 days \"t\" deadline d on provider as p within 10 working days from request.at as of request.x met by request.y \"t\" cites §2 finding f warning on request.dataset \"t\" remedy m \"t\" obligation o on p \"t\" deadline d on p within 1 day from x \"t\" finding f info on x \"t\" finding f violation on x \"t\"",
        "otherwise on share => deny x \"y\"",
        "override otherwise on share cites §1 => deny x \"y\"",
        "否则 针对 共享 => 不予 x \"y\"",
        "exception e over r on share when x => reason r \"t\"",
        "check c on share when x => finding f info on x \"t\"",
        "guard g on share when any x in c: x.a == 1 and any z in c and all y in d: (y) and each z in e where z and applies national-2025 on request.at and applies x-2 and (a or b) or c => review a \"b\"",
        "规则 规则甲 针对 共享 依据 第二十条 当 非 甲 且 乙 或 丙 属于 {1} 且 丁 不属于 戊 且 己 缺失 且 庚 存在 且 任一 x 属于 c: 真 且 所有 y 属于 d: 假 且 每个 z 属于 e 满足 z 且 适用 国家 于 请求.日期 且 a == 3 日 且 b == 2 工作日 => 审核 甲 \"乙\" 理由 乙 \"丙\" 义务 o 由 p 作为 q 至 x \"t\" 期限 d 由 p 限 1 日 自 x 按日 y 履行于 z \"t\" 发现 f 警告 针对 x \"t\" 救济 m \"t\"",
        "前置条件 g 针对 共享 当 x => 审核 a \"b\"",
        "例外 e 针对 共享 当 x => 理由 r \"t\"",
        "检查 c 针对 共享 当 x => 发现 f 提示 针对 x \"t\"",
        "scope national-2025 on share cites §2 when request.kind == \"x\"",
        "适用范围 n 针对 共享 当 x",
        "regulation r-1 \"T\" { issuer \"i\" number \"n\" rank law territory \"t\" in force from 2024-01-01 until 2030-01-01 \"note\" style plan chapter 1 \"c\" missing 3..5 \"why\" missing 6 \"w\" article 1 \"text\" garbled \"ab\" reads \"cd\" duplicated \"x\" reads \"y\" target \"z\" until 2025-01-01 garbled \"q\" { item 1 \"i\" garbled \"j\" } article 2 from 2024-01-01 until 2025-01-01 partial { para 1 \"p\" garbled \"g\" { item 1 from 2024-01-01 \"x\" item 2 until 2025-01-01 \"y\" } para 2 from 2024-01-01 \"q\" target \"q\" until 2025-01-01 } article 3 \"t\" }",
        "regulation r \"T\" { in force from unknown \"why\" text unavailable \"u\" }",
        "法规 r \"T\" { 制定机关 \"i\" 文号 \"n\" 位阶 law 适用地域 \"t\" 施行 自 不详 至 2030-01-01 体例 plan 第一章 \"c\" 第一条 \"x\" 讹误 \"a\" 应为 \"b\" 第二条 自 2024-01-01 部分 { 第一款 \"y\" { 第一项 \"z\" 第2项 \"w\" } } 第十二条 { 第一款 \"y\" } 缺条 3..4 \"w\" 文本未取得 \"u\" }",
        "coverage r { §1, §2.1, 第三条第一项 not_encoded \"why\" §4 not_decidable \"x\" 第五条第二款第三项 not_encoded \"y\" }",
        "覆盖 r { 第三条 未编码 \"why\" §4 不可判定 \"x\" }",
        "interpretation i of §1, r §2, 第三条 { says \"a\" means \"b\" adopted by \"c\" on 2024-01-01 }",
        "解释 i 关于 第一条 { 原文 \"a\" 含义 \"b\" 采纳 \"c\" 于 2024-01-01 }",
    ];

    /// `text` with `gap` for each run of blanks outside strings.
    fn spaced(text: &str, gap: &str) -> String {
        let mut out = String::new();
        let mut blank = false;
        for (_, c, lex) in super::super::classify(text) {
            if c == ' ' && lex == super::super::Lex::Code {
                if !blank {
                    out.push_str(gap);
                }
                blank = true;
                continue;
            }
            blank = false;
            out.push(c);
        }
        out
    }

    #[test]
    fn every_form_parses_as_the_grammar_parses_it_whatever_the_blanks() {
        for form in FORMS {
            assert!(same(form, &"a form"), "not read by hand: {form}");
            for gap in ["  ", "\n", "\t\u{3000}\r\n", " // c\n ", "\n//\n\n"] {
                same(&spaced(form, gap), &format_args!("{gap:?}"));
            }
            same(&format!("{form} // c\n\n"), &"a trailing comment");
            same(&format!("// c\n{form}\n"), &"a leading comment");
        }
    }

    #[test]
    fn nesting_near_the_limit_is_judged_as_the_builder_judges_it() {
        type Form = fn(usize) -> String;
        let forms: &'static [(&str, Form)] = &[
            ("fields", |n| format!("a{}", ".b".repeat(n))),
            ("indexes", |n| {
                format!("{}a{}", "a[".repeat(n), "]".repeat(n))
            }),
            ("suffixes and keys", |n| {
                format!("a.b{}x{}.c", "[k.l".repeat(n / 2), "]".repeat(n / 2))
            }),
            ("nots", |n| format!("{}x", "not ".repeat(n))),
            ("parentheses", |n| {
                format!("{}x{}", "(".repeat(n), ")".repeat(n))
            }),
            ("chains", |n| {
                format!("{}x{}", "(a and ".repeat(n), ")".repeat(n))
            }),
            ("spliced chains", |n| {
                format!("{}x{}", "(".repeat(n), " or y)".repeat(n))
            }),
            ("sums", |n| {
                format!("{}1{}", "(1 + ".repeat(n), ")".repeat(n))
            }),
            ("comparisons", |n| {
                format!("{}1{}", "(1 == ".repeat(n), ")".repeat(n))
            }),
            ("sets", |n| format!("{}1{}", "{".repeat(n), "}".repeat(n))),
            ("lists", |n| {
                format!("{}1{}", "[1, ".repeat(n), "]".repeat(n))
            }),
            ("quantifiers", |n| {
                format!("{}x{}", "(any v in c: ".repeat(n), ")".repeat(n))
            }),
            ("collections", |n| format!("{}c", "any v in ".repeat(n))),
            ("each", |n| format!("{}x", "each v in c where ".repeat(n))),
            ("applies", |n| format!("{}d", "applies r on ".repeat(n))),
            ("membership", |n| {
                format!("{}c{}", "(x in ".repeat(n), ")".repeat(n))
            }),
            ("missing", |n| {
                format!("{}x{}", "(".repeat(n), " is missing)".repeat(n))
            }),
        ];
        // The grammar's reading of the deepest of these takes more than a test thread's
        // stack in a debug build.
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || {
                for (name, form) in forms {
                    for n in (0..8).chain(55..70).chain(120..136) {
                        same(
                            &format!("param p = {}\n", form(n)),
                            &format_args!("{name} {n}"),
                        );
                    }
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }

    /// Pieces a mutation inserts: what the grammar's choices turn on.
    const PIECES: &[&str] = &[
        " ",
        "\n",
        "// c\n",
        "//",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        ",",
        ".",
        "\"",
        "\\",
        "§",
        "第",
        "条",
        "款",
        "项",
        "and ",
        " or ",
        "not ",
        "not in ",
        "in ",
        "is missing",
        "x",
        "_",
        "9",
        "2024-",
        "2024-13-45",
        "2024-02-29",
        "99999999999",
        "=>",
        "==",
        "<",
        "=",
        ":",
        "@",
        "@2025-01-01",
        "\u{3000}",
        "\u{FEFF}",
        "-",
        "+",
        "且",
        "或",
        "非",
        "不属于",
        "规则",
        "expect ",
        "permit ",
        "review x \"y\" ",
        "reason r \"t\" ",
        "cites §1 ",
        "cites reading r ",
        "days",
        " working days",
        "working",
        "日",
        "工作日",
        "all ",
        "any ",
        "each ",
        "where ",
        "applies ",
        "on ",
        "as ",
        "as of ",
        "met by ",
        "until ",
        "exists",
        "true",
        "假",
        "override ",
        "default ",
        "exception e when x => 1 ",
        "?",
        "二十",
        "百",
        "deadline d due 2025-01-01 ",
        "status met ",
        "party \"p\" ",
        "no ",
        "tier ",
        "error ",
        "1",
        "-2025",
        "keyed by ",
        "reported as ",
        "consistent with ",
        "a.b",
        "[1]",
        "{}",
    ];

    #[test]
    fn mutated_chunks_parse_as_the_grammar_parses_them() {
        let mut seed: u64 = 0x5eed_da7a_1e55;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let (mut tried, mut fast) = (0, 0);
        for (path, text) in corpus() {
            for (s, e) in split_items(&text) {
                let chunk = &text[s..e];
                let bounds: Vec<usize> = chunk
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([chunk.len()])
                    .collect();
                // A comment after the last token, and after a token inside: where a rule
                // that ends with an absent optional part ends.
                let trimmed = chunk.trim_end();
                tried += 1;
                if same(&format!("{trimmed} // c\n\n"), &path.display()) {
                    fast += 1;
                }
                // A comment at the end of every line: where rules end, all at once.
                let commented: String = chunk
                    .split_inclusive('\n')
                    .map(|line| match line.strip_suffix('\n') {
                        Some(l) if !l.trim().is_empty() => format!("{l} // c\n"),
                        _ => line.to_string(),
                    })
                    .collect();
                tried += 1;
                if same(&commented, &path.display()) {
                    fast += 1;
                }
                let gaps: Vec<usize> = bounds
                    .windows(2)
                    .filter(|w| {
                        !chunk[w[0]..w[1]].trim().is_empty()
                            && chunk[w[1]..].starts_with([' ', '\n'])
                    })
                    .map(|w| w[1])
                    .collect();
                for _ in 0..3.min(gaps.len()) {
                    let at = gaps[next(gaps.len())];
                    tried += 1;
                    if same(
                        &format!("{} // c\n{}", &chunk[..at], &chunk[at..]),
                        &path.display(),
                    ) {
                        fast += 1;
                    }
                }
                for _ in 0..6 {
                    let at = bounds[next(bounds.len())];
                    let to = bounds[next(bounds.len())].max(at);
                    let mutated = match next(4) {
                        0 => {
                            let after =
                                chunk[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                            format!("{}{}", &chunk[..at], &chunk[after..])
                        }
                        1 => format!(
                            "{}{}{}",
                            &chunk[..at],
                            PIECES[next(PIECES.len())],
                            &chunk[at..]
                        ),
                        2 => format!("{}{}", &chunk[..to], &chunk[at..]),
                        _ => format!(
                            "{}{}{}",
                            &chunk[..at],
                            PIECES[next(PIECES.len())],
                            &chunk[to..]
                        ),
                    };
                    tried += 1;
                    if same(&mutated, &path.display()) {
                        fast += 1;
                    }
                }
            }
        }
        assert!(
            tried > 1000 && fast > 100,
            "{fast} of {tried} mutations read by hand"
        );
    }
}
