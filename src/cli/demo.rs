//! `hoithi demo seed`: a generated province, clearly fake, for load tests and demonstrations.

use std::process::ExitCode;
use std::time::Instant;

use crate::app::{self, DatabaseArgs};
use crate::domain::context::Context;
use crate::rankings::Rankings;
use crate::storage::unix_ms;

#[derive(clap::Subcommand)]
pub enum DemoCmd {
    /// Fill the database with a generated province (clearly fake: codes DEMO…, «Trường Demo …»).
    Seed(SeedArgs),
}

#[derive(clap::Args)]
pub struct SeedArgs {
    /// Schools to generate, spread over the 102 communes and wards.
    #[arg(long, default_value_t = 1400)]
    schools: usize,
    /// Students to generate, spread over the schools' classes.
    #[arg(long, default_value_t = 700_000)]
    students: usize,
    /// Also record results of a simulated round under this context (e.g. dot-1).
    #[arg(long)]
    results: Option<Context>,
    /// Share of students taking part in that round, from 0 to 1.
    #[arg(long, default_value_t = 0.6, value_parser = share)]
    share: f64,
    /// Leave out the activities: the demo schools' live games (and, with --results, the
    /// contest round's attempts), which the reports and the dashboard count.
    #[arg(long)]
    no_activities: bool,
    /// Seed of the generator: the same seed gives the same province.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    database: DatabaseArgs,
    /// Redis for the boards of the results (the server's REDIS_URL); without it the results
    /// are stored and a server builds its boards when it starts.
    #[arg(long, env = "REDIS_URL")]
    redis_url: Option<String>,
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{text} is not a share from 0 to 1 (e.g. 0.6)")),
    }
}

pub async fn run(cmd: DemoCmd) -> anyhow::Result<ExitCode> {
    let DemoCmd::Seed(args) = cmd;
    let store = args.database.open().await?;
    store.seed_communes().await?;
    let communes: Vec<String> = store
        .communes()
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let started = Instant::now();
    let province = crate::demo::province(&communes, args.schools, args.students, args.seed);
    store.upsert_schools(&province.schools).await?;
    let total = province.students.len();
    for (i, chunk) in province.students.chunks(50_000).enumerate() {
        store.upsert_students(chunk).await?;
        // A progress line per 50,000 students: a big roster takes a while.
        eprintln!("students: {}/{total}", ((i + 1) * 50_000).min(total));
    }
    println!(
        "{} schools and {total} students in {:.1} s",
        province.schools.len(),
        started.elapsed().as_secs_f64()
    );
    if !args.no_activities {
        let games = crate::demo::games(&province.schools, args.seed + 2, unix_ms());
        let started = Instant::now();
        let n = store.seed_demo_games(&games).await?;
        println!(
            "{n} live games of the demo schools stored in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let Some(context) = args.results else {
        return Ok(ExitCode::SUCCESS);
    };
    anyhow::ensure!(
        context.game().is_none(),
        "results go under a round's context (e.g. dot-1), not a live game's"
    );
    let rows = crate::demo::results(&province.students, args.share, args.seed + 1, unix_ms());
    let started = Instant::now();
    store.upsert_results(&context.to_string(), &rows).await?;
    println!(
        "{} results of {context} stored in {:.1} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    if !args.no_activities {
        let attempts = crate::demo::attempts(&province.students, &rows);
        let started = Instant::now();
        let n = store
            .seed_demo_round(&context.to_string(), &attempts)
            .await?;
        println!(
            "{n} attempts of the demo round {context} stored in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(url) = &args.redis_url {
        let rankings = Rankings::new(store, app::leaderboards(Some(url)).await?);
        let started = Instant::now();
        rankings.rebuild(&context).await?;
        println!(
            "boards of {context} built in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
