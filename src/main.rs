//! `sagescope`: parse the command line, run, exit 0 (clean), 1 (findings)
//! or 2 (usage, input or internal error).

use std::process::ExitCode;

fn main() -> ExitCode {
    let invocation = sagescope::cli::parse();
    sagescope::app::run(&invocation)
}
