//! What an applicable rule or value exception contributes: its condition tried part by part,
//! and the reasons, obligations, deadlines, findings and remedies of its outcome that are in
//! force.

use super::cx::{Cx, R};
use super::expr::{in_list, is_literal, same, truthy};
use super::trace::Detail;
use crate::decision::{Deadline, Finding, Obligation, Reason, Remedy};
use crate::value::{Accessor, Value};
use datalex_compiler::ir::{builtin, Conjunct, Ex, Part, RuleDef};
use std::sync::Arc;

/// What an applicable rule or value exception contributes.
#[derive(Debug, Clone, Default)]
pub(super) struct Materials {
    pub(super) reasons: Vec<Reason>,
    pub(super) obligations: Vec<Obligation>,
    pub(super) deadlines: Vec<Deadline>,
    pub(super) findings: Vec<Finding>,
    pub(super) remedies: Vec<Remedy>,
}

impl<'a> Cx<'a> {
    /// The label of a role, as the decision's package reads it.
    fn role_label(&self, role: &Arc<str>) -> Option<Arc<str>> {
        self.engine.role_label(role)
    }

    /// The id of the institution `party` evaluates to: a record, or the first of a list.
    pub(super) fn party_id(&mut self, party: Option<&'a Ex>) -> R<Option<String>> {
        let Some(ex) = party else { return Ok(None) };
        let v = match self.eval(ex)? {
            Value::List(l) if !l.is_empty() => l.get(0),
            other => other,
        };
        // An institution, or another party the facts name by id (a developer).
        let Value::Rec(r) = v else { return Ok(None) };
        let acc = match self.engine.institution_id {
            Some(acc) if r.record() == "Institution" => Some(acc),
            _ => Accessor::resolve(r.record(), "id"),
        };
        Ok(match acc.map(|a| a.get(r)) {
            Some(Value::Text(t)) => Some(t.to_string()),
            _ => None,
        })
    }

    /// Tries a rule: whether it is grounded in something in force, then its condition, and, if
    /// it holds, its outcome, in the same frame, so the condition's witnesses are in scope.
    /// Returns what it contributes if it applies (nothing is built for a rule that does not,
    /// and what is built is boxed: most rules tried do not apply, and their answer stays small)
    /// and what its trace step says.
    pub(super) fn try_rule(&mut self, rule: &'a RuleDef) -> R<(Option<Box<Materials>>, Detail)> {
        self.current = &rule.name;
        // A rule applies only while what grounds it is in force; `otherwise` always decides.
        if rule.role != datalex_lang::ast::RuleRole::Otherwise && !self.grounded(&rule.cites)? {
            return Ok((None, Detail::not_in_force(self.gov)));
        }
        let saved = self.push_frame();
        let result = (|| {
            let (matched, detail) = self.condition(rule)?;
            if !matched {
                return Ok((None, detail));
            }
            let mut m = Box::<Materials>::default();
            self.outcome(rule, &mut m)?;
            Ok((Some(m), detail))
        })();
        self.pop_frame(saved);
        result
    }

    /// Whether a rule's condition holds, evaluated one top-level part at a time (stopping at the
    /// first that fails, as `and` does), with the trace detail: each part evaluated, whether it
    /// held, and the facts it looked at.
    fn condition(&mut self, rule: &'a RuleDef) -> R<(bool, Detail)> {
        let Some(w) = &rule.when else {
            return Ok((true, Detail::always()));
        };
        if rule.conjuncts.is_empty() {
            let held = truthy(&self.eval(w)?);
            return Ok((held, Detail::condition()));
        }
        let first = self.trace.next_subject();
        let mut held = true;
        let mut evaluated = 0;
        for c in &rule.conjuncts {
            if !held {
                break;
            }
            held = self.conjunct(c)?;
            evaluated += 1;
        }
        Ok((held, Detail::conjuncts(evaluated, first)))
    }

    /// Whether a top-level part of a condition holds, with its operands shown in the trace.
    /// The operands the trace shows (the non-literal operands of a comparison, a membership or
    /// `is missing`/`exists`, in order) are the ones the part itself evaluates: each is
    /// evaluated once and both decides and is shown. Any other part is evaluated whole and its
    /// subjects (if any) after it, as before.
    fn conjunct(&mut self, c: &'a Conjunct) -> R<bool> {
        match &c.ex {
            Ex::Cmp(op, rank, a, b) => {
                self.tick()?;
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                let held = self.compare(*op, *rank, &x, &y);
                self.show_operands(c, [Some(&x), Some(&y)]);
                Ok(held)
            }
            Ex::In {
                negated,
                elem,
                coll,
            } if !matches!(&**coll, Ex::List(_)) => {
                self.tick()?;
                let x = self.eval(elem)?;
                let l = self.eval(coll)?;
                let held = in_list(&x, &l, *negated);
                self.show_operands(c, [Some(&x), Some(&l)]);
                Ok(held)
            }
            Ex::In {
                negated,
                elem,
                coll,
            } if is_literal(coll) => {
                // `x in {a, b}`: as `Cx::eval` decides it, the literal set not shown.
                self.tick()?;
                let x = self.eval(elem)?;
                let held = match (&x, &**coll) {
                    (Value::Missing, _) => false,
                    (_, Ex::List(items)) => {
                        let mut found = false;
                        for i in items {
                            if same(&x, &self.eval(i)?) {
                                found = true;
                                break;
                            }
                        }
                        found != *negated
                    }
                    _ => false,
                };
                self.show_operands(c, [Some(&x), None]);
                Ok(held)
            }
            Ex::IsMissing(a) | Ex::Exists(a) => {
                self.tick()?;
                let x = self.eval(a)?;
                let missing = matches!(x, Value::Missing);
                self.show_operands(c, [Some(&x), None]);
                Ok(missing == matches!(c.ex, Ex::IsMissing(_)))
            }
            ex => {
                let held = truthy(&self.eval(ex)?);
                for (_, ex) in &c.subjects {
                    let v = self.eval(ex)?;
                    self.trace.subject(&v);
                }
                Ok(held)
            }
        }
    }

    /// Shows the operands of a part that are its subjects (those that are not literals).
    fn show_operands(&mut self, c: &Conjunct, operands: [Option<&Value<'a>>; 2]) {
        let (a, b) = match &c.ex {
            Ex::Cmp(_, _, a, b) => (&**a, Some(&**b)),
            Ex::In { elem, coll, .. } => (&**elem, Some(&**coll)),
            Ex::IsMissing(a) | Ex::Exists(a) => (&**a, None),
            _ => return,
        };
        let [x, y] = operands;
        if !is_literal(a) {
            if let Some(x) = x {
                self.trace.subject(x);
            }
        }
        if let (Some(b), Some(y)) = (b, y) {
            if !is_literal(b) {
                self.trace.subject(y);
            }
        }
    }

    /// What a rule that applies contributes: its reason, with the citations in force, and the
    /// parts of its outcome that are in force.
    fn outcome(&mut self, rule: &'a RuleDef, m: &mut Materials) -> R<()> {
        if let Some((_, code, text)) = &rule.effect {
            let (cites, _) = self.cites_in_force(&rule.cites)?;
            m.reasons.push(Reason {
                code: code.clone(),
                rule: rule.name.clone(),
                text: text.clone(),
                cites,
            });
        }
        self.parts(&rule.parts, &rule.name, m)?;
        Ok(())
    }

    /// The parts of an outcome that are in force: each on the law of the governing date, or of
    /// the earlier day its `as of` names.
    pub(super) fn parts(&mut self, parts: &'a [Part], rule: &Arc<str>, m: &mut Materials) -> R<()> {
        for p in parts {
            let outer = self.gov;
            if let Part::Deadline { as_of: Some(a), .. } = p {
                if let Value::Date(d) = self.eval(a)? {
                    self.gov = d.min(self.at);
                }
            }
            let result = self.part(p, rule, m);
            self.gov = outer;
            result?;
        }
        Ok(())
    }

    pub(super) fn part(&mut self, p: &'a Part, rule: &Arc<str>, m: &mut Materials) -> R<()> {
        if !self.grounded(p.cites())? {
            return Ok(());
        }
        let (cites, rank) = self.cites_in_force(p.cites())?;
        match p {
            Part::Reason { code, text, .. } => m.reasons.push(Reason {
                code: code.clone(),
                rule: Arc::clone(rule),
                text: text.clone(),
                cites,
            }),
            Part::Remedy { code, text, .. } => m.remedies.push(Remedy {
                code: code.clone(),
                text: text.clone(),
                cites,
                rank,
            }),
            Part::Obligation {
                code,
                party,
                party_id,
                until,
                text,
                ..
            } => {
                let until = match until {
                    Some(u) => match self.eval(u)? {
                        Value::Date(d) => Some(d),
                        _ => None,
                    },
                    None => None,
                };
                let party_id = self.party_id(party_id.as_ref())?;
                m.obligations.push(Obligation {
                    code: code.clone(),
                    party_label: self.role_label(party),
                    party: party.clone(),
                    party_id,
                    text: text.clone(),
                    until,
                    cites,
                    rank,
                });
            }
            Part::Deadline {
                code,
                party,
                party_id,
                within,
                from,
                met_by,
                text,
                ..
            } => {
                let (Value::Date(start), Value::Duration { count, working }) =
                    (self.eval(from)?, self.eval(within)?)
                else {
                    m.findings.push(Finding {
                        code: builtin::DEADLINE_NOT_COMPUTED.into(),
                        severity: "warning",
                        subject: code.to_string(),
                        text: Arc::from(format!("期限 {code} 的起算日或期间未知，无法计算")),
                        cites,
                    });
                    return Ok(());
                };
                // One duty under two sources counts the same days once (`add_days` remembers);
                // which of the two prevails is settled with the whole decision (`strictest`).
                let (due, outside) = self.add_days(start, count, working);
                if outside {
                    m.findings.push(Finding {
                        code: builtin::CALENDAR_NOT_LOADED.into(),
                        severity: "warning",
                        subject: code.to_string(),
                        text: Arc::from(format!("期限 {code} 超出已加载的法定节假日安排年份，仅按周末计算工作日，到期日 {due} 需待国务院公布该年安排后复核")),
                        cites: cites.clone(),
                    });
                }
                let status = match met_by {
                    Some(mb) => match self.eval(mb)? {
                        Value::Date(done) if done <= due => "met",
                        Value::Date(_) => "missed",
                        _ => "open",
                    },
                    None => "open",
                };
                let party_id = self.party_id(party_id.as_ref())?;
                m.deadlines.push(Deadline {
                    code: code.clone(),
                    party_label: self.role_label(party),
                    party: party.clone(),
                    party_id,
                    start,
                    working_days: working.then_some(count),
                    calendar_days: (!working).then_some(count),
                    due,
                    status,
                    text: text.clone(),
                    cites,
                    rank,
                });
            }
            Part::Finding {
                code,
                severity,
                subject,
                text,
                ..
            } => {
                let subject = match self.eval(subject)? {
                    Value::Text(s) | Value::Enum(s) => s.to_string(),
                    _ => String::new(),
                };
                m.findings.push(Finding {
                    code: code.clone(),
                    severity: severity.as_str(),
                    subject,
                    text: text.clone(),
                    cites,
                });
            }
        }
        Ok(())
    }
}
