//! A teacher's own class bank (issue 19): a real Kahoot sheet, which has no explanation and no
//! source column, imports into the teacher's private bank; the same sheet is refused for a
//! province bank, which may decide an official contest; a private bank is seen by its owner
//! and the colleagues of its school, by nobody else, and an organizer cannot approve it for a
//! contest until every question is explained and sourced.

use hoithi_loadtest::http::{request_bytes, Response};
use rust_xlsxwriter::Workbook;
use serde_json::{json, Value};

use crate::helpers::{http, spawn_app, TestApp};

const PASSWORD: &str = "mat-khau-giao-vien";
const SCHOOLS: &str = "code,name,levels,commune,enrolment\n\
TH-A,Trường THCS Hoà Bình,thcs,22015,10\n\
TH-B,Trường THCS Ea Tu,thcs,22015,20\n";

/// The upload path a page uses for this sheet: a Kahoot sheet names no topic or level.
const UPLOAD: &str = "/api/banks/import?file=lop-7a-kahoot.xlsx&topic=an-toan&level=thcs";

/// A workbook in Kahoot's own template layout ("Quiz template"): a few rows of instructions,
/// then the header "Question - max 120 characters", "Answer 1 - max 75 characters"…,
/// "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs", "Correct answer(s) -
/// choose at least one", the questions numbered in column A, time limits as numbers, and no
/// explanation or source anywhere. `extra` adds columns after the template's (header, one
/// cell per question).
fn kahoot_xlsx(extra: &[(&str, [&str; 3])]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 1, "Quiz template").unwrap();
    sheet
        .write_string(
            1,
            1,
            "Add questions, at least two answer alternatives, time limit and choose correct \
             answers (at least one). Have fun creating your awesome quiz!",
        )
        .unwrap();
    sheet
        .write_string(
            2,
            1,
            "Remember: questions have a limit of 120 characters and answers can have 75 \
             characters max. Text will turn red in Excel or Google Docs if you exceed this limit.",
        )
        .unwrap();
    let mut header = vec![
        "",
        "Question - max 120 characters",
        "Answer 1 - max 75 characters",
        "Answer 2 - max 75 characters",
        "Answer 3 - max 75 characters",
        "Answer 4 - max 75 characters",
        "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
        "Correct answer(s) - choose at least one",
    ];
    header.extend(extra.iter().map(|(h, _)| *h));
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(7, c as u16, *h).unwrap();
    }
    let questions: [(&str, [&str; 4], f64, &str); 3] = [
        (
            "Ai được biết mã OTP gửi về điện thoại của em?",
            ["Chỉ em", "Bạn thân", "Người tự xưng công an", "Thầy cô"],
            20.0,
            "1",
        ),
        (
            "Những mật khẩu nào là mật khẩu mạnh?",
            [
                "123456",
                "Lan@Dak-Lak#2026",
                "matkhau",
                "Hoa_sen!Buon-Ma-Thuot9",
            ],
            30.0,
            "2,4",
        ),
        (
            "Khi nhận tin nhắn trúng thưởng lạ, em nên làm gì?",
            ["Bấm vào đường link", "Hỏi bố mẹ, thầy cô", "", ""],
            10.0,
            "2",
        ),
    ];
    for (i, (text, answers, secs, correct)) in questions.iter().enumerate() {
        let r = 8 + i as u32;
        sheet.write_number(r, 0, (i + 1) as f64).unwrap();
        sheet.write_string(r, 1, *text).unwrap();
        for (a, answer) in answers.iter().enumerate() {
            if !answer.is_empty() {
                sheet.write_string(r, 2 + a as u16, *answer).unwrap();
            }
        }
        sheet.write_number(r, 6, *secs).unwrap();
        // Kahoot writes a single correct answer as a number, several as text.
        match correct.parse::<f64>() {
            Ok(n) => sheet.write_number(r, 7, n).unwrap(),
            Err(_) => sheet.write_string(r, 7, *correct).unwrap(),
        };
        for (c, (_, cells)) in extra.iter().enumerate() {
            sheet.write_string(r, 8 + c as u16, cells[i]).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// An account signed in through the API.
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
    /// The ids of the banks this account is shown.
    async fn bank_ids(&self) -> Vec<String> {
        let banks = self.get("/api/banks").await;
        assert_eq!(banks.status, 200, "{}", banks.body);
        banks
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// Two schools, and an account of `role` for each `(username, role, school)`, signed in.
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

#[tokio::test]
async fn a_teacher_imports_a_real_kahoot_file_into_a_private_bank_without_explanations() {
    let app = spawn_app().await;
    let people = accounts(
        &app,
        &[
            ("co.lan", "teacher", "TH-A"),
            ("thay.binh", "teacher", "TH-A"),
            ("co.hoa", "teacher", "TH-B"),
            ("cb.xa", "commune_officer", "22015"),
        ],
    )
    .await;
    let [lan, binh, hoa, officer] = people.as_slice() else {
        panic!()
    };
    let file = kahoot_xlsx(&[]);

    let imported = lan.upload(UPLOAD, &file).await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    let body = imported.json();
    assert_eq!(body["layout"], "kahoot");
    assert_eq!(body["rows"], 3);
    assert_eq!(body["problems"], json!([]));
    assert_eq!(
        body["bank"],
        json!({"id": "lop-7a-kahoot", "title": "lop-7a-kahoot", "topic": "an-toan",
               "levels": ["thcs"], "questions": 3, "status": "draft", "private": true})
    );

    // The owner builds a quiz from it at once: its questions have no explanation.
    let detail = lan.get("/api/banks/lop-7a-kahoot").await.json();
    assert_eq!(detail["bank"]["private"], true);
    assert_eq!(detail["questions"][1]["kind"], "multiple");
    assert_eq!(detail["questions"][0]["explanation"], "");
    let quiz = lan
        .post(
            "/api/quizzes",
            &json!({"title": "Lớp 7A", "banks": ["lop-7a-kahoot"]}),
        )
        .await;
    assert_eq!(quiz.status, 200, "{}", quiz.body);
    assert_eq!(quiz.json()["questions"], 3);

    // A colleague of the same school sees it and may use it; another school's teacher does
    // not even learn that it exists.
    assert!(binh.bank_ids().await.contains(&"lop-7a-kahoot".to_owned()));
    let quiz = binh
        .post(
            "/api/quizzes",
            &json!({"title": "Lớp 7B", "questions": [{"bank": "lop-7a-kahoot", "id": "lop-7a-kahoot-002"}]}),
        )
        .await;
    assert_eq!(quiz.status, 200, "{}", quiz.body);
    assert!(!hoa.bank_ids().await.contains(&"lop-7a-kahoot".to_owned()));
    assert!(
        hoa.bank_ids().await.contains(&"thcs-ky-nang-so".to_owned()),
        "the province's banks stay"
    );
    assert_eq!(hoa.get("/api/banks/lop-7a-kahoot").await.status, 404);
    assert_eq!(
        hoa.get("/api/banks/lop-7a-kahoot/export?format=xlsx")
            .await
            .status,
        404
    );
    let quiz = hoa
        .post(
            "/api/quizzes",
            &json!({"title": "Lớp 6", "banks": ["lop-7a-kahoot"]}),
        )
        .await;
    assert_eq!(quiz.json()["code"], "unknown_bank", "{}", quiz.body);
    let quiz = hoa
        .post(
            "/api/quizzes",
            &json!({"title": "Lớp 6", "questions": [{"bank": "lop-7a-kahoot", "id": "lop-7a-kahoot-001"}]}),
        )
        .await;
    assert_eq!(quiz.json()["code"], "unknown_question", "{}", quiz.body);

    // Her own upload of the same file cannot replace a colleague's bank.
    let taken = hoa.upload(UPLOAD, &file).await;
    assert_eq!(
        (taken.status, taken.json()["code"].clone()),
        (422, json!("bank_exists")),
        "{}",
        taken.body
    );
    assert_eq!(
        lan.get("/api/banks/lop-7a-kahoot").await.json()["questions"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // The owner may replace it.
    assert_eq!(lan.upload(UPLOAD, &file).await.status, 200);

    // A commune officer builds no quizzes and imports nothing.
    assert_eq!(officer.upload(UPLOAD, &file).await.status, 403);

    // The organizer sees it, but it cannot be approved for an official contest unexplained.
    let all = app.get("/api/banks").await.json();
    let bank = all
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "lop-7a-kahoot")
        .expect("the organizer sees every bank");
    assert_eq!(
        (&bank["private"], &bank["owner_name"], &bank["status"]),
        (&json!(true), &json!("co.lan"), &json!("draft"))
    );
    let approve = app
        .post("/api/banks/lop-7a-kahoot/approve", &json!({}))
        .await;
    assert_eq!(approve.status, 422, "{}", approve.body);
    assert_eq!(approve.json()["code"], "explanations_missing");
    assert_eq!(
        approve.json()["message"],
        "Chưa duyệt được: 3 câu hỏi chưa có giải thích hoặc nguồn (câu đầu tiên: \
         «lop-7a-kahoot-001»). Ngân hàng dùng trong hội thi chính thức cần cả hai cho mọi \
         câu; hãy bổ sung rồi tải lên lại."
    );
    let status = app.store().bank_status("lop-7a-kahoot").await.unwrap();
    assert!(
        !status.unwrap().usable_in_official_contest(),
        "still a draft"
    );
    // Nor may a teacher approve anything.
    let approve = lan
        .post("/api/banks/lop-7a-kahoot/approve", &json!({}))
        .await;
    assert_eq!(approve.status, 403);
}

#[tokio::test]
async fn the_same_kahoot_file_for_a_province_bank_still_needs_explanations_and_sources() {
    let app = spawn_app().await;
    let file = kahoot_xlsx(&[]);
    for skip in ["", "&skip_errors=true"] {
        let refused = app.upload(&format!("{UPLOAD}{skip}"), &file).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        let body = refused.json();
        assert_eq!(body["code"], "rejected_rows");
        let problems = body["problems"].as_array().unwrap();
        for row in 9..=11 {
            for what in ["giải thích («explanation»)", "nguồn («source»)"] {
                assert!(
                    problems
                        .contains(&json!({"row": row, "message": format!("{what} đang để trống")})),
                    "row {row} {what}: {body}"
                );
            }
        }
        // No message sends a teacher to a command line.
        assert!(!refused.body.contains("--"), "{}", refused.body);
    }
    assert_eq!(
        app.store().bank_status("lop-7a-kahoot").await.unwrap(),
        None
    );

    // With the columns a province bank needs, the same sheet is a draft of the province's,
    // which the organizer approves.
    let explained = kahoot_xlsx(&[
        (
            "Giải thích",
            [
                "Mã OTP chỉ dành cho chính chủ.",
                "Mật khẩu mạnh dài và trộn nhiều loại ký tự.",
                "Không bấm vào đường link lạ.",
            ],
        ),
        ("Nguồn", ["Công an tỉnh Đắk Lắk"; 3]),
    ]);
    let imported = app.upload(UPLOAD, &explained).await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    assert_eq!(imported.json()["bank"]["private"], false);
    let approve = app
        .post("/api/banks/lop-7a-kahoot/approve", &json!({}))
        .await;
    assert_eq!(approve.status, 200, "{}", approve.body);
}
