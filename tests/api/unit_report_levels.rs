//! Participation per level in the movement's reports (issue 22): pupils of tiểu học, THCS and
//! THPT and teachers who took part in a round, each against its own enrolment, as the test
//! counts them itself in the database — including a THCS & THPT school, whose one declared
//! enrolment is split among its two levels in proportion to its roster.

use std::collections::HashMap;

use serde_json::{json, Value};
use sqlx::Row;

use crate::contest::{cards, secret_of, sign_in};
use crate::helpers::{http, spawn_app, TestApp};

const PASSWORD: &str = "mat-khau-cap-hoc";

const SCHOOLS: &str = "code,name,levels,commune,enrolment\n\
TH1,Trường Tiểu học Kim Đồng,tieu-hoc,22015,40\n\
NK1,Trường THCS và THPT Đông Du,thcs;thpt,22015,90\n\
THPT1,Trường THPT Chu Văn An,thpt,22045,50\n";

const STUDENTS: &str = "code,full_name,display_name,class,grade,school,consent\n\
HS01,Nguyễn Văn An,,5A,5,TH1,\n\
HS02,Trần Thị Bình,,4A,4,TH1,\n\
HS11,Lê Minh Châu,,8A,8,NK1,\n\
HS12,Phạm Gia Dũng,,9A,9,NK1,\n\
HS13,Võ Ngọc Hà,,10A,10,NK1,\n\
HS21,Đặng Thu Hương,,11A,11,THPT1,\n";

const LEVELS: [&str; 4] = ["tieu-hoc", "thcs", "thpt", "giao-vien"];

/// The SQL condition a student of `level` meets, written here apart from the server's.
fn of_level(level: &str) -> &'static str {
    match level {
        "tieu-hoc" => "s.kind = 'pupil' AND s.grade >= 1 AND s.grade <= 5",
        "thcs" => "s.kind = 'pupil' AND s.grade >= 6 AND s.grade <= 9",
        "thpt" => "s.kind = 'pupil' AND s.grade >= 10 AND s.grade <= 12",
        _ => "s.kind = 'staff'",
    }
}

async fn count(app: &TestApp, sql: &str, school: &str) -> i64 {
    sqlx::query(sql)
        .bind(school)
        .fetch_one(app.store().pool())
        .await
        .unwrap()
        .get::<i64, _>(0)
}

/// Per level, the participants of a set of schools and their enrolment, counted here: a
/// school's declared enrolment goes to its one level, or is split among its levels by its
/// roster (shares rounded down, the rest to the lowest level); teachers against the school's
/// teacher and school-admin accounts.
async fn counted(app: &TestApp, schools: &[&str]) -> Vec<(i64, i64)> {
    let mut out = vec![(0, 0); 4];
    for school in schools {
        let row = sqlx::query("SELECT levels, enrolment FROM schools WHERE code = $1")
            .bind(*school)
            .fetch_one(app.store().pool())
            .await
            .unwrap();
        let (levels, enrolment): (String, i64) = (row.get(0), row.get(1));
        let declared: Vec<usize> = (0..3)
            .filter(|k| levels.split(',').any(|l| l == LEVELS[*k]))
            .collect();
        let mut roster = HashMap::new();
        for &k in &declared {
            let sql = format!(
                "SELECT COUNT(*) FROM students s WHERE s.school_code = $1 AND {}",
                of_level(LEVELS[k])
            );
            roster.insert(k, count(app, &sql, school).await);
        }
        let all: i64 = roster.values().sum();
        let mut given = 0;
        for &k in &declared {
            let share = enrolment * roster[&k] / all;
            out[k].1 += share;
            given += share;
        }
        out[declared[0]].1 += enrolment - given;
        out[3].1 += count(
            app,
            "SELECT COUNT(*) FROM accounts WHERE unit_code = $1 \
             AND role IN ('teacher', 'school_admin')",
            school,
        )
        .await;
        for (k, level) in LEVELS.iter().enumerate() {
            let sql = format!(
                "SELECT COUNT(DISTINCT t.participant) FROM attempts t \
                 JOIN students s ON s.code = t.participant WHERE s.school_code = $1 AND {}",
                of_level(level)
            );
            out[k].0 += count(app, &sql, school).await;
        }
    }
    out
}

/// What a report line shows per level, in the same order.
fn shown(line: &Value) -> Vec<(i64, i64)> {
    let levels = line["rounds"][0]["levels"].as_array().unwrap();
    let names: Vec<&str> = levels
        .iter()
        .map(|l| l["level"].as_str().unwrap())
        .collect();
    assert_eq!(names, LEVELS);
    levels
        .iter()
        .map(|l| {
            let (p, e) = (
                l["participants"].as_i64().unwrap(),
                l["enrolment"].as_i64().unwrap(),
            );
            assert_eq!(
                l["rate_permille"].as_i64().unwrap(),
                (p * 1000).checked_div(e).unwrap_or(0)
            );
            (p, e)
        })
        .collect()
}

#[tokio::test]
async fn participation_per_level_holds_what_the_database_holds() {
    let app = spawn_app().await;
    for (path, body) in [
        ("/api/units/schools/import?file=truong.csv", SCHOOLS),
        ("/api/units/students/import?file=hs.csv", STUDENTS),
    ] {
        let resp = app.upload(path, body.as_bytes()).await;
        assert_eq!(resp.status, 200, "{}", resp.body);
    }
    let mut staff = Vec::new();
    for (user, role, unit) in [
        ("gv-nk1", "teacher", "NK1"),
        ("bgh-nk1", "school_admin", "NK1"),
        ("gv-th1", "teacher", "TH1"),
    ] {
        let resp = app
            .post(
                "/api/accounts",
                &json!({"username": user, "display_name": user, "password": PASSWORD,
                        "role": role, "unit": unit}),
            )
            .await;
        assert_eq!(resp.status, 200, "{}", resp.body);
        staff.push(app.sign_in(user, PASSWORD).await.expect("signs in"));
    }
    let resp = app
        .post("/api/contests", &json!({"slug": "ct", "title": "Cuộc thi"}))
        .await;
    assert_eq!(resp.status, 201, "{}", resp.body);
    let now = hoithi::storage::unix_ms();
    let rules = json!({"opens_at": now - 3_600_000, "closes_at": now + 3_600_000, "questions": 5});
    let resp = app
        .post(
            "/api/contests/ct/rounds",
            &json!({"context": "dot-1", "title": "Đợt 1", "levels": LEVELS, "rules": rules}),
        )
        .await;
    assert_eq!(resp.status, 201, "{}", resp.body);

    // Pupils of each level and one teacher start an attempt (submitting is not needed).
    for (school, pupils) in [("TH1", &["HS01"][..]), ("NK1", &["HS11", "HS12", "HS13"])] {
        let cards = cards(&app, school).await;
        for code in pupils {
            let phone = sign_in(&app, code, secret_of(&cards, code)).await;
            let started = phone
                .call("POST", "/api/contest/rounds/dot-1/attempt", None)
                .await;
            assert_eq!(started.status, 200, "{}", started.body);
        }
    }
    let started = http(
        app.addr,
        "POST",
        "/api/contest/rounds/dot-1/attempt",
        Some(&staff[0]),
        Some(&json!({})),
    )
    .await;
    assert_eq!(started.status, 200, "{}", started.body);

    let period = hoithi::domain::period::Period {
        first: hoithi::domain::period::day_of(now) - 1,
        last: hoithi::domain::period::day_of(now) + 1,
    };
    let (from, to) = period.iso();
    let province = app
        .get(&format!("/api/reports/province?from={from}&to={to}"))
        .await;
    assert_eq!(province.status, 200, "{}", province.body);
    let province = province.json();
    let all = counted(&app, &["TH1", "NK1", "THPT1"]).await;
    assert_eq!(shown(&province["total"]), all);
    // (participants, enrolment) per level: NK1's 90 split 60 / 30 by its roster (2 THCS
    // pupils, 1 THPT); THPT1's 50 all THPT; teachers against 3 accounts.
    assert_eq!(all, [(1, 40), (2, 60), (1, 80), (1, 3)]);
    let lines = province["lines"].as_array().unwrap();
    assert_eq!(shown(&lines[0]), counted(&app, &["TH1", "NK1"]).await);
    assert_eq!(shown(&lines[1]), counted(&app, &["THPT1"]).await);

    let commune = app
        .get(&format!("/api/reports/commune/22015?from={from}&to={to}"))
        .await
        .json();
    let nk1 = commune["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "NK1")
        .unwrap();
    assert_eq!(shown(nk1), counted(&app, &["NK1"]).await);
    assert_eq!(shown(nk1), [(0, 0), (2, 60), (1, 30), (1, 2)]);
    let dash = app
        .get(&format!("/api/dashboard?unit=province&from={from}&to={to}"))
        .await;
    assert_eq!(dash.status, 200, "{}", dash.body);
    assert_eq!(shown(&dash.json()["total"]), all);
}

#[tokio::test]
async fn the_workbook_has_a_sheet_per_level() {
    use std::io::Cursor;

    use calamine::{Data, Reader as _, Xlsx};

    let app = spawn_app().await;
    for (path, body) in [
        ("/api/units/schools/import?file=truong.csv", SCHOOLS),
        ("/api/units/students/import?file=hs.csv", STUDENTS),
    ] {
        let resp = app.upload(path, body.as_bytes()).await;
        assert_eq!(resp.status, 200, "{}", resp.body);
    }
    let resp = app
        .post("/api/contests", &json!({"slug": "ct", "title": "Cuộc thi"}))
        .await;
    assert_eq!(resp.status, 201, "{}", resp.body);
    let now = hoithi::storage::unix_ms();
    let rules = json!({"opens_at": now - 3_600_000, "closes_at": now + 3_600_000, "questions": 5});
    let resp = app
        .post(
            "/api/contests/ct/rounds",
            &json!({"context": "dot-1", "title": "Đợt 1", "levels": LEVELS, "rules": rules}),
        )
        .await;
    assert_eq!(resp.status, 201, "{}", resp.body);
    let cards = cards(&app, "NK1").await;
    let phone = sign_in(&app, "HS13", secret_of(&cards, "HS13")).await;
    let started = phone
        .call("POST", "/api/contest/rounds/dot-1/attempt", None)
        .await;
    assert_eq!(started.status, 200, "{}", started.body);

    let period = hoithi::domain::period::Period {
        first: hoithi::domain::period::day_of(now),
        last: hoithi::domain::period::day_of(now),
    };
    let (from, to) = period.iso();
    let file = app
        .get(&format!(
            "/api/reports/school/NK1?from={from}&to={to}&format=xlsx"
        ))
        .await;
    assert_eq!(file.status, 200, "{}", file.body);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(file.bytes.clone())).unwrap();
    let sheet = book.worksheet_range("Theo cấp học").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let thpt = rows
        .iter()
        .find(|r| r.get(3) == Some(&Data::String("THPT".into())))
        .expect("a THPT row");
    let counted = counted(&app, &["NK1"]).await;
    assert_eq!(counted[2], (1, 30));
    assert_eq!(
        (&thpt[1], &thpt[4], &thpt[5], &thpt[6]),
        (
            &Data::String("NK1".into()),
            &Data::Float(1.0),
            &Data::Float(30.0),
            &Data::Float(3.3)
        )
    );
}
