//! The reading time, through the real server: the question shows with `answers_in_ms`, an
//! answer before the unlock is refused with `too_early` and counts as nothing, one after it is
//! scored from the unlock; the setting's range is checked when the game opens.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{question, spawn_app, Ws};

const READING_MS: u64 = 1_500;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_open_after_the_reading_time_and_are_scored_from_then() {
    let app = spawn_app().await;
    let (game, pin) = app
        .open_game(&[question("a", 30)], json!({"reading_ms": READING_MS}))
        .await;
    let mut host = app.host(game).await;
    let mut lan = app.player(&pin, "Lan").await;
    let _minh = app.player(&pin, "Minh").await; // keeps the question open after Lan answers
    host.send(json!({"type": "start"})).await;

    let shown = lan.recv_type("question").await;
    assert_eq!(shown["answers_in_ms"], READING_MS, "{shown}");
    assert_eq!(shown["remaining_ms"], READING_MS + 30_000);
    assert_eq!(shown["time_limit_ms"], 30_000);
    let opened = tokio::time::Instant::now();

    // Too early: refused, and the same player may answer once answers open.
    lan.answer(0, 1).await;
    let refused = lan.recv_type("error").await;
    assert_eq!(refused["code"], "too_early", "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("đọc"));

    // Someone joining during the reading time is told how long is left of it.
    let mut late = Ws::connect(app.addr, None).await;
    late.join_as(&pin, "Muộn").await;
    let snapshot = &late.welcome["state"]["question"];
    let left = snapshot["answers_in_ms"].as_u64().expect("still reading");
    assert!(left > 0 && left <= READING_MS, "{snapshot}");

    tokio::time::sleep_until(opened + Duration::from_millis(READING_MS + 50)).await;
    lan.answer(0, 1).await;
    lan.recv_type("receipt").await;
    host.send(json!({"type": "next"})).await;
    let result = lan.recv_type("result").await;
    assert_eq!(result["correct"], true, "{result}");
    // Counted from the opening, the answer took over 1.5 s of 30: at most 975 points.
    let points = result["points"].as_u64().unwrap();
    assert!(
        points > 975,
        "{points}: the clock ran from the unlock, not the opening"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reading_time_out_of_range_is_refused_when_the_game_opens() {
    let app = spawn_app().await;
    let quiz = app
        .store()
        .create_quiz(
            hoithi::domain::AccountId::new(1),
            "Đọc",
            &[question("a", 30)],
        )
        .await
        .unwrap();
    for ms in [0, 999, 30_001] {
        let resp = app
            .post(
                "/api/games",
                &json!({"quiz": quiz, "settings": {"reading_ms": ms}}),
            )
            .await;
        assert_eq!(resp.status, 422, "{ms}: {}", resp.body);
        let body = resp.json();
        assert_eq!(body["code"], "invalid_settings");
        assert_eq!(
            body["message"],
            "Thời gian đọc câu hỏi phải từ 1 đến 30 giây."
        );
    }
    for ms in [1_000, 30_000] {
        let resp = app
            .post(
                "/api/games",
                &json!({"quiz": quiz, "settings": {"reading_ms": ms}}),
            )
            .await;
        assert_eq!(resp.status, 200, "{ms}: {}", resp.body);
    }
}
