//! The live figures of several nodes, summed in Redis. Each node, every second, in one
//! MULTI: replaces its hash of connected players `hoithi:live:online:{node}` (absolute counts
//! per field, expiring after 5 s, so a dead node's players stop counting by themselves), marks
//! itself alive in `hoithi:live:nodes`, and adds the answers of each whole second it has not
//! published to `hoithi:live:answers:{unix second}` (`HINCRBY` per field: the nodes' counts
//! add up there; kept 2 minutes). A reader sums the live nodes' gauges and reads the window's
//! seconds: two round trips whatever the number of players.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use anyhow::Context as _;
use tokio::sync::watch;

use super::{window, Figures, Local};

const NODES: &str = "hoithi:live:nodes";
/// A node not heard from for this long no longer counts.
const ALIVE_MS: i64 = 5_000;
const ANSWERS_KEPT_SECS: u64 = 120;

fn online_key(node: &str) -> String {
    format!("hoithi:live:online:{node}")
}

fn answers_key(second: u64) -> String {
    format!("hoithi:live:answers:{second}")
}

#[derive(Clone)]
pub(super) struct Shared {
    conn: ConnectionManager,
    node: String,
}

impl Shared {
    pub(super) async fn connect(url: &str, node: &str) -> anyhow::Result<Shared> {
        let client = ::redis::Client::open(url).context("Failed to parse REDIS_URL")?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(1))
            .set_response_timeout(Duration::from_secs(3))
            .set_number_of_retries(3)
            .set_max_delay(1000);
        let conn = ConnectionManager::new_with_config(client, config)
            .await
            .with_context(|| format!("Failed to connect to Redis at {url}"))?;
        Ok(Shared {
            conn,
            node: node.to_owned(),
        })
    }

    /// `field`'s figures summed over the live nodes, for the window ending at `until`.
    pub(super) async fn read(&self, field: &str, until: u64) -> anyhow::Result<Figures> {
        let mut conn = self.conn.clone();
        let now_ms = crate::storage::unix_ms();
        let nodes: Vec<String> = ::redis::cmd("ZRANGEBYSCORE")
            .arg(NODES)
            .arg(now_ms - ALIVE_MS)
            .arg("+inf")
            .query_async(&mut conn)
            .await?;
        let seconds: Vec<u64> = window(until).collect();
        let mut pipe = ::redis::pipe();
        for node in &nodes {
            pipe.cmd("HGET").arg(online_key(node)).arg(field);
        }
        for s in &seconds {
            pipe.cmd("HGET").arg(answers_key(*s)).arg(field);
        }
        let values: Vec<Option<i64>> = pipe.query_async(&mut conn).await?;
        let (online, answers) = values.split_at(nodes.len());
        Ok(Figures {
            online: online.iter().map(|v| v.unwrap_or(0)).sum(),
            answers_per_second: answers
                .iter()
                .map(|v| v.unwrap_or(0).max(0) as u64)
                .collect(),
            until,
        })
    }

    async fn write(
        &self,
        online: &HashMap<String, i64>,
        seconds: &[(u64, HashMap<String, u64>)],
    ) -> ::redis::RedisResult<()> {
        let mut conn = self.conn.clone();
        let key = online_key(&self.node);
        let now_ms = crate::storage::unix_ms();
        let mut pipe = ::redis::pipe();
        pipe.atomic();
        pipe.cmd("DEL").arg(&key).ignore();
        if !online.is_empty() {
            pipe.cmd("HSET").arg(&key);
            for (field, n) in online {
                pipe.arg(field).arg(n);
            }
            pipe.ignore();
            pipe.cmd("PEXPIRE").arg(&key).arg(ALIVE_MS).ignore();
        }
        pipe.cmd("ZADD")
            .arg(NODES)
            .arg(now_ms)
            .arg(&self.node)
            .ignore();
        pipe.cmd("ZREMRANGEBYSCORE")
            .arg(NODES)
            .arg("-inf")
            .arg(now_ms - 60_000)
            .ignore();
        for (second, counts) in seconds {
            let key = answers_key(*second);
            for (field, n) in counts {
                pipe.cmd("HINCRBY").arg(&key).arg(field).arg(n).ignore();
            }
            pipe.cmd("EXPIRE").arg(&key).arg(ANSWERS_KEPT_SECS).ignore();
        }
        pipe.query_async::<()>(&mut conn).await
    }

    async fn leave(&self) {
        let mut conn = self.conn.clone();
        let _ = ::redis::pipe()
            .cmd("DEL")
            .arg(online_key(&self.node))
            .ignore()
            .cmd("ZREM")
            .arg(NODES)
            .arg(&self.node)
            .ignore()
            .query_async::<()>(&mut conn)
            .await;
    }
}

/// Publishes this node's figures every second until shutdown.
pub(super) async fn publish(
    local: Arc<Mutex<Local>>,
    shared: Shared,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    shared.leave().await;
                    return;
                }
                continue;
            }
        }
        let now = (crate::storage::unix_ms() / 1000) as u64;
        let (online, seconds) = {
            let mut local = local.lock().expect("figures lock");
            let mut whole = Vec::new();
            while local.seconds.front().is_some_and(|(at, _)| *at < now) {
                whole.extend(local.seconds.pop_front());
            }
            (local.online.clone(), whole)
        };
        match shared.write(&online, &seconds).await {
            Ok(()) => failing = false,
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "publishing the live figures failed; they are gauges, the answers are in the database");
                }
                failing = true;
            }
        }
    }
}
