//! Orchestration: load -> build -> evaluate -> render, and the exit code.
//!
//! The only module that touches the terminal. Files are read here and by
//! `import`, `suppress::load`, `query::load_dir` and written by `generate`.
//! Errors are `anyhow` here and nowhere below; library errors already name
//! their file, and each step adds what it was doing.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::engine::{self, FlowSpec, InjectAt, IpRanges, Settings, Source, Target, Verdict};
use crate::graph::Topology;
use crate::import;
use crate::query::{self, sources, Filters, Query, Severity};
use crate::report::{
    self, json, junit, markdown, sarif, table, trace, write_diagnostic, DomainInfo, QueryInfo,
    RenderOptions, Report,
};
use crate::snapshot::{Diagnostic, Level, PortRange, Snapshot};

mod checks_cmd;
mod diagram_cmd;
mod explain_cmd;
pub use diagram_cmd::{render_with_dot, DiagramFormat, DiagramOptions, DOT_ENV};
pub use explain_cmd::{ExplainFormat, ExplainOptions};

/// Output format of `audit`, `trace` and `queries`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    /// SARIF 2.1.0 (`audit`).
    Sarif,
    /// JUnit XML (`audit`).
    Junit,
    /// GitHub-flavoured Markdown (`audit`, `trace`).
    Markdown,
    /// Graphviz DOT of the architecture with the paths (`audit`).
    Dot,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Dot => "dot",
        }
    }
}

/// Render an audit report in any of its formats.
fn render_report(
    format: Format,
    report: &Report,
    w: &mut dyn Write,
    opts: &RenderOptions,
) -> io::Result<()> {
    match format {
        Format::Table => table::render(report, w, opts),
        Format::Json => json::render(report, w, opts),
        Format::Sarif => sarif::render(report, w, opts),
        Format::Junit => junit::render(report, w, opts),
        Format::Markdown => markdown::render(report, w, opts),
        // Drawn from the snapshot too: `audit` hands it to diagram_cmd.
        Format::Dot => Err(io::Error::other(
            "internal error: DOT needs the topology (see app::diagram_cmd)",
        )),
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineOptions {
    pub ephemeral_ports: PortRange,
    pub ip_ranges: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputOptions {
    pub format: Format,
    pub color: ColorChoice,
    pub verbose: bool,
    pub quiet: bool,
    pub expand: bool,
    /// `--redact`: pseudonyms for account ids and IP addresses
    /// ([`crate::redact`]).
    pub redact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditOptions {
    pub path: PathBuf,
    /// Collect from live AWS instead of reading `path` (feature `aws`).
    #[cfg(feature = "aws")]
    pub live: Option<crate::collect::LiveOptions>,
    pub queries_dir: Option<PathBuf>,
    pub filters: Filters,
    /// `--fail-on`; `None` = the default thresholds of
    /// [`crate::report::Report::has_findings`].
    pub fail_on: Option<Severity>,
    /// `--check`: run only these compliance checks (empty = all).
    pub checks: Vec<String>,
    /// `--suppressions`: else `.sagescope.toml` in the current directory.
    pub suppressions: Option<PathBuf>,
    /// `--fix`: list the remediations in the table.
    pub fix: bool,
    pub engine: EngineOptions,
    pub output: OutputOptions,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceOptions {
    pub path: PathBuf,
    /// `--from` as the user wrote it (normalised), for the report.
    pub from_text: String,
    pub from: Source,
    pub to: Ipv4Addr,
    pub flow: FlowSpec,
    pub engine: EngineOptions,
    pub output: OutputOptions,
}

/// A validated command line (built by `cli`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Audit(AuditOptions),
    Trace(TraceOptions),
    Import {
        path: PathBuf,
        /// `-` = stdout.
        output: PathBuf,
        /// `--redact`: write pseudonyms for account ids and IP addresses.
        redact: bool,
    },
    Queries {
        dir: Option<PathBuf>,
        format: Format,
    },
    ShowQuery {
        id: String,
        dir: Option<PathBuf>,
        format: Format,
    },
    /// `checks`: list the compliance checks.
    Checks {
        format: Format,
    },
    /// `checks show ID`.
    ShowCheck {
        id: String,
        format: Format,
    },
    /// `generate`: a synthetic organisation in raw AWS API JSON.
    Generate {
        options: crate::generate::Options,
        output: PathBuf,
    },
    /// `explain`: a domain's parameters, what they mean, what is missing.
    Explain(ExplainOptions),
    /// `diagram`: the architecture with the query paths (DOT, SVG, PNG).
    Diagram(DiagramOptions),
    #[cfg(feature = "aws")]
    Collect(CollectOptions),
}

/// `collect`: live AWS -> snapshot file.
#[cfg(feature = "aws")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectOptions {
    pub live: crate::collect::LiveOptions,
    /// `-` = stdout.
    pub output: PathBuf,
    pub verbose: bool,
    pub quiet: bool,
}

/// How a successful run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: a finding (audit) or a flow that is not reachable (trace).
    Findings,
}

/// What the process writes to, and what it knows about the terminal.
pub struct Streams<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    pub stdout_is_tty: bool,
    /// Terminal width when stdout is a terminal.
    pub width: Option<u16>,
    /// NO_COLOR is set to a non-empty value.
    pub no_color: bool,
}

/// Run with the real stdout and stderr; print errors; map to an exit code
/// (0 clean, 1 findings, 2 errors; a closed pipe is not an error).
pub fn run(invocation: &Invocation) -> ExitCode {
    let stdout_is_tty = io::stdout().is_terminal();
    // comfy-table already asks the terminal for its width (crossterm), and
    // only does so when stdout is a terminal.
    let width = if stdout_is_tty {
        comfy_table::Table::new().width()
    } else {
        None
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let stdout = io::stdout();
    let mut stdout = BufWriter::new(stdout.lock());
    // Not locked for the whole run: the collector's progress bar and `-v`
    // log lines write to stderr from other threads (a held lock deadlocks
    // them). Each write still locks stderr, so lines stay whole.
    let mut stderr = io::stderr();
    let result = {
        let mut io = Streams {
            stdout: &mut stdout,
            stderr: &mut stderr,
            stdout_is_tty,
            width,
            no_color,
        };
        run_with(invocation, &mut io)
    }
    .and_then(|outcome| {
        stdout.flush()?;
        Ok(outcome)
    });
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(stderr, "error: {e:#}");
            ExitCode::from(2)
        }
    }
}

// Like ripgrep: `sagescope audit … | head` must not end in an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Run an invocation against any writers (tests use buffers).
pub fn run_with(invocation: &Invocation, io: &mut Streams<'_>) -> Result<Outcome> {
    match invocation {
        Invocation::Audit(opts) => audit(opts, io),
        Invocation::Trace(opts) => trace(opts, io),
        Invocation::Import {
            path,
            output,
            redact,
        } => import_to(path, output, *redact, io),
        Invocation::Queries { dir, format } => list_queries(dir.as_deref(), *format, io),
        Invocation::ShowQuery { id, dir, format } => show_query(id, dir.as_deref(), *format, io),
        Invocation::Generate { options, output } => generate_to(options, output, io),
        Invocation::Checks { format } => checks_cmd::list_checks(*format, io),
        Invocation::ShowCheck { id, format } => checks_cmd::show_check(id, *format, io),
        Invocation::Explain(opts) => explain_cmd::run(opts, io),
        Invocation::Diagram(opts) => diagram_cmd::run(opts, io),
        #[cfg(feature = "aws")]
        Invocation::Collect(opts) => collect_to(opts, io),
    }
}

fn render_options(output: &OutputOptions, io: &Streams<'_>) -> RenderOptions {
    let color = match output.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io.stdout_is_tty && !io.no_color,
    };
    RenderOptions {
        color,
        width: io.width,
        quiet: output.quiet,
        expand: output.expand,
        fix: false,
    }
}

fn load_snapshot(path: &Path) -> Result<Snapshot> {
    // ImportError already names the file (and line:column for bad JSON).
    Ok(import::load(path)?)
}

fn load_queries(dir: Option<&Path>) -> Result<Vec<Query>> {
    let builtin =
        query::builtin_queries().context("internal error: a built-in query is invalid")?;
    let user = match dir {
        Some(dir) => query::load_dir(dir)?,
        None => vec![],
    };
    Ok(query::merge(builtin, user)?)
}

fn engine_settings(opts: &EngineOptions) -> Result<Settings> {
    let ip_ranges = match &opts.ip_ranges {
        Some(path) => Some(load_ip_ranges(path)?),
        None => None,
    };
    Ok(Settings {
        ephemeral_ports: opts.ephemeral_ports,
        ip_ranges,
    })
}

/// AWS `ip-ranges.json` (https://ip-ranges.amazonaws.com/ip-ranges.json):
/// only the IPv4 prefixes are used.
fn load_ip_ranges(path: &Path) -> Result<IpRanges> {
    #[derive(Deserialize)]
    struct Raw {
        prefixes: Vec<RawPrefix>,
    }
    #[derive(Deserialize)]
    struct RawPrefix {
        ip_prefix: ipnet::Ipv4Net,
        region: String,
        service: String,
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read --ip-ranges file", path.display()))?;
    let raw: Raw = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not an AWS ip-ranges.json (expected {{\"prefixes\": [{{\"ip_prefix\", \"region\", \"service\"}}]}})",
            path.display()
        )
    })?;
    let mut prefixes: Vec<_> = raw
        .prefixes
        .into_iter()
        .map(|p| (p.service, p.region, p.ip_prefix))
        .collect();
    prefixes.sort();
    prefixes.dedup();
    Ok(IpRanges { prefixes })
}

/// Warnings and notes of the input: import diagnostics, collection gaps and
/// dangling references found while building the topology.
fn input_diagnostics(snapshot: &Snapshot, topo_diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut diags = snapshot.diagnostics.clone();
    diags.extend(topo_diags);
    for gap in &snapshot.gaps {
        let on = gap
            .resource
            .as_deref()
            .map(|r| format!(" on {r}"))
            .unwrap_or_default();
        // The collector's own gap: the run stopped at its --timeout.
        let message = if gap.api.starts_with("sagescope:") {
            format!("{}; every result is unknown", gap.error)
        } else {
            format!(
                "{}{on} could not be read ({}); results that depend on it are unknown",
                gap.api, gap.error
            )
        };
        let mut d = Diagnostic::warning("collection-gap", message);
        if let Some(r) = &gap.resource {
            d = d.with_ids([r.clone()]);
        }
        diags.push(d);
    }
    diags
}

fn print_diagnostics(diags: &[Diagnostic], verbose: bool, w: &mut dyn Write) -> io::Result<()> {
    for d in diags {
        if d.level == Level::Warning || verbose {
            write_diagnostic(w, d)?;
        }
    }
    Ok(())
}

fn audit(opts: &AuditOptions, io: &mut Streams<'_>) -> Result<Outcome> {
    let snapshot = audit_snapshot(opts, io)?;
    let queries = load_queries(opts.queries_dir.as_deref())?;
    for id in &opts.filters.query_ids {
        if !queries.iter().any(|q| &q.id == id) {
            let known: Vec<&str> = queries.iter().map(|q| q.id.as_str()).collect();
            bail!("--query {id}: no such query (known: {})", known.join(", "));
        }
    }
    checks_cmd::validate_check_ids(&opts.checks)?;
    for id in &opts.filters.domain_ids {
        if !snapshot.domains.iter().any(|d| &d.id == id) {
            let known: Vec<&str> = snapshot.domains.iter().map(|d| d.id.as_str()).collect();
            bail!(
                "--domain-id {id}: no such domain in {} (domains: {})",
                opts.path.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            );
        }
    }
    let settings = engine_settings(&opts.engine)?;
    let (topo, topo_diags) = Topology::from_snapshot(snapshot);
    let snapshot = &topo.snapshot;
    // `--check` without `--query` runs only the named checks.
    let run_queries = !checks_cmd::only_checks(opts);
    let mut results = if run_queries {
        query::run_queries(snapshot, &topo, &queries, &settings, &opts.filters)
    } else {
        Vec::new()
    };
    crate::fix::apply(&topo, &queries, &settings, &mut results);

    let mut diags = input_diagnostics(snapshot, topo_diags);
    if run_queries {
        diags.extend(query::run::run_notes(snapshot, &queries, &opts.filters));
    }
    if snapshot.domains.is_empty() {
        diags.push(Diagnostic::warning(
            "no-domains",
            "the input holds no SageMaker domain (DescribeDomain or ListDomains output): nothing to audit",
        ));
    }
    let domains = snapshot
        .domains
        .iter()
        .filter(|d| opts.filters.domain(d))
        .map(|d| DomainInfo::new(d, sources::region_of(snapshot, d)))
        .collect();
    let query_info = queries
        .iter()
        .filter(|q| run_queries && opts.filters.query(q))
        .map(QueryInfo::from_query)
        .collect();
    let mut report = Report::new(domains, query_info, results, diags);
    checks_cmd::add_checks_and_suppressions(&mut report, snapshot, &topo, &queries, opts)?;
    // DOT is drawn from the snapshot as well as the report, so it is
    // rendered before the report is redacted, then redacted as a whole.
    if opts.output.format == Format::Dot {
        return diagram_cmd::audit_dot(snapshot, &topo, &report, &queries, opts, io);
    }
    // Before anything is rendered, so every format and stderr get it.
    if opts.output.redact {
        report = crate::redact::Redactor::with_random_key().redact(&report)?;
    }

    let mut render = render_options(&opts.output, io);
    render.fix = opts.fix;
    match opts.output.format {
        Format::Table => {
            print_diagnostics(&report.warnings, false, io.stderr)?;
            if opts.output.verbose {
                print_diagnostics(&report.notes, true, io.stderr)?;
            }
            table::render(&report, io.stdout, &render)?;
        }
        // The other formats carry the warnings themselves; stderr repeats
        // them only with -v.
        Format::Json | Format::Sarif | Format::Junit | Format::Markdown | Format::Dot => {
            if opts.output.verbose {
                print_diagnostics(&report.warnings, true, io.stderr)?;
                print_diagnostics(&report.notes, true, io.stderr)?;
            }
            render_report(opts.output.format, &report, io.stdout, &render)?;
        }
    }
    // Data that could not be collected (gaps) is a finding too: the
    // verdicts that depend on it are unknown, and the others may be so.
    Ok(
        if report.has_findings(opts.fail_on) || !snapshot.gaps.is_empty() {
            Outcome::Findings
        } else {
            Outcome::Clean
        },
    )
}

/// A `--from` that names a resource the snapshot does not hold is a usage
/// error, not an unknown verdict: it is almost always a typo.
fn check_source_exists(snapshot: &Snapshot, from: &Source, path: &Path) -> Result<()> {
    let (what, id, found) = match from {
        Source::Instance(id) => (
            "instance",
            id,
            snapshot.instances.iter().any(|i| &i.id == id),
        ),
        Source::Eni(id) => (
            "network interface",
            id,
            snapshot.network_interfaces.iter().any(|e| &e.id == id),
        ),
        Source::Injected {
            at: InjectAt::Subnet(id),
            ..
        } => ("subnet", id, snapshot.subnets.iter().any(|s| &s.id == id)),
        Source::Injected {
            at: InjectAt::Vpc(id),
            ..
        } => ("VPC", id, snapshot.vpcs.iter().any(|v| &v.id == id)),
        Source::Injected {
            at: InjectAt::Internet,
            ..
        }
        | Source::Virtual(_) => return Ok(()),
    };
    if !found {
        bail!("--from {id}: no {what} {id} in {}", path.display());
    }
    Ok(())
}

fn trace(opts: &TraceOptions, io: &mut Streams<'_>) -> Result<Outcome> {
    let snapshot = load_snapshot(&opts.path)?;
    check_source_exists(&snapshot, &opts.from, &opts.path)?;
    let settings = engine_settings(&opts.engine)?;
    let (topo, topo_diags) = Topology::from_snapshot(snapshot);
    let snapshot = &topo.snapshot;
    let mut result = engine::evaluate(
        &topo,
        &opts.from,
        &Target::Ip(opts.to),
        &opts.flow,
        &settings,
    );
    // Data the collector could not read may lie on the path.
    query::gaps::apply_to_path(snapshot, &mut result);

    let (warnings, notes) = report::split_diagnostics(input_diagnostics(snapshot, topo_diags));
    let has_ports = opts.flow.protocol.has_ports();
    let ports = |p: PortRange| {
        if has_ports {
            p.to_string()
        } else {
            "n/a".into()
        }
    };
    let flow = trace::TraceFlow {
        protocol: opts.flow.protocol.to_string(),
        dst_ports: ports(opts.flow.dst_ports),
        src_ports: ports(opts.flow.src_ports.unwrap_or(settings.ephemeral_ports)),
    };
    let verdict = result.verdict;
    let t = trace::TraceReport::new(
        opts.from_text.clone(),
        opts.to.to_string(),
        flow,
        result,
        warnings,
    );
    let (t, notes) = if opts.output.redact {
        let mut r = crate::redact::Redactor::with_random_key();
        (r.redact(&t)?, r.redact(&notes)?)
    } else {
        (t, notes)
    };
    let render = render_options(&opts.output, io);
    match opts.output.format {
        Format::Table => {
            print_diagnostics(&t.warnings, false, io.stderr)?;
            if opts.output.verbose {
                print_diagnostics(&notes, true, io.stderr)?;
            }
            trace::render_table(&t, io.stdout, &render)?;
        }
        Format::Json => {
            if opts.output.verbose {
                print_diagnostics(&notes, true, io.stderr)?;
            }
            trace::render_json(&t, io.stdout)?;
        }
        Format::Markdown => {
            if opts.output.verbose {
                print_diagnostics(&notes, true, io.stderr)?;
            }
            markdown::render_trace(&t, io.stdout)?;
        }
        // The CLI does not offer them for one flow (no rules, no suites).
        Format::Sarif | Format::Junit | Format::Dot => {
            bail!(
                "trace: --format {} is not supported (use table, json or markdown)",
                opts.output.format.as_str()
            )
        }
    }
    Ok(if verdict == Verdict::Reachable {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn import_to(path: &Path, output: &Path, redact: bool, io: &mut Streams<'_>) -> Result<Outcome> {
    let mut snapshot = load_snapshot(path)?;
    if redact {
        snapshot = crate::redact::Redactor::with_random_key().redact(&snapshot)?;
    }
    write_snapshot_to(&snapshot, output, io)?;
    // Say what was skipped, so an empty snapshot is not a silent surprise.
    let (warnings, _) = report::split_diagnostics(snapshot.diagnostics.clone());
    print_diagnostics(&warnings, false, io.stderr)?;
    Ok(Outcome::Clean)
}

/// Collect from live AWS (`collect`, `audit` without PATH): log each call
/// with `-v`, say what was collected unless `quiet`.
#[cfg(feature = "aws")]
fn collect_live(
    live: &crate::collect::LiveOptions,
    verbose: bool,
    quiet: bool,
    io: &mut Streams<'_>,
) -> Result<Snapshot> {
    crate::collect::init_logging(verbose);
    let c = crate::collect::collect_blocking(live)?;
    if !quiet {
        let s = &c.snapshot;
        writeln!(
            io.stderr,
            "collected {} domain{} in {}: {} API calls in {:.1} s{}",
            s.domains.len(),
            if s.domains.len() == 1 { "" } else { "s" },
            c.region,
            c.total_calls(),
            c.elapsed.as_secs_f64(),
            if s.gaps.is_empty() {
                String::new()
            } else {
                format!("; {} could not be read (see the warnings)", s.gaps.len())
            }
        )?;
    }
    Ok(c.snapshot)
}

/// `collect`: exit 1 when some data could not be read (gaps), so that a
/// script notices the snapshot is incomplete.
#[cfg(feature = "aws")]
fn collect_to(opts: &CollectOptions, io: &mut Streams<'_>) -> Result<Outcome> {
    let snapshot = collect_live(&opts.live, opts.verbose, opts.quiet, io)?;
    write_snapshot_to(&snapshot, &opts.output, io)?;
    let (warnings, _) = report::split_diagnostics(input_diagnostics(&snapshot, Vec::new()));
    print_diagnostics(&warnings, false, io.stderr)?;
    Ok(if snapshot.gaps.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// The snapshot `audit` works on: collected live, or loaded from PATH.
fn audit_snapshot(opts: &AuditOptions, io: &mut Streams<'_>) -> Result<Snapshot> {
    #[cfg(feature = "aws")]
    if let Some(live) = &opts.live {
        return collect_live(live, opts.output.verbose, opts.output.quiet, io);
    }
    let _ = io;
    load_snapshot(&opts.path)
}

fn write_snapshot_to(snapshot: &Snapshot, output: &Path, io: &mut Streams<'_>) -> Result<()> {
    if output == Path::new("-") {
        import::write_snapshot(snapshot, io.stdout)?;
    } else {
        let write = || -> io::Result<()> {
            // Owner-only: a snapshot maps a whole network (issue 6).
            let mut w = BufWriter::new(import::create_private(output)?);
            import::write_snapshot(snapshot, &mut w)?;
            w.flush()
        };
        write().with_context(|| format!("{}: cannot write the snapshot", output.display()))?;
    }
    Ok(())
}

fn list_queries(dir: Option<&Path>, format: Format, io: &mut Streams<'_>) -> Result<Outcome> {
    let queries = load_queries(dir)?;
    match format {
        Format::Json => json::write_pretty(&queries, io.stdout)?,
        Format::Sarif | Format::Junit | Format::Markdown | Format::Dot => {
            bail!(
                "queries: --format {} is not supported (use table or json)",
                format.as_str()
            )
        }
        Format::Table => {
            let mut t = comfy_table::Table::new();
            t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
            t.force_no_tty();
            t.set_header(["id", "severity", "applies", "flow", "destination", "title"]);
            for q in &queries {
                let title = if q.origin == "built-in" {
                    q.title.clone()
                } else {
                    format!("{} ({})", q.title, q.origin)
                };
                t.add_row(vec![
                    q.id.clone(),
                    q.severity.to_string(),
                    if q.opt_in {
                        format!("{} (opt-in)", q.applies.as_str())
                    } else {
                        q.applies.as_str().to_string()
                    },
                    q.flow.to_string(),
                    q.destination.to_string(),
                    title,
                ]);
            }
            writeln!(io.stdout, "{t}")?;
            writeln!(
                io.stdout,
                "{} queries. Opt-in queries run only when named with `audit --query ID`.\n\
                 `sagescope queries show ID` prints a query's documentation.",
                queries.len()
            )?;
        }
    }
    Ok(Outcome::Clean)
}

fn show_query(
    id: &str,
    dir: Option<&Path>,
    format: Format,
    io: &mut Streams<'_>,
) -> Result<Outcome> {
    let queries = load_queries(dir)?;
    let Some(q) = queries.iter().find(|q| q.id == id) else {
        let known: Vec<&str> = queries.iter().map(|q| q.id.as_str()).collect();
        bail!("no query `{id}` (known: {})", known.join(", "));
    };
    match format {
        Format::Json => json::write_pretty(q, io.stdout)?,
        Format::Sarif | Format::Junit | Format::Markdown | Format::Dot => {
            bail!(
                "queries show: --format {} is not supported (use table or json)",
                format.as_str()
            )
        }
        Format::Table => {
            let w = &mut *io.stdout;
            writeln!(w, "{}: {}", q.id, q.title)?;
            writeln!(
                w,
                "severity {} · applies {}{} · flow {} · destination {} · {}",
                q.severity,
                q.applies.as_str(),
                if q.opt_in {
                    " (opt-in: run with --query)"
                } else {
                    ""
                },
                q.flow,
                q.destination,
                q.origin
            )?;
            for (heading, text) in [
                ("What", &q.docs.what),
                ("Why", &q.docs.why),
                ("Fix", &q.docs.fix),
            ] {
                writeln!(w, "\n{heading}")?;
                for line in crate::report::reflow(text, 78) {
                    writeln!(w, "  {line}")?;
                }
            }
            writeln!(w, "\nReferences")?;
            for r in &q.docs.references {
                writeln!(w, "  - {r}")?;
            }
        }
    }
    Ok(Outcome::Clean)
}

/// `generate`: write the synthetic organisation and say what it holds.
fn generate_to(
    options: &crate::generate::Options,
    output: &Path,
    io: &mut Streams<'_>,
) -> Result<Outcome> {
    let summary = crate::generate::write_dir(options, output)?;
    writeln!(io.stderr, "{}", summary.describe(output))?;
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_ranges_parse() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ip-ranges.json");
        std::fs::write(
            &p,
            r#"{"syncToken":"1","prefixes":[{"ip_prefix":"52.218.0.0/17","region":"eu-west-1","service":"S3","network_border_group":"eu-west-1"}],"ipv6_prefixes":[]}"#,
        )
        .unwrap();
        let r = load_ip_ranges(&p).unwrap();
        assert_eq!(r.prefixes.len(), 1);
        assert_eq!(r.prefixes[0].0, "S3");
        std::fs::write(&p, "{}").unwrap();
        let e = format!("{:#}", load_ip_ranges(&p).unwrap_err());
        assert!(e.contains("not an AWS ip-ranges.json"), "{e}");
    }
}
