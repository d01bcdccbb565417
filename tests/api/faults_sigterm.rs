//! Fault: SIGTERM to the server process in the middle of a question. Every answer a phone got
//! a receipt for is in the report after a restart, and the report says the game was
//! interrupted (a game is not resumed across a restart: its room, timers and connections are
//! gone; see docs/security.md).

use std::time::Duration;

use serde_json::json;

use crate::helpers::{question, Ws};
use crate::process::Server;

#[tokio::test]
async fn sigterm_mid_question_keeps_every_acknowledged_answer_and_the_report_says_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let (game, pin) = server
        .open_game(dir.path(), &[question("a", 30), question("b", 60)])
        .await;
    let mut host = server.host(game).await;
    let mut players = Vec::new();
    for i in 0..8 {
        let mut ws = Ws::connect(server.addr, None).await;
        ws.send(json!({"type": "join", "v": 1, "pin": pin, "nickname": format!("Em {i}")}))
            .await;
        let welcome = ws.recv().await;
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        ws.token = welcome["token"].as_str().unwrap().to_owned();
        ws.welcome = welcome;
        players.push(ws);
    }

    // Question 1 is played to the end: everyone answers, right.
    host.send(json!({"type": "start"})).await;
    for p in players.iter_mut() {
        p.recv_type("question").await;
        p.answer(0, 1).await;
    }
    let mut first_scores = Vec::new();
    for p in players.iter_mut() {
        first_scores.push(p.recv_type("result").await["score"].as_i64().unwrap());
    }
    host.send(json!({"type": "next"})).await;
    host.send(json!({"type": "next"})).await;

    // Question 2 is open: five answers are acknowledged (three right, two wrong), two are
    // on their way when SIGTERM comes, one phone has not answered.
    for p in players.iter_mut() {
        assert_eq!(p.recv_type("question").await["q"], 1);
    }
    for (i, p) in players.iter_mut().enumerate().take(5) {
        p.answer(1, if i < 3 { 1 } else { 2 }).await;
        assert_eq!(p.recv_type("receipt").await["q"], 1);
    }
    players[5].answer(1, 1).await;
    players[6].answer(1, 1).await;
    server.terminate();

    // Every phone and the host screen are told the server is going away.
    for p in players.iter_mut().chain(std::iter::once(&mut host)) {
        let bye = p.recv_type("bye").await;
        assert_eq!(bye["reason"], "shutdown", "{bye}");
    }
    let mut server = server;
    let status = server
        .wait_exit(Duration::from_secs(40))
        .await
        .expect("the server exits after SIGTERM");
    assert!(status.success(), "{status}; log:\n{}", server.log());
    assert!(
        server.log().contains("all writes are on disk"),
        "{}",
        server.log()
    );
    drop(server);

    // The next start on the same data folder.
    let again = Server::start(dir.path()).await;
    let resp = again.get(&format!("/api/games/{game}/report")).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let report = resp.json();
    assert_eq!(report["status"], "interrupted", "{report}");
    assert_eq!(report["status_text"], "Trò chơi bị gián đoạn", "{report}");
    assert_eq!(report["questions"][0]["answered"], 8);
    let second = report["questions"][1]["answered"].as_i64().unwrap();
    assert!(
        (5..=7).contains(&second),
        "the 5 acknowledged answers, and maybe the 2 in flight: {second}"
    );
    for (i, first) in first_scores.iter().enumerate().take(5) {
        let name = format!("Em {i}");
        let line = report["players"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["nickname"] == name.as_str())
            .unwrap_or_else(|| panic!("{name} in {report}"));
        assert_eq!(line["answered"], 2, "{line}");
        assert_eq!(line["correct"], if i < 3 { 2 } else { 1 }, "{line}");
        if i < 3 {
            assert!(line["score"].as_i64().unwrap() > *first, "{line}");
        } else {
            assert_eq!(line["score"].as_i64().unwrap(), *first, "{line}");
        }
    }

    // The teacher's list, the CSV and the workbook say so too.
    let games = again.get("/api/games").await.json();
    let listed = games
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == game)
        .expect("the game is listed");
    assert_eq!(listed["status"], "interrupted");
    let csv = again
        .get(&format!("/api/games/{game}/report.csv?part=players"))
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("Trò chơi bị gián đoạn"), "{}", csv.body);

    // The game is closed, not resumable: its tokens and its host screen are refused cleanly.
    let mut phone = Ws::connect(again.addr, None).await;
    phone
        .send(json!({"type": "resume", "v": 1, "token": players[0].token}))
        .await;
    assert_eq!(phone.recv().await["code"], "invalid_token");
    let mut screen = Ws::connect(again.addr, Some(&again.cookie)).await;
    screen
        .send(json!({"type": "host", "v": 1, "game": game}))
        .await;
    assert_eq!(screen.recv().await["code"], "game_not_found");
}
