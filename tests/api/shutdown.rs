//! Graceful shutdown and restart: no acknowledged answer is lost, finished results survive.

use hoithi::domain::GameId;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{question, spawn_app, start_in};

#[tokio::test]
async fn shutdown_says_goodbye_keeps_every_acknowledged_answer_and_results_survive_a_restart() {
    let app = spawn_app().await;
    let (game, pin) = app
        .open_game(&[question("a", 30), question("b", 30)], json!({}))
        .await;
    let mut host = app.host(game).await;
    let mut players = Vec::new();
    for i in 0..10 {
        players.push(app.player(&pin, &format!("P{i}")).await);
    }
    host.send(json!({"type": "start"})).await;
    for p in players.iter_mut() {
        p.recv_type("question").await;
        p.answer(0, 1).await;
    }
    for p in players.iter_mut() {
        p.recv_type("receipt").await;
    }
    let before = app
        .store()
        .report(GameId::new(game))
        .await
        .unwrap()
        .unwrap();

    let addr = app.addr;
    let stopping = tokio::spawn(async move { app.stop().await });
    for p in players.iter_mut() {
        let bye = p.recv_type("bye").await;
        assert_eq!(bye["reason"], "shutdown");
    }
    let dir = tokio::time::timeout(Duration::from_secs(30), stopping)
        .await
        .unwrap()
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the port is closed"
    );

    let again = start_in(dir).await;
    let after = again
        .store()
        .report(GameId::new(game))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        after.questions[0].answered, 10,
        "every acknowledged answer is on disk"
    );
    assert_eq!(after.players, before.players);
    assert_eq!(
        after.status,
        hoithi::storage::GameStatus::Interrupted,
        "the report says the game did not finish"
    );
}
