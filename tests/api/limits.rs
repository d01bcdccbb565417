//! Rate limits as an attacker and as a school behind one NAT address meet them.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::addressed::{http_from, loopback, sign_in_from};
use crate::helpers::{question, spawn_app, Ws, ADMIN_PASSWORD};

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
    // The organizer signed in from 127.0.0.1 (spawn_app); a guesser tries from elsewhere.
    let guesser = loopback(2);
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(
            sign_in_from(app.addr, guesser, "admin", "doan-mo")
                .await
                .unwrap_err(),
        );
    }
    assert!(
        statuses[..9].iter().all(|(status, _)| *status == 401),
        "{statuses:?}"
    );
    let (status, body) = statuses.last().unwrap();
    assert_eq!(*status, 429);
    assert_eq!(body["code"], "rate_limited");
    assert!(body["retry_after_ms"].as_u64().unwrap() > 0);
    // The right password is refused too from an address that never got in...
    let (status, _) = sign_in_from(app.addr, guesser, "admin", ADMIN_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(status, 429);
    // ...while the organizer's own address is not held to the account's limit.
    assert!(app.sign_in("admin", ADMIN_PASSWORD).await.is_ok());
}

/// The lock-out the issue measured: about 1.4 wrong passwords a second for `admin` from three
/// addresses kept the real organizer out (17 of 18 attempts refused over 90 s). Here the same
/// rate runs for 20 s; the organizer, who signed in from its office before and signed out,
/// tries every 2 s meanwhile and gets in every time, while the guessers are held to the
/// account's 10 a minute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_from_three_addresses_do_not_lock_the_real_organizer_out() {
    let app = spawn_app().await;
    let office = loopback(1);
    let signed_out = http_from(
        app.addr,
        office,
        "DELETE",
        "/api/session",
        Some(&app.cookie),
        None,
    )
    .await
    .unwrap();
    assert_eq!(signed_out.status, 200);
    let addr = app.addr;
    let attack = tokio::spawn(async move {
        let mut refused = 0;
        let mut guessed = 0;
        // 28 tries in 20 s: 1.4 a second, from 127.0.0.11, .12 and .13 in turn.
        for i in 0..28u8 {
            let from = loopback(11 + i % 3);
            match sign_in_from(addr, from, "admin", &format!("doan-{i}")).await {
                Err((429, _)) => refused += 1,
                Err((401, _)) => guessed += 1,
                other => panic!("a guess got {other:?}"),
            }
            tokio::time::sleep(Duration::from_millis(714)).await;
        }
        (guessed, refused)
    });
    let mut organizer = Vec::new();
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let started = Instant::now();
        let result = sign_in_from(app.addr, office, "admin", ADMIN_PASSWORD).await;
        organizer.push((result.map(|_| ()), started.elapsed()));
    }
    let (guessed, refused) = attack.await.unwrap();
    assert!(
        organizer.iter().all(|(result, _)| result.is_ok()),
        "the organizer got in every time: {organizer:?}"
    );
    // The account's limit still holds the guessers: 10 a minute, 9 left after the
    // organizer's first sign-in spent one, and one more every 6 s over the 20 s.
    assert!(guessed <= 13, "{guessed} guesses were checked");
    assert!(refused >= 15, "{refused} guesses were refused");
    println!(
        "organizer: {} sign-ins, slowest {:?}; guessers: {guessed} checked, {refused} refused",
        organizer.len(),
        organizer.iter().map(|(_, t)| *t).max().unwrap()
    );
}

#[tokio::test]
async fn a_sign_in_without_an_origin_is_refused_as_the_security_page_says() {
    let app = spawn_app().await;
    let body = json!({"username": "admin", "password": ADMIN_PASSWORD}).to_string();
    let request = |origin: &str| {
        format!(
            "POST /api/session HTTP/1.1\r\nHost: {}\r\n{origin}Content-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            app.addr,
            body.len()
        )
    };
    let send = |raw: String| async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        stream.write_all(raw.as_bytes()).await.unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).await.unwrap();
        out
    };
    let without = send(request("")).await;
    assert!(without.starts_with("HTTP/1.1 403"), "{without}");
    assert!(without.contains("forbidden_origin"), "{without}");
    assert!(!without.contains("set-cookie"), "no session: {without}");
    let own = send(request(&format!("Origin: http://{}\r\n", app.addr))).await;
    assert!(own.starts_with("HTTP/1.1 200"), "{own}");
}
