//! A class game played in teams (issue 21), over real sockets: the host sets teams up (at
//! random, or from the host's names with players picking), a member removed by the host counts
//! as absent, and the team board the host gets and the places the phones get are what this test
//! computes from the scores the players were shown. Bad input changes nothing.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{question, spawn_app, Ws};

/// (player, score, present) of each member, by team.
type Members = BTreeMap<u64, Vec<Member>>;
/// (player, score, present).
type Member = (u64, u64, bool);
/// (team, rank, score).
type Line = (u64, u64, u64);

/// The team board as the rules say (`src/domain/teams/standing.rs`): average of the present
/// members, or their sum with each absent member counted at the team's mean; rounded to whole
/// points for the screens. (The test's teams never tie, so the order is by score alone.)
fn expected(members: &Members, sum: bool) -> Vec<(u64, u64, u64)> {
    let mut lines: Vec<(u64, u64, u64, u64)> = members
        .iter()
        .map(|(&team, ms)| {
            let present: Vec<u64> = ms.iter().filter(|m| m.2).map(|m| m.1).collect();
            let n = present.len() as u64;
            let total: u64 = present.iter().sum::<u64>() * if sum { ms.len() as u64 } else { 1 };
            // exact score total / n, compared as fractions; shown rounded half up
            let shown = (total + n / 2).checked_div(n).unwrap_or(0);
            (team, total, n, shown)
        })
        .collect();
    lines.sort_by(|a, b| {
        (u128::from(b.1) * u128::from(a.2)).cmp(&(u128::from(a.1) * u128::from(b.2)))
    });
    lines
        .iter()
        .enumerate()
        .map(|(i, &(team, _, _, shown))| (team, i as u64 + 1, shown))
        .collect()
}

/// The board's (team, rank, score) and each team's members as (id, score, present), in order.
fn board_of(msg: &Value) -> (Vec<Line>, Vec<Vec<Member>>) {
    let teams = msg["teams"].as_array().expect("teams");
    let lines = teams
        .iter()
        .map(|t| {
            (
                t["team"].as_u64().unwrap(),
                t["rank"].as_u64().unwrap(),
                t["score"].as_u64().unwrap(),
            )
        })
        .collect();
    let members = teams
        .iter()
        .map(|t| {
            t["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    (
                        m["id"].as_u64().unwrap(),
                        m["score"].as_u64().unwrap(),
                        m["present"].as_bool().unwrap(),
                    )
                })
                .collect()
        })
        .collect();
    (lines, members)
}

/// The host's next `teams` message (with `of`), as player → team.
async fn host_teams(host: &mut Ws) -> (Value, BTreeMap<u64, u64>) {
    let msg = host.recv_type("teams").await;
    let of = msg["teams"]["of"]
        .as_array()
        .expect("the host gets who is on which team")
        .iter()
        .map(|pair| (pair[0].as_u64().unwrap(), pair[1].as_u64().unwrap()))
        .collect();
    (msg, of)
}

/// The host's `teams` messages until one whose `of` satisfies `done` (picks arrive coalesced).
async fn host_teams_until(
    host: &mut Ws,
    done: impl Fn(&BTreeMap<u64, u64>) -> bool,
) -> BTreeMap<u64, u64> {
    loop {
        let (_, of) = host_teams(host).await;
        if done(&of) {
            return of;
        }
    }
}

fn id(p: &Ws) -> u64 {
    p.welcome["player"]["id"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_teams_with_an_absent_member_rank_as_the_rules_say_on_every_screen() {
    let app = spawn_app().await;
    let (game, pin) = app
        .open_game(&[question("a", 20), question("b", 20)], json!({}))
        .await;
    let mut host = app.host(game).await;
    let mut players = Vec::new();
    for i in 0..9 {
        players.push(app.player(&pin, &format!("Em {i}")).await);
    }
    host.send(
        json!({"type": "set_teams", "plan": {"how": "random", "count": 3}, "scoring": "sum"}),
    )
    .await;
    let (_, of) = host_teams(&mut host).await;
    assert_eq!(of.len(), 9, "everyone is on a team");
    for team in 0..3 {
        assert_eq!(of.values().filter(|&&t| t == team).count(), 3, "balanced");
    }
    for p in players.iter_mut() {
        let teams = p.recv_type("teams").await;
        assert_eq!(teams["teams"]["names"], json!(["Đội 1", "Đội 2", "Đội 3"]));
        assert!(
            teams["teams"].get("of").is_none(),
            "phones do not get the list"
        );
        let team = p.recv_type("team").await;
        assert_eq!(team["team"].as_u64(), of.get(&id(p)).copied(), "{team}");
    }

    // One member of team 1 is removed by the host: absent, counted at the team's mean.
    let absent = *of.iter().find(|(_, &t)| t == 1).unwrap().0;
    host.send(json!({"type": "kick", "player": absent})).await;
    players.retain(|p| id(p) != absent);
    // A late joiner at random goes into the smallest team (the removed member still holds
    // their place on team 1, so the first of the others: team 0).
    let mut late = app.player(&pin, "Đến muộn").await;
    assert_eq!(late.welcome["team"]["team"], 0, "{}", late.welcome);
    let of = host_teams_until(&mut host, |of| of.len() == 10).await;
    host.send(json!({"type": "start"})).await;

    let mut scores: BTreeMap<u64, u64> = BTreeMap::new();
    for q in 0..2u64 {
        // Team 0 all right, team 1 one right, team 2 all wrong; the late joiner answers right.
        let mut right_in_1 = false;
        for p in players.iter_mut() {
            p.recv_type("question").await;
            let team = of[&id(p)];
            let right = team == 0 || (team == 1 && !std::mem::replace(&mut right_in_1, true));
            p.answer(q, if right { 1 } else { 2 }).await;
        }
        late.recv_type("question").await;
        late.answer(q, 1).await;
        let mut results = Vec::new();
        for p in players.iter_mut().chain([&mut late]) {
            let result = p.recv_type("result").await;
            scores.insert(id(p), result["score"].as_u64().unwrap());
            results.push((of[&id(p)], result));
        }
        let mut members: Members = BTreeMap::new();
        for (&player, &team) in &of {
            let present = player != absent;
            let score = scores.get(&player).copied().unwrap_or(0);
            members
                .entry(team)
                .or_default()
                .push((player, score, present));
        }
        let want = expected(&members, true);
        // Each phone: its team, its place and score, among 3.
        for (team, result) in &results {
            let line = want.iter().find(|l| l.0 == *team).unwrap();
            let got = &result["team"];
            assert_eq!(
                (
                    got["team"].as_u64(),
                    got["rank"].as_u64(),
                    got["score"].as_u64(),
                    got["of"].as_u64()
                ),
                (Some(*team), Some(line.1), Some(line.2), Some(3)),
                "{result}"
            );
        }
        host.send(json!({"type": "next"})).await;
        let board = host.recv_type("team_board").await;
        let leaderboard = host.recv_type("leaderboard").await;
        assert_eq!(
            board["seq"], leaderboard["seq"],
            "the board goes with its leaderboard"
        );
        assert_eq!(board["final"], false);
        assert_eq!(board["scoring"], "sum");
        let (lines, listed) = board_of(&board);
        assert_eq!(lines, want, "the host's team board after question {q}");
        for (line, members_shown) in board["teams"].as_array().unwrap().iter().zip(&listed) {
            let team = line["team"].as_u64().unwrap();
            let mut mine = members[&team].clone();
            mine.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)));
            let shown: Vec<(u64, bool)> = members_shown.iter().map(|m| (m.1, m.2)).collect();
            let want: Vec<(u64, bool)> = mine.iter().map(|m| (m.1, m.2)).collect();
            assert_eq!(shown, want, "members: present by score, the absent last");
            assert_eq!(line["size"], 3 + u64::from(team == 0));
        }
        if q == 0 {
            host.send(json!({"type": "next"})).await;
        }
    }
    // The phones' places after the last question equal the board's.
    let board = {
        host.send(json!({"type": "next"})).await;
        let board = host.recv_type("team_board").await;
        host.recv_type("podium").await;
        board
    };
    assert_eq!(board["final"], true);
    let (lines, _) = board_of(&board);
    for p in players.iter_mut().chain([&mut late]) {
        let fin = p.recv_type("final").await;
        let team = of[&id(p)];
        let line = lines.iter().find(|l| l.0 == team).unwrap();
        assert_eq!(
            (
                fin["team"]["team"].as_u64(),
                fin["team"]["rank"].as_u64(),
                fin["team"]["score"].as_u64(),
                fin["team"]["of"].as_u64()
            ),
            (Some(team), Some(line.1), Some(line.2), Some(3)),
            "{fin}"
        );
    }

    // The report shows the teams, then their members, as the podium did.
    let report = app.get(&format!("/api/games/{game}/report")).await.json();
    let teams = report["teams"].as_array().expect("the report's teams");
    let from_report: Vec<(u64, u64, u64)> = teams
        .iter()
        .map(|t| {
            (
                t["team"].as_u64().unwrap(),
                t["rank"].as_u64().unwrap(),
                t["score"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(from_report, lines);
    assert_eq!(report["team_scoring"], "sum");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn players_pick_from_the_hosts_list_within_its_cap_and_teams_rank_by_average() {
    let app = spawn_app().await;
    let (game, pin) = app.open_game(&[question("a", 20)], json!({})).await;
    let mut host = app.host(game).await;
    let mut p: Vec<Ws> = Vec::new();
    for name in ["An", "Bình", "Chi", "Dũng", "Em", "Giang"] {
        p.push(app.player(&pin, name).await);
    }
    let names = ["Sao Đỏ", "Bình Minh", "Hoa Sen"];
    host.send(json!({"type": "set_teams", "plan": {"how": "names", "names": names, "pick": true, "max_size": 2}}))
        .await;
    for ws in p.iter_mut() {
        let teams = ws.recv_type("teams").await;
        assert_eq!(teams["teams"]["pick"], true);
        assert_eq!(teams["teams"]["scoring"], "average");
        assert_eq!(ws.recv_type("team").await["team"], Value::Null);
    }
    let picks = [0, 0, 1, 1, 2, 2];
    for (ws, &team) in p.iter_mut().zip(&picks) {
        ws.send(json!({"type": "team_pick", "team": team})).await;
        let got = ws.recv_type("team").await;
        assert_eq!(
            (got["team"].as_u64(), got["name"].as_str()),
            (Some(team), Some(names[team as usize]))
        );
    }
    // Full, unknown: refused, nothing changed.
    p[2].send(json!({"type": "team_pick", "team": 0})).await;
    assert_eq!(p[2].recv_type("error").await["code"], "team_full");
    p[4].send(json!({"type": "team_pick", "team": 7})).await;
    let err = p[4].recv_type("error").await;
    assert_eq!(
        (err["code"].as_str(), err["message"].as_str()),
        (Some("unknown_team"), Some("Không có đội này."))
    );
    let want: BTreeMap<u64, u64> = p.iter().zip(&picks).map(|(ws, &t)| (id(ws), t)).collect();
    host_teams_until(&mut host, |of| *of == want).await;

    host.send(json!({"type": "start"})).await;
    for ws in p.iter_mut() {
        ws.recv_type("question").await;
    }
    // After the start nobody changes sides; a late joiner on no team may pick, or be placed.
    p[0].send(json!({"type": "team_pick", "team": 1})).await;
    assert_eq!(p[0].recv_type("error").await["code"], "pick_closed");
    let mut late = app.player(&pin, "Hà").await;
    assert!(late.welcome.get("team").is_none(), "{}", late.welcome);
    assert_eq!(late.welcome["teams"]["names"], json!(names));
    late.send(json!({"type": "team_pick", "team": 2})).await;
    assert_eq!(late.recv_type("error").await["code"], "team_full");
    host.send(json!({"type": "team_place", "player": id(&late), "team": 2}))
        .await;
    assert_eq!(late.recv_type("team").await["team"], 2);

    // Sao Đỏ both right, Bình Minh one right, Hoa Sen wrong (the late joiner too).
    for (i, ws) in p.iter_mut().enumerate() {
        ws.answer(0, if i <= 2 { 1 } else { 2 }).await;
    }
    late.answer(0, 2).await;
    let mut members: Members = BTreeMap::new();
    let mut results = Vec::new();
    for (ws, &team) in p.iter_mut().zip(&picks) {
        let result = ws.recv_type("result").await;
        members
            .entry(team)
            .or_default()
            .push((id(ws), result["score"].as_u64().unwrap(), true));
        results.push(result);
    }
    members.entry(2).or_default().push((id(&late), 0, true));
    let want = expected(&members, false);
    assert_eq!(want.iter().map(|l| l.0).collect::<Vec<_>>(), vec![0, 1, 2]);
    for (result, &team) in results.iter().zip(&picks) {
        let line = want.iter().find(|l| l.0 == team).unwrap();
        assert_eq!(
            (
                result["team"]["rank"].as_u64(),
                result["team"]["score"].as_u64()
            ),
            (Some(line.1), Some(line.2)),
            "{result}"
        );
    }
    host.send(json!({"type": "end"})).await;
    let board = host.recv_type("team_board").await;
    host.recv_type("podium").await;
    let (lines, listed) = board_of(&board);
    assert_eq!(lines, want);
    assert_eq!(listed[2].len(), 3, "Hoa Sen: two who picked and one placed");
    assert_eq!(board["teams"][0]["name"], "Sao Đỏ");
    let fin = late.recv_type("final").await;
    assert_eq!(fin["team"]["rank"], 3);
}

#[tokio::test]
async fn bad_team_input_gets_a_code_and_a_vietnamese_message_and_changes_nothing() {
    let app = spawn_app().await;
    let (game, pin) = app.open_game(&[question("a", 20)], json!({})).await;
    let mut host = app.host(game).await;
    let mut a = app.player(&pin, "An").await;
    let _b = app.player(&pin, "Bình").await;

    // No teams yet: nothing to place on or pick.
    host.send(json!({"type": "team_place", "player": id(&a), "team": 0}))
        .await;
    assert_eq!(host.recv_type("error").await["code"], "no_teams");
    a.send(json!({"type": "team_pick", "team": 0})).await;
    let err = a.recv_type("error").await;
    assert_eq!(err["message"], "Trò chơi này không chơi theo đội.");
    // Only the host sets teams up.
    a.send(json!({"type": "set_teams", "plan": {"how": "random", "count": 2}}))
        .await;
    assert_eq!(a.recv_type("error").await["code"], "not_host");

    let refused = [
        (json!({"how": "random", "count": 1}), "team_count"),
        (json!({"how": "random", "count": 3}), "too_few_players"),
        (json!({"how": "names", "names": ["Một"]}), "team_count"),
        (
            json!({"how": "names", "names": ["Tổ 1", "tổ  1"]}),
            "bad_team_name",
        ),
        (
            json!({"how": "names", "names": ["Tổ 1", "x".repeat(31)]}),
            "bad_team_name",
        ),
        (
            json!({"how": "names", "names": ["Tổ 1", ""]}),
            "bad_team_name",
        ),
        (json!({"how": "class"}), "team_count"),
    ];
    for (plan, code) in refused {
        host.send(json!({"type": "set_teams", "plan": plan})).await;
        let err = host.recv_type("error").await;
        assert_eq!(err["code"], code, "{plan}");
        assert!(!err["message"].as_str().unwrap().is_empty());
    }
    host.send(json!({"type": "set_teams", "plan": {"how": "kmeans"}}))
        .await;
    assert_eq!(host.recv_type("error").await["code"], "bad_message");
    host.send(
        json!({"type": "set_teams", "plan": {"how": "random", "count": 2}, "scoring": "median"}),
    )
    .await;
    assert_eq!(host.recv_type("error").await["code"], "bad_message");
    // Nothing changed: a fresh host screen sees no teams; the phone heard of none.
    let again = app.host(game).await;
    assert!(again.welcome.get("teams").is_none(), "{}", again.welcome);
    assert!(
        a.try_recv(Duration::from_millis(500)).await.is_none(),
        "no teams message after refusals"
    );

    host.send(json!({"type": "set_teams", "plan": {"how": "names", "names": ["Tổ 1", "Tổ 2"]}}))
        .await;
    host_teams(&mut host).await;
    a.send(json!({"type": "team_pick", "team": 0})).await;
    assert_eq!(a.recv_type("error").await["code"], "pick_closed");
    host.send(json!({"type": "team_place", "player": 99, "team": 0}))
        .await;
    assert_eq!(host.recv_type("error").await["code"], "unknown_player");
    host.send(json!({"type": "team_place", "player": id(&a), "team": 5}))
        .await;
    assert_eq!(host.recv_type("error").await["code"], "unknown_team");
    host.send(json!({"type": "start"})).await;
    host.send(json!({"type": "set_teams", "plan": null})).await;
    assert_eq!(host.recv_type("error").await["code"], "wrong_phase");
    let again = app.host(game).await;
    assert_eq!(again.welcome["teams"]["names"], json!(["Tổ 1", "Tổ 2"]));
    assert_eq!(again.welcome["teams"]["of"], json!([]));
}

#[tokio::test]
async fn teams_by_class_come_from_the_pupils_login_cards() {
    use crate::contest::{cards, roster, secret_of, sign_in};
    let app = spawn_app().await;
    roster(&app).await;
    let cards = cards(&app, "TH1").await;
    let (game, pin) = app.open_game(&[question("a", 20)], json!({})).await;
    let mut host = app.host(game).await;
    // HS01 and HS02 are in 5A, HS03 in 5B (contest.rs's roster); Khách has no card.
    let mut pupils = Vec::new();
    for code in ["HS01", "HS02", "HS03"] {
        let device = sign_in(&app, code, secret_of(&cards, code)).await;
        let mut ws = Ws::connect(app.addr, Some(device.cookie())).await;
        ws.join_as(&pin, code).await;
        pupils.push(ws);
    }
    let guest = app.player(&pin, "Khách").await;
    host.send(json!({"type": "set_teams", "plan": {"how": "class"}}))
        .await;
    let of = host_teams_until(&mut host, |of| of.len() == 3).await;
    let again = app.host(game).await;
    assert_eq!(again.welcome["teams"]["names"], json!(["5A", "5B"]));
    assert_eq!(again.welcome["teams"]["how"], "class");
    let want: BTreeMap<u64, u64> = pupils
        .iter()
        .zip([0, 0, 1])
        .map(|(p, t)| (id(p), t))
        .collect();
    assert_eq!(of, want);
    assert!(
        !of.contains_key(&id(&guest)),
        "no card, no class: the host places them"
    );
    for (p, name) in pupils.iter_mut().zip(["5A", "5A", "5B"]) {
        assert_eq!(p.recv_type("team").await["name"], name);
    }
}

/// A team pick from a phone on a node that does not run the game: the relay passes it to the
/// owner, whose room takes or refuses it as it would a pick of its own phones (a full team, an
/// unknown one, a pick after the start), and the host on the owner sees the relay's players on
/// their teams.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_pick_through_another_node_is_taken_or_refused_by_the_owner() {
    let redis = crate::process::Redis::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let a = crate::nodes::node(dir.path(), &redis.url, "a").await;
    let b = crate::nodes::node(dir.path(), &redis.url, "b").await;
    let (game, pin) = a.open_game(dir.path(), &[question("a", 20)]).await;
    let mut host = a.host(game).await;
    // Player 0 on node a (the owner), players 1 and 2 on node b.
    let mut p = crate::nodes::players_at(&[a.addr, b.addr, b.addr], &pin, 3).await;
    let names = ["Sao Đỏ", "Bình Minh"];
    host.send(json!({"type": "set_teams", "plan": {"how": "names", "names": names, "pick": true, "max_size": 2}}))
        .await;
    for ws in p.iter_mut() {
        assert_eq!(ws.recv_type("teams").await["teams"]["pick"], true);
        assert_eq!(ws.recv_type("team").await["team"], Value::Null);
    }
    for i in [0, 1] {
        p[i].send(json!({"type": "team_pick", "team": 0})).await;
        let got = p[i].recv_type("team").await;
        assert_eq!(
            (got["team"].as_u64(), got["name"].as_str()),
            (Some(0), Some("Sao Đỏ"))
        );
    }
    p[2].send(json!({"type": "team_pick", "team": 0})).await;
    assert_eq!(p[2].recv_type("error").await["code"], "team_full");
    p[2].send(json!({"type": "team_pick", "team": 7})).await;
    let err = p[2].recv_type("error").await;
    assert_eq!(
        (err["code"].as_str(), err["message"].as_str()),
        (Some("unknown_team"), Some("Không có đội này."))
    );
    p[2].send(json!({"type": "team_pick", "team": 1})).await;
    assert_eq!(p[2].recv_type("team").await["team"], 1);
    let want: BTreeMap<u64, u64> = [(id(&p[0]), 0), (id(&p[1]), 0), (id(&p[2]), 1)].into();
    host_teams_until(&mut host, |of| *of == want).await;

    host.send(json!({"type": "start"})).await;
    for ws in p.iter_mut() {
        ws.recv_type("question").await;
    }
    p[1].send(json!({"type": "team_pick", "team": 1})).await;
    assert_eq!(p[1].recv_type("error").await["code"], "pick_closed");
}
