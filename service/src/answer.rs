//! A decision as the service answers and logs it: its JSON, serialised once, with the full trace
//! (what the log keeps and `GET /v1/decisions/{id}` gives back), the pieces of it that recur
//! from one decision to the next (which the log stores once, [`crate::decision_log::texts`]),
//! and the answer's shape on the wire, `?trace=none|summary|full` ([`TraceMode`]).

use datalex_evaluator::Decision;
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

/// Members of a decision shorter than this are not marked shared (see
/// [`crate::decision_log::texts::MIN_SHARED`]).
const MIN_SHARED: usize = crate::decision_log::texts::MIN_SHARED;

/// A decision rendered once.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The decision with its full trace: the default answer, and what is logged.
    /// (An `Arc<String>`, not an `Arc<str>`: taking the rendered `String` as it is, rather
    /// than copying its kilobytes into a new allocation.)
    pub full: Arc<String>,
    /// The byte ranges of `full` the log may store once and refer to: each step of the trace
    /// and each top-level member but the decision id.
    pub shared: Vec<(u32, u32)>,
    /// Where `,"trace":[…]` is in `full`.
    trace: (usize, usize),
    /// The summary trace's steps, comma-separated (built only when asked for).
    summary: Option<String>,
}

/// Renders `d` once: its JSON with the full trace (byte for byte `serde_json::to_string(d)`,
/// written by [`Decision::write_json`]), the pieces the log shares, and, if `mode` is
/// [`TraceMode::Summary`], the summary's steps.
pub fn render(d: &Decision, mode: TraceMode) -> Answer {
    let mut full = String::with_capacity(2048 + 192 * d.trace.len());
    let layout = d.write_json(&mut full);
    let mut shared: Vec<(u32, u32)> = Vec::with_capacity(layout.steps.len() + 12);
    // `write_json` writes every member, the trace among them.
    let mut trace = (full.len(), full.len());
    // Every member but the first (`decision_id`, new every time), and in the trace's place
    // each of its steps.
    for (name, range) in layout.members.iter().skip(1) {
        if *name == "trace" {
            trace = (range.start.saturating_sub(1), range.end);
            shared.extend(
                layout
                    .steps
                    .iter()
                    .map(|s| (offset(s.object.start), offset(s.object.end))),
            );
        } else if range.len() >= MIN_SHARED {
            shared.push((offset(range.start), offset(range.end)));
        }
    }
    // A held step without its detail: `{"rule":…,"matched":true}`.
    let summary = (mode == TraceMode::Summary).then(|| {
        let mut summary = String::new();
        for step in layout.steps.iter().filter(|s| s.matched) {
            if !summary.is_empty() {
                summary.push(',');
            }
            summary.push_str(full.get(step.object.start..step.detail).unwrap_or_default());
            summary.push('}');
        }
        summary
    });
    Answer {
        full: Arc::new(full),
        shared,
        trace,
        summary,
    }
}

impl Answer {
    /// The answer's JSON in `mode`: the full decision as it is (shared, not copied), or a copy
    /// without the trace, or with the summary trace.
    pub fn body(&self, mode: TraceMode) -> Arc<String> {
        let (start, end) = self.trace;
        let before = self.full.get(..start).unwrap_or_default();
        let after = self.full.get(end..).unwrap_or_default();
        match mode {
            TraceMode::Full => Arc::clone(&self.full),
            TraceMode::None => {
                let mut s = String::with_capacity(before.len() + after.len());
                s.push_str(before);
                s.push_str(after);
                Arc::new(s)
            }
            TraceMode::Summary => {
                let steps = self.summary.as_deref().unwrap_or_default();
                let mut s = String::with_capacity(before.len() + after.len() + steps.len() + 12);
                s.push_str(before);
                s.push_str(",\"trace\":[");
                s.push_str(steps);
                s.push(']');
                s.push_str(after);
                Arc::new(s)
            }
        }
    }
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
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
}
