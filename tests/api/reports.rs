//! The report a teacher downloads after a class game, from a game played by real clients:
//! Vietnamese kind names, the title and date in the file and its name, right-answer rates over
//! all players (as the projector counts them), a CSV for Excel in Vietnamese, and who got
//! which question wrong.

use std::io::Cursor;

use calamine::{Data, Range, Reader as _, Xlsx};
use hoithi::domain::publishing::date_vn;
use hoithi::domain::{AccountId, AnswerKey, Question, QuestionKind};
use hoithi_loadtest::http::Response;
use serde_json::{json, Value};

use crate::helpers::{question, spawn_app, TestApp, Ws};

const TITLE: &str = "Tiết 3: An toàn mạng — lớp 7A";

/// A true/false statement whose right answer is «Sai».
fn statement() -> Question {
    Question {
        kind: QuestionKind::TrueFalse,
        text: "Có thể cho bạn thân mượn mật khẩu Zalo.".into(),
        options: vec!["Đúng".into(), "Sai".into()],
        key: AnswerKey::Options { ids: vec![2] },
        ..question("tf", 20)
    }
}

/// What the projector showed for one question: `(right, players)`.
type Shown = (u64, u64);

struct Played {
    game: i64,
    created_at: i64,
    shown: Vec<Shown>,
}

async fn answer(p: &mut Ws, q: u64, text: &str) {
    let id = p.shown().id_of(q, text).unwrap();
    p.send(json!({"type": "answer", "q": q, "answer": [id]}))
        .await;
    assert_eq!(p.recv_type("receipt").await["q"], q);
}

/// Lan answers both right; Minh answers the first wrong and not the second; Hoa does not
/// answer the first and answers the second right. Three players, one and two right.
async fn play(app: &TestApp) -> Played {
    let quiz = app
        .store()
        .create_quiz(AccountId::new(1), TITLE, &[question("a", 20), statement()])
        .await
        .unwrap();
    let opened = app.post("/api/games", &json!({"quiz": quiz})).await.json();
    let (game, pin) = (
        opened["id"].as_i64().unwrap(),
        opened["pin"].as_str().unwrap().to_owned(),
    );
    let mut host = app.host(game).await;
    let mut lan = app.player(&pin, "Nguyễn Lan").await;
    let mut minh = app.player(&pin, "Trần Minh").await;
    let mut hoa = app.player(&pin, "Lê Hoa").await;
    host.send(json!({"type": "start"})).await;
    for p in [&mut lan, &mut minh, &mut hoa] {
        p.recv_type("question").await;
    }
    answer(&mut lan, 0, "Không bao giờ").await;
    answer(&mut minh, 0, "Có, qua Zalo").await;
    host.send(json!({"type": "next"})).await;
    let first = host.recv_type("reveal").await;
    host.send(json!({"type": "next"})).await;
    host.recv_type("leaderboard").await;
    host.send(json!({"type": "next"})).await;
    for p in [&mut lan, &mut minh, &mut hoa] {
        assert_eq!(p.recv_type("question").await["q"], 1);
    }
    answer(&mut lan, 1, "Sai").await;
    answer(&mut hoa, 1, "Sai").await;
    host.send(json!({"type": "next"})).await;
    let second = host.recv_type("reveal").await;
    host.send(json!({"type": "end"})).await;
    for p in [&mut lan, &mut minh, &mut hoa] {
        p.recv_type("final").await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let shown = |r: &Value| (r["right"].as_u64().unwrap(), r["players"].as_u64().unwrap());
    let report = app.get(&format!("/api/games/{game}/report")).await.json();
    Played {
        game,
        created_at: report["created_at"].as_i64().unwrap(),
        shown: vec![shown(&first), shown(&second)],
    }
}

fn rows(sheet: &Range<Data>) -> Vec<Vec<String>> {
    sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// The table under a sheet's heading: from the row whose first cell is `first_header`.
fn table(all: &[Vec<String>], first_header: &str) -> Vec<Vec<String>> {
    let top = all
        .iter()
        .position(|r| r.first().map(String::as_str) == Some(first_header))
        .unwrap_or_else(|| panic!("no table headed {first_header:?} in {all:?}"));
    all[top..].to_vec()
}

fn header(resp: &Response, name: &str) -> String {
    resp.header(name)
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// The right-answer rate as the projector shows it: right over every player, one decimal.
fn projector_rate((right, players): Shown) -> f64 {
    (1000.0 * right as f64 / players as f64).round() / 10.0
}

#[tokio::test]
async fn the_workbook_names_the_game_and_shows_kinds_rates_and_who_got_what_wrong() {
    let app = spawn_app().await;
    let played = play(&app).await;
    let game = played.game;
    let date = date_vn(played.created_at);
    assert_eq!(
        played.shown,
        vec![(1, 3), (2, 3)],
        "the projector counts all three"
    );

    let xlsx = app.get(&format!("/api/games/{game}/report.xlsx")).await;
    assert_eq!(xlsx.status, 200);
    let file_date = date.replace('/', "-");
    assert_eq!(
        header(&xlsx, "content-disposition"),
        format!(
            "attachment; filename=\"hoithi-{game}-tiet-3-an-toan-mang-lop-7a-{file_date}.xlsx\"; \
             filename*=UTF-8''Ti%E1%BA%BFt%203%20An%20to%C3%A0n%20m%E1%BA%A1ng%20%E2%80%94%20\
             l%E1%BB%9Bp%207A%20-%20{file_date}%20-%20tr%C3%B2%20ch%C6%A1i%20{game}.xlsx"
        )
    );
    let mut book = Xlsx::new(Cursor::new(xlsx.bytes.clone())).expect("a workbook");
    assert_eq!(
        book.sheet_names(),
        ["Người chơi", "Câu hỏi", "Đúng sai từng câu"]
    );
    for name in book.sheet_names() {
        let all = rows(&book.worksheet_range(&name).unwrap());
        assert_eq!(all[0][0], format!("Báo cáo trò chơi: {TITLE}"), "{name}");
        assert_eq!(all[1][0], format!("Ngày: {date}"), "{name}");
    }

    let questions = table(&rows(&book.worksheet_range("Câu hỏi").unwrap()), "Câu");
    assert_eq!(
        questions[0],
        [
            "Câu",
            "Nội dung",
            "Loại",
            "Số người chơi",
            "Số người trả lời",
            "Số người đúng",
            "Tỉ lệ đúng trên tổng số người chơi (%)",
            "Thời gian trung bình (giây)",
        ]
    );
    assert_eq!(questions[1][2], "Một đáp án");
    assert_eq!(questions[2][2], "Đúng / Sai");
    for (line, shown) in questions[1..].iter().zip(&played.shown) {
        assert_eq!(line[3], shown.1.to_string(), "players as on the projector");
        assert_eq!(line[5], shown.0.to_string(), "right as on the projector");
        assert_eq!(line[6].parse::<f64>().unwrap(), projector_rate(*shown));
    }
    assert_eq!(
        (questions[1][6].as_str(), questions[2][6].as_str()),
        ("33.3", "66.7"),
        "one of three and two of three, not one of two and two of two"
    );

    let answers = table(
        &rows(&book.worksheet_range("Đúng sai từng câu").unwrap()),
        "Hạng",
    );
    assert_eq!(
        answers,
        [
            ["Hạng", "Biệt danh", "Câu 1", "Câu 2", "Ghi chú"],
            ["1", "Nguyễn Lan", "Đúng", "Đúng", ""],
            ["2", "Lê Hoa", "Không trả lời", "Đúng", ""],
            ["3", "Trần Minh", "Sai", "Không trả lời", ""],
        ]
    );
}

#[tokio::test]
async fn the_csv_for_vietnamese_excel_splits_on_semicolons_with_decimal_commas() {
    let app = spawn_app().await;
    let played = play(&app).await;
    let game = played.game;
    let date = date_vn(played.created_at);

    let excel = app
        .get(&format!(
            "/api/games/{game}/report.csv?part=questions&format=excel-vi"
        ))
        .await;
    assert_eq!(excel.status, 200);
    assert!(excel.bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a UTF-8 BOM");
    assert!(header(&excel, "content-disposition").contains("-cau-hoi.csv\"; filename*=UTF-8''"));
    let lines: Vec<&str> = excel.body.trim_start_matches('\u{FEFF}').lines().collect();
    assert_eq!(lines[0], format!("Báo cáo trò chơi: {TITLE}"));
    assert_eq!(lines[1], format!("Ngày: {date}"));
    let top = lines.iter().position(|l| l.starts_with("Câu;")).unwrap();
    let cells: Vec<Vec<&str>> = lines[top..]
        .iter()
        .map(|l| l.split(';').collect())
        .collect();
    assert_eq!(cells[0].len(), 8, "{:?}", cells[0]);
    assert_eq!(cells[0][6], "Tỉ lệ đúng trên tổng số người chơi (%)");
    assert_eq!(cells[1][2], "Một đáp án");
    assert_eq!(
        (cells[1][6], cells[2][6]),
        ("33,3", "66,7"),
        "decimal commas"
    );
    assert_eq!(
        cells[1].len(),
        8,
        "the question text splits no cell: {:?}",
        cells[1]
    );

    // The CSV for tools stays as it was: its first line is the header, `,` and `.`.
    let tools = app
        .get(&format!("/api/games/{game}/report.csv?part=questions"))
        .await;
    let lines: Vec<&str> = tools.body.trim_start_matches('\u{FEFF}').lines().collect();
    assert!(lines[0].starts_with("Câu,Nội dung,Loại,"), "{}", lines[0]);
    assert!(lines[1].contains(",Một đáp án,3,2,1,33.3,"), "{}", lines[1]);

    let answers = app
        .get(&format!(
            "/api/games/{game}/report.csv?part=answers&format=excel-vi"
        ))
        .await;
    assert_eq!(answers.status, 200);
    assert!(answers
        .body
        .contains("\r\nHạng;Biệt danh;Câu 1;Câu 2;Ghi chú\r\n"));
    assert!(answers
        .body
        .contains("\r\n3;Trần Minh;Sai;Không trả lời;\r\n"));

    let unknown = app
        .get(&format!("/api/games/{game}/report.csv?format=excel"))
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    let part = app
        .get(&format!("/api/games/{game}/report.csv?part=ca-lop"))
        .await;
    assert_eq!(part.json()["code"], "invalid_part");
}
