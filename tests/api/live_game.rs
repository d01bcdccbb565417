//! Whole games with many real clients.

use hoithi::domain::GameId;
use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{question, spawn_app, OPTIONS};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Plays {
    Right,
    Wrong,
    Late,
    Silent,
}

fn role(i: usize) -> Plays {
    match i {
        0..=9 => Plays::Right,
        10..=19 => Plays::Wrong,
        20..=24 => Plays::Late,
        _ => Plays::Silent,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_players_play_a_whole_game_and_the_database_agrees() {
    let app = spawn_app().await;
    let questions = [question("a", 5), question("b", 5), question("c", 5)];
    let (game, pin) = app.open_game(&questions, json!({})).await;
    let mut host = app.host(game).await;
    let mut players = Vec::new();
    for i in 0..30 {
        players.push(app.player(&pin, &format!("Học sinh {i:02}")).await);
    }
    let lobby = host.recv_type("lobby").await;
    assert!(lobby["count"].as_u64().unwrap() >= 1, "{lobby}");

    host.send(json!({"type": "start"})).await;
    let mut shown_scores: HashMap<usize, u64> = HashMap::new();
    for (qi, _) in questions.iter().enumerate() {
        let mut seq = 0;
        for p in players.iter_mut() {
            let msg = p.recv_type("question").await;
            assert_eq!(msg["q"], qi);
            assert_eq!(msg["options"].as_array().unwrap().len(), 4);
            assert!(
                msg.get("correct").is_none() && !msg.to_string().contains("\"key\""),
                "no answer before the reveal: {msg}"
            );
            seq = msg["seq"].as_u64().unwrap();
        }
        for (i, p) in players.iter_mut().enumerate() {
            match role(i) {
                Plays::Right => p.answer(qi as u64, 1).await,
                Plays::Wrong => p.answer(qi as u64, 2).await,
                _ => {}
            }
        }
        for (i, p) in players.iter_mut().enumerate() {
            if matches!(role(i), Plays::Right | Plays::Wrong) {
                let receipt = p.recv().await;
                assert_eq!(
                    receipt,
                    json!({"type": "receipt", "seq": seq, "q": qi}),
                    "a receipt says nothing of right or wrong"
                );
            }
        }
        let host_answered = host.recv_type("answered").await;
        assert_eq!(host_answered["of"], 30);

        // The question closes at the deadline (plus the grace): late and silent players are
        // still connected, so it cannot close early.
        let reveal = host.recv_type("reveal").await;
        let id_of = |n: usize| host.shown().id_of(qi as u64, OPTIONS[n - 1]).unwrap();
        assert_eq!(reveal["correct"], json!([id_of(1)]));
        assert_eq!(reveal["answered"], 20);
        assert_eq!(reveal["right"], 10);
        assert_eq!(reveal["distribution"][id_of(1).to_string()], 10);
        assert_eq!(reveal["distribution"][id_of(2).to_string()], 10);
        assert_eq!(reveal["explanation"], "OTP chỉ dành cho chính chủ.");

        for (i, p) in players.iter_mut().enumerate() {
            let r = p.recv_type("reveal").await;
            assert_eq!(r, reveal, "everyone sees the same reveal");
            let result = p.recv().await;
            assert_eq!(result["type"], "result", "{result}");
            let points = result["points"].as_u64().unwrap();
            match role(i) {
                Plays::Right => {
                    assert_eq!(result["correct"], true);
                    assert!((500..=1000).contains(&points), "{points}");
                }
                _ => {
                    assert_eq!(result["correct"], false);
                    assert_eq!(points, 0);
                }
            }
            assert_eq!(
                result["answered"],
                matches!(role(i), Plays::Right | Plays::Wrong)
            );
            let total = shown_scores.entry(i).or_default();
            *total += points;
            assert_eq!(result["score"].as_u64().unwrap(), *total);
        }
        // Late answers are refused and count as no answer.
        for (i, p) in players.iter_mut().enumerate() {
            if role(i) == Plays::Late {
                p.answer(qi as u64, 1).await;
                let err = p.recv().await;
                assert_eq!(err["type"], "error");
                assert_eq!(err["code"], "too_late", "{err}");
            }
        }

        host.send(json!({"type": "next"})).await;
        let board = host.recv_type("leaderboard").await;
        let top = board["top"].as_array().unwrap();
        assert_eq!(top.len(), 10);
        let scores: Vec<u64> = top.iter().map(|e| e["score"].as_u64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        for entry in top {
            let nick = entry["nickname"].as_str().unwrap();
            let i: usize = nick.trim_start_matches("Học sinh ").parse().unwrap();
            assert_eq!(role(i), Plays::Right, "only right answers reach the top 10");
        }
        for p in players.iter_mut() {
            assert_eq!(p.recv_type("leaderboard").await, board);
        }
        host.send(json!({"type": "next"})).await;
    }

    let podium = host.recv_type("podium").await;
    assert_eq!(podium["top"].as_array().unwrap().len(), 3);
    let mut finals = HashMap::new();
    for (i, p) in players.iter_mut().enumerate() {
        p.recv_type("podium").await;
        let fin = p.recv_type("final").await;
        assert_eq!(fin["score"].as_u64().unwrap(), shown_scores[&i]);
        finals.insert(p.welcome["player"]["id"].as_i64().unwrap(), fin);
    }
    let winner = &podium["top"][0];
    assert_eq!(finals[&winner["id"].as_i64().unwrap()]["rank"], 1);

    // What the database says equals what the players were shown.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let report = app
        .store()
        .report(GameId::new(game))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.players.len(), 30);
    for line in &report.players {
        let shown = &finals[&line.player];
        assert_eq!(
            line.score as u64,
            shown["score"].as_u64().unwrap(),
            "{}",
            line.nickname
        );
        assert_eq!(
            line.rank as u64,
            shown["rank"].as_u64().unwrap(),
            "{}",
            line.nickname
        );
    }
    for q in &report.questions {
        assert_eq!((q.answered, q.correct), (20, 10));
    }
    let listed = app.get(&format!("/api/games/{game}/report")).await.json();
    assert_eq!(listed["status"], "finished");
}

#[tokio::test]
async fn the_host_can_kick_a_player_and_lock_the_lobby() {
    let app = spawn_app().await;
    let (game, pin) = app.open_game(&[question("a", 10)], json!({})).await;
    let mut host = app.host(game).await;
    let mut lan = app.player(&pin, "Lan").await;
    let _minh = app.player(&pin, "Minh").await;
    let lan_id = lan.welcome["player"]["id"].clone();

    host.send(json!({"type": "kick", "player": lan_id})).await;
    assert_eq!(lan.recv().await["type"], "kicked");
    assert!(
        lan.try_recv(Duration::from_secs(2)).await.is_none(),
        "the kicked player's connection closes"
    );
    let lobby = host.recv_type("lobby").await;
    let removed = if lobby["removed"].as_array().unwrap().is_empty() {
        host.recv_type("lobby").await
    } else {
        lobby
    };
    assert_eq!(removed["removed"], json!([lan_id]));

    // The token of a kicked player no longer works.
    let mut again = crate::helpers::Ws::connect(app.addr, None).await;
    again
        .send(json!({"type": "resume", "v": 1, "token": lan.token}))
        .await;
    assert_eq!(again.recv().await["code"], "kicked");

    host.send(json!({"type": "lock", "locked": true})).await;
    assert_eq!(host.recv_type("locked").await["locked"], true);
    let mut late = crate::helpers::Ws::connect(app.addr, None).await;
    late.send(json!({"type": "join", "v": 1, "pin": pin, "nickname": "Bảo"}))
        .await;
    let err: Value = late.recv().await;
    assert_eq!(err["code"], "lobby_locked");
    assert_eq!(
        err["message"],
        "Phòng chơi đã khóa, không nhận thêm người chơi."
    );
}

#[tokio::test]
async fn a_question_closes_as_soon_as_everyone_has_answered() {
    let app = spawn_app().await;
    let (game, pin) = app.open_game(&[question("a", 60)], json!({})).await;
    let mut host = app.host(game).await;
    let mut a = app.player(&pin, "An").await;
    let mut b = app.player(&pin, "Bình").await;
    host.send(json!({"type": "start"})).await;
    for p in [&mut a, &mut b] {
        p.recv_type("question").await;
        p.answer(0, 1).await;
    }
    let started = std::time::Instant::now();
    let reveal = a.recv_type("reveal").await;
    assert_eq!(reveal["answered"], 2);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "did not wait for the 60 s deadline"
    );
}

#[tokio::test]
async fn nicknames_are_checked_and_unique() {
    let app = spawn_app().await;
    let (_, pin) = app.open_game(&[question("a", 10)], json!({})).await;
    let _lan = app.player(&pin, "Lan").await;
    let mut ws = crate::helpers::Ws::connect(app.addr, None).await;
    for (nickname, code) in [
        ("  ", "invalid_nickname"),
        ("Một cái tên dài hơn hai mươi ký tự", "invalid_nickname"),
        ("LAN", "nickname_taken"),
    ] {
        ws.send(json!({"type": "join", "v": 1, "pin": pin, "nickname": nickname}))
            .await;
        assert_eq!(ws.recv().await["code"], code, "{nickname:?}");
    }
    ws.send(json!({"type": "join", "v": 1, "pin": "000000", "nickname": "Lân"}))
        .await;
    assert_eq!(ws.recv().await["code"], "game_not_found");
    ws.send(json!({"type": "join", "v": 1, "pin": pin, "nickname": " Lân "}))
        .await;
    let welcome = ws.recv().await;
    assert_eq!(
        welcome["player"]["nickname"], "Lân",
        "trimmed; marks make it a different name from Lan"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_screen_attaching_to_a_big_lobby_gets_every_player() {
    // 2,000 from one address: a big school's event, allowed by raising the per-address quota.
    let app = crate::helpers::spawn_app_with(|c| {
        c.limits.joins_per_address_per_game_per_minute = 2000;
    })
    .await;
    let (game, pin) = app
        .open_game(&[question("a", 10)], json!({"max_players": 2000}))
        .await;
    // 2,000 twenty-letter nicknames make a welcome of well over 100 KB: more than one
    // WebSocket write buffer, which once made the server drop the host's connection.
    let mut players = Vec::new();
    for i in 0..2000 {
        players.push(app.player(&pin, &format!("Nguyễn Thị Hồng {i:04}")).await);
    }
    let host = app.host(game).await;
    let listed = host.welcome["players"].as_array().unwrap();
    assert_eq!(listed.len(), 2000);
    assert!(host.welcome.to_string().len() > 100_000);
    let mut host = host;
    host.send(json!({"type": "start"})).await;
    assert_eq!(
        host.recv_type("question").await["q"],
        0,
        "the host is still connected"
    );
}

#[tokio::test]
async fn a_late_joiner_is_timed_from_when_the_question_reached_them() {
    let app = spawn_app().await;
    let (game, pin) = app.open_game(&[question("a", 20)], json!({})).await;
    let mut host = app.host(game).await;
    let mut early = app.player(&pin, "Sớm").await;
    host.send(json!({"type": "start"})).await;
    early.recv_type("question").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut late = app.player(&pin, "Muộn").await;
    assert_eq!(late.welcome["state"]["phase"], "question");
    late.answer(0, 1).await;
    early.answer(0, 2).await;
    let result = late.recv_type("result").await;
    assert_eq!(
        result["points"], 1000,
        "answered at once after the question reached this phone: {result}"
    );
}
