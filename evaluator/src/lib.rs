//! The Datalex evaluator: facts, requests, the working-day calendar, deciding, explaining.
//!
//! It does no IO and never panics: the binary reads files and owns the clock; this crate turns
//! a compiled policy, facts and a request into a [`Decision`].

pub mod calendar;
pub mod datum;
pub mod decision;
pub mod document;
pub mod engine;
pub mod explain;
pub mod facts;
pub mod json;
pub mod request;
pub mod value;

pub use calendar::Calendar;
pub use datum::Datum;
pub use decision::Decision;
pub use engine::{BindError, Engine, EvalError, Evaluated};
pub use facts::Facts;
pub use request::{Request, RequestError, RequestFault};

use datalex_compiler::PolicySet;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// A jurisdiction ready to decide: a bound policy package, its facts and the calendar.
#[derive(Debug, Clone)]
pub struct Jurisdiction {
    /// Its name (the policy package's).
    pub name: String,
    /// The bound package.
    pub engine: Engine,
    /// Its facts.
    pub facts: Arc<Facts>,
    /// The working-day calendar.
    pub calendar: Arc<Calendar>,
    /// `sha256:…` of the policy set and the facts together: `policy.version` of its decisions.
    pub version: String,
}

impl Jurisdiction {
    /// Binds `package` of `policy` to `facts`.
    pub fn new(
        policy: Arc<PolicySet>,
        package: &str,
        facts: Arc<Facts>,
        calendar: Arc<Calendar>,
    ) -> Result<Jurisdiction, BindError> {
        Jurisdiction::bind(policy, package, facts, calendar, None)
    }

    /// [`Jurisdiction::new`], after `previous` was bound: if `previous` binds the same package
    /// of the very same policy set, the entries of `facts` that are those of its facts (the
    /// same shared entries at the same positions, as after a reload that changed a few
    /// entries of a file: [`facts::FactFile::parse_after`]) are not checked again, since they
    /// were found right for this package. The answer is that of [`Jurisdiction::new`].
    pub fn new_after(
        policy: Arc<PolicySet>,
        package: &str,
        facts: Arc<Facts>,
        calendar: Arc<Calendar>,
        previous: &Jurisdiction,
    ) -> Result<Jurisdiction, BindError> {
        let checked = previous
            .engine
            .binds(&policy, package)
            .then_some(&*previous.facts);
        Jurisdiction::bind(policy, package, facts, calendar, checked)
    }

    fn bind(
        policy: Arc<PolicySet>,
        package: &str,
        facts: Arc<Facts>,
        calendar: Arc<Calendar>,
        checked: Option<&Facts>,
    ) -> Result<Jurisdiction, BindError> {
        let mut h = Sha256::new();
        h.update(policy.hash.as_bytes());
        h.update([0]);
        h.update(facts.hash.as_bytes());
        let version = format!("sha256:{}", datalex_compiler::compile::hex(&h.finalize()));
        let facts = if facts.institutions.iter().any(|i| i.region.is_none()) {
            Arc::new((*facts).clone().with_default_region(package))
        } else {
            facts
        };
        let engine = Engine::new(policy, package)?;
        engine
            .check_facts_after(&facts, checked)
            .map_err(BindError::Facts)?;
        Ok(Jurisdiction {
            name: package.to_string(),
            engine,
            facts,
            calendar,
            version,
        })
    }

    /// Decides a request. `decision_id` is left empty for the caller.
    pub fn decide(&self, request: &Request) -> Result<Decision, EvalError> {
        self.engine.decide(
            &self.facts,
            &self.calendar,
            request,
            decision::PolicyRef {
                jurisdiction: self.name.clone(),
                version: self.version.clone(),
            },
        )
    }
}
