//! The `hoithi` command line: every command, its own flags and what it prints, in one place.
//! `main.rs` sets up logging and calls [`run`]. Each command takes only the flags it uses
//! (the database's for the tools, the server's for `serve`), each described in `--help`.

mod admin;
mod audit;
pub mod bank;
mod demo;
mod leaderboard;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::{self, Config};

#[derive(Parser)]
#[command(
    name = "hoithi",
    version,
    about = "Quiz and competition engine for schools (Bình dân học vụ số)",
    // `hoithi --port 9000` serves, as `hoithi serve --port 9000` does.
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    /// The server's settings when no command is given (as `serve`).
    #[command(flatten)]
    serve: Config,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server (the default).
    Serve(Box<Config>),
    /// Work with question banks.
    #[command(subcommand)]
    Bank(bank::BankCmd),
    /// Leaderboards: rebuild them from the database.
    #[command(subcommand)]
    Leaderboard(leaderboard::LeaderboardCmd),
    /// Demo data for load tests and demonstrations.
    #[command(subcommand)]
    Demo(demo::DemoCmd),
    /// Accounts, from the server's own machine (never over the network).
    #[command(subcommand)]
    Admin(admin::AdminCmd),
    /// The contest's audit log: check it and the database against it.
    #[command(subcommand)]
    Audit(audit::AuditCmd),
}

/// Runs the command `cli` names.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        None => finish(block_on(app::serve(cli.serve)).map(|()| ExitCode::SUCCESS)),
        Some(Cmd::Serve(config)) => {
            finish(block_on(app::serve(*config)).map(|()| ExitCode::SUCCESS))
        }
        Some(Cmd::Bank(cmd)) => bank::run(cmd),
        Some(Cmd::Leaderboard(cmd)) => finish(block_on(leaderboard::run(cmd))),
        Some(Cmd::Demo(cmd)) => finish(block_on(demo::run(cmd))),
        Some(Cmd::Admin(cmd)) => finish(block_on(admin::run(cmd))),
        Some(Cmd::Audit(cmd)) => finish(block_on(audit::run(cmd))),
    }
}

/// Reports an error the way every `hoithi` command does.
fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("hoithi: {e:#}");
        ExitCode::FAILURE
    })
}

fn block_on<T>(future: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(future)
}
