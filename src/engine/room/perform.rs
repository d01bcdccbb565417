//! The room performs the actions the step chose: queues messages on connections, hands rows
//! to the writer (receipts after the commit), totals to the board feed, updates to the host.

use std::time::Duration;

use tokio::time::Instant;

use super::step::{self, Action};
use super::teams::team_place;
use super::{Command, Room};
use crate::domain::game::{Effect, Input, PlayerId};
use crate::domain::Millis;
use crate::engine::views;
use crate::outbox::{Outbox, Outgoing};
use crate::protocol::{encode, ErrorCode, ServerMsg, Text};
use crate::rankings::feed::GameTotal;
use crate::storage::writer::{AnswerRow, Done, Write};

/// Longest wait for the database before a reveal.
pub const FLUSH_WAIT: Duration = Duration::from_secs(5);

impl Room {
    /// Applies an input to the game and performs its effects. On `Err`, nothing changed.
    pub(super) async fn apply(&mut self, input: &Input, now: Millis) -> Result<(), ErrorCode> {
        let effects = self.game.apply(input, now).map_err(ErrorCode::from)?;
        self.perform_effects(effects, now).await;
        Ok(())
    }

    pub(super) async fn perform_effects(&mut self, effects: Vec<Effect>, now: Millis) {
        for effect in effects {
            // Teams rank when players do: before the results, which carry the team's place.
            if matches!(effect, Effect::QuestionClosed { .. } | Effect::Finished) {
                self.rank_teams();
            }
            let board = match effect {
                Effect::LeaderboardShown { .. } => Some(false),
                Effect::Finished => Some(true),
                _ => None,
            };
            // Host screens: the team board just before the leaderboard or the podium, so the
            // screen draws both at once (the host page hangs up on the podium).
            if let Some(is_final) = board {
                self.send_team_board(is_final, self.seq + 1);
                if is_final && self.teams.is_some() {
                    self.store_teams().await;
                }
            }
            let actions = step::actions(&self.game, effect, &mut self.seq, now, &self.info);
            for action in actions {
                self.perform(action).await;
            }
        }
    }

    async fn perform(&mut self, action: Action) {
        let now = Instant::now();
        match action {
            Action::Broadcast {
                text,
                question: Some(index),
            } => self.open_question(index, text).await,
            Action::Broadcast {
                text,
                question: None,
            } => {
                self.finish_fan_out().await;
                self.broadcast(|| Outgoing::Text(text.clone()));
            }
            Action::Results { index, seq } => {
                self.finish_fan_out().await;
                let (game, teams) = (&self.game, self.teams.as_ref());
                Self::push_each(&mut self.conns, &mut self.deferred, |p| {
                    let mut result = views::you(&game.players()[p as usize], index);
                    result.team = team_place(teams, p);
                    Outgoing::Text(encode(&ServerMsg::Result { seq, result }))
                });
            }
            Action::Finals { seq } => {
                self.finish_fan_out().await;
                let (game, teams) = (&self.game, self.teams.as_ref());
                Self::push_each(&mut self.conns, &mut self.deferred, |p| {
                    let mut standing = views::standing(game, &game.players()[p as usize]);
                    standing.team = team_place(teams, p);
                    Outgoing::Text(encode(&ServerMsg::Final { seq, standing }))
                });
            }
            Action::Dismiss { player, text } => {
                if let Some(outbox) = self.conns.get_mut(player as usize).and_then(Option::take) {
                    outbox.push(Outgoing::Last(text));
                }
            }
            Action::Store(row) => self.writer.write(row, None).await,
            Action::StoreAnswer { row, seq } => {
                let (player, index) = (row.player as PlayerId, row.question as usize);
                let done = self.receipt_after_write(player, index, seq, Some(row.clone()));
                self.writer.write(Write::Answer(row), done).await;
            }
            Action::RepeatReceipt { player, index, seq } => {
                // Through the writer, so the repeat's receipt never overtakes the first's; and
                // if the first could not be stored, the repeat stores it.
                match self.unsaved.remove(&(player, index)) {
                    Some(row) => {
                        let done = self.receipt_after_write(player, index, seq, Some(row.clone()));
                        self.writer.write(Write::Answer(row), done).await;
                    }
                    None => {
                        let done = self.receipt_after_write(player, index, seq, None);
                        self.writer.write(Write::Barrier, done).await;
                    }
                }
            }
            Action::AwaitWrites => {
                // A stuck database must not stop the game.
                if tokio::time::timeout(FLUSH_WAIT, self.writer.flush())
                    .await
                    .is_err()
                {
                    tracing::error!(
                        game = %self.info.game_id,
                        "the database did not confirm answers in time; revealing anyway"
                    );
                }
            }
            Action::FeedTotals => self.feed_totals(),
            Action::FeedRemove(player) => self
                .feed
                .game_player_left(self.info.game_id, i64::from(player)),
            Action::FeedDone => self.feed.game_over(self.info.game_id),
            Action::HostJoined(player) => self.host_updates.joined(player, now),
            Action::HostRemoved(player) => self.host_updates.removed(player, now),
            Action::HostAnswered(changed) => self.host_updates.answered(changed, now),
            Action::HostFlushNow => {
                self.flush_host_updates();
                // The flush took the pending update's time: the teams' part goes now too.
                self.flush_teams().await;
            }
            Action::CloseAfter(linger) => self.expires_at = Some(now + linger),
        }
    }

    /// A callback that queues the receipt for `player` once the write is committed. `row`,
    /// when given, is the answer being written: if the write fails, the room hears of it, so
    /// that the player's repeat writes it again instead of getting a receipt for nothing.
    fn receipt_after_write(
        &self,
        player: PlayerId,
        index: usize,
        seq: u64,
        row: Option<AnswerRow>,
    ) -> Option<Done> {
        let outbox = self.conns.get(player as usize).cloned().flatten();
        if outbox.is_none() && row.is_none() {
            return None;
        }
        let text = encode(&ServerMsg::Receipt { seq, q: index });
        let inbox = self.inbox.clone();
        Some(Box::new(move |ok: bool| {
            if !ok {
                if let (Some(row), Some(inbox)) = (row, inbox.upgrade()) {
                    let _ = inbox.try_send(Command::AnswerNotStored { row });
                }
            }
            if let Some(outbox) = outbox {
                let msg = if ok {
                    text
                } else {
                    encode(&ServerMsg::error(ErrorCode::ServerBusy))
                };
                outbox.push(Outgoing::Text(msg));
            }
        }))
    }

    pub(super) fn send_to_conn(&self, player: PlayerId, conn: u64, msg: &ServerMsg<'_>) {
        if let Some(Some(outbox)) = self.conns.get(player as usize) {
            if outbox.id == conn {
                outbox.push(Outgoing::Text(encode(msg)));
            }
        }
    }

    /// Question `index` to the host screens at once and to every player from a task of its own
    /// (`fan_out.rs`), so that the room reads answers while it is written out.
    async fn open_question(&mut self, index: usize, text: Text) {
        self.finish_fan_out().await;
        let question = || Outgoing::Question {
            index,
            text: text.clone(),
        };
        self.hosts.retain(|h| h.push(question()));
        let players = self
            .conns
            .iter()
            .enumerate()
            .filter_map(|(id, slot)| Some((id as PlayerId, slot.clone()?)))
            .collect();
        self.fan_out = Some(super::fan_out::start(players, index, text));
    }

    /// Queues one shared message for every player connection and host screen. Connections
    /// that cannot take it are let go (they will `resume`).
    fn broadcast(&mut self, msg: impl Fn() -> Outgoing) {
        self.hosts.retain(|h| h.push(msg()));
        Self::push_each(&mut self.conns, &mut self.deferred, |_| msg());
    }

    /// Queues a message for every connected player (shared or personal). A free function
    /// over the fields it needs, so `msg` may borrow the game meanwhile.
    /// Players whose connection was let go are marked disconnected after the current command
    /// (`deferred`), so their effects (an early close, say) are performed like any other.
    pub(super) fn push_each(
        conns: &mut [Option<Outbox>],
        deferred: &mut Vec<PlayerId>,
        msg: impl Fn(PlayerId) -> Outgoing,
    ) {
        for (id, slot) in conns.iter_mut().enumerate() {
            if let Some(outbox) = slot {
                if !outbox.push(msg(id as PlayerId)) {
                    tracing::debug!(player = id, "dropped a connection that was not reading");
                    *slot = None;
                    deferred.push(id as PlayerId);
                }
            }
        }
    }

    pub(super) async fn drain_deferred(&mut self) {
        while let Some(player) = self.deferred.pop() {
            let now = self.now();
            self.apply(&Input::Disconnect { player }, now).await.ok();
        }
    }

    /// Every ranked player's total to the game's live board (the feed writes only changes).
    /// The totals as of the last close: a room feeds at a close, when nothing is open, but a
    /// room taken over in the middle of a question feeds at once with the answers acknowledged
    /// so far replayed, and those must not reach an event's public boards before the reveal.
    pub(super) fn feed_totals(&self) {
        let totals = self
            .game
            .players()
            .iter()
            .filter(|p| !p.kicked)
            .map(|p| {
                let (score, answer_time_ms) = self.game.revealed_totals(p);
                GameTotal {
                    player: i64::from(p.id),
                    score: i64::from(score),
                    answer_time_ms: answer_time_ms as i64,
                }
            })
            .collect();
        self.feed.game_totals(self.info.game_id, totals);
    }

    /// Sends the host screens what changed since the last update.
    pub(super) fn flush_host_updates(&mut self) {
        let texts = self
            .host_updates
            .take(&self.game, self.seq, !self.hosts.is_empty());
        for text in texts {
            self.hosts.retain(|h| h.push(Outgoing::Text(text.clone())));
        }
    }
}
