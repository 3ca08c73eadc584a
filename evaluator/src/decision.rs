//! The decision, in the shape of shared/contract/decision-api.md §3.

use datalex_compiler::ir::Cite;
use datalex_lang::date::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub(crate) mod digits;
mod json;
mod trace;
mod words;
pub use json::{JsonLayout, StepSpan};
pub(crate) use trace::{How, Step};
pub use trace::{Steps, Trace};
pub(crate) use words::Words;

/// A decision with its explanation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Decision {
    /// Unique id; the evaluator leaves it empty and the caller, which owns the clock, fills it.
    pub decision_id: String,
    /// `permit`, `deny` or `review`.
    pub effect: &'static str,
    /// Derived tiers that decided the request, e.g. `{"share": "conditional"}`.
    pub effective_tier: BTreeMap<String, String>,
    /// The labels of those tiers' values, by the same keys, e.g. `{"share": "有条件共享"}`
    /// (only the tiers whose value has a label; absent when none has).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub effective_tier_labels: BTreeMap<String, Arc<str>>,
    /// The rules that decided, most specific first.
    pub reasons: Vec<Reason>,
    /// What binds whom after a permit or review.
    pub obligations: Vec<Obligation>,
    /// Deadlines in working or calendar days.
    pub deadlines: Vec<Deadline>,
    /// Facts a reviewer should see.
    pub findings: Vec<Finding>,
    /// Where a refused party can turn.
    pub remedies: Vec<Remedy>,
    /// The regulations whose rules were applied, highest rank first.
    pub sources: Vec<Arc<Source>>,
    /// The day whose law decided (the request's `at`).
    pub governing_date: Date,
    /// Every rule and value considered, in evaluation order (recorded compactly, rendered as
    /// [`TraceStep`]s when read).
    pub trace: Trace,
    /// The policy the decision was made under.
    pub policy: PolicyRef,
}

/// A citation in a decision: shared with the compiled policy, built once per citation.
pub use datalex_compiler::ir::CiteOut;

/// The citations as a decision shows them.
pub fn cites(c: &[Cite]) -> Vec<Arc<CiteOut>> {
    c.iter().map(|c| Arc::clone(&c.out)).collect()
}

/// Why the decision is what it is.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reason {
    /// Fixed code.
    pub code: Arc<str>,
    /// The rule (qualified name).
    pub rule: Arc<str>,
    /// Human text.
    pub text: Arc<str>,
    /// Articles.
    pub cites: Vec<Arc<CiteOut>>,
}

/// A regulation a decision applied.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Source {
    /// Id, as in citations.
    pub id: String,
    /// Title.
    pub title: String,
    /// Rank (a `LegalRank` member).
    pub rank: Option<String>,
    /// The rank's label (`地方政府规章`), where it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_label: Option<Arc<str>>,
    /// When it is in force.
    pub in_force: InForce,
}

/// A period in force.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InForce {
    /// First day (null when unknown or not declared).
    pub from: Option<Date>,
    /// Last day (null while in force).
    pub until: Option<Date>,
    /// The start date is not known (never guessed).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub from_unknown: bool,
}

/// Where a refused party can turn.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Remedy {
    /// Fixed code.
    pub code: Arc<str>,
    /// What the party can do.
    pub text: Arc<str>,
    /// Articles.
    pub cites: Vec<Arc<CiteOut>>,
    /// Rank level of the source it rests on (higher prevails).
    #[serde(skip)]
    pub rank: Option<u32>,
}

/// An obligation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Obligation {
    /// Fixed code.
    pub code: Arc<str>,
    /// Who is bound.
    pub party: Arc<str>,
    /// The role's label (`申请人`), from the package's or the prelude's `labels role`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party_label: Option<Arc<str>>,
    /// The institution the party is, where the facts name one.
    pub party_id: Option<String>,
    /// What they must do.
    pub text: Arc<str>,
    /// Until when (null: no end).
    pub until: Option<Date>,
    /// Articles.
    pub cites: Vec<Arc<CiteOut>>,
    /// Rank level of the source it rests on (higher prevails).
    #[serde(skip)]
    pub rank: Option<u32>,
}

/// A deadline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Deadline {
    /// Fixed code.
    pub code: Arc<str>,
    /// Who must act.
    pub party: Arc<str>,
    /// The role's label (`数据提供单位`), from the package's or the prelude's `labels role`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party_label: Option<Arc<str>>,
    /// The institution the party is, where the facts name one.
    pub party_id: Option<String>,
    /// The day counting starts after.
    pub start: Date,
    /// Working days, for a working-day deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_days: Option<i64>,
    /// Calendar days, for a calendar-day deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_days: Option<i64>,
    /// The last day.
    pub due: Date,
    /// `met`, `missed` or `open`.
    pub status: &'static str,
    /// What must be done.
    pub text: Arc<str>,
    /// Articles.
    pub cites: Vec<Arc<CiteOut>>,
    /// Rank level of the source it rests on (higher prevails).
    #[serde(skip)]
    pub rank: Option<u32>,
}

/// A finding.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    /// Fixed code.
    pub code: Arc<str>,
    /// `info`, `warning` or `violation`.
    pub severity: &'static str,
    /// What it is about (a dataset id, …).
    pub subject: String,
    /// Text.
    pub text: Arc<str>,
    /// Articles.
    pub cites: Vec<Arc<CiteOut>>,
}

/// One rule or value considered, as a [`Trace`] renders it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceStep {
    /// Qualified name.
    pub rule: Arc<str>,
    /// Whether its condition held.
    pub matched: bool,
    /// The condition and what came of it.
    pub detail: String,
}

/// The policy a decision was made under.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PolicyRef {
    /// Jurisdiction.
    pub jurisdiction: String,
    /// `sha256:…` of policies, stdlib and facts.
    pub version: String,
}
