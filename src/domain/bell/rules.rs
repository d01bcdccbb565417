//! The day's rules of a Rung chuông vàng: what the organizers announce before the contest and
//! the host cannot change once it has started.

use serde::{Deserialize, Serialize};

use crate::domain::game::settings::DEFAULT_GRACE_MS;

/// What happens when every contestant still standing gets a question wrong (or leaves it
/// blank).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllWrong {
    /// Nobody is eliminated: the question was too hard for the whole field, and a contest
    /// that ends with no one on stage has no bell to ring. This is the rule taken literally,
    /// so a lone contestant who is wrong stays too.
    Spare,
    /// Everyone who is wrong is out, even if that empties the stage (a rescue may follow).
    Eliminate,
}

/// How a rescue (cứu trợ) brings eliminated contestants back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RescueRule {
    /// Every eliminated contestant comes back at once; no question.
    All,
    /// A rescue question is put to the eliminated contestants; those who answer it correctly
    /// come back, the fastest first, at most `up_to` of them (`None`: all who are right).
    ByEliminated { up_to: Option<u32> },
    /// A rescue question is put to the audience; as many eliminated contestants come back as
    /// audience members answer it correctly (at most `up_to`). Those who lasted longest come
    /// back first (see [`super::rescue`]).
    ByAudience { up_to: Option<u32> },
}

impl RescueRule {
    /// Whether the rescue needs a question (every rule but [`RescueRule::All`]).
    pub fn needs_question(self) -> bool {
        !matches!(self, RescueRule::All)
    }
}

/// The rules of one contest. Defaults are the common school format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    pub all_wrong: AllWrong,
    pub rescue: RescueRule,
    /// Rescues the host may run in one contest (rescue questions skipped as faulty do not
    /// count).
    pub max_rescues: u32,
    /// Eliminated contestants may keep answering for fun: their phones stay in play, the
    /// answers are recorded and shown to them, and never counted.
    pub eliminated_play_for_fun: bool,
    /// Answers from phones arriving this long after the countdown still count (sent in time,
    /// delayed by the hall's Wi-Fi); the same grace as the class game.
    pub answer_grace_ms: u64,
    /// Most contestants on stage.
    pub max_contestants: u16,
}

/// A school hall seats a few hundred contestants; the seat numbers on their boards have three
/// digits.
pub const DEFAULT_MAX_CONTESTANTS: u16 = 500;

impl Default for Rules {
    fn default() -> Self {
        Rules {
            all_wrong: AllWrong::Spare,
            rescue: RescueRule::ByEliminated { up_to: None },
            max_rescues: 2,
            eliminated_play_for_fun: true,
            answer_grace_ms: DEFAULT_GRACE_MS,
            max_contestants: DEFAULT_MAX_CONTESTANTS,
        }
    }
}
