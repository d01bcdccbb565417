//! The quiz editor (issue 19): a teacher writes questions of every kind, with an image the
//! server re-encodes, into a private class bank; makes a quiz mixing them with the province's
//! questions; reorders, edits, duplicates, shares and deletes quizzes. Every bad input is a
//! code and a Vietnamese message, and changes nothing. Runs on SQLite and PostgreSQL.

use std::io::Cursor;

use hoithi_loadtest::http::{request_bytes, Response};
use image::{ImageEncoder, ImageReader, Rgba, RgbaImage};
use serde_json::{json, Value};

use crate::helpers::{http, spawn_app, TestApp};

const PASSWORD: &str = "mat-khau-giao-vien";
const SCHOOLS: &str = "code,name,levels,commune,enrolment\n\
TH-A,Trường THCS Hoà Bình,thcs,22015,10\n\
TH-B,Trường THCS Ea Tu,thcs,22015,20\n";

/// An account signed in through the API.
struct Signed<'a> {
    app: &'a TestApp,
    cookie: String,
}

impl Signed<'_> {
    async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Response {
        http(self.app.addr, method, path, Some(&self.cookie), body).await
    }
    async fn get(&self, path: &str) -> Response {
        self.call("GET", path, None).await
    }
    async fn post(&self, path: &str, body: &Value) -> Response {
        self.call("POST", path, Some(body)).await
    }
    async fn put(&self, path: &str, body: &Value) -> Response {
        self.call("PUT", path, Some(body)).await
    }
    async fn delete(&self, path: &str) -> Response {
        self.call("DELETE", path, None).await
    }
    async fn upload(&self, path: &str, bytes: &[u8]) -> Response {
        request_bytes(
            self.app.addr,
            "POST",
            path,
            Some(&self.cookie),
            Some(("application/octet-stream", bytes)),
        )
        .await
        .expect("HTTP request")
    }
    async fn own_questions(&self) -> Vec<Value> {
        let r = self.get("/api/questions").await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["questions"].as_array().unwrap().clone()
    }
    /// `(id, title, editable)` of the quizzes this account is shown.
    async fn quizzes(&self) -> Vec<(i64, String, bool)> {
        let r = self.get("/api/quizzes").await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                (
                    q["id"].as_i64().unwrap(),
                    q["title"].as_str().unwrap().to_owned(),
                    q["editable"].as_bool().unwrap(),
                )
            })
            .collect()
    }
    async fn quiz_texts(&self, id: i64) -> Vec<String> {
        let r = self.get(&format!("/api/quizzes/{id}")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["text"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// Two schools, and an account for each `(username, role, school)`, signed in.
async fn accounts<'a>(app: &'a TestApp, who: &[(&str, &str, &str)]) -> Vec<Signed<'a>> {
    let schools = app
        .upload("/api/units/schools/import?file=t.csv", SCHOOLS.as_bytes())
        .await;
    assert_eq!(schools.status, 200, "{}", schools.body);
    let mut signed = Vec::new();
    for (username, role, unit) in who {
        let body = json!({"username": username, "display_name": username, "password": PASSWORD,
                          "role": role, "unit": unit});
        let created = app.post("/api/accounts", &body).await;
        assert_eq!(created.status, 200, "{}", created.body);
        signed.push(Signed {
            app,
            cookie: app.sign_in(username, PASSWORD).await.expect("signs in"),
        });
    }
    signed
}

#[track_caller]
fn refused(r: &Response, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let body = r.json();
    assert_eq!(body["code"], code, "{}", r.body);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.chars().any(|c| c.is_alphabetic() && !c.is_ascii()),
        "a Vietnamese message: {message}"
    );
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbaImage::from_pixel(width, height, Rgba([16, 96, 192, 255]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

/// One draft of each kind, as the editor sends them.
fn drafts(image: &str) -> Vec<Value> {
    vec![
        json!({"kind": "single", "text": "Ai được biết mã OTP của em?", "options": ["Chỉ em", "Bạn thân", "Người lạ"],
               "correct": [1], "time_limit": 20, "explanation": "OTP là bí mật.", "image": image}),
        json!({"kind": "multiple", "text": "Mật khẩu nào mạnh?", "options": ["123456", "Lan@Dak-Lak#2026", "Hoa_sen!Buon9"],
               "correct": [2, 3], "time_limit": 30, "points": "double"}),
        json!({"kind": "true_false", "text": "Có nên chia sẻ mật khẩu với bạn thân?", "truth": false, "time_limit": 10}),
        json!({"kind": "ordering", "text": "Xếp các bước đăng nhập VNeID", "options": ["Mở ứng dụng", "Nhập số định danh", "Nhập mật khẩu"],
               "time_limit": 60, "points": "none"}),
        json!({"kind": "numeric", "text": "Mã OTP thường có mấy chữ số?", "value": 6, "tolerance": 0, "time_limit": 20}),
    ]
}

#[tokio::test]
async fn a_teacher_writes_questions_of_every_kind_with_an_image_and_edits_and_deletes_them() {
    let app = spawn_app().await;
    let people = accounts(
        &app,
        &[("co.lan", "teacher", "TH-A"), ("co.hoa", "teacher", "TH-B")],
    )
    .await;
    let [lan, hoa] = people.as_slice() else {
        panic!()
    };

    // The image: sent with a tail after its end, served re-encoded at the size it had.
    let mut sent = png(64, 48);
    sent.extend_from_slice(b"<script>alert(1)</script>");
    let up = lan.upload("/api/images", &sent).await;
    assert_eq!(up.status, 200, "{}", up.body);
    let name = up.json()["name"].as_str().unwrap().to_owned();
    let url = up.json()["url"].as_str().unwrap().to_owned();
    let served = http(app.addr, "GET", &url, None, None).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type").as_deref(), Some("image/png"));
    assert_ne!(served.bytes, sent, "never the file as sent");
    assert!(!served.bytes.windows(8).any(|w| w == b"<script>"));
    let decoded = ImageReader::new(Cursor::new(&served.bytes))
        .with_guessed_format()
        .unwrap()
        .into_dimensions()
        .unwrap();
    assert_eq!(decoded, (64, 48));

    // Bad images: refused, nothing stored.
    refused(
        &lan.upload("/api/images", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
            .await,
        422,
        "unreadable_image",
    );
    refused(
        &lan.upload("/api/images", &png(5000, 4000)).await,
        422,
        "image_too_large",
    );

    for d in drafts(&name) {
        let r = lan.post("/api/questions", &d).await;
        assert_eq!(r.status, 200, "{d}: {}", r.body);
    }
    let mine = lan.own_questions().await;
    let kinds: Vec<&str> = mine.iter().map(|q| q["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["single", "multiple", "true_false", "ordering", "numeric"]
    );
    assert_eq!(mine[0]["image"], json!(name));
    assert_eq!(mine[0]["key"], json!({"type": "options", "ids": [1]}));
    assert_eq!(mine[1]["points"], "double");
    assert_eq!(mine[2]["key"], json!({"type": "options", "ids": [2]}));
    assert_eq!(mine[3]["key"], json!({"type": "order", "ids": [1, 2, 3]}));
    assert_eq!(mine[4]["key"]["value"], 6.0);
    // The own bank is a private bank: listed with the others for its owner.
    let banks = lan.get("/api/banks").await.json();
    assert!(banks
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["id"] == "rieng-2" && b["private"] == true && b["questions"] == 5));
    // Exported like any bank (its images by name); another school's teacher does not see it.
    assert_eq!(
        lan.get("/api/banks/rieng-2/export?format=xlsx")
            .await
            .status,
        200
    );
    assert_eq!(hoa.get("/api/banks/rieng-2").await.status, 404);

    // Each bad draft is refused with a reason, and nothing changes.
    let bad = [
        json!({"kind": "single", "text": "", "options": ["A", "B"], "correct": [1], "time_limit": 20}),
        json!({"kind": "single", "text": "Câu?", "options": ["A", "B"], "correct": [1, 2], "time_limit": 20}),
        json!({"kind": "multiple", "text": "Câu?", "options": ["A"], "correct": [1], "time_limit": 20}),
        json!({"kind": "true_false", "text": "Câu?", "time_limit": 20}),
        json!({"kind": "numeric", "text": "Câu?", "time_limit": 20}),
        json!({"kind": "single", "text": "Câu?", "options": ["A", "B"], "correct": [1], "time_limit": 3}),
        json!({"kind": "essay", "text": "Câu?", "time_limit": 20}),
        json!({"kind": "true_false", "text": "Câu?", "truth": true, "time_limit": 20, "image": "u-00000000000000000000.png"}),
    ];
    for d in &bad {
        refused(
            &lan.post("/api/questions", d).await,
            422,
            "invalid_question",
        );
    }
    // Another teacher's image is not hers to use.
    let hers = hoa.upload("/api/images", &png(10, 10)).await.json()["name"].clone();
    refused(
        &lan.post(
            "/api/questions",
            &json!({"kind": "true_false", "text": "Câu?", "truth": true, "time_limit": 20, "image": hers}),
        )
        .await,
        422,
        "invalid_question",
    );
    assert_eq!(lan.own_questions().await, mine, "nothing changed");

    // Edit one; a bad edit changes nothing; another teacher cannot touch it.
    let id = mine[2]["id"].as_str().unwrap();
    let path = format!("/api/questions/{id}");
    let edited = lan
        .put(
            &path,
            &json!({"kind": "true_false", "text": "Có nên cho bạn thân mượn mật khẩu?", "truth": false, "time_limit": 20}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    refused(&lan.put(&path, &bad[0]).await, 422, "invalid_question");
    assert_eq!(hoa.put(&path, &drafts("")[2]).await.status, 404);
    assert_eq!(hoa.delete(&path).await.status, 404);
    let after = lan.own_questions().await;
    assert_eq!(after[2]["text"], "Có nên cho bạn thân mượn mật khẩu?");
    assert_eq!(after[2]["id"], mine[2]["id"]);

    // Delete it.
    assert_eq!(lan.delete(&path).await.status, 204);
    assert_eq!(lan.delete(&path).await.status, 404);
    assert_eq!(lan.own_questions().await.len(), 4);
    assert!(hoa.own_questions().await.is_empty());
}

#[tokio::test]
async fn a_quiz_mixes_own_and_bank_questions_and_is_reordered_duplicated_and_deleted() {
    let app = spawn_app().await;
    let people = accounts(&app, &[("co.lan", "teacher", "TH-A")]).await;
    let lan = &people[0];
    let mut own = Vec::new();
    for d in drafts("").into_iter().skip(1).take(2) {
        let r = lan.post("/api/questions", &d).await;
        own.push(r.json());
    }
    let bank = app.get("/api/banks/thcs-ky-nang-so").await.json();
    let province = &bank["questions"][0];
    let made = lan
        .post(
            "/api/quizzes",
            &json!({"title": "Lớp 7A — An toàn", "questions": [
                {"bank": own[0]["bank"], "id": own[0]["id"]},
                {"bank": "thcs-ky-nang-so", "id": province["id"]},
                {"bank": own[1]["bank"], "id": own[1]["id"]},
            ]}),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let quiz = made.json()["id"].as_i64().unwrap();
    let texts = lan.quiz_texts(quiz).await;
    assert_eq!(texts[1], province["text"].as_str().unwrap());

    // Reorder (last first), drop the middle one, add another province question.
    let second = &bank["questions"][1];
    let r = lan
        .put(
            &format!("/api/quizzes/{quiz}"),
            &json!({"title": "Lớp 7A — bản sửa", "questions": [
                {"keep": 2}, {"keep": 0}, {"bank": "thcs-ky-nang-so", "id": second["id"]}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["id"], quiz, "never played: changed in place");
    let now = lan.quiz_texts(quiz).await;
    assert_eq!(
        now,
        [
            texts[2].as_str(),
            texts[0].as_str(),
            second["text"].as_str().unwrap()
        ]
    );

    // Bad edits change nothing.
    let path = format!("/api/quizzes/{quiz}");
    refused(
        &lan.put(&path, &json!({"title": "X", "questions": [{"keep": 9}]}))
            .await,
        422,
        "unknown_question",
    );
    refused(
        &lan.put(&path, &json!({"title": "  ", "questions": [{"keep": 0}]}))
            .await,
        422,
        "invalid_title",
    );
    refused(
        &lan.put(&path, &json!({"title": "X", "questions": []}))
            .await,
        422,
        "invalid_questions",
    );
    refused(
        &lan.put(
            &path,
            &json!({"title": "X", "questions": [{"bank": "thcs-ky-nang-so", "id": "khong-co"}]}),
        )
        .await,
        422,
        "unknown_question",
    );
    assert_eq!(lan.quiz_texts(quiz).await, now);
    assert_eq!(
        lan.quizzes().await,
        [(quiz, "Lớp 7A — bản sửa".to_owned(), true)]
    );

    // Duplicate, then delete the original: the copy stays, with the same questions.
    let copy = lan
        .post(&format!("/api/quizzes/{quiz}/duplicate"), &json!({}))
        .await;
    assert_eq!(copy.status, 200, "{}", copy.body);
    let copy = copy.json()["id"].as_i64().unwrap();
    assert_eq!(lan.quiz_texts(copy).await, now);
    assert_eq!(lan.delete(&path).await.status, 204);
    assert_eq!(
        lan.quizzes().await,
        [(copy, "Lớp 7A — bản sửa (bản sao)".to_owned(), true)]
    );
    assert_eq!(lan.get(&path).await.status, 404);
    assert_eq!(
        lan.post("/api/games", &json!({"quiz": quiz})).await.status,
        404,
        "a deleted quiz is not hosted"
    );

    // A played quiz keeps what was asked: an edit becomes a new quiz, the report is intact.
    let game = lan
        .post("/api/games", &json!({"quiz": copy, "class": " 7A "}))
        .await;
    assert_eq!(game.status, 200, "{}", game.body);
    let game = game.json()["id"].as_i64().unwrap();
    let edited = lan
        .put(
            &format!("/api/quizzes/{copy}"),
            &json!({"title": "Lớp 7A — tuần sau", "questions": [{"keep": 0}]}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let new_id = edited.json()["id"].as_i64().unwrap();
    assert_ne!(new_id, copy);
    assert_eq!(lan.quiz_texts(new_id).await, [now[0].clone()]);
    let report = lan.get(&format!("/api/games/{game}/report")).await.json();
    assert_eq!(report["questions"].as_array().unwrap().len(), 3);
    assert_eq!(report["class"], "7A");
    let xlsx = lan.get(&format!("/api/games/{game}/report.xlsx")).await;
    let disposition = xlsx.header("content-disposition").unwrap();
    assert!(
        disposition.contains("-lop-7a-"),
        "the class is in the name: {disposition}"
    );
    refused(
        &lan.post("/api/games", &json!({"quiz": new_id, "class": ""}))
            .await,
        422,
        "invalid_class",
    );
}

#[tokio::test]
async fn a_shared_quiz_is_hosted_and_copied_by_the_schools_colleagues_and_edited_by_its_owner_alone(
) {
    let app = spawn_app().await;
    let people = accounts(
        &app,
        &[
            ("co.lan", "teacher", "TH-A"),
            ("thay.binh", "teacher", "TH-A"),
            ("co.hoa", "teacher", "TH-B"),
            ("qt.a", "school_admin", "TH-A"),
        ],
    )
    .await;
    let [lan, binh, hoa, admin] = people.as_slice() else {
        panic!()
    };
    let q = lan.post("/api/questions", &drafts("")[2]).await.json();
    let refs = json!([{"bank": q["bank"], "id": q["id"]}]);
    let shared = lan
        .post(
            "/api/quizzes",
            &json!({"title": "Chung", "questions": refs, "shared": true}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let private = lan
        .post(
            "/api/quizzes",
            &json!({"title": "Riêng", "questions": refs}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    // The colleague sees the shared one only, may host and copy it, not change it.
    assert_eq!(binh.quizzes().await, [(shared, "Chung".to_owned(), false)]);
    let game = binh.post("/api/games", &json!({"quiz": shared})).await;
    assert_eq!(game.status, 200, "{}", game.body);
    let copy = binh
        .post(&format!("/api/quizzes/{shared}/duplicate"), &json!({}))
        .await;
    assert_eq!(copy.status, 200, "{}", copy.body);
    let edit = json!({"title": "Đổi", "questions": [{"keep": 0}]});
    assert_eq!(
        binh.put(&format!("/api/quizzes/{shared}"), &edit)
            .await
            .status,
        403
    );
    assert_eq!(
        binh.delete(&format!("/api/quizzes/{shared}")).await.status,
        403
    );
    assert_eq!(
        binh.get(&format!("/api/quizzes/{private}")).await.status,
        404
    );
    assert_eq!(
        binh.post("/api/games", &json!({"quiz": private}))
            .await
            .status,
        404
    );

    // Another school's teacher: nothing.
    assert!(hoa.quizzes().await.is_empty());
    assert_eq!(hoa.get(&format!("/api/quizzes/{shared}")).await.status, 404);
    assert_eq!(
        hoa.post(&format!("/api/quizzes/{shared}/duplicate"), &json!({}))
            .await
            .status,
        404
    );

    // The school's admin sees every quiz of the school, edits none of them.
    let seen: Vec<i64> = admin.quizzes().await.iter().map(|q| q.0).collect();
    assert!(
        seen.contains(&shared) && seen.contains(&private),
        "{seen:?}"
    );
    assert_eq!(
        admin
            .put(&format!("/api/quizzes/{private}"), &edit)
            .await
            .status,
        403
    );

    // The owner stops sharing: the colleague no longer sees it; its own copy stays.
    let r = lan
        .put(
            &format!("/api/quizzes/{shared}"),
            &json!({"title": "Chung", "shared": false, "questions": [{"keep": 0}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let left: Vec<String> = binh.quizzes().await.into_iter().map(|q| q.1).collect();
    assert_eq!(left, ["Chung (bản sao)"]);
}
