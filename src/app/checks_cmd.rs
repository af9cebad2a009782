//! `audit`'s compliance checks and suppressions, and the `checks` /
//! `checks show ID` commands.
//!
//! Selection: `--query` and `--check` each run only what they name; naming
//! only queries runs no check and naming only checks runs no query, so that
//! `audit --query sts` answers for sts alone (and exits on it alone).

use anyhow::{bail, Context, Result};

use super::{AuditOptions, Format, Outcome, Streams};
use crate::graph::Topology;
use crate::query::Query;
use crate::report::{self, json, Report};
use crate::snapshot::Snapshot;
use crate::{checks, suppress};

/// `--check` ids must exist (a typo is a usage error, like `--query`).
pub(super) fn validate_check_ids(ids: &[String]) -> Result<()> {
    for id in ids {
        if checks::find(id).is_none() {
            let known: Vec<&str> = checks::REGISTRY.iter().map(|c| c.id).collect();
            bail!("--check {id}: no such check (known: {})", known.join(", "));
        }
    }
    Ok(())
}

/// `--check` given, `--query` not: run the named checks and no query.
pub(super) fn only_checks(opts: &AuditOptions) -> bool {
    opts.filters.query_ids.is_empty() && !opts.checks.is_empty()
}

/// `--query` given, `--check` not: run the named queries and no check.
fn only_queries(opts: &AuditOptions) -> bool {
    !opts.filters.query_ids.is_empty() && opts.checks.is_empty()
}

/// Run the compliance checks into the report, then apply the suppression
/// file; suppressions that match nothing become warnings.
pub(super) fn add_checks_and_suppressions(
    report: &mut Report,
    snapshot: &Snapshot,
    topo: &Topology,
    queries: &[Query],
    opts: &AuditOptions,
) -> Result<()> {
    if !only_queries(opts) {
        let cx = checks::CheckContext::new(snapshot, topo, &opts.filters.domain_ids);
        let (results, infos) = checks::run(&cx, &opts.checks);
        report.checks = results;
        report.check_infos = infos;
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let suppressions = suppress::load(opts.suppressions.as_deref(), &cwd)?;
    if suppressions.is_empty() {
        return Ok(());
    }
    let ran: Vec<String> = report
        .queries
        .iter()
        .map(|q| q.id.clone())
        .chain(report.check_infos.iter().map(|c| c.id.clone()))
        .collect();
    let known: Vec<String> = queries
        .iter()
        .map(|q| q.id.clone())
        .chain(checks::REGISTRY.iter().map(|c| c.id.to_string()))
        .collect();
    let unused = suppress::apply(report, &suppressions, &ran, &known);
    report.warnings.extend(unused);
    report.warnings.sort();
    Ok(())
}

pub(super) fn list_checks(format: Format, io: &mut Streams<'_>) -> Result<Outcome> {
    let infos: Vec<_> = checks::REGISTRY.iter().map(checks::Check::info).collect();
    match format {
        Format::Json => json::write_pretty(&infos, io.stdout)?,
        _ => report::compliance::render_list(&infos, io.stdout)?,
    }
    Ok(Outcome::Clean)
}

pub(super) fn show_check(id: &str, format: Format, io: &mut Streams<'_>) -> Result<Outcome> {
    let Some(c) = checks::find(id) else {
        let known: Vec<&str> = checks::REGISTRY.iter().map(|c| c.id).collect();
        bail!("no check `{id}` (known: {})", known.join(", "));
    };
    match format {
        Format::Json => json::write_pretty(&c.info(), io.stdout)?,
        _ => report::compliance::render_doc(&c.info(), io.stdout)?,
    }
    Ok(Outcome::Clean)
}
