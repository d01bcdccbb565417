//! `hoithi bank import` and `hoithi bank export`, run as the real binary on spreadsheets
//! written here: an XLSX made with rust_xlsxwriter, a CSV typed by hand, a Kahoot sheet and a
//! file with bad rows. Every import must give a bank that passes `bank check`, and exporting
//! and importing it again must give the same bank file.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::bank_check::{hoithi, stdout};

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Imports `file` into `out` and returns the bank file written. Fails the test otherwise.
fn import_ok(file: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["bank", "import", path_str(file), "--out", path_str(out)];
    args.extend(extra);
    let output = hoithi(&args);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    let written = text
        .lines()
        .last()
        .and_then(|l| l.split(" câu hỏi vào ").nth(1))
        .and_then(|l| l.split(" (ngân hàng ").next())
        .unwrap_or_else(|| panic!("no bank file named in: {text}"));
    let check = hoithi(&["bank", "check", path_str(out)]);
    assert!(check.status.success(), "{}", stdout(&check));
    PathBuf::from(written)
}

/// Exports the bank file `bank` in both formats, imports each into a fresh folder, and checks
/// that the bank file written is the same, byte for byte.
fn assert_round_trip(bank: &Path) {
    let original = std::fs::read_to_string(bank).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for ext in ["xlsx", "csv"] {
        let sheet = dir.path().join(format!("export.{ext}"));
        let output = hoithi(&[
            "bank",
            "export",
            path_str(bank),
            "--format",
            ext,
            "--out",
            path_str(&sheet),
        ]);
        assert!(output.status.success(), "{}", stdout(&output));
        let again = import_ok(&sheet, &dir.path().join(ext), &[]);
        assert_eq!(
            std::fs::read_to_string(again).unwrap(),
            original,
            "import(export(bank)) is the bank, through {ext}"
        );
    }
}

const HEADER: [&str; 17] = [
    "Mã câu hỏi (id)",
    "Loại (kind)",
    "Câu hỏi (text)",
    "Phương án 1 (option_1)",
    "Phương án 2 (option_2)",
    "Phương án 3 (option_3)",
    "Phương án 4 (option_4)",
    "Phương án 5 (option_5)",
    "Phương án 6 (option_6)",
    "Đáp án đúng (correct)",
    "Sai số cho phép (tolerance)",
    "Thời gian, giây (time_limit)",
    "Điểm (points)",
    "Độ khó (difficulty)",
    "Giải thích (explanation)",
    "Nguồn (source)",
    "Hình ảnh (image)",
];

/// A cell of a test sheet: text, or a number cell as Excel stores typed numbers.
enum Cell<'a> {
    T(&'a str),
    N(f64),
}
use Cell::{N, T};

#[test]
fn an_xlsx_made_with_rust_xlsxwriter_imports_every_kind_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Ngân hàng thử.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (r, (key, value)) in [
        ("Mã ngân hàng (bank)", "thu-xlsx"),
        ("Tên ngân hàng (title)", "Ngân hàng thử"),
        ("Chủ đề (topic)", "an-toan"),
        ("Cấp học (levels)", "thcs, thpt"),
    ]
    .into_iter()
    .enumerate()
    {
        sheet.write_string(r as u32, 0, key).unwrap();
        sheet.write_string(r as u32, 1, value).unwrap();
    }
    // The checked date typed as a date, as a teacher would.
    sheet.write_string(4, 0, "Ngày kiểm tra (checked)").unwrap();
    let day = ExcelDateTime::from_ymd(2026, 11, 25).unwrap();
    sheet.write_datetime_with_format(4, 1, &day, &date).unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(6, c as u16, *h).unwrap();
    }
    let rows: [Vec<Cell>; 5] = [
        // Decomposed Vietnamese ("Mật khẩu" typed on an old keyboard layout): stored as NFC.
        vec![
            T("x-1"),
            T("single"),
            T("Ma\u{0323}\u{0302}t kha\u{0302}\u{0309}u nào mạnh nhất?"),
            T("123456"),
            T("matkhau"),
            T("Lan@Dak-Lak#2026"),
            T(""),
            T(""),
            T(""),
            N(3.0),
            T(""),
            N(20.0),
            T(""),
            N(1.0),
            T("Dài, trộn chữ, số và ký hiệu."),
            T("Khuyến cáo của Công an TP.HCM (dantri.com.vn)"),
            T(""),
        ],
        vec![
            T("x-2"),
            T("multiple"),
            T("Những gì không được đưa cho người lạ?"),
            T("Mã OTP"),
            T("Mật khẩu"),
            T("Tên trường"),
            T("Màu yêu thích"),
            T(""),
            T(""),
            T("1,2"),
            T(""),
            N(30.0),
            T("double"),
            N(2.0),
            T("OTP và mật khẩu là bí mật."),
            T("Khuyến cáo của Công an TP.HCM (dantri.com.vn)"),
            T(""),
        ],
        vec![
            T("x-3"),
            T("true_false"),
            T("Ngày 10/10 là Ngày Chuyển đổi số quốc gia."),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            T("Đúng"),
            T(""),
            N(10.0),
            T("0"),
            N(1.0),
            T("Theo Quyết định 505/QĐ-TTg."),
            T("Quyết định 505/QĐ-TTg"),
            T(""),
        ],
        vec![
            T("x-4"),
            T("ordering"),
            T("Sắp xếp theo năm có hiệu lực."),
            T("Luật An ninh mạng 2018"),
            T("Luật Giao dịch điện tử 2023"),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            N(25.0),
            T(""),
            N(3.0),
            T("2019 rồi 2024."),
            T("thuvienphapluat.vn"),
            T(""),
        ],
        vec![
            T("x-5"),
            T("numeric"),
            T("Luật An ninh mạng 2018 có bao nhiêu điều?"),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            N(43.0),
            N(0.5),
            N(30.0),
            T(""),
            N(2.0),
            T("7 chương, 43 điều."),
            T("thuvienphapluat.vn"),
            T(""),
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (7 + r as u32, c as u16);
            match cell {
                T("") => {}
                T(s) => {
                    sheet.write_string(r, c, *s).unwrap();
                }
                N(n) => {
                    sheet.write_number(r, c, *n).unwrap();
                }
            }
        }
    }
    workbook.save(&file).unwrap();

    let bank = import_ok(&file, &dir.path().join("banks"), &[]);
    assert!(bank.ends_with("thu-xlsx.toml"));
    let toml = std::fs::read_to_string(&bank).unwrap();
    for expected in [
        "levels = [\"thcs\", \"thpt\"]",
        "checked = 2026-11-25",
        "text = \"Mật khẩu nào mạnh nhất?\"",
        "correct = [1, 2]",
        "points = \"double\"",
        "correct = true",
        "points = \"none\"",
        "correct = 43\ntolerance = 0.5",
    ] {
        assert!(toml.contains(expected), "{expected:?} in\n{toml}");
    }
    assert_round_trip(&bank);
}

/// Typed by hand: a BOM, CRLF, commas and quotes inside quoted cells, Vietnamese throughout,
/// no bank rows (the command line names topic and level), no ids (generated).
const HAND_CSV: &str = "\u{FEFF}kind,text,option_1,option_2,option_3,correct,time_limit,difficulty,explanation,source\r\n\
single,\"Ở Đắk Lắk, em nhận tin nhắn «trúng thưởng» kèm đường link. Em làm gì?\",Bấm vào link ngay,\"Không bấm, báo cho bố mẹ\",Gửi cho bạn bè,2,20,1,\"Tin «trúng thưởng» kèm link là chiêu lừa đảo phổ biến.\",Công an TP.HCM (dantri.com.vn)\r\n\
true_false,\"Cổng Dịch vụ công quốc gia có địa chỉ \"\"dichvucong.gov.vn\"\".\",,,,Đúng,15,1,\"Địa chỉ chính thức, khai trương ngày 9/12/2019.\",\"baotintuc.vn; dientuungdung.vn\"\r\n";

#[test]
fn a_hand_written_csv_with_bom_quoted_commas_and_vietnamese_imports_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Câu hỏi Đắk Lắk.csv");
    std::fs::write(&file, HAND_CSV).unwrap();
    let bank = import_ok(
        &file,
        &dir.path().join("banks"),
        &["--topic", "chinh-phu-so", "--level", "cong-dong"],
    );
    assert!(bank.ends_with("cau-hoi-dak-lak.toml"), "{}", bank.display());
    let toml = std::fs::read_to_string(&bank).unwrap();
    for expected in [
        "title = \"Câu hỏi Đắk Lắk\"",
        "id = \"cau-hoi-dak-lak-001\"",
        "text = \"Ở Đắk Lắk, em nhận tin nhắn «trúng thưởng» kèm đường link. Em làm gì?\"",
        "\"Không bấm, báo cho bố mẹ\",",
        "text = 'Cổng Dịch vụ công quốc gia có địa chỉ \"dichvucong.gov.vn\".'",
        "correct = true",
    ] {
        assert!(toml.contains(expected), "{expected:?} in\n{toml}");
    }
    assert_round_trip(&bank);
}

/// Writes a sheet in Kahoot's template layout: instruction rows, the header on row 8, a
/// numbering column, number cells for time limits and single answers.
fn kahoot_xlsx(path: &Path, with_explanations: bool) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 1, "Quiz template").unwrap();
    sheet
        .write_string(1, 1, "Add questions, at least two answer alternatives, time limit and choose correct answers (at least one).")
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
    if with_explanations {
        header.push("Giải thích");
    }
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(7, c as u16, *h).unwrap();
    }
    let rows = [
        (
            "Ai được biết mã OTP của em?",
            ["Chỉ em", "Bạn thân", "Người tự xưng công an", "Cô giáo"],
            30.0,
            None,
            Some(1.0),
            "OTP chỉ dành cho chính chủ.",
        ),
        (
            "Số nào nhận tin nhắn báo cáo tin rác?",
            ["5656", "113", "156", "1080"],
            20.0,
            Some("1"),
            None,
            "Nhắn tin rác tới 5656.",
        ),
        (
            "Chọn các mật khẩu mạnh.",
            [
                "123456",
                "Lan@Dak-Lak#2026",
                "matkhau",
                "Hoa_sen!Buon-Ma-Thuot9",
            ],
            60.0,
            Some("2,4"),
            None,
            "Dài và trộn nhiều loại ký tự.",
        ),
    ];
    for (i, (q, answers, time, correct_text, correct_number, why)) in rows.iter().enumerate() {
        let r = 8 + i as u32;
        sheet.write_number(r, 0, (i + 1) as f64).unwrap();
        sheet.write_string(r, 1, *q).unwrap();
        for (a, answer) in answers.iter().enumerate() {
            sheet.write_string(r, 2 + a as u16, *answer).unwrap();
        }
        sheet.write_number(r, 6, *time).unwrap();
        match (correct_text, correct_number) {
            (Some(t), _) => {
                sheet.write_string(r, 7, *t).unwrap();
            }
            (_, Some(n)) => {
                sheet.write_number(r, 7, *n).unwrap();
            }
            _ => {}
        }
        if with_explanations {
            sheet.write_string(r, 8, *why).unwrap();
        }
    }
    // Kahoot's template numbers rows it leaves empty.
    for r in 11..20 {
        sheet.write_number(r, 0, f64::from(r - 7)).unwrap();
    }
    workbook.save(path).unwrap();
}

const KAHOOT_FLAGS: [&str; 10] = [
    "--id",
    "thcs-kahoot-otp",
    "--title",
    "Mã OTP (từ Kahoot)",
    "--topic",
    "an-toan",
    "--level",
    "thcs",
    "--source",
    "Khuyến cáo của Công an TP.HCM (dantri.com.vn)",
];

#[test]
fn a_kahoot_sheet_imports() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kahoot.xlsx");
    kahoot_xlsx(&file, true);
    let bank = import_ok(&file, &dir.path().join("banks"), &KAHOOT_FLAGS);
    let toml = std::fs::read_to_string(&bank).unwrap();
    for expected in [
        "id = \"thcs-kahoot-otp-001\"\nkind = \"single\"",
        "time_limit = 30",
        "id = \"thcs-kahoot-otp-003\"\nkind = \"multiple\"",
        "correct = [2, 4]",
        "difficulty = 2",
        "source = \"Khuyến cáo của Công an TP.HCM (dantri.com.vn)\"",
    ] {
        assert!(toml.contains(expected), "{expected:?} in\n{toml}");
    }
    assert_eq!(
        toml.matches("[[questions]]").count(),
        3,
        "numbered empty rows are not questions"
    );
}

#[test]
fn a_kahoot_sheet_without_explanations_is_refused_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kahoot.xlsx");
    kahoot_xlsx(&file, false);
    let out = dir.path().join("banks");
    let mut args = vec!["bank", "import", path_str(&file), "--out", path_str(&out)];
    args.extend(KAHOOT_FLAGS);
    let output = hoithi(&args);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    for row in 9..=11 {
        assert!(
            text.contains(&format!(
                "kahoot.xlsx: dòng {row}: giải thích («explanation») đang để trống\n"
            )),
            "{text}"
        );
    }
}

#[test]
fn a_file_with_bad_rows_reports_each_row_number_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let template = std::fs::read_to_string(format!(
        "{}/question-banks/templates/mau-ngan-hang.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    // The template's five questions are rows 9–13; break rows 10 and 12.
    let mut lines: Vec<String> = template.split("\r\n").map(str::to_owned).collect();
    lines[9] = lines[9].replace(",\"1,2,3\",", ",\"1,2,9\",");
    lines[11] = lines[11].replacen(",40,", ",4,", 1);
    let file = dir.path().join("hong.csv");
    std::fs::write(&file, lines.join("\r\n")).unwrap();
    let out = dir.path().join("banks");

    let output = hoithi(&["bank", "import", path_str(&file), "--out", path_str(&out)]);
    let text = stdout(&output);
    let file_name = path_str(&file);
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        vec![
            format!("{file_name}: dòng 10: câu «multiple» cần một danh sách đáp án đúng gồm các số thứ tự phương án khác nhau, từ 1 đến 4"),
            format!("{file_name}: dòng 12: thời gian trả lời («time_limit») phải từ 5 đến 240 giây (đang ghi 4)"),
            format!("chưa nhập câu hỏi nào: {file_name} có 2 lỗi"),
            "hãy sửa các dòng trên, hoặc dùng «--skip-errors» để nhập các dòng còn lại".to_owned(),
        ]
    );
    assert_eq!(output.status.code(), Some(1));
    let written = std::fs::read_dir(&out).map_or(0, |d| d.count());
    assert_eq!(written, 0, "nothing was written");

    let output = hoithi(&[
        "bank",
        "import",
        path_str(&file),
        "--out",
        path_str(&out),
        "--skip-errors",
    ]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("đã nhập 3 câu hỏi vào"), "{text}");
    assert!(
        text.ends_with("(ngân hàng mau-ngan-hang); bỏ qua 2 dòng\n"),
        "{text}"
    );
}

#[test]
fn the_shipped_templates_are_what_the_template_command_writes_and_they_import() {
    let dir = tempfile::tempdir().unwrap();
    let output = hoithi(&["bank", "template", "--out", path_str(dir.path())]);
    assert!(output.status.success());
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("question-banks/templates");
    let read = |dir: &Path, name: &str| std::fs::read(dir.join(name)).unwrap();
    assert_eq!(
        read(dir.path(), "mau-ngan-hang.csv"),
        read(&shipped, "mau-ngan-hang.csv"),
        "run `hoithi bank template` to refresh question-banks/templates/"
    );
    assert_eq!(
        hoithi::banks::xlsx::read(&read(dir.path(), "mau-ngan-hang.xlsx")),
        hoithi::banks::xlsx::read(&read(&shipped, "mau-ngan-hang.xlsx")),
        "run `hoithi bank template` to refresh question-banks/templates/"
    );
    for name in ["mau-ngan-hang.xlsx", "mau-ngan-hang.csv"] {
        let out = dir.path().join(name.replace('.', "-"));
        import_ok(&shipped.join(name), &out, &[]);
    }
}

#[tokio::test]
async fn an_import_against_the_database_stores_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::database::url_for(dir.path());
    let template =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("question-banks/templates/mau-ngan-hang.csv");
    let out = dir.path().join("banks");
    let output = hoithi(&[
        "bank",
        "import",
        path_str(&template),
        "--out",
        path_str(&out),
        "--database-url",
        &url,
    ]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(
        text.ends_with("đã lưu ngân hàng mau-ngan-hang vào cơ sở dữ liệu dưới dạng bản nháp\n"),
        "{text}"
    );
    let store = hoithi::storage::Store::open(&url).await.unwrap();
    let banks = store.list_banks().await.unwrap();
    assert_eq!(banks.len(), 1);
    assert_eq!((banks[0].status.as_str(), banks[0].questions), ("draft", 5));
}
