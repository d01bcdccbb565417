//! Roles and units (issue 7): each role, signed in through the real API, reaches its own unit
//! and is refused everyone else's with `403 forbidden`; a player (a student, who has no
//! account) can act only for itself.
//!
//! The province of these tests: commune 22015 has schools TH-A and TH-B, commune 22045 has
//! TH-C; each school has students with results in the context `dot-1`.

use serde_json::{json, Value};

use crate::helpers::{http, question, spawn_app, Response, TestApp, Ws};

const SCHOOLS: &str = "code,name,levels,commune,enrolment\n\
TH-A,Trường Tiểu học Hoà Bình,tieu-hoc,22015,10\n\
TH-B,Trường Tiểu học Ea Tu,tieu-hoc,22015,20\n\
TH-C,Trường THCS Krông Búk,thcs,22045,30\n";

const STUDENTS: &str = "code,full_name,class,grade,school,consent\n\
HS-A1,Nguyễn Văn An,5A,5,TH-A,\n\
HS-A2,Trần Thị Bình,5A,5,TH-A,\n\
HS-B1,Lê Minh Châu,4B,4,TH-B,\n\
HS-C1,Hồ Thu Giang,9A,9,TH-C,\n";

const CONTEXT: &str = "dot-1";
const PASSWORD: &str = "mat-khau-thu-vai-tro";

/// A signed-in account of the test province.
struct Signed<'a> {
    app: &'a TestApp,
    cookie: String,
}

impl Signed<'_> {
    async fn get(&self, path: &str) -> Response {
        http(self.app.addr, "GET", path, Some(&self.cookie), None).await
    }

    async fn post(&self, path: &str, body: &Value) -> Response {
        http(self.app.addr, "POST", path, Some(&self.cookie), Some(body)).await
    }

    async fn upload(&self, path: &str, bytes: &[u8]) -> Response {
        hoithi_loadtest::http::request_bytes(
            self.app.addr,
            "POST",
            path,
            Some(&self.cookie),
            Some(("application/octet-stream", bytes)),
        )
        .await
        .expect("HTTP request")
    }

    async fn host(&self, game: i64) -> Value {
        let mut ws = Ws::connect(self.app.addr, Some(&self.cookie)).await;
        ws.send(json!({"type": "host", "v": 1, "game": game})).await;
        ws.recv().await
    }

    /// A quiz of three bundled questions and a game opened from it, both this account's.
    async fn own_game(&self) -> (i64, i64) {
        let banks = self.get("/api/banks").await.json();
        let bank = banks[0]["id"].as_str().unwrap().to_owned();
        let detail = self.get(&format!("/api/banks/{bank}")).await.json();
        let picked: Vec<Value> = detail["questions"]
            .as_array()
            .unwrap()
            .iter()
            .take(3)
            .map(|q| json!({"bank": bank, "id": q["id"]}))
            .collect();
        let quiz = self
            .post(
                "/api/quizzes",
                &json!({"title": "Tiết an toàn số", "questions": picked}),
            )
            .await;
        assert_eq!(quiz.status, 200, "{}", quiz.body);
        let quiz = quiz.json()["id"].as_i64().unwrap();
        let game = self.post("/api/games", &json!({"quiz": quiz})).await;
        assert_eq!(game.status, 200, "{}", game.body);
        (quiz, game.json()["id"].as_i64().unwrap())
    }
}

/// Refused with 403 and the `forbidden` code (and a Vietnamese message).
#[track_caller]
fn refused(resp: &Response, what: &str) {
    assert_eq!(resp.status, 403, "{what}: {}", resp.body);
    let body = resp.json();
    assert_eq!(body["code"], "forbidden", "{what}: {body}");
    assert!(
        body["message"].as_str().unwrap().contains("quyền"),
        "{body}"
    );
}

#[track_caller]
fn allowed(resp: &Response, what: &str) -> Value {
    assert_eq!(resp.status, 200, "{what}: {}", resp.body);
    resp.json()
}

/// The organizer's view of the test province: schools, students, results, one game of its
/// own and an account of every role.
struct Province<'a> {
    organizer: Signed<'a>,
    organizers_game: i64,
}

async fn province(app: &TestApp) -> Province<'_> {
    let organizer = Signed {
        app,
        cookie: app.cookie.clone(),
    };
    allowed(
        &organizer
            .upload("/api/units/schools/import?file=t.csv", SCHOOLS.as_bytes())
            .await,
        "schools",
    );
    allowed(
        &organizer
            .upload("/api/units/students/import?file=h.csv", STUDENTS.as_bytes())
            .await,
        "students",
    );
    let results = json!([
        {"student": "HS-A1", "score": 8, "time_ms": 60000},
        {"student": "HS-B1", "score": 7, "time_ms": 60000},
        {"student": "HS-C1", "score": 9, "time_ms": 60000}
    ]);
    allowed(
        &organizer
            .post(&format!("/api/rankings/{CONTEXT}/results"), &results)
            .await,
        "results",
    );
    for (username, role, unit) in [
        ("cb.xa", "commune_officer", Some("22015")),
        ("ql.tha", "school_admin", Some("TH-A")),
        ("gv.binh", "teacher", None),
    ] {
        let body = json!({"username": username, "display_name": username, "password": PASSWORD,
                          "role": role, "unit": unit});
        let created = allowed(&organizer.post("/api/accounts", &body).await, username);
        assert_eq!(created["role"], role);
        assert_eq!(created["unit"], json!(unit));
    }
    let (_, organizers_game) = organizer.own_game().await;
    Province {
        organizer,
        organizers_game,
    }
}

async fn sign_in<'a>(app: &'a TestApp, username: &str) -> Signed<'a> {
    Signed {
        app,
        cookie: app.sign_in(username, PASSWORD).await.expect("signs in"),
    }
}

/// Student codes on a school's roster, as the organizer reads it.
async fn roster(p: &Province<'_>, school: &str) -> Vec<(String, String)> {
    let body = allowed(
        &p.organizer
            .get(&format!("/api/units/schools/{school}/students"))
            .await,
        "roster",
    );
    body["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap().to_owned(),
                s["full_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Requests every role but the organizer is refused, whatever its unit.
async fn province_work_is_refused(who: &Signed<'_>, p: &Province<'_>) {
    let game = p.organizers_game;
    refused(
        &who.upload("/api/units/schools/import?file=t.csv", SCHOOLS.as_bytes())
            .await,
        "import schools",
    );
    refused(
        &who.post(&format!("/api/rankings/{CONTEXT}/results"), &json!([]))
            .await,
        "record results",
    );
    refused(
        &who.post(&format!("/api/rankings/{CONTEXT}/rebuild"), &json!({}))
            .await,
        "rebuild",
    );
    refused(
        &who.post(&format!("/api/rankings/{CONTEXT}/publish"), &json!({}))
            .await,
        "publish",
    );
    refused(
        &who.get(&format!("/api/rankings/{CONTEXT}/versions")).await,
        "versions",
    );
    refused(
        &who.get(&format!(
            "/api/rankings/{CONTEXT}/around/province?member=HS-A1"
        ))
        .await,
        "a student by code in the province",
    );
    refused(
        &who.post("/api/banks/giao-duc-so/approve", &json!({})).await,
        "approve a bank",
    );
    refused(
        &who.get(&format!("/api/games/{game}/report")).await,
        "another's report",
    );
    refused(
        &who.get(&format!("/api/games/{game}/report.csv")).await,
        "another's report CSV",
    );
    refused(
        &who.get(&format!("/api/games/{game}/qr.svg")).await,
        "another's QR",
    );
    let host = who.host(game).await;
    assert_eq!(
        (&host["type"], &host["code"]),
        (&json!("error"), &json!("forbidden")),
        "hosting another's game: {host}"
    );
    for role in ["organizer", "commune_officer", "school_admin"] {
        let unit = match role {
            "commune_officer" => json!("22045"),
            "school_admin" => json!("TH-C"),
            _ => Value::Null,
        };
        refused(
            &who.post(
                "/api/accounts",
                &json!({"username": format!("x-{role}"), "display_name": "X",
                        "password": PASSWORD, "role": role, "unit": unit}),
            )
            .await,
            role,
        );
    }
}

#[tokio::test]
async fn a_commune_officer_sees_its_communes_schools_and_nothing_else() {
    let app = spawn_app().await;
    let p = province(&app).await;
    let officer = sign_in(&app, "cb.xa").await;

    let me = allowed(&officer.get("/api/me").await, "me");
    assert_eq!(
        (&me["role"], &me["unit"]),
        (&json!("commune_officer"), &json!("22015"))
    );
    let commune = allowed(
        &officer
            .get(&format!(
                "/api/units/communes/22015/schools?context={CONTEXT}"
            ))
            .await,
        "own commune",
    );
    let schools: Vec<(&str, i64, i64)> = commune["schools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap(),
                s["participants"].as_i64().unwrap(),
                s["rate_permille"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(schools, [("TH-A", 1, 100), ("TH-B", 1, 50)]);
    let school = allowed(
        &officer
            .get(&format!("/api/units/schools/TH-B?context={CONTEXT}"))
            .await,
        "a school of the commune",
    );
    assert_eq!(school["participation"]["total_score"], 7);
    for scope in ["commune/22015", "school/TH-A", "class/TH-A/5A"] {
        allowed(
            &officer
                .get(&format!(
                    "/api/rankings/{CONTEXT}/around/{scope}?member=HS-A1"
                ))
                .await,
            scope,
        );
    }

    refused(
        &officer
            .get(&format!(
                "/api/units/communes/22045/schools?context={CONTEXT}"
            ))
            .await,
        "another commune",
    );
    refused(
        &officer
            .get(&format!("/api/units/schools/TH-C?context={CONTEXT}"))
            .await,
        "a school of another commune",
    );
    refused(
        &officer.get("/api/units/schools/TH-A/students").await,
        "a roster (children's names) even in its commune",
    );
    for scope in ["commune/22045", "school/TH-C"] {
        refused(
            &officer
                .get(&format!(
                    "/api/rankings/{CONTEXT}/around/{scope}?member=HS-C1"
                ))
                .await,
            scope,
        );
    }
    refused(
        &officer
            .upload("/api/units/students/import?file=h.csv", STUDENTS.as_bytes())
            .await,
        "import students",
    );
    refused(&officer.get("/api/accounts").await, "accounts");
    refused(&officer.get("/api/games").await, "games");
    refused(&officer.get("/api/quizzes").await, "quizzes");
    refused(&officer.get("/api/banks").await, "banks");
    province_work_is_refused(&officer, &p).await;
}

#[tokio::test]
async fn a_school_admin_manages_its_school_its_roster_and_its_teachers_only() {
    let app = spawn_app().await;
    let p = province(&app).await;
    let admin = sign_in(&app, "ql.tha").await;

    let school = allowed(
        &admin
            .get(&format!("/api/units/schools/TH-A?context={CONTEXT}"))
            .await,
        "own school",
    );
    assert_eq!(school["participation"]["participants"], 1);
    let students = allowed(
        &admin.get("/api/units/schools/TH-A/students").await,
        "own roster",
    );
    assert_eq!(students["students"].as_array().unwrap().len(), 2);
    allowed(
        &admin
            .get(&format!(
                "/api/rankings/{CONTEXT}/around/school/TH-A?member=HS-A1"
            ))
            .await,
        "own school's ranks",
    );
    // Its roster: a new student and a corrected name.
    let own = "code,full_name,class,grade,school\n\
               HS-A1,Nguyễn Văn Ân,5A,5,TH-A\n\
               HS-A3,Phạm Gia Dũng,5B,5,TH-A\n";
    let imported = allowed(
        &admin
            .upload("/api/units/students/import?file=h.csv", own.as_bytes())
            .await,
        "own roster import",
    );
    assert_eq!(imported["imported"], 2);
    let roster_a = roster(&p, "TH-A").await;
    assert!(roster_a.contains(&("HS-A1".into(), "Nguyễn Văn Ân".into())));
    assert!(roster_a.contains(&("HS-A3".into(), "Phạm Gia Dũng".into())));
    // Its teachers: created in its school without naming it, listed with it.
    let teacher = allowed(
        &admin
            .post(
                "/api/accounts",
                &json!({"username": "gv.an", "display_name": "Cô An", "password": PASSWORD}),
            )
            .await,
        "a teacher of its school",
    );
    assert_eq!(
        (&teacher["role"], &teacher["unit"]),
        (&json!("teacher"), &json!("TH-A"))
    );
    let accounts = allowed(&admin.get("/api/accounts").await, "its accounts");
    let names: Vec<&str> = accounts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ql.tha", "gv.an"], "only its school's accounts");
    let (_, own_game) = admin.own_game().await;
    allowed(
        &admin.get(&format!("/api/games/{own_game}/report")).await,
        "its own game",
    );

    let before_b = roster(&p, "TH-B").await;
    for (what, sheet) in [
        (
            "a row of another school",
            "code,full_name,class,grade,school\nHS-A4,Đỗ Hải,5A,5,TH-A\nHS-B2,Vũ Lan,4B,4,TH-B\n",
        ),
        (
            "another school's student moved here",
            "code,full_name,class,grade,school\nHS-B1,Lê Minh Châu,5A,5,TH-A\n",
        ),
    ] {
        let resp = admin
            .upload("/api/units/students/import?file=h.csv", sheet.as_bytes())
            .await;
        assert_eq!(resp.status, 422, "{what}: {}", resp.body);
        assert_eq!(resp.json()["code"], "rejected_rows", "{what}");
        if what.contains("moved here") {
            // Where another school's child is enrolled is not this school's to learn (the
            // file named only TH-A).
            assert!(
                !resp.body.contains("TH-B") && !resp.body.contains("Ea Tu"),
                "{what}: {}",
                resp.body
            );
        }
    }
    assert_eq!(roster(&p, "TH-B").await, before_b, "TH-B is unchanged");
    assert!(
        !roster(&p, "TH-A").await.iter().any(|(c, _)| c == "HS-A4"),
        "nothing of a refused file is stored"
    );
    refused(
        &admin
            .get(&format!("/api/units/schools/TH-B?context={CONTEXT}"))
            .await,
        "another school of the same commune",
    );
    refused(
        &admin.get("/api/units/schools/TH-B/students").await,
        "another school's roster",
    );
    refused(
        &admin
            .get(&format!(
                "/api/units/communes/22015/schools?context={CONTEXT}"
            ))
            .await,
        "its commune's other schools",
    );
    refused(
        &admin
            .get(&format!(
                "/api/rankings/{CONTEXT}/around/school/TH-B?member=HS-B1"
            ))
            .await,
        "another school's ranks",
    );
    refused(
        &admin
            .post(
                "/api/accounts",
                &json!({"username": "gv.khac", "display_name": "Thầy Khác",
                        "password": PASSWORD, "unit": "TH-B"}),
            )
            .await,
        "a teacher of another school",
    );
    refused(
        &admin
            .post(
                "/api/accounts",
                &json!({"username": "ql.khac", "display_name": "Quản trị",
                        "password": PASSWORD, "role": "school_admin", "unit": "TH-A"}),
            )
            .await,
        "another admin of its own school",
    );
    province_work_is_refused(&admin, &p).await;
}

#[tokio::test]
async fn a_teacher_reaches_only_its_own_quizzes_and_games() {
    let app = spawn_app().await;
    let p = province(&app).await;
    let admin = sign_in(&app, "ql.tha").await;
    allowed(
        &admin
            .post(
                "/api/accounts",
                &json!({"username": "gv.an", "display_name": "Cô An", "password": PASSWORD}),
            )
            .await,
        "teacher of TH-A",
    );
    let an = sign_in(&app, "gv.an").await;
    let binh = sign_in(&app, "gv.binh").await;

    let (an_quiz, an_game) = an.own_game().await;
    let games = allowed(&an.get("/api/games").await, "own games");
    assert_eq!(games.as_array().unwrap().len(), 1, "{games}");
    allowed(
        &an.get(&format!("/api/games/{an_game}/report")).await,
        "own report",
    );
    assert_eq!(
        an.get(&format!("/api/games/{an_game}/qr.svg")).await.status,
        200
    );
    let host = an.host(an_game).await;
    assert_eq!(host["role"], "host", "hosts its own game: {host}");

    // Another teacher sees none of it.
    assert_eq!(allowed(&binh.get("/api/games").await, "games"), json!([]));
    assert_eq!(
        allowed(&binh.get("/api/quizzes").await, "quizzes"),
        json!([])
    );
    refused(
        &binh.get(&format!("/api/games/{an_game}/report.xlsx")).await,
        "another teacher's report",
    );
    // A quiz not shared with it is answered as one that does not exist (issue 19's sharing).
    let game = binh.post("/api/games", &json!({"quiz": an_quiz})).await;
    assert_eq!(
        (game.status, game.json()["code"].clone()),
        (404, json!("not_found")),
        "a game from another teacher's quiz: {}",
        game.body
    );
    let host = binh.host(an_game).await;
    assert_eq!(host["code"], "forbidden", "{host}");
    // Not even the admin of the teacher's school reads the teacher's games.
    refused(
        &admin.get(&format!("/api/games/{an_game}/report")).await,
        "the school admin and a teacher's report",
    );

    // A teacher has no unit rights, even in its own school.
    refused(
        &an.get(&format!("/api/units/schools/TH-A?context={CONTEXT}"))
            .await,
        "its school's participation",
    );
    refused(
        &an.get("/api/units/schools/TH-A/students").await,
        "the roster",
    );
    refused(
        &an.upload("/api/units/students/import?file=h.csv", STUDENTS.as_bytes())
            .await,
        "import students",
    );
    refused(&an.get("/api/accounts").await, "accounts");
    refused(
        &an.post(
            "/api/accounts",
            &json!({"username": "gv.moi", "display_name": "Mới", "password": PASSWORD,
                    "unit": "TH-A"}),
        )
        .await,
        "create a teacher",
    );
    refused(
        &an.get(&format!(
            "/api/rankings/{CONTEXT}/around/school/TH-A?member=HS-A1"
        ))
        .await,
        "a student by code",
    );
    province_work_is_refused(&an, &p).await;
    province_work_is_refused(&binh, &p).await;
}

#[tokio::test]
async fn the_organizer_reaches_every_unit_and_hosts_any_game() {
    let app = spawn_app().await;
    let p = province(&app).await;
    let org = &p.organizer;
    let binh = sign_in(&app, "gv.binh").await;
    let (_, binh_game) = binh.own_game().await;

    let host = org.host(binh_game).await;
    assert_eq!(host["role"], "host", "the organizer hosts any game: {host}");
    allowed(
        &org.get(&format!("/api/games/{binh_game}/report")).await,
        "report",
    );
    for path in [
        format!("/api/units/communes/22045/schools?context={CONTEXT}"),
        format!("/api/units/schools/TH-C?context={CONTEXT}"),
        "/api/units/schools/TH-B/students".to_owned(),
        format!("/api/rankings/{CONTEXT}/around/province?member=HS-C1"),
    ] {
        allowed(&org.get(&path).await, &path);
    }
    let accounts = allowed(&org.get("/api/accounts").await, "accounts");
    assert_eq!(accounts.as_array().unwrap().len(), 4, "{accounts}");

    // Every role needs the right kind of unit, and one that exists; nothing is created else.
    for (body, code) in [
        (json!({"role": "commune_officer"}), "invalid_unit"),
        (
            json!({"role": "commune_officer", "unit": "99999"}),
            "invalid_unit",
        ),
        (json!({"role": "school_admin"}), "invalid_unit"),
        (
            json!({"role": "school_admin", "unit": "TH-Z"}),
            "invalid_unit",
        ),
        (json!({"role": "teacher", "unit": "TH-Z"}), "invalid_unit"),
        (json!({"role": "organizer", "unit": "TH-A"}), "invalid_unit"),
    ] {
        let mut body = body;
        body["username"] = json!("nguoi.moi");
        body["display_name"] = json!("Người mới");
        body["password"] = json!(PASSWORD);
        let resp = org.post("/api/accounts", &body).await;
        assert_eq!(resp.status, 422, "{body}: {}", resp.body);
        assert_eq!(resp.json()["code"], code, "{body}");
    }
    assert_eq!(
        allowed(&org.get("/api/accounts").await, "accounts"),
        accounts,
        "no account was created by a refused request"
    );
    let created = allowed(
        &org.post(
            "/api/accounts",
            &json!({"username": "btc.hai", "display_name": "Ban tổ chức 2",
                    "password": PASSWORD, "role": "organizer"}),
        )
        .await,
        "another organizer",
    );
    assert_eq!(created["unit"], Value::Null);
}

#[tokio::test]
async fn a_player_can_neither_host_nor_answer_for_another_player() {
    let app = spawn_app().await;
    let (game, pin) = app
        .open_game(&[question("a", 30), question("b", 30)], json!({}))
        .await;
    let mut host = app.host(game).await;
    let mut lan = app.player(&pin, "Lan").await;
    let mut minh = app.player(&pin, "Minh").await;
    let minh_id = minh.welcome["player"]["id"].clone();

    // Every host command from a player's connection is refused.
    for command in [
        json!({"type": "start"}),
        json!({"type": "next"}),
        json!({"type": "end"}),
        json!({"type": "lock", "locked": true}),
        json!({"type": "kick", "player": minh_id}),
    ] {
        lan.send(command.clone()).await;
        let err = lan.recv().await;
        assert_eq!(err["code"], "not_host", "{command}: {err}");
    }
    // Nor can it become the host: the connection is already a player, and hosting needs an
    // account's session, which a student does not have.
    lan.send(json!({"type": "host", "v": 1, "game": game}))
        .await;
    assert_eq!(lan.recv().await["code"], "already_joined");
    let mut stranger = Ws::connect(app.addr, None).await;
    stranger
        .send(json!({"type": "host", "v": 1, "game": game}))
        .await;
    assert_eq!(stranger.recv().await["code"], "unauthorized");
    // A forged resume token (Minh's player id with a made-up secret) is not Minh.
    let forged = format!("{game}.{minh_id}.{}", "0".repeat(32));
    let mut thief = Ws::connect(app.addr, None).await;
    thief
        .send(json!({"type": "resume", "v": 1, "token": forged}))
        .await;
    assert_eq!(thief.recv().await["code"], "invalid_token");

    // The lock and the kick did nothing: Minh is still in, and the game starts from the lobby.
    host.send(json!({"type": "start"})).await;
    assert_eq!(lan.recv_type("question").await["q"], 0);
    assert_eq!(minh.recv_type("question").await["q"], 0);
    // An answer naming another player has no such field: refused, and counts for nobody.
    lan.send(json!({"type": "answer", "q": 0, "answer": [1], "player": minh_id}))
        .await;
    assert_eq!(lan.recv().await["code"], "bad_message");
    lan.answer(0, 2).await;
    assert_eq!(lan.recv_type("receipt").await["q"], 0);
    host.send(json!({"type": "next"})).await;
    let minh_result = minh.recv_type("result").await;
    assert_eq!(
        (&minh_result["answered"], &minh_result["points"]),
        (&json!(false), &json!(0)),
        "nobody answered for Minh: {minh_result}"
    );
    let lan_result = lan.recv_type("result").await;
    assert_eq!(
        (&lan_result["answered"], &lan_result["correct"]),
        (&json!(true), &json!(false)),
        "Lan's one answer is her own (option 2, wrong): {lan_result}"
    );
}

#[tokio::test]
async fn a_school_admin_lists_only_its_schools_people_even_when_a_commune_shares_its_code() {
    let app = spawn_app().await;
    let p = province(&app).await;
    // A school whose code is also the code of a commune (codes are free text in a school
    // list), and that commune's officer.
    allowed(
        &p.organizer
            .upload(
                "/api/units/schools/import?file=t.csv",
                "code,name,levels,commune,enrolment\n22045,Trường THCS Mã Trùng,thcs,22015,10\n"
                    .as_bytes(),
            )
            .await,
        "a school coded like a commune",
    );
    for (username, role) in [
        ("cb.22045", "commune_officer"),
        ("ql.22045", "school_admin"),
    ] {
        let body = json!({"username": username, "display_name": username, "password": PASSWORD,
                          "role": role, "unit": "22045"});
        allowed(&p.organizer.post("/api/accounts", &body).await, username);
    }
    let admin = sign_in(&app, "ql.22045").await;
    let accounts = allowed(&admin.get("/api/accounts").await, "its accounts");
    let names: Vec<&str> = accounts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ql.22045"], "not the commune's officer: {accounts}");
}
