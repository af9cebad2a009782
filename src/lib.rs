//! sagescope: a static network auditor for Amazon SageMaker Studio domains.
//!
//! Data flows one way: AWS API JSON (import) -> [`snapshot::Snapshot`] ->
//! [`graph::Topology`] -> [`engine`] (queries) -> report -> render.

pub mod app;
pub mod checks;
pub mod cli;
#[cfg(feature = "aws")]
pub mod collect;
pub mod diagram;
pub mod engine;
pub mod explain;
pub mod findings;
pub mod fix;
pub mod generate;
pub mod graph;
pub mod import;
pub mod query;
pub mod redact;
pub mod report;
pub mod snapshot;
pub mod suppress;
