//! A province event game's set-up and boards as the tests see them (issue 18): the schools
//! imported, an event opened, players joined naming a school, a question played, and every board
//! computed from the answers the database holds and read until the server shows the same. Shared
//! by the tests of one node (`event_boards.rs`), of several (`event_nodes.rs`), of a takeover
//! (`event_takeover.rs`) and of the live dashboard (`dashboard_live.rs`).

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hoithi::domain::{AccountId, GameId};
use hoithi::storage::Store;
use serde_json::{json, Value};

use crate::helpers::{http, question, Ws};

pub const SCHOOLS: &str = "code,name,levels,commune,enrolment\n\
TH1,Trường Tiểu học Kim Đồng,tieu-hoc,22015,300\n\
TH2,Trường Tiểu học Lê Lợi,tieu-hoc,22015,100\n\
THCS1,Trường THCS Nguyễn Du,thcs,22045,300\n";

/// Player `i`'s school: three schools in two communes, unevenly.
pub fn school_of(i: usize) -> (&'static str, &'static str) {
    match i % 5 {
        0 | 1 => ("TH1", "22015"),
        2 => ("TH2", "22015"),
        _ => ("THCS1", "22045"),
    }
}

/// Imports the schools through the organizer's upload.
pub async fn import_schools(addr: SocketAddr, cookie: &str) {
    let resp = hoithi_loadtest::http::request_bytes(
        addr,
        "POST",
        "/api/units/schools/import?file=truong.csv",
        Some(cookie),
        Some(("application/octet-stream", SCHOOLS.as_bytes())),
    )
    .await
    .expect("HTTP request");
    assert_eq!(resp.status, 200, "{}", resp.body);
}

/// Opens an event game of `questions` 20-second questions, quiz written into `store`.
pub async fn open_event(
    addr: SocketAddr,
    cookie: &str,
    store: &Store,
    questions: usize,
) -> (i64, String) {
    open_event_of(addr, cookie, store, questions, 20).await
}

/// As [`open_event`], with questions of `secs` seconds (long enough to outlive a takeover).
pub async fn open_event_of(
    addr: SocketAddr,
    cookie: &str,
    store: &Store,
    questions: usize,
    secs: u32,
) -> (i64, String) {
    let qs: Vec<_> = (0..questions)
        .map(|i| question(&format!("q{i}"), secs))
        .collect();
    let quiz = store
        .create_quiz(AccountId::new(1), "Ngày Chuyển đổi số 10/10", &qs)
        .await
        .unwrap();
    let resp = http(
        addr,
        "POST",
        "/api/games",
        Some(cookie),
        Some(&json!({"quiz": quiz, "event": true, "settings": {"max_players": 1000}})),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let v = resp.json();
    (
        v["id"].as_i64().unwrap(),
        v["pin"].as_str().unwrap().to_owned(),
    )
}

/// Joins `pin` with a school; fails the test without a welcome.
pub async fn join_from(addr: SocketAddr, pin: &str, nickname: &str, school: &str) -> Ws {
    let mut ws = Ws::connect(addr, None).await;
    let reply = try_join(&mut ws, pin, nickname, Some(school)).await;
    assert_eq!(reply["type"], "welcome", "{nickname}: {reply}");
    ws.0.token = reply["token"].as_str().unwrap().to_owned();
    ws
}

pub async fn try_join(ws: &mut Ws, pin: &str, nickname: &str, school: Option<&str>) -> Value {
    let mut msg = json!({"type": "join", "v": 1, "pin": pin, "nickname": nickname});
    if let Some(school) = school {
        msg["school"] = json!(school);
    }
    ws.send(msg).await;
    ws.recv().await
}

/// The boards as the test computes them from the database's answers: every player's
/// (score, answer time, player id) with their school and commune; a kicked player is on none.
#[derive(Clone)]
pub struct Expected {
    players: Vec<(i64, i64, i64, String, String, String)>,
}

impl Expected {
    pub async fn read(store: &Store, game: i64, schools: &BTreeMap<String, &str>) -> Expected {
        let report = store.report(GameId::new(game)).await.unwrap().unwrap();
        let players = report
            .players
            .iter()
            .filter(|p| !p.kicked)
            .map(|p| {
                let school = schools[&p.nickname].to_owned();
                let commune = SCHOOLS
                    .lines()
                    .find(|l| l.starts_with(&format!("{school},")))
                    .unwrap()
                    .split(',')
                    .nth(3)
                    .unwrap()
                    .to_owned();
                (
                    p.score,
                    p.answer_time_ms,
                    p.player,
                    p.nickname.clone(),
                    school,
                    commune,
                )
            })
            .collect();
        Expected { players }
    }

    /// The same boards without `nickname` (a player kicked since).
    pub fn without(&self, nickname: &str) -> Expected {
        let players = self
            .players
            .iter()
            .filter(|p| p.3 != nickname)
            .cloned()
            .collect();
        Expected { players }
    }

    /// A board of players: nicknames and [score, time] in the order score ↓, time ↑, join ↑.
    pub fn players(&self, keep: impl Fn(&str, &str) -> bool) -> Vec<(String, Vec<i64>)> {
        let mut lines: Vec<_> = self.players.iter().filter(|p| keep(&p.4, &p.5)).collect();
        lines.sort_by_key(|p| (Reverse(p.0), p.1, p.2));
        lines
            .iter()
            .map(|p| (p.3.clone(), vec![p.0, p.1]))
            .collect()
    }

    /// A board of units (by `unit` of a player: school or commune): codes and [average score
    /// ×1000, average time, players], average ↓, time ↑, players ↓, code ↑.
    pub fn units(
        &self,
        keep: impl Fn(&str, &str) -> bool,
        unit: impl Fn(&str, &str) -> String,
    ) -> Vec<(String, Vec<i64>)> {
        let mut tallies: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
        for p in self.players.iter().filter(|p| keep(&p.4, &p.5)) {
            let t = tallies.entry(unit(&p.4, &p.5)).or_default();
            t.0 += 1;
            t.1 += p.0;
            t.2 += p.1;
        }
        let mut lines: Vec<(String, Vec<i64>)> = tallies
            .into_iter()
            .map(|(code, (n, score, time))| (code, vec![score * 1000 / n, time / n, n]))
            .collect();
        lines.sort_by(|a, b| {
            (Reverse(a.1[0]), a.1[1], Reverse(a.1[2]), &a.0).cmp(&(
                Reverse(b.1[0]),
                b.1[1],
                Reverse(b.1[2]),
                &b.0,
            ))
        });
        lines
    }
}

/// A board's lines as (label or code, keys).
pub fn lines_of(page: &Value, by_member: bool) -> Vec<(String, Vec<i64>)> {
    page["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let name = if by_member { &l["member"] } else { &l["label"] };
            (
                name.as_str().unwrap().to_owned(),
                l["keys"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k.as_i64().unwrap())
                    .collect(),
            )
        })
        .collect()
}

/// Reads the public board until it shows `want` (the feed writes after the close, not with it).
pub async fn board_becomes(
    addr: SocketAddr,
    game: i64,
    scope: &str,
    want: &[(String, Vec<i64>)],
) -> Value {
    let by_member = !scope.starts_with("province")
        && !scope.starts_with("commune/")
        && !scope.starts_with("school/");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let resp = http(
            addr,
            "GET",
            &format!("/api/rankings/game-{game}/board/{scope}?limit=100"),
            None,
            None,
        )
        .await;
        assert_eq!(resp.status, 200, "{scope}: {}", resp.body);
        let page = resp.json();
        if lines_of(&page, by_member) == want {
            assert_eq!(page["total"], want.len(), "{page}");
            return page;
        }
        assert!(
            Instant::now() < deadline,
            "board {scope} is {page}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Plays question `q`: every player answers, player `i` right unless `i % 3 == q % 3`, one
/// after the other (so answer times differ); waits for every receipt and the host's reveal.
pub async fn play_question(host: &mut Ws, players: &mut [Ws], q: u64) {
    for p in players.iter_mut() {
        p.recv_type("question").await;
    }
    for (i, p) in players.iter_mut().enumerate() {
        let option = if i as u64 % 3 == q % 3 { 2 } else { 1 };
        p.answer(q, option).await;
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    for p in players.iter_mut() {
        p.recv_type("receipt").await;
    }
    host.recv_type("reveal").await;
}

/// Every board of the event, as the test computes them, read until equal.
pub async fn check_every_board(addr: SocketAddr, game: i64, expected: &Expected) {
    let all = |_: &str, _: &str| true;
    board_becomes(addr, game, "province", &expected.players(all)).await;
    for school in ["TH1", "TH2", "THCS1"] {
        let want = expected.players(|s, _| s == school);
        board_becomes(addr, game, &format!("school/{school}"), &want).await;
    }
    for commune in ["22015", "22045"] {
        let want = expected.players(|_, c| c == commune);
        board_becomes(addr, game, &format!("commune/{commune}"), &want).await;
        let want = expected.units(|_, c| c == commune, |s, _| s.to_owned());
        board_becomes(addr, game, &format!("schools/commune/{commune}"), &want).await;
    }
    let schools = expected.units(all, |s, _| s.to_owned());
    board_becomes(addr, game, "schools", &schools).await;
    let communes = expected.units(all, |_, c| c.to_owned());
    board_becomes(addr, game, "communes", &communes).await;
}

/// Reads `board` messages until one lists `want` (codes and keys).
pub async fn watched_until(viewer: &mut Ws, want: &[(String, Vec<i64>)]) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = viewer
            .try_recv(left)
            .await
            .unwrap_or_else(|| panic!("no board showing {want:?}"));
        assert_eq!(msg["type"], "board", "{msg}");
        if lines_of(&msg, true) == want {
            return msg;
        }
    }
}
