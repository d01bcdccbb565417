//! The `hoithi` command: the server and the tools around it. Thin: parse, set up logging, run.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hoithi::app::{self, tools, Config};
use hoithi::banks;

#[derive(Parser)]
#[command(
    name = "hoithi",
    version,
    about = "Quiz and competition engine for schools (Bình dân học vụ số)",
    // `hoithi --port 9000` serves, as `hoithi serve --port 9000` does.
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    /// The server's settings when no command is given (as `serve`).
    #[command(flatten)]
    serve: Config,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server (the default).
    Serve(Config),
    /// Work with question banks.
    #[command(subcommand)]
    Bank(BankCmd),
    /// Leaderboards: rebuild them from the database.
    #[command(subcommand)]
    Leaderboard(LeaderboardCmd),
    /// Demo data for load tests and demonstrations.
    #[command(subcommand)]
    Demo(DemoCmd),
}

#[derive(Subcommand)]
enum LeaderboardCmd {
    /// Recompute every board of CONTEXTS (default: every context with results).
    Rebuild {
        contexts: Vec<String>,
        #[command(flatten)]
        config: Config,
    },
}

#[derive(Subcommand)]
enum DemoCmd {
    /// Fill the database with a generated province (clearly fake: codes DEMO…, «Trường Demo …»).
    Seed {
        #[arg(long, default_value_t = 1400)]
        schools: usize,
        #[arg(long, default_value_t = 700_000)]
        students: usize,
        /// Also record results of a simulated round under this context.
        #[arg(long)]
        results: Option<String>,
        /// Share of students taking part in that round.
        #[arg(long, default_value_t = 0.6)]
        share: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        config: Config,
    },
}

#[derive(Subcommand)]
enum BankCmd {
    /// Check every bank file in PATH (default: question-banks/) and report each problem.
    Check { path: Option<PathBuf> },
    /// Import a spreadsheet (.xlsx or .csv) as a bank file, reporting every rejected row.
    Import(banks::cli::ImportArgs),
    /// Export a bank as a spreadsheet in hoithi's template layout.
    Export(banks::cli::ExportArgs),
    /// Count questions per level, topic and kind, as Markdown tables.
    Stats(banks::cli::StatsArgs),
    /// Write the spreadsheet templates (default: question-banks/templates/).
    Template(banks::cli::TemplateArgs),
}

fn main() -> ExitCode {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HOITHI_LOG")
                .unwrap_or_else(|_| "hoithi=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in a log file or a journal.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => run_server(cli.serve),
        Some(Cmd::Serve(config)) => run_server(config),
        Some(Cmd::Bank(BankCmd::Check { path })) => return bank_check(path),
        Some(Cmd::Bank(BankCmd::Import(args))) => return banks::cli::import(args),
        Some(Cmd::Bank(BankCmd::Export(args))) => return banks::cli::export(args),
        Some(Cmd::Bank(BankCmd::Stats(args))) => return banks::cli::stats(args),
        Some(Cmd::Bank(BankCmd::Template(args))) => return banks::cli::write_templates(args),
        Some(Cmd::Leaderboard(LeaderboardCmd::Rebuild { contexts, config })) => {
            block_on(tools::rebuild(config, contexts))
        }
        Some(Cmd::Demo(DemoCmd::Seed {
            schools,
            students,
            results,
            share,
            seed,
            config,
        })) => block_on(tools::demo_seed(
            config, schools, students, results, share, seed,
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hoithi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_server(config: Config) -> anyhow::Result<()> {
    block_on(app::serve(config))
}

fn block_on<F: std::future::Future<Output = anyhow::Result<()>>>(f: F) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(f)
}

fn bank_check(path: Option<PathBuf>) -> ExitCode {
    let dir = path.unwrap_or_else(|| banks::default_dir().to_path_buf());
    match banks::load(&banks::Source::Dir(dir.clone())) {
        Err(e) => {
            eprintln!("hoithi: {e:#}");
            ExitCode::FAILURE
        }
        Ok((banks, issues)) => {
            for issue in &issues {
                println!("{issue}");
            }
            let questions: usize = banks.iter().map(|(_, b)| b.questions.len()).sum();
            if issues.is_empty() {
                // Where the keys sit: a warning, not a failure (a teacher's small bank may
                // lean one way by chance; the bundled banks are held to none by a test).
                let (balance, warnings) = hoithi::domain::key_balance::report(&banks);
                print!("{balance}");
                println!(
                    "{} banks, {questions} questions in {}: no problems{}",
                    banks.len(),
                    dir.display(),
                    match warnings {
                        0 => String::new(),
                        1 => ", 1 warning".into(),
                        n => format!(", {n} warnings"),
                    }
                );
                ExitCode::SUCCESS
            } else {
                println!("{} problems in {}", issues.len(), dir.display());
                ExitCode::FAILURE
            }
        }
    }
}
