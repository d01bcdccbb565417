//! Spreadsheets built to crash or stall the server (issue 15, part 2) are refused on every
//! import route with a clear error, before the work they ask for, and change nothing. The
//! files are built here: a real workbook from rust_xlsxwriter, patched where a spreadsheet
//! program would never write what an attacker can.

use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{spawn_app, Response, TestApp};

const PASSWORD: &str = "mat-khau-quan-ly-truong";

/// Every route that reads a spreadsheet, as who may use it (`None`: the organizer).
const ROUTES: [(&str, Option<&str>); 4] = [
    ("/api/banks/import?file=bom.xlsx", None),
    ("/api/units/schools/import?file=bom.xlsx", None),
    ("/api/units/students/import?file=bom.xlsx", None),
    ("/api/units/students/import?file=bom.xlsx", Some("ql.th001")),
];

/// A workbook with text at each of `cells` (0-based row, column), as Excel would save it.
fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for &(row, col, text) in cells {
        sheet.write_string(row, col, text).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// The package `xlsx` with each part passed through `patch` (name, contents → contents).
fn repack(xlsx: &[u8], patch: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut input = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut output = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..input.len() {
        let mut part = input.by_index(i).unwrap();
        let name = part.name().to_owned();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        output.start_file(name.as_str(), options).unwrap();
        output.write_all(&patch(&name, bytes)).unwrap();
    }
    output.finish().unwrap().into_inner()
}

/// A school and its admin, so the school admin's route can be tried too.
async fn with_school_admin(app: &TestApp) -> String {
    let schools =
        "code,name,levels,commune,enrolment\nTH001,Trường Tiểu học Hoà Bình,tieu-hoc,22015,300\n";
    let resp = app
        .upload("/api/units/schools/import?file=t.csv", schools.as_bytes())
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let account = json!({"username": "ql.th001", "display_name": "Quản lý TH001",
                         "password": PASSWORD, "role": "school_admin", "unit": "TH001"});
    let resp = app.post("/api/accounts", &account).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    app.sign_in("ql.th001", PASSWORD).await.expect("signs in")
}

async fn upload_as(app: &TestApp, cookie: &str, path: &str, bytes: &[u8]) -> Response {
    hoithi_loadtest::http::request_bytes(
        app.addr,
        "POST",
        path,
        Some(cookie),
        Some(("application/octet-stream", bytes)),
    )
    .await
    .expect("the server answers")
}

/// What a user can see of the server's state: the schools and students, and the banks.
async fn visible_state(app: &TestApp) -> Value {
    let roster = app.get("/api/units/schools/TH001/students").await.json();
    let banks = app.get("/api/banks").await.json();
    json!({"students": roster["students"], "banks": banks})
}

/// Sends `file` to every import route and checks each answers 422 `sheet_too_large` with a
/// message containing `why`, quickly, and that nothing changed.
async fn refused_everywhere(file: &[u8], why: &str) {
    let app = spawn_app().await;
    let admin = with_school_admin(&app).await;
    let before = visible_state(&app).await;
    for (path, user) in ROUTES {
        let cookie = if user.is_some() { &admin } else { &app.cookie };
        let started = Instant::now();
        let resp = upload_as(&app, cookie, path, file).await;
        let body = resp.json();
        assert_eq!(
            (resp.status, body["code"].as_str()),
            (422, Some("sheet_too_large")),
            "{path}: {body}"
        );
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(why), "{path}: {message}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{path}: refused before the work, not after ({:?})",
            started.elapsed()
        );
    }
    assert_eq!(visible_state(&app).await, before, "nothing changed");
}

#[tokio::test]
async fn a_sheet_with_cells_at_a1_and_xfd1048576_is_refused_on_every_route() {
    // calamine's dense range for it is 2^20 × 2^14 cells: the process aborted.
    let file = workbook(&[(0, 0, "code"), (1_048_575, 16_383, "x")]);
    assert!(file.len() < 8_000, "a small file: {} bytes", file.len());
    refused_everywhere(&file, "dòng 1.048.576").await;
}

#[tokio::test]
async fn a_declared_range_that_lies_is_refused_at_the_first_cell_past_the_caps() {
    // The dimension says A1:B2; a cell far to the right says otherwise.
    let file = workbook(&[(0, 0, "code"), (1, 1, "x"), (2, 200, "y")]);
    let file = repack(&file, |name, bytes| {
        if name != "xl/worksheets/sheet1.xml" {
            return bytes;
        }
        let xml = String::from_utf8(bytes).unwrap();
        let start = xml.find("<dimension ref=\"").unwrap() + 16;
        let end = start + xml[start..].find('"').unwrap();
        format!("{}A1:B2{}", &xml[..start], &xml[end..]).into_bytes()
    });
    refused_everywhere(&file, "cột GS (cột thứ 201)").await;
}

#[tokio::test]
async fn a_declared_range_of_400000_rows_by_26_columns_is_refused() {
    // 10.4 million dense cells: 600 MB for a 1.6 KB file.
    let file = workbook(&[(0, 0, "code"), (399_999, 25, "x")]);
    refused_everywhere(&file, "dòng 400.000").await;
}

#[tokio::test]
async fn one_shared_string_of_forty_megabytes_is_refused_before_it_is_loaded() {
    let file = workbook(&[(0, 0, "code"), (1, 0, "x")]);
    let huge = "a".repeat(40 * 1024 * 1024);
    let file = repack(&file, |name, bytes| {
        if name != "xl/sharedStrings.xml" {
            return bytes;
        }
        let xml = String::from_utf8(bytes).unwrap();
        xml.replacen("<t>x</t>", &format!("<t>{huge}</t>"), 1)
            .into_bytes()
    });
    assert!(file.len() < 200_000, "deflated: {} bytes", file.len());
    refused_everywhere(&file, "dài hơn 32.767 ký tự").await;
}

#[tokio::test]
async fn a_part_that_unzips_past_64_mib_is_refused() {
    let file = workbook(&[(0, 0, "code"), (1, 0, "x")]);
    let file = repack(&file, |name, bytes| {
        if name != "xl/worksheets/sheet1.xml" {
            return bytes;
        }
        // Whitespace between elements: valid XML, 65 MiB of it.
        let xml = String::from_utf8(bytes).unwrap();
        xml.replacen(
            "<sheetData>",
            &format!("<sheetData>{}", " ".repeat(65 << 20)),
            1,
        )
        .into_bytes()
    });
    assert!(file.len() < 200_000, "deflated: {} bytes", file.len());
    refused_everywhere(&file, "giải nén ra hơn 64 MiB").await;
}

#[tokio::test]
async fn csv_has_the_same_caps_on_rows_and_columns() {
    let app = spawn_app().await;
    let admin = with_school_admin(&app).await;
    let before = visible_state(&app).await;

    // A school's roster is at most 10,000 rows; the header is one of them.
    let mut csv = String::from("code,full_name,class,grade,school\n");
    for i in 0..10_000 {
        csv.push_str(&format!("HS{i:05},Nguyễn Văn An,5A,5,TH001\n"));
    }
    let resp = upload_as(
        &app,
        &admin,
        "/api/units/students/import?file=hs.csv",
        csv.as_bytes(),
    )
    .await;
    let body = resp.json();
    assert_eq!(
        (resp.status, body["code"].as_str()),
        (422, Some("sheet_too_large")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("dòng 10.001 trong khi một tệp loại này chỉ được có 10.000 dòng"),
        "{body}"
    );

    let wide = format!("code{}\nHS1\n", ",x".repeat(64));
    let resp = upload_as(
        &app,
        &app.cookie,
        "/api/units/students/import?file=hs.csv",
        wide.as_bytes(),
    )
    .await;
    let body = resp.json();
    assert_eq!(
        (resp.status, body["code"].as_str()),
        (422, Some("sheet_too_large")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("cột BM (cột thứ 65)"),
        "{body}"
    );
    assert_eq!(visible_state(&app).await, before, "nothing changed");

    // One row fewer is a roster like any other.
    let fits: String = csv.lines().take(10_000).map(|l| format!("{l}\n")).collect();
    let resp = upload_as(
        &app,
        &admin,
        "/api/units/students/import?file=hs.csv",
        fits.as_bytes(),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.json()["imported"], 9_999);
}

#[tokio::test]
async fn a_roster_one_row_past_the_province_cap_is_refused_and_nothing_is_stored() {
    // The 19 MB roster of 1,000,000 rows took 54 s and 790 MB; the organizer's cap is 100,000
    // rows (the header is one), so the province goes in several files.
    let app = spawn_app().await;
    let _ = with_school_admin(&app).await;
    let mut csv = String::from("code,full_name,class,grade,school\n");
    for i in 0..100_000 {
        csv.push_str(&format!("HS{i:06},Nguyễn Văn An,5A,5,TH001\n"));
    }
    let resp = app
        .upload("/api/units/students/import?file=tinh.csv", csv.as_bytes())
        .await;
    let body = resp.json();
    assert_eq!(
        (resp.status, body["code"].as_str()),
        (422, Some("sheet_too_large")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("dòng 100.001 trong khi một tệp loại này chỉ được có 100.000 dòng"),
        "{body}"
    );
    let roster = app.get("/api/units/schools/TH001/students").await.json();
    assert_eq!(roster["students"], json!([]), "nothing stored");
}

#[tokio::test]
async fn an_upload_declared_past_its_cap_is_refused_before_a_byte_is_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    // 4 MiB and one byte for a bank; the body is never sent: the answer comes first.
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/banks/import?file=b.csv HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Content-Type: text/csv\r\nContent-Length: {len}\r\nCookie: {cookie}\r\n\
         Connection: close\r\n\r\n",
        addr = app.addr,
        len = 4 * 1024 * 1024 + 1,
        cookie = app.cookie
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("answered without waiting for the body")
        .unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
    let body: Value = serde_json::from_str(raw.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["code"], "file_too_large");
    assert_eq!(
        body["message"],
        "Tệp lớn hơn 4 MiB, mức tối đa cho loại tệp này. Hãy chia thành nhiều tệp nhỏ hơn."
    );
    // A roster may be larger: the same length is read, and refused for what it holds.
    let csv = format!("code,full_name\n{}", "x,y\n".repeat(1_100_000));
    assert!(csv.len() > 4 * 1024 * 1024);
    let resp = app
        .upload("/api/units/students/import?file=hs.csv", csv.as_bytes())
        .await;
    assert_eq!(resp.json()["code"], "sheet_too_large", "{}", resp.body);
}
