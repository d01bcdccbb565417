//! The host's acts between questions: skip a faulty question, undo the last elimination,
//! run a rescue. Each is logged.

use super::log::{Reason, What};
use super::{Back, Bell, BellError, Effect, Outcome, Phase, RoundKind, Seat, Status};
use crate::domain::Millis;

impl Bell {
    /// Puts `seats` back on stage and logs `what`.
    pub(super) fn bring_back(
        &mut self,
        seats: &[Seat],
        why: Back,
        round: Option<usize>,
        what: What,
        now: Millis,
    ) -> Vec<Effect> {
        for seat in seats {
            if let Some(c) = self.contestants.get_mut(seat) {
                c.status = Status::Standing;
            }
        }
        let logged = self.act(now, round, what);
        vec![
            Effect::BroughtBack {
                seats: seats.to_vec(),
                why,
            },
            logged,
        ]
    }

    /// Seats still out because round `round` eliminated them.
    pub(super) fn still_out_from(&self, round: usize) -> Vec<Seat> {
        self.contestants
            .values()
            .filter(|c| c.status == Status::Eliminated { round })
            .map(|c| c.seat)
            .collect()
    }

    pub(super) fn skip(&mut self, reason: &Reason, now: Millis) -> Result<Vec<Effect>, BellError> {
        let (round, revealed) = match self.phase {
            Phase::Open { round, .. } | Phase::Paused { round, .. } | Phase::Closed { round } => {
                (round, false)
            }
            Phase::Revealed { round } => (round, true),
            _ => return Err(self.not_open()),
        };
        let kind = self.rounds[round].kind;
        match self.rounds[round].outcome {
            Some(Outcome::Skipped) => return Err(BellError::WrongPhase),
            // Those a rescue brought back have played on as standing contestants: sending
            // them out again is not undoing a fault, it is a new elimination.
            Some(Outcome::Rescued { .. }) => return Err(BellError::WrongPhase),
            _ => {}
        }
        let reinstated = if revealed && kind == RoundKind::Main {
            self.still_out_from(round)
        } else {
            Vec::new()
        };
        if kind == RoundKind::Rescue {
            // A faulty rescue question does not use up the rescue.
            self.rescues_used -= 1;
        }
        self.rounds[round].outcome = Some(Outcome::Skipped);
        self.phase = Phase::Revealed { round };
        let mut effects = vec![Effect::Skipped { round }];
        effects.extend(self.bring_back(
            &reinstated,
            Back::Skip,
            Some(round),
            What::Skipped {
                reason: reason.clone(),
                reinstated: reinstated.clone(),
            },
            now,
        ));
        Ok(effects)
    }

    pub(super) fn undo(
        &mut self,
        reason: &Reason,
        seat: Option<Seat>,
        now: Millis,
    ) -> Result<Vec<Effect>, BellError> {
        let Phase::Revealed { round } = self.phase else {
            return Err(match self.phase {
                Phase::Lobby => BellError::NotStarted,
                Phase::Finished => BellError::GameOver,
                _ => BellError::NothingToUndo,
            });
        };
        if self.rounds[round].kind != RoundKind::Main {
            return Err(BellError::NothingToUndo);
        }
        let out = self.still_out_from(round);
        let seats = match seat {
            None if out.is_empty() => return Err(BellError::NothingToUndo),
            None => out,
            Some(s) if !self.contestants.contains_key(&s) => return Err(BellError::UnknownSeat),
            Some(s) if out.contains(&s) => vec![s],
            Some(_) => return Err(BellError::NotEliminatedHere),
        };
        Ok(self.bring_back(
            &seats,
            Back::Undo,
            Some(round),
            What::Undone {
                reason: reason.clone(),
                seats: seats.clone(),
            },
            now,
        ))
    }

    pub(super) fn rescue(&mut self, now: Millis) -> Result<Vec<Effect>, BellError> {
        let Phase::Revealed { round } = self.phase else {
            return Err(self.not_open());
        };
        if self.rounds[round].kind == RoundKind::TieBreak {
            return Err(BellError::WrongPhase);
        }
        if self.rescues_used >= self.rules.max_rescues {
            return Err(BellError::NoRescueLeft);
        }
        let out: Vec<Seat> = self
            .contestants
            .values()
            .filter(|c| !c.is_standing())
            .map(|c| c.seat)
            .collect();
        if out.is_empty() {
            return Err(BellError::NobodyToRescue);
        }
        let rule = self.rules.rescue;
        if rule.needs_question() && self.next_rescue >= self.rounds.len() {
            return Err(BellError::NoRescueQuestion);
        }
        self.rescues_used += 1;
        let mut effects = vec![self.act(now, None, What::RescueStarted { rule })];
        if rule.needs_question() {
            effects.extend(self.open(self.next_rescue, now));
        } else {
            effects.extend(self.bring_back(
                &out,
                Back::Rescue,
                None,
                What::Rescued { seats: out.clone() },
                now,
            ));
        }
        Ok(effects)
    }
}
