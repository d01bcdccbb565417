//! A live game beside the largest roster an organizer may import (issue 15, part 2): every
//! answer the server acknowledged is in the game's report, every receipt reaches its phone
//! before the reveal, and none is late. Before imports were written in short transactions in
//! their turn, a roster held SQLite's write lock for its whole write: the answer writer gave
//! up (`database is locked`, the player got `server_busy`) and the room revealed anyway.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use hoithi::banks::limits::ImportConfig;
use serde_json::json;

use crate::helpers::{question, spawn_app};

const PLAYERS: usize = 12;
const SCHOOLS: usize = 100;

/// How long a receipt may take: far more than a batch's commit (a few milliseconds) or one
/// chunk of an import (tens), far less than the writer's five seconds of patience.
const RECEIPT_WITHIN: Duration = Duration::from_millis(1500);

/// The shortest question: everyone answers at once, so a question takes this long.
const ROUND: Duration = Duration::from_millis(300);

/// A roster of `students` rows below its header, spread over the schools.
fn roster(students: usize) -> String {
    let mut csv = String::from("code,full_name,class,grade,school,consent\n");
    for i in 0..students {
        let school = i % SCHOOLS;
        csv.push_str(&format!(
            "HS{i:07},Nguyễn Thị Thu Hương {i},{}A{},{},TH{school:03},\n",
            1 + i % 12,
            i % 9,
            1 + i % 12
        ));
    }
    csv
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_game_keeps_every_answer_while_the_largest_roster_imports() {
    let app = spawn_app().await;
    let mut schools = String::from("code,name,levels,commune,enrolment\n");
    for s in 0..SCHOOLS {
        schools.push_str(&format!("TH{s:03},Trường số {s},tieu-hoc,22015,5000\n"));
    }
    let resp = app
        .upload("/api/units/schools/import?file=t.csv", schools.as_bytes())
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    // The largest allowed: the header and the rest of the rows the cap lets in.
    let students = ImportConfig::default().province_roster_rows - 1;
    let file = roster(students);

    let questions: Vec<_> = (0..300).map(|i| question(&format!("q{i}"), 20)).collect();
    let (game, pin) = app.open_game(&questions, json!({})).await;
    let mut host = app.host(game).await;
    let mut players = Vec::new();
    for i in 0..PLAYERS {
        players.push(app.player(&pin, &format!("Học sinh {i:02}")).await);
    }
    host.send(json!({"type": "start"})).await;

    let (addr, cookie) = (app.addr, app.cookie.clone());
    let import = tokio::spawn(async move {
        let started = Instant::now();
        let resp = hoithi_loadtest::http::request_bytes(
            addr,
            "POST",
            "/api/units/students/import?file=hs.csv",
            Some(&cookie),
            Some(("text/csv", file.as_bytes())),
        )
        .await
        .expect("the import answers");
        (resp, started.elapsed())
    });

    // Receipts each player got, by question.
    let mut acknowledged: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut during_import = 0;
    let mut slowest = Duration::ZERO;
    for q in 0..questions.len() {
        let round = Instant::now();
        let importing = !import.is_finished();
        for p in players.iter_mut() {
            assert_eq!(p.recv_type("question").await["q"], q);
        }
        // Everyone answers, so the question closes at once: a reveal waits only for the writer
        // to confirm, several times a second while the import runs.
        let mut sent = Vec::new();
        for p in players.iter_mut() {
            p.answer(q as u64, 1 + (q % 4) as u8).await;
            sent.push(Instant::now());
        }
        for (i, p) in players.iter_mut().enumerate() {
            let mut receipt = None;
            loop {
                let msg = p.recv().await;
                match msg["type"].as_str() {
                    Some("receipt") => {
                        assert_eq!(msg["q"], q, "{msg}");
                        receipt = Some(sent[i].elapsed());
                    }
                    Some("reveal") => break,
                    Some("error") => panic!("player {i}, question {q}: {msg}"),
                    _ => {}
                }
            }
            let took = receipt.unwrap_or_else(|| {
                panic!("player {i}, question {q}: the reveal came before the receipt")
            });
            slowest = slowest.max(took);
            assert!(
                took < RECEIPT_WITHIN,
                "player {i}, question {q}: receipt after {took:?}"
            );
            acknowledged.entry(i).or_default().push(q);
        }
        host.recv_type("reveal").await;
        if importing {
            during_import += 1;
        } else {
            break;
        }
        // The host sends two commands a question: at most 10 a second are taken from one
        // connection.
        tokio::time::sleep(ROUND.saturating_sub(round.elapsed())).await;
        host.send(json!({"type": "next"})).await;
        host.recv_type("leaderboard").await;
        host.send(json!({"type": "next"})).await;
    }

    let (resp, took) = import.await.unwrap();
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.json()["imported"], students);
    assert!(
        during_import >= 3,
        "the import ({took:?}) overlapped only {during_import} questions: the test proves nothing"
    );

    // The teacher's report, from the database, has every acknowledged answer.
    let report = app.get(&format!("/api/games/{game}/report")).await.json();
    let lines = report["players"].as_array().unwrap();
    assert_eq!(lines.len(), PLAYERS);
    for (i, p) in players.iter().enumerate() {
        let id = p.welcome["player"]["id"].as_i64().unwrap();
        let line = lines
            .iter()
            .find(|l| l["player"] == id)
            .expect("every player is in the report");
        assert_eq!(
            line["answered"].as_u64().unwrap() as usize,
            acknowledged[&i].len(),
            "player {i}: {line}"
        );
    }
    let roster = app.get("/api/units/schools/TH007/students").await.json();
    assert_eq!(
        roster["students"].as_array().unwrap().len(),
        (0..students).filter(|i| i % SCHOOLS == 7).count()
    );
    eprintln!(
        "import of {students} students took {took:?}; {during_import} questions meanwhile; \
         slowest receipt {slowest:?}"
    );
}

/// The turns are few: an upload beyond them is refused at once with `server_busy` and a time
/// to wait, rather than held in memory.
#[tokio::test]
async fn an_import_beyond_the_turns_is_refused_with_server_busy() {
    let app = spawn_app().await;
    // Uploads that take a turn and wait for the rest of their bodies.
    let mut waiting = Vec::new();
    for _ in 0..ImportConfig::default().imports_at_once {
        waiting.push(half_sent_upload(&app).await);
    }
    let resp = app
        .upload(
            "/api/units/schools/import?file=t.csv",
            b"code,name,levels,commune,enrolment\n",
        )
        .await;
    let body = resp.json();
    assert_eq!(
        (resp.status, body["code"].as_str()),
        (503, Some("server_busy")),
        "{body}"
    );
    assert_eq!(
        body["message"],
        "Máy chủ đang nhập các tệp khác. Hãy thử lại sau ít phút."
    );
    assert!(body["retry_after_ms"].as_u64().unwrap() > 0);

    // A turn given back is taken by the next upload.
    drop(waiting);
    let schools = "code,name,levels,commune,enrolment\nTH001,Trường A,tieu-hoc,22015,10\n";
    let mut resp = None;
    for _ in 0..50 {
        let r = app
            .upload("/api/units/schools/import?file=t.csv", schools.as_bytes())
            .await;
        if r.status != 503 {
            resp = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let resp = resp.expect("a turn came free");
    assert_eq!(resp.status, 200, "{}", resp.body);
}

/// An upload whose headers and first bytes are sent, the rest never: its handler holds a turn.
async fn half_sent_upload(app: &crate::helpers::TestApp) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/units/schools/import?file=t.csv HTTP/1.1\r\nHost: {addr}\r\n\
         Origin: http://{addr}\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\
         Cookie: {cookie}\r\n\r\ncode,name",
        addr = app.addr,
        cookie = app.cookie
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // Long enough for the handler to take its turn.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stream
}

/// An upload that stops sending gives its turn back after `upload_seconds`, with 408
/// `upload_timeout`: one account cannot hold every turn by sending nothing.
#[tokio::test]
async fn an_upload_that_stops_sending_gives_its_turn_back() {
    let dir = tempfile::tempdir().unwrap();
    let config = hoithi::app::Config {
        port: 0,
        database: hoithi::app::DatabaseArgs {
            data_dir: dir.path().to_path_buf(),
            database_url: Some(crate::database::url_for(dir.path())),
        },
        admin_password: Some(crate::helpers::ADMIN_PASSWORD.into()),
        imports: ImportConfig {
            upload_seconds: 1,
            imports_at_once: 1,
            ..ImportConfig::default()
        },
        ..hoithi::app::Config::defaults()
    };
    let running = hoithi::app::start(config).await.expect("server starts");
    let mut app = crate::helpers::TestApp {
        addr: running.addr,
        running: Some(running),
        dir,
        cookie: String::new(),
    };
    app.cookie = app
        .sign_in("admin", crate::helpers::ADMIN_PASSWORD)
        .await
        .unwrap();

    let mut stalled = half_sent_upload(&app).await;
    let schools = "code,name,levels,commune,enrolment\nTH001,Trường A,tieu-hoc,22015,10\n";
    let busy = app
        .upload("/api/units/schools/import?file=t.csv", schools.as_bytes())
        .await;
    assert_eq!(busy.status, 503, "{}", busy.body);

    let mut raw = Vec::new();
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(10), async {
        use tokio::io::AsyncReadExt;
        stalled.read_to_end(&mut raw).await
    })
    .await
    .expect("the stalled upload is answered")
    .unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.starts_with("HTTP/1.1 408"), "{raw}");
    assert!(
        raw.contains(r#""code":"upload_timeout""#)
            && raw.contains("Tệp chưa gửi xong sau 1 giây. Hãy thử lại khi mạng ổn định hơn."),
        "{raw}"
    );
    // Answered by the 1 s limit, not by another clock: the next one that could answer it is
    // the default upload limit (two minutes). The margin is wide so a busy machine cannot fail
    // it.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );

    let resp = app
        .upload("/api/units/schools/import?file=t.csv", schools.as_bytes())
        .await;
    assert_eq!(resp.status, 200, "the turn is free again: {}", resp.body);
}
