//! The feed from live rooms to the leaderboards. A room hands over its players' absolute totals
//! when a question closes and never waits: the feed keeps the latest entry of every member of
//! every live board, writes what changed in pipelined batches, and when Redis fails (down,
//! restarted empty) keeps trying and then writes every member again, since a restarted Redis
//! may have lost them all. Games go on whatever Redis does: answers are in the database, and the
//! boards catch up.
//!
//! Memory is bounded by the players of running games (one entry each), not by the number of
//! answers: a member written twice before a flush is written once.

use crate::domain::GameId;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tokio::sync::mpsc;

use super::event_feed::Events;
use super::feed_items::Feed;
pub use super::feed_items::{game_board, game_entry, game_member, GameTotal};
use crate::leaderboard::{Leaderboards, Update};
use crate::storage::Store;

/// Where rooms send their totals. Cheap to clone; sending never waits.
#[derive(Clone)]
pub struct BoardFeed {
    tx: mpsc::UnboundedSender<Feed>,
    /// Whether games' totals also go to their event boards (a feed with the database).
    events: bool,
}

impl BoardFeed {
    /// Starts the feed's task; it ends when every handle is dropped and what it holds is
    /// written (or Redis is still failing, then the boards wait for a rebuild).
    pub fn spawn(boards: Leaderboards) -> BoardFeed {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(boards, rx, None));
        BoardFeed { tx, events: false }
    }

    /// As [`BoardFeed::spawn`], and province event games' totals also feed their boards per
    /// school, commune and province, with the players' schools read from `store`.
    pub fn spawn_with_events(boards: Leaderboards, store: Store) -> BoardFeed {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(boards, rx, Some(Events::new(store))));
        BoardFeed { tx, events: true }
    }

    pub fn set(&self, board: String, entries: Vec<(String, String)>) {
        let _ = self.tx.send(Feed::Set { board, entries });
    }

    pub fn unset(&self, board: String, member: String) {
        let _ = self.tx.send(Feed::Unset { board, member });
    }

    pub fn done(&self, board: String) {
        let _ = self.tx.send(Feed::Done { board });
    }

    pub fn reset(&self, board: String) {
        let _ = self.tx.send(Feed::Reset { board });
    }

    /// A new game's board starts empty (a database started afresh reuses game ids while Redis
    /// may still hold an old game's board).
    pub fn game_opened(&self, game: GameId) {
        self.reset(game_board(game));
    }

    /// Players' absolute totals on the game's board.
    pub fn game_totals(&self, game: GameId, totals: Vec<GameTotal>) {
        if self.events {
            let _ = self.tx.send(Feed::EventTotals {
                game,
                totals: totals.clone(),
            });
        }
        let entries = totals
            .into_iter()
            .map(|t| {
                (
                    game_member(t.player),
                    game_entry(t.score, t.answer_time_ms, t.player),
                )
            })
            .collect();
        self.set(game_board(game), entries);
    }

    /// A player removed from the game leaves its board.
    pub fn game_player_left(&self, game: GameId, player: i64) {
        self.unset(game_board(game), game_member(player));
        if self.events {
            let _ = self.tx.send(Feed::EventLeft { game, player });
        }
    }

    /// The game's board gets no more updates.
    pub fn game_over(&self, game: GameId) {
        self.done(game_board(game));
        if self.events {
            let _ = self.tx.send(Feed::EventOver { game });
        }
    }
}

/// Most updates in one round trip.
const BATCH: usize = 5_000;
/// A write that takes longer is treated as failed (Redis unreachable rather than refusing).
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a finished game's board stays to be looked at.
const FINISHED_BOARD_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// While games run, how often an idle feed checks that Redis did not restart empty.
const IDLE_CHECK: Duration = Duration::from_secs(2);
const BACKOFF: [Duration; 4] = [
    Duration::from_millis(100),
    Duration::from_millis(300),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

#[derive(Default)]
struct State {
    /// What each live board should hold: member → entry, `None` for taken off.
    known: HashMap<String, HashMap<String, Option<String>>>,
    /// Members whose entry is not written yet, per board.
    dirty: HashMap<String, HashSet<String>>,
    done: HashSet<String>,
    /// Boards to empty before anything else is written.
    resets: HashSet<String>,
    /// The leaderboards' instance at the last write (Redis's run_id).
    instance: Option<String>,
}

impl State {
    fn apply(&mut self, feed: Feed) {
        match feed {
            Feed::Set { board, entries } => {
                let known = self.known.entry(board.clone()).or_default();
                let dirty = self.dirty.entry(board).or_default();
                for (member, entry) in entries {
                    if known.get(&member).and_then(Option::as_ref) != Some(&entry) {
                        dirty.insert(member.clone());
                        known.insert(member, Some(entry));
                    }
                }
            }
            Feed::Unset { board, member } => {
                self.known
                    .entry(board.clone())
                    .or_default()
                    .insert(member.clone(), None);
                self.dirty.entry(board).or_default().insert(member);
            }
            Feed::Done { board } => {
                self.done.insert(board);
            }
            Feed::Reset { board } => {
                self.known.remove(&board);
                self.dirty.remove(&board);
                self.resets.insert(board);
            }
            // Turned into the feeds above by `take` before they get here.
            Feed::EventTotals { .. } | Feed::EventLeft { .. } | Feed::EventOver { .. } => {}
        }
        self.dirty.retain(|_, members| !members.is_empty());
    }

    /// After a failure Redis may have restarted empty: everything is to be written again.
    fn all_dirty(&mut self) {
        for (board, members) in &self.known {
            self.dirty
                .entry(board.clone())
                .or_default()
                .extend(members.keys().cloned());
        }
    }

    async fn write(&mut self, boards: &Leaderboards) -> crate::leaderboard::Result<()> {
        // A Redis that restarted (empty, most likely) without this feed's writes failing —
        // another request met the broken connection first — is noticed by its new run_id.
        let instance = boards.instance().await?;
        if self.instance.is_some() && self.instance != instance {
            tracing::warn!("the leaderboards' Redis restarted; writing every live board again");
            self.all_dirty();
        }
        self.instance = instance;
        // Resets come first: a board's entries set after its reset are in `dirty` below.
        for board in &self.resets {
            boards.remove(board).await?;
        }
        self.resets.clear();
        let mut sets = Vec::new();
        let mut unsets = Vec::new();
        for (board, members) in &self.dirty {
            let known = &self.known[board];
            for member in members {
                match &known[member] {
                    Some(entry) => sets.push(Update {
                        board: board.clone(),
                        member: member.clone(),
                        entry: entry.clone(),
                    }),
                    None => unsets.push((board.clone(), member.clone())),
                }
            }
        }
        // Each member appears once, so the chunks may land in any order: send them all at
        // once, and the client encodes one while Redis applies another.
        futures_util::future::try_join_all(sets.chunks(BATCH).map(|chunk| boards.set(chunk)))
            .await?;
        boards.unset(&unsets).await?;
        self.dirty.clear();
        // Finished boards are written in full: nothing more to keep here, and in Redis they
        // stay a week to be looked at (Redis must never evict, so nothing may pile up).
        for board in self.done.iter().cloned().collect::<Vec<_>>() {
            boards.expire(&board, FINISHED_BOARD_TTL).await?;
            self.done.remove(&board);
            self.known.remove(&board);
        }
        Ok(())
    }
}

/// Applies a feed, turning an event game's totals into the feeds of its boards first.
async fn take(state: &mut State, events: &mut Option<Events>, feed: Feed) {
    let feeds = match (feed, events.as_mut()) {
        (Feed::EventTotals { game, totals }, Some(events)) => events.totals(game, &totals).await,
        (Feed::EventLeft { game, player }, Some(events)) => events.left(game, player),
        (Feed::EventOver { game }, Some(events)) => events.over(game),
        (feed, _) => vec![feed],
    };
    for feed in feeds {
        state.apply(feed);
    }
}

async fn run(
    boards: Leaderboards,
    mut rx: mpsc::UnboundedReceiver<Feed>,
    mut events: Option<Events>,
) {
    let mut state = State::default();
    let mut failures = 0usize;
    loop {
        if state.dirty.is_empty() && state.done.is_empty() && state.resets.is_empty() {
            tokio::select! {
                feed = rx.recv() => match feed {
                    Some(feed) => take(&mut state, &mut events, feed).await,
                    None => return,
                },
                // Live boards: look now and then whether Redis restarted (the write checks).
                _ = tokio::time::sleep(IDLE_CHECK), if !state.known.is_empty() => {}
            }
        }
        // Everything queued meanwhile goes in the same write.
        while let Ok(feed) = rx.try_recv() {
            take(&mut state, &mut events, feed).await;
        }
        let outcome = tokio::time::timeout(WRITE_TIMEOUT, state.write(&boards)).await;
        match outcome {
            Ok(Ok(())) => {
                if failures > 0 {
                    tracing::info!("leaderboards reachable again; live boards caught up");
                }
                failures = 0;
            }
            Ok(Err(_)) | Err(_) => {
                if failures == 0 {
                    let error = match outcome {
                        Ok(Err(e)) => e.to_string(),
                        _ => "timed out".to_owned(),
                    };
                    tracing::warn!(%error, "leaderboards unreachable; games go on, boards will catch up");
                }
                state.all_dirty();
                let wait = BACKOFF[failures.min(BACKOFF.len() - 1)];
                failures += 1;
                if rx.is_closed() && failures > 20 {
                    tracing::error!("server stopping with live boards unwritten; rebuild them");
                    return;
                }
                tokio::time::sleep(wait).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ranking::RankOrder;
    use crate::leaderboard::MemoryBoards;

    #[test]
    fn a_game_board_is_the_players_scope_of_its_context() {
        assert_eq!(game_board(GameId::new(7)), "game-7/players");
    }

    #[test]
    fn a_member_set_twice_before_a_write_is_written_once_and_unchanged_entries_not_at_all() {
        let mut state = State::default();
        let b = game_board(GameId::new(1));
        state.apply(Feed::Set {
            board: b.clone(),
            entries: vec![("a".into(), "e1".into()), ("b".into(), "e1".into())],
        });
        state.apply(Feed::Set {
            board: b.clone(),
            entries: vec![("a".into(), "e2".into())],
        });
        assert_eq!(state.dirty[&b].len(), 2);
        assert_eq!(state.known[&b]["a"].as_deref(), Some("e2"));
        state.dirty.clear();
        state.apply(Feed::Set {
            board: b.clone(),
            entries: vec![("a".into(), "e2".into())],
        });
        assert!(
            state.dirty.is_empty(),
            "the same total again is not written"
        );
        state.all_dirty();
        assert_eq!(
            state.dirty[&b].len(),
            2,
            "after a failure every member again"
        );
    }

    #[tokio::test]
    async fn a_reset_empties_an_old_board_before_the_new_games_totals() {
        let memory = Leaderboards::Memory(MemoryBoards::new());
        let b = game_board(GameId::new(1));
        memory
            .set(&[Update {
                board: b.clone(),
                member: game_member(5),
                entry: game_entry(10, 10, 5),
            }])
            .await
            .unwrap();
        let mut state = State::default();
        state.apply(Feed::Reset { board: b.clone() });
        state.apply(Feed::Set {
            board: b.clone(),
            entries: vec![(game_member(1), game_entry(1, 1, 1))],
        });
        state.write(&memory).await.unwrap();
        assert_eq!(
            memory.len(&b).await.unwrap(),
            1,
            "only the new game's player"
        );
    }

    #[tokio::test]
    async fn a_board_said_done_twice_or_never_fed_is_forgotten_without_trouble() {
        let memory = Leaderboards::Memory(MemoryBoards::new());
        let mut state = State::default();
        state.apply(Feed::Done {
            board: game_board(GameId::new(9)),
        });
        state.apply(Feed::Done {
            board: game_board(GameId::new(9)),
        });
        state.write(&memory).await.unwrap();
        assert!(state.known.is_empty() && state.done.is_empty());
    }

    #[tokio::test]
    async fn the_feed_writes_totals_removals_and_forgets_finished_boards() {
        let memory = Leaderboards::Memory(MemoryBoards::new());
        let mut state = State::default();
        let b = game_board(GameId::new(3));
        state.apply(Feed::Set {
            board: b.clone(),
            entries: vec![
                (game_member(1), game_entry(900, 4000, 1)),
                (game_member(2), game_entry(900, 3000, 2)),
                (game_member(3), game_entry(100, 1000, 3)),
            ],
        });
        state.apply(Feed::Unset {
            board: b.clone(),
            member: game_member(3),
        });
        state.apply(Feed::Done { board: b.clone() });
        state.write(&memory).await.unwrap();
        let top = memory.page(&b, 0, 10).await.unwrap();
        let members: Vec<&str> = top
            .iter()
            .map(|r| RankOrder::live_game().decode(&r.entry).unwrap().1)
            .collect();
        assert_eq!(members, ["0000002", "0000001"]);
        assert!(state.known.is_empty() && state.dirty.is_empty());
    }
}
