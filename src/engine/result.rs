//! What the engine answers: verdicts with their witness.
//!
//! Shapes follow Reachability Analyzer (forward and return path components,
//! explanation codes) and the CAV'21 "blocked path" idea: a blocked result
//! lists *every* component along the candidate path that would have to
//! change, not only the first.

use std::sync::Arc;

use serde::Serialize;

pub use crate::findings::{Blocker, Code, Direction, Hop, Note, Part, Verdict};

/// The engine's answer for one (source, destination, flow) question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathResult {
    pub verdict: Verdict,
    /// Components that would have to change (empty when reachable).
    pub blocked_at: Vec<Blocker>,
    /// The forward path of the best candidate, hop by hop.
    pub path: Vec<Arc<Hop>>,
    /// The return path (stateless NACL checks for the reply).
    pub return_path: Vec<Arc<Hop>>,
    /// Assumptions and caveats (endpoint policy not evaluated, DNS assumed,
    /// leaves the snapshot, ...), as data. Sorted by their words,
    /// deduplicated ([`crate::findings::sort_notes`]).
    pub notes: Vec<Note>,
    /// For partial results: which part of the flow space gets through
    /// (in words: "only to 52.216.0.0/15").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reachable_part: Option<Part>,
}
