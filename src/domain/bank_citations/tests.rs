use super::*;
use crate::domain::bank::{Level, Topic};
use crate::domain::question::tests::single;

const REGISTER: &str = r#"
[[instrument]]
number = "13/2023/NĐ-CP"
title = "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân"
in_force = 2023-07-01
ends = 2026-01-01
replaced_by = ["356/2025/NĐ-CP"]
also = ["Nghị định 13"]
source = "thử"

[[instrument]]
number = "356/2025/NĐ-CP"
title = "Nghị định 356/2025/NĐ-CP hướng dẫn Luật Bảo vệ dữ liệu cá nhân"
in_force = 2026-01-01
source = "thử"

[[instrument]]
number = "24/2018/QH14"
title = "Luật An ninh mạng 24/2018/QH14"
ends = 2026-07-01
replaced_by = ["116/2025/QH15"]
also = ["Luật An ninh mạng 2018"]
source = "thử"

[[instrument]]
number = "116/2025/QH15"
title = "Luật An ninh mạng 116/2025/QH15"
in_force = 2026-07-01
source = "thử"

[[instrument]]
number = "02/2025/TT-BGDĐT"
title = "Thông tư 02/2025/TT-BGDĐT quy định Khung năng lực số cho người học"
in_force = 2025-03-11
framework = true
source = "thử"
"#;

fn register() -> Register {
    Register::parse(REGISTER).unwrap_or_else(|e| panic!("{e:?}"))
}

fn numbers(text: &str) -> Vec<String> {
    let register = register();
    register
        .cited(text)
        .iter()
        .map(|i| i.number.clone())
        .collect()
}

#[test]
fn a_citation_is_found_however_it_is_written() {
    let nd13 = vec!["13/2023/NĐ-CP".to_owned()];
    for text in [
        "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân",
        "theo Nghị định số 13/2023/NĐ-CP",
        "Nghị định 13/2023",
        "nghi dinh 13 / 2023 / nd-cp",
        "NĐ 13/2023",
        "13/2023/ND-CP",
        "(13/2023/NĐ‑CP)",
        "Nghị định 13 của Chính phủ",
        "Nghi\u{0323} đi\u{0323}nh 13/2023",
    ] {
        assert_eq!(numbers(text), nd13, "{text}");
    }
}

#[test]
fn near_misses_are_not_citations() {
    for text in [
        "Nghị định 113/2023/NĐ-CP",
        "Thông tư 13/2023/TT-BYT",
        "Luật số 13/2023",
        "ngày 17/4/2023",
        "Nghị định 13/2024/NĐ-CP",
        "Nghị định 130",
        "Luật An ninh mạng 2025",
        "Luật An ninh mạng",
        "Quyết định 505/QĐ-TTg ngày 22/4/2022",
    ] {
        assert!(
            numbers(text).iter().all(|n| n != "13/2023/NĐ-CP"),
            "{text}: {:?}",
            numbers(text)
        );
    }
    assert!(numbers("Nghị định 24/2018/NĐ-CP").is_empty());
    assert!(numbers("Nghị định 24/2018").is_empty());
    assert!(numbers("Nghị quyết 24/2018/QH14").is_empty());
}

#[test]
fn names_without_a_number_count_too() {
    for text in [
        "Luật An ninh mạng 2018",
        "Luật An ninh mạng năm 2018 có 7 chương",
        "LUẬT AN NINH MẠNG NĂM 2018",
        "Luật số 24/2018/QH14",
        "Luật An ninh mạng 24/2018",
    ] {
        assert_eq!(numbers(text), vec!["24/2018/QH14"], "{text}");
    }
}

#[test]
fn a_register_with_mistakes_says_each_one() {
    let bad = r#"
[[instrument]]
number = "13/2023/NĐ-CP"
title = "Về bảo vệ dữ liệu cá nhân"
ends = 2026-01-01
replaced_by = ["356/2025/NĐ-CP"]
source = ""

[[instrument]]
number = "59/2022/NĐ-CP"
title = "Nghị định 59/2022/NĐ-CP"
in_force = 2024-07-01
ends = 2024-07-01
source = "thử"

[[instrument]]
number = "59/2022/NĐ-CP"
title = "Nghị định 59/2022/NĐ-CP"
replaced_by = ["69/2024/NĐ-CP"]
source = "thử"
"#;
    let problems = Register::parse(bad).unwrap_err().join("\n");
    for expected in [
        "13/2023/NĐ-CP: tên «Về bảo vệ dữ liệu cá nhân» phải bắt đầu bằng loại văn bản",
        "13/2023/NĐ-CP: tên «Về bảo vệ dữ liệu cá nhân» cần ghi cả số hiệu",
        "13/2023/NĐ-CP: chưa ghi nguồn",
        "59/2022/NĐ-CP: ngày hết hiệu lực («ends») phải sau ngày có hiệu lực",
        "59/2022/NĐ-CP: có văn bản thay thế nhưng chưa ghi ngày hết hiệu lực",
        "59/2022/NĐ-CP: số hiệu bị lặp",
        "59/2022/NĐ-CP: văn bản thay thế 69/2024/NĐ-CP chưa có bảng [[instrument]] riêng",
    ] {
        assert!(problems.contains(expected), "{expected}\n---\n{problems}");
    }
    assert!(Register::parse("[[instrument]]\nnumber = 1").is_err());
}

fn day(s: &str) -> Day {
    Day::parse(s).unwrap()
}

fn bank(checked: &str, questions: Vec<Question>) -> (String, Bank) {
    (
        "b.toml".into(),
        Bank {
            id: "b".into(),
            title: "B".into(),
            topic: Topic::AnToan,
            levels: vec![Level::Thcs],
            language: "vi".into(),
            checked: checked.into(),
            questions,
        },
    )
}

fn question(id: &str, text: &str, explanation: &str, source: &str) -> Question {
    let mut q = single(1, 2);
    q.id = id.into();
    q.text = text.into();
    q.explanation = explanation.into();
    q.source = source.into();
    q
}

fn warnings(checked: &str, today: &str, q: Question) -> Vec<String> {
    check(&register(), &[bank(checked, vec![q])], day(today))
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn citing_an_instrument_that_had_ended_when_the_bank_was_checked_warns() {
    let q = question(
        "q-1",
        "Văn bản nào quy định về bảo vệ dữ liệu cá nhân?",
        "Nghị định 13/2023/NĐ-CP quy định việc này.",
        "luatvietan.com",
    );
    let w = warnings("2026-12-05", "2026-12-05", q);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with(
            "b.toml [q-1]: dẫn Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, văn bản \
             đã hết hiệu lực từ 01/01/2026, được thay bằng Nghị định 356/2025/NĐ-CP hướng dẫn \
             Luật Bảo vệ dữ liệu cá nhân, trước ngày kiểm tra 05/12/2026 của ngân hàng"
        ),
        "{w:?}"
    );
    // Checked while the decree stood: nothing to say until the day it ended.
    let q = question("q-1", "Hỏi?", "Nghị định 13/2023/NĐ-CP.", "x");
    assert!(warnings("2025-11-01", "2025-12-31", q.clone()).is_empty());
    let stale = warnings("2025-11-01", "2026-01-01", q);
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(
        stale[0].contains("sau ngày kiểm tra 01/11/2025"),
        "{stale:?}"
    );
    assert!(stale[0].contains("cập nhật ngày «checked»"), "{stale:?}");
}

#[test]
fn a_question_about_the_change_names_both_and_passes() {
    let q = question(
        "q-2",
        "Từ 01/01/2026, văn bản nào thay Nghị định 13/2023/NĐ-CP?",
        "Nghị định 356/2025/NĐ-CP.",
        "frasersvn.com",
    );
    assert!(warnings("2026-12-05", "2026-12-05", q).is_empty());
}

#[test]
fn a_wrong_option_naming_an_old_decree_asserts_nothing() {
    let mut q = question(
        "q-3",
        "Văn bản nào quy định về bảo vệ dữ liệu cá nhân?",
        "Đó là Luật Bảo vệ dữ liệu cá nhân.",
        "thanhnien.vn",
    );
    q.options = vec![
        "Luật Bảo vệ dữ liệu cá nhân".into(),
        "Nghị định 13/2023/NĐ-CP".into(),
    ];
    assert!(warnings("2026-12-05", "2026-12-05", q.clone()).is_empty());
    // Marked right, the same option is a claim.
    q.key = AnswerKey::Options { ids: vec![2] };
    q.explanation = "Đó là nghị định này.".into();
    assert_eq!(warnings("2026-12-05", "2026-12-05", q).len(), 1);
}

#[test]
fn citing_an_instrument_not_yet_in_force_warns() {
    let q = question(
        "q-4",
        "Luật An ninh mạng 116/2025/QH15 quy định gì?",
        "Vì.",
        "thanhnien.vn",
    );
    let w = warnings("2026-03-01", "2026-03-01", q.clone());
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("chỉ có hiệu lực từ 01/07/2026, sau ngày kiểm tra 01/03/2026"),
        "{w:?}"
    );
    assert!(warnings("2026-07-01", "2026-07-01", q).is_empty());
}

fn domain_question(kind: QuestionKind, text: &str, source: &str) -> Question {
    let mut q = question("q-5", text, "Vì.", source);
    q.kind = kind;
    if kind == QuestionKind::Numeric {
        q.options.clear();
        q.key = AnswerKey::Number {
            value: 6.0,
            tolerance: 0.0,
        };
    }
    q
}

#[test]
fn a_domain_is_no_source_for_a_specific_fact() {
    use QuestionKind::{Numeric, Single, TrueFalse};
    let domain = "Thông tư 02/2025/TT-BGDĐT, khung năng lực số — miền An toàn";
    // (kind, text, source, warns)
    let cases = [
        (Numeric, "Khung có bao nhiêu miền?", domain, true),
        (TrueFalse, "Luật An ninh mạng năm 2018 có 43 điều.", domain, true),
        (Single, "Nghị định nào ban hành ngày 17/4/2023?", domain, true),
        (TrueFalse, "Nghị định 59/2022/NĐ-CP vẫn còn hiệu lực.", domain, true),
        (
            TrueFalse,
            "Khung có 6 miền.",
            "Thông tư 02/2025/TT-BGDĐT — miền Khai thác dữ liệu; miền An toàn",
            false,
        ),
        (Single, "Em nên làm gì khi bị bắt nạt trên mạng?", domain, false),
        (Single, "Em lưu bài vào thư mục «Năm học 2025-2026». Đúng không?", domain, false),
        (
            Numeric,
            "Khung có bao nhiêu miền?",
            "Thông tư 02/2025/TT-BGDĐT, Điều 2 khoản 18",
            false,
        ),
        (
            Numeric,
            "Khung có bao nhiêu miền?",
            "Thông tư 02/2025/TT-BGDĐT, Khung năng lực số ban hành kèm theo",
            false,
        ),
        (
            Numeric,
            "Khung có bao nhiêu miền?",
            "Thông tư 02/2025/TT-BGDĐT — miền An toàn, năng lực thành phần 4.1",
            false,
        ),
        (
            Numeric,
            "Khung có bao nhiêu miền?",
            "Khuyến cáo của Công an TP.HCM (dantri.com.vn); Thông tư 02/2025/TT-BGDĐT — miền An toàn",
            false,
        ),
    ];
    for (kind, text, source, warns) in cases {
        let w = warnings(
            "2026-12-05",
            "2026-12-05",
            domain_question(kind, text, source),
        );
        let domain_warnings = w
            .iter()
            .filter(|w| w.contains("nguồn chỉ dẫn một miền"))
            .count();
        assert_eq!(
            domain_warnings,
            usize::from(warns),
            "{text} / {source}: {w:?}"
        );
    }
}

#[test]
fn days_read_and_print_as_writers_expect() {
    assert_eq!(day("2026-07-01").to_string(), "01/07/2026");
    assert_eq!(day("2026-07-01T08:00:00").to_string(), "01/07/2026");
    assert!(day("2026-01-01") < day("2026-07-01"));
    for bad in ["2026-13-01", "2026/07/01", "26-07-01", ""] {
        assert_eq!(Day::parse(bad), None, "{bad}");
    }
}
