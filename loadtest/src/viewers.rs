//! The `viewers` scenario: N viewers in worker processes `watch` one ranking board over the
//! WebSocket while the coordinator posts results through
//! `POST /api/rankings/{context}/results`, a batch every `--post-every` for `--duration`.
//! Each batch sets a marker student's score to name the batch (see `viewer.rs`), so delivery
//! latency runs from the coordinator's wall clock just before the POST to each viewer's first
//! sight of that batch. The server sends a board at most twice a second, so this latency
//! includes up to 500 ms of coalescing by design.

use std::collections::BTreeMap;
use std::time::Duration;

use rand::Rng;
use serde_json::{json, Value};
use tokio::time::{Instant, MissedTickBehavior};

use hoithi_loadtest::http::request;

use crate::cli::Args;
use crate::clock::now_us;
use crate::coordinator::Run;
use crate::histogram::Hist;
use crate::report::{merge, Report};
use crate::setup;
use crate::viewer::MARK_SCORE;
use crate::wire::Role;

pub const REFERENCE: &str = "the coordinator's wall clock just before it posts the batch of results; the server coalesces board updates to at most two a second";

pub async fn run(args: &Args) -> anyhow::Result<Report> {
    let mut run = Run::begin(args, "viewers", "watching")?;
    run.report.delivery_reference = REFERENCE;
    let cookie = setup::organizer(run.server, args).await?;
    setup::roster(run.server, &cookie, args.students.max(1)).await?;
    eprintln!(
        "{} viewers of {}/{} in {} process(es); results for {} students",
        args.viewers,
        args.context,
        args.scope,
        args.procs(),
        args.students
    );
    let role = Role::Viewers {
        context: args.context.clone(),
        scope: args.scope.clone(),
        limit: 10,
    };
    let mut fleet = run.spawn(args, role).await?;
    let mut marks = BTreeMap::new();
    let mut post = Hist::default();
    if !run.seated(&fleet).await {
        run.cut_short("the viewers were not all watching before the timeout");
    } else {
        run.status.set("posting results");
        let path = format!("/api/rankings/{}/results", args.context);
        let mut tick = tokio::time::interval(args.post_every.max(Duration::from_millis(1)));
        tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let until = (Instant::now() + args.duration).min(run.deadline);
        let mut batch = 0u64;
        while Instant::now() < until {
            tick.tick().await;
            let body = results(batch, args.batch.max(1), args.students.max(1));
            let at = now_us();
            marks.insert(batch, at);
            fleet.mark(batch, at).await;
            match request(run.server, "POST", &path, Some(&cookie), Some(&body)).await {
                Ok(resp) if resp.status == 200 => {
                    post.record(now_us().saturating_sub(at));
                    run.report.results_posted += body.as_array().map_or(0, |a| a.len() as u64);
                }
                Ok(resp) => {
                    *run.report
                        .errors
                        .entry(format!("post: HTTP {}", resp.status))
                        .or_default() += 1;
                }
                Err(e) => {
                    *run.report
                        .errors
                        .entry(format!("post: {:?}", e.kind()))
                        .or_default() += 1;
                }
            }
            batch += 1;
        }
        run.status.set("waiting for the last board updates");
        // Boards go out at most twice a second: the last batch is visible within a second.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    let workers = fleet.reports(Duration::ZERO, Duration::from_secs(8)).await;
    let procs = args.procs();
    if workers.len() < procs {
        run.cut_short(format!(
            "{} of {procs} worker(s) sent no report",
            procs - workers.len()
        ));
    }
    run.report.post = post.summary();
    let epoch = run.epoch_us;
    merge(&mut run.report, &workers, &marks, epoch);
    Ok(run.end())
}

/// A batch: the marker on top with a score naming the batch, and random students.
fn results(batch: u64, size: usize, students: usize) -> Value {
    let mut rng = rand::rng();
    let mut rows = vec![
        json!({"student": setup::MARKER, "score": MARK_SCORE + batch as i64, "time_ms": 1000}),
    ];
    for _ in 1..size {
        rows.push(json!({
            "student": setup::student(rng.random_range(0..students)),
            "score": rng.random_range(0..10_000),
            "time_ms": rng.random_range(10_000..600_000),
        }));
    }
    Value::Array(rows)
}
