//! The REST API: sign-in, banks, quizzes, games and reports.

use serde_json::json;

use crate::helpers::{http, question, spawn_app};

#[tokio::test]
async fn sign_in_needs_the_right_password_and_the_api_needs_a_session() {
    let app = spawn_app().await;
    let (status, body) = app.sign_in("admin", "wrong").await.unwrap_err();
    assert_eq!(status, 401);
    assert_eq!(body["code"], "bad_credentials");
    assert_eq!(body["message"], "Sai tên đăng nhập hoặc mật khẩu.");
    let anonymous = http(app.addr, "GET", "/api/banks", None, None).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json()["code"], "unauthorized");
    let me = app.get("/api/me").await.json();
    assert_eq!(me["role"], "organizer");
    assert!(me.get("password_hash").is_none());
}

#[tokio::test]
async fn a_teacher_builds_a_quiz_from_bundled_banks_and_opens_a_game() {
    let app = spawn_app().await;
    let banks = app.get("/api/banks").await.json();
    let banks = banks.as_array().unwrap();
    assert!(banks.len() >= 5, "the bundled banks are loaded");
    let bank = banks[0]["id"].as_str().unwrap();
    let detail = app.get(&format!("/api/banks/{bank}")).await.json();
    let qs = detail["questions"].as_array().unwrap();
    let picked: Vec<_> = qs
        .iter()
        .take(3)
        .map(|q| json!({"bank": bank, "id": q["id"]}))
        .collect();
    let quiz = app
        .post(
            "/api/quizzes",
            &json!({"title": "Tiết sinh hoạt lớp", "questions": picked}),
        )
        .await;
    assert_eq!(quiz.status, 200, "{}", quiz.body);
    let quiz = quiz.json();
    assert_eq!(quiz["questions"], 3);
    let game = app
        .post(
            "/api/games",
            &json!({"quiz": quiz["id"], "settings": {"late_join": false}}),
        )
        .await
        .json();
    let pin = game["pin"].as_str().unwrap();
    assert_eq!(pin.len(), 6);
    assert!(game["join_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/?pin={pin}")));
    let qr = app.get(&format!("/api/games/{}/qr.svg", game["id"])).await;
    assert_eq!(qr.status, 200);
    assert!(qr.body.contains("<svg"));
    let games = app.get("/api/games").await.json();
    assert_eq!(games[0]["pin"], pin);
}

#[tokio::test]
async fn bad_quiz_and_game_requests_are_refused_with_a_code() {
    let app = spawn_app().await;
    for (body, code) in [
        (json!({"title": "", "banks": ["x"]}), "invalid_title"),
        (json!({"title": "A", "banks": ["khong-co"]}), "unknown_bank"),
        (
            json!({"title": "A", "questions": [{"bank": "x", "id": "y"}]}),
            "unknown_question",
        ),
        (json!({"title": "A"}), "invalid_questions"),
    ] {
        let resp = app.post("/api/quizzes", &body).await;
        assert_eq!(resp.status, 422, "{body}");
        assert_eq!(resp.json()["code"], code);
    }
    let resp = app
        .post("/api/quizzes", &json!({"title": "A", "extra": 1}))
        .await;
    assert_eq!(
        resp.status, 422,
        "unknown fields are refused: {}",
        resp.body
    );
    let resp = app.post("/api/games", &json!({"quiz": 999})).await;
    assert_eq!(resp.status, 404);
    assert_eq!(
        app.store().list_quizzes(None).await.unwrap().len(),
        0,
        "nothing was created"
    );
}

#[tokio::test]
async fn the_report_downloads_as_csv_and_xlsx() {
    let app = spawn_app().await;
    let (game, pin) = app.open_game(&[question("a", 20)], json!({})).await;
    let mut host = app.host(game).await;
    let mut p = app.player(&pin, "Nguyễn Lan").await;
    host.send(json!({"type": "start"})).await;
    p.recv_type("question").await;
    p.answer(0, 1).await;
    p.recv_type("result").await;
    host.send(json!({"type": "end"})).await;
    p.recv_type("final").await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let csv = app
        .get(&format!("/api/games/{game}/report.csv?part=players"))
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.bytes.starts_with("\u{FEFF}".as_bytes()),
        "a BOM so Excel reads UTF-8"
    );
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{FEFF}').lines().collect();
    assert_eq!(
        lines[0],
        "Hạng,Biệt danh,Điểm,Số câu đúng,Số câu đã trả lời,Tổng thời gian (giây),Ghi chú"
    );
    assert!(lines[1].starts_with("1,Nguyễn Lan,"), "{}", lines[1]);
    let questions = app
        .get(&format!("/api/games/{game}/report.csv?part=questions"))
        .await;
    assert!(questions.body.contains("Câu hỏi a"), "{}", questions.body);
    let xlsx = app.get(&format!("/api/games/{game}/report.xlsx")).await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.bytes.starts_with(b"PK"), "an XLSX is a zip");
}

#[tokio::test]
async fn the_pages_are_served_from_the_binary() {
    let app = spawn_app().await;
    let page = http(app.addr, "GET", "/", None, None).await;
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let missing = http(app.addr, "GET", "/khong-co.html", None, None).await;
    assert_eq!(missing.status, 404);
    let escape = http(app.addr, "GET", "/../Cargo.toml", None, None).await;
    assert_ne!(escape.status, 200);
}

#[tokio::test]
async fn the_organizer_creates_a_teacher_who_sees_only_their_own_games() {
    let app = spawn_app().await;
    let body =
        json!({"username": "co.lan", "display_name": "Cô Lan", "password": "mat-khau-cua-co-lan"});
    let created = app.post("/api/accounts", &body).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(
        app.post("/api/accounts", &body).await.json()["code"],
        "username_taken"
    );
    let weak = json!({"username": "thay.minh", "display_name": "Thầy Minh", "password": "123"});
    assert_eq!(
        app.post("/api/accounts", &weak).await.json()["code"],
        "weak_password"
    );

    let (other_game, _) = app.open_game(&[question("a", 10)], json!({})).await;
    let teacher = app.sign_in("co.lan", "mat-khau-cua-co-lan").await.unwrap();
    let games = http(app.addr, "GET", "/api/games", Some(&teacher), None)
        .await
        .json();
    assert_eq!(
        games,
        json!([]),
        "a teacher does not see the organizer's games"
    );
    let report = http(
        app.addr,
        "GET",
        &format!("/api/games/{other_game}/report.csv"),
        Some(&teacher),
        None,
    )
    .await;
    assert_eq!(report.status, 403);
    let accounts = http(app.addr, "GET", "/api/accounts", Some(&teacher), None).await;
    assert_eq!(accounts.status, 403, "only organizers manage accounts");
}

#[tokio::test]
async fn state_changing_requests_from_forms_or_other_sites_are_refused() {
    let app = spawn_app().await;
    let body = br#"{"title":"A","banks":["x"]}"#;
    let form = hoithi_loadtest::http::request_bytes(
        app.addr,
        "POST",
        "/api/quizzes",
        Some(&app.cookie),
        Some(("text/plain", body)),
    )
    .await
    .unwrap();
    assert_eq!(
        form.status, 415,
        "a cross-site form can send text/plain: {}",
        form.body
    );
    assert_eq!(form.json()["code"], "unsupported_media_type");
    let bare = hoithi_loadtest::http::request_bytes(
        app.addr,
        "POST",
        "/api/games/1/x",
        Some(&app.cookie),
        None,
    )
    .await
    .unwrap();
    assert_eq!(bare.status, 415);

    // The same JSON request from another site's page.
    let addr = app.addr;
    let raw = format!(
        "POST /api/quizzes HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://evil.example\r\nCookie: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        app.cookie,
        body.len(),
        std::str::from_utf8(body).unwrap()
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stream, raw.as_bytes())
        .await
        .unwrap();
    let mut out = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut out)
        .await
        .unwrap();
    assert!(out.starts_with("HTTP/1.1 403"), "{out}");
    assert!(out.contains("forbidden_origin"));
    assert_eq!(
        app.store().list_quizzes(None).await.unwrap().len(),
        0,
        "nothing was created"
    );
}

/// Every refusal of the API is the documented `{"code", "message"}` in JSON with a Vietnamese
/// message, including those axum makes before a handler runs; none quotes a parser.
#[tokio::test]
async fn every_api_error_is_the_documented_json_without_parser_internals() {
    let app = spawn_app().await;
    let raw =
        |method: &'static str, path: &'static str, body: Option<(&'static str, &'static [u8])>| {
            let cookie = app.cookie.clone();
            let addr = app.addr;
            async move {
                hoithi_loadtest::http::request_bytes(addr, method, path, Some(&cookie), body)
                    .await
                    .expect("HTTP request")
            }
        };
    let cases = [
        // A body that is not JSON, JSON of the wrong shape, and a body over the limit.
        (
            raw(
                "POST",
                "/api/quizzes",
                Some(("application/json", b"{\"title\": ")),
            )
            .await,
            400,
            "bad_request",
        ),
        (
            raw(
                "POST",
                "/api/quizzes",
                Some(("application/json", b"{\"title\": 5}")),
            )
            .await,
            422,
            "invalid_body",
        ),
        (
            raw(
                "POST",
                "/api/games",
                Some(("application/json", &[b' '; 70 * 1024])),
            )
            .await,
            413,
            "too_large",
        ),
        // A route that does not exist, a method a route does not have, a path that does not
        // parse, a query that does not parse.
        (raw("GET", "/api/khong-co", None).await, 404, "not_found"),
        (
            raw("DELETE", "/api/banks", None).await,
            405,
            "method_not_allowed",
        ),
        (
            raw("GET", "/api/games/abc/report", None).await,
            400,
            "bad_request",
        ),
        (
            raw(
                "GET",
                "/api/rankings/dot-1/board/province?limit=nhieu",
                None,
            )
            .await,
            400,
            "bad_request",
        ),
        // The WebSocket endpoint asked without the handshake.
        (raw("GET", "/ws", None).await, 400, "bad_request"),
    ];
    for (resp, status, code) in cases {
        assert_eq!(resp.status, status, "{}", resp.body);
        let content_type = resp
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.as_str());
        assert_eq!(content_type, Some("application/json"), "{}", resp.body);
        let body = resp.json();
        assert_eq!(body["code"], code, "{body}");
        let message = body["message"].as_str().unwrap();
        for internal in [
            "serde",
            "expected",
            "line 1",
            "column",
            "Failed to",
            "invalid type",
        ] {
            assert!(!message.contains(internal), "{code}: {message}");
        }
        assert!(
            message.chars().any(|c| "ạảãáàâêôơưđ".contains(c)),
            "{code}: Vietnamese: {message}"
        );
    }
}

/// Five organizers' pages create the same account at the same moment: one is created, the
/// others hear `username_taken` — never a server error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_account_created_five_times_at_once_is_created_once() {
    let app = spawn_app().await;
    let body = json!({"username": "gv.cung.luc", "display_name": "Cô Cùng Lúc",
                      "password": "mat-khau-cung-luc", "role": "teacher"});
    let attempts = (0..5).map(|_| app.post("/api/accounts", &body));
    let answers = futures_util::future::join_all(attempts).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        1,
        "{statuses:?}"
    );
    for answer in answers.iter().filter(|r| r.status != 200) {
        assert_eq!(answer.status, 422, "{}", answer.body);
        assert_eq!(answer.json()["code"], "username_taken");
    }
}
