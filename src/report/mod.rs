//! PURE. The report model and one renderer per format.

use serde::{Deserialize, Serialize};

use crate::engine::{Blocker, Hop, Verdict};
use crate::snapshot::Diagnostic;

/// Version of the `--format json` document.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// Where a query's flow starts, as reported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceRef {
    /// `user-profile`, `shared-space`, `default-user-settings`,
    /// `default-space-settings`, `app-eni`.
    pub kind: String,
    /// Profile or space name, or the ENI id for real app ENIs.
    pub name: String,
    pub subnet_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// The effective security groups the source carries.
    pub security_group_ids: Vec<String>,
    /// The real ENI id, for `app-eni` sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eni_id: Option<String>,
}

/// One verdict of one query for one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryResult {
    pub query: String,
    pub domain: String,
    pub source: SourceRef,
    /// The destination in words and ids ("fsmt-0abc 10.20.3.11 tcp/2049",
    /// "sagemaker.api via vpce-0abc").
    pub destination: String,
    pub verdict: Verdict,
    /// Query severity (info, low, medium, high, critical).
    pub severity: String,
    pub blocked_at: Vec<Blocker>,
    pub path: Vec<Hop>,
    pub return_path: Vec<Hop>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachable_part: Option<String>,
}

/// Everything `audit` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    /// Sorted by (domain, query, source kind, source name, subnet, destination).
    pub results: Vec<QueryResult>,
    pub warnings: Vec<Diagnostic>,
    pub notes: Vec<Diagnostic>,
}
