//! The contest's quotas: a login card tried too often, and one participant's requests, are
//! held back with `rate_limited` and a time to wait; nobody else is.

use serde_json::json;

use crate::contest::{cards, roster, round, secret_of, sign_in, try_sign_in};
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn a_card_is_tried_ten_times_a_minute_at_most() {
    let app = spawn_app_with(|_| {}).await;
    roster(&app).await;
    let cards = cards(&app, "TH1").await;
    for _ in 0..10 {
        let wrong = try_sign_in(&app, "HS01", "AAAAA-AAAAA")
            .await
            .err()
            .unwrap();
        assert_eq!(wrong.status, 401, "{}", wrong.body);
    }
    // The eleventh try within the minute, even with the right secret, waits.
    let held = try_sign_in(&app, "HS01", secret_of(&cards, "HS01"))
        .await
        .err()
        .unwrap();
    assert_eq!(held.status, 429, "{}", held.body);
    assert_eq!(held.json()["code"], "rate_limited");
    assert!(held.json()["retry_after_ms"].as_u64().unwrap() > 0);
    // Another pupil of the same school, from the same address, signs in.
    sign_in(&app, "HS02", secret_of(&cards, "HS02")).await;
}

#[tokio::test]
async fn a_participants_requests_are_limited() {
    let app = spawn_app_with(|c| c.limits.contest_requests_per_minute = 5).await;
    roster(&app).await;
    round(&app, json!({})).await;
    let cards = cards(&app, "TH1").await;
    let an = sign_in(&app, "HS01", secret_of(&cards, "HS01")).await;
    let binh = sign_in(&app, "HS02", secret_of(&cards, "HS02")).await;
    for _ in 0..5 {
        assert_eq!(an.call("GET", "/api/contest/me", None).await.status, 200);
    }
    let held = an.call("GET", "/api/contest/me", None).await;
    assert_eq!(held.status, 429, "{}", held.body);
    assert_eq!(held.json()["code"], "rate_limited");
    let start = an
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    assert_eq!(start.status, 429, "a held participant starts nothing");
    assert!(app.store().attempts_of(1, "HS01").await.unwrap().is_empty());
    assert_eq!(binh.call("GET", "/api/contest/me", None).await.status, 200);
}
