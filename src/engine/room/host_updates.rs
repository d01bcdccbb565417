//! The host screen's lobby list and answered count, coalesced: a join, a kick or an answer
//! only marks what changed, and at most every [`HOST_UPDATE_EVERY`] the host gets one `lobby`
//! and one `answered` carrying all of it. So 19,000 joins cost the host a few messages a
//! second, not 19,000.

use std::time::Duration;

use tokio::time::Instant;

use crate::domain::game::{Game, Phase, PlayerId};
use crate::protocol::{encode, PlayerBrief, ServerMsg, Text};

/// How often, at most, the host screen gets a `lobby` or `answered` update.
pub const HOST_UPDATE_EVERY: Duration = Duration::from_millis(250);

/// What the host screens have not been told yet.
#[derive(Debug, Default)]
pub struct HostUpdates {
    joined: Vec<PlayerId>,
    removed: Vec<u32>,
    answered: bool,
    /// When the pending updates go out, if any are pending.
    due: Option<Instant>,
}

impl HostUpdates {
    pub fn joined(&mut self, player: PlayerId, now: Instant) {
        self.joined.push(player);
        self.schedule(now);
    }

    pub fn removed(&mut self, player: PlayerId, now: Instant) {
        self.removed.push(player);
        self.schedule(now);
    }

    /// The answered count changed (`true`), or a new question starts it afresh (`false`).
    pub fn answered(&mut self, changed: bool, now: Instant) {
        self.answered = changed;
        if changed {
            self.schedule(now);
        }
    }

    /// Something else for the host screens (the teams) is pending: schedule an update.
    pub fn touch(&mut self, now: Instant) {
        self.schedule(now);
    }

    /// When the room's loop must call [`HostUpdates::take`].
    pub fn due(&self) -> Option<Instant> {
        self.due
    }

    fn schedule(&mut self, now: Instant) {
        if self.due.is_none() {
            self.due = Some(now + HOST_UPDATE_EVERY);
        }
    }

    /// The messages for the host screens now (none when no host is there to read them), and
    /// nothing pending afterwards.
    pub fn take(&mut self, game: &Game, seq: u64, any_host: bool) -> Vec<Text> {
        let pending = std::mem::take(self);
        if !any_host {
            return Vec::new();
        }
        let mut texts = Vec::new();
        if !pending.joined.is_empty() || !pending.removed.is_empty() {
            let joined: Vec<PlayerBrief> = pending
                .joined
                .iter()
                .filter_map(|&id| game.player(id))
                .filter(|p| !p.kicked)
                .map(|p| PlayerBrief {
                    id: p.id,
                    nickname: p.nickname.as_str(),
                })
                .collect();
            texts.push(encode(&ServerMsg::Lobby {
                seq,
                count: game.active_players(),
                joined: &joined,
                removed: &pending.removed,
            }));
        }
        if pending.answered {
            // Also right after a close: the host sees the final count before the reveal.
            if let Phase::Question { index, .. } | Phase::Reveal { index, .. } = game.phase() {
                texts.push(encode(&ServerMsg::Answered {
                    seq,
                    q: index,
                    count: game.rounds()[index].answered,
                    of: game.active_players(),
                }));
            }
        }
        texts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::game::{Input, Settings};
    use crate::domain::question::tests::single;
    use crate::domain::{Millis, Nickname};

    fn game_with(players: usize) -> Game {
        let mut g = Game::new(vec![single(1, 4)], Settings::default(), 1);
        for i in 0..players {
            g.apply(
                &Input::Join {
                    nickname: Nickname::parse(&format!("P{i}")).unwrap(),
                },
                Millis(0),
            )
            .unwrap();
        }
        g
    }

    #[test]
    fn many_joins_become_one_lobby_message_due_once() {
        let g = game_with(300);
        let mut u = HostUpdates::default();
        let t0 = Instant::now();
        for p in 0..300 {
            u.joined(p, t0 + Duration::from_millis(u64::from(p)));
        }
        assert_eq!(u.due(), Some(t0 + HOST_UPDATE_EVERY), "due from the first");
        let texts = u.take(&g, 4, true);
        assert_eq!(texts.len(), 1);
        let v: serde_json::Value = serde_json::from_str(texts[0].as_str()).unwrap();
        assert_eq!(v["type"], "lobby");
        assert_eq!(v["count"], 300);
        assert_eq!(v["joined"].as_array().unwrap().len(), 300);
        assert_eq!(u.due(), None);
        assert!(u.take(&g, 4, true).is_empty(), "nothing twice");
    }

    #[test]
    fn without_a_host_nothing_is_kept_for_later() {
        let g = game_with(2);
        let mut u = HostUpdates::default();
        u.joined(0, Instant::now());
        assert!(u.take(&g, 0, false).is_empty());
        assert!(u.take(&g, 0, true).is_empty());
    }

    #[test]
    fn the_answered_count_follows_the_open_question() {
        let mut g = game_with(2);
        let mut u = HostUpdates::default();
        u.answered(true, Instant::now());
        assert!(u.take(&g, 0, true).is_empty(), "no question open");
        g.apply(&Input::Start, Millis(0)).unwrap();
        u.answered(true, Instant::now());
        let texts = u.take(&g, 1, true);
        let v: serde_json::Value = serde_json::from_str(texts[0].as_str()).unwrap();
        assert_eq!(
            (v["type"].as_str(), v["of"].as_u64()),
            (Some("answered"), Some(2))
        );
        u.answered(false, Instant::now());
        assert_eq!(u.due(), None, "a fresh count is no news");
    }
}
