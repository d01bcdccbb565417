//! The `contest` scenario (issue 17): a round of the online contest with `N` participants.
//!
//! The coordinator, as the organizer, imports a roster made up for the run ([`layout`]:
//! schools in a few communes, classes of 30), issues every school's login cards and opens a
//! fresh round (`ltc-<unix time>-1`, tiểu học, `--questions` a attempt). The workers hold the
//! participants ([`pupil`]): each starts at a random moment within `--start-within`, answers
//! at spaced random moments over `--answer-over`, predicts and submits, from their school's
//! source address, and a `--reconnect` share signs in again mid-attempt on a second device
//! and must find the same attempt. Meanwhile the coordinator reads the round's province,
//! commune, school and class boards every `--board-every`. At the end it checks every board
//! against who submitted, closes the round and checks the participants it counted: "nothing
//! lost" only if all of that holds ([`figures::Figures::settle`]).

pub mod client;
pub mod figures;
pub mod layout;
pub mod plan;
pub mod pupil;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior};

use hoithi_loadtest::http::request;

use crate::cli::Args;
use crate::clock::{now_us, stopped};
use crate::coordinator::Run;
use crate::fleet::total;
use crate::histogram::Hist;
use crate::report::{merge, Report};
use crate::setup;
use crate::wire::{Progress, Role};
use figures::{BoardFigures, Check, Figures, Tally};
use layout::{school_code, Layout};
use plan::{Card, Plan};

/// Time kept at the end of `--timeout` for the checks and the close: the participants are
/// told to stop this long before it.
const RESERVE: Duration = Duration::from_secs(120);

/// The round's time limit: the span of an attempt and a minute for the slowest replies,
/// within what a round allows (60–7,200 s).
pub fn time_limit_s(answer_over: Duration) -> u64 {
    (answer_over.as_secs_f64().ceil() as u64 + 60).clamp(60, 7200)
}

pub async fn run(args: &Args) -> anyhow::Result<Report> {
    let needed = args.start_within + args.answer_over + RESERVE + Duration::from_secs(60);
    anyhow::ensure!(
        args.timeout >= needed,
        "--timeout {:?} is too short for --start-within {:?} and --answer-over {:?}: give at \
         least {} s (the setup, the last attempts, then {} s for the checks and the close)",
        args.timeout,
        args.start_within,
        args.answer_over,
        needed.as_secs(),
        RESERVE.as_secs()
    );
    let questions = args.questions();
    anyhow::ensure!(
        (1..=50).contains(&questions),
        "a round draws 1–50 questions an attempt, not {questions}"
    );
    let clients = args.clients();
    anyhow::ensure!(clients > 0, "--participants must be at least 1");

    let mut run = Run::begin(args, "contest", "started")?;
    let server = run.server;
    let cookie = setup::organizer(server, args).await?;
    let setup_began = Instant::now();
    let communes = setup::communes(server, args.communes).await?;
    let layout = Layout::new(clients, args.schools(), &communes);
    eprintln!(
        "contest: importing {clients} pupils in {} schools of {} communes",
        layout.schools(),
        communes.len()
    );
    setup::contest_roster(server, &cookie, &layout).await?;
    let cards = cards(server, &cookie, &layout).await?;

    let stamp = now_us() / 1_000_000;
    let (slug, context) = (format!("ltc-{stamp}"), format!("ltc-{stamp}-1"));
    let now_ms = (now_us() / 1000) as i64;
    let time_limit_s = time_limit_s(args.answer_over);
    let rules = json!({
        "opens_at": now_ms - 60_000,
        "closes_at": now_ms + args.timeout.as_millis() as i64 + 3_600_000,
        "questions": questions,
        "time_limit_s": time_limit_s,
        "attempts_per_round": 1,
        "attempts_per_day": 1,
    });
    setup::contest_round(server, &cookie, &slug, &context, &rules).await?;
    let setup_s = setup_began.elapsed().as_secs_f64();
    eprintln!(
        "contest: round {context} open ({questions} questions, {time_limit_s} s); setup took \
         {setup_s:.1} s; {clients} participants in {} process(es) from {} address(es)",
        args.procs(),
        args.source_addrs(server).len()
    );

    let plan = Plan {
        round: context.clone(),
        // The workers need a moment to start and read their share.
        start_at_us: now_us() + 2_000_000,
        start_within_ms: args.start_within.as_millis() as u64,
        answer_over_ms: args.answer_over.as_millis() as u64,
        reconnect: args.reconnect,
        predict_up_to: 2 * clients as i64,
    };
    let fleet = run
        .spawn_each(args, |first, share| Role::Contestants {
            plan: plan.clone(),
            cards: cards[first..first + share].to_vec(),
        })
        .await?;
    run.status.set("the round is running");

    let first = layout.pupil(0);
    let scopes = vec![
        ("province", "province".to_owned()),
        ("commune", format!("commune/{}", communes[0])),
        ("school", format!("school/{}", school_code(0))),
        ("class", format!("class/{}/{}", school_code(0), first.class)),
    ];
    let (stop_tx, stop_rx) = watch::channel(false);
    let reader = tokio::spawn(read_boards(
        server,
        context.clone(),
        scopes,
        args.board_every,
        fleet.progress.clone(),
        stop_rx,
    ));
    let finish = run
        .deadline
        .saturating_duration_since(Instant::now())
        .saturating_sub(RESERVE);
    let workers = fleet.reports(finish, Duration::from_secs(8)).await;
    let _ = stop_tx.send(true);
    let (boards, board_errors) = reader.await.unwrap_or_default();
    let procs = args.procs();
    if workers.len() < procs {
        run.cut_short(format!(
            "{} of {procs} worker(s) sent no report",
            procs - workers.len()
        ));
    }
    let epoch = run.epoch_us;
    merge(&mut run.report, &workers, &BTreeMap::new(), epoch);
    for (kind, n) in board_errors {
        *run.report.errors.entry(kind).or_default() += n;
    }
    let mut figures = Figures {
        round: context.clone(),
        schools: layout.schools(),
        communes: layout.communes.iter().collect::<BTreeSet<_>>().len(),
        classes: layout.classes().len(),
        questions,
        time_limit_s,
        start_within_s: args.start_within.as_secs_f64(),
        answer_over_s: args.answer_over.as_secs_f64(),
        reconnect_share: args.reconnect,
        setup_s,
        answer: run.report.ack,
        answers_sent: run.report.answers,
        answers_saved: run.report.acks,
        boards,
        ..Figures::default()
    };
    let tallies: Vec<&Tally> = workers.iter().filter_map(|w| w.contest.as_ref()).collect();
    let by_class = figures.add(&tallies, epoch);
    if figures.started + run.report.join_failed < clients as u64 {
        run.cut_short(format!(
            "{} participants neither started nor gave up before the timeout",
            clients as u64 - figures.started - run.report.join_failed
        ));
    }

    run.status.set("checking the boards");
    figures.checks = check_boards(server, &context, &layout, &by_class).await;
    run.status.set("closing the round");
    let began = Instant::now();
    let path = format!("/api/contest-rounds/{context}/close");
    let allowed = run.deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(45);
    match tokio::time::timeout(
        allowed,
        request(server, "POST", &path, Some(&cookie), Some(&json!({}))),
    )
    .await
    {
        Ok(Ok(resp)) if resp.status == 200 => {
            let body: Value = serde_json::from_str(&resp.body).unwrap_or_default();
            figures.closed = body["closed"].as_bool();
            figures.participants = body["participants"].as_i64();
        }
        Ok(Ok(resp)) => {
            *run.report
                .errors
                .entry(format!("close: HTTP {} {}", resp.status, resp.body))
                .or_default() += 1;
        }
        Ok(Err(e)) => {
            *run.report.errors.entry(format!("close: {e}")).or_default() += 1;
        }
        Err(_) => run.cut_short(format!("the close took longer than {allowed:?}")),
    }
    figures.close_ms = began.elapsed().as_secs_f64() * 1000.0;
    if figures.closed == Some(true) {
        run.status.set("recording the standings again");
        let until = Instant::now() + allowed;
        figures.standings_ms = standings_recorded(server, &cookie, &context, until)
            .await
            .then(|| began.elapsed().as_secs_f64() * 1000.0);
    }
    figures.settle(clients as u64);
    run.report.contest = Some(figures);
    Ok(run.end())
}

/// Follows the round's turnout, as the organizer's page does, until the server says every
/// standing has been recorded again since the close; `false` if not by `until`.
async fn standings_recorded(
    server: SocketAddr,
    cookie: &str,
    context: &str,
    until: Instant,
) -> bool {
    let path = format!("/api/contest-rounds/{context}/turnout");
    while Instant::now() < until {
        if let Ok(resp) = request(server, "GET", &path, Some(cookie), None).await {
            let body: Value = serde_json::from_str(&resp.body).unwrap_or_default();
            if body["standings"]["recorded"] == true {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// Every pupil's login card, in pupil order.
async fn cards(server: SocketAddr, cookie: &str, layout: &Layout) -> anyhow::Result<Vec<Card>> {
    let mut secrets = HashMap::new();
    for s in 0..layout.schools() {
        secrets.extend(setup::login_cards(server, cookie, &school_code(s)).await?);
    }
    (0..layout.participants)
        .map(|i| {
            let p = layout.pupil(i);
            let secret = secrets
                .remove(&p.code)
                .with_context(|| format!("no login card for {}", p.code))?;
            Ok(Card {
                code: p.code,
                secret,
                school: school_code(p.school),
                school_index: p.school,
                class: p.class,
            })
        })
        .collect()
}

/// Reads each board (top 10, as a page shows it) every `every` until told to stop: their
/// latency, and whether the province board counts every submission the workers had reported
/// acknowledged before the read. Errors by kind.
async fn read_boards(
    server: SocketAddr,
    context: String,
    scopes: Vec<(&'static str, String)>,
    every: Duration,
    progress: Arc<Mutex<Vec<Progress>>>,
    mut stop: watch::Receiver<bool>,
) -> (BoardFigures, BTreeMap<String, u64>) {
    let mut hists: BTreeMap<&str, Hist> = BTreeMap::new();
    let mut figures = BoardFigures::default();
    let mut errors = BTreeMap::new();
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = stopped(&mut stop) => break,
            _ = tick.tick() => {}
        }
        let known = total(&progress.lock().unwrap_or_else(|p| p.into_inner())).finished;
        for (kind, scope) in &scopes {
            let path = format!("/api/rankings/{context}/board/{scope}?limit=10");
            let sent = now_us();
            match request(server, "GET", &path, None, None).await {
                Ok(resp) if resp.status == 200 => {
                    hists.entry(kind).or_default().record(now_us() - sent);
                    if *kind == "province" {
                        let body: Value = serde_json::from_str(&resp.body).unwrap_or_default();
                        let behind = known.saturating_sub(body["total"].as_u64().unwrap_or(0));
                        if behind > 0 {
                            figures.behind_reads += 1;
                            figures.behind_max = figures.behind_max.max(behind);
                        }
                    }
                }
                Ok(resp) => {
                    *errors
                        .entry(format!("board {kind}: HTTP {}", resp.status))
                        .or_default() += 1;
                }
                Err(e) => {
                    *errors.entry(format!("board {kind}: {e}")).or_default() += 1;
                }
            }
        }
        figures.polls += 1;
    }
    figures.reads = hists
        .into_iter()
        .map(|(k, h)| (k.to_owned(), h.summary()))
        .collect();
    (figures, errors)
}

/// Every board of the round against who submitted: the province, each commune, each school
/// and each class of the roster.
async fn check_boards(
    server: SocketAddr,
    context: &str,
    layout: &Layout,
    by_class: &BTreeMap<String, u64>,
) -> Vec<Check> {
    let totals = layout.totals(by_class);
    let classes: Vec<(String, u64)> = layout
        .classes()
        .into_keys()
        .map(|(school, class)| {
            let key = layout::class_key(&school, &class);
            let n = by_class.get(&key).copied().unwrap_or(0);
            (format!("class/{key}"), n)
        })
        .collect();
    let kinds: Vec<(&str, Vec<(String, u64)>)> = vec![
        ("province", vec![("province".to_owned(), totals.province)]),
        (
            "commune",
            totals
                .communes
                .iter()
                .map(|(c, &n)| (format!("commune/{c}"), n))
                .collect(),
        ),
        (
            "school",
            totals
                .schools
                .iter()
                .map(|(s, &n)| (format!("school/{s}"), n))
                .collect(),
        ),
        ("class", classes),
    ];
    let mut checks = Vec::new();
    for (kind, boards) in kinds {
        let mut check = Check {
            scope: kind.to_owned(),
            ..Check::default()
        };
        for (scope, expected) in boards {
            check.boards += 1;
            let path = format!("/api/rankings/{context}/board/{scope}?limit=1");
            let got = match request(server, "GET", &path, None, None).await {
                Ok(resp) if resp.status == 200 => serde_json::from_str::<Value>(&resp.body)
                    .ok()
                    .and_then(|b| b["total"].as_u64()),
                _ => None,
            };
            if got == Some(expected) {
                check.right += 1;
            } else if check.first_wrong.is_none() {
                check.first_wrong = Some(format!(
                    "{scope}: {expected} submitted, the board says {}",
                    got.map_or("nothing (no reply)".to_owned(), |g| g.to_string())
                ));
            }
        }
        checks.push(check);
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_limit_is_the_span_and_a_minute_within_what_a_round_allows() {
        assert_eq!(time_limit_s(Duration::from_secs(600)), 660);
        assert_eq!(time_limit_s(Duration::from_millis(59_500)), 120);
        assert_eq!(time_limit_s(Duration::ZERO), 60);
        assert_eq!(time_limit_s(Duration::from_secs(3 * 3600)), 7200);
    }
}
