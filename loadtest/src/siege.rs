//! The `siege` scenario (issue 15's «done when»): the live game of `live`, 200 players by
//! default, while attackers hit the same server for the whole game — watcher floods, bursts
//! of sign-ins with unknown names, and, when asked, spreadsheet bombs and slowloris
//! connections ([`crate::attack`]). The game is measured as `live` measures it; the report
//! adds what the server answered each attack.
//!
//! Order: the organizer's setup (a round with results, so real boards exist; the bombs'
//! school), the game opened and its host screen attached, then the attackers' worker starts
//! and, once its first wave is out and `--siege-lead` has passed, the players join. When the
//! podium is shown the attackers are told to stop; every attacker also stops by itself at
//! `--timeout`.

use std::time::Duration;

use tokio::time::Instant;

use crate::attack::bursts::meets;
use crate::attack::{Plan, SiegeFigures};
use crate::bomb_files::ROSTER_SCHOOL;
use crate::cli::Args;
use crate::coordinator::Run;
use crate::fleet::Fleet;
use crate::histogram::Hist;
use crate::live::{self, Rooms};
use crate::report::Report;
use crate::setup;
use crate::wire::{Role, WorkerConfig, WorkerReport, BUCKET_US};

pub async fn run(args: &Args) -> anyhow::Result<Report> {
    let mut run = Run::begin(args, "siege", "joined")?;
    let cookie = setup::organizer(run.server, args).await?;
    run.status.set("setting up the round the watchers watch");
    let commune = setup::roster(run.server, &cookie, args.students.max(1)).await?;
    setup::results(run.server, &cookie, &args.context, args.students).await?;
    if !args.bombs.is_empty() {
        setup::school(run.server, &cookie, ROSTER_SCHOOL, &commune, 100_000).await?;
    }
    let rooms = Rooms::open(&mut run, args, &cookie).await?;

    let plan = Plan {
        watchers: args.watchers,
        made_up: args.made_up_watchers(),
        context: args.context.clone(),
        scopes: setup::boards(&commune),
        sign_ins: args.sign_ins,
        bombs_cookie: (!args.bombs.is_empty()).then(|| cookie.clone()),
        bombs: args.bombs.clone(),
        slow_connections: args.slow_connections,
        wave_every_ms: args.wave_every.as_millis() as u64,
        connect_concurrency: args.connect_concurrency,
    };
    eprintln!(
        "siege: {} watcher connections ({} on made-up boards), {} sign-ins a wave, bombs {}, \
         {} slow connections; a wave as each question opens and after {:?} without one",
        plan.watchers,
        plan.made_up,
        plan.sign_ins,
        if args.bombs.is_empty() {
            "off".to_owned()
        } else {
            format!("{:?}", args.bombs)
        },
        plan.slow_connections,
        args.wave_every
    );
    run.sample_memory();
    let mut attackers = Fleet::spawn(vec![WorkerConfig {
        index: 0,
        server: run.server,
        servers: Vec::new(),
        sources: Vec::new(),
        first: 0,
        clients: 0,
        connect_concurrency: args.connect_concurrency,
        epoch_us: run.epoch_us,
        deadline_us: run.epoch_us + args.timeout.as_micros() as u64,
        role: Role::Attackers { plan },
    }])
    .await?;
    run.status.set("the first wave of the siege");
    while !attackers.all_joined() && Instant::now() < run.deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(args.siege_lead).await;

    let mut players = run.spawn(args, rooms.role(args)).await?;
    let played = live::play(&mut run, args, &mut players, rooms, Some(&mut attackers)).await;
    // The game is over (or cut short): the attackers stop now, the players end by themselves.
    let (workers, reports) = tokio::join!(
        live::gather(&mut run, args, players, played),
        attackers.reports(Duration::ZERO, Duration::from_secs(10))
    );
    match reports.into_iter().find_map(|r| r.siege) {
        Some(mut figures) => {
            overlay(&mut figures, &workers, run.epoch_us);
            run.report.siege = Some(figures);
        }
        None => run.cut_short("the attackers' worker sent no report"),
    }
    let mut report = run.end();
    // The attackers' connections are in the server's memory too: a figure per player would
    // mean nothing here.
    report.server.per_client_kb = None;
    Ok(report)
}

/// Lays the game over the attack's bursts: when the players joined, and the
/// acknowledgements of the 100 ms buckets that met a burst.
fn overlay(figures: &mut SiegeFigures, workers: &[WorkerReport], epoch_us: u64) {
    let s = |us: u64| us.saturating_sub(epoch_us) as f64 / 1e6;
    let joined: Vec<&WorkerReport> = workers.iter().filter(|w| w.join_first_us > 0).collect();
    if !joined.is_empty() {
        let first = joined.iter().map(|w| w.join_first_us).min().unwrap_or(0);
        let last = joined.iter().map(|w| w.join_last_us).max().unwrap_or(0);
        figures.joins_s = Some((s(first), s(last)));
    }
    let bucket_s = BUCKET_US as f64 / 1e6;
    let mut in_bursts = Hist::new(2);
    for w in workers {
        for (&bucket, samples) in &w.ack_series {
            let from = bucket as f64 * bucket_s;
            if meets(&figures.bursts, from, from + bucket_s) {
                in_bursts.merge(samples);
            }
        }
    }
    figures.acks_in_bursts = in_bursts.summary();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attack::bursts::Burst;

    #[test]
    fn acknowledgements_count_in_bursts_only_in_the_buckets_that_meet_one() {
        let mut figures = SiegeFigures {
            bursts: vec![Burst {
                wave: 1,
                start_s: 1.05,
                end_s: 1.25,
            }],
            ..SiegeFigures::default()
        };
        let worker = WorkerReport {
            join_first_us: 1_000_000 + 900_000,
            join_last_us: 1_000_000 + 1_100_000,
            // Buckets 10, 12 meet the burst; 9 and 13 do not.
            ack_series: [(9, 1_000), (10, 2_000), (12, 3_000), (13, 400_000)]
                .into_iter()
                .map(|(bucket, us)| (bucket, vec![(us, 1)]))
                .collect(),
            ..WorkerReport::default()
        };
        overlay(&mut figures, &[worker], 1_000_000);
        assert_eq!(figures.joins_s, Some((0.9, 1.1)));
        assert_eq!(figures.acks_in_bursts.count, 2);
        assert!((figures.acks_in_bursts.max_ms - 3.0).abs() < 0.1);
    }
}
