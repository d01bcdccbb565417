//! The owner of a game played from three nodes is killed (SIGKILL) in the middle of a
//! question: its lease expires, another node takes the game over from the database, every
//! phone resumes on a node it reaches, the game goes on from that question and finishes, and
//! no acknowledged answer is lost. An owner stopped with SIGTERM leaves its games open for the
//! others rather than ending them; a game nobody comes back to is ended by a node left.

use std::time::Duration;

use hoithi::domain::GameId;
use hoithi::storage::GameStatus;
use serde_json::json;
use tokio::time::Instant;

use crate::helpers::{question, Ws};
use crate::nodes::{finals, node_with, players_over, stored_as_shown, three_nodes};
use crate::nodes_comeback::{all_back, closed, host_at, owner_killed};
use crate::process::Redis;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_killed_mid_question_another_node_takes_over_and_the_game_finishes() {
    let redis = Redis::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut nodes = three_nodes(dir.path(), &redis).await;
    let questions = [question("a", 60), question("b", 60)];
    let (game, pin) = nodes[0].open_game(dir.path(), &questions).await;
    let mut host = nodes[1].host(game).await;
    let mut players = players_over(&nodes, &pin, 60).await;
    let tokens: Vec<String> = players.iter().map(|p| p.0.token.clone()).collect();

    // A team game (issue 21), set from a relay node: three random teams of the 60.
    host.send(json!({"type": "set_teams", "plan": {"how": "random", "count": 3}}))
        .await;
    let teams_before = loop {
        let msg = host.recv_type("teams").await;
        if msg["teams"]["of"].as_array().map_or(0, Vec::len) == 60 {
            break msg["teams"].clone();
        }
    };

    // Question 0 is played through.
    host.send(json!({"type": "start"})).await;
    for p in players.iter_mut() {
        p.recv_type("question").await;
    }
    for (i, p) in players.iter_mut().enumerate() {
        p.answer(0, if i % 2 == 0 { 1 } else { 2 }).await;
        p.recv_type("receipt").await;
    }
    host.recv_type("reveal").await;
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;

    // Question 1: the first half answer and are acknowledged; then the owner dies.
    for p in players.iter_mut() {
        assert_eq!(p.recv_type("question").await["q"], 1);
    }
    for p in players.iter_mut().take(30) {
        p.answer(1, 1).await;
        let receipt = p.recv_type("receipt").await;
        assert_eq!(receipt["q"], 1, "{receipt}");
    }

    // Phones on the dead node are let go at once; the others when their node lets them go.
    // Each resumes on one of the two nodes left.
    let (mut back, mut host) = owner_killed(&mut nodes, players, &tokens, host, game, 1).await;
    assert_eq!(
        host.welcome["teams"], teams_before,
        "the teams come back with the game"
    );

    // Everyone answers question 1 (the first half again: the same answer, acknowledged as
    // the first); the host closes it.
    for p in back.iter_mut() {
        p.answer(1, 1).await;
        let receipt = p.recv_type("receipt").await;
        assert_eq!(receipt["q"], 1, "{receipt}");
    }
    host.send(json!({"type": "next"})).await;
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["answered"], 60, "{reveal}");
    assert_eq!(reveal["right"], 60, "{reveal}");
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    let board = host.recv_type("team_board").await;
    assert_eq!(board["final"], true);
    let members: u64 = board["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["size"].as_u64().unwrap())
        .sum();
    assert_eq!(members, 60, "every player on the final team board: {board}");
    let podium = host.recv_type("podium").await;
    let finals = finals(&mut back, &podium).await;
    // The database agrees: both answers of every player, the ones acknowledged before the
    // kill included, and the standings every phone was shown.
    stored_as_shown(dir.path(), game, &finals, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_stopped_with_sigterm_leaves_its_game_to_another_node() {
    let redis = Redis::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut nodes = three_nodes(dir.path(), &redis).await;
    let questions = [question("a", 60), question("b", 60)];
    let (game, pin) = nodes[0].open_game(dir.path(), &questions).await;
    let mut host = nodes[1].host(game).await;
    let mut players = players_over(&nodes, &pin, 30).await;
    let tokens: Vec<String> = players.iter().map(|p| p.0.token.clone()).collect();

    host.send(json!({"type": "start"})).await;
    for p in players.iter_mut() {
        p.recv_type("question").await;
    }
    for p in players.iter_mut().take(10) {
        p.answer(0, 1).await;
        p.recv_type("receipt").await;
    }
    // A rolling restart stops the owner: its phones, and the other nodes' through their
    // relays, are told to come back.
    nodes[0].terminate();
    assert!(
        nodes[0].wait_exit(Duration::from_secs(30)).await.is_some(),
        "the owner exits after SIGTERM"
    );
    let store = hoithi::storage::Store::open(&crate::database::url_for(dir.path()))
        .await
        .unwrap();
    let id = GameId::new(game);
    assert_eq!(
        store.game(id).await.unwrap().unwrap().status,
        GameStatus::Running,
        "a stopped node leaves its game open for the others; its log:\n{}",
        nodes[0].log()
    );

    let alive = [nodes[1].addr, nodes[2].addr];
    let mut back = all_back(players, &tokens, &alive, 0, String::new).await;
    closed(&mut host).await;
    let mut host = host_at(nodes[2].addr, &nodes[2].cookie, game).await;
    // The first ten answered before the stop: their answer stands (a repeat is acknowledged as
    // the first). A game taken over holds its open question for the host (players come back
    // one by one), so the host closes it.
    for p in back.iter_mut() {
        p.answer(0, 2).await;
        assert_eq!(p.recv_type("receipt").await["q"], 0);
    }
    host.send(json!({"type": "next"})).await;
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["answered"], 30, "{reveal}");
    assert_eq!(
        reveal["right"], 10,
        "the answers given before the stop stand: {reveal}"
    );
    for p in back.iter_mut() {
        assert_eq!(p.recv_type("reveal").await, reveal);
    }
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    for p in back.iter_mut() {
        assert_eq!(p.recv_type("question").await["q"], 1);
        p.answer(1, 1).await;
        p.recv_type("receipt").await;
    }
    host.recv_type("reveal").await;
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    let podium = host.recv_type("podium").await;
    for p in back.iter_mut() {
        assert_eq!(p.recv_type("podium").await, podium);
    }
    let until = Instant::now() + Duration::from_secs(15);
    while store.game(id).await.unwrap().unwrap().status != GameStatus::Finished {
        assert!(Instant::now() < until, "the game is stored as finished");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report = store.report(id).await.unwrap().unwrap();
    assert_eq!(report.players.len(), 30);
    assert!(report.players.iter().all(|l| l.answered == 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_game_whose_owner_died_and_nobody_came_back_to_is_marked_interrupted() {
    let redis = Redis::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let quick = [("HOITHI_ORPHANED_GAME_SECS", "2")];
    let mut a = node_with(dir.path(), &redis.url, "a", &quick).await;
    let b = node_with(dir.path(), &redis.url, "b", &quick).await;
    let questions = [question("a", 60)];
    let (abandoned, pin) = a.open_game(dir.path(), &questions).await;
    let (alive, _) = b.open_game(dir.path(), &questions).await;
    let mut player = Ws::connect(a.addr, None).await;
    player.join_as(&pin, "Học sinh về nhà").await;

    a.child.kill().expect("SIGKILL");
    a.child.wait().expect("the owner is gone");
    drop(player);

    let store = hoithi::storage::Store::open(&crate::database::url_for(dir.path()))
        .await
        .unwrap();
    // The lease runs out (10 s), then the game waits its 2 s for a phone, then node b ends it.
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let status = store
            .game(GameId::new(abandoned))
            .await
            .unwrap()
            .unwrap()
            .status;
        if status == GameStatus::Interrupted {
            break;
        }
        assert_eq!(status, GameStatus::Lobby);
        assert!(
            Instant::now() < until,
            "not ended; node b's log:\n{}",
            b.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        store
            .game(GameId::new(alive))
            .await
            .unwrap()
            .unwrap()
            .status,
        GameStatus::Lobby,
        "a game whose node lives stays open, however empty"
    );
}
