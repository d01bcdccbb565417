//! The dashboard's live panel (issue 22): `GET /api/dashboard/live?unit=…` counts the players
//! connected and the answers received per second, for the province, a commune or a school, and
//! lists the event's first schools and communes; each account reads its own part.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::events::{import_schools, join_from, open_event, play_question, school_of, Expected};
use crate::helpers::{http, question, spawn_app, spawn_app_with, TestApp};
use crate::process::Redis;

const PASSWORD: &str = "mat-khau-dai-du-12";

async fn account(app: &TestApp, username: &str, role: &str, unit: &str) -> String {
    let resp = app
        .post(
            "/api/accounts",
            &json!({"username": username, "display_name": username, "password": PASSWORD,
                    "role": role, "unit": unit}),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    app.sign_in(username, PASSWORD).await.expect("signs in")
}

async fn live(app: &TestApp, cookie: Option<&str>, unit: &str) -> (u16, Value) {
    let resp = http(
        app.addr,
        "GET",
        &format!("/api/dashboard/live?unit={unit}"),
        cookie,
        None,
    )
    .await;
    let body = if resp.status == 200 {
        resp.json()
    } else {
        Value::Null
    };
    (resp.status, body)
}

/// Reads the unit's live figures until `ok` holds (answers count once their second is whole).
pub async fn live_until(
    read: impl AsyncFn() -> Value,
    ok: impl Fn(&Value) -> bool,
    what: &str,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let v = read().await;
        if ok(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "{what}: {v}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub fn answers(v: &Value) -> u64 {
    v["answers_per_second"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .sum()
}

#[tokio::test]
async fn the_live_panel_in_process_counts_the_players_connected_and_their_answers_for_each_unit() {
    live_panel_counts(spawn_app().await).await;
}

#[tokio::test]
async fn the_live_panel_in_redis_counts_the_players_connected_and_their_answers_for_each_unit() {
    // A node of several (its figures go through Redis), on a Redis of its own.
    let redis = Redis::start(&[]).await;
    let app = spawn_app_with(|c| {
        c.redis_url = Some(redis.url.clone());
        c.node_name = Some("a".into());
    })
    .await;
    live_panel_counts(app).await;
}

async fn live_panel_counts(app: TestApp) {
    import_schools(app.addr, &app.cookie).await;
    let officer = account(&app, "ubnd-22045", "commune_officer", "22045").await;
    let school_admin = account(&app, "ql-th2", "school_admin", "TH2").await;
    let (game, pin) = open_event(app.addr, &app.cookie, app.store(), 1).await;
    let mut host = app.host(game).await;
    let mut players = Vec::new();
    let mut schools = BTreeMap::new();
    for i in 0..10 {
        let nickname = format!("Em {i:02}");
        let (school, _) = school_of(i);
        schools.insert(nickname.clone(), school);
        players.push(join_from(app.addr, &pin, &nickname, school).await);
    }
    // A class game's player elsewhere counts for the province only.
    let (_, class_pin) = app.open_game(&[question("x", 20)], json!({})).await;
    let class_player = app.player(&class_pin, "Lớp 7A").await;

    let organizer = app.cookie.clone();
    let read = |cookie: String, unit: &'static str| {
        let app = &app;
        async move || live(app, Some(&cookie), unit).await.1
    };
    let counted = |unit: &str, n: usize| (0..10).filter(|&i| in_unit(i, unit)).count() == n;
    assert!(counted("TH1", 4) && counted("22045", 4) && counted("TH2", 2));
    live_until(
        read(organizer.clone(), "province"),
        |v| v["online"] == 11,
        "ten event players and one class player online",
    )
    .await;
    let commune = live(&app, Some(&officer), "commune/22045").await.1;
    assert_eq!(commune["online"], 4, "{commune}");
    let school = live(&app, Some(&school_admin), "school/TH2").await.1;
    assert_eq!(school["online"], 2, "{school}");

    host.send(json!({"type": "start"})).await;
    play_question(&mut host, &mut players, 0).await;
    let province = live_until(
        read(organizer.clone(), "province"),
        |v| answers(v) == 10,
        "ten answers in the window",
    )
    .await;
    assert_eq!(province["answers_per_second"].as_array().unwrap().len(), 60);
    let commune = live_until(
        read(officer.clone(), "commune/22045"),
        |v| answers(v) == 4,
        "the commune's four answers",
    )
    .await;
    // The event's first schools of the officer's commune and the communes, as the boards
    // rank them from the answers.
    let expected = Expected::read(app.store(), game, &schools).await;
    let event = &commune["events"][0];
    assert_eq!(event["game"], game, "{commune}");
    assert_eq!(event["players"], 4, "{commune}");
    let codes = |lines: &Value| -> Vec<String> {
        lines
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["member"].as_str().unwrap().to_owned())
            .collect()
    };
    let want: Vec<String> = expected
        .units(|_, c| c == "22045", |s, _| s.to_owned())
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    let commune = live_until(
        read(officer.clone(), "commune/22045"),
        |v| codes(&v["events"][0]["top_schools"]) == want,
        "the commune's schools",
    )
    .await;
    let communes: Vec<String> = expected
        .units(|_, _| true, |_, c| c.to_owned())
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    assert_eq!(codes(&commune["events"][0]["top_communes"]), communes);
    let school = live_until(
        read(school_admin.clone(), "school/TH2"),
        |v| answers(v) == 2,
        "the school's two answers",
    )
    .await;
    assert_eq!(school["online"], 2);

    // Each account reads its own part only; nobody signed out reads any.
    assert_eq!(live(&app, Some(&officer), "commune/22015").await.0, 403);
    assert_eq!(live(&app, Some(&officer), "province").await.0, 403);
    assert_eq!(live(&app, Some(&school_admin), "school/TH1").await.0, 403);
    assert_eq!(live(&app, None, "province").await.0, 401);

    // Leaving counts at once.
    drop(class_player);
    players.truncate(7);
    live_until(
        read(organizer.clone(), "province"),
        |v| v["online"] == 7,
        "three event players and the class player left",
    )
    .await;
    let commune = live(&app, Some(&officer), "commune/22045").await.1;
    let left = (0..7).filter(|&i| in_unit(i, "22045")).count();
    assert_eq!(commune["online"], left, "{commune}");
}

fn in_unit(i: usize, unit: &str) -> bool {
    let (school, commune) = school_of(i);
    school == unit || commune == unit
}
