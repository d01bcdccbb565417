//! What a participant's phone receives of an attempt. The key, the explanation and the source
//! are in it only when the round's reveal policy allows ([`RoundRules::may_reveal`]); the
//! option ids are the attempt's own.

use serde::Serialize;

use crate::domain::contest::{Attempt, RoundRules};
use crate::domain::{Answer, AnswerKey, OptionId, Question, QuestionKind};

#[derive(Debug, Serialize)]
pub struct AttemptView {
    pub id: i64,
    pub round: String,
    pub started_at: i64,
    pub deadline: i64,
    /// By the server's clock when the view was made: a phone counts down from it.
    pub remaining_ms: i64,
    pub submitted: bool,
    pub questions: Vec<QuestionView>,
    pub prediction: PredictionView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<ResultView>,
    /// Whether the key and explanations are in this view.
    pub revealed: bool,
}

#[derive(Debug, Serialize)]
pub struct QuestionView {
    pub kind: QuestionKind,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    pub options: Vec<OptionView>,
    /// The participant's answer, in the attempt's ids.
    pub answer: Option<Answer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyView>,
}

#[derive(Debug, Serialize)]
pub struct OptionView {
    pub id: OptionId,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct KeyView {
    /// Correct ids (in order for an ordering question).
    pub correct: Vec<OptionId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    pub right: bool,
    pub explanation: String,
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct PredictionView {
    pub text: String,
    pub value: Option<i64>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ResultView {
    pub correct: u16,
    pub of: usize,
    pub score: i64,
    pub time_ms: i64,
}

/// The view of `attempt` (its questions `shown` under its labels) at `now`.
pub fn attempt_view(
    id: i64,
    round: &str,
    rules: &RoundRules,
    attempt: &Attempt,
    shown: &[Question],
    now: i64,
    image_base: &str,
) -> AttemptView {
    let submitted = attempt.submitted_at.is_some();
    let revealed = rules.may_reveal(now, submitted);
    let questions = shown
        .iter()
        .zip(&attempt.answers)
        .map(|(q, answered)| {
            let answer = answered.as_ref().map(|a| a.answer.clone());
            let key = revealed.then(|| KeyView {
                correct: q.correct_ids().to_vec(),
                value: match q.key {
                    AnswerKey::Number { value, .. } => Some(value),
                    _ => None,
                },
                right: answer.as_ref().is_some_and(|a| q.is_correct(a)),
                explanation: q.explanation.clone(),
                source: q.source.clone(),
            });
            QuestionView {
                kind: q.kind,
                text: q.text.clone(),
                image: q
                    .image
                    .as_ref()
                    .map(|img| format!("{image_base}/{}/{img}", q.bank)),
                options: q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, text)| OptionView {
                        id: i as OptionId + 1,
                        text: text.clone(),
                    })
                    .collect(),
                answer,
                key,
            }
        })
        .collect();
    AttemptView {
        id,
        round: round.to_owned(),
        started_at: attempt.started_at,
        deadline: attempt.deadline,
        remaining_ms: if submitted {
            0
        } else {
            attempt.remaining_ms(now)
        },
        submitted,
        questions,
        prediction: PredictionView {
            text: rules.prediction.clone(),
            value: attempt.prediction,
        },
        result: attempt.score(shown).map(|s| ResultView {
            correct: s.correct,
            of: shown.len(),
            score: s.score,
            time_ms: s.time_ms,
        }),
        revealed,
    }
}
