//! Redis killed in the middle of a live game: the game goes on (answers are durable in the
//! database), the live board catches up once Redis is back, and a board rebuilt from the
//! database equals the totals SQL computes. Killed again while the game is idle, the board
//! comes back by itself.

use hoithi::domain::GameId;
use std::time::{Duration, Instant};

use hoithi::leaderboard::{Leaderboards, RedisBoards};
use hoithi::rankings::feed;
use serde_json::json;

use crate::helpers::{question, spawn_app_with_redis_at, TestApp, Ws};
use crate::process::Redis;

const PLAYERS: usize = 500;

/// From a reveal to the next question: the leaderboard, then the question.
async fn next_question(host: &mut Ws) {
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
}

/// The board's entries, best first.
async fn board(url: &str, game: i64) -> Vec<String> {
    let boards = Leaderboards::Redis(RedisBoards::connect(url, "hoithi:").await.unwrap());
    boards
        .page(&feed::game_board(GameId::new(game)), 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.entry)
        .collect()
}

/// The entries the database says the board should hold, best first: totals by SQL (the
/// report), kicked players left out.
async fn totals_by_sql(app: &TestApp, game: i64) -> Vec<String> {
    let report = app.get(&format!("/api/games/{game}/report")).await.json();
    let mut entries: Vec<String> = report["players"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kicked"] == false)
        .map(|p| {
            feed::game_entry(
                p["score"].as_i64().unwrap(),
                p["answer_time_ms"].as_i64().unwrap(),
                p["player"].as_i64().unwrap(),
            )
        })
        .collect();
    entries.sort();
    entries
}

/// One question: every fifth player stays silent, the others answer (one in three wrong).
/// Returns how many answers were acknowledged.
async fn play_question(players: &mut [Ws], host: &mut Ws, q: u64) -> usize {
    for p in players.iter_mut() {
        assert_eq!(p.recv_type("question").await["q"], q);
    }
    let mut acked = 0;
    for (i, p) in players.iter_mut().enumerate() {
        match i % 5 {
            4 => {}
            1 => p.answer(q, 2).await,
            _ => p.answer(q, 1).await,
        }
    }
    for (i, p) in players.iter_mut().enumerate() {
        if i % 5 != 4 {
            assert_eq!(p.recv_type("receipt").await["q"], q);
            acked += 1;
        }
    }
    assert_eq!(host.recv_type("reveal").await["q"], q);
    acked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_game_the_game_goes_on_and_the_board_catches_up() {
    let redis = Redis::start(&[]).await;
    let (port, url) = (redis.port, redis.url.clone());
    let app = spawn_app_with_redis_at(&url).await;
    let questions = [question("a", 5), question("b", 5), question("c", 5)];
    let (game, pin) = app.open_game(&questions, json!({})).await;
    let mut host = app.host(game).await;
    let mut players = Vec::with_capacity(PLAYERS);
    // Two schools' addresses: 250 joins each, inside an address's 300 a minute to one game.
    for i in 0..PLAYERS {
        let school = std::net::IpAddr::from([127, 0, 0, 1 + (i % 2) as u8]);
        let nickname = format!("Người chơi {i:03}");
        players.push(crate::process::join_from(app.addr, school, &pin, &nickname).await);
    }
    host.send(json!({"type": "start"})).await;

    assert_eq!(play_question(&mut players, &mut host, 0).await, 400);
    let deadline = Instant::now() + Duration::from_secs(20);
    while board(&url, game).await != totals_by_sql(&app, game).await {
        assert!(Instant::now() < deadline, "the live board follows the game");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(board(&url, game).await.len(), PLAYERS);

    // Redis dies without a word. The next question is played in full: every answer is
    // acknowledged (it is in the database) and the reveal comes.
    redis.kill();
    next_question(&mut host).await;
    assert_eq!(play_question(&mut players, &mut host, 1).await, 400);

    // Redis comes back empty, on the same address; the game goes on.
    let redis = Redis::start_on(port, &[]).await;
    next_question(&mut host).await;
    assert_eq!(play_question(&mut players, &mut host, 2).await, 400);

    let expected = totals_by_sql(&app, game).await;
    assert_eq!(expected.len(), PLAYERS);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let live = board(&url, game).await;
        if live == expected {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the live board caught up: {} of {} entries, first {:?} vs {:?}",
            live.len(),
            expected.len(),
            live.first(),
            expected.first()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // And the board rebuilt from the database is the same.
    let resp = app
        .post(&format!("/api/rankings/game-{game}/rebuild"), &json!({}))
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(board(&url, game).await, expected);

    // Redis restarts empty again while the game waits between questions: no write of the
    // feed fails, nothing changes in the game, yet the board comes back (the feed sees
    // Redis's new run_id and writes every player again).
    redis.kill();
    let _redis = Redis::start_on(port, &[]).await;
    assert!(
        board(&url, game).await.len() < PLAYERS,
        "Redis came back empty"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while board(&url, game).await != expected {
        assert!(
            Instant::now() < deadline,
            "the board came back without another question"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
