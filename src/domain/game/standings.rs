//! The leaderboard order of a game: score descending, then total answer time ascending, then
//! join order (so two players never swap places between screens).

use std::cmp::Ordering;

use super::player::{Player, PlayerId};

/// How two players compare on the leaderboard; `Less` means `a` ranks higher.
pub fn compare(a: &Player, b: &Player) -> Ordering {
    b.score
        .cmp(&a.score)
        .then(a.answer_time_ms.cmp(&b.answer_time_ms))
        .then(a.id.cmp(&b.id))
}

/// Ranks every player who is still in the game (kicked players get no rank) and returns their
/// ids in leaderboard order.
pub fn assign_ranks(players: &mut [Player]) -> Vec<PlayerId> {
    let mut order: Vec<usize> = (0..players.len()).filter(|&i| !players[i].kicked).collect();
    order.sort_unstable_by(|&a, &b| compare(&players[a], &players[b]));
    for p in players.iter_mut() {
        p.rank = None;
    }
    for (rank, &i) in order.iter().enumerate() {
        players[i].rank = Some(rank as u32 + 1);
    }
    order.into_iter().map(|i| players[i].id).collect()
}
