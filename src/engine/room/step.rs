//! What a room does about one effect of its game, decided from the game alone: the pure step
//! between `Game::apply` and the sockets, the database and the board. The room performs the
//! actions in order (`perform.rs`); this file only says which, so every rule of the form
//! «receipts before the reveal» or «a kick is stored and leaves the board» is a table test
//! here, with no task, clock or database.

use crate::domain::GameId;
use std::time::Duration;

use super::super::views;
use crate::domain::game::restore::Progress;
use crate::domain::game::{Effect, Game, PlayerId};
use crate::domain::Millis;
use crate::protocol::{encode, ServerMsg, Text};
use crate::storage::writer::{AnswerRow, Write};
use crate::storage::GameStatus;

/// How long a finished game stays open for the podium and the report links.
pub const FINISHED_LINGER: Duration = Duration::from_secs(15 * 60);

/// What the step needs to know of its room besides the game.
#[derive(Debug, Clone)]
pub struct RoomInfo {
    pub game_id: GameId,
    /// Where question images are served from (`/bank-images`): transport's address, passed in.
    pub image_base: String,
    /// The wall-clock time (Unix ms) of the room's time 0: the progression it stores says when
    /// a phase began in a time another node can read.
    pub wall_epoch_ms: i64,
}

impl RoomInfo {
    fn progress(&self, at: Progress, now: Millis, seq: u64) -> Action {
        Action::Store(Write::Progress {
            game: self.game_id,
            at,
            began_ms: self.wall_epoch_ms + now.0 as i64,
            seq: seq as i64,
        })
    }
}

/// One thing the room does, in the order given.
#[derive(Debug, PartialEq)]
pub enum Action {
    /// `text` to every player connection and host screen; `question` is the index of the
    /// question it carries, if it is one (a connection notes when it wrote that out).
    Broadcast { text: Text, question: Option<usize> },
    /// Each connected player's own `result` of question `index`, under sequence `seq`.
    Results { index: usize, seq: u64 },
    /// Each connected player's `final` standing, under sequence `seq`.
    Finals { seq: u64 },
    /// `text` to the player's connection, which is then closed and forgotten.
    Dismiss { player: PlayerId, text: Text },
    /// A row for the database that nobody waits for.
    Store(Write),
    /// An accepted answer: stored, and the player's receipt (under `seq`) once it is on disk.
    StoreAnswer { row: AnswerRow, seq: u64 },
    /// A repeated answer: its receipt after everything queued before it, so it never overtakes
    /// the first answer's (the room writes the first again if that write failed).
    RepeatReceipt {
        player: PlayerId,
        index: usize,
        seq: u64,
    },
    /// Wait, boundedly, until every row queued so far is committed: receipts reach phones
    /// before the reveal, and a reveal never shows an answer that is not on disk.
    AwaitWrites,
    /// Every ranked player's total to the game's live board.
    FeedTotals,
    /// The player leaves the game's live board.
    FeedRemove(PlayerId),
    /// The game's live board gets no more updates.
    FeedDone,
    /// Host screens: a player joined the lobby (sent coalesced).
    HostJoined(PlayerId),
    /// Host screens: a player was removed (sent coalesced).
    HostRemoved(PlayerId),
    /// Host screens: the answered count changed (`true`) or starts afresh (`false`).
    HostAnswered(bool),
    /// Host screens: send what is pending now, before what follows.
    HostFlushNow,
    /// The room closes by itself this long from now.
    CloseAfter(Duration),
}

/// The actions for `effect`, which `game` has just produced at `now`. `seq` is the room's
/// sequence number: raised here for every event broadcast to the room.
pub fn actions(
    game: &Game,
    effect: Effect,
    seq: &mut u64,
    now: Millis,
    room: &RoomInfo,
) -> Vec<Action> {
    let game_id = room.game_id;
    match effect {
        Effect::Joined { player } => vec![Action::HostJoined(player)],
        Effect::Disconnected { .. } | Effect::Reconnected { .. } => Vec::new(),
        Effect::Kicked { player } => vec![
            Action::Dismiss {
                player,
                text: encode(&ServerMsg::Kicked { seq: *seq }),
            },
            Action::HostRemoved(player),
            Action::FeedRemove(player),
            Action::Store(Write::Kick {
                game: game_id,
                player: i64::from(player),
            }),
        ],
        Effect::LockChanged { locked } => {
            *seq += 1;
            vec![Action::Broadcast {
                text: encode(&ServerMsg::Locked { seq: *seq, locked }),
                question: None,
            }]
        }
        Effect::QuestionOpened { index } => {
            let mut out = Vec::new();
            if index == 0 {
                out.push(Action::Store(Write::Status {
                    game: game_id,
                    status: GameStatus::Running,
                }));
            }
            *seq += 1;
            let question = views::question(game, index, now, &room.image_base);
            out.push(Action::HostAnswered(false));
            out.push(Action::Broadcast {
                text: encode(&ServerMsg::Question {
                    seq: *seq,
                    question,
                }),
                question: Some(index),
            });
            out.push(room.progress(Progress::Question(index), now, *seq));
            out
        }
        Effect::AnswerAccepted {
            player,
            index,
            record,
            bank_answer,
        } => {
            // The database keeps the bank's option ids, so a report reads the bank whatever
            // ids this game showed.
            let row = AnswerRow {
                game: game_id,
                player: i64::from(player),
                question: index as i64,
                answer: serde_json::to_string(&bank_answer).unwrap_or_default(),
                correct: record.correct,
                points: i64::from(record.points),
                bonus: i64::from(record.bonus),
                elapsed_ms: i64::from(record.elapsed_ms),
            };
            vec![
                Action::StoreAnswer { row, seq: *seq },
                Action::HostAnswered(true),
            ]
        }
        Effect::AnswerRepeated { player, index } => vec![Action::RepeatReceipt {
            player,
            index,
            seq: *seq,
        }],
        Effect::QuestionClosed { index } => {
            let mut out = Vec::new();
            // The time the game charged for a missing answer is kept beside the answers, so
            // totals from the database equal the room's.
            let missed: Vec<i64> = game
                .players()
                .iter()
                .filter(|p| p.missed(index))
                .map(|p| i64::from(p.id))
                .collect();
            if !missed.is_empty() {
                out.push(Action::Store(Write::Missed {
                    game: game_id,
                    question: index as i64,
                    players: missed,
                    charged_ms: game.rounds()[index].question.time_limit.millis() as i64,
                }));
            }
            out.push(room.progress(Progress::Reveal(index), now, *seq + 1));
            out.push(Action::FeedTotals);
            out.push(Action::AwaitWrites);
            // The host sees the final count before the reveal.
            out.push(Action::HostFlushNow);
            *seq += 1;
            out.push(Action::Broadcast {
                text: encode(&ServerMsg::Reveal {
                    seq: *seq,
                    reveal: views::reveal(game, index),
                }),
                question: None,
            });
            out.push(Action::Results { index, seq: *seq });
            out
        }
        Effect::LeaderboardShown { index } => {
            *seq += 1;
            let top = views::top(game, views::LEADERBOARD_SIZE);
            vec![
                Action::Broadcast {
                    text: encode(&ServerMsg::Leaderboard {
                        seq: *seq,
                        q: index,
                        top: &top,
                        players: game.active_players(),
                    }),
                    question: None,
                },
                room.progress(Progress::Leaderboard(index), now, *seq),
            ]
        }
        Effect::Finished => {
            *seq += 1;
            let top = views::top(game, views::PODIUM_SIZE);
            let standings = game
                .standings()
                .iter()
                .filter_map(|&id| game.player(id))
                .map(|p| {
                    (
                        i64::from(p.id),
                        i64::from(p.rank.unwrap_or(0)),
                        i64::from(p.score),
                    )
                })
                .collect();
            vec![
                // Players who joined after the last close are ranked too (score 0), as a
                // board rebuilt from the database ranks them.
                Action::FeedTotals,
                Action::FeedDone,
                Action::Broadcast {
                    text: encode(&ServerMsg::Podium {
                        seq: *seq,
                        top: &top,
                        players: game.active_players(),
                    }),
                    question: None,
                },
                Action::Finals { seq: *seq },
                Action::Store(Write::Final {
                    game: game_id,
                    standings,
                }),
                Action::Store(Write::Status {
                    game: game_id,
                    status: GameStatus::Finished,
                }),
                Action::CloseAfter(FINISHED_LINGER),
            ]
        }
    }
}
