//! Rung chuông vàng ("ring the golden bell"), the school hội thi on stage, as a state machine:
//! `apply(input, now) -> effects`, like [`crate::domain::game`].
//!
//! ```text
//!          Start                 deadline + grace          Reveal
//!  Lobby ────────► Open(r) ─────── or Close ──────► Closed(r) ──────► Revealed(r) ──┐
//!                  │    ▲                             judges record    undo, skip,   │
//!            Pause │    │ Resume                      whiteboards      rescue        │
//!                  ▼    │                                                            │
//!                 Paused(r)          Next: the next main question, the tie-break, ───┘
//!                                    a rescue question (Rescue), or Finished
//! ```
//!
//! Rounds are numbered in one list: the main questions (easy → hard), then the numeric
//! tie-break if the set has one, then the rescue questions. A main round's reveal eliminates
//! every standing contestant who is wrong or blank (unless all of them are and the day's
//! rules spare them); the tie-break's reveal names the closest as winners; a rescue round's
//! reveal brings contestants back. Skip (a faulty question) is allowed until the next
//! question opens and undoes whatever the round did; undo brings back those the last main
//! round eliminated, all or one seat, with a reason. Every such act is in [`Bell::log`] and in
//! a [`Effect::Logged`] the engine stores.
//!
//! A contestant answers from a phone (until the countdown ends, plus the grace), or a judge
//! records the whiteboard by seat (until the reveal). Eliminated contestants may keep
//! answering main questions for fun: recorded, shown to them, never counted.
//!
//! - `mod.rs` (here): the contest's state, its phases and the flow between questions;
//! - `inputs.rs`: inputs, effects and refusals; `answers.rs`: who may answer what, when;
//! - `reveal.rs`: what a reveal does; `host.rs`: skip, undo and rescue; `rescue.rs`: who
//!   comes back when not everyone does;
//! - `rules.rs`, `seat.rs`, `set.rs`, `log.rs`: the day's rules, seats, the question set, the
//!   act log; `report.rs`: the report.

mod answers;
mod host;
mod inputs;
pub mod log;
pub mod report;
pub mod rescue;
mod reveal;
pub mod rules;
pub mod seat;
pub mod set;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};

use rand::SeedableRng;

pub use inputs::{Back, BellError, Effect, Input};
pub use log::{Act, Reason, What};
pub use rules::{AllWrong, RescueRule, Rules};
pub use seat::{Contestant, Seat, Status};
pub use set::{BellSet, SetError};

use super::option_labels::{self, Labels};
use super::question::{Answer, Question};
use super::{Millis, Nickname};

/// An audience member's number within the contest, given by the engine.
pub type ViewerId = u32;

/// What a round is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundKind {
    /// Wrong or blank eliminates.
    Main,
    /// The numeric tie-break: the closest standing contestants win.
    TieBreak,
    /// A rescue question under the day's [`RescueRule`].
    Rescue,
}

/// Who gave an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Phone,
    /// A judge typed the contestant's whiteboard.
    Judge,
}

/// One answer given in a round.
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    /// In the round's shown ids.
    pub answer: Answer,
    pub correct: bool,
    /// Time the countdown had run when it arrived (pauses excluded); a whiteboard is charged
    /// the whole limit, since boards go up at time-up.
    pub elapsed_ms: u64,
    pub by: Source,
    /// Whether it decides anything: a standing contestant's answer to a main or tie-break
    /// round, or an eliminated one's to a rescue. An eliminated contestant playing for fun
    /// gives answers that are not counted.
    pub counted: bool,
}

/// What a revealed round did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Eliminated {
        seats: Vec<Seat>,
        spared_all_wrong: bool,
    },
    Winners {
        seats: Vec<Seat>,
    },
    Rescued {
        seats: Vec<Seat>,
    },
    /// Skipped as faulty: it did nothing.
    Skipped,
}

/// A question as this contest plays it (options relabelled once, as in the class game).
#[derive(Debug, Clone)]
pub struct Round {
    pub kind: RoundKind,
    pub question: Question,
    pub labels: Labels,
    pub answers: BTreeMap<Seat, Given>,
    /// Audience members who answered (a rescue by the audience), and how many were right.
    audience: HashSet<ViewerId>,
    pub audience_correct: u32,
    /// Set at the reveal (or the skip).
    pub outcome: Option<Outcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Contestants take their seats.
    Lobby,
    /// Round `round` takes answers until `closes_at` (plus the grace).
    Open {
        round: usize,
        closes_at: Millis,
    },
    /// The countdown of `round` is frozen with `remaining_ms` to go.
    Paused {
        round: usize,
        remaining_ms: u64,
    },
    /// Time is up: boards are raised, judges record them, the host reveals.
    Closed {
        round: usize,
    },
    /// The answer of `round` is shown and its outcome applied.
    Revealed {
        round: usize,
    },
    Finished,
}

/// One contest.
#[derive(Debug, Clone)]
pub struct Bell {
    rules: Rules,
    rounds: Vec<Round>,
    /// How many main rounds; the tie-break (if any) is round `main_count`.
    main_count: usize,
    has_tie_break: bool,
    contestants: BTreeMap<Seat, Contestant>,
    phase: Phase,
    /// The next main round to open.
    next_main: usize,
    /// The next rescue round to open.
    next_rescue: usize,
    rescues_used: u32,
    winners: Vec<Seat>,
    log: Vec<Act>,
}

impl Bell {
    /// A contest over `set` under `rules`, relabelling options with `seed`.
    pub fn new(set: &BellSet, rules: Rules, seed: u64) -> Bell {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let kinds = set
            .main()
            .iter()
            .map(|q| (RoundKind::Main, q))
            .chain(set.tie_break().map(|q| (RoundKind::TieBreak, q)))
            .chain(set.rescue().iter().map(|q| (RoundKind::Rescue, q)));
        let rounds = kinds
            .map(|(kind, bank_question)| {
                let (question, labels) = option_labels::relabel(bank_question, &mut rng);
                Round {
                    kind,
                    question,
                    labels,
                    answers: BTreeMap::new(),
                    audience: HashSet::new(),
                    audience_correct: 0,
                    outcome: None,
                }
            })
            .collect();
        let main_count = set.main().len();
        let has_tie_break = set.tie_break().is_some();
        Bell {
            rules,
            rounds,
            main_count,
            has_tie_break,
            contestants: BTreeMap::new(),
            phase: Phase::Lobby,
            next_main: 0,
            next_rescue: main_count + usize::from(has_tie_break),
            rescues_used: 0,
            winners: Vec::new(),
            log: Vec::new(),
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }
    pub fn rules(&self) -> &Rules {
        &self.rules
    }
    pub fn rounds(&self) -> &[Round] {
        &self.rounds
    }
    pub fn contestants(&self) -> impl Iterator<Item = &Contestant> {
        self.contestants.values()
    }
    pub fn contestant(&self, seat: Seat) -> Option<&Contestant> {
        self.contestants.get(&seat)
    }
    /// Contestants seated, standing or not.
    pub fn contestant_count(&self) -> usize {
        self.contestants.len()
    }
    /// Contestants still standing: what the hall screen shows.
    pub fn standing(&self) -> usize {
        self.contestants
            .values()
            .filter(|c| c.is_standing())
            .count()
    }
    pub fn rescues_used(&self) -> u32 {
        self.rescues_used
    }
    /// Those who ring the bell, once finished.
    pub fn winners(&self) -> &[Seat] {
        &self.winners
    }
    /// Every act of the host and the judges, in order.
    pub fn log(&self) -> &[Act] {
        &self.log
    }

    /// When the engine must send [`Input::Tick`] next, if ever.
    pub fn next_deadline(&self) -> Option<Millis> {
        match self.phase {
            Phase::Open { closes_at, .. } => Some(closes_at + self.rules.answer_grace_ms),
            _ => None,
        }
    }

    /// Applies one input at time `now`. On `Err`, nothing changed.
    pub fn apply(&mut self, input: &Input, now: Millis) -> Result<Vec<Effect>, BellError> {
        match input {
            Input::Join { seat, name } => self.join(*seat, name),
            Input::Start => match self.phase {
                Phase::Lobby if self.contestants.is_empty() => Err(BellError::NoContestants),
                Phase::Lobby => Ok(self.open(0, now)),
                Phase::Finished => Err(BellError::GameOver),
                _ => Err(BellError::AlreadyStarted),
            },
            Input::Answer {
                seat,
                round,
                answer,
            } => self.answer(*seat, *round, answer, Source::Phone, now),
            Input::Record {
                seat,
                round,
                answer,
            } => self.answer(*seat, *round, answer, Source::Judge, now),
            Input::AudienceAnswer {
                viewer,
                round,
                answer,
            } => self.audience_answer(*viewer, *round, answer, now),
            Input::Pause => self.pause(now),
            Input::Resume => self.resume(now),
            Input::Close => match self.phase {
                Phase::Open { round, .. } | Phase::Paused { round, .. } => {
                    let mut effects = self.close(round);
                    effects.push(self.act(now, Some(round), What::ClosedEarly));
                    Ok(effects)
                }
                _ => Err(self.not_open()),
            },
            Input::Reveal => self.reveal(now),
            Input::Skip { reason } => self.skip(reason, now),
            Input::Undo { reason, seat } => self.undo(reason, *seat, now),
            Input::Rescue => self.rescue(now),
            Input::Next => self.next(now),
            Input::End => self.end(now),
            Input::Tick => Ok(self.tick(now)),
            Input::Withdraw { seat, round, by } => self.withdraw(*seat, *round, *by, now),
        }
    }

    fn join(&mut self, seat: Seat, name: &Nickname) -> Result<Vec<Effect>, BellError> {
        match self.phase {
            Phase::Lobby => {}
            Phase::Finished => return Err(BellError::GameOver),
            _ => return Err(BellError::AlreadyStarted),
        }
        if self.contestants.contains_key(&seat) {
            return Err(BellError::SeatTaken);
        }
        if self.contestants.len() >= usize::from(self.rules.max_contestants) {
            return Err(BellError::Full);
        }
        self.contestants.insert(
            seat,
            Contestant {
                seat,
                name: name.clone(),
                status: Status::Standing,
            },
        );
        Ok(vec![Effect::Joined { seat }])
    }

    /// The error for an act that needs an open round, in the phase we are in.
    fn not_open(&self) -> BellError {
        match self.phase {
            Phase::Lobby => BellError::NotStarted,
            Phase::Finished => BellError::GameOver,
            _ => BellError::WrongPhase,
        }
    }

    fn act(&mut self, at: Millis, round: Option<usize>, what: What) -> Effect {
        let act = Act { at, round, what };
        self.log.push(act.clone());
        Effect::Logged(act)
    }

    fn open(&mut self, round: usize, now: Millis) -> Vec<Effect> {
        let limit = self.rounds[round].question.time_limit.millis();
        self.phase = Phase::Open {
            round,
            closes_at: now + limit,
        };
        match self.rounds[round].kind {
            RoundKind::Main => self.next_main = round + 1,
            RoundKind::TieBreak => self.next_main = self.main_count + 1,
            RoundKind::Rescue => self.next_rescue = round + 1,
        }
        vec![Effect::Opened { round }]
    }

    fn pause(&mut self, now: Millis) -> Result<Vec<Effect>, BellError> {
        let Phase::Open { round, closes_at } = self.phase else {
            return Err(self.not_open());
        };
        let remaining_ms = closes_at.since(now);
        self.phase = Phase::Paused {
            round,
            remaining_ms,
        };
        Ok(vec![
            Effect::Paused {
                round,
                remaining_ms,
            },
            self.act(now, Some(round), What::Paused { remaining_ms }),
        ])
    }

    fn resume(&mut self, now: Millis) -> Result<Vec<Effect>, BellError> {
        let Phase::Paused {
            round,
            remaining_ms,
        } = self.phase
        else {
            return Err(match self.phase {
                Phase::Open { .. } => BellError::WrongPhase,
                _ => self.not_open(),
            });
        };
        let closes_at = now + remaining_ms;
        self.phase = Phase::Open { round, closes_at };
        Ok(vec![
            Effect::Resumed { round, closes_at },
            self.act(now, Some(round), What::Resumed),
        ])
    }

    fn close(&mut self, round: usize) -> Vec<Effect> {
        self.phase = Phase::Closed { round };
        vec![Effect::Closed { round }]
    }

    fn tick(&mut self, now: Millis) -> Vec<Effect> {
        match self.phase {
            Phase::Open { round, .. } if self.next_deadline().is_some_and(|d| now >= d) => {
                self.close(round)
            }
            _ => Vec::new(),
        }
    }

    fn next(&mut self, now: Millis) -> Result<Vec<Effect>, BellError> {
        let Phase::Revealed { round } = self.phase else {
            return Err(match self.phase {
                Phase::Open { .. } | Phase::Paused { .. } => BellError::StillOpen,
                Phase::Closed { .. } => BellError::WrongPhase,
                _ => self.not_open(),
            });
        };
        if self.rounds[round].kind == RoundKind::TieBreak {
            let winners = match &self.rounds[round].outcome {
                Some(Outcome::Winners { seats }) => seats.clone(),
                _ => self.standing_seats(),
            };
            return Ok(self.finish(winners, now));
        }
        if self.next_main < self.main_count {
            return Ok(self.open(self.next_main, now));
        }
        if self.has_tie_break && self.next_main == self.main_count && self.standing() >= 2 {
            return Ok(self.open(self.main_count, now));
        }
        let standing = self.standing_seats();
        Ok(self.finish(standing, now))
    }

    fn end(&mut self, now: Millis) -> Result<Vec<Effect>, BellError> {
        match self.phase {
            Phase::Lobby => Err(BellError::NotStarted),
            Phase::Finished => Err(BellError::GameOver),
            _ => {
                let standing = self.standing_seats();
                Ok(self.finish(standing, now))
            }
        }
    }

    fn finish(&mut self, winners: Vec<Seat>, now: Millis) -> Vec<Effect> {
        self.phase = Phase::Finished;
        self.winners = winners.clone();
        let logged = self.act(
            now,
            None,
            What::Ended {
                winners: winners.clone(),
            },
        );
        vec![Effect::Finished { winners }, logged]
    }
}
