//! Teachers and school managers take part with their accounts, at the giáo viên level, in
//! their school; other accounts do not; staff never show up on the pupils' roster or cards.

use serde_json::{json, Value};

use crate::contest::{cards, roster, secret_of, sign_in};
use crate::helpers::{http, spawn_app, TestApp};

const HOUR: i64 = 3600 * 1000;

async fn account(app: &TestApp, user: &str, role: &str, unit: Option<&str>) -> String {
    let created = app
        .post(
            "/api/accounts",
            &json!({"username": user, "display_name": format!("Cô {user}"), "password": "mat-khau-dai-du", "role": role, "unit": unit}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    app.sign_in(user, "mat-khau-dai-du").await.unwrap()
}

async fn call(app: &TestApp, cookie: &str, method: &str, path: &str) -> crate::helpers::Response {
    http(app.addr, method, path, Some(cookie), Some(&json!({}))).await
}

#[tokio::test]
async fn teachers_and_managers_play_the_teachers_round_with_their_accounts() {
    let app = spawn_app().await;
    roster(&app).await;
    let resp = app
        .post("/api/contests", &json!({"slug": "ct", "title": "Cuộc thi"}))
        .await;
    assert_eq!(resp.status, 201);
    let now = hoithi::storage::unix_ms();
    let rules = json!({"opens_at": now - HOUR, "closes_at": now + HOUR, "questions": 5});
    for (context, level) in [("gv-1", "giao-vien"), ("hs-1", "tieu-hoc")] {
        let resp = app
            .post(
                "/api/contests/ct/rounds",
                &json!({"context": context, "title": context, "levels": [level], "rules": rules}),
            )
            .await;
        assert_eq!(resp.status, 201, "{}", resp.body);
    }
    let teacher = account(&app, "co-lan", "teacher", Some("TH1")).await;
    let head = account(&app, "hieu-truong", "school_admin", Some("TH1")).await;
    let loose = account(&app, "tu-do", "teacher", None).await;
    let officer = account(&app, "can-bo-xa", "commune_officer", Some("22015")).await;

    let me = call(&app, &teacher, "GET", "/api/contest/me").await;
    assert_eq!(me.status, 200, "{}", me.body);
    let me: Value = me.json();
    assert_eq!(me["participant"]["staff"], true);
    assert_eq!(me["participant"]["class_name"], "Giáo viên");
    let rounds: Vec<&str> = me["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["context"].as_str().unwrap())
        .collect();
    assert_eq!(rounds, ["gv-1"], "the teachers' round only");

    for cookie in [&teacher, &head] {
        let view = call(&app, cookie, "POST", "/api/contest/rounds/gv-1/attempt").await;
        assert_eq!(view.status, 200, "{}", view.body);
        let id = view.json()["id"].as_i64().unwrap();
        let done = call(
            &app,
            cookie,
            "POST",
            &format!("/api/contest/attempts/{id}/submit"),
        )
        .await;
        assert_eq!(done.status, 200, "{}", done.body);
    }
    let pupils_round = call(&app, &teacher, "POST", "/api/contest/rounds/hs-1/attempt").await;
    assert_eq!(pupils_round.status, 403);
    assert_eq!(pupils_round.json()["code"], "not_your_level");
    for cookie in [&loose, &officer, &app.cookie] {
        let refused = call(&app, cookie, "GET", "/api/contest/me").await;
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert_eq!(refused.json()["code"], "not_a_participant");
    }
    // A pupil plays no teachers' round.
    let cards = cards(&app, "TH1").await;
    assert_eq!(cards.len(), 3, "cards for the pupils only, none for staff");
    let pupil = sign_in(&app, "HS01", secret_of(&cards, "HS01")).await;
    let refused = pupil
        .call("POST", "/api/contest/rounds/gv-1/attempt", None)
        .await;
    assert_eq!(refused.json()["code"], "not_your_level");

    // The school's boards rank its two staff; the roster page lists pupils only.
    let board = app.get("/api/rankings/gv-1/board/school/TH1").await.json();
    assert_eq!(board["total"], 2, "{board}");
    let roster = app.get("/api/units/schools/TH1/students").await.json();
    assert!(roster["students"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| !s["code"].as_str().unwrap().starts_with("GV.")));
    let awards = app.get("/api/contest-rounds/gv-1/awards").await.json();
    assert_eq!(awards["individuals"][0]["level"], "giao-vien");
    assert_eq!(
        awards["individuals"][0]["winners"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
