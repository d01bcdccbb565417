//! The in-process backend: a sorted set and a member index per board, under one lock. Ranks
//! are counted by walking the set, which is fine for a school's boards; the province's boards
//! belong in Redis.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Ranked, Update};

#[derive(Default)]
struct Board {
    sorted: BTreeSet<String>,
    by_member: HashMap<String, String>,
    /// When the board goes, if it was told to.
    expires: Option<Instant>,
}

impl Board {
    fn set(&mut self, member: &str, entry: &str) {
        if let Some(old) = self.by_member.insert(member.to_owned(), entry.to_owned()) {
            self.sorted.remove(&old);
        }
        self.sorted.insert(entry.to_owned());
    }
}

/// Boards in this process. Cheap to clone.
#[derive(Clone, Default)]
pub struct MemoryBoards {
    // A std mutex: nothing is awaited while it is held, and each operation is short.
    boards: Arc<Mutex<HashMap<String, Board>>>,
}

impl MemoryBoards {
    pub fn new() -> Self {
        Self::default()
    }

    /// The boards, without those whose time is up (dropped here, lazily).
    fn boards(&self) -> std::sync::MutexGuard<'_, HashMap<String, Board>> {
        let mut boards = self.boards.lock().expect("boards lock");
        let now = Instant::now();
        boards.retain(|_, b| b.expires.is_none_or(|at| at > now));
        boards
    }

    pub(super) fn expire(&self, board: &str, ttl: Duration) {
        if let Some(b) = self.boards().get_mut(board) {
            b.expires = Some(Instant::now() + ttl);
        }
    }

    pub(super) fn set(&self, updates: &[Update]) {
        let mut boards = self.boards();
        for u in updates {
            boards
                .entry(u.board.clone())
                .or_default()
                .set(&u.member, &u.entry);
        }
    }

    pub(super) fn unset(&self, members: &[(String, String)]) {
        let mut boards = self.boards();
        for (board, member) in members {
            if let Some(b) = boards.get_mut(board) {
                if let Some(old) = b.by_member.remove(member) {
                    b.sorted.remove(&old);
                }
            }
        }
    }

    pub(super) fn page(&self, board: &str, offset: u64, limit: u64) -> Vec<Ranked> {
        let boards = self.boards();
        let Some(b) = boards.get(board) else {
            return Vec::new();
        };
        b.sorted
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .enumerate()
            .map(|(i, e)| Ranked {
                rank: offset.saturating_add(i as u64 + 1),
                entry: e.clone(),
            })
            .collect()
    }

    pub(super) fn around(
        &self,
        board: &str,
        member: &str,
        radius: u64,
    ) -> Option<(u64, Vec<Ranked>)> {
        let rank = {
            let boards = self.boards();
            let b = boards.get(board)?;
            let entry = b.by_member.get(member)?;
            b.sorted.range::<String, _>(..entry.clone()).count() as u64 + 1
        };
        let from = rank.saturating_sub(radius + 1);
        Some((rank, self.page(board, from, rank - from + radius)))
    }

    pub(super) fn len(&self, board: &str) -> u64 {
        self.boards()
            .get(board)
            .map_or(0, |b| b.sorted.len() as u64)
    }

    pub(super) fn replace(&self, board: &str, entries: &[(String, String)]) {
        let mut fresh = Board::default();
        for (member, entry) in entries {
            fresh.set(member, entry);
        }
        self.boards().insert(board.to_owned(), fresh);
    }

    pub(super) fn remove(&self, board: &str) {
        self.boards().remove(board);
    }
}
