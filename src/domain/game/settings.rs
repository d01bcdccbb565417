//! What the host chooses when opening a game.

use serde::{Deserialize, Serialize};

/// Game options. Defaults are what a teacher gets without touching anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Players may join after the first question has opened (they start at 0 points).
    pub late_join: bool,
    /// Move on by itself: show the reveal this long, then the leaderboard this long, then the
    /// next question. `None`: the host presses "Tiếp".
    pub auto_advance_ms: Option<u64>,
    /// Add the answer-streak bonus (see [`crate::domain::scoring`]). Off by default: teachers
    /// find it locks the podium early.
    pub streak_bonus: bool,
    /// Answers arriving this long after the deadline still count: they left the phone in time
    /// and were delayed by the network. Documented in `docs/protocol.md`.
    pub answer_grace_ms: u64,
    /// Most players a game seats. The server's configured default replaces this one when a
    /// game is opened (`HOITHI_PLAYERS_PER_GAME`); the host may set another, within the
    /// server's maximum.
    pub max_players: u32,
    /// Reading time: the question shows this long before its answers open (phones show the
    /// options but cannot answer; the server refuses an early answer with `too_early`), and
    /// the time limit runs from then. `None`: answers open with the question. Within
    /// [`READING_MS`].
    pub reading_ms: Option<u64>,
}

/// The reading times a host may choose: long enough to matter, short enough that a class
/// does not wait on a projector (a long text is better split into two questions).
pub const READING_MS: std::ops::RangeInclusive<u64> = 1_000..=30_000;

/// Players a game seats unless its host says otherwise: the average school (about 700,000
/// learners in 1,400 schools), so a class or a school event fits. The province's event is
/// one larger game its host sets up (within the server's maximum).
pub const DEFAULT_MAX_PLAYERS: u32 = 500;

/// Default grace for network delay: a weak 3G link's round trip, not enough to read the
/// reveal on a neighbour's screen (the reveal is sent only after the grace).
pub const DEFAULT_GRACE_MS: u64 = 500;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            late_join: true,
            auto_advance_ms: None,
            streak_bonus: false,
            answer_grace_ms: DEFAULT_GRACE_MS,
            max_players: DEFAULT_MAX_PLAYERS,
            reading_ms: None,
        }
    }
}
