//! The online contest end to end over HTTP: an organizer creates a contest and a round, a
//! school prints login cards, pupils sign in with them, start attempts (a second device
//! resumes the same one), answer, predict and submit; the rules the server enforces, each
//! refused with its code and nothing changed; the key only after the round closes; the round's
//! boards; the audit log's chain.

use hoithi::domain::bank::Level;
use hoithi::domain::contest::rules::day;
use hoithi::domain::{AnswerKey, Question};
use hoithi::storage::audit::{chain_hash, GENESIS};
use serde_json::{json, Value};

use crate::helpers::{http, spawn_app, Response, TestApp};

const SCHOOLS: &str = "code,name,levels,commune,enrolment\n\
TH1,Trường Tiểu học Kim Đồng,tieu-hoc,22015,40\n\
THCS1,Trường THCS Nguyễn Du,thcs,22045,30\n";

const STUDENTS: &str = "code,full_name,display_name,class,grade,school,consent\n\
HS01,Nguyễn Văn An,,5A,5,TH1,\n\
HS02,Trần Thị Bình,,5A,5,TH1,\n\
HS03,Lê Minh Châu,,5B,5,TH1,\n\
HS09,Võ Ngọc Hà,,9A,9,THCS1,\n";

const HOUR: i64 = 3600 * 1000;

fn now() -> i64 {
    hoithi::storage::unix_ms()
}

pub async fn roster(app: &TestApp) {
    let schools = app
        .upload(
            "/api/units/schools/import?file=truong.csv",
            SCHOOLS.as_bytes(),
        )
        .await;
    assert_eq!(schools.status, 200, "{}", schools.body);
    let students = app
        .upload(
            "/api/units/students/import?file=hs.csv",
            STUDENTS.as_bytes(),
        )
        .await;
    assert_eq!(students.status, 200, "{}", students.body);
}

/// A contest `ct` with round `dot-1` for tiểu học (5 questions), open from an hour ago.
pub async fn round(app: &TestApp, rules: Value) {
    let resp = app
        .post(
            "/api/contests",
            &json!({"slug": "ct", "title": "Cuộc thi chuyển đổi số 2026"}),
        )
        .await;
    assert_eq!(resp.status, 201, "{}", resp.body);
    let mut all = json!({"opens_at": now() - HOUR, "closes_at": now() + 24 * HOUR, "questions": 5});
    for (k, v) in rules.as_object().unwrap() {
        all[k] = v.clone();
    }
    let resp = app
        .post(
            "/api/contests/ct/rounds",
            &json!({"context": "dot-1", "title": "Đợt 1", "levels": ["tieu-hoc"], "rules": all}),
        )
        .await;
    assert_eq!(resp.status, 201, "{}", resp.body);
}

/// Cards for a school: code → secret.
pub async fn cards(app: &TestApp, school: &str) -> Vec<(String, String)> {
    let resp = app
        .post(
            &format!("/api/units/schools/{school}/login-cards"),
            &json!({}),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    resp.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["secret"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub fn secret_of<'a>(cards: &'a [(String, String)], code: &str) -> &'a str {
    &cards.iter().find(|(c, _)| c == code).unwrap().1
}

/// A participant's device: its own session cookie.
pub struct Device<'a> {
    app: &'a TestApp,
    cookie: String,
}

impl Device<'_> {
    /// The session cookie (`name=value`), for a socket opened from this device.
    pub fn cookie(&self) -> &str {
        &self.cookie
    }

    /// A request as the contest page sends it: a change always carries a JSON body.
    pub async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Response {
        let empty = json!({});
        let body = body.or((method != "GET").then_some(&empty));
        http(self.app.addr, method, path, Some(&self.cookie), body).await
    }
}

pub async fn try_sign_in<'a>(
    app: &'a TestApp,
    code: &str,
    secret: &str,
) -> Result<Device<'a>, Response> {
    let resp = http(
        app.addr,
        "POST",
        "/api/contest/session",
        None,
        Some(&json!({"code": code, "secret": secret})),
    )
    .await;
    if resp.status != 200 {
        return Err(resp);
    }
    let cookie = resp.header("set-cookie").expect("cookie");
    Ok(Device {
        app,
        cookie: cookie.split(';').next().unwrap().to_owned(),
    })
}

pub async fn sign_in<'a>(app: &'a TestApp, code: &str, secret: &str) -> Device<'a> {
    match try_sign_in(app, code, secret).await {
        Ok(device) => device,
        Err(resp) => panic!("{code} could not sign in: {} {}", resp.status, resp.body),
    }
}

fn refused(resp: &Response, status: u16, code: &str) {
    assert_eq!(resp.status, status, "{}", resp.body);
    assert_eq!(resp.json()["code"], code, "{}", resp.body);
    // A Vietnamese message: words with marks.
    assert!(!resp.json()["message"].as_str().unwrap().is_ascii());
}

/// The right answer to question `index` of attempt `id`, in the attempt's ids, read from the
/// database as only the server knows it.
pub async fn right_answer(app: &TestApp, id: i64, index: usize) -> Value {
    let row = app.store().attempt(id).await.unwrap().unwrap();
    let drawn = &row.attempt.questions[index];
    let pool: Vec<(String, Question)> = app
        .store()
        .round_questions(row.round_id, Level::TieuHoc)
        .await
        .unwrap();
    let q = &pool
        .iter()
        .find(|(_, q)| q.bank == drawn.bank && q.id == drawn.id)
        .unwrap()
        .1;
    let labels = drawn.labels();
    match &q.key {
        AnswerKey::Options { ids } => {
            let mut shown: Vec<u8> = ids.iter().map(|&b| labels.to_shown(b).unwrap()).collect();
            shown.sort_unstable();
            json!(shown)
        }
        AnswerKey::Order { ids } => {
            json!(ids
                .iter()
                .map(|&b| labels.to_shown(b).unwrap())
                .collect::<Vec<_>>())
        }
        AnswerKey::Number { value, .. } => json!(value),
    }
}

/// A wrong answer of the right shape.
pub fn wrong(right: &Value, options: usize) -> Value {
    let right: Vec<u64> = right
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    if right.len() == options {
        // An ordering: swap the first two.
        let mut w = right.clone();
        w.swap(0, 1);
        json!(w)
    } else {
        let other = (1..=options as u64).find(|i| !right.contains(i)).unwrap();
        json!([other])
    }
}

/// Closes a round as the organizer's page does: the close answers at once, then the page
/// follows the turnout until every standing has been recorded again (`contest::closing`).
/// Returns the close's answer.
pub async fn close(app: &TestApp, context: &str) -> Value {
    let closed = app
        .post(&format!("/api/contest-rounds/{context}/close"), &json!({}))
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let closed = closed.json();
    assert!(closed["standings"].is_object(), "{closed}");
    recorded(app, context).await;
    closed
}

/// Waits until a closed round's standings are all recorded again (a minute at most: the
/// server's sweep starts a left-over recording every 5 s).
pub async fn recorded(app: &TestApp, context: &str) -> Value {
    for _ in 0..1200 {
        let turnout = app
            .get(&format!("/api/contest-rounds/{context}/turnout"))
            .await;
        assert_eq!(turnout.status, 200, "{}", turnout.body);
        let standings = turnout.json()["standings"].clone();
        if standings["recorded"] == true {
            return standings;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the standings of {context} were never recorded after its close");
}

#[tokio::test]
async fn a_pupil_signs_in_with_a_card_plays_an_attempt_and_ranks_on_the_rounds_boards() {
    let app = spawn_app().await;
    roster(&app).await;
    round(&app, json!({})).await;
    let cards = cards(&app, "TH1").await;
    assert_eq!(cards.len(), 3, "the school's three pupils");

    // A wrong secret, or another pupil's, is refused with one message.
    let bad = try_sign_in(&app, "HS01", secret_of(&cards, "HS02"))
        .await
        .err()
        .unwrap();
    refused(&bad, 401, "bad_card");
    let phone = sign_in(&app, "HS01", &secret_of(&cards, "HS01").to_lowercase()).await;

    let me = phone.call("GET", "/api/contest/me", None).await;
    assert_eq!(me.status, 200, "{}", me.body);
    let me = me.json();
    assert_eq!(me["participant"]["code"], "HS01");
    assert_eq!(me["rounds"][0]["context"], "dot-1");
    assert_eq!(me["rounds"][0]["open"], true);
    assert_eq!(me["rounds"][0]["rules"]["time_limit_s"], 600);
    assert_eq!(me["rounds"][0]["start_refused"], Value::Null);

    let started = phone
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    let view = started.json();
    let id = view["id"].as_i64().unwrap();
    assert_eq!(view["questions"].as_array().unwrap().len(), 5);
    assert!(view["remaining_ms"].as_i64().unwrap() > 590_000);
    assert_eq!(view["revealed"], false);
    for q in view["questions"].as_array().unwrap() {
        assert!(
            q.get("key").is_none(),
            "no key before the round closes: {q}"
        );
        assert!(!q.to_string().contains("explanation"));
    }

    // A second device resumes the same attempt with the same deadline.
    let tablet = sign_in(&app, "HS01", secret_of(&cards, "HS01")).await;
    let again = tablet
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await
        .json();
    assert_eq!(again["id"], id);
    assert_eq!(again["deadline"], view["deadline"]);
    assert_eq!(again["questions"], view["questions"]);

    // Three right and two wrong; the first answer is changed from the other device.
    let mut rights = Vec::new();
    for i in 0..5 {
        rights.push(right_answer(&app, id, i).await);
    }
    for (i, right) in rights.iter().enumerate() {
        let options = view["questions"][i]["options"].as_array().unwrap().len();
        let answer = if i < 3 {
            right.clone()
        } else {
            wrong(right, options)
        };
        let device = if i == 0 { &tablet } else { &phone };
        if i == 0 {
            let first = phone
                .call(
                    "PUT",
                    &format!("/api/contest/attempts/{id}/answers/0"),
                    Some(&json!({"answer": wrong(right, options)})),
                )
                .await;
            assert_eq!(first.status, 200, "{}", first.body);
        }
        let saved = device
            .call(
                "PUT",
                &format!("/api/contest/attempts/{id}/answers/{i}"),
                Some(&json!({"answer": answer})),
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        assert_eq!(saved.json()["saved"], true);
    }
    let predicted = phone
        .call(
            "PUT",
            &format!("/api/contest/attempts/{id}/prediction"),
            Some(&json!({"value": 2})),
        )
        .await;
    assert_eq!(predicted.status, 200, "{}", predicted.body);

    // The phone reloads: its answers are there, in its ids.
    let reloaded = phone
        .call("GET", &format!("/api/contest/attempts/{id}"), None)
        .await
        .json();
    assert_eq!(reloaded["questions"][0]["answer"], rights[0]);
    assert_eq!(reloaded["prediction"]["value"], 2);

    let submitted = phone
        .call("POST", &format!("/api/contest/attempts/{id}/submit"), None)
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let result = submitted.json();
    assert_eq!(result["submitted"], true);
    assert_eq!(result["result"]["correct"], 3);
    assert_eq!(result["result"]["score"], 30);
    assert_eq!(
        result["revealed"], false,
        "the key waits for the round to close"
    );

    // Nothing changes after the submission.
    let late = tablet
        .call(
            "PUT",
            &format!("/api/contest/attempts/{id}/answers/3"),
            Some(&json!({"answer": rights[3]})),
        )
        .await;
    refused(&late, 409, "attempt_submitted");
    let again = tablet
        .call("POST", &format!("/api/contest/attempts/{id}/submit"), None)
        .await;
    refused(&again, 409, "attempt_submitted");

    // The round's boards hold the standing: score, time, distance (0 while the round is
    // open), attempts, submission time.
    let time_ms = result["result"]["time_ms"].as_i64().unwrap();
    for scope in ["province", "class/TH1/5A", "school/TH1", "commune/22015"] {
        let board = app.get(&format!("/api/rankings/dot-1/board/{scope}")).await;
        assert_eq!(board.status, 200, "{}", board.body);
        let board = board.json();
        assert_eq!(board["total"], 1, "{scope}: {board}");
        let label = board["lines"][0]["label"].as_str().unwrap();
        assert_eq!(label, "Nguyễn V. A.", "the display name, never the code");
        assert_eq!(board["lines"][0]["keys"][0], 30);
        assert_eq!(board["lines"][0]["keys"][1], time_ms);
        assert_eq!(board["lines"][0]["keys"][2], 0);
        assert_eq!(board["lines"][0]["keys"][3], 1);
    }

    // The one attempt of the day is used.
    let second = phone
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    refused(&second, 409, "attempts_today_used");
    let me = phone.call("GET", "/api/contest/me", None).await.json();
    assert_eq!(
        me["rounds"][0]["start_refused"], "attempts_today_used",
        "said before a tap"
    );

    // Closing the round counts its participants and opens the key.
    let closed = close(&app, "dot-1").await;
    assert_eq!(closed["participants"], 1);
    let board = app.get("/api/rankings/dot-1/board/province").await.json();
    assert_eq!(
        board["lines"][0]["keys"][2], 1,
        "predicted 2, one took part"
    );
    let after = phone
        .call("GET", &format!("/api/contest/attempts/{id}"), None)
        .await
        .json();
    assert_eq!(after["revealed"], true);
    assert_eq!(after["questions"][0]["key"]["right"], true);
    assert_eq!(after["questions"][4]["key"]["right"], false);
    assert!(!after["questions"][0]["key"]["explanation"]
        .as_str()
        .unwrap()
        .is_empty());
    let closed_start = phone
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    refused(&closed_start, 409, "round_closed");
}

#[tokio::test]
async fn the_server_keeps_the_rules_and_a_refusal_changes_nothing() {
    let app = spawn_app().await;
    roster(&app).await;
    round(&app, json!({"attempts_per_day": 2})).await;
    let th = cards(&app, "TH1").await;
    let thcs = cards(&app, "THCS1").await;
    let an = sign_in(&app, "HS01", secret_of(&th, "HS01")).await;
    let binh = sign_in(&app, "HS02", secret_of(&th, "HS02")).await;
    let ha = sign_in(&app, "HS09", secret_of(&thcs, "HS09")).await;

    // A THCS pupil has no tiểu học round.
    let other_level = ha
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    refused(&other_level, 403, "not_your_level");
    assert_eq!(
        ha.call("GET", "/api/contest/me", None).await.json()["rounds"],
        json!([])
    );

    let view = an
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await
        .json();
    let id = view["id"].as_i64().unwrap();
    let before = app.store().attempt(id).await.unwrap().unwrap();

    // Another pupil can neither read nor answer it: the same 404 as a missing attempt.
    for (method, path, body) in [
        ("GET", format!("/api/contest/attempts/{id}"), None),
        (
            "PUT",
            format!("/api/contest/attempts/{id}/answers/0"),
            Some(json!({"answer": [1]})),
        ),
        (
            "PUT",
            format!("/api/contest/attempts/{id}/prediction"),
            Some(json!({"value": 5})),
        ),
        ("POST", format!("/api/contest/attempts/{id}/submit"), None),
        ("GET", "/api/contest/attempts/999999".to_owned(), None),
    ] {
        let resp = binh.call(method, &path, body.as_ref()).await;
        assert_eq!(resp.status, 404, "{method} {path}: {}", resp.body);
    }
    // Answers of the wrong shape, questions it does not have, predictions out of range.
    for (path, body, status, code) in [
        ("answers/0", json!({"answer": [9]}), 422, "invalid_answer"),
        (
            "answers/0",
            json!({"answer": [1, 1]}),
            422,
            "invalid_answer",
        ),
        ("answers/0", json!({"answer": 3.5}), 422, "invalid_answer"),
        ("answers/5", json!({"answer": [1]}), 422, "invalid_answer"),
        (
            "prediction",
            json!({"value": -1}),
            422,
            "invalid_prediction",
        ),
        (
            "prediction",
            json!({"value": 10_000_001}),
            422,
            "invalid_prediction",
        ),
    ] {
        let resp = an
            .call(
                "PUT",
                &format!("/api/contest/attempts/{id}/{path}"),
                Some(&body),
            )
            .await;
        refused(&resp, status, code);
    }
    // Without a session, nothing.
    let anonymous = http(
        app.addr,
        "POST",
        "/api/contest/rounds/dot-1/attempt",
        None,
        Some(&json!({})),
    )
    .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        app.store().attempt(id).await.unwrap().unwrap(),
        before,
        "nothing changed"
    );

    // Time runs out (the deadline moved into the past, as if ten minutes had passed): the
    // answer is refused and the server submits what it has, at the deadline.
    let deadline = now() - 10_000;
    sqlx::query("UPDATE attempts SET started_at = $1, deadline = $2 WHERE id = $3")
        .bind(deadline - 600_000)
        .bind(deadline)
        .bind(id)
        .execute(app.store().pool())
        .await
        .unwrap();
    let late = an
        .call(
            "PUT",
            &format!("/api/contest/attempts/{id}/answers/0"),
            Some(&json!({"answer": [1]})),
        )
        .await;
    refused(&late, 409, "time_over");
    let view = an
        .call("GET", &format!("/api/contest/attempts/{id}"), None)
        .await
        .json();
    assert_eq!(view["submitted"], true, "{view}");
    assert_eq!(view["result"]["time_ms"], 600_000);
    assert_eq!(view["result"]["correct"], 0);
    assert_eq!(view["remaining_ms"], 0);

    // A second attempt the same day (2 allowed), then no third.
    let second = an
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert_ne!(second.json()["id"], id);
    let submitted = an
        .call(
            "POST",
            &format!("/api/contest/attempts/{}/submit", second.json()["id"]),
            None,
        )
        .await;
    assert_eq!(submitted.status, 200);
    let third = an
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    // The first attempt was moved ten minutes back: right after midnight in Đắk Lắk that is
    // yesterday, and today has had only one attempt so far, which the rule allows.
    if day(deadline - 600_000) == day(now()) {
        refused(&third, 409, "attempts_today_used");
    } else {
        assert_eq!(third.status, 200, "a new day's attempt: {}", third.body);
    }

    // A revoked card signs in no more and its sessions end.
    let revoked = app
        .post(
            "/api/units/schools/TH1/login-cards/revoke",
            &json!({"codes": ["HS02", "HS09"]}),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert_eq!(revoked.json()["revoked"], 1, "HS09 is not TH1's");
    assert_eq!(binh.call("GET", "/api/contest/me", None).await.status, 401);
    let again = try_sign_in(&app, "HS02", secret_of(&th, "HS02"))
        .await
        .err()
        .unwrap();
    refused(&again, 401, "bad_card");
    // A reprint gives a new secret; the old one stops working.
    let reprint = cards(&app, "TH1").await;
    assert!(try_sign_in(&app, "HS02", secret_of(&reprint, "HS02"))
        .await
        .is_ok());
    let old = try_sign_in(&app, "HS01", secret_of(&th, "HS01"))
        .await
        .err()
        .unwrap();
    refused(&old, 401, "bad_card");
}

#[tokio::test]
pub async fn rounds_and_cards_are_the_organizers_and_the_schools() {
    let app = spawn_app().await;
    roster(&app).await;
    round(&app, json!({})).await;
    let base = json!({"opens_at": now(), "closes_at": now() + HOUR});
    let with = |change: Value| {
        let mut rules = base.clone();
        for (k, v) in change.as_object().unwrap() {
            rules[k] = v.clone();
        }
        rules
    };
    for (body, code) in [
        (
            json!({"context": "dot-1", "title": "x", "levels": ["tieu-hoc"], "rules": base}),
            "round_exists",
        ),
        (
            json!({"context": "game-7", "title": "x", "levels": ["tieu-hoc"], "rules": base}),
            "invalid_round",
        ),
        (
            json!({"context": "dot-2", "title": "", "levels": ["tieu-hoc"], "rules": base}),
            "invalid_round",
        ),
        (
            json!({"context": "dot-2", "title": "x", "levels": ["mam-non"], "rules": base}),
            "invalid_round",
        ),
        (
            json!({"context": "dot-2", "title": "x", "levels": [], "rules": base}),
            "invalid_round",
        ),
        (
            json!({"context": "dot-2", "title": "x", "levels": ["tieu-hoc"], "banks": ["khong-co"], "rules": base}),
            "invalid_round",
        ),
        (
            json!({"context": "dot-2", "title": "x", "levels": ["tieu-hoc"], "banks": ["tieu-hoc-tri-tue-nhan-tao"], "rules": with(json!({"questions": 50}))}),
            "invalid_round",
        ),
        (
            json!({"context": "dot-2", "title": "x", "levels": ["tieu-hoc"], "rules": with(json!({"closes_at": 0}))}),
            "invalid_round",
        ),
        (
            json!({"context": "dot-2", "title": "x", "levels": ["tieu-hoc"], "rules": with(json!({"time_limit_s": 10}))}),
            "invalid_round",
        ),
    ] {
        let resp = app.post("/api/contests/ct/rounds", &body).await;
        refused(&resp, 422, code);
    }
    let too_few = app
        .post(
            "/api/contests/ct/rounds",
            &json!({"context": "dot-2", "title": "x", "levels": ["tieu-hoc"], "banks": ["tieu-hoc-tri-tue-nhan-tao"], "rules": with(json!({"questions": 50}))}),
        )
        .await;
    assert!(
        too_few.json()["message"]
            .as_str()
            .unwrap()
            .contains("cần 50 câu"),
        "{}",
        too_few.body
    );
    assert_eq!(
        app.post(
            "/api/contests/khong-co/rounds",
            &json!({"context": "dot-2", "title": "x", "levels": ["tieu-hoc"], "rules": base})
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.store().rounds(None).await.unwrap().len(),
        1,
        "nothing was created"
    );

    // A teacher creates no contest and prints no cards; a school admin prints its own only.
    for (user, role, unit) in [
        ("co-lan", "teacher", Some("TH1")),
        ("hieu-truong", "school_admin", Some("TH1")),
    ] {
        let created = app
            .post("/api/accounts", &json!({"username": user, "display_name": "Cô Lan", "password": "mat-khau-dai-du", "role": role, "unit": unit}))
            .await;
        assert_eq!(created.status, 200, "{}", created.body);
    }
    let teacher = app.sign_in("co-lan", "mat-khau-dai-du").await.unwrap();
    let admin = app.sign_in("hieu-truong", "mat-khau-dai-du").await.unwrap();
    let as_teacher = http(
        app.addr,
        "POST",
        "/api/contests",
        Some(&teacher),
        Some(&json!({"slug": "x", "title": "x"})),
    )
    .await;
    assert_eq!(as_teacher.status, 403);
    let teacher_cards = http(
        app.addr,
        "POST",
        "/api/units/schools/TH1/login-cards",
        Some(&teacher),
        Some(&json!({})),
    )
    .await;
    assert_eq!(teacher_cards.status, 403);
    let own = http(
        app.addr,
        "POST",
        "/api/units/schools/TH1/login-cards",
        Some(&admin),
        Some(&json!({"class": "5B"})),
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(own.json().as_array().unwrap().len(), 1, "class 5B only");
    let other = http(
        app.addr,
        "POST",
        "/api/units/schools/THCS1/login-cards",
        Some(&admin),
        Some(&json!({})),
    )
    .await;
    assert_eq!(other.status, 403);
}

#[tokio::test]
async fn the_audit_log_chains_every_start_and_submission() {
    let app = spawn_app().await;
    roster(&app).await;
    round(&app, json!({})).await;
    let cards = cards(&app, "TH1").await;
    for code in ["HS01", "HS02"] {
        let device = sign_in(&app, code, secret_of(&cards, code)).await;
        let id = device
            .call("POST", "/api/contest/rounds/dot-1/attempt", None)
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let done = device
            .call("POST", &format!("/api/contest/attempts/{id}/submit"), None)
            .await;
        assert_eq!(done.status, 200);
    }
    let rows = app.store().audit_rows(0, 100).await.unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "contest_created",
            "round_created",
            "attempt_started",
            "attempt_submitted",
            "attempt_started",
            "attempt_submitted"
        ]
    );
    let mut prev = GENESIS.to_owned();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.seq, i as i64 + 1);
        assert_eq!(r.prev_hash, prev);
        assert_eq!(r.hash, chain_hash(&prev, r.seq, r.at, &r.kind, &r.body));
        prev = r.hash.clone();
    }
    let start: Value = serde_json::from_str(&rows[2].body).unwrap();
    assert_eq!(
        start["questions"].as_array().unwrap().len(),
        5,
        "the draw is in the log"
    );
    assert!(start["seed"].as_str().is_some());
}

#[tokio::test]
async fn expired_sessions_end_and_are_deleted() {
    let app = spawn_app().await;
    roster(&app).await;
    let cards = cards(&app, "TH1").await;
    let an = sign_in(&app, "HS01", secret_of(&cards, "HS01")).await;
    let binh = sign_in(&app, "HS02", secret_of(&cards, "HS02")).await;
    assert_eq!(an.call("GET", "/api/contest/me", None).await.status, 200);
    sqlx::query("UPDATE participant_sessions SET expires_at = $1 WHERE student_code = 'HS01'")
        .bind(now() - 1)
        .execute(app.store().pool())
        .await
        .unwrap();
    assert_eq!(an.call("GET", "/api/contest/me", None).await.status, 401);
    let gone = app.store().purge_expired_sessions(now()).await.unwrap();
    assert_eq!(gone, 1, "only the expired one");
    assert_eq!(binh.call("GET", "/api/contest/me", None).await.status, 200);
}

#[tokio::test]
async fn a_round_not_open_yet_a_used_round_and_a_taken_or_bad_contest_are_refused() {
    let app = spawn_app().await;
    roster(&app).await;
    // One attempt in the whole round: the round's cap, not the day's, refuses the second.
    round(
        &app,
        json!({"attempts_per_round": 1, "attempts_per_day": 1}),
    )
    .await;
    let later = app
        .post(
            "/api/contests/ct/rounds",
            &json!({"context": "dot-2", "title": "Đợt 2", "levels": ["tieu-hoc"],
                    "rules": {"opens_at": now() + HOUR, "closes_at": now() + 2 * HOUR, "questions": 5}}),
        )
        .await;
    assert_eq!(later.status, 201, "{}", later.body);
    let cards = cards(&app, "TH1").await;
    let an = sign_in(&app, "HS01", secret_of(&cards, "HS01")).await;

    let early = an
        .call("POST", "/api/contest/rounds/dot-2/attempt", None)
        .await;
    refused(&early, 409, "round_not_open");
    let me = an.call("GET", "/api/contest/me", None).await.json();
    let rounds: Vec<&str> = me["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["context"].as_str().unwrap())
        .collect();
    assert_eq!(rounds, ["dot-1"], "a round not open yet is not listed");

    let id = an
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let done = an
        .call("POST", &format!("/api/contest/attempts/{id}/submit"), None)
        .await;
    assert_eq!(done.status, 200);
    let used = an
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    refused(&used, 409, "attempts_used");
    let me = an.call("GET", "/api/contest/me", None).await.json();
    assert_eq!(me["rounds"][0]["start_refused"], "attempts_used");
    assert_eq!(app.store().attempts_of(1, "HS01").await.unwrap().len(), 1);

    let taken = app
        .post("/api/contests", &json!({"slug": "ct", "title": "Lần nữa"}))
        .await;
    refused(&taken, 422, "contest_exists");
    for body in [
        json!({"slug": "CT 2", "title": "Cuộc thi"}),
        json!({"slug": "game-3", "title": "Cuộc thi"}),
        json!({"slug": "ct-2", "title": "  "}),
    ] {
        let bad = app.post("/api/contests", &body).await;
        refused(&bad, 422, "invalid_contest");
    }
    assert_eq!(app.store().contests().await.unwrap().len(), 1);
}
