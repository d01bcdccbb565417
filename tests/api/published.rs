//! Published rankings end to end, on both leaderboard backends: an organizer publishes a
//! context, later results change the live boards but not the published ones, a correction
//! needs a reason and becomes what the public sees while organizers keep every version; the
//! exports carry the published rows and no student code; a teacher cannot publish.

use std::io::Cursor;

use calamine::{Reader as _, Xlsx};
use serde_json::{json, Value};

use crate::helpers::{
    http, spawn_app, spawn_app_with_redis, BoardsCleanup as Cleanup, Response, TestApp,
};

const SCHOOLS: &str = "code,name,levels,commune,enrolment\n\
TH1,Trường Tiểu học Kim Đồng,tieu-hoc,22015,4\n\
TH2,\"Trường Tiểu học Lê Lợi, cơ sở 2\",tieu-hoc,22015,10\n\
THCS1,Trường THCS Nguyễn Du,thcs,22045,3\n";

/// Hồ Thu Giang's display name is what a spreadsheet would run as a formula; Lê Minh Châu's
/// school recorded consent to publish her full name.
const STUDENTS: &str = "code,full_name,display_name,class,grade,school,consent\n\
HS01,Nguyễn Văn An,,5A,5,TH1,\n\
HS02,Trần Thị Bình,,5A,5,TH1,\n\
HS03,Lê Minh Châu,,5B,5,TH1,có\n\
HS04,Phạm Gia Dũng,,5A,5,TH2,\n\
HS05,Hồ Thu Giang,=HYPERLINK(\"http://x\"),9A,9,THCS1,\n\
HS06,Võ Ngọc Hà,,9A,9,THCS1,\n";

const SCOPES: &[&str] = &[
    "province",
    "commune/22015",
    "commune/22045",
    "school/TH1",
    "class/TH1/5A",
    "schools",
    "schools/commune/22015",
    "communes",
    "classes/TH1",
];

async fn roster(app: &TestApp, students: &str) {
    let schools = app
        .upload(
            "/api/units/schools/import?file=truong.csv",
            SCHOOLS.as_bytes(),
        )
        .await;
    assert_eq!(schools.status, 200, "{}", schools.body);
    let imported = app
        .upload(
            "/api/units/students/import?file=hs.csv",
            students.as_bytes(),
        )
        .await;
    assert_eq!(imported.status, 200, "{}", imported.body);
}

async fn record(app: &TestApp, context: &str, results: Value) {
    let resp = app
        .post(&format!("/api/rankings/{context}/results"), &results)
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
}

async fn public(app: &TestApp, path: &str) -> Response {
    http(app.addr, "GET", path, None, None).await
}

async fn public_json(app: &TestApp, path: &str) -> Value {
    let resp = public(app, path).await;
    assert_eq!(resp.status, 200, "{path}: {}", resp.body);
    assert!(
        !resp.body.contains("HS0"),
        "no student code in public output: {path}: {}",
        resp.body
    );
    resp.json()
}

/// What a person sees of each line: rank, name, class · school, keys.
fn seen(board: &Value) -> Vec<(u64, String, Value, Value)> {
    board["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["rank"].as_u64().unwrap(),
                l["label"].as_str().unwrap().to_owned(),
                l["detail"].clone(),
                l["keys"].clone(),
            )
        })
        .collect()
}

async fn live(app: &TestApp, context: &str, scope: &str) -> Value {
    public_json(
        app,
        &format!("/api/rankings/{context}/board/{scope}?limit=200"),
    )
    .await
}

async fn published(app: &TestApp, context: &str, scope: &str) -> Value {
    public_json(
        app,
        &format!("/api/published/{context}/board/{scope}?limit=500"),
    )
    .await
}

async fn published_page(app: &TestApp, context: &str, scope_and_query: &str) -> Value {
    public_json(
        app,
        &format!("/api/published/{context}/board/{scope_and_query}"),
    )
    .await
}

async fn boards(app: &TestApp, context: &str, read: bool) -> Vec<Value> {
    let mut out = Vec::new();
    for scope in SCOPES {
        out.push(if read {
            published(app, context, scope).await
        } else {
            live(app, context, scope).await
        });
    }
    out
}

fn first_label(board: &Value) -> &str {
    board["lines"][0]["label"].as_str().unwrap()
}

/// The rows of a CSV export (BOM checked and removed; no quoted line breaks in these files).
fn csv_rows(resp: &Response) -> Vec<Vec<String>> {
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert!(resp.header("content-type").unwrap().starts_with("text/csv"));
    let text = resp.body.strip_prefix('\u{feff}').expect("a BOM for Excel");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut cells = vec![String::new()];
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        chars.next();
                        cells.last_mut().unwrap().push('"');
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => cells.push(String::new()),
                    (c, _) => cells.last_mut().unwrap().push(c),
                }
            }
            cells
        })
        .collect()
}

async fn exercise(app: TestApp) {
    let context = format!("pub-{:x}", rand::random::<u32>());
    let _cleanup = Cleanup(context.clone());
    roster(&app, STUDENTS).await;
    record(
        &app,
        &context,
        json!([
            {"student": "HS01", "score": 8, "time_ms": 300000, "distance": 40},
            {"student": "HS02", "score": 8, "time_ms": 300000, "distance": 10},
            {"student": "HS03", "score": 8, "time_ms": 299999, "distance": 99},
            {"student": "HS04", "score": 9, "time_ms": 500000},
            {"student": "HS05", "score": 6, "time_ms": 100000}
        ]),
    )
    .await;
    let publish = format!("/api/rankings/{context}/publish");
    assert_eq!(
        public(&app, &format!("/api/published/{context}"))
            .await
            .status,
        404,
        "nothing is public before publishing"
    );

    // A teacher cannot publish; nobody can without signing in.
    let teacher = app
        .post(
            "/api/accounts",
            &json!({"username": "cogiao", "display_name": "Cô Lan", "password": "mat-khau-co-lan"}),
        )
        .await;
    assert_eq!(teacher.status, 200, "{}", teacher.body);
    let teacher = app.sign_in("cogiao", "mat-khau-co-lan").await.unwrap();
    let refused = http(
        app.addr,
        "POST",
        &publish,
        Some(&teacher),
        Some(&json!({"title": "Đợt 1"})),
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let refused = http(
        app.addr,
        "GET",
        &format!("/api/rankings/{context}/versions"),
        Some(&teacher),
        None,
    )
    .await;
    assert_eq!(refused.status, 403);
    let anonymous = http(
        app.addr,
        "POST",
        &publish,
        None,
        Some(&json!({"title": "x"})),
    )
    .await;
    assert_eq!(anonymous.status, 401);
    let untitled = app.post(&publish, &json!({})).await;
    assert_eq!(untitled.json()["code"], "invalid_ranking_title");

    // Version 1 equals the live boards at that moment.
    let title = "Hội thi «Em yêu an toàn số» — Đợt 1";
    let v1 = app.post(&publish, &json!({"title": title})).await;
    assert_eq!(v1.status, 200, "{}", v1.body);
    let v1 = v1.json();
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["participants"], 5);
    let live_at_v1 = boards(&app, &context, false).await;
    let published_v1 = boards(&app, &context, true).await;
    for ((scope, live), published) in SCOPES.iter().zip(&live_at_v1).zip(&published_v1) {
        assert_eq!(
            seen(live),
            seen(published),
            "{scope} published as it ranked"
        );
        assert_eq!(live["total"], published["total"], "{scope}");
    }
    let province = &published_v1[0];
    assert_eq!(province["version"]["version"], 1);
    assert_eq!(province["version"]["title"], title);
    assert!(
        province["version"].get("reason").is_none()
            && province["version"].get("published_by").is_none(),
        "the public is not told who published nor why: {province}"
    );
    assert_eq!(first_label(province), "Phạm G. D.");
    assert_eq!(
        province["lines"][1]["label"], "Lê Minh Châu",
        "a full name with recorded consent"
    );
    assert_eq!(
        province["lines"][1]["detail"],
        "5B · Trường Tiểu học Kim Đồng"
    );

    // Later results change the live boards, not the published ones.
    record(
        &app,
        &context,
        json!([
            {"student": "HS05", "score": 10, "time_ms": 90000},
            {"student": "HS06", "score": 7, "time_ms": 100000}
        ]),
    )
    .await;
    let live_later = boards(&app, &context, false).await;
    assert_ne!(live_later, live_at_v1, "the live boards moved");
    assert_eq!(first_label(&live_later[0]), "=HYPERLINK(\"http://x\")");
    assert_eq!(
        boards(&app, &context, true).await,
        published_v1,
        "every published board is unchanged"
    );

    // A correction needs a reason; with one it is what the public sees.
    for reason in [json!(null), json!(""), json!("   ")] {
        let refused = app
            .post(&publish, &json!({"title": title, "reason": reason}))
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(refused.json()["code"], "reason_required");
    }
    let reason = "Bổ sung bài thi của trường THCS Nguyễn Du nộp muộn do mất mạng";
    let v2 = app.post(&publish, &json!({"reason": reason})).await;
    assert_eq!(v2.status, 200, "{}", v2.body);
    assert_eq!(v2.json()["version"], 2);
    assert_eq!(v2.json()["title"], title, "a correction keeps the title");
    let latest = public_json(&app, &format!("/api/published/{context}")).await;
    assert_eq!(latest["version"], 2);
    let listed = public_json(&app, "/api/published").await;
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["context"] == context.as_str() && v["version"] == 2));
    let province_v2 = published(&app, &context, "province").await;
    assert_eq!(province_v2["version"]["version"], 2);
    assert_eq!(province_v2["total"], 6);
    assert_eq!(seen(&province_v2), seen(&live_later[0]));

    // Organizers still see version 1, with who published each version and why.
    let versions = app
        .get(&format!("/api/rankings/{context}/versions"))
        .await
        .json();
    let numbers: Vec<i64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(versions[0]["reason"], reason);
    assert_eq!(versions[1]["reason"], "");
    assert!(versions[0]["published_by"].is_string());
    let old = app
        .get(&format!(
            "/api/rankings/{context}/versions/1/board/province"
        ))
        .await;
    assert_eq!(old.status, 200, "{}", old.body);
    let old = old.json();
    assert_eq!(seen(&old), seen(province));
    assert_eq!(old["lines"][0]["member"], "HS04", "organizers see codes");
    assert_eq!(
        app.get(&format!(
            "/api/rankings/{context}/versions/3/board/province"
        ))
        .await
        .status,
        404
    );
    assert_eq!(
        public(
            &app,
            &format!("/api/rankings/{context}/versions/1/board/province")
        )
        .await
        .status,
        401,
        "older versions are for organizers"
    );

    // Exports of the public board: the published rows, formulas defused, no codes.
    let csv = public(&app, &format!("/api/published/{context}/csv/province")).await;
    assert!(!csv.body.contains("HS0"), "{}", csv.body);
    assert!(csv
        .header("content-disposition")
        .unwrap()
        .contains(&format!("xep-hang-{context}-v2-province.csv")));
    let rows = csv_rows(&csv);
    assert_eq!(
        rows[0],
        [
            "Hạng",
            "Học sinh",
            "Lớp",
            "Trường",
            "Điểm",
            "Thời gian (giây)",
            "Chênh lệch dự đoán",
            "Số lần làm bài"
        ]
    );
    assert_eq!(rows.len(), 7);
    assert_eq!(
        rows[1],
        [
            "1",
            "'=HYPERLINK(\"http://x\")",
            "9A",
            "Trường THCS Nguyễn Du",
            "10",
            "90.0",
            "0",
            "1"
        ]
    );
    let ranked: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        ranked,
        [
            "'=HYPERLINK(\"http://x\")",
            "Phạm G. D.",
            "Lê Minh Châu",
            "Trần T. B.",
            "Nguyễn V. A.",
            "Võ N. H."
        ]
    );
    let schools = csv_rows(&public(&app, &format!("/api/published/{context}/csv/schools")).await);
    assert_eq!(
        schools[1..3],
        [
            [
                "1",
                "Trường Tiểu học Kim Đồng",
                "TH1",
                "3",
                "4",
                "75.0",
                "8.00",
                "24"
            ],
            [
                "2",
                "Trường THCS Nguyễn Du",
                "THCS1",
                "2",
                "3",
                "66.7",
                "8.50",
                "17"
            ]
        ],
        "participation first: 3 of 4 before 2 of 3"
    );
    let xlsx = public(&app, &format!("/api/published/{context}/xlsx/school/TH1")).await;
    assert_eq!(xlsx.status, 200);
    let mut book = Xlsx::new(Cursor::new(xlsx.bytes.clone())).expect("a workbook");
    let sheet = book.worksheet_range("Xếp hạng").expect("the sheet");
    let cells: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert_eq!(cells[0], title);
    assert!(cells
        .iter()
        .any(|c| c.starts_with("Phiên bản 2, công bố ngày ")));
    assert!(cells.iter().any(|c| c == "Lê Minh Châu"));
    assert!(!cells.iter().any(|c| c.contains("HS0")), "{cells:?}");
    let organizer_csv = csv_rows(
        &app.get(&format!("/api/rankings/{context}/versions/1/csv/province"))
            .await,
    );
    assert_eq!(organizer_csv.len(), 6, "version 1 had five participants");
    assert_eq!(organizer_csv[0].last().unwrap(), "Mã học sinh");
    assert_eq!(organizer_csv[1].last().unwrap(), "HS04");

    // Consent withdrawn after publication: the full name is no longer shown.
    roster(&app, &STUDENTS.replace("5B,5,TH1,có", "5B,5,TH1,không")).await;
    let province_v2 = published(&app, &context, "province").await;
    let labels: Vec<&str> = province_v2["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"Lê M. C.") && !labels.contains(&"Lê Minh Châu"),
        "{labels:?}"
    );

    // A school nobody took part from has an empty board; a scope that does not exist is refused.
    let empty = published(&app, &context, "school/TH9").await;
    assert_eq!(empty["total"], 0);
    let beyond = published_page(&app, &context, "province?offset=18446744073709551615").await;
    assert_eq!(
        (
            beyond["total"].as_u64(),
            beyond["lines"].as_array().map(Vec::len)
        ),
        (Some(6), Some(0))
    );
    let bad = public(&app, &format!("/api/published/{context}/board/nowhere")).await;
    assert_eq!(bad.json()["code"], "invalid_scope");
}

#[tokio::test]
async fn published_rankings_in_process_are_frozen_versioned_and_private() {
    exercise(spawn_app().await).await;
}

#[tokio::test]
async fn published_rankings_in_redis_are_frozen_versioned_and_private() {
    exercise(spawn_app_with_redis().await).await;
}
