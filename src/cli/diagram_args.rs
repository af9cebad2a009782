//! `diagram` arguments (clap derive only).

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Args, CommandFactory};

use super::{Cli, EngineArgs, PATH_HELP};
use crate::app::{DiagramFormat, DiagramOptions, EngineOptions, Invocation};
use crate::query::Filters;

fn diagram_format_parser() -> impl TypedValueParser<Value = DiagramFormat> {
    PossibleValuesParser::new(["dot", "svg", "png"])
        .map(|s| DiagramFormat::parse(&s).unwrap_or(DiagramFormat::Dot))
}

#[derive(Debug, Args)]
pub struct DiagramArgs {
    #[arg(help = PATH_HELP)]
    pub path: PathBuf,
    /// Draw only this query's paths (repeat, or separate ids with commas).
    #[arg(long = "query", value_name = "ID", value_delimiter = ',')]
    pub query: Vec<String>,
    /// Draw only this domain (repeat, or separate ids with commas).
    #[arg(long = "domain-id", value_name = "D", value_delimiter = ',')]
    pub domain_id: Vec<String>,
    /// Write to FILE (`-` for stdout); its extension picks the format:
    /// .dot/.gv, .svg or .png. Default: DOT on stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// dot, svg or png (default: from the -o extension, else dot). SVG and
    /// PNG need Graphviz's `dot` (or $SAGESCOPE_DOT).
    #[arg(long, value_name = "FORMAT", value_parser = diagram_format_parser())]
    pub format: Option<DiagramFormat>,
    /// Also draw the query files (*.toml) in DIR (format: queries/README.md).
    #[arg(long, value_name = "DIR")]
    pub queries: Option<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Also print notes on stderr, and what was written.
    #[arg(short, long)]
    pub verbose: bool,
    /// Replace account ids and IP addresses by consistent pseudonyms, to
    /// share the picture.
    #[arg(long)]
    pub redact: bool,
}

impl DiagramArgs {
    pub(super) fn into_invocation(self) -> Result<Invocation, clap::Error> {
        let usage = |msg: String| Cli::command().error(ErrorKind::ArgumentConflict, msg);
        let from_path = self
            .output
            .as_deref()
            .filter(|p| *p != std::path::Path::new("-"))
            .map(|p| (p, DiagramFormat::from_path(p)));
        let format = match (self.format, from_path) {
            (Some(f), Some((p, Some(g)))) if f != g => {
                return Err(usage(format!(
                    "--format {} conflicts with the extension of -o {}",
                    f.as_str(),
                    p.display()
                )))
            }
            (Some(f), _) => f,
            (None, Some((_, Some(g)))) => g,
            (None, Some((p, None))) => {
                return Err(Cli::command().error(
                    ErrorKind::InvalidValue,
                    format!(
                        "-o {}: cannot tell the format from the extension; use .dot, .gv, .svg or .png, or --format",
                        p.display()
                    ),
                ))
            }
            (None, None) => DiagramFormat::Dot,
        };
        Ok(Invocation::Diagram(DiagramOptions {
            path: self.path,
            queries_dir: self.queries,
            filters: Filters {
                domain_ids: self.domain_id,
                query_ids: self.query,
            },
            output: self.output,
            format,
            engine: EngineOptions {
                ephemeral_ports: self.engine.ephemeral_ports,
                ip_ranges: self.engine.ip_ranges,
            },
            verbose: self.verbose,
            redact: self.redact,
        }))
    }
}
