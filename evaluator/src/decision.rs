//! The decision, in the shape of shared/contract/decision-api.md §3.

use datalex_compiler::ir::Cite;
use datalex_lang::date::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// A decision with its explanation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Decision {
    /// Unique id; the evaluator leaves it empty and the caller, which owns the clock, fills it.
    pub decision_id: String,
    /// `permit`, `deny` or `review`.
    pub effect: &'static str,
    /// Derived tiers that decided the request, e.g. `{"share": "conditional"}`.
    pub effective_tier: BTreeMap<String, String>,
    /// The rules that decided, most specific first.
    pub reasons: Vec<Reason>,
    /// What binds whom after a permit or review.
    pub obligations: Vec<Obligation>,
    /// Deadlines in working or calendar days.
    pub deadlines: Vec<Deadline>,
    /// Facts a reviewer should see.
    pub findings: Vec<Finding>,
    /// Every rule and value considered, in evaluation order.
    pub trace: Vec<TraceStep>,
    /// The policy the decision was made under.
    pub policy: PolicyRef,
}

/// A citation in a decision.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CiteOut {
    /// Regulation id.
    pub regulation: String,
    /// Article (null: article unknown).
    pub article: Option<u32>,
    /// Paragraph.
    pub paragraph: Option<u32>,
    /// Item.
    pub item: Option<u32>,
    /// 《…》第…条第…款第…项
    pub label: String,
}

impl From<&Cite> for CiteOut {
    fn from(c: &Cite) -> CiteOut {
        CiteOut {
            regulation: c.regulation_id.clone(),
            article: c.article,
            paragraph: c.paragraph,
            item: c.item,
            label: c.label.clone(),
        }
    }
}

/// Converts citations.
pub fn cites(c: &[Cite]) -> Vec<CiteOut> {
    c.iter().map(CiteOut::from).collect()
}

/// Why the decision is what it is.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reason {
    /// Fixed code.
    pub code: String,
    /// The rule (qualified name).
    pub rule: String,
    /// Human text.
    pub text: String,
    /// Articles.
    pub cites: Vec<CiteOut>,
}

/// An obligation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Obligation {
    /// Fixed code.
    pub code: String,
    /// Who is bound.
    pub party: String,
    /// What they must do.
    pub text: String,
    /// Until when (null: no end).
    pub until: Option<Date>,
    /// Articles.
    pub cites: Vec<CiteOut>,
}

/// A deadline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Deadline {
    /// Fixed code.
    pub code: String,
    /// Who must act.
    pub party: String,
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
    pub text: String,
    /// Articles.
    pub cites: Vec<CiteOut>,
}

/// A finding.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    /// Fixed code.
    pub code: String,
    /// `info`, `warning` or `violation`.
    pub severity: &'static str,
    /// What it is about (a dataset id, …).
    pub subject: String,
    /// Text.
    pub text: String,
    /// Articles.
    pub cites: Vec<CiteOut>,
}

/// One rule or value considered.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceStep {
    /// Qualified name.
    pub rule: String,
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
