use super::*;

fn none(_: &str) -> bool {
    false
}

fn rows(lines: &[&[&str]]) -> Grid {
    lines
        .iter()
        .map(|l| l.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn settings() -> Settings {
    Settings {
        topic: Some("an-toan".into()),
        levels: vec!["thcs".into()],
        ..Settings::default()
    }
}

fn import_rows(grid: &Grid, settings: &Settings) -> Report {
    import(
        grid,
        "Lừa đảo qua mạng.csv",
        settings,
        "2026-11-25",
        &[],
        &none,
    )
}

#[test]
fn the_template_example_round_trips_through_its_grid() {
    let bank = example();
    let report = import_rows(&template::grid(&bank), &Settings::default());
    assert_eq!(report.problems, vec![], "a clean import");
    assert_eq!(report.layout, Some(Layout::Hoithi));
    assert_eq!(report.bank, Some(bank));
}

const KAHOOT_HEADER: &[&str] = &[
    "",
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
    "Giải thích",
];

#[test]
fn a_kahoot_sheet_reads_below_its_instructions() {
    let grid = rows(&[
        &["Quiz template"],
        &["Add questions, at least two answer alternatives, time limit and choose correct answers"],
        KAHOOT_HEADER,
        &["1", "Ai được biết mã OTP của em?", "Chỉ em", "Bạn thân", "Người gọi tự xưng công an", "", "30", "1", "OTP là bí mật của riêng em."],
        &["2"],
        &["3", "Chọn các mật khẩu mạnh.", "123456", "Lan@Dak-Lak#2026", "matkhau", "Hoa_sen!Buon-Ma-Thuot9", "", "2, 4", "Mật khẩu mạnh dài và trộn nhiều loại ký tự."],
    ]);
    let mut s = settings();
    s.source = Some("Công an TP.HCM (dantri.com.vn)".into());
    let report = import_rows(&grid, &s);
    assert_eq!(report.problems, vec![]);
    assert_eq!(report.layout, Some(Layout::Kahoot));
    assert_eq!(report.rows, 2, "the numbered empty row is blank");
    let bank = report.bank.unwrap();
    assert_eq!(
        bank.id, "lua-dao-qua-mang",
        "the id comes from the file name"
    );
    assert_eq!(bank.title, "Lừa đảo qua mạng");
    let [a, b] = bank.questions.as_slice() else {
        panic!()
    };
    assert_eq!(
        (a.id.as_str(), a.kind, a.time_limit.secs()),
        ("lua-dao-qua-mang-001", QuestionKind::Single, 30)
    );
    assert_eq!(a.options.len(), 3);
    assert_eq!(b.id, "lua-dao-qua-mang-002");
    assert_eq!(b.kind, QuestionKind::Multiple);
    assert_eq!(b.key, AnswerKey::Options { ids: vec![2, 4] });
    assert_eq!(b.time_limit.secs(), 20, "Kahoot's default");
    assert_eq!(b.source, "Công an TP.HCM (dantri.com.vn)");
}

use crate::domain::{AnswerKey, QuestionKind};

#[test]
fn every_bad_row_is_reported_and_nothing_is_imported() {
    let mut grid = template::grid(&example());
    let header = grid
        .iter()
        .position(|r| r.first().is_some_and(|c| c.ends_with("(id)")))
        .unwrap();
    let first = header + 1;
    grid[first][9] = "7".into(); // correct out of range (4 options)
    grid[first + 1][14] = String::new(); // empty explanation
    grid[first + 2][11] = "lâu".into(); // time limit not a number
    let report = import_rows(&grid, &Settings::default());
    assert!(report.bank.is_none());
    let found: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        found,
        vec![
            format!(
                "dòng {}: câu «single» cần đúng một đáp án đúng, là số thứ tự phương án từ 1 đến 4",
                first + 1
            ),
            format!(
                "dòng {}: giải thích («explanation») đang để trống",
                first + 2
            ),
            format!(
                "dòng {}: thời gian trả lời («time_limit») \"lâu\" không phải là số nguyên hợp lệ",
                first + 3
            ),
        ]
    );
    let skipped = import_rows(
        &grid,
        &Settings {
            skip_errors: true,
            ..Settings::default()
        },
    );
    assert_eq!(skipped.problems.len(), 3);
    assert_eq!(
        skipped.bank.unwrap().questions.len(),
        2,
        "the good rows only"
    );
}

#[test]
fn text_is_normalized_and_repeats_are_caught() {
    let header: Vec<&str> = template::COLUMNS.iter().map(|c| c.0).collect();
    let row = |id: &'static str, text: &'static str| -> Vec<&'static str> {
        vec![
            id,
            "true_false",
            text,
            "",
            "",
            "",
            "",
            "",
            "",
            "sai",
            "",
            "10",
            "",
            "1",
            "Vì.",
            "Nguồn",
            "",
        ]
    };
    let grid = rows(&[
        &header,
        &row("", "Mie\u{0302}\u{0323}ng OTP la\u{0300} bí mật?"),
        &row("", "Miệng OTP là bí mật!"),
        &row("x-1", "Câu khác hẳn"),
        &row("x-1", "Một câu khác nữa"),
    ]);
    let report = import_rows(&grid, &settings());
    let found: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        found,
        vec![
            "dòng 3: nội dung câu hỏi trùng với câu lua-dao-qua-mang-001 trong Lừa đảo qua mạng.csv"
                .to_owned(),
            "dòng 5: mã câu hỏi \"x-1\" bị trùng (lần đầu ở dòng 4)".to_owned(),
        ]
    );
    let report = import_rows(
        &grid,
        &Settings {
            skip_errors: true,
            ..settings()
        },
    );
    let bank = report.bank.unwrap();
    assert_eq!(bank.questions[0].text, "Miệng OTP là bí mật?", "NFC");
    assert_eq!(bank.questions.len(), 2);
}

#[test]
fn a_file_without_topic_or_header_says_what_to_give() {
    let header: Vec<&str> = template::COLUMNS.iter().map(|c| c.0).collect();
    let report = import_rows(&rows(&[&header]), &Settings::default());
    let found: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        found[0].starts_with("tệp không ghi chủ đề: hãy dùng «--topic»"),
        "{found:?}"
    );
    assert!(
        found[1].starts_with("tệp không ghi cấp học: hãy dùng «--level»"),
        "{found:?}"
    );
    let report = import_rows(&rows(&[&["a", "b"]]), &settings());
    assert!(report.problems[0]
        .message
        .starts_with("không tìm thấy dòng tiêu đề cột"));
    let report = import_rows(&rows(&[&header]), &settings());
    assert_eq!(
        report.problems[0].message,
        "không có câu hỏi nào để nhập: bảng tính không có dòng nào hợp lệ"
    );
}

#[test]
fn slugs_from_vietnamese_names() {
    assert_eq!(
        slug("Lừa đảo trực tuyến (lớp 6)"),
        "lua-dao-truc-tuyen-lop-6"
    );
}

#[test]
fn a_bad_header_blocks_the_import_even_when_skipping_rows() {
    let mut grid = template::grid(&example());
    let header = grid
        .iter()
        .position(|r| r.first().is_some_and(|c| c.ends_with("(id)")))
        .unwrap();
    grid[header][10] = "Sai số (tolerence)".into();
    let report = import_rows(
        &grid,
        &Settings {
            skip_errors: true,
            ..Settings::default()
        },
    );
    assert_eq!(
        report.problems,
        vec![Problem::row(
            header + 1,
            "cột \"Sai số (tolerence)\" không có trong mẫu của Hội thi"
        )]
    );
    assert!(report.bank.is_none());
}
