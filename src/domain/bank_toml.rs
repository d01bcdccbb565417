//! Writing a bank back as TOML, in the layout of `question-banks/README.md`: what the
//! spreadsheet importer saves, so an imported bank is a file a reviewer reads in a diff like
//! any hand-written one. [`super::bank::parse`] of the output gives the same bank back.

use std::fmt::Write as _;

use super::bank::Bank;
use super::question::{AnswerKey, OptionId, Points, Question, QuestionKind};

/// The bank as TOML text.
pub fn to_toml(bank: &Bank) -> String {
    let mut out = String::new();
    let levels: Vec<String> = bank.levels.iter().map(|l| string(l.as_str())).collect();
    // `writeln!` into a String cannot fail.
    let _ = writeln!(out, "id = {}", string(&bank.id));
    let _ = writeln!(out, "title = {}", string(&bank.title));
    let _ = writeln!(out, "topic = {}", string(bank.topic.as_str()));
    let _ = writeln!(out, "levels = [{}]", levels.join(", "));
    let _ = writeln!(out, "language = {}", string(&bank.language));
    // A bare TOML date, as the format requires (not a string).
    let _ = writeln!(out, "checked = {}", bank.checked);
    for q in &bank.questions {
        out.push('\n');
        question(&mut out, q);
    }
    out
}

fn question(out: &mut String, q: &Question) {
    let _ = writeln!(out, "[[questions]]");
    let _ = writeln!(out, "id = {}", string(&q.id));
    let _ = writeln!(out, "kind = {}", string(q.kind.as_str()));
    let _ = writeln!(out, "text = {}", string(&q.text));
    if let Some(image) = &q.image {
        let _ = writeln!(out, "image = {}", string(image));
    }
    match (&q.kind, &q.key) {
        (QuestionKind::TrueFalse, AnswerKey::Options { ids }) => {
            let _ = writeln!(out, "correct = {}", ids == &[1]);
        }
        (QuestionKind::Ordering, AnswerKey::Order { ids }) => {
            // An ordering question lists its options in the correct order.
            options(out, ids.iter().map(|&id| option(q, id)));
        }
        (QuestionKind::Multiple, AnswerKey::Options { ids }) => {
            options(out, q.options.iter().map(String::as_str));
            let ids: Vec<String> = ids.iter().map(OptionId::to_string).collect();
            let _ = writeln!(out, "correct = [{}]", ids.join(", "));
        }
        (_, AnswerKey::Options { ids }) => {
            options(out, q.options.iter().map(String::as_str));
            let ids: Vec<String> = ids.iter().map(OptionId::to_string).collect();
            let _ = writeln!(out, "correct = {}", ids.join(", "));
        }
        (_, AnswerKey::Number { value, tolerance }) => {
            let _ = writeln!(out, "correct = {}", number(*value));
            if *tolerance != 0.0 {
                let _ = writeln!(out, "tolerance = {}", number(*tolerance));
            }
        }
        (_, AnswerKey::Order { ids }) => {
            options(out, ids.iter().map(|&id| option(q, id)));
        }
    }
    let _ = writeln!(out, "time_limit = {}", q.time_limit.secs());
    let _ = writeln!(out, "points = {}", string(points_str(q.points)));
    let _ = writeln!(out, "difficulty = {}", q.difficulty);
    let _ = writeln!(out, "explanation = {}", string(&q.explanation));
    let _ = writeln!(out, "source = {}", string(&q.source));
}

fn option(q: &Question, id: OptionId) -> &str {
    q.options
        .get(usize::from(id).wrapping_sub(1))
        .map_or("", String::as_str)
}

/// One option per line, so a changed option is a one-line diff.
fn options<'a>(out: &mut String, options: impl Iterator<Item = &'a str>) {
    let _ = writeln!(out, "options = [");
    for o in options {
        let _ = writeln!(out, "  {},", string(o));
    }
    let _ = writeln!(out, "]");
}

/// The name of a points setting in bank files.
pub fn points_str(points: Points) -> &'static str {
    match points {
        Points::None => "none",
        Points::Standard => "standard",
        Points::Double => "double",
    }
}

/// A TOML string literal; the toml crate does the escaping.
fn string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A number as TOML reads it back to the same `f64`: whole numbers as integers (as writers
/// type them, `correct = 1945`), others in Rust's shortest round-trip form.
pub fn number(n: f64) -> String {
    // Within ±2^53 every whole f64 is exactly an i64.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        format!("{}", n as i64)
    } else {
        format!("{n:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bank;

    const BANK: &str = r#"
id = "vi-du"
title = "Ví dụ \"có ngoặc\" \\ và dấu"
topic = "chinh-phu-so"
levels = ["thcs", "thpt"]
language = "vi"
checked = 2026-11-25

[[questions]]
id = "vd-1"
kind = "multiple"
text = "Dòng một\nDòng hai"
options = ["A", "B", "C"]
correct = [1, 3]
time_limit = 30
difficulty = 2
explanation = "Vì."
source = "Nguồn"

[[questions]]
id = "vd-2"
kind = "numeric"
text = "Bao nhiêu?"
correct = 0.1
tolerance = 0.05
time_limit = 30
points = "none"
difficulty = 3
explanation = "Vì."
source = "Nguồn"

[[questions]]
id = "vd-3"
kind = "ordering"
text = "Sắp xếp"
options = ["Một", "Hai", "Ba"]
time_limit = 30
difficulty = 1
explanation = "Vì."
source = "Nguồn"

[[questions]]
id = "vd-4"
kind = "true_false"
text = "Đúng không?"
correct = true
time_limit = 10
points = "double"
difficulty = 1
explanation = "Vì."
source = "Nguồn"
"#;

    #[test]
    fn a_written_bank_parses_back_to_the_same_bank() {
        let none = |_: &str| false;
        let bank = bank::parse("a.toml", BANK, &none).unwrap();
        let text = to_toml(&bank);
        let again = bank::parse("b.toml", &text, &none).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(again, bank);
        assert!(text.contains("checked = 2026-11-25\n"), "{text}");
        assert!(text.contains("correct = [1, 3]\n"), "{text}");
    }

    #[test]
    fn numbers_keep_their_value() {
        assert_eq!(number(1945.0), "1945");
        assert_eq!(number(-0.5), "-0.5");
        assert_eq!(number(1e300), "1e300");
        for n in [0.1, 1.0 / 3.0, 1e300, -7.0] {
            let v: toml::Value =
                toml::from_str::<toml::Table>(&format!("x = {}", number(n))).unwrap()["x"].clone();
            assert_eq!(v.as_float().or(v.as_integer().map(|i| i as f64)), Some(n));
        }
    }
}
