//! What flows through the board feed (`feed.rs`) and the event boards it feeds
//! (`event_feed.rs`): a live game's board, its members and entries, a player's totals, and the
//! feed's messages. Apart from both, so neither needs the other's insides.

use crate::domain::context::Context;
use crate::domain::ranking::RankOrder;
use crate::domain::scopes::Scope;
use crate::domain::GameId;

/// The live board of a game (`game-{id}/players`); its context is what `leaderboard rebuild`
/// takes.
pub fn game_board(game: GameId) -> String {
    Scope::Players.board(&Context::Game(game))
}

/// A player as a board member: zero-padded, so that equal totals rank by join order as on the
/// host's screen (members compare as bytes).
pub fn game_member(player: i64) -> String {
    format!("{player:07}")
}

/// A player's entry on a game board: score, then total answer time.
pub fn game_entry(score: i64, answer_time_ms: i64, player: i64) -> String {
    RankOrder::live_game().encode(&[score, answer_time_ms], &game_member(player))
}

pub(super) enum Feed {
    /// Members' current entries (`(member, entry)`).
    Set {
        board: String,
        entries: Vec<(String, String)>,
    },
    Unset {
        board: String,
        member: String,
    },
    /// The board gets no more updates: forget it once it is written.
    Done {
        board: String,
    },
    /// A new game: whatever a board of that name holds goes (a database started afresh reuses
    /// game ids while Redis may still hold an old game's board).
    Reset {
        board: String,
    },
    /// A game's totals, for its event boards if it is a province event (`event_feed.rs`).
    EventTotals {
        game: GameId,
        totals: Vec<GameTotal>,
    },
    EventLeft {
        game: GameId,
        player: i64,
    },
    EventOver {
        game: GameId,
    },
}

/// A player's totals, as a live game ranks them: score, then total answer time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GameTotal {
    pub player: i64,
    pub score: i64,
    pub answer_time_ms: i64,
}
