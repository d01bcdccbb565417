//! What every response tells the browser: no sniffing, no framing, a Content-Security-Policy
//! on pages, and a session cookie marked `Secure` exactly when the browser came over HTTPS.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{spawn_app, spawn_app_with, ADMIN_PASSWORD};

/// The response head of one raw request with `extra` header lines.
async fn head(server: SocketAddr, method: &str, path: &str, extra: &str, body: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(server).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {server}\r\nOrigin: http://{server}\r\n\
         Connection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    text.split_once("\r\n\r\n")
        .map_or(text.clone(), |(h, _)| h.to_owned())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn sign_in_body() -> String {
    format!(r#"{{"username": "admin", "password": "{ADMIN_PASSWORD}"}}"#)
}

#[tokio::test]
async fn pages_carry_a_policy_and_nothing_may_frame_or_sniff_them() {
    let app = spawn_app().await;
    let page = head(app.addr, "GET", "/", "", "").await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    let policy = header(&page, "content-security-policy").expect("a policy on pages");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains(&format!("ws://{}", app.addr)), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    for path in ["/", "/host.html", "/api/banks", "/api/khong-co"] {
        let h = head(app.addr, "GET", path, "", "").await;
        assert_eq!(
            header(&h, "x-content-type-options"),
            Some("nosniff"),
            "{path}: {h}"
        );
        assert_eq!(header(&h, "x-frame-options"), Some("DENY"), "{path}: {h}");
    }
}

#[tokio::test]
async fn the_session_cookie_is_secure_only_behind_https() {
    // Plain HTTP in a classroom: a Secure cookie would never come back, so none.
    let app = spawn_app().await;
    let plain = head(app.addr, "POST", "/api/session", "", &sign_in_body()).await;
    let cookie = header(&plain, "set-cookie").expect("a cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "{cookie}");
    // A client cannot claim HTTPS for itself: only a trusted proxy's word counts.
    let claimed = head(
        app.addr,
        "POST",
        "/api/session",
        "X-Forwarded-Proto: https\r\n",
        &sign_in_body(),
    )
    .await;
    assert!(
        !header(&claimed, "set-cookie").unwrap().contains("Secure"),
        "{claimed}"
    );

    // Behind a TLS proxy on this machine.
    let proxied =
        spawn_app_with(|c| c.limits.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let over_https = head(
        proxied.addr,
        "POST",
        "/api/session",
        "X-Forwarded-Proto: https\r\n",
        &sign_in_body(),
    )
    .await;
    assert!(
        header(&over_https, "set-cookie")
            .unwrap()
            .contains("; Secure"),
        "{over_https}"
    );
    let signed_out = head(
        proxied.addr,
        "DELETE",
        "/api/session",
        "X-Forwarded-Proto: https\r\n",
        "",
    )
    .await;
    assert!(
        header(&signed_out, "set-cookie")
            .unwrap()
            .contains("; Secure"),
        "{signed_out}"
    );

    // Or with an https:// public address.
    let public = spawn_app_with(|c| c.public_url = Some("https://hoithi.example.vn".into())).await;
    let secure = head(public.addr, "POST", "/api/session", "", &sign_in_body()).await;
    assert!(
        header(&secure, "set-cookie").unwrap().contains("; Secure"),
        "{secure}"
    );
}
