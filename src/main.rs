//! The `hoithi` command: set up logging, parse the command line, run (see `hoithi::cli`).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use hoithi::cli::{self, Cli};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HOITHI_LOG")
                .unwrap_or_else(|_| "hoithi=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in a log file or a journal.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    cli::run(Cli::parse())
}
