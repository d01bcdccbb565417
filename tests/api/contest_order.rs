//! A round's own ranking order: the organizer leaves keys out and reorders the rest, and every
//! place that ranks the round follows it — the attempt that counts, the live boards (which
//! still show all five values), the awards, the published version, the audit's recomputation.
//! Results cannot be posted into the round by hand, and an order altered in the database
//! after the fact is caught by `audit verify`.

use serde_json::{json, Value};

use crate::contest::{cards, right_answer, roster, round, secret_of, sign_in, wrong, Device};
use crate::contest_audit::verify;
use crate::helpers::TestApp;

/// Plays one attempt of `dot-1` with `right` of its five questions answered right.
pub async fn play(app: &TestApp, device: &Device<'_>, right: usize) -> Value {
    let view = device
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    assert_eq!(view.status, 200, "{}", view.body);
    let view = view.json();
    let id = view["id"].as_i64().unwrap();
    for (i, q) in view["questions"].as_array().unwrap().iter().enumerate() {
        let key = right_answer(app, id, i).await;
        let answer = if i < right {
            key
        } else {
            wrong(&key, q["options"].as_array().unwrap().len())
        };
        let saved = device
            .call(
                "PUT",
                &format!("/api/contest/attempts/{id}/answers/{i}"),
                Some(&json!({ "answer": answer })),
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
    }
    let done = device
        .call("POST", &format!("/api/contest/attempts/{id}/submit"), None)
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    done.json()["result"].clone()
}

/// Codes of a board's lines, best first, and the lines.
async fn board(app: &TestApp, path: &str) -> (Vec<String>, Vec<Value>) {
    let resp = app.get(path).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let lines = resp.json()["lines"].as_array().unwrap().clone();
    let labels = lines
        .iter()
        .map(|l| l["label"].as_str().unwrap().to_owned())
        .collect();
    (labels, lines)
}

#[tokio::test]
async fn a_round_ranks_by_the_keys_its_organizer_chose_in_their_order() {
    let app = crate::helpers::spawn_app().await;
    roster(&app).await;
    // Fewer attempts first, then the earlier submission; score, time and distance left out.
    round(
        &app,
        json!({"attempts_per_day": 3, "order": ["attempts", "submitted"]}),
    )
    .await;
    let cards = cards(&app, "TH1").await;
    let an = sign_in(&app, "HS01", secret_of(&cards, "HS01")).await;
    let binh = sign_in(&app, "HS02", secret_of(&cards, "HS02")).await;
    let chau = sign_in(&app, "HS03", secret_of(&cards, "HS03")).await;

    // An plays twice: nothing right, then everything. Under this order both attempts tie on
    // the number of attempts, so the earlier submission counts: the one with no points.
    assert_eq!(play(&app, &an, 0).await["score"], 0);
    assert_eq!(play(&app, &an, 5).await["score"], 50);
    // Bình once with three right, then Châu once with one.
    assert_eq!(play(&app, &binh, 3).await["score"], 30);
    assert_eq!(play(&app, &chau, 1).await["score"], 10);

    // By the default order An (50 points) would lead; here one attempt beats two, and Bình
    // submitted before Châu.
    let (names, lines) = board(&app, "/api/rankings/dot-1/board/province").await;
    assert_eq!(
        names,
        ["Trần T. B.", "Lê M. C.", "Nguyễn V. A."],
        "{lines:?}"
    );
    // Every line still shows its five values in their places, the ones the order leaves out
    // included: An's standing is the attempt with no points, made of two attempts.
    let an_line = &lines[2]["keys"];
    assert_eq!(an_line[0], 0, "{an_line}");
    assert_eq!(an_line[3], 2, "{an_line}");
    assert_eq!(lines[0]["keys"][0], 30);
    assert_eq!(lines[0]["keys"][3], 1);
    assert!(
        lines[0]["keys"][1].as_i64().unwrap() > 0,
        "a time, read back"
    );
    let (class_names, _) = board(&app, "/api/rankings/dot-1/board/school/TH1").await;
    assert_eq!(
        class_names, names,
        "every board of the round, the same order"
    );

    // The awards' top follows the round's order.
    let awards = app.get("/api/contest-rounds/dot-1/awards?top=3").await;
    assert_eq!(awards.status, 200, "{}", awards.body);
    let awards = awards.json();
    let winners: Vec<&str> = awards["individuals"][0]["winners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(winners, ["HS02", "HS03", "HS01"]);

    // Results of a contest round come from attempts: posting one by hand is refused and
    // changes nothing.
    let posted = app
        .post(
            "/api/rankings/dot-1/results",
            &json!([{"student": "HS01", "score": 1000, "time_ms": 1}]),
        )
        .await;
    assert_eq!(posted.status, 409, "{}", posted.body);
    assert_eq!(posted.json()["code"], "contest_round");
    assert_eq!(
        board(&app, "/api/rankings/dot-1/board/province").await.0,
        names
    );

    // Closing records every standing again, and the published version ranks as the boards.
    crate::contest::close(&app, "dot-1").await;
    let published = app
        .post("/api/rankings/dot-1/publish", &json!({"title": "Đợt 1"}))
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    let (public, lines) = board(&app, "/api/published/dot-1/board/province").await;
    assert_eq!(public, names, "{lines:?}");
    assert_eq!(lines[2]["keys"][0], 0);

    // The audit log recomputes the standings with the order the round was created with, and
    // vouches for the published version as stored: a board changed afterwards is named.
    let (ok, text) = verify(&app);
    assert!(ok, "{text}");
    assert!(text.contains("1 published versions checked"), "{text}");
    let pool = app.store().pool().clone();
    let sql = |statement: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(statement)
                .execute(&pool)
                .await
                .unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
    };
    sql("UPDATE published_boards SET total = total - 1 WHERE board = 'province'").await;
    let (ok, text) = verify(&app);
    assert!(!ok, "an altered version went unnoticed: {text}");
    assert!(
        text.contains("version 1 of round dot-1 was altered after it was published"),
        "{text}"
    );
    sql("UPDATE published_boards SET total = total + 1 WHERE board = 'province'").await;
    assert!(verify(&app).0, "undone");

    // A version published from a result altered in the table does not follow from the log.
    sql("UPDATE results SET score = 40 WHERE student_code = 'HS03'").await;
    let again = app
        .post(
            "/api/rankings/dot-1/publish",
            &json!({"reason": "Sửa điểm (thử nghiệm giả mạo)"}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let (ok, text) = verify(&app);
    assert!(!ok, "{text}");
    assert!(
        text.contains(
            "version 2 of round dot-1: HS03's result does not follow from their attempts"
        ),
        "{text}"
    );
    assert!(
        !text.contains("version 1 of round dot-1"),
        "the first version still holds: {text}"
    );

    // An order changed in the table after the round was created is named.
    sqlx::query("UPDATE contest_rounds SET rules = REPLACE(rules, '\"attempts\",', '')")
        .execute(app.store().pool())
        .await
        .unwrap();
    let (ok, text) = verify(&app);
    assert!(!ok, "an altered order went unnoticed: {text}");
    assert!(text.contains("the rules of round dot-1 changed"), "{text}");
}

#[tokio::test]
async fn an_order_with_no_key_a_key_twice_or_an_unknown_key_is_refused() {
    let app = crate::helpers::spawn_app().await;
    roster(&app).await;
    round(&app, json!({})).await;
    let now = hoithi::storage::unix_ms();
    for (order, status, code, says) in [
        (json!([]), 422, "invalid_round", "ít nhất một tiêu chí"),
        (
            json!(["score", "time", "score"]),
            422,
            "invalid_round",
            "«điểm» có hai lần",
        ),
        (json!(["speed"]), 422, "invalid_body", ""),
    ] {
        let resp = app
            .post(
                "/api/contests/ct/rounds",
                &json!({"context": "dot-2", "title": "Đợt 2", "levels": ["tieu-hoc"],
                        "rules": {"opens_at": now, "closes_at": now + 3_600_000, "questions": 5, "order": order}}),
            )
            .await;
        assert_eq!(resp.status, status, "{order}: {}", resp.body);
        assert_eq!(resp.json()["code"], code, "{}", resp.body);
        assert!(
            resp.json()["message"].as_str().unwrap().contains(says),
            "{}",
            resp.body
        );
    }
    assert_eq!(
        app.store().rounds(None).await.unwrap().len(),
        1,
        "nothing was created"
    );
    // The round as created shows its order: the default, all five keys.
    let contests = app.get("/api/contests").await.json();
    assert_eq!(
        contests[0]["rounds"][0]["rules"]["order"],
        json!(["score", "time", "distance", "attempts", "submitted"])
    );
}
