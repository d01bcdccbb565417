//! Games an account may open and players a game seats. Before: a teacher opened 20,000 games
//! in 32 s (2.8 GB), and 3,100 bot joins from one address were all welcomed in one class game
//! (the host's welcome grew to 160 KB).

use hoithi::domain::AccountId;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::addressed::loopback;
use crate::helpers::{http, question, spawn_app, spawn_app_with, TestApp, Ws};
use crate::process::ws_from;

/// A teacher account, signed in: its id and cookie.
async fn teacher(app: &TestApp, name: &str) -> (i64, String) {
    let created = app
        .post(
            "/api/accounts",
            &json!({"username": name, "display_name": name, "password": "mat-khau-giao-vien"}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let cookie = app.sign_in(name, "mat-khau-giao-vien").await.unwrap();
    (created.json()["id"].as_i64().unwrap(), cookie)
}

async fn open(app: &TestApp, cookie: &str, quiz: i64, settings: Value) -> crate::helpers::Response {
    http(
        app.addr,
        "POST",
        "/api/games",
        Some(cookie),
        Some(&json!({"quiz": quiz, "settings": settings})),
    )
    .await
}

#[tokio::test]
async fn a_teacher_opens_twenty_games_at_most_and_the_server_its_cap() {
    let app = spawn_app_with(|c| c.limits.games = 24).await;
    let (id, cookie) = teacher(&app, "co-hoa").await;
    let quiz = app
        .store()
        .create_quiz(AccountId::new(id), "Lớp 5A", &[question("a", 10)])
        .await
        .unwrap();
    for n in 0..20 {
        let opened = open(&app, &cookie, quiz, json!({})).await;
        assert_eq!(opened.status, 200, "game {n}: {}", opened.body);
    }
    let refused = open(&app, &cookie, quiz, json!({})).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(refused.json()["code"], "too_many_games");
    assert!(refused.json()["message"].as_str().unwrap().contains("20"));

    // Another account still opens games, up to the server's 24.
    let admin_quiz = app
        .store()
        .create_quiz(AccountId::new(1), "Hội thi", &[question("a", 10)])
        .await
        .unwrap();
    for _ in 0..4 {
        let opened = open(&app, &app.cookie, admin_quiz, json!({})).await;
        assert_eq!(opened.status, 200, "{}", opened.body);
    }
    let full = open(&app, &app.cookie, admin_quiz, json!({})).await;
    assert_eq!(full.status, 503, "{}", full.body);
    assert_eq!(full.json()["code"], "server_full");
    assert!(full.header("retry-after").is_some());
    let listed = app.get("/api/games").await.json();
    assert_eq!(listed.as_array().unwrap().len(), 24, "no half-opened game");
}

#[tokio::test]
async fn a_game_seats_the_cap_its_host_sets_within_the_server_maximum() {
    let app = spawn_app_with(|c| c.limits.max_players_per_game = 1000).await;
    let quiz = app
        .store()
        .create_quiz(AccountId::new(1), "Lớp 5A", &[question("a", 10)])
        .await
        .unwrap();
    for cap in [0, 1001] {
        let refused = open(&app, &app.cookie, quiz, json!({"max_players": cap})).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(refused.json()["code"], "invalid_settings");
        assert!(refused.json()["message"].as_str().unwrap().contains("1000"));
    }
    let opened = open(&app, &app.cookie, quiz, json!({"max_players": 3})).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let pin = opened.json()["pin"].as_str().unwrap().to_owned();
    let _seated: Vec<Ws> = futures_util::future::join_all((0..3).map(|i| {
        let pin = pin.clone();
        let app = &app;
        async move { app.player(&pin, &format!("Em {i}")).await }
    }))
    .await;
    let mut fourth = Ws::connect(app.addr, None).await;
    fourth
        .send(json!({"type": "join", "v": 1, "pin": pin, "nickname": "Em 4"}))
        .await;
    assert_eq!(fourth.recv().await["code"], "game_full");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bots_from_one_address_get_its_share_while_a_class_joins_at_once() {
    let app = spawn_app().await;
    let (game, pin) = app.open_game(&[question("a", 10)], json!({})).await;
    let started = Instant::now();
    let (mut welcomed, mut limited) = (0, 0);
    for i in 0..400 {
        let mut bot = ws_from(app.addr, loopback(2), None).await.unwrap();
        bot.send(json!({"type": "join", "v": 1, "pin": pin, "nickname": format!("Bot {i}")}))
            .await;
        let reply = bot.recv().await;
        match reply["type"].as_str() {
            Some("welcome") => welcomed += 1,
            _ => {
                assert_eq!(reply["code"], "rate_limited", "{reply}");
                assert!(reply["retry_after_ms"].as_u64().unwrap() > 0);
                limited += 1;
            }
        }
    }
    let took = started.elapsed();
    // 300 at once, then one every 200 ms while the bots kept trying.
    let refilled = (took.as_millis() / 200) as usize + 1;
    println!("400 bots from one address in {took:?}: {welcomed} welcomed, {limited} refused");
    assert!(
        (300..=300 + refilled).contains(&welcomed),
        "{welcomed} bots welcomed in {took:?}"
    );

    // A class of 50 behind its school's address presses «Vào» in the same second.
    let class = futures_util::future::join_all((0..50).map(|i| {
        let (addr, pin) = (app.addr, pin.clone());
        async move {
            crate::process::join_from(addr, loopback(3), &pin, &format!("Học sinh {i}")).await
        }
    }))
    .await;
    assert_eq!(class.len(), 50, "every pupil of the class is in");
    let host = app.host(game).await;
    let size = host.welcome.to_string().len();
    assert!(size < 40_000, "the host's welcome is {size} bytes");
}

#[tokio::test]
async fn a_live_games_board_is_read_by_its_host_and_organizers_only() {
    let app = spawn_app().await;
    let (game, pin) = app.open_game(&[question("a", 10)], json!({})).await;
    let mut host = app.host(game).await;
    let mut an = app.player(&pin, "An").await;
    let mut binh = app.player(&pin, "Bình").await;
    host.send(json!({"type": "start"})).await;
    an.recv_type("question").await;
    binh.recv_type("question").await;
    an.answer(0, 1).await;
    binh.answer(0, 2).await;
    an.recv_type("receipt").await;
    binh.recv_type("receipt").await;
    host.send(json!({"type": "next"})).await;
    host.recv_type("reveal").await;

    let path = format!("/api/rankings/game-{game}/board/players");
    let deadline = Instant::now() + Duration::from_secs(10);
    let board = loop {
        let resp = app.get(&path).await;
        assert_eq!(resp.status, 200, "{}", resp.body);
        let board = resp.json();
        if board["total"] == 2 {
            break board;
        }
        assert!(
            Instant::now() < deadline,
            "the room feeds its board: {board}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut labels: Vec<&str> = (0..2)
        .map(|i| board["lines"][i]["label"].as_str().unwrap())
        .collect();
    labels.sort();
    assert_eq!(labels, ["An", "Bình"], "players by nickname: {board}");
    assert_eq!(board["lines"][0]["rank"], 1);
    let score = |i: usize| board["lines"][i]["keys"][0].as_i64().unwrap();
    assert!(score(0) >= score(1), "ranked by score: {board}");

    let anonymous = http(app.addr, "GET", &path, None, None).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    let (_, cookie) = teacher(&app, "thay-nam").await;
    let other = http(app.addr, "GET", &path, Some(&cookie), None).await;
    assert_eq!(other.status, 403, "another teacher's game: {}", other.body);
    let wrong = app
        .get(&format!("/api/rankings/game-{game}/board/class/TH1/5A"))
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert_eq!(wrong.json()["code"], "invalid_scope");
    // Boards per school, commune and province are a province event's; this game has none.
    let none = http(
        app.addr,
        "GET",
        &format!("/api/rankings/game-{game}/board/province"),
        None,
        None,
    )
    .await;
    assert_eq!(none.status, 404, "{}", none.body);
}
