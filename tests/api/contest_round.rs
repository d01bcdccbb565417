//! A whole round with 500 pupils of two schools, 50 at a time: each signs in with a card,
//! starts, answers every question and the prediction, and submits; every tenth comes back on
//! a second device mid-attempt (same attempt, same deadline), every 25th reloads and finds its
//! answers. Then the round closes and is published, and the audit log vouches for all of it.

use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};

use crate::contest::{right_answer, secret_of, sign_in};
use crate::contest_audit::verify;
use crate::helpers::{spawn_app, TestApp};

const PUPILS: usize = 500;
const AT_ONCE: usize = 50;

async fn big_roster(app: &TestApp) {
    let schools = "code,name,levels,commune,enrolment\n\
                   TH1,Trường Tiểu học Kim Đồng,tieu-hoc,22015,300\n\
                   TH2,Trường Tiểu học Lê Lợi,tieu-hoc,22045,300\n";
    let resp = app
        .upload(
            "/api/units/schools/import?file=truong.csv",
            schools.as_bytes(),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let mut students = String::from("code,full_name,display_name,class,grade,school,consent\n");
    for i in 0..PUPILS {
        let school = if i.is_multiple_of(2) { "TH1" } else { "TH2" };
        let class = ["5A", "5B", "5C", "5D", "5E"][i % 5];
        students.push_str(&format!("P{i:04},Học Sinh Số {i},,{class},5,{school},\n"));
    }
    let resp = app
        .upload(
            "/api/units/students/import?file=hs.csv",
            students.as_bytes(),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
}

/// One pupil's whole attempt; returns the score the server gave.
async fn play(app: &TestApp, cards: &[(String, String)], i: usize) -> i64 {
    let code = format!("P{i:04}");
    let phone = sign_in(app, &code, secret_of(cards, &code)).await;
    let view = phone
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    assert_eq!(view.status, 200, "{code}: {}", view.body);
    let view = view.json();
    let id = view["id"].as_i64().unwrap();
    let total = view["questions"].as_array().unwrap().len();
    for q in 0..total {
        // Even pupils answer right, odd ones pick option 1 (right or not, by chance).
        let answer = if i.is_multiple_of(2) {
            right_answer(app, id, q).await
        } else {
            let n = view["questions"][q]["options"].as_array().unwrap().len();
            match view["questions"][q]["kind"].as_str().unwrap() {
                "ordering" => json!((1..=n as u64).collect::<Vec<_>>()),
                _ => json!([1]),
            }
        };
        let saved = phone
            .call(
                "PUT",
                &format!("/api/contest/attempts/{id}/answers/{q}"),
                Some(&json!({ "answer": answer })),
            )
            .await;
        assert_eq!(saved.status, 200, "{code} q{q}: {}", saved.body);
        if q == 1 && i.is_multiple_of(10) {
            // A second device, mid-attempt: the same attempt, the same deadline.
            let tablet = sign_in(app, &code, secret_of(cards, &code)).await;
            let again = tablet
                .call("POST", "/api/contest/rounds/dot-1/attempt", None)
                .await
                .json();
            assert_eq!(again["id"], id, "{code}");
            assert_eq!(again["deadline"], view["deadline"], "{code}");
            assert_eq!(again["questions"][1]["answer"], answer, "{code}");
        }
    }
    if i.is_multiple_of(25) {
        let reloaded = phone
            .call("GET", &format!("/api/contest/attempts/{id}"), None)
            .await
            .json();
        let answered = reloaded["questions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| !q["answer"].is_null())
            .count();
        assert_eq!(answered, total, "{code}: every answer kept");
    }
    let predicted = phone
        .call(
            "PUT",
            &format!("/api/contest/attempts/{id}/prediction"),
            Some(&json!({ "value": 400 + i as i64 })),
        )
        .await;
    assert_eq!(predicted.status, 200, "{code}: {}", predicted.body);
    let done = phone
        .call("POST", &format!("/api/contest/attempts/{id}/submit"), None)
        .await;
    assert_eq!(done.status, 200, "{code}: {}", done.body);
    done.json()["result"]["score"].as_i64().unwrap()
}

#[tokio::test]
async fn five_hundred_pupils_play_a_round_that_closes_publishes_and_verifies() {
    let app = spawn_app().await;
    big_roster(&app).await;
    crate::contest::round(&app, json!({})).await;
    let mut cards = crate::contest::cards(&app, "TH1").await;
    cards.extend(crate::contest::cards(&app, "TH2").await);
    assert_eq!(cards.len(), PUPILS);

    let scores: Vec<(usize, i64)> = stream::iter(0..PUPILS)
        .map(|i| {
            let (app, cards) = (&app, &cards);
            async move { (i, play(app, cards, i).await) }
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    for (i, score) in &scores {
        if i.is_multiple_of(2) {
            assert_eq!(*score, 50, "P{i:04} answered every question right");
        }
    }

    // One attempt each, every one submitted; the province board holds all 500.
    for round in app.store().rounds(None).await.unwrap() {
        for code in app.store().round_participant_codes(round.id).await.unwrap() {
            let attempts = app.store().attempts_of(round.id, &code).await.unwrap();
            assert_eq!(attempts.len(), 1, "{code}");
            assert!(attempts[0].attempt.submitted_at.is_some(), "{code}");
        }
    }
    let board = app.get("/api/rankings/dot-1/board/province").await.json();
    assert_eq!(board["total"], PUPILS, "{board}");
    assert_eq!(board["lines"][0]["keys"][0], 50);

    let closed = crate::contest::close(&app, "dot-1").await;
    assert_eq!(closed["participants"], PUPILS);
    // The prediction of 500 (pupil 100) is exact: distance 0 on the board.
    let board = app
        .get("/api/rankings/dot-1/board/province?limit=500")
        .await
        .json();
    let distances: Vec<i64> = board["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["keys"][2].as_i64().unwrap())
        .collect();
    assert_eq!(distances.iter().filter(|&&d| d == 0).count(), 1);

    // The organizer's view: turnout by school and commune, per hour, and the awards.
    let turnout = app.get("/api/contest-rounds/dot-1/turnout").await;
    assert_eq!(turnout.status, 200, "{}", turnout.body);
    let turnout = turnout.json();
    assert_eq!(turnout["participants"], PUPILS);
    assert_eq!(turnout["attempts"], PUPILS);
    assert_eq!(turnout["enrolment"], 600);
    assert_eq!(turnout["rate_permille"], 833);
    for school in turnout["schools"].as_array().unwrap() {
        assert_eq!(school["participants"], 250, "{school}");
        assert_eq!(school["rate_permille"], 833, "{school}");
    }
    assert_eq!(turnout["communes"].as_array().unwrap().len(), 2);
    let per_hour: i64 = turnout["per_hour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[1].as_i64().unwrap())
        .sum();
    assert_eq!(per_hour, PUPILS as i64);
    let awards = app.get("/api/contest-rounds/dot-1/awards?top=10").await;
    assert_eq!(awards.status, 200, "{}", awards.body);
    let awards = awards.json();
    let winners = awards["individuals"][0]["winners"].as_array().unwrap();
    assert_eq!(winners.len(), 10);
    let times: Vec<i64> = winners
        .iter()
        .map(|w| {
            assert_eq!(w["keys"][0], 50, "{w}");
            w["keys"][1].as_i64().unwrap()
        })
        .collect();
    assert!(times.windows(2).all(|t| t[0] <= t[1]), "{times:?}");
    assert_eq!(
        awards["schools"].as_array().unwrap().len(),
        2,
        "83% clears 80%"
    );
    let strict = app
        .get("/api/contest-rounds/dot-1/awards?bands=300:900,*:900")
        .await
        .json();
    assert_eq!(strict["schools"], json!([]), "83% does not clear 90%");
    let bad = app.get("/api/contest-rounds/dot-1/awards?bands=abc").await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json()["code"], "invalid_awards");

    let published = app
        .post(
            "/api/rankings/dot-1/publish",
            &json!({"title": "Kết quả đợt 1 cuộc thi trực tuyến"}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    let published: Value = published.json();
    assert_eq!(published["participants"], PUPILS, "{published}");
    let public = crate::helpers::http(
        app.addr,
        "GET",
        "/api/published/dot-1/board/schools",
        None,
        None,
    )
    .await;
    assert_eq!(public.status, 200, "{}", public.body);
    assert_eq!(public.json()["total"], 2, "both schools ranked");

    let (ok, text) = verify(&app);
    assert!(ok, "{text}");
    assert!(
        text.contains("500 attempts, 500 results, 1 published versions checked"),
        "{text}"
    );
}
