//! `--scenario bell`: one Rung chuông vàng played to the end by `--players` contestants (300
//! for the hall) on `/ws/bell`, with the host's console and the hall screen. Every
//! contestant answers every main question within `--answer-within` (a `--wrong` share wrong,
//! so the stage empties question by question; once out they keep answering for fun), the host
//! calls time once every answer is acknowledged, reveals, runs one rescue (everyone back)
//! after the third question, and goes on to the bell. One process: a hall holds a few hundred
//! phones, far under what a worker holds.
//!
//! Measured: sitting down (connect + `bell_sit` to the welcome), the question's fan-out (the
//! host's `start`/`next` sent to each phone's `bell_question`), answers acknowledged and their
//! latency (`bell_answer` to `bell_receipt`, which the room sends once the row is committed),
//! and what each reveal did.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context};
use rand::Rng;
use serde_json::{json, Value};
use tokio::time::Instant;

use hoithi_loadtest::http::request;
use hoithi_loadtest::ws::Ws;

use crate::cli::Args;
use crate::coordinator::Run;
use crate::histogram::Hist;
use crate::report::Report;
use crate::setup::{self, json_of};

pub mod figures;
use figures::{Figures, RoundFigures, RESCUE_AFTER};

/// Contestants per source address: a default server takes 300 joins per address and game a
/// minute, and a hall's phones come through a few Wi-Fi access points.
const PER_SOURCE: usize = 100;

/// What the phones share with the host: when the current question was sent, and the counts.
#[derive(Default)]
struct Shared {
    sent_at: Mutex<Option<Instant>>,
    fan_out: Mutex<Hist>,
    ack: Mutex<Hist>,
    sit: Mutex<Hist>,
    receipts: AtomicU64,
    counted: AtomicU64,
    for_fun: AtomicU64,
    ended: AtomicU64,
    errors: Mutex<BTreeMap<String, u64>>,
}

impl Shared {
    fn error(&self, kind: String) {
        *self.errors.lock().unwrap().entry(kind).or_insert(0) += 1;
    }
}

/// Question text → the right option texts.
type Keys = HashMap<String, Vec<String>>;

pub async fn run(args: &Args) -> anyhow::Result<Report> {
    let mut run = Run::begin(args, "bell", "contestants")?;
    let addr = run.server;
    let cookie = setup::organizer(addr, args).await?;
    let (id, pin, keys) = open(addr, &cookie, args).await?;
    let shared = Arc::new(Shared::default());
    let keys = Arc::new(keys);
    let players = args.players();
    let deadline = Instant::now() + args.timeout;

    let mut host = stage(addr, &cookie, id, "host").await?;
    let mut hall = stage(addr, &cookie, id, "hall").await?;

    let sources: Vec<IpAddr> = if addr.ip().is_loopback() && addr.is_ipv4() {
        (0..players.div_ceil(PER_SOURCE).min(250))
            .map(|i| IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2 + i as u8)))
            .collect()
    } else {
        Vec::new()
    };
    let mut phones = Vec::with_capacity(players);
    for i in 0..players {
        let source = (!sources.is_empty()).then(|| sources[i / PER_SOURCE % sources.len()]);
        let shared = shared.clone();
        let keys = keys.clone();
        let pin = pin.clone();
        let within = args.answer_window();
        let wrong = args.wrong;
        phones.push(tokio::spawn(async move {
            contestant(
                addr,
                source,
                &pin,
                i as u16 + 1,
                shared,
                keys,
                within,
                wrong,
            )
            .await
        }));
    }
    // Everyone seated (the hall hears it coalesced).
    let mut seated = 0;
    while seated < players {
        let Some(msg) = hall.recv_type("bell_seated", until(deadline)).await else {
            bail!("only {seated} of {players} contestants took a seat");
        };
        seated = msg["contestants"].as_u64().unwrap_or(0) as usize;
    }
    run.report.joined = players as u64;

    let mut figures = Figures::default();
    let mut delivery = Hist::default();
    let mut act = "start";
    let mut number = 0usize;
    loop {
        shared.receipts.store(0, Relaxed);
        shared.counted.store(0, Relaxed);
        shared.for_fun.store(0, Relaxed);
        *shared.sent_at.lock().unwrap() = Some(Instant::now());
        send(&mut host, json!({"type": "bell_host", "act": act})).await?;
        act = "next";
        let msg = loop {
            let msg = hall
                .try_recv(until(deadline))
                .await
                .context("the hall screen lost the contest")?;
            if msg["type"] == "bell_question" || msg["type"] == "bell_end" {
                break msg;
            }
        };
        if msg["type"] == "bell_end" {
            figures.winners = msg["winners"]
                .as_array()
                .map(|w| w.iter().filter_map(|s| s["seat"].as_u64()).collect())
                .unwrap_or_default();
            break;
        }
        // Every phone answers (the eliminated for fun); time is called once all are taken.
        let limit =
            Instant::now() + Duration::from_millis(msg["time_limit_ms"].as_u64().unwrap_or(30_000));
        while shared.receipts.load(Relaxed) < players as u64 && Instant::now() < limit {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        pace().await;
        send(&mut host, json!({"type": "bell_host", "act": "close"})).await?;
        pace().await;
        send(&mut host, json!({"type": "bell_host", "act": "reveal"})).await?;
        let reveal = hall
            .recv_type("bell_reveal", until(deadline))
            .await
            .context("no reveal")?;
        number += 1;
        figures.rounds.push(RoundFigures {
            number: number as u64,
            eliminated: reveal["eliminated"].as_u64().unwrap_or(0),
            standing: reveal["standing"].as_u64().unwrap_or(0),
            spared_all_wrong: reveal["spared_all_wrong"] == true,
            counted: shared.counted.load(Relaxed),
            for_fun: shared.for_fun.load(Relaxed),
        });
        let standing = reveal["standing"].as_u64().unwrap_or(0);
        if number - 1 == RESCUE_AFTER && standing < players as u64 {
            pace().await;
            send(&mut host, json!({"type": "bell_host", "act": "rescue"})).await?;
            let back = hall
                .recv_type("bell_back", until(deadline))
                .await
                .context("no rescue")?;
            figures.rescued = back["seats"].as_array().map_or(0, |s| s.len() as u64);
        }
        pace().await;
    }
    for phone in phones {
        if let Ok(Err(e)) = phone.await {
            shared.error(format!("{e:#}").chars().take(60).collect());
        }
    }
    delivery.merge(&shared.fan_out.lock().unwrap().samples());
    figures.saw_the_end = shared.ended.load(Relaxed);
    let r = &mut run.report;
    r.delivery_reference = "the host's start/next → each phone's bell_question";
    r.delivery = delivery.summary();
    r.join_latency = shared.sit.lock().unwrap().summary();
    r.ack = shared.ack.lock().unwrap().summary();
    r.acks = r.ack.count;
    r.answers = r.acks;
    r.finished = figures.saw_the_end;
    r.errors = shared.errors.lock().unwrap().clone();
    if figures.saw_the_end < players as u64 {
        run.cut_short(format!(
            "{} of {players} phones saw the end",
            figures.saw_the_end
        ));
    }
    run.report.bell = Some(figures);
    Ok(run.end())
}

/// A person presses a few buttons a second (the socket takes ten).
async fn pace() {
    tokio::time::sleep(Duration::from_millis(150)).await;
}

fn until(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// A host button, after reading what the console was sent (acts, refusals): a console that
/// does not read is let go by the room, as a phone is.
async fn send(ws: &mut Ws, msg: Value) -> anyhow::Result<()> {
    while ws.try_recv(Duration::from_millis(1)).await.is_some() {}
    ws.send(&msg)
        .await
        .context("the host's console lost its socket")
}

/// The quiz (`--questions` single-choice questions of a bank), the contest and its keys.
async fn open(addr: SocketAddr, cookie: &str, args: &Args) -> anyhow::Result<(i64, String, Keys)> {
    let banks = json_of(request(addr, "GET", "/api/banks", Some(cookie), None).await?)?;
    let names: Vec<String> = match &args.bank {
        Some(b) => vec![b.clone()],
        None => banks
            .as_array()
            .context("no banks")?
            .iter()
            .filter_map(|b| b["id"].as_str().map(str::to_owned))
            .collect(),
    };
    let wanted = args.questions.unwrap_or(10);
    for bank in names {
        let detail = json_of(
            request(
                addr,
                "GET",
                &format!("/api/banks/{bank}"),
                Some(cookie),
                None,
            )
            .await?,
        )?;
        let chosen: Vec<&Value> = detail["questions"]
            .as_array()
            .map(|qs| {
                qs.iter()
                    .filter(|q| q["kind"] == "single")
                    .filter(|q| q["options"].as_array().is_some_and(|o| !o.is_empty()))
                    .take(wanted)
                    .collect()
            })
            .unwrap_or_default();
        if chosen.len() < wanted {
            continue;
        }
        let keys: Keys = chosen
            .iter()
            .map(|q| {
                let right = crate::answer::key_by_text(q)["texts"]
                    .as_array()
                    .map(|t| {
                        t.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                (q["text"].as_str().unwrap_or_default().to_owned(), right)
            })
            .collect();
        let quiz = setup::make_quiz(
            addr,
            cookie,
            &bank,
            chosen.iter().copied(),
            "Rung chuông vàng (load test)",
        )
        .await?;
        let bell = json_of(
            request(
                addr,
                "POST",
                "/api/bell",
                Some(cookie),
                Some(&json!({
                    "quiz": quiz["id"],
                    "rules": {"rescue": {"kind": "all"}, "max_rescues": 1,
                              "max_contestants": args.players().min(999)},
                })),
            )
            .await?,
        )?;
        return Ok((
            bell["id"].as_i64().context("no contest id")?,
            bell["pin"].as_str().context("no PIN")?.to_owned(),
            keys,
        ));
    }
    bail!("no bank has {wanted} single-choice questions (--questions)")
}

/// A stage screen, signed in.
async fn stage(addr: SocketAddr, cookie: &str, id: i64, role: &str) -> anyhow::Result<Ws> {
    let mut ws = Ws::connect_path(addr, None, "/ws/bell", Some(cookie)).await?;
    ws.send(&json!({"type": "bell_stage", "v": 1, "game": id, "role": role}))
        .await?;
    let welcome = ws
        .try_recv(Duration::from_secs(10))
        .await
        .context("no welcome for the stage")?;
    if welcome["type"] != "bell_welcome" {
        bail!("the {role} screen was refused: {welcome}");
    }
    Ok(ws)
}

/// One contestant's phone, from its seat to the bell.
#[allow(clippy::too_many_arguments)]
async fn contestant(
    addr: SocketAddr,
    source: Option<IpAddr>,
    pin: &str,
    seat: u16,
    shared: Arc<Shared>,
    keys: Arc<Keys>,
    within: Duration,
    wrong: f64,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut ws = Ws::connect_path(addr, source, "/ws/bell", None).await?;
    ws.send(&json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": seat, "name": format!("Thí sinh {seat}")}))
        .await?;
    let welcome = ws
        .try_recv(Duration::from_secs(30))
        .await
        .context("no welcome")?;
    if welcome["type"] != "bell_welcome" {
        bail!("seat refused: {}", welcome["code"]);
    }
    shared
        .sit
        .lock()
        .unwrap()
        .record(started.elapsed().as_micros() as u64);
    let mut pending: Option<(Instant, tokio::time::Instant)> = None; // (sent at, answer due)
    let mut question: Option<Value> = None;
    loop {
        let due = pending.map(|(_, due)| due);
        let msg = tokio::select! {
            msg = ws.try_recv(Duration::from_secs(600)) => match msg {
                Some(msg) => msg,
                None => bail!("the phone's socket closed"),
            },
            _ = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() && question.is_some() => {
                let q = question.take().expect("a question to answer");
                let right = !rand::rng().random_bool(wrong);
                let answer = choose(&q, &keys, right);
                ws.send(&json!({"type": "bell_answer", "round": q["round"], "answer": answer})).await?;
                pending = Some((Instant::now(), Instant::now() + Duration::from_secs(3600)));
                continue;
            }
        };
        match msg["type"].as_str() {
            Some("bell_question") => {
                if let Some(sent) = *shared.sent_at.lock().unwrap() {
                    shared
                        .fan_out
                        .lock()
                        .unwrap()
                        .record(sent.elapsed().as_micros() as u64);
                }
                let think =
                    rand::rng().random_range(Duration::ZERO..=within.max(Duration::from_millis(1)));
                pending = Some((Instant::now(), Instant::now() + think));
                question = Some(msg);
            }
            Some("bell_receipt") => {
                if let Some((sent, _)) = pending.take() {
                    shared
                        .ack
                        .lock()
                        .unwrap()
                        .record(sent.elapsed().as_micros() as u64);
                }
                shared.receipts.fetch_add(1, Relaxed);
                if msg["counted"] == true {
                    shared.counted.fetch_add(1, Relaxed);
                } else {
                    shared.for_fun.fetch_add(1, Relaxed);
                }
            }
            Some("bell_end") => {
                shared.ended.fetch_add(1, Relaxed);
                return Ok(());
            }
            Some("error") => shared.error(format!("error {}", msg["code"].as_str().unwrap_or("?"))),
            _ => {}
        }
    }
}

/// The shown id of a right (or a wrong) option of `q`.
fn choose(q: &Value, keys: &Keys, right: bool) -> Value {
    let options: Vec<&str> = q["options"]
        .as_array()
        .map(|o| o.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let key = keys.get(q["text"].as_str().unwrap_or_default());
    let is_right = |text: &str| key.is_some_and(|k| k.iter().any(|t| t == text));
    let at = options
        .iter()
        .position(|o| is_right(o) == right)
        .unwrap_or(0);
    json!([at + 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_taps_the_right_option_by_its_text_or_another_one() {
        let keys: Keys = [("Câu?".to_owned(), vec!["Đúng rồi".to_owned()])].into();
        let q = json!({"round": 0, "text": "Câu?", "options": ["Sai", "Đúng rồi", "Cũng sai"]});
        assert_eq!(choose(&q, &keys, true), json!([2]));
        assert_eq!(choose(&q, &keys, false), json!([1]));
    }
}
