//! sagescope: a static network auditor for Amazon SageMaker Studio domains.
//!
//! Data flows one way: AWS API JSON (import) -> [`snapshot::Snapshot`] ->
//! [`graph::Topology`] -> [`engine`] (queries) -> report -> render.

pub mod app;
pub mod cli;
pub mod engine;
pub mod graph;
pub mod import;
pub mod query;
pub mod report;
pub mod snapshot;
