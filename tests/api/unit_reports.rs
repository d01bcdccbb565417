//! The movement's reports (issue 22): a school's teacher hosts a live game that real players
//! join, pupils take a contest round; the reports of the province, a commune and a school
//! over a period give the figures the test counts itself in the database, as JSON and as a
//! workbook; each unit reads only its own.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};
use hoithi::domain::AccountId;
use serde_json::{json, Value};
use sqlx::Row;

use crate::contest::{cards, round, secret_of, sign_in};
use crate::helpers::{http, question, spawn_app, TestApp};

const PASSWORD: &str = "mat-khau-bao-cao";

const SCHOOLS: &str = "code,name,levels,commune,enrolment\n\
TH1,Trường Tiểu học Kim Đồng,tieu-hoc,22015,40\n\
TH2,Trường Tiểu học Lê Lợi,tieu-hoc,22015,10\n\
THCS1,Trường THCS Nguyễn Du,thcs,22045,30\n";

const STUDENTS: &str = "code,full_name,display_name,class,grade,school,consent\n\
HS01,Nguyễn Văn An,,5A,5,TH1,\n\
HS02,Trần Thị Bình,,5A,5,TH1,\n\
HS03,Lê Minh Châu,,5B,5,TH1,\n\
HS04,Phạm Gia Dũng,,5A,5,TH2,\n\
HS09,Võ Ngọc Hà,,9A,9,THCS1,\n";

/// Today in Vietnam, and the days either side, as `YYYY-MM-DD`.
fn days_around_today() -> (String, String) {
    let period = hoithi::domain::period::Period {
        first: hoithi::domain::period::day_of(hoithi::storage::unix_ms()) - 1,
        last: hoithi::domain::period::day_of(hoithi::storage::unix_ms()) + 1,
    };
    period.iso()
}

async fn account(app: &TestApp, username: &str, role: &str, unit: &str) -> (i64, String) {
    let resp = app
        .post(
            "/api/accounts",
            &json!({"username": username, "display_name": username, "password": PASSWORD,
                    "role": role, "unit": unit}),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let id = resp.json()["id"].as_i64().unwrap();
    (id, app.sign_in(username, PASSWORD).await.expect("signs in"))
}

/// TH1's teacher opens a live game and `players` join it over the WebSocket.
async fn live_game(app: &TestApp, teacher: (i64, &str), players: usize) {
    let quiz = app
        .store()
        .create_quiz(AccountId::new(teacher.0), "Tiết 3", &[question("q1", 20)])
        .await
        .unwrap();
    let resp = http(
        app.addr,
        "POST",
        "/api/games",
        Some(teacher.1),
        Some(&json!({"quiz": quiz, "settings": {}})),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let pin = resp.json()["pin"].as_str().unwrap().to_owned();
    for i in 0..players {
        app.player(&pin, &format!("Bạn {i}")).await;
    }
}

/// Pupils start and submit an attempt of round dot-1.
async fn take_round(app: &TestApp, school: &str, pupils: &[&str]) {
    let cards = cards(app, school).await;
    for code in pupils {
        let phone = sign_in(app, code, secret_of(&cards, code)).await;
        let started = phone
            .call("POST", "/api/contest/rounds/dot-1/attempt", None)
            .await;
        assert_eq!(started.status, 200, "{}", started.body);
        let id = started.json()["id"].as_i64().unwrap();
        let submitted = phone
            .call("POST", &format!("/api/contest/attempts/{id}/submit"), None)
            .await;
        assert_eq!(submitted.status, 200, "{}", submitted.body);
    }
}

/// What the test counts itself in the database for a set of schools: games hosted by their
/// accounts, players not kicked, pupils with an attempt, and their enrolment.
async fn counted(app: &TestApp, schools: &[&str]) -> (i64, i64, i64, i64) {
    let pool = app.store().pool();
    let (mut games, mut players, mut pupils, mut enrolment) = (0, 0, 0, 0);
    for s in schools {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM games g JOIN accounts a ON a.id = g.host_id WHERE a.unit_code = $1",
        )
        .bind(*s)
        .fetch_one(pool)
        .await
        .unwrap();
        games += row.get::<i64, _>(0);
        let row = sqlx::query(
            "SELECT COUNT(*) FROM players p JOIN games g ON g.id = p.game_id \
             JOIN accounts a ON a.id = g.host_id WHERE a.unit_code = $1 AND p.kicked = 0",
        )
        .bind(*s)
        .fetch_one(pool)
        .await
        .unwrap();
        players += row.get::<i64, _>(0);
        let row = sqlx::query(
            "SELECT COUNT(DISTINCT t.participant) FROM attempts t \
             JOIN students s ON s.code = t.participant WHERE s.school_code = $1 AND s.kind = 'pupil'",
        )
        .bind(*s)
        .fetch_one(pool)
        .await
        .unwrap();
        pupils += row.get::<i64, _>(0);
        let row = sqlx::query("SELECT enrolment FROM schools WHERE code = $1")
            .bind(*s)
            .fetch_one(pool)
            .await
            .unwrap();
        enrolment += row.get::<i64, _>(0);
    }
    (games, players, pupils, enrolment)
}

/// The figures a report line shows, in the same order as [`counted`].
fn shown(line: &Value) -> (i64, i64, i64, i64) {
    (
        line["games"].as_i64().unwrap(),
        line["game_players"].as_i64().unwrap(),
        line["rounds"][0]["participants"].as_i64().unwrap(),
        line["enrolment"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn reports_of_the_province_a_commune_and_a_school_hold_what_the_database_holds() {
    let app = spawn_app().await;
    for (path, body) in [
        ("/api/units/schools/import?file=truong.csv", SCHOOLS),
        ("/api/units/students/import?file=hs.csv", STUDENTS),
    ] {
        let resp = app.upload(path, body.as_bytes()).await;
        assert_eq!(resp.status, 200, "{}", resp.body);
    }
    let teacher = account(&app, "gv-th1", "teacher", "TH1").await;
    let th2 = account(&app, "bgh-th2", "school_admin", "TH2").await;
    let officer = account(&app, "xa-22015", "commune_officer", "22015").await;
    live_game(&app, (teacher.0, &teacher.1), 3).await;
    live_game(&app, (th2.0, &th2.1), 2).await;
    round(&app, json!({})).await;
    take_round(&app, "TH1", &["HS01", "HS02"]).await;
    take_round(&app, "TH2", &["HS04"]).await;
    let resp = app
        .post(
            "/api/rankings/dot-1/publish",
            &json!({"title": "Kết quả đợt 1"}),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);

    let (from, to) = days_around_today();
    let q = format!("from={from}&to={to}");
    let province = app.get(&format!("/api/reports/province?{q}")).await;
    assert_eq!(province.status, 200, "{}", province.body);
    let province = province.json();
    assert_eq!(province["name"], "Tỉnh Đắk Lắk");
    assert_eq!(
        (province["from"].as_str(), province["to"].as_str()),
        (Some(from.as_str()), Some(to.as_str()))
    );
    assert_eq!(
        shown(&province["total"]),
        counted(&app, &["TH1", "TH2", "THCS1"]).await
    );
    assert_eq!(
        shown(&province["total"]),
        (2, 5, 3, 80),
        "two games, five players, three pupils"
    );
    assert_eq!(province["total"]["schools"], 3);
    assert_eq!(province["total"]["schools_with_games"], 2);
    let round0 = &province["total"]["rounds"][0];
    assert_eq!(
        (&round0["context"], &round0["rate_permille"]),
        (&json!("dot-1"), &json!(37))
    );
    assert_eq!(round0["submitted"], 3);
    let lines = province["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "the two communes with schools: {province}");
    assert_eq!(shown(&lines[0]), counted(&app, &["TH1", "TH2"]).await);
    assert_eq!(shown(&lines[1]), counted(&app, &["THCS1"]).await);
    let winners = province["winners"].as_array().unwrap();
    assert!(
        winners
            .iter()
            .any(|w| w["award"].as_str().unwrap().starts_with("Giải Nhất")),
        "the round's published winners: {province}"
    );

    // The commune's officer: its commune and its schools, nobody else's.
    let get = |cookie: &str, path: String| {
        let (addr, cookie) = (app.addr, cookie.to_owned());
        async move { http(addr, "GET", &path, Some(&cookie), None).await }
    };
    let commune = get(&officer.1, format!("/api/reports/commune/22015?{q}")).await;
    assert_eq!(commune.status, 200, "{}", commune.body);
    let commune = commune.json();
    assert_eq!(commune["parent"], "Tỉnh Đắk Lắk");
    assert_eq!(
        shown(&commune["total"]),
        counted(&app, &["TH1", "TH2"]).await
    );
    let schools: Vec<&str> = commune["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    assert_eq!(schools, ["TH1", "TH2"]);
    assert_eq!(shown(&commune["lines"][0]), counted(&app, &["TH1"]).await);
    for path in ["commune/22045", "province", "school/THCS1"] {
        let refused = get(&officer.1, format!("/api/reports/{path}?{q}")).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.body);
    }
    assert_eq!(
        get(&officer.1, format!("/api/reports/school/TH1?{q}"))
            .await
            .status,
        200
    );

    // A school admin: its school only.
    let school = get(&th2.1, format!("/api/reports/school/TH2?{q}")).await;
    assert_eq!(school.status, 200, "{}", school.body);
    let school = school.json();
    assert_eq!(shown(&school["total"]), counted(&app, &["TH2"]).await);
    assert_eq!(school["parent"], "Phường Tuy Hoà");
    for path in ["school/TH1", "commune/22015", "province"] {
        let refused = get(&th2.1, format!("/api/reports/{path}?{q}")).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.body);
    }
    assert_eq!(
        get(&teacher.1, format!("/api/reports/school/TH1?{q}"))
            .await
            .status,
        403
    );

    // Another period holds nothing; a bad one is refused.
    let before = app
        .get("/api/reports/province?from=2025-01-01&to=2025-01-31")
        .await
        .json();
    assert_eq!(shown_or_zero(&before["total"]), (0, 0, 0, 80));
    let bad = app
        .get("/api/reports/province?from=2026-12-31&to=2026-09-01")
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(bad.json()["code"], "invalid_period");
    assert_eq!(app.get("/api/reports/school/NOPE").await.status, 404);

    // The workbook: the same figures, numbers as numbers, the total last.
    let file = app
        .get(&format!("/api/reports/commune/22015?{q}&format=xlsx"))
        .await;
    assert_eq!(file.status, 200, "{}", file.body);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(file.bytes.clone())).unwrap();
    let sheet = book.worksheet_range("Tổng hợp").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(
        rows[0][0],
        Data::String("BÁO CÁO KẾT QUẢ THỰC HIỆN PHONG TRÀO «BÌNH DÂN HỌC VỤ SỐ»".into())
    );
    let header = rows
        .iter()
        .position(|r| r[0] == Data::String("Đơn vị".into()))
        .unwrap();
    let th1 = &rows[header + 1];
    let total = rows.last().unwrap();
    assert_eq!(th1[1], Data::String("TH1".into()));
    assert_eq!(total[0], Data::String("Tổng cộng".into()));
    let (games, players, pupils, enrolment) = counted(&app, &["TH1", "TH2"]).await;
    assert_eq!(
        (&total[2], &total[7], &total[8], &total[9]),
        (
            &Data::Float(enrolment as f64),
            &Data::Float(games as f64),
            &Data::Float(players as f64),
            &Data::Float(pupils as f64)
        )
    );
    assert_eq!(total[10], Data::Float(6.0), "3 of 50 pupils: 6.0 %");
    assert!(book.worksheet_range("Người đoạt giải").is_ok());

    // The dashboard: the same figures, the schools under a rate, and each chart's data adding
    // up to what the database holds.
    let dash = app
        .get(&format!("/api/dashboard?unit=commune/22015&{q}&below=100"))
        .await;
    assert_eq!(dash.status, 200, "{}", dash.body);
    let dash = dash.json();
    assert_eq!(dash["round"], "dot-1");
    assert_eq!(shown(&dash["total"]), counted(&app, &["TH1", "TH2"]).await);
    let below: Vec<(&str, i64)> = dash["below"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["code"].as_str().unwrap(),
                b["rate_permille"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        below,
        [("TH1", 50)],
        "2 of 40 is 5 %, under 10 %; TH2's 1 of 10 is not"
    );
    let csv = |path: String| {
        let app = &app;
        async move {
            let resp = app.get(&path).await;
            assert_eq!(resp.status, 200, "{path}: {}", resp.body);
            let text = resp.body.trim_start_matches('\u{feff}').to_owned();
            csv::Reader::from_reader(text.as_bytes())
                .records()
                .map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        }
    };
    let time = csv(format!("/api/dashboard/over-time.csv?unit=province&{q}")).await;
    assert_eq!(time.len(), 3, "a column a day of the three-day period");
    let sum = |rows: &[Vec<String>], col: usize| -> i64 {
        rows.iter().map(|r| r[col].parse::<i64>().unwrap()).sum()
    };
    let pool = app.store().pool();
    let attempts: i64 = sqlx::query("SELECT COUNT(*) FROM attempts")
        .fetch_one(pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!((sum(&time, 1), sum(&time, 2)), (attempts, 2));
    let scores = csv(format!("/api/dashboard/scores.csv?unit=province&{q}")).await;
    let submitted: i64 =
        sqlx::query("SELECT COUNT(*) FROM attempts WHERE submitted_at IS NOT NULL")
            .fetch_one(pool)
            .await
            .unwrap()
            .get(0);
    assert_eq!(sum(&scores, 1), submitted);
    let rates = csv(format!("/api/dashboard/rates.csv?unit=commune/22015&{q}")).await;
    assert_eq!(
        rates,
        [
            vec!["Trường Tiểu học Kim Đồng".to_string(), "5".into()],
            vec!["Trường Tiểu học Lê Lợi".to_string(), "10".into()]
        ]
        .map(|mut r| {
            r[1] = format!("{},0 %", r[1]);
            r
        }),
        "CSV quoting: a rate with a decimal comma is one field"
    );
    let svg = app
        .get(&format!("/api/dashboard/rates.svg?unit=commune/22015&{q}"))
        .await;
    assert_eq!(
        svg.header("content-type").as_deref(),
        Some("image/svg+xml; charset=utf-8")
    );
    assert!(svg.body.contains("Trường Tiểu học Kim Đồng") && svg.body.contains("5,0 %"));
    let refused = http(
        app.addr,
        "GET",
        &format!("/api/dashboard/rates.svg?unit=province&{q}"),
        Some(&officer.1),
        None,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
}

fn shown_or_zero(line: &Value) -> (i64, i64, i64, i64) {
    (
        line["games"].as_i64().unwrap(),
        line["game_players"].as_i64().unwrap(),
        line["rounds"]
            .as_array()
            .unwrap()
            .first()
            .map_or(0, |r| r["participants"].as_i64().unwrap()),
        line["enrolment"].as_i64().unwrap(),
    )
}
