//! A question a teacher types into the quiz editor. It passes exactly the rules a question of a
//! teacher's class bank passes when imported from a spreadsheet (`bank::parse_question` with
//! [`Purpose::Class`]): the editor is one more way to write a row, not a second rule book.
//! The editor's own questions live in the teacher's own class bank ([`own_bank_id`]).

use serde::Deserialize;

use super::bank::{self, Purpose, RawQuestion};
use super::{text, AccountId, Question};

/// A question as the editor sends it. Which fields matter depends on `kind`: `correct` for
/// single and multiple (1-based option numbers), `truth` for true/false, `value` and
/// `tolerance` for numeric; ordering lists its options in the right order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    pub kind: String,
    pub text: String,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub correct: Vec<i64>,
    #[serde(default)]
    pub truth: Option<bool>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub tolerance: Option<f64>,
    pub time_limit: u32,
    /// `none`, `standard` (the default) or `double`.
    #[serde(default)]
    pub points: Option<String>,
    #[serde(default)]
    pub explanation: String,
    /// An image uploaded before (its stored name, see [`is_image_name`]).
    #[serde(default)]
    pub image: Option<String>,
}

/// The id of `owner`'s own class bank, where the questions typed in the editor are kept.
pub fn own_bank_id(owner: AccountId) -> String {
    format!("rieng-{}", owner.get())
}

/// Whether `name` has the shape of an uploaded image's stored name: `u-`, 20 lowercase hex
/// digits, `.png` or `.jpg`. Nothing else is looked up, so no path can be smuggled in.
pub fn is_image_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("u-") else {
        return false;
    };
    let Some((hex, ext)) = rest.split_once('.') else {
        return false;
    };
    hex.len() == 20
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && matches!(ext, "png" | "jpg")
}

/// Builds question `id` of bank `bank` from `draft`, or every reason it is not a question (in
/// Vietnamese, as a teacher reads them). Texts are trimmed and NFC-normalized first.
/// `image_exists` answers whether an uploaded image of this teacher has the given name.
pub fn question(
    bank: &str,
    id: &str,
    draft: Draft,
    image_exists: &dyn Fn(&str) -> bool,
) -> Result<Question, Vec<String>> {
    let mut issues = Vec::new();
    let correct = match draft.kind.as_str() {
        "single" => match draft.correct.as_slice() {
            [one] => Some(toml::Value::Integer(*one)),
            _ => None,
        },
        "multiple" => Some(toml::Value::Array(
            draft
                .correct
                .iter()
                .map(|&i| toml::Value::Integer(i))
                .collect(),
        )),
        "true_false" => draft.truth.map(toml::Value::Boolean),
        "numeric" => draft.value.map(toml::Value::Float),
        _ => None,
    };
    if let Some(image) = &draft.image {
        if !is_image_name(image) || !image_exists(image) {
            issues.push("hình ảnh chưa được tải lên hoặc đã bị xoá".to_owned());
        }
    }
    let raw = RawQuestion {
        id: id.to_owned(),
        kind: draft.kind,
        text: text::normalize(&draft.text),
        image: draft.image,
        options: Some(draft.options.iter().map(|o| text::normalize(o)).collect()),
        correct,
        tolerance: draft.tolerance,
        time_limit: draft.time_limit,
        points: draft.points,
        difficulty: 2,
        explanation: text::normalize(&draft.explanation),
        source: String::new(),
    };
    // The image was checked above against the uploads, not against files beside a bank.
    let question = bank::parse_question(bank, raw, Purpose::Class, &|_| true, &mut issues);
    match question {
        Ok(q) if issues.is_empty() => Ok(q),
        _ => Err(issues),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AnswerKey, Points, QuestionKind};

    fn draft(kind: &str) -> Draft {
        Draft {
            kind: kind.into(),
            text: "Câu hỏi thử".into(),
            time_limit: 20,
            ..Draft::default()
        }
    }

    fn options(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("Phương án {i}")).collect()
    }

    const IMAGE: &str = "u-0123456789abcdef0123.png";

    fn build(d: Draft) -> Result<Question, Vec<String>> {
        question("rieng-4", "c-1", d, &|name| name == IMAGE)
    }

    #[test]
    fn every_kind_builds_from_what_the_editor_sends() {
        let single = Draft {
            options: options(4),
            correct: vec![3],
            ..draft("single")
        };
        let multiple = Draft {
            options: options(4),
            correct: vec![4, 1],
            ..draft("multiple")
        };
        let truth = Draft {
            truth: Some(false),
            ..draft("true_false")
        };
        let ordering = Draft {
            options: options(3),
            ..draft("ordering")
        };
        let numeric = Draft {
            value: Some(1.5),
            tolerance: Some(0.5),
            ..draft("numeric")
        };
        let table = [
            (
                single,
                QuestionKind::Single,
                AnswerKey::Options { ids: vec![3] },
            ),
            (
                multiple,
                QuestionKind::Multiple,
                AnswerKey::Options { ids: vec![1, 4] },
            ),
            (
                truth,
                QuestionKind::TrueFalse,
                AnswerKey::Options { ids: vec![2] },
            ),
            (
                ordering,
                QuestionKind::Ordering,
                AnswerKey::Order { ids: vec![1, 2, 3] },
            ),
            (
                numeric,
                QuestionKind::Numeric,
                AnswerKey::Number {
                    value: 1.5,
                    tolerance: 0.5,
                },
            ),
        ];
        for (d, kind, key) in table {
            let q = build(d).unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
            assert_eq!((q.kind, &q.key), (kind, &key));
            assert_eq!(q.bank, "rieng-4");
            assert_eq!(q.points, Points::Standard);
            assert_eq!(q.source, "");
        }
    }

    #[test]
    fn texts_are_trimmed_and_stored_in_nfc() {
        let q = build(Draft {
            text: "  Mã OTP la\u{0300}  ".into(),
            options: vec![" Đúng ".into(), "Sai".into()],
            correct: vec![1],
            explanation: " Vì ... ".into(),
            ..draft("single")
        })
        .unwrap();
        assert_eq!(q.text, "Mã OTP là");
        assert_eq!(q.options, ["Đúng", "Sai"]);
        assert_eq!(q.explanation, "Vì ...");
    }

    #[test]
    fn an_uploaded_image_is_kept_and_an_unknown_one_refused() {
        let with = |image: &str| {
            build(Draft {
                truth: Some(true),
                image: Some(image.into()),
                ..draft("true_false")
            })
        };
        assert_eq!(with(IMAGE).unwrap().image.as_deref(), Some(IMAGE));
        for bad in [
            "u-ffffffffffffffffffff.png",
            "../secret.png",
            "u-0123456789abcdef0123.gif",
            "hinh.png",
        ] {
            assert!(with(bad).is_err(), "{bad}");
        }
    }

    /// Each bad draft is refused with a message that names what to fix.
    #[test]
    fn bad_drafts_are_refused_with_a_reason() {
        let table: Vec<(Draft, &str)> = vec![
            (draft("essay"), "loại câu"),
            (
                Draft {
                    text: "  ".into(),
                    truth: Some(true),
                    ..draft("true_false")
                },
                "để trống",
            ),
            (
                Draft {
                    text: "x".repeat(301),
                    truth: Some(true),
                    ..draft("true_false")
                },
                "300 ký tự",
            ),
            (
                Draft {
                    options: options(4),
                    correct: vec![1, 2],
                    ..draft("single")
                },
                "đúng một đáp án",
            ),
            (
                Draft {
                    options: options(4),
                    correct: vec![5],
                    ..draft("single")
                },
                "từ 1 đến 4",
            ),
            (
                Draft {
                    options: options(4),
                    correct: vec![],
                    ..draft("multiple")
                },
                "danh sách đáp án",
            ),
            (
                Draft {
                    options: options(1),
                    correct: vec![1],
                    ..draft("single")
                },
                "từ 2 đến 6",
            ),
            (
                Draft {
                    options: options(7),
                    ..draft("ordering")
                },
                "từ 2 đến 6",
            ),
            (draft("true_false"), "«true» hoặc «false»"),
            (draft("numeric"), "là một số"),
            (
                Draft {
                    value: Some(3.0),
                    tolerance: Some(-1.0),
                    ..draft("numeric")
                },
                "từ 0 trở lên",
            ),
            (
                Draft {
                    time_limit: 1,
                    truth: Some(true),
                    ..draft("true_false")
                },
                "từ 5 đến 240 giây",
            ),
            (
                Draft {
                    points: Some("triple".into()),
                    truth: Some(true),
                    ..draft("true_false")
                },
                "điểm",
            ),
            (
                Draft {
                    options: vec!["A".into(), "a".into()],
                    correct: vec![1],
                    ..draft("single")
                },
                "trùng",
            ),
        ];
        for (d, expected) in table {
            let kind = d.kind.clone();
            let issues = build(d).expect_err(&kind);
            assert!(
                issues.iter().any(|m| m.contains(expected)),
                "{kind}: {issues:?} should mention {expected:?}"
            );
        }
    }

    #[test]
    fn own_bank_ids_are_bank_slugs() {
        assert_eq!(own_bank_id(AccountId::new(42)), "rieng-42");
    }
}
