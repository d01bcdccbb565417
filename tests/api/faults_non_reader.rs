//! Fault: phones that stop reading (a frozen browser tab, a phone in a pocket with the page
//! open). The host keeps the game going; the server lets those phones go once their outbox is
//! full, instead of buffering for them, and its memory does not grow with them.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{question, Ws};
use crate::process::{open_fds, ws_from, Server};

const NON_READERS: usize = 200;
const QUESTIONS: usize = 100;
/// Host screens on the game: `next` is spread over them, so none goes over the
/// per-connection message limit (bursts of 20).
const HOSTS: usize = 20;
const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// How a non-reading phone's connection ended, read after the fact.
#[derive(Debug, PartialEq)]
enum End {
    /// Closed by the server before the game ended.
    Closed,
    /// It got the podium: nobody let it go.
    SawPodium,
    /// Still open and silent.
    Open,
}

async fn read_to_end(mut ws: Ws) -> End {
    loop {
        match tokio::time::timeout(Duration::from_secs(30), ws.stream.next()).await {
            Err(_) => return End::Open,
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return End::Closed,
            Ok(Some(Ok(Message::Text(t)))) => {
                if t.contains("\"type\":\"podium\"") {
                    return End::SawPodium;
                }
            }
            Ok(Some(Ok(_))) => {}
        }
    }
}

/// Plays one game of QUESTIONS questions through to the podium with NON_READERS phones that
/// stop reading after their welcome and one phone that reads everything. Returns when the
/// non-readers have been let go and their sockets are closed.
async fn play_with_non_readers(server: &Server, dir: &std::path::Path, round: usize) {
    let questions: Vec<_> = (0..QUESTIONS)
        .map(|i| question(&format!("r{round}q{i}"), 60))
        .collect();
    let (game, pin) = server.open_game(dir, &questions).await;
    let mut hosts = Vec::new();
    for _ in 0..HOSTS {
        hosts.push(server.host(game).await);
    }
    let mut reader = Ws::connect(server.addr, None).await;
    reader
        .send(json!({"type": "join", "v": 1, "pin": pin, "nickname": "Đọc hết"}))
        .await;
    assert_eq!(reader.recv().await["type"], "welcome");
    let reading = tokio::spawn(async move {
        let mut events = 0;
        loop {
            let msg = reader.recv().await;
            events += 1;
            if msg["type"] == "final" {
                return (reader, events);
            }
        }
    });
    let mut sleepers = Vec::new();
    for i in 0..NON_READERS {
        // A 2 KB receive buffer: the phone's kernel takes little before the server's queue
        // for it has to hold the rest.
        let mut ws = ws_from(server.addr, LOCAL, Some(2048)).await.unwrap();
        ws.send(json!({"type": "join", "v": 1, "pin": pin, "nickname": format!("Ngủ {i}")}))
            .await;
        assert_eq!(ws.recv().await["type"], "welcome");
        sleepers.push(ws);
    }

    // The host runs the whole game: question, reveal, leaderboard, … podium.
    let game_started = Instant::now();
    let mut seq = 0;
    let mut turn = 0;
    loop {
        let host = &mut hosts[turn % HOSTS];
        turn += 1;
        let command = if turn == 1 { "start" } else { "next" };
        host.send(json!({"type": command})).await;
        // The event this `next` caused: the next room sequence number.
        let event = loop {
            let msg = host.recv().await;
            assert_ne!(msg["type"], "error", "{msg}");
            if matches!(
                msg["type"].as_str(),
                Some("question" | "reveal" | "leaderboard" | "podium")
            ) && msg["seq"].as_u64().unwrap() > seq
            {
                break msg;
            }
        };
        seq = event["seq"].as_u64().unwrap();
        if event["type"] == "podium" {
            break;
        }
    }
    let (reader, events) = reading.await.unwrap();
    assert!(
        events >= 4 * QUESTIONS,
        "the phone that reads gets everything: {events}"
    );

    // Measured, not asserted: a game shorter than the 10 s write timeout whose non-readers are
    // all gone at the podium shows the bounded outbox at work.
    let at_podium = server.host(game).await.welcome["players"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["connected"] == true)
        .count();
    eprintln!(
        "game {round}: {QUESTIONS} questions in {:.1} s; players connected at the podium: {at_podium} (the reader among them)",
        game_started.elapsed().as_secs_f64()
    );

    // The server let every non-reader go, and only them.
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let host = server.host(game).await;
        let players = host.welcome["players"].as_array().unwrap().clone();
        let connected: Vec<_> = players.iter().filter(|p| p["connected"] == true).collect();
        if connected.len() == 1 {
            assert_eq!(connected[0]["nickname"], "Đọc hết");
            break;
        }
        assert!(
            Instant::now() < until,
            "{} phones still connected",
            connected.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Seen from the phones: what was queued, then the server's close, never the podium.
    let mut ends = JoinSet::new();
    for ws in sleepers {
        ends.spawn(read_to_end(ws));
    }
    let ends = ends.join_all().await;
    assert!(ends.iter().all(|e| *e == End::Closed), "{ends:?}");
    drop(reader);
    drop(hosts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phones_that_never_read_are_dropped_and_the_server_memory_does_not_grow() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let idle_fds = open_fds(server.pid());
    let started = Instant::now();
    let mut rss = vec![server.rss_kib()];
    for round in 0..3 {
        play_with_non_readers(&server, dir.path(), round).await;
        // Wait until the server has closed the sockets (its tasks for them are gone).
        let until = Instant::now() + Duration::from_secs(30);
        while open_fds(server.pid()) > idle_fds + 5 {
            assert!(
                Instant::now() < until,
                "{} files open, {idle_fds} when idle",
                open_fds(server.pid())
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        rss.push(server.rss_kib());
    }
    eprintln!(
        "RSS (KiB) at start and after each round of {NON_READERS} non-readers: {rss:?}; {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The first round warms the allocator up; the later ones must not add to it. A finished
    // game stays in memory 15 minutes for its podium (a few hundred KB each).
    let growth = rss[3].saturating_sub(rss[1]);
    assert!(
        growth < 4 * 1024,
        "RSS grew {growth} KiB over two rounds of {NON_READERS} non-readers: {rss:?}"
    );
}
