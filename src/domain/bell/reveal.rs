//! The reveal: a main round eliminates, the tie-break names the closest, a rescue round
//! brings contestants back.

use super::log::What;
use super::rescue;
use super::{
    AllWrong, Back, Bell, BellError, Contestant, Effect, Outcome, Phase, RescueRule, RoundKind,
    Seat, Status,
};
use crate::domain::question::{Answer, AnswerKey};
use crate::domain::Millis;

impl Bell {
    pub(super) fn reveal(&mut self, now: Millis) -> Result<Vec<Effect>, BellError> {
        let round = match self.phase {
            Phase::Closed { round } => round,
            Phase::Open { .. } | Phase::Paused { .. } => return Err(BellError::StillOpen),
            _ => return Err(self.not_open()),
        };
        self.phase = Phase::Revealed { round };
        Ok(match self.rounds[round].kind {
            RoundKind::Main => self.reveal_main(round, now),
            RoundKind::TieBreak => self.reveal_tie_break(round, now),
            RoundKind::Rescue => self.reveal_rescue(round, now),
        })
    }

    pub(super) fn reveal_main(&mut self, round: usize, now: Millis) -> Vec<Effect> {
        let answers = &self.rounds[round].answers;
        let standing: Vec<Seat> = self
            .contestants
            .values()
            .filter(|c| c.is_standing())
            .map(|c| c.seat)
            .collect();
        // Blank is wrong: only a counted correct answer keeps a seat.
        let wrong: Vec<Seat> = standing
            .iter()
            .copied()
            .filter(|s| !answers.get(s).is_some_and(|g| g.counted && g.correct))
            .collect();
        let spared_all_wrong = !standing.is_empty()
            && wrong.len() == standing.len()
            && self.rules.all_wrong == AllWrong::Spare;
        let eliminated = if spared_all_wrong { Vec::new() } else { wrong };
        for seat in &eliminated {
            if let Some(c) = self.contestants.get_mut(seat) {
                c.status = Status::Eliminated { round };
            }
        }
        self.rounds[round].outcome = Some(Outcome::Eliminated {
            seats: eliminated.clone(),
            spared_all_wrong,
        });
        let logged = self.act(
            now,
            Some(round),
            What::Revealed {
                eliminated: eliminated.clone(),
                spared_all_wrong,
            },
        );
        vec![
            Effect::Revealed {
                round,
                eliminated,
                spared_all_wrong,
            },
            logged,
        ]
    }

    /// The closest standing answers win; equal distances share the win. Nobody answering
    /// leaves everyone standing as winners: the tie-break could not separate them.
    pub(super) fn reveal_tie_break(&mut self, round: usize, now: Millis) -> Vec<Effect> {
        let r = &self.rounds[round];
        let target = match r.question.key {
            AnswerKey::Number { value, .. } => value,
            // The set refuses a tie-break that is not numeric.
            _ => f64::NAN,
        };
        let distances: Vec<(Seat, f64)> = r
            .answers
            .iter()
            .filter(|(_, g)| g.counted)
            .filter_map(|(&seat, g)| match g.answer {
                Answer::Number(n) => Some((seat, (n - target).abs())),
                Answer::Options(_) => None,
            })
            .collect();
        let best = distances
            .iter()
            .map(|&(_, d)| d)
            .fold(f64::INFINITY, f64::min);
        let winners: Vec<Seat> = if distances.is_empty() {
            self.standing_seats()
        } else {
            distances
                .iter()
                .filter(|&&(_, d)| d <= best)
                .map(|&(s, _)| s)
                .collect()
        };
        self.rounds[round].outcome = Some(Outcome::Winners {
            seats: winners.clone(),
        });
        let logged = self.act(
            now,
            Some(round),
            What::Decided {
                winners: winners.clone(),
            },
        );
        vec![Effect::Decided { round, winners }, logged]
    }

    pub(super) fn reveal_rescue(&mut self, round: usize, now: Millis) -> Vec<Effect> {
        let r = &self.rounds[round];
        let seats = match self.rules.rescue {
            RescueRule::ByAudience { up_to } => {
                rescue::by_audience(&self.lasted(), r.audience_correct, up_to)
            }
            RescueRule::ByEliminated { up_to } => {
                let answers: Vec<rescue::RescueAnswer> = r
                    .answers
                    .iter()
                    .filter(|(seat, g)| g.counted && !self.is_standing(**seat))
                    .map(|(&seat, g)| rescue::RescueAnswer {
                        seat,
                        correct: g.correct,
                        elapsed_ms: g.elapsed_ms,
                    })
                    .collect();
                rescue::by_eliminated(&answers, up_to)
            }
            // A rescue of everyone opens no round; its seats come back when it starts.
            RescueRule::All => Vec::new(),
        };
        self.rounds[round].outcome = Some(Outcome::Rescued {
            seats: seats.clone(),
        });
        self.bring_back(
            &seats,
            Back::Rescue,
            Some(round),
            What::Rescued {
                seats: seats.clone(),
            },
            now,
        )
    }

    pub(super) fn is_standing(&self, seat: Seat) -> bool {
        self.contestants
            .get(&seat)
            .is_some_and(Contestant::is_standing)
    }

    pub(super) fn standing_seats(&self) -> Vec<Seat> {
        self.contestants
            .values()
            .filter(|c| c.is_standing())
            .map(|c| c.seat)
            .collect()
    }

    /// How each eliminated contestant fared, for a rescue by the audience.
    pub(super) fn lasted(&self) -> Vec<rescue::Lasted> {
        self.contestants
            .values()
            .filter_map(|c| match c.status {
                Status::Eliminated { round } => Some(rescue::Lasted {
                    seat: c.seat,
                    out_round: round,
                    answer_time_ms: self
                        .rounds
                        .iter()
                        .filter(|r| {
                            r.kind == RoundKind::Main && r.outcome != Some(Outcome::Skipped)
                        })
                        .filter_map(|r| r.answers.get(&c.seat))
                        .filter(|g| g.counted && g.correct)
                        .map(|g| g.elapsed_ms)
                        .sum(),
                }),
                Status::Standing => None,
            })
            .collect()
    }
}
