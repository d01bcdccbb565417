//! A province event over two nodes (issues 18 and 22): the game runs on node a, players join
//! through both, and on node b a `watch` of the event's boards sees them move, while node b's
//! dashboard counts the players and answers of both nodes. A private redis-server holds the
//! boards and the live figures.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::dashboard_live::{answers, live_until};
use crate::events::{
    check_every_board, import_schools, join_from, open_event, play_question, school_of,
    watched_until, Expected,
};
use crate::helpers::{http, Ws};
use crate::nodes::node;
use crate::process::Redis;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watcher_on_another_node_sees_the_event_boards_move_and_its_dashboard_sums_the_nodes() {
    let redis = Redis::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let a = node(dir.path(), &redis.url, "a").await;
    let b = node(dir.path(), &redis.url, "b").await;
    import_schools(a.addr, &a.cookie).await;
    let store = hoithi::storage::Store::open(&crate::database::url_for(dir.path()))
        .await
        .unwrap();
    let (game, pin) = open_event(a.addr, &a.cookie, &store, 2).await;
    // The host is on node b, the game (its room and its feed) on node a.
    let mut host = b.host(game).await;
    let mut players = Vec::new();
    let mut schools = BTreeMap::new();
    for i in 0..12 {
        let nickname = format!("Học sinh {i:02}");
        let (school, _) = school_of(i);
        schools.insert(nickname.clone(), school);
        let addr = if i % 2 == 0 { a.addr } else { b.addr };
        players.push(join_from(addr, &pin, &nickname, school).await);
    }
    // A welcome means the school is on disk too, for the phones that came through node b as
    // for node a's: the owner stores it with the player's row, not the node the phone reached.
    let stored = store
        .event_players(hoithi::domain::GameId::new(game))
        .await
        .unwrap();
    let stored: BTreeMap<i64, String> = stored.into_iter().map(|p| (p.player, p.school)).collect();
    let said: BTreeMap<i64, String> = (0..12)
        .map(|i| (i as i64, school_of(i).0.to_owned()))
        .collect();
    assert_eq!(stored, said, "every welcomed player's school, at once");
    let mut viewer = Ws::connect(b.addr, None).await;
    viewer
        .send(json!({"type": "watch", "v": 1, "context": format!("game-{game}"), "scope": "communes"}))
        .await;
    let mut province = Ws::connect(b.addr, None).await;
    province
        .send(json!({"type": "watch", "v": 1, "context": format!("game-{game}"), "scope": "province", "limit": 20}))
        .await;

    let read = || async {
        let resp = http(
            b.addr,
            "GET",
            "/api/dashboard/live?unit=province",
            Some(&b.cookie),
            None,
        )
        .await;
        assert_eq!(resp.status, 200, "{}", resp.body);
        resp.json()
    };
    live_until(read, |v| v["online"] == 12, "both nodes' players").await;

    host.send(json!({"type": "start"})).await;
    for q in 0..2 {
        if q > 0 {
            host.send(json!({"type": "next"})).await;
            host.recv_type("leaderboard").await;
            host.send(json!({"type": "next"})).await;
        }
        play_question(&mut host, &mut players, q).await;
        let expected = Expected::read(&store, game, &schools).await;
        let communes = expected.units(|_, _| true, |_, c| c.to_owned());
        let seen = watched_until(&mut viewer, &communes).await;
        assert_eq!(seen["total"], 2, "{seen}");
        // The province board on node b: nicknames and totals in the order of the answers.
        let want = expected.players(|_, _| true);
        loop {
            let msg = province.recv_type("board").await;
            let lines: Vec<(String, Vec<i64>)> = msg["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    (
                        l["label"].as_str().unwrap().to_owned(),
                        serde_json::from_value(l["keys"].clone()).unwrap(),
                    )
                })
                .collect();
            if lines == want {
                break;
            }
        }
        check_every_board(b.addr, game, &expected).await;
    }
    let summed = live_until(read, |v| answers(v) == 24, "both nodes' answers").await;
    let events: &Value = &summed["events"][0];
    assert_eq!(events["players"], 12, "{summed}");
}
