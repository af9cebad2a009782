//! The command line: clap derive only, turned once into a validated
//! [`Invocation`] (`parse`). Bad values and combinations are clap usage
//! errors, so they all exit 2 with clap's `error: ` message and usage line.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::app::{
    AuditOptions, ColorChoice, EngineOptions, Format, Invocation, OutputOptions, TraceOptions,
};
use crate::engine::{FlowSpec, InjectAt, Source};
use crate::query::{parse_port_range, Filters, Severity};
use crate::snapshot::{PortRange, Protocol};

mod diagram_args;
mod explain_args;
pub use diagram_args::DiagramArgs;
pub use explain_args::ExplainArgs;

const AFTER_HELP: &str = "\
Exit status: 0 when every applicable query is reachable and no check of
medium severity or above fails, 1 when a result is partial, blocked or unknown
or such a check fails (with --fail-on: at or above that severity; suppressed
findings never count), 2 on usage, input or internal errors.";

/// Static network auditor for Amazon SageMaker Studio domains.
#[derive(Debug, Parser)]
#[command(name = "sagescope", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the path queries from every Studio app source of every domain.
    Audit(AuditArgs),
    /// Trace one flow from a source to an IPv4 address, hop by hop.
    Trace(TraceArgs),
    /// Convert a folder of AWS API JSON responses into one snapshot file.
    Import(ImportArgs),
    /// List the queries, or show one's documentation (`queries show ID`).
    Queries(QueriesArgs),
    /// List the compliance checks, or show one's documentation (`checks show ID`).
    Checks(ChecksArgs),
    /// Write a synthetic organisation as raw AWS API JSON (for benchmarks
    /// and scale tests); the same seed gives the same bytes.
    Generate(GenerateArgs),
    /// Walk through a domain's parameters and what each means for it, and
    /// verify what SageMaker created (NFS security groups, EFS mount
    /// targets); exit 1 when something required is missing.
    Explain(ExplainArgs),
    /// Draw the domain's network and the query paths, coloured by verdict,
    /// as Graphviz DOT, SVG or PNG (exit 0 once written; `audit --format
    /// dot` draws the same and exits like audit).
    Diagram(DiagramArgs),
    /// Collect a snapshot of live AWS: the SageMaker domains of a region,
    /// their VPCs, home EFS, user profiles, spaces and apps (read-only calls).
    #[cfg(feature = "aws")]
    Collect(CollectArgs),
}

const PATH_HELP: &str =
    "Snapshot file, folder of AWS API JSON responses (read recursively), or one response file";

#[cfg(feature = "aws")]
const AUDIT_PATH_HELP: &str =
    "Snapshot file, folder of AWS API JSON responses (read recursively), \
     or one response file; without PATH, collect from live AWS first (--region, --profile, ...)";
#[cfg(not(feature = "aws"))]
const AUDIT_PATH_HELP: &str = PATH_HELP;

/// Where and how to reach AWS (`collect`, and `audit` without PATH).
#[cfg(feature = "aws")]
#[derive(Debug, Args)]
pub struct LiveArgs {
    /// AWS region (default: AWS_REGION, or the profile's region).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Named profile of the shared AWS config and credentials files
    /// (default: AWS_PROFILE, or `default`). SSO profiles work.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Send every AWS API call to URL, e.g. a local emulator
    /// (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> work as well).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// API calls in flight at most.
    #[arg(long, value_name = "N", default_value_t = crate::collect::DEFAULT_CONCURRENCY as u16,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Timeout of the whole collection run, in seconds. When it expires,
    /// what was not collected yet is recorded as gaps: the snapshot says it
    /// is incomplete, the results that depend on it are unknown, exit 1.
    #[arg(long, value_name = "SECS", default_value_t = crate::collect::DEFAULT_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,
    /// Timeout of one API call attempt, in seconds (throttling and 5xx
    /// answers are retried by the SDK with backoff).
    #[arg(long, value_name = "SECS", default_value_t = crate::collect::DEFAULT_CALL_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub call_timeout: u64,
}

/// Without the `aws` feature there is nothing to reach.
#[cfg(not(feature = "aws"))]
#[derive(Debug, Args)]
pub struct LiveArgs {}

#[cfg(feature = "aws")]
impl LiveArgs {
    fn named(&self) -> Option<&'static str> {
        if self.region.is_some() {
            Some("--region")
        } else if self.profile.is_some() {
            Some("--profile")
        } else if self.endpoint_url.is_some() {
            Some("--endpoint-url")
        } else {
            None
        }
    }

    fn into_options(self, domain_ids: Vec<String>, progress: bool) -> crate::collect::LiveOptions {
        crate::collect::LiveOptions {
            region: self.region,
            profile: self.profile,
            endpoint_url: self.endpoint_url,
            domain_ids,
            concurrency: usize::from(self.concurrency),
            timeout: std::time::Duration::from_secs(self.timeout),
            call_timeout: std::time::Duration::from_secs(self.call_timeout),
            progress,
        }
    }
}

#[cfg(feature = "aws")]
#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub live: LiveArgs,
    /// Collect only this domain (repeat, or separate ids with commas);
    /// default: every domain in the region.
    #[arg(long = "domain-id", value_name = "D", value_delimiter = ',')]
    pub domain_id: Vec<String>,
    /// Where to write the snapshot (`-` for stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Log each API call on stderr.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(["table", "json"]).map(|s| match s.as_str() {
        "json" => Format::Json,
        _ => Format::Table,
    })
}

fn parse_format(s: &str) -> Format {
    match s {
        "json" => Format::Json,
        "sarif" => Format::Sarif,
        "junit" => Format::Junit,
        "markdown" => Format::Markdown,
        "dot" => Format::Dot,
        _ => Format::Table,
    }
}

/// `audit --format`: every report format.
fn audit_format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(["table", "json", "sarif", "junit", "markdown", "dot"])
        .map(|s| parse_format(&s))
}

/// `trace --format`: one flow has no rules or test suites, so no SARIF or
/// JUnit.
fn trace_format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(["table", "json", "markdown"]).map(|s| parse_format(&s))
}

fn color_parser() -> impl TypedValueParser<Value = ColorChoice> {
    PossibleValuesParser::new(["auto", "always", "never"]).map(|s| match s.as_str() {
        "always" => ColorChoice::Always,
        "never" => ColorChoice::Never,
        _ => ColorChoice::Auto,
    })
}

fn severity_parser() -> impl TypedValueParser<Value = Severity> {
    PossibleValuesParser::new(Severity::ALL.map(Severity::as_str))
        .map(|s| Severity::parse(&s).unwrap_or(Severity::Info))
}

fn port_range(s: &str) -> Result<PortRange, String> {
    parse_port_range(s)
}

fn protocol(s: &str) -> Result<Protocol, String> {
    Protocol::parse(s).ok_or_else(|| {
        format!("`{s}` is not a protocol: use tcp, udp, icmp, all or a number 0-255")
    })
}

/// `--from`: an instance, an ENI, or a packet injected at the internet, a
/// subnet or a VPC (optionally with its source address).
pub fn parse_from(s: &str) -> Result<Source, String> {
    let at = |place: &str| -> Option<InjectAt> {
        if place == "internet" {
            Some(InjectAt::Internet)
        } else if place.starts_with("subnet-") {
            Some(InjectAt::Subnet(place.to_string()))
        } else if place.starts_with("vpc-") {
            Some(InjectAt::Vpc(place.to_string()))
        } else {
            None
        }
    };
    let expected = "expected an instance id (i-…), an ENI id (eni-…), internet, IP@internet, \
                    subnet-…, IP@subnet-…, vpc-… or IP@vpc-…";
    if let Some((ip, place)) = s.split_once('@') {
        let ip: Ipv4Addr = ip
            .parse()
            .map_err(|_| format!("`{ip}` is not an IPv4 address; {expected}"))?;
        let at = at(place).ok_or_else(|| format!("`{place}` is not a place; {expected}"))?;
        return Ok(Source::Injected { ip: Some(ip), at });
    }
    if s.starts_with("i-") {
        Ok(Source::Instance(s.to_string()))
    } else if s.starts_with("eni-") {
        Ok(Source::Eni(s.to_string()))
    } else if let Some(at) = at(s) {
        Ok(Source::Injected { ip: None, at })
    } else {
        Err(format!("`{s}` is not a source; {expected}"))
    }
}

#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Client ephemeral port range: the source ports of requests and the
    /// destination ports of replies that NACLs must allow.
    #[arg(long, value_name = "FROM-TO", default_value = "1024-65535", value_parser = port_range)]
    pub ephemeral_ports: PortRange,
    /// AWS ip-ranges.json, to make the public address ranges of services
    /// (S3, ...) concrete.
    #[arg(long, value_name = "FILE")]
    pub ip_ranges: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[arg(help = AUDIT_PATH_HELP, required = cfg!(not(feature = "aws")))]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub live: LiveArgs,
    /// Output format: table (people), json (the whole report), sarif (code
    /// scanning), junit (CI test reports), markdown (tickets, PR comments),
    /// dot (Graphviz diagram; `sagescope diagram` also renders SVG/PNG).
    #[arg(long, default_value = "table", value_parser = audit_format_parser())]
    pub format: Format,
    /// Also run the query files (*.toml) in DIR (format: queries/README.md).
    #[arg(long, value_name = "DIR")]
    pub queries: Option<PathBuf>,
    /// Run only this query (repeat, or separate ids with commas).
    #[arg(long = "query", value_name = "ID", value_delimiter = ',')]
    pub query: Vec<String>,
    /// Audit only this domain (repeat, or separate ids with commas).
    #[arg(long = "domain-id", value_name = "D", value_delimiter = ',')]
    pub domain_id: Vec<String>,
    /// Exit 1 only for failing query results and failing checks at or
    /// above this severity (suppressed findings never count). Default:
    /// every failing query result, and failing checks of medium severity
    /// or above (low and info checks are advice, not failures).
    #[arg(long, value_name = "SEVERITY", value_parser = severity_parser())]
    pub fail_on: Option<Severity>,
    /// Run only this compliance check (repeat, or separate ids with commas);
    /// default: every check, or none when --query names queries (naming
    /// only checks runs no query).
    #[arg(long = "check", value_name = "ID", value_delimiter = ',')]
    pub check: Vec<String>,
    /// Suppression file: accepted findings with a reason (default:
    /// .sagescope.toml in the current directory, when it exists).
    #[arg(long, value_name = "FILE")]
    pub suppressions: Option<PathBuf>,
    /// Table: list the remediations (AWS CLI commands with the real ids)
    /// under each domain. JSON, SARIF and Markdown always carry them.
    #[arg(long)]
    pub fix: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Also print notes (skipped input files, assumptions) on stderr.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Table: show only findings (partial, blocked, unknown) and the summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Table: one row per result instead of grouping sources that share a
    /// verdict and its blockers.
    #[arg(long)]
    pub expand: bool,
    /// Colour the verdicts (auto: when stdout is a terminal and NO_COLOR is unset).
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = color_parser())]
    pub color: ColorChoice,
    /// Replace account ids (also in ARNs) and IP addresses by consistent
    /// pseudonyms in all output, so the report can be shared.
    #[arg(long)]
    pub redact: bool,
}

#[derive(Debug, Args)]
pub struct TraceArgs {
    #[arg(help = PATH_HELP)]
    pub path: PathBuf,
    /// Where the flow starts: i-…, eni-…, internet, IP@internet, subnet-…,
    /// IP@subnet-…, vpc-… or IP@vpc-….
    #[arg(long, value_name = "SOURCE", value_parser = parse_from)]
    pub from: Source,
    /// Destination IPv4 address.
    #[arg(long, value_name = "IPV4")]
    pub to: Ipv4Addr,
    /// tcp, udp, icmp, all, or an IP protocol number 0-255.
    #[arg(long, value_name = "PROTO", default_value = "tcp", value_parser = protocol)]
    pub protocol: Protocol,
    /// Destination port or range (tcp/udp; default: all ports).
    #[arg(long, value_name = "N", value_parser = port_range)]
    pub port: Option<PortRange>,
    /// Source port or range (tcp/udp; default: the ephemeral range).
    #[arg(long, value_name = "N", value_parser = port_range)]
    pub src_port: Option<PortRange>,
    /// Output format: table, json or markdown.
    #[arg(long, default_value = "table", value_parser = trace_format_parser())]
    pub format: Format,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Also print notes (skipped input files, assumptions) on stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// Colour the verdict (auto: when stdout is a terminal and NO_COLOR is unset).
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = color_parser())]
    pub color: ColorChoice,
    /// Replace account ids (also in ARNs) and IP addresses by consistent
    /// pseudonyms in all output, so the report can be shared.
    #[arg(long)]
    pub redact: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(help = PATH_HELP)]
    pub path: PathBuf,
    /// Where to write the snapshot (`-` for stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Write pseudonyms for account ids (also in ARNs) and IP addresses,
    /// consistent within the snapshot, so it can be shared.
    #[arg(long)]
    pub redact: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Size: 1 is 20 VPCs, 2,000 security groups with 20,000 rules, 40
    /// domains with 1,000 user profiles; N multiplies every count.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=crate::generate::MAX_SCALE as i64))]
    pub scale: u32,
    /// PRNG seed.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Folder to create (it must not exist or be empty).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct QueriesArgs {
    #[command(subcommand)]
    pub action: Option<QueriesAction>,
    /// Also list the query files (*.toml) in DIR.
    #[arg(long, value_name = "DIR", global = true)]
    pub queries: Option<PathBuf>,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = format_parser(), global = true)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ChecksArgs {
    #[command(subcommand)]
    pub action: Option<ChecksAction>,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = format_parser(), global = true)]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum ChecksAction {
    /// Print a check's documentation: what, why, fix, references.
    Show {
        /// Check id, e.g. vpc-dns-attributes.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueriesAction {
    /// Print a query's documentation: what, why, fix, references.
    Show {
        /// Query id, e.g. efs-nfs.
        id: String,
    },
}

impl Cli {
    /// Validate what clap cannot check field by field.
    pub fn into_invocation(self) -> Result<Invocation, clap::Error> {
        let usage = |kind: ErrorKind, msg: String| Cli::command().error(kind, msg);
        Ok(match self.command {
            Command::Audit(a) => {
                #[cfg(feature = "aws")]
                let (path, live) = match a.path {
                    Some(path) => {
                        if let Some(flag) = a.live.named() {
                            return Err(usage(
                                ErrorKind::ArgumentConflict,
                                format!("{flag} is for collecting from live AWS; it cannot be used with PATH"),
                            ));
                        }
                        (path, None)
                    }
                    None => (
                        PathBuf::from("AWS"),
                        Some(
                            a.live
                                .into_options(a.domain_id.clone(), !a.quiet && !a.verbose),
                        ),
                    ),
                };
                #[cfg(not(feature = "aws"))]
                let path = a.path.unwrap_or_default();
                Invocation::Audit(AuditOptions {
                    path,
                    #[cfg(feature = "aws")]
                    live,
                    queries_dir: a.queries,
                    filters: Filters {
                        domain_ids: a.domain_id,
                        query_ids: a.query,
                    },
                    fail_on: a.fail_on,
                    checks: a.check,
                    suppressions: a.suppressions,
                    fix: a.fix,
                    engine: EngineOptions {
                        ephemeral_ports: a.engine.ephemeral_ports,
                        ip_ranges: a.engine.ip_ranges,
                    },
                    output: OutputOptions {
                        format: a.format,
                        color: a.color,
                        verbose: a.verbose,
                        quiet: a.quiet,
                        expand: a.expand,
                        redact: a.redact,
                    },
                })
            }
            #[cfg(feature = "aws")]
            Command::Collect(c) => Invocation::Collect(crate::app::CollectOptions {
                live: c.live.into_options(c.domain_id, !c.quiet && !c.verbose),
                output: c.output,
                verbose: c.verbose,
                quiet: c.quiet,
            }),
            Command::Trace(t) => {
                if !t.protocol.has_ports() {
                    for (flag, set) in [
                        ("--port", t.port.is_some()),
                        ("--src-port", t.src_port.is_some()),
                    ] {
                        if set {
                            return Err(usage(
                                ErrorKind::ArgumentConflict,
                                format!(
                                    "{flag} needs --protocol tcp or udp (protocol {} has no ports)",
                                    t.protocol
                                ),
                            ));
                        }
                    }
                }
                let from_text = match &t.from {
                    Source::Instance(id) | Source::Eni(id) => id.clone(),
                    Source::Injected { ip, at } => {
                        let place = match at {
                            InjectAt::Internet => "internet".to_string(),
                            InjectAt::Subnet(id) | InjectAt::Vpc(id) => id.clone(),
                        };
                        match ip {
                            Some(ip) => format!("{ip}@{place}"),
                            None => place,
                        }
                    }
                    Source::Virtual(v) => v.label.clone(),
                };
                Invocation::Trace(TraceOptions {
                    path: t.path,
                    from_text,
                    from: t.from,
                    to: t.to,
                    flow: FlowSpec {
                        protocol: t.protocol,
                        dst_ports: t.port.unwrap_or(PortRange::ALL),
                        src_ports: t.src_port,
                    },
                    engine: EngineOptions {
                        ephemeral_ports: t.engine.ephemeral_ports,
                        ip_ranges: t.engine.ip_ranges,
                    },
                    output: OutputOptions {
                        format: t.format,
                        color: t.color,
                        verbose: t.verbose,
                        quiet: false,
                        expand: false,
                        redact: t.redact,
                    },
                })
            }
            Command::Import(i) => Invocation::Import {
                path: i.path,
                output: i.output,
                redact: i.redact,
            },
            Command::Explain(e) => e.into_invocation(),
            Command::Diagram(d) => d.into_invocation()?,
            Command::Generate(g) => Invocation::Generate {
                options: crate::generate::Options {
                    scale: g.scale,
                    seed: g.seed,
                },
                output: g.output,
            },
            Command::Checks(c) => match c.action {
                None => Invocation::Checks { format: c.format },
                Some(ChecksAction::Show { id }) => Invocation::ShowCheck {
                    id,
                    format: c.format,
                },
            },
            Command::Queries(q) => match q.action {
                None => Invocation::Queries {
                    dir: q.queries,
                    format: q.format,
                },
                Some(QueriesAction::Show { id }) => Invocation::ShowQuery {
                    id,
                    dir: q.queries,
                    format: q.format,
                },
            },
        })
    }
}

/// Parse the process arguments; usage errors exit 2 (help and version 0).
pub fn parse() -> Invocation {
    match Cli::parse().into_invocation() {
        Ok(inv) => inv,
        Err(e) => e.exit(),
    }
}

/// Parse `args` (the first is the program name), for tests.
pub fn try_parse_from<I, T>(args: I) -> Result<Invocation, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    Cli::try_parse_from(args)?.into_invocation()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn from_forms() {
        assert_eq!(parse_from("i-1"), Ok(Source::Instance("i-1".into())));
        assert_eq!(parse_from("eni-1"), Ok(Source::Eni("eni-1".into())));
        assert_eq!(
            parse_from("internet"),
            Ok(Source::Injected {
                ip: None,
                at: InjectAt::Internet
            })
        );
        assert_eq!(
            parse_from("1.2.3.4@internet"),
            Ok(Source::Injected {
                ip: Some("1.2.3.4".parse().unwrap()),
                at: InjectAt::Internet
            })
        );
        assert_eq!(
            parse_from("10.0.0.9@subnet-1"),
            Ok(Source::Injected {
                ip: Some("10.0.0.9".parse().unwrap()),
                at: InjectAt::Subnet("subnet-1".into())
            })
        );
        assert_eq!(
            parse_from("vpc-1"),
            Ok(Source::Injected {
                ip: None,
                at: InjectAt::Vpc("vpc-1".into())
            })
        );
        assert!(parse_from("10.0.0.300@vpc-1").is_err());
        assert!(parse_from("10.0.0.3@moon").is_err());
        assert!(parse_from("sg-1").is_err());
    }

    #[test]
    fn trace_defaults_and_validation() {
        let inv = try_parse_from([
            "sagescope",
            "trace",
            "p",
            "--from",
            "i-1",
            "--to",
            "10.0.0.1",
        ])
        .unwrap();
        let Invocation::Trace(t) = inv else { panic!() };
        assert_eq!(t.flow.protocol, Protocol::TCP);
        assert_eq!(t.flow.dst_ports, PortRange::ALL);
        assert_eq!(t.flow.src_ports, None);
        assert_eq!(
            t.engine.ephemeral_ports,
            PortRange {
                from: 1024,
                to: 65535
            }
        );

        let e = try_parse_from([
            "sagescope",
            "trace",
            "p",
            "--from",
            "i-1",
            "--to",
            "10.0.0.1",
            "--protocol",
            "icmp",
            "--port",
            "80",
        ])
        .unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string().contains("--port needs --protocol tcp or udp"),
            "{e}"
        );

        for bad in [
            ["--protocol", "xyz"],
            ["--protocol", "256"],
            ["--port", "70000"],
            ["--to", "10.0.0"],
        ] {
            let mut args = vec![
                "sagescope",
                "trace",
                "p",
                "--from",
                "i-1",
                "--to",
                "10.0.0.1",
            ];
            args.extend(bad);
            let e = try_parse_from(args).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn audit_lists_split_on_commas() {
        let inv = try_parse_from([
            "sagescope",
            "audit",
            "p",
            "--query",
            "efs-nfs,s3",
            "--query",
            "sts",
            "--domain-id",
            "d-1",
            "--fail-on",
            "high",
            "--ephemeral-ports",
            "32768-61000",
        ])
        .unwrap();
        let Invocation::Audit(a) = inv else { panic!() };
        assert_eq!(a.filters.query_ids, ["efs-nfs", "s3", "sts"]);
        assert_eq!(a.filters.domain_ids, ["d-1"]);
        assert_eq!(a.fail_on, Some(Severity::High));
        assert_eq!(
            a.engine.ephemeral_ports,
            PortRange {
                from: 32768,
                to: 61000
            }
        );
        assert!(try_parse_from(["sagescope", "audit", "p", "--ephemeral-ports", "9-1"]).is_err());
        assert!(try_parse_from(["sagescope", "audit", "p", "-v", "-q"]).is_err());
    }

    /// `--timeout` bounds the whole run, `--call-timeout` one attempt.
    #[cfg(feature = "aws")]
    #[test]
    fn collect_timeouts() {
        use std::time::Duration;
        let inv = try_parse_from(["sagescope", "collect", "-o", "s.json"]).unwrap();
        let Invocation::Collect(c) = inv else {
            panic!()
        };
        assert_eq!(c.live.timeout, Duration::from_secs(600));
        assert_eq!(c.live.call_timeout, Duration::from_secs(30));
        let inv = try_parse_from([
            "sagescope",
            "collect",
            "-o",
            "s.json",
            "--timeout",
            "5",
            "--call-timeout",
            "2",
        ])
        .unwrap();
        let Invocation::Collect(c) = inv else {
            panic!()
        };
        assert_eq!(c.live.timeout, Duration::from_secs(5));
        assert_eq!(c.live.call_timeout, Duration::from_secs(2));
        for bad in [
            ["--timeout", "0"],
            ["--call-timeout", "0"],
            ["--call-timeout", "601"],
        ] {
            let mut args = vec!["sagescope", "collect", "-o", "s.json"];
            args.extend(bad);
            assert!(try_parse_from(args).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn queries_show_takes_global_flags_anywhere() {
        let inv = try_parse_from([
            "sagescope",
            "queries",
            "--format",
            "json",
            "show",
            "efs-nfs",
        ])
        .unwrap();
        assert!(
            matches!(inv, Invocation::ShowQuery { ref id, format: Format::Json, .. } if id == "efs-nfs")
        );
        let inv =
            try_parse_from(["sagescope", "queries", "show", "efs-nfs", "--queries", "d"]).unwrap();
        assert!(matches!(inv, Invocation::ShowQuery { dir: Some(_), .. }));
    }
}
