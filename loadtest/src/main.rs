//! `loadtest`: simulated players (or ranking viewers, a live game under siege, or a round of
//! the online contest) against a running hoithi server, spread over worker processes, with
//! what it measured printed as a table and, on request, written as JSON and drawn as SVG.
//! See docs/performance.md, "How to measure".
//!
//! ```text
//! cargo run --release -p hoithi-loadtest -- --url http://127.0.0.1:8080 \
//!     --admin-password PASSWORD --players 1000 --questions 5
//! ```

mod answer;
mod attack;
mod bell;
mod bomb_files;
mod cli;
mod clock;
mod contest;
mod coordinator;
mod fleet;
mod histogram;
mod host;
mod live;
mod player;
mod plot;
mod procfs;
mod progress;
mod recorder;
mod report;
mod setup;
mod siege;
mod viewer;
mod viewers;
mod wire;
mod worker;

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use cli::{Args, Command, Scenario};

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let outcome = match args.command {
        Some(Command::Worker) => worker::run().await.map(|()| true),
        None => coordinate(&args).await,
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("loadtest: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs the scenario; `Ok(false)` when it ran but was cut short, clients could not join, or
/// (`contest`) something was lost.
async fn coordinate(args: &Args) -> anyhow::Result<bool> {
    let run = async {
        match args.scenario {
            Scenario::Live => live::run(args).await,
            Scenario::Viewers => viewers::run(args).await,
            Scenario::Siege => siege::run(args).await,
            Scenario::Contest => contest::run(args).await,
            Scenario::Bell => bell::run(args).await,
        }
    };
    // A last resort beyond the run's own deadline: whatever hangs, the tool ends.
    let report = tokio::time::timeout(args.timeout + std::time::Duration::from_secs(60), run)
        .await
        .context("the run did not end within --timeout and a minute")??;
    print!("{}", report::table(&report));
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("figures written to {}", path.display());
    }
    if let Some(path) = &args.plot {
        std::fs::write(path, plot::svg(&report))
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("plot written to {}", path.display());
    }
    let nothing_lost = report.contest.as_ref().is_none_or(|c| c.nothing_lost);
    Ok(report.completed && report.join_failed == 0 && nothing_lost)
}
