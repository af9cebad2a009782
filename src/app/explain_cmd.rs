//! `explain`: load -> topology -> explanation -> render. Exit 1 when
//! something required is missing, broken or cannot be verified (the
//! explanation's errors and unknowns), 2 on input errors.

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::{input_diagnostics, load_snapshot, print_diagnostics, ColorChoice, Outcome, Streams};
use crate::explain::{self, render};
use crate::graph::Topology;
use crate::report::{self, RenderOptions};
use crate::snapshot::Snapshot;

/// Output format of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainOptions {
    pub path: PathBuf,
    /// Empty = every domain in the input.
    pub domain_ids: Vec<String>,
    pub format: ExplainFormat,
    pub color: ColorChoice,
    /// Also print notes on stderr.
    pub verbose: bool,
}

/// Reject an empty input and `--domain-id`s the input does not hold: both
/// are usage mistakes, not findings.
pub(super) fn check_domains(
    snapshot: &Snapshot,
    ids: &[String],
    path: &std::path::Path,
) -> Result<()> {
    if snapshot.domains.is_empty() {
        bail!(
            "{}: the input holds no SageMaker domain (DescribeDomain or ListDomains output)",
            path.display()
        );
    }
    for id in ids {
        if !snapshot.domains.iter().any(|d| &d.id == id) {
            let known: Vec<&str> = snapshot.domains.iter().map(|d| d.id.as_str()).collect();
            bail!(
                "--domain-id {id}: no such domain in {} (domains: {})",
                path.display(),
                known.join(", ")
            );
        }
    }
    Ok(())
}

pub(super) fn run(opts: &ExplainOptions, io: &mut Streams<'_>) -> Result<Outcome> {
    let snapshot = load_snapshot(&opts.path)?;
    check_domains(&snapshot, &opts.domain_ids, &opts.path)?;
    let (topo, topo_diags) = Topology::from_snapshot(snapshot);
    let snapshot = &topo.snapshot;
    let e = explain::explain(snapshot, &topo, &opts.domain_ids);
    let (warnings, notes) = report::split_diagnostics(input_diagnostics(snapshot, topo_diags));
    let color = match opts.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io.stdout_is_tty && !io.no_color,
    };
    let render_opts = RenderOptions {
        color,
        width: io.width,
        ..RenderOptions::default()
    };
    match opts.format {
        ExplainFormat::Table => {
            print_diagnostics(&warnings, false, io.stderr)?;
            if opts.verbose {
                print_diagnostics(&notes, true, io.stderr)?;
            }
            render::render_text(&e, io.stdout, &render_opts)?;
        }
        ExplainFormat::Json | ExplainFormat::Markdown => {
            if opts.verbose {
                print_diagnostics(&warnings, true, io.stderr)?;
                print_diagnostics(&notes, true, io.stderr)?;
            }
            if opts.format == ExplainFormat::Json {
                render::render_json(&e, io.stdout)?;
            } else {
                render::render_markdown(&e, io.stdout)?;
            }
        }
    }
    Ok(if e.has_problems() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
