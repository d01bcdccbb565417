//! The `live` scenario: one game, N players in worker processes, the host screen here. The
//! coordinator opens each question with the host's `start`/`next` and tells the workers when
//! it did: the protocol's `question` carries no server timestamp, so fan-out is measured from
//! the coordinator's wall clock just before it sends that command, to each player's receipt
//! (wall clock too, in its own process; one machine, one clock). That includes the host's
//! command reaching the room, so it is an upper bound of the server's own fan-out.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::cli::Args;
use crate::coordinator::Run;
use crate::host::Host;
use crate::report::{merge, EventFigures, Report};
use crate::setup;
use crate::wire::{now_us, Behaviour, Role};

pub const REFERENCE: &str = "the coordinator's wall clock just before it sends the host command that opens the question (`start` or `next`): the protocol's `question` carries no server timestamp";

pub async fn run(args: &Args) -> anyhow::Result<Report> {
    let mut run = Run::begin(args, "live", "joined")?;
    run.report.delivery_reference = REFERENCE;
    let cookie = setup::organizer(run.server, args).await?;
    let game = setup::open_game(run.server, &cookie, args).await?;
    eprintln!(
        "game {}, PIN {}, {} questions from {}; {} players in {} process(es)",
        game.id,
        game.pin,
        game.keys.len(),
        game.bank,
        args.players,
        args.procs()
    );
    let mut host = Host::attach(run.server, &cookie, game.id).await?;
    let behaviour = Behaviour {
        answer_within_ms: args.answer_window().as_millis() as u64,
        wrong: args.wrong,
        late: args.late,
        silent: args.silent,
        reconnect: args.reconnect,
    };
    let role = Role::Players {
        pin: game.pin.clone(),
        keys: game.keys.clone(),
        behaviour,
    };
    let mut fleet = run.spawn(args, role).await?;

    let mut marks = BTreeMap::new();
    let mut events: Vec<EventFigures> = Vec::new();
    let questions = game.keys.len();
    if !run.seated(&fleet).await {
        run.cut_short("the players were not all seated before the timeout");
    } else if fleet.totals().joined == 0 {
        run.cut_short("no player could join");
    } else {
        let deadline = run.deadline;
        let played = async {
            for q in 0..questions {
                run.status.set(format!("question {}/{questions}", q + 1));
                let at = now_us();
                host.command(if q == 0 { "start" } else { "next" }).await?;
                marks.insert(q as u64, at);
                fleet.mark(q as u64, at).await;
                let reveal = host.wait_for("reveal", deadline).await?;
                events.push(EventFigures {
                    id: q as u64,
                    answered: reveal["answered"].as_u64(),
                    right: reveal["right"].as_u64(),
                    ..EventFigures::default()
                });
                tokio::time::sleep(args.pause).await;
                host.command("next").await?;
                host.wait_for("leaderboard", deadline).await?;
                tokio::time::sleep(args.pause).await;
            }
            run.status.set("podium");
            host.command("next").await?;
            host.wait_for("podium", deadline).await?;
            anyhow::Ok(())
        };
        if let Err(e) = played.await {
            run.cut_short(e);
        }
    }
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
    run.report.per_event = events;
    let epoch = run.epoch_us;
    merge(&mut run.report, &workers, &marks, epoch);
    Ok(run.end())
}
