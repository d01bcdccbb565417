//! The siege's attackers, in a worker process of their own (so that their work never delays
//! the host screen's commands, from which fan-out is measured): watcher connections, sign-ins
//! with unknown names, spreadsheet bombs (opt-in) and slowloris connections (opt-in).
//!
//! They come in waves: the first just before the players join, one as each question opens
//! (the coordinator's mark for it reaches this worker too), and one whenever `--wave-every`
//! passes without another, until the game ends. Each wave sends every watcher connection's
//! eight watches again and, when the last wave's are done, a fresh burst of sign-ins and the
//! bombs again: never more than the 1,000 watchers and 200 sign-ins in flight. Slow
//! connections are held all along. Everything stops when the coordinator
//! says so (the end of the game), when it is gone, or at the run's deadline.

pub mod bursts;
pub mod sources;
pub mod table;
pub mod tally;
pub mod uploads;

mod sign_ins;
mod slowloris;
mod watchers;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::bomb_files;
use crate::clock::stopped;
use crate::histogram::Summary;
use bursts::{Burst, Bursts};
use tally::{AttackFigures, Tally};
use uploads::{Upload, Uploads};
use watchers::Watchers;

/// What the attackers are to do, as the coordinator hands it to their worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub watchers: usize,
    /// Watcher connections that ask for boards nobody has; the others watch real boards.
    pub made_up: usize,
    /// The real round: its context and eight boards of it.
    pub context: String,
    pub scopes: Vec<String>,
    /// Sign-ins sent at once in each wave.
    pub sign_ins: usize,
    /// The organizer's session cookie when bombs are to be uploaded; none: no bombs.
    pub bombs_cookie: Option<String>,
    pub bombs: Vec<bomb_files::Kind>,
    pub slow_connections: usize,
    pub wave_every_ms: u64,
    /// Watcher connections being opened at once.
    pub connect_concurrency: usize,
}

/// What the server answered each attack.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SiegeFigures {
    pub waves: u64,
    pub wave_every_s: f64,
    /// Each wave's burst (seconds from the start of the run).
    pub bursts: Vec<Burst>,
    /// The players' joins, first connect to last welcome (seconds from the start of the run;
    /// filled in by the coordinator).
    pub joins_s: Option<(f64, f64)>,
    /// Acknowledgements in the 100 ms buckets that meet a burst (filled in by the
    /// coordinator).
    pub acks_in_bursts: Summary,
    pub watchers: AttackFigures,
    pub sign_ins: AttackFigures,
    /// Present when `--bombs` was given.
    pub bombs: Option<AttackFigures>,
    pub uploads: Vec<Upload>,
    /// Present when `--slow-connections` was given.
    pub slow_connections: Option<AttackFigures>,
}

/// The run's clock as the attackers see it.
pub struct Clock {
    /// The start of the run (wall-clock µs): bursts are reported from it.
    pub epoch_us: u64,
    /// Everything stops by then.
    pub deadline: Instant,
    /// Counts the questions opened so far (the coordinator's marks).
    pub opened: watch::Receiver<usize>,
}

/// Runs the plan until `stop` or the deadline; `ready` is called once the bombs are written
/// and the first wave is sent, which is when the coordinator lets the players in.
pub async fn run(
    server: SocketAddr,
    plan: Plan,
    clock: Clock,
    stop: watch::Receiver<bool>,
    ready: impl FnOnce(),
) -> SiegeFigures {
    let Clock {
        epoch_us,
        deadline,
        mut opened,
    } = clock;
    // Written before any attack starts: the largest takes a second or two of CPU.
    let uploads = plan.bombs_cookie.clone().map(|cookie| {
        Arc::new(Uploads {
            server,
            cookie,
            bombs: bomb_files::chosen(&plan.bombs),
            tally: Arc::default(),
            log: Mutex::default(),
        })
    });
    let watch_tally = Arc::new(Tally::default());
    let sign_in_tally = Arc::new(Tally::default());
    let slow_tally = Arc::new(Tally::default());
    let bursts = Arc::new(Bursts::default());
    let (waves_tx, _) = watch::channel(0u64);
    // The attack tasks stop on this, said when the coordinator says stop or at the deadline.
    let (halt_tx, halt) = watch::channel(false);
    let mut tasks = JoinSet::new();

    let watchers = Arc::new(Watchers {
        server,
        total: plan.watchers,
        made_up: plan.made_up.min(plan.watchers),
        context: plan.context.clone(),
        scopes: plan.scopes.clone(),
        tally: watch_tally.clone(),
        bursts: bursts.clone(),
        gate: Arc::new(Semaphore::new(plan.connect_concurrency.max(1))),
    });
    for i in 0..plan.watchers {
        let source = sources::watcher(i, watchers.total);
        tasks.spawn(watchers::watcher(
            watchers.clone(),
            i,
            source,
            waves_tx.subscribe(),
            halt.clone(),
        ));
    }
    for i in 0..plan.slow_connections {
        tasks.spawn(slowloris::connection(
            server,
            i,
            slow_tally.clone(),
            halt.clone(),
        ));
    }

    let mut signing_in: Option<tokio::task::JoinHandle<()>> = None;
    let mut uploading: Option<tokio::task::JoinHandle<()>> = None;
    let every = Duration::from_millis(plan.wave_every_ms.max(100));
    let mut told = stop;
    let mut ready = Some(ready);
    let mut marks_come = true;
    let mut wave = 0;
    while !*told.borrow() && Instant::now() < deadline {
        wave += 1;
        bursts.begin(wave);
        waves_tx.send_replace(wave);
        // At most one burst of sign-ins in flight, as the issue has it («200 parallel»):
        // a wave that comes while the last one's are still waiting sends none.
        if signing_in.as_ref().is_none_or(|task| task.is_finished()) {
            signing_in = Some(tokio::spawn(sign_ins::wave(
                server,
                wave,
                plan.sign_ins,
                sign_in_tally.clone(),
                bursts.clone(),
                halt.clone(),
            )));
        } else {
            sign_in_tally.outcome("(no burst in a wave: the last one's were still waiting)");
        }
        if let Some(up) = &uploads {
            // One bomb at a time: a wave whose uploads are still going skips its own.
            if uploading.as_ref().is_none_or(|task| task.is_finished()) {
                uploading = Some(tokio::spawn(uploads::wave(up.clone(), wave, halt.clone())));
            }
        }
        if let Some(ready) = ready.take() {
            ready();
        }
        tokio::select! {
            _ = stopped(&mut told) => {}
            _ = tokio::time::sleep(every) => {}
            _ = tokio::time::sleep_until(deadline) => {}
            // A question opened: its fan-out and first answers meet this wave.
            changed = opened.changed(), if marks_come => {
                // Nobody can open a question any more: the timer alone goes on.
                marks_come = changed.is_ok();
            }
        }
    }

    let _ = halt_tx.send(true);
    let wrap_up = async {
        while tasks.join_next().await.is_some() {}
        for task in [signing_in.take(), uploading.take()].into_iter().flatten() {
            let _ = task.await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), wrap_up).await;
    tasks.abort_all();

    SiegeFigures {
        waves: wave,
        wave_every_s: every.as_secs_f64(),
        bursts: bursts.list(epoch_us),
        joins_s: None,
        acks_in_bursts: Summary::default(),
        watchers: watch_tally.figures(sources::watcher_sources(plan.watchers)),
        sign_ins: sign_in_tally.figures(plan.sign_ins.div_ceil(sources::SIGN_INS_PER_SOURCE)),
        bombs: uploads.as_ref().map(|up| up.tally.figures(1)),
        uploads: uploads
            .map(|up| up.log.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .unwrap_or_default(),
        slow_connections: (plan.slow_connections > 0)
            .then(|| slow_tally.figures(plan.slow_connections.div_ceil(sources::SLOW_PER_SOURCE))),
    }
}
