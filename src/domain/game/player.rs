//! A player's standing within one game.

use crate::domain::{Millis, Nickname};

/// A player's number within its game: dense, in join order, never reused.
pub type PlayerId = u32;

/// One accepted answer, as scored when it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// Time from the question reaching this player to the answer arriving, clamped to the limit.
    pub elapsed_ms: u32,
    pub correct: bool,
    /// Points earned, streak bonus included.
    pub points: u32,
    /// The part of `points` that is streak bonus.
    pub bonus: u32,
}

#[derive(Debug, Clone)]
pub struct Player {
    pub id: PlayerId,
    pub nickname: Nickname,
    pub score: u32,
    /// Sum of answer times over the questions this player was in, a missing answer counting
    /// as the full time limit: the leaderboard's tie-break (lower is better).
    pub answer_time_ms: u64,
    pub correct_count: u32,
    /// Correct answers in a row up to the last closed question.
    pub streak: u32,
    pub connected: bool,
    pub kicked: bool,
    /// Indexed by question; `None` for not answered (yet).
    pub answers: Vec<Option<Recorded>>,
    /// 1-based rank at the last close of a question; `None` before the first.
    pub rank: Option<u32>,
    /// When the player joined: one who joins during a question got it in their welcome, not
    /// when it opened (the answer clock needs to know which).
    pub joined_at: Millis,
}

impl Player {
    pub(super) fn new(id: PlayerId, nickname: Nickname, questions: usize, now: Millis) -> Self {
        Player {
            id,
            nickname,
            score: 0,
            answer_time_ms: 0,
            correct_count: 0,
            streak: 0,
            connected: true,
            kicked: false,
            answers: vec![None; questions],
            rank: None,
            joined_at: now,
        }
    }

    pub fn answer(&self, index: usize) -> Option<&Recorded> {
        self.answers.get(index).and_then(Option::as_ref)
    }

    /// Whether the player let question `index` close without answering (and was charged its
    /// full time): in the game then, not removed, no answer.
    pub fn missed(&self, index: usize) -> bool {
        !self.kicked && self.answers.get(index).is_some_and(Option::is_none)
    }
}
