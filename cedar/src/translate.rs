//! Datalex conditions as Cedar expressions.
//!
//! Datalex evaluates with *missing* values: a field absent from the facts, an id the facts do
//! not know. A comparison, `in` or `not in` with a missing operand is false, `not` of anything
//! that is not true is true. Cedar has no missing value: reading an absent attribute is an error.
//! So every operand `x` is translated to a pair: `defined(x)`, the Cedar conditions (`has` tests)
//! under which Datalex would not see it missing, and `value(x)`, the Cedar expression for it,
//! only evaluated where `defined(x)` holds. A condition then becomes `defined(a) && defined(b)
//! && value(a) == value(b)`, which is true exactly where Datalex's is, and strict validation
//! accepts it because every optional attribute is read behind its `has` test.
//!
//! What Cedar cannot compute (quantifiers, `each … where`, looking a fact up by a computed key,
//! working-day arithmetic, and values with exceptions such as the effective tier) is computed by
//! Datalex and passed in the request context: a derived value as an attribute named after it, a
//! condition part (one top-level `and` part of a rule) as a `Bool` attribute named after the rule.

use datalex_compiler::ir::{CmpOp, Const, Ex, KindPlan, Program, RegId, ValueId};
use datalex_compiler::types::{EnumId, Ty};

/// Why an expression has no Cedar form (its enclosing condition part is then computed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Untranslatable;

/// The longest `and`/`or`/`+` chain written as Cedar: Cedar's parser recurses with the nesting
/// of the parentheses a chain is written with, so a longer one is computed by Datalex (a
/// context attribute, like a quantifier).
pub const MAX_CHAIN: usize = 64;

type Tr<T> = Result<T, Untranslatable>;

/// An attribute of the request context that Datalex computes.
#[derive(Debug, Clone)]
pub struct ContextAttr {
    /// Attribute name.
    pub name: String,
    /// What Datalex evaluates for it.
    pub ex: Ex,
    /// Its type: a derived value's, or `Bool` for a condition part.
    pub ty: Ty,
    /// Always present (a condition part); else absent when Datalex finds the value missing.
    pub required: bool,
    /// What it is, for the documentation: the value's name, or the condition part as written.
    pub source: String,
    /// The rule a condition part belongs to, if it is one.
    pub rule: Option<String>,
}

/// Translates the conditions of one plan, collecting the context attributes they need.
pub struct Translator<'p> {
    policy: &'p Program,
    plan: &'p KindPlan,
    /// The package's own regulation: in force whenever a request is decided at all.
    own: Option<RegId>,
    /// The context attributes needed so far.
    pub attrs: Vec<ContextAttr>,
}

/// A translated operand: the conditions under which it is defined, and its Cedar expression.
struct Operand {
    defined: Vec<String>,
    value: String,
}

impl<'p> Translator<'p> {
    /// A translator for `plan`.
    pub fn new(policy: &'p Program, plan: &'p KindPlan, own: Option<RegId>) -> Self {
        Translator {
            policy,
            plan,
            own,
            attrs: Vec::new(),
        }
    }

    /// Whether a rule citing `cites` is in force whenever the package decides at all: one of
    /// them is a provision of the package's own regulation in force for its whole period, and
    /// that regulation has no scope for this kind. Otherwise Datalex computes it.
    fn always_grounded(&self, cites: &[datalex_compiler::ir::Cite]) -> bool {
        cites.iter().any(|c| {
            // INVARIANT: citations name regulations of the program.
            Some(c.regulation) == self.own
                && self.plan.scope(c.regulation).is_none()
                && c.periods
                    .contains(&self.policy.regulations[c.regulation].in_force)
        })
    }

    /// The Cedar condition of a rule: its top-level `and` parts, each translated or, where Cedar
    /// cannot express it, read from a computed context attribute.
    pub fn rule_condition(&mut self, rule: &datalex_compiler::ir::RuleDef) -> String {
        let short = short(&rule.name);
        let parts: Vec<(String, Ex)> = if rule.conjuncts.is_empty() {
            match &rule.when {
                Some(w) => vec![(rule.when_source.clone(), w.clone())],
                None => return "true".into(),
            }
        } else {
            rule.conjuncts
                .iter()
                .map(|c| (c.source.clone(), c.ex.clone()))
                .collect()
        };
        let many = parts.len() > 1;
        let mut out = Vec::with_capacity(parts.len() + 1);
        // A rule applies only while what grounds it is in force: Datalex decides the periods,
        // ranks and scopes, and passes the answer in the context.
        if rule.role != datalex_lang::ast::RuleRole::Otherwise
            && !rule.cites.is_empty()
            && !self.always_grounded(&rule.cites)
        {
            let name = self.fresh(format!("{short}_in_force"));
            self.attrs.push(ContextAttr {
                name: name.clone(),
                ex: Ex::Exists(Box::new(Ex::Grounded(
                    rule.cites.clone(),
                    Box::new(Ex::Const(Const::Bool(true))),
                ))),
                ty: Ty::Bool,
                required: true,
                source: format!("{} is in force", rule.name),
                rule: Some(rule.name.to_string()),
            });
            out.push(format!("context.{name}"));
        }
        for (n, (source, ex)) in parts.into_iter().enumerate() {
            let mark = self.attrs.len();
            match self.cond(&ex) {
                Ok(c) => out.push(c),
                Err(Untranslatable) => {
                    // Attributes registered for a part that is computed whole are not needed.
                    self.attrs.truncate(mark);
                    let name = if many {
                        format!("{short}_{}", n + 1)
                    } else {
                        short.to_string()
                    };
                    let name = self.fresh(name);
                    self.attrs.push(ContextAttr {
                        name: name.clone(),
                        ex,
                        ty: Ty::Bool,
                        required: true,
                        source,
                        rule: Some(rule.name.to_string()),
                    });
                    out.push(format!("context.{name}"));
                }
            }
        }
        out.join(" && ")
    }

    /// Cedar's condition that holds exactly where Datalex finds `e` true.
    fn cond(&mut self, e: &Ex) -> Tr<String> {
        Ok(match e {
            Ex::Const(Const::Bool(b)) => b.to_string(),
            Ex::Not(x) => format!("!({})", self.cond(x)?),
            // Parenthesised pair by pair, as a left-nested chain: `((a && b) && c)`. Cedar's
            // parser recurses with that nesting, so a longer chain is computed by Datalex.
            Ex::And(xs) | Ex::Or(xs) => {
                if xs.len() > MAX_CHAIN {
                    return Err(Untranslatable);
                }
                let op = if matches!(e, Ex::And(_)) { "&&" } else { "||" };
                let parts = xs
                    .iter()
                    .map(|x| self.cond(x))
                    .collect::<Result<Vec<_>, _>>()?;
                datalex_compiler::ir::left_nested(op, &parts)
            }
            Ex::IsMissing(x) => {
                let o = self.operand(x)?;
                if o.defined.is_empty() {
                    "false".into()
                } else {
                    format!("!({})", o.defined.join(" && "))
                }
            }
            Ex::Exists(x) => {
                let o = self.operand(x)?;
                conj(o.defined, None)
            }
            Ex::Cmp(op, rank, a, b) => self.compare(*op, *rank, a, b)?,
            Ex::In {
                negated,
                elem,
                coll,
            } => {
                if !scalar(&self.ty_of(elem).ok_or(Untranslatable)?) {
                    return Err(Untranslatable);
                }
                let el = self.operand(elem)?;
                let (mut defined, set) = match &**coll {
                    Ex::List(items) => {
                        let mut lits = Vec::with_capacity(items.len());
                        for i in items {
                            match i {
                                Ex::Const(c) => lits.push(literal(c)?),
                                _ => return Err(Untranslatable),
                            }
                        }
                        if lits.is_empty() {
                            // Strict validation rejects `[]`; nothing is in the empty list.
                            return Ok(if *negated {
                                conj(el.defined, None)
                            } else {
                                "false".into()
                            });
                        }
                        (Vec::new(), format!("[{}]", lits.join(", ")))
                    }
                    other => {
                        let c = self.operand(other)?;
                        (c.defined, c.value)
                    }
                };
                let test = format!("{set}.contains({})", el.value);
                let test = if *negated { format!("!{test}") } else { test };
                let mut all = el.defined;
                all.append(&mut defined);
                conj(all, Some(test))
            }
            // A truth value read from the facts, the request or a value.
            Ex::Field(..) | Ex::Value(_) | Ex::Request => {
                if self.ty_of(e) != Some(Ty::Bool) {
                    return Err(Untranslatable);
                }
                let o = self.operand(e)?;
                conj(o.defined, Some(o.value))
            }
            _ => return Err(Untranslatable),
        })
    }

    fn compare(&mut self, op: CmpOp, rank: Option<EnumId>, a: &Ex, b: &Ex) -> Tr<String> {
        let ty = self
            .ty_of(a)
            .or_else(|| self.ty_of(b))
            .ok_or(Untranslatable)?;
        if let (Some(e), Ty::Enum(_)) = (rank, &ty) {
            // Ordered enums compare by rank: `x >= administrative_regulation` becomes the set of
            // members at or above it.
            let def = &self.policy.types.enums[e];
            let (var, member, op) = match (a, b) {
                (x, Ex::Const(Const::Enum(_, m))) => (x, m, op),
                (Ex::Const(Const::Enum(_, m)), x) => (x, m, op.flip()),
                _ => return Err(Untranslatable),
            };
            let members: Vec<String> = def
                .members
                .iter()
                .filter(|(m, _)| def.compare(op, m, member).is_some_and(|o| op.holds(o)))
                .map(|(m, _)| quote(m))
                .collect();
            let o = self.operand(var)?;
            if members.is_empty() {
                return Ok("false".into());
            }
            return Ok(conj(
                o.defined,
                Some(format!("[{}].contains({})", members.join(", "), o.value)),
            ));
        }
        let ordered = matches!(ty, Ty::Int | Ty::Date);
        let equality = matches!(op, CmpOp::Eq | CmpOp::Ne);
        match ty {
            Ty::Int | Ty::Date | Ty::Text | Ty::Bool | Ty::Enum(_) => {}
            _ => return Err(Untranslatable),
        }
        if !ordered && !equality {
            // Datalex orders only numbers, dates and ranked enums.
            return Ok("false".into());
        }
        let x = self.operand(a)?;
        let y = self.operand(b)?;
        let sym = op.symbol();
        let mut defined = x.defined;
        defined.extend(y.defined);
        Ok(conj(
            defined,
            Some(format!("{} {sym} {}", x.value, y.value)),
        ))
    }

    /// An operand: where it is defined, and its value.
    fn operand(&mut self, e: &Ex) -> Tr<Operand> {
        Ok(match e {
            Ex::Const(c) => Operand {
                defined: Vec::new(),
                value: literal(c)?,
            },
            Ex::Request => Operand {
                defined: Vec::new(),
                value: "context.request".into(),
            },
            Ex::Field(base, field) => {
                let name = &self.policy.types.fields[*field].name;
                let b = self.operand(base)?;
                let mut defined = b.defined;
                defined.push(format!("{} has {}", b.value, attr_name(name)));
                Operand {
                    defined,
                    value: format!("{}{}", b.value, access(name)),
                }
            }
            Ex::Value(id) => self.value(*id)?,
            Ex::Arith(a, rest) => {
                if rest.len() >= MAX_CHAIN {
                    return Err(Untranslatable);
                }
                let ty = self.ty_of(a);
                let mut x = self.operand(a)?;
                for (op, b) in rest {
                    let sign = op.sign();
                    x = match (&ty, b) {
                        (
                            Some(Ty::Date),
                            Ex::Const(Const::Duration {
                                count,
                                working: false,
                            }),
                        ) => Operand {
                            defined: x.defined,
                            value: format!(
                                "{}.offset(duration(\"{}d\"))",
                                x.value,
                                sign.saturating_mul(*count)
                            ),
                        },
                        (Some(Ty::Int), _) => {
                            let y = self.operand(b)?;
                            let mut defined = x.defined;
                            defined.extend(y.defined);
                            Operand {
                                defined,
                                value: format!("({} {} {})", x.value, op.symbol(), y.value),
                            }
                        }
                        _ => return Err(Untranslatable),
                    };
                }
                x
            }
            _ => return Err(Untranslatable),
        })
    }

    /// A derived value: inlined when it is a plain expression Cedar can compute, else a context
    /// attribute Datalex computes (absent when the value is missing).
    fn value(&mut self, id: ValueId) -> Tr<Operand> {
        let plan = self.plan;
        let def = plan.value(id);
        if def.exceptions.is_empty() {
            let mark = self.attrs.len();
            if let Ok(o) = self.operand(&def.default) {
                return Ok(o);
            }
            self.attrs.truncate(mark);
        }
        if !representable(&def.ty) {
            return Err(Untranslatable);
        }
        let name = short(&def.name).to_string();
        let existing = self
            .attrs
            .iter()
            .find(|a| matches!(a.ex, Ex::Value(v) if v == id))
            .map(|a| a.name.clone());
        let name = match existing {
            Some(n) => n,
            None => {
                let name = self.fresh(name);
                self.attrs.push(ContextAttr {
                    name: name.clone(),
                    ex: Ex::Value(id),
                    ty: def.ty.clone(),
                    required: false,
                    source: def.name.to_string(),
                    rule: None,
                });
                name
            }
        };
        Ok(Operand {
            defined: vec![format!("context has {name}")],
            value: format!("context.{name}"),
        })
    }

    /// The static type of an expression, where this module needs it.
    fn ty_of(&self, e: &Ex) -> Option<Ty> {
        let types = &self.policy.types;
        Some(match e {
            Ex::Const(c) => match c {
                Const::Bool(_) => Ty::Bool,
                Const::Int(_) => Ty::Int,
                Const::Text(_) => Ty::Text,
                Const::Date(_) => Ty::Date,
                Const::Duration { .. } => Ty::Duration,
                Const::Enum(e, _) => Ty::Enum(*e),
            },
            // INVARIANT: the plan's kind, fact and value ids are the program's and its own.
            Ex::Request => Ty::Record(self.policy.kinds[self.plan.kind_id].request),
            Ex::Fact(f) => Ty::List(Box::new(Ty::Record(self.policy.facts[*f].record))),
            Ex::Value(v) => self.plan.value(*v).ty.clone(),
            Ex::Field(_, f) => types.fields[*f].ty.clone(),
            Ex::Lookup(f, _) => Ty::Record(self.policy.facts[*f].record),
            Ex::Arith(a, _) => self.ty_of(a)?,
            Ex::List(items) => Ty::List(Box::new(self.ty_of(items.first()?)?)),
            Ex::Each { coll, .. } => self.ty_of(coll)?,
            Ex::Grounded(_, x) => self.ty_of(x)?,
            Ex::Local(_) => return None,
            Ex::Not(_)
            | Ex::And(..)
            | Ex::Or(..)
            | Ex::Cmp(..)
            | Ex::IsMissing(_)
            | Ex::Exists(_)
            | Ex::In { .. }
            | Ex::Applies(..)
            | Ex::Quant { .. } => Ty::Bool,
        })
    }

    /// `name`, or `name_2`, … if a context attribute already has it (or it is `request`).
    fn fresh(&self, name: String) -> String {
        let taken = |n: &str| n == "request" || self.attrs.iter().any(|a| a.name == n);
        if !taken(&name) {
            return name;
        }
        (2..)
            .map(|i| format!("{name}_{i}"))
            .find(|n| !taken(n))
            .unwrap_or(name)
    }
}

/// `a && b && … && last` (each test once), or `true` when there is nothing.
fn conj(parts: Vec<String>, last: Option<String>) -> String {
    let mut seen: Vec<String> = Vec::with_capacity(parts.len() + 1);
    for p in parts.into_iter().chain(last) {
        if !seen.contains(&p) {
            seen.push(p);
        }
    }
    let parts = seen;
    if parts.is_empty() {
        "true".into()
    } else {
        parts.join(" && ")
    }
}

/// Whether a value of this type can be passed to Cedar: every record is an entity type or a
/// common type; working-day durations have no Cedar form.
fn representable(ty: &Ty) -> bool {
    match ty {
        Ty::Bool | Ty::Int | Ty::Text | Ty::Date | Ty::Enum(_) | Ty::Record(_) => true,
        Ty::List(t) => representable(t),
        Ty::Duration | Ty::Error => false,
    }
}

fn scalar(ty: &Ty) -> bool {
    matches!(ty, Ty::Bool | Ty::Int | Ty::Text | Ty::Enum(_) | Ty::Date)
}

/// A constant as a Cedar literal.
fn literal(c: &Const) -> Tr<String> {
    Ok(match c {
        Const::Bool(b) => b.to_string(),
        Const::Int(i) => i.to_string(),
        Const::Text(s) => quote(s),
        Const::Enum(_, m) => quote(m),
        Const::Date(d) => format!("datetime(\"{d}\")"),
        Const::Duration {
            count,
            working: false,
        } => format!("duration(\"{count}d\")"),
        Const::Duration { working: true, .. } => return Err(Untranslatable),
    })
}

/// A Cedar string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Words Cedar reserves, which cannot follow a `.` or `has`.
const RESERVED: [&str; 10] = [
    "true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar",
];

fn plain(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&name)
}

/// `.name`, or `["name"]` where Cedar needs it.
fn access(name: &str) -> String {
    if plain(name) {
        format!(".{name}")
    } else {
        format!("[{}]", quote(name))
    }
}

/// `name` after `has`, quoted where Cedar needs it.
fn attr_name(name: &str) -> String {
    if plain(name) {
        name.to_string()
    } else {
        quote(name)
    }
}

/// The last segment of a qualified name: `binzhou.conditional_share` → `conditional_share`.
pub fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}
