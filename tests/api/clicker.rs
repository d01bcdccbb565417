//! A presenter clicker pressed as the question closes by itself: its `next` carries the screen
//! it was meant for, and the room, already on the reveal, refuses it instead of skipping the
//! reveal nobody has seen.

use serde_json::json;

use crate::helpers::{question, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_meant_for_a_screen_the_room_has_left_changes_nothing() {
    let app = spawn_app().await;
    let (game, pin) = app
        .open_game(&[question("a", 30), question("b", 30)], json!({}))
        .await;
    let mut host = app.host(game).await;
    let mut lan = app.player(&pin, "Lan").await;
    host.send(json!({"type": "start"})).await;
    let shown = host.recv_type("question").await;
    lan.recv_type("question").await;
    // Everyone has answered: the room closes the question while the teacher presses.
    lan.answer(0, 1).await;
    let reveal = host.recv_type("reveal").await;
    host.send(json!({"type": "next", "seq": shown["seq"]}))
        .await;
    let refused = host.recv_type("error").await;
    assert_eq!(refused["code"], "wrong_phase", "{refused}");
    let late = host.try_recv(std::time::Duration::from_millis(300)).await;
    assert!(late.is_none(), "nothing moved: {late:?}");

    // The press meant for the reveal moves on to the leaderboard, as one without a seq does.
    host.send(json!({"type": "next", "seq": reveal["seq"]}))
        .await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    host.recv_type("question").await;
}
