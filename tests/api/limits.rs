//! Rate limits as an attacker and as a school behind one NAT address meet them.

use serde_json::json;

use crate::helpers::{question, spawn_app, Ws};

#[tokio::test]
async fn a_pin_scan_is_cut_off_and_then_even_a_right_pin_is_refused() {
    let app = spawn_app().await;
    let (_, pin) = app.open_game(&[question("a", 10)], json!({})).await;
    let mut scanner = Ws::connect(app.addr, None).await;
    let mut cut_off = None;
    // The default allows 60 unknown PINs a minute per address. A scanner opens a new
    // connection every 15 guesses to stay under the per-connection limit: the address limit
    // still catches it.
    for guess in 0..70 {
        if guess % 15 == 14 {
            scanner = Ws::connect(app.addr, None).await;
        }
        let mut wrong = format!("{:06}", 100_000 + guess);
        if wrong == pin {
            wrong = format!("{:06}", 200_000 + guess);
        }
        scanner
            .send(json!({"type": "join", "v": 1, "pin": wrong, "nickname": "Bot"}))
            .await;
        let reply = scanner.recv().await;
        if reply["code"] == "rate_limited" {
            cut_off = Some((guess, reply));
            break;
        }
        assert_eq!(reply["code"], "game_not_found", "{reply}");
    }
    let (guess, reply) = cut_off.expect("the scan is cut off");
    // 60 misses, plus at most one more if a second passed (the quota refills one a second).
    assert!((60..=61).contains(&guess), "cut off after {guess} misses");
    assert!(reply["retry_after_ms"].as_u64().unwrap() >= 1000, "{reply}");
    scanner
        .send(json!({"type": "join", "v": 1, "pin": pin, "nickname": "Bot"}))
        .await;
    assert_eq!(
        scanner.recv().await["code"],
        "rate_limited",
        "the right PIN does not leak through"
    );
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_account() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(app.sign_in("admin", "doan-mo").await.unwrap_err());
    }
    assert!(
        statuses[..9].iter().all(|(status, _)| *status == 401),
        "{statuses:?}"
    );
    let (status, body) = statuses.last().unwrap();
    assert_eq!(*status, 429);
    assert_eq!(body["code"], "rate_limited");
    assert!(body["retry_after_ms"].as_u64().unwrap() > 0);
    // The right password is refused too while the account is limited.
    assert_eq!(
        app.sign_in("admin", crate::helpers::ADMIN_PASSWORD)
            .await
            .unwrap_err()
            .0,
        429
    );
}
