//! A province event game (issue 18): players name their school when they join; the game feeds
//! public boards of its players per school, commune and province (score, then answer time) and
//! of the schools and communes (their players' average), which HTTP and `watch` read while the
//! game runs. The test computes every board from the answers the database holds (`events.rs`).

use std::collections::BTreeMap;

use serde_json::json;

use crate::events::{
    check_every_board, import_schools, join_from, open_event, play_question, school_of, try_join,
    watched_until, Expected,
};
use crate::helpers::{http, question, spawn_app, spawn_app_with_redis_at, TestApp, Ws};
use crate::process::Redis;

#[tokio::test]
async fn an_event_games_boards_in_process_rank_its_players_schools_and_communes_as_the_answers_say()
{
    event_boards_rank_as_the_answers_say(spawn_app().await).await;
}

#[tokio::test]
async fn an_event_games_boards_in_redis_rank_its_players_schools_and_communes_as_the_answers_say() {
    // A Redis of its own: every test's database numbers its games from 1.
    let redis = Redis::start(&[]).await;
    event_boards_rank_as_the_answers_say(spawn_app_with_redis_at(&redis.url).await).await;
}

async fn event_boards_rank_as_the_answers_say(app: TestApp) {
    import_schools(app.addr, &app.cookie).await;
    let (game, pin) = open_event(app.addr, &app.cookie, app.store(), 2).await;

    // A player must say where they come from, and only a school on the roster will do.
    let mut ws = Ws::connect(app.addr, None).await;
    let reply = try_join(&mut ws, &pin, "Không trường", None).await;
    assert_eq!(reply["code"], "school_required", "{reply}");
    let reply = try_join(&mut ws, &pin, "Không trường", Some("NOWHERE")).await;
    assert_eq!(reply["code"], "unknown_school", "{reply}");

    let mut host = app.host(game).await;
    let mut players = Vec::new();
    let mut schools = BTreeMap::new();
    for i in 0..10 {
        let nickname = format!("Bạn {i:02}");
        let (school, _) = school_of(i);
        schools.insert(nickname.clone(), school);
        players.push(join_from(app.addr, &pin, &nickname, school).await);
    }
    // A viewer on the schools board, before anyone has a score.
    let mut viewer = Ws::connect(app.addr, None).await;
    viewer
        .send(json!({"type": "watch", "v": 1, "context": format!("game-{game}"), "scope": "schools", "limit": 10}))
        .await;

    host.send(json!({"type": "start"})).await;
    play_question(&mut host, &mut players, 0).await;
    let expected = Expected::read(app.store(), game, &schools).await;
    check_every_board(app.addr, game, &expected).await;
    let first = expected.units(|_, _| true, |s, _| s.to_owned());
    let board = watched_until(&mut viewer, &first).await;
    assert_eq!(board["context"], format!("game-{game}"));

    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    play_question(&mut host, &mut players, 1).await;
    let expected = Expected::read(app.store(), game, &schools).await;
    check_every_board(app.addr, game, &expected).await;
    let second = expected.units(|_, _| true, |s, _| s.to_owned());
    assert_ne!(first, second, "the second question moved the schools");
    watched_until(&mut viewer, &second).await;

    // The players' board stays the host's; boards of a game that is not an event are nobody's.
    let resp = http(
        app.addr,
        "GET",
        &format!("/api/rankings/game-{game}/board/players"),
        None,
        None,
    )
    .await;
    assert_eq!(resp.status, 401, "{}", resp.body);
    let (ordinary, _) = app.open_game(&[question("x", 20)], json!({})).await;
    let resp = http(
        app.addr,
        "GET",
        &format!("/api/rankings/game-{ordinary}/board/province"),
        None,
        None,
    )
    .await;
    assert_eq!(resp.status, 404, "{}", resp.body);
    let mut other = Ws::connect(app.addr, None).await;
    other
        .send(json!({"type": "watch", "v": 1, "context": format!("game-{ordinary}"), "scope": "province"}))
        .await;
    assert_eq!(other.recv().await["code"], "invalid_board");
}
