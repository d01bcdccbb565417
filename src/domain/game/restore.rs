//! A game rebuilt from what the database holds, for a node that takes over a game whose owner
//! died (issue 18). The database keeps the players (in id order, which is join order), every
//! accepted answer with its answer time, every missed question, and where the game was (the
//! progression written at each phase change). Replaying those inputs through
//! [`Game::apply`] on a timeline of its own gives back the scores, streaks, answer times,
//! ranks and round counts the dead owner had, by the same rules, with no second copy of them.
//!
//! The timeline: question `i` opens at `(i + 1) × slot`, a slot being longer than any
//! question's reading time, limit and grace; each answer arrives its recorded answer time after
//! the unlock, so it scores what it scored. The room maps [`Restored::phase_began`] to the
//! wall-clock time the current phase began, so the open question closes when it would have.
//!
//! Not kept by the database, so not restored: a kick's moment (a kicked player is kicked as
//! soon as replayed: out of every ranking, as before, but their answers no longer count in the
//! rounds' distributions), the lobby's lock, and who was connected (nobody is, until they
//! resume). The open question then waits for its deadline or the host: players come back one
//! by one, and the first few must not close it early on the others.

use super::{Game, GameError, Input, Phase, PlayerId, Settings};
use crate::domain::question::{Answer, Question};
use crate::domain::{Millis, Nickname};

/// Where the game was, as written at each phase change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Lobby,
    Question(usize),
    Reveal(usize),
    Leaderboard(usize),
}

#[derive(Debug, Clone)]
pub struct PastPlayer {
    pub nickname: Nickname,
    pub kicked: bool,
}

/// An accepted answer, in the bank's option ids (as stored).
#[derive(Debug, Clone)]
pub struct PastAnswer {
    pub player: PlayerId,
    pub question: usize,
    pub answer: Answer,
    pub elapsed_ms: u32,
}

/// What the database holds of a game.
#[derive(Debug, Clone)]
pub struct History {
    /// By player id.
    pub players: Vec<PastPlayer>,
    pub answers: Vec<PastAnswer>,
    /// (player, question) of every question a player let close without answering.
    pub misses: Vec<(PlayerId, usize)>,
    pub at: Progress,
}

#[derive(Debug)]
pub struct Restored {
    pub game: Game,
    /// On the game's timeline, when its current phase began (a question: when it opened).
    pub phase_began: Millis,
}

impl Game {
    /// The game of `questions`, `settings` and `seed` (as stored) after `history`.
    pub fn restore(
        questions: Vec<Question>,
        settings: Settings,
        seed: u64,
        history: &History,
    ) -> Result<Restored, GameError> {
        let longest = questions
            .iter()
            .map(|q| q.time_limit.millis())
            .max()
            .unwrap_or(0);
        let slot = settings.reading_ms.unwrap_or(0) + longest + settings.answer_grace_ms + 1000;
        let reading = settings.reading_ms.unwrap_or(0);
        let late_join = settings.late_join;
        let mut game = Game::new(questions, settings, seed);
        // Whoever is in the database did join: the replay lets them in whenever it needs to.
        game.settings.late_join = true;
        let mut replay = Replay {
            game: &mut game,
            history,
            joined: 0,
        };
        let (current, closed) = match history.at {
            Progress::Lobby => {
                replay.join_upto(history.players.len(), Millis(0))?;
                replay.nobody_connected();
                game.settings.late_join = late_join;
                return Ok(Restored {
                    game,
                    phase_began: Millis(0),
                });
            }
            Progress::Question(i) => (i, i),
            Progress::Reveal(i) | Progress::Leaderboard(i) => (i, i + 1),
        };
        let mut began = Millis(0);
        for index in 0..=current {
            let opens = Millis((index as u64 + 1) * slot);
            // Everyone who was in the game when this question closed (they answered or missed
            // it) had joined by then; ids are join order, so they are a prefix.
            let present = if index < closed {
                history
                    .answers
                    .iter()
                    .filter(|a| a.question == index)
                    .map(|a| a.player)
                    .chain(history.misses.iter().filter(|m| m.1 == index).map(|m| m.0))
                    .max()
                    .map_or(0, |p| p as usize + 1)
            } else {
                history.players.len()
            };
            replay.join_upto(present, opens - 1)?;
            let open = if index == 0 {
                Input::Start
            } else {
                Input::Next
            };
            replay.game.apply(&open, opens)?;
            began = opens;
            let unlocks = opens + reading;
            let mut answers: Vec<&PastAnswer> = history
                .answers
                .iter()
                .filter(|a| a.question == index)
                .collect();
            answers.sort_by_key(|a| (a.elapsed_ms, a.player));
            for a in answers {
                if replay.game.players[a.player as usize].kicked {
                    continue;
                }
                let answer = replay.game.rounds[index].labels.answer_to_shown(&a.answer);
                let input = Input::Answer {
                    player: a.player,
                    question: index,
                    answer,
                    sent_at: None,
                };
                replay
                    .game
                    .apply(&input, unlocks + u64::from(a.elapsed_ms))?;
            }
            if index < closed {
                let closes = opens + slot / 2 + slot / 4;
                if matches!(replay.game.phase, Phase::Question { .. }) {
                    replay.game.apply(&Input::Next, closes)?;
                }
                began = closes;
                if index < current || history.at == Progress::Leaderboard(index) {
                    replay.game.apply(&Input::Next, closes + 1)?;
                    began = closes + 1;
                }
            }
        }
        replay.join_upto(history.players.len(), began)?;
        replay.nobody_connected();
        game.settings.late_join = late_join;
        game.hold_open = matches!(game.phase, Phase::Question { .. });
        Ok(Restored {
            game,
            phase_began: began,
        })
    }
}

struct Replay<'a> {
    game: &'a mut Game,
    history: &'a History,
    joined: usize,
}

impl Replay<'_> {
    fn join_upto(&mut self, count: usize, now: Millis) -> Result<(), GameError> {
        while self.joined < count {
            let past = &self.history.players[self.joined];
            let nickname = past.nickname.clone();
            self.game.apply(&Input::Join { nickname }, now)?;
            if past.kicked {
                let player = self.joined as PlayerId;
                self.game.apply(&Input::Kick { player }, now)?;
            }
            self.joined += 1;
        }
        Ok(())
    }

    /// Nobody is connected to a game just taken over: each player counts again once they
    /// resume (set directly: disconnecting one by one could close the question early).
    fn nobody_connected(&mut self) {
        for p in &mut self.game.players {
            p.connected = false;
        }
        self.game.connected = 0;
        self.game.answered_connected = 0;
    }
}

#[cfg(test)]
mod tests;
