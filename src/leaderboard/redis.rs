//! The Redis backend. Each board is a sorted set whose members are the encoded entries, all
//! with score 0 — Redis then orders them by bytes, which is the exact ranking order — and a
//! hash from member id to its current entry, so an update replaces the old entry and a rank
//! lookup needs only the member id. Updates run as a Lua script (atomic, and a no-op when the
//! entry is unchanged), many per round trip.

use ::redis::aio::ConnectionManager;
use ::redis::{RedisError, Value};

use super::{Ranked, Result, Update};

/// Replace a member's entry on one or more boards. KEYS: zset, hash of each board in turn.
/// ARGV: member, entry. A participant's four boards take one call.
const SET: &str = r#"
local changed = 0
for i = 1, #KEYS, 2 do
  local old = redis.call('HGET', KEYS[i + 1], ARGV[1])
  if old ~= ARGV[2] then
    if old then redis.call('ZREM', KEYS[i], old) end
    redis.call('ZADD', KEYS[i], 0, ARGV[2])
    redis.call('HSET', KEYS[i + 1], ARGV[1], ARGV[2])
    changed = changed + 1
  end
end
return changed
"#;

/// A member's 0-based rank and its neighbours. KEYS: zset, hash. ARGV: member, radius.
const AROUND: &str = r#"
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if not entry then return false end
local rank = redis.call('ZRANK', KEYS[1], entry)
local radius = tonumber(ARGV[2])
local from = rank - radius
if from < 0 then from = 0 end
return {rank, from, redis.call('ZRANGE', KEYS[1], from, rank + radius)}
"#;

#[derive(Clone)]
pub struct RedisBoards {
    conn: ConnectionManager,
    /// Prepended to every key, so tests and deployments can share one Redis.
    prefix: String,
    set_sha: String,
    around_sha: String,
}

impl RedisBoards {
    /// Connects to `url`; keys are `{prefix}lb:{board}:z` and `…:m`.
    pub async fn connect(url: &str, prefix: &str) -> Result<RedisBoards> {
        let client = ::redis::Client::open(url)?;
        let conn = ConnectionManager::new(client).await?;
        let mut boards = RedisBoards {
            conn,
            prefix: prefix.to_owned(),
            set_sha: String::new(),
            around_sha: String::new(),
        };
        boards.load_scripts().await?;
        Ok(boards)
    }

    async fn load_scripts(&mut self) -> Result<()> {
        let mut conn = self.conn.clone();
        self.set_sha = ::redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg(SET)
            .query_async(&mut conn)
            .await?;
        self.around_sha = ::redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg(AROUND)
            .query_async(&mut conn)
            .await?;
        Ok(())
    }

    fn keys(&self, board: &str) -> (String, String) {
        (
            format!("{}lb:{board}:z", self.prefix),
            format!("{}lb:{board}:m", self.prefix),
        )
    }

    /// Runs `f`, and once more after reloading the scripts if Redis lost them (a restart).
    async fn with_scripts<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: Fn(RedisBoards) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, RedisError>>,
    {
        match f(self.clone()).await {
            Err(e) if e.code() == Some("NOSCRIPT") => {
                let mut again = self.clone();
                again.load_scripts().await?;
                Ok(f(again).await?)
            }
            other => Ok(other?),
        }
    }

    pub(super) async fn set(&self, updates: &[Update]) -> Result<()> {
        if updates.is_empty() {
            return Ok(());
        }
        self.with_scripts(|me| async move {
            let mut pipe = ::redis::pipe();
            // Consecutive updates of one member with one entry (a participant's boards) go in
            // one script call.
            let mut i = 0;
            while i < updates.len() {
                let first = &updates[i];
                let mut cmd = ::redis::cmd("EVALSHA");
                let same = updates[i..]
                    .iter()
                    .take_while(|u| u.member == first.member && u.entry == first.entry)
                    .count();
                cmd.arg(&me.set_sha).arg(2 * same);
                for u in &updates[i..i + same] {
                    let (z, m) = me.keys(&u.board);
                    cmd.arg(z).arg(m);
                }
                cmd.arg(&first.member).arg(&first.entry);
                pipe.add_command(cmd).ignore();
                i += same;
            }
            let mut conn = me.conn.clone();
            pipe.query_async::<()>(&mut conn).await
        })
        .await
    }

    pub(super) async fn page(&self, board: &str, offset: u64, limit: u64) -> Result<Vec<Ranked>> {
        // Redis takes signed 64-bit ranks: past that there is nothing to show anyway.
        let last_rank = i64::MAX as u64;
        if limit == 0 || offset >= last_rank {
            return Ok(Vec::new());
        }
        let (z, _) = self.keys(board);
        let mut conn = self.conn.clone();
        let entries: Vec<String> = ::redis::cmd("ZRANGE")
            .arg(z)
            .arg(offset)
            .arg(offset.saturating_add(limit - 1).min(last_rank))
            .query_async(&mut conn)
            .await?;
        Ok(ranked(offset, entries))
    }

    pub(super) async fn around(
        &self,
        board: &str,
        member: &str,
        radius: u64,
    ) -> Result<Option<(u64, Vec<Ranked>)>> {
        let (z, m) = self.keys(board);
        let reply: Value = self
            .with_scripts(|me| {
                let (z, m) = (z.clone(), m.clone());
                async move {
                    let mut conn = me.conn.clone();
                    ::redis::cmd("EVALSHA")
                        .arg(&me.around_sha)
                        .arg(2)
                        .arg(z)
                        .arg(m)
                        .arg(member)
                        .arg(radius)
                        .query_async(&mut conn)
                        .await
                }
            })
            .await?;
        let Value::Array(parts) = reply else {
            return Ok(None);
        };
        let (rank, from): (u64, u64) = match (&parts[..], parts.len()) {
            ([Value::Int(r), Value::Int(f), _], 3) => (*r as u64, *f as u64),
            _ => return Ok(None),
        };
        let entries: Vec<String> = ::redis::from_redis_value(&parts[2])?;
        Ok(Some((rank + 1, ranked(from, entries))))
    }

    pub(super) async fn len(&self, board: &str) -> Result<u64> {
        let (z, _) = self.keys(board);
        let mut conn = self.conn.clone();
        Ok(::redis::cmd("ZCARD").arg(z).query_async(&mut conn).await?)
    }

    pub(super) async fn replace(&self, board: &str, entries: &[(String, String)]) -> Result<()> {
        let (z, m) = self.keys(board);
        let (tz, tm) = (format!("{z}:rebuild"), format!("{m}:rebuild"));
        let mut conn = self.conn.clone();
        ::redis::cmd("DEL")
            .arg(&tz)
            .arg(&tm)
            .query_async::<()>(&mut conn)
            .await?;
        // Build beside the live board in chunks, then swap both keys in one transaction.
        for chunk in entries.chunks(10_000) {
            let mut pipe = ::redis::pipe();
            let mut zadd = ::redis::cmd("ZADD");
            zadd.arg(&tz);
            let mut hset = ::redis::cmd("HSET");
            hset.arg(&tm);
            for (member, entry) in chunk {
                zadd.arg(0).arg(entry);
                hset.arg(member).arg(entry);
            }
            pipe.add_command(zadd).ignore().add_command(hset).ignore();
            pipe.query_async::<()>(&mut conn).await?;
        }
        let mut swap = ::redis::pipe();
        swap.atomic();
        if entries.is_empty() {
            swap.cmd("DEL").arg(&z).arg(&m).ignore();
        } else {
            swap.cmd("RENAME")
                .arg(&tz)
                .arg(&z)
                .ignore()
                .cmd("RENAME")
                .arg(&tm)
                .arg(&m)
                .ignore();
        }
        swap.query_async::<()>(&mut conn).await?;
        Ok(())
    }

    pub(super) async fn remove(&self, board: &str) -> Result<()> {
        let (z, m) = self.keys(board);
        let mut conn = self.conn.clone();
        ::redis::cmd("DEL")
            .arg(z)
            .arg(m)
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }
}

fn ranked(offset: u64, entries: Vec<String>) -> Vec<Ranked> {
    entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| Ranked {
            rank: offset.saturating_add(i as u64 + 1),
            entry,
        })
        .collect()
}
