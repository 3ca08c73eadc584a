//! Decisions explained for people: the effect, each deciding rule with the text of the articles
//! it cites, deadlines with their dates, obligations, findings, and the trace.

use crate::calendar::Calendar;
use crate::decision::{CiteOut, Decision};
use crate::facts::Facts;
use crate::request::Request;
use datalex_compiler::ir::Cite;
use datalex_compiler::ir::Program;
use std::fmt::Write as _;

/// The explanation of `decision`, made for `request`.
pub fn explain(
    decision: &Decision,
    request: &Request,
    facts: &Facts,
    policy: &Program,
    calendar: &Calendar,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} — {}", decision.effect, headline(request, facts));
    let _ = writeln!(s, "  jurisdiction {}", decision.policy.jurisdiction);
    let at = decision.governing_date;
    let _ = writeln!(s, "  law as of {at}");
    for src in &decision.sources {
        let reg = policy.regulation(&src.id);
        let _ = writeln!(
            s,
            "    《{}》 {}, {}",
            src.title,
            src.rank.as_deref().unwrap_or("rank not declared"),
            reg.map(datalex_compiler::ir::RegulationText::period_label)
                .unwrap_or_default()
        );
    }
    for (k, v) in &decision.effective_tier {
        let _ = writeln!(s, "  effective {k} tier: {v}");
    }
    if !decision.reasons.is_empty() {
        let _ = writeln!(s, "\nreasons");
        for r in &decision.reasons {
            let _ = writeln!(s, "  {}  ({})", r.code, r.rule);
            let _ = writeln!(s, "    {}", r.text);
            quote(&mut s, &r.cites, policy, at);
        }
    }
    if !decision.deadlines.is_empty() {
        let _ = writeln!(s, "\ndeadlines");
        for d in &decision.deadlines {
            let count = match (d.working_days, d.calendar_days) {
                (Some(n), _) => format!("{n} working days"),
                (_, Some(n)) => format!("{n} days"),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "  {}: {} by {} ({count} after {}) [{}]",
                d.code,
                party(&d.party, d.party_id.as_deref(), request, facts),
                d.due,
                d.start,
                d.status
            );
            let _ = writeln!(s, "    {}", d.text);
            if let Some(notes) = calendar_notes(calendar, d.start, d.due) {
                let _ = writeln!(s, "    {notes}");
            }
            quote(&mut s, &d.cites, policy, at);
        }
    }
    if !decision.obligations.is_empty() {
        let _ = writeln!(s, "\nobligations");
        for o in &decision.obligations {
            let until = o.until.map(|u| format!(" until {u}")).unwrap_or_default();
            let _ = writeln!(
                s,
                "  {}: {}{until}",
                o.code,
                party(&o.party, o.party_id.as_deref(), request, facts)
            );
            let _ = writeln!(s, "    {}", o.text);
            quote(&mut s, &o.cites, policy, at);
        }
    }
    if !decision.remedies.is_empty() {
        let _ = writeln!(s, "\nremedies");
        for r in &decision.remedies {
            let _ = writeln!(s, "  {}", r.code);
            let _ = writeln!(s, "    {}", r.text);
            quote(&mut s, &r.cites, policy, at);
        }
    }
    if !decision.findings.is_empty() {
        let _ = writeln!(s, "\nfindings");
        for f in &decision.findings {
            let _ = writeln!(s, "  {} {} on {}", f.severity, f.code, f.subject);
            let _ = writeln!(s, "    {}", f.text);
            quote(&mut s, &f.cites, policy, at);
        }
    }
    interpretations(&mut s, decision, policy);
    let _ = writeln!(s, "\ntrace");
    for t in &decision.trace {
        let _ = writeln!(
            s,
            "  {} {}  {}",
            if t.matched { "✔" } else { "✘" },
            t.rule,
            t.detail
        );
    }
    s
}

fn headline(request: &Request, facts: &Facts) -> String {
    let ds = |id: &str| match facts.dataset(id) {
        Some(d) => format!("{id} ({})", d.name),
        None => format!("{id} (not in the catalog)"),
    };
    let inst = |id: &str| match facts.institution(id) {
        Some(i) => format!("{id} ({})", i.name),
        None => format!("{id} (not a registered body)"),
    };
    match request {
        Request::Share(r) => format!(
            "{} asks to share {} for {}, {}",
            inst(&r.requester),
            ds(&r.dataset),
            r.scenario,
            request.at()
        ),
        Request::Open(r) => format!(
            "{} {} asks to open {}, {}",
            r.requester.kind.as_str(),
            r.requester.id,
            ds(&r.dataset),
            request.at()
        ),
        Request::Develop(r) => {
            let dev = match facts.developer(&r.developer) {
                Some(d) => format!("{} ({})", r.developer, d.name),
                None => format!("{} (not a registered developer)", r.developer),
            };
            let sets: Vec<String> = r.datasets.iter().map(|d| ds(d)).collect();
            format!(
                "{dev} asks to develop {} for {} in the {} environment, {}",
                sets.join(", "),
                r.scenario,
                r.environment.as_str(),
                request.at()
            )
        }
        Request::CatalogChange(r) => format!(
            "{} files a catalog change ({}) of {}: basis changed {}, filed {}",
            inst(&r.institution),
            r.change.as_str(),
            r.dataset
                .as_deref()
                .map_or_else(|| "a new dataset".to_string(), ds),
            r.basis_changed_on,
            r.filed_on
                .map_or_else(|| request.at().to_string(), |d| d.to_string()),
        ),
        Request::Collection(r) => format!(
            "{} collects data{}{}, {}",
            inst(&r.institution),
            r.dataset
                .as_deref()
                .map(|d| format!(" for {}", ds(d)))
                .unwrap_or_default(),
            if r.grassroots { " (grassroots)" } else { "" },
            request.at()
        ),
        Request::Purchase(r) => format!(
            "{} buys social data ({}){}, {}",
            inst(&r.institution),
            r.description,
            if r.fiscal_funds {
                " with fiscal funds"
            } else {
                ""
            },
            request.at()
        ),
        Request::Objection(r) => format!(
            "{} {} objects to open data {}, {}",
            r.requester.kind.as_str(),
            r.requester.id,
            ds(&r.dataset),
            request.at()
        ),
        Request::Demand(r) => format!(
            "{} has a data demand{} for {}, {}",
            inst(&r.requester),
            r.dataset
                .as_deref()
                .map(|d| format!(" for {}", ds(d)))
                .unwrap_or_default(),
            r.scenario,
            request.at()
        ),
        Request::Correction(r) => format!(
            "{} reports an error in {}, {}",
            inst(&r.requester),
            ds(&r.dataset),
            request.at()
        ),
        Request::ProductRegistration(r) => format!(
            "{} registers the data product {} ({}), {}",
            r.developer,
            r.product.as_deref().unwrap_or("without an identifier"),
            r.name,
            request.at()
        ),
        Request::ItProject(r) => format!(
            "{} applies for the IT project {}, {}",
            inst(&r.institution),
            r.project,
            request.at()
        ),
    }
}

/// Names the party concretely: the institution the decision resolved it to, else where the
/// request says who it is.
fn party(role: &str, id: Option<&str>, request: &Request, facts: &Facts) -> String {
    let who = match (id, role, request) {
        (Some(id), _, _) => Some(id.to_string()),
        (None, role, request) => party_of_request(role, request, facts),
    };
    match who {
        Some(id) => match facts.institution(&id) {
            Some(i) => format!("{role} {id} ({})", i.name),
            None => format!("{role} {id}"),
        },
        None => role.to_string(),
    }
}

pub(crate) fn party_of_request(role: &str, request: &Request, facts: &Facts) -> Option<String> {
    match (role, request) {
        ("requester", Request::Share(r)) => Some(r.requester.clone()),
        ("requester", Request::Open(r)) => Some(r.requester.id.clone()),
        ("provider", Request::Share(r)) => facts.dataset(&r.dataset).map(|d| d.provider.clone()),
        ("provider", Request::Open(r)) => facts.dataset(&r.dataset).map(|d| d.provider.clone()),
        ("institution", Request::CatalogChange(r)) => Some(r.institution.clone()),
        ("developer", Request::Develop(r)) => Some(r.developer.clone()),
        ("developer", Request::ProductRegistration(r)) => Some(r.developer.clone()),
        ("institution", Request::Collection(r)) => Some(r.institution.clone()),
        ("institution", Request::Purchase(r)) => Some(r.institution.clone()),
        ("institution", Request::ItProject(r)) => Some(r.institution.clone()),
        ("requester", Request::Demand(r)) => Some(r.requester.clone()),
        ("requester", Request::Correction(r)) => Some(r.requester.clone()),
        ("requester", Request::Objection(r)) => Some(r.requester.id.clone()),
        ("provider", Request::Objection(r)) => {
            facts.dataset(&r.dataset).map(|d| d.provider.clone())
        }
        ("provider", Request::Correction(r)) => {
            facts.dataset(&r.dataset).map(|d| d.provider.clone())
        }
        ("provider", Request::Demand(r)) => r
            .dataset
            .as_deref()
            .and_then(|d| facts.dataset(d))
            .map(|d| d.provider.clone()),
        _ => None,
    }
}

/// The holidays skipped and the working weekend days counted between `start` and `due`.
fn calendar_notes(
    calendar: &Calendar,
    start: datalex_lang::date::Date,
    due: datalex_lang::date::Date,
) -> Option<String> {
    let mut holidays: Vec<String> = Vec::new();
    let mut workdays: Vec<String> = Vec::new();
    let mut d = start.add_days(1);
    let mut guard = 0;
    while d <= due && guard < 400 {
        if let Some(n) = calendar.holiday_name(d) {
            if !holidays.iter().any(|x| x == n) {
                holidays.push(n.to_string());
            }
        }
        if calendar.is_adjusted_workday(d) {
            workdays.push(d.to_string());
        }
        d = d.add_days(1);
        guard += 1;
    }
    let mut parts = Vec::new();
    if !holidays.is_empty() {
        parts.push(format!("holidays not counted: {}", holidays.join(", ")));
    }
    if !workdays.is_empty() {
        parts.push(format!(
            "working weekend days counted: {}",
            workdays.join(", ")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Each citation with the text it points at in the version in force on `at`, without the
/// source copy's known defects (each said in a note), and the interpretation it is read by.
fn quote(
    s: &mut String,
    cites: &[std::sync::Arc<CiteOut>],
    policy: &Program,
    at: datalex_lang::date::Date,
) {
    for (i, c) in cites.iter().enumerate() {
        // A provision cited both as written and through an interpretation is quoted once, as
        // read.
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
        match &c.reading {
            Some(r) => {
                let _ = writeln!(s, "    {} (as read by interpretation `{r}`)", c.label);
            }
            None => {
                let _ = writeln!(s, "    {}", c.label);
            }
        }
        if let Some(q) = quote_of(policy, c, at) {
            let _ = writeln!(s, "      「{}」", q.text);
            for n in &q.notes {
                let _ = writeln!(s, "      （{n}）");
            }
        }
    }
}

/// The text of the provision a decision cites, as in force on `at` (with its notes), if the
/// policy holds its regulation: the quotation both renderings show.
pub(crate) fn quote_of(
    policy: &Program,
    c: &std::sync::Arc<CiteOut>,
    at: datalex_lang::date::Date,
) -> Option<datalex_compiler::ir::Quote> {
    let (regulation, _) = policy
        .regulations
        .iter()
        .find(|(_, r)| r.id == c.regulation)?;
    policy.quote_at(
        &Cite {
            regulation,
            regulation_id: c.regulation.clone(),
            article: c.article,
            paragraph: c.paragraph,
            item: c.item,
            version: c.version,
            periods: Vec::new(),
            rank: None,
            label: c.label.clone(),
            reading: c.reading.clone(),
            out: std::sync::Arc::clone(c),
        },
        at,
    )
}

/// The interpretations the decision's citations are read by: what the text says, what the
/// policy takes it to mean, who adopted the reading and when.
fn interpretations(s: &mut String, decision: &Decision, policy: &Program) {
    let mut names: Vec<&str> = Vec::new();
    let cites = decision
        .reasons
        .iter()
        .flat_map(|r| &r.cites)
        .chain(decision.deadlines.iter().flat_map(|d| &d.cites))
        .chain(decision.obligations.iter().flat_map(|o| &o.cites))
        .chain(decision.remedies.iter().flat_map(|r| &r.cites))
        .chain(decision.findings.iter().flat_map(|f| &f.cites));
    for c in cites {
        if let Some(r) = &c.reading {
            if !names.contains(&&**r) {
                names.push(r);
            }
        }
    }
    if names.is_empty() {
        return;
    }
    let _ = writeln!(s, "\ninterpretations");
    for i in names.iter().filter_map(|n| policy.interpretation(n)) {
        let of: Vec<&str> = i.of.iter().map(|c| c.label.as_str()).collect();
        let _ = writeln!(s, "  {}: {}", i.name, of.join("、"));
        let _ = writeln!(s, "    the text says 「{}」", i.says);
        let _ = writeln!(s, "    taken to mean: {}", i.means);
        let _ = writeln!(s, "    adopted by {} on {}", i.adopted_by, i.adopted_on);
    }
}
