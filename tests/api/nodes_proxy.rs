//! Issue 18, «done when»: a game played through nginx in front of three nodes survives the loss
//! of its owner. nginx serves the documented several-node site (`docs/deploy/compose/nginx.conf`:
//! round-robin with no stickiness, WebSocket upgrades, the next node tried when one refuses),
//! the nodes believe `X-Forwarded-For` from it alone (`HOITHI_TRUSTED_PROXIES`, as
//! docs/deploy.md sets it), and the organizer, the host's screen and 60 phones reach the game
//! only through it, opening their sockets as the pages do (with an `Origin`). The owner is
//! SIGKILLed in the middle of a question; the phones come back through nginx, which passes over
//! the dead node, and the game goes on from that question to its podium.

use serde_json::json;

use crate::helpers::{http, question, Ws};
use crate::nginx::Nginx;
use crate::nodes::{finals, players_at, stored_as_shown, three_nodes_with, NAMES};
use crate::nodes_comeback::{all_back, closed, host_at};
use crate::process::{established_to, open_game_at, quiz_at, sign_in, Redis, Server};

/// The node that owns `game`: the holder of its lease in Redis (`{node}/{epoch}`).
async fn owner_of(redis: &Redis, game: i64) -> usize {
    let client = redis::Client::open(redis.url.as_str()).expect("a Redis URL");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("Redis answers");
    let held: String = redis::cmd("GET")
        .arg(format!("hoithi:owner:game:{game}"))
        .query_async(&mut conn)
        .await
        .expect("the game's lease is held");
    let node = held
        .rsplit_once('/')
        .map_or(held.as_str(), |(node, _)| node);
    NAMES
        .iter()
        .position(|name| *name == node)
        .unwrap_or_else(|| panic!("the lease is held by one of the nodes: {held}"))
}

/// How many of the sockets nginx opened each node in `nodes` holds (one per phone or screen
/// it passes on, and any idle kept-alive one left from the API's requests).
fn held_by<'a>(nodes: impl IntoIterator<Item = &'a Server>) -> Vec<usize> {
    nodes
        .into_iter()
        .map(|node| established_to(node.addr.port()))
        .collect()
}

/// Every phone receives question `q`.
async fn all_see(players: &mut [Ws], q: u64) {
    for p in players.iter_mut() {
        let msg = p.recv_type("question").await;
        assert_eq!(msg["q"], q, "{msg}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_game_played_through_nginx_goes_on_after_its_owner_is_killed() {
    let redis = Redis::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let trusted = [("HOITHI_TRUSTED_PROXIES", "127.0.0.1")];
    let mut nodes = three_nodes_with(dir.path(), &redis, &trusted).await;
    let addrs: Vec<_> = nodes.iter().map(|n| n.addr).collect();
    let nginx = Nginx::start(&addrs).await;
    let proxy = nginx.addr;

    let cookie = sign_in(proxy).await;
    let questions = [question("a", 60), question("b", 60), question("c", 60)];
    let (game, pin) = open_game_at(proxy, &cookie, dir.path(), &questions).await;
    let owner = owner_of(&redis, game).await;
    let mut host = host_at(proxy, &cookie, game).await;
    let mut players = players_at(&[proxy], &pin, 60).await;
    let tokens: Vec<String> = players.iter().map(|p| p.0.token.clone()).collect();
    // Round-robin spreads the 61 sockets over the nodes (20 or 21 each), so phones play on the
    // owner and through the relays of the two others.
    let held = held_by(&nodes);
    assert!(
        held.iter().all(|&n| n >= 10) && held.iter().sum::<usize>() >= 61,
        "nginx spreads the phones over the three nodes (sockets held: {held:?}); {}",
        nginx.log()
    );

    // Question 0 is played through: every other player right.
    host.send(json!({"type": "start"})).await;
    all_see(&mut players, 0).await;
    for (i, p) in players.iter_mut().enumerate() {
        p.answer(0, if i % 2 == 0 { 1 } else { 2 }).await;
        assert_eq!(p.recv_type("receipt").await["q"], 0);
    }
    let reveal = host.recv_type("reveal").await;
    assert_eq!(
        (reveal["answered"].as_u64(), reveal["right"].as_u64()),
        (Some(60), Some(30))
    );
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;

    // Question 1: the first half answer right and are acknowledged; then the owner dies.
    all_see(&mut players, 1).await;
    for p in players.iter_mut().take(30) {
        p.answer(1, 1).await;
        assert_eq!(p.recv_type("receipt").await["q"], 1);
    }
    nodes[owner].child.kill().expect("SIGKILL");
    nodes[owner].child.wait().expect("the owner is gone");

    // nginx closes the sockets the dead node held; the others' relays let theirs go. Every
    // phone comes back through nginx, which tries the next node when the dead one refuses.
    let logs = || format!("nginx's {}", nginx.log());
    let mut back = all_back(players, &tokens, &[proxy], 1, logs).await;
    closed(&mut host).await;
    let mut host = host_at(proxy, &cookie, game).await;
    let alive = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, node)| (i != owner).then_some(node));
    let held = held_by(alive);
    assert!(
        held.iter().all(|&n| n >= 10),
        "the phones came back over both nodes left (sockets held: {held:?})"
    );

    // Everyone answers question 1 wrong now: the answers acknowledged before the kill stand
    // (a repeat is acknowledged as the first). The host closes the question, held open for the
    // phones coming back.
    for p in back.iter_mut() {
        p.answer(1, 2).await;
        assert_eq!(p.recv_type("receipt").await["q"], 1);
    }
    host.send(json!({"type": "next"})).await;
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["answered"], 60, "{reveal}");
    assert_eq!(
        reveal["right"], 30,
        "the answers given before the kill stand: {reveal}"
    );
    for p in back.iter_mut() {
        assert_eq!(p.recv_type("reveal").await, reveal);
    }
    host.send(json!({"type": "next"})).await;
    let board = host.recv_type("leaderboard").await;
    for p in back.iter_mut() {
        assert_eq!(p.recv_type("leaderboard").await, board);
    }
    host.send(json!({"type": "next"})).await;

    // Question 2, the last, is played on the new owner: every third player right.
    all_see(&mut back, 2).await;
    for (i, p) in back.iter_mut().enumerate() {
        p.answer(2, if i % 3 == 0 { 1 } else { 2 }).await;
        assert_eq!(p.recv_type("receipt").await["q"], 2);
    }
    let reveal = host.recv_type("reveal").await;
    assert_eq!(
        (reveal["answered"].as_u64(), reveal["right"].as_u64()),
        (Some(60), Some(20))
    );
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    let podium = host.recv_type("podium").await;
    let finals = finals(&mut back, &podium).await;
    // The database agrees: the three answers of every player, those acknowledged before the
    // kill included, and the standings every phone was shown.
    stored_as_shown(dir.path(), game, &finals, 3).await;
}

/// A Rung chuông vàng contest runs on the node that opened it (its stage is not spread over
/// nodes), so the documented site sends its routes to one node: every phone that opens
/// `/ws/bell` through nginx finds the contest and takes its seat, the host's console and the
/// report reach it too, and its sockets are all on that node. With `/ws/bell` in the
/// round-robin, two phones in three would get `game_not_found`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rung_chuong_vang_through_nginx_is_found_by_every_phone() {
    let redis = Redis::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let trusted = [("HOITHI_TRUSTED_PROXIES", "127.0.0.1")];
    let nodes = three_nodes_with(dir.path(), &redis, &trusted).await;
    let addrs: Vec<_> = nodes.iter().map(|n| n.addr).collect();
    let nginx = Nginx::start(&addrs).await;
    let cookie = sign_in(nginx.addr).await;
    let quiz = quiz_at(dir.path(), &[question("a", 20), question("b", 20)]).await;
    let opened = http(
        nginx.addr,
        "POST",
        "/api/bell",
        Some(&cookie),
        Some(&json!({"quiz": quiz, "rules": {"rescue": {"kind": "all"}}})),
    )
    .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let opened = opened.json();
    let (id, pin) = (opened["id"].as_i64().unwrap(), opened["pin"].clone());

    let bell_socket = |cookie: Option<String>| async move {
        let ws =
            hoithi_loadtest::ws::Ws::connect_path(nginx.addr, None, "/ws/bell", cookie.as_deref())
                .await
                .expect("a socket through nginx");
        Ws::from(ws)
    };
    let mut phones = Vec::new();
    for seat in 1..=9 {
        let mut phone = bell_socket(None).await;
        phone
            .send(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": seat, "name": format!("Học sinh {seat}")}))
            .await;
        let welcome = phone.recv().await;
        assert_eq!(welcome["type"], "bell_welcome", "seat {seat}: {welcome}");
        assert_eq!(welcome["you"]["seat"], seat);
        phones.push(phone);
    }
    let mut host = bell_socket(Some(cookie.clone())).await;
    host.send(json!({"type": "bell_stage", "v": 1, "game": id, "role": "host"}))
        .await;
    let welcome = host.recv().await;
    assert_eq!(
        (welcome["type"].as_str(), welcome["role"].as_str()),
        (Some("bell_welcome"), Some("host")),
        "{welcome}"
    );
    let report = http(
        nginx.addr,
        "GET",
        &format!("/api/bell/{id}/report"),
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(report.status, 200, "{}", report.body);
    // The nine phones and the console on node a; the others hold at most an idle kept-alive
    // connection from the sign-in.
    let held = held_by(&nodes);
    assert!(held[0] >= 10, "{held:?}\n{}", nginx.log());
    assert!(held[1] <= 1 && held[2] <= 1, "{held:?}\n{}", nginx.log());
}
