//! Banks through the server: an organizer uploads a spreadsheet as the request body, gets a
//! row-by-row report, the bank is stored as a draft, and approving it makes it `approved`.
//! A teacher's upload is a private class bank (see `private_banks.rs`); teachers approve
//! nothing.

use std::net::SocketAddr;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{spawn_app, TestApp};

/// `POST path` with `body` as raw bytes, as a page's `fetch(url, {method: 'POST', body: file})`
/// sends it. Returns the status and the JSON body.
async fn post_file(addr: SocketAddr, path: &str, cookie: &str, body: &[u8]) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nConnection: close\r\nCookie: {cookie}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    (status, json)
}

/// A bank in hoithi's CSV layout, with a BOM and a quoted comma.
fn bank_csv(id: &str, second_correct: &str) -> String {
    format!(
        "\u{FEFF}Mã ngân hàng (bank),{id}\r\n\
         Tên ngân hàng (title),\"Tải lên, thử nghiệm\"\r\n\
         Chủ đề (topic),an-toan\r\n\
         Cấp học (levels),thcs\r\n\
         \r\n\
         kind,text,option_1,option_2,option_3,correct,time_limit,difficulty,explanation,source\r\n\
         single,Ai được biết mã OTP gửi về điện thoại của em?,Chỉ em,\"Bạn thân, nếu hỏi\",Người tự xưng công an,1,20,1,OTP chỉ dành cho chính chủ.,Công an TP.HCM (dantri.com.vn)\r\n\
         multiple,Những gì không được đưa cho người lạ?,Mã OTP,Mật khẩu,Tên trường,\"{second_correct}\",30,2,Kẻ gian dùng chúng để chiếm tài khoản.,Công an TP.HCM (dantri.com.vn)\r\n"
    )
}

async fn teacher(app: &TestApp) -> String {
    let created = app
        .post(
            "/api/accounts",
            &json!({"username": "co-lan", "display_name": "Cô Lan", "password": "mat-khau-co-lan"}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    app.sign_in("co-lan", "mat-khau-co-lan").await.unwrap()
}

async fn status_of(app: &TestApp, id: &str) -> Option<String> {
    let banks = app.get("/api/banks").await.json();
    banks
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .map(|b| b["status"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn an_organizer_uploads_a_sheet_as_a_draft_and_approves_it() {
    let app = spawn_app().await;
    let csv = bank_csv("tai-len-thu", "1,2");
    // Blank rows push the body past the 64 KiB limit of other requests: a real workbook can.
    let big = format!("{csv}{}", ",,,\r\n".repeat(20_000));
    assert!(big.len() > 64 * 1024);
    let (status, body) = post_file(
        app.addr,
        "/api/banks/import?file=tai-len.csv",
        &app.cookie,
        big.as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["bank"]["id"], "tai-len-thu");
    assert_eq!(body["bank"]["title"], "Tải lên, thử nghiệm");
    assert_eq!(body["bank"]["questions"], 2);
    assert_eq!(body["bank"]["status"], "draft");
    assert_eq!(body["layout"], "hoithi");
    assert_eq!(body["problems"], json!([]));
    assert_eq!(
        status_of(&app, "tai-len-thu").await.as_deref(),
        Some("draft")
    );

    let approved = app.post("/api/banks/tai-len-thu/approve", &json!({})).await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.json()["status"], "approved");
    assert_eq!(
        status_of(&app, "tai-len-thu").await.as_deref(),
        Some("approved")
    );

    // A new upload of the same bank replaces it, and its review no longer holds.
    let (status, _) = post_file(
        app.addr,
        "/api/banks/import?file=tai-len.csv",
        &app.cookie,
        csv.as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        status_of(&app, "tai-len-thu").await.as_deref(),
        Some("draft")
    );

    // And it comes back out as the same sheet.
    let export = app.get("/api/banks/tai-len-thu/export?format=csv").await;
    assert_eq!(export.status, 200);
    assert!(export
        .body
        .starts_with("\u{FEFF}Mã ngân hàng (bank),tai-len-thu\r\n"));
    assert!(
        export.body.contains(",\"Bạn thân, nếu hỏi\","),
        "{}",
        export.body
    );
    let xlsx = app.get("/api/banks/tai-len-thu/export?format=xlsx").await;
    assert!(xlsx.bytes.starts_with(b"PK"));
}

#[tokio::test]
async fn a_sheet_with_bad_rows_is_reported_row_by_row_and_nothing_is_stored() {
    let app = spawn_app().await;
    let csv = bank_csv("tai-len-hong", "1,7").replace(",20,1,", ",2,1,");
    let (status, body) = post_file(
        app.addr,
        "/api/banks/import?file=hong.csv",
        &app.cookie,
        csv.as_bytes(),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "rejected_rows");
    assert_eq!(
        body["problems"],
        json!([
            {"row": 7, "message": "thời gian trả lời («time_limit») phải từ 5 đến 240 giây (đang ghi 2)"},
            {"row": 8, "message": "câu «multiple» cần một danh sách đáp án đúng gồm các số thứ tự phương án khác nhau, từ 1 đến 3"},
        ])
    );
    assert_eq!(
        status_of(&app, "tai-len-hong").await,
        None,
        "nothing stored"
    );

    // Asked to skip them, the good rows are imported and the bad ones still reported.
    let (status, body) = post_file(
        app.addr,
        "/api/banks/import?file=hong.csv&skip_errors=true",
        &app.cookie,
        csv.as_bytes(),
    )
    .await;
    assert_eq!(status, 422, "no good row is left: {body}");
    let csv = bank_csv("tai-len-hong", "1,7");
    let (status, body) = post_file(
        app.addr,
        "/api/banks/import?file=hong.csv&skip_errors=true",
        &app.cookie,
        csv.as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["bank"]["questions"], 1);
    assert_eq!(body["problems"][0]["row"], 8);

    let (status, body) = post_file(
        app.addr,
        "/api/banks/import?file=hong.ods",
        &app.cookie,
        b"anything",
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("unreadable_file"))
    );
}

#[tokio::test]
async fn teachers_import_only_private_banks_approve_nothing_and_bundled_banks_stay() {
    let app = spawn_app().await;
    let cookie = teacher(&app).await;
    // A teacher may not replace a bundled bank through a private one.
    let (status, body) = post_file(
        app.addr,
        "/api/banks/import?file=gv.csv&id=thcs-ky-nang-so",
        &cookie,
        bank_csv("x", "1,2").as_bytes(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("bank_exists")),
        "{body}"
    );
    let csv = bank_csv("cua-giao-vien", "1,2");
    let (status, body) = post_file(
        app.addr,
        "/api/banks/import?file=gv.csv",
        &cookie,
        csv.as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["bank"]["private"], true);
    let (status, body) =
        post_file(app.addr, "/api/banks/thcs-ky-nang-so/approve", &cookie, b"").await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    let (status, body) =
        post_file(app.addr, "/api/banks/cua-giao-vien/approve", &cookie, b"").await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    assert_eq!(
        status_of(&app, "cua-giao-vien").await.as_deref(),
        Some("draft")
    );

    let missing = app.post("/api/banks/khong-co/approve", &json!({})).await;
    assert_eq!(missing.status, 404);

    // A bundled bank is reviewed in the repository: an upload cannot replace it.
    let bundled = app.get("/api/banks").await.json()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let csv = bank_csv(&bundled, "1,2");
    let (status, body) = post_file(
        app.addr,
        "/api/banks/import?file=x.csv",
        &app.cookie,
        csv.as_bytes(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("bank_exists")),
        "{body}"
    );
    assert_eq!(status_of(&app, &bundled).await.as_deref(), Some("approved"));
}
