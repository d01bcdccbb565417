//! Rankings end to end, on both leaderboard backends: rosters imported from sheets, results
//! recorded, boards read by the public, and a rebuild from the database equal to the live boards.

use serde_json::{json, Value};

use crate::helpers::{http, spawn_app, spawn_app_with_redis, BoardsCleanup as Cleanup, TestApp};

const SCHOOLS: &str = "\u{feff}Mã trường (code),Tên trường (name),Cấp học (levels),Mã xã/phường (commune),Sĩ số (enrolment)\r\n\
TH1,Trường Tiểu học Kim Đồng,tieu-hoc,22015,4\r\n\
TH2,\"Trường Tiểu học Lê Lợi, cơ sở 2\",tieu-hoc,22015,10\r\n\
THCS1,Trường THCS Nguyễn Du,thcs,22045,3\r\n";

const STUDENTS: &str = "code,full_name,class,grade,school,consent\n\
HS01,Nguyễn Văn An,5A,5,TH1,\n\
HS02,Trần Thị Bình,5A,5,TH1,\n\
HS03,Lê Minh Châu,5B,5,TH1,có\n\
HS04,Phạm Gia Dũng,5A,5,TH2,\n\
HS05,Hồ Thu Giang,9A,9,THCS1,\n\
HS06,Võ Ngọc Hà,9A,9,THCS1,\n";

async fn roster(app: &TestApp) {
    let bad = STUDENTS.replace(
        "HS06,Võ Ngọc Hà,9A,9,THCS1,",
        "HS06,Võ Ngọc Hà,9A,15,KHONGCO,",
    );
    let schools = app
        .upload(
            "/api/units/schools/import?file=truong.csv",
            SCHOOLS.as_bytes(),
        )
        .await;
    assert_eq!(schools.status, 200, "{}", schools.body);
    let rejected = app
        .upload("/api/units/students/import?file=hs.csv", bad.as_bytes())
        .await;
    assert_eq!(rejected.status, 422);
    let body = rejected.json();
    assert_eq!(body["problems"][0]["row"], 7, "{body}");
    assert!(body["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("khối phải từ 1 đến 12"));
    let students = app
        .upload(
            "/api/units/students/import?file=hs.csv",
            STUDENTS.as_bytes(),
        )
        .await;
    assert_eq!(students.json()["imported"], 6, "{}", students.body);
}

fn results() -> Value {
    json!([
        {"student": "HS01", "score": 8, "time_ms": 300000, "distance": 40},
        {"student": "HS02", "score": 8, "time_ms": 300000, "distance": 10},
        {"student": "HS03", "score": 8, "time_ms": 299999, "distance": 99},
        {"student": "HS04", "score": 9, "time_ms": 500000},
        {"student": "HS05", "score": 6, "time_ms": 100000},
        {"student": "HS06", "score": 7, "time_ms": 100000}
    ])
}

async fn board(app: &TestApp, context: &str, scope: &str) -> Value {
    let resp = http(
        app.addr,
        "GET",
        &format!("/api/rankings/{context}/board/{scope}"),
        None,
        None,
    )
    .await;
    assert_eq!(resp.status, 200, "{scope}: {}", resp.body);
    resp.json()
}

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

async fn exercise(app: TestApp) {
    let context = format!("dot-{:x}", rand::random::<u32>());
    let _cleanup = Cleanup(context.clone());
    roster(&app).await;
    let recorded = app
        .post(&format!("/api/rankings/{context}/results"), &results())
        .await;
    assert_eq!(recorded.status, 200, "{}", recorded.body);
    // A retry of the same absolute results changes nothing.
    app.post(&format!("/api/rankings/{context}/results"), &results())
        .await;

    let province = board(&app, &context, "province").await;
    assert_eq!(province["total"], 6);
    let labels: Vec<&str> = province["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["label"].as_str().unwrap())
        .collect();
    // 9 first; then three 8s by time (Châu is 1 ms faster), then by prediction distance.
    assert_eq!(
        labels,
        [
            "Phạm G. D.",
            "Lê Minh Châu",
            "Trần T. B.",
            "Nguyễn V. A.",
            "Võ N. H.",
            "Hồ T. G."
        ]
    );
    assert!(
        !province.to_string().contains("HS0"),
        "no student code on a public board: {province}"
    );
    assert!(
        !province.to_string().contains("Nguyễn Văn An"),
        "no full name without consent"
    );
    assert_eq!(
        province["lines"][1]["detail"],
        "5B · Trường Tiểu học Kim Đồng"
    );

    let class = board(&app, &context, "class/TH1/5A").await;
    assert_eq!(class["lines"].as_array().unwrap().len(), 2);
    let schools = board(&app, &context, "schools").await;
    let order: Vec<&str> = schools["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["label"].as_str().unwrap())
        .collect();
    // THCS1: 2 of 3 (66 %); TH1: 3 of 4 (75 %); TH2: 1 of 10.
    assert_eq!(
        order,
        [
            "Trường Tiểu học Kim Đồng",
            "Trường THCS Nguyễn Du",
            "Trường Tiểu học Lê Lợi, cơ sở 2"
        ]
    );
    assert_eq!(
        schools["lines"][0]["keys"][0], 750_000,
        "participation in parts per million"
    );
    let communes = board(&app, &context, "communes").await;
    assert_eq!(
        communes["total"], 102,
        "every commune ranks, with or without participants"
    );

    let before: Vec<Value> =
        futures_util::future::join_all(SCOPES.iter().map(|s| board(&app, &context, s))).await;
    let rebuilt = app
        .post(&format!("/api/rankings/{context}/rebuild"), &json!(null))
        .await;
    assert_eq!(rebuilt.status, 200, "{}", rebuilt.body);
    assert_eq!(rebuilt.json()["results"], 6);
    let after: Vec<Value> =
        futures_util::future::join_all(SCOPES.iter().map(|s| board(&app, &context, s))).await;
    assert_eq!(before, after, "the rebuilt boards equal the live ones");

    // Neighbours need an organizer for individuals; units are public.
    let around = app
        .get(&format!(
            "/api/rankings/{context}/around/province?member=HS02&radius=1"
        ))
        .await
        .json();
    assert_eq!(around["rank"], 3);
    assert_eq!(around["lines"].as_array().unwrap().len(), 3);
    let anonymous = http(
        app.addr,
        "GET",
        &format!("/api/rankings/{context}/around/province?member=HS02"),
        None,
        None,
    )
    .await;
    assert_eq!(anonymous.status, 401);
    let unknown = app
        .post(
            &format!("/api/rankings/{context}/results"),
            &json!([{"student": "NOPE", "score": 1, "time_ms": 1}]),
        )
        .await;
    assert_eq!(unknown.json()["code"], "unknown_student");
    // A score the ranking cannot hold exactly is refused, not clamped; nothing changes.
    let before = app
        .get(&format!("/api/rankings/{context}/board/province"))
        .await
        .body;
    let huge = app
        .post(
            &format!("/api/rankings/{context}/results"),
            &json!([{"student": "HS02", "score": 3_000_000, "time_ms": 1}]),
        )
        .await;
    assert_eq!(huge.status, 422, "{}", huge.body);
    assert_eq!(huge.json()["code"], "invalid_result");
    assert!(huge.json()["message"]
        .as_str()
        .unwrap()
        .contains("điểm phải từ 0 đến 2097151"));
    let after = app
        .get(&format!("/api/rankings/{context}/board/province"))
        .await
        .body;
    assert_eq!(before, after);
    let game_context = app
        .post(
            "/api/rankings/game-7/results",
            &json!([{"student": "HS02", "score": 1, "time_ms": 1}]),
        )
        .await;
    assert_eq!(
        game_context.json()["code"],
        "invalid_context",
        "{}",
        game_context.body
    );
}

#[tokio::test]
async fn rankings_in_process_are_exact_private_and_rebuildable() {
    exercise(spawn_app().await).await;
}

#[tokio::test]
async fn rankings_in_redis_are_exact_private_and_rebuildable() {
    exercise(spawn_app_with_redis().await).await;
}

#[tokio::test]
async fn a_viewer_follows_a_live_board_with_a_few_updates_a_second() {
    let app = spawn_app_with_redis().await;
    let context = format!("live-{:x}", rand::random::<u32>());
    let _cleanup = Cleanup(context.clone());
    roster(&app).await;
    let mut viewer = crate::helpers::Ws::connect(app.addr, None).await;
    let watch =
        json!({"type": "watch", "v": 1, "context": context, "scope": "province", "limit": 3});
    viewer.send(watch.clone()).await;
    assert_eq!(
        viewer.recv().await["code"],
        "invalid_board",
        "a context without results is no board yet"
    );
    let r = json!([{"student": "HS05", "score": 5, "time_ms": 1000}]);
    app.post(&format!("/api/rankings/{context}/results"), &r)
        .await;
    viewer.send(watch).await;
    let first = viewer.recv_type("board").await;
    assert_eq!(first["total"], 1, "the board as it is: {first}");

    // Thirty result updates in quick succession...
    let started = std::time::Instant::now();
    for i in 0..30 {
        let r = json!([{"student": "HS01", "score": i, "time_ms": 1000}, {"student": "HS05", "score": 5, "time_ms": 1000}]);
        app.post(&format!("/api/rankings/{context}/results"), &r)
            .await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    // ...reach the viewer as at most two pages a second (plus the one in flight), the last
    // one showing the final state.
    let mut updates = Vec::new();
    while let Some(msg) = viewer
        .0
        .try_recv(std::time::Duration::from_millis(1500))
        .await
    {
        updates.push(msg);
    }
    let last = updates.last().expect("at least one update");
    assert_eq!(last["lines"][0]["label"], "Nguyễn V. A.");
    assert_eq!(last["lines"][0]["keys"][0], 29);
    assert!(
        updates.len() as f64 <= 2.0 * elapsed + 2.0,
        "{} updates in {elapsed:.1} s",
        updates.len()
    );
    assert!(!last.to_string().contains("HS0"), "no student code: {last}");
    let seqs: Vec<u64> = updates.iter().map(|u| u["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");

    viewer
        .send(json!({"type": "watch", "v": 1, "context": context, "scope": "nowhere"}))
        .await;
    assert_eq!(viewer.recv().await["code"], "invalid_board");
    viewer
        .send(json!({"type": "answer", "q": 0, "answer": [1]}))
        .await;
    assert_eq!(viewer.recv().await["code"], "not_joined");
}

#[tokio::test]
async fn the_rounds_with_results_are_listed_to_signed_in_accounts_only() {
    let app = spawn_app().await;
    let listed = |resp: crate::helpers::Response| -> Vec<String> {
        assert_eq!(resp.status, 200, "{}", resp.body);
        serde_json::from_value(resp.json()["contexts"].clone()).unwrap()
    };
    assert_eq!(listed(app.get("/api/rankings").await), Vec::<String>::new());
    roster(&app).await;
    for context in ["dot-2", "dot-1"] {
        let recorded = app
            .post(&format!("/api/rankings/{context}/results"), &results())
            .await;
        assert_eq!(recorded.status, 200, "{}", recorded.body);
    }
    assert_eq!(listed(app.get("/api/rankings").await), ["dot-1", "dot-2"]);
    let anonymous = http(app.addr, "GET", "/api/rankings", None, None).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
}
