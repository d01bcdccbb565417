//! Leaderboards: per board, one sortable entry per member, ranked exactly by byte order (the
//! encoding is [`crate::domain::ranking::RankOrder::encode`]). Two backends behind one type:
//! Redis sorted sets (`REDIS_URL`; shared by several nodes) and an in-process map (the
//! embedded default). Both pass the same test suite (`tests.rs`).
//!
//! A board is a derived index: the database is the source of truth, every write here is an
//! absolute value (setting a member's entry again is a no-op), so retries never double-count
//! and a board can always be rebuilt.

mod memory;
mod redis;
#[cfg(test)]
mod tests;

pub use self::memory::MemoryBoards;
pub use self::redis::RedisBoards;

/// A member's entry on a board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub board: String,
    pub member: String,
    /// The sortable entry (keys and member id), from `RankOrder::encode`.
    pub entry: String,
}

/// An entry with its 1-based rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub rank: u64,
    pub entry: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    #[error("redis: {0}")]
    Redis(#[from] ::redis::RedisError),
}

pub type Result<T> = std::result::Result<T, BoardError>;

/// Leaderboards, in Redis or in this process.
#[derive(Clone)]
pub enum Leaderboards {
    Memory(MemoryBoards),
    Redis(RedisBoards),
}

impl Leaderboards {
    /// Sets each member's entry (replacing the previous one), in one round trip for Redis.
    pub async fn set(&self, updates: &[Update]) -> Result<()> {
        match self {
            Leaderboards::Memory(m) => {
                m.set(updates);
                Ok(())
            }
            Leaderboards::Redis(r) => r.set(updates).await,
        }
    }

    /// Takes members off boards (`(board, member)` pairs): a player removed from a game.
    pub async fn unset(&self, members: &[(String, String)]) -> Result<()> {
        match self {
            Leaderboards::Memory(m) => {
                m.unset(members);
                Ok(())
            }
            Leaderboards::Redis(r) => r.unset(members).await,
        }
    }

    /// Entries ranked `offset + 1 ..= offset + limit`.
    pub async fn page(&self, board: &str, offset: u64, limit: u64) -> Result<Vec<Ranked>> {
        match self {
            Leaderboards::Memory(m) => Ok(m.page(board, offset, limit)),
            Leaderboards::Redis(r) => r.page(board, offset, limit).await,
        }
    }

    /// A member's rank and the `radius` entries on each side of it.
    pub async fn around(
        &self,
        board: &str,
        member: &str,
        radius: u64,
    ) -> Result<Option<(u64, Vec<Ranked>)>> {
        match self {
            Leaderboards::Memory(m) => Ok(m.around(board, member, radius)),
            Leaderboards::Redis(r) => r.around(board, member, radius).await,
        }
    }

    /// How many members a board has.
    pub async fn len(&self, board: &str) -> Result<u64> {
        match self {
            Leaderboards::Memory(m) => Ok(m.len(board)),
            Leaderboards::Redis(r) => r.len(board).await,
        }
    }

    /// Replaces a whole board at once (readers see the old board or the new one, never a half):
    /// what a rebuild from the database does.
    pub async fn replace(&self, board: &str, entries: &[(String, String)]) -> Result<()> {
        match self {
            Leaderboards::Memory(m) => {
                m.replace(board, entries);
                Ok(())
            }
            Leaderboards::Redis(r) => r.replace(board, entries).await,
        }
    }

    /// Lets a board go after `ttl` (a finished game's board: kept for a while to be looked at,
    /// then gone, so boards do not pile up in a Redis that must never evict).
    pub async fn expire(&self, board: &str, ttl: std::time::Duration) -> Result<()> {
        match self {
            Leaderboards::Memory(m) => {
                m.expire(board, ttl);
                Ok(())
            }
            Leaderboards::Redis(r) => r.expire(board, ttl).await,
        }
    }

    /// Which running instance holds the boards: Redis's `run_id`, which changes when Redis
    /// restarts (possibly empty). `None` for the in-process boards, which live as long as
    /// the server.
    pub async fn instance(&self) -> Result<Option<String>> {
        match self {
            Leaderboards::Memory(_) => Ok(None),
            Leaderboards::Redis(r) => r.instance().await.map(Some),
        }
    }

    /// Removes a board.
    pub async fn remove(&self, board: &str) -> Result<()> {
        match self {
            Leaderboards::Memory(m) => {
                m.remove(board);
                Ok(())
            }
            Leaderboards::Redis(r) => r.remove(board).await,
        }
    }
}
