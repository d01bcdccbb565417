//! docs/protocol.md is a promise: every error code its table lists is one the server really
//! sends, in the situation the table names, with a Vietnamese message. The codes are read
//! from the page, so a new row without a way to meet it here fails this test, and so does a
//! scenario whose code the page does not list.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::helpers::{question, spawn_app, spawn_app_with, TestApp, Ws};

const DOC: &str = include_str!("../../docs/protocol.md");

/// The codes of the socket's error table (between `### \`error\`` and the HTTP API).
fn documented_codes() -> Vec<String> {
    let table = DOC
        .split("### `error`")
        .nth(1)
        .and_then(|rest| rest.split("## HTTP API").next())
        .expect("the page has an error table");
    table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_owned)
        .collect()
}

/// The codes met, each with the situation that produced it.
#[derive(Default)]
struct Met(BTreeMap<String, &'static str>);

impl Met {
    #[track_caller]
    fn expect(&mut self, reply: Value, code: &str, situation: &'static str) {
        assert_eq!(reply["type"], "error", "{situation}: {reply}");
        assert_eq!(reply["code"], code, "{situation}: {reply}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(
            message.chars().any(|c| "ạảãáàâăêôơưđịọộ".contains(c)),
            "{situation}: a Vietnamese message, not {message:?}"
        );
        if code == "rate_limited" {
            assert!(reply["retry_after_ms"].as_u64().is_some(), "{reply}");
        }
        self.0.insert(code.to_owned(), situation);
    }
}

async fn connect(app: &TestApp) -> Ws {
    Ws::connect(app.addr, None).await
}

async fn send_and_read(ws: &mut Ws, msg: Value) -> Value {
    ws.send(msg).await;
    ws.recv_type("error").await
}

fn join(pin: &str, nickname: &str) -> Value {
    json!({"type": "join", "v": 1, "pin": pin, "nickname": nickname})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_code_on_the_page_is_sent_in_the_situation_it_names() {
    let app = spawn_app().await;
    let mut met = Met::default();

    // Before a connection says who it is.
    let mut ws = connect(&app).await;
    ws.send_text("không phải JSON").await;
    met.expect(ws.recv().await, "bad_message", "a frame that is not JSON");
    let reply = send_and_read(
        &mut ws,
        json!({"type": "join", "v": 2, "pin": "1", "nickname": "A"}),
    )
    .await;
    met.expect(reply, "unsupported_version", "v is not 1");
    let reply = send_and_read(&mut ws, json!({"type": "answer", "q": 0, "answer": [1]})).await;
    met.expect(reply, "not_joined", "an answer before join");
    let reply = send_and_read(&mut ws, join("000000", "An")).await;
    met.expect(reply, "game_not_found", "a PIN no game has");
    let reply = send_and_read(
        &mut ws,
        json!({"type": "resume", "v": 1, "token": "1.0.00000000000000000000000000000000"}),
    )
    .await;
    met.expect(reply, "invalid_token", "a made-up token");
    let reply = send_and_read(&mut ws, json!({"type": "host", "v": 1, "game": 1})).await;
    met.expect(reply, "unauthorized", "host without a session");
    let reply = send_and_read(
        &mut ws,
        json!({"type": "watch", "v": 1, "context": "khong-co", "scope": "province"}),
    )
    .await;
    met.expect(reply, "invalid_board", "a context without results");

    // A game, its host and a player.
    let (game, pin) = app
        .open_game(&[question("a", 30), question("b", 30)], json!({}))
        .await;
    let mut host = app.host(game).await;
    let mut ws = connect(&app).await;
    let reply = send_and_read(&mut ws, join(&pin, "")).await;
    met.expect(reply, "invalid_nickname", "an empty nickname");
    let reply = send_and_read(&mut ws, join(&pin, "vcl")).await;
    met.expect(reply, "nickname_not_allowed", "a banned word");
    let mut lan = app.player(&pin, "Lan").await;
    let reply = send_and_read(&mut ws, join(&pin, "LAN")).await;
    met.expect(reply, "nickname_taken", "the same name in capitals");
    let reply = send_and_read(&mut lan, join(&pin, "Lan 2")).await;
    met.expect(reply, "already_joined", "join twice");
    let reply = send_and_read(&mut lan, json!({"type": "start"})).await;
    met.expect(reply, "not_host", "a player starts the game");
    let reply = send_and_read(&mut lan, json!({"type": "answer", "q": 0, "answer": [1]})).await;
    met.expect(reply, "not_started", "an answer in the lobby");
    let reply = send_and_read(&mut host, json!({"type": "kick", "player": 999})).await;
    met.expect(reply, "unknown_player", "a kick of nobody");
    let mut minh = app.player(&pin, "Minh").await;
    let minh_id = minh.welcome["player"]["id"].clone();
    host.send(json!({"type": "kick", "player": minh_id})).await;
    minh.recv_type("kicked").await;
    let reply = send_and_read(&mut host, json!({"type": "kick", "player": minh_id})).await;
    met.expect(reply, "kicked", "a kick of a player already removed");
    host.send(json!({"type": "lock", "locked": true})).await;
    host.recv_type("locked").await;
    let reply = send_and_read(&mut ws, join(&pin, "Hoa")).await;
    met.expect(reply, "lobby_locked", "a join to a locked lobby");
    host.send(json!({"type": "lock", "locked": false})).await;
    host.recv_type("locked").await;

    host.send(json!({"type": "start"})).await;
    lan.recv_type("question").await;
    let reply = send_and_read(&mut host, json!({"type": "start"})).await;
    met.expect(reply, "wrong_phase", "start during a question");
    let reply = send_and_read(&mut lan, json!({"type": "answer", "q": 0, "answer": [9]})).await;
    met.expect(reply, "bad_answer", "an option the question does not have");
    let reply = send_and_read(&mut lan, json!({"type": "answer", "q": 1, "answer": [1]})).await;
    met.expect(
        reply,
        "question_closed",
        "an answer to a question not yet open",
    );
    host.send(json!({"type": "next"})).await;
    lan.recv_type("reveal").await;
    let reply = send_and_read(&mut lan, json!({"type": "answer", "q": 0, "answer": [1]})).await;
    met.expect(reply, "too_late", "an answer after the question closed");
    host.send(json!({"type": "end"})).await;
    lan.recv_type("podium").await;
    let reply = send_and_read(&mut host, json!({"type": "next"})).await;
    met.expect(reply, "game_over", "next after the podium");

    // A game whose questions are read before they take answers.
    let (reading, reading_pin) = app
        .open_game(&[question("r", 30)], json!({"reading_ms": 30_000}))
        .await;
    let mut reading_host = app.host(reading).await;
    let mut reader = app.player(&reading_pin, "Đọc").await;
    reading_host.send(json!({"type": "start"})).await;
    reader.recv_type("question").await;
    let reply = send_and_read(
        &mut reader,
        json!({"type": "answer", "q": 0, "answer": [1]}),
    )
    .await;
    met.expect(reply, "too_early", "an answer during the reading time");

    // Games that refuse joins: late join off, one seat, and nobody to start.
    let (closed, closed_pin) = app
        .open_game(&[question("c", 30)], json!({"late_join": false}))
        .await;
    let mut closed_host = app.host(closed).await;
    let _an = app.player(&closed_pin, "An").await;
    closed_host.send(json!({"type": "start"})).await;
    closed_host.recv_type("question").await;
    let mut ws = connect(&app).await;
    let reply = send_and_read(&mut ws, join(&closed_pin, "Muộn")).await;
    met.expect(reply, "game_started", "a late join when late join is off");
    let (_, small_pin) = app
        .open_game(&[question("d", 30)], json!({"max_players": 1}))
        .await;
    let _one = app.player(&small_pin, "Một").await;
    let reply = send_and_read(&mut ws, join(&small_pin, "Hai")).await;
    met.expect(reply, "game_full", "a second player in a game of one seat");
    let (empty, _) = app.open_game(&[question("e", 30)], json!({})).await;
    let mut empty_host = app.host(empty).await;
    let reply = send_and_read(&mut empty_host, json!({"type": "start"})).await;
    met.expect(reply, "no_players", "start with nobody in the lobby");

    // A team game (issue 21).
    let (teams_game, teams_pin) = app.open_game(&[question("t", 30)], json!({})).await;
    let mut teams_host = app.host(teams_game).await;
    let mut an = app.player(&teams_pin, "An").await;
    let mut binh = app.player(&teams_pin, "Bình").await;
    let reply = send_and_read(&mut an, json!({"type": "team_pick", "team": 0})).await;
    met.expect(reply, "no_teams", "a pick in a game without teams");
    let set = |plan: Value| json!({"type": "set_teams", "plan": plan});
    let reply = send_and_read(&mut teams_host, set(json!({"how": "class"}))).await;
    met.expect(reply, "team_count", "teams by class with no known class");
    let reply = send_and_read(&mut teams_host, set(json!({"how": "random", "count": 3}))).await;
    met.expect(
        reply,
        "too_few_players",
        "three random teams for two players",
    );
    let reply = send_and_read(
        &mut teams_host,
        set(json!({"how": "names", "names": ["A", "a"]})),
    )
    .await;
    met.expect(reply, "bad_team_name", "the same team name twice");
    teams_host
        .send(set(
            json!({"how": "names", "names": ["A", "B"], "pick": true, "max_size": 1}),
        ))
        .await;
    an.recv_type("teams").await;
    let reply = send_and_read(&mut an, json!({"type": "team_pick", "team": 2})).await;
    met.expect(
        reply,
        "unknown_team",
        "a pick of a team the game does not have",
    );
    an.send(json!({"type": "team_pick", "team": 0})).await;
    an.recv_type("team").await;
    let reply = send_and_read(&mut binh, json!({"type": "team_pick", "team": 0})).await;
    met.expect(reply, "team_full", "a pick of a team at its cap");
    teams_host.send(json!({"type": "start"})).await;
    an.recv_type("question").await;
    let reply = send_and_read(&mut an, json!({"type": "team_pick", "team": 1})).await;
    met.expect(reply, "pick_closed", "a change of side after the start");

    // Another account's game.
    let teacher = json!({"username": "gv.trang", "display_name": "Cô Trang",
                         "password": "mat-khau-co-trang", "role": "teacher"});
    assert_eq!(app.post("/api/accounts", &teacher).await.status, 200);
    let cookie = app.sign_in("gv.trang", "mat-khau-co-trang").await.unwrap();
    let mut other = Ws::connect(app.addr, Some(&cookie)).await;
    let reply = send_and_read(&mut other, json!({"type": "host", "v": 1, "game": game})).await;
    met.expect(reply, "forbidden", "host of another account's game");

    // Floods and sizes.
    let mut flood = connect(&app).await;
    for _ in 0..30 {
        flood.send_text(r#"{"type":"start"}"#).await;
    }
    loop {
        let reply = flood.recv().await;
        if reply["code"] == "rate_limited" {
            met.expect(reply, "rate_limited", "30 messages at once");
            break;
        }
    }
    let mut big = connect(&app).await;
    big.send_text(&format!(
        r#"{{"type":"start","x":"{}"}}"#,
        "x".repeat(20_000)
    ))
    .await;
    met.expect(big.recv().await, "message_too_large", "a 20 KB message");

    // A province event game asks where its players come from.
    crate::events::import_schools(app.addr, &app.cookie).await;
    let (_, event_pin) = crate::events::open_event(app.addr, &app.cookie, app.store(), 1).await;
    let mut pupil = connect(&app).await;
    let reply = send_and_read(&mut pupil, join(&event_pin, "Lan")).await;
    met.expect(reply, "school_required", "an event's join without a school");
    let mut with = join(&event_pin, "Lan");
    with["school"] = json!("KHONG-CO");
    let reply = send_and_read(&mut pupil, with).await;
    met.expect(
        reply,
        "unknown_school",
        "an event's join with a school not on the roster",
    );

    // A server that watches all the boards it may.
    let full = spawn_app_with(|c| c.limits.watches = 0).await;
    let mut viewer = connect(&full).await;
    let reply = send_and_read(
        &mut viewer,
        json!({"type": "watch", "v": 1, "context": "dot-1", "scope": "province"}),
    )
    .await;
    met.expect(
        reply,
        "server_busy",
        "a watch when the server watches all it may",
    );

    let documented = documented_codes();
    let missing: Vec<&String> = documented
        .iter()
        .filter(|c| !met.0.contains_key(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "documented but never met here: {missing:?}"
    );
    let undocumented: Vec<&String> = met.0.keys().filter(|c| !documented.contains(c)).collect();
    assert!(
        undocumented.is_empty(),
        "sent but not on the page: {undocumented:?}"
    );
}
