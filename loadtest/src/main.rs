//! `loadtest`: N simulated players join one live game on a running hoithi server and play it
//! through, answering after a random think time, some wrong. Prints what it measured.
//!
//! ```text
//! cargo run --release -p hoithi-loadtest -- --url http://127.0.0.1:8080 \
//!     --admin-password PASSWORD --players 1000 --questions 5
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use hoithi_loadtest::http::{request, sign_in};
use hoithi_loadtest::ws::Ws;
use rand::Rng;
use serde_json::{json, Value};
use tokio::sync::{Barrier, Semaphore};

#[derive(Parser, Debug, Clone)]
#[command(about = "Simulated players for a hoithi live game")]
struct Args {
    /// The server's address.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    #[arg(long, default_value = "admin")]
    admin_user: String,
    #[arg(long, env = "HOITHI_ADMIN_PASSWORD")]
    admin_password: String,
    /// Players to simulate (one process opens at most about 20,000 sockets here).
    #[arg(long, default_value_t = 100)]
    players: usize,
    /// Questions to play, taken from the start of the bank.
    #[arg(long, default_value_t = 3)]
    questions: usize,
    /// Bank to build the quiz from (default: the first bank the server lists).
    #[arg(long)]
    bank: Option<String>,
    /// Longest think time before answering, in milliseconds (uniformly random from 0).
    #[arg(long, default_value_t = 2000)]
    think_ms: u64,
    /// Share of players who answer wrong on purpose.
    #[arg(long, default_value_t = 0.3)]
    wrong: f64,
    /// Connections opened at once while joining.
    #[arg(long, default_value_t = 200)]
    connect_concurrency: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let addr: SocketAddr = args
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .context("--url must be http://IP:PORT")?;
    let cookie = sign_in(addr, &args.admin_user, &args.admin_password)
        .await
        .map_err(|r| anyhow::anyhow!("sign-in failed: {} {}", r.status, r.body))?;

    // A quiz of the first questions of a bank, and a game from it.
    let banks = request(addr, "GET", "/api/banks", Some(&cookie), None)
        .await?
        .json();
    let bank = match &args.bank {
        Some(b) => b.clone(),
        None => banks[0]["id"]
            .as_str()
            .context("the server has no banks")?
            .to_owned(),
    };
    let detail = request(
        addr,
        "GET",
        &format!("/api/banks/{bank}"),
        Some(&cookie),
        None,
    )
    .await?
    .json();
    let chosen: Vec<Value> = detail["questions"]
        .as_array()
        .context("no such bank")?
        .iter()
        .filter(|q| q["kind"] != "numeric")
        .take(args.questions)
        .cloned()
        .collect();
    let refs: Vec<Value> = chosen
        .iter()
        .map(|q| json!({"bank": bank, "id": q["id"]}))
        .collect();
    let quiz = request(
        addr,
        "POST",
        "/api/quizzes",
        Some(&cookie),
        Some(&json!({"title": "Load test", "questions": refs})),
    )
    .await?
    .json();
    let game = request(
        addr,
        "POST",
        "/api/games",
        Some(&cookie),
        Some(&json!({"quiz": quiz["id"]})),
    )
    .await?
    .json();
    let (game_id, pin) = (
        game["id"].as_i64().context("no game")?,
        game["pin"].as_str().context("no pin")?.to_owned(),
    );
    let keys: Arc<Vec<Value>> = Arc::new(chosen.iter().map(|q| q["key"].clone()).collect());
    println!(
        "game {game_id}, PIN {pin}, {} questions from {bank}",
        chosen.len()
    );

    let mut host = Ws::connect(addr, Some(&cookie)).await?;
    host.send(&json!({"type": "host", "v": 1, "game": game_id}))
        .await?;
    host.recv_type("welcome", Duration::from_secs(10))
        .await
        .context("host welcome")?;

    // Join every player.
    let joined_at = Instant::now();
    let gate = Arc::new(Semaphore::new(args.connect_concurrency));
    let ready = Arc::new(Barrier::new(args.players + 1));
    let mut tasks = Vec::with_capacity(args.players);
    for i in 0..args.players {
        let (gate, ready, pin, keys, args) = (
            gate.clone(),
            ready.clone(),
            pin.clone(),
            keys.clone(),
            args.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await.expect("semaphore open");
            let mut ws = Ws::connect(addr, None).await.map_err(|e| e.to_string());
            if let Ok(w) = &mut ws {
                if let Err(e) = w.join(&pin, &format!("Người chơi {i}")).await {
                    ws = Err(e.to_string());
                }
            }
            drop(permit);
            ready.wait().await;
            play(ws?, keys, args).await
        }));
    }
    ready.wait().await;
    let join_secs = joined_at.elapsed().as_secs_f64();
    println!(
        "{} players joined in {join_secs:.2} s ({:.0} joins/s)",
        args.players,
        args.players as f64 / join_secs
    );

    host.send(&json!({"type": "start"})).await?;
    for q in 0..chosen.len() {
        let reveal = host
            .recv_type("reveal", Duration::from_secs(300))
            .await
            .context("reveal")?;
        println!(
            "question {}: {} answered, {} right",
            q + 1,
            reveal["answered"],
            reveal["right"]
        );
        host.send(&json!({"type": "next"})).await?;
        host.recv_type("leaderboard", Duration::from_secs(30))
            .await
            .context("leaderboard")?;
        host.send(&json!({"type": "next"})).await?;
    }
    host.recv_type("podium", Duration::from_secs(30))
        .await
        .context("podium")?;

    let mut fanout = Vec::new();
    let mut acks = Vec::new();
    let mut errors = 0;
    for t in tasks {
        match t.await? {
            Ok(stats) => {
                fanout.extend(stats.question_waits);
                acks.extend(stats.ack_ms);
            }
            Err(e) => {
                errors += 1;
                if errors <= 5 {
                    eprintln!("player failed: {e}");
                }
            }
        }
    }
    report("answer acknowledgement (ms)", &mut acks);
    println!("errors: {errors}");
    if errors > 0 {
        bail!("{errors} players failed");
    }
    Ok(())
}

struct PlayerStats {
    question_waits: Vec<f64>,
    ack_ms: Vec<f64>,
}

/// Plays every question: waits for it, thinks, answers, waits for the receipt and the result.
async fn play(mut ws: Ws, keys: Arc<Vec<Value>>, args: Args) -> Result<PlayerStats, String> {
    let mut stats = PlayerStats {
        question_waits: Vec::new(),
        ack_ms: Vec::new(),
    };
    let wait = Duration::from_secs(600);
    loop {
        let Some(msg) = ws.try_recv(wait).await else {
            return Err("connection lost".into());
        };
        match msg["type"].as_str() {
            Some("question") => {
                let q = msg["q"].as_u64().unwrap_or(0) as usize;
                let (think, wrong) = {
                    let mut rng = rand::rng();
                    (
                        rng.random_range(0..=args.think_ms),
                        rng.random_bool(args.wrong),
                    )
                };
                tokio::time::sleep(Duration::from_millis(think)).await;
                let answer = choose(&keys[q], &msg, wrong);
                let sent = Instant::now();
                ws.send(&json!({"type": "answer", "q": q, "answer": answer}))
                    .await
                    .map_err(|e| e.to_string())?;
                let receipt = ws.recv_type("receipt", wait).await.ok_or("no receipt")?;
                debug_assert_eq!(receipt["q"], q);
                stats.ack_ms.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            Some("final") => return Ok(stats),
            Some("error") => return Err(msg.to_string()),
            _ => {}
        }
    }
}

/// The right answer from the bank's key, or a wrong one.
fn choose(key: &Value, question: &Value, wrong: bool) -> Value {
    let ids: Vec<u64> = key["ids"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    let all: Vec<u64> = question["options"]
        .as_array()
        .map(|a| a.iter().filter_map(|o| o["id"].as_u64()).collect())
        .unwrap_or_default();
    match question["kind"].as_str() {
        Some("ordering") if wrong => json!(all),
        Some("ordering") => json!(ids),
        _ if wrong => json!([all
            .iter()
            .copied()
            .find(|id| !ids.contains(id))
            .unwrap_or(1)]),
        Some("multiple") => json!(ids),
        _ => json!([ids.first().copied().unwrap_or(1)]),
    }
}

fn report(what: &str, samples: &mut [f64]) {
    if samples.is_empty() {
        println!("{what}: no samples");
        return;
    }
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "{what}: n={} p50={:.1} p99={:.1} max={:.1}",
        samples.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}
