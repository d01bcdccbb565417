//! The rules of hoithi, with no I/O: who may do what (`access`), questions and banks, scoring,
//! nicknames and the live game's state machine. Nothing here reads a clock, a socket or a database; time arrives as a
//! [`Millis`] parameter and randomness as a seed, so every rule is testable with plain values.

pub mod access;
pub mod authoring;
pub mod awards;
pub mod bank;
pub mod bank_citations;
pub mod bank_stats;
pub mod bank_toml;
pub mod bell;
pub mod board;
pub mod contest;
pub mod context;
pub mod event_boards;
pub mod game;
pub mod ids;
pub mod key_balance;
pub mod moderation;
pub mod nickname;
pub mod option_labels;
pub mod period;
pub mod publishing;
pub mod question;
pub mod ranking;
pub mod report_unit;
pub mod result_order;
pub mod roster;
pub mod scopes;
pub mod scoring;
pub mod sheet;
pub mod teams;
pub mod text;
pub mod time;

pub use ids::{AccountId, GameId};
pub use nickname::Nickname;
pub use question::{Answer, AnswerKey, OptionId, Points, Question, QuestionKind, TimeLimit};
pub use time::Millis;
