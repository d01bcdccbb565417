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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use clap::CommandFactory;

    /// The settings docs/deploy's files give the server (the systemd environment file and
    /// unit, the compose file, the image). A flag renamed in the code would leave such a
    /// setting silently ignored on the province's machines: the compose file was never run
    /// here (no container engine on this machine), so this is what holds it to the code.
    const DEPLOY_FILES: [(&str, &str); 4] = [
        ("hoithi.env", include_str!("../../docs/deploy/hoithi.env")),
        (
            "hoithi.service",
            include_str!("../../docs/deploy/hoithi.service"),
        ),
        ("Dockerfile", include_str!("../../docs/deploy/Dockerfile")),
        (
            "compose/docker-compose.yml",
            include_str!("../../docs/deploy/compose/docker-compose.yml"),
        ),
    ];

    /// Every `HOITHI_…`, `DATABASE_URL` and `REDIS_URL` named in `text`.
    fn settings_named(text: &str) -> BTreeSet<String> {
        let is_name = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_';
        text.split(|c: char| !is_name(c))
            .filter(|w| w.starts_with("HOITHI_") || *w == "DATABASE_URL" || *w == "REDIS_URL")
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_setting_the_deploy_files_give_is_one_the_server_reads() {
        let cli = super::Cli::command();
        let serve = cli.find_subcommand("serve").expect("a serve command");
        let mut read: BTreeSet<String> = serve
            .get_arguments()
            .filter_map(|a| a.get_env())
            .map(|e| e.to_string_lossy().into_owned())
            .collect();
        // Read by main.rs for the log filter, not a flag.
        read.insert("HOITHI_LOG".to_owned());
        assert!(read.contains("HOITHI_TRUSTED_PROXIES"), "{read:?}");
        let mut given = 0;
        for (file, text) in DEPLOY_FILES {
            let named = settings_named(text);
            given += named.len();
            let unknown: Vec<_> = named.difference(&read).collect();
            assert!(
                unknown.is_empty(),
                "docs/deploy/{file} sets {unknown:?}, which `hoithi serve` does not read"
            );
        }
        assert!(
            given >= 15,
            "the files name the settings they give ({given})"
        );
    }

    #[test]
    fn a_setting_the_server_does_not_read_is_caught() {
        assert_eq!(
            settings_named("HOITHI_PORT=8080\nREDIS_URL=x HOITHI_NO_SUCH_FLAG: 1"),
            ["HOITHI_NO_SUCH_FLAG", "HOITHI_PORT", "REDIS_URL"]
                .map(str::to_owned)
                .into()
        );
    }
}
