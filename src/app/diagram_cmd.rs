//! `diagram` and `audit --format dot`: the domain's architecture with the
//! query paths, as DOT, or as SVG/PNG rendered by Graphviz's `dot`.
//!
//! The DOT text is built in `crate::diagram` (pure); this module does the
//! I/O: it runs `dot` (or `$SAGESCOPE_DOT`) with the DOT on stdin and
//! writes what it prints. Without Graphviz, `.dot` output still works and
//! SVG/PNG fail with a message that says how to install it.

use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context, Result};

use super::explain_cmd::check_domains;
use super::{
    engine_settings, input_diagnostics, load_queries, load_snapshot, print_diagnostics,
    AuditOptions, EngineOptions, Outcome, Streams,
};
use crate::diagram;
use crate::graph::Topology;
use crate::query::{self, sources, Filters, Query};
use crate::report::{self, DomainInfo, QueryInfo, Report};
use crate::snapshot::Snapshot;

/// What `diagram` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramFormat {
    /// Graphviz DOT text (no external tool needed).
    Dot,
    Svg,
    Png,
}

impl DiagramFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DiagramFormat::Dot => "dot",
            DiagramFormat::Svg => "svg",
            DiagramFormat::Png => "png",
        }
    }

    pub fn parse(s: &str) -> Option<DiagramFormat> {
        match s.to_ascii_lowercase().as_str() {
            "dot" | "gv" => Some(DiagramFormat::Dot),
            "svg" => Some(DiagramFormat::Svg),
            "png" => Some(DiagramFormat::Png),
            _ => None,
        }
    }

    /// The format an output file's extension asks for (`.dot`, `.gv`,
    /// `.svg`, `.png`).
    pub fn from_path(p: &Path) -> Option<DiagramFormat> {
        p.extension()
            .and_then(|e| e.to_str())
            .and_then(DiagramFormat::parse)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramOptions {
    pub path: PathBuf,
    pub queries_dir: Option<PathBuf>,
    pub filters: Filters,
    /// `None` or `-` = stdout.
    pub output: Option<PathBuf>,
    pub format: DiagramFormat,
    pub engine: EngineOptions,
    pub verbose: bool,
    /// `--redact`: pseudonyms for account ids and IP addresses.
    pub redact: bool,
}

/// The environment variable naming the Graphviz `dot` program to run
/// (default: `dot` on PATH).
pub const DOT_ENV: &str = "SAGESCOPE_DOT";

/// The DOT text of a report's domains; with `redact`, account ids and
/// addresses are pseudonyms (the model is redacted, not the DOT text, whose
/// escapes would hide addresses from the redactor).
pub(super) fn dot_text(
    snapshot: &Snapshot,
    topo: &Topology,
    report: &Report,
    queries: &[Query],
    redact: bool,
) -> String {
    let mut d = diagram::build(snapshot, topo, report, queries);
    if redact {
        let mut r = crate::redact::Redactor::with_random_key();
        d.map_text(&mut |s| r.text(s));
    }
    diagram::dot::to_dot(&d)
}

/// Render DOT with Graphviz: `dot -T<format>`, DOT on stdin, the picture
/// on stdout. A missing `dot` is an error that says how to install it.
pub fn render_with_dot(dot: &str, format: DiagramFormat) -> Result<Vec<u8>> {
    let program = std::env::var_os(DOT_ENV)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "dot".into());
    let shown = program.to_string_lossy().into_owned();
    let mut child = match Command::new(&program)
        .arg(format!("-T{}", format.as_str()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == ErrorKind::NotFound => bail!(
            "rendering {} needs Graphviz's `{shown}` program, which was not found{}. \
             Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; Fedora: `dnf install graphviz`; \
             macOS: `brew install graphviz`; Windows: `winget install graphviz`), \
             or write DOT instead (`-o FILE.dot`, or no -o for stdout) and render it elsewhere",
            format.as_str().to_uppercase(),
            if std::env::var_os(DOT_ENV).is_some() {
                format!(" (set by {DOT_ENV})")
            } else {
                " on PATH".to_string()
            }
        ),
        Err(e) => return Err(anyhow!(e).context(format!("cannot run `{shown}`"))),
    };
    // Feed stdin from a thread: `dot` may fill its stdout pipe before it has
    // read all its input.
    let mut stdin = child.stdin.take().context("no stdin for dot")?;
    let input = dot.as_bytes().to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .context("no stdout for dot")?
        .read_to_end(&mut out)
        .with_context(|| format!("reading the output of `{shown}`"))?;
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let status = child
        .wait()
        .with_context(|| format!("waiting for `{shown}`"))?;
    let wrote = writer
        .join()
        .map_err(|_| anyhow!("writing to `{shown}` failed"))?;
    if !status.success() {
        bail!(
            "`{shown} -T{}` failed ({status}): {}",
            format.as_str(),
            err.trim()
        );
    }
    wrote.with_context(|| format!("writing DOT to `{shown}`"))?;
    Ok(out)
}

pub(super) fn run(opts: &DiagramOptions, io: &mut Streams<'_>) -> Result<Outcome> {
    let snapshot = load_snapshot(&opts.path)?;
    let queries = load_queries(opts.queries_dir.as_deref())?;
    for id in &opts.filters.query_ids {
        if !queries.iter().any(|q| &q.id == id) {
            let known: Vec<&str> = queries.iter().map(|q| q.id.as_str()).collect();
            bail!("--query {id}: no such query (known: {})", known.join(", "));
        }
    }
    check_domains(&snapshot, &opts.filters.domain_ids, &opts.path)?;
    let settings = engine_settings(&opts.engine)?;
    let (topo, topo_diags) = Topology::from_snapshot(snapshot);
    let snapshot = &topo.snapshot;
    let results = query::run_queries(snapshot, &topo, &queries, &settings, &opts.filters);
    let mut diags = input_diagnostics(snapshot, topo_diags);
    diags.extend(query::run::run_notes(snapshot, &queries, &opts.filters));
    let domains = snapshot
        .domains
        .iter()
        .filter(|d| opts.filters.domain(d))
        .map(|d| DomainInfo::new(d, sources::region_of(snapshot, d)))
        .collect();
    let query_info = queries
        .iter()
        .filter(|q| opts.filters.query(q))
        .map(QueryInfo::from_query)
        .collect();
    let report = Report::new(domains, query_info, results, diags);
    let (warnings, notes) = report::split_diagnostics(
        report
            .warnings
            .iter()
            .chain(&report.notes)
            .cloned()
            .collect(),
    );
    print_diagnostics(&warnings, false, io.stderr)?;
    if opts.verbose {
        print_diagnostics(&notes, true, io.stderr)?;
    }

    let dot = dot_text(snapshot, &topo, &report, &queries, opts.redact);
    let bytes = match opts.format {
        DiagramFormat::Dot => dot.into_bytes(),
        f => render_with_dot(&dot, f)?,
    };
    match opts.output.as_deref() {
        None => write_stdout(&bytes, opts.format, io)?,
        Some(p) if p == Path::new("-") => write_stdout(&bytes, opts.format, io)?,
        Some(p) => {
            std::fs::write(p, &bytes)
                .with_context(|| format!("{}: cannot write the diagram", p.display()))?;
            if opts.verbose {
                writeln!(io.stderr, "wrote {} ({} bytes)", p.display(), bytes.len())?;
            }
        }
    }
    Ok(Outcome::Clean)
}

/// `audit --format dot`: the diagram of the audit's results (checks and
/// suppressions applied), redacted as a whole with `--redact`. Warnings go
/// to stderr (DOT cannot carry them); the exit code is audit's.
pub(super) fn audit_dot(
    snapshot: &Snapshot,
    topo: &Topology,
    report: &Report,
    queries: &[Query],
    opts: &AuditOptions,
    io: &mut Streams<'_>,
) -> Result<Outcome> {
    print_diagnostics(&report.warnings, false, io.stderr)?;
    if opts.output.verbose {
        print_diagnostics(&report.notes, true, io.stderr)?;
    }
    let dot = dot_text(snapshot, topo, report, queries, opts.output.redact);
    io.stdout.write_all(dot.as_bytes())?;
    Ok(
        if report.has_findings(opts.fail_on) || !snapshot.gaps.is_empty() {
            Outcome::Findings
        } else {
            Outcome::Clean
        },
    )
}

fn write_stdout(bytes: &[u8], format: DiagramFormat, io: &mut Streams<'_>) -> Result<()> {
    if format == DiagramFormat::Png && io.stdout_is_tty {
        bail!("refusing to write PNG to a terminal: use -o FILE.png, or redirect stdout");
    }
    io.stdout.write_all(bytes)?;
    Ok(())
}
