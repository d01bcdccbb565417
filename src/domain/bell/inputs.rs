//! What happens on stage ([`Input`]), what the engine must do about it ([`Effect`]), and why
//! an input is refused ([`BellError`]).

use super::log::{Act, Reason};
use super::seat::Seat;
use super::{Source, ViewerId};
use crate::domain::question::{Answer, AnswerShapeError};
use crate::domain::{Millis, Nickname};

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
    /// The database refused `seat`'s answer to `round` from `by`: it no longer counts, as if
    /// it had never been given (a phone may answer again while the round takes answers).
    /// Only before the round's reveal, which the engine holds until every answer is settled.
    Withdraw {
        seat: Seat,
        round: usize,
        by: Source,
    },
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
