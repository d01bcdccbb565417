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

pub mod log;
pub mod report;
pub mod rescue;
pub mod rules;
pub mod seat;
pub mod set;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};

use rand::SeedableRng;

pub use log::{Act, Reason, What};
pub use rules::{AllWrong, RescueRule, Rules};
pub use seat::{Contestant, Seat, Status};
pub use set::{BellSet, SetError};

use super::option_labels::{self, Labels};
use super::question::{Answer, AnswerKey, AnswerShapeError, Question};
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

/// Something that happens on stage.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A contestant takes seat `seat` (from their phone, or the judge for one without).
    Join {
        seat: Seat,
        name: Nickname,
    },
    Start,
    /// An answer from the contestant's phone.
    Answer {
        seat: Seat,
        round: usize,
        answer: Answer,
    },
    /// A judge records the whiteboard of `seat`.
    Record {
        seat: Seat,
        round: usize,
        answer: Answer,
    },
    /// An audience member answers a rescue question put to the audience.
    AudienceAnswer {
        viewer: ViewerId,
        round: usize,
        answer: Answer,
    },
    Pause,
    Resume,
    /// The host calls time early (all boards are up).
    Close,
    Reveal,
    /// The question is faulty: nobody is eliminated (or rescued, or wins) by it.
    Skip {
        reason: Reason,
    },
    /// Bring back those the revealed main round eliminated: everyone, or only `seat`.
    Undo {
        reason: Reason,
        seat: Option<Seat>,
    },
    /// Run a rescue under the day's rule.
    Rescue,
    Next,
    /// Stop here: those standing win; an unrevealed round is dropped.
    End,
    /// [`Bell::next_deadline`] has passed.
    Tick,
}

/// What the engine must do because of an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Joined {
        seat: Seat,
    },
    Opened {
        round: usize,
    },
    AnswerAccepted {
        seat: Seat,
        round: usize,
        by: Source,
        counted: bool,
        /// The answer in the bank's ids, as the database keeps it.
        bank_answer: Answer,
    },
    /// The contestant had answered already; the first answer stands.
    AnswerRepeated {
        seat: Seat,
        round: usize,
    },
    AudienceAnswered {
        round: usize,
    },
    Paused {
        round: usize,
        remaining_ms: u64,
    },
    Resumed {
        round: usize,
        closes_at: Millis,
    },
    Closed {
        round: usize,
    },
    /// The answer is shown. `eliminated`: «Bạn đã bị loại» on those phones.
    Revealed {
        round: usize,
        eliminated: Vec<Seat>,
        spared_all_wrong: bool,
    },
    /// The tie-break's answer is shown; `winners` were closest.
    Decided {
        round: usize,
        winners: Vec<Seat>,
    },
    /// Back on stage: «Bạn được cứu» after a rescue; after an undo or a skip, the phone says
    /// the elimination was withdrawn.
    BroughtBack {
        seats: Vec<Seat>,
        why: Back,
    },
    Skipped {
        round: usize,
    },
    Finished {
        winners: Vec<Seat>,
    },
    /// An act for the report, to be stored.
    Logged(Act),
}

/// Why contestants came back on stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Back {
    Rescue,
    /// The host undid the elimination.
    Undo,
    /// The question that eliminated them was skipped as faulty.
    Skip,
}

/// Why an input was refused. A refused input changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BellError {
    #[error("the contest has not started")]
    NotStarted,
    #[error("the contest has already started")]
    AlreadyStarted,
    #[error("the contest is over")]
    GameOver,
    #[error("the seat is taken")]
    SeatTaken,
    #[error("the stage is full")]
    Full,
    #[error("no contestants have taken a seat")]
    NoContestants,
    #[error("no contestant in that seat")]
    UnknownSeat,
    #[error("that question is not open")]
    RoundNotOpen,
    #[error("the answer arrived after time was up")]
    TooLate,
    #[error("the countdown is paused")]
    Paused,
    #[error("not an answer to this question: {0}")]
    BadAnswer(AnswerShapeError),
    #[error("the contestant is eliminated and may not answer")]
    Eliminated,
    #[error("only eliminated contestants answer this rescue question")]
    NotEliminated,
    #[error("this rescue question is for the audience")]
    AudienceOnly,
    #[error("this question is for the contestants")]
    ContestantsOnly,
    #[error("the contestant answered on their phone")]
    AnsweredByPhone,
    #[error("the question is still open")]
    StillOpen,
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("that seat was not eliminated by this question")]
    NotEliminatedHere,
    #[error("no rescue left under the day's rules")]
    NoRescueLeft,
    #[error("nobody is eliminated")]
    NobodyToRescue,
    #[error("no rescue question left in the set")]
    NoRescueQuestion,
    #[error("the contest is not at a point where that can be done")]
    WrongPhase,
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

    /// Whether `seat`'s answer to `round` counts, or the error that refuses it.
    fn counts(&self, seat: Seat, round: usize) -> Result<bool, BellError> {
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
    fn answerable(&self, round: usize, by: Source, now: Millis) -> Result<u64, BellError> {
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

    fn answer(
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

    fn audience_answer(
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

    fn reveal(&mut self, now: Millis) -> Result<Vec<Effect>, BellError> {
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

    fn reveal_main(&mut self, round: usize, now: Millis) -> Vec<Effect> {
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
    fn reveal_tie_break(&mut self, round: usize, now: Millis) -> Vec<Effect> {
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

    fn reveal_rescue(&mut self, round: usize, now: Millis) -> Vec<Effect> {
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

    fn is_standing(&self, seat: Seat) -> bool {
        self.contestants
            .get(&seat)
            .is_some_and(Contestant::is_standing)
    }

    fn standing_seats(&self) -> Vec<Seat> {
        self.contestants
            .values()
            .filter(|c| c.is_standing())
            .map(|c| c.seat)
            .collect()
    }

    /// How each eliminated contestant fared, for a rescue by the audience.
    fn lasted(&self) -> Vec<rescue::Lasted> {
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

    /// Puts `seats` back on stage and logs `what`.
    fn bring_back(
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
    fn still_out_from(&self, round: usize) -> Vec<Seat> {
        self.contestants
            .values()
            .filter(|c| c.status == Status::Eliminated { round })
            .map(|c| c.seat)
            .collect()
    }

    fn skip(&mut self, reason: &Reason, now: Millis) -> Result<Vec<Effect>, BellError> {
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

    fn undo(
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

    fn rescue(&mut self, now: Millis) -> Result<Vec<Effect>, BellError> {
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
