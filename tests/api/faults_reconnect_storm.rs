//! Fault: the Wi-Fi of two schools' halls drops and comes back: 2,000 phones lose their
//! connection at once and all come back within 2.5 s (web/common.js reconnects after a backoff
//! with random jitter). Every phone resumes as the same player with the same score, and
//! meanwhile the server keeps answering the teacher's screen and plain HTTP requests.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::helpers::{http, question};
use crate::process::{hoithi, join_from, ws_from, Server};

const PLAYERS: usize = 2_000;
/// Phones come back spread over this window.
const JITTER: Duration = Duration::from_millis(2_500);
/// The longest the server may take to answer the host or an HTTP probe during the storm:
/// generous, for a loaded 2-core CI machine; a server stuck behind 2,000 resumes takes longer.
const RESPONSIVE: Duration = Duration::from_secs(2);

/// Two schools, each behind its own NAT address; each stays well inside the per-address
/// upgrade limit (3,000 a minute) with its 1,000 joins and 1,000 resumes.
fn school(i: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1 + (i % 2) as u8))
}

struct Seat {
    id: Value,
    nickname: String,
    token: String,
    score: Value,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// How many players the host screen sees connected (a fresh host welcome lists them all).
async fn connected(server: &Server, game: i64) -> usize {
    let host = server.host(game).await;
    host.welcome["players"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["connected"] == true)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_phones_reconnecting_at_once_all_resume_and_the_server_stays_responsive() {
    let dir = tempfile::tempdir().unwrap();
    // Two big schools in one game: more than the default cap of a game (500) and than an
    // address's default joins a minute to one game (300).
    let mut cmd = hoithi(dir.path());
    cmd.env("HOITHI_PLAYERS_PER_GAME", PLAYERS.to_string()).env(
        "HOITHI_JOINS_PER_ADDRESS_PER_GAME_PER_MINUTE",
        PLAYERS.to_string(),
    );
    let server = Server::start_with(cmd).await;
    let (game, pin) = server
        .open_game(dir.path(), &[question("a", 120), question("b", 120)])
        .await;
    let mut host = server.host(game).await;

    // 2,000 players join (100 at a time), answer question 1 and read their result.
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(100));
    let mut joining = JoinSet::new();
    for i in 0..PLAYERS {
        let (gate, pin) = (gate.clone(), pin.clone());
        let addr = server.addr;
        joining.spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            join_from(addr, school(i), &pin, &format!("Em {i}")).await
        });
    }
    let mut phones = joining.join_all().await;
    let joined_in = started.elapsed();
    host.send(json!({"type": "start"})).await;
    let mut playing = JoinSet::new();
    for (i, mut ws) in phones.drain(..).enumerate() {
        playing.spawn(async move {
            ws.recv_type("question").await;
            // Half right, half wrong: scores differ.
            ws.answer(0, if i % 2 == 0 { 1 } else { 2 }).await;
            ws.recv_type("receipt").await;
            let result = ws.recv_type("result").await;
            let seat = Seat {
                id: ws.welcome["player"]["id"].clone(),
                nickname: ws.welcome["player"]["nickname"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                token: ws.token.clone(),
                score: result["score"].clone(),
            };
            (ws, seat)
        });
    }
    let (phones, seats): (Vec<_>, Vec<_>) = playing.join_all().await.into_iter().unzip();
    host.recv_type("reveal").await;
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    assert_eq!(connected(&server, game).await, PLAYERS);

    // The halls' Wi-Fi drops: every phone's connection ends at once, without a goodbye.
    drop(phones);
    let until = Instant::now() + Duration::from_secs(30);
    while connected(&server, game).await > 0 {
        assert!(
            Instant::now() < until,
            "the server notices the dropped phones"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // It comes back: each phone resumes after its own random delay.
    let storm = Instant::now();
    let mut resuming = JoinSet::new();
    let addr = server.addr;
    for (i, seat) in seats.into_iter().enumerate() {
        let delay = rand::rng().random_range(Duration::ZERO..JITTER);
        resuming.spawn(async move {
            tokio::time::sleep(delay).await;
            let began = Instant::now();
            let mut ws = ws_from(addr, school(i), None).await.expect("connects");
            ws.send(json!({"type": "resume", "v": 1, "token": seat.token}))
                .await;
            let welcome = ws.recv().await;
            let took = began.elapsed();
            assert_eq!(welcome["type"], "welcome", "{}: {welcome}", seat.nickname);
            assert_eq!(welcome["player"]["id"], seat.id);
            assert_eq!(welcome["player"]["nickname"], seat.nickname.as_str());
            assert_eq!(welcome["player"]["score"], seat.score, "{}", seat.nickname);
            assert_eq!(welcome["state"]["phase"], "leaderboard");
            assert_eq!(welcome["state"]["you"]["score"], seat.score);
            (ws, took)
        });
    }

    // Meanwhile the teacher's screen and a plain page request keep being answered.
    let mut host_waits = Vec::new();
    let mut http_waits = Vec::new();
    let mut locked = false;
    while storm.elapsed() < JITTER + Duration::from_millis(500) {
        locked = !locked;
        let sent = Instant::now();
        host.send(json!({"type": "lock", "locked": locked})).await;
        let reply = host.recv_type("locked").await;
        assert_eq!(reply["locked"], locked);
        host_waits.push(sent.elapsed());
        let sent = Instant::now();
        let resp = http(server.addr, "GET", "/api/units/communes", None, None).await;
        assert_eq!(resp.status, 200);
        http_waits.push(sent.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let back = resuming.join_all().await;
    let storm_took = storm.elapsed();
    let mut resumes: Vec<Duration> = back.iter().map(|(_, took)| *took).collect();
    resumes.sort();
    assert_eq!(connected(&server, game).await, PLAYERS, "all are back");

    let worst_host = *host_waits.iter().max().unwrap();
    let worst_http = *http_waits.iter().max().unwrap();
    eprintln!(
        "{PLAYERS} joined in {:.1} s; storm over in {:.1} s; resume p50 {:?} p99 {:?} max {:?}; \
         host command worst {worst_host:?} of {}; HTTP worst {worst_http:?} of {}; server RSS {} MiB",
        joined_in.as_secs_f64(),
        storm_took.as_secs_f64(),
        percentile(&resumes, 0.5),
        percentile(&resumes, 0.99),
        resumes.last().unwrap(),
        host_waits.len(),
        http_waits.len(),
        server.rss_kib() / 1024,
    );
    assert!(worst_host < RESPONSIVE, "host command took {worst_host:?}");
    assert!(worst_http < RESPONSIVE, "HTTP request took {worst_http:?}");
    assert!(
        *resumes.last().unwrap() < Duration::from_secs(10),
        "slowest resume {:?}",
        resumes.last().unwrap()
    );

    // The game goes on for all of them.
    host.send(json!({"type": "next"})).await;
    let mut phones: Vec<_> = back.into_iter().map(|(ws, _)| ws).collect();
    for ws in phones.iter_mut().take(50) {
        assert_eq!(ws.recv_type("question").await["q"], 1);
    }
}
