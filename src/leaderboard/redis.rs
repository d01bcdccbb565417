//! The Redis backend. Each board is a sorted set. An entry's head (the leading keys packed
//! in 53 bits, see [`crate::domain::ranking`]) is the numeric score, so Redis compares numbers,
//! and the rest of the entry (`|member` or further keys, `|`, member) is the set's member;
//! Redis orders equal scores by member bytes, which is exactly the entry's byte order.
//!
//! When the rest is `|member` (every key in the head: live games), a member has one fixed
//! element and `ZADD` alone replaces its entry: one command per board, pipelined. Otherwise
//! (further keys: the contest's tie-breaks) a hash from member id to its current entry lets a
//! Lua script remove the old element before adding the new one, atomically.

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{RedisError, Value};

use super::{Ranked, Result, Update};
use crate::domain::ranking::HEAD_HEX;

/// Replace a member's entry on one or more boards whose entries have keys after the head.
/// KEYS: zset, hash of each board in turn. ARGV: member, entry, score, element.
const SET: &str = r#"
local changed = 0
for i = 1, #KEYS, 2 do
  local old = redis.call('HGET', KEYS[i + 1], ARGV[1])
  if old ~= ARGV[2] then
    if old then redis.call('ZREM', KEYS[i], string.sub(old, HEAD + 1)) end
    redis.call('ZADD', KEYS[i], ARGV[3], ARGV[4])
    redis.call('HSET', KEYS[i + 1], ARGV[1], ARGV[2])
    changed = changed + 1
  end
end
return changed
"#;

/// A member's 0-based rank and its neighbours with their scores. KEYS: zset, hash.
/// ARGV: member, radius. The member's element is `|member` on head-only boards, else the
/// hash knows its entry.
const AROUND: &str = r#"
local rank = redis.call('ZRANK', KEYS[1], '|' .. ARGV[1])
if not rank then
  local entry = redis.call('HGET', KEYS[2], ARGV[1])
  if not entry then return false end
  rank = redis.call('ZRANK', KEYS[1], string.sub(entry, HEAD + 1))
  if not rank then return false end
end
local radius = tonumber(ARGV[2])
local from = rank - radius
if from < 0 then from = 0 end
return {rank, from, redis.call('ZRANGE', KEYS[1], from, rank + radius, 'WITHSCORES')}
"#;

/// Takes a member off a board. KEYS: zset, hash. ARGV: member.
const UNSET: &str = r#"
local removed = redis.call('ZREM', KEYS[1], '|' .. ARGV[1])
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if entry then
  removed = removed + redis.call('ZREM', KEYS[1], string.sub(entry, HEAD + 1))
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return removed
"#;

/// An entry split for Redis: its head as a score (an exact integer below 2^53) and the rest.
struct Split<'a> {
    score: u64,
    element: &'a str,
}

fn split(entry: &str) -> Option<Split<'_>> {
    let score = u64::from_str_radix(entry.get(..HEAD_HEX)?, 16).ok()?;
    Some(Split {
        score,
        element: entry.get(HEAD_HEX..)?,
    })
}

/// Whether the element is just `|member`: no hash needed.
fn head_only(element: &str, member: &str) -> bool {
    element.strip_prefix('|') == Some(member)
}

fn script(source: &str) -> String {
    source.replace("HEAD", &HEAD_HEX.to_string())
}

/// An entry back from its score and element.
fn join(score: f64, element: &str) -> String {
    format!("{:0w$x}{element}", score as u64, w = HEAD_HEX)
}

#[derive(Clone)]
pub struct RedisBoards {
    conn: ConnectionManager,
    /// Prepended to every key, so tests and deployments can share one Redis.
    prefix: String,
    set_sha: String,
    around_sha: String,
    unset_sha: String,
}

impl RedisBoards {
    /// Connects to `url`; keys are `{prefix}lb:{board}:z` and `…:m`.
    pub async fn connect(url: &str, prefix: &str) -> Result<RedisBoards> {
        let client = ::redis::Client::open(url)?;
        // Bounded waits: a request on a connection Redis dropped fails (and reconnects) within
        // seconds instead of hanging, and reconnecting tries at most every second, so boards
        // come back soon after Redis does.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(std::time::Duration::from_secs(1))
            .set_response_timeout(std::time::Duration::from_secs(3))
            .set_number_of_retries(3)
            .set_max_delay(1000);
        let conn = ConnectionManager::new_with_config(client, config).await?;
        let mut boards = RedisBoards {
            conn,
            prefix: prefix.to_owned(),
            set_sha: String::new(),
            around_sha: String::new(),
            unset_sha: String::new(),
        };
        boards.load_scripts().await?;
        Ok(boards)
    }

    async fn load_scripts(&mut self) -> Result<()> {
        let mut conn = self.conn.clone();
        self.set_sha = ::redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg(script(SET))
            .query_async(&mut conn)
            .await?;
        self.around_sha = ::redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg(script(AROUND))
            .query_async(&mut conn)
            .await?;
        self.unset_sha = ::redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg(script(UNSET))
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
            let mut i = 0;
            while i < updates.len() {
                let first = &updates[i];
                let Some(Split { score, element }) = split(&first.entry) else {
                    // Entries come from RankOrder::encode; anything else is a bug upstream.
                    tracing::error!(entry = %first.entry, "not a ranking entry; skipped");
                    i += 1;
                    continue;
                };
                if head_only(element, &first.member) {
                    let (z, _) = me.keys(&first.board);
                    pipe.cmd("ZADD").arg(z).arg(score).arg(element).ignore();
                    i += 1;
                    continue;
                }
                // Consecutive updates of one member with one entry (a participant's boards)
                // go in one script call.
                let same = updates[i..]
                    .iter()
                    .take_while(|u| u.member == first.member && u.entry == first.entry)
                    .count();
                let mut cmd = ::redis::cmd("EVALSHA");
                cmd.arg(&me.set_sha).arg(2 * same);
                for u in &updates[i..i + same] {
                    let (z, m) = me.keys(&u.board);
                    cmd.arg(z).arg(m);
                }
                cmd.arg(&first.member)
                    .arg(&first.entry)
                    .arg(score)
                    .arg(element);
                pipe.add_command(cmd).ignore();
                i += same;
            }
            let mut conn = me.conn.clone();
            pipe.query_async::<()>(&mut conn).await
        })
        .await
    }

    pub(super) async fn unset(&self, members: &[(String, String)]) -> Result<()> {
        if members.is_empty() {
            return Ok(());
        }
        self.with_scripts(|me| async move {
            let mut pipe = ::redis::pipe();
            for (board, member) in members {
                let (z, m) = me.keys(board);
                pipe.cmd("EVALSHA")
                    .arg(&me.unset_sha)
                    .arg(2)
                    .arg(z)
                    .arg(m)
                    .arg(member)
                    .ignore();
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
        let entries: Vec<(String, f64)> = ::redis::cmd("ZRANGE")
            .arg(z)
            .arg(offset)
            .arg(offset.saturating_add(limit - 1).min(last_rank))
            .arg("WITHSCORES")
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
        let entries: Vec<(String, f64)> = ::redis::from_redis_value(&parts[2])?;
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
        let (mut sorted, mut indexed) = (0, 0);
        for chunk in entries.chunks(10_000) {
            let mut pipe = ::redis::pipe();
            let mut zadd = ::redis::cmd("ZADD");
            zadd.arg(&tz);
            let mut hset = ::redis::cmd("HSET");
            hset.arg(&tm);
            let (sorted_before, indexed_before) = (sorted, indexed);
            for (member, entry) in chunk {
                let Some(Split { score, element }) = split(entry) else {
                    tracing::error!(%entry, "not a ranking entry; skipped");
                    continue;
                };
                zadd.arg(score).arg(element);
                sorted += 1;
                if !head_only(element, member) {
                    hset.arg(member).arg(entry);
                    indexed += 1;
                }
            }
            if sorted > sorted_before {
                pipe.add_command(zadd).ignore();
            }
            if indexed > indexed_before {
                pipe.add_command(hset).ignore();
            }
            pipe.query_async::<()>(&mut conn).await?;
        }
        let mut swap = ::redis::pipe();
        swap.atomic();
        // RENAME needs its source: a board without entries, or whose entries need no index,
        // loses the old key instead.
        if sorted == 0 {
            swap.cmd("DEL").arg(&z).ignore();
        } else {
            swap.cmd("RENAME").arg(&tz).arg(&z).ignore();
        }
        if indexed == 0 {
            swap.cmd("DEL").arg(&m).ignore();
        } else {
            swap.cmd("RENAME").arg(&tm).arg(&m).ignore();
        }
        swap.query_async::<()>(&mut conn).await?;
        Ok(())
    }

    pub(super) async fn expire(&self, board: &str, ttl: std::time::Duration) -> Result<()> {
        let (z, m) = self.keys(board);
        let secs = ttl.as_secs().max(1);
        let mut conn = self.conn.clone();
        ::redis::pipe()
            .cmd("EXPIRE")
            .arg(z)
            .arg(secs)
            .ignore()
            .cmd("EXPIRE")
            .arg(m)
            .arg(secs)
            .ignore()
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }

    pub(super) async fn instance(&self) -> Result<String> {
        let mut conn = self.conn.clone();
        let info: String = ::redis::cmd("INFO")
            .arg("server")
            .query_async(&mut conn)
            .await?;
        Ok(info
            .lines()
            .find_map(|l| l.strip_prefix("run_id:"))
            .unwrap_or_default()
            .trim()
            .to_owned())
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

fn ranked(offset: u64, entries: Vec<(String, f64)>) -> Vec<Ranked> {
    entries
        .into_iter()
        .enumerate()
        .map(|(i, (element, score))| Ranked {
            rank: offset.saturating_add(i as u64 + 1),
            entry: join(score, &element),
        })
        .collect()
}
