//! Old games lose their players and answers after the retention limit; games still open and
//! recent games keep theirs.

use hoithi::domain::GameId;
use std::time::{Duration, Instant};

use hoithi::storage::unix_ms;
use serde_json::json;

use crate::helpers::{question, spawn_app};

#[tokio::test]
async fn games_older_than_the_limit_lose_their_players_and_answers_and_nothing_else() {
    let app = spawn_app().await;
    let (done, pin) = app.open_game(&[question("a", 5)], json!({})).await;
    let mut host = app.host(done).await;
    let mut players = [
        app.player(&pin, "Lan").await,
        app.player(&pin, "Minh").await,
    ];
    host.send(json!({"type": "start"})).await;
    for p in players.iter_mut() {
        p.recv_type("question").await;
        p.answer(0, 1).await;
        p.recv_type("receipt").await;
    }
    host.recv_type("reveal").await;
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    host.recv_type("podium").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.get(&format!("/api/games/{done}/report")).await.json()["status"] != "finished" {
        assert!(
            Instant::now() < deadline,
            "the game is recorded as finished"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A second game still in its lobby.
    let (open, pin) = app.open_game(&[question("b", 5)], json!({})).await;
    let _waiting = app.player(&pin, "Hoa").await;

    let day = 24 * 3600 * 1000;
    let store = app.store();
    let (players, answers, _) = store.game_row_counts(GameId::new(done)).await.unwrap();
    assert_eq!(
        (players, answers),
        (2, 2),
        "the finished game holds its rows"
    );
    assert_eq!(
        store.purge_games_before(unix_ms() - day).await.unwrap(),
        0,
        "nothing is old yet"
    );
    assert_eq!(store.purge_games_before(unix_ms() + day).await.unwrap(), 1);

    let report = app.get(&format!("/api/games/{done}/report")).await.json();
    assert_eq!(
        report["status"], "finished",
        "the game itself is still listed"
    );
    assert_eq!(report["players"], json!([]), "{report}");
    assert_eq!(
        store.game_row_counts(GameId::new(done)).await.unwrap(),
        (0, 0, 0),
        "players, answers and misses are gone"
    );
    let report = app.get(&format!("/api/games/{open}/report")).await.json();
    assert_eq!(
        report["players"].as_array().unwrap().len(),
        1,
        "an open game keeps its players: {report}"
    );
    assert_eq!(
        store.purge_games_before(unix_ms() + day).await.unwrap(),
        0,
        "purging again finds nothing"
    );
}
