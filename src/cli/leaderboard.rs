//! `hoithi leaderboard rebuild`: every board of some contexts, from the database into Redis.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;

use crate::app::{self, DatabaseArgs};
use crate::domain::context::Context;
use crate::rankings::Rankings;

#[derive(clap::Subcommand)]
pub enum LeaderboardCmd {
    /// Recompute every board of CONTEXTS (default: every context with results) in Redis.
    Rebuild {
        /// Contexts to rebuild: `dot-1`, `game-17`…
        contexts: Vec<String>,
        #[command(flatten)]
        database: DatabaseArgs,
        /// The Redis that holds the boards (the server's REDIS_URL). Required: boards kept in
        /// this process would vanish when the command ends; a server without Redis rebuilds
        /// its own boards when it starts.
        #[arg(long, env = "REDIS_URL", required = true)]
        redis_url: String,
    },
}

pub async fn run(cmd: LeaderboardCmd) -> anyhow::Result<ExitCode> {
    let LeaderboardCmd::Rebuild {
        contexts,
        database,
        redis_url,
    } = cmd;
    let store = database.open().await?;
    store.seed_communes().await?;
    let rankings = Rankings::new(store, app::leaderboards(Some(&redis_url)).await?);
    let names = if contexts.is_empty() {
        rankings.store().result_contexts().await?
    } else {
        contexts
    };
    for name in names {
        let context: Context = name
            .parse()
            .with_context(|| format!("{name:?} is not a ranking context"))?;
        let started = Instant::now();
        let n = rankings
            .rebuild(&context)
            .await
            .with_context(|| format!("Failed to rebuild {context}"))?;
        println!(
            "{context}: {n} results, every board rebuilt in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
