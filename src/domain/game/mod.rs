//! The live game as a state machine: `apply(input, now) -> effects`.
//!
//! ```text
//!            Start            deadline + grace,          Next             Next
//!   Lobby ───────────► Question(i) ──── all answered, ──► Reveal(i) ──► Leaderboard(i) ──┐
//!                          ▲           Next or End                                       │
//!                          └──────────────────── Next (more questions) ──────────────────┤
//!                                                                 Next (last) or End     ▼
//!                                                                                    Finished
//! ```
//!
//! A question with a reading time ([`Settings::reading_ms`]) is open from the start but takes
//! no answer until `unlocks_at`; its time limit runs from then. No input or tick marks the
//! unlock: it is a time every answer is compared with, so it costs no message.
//!
//! The engine feeds every input with the current time, performs the effects (send, persist)
//! and calls [`Game::apply`] with [`Input::Tick`] when [`Game::next_deadline`] passes. Nothing
//! here knows about sockets or storage.

pub mod player;
pub mod restore;
pub mod settings;
pub mod standings;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use rand::SeedableRng;

pub use player::{Player, PlayerId, Recorded};
pub use settings::Settings;

use super::option_labels::{self, Labels};
use super::question::{Answer, AnswerKey, AnswerShapeError, Question};
use super::{scoring, Millis, Nickname};

/// A question as this game plays it: relabelled once per game ([`option_labels`]), so its
/// options are in the order every screen shows them (the projector's colours match the
/// phones') and its ids are the ones players see, never the bank's.
#[derive(Debug, Clone)]
pub struct Round {
    /// The question in shown ids: options in display order, numbered 1…n.
    pub question: Question,
    /// The bank's id of each shown id: what the database stores, so reports read the bank.
    pub labels: Labels,
    /// How many accepted answers chose each shown option id (index = id; index 0 unused). For
    /// an ordering question: how many put that option in its right place.
    pub distribution: Vec<u32>,
    pub answered: u32,
    pub correct: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Players join; the host waits.
    Lobby,
    /// Question `index` is shown from `opened_at`, takes answers from `unlocks_at` (later
    /// only with a reading time) until `closes_at` (plus the grace).
    Question {
        index: usize,
        opened_at: Millis,
        unlocks_at: Millis,
        closes_at: Millis,
    },
    /// The answer, distribution and explanation of `index` are shown.
    Reveal { index: usize, at: Millis },
    /// The leaderboard after question `index`.
    Leaderboard { index: usize, at: Millis },
    /// The podium.
    Finished,
}

/// Something that happens to a game.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Join {
        nickname: Nickname,
    },
    /// The player's connection went away (they keep their place).
    Disconnect {
        player: PlayerId,
    },
    /// The player is back on a new connection.
    Reconnect {
        player: PlayerId,
    },
    Kick {
        player: PlayerId,
    },
    Lock {
        locked: bool,
    },
    Start,
    /// The host moves on: closes an open question early, or shows what comes next.
    Next,
    /// The host ends the game now; an open question is closed and counted first.
    End,
    /// An answer to question `question`. `sent_at` is when the server finished writing the
    /// question to this player's connection, if known; scoring counts from then.
    Answer {
        player: PlayerId,
        question: usize,
        answer: Answer,
        sent_at: Option<Millis>,
    },
    /// A deadline from [`Game::next_deadline`] has passed.
    Tick,
}

/// What the engine must do because of an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Joined {
        player: PlayerId,
    },
    Disconnected {
        player: PlayerId,
    },
    Reconnected {
        player: PlayerId,
    },
    Kicked {
        player: PlayerId,
    },
    LockChanged {
        locked: bool,
    },
    QuestionOpened {
        index: usize,
    },
    /// A new answer was accepted and scored.
    AnswerAccepted {
        player: PlayerId,
        index: usize,
        /// How it was scored (also in the player's `answers`).
        record: Recorded,
        /// The answer in the bank's option ids, as the database keeps it.
        bank_answer: Answer,
    },
    /// The player had already answered; their first answer stands.
    AnswerRepeated {
        player: PlayerId,
        index: usize,
    },
    QuestionClosed {
        index: usize,
    },
    LeaderboardShown {
        index: usize,
    },
    Finished,
}

/// Why an input was refused. A refused input changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GameError {
    #[error("the game has not started")]
    NotStarted,
    #[error("the game has already started and late join is off")]
    AlreadyStarted,
    #[error("the game is over")]
    GameOver,
    #[error("the lobby is locked")]
    LobbyLocked,
    #[error("the game is full")]
    GameFull,
    #[error("the nickname is taken")]
    NicknameTaken,
    #[error("no players have joined")]
    NoPlayers,
    #[error("no such player")]
    UnknownPlayer,
    #[error("the player was removed from the game")]
    Kicked,
    #[error("that question is not open")]
    QuestionClosed,
    #[error("the answer arrived after the deadline")]
    TooLate,
    #[error("the answer arrived during the reading time, before answers opened")]
    TooEarly,
    #[error("not an answer to this question: {0}")]
    BadAnswer(AnswerShapeError),
    #[error("the game is not at a point where that can be done")]
    WrongPhase,
}

/// One live game.
#[derive(Debug, Clone)]
pub struct Game {
    settings: Settings,
    rounds: Vec<Round>,
    players: Vec<Player>,
    /// Nickname unique keys of players still in the game.
    nicknames: HashMap<String, PlayerId>,
    phase: Phase,
    locked: bool,
    /// Players connected and not kicked: when all of them have answered, the question closes.
    connected: u32,
    /// Of those, how many have answered the open question.
    answered_connected: u32,
    /// Player ids in leaderboard order as of the last close.
    standings: Vec<PlayerId>,
    /// The open question closes only at its deadline or by the host, not when everyone
    /// connected has answered: set on a game just taken over, whose players come back one by
    /// one (the first few who answered must not close it on the rest).
    hold_open: bool,
}

impl Game {
    /// A game over `questions`, relabelling each question's options with `seed` (kept with
    /// the game, never sent: the labels follow from it).
    pub fn new(questions: Vec<Question>, settings: Settings, seed: u64) -> Self {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let rounds = questions
            .iter()
            .map(|bank_question| {
                let (question, labels) = option_labels::relabel(bank_question, &mut rng);
                Round {
                    distribution: vec![0; question.options.len() + 1],
                    question,
                    labels,
                    answered: 0,
                    correct: 0,
                }
            })
            .collect();
        Game {
            settings,
            rounds,
            players: Vec::new(),
            nicknames: HashMap::new(),
            phase: Phase::Lobby,
            locked: false,
            connected: 0,
            answered_connected: 0,
            standings: Vec::new(),
            hold_open: false,
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    pub fn rounds(&self) -> &[Round] {
        &self.rounds
    }
    pub fn players(&self) -> &[Player] {
        &self.players
    }
    pub fn player(&self, id: PlayerId) -> Option<&Player> {
        self.players.get(id as usize)
    }
    pub fn is_locked(&self) -> bool {
        self.locked
    }
    /// Players who are in the game (not kicked), connected or not.
    pub fn active_players(&self) -> usize {
        // Every player still in the game holds a nickname: O(1), asked on every welcome.
        debug_assert_eq!(
            self.nicknames.len(),
            self.players.iter().filter(|p| !p.kicked).count()
        );
        self.nicknames.len()
    }
    /// Player ids in leaderboard order as of the last closed question.
    pub fn standings(&self) -> &[PlayerId] {
        &self.standings
    }

    /// `player`'s score and answer time as of the last close: an answer to the question still
    /// open counts from its reveal on. A total that moved before the reveal would tell anyone
    /// reading a board who answered right (an event's boards are public).
    pub fn revealed_totals(&self, player: &Player) -> (u32, u64) {
        match self.open_index().and_then(|index| player.answer(index)) {
            Some(open) => (
                player.score - open.points,
                player.answer_time_ms - u64::from(open.elapsed_ms),
            ),
            None => (player.score, player.answer_time_ms),
        }
    }

    /// When the engine must send [`Input::Tick`] next, if ever.
    pub fn next_deadline(&self) -> Option<Millis> {
        match self.phase {
            Phase::Question { closes_at, .. } => Some(closes_at + self.settings.answer_grace_ms),
            Phase::Reveal { at, .. } | Phase::Leaderboard { at, .. } => {
                self.settings.auto_advance_ms.map(|ms| at + ms)
            }
            Phase::Lobby | Phase::Finished => None,
        }
    }

    /// Applies one input at time `now`. On `Err`, nothing changed.
    pub fn apply(&mut self, input: &Input, now: Millis) -> Result<Vec<Effect>, GameError> {
        match input {
            Input::Join { nickname } => self.join(nickname, now),
            Input::Disconnect { player } => self.set_connected(*player, false, now),
            Input::Reconnect { player } => self.set_connected(*player, true, now),
            Input::Kick { player } => self.kick(*player, now),
            Input::Lock { locked } => {
                if self.phase == Phase::Finished {
                    return Err(GameError::GameOver);
                }
                self.locked = *locked;
                Ok(vec![Effect::LockChanged { locked: *locked }])
            }
            Input::Start => match self.phase {
                Phase::Lobby if self.active_players() == 0 => Err(GameError::NoPlayers),
                Phase::Lobby => Ok(self.open(0, now)),
                Phase::Finished => Err(GameError::GameOver),
                _ => Err(GameError::WrongPhase),
            },
            Input::Next => self.next(now),
            Input::End => self.end(now),
            Input::Answer {
                player,
                question,
                answer,
                sent_at,
            } => self.answer(*player, *question, answer, *sent_at, now),
            Input::Tick => Ok(self.tick(now)),
        }
    }

    fn join(&mut self, nickname: &Nickname, now: Millis) -> Result<Vec<Effect>, GameError> {
        match self.phase {
            Phase::Finished => return Err(GameError::GameOver),
            Phase::Lobby => {}
            _ if !self.settings.late_join => return Err(GameError::AlreadyStarted),
            _ => {}
        }
        if self.locked {
            return Err(GameError::LobbyLocked);
        }
        if self.players.len() >= self.settings.max_players as usize {
            return Err(GameError::GameFull);
        }
        let key = nickname.unique_key();
        if self.nicknames.contains_key(&key) {
            return Err(GameError::NicknameTaken);
        }
        let id = self.players.len() as PlayerId;
        self.nicknames.insert(key, id);
        self.players
            .push(Player::new(id, nickname.clone(), self.rounds.len(), now));
        self.connected += 1;
        Ok(vec![Effect::Joined { player: id }])
    }

    fn live_player(&self, id: PlayerId) -> Result<&Player, GameError> {
        match self.players.get(id as usize) {
            None => Err(GameError::UnknownPlayer),
            Some(p) if p.kicked => Err(GameError::Kicked),
            Some(p) => Ok(p),
        }
    }

    fn open_index(&self) -> Option<usize> {
        match self.phase {
            Phase::Question { index, .. } => Some(index),
            _ => None,
        }
    }

    fn set_connected(
        &mut self,
        id: PlayerId,
        on: bool,
        now: Millis,
    ) -> Result<Vec<Effect>, GameError> {
        let player = self.live_player(id)?;
        if player.connected == on {
            return Ok(Vec::new());
        }
        let answered_open = self
            .open_index()
            .is_some_and(|i| player.answer(i).is_some());
        self.players[id as usize].connected = on;
        if on {
            self.connected += 1;
            self.answered_connected += u32::from(answered_open);
            Ok(vec![Effect::Reconnected { player: id }])
        } else {
            self.connected -= 1;
            self.answered_connected -= u32::from(answered_open);
            let mut effects = vec![Effect::Disconnected { player: id }];
            effects.extend(self.close_if_all_answered(now));
            Ok(effects)
        }
    }

    fn kick(&mut self, id: PlayerId, now: Millis) -> Result<Vec<Effect>, GameError> {
        // After the podium, the standings are published: nobody leaves them any more.
        if self.phase == Phase::Finished {
            return Err(GameError::GameOver);
        }
        let player = self.live_player(id)?;
        let answered_open = self
            .open_index()
            .is_some_and(|i| player.answer(i).is_some());
        let (connected, key) = (player.connected, player.nickname.unique_key());
        if connected {
            self.connected -= 1;
            self.answered_connected -= u32::from(answered_open);
        }
        self.nicknames.remove(&key);
        let p = &mut self.players[id as usize];
        p.kicked = true;
        p.connected = false;
        p.rank = None;
        self.standings.retain(|&other| other != id);
        let mut effects = vec![Effect::Kicked { player: id }];
        effects.extend(self.close_if_all_answered(now));
        Ok(effects)
    }

    fn open(&mut self, index: usize, now: Millis) -> Vec<Effect> {
        let limit = self.rounds[index].question.time_limit.millis();
        let unlocks_at = now + self.settings.reading_ms.unwrap_or(0);
        self.phase = Phase::Question {
            index,
            opened_at: now,
            unlocks_at,
            closes_at: unlocks_at + limit,
        };
        self.answered_connected = 0;
        self.hold_open = false;
        vec![Effect::QuestionOpened { index }]
    }

    fn answer(
        &mut self,
        id: PlayerId,
        question: usize,
        answer: &Answer,
        sent_at: Option<Millis>,
        now: Millis,
    ) -> Result<Vec<Effect>, GameError> {
        let player = self.live_player(id)?;
        let Phase::Question {
            index,
            opened_at,
            unlocks_at,
            closes_at,
        } = self.phase
        else {
            return Err(match self.phase {
                Phase::Lobby => GameError::NotStarted,
                Phase::Finished => GameError::GameOver,
                // An answer to the question that has just closed came too late; one to any
                // other question is to a question that is not open.
                Phase::Reveal { index, .. } | Phase::Leaderboard { index, .. }
                    if index == question =>
                {
                    GameError::TooLate
                }
                _ => GameError::QuestionClosed,
            });
        };
        if question != index {
            return Err(GameError::QuestionClosed);
        }
        if player.answer(index).is_some() {
            return Ok(vec![Effect::AnswerRepeated { player: id, index }]);
        }
        if now < unlocks_at {
            return Err(GameError::TooEarly);
        }
        if now > closes_at + self.settings.answer_grace_ms {
            return Err(GameError::TooLate);
        }
        let round = &self.rounds[index];
        round
            .question
            .check_shape(answer)
            .map_err(GameError::BadAnswer)?;

        let limit = round.question.time_limit.millis();
        let start = answer_clock_start(player, sent_at, opened_at, unlocks_at).min(now);
        let elapsed = now.since(start).min(limit);
        let correct = round.question.is_correct(answer);
        let max = round.question.points.max();
        let (points, bonus, streak) = if correct {
            let streak = player.streak + 1;
            let bonus = if self.settings.streak_bonus {
                scoring::streak_bonus(max, streak)
            } else {
                0
            };
            (
                scoring::points_for_correct(max, elapsed, limit) + bonus,
                bonus,
                streak,
            )
        } else {
            (0, 0, 0)
        };

        let round = &mut self.rounds[index];
        round.answered += 1;
        round.correct += u32::from(correct);
        match (answer, &round.question.key) {
            (Answer::Options(ids), AnswerKey::Order { ids: key }) => {
                for (&o, _) in ids.iter().zip(key).filter(|(o, k)| o == k) {
                    round.distribution[usize::from(o)] += 1;
                }
            }
            (Answer::Options(ids), _) => {
                for &o in ids {
                    round.distribution[usize::from(o)] += 1;
                }
            }
            (Answer::Number(_), _) => {}
        }
        let bank_answer = round.labels.answer_to_bank(answer);
        let record = Recorded {
            elapsed_ms: elapsed as u32,
            correct,
            points,
            bonus,
        };
        let p = &mut self.players[id as usize];
        p.answers[index] = Some(record);
        p.score += points;
        p.answer_time_ms += elapsed;
        p.correct_count += u32::from(correct);
        p.streak = streak;
        if p.connected {
            self.answered_connected += 1;
        }
        let mut effects = vec![Effect::AnswerAccepted {
            player: id,
            index,
            record,
            bank_answer,
        }];
        effects.extend(self.close_if_all_answered(now));
        Ok(effects)
    }

    fn close_if_all_answered(&mut self, now: Millis) -> Vec<Effect> {
        if self.open_index().is_some()
            && !self.hold_open
            && self.connected > 0
            && self.answered_connected >= self.connected
        {
            self.close(now)
        } else {
            Vec::new()
        }
    }

    /// Closes the open question: players who did not answer lose their streak and are
    /// charged the full time limit; ranks are recomputed once, here.
    fn close(&mut self, now: Millis) -> Vec<Effect> {
        let Some(index) = self.open_index() else {
            return Vec::new();
        };
        let limit = self.rounds[index].question.time_limit.millis();
        for p in self.players.iter_mut().filter(|p| p.missed(index)) {
            p.streak = 0;
            p.answer_time_ms += limit;
        }
        self.standings = standings::assign_ranks(&mut self.players);
        self.phase = Phase::Reveal { index, at: now };
        vec![Effect::QuestionClosed { index }]
    }

    fn next(&mut self, now: Millis) -> Result<Vec<Effect>, GameError> {
        match self.phase {
            Phase::Lobby => Err(GameError::NotStarted),
            Phase::Question { .. } => Ok(self.close(now)),
            Phase::Reveal { index, .. } => {
                self.phase = Phase::Leaderboard { index, at: now };
                Ok(vec![Effect::LeaderboardShown { index }])
            }
            Phase::Leaderboard { index, .. } if index + 1 < self.rounds.len() => {
                Ok(self.open(index + 1, now))
            }
            Phase::Leaderboard { .. } => Ok(self.finish()),
            Phase::Finished => Err(GameError::GameOver),
        }
    }

    fn end(&mut self, now: Millis) -> Result<Vec<Effect>, GameError> {
        if self.phase == Phase::Finished {
            return Err(GameError::GameOver);
        }
        let mut effects = self.close(now);
        effects.extend(self.finish());
        Ok(effects)
    }

    fn finish(&mut self) -> Vec<Effect> {
        self.standings = standings::assign_ranks(&mut self.players);
        self.phase = Phase::Finished;
        vec![Effect::Finished]
    }

    fn tick(&mut self, now: Millis) -> Vec<Effect> {
        match self.next_deadline() {
            Some(deadline) if now >= deadline => self.next(now).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

/// When a player's answer clock starts: when answers opened *on their screen*. The question
/// (or the welcome of a player who joined during it) was written to their connection at
/// `sent_at`, and it told them how long answers were still locked then; so their screen
/// unlocked that long after `sent_at`, and the network's delay on the way is not charged.
/// Without a reading time this is `sent_at` itself. A missing stamp (a player who resumed: a
/// reconnection never restarts a clock) falls back to the unlock, and no stamp moves the start
/// before it.
fn answer_clock_start(
    player: &Player,
    sent_at: Option<Millis>,
    opened_at: Millis,
    unlocks_at: Millis,
) -> Millis {
    let Some(sent) = sent_at else {
        return unlocks_at;
    };
    // The message they got was made when the question opened, or when they joined during it.
    let made_at = opened_at.max(player.joined_at);
    (sent.max(made_at) + unlocks_at.since(made_at)).max(unlocks_at)
}
