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
        &["hong-trung-ma.toml:20 [tm-001]: duplicate question id (first at line 9)"],
    ),
    (
        "near-duplicate-text",
        &["hong-gan-trung.toml [gt-002]: question text nearly repeats question gt-001 in \
           tests/fixtures/banks-broken/near-duplicate-text/hong-gan-trung.toml"],
    ),
    (
        "missing-correct",
        &["hong-thieu-dap-an.toml:9 [td-001]: single needs exactly one correct option number in 1..=4"],
    ),
    (
        "correct-out-of-range",
        &[
            "hong-dap-an-ngoai-khoang.toml:9 [dk-001]: single needs exactly one correct option number in 1..=4",
            "hong-dap-an-ngoai-khoang.toml:20 [dk-002]: multiple needs a list of distinct correct option numbers in 1..=4",
        ],
    ),
    (
        "single-two-correct",
        &["hong-hai-dap-an.toml:9 [hd-001]: single needs exactly one correct option number in 1..=4"],
    ),
    (
        "repeated-options",
        &["hong-lap-phuong-an.toml:9 [lp-001]: option \"không đưa và  báo cho người lớn\" repeats another option"],
    ),
    (
        "not-nfc",
        &["hong-chua-chuan-hoa.toml:9 [cn-001]: text is not in Unicode NFC"],
    ),
    (
        "empty-explanation",
        &["hong-thieu-giai-thich.toml:9 [gth-001]: explanation is empty"],
    ),
    (
        "missing-source",
        &["hong-thieu-nguon.toml:9 [tn-001]: source is empty"],
    ),
    (
        "text-too-long",
        &["hong-qua-dai.toml:9 [qd-001]: text has 397 characters, more than 300 fit a phone screen"],
    ),
    (
        "missing-image",
        &["hong-thieu-hinh.toml:9 [th-001]: image \"tin-nhan-otp.png\" does not exist beside the bank"],
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
    let begin = hoithi::banks::cli::STATS_BEGIN;
    let end = hoithi::banks::cli::STATS_END;
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
