//! Fault: a phone's network dies mid-question (no close frame, no FIN: the server sees a
//! silent peer) and comes back 5 s later. The phone resumes as web/common.js does, and finds
//! the same deadline, its identity and score, and an unbroken run of room events.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::helpers::{question, spawn_app, Ws};

/// A TCP relay between phones and the server, standing for the school's Wi-Fi. `cut` turns
/// every connection open now into a black hole: nothing passes either way and nothing is
/// closed, as when a phone leaves the Wi-Fi's reach. Connections made later pass normally.
struct Relay {
    addr: SocketAddr,
    cut: watch::Sender<u64>,
}

impl Relay {
    async fn start(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (cut, _) = watch::channel(0u64);
        let cuts = cut.clone();
        tokio::spawn(async move {
            while let Ok((phone, _)) = listener.accept().await {
                let server = TcpStream::connect(upstream).await.unwrap();
                tokio::spawn(pipe(phone, server, cuts.subscribe()));
            }
        });
        Relay { addr, cut }
    }

    fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }
}

async fn pipe(mut phone: TcpStream, mut server: TcpStream, mut cut: watch::Receiver<u64>) {
    let mut a = vec![0u8; 16 * 1024];
    let mut b = vec![0u8; 16 * 1024];
    loop {
        tokio::select! {
            n = phone.read(&mut a) => match n {
                Ok(n) if n > 0 => if server.write_all(&a[..n]).await.is_err() { return },
                // The phone gave up on its side: on a dead network, the server hears nothing.
                _ => break,
            },
            n = server.read(&mut b) => match n {
                Ok(n) if n > 0 => if phone.write_all(&b[..n]).await.is_err() { return },
                _ => return,
            },
            _ = cut.changed() => break,
        }
    }
    // The black hole: the server's socket stays open and unread, so the server gets neither a
    // close frame nor a FIN; whatever it sends piles up unanswered. The phone's side is let go.
    drop(phone);
    tokio::time::sleep(Duration::from_secs(120)).await;
    drop(server);
}

/// Room events carry the room's `seq`; receipts, results and finals repeat their event's.
fn is_room_event(msg: &Value) -> bool {
    matches!(
        msg["type"].as_str(),
        Some(
            "question"
                | "reveal"
                | "leaderboard"
                | "podium"
                | "locked"
                | "lobby"
                | "answered"
                | "kicked"
                | "bye"
        )
    )
}

#[tokio::test]
async fn a_phone_cut_off_for_5_s_mid_question_resumes_with_the_same_deadline_score_and_events() {
    let app = spawn_app().await;
    let relay = Relay::start(app.addr).await;
    let limit_ms = 30_000u64;
    let (game, pin) = app
        .open_game(&[question("a", 30), question("b", 30)], json!({}))
        .await;
    let mut host = app.host(game).await;
    // Lan's phone is on the Wi-Fi (through the relay); Minh's is not affected.
    let mut lan = Ws::connect(relay.addr, None).await;
    lan.send(json!({"type": "join", "v": 1, "pin": pin, "nickname": "Lan"}))
        .await;
    let welcome = lan.recv().await;
    assert_eq!(welcome["type"], "welcome", "{welcome}");
    let token = welcome["token"].as_str().unwrap().to_owned();
    let lan_id = welcome["player"]["id"].clone();
    let mut minh = app.player(&pin, "Minh").await;

    // Question 1: both answer, so Lan has a score to keep.
    host.send(json!({"type": "start"})).await;
    lan.recv_type("question").await;
    lan.answer(0, 1).await;
    assert_eq!(lan.recv_type("receipt").await["q"], 0);
    minh.recv_type("question").await;
    minh.answer(0, 2).await;
    let first = lan.recv_type("result").await;
    let score = first["score"].as_u64().unwrap();
    assert!(score > 0, "{first}");
    host.recv_type("reveal").await;
    host.send(json!({"type": "next"})).await;
    host.send(json!({"type": "next"})).await;

    // Question 2 opens; a moment later Lan's Wi-Fi dies.
    let open = lan.recv_type("question").await;
    let opened_at = Instant::now();
    assert_eq!(open["q"], 1);
    let seq = open["seq"].as_u64().unwrap();
    minh.recv_type("question").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    relay.cut();
    drop(lan);

    // While Lan is away the room moves on: the host locks the lobby (a room event Lan's old
    // connection cannot receive) and Minh answers.
    host.send(json!({"type": "lock", "locked": true})).await;
    let locked = host.recv_type("locked").await;
    assert_eq!(locked["seq"].as_u64().unwrap(), seq + 1);
    minh.answer(1, 2).await;
    minh.recv_type("receipt").await;

    // 5 s later the phone is back and resumes with its token, as web/play.js does.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut back = Ws::connect(relay.addr, None).await;
    let resumed_at = Instant::now();
    back.send(json!({"type": "resume", "v": 1, "token": token}))
        .await;
    let welcome = back.recv().await;
    let welcomed_at = Instant::now();
    assert_eq!(welcome["type"], "welcome", "{welcome}");
    assert_eq!(welcome["player"]["id"], lan_id, "the same player");
    assert_eq!(welcome["player"]["nickname"], "Lan");
    assert_eq!(welcome["player"]["score"].as_u64(), Some(score));
    assert_eq!(
        welcome["seq"].as_u64(),
        Some(seq + 1),
        "the snapshot is as of the lock Lan missed"
    );
    let state = &welcome["state"];
    assert_eq!(state["phase"], "question", "{welcome}");
    assert_eq!(state["question"]["q"], 1);
    assert_eq!(state["answered"], false);

    // The deadline did not move. The question opened before Lan saw it and the snapshot was
    // taken between the resume and the welcome, so the remaining time lies between these
    // bounds (the lower one allows 1 s for delivering the question on a loaded machine).
    let remaining = state["question"]["remaining_ms"].as_u64().unwrap();
    let since = |t: Instant| t.duration_since(opened_at).as_millis() as u64;
    let most = limit_ms - since(resumed_at);
    let least = (limit_ms - since(welcomed_at)).saturating_sub(1_000);
    assert!(
        (least..=most).contains(&remaining),
        "remaining {remaining} ms, expected {least}..={most} (a restarted clock would say ~{limit_ms})"
    );

    // Lan answers: the answer time runs from when question 2 opened, 5.5 s and more ago, not
    // from the resume, so it earns less than a fresh clock would give.
    let answered_after = since(Instant::now());
    back.answer(1, 1).await;
    let receipt = back.recv().await;
    assert_eq!(receipt["type"], "receipt", "{receipt}");
    assert_eq!(receipt["q"], 1);

    // Every player has answered: the question closes. Then the leaderboard and the podium.
    let mut events = Vec::new();
    let mut result = None;
    loop {
        let msg = back.recv().await;
        match msg["type"].as_str() {
            Some("result") => {
                result = Some(msg.clone());
                host.send(json!({"type": "next"})).await;
            }
            Some("leaderboard") => host.send(json!({"type": "next"})).await,
            _ => {}
        }
        let done = msg["type"] == "final";
        events.push(msg);
        if done {
            break;
        }
    }
    let result = result.expect("a result for question 2");
    let points = result["points"].as_u64().unwrap();
    let fresh_clock = 1000 - 1000 * answered_after / (2 * limit_ms);
    assert!(
        points > 0 && points <= fresh_clock,
        "{points} points: the answer time counts from when the question opened ({answered_after} ms)"
    );
    assert_eq!(result["score"].as_u64(), Some(score + points));

    // Room events after the welcome: each seq once, one after the other, nothing from before.
    let seqs: Vec<u64> = events
        .iter()
        .filter(|m| is_room_event(m))
        .map(|m| m["seq"].as_u64().unwrap())
        .collect();
    let types: Vec<&str> = events
        .iter()
        .filter(|m| is_room_event(m))
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["reveal", "leaderboard", "podium"], "{events:?}");
    assert_eq!(seqs, [seq + 2, seq + 3, seq + 4], "no gap, no repeat");
    for msg in &events {
        // Personal messages carry the seq of the event they belong to.
        assert!(msg["seq"].as_u64().unwrap() > seq + 1, "{msg}");
    }
    assert!(
        events.iter().all(|m| m["type"] != "bye"),
        "the new connection is not told to go: {events:?}"
    );
}
