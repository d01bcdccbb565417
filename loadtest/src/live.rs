//! The `live` scenario: one game, N players in worker processes, the host screen here. The
//! coordinator opens each question with the host's `start`/`next` and tells the workers when
//! it did: the protocol's `question` carries no server timestamp, so fan-out is measured from
//! the coordinator's wall clock just before it sends that command, to each player's receipt
//! (wall clock too, in its own process; one machine, one clock). That includes the host's
//! command reaching the room, so it is an upper bound of the server's own fan-out.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::cli::Args;
use crate::clock::now_us;
use crate::coordinator::Run;
use crate::fleet::Fleet;
use crate::host::Host;
use crate::progress::Status;
use crate::report::{merge, EventFigures, Report};
use crate::setup;
use crate::wire::{question_mark, Behaviour, Role, WorkerReport};

pub const REFERENCE: &str = "the coordinator's wall clock just before it sends the host command that opens the question (`start` or `next`): the protocol's `question` carries no server timestamp";

pub async fn run(args: &Args) -> anyhow::Result<Report> {
    let mut run = Run::begin(args, "live", "joined")?;
    let rooms = if args.bare {
        Rooms::bare(&mut run, args).await?
    } else {
        let cookie = setup::organizer(run.server, args).await?;
        Rooms::open(&mut run, args, &cookie).await?
    };
    let mut fleet = run.spawn(args, rooms.role(args)).await?;
    let played = play(&mut run, args, &mut fleet, rooms, None).await;
    gather(&mut run, args, fleet, played).await;
    Ok(run.end())
}

/// The games of a run, each with its host screen.
pub struct Rooms {
    games: Vec<setup::OpenGame>,
    hosts: Vec<Host>,
    /// The schools players name (`--event`), else none.
    schools: Vec<String>,
}

impl Rooms {
    /// Opens `--rooms` games of the quiz and attaches a host screen to each.
    pub async fn open(run: &mut Run, args: &Args, cookie: &str) -> anyhow::Result<Rooms> {
        anyhow::ensure!(!args.bare, "--bare plays the live scenario only");
        Rooms::check(args)?;
        let schools = if args.event {
            setup::event_schools(run.server, cookie, args).await?
        } else {
            Vec::new()
        };
        run.report.delivery_reference = REFERENCE;
        let rooms = usize::from(args.rooms);
        run.report.rooms = rooms;
        let mut games = Vec::with_capacity(rooms);
        let mut hosts = Vec::with_capacity(rooms);
        for _ in 0..rooms {
            let game = setup::open_game(run.server, cookie, args).await?;
            hosts.push(Host::attach(run.server, Some(cookie), game.id).await?);
            games.push(game);
        }
        eprintln!(
            "{} game(s) (first: {}, PIN {}), {} questions from {}; {} players in {} process(es)",
            rooms,
            games[0].id,
            games[0].pin,
            games[0].keys.len(),
            games[0].bank,
            args.players(),
            args.procs()
        );
        Ok(Rooms {
            games,
            hosts,
            schools,
        })
    }

    /// The games of `bare-broadcast` (`--bare`): nothing to set up, a host screen each. One
    /// server plays one room; with several `--url`, each server is a room of its own, its
    /// players those the spread sends it (player `i` to server and room `i % n`); the host
    /// screens start together and each then follows its own server's closes: the yardstick
    /// for a game spread over as many nodes, which the bare server cannot be.
    pub async fn bare(run: &mut Run, args: &Args) -> anyhow::Result<Rooms> {
        Rooms::check(args)?;
        let servers = run.servers.clone();
        anyhow::ensure!(
            usize::from(args.rooms) == servers.len(),
            "--bare plays one room per --url ({} given), not --rooms {}",
            servers.len(),
            args.rooms
        );
        run.report.delivery_reference = REFERENCE;
        run.report.rooms = servers.len();
        let mut games = Vec::with_capacity(servers.len());
        let mut hosts = Vec::with_capacity(servers.len());
        for server in servers {
            hosts.push(Host::attach(server, None, 0).await?);
            games.push(setup::bare_game(args));
        }
        eprintln!(
            "bare-broadcast: {} server(s), {} questions; {} players in {} process(es)",
            games.len(),
            games[0].keys.len(),
            args.players(),
            args.procs()
        );
        Ok(Rooms {
            games,
            hosts,
            schools: Vec::new(),
        })
    }

    fn check(args: &Args) -> anyhow::Result<()> {
        anyhow::ensure!(
            args.answer_after <= args.answer_window(),
            "--answer-after ({:?}) must not be longer than --answer-within ({:?})",
            args.answer_after,
            args.answer_window()
        );
        Ok(())
    }

    /// What the players' workers are to do.
    pub fn role(&self, args: &Args) -> Role {
        Role::Players {
            pins: self.games.iter().map(|g| g.pin.clone()).collect(),
            keys: self.games[0].keys.clone(),
            schools: self.schools.clone(),
            behaviour: Behaviour {
                answer_after_ms: args.answer_after.as_millis() as u64,
                answer_within_ms: args.answer_window().as_millis() as u64,
                wrong: args.wrong,
                late: args.late,
                silent: args.silent,
                reconnect: args.reconnect,
            },
        }
    }
}

/// What the host screens saw: each question's send time (its mark) and figures.
pub struct Played {
    marks: BTreeMap<u64, u64>,
    events: Vec<EventFigures>,
}

/// Waits for the players to be seated, then plays every room's quiz through to the podium.
/// Each question's mark goes to the players' workers and to `also`'s (the siege's attackers
/// send a wave when a question opens).
pub async fn play(
    run: &mut Run,
    args: &Args,
    fleet: &mut Fleet,
    rooms: Rooms,
    mut also: Option<&mut Fleet>,
) -> Played {
    let questions = rooms.games[0].keys.len();
    let mut marks = BTreeMap::new();
    let mut events: Vec<EventFigures> = Vec::new();
    if !run.seated(fleet).await {
        run.cut_short("the players were not all seated before the timeout");
    } else if fleet.totals().joined == 0 {
        run.cut_short("no player could join");
    } else {
        // Rooms play at their own pace; their marks reach the workers through one channel.
        let (mark_tx, mut mark_rx) = mpsc::unbounded_channel();
        let status = run.status.clone();
        let played = futures_util::future::join_all(rooms.hosts.into_iter().enumerate().map(
            |(room, host)| {
                let room_play = Room {
                    room,
                    questions,
                    pause: args.pause,
                    deadline: run.deadline,
                    marks: mark_tx.clone(),
                    status: (room == 0).then(|| status.clone()),
                };
                room_play.play(host)
            },
        ));
        drop(mark_tx);
        let forward = async {
            while let Some((id, at)) = mark_rx.recv().await {
                marks.insert(id, at);
                fleet.mark(id, at).await;
                if let Some(other) = also.as_deref_mut() {
                    other.mark(id, at).await;
                }
            }
        };
        let (outcomes, ()) = tokio::join!(played, forward);
        for outcome in outcomes {
            let (figures, failure) = outcome;
            events.extend(figures);
            if let Some(e) = failure {
                run.cut_short(e);
            }
        }
    }
    Played { marks, events }
}

/// Gathers the players' workers' figures into the report; their reports, for what a
/// scenario reads beyond the report.
pub async fn gather(run: &mut Run, args: &Args, fleet: Fleet, played: Played) -> Vec<WorkerReport> {
    run.status.set("gathering the workers' figures");
    let finish =
        Duration::from_secs(20).min(run.deadline.saturating_duration_since(Instant::now()));
    let workers = fleet.reports(finish, Duration::from_secs(8)).await;
    let procs = args.procs();
    if workers.len() < procs {
        run.cut_short(format!(
            "{} of {procs} worker(s) sent no report",
            procs - workers.len()
        ));
    }
    run.report.per_event = played.events;
    let epoch = run.epoch_us;
    merge(&mut run.report, &workers, &played.marks, epoch);
    workers
}

/// One room's host screen playing the quiz through.
struct Room {
    room: usize,
    questions: usize,
    pause: Duration,
    deadline: Instant,
    /// (mark, wall-clock µs) of each question opened.
    marks: mpsc::UnboundedSender<(u64, u64)>,
    /// The progress line follows the first room.
    status: Option<Arc<Status>>,
}

impl Room {
    /// The figures of the questions played, and what stopped the room early, if anything.
    async fn play(self, mut host: Host) -> (Vec<EventFigures>, Option<anyhow::Error>) {
        let mut events = Vec::new();
        let outcome = async {
            for q in 0..self.questions {
                if let Some(status) = &self.status {
                    status.set(format!("question {}/{}", q + 1, self.questions));
                }
                let at = now_us();
                host.command(if q == 0 { "start" } else { "next" }).await?;
                let mark = question_mark(self.room, q);
                let _ = self.marks.send((mark, at));
                let reveal = host.wait_for("reveal", self.deadline).await?;
                events.push(EventFigures {
                    id: mark,
                    room: Some(self.room as u64),
                    question: Some(q as u64),
                    answered: reveal["answered"].as_u64(),
                    right: reveal["right"].as_u64(),
                    ..EventFigures::default()
                });
                tokio::time::sleep(self.pause).await;
                host.command("next").await?;
                host.wait_for("leaderboard", self.deadline).await?;
                tokio::time::sleep(self.pause).await;
            }
            if let Some(status) = &self.status {
                status.set("podium");
            }
            host.command("next").await?;
            host.wait_for("podium", self.deadline).await?;
            anyhow::Ok(())
        }
        .await;
        let failure = outcome
            .err()
            .map(|e| anyhow::anyhow!("room {}: {e:#}", self.room));
        (events, failure)
    }
}
