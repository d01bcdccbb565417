//! The owner of a province event game is killed (SIGKILL) in the middle of a question, after
//! its feed wrote the boards of the question before (issue 18). Another node takes the game
//! over from the database, every phone resumes on a node left, and the game goes on and
//! finishes there: the new owner must place every player on the event's boards again (their
//! schools come from the database, not from the dead node), so that each board — the province,
//! each commune and school, the schools and the communes — is what the stored answers say,
//! on every node left, for a `watch` and for the live dashboard alike; and while the question
//! it took over is open, no board shows the answers the dead owner acknowledged to it.

use std::collections::BTreeMap;
use std::time::Duration;

use hoithi::domain::GameId;
use hoithi::storage::{GameStatus, Store};
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::dashboard_live::live_until;
use crate::events::{
    check_every_board, import_schools, join_from, lines_of, open_event_of, play_question,
    school_of, watched_until, Expected,
};
use crate::helpers::{http, Ws};
use crate::nodes::three_nodes;
use crate::nodes_comeback::owner_killed;
use crate::process::Redis;

/// Players of the event, over the three nodes and the three schools of two communes.
const PLAYERS: usize = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_of_an_event_killed_mid_question_its_boards_stay_as_the_answers_say() {
    let redis = Redis::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut nodes = three_nodes(dir.path(), &redis).await;
    import_schools(nodes[0].addr, &nodes[0].cookie).await;
    let store = Store::open(&crate::database::url_for(dir.path()))
        .await
        .unwrap();
    // Node a opens (and so owns) the game; a minute a question outlives the takeover (the
    // dead owner's lease runs 10 s before anyone may take the game).
    let (game, pin) = open_event_of(nodes[0].addr, &nodes[0].cookie, &store, 3, 60).await;
    let mut host = nodes[1].host(game).await;
    let mut players = Vec::new();
    let mut schools = BTreeMap::new();
    for i in 0..PLAYERS {
        let nickname = format!("Học sinh {i:02}");
        let (school, _) = school_of(i);
        schools.insert(nickname.clone(), school);
        players.push(join_from(nodes[i % 3].addr, &pin, &nickname, school).await);
    }
    let tokens: Vec<String> = players.iter().map(|p| p.0.token.clone()).collect();
    // A projector on node c follows the communes through the takeover.
    let mut viewer = Ws::connect(nodes[2].addr, None).await;
    viewer
        .send(json!({"type": "watch", "v": 1, "context": format!("game-{game}"), "scope": "communes"}))
        .await;

    // Question 0 is played through on node a: its feed writes every board.
    host.send(json!({"type": "start"})).await;
    play_question(&mut host, &mut players, 0).await;
    let before = Expected::read(&store, game, &schools).await;
    check_every_board(nodes[1].addr, game, &before).await;
    let communes_before = before.units(|_, _| true, |_, c| c.to_owned());
    watched_until(&mut viewer, &communes_before).await;

    // Question 1: the first half answer and are acknowledged; then the owner dies.
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    for p in players.iter_mut() {
        assert_eq!(p.recv_type("question").await["q"], 1);
    }
    for (i, p) in players.iter_mut().enumerate().take(PLAYERS / 2) {
        p.answer(1, option(i, 1)).await;
        let receipt = p.recv_type("receipt").await;
        assert_eq!(receipt["q"], 1, "{receipt}");
    }

    let (mut back, mut host) = owner_killed(&mut nodes, players, &tokens, host, game, 1).await;

    // Nothing of the open question shows on the boards before its reveal, on the new owner's
    // either (they are public: a watcher would learn who answered right). The host removes a
    // player who has not answered it; once that removal is on the boards, whatever the new
    // owner's feed wrote before it (at the takeover) is too, as it writes in order: every
    // board then holds question 0's totals without that player.
    let kicked = back.pop().expect("a player to remove");
    let player = kicked.welcome["player"]["id"].clone();
    host.send(json!({"type": "kick", "player": player})).await;
    drop(kicked);
    let before = before.without(&format!("Học sinh {:02}", PLAYERS - 1));
    check_every_board(nodes[2].addr, game, &before).await;
    let playing = PLAYERS - 1;

    // Everyone answers question 1 (the first half again: the same answer, acknowledged as the
    // first, so their answer times stand); the host closes it on the new owner.
    for (i, p) in back.iter_mut().enumerate() {
        p.answer(1, option(i, 1)).await;
        tokio::time::sleep(Duration::from_millis(15)).await;
        let receipt = p.recv_type("receipt").await;
        assert_eq!(receipt["q"], 1, "{receipt}");
    }
    host.send(json!({"type": "next"})).await;
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["answered"], playing, "{reveal}");

    // The new owner's feed wrote every board from every player's totals, the dead owner's
    // question 0 and the answers it acknowledged included.
    let after = Expected::read(&store, game, &schools).await;
    let communes_after = after.units(|_, _| true, |_, c| c.to_owned());
    assert_ne!(
        communes_before, communes_after,
        "question 1 moved the communes"
    );
    for node in &nodes[1..] {
        check_every_board(node.addr, game, &after).await;
    }
    let seen = watched_until(&mut viewer, &communes_after).await;
    assert_eq!(seen["total"], 2, "{seen}");
    let live = dashboard_shows(nodes[2].addr, &nodes[2].cookie, game, &after, playing).await;
    assert_eq!(live["events"].as_array().unwrap().len(), 1, "{live}");

    // Question 2 is played on the new owner; the game finishes there.
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    play_question(&mut host, &mut back, 2).await;
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    host.recv_type("podium").await;
    let id = GameId::new(game);
    let until = Instant::now() + Duration::from_secs(15);
    while store.game(id).await.unwrap().unwrap().status != GameStatus::Finished {
        assert!(Instant::now() < until, "the game is stored as finished");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report = store.report(id).await.unwrap().unwrap();
    assert_eq!(report.players.len(), PLAYERS);
    assert_eq!(report.players.iter().filter(|l| l.kicked).count(), 1);
    assert!(
        report.players.iter().all(|l| l.kicked || l.answered == 3),
        "every answer of every player is stored: {:?}",
        report.players
    );
    // The finished game's boards stay to be looked at, as its last close left them.
    let last = Expected::read(&store, game, &schools).await;
    for node in &nodes[1..] {
        check_every_board(node.addr, game, &last).await;
    }
    watched_until(&mut viewer, &last.units(|_, _| true, |_, c| c.to_owned())).await;
}

/// Player `i`'s option for question `q`, as [`play_question`] chooses it.
fn option(i: usize, q: u64) -> u8 {
    if i as u64 % 3 == q % 3 {
        2
    } else {
        1
    }
}

/// Reads the province's live panel at `addr` until its one event, `game`, counts `players` on
/// the province's board and lists the first schools and communes as `expected` ranks them.
async fn dashboard_shows(
    addr: std::net::SocketAddr,
    cookie: &str,
    game: i64,
    expected: &Expected,
    players: usize,
) -> Value {
    let read = || async {
        let resp = http(
            addr,
            "GET",
            "/api/dashboard/live?unit=province",
            Some(cookie),
            None,
        )
        .await;
        assert_eq!(resp.status, 200, "{}", resp.body);
        resp.json()
    };
    let schools = expected.units(|_, _| true, |s, _| s.to_owned());
    let communes = expected.units(|_, _| true, |_, c| c.to_owned());
    let shows = |v: &Value| {
        let event = &v["events"][0];
        event["game"] == game
            && event["players"] == players
            && lines_of(&json!({"lines": event["top_schools"]}), true) == schools
            && lines_of(&json!({"lines": event["top_communes"]}), true) == communes
    };
    live_until(read, shows, "the new owner's boards on the live panel").await
}
