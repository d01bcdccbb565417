//! `hoithi bank check` and `hoithi bank stats`, run as the real binary: each deliberately
//! broken bank under `tests/fixtures/banks-broken/` fails with its precise message, the
//! bundled banks pass, and the counts in `question-banks/README.md` are the counts there are.

use std::process::{Command, Output};

/// Runs `hoithi ARGS` from the repository root.
pub fn hoithi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoithi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DATABASE_URL")
        .output()
        .expect("the hoithi binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

const BROKEN: &str = "tests/fixtures/banks-broken";

/// Each case: its folder, and every line `bank check` must print (and nothing else).
const CASES: &[(&str, &[&str])] = &[
    (
        "duplicate-ids",
        &["hong-trung-ma.toml:20 [tm-001]: mã câu hỏi bị trùng (lần đầu ở dòng 9)"],
    ),
    (
        "near-duplicate-text",
        &["hong-gan-trung.toml [gt-002]: nội dung câu hỏi gần giống câu gt-001 trong \
           tests/fixtures/banks-broken/near-duplicate-text/hong-gan-trung.toml"],
    ),
    (
        "missing-correct",
        &["hong-thieu-dap-an.toml:9 [td-001]: câu «single» cần đúng một đáp án đúng, là số thứ tự phương án từ 1 đến 4"],
    ),
    (
        "correct-out-of-range",
        &[
            "hong-dap-an-ngoai-khoang.toml:9 [dk-001]: câu «single» cần đúng một đáp án đúng, là số thứ tự phương án từ 1 đến 4",
            "hong-dap-an-ngoai-khoang.toml:20 [dk-002]: câu «multiple» cần một danh sách đáp án đúng gồm các số thứ tự phương án khác nhau, từ 1 đến 4",
        ],
    ),
    (
        "single-two-correct",
        &["hong-hai-dap-an.toml:9 [hd-001]: câu «single» cần đúng một đáp án đúng, là số thứ tự phương án từ 1 đến 4"],
    ),
    (
        "repeated-options",
        &["hong-lap-phuong-an.toml:9 [lp-001]: phương án \"không đưa và  báo cho người lớn\" trùng với một phương án khác"],
    ),
    (
        "not-nfc",
        &["hong-chua-chuan-hoa.toml:9 [cn-001]: câu hỏi («text») chưa ở dạng Unicode dựng sẵn (NFC)"],
    ),
    (
        "empty-explanation",
        &["hong-thieu-giai-thich.toml:9 [gth-001]: giải thích («explanation») đang để trống"],
    ),
    (
        "missing-source",
        &["hong-thieu-nguon.toml:9 [tn-001]: nguồn («source») đang để trống"],
    ),
    (
        "text-too-long",
        &["hong-qua-dai.toml:9 [qd-001]: câu hỏi («text») dài 397 ký tự, nhiều hơn 300 ký tự vừa màn hình điện thoại"],
    ),
    (
        "missing-image",
        &["hong-thieu-hinh.toml:9 [th-001]: không có hình ảnh \"tin-nhan-otp.png\" trong thư mục images/ cạnh ngân hàng"],
    ),
];

#[test]
fn every_broken_bank_fails_the_check_with_its_precise_message() {
    let on_disk = std::fs::read_dir(format!("{}/{BROKEN}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .count();
    assert_eq!(
        on_disk,
        CASES.len(),
        "every fixture has its expected message"
    );
    for (case, lines) in CASES {
        let dir = format!("{BROKEN}/{case}");
        let output = hoithi(&["bank", "check", &dir]);
        let mut expected: Vec<String> = lines.iter().map(|l| format!("{dir}/{l}")).collect();
        expected.push(format!("{} problems in {dir}", lines.len()));
        assert_eq!(
            stdout(&output).lines().collect::<Vec<_>>(),
            expected,
            "{case}"
        );
        assert_eq!(output.status.code(), Some(1), "{case} exits with failure");
    }
}

#[test]
fn the_bundled_banks_pass_the_check() {
    let output = hoithi(&["bank", "check", "question-banks"]);
    let out = stdout(&output);
    assert!(output.status.success(), "{out}");
    assert!(out.ends_with("in question-banks: no problems\n"), "{out}");
    // Where the keys sit, per kind, and no position far above chance anywhere; and no
    // question cites a law out of force (superseded.toml), read on today's date.
    for kind in ["single", "multiple", "true_false"] {
        assert!(
            out.contains(&format!("vị trí đáp án đúng, câu «{kind}» (")),
            "{kind}: {out}"
        );
    }
    assert!(!out.contains("cảnh báo"), "{out}");
}

#[test]
fn a_bank_whose_keys_lean_on_one_position_gets_a_warning_but_passes() {
    let dir = tempfile::tempdir().unwrap();
    let mut toml = String::from(
        "id = \"lech\"\ntitle = \"Lệch\"\ntopic = \"an-toan\"\nlevels = [\"thcs\"]\n\
         language = \"vi\"\nchecked = 2026-12-01\n",
    );
    let words = [
        "mật khẩu",
        "mã OTP",
        "đường link",
        "ứng dụng",
        "tài khoản",
        "tin nhắn",
        "cuộc gọi",
        "mạng xã hội",
        "ví điện tử",
        "thư điện tử",
        "hình ảnh",
        "trò chơi",
    ];
    for (i, w) in words.iter().enumerate() {
        toml.push_str(&format!(
            "\n[[questions]]\nid = \"l-{i:03}\"\nkind = \"single\"\n\
             text = \"Khi gặp {w} lạ, em làm gì trước tiên?\"\n\
             options = [\"Hỏi người lớn\", \"Bấm ngay\", \"Gửi cho bạn\", \"Bỏ qua\"]\n\
             correct = 1\ntime_limit = 20\npoints = \"standard\"\ndifficulty = 1\n\
             explanation = \"Hỏi người lớn trước.\"\nsource = \"Nguồn thử.\"\n"
        ));
    }
    std::fs::write(dir.path().join("lech.toml"), toml).unwrap();
    let output = hoithi(&["bank", "check", dir.path().to_str().unwrap()]);
    let out = stdout(&output);
    assert!(output.status.success(), "{out}");
    assert!(
        out.contains("phương án 1: 100% (ngẫu nhiên 25%)"),
        "the share at each position: {out}"
    );
    assert!(
        out.contains("lech.toml: đáp án đúng của câu «single» dồn vào phương án 1: 12 trên 12 câu")
            && out.contains("cảnh báo: "),
        "{out}"
    );
    assert!(out.trim_end().ends_with("no problems, 1 warning"), "{out}");
}

/// A bank in a temporary folder, checked on `checked`, with one question per `(text,
/// explanation, source)`.
fn bank_with(checked: &str, questions: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut toml = format!(
        "id = \"luat\"\ntitle = \"Luật\"\ntopic = \"chinh-phu-so\"\nlevels = [\"giao-vien\"]\n\
         language = \"vi\"\nchecked = {checked}\n"
    );
    for (i, (text, explanation, source)) in questions.iter().enumerate() {
        toml.push_str(&format!(
            "\n[[questions]]\nid = \"luat-{i:03}\"\nkind = \"true_false\"\ntext = \"{text}\"\n\
             correct = true\ntime_limit = 20\ndifficulty = 2\n\
             explanation = \"{explanation}\"\nsource = \"{source}\"\n"
        ));
    }
    std::fs::write(dir.path().join("luat.toml"), toml).unwrap();
    dir
}

#[test]
fn a_question_citing_a_replaced_decree_gets_a_warning_but_passes() {
    let dir = bank_with(
        "2026-12-05",
        &[
            (
                "Nghị định số 13/2023/NĐ-CP quy định về bảo vệ dữ liệu cá nhân.",
                "Nghị định được ban hành năm 2023.",
                "luatvietan.com",
            ),
            (
                "Từ 01/01/2026, Nghị định 356/2025/NĐ-CP thay cho Nghị định 13/2023/NĐ-CP.",
                "Câu hỏi nói về sự thay đổi, nên nêu cả hai văn bản.",
                "frasersvn.com",
            ),
        ],
    );
    // The folder has no superseded.toml: it is checked against the one built in.
    let output = hoithi(&["bank", "check", dir.path().to_str().unwrap()]);
    let out = stdout(&output);
    assert!(output.status.success(), "{out}");
    assert!(
        out.contains(
            "luat.toml [luat-000]: dẫn Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, văn \
             bản đã hết hiệu lực từ 01/01/2026, được thay bằng Nghị định 356/2025/NĐ-CP"
        ) && out.contains("cảnh báo: "),
        "{out}"
    );
    assert!(!out.contains("luat-001"), "{out}");
    assert!(out.trim_end().ends_with("no problems, 1 warning"), "{out}");
}

#[test]
fn a_broken_register_fails_the_check_with_its_reasons() {
    let dir = bank_with("2026-12-05", &[("Câu hỏi.", "Giải thích.", "Nguồn.")]);
    std::fs::write(
        dir.path().join("superseded.toml"),
        "[[instrument]]\nnumber = \"13/2023/NĐ-CP\"\ntitle = \"Về dữ liệu\"\nsource = \"x\"\n",
    )
    .unwrap();
    let output = hoithi(&["bank", "check", dir.path().to_str().unwrap()]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains(
            "superseded.toml: 13/2023/NĐ-CP: tên «Về dữ liệu» phải bắt đầu bằng loại văn bản"
        ),
        "{out}"
    );
    assert!(out.contains("2 problems in"), "{out}");
}

#[test]
fn the_readme_counts_are_the_counts_of_the_bank_files() {
    let output = hoithi(&["bank", "stats", "question-banks"]);
    assert!(output.status.success());
    let counts = stdout(&output);
    let readme = std::fs::read_to_string(format!(
        "{}/question-banks/README.md",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let begin = hoithi::domain::bank_stats::STATS_BEGIN;
    let end = hoithi::domain::bank_stats::STATS_END;
    let block = readme
        .split_once(begin)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(block, _)| block.trim_start_matches('\n'))
        .expect("the README has a counts block");
    assert_eq!(
        block, counts,
        "question-banks/README.md is stale: run `hoithi bank stats --write-readme`"
    );
    assert!(counts.contains("| **total** |"), "{counts}");
}
