//! A decision as the service answers and logs it: its JSON, serialised once, with the full trace
//! (what the log keeps and `GET /v1/decisions/{id}` gives back), the pieces of it that recur
//! from one decision to the next (which the log stores once, [`crate::decision_log::texts`]),
//! and the answer's shape on the wire, `?trace=none|summary|full` ([`TraceMode`]).

use datalex_evaluator::Decision;
use serde::Serialize;
use std::sync::Arc;

/// How much of the trace an answer carries (`?trace=`, like OPA's `explain`). The log always
/// keeps the whole decision with its full trace, whatever the answer carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TraceMode {
    /// No `trace` member.
    None,
    /// `trace` lists only the steps that held, each `{"rule": …, "matched": true}`, without
    /// `detail` (the condition as written and the facts it read).
    Summary,
    /// Every step considered, with its detail: the decision as the contract shows it (the
    /// default).
    #[default]
    Full,
}

impl TraceMode {
    /// The values `?trace=` takes.
    pub const VALUES: &'static str = "none, summary, full";

    /// The mode a `?trace=` value names.
    pub fn parse(value: &str) -> Option<TraceMode> {
        match value {
            "none" => Some(TraceMode::None),
            "summary" => Some(TraceMode::Summary),
            "full" => Some(TraceMode::Full),
            _ => None,
        }
    }

    /// The mode of a query string (`a=b&trace=summary`): the default without `trace`; the
    /// value that is not a mode (or two different values) as the error. Other parameters are
    /// ignored.
    pub fn from_query(query: Option<&str>) -> Result<TraceMode, String> {
        let mut found: Option<(TraceMode, String)> = None;
        for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            if name != "trace" {
                continue;
            }
            let mode = TraceMode::parse(&value).ok_or_else(|| value.to_string())?;
            match &found {
                Some((m, first)) if *m != mode => return Err(format!("{first}, {value}")),
                _ => found = Some((mode, value.into_owned())),
            }
        }
        Ok(found.map_or(TraceMode::default(), |(mode, _)| mode))
    }
}

/// The top-level member of a decision that the trace is: what [`render`] cuts out and puts back.
const EMPTY_TRACE: &str = ",\"trace\":[]";

/// Members of a decision shorter than this are not marked shared (see
/// [`crate::decision_log::texts::MIN_SHARED`]).
const MIN_SHARED: usize = crate::decision_log::texts::MIN_SHARED;

/// A decision rendered once.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The decision with its full trace: the default answer, and what is logged.
    pub full: Arc<str>,
    /// The byte ranges of `full` the log may store once and refer to: each step of the trace
    /// and each top-level member but the decision id.
    pub shared: Vec<(u32, u32)>,
    /// Where `,"trace":[…]` is in `full`.
    trace: (usize, usize),
    /// The summary trace's steps, comma-separated (built only when asked for).
    summary: Option<String>,
}

/// Why a decision could not be rendered (a bug: the evaluator's decision serialises).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// serde_json failed.
    #[error("cannot serialise the decision: {0}")]
    Json(#[from] serde_json::Error),
    /// The decision has no top-level `trace` member where it is expected.
    #[error("the decision's JSON has no top-level `trace` member")]
    NoTrace,
    /// Not UTF-8 (cannot happen with serde_json).
    #[error("the decision's JSON is not UTF-8")]
    NotUtf8,
}

#[derive(Serialize)]
struct HeldStep<'a> {
    rule: &'a str,
    matched: bool,
}

/// Renders `d` once: its JSON with the full trace (byte for byte `serde_json::to_string(d)`),
/// the pieces the log shares, and, if `mode` is [`TraceMode::Summary`], the summary's steps.
pub fn render(d: &mut Decision, mode: TraceMode) -> Result<Answer, RenderError> {
    // The decision without its trace, then the trace step by step in its place: each step's
    // text is a piece the log stores once.
    let trace = std::mem::take(&mut d.trace);
    let head = serde_json::to_vec(&*d);
    d.trace = trace;
    let head = head?;
    let at = memchr::memmem::rfind(&head, EMPTY_TRACE.as_bytes()).ok_or(RenderError::NoTrace)?;
    let (before, after) = (
        head.get(..at).unwrap_or_default(),
        head.get(at + EMPTY_TRACE.len()..).unwrap_or_default(),
    );
    let mut out: Vec<u8> = Vec::with_capacity(head.len() + 160 * d.trace.len() + 16);
    let mut shared: Vec<(u32, u32)> = Vec::with_capacity(d.trace.len() + 12);
    let mut summary = (mode == TraceMode::Summary).then(String::new);
    out.extend_from_slice(before);
    // The members before the trace, but the first (`decision_id`, new every time).
    for (i, (start, end)) in members(before, 1).into_iter().enumerate() {
        if i > 0 && end - start >= MIN_SHARED {
            shared.push((offset(start), offset(end)));
        }
    }
    let trace_start = out.len();
    out.extend_from_slice(b",\"trace\":[");
    for (i, step) in d.trace.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let start = out.len();
        serde_json::to_writer(&mut out, &step)?;
        shared.push((offset(start), offset(out.len())));
        if let Some(summary) = summary.as_mut().filter(|_| step.matched) {
            if !summary.is_empty() {
                summary.push(',');
            }
            summary.push_str(&serde_json::to_string(&HeldStep {
                rule: &step.rule,
                matched: true,
            })?);
        }
    }
    out.push(b']');
    let trace_end = out.len();
    // The members after it (`policy`), each after its comma.
    let base = out.len();
    out.extend_from_slice(after);
    let inner = after.len().saturating_sub(1); // without the object's closing brace
    for (start, end) in members(after.get(..inner).unwrap_or_default(), 0) {
        if end - start >= MIN_SHARED {
            shared.push((offset(base + start), offset(base + end)));
        }
    }
    let full = String::from_utf8(out).map_err(|_| RenderError::NotUtf8)?;
    Ok(Answer {
        full: Arc::from(full),
        shared,
        trace: (trace_start, trace_end),
        summary,
    })
}

impl Answer {
    /// The answer's JSON in `mode`: the full decision as it is (shared, not copied), or a copy
    /// without the trace, or with the summary trace.
    pub fn body(&self, mode: TraceMode) -> Arc<str> {
        let (start, end) = self.trace;
        let before = self.full.get(..start).unwrap_or_default();
        let after = self.full.get(end..).unwrap_or_default();
        match mode {
            TraceMode::Full => Arc::clone(&self.full),
            TraceMode::None => {
                let mut s = String::with_capacity(before.len() + after.len());
                s.push_str(before);
                s.push_str(after);
                Arc::from(s)
            }
            TraceMode::Summary => {
                let steps = self.summary.as_deref().unwrap_or_default();
                let mut s = String::with_capacity(before.len() + after.len() + steps.len() + 12);
                s.push_str(before);
                s.push_str(",\"trace\":[");
                s.push_str(steps);
                s.push(']');
                s.push_str(after);
                Arc::from(s)
            }
        }
    }
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The byte ranges of the members in `json` that sit at nesting depth `depth` (1: inside the
/// object that `json` opens; 0: `json` is itself a run of members), each member being what lies
/// between two commas at that depth, outside strings.
fn members(json: &[u8], depth: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut level = 0usize;
    let mut start = if depth == 0 { 0 } else { usize::MAX };
    for (i, b) in datalex_evaluator::facts::outside_strings(json) {
        match b {
            b'{' | b'[' => {
                level += 1;
                if level == depth {
                    start = i + 1;
                }
            }
            b'}' | b']' => level = level.saturating_sub(1),
            b',' if level == depth => {
                if start < i {
                    out.push((start, i));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < json.len() && level == depth {
        out.push((start, json.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trace_parameter_is_read_from_the_query() {
        assert_eq!(TraceMode::from_query(None), Ok(TraceMode::Full));
        assert_eq!(TraceMode::from_query(Some("")), Ok(TraceMode::Full));
        assert_eq!(
            TraceMode::from_query(Some("x=1&trace=summary")),
            Ok(TraceMode::Summary)
        );
        assert_eq!(
            TraceMode::from_query(Some("trace=none&trace=none")),
            Ok(TraceMode::None)
        );
        assert_eq!(
            TraceMode::from_query(Some("trace=verbose")),
            Err("verbose".to_string())
        );
        assert_eq!(
            TraceMode::from_query(Some("trace=none&trace=full")),
            Err("none, full".to_string())
        );
        assert_eq!(
            TraceMode::from_query(Some("trace=%E5%85%A8")),
            Err("全".to_string())
        );
    }

    #[test]
    fn members_are_split_at_their_depth_outside_strings() {
        let json = br#"{"a":"x,}]","b":[1,{"c":2}],"d":{"e":"\","}"#;
        let found: Vec<&str> = members(json, 1)
            .into_iter()
            .map(|(s, e)| std::str::from_utf8(&json[s..e]).unwrap())
            .collect();
        assert_eq!(
            found,
            vec![r#""a":"x,}]""#, r#""b":[1,{"c":2}]"#, r#""d":{"e":"\","}"#]
        );
        let run = br#","p":{"j":"x"},"q":1"#;
        let found: Vec<&str> = members(run, 0)
            .into_iter()
            .map(|(s, e)| std::str::from_utf8(&run[s..e]).unwrap())
            .collect();
        assert_eq!(found, vec![r#""p":{"j":"x"}"#, r#""q":1"#]);
    }
}
