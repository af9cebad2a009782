//! `explain` arguments (clap derive only).

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::Args;

use super::{color_parser, PATH_HELP};
use crate::app::{ColorChoice, ExplainFormat, ExplainOptions, Invocation};

fn explain_format_parser() -> impl TypedValueParser<Value = ExplainFormat> {
    PossibleValuesParser::new(["table", "json", "markdown"]).map(|s| match s.as_str() {
        "json" => ExplainFormat::Json,
        "markdown" => ExplainFormat::Markdown,
        _ => ExplainFormat::Table,
    })
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[arg(help = PATH_HELP)]
    pub path: PathBuf,
    /// Explain only this domain (repeat, or separate ids with commas).
    #[arg(long = "domain-id", value_name = "D", value_delimiter = ',')]
    pub domain_id: Vec<String>,
    /// Output format: table (people), json (scripts), markdown (tickets).
    #[arg(long, default_value = "table", value_parser = explain_format_parser())]
    pub format: ExplainFormat,
    /// Colour the statuses (auto: when stdout is a terminal and NO_COLOR is unset).
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = color_parser())]
    pub color: ColorChoice,
    /// Also print notes (skipped input files, assumptions) on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

impl ExplainArgs {
    pub(super) fn into_invocation(self) -> Invocation {
        Invocation::Explain(ExplainOptions {
            path: self.path,
            domain_ids: self.domain_id,
            format: self.format,
            color: self.color,
            verbose: self.verbose,
        })
    }
}
