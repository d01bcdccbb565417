//! Answers: from a phone until the countdown (and its grace) ends, from a judge's whiteboard
//! until the reveal, from the audience on a rescue question put to them.

use super::log::What;
use super::{Bell, BellError, Effect, Given, Phase, RescueRule, RoundKind, Seat, Source, ViewerId};
use crate::domain::question::Answer;
use crate::domain::Millis;

impl Bell {
    /// Whether `seat`'s answer to `round` counts, or the error that refuses it.
    pub(super) fn counts(&self, seat: Seat, round: usize) -> Result<bool, BellError> {
        let contestant = self.contestants.get(&seat).ok_or(BellError::UnknownSeat)?;
        let standing = contestant.is_standing();
        match (self.rounds[round].kind, self.rules.rescue) {
            (RoundKind::Rescue, RescueRule::ByAudience { .. }) => Err(BellError::AudienceOnly),
            (RoundKind::Rescue, _) if standing => Err(BellError::NotEliminated),
            (RoundKind::Rescue, _) => Ok(true),
            _ if standing => Ok(true),
            _ if self.rules.eliminated_play_for_fun => Ok(false),
            _ => Err(BellError::Eliminated),
        }
    }

    /// The round open to answers from `by` now, checked against the round asked about.
    pub(super) fn answerable(
        &self,
        round: usize,
        by: Source,
        now: Millis,
    ) -> Result<u64, BellError> {
        let (open, elapsed) = match self.phase {
            Phase::Open {
                round: open,
                closes_at,
            } => {
                if by == Source::Phone && now > closes_at + self.rules.answer_grace_ms {
                    return Err(BellError::TooLate);
                }
                let limit = self.rounds[open].question.time_limit.millis();
                // The countdown shows what is left; what it has run is the limit minus that,
                // so a pause is never charged.
                (open, limit.saturating_sub(closes_at.since(now)))
            }
            Phase::Paused { round: open, .. } if by == Source::Phone => {
                return Err(if open == round {
                    BellError::Paused
                } else {
                    BellError::RoundNotOpen
                })
            }
            Phase::Paused { round: open, .. } | Phase::Closed { round: open } => {
                if by == Source::Phone {
                    return Err(if open == round {
                        BellError::TooLate
                    } else {
                        BellError::RoundNotOpen
                    });
                }
                (open, 0)
            }
            Phase::Revealed { round: shown } if shown == round => return Err(BellError::TooLate),
            _ => return Err(self.not_open()),
        };
        if open != round {
            return Err(BellError::RoundNotOpen);
        }
        let limit = self.rounds[open].question.time_limit.millis();
        Ok(if by == Source::Judge { limit } else { elapsed })
    }

    pub(super) fn answer(
        &mut self,
        seat: Seat,
        round: usize,
        answer: &Answer,
        by: Source,
        now: Millis,
    ) -> Result<Vec<Effect>, BellError> {
        let elapsed_ms = self.answerable(round, by, now)?;
        let counted = self.counts(seat, round)?;
        let r = &self.rounds[round];
        let replaced = match r.answers.get(&seat) {
            None => false,
            Some(given) if by == Source::Judge && given.by == Source::Judge => true,
            Some(_) if by == Source::Judge => return Err(BellError::AnsweredByPhone),
            Some(_) => return Ok(vec![Effect::AnswerRepeated { seat, round }]),
        };
        r.question
            .check_shape(answer)
            .map_err(BellError::BadAnswer)?;
        let given = Given {
            answer: answer.clone(),
            correct: r.question.is_correct(answer),
            elapsed_ms,
            by,
            counted,
        };
        let bank_answer = r.labels.answer_to_bank(answer);
        self.rounds[round].answers.insert(seat, given);
        let mut effects = vec![Effect::AnswerAccepted {
            seat,
            round,
            by,
            counted,
            bank_answer,
        }];
        if by == Source::Judge {
            effects.push(self.act(now, Some(round), What::Recorded { seat, replaced }));
        }
        Ok(effects)
    }

    /// Takes back `seat`'s answer to `round` from `by` (the database refused it), until the
    /// round is revealed. A judge's entry that replaced an earlier one goes with it: the room
    /// no longer counts the board, and the act log tells the judge to type it again.
    pub(super) fn withdraw(
        &mut self,
        seat: Seat,
        round: usize,
        by: Source,
        now: Millis,
    ) -> Result<Vec<Effect>, BellError> {
        let open = match self.phase {
            Phase::Open { round, .. } | Phase::Paused { round, .. } | Phase::Closed { round } => {
                round
            }
            _ => return Err(BellError::WrongPhase),
        };
        if open != round {
            return Err(BellError::RoundNotOpen);
        }
        let answers = &mut self.rounds[round].answers;
        let taken = answers.get(&seat).is_some_and(|given| given.by == by);
        if taken {
            answers.remove(&seat);
        }
        // A phone was told `server_busy` with its receipt; a judge hears it in the act log.
        Ok(if taken && by == Source::Judge {
            vec![self.act(now, Some(round), What::NotStored { seat })]
        } else {
            Vec::new()
        })
    }

    pub(super) fn audience_answer(
        &mut self,
        viewer: ViewerId,
        round: usize,
        answer: &Answer,
        now: Millis,
    ) -> Result<Vec<Effect>, BellError> {
        self.answerable(round, Source::Phone, now)?;
        let r = &self.rounds[round];
        if !(r.kind == RoundKind::Rescue
            && matches!(self.rules.rescue, RescueRule::ByAudience { .. }))
        {
            return Err(BellError::ContestantsOnly);
        }
        if r.audience.contains(&viewer) {
            return Ok(Vec::new());
        }
        r.question
            .check_shape(answer)
            .map_err(BellError::BadAnswer)?;
        let correct = r.question.is_correct(answer);
        let r = &mut self.rounds[round];
        r.audience.insert(viewer);
        r.audience_correct += u32::from(correct);
        Ok(vec![Effect::AudienceAnswered { round }])
    }
}
