//! A question as the game plays it: what is asked, how it is answered and what it is worth.
//! Banks ([`super::bank`]) parse into these; the game never sees TOML.

use serde::{Deserialize, Serialize};

/// An option's number within its question, 1-based. In a bank (and in the database), the order
/// the bank lists the options; in a game, a number drawn for that game
/// ([`super::option_labels`]), the same on the projector and every phone, never the bank's.
pub type OptionId = u8;

/// The most options a choice or ordering question may have (the projector shows at most six
/// coloured shapes).
pub const MAX_OPTIONS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Exactly one option is correct.
    Single,
    /// One or more options are correct; all of them, and only them, must be chosen.
    Multiple,
    /// Two options, «Đúng» (id 1) and «Sai» (id 2).
    TrueFalse,
    /// Put the options in order; the bank lists them in the correct order.
    Ordering,
    /// Type a number; correct within a tolerance.
    Numeric,
}

impl QuestionKind {
    /// The kind's name in bank files and spreadsheets (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::TrueFalse => "true_false",
            QuestionKind::Ordering => "ordering",
            QuestionKind::Numeric => "numeric",
        }
    }

    /// The kind's name as a teacher reads it: the words of the pages (`web/i18n/vi.js`,
    /// `kind.*`), so a report says what the editor said.
    pub fn name_vi(self) -> &'static str {
        match self {
            QuestionKind::Single => "Một đáp án",
            QuestionKind::Multiple => "Nhiều đáp án",
            QuestionKind::TrueFalse => "Đúng / Sai",
            QuestionKind::Ordering => "Sắp xếp thứ tự",
            QuestionKind::Numeric => "Điền số",
        }
    }
}

/// What a correct answer is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerKey {
    /// The set of correct option ids (single, multiple, true/false), sorted, no repeats.
    Options { ids: Vec<OptionId> },
    /// The correct order of option ids (ordering).
    Order { ids: Vec<OptionId> },
    /// A number and the absolute tolerance around it (numeric).
    Number { value: f64, tolerance: f64 },
}

/// What a player sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// Chosen option ids (single, multiple, true/false) or an ordering of all ids (ordering).
    Options(Vec<OptionId>),
    /// A typed number (numeric).
    Number(f64),
}

/// Why an answer is not an answer to this question at all (as opposed to a wrong one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AnswerShapeError {
    #[error("this question expects option ids")]
    ExpectedOptions,
    #[error("this question expects a number")]
    ExpectedNumber,
    #[error("an option id is not an option of this question")]
    UnknownOption,
    #[error("an option is chosen twice")]
    RepeatedOption,
    #[error("the number of chosen options does not fit this question")]
    WrongCount,
    #[error("the number is not finite")]
    NotFinite,
}

/// Points a question is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Points {
    /// A warm-up question: answered and shown, worth nothing.
    None,
    #[default]
    Standard,
    Double,
}

impl Points {
    /// The most a correct answer can earn (before any streak bonus).
    pub fn max(self) -> u32 {
        match self {
            Points::None => 0,
            Points::Standard => 1000,
            Points::Double => 2000,
        }
    }
}

/// A question's time limit: 5–240 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct TimeLimit(u32);

impl TimeLimit {
    pub const MIN_SECS: u32 = 5;
    pub const MAX_SECS: u32 = 240;

    pub fn from_secs(secs: u32) -> Result<Self, String> {
        if (Self::MIN_SECS..=Self::MAX_SECS).contains(&secs) {
            Ok(TimeLimit(secs))
        } else {
            Err(format!(
                "thời gian trả lời («time_limit») phải từ {} đến {} giây (đang ghi {secs})",
                Self::MIN_SECS,
                Self::MAX_SECS
            ))
        }
    }

    pub fn secs(self) -> u32 {
        self.0
    }

    pub fn millis(self) -> u64 {
        u64::from(self.0) * 1000
    }
}

impl TryFrom<u32> for TimeLimit {
    type Error = String;
    fn try_from(secs: u32) -> Result<Self, String> {
        TimeLimit::from_secs(secs)
    }
}

impl From<TimeLimit> for u32 {
    fn from(t: TimeLimit) -> u32 {
        t.0
    }
}

/// One question, ready to play. Built by the bank parser, which has checked it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable id within its bank, e.g. `th-mk-001`.
    pub id: String,
    /// The bank the question came from (empty for questions typed into a quiz).
    #[serde(default)]
    pub bank: String,
    pub kind: QuestionKind,
    pub text: String,
    /// File name of an image beside the bank, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Option texts; ids are positions + 1 (the bank's order, or a game's relabelled order).
    /// Empty for numeric questions.
    #[serde(default)]
    pub options: Vec<String>,
    pub key: AnswerKey,
    pub time_limit: TimeLimit,
    pub points: Points,
    /// 1 easy … 3 hard.
    pub difficulty: u8,
    /// Giải thích: shown to everyone after the reveal.
    pub explanation: String,
    /// The law, decree or official page the question rests on.
    pub source: String,
}

impl Question {
    /// Checks that `answer` is a well-formed answer to this question (right shape, known ids,
    /// no repeats, a count that fits the kind). A well-formed answer may still be wrong.
    pub fn check_shape(&self, answer: &Answer) -> Result<(), AnswerShapeError> {
        match (self.kind, answer) {
            (QuestionKind::Numeric, Answer::Number(n)) => {
                if n.is_finite() {
                    Ok(())
                } else {
                    Err(AnswerShapeError::NotFinite)
                }
            }
            (QuestionKind::Numeric, Answer::Options(_)) => Err(AnswerShapeError::ExpectedNumber),
            (_, Answer::Number(_)) => Err(AnswerShapeError::ExpectedOptions),
            (kind, Answer::Options(ids)) => {
                let n = self.options.len();
                let mut seen = [false; 256];
                for &id in ids {
                    if id == 0 || usize::from(id) > n {
                        return Err(AnswerShapeError::UnknownOption);
                    }
                    if std::mem::replace(&mut seen[usize::from(id)], true) {
                        return Err(AnswerShapeError::RepeatedOption);
                    }
                }
                let count_ok = match kind {
                    QuestionKind::Single | QuestionKind::TrueFalse => ids.len() == 1,
                    QuestionKind::Multiple => !ids.is_empty(),
                    QuestionKind::Ordering => ids.len() == n,
                    QuestionKind::Numeric => unreachable!("handled above"),
                };
                if count_ok {
                    Ok(())
                } else {
                    Err(AnswerShapeError::WrongCount)
                }
            }
        }
    }

    /// Whether a well-formed answer is correct. A multiple-choice answer is correct only when
    /// it chooses every correct option and nothing else.
    pub fn is_correct(&self, answer: &Answer) -> bool {
        match (&self.key, answer) {
            (AnswerKey::Options { ids: key }, Answer::Options(ids)) => {
                let mut chosen = ids.clone();
                chosen.sort_unstable();
                chosen == *key
            }
            (AnswerKey::Order { ids: key }, Answer::Options(ids)) => ids == key,
            (AnswerKey::Number { value, tolerance }, Answer::Number(n)) => {
                (n - value).abs() <= *tolerance + f64::EPSILON * value.abs().max(1.0)
            }
            _ => false,
        }
    }

    /// Option ids that are correct, for the reveal (empty for numeric questions).
    pub fn correct_ids(&self) -> &[OptionId] {
        match &self.key {
            AnswerKey::Options { ids } | AnswerKey::Order { ids } => ids,
            AnswerKey::Number { .. } => &[],
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn kind_names_are_the_pages_words() {
        let pages = include_str!("../../web/i18n/vi.js");
        for kind in [
            QuestionKind::Single,
            QuestionKind::Multiple,
            QuestionKind::TrueFalse,
            QuestionKind::Ordering,
            QuestionKind::Numeric,
        ] {
            let line = format!("'kind.{}': '{}',", kind.as_str(), kind.name_vi());
            assert!(pages.contains(&line), "web/i18n/vi.js lacks {line}");
        }
    }

    pub fn single(correct: OptionId, options: usize) -> Question {
        Question {
            id: "q".into(),
            bank: String::new(),
            kind: QuestionKind::Single,
            text: "Câu hỏi?".into(),
            image: None,
            options: (1..=options).map(|i| format!("Phương án {i}")).collect(),
            key: AnswerKey::Options { ids: vec![correct] },
            time_limit: TimeLimit::from_secs(20).unwrap(),
            points: Points::Standard,
            difficulty: 1,
            explanation: "Vì vậy.".into(),
            source: "Nguồn".into(),
        }
    }

    #[test]
    fn single_choice_is_correct_only_with_the_key() {
        let q = single(2, 4);
        assert!(q.is_correct(&Answer::Options(vec![2])));
        assert!(!q.is_correct(&Answer::Options(vec![1])));
    }

    #[test]
    fn multiple_needs_every_correct_option_and_nothing_else() {
        let mut q = single(1, 4);
        q.kind = QuestionKind::Multiple;
        q.key = AnswerKey::Options { ids: vec![1, 3] };
        assert!(q.is_correct(&Answer::Options(vec![3, 1])));
        assert!(!q.is_correct(&Answer::Options(vec![1])));
        assert!(!q.is_correct(&Answer::Options(vec![1, 3, 4])));
    }

    #[test]
    fn ordering_needs_the_exact_order() {
        let mut q = single(1, 3);
        q.kind = QuestionKind::Ordering;
        q.key = AnswerKey::Order { ids: vec![1, 2, 3] };
        assert!(q.is_correct(&Answer::Options(vec![1, 2, 3])));
        assert!(!q.is_correct(&Answer::Options(vec![2, 1, 3])));
        assert_eq!(
            q.check_shape(&Answer::Options(vec![1, 2])),
            Err(AnswerShapeError::WrongCount)
        );
    }

    #[test]
    fn numeric_accepts_within_tolerance() {
        let mut q = single(1, 0);
        q.kind = QuestionKind::Numeric;
        q.key = AnswerKey::Number {
            value: 43.0,
            tolerance: 0.0,
        };
        assert!(q.is_correct(&Answer::Number(43.0)));
        assert!(!q.is_correct(&Answer::Number(42.0)));
        assert_eq!(
            q.check_shape(&Answer::Number(f64::NAN)),
            Err(AnswerShapeError::NotFinite)
        );
        assert_eq!(
            q.check_shape(&Answer::Options(vec![1])),
            Err(AnswerShapeError::ExpectedNumber)
        );
    }

    #[test]
    fn shape_errors_are_caught_before_scoring() {
        let q = single(2, 4);
        assert_eq!(
            q.check_shape(&Answer::Options(vec![5])),
            Err(AnswerShapeError::UnknownOption)
        );
        assert_eq!(
            q.check_shape(&Answer::Options(vec![0])),
            Err(AnswerShapeError::UnknownOption)
        );
        assert_eq!(
            q.check_shape(&Answer::Options(vec![1, 2])),
            Err(AnswerShapeError::WrongCount)
        );
        assert_eq!(
            q.check_shape(&Answer::Options(vec![])),
            Err(AnswerShapeError::WrongCount)
        );
        assert_eq!(
            q.check_shape(&Answer::Number(1.0)),
            Err(AnswerShapeError::ExpectedOptions)
        );
        assert_eq!(q.check_shape(&Answer::Options(vec![2])), Ok(()));
    }

    #[test]
    fn time_limit_bounds() {
        assert!(TimeLimit::from_secs(4).is_err());
        assert!(TimeLimit::from_secs(5).is_ok());
        assert!(TimeLimit::from_secs(240).is_ok());
        assert!(TimeLimit::from_secs(241).is_err());
    }
}
