//! Several nodes for one game (issue 18): three `hoithi serve` processes on loopback share one
//! database (the test's SQLite file, or its PostgreSQL database under
//! `HOITHI_TEST_DATABASE=postgres`) and one Redis (a private redis-server, so no other test's
//! channels or leases meet these). Players and the host reach whichever node they are given,
//! as behind a round-robin proxy.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use hoithi::domain::GameId;
use hoithi::storage::GameStatus;
use serde_json::{json, Value};

use crate::helpers::{question, Ws};
use crate::process::{browser_ws, hoithi, Redis, Server};

/// Per-address limits out of the way: every simulated phone comes from 127.0.0.1.
const ROOMY: [(&str, &str); 6] = [
    ("HOITHI_UPGRADES_PER_MINUTE", "100000"),
    ("HOITHI_JOINS_PER_MINUTE", "100000"),
    ("HOITHI_JOINS_PER_GAME_PER_MINUTE", "100000"),
    ("HOITHI_JOINS_PER_ADDRESS_PER_GAME_PER_MINUTE", "100000"),
    ("HOITHI_CONNECTIONS_PER_ADDRESS", "100000"),
    ("HOITHI_PIN_MISSES_PER_MINUTE", "100000"),
];

/// Node `name` on the database of `dir` and the Redis at `redis`.
pub async fn node(dir: &Path, redis: &str, name: &str) -> Server {
    node_with(dir, redis, name, &[]).await
}

/// As [`node`], with more environment (`settings`).
pub async fn node_with(dir: &Path, redis: &str, name: &str, settings: &[(&str, &str)]) -> Server {
    let mut cmd = hoithi(dir);
    cmd.env("REDIS_URL", redis).env("HOITHI_NODE_NAME", name);
    for (key, value) in ROOMY.iter().chain(settings) {
        cmd.env(key, value);
    }
    Server::start_with(cmd).await
}

/// Three nodes, started one after the other (the first makes the schema).
pub async fn three_nodes(dir: &Path, redis: &Redis) -> Vec<Server> {
    three_nodes_with(dir, redis, &[]).await
}

/// As [`three_nodes`], each with more environment (`settings`).
pub async fn three_nodes_with(dir: &Path, redis: &Redis, settings: &[(&str, &str)]) -> Vec<Server> {
    let mut nodes = Vec::new();
    for name in NAMES {
        nodes.push(node_with(dir, &redis.url, name, settings).await);
    }
    nodes
}

/// The names of [`three_nodes`], in order (`HOITHI_NODE_NAME`).
pub const NAMES: [&str; 3] = ["a", "b", "c"];

/// `count` players joined to `pin`, player `i` on node `i % 3`, several joining at once.
pub async fn players_over(nodes: &[Server], pin: &str, count: usize) -> Vec<Ws> {
    let addrs: Vec<SocketAddr> = nodes.iter().map(|n| n.addr).collect();
    players_at(&addrs, pin, count).await
}

/// `count` players joined to `pin`, player `i` at `addrs[i % addrs.len()]` (a node, or the
/// proxy in front of them), opening their sockets as the join page does, several at once.
pub async fn players_at(addrs: &[SocketAddr], pin: &str, count: usize) -> Vec<Ws> {
    let mut players = Vec::new();
    for chunk in (0..count).collect::<Vec<_>>().chunks(50) {
        let joins = chunk.iter().map(|&i| {
            let addr = addrs[i % addrs.len()];
            let pin = pin.to_owned();
            async move {
                let mut ws = browser_ws(addr, None).await;
                ws.join_as(&pin, &format!("Học sinh {i:03}")).await;
                ws
            }
        });
        players.extend(join_all(joins).await);
    }
    players
}

/// Each of `players` gets the host's `podium`, then its own `final`: by player id.
pub async fn finals(players: &mut [Ws], podium: &Value) -> HashMap<i64, Value> {
    let mut finals = HashMap::new();
    for p in players.iter_mut() {
        assert_eq!(&p.recv_type("podium").await, podium, "one podium for all");
        let fin = p.recv_type("final").await;
        finals.insert(p.welcome["player"]["id"].as_i64().unwrap(), fin);
    }
    assert_eq!(finals.len(), players.len(), "one final per player");
    finals
}

/// Once `game` is stored as finished: the database holds `answered` answers of each player of
/// `finals` and no one else, and the rank and score each phone's `final` showed.
pub async fn stored_as_shown(dir: &Path, game: i64, finals: &HashMap<i64, Value>, answered: i64) {
    let store = hoithi::storage::Store::open(&crate::database::url_for(dir))
        .await
        .unwrap();
    let game = GameId::new(game);
    let until = Instant::now() + Duration::from_secs(15);
    while store.game(game).await.unwrap().unwrap().status != GameStatus::Finished {
        assert!(Instant::now() < until, "the game is stored as finished");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report = store.report(game).await.unwrap().unwrap();
    assert_eq!(report.players.len(), finals.len());
    for line in &report.players {
        assert_eq!(line.answered, answered, "player {}", line.player);
        let shown = &finals[&line.player];
        assert_eq!(shown["rank"].as_i64(), Some(line.rank), "{shown}");
        assert_eq!(shown["score"].as_i64(), Some(line.score), "{shown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_players_over_three_nodes_play_one_game_and_see_the_same_ranking() {
    let redis = Redis::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let nodes = three_nodes(dir.path(), &redis).await;
    let questions = [question("a", 20), question("b", 20), question("c", 20)];
    // Node a opens (and so owns) the game; the host's screen is on node b.
    let (game, pin) = nodes[0].open_game(dir.path(), &questions).await;
    let mut host = nodes[1].host(game).await;
    let mut players = players_over(&nodes, &pin, 300).await;
    assert!(
        players
            .iter()
            .all(|p| p.welcome["game"]["pin"] == pin.as_str()),
        "every node seats its players in the one game"
    );

    host.send(json!({"type": "start"})).await;
    for qi in 0..questions.len() as u64 {
        let mut seqs = Vec::new();
        for p in players.iter_mut() {
            let msg = p.recv_type("question").await;
            assert_eq!(msg["q"], qi, "{msg}");
            seqs.push(msg["seq"].as_u64().unwrap());
        }
        assert!(
            seqs.windows(2).all(|w| w[0] == w[1]),
            "one question, one seq"
        );
        // Two players in three answer right; the order of answers makes the scores differ.
        for (i, p) in players.iter_mut().enumerate() {
            p.answer(qi, if i % 3 == 2 { 2 } else { 1 }).await;
        }
        for p in players.iter_mut() {
            let receipt = p.recv_type("receipt").await;
            assert_eq!(receipt["q"], qi, "{receipt}");
        }
        // Everyone answered: the question closes early, on every node.
        let reveal = host.recv_type("reveal").await;
        assert_eq!(reveal["answered"], 300, "{reveal}");
        assert_eq!(reveal["right"], 200, "{reveal}");
        for p in players.iter_mut() {
            assert_eq!(p.recv_type("reveal").await, reveal);
            let result = p.recv_type("result").await;
            assert_eq!(result["answered"], true, "{result}");
        }
        host.send(json!({"type": "next"})).await;
        let board = host.recv_type("leaderboard").await;
        for p in players.iter_mut() {
            assert_eq!(p.recv_type("leaderboard").await, board);
        }
        host.send(json!({"type": "next"})).await;
    }

    let podium = host.recv_type("podium").await;
    let finals = finals(&mut players, &podium).await;
    // The ranking every node showed is the one the owner stored (the standings are written
    // before the status, by the owner's one writer).
    stored_as_shown(dir.path(), game, &finals, 3).await;
}
