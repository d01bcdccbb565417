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

use crate::domain::bank::{official_gaps, Purpose};
use crate::domain::{AnswerKey, QuestionKind};

/// Kahoot's own template: no explanation, no source.
fn plain_kahoot() -> Grid {
    rows(&[
        &["Quiz template"],
        &KAHOOT_HEADER[..8],
        &[
            "1",
            "Ai được biết mã OTP của em?",
            "Chỉ em",
            "Bạn thân",
            "Người gọi tự xưng công an",
            "",
            "30",
            "1",
        ],
        &[
            "2",
            "Chọn các mật khẩu mạnh.",
            "123456",
            "Lan@Dak-Lak#2026",
            "matkhau",
            "Hoa_sen!Buon-Ma-Thuot9",
            "20",
            "2,4",
        ],
    ])
}

#[test]
fn explanations_and_sources_are_required_by_what_the_bank_is_for() {
    let template_without = {
        let mut grid = template::grid(&example());
        let header = grid
            .iter()
            .position(|r| r.first().is_some_and(|c| c.ends_with("(id)")))
            .unwrap();
        for row in &mut grid[header + 1..] {
            row[14] = String::new(); // explanation
            row[15] = String::new(); // source
        }
        grid
    };
    let questions = example().questions.len();
    // (sheet, purpose, skip bad rows, questions imported, problems reported)
    let cases: [(&str, &Grid, Purpose, bool, usize, usize); 8] = [
        ("kahoot", &plain_kahoot(), Purpose::Official, false, 0, 4),
        ("kahoot", &plain_kahoot(), Purpose::Official, true, 0, 5),
        ("kahoot", &plain_kahoot(), Purpose::Class, false, 2, 0),
        ("kahoot", &plain_kahoot(), Purpose::Class, true, 2, 0),
        (
            "template",
            &template_without,
            Purpose::Official,
            false,
            0,
            2 * questions,
        ),
        (
            "template",
            &template_without,
            Purpose::Class,
            false,
            questions,
            0,
        ),
        (
            "template",
            &template::grid(&example()),
            Purpose::Official,
            false,
            questions,
            0,
        ),
        (
            "template",
            &template::grid(&example()),
            Purpose::Class,
            false,
            questions,
            0,
        ),
    ];
    for (sheet, grid, purpose, skip_errors, imported, problems) in cases {
        let report = import_rows(
            grid,
            &Settings {
                purpose,
                skip_errors,
                ..settings()
            },
        );
        let case = format!(
            "{sheet} {purpose:?} skip={skip_errors}: {:?}",
            report.problems
        );
        assert_eq!(
            report.bank.as_ref().map_or(0, |b| b.questions.len()),
            imported,
            "{case}"
        );
        assert_eq!(report.problems.len(), problems, "{case}");
        if purpose == Purpose::Official && imported == 0 {
            assert!(
                report
                    .problems
                    .iter()
                    .any(|p| p.message.contains("giải thích")),
                "{case}"
            );
        }
    }
}

#[test]
fn a_class_bank_keeps_the_explanations_it_has() {
    let mut grid = plain_kahoot();
    grid[1].push("Giải thích".into());
    grid[2].push("Mo\u{0302}\u{0323}t ca\u{0301}ch giải thích".into());
    let report = import_rows(
        &grid,
        &Settings {
            purpose: Purpose::Class,
            ..settings()
        },
    );
    assert_eq!(report.problems, vec![]);
    let bank = report.bank.unwrap();
    assert_eq!(bank.questions[0].explanation, "Một cách giải thích", "NFC");
    assert_eq!(bank.questions[1].explanation, "", "optional");
}

#[test]
fn a_bank_file_checks_a_given_explanation_whatever_its_purpose() {
    let file = "id = \"b\"\ntitle = \"B\"\ntopic = \"an-toan\"\nlevels = [\"thcs\"]\nlanguage = \"vi\"\nchecked = 2026-11-25\n\n[[questions]]\nid = \"b-1\"\nkind = \"true_false\"\ntext = \"OTP là bí mật?\"\ncorrect = true\ntime_limit = 10\ndifficulty = 1\nexplanation = \"Mo\u{0302}\u{0323}t\"\n";
    for purpose in [Purpose::Official, Purpose::Class] {
        let issues = bank::parse_for(purpose, "b.toml", file, &none).unwrap_err();
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert!(
            messages.contains(&"giải thích («explanation») chưa ở dạng Unicode dựng sẵn (NFC)"),
            "{purpose:?}: {messages:?}"
        );
        assert_eq!(
            messages.contains(&"nguồn («source») đang để trống"),
            purpose == Purpose::Official,
            "{purpose:?}: {messages:?}"
        );
    }
}

#[test]
fn a_class_bank_names_what_approval_would_need() {
    let report = import_rows(
        &plain_kahoot(),
        &Settings {
            purpose: Purpose::Class,
            ..settings()
        },
    );
    let bank = report.bank.unwrap();
    let gaps = official_gaps(&bank);
    assert_eq!(gaps.len(), 4, "an explanation and a source for each of two");
    assert_eq!(
        gaps[0],
        (
            "lua-dao-qua-mang-001".to_owned(),
            "giải thích («explanation») đang để trống".to_owned()
        )
    );
    assert_eq!(official_gaps(&example()), vec![]);
}

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
        found[0].starts_with("tệp không ghi chủ đề: hãy chọn chủ đề"),
        "{found:?}"
    );
    assert!(
        found[1].starts_with("tệp không ghi cấp học: hãy chọn một hoặc nhiều cấp học"),
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
