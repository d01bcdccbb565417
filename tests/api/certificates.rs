//! Certificates of a published version (issue 22): the winners get a PDF whose text —
//! extracted by poppler's `pdftotext`, as a reader's copy-and-paste would — holds the name
//! with its diacritics and a verification code; the public check confirms that code against
//! the version and refuses a wrong one; each unit prints only its own.

use std::process::Command;

use serde_json::{json, Value};

use crate::helpers::{http, spawn_app, TestApp};

const PASSWORD: &str = "mat-khau-giay-khen";

/// TH1 brings all three of its pupils (100 %: a collective prize); TH2 one of ten.
const SCHOOLS: &str = "code,name,levels,commune,enrolment\n\
TH1,Trường Tiểu học Kim Đồng,tieu-hoc,22015,3\n\
TH2,Trường Tiểu học Lê Lợi,tieu-hoc,22015,10\n\
THCS1,Trường THCS Nguyễn Du,thcs,22045,30\n";

/// Lê Thị Ngọc Ánh's school recorded consent to publish her full name; the others appear by
/// their display names («Nguyễn V. A.»).
const STUDENTS: &str = "code,full_name,display_name,class,grade,school,consent\n\
HS01,Nguyễn Văn An,,5A,5,TH1,\n\
HS02,Trần Thị Bình,,5A,5,TH1,\n\
HS03,Lê Thị Ngọc Ánh,,5B,5,TH1,có\n\
HS04,Phạm Gia Dũng,,5A,5,TH2,\n\
HS05,Võ Ngọc Hà,,9A,9,THCS1,\n";

async fn setup(app: &TestApp) {
    for (path, body) in [
        ("/api/units/schools/import?file=truong.csv", SCHOOLS),
        ("/api/units/students/import?file=hs.csv", STUDENTS),
    ] {
        let resp = app.upload(path, body.as_bytes()).await;
        assert_eq!(resp.status, 200, "{}", resp.body);
    }
    let results = json!([
        {"student": "HS03", "score": 100, "time_ms": 300_000},
        {"student": "HS01", "score": 90, "time_ms": 200_000},
        {"student": "HS02", "score": 80, "time_ms": 100_000},
        {"student": "HS04", "score": 70, "time_ms": 100_000},
        {"student": "HS05", "score": 60, "time_ms": 100_000},
    ]);
    let resp = app.post("/api/rankings/dot-1/results", &results).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let resp = app
        .post(
            "/api/rankings/dot-1/publish",
            &json!({"title": "Hội thi «Học sinh với an toàn thông tin» 2026"}),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
}

fn certificate<'a>(list: &'a Value, member: &str) -> &'a Value {
    list["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["member"] == member)
        .unwrap_or_else(|| panic!("no certificate of {member}: {list}"))
}

/// The text of a PDF as `pdftotext` reads it. The tool is part of the test command (poppler-
/// utils, installed by scripts/test.sh): without it the test fails, it does not skip.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("giay.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    let out = Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) must be installed: scripts/test.sh installs it");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// The page size as poppler's `pdfinfo` names it («… pts (A4)»), from the same package.
fn page_size(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("giay.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    let out = Command::new("pdfinfo").arg(&pdf).output().expect(
        "pdfinfo (Debian package poppler-utils) must be installed: scripts/test.sh installs it",
    );
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    info.lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap_or_else(|| panic!("no page size: {info}"))
        .to_owned()
}

async fn account(app: &TestApp, username: &str, role: &str, unit: &str) -> String {
    let resp = app
        .post(
            "/api/accounts",
            &json!({"username": username, "display_name": username, "password": PASSWORD,
                    "role": role, "unit": unit}),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    app.sign_in(username, PASSWORD).await.expect("signs in")
}

#[tokio::test]
async fn a_winners_certificate_reads_back_with_its_diacritics_and_a_code_the_public_page_confirms()
{
    let app = spawn_app().await;
    setup(&app).await;

    let list = app.get("/api/rankings/dot-1/versions/1/certificates").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let list = list.json();
    assert_eq!(
        list["contest"],
        "Hội thi «Học sinh với an toàn thông tin» 2026"
    );
    let anh = certificate(&list, "HS03");
    assert_eq!(anh["name"], "Lê Thị Ngọc Ánh", "full name, with consent");
    assert_eq!(anh["award"], "Giải Nhất — Tiểu học");
    assert_eq!(certificate(&list, "HS01")["name"], "Nguyễn V. A.");
    assert_eq!(certificate(&list, "HS01")["award"], "Giải Nhì — Tiểu học");
    assert_eq!(
        certificate(&list, "HS05")["award"],
        "Giải Nhất — Trung học cơ sở"
    );
    let school = certificate(&list, "TH1");
    assert_eq!(
        (&school["holder"], &school["award"], &school["detail"]),
        (
            &json!("school"),
            &json!("Tập thể có tỉ lệ tham gia cao"),
            &json!("Tỉ lệ tham gia 100,0 %")
        )
    );
    assert!(
        list["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["member"] != "TH2" && c["member"] != "THCS1"),
        "schools under their band's rate get no collective certificate: {list}"
    );
    let code = anh["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 11, "ABCDE-FGHJK: {code}");

    // Printing again gives the same codes.
    let again = app
        .get("/api/rankings/dot-1/versions/1/certificates")
        .await
        .json();
    assert_eq!(certificate(&again, "HS03")["code"], code.as_str());

    let pdf = app
        .get(&format!(
            "/api/rankings/dot-1/versions/1/certificates.pdf?code={code}"
        ))
        .await;
    assert_eq!(pdf.status, 200, "{}", pdf.body);
    assert_eq!(
        pdf.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf.bytes);
    for expected in [
        "Lê Thị Ngọc Ánh",
        "GIẤY CHỨNG NHẬN",
        "Giải Nhất — Tiểu học",
        "Trường Tiểu học Kim Đồng",
        "Hội thi «Học sinh với an toàn thông tin» 2026",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        code.as_str(),
    ] {
        assert!(
            text.contains(expected),
            "«{expected}» not in the PDF's text:\n{text}"
        );
    }
    assert_eq!(
        text.matches("Mã xác minh").count(),
        1,
        "one page, one certificate"
    );

    // A5: the same certificate, smaller paper, the same text.
    let a5 = app
        .get(&format!(
            "/api/rankings/dot-1/versions/1/certificates.pdf?code={code}&paper=a5"
        ))
        .await;
    assert_eq!(a5.status, 200, "{}", a5.body);
    assert!(pdf_text(&a5.bytes).contains("Lê Thị Ngọc Ánh"));
    assert!(
        page_size(&a5.bytes).contains("(A5)"),
        "{}",
        page_size(&a5.bytes)
    );
    assert!(
        page_size(&pdf.bytes).contains("(A4)"),
        "{}",
        page_size(&pdf.bytes)
    );

    // The whole school in one file: its three pupils' certificates and its own.
    let school_pdf = app
        .get("/api/rankings/dot-1/versions/1/certificates.pdf?school=TH1")
        .await;
    assert_eq!(school_pdf.status, 200, "{}", school_pdf.body);
    let text = pdf_text(&school_pdf.bytes);
    assert_eq!(text.matches("Mã xác minh").count(), 4, "{text}");
    assert!(
        text.contains("Nguyễn V. A.") && text.contains("Trần T. B."),
        "{text}"
    );
    assert!(
        !text.contains("Phạm G. D."),
        "TH2's pupil is not TH1's: {text}"
    );

    // The public page, with no sign-in, confirms the printed code however it is typed.
    for typed in [code.clone(), code.to_lowercase().replace('-', " ")] {
        let checked = http(
            app.addr,
            "GET",
            &format!("/api/certificate-codes/{}", typed.replace(' ', "%20")),
            None,
            None,
        )
        .await;
        assert_eq!(checked.status, 200, "{}", checked.body);
        let checked = checked.json();
        assert_eq!(checked["name"], "Lê Thị Ngọc Ánh");
        assert_eq!(checked["award"], "Giải Nhất — Tiểu học");
        assert_eq!(checked["unit"], "Trường Tiểu học Kim Đồng");
        assert_eq!(
            (checked["context"].as_str(), checked["version"].as_i64()),
            (Some("dot-1"), Some(1))
        );
        assert_eq!(checked["superseded_by"], Value::Null);
        assert!(
            !checked.to_string().contains("HS03"),
            "no student code in public: {checked}"
        );
    }
    // A wrong code is refused clearly.
    for wrong in ["AAAAA-AAAAA", "ABC", &code[..10]] {
        let refused = http(
            app.addr,
            "GET",
            &format!("/api/certificate-codes/{wrong}"),
            None,
            None,
        )
        .await;
        assert_eq!(refused.status, 404, "{wrong}: {}", refused.body);
        let body = refused.json();
        assert_eq!(body["code"], "unknown_certificate");
        assert!(body["message"]
            .as_str()
            .unwrap()
            .contains("Không có giấy chứng nhận"));
    }

    // A correction: the old certificate still checks, and says a newer version exists.
    let resp = app
        .post(
            "/api/rankings/dot-1/publish",
            &json!({"reason": "Sửa thời gian của một bài thi"}),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let checked = http(
        app.addr,
        "GET",
        &format!("/api/certificate-codes/{code}"),
        None,
        None,
    )
    .await
    .json();
    assert_eq!(checked["superseded_by"], 2, "{checked}");
}

#[tokio::test]
async fn a_unit_prints_only_its_own_winners_and_a_teacher_none() {
    let app = spawn_app().await;
    setup(&app).await;
    let admin = account(&app, "bgh-th2", "school_admin", "TH2").await;
    let officer = account(&app, "xa-22045", "commune_officer", "22045").await;
    let teacher = account(&app, "gv-th1", "teacher", "TH1").await;
    let get = |cookie: String, path: &'static str| {
        let addr = app.addr;
        async move { http(addr, "GET", path, Some(&cookie), None).await }
    };
    let path = "/api/rankings/dot-1/versions/1/certificates";

    let mine = get(admin.clone(), path).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let members: Vec<String> = mine.json()["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["member"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(members, ["HS04"], "TH2's admin: its one pupil");
    let other = get(
        admin,
        "/api/rankings/dot-1/versions/1/certificates.pdf?school=TH1",
    )
    .await;
    assert_eq!(other.status, 404, "another school's file: {}", other.body);

    let commune = get(officer, path).await.json();
    let members: Vec<&str> = commune["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["member"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["HS05"], "22045's officer: THCS1's winner only");

    let refused = get(teacher, path).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let anonymous = http(app.addr, "GET", path, None, None).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    let missing = app.get("/api/rankings/dot-1/versions/9/certificates").await;
    assert_eq!(missing.status, 404, "{}", missing.body);
}
