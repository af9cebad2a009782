//! What the engine answers: verdicts with their witness.
//!
//! Shapes follow Reachability Analyzer (forward and return path components,
//! explanation codes) and the CAV'21 "blocked path" idea: a blocked result
//! lists *every* component along the candidate path that would have to
//! change, not only the first.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::findings::Code;

/// The answer for one flow space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The whole flow space gets through, there and back.
    Reachable,
    /// Part of the flow space gets through (some addresses, some ports).
    Partial,
    /// Nothing gets through.
    Blocked,
    /// The answer depends on data the snapshot lacks. Never reported as
    /// reachable.
    Unknown,
    /// The query does not apply (e.g. VpcOnly queries on a
    /// PublicInternetOnly domain).
    NotApplicable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Reachable => "reachable",
            Verdict::Partial => "partial",
            Verdict::Blocked => "blocked",
            Verdict::Unknown => "unknown",
            Verdict::NotApplicable => "not-applicable",
        }
    }

    /// Whether this verdict is a finding (exit code 1).
    pub fn is_failure(self) -> bool {
        matches!(self, Verdict::Partial | Verdict::Blocked | Verdict::Unknown)
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Forward,
    Return,
}

/// One component on a path and what it decided.
///
/// Paths hold their hops behind an `Arc`: an audit gives the same hop
/// (the same rule of the same group, the same source's app ENI) to
/// thousands of results, and a branch of the path search copies its path
/// at every fork. The JSON is the same as for plain values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hop {
    /// AWS id of the component (`sg-…`, `acl-…`, `rtb-…`, `subnet-…`,
    /// `eni-…`, `nat-…`, `igw-…`, `vpce-…`), or `internet` /
    /// `aws-service:<name>` for the world outside the snapshot.
    pub resource: String,
    /// Component kind, kebab-case: `network-interface`, `security-group`,
    /// `network-acl`, `route-table`, `subnet`, `nat-gateway`,
    /// `internet-gateway`, `vpc-endpoint`, `efs-mount-target`, ...
    pub kind: String,
    /// What the component did: `allow`, `deny`, `route`, `deliver`,
    /// `exit`, `translate`, `unknown`.
    pub decision: String,
    /// The rule that decided, in words ("sg-0abc egress rule 2: tcp 443 to
    /// pl-63a5400a"). Empty when no rule is involved.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rule: String,
}

/// A component that would have to change for the flow to get through.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Blocker {
    pub resource: String,
    pub kind: String,
    pub direction: Direction,
    /// Modelled on Reachability Analyzer explanation codes
    /// (`ENI_SG_RULES_MISMATCH`, `SUBNET_ACL_RESTRICTION`,
    /// `NO_ROUTE_TO_DESTINATION`, ...) plus sagescope's own for what RA
    /// does not model (`PRIVATE_DNS_DISABLED`, `MISSING_DATA`, ...): one
    /// enum, [`Code`].
    pub code: Code,
    /// One line: why this component stops (part of) the flow.
    pub reason: String,
}

/// The engine's answer for one (source, destination, flow) question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathResult {
    pub verdict: Verdict,
    /// Components that would have to change (empty when reachable).
    pub blocked_at: Vec<Blocker>,
    /// The forward path of the best candidate, hop by hop.
    pub path: Vec<Arc<Hop>>,
    /// The return path (stateless NACL checks for the reply).
    pub return_path: Vec<Arc<Hop>>,
    /// Assumptions and caveats (endpoint policy not evaluated, DNS assumed,
    /// leaves the snapshot, ...). Sorted, deduplicated.
    pub notes: Vec<String>,
    /// For partial results: which part of the flow space gets through, in
    /// words (e.g. "tcp 443 to 52.216.0.0/15 only").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachable_part: Option<String>,
}
