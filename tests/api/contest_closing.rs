//! Closing a round answers at once; every standing is then recorded again with its
//! prediction's distance in the background (`contest::closing`), and the round cannot be
//! published until that is done. A closed round left without its standings (a node restarted
//! half-way) is picked up again by the server's sweep, which runs at start-up.

use serde_json::json;

use crate::contest::{cards, close, recorded, roster, round, secret_of, sign_in};
use crate::contest_order::play;

#[tokio::test]
async fn a_closed_round_is_published_only_once_its_standings_are_recorded_again() {
    // The sweep runs at start-up and then not for an hour here, so a state the test makes
    // holds still until the server is restarted.
    let app = crate::helpers::spawn_app_with(|c| {
        c.contest_sweep_every = std::time::Duration::from_secs(3600);
    })
    .await;
    roster(&app).await;
    round(&app, json!({})).await;
    let cards = cards(&app, "TH1").await;
    for (code, right) in [("HS01", 5), ("HS02", 3), ("HS03", 1)] {
        let pupil = sign_in(&app, code, secret_of(&cards, code)).await;
        play(&app, &pupil, right).await;
    }

    let closed = close(&app, "dot-1").await;
    assert_eq!(closed["closed"], true);
    assert_eq!(closed["participants"], 3);
    let turnout = app.get("/api/contest-rounds/dot-1/turnout").await.json();
    assert_eq!(
        turnout["standings"],
        json!({"recorded": true, "progress": null}),
        "done, and no progress left behind"
    );
    // Closing again changes nothing and says so.
    let again = app
        .post("/api/contest-rounds/dot-1/close", &json!({}))
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["closed"], false);

    // As if the node had died half-way through the recording: the round is closed and its
    // standings are not all recorded. Publishing is refused and publishes nothing…
    let pool = app.store().pool().clone();
    sqlx::query("UPDATE contest_rounds SET standings_at = NULL WHERE context = 'dot-1'")
        .execute(&pool)
        .await
        .unwrap();
    let refused = app
        .post("/api/rankings/dot-1/publish", &json!({"title": "Đợt 1"}))
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    let refused = refused.json();
    assert_eq!(refused["code"], "standings_pending");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("đang ghi lại thứ hạng"),
        "{refused}"
    );
    let versions = app.get("/api/rankings/dot-1/versions").await;
    assert_eq!(versions.status, 200, "{}", versions.body);
    assert_eq!(versions.json(), json!([]), "nothing published");

    // Nothing picks it up while this server's sweep sleeps: still refused.
    let still = app
        .post("/api/rankings/dot-1/publish", &json!({"title": "Đợt 1"}))
        .await;
    assert_eq!(still.status, 409, "{}", still.body);

    // A restarted server (with the usual sweep) finds the round and records its standings
    // again; then it is published.
    let app = crate::helpers::start_in(app.stop().await).await;
    let standings = recorded(&app, "dot-1").await;
    assert_eq!(standings["recorded"], true);
    let published = app
        .post("/api/rankings/dot-1/publish", &json!({"title": "Đợt 1"}))
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    let board = app.get("/api/published/dot-1/board/province").await.json();
    let lines = board["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "{board}");
    let scores: Vec<i64> = lines
        .iter()
        .map(|l| l["keys"][0].as_i64().unwrap())
        .collect();
    assert_eq!(scores, [50, 30, 10], "{board}");
}
