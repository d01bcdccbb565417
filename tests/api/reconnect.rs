//! A player who reloads or loses the network keeps their identity and score.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{question, spawn_app, Ws};

#[tokio::test]
async fn a_player_who_disconnects_mid_question_resumes_with_the_same_score_and_time() {
    let app = spawn_app().await;
    let (game, pin) = app
        .open_game(&[question("a", 30), question("b", 30)], json!({}))
        .await;
    let mut host = app.host(game).await;
    let mut lan = app.player(&pin, "Lan").await;
    let mut minh = app.player(&pin, "Minh").await;
    host.send(json!({"type": "start"})).await;
    for p in [&mut lan, &mut minh] {
        p.recv_type("question").await;
        p.answer(0, 1).await;
        p.recv_type("receipt").await;
    }
    let first = lan.recv_type("result").await;
    assert!(first["score"].as_u64().unwrap() > 0);
    host.recv_type("reveal").await;
    host.send(json!({"type": "next"})).await;
    host.send(json!({"type": "next"})).await;
    let question = lan.recv_type("question").await;
    let seq = question["seq"].as_u64().unwrap();

    // Lan's Wi-Fi drops for a moment in the middle of the second question.
    let token = lan.token.clone();
    drop(lan);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut back = Ws::connect(app.addr, None).await;
    back.send(json!({"type": "resume", "v": 1, "token": token}))
        .await;
    let welcome = back.recv().await;
    assert_eq!(welcome["type"], "welcome", "{welcome}");
    assert_eq!(welcome["player"]["nickname"], "Lan");
    assert_eq!(welcome["player"]["score"], first["score"]);
    assert_eq!(welcome["seq"].as_u64().unwrap(), seq, "no event was missed");
    assert!(
        welcome.get("token").is_none(),
        "the token is given once, at join"
    );
    let state = &welcome["state"];
    assert_eq!(state["phase"], "question");
    assert_eq!(state["answered"], false);
    assert_eq!(state["question"]["q"], 1);
    let remaining = state["question"]["remaining_ms"].as_u64().unwrap();
    assert!(
        (25_000..=28_500).contains(&remaining),
        "server-computed remaining time: {remaining}"
    );

    back.answer(1, 1).await;
    assert_eq!(back.recv().await["type"], "receipt");
    minh.recv_type("question").await;
    minh.answer(1, 2).await;
    let result = back.recv_type("result").await;
    assert!(result["score"].as_u64().unwrap() > first["score"].as_u64().unwrap());
    assert_eq!(result["rank"], 1);
}

#[tokio::test]
async fn a_second_connection_of_the_same_player_replaces_the_first() {
    let app = spawn_app().await;
    let (_, pin) = app.open_game(&[question("a", 30)], json!({})).await;
    let mut first = app.player(&pin, "Lan").await;
    let mut second = Ws::connect(app.addr, None).await;
    second
        .send(json!({"type": "resume", "v": 1, "token": first.token}))
        .await;
    assert_eq!(second.recv().await["type"], "welcome");
    let bye = first.recv().await;
    assert_eq!(bye["type"], "bye");
    assert_eq!(bye["reason"], "replaced");
}

#[tokio::test]
async fn a_forged_token_is_refused() {
    let app = spawn_app().await;
    let (game, pin) = app.open_game(&[question("a", 30)], json!({})).await;
    let lan = app.player(&pin, "Lan").await;
    let mut thief = Ws::connect(app.addr, None).await;
    let forged = format!("{game}.{}.{}", lan.welcome["player"]["id"], "0".repeat(32));
    for token in [forged.as_str(), "garbage", "1.2.3"] {
        thief
            .send(json!({"type": "resume", "v": 1, "token": token}))
            .await;
        assert_eq!(thief.recv().await["code"], "invalid_token", "{token}");
    }
}
