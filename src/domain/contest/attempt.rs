//! One attempt, from its first second to its score. The participant may move between
//! questions and change answers until they submit or the time is up; after that nothing
//! changes. Time is the server's (Unix ms), passed in.

use serde::{Deserialize, Serialize};

use super::draw::Drawn;
use super::rules::GRACE_MS;
use crate::domain::question::AnswerShapeError;
use crate::domain::{Answer, Question};

/// Points for each correct answer. The same for every question: two participants draw
/// different questions, and a draw with more of the bank's double-point questions must not be
/// worth more.
pub const POINTS_PER_CORRECT: i64 = 10;

/// The largest prediction accepted (the province has about 600,000 pupils and teachers).
pub const MAX_PREDICTION: i64 = 10_000_000;

/// An attempt as it is stored: what was drawn, what was answered (in the ids the participant
/// saw), and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub started_at: i64,
    pub deadline: i64,
    pub seed: u64,
    pub questions: Vec<Drawn>,
    /// One per question, in the attempt's order.
    pub answers: Vec<Option<Answered>>,
    pub prediction: Option<i64>,
    pub submitted_at: Option<i64>,
}

/// An answer as the participant last gave it (in the ids they saw), with the server's time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answered {
    pub answer: Answer,
    pub at: i64,
}

/// What a submitted attempt is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scored {
    pub correct: u16,
    pub score: i64,
    /// From the start to the submission, at most the time limit.
    pub time_ms: i64,
    pub submitted_at: i64,
}

/// Why an answer or a submission is refused. Nothing changes when one is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttemptError {
    #[error("the attempt has been submitted")]
    Submitted,
    #[error("the attempt's time is over")]
    TimeOver,
    #[error("the attempt has no question {0}")]
    NoSuchQuestion(usize),
    #[error("{0}")]
    Shape(AnswerShapeError),
    #[error("a prediction is a whole number from 0 to {MAX_PREDICTION}")]
    Prediction,
}

impl Attempt {
    pub fn new(started_at: i64, time_limit_ms: i64, seed: u64, questions: Vec<Drawn>) -> Attempt {
        Attempt {
            started_at,
            deadline: started_at + time_limit_ms,
            seed,
            answers: vec![None; questions.len()],
            questions,
            prediction: None,
            submitted_at: None,
        }
    }

    /// Milliseconds left at `now` (0 once over).
    pub fn remaining_ms(&self, now: i64) -> i64 {
        (self.deadline - now).max(0)
    }

    /// Open: not submitted and the clock (with its grace) still running.
    pub fn is_open(&self, now: i64) -> bool {
        self.submitted_at.is_none() && now <= self.deadline + GRACE_MS
    }

    fn check_open(&self, now: i64) -> Result<(), AttemptError> {
        if self.submitted_at.is_some() {
            Err(AttemptError::Submitted)
        } else if now > self.deadline + GRACE_MS {
            Err(AttemptError::TimeOver)
        } else {
            Ok(())
        }
    }

    /// Records (or replaces) the answer to question `index`; `shown` is that question as the
    /// participant saw it (its options under the attempt's labels).
    pub fn answer(
        &mut self,
        now: i64,
        index: usize,
        shown: &Question,
        answer: Answer,
    ) -> Result<(), AttemptError> {
        self.check_open(now)?;
        if index >= self.questions.len() {
            return Err(AttemptError::NoSuchQuestion(index));
        }
        shown.check_shape(&answer).map_err(AttemptError::Shape)?;
        self.answers[index] = Some(Answered { answer, at: now });
        Ok(())
    }

    pub fn predict(&mut self, now: i64, value: i64) -> Result<(), AttemptError> {
        self.check_open(now)?;
        if !(0..=MAX_PREDICTION).contains(&value) {
            return Err(AttemptError::Prediction);
        }
        self.prediction = Some(value);
        Ok(())
    }

    /// Submits at `now`. An attempt whose time is over is submitted by the server as it stood
    /// at the deadline (any time after it; see [`Attempt::expire`]); this is for the
    /// participant, so it is refused after the grace.
    pub fn submit(&mut self, now: i64, shown: &[Question]) -> Result<Scored, AttemptError> {
        self.check_open(now)?;
        Ok(self.close(now.min(self.deadline), shown))
    }

    /// The server's submission of an attempt whose time ran out: at its deadline, with what
    /// it has. `None` while the attempt is still open or already submitted.
    pub fn expire(&mut self, now: i64, shown: &[Question]) -> Option<Scored> {
        (self.submitted_at.is_none() && now > self.deadline + GRACE_MS)
            .then(|| self.close(self.deadline, shown))
    }

    fn close(&mut self, at: i64, shown: &[Question]) -> Scored {
        self.submitted_at = Some(at);
        self.score(shown).expect("just submitted")
    }

    /// The score of a submitted attempt (`None` before it is submitted).
    pub fn score(&self, shown: &[Question]) -> Option<Scored> {
        let submitted_at = self.submitted_at?;
        let correct = self
            .answers
            .iter()
            .zip(shown)
            .filter(|(a, q)| a.as_ref().is_some_and(|a| q.is_correct(&a.answer)))
            .count() as u16;
        Some(Scored {
            correct,
            score: i64::from(correct) * POINTS_PER_CORRECT,
            time_ms: submitted_at - self.started_at,
            submitted_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::option_labels::apply;
    use crate::domain::question::tests::single;

    const T0: i64 = 1_796_605_200_000;

    /// Three single-choice questions whose bank key is option 1, shown with option ids
    /// reversed: the shown key is 4.
    fn attempt() -> (Attempt, Vec<Question>) {
        let drawn: Vec<Drawn> = (0..3)
            .map(|i| Drawn {
                bank: "b".into(),
                id: format!("q{i}"),
                labels: vec![4, 3, 2, 1],
            })
            .collect();
        let shown = drawn
            .iter()
            .map(|d| apply(&single(1, 4), &d.labels()))
            .collect();
        (Attempt::new(T0, 600_000, 42, drawn), shown)
    }

    #[test]
    fn answers_change_until_the_submission_and_score_in_shown_ids() {
        let (mut a, shown) = attempt();
        a.answer(T0 + 1_000, 0, &shown[0], Answer::Options(vec![1]))
            .unwrap();
        a.answer(T0 + 2_000, 0, &shown[0], Answer::Options(vec![4]))
            .unwrap();
        a.answer(T0 + 3_000, 2, &shown[2], Answer::Options(vec![4]))
            .unwrap();
        a.predict(T0 + 4_000, 12_345).unwrap();
        let scored = a.submit(T0 + 65_000, &shown).unwrap();
        assert_eq!(
            scored,
            Scored {
                correct: 2,
                score: 20,
                time_ms: 65_000,
                submitted_at: T0 + 65_000
            }
        );
        let before = a.clone();
        assert_eq!(
            a.answer(T0 + 66_000, 1, &shown[1], Answer::Options(vec![4])),
            Err(AttemptError::Submitted)
        );
        assert_eq!(a.submit(T0 + 66_000, &shown), Err(AttemptError::Submitted));
        assert_eq!(a, before, "a refusal changes nothing");
    }

    #[test]
    fn refusals_change_nothing() {
        let (mut a, shown) = attempt();
        let before = a.clone();
        let table = [
            (
                a.clone().answer(T0, 3, &shown[0], Answer::Options(vec![1])),
                AttemptError::NoSuchQuestion(3),
            ),
            (
                a.clone().answer(T0, 0, &shown[0], Answer::Options(vec![5])),
                AttemptError::Shape(AnswerShapeError::UnknownOption),
            ),
            (
                a.clone().answer(T0, 0, &shown[0], Answer::Number(1.0)),
                AttemptError::Shape(AnswerShapeError::ExpectedOptions),
            ),
            (a.clone().predict(T0, -1), AttemptError::Prediction),
            (
                a.clone().predict(T0, MAX_PREDICTION + 1),
                AttemptError::Prediction,
            ),
        ];
        for (got, expected) in table {
            assert_eq!(got, Err(expected));
        }
        assert_eq!(a.predict(T0, MAX_PREDICTION), Ok(()));
        assert_ne!(a, before);
    }

    #[test]
    fn the_clock_is_the_servers_with_a_grace_then_the_server_submits() {
        let (mut a, shown) = attempt();
        let deadline = T0 + 600_000;
        // Inside the grace an answer still counts (it was on its way) ...
        a.answer(deadline + GRACE_MS, 0, &shown[0], Answer::Options(vec![4]))
            .unwrap();
        assert_eq!(a.expire(deadline + GRACE_MS, &shown), None, "not over yet");
        // ... after it, nothing is taken, and the server submits what it has at the deadline.
        assert_eq!(
            a.answer(
                deadline + GRACE_MS + 1,
                1,
                &shown[1],
                Answer::Options(vec![4])
            ),
            Err(AttemptError::TimeOver)
        );
        assert_eq!(
            a.submit(deadline + GRACE_MS + 1, &shown),
            Err(AttemptError::TimeOver)
        );
        let scored = a.expire(deadline + 60_000, &shown).unwrap();
        assert_eq!(
            (scored.correct, scored.time_ms, scored.submitted_at),
            (1, 600_000, deadline)
        );
        assert_eq!(a.expire(deadline + 70_000, &shown), None, "once");
        assert_eq!(a.remaining_ms(T0 + 1), 599_999);
        assert_eq!(a.remaining_ms(deadline + 5), 0);
    }

    #[test]
    fn a_submission_in_the_grace_counts_the_full_time_not_more() {
        let (mut a, shown) = attempt();
        let scored = a.submit(T0 + 600_000 + 1_500, &shown).unwrap();
        assert_eq!(scored.time_ms, 600_000);
    }
}
