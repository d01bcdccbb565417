//! A worker process (`loadtest worker`, started by the coordinator): reads its share of the
//! clients on stdin, runs them, and reports on stdout, one JSON line at a time. It stops when
//! its clients are done, when told to, when stdin closes (the coordinator is gone) or at its
//! deadline, whichever comes first: nothing outlives a run.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout, Instant};

use crate::attack;
use crate::clock::{now_us, stopped};
use crate::contest;
use crate::contest::figures::Tallies;
use crate::player::{play, Game};
use crate::recorder::Recorder;
use crate::viewer::{watch_board, Board};
use crate::wire::{FromWorker, Progress, Role, ToWorker, WorkerConfig, WorkerReport};

pub async fn run() -> anyhow::Result<()> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let first = lines
        .next_line()
        .await?
        .context("a worker reads its share on stdin; it is started by the coordinator")?;
    let config: WorkerConfig = serde_json::from_str(&first).context("the worker's share")?;
    let rec = Arc::new(Recorder::new(config.epoch_us));
    // Marks arrive while clients run; a std mutex, never held across an await.
    let marks = Arc::new(Mutex::new(BTreeMap::<u64, u64>::new()));
    let (stop_tx, stop) = watch::channel(false);
    let stop_tx = Arc::new(stop_tx);

    // How many marks have come: the siege's attackers send a wave when a question opens.
    let (opened_tx, opened) = watch::channel(0usize);
    let (m, s) = (marks.clone(), stop_tx.clone());
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            match serde_json::from_str(&line) {
                Ok(ToWorker::Mark { id, at_us }) => {
                    m.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(id, at_us);
                    opened_tx.send_modify(|n| *n += 1);
                }
                Ok(ToWorker::Stop) => break,
                Err(_) => {}
            }
        }
        let _ = s.send(true);
    });

    if let Role::Attackers { plan } = &config.role {
        let deadline =
            Instant::now() + Duration::from_micros(config.deadline_us.saturating_sub(now_us()));
        let ready = || {
            emit(&FromWorker::Progress(Progress {
                join_done: true,
                ..Progress::default()
            }))
        };
        let figures = attack::run(
            config.server,
            plan.clone(),
            attack::Clock {
                epoch_us: config.epoch_us,
                deadline,
                opened,
            },
            stop,
            ready,
        )
        .await;
        emit(&FromWorker::Report(Box::new(WorkerReport {
            index: config.index,
            progress: Progress {
                join_done: true,
                ..Progress::default()
            },
            siege: Some(figures),
            ..WorkerReport::default()
        })));
        return Ok(());
    }

    let (r, clients) = (rec.clone(), config.clients);
    let reporter = tokio::spawn(async move {
        loop {
            emit(&FromWorker::Progress(r.progress(clients)));
            sleep(Duration::from_millis(200)).await;
        }
    });

    let gate = Arc::new(Semaphore::new(config.connect_concurrency.max(1)));
    let tallies = Arc::new(Tallies::default());
    let source = |k: usize| {
        let global = config.first + k;
        (!config.sources.is_empty()).then(|| config.sources[global % config.sources.len()])
    };
    let mut set = JoinSet::new();
    match &config.role {
        Role::Players {
            pins,
            keys,
            schools,
            behaviour,
        } => {
            let servers = if config.servers.is_empty() {
                vec![config.server]
            } else {
                config.servers.clone()
            };
            let game = Arc::new(Game {
                servers,
                pins: pins.clone(),
                keys: keys.clone(),
                schools: schools.clone(),
                behaviour: *behaviour,
                rec: rec.clone(),
                gate,
            });
            for k in 0..config.clients {
                set.spawn(play(
                    game.clone(),
                    config.first + k,
                    source(k),
                    stop.clone(),
                ));
            }
        }
        Role::Viewers {
            context,
            scope,
            limit,
        } => {
            let board = Arc::new(Board {
                server: config.server,
                context: context.clone(),
                scope: scope.clone(),
                limit: *limit,
                rec: rec.clone(),
                gate,
            });
            for k in 0..config.clients {
                set.spawn(watch_board(board.clone(), source(k), stop.clone()));
            }
        }
        Role::Contestants { plan, cards } => {
            let round = Arc::new(contest::pupil::Round {
                server: config.server,
                plan: plan.clone(),
                rec: rec.clone(),
                tallies: tallies.clone(),
            });
            for card in cards {
                // A school's pupils come from its address.
                let source = (!config.sources.is_empty())
                    .then(|| config.sources[card.school_index % config.sources.len()]);
                set.spawn(contest::pupil::take_part(
                    round.clone(),
                    card.clone(),
                    source,
                    stop.clone(),
                ));
            }
        }
        // Its own loop, above.
        Role::Attackers { .. } => {}
    }

    let deadline =
        Instant::now() + Duration::from_micros(config.deadline_us.saturating_sub(now_us()));
    let mut told = stop.clone();
    tokio::select! {
        _ = async { while set.join_next().await.is_some() {} } => {}
        _ = stopped(&mut told) => {}
        _ = tokio::time::sleep_until(deadline) => {}
    }
    let _ = stop_tx.send(true);
    let _ = timeout(Duration::from_secs(2), async {
        while set.join_next().await.is_some() {}
    })
    .await;
    set.abort_all();

    // The reference time of an event reaches us a moment after the event itself may have.
    for _ in 0..50 {
        let missing = rec.unmarked(&marks.lock().unwrap_or_else(|p| p.into_inner()));
        if missing == 0 {
            break;
        }
        sleep(Duration::from_millis(100)).await;
    }
    reporter.abort();
    let marks = marks.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let mut report = rec.report(config.index, config.clients, &marks);
    if matches!(config.role, Role::Contestants { .. }) {
        report.contest = Some(tallies.wire());
    }
    emit(&FromWorker::Report(Box::new(report)));
    Ok(())
}

/// One line on stdout, whole: lines from several tasks must not interleave.
fn emit(msg: &FromWorker) {
    let Ok(line) = serde_json::to_string(msg) else {
        return;
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
