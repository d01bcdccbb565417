//! The Kahoot quiz spreadsheet, which many teachers already keep their questions in: a header
//! with "Question", "Answer 1"…"Answer 4", "Time limit (sec)" and "Correct answer(s)" (numbers
//! such as "1,3"), under a few rows of instructions. Columns are found by their header text,
//! so the numbering column and extra columns do not matter.
//!
//! Kahoot has no explanation or source. A teacher's class bank needs neither, so a plain Kahoot
//! file imports there; a bank for official contests needs both (see `bank::Purpose`): a sheet
//! may add columns headed "Giải thích" (or "Explanation") and "Nguồn" (or "Source"), and the
//! importer's source setting fills an empty source.
//! A row with one correct answer is `single`, with several `multiple`; time limit 20 s when
//! empty, points standard, difficulty 2 (Kahoot does not say).

use super::super::bank::RawQuestion;
use super::super::question::MAX_OPTIONS;
use super::super::text;
use super::cells::{self, get};
use super::template;
use super::RowResult;

/// The time limit of a row that gives none (Kahoot's own default).
const DEFAULT_TIME_LIMIT: u32 = 20;
/// Kahoot has no difficulty; an imported question is "medium" until a reviewer says otherwise.
const DEFAULT_DIFFICULTY: u8 = 2;

/// Where each column of a Kahoot header row is.
#[derive(Debug, Clone)]
pub struct Columns {
    question: usize,
    answers: Vec<Option<usize>>,
    time_limit: Option<usize>,
    correct: usize,
    explanation: Option<usize>,
    source: Option<usize>,
}

impl Columns {
    /// The columns of `row` when it is a Kahoot header row.
    pub fn find(row: &[String]) -> Option<Columns> {
        let mut question = None;
        let mut answers = vec![None; MAX_OPTIONS];
        let (mut time_limit, mut correct, mut explanation, mut source) = (None, None, None, None);
        for (c, cell) in row.iter().enumerate() {
            let fold = text::fold(cell);
            let words: Vec<&str> = fold.split(' ').collect();
            let starts = |prefix: &[&str]| words.starts_with(prefix);
            let slot = if starts(&["question"]) || starts(&["cau", "hoi"]) {
                &mut question
            } else if starts(&["time", "limit"]) || starts(&["thoi", "gian"]) {
                &mut time_limit
            } else if starts(&["correct", "answer"]) || starts(&["dap", "an", "dung"]) {
                &mut correct
            } else if starts(&["explanation"]) || starts(&["giai", "thich"]) {
                &mut explanation
            } else if starts(&["source"]) || starts(&["nguon"]) {
                &mut source
            } else if let Some(n) = answer_number(&words) {
                &mut answers[n - 1]
            } else {
                continue;
            };
            slot.get_or_insert(c);
        }
        if answers[0].is_none() || answers[1].is_none() {
            return None;
        }
        Some(Columns {
            question: question?,
            answers,
            time_limit,
            correct: correct?,
            explanation,
            source,
        })
    }

    pub(super) fn is_blank(&self, row: &[String]) -> bool {
        let columns = [Some(self.question), Some(self.correct), self.time_limit]
            .into_iter()
            .chain(self.answers.iter().copied());
        columns.flatten().all(|c| get(row, Some(c)).is_empty())
    }

    /// One question row.
    pub(super) fn read(
        &self,
        row: &[String],
        default_id: String,
        source: Option<&str>,
    ) -> RowResult {
        let mut errors = Vec::new();
        let options = template::options(
            self.answers.iter().map(|&c| get(row, c)).collect(),
            &mut errors,
        );
        let correct_text = get(row, Some(self.correct));
        let numbers = cells::option_numbers(&correct_text).unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        });
        if correct_text.is_empty() {
            errors
                .push("chưa có đáp án đúng: hãy ghi số thứ tự của đáp án, ví dụ 2 hoặc 1,3".into());
        }
        let time_text = get(row, self.time_limit);
        let time_limit = match cells::whole(&time_text) {
            _ if time_text.is_empty() => DEFAULT_TIME_LIMIT,
            Some(n) if (0..=i64::from(u32::MAX)).contains(&n) => n as u32,
            _ => {
                errors.push(format!(
                    "thời gian trả lời {time_text:?} không phải là số giây nguyên"
                ));
                DEFAULT_TIME_LIMIT
            }
        };
        let mut source_text = get(row, self.source);
        if source_text.is_empty() {
            source_text = source.map(text::normalize).unwrap_or_default();
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let (kind, correct) = match numbers.as_slice() {
            [one] => ("single", toml::Value::Integer(*one)),
            many => (
                "multiple",
                toml::Value::Array(many.iter().copied().map(toml::Value::Integer).collect()),
            ),
        };
        Ok(RawQuestion {
            id: default_id,
            kind: kind.into(),
            text: get(row, Some(self.question)),
            image: None,
            options: Some(options),
            correct: Some(correct),
            tolerance: None,
            time_limit,
            points: None,
            difficulty: DEFAULT_DIFFICULTY,
            explanation: get(row, self.explanation),
            source: source_text,
        })
    }
}

/// `n` for a header "Answer n …" (or "Đáp án n", "Phương án n"), 1 ≤ n ≤ MAX_OPTIONS.
fn answer_number(words: &[&str]) -> Option<usize> {
    let n = match words {
        ["answer", n, ..] | ["dap", "an", n, ..] | ["phuong", "an", n, ..] => n.parse().ok()?,
        _ => return None,
    };
    (1..=MAX_OPTIONS).contains(&n).then_some(n)
}
